//! One attempt on one channel: its plan (upstream model, protocols, timeouts), the upstream request, sending it.

use std::sync::Arc;
use std::time::Instant;

use axum::response::Response;
use bytes::Bytes;
use futures::StreamExt;

use super::Inner;
use super::answer::{Answering, Body};
use super::request::{ParsedRequest, Payload};
use super::upstream_error::upstream_error;
use crate::config::Timeouts;
use crate::convert::{ClientTools, ResponseMeta, Wire, convert_request_object};
use crate::error::RelayError;
use crate::host::{Channel, ChannelTimeouts, ModelSettings};
use crate::plugin::Exchange;
use crate::provider::{
    Endpoint, Framing, MediaRequest, Provider, UpstreamRequest, authorize, wants_stream_usage,
};
use crate::trace_context::{TRACEPARENT, upstream_trace_parent, upstream_trace_state};
use crate::trace_state::TRACESTATE;
use crate::upstream::{ByteStream, send};
use crate::usage::{Estimator, PendingRecord};

/// What one attempt decided before sending anything.
pub(super) struct Plan {
    pub(super) provider: &'static dyn Provider,
    /// The endpoint called on the channel (a generation request may change protocol).
    pub(super) channel_endpoint: Endpoint,
    /// The client's face; the OpenAI-only endpoints are relayed as chat-like bodies without
    /// conversion.
    pub(super) client_wire: Wire,
    /// The provider's codec on `channel_endpoint`.
    pub(super) channel_wire: Wire,
    pub(super) framing: Framing,
    pub(super) upstream_model: String,
    /// Whether the channel renames the model (the answer is renamed back).
    pub(super) mapped: bool,
    pub(super) timeouts: Timeouts,
    /// Whether the upstream is asked to stream: the client asked, or stream fake did.
    pub(super) upstream_stream: bool,
    /// A video creation on a channel type with a task API of its own: sent through it.
    pub(super) video_tasks: Option<&'static dyn crate::provider::VideoTaskApi>,
    /// A media request on a channel type with a media API of its own: sent through it.
    pub(super) media: Option<&'static dyn crate::provider::MediaApi>,
}

impl Plan {
    /// A non-streamed answer starts only once the whole completion exists.
    fn head_timeout(&self) -> std::time::Duration {
        if self.upstream_stream {
            self.timeouts.first_byte
        } else {
            self.timeouts.response
        }
    }
}

impl Inner {
    /// One attempt on one channel. Returns the client's response once the upstream has
    /// committed to an answer (for streams: sent its first bytes); until then every failure is
    /// still retryable on another channel.
    pub(super) async fn attempt(
        &self,
        endpoint: Endpoint,
        request: &ParsedRequest,
        settings: &ModelSettings,
        channel: &Arc<Channel>,
        exchange: &mut Exchange,
        pending: &mut PendingRecord,
    ) -> Result<Response, RelayError> {
        let plan = self.plan(endpoint, request, settings, channel, exchange);
        pending.record().upstream_model = Some(plan.upstream_model.clone());
        let media_request = match plan.media {
            Some(media) => Some(media.request(
                channel,
                endpoint,
                &plan.upstream_model,
                super::media_answer::media_input(request),
            )?),
            None => None,
        };
        let mut media_calls = 1;
        let (mut upstream_request, client_wants_stream_usage, client_tools) = match media_request {
            Some(MediaRequest::Socket { url, headers }) => {
                return self
                    .media_socket_attempt(endpoint, request, channel, plan, url, headers, pending)
                    .await;
            }
            Some(MediaRequest::Json {
                endpoint: channel_endpoint,
                body,
                calls,
            }) => {
                media_calls = calls;
                let upstream_request = plan.provider.build(
                    channel,
                    channel_endpoint,
                    &plan.upstream_model,
                    "application/json",
                    Bytes::from(body.to_string()),
                    false,
                )?;
                (upstream_request, false, ClientTools::default())
            }
            None => build_upstream_request(endpoint, &plan, request, channel)?,
        };
        let client = self
            .clients
            .get(channel.proxy_url.as_deref(), plan.timeouts.connect)?;
        authorize(plan.provider, channel, &client, &mut upstream_request).await?;
        pending.span().record_attempt(channel.kind, &request.model);
        let client_trace = pending.client_trace();
        let trace_parent = upstream_trace_parent(
            self.span_ids.as_deref(),
            pending.span().span(),
            client_trace.map(|trace| trace.parent),
        );
        if let Some(trace_parent) = trace_parent {
            upstream_request
                .headers
                .insert(TRACEPARENT, trace_parent.to_header_value());
            if let Some(trace_state) = upstream_trace_state(trace_parent, client_trace) {
                upstream_request.headers.insert(TRACESTATE, trace_state);
            }
        }
        let head_timeout = plan.head_timeout();
        let estimator = Estimator {
            endpoint,
            model: plan.upstream_model.clone(),
            request: request.json_source.clone(),
        };
        // From here the upstream may be processing the prompt: a client that leaves before
        // the answer is accounted still pays for it.
        pending.charge_prompt_if_closed(estimator.clone());
        if media_calls > 1 {
            return self
                .media_calls_attempt(
                    super::media_answer::MediaCalls {
                        endpoint,
                        request,
                        channel,
                        upstream_request,
                        calls: media_calls,
                        client: &client,
                        estimator: &estimator,
                    },
                    plan,
                    pending,
                )
                .await;
        }
        let sent_at = Instant::now();
        let response = match plan.provider.local_answer(channel, &upstream_request) {
            Some(response) => response,
            None => send(&client, upstream_request, head_timeout).await?,
        };

        let status = response.status();
        if !status.is_success() {
            // Refused: the upstream processed nothing the client owes, even if the client
            // leaves while the error body is read.
            pending.clear_prompt_charge();
            return Err(upstream_error(response, channel, plan.timeouts.stream_idle).await);
        }
        let upstream_request_id = response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(|id| id.chars().take(128).collect());
        pending.record().upstream_request_id = upstream_request_id;
        let content_type = response
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let upstream_body: ByteStream = response.bytes_stream().boxed();
        let answering = Answering {
            endpoint,
            request,
            channel,
            status,
            rewrite_model_to: plan.mapped.then(|| request.model.clone()),
            meta: ResponseMeta {
                model: request.model.clone(),
                created: super::answer::unix_now(),
                tools: Arc::new(client_tools),
            },
            estimator,
            head_deadline: sent_at + head_timeout,
            client_wants_stream_usage,
            plan,
        };
        self.answer(
            answering,
            Body {
                content_type,
                stream: upstream_body,
            },
            exchange,
            pending,
        )
        .await
    }

    /// The upstream model, protocols and timeouts of an attempt on `channel`.
    fn plan(
        &self,
        endpoint: Endpoint,
        request: &ParsedRequest,
        settings: &ModelSettings,
        channel: &Channel,
        exchange: &Exchange,
    ) -> Plan {
        let provider = channel.kind.provider();
        let upstream_model = channel
            .model_mapping
            .get(&request.model)
            .unwrap_or(&request.model)
            .clone();
        let channel_endpoint = match endpoint.gemini_embedding() {
            Some(_) if !provider.serves_gemini_embeddings() => Endpoint::Embeddings,
            _ => provider.endpoint(endpoint, channel, &upstream_model),
        };
        // The timeout plugin's values win over the model's.
        let plugin_timeouts;
        let model_timeouts = match &exchange.timeouts {
            Some(plugin) => {
                plugin_timeouts = ChannelTimeouts {
                    connect: settings.timeouts.connect,
                    first_byte: plugin.first_byte.or(settings.timeouts.first_byte),
                    stream_idle: plugin.stream_idle.or(settings.timeouts.stream_idle),
                };
                &plugin_timeouts
            }
            None => &settings.timeouts,
        };
        Plan {
            provider,
            channel_endpoint,
            client_wire: endpoint.wire().unwrap_or(Wire::Chat),
            channel_wire: provider.codec(channel_endpoint),
            framing: provider.framing(channel),
            mapped: upstream_model != request.model,
            upstream_model,
            timeouts: effective_timeouts(self.config.timeouts, &channel.timeouts, model_timeouts),
            // Stream fake: the upstream streams although the client wants one body.
            upstream_stream: request.stream || exchange.upstream_stream,
            video_tasks: (matches!(
                endpoint,
                Endpoint::Videos | Endpoint::GeminiPredictLongRunning
            ) || endpoint.is_native_video())
            .then(|| channel.kind.video_tasks())
            .flatten(),
            media: channel.kind.media(endpoint),
        }
    }
}

/// The request sent to the channel: the client's body with the model mapped, converted to the
/// channel's protocol and prepared by its provider; also whether a chat client asked for the
/// usage chunk itself, and what the conversion did to the client's tools.
fn build_upstream_request(
    endpoint: Endpoint,
    plan: &Plan,
    request: &ParsedRequest,
    channel: &Channel,
) -> Result<(UpstreamRequest, bool, ClientTools), RelayError> {
    if endpoint == Endpoint::GeminiPredictLongRunning {
        let upstream_request = super::gemini_operations::create_request(
            plan.video_tasks,
            channel,
            &plan.upstream_model,
            request,
        )?;
        return Ok((upstream_request, false, ClientTools::default()));
    }
    if let Some(tasks) = plan.video_tasks {
        let upstream_request = if endpoint.is_native_video() {
            super::native_videos::create_request(tasks, channel, &plan.upstream_model, request)?
        } else {
            super::video_tasks::create_request(tasks, channel, &plan.upstream_model, request)?
        };
        return Ok((upstream_request, false, ClientTools::default()));
    }
    let mut client_wants_stream_usage = false;
    let mut client_tools = ClientTools::default();
    let (content_type, body): (&str, Bytes) = match &request.payload {
        Payload::Json(object) => {
            let mut object = object.clone();
            client_wants_stream_usage = wants_stream_usage(&object);
            // A Gemini body names no model: it goes in the URL. Gemini's embeddings become
            // OpenAI's on other channels, or name the channel's model where they name one.
            if let Some(shape) = endpoint.gemini_embedding() {
                if plan.channel_endpoint == Endpoint::Embeddings {
                    object = crate::convert::gemini_embeddings::to_openai(
                        &object,
                        shape,
                        &plan.upstream_model,
                    )?;
                } else {
                    crate::convert::gemini_embeddings::name_model(
                        &mut object,
                        shape,
                        &plan.upstream_model,
                    );
                }
            } else if plan.mapped && plan.client_wire != Wire::Gemini {
                object
                    .set("model", &plan.upstream_model)
                    .map_err(|_| RelayError::Internal)?;
            }
            if plan.client_wire != plan.channel_wire {
                (object, client_tools) = convert_request_object(
                    plan.client_wire,
                    plan.channel_wire,
                    &object,
                    &plan.upstream_model,
                    plan.upstream_stream,
                )?;
            }
            plan.provider.prepare(
                channel,
                plan.channel_endpoint,
                &mut object,
                plan.upstream_stream,
            );
            ("application/json", object.to_bytes())
        }
        Payload::Multipart {
            form,
            raw,
            content_type,
        } => {
            let body = if plan.mapped {
                let mut form = form.clone();
                form.set_text("model", &plan.upstream_model);
                form.to_bytes()
            } else {
                raw.clone()
            };
            (content_type.as_str(), body)
        }
    };
    let mut upstream_request = plan.provider.build(
        channel,
        plan.channel_endpoint,
        &plan.upstream_model,
        content_type,
        body,
        plan.upstream_stream,
    )?;
    // A native Anthropic request may use beta fields; the upstream needs the beta names to
    // accept them. Converted requests use no beta feature.
    if plan.client_wire == Wire::Messages
        && plan.channel_wire == Wire::Messages
        && let Some(betas) = &request.anthropic_beta
    {
        upstream_request
            .headers
            .insert("anthropic-beta", betas.clone());
    }
    Ok((upstream_request, client_wants_stream_usage, client_tools))
}

/// Model settings win over the channel's, which win over the relay's defaults. An explicit
/// `first_byte` bounds non-streamed responses as well: it is that channel's or model's choice.
pub(super) fn effective_timeouts(
    defaults: Timeouts,
    channel: &ChannelTimeouts,
    model: &ChannelTimeouts,
) -> Timeouts {
    let first_byte = model.first_byte.or(channel.first_byte);
    Timeouts {
        connect: model
            .connect
            .or(channel.connect)
            .unwrap_or(defaults.connect),
        first_byte: first_byte.unwrap_or(defaults.first_byte),
        response: first_byte.unwrap_or(defaults.response),
        stream_idle: model
            .stream_idle
            .or(channel.stream_idle)
            .unwrap_or(defaults.stream_idle),
    }
}
