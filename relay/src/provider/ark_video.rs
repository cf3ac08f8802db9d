//! Volcengine Ark (Doubao Seedance) content generation tasks.
//!
//! `POST {base}/contents/generations/tasks`, polled at `GET {base}/contents/generations/tasks/{id}`
//! and cancelled or deleted with `DELETE` there (`{base}` is the channel's `.../api/v3`).

use axum::http::Method;
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Map, json};

use super::video_tasks::{
    TaskState, TaskStatus, VideoSource, VideoTaskApi, VideoTaskRequest, path_segment, whole_seconds,
};
use super::{Endpoint, UpstreamRequest, base_url, bearer_json_headers};
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::{Channel, MAX_CLIENT_NAME_BYTES};

pub struct ArkVideo;

fn task_url(channel: &Channel, task_id: Option<&str>) -> Result<String, RelayError> {
    let base = base_url(channel)?;
    Ok(match task_id {
        Some(id) => format!("{base}/contents/generations/tasks/{}", path_segment(id)),
        None => format!("{base}/contents/generations/tasks"),
    })
}

fn bodiless(
    channel: &Channel,
    method: Method,
    task_id: &str,
) -> Result<UpstreamRequest, RelayError> {
    let mut headers = bearer_json_headers(channel)?;
    headers.remove(axum::http::header::CONTENT_TYPE);
    Ok(UpstreamRequest {
        method,
        url: task_url(channel, Some(task_id))?,
        headers,
        body: Bytes::new(),
    })
}

impl VideoTaskApi for ArkVideo {
    fn create(
        &self,
        channel: &Channel,
        upstream_model: &str,
        request: &VideoTaskRequest,
    ) -> Result<UpstreamRequest, RelayError> {
        let mut content = vec![json!({"type": "text", "text": request.prompt})];
        if let Some(image) = &request.image {
            content.push(
                json!({"type": "image_url", "image_url": {"url": image}, "role": "first_frame"}),
            );
        }
        let mut body = Map::new();
        body.insert("model".into(), json!(upstream_model));
        body.insert("content".into(), json!(content));
        if let Some(ratio) = request.aspect_ratio() {
            body.insert("ratio".into(), json!(ratio));
        }
        if let Some(resolution) = request.resolution() {
            body.insert("resolution".into(), json!(resolution));
        }
        if let Some(seconds) = request.seconds {
            body.insert("duration".into(), json!(seconds));
        }
        creation_request(
            channel,
            Bytes::from(serde_json::Value::Object(body).to_string()),
        )
    }

    fn native_endpoint(&self) -> Option<Endpoint> {
        Some(Endpoint::ArkVideo)
    }

    fn create_native(
        &self,
        channel: &Channel,
        _upstream_model: &str,
        body: Bytes,
    ) -> Option<Result<UpstreamRequest, RelayError>> {
        Some(creation_request(channel, body))
    }

    /// `duration`; Ark names a `resolution` and a `ratio`, not a size.
    fn native_request(&self, body: &JsonObject) -> (Option<u32>, Option<String>) {
        let seconds = body
            .get_as::<serde_json::Value>("duration")
            .ok()
            .flatten()
            .as_ref()
            .and_then(whole_seconds);
        (seconds, None)
    }

    fn created_id(&self, answer: &[u8]) -> Option<String> {
        serde_json::from_slice::<Task>(answer)
            .ok()?
            .id
            .filter(|id| !id.is_empty() && id.len() <= MAX_CLIENT_NAME_BYTES)
    }

    fn poll(
        &self,
        channel: &Channel,
        _upstream_model: &str,
        upstream_id: &str,
    ) -> Result<UpstreamRequest, RelayError> {
        bodiless(channel, Method::GET, upstream_id)
    }

    /// `queued`, `running`, `succeeded` (with `content.video_url` and `duration`), `failed`
    /// (with `error`), `cancelled` or `expired`.
    fn state(&self, answer: &[u8]) -> Option<TaskState> {
        let task = serde_json::from_slice::<Task>(answer).ok()?;
        let status = task.status?;
        Some(match status.as_str() {
            "queued" => TaskState::pending(TaskStatus::Queued),
            "running" => TaskState::pending(TaskStatus::InProgress),
            "succeeded" => match task.content.and_then(|content| content.video_url) {
                Some(url) => TaskState {
                    video: Some(VideoSource::Url(url)),
                    seconds: task.duration,
                    ..TaskState::pending(TaskStatus::Completed)
                },
                None => TaskState::failed("no_video", "the task succeeded without a video_url"),
            },
            _ => {
                let error = task.error.unwrap_or_default();
                TaskState::failed(
                    error.code.as_deref().unwrap_or(&status),
                    error
                        .message
                        .as_deref()
                        .unwrap_or("video generation failed"),
                )
            }
        })
    }

    fn cancel(
        &self,
        channel: &Channel,
        upstream_id: &str,
    ) -> Option<Result<UpstreamRequest, RelayError>> {
        Some(bodiless(channel, Method::DELETE, upstream_id))
    }

    fn default_seconds(&self) -> u32 {
        5
    }
}

#[derive(Deserialize)]
struct Task {
    id: Option<String>,
    status: Option<String>,
    content: Option<Content>,
    duration: Option<u32>,
    error: Option<TaskError>,
}

#[derive(Deserialize)]
struct Content {
    video_url: Option<String>,
}

#[derive(Deserialize, Default)]
struct TaskError {
    code: Option<String>,
    message: Option<String>,
}

/// The `POST` that creates a task from a body in Ark's own shape.
fn creation_request(channel: &Channel, body: Bytes) -> Result<UpstreamRequest, RelayError> {
    Ok(UpstreamRequest {
        method: Method::POST,
        url: task_url(channel, None)?,
        headers: bearer_json_headers(channel)?,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_map_to_openai_statuses() {
        let api = ArkVideo;
        assert_eq!(
            api.created_id(br#"{"id":"cgt-1"}"#).as_deref(),
            Some("cgt-1")
        );
        let done = api
            .state(br#"{"id":"cgt-1","model":"m","status":"succeeded","content":{"video_url":"https://tos/v.mp4"},"duration":5,"ratio":"16:9"}"#)
            .unwrap();
        assert_eq!(done.status, TaskStatus::Completed);
        assert_eq!(done.seconds, Some(5));
        let failed = api
            .state(br#"{"id":"cgt-1","status":"failed","error":{"code":"OutputVideoSensitiveContentDetected","message":"sensitive"}}"#)
            .unwrap();
        assert_eq!(failed.status, TaskStatus::Failed);
        assert_eq!(failed.error.unwrap().1, "sensitive");
        assert_eq!(
            api.state(br#"{"id":"c","status":"running"}"#)
                .unwrap()
                .status,
            TaskStatus::InProgress
        );
    }
}
