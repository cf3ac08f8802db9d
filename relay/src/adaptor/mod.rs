//! The boundary between the relay and an upstream's wire family: an [`Adaptor`] per family builds
//! upstream requests (URL, auth, probes), and [`Endpoint`] says which protocol a client speaks
//! on each route. Body and stream conversion between protocols lives in [`crate::convert`]; the
//! relay picks the channel-side endpoint with [`upstream_endpoint`].

mod anthropic;
mod gemini;
mod openai;

use axum::http::{HeaderMap, HeaderValue, Method};
use bytes::Bytes;

use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::{Channel, ChannelKind};

pub use crate::vocabulary::Endpoint;
pub use openai::{default_base_url, versioned_base};

/// The request that reads (`GET`), deletes (`DELETE`) or lists the input items of a response
/// stored by `channel`; only OpenAI-family channels store responses.
pub fn stored_response_request(
    channel: &Channel,
    method: Method,
    response_id: &str,
    input_items: bool,
    query: Option<&str>,
) -> Result<UpstreamRequest, RelayError> {
    if Protocol::of(channel.kind) != Protocol::OpenAi {
        return Err(unsupported(channel, Endpoint::Responses));
    }
    openai::stored_response_request(channel, method, response_id, input_items, query)
}

/// A wire protocol, on the client side or the channel side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    OpenAi,
    Anthropic,
    Gemini,
}

impl Protocol {
    pub fn of(kind: ChannelKind) -> Protocol {
        match kind {
            ChannelKind::Anthropic => Protocol::Anthropic,
            ChannelKind::Gemini => Protocol::Gemini,
            _ => Protocol::OpenAi,
        }
    }
}

/// The endpoint to call on `channel` for a client request on `endpoint`: generation requests
/// go to the channel's own generation endpoint (chat completions for the OpenAI family, or
/// Responses for a channel marked `responses_only`, and for Responses clients on a channel
/// that serves Responses (OpenAI and Azure by default, see `serves_responses`), anything else keeps its endpoint.
pub fn upstream_endpoint(endpoint: Endpoint, channel: &Channel) -> Endpoint {
    if endpoint.wire().is_none() {
        return endpoint;
    }
    match Protocol::of(channel.kind) {
        Protocol::Anthropic => Endpoint::Messages,
        Protocol::Gemini => Endpoint::GenerateContent,
        Protocol::OpenAi if responses_only(channel) => Endpoint::Responses,
        Protocol::OpenAi if endpoint == Endpoint::Responses && serves_responses(channel) => {
            Endpoint::Responses
        }
        Protocol::OpenAi => Endpoint::ChatCompletions,
    }
}

/// Whether Responses clients reach `channel` without conversion, so that stored responses,
/// `previous_response_id` and built-in tools work and their ids can be looked up later.
/// OpenAI itself and Azure OpenAI serve `/v1/responses` next to chat: they do unless their
/// config says `responses_api = "false"`. Other OpenAI-compatible kinds may not have the
/// endpoint: they get converted requests unless marked `responses_api = "true"`.
fn serves_responses(channel: &Channel) -> bool {
    match channel.config.get("responses_api").map(String::as_str) {
        Some("true") => true,
        Some("false") => false,
        _ => matches!(channel.kind, ChannelKind::OpenAi | ChannelKind::Azure),
    }
}

/// A channel that serves generation only through `/v1/responses` (some OpenAI models do).
fn responses_only(channel: &Channel) -> bool {
    channel
        .config
        .get("responses_only")
        .is_some_and(|value| value == "true")
}

/// Whether a chat body asks for the usage-only stream chunk itself.
pub fn wants_stream_usage(body: &JsonObject) -> bool {
    #[derive(serde::Deserialize)]
    struct StreamOptions {
        include_usage: Option<bool>,
    }
    body.get_as::<StreamOptions>("stream_options")
        .ok()
        .flatten()
        .and_then(|options| options.include_usage)
        == Some(true)
}

/// A request ready to send upstream.
#[derive(Debug)]
pub struct UpstreamRequest {
    pub method: Method,
    pub url: String,
    /// Authentication and content type; nothing else of the client's headers is forwarded.
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Builds requests for one wire family.
pub trait Adaptor: Send + Sync + 'static {
    /// The protocol the channel speaks; bodies reach [`Adaptor::build`] already in it.
    fn protocol(&self) -> Protocol;

    /// Adjusts a JSON body for this upstream before it is sent (for example asking an
    /// OpenAI-family stream to report usage).
    fn prepare(&self, channel: &Channel, endpoint: Endpoint, body: &mut JsonObject, stream: bool);

    /// The upstream request for `endpoint`, with `content_type` describing `body`; `stream`
    /// matters where the URL says it (Gemini).
    fn build(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        upstream_model: &str,
        content_type: &str,
        body: Bytes,
        stream: bool,
    ) -> Result<UpstreamRequest, RelayError>;

    /// A cheap request that shows whether the pair works again.
    fn probe(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        upstream_model: &str,
    ) -> Result<UpstreamRequest, RelayError>;
}

/// The adaptor for a channel kind.
pub fn adaptor_for(kind: ChannelKind) -> &'static dyn Adaptor {
    match Protocol::of(kind) {
        Protocol::OpenAi => &openai::OpenAiFamily,
        Protocol::Anthropic => &anthropic::AnthropicAdaptor,
        Protocol::Gemini => &gemini::GeminiAdaptor,
    }
}

/// The channel's base URL without trailing slashes, or `default` when it names none.
fn base_or(channel: &Channel, default: &'static str) -> String {
    let base = channel.base_url.trim().trim_end_matches('/');
    if base.is_empty() {
        default.to_owned()
    } else {
        base.to_owned()
    }
}

/// The channel key as a sensitive header value; `None` for a keyless channel.
fn key_header(channel: &Channel) -> Result<Option<HeaderValue>, RelayError> {
    let key = channel.key.trim();
    if key.is_empty() {
        return Ok(None);
    }
    let mut value = HeaderValue::from_str(key).map_err(|_| {
        RelayError::Misconfigured(format!("channel {} has an invalid key", channel.id))
    })?;
    value.set_sensitive(true);
    Ok(Some(value))
}

fn unsupported(channel: &Channel, endpoint: Endpoint) -> RelayError {
    RelayError::Unsupported(format!(
        "channel type {} does not serve {}",
        channel.kind.as_str(),
        endpoint.route()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(kind: ChannelKind, responses_api: Option<&str>, expected: Endpoint) {
        let channel = Channel {
            id: 1,
            name: "c".into(),
            kind,
            base_url: String::new(),
            key: String::new(),
            model_mapping: Default::default(),
            priority: 0,
            config: responses_api
                .map(|value| [("responses_api".to_owned(), value.to_owned())].into())
                .unwrap_or_default(),
            proxy_url: None,
            timeouts: Default::default(),
        };
        assert_eq!(
            upstream_endpoint(Endpoint::Responses, &channel),
            expected,
            "{kind:?} with responses_api {responses_api:?}"
        );
        assert_eq!(
            upstream_endpoint(Endpoint::ChatCompletions, &channel),
            Endpoint::ChatCompletions,
            "chat clients stay on chat"
        );
    }

    #[test]
    fn openai_and_azure_serve_responses_unless_opted_out_and_others_only_when_opted_in() {
        check(ChannelKind::OpenAi, None, Endpoint::Responses);
        check(ChannelKind::Azure, None, Endpoint::Responses);
        check(
            ChannelKind::OpenAi,
            Some("false"),
            Endpoint::ChatCompletions,
        );
        check(ChannelKind::Azure, Some("false"), Endpoint::ChatCompletions);
        check(ChannelKind::Custom, None, Endpoint::ChatCompletions);
        check(ChannelKind::DeepSeek, None, Endpoint::ChatCompletions);
        check(ChannelKind::Custom, Some("true"), Endpoint::Responses);
        check(ChannelKind::OpenRouter, Some("true"), Endpoint::Responses);
    }
}
