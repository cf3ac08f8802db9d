//! Calls on video jobs: read, delete, streamed download, remix (and the new job of any derivation), the listing, the bounded poll.
//!
//! Every call goes to the channel that created the job, for its group only.
//!
//! A job is created through the usual pipeline (`POST /v1/videos`, [`Endpoint::Videos`]);
//! its answer is remembered here with who made it ([`Inner::remember_video`]). Whoever reads a
//! job's status (a client, or the poll) hands it to the host's [`VideoJobs::observe`], which
//! bills a completed job once.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use futures::StreamExt;
use tenancy::Caller;

use super::Inner;
use super::answer::MAX_BUFFERED_RESPONSE;
use super::request::{ParsedRequest, Payload};
use crate::error::{ErrorBody, RelayError};
use crate::host::{Channel, ResponseOwner, VideoApi, VideoJob, VideoObservation, VideoStatus};
use crate::json::JsonObject;
use crate::provider::{Endpoint, VideoCall};
use crate::request_id::request_id;
use crate::upstream::{ByteStream, read_body, send};
use crate::usage::PendingRecord;
use crate::video_jobs::video_facts;
use crate::vocabulary::{Face, MAX_CLIENT_NAME_BYTES};

/// The default length of a video when neither request nor answer names one: OpenAI's 4 s,
/// Azure Sora jobs' 5 s.
pub(super) fn default_seconds(api: VideoApi) -> u32 {
    match api {
        VideoApi::GenerationJobs | VideoApi::DashScope | VideoApi::Ark => 5,
        VideoApi::GeminiOperation | VideoApi::GeminiFile => crate::provider::VEO_DEFAULT_SECONDS,
        VideoApi::Videos | VideoApi::Generation => 4,
    }
}

/// What makes a new job of another: the call, the source's id (the upstream's: only jobs of
/// OpenAI's wire, whose ids are the upstream's, are derived) and the seconds reserved.
pub(super) struct Derived<'a> {
    pub call: VideoCall,
    pub source_id: &'a str,
    pub seconds: u32,
}

/// Jobs one poll round reads at most.
const POLL_BATCH: usize = 16;

/// What a client asks of a video job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum VideoAction {
    Get,
    Delete,
    Content,
    Remix,
    /// `GET /v1/video/generations/jobs/{id}`.
    JobGet,
    /// `GET /v1/video/generations/{id}/content/video`.
    GenerationContent,
}

impl VideoAction {
    fn route(self) -> &'static str {
        match self {
            VideoAction::Get | VideoAction::Delete => "/v1/videos/{id}",
            VideoAction::Content => "/v1/videos/{id}/content",
            VideoAction::Remix => "/v1/videos/{id}/remix",
            VideoAction::JobGet => "/v1/video/generations/jobs/{id}",
            VideoAction::GenerationContent => "/v1/video/generations/{id}/content/video",
        }
    }

    /// The API whose ids this action takes: an id of another is not found.
    fn api(self) -> VideoApi {
        match self {
            VideoAction::Get | VideoAction::Delete | VideoAction::Content | VideoAction::Remix => {
                VideoApi::Videos
            }
            VideoAction::JobGet => VideoApi::GenerationJobs,
            VideoAction::GenerationContent => VideoApi::Generation,
        }
    }
}

/// OpenAI's answer for a video it does not know, given too for another group's: ids reveal
/// nothing across groups.
pub(super) fn not_found(video_id: &str) -> RelayError {
    RelayError::UpstreamRejected {
        status: 404,
        body: Some(ErrorBody {
            message: format!(
                "Video with id '{}' not found.",
                video_id.chars().take(128).collect::<String>()
            ),
            kind: "invalid_request_error".into(),
            param: None,
            code: None,
        }),
    }
}

impl Inner {
    /// Remembers the job a `POST /v1/videos` (or a remix) created, from the upstream's answer
    /// (`answer`, with the model already renamed back), pinned to `channel` and the caller's
    /// group. Seconds and size come from the answer, else from the request, else OpenAI's
    /// defaults.
    #[expect(
        clippy::too_many_arguments,
        reason = "what the answer, the attempt and the request each know of the job"
    )]
    pub(super) async fn remember_video(
        &self,
        api: VideoApi,
        answer: &Bytes,
        channel_id: i64,
        model: &str,
        upstream_model: &str,
        request_seconds: Option<u32>,
        request_size: Option<String>,
        upstream_id: Option<String>,
        pending: &mut PendingRecord,
    ) {
        let Some(facts) = video_facts(answer) else {
            return;
        };
        let Some(id) = facts.id else {
            return;
        };
        let record = pending.record();
        let Some(group_id) = record.group_id.clone() else {
            return;
        };
        record.upstream_request_id = Some(id.clone());
        // The video's reservation stays held until the job is billed (or fails).
        let hold = record
            .reservation
            .as_ref()
            .and_then(|reservation| self.governor.hold_for_job(reservation));
        let job = VideoJob {
            owner: ResponseOwner {
                group_id,
                channel_id,
                model: model.to_owned(),
            },
            token_id: record.token_id,
            token_name: record.token_name.clone(),
            upstream_model: upstream_model.to_owned(),
            request_id: record.request_id.clone(),
            seconds: facts
                .seconds
                .or(request_seconds)
                .unwrap_or_else(|| default_seconds(api)),
            size: facts.size.or(request_size),
            created_at_ms: chrono_now_ms(),
            api,
            upstream_id,
            hold,
        };
        self.videos.remember(&id, job, answer.clone()).await;
    }

    /// `GET /v1/videos`: the caller's group's jobs, as last seen, in OpenAI's list shape.
    pub(super) async fn list_videos(&self, request: Request) -> Response {
        let (parts, _) = request.into_parts();
        let mut pending = PendingRecord::start(
            Arc::clone(&self.usage),
            request_id(&parts),
            "/v1/videos",
            Instant::now(),
        );
        match self.relay_video_list(&parts, &mut pending).await {
            Ok(response) => response,
            Err(error) => self.fail(pending, error, Face::OpenAi),
        }
    }

    async fn relay_video_list(
        &self,
        parts: &Parts,
        pending: &mut PendingRecord,
    ) -> Result<Response, RelayError> {
        let caller = self.authenticate(parts, pending)?;
        self.check_address(pending).await?;
        let query = ListQuery::parse(parts.uri.query().unwrap_or_default())?;
        let page = self
            .videos
            .list(
                &caller.group_id,
                query.after.as_deref(),
                query.limit,
                query.ascending,
            )
            .await;
        let data: Vec<serde_json::Value> = page
            .items
            .iter()
            .map(|(id, object)| {
                serde_json::from_slice(object)
                    .unwrap_or_else(|_| serde_json::json!({"id": id, "object": "video"}))
            })
            .collect();
        let document = serde_json::json!({
            "object": "list",
            "data": data,
            "first_id": page.items.first().map(|(id, _)| id),
            "last_id": page.items.last().map(|(id, _)| id),
            "has_more": page.has_more,
        });
        pending.set_outcome(200, None);
        pending.first_byte_now();
        pending.hand_over().finish();
        Ok(json_response(
            StatusCode::OK,
            Bytes::from(document.to_string()),
        ))
    }

    /// A call on one job: found for the caller's group only, sent to its channel.
    pub(super) async fn video(
        &self,
        action: VideoAction,
        video_id: String,
        request: Request,
    ) -> Response {
        let started = Instant::now();
        let (parts, body) = request.into_parts();
        let mut pending = PendingRecord::start(
            Arc::clone(&self.usage),
            request_id(&parts),
            action.route(),
            started,
        );
        let mut limit_headers = Vec::new();
        let result = self
            .relay_video(
                action,
                &video_id,
                &parts,
                body,
                &mut pending,
                &mut limit_headers,
            )
            .await;
        let mut response = match result {
            Ok(response) => response,
            Err(error) => self.fail(pending, error, Face::OpenAi),
        };
        response.headers_mut().extend(limit_headers);
        response
    }

    async fn relay_video(
        &self,
        action: VideoAction,
        video_id: &str,
        parts: &Parts,
        body: Body,
        pending: &mut PendingRecord,
        limit_headers: &mut Vec<(axum::http::HeaderName, HeaderValue)>,
    ) -> Result<Response, RelayError> {
        let caller = self.authenticate(parts, pending)?;
        self.check_address(pending).await?;
        let (job, channel) = self
            .source_job(&caller, video_id, action.api(), pending)
            .await?;
        if let Some(upstream_id) = job.upstream_id.clone() {
            return self
                .relay_video_task(
                    action,
                    video_id,
                    &upstream_id,
                    &job,
                    &channel,
                    parts,
                    pending,
                )
                .await;
        }
        match action {
            VideoAction::Get | VideoAction::JobGet => {
                let object = self.read_video(&channel, video_id, &job).await?;
                pending.set_outcome(200, None);
                pending.first_byte_now();
                pending.hand_over().finish();
                Ok(json_response(StatusCode::OK, object))
            }
            VideoAction::Delete => {
                // A job that finished unseen is billed before it disappears (best effort: a
                // read that fails does not stop the delete).
                let _ = self.read_video(&channel, video_id, &job).await;
                let (status, bytes) = self
                    .video_json_call(&channel, VideoCall::Delete, video_id, None, Bytes::new())
                    .await?;
                self.videos.forget(video_id, &job).await;
                pending.set_outcome(status.as_u16(), None);
                pending.first_byte_now();
                pending.hand_over().finish();
                Ok(json_response(status, bytes))
            }
            VideoAction::Content => {
                self.video_content(
                    &channel,
                    VideoCall::Content,
                    video_id,
                    parts.uri.query(),
                    pending,
                )
                .await
            }
            VideoAction::GenerationContent => {
                self.video_content(
                    &channel,
                    VideoCall::GenerationContent,
                    video_id,
                    None,
                    pending,
                )
                .await
            }
            VideoAction::Remix => {
                self.remix(
                    &caller,
                    &channel,
                    video_id,
                    &job,
                    parts,
                    body,
                    pending,
                    limit_headers,
                )
                .await
            }
        }
    }

    /// The caller's group's job `video_id` of `api` and the channel that runs it, noted on the
    /// record; any other group's (or an unknown) id is not found.
    pub(super) async fn source_job(
        &self,
        caller: &Caller,
        video_id: &str,
        api: VideoApi,
        pending: &mut PendingRecord,
    ) -> Result<(VideoJob, Arc<Channel>), RelayError> {
        self.pinned_job(caller, video_id, api, pending)
            .await
            .ok_or_else(|| not_found(video_id))
    }

    /// [`Inner::source_job`] for any face: `None` for another group's or an unknown id, which
    /// each face answers with its own not found.
    pub(super) async fn pinned_job(
        &self,
        caller: &Caller,
        video_id: &str,
        api: VideoApi,
        pending: &mut PendingRecord,
    ) -> Option<(VideoJob, Arc<Channel>)> {
        // No id is this long: answered without a lookup keyed by the client's bytes.
        if video_id.len() > MAX_CLIENT_NAME_BYTES {
            return None;
        }
        let job = self
            .videos
            .job(video_id)
            .await
            .filter(|job| job.owner.group_id == caller.group_id && job.api == api)?;
        let record = pending.record();
        record.requested_model = Some(job.owner.model.clone());
        record.upstream_model = Some(job.upstream_model.clone());
        record.channel_id = Some(job.owner.channel_id);
        record.upstream_request_id = Some(video_id.to_owned());
        let channel = self
            .directory
            .route(caller, &job.owner.model)
            .and_then(|route| {
                route
                    .channels
                    .into_iter()
                    .find(|channel| channel.id == job.owner.channel_id)
            })?;
        Some((job, channel))
    }

    /// Reads a job from its channel, hands what it says to the host (which bills a completed
    /// job once), and returns the object with the client's model name.
    async fn read_video(
        &self,
        channel: &Channel,
        video_id: &str,
        job: &VideoJob,
    ) -> Result<Bytes, RelayError> {
        if let Some(upstream_id) = &job.upstream_id {
            let read = self.read_task(channel, video_id, upstream_id, job).await?;
            return Ok(read.object);
        }
        let call = match job.api {
            VideoApi::Videos => VideoCall::Read,
            VideoApi::GenerationJobs => VideoCall::JobRead,
            // A generation has no object of its own; native tasks and Gemini operations and
            // files always have their upstream id, so they never come here.
            VideoApi::Generation
            | VideoApi::DashScope
            | VideoApi::Ark
            | VideoApi::GeminiOperation
            | VideoApi::GeminiFile => {
                return Err(not_found(video_id));
            }
        };
        let (_, bytes) = self
            .video_json_call(channel, call, video_id, None, Bytes::new())
            .await?;
        let object = rename_model(bytes, job);
        let facts = video_facts(&object).unwrap_or_default();
        let status = VideoStatus::parse(facts.status.as_deref().unwrap_or_default());
        // A finished Sora job names its generations, whose files are fetched by their own
        // ids: they are pinned like the job.
        if job.api == VideoApi::GenerationJobs && status == VideoStatus::Completed {
            for generation in &facts.generations {
                if self.videos.job(generation).await.is_none() {
                    let pinned = VideoJob {
                        api: VideoApi::Generation,
                        hold: None,
                        ..job.clone()
                    };
                    self.videos.remember(generation, pinned, Bytes::new()).await;
                }
            }
        }
        self.videos
            .observe(
                video_id,
                job,
                VideoObservation {
                    status,
                    seconds: facts.seconds,
                    size: facts.size,
                    object: object.clone(),
                },
            )
            .await;
        Ok(object)
    }

    /// One call on a job whose answer is JSON, read whole (bounded).
    async fn video_json_call(
        &self,
        channel: &Channel,
        call: VideoCall,
        video_id: &str,
        query: Option<&str>,
        body: Bytes,
    ) -> Result<(StatusCode, Bytes), RelayError> {
        let (response, idle) = self
            .video_send(channel, call, video_id, query, body)
            .await?;
        let status = response.status();
        let mut stream: ByteStream = response.bytes_stream().boxed();
        let bytes = read_body(&mut stream, idle, MAX_BUFFERED_RESPONSE).await?;
        Ok((status, bytes))
    }

    /// Sends a call on a job to its channel; an upstream error comes back as the relay's.
    async fn video_send(
        &self,
        channel: &Channel,
        call: VideoCall,
        video_id: &str,
        query: Option<&str>,
        body: Bytes,
    ) -> Result<(reqwest::Response, std::time::Duration), RelayError> {
        let provider = channel.kind.provider();
        let mut upstream_request = provider.video_call(channel, call, video_id, query)?;
        upstream_request.body = body;
        self.send_video_request(channel, upstream_request, true)
            .await
    }

    /// Sends one request about a job to `channel`'s upstream (through the provider's
    /// authorization step when `authorize`); an upstream error comes back as the relay's.
    pub(super) async fn send_video_request(
        &self,
        channel: &Channel,
        mut upstream_request: crate::provider::UpstreamRequest,
        authorize: bool,
    ) -> Result<(reqwest::Response, std::time::Duration), RelayError> {
        let provider = channel.kind.provider();
        let timeouts = super::attempt::effective_timeouts(
            self.config.timeouts,
            &channel.timeouts,
            &Default::default(),
        );
        let client = self
            .clients
            .get(channel.proxy_url.as_deref(), timeouts.connect)?;
        if authorize {
            crate::provider::authorize(provider, channel, &client, &mut upstream_request).await?;
        }
        let response = send(&client, upstream_request, timeouts.response).await?;
        // A redirect is answered, not followed: only a file download follows one, itself.
        if !response.status().is_success() && !response.status().is_redirection() {
            return Err(super::upstream_error::upstream_error(
                response,
                channel,
                timeouts.stream_idle,
            )
            .await);
        }
        Ok((response, timeouts.stream_idle))
    }

    /// `GET /v1/videos/{id}/content`: the file relayed chunk by chunk as it arrives, never
    /// held whole, with the upstream's content type and length.
    async fn video_content(
        &self,
        channel: &Channel,
        call: VideoCall,
        video_id: &str,
        query: Option<&str>,
        pending: &mut PendingRecord,
    ) -> Result<Response, RelayError> {
        let (response, idle) = self
            .video_send(channel, call, video_id, query, Bytes::new())
            .await?;
        Ok(stream_file(response, idle, pending))
    }

    /// `POST /v1/videos/{id}/remix`: admitted like a creation, sent to the job's channel, and
    /// the new job remembered for the same group (billed when it completes).
    #[expect(
        clippy::too_many_arguments,
        reason = "one call's context, passed once from its only caller"
    )]
    async fn remix(
        &self,
        caller: &Caller,
        channel: &Channel,
        video_id: &str,
        job: &VideoJob,
        parts: &Parts,
        body: Body,
        pending: &mut PendingRecord,
        limit_headers: &mut Vec<(axum::http::HeaderName, HeaderValue)>,
    ) -> Result<Response, RelayError> {
        let request = self.read_video_json(parts, body, pending).await?;
        // A remix is as long and as large as the video it remixes: reserved at its price.
        let derived = Derived {
            call: VideoCall::Remix,
            source_id: video_id,
            seconds: job.seconds,
        };
        self.derive(
            caller,
            channel,
            job,
            derived,
            request,
            pending,
            limit_headers,
        )
        .await
    }

    /// The body of a call that makes a new job from another (remix, edit, extension): a JSON
    /// object with a `prompt` string, read within the body limits and noted on the record.
    pub(super) async fn read_video_json(
        &self,
        parts: &Parts,
        body: Body,
        pending: &mut PendingRecord,
    ) -> Result<(Bytes, JsonObject), RelayError> {
        let body = self.read_video_body(parts, body, pending).await?;
        video_json_object(body)
    }

    /// A call's body, read within the body limits and noted on the record.
    pub(super) async fn read_video_body(
        &self,
        parts: &Parts,
        body: Body,
        pending: &mut PendingRecord,
    ) -> Result<Bytes, RelayError> {
        let reading =
            super::request::read_request_body(body, &parts.headers, self.config.max_body_bytes);
        let body = tokio::time::timeout(self.config.body_timeout, reading)
            .await
            .map_err(|_| RelayError::BodyTimeout)??;
        pending.record().request_body =
            Some(body.slice(..body.len().min(self.config.detail_max_bytes)));
        Ok(body)
    }

    /// A new job from `job` (`derived` says which call, and the length reserved and
    /// remembered): admitted like a creation at the source's size, sent to the source's
    /// channel, and remembered for the same group, pinned there and billed when it completes.
    #[expect(
        clippy::too_many_arguments,
        reason = "one call's context, passed once from each caller"
    )]
    pub(super) async fn derive(
        &self,
        caller: &Caller,
        channel: &Channel,
        job: &VideoJob,
        derived: Derived<'_>,
        (body, object): (Bytes, JsonObject),
        pending: &mut PendingRecord,
        limit_headers: &mut Vec<(axum::http::HeaderName, HeaderValue)>,
    ) -> Result<Response, RelayError> {
        let parsed = ParsedRequest {
            model: job.owner.model.clone(),
            anthropic_beta: None,
            stream: false,
            payload: Payload::Json(object),
            json_source: body.clone(),
        };
        let media = &mut pending.record().media;
        media.video_seconds = derived.seconds;
        media.video_size = job.size.clone();
        let admission = self
            .admit(Endpoint::Videos, caller, &parsed, 0, pending)
            .await?;
        pending.record().reservation = admission.reservation;
        *limit_headers = admission.headers;
        let (status, bytes) = self
            .video_json_call(channel, derived.call, derived.source_id, None, body)
            .await?;
        let bytes = rename_model(bytes, job);
        self.remember_video(
            VideoApi::Videos,
            &bytes,
            channel.id,
            &job.owner.model,
            &job.upstream_model,
            Some(derived.seconds),
            job.size.clone(),
            None,
            pending,
        )
        .await;
        let record = pending.record();
        record.response_body = Some(bytes.slice(..bytes.len().min(self.config.detail_max_bytes)));
        pending.set_outcome(status.as_u16(), None);
        pending.first_byte_now();
        pending.hand_over().finish();
        Ok(json_response(status, bytes))
    }

    /// One round of the bounded background poll: reads each unfinished job that is due from
    /// its channel, so a job nobody asks about is still billed when it completes.
    pub(super) async fn poll_videos(&self) {
        for (video_id, job) in self.videos.due(POLL_BATCH).await {
            let Some(channel) = self.directory.channel(job.owner.channel_id) else {
                // A channel disabled or deleted meanwhile: polled again after the backoff,
                // until the job is given up.
                continue;
            };
            if let Err(error) = self.read_video(&channel, &video_id, &job).await {
                tracing::debug!(channel = channel.id, %error, "video job poll failed");
            }
        }
    }
}

/// A file relayed chunk by chunk as it arrives, never held whole, with the upstream's
/// content type and length.
pub(super) fn stream_file(
    response: reqwest::Response,
    idle: std::time::Duration,
    pending: &mut PendingRecord,
) -> Response {
    let status = response.status();
    let content_type = response.headers().get(header::CONTENT_TYPE).cloned();
    let content_length = response.headers().get(header::CONTENT_LENGTH).cloned();
    let upstream: ByteStream = response.bytes_stream().boxed();
    pending.set_outcome(status.as_u16(), None);
    let pending = pending.hand_over();
    let body =
        crate::stream::passthrough_body(Bytes::new(), upstream, idle, Default::default(), pending);
    let mut answer = Response::new(body);
    *answer.status_mut() = status;
    let headers = answer.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        content_type.unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Some(length) = content_length {
        headers.insert(header::CONTENT_LENGTH, length);
    }
    answer
}

/// A new job's body: a JSON object with a `prompt` string.
pub(super) fn video_json_object(body: Bytes) -> Result<(Bytes, JsonObject), RelayError> {
    let object = JsonObject::parse(body.clone()).map_err(|_| RelayError::BadRequest {
        message: "the request body must be a JSON object".into(),
        param: None,
    })?;
    super::request::check_field(&object, "prompt", super::request::Shape::String, true)?;
    Ok((body, object))
}

/// The client's model name back in an upstream object that names the channel's.
pub(super) fn rename_model(bytes: Bytes, job: &VideoJob) -> Bytes {
    if job.upstream_model == job.owner.model {
        return bytes;
    }
    let Ok(mut object) = JsonObject::parse(bytes.clone()) else {
        return bytes;
    };
    if object.get("model").is_some() && object.set("model", &job.owner.model).is_ok() {
        return object.to_bytes();
    }
    bytes
}

pub(super) fn json_response(status: StatusCode, bytes: Bytes) -> Response {
    let mut answer = Response::new(Body::from(bytes));
    *answer.status_mut() = status;
    answer.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    answer
}

pub(super) fn chrono_now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}

/// The seconds and size a creation request asks for (JSON or form fields).
pub(super) fn requested_video(request: &ParsedRequest) -> (Option<u32>, Option<String>) {
    let text = |name: &str| -> Option<String> {
        match &request.payload {
            Payload::Json(object) => match object.get_as::<serde_json::Value>(name).ok()? {
                Some(serde_json::Value::String(text)) => Some(text),
                Some(serde_json::Value::Number(number)) => Some(number.to_string()),
                _ => None,
            },
            Payload::Multipart { form, .. } => form.text(name).ok().flatten().map(str::to_owned),
        }
    };
    let number = |name: &str| text(name).and_then(|value| value.trim().parse::<u32>().ok());
    // Azure's Sora jobs: `n_seconds` of each of `n_variants` videos, `width` by `height`.
    let seconds = number("seconds").or_else(|| {
        number("n_seconds")
            .map(|seconds| seconds.saturating_mul(number("n_variants").unwrap_or(1).max(1)))
    });
    let size = text("size")
        .or_else(|| Some(format!("{}x{}", number("width")?, number("height")?)))
        .filter(|size| size.len() <= 64);
    (seconds, size)
}

/// `limit` (1 to 100, default 20), `after` and `order` (`asc` or `desc`, the default) of a
/// listing.
struct ListQuery {
    limit: usize,
    after: Option<String>,
    ascending: bool,
}

impl ListQuery {
    fn parse(query: &str) -> Result<ListQuery, RelayError> {
        let bad = |message: &str, param: &'static str| RelayError::BadRequest {
            message: message.to_owned(),
            param: Some(param),
        };
        let mut parsed = ListQuery {
            limit: 20,
            after: None,
            ascending: false,
        };
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            match name {
                "limit" => {
                    parsed.limit = value
                        .parse::<usize>()
                        .ok()
                        .filter(|limit| (1..=100).contains(limit))
                        .ok_or_else(|| bad("limit must be an integer from 1 to 100", "limit"))?;
                }
                "after" if !value.is_empty() => {
                    if value.len() > MAX_CLIENT_NAME_BYTES {
                        return Err(bad("after is too long", "after"));
                    }
                    parsed.after = Some(value.to_owned());
                }
                "order" => {
                    parsed.ascending = match value {
                        "asc" => true,
                        "desc" => false,
                        _ => return Err(bad("order must be asc or desc", "order")),
                    };
                }
                _ => {}
            }
        }
        Ok(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_queries_are_bounded() {
        let query = ListQuery::parse("limit=5&after=video_1&order=asc").unwrap();
        assert_eq!(query.limit, 5);
        assert_eq!(query.after.as_deref(), Some("video_1"));
        assert!(query.ascending);
        for bad in ["limit=0", "limit=101", "limit=x", "order=up"] {
            assert!(ListQuery::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(ListQuery::parse("").unwrap().limit, 20);
    }
}
