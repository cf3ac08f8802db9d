//! ConverseStream read as chat chunks: event-stream frames split into `{eventType: payload}` values, each converted to chat completion chunks.
//!
//! `messageStart` opens the assistant turn; `contentBlockStart` with a `toolUse` opens a tool
//! call (its id and name); `contentBlockDelta` carries text, reasoning text or a fragment of a
//! tool call's input JSON; `messageStop` gives the finish reason and `metadata` the usage,
//! sent as chat's usage-only chunk. A stream that ends before `messageStop` ends with an error.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::converse::{completion_id, finish_reason, usage};
use super::event_stream::FrameDecoder;
use crate::convert::{EventConverter, ResponseMeta, StreamEvent, Usage};
use crate::error::RelayError;
use crate::provider::FrameSplitter;

/// Event frames as `{":event-type": payload}` objects (the Converse stream union's JSON shape);
/// exception frames end the stream with the upstream's error.
#[derive(Debug, Default)]
pub struct ConverseFrames {
    frames: FrameDecoder,
    decoded: Vec<super::event_stream::Frame>,
}

impl ConverseFrames {
    pub fn new() -> ConverseFrames {
        ConverseFrames::default()
    }
}

impl FrameSplitter for ConverseFrames {
    fn push(&mut self, chunk: &[u8], out: &mut Vec<Value>) -> Result<(), RelayError> {
        self.frames.push(chunk, &mut self.decoded)?;
        for frame in self.decoded.drain(..) {
            let (event_type, payload) = frame.into_event()?;
            let payload: Value =
                serde_json::from_slice(&payload).map_err(|_| RelayError::UpstreamInvalid)?;
            let mut event = serde_json::Map::new();
            event.insert(event_type, payload);
            out.push(Value::Object(event));
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut Vec<Value>) -> Result<(), RelayError> {
        self.frames.finish()
    }
}

/// Converse stream events in, chat completion chunks out.
pub struct ConverseToChat {
    id: String,
    meta: ResponseMeta,
    /// Chat tool-call index of each content block that is a tool call.
    calls: HashMap<u64, usize>,
    usage: Option<Usage>,
    stopped: bool,
    done: bool,
}

impl ConverseToChat {
    pub fn new(meta: &ResponseMeta) -> ConverseToChat {
        ConverseToChat {
            id: completion_id(),
            meta: meta.clone(),
            calls: HashMap::new(),
            usage: None,
            stopped: false,
            done: false,
        }
    }

    fn chunk(&self, delta: Value, finish_reason: Value) -> StreamEvent {
        StreamEvent::Json {
            event: None,
            data: json!({
                "id": self.id, "object": "chat.completion.chunk", "created": self.meta.created,
                "model": self.meta.model,
                "choices": [{"index": 0, "delta": delta, "logprobs": null,
                    "finish_reason": finish_reason}],
            }),
        }
    }

    fn block_start(&mut self, start: &Value, out: &mut Vec<StreamEvent>) {
        let Some(tool) = start.pointer("/start/toolUse") else {
            return;
        };
        let block = start
            .get("contentBlockIndex")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        let index = self.calls.len();
        self.calls.insert(block, index);
        let delta = json!({"tool_calls": [{"index": index, "id": tool.get("toolUseId"),
            "type": "function", "function": {"name": tool.get("name"), "arguments": ""}}]});
        out.push(self.chunk(delta, Value::Null));
    }

    fn block_delta(&mut self, event: &Value, out: &mut Vec<StreamEvent>) {
        let Some(delta) = event.get("delta") else {
            return;
        };
        if let Some(text) = delta.get("text").and_then(Value::as_str) {
            out.push(self.chunk(json!({"content": text}), Value::Null));
        } else if let Some(input) = delta.pointer("/toolUse/input").and_then(Value::as_str) {
            let block = event
                .get("contentBlockIndex")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            if let Some(&index) = self.calls.get(&block) {
                let delta = json!({"tool_calls": [{"index": index,
                    "function": {"arguments": input}}]});
                out.push(self.chunk(delta, Value::Null));
            }
        } else if let Some(text) = delta
            .pointer("/reasoningContent/text")
            .and_then(Value::as_str)
        {
            out.push(self.chunk(json!({"reasoning_content": text}), Value::Null));
        }
    }

    fn fail(&mut self, message: &str, out: &mut Vec<StreamEvent>) {
        self.done = true;
        out.push(StreamEvent::Json {
            event: None,
            data: json!({"error": {"message": message, "type": "upstream_error",
                "param": null, "code": null}}),
        });
    }
}

impl EventConverter for ConverseToChat {
    fn push(&mut self, event: &Value, out: &mut Vec<StreamEvent>) {
        if self.done {
            return;
        }
        let Some((name, payload)) = event.as_object().and_then(|object| object.iter().next())
        else {
            return;
        };
        match name.as_str() {
            "messageStart" => {
                out.push(self.chunk(json!({"role": "assistant", "content": ""}), Value::Null));
            }
            "contentBlockStart" => self.block_start(payload, out),
            "contentBlockDelta" => self.block_delta(payload, out),
            "messageStop" => {
                self.stopped = true;
                let reason = payload
                    .get("stopReason")
                    .and_then(Value::as_str)
                    .unwrap_or("end_turn");
                out.push(self.chunk(json!({}), json!(finish_reason(reason))));
            }
            "metadata" => {
                if let Some(found) = payload.get("usage") {
                    self.usage = Some(usage(found));
                }
            }
            _ => {}
        }
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        if self.done {
            return;
        }
        if !self.stopped {
            return self.fail(
                "upstream stream ended before the response was complete",
                out,
            );
        }
        self.done = true;
        if let Some(usage) = self.usage {
            out.push(StreamEvent::Json {
                event: None,
                data: json!({"id": self.id, "object": "chat.completion.chunk",
                    "created": self.meta.created, "model": self.meta.model, "choices": [],
                    "usage": usage.to_chat()}),
            });
        }
        out.push(StreamEvent::Done);
    }
}

#[cfg(test)]
mod tests {
    use super::super::event_stream::event_frame;
    use super::*;
    use crate::provider::{Converted, StreamDecoder};

    fn stream() -> Vec<u8> {
        [
            event_frame("messageStart", r#"{"role":"assistant"}"#),
            event_frame(
                "contentBlockDelta",
                r#"{"contentBlockIndex":0,"delta":{"text":"Hel"}}"#,
            ),
            event_frame(
                "contentBlockDelta",
                r#"{"contentBlockIndex":0,"delta":{"text":"lo"}}"#,
            ),
            event_frame("contentBlockStop", r#"{"contentBlockIndex":0}"#),
            event_frame(
                "contentBlockStart",
                r#"{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"t1","name":"look"}}}"#,
            ),
            event_frame(
                "contentBlockDelta",
                r#"{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"x\":"}}}"#,
            ),
            event_frame(
                "contentBlockDelta",
                r#"{"contentBlockIndex":1,"delta":{"toolUse":{"input":"1}"}}}"#,
            ),
            event_frame("contentBlockStop", r#"{"contentBlockIndex":1}"#),
            event_frame("messageStop", r#"{"stopReason":"tool_use"}"#),
            event_frame(
                "metadata",
                r#"{"usage":{"inputTokens":7,"outputTokens":3,"totalTokens":10},"metrics":{"latencyMs":5}}"#,
            ),
        ]
        .concat()
    }

    fn meta() -> ResponseMeta {
        ResponseMeta {
            model: "m".into(),
            created: 1,
            tools: Default::default(),
        }
    }

    fn decode(chunks: &[&[u8]]) -> (Vec<Value>, Result<(), RelayError>) {
        let mut decoder = Converted::new(
            ConverseFrames::new(),
            Box::new(ConverseToChat::new(&meta())),
        );
        let mut events = Vec::new();
        let mut result = Ok(());
        for chunk in chunks {
            result = decoder.push(chunk, &mut events);
            if result.is_err() {
                break;
            }
        }
        if result.is_ok() {
            result = decoder.finish(&mut events);
        }
        let values = events
            .iter()
            .map(|event| {
                let data = event.data.as_deref().unwrap_or_default();
                serde_json::from_str(data).unwrap_or_else(|_| Value::String(data.to_owned()))
            })
            .collect();
        (values, result)
    }

    #[test]
    fn a_converse_stream_reads_as_chat_chunks_split_anywhere() {
        let bytes = stream();
        for at in 0..=bytes.len() {
            let (events, result) = decode(&[&bytes[..at], &bytes[at..]]);
            result.unwrap();
            let text: String = events
                .iter()
                .filter_map(|event| event.pointer("/choices/0/delta/content")?.as_str())
                .collect();
            assert_eq!(text, "Hello", "split at {at}");
            let arguments: String = events
                .iter()
                .filter_map(|e| {
                    e.pointer("/choices/0/delta/tool_calls/0/function/arguments")?
                        .as_str()
                })
                .collect();
            assert_eq!(arguments, "{\"x\":1}");
            let call = events
                .iter()
                .find_map(|e| e.pointer("/choices/0/delta/tool_calls/0/id"))
                .unwrap();
            assert_eq!(call, "t1");
            let finish = events
                .iter()
                .find_map(|e| e.pointer("/choices/0/finish_reason")?.as_str())
                .unwrap();
            assert_eq!(finish, "tool_calls");
            let usage = &events[events.len() - 2]["usage"];
            assert_eq!(usage["prompt_tokens"], 7);
            assert_eq!(usage["completion_tokens"], 3);
            assert_eq!(events.last().unwrap(), "[DONE]");
        }
    }

    #[test]
    fn a_stream_without_message_stop_ends_with_an_error_event() {
        let bytes = event_frame("messageStart", r#"{"role":"assistant"}"#);
        let (events, result) = decode(&[&bytes]);
        result.unwrap();
        assert!(events.last().unwrap()["error"]["message"].is_string());
    }

    #[test]
    fn an_exception_frame_mid_stream_is_an_error() {
        let mut bytes = event_frame("messageStart", r#"{"role":"assistant"}"#);
        bytes.extend(super::super::event_stream::encode_frame(
            &[
                (":exception-type", "internalServerException"),
                (":message-type", "exception"),
            ],
            br#"{"message":"oops"}"#,
        ));
        let (_, result) = decode(&[&bytes]);
        assert!(matches!(result, Err(RelayError::UpstreamFailed)));
    }
}
