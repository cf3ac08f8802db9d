//! Alibaba DashScope video synthesis (Wan).
//!
//! `POST {host}/api/v1/services/aigc/video-generation/video-synthesis` with `X-DashScope-Async:
//! enable`, polled at `GET {host}/api/v1/tasks/{task_id}`.
//!
//! An `ali` channel's base URL names its OpenAI-compatible path
//! (`https://dashscope.aliyuncs.com/compatible-mode/v1`); the task API is at the root of the
//! same host.

use axum::http::{HeaderValue, Method};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Map, json};

use super::video_tasks::{
    TaskState, TaskStatus, VideoSource, VideoTaskApi, VideoTaskRequest, origin_of, parse_size,
    path_segment, whole_seconds,
};
use super::{Endpoint, UpstreamRequest, base_url, bearer_json_headers};
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::{Channel, MAX_CLIENT_NAME_BYTES};

pub struct DashScopeVideo;

impl VideoTaskApi for DashScopeVideo {
    fn create(
        &self,
        channel: &Channel,
        upstream_model: &str,
        request: &VideoTaskRequest,
    ) -> Result<UpstreamRequest, RelayError> {
        let mut input = Map::new();
        input.insert("prompt".into(), json!(request.prompt));
        if let Some(negative) = &request.negative_prompt {
            input.insert("negative_prompt".into(), json!(negative));
        }
        // Wan takes the first frame as a link or a data URI alike.
        if let Some(image) = &request.image {
            input.insert("img_url".into(), json!(image));
        }
        let mut parameters = Map::new();
        if let Some((width, height)) = request.size.as_deref().and_then(parse_size) {
            parameters.insert("size".into(), json!(format!("{width}*{height}")));
        }
        if let Some(seconds) = request.seconds {
            parameters.insert("duration".into(), json!(seconds));
        }
        let body = json!({"model": upstream_model, "input": input, "parameters": parameters});
        synthesis_request(channel, Bytes::from(body.to_string()))
    }

    fn native_endpoint(&self) -> Option<Endpoint> {
        Some(Endpoint::DashScopeVideo)
    }

    fn create_native(
        &self,
        channel: &Channel,
        _upstream_model: &str,
        body: Bytes,
    ) -> Option<Result<UpstreamRequest, RelayError>> {
        Some(synthesis_request(channel, body))
    }

    /// `parameters.duration`, and `parameters.size` (`1280*720`).
    fn native_request(&self, body: &JsonObject) -> (Option<u32>, Option<String>) {
        let parameters = body
            .get_as::<serde_json::Value>("parameters")
            .ok()
            .flatten()
            .unwrap_or_default();
        let seconds = parameters.get("duration").and_then(whole_seconds);
        let size = parameters
            .get("size")
            .and_then(serde_json::Value::as_str)
            .and_then(parse_size)
            .map(|(width, height)| format!("{width}x{height}"));
        (seconds, size)
    }

    fn created_id(&self, answer: &[u8]) -> Option<String> {
        let task = serde_json::from_slice::<Task>(answer).ok()?;
        task.output
            .task_id
            .filter(|id| !id.is_empty() && id.len() <= MAX_CLIENT_NAME_BYTES)
    }

    fn poll(
        &self,
        channel: &Channel,
        _upstream_model: &str,
        upstream_id: &str,
    ) -> Result<UpstreamRequest, RelayError> {
        let mut headers = bearer_json_headers(channel)?;
        headers.remove(axum::http::header::CONTENT_TYPE);
        Ok(UpstreamRequest {
            method: Method::GET,
            url: format!(
                "{}/api/v1/tasks/{}",
                origin_of(&base_url(channel)?)?,
                path_segment(upstream_id)
            ),
            headers,
            body: Bytes::new(),
        })
    }

    /// `PENDING`, `RUNNING`, `SUCCEEDED` (with `video_url`), `FAILED`, `CANCELED` or
    /// `UNKNOWN` (an expired task id); `usage` says the seconds and size made.
    fn state(&self, answer: &[u8]) -> Option<TaskState> {
        let task = serde_json::from_slice::<Task>(answer).ok()?;
        let output = task.output;
        let status = output.task_status?;
        Some(match status.as_str() {
            "PENDING" => TaskState::pending(TaskStatus::Queued),
            "RUNNING" => TaskState::pending(TaskStatus::InProgress),
            "SUCCEEDED" => match output.video_url {
                Some(url) => {
                    let usage = task.usage.unwrap_or_default();
                    TaskState {
                        video: Some(VideoSource::Url(url)),
                        seconds: usage.video_duration.map(|seconds| {
                            seconds.saturating_mul(usage.video_count.unwrap_or(1).max(1))
                        }),
                        size: usage
                            .video_ratio
                            .as_deref()
                            .and_then(parse_size)
                            .map(|(width, height)| format!("{width}x{height}")),
                        ..TaskState::pending(TaskStatus::Completed)
                    }
                }
                None => TaskState::failed("no_video", "the task succeeded without a video_url"),
            },
            _ => TaskState::failed(
                output.code.as_deref().unwrap_or(&status),
                output
                    .message
                    .as_deref()
                    .unwrap_or("video synthesis failed"),
            ),
        })
    }

    fn default_seconds(&self) -> u32 {
        5
    }
}

/// The asynchronous creation of a task with `body` (DashScope refuses synchronous calls).
fn synthesis_request(channel: &Channel, body: Bytes) -> Result<UpstreamRequest, RelayError> {
    let mut headers = bearer_json_headers(channel)?;
    headers.insert("x-dashscope-async", HeaderValue::from_static("enable"));
    Ok(UpstreamRequest {
        method: Method::POST,
        url: format!(
            "{}/api/v1/services/aigc/video-generation/video-synthesis",
            origin_of(&base_url(channel)?)?
        ),
        headers,
        body,
    })
}

#[derive(Deserialize)]
struct Task {
    output: Output,
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Output {
    task_id: Option<String>,
    task_status: Option<String>,
    video_url: Option<String>,
    code: Option<String>,
    message: Option<String>,
}

#[derive(Deserialize, Default)]
struct Usage {
    video_duration: Option<u32>,
    video_count: Option<u32>,
    video_ratio: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_map_to_openai_statuses() {
        let api = DashScopeVideo;
        assert_eq!(
            api.created_id(
                br#"{"output":{"task_status":"PENDING","task_id":"t-1"},"request_id":"r"}"#
            )
            .as_deref(),
            Some("t-1")
        );
        let done = api
            .state(br#"{"output":{"task_id":"t-1","task_status":"SUCCEEDED","video_url":"https://oss/v.mp4"},"usage":{"video_duration":5,"video_ratio":"1280*720","video_count":1}}"#)
            .unwrap();
        assert_eq!(done.status, TaskStatus::Completed);
        assert_eq!(done.seconds, Some(5));
        assert_eq!(done.size.as_deref(), Some("1280x720"));
        let failed = api
            .state(br#"{"output":{"task_id":"t","task_status":"FAILED","code":"DataInspectionFailed","message":"unsafe"}}"#)
            .unwrap();
        assert_eq!(
            failed.error,
            Some(("DataInspectionFailed".into(), "unsafe".into()))
        );
        assert!(api.state(b"{}").is_none());
    }

    #[test]
    fn a_native_body_names_its_length_and_size() {
        let body = JsonObject::parse(Bytes::from_static(
            br#"{"model":"wan","input":{"prompt":"p"},"parameters":{"size":"832*480","duration":"10"}}"#,
        ))
        .unwrap();
        assert_eq!(
            DashScopeVideo.native_request(&body),
            (Some(10), Some("832x480".to_owned()))
        );
        let bare = JsonObject::parse(Bytes::from_static(br#"{"input":{}}"#)).unwrap();
        assert_eq!(DashScopeVideo.native_request(&bare), (None, None));
    }
}
