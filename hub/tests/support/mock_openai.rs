//! A small OpenAI-compatible upstream for end-to-end tests: chat (plain, streamed with a usage
//! chunk, tool calls), embeddings and an error mode, speaking the real wire format.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

#[derive(Default)]
pub struct MockState {
    /// How many requests reached the mock.
    pub hits: AtomicUsize,
    /// When set, every request is answered with this status and an OpenAI error body.
    pub fail_with: std::sync::Mutex<Option<u16>>,
    /// The last Authorization header seen, to check the channel key is sent.
    pub last_authorization: std::sync::Mutex<Option<String>>,
    /// Milliseconds to wait before answering chat requests.
    pub delay_ms: std::sync::atomic::AtomicU64,
}

pub struct MockOpenAi {
    pub addr: SocketAddr,
    pub state: Arc<MockState>,
}

impl MockOpenAi {
    pub async fn start() -> MockOpenAi {
        let state = Arc::new(MockState::default());
        let app = Router::new()
            .route("/v1/chat/completions", post(chat))
            .route("/v1/embeddings", post(embeddings))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockOpenAi { addr, state }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn hits(&self) -> usize {
        self.state.hits.load(Ordering::SeqCst)
    }
}

fn failure(state: &MockState, headers: &HeaderMap) -> Option<Response> {
    state.hits.fetch_add(1, Ordering::SeqCst);
    *state.last_authorization.lock().unwrap() = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let status = (*state.fail_with.lock().unwrap())?;
    let body = json!({"error": {"message": "mock failure", "type": "server_error", "param": null, "code": null}});
    Some((StatusCode::from_u16(status).unwrap(), Json(body)).into_response())
}

async fn chat(
    State(state): State<Arc<MockState>>,
    headers: HeaderMap,
    Json(request): Json<Value>,
) -> Response {
    if let Some(response) = failure(&state, &headers) {
        return response;
    }
    let delay = state.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    }
    let model = request["model"].as_str().unwrap_or("unknown").to_owned();
    let wants_tool = request
        .get("tools")
        .is_some_and(|tools| !tools.as_array().is_none_or(Vec::is_empty));
    let message = if wants_tool {
        json!({"role": "assistant", "content": null, "tool_calls": [{
            "id": "call_1", "type": "function",
            "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}
        }]})
    } else {
        json!({"role": "assistant", "content": "Hello from the mock."})
    };
    let finish_reason = if wants_tool { "tool_calls" } else { "stop" };
    if request["stream"].as_bool() == Some(true) {
        let include_usage = request["stream_options"]["include_usage"].as_bool() == Some(true);
        let mut events = Vec::new();
        let chunk = |delta: Value, finish: Value| {
            json!({"id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": 1_700_000_000, "model": model,
                   "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
        };
        events.push(chunk(
            json!({"role": "assistant", "content": ""}),
            Value::Null,
        ));
        for word in ["Hello", " from", " the", " mock."] {
            events.push(chunk(json!({"content": word}), Value::Null));
        }
        events.push(chunk(json!({}), json!("stop")));
        if include_usage {
            events.push(json!({"id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": 1_700_000_000,
                "model": model, "choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13}}));
        }
        let mut body = String::new();
        for event in events {
            body.push_str(&format!("data: {event}\n\n"));
        }
        body.push_str("data: [DONE]\n\n");
        return ([("content-type", "text/event-stream")], body).into_response();
    }
    Json(json!({
        "id": "chatcmpl-mock", "object": "chat.completion", "created": 1_700_000_000, "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": null}],
        "usage": {"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13}
    }))
    .into_response()
}

async fn embeddings(
    State(state): State<Arc<MockState>>,
    headers: HeaderMap,
    Json(request): Json<Value>,
) -> Response {
    if let Some(response) = failure(&state, &headers) {
        return response;
    }
    let inputs = match &request["input"] {
        Value::Array(items) => items.len(),
        _ => 1,
    };
    let data: Vec<Value> = (0..inputs)
        .map(|index| json!({"object": "embedding", "index": index, "embedding": [0.1, -0.2, 0.3]}))
        .collect();
    Json(
        json!({"object": "list", "data": data, "model": request["model"],
                "usage": {"prompt_tokens": 3, "total_tokens": 3}}),
    )
    .into_response()
}
