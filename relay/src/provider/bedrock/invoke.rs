//! InvokeModel for Anthropic models: the Messages body made Bedrock's (no `model`, a Bedrock `anthropic_version`), stream `chunk` frames as Anthropic events.
//!
//! A stream frame's payload is `{"bytes": base64}` whose bytes are one Anthropic stream event
//! (`message_start`, `content_block_delta`, ...): it is relayed as the `event:`/`data:` pair the
//! Anthropic API would have sent, without Bedrock's `amazon-bedrock-invocationMetrics`.

use base64::Engine as _;
use bytes::Bytes;
use serde_json::Value;

use super::event_stream::{Frame, FrameDecoder};
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::provider::StreamDecoder;
use crate::sse::SseEvent;

/// The Messages API version Bedrock's Anthropic models take in the body.
pub const ANTHROPIC_VERSION: &str = "bedrock-2023-05-31";

/// Fields of an Anthropic Messages body that InvokeModel refuses: the model and stream choice
/// live in the URL; `metadata`, `service_tier` and `container` exist only on Anthropic's API.
const NOT_ON_BEDROCK: [&str; 5] = ["model", "stream", "metadata", "service_tier", "container"];

/// Makes a Messages body an InvokeModel body.
pub fn prepare(body: &mut JsonObject) {
    for field in NOT_ON_BEDROCK {
        body.remove(field);
    }
    if body.get_bytes("anthropic_version").is_none() {
        // Serializing a string cannot fail.
        let _ = body.set("anthropic_version", ANTHROPIC_VERSION);
    }
}

/// Whether `model` is an Anthropic model on Bedrock (`anthropic.claude-...`, or a cross-region
/// inference profile such as `us.anthropic.claude-...`).
pub fn is_anthropic(model: &str) -> bool {
    model.contains("anthropic.")
}

/// InvokeModelWithResponseStream's frames as Anthropic SSE events.
#[derive(Debug, Default)]
pub struct InvokeStream {
    frames: FrameDecoder,
    decoded: Vec<Frame>,
}

impl InvokeStream {
    pub fn new() -> InvokeStream {
        InvokeStream::default()
    }

    fn event(frame: Frame) -> Result<Option<SseEvent>, RelayError> {
        let (event_type, payload) = frame.into_event()?;
        if event_type != "chunk" {
            return Ok(None);
        }
        #[derive(serde::Deserialize)]
        struct Chunk {
            bytes: String,
        }
        let chunk: Chunk =
            serde_json::from_slice(&payload).map_err(|_| RelayError::UpstreamInvalid)?;
        let inner = base64::engine::general_purpose::STANDARD
            .decode(chunk.bytes.as_bytes())
            .map_err(|_| RelayError::UpstreamInvalid)?;
        let mut event: Value =
            serde_json::from_slice(&inner).map_err(|_| RelayError::UpstreamInvalid)?;
        let object = event.as_object_mut().ok_or(RelayError::UpstreamInvalid)?;
        object.remove("amazon-bedrock-invocationMetrics");
        let name = object
            .get("type")
            .and_then(Value::as_str)
            .ok_or(RelayError::UpstreamInvalid)?
            .to_owned();
        let data = event.to_string();
        let raw = format!("event: {name}\ndata: {data}\n\n");
        Ok(Some(SseEvent {
            raw: Bytes::from(raw),
            data: Some(data),
        }))
    }
}

impl StreamDecoder for InvokeStream {
    fn push(&mut self, chunk: &[u8], out: &mut Vec<SseEvent>) -> Result<(), RelayError> {
        self.frames.push(chunk, &mut self.decoded)?;
        for frame in self.decoded.drain(..) {
            if let Some(event) = InvokeStream::event(frame)? {
                out.push(event);
            }
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut Vec<SseEvent>) -> Result<(), RelayError> {
        self.frames.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::super::event_stream::event_frame;
    use super::*;

    fn chunk(event: &str) -> Vec<u8> {
        let bytes = base64::engine::general_purpose::STANDARD.encode(event);
        event_frame("chunk", &format!(r#"{{"bytes":"{bytes}"}}"#))
    }

    #[test]
    fn chunks_unwrap_into_anthropic_events_split_anywhere() {
        let bytes = [
            chunk(r#"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude","usage":{"input_tokens":9,"output_tokens":1}}}"#),
            chunk(r#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}"#),
            chunk(r#"{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":9}}"#),
        ]
        .concat();
        for at in 0..=bytes.len() {
            let mut decoder = InvokeStream::new();
            let mut events = Vec::new();
            decoder.push(&bytes[..at], &mut events).unwrap();
            decoder.push(&bytes[at..], &mut events).unwrap();
            decoder.finish(&mut events).unwrap();
            assert_eq!(events.len(), 3);
            assert!(events[0].raw.starts_with(b"event: message_start\ndata: {"));
            assert_eq!(
                events[2].data.as_deref(),
                Some(r#"{"type":"message_stop"}"#)
            );
            assert!(events[1].raw.ends_with(b"\n\n"));
        }
    }

    #[test]
    fn a_chunk_that_is_not_base64_json_is_invalid() {
        let bytes = event_frame("chunk", r#"{"bytes":"!!"}"#);
        let error = InvokeStream::new()
            .push(&bytes, &mut Vec::new())
            .unwrap_err();
        assert!(matches!(error, RelayError::UpstreamInvalid));
    }

    #[test]
    fn a_messages_body_becomes_an_invoke_body() {
        let mut body = JsonObject::parse(Bytes::from_static(
            br#"{"model":"m","max_tokens":5,"stream":true,"metadata":{"user_id":"u"},"messages":[]}"#,
        ))
        .unwrap();
        prepare(&mut body);
        let body: Value = serde_json::from_slice(&body.to_bytes()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"max_tokens": 5, "messages": [],
                "anthropic_version": "bedrock-2023-05-31"})
        );
    }

    #[test]
    fn anthropic_models_include_inference_profiles() {
        assert!(is_anthropic("anthropic.claude-3-5-sonnet-20240620-v1:0"));
        assert!(is_anthropic("us.anthropic.claude-sonnet-4-20250514-v1:0"));
        assert!(!is_anthropic("amazon.nova-pro-v1:0"));
        assert!(!is_anthropic("meta.llama3-70b-instruct-v1:0"));
    }
}
