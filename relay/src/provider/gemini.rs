//! The Gemini family: `{base}/v1beta/models/{model}:generateContent` and
//! `:streamGenerateContent?alt=sse`, authenticated with `x-goog-api-key`. Bodies arrive already
//! in the Gemini protocol; the model and the stream choice live in the URL.

use axum::http::{HeaderMap, HeaderValue, Method, header};
use bytes::Bytes;
use serde_json::json;

use super::{Endpoint, Provider, UpstreamRequest, base_url, key_header, unsupported};
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::Channel;

pub struct GeminiWire;

fn generate_url(channel: &Channel, model: &str, stream: bool) -> Result<String, RelayError> {
    let method = if stream {
        "streamGenerateContent?alt=sse"
    } else {
        "generateContent"
    };
    model_url(channel, model, method)
}

/// `{base}/v1beta/models/{model}:{method}`.
fn model_url(channel: &Channel, model: &str, method: &str) -> Result<String, RelayError> {
    let base = base_url(channel)?;
    let base = base.strip_suffix("/v1beta").unwrap_or(&base);
    // A model name is a path segment; `models/` prefixes (as Gemini lists them) are dropped.
    let model = model.strip_prefix("models/").unwrap_or(model);
    let model: String = model
        .bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.') {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect();
    Ok(format!("{base}/v1beta/models/{model}:{method}"))
}

impl Provider for GeminiWire {
    /// Generation always goes to the family's own generation endpoint.
    fn endpoint(&self, endpoint: Endpoint, _: &Channel, _: &str) -> Endpoint {
        if endpoint.wire().is_none() {
            endpoint
        } else {
            Endpoint::GenerateContent
        }
    }

    fn serves_gemini_embeddings(&self) -> bool {
        true
    }

    fn prepare(&self, _: &Channel, _: Endpoint, _: &mut JsonObject, _: bool) {}

    fn build(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        upstream_model: &str,
        content_type: &str,
        body: Bytes,
        stream: bool,
    ) -> Result<UpstreamRequest, RelayError> {
        let url = match endpoint {
            Endpoint::GenerateContent => generate_url(channel, upstream_model, stream)?,
            Endpoint::GeminiEmbedContent | Endpoint::GeminiBatchEmbedContents => {
                model_url(channel, upstream_model, endpoint.path())?
            }
            _ => return Err(unsupported(channel, endpoint)),
        };
        let mut headers = HeaderMap::new();
        let content_type = HeaderValue::from_str(content_type).map_err(|_| RelayError::Internal)?;
        headers.insert(header::CONTENT_TYPE, content_type);
        if let Some(key) = key_header(channel)? {
            headers.insert("x-goog-api-key", key);
        }
        Ok(UpstreamRequest {
            method: Method::POST,
            url,
            headers,
            body,
        })
    }

    fn probe(
        &self,
        channel: &Channel,
        _endpoint: Endpoint,
        upstream_model: &str,
    ) -> Result<UpstreamRequest, RelayError> {
        let body = json!({"contents": [{"role": "user", "parts": [{"text": "ping"}]}],
            "generationConfig": {"maxOutputTokens": 1}});
        self.build(
            channel,
            Endpoint::GenerateContent,
            upstream_model,
            "application/json",
            Bytes::from(body.to_string()),
            false,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_put_the_model_and_the_stream_choice_in_the_path() {
        let mut channel = crate::host::Channel {
            id: 1,
            name: "g".into(),
            kind: crate::host::ChannelKind::GEMINI,
            base_url: String::new(),
            key: String::new(),
            model_mapping: Default::default(),
            priority: 0,
            config: Default::default(),
            proxy_url: None,
            timeouts: Default::default(),
        };
        assert_eq!(
            generate_url(&channel, "models/gemini-2.5-flash", false).unwrap(),
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent"
        );
        channel.base_url = "http://127.0.0.1:9/v1beta/".into();
        assert_eq!(
            generate_url(&channel, "a b", true).unwrap(),
            "http://127.0.0.1:9/v1beta/models/a%20b:streamGenerateContent?alt=sse"
        );
    }
}
