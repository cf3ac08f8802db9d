//! `howtocook` against a mock host of the recipes JSON.

use serde_json::{Value, json};

use super::{Mock, call_err, call_ok, gateway, vendor_json, vendor_status};

fn recipe(id: &str, name: &str, category: &str, ingredients: &[&str]) -> Value {
    json!({
        "id": id, "name": name, "description": format!("{name}的做法"), "source_path": format!("dishes/{id}.md"),
        "image_path": null, "category": category, "difficulty": 2, "tags": [category], "servings": 2,
        "ingredients": ingredients.iter().map(|name| json!({
            "name": name, "quantity": 100, "unit": "g", "text_quantity": "100 g", "notes": ""
        })).collect::<Vec<_>>(),
        "steps": [{"step": 1, "description": format!("做{name}")}],
        "prep_time_minutes": 10, "cook_time_minutes": 20, "total_time_minutes": 30, "additional_notes": []
    })
}

fn recipes() -> Value {
    json!([
        recipe("hongshaorou", "红烧肉", "荤菜", &["猪肉", "冰糖", "酱油"]),
        recipe("gongbao", "宫保鸡丁", "荤菜", &["鸡肉", "花生", "大蒜"]),
        recipe("niurou", "番茄牛腩", "荤菜", &["牛肉", "番茄"]),
        recipe("yu", "清蒸鲈鱼", "水产", &["鲈鱼", "葱"]),
        recipe("xia", "白灼虾", "水产", &["虾", "姜"]),
        recipe("qingcai", "蒜蓉青菜", "素菜", &["青菜", "大蒜"]),
        recipe("tudou", "酸辣土豆丝", "素菜", &["土豆", "辣椒"]),
        recipe("jidan", "番茄炒蛋", "素菜", &["番茄", "鸡蛋"]),
        recipe("tang", "紫菜蛋花汤", "汤羹", &["紫菜", "鸡蛋"]),
        recipe("baozi", "包子", "早餐", &["面粉", "猪肉"]),
        recipe("zhou", "小米粥", "早餐", &["小米"]),
        recipe("mifan", "米饭", "主食", &["大米"]),
    ])
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|recipe| recipe["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn howtocook_lists_searches_and_recommends_from_one_cached_fetch() {
    let mock = Mock::start(|_| vendor_json(recipes())).await;
    let recipes_url = format!("{}/all_recipes.json", mock.base_url);
    let gateway = gateway("howtocook", &[("recipes_url", &recipes_url)]).await;

    let all: Value =
        serde_json::from_str(&call_ok(&gateway, "mcp_howtocook_getAllRecipes", json!({})).await)
            .unwrap();
    assert_eq!(all.as_array().unwrap().len(), 12);
    assert_eq!(
        all[0],
        json!({"name": "红烧肉", "description": "红烧肉的做法"})
    );

    let fish: Value = serde_json::from_str(
        &call_ok(
            &gateway,
            "mcp_howtocook_getRecipesByCategory",
            json!({"category": "水产"}),
        )
        .await,
    )
    .unwrap();
    assert_eq!(names(&fish), ["清蒸鲈鱼", "白灼虾"]);
    assert_eq!(
        fish[0]["ingredients"][0],
        json!({"name": "鲈鱼", "text_quantity": "100 g"})
    );

    // By id, by name, and by part of a name; the full recipe with its steps.
    for query in ["gongbao", "宫保鸡丁", "鸡丁"] {
        let found: Value = serde_json::from_str(
            &call_ok(
                &gateway,
                "mcp_howtocook_getRecipeById",
                json!({"query": query}),
            )
            .await,
        )
        .unwrap();
        assert_eq!(found["name"], "宫保鸡丁", "{query}");
        assert_eq!(found["steps"][0]["description"], "做宫保鸡丁");
    }
    let text = call_err(
        &gateway,
        "mcp_howtocook_getRecipeById",
        json!({"query": "佛跳墙"}),
    )
    .await;
    assert!(text.contains("no recipe named 佛跳墙"), "{text}");

    // Allergies and dislikes keep every recipe with such an ingredient out of the plan.
    let plan: Value = serde_json::from_str(
        &call_ok(
            &gateway,
            "mcp_howtocook_recommendMeals",
            json!({"peopleCount": 2, "allergies": ["虾"], "avoidItems": ["大蒜"]}),
        )
        .await,
    )
    .unwrap();
    assert_eq!(plan["weekdays"].as_array().unwrap().len(), 5);
    assert_eq!(plan["weekend"].as_array().unwrap().len(), 2);
    assert_eq!(plan["weekdays"][0]["day"], "周一");
    let planned: Vec<String> = plan["weekdays"]
        .as_array()
        .unwrap()
        .iter()
        .chain(plan["weekend"].as_array().unwrap())
        .flat_map(|day| ["breakfast", "lunch", "dinner"].map(|meal| names(&day[meal])))
        .flatten()
        .collect();
    assert!(!planned.is_empty());
    for excluded in ["白灼虾", "宫保鸡丁", "蒜蓉青菜"] {
        assert!(
            !planned.iter().any(|name| name == excluded),
            "{excluded} in {planned:?}"
        );
    }
    // Each recipe once in the week; the grocery list covers what was planned.
    let mut unique = planned.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), planned.len(), "{planned:?}");
    assert!(
        !plan["groceryList"]["ingredients"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let dishes: Value = serde_json::from_str(
        &call_ok(
            &gateway,
            "mcp_howtocook_whatToEat",
            json!({"peopleCount": 4}),
        )
        .await,
    )
    .unwrap();
    assert_eq!(dishes["peopleCount"], 4);
    assert_eq!(dishes["meatDishCount"], 3);
    assert_eq!(dishes["vegetableDishCount"], 2);
    assert_eq!(dishes["dishes"].as_array().unwrap().len(), 5);

    let text = call_err(
        &gateway,
        "mcp_howtocook_whatToEat",
        json!({"peopleCount": 11}),
    )
    .await;
    assert!(text.contains("1 to 10"), "{text}");

    // Every call above was served from one read of the file.
    let requests = mock.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].path, "/all_recipes.json");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn howtocook_reports_an_unreachable_or_malformed_recipes_file() {
    let mock = Mock::start(|seen| match seen.path.as_str() {
        "/not-a-list.json" => vendor_json(json!({"recipes": "nope"})),
        _ => vendor_status(404, json!({"message": "Not Found"})),
    })
    .await;
    let gateway = gateway(
        "howtocook",
        &[("recipes_url", &format!("{}/missing.json", mock.base_url))],
    )
    .await;
    let text = call_err(&gateway, "mcp_howtocook_getAllRecipes", json!({})).await;
    assert!(text.contains("404") && text.contains("Not Found"), "{text}");

    let gateway = super::gateway(
        "howtocook",
        &[("recipes_url", &format!("{}/not-a-list.json", mock.base_url))],
    )
    .await;
    let text = call_err(
        &gateway,
        "mcp_howtocook_whatToEat",
        json!({"peopleCount": 2}),
    )
    .await;
    assert!(text.contains("not a list of recipes"), "{text}");
}
