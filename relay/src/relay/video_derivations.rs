//! `POST /v1/videos/edits` and `/v1/videos/extensions`: a new job from the group's job the body names, on its channel, like a remix.
//!
//! The source is the body's `video.id` (JSON, or a form's `video[id]` field, sent on as JSON),
//! not a path segment: it is found for the
//! caller's group, and the new job is admitted, sent, remembered and billed as a remix's is
//! ([`Inner::derive`]). An edit is reserved at the source's length; an extension at its
//! `seconds`, else OpenAI's default length.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use bytes::Bytes;

use super::Inner;
use super::videos::{Derived, default_seconds, video_json_object};
use crate::error::RelayError;
use crate::host::VideoApi;
use crate::json::JsonObject;
use crate::multipart::Multipart;
use crate::provider::VideoCall;
use crate::request_id::request_id;
use crate::usage::PendingRecord;
use crate::vocabulary::Face;

/// The longest extension asked for that is admitted: far beyond any model's, and bounded so a
/// reservation stays sane.
const MAX_EXTENSION_SECONDS: u32 = 3600;

/// A new job made from another named in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Derivation {
    Edit,
    Extension,
}

impl Derivation {
    fn route(self) -> &'static str {
        match self {
            Derivation::Edit => "/v1/videos/edits",
            Derivation::Extension => "/v1/videos/extensions",
        }
    }

    fn call(self) -> VideoCall {
        match self {
            Derivation::Edit => VideoCall::Edit,
            Derivation::Extension => VideoCall::Extend,
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Derivation::Edit => "edit",
            Derivation::Extension => "extend",
        }
    }
}

impl Inner {
    /// `POST /v1/videos/edits` or `/v1/videos/extensions`.
    pub(super) async fn derive_video(&self, derivation: Derivation, request: Request) -> Response {
        let started = Instant::now();
        let (parts, body) = request.into_parts();
        let mut pending = PendingRecord::start(
            Arc::clone(&self.usage),
            request_id(&parts),
            derivation.route(),
            started,
        );
        let mut limit_headers = Vec::new();
        let result = self
            .relay_derivation(derivation, &parts, body, &mut pending, &mut limit_headers)
            .await;
        let mut response = match result {
            Ok(response) => response,
            Err(error) => self.fail(pending, error, Face::OpenAi),
        };
        response.headers_mut().extend(limit_headers);
        response
    }

    async fn relay_derivation(
        &self,
        derivation: Derivation,
        parts: &Parts,
        body: axum::body::Body,
        pending: &mut PendingRecord,
        limit_headers: &mut Vec<(axum::http::HeaderName, HeaderValue)>,
    ) -> Result<Response, RelayError> {
        let caller = self.authenticate(parts, pending)?;
        self.check_address(pending).await?;
        let body = self.read_video_body(parts, body, pending).await?;
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let body = if content_type
            .to_ascii_lowercase()
            .starts_with("multipart/form-data")
        {
            form_as_json(content_type, &body)?
        } else {
            body
        };
        let (body, object) = video_json_object(body)?;
        let source_id = source_id(&object)?;
        let requested_seconds = match derivation {
            Derivation::Extension => extension_seconds(&object)?,
            Derivation::Edit => None,
        };
        let (job, channel) = self
            .source_job(&caller, &source_id, VideoApi::Videos, pending)
            .await?;
        // A task API's job (Veo, DashScope, Ark) has no edit or extension of OpenAI's kind.
        if job.upstream_id.is_some() {
            return Err(RelayError::BadRequest {
                message: format!(
                    "channels of type {} cannot {} a video",
                    channel.kind.as_str(),
                    derivation.verb()
                ),
                param: None,
            });
        }
        let seconds = match derivation {
            Derivation::Edit => job.seconds,
            Derivation::Extension => {
                requested_seconds.unwrap_or_else(|| default_seconds(VideoApi::Videos))
            }
        };
        // The source's id is the upstream's own (only a task job's is the gateway's, refused
        // above): the body goes on as the client sent it.
        let derived = Derived {
            call: derivation.call(),
            source_id: &source_id,
            seconds,
        };
        self.derive(
            &caller,
            &channel,
            &job,
            derived,
            (body, object),
            pending,
            limit_headers,
        )
        .await
    }
}

/// A form's fields as the JSON object OpenAI takes too, `video[id]` as `video.id`: the form's
/// reference names a job; an uploaded source video has none to follow and is refused.
fn form_as_json(content_type: &str, body: &Bytes) -> Result<Bytes, RelayError> {
    let form = Multipart::parse(content_type, body).map_err(|error| RelayError::BadRequest {
        message: error.to_string(),
        param: None,
    })?;
    let mut object = serde_json::Map::new();
    for part in &form.parts {
        if part.filename.is_some() {
            return Err(RelayError::BadRequest {
                message: "an uploaded video is not relayed: name the video job by video[id]".into(),
                param: Some("video"),
            });
        }
        let text = std::str::from_utf8(&part.data).map_err(|_| RelayError::BadRequest {
            message: format!(
                "multipart field {} is not valid utf-8 text",
                part.name.chars().take(64).collect::<String>()
            ),
            param: None,
        })?;
        if part.name == "video[id]" {
            object.insert("video".into(), serde_json::json!({ "id": text }));
        } else {
            object.insert(part.name.clone(), serde_json::Value::String(text.into()));
        }
    }
    Ok(Bytes::from(serde_json::Value::Object(object).to_string()))
}

/// The body's `video.id`: the job a new one is made from.
fn source_id(object: &JsonObject) -> Result<String, RelayError> {
    let video = object
        .get_as::<serde_json::Value>("video")
        .ok()
        .flatten()
        .unwrap_or_default();
    match video.get("id") {
        Some(serde_json::Value::String(id)) if !id.is_empty() => Ok(id.clone()),
        _ => Err(RelayError::BadRequest {
            message: "video.id is required: the id of the video to start from".into(),
            param: Some("video"),
        }),
    }
}

/// An extension's `seconds` (a string, as on creation, or a number), when given.
fn extension_seconds(object: &JsonObject) -> Result<Option<u32>, RelayError> {
    let text = match object.get_as::<serde_json::Value>("seconds").ok().flatten() {
        None | Some(serde_json::Value::Null) => return Ok(None),
        Some(serde_json::Value::String(text)) => text,
        Some(serde_json::Value::Number(number)) => number.to_string(),
        Some(_) => String::new(),
    };
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|seconds| (1..=MAX_EXTENSION_SECONDS).contains(seconds))
        .map(Some)
        .ok_or_else(|| RelayError::BadRequest {
            message: format!("seconds must be a whole number from 1 to {MAX_EXTENSION_SECONDS}"),
            param: Some("seconds"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(text: &'static str) -> JsonObject {
        JsonObject::parse(Bytes::from_static(text.as_bytes())).unwrap()
    }

    #[test]
    fn a_forms_reference_becomes_json() {
        let content_type = "multipart/form-data; boundary=b";
        let form = "--b\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nbluer\r\n\
             --b\r\nContent-Disposition: form-data; name=\"video[id]\"\r\n\r\nvideo_1\r\n\
             --b\r\nContent-Disposition: form-data; name=\"seconds\"\r\n\r\n8\r\n--b--\r\n";
        let json = form_as_json(content_type, &Bytes::from_static(form.as_bytes())).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"prompt": "bluer", "video": {"id": "video_1"}, "seconds": "8"})
        );
        let upload = "--b\r\nContent-Disposition: form-data; name=\"video\"; filename=\"a.mp4\"\r\n\r\nxx\r\n--b--\r\n";
        assert!(form_as_json(content_type, &Bytes::from_static(upload.as_bytes())).is_err());
    }

    #[test]
    fn the_source_is_the_bodys_video_id() {
        assert_eq!(
            source_id(&object(r#"{"video":{"id":"video_1"},"prompt":"p"}"#)).unwrap(),
            "video_1"
        );
        for bad in [
            r#"{"prompt":"p"}"#,
            r#"{"video":"video_1"}"#,
            r#"{"video":{"id":7}}"#,
            r#"{"video":{"id":""}}"#,
        ] {
            assert!(source_id(&object(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_extensions_seconds_are_bounded() {
        assert_eq!(
            extension_seconds(&object(r#"{"seconds":"8"}"#)).unwrap(),
            Some(8)
        );
        assert_eq!(
            extension_seconds(&object(r#"{"seconds":12}"#)).unwrap(),
            Some(12)
        );
        assert_eq!(extension_seconds(&object("{}")).unwrap(), None);
        for bad in [
            r#"{"seconds":"0"}"#,
            r#"{"seconds":"four"}"#,
            r#"{"seconds":-1}"#,
            r#"{"seconds":99999}"#,
            r#"{"seconds":[4]}"#,
        ] {
            assert!(extension_seconds(&object(bad)).is_err(), "{bad}");
        }
    }
}
