//! Two services sharing one session store behave as replicas: a Streamable HTTP session opened on one
//! is resumed by the other for its owner only, and ended everywhere by a DELETE on either.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use crate::common;

use std::sync::Arc;

use common::{Running, caller, embedded, serve_with, server};
use mcp::{McpConfig, McpServiceOptions, MemorySessionStore, Scope, SessionStore};
use serde_json::{Value, json};

async fn replica(store: Option<Arc<dyn SessionStore>>) -> Running {
    let directory = common::FakeDirectory {
        tokens: [
            ("tok-a".to_owned(), caller("ga", 1, None)),
            ("tok-a2".to_owned(), caller("ga", 2, None)),
        ]
        .into(),
        servers: vec![server("clock", Scope::Public, embedded("time", &[]))],
    };
    let options = McpServiceOptions {
        sessions: store,
        ..McpServiceOptions::default()
    };
    serve_with(directory, McpConfig::default(), options).await
}

/// Status, session header and the JSON-RPC response (plain JSON or the last SSE `data:`).
async fn send(
    method: reqwest::Method,
    url: &str,
    token: &str,
    session: Option<&str>,
    body: Option<Value>,
) -> (u16, Option<String>, Option<Value>) {
    let mut request = reqwest::Client::new()
        .request(method, url)
        .bearer_auth(token)
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .header("mcp-protocol-version", "2025-11-25");
    if let Some(session) = session {
        request = request.header("mcp-session-id", session);
    }
    if let Some(body) = body {
        request = request.body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let session = response
        .headers()
        .get("mcp-session-id")
        .map(|value| value.to_str().unwrap().to_owned());
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text).ok().or_else(|| {
        text.lines()
            .filter_map(|line| line.strip_prefix("data:"))
            .filter_map(|data| serde_json::from_str::<Value>(data.trim()).ok())
            .rfind(|message| message.get("id").is_some())
    });
    (status, session, json)
}

async fn post(url: &str, token: &str, session: Option<&str>, body: Value) -> (u16, Option<Value>) {
    let (status, _, json) = send(reqwest::Method::POST, url, token, session, Some(body)).await;
    (status, json)
}

async fn open_session(url: &str, token: &str) -> String {
    let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}});
    let (status, session, _) =
        send(reqwest::Method::POST, url, token, None, Some(initialize)).await;
    assert_eq!(status, 200);
    let session = session.unwrap();
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    assert_eq!(post(url, token, Some(&session), initialized).await.0, 202);
    session
}

fn list_tools() -> Value {
    json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}})
}

fn convert_time() -> Value {
    json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
        "name": "convert_time",
        "arguments": {"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Kolkata"}}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_resumes_on_a_replica_sharing_the_store() {
    let store: Arc<dyn SessionStore> =
        Arc::new(MemorySessionStore::new(std::time::Duration::from_secs(60)));
    let first = replica(Some(store.clone())).await;
    let second = replica(Some(store.clone())).await;
    let session = open_session(&first.url("/public/clock"), "tok-a").await;
    let on_second = second.url("/public/clock");

    // The session's log level is kept with its record, so a replica resuming it applies it.
    let set_level = json!({"jsonrpc": "2.0", "id": 5, "method": "logging/setLevel",
        "params": {"level": "warning"}});
    let (status, _) = post(
        &first.url("/public/clock"),
        "tok-a",
        Some(&session),
        set_level,
    )
    .await;
    assert_eq!(status, 200);
    let record = store.load(&session).await.unwrap().unwrap();
    assert_eq!(
        serde_json::to_value(record.log_level).unwrap(),
        json!("warning")
    );

    // Another token of the same group, or another route, cannot resume it.
    assert_eq!(
        post(&on_second, "tok-a2", Some(&session), list_tools())
            .await
            .0,
        404
    );
    assert_eq!(
        post(&second.url(""), "tok-a", Some(&session), list_tools())
            .await
            .0,
        404
    );

    let (status, listed) = post(&on_second, "tok-a", Some(&session), list_tools()).await;
    assert_eq!(status, 200);
    let mut names: Vec<String> = listed.unwrap()["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tool| tool["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["convert_time", "get_current_time"]);
    let (status, called) = post(&on_second, "tok-a", Some(&session), convert_time()).await;
    assert_eq!(status, 200);
    let text = called.unwrap()["result"]["content"][0]["text"].to_string();
    assert!(text.contains("17:30"), "{text}");
    // Both replicas now hold it in memory; the first still serves it.
    let on_first = first.url("/public/clock");
    assert_eq!(
        post(&on_first, "tok-a", Some(&session), list_tools())
            .await
            .0,
        200
    );

    // Another token cannot end it; its owner ends it on the second, and the first forgets it.
    let delete = |token: &'static str| {
        send(
            reqwest::Method::DELETE,
            &on_second,
            token,
            Some(&session),
            None,
        )
    };
    assert_eq!(delete("tok-a2").await.0, 404);
    assert!(delete("tok-a").await.0 < 300);
    assert_eq!(
        post(&on_first, "tok-a", Some(&session), list_tools())
            .await
            .0,
        404
    );
    assert_eq!(
        post(&on_second, "tok-a", Some(&session), list_tools())
            .await
            .0,
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_with_their_own_stores_do_not_know_each_others_sessions() {
    let first = replica(None).await;
    let second = replica(None).await;
    let session = open_session(&first.url("/public/clock"), "tok-a").await;
    let on_second = second.url("/public/clock");
    assert_eq!(
        post(&on_second, "tok-a", Some(&session), list_tools())
            .await
            .0,
        404
    );
    let on_first = first.url("/public/clock");
    assert_eq!(
        post(&on_first, "tok-a", Some(&session), list_tools())
            .await
            .0,
        200
    );
}
