//! Response bodies that outlive the handler: the SSE relay (event by event, converted between
//! protocols through the chat pivot, model name rewritten, the injected usage chunk dropped,
//! usage captured) and the plain pass-through for binary bodies. Dropping either (the client
//! went away) drops the upstream response with it, which closes the upstream connection, and
//! still sends the one usage record.

use std::time::Duration;

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use serde_json::Value;

use crate::convert::{EventConverter, ResponseMeta, StreamEvent, stream_converter};
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::plugin::{End, Exchange};
use crate::provider::StreamDecoder;
use crate::sse::{SseEvent, SseParser};
use crate::upstream::{ByteStream, classify};
use crate::usage::{Choice, Estimator, OpenAiUsage, PendingRecord, collect_choice_text};
use crate::vocabulary::{Face, TokenUsage, Wire};

/// Completion data kept for local counting; beyond this the estimate undercounts.
const MAX_COLLECTED_TEXT: usize = 4 * 1024 * 1024;

/// How one event stream is to be rewritten.
pub struct SseOptions {
    /// Reads the upstream's bytes into events of `channel`'s protocol (the provider's).
    pub decoder: Box<dyn StreamDecoder>,
    /// The name the client asked for, put back into the model field when a mapping applied.
    pub rewrite_model_to: Option<String>,
    /// The client did not ask for the usage-only chunk; it was requested for our own counting.
    pub drop_usage_chunk: bool,
    pub idle: Duration,
    pub estimator: Estimator,
    /// The protocol of the upstream's events (chat for the OpenAI-only endpoints).
    pub channel: Wire,
    /// The protocol of the events the client reads.
    pub client: Wire,
    /// The client's face: decides the form of a failed stream's last event.
    pub face: Face,
    pub meta: ResponseMeta,
    /// How many of the first bytes sent to the client the usage record keeps (log details).
    pub detail_max_bytes: usize,
    /// The request's plugin hooks: chat chunks, bytes to the client, the end. `None` when no
    /// plugin watches this response (none configured, or none triggered by the request): the
    /// stream then runs no plugin code at all.
    pub plugins: Option<Exchange>,
}

/// The client-facing body for an upstream event stream whose first chunk was already read.
///
/// Every stream is accounted in the chat protocol: upstream events of another protocol are
/// converted to chat chunks first; those chunks give usage, carry the renamed model and, for a
/// client of a third protocol, are converted again. When client and channel speak the same
/// non-chat protocol the upstream events go through as they are and the chat copy is only read.
pub fn sse_body(
    first: Bytes,
    upstream: ByteStream,
    options: SseOptions,
    pending: PendingRecord,
) -> Body {
    let to_chat = match options.channel {
        Wire::Chat => None,
        channel => stream_converter(channel, Wire::Chat, options.meta.clone()),
    };
    let from_chat = match options.client {
        Wire::Chat => None,
        client if client == options.channel => None,
        client => stream_converter(Wire::Chat, client, options.meta.clone()),
    };
    let native = options.client == options.channel && options.channel != Wire::Chat;
    let mut options = options;
    let decoder = std::mem::replace(&mut options.decoder, Box::new(SseParser::new()));
    let relay = SseRelay {
        upstream,
        first: Some(first),
        decoder,
        to_chat,
        from_chat,
        native,
        upstream_closed: false,
        client_closed: false,
        options,
        pending: Some(pending),
        usage: None,
        choices: Vec::new(),
        choices_bytes: 0,
        parsed: Vec::new(),
        scratch: Vec::new(),
        upstream_error: None,
        service_tier: None,
        captured: BytesMut::new(),
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
    decoder: Box<dyn StreamDecoder>,
    /// Upstream protocol to chat; `None` for a chat upstream.
    to_chat: Option<Box<dyn EventConverter>>,
    /// Chat to the client's protocol; `None` for a chat client or a native pass-through.
    from_chat: Option<Box<dyn EventConverter>>,
    /// Client and channel speak the same non-chat protocol: forward upstream events.
    native: bool,
    /// `to_chat` was finished.
    upstream_closed: bool,
    /// `from_chat` was finished.
    client_closed: bool,
    options: SseOptions,
    /// `None` once the usage record was sent.
    pending: Option<PendingRecord>,
    usage: Option<TokenUsage>,
    /// Raw `choices` arrays seen so far, for counting if no usage arrives.
    choices: Vec<String>,
    choices_bytes: usize,
    parsed: Vec<SseEvent>,
    scratch: Vec<StreamEvent>,
    /// The upstream reported an error inside the stream (an `error` chunk once in chat form):
    /// the record says so although the transfer itself ended cleanly.
    upstream_error: Option<String>,
    /// The service tier the upstream said the request ran at (OpenAI's chunks carry it).
    service_tier: Option<String>,
    /// The first bytes sent to the client, for the request log's details.
    captured: BytesMut,
}

impl SseRelay {
    /// The next bytes for the client: every event completed by the chunks read so far.
    async fn next_chunk(&mut self) -> Option<Bytes> {
        self.pending.as_ref()?;
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
                    if let Err(error) = self.decoder.push(&bytes, &mut parsed) {
                        self.parsed = parsed;
                        return Some(self.fail(error, "upstream stream undecodable"));
                    }
                    let mut out = BytesMut::new();
                    self.forward(&mut parsed, &mut out);
                    self.parsed = parsed;
                    if !out.is_empty() {
                        if let Some(pending) = &mut self.pending {
                            pending.first_byte_now();
                        }
                        self.capture(&out);
                        return Some(out.freeze());
                    }
                }
                Some(Err(error)) => {
                    return Some(self.fail(classify(&error), "upstream stream was cut"));
                }
                None => {
                    let mut rest = Vec::new();
                    if let Err(error) = self.decoder.finish(&mut rest) {
                        return Some(self.fail(error, "upstream stream undecodable"));
                    }
                    let mut out = BytesMut::new();
                    self.forward(&mut rest, &mut out);
                    // Gemini has no end marker, and a cut stream must still close the client's.
                    self.close(&mut out);
                    self.capture(&out);
                    self.finish(200, None);
                    return (!out.is_empty()).then(|| out.freeze());
                }
            }
        }
    }

    fn forward(&mut self, events: &mut Vec<SseEvent>, out: &mut BytesMut) {
        for event in events.drain(..) {
            if self.to_chat.is_none() {
                self.chat_event(event, out);
                continue;
            }
            if let Some(to_chat) = &mut self.to_chat
                && !self.upstream_closed
                && let Some(value) = event
                    .data
                    .as_deref()
                    .and_then(|data| serde_json::from_str::<Value>(data).ok())
            {
                to_chat.push(&value, &mut self.scratch);
            }
            self.drain_chat(out);
            if self.native {
                out.extend_from_slice(&self.native_event(event));
            }
        }
    }

    /// Feeds the chat chunks the upstream converter produced onwards.
    fn drain_chat(&mut self, out: &mut BytesMut) {
        let mut chat = std::mem::take(&mut self.scratch);
        for event in chat.drain(..) {
            if matches!(event, StreamEvent::Done) {
                self.upstream_closed = true;
            }
            self.chat_event(event.into_sse(), out);
        }
        self.scratch = chat;
    }

    /// One chat chunk: accounted, renamed, then written for a chat client or converted.
    fn chat_event(&mut self, event: SseEvent, out: &mut BytesMut) {
        let is_done = event.data.as_deref().map(str::trim) == Some("[DONE]");
        let Some(mut event) = self.transform(event) else {
            return;
        };
        if self.native {
            return;
        }
        if self.wants_chunks() {
            event = self.plugin_chunk(event);
        }
        let Some(from_chat) = &mut self.from_chat else {
            out.extend_from_slice(&event.raw);
            return;
        };
        if self.client_closed {
            return;
        }
        if is_done {
            from_chat.finish_sse(out);
            self.client_closed = true;
        } else if let Some(data) = event.data.as_deref() {
            from_chat.push_sse(data, out);
        }
    }

    /// The upstream stream ended: finish the converters so the client's stream ends in its
    /// protocol's way (or with its error form when the upstream stopped half-way).
    fn close(&mut self, out: &mut BytesMut) {
        if let Some(to_chat) = &mut self.to_chat
            && !self.upstream_closed
        {
            to_chat.finish(&mut self.scratch);
            self.upstream_closed = true;
            self.drain_chat(out);
        }
        if let Some(from_chat) = &mut self.from_chat
            && !self.client_closed
        {
            from_chat.finish_sse(out);
            self.client_closed = true;
        }
    }

    /// An upstream event forwarded in its own protocol, with the model renamed.
    fn native_event(&self, event: SseEvent) -> Bytes {
        let (Some(model), Some(data)) = (&self.options.rewrite_model_to, event.data.as_deref())
        else {
            return event.raw;
        };
        let Ok(mut value) = serde_json::from_str::<Value>(data) else {
            return event.raw;
        };
        if rename_native_model(self.options.channel, &mut value, model) {
            rebuild_event(&event.raw, value.to_string().as_bytes())
        } else {
            event.raw
        }
    }

    /// One chat chunk as the client sees it; `None` to drop it. The returned `data` is kept
    /// only when a converter reads it: a chat client gets `raw`.
    fn transform(&mut self, event: SseEvent) -> Option<SseEvent> {
        let SseEvent { raw, data } = event;
        let Some(data) = data else {
            return Some(SseEvent { raw, data: None });
        };
        // A chunk hook reads the data too: keeping it spares parsing the raw event again.
        let keep_data = (self.from_chat.is_some() && !self.native) || self.wants_chunks();
        // `Bytes::from(String)` takes the buffer without copying.
        let data = Bytes::from(data);
        let kept = |data: &[u8]| keep_data.then(|| String::from_utf8_lossy(data).into_owned());
        let Ok(mut object) = JsonObject::parse(data.clone()) else {
            // `[DONE]` and anything else that is not a JSON object go through as they are.
            return Some(SseEvent {
                raw,
                data: kept(&data),
            });
        };
        if self.upstream_error.is_none()
            && let Some(error) = object.get("error")
        {
            #[derive(serde::Deserialize)]
            struct Detail {
                message: Option<String>,
            }
            let message = serde_json::from_str::<Detail>(error)
                .ok()
                .and_then(|detail| detail.message)
                .unwrap_or_default();
            self.upstream_error = Some(format!(
                "upstream error mid-stream: {}",
                message.chars().take(200).collect::<String>()
            ));
        }
        let usage = object.get_as::<OpenAiUsage>("usage").ok().flatten();
        let usage_only = usage.is_some()
            && object
                .get("choices")
                .is_none_or(|choices| choices.trim() == "[]");
        if let Some(usage) = usage {
            self.usage = Some(usage.into_tokens());
        }
        if self.service_tier.is_none()
            && let Some(tier) = crate::usage::service_tier(&object)
        {
            self.service_tier = Some(tier);
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
        if let Some(model) = &self.options.rewrite_model_to
            && object.get("model").is_some()
        {
            object.set("model", model).ok()?;
            let renamed = object.to_bytes();
            return Some(SseEvent {
                raw: rebuild_event(&raw, &renamed),
                data: kept(&renamed),
            });
        }
        // The object shares `data`'s buffer: without it the text goes back without a copy.
        drop(object);
        Some(SseEvent {
            raw,
            data: keep_data.then(|| into_string(data)),
        })
    }

    /// Ends the stream with an error event in the client's protocol: the status line is long
    /// gone, so this is the only way left to tell the client (the SDKs raise on it).
    fn fail(&mut self, error: RelayError, reason: &str) -> Bytes {
        self.finish(error.status().as_u16(), Some(reason.to_owned()));
        Bytes::from(error.stream_event_for(self.options.face))
    }

    fn capture(&mut self, out: &[u8]) {
        let room = self
            .options
            .detail_max_bytes
            .saturating_sub(self.captured.len());
        self.captured.extend_from_slice(&out[..out.len().min(room)]);
        // Only a hook that keeps what the client received (the cache) gets a copy.
        if let Some(plugins) = &mut self.options.plugins
            && plugins.wants_bytes()
        {
            plugins.on_bytes(&Bytes::copy_from_slice(out));
        }
    }

    /// True while some plugin hook reads chat chunks.
    fn wants_chunks(&mut self) -> bool {
        self.options
            .plugins
            .as_mut()
            .is_some_and(Exchange::wants_chunks)
    }

    /// One chat chunk through the plugins' chunk hooks (think split).
    fn plugin_chunk(&mut self, event: SseEvent) -> SseEvent {
        let data = match &event.data {
            Some(data) => data.clone(),
            None => {
                let mut parsed = Vec::new();
                let mut parser = SseParser::new();
                if parser.push(&event.raw, &mut parsed).is_err() {
                    return event;
                }
                match parsed.pop().and_then(|parsed| parsed.data) {
                    Some(data) => data,
                    None => return event,
                }
            }
        };
        let Ok(mut value) = serde_json::from_str::<Value>(&data) else {
            return event;
        };
        if !value.is_object() {
            return event;
        }
        if let Some(plugins) = &mut self.options.plugins {
            plugins.on_chunk(&mut value);
        }
        let text = value.to_string();
        let keep_data = self.from_chat.is_some() && !self.native;
        SseEvent {
            raw: rebuild_event(&event.raw, text.as_bytes()),
            data: keep_data.then_some(text),
        }
    }

    fn finish(&mut self, status: u16, error: Option<String>) {
        self.account();
        if let Some(pending) = &mut self.pending {
            pending.record().response_body = Some(std::mem::take(&mut self.captured).freeze());
        }
        let (status, error) = match (status, error, self.upstream_error.take()) {
            (200, None, Some(upstream)) => {
                (RelayError::UpstreamFailed.status().as_u16(), Some(upstream))
            }
            (status, error, _) => (status, error),
        };
        if let Some(mut pending) = self.pending.take() {
            pending.set_outcome(status, error);
            let record = pending.record();
            if let Some(plugins) = &mut self.options.plugins {
                plugins.end(&End {
                    status,
                    usage: &record.usage,
                    channel_id: record.channel_id,
                });
            }
            pending.finish();
        }
    }

    fn account(&mut self) {
        let Some(pending) = &mut self.pending else {
            return;
        };
        let record = pending.record();
        if let Some(tier) = self.service_tier.take() {
            record.service_tier = Some(tier);
        }
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

/// The text of bytes that came from a `String`, taking their buffer when it is not shared.
fn into_string(data: Bytes) -> String {
    String::from_utf8(Vec::from(data))
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
}

/// Puts `model` where a protocol's own events name the model; false when this event names none.
pub fn rename_native_model(wire: Wire, value: &mut Value, model: &str) -> bool {
    let nested = match wire {
        Wire::Messages => Some("message"),
        Wire::Responses => Some("response"),
        Wire::Chat | Wire::Gemini => None,
    };
    let key = if wire == Wire::Gemini {
        "modelVersion"
    } else {
        "model"
    };
    let slot = match nested {
        Some(outer) if value.get(key).is_none() => {
            value.get_mut(outer).and_then(|inner| inner.get_mut(key))
        }
        _ => value.get_mut(key),
    };
    match slot {
        Some(slot) => {
            *slot = Value::String(model.to_owned());
            true
        }
        None => false,
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
    pending: PendingRecord,
) -> Body {
    struct Passthrough {
        first: Option<Bytes>,
        upstream: ByteStream,
        idle: Duration,
        usage: TokenUsage,
        pending: Option<PendingRecord>,
    }
    let state = Passthrough {
        first: Some(first),
        upstream,
        idle,
        usage,
        pending: Some(pending),
    };
    let stream = futures::stream::unfold(state, |mut state| async move {
        let mut pending = state.pending.take()?;
        let next = match state.first.take() {
            Some(first) => Some(Ok(first)),
            None => match tokio::time::timeout(state.idle, state.upstream.next()).await {
                Ok(next) => next.map(|chunk| chunk.map_err(Some)),
                Err(_) => Some(Err(None)),
            },
        };
        match next {
            Some(Ok(bytes)) => {
                pending.first_byte_now();
                state.pending = Some(pending);
                Some((Ok(bytes), state))
            }
            None => {
                pending.record().usage = std::mem::take(&mut state.usage);
                pending.record().usage_estimated = true;
                pending.set_outcome(200, None);
                pending.finish();
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
                pending.set_outcome(status, Some(reason.to_owned()));
                pending.finish();
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
