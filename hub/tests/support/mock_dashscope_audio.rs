//! A mock DashScope WebSocket inference API (`/api-ws/v1/inference`): speech synthesis and realtime recognition tasks, as DashScope converses them.
//!
//! The server side is tokio-tungstenite, an implementation independent of the gateway's own
//! WebSocket client, so the two check each other's framing. The upgrade needs
//! `Authorization: Bearer ali-key` (else a 401 before any frame). Each connection runs one task:
//! a `run-task` text message, `task-started`, then for `tts` the audio as binary frames and
//! `task-finished` with the characters spoken, or for `asr` the client's binary frames until
//! `finish-task`, a partial and two final `result-generated` sentences and `task-finished`. A
//! voice the mock does not know fails the task (`task-failed`, `InvalidParameter`).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};

pub const KEY: &str = "ali-key";
/// The voices (CosyVoice parameters, or Sambert model names) the mock speaks.
pub const VOICES: [&str; 3] = ["longxiaochun", "zhinan", "zhichu"];
/// Bytes of audio the mock sends per input character, after a header naming the format.
pub const BYTES_PER_CHARACTER: usize = 100;
pub const AUDIO_BYTE: u8 = 0x44;
/// The final sentences of every recognition, in order; a partial "hel" comes first.
pub const SENTENCES: [&str; 2] = ["Hello from DashScope.", " Goodbye."];

#[derive(Default)]
pub struct DashScopeAudioState {
    /// Each `run-task` message.
    pub tasks: Mutex<Vec<Value>>,
    /// The audio each recognition task received, joined, and the frames it came in.
    pub recognized: Mutex<Vec<(Vec<u8>, usize)>>,
    /// Whether each recognition's `finish-task` named its task.
    pub finished_tasks: Mutex<Vec<bool>>,
}

pub struct MockDashScopeAudio {
    pub addr: SocketAddr,
    pub state: Arc<DashScopeAudioState>,
}

impl MockDashScopeAudio {
    pub async fn start() -> MockDashScopeAudio {
        let state = Arc::new(DashScopeAudioState::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let served = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, served.clone()));
            }
        });
        MockDashScopeAudio { addr, state }
    }

    /// The base URL an `ali` channel names (its compatible-mode path; the WebSocket API is at
    /// the host's root).
    pub fn base_url(&self) -> String {
        format!("http://{}/compatible-mode/v1", self.addr)
    }
}

/// The audio the mock speaks for `text` in `format`.
pub fn speech_audio(format: &str, text: &str) -> Vec<u8> {
    let mut audio = format.as_bytes().to_vec();
    audio.extend(std::iter::repeat_n(
        AUDIO_BYTE,
        text.chars().count() * BYTES_PER_CHARACTER,
    ));
    audio
}

fn event(task_id: &str, name: &str, payload: Value) -> Message {
    Message::text(
        json!({"header": {"task_id": task_id, "event": name, "attributes": {}},
            "payload": payload})
        .to_string(),
    )
}

#[expect(
    clippy::result_large_err,
    reason = "tungstenite's handshake callback type"
)]
fn check_upgrade(request: &Request, response: Response) -> Result<Response, ErrorResponse> {
    let authorized = request
        .headers()
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        == Some(&format!("Bearer {KEY}"));
    if request.uri().path() != "/api-ws/v1/inference" || !authorized {
        let mut refused = ErrorResponse::new(Some(
            json!({"code": "InvalidApiKey", "message": "Invalid API-key provided."}).to_string(),
        ));
        *refused.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
        return Err(refused);
    }
    Ok(response)
}

async fn serve(stream: tokio::net::TcpStream, state: Arc<DashScopeAudioState>) {
    let Ok(mut socket) = tokio_tungstenite::accept_hdr_async(stream, check_upgrade).await else {
        return;
    };
    let Some(Ok(Message::Text(run))) = socket.next().await else {
        return;
    };
    let run: Value = serde_json::from_str(run.as_str()).unwrap();
    state.tasks.lock().unwrap().push(run.clone());
    let task_id = run["header"]["task_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(run["header"]["action"], "run-task", "{run}");
    assert!(!task_id.is_empty(), "{run}");
    let payload = &run["payload"];
    let fail = |message: &str| {
        Message::text(
            json!({"header": {"task_id": task_id, "event": "task-failed",
                "error_code": "InvalidParameter", "error_message": message, "attributes": {}},
                "payload": {}})
            .to_string(),
        )
    };
    match payload["task"].as_str() {
        Some("tts") => {
            let model = payload["model"].as_str().unwrap_or_default();
            let voice = payload["parameters"]["voice"].as_str().or_else(|| {
                model
                    .strip_prefix("sambert-")
                    .and_then(|rest| rest.split('-').next())
            });
            if !voice.is_some_and(|voice| VOICES.contains(&voice)) {
                let _ = socket.send(fail("voice is not supported")).await;
                return;
            }
            socket
                .send(event(&task_id, "task-started", json!({})))
                .await
                .unwrap();
            let text = payload["input"]["text"].as_str().unwrap_or_default();
            let format = payload["parameters"]["format"].as_str().unwrap_or("wav");
            let audio = speech_audio(format, text);
            for frame in audio.chunks(300) {
                socket.send(Message::binary(frame.to_vec())).await.unwrap();
            }
            socket
                .send(event(
                    &task_id,
                    "result-generated",
                    json!({"output": {"sentence": {"begin_time": 0, "end_time": 500,
                        "words": []}}}),
                ))
                .await
                .unwrap();
            let characters = text.chars().count();
            socket
                .send(event(
                    &task_id,
                    "task-finished",
                    json!({"output": {}, "usage": {"characters": characters}}),
                ))
                .await
                .unwrap();
        }
        Some("asr") => {
            socket
                .send(event(&task_id, "task-started", json!({})))
                .await
                .unwrap();
            let mut audio = Vec::new();
            let mut frames = 0;
            loop {
                match socket.next().await {
                    Some(Ok(Message::Binary(data))) => {
                        audio.extend_from_slice(&data);
                        frames += 1;
                    }
                    Some(Ok(Message::Text(finish))) => {
                        let finish: Value = serde_json::from_str(finish.as_str()).unwrap();
                        state.finished_tasks.lock().unwrap().push(
                            finish["header"]["action"] == "finish-task"
                                && finish["header"]["task_id"] == task_id.as_str(),
                        );
                        break;
                    }
                    _ => return,
                }
            }
            state.recognized.lock().unwrap().push((audio, frames));
            let sentence = |text: &str, end_time: Option<u64>| {
                event(
                    &task_id,
                    "result-generated",
                    json!({"output": {"sentence": {"begin_time": 0, "end_time": end_time,
                        "text": text, "words": []}}, "usage": null}),
                )
            };
            socket.send(sentence("hel", None)).await.unwrap();
            socket
                .send(sentence(SENTENCES[0], Some(1200)))
                .await
                .unwrap();
            socket
                .send(sentence(SENTENCES[1], Some(1800)))
                .await
                .unwrap();
            socket
                .send(event(
                    &task_id,
                    "task-finished",
                    json!({"output": {}, "usage": {"duration": 2}}),
                ))
                .await
                .unwrap();
        }
        _ => {
            let _ = socket.send(fail("unknown task")).await;
        }
    }
    // DashScope leaves closing to the client.
    while let Some(Ok(message)) = socket.next().await {
        if message.is_close() {
            break;
        }
    }
}
