//! Cohere's native v2 API: chat (`/v2/chat`, named SSE events), embeddings (`/v2/embed`) and rerank (`/v2/rerank`), Bearer key.
//!
//! Generation arrives as the chat pivot and is converted to a v2 chat body ([`request`]); a
//! whole answer is read back as a chat completion and the streamed one event by event
//! ([`response`], [`stream`]). Embeddings and rerank bodies are converted both ways too, so
//! the relay's `/v1/embeddings` and `/v1/rerank` clients see the shapes they know.

mod request;
mod response;
mod stream;

use axum::http::{HeaderMap, Method};
use bytes::Bytes;
use serde_json::{Value, json};

use super::{
    Converted, Endpoint, Provider, SseFrames, StreamDecoder, UpstreamRequest, base_url, unsupported,
};
use crate::convert::ResponseMeta;
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::Channel;

pub use stream::CohereToChatStream;

pub struct CohereWire;

/// The v2 path of a channel endpoint; `None` for endpoints Cohere does not serve.
fn path(endpoint: Endpoint) -> Option<&'static str> {
    match endpoint {
        Endpoint::ChatCompletions => Some("v2/chat"),
        Endpoint::Embeddings => Some("v2/embed"),
        Endpoint::Rerank => Some("v2/rerank"),
        _ => None,
    }
}

fn parse(body: &[u8]) -> Result<Value, RelayError> {
    serde_json::from_slice(body).map_err(|error| RelayError::BadRequest {
        message: format!("invalid JSON body: {error}"),
        param: None,
    })
}

fn headers(channel: &Channel) -> Result<HeaderMap, RelayError> {
    super::bearer_json_headers(channel)
}

impl Provider for CohereWire {
    /// Every generation face is served by v2 chat through the chat pivot.
    fn endpoint(&self, endpoint: Endpoint, _: &Channel, _: &str) -> Endpoint {
        if endpoint.wire().is_none() {
            endpoint
        } else {
            Endpoint::ChatCompletions
        }
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
        let Some(path) = path(endpoint) else {
            return Err(unsupported(channel, endpoint));
        };
        let body = parse(&body)?;
        let native = match endpoint {
            Endpoint::ChatCompletions => request::chat(&body, upstream_model, stream)?,
            Endpoint::Embeddings => request::embed(&body, upstream_model)?,
            _ => request::rerank(&body, upstream_model)?,
        };
        Ok(UpstreamRequest {
            method: Method::POST,
            url: format!("{}/{path}", base_url(channel)?),
            headers: headers(channel)?,
            body: Bytes::from(native.to_string()),
        })
    }

    fn probe(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        upstream_model: &str,
    ) -> Result<UpstreamRequest, RelayError> {
        let endpoint = self.endpoint(endpoint, channel, upstream_model);
        let body = match endpoint {
            Endpoint::Embeddings => json!({"model": upstream_model, "input": "ping"}),
            Endpoint::Rerank => {
                json!({"model": upstream_model, "query": "ping", "documents": ["ping"]})
            }
            _ => json!({"model": upstream_model, "max_tokens": 1,
                "messages": [{"role": "user", "content": "ping"}]}),
        };
        let endpoint = if path(endpoint).is_some() {
            endpoint
        } else {
            Endpoint::ChatCompletions
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

    fn decode_response(
        &self,
        _channel: &Channel,
        endpoint: Endpoint,
        body: Bytes,
        meta: &ResponseMeta,
    ) -> Result<Bytes, RelayError> {
        let answer: Value =
            serde_json::from_slice(&body).map_err(|_| RelayError::UpstreamInvalid)?;
        let decoded = match endpoint {
            Endpoint::ChatCompletions => response::chat(&answer, meta)?,
            Endpoint::Embeddings => response::embed(&answer, meta)?,
            Endpoint::Rerank => response::rerank(&answer, meta)?,
            _ => return Ok(body),
        };
        Ok(Bytes::from(decoded.to_string()))
    }

    fn stream_decoder(
        &self,
        _channel: &Channel,
        _endpoint: Endpoint,
        meta: &ResponseMeta,
    ) -> Box<dyn StreamDecoder> {
        Box::new(Converted::new(
            SseFrames::new(),
            Box::new(CohereToChatStream::new(meta.clone())),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::ChannelKind;
    use axum::http::header;

    fn channel(base_url: &str) -> Channel {
        Channel {
            id: 7,
            name: "c".into(),
            kind: ChannelKind::parse("cohere").unwrap(),
            base_url: base_url.into(),
            key: "co-key".into(),
            model_mapping: Default::default(),
            priority: 0,
            config: Default::default(),
            proxy_url: None,
            timeouts: Default::default(),
        }
    }

    #[test]
    fn requests_go_to_the_v2_paths_with_a_bearer_key() {
        let channel = channel("http://127.0.0.1:9/");
        let build = |endpoint, body: Value| {
            CohereWire.build(
                &channel,
                endpoint,
                "command-r",
                "application/json",
                Bytes::from(body.to_string()),
                false,
            )
        };
        let chat = build(
            Endpoint::ChatCompletions,
            json!({"messages": [{"role": "user", "content": "hi"}]}),
        )
        .unwrap();
        assert_eq!(chat.url, "http://127.0.0.1:9/v2/chat");
        assert_eq!(chat.headers[header::AUTHORIZATION], "Bearer co-key");
        let embed = build(Endpoint::Embeddings, json!({"input": "x"})).unwrap();
        assert_eq!(embed.url, "http://127.0.0.1:9/v2/embed");
        let rerank = build(Endpoint::Rerank, json!({"query": "q", "documents": ["d"]})).unwrap();
        assert_eq!(rerank.url, "http://127.0.0.1:9/v2/rerank");
        assert!(matches!(
            build(Endpoint::Moderations, json!({"input": "x"})),
            Err(RelayError::Unsupported(_))
        ));
    }

    #[test]
    fn probes_are_small_v2_requests_on_the_default_base() {
        let probe = CohereWire
            .probe(&channel(""), Endpoint::ChatCompletions, "command-r")
            .unwrap();
        assert_eq!(probe.url, "https://api.cohere.com/v2/chat");
        let body: Value = serde_json::from_slice(&probe.body).unwrap();
        assert_eq!(body["max_tokens"], 1);
        assert_eq!(body["model"], "command-r");
    }
}
