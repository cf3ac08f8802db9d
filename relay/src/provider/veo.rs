//! Google Veo on the Gemini API.
//!
//! `POST {base}/v1beta/models/{model}:predictLongRunning` with `x-goog-api-key`, polled at `GET
//! {base}/v1beta/{operation name}`; and the long-running operation both Veo surfaces answer
//! (Vertex's in `vertex::video`).

use std::collections::HashMap;

use axum::http::{HeaderMap, HeaderValue, Method, header};
use bytes::Bytes;
use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::{Map, Value, json};

use super::video_tasks::{
    TaskState, TaskStatus, VideoSource, VideoTaskApi, VideoTaskRequest, plain_get, same_origin,
};
use super::{UpstreamRequest, base_url, key_header};
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::{Channel, MAX_CLIENT_NAME_BYTES};

/// Veo through a `gemini` channel.
pub struct VeoGemini;

/// Veo's default length (it makes 8 s unless told otherwise).
pub(crate) const VEO_DEFAULT_SECONDS: u32 = 8;

/// The API root of a `gemini` channel, without `/v1beta`.
fn root(channel: &Channel) -> Result<String, RelayError> {
    let base = base_url(channel)?;
    Ok(base.strip_suffix("/v1beta").unwrap_or(&base).to_owned())
}

fn headers(channel: &Channel) -> Result<HeaderMap, RelayError> {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Some(key) = key_header(channel)? {
        headers.insert("x-goog-api-key", key);
    }
    Ok(headers)
}

/// `POST {root}/v1beta/models/{model}:predictLongRunning` with `body`.
fn predict_request(
    channel: &Channel,
    upstream_model: &str,
    body: Bytes,
) -> Result<UpstreamRequest, RelayError> {
    let model = super::video_tasks::path_segment(
        upstream_model
            .strip_prefix("models/")
            .unwrap_or(upstream_model),
    );
    Ok(UpstreamRequest {
        method: Method::POST,
        url: format!(
            "{}/v1beta/models/{model}:predictLongRunning",
            root(channel)?
        ),
        headers: headers(channel)?,
        body,
    })
}

impl VideoTaskApi for VeoGemini {
    fn create(
        &self,
        channel: &Channel,
        upstream_model: &str,
        request: &VideoTaskRequest,
    ) -> Result<UpstreamRequest, RelayError> {
        predict_request(channel, upstream_model, predict_body(request, false)?)
    }

    fn create_native(
        &self,
        channel: &Channel,
        upstream_model: &str,
        body: Bytes,
    ) -> Option<Result<UpstreamRequest, RelayError>> {
        Some(predict_request(channel, upstream_model, body))
    }

    fn created_id(&self, answer: &[u8]) -> Option<String> {
        operation_name(answer)
    }

    fn poll(
        &self,
        channel: &Channel,
        _upstream_model: &str,
        upstream_id: &str,
    ) -> Result<UpstreamRequest, RelayError> {
        let mut headers = headers(channel)?;
        headers.remove(header::CONTENT_TYPE);
        Ok(UpstreamRequest {
            method: Method::GET,
            url: format!("{}/v1beta/{upstream_id}", root(channel)?),
            headers,
            body: Bytes::new(),
        })
    }

    fn state(&self, answer: &[u8]) -> Option<TaskState> {
        operation_state(answer)
    }

    /// Files of the Gemini API (`.../v1beta/files/{id}:download`) need the key; it is sent to
    /// the channel's own host only.
    fn download(&self, channel: &Channel, url: &str) -> Result<UpstreamRequest, RelayError> {
        let mut request = plain_get(url);
        if same_origin(url, &root(channel)?)
            && let Some(key) = key_header(channel)?
        {
            request.headers.insert("x-goog-api-key", key);
        }
        Ok(request)
    }

    fn default_seconds(&self) -> u32 {
        VEO_DEFAULT_SECONDS
    }
}

/// The `predictLongRunning` body: one instance (the prompt, a first frame) and the
/// parameters OpenAI's fields map to. Vertex takes `sampleCount`; the Gemini API refuses it.
pub(super) fn predict_body(request: &VideoTaskRequest, vertex: bool) -> Result<Bytes, RelayError> {
    let mut instance = Map::new();
    instance.insert("prompt".into(), json!(request.prompt));
    if let Some(image) = &request.image {
        instance.insert("image".into(), veo_image(image)?);
    }
    let mut parameters = Map::new();
    if let Some(ratio) = request.aspect_ratio() {
        parameters.insert("aspectRatio".into(), json!(ratio));
    }
    if let Some(resolution) = request.resolution() {
        parameters.insert("resolution".into(), json!(resolution));
    }
    if let Some(seconds) = request.seconds {
        parameters.insert("durationSeconds".into(), json!(seconds));
    }
    if let Some(negative) = &request.negative_prompt {
        parameters.insert("negativePrompt".into(), json!(negative));
    }
    if vertex {
        parameters.insert("sampleCount".into(), json!(1));
    }
    let body = json!({"instances": [instance], "parameters": parameters});
    Ok(Bytes::from(body.to_string()))
}

/// What a `predictLongRunning` body in Veo's own shape asks for, read for its reservation and
/// its bill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VeoAsk {
    /// `parameters.durationSeconds`, when named (each video's length).
    pub seconds: Option<u32>,
    /// Videos made: one per instance, times `numberOfVideos` (the Gemini API's) or
    /// `sampleCount` (Vertex's).
    pub videos: u32,
    /// `WIDTHxHEIGHT` from `parameters.resolution` and `aspectRatio`, when either is named.
    pub size: Option<String>,
}

impl VeoAsk {
    /// Reads a native body: `instances` a non-empty array of objects, the counts positive
    /// whole numbers (JSON numbers or, as Google's JSON allows for integers, strings).
    pub fn read(body: &JsonObject) -> Result<VeoAsk, RelayError> {
        let bad = |message: &str, param: &'static str| RelayError::BadRequest {
            message: message.to_owned(),
            param: Some(param),
        };
        let instances = body
            .get_as::<Vec<HashMap<String, IgnoredAny>>>("instances")
            .map_err(|_| bad("instances must be an array of objects", "instances"))?
            .filter(|instances| !instances.is_empty())
            .ok_or_else(|| bad("instances must hold at least one instance", "instances"))?;
        let parameters = body
            .get_as::<Map<String, Value>>("parameters")
            .map_err(|_| bad("parameters must be an object", "parameters"))?
            .unwrap_or_default();
        let count = |name: &str, param: &'static str| -> Result<Option<u32>, RelayError> {
            let number = match parameters.get(name) {
                None | Some(Value::Null) => return Ok(None),
                Some(Value::Number(number)) => number.as_u64(),
                Some(Value::String(text)) => text.trim().parse::<u64>().ok(),
                Some(_) => None,
            };
            number
                .and_then(|number| u32::try_from(number).ok())
                .filter(|number| (1..=MAX_VEO_COUNT).contains(number))
                .map(Some)
                .ok_or_else(|| {
                    bad(
                        &format!("{param} must be a whole number from 1 to {MAX_VEO_COUNT}"),
                        param,
                    )
                })
        };
        let seconds = count("durationSeconds", "parameters.durationSeconds")?;
        let per_instance = count("numberOfVideos", "parameters.numberOfVideos")?
            .or(count("sampleCount", "parameters.sampleCount")?)
            .unwrap_or(1);
        let text = |name: &str| parameters.get(name).and_then(Value::as_str);
        let size = veo_size(text("resolution"), text("aspectRatio"));
        Ok(VeoAsk {
            seconds,
            videos: per_instance.saturating_mul(u32::try_from(instances.len()).unwrap_or(u32::MAX)),
            size,
        })
    }
}

/// The largest count (seconds, videos) a native body may name: far above what Veo makes, low
/// enough that a reservation's arithmetic never overflows.
const MAX_VEO_COUNT: u32 = 3600;

/// The size a Veo video of `resolution` (`720p`, the default, `1080p`, `4k`) and
/// `aspect_ratio` (`16:9`, the default, or `9:16`) has; `None` when neither is named.
fn veo_size(resolution: Option<&str>, aspect_ratio: Option<&str>) -> Option<String> {
    if resolution.is_none() && aspect_ratio.is_none() {
        return None;
    }
    let (long, short) = match resolution.map(str::to_ascii_lowercase).as_deref() {
        Some("1080p") => (1920, 1080),
        Some("4k") | Some("2160p") => (3840, 2160),
        _ => (1280, 720),
    };
    Some(match aspect_ratio {
        Some("9:16") => format!("{short}x{long}"),
        _ => format!("{long}x{short}"),
    })
}

/// A first frame as Veo takes it: inline bytes from a `data:` URI, or a Cloud Storage
/// object; Veo fetches no web links.
fn veo_image(image: &str) -> Result<Value, RelayError> {
    if let Some(rest) = image.strip_prefix("data:")
        && let Some((mime_type, data)) = rest.split_once(";base64,")
    {
        return Ok(json!({"bytesBase64Encoded": data, "mimeType": mime_type}));
    }
    if image.starts_with("gs://") {
        return Ok(json!({"gcsUri": image, "mimeType": "image/png"}));
    }
    Err(RelayError::BadRequest {
        message: "Veo takes a first frame as a data: URI (base64) or a gs:// object".into(),
        param: Some("input_reference"),
    })
}

/// The `name` of the operation a creation answer returns, when it is one a client path may
/// carry (Veo's are `models/{model}/operations/{id}` or Vertex's `projects/.../operations/{id}`).
pub(super) fn operation_name(answer: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Created {
        name: String,
    }
    let name = serde_json::from_slice::<Created>(answer).ok()?.name;
    let plain = name
        .bytes()
        .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'/'));
    (plain && !name.is_empty() && !name.contains("..") && name.len() <= MAX_CLIENT_NAME_BYTES * 2)
        .then_some(name)
}

/// What a Veo operation says: running until `done`; then an `error`, a video (the Gemini API's
/// `generateVideoResponse.generatedSamples[].video.uri`, Vertex's `videos[]` with `gcsUri` or
/// `bytesBase64Encoded`), or nothing because every video was filtered.
pub(super) fn operation_state(answer: &[u8]) -> Option<TaskState> {
    #[derive(Deserialize)]
    struct Operation {
        #[serde(default)]
        done: bool,
        error: Option<Status>,
        metadata: Option<Metadata>,
        response: Option<Response>,
    }
    #[derive(Deserialize)]
    struct Status {
        code: Option<i64>,
        message: Option<String>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Metadata {
        progress_percent: Option<u32>,
    }
    #[derive(Deserialize, Default)]
    #[serde(rename_all = "camelCase")]
    struct Response {
        generate_video_response: Option<Box<Response>>,
        #[serde(default)]
        generated_samples: Vec<Sample>,
        #[serde(default)]
        videos: Vec<Media>,
        #[serde(default)]
        rai_media_filtered_reasons: Vec<String>,
    }
    #[derive(Deserialize)]
    struct Sample {
        video: Option<Media>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Media {
        uri: Option<String>,
        gcs_uri: Option<String>,
        bytes_base64_encoded: Option<String>,
        mime_type: Option<String>,
    }
    let operation = serde_json::from_slice::<Operation>(answer).ok()?;
    if let Some(error) = operation.error {
        let code = error
            .code
            .map_or_else(|| "error".to_owned(), |code| code.to_string());
        return Some(TaskState::failed(
            &code,
            error
                .message
                .as_deref()
                .unwrap_or("video generation failed"),
        ));
    }
    if !operation.done {
        return Some(TaskState {
            progress: operation.metadata.and_then(|meta| meta.progress_percent),
            ..TaskState::pending(TaskStatus::InProgress)
        });
    }
    let mut response = operation.response.unwrap_or_default();
    if let Some(inner) = response.generate_video_response.take() {
        response = *inner;
    }
    let media = response
        .generated_samples
        .into_iter()
        .filter_map(|sample| sample.video)
        .chain(response.videos)
        .next();
    let video = media.and_then(|media| {
        let mime_type = media.mime_type.unwrap_or_else(|| "video/mp4".into());
        match (media.uri.or(media.gcs_uri), media.bytes_base64_encoded) {
            (Some(url), _) => Some(VideoSource::Url(url)),
            (None, Some(base64)) => Some(VideoSource::Inline { base64, mime_type }),
            (None, None) => None,
        }
    });
    Some(match video {
        Some(video) => TaskState {
            video: Some(video),
            ..TaskState::pending(TaskStatus::Completed)
        },
        None => {
            let reasons = response.rai_media_filtered_reasons.join("; ");
            TaskState::failed(
                "content_filtered",
                if reasons.is_empty() {
                    "the upstream returned no video"
                } else {
                    &reasons
                },
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_map_to_openai_statuses() {
        let running = operation_state(br#"{"name":"models/veo/operations/1"}"#).unwrap();
        assert_eq!(running.status, TaskStatus::InProgress);
        let done = operation_state(
            br#"{"name":"n","done":true,"response":{"@type":"t","generateVideoResponse":{"generatedSamples":[{"video":{"uri":"https://g/v1beta/files/f:download?alt=media"}}]}}}"#,
        )
        .unwrap();
        assert_eq!(done.status, TaskStatus::Completed);
        assert_eq!(
            done.video,
            Some(VideoSource::Url(
                "https://g/v1beta/files/f:download?alt=media".into()
            ))
        );
        let vertex = operation_state(
            br#"{"done":true,"response":{"videos":[{"bytesBase64Encoded":"AAEC","mimeType":"video/mp4"}]}}"#,
        )
        .unwrap();
        assert!(matches!(vertex.video, Some(VideoSource::Inline { .. })));
        let failed =
            operation_state(br#"{"done":true,"error":{"code":3,"message":"bad prompt"}}"#).unwrap();
        assert_eq!(
            failed.error,
            Some(("3".to_owned(), "bad prompt".to_owned()))
        );
        let filtered = operation_state(
            br#"{"done":true,"response":{"generateVideoResponse":{"raiMediaFilteredCount":1,"raiMediaFilteredReasons":["unsafe"]}}}"#,
        )
        .unwrap();
        assert_eq!(filtered.status, TaskStatus::Failed);
    }

    #[test]
    fn a_native_body_names_its_seconds_videos_and_size() {
        let read =
            |body: &str| VeoAsk::read(&JsonObject::parse(Bytes::from(body.to_owned())).unwrap());
        let ask = read(
            r#"{"instances":[{"prompt":"p"}],"parameters":{"durationSeconds":6,"numberOfVideos":"2","aspectRatio":"9:16","resolution":"1080p"}}"#,
        )
        .unwrap();
        assert_eq!(
            ask,
            VeoAsk {
                seconds: Some(6),
                videos: 2,
                size: Some("1080x1920".into())
            }
        );
        let plain = read(r#"{"instances":[{"prompt":"p"}]}"#).unwrap();
        assert_eq!((plain.seconds, plain.videos, plain.size), (None, 1, None));
        assert_eq!(
            read(r#"{"instances":[{}],"parameters":{"sampleCount":3,"aspectRatio":"16:9"}}"#)
                .unwrap(),
            VeoAsk {
                seconds: None,
                videos: 3,
                size: Some("1280x720".into())
            }
        );
        for bad in [
            r#"{}"#,
            r#"{"instances":[]}"#,
            r#"{"instances":"a cat"}"#,
            r#"{"instances":[1]}"#,
            r#"{"instances":[{}],"parameters":[]}"#,
            r#"{"instances":[{}],"parameters":{"durationSeconds":0}}"#,
            r#"{"instances":[{}],"parameters":{"durationSeconds":4.5}}"#,
            r#"{"instances":[{}],"parameters":{"durationSeconds":"eight"}}"#,
            r#"{"instances":[{}],"parameters":{"numberOfVideos":99999999999}}"#,
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_plain_operation_names_are_kept() {
        assert_eq!(
            operation_name(br#"{"name":"models/veo-3/operations/abc"}"#).as_deref(),
            Some("models/veo-3/operations/abc")
        );
        assert_eq!(operation_name(br#"{"name":"../../x"}"#), None);
        assert_eq!(operation_name(br#"{"name":"a?b"}"#), None);
    }
}
