//! The Anthropic family: the native Messages API (`{base}/v1/messages`, `x-api-key`,
//! `anthropic-version`). Bodies arrive already in the Messages protocol.

use axum::http::{HeaderMap, HeaderValue, Method, header};
use bytes::Bytes;
use serde_json::json;

use super::{Endpoint, Provider, UpstreamRequest, base_url, key_header, unsupported};
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::Channel;

/// The API version every Messages feature we convert exists in; betas ride on top of it.
pub(super) const API_VERSION: &str = "2023-06-01";

pub struct AnthropicWire;

/// `https://host` and `https://host/v1` both name the same API root.
fn messages_url(channel: &Channel) -> Result<String, RelayError> {
    let base = base_url(channel)?;
    let base = base.strip_suffix("/v1").unwrap_or(&base);
    Ok(format!("{base}/v1/messages"))
}

impl Provider for AnthropicWire {
    /// Generation always goes to the family's own generation endpoint.
    fn endpoint(&self, endpoint: Endpoint, _: &Channel, _: &str) -> Endpoint {
        if endpoint.wire().is_none() {
            endpoint
        } else {
            Endpoint::Messages
        }
    }

    fn prepare(&self, _: &Channel, _: Endpoint, _: &mut JsonObject, _: bool) {}

    fn build(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        _upstream_model: &str,
        content_type: &str,
        body: Bytes,
        _stream: bool,
    ) -> Result<UpstreamRequest, RelayError> {
        if endpoint != Endpoint::Messages {
            return Err(unsupported(channel, endpoint));
        }
        let mut headers = HeaderMap::new();
        let content_type = HeaderValue::from_str(content_type).map_err(|_| RelayError::Internal)?;
        headers.insert(header::CONTENT_TYPE, content_type);
        headers.insert("anthropic-version", HeaderValue::from_static(API_VERSION));
        if let Some(key) = key_header(channel)? {
            headers.insert("x-api-key", key);
        }
        Ok(UpstreamRequest {
            method: Method::POST,
            url: messages_url(channel)?,
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
        let body = json!({"model": upstream_model, "max_tokens": 1,
            "messages": [{"role": "user", "content": "ping"}]});
        self.build(
            channel,
            Endpoint::Messages,
            upstream_model,
            "application/json",
            Bytes::from(body.to_string()),
            false,
        )
    }
}
