//! Test harness: the in-memory fakes of `relay::test_util`, a configurable mock OpenAI upstream
//! speaking the real wire format, and a relay on a loopback socket.
#![allow(
    dead_code,
    reason = "each test module uses a different part of the harness"
)]

pub mod golden;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use relay::host::Route;
use relay::{BanPolicy, Relay, RelayConfig, RelayHost, Timeouts};
use tokio::sync::Notify;

// ---------------------------------------------------------------- fakes

pub use relay::test_util::{
    FakeDirectory, FakeGatekeeper, FakeSink, Token, caller, channel, route,
};

// ---------------------------------------------------------------- mock upstream

/// How the mock ends an event stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamEnd {
    /// Ends the body normally.
    Close,
    /// Drops the connection without ending the chunked body.
    Cut,
    /// Keeps the connection open and sends nothing more.
    Stall,
}

/// One reply of the mock.
#[derive(Clone)]
pub enum Reply {
    Json {
        status: u16,
        body: String,
        headers: Vec<(&'static str, String)>,
    },
    Sse {
        events: Vec<String>,
        gate: Option<(usize, Arc<Notify>)>,
        end: StreamEnd,
    },
    Raw {
        status: u16,
        content_type: &'static str,
        body: Bytes,
    },
    Delay(Duration, Box<Reply>),
}

impl Reply {
    pub fn json(body: serde_json::Value) -> Reply {
        Reply::Json {
            status: 200,
            body: body.to_string(),
            headers: vec![("x-request-id", "upstream-req-1".into())],
        }
    }
    pub fn status(status: u16, body: serde_json::Value) -> Reply {
        Reply::Json {
            status,
            body: body.to_string(),
            headers: Vec::new(),
        }
    }
    pub fn sse(events: Vec<String>) -> Reply {
        Reply::Sse {
            events,
            gate: None,
            end: StreamEnd::Close,
        }
    }
}

/// What the mock saw of one request.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Seen {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

type Responder = Box<dyn FnMut(&Seen) -> Reply + Send>;

pub struct Mock {
    pub addr: SocketAddr,
    pub seen: Mutex<Vec<Seen>>,
    queue: Mutex<VecDeque<Reply>>,
    fallback: Mutex<Responder>,
    /// Bodies that were dropped before their stream ended (the connection closed under them).
    pub dropped_streams: AtomicUsize,
    pub dropped: Notify,
}

impl Mock {
    /// Starts a mock whose replies come from `fallback` once queued replies run out.
    pub async fn start(fallback: impl FnMut(&Seen) -> Reply + Send + 'static) -> Arc<Mock> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mock = Arc::new(Mock {
            addr: listener.local_addr().unwrap(),
            seen: Mutex::new(Vec::new()),
            queue: Mutex::new(VecDeque::new()),
            fallback: Mutex::new(Box::new(fallback)),
            dropped_streams: AtomicUsize::new(0),
            dropped: Notify::new(),
        });
        let app = Router::new()
            .fallback(mock_handler)
            .with_state(mock.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        mock
    }

    /// A mock answering every chat request with a fixed completion.
    pub async fn chat_ok(content: &str) -> Arc<Mock> {
        let content = content.to_owned();
        Mock::start(move |seen| Reply::json(chat_completion(&seen.json()["model"], &content, true)))
            .await
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn push(&self, reply: Reply) {
        self.queue.lock().unwrap().push_back(reply);
    }

    pub fn set(&self, fallback: impl FnMut(&Seen) -> Reply + Send + 'static) {
        *self.fallback.lock().unwrap() = Box::new(fallback);
    }

    pub fn hits(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    pub fn last(&self) -> Seen {
        self.seen
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("the mock saw no request")
    }
}

async fn mock_handler(State(mock): State<Arc<Mock>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let seen = Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
    };
    mock.seen.lock().unwrap().push(seen.clone());
    let queued = mock.queue.lock().unwrap().pop_front();
    let reply = match queued {
        Some(reply) => reply,
        None => (mock.fallback.lock().unwrap())(&seen),
    };
    render(reply, mock).await
}

fn render(reply: Reply, mock: Arc<Mock>) -> futures::future::BoxFuture<'static, Response> {
    Box::pin(async move {
        match reply {
            Reply::Delay(delay, reply) => {
                tokio::time::sleep(delay).await;
                render(*reply, mock).await
            }
            Reply::Json {
                status,
                body,
                headers,
            } => {
                let mut builder = Response::builder()
                    .status(status)
                    .header("content-type", "application/json");
                for (name, value) in headers {
                    builder = builder.header(name, value);
                }
                builder.body(Body::from(body)).unwrap()
            }
            Reply::Raw {
                status,
                content_type,
                body,
            } => Response::builder()
                .status(status)
                .header("content-type", content_type)
                .body(Body::from(body))
                .unwrap(),
            Reply::Sse { events, gate, end } => {
                let guard = DropGuard {
                    mock,
                    armed: end != StreamEnd::Close,
                };
                let stream = async_stream(events, gate, end, guard);
                Response::builder()
                    .status(StatusCode::OK)
                    .header("content-type", "text/event-stream")
                    .header("x-request-id", "upstream-stream-1")
                    .body(Body::from_stream(stream))
                    .unwrap()
            }
        }
    })
}

/// Counts a stream body dropped before it ended (the peer closed the connection).
struct DropGuard {
    mock: Arc<Mock>,
    armed: bool,
}

impl DropGuard {
    fn disarm(&mut self) {
        self.armed = false;
    }
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        if self.armed {
            self.mock.dropped_streams.fetch_add(1, Ordering::SeqCst);
            self.mock.dropped.notify_waiters();
        }
    }
}

fn async_stream(
    events: Vec<String>,
    gate: Option<(usize, Arc<Notify>)>,
    end: StreamEnd,
    guard: DropGuard,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send {
    let state = (0usize, events, gate, end, guard);
    futures::stream::unfold(state, |(index, events, gate, end, mut guard)| async move {
        if let Some((at, notify)) = &gate
            && *at == index
        {
            notify.notified().await;
        }
        if index < events.len() {
            let chunk = Bytes::from(format!("data: {}\n\n", events[index]));
            // Let each event leave as its own write.
            tokio::time::sleep(Duration::from_millis(2)).await;
            return Some((Ok(chunk), (index + 1, events, gate, end, guard)));
        }
        match end {
            StreamEnd::Close => {
                guard.disarm();
                None
            }
            StreamEnd::Cut => {
                // Let the events already written leave before the connection drops.
                tokio::time::sleep(Duration::from_millis(30)).await;
                Some((
                    Err(std::io::Error::other("cut")),
                    (usize::MAX, events, None, StreamEnd::Close, guard),
                ))
            }
            StreamEnd::Stall => {
                futures::future::pending::<()>().await;
                None
            }
        }
    })
}

pub fn chat_completion(
    model: &serde_json::Value,
    content: &str,
    with_usage: bool,
) -> serde_json::Value {
    let mut body = serde_json::json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "system_fingerprint": "fp_unknown_field",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": null}, "logprobs": null, "finish_reason": "stop"}],
    });
    if with_usage {
        body["usage"] = serde_json::json!({"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18, "prompt_tokens_details": {"cached_tokens": 3}, "completion_tokens_details": {"reasoning_tokens": 2}});
    }
    body
}

/// Stream events of a chat completion: role, one event per piece, finish, then (when asked
/// for) the usage-only chunk, then `[DONE]`.
pub fn chat_events(model: &str, pieces: &[&str], usage: bool) -> Vec<String> {
    let chunk = |delta: serde_json::Value, finish: serde_json::Value| {
        serde_json::json!({"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1, "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}).to_string()
    };
    let mut events = vec![chunk(
        serde_json::json!({"role": "assistant", "content": ""}),
        serde_json::Value::Null,
    )];
    for piece in pieces {
        events.push(chunk(
            serde_json::json!({"content": piece}),
            serde_json::Value::Null,
        ));
    }
    events.push(chunk(serde_json::json!({}), serde_json::json!("stop")));
    if usage {
        events.push(serde_json::json!({"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1, "model": model, "choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13}}).to_string());
    }
    events.push("[DONE]".to_owned());
    events
}

/// A chat SSE reply that includes the usage chunk only when the request asked for it, as
/// OpenAI does.
pub fn sse_like_openai(seen: &Seen, pieces: &[&str]) -> Reply {
    let request = seen.json();
    let usage = request["stream_options"]["include_usage"] == serde_json::json!(true);
    Reply::sse(chat_events(
        request["model"].as_str().unwrap_or("?"),
        pieces,
        usage,
    ))
}

// ---------------------------------------------------------------- relay under test

pub struct Harness {
    pub addr: SocketAddr,
    pub relay: Relay,
    pub sink: Arc<FakeSink>,
    pub directory: Arc<FakeDirectory>,
    pub client: reqwest::Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

pub const KEY: &str = "sk-client-good";

pub fn test_config() -> RelayConfig {
    RelayConfig {
        timeouts: Timeouts {
            connect: Duration::from_secs(2),
            first_byte: Duration::from_secs(5),
            response: Duration::from_secs(5),
            stream_idle: Duration::from_secs(5),
        },
        ban: BanPolicy {
            failure_threshold: 100,
            ..BanPolicy::default()
        },
        ..RelayConfig::default()
    }
}

impl Harness {
    pub async fn start(routes: Vec<(&str, Route)>) -> Harness {
        Harness::with(test_config(), routes, FakeGatekeeper::default()).await
    }

    pub async fn with(
        config: RelayConfig,
        routes: Vec<(&str, Route)>,
        gatekeeper: FakeGatekeeper,
    ) -> Harness {
        Harness::with_host(config, routes, gatekeeper, |host| host).await
    }

    /// As [`Harness::with`], with the optional host services `customize` sets.
    pub async fn with_host(
        config: RelayConfig,
        routes: Vec<(&str, Route)>,
        mut gatekeeper: FakeGatekeeper,
        customize: impl FnOnce(RelayHost) -> RelayHost,
    ) -> Harness {
        gatekeeper
            .tokens
            .entry(KEY.into())
            .or_insert_with(|| Token {
                caller: caller(1, None),
                subnets: Vec::new(),
            });
        let directory = Arc::new(FakeDirectory::default());
        for (model, route) in routes {
            directory
                .routes
                .lock()
                .unwrap()
                .insert(model.to_owned(), route);
        }
        let sink = Arc::new(FakeSink::default());
        let host = RelayHost::new(Arc::new(gatekeeper), directory.clone(), sink.clone());
        let relay = Relay::new(config, customize(host)).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        relay.spawn_background(async move {
            let _ = stop.await;
        });
        let app = relay
            .router()
            .into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Harness {
            addr,
            relay,
            sink,
            directory,
            client: reqwest::Client::new(),
            shutdown: Some(shutdown),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub async fn post_json(&self, path: &str, body: serde_json::Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .bearer_auth(KEY)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Starts a chat stream on a plain socket, reads until the first event, and closes the
    /// socket: the test decides exactly when the client goes away.
    pub async fn open_stream_and_leave(&self, body: &serde_json::Value) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let body = body.to_string();
        let mut socket = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        let request = format!(
            "POST /v1/chat/completions HTTP/1.1\r\nhost: relay\r\nauthorization: Bearer {KEY}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        socket.write_all(request.as_bytes()).await.unwrap();
        let mut received = Vec::new();
        let mut buffer = [0u8; 4096];
        while !String::from_utf8_lossy(&received).contains("data: ") {
            let read = socket.read(&mut buffer).await.unwrap();
            assert!(
                read > 0,
                "relay closed early: {}",
                String::from_utf8_lossy(&received)
            );
            received.extend_from_slice(&buffer[..read]);
        }
    }

    pub async fn chat(&self, body: serde_json::Value) -> (u16, serde_json::Value) {
        let response = self.post_json("/v1/chat/completions", body).await;
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
        )
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// Splits an SSE body into its data payloads.
pub fn sse_data(body: &str) -> Vec<String> {
    body.split("\n\n")
        .filter_map(|event| {
            event
                .lines()
                .find_map(|line| line.strip_prefix("data: "))
                .map(str::to_owned)
        })
        .collect()
}

/// Asserts an OpenAI-shaped error and returns its `error` object.
pub fn assert_error_shape(body: &serde_json::Value) -> &serde_json::Map<String, serde_json::Value> {
    let error = body["error"]
        .as_object()
        .unwrap_or_else(|| panic!("not an OpenAI error: {body}"));
    for field in ["message", "type", "param", "code"] {
        assert!(error.contains_key(field), "error lacks {field}: {body}");
    }
    assert!(error["message"].is_string() && error["type"].is_string());
    error
}
