//! A mock Ollama native API for end-to-end tests: `/api/chat` and `/api/generate` (one JSON, or JSON lines cut at odd offsets), `/api/embed`, errors.
//!
//! As the real server: a request without `stream` is streamed, message content must be a
//! string (images go in `images`), tool-call arguments must be objects, an unknown model is
//! a 404 telling to pull it. [`BROKEN_MODEL`] streams a line that is not JSON mid-answer;
//! [`CRASHING_MODEL`] streams an `{"error": ...}` line after some text, as a runner crash does.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use futures::StreamExt;
use serde_json::{Value, json};

use super::recorded::{Recorded, SeenRequest};

pub const TEXT: &str = "Hello from Ollama.";
pub const PROMPT_EVAL_COUNT: u64 = 26;
pub const EVAL_COUNT: u64 = 4;
pub const EMBED_PROMPT_EVAL_COUNT: u64 = 7;
pub const BROKEN_MODEL: &str = "broken-model";
pub const CRASHING_MODEL: &str = "crashing-model";
/// The models the mock has pulled; any other is not found.
const MODELS: [&str; 4] = ["llama3.2", "all-minilm", BROKEN_MODEL, CRASHING_MODEL];

#[derive(Default)]
pub struct MockState {
    pub seen: Recorded,
}

pub struct MockOllama {
    pub addr: SocketAddr,
    pub state: Arc<MockState>,
}

impl MockOllama {
    pub async fn start() -> MockOllama {
        let state = Arc::new(MockState::default());
        let app = Router::new()
            .route("/api/chat", post(chat))
            .route("/api/generate", post(generate))
            .route("/api/embed", post(embed))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockOllama { addr, state }
    }

    /// The server's root (the native paths are `/api/...` below it).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<SeenRequest> {
        self.state.seen.all()
    }
}

/// Ollama's error document.
pub fn error(status: u16, message: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json; charset=utf-8")],
        json!({"error": message}).to_string(),
    )
        .into_response()
}

async fn admit(state: &MockState, request: Request) -> Result<SeenRequest, Response> {
    let (parts, body) = request.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let seen = SeenRequest::new(&parts.method, &parts.uri, &parts.headers, &bytes);
    state.seen.push(seen.clone());
    if !seen.body.is_object() {
        return Err(error(
            400,
            "invalid character 'x' looking for beginning of value",
        ));
    }
    let model = seen.body["model"].as_str().unwrap_or_default();
    if model.is_empty() {
        return Err(error(400, "model is required"));
    }
    if !MODELS.contains(&model) {
        return Err(error(
            404,
            &format!("model \"{model}\" not found, try pulling it first"),
        ));
    }
    Ok(seen)
}

fn validate_chat(body: &Value) -> Result<(), String> {
    for message in body["messages"].as_array().into_iter().flatten() {
        if message
            .get("content")
            .is_some_and(|content| !content.is_string())
        {
            return Err("json: cannot unmarshal array into Go struct field Message.messages.content of type string".into());
        }
        for call in message["tool_calls"].as_array().into_iter().flatten() {
            if !call["function"]["arguments"].is_object() {
                return Err("json: cannot unmarshal string into Go struct field ToolCallFunction.messages.tool_calls.function.arguments of type api.ToolCallFunctionArguments".into());
            }
        }
    }
    if let Some(options) = body.get("options")
        && options
            .get("num_predict")
            .is_some_and(|limit| !limit.is_i64())
    {
        return Err("option \"num_predict\" must be of type integer".into());
    }
    Ok(())
}

fn line(model: &str, content: &str, done: Option<&str>) -> Value {
    let mut line = json!({"model": model, "created_at": "2025-06-01T12:00:00.123456789Z",
        "message": {"role": "assistant", "content": content}, "done": done.is_some()});
    if let Some(reason) = done {
        line["done_reason"] = json!(reason);
        line["total_duration"] = json!(1_234_567_890u64);
        line["load_duration"] = json!(1_234_567u64);
        line["prompt_eval_count"] = json!(PROMPT_EVAL_COUNT);
        line["prompt_eval_duration"] = json!(123_456_789u64);
        line["eval_count"] = json!(EVAL_COUNT);
        line["eval_duration"] = json!(987_654_321u64);
    }
    line
}

async fn chat(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let seen = match admit(&state, request).await {
        Ok(seen) => seen,
        Err(response) => return response,
    };
    if let Err(message) = validate_chat(&seen.body) {
        return error(400, &message);
    }
    let body = &seen.body;
    let model = body["model"].as_str().unwrap();
    let function = body["tools"]
        .as_array()
        .and_then(|tools| tools.first())
        .and_then(|tool| tool["function"]["name"].as_str())
        .filter(|_| {
            body["messages"]
                .as_array()
                .and_then(|messages| messages.last())
                .is_none_or(|message| message["role"] != "tool")
        });
    // Ollama streams unless told otherwise.
    if body["stream"] == false {
        let mut answer = line(model, TEXT, Some("stop"));
        if let Some(name) = function {
            answer["message"]["content"] = json!("");
            answer["message"]["tool_calls"] =
                json!([{"function": {"name": name, "arguments": {"city": "Paris"}}}]);
        }
        return (
            [("content-type", "application/json; charset=utf-8")],
            answer.to_string(),
        )
            .into_response();
    }
    let mut lines: Vec<String> = ["Hello", " from", " Ollama."]
        .iter()
        .map(|piece| line(model, piece, None).to_string())
        .collect();
    if let Some(name) = function {
        let mut call = line(model, "", None);
        call["message"]["tool_calls"] =
            json!([{"function": {"name": name, "arguments": {"city": "Paris"}}}]);
        lines.push(call.to_string());
    }
    match model {
        BROKEN_MODEL => lines.insert(
            1,
            "{\"model\":\"broken-model\",\"message\":{\"content\":".into(),
        ),
        CRASHING_MODEL => lines.push(
            json!({"error": "llama runner process has terminated: signal: killed"}).to_string(),
        ),
        _ => lines.push(line(model, "", Some("stop")).to_string()),
    }
    json_lines(lines.join("\n") + "\n")
}

/// `/api/generate`: the prompt must be a string; the answer's text is in `response`.
async fn generate(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let seen = match admit(&state, request).await {
        Ok(seen) => seen,
        Err(response) => return response,
    };
    let body = &seen.body;
    if !body["prompt"].is_string() {
        return error(
            400,
            "json: cannot unmarshal array into Go struct field GenerateRequest.prompt of type string",
        );
    }
    if body.get("messages").is_some() {
        return error(400, "unknown field messages");
    }
    let model = body["model"].as_str().unwrap();
    let as_generate = |mut line: Value| {
        let text = line["message"]["content"].clone();
        line.as_object_mut().unwrap().remove("message");
        line["response"] = text;
        line
    };
    if body["stream"] == false {
        return (
            [("content-type", "application/json; charset=utf-8")],
            as_generate(line(model, TEXT, Some("stop"))).to_string(),
        )
            .into_response();
    }
    let mut lines: Vec<String> = ["Hello", " from", " Ollama."]
        .iter()
        .map(|piece| as_generate(line(model, piece, None)).to_string())
        .collect();
    lines.push(as_generate(line(model, "", Some("stop"))).to_string());
    json_lines(lines.join("\n") + "\n")
}

/// The stream in pieces cut at odd offsets (mid-line, mid-token, mid-UTF-8 never: the text
/// is ASCII), each its own HTTP chunk.
fn json_lines(text: String) -> Response {
    let bytes = text.into_bytes();
    let mut pieces = Vec::new();
    let mut start = 0;
    for size in [3usize, 17, 41, 5, 64, 11].into_iter().cycle() {
        if start >= bytes.len() {
            break;
        }
        let end = (start + size).min(bytes.len());
        pieces.push(Bytes::copy_from_slice(&bytes[start..end]));
        start = end;
    }
    let stream = futures::stream::iter(pieces).then(|piece| async move {
        tokio::time::sleep(Duration::from_millis(1)).await;
        Ok::<_, std::convert::Infallible>(piece)
    });
    (
        [("content-type", "application/x-ndjson")],
        Body::from_stream(stream),
    )
        .into_response()
}

async fn embed(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let seen = match admit(&state, request).await {
        Ok(seen) => seen,
        Err(response) => return response,
    };
    let inputs = match &seen.body["input"] {
        Value::String(_) => 1,
        Value::Array(items) if items.iter().all(Value::is_string) => items.len(),
        _ => return error(400, "invalid input type"),
    };
    let vectors: Vec<Value> = (0..inputs)
        .map(|index| json!([0.010071029, -0.0017594862, index as f64]))
        .collect();
    (
        [("content-type", "application/json; charset=utf-8")],
        json!({"model": seen.body["model"], "embeddings": vectors, "total_duration": 14143917u64,
            "load_duration": 1019500u64, "prompt_eval_count": EMBED_PROMPT_EVAL_COUNT})
        .to_string(),
    )
        .into_response()
}
