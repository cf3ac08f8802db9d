//! `amap` against a mock of AMap's web service API.

use serde_json::{Value, json};

use super::{Mock, call_err, call_ok, gateway, tool_names, vendor_json, vendor_status};

const KEY: &str = "amap-key-0123456789";

fn parsed(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amap_tools_query_the_rest_api_with_the_key() {
    let mock = Mock::start(|seen| match seen.path.as_str() {
        "/v3/geocode/geo" => vendor_json(json!({
            "status": "1", "info": "OK", "infocode": "10000", "count": "1",
            "geocodes": [{"formatted_address": "北京市朝阳区阜通东大街6号", "country": "中国",
                "province": "北京市", "citycode": "010", "city": "北京市", "district": "朝阳区",
                "adcode": "110105", "location": "116.482086,39.990496", "level": "门牌号"}]
        })),
        "/v4/direction/bicycling" => vendor_json(json!({
            "errcode": 0, "errmsg": "OK", "errdetail": null,
            "data": {"origin": "116.434307,39.90909", "destination": "116.434446,39.90816",
                "paths": [{"distance": 1224, "duration": 293, "steps": [{"instruction": "骑行1224米到达目的地"}]}]}
        })),
        "/v3/weather/weatherInfo" => vendor_json(json!({
            "status": "1", "count": "1", "info": "OK", "infocode": "10000",
            "forecasts": [{"city": "北京市", "adcode": "110000", "province": "北京",
                "reporttime": "2026-12-07 11:00:00",
                "casts": [{"date": "2026-12-07", "week": "1", "dayweather": "晴", "nightweather": "晴",
                    "daytemp": "3", "nighttemp": "-7", "daywind": "北", "nightwind": "北",
                    "daypower": "1-3", "nightpower": "1-3"}]}]
        })),
        other => vendor_status(404, json!({"unexpected": other})),
    })
    .await;
    let gateway = gateway("amap", &[("key", KEY), ("base_url", &mock.base_url)]).await;

    let names = tool_names(&gateway).await;
    for expected in [
        "maps_regeocode",
        "maps_geo",
        "maps_ip_location",
        "maps_weather",
        "maps_search_detail",
        "maps_bicycling",
        "maps_direction_walking",
        "maps_direction_driving",
        "maps_direction_transit_integrated",
        "maps_distance",
        "maps_text_search",
        "maps_around_search",
    ] {
        assert!(
            names.iter().any(|name| name == expected),
            "{expected} in {names:?}"
        );
    }

    let text = call_ok(
        &gateway,
        "maps_geo",
        json!({"address": "北京市朝阳区阜通东大街6号", "city": "北京"}),
    )
    .await;
    let seen = mock.only_request();
    assert_eq!(seen.method, "GET");
    assert_eq!(seen.query("key"), Some(KEY));
    assert_eq!(seen.query("address"), Some("北京市朝阳区阜通东大街6号"));
    assert_eq!(seen.query("city"), Some("北京"));
    let answer = parsed(&text);
    assert_eq!(answer["geocodes"][0]["location"], "116.482086,39.990496");
    assert!(answer.get("status").is_none(), "{answer}");

    // v4 (cycling) wraps its payload in `data`; the tool answers with the payload.
    let text = call_ok(
        &gateway,
        "maps_bicycling",
        json!({"origin": "116.434307,39.90909", "destination": "116.434446,39.90816"}),
    )
    .await;
    let seen = mock.only_request();
    assert_eq!(seen.path, "/v4/direction/bicycling");
    assert_eq!(seen.query("origin"), Some("116.434307,39.90909"));
    assert_eq!(parsed(&text)["paths"][0]["distance"], 1224);

    let text = call_ok(&gateway, "maps_weather", json!({"city": "110000"})).await;
    let seen = mock.only_request();
    assert_eq!(seen.query("extensions"), Some("all"));
    assert_eq!(
        parsed(&text)["forecasts"][0]["casts"][0]["dayweather"],
        "晴"
    );

    // A missing required argument is refused before any request.
    let text = call_err(&gateway, "maps_around_search", json!({"radius": 500})).await;
    assert!(text.contains("location is required"), "{text}");
    assert!(mock.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amap_vendor_errors_become_tool_errors_without_the_key() {
    let mock = Mock::start(|seen| match seen.path.as_str() {
        "/v3/ip" => vendor_json(json!({"status": "0", "info": "INVALID_USER_KEY", "infocode": "10001"})),
        "/v4/direction/bicycling" => vendor_json(json!({"errcode": 10044, "errmsg": "USER_DAILY_QUERY_OVER_LIMIT", "data": ""})),
        // A failing proxy that echoes the query, key included.
        _ => vendor_status(502, json!({"message": format!("upstream failed for key={}", seen.query("key").unwrap_or(""))})),
    })
    .await;
    let gateway = gateway("amap", &[("key", KEY), ("base_url", &mock.base_url)]).await;

    let text = call_err(&gateway, "maps_ip_location", json!({"ip": "114.247.50.2"})).await;
    assert!(text.contains("INVALID_USER_KEY (infocode 10001)"), "{text}");
    assert!(!text.contains(KEY), "{text}");

    let text = call_err(
        &gateway,
        "maps_bicycling",
        json!({"origin": "1,2", "destination": "3,4"}),
    )
    .await;
    assert!(text.contains("USER_DAILY_QUERY_OVER_LIMIT"), "{text}");

    let text = call_err(&gateway, "maps_search_detail", json!({"id": "B000A7BD6C"})).await;
    assert!(text.contains("502") && text.contains("key=***"), "{text}");
    assert!(!text.contains(KEY), "{text}");
}
