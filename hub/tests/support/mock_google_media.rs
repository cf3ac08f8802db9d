//! A mock Gemini API for media.
//!
//! Veo's `:predictLongRunning` with its operation poll (`GET /v1beta/{operation name}`) and file
//! download (a redirect to a signed link, as the real API answers), and `:embedContent` /
//! `:batchEmbedContents`.
//!
//! Every call but the signed link needs `x-goog-api-key: goog-key`. Each poll moves an
//! operation one step: running, then done with a video (or, for a prompt containing "fail",
//! done with an error).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

pub const KEY: &str = "goog-key";
/// The values of every embedding the mock answers: `[text length, 0.5, -0.5]`.
pub const EMBEDDING_TAIL: [f64; 2] = [0.5, -0.5];

#[derive(Default)]
pub struct GoogleState {
    /// Each `predictLongRunning` body, with the model of its path.
    pub created: Mutex<Vec<(String, Value)>>,
    /// Polls per operation id.
    pub polls: Mutex<HashMap<String, u32>>,
    /// Each embedding call's method and body.
    pub embeddings: Mutex<Vec<(String, Value)>>,
    /// Whether a signed link was ever fetched with the API key (it must not be).
    pub key_sent_to_signed_link: Mutex<bool>,
}

pub struct MockGoogleMedia {
    pub addr: SocketAddr,
    pub state: Arc<GoogleState>,
}

impl MockGoogleMedia {
    pub async fn start() -> MockGoogleMedia {
        let state = Arc::new(GoogleState::default());
        let app = Router::new()
            .route("/v1beta/models/{target}", post(model_method))
            .route("/v1beta/models/{model}/operations/{id}", get(operation))
            .route("/v1beta/files/{file}", get(file))
            .route("/signed/{file}", get(signed))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockGoogleMedia { addr, state }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    let body = json!({"error": {"code": status.as_u16(), "message": message,
        "status": "INVALID_ARGUMENT"}});
    (status, Json(body)).into_response()
}

fn keyed(headers: &HeaderMap) -> bool {
    headers.get("x-goog-api-key").and_then(|v| v.to_str().ok()) == Some(KEY)
}

/// The texts of a Gemini `Content` (`parts[].text`).
fn texts(content: &Value) -> Vec<String> {
    content["parts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|part| part["text"].as_str().map(str::to_owned))
        .collect()
}

fn embedding(content: &Value) -> Value {
    let length = texts(content).concat().len() as f64;
    json!({"values": [length, EMBEDDING_TAIL[0], EMBEDDING_TAIL[1]]})
}

async fn model_method(
    State(state): State<Arc<GoogleState>>,
    Path(target): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if !keyed(&headers) {
        return error(StatusCode::FORBIDDEN, "API key not valid.");
    }
    let Some((model, method)) = target.split_once(':') else {
        return error(StatusCode::NOT_FOUND, "no such method");
    };
    match method {
        "predictLongRunning" => {
            if body["instances"][0]["prompt"].as_str().is_none() {
                return error(StatusCode::BAD_REQUEST, "instances[0].prompt is required");
            }
            if body["parameters"].get("sampleCount").is_some() {
                return error(StatusCode::BAD_REQUEST, "sampleCount isn't supported");
            }
            let mut created = state.created.lock().unwrap();
            created.push((model.to_owned(), body.clone()));
            let id = format!("op{}", created.len());
            let fails = body["instances"][0]["prompt"]
                .as_str()
                .unwrap_or_default()
                .contains("fail");
            state
                .polls
                .lock()
                .unwrap()
                .insert(format!("{id}{}", if fails { "-fail" } else { "" }), 0);
            Json(json!({"name": format!("models/{model}/operations/{id}{}",
                if fails { "-fail" } else { "" })}))
            .into_response()
        }
        "embedContent" => {
            state
                .embeddings
                .lock()
                .unwrap()
                .push((method.to_owned(), body.clone()));
            if !body["content"].is_object() {
                return error(StatusCode::BAD_REQUEST, "content is required");
            }
            Json(json!({"embedding": embedding(&body["content"])})).into_response()
        }
        "batchEmbedContents" => {
            state
                .embeddings
                .lock()
                .unwrap()
                .push((method.to_owned(), body.clone()));
            let Some(requests) = body["requests"].as_array() else {
                return error(StatusCode::BAD_REQUEST, "requests is required");
            };
            for request in requests {
                if request["model"] != format!("models/{model}") {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "each request's model must be the batch's model",
                    );
                }
            }
            let embeddings: Vec<Value> = requests
                .iter()
                .map(|request| embedding(&request["content"]))
                .collect();
            Json(json!({"embeddings": embeddings})).into_response()
        }
        _ => error(StatusCode::NOT_FOUND, "no such method"),
    }
}

async fn operation(
    State(state): State<Arc<GoogleState>>,
    Path((model, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if !keyed(&headers) {
        return error(StatusCode::FORBIDDEN, "API key not valid.");
    }
    let name = format!("models/{model}/operations/{id}");
    let mut polls = state.polls.lock().unwrap();
    let Some(count) = polls.get_mut(&id) else {
        return error(StatusCode::NOT_FOUND, "operation not found");
    };
    *count += 1;
    if *count < 2 {
        return Json(json!({"name": name})).into_response();
    }
    if id.ends_with("-fail") {
        return Json(json!({"name": name, "done": true,
            "error": {"code": 3, "message": "The prompt could not be submitted."}}))
        .into_response();
    }
    Json(json!({"name": name, "done": true, "response": {
        "@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse",
        "generateVideoResponse": {"generatedSamples": [{"video": {
            "uri": format!("http://{}/v1beta/files/{id}:download?alt=media",
                headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or_default())}}]}}}))
    .into_response()
}

/// A file's download: a redirect to its signed link, as the Gemini API answers.
async fn file(Path(file): Path<String>, headers: HeaderMap) -> Response {
    if !keyed(&headers) {
        return error(StatusCode::FORBIDDEN, "API key not valid.");
    }
    let id = file.trim_end_matches(":download");
    Response::builder()
        .status(StatusCode::FOUND)
        .header(header::LOCATION, format!("/signed/{id}.mp4"))
        .body(Body::empty())
        .unwrap()
}

async fn signed(State(state): State<Arc<GoogleState>>, headers: HeaderMap) -> Response {
    if headers.contains_key("x-goog-api-key") {
        *state.key_sent_to_signed_link.lock().unwrap() = true;
    }
    (
        [(header::CONTENT_TYPE, "video/mp4")],
        super::mock_openai_video::content(),
    )
        .into_response()
}
