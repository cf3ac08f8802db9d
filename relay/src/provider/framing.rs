//! How a streamed answer is cut and read: the [`StreamDecoder`] a provider hands the stream path, SSE as it comes or a native framing converted to chat chunks.
//!
//! The stream path (`crate::stream`) and stream fake's reassembly read events in the
//! provider's codec (a [`crate::vocabulary::Wire`]). A family that speaks one of those codecs
//! over SSE uses the [`SseParser`] itself. A family with its own events or framing (Bedrock's
//! binary event stream, Ollama's JSON lines, Cohere's named SSE events) declares the chat codec
//! and decodes with [`Converted`]: a [`FrameSplitter`] cuts the bytes into JSON payloads, and
//! the family's [`EventConverter`] turns each payload into chat chunks.

use bytes::{Bytes, BytesMut};
use serde_json::Value;

use crate::convert::{EventConverter, StreamEvent};
use crate::error::RelayError;
use crate::sse::{MAX_EVENT_BYTES, SseEvent, SseParser};

/// How a streamed answer is framed on the wire, which says what content type marks a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `text/event-stream`: `data:` lines, blank-line separated.
    Sse,
    /// `application/vnd.amazon.eventstream`: AWS's binary frames (prelude, headers, payload,
    /// CRCs).
    AwsEventStream,
    /// `application/x-ndjson` (or `application/jsonl`): one JSON document per line.
    JsonLines,
}

impl Framing {
    /// Whether an upstream answer of this content type (lowercased) is a stream in this framing.
    pub fn is_stream(self, content_type: &str) -> bool {
        match self {
            Framing::Sse => content_type.starts_with("text/event-stream"),
            Framing::AwsEventStream => {
                content_type.starts_with("application/vnd.amazon.eventstream")
            }
            Framing::JsonLines => {
                content_type.starts_with("application/x-ndjson")
                    || content_type.starts_with("application/jsonl")
                    || content_type.starts_with("application/json-lines")
            }
        }
    }
}

/// Turns an upstream's streamed bytes into events of the provider's codec, as they arrive.
pub trait StreamDecoder: Send {
    /// Feeds one chunk; appends every event it completes to `out`. An error ends the stream
    /// (the client gets its protocol's error event).
    fn push(&mut self, chunk: &[u8], out: &mut Vec<SseEvent>) -> Result<(), RelayError>;
    /// The upstream ended: appends what is left (a last event without its terminator, the
    /// converter's closing chunks).
    fn finish(&mut self, out: &mut Vec<SseEvent>) -> Result<(), RelayError>;
}

impl StreamDecoder for SseParser {
    fn push(&mut self, chunk: &[u8], out: &mut Vec<SseEvent>) -> Result<(), RelayError> {
        SseParser::push(self, chunk, out).map_err(|_| RelayError::UpstreamInvalid)
    }

    fn finish(&mut self, out: &mut Vec<SseEvent>) -> Result<(), RelayError> {
        out.extend(SseParser::finish(self));
        Ok(())
    }
}

/// Cuts a byte stream into the JSON payloads of one framing.
pub trait FrameSplitter: Send {
    /// Feeds one chunk; appends every payload it completes to `out`.
    fn push(&mut self, chunk: &[u8], out: &mut Vec<Value>) -> Result<(), RelayError>;
    /// The stream ended: appends a last payload left without its terminator.
    fn finish(&mut self, out: &mut Vec<Value>) -> Result<(), RelayError>;
}

/// SSE events' `data:` payloads that are JSON (the `[DONE]` marker and comments are skipped).
/// The event name is put into the payload as `"event"` when the payload has none, for families
/// whose payloads only name their type in the `event:` line.
#[derive(Debug, Default)]
pub struct SseFrames {
    parser: SseParser,
    events: Vec<SseEvent>,
}

impl SseFrames {
    pub fn new() -> SseFrames {
        SseFrames::default()
    }

    fn drain(&mut self, out: &mut Vec<Value>) {
        for event in self.events.drain(..) {
            let Some(data) = event.data.as_deref() else {
                continue;
            };
            let Ok(mut value) = serde_json::from_str::<Value>(data) else {
                continue;
            };
            if let (Some(name), Value::Object(object)) = (event_name(&event.raw), &mut value)
                && !object.contains_key("event")
            {
                object.insert("event".to_owned(), Value::String(name));
            }
            out.push(value);
        }
    }
}

/// The `event:` line of a raw event, if it has one.
fn event_name(raw: &Bytes) -> Option<String> {
    raw.split(|&byte| byte == b'\n').find_map(|line| {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let name = line.strip_prefix(b"event:")?;
        let name = name.strip_prefix(b" ").unwrap_or(name);
        std::str::from_utf8(name).ok().map(str::to_owned)
    })
}

impl FrameSplitter for SseFrames {
    fn push(&mut self, chunk: &[u8], out: &mut Vec<Value>) -> Result<(), RelayError> {
        self.parser
            .push(chunk, &mut self.events)
            .map_err(|_| RelayError::UpstreamInvalid)?;
        self.drain(out);
        Ok(())
    }

    fn finish(&mut self, out: &mut Vec<Value>) -> Result<(), RelayError> {
        self.events.extend(self.parser.finish());
        self.drain(out);
        Ok(())
    }
}

/// One JSON document per line (Ollama's native streams). Blank lines are skipped; a line that
/// is not JSON is an invalid upstream answer; a line longer than [`MAX_EVENT_BYTES`] too.
#[derive(Debug, Default)]
pub struct JsonLines {
    buffer: BytesMut,
    /// Bytes before this offset hold no newline.
    scanned: usize,
}

impl JsonLines {
    pub fn new() -> JsonLines {
        JsonLines::default()
    }

    fn line(line: &[u8], out: &mut Vec<Value>) -> Result<(), RelayError> {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        let value = serde_json::from_slice(line).map_err(|_| RelayError::UpstreamInvalid)?;
        out.push(value);
        Ok(())
    }
}

impl FrameSplitter for JsonLines {
    fn push(&mut self, chunk: &[u8], out: &mut Vec<Value>) -> Result<(), RelayError> {
        self.buffer.extend_from_slice(chunk);
        while let Some(offset) = self.buffer[self.scanned..].iter().position(|&b| b == b'\n') {
            let line = self.buffer.split_to(self.scanned + offset + 1);
            self.scanned = 0;
            JsonLines::line(&line[..line.len() - 1], out)?;
        }
        self.scanned = self.buffer.len();
        if self.buffer.len() > MAX_EVENT_BYTES {
            return Err(RelayError::UpstreamInvalid);
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut Vec<Value>) -> Result<(), RelayError> {
        let rest = std::mem::take(&mut self.buffer);
        self.scanned = 0;
        JsonLines::line(&rest, out)
    }
}

/// A native stream read as chat chunks: its frames split by `S`, each payload converted by the
/// family's converter. The converter's `finish` closes the chat stream (`[DONE]`).
pub struct Converted<S> {
    splitter: S,
    converter: Box<dyn EventConverter>,
    payloads: Vec<Value>,
    chunks: Vec<StreamEvent>,
    finished: bool,
}

impl<S: FrameSplitter> Converted<S> {
    pub fn new(splitter: S, converter: Box<dyn EventConverter>) -> Converted<S> {
        Converted {
            splitter,
            converter,
            payloads: Vec::new(),
            chunks: Vec::new(),
            finished: false,
        }
    }

    fn convert(&mut self, out: &mut Vec<SseEvent>) {
        for payload in self.payloads.drain(..) {
            self.converter.push(&payload, &mut self.chunks);
        }
        out.extend(self.chunks.drain(..).map(StreamEvent::into_sse));
    }
}

impl<S: FrameSplitter> StreamDecoder for Converted<S> {
    fn push(&mut self, chunk: &[u8], out: &mut Vec<SseEvent>) -> Result<(), RelayError> {
        self.splitter.push(chunk, &mut self.payloads)?;
        self.convert(out);
        Ok(())
    }

    fn finish(&mut self, out: &mut Vec<SseEvent>) -> Result<(), RelayError> {
        if self.finished {
            return Ok(());
        }
        self.finished = true;
        let split = self.splitter.finish(&mut self.payloads);
        self.convert(out);
        self.converter.finish(&mut self.chunks);
        out.extend(self.chunks.drain(..).map(StreamEvent::into_sse));
        split
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Counts payloads as chat chunks and closes with `[DONE]`.
    struct Echo;

    impl EventConverter for Echo {
        fn push(&mut self, event: &Value, out: &mut Vec<StreamEvent>) {
            out.push(StreamEvent::Json {
                event: None,
                data: event.clone(),
            });
        }

        fn finish(&mut self, out: &mut Vec<StreamEvent>) {
            out.push(StreamEvent::Done);
        }
    }

    fn decode<S: FrameSplitter>(splitter: S, chunks: &[&[u8]]) -> Result<Vec<String>, RelayError> {
        let mut decoder = Converted::new(splitter, Box::new(Echo));
        let mut events = Vec::new();
        for chunk in chunks {
            decoder.push(chunk, &mut events)?;
        }
        decoder.finish(&mut events)?;
        Ok(events
            .into_iter()
            .map(|event| event.data.unwrap_or_default())
            .collect())
    }

    #[test]
    fn json_lines_split_across_chunks_and_a_last_line_without_newline() {
        let got = decode(
            JsonLines::new(),
            &[b"{\"a\":", b"1}\r\n\n{\"b\"", b":2}\n{\"c\":3}"],
        )
        .unwrap();
        assert_eq!(got, ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}", "[DONE]"]);
    }

    #[test]
    fn a_json_line_that_is_not_json_is_an_invalid_upstream() {
        let error = decode(JsonLines::new(), &[b"{\"a\":1}\nnot json\n"]).unwrap_err();
        assert!(matches!(error, RelayError::UpstreamInvalid), "{error:?}");
    }

    #[test]
    fn an_endless_json_line_is_cut_at_the_event_limit() {
        let mut splitter = JsonLines::new();
        let chunk = vec![b'1'; 1024 * 1024];
        let mut out = Vec::new();
        let mut failed = false;
        for _ in 0..=MAX_EVENT_BYTES / chunk.len() {
            if splitter.push(&chunk, &mut out).is_err() {
                failed = true;
                break;
            }
        }
        assert!(failed, "a line over the limit must fail");
        assert!(out.is_empty());
    }

    #[test]
    fn sse_frames_carry_the_event_name_and_skip_done() {
        let got = decode(
            SseFrames::new(),
            &[b"event: content-delta\ndata: {\"x\":1}\n\ndata: [DONE]\n\n: c\n\n"],
        )
        .unwrap();
        let first: Value = serde_json::from_str(&got[0]).unwrap();
        assert_eq!(first, json!({"x": 1, "event": "content-delta"}));
        assert_eq!(got[1], "[DONE]");
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn content_types_mark_streams_per_framing() {
        assert!(Framing::Sse.is_stream("text/event-stream; charset=utf-8"));
        assert!(Framing::AwsEventStream.is_stream("application/vnd.amazon.eventstream"));
        assert!(Framing::JsonLines.is_stream("application/x-ndjson"));
        assert!(!Framing::JsonLines.is_stream("application/json"));
        assert!(!Framing::Sse.is_stream("application/json"));
    }
}
