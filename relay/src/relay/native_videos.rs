//! DashScope's and Ark's own video task APIs spoken by clients: the channels that speak them, the body relayed, and the calls on their tasks.
//!
//! A creation (`POST /api/v1/services/aigc/video-generation/video-synthesis`, `POST
//! /api/v3/contents/generations/tasks`) goes through the usual pipeline
//! ([`Endpoint::DashScopeVideo`], [`Endpoint::ArkVideo`]) to a channel whose type's
//! [`VideoTaskApi::native_endpoint`] is that endpoint, its body passed through with the model
//! mapped. The vendor's task id in the answer becomes the job's id: the job is pinned to its
//! channel and group, polled and billed like every video job ([`super::videos`]). Its reads
//! (`GET /api/v1/tasks/{task_id}`, `GET /api/v3/contents/generations/tasks/{task_id}`) and Ark's
//! `DELETE` come here, answered with the vendor's own objects and errors in its own shape.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use futures::StreamExt;

use super::Inner;
use super::answer::MAX_BUFFERED_RESPONSE;
use super::request::{ParsedRequest, Payload};
use super::video_tasks::finish;
use super::videos::{json_response, rename_model};
use crate::error::{ErrorBody, RelayError};
use crate::host::{Channel, Route, VideoApi};
use crate::provider::{Endpoint, UpstreamRequest, VideoTaskApi};
use crate::request_id::request_id;
use crate::upstream::{ByteStream, read_body};
use crate::usage::PendingRecord;

/// A call on a task of a vendor's own API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NativeTaskCall {
    /// `GET /api/v1/tasks/{task_id}`.
    DashScopeRead,
    /// `GET /api/v3/contents/generations/tasks/{task_id}`.
    ArkRead,
    /// `DELETE /api/v3/contents/generations/tasks/{task_id}`: cancels a queued task, deletes a
    /// finished one's record.
    ArkDelete,
}

impl NativeTaskCall {
    fn route(self) -> &'static str {
        match self {
            NativeTaskCall::DashScopeRead => "/api/v1/tasks/{task_id}",
            NativeTaskCall::ArkRead | NativeTaskCall::ArkDelete => {
                "/api/v3/contents/generations/tasks/{task_id}"
            }
        }
    }

    /// The creation endpoint of the tasks this call reaches (its face shapes the errors).
    fn endpoint(self) -> Endpoint {
        match self {
            NativeTaskCall::DashScopeRead => Endpoint::DashScopeVideo,
            NativeTaskCall::ArkRead | NativeTaskCall::ArkDelete => Endpoint::ArkVideo,
        }
    }
}

/// The job API of a native creation endpoint; `None` for every other endpoint.
pub(super) fn video_api(endpoint: Endpoint) -> Option<VideoApi> {
    match endpoint {
        Endpoint::DashScopeVideo => Some(VideoApi::DashScope),
        Endpoint::ArkVideo => Some(VideoApi::Ark),
        _ => None,
    }
}

/// The route's channels whose type speaks `endpoint` when it is a vendor's own creation (the
/// usual choice by priority then runs among them); the route as it is for other endpoints. A
/// model no such channel serves is the client's mistake, named.
pub(super) fn speaking_channels(
    endpoint: Endpoint,
    mut route: Route,
    model: &str,
) -> Result<Route, RelayError> {
    if !endpoint.is_native_video() {
        return Ok(route);
    }
    route.channels.retain(|channel| {
        channel
            .kind
            .video_tasks()
            .and_then(|tasks| tasks.native_endpoint())
            == Some(endpoint)
    });
    if route.channels.is_empty() {
        return Err(RelayError::BadRequest {
            message: format!(
                "model {model} has no channel that serves {}",
                endpoint.route()
            ),
            param: Some("model"),
        });
    }
    Ok(route)
}

/// The creation sent upstream: the client's body as it came, or with the channel's name for
/// the model when the channel maps it.
pub(super) fn create_request(
    tasks: &dyn VideoTaskApi,
    channel: &Channel,
    upstream_model: &str,
    request: &ParsedRequest,
) -> Result<UpstreamRequest, RelayError> {
    let Payload::Json(object) = &request.payload else {
        return Err(RelayError::BadRequest {
            message: "the request body must be a JSON object".into(),
            param: None,
        });
    };
    let body = if upstream_model == request.model {
        request.json_source.clone()
    } else {
        let mut object = object.clone();
        object
            .set("model", upstream_model)
            .map_err(|_| RelayError::Internal)?;
        object.to_bytes()
    };
    tasks
        .create_native(channel, upstream_model, body)
        .unwrap_or_else(|| {
            Err(RelayError::Unsupported(format!(
                "channels of type {} do not speak a native video task API",
                channel.kind.as_str()
            )))
        })
}

/// The vendor's answer for a task it does not know, given too for another group's: ids reveal
/// nothing across groups. Each face gives it its own code.
fn task_not_found(task_id: &str) -> RelayError {
    RelayError::UpstreamRejected {
        status: 404,
        body: Some(ErrorBody {
            message: format!(
                "task {} does not exist",
                task_id.chars().take(128).collect::<String>()
            ),
            kind: "invalid_request_error".into(),
            param: None,
            code: None,
        }),
    }
}

impl Inner {
    /// A call on a task created through a vendor's own API: found for the caller's group only,
    /// sent to its channel.
    pub(super) async fn native_task(
        &self,
        call: NativeTaskCall,
        task_id: String,
        request: Request,
    ) -> Response {
        let (parts, _) = request.into_parts();
        let mut pending = PendingRecord::start(
            Arc::clone(&self.usage),
            request_id(&parts),
            call.route(),
            Instant::now(),
        );
        match self
            .relay_native_task(call, &task_id, &parts, &mut pending)
            .await
        {
            Ok(response) => response,
            Err(error) => self.fail(pending, error, call.endpoint().face()),
        }
    }

    async fn relay_native_task(
        &self,
        call: NativeTaskCall,
        task_id: &str,
        parts: &Parts,
        pending: &mut PendingRecord,
    ) -> Result<Response, RelayError> {
        let caller = self.authenticate(parts, pending)?;
        self.check_address(pending).await?;
        let api = video_api(call.endpoint()).ok_or(RelayError::Internal)?;
        let (job, channel) = self
            .source_job(&caller, task_id, api, pending)
            .await
            .map_err(|_| task_not_found(task_id))?;
        let upstream_id = job
            .upstream_id
            .clone()
            .unwrap_or_else(|| task_id.to_owned());
        match call {
            NativeTaskCall::DashScopeRead | NativeTaskCall::ArkRead => {
                let read = self
                    .read_task(&channel, task_id, &upstream_id, &job)
                    .await?;
                finish(pending, 200);
                Ok(json_response(
                    StatusCode::OK,
                    rename_model(read.answer, &job),
                ))
            }
            NativeTaskCall::ArkDelete => {
                // A job that finished unseen is billed before it disappears (best effort: a
                // read that fails does not stop the delete).
                let _ = self.read_task(&channel, task_id, &upstream_id, &job).await;
                let cancel = channel
                    .kind
                    .video_tasks()
                    .and_then(|tasks| tasks.cancel(&channel, &upstream_id))
                    .ok_or_else(|| task_not_found(task_id))??;
                let (response, idle) = self.send_video_request(&channel, cancel, true).await?;
                let status = response.status();
                let mut stream: ByteStream = response.bytes_stream().boxed();
                let answer = read_body(&mut stream, idle, MAX_BUFFERED_RESPONSE).await?;
                self.videos.forget(task_id, &job).await;
                finish(pending, status.as_u16());
                Ok(json_response(status, answer))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::{ChannelKind, ModelSettings};

    fn channel(id: i64, kind: &str) -> Arc<Channel> {
        Arc::new(Channel {
            id,
            name: kind.into(),
            kind: ChannelKind::parse(kind).unwrap(),
            base_url: String::new(),
            key: "k".into(),
            model_mapping: Default::default(),
            priority: 0,
            config: Default::default(),
            proxy_url: None,
            timeouts: Default::default(),
        })
    }

    fn route(kinds: &[&str]) -> Route {
        Route {
            channels: kinds
                .iter()
                .enumerate()
                .map(|(index, kind)| channel(index as i64, kind))
                .collect(),
            settings: ModelSettings::default(),
        }
    }

    #[test]
    fn a_native_creation_goes_only_to_channels_that_speak_it() {
        let kept = speaking_channels(
            Endpoint::DashScopeVideo,
            route(&["openai", "ali", "doubao"]),
            "wan",
        )
        .unwrap();
        assert_eq!(kept.channels.len(), 1);
        assert_eq!(kept.channels[0].kind.as_str(), "ali");
        let kept = speaking_channels(Endpoint::ArkVideo, route(&["ali", "doubao"]), "m").unwrap();
        assert_eq!(kept.channels[0].kind.as_str(), "doubao");
        let refused = speaking_channels(Endpoint::ArkVideo, route(&["openai", "ali"]), "m");
        assert!(matches!(
            refused,
            Err(RelayError::BadRequest {
                param: Some("model"),
                ..
            })
        ));
        // Other endpoints keep every channel.
        let all = speaking_channels(Endpoint::Videos, route(&["openai", "ali"]), "m").unwrap();
        assert_eq!(all.channels.len(), 2);
    }
}
