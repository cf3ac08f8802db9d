//! Media requests through a channel type's media API: the upstream's answer read whole (or its WebSocket task conversed) and shaped as OpenAI's.

use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use bytes::Bytes;
use futures::StreamExt;

use super::Inner;
use super::answer::{Answering, Body, MAX_BUFFERED_RESPONSE};
use super::attempt::Plan;
use super::request::{ParsedRequest, Payload};
use super::upstream_error::upstream_error;
use crate::error::RelayError;
use crate::host::Channel;
use crate::provider::{Endpoint, MediaAnswer, MediaApi, MediaInput, UpstreamRequest};
use crate::upstream::{ByteStream, read_body, send};
use crate::usage::{Estimator, PendingRecord};

/// The client's request as a media API reads it.
pub(super) fn media_input(request: &ParsedRequest) -> MediaInput<'_> {
    match &request.payload {
        Payload::Json(object) => MediaInput::Json(object),
        Payload::Multipart { form, .. } => MediaInput::Form(form),
    }
}

/// Runs `work` (shaping a whole answer: JSON of up to the buffered bound, speech encoded to
/// mp3, opus or flac, seconds of CPU for long speech) where it does not stall other requests:
/// on a multi-threaded runtime this worker's other tasks move to another thread meanwhile.
fn off_the_reactor<T>(work: impl FnOnce() -> T) -> T {
    let multi_threaded = tokio::runtime::Handle::try_current().is_ok_and(|runtime| {
        runtime.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread
    });
    if multi_threaded {
        tokio::task::block_in_place(work)
    } else {
        work()
    }
}

/// Calls of one fanned-out media request in flight at once: the upstream counts each against
/// the channel's rate limit.
const MEDIA_CALLS_IN_FLIGHT: usize = 4;
/// The least each fanned-out call may read: the buffered-answer bound is shared among the
/// calls, but not below one large image's answer.
const MIN_MEDIA_CALL_ANSWER: usize = 16 * 1024 * 1024;

/// One media request sent several times (a model making one image a call, asked for `n`).
pub(super) struct MediaCalls<'a> {
    pub(super) endpoint: Endpoint,
    pub(super) request: &'a ParsedRequest,
    pub(super) channel: &'a Arc<Channel>,
    /// Built and authorized once; each call sends a copy.
    pub(super) upstream_request: UpstreamRequest,
    pub(super) calls: u32,
    pub(super) client: &'a reqwest::Client,
    pub(super) estimator: &'a Estimator,
}

impl Inner {
    /// Sends the calls (a few at a time, each answer read whole and bounded) and has the media
    /// API merge the answers that succeeded: the client gets, and pays for, what came back. When
    /// every call failed, the first failure is the attempt's (retryable like any).
    pub(super) async fn media_calls_attempt(
        &self,
        calls: MediaCalls<'_>,
        plan: Plan,
        pending: &mut PendingRecord,
    ) -> Result<Response, RelayError> {
        let media = plan.media.ok_or(RelayError::Internal)?;
        let count = usize::try_from(calls.calls).map_err(|_| RelayError::Internal)?;
        let limit = (MAX_BUFFERED_RESPONSE / count.max(1)).max(MIN_MEDIA_CALL_ANSWER);
        let head_timeout = plan.timeouts.response;
        let idle = plan.timeouts.stream_idle;
        let template = &calls.upstream_request;
        let channel = calls.channel;
        let client = calls.client;
        let results: Vec<Result<Bytes, RelayError>> = futures::stream::iter(0..count)
            .map(|_| {
                let copy = UpstreamRequest {
                    method: template.method.clone(),
                    url: template.url.clone(),
                    headers: template.headers.clone(),
                    body: template.body.clone(),
                };
                async move {
                    let response = send(client, copy, head_timeout).await?;
                    if !response.status().is_success() {
                        return Err(upstream_error(response, channel, idle).await);
                    }
                    let mut stream: ByteStream = response.bytes_stream().boxed();
                    read_body(&mut stream, idle, limit).await
                }
            })
            .buffered(MEDIA_CALLS_IN_FLIGHT)
            .collect()
            .await;
        let mut answers = Vec::with_capacity(results.len());
        let mut first_error = None;
        for result in results {
            match result {
                Ok(answer) => answers.push(answer),
                Err(error) => {
                    if first_error.is_none() {
                        first_error = Some(error);
                    }
                }
            }
        }
        if answers.is_empty() {
            pending.clear_prompt_charge();
            return Err(first_error.unwrap_or(RelayError::Internal));
        }
        let answered =
            off_the_reactor(|| media.merge(calls.endpoint, media_input(calls.request), &answers))?;
        Ok(self.media_response(calls.endpoint, answered, calls.estimator, pending))
    }

    /// Reads the upstream's answer (bounded) and has the media API shape it.
    pub(super) async fn media_answer(
        &self,
        media: &dyn MediaApi,
        answering: Answering<'_>,
        mut body: Body,
        pending: &mut PendingRecord,
    ) -> Result<Response, RelayError> {
        let whole = read_body(
            &mut body.stream,
            answering.plan.timeouts.stream_idle,
            MAX_BUFFERED_RESPONSE,
        )
        .await?;
        let answered = off_the_reactor(|| {
            media.answer(answering.endpoint, media_input(answering.request), &whole)
        })?;
        Ok(self.media_response(answering.endpoint, answered, &answering.estimator, pending))
    }

    /// One attempt whose upstream is a WebSocket task: the socket opened (a refusal read
    /// like any upstream error), the task conversed within the response timeout, the answer
    /// given.
    #[expect(
        clippy::too_many_arguments,
        reason = "one attempt's context, passed once from its only caller"
    )]
    pub(super) async fn media_socket_attempt(
        &self,
        endpoint: Endpoint,
        request: &ParsedRequest,
        channel: &Arc<Channel>,
        plan: Plan,
        url: String,
        headers: HeaderMap,
        pending: &mut PendingRecord,
    ) -> Result<Response, RelayError> {
        let media = plan.media.ok_or(RelayError::Internal)?;
        let client = self
            .clients
            .get_http1(channel.proxy_url.as_deref(), plan.timeouts.connect)?;
        let estimator = Estimator {
            endpoint,
            model: plan.upstream_model.clone(),
            request: request.json_source.clone(),
        };
        let opened = crate::websocket::connect(
            &client,
            &url,
            headers,
            plan.timeouts.first_byte,
            MAX_BUFFERED_RESPONSE,
        )
        .await?;
        let mut socket = match opened {
            Ok(socket) => socket,
            Err(refused) => {
                return Err(upstream_error(refused, channel, plan.timeouts.stream_idle).await);
            }
        };
        pending.charge_prompt_if_closed(estimator.clone());
        let conversation = media.converse(
            endpoint,
            &plan.upstream_model,
            media_input(request),
            &mut socket,
            plan.timeouts.stream_idle,
        );
        let answered = tokio::time::timeout(plan.timeouts.response, conversation).await;
        socket.close().await;
        let answered = match answered {
            Err(_) => Err(RelayError::UpstreamTimeout),
            Ok(answered) => answered,
        };
        let answered = answered.inspect_err(|_| pending.clear_prompt_charge())?;
        Ok(self.media_response(endpoint, answered, &estimator, pending))
    }

    /// Records the answer's usage (the tokens it reports, else the request's estimate; images
    /// counted from what is returned) and answers the client with it.
    fn media_response(
        &self,
        endpoint: Endpoint,
        answered: MediaAnswer,
        estimator: &Estimator,
        pending: &mut PendingRecord,
    ) -> Response {
        let record = pending.record();
        if matches!(
            endpoint,
            Endpoint::ImagesGenerations | Endpoint::ImagesEdits | Endpoint::ImagesVariations
        ) && let Some(images) = crate::media::images_returned(&answered.body)
        {
            record.media.images = images;
        }
        match answered.usage {
            Some(usage) => record.usage = usage,
            None => {
                record.usage = estimator.estimate("");
                record.usage_estimated = true;
            }
        }
        if answered.content_type == "application/json" {
            let kept = answered.body.len().min(self.config.detail_max_bytes);
            record.response_body = Some(answered.body.slice(..kept));
        }
        pending.set_outcome(200, None);
        pending.first_byte_now();
        pending.hand_over().finish();
        let mut response = Response::new(axum::body::Body::from(answered.body));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(answered.content_type),
        );
        response
    }
}
