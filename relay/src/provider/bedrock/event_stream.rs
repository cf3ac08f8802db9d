//! AWS event-stream frames (`application/vnd.amazon.eventstream`): prelude, headers, payload and CRC-32s, decoded incrementally and bounded.
//!
//! A frame is `total_length:u32 headers_length:u32 prelude_crc:u32 headers payload
//! message_crc:u32` (big-endian); the prelude CRC covers the first 8 bytes, the message CRC
//! everything before it. Headers are `name_length:u8 name type:u8 value`. A frame whose CRC
//! does not match, whose lengths do not fit, or that is larger than [`MAX_EVENT_BYTES`] ends the
//! stream with [`RelayError::UpstreamInvalid`]; an exception frame becomes the upstream's error.

use bytes::{Buf, Bytes, BytesMut};
use serde_json::Value;

use crate::error::{ErrorBody, MAX_ERROR_MESSAGE_BYTES, RelayError, truncated};
use crate::sse::MAX_EVENT_BYTES;

/// Prelude (12 bytes) plus the trailing message CRC (4 bytes).
const FRAME_OVERHEAD: usize = 16;

/// One decoded frame: its string headers of interest and its payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// `:message-type`: `event`, `exception` or `error`.
    pub message_type: String,
    /// `:event-type` of an event, `:exception-type` of an exception, `:error-code` of an error.
    pub kind: String,
    /// `:error-message` of an `error` frame (its payload is usually empty).
    pub error_message: String,
    pub payload: Bytes,
}

impl Frame {
    /// The event's type and payload, or the upstream's error for exception and error frames.
    pub fn into_event(self) -> Result<(String, Bytes), RelayError> {
        match self.message_type.as_str() {
            "event" => Ok((self.kind, self.payload)),
            _ => Err(self.into_error()),
        }
    }

    fn into_error(self) -> RelayError {
        let message = serde_json::from_slice::<Value>(&self.payload)
            .ok()
            .and_then(|payload| {
                payload
                    .get("message")
                    .or_else(|| payload.get("Message"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .filter(|message| !message.is_empty())
            .unwrap_or_else(|| {
                if self.error_message.is_empty() {
                    format!("the upstream stream failed ({})", self.kind)
                } else {
                    self.error_message.clone()
                }
            });
        stream_error(&self.kind, &message)
    }
}

/// The client's error for a Bedrock exception named `kind` (`throttlingException`, ...).
fn stream_error(kind: &str, message: &str) -> RelayError {
    match kind {
        "throttlingException" | "ThrottlingException" => {
            RelayError::RateLimited { retry_after: None }
        }
        "validationException" | "ValidationException" => RelayError::UpstreamRejected {
            status: 400,
            body: Some(ErrorBody {
                message: truncated(message, MAX_ERROR_MESSAGE_BYTES),
                kind: "invalid_request_error".to_owned(),
                param: None,
                code: Some(truncated(kind, 64)),
            }),
        },
        _ => RelayError::UpstreamFailed,
    }
}

/// Cuts a byte stream into [`Frame`]s, however it is chunked.
#[derive(Debug, Default)]
pub struct FrameDecoder {
    buffer: BytesMut,
}

impl FrameDecoder {
    /// Feeds one chunk; appends every frame it completes to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<Frame>) -> Result<(), RelayError> {
        self.buffer.extend_from_slice(chunk);
        while let Some(total) = self.complete_frame_length()? {
            let frame = self.buffer.split_to(total).freeze();
            out.push(parse_frame(frame)?);
        }
        Ok(())
    }

    /// The stream ended: a partial frame left over is an invalid answer.
    pub fn finish(&mut self) -> Result<(), RelayError> {
        if self.buffer.is_empty() {
            Ok(())
        } else {
            self.buffer.clear();
            Err(RelayError::UpstreamInvalid)
        }
    }

    /// The length of the frame at the buffer's start once all of it has arrived; its prelude is
    /// checked as soon as it is there, so a corrupt length never makes the decoder wait.
    fn complete_frame_length(&self) -> Result<Option<usize>, RelayError> {
        if self.buffer.len() < 12 {
            return Ok(None);
        }
        let mut prelude = &self.buffer[..12];
        let total = prelude.get_u32() as usize;
        let headers = prelude.get_u32() as usize;
        let prelude_crc = prelude.get_u32();
        if crc32fast::hash(&self.buffer[..8]) != prelude_crc
            || !(FRAME_OVERHEAD..=MAX_EVENT_BYTES).contains(&total)
            || headers > total - FRAME_OVERHEAD
        {
            return Err(RelayError::UpstreamInvalid);
        }
        Ok((self.buffer.len() >= total).then_some(total))
    }
}

/// One whole frame (prelude already checked): its message CRC, headers and payload.
fn parse_frame(frame: Bytes) -> Result<Frame, RelayError> {
    let body_end = frame.len() - 4;
    let mut crc = &frame[body_end..];
    if crc32fast::hash(&frame[..body_end]) != crc.get_u32() {
        return Err(RelayError::UpstreamInvalid);
    }
    let headers_length = (&frame[4..8]).get_u32() as usize;
    let headers_end = 12 + headers_length;
    let mut parsed = Frame {
        message_type: String::new(),
        kind: String::new(),
        error_message: String::new(),
        payload: frame.slice(headers_end..body_end),
    };
    let mut headers = &frame[12..headers_end];
    while !headers.is_empty() {
        let (name, value) = read_header(&mut headers).ok_or(RelayError::UpstreamInvalid)?;
        let Some(value) = value else { continue };
        match name {
            b":message-type" => parsed.message_type = value,
            b":event-type" | b":exception-type" | b":error-code" => parsed.kind = value,
            b":error-message" => parsed.error_message = value,
            _ => {}
        }
    }
    Ok(parsed)
}

/// Reads one header; its value when it is a string. `None` when the header is cut short or of
/// an unknown type.
fn read_header<'a>(headers: &mut &'a [u8]) -> Option<(&'a [u8], Option<String>)> {
    let name_length = usize::from(*headers.first()?);
    let name = headers.get(1..1 + name_length)?;
    let kind = *headers.get(1 + name_length)?;
    let rest = headers.get(2 + name_length..)?;
    let (value_length, string) = match kind {
        // true, false
        0 | 1 => (0, false),
        // byte, short, integer, long, timestamp, uuid
        2 => (1, false),
        3 => (2, false),
        4 => (4, false),
        5 | 8 => (8, false),
        9 => (16, false),
        // byte array, string: a u16 length first
        6 | 7 => {
            let length = usize::from(u16::from_be_bytes([*rest.first()?, *rest.get(1)?]));
            (2 + length, kind == 7)
        }
        _ => return None,
    };
    let value = rest.get(..value_length)?;
    *headers = &rest[value_length..];
    let value = string.then(|| String::from_utf8_lossy(&value[2..]).into_owned());
    Some((name, value))
}

/// Writes one frame with string headers: the encoder the unit tests and fixtures check against.
#[cfg(test)]
pub(crate) fn encode_frame(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
    let mut header_bytes = Vec::new();
    for (name, value) in headers {
        header_bytes.push(name.len() as u8);
        header_bytes.extend_from_slice(name.as_bytes());
        header_bytes.push(7);
        header_bytes.extend_from_slice(&(value.len() as u16).to_be_bytes());
        header_bytes.extend_from_slice(value.as_bytes());
    }
    let total = FRAME_OVERHEAD + header_bytes.len() + payload.len();
    let mut frame = Vec::with_capacity(total);
    frame.extend_from_slice(&(total as u32).to_be_bytes());
    frame.extend_from_slice(&(header_bytes.len() as u32).to_be_bytes());
    let prelude_crc = crc32fast::hash(&frame);
    frame.extend_from_slice(&prelude_crc.to_be_bytes());
    frame.extend_from_slice(&header_bytes);
    frame.extend_from_slice(payload);
    let message_crc = crc32fast::hash(&frame);
    frame.extend_from_slice(&message_crc.to_be_bytes());
    frame
}

/// An event frame as Bedrock sends it.
#[cfg(test)]
pub(crate) fn event_frame(event_type: &str, payload: &str) -> Vec<u8> {
    encode_frame(
        &[
            (":event-type", event_type),
            (":content-type", "application/json"),
            (":message-type", "event"),
        ],
        payload.as_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_split_at(bytes: &[u8], at: usize) -> Result<Vec<Frame>, RelayError> {
        let mut decoder = FrameDecoder::default();
        let mut frames = Vec::new();
        decoder.push(&bytes[..at], &mut frames)?;
        decoder.push(&bytes[at..], &mut frames)?;
        decoder.finish()?;
        Ok(frames)
    }

    fn two_frames() -> Vec<u8> {
        let mut bytes = event_frame("messageStart", r#"{"role":"assistant"}"#);
        bytes.extend(event_frame(
            "contentBlockDelta",
            r#"{"contentBlockIndex":0,"delta":{"text":"Hé"}}"#,
        ));
        bytes
    }

    #[test]
    fn frames_decode_the_same_split_at_every_byte() {
        let bytes = two_frames();
        for at in 0..=bytes.len() {
            let frames = decode_split_at(&bytes, at).unwrap();
            assert_eq!(frames.len(), 2, "split at {at}");
            assert_eq!(frames[0].message_type, "event");
            assert_eq!(frames[0].kind, "messageStart");
            assert_eq!(&frames[0].payload[..], br#"{"role":"assistant"}"#);
            assert_eq!(frames[1].kind, "contentBlockDelta");
        }
    }

    #[test]
    fn a_frame_fed_byte_by_byte_decodes() {
        let bytes = two_frames();
        let mut decoder = FrameDecoder::default();
        let mut frames = Vec::new();
        for byte in &bytes {
            decoder
                .push(std::slice::from_ref(byte), &mut frames)
                .unwrap();
        }
        decoder.finish().unwrap();
        assert_eq!(frames.len(), 2);
    }

    #[test]
    fn non_string_headers_are_skipped() {
        let mut frame = Vec::new();
        let mut headers = Vec::new();
        // A boolean, an int32 and a byte array before the message type.
        headers.extend_from_slice(b"\x01a\x00");
        headers.extend_from_slice(b"\x01b\x04\x00\x00\x00\x07");
        headers.extend_from_slice(b"\x01c\x06\x00\x02xy");
        headers.extend_from_slice(b"\x0d:message-type\x07\x00\x05event");
        let total = 16 + headers.len() + 2;
        frame.extend_from_slice(&(total as u32).to_be_bytes());
        frame.extend_from_slice(&(headers.len() as u32).to_be_bytes());
        let crc = crc32fast::hash(&frame);
        frame.extend_from_slice(&crc.to_be_bytes());
        frame.extend_from_slice(&headers);
        frame.extend_from_slice(b"{}");
        let crc = crc32fast::hash(&frame);
        frame.extend_from_slice(&crc.to_be_bytes());
        let frames = decode_split_at(&frame, 0).unwrap();
        assert_eq!(frames[0].message_type, "event");
        assert_eq!(&frames[0].payload[..], b"{}");
    }

    #[test]
    fn a_flipped_bit_anywhere_is_an_invalid_answer_not_a_wait() {
        let bytes = two_frames();
        for at in 0..bytes.len() {
            let mut corrupt = bytes.clone();
            corrupt[at] ^= 0x10;
            let mut decoder = FrameDecoder::default();
            let mut frames = Vec::new();
            let result = decoder
                .push(&corrupt, &mut frames)
                .and_then(|()| decoder.finish());
            assert!(
                matches!(result, Err(RelayError::UpstreamInvalid)),
                "a flip at byte {at} gave {result:?} with {} frames",
                frames.len()
            );
        }
    }

    #[test]
    fn an_oversized_length_fails_at_the_prelude() {
        let mut prelude = Vec::new();
        prelude.extend_from_slice(&((MAX_EVENT_BYTES + 1) as u32).to_be_bytes());
        prelude.extend_from_slice(&0u32.to_be_bytes());
        let crc = crc32fast::hash(&prelude);
        prelude.extend_from_slice(&crc.to_be_bytes());
        let mut decoder = FrameDecoder::default();
        let error = decoder.push(&prelude, &mut Vec::new()).unwrap_err();
        assert!(matches!(error, RelayError::UpstreamInvalid));
    }

    #[test]
    fn a_stream_cut_inside_a_frame_fails_at_the_end() {
        let bytes = two_frames();
        let mut decoder = FrameDecoder::default();
        let mut frames = Vec::new();
        decoder
            .push(&bytes[..bytes.len() - 3], &mut frames)
            .unwrap();
        assert_eq!(frames.len(), 1);
        assert!(matches!(decoder.finish(), Err(RelayError::UpstreamInvalid)));
    }

    #[test]
    fn exception_frames_are_the_upstreams_errors() {
        let throttled = encode_frame(
            &[
                (":exception-type", "throttlingException"),
                (":message-type", "exception"),
            ],
            br#"{"message":"Too many requests"}"#,
        );
        let invalid = encode_frame(
            &[
                (":exception-type", "validationException"),
                (":message-type", "exception"),
            ],
            br#"{"message":"bad input"}"#,
        );
        let failed = encode_frame(
            &[
                (":exception-type", "modelStreamErrorException"),
                (":message-type", "exception"),
            ],
            br#"{"message":"boom"}"#,
        );
        let decode = |bytes: &[u8]| {
            decode_split_at(bytes, 0)
                .unwrap()
                .remove(0)
                .into_event()
                .unwrap_err()
        };
        assert!(matches!(decode(&throttled), RelayError::RateLimited { .. }));
        match decode(&invalid) {
            RelayError::UpstreamRejected { status: 400, body } => {
                assert_eq!(body.unwrap().message, "bad input");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(decode(&failed), RelayError::UpstreamFailed));
    }
}
