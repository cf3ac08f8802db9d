//! Responses stored upstream: which channel created each one (recorded when a `/v1/responses`
//! answer is relayed without conversion), and `GET`/`DELETE /v1/responses/{id}` and
//! `GET /v1/responses/{id}/input_items` sent back to that channel, for its group only, as are
//! requests continuing a response (`previous_response_id`). A response made through a
//! conversion is stored nowhere, so it is not found.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use bytes::Bytes;
use futures::StreamExt;

use super::Inner;
use super::answer::MAX_BUFFERED_RESPONSE;
use super::request::{ParsedRequest, Payload};
use crate::convert::Wire;
use crate::error::{ErrorBody, RelayError};
use crate::host::{ResponseOwner, Route};
use crate::provider::{Endpoint, StoredCall};
use crate::request_id::request_id;
use crate::responses_index::{response_id, watch_stream_for_id};
use crate::upstream::{ByteStream, read_body, send};
use crate::usage::PendingRecord;
use crate::vocabulary::Face;
use crate::vocabulary::MAX_CLIENT_NAME_BYTES;
use tenancy::Caller;

/// What a client asks of a stored response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StoredAction {
    Get,
    Delete,
    InputItems,
    Cancel,
}

impl StoredAction {
    fn route(self) -> &'static str {
        match self {
            StoredAction::Get | StoredAction::Delete => "/v1/responses/{id}",
            StoredAction::InputItems => "/v1/responses/{id}/input_items",
            StoredAction::Cancel => "/v1/responses/{id}/cancel",
        }
    }

    fn call(self) -> StoredCall {
        match self {
            StoredAction::Get => StoredCall::Read,
            StoredAction::Delete => StoredCall::Delete,
            StoredAction::InputItems => StoredCall::InputItems,
            StoredAction::Cancel => StoredCall::Cancel,
        }
    }
}

fn not_found(response_id: &str) -> RelayError {
    // OpenAI's own answer for an unknown id, so SDKs raise their usual NotFoundError.
    RelayError::UpstreamRejected {
        status: 404,
        body: Some(ErrorBody {
            message: format!(
                "Response with id '{}' not found.",
                response_id.chars().take(128).collect::<String>()
            ),
            kind: "invalid_request_error".into(),
            param: None,
            code: None,
        }),
    }
}

/// OpenAI's answer to a continuation of a response it does not know (400, naming the field),
/// given too for another group's response: ids reveal nothing across groups.
fn previous_not_found(response_id: &str) -> RelayError {
    RelayError::UpstreamRejected {
        status: 400,
        body: Some(ErrorBody {
            message: format!(
                "Previous response with id '{}' not found.",
                response_id.chars().take(128).collect::<String>()
            ),
            kind: "invalid_request_error".into(),
            param: Some("previous_response_id".into()),
            code: Some("previous_response_not_found".into()),
        }),
    }
}

impl Inner {
    /// Whether a relayed answer is a response the channel stores: a Responses client on a
    /// channel that speaks Responses itself, without `store: false`.
    pub(super) fn stores_response(
        &self,
        client: Wire,
        channel: Wire,
        request: &ParsedRequest,
    ) -> bool {
        client == Wire::Responses
            && channel == Wire::Responses
            && match &request.payload {
                Payload::Json(body) => body.get_as::<bool>("store").ok().flatten() != Some(false),
                Payload::Multipart { .. } => false,
            }
    }

    fn owner(
        &self,
        pending: &mut PendingRecord,
        channel_id: i64,
        model: &str,
    ) -> Option<ResponseOwner> {
        Some(ResponseOwner {
            group_id: pending.record().group_id.clone()?,
            channel_id,
            model: model.to_owned(),
        })
    }

    /// Records the channel that created the response in a JSON answer.
    pub(super) async fn remember_response(
        &self,
        body: &[u8],
        channel_id: i64,
        model: &str,
        pending: &mut PendingRecord,
    ) {
        if let Some(id) = response_id(body)
            && let Some(owner) = self.owner(pending, channel_id, model)
        {
            self.responses.remember(&id, owner).await;
        }
    }

    /// Passes a Responses stream through and records its response id as soon as its first
    /// event names it.
    pub(super) fn remember_streamed_response(
        &self,
        first: Bytes,
        rest: ByteStream,
        channel_id: i64,
        model: &str,
        pending: &mut PendingRecord,
    ) -> (Bytes, ByteStream) {
        let Some(owner) = self.owner(pending, channel_id, model) else {
            return (first, rest);
        };
        let index = Arc::clone(&self.responses);
        watch_stream_for_id(first, rest, move |id| {
            // The id is already on its way to the client; the record must not hold the
            // stream back, even when the index is remote.
            tokio::spawn(async move { index.remember(&id, owner).await });
        })
    }

    /// A Responses request that continues a stored response (`previous_response_id`) can
    /// only be served by the channel, and so the upstream account, that stored it: when the
    /// index knows that channel for the caller's group and it serves the model, the route
    /// narrows to it. A response the index knows for another group is refused as not found:
    /// channels are shared between groups, so forwarding the id would let one group continue
    /// (and read) another's conversation. An id the index does not know leaves the route as
    /// it is (it may predate the gateway).
    pub(super) async fn continuation_route(
        &self,
        endpoint: Endpoint,
        caller: &Caller,
        request: &ParsedRequest,
        route: Route,
    ) -> Result<Route, RelayError> {
        if endpoint != Endpoint::Responses {
            return Ok(route);
        }
        let Payload::Json(body) = &request.payload else {
            return Ok(route);
        };
        let Ok(Some(previous)) = body.get_as::<String>("previous_response_id") else {
            return Ok(route);
        };
        if previous.len() > MAX_CLIENT_NAME_BYTES {
            return Err(previous_not_found(&previous));
        }
        let Some(owner) = self.responses.owner(&previous).await else {
            return Ok(route);
        };
        if owner.group_id != caller.group_id {
            return Err(previous_not_found(&previous));
        }
        Ok(
            match route
                .channels
                .iter()
                .find(|channel| channel.id == owner.channel_id)
            {
                Some(channel) => Route {
                    channels: vec![Arc::clone(channel)],
                    settings: route.settings,
                },
                None => route,
            },
        )
    }

    pub(super) async fn stored_response(
        &self,
        action: StoredAction,
        response_id: String,
        request: Request,
    ) -> Response {
        let (parts, _) = request.into_parts();
        let mut pending = PendingRecord::start(
            Arc::clone(&self.usage),
            request_id(&parts),
            action.route(),
            Instant::now(),
        );
        match self
            .relay_stored(action, &response_id, &parts, &mut pending)
            .await
        {
            Ok(response) => response,
            Err(error) => self.fail(pending, error, Face::Responses),
        }
    }

    async fn relay_stored(
        &self,
        action: StoredAction,
        response_id: &str,
        parts: &axum::http::request::Parts,
        pending: &mut PendingRecord,
    ) -> Result<Response, RelayError> {
        let caller = self.authenticate(parts, pending)?;
        self.check_address(pending).await?;
        // No id is this long: answered without a lookup keyed by the client's bytes.
        if response_id.len() > MAX_CLIENT_NAME_BYTES {
            return Err(not_found(response_id));
        }
        // Another group's response is reported missing, not forbidden: ids reveal nothing.
        let owner = self
            .responses
            .owner(response_id)
            .await
            .filter(|owner| owner.group_id == caller.group_id)
            .ok_or_else(|| not_found(response_id))?;
        pending.record().requested_model = Some(owner.model.clone());
        pending.record().channel_id = Some(owner.channel_id);
        let channel = self
            .directory
            .route(&caller, &owner.model)
            .and_then(|route| {
                route
                    .channels
                    .into_iter()
                    .find(|channel| channel.id == owner.channel_id)
            })
            .ok_or_else(|| not_found(response_id))?;
        let upstream_request = channel.kind.provider().stored_response(
            &channel,
            action.call(),
            response_id,
            parts.uri.query(),
        )?;
        let timeouts = super::attempt::effective_timeouts(
            self.config.timeouts,
            &channel.timeouts,
            &Default::default(),
        );
        let client = self
            .clients
            .get(channel.proxy_url.as_deref(), timeouts.connect)?;
        let response = send(&client, upstream_request, timeouts.response).await?;
        let status = response.status();
        if !status.is_success() {
            return Err(super::upstream_error::upstream_error(
                response,
                &channel,
                timeouts.stream_idle,
            )
            .await);
        }
        let mut body: ByteStream = response.bytes_stream().boxed();
        let bytes = read_body(&mut body, timeouts.stream_idle, MAX_BUFFERED_RESPONSE).await?;
        if action == StoredAction::Delete {
            self.responses.forget(response_id).await;
        }
        pending.set_outcome(status.as_u16(), None);
        pending.first_byte_now();
        pending.hand_over().finish();
        let mut answer = Response::new(axum::body::Body::from(bytes));
        *answer.status_mut() = status;
        answer.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        Ok(answer)
    }
}
