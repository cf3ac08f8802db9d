//! A mock Anthropic Messages API for end-to-end tests: `POST /v1/messages` answered as JSON or with
//! the real event sequence (message_start, ping, thinking with its signature, text, tool_use whose
//! input arrives as many input_json_delta fragments, message_delta, message_stop), usage with cache
//! fields, and the checks the real API makes (auth and version headers, max_tokens, extra fields,
//! roles, tool_result ids) answered with Anthropic-shaped errors.

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

/// The usage the mock reports: Anthropic's `input_tokens` exclude cache reads and writes.
pub const INPUT_TOKENS: u64 = 12;
pub const CACHE_CREATION_TOKENS: u64 = 3;
pub const CACHE_READ_TOKENS: u64 = 5;
pub const OUTPUT_TOKENS: u64 = 7;
/// The largest `max_tokens` the mock's models accept (a real model's output limit).
pub const MAX_OUTPUT_TOKENS: u64 = 64_000;
pub const TEXT: &str = "Hello from Claude.";
pub const THINKING: &str = "The user wants a greeting.";
/// The tool input every tool call carries, and the fragments it is streamed in.
pub const TOOL_INPUT_FRAGMENTS: [&str; 5] = ["", "{\"ci", "ty\": ", "\"Par", "is\"}"];

/// Request fields the Messages API knows; anything else is refused, as the real API does.
const KNOWN_FIELDS: [&str; 18] = [
    "model",
    "messages",
    "max_tokens",
    "system",
    "metadata",
    "stop_sequences",
    "stream",
    "temperature",
    "top_k",
    "top_p",
    "tools",
    "tool_choice",
    "thinking",
    "service_tier",
    "container",
    "mcp_servers",
    "context_management",
    "output_config",
];

#[derive(Default)]
pub struct MockState {
    pub seen: Recorded,
    /// When set, every request is answered with this status and Anthropic's error body.
    pub fail_with: Mutex<Option<u16>>,
}

pub struct MockAnthropic {
    pub addr: SocketAddr,
    pub state: Arc<MockState>,
}

impl MockAnthropic {
    pub async fn start() -> MockAnthropic {
        MockAnthropic::start_under("").await
    }

    /// The same API below a path `prefix` (`/anthropic`), as vendors serve it beside others.
    pub async fn start_under(prefix: &str) -> MockAnthropic {
        let state = Arc::new(MockState::default());
        let app = Router::new()
            .route(&format!("{prefix}/v1/messages"), post(messages))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockAnthropic { addr, state }
    }

    /// The channel base URL (the adaptor appends `/v1/messages`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<SeenRequest> {
        self.state.seen.all()
    }
}

/// Anthropic's error document and the `request-id` header its SDKs read.
pub fn error(status: u16, message: &str) -> Response {
    let kind = match status {
        400 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        _ => "api_error",
    };
    let body = json!({"type": "error", "error": {"type": kind, "message": message},
        "request_id": "req_mock_error"});
    (
        StatusCode::from_u16(status).unwrap(),
        [
            ("content-type", "application/json"),
            ("request-id", "req_mock_error"),
        ],
        body.to_string(),
    )
        .into_response()
}

async fn messages(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let seen = SeenRequest::new(&parts.method, &parts.uri, &parts.headers, &bytes);
    state.seen.push(seen.clone());
    if let Some(status) = *state.fail_with.lock().unwrap() {
        return error(status, "mock failure");
    }
    if let Err((status, message)) = validate(&seen) {
        return error(status, &message);
    }
    let request = &seen.body;
    let answer = Answer::for_request(request);
    if request["stream"] == true {
        stream(&answer)
    } else {
        (
            [
                ("content-type", "application/json"),
                ("request-id", "req_mock"),
            ],
            answer.message().to_string(),
        )
            .into_response()
    }
}

/// The checks the real API makes that a converted request could fail.
fn validate(seen: &SeenRequest) -> Result<(), (u16, String)> {
    if seen.header("x-api-key").is_none_or(str::is_empty) {
        return Err((401, "x-api-key header is required".into()));
    }
    if seen.header("anthropic-version").is_none() {
        return Err((400, "anthropic-version: header is required".into()));
    }
    let Some(fields) = seen.body.as_object() else {
        return Err((400, "request body must be a json object".into()));
    };
    if let Some(extra) = fields.keys().find(|k| !KNOWN_FIELDS.contains(&k.as_str())) {
        return Err((400, format!("{extra}: Extra inputs are not permitted")));
    }
    if !fields.get("model").is_some_and(Value::is_string) {
        return Err((400, "model: Field required".into()));
    }
    let Some(max_tokens) = fields.get("max_tokens").and_then(Value::as_u64) else {
        return Err((400, "max_tokens: Field required".into()));
    };
    if max_tokens > MAX_OUTPUT_TOKENS {
        return Err((
            400,
            format!(
                "max_tokens: {max_tokens} > {MAX_OUTPUT_TOKENS}, which is the maximum allowed number of output tokens for {}",
                fields["model"].as_str().unwrap_or_default()
            ),
        ));
    }
    if let Some(thinking) = fields.get("thinking")
        && thinking["type"] == "enabled"
    {
        let budget = thinking["budget_tokens"].as_u64().unwrap_or(0);
        if budget < 1024 || budget >= max_tokens {
            return Err((
                400,
                "thinking.budget_tokens: must be at least 1024 and less than max_tokens".into(),
            ));
        }
    }
    let Some(turns) = fields.get("messages").and_then(Value::as_array) else {
        return Err((400, "messages: Field required".into()));
    };
    let mut previous_calls: Vec<&str> = Vec::new();
    for (index, turn) in turns.iter().enumerate() {
        let role = turn["role"].as_str().unwrap_or_default();
        if role != "user" && role != "assistant" {
            return Err((
                400,
                format!("messages.{index}.role: Input should be 'user' or 'assistant'"),
            ));
        }
        let blocks = match &turn["content"] {
            Value::String(_) => Vec::new(),
            Value::Array(blocks) => blocks.iter().collect(),
            _ => {
                return Err((400, format!("messages.{index}.content: Field required")));
            }
        };
        for block in &blocks {
            if block["type"] == "tool_result" {
                let id = block["tool_use_id"].as_str().unwrap_or_default();
                if role != "user" || !previous_calls.contains(&id) {
                    return Err((
                        400,
                        format!(
                            "messages.{index}: unexpected `tool_use_id` found in `tool_result` blocks: {id}. Each `tool_result` block must have a corresponding `tool_use` block in the previous message."
                        ),
                    ));
                }
            }
        }
        previous_calls = blocks
            .iter()
            .filter(|block| block["type"] == "tool_use")
            .filter_map(|block| block["id"].as_str())
            .collect();
    }
    Ok(())
}

/// What the mock answers one request with.
struct Answer {
    model: String,
    thinking: bool,
    /// The tool to call, when the request offers tools and does not answer a call already.
    tool: Option<String>,
}

impl Answer {
    fn for_request(request: &Value) -> Answer {
        let answers_a_call = request["messages"]
            .as_array()
            .and_then(|turns| turns.last())
            .and_then(|turn| turn["content"].as_array())
            .is_some_and(|blocks| blocks.iter().any(|block| block["type"] == "tool_result"));
        let tool = request["tools"]
            .as_array()
            .and_then(|tools| tools.first())
            .and_then(|tool| tool["name"].as_str())
            .filter(|_| !answers_a_call && request["tool_choice"]["type"] != "none")
            .map(str::to_owned);
        Answer {
            model: request["model"].as_str().unwrap_or_default().to_owned(),
            thinking: request["thinking"]["type"] == "enabled",
            tool,
        }
    }

    fn stop_reason(&self) -> &'static str {
        if self.tool.is_some() {
            "tool_use"
        } else {
            "end_turn"
        }
    }

    fn content(&self) -> Vec<Value> {
        let mut content = Vec::new();
        if self.thinking {
            content
                .push(json!({"type": "thinking", "thinking": THINKING, "signature": "sig-mock"}));
        }
        content.push(json!({"type": "text", "text": TEXT}));
        if let Some(name) = &self.tool {
            content.push(
                json!({"type": "tool_use", "id": "toolu_mock_1", "name": name,
                "input": {"city": "Paris"}}),
            );
        }
        content
    }

    fn usage(&self, output_tokens: u64) -> Value {
        json!({"input_tokens": INPUT_TOKENS, "cache_creation_input_tokens": CACHE_CREATION_TOKENS,
            "cache_read_input_tokens": CACHE_READ_TOKENS, "output_tokens": output_tokens,
            "service_tier": "standard"})
    }

    fn message(&self) -> Value {
        json!({"id": "msg_mock_1", "type": "message", "role": "assistant", "model": self.model,
            "content": self.content(), "stop_reason": self.stop_reason(), "stop_sequence": null,
            "usage": self.usage(OUTPUT_TOKENS)})
    }
}

/// The event sequence of the real API: a `ping` after the first block starts, each block
/// started, filled and stopped in order, then `message_delta` with the final output count.
fn stream(answer: &Answer) -> Response {
    let mut events = vec![json!({"type": "message_start", "message": {
        "id": "msg_mock_1", "type": "message", "role": "assistant", "model": answer.model,
        "content": [], "stop_reason": null, "stop_sequence": null, "usage": answer.usage(1)}})];
    let mut index = 0;
    let mut block = |start: Value, deltas: Vec<Value>, events: &mut Vec<Value>| {
        events.push(json!({"type": "content_block_start", "index": index, "content_block": start}));
        if index == 0 {
            events.push(json!({"type": "ping"}));
        }
        for delta in deltas {
            events.push(json!({"type": "content_block_delta", "index": index, "delta": delta}));
        }
        events.push(json!({"type": "content_block_stop", "index": index}));
        index += 1;
    };
    if answer.thinking {
        let (first, second) = THINKING.split_at(8);
        block(
            json!({"type": "thinking", "thinking": "", "signature": ""}),
            vec![
                json!({"type": "thinking_delta", "thinking": first}),
                json!({"type": "thinking_delta", "thinking": second}),
                json!({"type": "signature_delta", "signature": "sig-mock"}),
            ],
            &mut events,
        );
    }
    block(
        json!({"type": "text", "text": ""}),
        ["Hello", " from", " Claude."]
            .iter()
            .map(|text| json!({"type": "text_delta", "text": text}))
            .collect(),
        &mut events,
    );
    if let Some(name) = &answer.tool {
        block(
            json!({"type": "tool_use", "id": "toolu_mock_1", "name": name, "input": {}}),
            TOOL_INPUT_FRAGMENTS
                .iter()
                .map(|fragment| json!({"type": "input_json_delta", "partial_json": fragment}))
                .collect(),
            &mut events,
        );
    }
    events.push(json!({"type": "message_delta",
        "delta": {"stop_reason": answer.stop_reason(), "stop_sequence": null},
        "usage": {"output_tokens": OUTPUT_TOKENS}}));
    events.push(json!({"type": "message_stop"}));
    let mut body = String::new();
    for event in events {
        body.push_str(&format!(
            "event: {}\ndata: {event}\n\n",
            event["type"].as_str().unwrap()
        ));
    }
    (
        [
            ("content-type", "text/event-stream; charset=utf-8"),
            ("cache-control", "no-cache"),
            ("request-id", "req_mock"),
        ],
        body,
    )
        .into_response()
}
