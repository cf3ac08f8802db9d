//! The MCP face of the whole gateway under hostile tenants and upstreams: the IP ban and client
//! addresses on MCP requests, sessions counted against a token's rate, admin tool bodies kept out
//! of the log, and upstream secrets kept out of log rows.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use crate::support;

use std::time::Duration;

use hub::edges::grpc::pb;
use serde_json::{Value, json};
use support::{ADMIN_KEY, TestHub, admin, control_channel, group_logs};

const TOKEN_A: &str = "sk-abuse-acme-0001";
const TOKEN_B: &str = "sk-abuse-other-0001";
const SLOW_TOKEN: &str = "sk-abuse-slow-0001";

fn config() -> String {
    format!(
        r#"
groups:
  - id: acme
  - id: other
tokens:
  - group: acme
    name: a
    key: {TOKEN_A}
  - group: other
    name: b
    key: {TOKEN_B}
  - group: acme
    name: slow
    key: {SLOW_TOKEN}
    rpm: 2
mcp_servers:
  - id: clock
    scope: public
    type: embedded
    template: time
  - id: down
    scope: public
    type: proxy_streamable
    url: "http://127.0.0.1:1/mcp?api_key=SECRET-IN-URL"
  - id: guarded
    scope: public
    type: proxy_streamable
    url: "http://127.0.0.1:1/mcp"
    params: {{block_private_network: "true"}}
"#
    )
}

async fn start(adjust: impl FnOnce(&mut hub::process::settings::Settings)) -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    let config_path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&config_path, config()).unwrap();
    settings.config_file_path = Some(config_path);
    adjust(&mut settings);
    TestHub::start_with(settings, data_dir).await
}

async fn post(url: &str, token: &str, headers: &[(&str, &str)], body: Value) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(url)
        .bearer_auth(token)
        .header("accept", "application/json, text/event-stream")
        .json(&body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    (status, json)
}

/// A tools/call in the stateless 2026-07-28 era.
async fn call(url: &str, token: &str, tool: &str, arguments: Value) -> (u16, Value) {
    let body = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {
        "name": tool, "arguments": arguments, "_meta": {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
            "io.modelcontextprotocol/clientCapabilities": {}}}});
    let headers = [
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "tools/call"),
        ("mcp-name", tool),
    ];
    post(url, token, &headers, body).await
}

fn initialize() -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"}}})
}

fn now() -> Value {
    json!({"timezone": "UTC"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_address_banned_for_using_many_groups_is_refused_on_mcp_too() {
    let hub = start(|settings| settings.ip_groups_ban_threshold = 2).await;
    let url = hub.url("/mcp/public/clock");
    // Before the ban, both groups are served; using the second one bans the address.
    let (status, _) = call(&url, TOKEN_A, "get_current_time", now()).await;
    assert_eq!(status, 200);
    let (status, _) = call(&url, TOKEN_B, "get_current_time", now()).await;
    assert_eq!(status, 200);
    // The count is taken off the request path: wait for it to land.
    let mut refused = None;
    for _ in 0..100 {
        let (status, json) = call(&url, TOKEN_A, "get_current_time", now()).await;
        if status == 403 {
            refused = Some(json);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let refused = refused.expect("the banned address is refused");
    assert_eq!(refused["error"]["code"], mcp::REFUSED_CODE);
    assert_eq!(refused["error"]["data"]["type"], "address_blocked");
    // Every MCP route, the legacy SSE stream included.
    let sse = reqwest::Client::new()
        .get(hub.url("/mcp/sse"))
        .bearer_auth(TOKEN_B)
        .send()
        .await
        .unwrap();
    assert_eq!(sse.status(), 403);
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_log_rows_carry_the_client_address_and_no_upstream_secret() {
    let hub = start(|_| {}).await;
    let (status, _) = call(
        &hub.url("/mcp/public/clock"),
        TOKEN_A,
        "get_current_time",
        now(),
    )
    .await;
    assert_eq!(status, 200);
    let (_, reply) = call(&hub.url("/mcp/public/down"), TOKEN_A, "anything", json!({})).await;
    assert!(reply.get("error").is_some(), "{reply}");
    assert!(!reply.to_string().contains("SECRET"), "{reply}");
    let rows = group_logs(&hub, "acme", 2).await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    for row in &rows {
        assert_eq!(row.client_ip, "127.0.0.1", "{row:?}");
        assert!(!row.error.contains("SECRET"), "{}", row.error);
    }
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_sessions_count_against_the_tokens_requests_per_minute() {
    let hub = start(|_| {}).await;
    let url = hub.url("/mcp/public/clock");
    for _ in 0..2 {
        let (status, _) = post(&url, SLOW_TOKEN, &[], initialize()).await;
        assert_eq!(status, 200);
    }
    let (status, json) = post(&url, SLOW_TOKEN, &[], initialize()).await;
    assert_eq!(status, 429, "{json}");
    assert_eq!(json["error"]["code"], mcp::REFUSED_CODE);
    assert_eq!(json["error"]["data"]["type"], "rate_limit_exceeded");
    // Another token of the same group is not limited by it.
    let (status, _) = post(&url, TOKEN_A, &[], initialize()).await;
    assert_eq!(status, 200);
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_tool_arguments_and_results_are_never_logged() {
    let hub = start(|settings| settings.save_all_log_detail = true).await;
    let url = hub.url("/mcp/admin");
    let put = json!({"item": {"group": "acme", "name": "made-by-admin",
        "key": "sk-admin-made-SECRETKEY-0001"}});
    let (status, reply) = call(&url, ADMIN_KEY, "tokens_put", put).await;
    assert_eq!(status, 200, "{reply}");
    // A failing call too (an unknown group), carrying a channel key.
    let bad = json!({"item": {"name": "leaky", "type": "openai", "key": "sk-channel-SECRETKEY",
        "base_url": "http://127.0.0.1:9/v1", "models": ["m"], "sets": ["nope"]}});
    call(&url, ADMIN_KEY, "channels_put", bad).await;
    let mut logs = pb::log_service_client::LogServiceClient::new(control_channel(&hub).await);
    let mut rows = Vec::new();
    for _ in 0..200 {
        rows = logs
            .list_logs(admin(pb::ListLogsRequest {
                filter: None,
                page_size: 100,
                page_token: String::new(),
            }))
            .await
            .unwrap()
            .into_inner()
            .logs;
        if rows.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(rows.len(), 2, "{rows:?}");
    for row in rows {
        assert!(row.endpoint.contains("aiproxy-admin"), "{row:?}");
        assert!(!row.error.contains("SECRETKEY"), "{}", row.error);
        let detail = logs
            .get_log(admin(pb::GetLogRequest {
                request_id: row.request_id.clone(),
            }))
            .await
            .unwrap()
            .into_inner()
            .detail;
        if let Some(detail) = detail {
            assert!(!detail.request_body.contains("SECRETKEY"), "{detail:?}");
            assert!(!detail.response_body.contains("SECRETKEY"), "{detail:?}");
        }
    }
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_key_at_its_session_cap_leaves_the_others_served() {
    let hub = start(|settings| settings.mcp_max_sessions_per_token = 2).await;
    let url = hub.url("/mcp/public/clock");
    for _ in 0..2 {
        let (status, _) = post(&url, TOKEN_A, &[], initialize()).await;
        assert_eq!(status, 200);
    }
    let (status, json) = post(&url, TOKEN_A, &[], initialize()).await;
    assert_eq!(status, 429, "{json}");
    assert_eq!(json["error"]["data"]["type"], "too_many_sessions");
    let sse = reqwest::Client::new()
        .get(hub.url("/mcp/sse"))
        .bearer_auth(TOKEN_A)
        .send()
        .await
        .unwrap();
    assert_eq!(sse.status(), 429);
    let (status, _) = post(&url, TOKEN_B, &[], initialize()).await;
    assert_eq!(status, 200);
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxied_server_can_ask_for_the_private_network_guard_in_the_config_file() {
    let hub = start(|_| {}).await;
    let (_, reply) = call(
        &hub.url("/mcp/public/guarded"),
        TOKEN_A,
        "anything",
        json!({}),
    )
    .await;
    let message = reply["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("loopback"), "{reply}");
    // Without the parameter the same address is tried (and is simply down).
    let (_, reply) = call(&hub.url("/mcp/public/down"), TOKEN_A, "anything", json!({})).await;
    let message = reply["error"]["message"].as_str().unwrap_or_default();
    assert!(!message.contains("loopback address"), "{reply}");
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tool_listings_count_against_the_tokens_requests_per_minute() {
    let hub = start(|_| {}).await;
    let url = hub.url("/mcp/public/clock");
    // The stateless era: no session, so only the listings count (the limit is 2 a minute).
    let list = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list", "params": {"_meta": {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {}}}});
    let headers = [
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "tools/list"),
    ];
    let mut refused = None;
    for _ in 0..3 {
        let (_, reply) = post(&url, SLOW_TOKEN, &headers, list.clone()).await;
        if reply.get("error").is_some() {
            refused = Some(reply);
            break;
        }
        assert!(reply["result"]["tools"].is_array(), "{reply}");
    }
    let refused = refused.expect("the third listing within a minute is refused");
    assert_eq!(refused["error"]["code"], mcp::REFUSED_CODE);
    assert_eq!(refused["error"]["data"]["type"], "rate_limit_exceeded");
    hub.stop().await.unwrap();
}
