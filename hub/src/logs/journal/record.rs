//! One journal record on disk: a length- and checksum-framed binary document holding a request-log entry, its row key and its sequence number.
//!
//! Frame: payload length (u32 LE), CRC-32C of sequence and payload (u32 LE), sequence number
//! (u64 LE), payload. The sequence sits outside the payload so a reader can skip records it
//! has already applied without parsing them, and the checksum covers it so a torn or
//! overwritten record is never taken for another.
//!
//! Payload: the byte [`BINARY_V1`], then the entry in postcard (serde's compact binary
//! format): strings and bodies are copied as they are, where JSON escaped every string and
//! carried bodies as base64 (a fifth of the governed path's request-log cost). Journals written
//! before hold JSON documents, which start with `{`: they are still read, so an upgrade over a
//! journal with unapplied records loses none.

use std::borrow::Cow;
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

/// The first byte of a payload in the binary format (a JSON payload starts with `{`).
const BINARY_V1: u8 = 1;

/// Appends the framed record of `entry` (sequence `seq`) to `out`.
pub fn encode(seq: u64, entry: &KeyedEntry, keep_bodies: bool, out: &mut Vec<u8>) {
    let start = out.len();
    out.extend_from_slice(&[0; HEADER_BYTES]);
    out.push(BINARY_V1);
    // Serializing plain fields into a Vec cannot fail; a payload cut short would decode as
    // corrupt and be skipped, never panic.
    let _ = postcard::to_io(&BinaryEntry::new(entry, keep_bodies), &mut *out);
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
    match payload.split_first()? {
        (&BINARY_V1, rest) => {
            let stored: BinaryEntry<'_> = postcard::from_bytes(rest).ok()?;
            Some(stored.into_entry(seq))
        }
        (b'{', _) => {
            let stored: StoredEntry = serde_json::from_slice(payload).ok()?;
            Some(stored.into_entry(seq))
        }
        _ => None,
    }
}

/// The fields of a [`LogEntry`] the writer stores, charges and summarizes, borrowed from the
/// entry when written. Fields are positional: a change of them is a new format byte.
#[derive(Debug, Serialize, Deserialize)]
struct BinaryEntry<'a> {
    key: Cow<'a, str>,
    /// [`Decimal::serialize`]: exact, and no formatting.
    cost: [u8; 16],
    charge: bool,
    period_start: Option<i64>,
    save_detail: bool,
    request_id: Cow<'a, str>,
    group_id: Option<Cow<'a, str>>,
    token_id: Option<i64>,
    token_name: Option<Cow<'a, str>>,
    channel_id: Option<i64>,
    endpoint: Cow<'a, str>,
    requested_model: Option<Cow<'a, str>>,
    upstream_model: Option<Cow<'a, str>>,
    status: u16,
    error: Option<Cow<'a, str>>,
    /// The token counts in the order of `usage_numbers`.
    usage: [u64; 10],
    usage_estimated: bool,
    retries: u32,
    first_byte_us: Option<u64>,
    total_us: u64,
    client_ip: Option<IpAddr>,
    user: Option<Cow<'a, str>>,
    metadata: Option<Cow<'a, str>>,
    upstream_request_id: Option<Cow<'a, str>>,
    stream: bool,
    #[serde(borrow, with = "serde_bytes")]
    request_body: Option<Cow<'a, [u8]>>,
    #[serde(borrow, with = "serde_bytes")]
    response_body: Option<Cow<'a, [u8]>>,
    web_search_calls: u32,
    cache_hit: bool,
    service_tier: Option<Cow<'a, str>>,
    price_tier: Option<Cow<'a, str>>,
    charge_detail: Option<Cow<'a, str>>,
}

impl<'a> BinaryEntry<'a> {
    fn new(keyed: &'a KeyedEntry, keep_bodies: bool) -> BinaryEntry<'a> {
        let entry = &keyed.entry;
        let record = &entry.record;
        let text = |text: &'a Option<String>| text.as_deref().map(Cow::Borrowed);
        let body = |body: &'a Option<Bytes>| {
            body.as_ref()
                .filter(|_| keep_bodies)
                .map(|body| Cow::Borrowed(&body[..]))
        };
        BinaryEntry {
            key: Cow::Borrowed(&keyed.key),
            cost: entry.cost.serialize(),
            charge: entry.charge,
            period_start: entry.period_start,
            save_detail: entry.save_detail,
            request_id: Cow::Borrowed(&record.request_id),
            group_id: text(&record.group_id),
            token_id: record.token_id,
            token_name: text(&record.token_name),
            channel_id: record.channel_id,
            endpoint: Cow::Borrowed(&record.endpoint),
            requested_model: text(&record.requested_model),
            upstream_model: text(&record.upstream_model),
            status: record.status,
            error: text(&record.error),
            usage: usage_numbers(&record.usage),
            usage_estimated: record.usage_estimated,
            retries: record.retries,
            first_byte_us: record.first_byte.map(micros),
            total_us: micros(record.total),
            client_ip: record.client_ip,
            user: text(&record.user),
            metadata: text(&record.metadata),
            upstream_request_id: text(&record.upstream_request_id),
            stream: record.stream,
            request_body: body(&record.request_body),
            response_body: body(&record.response_body),
            web_search_calls: record.web_search_calls,
            cache_hit: record.cache_hit,
            service_tier: text(&record.service_tier),
            price_tier: text(&entry.price_tier),
            charge_detail: text(&entry.charge_detail),
        }
    }

    fn into_entry(self, seq: u64) -> KeyedEntry {
        let text = |text: Option<Cow<'a, str>>| text.map(Cow::into_owned);
        let body = |body: Option<Cow<'a, [u8]>>| body.map(|body| Bytes::from(body.into_owned()));
        let record = UsageRecord {
            request_id: self.request_id.into_owned(),
            group_id: text(self.group_id),
            token_id: self.token_id,
            token_name: text(self.token_name),
            channel_id: self.channel_id,
            endpoint: self.endpoint.into_owned(),
            requested_model: text(self.requested_model),
            upstream_model: text(self.upstream_model),
            status: self.status,
            error: text(self.error),
            usage: token_usage(self.usage),
            usage_estimated: self.usage_estimated,
            retries: self.retries,
            first_byte: self.first_byte_us.map(Duration::from_micros),
            total: Duration::from_micros(self.total_us),
            client_ip: self.client_ip,
            user: text(self.user),
            metadata: text(self.metadata),
            upstream_request_id: text(self.upstream_request_id),
            stream: self.stream,
            request_body: body(self.request_body),
            response_body: body(self.response_body),
            reservation: None,
            // Log rows keep the cost of media units, not the units themselves.
            media: relay::media::MediaUsage::default(),
            web_search_calls: self.web_search_calls,
            cache_hit: self.cache_hit,
            service_tier: text(self.service_tier),
        };
        KeyedEntry {
            seq,
            key: self.key.into_owned(),
            entry: LogEntry {
                record,
                cost: Decimal::deserialize(self.cost),
                price_tier: text(self.price_tier),
                charge_detail: text(self.charge_detail),
                charge: self.charge,
                period_start: self.period_start,
                save_detail: self.save_detail,
            },
        }
    }
}

/// Input, output, cached input, cache creation, reasoning, image input, audio input, image
/// output, audio output, total.
fn usage_numbers(usage: &TokenUsage) -> [u64; 10] {
    [
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
    ]
}

fn token_usage(numbers: [u64; 10]) -> TokenUsage {
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
    ] = numbers;
    TokenUsage {
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
    }
}

/// A record of the JSON format journals were written in before [`BINARY_V1`], read so that an
/// upgrade loses none of their unapplied records.
#[derive(Debug, Deserialize)]
struct StoredEntry {
    key: String,
    cost: String,
    charge: bool,
    #[serde(default)]
    period_start: Option<i64>,
    save_detail: bool,
    request_id: String,
    #[serde(default)]
    group_id: Option<String>,
    #[serde(default)]
    token_id: Option<i64>,
    #[serde(default)]
    token_name: Option<String>,
    #[serde(default)]
    channel_id: Option<i64>,
    endpoint: String,
    #[serde(default)]
    requested_model: Option<String>,
    #[serde(default)]
    upstream_model: Option<String>,
    status: u16,
    #[serde(default)]
    error: Option<String>,
    /// The token counts in the order of `usage_numbers`.
    usage: [u64; 10],
    usage_estimated: bool,
    retries: u32,
    #[serde(default)]
    first_byte_us: Option<u64>,
    total_us: u64,
    #[serde(default)]
    client_ip: Option<String>,
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    metadata: Option<String>,
    #[serde(default)]
    upstream_request_id: Option<String>,
    stream: bool,
    #[serde(default)]
    request_body: Option<String>,
    #[serde(default)]
    response_body: Option<String>,
    web_search_calls: u32,
    cache_hit: bool,
    #[serde(default)]
    service_tier: Option<String>,
    #[serde(default)]
    price_tier: Option<String>,
    #[serde(default)]
    charge_detail: Option<String>,
}

impl StoredEntry {
    fn into_entry(self, seq: u64) -> KeyedEntry {
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
            usage: token_usage(self.usage),
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

    #[test]
    fn a_json_record_of_an_earlier_version_still_reads() {
        // As the JSON format wrote it: optional fields left out when empty, bodies in base64.
        let payload = br#"{"key":"k7","cost":"0.125","charge":true,"save_detail":false,
            "request_id":"req-7","group_id":"acme","token_id":3,"endpoint":"/v1/embeddings",
            "status":200,"usage":[5,0,0,0,0,0,0,0,0,5],"usage_estimated":false,"retries":1,
            "total_us":1500,"client_ip":"10.0.0.9","stream":false,
            "request_body":"aGk=","web_search_calls":0,"cache_hit":true}"#;
        let back = decode(9, payload).unwrap();
        assert_eq!((back.seq, back.key.as_str()), (9, "k7"));
        assert_eq!(back.entry.cost, Decimal::from_str("0.125").unwrap());
        assert!(back.entry.charge);
        let record = &back.entry.record;
        assert_eq!(record.group_id.as_deref(), Some("acme"));
        assert_eq!(record.usage.total_tokens, 5);
        assert_eq!(record.total, Duration::from_micros(1500));
        assert_eq!(record.client_ip, Some("10.0.0.9".parse().unwrap()));
        assert_eq!(record.request_body.as_deref(), Some(&b"hi"[..]));
        assert!(record.cache_hit);
        assert_eq!(record.token_name, None);
    }

    #[test]
    fn a_payload_of_an_unknown_format_is_skipped() {
        assert!(decode(1, &[2, 0, 0]).is_none());
        assert!(decode(1, &[]).is_none());
        // The binary format cut short.
        let mut record = UsageRecord::new("req-1", "/v1/chat/completions", 200);
        record.user = Some("someone".into());
        let keyed = KeyedEntry {
            seq: 0,
            key: "k1".into(),
            entry: LogEntry::from(record),
        };
        let mut out = Vec::new();
        encode(1, &keyed, true, &mut out);
        let payload = &out[HEADER_BYTES..];
        assert!(decode(1, payload).is_some());
        assert!(decode(1, &payload[..payload.len() - 3]).is_none());
    }
}
