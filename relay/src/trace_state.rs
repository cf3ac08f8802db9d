//! W3C `tracestate`: the client's vendor entries read, checked and bounded, to go upstream beside the `traceparent` that continues its trace.
//!
//! The gateway adds no entry of its own; it only forwards what the client sent, as a W3C
//! forwarding participant must when it sends the trace on. A header that breaks the grammar
//! (or names a key twice, or has more than 32 entries) is dropped whole, as the specification
//! asks; a long one is cut to [`MAX_FORWARDED_BYTES`] the specification's way: entries over
//! 128 bytes go first, then entries from the right.

use axum::http::{HeaderMap, HeaderValue};

/// The header of W3C Trace Context that carries vendor entries.
pub const TRACESTATE: &str = "tracestate";

/// At most this many entries (list-members) in a valid header.
const MAX_ENTRIES: usize = 32;

/// What is forwarded at most: the length every participant must pass on whole.
pub const MAX_FORWARDED_BYTES: usize = 512;

/// Entries longer than this are the first to go when the header is cut.
const LONG_ENTRY_BYTES: usize = 128;

/// A client's `tracestate`, checked: its entries (`key=value`) in the order received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceState {
    entries: Vec<String>,
}

impl TraceState {
    /// Every `tracestate` header of `headers`, combined as HTTP combines a list field; `None`
    /// when there is none, it is empty, or it breaks the grammar.
    pub fn from_headers(headers: &HeaderMap) -> Option<TraceState> {
        let mut texts = Vec::new();
        for value in headers.get_all(TRACESTATE) {
            // A header that is not even visible ASCII breaks the grammar: drop everything.
            texts.push(value.to_str().ok()?);
        }
        TraceState::from_texts(&texts)
    }

    /// One `tracestate` value (as MCP's `_meta.tracestate` carries it); `None` as above.
    pub fn parse(text: &str) -> Option<TraceState> {
        TraceState::from_texts(&[text])
    }

    fn from_texts(texts: &[&str]) -> Option<TraceState> {
        let mut entries: Vec<String> = Vec::new();
        for text in texts {
            for member in text.split(',') {
                let member = member.trim_matches([' ', '\t']);
                if member.is_empty() {
                    // The grammar allows empty list members; they carry nothing.
                    continue;
                }
                let (key, value) = member.split_once('=')?;
                if !is_key(key) || !is_value(value) {
                    return None;
                }
                if entries.len() == MAX_ENTRIES
                    || entries.iter().any(|entry| entry_key(entry) == key)
                {
                    return None;
                }
                entries.push(member.to_owned());
            }
        }
        if entries.is_empty() {
            return None;
        }
        Some(TraceState { entries }.bounded())
    }

    /// Cut to at most [`MAX_FORWARDED_BYTES`]: long entries first, then from the right.
    fn bounded(mut self) -> TraceState {
        if self.len() > MAX_FORWARDED_BYTES {
            self.entries.retain(|entry| entry.len() <= LONG_ENTRY_BYTES);
        }
        while self.len() > MAX_FORWARDED_BYTES {
            self.entries.pop();
        }
        self
    }

    /// The header's length: the entries joined by commas.
    fn len(&self) -> usize {
        let commas = self.entries.len().saturating_sub(1);
        self.entries.iter().map(String::len).sum::<usize>() + commas
    }

    /// The entries in the order received, joined by commas, as the header spells them.
    pub fn text(&self) -> String {
        self.entries.join(",")
    }

    /// The header value to send; `None` when cutting left nothing.
    pub fn to_header_value(&self) -> Option<HeaderValue> {
        if self.entries.is_empty() {
            return None;
        }
        // Only visible ASCII and spaces, checked on the way in: always a valid header value.
        HeaderValue::from_str(&self.text()).ok()
    }
}

fn entry_key(entry: &str) -> &str {
    entry.split_once('=').map_or(entry, |(key, _)| key)
}

/// `simple-key` (a lower-case letter, then up to 255 of `a-z0-9_-*/`) or `multi-tenant-key`
/// (`tenant@system`: a tenant of 1 to 241 such characters starting with a letter or digit, a
/// system of 1 to 14 starting with a letter).
fn is_key(key: &str) -> bool {
    fn key_char(byte: u8) -> bool {
        byte.is_ascii_lowercase() || byte.is_ascii_digit() || b"_-*/".contains(&byte)
    }
    fn part(text: &str, max: usize, first_may_be_digit: bool) -> bool {
        let bytes = text.as_bytes();
        match bytes.first() {
            Some(first) => {
                bytes.len() <= max
                    && (first.is_ascii_lowercase()
                        || (first_may_be_digit && first.is_ascii_digit()))
                    && bytes.iter().all(|byte| key_char(*byte))
            }
            None => false,
        }
    }
    match key.split_once('@') {
        Some((tenant, system)) => part(tenant, 241, true) && part(system, 14, false),
        None => part(key, 256, false),
    }
}

/// Up to 256 printable ASCII characters but `,` and `=`, spaces allowed inside, not last.
fn is_value(value: &str) -> bool {
    let bytes = value.as_bytes();
    let printable = |byte: &u8| (0x20..=0x7e).contains(byte) && *byte != b',' && *byte != b'=';
    match bytes.last() {
        Some(last) => bytes.len() <= 256 && *last != b' ' && bytes.iter().all(printable),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(values: &[&str]) -> Option<TraceState> {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(TRACESTATE, HeaderValue::from_str(value).unwrap());
        }
        TraceState::from_headers(&headers)
    }

    fn text(state: Option<TraceState>) -> String {
        state
            .and_then(|state| state.to_header_value())
            .map(|value| value.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    #[test]
    fn valid_headers_are_forwarded_in_order_and_combined() {
        assert_eq!(
            text(state(&["rojo=00f067aa0ba902b7, congo=t61rcWkgMzE"])),
            "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE"
        );
        // Several headers are one list; empty members and spaces around them carry nothing.
        assert_eq!(
            text(state(&["a=1,,\t", " tenant@vendor=x y, b/c*d_e-f=2"])),
            "a=1,tenant@vendor=x y,b/c*d_e-f=2"
        );
        assert_eq!(state(&[]), None);
        assert_eq!(state(&[" , "]), None);
    }

    #[test]
    fn a_header_that_breaks_the_grammar_is_dropped_whole() {
        for bad in [
            "novalue",
            "Upper=1",
            "1digit=1",
            "a=",
            "a=x=y",
            "a=1,a=2",
            "@vendor=1",
            "tenant@=1",
            "tenant@9vendor=1",
            "tenant@abcdefghijklmno=1",
            "a=caf\u{e9}",
        ] {
            let mut headers = HeaderMap::new();
            let value = HeaderValue::from_bytes(format!("ok=1,{bad}").as_bytes()).unwrap();
            headers.insert(TRACESTATE, value);
            assert_eq!(TraceState::from_headers(&headers), None, "{bad}");
        }
        let thirty_three: Vec<String> = (0..33).map(|index| format!("k{index}=v")).collect();
        assert_eq!(state(&[&thirty_three.join(",")]), None);
        let thirty_two = &thirty_three[..32];
        assert_eq!(text(state(&[&thirty_two.join(",")])), thirty_two.join(","));
    }

    #[test]
    fn a_long_header_loses_its_long_entries_first_then_entries_from_the_right() {
        let long = format!("long={}", "x".repeat(200));
        let short: Vec<String> = (0..20)
            .map(|index| format!("k{index:02}=v{index:013}"))
            .collect();
        // 20 entries of 18 bytes and commas: 379 bytes, under the limit once the long one is cut.
        let mut members = vec![short[0].clone(), long.clone()];
        members.extend(short[1..].iter().cloned());
        let forwarded = text(state(&[&members.join(",")]));
        assert_eq!(forwarded, short.join(","));

        // Without long entries, entries go from the right until it fits.
        let many: Vec<String> = (0..30)
            .map(|index| format!("k{index:02}=v{index:013}"))
            .collect();
        let forwarded = text(state(&[&many.join(",")]));
        assert!(
            forwarded.len() <= MAX_FORWARDED_BYTES,
            "{}",
            forwarded.len()
        );
        // 27 entries and 26 commas: 27 * 18 + 26 = 512 bytes.
        assert_eq!(forwarded, many[..27].join(","));
    }
}
