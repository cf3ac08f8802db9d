//! Media requests through a channel type's media API: the upstream's answer read whole (or its WebSocket task conversed) and shaped as OpenAI's.

use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;

use super::Inner;
use super::answer::{Answering, Body, MAX_BUFFERED_RESPONSE};
use super::attempt::Plan;
use super::request::{ParsedRequest, Payload};
use super::upstream_error::upstream_error;
use crate::error::RelayError;
use crate::host::Channel;
use crate::provider::{Endpoint, MediaAnswer, MediaApi, MediaInput};
use crate::upstream::read_body;
use crate::usage::{Estimator, PendingRecord};

/// The client's request as a media API reads it.
pub(super) fn media_input(request: &ParsedRequest) -> MediaInput<'_> {
    match &request.payload {
        Payload::Json(object) => MediaInput::Json(object),
        Payload::Multipart { form, .. } => MediaInput::Form(form),
    }
}

impl Inner {
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
        let answered = media.answer(answering.endpoint, media_input(answering.request), &whole)?;
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
