//! The built-in `fake` channel type: answers every endpoint in process with configured text, chunks, delay, usage and errors; no account needed.
//!
//! Channel config keys (all optional, strings like every channel config):
//! `text` (the answer), `chunks` (how many stream events carry it, default 4), `delay_ms`
//! (before the first byte and between events, default 0), `prompt_tokens` and
//! `completion_tokens` (the usage reported; default 10 and the answer's word count),
//! `error_status` (answer every request with this HTTP status and an OpenAI-shaped error),
//! `error_message`, and `error_rate` (the share of requests that fail, 0 to 1, default 1 when
//! `error_status` is set). Generation requests arrive as chat (every face is converted), so the
//! fake serves Anthropic, Gemini and Responses clients too.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use bytes::Bytes;
use futures::StreamExt;
use serde_json::{Value, json};

use super::kind::{ConfigKey, ConfigType};
use super::{Endpoint, Provider, UpstreamRequest};
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::Channel;

/// The config keys of the module documentation, for `ListChannelTypes`.
pub(super) const FAKE_CONFIG: &[ConfigKey] = &[
    ConfigKey {
        name: "text",
        kind: ConfigType::String,
        default: Some(DEFAULT_TEXT),
        help: "The answer.",
    },
    ConfigKey {
        name: "chunks",
        kind: ConfigType::Integer,
        default: Some("4"),
        help: "How many stream events carry the answer.",
    },
    ConfigKey {
        name: "delay_ms",
        kind: ConfigType::Integer,
        default: Some("0"),
        help: "Delay before the first byte and between events (at most 60000).",
    },
    ConfigKey {
        name: "prompt_tokens",
        kind: ConfigType::Integer,
        default: Some("10"),
        help: "Prompt tokens reported.",
    },
    ConfigKey {
        name: "completion_tokens",
        kind: ConfigType::Integer,
        default: None,
        help: "Completion tokens reported (default: the answer's word count).",
    },
    ConfigKey {
        name: "error_status",
        kind: ConfigType::Integer,
        default: None,
        help: "Answer with this HTTP status and an OpenAI-shaped error.",
    },
    ConfigKey {
        name: "error_message",
        kind: ConfigType::String,
        default: None,
        help: "The error's message.",
    },
    ConfigKey {
        name: "error_rate",
        kind: ConfigType::Number,
        default: Some("1"),
        help: "Share of requests that fail when error_status is set, 0 to 1.",
    },
];

/// Where fake requests "go": never resolved, only read back by [`Provider::local_answer`].
const FAKE_ROOT: &str = "fake://local/v1";
const DEFAULT_TEXT: &str = "Hello from the aiproxy fake channel: the gateway works end to end.";
/// The longest delay a channel may configure, so a typo cannot hold requests for hours.
const MAX_DELAY: Duration = Duration::from_secs(60);
/// A 1x1 transparent PNG, for image endpoints.
const PIXEL_PNG_BASE64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

pub struct FakeWire;

/// The fake's settings, read from the channel config on each request.
struct Settings {
    text: String,
    chunks: usize,
    delay: Duration,
    prompt_tokens: u64,
    completion_tokens: u64,
    error: Option<(StatusCode, String)>,
}

impl Settings {
    fn of(channel: &Channel) -> Settings {
        let config = &channel.config;
        let number = |name: &str| {
            config
                .get(name)
                .and_then(|value| value.trim().parse::<u64>().ok())
        };
        let text = config
            .get("text")
            .cloned()
            .unwrap_or_else(|| DEFAULT_TEXT.to_owned());
        let error_rate = config
            .get("error_rate")
            .and_then(|value| value.trim().parse::<f64>().ok())
            .unwrap_or(1.0);
        let error = number("error_status")
            .and_then(|status| u16::try_from(status).ok())
            .and_then(|status| StatusCode::from_u16(status).ok())
            .filter(|_| rand::random::<f64>() < error_rate)
            .map(|status| {
                let message = config
                    .get("error_message")
                    .cloned()
                    .unwrap_or_else(|| format!("fake error {}", status.as_u16()));
                (status, message)
            });
        Settings {
            chunks: number("chunks").map_or(4, |chunks| chunks.clamp(1, 1_000) as usize),
            delay: number("delay_ms")
                .map_or(Duration::ZERO, Duration::from_millis)
                .min(MAX_DELAY),
            prompt_tokens: number("prompt_tokens").unwrap_or(10),
            completion_tokens: number("completion_tokens")
                .unwrap_or(text.split_whitespace().count() as u64),
            text,
            error,
        }
    }

    fn usage(&self) -> Value {
        json!({"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens})
    }

    /// The answer cut into `chunks` pieces at character boundaries.
    fn pieces(&self) -> Vec<String> {
        let characters: Vec<char> = self.text.chars().collect();
        let size = characters.len().div_ceil(self.chunks).max(1);
        characters
            .chunks(size)
            .map(|piece| piece.iter().collect())
            .collect()
    }
}

impl Provider for FakeWire {
    /// Generation is answered as chat; every other endpoint as itself.
    fn endpoint(&self, endpoint: Endpoint, _: &Channel, _: &str) -> Endpoint {
        if endpoint.wire().is_none() {
            endpoint
        } else {
            Endpoint::ChatCompletions
        }
    }

    fn prepare(&self, _: &Channel, _: Endpoint, _: &mut JsonObject, _: bool) {}

    fn build(
        &self,
        _channel: &Channel,
        endpoint: Endpoint,
        _upstream_model: &str,
        content_type: &str,
        body: Bytes,
        _stream: bool,
    ) -> Result<UpstreamRequest, RelayError> {
        let mut headers = HeaderMap::new();
        let content_type = HeaderValue::from_str(content_type).map_err(|_| RelayError::Internal)?;
        headers.insert(header::CONTENT_TYPE, content_type);
        Ok(UpstreamRequest {
            method: Method::POST,
            url: format!("{FAKE_ROOT}/{}", endpoint.path()),
            headers,
            body,
        })
    }

    fn probe(
        &self,
        _channel: &Channel,
        _endpoint: Endpoint,
        _upstream_model: &str,
    ) -> Result<UpstreamRequest, RelayError> {
        Ok(UpstreamRequest {
            method: Method::GET,
            url: format!("{FAKE_ROOT}/models"),
            headers: HeaderMap::new(),
            body: Bytes::new(),
        })
    }

    fn local_answer(
        &self,
        channel: &Channel,
        request: &UpstreamRequest,
    ) -> Option<reqwest::Response> {
        let settings = Settings::of(channel);
        let path = request.url.strip_prefix(FAKE_ROOT).unwrap_or_default();
        let path = path.trim_start_matches('/');
        let body = serde_json::from_slice::<Value>(&request.body).unwrap_or(Value::Null);
        let model = body["model"].as_str().unwrap_or("fake").to_owned();
        let stream = body["stream"].as_bool().unwrap_or(false);
        let answer = match &settings.error {
            Some((status, message)) => Answer::json(
                *status,
                json!({"error": {"message": message, "type": "fake_error", "code": status.as_u16()}}),
            ),
            None if request.method == Method::GET => Answer::json(
                StatusCode::OK,
                json!({"object": "list", "data": [{"id": model, "object": "model"}]}),
            ),
            None => answer(path, &model, stream, &body, &settings),
        };
        Some(answer.into_response(settings.delay))
    }
}

/// A fake upstream answer before it becomes a response: its status, type and events.
struct Answer {
    status: StatusCode,
    content_type: &'static str,
    events: Vec<Bytes>,
}

impl Answer {
    fn json(status: StatusCode, body: Value) -> Answer {
        Answer {
            status,
            content_type: "application/json",
            events: vec![Bytes::from(body.to_string())],
        }
    }

    fn sse(chunks: Vec<Value>) -> Answer {
        let mut events: Vec<Bytes> = chunks
            .into_iter()
            .map(|chunk| Bytes::from(format!("data: {chunk}\n\n")))
            .collect();
        events.push(Bytes::from_static(b"data: [DONE]\n\n"));
        Answer {
            status: StatusCode::OK,
            content_type: "text/event-stream",
            events,
        }
    }

    /// The response, each event after `delay`.
    fn into_response(self, delay: Duration) -> reqwest::Response {
        let events = futures::stream::iter(self.events).then(move |event| async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            Ok::<_, std::convert::Infallible>(event)
        });
        let mut response = http::Response::new(reqwest::Body::wrap_stream(events));
        *response.status_mut() = self.status;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        reqwest::Response::from(response)
    }
}

/// The fake's answer to the OpenAI endpoint at `path`.
fn answer(path: &str, model: &str, stream: bool, body: &Value, settings: &Settings) -> Answer {
    let created = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let id = format!("fake-{}", uuid::Uuid::now_v7().simple());
    let count = |name: &str| body[name].as_array().map_or(1, Vec::len);
    match path {
        "chat/completions" if stream => {
            let mut chunks = vec![chat_chunk(
                &id,
                created,
                model,
                json!({"role": "assistant", "content": ""}),
                None,
            )];
            for piece in settings.pieces() {
                chunks.push(chat_chunk(
                    &id,
                    created,
                    model,
                    json!({"content": piece}),
                    None,
                ));
            }
            chunks.push(chat_chunk(&id, created, model, json!({}), Some("stop")));
            chunks.push(
                json!({"id": id, "object": "chat.completion.chunk", "created": created,
                "model": model, "choices": [], "usage": settings.usage()}),
            );
            Answer::sse(chunks)
        }
        "chat/completions" => Answer::json(
            StatusCode::OK,
            json!({"id": id, "object": "chat.completion", "created": created, "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": settings.text},
                    "finish_reason": "stop"}],
                "usage": settings.usage()}),
        ),
        "completions" if stream => {
            let mut chunks: Vec<Value> = settings
                .pieces()
                .into_iter()
                .map(|piece| {
                    json!({"id": id, "object": "text_completion", "created": created, "model": model,
                        "choices": [{"index": 0, "text": piece, "finish_reason": null}]})
                })
                .collect();
            chunks.push(
                json!({"id": id, "object": "text_completion", "created": created,
                "model": model, "choices": [{"index": 0, "text": "", "finish_reason": "stop"}],
                "usage": settings.usage()}),
            );
            Answer::sse(chunks)
        }
        "completions" => Answer::json(
            StatusCode::OK,
            json!({"id": id, "object": "text_completion", "created": created, "model": model,
                "choices": [{"index": 0, "text": settings.text, "finish_reason": "stop"}],
                "usage": settings.usage()}),
        ),
        "embeddings" => {
            let data: Vec<Value> = (0..count("input"))
                .map(|index| {
                    json!({"object": "embedding", "index": index,
                    "embedding": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]})
                })
                .collect();
            Answer::json(
                StatusCode::OK,
                json!({"object": "list", "data": data, "model": model,
                    "usage": {"prompt_tokens": settings.prompt_tokens, "total_tokens": settings.prompt_tokens}}),
            )
        }
        "images/generations" | "images/edits" | "images/variations" => Answer::json(
            StatusCode::OK,
            json!({"created": created, "data": [{"b64_json": PIXEL_PNG_BASE64, "revised_prompt": settings.text}]}),
        ),
        "audio/speech" => Answer {
            status: StatusCode::OK,
            content_type: "audio/wav",
            events: vec![silent_wav()],
        },
        "audio/transcriptions" | "audio/translations" => {
            Answer::json(StatusCode::OK, json!({"text": settings.text}))
        }
        "moderations" => {
            let results: Vec<Value> = (0..count("input"))
                .map(|_| json!({"flagged": false, "categories": {}, "category_scores": {}}))
                .collect();
            Answer::json(
                StatusCode::OK,
                json!({"id": id, "model": model, "results": results}),
            )
        }
        "rerank" => {
            let results: Vec<Value> = (0..count("documents"))
                .map(|index| json!({"index": index, "relevance_score": 1.0 / (index as f64 + 1.0)}))
                .collect();
            Answer::json(
                StatusCode::OK,
                json!({"id": id, "model": model, "results": results,
                    "usage": {"prompt_tokens": settings.prompt_tokens, "total_tokens": settings.prompt_tokens}}),
            )
        }
        _ => Answer::json(
            StatusCode::NOT_FOUND,
            json!({"error": {"message": format!("the fake channel does not serve {path}"),
                "type": "invalid_request_error"}}),
        ),
    }
}

fn chat_chunk(id: &str, created: u64, model: &str, delta: Value, finish: Option<&str>) -> Value {
    json!({"id": id, "object": "chat.completion.chunk", "created": created, "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
}

/// A WAV file of no samples (16 kHz mono, 16-bit): a valid, silent speech answer.
fn silent_wav() -> Bytes {
    let mut wav = Vec::with_capacity(44);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&36u32.to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes());
    wav.extend_from_slice(&16_000u32.to_le_bytes());
    wav.extend_from_slice(&32_000u32.to_le_bytes());
    wav.extend_from_slice(&2u16.to_le_bytes());
    wav.extend_from_slice(&16u16.to_le_bytes());
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&0u32.to_le_bytes());
    Bytes::from(wav)
}
