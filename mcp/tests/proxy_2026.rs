//! A proxy of a 2026-07-28 upstream (detected): its input-required rounds and state pass through, its tasks are forwarded.
//!
//! A forwarded task is owned here by the token that created it.

use crate::common;

use std::time::Duration;

use common::{remote_detected, server};
use mcp::{Scope, ServerKind, TaskLimits};
use serde_json::json;

use crate::tasks::{
    TASKS, cancel, gateway_serving, get, refused_as_too_many, rpc, start, unknown_to_other_tokens,
};

/// A gateway proxying `upstream`'s `everything` route as `proxied`, the revision detected.
async fn gateway(upstream: &common::Running, limits: TaskLimits) -> common::Running {
    let endpoint = remote_detected(
        upstream.url("/public/everything"),
        &[("Authorization", "Bearer upstream-secret")],
    );
    let proxied = server(
        "proxied",
        Scope::Public,
        ServerKind::ProxyStreamable(endpoint),
    );
    gateway_serving(proxied, limits).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_upstream_s_rounds_and_state_pass_through_unchanged() {
    let upstream = common::upstream().await;
    let running = gateway(&upstream, TaskLimits::default()).await;
    let url = running.url("/public/proxied");
    let tool = "test_input_required_result_request_state";
    let asked = rpc(&url, "tok-a", "tools/call", json!({"name": tool}), false).await;
    assert_eq!(asked["result"]["resultType"], "input_required", "{asked}");
    // The upstream's own key and signed state, not the bridge's.
    assert!(
        asked["result"]["inputRequests"]["confirm"].is_object(),
        "{asked}"
    );
    let state = asked["result"]["requestState"].as_str().unwrap().to_owned();
    assert!(!state.starts_with("aiproxy-bridge."), "{state}");
    let answers = json!({"confirm": {"action": "accept", "content": {"ok": true}}});
    let retry = |state: String| {
        rpc(
            &url,
            "tok-a",
            "tools/call",
            json!({"name": tool, "inputResponses": answers, "requestState": state}),
            false,
        )
    };
    let answered = retry(state.clone()).await;
    assert_eq!(
        answered["result"]["content"][0]["text"], "state-ok: confirmed=true",
        "{answered}"
    );
    // A state changed on the way is the upstream's to refuse, and it does.
    let tampered = retry(format!("{state}0")).await;
    assert!(tampered["error"]["code"].is_i64(), "{tampered}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forwarded_task_belongs_to_the_token_that_created_it() {
    let upstream = common::upstream().await;
    let running = gateway(
        &upstream,
        TaskLimits {
            ttl: Duration::from_secs(60),
            max_per_owner: 2,
        },
    )
    .await;
    let url = running.url("/public/proxied");
    let discovered = rpc(&url, "tok-a", "server/discover", json!({}), true).await;
    assert!(
        discovered["result"]["capabilities"]["extensions"][TASKS].is_object(),
        "the proxied route declares the upstream's tasks: {discovered}"
    );
    let task_id = start(&url, "tok-a", "slow_compute", json!({"seconds": 30})).await;
    assert_eq!(
        get(&url, "tok-a", &task_id).await["result"]["status"],
        "working"
    );
    // Every caller reaches the upstream with the same credentials: only the gateway can tell
    // them apart, and another token's answer is that of an id that never existed.
    unknown_to_other_tokens(&url, &task_id).await;
    // Bounded like the gateway's own tasks.
    start(&url, "tok-a", "slow_compute", json!({"seconds": 30})).await;
    refused_as_too_many(&url, "tok-a").await;
    // The aggregated view names the task like its tools.
    let aggregate = running.url("");
    let shown = start(
        &aggregate,
        "tok-b",
        "proxied__slow_compute",
        json!({"seconds": 30}),
    )
    .await;
    assert!(shown.starts_with("proxied__"), "{shown}");
    let seen = get(&aggregate, "tok-b", &shown).await;
    assert_eq!(seen["result"]["taskId"], shown, "{seen}");
    assert_eq!(seen["result"]["status"], "working", "{seen}");
    // The owner cancels it upstream.
    let cancelled = cancel(&url, "tok-a", &task_id).await;
    assert_eq!(cancelled["result"]["resultType"], "complete", "{cancelled}");
    assert_eq!(
        get(&url, "tok-a", &task_id).await["result"]["status"],
        "cancelled"
    );
}

/// A stateless `tools/call` of `tool`: its caller declares sampling (through the proxy, a
/// connection of its own, which never listed the upstream's tools), `meta` is added to its
/// `_meta` and `headers` to the standard ones. The status and the body (JSON, or SSE events).
async fn call(
    url: &str,
    token: &str,
    tool: &str,
    (arguments, meta): (serde_json::Value, serde_json::Value),
    headers: &[(&str, &str)],
) -> (u16, String) {
    let mut request_meta = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {"sampling": {}}
    });
    if let (Some(all), Some(extra)) = (request_meta.as_object_mut(), meta.as_object()) {
        all.extend(extra.clone());
    }
    let body = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": {"name": tool, "arguments": arguments, "_meta": request_meta}});
    let mut request = reqwest::Client::new()
        .post(url)
        .bearer_auth(token)
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/call")
        .header("mcp-name", tool);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.json(&body).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The gateway's own server (the upstream) and its proxy alike.
fn routes(upstream: &common::Running, running: &common::Running) -> [(String, &'static str); 2] {
    [
        (upstream.url("/public/everything"), "upstream-secret"),
        (running.url("/public/proxied"), "tok-a"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_argument_s_header_must_say_what_the_argument_says() {
    let upstream = common::upstream().await;
    let running = gateway(&upstream, TaskLimits::default()).await;
    let region = || (json!({"region": "eu"}), json!({}));
    for (url, token) in routes(&upstream, &running) {
        for header in ["eu", " eu ", "=?base64?ZXU=?="] {
            let (status, body) = call(
                &url,
                token,
                "test_param_header",
                region(),
                &[("mcp-param-region", header)],
            )
            .await;
            assert_eq!(status, 200, "{url} {header:?}: {body}");
            assert!(body.contains("region: eu"), "{url} {header:?}: {body}");
        }
        let refused: [&[(&str, &str)]; 3] = [
            &[("mcp-param-region", "us")],
            &[("mcp-param-region", "=?base64?ZXU?=")],
            &[],
        ];
        for headers in refused {
            let (status, body) = call(&url, token, "test_param_header", region(), headers).await;
            assert_eq!(status, 400, "{url} {headers:?}: {body}");
            let reply: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(reply["error"]["code"], -32020, "{body}");
            assert_eq!(reply["id"], 7, "{body}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stateless_call_hears_log_messages_only_at_the_level_it_names() {
    let upstream = common::upstream().await;
    let running = gateway(&upstream, TaskLimits::default()).await;
    let logs = |body: &str| body.matches("notifications/message").count();
    for (url, token) in routes(&upstream, &running) {
        let at = |level: serde_json::Value| {
            let meta = match level {
                serde_json::Value::Null => json!({}),
                level => json!({"io.modelcontextprotocol/logLevel": level}),
            };
            call(
                &url,
                token,
                "test_tool_with_logging",
                (json!({}), meta),
                &[],
            )
        };
        let (status, unasked) = at(serde_json::Value::Null).await;
        assert_eq!(status, 200, "{unasked}");
        assert!(unasked.contains("executed successfully"), "{unasked}");
        assert_eq!(logs(&unasked), 0, "{url}: {unasked}");
        let (_, info) = at(json!("info")).await;
        assert_eq!(logs(&info), 3, "{url}: {info}");
        let (_, error) = at(json!("error")).await;
        assert_eq!(logs(&error), 0, "{url}: {error}");
    }
}
