//! Veo on Vertex AI: `POST .../publishers/google/models/{model}:predictLongRunning`.
//!
//! Polled with `POST .../models/{model}:fetchPredictOperation` (`{"operationName": ...}`), with the
//! channel's service account or API key.
//!
//! A finished operation carries the video inline (`bytesBase64Encoded`) unless the request
//! named a Cloud Storage bucket; a `gs://` object is downloaded through the Cloud Storage
//! JSON API with the same credentials.

use axum::http::{HeaderMap, HeaderValue, Method, header};
use bytes::Bytes;
use serde_json::json;

use super::key::{Credentials, VertexKey};
use super::urls::{Publisher, model_url};
use crate::error::RelayError;
use crate::provider::UpstreamRequest;
use crate::provider::veo::{VEO_DEFAULT_SECONDS, operation_name, operation_state, predict_body};
use crate::provider::video_tasks::{TaskState, VideoTaskApi, VideoTaskRequest, path_segment};
use crate::vocabulary::Channel;

/// Veo through a `vertexai` channel.
pub struct VeoVertex;

/// A JSON request to `url` with the key's API key, if it is one (a service account's token
/// is added by the provider's `authorize`).
fn request(channel: &Channel, url: String, body: Bytes) -> Result<UpstreamRequest, RelayError> {
    let key = VertexKey::of(channel)?;
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Credentials::ApiKey(api_key) = &key.auth {
        let mut value = HeaderValue::from_str(api_key).map_err(|_| {
            RelayError::Misconfigured(format!("channel {} has an invalid key", channel.id))
        })?;
        value.set_sensitive(true);
        headers.insert("x-goog-api-key", value);
    }
    Ok(UpstreamRequest {
        method: Method::POST,
        url,
        headers,
        body,
    })
}

impl VideoTaskApi for VeoVertex {
    fn create(
        &self,
        channel: &Channel,
        upstream_model: &str,
        task: &VideoTaskRequest,
    ) -> Result<UpstreamRequest, RelayError> {
        let key = VertexKey::of(channel)?;
        let url = model_url(
            channel,
            &key,
            Publisher::Google,
            upstream_model,
            "predictLongRunning",
        );
        request(channel, url, predict_body(task, true)?)
    }

    fn create_native(
        &self,
        channel: &Channel,
        upstream_model: &str,
        body: Bytes,
    ) -> Option<Result<UpstreamRequest, RelayError>> {
        let create = VertexKey::of(channel).and_then(|key| {
            let url = model_url(
                channel,
                &key,
                Publisher::Google,
                upstream_model,
                "predictLongRunning",
            );
            request(channel, url, body)
        });
        Some(create)
    }

    fn created_id(&self, answer: &[u8]) -> Option<String> {
        operation_name(answer)
    }

    fn poll(
        &self,
        channel: &Channel,
        upstream_model: &str,
        upstream_id: &str,
    ) -> Result<UpstreamRequest, RelayError> {
        let key = VertexKey::of(channel)?;
        let url = model_url(
            channel,
            &key,
            Publisher::Google,
            upstream_model,
            "fetchPredictOperation",
        );
        let body = json!({"operationName": upstream_id});
        request(channel, url, Bytes::from(body.to_string()))
    }

    fn state(&self, answer: &[u8]) -> Option<TaskState> {
        operation_state(answer)
    }

    /// `gs://bucket/object` through the Cloud Storage JSON API (`alt=media`), authorized like
    /// the channel's other calls; any other link as it is.
    fn download(&self, channel: &Channel, url: &str) -> Result<UpstreamRequest, RelayError> {
        let Some((bucket, object)) = url
            .strip_prefix("gs://")
            .and_then(|path| path.split_once('/'))
        else {
            return Ok(crate::provider::video_tasks::plain_get(url));
        };
        let mut download = request(
            channel,
            format!(
                "https://storage.googleapis.com/storage/v1/b/{}/o/{}?alt=media",
                path_segment(bucket),
                path_segment(object)
            ),
            Bytes::new(),
        )?;
        download.method = Method::GET;
        download.headers.remove(header::CONTENT_TYPE);
        Ok(download)
    }

    fn download_is_authorized(&self, url: &str) -> bool {
        url.starts_with("gs://")
    }

    fn default_seconds(&self) -> u32 {
        VEO_DEFAULT_SECONDS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn veo_calls_go_to_the_models_long_running_methods() {
        let channel = Channel {
            id: 1,
            name: "v".into(),
            kind: crate::host::ChannelKind::parse("vertexai").unwrap(),
            base_url: String::new(),
            key: "us-central1|proj|api-key".into(),
            model_mapping: Default::default(),
            priority: 0,
            config: Default::default(),
            proxy_url: None,
            timeouts: Default::default(),
        };
        let task = VideoTaskRequest {
            prompt: "a cat".into(),
            ..Default::default()
        };
        let create = VeoVertex
            .create(&channel, "veo-3.0-generate-001", &task)
            .unwrap();
        assert_eq!(
            create.url,
            "https://us-central1-aiplatform.googleapis.com/v1/projects/proj/locations/us-central1/publishers/google/models/veo-3.0-generate-001:predictLongRunning"
        );
        let body: serde_json::Value = serde_json::from_slice(&create.body).unwrap();
        assert_eq!(body["parameters"]["sampleCount"], 1);
        let poll = VeoVertex
            .poll(&channel, "veo-3.0-generate-001", "projects/proj/locations/us-central1/publishers/google/models/veo-3.0-generate-001/operations/1")
            .unwrap();
        assert!(poll.url.ends_with(":fetchPredictOperation"));
        assert_eq!(poll.method, Method::POST);
        let download = VeoVertex
            .download(&channel, "gs://bucket/out/v.mp4")
            .unwrap();
        assert_eq!(
            download.url,
            "https://storage.googleapis.com/storage/v1/b/bucket/o/out%2Fv.mp4?alt=media"
        );
    }
}
