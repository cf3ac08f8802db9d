//! A mock Volcengine Ark content generation API.
//!
//! `POST /api/v3/contents/generations/tasks`, `GET` and `DELETE` on
//! `/api/v3/contents/generations/tasks/{id}`, and the finished file on its own link.
//!
//! Each poll moves a task one step: `queued`, `running`, then `succeeded` with
//! `content.video_url` and `duration` (or, for a prompt containing "fail", `failed` with an
//! `error`).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

pub const KEY: &str = "ark-key";
pub const FAILURE: &str =
    "The request failed because the output video may contain sensitive information.";

struct Task {
    polls: u32,
    fails: bool,
    model: String,
    seconds: u64,
}

#[derive(Default)]
pub struct ArkState {
    pub created: Mutex<Vec<Value>>,
    pub deleted: Mutex<Vec<String>>,
    tasks: Mutex<HashMap<String, Task>>,
}

pub struct MockArkVideo {
    pub addr: SocketAddr,
    pub state: Arc<ArkState>,
}

impl MockArkVideo {
    pub async fn start() -> MockArkVideo {
        let state = Arc::new(ArkState::default());
        let app = Router::new()
            .route("/api/v3/contents/generations/tasks", post(create))
            .route(
                "/api/v3/contents/generations/tasks/{id}",
                get(task).delete(delete),
            )
            .route("/tos/{file}", get(file))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockArkVideo { addr, state }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/api/v3", self.addr)
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(
            json!({"error": {"code": code, "message": message, "param": "", "type": "BadRequest"}}),
        ),
    )
        .into_response()
}

fn authorized(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        == Some(&format!("Bearer {KEY}"))
}

async fn create(
    State(state): State<Arc<ArkState>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if !authorized(&headers) {
        return error(
            StatusCode::UNAUTHORIZED,
            "AuthenticationError",
            "the API key is invalid",
        );
    }
    let Some(prompt) = body["content"]
        .as_array()
        .and_then(|content| content.iter().find(|part| part["type"] == "text"))
        .and_then(|part| part["text"].as_str())
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "MissingParameter",
            "content must have a text part",
        );
    };
    let mut created = state.created.lock().unwrap();
    created.push(body.clone());
    let id = format!("cgt-20260101-{}", created.len());
    state.tasks.lock().unwrap().insert(
        id.clone(),
        Task {
            polls: 0,
            fails: prompt.contains("fail"),
            model: body["model"].as_str().unwrap_or_default().to_owned(),
            seconds: body["duration"].as_u64().unwrap_or(5),
        },
    );
    Json(json!({"id": id})).into_response()
}

async fn task(
    State(state): State<Arc<ArkState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&headers) {
        return error(
            StatusCode::UNAUTHORIZED,
            "AuthenticationError",
            "the API key is invalid",
        );
    }
    let mut tasks = state.tasks.lock().unwrap();
    let Some(task) = tasks.get_mut(&id) else {
        return error(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            "the task does not exist",
        );
    };
    task.polls += 1;
    let mut answer = json!({"id": id, "model": task.model, "created_at": 1_767_225_600,
        "updated_at": 1_767_225_660});
    match (task.polls, task.fails) {
        (1, _) => answer["status"] = json!("queued"),
        (2, _) => answer["status"] = json!("running"),
        (_, true) => {
            answer["status"] = json!("failed");
            answer["error"] =
                json!({"code": "OutputVideoSensitiveContentDetected", "message": FAILURE});
        }
        (_, false) => {
            let host = headers
                .get("host")
                .and_then(|h| h.to_str().ok())
                .unwrap_or_default();
            answer["status"] = json!("succeeded");
            answer["content"] =
                json!({"video_url": format!("http://{host}/tos/{id}.mp4?X-Tos-Signature=s")});
            answer["usage"] = json!({"completion_tokens": 108_900, "total_tokens": 108_900});
            answer["duration"] = json!(task.seconds);
            answer["resolution"] = json!("720p");
            answer["ratio"] = json!("16:9");
            answer["framespersecond"] = json!(24);
        }
    }
    Json(answer).into_response()
}

async fn delete(
    State(state): State<Arc<ArkState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&headers) {
        return error(
            StatusCode::UNAUTHORIZED,
            "AuthenticationError",
            "the API key is invalid",
        );
    }
    if state.tasks.lock().unwrap().remove(&id).is_none() {
        return error(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            "the task does not exist",
        );
    }
    state.deleted.lock().unwrap().push(id);
    Json(json!({})).into_response()
}

async fn file(headers: HeaderMap) -> Response {
    if headers.contains_key(header::AUTHORIZATION) {
        return (StatusCode::BAD_REQUEST, "unexpected credentials").into_response();
    }
    (
        [(header::CONTENT_TYPE, "video/mp4")],
        super::mock_openai_video::content(),
    )
        .into_response()
}
