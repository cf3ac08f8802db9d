//! OTLP trace export: request spans reach a local fake OTLP/HTTP collector as protobuf, with the GenAI and MCP attributes and the client's trace.
//!
//! A relayed request's GenAI span is exported in the client's trace, and its span id is the
//! parent the upstream was given in `traceparent`; an MCP tool call's span continues the trace
//! its `params._meta` names.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is a failed test"
)]

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use hub::process::telemetry::OtlpExport;
use serde_json::json;
use support::mock_anthropic::MockAnthropic;

type Received = Arc<Mutex<Vec<(String, Bytes)>>>;

const TOKEN: &str = "sk-otlp-check-0001";
const CLIENT_TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
/// The trace and parent span an MCP client names in a tool call's `_meta`.
const MCP_TRACE_ID: &str = "0af7651916cd43dd8448eb211c80319c";
const MCP_PARENT_ID: &str = "b7ad6b7169203331";

/// Flushes the export until one protobuf batch holds every one of `wanted`, for up to 5 s;
/// otherwise says what the best batch lacked.
async fn exported(
    export: &OtlpExport,
    received: &Received,
    wanted: &[&[u8]],
) -> Result<(), String> {
    let mut fewest_missing = None::<Vec<String>>;
    for _ in 0..100 {
        export.flush();
        for (content_type, body) in received.lock().unwrap().iter() {
            if content_type != "application/x-protobuf" {
                continue;
            }
            let missing: Vec<String> = wanted
                .iter()
                .filter(|wanted| !body.windows(wanted.len()).any(|window| window == **wanted))
                .map(|wanted| String::from_utf8_lossy(wanted).escape_debug().to_string())
                .collect();
            if missing.is_empty() {
                return Ok(());
            }
            if fewest_missing
                .as_ref()
                .is_none_or(|fewest| missing.len() < fewest.len())
            {
                fewest_missing = Some(missing);
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(format!(
        "{} batches received; the closest lacked {:?}",
        received.lock().unwrap().len(),
        fewest_missing.unwrap_or_default()
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_spans_reach_the_collector() {
    // The export installs the process's tracing subscriber: a child process keeps it from the
    // other tests of this binary.
    if !support::in_own_process("otlp::request_spans_reach_the_collector").await {
        return;
    }
    let received = Received::default();
    let collector = Router::new()
        .route(
            "/v1/traces",
            post(
                |State(received): State<Received>, headers: HeaderMap, body: Bytes| async move {
                    let content_type = headers
                        .get("content-type")
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    received.lock().unwrap().push((content_type, body));
                    ""
                },
            ),
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, collector).await });

    // The only subscriber of this process: nothing else installs one first.
    let export = hub::process::telemetry::init_with_otlp("text", Some(&format!("http://{addr}/")))
        .expect("the OTLP export starts");
    let upstream = MockAnthropic::start().await;
    let hub = support::TestHub::start_with_config(&format!(
        "groups:\n  - id: acme\ntokens:\n  - group: acme\n    name: ci\n    key: {TOKEN}\n\
         channels:\n  - name: claude\n    type: anthropic\n    base_url: {}\n    key: sk-ant-upstream\n    models: [claude-otlp]\n\
         mcp_servers:\n  - id: clock\n    scope: public\n    type: embedded\n    template: time\n",
        upstream.base_url()
    ))
    .await;
    let client = reqwest::Client::new();
    let response = client
        .get(hub.url("/api/status"))
        .header("x-request-id", "otlp-trace-check-42")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let wanted: &[u8] = b"otlp-trace-check-42";
    if let Err(problem) = exported(&export, &received, &[wanted]).await {
        panic!("no exported span carries the request id: {problem}");
    }

    let response = client
        .post(hub.url("/v1/messages"))
        .header("x-api-key", TOKEN)
        .header("anthropic-version", "2023-06-01")
        .header(
            "traceparent",
            format!("00-{CLIENT_TRACE_ID}-00f067aa0ba902b7-01"),
        )
        .json(&json!({"model": "claude-otlp", "max_tokens": 16,
            "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    // The span ends with the answer's body.
    response.text().await.unwrap();
    let sent = upstream.requests()[0]
        .header("traceparent")
        .expect("the upstream received a traceparent")
        .to_owned();
    let fields: Vec<&str> = sent.split('-').collect();
    assert_eq!(fields[1], CLIENT_TRACE_ID, "{sent}");
    // The exported spans hold the client's trace id and, as a span's own id, the parent the
    // upstream was given; the GenAI attributes are there with their values.
    let trace_id = hex::decode(CLIENT_TRACE_ID).unwrap();
    let span_id = hex::decode(fields[2]).unwrap();
    let expected: [&[u8]; 12] = [
        &trace_id,
        &span_id,
        b"chat claude-otlp",
        b"gen_ai.operation.name",
        b"gen_ai.provider.name",
        b"anthropic",
        b"gen_ai.request.model",
        b"gen_ai.response.model",
        b"gen_ai.usage.input_tokens",
        b"gen_ai.usage.output_tokens",
        b"aiproxy.group",
        b"acme",
    ];
    if let Err(problem) = exported(&export, &received, &expected).await {
        panic!(
            "no batch holds the relayed request's GenAI span (upstream traceparent {sent}): {problem}"
        );
    }

    // An MCP tool call is a span named and attributed by the MCP conventions.
    let reply = support::mcp_calls::call_tool(
        &hub,
        "/mcp/public/clock",
        TOKEN,
        "get_current_time",
        json!({}),
    )
    .await;
    assert!(reply["result"].is_object(), "{reply}");
    let expected: [&[u8]; 7] = [
        b"tools/call get_current_time",
        b"mcp.method.name",
        b"gen_ai.operation.name",
        b"execute_tool",
        b"gen_ai.tool.name",
        b"aiproxy.mcp.server",
        b"clock",
    ];
    if let Err(problem) = exported(&export, &received, &expected).await {
        panic!("no batch holds the tool call's span: {problem}");
    }

    // With W3C trace context in `params._meta` (the MCP conventions' carrier), the call's span
    // is in that trace, under the client's span, and keeps its tracestate.
    let params = json!({"name": "convert_time", "arguments": {
            "source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Tokyo"},
        "_meta": {"traceparent": format!("00-{MCP_TRACE_ID}-{MCP_PARENT_ID}-01"),
            "tracestate": "mcpvendor=opaque-value"}});
    let (status, reply) = support::mcp_calls::stateless(
        &hub,
        "/mcp/public/clock",
        TOKEN,
        "tools/call",
        Some("convert_time"),
        params,
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    assert!(reply["result"].is_object(), "{reply}");
    let trace_id = hex::decode(MCP_TRACE_ID).unwrap();
    let parent_id = hex::decode(MCP_PARENT_ID).unwrap();
    let expected: [&[u8]; 4] = [
        b"tools/call convert_time",
        &trace_id,
        &parent_id,
        b"mcpvendor=opaque-value",
    ];
    if let Err(problem) = exported(&export, &received, &expected).await {
        panic!("no batch holds the tool call's span in the client's trace: {problem}");
    }
    hub.stop().await.unwrap();
}
