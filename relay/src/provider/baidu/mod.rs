//! Baidu ERNIE (Wenxin Workshop v1): chat and embeddings at `.../wenxinworkshop/{chat|embeddings}/{endpoint}`, an access token exchanged from the key.
//!
//! The key is `client_id|client_secret` (the application's API Key and Secret Key); `authorize`
//! exchanges it for an OAuth access token at `{base}/oauth/2.0/token` ([`token`]) and puts the
//! token in the URL's query. Baidu answers errors with status 200 and an `error_code`: codes
//! 110 and 111 (token invalid or expired) drop the cached token and are a credentials refusal,
//! which the relay retries once on the same channel with a fresh token
//! ([`Provider::renews_credentials`]). [`endpoints`] maps model names to endpoint names;
//! [`chat`] converts bodies and stream events.

mod chat;
mod endpoints;
mod token;

use std::sync::LazyLock;

use axum::http::{HeaderMap, HeaderValue, Method, header};
use bytes::Bytes;
use futures::future::BoxFuture;
use serde_json::{Value, json};

use super::framing::{Converted, SseFrames, StreamDecoder};
use super::{Endpoint, Provider, UpstreamRequest, base_url, unsupported};
use crate::convert::ResponseMeta;
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::Channel;
use chat::{ErnieToChatStream, TOKEN_ERRORS};
use token::TokenCache;

/// The access tokens of every Baidu channel of the process.
static TOKENS: LazyLock<TokenCache> = LazyLock::new(TokenCache::new);

pub struct BaiduWire;

/// Where a channel's key is exchanged: its base URL's `/oauth/2.0/token` (Baidu's own host by
/// default, a mock's in tests).
fn token_url(channel: &Channel) -> Result<String, RelayError> {
    Ok(format!("{}/oauth/2.0/token", base_url(channel)?))
}

fn api_url(channel: &Channel, kind: &str, model: &str) -> Result<String, RelayError> {
    Ok(format!(
        "{}/rpc/2.0/ai_custom/v1/wenxinworkshop/{kind}/{}",
        base_url(channel)?,
        endpoints::endpoint_of(model)
    ))
}

fn parse(body: &[u8]) -> Result<Value, RelayError> {
    serde_json::from_slice(body).map_err(|error| RelayError::BadRequest {
        message: format!("the request body is not JSON: {error}"),
        param: None,
    })
}

/// `text` with the channel's key, its halves and its cached access token taken out: Baidu's
/// messages may quote what it was sent.
fn scrub(text: &str, channel: &Channel) -> String {
    let key = channel.key.trim();
    let token = token_url(channel)
        .ok()
        .and_then(|url| TOKENS.cached(&url, key));
    let halves = token::client_credentials(key);
    let mut text = text.to_owned();
    let secrets = [
        Some(key),
        halves.map(|(id, _)| id),
        halves.map(|(_, secret)| secret),
        token.as_deref(),
    ];
    for secret in secrets.into_iter().flatten() {
        if secret.len() >= 4 {
            text = text.replace(secret, "[redacted]");
        }
    }
    text
}

impl Provider for BaiduWire {
    /// Generation is served as chat; embeddings as themselves.
    fn endpoint(&self, endpoint: Endpoint, _: &Channel, _: &str) -> Endpoint {
        if endpoint.wire().is_none() {
            endpoint
        } else {
            Endpoint::ChatCompletions
        }
    }

    fn stream_decoder(
        &self,
        _channel: &Channel,
        _endpoint: Endpoint,
        meta: &ResponseMeta,
    ) -> Box<dyn StreamDecoder> {
        Box::new(Converted::new(
            SseFrames::new(),
            Box::new(ErnieToChatStream::new(meta.clone())),
        ))
    }

    fn decode_response(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        body: Bytes,
        meta: &ResponseMeta,
    ) -> Result<Bytes, RelayError> {
        let answer =
            serde_json::from_slice::<Value>(&body).map_err(|_| RelayError::UpstreamInvalid)?;
        if let Some((code, message)) = chat::native_error(&answer) {
            if TOKEN_ERRORS.contains(&code) {
                tracing::info!(
                    channel = channel.id,
                    code,
                    "baidu refused its access token; it is exchanged again"
                );
                if let Ok(url) = token_url(channel) {
                    TOKENS.invalidate(&url, channel.key.trim());
                }
            }
            return Err(chat::error_for(code, scrub(&message, channel)));
        }
        let decoded = match endpoint {
            Endpoint::Embeddings => chat::embeddings_response(&answer, meta),
            _ => chat::chat_response(&answer, meta),
        };
        serde_json::to_vec(&decoded)
            .map(Bytes::from)
            .map_err(|_| RelayError::Internal)
    }

    /// Exchanges the key for an access token (cached) and adds it to the URL's query.
    fn authorize<'a>(
        &'a self,
        channel: &'a Channel,
        http: &'a reqwest::Client,
        request: &'a mut UpstreamRequest,
    ) -> Option<BoxFuture<'a, Result<(), RelayError>>> {
        Some(Box::pin(async move {
            let token = TOKENS
                .token(http, &token_url(channel)?, channel.key.trim())
                .await?;
            let separator = if request.url.contains('?') { '&' } else { '?' };
            let token: String = url::form_urlencoded::byte_serialize(token.as_bytes()).collect();
            request.url = format!("{}{separator}access_token={token}", request.url);
            Ok(())
        }))
    }

    fn renews_credentials(&self) -> bool {
        true
    }

    fn prepare(&self, _: &Channel, _: Endpoint, _: &mut JsonObject, _: bool) {}

    fn build(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        upstream_model: &str,
        _content_type: &str,
        body: Bytes,
        stream: bool,
    ) -> Result<UpstreamRequest, RelayError> {
        let (url, native) = match endpoint {
            Endpoint::ChatCompletions => (
                api_url(channel, "chat", upstream_model)?,
                chat::chat_request(&parse(&body)?, stream)?,
            ),
            Endpoint::Embeddings => (
                api_url(channel, "embeddings", upstream_model)?,
                chat::embeddings_request(&parse(&body)?)?,
            ),
            _ => return Err(unsupported(channel, endpoint)),
        };
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let body = serde_json::to_vec(&native).map_err(|_| RelayError::Internal)?;
        Ok(UpstreamRequest {
            method: Method::POST,
            url,
            headers,
            body: Bytes::from(body),
        })
    }

    fn probe(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        upstream_model: &str,
    ) -> Result<UpstreamRequest, RelayError> {
        let (endpoint, body) = match endpoint {
            Endpoint::Embeddings => (Endpoint::Embeddings, json!({"input": ["ping"]})),
            _ => (
                Endpoint::ChatCompletions,
                json!({"messages": [{"role": "user", "content": "ping"}], "max_tokens": 2}),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::ChannelKind;

    fn channel(key: &str) -> Channel {
        Channel {
            id: 1,
            name: "b".into(),
            kind: ChannelKind::parse("baidu").unwrap(),
            base_url: "http://127.0.0.1:9/".into(),
            key: key.into(),
            model_mapping: Default::default(),
            priority: 0,
            config: Default::default(),
            proxy_url: None,
            timeouts: Default::default(),
        }
    }

    #[test]
    fn chat_and_embeddings_go_to_the_model_endpoint_and_others_are_unsupported() {
        let channel = channel("id|secret");
        let body = Bytes::from_static(br#"{"messages":[{"role":"user","content":"hi"}]}"#);
        let chat = BaiduWire
            .build(
                &channel,
                Endpoint::ChatCompletions,
                "ERNIE-4.0-8K",
                "application/json",
                body.clone(),
                true,
            )
            .unwrap();
        assert_eq!(
            chat.url,
            "http://127.0.0.1:9/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions_pro"
        );
        let native: Value = serde_json::from_slice(&chat.body).unwrap();
        assert_eq!(native["stream"], true);
        let embeddings = BaiduWire
            .build(
                &channel,
                Endpoint::Embeddings,
                "Embedding-V1",
                "application/json",
                Bytes::from_static(br#"{"input":"x"}"#),
                false,
            )
            .unwrap();
        assert_eq!(
            embeddings.url,
            "http://127.0.0.1:9/rpc/2.0/ai_custom/v1/wenxinworkshop/embeddings/embedding-v1"
        );
        assert!(
            BaiduWire
                .build(
                    &channel,
                    Endpoint::Rerank,
                    "m",
                    "application/json",
                    body,
                    false
                )
                .is_err()
        );
    }

    #[test]
    fn an_error_answer_is_scrubbed_of_the_key_and_mapped() {
        let channel = channel("client-id-1|client-secret-1");
        let body = Bytes::from(
            json!({"error_code": 336003, "error_msg": "bad client-secret-1 here"}).to_string(),
        );
        let error = BaiduWire
            .decode_response(
                &channel,
                Endpoint::ChatCompletions,
                body,
                &Default::default(),
            )
            .unwrap_err();
        let RelayError::UpstreamRejected {
            body: Some(body), ..
        } = error
        else {
            panic!("{error:?}");
        };
        assert_eq!(body.message, "bad [redacted] here");
    }
}
