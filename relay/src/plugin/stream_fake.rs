//! The stream fake plugin: a non-streamed chat request goes upstream as a stream (so a long
//! generation keeps the connection busy and no idle timeout cuts it) and the chunks are reassembled
//! into one `chat.completion`: content, reasoning, tool calls, finish reasons and usage.

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use serde_json::{Map, Value, json};

use super::{Answer, Exchange, Plugin, PluginRequest, PluginServices, config};
use crate::convert::{ResponseMeta, StreamEvent, stream_converter};
use crate::error::RelayError;
use crate::provider::StreamDecoder;
use crate::sse::SseEvent;
use crate::upstream::{ByteStream, classify};
use crate::vocabulary::{Endpoint, Wire};

/// Largest stream reassembled; chat answers are far below it.
const MAX_STREAM_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StreamFakeConfig {}

pub(super) fn parse(value: &Value) -> Result<std::sync::Arc<dyn Plugin>, String> {
    let config: StreamFakeConfig = config(value)?;
    Ok(std::sync::Arc::new(config))
}

#[async_trait::async_trait]
impl Plugin for StreamFakeConfig {
    async fn before(
        &self,
        _services: &PluginServices,
        request: &mut PluginRequest<'_>,
        exchange: &mut Exchange,
    ) -> Result<Option<Answer>, RelayError> {
        if request.endpoint == Endpoint::ChatCompletions && !request.stream {
            exchange.upstream_stream = true;
            request
                .body
                .set("stream", &true)
                .map_err(|_| RelayError::Internal)?;
            // The usage arrives only in the stream's last chunk, and only when asked for.
            request
                .body
                .set("stream_options", &json!({"include_usage": true}))
                .map_err(|_| RelayError::Internal)?;
        }
        Ok(None)
    }
}

/// Reads an upstream event stream (any protocol; converted to chat first) to its end and
/// returns the assembled `chat.completion` body. `idle` bounds each gap between chunks.
pub(crate) async fn collect(
    first: Bytes,
    mut upstream: ByteStream,
    mut decoder: Box<dyn StreamDecoder>,
    idle: Duration,
    channel: Wire,
    meta: &ResponseMeta,
) -> Result<Bytes, RelayError> {
    let mut converter = match channel {
        Wire::Chat => None,
        other => stream_converter(other, Wire::Chat, meta.clone()),
    };
    let mut assembler = Assembler::new();
    let mut events = Vec::new();
    let mut next = Some(first);
    let mut size = 0usize;
    loop {
        let bytes = match next.take() {
            Some(bytes) => bytes,
            None => match tokio::time::timeout(idle, upstream.next()).await {
                Err(_) => return Err(RelayError::UpstreamTimeout),
                Ok(None) => break,
                Ok(Some(Err(error))) => return Err(classify(&error)),
                Ok(Some(Ok(bytes))) => bytes,
            },
        };
        size += bytes.len();
        if size > MAX_STREAM_BYTES {
            return Err(RelayError::UpstreamInvalid);
        }
        decoder.push(&bytes, &mut events)?;
        feed(&mut events, converter.as_deref_mut(), &mut assembler)?;
    }
    decoder.finish(&mut events)?;
    feed(&mut events, converter.as_deref_mut(), &mut assembler)?;
    if let Some(converter) = &mut converter {
        let mut chat = Vec::new();
        converter.finish(&mut chat);
        for event in &chat {
            if let Some(value) = event.data() {
                assembler.push(value);
            }
        }
    }
    serde_json::to_vec(&assembler.finish())
        .map(Bytes::from)
        .map_err(|_| RelayError::Internal)
}

fn feed(
    events: &mut Vec<SseEvent>,
    converter: Option<&mut (dyn crate::convert::EventConverter + 'static)>,
    assembler: &mut Assembler,
) -> Result<(), RelayError> {
    let mut chat: Vec<StreamEvent> = Vec::new();
    let mut converter = converter;
    for event in events.drain(..) {
        let Some(value) = event
            .data
            .as_deref()
            .and_then(|data| serde_json::from_str::<Value>(data).ok())
        else {
            continue;
        };
        // An error inside the stream: the answer is not complete, so it is not one.
        if value.get("error").is_some_and(|error| !error.is_null()) {
            return Err(RelayError::UpstreamFailed);
        }
        match converter.as_deref_mut() {
            Some(converter) => {
                converter.push(&value, &mut chat);
                for event in chat.drain(..) {
                    if let Some(value) = event.data() {
                        assembler.push(value);
                    }
                }
            }
            None => assembler.push(&value),
        }
    }
    Ok(())
}

/// Builds one chat completion from its stream chunks.
#[derive(Debug, Default)]
pub struct Assembler {
    head: Map<String, Value>,
    choices: BTreeMap<u64, ChoiceParts>,
    usage: Option<Value>,
}

#[derive(Debug, Default)]
struct ChoiceParts {
    role: Option<String>,
    content: String,
    reasoning: String,
    refusal: String,
    /// Tool calls by their stream index.
    tool_calls: BTreeMap<u64, ToolCallParts>,
    finish_reason: Value,
    logprobs: Vec<Value>,
}

#[derive(Debug, Default)]
struct ToolCallParts {
    id: Option<String>,
    kind: Option<String>,
    name: String,
    arguments: String,
}

impl Assembler {
    pub fn new() -> Assembler {
        Assembler::default()
    }

    /// One `chat.completion.chunk`.
    pub fn push(&mut self, chunk: &Value) {
        for key in [
            "id",
            "created",
            "model",
            "system_fingerprint",
            "service_tier",
        ] {
            if let Some(value) = chunk.get(key).filter(|value| !value.is_null())
                && !self.head.contains_key(key)
            {
                self.head.insert(key.to_owned(), value.clone());
            }
        }
        if let Some(usage) = chunk.get("usage").filter(|usage| usage.is_object()) {
            self.usage = Some(usage.clone());
        }
        for choice in chunk
            .get("choices")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let index = choice.get("index").and_then(Value::as_u64).unwrap_or(0);
            let parts = self.choices.entry(index).or_default();
            if let Some(reason) = choice
                .get("finish_reason")
                .filter(|reason| !reason.is_null())
            {
                parts.finish_reason = reason.clone();
            }
            if let Some(content) = choice
                .pointer("/logprobs/content")
                .and_then(Value::as_array)
            {
                parts.logprobs.extend(content.iter().cloned());
            }
            let Some(delta) = choice.get("delta") else {
                continue;
            };
            if let Some(role) = delta.get("role").and_then(Value::as_str) {
                parts.role = Some(role.to_owned());
            }
            let text = |key: &str| delta.get(key).and_then(Value::as_str);
            if let Some(content) = text("content") {
                parts.content.push_str(content);
            }
            if let Some(reasoning) = text("reasoning_content").or_else(|| text("reasoning")) {
                parts.reasoning.push_str(reasoning);
            }
            if let Some(refusal) = text("refusal") {
                parts.refusal.push_str(refusal);
            }
            for call in delta
                .get("tool_calls")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let call_index = call.get("index").and_then(Value::as_u64).unwrap_or(0);
                let slot = parts.tool_calls.entry(call_index).or_default();
                if let Some(id) = call.get("id").and_then(Value::as_str) {
                    slot.id = Some(id.to_owned());
                }
                if let Some(kind) = call.get("type").and_then(Value::as_str) {
                    slot.kind = Some(kind.to_owned());
                }
                if let Some(name) = call.pointer("/function/name").and_then(Value::as_str) {
                    slot.name.push_str(name);
                }
                if let Some(arguments) = call.pointer("/function/arguments").and_then(Value::as_str)
                {
                    slot.arguments.push_str(arguments);
                }
            }
        }
    }

    /// The assembled `chat.completion`.
    pub fn finish(self) -> Value {
        let mut body = self.head;
        body.insert("object".to_owned(), json!("chat.completion"));
        let choices = self
            .choices
            .into_iter()
            .map(|(index, parts)| {
                let mut message = Map::new();
                message.insert("role".to_owned(), json!(parts.role.as_deref().unwrap_or("assistant")));
                let has_calls = !parts.tool_calls.is_empty();
                message.insert(
                    "content".to_owned(),
                    if parts.content.is_empty() && has_calls { Value::Null } else { json!(parts.content) },
                );
                if !parts.reasoning.is_empty() {
                    message.insert("reasoning_content".to_owned(), json!(parts.reasoning));
                }
                if !parts.refusal.is_empty() {
                    message.insert("refusal".to_owned(), json!(parts.refusal));
                }
                if has_calls {
                    let calls = parts
                        .tool_calls
                        .into_values()
                        .map(|call| {
                            json!({"id": call.id.unwrap_or_default(), "type": call.kind.as_deref().unwrap_or("function"),
                                "function": {"name": call.name, "arguments": call.arguments}})
                        })
                        .collect::<Vec<_>>();
                    message.insert("tool_calls".to_owned(), Value::Array(calls));
                }
                let logprobs = if parts.logprobs.is_empty() { Value::Null } else { json!({"content": parts.logprobs}) };
                json!({"index": index, "message": message, "logprobs": logprobs, "finish_reason": parts.finish_reason})
            })
            .collect::<Vec<_>>();
        body.insert("choices".to_owned(), Value::Array(choices));
        if let Some(usage) = self.usage {
            body.insert("usage".to_owned(), usage);
        }
        Value::Object(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reassembles_content_reasoning_tool_calls_and_usage() {
        let chunks = [
            json!({"id": "c1", "object": "chat.completion.chunk", "created": 7, "model": "m", "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": null}]}),
            json!({"id": "c1", "choices": [{"index": 0, "delta": {"reasoning_content": "think "}, "finish_reason": null}]}),
            json!({"id": "c1", "choices": [{"index": 0, "delta": {"reasoning_content": "more"}, "finish_reason": null}]}),
            json!({"id": "c1", "choices": [{"index": 0, "delta": {"content": "Hel"}, "finish_reason": null}]}),
            json!({"id": "c1", "choices": [{"index": 0, "delta": {"content": "lo"}, "finish_reason": null}]}),
            json!({"id": "c1", "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "call_a", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]}, "finish_reason": null}]}),
            json!({"id": "c1", "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": "{\"city\":"}}]}, "finish_reason": null}]}),
            json!({"id": "c1", "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 1, "id": "call_b", "type": "function", "function": {"name": "get_time", "arguments": "{}"}}]}, "finish_reason": null}]}),
            json!({"id": "c1", "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": "\"Paris\"}"}}]}, "finish_reason": null}]}),
            json!({"id": "c1", "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}),
            json!({"id": "c1", "choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 9, "total_tokens": 14}}),
        ];
        let mut assembler = Assembler::new();
        for chunk in &chunks {
            assembler.push(chunk);
        }
        assert_eq!(
            assembler.finish(),
            json!({"id": "c1", "created": 7, "model": "m", "object": "chat.completion",
                "choices": [{"index": 0, "logprobs": null, "finish_reason": "tool_calls", "message": {
                    "role": "assistant", "content": "Hello", "reasoning_content": "think more",
                    "tool_calls": [
                        {"id": "call_a", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
                        {"id": "call_b", "type": "function", "function": {"name": "get_time", "arguments": "{}"}}]}}],
                "usage": {"prompt_tokens": 5, "completion_tokens": 9, "total_tokens": 14}})
        );
    }
}
