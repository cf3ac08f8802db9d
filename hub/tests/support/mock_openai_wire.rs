//! A recording OpenAI upstream for the protocol tests: chat completions whose streamed tool call
//! arrives in many argument fragments, usage with cached tokens, the checks the real API makes
//! (bearer key, known parameters, tool messages answering earlier calls), and a stateful Responses
//! API (`POST /v1/responses`, `GET`/`DELETE /v1/responses/{id}`, `GET .../input_items`) that knows
//! only the responses it created and continues only those (`previous_response_id`).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::recorded::{Recorded, SeenRequest};

pub const PROMPT_TOKENS: u64 = 30;
pub const CACHED_TOKENS: u64 = 10;
pub const COMPLETION_TOKENS: u64 = 9;
pub const REASONING_TOKENS: u64 = 2;
pub const TEXT: &str = "Hello from OpenAI.";
/// Streamed tool-call arguments, one fragment per chunk.
pub const ARGUMENT_FRAGMENTS: [&str; 4] = ["", "{\"ci", "ty\": \"Pa", "ris\"}"];

/// Chat parameters the API knows; anything else is refused, as the real API does.
const CHAT_FIELDS: [&str; 32] = [
    "model",
    "messages",
    "audio",
    "frequency_penalty",
    "logit_bias",
    "logprobs",
    "max_completion_tokens",
    "max_tokens",
    "metadata",
    "modalities",
    "n",
    "parallel_tool_calls",
    "prediction",
    "presence_penalty",
    "prompt_cache_key",
    "reasoning_effort",
    "response_format",
    "safety_identifier",
    "seed",
    "service_tier",
    "stop",
    "store",
    "stream",
    "stream_options",
    "temperature",
    "tool_choice",
    "tools",
    "top_logprobs",
    "top_p",
    "user",
    "verbosity",
    "web_search_options",
];

#[derive(Default)]
pub struct MockState {
    pub seen: Recorded,
    /// Responses this upstream created: id → (response, input items).
    stored: Mutex<HashMap<String, (Value, Vec<Value>)>>,
    next_id: AtomicU64,
}

pub struct MockOpenAiWire {
    pub addr: SocketAddr,
    pub state: Arc<MockState>,
}

impl MockOpenAiWire {
    pub async fn start() -> MockOpenAiWire {
        MockOpenAiWire::start_under("").await
    }

    /// The same API below a path `prefix` (Cloudflare's `/client/v4/accounts/{id}/ai`).
    pub async fn start_under(prefix: &str) -> MockOpenAiWire {
        let state = Arc::new(MockState::default());
        let app = Router::new()
            .route(&format!("{prefix}/v1/chat/completions"), post(chat))
            .route(&format!("{prefix}/v1/responses"), post(create_response))
            .route(
                &format!("{prefix}/v1/responses/{{id}}"),
                get(get_response).delete(delete_response),
            )
            .route(
                &format!("{prefix}/v1/responses/{{id}}/input_items"),
                get(input_items),
            )
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockOpenAiWire { addr, state }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn requests(&self) -> Vec<SeenRequest> {
        self.state.seen.all()
    }

    /// Ids of the responses this upstream still stores.
    pub fn stored_ids(&self) -> Vec<String> {
        self.state.stored.lock().unwrap().keys().cloned().collect()
    }
}

pub fn error(status: u16, message: &str, kind: &str) -> Response {
    let body = json!({"error": {"message": message, "type": kind, "param": null, "code": null}});
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn record(state: &MockState, request: Request) -> Result<SeenRequest, Response> {
    let (parts, body) = request.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let seen = SeenRequest::new(&parts.method, &parts.uri, &parts.headers, &bytes);
    state.seen.push(seen.clone());
    let authorized = seen
        .header("authorization")
        .is_some_and(|value| value.starts_with("Bearer ") && value.len() > 7);
    if !authorized {
        return Err(error(
            401,
            "You didn't provide an API key.",
            "invalid_request_error",
        ));
    }
    Ok(seen)
}

fn validate_chat(body: &Value) -> Result<(), String> {
    let fields = body.as_object().ok_or("the body must be a json object")?;
    if let Some(extra) = fields.keys().find(|k| !CHAT_FIELDS.contains(&k.as_str())) {
        return Err(format!("Unrecognized request argument supplied: {extra}"));
    }
    let messages = fields
        .get("messages")
        .and_then(Value::as_array)
        .filter(|messages| !messages.is_empty())
        .ok_or("[] is too short - 'messages'")?;
    if fields.contains_key("stream_options") && fields.get("stream") != Some(&Value::Bool(true)) {
        return Err(
            "The 'stream_options' parameter is only allowed when 'stream' is enabled.".into(),
        );
    }
    let mut open_calls: Vec<String> = Vec::new();
    for (index, message) in messages.iter().enumerate() {
        match message["role"].as_str().unwrap_or_default() {
            "system" | "developer" | "user" => open_calls.clear(),
            "assistant" => {
                open_calls = message["tool_calls"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|call| call["id"].as_str().map(str::to_owned))
                    .collect();
            }
            "tool" => {
                let id = message["tool_call_id"].as_str().unwrap_or_default();
                if !open_calls.iter().any(|call| call == id) {
                    return Err(format!(
                        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls' (messages.[{index}])."
                    ));
                }
            }
            other => {
                return Err(format!(
                    "Invalid value: '{other}'. Supported values are: 'system', 'assistant', 'user', 'tool', 'function', and 'developer'."
                ));
            }
        }
    }
    Ok(())
}

fn chat_usage() -> Value {
    json!({"prompt_tokens": PROMPT_TOKENS, "completion_tokens": COMPLETION_TOKENS,
        "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS,
        "prompt_tokens_details": {"cached_tokens": CACHED_TOKENS, "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": REASONING_TOKENS, "audio_tokens": 0}})
}

async fn chat(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let seen = match record(&state, request).await {
        Ok(seen) => seen,
        Err(response) => return response,
    };
    let request = &seen.body;
    if let Err(message) = validate_chat(request) {
        return error(400, &message, "invalid_request_error");
    }
    let model = request["model"].as_str().unwrap_or_default().to_owned();
    let answers_a_call = request["messages"]
        .as_array()
        .and_then(|messages| messages.last())
        .is_some_and(|message| message["role"] == "tool");
    let tool = request["tools"]
        .as_array()
        .and_then(|tools| tools.first())
        .and_then(|tool| tool["function"]["name"].as_str())
        .filter(|_| !answers_a_call && request["tool_choice"] != "none")
        .map(str::to_owned);
    if request["stream"] != true {
        let message = match &tool {
            Some(name) => json!({"role": "assistant", "content": null, "tool_calls": [{
                "id": "call_mock_1", "type": "function",
                "function": {"name": name, "arguments": "{\"city\": \"Paris\"}"}}]}),
            None => json!({"role": "assistant", "content": TEXT, "refusal": null}),
        };
        let finish = if tool.is_some() { "tool_calls" } else { "stop" };
        let body = json!({"id": "chatcmpl-mock", "object": "chat.completion",
            "created": 1_764_000_000, "model": model,
            "choices": [{"index": 0, "message": message, "logprobs": null, "finish_reason": finish}],
            "usage": chat_usage(), "system_fingerprint": "fp_mock"});
        return ([("content-type", "application/json")], body.to_string()).into_response();
    }
    let chunk = |delta: Value, finish: Value| {
        json!({"id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": 1_764_000_000,
            "model": model, "system_fingerprint": "fp_mock",
            "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]})
    };
    let mut chunks = vec![chunk(
        json!({"role": "assistant", "content": "", "refusal": null}),
        Value::Null,
    )];
    match &tool {
        Some(name) => {
            chunks.push(chunk(
                json!({"tool_calls": [{"index": 0, "id": "call_mock_1", "type": "function",
                    "function": {"name": name, "arguments": ""}}]}),
                Value::Null,
            ));
            for fragment in &ARGUMENT_FRAGMENTS[1..] {
                chunks.push(chunk(
                    json!({"tool_calls": [{"index": 0, "function": {"arguments": fragment}}]}),
                    Value::Null,
                ));
            }
            chunks.push(chunk(json!({}), json!("tool_calls")));
        }
        None => {
            for word in ["Hello", " from", " OpenAI."] {
                chunks.push(chunk(json!({"content": word}), Value::Null));
            }
            chunks.push(chunk(json!({}), json!("stop")));
        }
    }
    if request["stream_options"]["include_usage"] == true {
        let mut last = chunk(json!({}), Value::Null);
        last["choices"] = json!([]);
        last["usage"] = chat_usage();
        chunks.push(last);
    }
    let mut body = String::new();
    for chunk in chunks {
        body.push_str(&format!("data: {chunk}\n\n"));
    }
    body.push_str("data: [DONE]\n\n");
    ([("content-type", "text/event-stream")], body).into_response()
}

/// The input of a Responses request as input items.
fn input_items_of(request: &Value, id: &str) -> Vec<Value> {
    match &request["input"] {
        Value::String(text) => vec![json!({"id": format!("msg_in_{id}"), "type": "message",
            "role": "user", "status": "completed",
            "content": [{"type": "input_text", "text": text}]})],
        Value::Array(items) => items.clone(),
        _ => Vec::new(),
    }
}

async fn create_response(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let seen = match record(&state, request).await {
        Ok(seen) => seen,
        Err(response) => return response,
    };
    let request = &seen.body;
    if !request["model"].is_string() {
        return error(
            400,
            "Missing required parameter: 'model'.",
            "invalid_request_error",
        );
    }
    // A continuation must name a response this upstream still stores, as with the real API.
    if let Some(previous) = request["previous_response_id"].as_str()
        && !state.stored.lock().unwrap().contains_key(previous)
    {
        let body = json!({"error": {"message": format!("Previous response with id '{previous}' not found."),
            "type": "invalid_request_error", "param": "previous_response_id", "code": "previous_response_not_found"}});
        return (
            StatusCode::BAD_REQUEST,
            [("content-type", "application/json")],
            body.to_string(),
        )
            .into_response();
    }
    let number = state.next_id.fetch_add(1, Ordering::SeqCst);
    let id = format!("resp_mock{number}_{}", uuid::Uuid::new_v4().simple());
    let message_id = format!("msg_{id}");
    let usage = json!({"input_tokens": PROMPT_TOKENS,
        "input_tokens_details": {"cached_tokens": CACHED_TOKENS},
        "output_tokens": COMPLETION_TOKENS,
        "output_tokens_details": {"reasoning_tokens": REASONING_TOKENS},
        "total_tokens": PROMPT_TOKENS + COMPLETION_TOKENS});
    let item = |text: &str, status: &str| {
        json!({"id": message_id, "type": "message", "status": status, "role": "assistant",
            "content": [{"type": "output_text", "text": text, "annotations": []}]})
    };
    let response = |status: &str, output: Vec<Value>, usage: Value| {
        json!({"id": id, "object": "response", "created_at": 1_764_000_000, "status": status,
            "error": null, "incomplete_details": null, "instructions": request["instructions"],
            "model": request["model"], "output": output, "parallel_tool_calls": true,
            "previous_response_id": request["previous_response_id"], "store": request["store"] != false,
            "temperature": 1.0, "tool_choice": "auto", "tools": [], "top_p": 1.0,
            "usage": usage, "metadata": {}})
    };
    let done = response("completed", vec![item(TEXT, "completed")], usage);
    if request["store"] != false {
        state
            .stored
            .lock()
            .unwrap()
            .insert(id.clone(), (done.clone(), input_items_of(request, &id)));
    }
    if request["stream"] != true {
        return ([("content-type", "application/json")], done.to_string()).into_response();
    }
    let mut events = vec![
        json!({"type": "response.created", "response": response("in_progress", vec![], Value::Null)}),
        json!({"type": "response.in_progress", "response": response("in_progress", vec![], Value::Null)}),
        json!({"type": "response.output_item.added", "output_index": 0, "item": item("", "in_progress")}),
        json!({"type": "response.content_part.added", "item_id": message_id, "output_index": 0,
            "content_index": 0, "part": {"type": "output_text", "text": "", "annotations": []}}),
    ];
    for word in ["Hello", " from", " OpenAI."] {
        events.push(
            json!({"type": "response.output_text.delta", "item_id": message_id,
            "output_index": 0, "content_index": 0, "delta": word}),
        );
    }
    events.push(
        json!({"type": "response.output_text.done", "item_id": message_id,
        "output_index": 0, "content_index": 0, "text": TEXT}),
    );
    events.push(
        json!({"type": "response.content_part.done", "item_id": message_id,
        "output_index": 0, "content_index": 0,
        "part": {"type": "output_text", "text": TEXT, "annotations": []}}),
    );
    events.push(
        json!({"type": "response.output_item.done", "output_index": 0,
        "item": item(TEXT, "completed")}),
    );
    events.push(json!({"type": "response.completed", "response": done}));
    let mut body = String::new();
    for (sequence, mut event) in events.into_iter().enumerate() {
        event["sequence_number"] = json!(sequence);
        body.push_str(&format!(
            "event: {}\ndata: {event}\n\n",
            event["type"].as_str().unwrap()
        ));
    }
    ([("content-type", "text/event-stream")], body).into_response()
}

fn not_found(id: &str) -> Response {
    error(
        404,
        &format!("Response with id '{id}' not found."),
        "invalid_request_error",
    )
}

async fn get_response(
    State(state): State<Arc<MockState>>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    if let Err(response) = record(&state, request).await {
        return response;
    }
    match state.stored.lock().unwrap().get(&id) {
        Some((response, _)) => axum::Json(response.clone()).into_response(),
        None => not_found(&id),
    }
}

async fn delete_response(
    State(state): State<Arc<MockState>>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    if let Err(response) = record(&state, request).await {
        return response;
    }
    match state.stored.lock().unwrap().remove(&id) {
        Some(_) => {
            axum::Json(json!({"id": id, "object": "response", "deleted": true})).into_response()
        }
        None => not_found(&id),
    }
}

async fn input_items(
    State(state): State<Arc<MockState>>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    if let Err(response) = record(&state, request).await {
        return response;
    }
    match state.stored.lock().unwrap().get(&id) {
        Some((_, items)) => {
            let first = items.first().and_then(|item| item["id"].as_str());
            let last = items.last().and_then(|item| item["id"].as_str());
            axum::Json(json!({"object": "list", "data": items, "first_id": first,
                "last_id": last, "has_more": false}))
            .into_response()
        }
        None => not_found(&id),
    }
}
