//! MCP sessions across two replicas sharing Postgres and Redis: legacy SSE messages POSTed to one
//! reach the stream held by the other, Streamable HTTP sessions resume on either and end
//! everywhere; a replica without Redis keeps its sessions to itself.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::StreamExt;
use serde_json::{Value, json};
use support::{TestDatabase, TestHub, unique_redis_prefix};

const TOKEN: &str = "sk-acme-mcprep-0001";
const OTHER_TOKEN: &str = "sk-acme-mcprep-0002";
const CLOCK: &str = "/mcp/public/clock";

const CONFIG: &str = r#"
groups:
  - id: acme
tokens:
  - group: acme
    name: first
    key: sk-acme-mcprep-0001
  - group: acme
    name: second
    key: sk-acme-mcprep-0002
mcp_servers:
  - id: clock
    scope: public
    type: embedded
    template: time
"#;

/// A replica on `dsn`; the first one applies the configuration to the shared database.
async fn replica(dsn: &str, redis_prefix: Option<&str>, apply_config: bool) -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    settings.sql_dsn = Some(dsn.to_owned());
    if let Some(prefix) = redis_prefix {
        settings.redis = Some("redis://127.0.0.1:6379".to_owned());
        settings.redis_key_prefix = prefix.to_owned();
    }
    if apply_config {
        let path = data_dir.path().join("aiproxy.yaml");
        std::fs::write(&path, CONFIG).unwrap();
        settings.config_file_path = Some(path);
    }
    TestHub::start_with(settings, data_dir).await
}

fn initialize(id: i64) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
}

fn initialized() -> Value {
    json!({"jsonrpc": "2.0", "method": "notifications/initialized"})
}

fn list_tools(id: i64) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/list", "params": {}})
}

fn convert_time(id: i64) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {
        "name": "convert_time",
        "arguments": {"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Kolkata"}}})
}

fn tool_names(response: &Value) -> Vec<String> {
    let mut names: Vec<String> = response["result"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("no tools in {response}"))
        .iter()
        .map(|tool| tool["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

/// A legacy SSE stream: the POST URL it announced and the messages it carries.
struct SseStream {
    message_url: String,
    events: futures::stream::BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    buffer: String,
}

impl SseStream {
    async fn open(hub: &TestHub, path: &str, token: &str) -> SseStream {
        let response = reqwest::Client::new()
            .get(hub.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let mut stream = SseStream {
            message_url: String::new(),
            events: response.bytes_stream().boxed(),
            buffer: String::new(),
        };
        let (event, data) = stream.next_event().await;
        assert_eq!(event, "endpoint");
        stream.message_url = data;
        stream
    }

    /// The next event's name and data (comments and keep-alives skipped).
    async fn next_event(&mut self) -> (String, String) {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = String::from("message");
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(name) = line.strip_prefix("event:") {
                        event = name.trim().to_owned();
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data.push_str(value.trim_start());
                    }
                }
                if !data.is_empty() {
                    return (event, data);
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), self.events.next())
                .await
                .expect("the sse stream stayed silent")
                .expect("the sse stream ended")
                .unwrap();
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// The JSON-RPC response with `id`, skipping notifications.
    async fn response(&mut self, id: i64) -> Value {
        loop {
            let (event, data) = self.next_event().await;
            assert_eq!(event, "message");
            let message: Value = serde_json::from_str(&data).unwrap();
            if message["id"] == json!(id) {
                return message;
            }
        }
    }
}

/// POSTs a legacy SSE message to `hub` (the announced path, on whichever replica).
async fn post_message(hub: &TestHub, stream: &SseStream, token: &str, body: &Value) -> u16 {
    reqwest::Client::new()
        .post(hub.url(&stream.message_url))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// A Streamable HTTP exchange: status, session header and the JSON-RPC response if any.
async fn streamable(
    method: reqwest::Method,
    url: String,
    token: &str,
    session: Option<&str>,
    body: Option<Value>,
) -> (u16, Option<String>, Option<Value>) {
    let mut request = reqwest::Client::new()
        .request(method, url)
        .bearer_auth(token)
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-11-25");
    if let Some(session) = session {
        request = request.header("mcp-session-id", session);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let created = response
        .headers()
        .get("mcp-session-id")
        .map(|value| value.to_str().unwrap().to_owned());
    let text = response.text().await.unwrap();
    let message = serde_json::from_str(&text).ok().or_else(|| {
        text.lines()
            .filter_map(|line| line.strip_prefix("data:"))
            .filter_map(|data| serde_json::from_str::<Value>(data.trim()).ok())
            .rfind(|message| message.get("id").is_some())
    });
    (status, created, message)
}

async fn open_streamable_session(hub: &TestHub) -> String {
    let (status, session, _) = streamable(
        reqwest::Method::POST,
        hub.url(CLOCK),
        TOKEN,
        None,
        Some(initialize(1)),
    )
    .await;
    assert_eq!(status, 200);
    let session = session.expect("initialize created a session");
    let (status, _, _) = streamable(
        reqwest::Method::POST,
        hub.url(CLOCK),
        TOKEN,
        Some(&session),
        Some(initialized()),
    )
    .await;
    assert_eq!(status, 202);
    session
}

async fn streamable_post(hub: &TestHub, token: &str, session: &str, body: Value) -> (u16, Value) {
    let (status, _, message) = streamable(
        reqwest::Method::POST,
        hub.url(CLOCK),
        token,
        Some(session),
        Some(body),
    )
    .await;
    (status, message.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn legacy_sse_messages_reach_the_replica_holding_the_stream() {
    let database = TestDatabase::create().await;
    let prefix = unique_redis_prefix();
    let first = replica(&database.url(), Some(&prefix), true).await;
    let second = replica(&database.url(), Some(&prefix), false).await;

    let mut stream = SseStream::open(&first, &format!("{CLOCK}/sse"), TOKEN).await;
    assert!(stream.message_url.starts_with("/mcp/message?sessionId="));
    assert_eq!(
        post_message(&second, &stream, TOKEN, &initialize(1)).await,
        202
    );
    let initialized_reply = stream.response(1).await;
    assert_eq!(
        initialized_reply["result"]["protocolVersion"], "2025-11-25",
        "{initialized_reply}"
    );
    assert_eq!(
        post_message(&second, &stream, TOKEN, &initialized()).await,
        202
    );
    assert_eq!(
        post_message(&second, &stream, TOKEN, &list_tools(2)).await,
        202
    );
    assert_eq!(
        tool_names(&stream.response(2).await),
        ["convert_time", "get_current_time"]
    );
    // Both replicas feed the same session, in turn.
    assert_eq!(
        post_message(&first, &stream, TOKEN, &convert_time(3)).await,
        202
    );
    assert!(stream.response(3).await.to_string().contains("17:30"));
    assert_eq!(
        post_message(&second, &stream, TOKEN, &convert_time(4)).await,
        202
    );
    assert!(stream.response(4).await.to_string().contains("17:30"));

    // Another token of the same group is refused wherever it posts, as for an unknown session.
    assert_eq!(
        post_message(&second, &stream, OTHER_TOKEN, &list_tools(5)).await,
        404
    );
    assert_eq!(
        post_message(&first, &stream, OTHER_TOKEN, &list_tools(5)).await,
        404
    );
    let unknown = reqwest::Client::new()
        .post(second.url("/mcp/message?sessionId=no-such-session"))
        .bearer_auth(TOKEN)
        .json(&list_tools(6))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);

    drop(stream);
    first.stop().await.unwrap();
    second.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streamable_sessions_resume_on_any_replica() {
    let database = TestDatabase::create().await;
    let prefix = unique_redis_prefix();
    let first = replica(&database.url(), Some(&prefix), true).await;
    let second = replica(&database.url(), Some(&prefix), false).await;

    let session = open_streamable_session(&first).await;
    let (status, listed) = streamable_post(&second, TOKEN, &session, list_tools(2)).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(tool_names(&listed), ["convert_time", "get_current_time"]);
    let (status, called) = streamable_post(&second, TOKEN, &session, convert_time(3)).await;
    assert_eq!(status, 200);
    assert!(called.to_string().contains("17:30"), "{called}");
    let (status, _) = streamable_post(&first, TOKEN, &session, list_tools(4)).await;
    assert_eq!(status, 200);

    // Another token is told the session does not exist, on either replica.
    for hub in [&first, &second] {
        let (status, _) = streamable_post(hub, OTHER_TOKEN, &session, list_tools(5)).await;
        assert_eq!(status, 404);
    }

    // Ended on the second replica, it is gone on the first too.
    let (status, _, _) = streamable(
        reqwest::Method::DELETE,
        second.url(CLOCK),
        TOKEN,
        Some(&session),
        None,
    )
    .await;
    assert!(status < 300, "delete answered {status}");
    for hub in [&first, &second] {
        let (status, _) = streamable_post(hub, TOKEN, &session, list_tools(6)).await;
        assert_eq!(status, 404);
    }

    first.stop().await.unwrap();
    second.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_without_redis_keeps_its_sessions_to_itself() {
    let database = TestDatabase::create().await;
    let prefix = unique_redis_prefix();
    let shared = replica(&database.url(), Some(&prefix), true).await;
    let alone = replica(&database.url(), None, false).await;

    // Its own sessions work as on a single replica, by both transports.
    let session = open_streamable_session(&alone).await;
    let (status, listed) = streamable_post(&alone, TOKEN, &session, convert_time(2)).await;
    assert_eq!(status, 200);
    assert!(listed.to_string().contains("17:30"));
    let mut stream = SseStream::open(&alone, &format!("{CLOCK}/sse"), TOKEN).await;
    assert_eq!(
        post_message(&alone, &stream, TOKEN, &initialize(1)).await,
        202
    );
    stream.response(1).await;

    // Nothing crosses to or from it.
    let (status, _) = streamable_post(&shared, TOKEN, &session, list_tools(3)).await;
    assert_eq!(status, 404);
    assert_eq!(
        post_message(&shared, &stream, TOKEN, &list_tools(4)).await,
        404
    );
    let elsewhere = open_streamable_session(&shared).await;
    let (status, _) = streamable_post(&alone, TOKEN, &elsewhere, list_tools(5)).await;
    assert_eq!(status, 404);

    shared.stop().await.unwrap();
    alone.stop().await.unwrap();
}

/// A reverse proxy that sends each request to the next replica in turn, counting per replica
/// the requests that belong to a session (a `Mcp-Session-Id` header or a legacy SSE POST).
struct AlternatingProxy {
    addr: SocketAddr,
    session_requests: Arc<[AtomicUsize; 2]>,
}

impl AlternatingProxy {
    async fn start(replicas: [SocketAddr; 2]) -> AlternatingProxy {
        use axum::body::Body;
        use axum::extract::Request;
        use axum::response::Response;
        let session_requests: Arc<[AtomicUsize; 2]> = Arc::new(Default::default());
        let counters = session_requests.clone();
        let turn = Arc::new(AtomicUsize::new(0));
        let client = reqwest::Client::new();
        let forward = move |request: Request| {
            let (client, counters, turn) = (client.clone(), counters.clone(), turn.clone());
            async move {
                let index = turn.fetch_add(1, Ordering::SeqCst) % 2;
                if request.headers().contains_key("mcp-session-id")
                    || request.uri().path() == "/mcp/message"
                {
                    counters[index].fetch_add(1, Ordering::SeqCst);
                }
                let path = request
                    .uri()
                    .path_and_query()
                    .map_or("/", |path| path.as_str());
                let url = format!("http://{}{path}", replicas[index]);
                let mut headers = request.headers().clone();
                headers.remove(http::header::HOST);
                let method = request.method().clone();
                let body = axum::body::to_bytes(request.into_body(), usize::MAX)
                    .await
                    .unwrap();
                let upstream = client
                    .request(method, url)
                    .headers(headers)
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                let mut response = Response::builder().status(upstream.status());
                for (name, value) in upstream.headers() {
                    if name != http::header::CONTENT_LENGTH
                        && name != http::header::TRANSFER_ENCODING
                    {
                        response = response.header(name, value);
                    }
                }
                // Streamed, not collected: SSE responses stay open.
                response
                    .body(Body::from_stream(upstream.bytes_stream()))
                    .unwrap()
            }
        };
        let app = axum::Router::new().fallback(forward);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        AlternatingProxy {
            addr,
            session_requests,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_mcp_client_works_across_alternating_replicas() {
    if !support::external_clients("Python and the SDKs of .ci/requirements.txt") {
        return;
    }
    let database = TestDatabase::create().await;
    let prefix = unique_redis_prefix();
    let first = replica(&database.url(), Some(&prefix), true).await;
    let second = replica(&database.url(), Some(&prefix), false).await;
    let proxy = AlternatingProxy::start([first.addr, second.addr]).await;
    let base_url = format!("http://{}", proxy.addr);
    support::run_pytest(
        "hub/tests/python/test_mcp_replicas.py",
        &[("AIPROXY_BASE_URL", &base_url), ("AIPROXY_TOKEN", TOKEN)],
    )
    .await;
    let served = proxy
        .session_requests
        .iter()
        .map(|count| count.load(Ordering::SeqCst))
        .collect::<Vec<_>>();
    println!("session requests served per replica: {served:?}");
    assert!(
        served.iter().all(|count| *count > 0),
        "one replica served no session request: {served:?}"
    );
    first.stop().await.unwrap();
    second.stop().await.unwrap();
}
