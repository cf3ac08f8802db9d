//! Hostile tenants and hostile upstreams against the router: huge `initialize`, session floods,
//! slow bodies, ids that break tool names, legacy SSE sessions outliving their server, and
//! upstreams that redirect, name another origin, never end a line or leak secrets in errors. Every
//! answer must be bounded and protocol-shaped, and others must still be served.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use crate::common;

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{FakeDirectory, Running, caller, embedded, remote, serve, server};
use futures::StreamExt;
use mcp::{
    McpConfig, McpDirectory, McpService, Scope, ServerDefinition, ServerKind, ToolCallStatus,
};
use serde_json::{Value, json};
use tenancy::{AuthError, Caller};

fn directory(servers: Vec<Arc<ServerDefinition>>) -> FakeDirectory {
    FakeDirectory {
        tokens: [
            ("tok-a".to_owned(), caller("ga", 1, None)),
            ("tok-b".to_owned(), caller("gb", 2, None)),
        ]
        .into(),
        servers,
    }
}

struct Reply {
    status: u16,
    session: Option<String>,
    json: Value,
}

impl Reply {
    fn error_message(&self) -> String {
        self.json["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

async fn post(url: &str, token: &str, headers: &[(&str, &str)], body: String) -> Reply {
    let mut request = reqwest::Client::new()
        .post(url)
        .bearer_auth(token)
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let session = response
        .headers()
        .get("mcp-session-id")
        .map(|value| value.to_str().unwrap().to_owned());
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text)
        .ok()
        .or_else(|| {
            text.lines()
                .filter_map(|line| line.strip_prefix("data:"))
                .filter_map(|data| serde_json::from_str::<Value>(data.trim()).ok())
                .next_back()
        })
        .unwrap_or(Value::Null);
    Reply {
        status,
        session,
        json,
    }
}

fn initialize_with(experimental: Value) -> String {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {"experimental": experimental},
        "clientInfo": {"name": "t", "version": "1"}}})
    .to_string()
}

fn initialize() -> String {
    initialize_with(json!({}))
}

/// A tools/call in the stateless 2026-07-28 era: no session needed.
async fn call(url: &str, token: &str, tool: &str, arguments: Value) -> Reply {
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
    post(url, token, &headers, body.to_string()).await
}

/// Serves `app` on a fresh loopback port.
async fn spawn(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    address
}

/// A server that counts every request it gets (and those carrying the upstream secret).
async fn witness() -> (SocketAddr, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let with_secret = Arc::new(AtomicUsize::new(0));
    let (counted, secret) = (hits.clone(), with_secret.clone());
    let app = axum::Router::new().fallback(move |headers: http::HeaderMap| {
        let (counted, secret) = (counted.clone(), secret.clone());
        async move {
            counted.fetch_add(1, Ordering::SeqCst);
            if headers.values().any(|value| {
                value
                    .to_str()
                    .is_ok_and(|value| value.contains("upstream-secret"))
            }) {
                secret.fetch_add(1, Ordering::SeqCst);
            }
            http::StatusCode::OK
        }
    });
    (spawn(app).await, hits, with_secret)
}

fn proxy(id: &str, kind: ServerKind) -> Arc<ServerDefinition> {
    server(id, Scope::Public, kind)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_initialize_is_refused_and_a_normal_one_still_served() {
    let gateway = serve(
        directory(vec![server("clock", Scope::Public, embedded("time", &[]))]),
        McpConfig::default(),
    )
    .await;
    let url = gateway.url("/public/clock");
    let huge = initialize_with(json!({"blob": {"x": "y".repeat(1024 * 1024)}}));
    let reply = post(&url, "tok-a", &[], huge).await;
    assert_eq!(reply.status, 413);
    assert_eq!(reply.json["error"]["code"], -32600);
    assert!(reply.session.is_none(), "no session is created for it");
    let fine = initialize_with(json!({"note": {"x": "y".repeat(16 * 1024)}}));
    let reply = post(&url, "tok-a", &[], fine).await;
    assert_eq!(reply.status, 200);
    assert!(reply.session.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_token_reaches_its_session_cap_and_another_token_is_still_served() {
    let config = McpConfig {
        max_sessions_per_token: 3,
        ..McpConfig::default()
    };
    let gateway = serve(
        directory(vec![server("clock", Scope::Public, embedded("time", &[]))]),
        config,
    )
    .await;
    let url = gateway.url("/public/clock");
    let mut sessions = Vec::new();
    for _ in 0..3 {
        let reply = post(&url, "tok-a", &[], initialize()).await;
        assert_eq!(reply.status, 200);
        sessions.push(reply.session.unwrap());
    }
    let refused = post(&url, "tok-a", &[], initialize()).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.json["error"]["code"], mcp::REFUSED_CODE);
    assert_eq!(refused.json["error"]["data"]["type"], "too_many_sessions");
    // Legacy SSE streams count against the same cap.
    let sse = reqwest::Client::new()
        .get(gateway.url("/public/clock/sse"))
        .bearer_auth("tok-a")
        .send()
        .await
        .unwrap();
    assert_eq!(sse.status(), 429);
    // Another token is not locked out.
    let other = post(&url, "tok-b", &[], initialize()).await;
    assert_eq!(other.status, 200);
    // Ending a session gives its place back.
    let deleted = reqwest::Client::new()
        .delete(&url)
        .bearer_auth("tok-a")
        .header("mcp-session-id", &sessions[0])
        .header("mcp-protocol-version", "2025-11-25")
        .send()
        .await
        .unwrap();
    assert!(deleted.status().is_success());
    assert_eq!(post(&url, "tok-a", &[], initialize()).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_never_ends_gets_408() {
    let config = McpConfig {
        body_read_timeout: Duration::from_millis(300),
        ..McpConfig::default()
    };
    let gateway = serve(
        directory(vec![server("clock", Scope::Public, embedded("time", &[]))]),
        config,
    )
    .await;
    let first = futures::stream::once(async { Ok::<_, Infallible>(bytes::Bytes::from("{")) });
    let body = reqwest::Body::wrap_stream(first.chain(futures::stream::pending()));
    let response = reqwest::Client::new()
        .post(gateway.url("/public/clock"))
        .bearer_auth("tok-a")
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 408);
    let json: Value = response.json().await.unwrap();
    assert_eq!(json["error"]["code"], -32600);
    // The legacy message endpoint is bounded the same way.
    let first = futures::stream::once(async { Ok::<_, Infallible>(bytes::Bytes::from("{")) });
    let response = reqwest::Client::new()
        .post(gateway.url("/message?sessionId=x"))
        .bearer_auth("tok-a")
        .body(reqwest::Body::wrap_stream(
            first.chain(futures::stream::pending()),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 408);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_id_holding_the_separator_is_not_offered_on_the_aggregate() {
    let gateway = serve(
        directory(vec![
            server("a", Scope::Public, embedded("time", &[])),
            server("a__b", Scope::Public, embedded("time", &[])),
        ]),
        McpConfig::default(),
    )
    .await;
    let url = gateway.url("");
    let opened = post(&url, "tok-a", &[], initialize()).await;
    let session = opened.session.unwrap();
    let headers = [
        ("mcp-session-id", session.as_str()),
        ("mcp-protocol-version", "2025-11-25"),
    ];
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    post(&url, "tok-a", &headers, initialized.to_string()).await;
    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}).to_string();
    let reply = post(&url, "tok-a", &headers, list).await;
    let names: Vec<String> = reply.json["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tool| tool["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(!names.is_empty());
    // Every tool splits at its first `__` to server `a`; none comes from `a__b`.
    for name in &names {
        let (server, tool) = name.split_once("__").unwrap();
        assert_eq!(server, "a", "{name}");
        assert!(!tool.starts_with("b__"), "{name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sse_upstream_naming_another_origin_gets_nothing() {
    let (other, hits, _) = witness().await;
    let endpoint = format!("event: endpoint\ndata: http://{other}/steal\n\n");
    let app = axum::Router::new().route(
        "/sse",
        axum::routing::get(move || {
            let endpoint = endpoint.clone();
            async move {
                let stream = futures::stream::once(async move {
                    Ok::<_, Infallible>(bytes::Bytes::from(endpoint))
                })
                .chain(futures::stream::pending());
                (
                    [("content-type", "text/event-stream")],
                    axum::body::Body::from_stream(stream),
                )
            }
        }),
    );
    let evil = spawn(app).await;
    let upstream = remote(
        format!("http://{evil}/sse"),
        &[("Authorization", "Bearer upstream-secret")],
    );
    let gateway = serve(
        directory(vec![proxy("evil", ServerKind::ProxySse(upstream))]),
        McpConfig::default(),
    )
    .await;
    let reply = call(&gateway.url("/public/evil"), "tok-a", "echo", json!({})).await;
    assert!(
        reply.error_message().contains("another origin"),
        "{:?}",
        reply.json
    );
    assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing was sent there");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upstream_redirect_is_not_followed_with_credentials() {
    let (other, hits, with_secret) = witness().await;
    let app = axum::Router::new().fallback(move || async move {
        (
            http::StatusCode::TEMPORARY_REDIRECT,
            [("location", format!("http://{other}/mcp"))],
        )
    });
    let redirecting = spawn(app).await;
    let upstream = remote(
        format!("http://{redirecting}/mcp"),
        &[("X-Upstream-Key", "upstream-secret")],
    );
    let gateway = serve(
        directory(vec![proxy("moved", ServerKind::ProxyStreamable(upstream))]),
        McpConfig::default(),
    )
    .await;
    let reply = call(&gateway.url("/public/moved"), "tok-a", "echo", json!({})).await;
    assert!(reply.json.get("error").is_some(), "{:?}", reply.json);
    assert_eq!(with_secret.load(Ordering::SeqCst), 0);
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_sse_line_is_cut_at_the_event_limit() {
    let produced = Arc::new(AtomicU64::new(0));
    let counter = produced.clone();
    let app = axum::Router::new()
        .route(
            "/sse",
            axum::routing::get(move || {
                let counter = counter.clone();
                async move {
                    let head = futures::stream::once(async {
                        Ok::<_, Infallible>(bytes::Bytes::from(
                            "event: endpoint\ndata: /message\n\ndata: ",
                        ))
                    });
                    let endless = futures::stream::repeat_with(move || {
                        counter.fetch_add(64 * 1024, Ordering::SeqCst);
                        Ok::<_, Infallible>(bytes::Bytes::from(vec![b'x'; 64 * 1024]))
                    });
                    (
                        [("content-type", "text/event-stream")],
                        axum::body::Body::from_stream(head.chain(endless)),
                    )
                }
            }),
        )
        .route(
            "/message",
            axum::routing::post(|| async { http::StatusCode::ACCEPTED }),
        );
    let endless = spawn(app).await;
    let config = McpConfig {
        upstream_timeout: Duration::from_secs(20),
        ..McpConfig::default()
    };
    let gateway = serve(
        directory(vec![
            proxy(
                "endless",
                ServerKind::ProxySse(remote(format!("http://{endless}/sse"), &[])),
            ),
            server("clock", Scope::Public, embedded("time", &[])),
        ]),
        config,
    )
    .await;
    let reply = call(&gateway.url("/public/endless"), "tok-a", "echo", json!({})).await;
    assert!(reply.json.get("error").is_some(), "{:?}", reply.json);
    // The reader stopped at the limit (4 MiB) and dropped the stream: production stops once the
    // closed connection is noticed. What the loopback socket buffers and the stream's own
    // buffers took before that depends on scheduling (up to tens of MiB on a busy machine), so
    // the test checks that it ends and stays bounded, not an exact figure.
    let mut sent = produced.load(Ordering::SeqCst);
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = produced.load(Ordering::SeqCst);
        if now == sent {
            break;
        }
        sent = now;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        produced.load(Ordering::SeqCst),
        sent,
        "the upstream stream was still being read after the error"
    );
    assert!(
        sent < 64 * 1024 * 1024,
        "{sent} bytes read from the upstream"
    );
    // Others are still served.
    let clock = call(
        &gateway.url("/public/clock"),
        "tok-b",
        "get_current_time",
        json!({"timezone": "UTC"}),
    )
    .await;
    assert_eq!(clock.status, 200);
    assert!(clock.json.get("result").is_some(), "{:?}", clock.json);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_urls_and_their_secrets_stay_out_of_errors_and_records() {
    let mut down = remote(
        "http://127.0.0.1:1/mcp?api_key=SECRET-IN-URL".to_owned(),
        &[],
    );
    down.query
        .insert("token".to_owned(), "SECRET-FROM-GROUP".to_owned());
    let metadata = remote("http://169.254.169.254/mcp".to_owned(), &[]);
    let gateway = serve(
        directory(vec![
            proxy("down", ServerKind::ProxyStreamable(down.clone())),
            proxy("down-sse", ServerKind::ProxySse(down)),
            proxy("metadata", ServerKind::ProxyStreamable(metadata)),
        ]),
        McpConfig::default(),
    )
    .await;
    for id in ["down", "down-sse"] {
        let reply = call(
            &gateway.url(&format!("/public/{id}")),
            "tok-a",
            "echo",
            json!({}),
        )
        .await;
        let text = reply.json.to_string();
        assert!(reply.json.get("error").is_some(), "{text}");
        assert!(!text.contains("SECRET"), "{text}");
    }
    let reply = call(&gateway.url("/public/metadata"), "tok-a", "echo", json!({})).await;
    assert!(
        reply.error_message().contains("metadata"),
        "{:?}",
        reply.json
    );
    for record in gateway.sink.records() {
        let ToolCallStatus::Failed { message, .. } = &record.status else {
            panic!("{record:?}");
        };
        assert!(!message.contains("SECRET"), "{message}");
        let result = record.result.map(|result| result.to_string());
        assert!(!result.unwrap_or_default().contains("SECRET"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_group_gets_its_own_upstream_session() {
    // An upstream (our own service) behind a counter of session-less POSTs, i.e. initializes.
    let initializes = Arc::new(AtomicUsize::new(0));
    let counter = initializes.clone();
    let upstream_hub = McpService::new(
        McpConfig::default(),
        Arc::new(FakeDirectory {
            tokens: [("upstream-secret".to_owned(), caller("up", 99, None))].into(),
            servers: vec![server(
                "everything",
                Scope::Public,
                embedded("everything", &[]),
            )],
        }),
        Arc::new(common::RecordingSink::default()),
    );
    let app = axum::Router::new()
        .nest("/mcp", upstream_hub.router())
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                let counter = counter.clone();
                async move {
                    if request.method() == http::Method::POST
                        && !request.headers().contains_key("mcp-session-id")
                    {
                        counter.fetch_add(1, Ordering::SeqCst);
                    }
                    next.run(request).await
                }
            },
        ));
    let upstream = spawn(app).await;
    let endpoint = remote(
        format!("http://{upstream}/mcp/public/everything"),
        &[("Authorization", "Bearer upstream-secret")],
    );
    let gateway = serve(
        directory(vec![proxy("shared", ServerKind::ProxyStreamable(endpoint))]),
        McpConfig::default(),
    )
    .await;
    let url = gateway.url("/public/shared");
    for token in ["tok-a", "tok-a", "tok-b", "tok-b"] {
        let reply = call(&url, token, "echo", json!({"message": "hi"})).await;
        assert!(reply.json.get("result").is_some(), "{:?}", reply.json);
    }
    assert_eq!(initializes.load(Ordering::SeqCst), 2, "one per group");
}

/// A directory whose servers the test can take away while a session is open.
struct Switchable {
    inner: FakeDirectory,
    enabled: Mutex<bool>,
}

impl McpDirectory for Switchable {
    fn authenticate(&self, api_key: &str, client_ip: IpAddr) -> Result<Caller, AuthError> {
        self.inner.authenticate(api_key, client_ip)
    }
    fn servers_for(&self, caller: &Caller) -> Vec<Arc<ServerDefinition>> {
        if *self.enabled.lock().unwrap() {
            self.inner.servers_for(caller)
        } else {
            Vec::new()
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_legacy_sse_session_stops_serving_a_server_disabled_since_it_opened() {
    let switchable = Arc::new(Switchable {
        inner: directory(vec![server("clock", Scope::Public, embedded("time", &[]))]),
        enabled: Mutex::new(true),
    });
    let service = McpService::new(
        McpConfig::default(),
        switchable.clone(),
        Arc::new(common::RecordingSink::default()),
    );
    let gateway = Running {
        address: spawn(axum::Router::new().nest("/mcp", service.router())).await,
        service,
        sink: Arc::default(),
    };
    let stream = reqwest::Client::new()
        .get(gateway.url("/public/clock/sse"))
        .bearer_auth("tok-a")
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let mut events = stream.bytes_stream();
    let mut text = String::new();
    let mut next_data = async |text: &mut String| -> Option<String> {
        loop {
            if let Some(end) = text.find("\n\n") {
                let event: String = text.drain(..end + 2).collect();
                if let Some(data) = event.lines().find_map(|line| line.strip_prefix("data: ")) {
                    return Some(data.to_owned());
                }
                continue;
            }
            let chunk = events.next().await?.ok()?;
            text.push_str(&String::from_utf8_lossy(&chunk));
        }
    };
    let endpoint = next_data(&mut text).await.unwrap();
    let post_url = format!("http://{}{endpoint}", gateway.address);
    let send = |body: Value| {
        let post_url = post_url.clone();
        async move {
            reqwest::Client::new()
                .post(post_url)
                .bearer_auth("tok-a")
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(
        send(serde_json::from_str(&initialize()).unwrap()).await,
        202
    );
    let initialized = next_data(&mut text).await.unwrap();
    assert!(initialized.contains("\"result\""), "{initialized}");
    send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"})).await;
    send(json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})).await;
    let listed = next_data(&mut text).await.unwrap();
    assert!(listed.contains("get_current_time"), "{listed}");
    *switchable.enabled.lock().unwrap() = false;
    send(json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list"})).await;
    let refused: Value = serde_json::from_str(&next_data(&mut text).await.unwrap()).unwrap();
    assert_eq!(refused["id"], 3);
    assert!(refused.get("error").is_some(), "{refused}");
    // Back again: the next message sees the server as it is now.
    *switchable.enabled.lock().unwrap() = true;
    send(json!({"jsonrpc": "2.0", "id": 4, "method": "tools/list"})).await;
    let listed = next_data(&mut text).await.unwrap();
    assert!(listed.contains("get_current_time"), "{listed}");
}

/// An upstream whose `tools/list` always names a next page.
#[derive(Clone)]
struct EndlessPages(Arc<AtomicUsize>);

impl rmcp::ServerHandler for EndlessPages {
    fn get_info(&self) -> rmcp::model::InitializeResult {
        rmcp::model::InitializeResult::new(
            rmcp::model::ServerCapabilities::builder()
                .enable_tools()
                .build(),
        )
    }

    async fn list_tools(
        &self,
        _request: Option<rmcp::model::PaginatedRequestParams>,
        _context: rmcp::service::RequestContext<rmcp::RoleServer>,
    ) -> Result<rmcp::model::ListToolsResult, rmcp::ErrorData> {
        let page = self.0.fetch_add(1, Ordering::SeqCst);
        let result = rmcp::model::ListToolsResult {
            tools: vec![rmcp::model::Tool::new(
                format!("tool_{page}"),
                "one more",
                Arc::new(serde_json::Map::new()),
            )],
            next_cursor: Some(format!("page-{page}")),
            ..Default::default()
        };
        Ok(result)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upstream_with_endless_tool_pages_is_read_a_bounded_number_of_times() {
    use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
    let pages = Arc::new(AtomicUsize::new(0));
    let handler = EndlessPages(pages.clone());
    let service = rmcp::transport::StreamableHttpService::new(
        move || Ok(handler.clone()),
        Arc::new(LocalSessionManager::default()),
        rmcp::transport::StreamableHttpServerConfig::default()
            .disable_allowed_hosts()
            .disable_allowed_origins(),
    );
    let upstream = spawn(axum::Router::new().nest_service("/mcp", service)).await;
    let config = McpConfig {
        upstream_timeout: Duration::from_secs(30),
        ..McpConfig::default()
    };
    let gateway = serve(
        directory(vec![proxy(
            "pages",
            ServerKind::ProxyStreamable(remote(format!("http://{upstream}/mcp"), &[])),
        )]),
        config,
    )
    .await;
    let url = gateway.url("/public/pages");
    let session = post(&url, "tok-a", &[], initialize())
        .await
        .session
        .unwrap();
    let headers = [
        ("mcp-session-id", session.as_str()),
        ("mcp-protocol-version", "2025-11-25"),
    ];
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    post(&url, "tok-a", &headers, initialized.to_string()).await;
    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}).to_string();
    let reply = post(&url, "tok-a", &headers, list).await;
    let tools = reply.json["result"]["tools"].as_array().unwrap().len();
    assert_eq!(tools, 64, "the pages read before the cut are served");
    assert_eq!(pages.load(Ordering::SeqCst), 64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_asking_for_the_guard_cannot_reach_loopback() {
    let upstream = common::upstream().await;
    let mut guarded = remote(
        upstream.url("/public/everything"),
        &[("Authorization", "Bearer upstream-secret")],
    );
    guarded.block_private_network = true;
    let mut by_name = guarded.clone();
    by_name.url = by_name.url.replace("127.0.0.1", "localhost");
    let open = remote(
        upstream.url("/public/everything"),
        &[("Authorization", "Bearer upstream-secret")],
    );
    let gateway = serve(
        directory(vec![
            proxy("guarded", ServerKind::ProxyStreamable(guarded)),
            proxy("by-name", ServerKind::ProxyStreamable(by_name)),
            proxy("open", ServerKind::ProxyStreamable(open)),
        ]),
        McpConfig::default(),
    )
    .await;
    for id in ["guarded", "by-name"] {
        let reply = call(
            &gateway.url(&format!("/public/{id}")),
            "tok-a",
            "echo",
            json!({"message": "x"}),
        )
        .await;
        assert!(
            reply.error_message().contains("loopback"),
            "{id}: {:?}",
            reply.json
        );
    }
    let reply = call(
        &gateway.url("/public/open"),
        "tok-a",
        "echo",
        json!({"message": "x"}),
    )
    .await;
    assert!(reply.json.get("result").is_some(), "{:?}", reply.json);
}
