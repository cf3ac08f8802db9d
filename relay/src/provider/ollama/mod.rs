//! Ollama: its OpenAI-compatible surface by default, its native API (`/api/chat`, `/api/generate`, `/api/embed`) for a channel configured `api: native`.
//!
//! The native path converts the chat pivot to `/api/chat` and completions to `/api/generate`
//! ([`request`]) and reads whole answers,
//! JSON-line streams and embeddings back ([`response`]); everything else is [`OpenAiWire`].

mod request;
mod response;

use axum::http::{HeaderMap, Method};
use bytes::Bytes;
use serde_json::{Value, json};

use super::kind::{ConfigKey, ConfigType, OPENAI_CONFIG};
use super::openai::OpenAiWire;
use super::{
    Converted, Endpoint, Framing, JsonLines, Provider, StreamDecoder, UpstreamRequest, base_url,
    unsupported,
};
use crate::convert::ResponseMeta;
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::Channel;

pub use response::OllamaToChatStream;

/// The OpenAI-wire keys plus the switch to the native API.
pub(in crate::provider) const OLLAMA_CONFIG: &[ConfigKey] = &[
    ConfigKey {
        name: "api",
        kind: ConfigType::String,
        default: Some("openai"),
        help: "native: talk to /api/chat and /api/embed (JSON-line streams) instead of the OpenAI-compatible /v1.",
    },
    OPENAI_CONFIG[0],
    OPENAI_CONFIG[1],
    OPENAI_CONFIG[2],
];

pub struct OllamaWire;

fn native(channel: &Channel) -> bool {
    channel
        .config
        .get("api")
        .is_some_and(|api| api.trim().eq_ignore_ascii_case("native"))
}

/// The server root the native paths go below: the base without the `/v1` of the
/// OpenAI-compatible surface (the type's default base names it).
fn root(channel: &Channel) -> Result<String, RelayError> {
    let base = base_url(channel)?;
    Ok(base.strip_suffix("/v1").unwrap_or(&base).to_owned())
}

fn path(endpoint: Endpoint) -> Option<&'static str> {
    match endpoint {
        Endpoint::ChatCompletions => Some("api/chat"),
        Endpoint::Completions => Some("api/generate"),
        Endpoint::Embeddings => Some("api/embed"),
        _ => None,
    }
}

fn headers(channel: &Channel) -> Result<HeaderMap, RelayError> {
    super::bearer_json_headers(channel)
}

impl Provider for OllamaWire {
    fn endpoint(&self, endpoint: Endpoint, channel: &Channel, model: &str) -> Endpoint {
        if !native(channel) {
            return OpenAiWire.endpoint(endpoint, channel, model);
        }
        if endpoint.wire().is_none() {
            endpoint
        } else {
            Endpoint::ChatCompletions
        }
    }

    fn framing(&self, channel: &Channel) -> Framing {
        if native(channel) {
            Framing::JsonLines
        } else {
            Framing::Sse
        }
    }

    fn prepare(&self, channel: &Channel, endpoint: Endpoint, body: &mut JsonObject, stream: bool) {
        if !native(channel) {
            OpenAiWire.prepare(channel, endpoint, body, stream);
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
        if !native(channel) {
            return OpenAiWire.build(
                channel,
                endpoint,
                upstream_model,
                content_type,
                body,
                stream,
            );
        }
        let Some(path) = path(endpoint) else {
            return Err(unsupported(channel, endpoint));
        };
        let body: Value =
            serde_json::from_slice(&body).map_err(|error| RelayError::BadRequest {
                message: format!("invalid JSON body: {error}"),
                param: None,
            })?;
        let native = match endpoint {
            Endpoint::Embeddings => request::embed(&body, upstream_model)?,
            Endpoint::Completions => request::generate(&body, upstream_model, stream)?,
            _ => request::chat(&body, upstream_model, stream)?,
        };
        Ok(UpstreamRequest {
            method: Method::POST,
            url: format!("{}/{path}", root(channel)?),
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
        if !native(channel) {
            return OpenAiWire.probe(channel, endpoint, upstream_model);
        }
        let (endpoint, body) = match self.endpoint(endpoint, channel, upstream_model) {
            Endpoint::Embeddings => (
                Endpoint::Embeddings,
                json!({"model": upstream_model, "input": "ping"}),
            ),
            _ => (
                Endpoint::ChatCompletions,
                json!({"model": upstream_model, "max_tokens": 1,
                    "messages": [{"role": "user", "content": "ping"}]}),
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

    fn decode_response(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        body: Bytes,
        meta: &ResponseMeta,
    ) -> Result<Bytes, RelayError> {
        if !native(channel) {
            return Ok(body);
        }
        let answer: Value =
            serde_json::from_slice(&body).map_err(|_| RelayError::UpstreamInvalid)?;
        let decoded = match endpoint {
            Endpoint::ChatCompletions => response::chat(&answer, meta)?,
            Endpoint::Completions => response::completion(&answer, meta)?,
            Endpoint::Embeddings => response::embed(&answer, meta)?,
            _ => return Ok(body),
        };
        Ok(Bytes::from(decoded.to_string()))
    }

    fn stream_decoder(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        meta: &ResponseMeta,
    ) -> Box<dyn StreamDecoder> {
        if !native(channel) {
            return OpenAiWire.stream_decoder(channel, endpoint, meta);
        }
        let converter = if endpoint == Endpoint::Completions {
            OllamaToChatStream::completions(meta.clone())
        } else {
            OllamaToChatStream::new(meta.clone())
        };
        Box::new(Converted::new(JsonLines::new(), Box::new(converter)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocabulary::ChannelKind;
    use axum::http::header;

    fn channel(api: Option<&str>) -> Channel {
        Channel {
            id: 3,
            name: "o".into(),
            kind: ChannelKind::parse("ollama").unwrap(),
            base_url: String::new(),
            key: String::new(),
            model_mapping: Default::default(),
            priority: 0,
            config: api
                .map(|api| [("api".to_owned(), api.to_owned())].into())
                .unwrap_or_default(),
            proxy_url: None,
            timeouts: Default::default(),
        }
    }

    fn chat_request(channel: &Channel, stream: bool) -> UpstreamRequest {
        let body = json!({"messages": [{"role": "user", "content": "hi"}], "stream": stream});
        OllamaWire
            .build(
                channel,
                OllamaWire.endpoint(Endpoint::ChatCompletions, channel, "m"),
                "llama3.2",
                "application/json",
                Bytes::from(body.to_string()),
                stream,
            )
            .unwrap()
    }

    #[test]
    fn the_openai_surface_is_the_default_and_native_is_chosen_by_config() {
        let openai = channel(None);
        assert_eq!(
            chat_request(&openai, false).url,
            "http://localhost:11434/v1/chat/completions"
        );
        assert_eq!(OllamaWire.framing(&openai), Framing::Sse);
        let sample = Bytes::from_static(br#"{"choices":[]}"#);
        let meta = ResponseMeta {
            model: "m".into(),
            created: 0,
            tools: Default::default(),
        };
        assert_eq!(
            OllamaWire
                .decode_response(&openai, Endpoint::ChatCompletions, sample.clone(), &meta)
                .unwrap(),
            sample
        );
        let native = channel(Some("native"));
        let request = chat_request(&native, true);
        assert_eq!(request.url, "http://localhost:11434/api/chat");
        assert!(request.headers.get(header::AUTHORIZATION).is_none());
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["stream"], true);
        assert_eq!(OllamaWire.framing(&native), Framing::JsonLines);
        assert!(matches!(
            OllamaWire.build(
                &native,
                Endpoint::Rerank,
                "m",
                "application/json",
                Bytes::from_static(b"{}"),
                false
            ),
            Err(RelayError::Unsupported(_))
        ));
        let probe = OllamaWire
            .probe(&native, Endpoint::Embeddings, "nomic-embed-text")
            .unwrap();
        assert_eq!(probe.url, "http://localhost:11434/api/embed");
    }

    #[test]
    fn completions_go_to_api_generate_with_one_prompt() {
        let native = channel(Some("native"));
        let build = |body: Value| {
            OllamaWire.build(
                &native,
                OllamaWire.endpoint(Endpoint::Completions, &native, "m"),
                "llama3.2",
                "application/json",
                Bytes::from(body.to_string()),
                false,
            )
        };
        let request = build(json!({"prompt": ["Say hi"], "suffix": "!", "seed": 7})).unwrap();
        assert_eq!(request.url, "http://localhost:11434/api/generate");
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(
            body,
            json!({"model": "llama3.2", "prompt": "Say hi", "suffix": "!",
                "options": {"seed": 7}, "stream": false})
        );
        assert!(matches!(
            build(json!({"prompt": ["one", "two"]})),
            Err(RelayError::BadRequest { .. })
        ));
        assert!(matches!(
            build(json!({"prompt": 3})),
            Err(RelayError::BadRequest { .. })
        ));
    }
}
