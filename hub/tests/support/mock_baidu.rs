//! A mock Baidu Wenxin Workshop v1: OAuth token endpoint (credentials checked, exchanges counted), chat and embeddings checking the token, SSE, error_code.
//!
//! Like the real API, chat answers every error with status 200 and `{"error_code", "error_msg"}`:
//! 110 for a token it never issued, 111 for one [`MockBaidu::expire_tokens`] expired, 336003
//! for arguments ERNIE refuses (system messages in `messages`, turns out of order, temperature
//! outside (0, 1], max_output_tokens below 2, fields from another protocol).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::recorded::{Recorded, SeenRequest};

pub const CLIENT_ID: &str = "baidu-client-id-1";
pub const CLIENT_SECRET: &str = "baidu-client-secret-1";
pub const TEXT: &str = "Hello from ERNIE.";
pub const PROMPT_TOKENS: u64 = 13;
pub const COMPLETION_TOKENS: u64 = 6;
/// A message that makes chat fail with an error quoting the access token (a leak to scrub).
pub const FAIL_PROMPT: &str = "please fail";
/// The endpoints the mock serves, as Baidu names them.
const CHAT_ENDPOINTS: [&str; 3] = ["completions_pro", "completions", "ernie-speed-128k"];
const EMBEDDING_ENDPOINTS: [&str; 1] = ["embedding-v1"];
/// The fields of an ERNIE chat request; anything else is refused.
const KNOWN_FIELDS: [&str; 12] = [
    "messages",
    "system",
    "temperature",
    "top_p",
    "penalty_score",
    "max_output_tokens",
    "stop",
    "user_id",
    "stream",
    "functions",
    "disable_search",
    "enable_citation",
];

#[derive(Default)]
pub struct MockState {
    /// Chat and embeddings requests (not token exchanges).
    pub seen: Recorded,
    pub exchanges: AtomicUsize,
    /// Every token issued, and the ones still valid.
    issued: Mutex<HashSet<String>>,
    valid: Mutex<HashSet<String>>,
}

pub struct MockBaidu {
    pub addr: SocketAddr,
    pub state: Arc<MockState>,
}

impl MockBaidu {
    pub async fn start() -> MockBaidu {
        let state = Arc::new(MockState::default());
        let app = Router::new()
            .route("/oauth/2.0/token", post(token))
            .route(
                "/rpc/2.0/ai_custom/v1/wenxinworkshop/{kind}/{endpoint}",
                post(api),
            )
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockBaidu { addr, state }
    }

    /// The channel base URL (both the token and the API paths hang off it).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn key() -> String {
        format!("{CLIENT_ID}|{CLIENT_SECRET}")
    }

    pub fn exchanges(&self) -> usize {
        self.state.exchanges.load(Ordering::SeqCst)
    }

    /// Every token issued so far, expired from now on (Baidu answers 111 to them).
    pub fn expire_tokens(&self) {
        self.state.valid.lock().unwrap().clear();
    }

    pub fn requests(&self) -> Vec<SeenRequest> {
        self.state.seen.all()
    }

    /// The tokens issued so far.
    pub fn issued(&self) -> Vec<String> {
        self.state.issued.lock().unwrap().iter().cloned().collect()
    }
}

fn oauth_error(error: &str, description: &str) -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [("content-type", "application/json")],
        json!({"error": error, "error_description": description}).to_string(),
    )
        .into_response()
}

/// Baidu's error answer: status 200, the code and message in the body.
pub fn error(code: i64, message: &str) -> Response {
    (
        [("content-type", "application/json")],
        json!({"error_code": code, "error_msg": message}).to_string(),
    )
        .into_response()
}

async fn token(
    State(state): State<Arc<MockState>>,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Response {
    if query.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return oauth_error("unsupported_grant_type", "unsupported grant type");
    }
    if query.get("client_id").map(String::as_str) != Some(CLIENT_ID) {
        return oauth_error("invalid_client", "unknown client id");
    }
    if query.get("client_secret").map(String::as_str) != Some(CLIENT_SECRET) {
        return oauth_error("invalid_client", "Client authentication failed");
    }
    let number = state.exchanges.fetch_add(1, Ordering::SeqCst) + 1;
    let token = format!("24.mock{number:04}.2592000.1700000000.282335-115{number}");
    state.issued.lock().unwrap().insert(token.clone());
    state.valid.lock().unwrap().insert(token.clone());
    Json(
        json!({"refresh_token": "25.refresh", "expires_in": 2_592_000, "session_key": "s",
        "access_token": token, "scope": "public wise_adapt", "session_secret": "x"}),
    )
    .into_response()
}

async fn api(
    State(state): State<Arc<MockState>>,
    Path((kind, endpoint)): Path<(String, String)>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let seen = SeenRequest::new(&parts.method, &parts.uri, &parts.headers, &bytes);
    state.seen.push(seen.clone());
    let token = parts
        .uri
        .query()
        .unwrap_or_default()
        .split('&')
        .find_map(|pair| pair.strip_prefix("access_token="))
        .unwrap_or_default()
        .to_owned();
    if !state.issued.lock().unwrap().contains(&token) {
        return error(110, "Access token invalid or no longer valid");
    }
    if !state.valid.lock().unwrap().contains(&token) {
        return error(111, "Access token expired");
    }
    match kind.as_str() {
        "chat" if CHAT_ENDPOINTS.contains(&endpoint.as_str()) => chat(&seen.body, &token),
        "embeddings" if EMBEDDING_ENDPOINTS.contains(&endpoint.as_str()) => embeddings(&seen.body),
        _ => error(3, "Unsupported openapi method"),
    }
}

fn validate(body: &Value) -> Result<(), String> {
    let object = body.as_object().ok_or("the body is not an object")?;
    if let Some(field) = object
        .keys()
        .find(|key| !KNOWN_FIELDS.contains(&key.as_str()))
    {
        return Err(format!("unknown field {field}"));
    }
    let messages = object
        .get("messages")
        .and_then(Value::as_array)
        .ok_or("messages is required")?;
    if messages.len() % 2 == 0 {
        return Err("the length of messages must be an odd number".into());
    }
    for (index, message) in messages.iter().enumerate() {
        let expected = if index % 2 == 0 { "user" } else { "assistant" };
        if message["role"] != expected {
            return Err(format!("message {index} must have role {expected}"));
        }
        if message["content"].as_str().is_none_or(str::is_empty) {
            return Err(format!("message {index} has no content"));
        }
    }
    if let Some(system) = object.get("system")
        && !system.is_string()
    {
        return Err("system must be a string".into());
    }
    if let Some(temperature) = object.get("temperature") {
        let temperature = temperature.as_f64().ok_or("temperature is a number")?;
        if temperature <= 0.0 || temperature > 1.0 {
            return Err("temperature range is (0, 1.0]".into());
        }
    }
    if let Some(max) = object.get("max_output_tokens")
        && max.as_u64().is_none_or(|max| max < 2)
    {
        return Err("max_output_tokens range is [2, 2048]".into());
    }
    Ok(())
}

fn chat(body: &Value, token: &str) -> Response {
    if let Err(message) = validate(body) {
        return error(336003, &format!("Invalid argument: {message}"));
    }
    let last = body["messages"]
        .as_array()
        .and_then(|messages| messages.last())
        .map(|message| message["content"].as_str().unwrap_or_default())
        .unwrap_or_default();
    if last == FAIL_PROMPT {
        return error(
            336100,
            &format!("request with access_token={token} failed for test"),
        );
    }
    let usage = |completion: u64| {
        json!({"prompt_tokens": PROMPT_TOKENS, "completion_tokens": completion,
            "total_tokens": PROMPT_TOKENS + completion})
    };
    if body["stream"] != true {
        return Json(
            json!({"id": "as-whole", "object": "chat.completion", "created": 1_700_000_000,
            "result": TEXT, "is_truncated": false, "need_clear_history": false,
            "finish_reason": "normal", "usage": usage(COMPLETION_TOKENS)}),
        )
        .into_response();
    }
    let pieces = ["Hello ", "from ", "ERNIE."];
    assert_eq!(pieces.concat(), TEXT);
    let mut sse = String::new();
    for (index, piece) in pieces.iter().enumerate() {
        let last = index + 1 == pieces.len();
        let completion = if last {
            COMPLETION_TOKENS
        } else {
            index as u64 + 1
        };
        let mut event = json!({"id": "as-stream", "object": "chat.completion",
            "created": 1_700_000_000, "sentence_id": index, "is_end": last, "is_truncated": false,
            "result": piece, "need_clear_history": false, "usage": usage(completion)});
        if last {
            event["finish_reason"] = json!("normal");
        }
        sse.push_str(&format!("data: {event}\n\n"));
    }
    ([("content-type", "text/event-stream;charset=utf-8")], sse).into_response()
}

fn embeddings(body: &Value) -> Response {
    let Some(input) = body["input"].as_array() else {
        return error(336003, "Invalid argument: input must be a list");
    };
    let data: Vec<Value> = (0..input.len())
        .map(|index| json!({"object": "embedding", "embedding": [0.25, -0.5], "index": index}))
        .collect();
    Json(
        json!({"id": "as-embed", "object": "embedding_list", "created": 1_700_000_000,
        "data": data, "usage": {"prompt_tokens": PROMPT_TOKENS, "total_tokens": PROMPT_TOKENS}}),
    )
    .into_response()
}
