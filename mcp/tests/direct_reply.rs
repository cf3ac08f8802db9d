//! Session-era `tools/call` answered outside rmcp (plain JSON, or SSE carrying progress then the
//! result) while tools that log and other methods stay with rmcp; cancellation of such calls; and
//! proxies calling a Streamable upstream with plain POSTs (session expiry, SSE replies with server
//! requests and progress, errors passed through).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use common::{Running, caller, embedded, remote, serve, server};
use http::HeaderMap;
use mcp::{McpConfig, Scope, ServerKind, ToolCallStatus};
use serde_json::{Value, json};

const TOKEN: &str = "tok-a";

async fn service_with(servers: Vec<Arc<mcp::ServerDefinition>>) -> Running {
    let directory = common::FakeDirectory {
        tokens: [(TOKEN.to_owned(), caller("ga", 1, None))].into(),
        servers,
    };
    serve(directory, McpConfig::default()).await
}

struct Reply {
    status: u16,
    content_type: String,
    session: Option<String>,
    body: String,
}

impl Reply {
    /// The JSON-RPC message with an id: the whole body, or the SSE event carrying it.
    fn message(&self) -> Value {
        serde_json::from_str(&self.body)
            .ok()
            .or_else(|| self.events().into_iter().rfind(|m| m.get("id").is_some()))
            .unwrap_or_else(|| panic!("no message in {}", self.body))
    }

    fn events(&self) -> Vec<Value> {
        self.body
            .lines()
            .filter_map(|line| line.strip_prefix("data:"))
            .filter_map(|data| serde_json::from_str(data.trim()).ok())
            .collect()
    }
}

async fn post(url: &str, session: Option<&str>, version: &str, body: Value) -> Reply {
    let mut request = reqwest::Client::new()
        .post(url)
        .bearer_auth(TOKEN)
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .body(body.to_string());
    request = request.header("mcp-protocol-version", version);
    if let Some(session) = session {
        request = request.header("mcp-session-id", session);
    }
    let response = request.send().await.unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().unwrap().to_owned())
    };
    let (content_type, session) = (
        header("content-type").unwrap_or_default(),
        header("mcp-session-id"),
    );
    let status = response.status().as_u16();
    Reply {
        status,
        content_type,
        session,
        body: response.text().await.unwrap(),
    }
}

/// Opens a session asking for `requested`; returns its id and the version the server chose.
async fn open(url: &str, requested: &str) -> (String, String) {
    let initialize = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": requested, "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}});
    // The header names a version the server knows; the body asks for `requested`.
    let header = if requested.starts_with("2099") {
        "2025-11-25"
    } else {
        requested
    };
    let reply = post(url, None, header, initialize).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let negotiated = reply.message()["result"]["protocolVersion"]
        .as_str()
        .unwrap()
        .to_owned();
    let session = reply.session.unwrap();
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    assert_eq!(
        post(url, Some(&session), &negotiated, initialized)
            .await
            .status,
        202
    );
    (session, negotiated)
}

fn call(id: u64, tool: &str, arguments: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
        "params": {"name": tool, "arguments": arguments}})
}

#[tokio::test]
async fn plain_calls_get_json_replies_and_calls_that_talk_back_stream() {
    let service = service_with(vec![server(
        "every",
        Scope::Public,
        embedded("everything", &[]),
    )])
    .await;
    let url = service.url("/public/every");

    for requested in ["2025-11-25", "2025-06-18", "2025-03-26"] {
        let (session, version) = open(&url, requested).await;
        assert_eq!(version, requested);
        let reply = post(
            &url,
            Some(&session),
            &version,
            call(1, "echo", json!({"message": "hi"})),
        )
        .await;
        assert_eq!(reply.status, 200);
        assert!(
            reply.content_type.starts_with("application/json"),
            "{requested}: {}",
            reply.content_type
        );
        let message = reply.message();
        assert_eq!(message["id"], 1);
        assert_eq!(
            message["result"]["content"][0]["text"], "Echo: hi",
            "{message}"
        );
        // Session-era clients never see the 2026-07-28 field.
        assert!(message["result"].get("resultType").is_none(), "{message}");
    }

    let (session, version) = open(&url, "2025-11-25").await;
    // Structured content and tool errors keep their shape.
    let added = post(
        &url,
        Some(&session),
        &version,
        call(2, "add", json!({"a": 2, "b": 3})),
    )
    .await;
    assert!(added.content_type.starts_with("application/json"));
    assert_eq!(added.message()["result"]["structuredContent"]["sum"], 5.0);
    let failed = post(
        &url,
        Some(&session),
        &version,
        call(3, "test_error_handling", json!({})),
    )
    .await;
    assert_eq!(failed.message()["result"]["isError"], true);
    // An unknown tool is a JSON-RPC error, as rmcp answers it.
    let unknown = post(&url, Some(&session), &version, call(4, "nope", json!({}))).await;
    assert_eq!(
        unknown.message()["error"]["code"],
        -32602,
        "{}",
        unknown.body
    );

    // A progress token gets an SSE reply: the progress in order, then the result.
    let mut with_progress = call(5, "test_tool_with_progress", json!({}));
    with_progress["params"]["_meta"] = json!({"progressToken": "p-1"});
    let reply = post(&url, Some(&session), &version, with_progress).await;
    assert!(
        reply.content_type.starts_with("text/event-stream"),
        "{}",
        reply.content_type
    );
    let events = reply.events();
    let progress: Vec<_> = events
        .iter()
        .filter(|event| event["method"] == "notifications/progress")
        .map(|event| {
            assert_eq!(event["params"]["progressToken"], "p-1", "{event}");
            event["params"]["progress"].as_f64().unwrap()
        })
        .collect();
    assert_eq!(progress, [0.0, 50.0, 100.0], "{}", reply.body);
    assert_eq!(events.last().unwrap()["id"], 5, "{}", reply.body);
    assert!(
        events.last().unwrap()["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("progress")
    );

    // A tool that sends log messages is rmcp's: they need the session's streams.
    let reply = post(
        &url,
        Some(&session),
        &version,
        call(6, "test_tool_with_logging", json!({})),
    )
    .await;
    // (Where rmcp sends the log messages, on this stream or the session's GET stream, is its
    // business; the conformance suite checks they arrive.)
    assert!(reply.content_type.starts_with("text/event-stream"));
    assert_eq!(reply.message()["id"], 6);

    // A version header other than the session's is rmcp's to judge, never answered here.
    let reply = post(
        &url,
        Some(&session),
        "2025-06-18",
        call(7, "echo", json!({"message": "x"})),
    )
    .await;
    assert!(
        reply.status != 200 || !reply.content_type.starts_with("application/json"),
        "{} {}",
        reply.status,
        reply.body
    );

    // Every call answered either way is recorded once.
    let records = service.sink.records();
    let echo_calls = records
        .iter()
        .filter(|record| record.tool == "echo")
        .count();
    assert!(echo_calls >= 4, "{echo_calls}");
    let added = records.iter().find(|record| record.tool == "add").unwrap();
    assert!(matches!(added.status, ToolCallStatus::Ok));
    assert_eq!(added.group_id, "ga");
    assert_eq!(added.arguments, Some(json!({"a": 2, "b": 3})));
    let errored = records
        .iter()
        .find(|record| record.tool == "test_error_handling")
        .unwrap();
    assert!(matches!(errored.status, ToolCallStatus::ToolError));
}

#[tokio::test]
async fn a_cancelled_plain_call_ends_without_a_response() {
    let service = service_with(vec![server(
        "every",
        Scope::Public,
        embedded("everything", &[]),
    )])
    .await;
    let url = service.url("/public/every");
    let (session, version) = open(&url, "2025-11-25").await;
    let started = Instant::now();
    let slow = {
        let (url, session, version) = (url.clone(), session.clone(), version.clone());
        tokio::spawn(async move {
            post(
                &url,
                Some(&session),
                &version,
                call(9, "sleep", json!({"ms": 8000})),
            )
            .await
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
        "params": {"requestId": 9, "reason": "user gave up"}});
    assert_eq!(
        post(&url, Some(&session), &version, cancel).await.status,
        202
    );
    let reply = tokio::time::timeout(Duration::from_secs(5), slow)
        .await
        .expect("the cancelled call still runs")
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(reply.status, 200);
    assert!(
        reply.events().is_empty() && !reply.body.contains("slept"),
        "{}",
        reply.body
    );
}

/// What the mock upstream saw: every POST's session header and body.
#[derive(Default)]
struct Seen {
    posts: Vec<(Option<String>, HeaderMap, Value)>,
    sessions_opened: usize,
}

type Upstream = Arc<Mutex<Seen>>;

/// A Streamable HTTP server in the session era, written out by hand: sessions `s1`, `s2`, ...;
/// the first call on `s1` is refused with 404 (as after the upstream restarted); `talk` is
/// answered on an SSE stream that first sends a ping request and a log message; `fails` gets
/// a JSON-RPC error.
async fn mock_upstream(State(seen): State<Upstream>, headers: HeaderMap, body: String) -> Response {
    let message: Value = serde_json::from_str(&body).unwrap();
    let session = headers
        .get("mcp-session-id")
        .map(|value| value.to_str().unwrap().to_owned());
    let mut state = seen.lock().unwrap();
    state
        .posts
        .push((session.clone(), headers.clone(), message.clone()));
    let json_reply = |value: Value| {
        (
            [(http::header::CONTENT_TYPE, "application/json")],
            value.to_string(),
        )
            .into_response()
    };
    let id = message.get("id").cloned().unwrap_or(Value::Null);
    match message.get("method").and_then(Value::as_str) {
        Some("initialize") => {
            state.sessions_opened += 1;
            let session = format!("s{}", state.sessions_opened);
            let mut reply = json_reply(json!({"jsonrpc": "2.0", "id": id, "result": {
                "protocolVersion": "2025-11-25",
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "mock", "version": "1"}}}));
            reply
                .headers_mut()
                .insert("mcp-session-id", session.parse().unwrap());
            reply
        }
        Some("tools/call") if session.as_deref() == Some("s1") => {
            http::StatusCode::NOT_FOUND.into_response()
        }
        Some("tools/call") => match message["params"]["name"].as_str() {
            Some("count") => {
                let token = message["params"]["_meta"]["progressToken"].clone();
                assert!(!token.is_null(), "{message}");
                let events = [
                    json!({"jsonrpc": "2.0", "method": "notifications/progress",
                        "params": {"progressToken": token, "progress": 1, "total": 2}}),
                    // Another call's progress on this stream is not the caller's.
                    json!({"jsonrpc": "2.0", "method": "notifications/progress",
                        "params": {"progressToken": "someone-else", "progress": 7}}),
                    json!({"jsonrpc": "2.0", "method": "notifications/progress",
                        "params": {"progressToken": token, "progress": 2, "total": 2}}),
                    json!({"jsonrpc": "2.0", "id": id, "result": {
                        "content": [{"type": "text", "text": "counted"}]}}),
                ];
                let body: String = events
                    .iter()
                    .map(|event| format!("data: {event}\n\n"))
                    .collect();
                ([(http::header::CONTENT_TYPE, "text/event-stream")], body).into_response()
            }
            Some("talk") => {
                let events = [
                    json!({"jsonrpc": "2.0", "id": "srv-1", "method": "ping"}),
                    json!({"jsonrpc": "2.0", "method": "notifications/message",
                        "params": {"level": "info", "data": "working"}}),
                    json!({"jsonrpc": "2.0", "id": id, "result": {
                        "content": [{"type": "text", "text": "talked"}],
                        "structuredContent": {"words": 1}}}),
                ];
                let body: String = events
                    .iter()
                    .map(|event| format!("event: message\ndata: {event}\n\n"))
                    .collect();
                ([(http::header::CONTENT_TYPE, "text/event-stream")], body).into_response()
            }
            _ => json_reply(json!({"jsonrpc": "2.0", "id": id,
                "error": {"code": -32602, "message": "fails wants arguments", "data": {"hint": 1}}})),
        },
        // Notifications and the client's replies to our requests.
        _ => http::StatusCode::ACCEPTED.into_response(),
    }
}

#[tokio::test]
async fn proxies_call_streamable_upstreams_with_plain_posts() {
    let seen = Upstream::default();
    let app = axum::Router::new()
        .route("/mcp", axum::routing::post(mock_upstream))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream_url = format!("http://{}/mcp", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let kind =
        ServerKind::ProxyStreamable(remote(upstream_url, &[("Authorization", "Bearer up-key")]));
    let service = service_with(vec![server("remote", Scope::Public, kind)]).await;
    let url = service.url("/public/remote");
    let (session, version) = open(&url, "2025-11-25").await;

    // The upstream forgot the first session: the proxy opens another and the call runs once.
    let reply = post(
        &url,
        Some(&session),
        &version,
        call(1, "talk", json!({"n": 1})),
    )
    .await;
    let message = reply.message();
    assert_eq!(
        message["result"]["content"][0]["text"], "talked",
        "{message}"
    );
    assert_eq!(message["result"]["structuredContent"]["words"], 1);

    // Progress of the upstream call reaches the caller under the caller's own token.
    let mut counting = call(3, "count", json!({}));
    counting["params"]["_meta"] = json!({"progressToken": 42});
    let reply = post(&url, Some(&session), &version, counting).await;
    let events = reply.events();
    let progress: Vec<_> = events
        .iter()
        .filter(|event| event["method"] == "notifications/progress")
        .map(|event| {
            (
                event["params"]["progressToken"].clone(),
                event["params"]["progress"].clone(),
            )
        })
        .collect();
    assert_eq!(
        progress,
        [(json!(42), json!(1.0)), (json!(42), json!(2.0))],
        "{}",
        reply.body
    );
    assert_eq!(
        events.last().unwrap()["result"]["content"][0]["text"],
        "counted"
    );

    // The upstream's own JSON-RPC error comes back unchanged.
    let reply = post(&url, Some(&session), &version, call(2, "fails", json!({}))).await;
    let error = &reply.message()["error"];
    assert_eq!(error["code"], -32602, "{error}");
    assert_eq!(error["message"], "fails wants arguments");
    assert_eq!(error["data"]["hint"], 1);

    let state = seen.lock().unwrap();
    assert_eq!(state.sessions_opened, 2);
    let calls: Vec<_> = state
        .posts
        .iter()
        .filter(|(_, _, message)| message["method"] == "tools/call")
        .collect();
    // One refused on s1, then "talk", "count" and "fails" on s2.
    assert_eq!(calls.len(), 4, "{calls:?}");
    assert_eq!(calls[0].0.as_deref(), Some("s1"));
    for (session, headers, message) in &calls[1..] {
        assert_eq!(session.as_deref(), Some("s2"));
        assert_eq!(headers["authorization"], "Bearer up-key");
        assert_eq!(headers["mcp-protocol-version"], "2025-11-25");
        assert!(
            message["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("aiproxy-")),
            "{message}"
        );
    }
    assert_eq!(calls[1].2["params"]["arguments"], json!({"n": 1}));
    // The upstream's ping during the call was answered on the same session.
    let pong = state
        .posts
        .iter()
        .find(|(_, _, message)| message["id"] == "srv-1")
        .expect("ping answered");
    assert_eq!(pong.0.as_deref(), Some("s2"));
    assert_eq!(pong.2["result"], json!({}));
}
