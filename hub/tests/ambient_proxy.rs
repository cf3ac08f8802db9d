//! The real `aiproxy` binary run with `HTTP_PROXY`, `HTTPS_PROXY` and `ALL_PROXY` pointing at a
//! recorder: a proxied MCP server, an OpenAPI server's `spec_url` and calls, and web-search engines
//! are reached directly, and the recorder sees no connection.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is a failed test"
)]

use crate::support;

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

const TOKEN: &str = "sk-ambient-proxy-0001";

/// Requests each mock upstream answered, by kind.
#[derive(Default)]
struct Reached {
    mcp: AtomicUsize,
    spec: AtomicUsize,
    openapi_call: AtomicUsize,
    search: AtomicUsize,
}

/// A Streamable HTTP MCP server reduced to what a `tools/list` needs: `initialize`, the
/// `initialized` notification and `tools/list`, each answered with plain JSON.
async fn mcp(reached: Arc<Reached>, body: Value) -> Response {
    reached.mcp.fetch_add(1, Ordering::SeqCst);
    let Some(id) = body.get("id").cloned() else {
        return StatusCode::ACCEPTED.into_response();
    };
    let result = match body["method"].as_str() {
        Some("initialize") => json!({
            "protocolVersion": body["params"]["protocolVersion"].as_str().unwrap_or("2025-06-18"),
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "mock-upstream", "version": "1"}
        }),
        Some("tools/list") => json!({"tools": [{
            "name": "echo", "description": "echoes", "inputSchema": {"type": "object"}
        }]}),
        _ => json!({}),
    };
    axum::Json(json!({"jsonrpc": "2.0", "id": id, "result": result})).into_response()
}

const SPEC: &str = r#"{"openapi": "3.0.3", "info": {"title": "mock", "version": "1"},
"paths": {"/ping": {"get": {"operationId": "ping", "responses": {"200": {"description": "ok"}}}}}}"#;

async fn start_upstreams(reached: Arc<Reached>) -> String {
    let on_mcp = reached.clone();
    let on_spec = reached.clone();
    let on_call = reached.clone();
    let on_search = reached;
    let app = Router::new()
        .route(
            "/mcp",
            post(move |axum::Json(body): axum::Json<Value>| mcp(on_mcp.clone(), body))
                .get(|| async { StatusCode::METHOD_NOT_ALLOWED }),
        )
        .route(
            "/openapi.json",
            get(move || async move {
                on_spec.spec.fetch_add(1, Ordering::SeqCst);
                ([("content-type", "application/json")], SPEC)
            }),
        )
        .route(
            "/api/ping",
            get(move || async move {
                on_call.openapi_call.fetch_add(1, Ordering::SeqCst);
                axum::Json(json!({"pong": true}))
            }),
        )
        .route(
            "/search",
            get(move || async move {
                on_search.search.fetch_add(1, Ordering::SeqCst);
                axum::Json(json!({"results": [
                    {"url": "https://example.com/", "title": "Example", "content": "An example."}]}))
            }),
        )
        .route(
            "/v1/chat/completions",
            post(|axum::Json(body): axum::Json<Value>| async move {
                axum::Json(json!({"id": "chatcmpl-p", "object": "chat.completion",
                    "created": 1_700_000_000, "model": body["model"],
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"},
                    "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    upstream
}

/// A listener that counts every connection and closes it: any client that honours the
/// environment's proxy settings lands here.
async fn start_recording_proxy() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (format!("http://{address}"), connections)
}

fn config(upstream: &str) -> String {
    format!(
        r#"
groups: [{{id: acme}}]
tokens: [{{group: acme, name: t, key: {TOKEN}}}]
channels:
  - name: up
    type: openai
    base_url: "{upstream}/v1"
    key: sk-up
    models: [search-model]
models:
  - model: search-model
    plugins:
      web_search:
        engines: [{{type: searxng, base_url: "{upstream}"}}]
mcp_servers:
  - id: remote
    scope: public
    type: proxy_streamable
    url: "{upstream}/mcp"
  - id: api
    scope: public
    type: openapi
    openapi:
      spec_url: "{upstream}/openapi.json"
      base_url: "{upstream}/api"
      allow_private_network: true
"#
    )
}

/// One stateless MCP request, as a 2026-07-28 client sends it.
async fn mcp_request(
    base: &str,
    path: &str,
    method: &str,
    name: Option<&str>,
    mut params: Value,
) -> Value {
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "hub-test", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {}
    });
    let mut request = reqwest::Client::new()
        .post(format!("{base}{path}"))
        .bearer_auth(TOKEN)
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", method);
    if let Some(name) = name {
        request = request.header("mcp-name", name);
    }
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let response = request.json(&body).send().await.unwrap();
    response.json().await.unwrap_or(Value::Null)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenant_chosen_upstreams_are_reached_without_the_ambient_proxy() {
    let reached = Arc::new(Reached::default());
    let upstream = start_upstreams(reached.clone()).await;
    let (proxy, proxied) = start_recording_proxy().await;
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("aiproxy.yaml");
    std::fs::write(&config_path, config(&upstream)).unwrap();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_aiproxy"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LISTEN", format!("127.0.0.1:{port}"))
        .env("DATA_DIR", dir.path())
        .env("SQLITE_PATH", dir.path().join("aiproxy.db"))
        .env("ADMIN_KEY", support::ADMIN_KEY)
        .env("CONFIG_FILE_PATH", &config_path)
        .env("RUST_LOG", "warn");
    for variable in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        command.env(variable, &proxy);
    }
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut ready = false;
    for _ in 0..400 {
        if let Ok(response) = client.get(format!("{base}/api/status")).send().await
            && response.status().is_success()
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(ready, "aiproxy did not become ready");
    assert_eq!(
        reached.spec.load(Ordering::SeqCst),
        1,
        "spec_url fetched at startup"
    );

    let listed = mcp_request(&base, "/mcp/public/remote", "tools/list", None, json!({})).await;
    assert_eq!(listed["result"]["tools"][0]["name"], "echo", "{listed}");
    assert!(reached.mcp.load(Ordering::SeqCst) > 0);

    let called = mcp_request(
        &base,
        "/mcp/public/api",
        "tools/call",
        Some("ping"),
        json!({"name": "ping", "arguments": {}}),
    )
    .await;
    assert_eq!(called["result"]["isError"], false, "{called}");
    assert_eq!(reached.openapi_call.load(Ordering::SeqCst), 1);

    let answer = client
        .post(format!("{base}/v1/chat/completions"))
        .bearer_auth(TOKEN)
        .json(&json!({"model": "search-model", "web_search_options": {},
            "messages": [{"role": "user", "content": "what is an example domain?"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap());
    assert_eq!(
        reached.search.load(Ordering::SeqCst),
        1,
        "the engine was asked"
    );

    assert_eq!(
        proxied.load(Ordering::SeqCst),
        0,
        "a client went through HTTP(S)_PROXY"
    );
    child.kill().await.unwrap();
}
