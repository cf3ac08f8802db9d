//! A mock DashScope video synthesis API.
//!
//! `POST /api/v1/services/aigc/video-generation/video-synthesis` (asynchronous only, as the real
//! API: `X-DashScope-Async: enable` or a 403), `GET /api/v1/tasks/{task_id}`, and the finished file
//! on its own link.
//!
//! Each poll moves a task one step: `PENDING`, `RUNNING`, then `SUCCEEDED` with `video_url`
//! and `usage` (or, for a prompt containing "fail", `FAILED` with a code and message).

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

pub const KEY: &str = "sk-dashscope";
pub const FAILURE: &str = "Output data may contain inappropriate content.";

struct Task {
    polls: u32,
    fails: bool,
    seconds: u64,
}

#[derive(Default)]
pub struct DashScopeState {
    /// Each creation's body.
    pub created: Mutex<Vec<Value>>,
    tasks: Mutex<HashMap<String, Task>>,
}

pub struct MockDashScopeVideo {
    pub addr: SocketAddr,
    pub state: Arc<DashScopeState>,
}

impl MockDashScopeVideo {
    pub async fn start() -> MockDashScopeVideo {
        let state = Arc::new(DashScopeState::default());
        let app = Router::new()
            .route(
                "/api/v1/services/aigc/video-generation/video-synthesis",
                post(create),
            )
            .route("/api/v1/tasks/{id}", get(task))
            .route("/oss/{file}", get(file))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockDashScopeVideo { addr, state }
    }

    /// The channel's base URL: the OpenAI-compatible path, as an `ali` channel names it.
    pub fn base_url(&self) -> String {
        format!("http://{}/compatible-mode/v1", self.addr)
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"code": code, "message": message, "request_id": "req-mock"})),
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
    State(state): State<Arc<DashScopeState>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if !authorized(&headers) {
        return error(
            StatusCode::UNAUTHORIZED,
            "InvalidApiKey",
            "Invalid API-key provided.",
        );
    }
    if headers
        .get("x-dashscope-async")
        .and_then(|v| v.to_str().ok())
        != Some("enable")
    {
        return error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "current user api does not support synchronous calls",
        );
    }
    let Some(prompt) = body["input"]["prompt"].as_str() else {
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            "input.prompt is required",
        );
    };
    let mut created = state.created.lock().unwrap();
    created.push(body.clone());
    let id = format!("task-{}", created.len());
    state.tasks.lock().unwrap().insert(
        id.clone(),
        Task {
            polls: 0,
            fails: prompt.contains("fail"),
            seconds: body["parameters"]["duration"].as_u64().unwrap_or(5),
        },
    );
    Json(json!({"output": {"task_status": "PENDING", "task_id": id},
        "request_id": "req-create"}))
    .into_response()
}

async fn task(
    State(state): State<Arc<DashScopeState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !authorized(&headers) {
        return error(
            StatusCode::UNAUTHORIZED,
            "InvalidApiKey",
            "Invalid API-key provided.",
        );
    }
    let mut tasks = state.tasks.lock().unwrap();
    let Some(task) = tasks.get_mut(&id) else {
        return Json(
            json!({"request_id": "r", "output": {"task_id": id, "task_status": "UNKNOWN"}}),
        )
        .into_response();
    };
    task.polls += 1;
    let output = match (task.polls, task.fails) {
        (1, _) => json!({"task_id": id, "task_status": "PENDING"}),
        (2, _) => json!({"task_id": id, "task_status": "RUNNING"}),
        (_, true) => json!({"task_id": id, "task_status": "FAILED",
            "code": "DataInspectionFailed", "message": FAILURE}),
        (_, false) => {
            let host = headers
                .get("host")
                .and_then(|h| h.to_str().ok())
                .unwrap_or_default();
            json!({"task_id": id, "task_status": "SUCCEEDED",
                "submit_time": "2026-01-01 10:00:00.000", "end_time": "2026-01-01 10:01:00.000",
                "video_url": format!("http://{host}/oss/{id}.mp4?Expires=1&Signature=s")})
        }
    };
    let mut answer = json!({"request_id": "req-poll", "output": output});
    if answer["output"]["task_status"] == "SUCCEEDED" {
        answer["usage"] = json!({"video_duration": task.seconds, "video_ratio": "1280*720",
            "video_count": 1});
    }
    Json(answer).into_response()
}

async fn file(headers: HeaderMap) -> Response {
    // A signed link: no key is needed, and none should come.
    if headers.contains_key(header::AUTHORIZATION) {
        return (StatusCode::BAD_REQUEST, "unexpected credentials").into_response();
    }
    (
        [(header::CONTENT_TYPE, "video/mp4")],
        super::mock_openai_video::content(),
    )
        .into_response()
}
