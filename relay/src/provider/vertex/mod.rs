//! The Google Vertex AI family (`vertexai`): Gemini models over `generateContent`, Claude models over Anthropic's `rawPredict`, one account.
//!
//! The upstream model decides the protocol ([`Publisher::of`]): a Claude model is sent
//! Anthropic Messages without `model` and with `anthropic_version: vertex-2023-10-16`
//! ([`Endpoint::Messages`]), any other model Gemini's `GenerateContentRequest`
//! ([`Endpoint::GenerateContent`]); both answer in their own protocol, SSE when streamed. The
//! key ([`key`]) is a region with a service account (its access token fetched and cached by
//! [`token`], added in [`Provider::authorize`]) or an API key (`x-goog-api-key`); URLs are
//! [`urls`]'s.

mod key;
mod token;
mod urls;
mod video;

pub use video::VeoVertex;

use axum::http::{HeaderMap, HeaderValue, Method, header};
use bytes::Bytes;
use futures::future::BoxFuture;
use serde_json::json;

use super::{Endpoint, Provider, UpstreamRequest, unsupported};
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::Channel;
use key::{Credentials, VertexKey};
use urls::{Publisher, generate_url};

/// The Messages version Vertex's Claude models take, in the body instead of a header.
const ANTHROPIC_VERSION: &str = "vertex-2023-10-16";

pub struct VertexWire;

/// What the registry shows operators about the key.
pub(super) const KEY_HELP: &str = "region|service-account-json (the key file's JSON), \
    region|api-key (express mode) or region|project|api-key; the region is like us-central1 \
    or global. The base URL, when set, replaces https://REGION-aiplatform.googleapis.com.";

impl Provider for VertexWire {
    /// Claude models speak Messages, every other model Gemini.
    fn endpoint(&self, endpoint: Endpoint, _: &Channel, upstream_model: &str) -> Endpoint {
        if endpoint.wire().is_none() {
            return endpoint;
        }
        match Publisher::of(upstream_model) {
            Publisher::Anthropic => Endpoint::Messages,
            Publisher::Google => Endpoint::GenerateContent,
        }
    }

    /// The model is in the URL; the Messages version is in the body. Vertex refuses the `id`
    /// the Gemini API accepts on function responses (the seed strips it too).
    fn prepare(&self, _: &Channel, endpoint: Endpoint, body: &mut JsonObject, _: bool) {
        match endpoint {
            Endpoint::Messages => {
                body.remove("model");
                body.set_trusted(
                    "anthropic_version",
                    Bytes::from(format!("\"{ANTHROPIC_VERSION}\"")),
                );
            }
            Endpoint::GenerateContent => strip_function_response_ids(body),
            _ => {}
        }
    }

    fn build(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        upstream_model: &str,
        content_type: &str,
        body: Bytes,
        stream: bool,
    ) -> Result<UpstreamRequest, RelayError> {
        let publisher = match endpoint {
            Endpoint::GenerateContent => Publisher::Google,
            Endpoint::Messages => Publisher::Anthropic,
            _ => return Err(unsupported(channel, endpoint)),
        };
        let key = VertexKey::of(channel)?;
        let mut headers = HeaderMap::new();
        let content_type = HeaderValue::from_str(content_type).map_err(|_| RelayError::Internal)?;
        headers.insert(header::CONTENT_TYPE, content_type);
        if let Credentials::ApiKey(api_key) = &key.auth {
            let mut value = HeaderValue::from_str(api_key).map_err(|_| {
                RelayError::Misconfigured(format!("channel {} has an invalid key", channel.id))
            })?;
            value.set_sensitive(true);
            headers.insert("x-goog-api-key", value);
        }
        Ok(UpstreamRequest {
            method: Method::POST,
            url: generate_url(channel, &key, publisher, upstream_model, stream),
            headers,
            body,
        })
    }

    /// A service account's requests carry its (cached) access token.
    fn authorize<'a>(
        &'a self,
        channel: &'a Channel,
        http: &'a reqwest::Client,
        request: &'a mut UpstreamRequest,
    ) -> Option<BoxFuture<'a, Result<(), RelayError>>> {
        // `build` refused a malformed key already.
        let key = VertexKey::of(channel).ok()?;
        let Credentials::ServiceAccount(account) = key.auth else {
            return None;
        };
        Some(Box::pin(async move {
            let authorization = token::authorization(channel, &account, http).await?;
            request.headers.insert(header::AUTHORIZATION, authorization);
            Ok(())
        }))
    }

    fn probe(
        &self,
        channel: &Channel,
        _endpoint: Endpoint,
        upstream_model: &str,
    ) -> Result<UpstreamRequest, RelayError> {
        let (endpoint, body) = match Publisher::of(upstream_model) {
            Publisher::Anthropic => (
                Endpoint::Messages,
                json!({"anthropic_version": ANTHROPIC_VERSION, "max_tokens": 1,
                    "messages": [{"role": "user", "content": "ping"}]}),
            ),
            Publisher::Google => (
                Endpoint::GenerateContent,
                json!({"contents": [{"role": "user", "parts": [{"text": "ping"}]}],
                    "generationConfig": {"maxOutputTokens": 1}}),
            ),
        };
        self.build(
            channel,
            endpoint,
            upstream_model,
            "application/json",
            Bytes::from(body.to_string()),
            false,
        )
    }
}

/// Removes `id` from every `functionResponse` of `contents`; a body without function responses
/// is not parsed.
fn strip_function_response_ids(body: &mut JsonObject) {
    let Some(raw) = body.get_bytes("contents") else {
        return;
    };
    let mentions = |needle: &[u8]| raw.windows(needle.len()).any(|window| window == needle);
    if !mentions(b"functionResponse") && !mentions(b"function_response") {
        return;
    }
    let Ok(mut contents) = serde_json::from_slice::<serde_json::Value>(&raw) else {
        return;
    };
    let parts = contents
        .as_array_mut()
        .into_iter()
        .flatten()
        .filter_map(|content| {
            content
                .get_mut("parts")
                .and_then(|parts| parts.as_array_mut())
        })
        .flatten();
    for part in parts {
        for name in ["functionResponse", "function_response"] {
            if let Some(response) = part.get_mut(name).and_then(|r| r.as_object_mut()) {
                response.remove("id");
            }
        }
    }
    // A value just parsed serializes; should it not, the body stays as it was.
    let _ = body.set("contents", &contents);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(key: &str) -> Channel {
        Channel {
            id: 7,
            name: "v".into(),
            kind: crate::host::ChannelKind::parse("vertexai").unwrap(),
            base_url: String::new(),
            key: key.into(),
            model_mapping: Default::default(),
            priority: 0,
            config: Default::default(),
            proxy_url: None,
            timeouts: Default::default(),
        }
    }

    #[test]
    fn the_upstream_model_chooses_the_protocol() {
        let channel = channel("us-east5|p|k");
        for endpoint in [
            Endpoint::ChatCompletions,
            Endpoint::Messages,
            Endpoint::GenerateContent,
            Endpoint::Responses,
        ] {
            assert_eq!(
                VertexWire.endpoint(endpoint, &channel, "claude-sonnet-4@20250514"),
                Endpoint::Messages
            );
            assert_eq!(
                VertexWire.endpoint(endpoint, &channel, "gemini-2.5-flash"),
                Endpoint::GenerateContent
            );
        }
        assert_eq!(
            VertexWire.endpoint(Endpoint::Embeddings, &channel, "gemini-2.5-flash"),
            Endpoint::Embeddings
        );
    }

    #[test]
    fn claude_bodies_lose_the_model_and_gain_the_vertex_version() {
        let channel = channel("us-east5|p|k");
        let mut body = JsonObject::from_value(
            &json!({"model": "claude-x", "max_tokens": 5, "messages": [], "stream": true}),
        )
        .unwrap();
        VertexWire.prepare(&channel, Endpoint::Messages, &mut body, true);
        let body: serde_json::Value = serde_json::from_slice(&body.to_bytes()).unwrap();
        assert_eq!(
            body,
            json!({"max_tokens": 5, "messages": [], "stream": true,
                "anthropic_version": "vertex-2023-10-16"})
        );
        let mut gemini = JsonObject::from_value(&json!({"contents": []})).unwrap();
        VertexWire.prepare(&channel, Endpoint::GenerateContent, &mut gemini, false);
        assert_eq!(&gemini.to_bytes()[..], br#"{"contents":[]}"#);
    }

    #[test]
    fn gemini_function_responses_lose_their_id() {
        let channel = channel("us-east5|p|k");
        let contents = json!([
            {"role": "model", "parts": [{"functionCall": {"id": "c1", "name": "f", "args": {}}}]},
            {"role": "user", "parts": [{"functionResponse": {"id": "c1", "name": "f",
                "response": {"ok": true}}}, {"function_response": {"id": "c1", "name": "f",
                "response": {}}}]}
        ]);
        let mut body = JsonObject::from_value(&json!({"contents": contents})).unwrap();
        VertexWire.prepare(&channel, Endpoint::GenerateContent, &mut body, false);
        let body: serde_json::Value = serde_json::from_slice(&body.to_bytes()).unwrap();
        assert_eq!(body["contents"][0]["parts"][0]["functionCall"]["id"], "c1");
        assert_eq!(
            body["contents"][1]["parts"],
            json!([{"functionResponse": {"name": "f", "response": {"ok": true}}},
                {"function_response": {"name": "f", "response": {}}}])
        );
        let untouched = br#"{"contents":[{"role":"user","parts":[{"text":"id"}]}]}"#;
        let mut body = JsonObject::parse(Bytes::from_static(untouched)).unwrap();
        VertexWire.prepare(&channel, Endpoint::GenerateContent, &mut body, false);
        assert_eq!(&body.to_bytes()[..], untouched);
    }

    #[test]
    fn api_keys_go_in_a_sensitive_header_and_service_accounts_wait_for_authorize() {
        let request = VertexWire
            .probe(
                &channel("us-east5|p|AQ.k"),
                Endpoint::ChatCompletions,
                "claude-x",
            )
            .unwrap();
        let key = request.headers.get("x-goog-api-key").unwrap();
        assert!(key.is_sensitive());
        assert_eq!(key, "AQ.k");
        assert!(
            request
                .url
                .ends_with("/publishers/anthropic/models/claude-x:rawPredict")
        );
        let account = json!({"project_id": "p", "client_email": "a@b", "private_key": "k"});
        let request = VertexWire
            .probe(
                &channel(&format!("us-east5|{account}")),
                Endpoint::ChatCompletions,
                "gemini-2.5-flash",
            )
            .unwrap();
        assert!(request.headers.get("x-goog-api-key").is_none());
        assert!(request.headers.get(header::AUTHORIZATION).is_none());
    }

    #[test]
    fn a_malformed_key_is_a_misconfigured_channel_that_does_not_quote_it() {
        let error = VertexWire
            .probe(
                &channel("AQ.secret"),
                Endpoint::ChatCompletions,
                "gemini-2.5-flash",
            )
            .unwrap_err();
        let RelayError::Misconfigured(message) = &error else {
            panic!("{error:?}");
        };
        assert!(
            message.contains("channel 7") && !message.contains("secret"),
            "{message}"
        );
    }
}
