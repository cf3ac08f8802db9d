//! A mock Coze v3 chat API: `POST /v3/chat` with a personal access token, `additional_messages` checked, `conversation.*` events, `{code, msg}` errors.
//!
//! A non-streamed chat is answered as the real API does, with only the chat's id and status
//! `in_progress` (the answer would have to be polled), so a relay that does not stream shows.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::recorded::{Recorded, SeenRequest};

pub const PAT: &str = "pat_mock_coze_token_1";
pub const USER_ID: &str = "coze-user-1";
pub const BOT_ID: &str = "7350000000000000001";
pub const TEXT: &str = "Hello from Coze.";
pub const INPUT_COUNT: u64 = 10;
pub const OUTPUT_COUNT: u64 = 4;
/// A last message that makes the chat fail mid-stream (`conversation.chat.failed`).
pub const FAIL_PROMPT: &str = "please fail";

#[derive(Default)]
pub struct MockState {
    pub seen: Recorded,
}

pub struct MockCoze {
    pub addr: SocketAddr,
    pub state: Arc<MockState>,
}

impl MockCoze {
    pub async fn start() -> MockCoze {
        let state = Arc::new(MockState::default());
        let app = Router::new()
            .route("/v3/chat", post(chat))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockCoze { addr, state }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn key() -> String {
        format!("{PAT}|{USER_ID}")
    }

    pub fn requests(&self) -> Vec<SeenRequest> {
        self.state.seen.all()
    }
}

/// Coze's error answer: status 200, the code and message in the body.
pub fn error(code: i64, message: &str) -> Response {
    Json(json!({"code": code, "msg": message})).into_response()
}

fn validate(body: &Value) -> Result<(), String> {
    if body["user_id"].as_str().is_none_or(str::is_empty) {
        return Err("user_id is required".into());
    }
    let messages = body["additional_messages"]
        .as_array()
        .ok_or("additional_messages is required")?;
    for message in messages {
        if !matches!(message["role"].as_str(), Some("user" | "assistant")) {
            return Err(format!("invalid role in {message}"));
        }
        if !matches!(
            message["content_type"].as_str(),
            Some("text" | "object_string")
        ) || !message["content"].is_string()
        {
            return Err(format!("invalid content in {message}"));
        }
    }
    if messages.last().is_none_or(|last| last["role"] != "user") {
        return Err("the last additional message must be the user's".into());
    }
    Ok(())
}

async fn chat(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let seen = SeenRequest::new(&parts.method, &parts.uri, &parts.headers, &bytes);
    state.seen.push(seen.clone());
    if seen.header("authorization") != Some(&format!("Bearer {PAT}")) {
        return error(4100, "authentication is invalid");
    }
    let body = seen.body;
    if body["bot_id"] != BOT_ID {
        return error(4200, &format!("bot {} does not exist", body["bot_id"]));
    }
    if let Err(message) = validate(&body) {
        return error(4000, &format!("invalid parameter: {message}"));
    }
    if body["stream"] != true {
        return Json(
            json!({"code": 0, "msg": "", "data": {"id": "7382", "conversation_id": "7381",
            "bot_id": BOT_ID, "created_at": 1_700_000_000, "status": "in_progress"}}),
        )
        .into_response();
    }
    let last = body["additional_messages"]
        .as_array()
        .and_then(|messages| messages.last())
        .and_then(|message| message["content"].as_str())
        .unwrap_or_default();
    let chat = json!({"id": "7382", "conversation_id": "7381", "bot_id": BOT_ID});
    let message = |kind: &str, content: &str| {
        json!({"id": "7383", "conversation_id": "7381", "bot_id": BOT_ID, "chat_id": "7382",
            "role": "assistant", "type": kind, "content": content, "content_type": "text"})
    };
    let mut events = vec![
        ("conversation.chat.created", chat.clone()),
        ("conversation.chat.in_progress", chat.clone()),
    ];
    if last == FAIL_PROMPT {
        let mut failed = chat.clone();
        failed["status"] = json!("failed");
        failed["last_error"] = json!({"code": 5000, "msg": "the bot failed for test"});
        events.push(("conversation.chat.failed", failed));
    } else {
        for piece in ["Hello ", "from ", "Coze."] {
            events.push(("conversation.message.delta", message("answer", piece)));
        }
        events.push(("conversation.message.completed", message("answer", TEXT)));
        events.push((
            "conversation.message.completed",
            message(
                "verbose",
                r#"{"msg_type":"generate_answer_finish","data":""}"#,
            ),
        ));
        events.push((
            "conversation.message.completed",
            message("follow_up", "Want to know more?"),
        ));
        let mut completed = chat.clone();
        completed["status"] = json!("completed");
        completed["usage"] = json!({"token_count": INPUT_COUNT + OUTPUT_COUNT,
            "output_count": OUTPUT_COUNT, "input_count": INPUT_COUNT});
        events.push(("conversation.chat.completed", completed));
    }
    let mut sse: String = events
        .into_iter()
        .map(|(name, data)| format!("event:{name}\ndata:{data}\n\n"))
        .collect();
    sse.push_str("event:done\ndata:\"[DONE]\"\n\n");
    ([("content-type", "text/event-stream")], sse).into_response()
}
