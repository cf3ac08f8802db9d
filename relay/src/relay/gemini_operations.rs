//! The Gemini face's long-running operations (Veo's `:predictLongRunning`): pinned under a name of ours, polled, their files downloaded through the gateway.
//!
//! A creation goes through the usual pipeline ([`Endpoint::GeminiPredictLongRunning`]) to a
//! channel whose video task API takes Veo's own body (`gemini`, `vertexai`), sent as it is.
//! Its operation is then a video job like any other ([`super::video_tasks`]): pinned to its
//! channel and group under an id of ours, polled in the background, billed once when it
//! completes, its reservation held until then. The client sees it named
//! `models/{model}/operations/{id}` and reads it at `/v1beta/{name}` or
//! `/v1beta/operations/{id}` (and the same under `/v1`), in Google's operation shape. The
//! files a finished operation names are pinned with it, and their URIs rewritten to the
//! gateway's `/v1beta/files/{id}:download`, so that a client downloads them with its own key
//! and the channel's never leaves the gateway.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use bytes::Bytes;
use serde_json::Value;

use super::Inner;
use super::request::{ParsedRequest, Payload};
use super::video_tasks::CreatedTask;
use super::videos::json_response;
use crate::error::{ErrorBody, RelayError};
use crate::host::{Channel, VideoApi, VideoJob};
use crate::provider::video_tasks::TaskStatus;
use crate::provider::{Endpoint, UpstreamRequest, VeoAsk, VideoTaskApi};
use crate::request_id::request_id;
use crate::usage::PendingRecord;
use crate::vocabulary::{Face, MAX_CLIENT_NAME_BYTES};

/// The `endpoint` of an operation read's usage record.
const OPERATION_ROUTE: &str = "/v1beta/operations/{id}";
/// The `endpoint` of a file download's usage record.
const FILE_ROUTE: &str = "/v1beta/files/{id}";
/// Files of one operation pinned at most (Veo makes one to four videos).
const MAX_FILES: usize = 16;

/// The upstream request that creates an operation: the client's body as it is, on a channel
/// whose task API takes it; any other channel cannot serve it (another may).
pub(super) fn create_request(
    tasks: Option<&'static dyn VideoTaskApi>,
    channel: &Channel,
    upstream_model: &str,
    request: &ParsedRequest,
) -> Result<UpstreamRequest, RelayError> {
    // The endpoint takes JSON only.
    let Payload::Json(body) = &request.payload else {
        return Err(RelayError::Internal);
    };
    tasks
        .and_then(|tasks| tasks.create_native(channel, upstream_model, body.to_bytes()))
        .unwrap_or_else(|| {
            Err(RelayError::Unsupported(format!(
                "channel type {} does not serve {}",
                channel.kind.as_str(),
                Endpoint::GeminiPredictLongRunning.route()
            )))
        })
}

/// The name a client is shown for operation `id` of `model`.
fn public_name(model: &str, id: &str) -> String {
    format!("models/{model}/operations/{id}")
}

/// Google's answer for an operation it does not know, given too for another group's.
fn operation_not_found(name: &str) -> RelayError {
    gemini_not_found(format!(
        "Operation {} not found.",
        crate::error::truncated(name, 256)
    ))
}

fn gemini_not_found(message: String) -> RelayError {
    RelayError::UpstreamRejected {
        status: 404,
        body: Some(ErrorBody {
            message,
            kind: "invalid_request_error".into(),
            param: None,
            code: None,
        }),
    }
}

/// The file id of a Gemini file download URI (`.../files/{id}:download`), when it is one a
/// client path may carry.
fn file_id(uri: &str) -> Option<String> {
    let url = reqwest::Url::parse(uri).ok()?;
    let mut segments = url.path_segments()?.rev();
    let id = segments.next()?.strip_suffix(":download")?;
    let plain = id
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'));
    (segments.next() == Some("files") && plain && !id.is_empty() && id.len() <= 256)
        .then(|| id.to_owned())
}

/// The store key a file is pinned under: its Gemini name.
fn file_key(id: &str) -> String {
    format!("files/{id}")
}

/// The videos a finished Gemini API operation names
/// (`response.generateVideoResponse.generatedSamples[].video`), to read or rewrite.
fn sample_videos(operation: &mut Value) -> impl Iterator<Item = &mut Value> {
    operation
        .pointer_mut("/response/generateVideoResponse/generatedSamples")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .take(MAX_FILES)
        .filter_map(|sample| sample.get_mut("video"))
}

/// The upstream's operation as the client is shown it: named `name`, each file URI it names
/// pointing at the gateway (`origin`, empty for a relative path) instead of the upstream.
fn client_operation(answer: &[u8], name: &str, origin: &str) -> Result<Bytes, RelayError> {
    let mut operation =
        serde_json::from_slice::<Value>(answer).map_err(|_| RelayError::UpstreamInvalid)?;
    let Some(object) = operation.as_object_mut() else {
        return Err(RelayError::UpstreamInvalid);
    };
    object.insert("name".into(), Value::from(name));
    for video in sample_videos(&mut operation) {
        let id = video.get("uri").and_then(Value::as_str).and_then(file_id);
        if let Some(id) = id {
            video["uri"] = Value::from(format!("{origin}/v1beta/files/{id}:download?alt=media"));
        }
    }
    serde_json::to_vec(&operation)
        .map(Bytes::from)
        .map_err(|_| RelayError::Internal)
}

impl Inner {
    /// Remembers the operation a creation answer names under an id of ours, pinned to the
    /// channel and the caller's group, and returns the answer the client is shown: the
    /// upstream's, named `models/{model}/operations/{id}`.
    pub(super) async fn remember_operation(
        &self,
        tasks: &dyn VideoTaskApi,
        answer: &Bytes,
        channel_id: i64,
        request: &ParsedRequest,
        upstream_model: &str,
        pending: &mut PendingRecord,
    ) -> Result<Bytes, RelayError> {
        let Payload::Json(body) = &request.payload else {
            return Err(RelayError::Internal);
        };
        let ask = VeoAsk::read(body)?;
        let id = format!("op_{}", uuid::Uuid::new_v4().simple());
        let created = CreatedTask {
            api: VideoApi::GeminiOperation,
            id: id.clone(),
            model: &request.model,
            upstream_model,
            seconds: ask
                .seconds
                .unwrap_or_else(|| tasks.default_seconds())
                .saturating_mul(ask.videos),
            size: ask.size,
        };
        self.pin_task(tasks, answer, channel_id, created, pending)
            .await?;
        client_operation(answer, &public_name(&request.model, &id), "")
    }

    /// `GET /v1beta/operations/{id}`, `/v1beta/models/{model}/operations/{id}` (and under
    /// `/v1`): the caller's group's operation, read from its channel.
    pub(super) async fn operation(&self, name: String, request: Request) -> Response {
        let (parts, _) = request.into_parts();
        let mut pending = PendingRecord::start(
            Arc::clone(&self.usage),
            request_id(&parts),
            OPERATION_ROUTE,
            Instant::now(),
        );
        match self.relay_operation(&name, &parts, &mut pending).await {
            Ok(response) => response,
            Err(error) => self.fail(pending, error, Face::Gemini),
        }
    }

    async fn relay_operation(
        &self,
        name: &str,
        parts: &Parts,
        pending: &mut PendingRecord,
    ) -> Result<Response, RelayError> {
        let caller = self.authenticate(parts, pending)?;
        self.check_address(pending).await?;
        // Ours never hold a slash: whatever model path precedes it, the id is the last segment.
        let id = name.rsplit('/').next().unwrap_or_default();
        let (job, channel) = self
            .pinned_job(&caller, id, VideoApi::GeminiOperation, pending)
            .await
            .ok_or_else(|| operation_not_found(name))?;
        let upstream_id = job
            .upstream_id
            .as_deref()
            .ok_or_else(|| operation_not_found(name))?;
        let read = self.read_task(&channel, id, upstream_id, &job).await?;
        if read.state.status == TaskStatus::Completed {
            self.pin_files(&read.answer, &job).await;
        }
        let origin = self.gateway_origin(parts);
        let body = client_operation(&read.answer, &public_name(&job.owner.model, id), &origin)?;
        pending.set_outcome(200, None);
        pending.first_byte_now();
        pending.hand_over().finish();
        Ok(json_response(StatusCode::OK, body))
    }

    /// Pins each file a finished operation names to the operation's channel and group, with
    /// the upstream's URI kept to download it.
    async fn pin_files(&self, answer: &[u8], job: &VideoJob) {
        let Ok(mut operation) = serde_json::from_slice::<Value>(answer) else {
            return;
        };
        let uris: Vec<String> = sample_videos(&mut operation)
            .filter_map(|video| video.get("uri").and_then(Value::as_str).map(str::to_owned))
            .collect();
        for uri in uris {
            let Some(id) = file_id(&uri) else {
                continue;
            };
            let key = file_key(&id);
            if self.videos.job(&key).await.is_none() {
                let pinned = VideoJob {
                    api: VideoApi::GeminiFile,
                    upstream_id: Some(uri),
                    hold: None,
                    ..job.clone()
                };
                self.videos.remember(&key, pinned, Bytes::new()).await;
            }
        }
    }

    /// `GET /v1beta/files/{id}:download`: a file of the caller's group's operation, fetched
    /// from the channel that made it with the channel's key and streamed as it arrives.
    pub(super) async fn gemini_file(&self, file: String, request: Request) -> Response {
        let (parts, _) = request.into_parts();
        let mut pending = PendingRecord::start(
            Arc::clone(&self.usage),
            request_id(&parts),
            FILE_ROUTE,
            Instant::now(),
        );
        match self.relay_file(&file, &parts, &mut pending).await {
            Ok(response) => response,
            Err(error) => self.fail(pending, error, Face::Gemini),
        }
    }

    async fn relay_file(
        &self,
        file: &str,
        parts: &Parts,
        pending: &mut PendingRecord,
    ) -> Result<Response, RelayError> {
        let caller = self.authenticate(parts, pending)?;
        self.check_address(pending).await?;
        let quoted = crate::error::truncated(file, MAX_CLIENT_NAME_BYTES);
        // Only downloads are relayed: the Files API's uploads and metadata are not.
        let Some(id) = file.strip_suffix(":download") else {
            return Err(RelayError::NotImplemented(format!(
                "/v1beta/files/{quoted}"
            )));
        };
        let not_found = || gemini_not_found(format!("File files/{quoted} not found."));
        let (job, channel) = self
            .pinned_job(&caller, &file_key(id), VideoApi::GeminiFile, pending)
            .await
            .ok_or_else(not_found)?;
        let tasks = channel.kind.video_tasks().ok_or_else(not_found)?;
        let uri = job.upstream_id.clone().ok_or_else(not_found)?;
        self.fetch_file(&channel, tasks, uri, pending).await
    }

    /// Where the client reached the gateway (`http://host:port`), for the links it is given:
    /// the request's host, or a trusted proxy's `X-Forwarded-Host` and `X-Forwarded-Proto`;
    /// empty (a path relative to the host the client called) when no usable host is named.
    fn gateway_origin(&self, parts: &Parts) -> String {
        let trusted = crate::client_ip::is_trusted_proxy(
            super::auth::peer(parts),
            &self.config.trusted_proxies,
        );
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.split(',').next())
                .map(str::trim)
        };
        let forwarded = |name: &str| header(name).filter(|_| trusted);
        let scheme = match forwarded("x-forwarded-proto") {
            Some("https") => "https",
            _ => "http",
        };
        let host = forwarded("x-forwarded-host")
            .or_else(|| header("host"))
            .or_else(|| parts.uri.authority().map(|authority| authority.as_str()))
            .filter(|host| {
                !host.is_empty()
                    && host.len() <= 255
                    && host.bytes().all(|byte| {
                        byte.is_ascii_alphanumeric()
                            || matches!(byte, b'.' | b'-' | b':' | b'[' | b']')
                    })
            });
        host.map_or_else(String::new, |host| format!("{scheme}://{host}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_are_rewritten_to_the_gateway_and_the_name_to_ours() {
        let answer = br#"{"name":"models/veo-3.0-generate-001/operations/abc","done":true,"response":{"generateVideoResponse":{"generatedSamples":[{"video":{"uri":"https://generativelanguage.googleapis.com/v1beta/files/f1:download?alt=media"}},{"video":{"uri":"gs://bucket/v.mp4"}}]}}}"#;
        let shown =
            client_operation(answer, "models/veo/operations/op_1", "http://gw:3000").unwrap();
        let shown: Value = serde_json::from_slice(&shown).unwrap();
        assert_eq!(shown["name"], "models/veo/operations/op_1");
        let samples = &shown["response"]["generateVideoResponse"]["generatedSamples"];
        assert_eq!(
            samples[0]["video"]["uri"],
            "http://gw:3000/v1beta/files/f1:download?alt=media"
        );
        assert_eq!(samples[1]["video"]["uri"], "gs://bucket/v.mp4");
        assert_eq!(shown["done"], true);
        assert!(client_operation(b"[1]", "n", "").is_err());
    }

    #[test]
    fn only_plain_file_ids_are_read() {
        assert_eq!(
            file_id("https://g/v1beta/files/abc-1:download?alt=media").as_deref(),
            Some("abc-1")
        );
        for bad in [
            "https://g/v1beta/files/abc",
            "https://g/v1beta/other/abc:download",
            "https://g/v1beta/files/a%2Fb:download",
            "https://g/v1beta/files/:download",
            "not a url",
        ] {
            assert_eq!(file_id(bad), None, "{bad}");
        }
    }
}
