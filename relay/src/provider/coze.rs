//! Coze bots: `POST {base}/v3/chat` with a personal access token, the chat pivot as `additional_messages`, always streamed, events to chat chunks.
//!
//! The key is `token|user_id` as the seed has it (a bare token works too: the user id is then
//! the request's `user`, else `aiproxy`); the model is the bot id, with an optional `bot-`
//! prefix. Coze answers a non-streamed chat with only its id and wants it polled until done,
//! so every request is streamed upstream and a client that asked for one body gets the stream
//! reassembled by the relay (its stream-fake path). Errors come as status 200 with a `code`
//! ([`Provider::decode_response`]) or as `conversation.chat.failed` and `error` events.

use std::collections::HashSet;

use axum::http::{HeaderMap, HeaderValue, Method, header};
use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::framing::{Converted, SseFrames, StreamDecoder};
use super::{Endpoint, Provider, UpstreamRequest, base_url, unsupported};
use crate::convert::{EventConverter, ResponseMeta, StreamEvent};
use crate::error::{ErrorBody, RelayError};
use crate::json::JsonObject;
use crate::vocabulary::Channel;

/// The user id sent when neither the key nor the request names one.
const DEFAULT_USER: &str = "aiproxy";
/// Longest piece of a Coze error message passed on mid-stream.
const MAX_MESSAGE_CHARS: usize = 200;

pub struct CozeWire;

/// The token and the user id of a `token|user_id` key.
fn token_and_user(channel: &Channel) -> (&str, Option<&str>) {
    let key = channel.key.trim();
    match key.split_once('|') {
        Some((token, user)) if !user.trim().is_empty() => (token.trim(), Some(user.trim())),
        Some((token, _)) => (token.trim(), None),
        None => (key, None),
    }
}

/// A chat message's content as Coze's: text as it is, text with images as an `object_string`
/// (a JSON list of text and image objects, serialized).
fn coze_content(content: &Value) -> Option<(&'static str, String)> {
    match content {
        Value::String(text) if !text.is_empty() => Some(("text", text.clone())),
        Value::Array(parts) => {
            let mut objects = Vec::new();
            let mut text = String::new();
            let mut images = false;
            for part in parts {
                match part.get("type").and_then(Value::as_str) {
                    Some("text") => {
                        let piece = part.get("text").and_then(Value::as_str).unwrap_or_default();
                        text.push_str(piece);
                        objects.push(json!({"type": "text", "text": piece}));
                    }
                    Some("image_url") => {
                        if let Some(url) = part.pointer("/image_url/url").and_then(Value::as_str) {
                            images = true;
                            objects.push(json!({"type": "image", "file_url": url}));
                        }
                    }
                    _ => {}
                }
            }
            if images {
                Some(("object_string", Value::Array(objects).to_string()))
            } else {
                (!text.is_empty()).then_some(("text", text))
            }
        }
        _ => None,
    }
}

/// A chat request as a Coze `/v3/chat` body for bot `bot_id`: the messages in order as
/// `additional_messages` (system, developer and tool messages are the user's: a bot has its
/// own persona, and Coze knows only users and assistants), always streamed.
fn chat_request(chat: &Value, bot_id: &str, key_user: Option<&str>) -> Result<Value, RelayError> {
    let messages = chat
        .get("messages")
        .and_then(Value::as_array)
        .ok_or_else(|| RelayError::BadRequest {
            message: "messages must be an array".to_owned(),
            param: Some("messages"),
        })?;
    let additional: Vec<Value> = messages
        .iter()
        .filter_map(|message| {
            let (content_type, content) =
                coze_content(message.get("content").unwrap_or(&Value::Null))?;
            let mut native = Map::new();
            if message.get("role").and_then(Value::as_str) == Some("assistant") {
                native.insert("role".into(), json!("assistant"));
                native.insert("type".into(), json!("answer"));
            } else {
                native.insert("role".into(), json!("user"));
                native.insert("type".into(), json!("question"));
            }
            native.insert("content".into(), json!(content));
            native.insert("content_type".into(), json!(content_type));
            Some(Value::Object(native))
        })
        .collect();
    let user = key_user
        .or_else(|| chat.get("user").and_then(Value::as_str))
        .unwrap_or(DEFAULT_USER);
    Ok(json!({"bot_id": bot_id, "user_id": user, "stream": true,
        "additional_messages": additional}))
}

/// The relay error for a Coze error `code` (https://www.coze.com/docs/developer_guides/coze_error_codes).
fn error_for(code: i64, message: &str, channel: &Channel) -> RelayError {
    match code {
        // Invalid token, a token without the permission, an expired token.
        4100 | 4101 | 4102 | 700012006 => RelayError::UpstreamCredentials { status: 401 },
        // Request rate and concurrency limits.
        4009 | 4013 | 4016 | 4019 => RelayError::RateLimited { retry_after: None },
        4000..=4999 => {
            let (token, _) = token_and_user(channel);
            let message = if token.len() >= 4 {
                message.replace(token, "[redacted]")
            } else {
                message.to_owned()
            };
            RelayError::UpstreamRejected {
                status: 400,
                body: Some(ErrorBody {
                    message,
                    kind: "invalid_request_error".to_owned(),
                    param: None,
                    code: Some(format!("upstream_{code}")),
                }),
            }
        }
        _ => RelayError::UpstreamFailed,
    }
}

impl Provider for CozeWire {
    /// Generation is served as chat; a bot serves nothing else.
    fn endpoint(&self, endpoint: Endpoint, _: &Channel, _: &str) -> Endpoint {
        if endpoint.wire().is_none() {
            endpoint
        } else {
            Endpoint::ChatCompletions
        }
    }

    fn stream_decoder(
        &self,
        _channel: &Channel,
        _endpoint: Endpoint,
        meta: &ResponseMeta,
    ) -> Box<dyn StreamDecoder> {
        Box::new(Converted::new(
            SseFrames::new(),
            Box::new(CozeToChatStream::new(meta.clone())),
        ))
    }

    /// Only an error arrives whole (every chat is streamed): `{"code": ..., "msg": ...}`.
    fn decode_response(
        &self,
        channel: &Channel,
        _endpoint: Endpoint,
        body: Bytes,
        _meta: &ResponseMeta,
    ) -> Result<Bytes, RelayError> {
        let answer =
            serde_json::from_slice::<Value>(&body).map_err(|_| RelayError::UpstreamInvalid)?;
        match answer.get("code").and_then(Value::as_i64) {
            Some(code) if code != 0 => {
                let message = answer
                    .get("msg")
                    .and_then(Value::as_str)
                    .unwrap_or("coze upstream error");
                Err(error_for(code, message, channel))
            }
            _ => Err(RelayError::UpstreamInvalid),
        }
    }

    fn prepare(&self, _: &Channel, _: Endpoint, _: &mut JsonObject, _: bool) {}

    fn build(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        upstream_model: &str,
        _content_type: &str,
        body: Bytes,
        _stream: bool,
    ) -> Result<UpstreamRequest, RelayError> {
        if endpoint != Endpoint::ChatCompletions {
            return Err(unsupported(channel, endpoint));
        }
        let chat =
            serde_json::from_slice::<Value>(&body).map_err(|error| RelayError::BadRequest {
                message: format!("the request body is not JSON: {error}"),
                param: None,
            })?;
        let (token, user) = token_and_user(channel);
        let bot_id = upstream_model
            .strip_prefix("bot-")
            .unwrap_or(upstream_model);
        let native = chat_request(&chat, bot_id, user)?;
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let mut authorization =
            HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                RelayError::Misconfigured(format!("channel {} has an invalid key", channel.id))
            })?;
        authorization.set_sensitive(true);
        headers.insert(header::AUTHORIZATION, authorization);
        Ok(UpstreamRequest {
            method: Method::POST,
            url: format!("{}/v3/chat", base_url(channel)?),
            headers,
            body: Bytes::from(native.to_string()),
        })
    }

    fn probe(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        upstream_model: &str,
    ) -> Result<UpstreamRequest, RelayError> {
        if self.endpoint(endpoint, channel, upstream_model) != Endpoint::ChatCompletions {
            return Err(unsupported(channel, endpoint));
        }
        let body = json!({"messages": [{"role": "user", "content": "ping"}]});
        self.build(
            channel,
            Endpoint::ChatCompletions,
            upstream_model,
            "application/json",
            Bytes::from(body.to_string()),
            true,
        )
    }
}

/// Coze's `conversation.*` events in, chat completion chunks out: answer deltas as content,
/// reasoning deltas as reasoning, `conversation.chat.completed` as the finish and usage.
struct CozeToChatStream {
    meta: ResponseMeta,
    id: Option<String>,
    /// Answer messages that streamed deltas: their `completed` event repeats the text.
    streamed: HashSet<String>,
    done: bool,
}

impl CozeToChatStream {
    fn new(meta: ResponseMeta) -> CozeToChatStream {
        CozeToChatStream {
            meta,
            id: None,
            streamed: HashSet::new(),
            done: false,
        }
    }

    fn chunk(&self, choices: Value) -> Value {
        json!({"id": self.id.as_deref().unwrap_or_default(), "object": "chat.completion.chunk",
            "created": self.meta.created, "model": self.meta.model, "choices": choices})
    }

    fn delta(&self, delta: Value, finish_reason: Value) -> StreamEvent {
        StreamEvent::Json {
            event: None,
            data: self.chunk(json!([{"index": 0, "delta": delta, "finish_reason": finish_reason}])),
        }
    }

    /// The role chunk, once, before any content.
    fn start(&mut self, event: &Value, out: &mut Vec<StreamEvent>) {
        if self.id.is_some() {
            return;
        }
        let chat_id = event
            .get("chat_id")
            .or_else(|| event.get("id"))
            .and_then(Value::as_str)
            .map(|id| id.chars().take(128).collect::<String>());
        self.id = Some(match chat_id {
            Some(id) if !id.is_empty() => format!("chatcmpl-{id}"),
            _ => format!("chatcmpl-{}", uuid::Uuid::now_v7().simple()),
        });
        out.push(self.delta(json!({"role": "assistant", "content": ""}), Value::Null));
    }

    fn fail(&mut self, message: &str, out: &mut Vec<StreamEvent>) {
        self.done = true;
        out.push(StreamEvent::Json {
            event: None,
            data: json!({"error": {"message": message, "type": "upstream_error", "param": null, "code": null}}),
        });
        out.push(StreamEvent::Done);
    }

    /// `code` and `msg` of an error object, bounded.
    fn error_text(error: &Value) -> String {
        let code = error.get("code").and_then(Value::as_i64).unwrap_or(0);
        let message: String = error
            .get("msg")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .chars()
            .take(MAX_MESSAGE_CHARS)
            .collect();
        format!("coze error {code}: {message}")
    }
}

/// Whether a message event is the bot's answer (not a tool call, a follow-up suggestion or a
/// verbose notice).
fn is_answer(event: &Value) -> bool {
    event.get("type").and_then(Value::as_str) == Some("answer")
        && event.get("role").and_then(Value::as_str) != Some("user")
}

impl EventConverter for CozeToChatStream {
    fn push(&mut self, event: &Value, out: &mut Vec<StreamEvent>) {
        if self.done || !event.is_object() {
            return;
        }
        let text = |name: &str| {
            event
                .get(name)
                .and_then(Value::as_str)
                .filter(|text| !text.is_empty())
        };
        match event
            .get("event")
            .and_then(Value::as_str)
            .unwrap_or_default()
        {
            "conversation.chat.created" | "conversation.chat.in_progress" => self.start(event, out),
            "conversation.message.delta" if is_answer(event) => {
                self.start(event, out);
                if let Some(id) = text("id")
                    && self.streamed.len() < 1024
                {
                    self.streamed.insert(id.to_owned());
                }
                if let Some(reasoning) = text("reasoning_content") {
                    out.push(self.delta(json!({"reasoning_content": reasoning}), Value::Null));
                }
                if let Some(content) = text("content") {
                    out.push(self.delta(json!({"content": content}), Value::Null));
                }
            }
            "conversation.message.completed" if is_answer(event) => {
                let streamed = text("id").is_some_and(|id| self.streamed.contains(id));
                if !streamed && let Some(content) = text("content") {
                    self.start(event, out);
                    out.push(self.delta(json!({"content": content}), Value::Null));
                }
            }
            "conversation.chat.completed" => {
                self.start(event, out);
                out.push(self.delta(json!({}), json!("stop")));
                let usage = event.get("usage").unwrap_or(&Value::Null);
                let count = |name: &str| usage.get(name).and_then(Value::as_u64).unwrap_or(0);
                let (input, output) = (count("input_count"), count("output_count"));
                let total = usage
                    .get("token_count")
                    .and_then(Value::as_u64)
                    .unwrap_or(input + output);
                let mut chunk = self.chunk(json!([]));
                chunk["usage"] = json!({"prompt_tokens": input, "completion_tokens": output,
                    "total_tokens": total});
                out.push(StreamEvent::Json {
                    event: None,
                    data: chunk,
                });
                out.push(StreamEvent::Done);
                self.done = true;
            }
            "conversation.chat.failed" => {
                let message = Self::error_text(event.get("last_error").unwrap_or(&Value::Null));
                self.fail(&message, out);
            }
            "conversation.chat.requires_action" => self.fail(
                "the coze bot asked for a local plugin's answer, which the relay cannot give",
                out,
            ),
            "error" => {
                let message = Self::error_text(event);
                self.fail(&message, out);
            }
            _ => {}
        }
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        if !self.done {
            self.fail("coze stream ended before the chat completed", out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::ChannelKind;

    fn channel(key: &str) -> Channel {
        Channel {
            id: 1,
            name: "c".into(),
            kind: ChannelKind::parse("coze").unwrap(),
            base_url: String::new(),
            key: key.into(),
            model_mapping: Default::default(),
            priority: 0,
            config: Default::default(),
            proxy_url: None,
            timeouts: Default::default(),
        }
    }

    #[test]
    fn a_chat_request_becomes_additional_messages_for_the_bot_always_streamed() {
        let body = json!({"user": "client-user", "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": [{"type": "text", "text": "Look"},
                {"type": "image_url", "image_url": {"url": "https://x/y.png"}}]},
            {"role": "assistant", "content": "Seen."},
            {"role": "assistant", "content": null, "tool_calls": []}]});
        let request = CozeWire
            .build(
                &channel("pat_123|user-9"),
                Endpoint::ChatCompletions,
                "bot-7350",
                "application/json",
                Bytes::from(body.to_string()),
                false,
            )
            .unwrap();
        assert_eq!(request.url, "https://api.coze.com/v3/chat");
        assert_eq!(request.headers["authorization"], "Bearer pat_123");
        let native: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(native["bot_id"], "7350");
        assert_eq!(native["user_id"], "user-9");
        assert_eq!(native["stream"], true);
        let messages = native["additional_messages"].as_array().unwrap();
        assert_eq!(messages.len(), 3);
        assert_eq!(
            messages[0],
            json!({"role": "user", "type": "question", "content": "Be brief.", "content_type": "text"})
        );
        assert_eq!(messages[1]["content_type"], "object_string");
        let objects: Value =
            serde_json::from_str(messages[1]["content"].as_str().unwrap()).unwrap();
        assert_eq!(
            objects,
            json!([{"type": "text", "text": "Look"}, {"type": "image", "file_url": "https://x/y.png"}])
        );
        assert_eq!(messages[2]["role"], "assistant");
        assert_eq!(messages[2]["type"], "answer");

        let bare = chat_request(&body, "1", None).unwrap();
        assert_eq!(bare["user_id"], "client-user");
        let bare = chat_request(&json!({"messages": []}), "1", None).unwrap();
        assert_eq!(bare["user_id"], DEFAULT_USER);
    }

    #[test]
    fn error_answers_map_by_code() {
        let channel = channel("pat_secret_1|u");
        let decode = |body: Value| {
            CozeWire
                .decode_response(
                    &channel,
                    Endpoint::ChatCompletions,
                    Bytes::from(body.to_string()),
                    &Default::default(),
                )
                .unwrap_err()
        };
        assert!(matches!(
            decode(json!({"code": 4100, "msg": "authentication is invalid"})),
            RelayError::UpstreamCredentials { .. }
        ));
        assert!(matches!(
            decode(json!({"code": 4013, "msg": "rate"})),
            RelayError::RateLimited { .. }
        ));
        let RelayError::UpstreamRejected {
            body: Some(body), ..
        } = decode(json!({"code": 4200, "msg": "bot pat_secret_1 not found"}))
        else {
            panic!("4200 is the request's fault");
        };
        assert_eq!(body.message, "bot [redacted] not found");
        assert!(matches!(
            decode(json!({"code": 0, "data": {"status": "in_progress"}})),
            RelayError::UpstreamInvalid
        ));
    }

    fn run(events: &[Value]) -> Vec<Value> {
        let mut converter = CozeToChatStream::new(ResponseMeta {
            model: "bot-1".into(),
            created: 7,
            tools: Default::default(),
        });
        let mut out = Vec::new();
        for event in events {
            converter.push(event, &mut out);
        }
        converter.finish(&mut out);
        out.into_iter()
            .map(|event| match event {
                StreamEvent::Json { data, .. } => data,
                StreamEvent::Done => json!("[DONE]"),
            })
            .collect()
    }

    #[test]
    fn events_become_chunks_with_usage_from_the_completed_chat() {
        let chunks = run(&[
            json!({"event": "conversation.chat.created", "id": "c1", "status": "created"}),
            json!({"event": "conversation.message.delta", "id": "m1", "chat_id": "c1",
                "role": "assistant", "type": "answer", "content": "Hel"}),
            json!({"event": "conversation.message.delta", "id": "m1", "chat_id": "c1",
                "role": "assistant", "type": "answer", "content": "lo"}),
            json!({"event": "conversation.message.completed", "id": "m1", "role": "assistant",
                "type": "answer", "content": "Hello"}),
            json!({"event": "conversation.message.completed", "id": "m2", "role": "assistant",
                "type": "verbose", "content": "{}"}),
            json!({"event": "conversation.message.completed", "id": "m3", "role": "assistant",
                "type": "follow_up", "content": "Ask more?"}),
            json!({"event": "conversation.chat.completed", "id": "c1",
                "usage": {"token_count": 9, "output_count": 2, "input_count": 7}}),
            json!({"event": "done"}),
        ]);
        let text: String = chunks
            .iter()
            .filter_map(|chunk| chunk.pointer("/choices/0/delta/content")?.as_str())
            .collect();
        assert_eq!(text, "Hello");
        assert_eq!(chunks[0]["id"], "chatcmpl-c1");
        assert_eq!(chunks[3]["choices"][0]["finish_reason"], "stop");
        assert_eq!(
            chunks[4]["usage"],
            json!({"prompt_tokens": 7, "completion_tokens": 2, "total_tokens": 9})
        );
        assert_eq!(chunks[5], "[DONE]");
        assert_eq!(chunks.len(), 6);
    }

    #[test]
    fn an_answer_only_completed_is_still_shown_and_failures_end_with_an_error() {
        let chunks = run(&[
            json!({"event": "conversation.message.completed", "id": "m1", "chat_id": "c2",
                "role": "assistant", "type": "answer", "content": "Whole"}),
            json!({"event": "conversation.chat.failed", "id": "c2",
                "last_error": {"code": 5000, "msg": "model overloaded"}}),
        ]);
        assert_eq!(chunks[1]["choices"][0]["delta"]["content"], "Whole");
        assert_eq!(
            chunks[2]["error"]["message"],
            "coze error 5000: model overloaded"
        );
        assert_eq!(chunks[3], "[DONE]");
        assert_eq!(chunks.len(), 4);
        let cut = run(&[json!({"event": "conversation.chat.created", "id": "c3"})]);
        assert!(cut[1]["error"]["message"].is_string());
    }
}
