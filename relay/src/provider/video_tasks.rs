//! Video generation through a vendor's own task API behind OpenAI's Videos face.
//!
//! The trait each family implements ([`VideoTaskApi`]) and what they share (the client's request
//! read once, the task's state, the OpenAI video object shown to the client).
//!
//! A family creates a task (`POST`), names it by an upstream id (an operation name, a task
//! id), and is polled until it says done. The relay shows the client an id of its own and
//! keeps the upstream's beside it (see `relay::videos`); these types are what it reads and
//! writes on the way. A registration opts in with [`super::kind::Registration::video_tasks`].

use axum::http::{HeaderMap, Method};
use bytes::Bytes;
use serde::Deserialize;

use super::{Endpoint, UpstreamRequest};
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::Channel;

/// A vendor's video task API.
pub trait VideoTaskApi: Send + Sync + 'static {
    /// The request that creates a task for `request` with `upstream_model`.
    fn create(
        &self,
        channel: &Channel,
        upstream_model: &str,
        request: &VideoTaskRequest,
    ) -> Result<UpstreamRequest, RelayError>;

    /// The request that creates a task from a client's body in the vendor's own shape, sent as
    /// it is (the Gemini face's `:predictLongRunning`, for Veo; DashScope's and Ark's own task
    /// routes, whose body already names `upstream_model`); `None` for the families whose API
    /// no client speaks natively.
    fn create_native(
        &self,
        _channel: &Channel,
        _upstream_model: &str,
        _body: Bytes,
    ) -> Option<Result<UpstreamRequest, RelayError>> {
        None
    }

    /// The upstream id of the task a successful creation answer names.
    fn created_id(&self, answer: &[u8]) -> Option<String>;

    /// The request that reads the task's state.
    fn poll(
        &self,
        channel: &Channel,
        upstream_model: &str,
        upstream_id: &str,
    ) -> Result<UpstreamRequest, RelayError>;

    /// What a poll's answer says; `None` when it is not the vendor's task object.
    fn state(&self, answer: &[u8]) -> Option<TaskState>;

    /// The request that cancels or deletes the task upstream, for the families that have one.
    fn cancel(
        &self,
        _channel: &Channel,
        _upstream_id: &str,
    ) -> Option<Result<UpstreamRequest, RelayError>> {
        None
    }

    /// The request that downloads a finished video from `url`: a plain `GET` of a signed
    /// link unless the family's files need the channel's key.
    fn download(&self, _channel: &Channel, url: &str) -> Result<UpstreamRequest, RelayError> {
        Ok(plain_get(url))
    }

    /// Whether [`VideoTaskApi::download`] of `url` needs the provider's own authorization
    /// step (a service account's token) like the task calls.
    fn download_is_authorized(&self, _url: &str) -> bool {
        false
    }

    /// Seconds of video a task makes when the request names none (the bill's fallback).
    fn default_seconds(&self) -> u32;

    /// The vendor's own creation endpoint a client may speak to the gateway, for the families
    /// whose API is served natively (DashScope, Ark); `None` for the others.
    fn native_endpoint(&self) -> Option<Endpoint> {
        None
    }

    /// The seconds and size (`WIDTHxHEIGHT`) a native creation body asks for, for its
    /// reservation and its bill's fallback.
    fn native_request(&self, _body: &JsonObject) -> (Option<u32>, Option<String>) {
        (None, None)
    }
}

/// What the client asked of a video, read once from OpenAI's create body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VideoTaskRequest {
    pub prompt: String,
    pub seconds: Option<u32>,
    /// OpenAI's `WIDTHxHEIGHT`.
    pub size: Option<String>,
    /// A first frame, as a URL or a `data:` URI (`input_reference` or `image_url`).
    pub image: Option<String>,
    pub negative_prompt: Option<String>,
}

impl VideoTaskRequest {
    /// Reads OpenAI's create body: `prompt`, `seconds` (a string or a number), `size`,
    /// `input_reference` / `image_url` (a string or `{"url": ...}`), `negative_prompt`.
    pub fn from_openai(body: &JsonObject) -> Result<VideoTaskRequest, RelayError> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Flexible {
            Text(String),
            Number(u64),
            Url { url: String },
        }
        let read =
            |name: &str| -> Option<Flexible> { body.get_as::<Flexible>(name).ok().flatten() };
        let text = |name: &str| match read(name) {
            Some(Flexible::Text(text)) if !text.trim().is_empty() => Some(text.trim().to_owned()),
            Some(Flexible::Url { url }) if !url.trim().is_empty() => Some(url.trim().to_owned()),
            _ => None,
        };
        let prompt = text("prompt").ok_or_else(|| RelayError::BadRequest {
            message: "prompt is required".into(),
            param: Some("prompt"),
        })?;
        let seconds = match read("seconds") {
            Some(Flexible::Number(number)) => u32::try_from(number).ok(),
            Some(Flexible::Text(text)) => {
                Some(
                    text.trim()
                        .parse::<u32>()
                        .map_err(|_| RelayError::BadRequest {
                            message: "seconds must be a whole number".into(),
                            param: Some("seconds"),
                        })?,
                )
            }
            _ => None,
        };
        let size = text("size");
        if let Some(size) = &size
            && parse_size(size).is_none()
        {
            return Err(RelayError::BadRequest {
                message: "size must be WIDTHxHEIGHT, like 1280x720".into(),
                param: Some("size"),
            });
        }
        Ok(VideoTaskRequest {
            prompt,
            seconds: seconds.filter(|seconds| *seconds > 0),
            size,
            image: text("input_reference").or_else(|| text("image_url")),
            negative_prompt: text("negative_prompt"),
        })
    }

    /// The aspect ratio of [`VideoTaskRequest::size`]: `16:9` when wider than tall, `9:16`
    /// when taller, `1:1` when square.
    pub fn aspect_ratio(&self) -> Option<&'static str> {
        let (width, height) = parse_size(self.size.as_deref()?)?;
        Some(match width.cmp(&height) {
            std::cmp::Ordering::Greater => "16:9",
            std::cmp::Ordering::Less => "9:16",
            std::cmp::Ordering::Equal => "1:1",
        })
    }

    /// The resolution class of [`VideoTaskRequest::size`] by its shorter side: `480p`,
    /// `720p` or `1080p`.
    pub fn resolution(&self) -> Option<&'static str> {
        let (width, height) = parse_size(self.size.as_deref()?)?;
        Some(match width.min(height) {
            0..=540 => "480p",
            541..=900 => "720p",
            _ => "1080p",
        })
    }
}

/// A length in whole seconds, as a number or a numeric string; `None` for anything else or 0.
pub fn whole_seconds(value: &serde_json::Value) -> Option<u32> {
    let seconds = match value {
        serde_json::Value::Number(number) => u32::try_from(number.as_u64()?).ok(),
        serde_json::Value::String(text) => text.trim().parse::<u32>().ok(),
        _ => None,
    }?;
    (seconds > 0).then_some(seconds)
}

/// `WIDTHxHEIGHT` (or `WIDTH*HEIGHT`) as numbers.
pub fn parse_size(size: &str) -> Option<(u32, u32)> {
    let (width, height) = size.split_once(['x', '*'])?;
    Some((width.trim().parse().ok()?, height.trim().parse().ok()?))
}

/// Where a task stands, in OpenAI's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    Queued,
    InProgress,
    Completed,
    Failed,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Queued => "queued",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Completed => "completed",
            TaskStatus::Failed => "failed",
        }
    }
}

/// A finished video: a link to fetch, or its bytes inline (base64) in the task object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VideoSource {
    Url(String),
    Inline { base64: String, mime_type: String },
}

/// What one poll says about a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskState {
    pub status: TaskStatus,
    /// Percent done, where the vendor says.
    pub progress: Option<u32>,
    /// Why a failed task failed: a code and a message.
    pub error: Option<(String, String)>,
    pub video: Option<VideoSource>,
    /// Seconds of video made, where the vendor reports them.
    pub seconds: Option<u32>,
    /// `WIDTHxHEIGHT`, where the vendor reports it.
    pub size: Option<String>,
}

impl TaskState {
    pub fn pending(status: TaskStatus) -> TaskState {
        TaskState {
            status,
            progress: None,
            error: None,
            video: None,
            seconds: None,
            size: None,
        }
    }

    pub fn failed(code: &str, message: &str) -> TaskState {
        TaskState {
            error: Some((cut(code, 64), cut(message, 1024))),
            ..TaskState::pending(TaskStatus::Failed)
        }
    }
}

/// What the OpenAI video object shows of a job.
pub struct VideoObject<'a> {
    pub id: &'a str,
    pub model: &'a str,
    /// Unix seconds.
    pub created_at: i64,
    pub seconds: u32,
    pub size: Option<&'a str>,
}

impl VideoObject<'_> {
    /// OpenAI's `video` object for the job as `state` says it stands (`None`: just created).
    pub fn render(&self, state: Option<&TaskState>) -> Bytes {
        let status = state.map_or(TaskStatus::Queued, |state| state.status);
        let progress = match status {
            TaskStatus::Completed => 100,
            _ => state.and_then(|state| state.progress).unwrap_or(0).min(99),
        };
        let error = state
            .and_then(|state| state.error.as_ref())
            .map(|(code, message)| serde_json::json!({"code": code, "message": message}));
        let seconds = state
            .and_then(|state| state.seconds)
            .unwrap_or(self.seconds);
        let size = state
            .and_then(|state| state.size.as_deref())
            .or(self.size)
            .unwrap_or_default();
        let object = serde_json::json!({
            "id": self.id,
            "object": "video",
            "model": self.model,
            "status": status.as_str(),
            "progress": progress,
            "created_at": self.created_at,
            "completed_at": serde_json::Value::Null,
            "expires_at": serde_json::Value::Null,
            "seconds": seconds.to_string(),
            "size": size,
            "remixed_from_video_id": serde_json::Value::Null,
            "error": error,
        });
        Bytes::from(object.to_string())
    }
}

/// A bodiless `GET` of `url` with no credentials.
pub fn plain_get(url: &str) -> UpstreamRequest {
    UpstreamRequest {
        method: Method::GET,
        url: url.to_owned(),
        headers: HeaderMap::new(),
        body: Bytes::new(),
    }
}

/// `text` cut to at most `max` bytes on a character boundary: vendors' messages are shown to
/// clients and kept with the job.
pub fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// Whether `url` is on the same scheme, host and port as `base`: a family that adds its key
/// to file downloads adds it only there, never to a link elsewhere.
pub fn same_origin(url: &str, base: &str) -> bool {
    match (reqwest::Url::parse(url), reqwest::Url::parse(base)) {
        (Ok(url), Ok(base)) => url.origin() == base.origin(),
        _ => false,
    }
}

/// The scheme and host (and port) of `base`, without its path: DashScope's task API lives at
/// the root of the host whose compatible-mode path a channel names.
pub fn origin_of(base: &str) -> Result<String, RelayError> {
    let url = reqwest::Url::parse(base)
        .map_err(|_| RelayError::Misconfigured(format!("base url {base} is not a url")))?;
    Ok(url.origin().ascii_serialization())
}

/// An id or operation name as one URL path segment.
pub fn path_segment(text: &str) -> String {
    let mut segment = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            segment.push(byte as char);
        } else {
            segment.push_str(&format!("%{byte:02X}"));
        }
    }
    segment
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: &str) -> Result<VideoTaskRequest, RelayError> {
        VideoTaskRequest::from_openai(&JsonObject::parse(Bytes::from(body.to_owned())).unwrap())
    }

    #[test]
    fn the_openai_body_is_read_once() {
        let read = request(
            r#"{"model":"m","prompt":" a cat ","seconds":"8","size":"720x1280","input_reference":{"url":"https://x/a.png"}}"#,
        )
        .unwrap();
        assert_eq!(read.prompt, "a cat");
        assert_eq!(read.seconds, Some(8));
        assert_eq!(read.aspect_ratio(), Some("9:16"));
        assert_eq!(read.resolution(), Some("720p"));
        assert_eq!(read.image.as_deref(), Some("https://x/a.png"));
        assert_eq!(
            request(r#"{"prompt":"p","seconds":4}"#).unwrap().seconds,
            Some(4)
        );
        for bad in [
            r#"{"prompt":""}"#,
            r#"{"prompt":"p","seconds":"four"}"#,
            r#"{"prompt":"p","size":"big"}"#,
        ] {
            assert!(request(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_video_object_follows_the_state() {
        let object = VideoObject {
            id: "video_1",
            model: "veo",
            created_at: 1,
            seconds: 8,
            size: Some("1280x720"),
        };
        let created: serde_json::Value = serde_json::from_slice(&object.render(None)).unwrap();
        assert_eq!(created["status"], "queued");
        assert_eq!(created["seconds"], "8");
        let failed = object.render(Some(&TaskState::failed("rai", "filtered")));
        let failed: serde_json::Value = serde_json::from_slice(&failed).unwrap();
        assert_eq!(failed["status"], "failed");
        assert_eq!(failed["error"]["message"], "filtered");
    }

    #[test]
    fn keys_go_only_to_the_channels_own_origin() {
        assert!(same_origin(
            "https://generativelanguage.googleapis.com/v1beta/files/a:download?alt=media",
            "https://generativelanguage.googleapis.com"
        ));
        assert!(!same_origin(
            "https://evil.example/v1beta/files/a",
            "https://generativelanguage.googleapis.com"
        ));
        assert_eq!(
            origin_of("https://dashscope.aliyuncs.com/compatible-mode/v1").unwrap(),
            "https://dashscope.aliyuncs.com"
        );
    }
}
