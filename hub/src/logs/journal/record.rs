//! One journal record on disk: a length- and checksum-framed JSON document holding a request-log entry, its row key and its sequence number.
//!
//! Frame: payload length (u32 LE), CRC-32C of sequence and payload (u32 LE), sequence number
//! (u64 LE), payload. The sequence sits outside the JSON so a reader can skip records it has
//! already applied without parsing them, and the checksum covers it so a torn or overwritten
//! record is never taken for another. JSON because the entries are small (about 1 KiB), the
//! format is readable with standard tools when an operator has to look, and serde_json is
//! already here; bodies (kept only for the rows that store them) travel as base64.

use std::net::IpAddr;
use std::str::FromStr;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use relay::host::{TokenUsage, UsageRecord};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::logs::entry::{KeyedEntry, LogEntry};

/// Bytes before the payload.
pub const HEADER_BYTES: usize = 16;
/// A larger length can only be a torn or corrupt header (an entry is bounded far below this).
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024 * 1024;

const CHECKSUM: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISCSI);

/// What a header says about the record that follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub payload_bytes: usize,
    pub checksum: u32,
    pub seq: u64,
}

impl Header {
    /// `None` for a length no record can have (a torn or corrupt header).
    pub fn parse(bytes: &[u8; HEADER_BYTES]) -> Option<Header> {
        let word = |range: std::ops::Range<usize>| bytes.get(range).unwrap_or_default();
        let payload_bytes = u32::from_le_bytes(word(0..4).try_into().ok()?) as usize;
        let checksum = u32::from_le_bytes(word(4..8).try_into().ok()?);
        let seq = u64::from_le_bytes(word(8..16).try_into().ok()?);
        (payload_bytes <= MAX_PAYLOAD_BYTES).then_some(Header {
            payload_bytes,
            checksum,
            seq,
        })
    }

    /// Whether `payload` is the one this header was written with.
    pub fn matches(&self, payload: &[u8]) -> bool {
        checksum(self.seq, payload) == self.checksum
    }
}

fn checksum(seq: u64, payload: &[u8]) -> u32 {
    let mut digest = CHECKSUM.digest();
    digest.update(&seq.to_le_bytes());
    digest.update(payload);
    digest.finalize()
}

/// Appends the framed record of `entry` (sequence `seq`) to `out`.
pub fn encode(seq: u64, entry: &KeyedEntry, keep_bodies: bool, out: &mut Vec<u8>) {
    let start = out.len();
    out.extend_from_slice(&[0; HEADER_BYTES]);
    let stored = StoredEntry::new(entry, keep_bodies);
    // Serializing plain fields into a Vec cannot fail; an empty payload would decode as
    // corrupt and be skipped, never panic.
    let _ = serde_json::to_writer(&mut *out, &stored);
    let payload_bytes = out.len() - start - HEADER_BYTES;
    let sum = checksum(seq, &out[start + HEADER_BYTES..]);
    let header = &mut out[start..start + HEADER_BYTES];
    header[0..4].copy_from_slice(
        &u32::try_from(payload_bytes)
            .unwrap_or(u32::MAX)
            .to_le_bytes(),
    );
    header[4..8].copy_from_slice(&sum.to_le_bytes());
    header[8..16].copy_from_slice(&seq.to_le_bytes());
}

/// The entry of a payload whose checksum matched; `None` when it does not parse (written by
/// an incompatible version), which the reader counts and skips.
pub fn decode(seq: u64, payload: &[u8]) -> Option<KeyedEntry> {
    let stored: StoredEntry = serde_json::from_slice(payload).ok()?;
    Some(stored.into_entry(seq))
}

/// The fields of a [`LogEntry`] the writer stores, charges and summarizes; short names keep
/// the journal small.
#[derive(Debug, Serialize, Deserialize)]
struct StoredEntry {
    key: String,
    cost: String,
    charge: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    period_start: Option<i64>,
    save_detail: bool,
    request_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    group_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    channel_id: Option<i64>,
    endpoint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    requested_model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    upstream_model: Option<String>,
    status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// input, output, cached input, cache creation, reasoning, image input, audio input,
    /// image output, audio output, total.
    usage: [u64; 10],
    usage_estimated: bool,
    retries: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    first_byte_us: Option<u64>,
    total_us: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    metadata: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    upstream_request_id: Option<String>,
    stream: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    request_body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    response_body: Option<String>,
    web_search_calls: u32,
    cache_hit: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    service_tier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    price_tier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    charge_detail: Option<String>,
}

impl StoredEntry {
    fn new(keyed: &KeyedEntry, keep_bodies: bool) -> StoredEntry {
        let entry = &keyed.entry;
        let record = &entry.record;
        let usage = &record.usage;
        let body = |body: &Option<Bytes>| {
            body.as_ref()
                .filter(|_| keep_bodies)
                .map(|body| STANDARD.encode(body))
        };
        StoredEntry {
            key: keyed.key.clone(),
            cost: entry.cost.normalize().to_string(),
            charge: entry.charge,
            period_start: entry.period_start,
            save_detail: entry.save_detail,
            request_id: record.request_id.clone(),
            group_id: record.group_id.clone(),
            token_id: record.token_id,
            token_name: record.token_name.clone(),
            channel_id: record.channel_id,
            endpoint: record.endpoint.clone(),
            requested_model: record.requested_model.clone(),
            upstream_model: record.upstream_model.clone(),
            status: record.status,
            error: record.error.clone(),
            usage: [
                usage.input_tokens,
                usage.output_tokens,
                usage.cached_input_tokens,
                usage.cache_creation_tokens,
                usage.reasoning_tokens,
                usage.image_input_tokens,
                usage.audio_input_tokens,
                usage.image_output_tokens,
                usage.audio_output_tokens,
                usage.total_tokens,
            ],
            usage_estimated: record.usage_estimated,
            retries: record.retries,
            first_byte_us: record.first_byte.map(micros),
            total_us: micros(record.total),
            client_ip: record.client_ip.map(|ip| ip.to_string()),
            user: record.user.clone(),
            metadata: record.metadata.clone(),
            upstream_request_id: record.upstream_request_id.clone(),
            stream: record.stream,
            request_body: body(&record.request_body),
            response_body: body(&record.response_body),
            web_search_calls: record.web_search_calls,
            cache_hit: record.cache_hit,
            service_tier: record.service_tier.clone(),
            price_tier: entry.price_tier.clone(),
            charge_detail: entry.charge_detail.clone(),
        }
    }

    fn into_entry(self, seq: u64) -> KeyedEntry {
        let [
            input_tokens,
            output_tokens,
            cached_input_tokens,
            cache_creation_tokens,
            reasoning_tokens,
            image_input_tokens,
            audio_input_tokens,
            image_output_tokens,
            audio_output_tokens,
            total_tokens,
        ] = self.usage;
        let body = |text: Option<String>| {
            text.and_then(|text| STANDARD.decode(text).ok())
                .map(Bytes::from)
        };
        let record = UsageRecord {
            request_id: self.request_id,
            group_id: self.group_id,
            token_id: self.token_id,
            token_name: self.token_name,
            channel_id: self.channel_id,
            endpoint: self.endpoint,
            requested_model: self.requested_model,
            upstream_model: self.upstream_model,
            status: self.status,
            error: self.error,
            usage: TokenUsage {
                input_tokens,
                output_tokens,
                cached_input_tokens,
                cache_creation_tokens,
                reasoning_tokens,
                image_input_tokens,
                audio_input_tokens,
                image_output_tokens,
                audio_output_tokens,
                total_tokens,
            },
            usage_estimated: self.usage_estimated,
            retries: self.retries,
            first_byte: self.first_byte_us.map(Duration::from_micros),
            total: Duration::from_micros(self.total_us),
            client_ip: self.client_ip.and_then(|ip| IpAddr::from_str(&ip).ok()),
            user: self.user,
            metadata: self.metadata,
            upstream_request_id: self.upstream_request_id,
            stream: self.stream,
            request_body: body(self.request_body),
            response_body: body(self.response_body),
            reservation: None,
            // Log rows keep the cost of media units, not the units themselves.
            media: relay::media::MediaUsage::default(),
            web_search_calls: self.web_search_calls,
            cache_hit: self.cache_hit,
            service_tier: self.service_tier,
        };
        KeyedEntry {
            seq,
            key: self.key,
            entry: LogEntry {
                record,
                // A cost that does not parse was not written by this code; charging nothing
                // is the safe reading.
                cost: Decimal::from_str(&self.cost).unwrap_or(Decimal::ZERO),
                price_tier: self.price_tier,
                charge_detail: self.charge_detail,
                charge: self.charge,
                period_start: self.period_start,
                save_detail: self.save_detail,
            },
        }
    }
}

fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips_and_a_flipped_bit_is_caught() {
        let mut record = UsageRecord::new("req-1", "/v1/chat/completions", 502);
        record.group_id = Some("acme".into());
        record.token_id = Some(7);
        record.usage.total_tokens = 15;
        record.total = Duration::from_millis(40);
        record.client_ip = Some("::1".parse().unwrap());
        record.request_body = Some(Bytes::from_static(b"\xff\x00body"));
        let keyed = KeyedEntry {
            seq: 0,
            key: "k1".into(),
            entry: LogEntry {
                cost: Decimal::from_str("0.25").unwrap(),
                charge: true,
                ..LogEntry::from(record)
            },
        };
        let mut out = Vec::new();
        encode(42, &keyed, true, &mut out);
        let header = Header::parse(out[..HEADER_BYTES].try_into().unwrap()).unwrap();
        assert_eq!(header.seq, 42);
        let payload = &out[HEADER_BYTES..];
        assert_eq!(header.payload_bytes, payload.len());
        assert!(header.matches(payload));
        let back = decode(header.seq, payload).unwrap();
        assert_eq!((back.seq, back.key.as_str()), (42, "k1"));
        assert_eq!(back.entry.cost, keyed.entry.cost);
        assert_eq!(
            back.entry.record.request_body,
            keyed.entry.record.request_body
        );
        assert_eq!(back.entry.record.client_ip, keyed.entry.record.client_ip);
        assert_eq!(back.entry.record.total, Duration::from_millis(40));

        let mut flipped = payload.to_vec();
        flipped[3] ^= 1;
        assert!(!header.matches(&flipped));
        let mut without_bodies = Vec::new();
        encode(42, &keyed, false, &mut without_bodies);
        let back = decode(42, &without_bodies[HEADER_BYTES..]).unwrap();
        assert_eq!(back.entry.record.request_body, None);
    }
}
