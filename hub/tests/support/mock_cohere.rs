//! A mock Cohere v2 API for end-to-end tests: `/v2/chat` (whole, or SSE with `event:` names), `/v2/embed`, `/v2/rerank`, Cohere's checks and errors.
//!
//! The checks are the real API's: a Bearer key, only documented body fields (a leftover
//! `stream_options` or `top_p` is refused), roles system/user/assistant/tool, a tool result
//! only after a call with its id, embeddings with `input_type` and `embedding_types`, rerank
//! documents as strings. A request that declares tools gets a call of the first one (unless it
//! answers one already); otherwise the answer is [`TEXT`].

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::recorded::{Recorded, SeenRequest};

pub const TEXT: &str = "Hello from Cohere.";
pub const TOOL_PLAN: &str = "I will look up the weather.";
/// Billed tokens of every chat answer (the raw `tokens` counts are larger: the template).
pub const BILLED_INPUT: u64 = 11;
pub const BILLED_OUTPUT: u64 = 5;
pub const EMBED_BILLED_INPUT: u64 = 6;
/// A model whose stream ends with `finish_reason: ERROR` after some text.
pub const FAILING_MODEL: &str = "command-failing";

const CHAT_FIELDS: [&str; 21] = [
    "model",
    "messages",
    "tools",
    "strict_tools",
    "documents",
    "citation_options",
    "response_format",
    "safety_mode",
    "max_tokens",
    "stop_sequences",
    "temperature",
    "seed",
    "frequency_penalty",
    "presence_penalty",
    "k",
    "p",
    "logprobs",
    "tool_choice",
    "thinking",
    "priority",
    "stream",
];

#[derive(Default)]
pub struct MockState {
    pub seen: Recorded,
    /// When set, every request is answered with this status and Cohere's error body.
    pub fail_with: Mutex<Option<u16>>,
}

pub struct MockCohere {
    pub addr: SocketAddr,
    pub state: Arc<MockState>,
}

impl MockCohere {
    pub async fn start() -> MockCohere {
        let state = Arc::new(MockState::default());
        let app = Router::new()
            .route("/v2/chat", post(chat))
            .route("/v2/embed", post(embed))
            .route("/v2/rerank", post(rerank))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockCohere { addr, state }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<SeenRequest> {
        self.state.seen.all()
    }
}

/// Cohere's error document.
pub fn error(status: u16, message: &str) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json")],
        json!({"id": "3f1e0c7a-mock-error", "message": message}).to_string(),
    )
        .into_response()
}

/// Records the request and runs the checks every endpoint shares.
async fn admit(state: &MockState, request: Request) -> Result<SeenRequest, Response> {
    let (parts, body) = request.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let seen = SeenRequest::new(&parts.method, &parts.uri, &parts.headers, &bytes);
    state.seen.push(seen.clone());
    if let Some(status) = *state.fail_with.lock().unwrap() {
        return Err(error(status, "mock failure"));
    }
    let authorized = seen
        .header("authorization")
        .and_then(|value| value.strip_prefix("Bearer "))
        .is_some_and(|key| !key.is_empty());
    if !authorized {
        return Err(error(401, "no api key supplied"));
    }
    if !seen.body.is_object() {
        return Err(error(
            400,
            "invalid request: the body must be a JSON object",
        ));
    }
    if seen.body["model"].as_str().is_none_or(str::is_empty) {
        return Err(error(400, "invalid request: model must be specified"));
    }
    Ok(seen)
}

fn validate_chat(body: &Value) -> Result<(), String> {
    let fields = body.as_object().unwrap();
    if let Some(extra) = fields.keys().find(|k| !CHAT_FIELDS.contains(&k.as_str())) {
        return Err(format!(
            "invalid request: unknown field: parameter {extra} is not a valid field"
        ));
    }
    let messages = body["messages"]
        .as_array()
        .filter(|messages| !messages.is_empty())
        .ok_or("invalid request: messages cannot be empty")?;
    let mut called: Vec<String> = Vec::new();
    for message in messages {
        match message["role"].as_str() {
            Some("system" | "user") => {
                if message.get("content").is_none() {
                    return Err("invalid request: message content is required".into());
                }
            }
            Some("assistant") => {
                for call in message["tool_calls"].as_array().into_iter().flatten() {
                    let arguments = call["function"]["arguments"].as_str().unwrap_or_default();
                    if serde_json::from_str::<Value>(arguments).is_err() {
                        return Err(
                            "invalid request: tool call arguments must be a JSON string".into()
                        );
                    }
                    called.push(call["id"].as_str().unwrap_or_default().to_owned());
                }
                if message.get("content").is_none() && message.get("tool_calls").is_none() {
                    return Err(
                        "invalid request: assistant message must have content or tool_calls".into(),
                    );
                }
            }
            Some("tool") => {
                let id = message["tool_call_id"].as_str().unwrap_or_default();
                if !called.iter().any(|called| called == id) {
                    return Err(format!(
                        "invalid request: tool_call_id {id} does not match any tool call"
                    ));
                }
            }
            other => return Err(format!("invalid request: role {other:?} is not supported")),
        }
    }
    for tool in body["tools"].as_array().into_iter().flatten() {
        if tool["type"] != "function" || tool["function"]["name"].as_str().is_none() {
            return Err("invalid request: tools must be functions with a name".into());
        }
    }
    Ok(())
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
    let answers_a_call = body["messages"]
        .as_array()
        .and_then(|messages| messages.last())
        .is_some_and(|message| message["role"] == "tool");
    let function = body["tools"]
        .as_array()
        .and_then(|tools| tools.first())
        .and_then(|tool| tool["function"]["name"].as_str())
        .filter(|_| !answers_a_call)
        .map(str::to_owned);
    let usage = json!({"billed_units": {"input_tokens": BILLED_INPUT, "output_tokens": BILLED_OUTPUT},
        "tokens": {"input_tokens": BILLED_INPUT + 200, "output_tokens": BILLED_OUTPUT}});
    if body["stream"] == true {
        return stream(function, body["model"] == FAILING_MODEL, usage);
    }
    let mut message = json!({"role": "assistant"});
    let finish = match &function {
        Some(name) => {
            message["tool_plan"] = json!(TOOL_PLAN);
            message["tool_calls"] = json!([{"id": format!("{name}_mock1"), "type": "function",
                "function": {"name": name, "arguments": "{\"city\":\"Paris\"}"}}]);
            "TOOL_CALL"
        }
        None => {
            message["content"] = json!([{"type": "text", "text": TEXT}]);
            "COMPLETE"
        }
    };
    (
        [("content-type", "application/json")],
        json!({"id": "c0b6d9a2-mock", "message": message, "finish_reason": finish, "usage": usage})
            .to_string(),
    )
        .into_response()
}

/// Cohere's v2 stream: every event named on its `event:` line and typed in its data.
fn stream(function: Option<String>, fails: bool, usage: Value) -> Response {
    let mut events = vec![json!({"id": "c0b6d9a2-stream", "type": "message-start",
        "delta": {"message": {"role": "assistant", "content": [], "tool_plan": "", "tool_calls": [], "citations": []}}})];
    let finish = match function {
        Some(name) => {
            for piece in ["I will look", " up the weather."] {
                events.push(
                    json!({"type": "tool-plan-delta", "delta": {"message": {"tool_plan": piece}}}),
                );
            }
            events.push(json!({"type": "tool-call-start", "index": 0, "delta": {"message": {"tool_calls":
                {"id": format!("{name}_mock1"), "type": "function", "function": {"name": name, "arguments": ""}}}}}));
            for piece in ["{\"city\":", "\"Paris\"}"] {
                events.push(json!({"type": "tool-call-delta", "index": 0,
                    "delta": {"message": {"tool_calls": {"function": {"arguments": piece}}}}}));
            }
            events.push(json!({"type": "tool-call-end", "index": 0}));
            json!({"finish_reason": "TOOL_CALL", "usage": usage})
        }
        None => {
            events.push(json!({"type": "content-start", "index": 0,
                "delta": {"message": {"content": {"type": "text", "text": ""}}}}));
            for piece in ["Hello", " from", " Cohere."] {
                events.push(json!({"type": "content-delta", "index": 0,
                    "delta": {"message": {"content": {"text": piece}}}}));
            }
            events.push(json!({"type": "content-end", "index": 0}));
            if fails {
                json!({"finish_reason": "ERROR", "error": "internal server error, this has been reported to our developers"})
            } else {
                json!({"finish_reason": "COMPLETE", "usage": usage})
            }
        }
    };
    events.push(json!({"type": "message-end", "delta": finish}));
    let mut body = String::new();
    for event in events {
        body.push_str(&format!(
            "event: {}\ndata: {event}\n\n",
            event["type"].as_str().unwrap()
        ));
    }
    ([("content-type", "text/event-stream")], body).into_response()
}

async fn embed(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let seen = match admit(&state, request).await {
        Ok(seen) => seen,
        Err(response) => return response,
    };
    let body = &seen.body;
    let Some(texts) = body["texts"]
        .as_array()
        .filter(|texts| texts.iter().all(Value::is_string))
    else {
        return error(400, "invalid request: texts must be a list of strings");
    };
    if body["input_type"].as_str().is_none() {
        return error(
            400,
            "invalid request: valid input_type must be provided with the provided model",
        );
    }
    let kind = match body["embedding_types"].as_array().map(Vec::as_slice) {
        Some([kind]) if kind == "float" || kind == "base64" => kind.as_str().unwrap(),
        _ => {
            return error(
                400,
                "invalid request: this mock serves one embedding type, float or base64",
            );
        }
    };
    let vectors: Vec<Value> = (0..texts.len())
        .map(|index| {
            let vector = [0.25f32, -0.5, index as f32];
            if kind == "float" {
                json!(vector)
            } else {
                // Little-endian float32, base64-encoded.
                let bytes: Vec<u8> = vector.iter().flat_map(|x| x.to_le_bytes()).collect();
                json!(base64::Engine::encode(
                    &base64::engine::general_purpose::STANDARD,
                    bytes
                ))
            }
        })
        .collect();
    (
        [("content-type", "application/json")],
        json!({"id": "e7d1-mock", "embeddings": {kind: vectors}, "texts": texts,
            "meta": {"api_version": {"version": "2"}, "billed_units": {"input_tokens": EMBED_BILLED_INPUT}},
            "response_type": "embeddings_by_type"})
        .to_string(),
    )
        .into_response()
}

async fn rerank(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let seen = match admit(&state, request).await {
        Ok(seen) => seen,
        Err(response) => return response,
    };
    let body = &seen.body;
    let Some(query) = body["query"].as_str() else {
        return error(400, "invalid request: query must be a string");
    };
    let Some(documents) = body["documents"]
        .as_array()
        .filter(|documents| !documents.is_empty() && documents.iter().all(Value::is_string))
    else {
        return error(
            400,
            "invalid request: documents must be a non-empty list of strings",
        );
    };
    // Documents sharing more words with the query rank higher.
    let words: Vec<&str> = query.split_whitespace().collect();
    let mut results: Vec<(usize, f64)> = documents
        .iter()
        .enumerate()
        .map(|(index, document)| {
            let text = document.as_str().unwrap();
            let shared = words.iter().filter(|word| text.contains(**word)).count();
            (index, (shared as f64 + 0.5) / (words.len() as f64 + 1.0))
        })
        .collect();
    results.sort_by(|a, b| b.1.total_cmp(&a.1));
    if let Some(top_n) = body["top_n"].as_u64() {
        results.truncate(top_n as usize);
    }
    let results: Vec<Value> = results
        .into_iter()
        .map(|(index, score)| json!({"index": index, "relevance_score": score}))
        .collect();
    (
        [("content-type", "application/json")],
        json!({"id": "r4a2-mock", "results": results,
            "meta": {"api_version": {"version": "2"}, "billed_units": {"search_units": 1}}})
        .to_string(),
    )
        .into_response()
}
