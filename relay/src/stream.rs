//! Response bodies that outlive the handler: the SSE relay (event by event, model name rewritten,
//! the injected usage chunk dropped, usage captured) and the plain pass-through for binary
//! bodies. Dropping either (the client went away) drops the upstream response with it, which
//! closes the upstream connection, and still sends the one usage record.

use std::time::Duration;

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use futures::StreamExt;

use crate::adaptor::StreamConverter;
use crate::backend::TokenUsage;
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::sse::{SseEvent, SseParser};
use crate::upstream::{ByteStream, classify};
use crate::usage::{Choice, Estimator, OpenAiUsage, UsageLog, collect_choice_text};

/// Completion data kept for local counting; beyond this the estimate undercounts.
const MAX_COLLECTED_TEXT: usize = 4 * 1024 * 1024;

/// How one event stream is to be rewritten.
pub struct SseOptions {
    /// The name the client asked for, put back into `model` when a mapping applied.
    pub rewrite_model_to: Option<String>,
    /// The client did not ask for the usage-only chunk; it was requested for our own counting.
    pub drop_usage_chunk: bool,
    pub idle: Duration,
    pub estimator: Estimator,
}

/// The client-facing body for an upstream event stream whose first chunk was already read.
pub fn sse_body(
    first: Bytes,
    upstream: ByteStream,
    converter: Box<dyn StreamConverter>,
    options: SseOptions,
    log: UsageLog,
) -> Body {
    let relay = SseRelay {
        upstream,
        first: Some(first),
        parser: SseParser::new(),
        converter,
        options,
        log: Some(log),
        usage: None,
        choices: Vec::new(),
        choices_bytes: 0,
        converted: Vec::new(),
        parsed: Vec::new(),
    };
    let stream = futures::stream::unfold(relay, |mut relay| async move {
        let chunk = relay.next_chunk().await?;
        Some((Ok::<_, std::convert::Infallible>(chunk), relay))
    });
    Body::from_stream(stream)
}

struct SseRelay {
    upstream: ByteStream,
    first: Option<Bytes>,
    parser: SseParser,
    converter: Box<dyn StreamConverter>,
    options: SseOptions,
    /// `None` once the usage record was sent.
    log: Option<UsageLog>,
    usage: Option<TokenUsage>,
    /// Raw `choices` arrays seen so far, for counting if no usage arrives.
    choices: Vec<String>,
    choices_bytes: usize,
    parsed: Vec<SseEvent>,
    converted: Vec<SseEvent>,
}

impl SseRelay {
    /// The next bytes for the client: every event completed by the chunks read so far.
    async fn next_chunk(&mut self) -> Option<Bytes> {
        self.log.as_ref()?;
        loop {
            let next = match self.first.take() {
                Some(first) => Some(Ok(first)),
                None => match tokio::time::timeout(self.options.idle, self.upstream.next()).await {
                    Ok(next) => next,
                    Err(_) => {
                        return Some(
                            self.fail(RelayError::UpstreamTimeout, "upstream stream stalled"),
                        );
                    }
                },
            };
            match next {
                Some(Ok(bytes)) => {
                    let mut parsed = std::mem::take(&mut self.parsed);
                    if self.parser.push(&bytes, &mut parsed).is_err() {
                        return Some(
                            self.fail(RelayError::UpstreamInvalid, "upstream event too large"),
                        );
                    }
                    let out = self.forward(&mut parsed);
                    self.parsed = parsed;
                    if !out.is_empty() {
                        if let Some(log) = &mut self.log {
                            log.first_byte_now();
                        }
                        return Some(out);
                    }
                }
                Some(Err(error)) => {
                    return Some(self.fail(classify(&error), "upstream stream was cut"));
                }
                None => {
                    let mut rest = self.parser.finish().into_iter().collect::<Vec<_>>();
                    let out = self.forward(&mut rest);
                    self.finish(200, None);
                    return (!out.is_empty()).then_some(out);
                }
            }
        }
    }

    fn forward(&mut self, events: &mut Vec<SseEvent>) -> Bytes {
        let mut out = BytesMut::new();
        let mut converted = std::mem::take(&mut self.converted);
        for event in events.drain(..) {
            self.converter.convert(event, &mut converted);
        }
        for event in converted.drain(..) {
            if let Some(bytes) = self.transform(event) {
                out.extend_from_slice(&bytes);
            }
        }
        self.converted = converted;
        out.freeze()
    }

    /// One event as the client sees it; `None` to drop it.
    fn transform(&mut self, event: SseEvent) -> Option<Bytes> {
        let SseEvent { raw, data } = event;
        let Some(data) = data else { return Some(raw) };
        let Ok(mut object) = JsonObject::parse(Bytes::from(data)) else {
            // `[DONE]` and anything else that is not a JSON object go through as they are.
            return Some(raw);
        };
        let usage = object.get_as::<OpenAiUsage>("usage").ok().flatten();
        let usage_only = usage.is_some()
            && object
                .get("choices")
                .is_none_or(|choices| choices.trim() == "[]");
        if let Some(usage) = usage {
            self.usage = Some(usage.into_tokens());
        }
        if usage_only && self.options.drop_usage_chunk {
            return None;
        }
        // Keep the raw choices, and parse them only if the stream ends without usage: most
        // upstreams report usage, and parsing every chunk for nothing costs CPU per token.
        if self.usage.is_none()
            && let Some(choices) = object.get("choices")
            && self.choices_bytes + choices.len() <= MAX_COLLECTED_TEXT
        {
            self.choices_bytes += choices.len();
            self.choices.push(choices.to_owned());
        }
        match &self.options.rewrite_model_to {
            Some(model) if object.get("model").is_some() => {
                object.set("model", model).ok()?;
                Some(rebuild_event(&raw, &object.to_bytes()))
            }
            _ => Some(raw),
        }
    }

    /// Ends the stream with an error event: the status line is long gone, so this is the only
    /// way left to tell the client (OpenAI's SDKs raise on an `error` chunk).
    fn fail(&mut self, error: RelayError, reason: &str) -> Bytes {
        self.finish(error.status().as_u16(), Some(reason.to_owned()));
        let mut out = BytesMut::from(&b"data: "[..]);
        out.extend_from_slice(&error.to_json());
        out.extend_from_slice(b"\n\n");
        out.freeze()
    }

    fn finish(&mut self, status: u16, error: Option<String>) {
        self.account();
        if let Some(mut log) = self.log.take() {
            log.set_outcome(status, error);
            log.finish();
        }
    }

    fn account(&mut self) {
        let Some(log) = &mut self.log else { return };
        let record = log.record();
        match self.usage.take() {
            Some(usage) => record.usage = usage,
            None => {
                let mut completion = String::new();
                for raw in self.choices.drain(..) {
                    if let Ok(choices) = serde_json::from_str::<Vec<Choice>>(&raw) {
                        collect_choice_text(&choices, &mut completion, MAX_COLLECTED_TEXT);
                    }
                }
                record.usage = self.options.estimator.estimate(&completion);
                record.usage_estimated = true;
            }
        }
    }
}

impl Drop for SseRelay {
    fn drop(&mut self) {
        // The client went away mid-stream: the record keeps its "client closed" status and
        // gets whatever usage is known.
        self.account();
    }
}

/// The event with its data replaced, other fields (`event:`, `id:`) kept.
fn rebuild_event(raw: &[u8], data: &[u8]) -> Bytes {
    let mut out = BytesMut::with_capacity(raw.len() + 16);
    for line in raw.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() || line.starts_with(b"data:") {
            continue;
        }
        out.extend_from_slice(line);
        out.extend_from_slice(b"\n");
    }
    out.extend_from_slice(b"data: ");
    out.extend_from_slice(data);
    out.extend_from_slice(b"\n\n");
    out.freeze()
}

/// The client-facing body for a non-JSON, non-SSE upstream body (audio), passed through chunk by
/// chunk. Errors abort the response, so the client sees a truncated body, not a complete one.
pub fn passthrough_body(
    first: Bytes,
    upstream: ByteStream,
    idle: Duration,
    usage: TokenUsage,
    log: UsageLog,
) -> Body {
    struct Passthrough {
        first: Option<Bytes>,
        upstream: ByteStream,
        idle: Duration,
        usage: TokenUsage,
        log: Option<UsageLog>,
    }
    let state = Passthrough {
        first: Some(first),
        upstream,
        idle,
        usage,
        log: Some(log),
    };
    let stream = futures::stream::unfold(state, |mut state| async move {
        let mut log = state.log.take()?;
        let next = match state.first.take() {
            Some(first) => Some(Ok(first)),
            None => match tokio::time::timeout(state.idle, state.upstream.next()).await {
                Ok(next) => next.map(|chunk| chunk.map_err(Some)),
                Err(_) => Some(Err(None)),
            },
        };
        match next {
            Some(Ok(bytes)) => {
                log.first_byte_now();
                state.log = Some(log);
                Some((Ok(bytes), state))
            }
            None => {
                log.record().usage = std::mem::take(&mut state.usage);
                log.record().usage_estimated = true;
                log.set_outcome(200, None);
                log.finish();
                None
            }
            Some(Err(error)) => {
                let (status, reason) = match error {
                    None => (
                        RelayError::UpstreamTimeout.status().as_u16(),
                        "upstream body stalled",
                    ),
                    Some(_) => (
                        RelayError::UpstreamInvalid.status().as_u16(),
                        "upstream body was cut",
                    ),
                };
                log.set_outcome(status, Some(reason.to_owned()));
                log.finish();
                Some((Err(std::io::Error::other(reason)), state))
            }
        }
    });
    Body::from_stream(stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebuilt_events_keep_their_other_fields() {
        for (raw, expected) in [
            ("data: {\"a\":1}\n\n", "data: {\"model\":\"x\"}\n\n"),
            (
                "event: chunk\r\nid: 7\r\ndata: {}\r\n\r\n",
                "event: chunk\nid: 7\ndata: {\"model\":\"x\"}\n\n",
            ),
            ("data: {\ndata: }\n\n", "data: {\"model\":\"x\"}\n\n"),
        ] {
            let rebuilt = rebuild_event(raw.as_bytes(), br#"{"model":"x"}"#);
            assert_eq!(std::str::from_utf8(&rebuilt).unwrap(), expected, "{raw:?}");
        }
    }
}
