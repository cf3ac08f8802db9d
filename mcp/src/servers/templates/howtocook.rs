//! The `howtocook` template: recipes of the HowToCook project (程序员做饭指南): list them, list a
//! category, look one up, plan a week of meals with a grocery list, or pick dishes for a table.
//!
//! The recipes are one public JSON file, fetched on the first call from a configurable URL and
//! kept for [`CACHE_TTL`]; the file and the number of recipes are bounded, and a failed refresh
//! keeps serving the recipes already held. Picks are random, as in the seed.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use rand::Rng;
use rand::seq::SliceRandom;
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, Tool};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::vendor_http::VendorHttp;
use super::vendor_tools::{
    failure, json_result, missing_arg, number_arg, seconds_param, strings_arg, text_arg, url_param,
};
use super::{Catalogue, ParamOwner, TemplateError, TemplateInfo, TemplateParam, tool};
use crate::tool_server::{ToolCall, ToolServer, tool_error};

pub(super) const INFO: TemplateInfo = TemplateInfo {
    name: "howtocook",
    description: "Recipes from the HowToCook project: browse by category, weekly meal plans with a grocery list, dish picks for a table",
    params: &[
        TemplateParam {
            name: "recipes_url",
            description: "Where the recipes JSON is read (default https://weilei.site/all_recipes.json)",
            set_by: ParamOwner::Admin,
            required: false,
        },
        TemplateParam {
            name: "timeout",
            description: "Request timeout in seconds for fetching the recipes, 1 to 120 (default 30)",
            set_by: ParamOwner::Admin,
            required: false,
        },
    ],
    catalogue: Catalogue {
        display_name: "HowToCook",
        display_name_zh: "程序员做饭指南",
        description_zh: "基于程序员做饭指南的菜谱服务：按分类查菜谱、生成一周膳食计划与购物清单、按人数推荐菜品",
        tags: &["recipe", "cooking", "food", "chinese"],
        readme: HOWTOCOOK_README,
        logo: "https://github.com/Anduin2017.png",
        homepage: "https://github.com/Anduin2017/HowToCook",
        fixture: false,
    },
};

const HOWTOCOOK_README: &str = "\
# HowToCook (程序员做饭指南)

Recipes from [HowToCook](https://github.com/Anduin2017/HowToCook), no key needed:

| tool | what it does |
|---|---|
| `mcp_howtocook_getAllRecipes` | every recipe's name and description |
| `mcp_howtocook_getRecipesByCategory` | the recipes of a category (水产, 早餐, 荤菜, 主食, 素菜, 甜品, 汤羹, ...) with ingredients |
| `mcp_howtocook_getRecipeById` | one recipe in full (ingredients and steps), by id or name |
| `mcp_howtocook_recommendMeals` | a week of breakfasts, lunches and dinners avoiding allergens and disliked ingredients, with a grocery list |
| `mcp_howtocook_whatToEat` | a set of meat and vegetable dishes for a number of people |

## Parameters

- `recipes_url` (admin): the recipes JSON, by default `https://weilei.site/all_recipes.json` \
(the file the howtocook-mcp project publishes). Host a copy to avoid the dependency. It is read \
on the first call and again every six hours; files over 32 MiB are refused.
- `timeout` (admin): seconds to fetch it, default 30.
";

const DEFAULT_RECIPES_URL: &str = "https://weilei.site/all_recipes.json";
const MAX_RECIPES_BYTES: usize = 32 * 1024 * 1024;
const MAX_RECIPES: usize = 20_000;
const CACHE_TTL: Duration = Duration::from_secs(6 * 60 * 60);
const MAX_PEOPLE: u64 = 10;
const CATEGORIES_HINT: &str = "水产, 早餐, 荤菜, 主食, 素菜, 甜品, 汤羹, 调料, 饮品, 半成品加工";

/// The registry's [`super::Start`] for this template.
pub(super) fn start(
    params: &BTreeMap<String, String>,
) -> Result<Arc<dyn ToolServer>, TemplateError> {
    let recipes_url = url_param(params, "recipes_url", DEFAULT_RECIPES_URL)?;
    let timeout = seconds_param(params, "timeout", 30, (1, 120))?;
    let http = VendorHttp::new("howtocook", recipes_url.clone(), timeout)?;
    Ok(Arc::new(HowToCookServer {
        http,
        recipes_url,
        cache: tokio::sync::Mutex::new(None),
    }))
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
struct Recipe {
    id: String,
    name: String,
    description: String,
    category: String,
    difficulty: Option<f64>,
    tags: Vec<String>,
    servings: Option<f64>,
    ingredients: Vec<Ingredient>,
    steps: Vec<Step>,
    prep_time_minutes: Option<f64>,
    cook_time_minutes: Option<f64>,
    total_time_minutes: Option<f64>,
    additional_notes: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
struct Ingredient {
    name: String,
    quantity: Option<f64>,
    unit: Option<String>,
    text_quantity: String,
    notes: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
struct Step {
    step: Option<f64>,
    description: String,
}

/// The recipes held and when they were read.
struct Cached {
    recipes: Arc<Vec<Recipe>>,
    fetched: Instant,
}

struct HowToCookServer {
    http: VendorHttp,
    recipes_url: String,
    /// Held across the fetch so concurrent first calls read the file once.
    cache: tokio::sync::Mutex<Option<Cached>>,
}

impl HowToCookServer {
    async fn recipes(&self) -> Result<Arc<Vec<Recipe>>, String> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref()
            && cached.fetched.elapsed() < CACHE_TTL
        {
            return Ok(cached.recipes.clone());
        }
        match self.fetch().await {
            Ok(recipes) => {
                let recipes = Arc::new(recipes);
                *cache = Some(Cached {
                    recipes: recipes.clone(),
                    fetched: Instant::now(),
                });
                Ok(recipes)
            }
            // Stale recipes beat none while the source is down.
            Err(error) => match cache.as_ref() {
                Some(cached) => Ok(cached.recipes.clone()),
                None => Err(error),
            },
        }
    }

    async fn fetch(&self) -> Result<Vec<Recipe>, String> {
        let body = self
            .http
            .get_url(&self.recipes_url, MAX_RECIPES_BYTES)
            .await
            .map_err(|error| format!("reading the recipes: {error}"))?;
        let recipes: Vec<Recipe> = serde_json::from_slice(&body.bytes)
            .map_err(|error| format!("the recipes file is not a list of recipes ({error})"))?;
        if recipes.is_empty() {
            return Err("the recipes file holds no recipes".to_owned());
        }
        if recipes.len() > MAX_RECIPES {
            return Err(format!(
                "the recipes file holds more than {MAX_RECIPES} recipes"
            ));
        }
        Ok(recipes)
    }
}

/// A recipe as listed: name, description and what goes in.
fn simple(recipe: &Recipe) -> Value {
    json!({
        "id": recipe.id,
        "name": recipe.name,
        "description": recipe.description,
        "ingredients": recipe.ingredients.iter()
            .map(|ingredient| json!({"name": ingredient.name, "text_quantity": ingredient.text_quantity}))
            .collect::<Vec<_>>(),
    })
}

fn contains_any(recipe: &Recipe, words: &[String]) -> bool {
    recipe.ingredients.iter().any(|ingredient| {
        let name = ingredient.name.to_lowercase();
        words.iter().any(|word| name.contains(&word.to_lowercase()))
    })
}

/// The recipes of each category, shuffled: taking from the end is a random pick without repeats.
fn shuffled_pools<'a>(
    recipes: impl Iterator<Item = &'a Recipe>,
) -> BTreeMap<&'a str, Vec<&'a Recipe>> {
    let mut pools: BTreeMap<&str, Vec<&Recipe>> = BTreeMap::new();
    for recipe in recipes {
        pools
            .entry(recipe.category.as_str())
            .or_default()
            .push(recipe);
    }
    let mut rng = rand::rng();
    for pool in pools.values_mut() {
        pool.shuffle(&mut rng);
    }
    pools
}

fn take_from<'a>(
    pools: &mut BTreeMap<&str, Vec<&'a Recipe>>,
    category: &str,
) -> Option<&'a Recipe> {
    pools.get_mut(category).and_then(Vec::pop)
}

/// `count` dishes from `categories` in turn (`random_start` picks where the turn begins),
/// falling back to the other listed categories when one runs out.
fn take_varied<'a>(
    pools: &mut BTreeMap<&str, Vec<&'a Recipe>>,
    categories: &[&str],
    count: usize,
    random_start: bool,
) -> Vec<&'a Recipe> {
    let start = if random_start {
        rand::rng().random_range(0..categories.len())
    } else {
        0
    };
    let mut picked = Vec::with_capacity(count);
    for slot in 0..count {
        let found = (0..categories.len())
            .map(|offset| categories[(start + slot + offset) % categories.len()])
            .find_map(|category| take_from(pools, category));
        match found {
            Some(recipe) => picked.push(recipe),
            None => break,
        }
    }
    picked
}

/// A week of meals for `people`, avoiding recipes with any of `avoid` in an ingredient.
fn meal_plan(recipes: &[Recipe], people: u64, avoid: &[String]) -> Value {
    let mut pools = shuffled_pools(recipes.iter().filter(|recipe| !contains_any(recipe, avoid)));
    let people = usize::try_from(people).unwrap_or(1);
    let mut chosen: Vec<&Recipe> = Vec::new();
    let mut day = |name: &str, breakfasts: usize, meals: usize, weekend: bool| {
        let breakfast = take_varied(&mut pools, &["早餐"], breakfasts, false);
        let (lunch, dinner) = if weekend {
            // Weekends lean on meat and fish, with staples when those run out.
            let categories = ["荤菜", "水产", "主食"];
            (
                take_varied(&mut pools, &categories, meals, false),
                take_varied(&mut pools, &categories, meals, false),
            )
        } else {
            let categories = ["主食", "水产", "荤菜", "素菜", "甜品"];
            (
                take_varied(&mut pools, &categories, meals, true),
                take_varied(&mut pools, &categories, meals, true),
            )
        };
        chosen.extend(breakfast.iter().chain(&lunch).chain(&dinner).copied());
        json!({
            "day": name,
            "breakfast": breakfast.into_iter().map(simple).collect::<Vec<_>>(),
            "lunch": lunch.into_iter().map(simple).collect::<Vec<_>>(),
            "dinner": dinner.into_iter().map(simple).collect::<Vec<_>>(),
        })
    };
    let weekday_meals = people.div_ceil(3).max(2);
    let weekdays: Vec<Value> = ["周一", "周二", "周三", "周四", "周五"]
        .into_iter()
        .map(|name| day(name, people.div_ceil(5).max(1), weekday_meals, false))
        .collect();
    let weekend_extra = if people <= 4 { 1 } else { 2 };
    let weekend: Vec<Value> = ["周六", "周日"]
        .into_iter()
        .map(|name| {
            day(
                name,
                people.div_ceil(3).max(2),
                weekday_meals + weekend_extra,
                true,
            )
        })
        .collect();
    json!({"weekdays": weekdays, "weekend": weekend, "groceryList": grocery_list(&chosen)})
}

/// Every ingredient of `recipes` once, quantities summed where the units agree, sorted by how
/// many recipes use it, and sorted into shopping groups.
fn grocery_list(recipes: &[&Recipe]) -> Value {
    struct Item {
        name: String,
        total: Option<f64>,
        unit: Option<String>,
        recipes: Vec<String>,
        uses: usize,
    }
    let mut items: Vec<Item> = Vec::new();
    for recipe in recipes {
        for ingredient in &recipe.ingredients {
            let key = ingredient.name.to_lowercase();
            match items
                .iter_mut()
                .find(|item| item.name.to_lowercase() == key)
            {
                Some(item) => {
                    item.total = match (item.total, ingredient.quantity) {
                        (Some(total), Some(more)) if item.unit == ingredient.unit => {
                            Some(total + more)
                        }
                        _ => None,
                    };
                    if item.total.is_none() {
                        item.unit = None;
                    }
                    item.uses += 1;
                    if !item.recipes.contains(&recipe.name) {
                        item.recipes.push(recipe.name.clone());
                    }
                }
                None => items.push(Item {
                    name: ingredient.name.clone(),
                    total: ingredient.quantity,
                    unit: ingredient.unit.clone(),
                    recipes: vec![recipe.name.clone()],
                    uses: 1,
                }),
            }
        }
    }
    items.sort_by_key(|item| std::cmp::Reverse(item.uses));
    const SPICES: &[&str] = &[
        "盐", "糖", "酱油", "醋", "料酒", "香料", "胡椒", "孜然", "辣椒", "花椒", "姜", "蒜", "葱",
        "调味",
    ];
    const FRESH: &[&str] = &[
        "肉",
        "鱼",
        "虾",
        "蛋",
        "奶",
        "菜",
        "豆腐",
        "豆芽",
        "西红柿",
        "番茄",
        "水果",
        "香菇",
        "木耳",
        "蘑菇",
    ];
    const PANTRY: &[&str] = &[
        "米", "面", "粉", "油", "酒", "酱", "豆", "干", "罐头", "燕麦",
    ];
    let mut plan: BTreeMap<&str, Vec<&str>> = ["fresh", "pantry", "spices", "others"]
        .map(|group| (group, Vec::new()))
        .into();
    for item in &items {
        let matches = |words: &[&str]| words.iter().any(|word| item.name.contains(word));
        let group = if matches(SPICES) {
            "spices"
        } else if matches(FRESH) {
            "fresh"
        } else if matches(PANTRY) {
            "pantry"
        } else {
            "others"
        };
        plan.entry(group).or_default().push(&item.name);
    }
    json!({
        "ingredients": items.iter().map(|item| json!({
            "name": item.name,
            "totalQuantity": item.total,
            "unit": item.unit,
            "recipeCount": item.uses,
            "recipes": item.recipes,
        })).collect::<Vec<_>>(),
        "shoppingPlan": plan,
    })
}

/// Dishes for `people`: about half meat (a fish for more than eight), half vegetables, meat
/// dishes spread over different meats.
fn what_to_eat(recipes: &[Recipe], people: u64) -> Value {
    let people = usize::try_from(people).unwrap_or(1);
    let vegetable_count = people.div_ceil(2);
    let meat_count = (people + 1).div_ceil(2);
    let mut pools = shuffled_pools(recipes.iter());
    let mut dishes: Vec<&Recipe> = Vec::new();
    if people > 8
        && let Some(fish) = take_from(&mut pools, "水产")
    {
        dishes.push(fish);
    }
    let mut meats: Vec<&Recipe> = pools.remove("荤菜").unwrap_or_default();
    meats.extend(pools.remove("水产").unwrap_or_default());
    // One dish per kind of meat first, then any.
    for kind in ["猪肉", "鸡肉", "牛肉", "羊肉", "鸭肉", "鱼肉"] {
        if dishes.len() >= meat_count {
            break;
        }
        if let Some(at) = meats.iter().position(|recipe| {
            recipe
                .ingredients
                .iter()
                .any(|ingredient| ingredient.name.contains(kind))
        }) {
            dishes.push(meats.remove(at));
        }
    }
    while dishes.len() < meat_count {
        match meats.pop() {
            Some(recipe) => dishes.push(recipe),
            None => break,
        }
    }
    let meat_dishes = dishes.len();
    let mut vegetables: Vec<&Recipe> = pools
        .into_iter()
        .filter(|(category, _)| !matches!(*category, "早餐" | "主食"))
        .flat_map(|(_, pool)| pool)
        .collect();
    vegetables.shuffle(&mut rand::rng());
    dishes.extend(vegetables.into_iter().take(vegetable_count));
    let vegetable_dishes = dishes.len() - meat_dishes;
    json!({
        "peopleCount": people,
        "meatDishCount": meat_dishes,
        "vegetableDishCount": vegetable_dishes,
        "dishes": dishes.into_iter().map(simple).collect::<Vec<_>>(),
        "message": format!("为{people}人推荐的菜品，包含{meat_dishes}个荤菜和{vegetable_dishes}个素菜。"),
    })
}

fn people_arg(call: &ToolCall) -> Result<u64, String> {
    match number_arg(&call.arguments, "peopleCount") {
        None => Err("peopleCount is required".to_owned()),
        Some(count) if count.fract() == 0.0 && (1.0..=MAX_PEOPLE as f64).contains(&count) => {
            Ok(count as u64)
        }
        Some(_) => Err(format!(
            "peopleCount must be a whole number from 1 to {MAX_PEOPLE}"
        )),
    }
}

fn tools() -> Vec<Tool> {
    let people = json!({"type": "integer", "minimum": 1, "maximum": MAX_PEOPLE,
        "description": "用餐人数，1-10之间的整数 (number of people, 1 to 10)"});
    vec![
        tool(
            "mcp_howtocook_getAllRecipes",
            "获取所有菜谱 (every recipe's name and description)",
            json!({"type": "object", "properties": {}}),
        ),
        tool(
            "mcp_howtocook_getRecipesByCategory",
            "根据分类查询菜谱 (the recipes of a category, with ingredients)",
            json!({"type": "object", "properties": {
                "category": {"type": "string", "description": format!("菜谱分类名称 (category), e.g. {CATEGORIES_HINT}")}
            }, "required": ["category"]}),
        ),
        tool(
            "mcp_howtocook_getRecipeById",
            "根据菜谱名称或ID查询指定菜谱的完整详情 (one recipe in full, by id or name; partial names match)",
            json!({"type": "object", "properties": {
                "query": {"type": "string", "description": "菜谱名称或ID, e.g. 红烧肉"}
            }, "required": ["query"]}),
        ),
        tool(
            "mcp_howtocook_recommendMeals",
            "根据用户的忌口、过敏原、人数智能推荐菜谱，创建一周的膳食计划以及大致的购物清单 (a week of meals and a grocery list)",
            json!({"type": "object", "properties": {
                "allergies": {"type": "array", "items": {"type": "string"}, "description": "过敏原列表，如[\"大蒜\", \"虾\"]"},
                "avoidItems": {"type": "array", "items": {"type": "string"}, "description": "忌口食材列表，如[\"葱\", \"姜\"]"},
                "peopleCount": people.clone()
            }, "required": ["peopleCount"]}),
        ),
        tool(
            "mcp_howtocook_whatToEat",
            "不知道吃什么？根据人数直接推荐适合的菜品组合 (dishes for a number of people)",
            json!({"type": "object", "properties": {"peopleCount": people}, "required": ["peopleCount"]}),
        ),
    ]
}

#[async_trait]
impl ToolServer for HowToCookServer {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        Ok(tools())
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        if !tools().iter().any(|tool| tool.name == call.name) {
            return Err(ErrorData::invalid_params(
                format!("unknown tool: {}", call.name),
                None,
            ));
        }
        let recipes = match self.recipes().await {
            Ok(recipes) => recipes,
            Err(error) => return Ok(failure(&call.name, error)),
        };
        let answer = match call.name.as_str() {
            "mcp_howtocook_getAllRecipes" => json!(
                recipes
                    .iter()
                    .map(|recipe| json!({"name": recipe.name, "description": recipe.description}))
                    .collect::<Vec<_>>()
            ),
            "mcp_howtocook_getRecipesByCategory" => {
                let Some(category) = text_arg(&call.arguments, "category") else {
                    return Ok(missing_arg("category"));
                };
                json!(
                    recipes
                        .iter()
                        .filter(|recipe| recipe.category == category)
                        .map(simple)
                        .collect::<Vec<_>>()
                )
            }
            "mcp_howtocook_getRecipeById" => {
                let Some(query) = text_arg(&call.arguments, "query") else {
                    return Ok(missing_arg("query"));
                };
                let exact = recipes
                    .iter()
                    .find(|recipe| recipe.id == query || recipe.name == query);
                let found =
                    exact.or_else(|| recipes.iter().find(|recipe| recipe.name.contains(query)));
                match found {
                    Some(recipe) => json!(recipe),
                    None => {
                        let similar: Vec<&str> = recipes
                            .iter()
                            .filter(|recipe| {
                                query
                                    .chars()
                                    .any(|c| !c.is_whitespace() && recipe.name.contains(c))
                            })
                            .take(5)
                            .map(|recipe| recipe.name.as_str())
                            .collect();
                        return Ok(tool_error(format!(
                            "no recipe named {query}; similar: {}",
                            if similar.is_empty() {
                                "none".to_owned()
                            } else {
                                similar.join(", ")
                            }
                        )));
                    }
                }
            }
            "mcp_howtocook_recommendMeals" => {
                let people = match people_arg(&call) {
                    Ok(people) => people,
                    Err(refusal) => return Ok(tool_error(refusal)),
                };
                let mut avoid = strings_arg(&call.arguments, "allergies");
                avoid.extend(strings_arg(&call.arguments, "avoidItems"));
                avoid.retain(|word| !word.trim().is_empty());
                meal_plan(&recipes, people, &avoid)
            }
            _ => {
                let people = match people_arg(&call) {
                    Ok(people) => people,
                    Err(refusal) => return Ok(tool_error(refusal)),
                };
                what_to_eat(&recipes, people)
            }
        };
        Ok(json_result(&answer))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recipe(name: &str, category: &str, ingredients: &[&str]) -> Recipe {
        Recipe {
            id: format!("id-{name}"),
            name: name.to_owned(),
            category: category.to_owned(),
            ingredients: ingredients
                .iter()
                .map(|name| Ingredient {
                    name: (*name).to_owned(),
                    quantity: Some(1.0),
                    unit: Some("g".to_owned()),
                    ..Ingredient::default()
                })
                .collect(),
            ..Recipe::default()
        }
    }

    #[test]
    fn grocery_quantities_add_up_when_units_agree() {
        let a = recipe("a", "荤菜", &["猪肉", "盐"]);
        let b = recipe("b", "荤菜", &["猪肉", "米"]);
        let list = grocery_list(&[&a, &b]);
        assert_eq!(list["ingredients"][0]["name"], "猪肉");
        assert_eq!(list["ingredients"][0]["totalQuantity"], 2.0);
        assert_eq!(list["ingredients"][0]["recipeCount"], 2);
        assert_eq!(list["shoppingPlan"]["spices"], json!(["盐"]));
        assert_eq!(list["shoppingPlan"]["fresh"], json!(["猪肉"]));
        assert_eq!(list["shoppingPlan"]["pantry"], json!(["米"]));
    }

    #[test]
    fn dishes_for_a_table_split_meat_and_vegetables() {
        let recipes = vec![
            recipe("红烧肉", "荤菜", &["猪肉"]),
            recipe("宫保鸡丁", "荤菜", &["鸡肉"]),
            recipe("清蒸鱼", "水产", &["鲈鱼"]),
            recipe("炒青菜", "素菜", &["青菜"]),
            recipe("番茄蛋汤", "汤羹", &["番茄"]),
            recipe("包子", "早餐", &["面粉"]),
        ];
        let answer = what_to_eat(&recipes, 3);
        assert_eq!(answer["meatDishCount"], 2);
        assert_eq!(answer["vegetableDishCount"], 2);
        let names: Vec<&str> = answer["dishes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|dish| dish["name"].as_str().unwrap())
            .collect();
        assert!(!names.contains(&"包子"), "{names:?}");
    }
}
