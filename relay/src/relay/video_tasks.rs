//! Video jobs run by a vendor's task API (Veo, DashScope, Ark) behind OpenAI's Videos face.
//!
//! The job created under an id of ours, its status read and mapped, its file streamed, its
//! deletion.
//!
//! The job is pinned, listed, polled and billed like any other ([`super::videos`]); only its
//! calls differ: each goes through the channel type's [`VideoTaskApi`] with the upstream's own
//! id, kept beside ours in the job ([`VideoJob::upstream_id`]).

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use bytes::Bytes;
use futures::StreamExt;

use super::Inner;
use super::answer::MAX_BUFFERED_RESPONSE;
use super::request::{ParsedRequest, Payload};
use super::videos::{VideoAction, chrono_now_ms, json_response, not_found, stream_file};
use crate::error::RelayError;
use crate::host::{Channel, VideoApi, VideoJob, VideoObservation, VideoStatus};
use crate::provider::video_tasks::{
    TaskState, TaskStatus, VideoObject, VideoSource, VideoTaskRequest, plain_get,
};
use crate::provider::{Endpoint, VideoTaskApi};
use crate::upstream::{ByteStream, read_body};
use crate::usage::PendingRecord;

/// Redirects a file download follows at most (a Gemini file answers with one to its signed
/// link); each is fetched without the channel's credentials.
const MAX_DOWNLOAD_REDIRECTS: usize = 5;

/// The task API's create request for an OpenAI `POST /v1/videos` body.
pub(super) fn create_request(
    tasks: &dyn VideoTaskApi,
    channel: &Channel,
    upstream_model: &str,
    request: &ParsedRequest,
) -> Result<crate::provider::UpstreamRequest, RelayError> {
    let task = match &request.payload {
        Payload::Json(object) => VideoTaskRequest::from_openai(object)?,
        Payload::Multipart { form, .. } => form_request(form)?,
    };
    tasks.create(channel, upstream_model, &task)
}

/// A multipart creation (what the official SDKs send) read as its JSON twin: the text fields
/// as they are, an `input_reference` file as a `data:` URI (bounded by the body limit).
fn form_request(form: &crate::multipart::Multipart) -> Result<VideoTaskRequest, RelayError> {
    let mut fields = serde_json::Map::new();
    for part in &form.parts {
        let value = match &part.filename {
            Some(filename) if part.name == "input_reference" => {
                let mime_type = match filename.rsplit('.').next().map(str::to_ascii_lowercase) {
                    Some(extension) if extension == "jpg" || extension == "jpeg" => "image/jpeg",
                    Some(extension) if extension == "webp" => "image/webp",
                    _ => "image/png",
                };
                let data = base64::engine::general_purpose::STANDARD.encode(&part.data);
                format!("data:{mime_type};base64,{data}")
            }
            Some(_) => continue,
            None => String::from_utf8_lossy(&part.data).into_owned(),
        };
        fields.insert(part.name.clone(), serde_json::Value::String(value));
    }
    let object = crate::json::JsonObject::from_value(&serde_json::Value::Object(fields))
        .map_err(|_| RelayError::Internal)?;
    VideoTaskRequest::from_openai(&object)
}

/// A task just created, as it is pinned: under which API and id of ours, for which client
/// model, and the seconds and size its bill falls back on.
pub(super) struct CreatedTask<'a> {
    pub api: VideoApi,
    pub id: String,
    pub model: &'a str,
    pub upstream_model: &'a str,
    pub seconds: u32,
    pub size: Option<String>,
}

/// What one poll of a task said: the OpenAI object it makes, its state, and the upstream's
/// answer as it came (what the Gemini face shows).
pub(super) struct TaskRead {
    pub object: Bytes,
    pub state: TaskState,
    pub answer: Bytes,
}

impl Inner {
    /// Remembers the task a creation answer names, pinned to the channel and the caller's
    /// group, and returns what the client is shown: for OpenAI's face, the OpenAI video object
    /// of a new id of ours; for the vendor's own API (`endpoint` a native creation), its answer
    /// as it came, the job known by the vendor's task id.
    #[expect(
        clippy::too_many_arguments,
        reason = "what the answer, the attempt and the request each know of the job"
    )]
    pub(super) async fn remember_task(
        &self,
        tasks: &dyn VideoTaskApi,
        endpoint: Endpoint,
        answer: &Bytes,
        channel_id: i64,
        request: &ParsedRequest,
        upstream_model: &str,
        pending: &mut PendingRecord,
    ) -> Result<Bytes, RelayError> {
        let created = match super::native_videos::video_api(endpoint) {
            // The vendor's own client keeps the vendor's task id and sees its answer as it came.
            Some(api) => {
                let upstream_id = tasks
                    .created_id(answer)
                    .ok_or(RelayError::UpstreamInvalid)?;
                let (seconds, size) = match &request.payload {
                    Payload::Json(body) => tasks.native_request(body),
                    Payload::Multipart { .. } => (None, None),
                };
                let created = CreatedTask {
                    api,
                    id: upstream_id,
                    model: &request.model,
                    upstream_model,
                    seconds: seconds.unwrap_or_else(|| tasks.default_seconds()),
                    size,
                };
                self.pin_task(tasks, answer, channel_id, created, pending)
                    .await?;
                return Ok(answer.clone());
            }
            None => {
                let (seconds, size) = super::videos::requested_video(request);
                CreatedTask {
                    api: VideoApi::Videos,
                    id: format!("video_{}", uuid::Uuid::new_v4().simple()),
                    model: &request.model,
                    upstream_model,
                    seconds: seconds.unwrap_or_else(|| tasks.default_seconds()),
                    size,
                }
            }
        };
        self.pin_task(tasks, answer, channel_id, created, pending)
            .await
    }

    /// Pins the task a creation answer names as `created` says (the channel, the caller's
    /// group, the upstream's id kept beside ours) and returns the OpenAI video object of it
    /// (what the job's listing shows).
    pub(super) async fn pin_task(
        &self,
        tasks: &dyn VideoTaskApi,
        answer: &Bytes,
        channel_id: i64,
        created: CreatedTask<'_>,
        pending: &mut PendingRecord,
    ) -> Result<Bytes, RelayError> {
        let upstream_id = tasks
            .created_id(answer)
            .ok_or(RelayError::UpstreamInvalid)?;
        let object = VideoObject {
            id: &created.id,
            model: created.model,
            created_at: chrono_now_ms() / 1000,
            seconds: created.seconds,
            size: created.size.as_deref(),
        }
        .render(None);
        self.remember_video(
            created.api,
            &object,
            channel_id,
            created.model,
            created.upstream_model,
            Some(created.seconds),
            created.size,
            Some(upstream_id),
            pending,
        )
        .await;
        Ok(object)
    }

    /// A call on a task job: its status, its file, its deletion; a remix is not a task API's.
    #[expect(
        clippy::too_many_arguments,
        reason = "one call's context, passed once from its only caller"
    )]
    pub(super) async fn relay_video_task(
        &self,
        action: VideoAction,
        video_id: &str,
        upstream_id: &str,
        job: &VideoJob,
        channel: &Channel,
        parts: &Parts,
        pending: &mut PendingRecord,
    ) -> Result<Response, RelayError> {
        match action {
            VideoAction::Get | VideoAction::JobGet => {
                let read = self.read_task(channel, video_id, upstream_id, job).await?;
                finish(pending, 200);
                Ok(json_response(StatusCode::OK, read.object))
            }
            VideoAction::Delete => {
                // A job that finished unseen is billed before it disappears; the upstream's
                // cancel (where there is one) is best effort, like the read.
                let _ = self.read_task(channel, video_id, upstream_id, job).await;
                if let Some(tasks) = channel.kind.video_tasks()
                    && let Some(Ok(cancel)) = tasks.cancel(channel, upstream_id)
                    && let Err(error) = self.send_video_request(channel, cancel, true).await
                {
                    tracing::debug!(channel = channel.id, %error, "video task cancel failed");
                }
                self.videos.forget(video_id, job).await;
                finish(pending, 200);
                let deleted =
                    serde_json::json!({"id": video_id, "object": "video.deleted", "deleted": true});
                Ok(json_response(
                    StatusCode::OK,
                    Bytes::from(deleted.to_string()),
                ))
            }
            VideoAction::Content => {
                let variant = parts.uri.query().and_then(|query| {
                    query
                        .split('&')
                        .find_map(|pair| pair.strip_prefix("variant="))
                });
                if variant.is_some_and(|variant| variant != "video") {
                    return Err(RelayError::BadRequest {
                        message: format!(
                            "channels of type {} have only the video variant",
                            channel.kind.as_str()
                        ),
                        param: Some("variant"),
                    });
                }
                let read = self.read_task(channel, video_id, upstream_id, job).await?;
                self.task_content(channel, video_id, read.state, pending)
                    .await
            }
            VideoAction::Remix | VideoAction::GenerationContent => Err(RelayError::BadRequest {
                message: format!(
                    "channels of type {} cannot remix a video",
                    channel.kind.as_str()
                ),
                param: None,
            }),
        }
    }

    /// Polls a task, hands what it says to the host (which bills a completed job once), and
    /// returns what the poll said.
    pub(super) async fn read_task(
        &self,
        channel: &Channel,
        video_id: &str,
        upstream_id: &str,
        job: &VideoJob,
    ) -> Result<TaskRead, RelayError> {
        let tasks = channel
            .kind
            .video_tasks()
            .ok_or_else(|| not_found(video_id))?;
        let request = tasks.poll(channel, &job.upstream_model, upstream_id)?;
        let (response, idle) = self.send_video_request(channel, request, true).await?;
        let mut stream: ByteStream = response.bytes_stream().boxed();
        let answer = read_body(&mut stream, idle, MAX_BUFFERED_RESPONSE).await?;
        let state = tasks.state(&answer).ok_or(RelayError::UpstreamInvalid)?;
        let object = VideoObject {
            id: video_id,
            model: &job.owner.model,
            created_at: job.created_at_ms / 1000,
            seconds: job.seconds,
            size: job.size.as_deref(),
        }
        .render(Some(&state));
        let status = match state.status {
            TaskStatus::Completed => VideoStatus::Completed,
            TaskStatus::Failed => VideoStatus::Failed,
            TaskStatus::Queued | TaskStatus::InProgress => VideoStatus::Pending,
        };
        self.videos
            .observe(
                video_id,
                job,
                VideoObservation {
                    status,
                    seconds: state.seconds,
                    size: state.size.clone(),
                    object: object.clone(),
                },
            )
            .await;
        Ok(TaskRead {
            object,
            state,
            answer,
        })
    }

    /// A finished task's file: fetched from its link and streamed as it arrives (never held
    /// whole), or decoded from the base64 the task object carried (already bounded by the
    /// poll's read).
    async fn task_content(
        &self,
        channel: &Channel,
        video_id: &str,
        state: TaskState,
        pending: &mut PendingRecord,
    ) -> Result<Response, RelayError> {
        let tasks = channel
            .kind
            .video_tasks()
            .ok_or_else(|| not_found(video_id))?;
        match state.video {
            None => Err(RelayError::BadRequest {
                message: format!(
                    "video {video_id} has no file: its status is {}",
                    state.status.as_str()
                ),
                param: None,
            }),
            Some(VideoSource::Inline { base64, mime_type }) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(base64.as_bytes())
                    .map_err(|_| RelayError::UpstreamInvalid)?;
                finish(pending, 200);
                let mut answer = Response::new(Body::from(bytes));
                answer.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_str(&mime_type)
                        .unwrap_or(HeaderValue::from_static("video/mp4")),
                );
                Ok(answer)
            }
            Some(VideoSource::Url(url)) => self.fetch_file(channel, tasks, url, pending).await,
        }
    }

    /// A task's file at `url`, fetched through the family's download request (following
    /// redirects without the channel's credentials) and streamed as it arrives, never held
    /// whole.
    pub(super) async fn fetch_file(
        &self,
        channel: &Channel,
        tasks: &dyn VideoTaskApi,
        url: String,
        pending: &mut PendingRecord,
    ) -> Result<Response, RelayError> {
        let mut request = tasks.download(channel, &url)?;
        let mut authorize = tasks.download_is_authorized(&url);
        let mut current = url;
        for _ in 0..=MAX_DOWNLOAD_REDIRECTS {
            let (response, idle) = self.send_video_request(channel, request, authorize).await?;
            let location = response
                .status()
                .is_redirection()
                .then(|| response.headers().get(header::LOCATION))
                .flatten()
                .and_then(|location| location.to_str().ok())
                .and_then(|location| reqwest::Url::parse(&current).ok()?.join(location).ok());
            let Some(next) = location else {
                return Ok(stream_file(response, idle, pending));
            };
            current = next.to_string();
            request = plain_get(&current);
            authorize = false;
        }
        Err(RelayError::UpstreamInvalid)
    }
}

/// Ends a call's record as answered with `status`.
pub(super) fn finish(pending: &mut PendingRecord, status: u16) {
    pending.set_outcome(status, None);
    pending.first_byte_now();
    pending.hand_over().finish();
}
