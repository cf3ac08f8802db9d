//! `baidu-map` against a mock of Baidu Maps' web service API.

use serde_json::{Value, json};

use super::{Mock, call_err, call_ok, gateway, tool_names, vendor_json};

const AK: &str = "baidu-ak-abcdef";

fn parsed(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baidu_map_tools_call_the_web_service_api_with_the_ak() {
    let mock = Mock::start(|seen| match seen.path.as_str() {
        "/geocoding/v3/" => vendor_json(json!({"status": 0, "result": {
            "location": {"lng": 116.30778, "lat": 40.05686}, "precise": 1, "confidence": 80,
            "comprehension": 100, "level": "门址"}})),
        "/reverse_geocoding/v3/" => vendor_json(json!({"status": 0, "result": {
            "location": {"lng": 116.30778, "lat": 40.05686},
            "formatted_address": "北京市海淀区上地十街10号", "business": "上地",
            "addressComponent": {"country": "中国", "province": "北京市", "city": "北京市", "district": "海淀区"},
            "pois": [], "roads": [], "sematic_description": "百度大厦内", "cityCode": 131}})),
        "/directionlite/v1/riding" => vendor_json(json!({"status": 0, "message": "ok", "result": {
            "origin": {"lng": 116.30815, "lat": 40.056878}, "destination": {"lng": 116.40, "lat": 39.91},
            "routes": [{"distance": 15123, "duration": 3600, "steps": [{"instruction": "向东骑行"}]}]}})),
        "/routematrix/v2/walking" => vendor_json(json!({"status": 0, "message": "成功", "result": [
            {"distance": {"text": "1.2公里", "value": 1200}, "duration": {"text": "17分钟", "value": 1020}}]})),
        "/traffic/v1/around" => vendor_json(json!({"status": 0, "message": "成功",
            "description": "该区域整体畅通。", "evaluation": {"status": 1, "status_desc": "畅通"}, "road_traffic": []})),
        "/api_mark/v1/submit" => vendor_json(json!({"status": 0, "message": "ok",
            "result": {"session_id": "s-1", "map_id": "map-42"}})),
        "/api_mark/v1/result" => vendor_json(json!({"status": 0, "message": "ok", "result": {"data": [
            {"answer_type": "map", "link": {"title": "北京三日游", "desc": "故宫 天坛",
                "jump_url": "https://map.baidu.com/mark/map-42", "image": "https://img/x.png",
                "poi": [{"uid": "u1", "name": "故宫博物院"}]}}]}})),
        _ => vendor_json(json!({"status": 2, "message": "unexpected path"})),
    })
    .await;
    let gateway = gateway(
        "baidu-map",
        &[("baidu_map_api_key", AK), ("base_url", &mock.base_url)],
    )
    .await;
    assert_eq!(tool_names(&gateway).await.len(), 10);

    let text = call_ok(
        &gateway,
        "map_geocode",
        json!({"address": "北京市海淀区上地十街十号"}),
    )
    .await;
    let seen = mock.only_request();
    assert_eq!(seen.path, "/geocoding/v3/");
    assert_eq!(seen.query("ak"), Some(AK));
    assert_eq!(seen.query("output"), Some("json"));
    assert_eq!(seen.query("address"), Some("北京市海淀区上地十街十号"));
    assert_eq!(parsed(&text)["location"]["lat"], 40.05686);

    let text = call_ok(
        &gateway,
        "map_reverse_geocode",
        json!({"latitude": 40.05686, "longitude": 116.30778}),
    )
    .await;
    assert_eq!(
        mock.only_request().query("location"),
        Some("40.05686,116.30778")
    );
    assert_eq!(
        parsed(&text)["formatted_address"],
        "北京市海淀区上地十街10号"
    );

    let text = call_ok(
        &gateway,
        "map_directions",
        json!({"origin": "40.056878,116.30815", "destination": "39.91,116.40", "mode": "riding"}),
    )
    .await;
    let seen = mock.only_request();
    assert_eq!(seen.path, "/directionlite/v1/riding");
    assert_eq!(seen.query("destination"), Some("39.91,116.40"));
    assert_eq!(parsed(&text)["routes"][0]["distance"], 15123);

    let text = call_ok(
        &gateway,
        "map_distance_matrix",
        json!({"origins": ["40.05,116.30", "40.06,116.31"], "destinations": ["39.91,116.40"], "mode": "walking"}),
    )
    .await;
    let seen = mock.only_request();
    assert_eq!(seen.query("origins"), Some("40.05,116.30|40.06,116.31"));
    assert_eq!(parsed(&text)[0]["distance"]["value"], 1200);

    let text = call_ok(
        &gateway,
        "map_road_traffic",
        json!({"center": "39.912078,116.464303", "radius": 200}),
    )
    .await;
    let seen = mock.only_request();
    assert_eq!(seen.path, "/traffic/v1/around");
    assert_eq!(seen.query("radius"), Some("200"));
    assert_eq!(parsed(&text)["evaluation"]["status_desc"], "畅通");

    // POI extraction submits the text as a form, then polls the result by map id.
    let text = call_ok(
        &gateway,
        "map_poi_extract",
        json!({"textContent": "第一天去故宫，第二天去天坛"}),
    )
    .await;
    let requests = mock.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_eq!(requests[0].method, "POST");
    assert_eq!(
        requests[0].headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    let submitted = requests[0].form();
    assert_eq!(submitted["text_content"], "第一天去故宫，第二天去天坛");
    assert_eq!(submitted["ak"], AK);
    assert_eq!(requests[1].path, "/api_mark/v1/result");
    assert_eq!(requests[1].form()["map_id"], "map-42");
    let answer = parsed(&text);
    assert_eq!(answer["jumpUrl"], "https://map.baidu.com/mark/map-42");
    assert_eq!(answer["poi"][0]["name"], "故宫博物院");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baidu_map_errors_carry_baidus_message_and_bad_modes_send_nothing() {
    let mock =
        Mock::start(|_| vendor_json(json!({"status": 240, "message": "APP 服务被禁用"}))).await;
    let gateway = gateway(
        "baidu-map",
        &[("baidu_map_api_key", AK), ("base_url", &mock.base_url)],
    )
    .await;

    let text = call_err(&gateway, "map_ip_location", json!({"ip": "1.2.3.4"})).await;
    assert!(text.contains("APP 服务被禁用 (status 240)"), "{text}");
    assert!(!text.contains(AK), "{text}");
    assert_eq!(mock.only_request().path, "/location/ip");

    // The mode is a path segment: only the listed modes reach the vendor.
    let text = call_err(
        &gateway,
        "map_directions",
        json!({"origin": "1,2", "destination": "3,4", "mode": "../../admin"}),
    )
    .await;
    assert!(text.contains("mode must be one of"), "{text}");
    let text = call_err(&gateway, "map_weather", json!({})).await;
    assert!(text.contains("districtId or location"), "{text}");
    assert!(mock.requests().is_empty());
}
