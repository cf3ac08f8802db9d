//! An OpenAI upstream for the media endpoints: image generations (gpt-image usage) and variations, speech (bytes or SSE), transcriptions (multipart).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

/// gpt-image usage the mock reports: 50 prompt tokens, 4,160 image output tokens.
pub const GPT_IMAGE_INPUT_TOKENS: u64 = 50;
pub const GPT_IMAGE_OUTPUT_TOKENS: u64 = 4_160;

/// What the mock saw: each request's path and, for multipart ones, the uploaded file's bytes.
#[derive(Default)]
pub struct MediaState {
    pub requests: Mutex<Vec<(String, Value)>>,
    pub uploads: Mutex<Vec<Bytes>>,
}

pub struct MockOpenAiMedia {
    pub addr: SocketAddr,
    pub state: Arc<MediaState>,
}

impl MockOpenAiMedia {
    pub async fn start() -> MockOpenAiMedia {
        let state = Arc::new(MediaState::default());
        let app = Router::new()
            .route("/v1/images/generations", post(images))
            .route("/v1/images/variations", post(variations))
            .route("/v1/audio/speech", post(speech))
            .route("/v1/audio/transcriptions", post(transcription))
            .route("/v1/audio/translations", post(transcription))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockOpenAiMedia { addr, state }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }
}

fn invalid(message: &str, param: &str) -> Response {
    let body = json!({"error": {"message": message, "type": "invalid_request_error", "param": param, "code": null}});
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// A 1x1 transparent PNG, base64.
const PNG: &str =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

async fn images(State(state): State<Arc<MediaState>>, Json(request): Json<Value>) -> Response {
    state
        .requests
        .lock()
        .unwrap()
        .push(("images/generations".into(), request.clone()));
    let Some(_prompt) = request["prompt"].as_str() else {
        return invalid("prompt is required", "prompt");
    };
    let n = request["n"].as_u64().unwrap_or(1);
    let model = request["model"].as_str().unwrap_or_default();
    let data: Vec<Value> = (0..n).map(|_| json!({"b64_json": PNG})).collect();
    let mut body = json!({"created": 1_700_000_000, "data": data});
    if model.starts_with("gpt-image") {
        body["usage"] = json!({
            "input_tokens": GPT_IMAGE_INPUT_TOKENS, "output_tokens": GPT_IMAGE_OUTPUT_TOKENS,
            "total_tokens": GPT_IMAGE_INPUT_TOKENS + GPT_IMAGE_OUTPUT_TOKENS,
            "input_tokens_details": {"text_tokens": GPT_IMAGE_INPUT_TOKENS, "image_tokens": 0}
        });
    }
    Json(body).into_response()
}

/// A multipart text field's value, read the way a server's form parser would.
fn form_field(body: &[u8], name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\"\r\n\r\n");
    let start = body
        .windows(marker.len())
        .position(|window| window == marker.as_bytes())?
        + marker.len();
    let end = body[start..]
        .windows(2)
        .position(|window| window == b"\r\n")?
        + start;
    String::from_utf8(body[start..end].to_vec()).ok()
}

/// `POST /v1/images/variations`: a PNG `image` file and optional `n`, `size`; `n` images back.
async fn variations(State(state): State<Arc<MediaState>>, body: Bytes) -> Response {
    if !body.windows(4).any(|window| window == b"\x89PNG") {
        return invalid("image must be a PNG file", "image");
    }
    let n = match form_field(&body, "n") {
        None => 1,
        Some(n) => match n.parse::<u64>() {
            Ok(n @ 1..=10) => n,
            _ => return invalid("n must be between 1 and 10", "n"),
        },
    };
    let model = form_field(&body, "model");
    state
        .requests
        .lock()
        .unwrap()
        .push(("images/variations".into(), json!({"n": n, "model": model})));
    let data: Vec<Value> = (0..n).map(|_| json!({"b64_json": PNG})).collect();
    Json(json!({"created": 1_700_000_000, "data": data})).into_response()
}

async fn speech(State(state): State<Arc<MediaState>>, Json(request): Json<Value>) -> Response {
    state
        .requests
        .lock()
        .unwrap()
        .push(("audio/speech".into(), request.clone()));
    let (Some(input), Some(_voice)) = (request["input"].as_str(), request["voice"].as_str()) else {
        return invalid("input and voice are required", "input");
    };
    // Some bytes per character, like a real encoder's output grows with the text.
    let audio = vec![0x55u8; input.len() * 16];
    if request["stream_format"] == "sse" {
        use base64::Engine;
        let mut events = String::new();
        for piece in audio.chunks(64) {
            let delta = json!({"type": "speech.audio.delta", "audio": base64::engine::general_purpose::STANDARD.encode(piece)});
            events.push_str(&format!("data: {delta}\n\n"));
        }
        let done = json!({"type": "speech.audio.done", "usage": {"input_tokens": 3, "output_tokens": 10, "total_tokens": 13}});
        events.push_str(&format!("data: {done}\n\n"));
        return ([(header::CONTENT_TYPE, "text/event-stream")], events).into_response();
    }
    ([(header::CONTENT_TYPE, "audio/mpeg")], audio).into_response()
}

async fn transcription(
    State(state): State<Arc<MediaState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let Some(boundary) = content_type.split("boundary=").nth(1) else {
        return invalid("expected multipart/form-data", "file");
    };
    // The file part: from the first RIFF header to the boundary after it.
    let delimiter = format!("\r\n--{}", boundary.trim_matches('"'));
    let text = body.to_vec();
    let Some(start) = text.windows(4).position(|window| window == b"RIFF") else {
        return invalid("no audio file in the form", "file");
    };
    let end = text[start..]
        .windows(delimiter.len())
        .position(|window| window == delimiter.as_bytes())
        .map_or(text.len(), |offset| start + offset);
    state.uploads.lock().unwrap().push(body.slice(start..end));
    state
        .requests
        .lock()
        .unwrap()
        .push(("audio/transcriptions".into(), Value::Null));
    Json(json!({"text": "hello from the mock transcriber"})).into_response()
}
