//! Incremental server-sent-events framing: bytes in as they arrive, complete events out as soon
//! as their blank line is seen, each with its raw bytes (forwarded as-is) and its joined data.

use bytes::{Bytes, BytesMut};

/// One complete event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The event exactly as the upstream sent it, terminating blank line included.
    pub raw: Bytes,
    /// The `data:` lines joined with `\n`; `None` for comments and data-less events.
    pub data: Option<String>,
}

/// An event larger than this without a terminating blank line is not SSE worth relaying.
const MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// Why a byte stream is not a usable event stream.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SseError {
    #[error("event stream line is longer than {MAX_EVENT_BYTES} bytes")]
    EventTooLarge,
}

/// Splits a byte stream into events. Lines end in `\n` or `\r\n`.
#[derive(Debug, Default)]
pub struct SseParser {
    buffer: BytesMut,
    /// Bytes before this offset hold no unprocessed newline.
    scanned: usize,
}

impl SseParser {
    pub fn new() -> SseParser {
        SseParser::default()
    }

    /// Feeds one chunk; appends every event it completes to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<SseEvent>) -> Result<(), SseError> {
        self.buffer.extend_from_slice(chunk);
        let mut line_start = self.line_start();
        while let Some(offset) = self.buffer[self.scanned..].iter().position(|&b| b == b'\n') {
            let newline = self.scanned + offset;
            let line = &self.buffer[line_start..newline];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                let raw = self.buffer.split_to(newline + 1).freeze();
                out.push(event_from_raw(raw));
                self.scanned = 0;
                line_start = 0;
            } else {
                self.scanned = newline + 1;
                line_start = newline + 1;
            }
        }
        self.scanned = self.buffer.len();
        if self.buffer.len() > MAX_EVENT_BYTES {
            return Err(SseError::EventTooLarge);
        }
        Ok(())
    }

    /// The stream ended: whatever is left becomes a final event, completed with a blank line so
    /// the client's parser dispatches it.
    pub fn finish(&mut self) -> Option<SseEvent> {
        let rest = std::mem::take(&mut self.buffer);
        self.scanned = 0;
        if rest.iter().all(|b| b.is_ascii_whitespace()) {
            return None;
        }
        let mut raw = rest;
        if !raw.ends_with(b"\n") {
            raw.extend_from_slice(b"\n");
        }
        raw.extend_from_slice(b"\n");
        Some(event_from_raw(raw.freeze()))
    }

    /// Start of the line that contains `scanned`: just after the last newline before it.
    fn line_start(&self) -> usize {
        self.buffer[..self.scanned]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1)
    }
}

fn event_from_raw(raw: Bytes) -> SseEvent {
    let mut data: Option<String> = None;
    for line in raw.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let Some(value) = line.strip_prefix(b"data:") else {
            continue;
        };
        let value = value.strip_prefix(b" ").unwrap_or(value);
        let value = String::from_utf8_lossy(value);
        match &mut data {
            Some(joined) => {
                joined.push('\n');
                joined.push_str(&value);
            }
            None => data = Some(value.into_owned()),
        }
    }
    SseEvent { raw, data }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(chunks: &[&str], expected: &[(&str, Option<&str>)]) {
        let mut parser = SseParser::new();
        let mut events = Vec::new();
        for chunk in chunks {
            parser.push(chunk.as_bytes(), &mut events).unwrap();
        }
        events.extend(parser.finish());
        let got = events
            .iter()
            .map(|e| (String::from_utf8(e.raw.to_vec()).unwrap(), e.data.clone()))
            .collect::<Vec<_>>();
        let expected = expected
            .iter()
            .map(|(raw, data)| (raw.to_string(), data.map(str::to_owned)))
            .collect::<Vec<_>>();
        assert_eq!(got, expected, "chunks {chunks:?}");
    }

    #[test]
    fn frames_events_across_chunk_boundaries() {
        check(
            &["data: a\n\ndata: b\n\n"],
            &[("data: a\n\n", Some("a")), ("data: b\n\n", Some("b"))],
        );
        check(
            &["da", "ta: a\n", "\n", "data: [DONE]\n\n"],
            &[
                ("data: a\n\n", Some("a")),
                ("data: [DONE]\n\n", Some("[DONE]")),
            ],
        );
        check(&["data: a\r\n\r\n"], &[("data: a\r\n\r\n", Some("a"))]);
        check(&["data: a\r\n", "\r\n"], &[("data: a\r\n\r\n", Some("a"))]);
        check(
            &["event: x\ndata: 1\ndata:2\n\n"],
            &[("event: x\ndata: 1\ndata:2\n\n", Some("1\n2"))],
        );
        check(&[": keep-alive\n\n"], &[(": keep-alive\n\n", None)]);
        // A stream cut before its blank line still yields what it had.
        check(
            &["data: a\n\ndata: tail"],
            &[("data: a\n\n", Some("a")), ("data: tail\n\n", Some("tail"))],
        );
        check(
            &["data: a\n\n", "\n\n"],
            &[("data: a\n\n", Some("a")), ("\n", None), ("\n", None)],
        );
    }
}
