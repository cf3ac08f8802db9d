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

/// An event larger than this without a terminating blank line is not SSE worth relaying: an
/// upstream sending one endless line or event gets an error, not unbounded memory.
pub const MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// Why a byte stream is not a usable event stream.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SseError {
    #[error("event stream event is longer than {MAX_EVENT_BYTES} bytes")]
    EventTooLarge,
}

/// Splits a byte stream into events. Lines end in `\n` or `\r\n`.
///
/// Every byte is examined once however the stream is chunked: the parser remembers where the
/// current line starts and how far it has looked, so a long line arriving in 1-byte chunks
/// costs linear time, not a rescan of the line per chunk.
#[derive(Debug, Default)]
pub struct SseParser {
    buffer: BytesMut,
    /// Bytes before this offset hold no unprocessed newline.
    scanned: usize,
    /// Where the line being read starts in `buffer`.
    line_start: usize,
    /// Bytes searched for a newline so far: a work counter that tests hold against the input
    /// size.
    examined: u64,
}

impl SseParser {
    pub fn new() -> SseParser {
        SseParser::default()
    }

    /// Feeds one chunk; appends every event it completes to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<SseEvent>) -> Result<(), SseError> {
        self.buffer.extend_from_slice(chunk);
        loop {
            let unread = &self.buffer[self.scanned..];
            let found = unread.iter().position(|&b| b == b'\n');
            self.examined += found.map_or(unread.len(), |offset| offset + 1) as u64;
            let Some(offset) = found else { break };
            let newline = self.scanned + offset;
            let line = &self.buffer[self.line_start..newline];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                let raw = self.buffer.split_to(newline + 1).freeze();
                out.push(event_from_raw(raw));
                self.scanned = 0;
                self.line_start = 0;
            } else {
                self.scanned = newline + 1;
                self.line_start = newline + 1;
            }
        }
        self.scanned = self.buffer.len();
        if self.buffer.len() > MAX_EVENT_BYTES {
            return Err(SseError::EventTooLarge);
        }
        Ok(())
    }

    /// Bytes searched for line ends since the parser was made; never more than the bytes fed.
    pub fn bytes_examined(&self) -> u64 {
        self.examined
    }

    /// The stream ended: whatever is left becomes a final event, completed with a blank line so
    /// the client's parser dispatches it.
    pub fn finish(&mut self) -> Option<SseEvent> {
        let rest = std::mem::take(&mut self.buffer);
        self.scanned = 0;
        self.line_start = 0;
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

    #[test]
    fn a_long_line_in_one_byte_chunks_costs_linear_work() {
        let mut parser = SseParser::new();
        let mut events = Vec::new();
        let line = format!("data: {}\n\n", "x".repeat(200_000));
        let mut before = 0;
        for byte in line.as_bytes() {
            parser
                .push(std::slice::from_ref(byte), &mut events)
                .unwrap();
            // Each chunk is searched once: the work never runs ahead of the bytes fed.
            let examined = parser.bytes_examined();
            assert!(
                examined - before <= 1,
                "one byte fed, {} examined",
                examined - before
            );
            before = examined;
        }
        assert_eq!(parser.bytes_examined(), line.len() as u64);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].data.as_deref().map(str::len), Some(200_000));
    }

    #[test]
    fn an_endless_line_is_an_error() {
        let mut parser = SseParser::new();
        let mut events = Vec::new();
        let chunk = vec![b'x'; 1024 * 1024];
        let mut result = Ok(());
        for _ in 0..=MAX_EVENT_BYTES / chunk.len() {
            result = parser.push(&chunk, &mut events);
            if result.is_err() {
                break;
            }
        }
        assert_eq!(result, Err(SseError::EventTooLarge));
        assert!(events.is_empty());
    }
}
