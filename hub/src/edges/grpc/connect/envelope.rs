//! The five-byte envelope gRPC and Connect streaming both put around each message (a flags byte, then the length as a big-endian u32), written and read back.

use bytes::{Buf, BufMut, Bytes, BytesMut};

/// The flags byte and the length before each message.
pub const PREFIX_BYTES: usize = 5;
/// The message is compressed (both protocols), in the encoding the stream names (`compression.rs`).
pub const FLAG_COMPRESSED: u8 = 0x01;
/// Connect streaming: the last frame, carrying the end-of-stream JSON instead of a message.
pub const FLAG_END_STREAM: u8 = 0x02;

/// One enveloped message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub flags: u8,
    pub payload: Bytes,
}

/// Why bytes are not a sequence of frames.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("a message of {length} bytes is larger than the {limit} bytes allowed")]
    TooLarge { length: usize, limit: usize },
    #[error("the body ends inside an enveloped message")]
    Truncated,
}

/// `payload` enveloped with `flags`. A payload does not exceed u32 (the control plane's limit is
/// far below), so the length never saturates in practice.
pub fn encode(flags: u8, payload: &[u8]) -> Bytes {
    let mut frame = BytesMut::with_capacity(PREFIX_BYTES + payload.len());
    frame.put_u8(flags);
    frame.put_u32(u32::try_from(payload.len()).unwrap_or(u32::MAX));
    frame.put_slice(payload);
    frame.freeze()
}

/// Collects body chunks and hands out whole frames as they complete; refuses a frame that
/// claims more than `limit` bytes before buffering it.
#[derive(Debug)]
pub struct Deframer {
    buffered: BytesMut,
    limit: usize,
}

impl Deframer {
    pub fn new(limit: usize) -> Deframer {
        Deframer {
            buffered: BytesMut::new(),
            limit,
        }
    }

    pub fn push(&mut self, chunk: &[u8]) {
        self.buffered.extend_from_slice(chunk);
    }

    /// The next whole frame, or `None` until more bytes arrive.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, EnvelopeError> {
        let Some(prefix) = self.buffered.get(..PREFIX_BYTES) else {
            return Ok(None);
        };
        let flags = prefix[0];
        let length = usize::try_from(u32::from_be_bytes([
            prefix[1], prefix[2], prefix[3], prefix[4],
        ]))
        .unwrap_or(usize::MAX);
        if length > self.limit {
            return Err(EnvelopeError::TooLarge {
                length,
                limit: self.limit,
            });
        }
        if self.buffered.len() < PREFIX_BYTES + length {
            return Ok(None);
        }
        self.buffered.advance(PREFIX_BYTES);
        let payload = self.buffered.split_to(length).freeze();
        Ok(Some(Frame { flags, payload }))
    }

    /// Call once the body has ended: bytes left over are half a frame.
    pub fn finish(&self) -> Result<(), EnvelopeError> {
        if self.buffered.is_empty() {
            Ok(())
        } else {
            Err(EnvelopeError::Truncated)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_split_anywhere_come_back_whole() {
        let mut wire = encode(0, b"first").to_vec();
        wire.extend_from_slice(&encode(FLAG_END_STREAM, b"{}"));
        for split in 0..=wire.len() {
            let mut deframer = Deframer::new(64);
            let mut frames = Vec::new();
            for chunk in [&wire[..split], &wire[split..]] {
                deframer.push(chunk);
                while let Some(frame) = deframer.next_frame().unwrap() {
                    frames.push(frame);
                }
            }
            deframer.finish().unwrap();
            assert_eq!(
                frames,
                vec![
                    Frame {
                        flags: 0,
                        payload: Bytes::from_static(b"first")
                    },
                    Frame {
                        flags: FLAG_END_STREAM,
                        payload: Bytes::from_static(b"{}")
                    },
                ],
                "split at {split}"
            );
        }
    }

    #[test]
    fn an_oversized_claim_is_refused_before_buffering_and_a_cut_frame_is_truncated() {
        let mut deframer = Deframer::new(4);
        deframer.push(&[0, 0xff, 0xff, 0xff, 0xff]);
        assert!(matches!(
            deframer.next_frame(),
            Err(EnvelopeError::TooLarge { limit: 4, .. })
        ));
        let mut deframer = Deframer::new(64);
        deframer.push(&encode(0, b"abc")[..6]);
        assert_eq!(deframer.next_frame(), Ok(None));
        assert_eq!(deframer.finish(), Err(EnvelopeError::Truncated));
    }
}
