//! W3C trace context: the client's `traceparent` (and `tracestate`) read, and those sent upstream naming the gateway's span as parent.
//!
//! The relay does not know whether spans are exported: a host that exports them says which ids
//! a span carries ([`SpanIds`]), so the upstream's parent is a span the collector receives.
//! Without one, the client's trace goes on with a span id of the gateway's own, so the
//! upstream's spans still join the client's trace.

use axum::http::{HeaderMap, HeaderValue};

use crate::trace_state::TraceState;

/// The header of W3C Trace Context, read from clients and sent upstream.
pub const TRACEPARENT: &str = "traceparent";

/// One `traceparent` value: version 00, a trace id, the id of the parent span and the flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceParent {
    pub trace_id: [u8; 16],
    pub parent_id: [u8; 8],
    pub flags: u8,
}

impl TraceParent {
    /// A `traceparent` value as the W3C format spells it; `None` for anything else (a wrong
    /// length or version, upper-case or non-hex digits, an all-zero id), which starts no trace.
    pub fn parse(value: &str) -> Option<TraceParent> {
        let mut fields = value.split('-');
        let (version, trace_id, parent_id, flags) = (
            fields.next()?,
            fields.next()?,
            fields.next()?,
            fields.next()?,
        );
        // Version 00 has exactly four fields; a later version may append more, and is read
        // as 00 per the specification, but "ff" is invalid.
        if version.len() != 2 || version == "ff" || !is_lower_hex(version) {
            return None;
        }
        if version == "00" && fields.next().is_some() {
            return None;
        }
        let trace_id: [u8; 16] = decode_lower_hex(trace_id)?;
        let parent_id: [u8; 8] = decode_lower_hex(parent_id)?;
        let [flags]: [u8; 1] = decode_lower_hex(flags)?;
        if trace_id == [0; 16] || parent_id == [0; 8] {
            return None;
        }
        Some(TraceParent {
            trace_id,
            parent_id,
            flags,
        })
    }

    /// The client's `traceparent` header, if it has one that parses (the first, if several).
    pub fn from_headers(headers: &HeaderMap) -> Option<TraceParent> {
        let value = headers.get(TRACEPARENT)?.to_str().ok()?;
        TraceParent::parse(value)
    }

    /// The same trace under a new span id: the gateway's span when nobody exports it.
    pub fn with_new_span_id(self) -> TraceParent {
        let mut parent_id = [0u8; 8];
        while parent_id == [0; 8] {
            parent_id = rand::random();
        }
        TraceParent { parent_id, ..self }
    }

    /// The header value, always version 00.
    pub fn to_header_value(self) -> HeaderValue {
        let text = format!(
            "00-{}-{}-{:02x}",
            hex::encode(self.trace_id),
            hex::encode(self.parent_id),
            self.flags
        );
        // Only hex digits and dashes: always a valid header value.
        HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
    }
}

/// What a client sent of W3C trace context: a valid `traceparent` and, only beside one (the
/// specification reads `tracestate` only then), its `tracestate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientTrace {
    pub parent: TraceParent,
    pub state: Option<TraceState>,
}

impl ClientTrace {
    pub fn from_headers(headers: &HeaderMap) -> Option<ClientTrace> {
        Some(ClientTrace {
            parent: TraceParent::from_headers(headers)?,
            state: TraceState::from_headers(headers),
        })
    }
}

/// Says which trace and span ids a tracing span carries when the host exports spans (an
/// OpenTelemetry layer); `None` when the span is not exported.
pub trait SpanIds: Send + Sync + 'static {
    fn trace_parent(&self, span: &tracing::Span) -> Option<TraceParent>;
}

/// The `traceparent` for an upstream request made under `span`: the exported span's ids when
/// the host has them, else the client's trace under a new span id, else none.
pub fn upstream_trace_parent(
    span_ids: Option<&dyn SpanIds>,
    span: &tracing::Span,
    client: Option<TraceParent>,
) -> Option<TraceParent> {
    span_ids
        .and_then(|span_ids| span_ids.trace_parent(span))
        .or_else(|| client.map(TraceParent::with_new_span_id))
}

/// The `tracestate` to send beside `sent` (the upstream's `traceparent`): the client's, when
/// `sent` goes on in the client's trace. A trace the gateway started (the client sent none, or
/// the exported span belongs to another trace) carries none: the client's entries describe its
/// own trace.
pub fn upstream_trace_state(
    sent: TraceParent,
    client: Option<&ClientTrace>,
) -> Option<HeaderValue> {
    let client = client?;
    if client.parent.trace_id != sent.trace_id {
        return None;
    }
    client.state.as_ref()?.to_header_value()
}

fn is_lower_hex(text: &str) -> bool {
    text.bytes()
        .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
}

fn decode_lower_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != N * 2 || !is_lower_hex(text) {
        return None;
    }
    let mut bytes = [0u8; N];
    hex::decode_to_slice(text, &mut bytes).ok()?;
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn a_valid_header_round_trips() {
        let parent = TraceParent::parse(VALID).unwrap();
        assert_eq!(parent.flags, 1);
        assert_eq!(
            hex::encode(parent.trace_id),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        assert_eq!(parent.to_header_value(), VALID);
    }

    #[test]
    fn malformed_headers_start_no_trace() {
        for value in [
            "",
            "00",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
        ] {
            assert_eq!(TraceParent::parse(value), None, "{value:?}");
        }
        // A later version may carry more fields; its first four are read as version 00.
        let future = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-more";
        assert!(TraceParent::parse(future).is_some());
    }

    #[test]
    fn without_exported_spans_the_client_trace_goes_on_under_a_new_span() {
        let client = TraceParent::parse(VALID).unwrap();
        let span = tracing::Span::none();
        let upstream = upstream_trace_parent(None, &span, Some(client)).unwrap();
        assert_eq!(upstream.trace_id, client.trace_id);
        assert_eq!(upstream.flags, client.flags);
        assert_ne!(upstream.parent_id, client.parent_id);
        assert_ne!(upstream.parent_id, [0; 8]);
        assert_eq!(upstream_trace_parent(None, &span, None), None);
    }

    #[test]
    fn the_client_tracestate_goes_only_with_its_own_trace() {
        let mut headers = HeaderMap::new();
        headers.insert(
            crate::trace_state::TRACESTATE,
            HeaderValue::from_static("rojo=1"),
        );
        // Without a traceparent a tracestate is not even read.
        assert_eq!(ClientTrace::from_headers(&headers), None);
        headers.insert(TRACEPARENT, HeaderValue::from_static(VALID));
        let client = ClientTrace::from_headers(&headers).unwrap();
        let continued = client.parent.with_new_span_id();
        assert_eq!(
            upstream_trace_state(continued, Some(&client)).unwrap(),
            "rojo=1"
        );
        let other_trace = TraceParent {
            trace_id: [7; 16],
            ..continued
        };
        assert_eq!(upstream_trace_state(other_trace, Some(&client)), None);
        assert_eq!(upstream_trace_state(continued, None), None);
    }

    #[test]
    fn an_exported_span_is_the_upstream_parent() {
        struct Fixed(TraceParent);
        impl SpanIds for Fixed {
            fn trace_parent(&self, _span: &tracing::Span) -> Option<TraceParent> {
                Some(self.0)
            }
        }
        let exported = TraceParent {
            trace_id: [7; 16],
            parent_id: [9; 8],
            flags: 1,
        };
        let client = TraceParent::parse(VALID).unwrap();
        let span = tracing::Span::none();
        assert_eq!(
            upstream_trace_parent(Some(&Fixed(exported)), &span, Some(client)),
            Some(exported)
        );
    }
}
