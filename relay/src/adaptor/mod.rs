//! The boundary between the relay and an upstream's wire family: an [`Adaptor`] per family builds
//! upstream requests (URL, auth, probes), and a [`Bridge`] per (client protocol, channel
//! protocol) pair converts bodies and stream events. Only the OpenAI family exists today;
//! Anthropic and Gemini slot in as a new adaptor plus the bridges from the OpenAI protocol.

mod openai;

use axum::http::{HeaderMap, Method};
use bytes::Bytes;

use crate::backend::{Channel, ChannelKind};
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::sse::SseEvent;

pub use openai::{default_base_url, versioned_base};

/// The endpoints the relay serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    ChatCompletions,
    Completions,
    Embeddings,
    ImagesGenerations,
    ImagesEdits,
    AudioSpeech,
    AudioTranscriptions,
    AudioTranslations,
    Moderations,
    Rerank,
}

impl Endpoint {
    /// The path below the API version, as the OpenAI API spells it.
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::ChatCompletions => "chat/completions",
            Endpoint::Completions => "completions",
            Endpoint::Embeddings => "embeddings",
            Endpoint::ImagesGenerations => "images/generations",
            Endpoint::ImagesEdits => "images/edits",
            Endpoint::AudioSpeech => "audio/speech",
            Endpoint::AudioTranscriptions => "audio/transcriptions",
            Endpoint::AudioTranslations => "audio/translations",
            Endpoint::Moderations => "moderations",
            Endpoint::Rerank => "rerank",
        }
    }

    /// The relay's own route, also the `endpoint` of usage records.
    pub fn route(self) -> &'static str {
        match self {
            Endpoint::ChatCompletions => "/v1/chat/completions",
            Endpoint::Completions => "/v1/completions",
            Endpoint::Embeddings => "/v1/embeddings",
            Endpoint::ImagesGenerations => "/v1/images/generations",
            Endpoint::ImagesEdits => "/v1/images/edits",
            Endpoint::AudioSpeech => "/v1/audio/speech",
            Endpoint::AudioTranscriptions => "/v1/audio/transcriptions",
            Endpoint::AudioTranslations => "/v1/audio/translations",
            Endpoint::Moderations => "/v1/moderations",
            Endpoint::Rerank => "/v1/rerank",
        }
    }

    pub fn is_multipart(self) -> bool {
        matches!(
            self,
            Endpoint::ImagesEdits | Endpoint::AudioTranscriptions | Endpoint::AudioTranslations
        )
    }

    /// Whether the endpoint can answer with an event stream.
    pub fn can_stream(self) -> bool {
        matches!(self, Endpoint::ChatCompletions | Endpoint::Completions)
    }
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
    /// OpenAI-family stream to report usage). Returns what the client itself asked for.
    fn prepare(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        body: &mut JsonObject,
        stream: bool,
    ) -> Prepared;

    /// The upstream request for `endpoint`, with `content_type` describing `body`.
    fn build(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        upstream_model: &str,
        content_type: &str,
        body: Bytes,
    ) -> Result<UpstreamRequest, RelayError>;

    /// A cheap request that shows whether the pair works again.
    fn probe(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        upstream_model: &str,
    ) -> Result<UpstreamRequest, RelayError>;
}

/// What [`Adaptor::prepare`] learnt about the client's wishes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Prepared {
    /// The client asked for the usage-only stream chunk itself, so it must not be dropped.
    pub client_wants_stream_usage: bool,
}

/// Converts between the protocol a client speaks and the protocol a channel speaks.
pub trait Bridge: Send + Sync + 'static {
    fn request(&self, endpoint: Endpoint, body: JsonObject) -> Result<JsonObject, RelayError>;
    fn response(&self, endpoint: Endpoint, body: Bytes) -> Result<Bytes, RelayError>;
    /// A converter for one stream; it may turn one upstream event into several or none.
    fn stream(&self, endpoint: Endpoint) -> Box<dyn StreamConverter>;
}

/// Converts the events of one stream.
pub trait StreamConverter: Send {
    fn convert(&mut self, event: SseEvent, out: &mut Vec<SseEvent>);
}

/// The adaptor for a channel kind.
pub fn adaptor_for(kind: ChannelKind) -> Result<&'static dyn Adaptor, RelayError> {
    match Protocol::of(kind) {
        Protocol::OpenAi => Ok(&openai::OpenAiFamily),
        Protocol::Anthropic | Protocol::Gemini => Err(RelayError::Unsupported(format!(
            "channel type {} is not supported yet: protocol conversion is not implemented",
            kind.as_str()
        ))),
    }
}

/// The bridge from `client` to `channel`; `None` when no conversion exists for the pair.
pub fn bridge_for(client: Protocol, channel: Protocol) -> Option<&'static dyn Bridge> {
    match (client, channel) {
        (Protocol::OpenAi, Protocol::OpenAi) => Some(&Identity),
        _ => None,
    }
}

/// Same protocol on both sides: nothing to convert.
struct Identity;

impl Bridge for Identity {
    fn request(&self, _: Endpoint, body: JsonObject) -> Result<JsonObject, RelayError> {
        Ok(body)
    }
    fn response(&self, _: Endpoint, body: Bytes) -> Result<Bytes, RelayError> {
        Ok(body)
    }
    fn stream(&self, _: Endpoint) -> Box<dyn StreamConverter> {
        Box::new(IdentityStream)
    }
}

struct IdentityStream;

impl StreamConverter for IdentityStream {
    fn convert(&mut self, event: SseEvent, out: &mut Vec<SseEvent>) {
        out.push(event);
    }
}
