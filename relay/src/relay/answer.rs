//! Answering from an upstream's response: event streams, JSON bodies (converted or renamed), binary passthrough.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use futures::StreamExt;
use serde::Deserialize;

use super::Inner;
use super::attempt::Plan;
use super::request::ParsedRequest;
use crate::convert::{ResponseMeta, Wire, convert_response};
use crate::error::RelayError;
use crate::host::Channel;
use crate::json::JsonObject;
use crate::plugin::{End, Exchange};
use crate::provider::Endpoint;
use crate::stream::{SseOptions, passthrough_body, rename_native_model, sse_body};
use crate::upstream::{ByteStream, classify, read_body};
use crate::usage::{Choice, Estimator, OpenAiUsage, PendingRecord, collect_choice_text};

/// Largest non-streamed upstream response body the relay buffers (to read usage and rename the
/// model); chat and embedding responses are far below it.
pub(super) const MAX_BUFFERED_RESPONSE: usize = 64 * 1024 * 1024;

/// An upstream's successful answer, not yet read.
pub(super) struct Body {
    /// Lowercased.
    pub(super) content_type: String,
    pub(super) stream: ByteStream,
}

/// What answering the client needs to know about the attempt that got the answer.
pub(super) struct Answering<'a> {
    pub(super) endpoint: Endpoint,
    pub(super) request: &'a ParsedRequest,
    pub(super) channel: &'a Arc<Channel>,
    pub(super) plan: Plan,
    pub(super) status: StatusCode,
    /// The client's model name, when the channel answers under another.
    pub(super) rewrite_model_to: Option<String>,
    pub(super) meta: ResponseMeta,
    pub(super) estimator: Estimator,
    /// When the upstream's first bytes are overdue.
    pub(super) head_deadline: Instant,
    pub(super) client_wants_stream_usage: bool,
}

impl Answering<'_> {
    fn remaining(&self) -> Duration {
        self.head_deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(1))
    }
}

impl Inner {
    /// The client's response, shaped by what the upstream sent: an event stream, one JSON body
    /// or anything else (speech audio, plain text) passed through.
    pub(super) async fn answer(
        &self,
        answering: Answering<'_>,
        mut body: Body,
        exchange: &mut Exchange,
        pending: &mut PendingRecord,
    ) -> Result<Response, RelayError> {
        // A stream the client did not ask for (stream fake) is reassembled into one chat body
        // and answered like one.
        let mut reassembled = false;
        let framing = answering.plan.framing;
        if let Some(media) = answering.plan.media {
            return self.media_answer(media, answering, body, pending).await;
        }
        // Speech is audio whatever its framing: a `stream_format: sse` answer is relayed as
        // the upstream sends it, event by event, never reassembled into chat.
        if answering.endpoint == Endpoint::AudioSpeech {
            return passthrough_answer(answering, body, pending).await;
        }
        if framing.is_stream(&body.content_type) && !answering.request.stream {
            body = reassemble_stream(&answering, body).await?;
            reassembled = true;
        }
        if framing.is_stream(&body.content_type) {
            return self
                .stream_answer(answering, body.stream, exchange, pending)
                .await;
        }
        if body.content_type.contains("json") {
            return self
                .json_answer(answering, body.stream, reassembled, exchange, pending)
                .await;
        }
        passthrough_answer(answering, body, pending).await
    }

    /// An event stream relayed event by event, converted per event when the protocols differ.
    async fn stream_answer(
        &self,
        answering: Answering<'_>,
        mut upstream_body: ByteStream,
        exchange: &mut Exchange,
        pending: &mut PendingRecord,
    ) -> Result<Response, RelayError> {
        let remaining = answering.remaining();
        let Answering {
            endpoint,
            request,
            channel,
            plan,
            status,
            rewrite_model_to,
            meta,
            estimator,
            client_wants_stream_usage,
            ..
        } = answering;
        let first = first_chunk(&mut upstream_body, remaining)
            .await?
            .ok_or(RelayError::UpstreamInvalid)?;
        let watched = self.stores_response(plan.client_wire, plan.channel_wire, request);
        let (first, upstream_body) = if watched {
            self.remember_streamed_response(
                first,
                upstream_body,
                channel.id,
                &request.model,
                pending,
            )
        } else {
            (first, upstream_body)
        };
        let tools = Arc::clone(&meta.tools);
        let decoder = plan
            .provider
            .stream_decoder(channel, plan.channel_endpoint, &meta);
        let options = SseOptions {
            decoder,
            rewrite_model_to,
            drop_usage_chunk: plan.client_wire == Wire::Chat && !client_wants_stream_usage,
            idle: plan.timeouts.stream_idle,
            estimator,
            channel: plan.channel_wire,
            client: plan.client_wire,
            face: endpoint.face(),
            meta,
            detail_max_bytes: self.config.detail_max_bytes,
            // Hook-less plugins (configured but not triggered) stay out of the stream.
            plugins: (!exchange.is_passive()).then(|| std::mem::take(exchange)),
        };
        pending.record().stream = true;
        let pending = pending.hand_over();
        let body = sse_body(first, upstream_body, options, pending);
        let mut response = Response::new(body);
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        // Tells nginx-style proxies in front of us not to buffer the stream.
        headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
        tools.name_dropped_in(headers);
        Ok(response)
    }

    /// One JSON body, read whole: decoded by the provider (unless it is a stream reassembled
    /// into chat), usage read (or estimated), converted to the client's protocol, the model
    /// renamed back, the plugins' body hooks run.
    async fn json_answer(
        &self,
        answering: Answering<'_>,
        mut upstream_body: ByteStream,
        reassembled: bool,
        exchange: &mut Exchange,
        pending: &mut PendingRecord,
    ) -> Result<Response, RelayError> {
        let Answering {
            endpoint,
            request,
            channel,
            plan,
            status,
            ..
        } = &answering;
        let rewrite_model_to = answering.rewrite_model_to.as_deref();
        let bytes = read_body(
            &mut upstream_body,
            plan.timeouts.stream_idle,
            MAX_BUFFERED_RESPONSE,
        )
        .await?;
        let (bytes, payload_wire) = if reassembled {
            (bytes, Wire::Chat)
        } else {
            let bytes = plan.provider.decode_response(
                channel,
                plan.channel_endpoint,
                bytes,
                &answering.meta,
            )?;
            (bytes, plan.channel_wire)
        };
        // Upstreams without `top_n` (TEI) score every document; the client asked for fewer.
        let bytes = match rerank_top_n(*endpoint, request) {
            Some(top_n) => crate::provider::keep_top_n(bytes, top_n),
            None => bytes,
        };
        if self.stores_response(plan.client_wire, plan.channel_wire, request) {
            self.remember_response(&bytes, channel.id, &request.model, pending)
                .await;
        }
        let reads_service_tier =
            matches!(endpoint, Endpoint::ChatCompletions | Endpoint::Responses);
        // The service tier is read from the body parsed for its usage when it passes through
        // as it came (no second parse), else from the converted body below.
        let (bytes, usage, completion, service_tier) =
            if plan.client_wire == Wire::Chat && payload_wire == Wire::Chat {
                let finished = finish_json(bytes, rewrite_model_to, reads_service_tier);
                let completion = if finished.usage.is_none() {
                    completion_text(&finished.bytes, *endpoint)
                } else {
                    String::new()
                };
                (
                    finished.bytes,
                    finished.usage,
                    completion,
                    finished.service_tier,
                )
            } else {
                let (bytes, usage, completion) = convert_json(
                    &bytes,
                    payload_wire,
                    plan.client_wire,
                    &answering.meta,
                    rewrite_model_to,
                )?;
                let tier = reads_service_tier
                    .then(|| JsonObject::parse(bytes.clone()).ok())
                    .flatten()
                    .and_then(|object| crate::usage::service_tier(&object));
                (bytes, usage, completion, tier)
            };
        // OpenAI embeddings back in Gemini's shape for a Gemini client (usage read above).
        let bytes = match endpoint.gemini_embedding() {
            Some(shape) if plan.channel_endpoint == Endpoint::Embeddings => {
                crate::convert::gemini_embeddings::from_openai(&bytes, shape)?
            }
            _ => bytes,
        };
        let bytes = if plan.client_wire == Wire::Chat && exchange.wants_json() {
            plugin_json(bytes, exchange)
        } else {
            bytes
        };
        // A task API's answer names its task: an OpenAI client is shown a job of ours instead,
        // the vendor's own client its answer as it came.
        let bytes = match plan.video_tasks {
            Some(tasks) if *endpoint == Endpoint::Videos || endpoint.is_native_video() => {
                self.remember_task(
                    tasks,
                    *endpoint,
                    &bytes,
                    channel.id,
                    request,
                    &plan.upstream_model,
                    pending,
                )
                .await?
            }
            Some(tasks) if *endpoint == Endpoint::GeminiPredictLongRunning => {
                self.remember_operation(
                    tasks,
                    &bytes,
                    channel.id,
                    request,
                    &plan.upstream_model,
                    pending,
                )
                .await?
            }
            _ => bytes,
        };
        if plan.video_tasks.is_none()
            && let Some(api) = match endpoint {
                Endpoint::Videos => Some(crate::host::VideoApi::Videos),
                Endpoint::VideoGenerationJobs => Some(crate::host::VideoApi::GenerationJobs),
                _ => None,
            }
        {
            let (seconds, size) = super::videos::requested_video(request);
            self.remember_video(
                api,
                &bytes,
                channel.id,
                &request.model,
                &plan.upstream_model,
                seconds,
                size,
                None,
                pending,
            )
            .await;
        }
        let record = pending.record();
        if service_tier.is_some() {
            record.service_tier = service_tier;
        }
        record.response_body = Some(bytes.slice(..bytes.len().min(self.config.detail_max_bytes)));
        if matches!(
            endpoint,
            Endpoint::ImagesGenerations | Endpoint::ImagesEdits | Endpoint::ImagesVariations
        ) && let Some(images) = crate::media::images_returned(&bytes)
        {
            record.media.images = images;
        }
        match usage {
            Some(usage) => record.usage = usage,
            None => {
                record.usage = answering.estimator.estimate(&completion);
                record.usage_estimated = true;
            }
        }
        exchange.on_bytes(&bytes);
        exchange.end(&End {
            status: status.as_u16(),
            usage: &record.usage,
            channel_id: record.channel_id,
        });
        pending.set_outcome(status.as_u16(), None);
        pending.first_byte_now();
        pending.hand_over().finish();
        let mut response = Response::new(axum::body::Body::from(bytes));
        *response.status_mut() = *status;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        answering.meta.tools.name_dropped_in(response.headers_mut());
        Ok(response)
    }
}

/// An upstream stream (stream fake) collected into one chat JSON body.
async fn reassemble_stream(answering: &Answering<'_>, body: Body) -> Result<Body, RelayError> {
    let mut stream = body.stream;
    let first = first_chunk(&mut stream, answering.remaining())
        .await?
        .ok_or(RelayError::UpstreamInvalid)?;
    let plan = &answering.plan;
    let decoder =
        plan.provider
            .stream_decoder(answering.channel, plan.channel_endpoint, &answering.meta);
    let assembled = crate::plugin::collect_stream(
        first,
        stream,
        decoder,
        plan.timeouts.stream_idle,
        plan.channel_wire,
        &answering.meta,
    )
    .await?;
    Ok(Body {
        content_type: "application/json".to_owned(),
        stream: futures::stream::once(async move { Ok(assembled) }).boxed(),
    })
}

/// Binary (speech audio) or plain text: passed through as it comes, usage estimated from the
/// request.
async fn passthrough_answer(
    answering: Answering<'_>,
    mut body: Body,
    pending: &mut PendingRecord,
) -> Result<Response, RelayError> {
    let first = first_chunk(&mut body.stream, answering.remaining())
        .await?
        .unwrap_or_default();
    let usage = answering.estimator.estimate("");
    let pending = pending.hand_over();
    let stream_idle = answering.plan.timeouts.stream_idle;
    let response_body = passthrough_body(first, body.stream, stream_idle, usage, pending);
    let mut response = Response::new(response_body);
    *response.status_mut() = answering.status;
    if let Ok(value) = HeaderValue::from_str(&body.content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    Ok(response)
}

/// A non-streamed answer converted through the chat pivot: the client's body, the usage the
/// chat form reports, and the completion text for counting when it reports none.
fn convert_json(
    bytes: &Bytes,
    channel: Wire,
    client: Wire,
    meta: &ResponseMeta,
    rewrite_model_to: Option<&str>,
) -> Result<(Bytes, Option<crate::host::TokenUsage>, String), RelayError> {
    let upstream = serde_json::from_slice::<serde_json::Value>(bytes)
        .map_err(|_| RelayError::UpstreamInvalid)?;
    // A chat answer is the pivot itself; any other is converted to it and kept for a client
    // of its own protocol.
    let (mut chat, native) = if channel == Wire::Chat {
        (upstream, None)
    } else {
        let chat = convert_response(channel, Wire::Chat, &upstream, meta)?;
        (chat, Some(upstream))
    };
    if let Some(model) = rewrite_model_to {
        rename_native_model(Wire::Chat, &mut chat, model);
    }
    let usage = chat
        .get("usage")
        .and_then(|usage| OpenAiUsage::deserialize(usage).ok())
        .map(OpenAiUsage::into_tokens);
    let mut completion = String::new();
    if usage.is_none()
        && let Some(choices) = chat.get("choices")
        && let Ok(choices) = Vec::<Choice>::deserialize(choices)
    {
        collect_choice_text(&choices, &mut completion, usize::MAX);
    }
    let body = match native {
        Some(mut native) if client == channel => {
            if let Some(model) = rewrite_model_to {
                rename_native_model(client, &mut native, model);
            }
            native
        }
        _ if client == Wire::Chat => chat,
        _ => convert_response(Wire::Chat, client, &chat, meta)?,
    };
    let body = serde_json::to_vec(&body).map_err(|_| RelayError::Internal)?;
    Ok((Bytes::from(body), usage, completion))
}

/// A chat body through the plugins' body hooks (think split); the body as it was when it is
/// not JSON.
/// The `top_n` of a rerank request, if it names one.
fn rerank_top_n(endpoint: Endpoint, request: &ParsedRequest) -> Option<usize> {
    let super::request::Payload::Json(body) = &request.payload else {
        return None;
    };
    if endpoint != Endpoint::Rerank {
        return None;
    }
    let top_n = body.get_as::<u64>("top_n").ok().flatten()?;
    usize::try_from(top_n).ok()
}

fn plugin_json(bytes: Bytes, exchange: &mut Exchange) -> Bytes {
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return bytes;
    };
    exchange.on_json(&mut value);
    serde_json::to_vec(&value).map_or(bytes, Bytes::from)
}

/// A JSON response passed through: its body (the model renamed back) and what was read from it.
struct FinishedJson {
    bytes: Bytes,
    usage: Option<crate::host::TokenUsage>,
    service_tier: Option<String>,
}

/// Reads usage (and the service tier when asked) from a JSON response and renames its model
/// back, parsing it once; the body is returned untouched when nothing needs renaming.
fn finish_json(
    bytes: Bytes,
    rewrite_model_to: Option<&str>,
    read_service_tier: bool,
) -> FinishedJson {
    if rewrite_model_to.is_none()
        && let Some((usage, service_tier)) = usage_and_tier(&bytes)
    {
        return FinishedJson {
            bytes,
            usage,
            service_tier: service_tier.filter(|_| read_service_tier),
        };
    }
    let Ok(mut object) = JsonObject::parse(bytes.clone()) else {
        return FinishedJson {
            bytes,
            usage: None,
            service_tier: None,
        };
    };
    let usage = object
        .get_as::<OpenAiUsage>("usage")
        .ok()
        .flatten()
        .map(OpenAiUsage::into_tokens);
    let service_tier = read_service_tier
        .then(|| crate::usage::service_tier(&object))
        .flatten();
    let bytes = match rewrite_model_to {
        Some(model) if object.get("model").is_some() && object.set("model", model).is_ok() => {
            object.to_bytes()
        }
        _ => bytes,
    };
    FinishedJson {
        bytes,
        usage,
        service_tier,
    }
}

/// An answer's `usage` and `service_tier` read in one pass that skips everything else, for an
/// answer passed on unchanged (most are): no key or value of it is copied. `None` when that
/// read fails (not an object, a key given twice, a field of an unexpected type): the caller
/// then reads the fields one by one, each failing on its own, as it did before.
fn usage_and_tier(bytes: &[u8]) -> Option<(Option<crate::host::TokenUsage>, Option<String>)> {
    #[derive(serde::Deserialize)]
    struct UsageAndTier {
        usage: Option<OpenAiUsage>,
        service_tier: Option<String>,
    }
    // A struct also reads from an array (by position): only an object is this answer.
    if bytes.iter().find(|byte| !byte.is_ascii_whitespace()) != Some(&b'{') {
        return None;
    }
    let read: UsageAndTier = serde_json::from_slice(bytes).ok()?;
    Some((
        read.usage.map(OpenAiUsage::into_tokens),
        read.service_tier
            .and_then(|tier| crate::usage::normal_service_tier(&tier)),
    ))
}

/// The generated text of a JSON response, for local counting.
fn completion_text(bytes: &Bytes, endpoint: Endpoint) -> String {
    let mut text = String::new();
    let Ok(object) = JsonObject::parse(bytes.clone()) else {
        return text;
    };
    if let Ok(Some(choices)) = object.get_as::<Vec<Choice>>("choices") {
        collect_choice_text(&choices, &mut text, usize::MAX);
    }
    if matches!(
        endpoint,
        Endpoint::AudioTranscriptions | Endpoint::AudioTranslations
    ) && let Ok(Some(transcript)) = object.get_as::<String>("text")
    {
        text.push_str(&transcript);
    }
    text
}

/// Waits for the first body chunk; `Ok(None)` for an empty body.
async fn first_chunk(body: &mut ByteStream, within: Duration) -> Result<Option<Bytes>, RelayError> {
    loop {
        match tokio::time::timeout(within, body.next()).await {
            Err(_) => return Err(RelayError::UpstreamTimeout),
            Ok(None) => return Ok(None),
            Ok(Some(Err(error))) => return Err(classify(&error)),
            Ok(Some(Ok(chunk))) if chunk.is_empty() => continue,
            Ok(Some(Ok(chunk))) => return Ok(Some(chunk)),
        }
    }
}

pub(super) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reading `usage` and `service_tier` in one pass finds what reading them field by field
    /// finds (the path an answer whose model is renamed still takes), for every shape.
    #[test]
    fn one_pass_reads_what_field_by_field_reads() {
        let answers = [
            r#"{"id":"c1","object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":20,"completion_tokens":9,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":2}},"service_tier":" Flex "}"#,
            r#"{"model":"m","usage":{"input_tokens":5,"output_tokens":7,"input_tokens_details":{"cached_tokens":1}},"service_tier":"auto"}"#,
            r#"{"model":"m","usage":null,"service_tier":null}"#,
            r#"{"model":"m"}"#,
            r#"{"model":"m","usage":"not an object","service_tier":"priority"}"#,
            r#"{"model":"m","usage":{"prompt_tokens":1},"service_tier":7}"#,
            r#"{"model":"m","usage":{"prompt_tokens":1},"usage":{"prompt_tokens":2}}"#,
            r#"[{"prompt_tokens":3},"priority"]"#,
            r#"{"model":"m","usage":{"prompt_tokens":1}} trailing"#,
            "  \n{\"model\":\"m\",\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":1}}",
        ];
        let mut in_one_pass = 0;
        for answer in answers {
            let bytes = Bytes::from(answer);
            in_one_pass += usize::from(usage_and_tier(&bytes).is_some());
            for read_tier in [true, false] {
                let one_pass = finish_json(bytes.clone(), None, read_tier);
                let by_field = finish_json(bytes.clone(), Some("renamed"), read_tier);
                assert_eq!(one_pass.usage, by_field.usage, "{answer}");
                assert_eq!(one_pass.service_tier, by_field.service_tier, "{answer}");
                assert_eq!(one_pass.bytes, bytes, "passed on unchanged");
            }
        }
        assert_eq!(in_one_pass, 5, "the usual answers take the one pass");
        let usual = usage_and_tier(answers[0].as_bytes()).expect("read");
        assert_eq!(usual.0.map(|usage| usage.cached_input_tokens), Some(4));
        assert_eq!(usual.1.as_deref(), Some("flex"));
    }
}
