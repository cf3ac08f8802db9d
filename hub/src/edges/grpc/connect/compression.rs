//! Connect's compression: which encodings a request names or accepts, and gzip both ways with the decompressed size bounded.
//!
//! Unary calls name their body's encoding in `Content-Encoding` and the encodings they accept in
//! `Accept-Encoding`; streams use `Connect-Content-Encoding` and `Connect-Accept-Encoding` and
//! compress each message (its envelope's flag 0x01). gzip and identity are served; anything else
//! is UNIMPLEMENTED, naming what is. A compressed body may expand to at most the limit of an
//! uncompressed one: decompression stops one byte past it, so a zip bomb costs that much memory.

use std::io::{Read, Write};

use http::HeaderMap;
use tonic::Code;

use super::error::ConnectError;

/// What this server reads and writes, as it tells a client that sent something else.
pub const SUPPORTED: &str = "gzip, identity";

/// A body or message encoding this server knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
}

impl Encoding {
    /// The encoding `name`s (a header's or the GET form's `compression`), or UNIMPLEMENTED.
    pub fn named(name: &str) -> Result<Encoding, ConnectError> {
        match name.trim() {
            "" => Ok(Encoding::Identity),
            name if name.eq_ignore_ascii_case("identity") => Ok(Encoding::Identity),
            name if name.eq_ignore_ascii_case("gzip") => Ok(Encoding::Gzip),
            other => Err(ConnectError::new(
                Code::Unimplemented,
                format!("unknown compression {other:?}: this server supports {SUPPORTED}"),
            )),
        }
    }

    /// The encoding `header` names; identity when it is absent.
    pub fn of_header(headers: &HeaderMap, header: &str) -> Result<Encoding, ConnectError> {
        match headers.get(header) {
            None => Ok(Encoding::Identity),
            Some(value) => Encoding::named(&String::from_utf8_lossy(value.as_bytes())),
        }
    }

    /// gzip when `header` (a comma-separated list, `;q=` weights allowed) accepts it with a
    /// weight above zero.
    pub fn accepted(headers: &HeaderMap, header: &str) -> Encoding {
        let accepts_gzip = headers
            .get_all(header)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .any(|item| {
                let mut parts = item.split(';');
                let name = parts.next().unwrap_or_default().trim();
                let weight = parts
                    .filter_map(|parameter| parameter.trim().strip_prefix("q="))
                    .find_map(|weight| weight.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                name.eq_ignore_ascii_case("gzip") && weight > 0.0
            });
        if accepts_gzip {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Identity => "identity",
            Encoding::Gzip => "gzip",
        }
    }

    /// `bytes` decoded, refused past `limit` decompressed bytes (RESOURCE_EXHAUSTED, as an
    /// uncompressed body over the limit is) and when they are not gzip (INVALID_ARGUMENT).
    pub fn decode(self, bytes: &[u8], limit: usize) -> Result<Vec<u8>, ConnectError> {
        match self {
            Encoding::Identity => Ok(bytes.to_vec()),
            Encoding::Gzip => gunzip(bytes, limit),
        }
    }

    /// `bytes` encoded to answer in this encoding; `None` for identity (they are sent as they
    /// are). Every answer is compressed when the client accepts it, as Connect servers do by
    /// default: a small one grows by gzip's 20 bytes, which the client asked to pay.
    pub fn encode(self, bytes: &[u8]) -> Option<Vec<u8>> {
        match self {
            Encoding::Gzip => gzip(bytes),
            Encoding::Identity => None,
        }
    }
}

fn gunzip(bytes: &[u8], limit: usize) -> Result<Vec<u8>, ConnectError> {
    let mut decoded = Vec::new();
    let bound = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    flate2::read::GzDecoder::new(bytes)
        .take(bound)
        .read_to_end(&mut decoded)
        .map_err(|error| {
            ConnectError::new(
                Code::InvalidArgument,
                format!("the gzip-compressed request does not decompress: {error}"),
            )
        })?;
    if decoded.len() > limit {
        return Err(ConnectError::new(
            Code::ResourceExhausted,
            format!("the request decompresses to more than {limit} bytes"),
        ));
    }
    Ok(decoded)
}

fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).ok()?;
    encoder.finish().ok()
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    #[test]
    fn gzip_round_trips_and_a_bomb_stops_at_the_limit() {
        let text = "a control-plane answer ".repeat(100);
        let compressed = Encoding::Gzip.encode(text.as_bytes()).unwrap();
        assert!(compressed.len() < text.len());
        assert_eq!(
            Encoding::Gzip.decode(&compressed, text.len()).unwrap(),
            text.as_bytes()
        );
        // 16 MiB of zeros gzip (fast) to under 128 KiB; a 1 MiB limit refuses them.
        let bomb = gzip(&vec![0; 16 << 20]).unwrap();
        assert!(bomb.len() < 128 << 10, "{}", bomb.len());
        let error = Encoding::Gzip.decode(&bomb, 1 << 20).unwrap_err();
        assert_eq!(error.code, Code::ResourceExhausted, "{}", error.message);
        let error = Encoding::Gzip.decode(b"not gzip", 1 << 20).unwrap_err();
        assert_eq!(error.code, Code::InvalidArgument, "{}", error.message);
        assert_eq!(
            Encoding::Gzip
                .decode(&Encoding::Gzip.encode(b"{}").unwrap(), 2)
                .unwrap(),
            b"{}"
        );
        assert_eq!(Encoding::Identity.encode(text.as_bytes()), None);
    }

    #[test]
    fn encodings_are_named_and_accepted_by_their_headers() {
        assert_eq!(Encoding::named("GZIP").unwrap(), Encoding::Gzip);
        assert_eq!(Encoding::named("identity").unwrap(), Encoding::Identity);
        let error = Encoding::named("br").unwrap_err();
        assert_eq!(error.code, Code::Unimplemented);
        assert!(error.message.contains(SUPPORTED), "{}", error.message);
        let accepted = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert("accept-encoding", HeaderValue::from_static(value));
            Encoding::accepted(&headers, "accept-encoding")
        };
        assert_eq!(accepted("gzip"), Encoding::Gzip);
        assert_eq!(accepted("br, gzip;q=0.5"), Encoding::Gzip);
        assert_eq!(accepted("gzip;q=0, br"), Encoding::Identity);
        assert_eq!(accepted("identity"), Encoding::Identity);
        assert_eq!(
            Encoding::accepted(&HeaderMap::new(), "accept-encoding"),
            Encoding::Identity
        );
    }
}
