//! A mock Gemini API for end-to-end tests: `POST /v1beta/models/{model}:generateContent` and
//! `:streamGenerateContent?alt=sse` (CRLF-framed `data:` chunks, each with usageMetadata), thought
//! parts, functionCall parts with a thoughtSignature, usage with cachedContentTokenCount and
//! thoughtsTokenCount, and the checks the real API makes (API key, documented body fields only,
//! roles, function responses right after their calls) answered with Gemini-shaped errors.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::recorded::{Recorded, SeenRequest};

pub const PROMPT_TOKENS: u64 = 20;
pub const CACHED_TOKENS: u64 = 8;
/// Gemini's candidate count excludes thoughts.
pub const CANDIDATE_TOKENS: u64 = 6;
pub const THOUGHT_TOKENS: u64 = 4;
pub const TEXT: &str = "Hello from Gemini.";
pub const THOUGHT: &str = "Thinking about a greeting.";
pub const SIGNATURE: &str = "c2lnLW1vY2s=";

/// The body fields of a GenerateContentRequest, in both JSON spellings; anything else (a
/// `model` or `stream` left over from another protocol) is refused, as the real API does.
const KNOWN_FIELDS: [&str; 13] = [
    "contents",
    "tools",
    "toolConfig",
    "tool_config",
    "safetySettings",
    "safety_settings",
    "systemInstruction",
    "system_instruction",
    "generationConfig",
    "generation_config",
    "cachedContent",
    "cached_content",
    "labels",
];

#[derive(Default)]
pub struct MockState {
    pub seen: Recorded,
    /// When set, every request is answered with this status and Gemini's error body.
    pub fail_with: Mutex<Option<u16>>,
}

pub struct MockGemini {
    pub addr: SocketAddr,
    pub state: Arc<MockState>,
}

impl MockGemini {
    pub async fn start() -> MockGemini {
        let state = Arc::new(MockState::default());
        let app = Router::new()
            .route("/v1beta/models/{target}", post(generate))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockGemini { addr, state }
    }

    /// The channel base URL (the adaptor appends `/v1beta/models/...`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<SeenRequest> {
        self.state.seen.all()
    }
}

/// Gemini's error document (`google.rpc.Status` in JSON).
pub fn error(status: u16, message: &str) -> Response {
    let code = match status {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        429 => "RESOURCE_EXHAUSTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ => "INTERNAL",
    };
    let body = json!({"error": {"code": status, "message": message, "status": code}});
    (
        StatusCode::from_u16(status).unwrap(),
        [("content-type", "application/json; charset=UTF-8")],
        body.to_string(),
    )
        .into_response()
}

async fn generate(
    State(state): State<Arc<MockState>>,
    Path(target): Path<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let seen = SeenRequest::new(&parts.method, &parts.uri, &parts.headers, &bytes);
    state.seen.push(seen.clone());
    if let Some(status) = *state.fail_with.lock().unwrap() {
        return error(status, "mock failure");
    }
    let Some((model, method)) = target.rsplit_once(':') else {
        return error(404, &format!("models/{target} is not found"));
    };
    let query = parts.uri.query().unwrap_or_default();
    let has_key = seen.header("x-goog-api-key").is_some_and(|k| !k.is_empty())
        || query.split('&').any(|pair| pair.starts_with("key="));
    if !has_key {
        return error(
            403,
            "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        );
    }
    if let Err(message) = validate(&seen.body) {
        return error(400, &message);
    }
    let answer = Answer::for_request(model, &seen.body);
    match method {
        "generateContent" => (
            [("content-type", "application/json; charset=UTF-8")],
            answer.whole().to_string(),
        )
            .into_response(),
        // Without `alt=sse` the real API streams one JSON array; the relay always asks for SSE.
        "streamGenerateContent" if query.split('&').any(|pair| pair == "alt=sse") => answer.sse(),
        "streamGenerateContent" => (
            [("content-type", "application/json; charset=UTF-8")],
            Value::Array(answer.chunks()).to_string(),
        )
            .into_response(),
        _ => error(
            404,
            &format!("method {method} is not found for models/{model}"),
        ),
    }
}

fn validate(body: &Value) -> Result<(), String> {
    let fields = body
        .as_object()
        .ok_or("Invalid JSON payload received. Expected an object.")?;
    if let Some(extra) = fields.keys().find(|k| !KNOWN_FIELDS.contains(&k.as_str())) {
        return Err(format!(
            "Invalid JSON payload received. Unknown name \"{extra}\": Cannot find field."
        ));
    }
    let contents = fields
        .get("contents")
        .and_then(Value::as_array)
        .filter(|contents| !contents.is_empty())
        .ok_or("* GenerateContentRequest.contents: contents is not specified")?;
    let mut previous_calls = 0;
    for content in contents {
        let role = content["role"].as_str().unwrap_or("user");
        if !matches!(role, "user" | "model" | "function") {
            return Err(format!(
                "Please use a valid role: user, model. Got role: {role}"
            ));
        }
        let parts = content["parts"]
            .as_array()
            .filter(|parts| !parts.is_empty())
            .ok_or("* GenerateContentRequest.contents.parts: contents.parts must not be empty.")?;
        let responses = parts
            .iter()
            .filter(|part| part.get("functionResponse").is_some())
            .count();
        if responses > 0 && previous_calls == 0 {
            return Err("Please ensure that function response turn comes immediately after a function call turn.".into());
        }
        if responses > 0 && responses != previous_calls {
            return Err("Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.".into());
        }
        previous_calls = parts
            .iter()
            .filter(|part| part.get("functionCall").is_some())
            .count();
    }
    Ok(())
}

struct Answer {
    model: String,
    thoughts: bool,
    /// The function to call, when the request declares functions and answers none yet.
    function: Option<String>,
}

impl Answer {
    fn for_request(model: &str, request: &Value) -> Answer {
        let answers_a_call = request["contents"]
            .as_array()
            .and_then(|contents| contents.last())
            .and_then(|content| content["parts"].as_array())
            .is_some_and(|parts| parts.iter().any(|p| p.get("functionResponse").is_some()));
        let function = request["tools"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|tool| tool["functionDeclarations"].as_array())
            .flatten()
            .find_map(|declaration| declaration["name"].as_str())
            .filter(|_| !answers_a_call)
            .map(str::to_owned);
        Answer {
            model: model.to_owned(),
            thoughts: request["generationConfig"]["thinkingConfig"]["includeThoughts"] == true,
            function,
        }
    }

    fn usage(&self, candidates: u64) -> Value {
        json!({"promptTokenCount": PROMPT_TOKENS, "candidatesTokenCount": candidates,
            "totalTokenCount": PROMPT_TOKENS + candidates + THOUGHT_TOKENS,
            "cachedContentTokenCount": CACHED_TOKENS, "thoughtsTokenCount": THOUGHT_TOKENS,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": PROMPT_TOKENS}],
            "cacheTokensDetails": [{"modality": "TEXT", "tokenCount": CACHED_TOKENS}]})
    }

    fn call_part(&self) -> Option<Value> {
        self.function.as_ref().map(|name| {
            json!({"functionCall": {"name": name, "args": {"city": "Paris"}},
                "thoughtSignature": SIGNATURE})
        })
    }

    fn candidate(&self, parts: Vec<Value>, last: bool) -> Value {
        let mut candidate = json!({"content": {"parts": parts, "role": "model"}, "index": 0});
        if last {
            candidate["finishReason"] = json!("STOP");
        }
        candidate
    }

    fn response(&self, candidate: Value, candidates: u64) -> Value {
        json!({"candidates": [candidate], "usageMetadata": self.usage(candidates),
            "modelVersion": self.model, "responseId": "resp-mock-1"})
    }

    fn whole(&self) -> Value {
        let mut parts = Vec::new();
        if self.thoughts {
            parts.push(json!({"text": THOUGHT, "thought": true}));
        }
        parts.push(json!({"text": TEXT}));
        parts.extend(self.call_part());
        self.response(self.candidate(parts, true), CANDIDATE_TOKENS)
    }

    /// The chunks of a stream: thoughts, text in pieces, then the whole call (Gemini never
    /// splits a functionCall), the last chunk carrying the finish reason.
    fn chunks(&self) -> Vec<Value> {
        let mut pieces: Vec<Vec<Value>> = Vec::new();
        if self.thoughts {
            pieces.push(vec![json!({"text": THOUGHT, "thought": true})]);
        }
        for text in ["Hello", " from", " Gemini."] {
            pieces.push(vec![json!({"text": text})]);
        }
        pieces.extend(self.call_part().map(|part| vec![part]));
        let count = pieces.len();
        pieces
            .into_iter()
            .enumerate()
            .map(|(index, parts)| {
                let last = index + 1 == count;
                let so_far = CANDIDATE_TOKENS * (index as u64 + 1) / count as u64;
                self.response(self.candidate(parts, last), so_far)
            })
            .collect()
    }

    fn sse(&self) -> Response {
        let mut body = String::new();
        for chunk in self.chunks() {
            body.push_str(&format!("data: {chunk}\r\n\r\n"));
        }
        ([("content-type", "text/event-stream")], body).into_response()
    }
}
