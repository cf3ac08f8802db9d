//! A `tools/call`'s W3C trace context in `params._meta` reaches the host's `ClientTraces` with the call's span, on every path.
//!
//! Stateless, in a session answered directly, and in a session answered by rmcp.

use crate::common;

use std::sync::{Arc, Mutex};

use common::{caller, embedded, server};
use mcp::{ClientTraces, McpConfig, McpServiceOptions, Scope};
use serde_json::{Value, json};

const TOKEN: &str = "tok-a";
const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const TRACESTATE: &str = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";

/// Records what each call handed over: `traceparent` and `tracestate`.
#[derive(Default)]
struct RecordingTraces(Mutex<Vec<(String, Option<String>)>>);

impl ClientTraces for RecordingTraces {
    fn continue_trace(&self, _span: &tracing::Span, traceparent: &str, tracestate: Option<&str>) {
        self.0
            .lock()
            .unwrap()
            .push((traceparent.to_owned(), tracestate.map(str::to_owned)));
    }
}

impl RecordingTraces {
    fn take(&self) -> Vec<(String, Option<String>)> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

/// POSTs `body`, with `version` as `Mcp-Protocol-Version` when given; returns the reply's text
/// and session id.
async fn post(
    url: &str,
    session: Option<&str>,
    version: Option<&str>,
    body: &Value,
) -> (String, Option<String>) {
    let mut request = reqwest::Client::new()
        .post(url)
        .bearer_auth(TOKEN)
        .header("accept", "application/json, text/event-stream")
        .json(body);
    if let Some(version) = version {
        request = request.header("mcp-protocol-version", version);
    }
    // The routing headers the stateless revision requires for a call.
    if body["method"] == "tools/call" && session.is_none() {
        request = request
            .header("mcp-method", "tools/call")
            .header("mcp-name", "get_current_time");
    }
    if let Some(session) = session {
        request = request.header("mcp-session-id", session);
    }
    let response = request.send().await.unwrap();
    let session = response
        .headers()
        .get("mcp-session-id")
        .map(|value| value.to_str().unwrap().to_owned());
    (response.text().await.unwrap(), session)
}

fn call(meta: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {
        "name": "get_current_time", "arguments": {"timezone": "UTC"}, "_meta": meta}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_meta_trace_context_reaches_the_host_on_every_path() {
    let traces = Arc::new(RecordingTraces::default());
    let directory = common::FakeDirectory {
        tokens: [(TOKEN.to_owned(), caller("ga", 1, None))].into(),
        servers: vec![server("clock", Scope::Public, embedded("time", &[]))],
    };
    let options = McpServiceOptions {
        traces: Some(traces.clone()),
        ..McpServiceOptions::default()
    };
    let running = common::serve_with(directory, McpConfig::default(), options).await;
    let url = running.url("/public/clock");
    let expected = vec![(TRACEPARENT.to_owned(), Some(TRACESTATE.to_owned()))];

    // Stateless (2026-07-28): the protocol version travels in `_meta` beside the trace.
    let stateless = call(json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {},
        "traceparent": TRACEPARENT,
        "tracestate": TRACESTATE,
    }));
    let (reply, _) = post(&url, None, Some("2026-07-28"), &stateless).await;
    assert!(reply.contains("\"result\""), "{reply}");
    assert_eq!(traces.take(), expected, "stateless: {reply}");

    // A session: with the negotiated version's header the call is answered outside rmcp;
    // without it rmcp answers it, having moved `_meta` out of the params.
    let initialize = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"}}});
    let (reply, session) = post(&url, None, Some("2025-06-18"), &initialize).await;
    let session = session.unwrap_or_else(|| panic!("no session: {reply}"));
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    post(&url, Some(&session), Some("2025-06-18"), &initialized).await;
    let traced = call(json!({"traceparent": TRACEPARENT, "tracestate": TRACESTATE}));
    for version in [Some("2025-06-18"), None] {
        let (reply, _) = post(&url, Some(&session), version, &traced).await;
        assert!(reply.contains("\"result\""), "{version:?}: {reply}");
        assert_eq!(traces.take(), expected, "{version:?}: {reply}");
    }

    // No trace context: the host is not asked; a `traceparent` alone comes without a state.
    let (reply, _) = post(&url, Some(&session), None, &call(json!({}))).await;
    assert!(reply.contains("\"result\""), "{reply}");
    assert_eq!(traces.take(), vec![]);
    let (reply, _) = post(
        &url,
        Some(&session),
        None,
        &call(json!({"traceparent": TRACEPARENT})),
    )
    .await;
    assert!(reply.contains("\"result\""), "{reply}");
    assert_eq!(traces.take(), vec![(TRACEPARENT.to_owned(), None)]);
}
