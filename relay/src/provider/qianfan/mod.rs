//! Baidu Qianfan v2 (`qianfan`, the seed's `baiduv2`): OpenAI wire at `qianfan.baidubce.com/v2`, a `bce-v3/...` API key or an `ak|sk` pair exchanged at IAM.
//!
//! A `bce-v3/...` API key is a Bearer token as it is. An `ak|sk` access-key pair (the seed's
//! key format) is exchanged in [`Provider::authorize`] for a day-long bearer token at Baidu's
//! IAM ([`iam`]), cached per key. Catalogue model names (`ERNIE-4.0-8K`) are sent as v2's
//! lowercase ids (`ernie-4.0-8k`, two renamed outright), and rerank goes to `/rerankers`.

mod iam;

use std::sync::LazyLock;

use axum::http::{HeaderValue, header};
use bytes::Bytes;
use futures::future::BoxFuture;

use super::openai::OpenAiWire;
use super::{
    ConfigKey, ConfigType, Endpoint, OPENAI_CONFIG, Provider, StoredCall, UpstreamRequest,
};
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::Channel;

/// The bearer tokens of every `ak|sk` Qianfan channel of the process.
static TOKENS: LazyLock<iam::TokenCache> = LazyLock::new(iam::TokenCache::new);

pub struct QianfanWire;

/// The config keys of a Qianfan channel: the OpenAI ones and where `ak|sk` keys are exchanged.
pub const QIANFAN_CONFIG: &[ConfigKey] = &[
    OPENAI_CONFIG[0],
    OPENAI_CONFIG[1],
    OPENAI_CONFIG[2],
    ConfigKey {
        name: "iam_url",
        kind: ConfigType::String,
        default: Some(iam::DEFAULT_IAM_URL),
        help: "Where an ak|sk key is exchanged for a bearer token (Baidu's IAM; a private deployment's own).",
    },
];

/// v2's ids of the catalogue names that are not simply lowercased.
const RENAMED: [(&str, &str); 2] = [
    ("ERNIE-Character-8K", "ernie-char-8k"),
    ("ERNIE-Character-Fiction-8K", "ernie-char-fiction-8k"),
];

/// The v2 id of a model name: renamed, or lowercased.
fn v2_model(model: &str) -> String {
    RENAMED
        .iter()
        .find(|(name, _)| *name == model)
        .map_or_else(|| model.to_ascii_lowercase(), |(_, id)| (*id).to_owned())
}

fn iam_url(channel: &Channel) -> &str {
    channel
        .config
        .get("iam_url")
        .map(|url| url.trim())
        .filter(|url| !url.is_empty())
        .unwrap_or(iam::DEFAULT_IAM_URL)
}

impl Provider for QianfanWire {
    fn endpoint(&self, endpoint: Endpoint, channel: &Channel, upstream_model: &str) -> Endpoint {
        OpenAiWire.endpoint(endpoint, channel, upstream_model)
    }

    fn prepare(&self, channel: &Channel, endpoint: Endpoint, body: &mut JsonObject, stream: bool) {
        if matches!(
            endpoint,
            Endpoint::ChatCompletions | Endpoint::Embeddings | Endpoint::Rerank
        ) && let Ok(Some(model)) = body.get_as::<String>("model")
        {
            let id = v2_model(&model);
            if id != model {
                // Serializing a string cannot fail.
                let _ = body.set("model", &id);
            }
        }
        OpenAiWire.prepare(channel, endpoint, body, stream);
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
        let mut request = OpenAiWire.build(
            channel,
            endpoint,
            upstream_model,
            content_type,
            body,
            stream,
        )?;
        if endpoint == Endpoint::Rerank
            && let Some(base) = request.url.strip_suffix("/rerank")
        {
            request.url = format!("{base}/rerankers");
        }
        if iam::access_key_pair(&channel.key).is_some() {
            // The pair is no bearer token: `authorize` puts the exchanged one in its place.
            request.headers.remove(header::AUTHORIZATION);
        }
        Ok(request)
    }

    /// `ak|sk` keys: the exchanged bearer token; API keys are already in place.
    fn authorize<'a>(
        &'a self,
        channel: &'a Channel,
        http: &'a reqwest::Client,
        request: &'a mut UpstreamRequest,
    ) -> Option<BoxFuture<'a, Result<(), RelayError>>> {
        iam::access_key_pair(&channel.key)?;
        Some(Box::pin(async move {
            let token = TOKENS
                .token(http, iam_url(channel), channel.key.trim())
                .await?;
            let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|_| RelayError::UpstreamInvalid)?;
            value.set_sensitive(true);
            request.headers.insert(header::AUTHORIZATION, value);
            Ok(())
        }))
    }

    fn probe(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        upstream_model: &str,
    ) -> Result<UpstreamRequest, RelayError> {
        let mut request = OpenAiWire.probe(channel, endpoint, &v2_model(upstream_model))?;
        if iam::access_key_pair(&channel.key).is_some() {
            request.headers.remove(header::AUTHORIZATION);
        }
        Ok(request)
    }

    fn stored_response(
        &self,
        channel: &Channel,
        call: StoredCall,
        response_id: &str,
        query: Option<&str>,
    ) -> Result<UpstreamRequest, RelayError> {
        OpenAiWire.stored_response(channel, call, response_id, query)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::ChannelKind;

    fn channel(key: &str) -> Channel {
        Channel {
            id: 9,
            name: "q".into(),
            kind: ChannelKind::parse("baiduv2").unwrap(),
            base_url: String::new(),
            key: key.into(),
            model_mapping: Default::default(),
            priority: 0,
            config: Default::default(),
            proxy_url: None,
            timeouts: Default::default(),
        }
    }

    fn build(channel: &Channel, endpoint: Endpoint) -> UpstreamRequest {
        QianfanWire
            .build(
                channel,
                endpoint,
                "ernie-4.0-8k",
                "application/json",
                Bytes::new(),
                false,
            )
            .unwrap()
    }

    #[test]
    fn api_keys_are_bearer_tokens_and_access_key_pairs_wait_for_their_token() {
        let api_key = channel("bce-v3/ALTAK-abc/def");
        let request = build(&api_key, Endpoint::ChatCompletions);
        assert_eq!(
            request.url,
            "https://qianfan.baidubce.com/v2/chat/completions"
        );
        assert_eq!(
            request.headers[header::AUTHORIZATION],
            "Bearer bce-v3/ALTAK-abc/def"
        );
        let mut request = build(&api_key, Endpoint::ChatCompletions);
        let http = reqwest::Client::new();
        assert!(
            QianfanWire
                .authorize(&api_key, &http, &mut request)
                .is_none()
        );

        let pair = channel("ak|sk");
        let request = build(&pair, Endpoint::ChatCompletions);
        assert!(request.headers.get(header::AUTHORIZATION).is_none());
        assert_eq!(
            build(&pair, Endpoint::Rerank).url,
            "https://qianfan.baidubce.com/v2/rerankers"
        );
    }

    #[test]
    fn catalogue_names_become_v2_ids() {
        for (model, expected) in [
            ("ERNIE-4.0-8K", "ernie-4.0-8k"),
            ("ERNIE-Character-8K", "ernie-char-8k"),
            ("ERNIE-Character-Fiction-8K", "ernie-char-fiction-8k"),
            ("ernie-speed-128k", "ernie-speed-128k"),
        ] {
            assert_eq!(v2_model(model), expected);
        }
        let mut body =
            JsonObject::from_value(&serde_json::json!({"model": "ERNIE-3.5-8K", "messages": []}))
                .unwrap();
        QianfanWire.prepare(&channel("k"), Endpoint::ChatCompletions, &mut body, false);
        assert_eq!(
            body.get_as::<String>("model").unwrap().as_deref(),
            Some("ernie-3.5-8k")
        );
    }

    /// End to end through `authorize`: an `ak|sk` channel pointed at a mock IAM (which checks
    /// the signature) gets the exchanged token as its Bearer.
    #[tokio::test]
    async fn authorize_puts_the_exchanged_token_in_place_of_the_pair() {
        let app = axum::Router::new().route(
            "/v1/BCE-BEARER/token",
            axum::routing::get(
                |uri: axum::http::Uri, headers: axum::http::HeaderMap| async move {
                    let auth = headers[header::AUTHORIZATION].to_str().unwrap().to_owned();
                    let host = headers[header::HOST].to_str().unwrap().to_owned();
                    let timestamp = auth.split('/').nth(2).unwrap().to_owned();
                    let expected = iam::authorization("ak", "sk", &host, uri.path(), &timestamp);
                    if auth != expected {
                        return (axum::http::StatusCode::UNAUTHORIZED, "{}".to_owned());
                    }
                    (
                        axum::http::StatusCode::CREATED,
                        r#"{"token":"bce-v3/exchanged","expireTime":"2999-01-01T00:00:00Z"}"#
                            .to_owned(),
                    )
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let mut pair = channel("ak|sk");
        pair.config.insert(
            "iam_url".into(),
            format!("http://{addr}/v1/BCE-BEARER/token"),
        );
        let http = reqwest::Client::new();
        let mut request = build(&pair, Endpoint::ChatCompletions);
        QianfanWire
            .authorize(&pair, &http, &mut request)
            .unwrap()
            .await
            .unwrap();
        assert_eq!(
            request.headers[header::AUTHORIZATION],
            "Bearer bce-v3/exchanged"
        );
    }
}
