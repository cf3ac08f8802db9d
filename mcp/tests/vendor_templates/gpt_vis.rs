//! `gpt-vis` against a mock of AntV's GPT-Vis rendering service.

use serde_json::json;

use super::{Mock, call_err, call_ok, gateway, tool_names, vendor_json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gpt_vis_posts_the_chart_and_returns_its_url() {
    let mock = Mock::start(|seen| {
        let body = seen.json();
        if body["title"] == "fail" {
            vendor_json(json!({"success": false, "errorCode": "INVALID_SPEC",
                "errorMessage": "data is invalid", "traceId": "t-1"}))
        } else {
            vendor_json(json!({"success": true,
                "resultObj": format!("https://mdn.alipayobjects.com/chart/{}.png", body["type"].as_str().unwrap())}))
        }
    })
    .await;
    let endpoint = format!("{}/api/gpt-vis", mock.base_url);
    let gateway = gateway("gpt-vis", &[("vis_request_server", &endpoint)]).await;
    let names = tool_names(&gateway).await;
    assert_eq!(names.len(), 15, "{names:?}");
    assert!(names.contains(&"generate_fishbone_diagram".to_owned()));

    let data = json!([{"time": "2015", "value": 23}, {"time": "2016", "value": 32}]);
    let text = call_ok(
        &gateway,
        "generate_line_chart",
        json!({"data": data, "title": "Sales"}),
    )
    .await;
    assert_eq!(text, "https://mdn.alipayobjects.com/chart/line.png");
    let seen = mock.only_request();
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.path, "/api/gpt-vis");
    assert_eq!(seen.headers["content-type"], "application/json");
    let body = seen.json();
    assert_eq!(body["type"], "line");
    assert_eq!(body["source"], "mcp-server-chart");
    assert_eq!(body["data"], data);
    assert_eq!(body["title"], "Sales");

    // Dual axes take categories and series, not data.
    let text = call_ok(
        &gateway,
        "generate_dual_axes_chart",
        json!({"categories": ["2015", "2016"], "series": [{"type": "column", "data": [91.9, 99.1]}, {"type": "line", "data": [0.05, 0.07]}]}),
    )
    .await;
    assert!(text.ends_with("dual-axes.png"), "{text}");
    assert_eq!(mock.only_request().json()["categories"][1], "2016");

    let text = call_ok(
        &gateway,
        "generate_mind_map",
        json!({"data": {"name": "root", "children": [{"name": "a"}]}}),
    )
    .await;
    assert!(text.ends_with("mind-map.png"), "{text}");
    mock.only_request();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gpt_vis_refuses_empty_data_and_reports_service_errors() {
    let mock = Mock::start(|_| {
        vendor_json(json!({"success": false, "errorCode": "INVALID_SPEC",
            "errorMessage": "data is invalid", "traceId": "t-1"}))
    })
    .await;
    let endpoint = format!("{}/api/gpt-vis", mock.base_url);
    let gateway = gateway("gpt-vis", &[("vis_request_server", &endpoint)]).await;

    let text = call_err(&gateway, "generate_pie_chart", json!({"data": []})).await;
    assert!(text.contains("non-empty array"), "{text}");
    let text = call_err(
        &gateway,
        "generate_network_graph",
        json!({"data": {"edges": []}}),
    )
    .await;
    assert!(text.contains("nodes and edges"), "{text}");
    assert!(mock.requests().is_empty());

    let text = call_err(
        &gateway,
        "generate_pie_chart",
        json!({"data": [{"category": "a", "value": 1}]}),
    )
    .await;
    assert!(
        text.contains("data is invalid") && text.contains("INVALID_SPEC"),
        "{text}"
    );
    mock.only_request();
}
