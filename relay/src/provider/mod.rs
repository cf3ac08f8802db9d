//! Upstream providers: one [`Provider`] per wire family behind one trait, and the one table of registered channel types ([`registry`]).
//!
//! A channel type (`openai`, `deepseek`, `anthropic`, ...) is a [`Registration`]: its name as
//! configured, its default base URL, its quirks and the [`Provider`] of its wire family, which
//! says how a request is built and authenticated, how a probe is made, which codec (a
//! [`Wire`]) converts its bodies to and from the relay's chat pivot for each client endpoint,
//! and how a streamed answer is framed. [`ChannelKind`] is a handle to a registration: adding an
//! OpenAI-compatible vendor is one line of [`registry::PROVIDERS`], a new protocol one module
//! implementing [`Provider`] plus one line.
//!
//! Two notions stay apart: the client's [`Face`] (OpenAI, Anthropic, Gemini, Responses:
//! [`Endpoint::face`]) shapes what the client reads, errors included; the channel's protocol
//! is its provider's codec for the endpoint the request is sent to ([`Provider::endpoint`],
//! [`Provider::codec`]). [`Wire`] names a codec on either side.

mod anthropic;
mod ark_video;
mod baidu;
pub mod balance;
mod bedrock;
mod cohere;
mod coze;
mod dashscope_audio;
mod dashscope_video;
mod doc2x;
mod fake;
pub mod framing;
mod gemini;
mod gemini_media;
mod kind;
pub mod media_api;
mod ollama;
mod openai;
mod qianfan;
pub mod registry;
pub mod seed_types;
mod spark;
mod tei;
mod token_slots;
mod veo;
mod vertex;
pub mod video_tasks;

use axum::http::{HeaderMap, HeaderValue, Method};
use bytes::Bytes;
use futures::future::BoxFuture;

use crate::convert::ResponseMeta;
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::{Channel, Wire};

pub use crate::vocabulary::{Endpoint, Face};
pub use framing::{Converted, FrameSplitter, Framing, JsonLines, SseFrames, StreamDecoder};
pub use kind::{
    ANTHROPIC_API_KEY, ANTHROPIC_COMPATIBLE_CONFIG, ChannelKind, ConfigKey, ConfigType,
    OPENAI_CONFIG, PLAIN_KEY, Quirks, Registration, ServedEndpoint,
};
pub use media_api::{MediaAnswer, MediaApi, MediaInput, MediaRequest};
pub use openai::versioned_base;
pub(crate) use tei::keep_top_n;
pub(crate) use veo::{VEO_DEFAULT_SECONDS, VeoAsk};
pub use video_tasks::VideoTaskApi;

/// A wire family: how the relay talks to every channel type registered with it.
pub trait Provider: Send + Sync + 'static {
    /// The endpoint to call on `channel` for a client request on `endpoint` for
    /// `upstream_model` (the model as the channel names it): generation requests go to the
    /// family's own generation endpoint, anything else keeps its endpoint. The model matters to
    /// families that serve several protocols under one account (Vertex: Gemini or Claude;
    /// Bedrock: InvokeModel for Anthropic models, Converse for the rest).
    fn endpoint(&self, endpoint: Endpoint, channel: &Channel, upstream_model: &str) -> Endpoint;

    /// The codec of bodies on the channel's `endpoint` (as [`Provider::endpoint`] chose it):
    /// what requests are converted to and answers converted from. The OpenAI-only endpoints
    /// are relayed as chat-like bodies without conversion.
    fn codec(&self, endpoint: Endpoint) -> Wire {
        endpoint.wire().unwrap_or(Wire::Chat)
    }

    /// How the family frames streamed answers on `channel` (a channel's config may choose
    /// a native API with another framing).
    fn framing(&self, _channel: &Channel) -> Framing {
        Framing::Sse
    }

    /// Reads a streamed answer from `endpoint` into events of [`Provider::codec`]: the
    /// relay's SSE parser for families that stream one of its codecs over SSE, a
    /// [`Converted`] decoder for a family with events or framing of its own.
    fn stream_decoder(
        &self,
        _channel: &Channel,
        _endpoint: Endpoint,
        _meta: &ResponseMeta,
    ) -> Box<dyn StreamDecoder> {
        Box::new(crate::sse::SseParser::new())
    }

    /// A whole (non-streamed) JSON answer from `endpoint` as a body of [`Provider::codec`]; the
    /// body as it is for families that answer in one of the relay's codecs.
    fn decode_response(
        &self,
        _channel: &Channel,
        _endpoint: Endpoint,
        body: Bytes,
        _meta: &ResponseMeta,
    ) -> Result<Bytes, RelayError> {
        Ok(body)
    }

    /// Completes a built request's authentication where that needs the network or the whole
    /// request: a cached OAuth or service-account access token fetched with `http` when due,
    /// a signature over the final URL, headers and body. `None` (no work, no allocation) for
    /// families whose key goes into a header as it is, which [`Provider::build`] already did.
    fn authorize<'a>(
        &'a self,
        _channel: &'a Channel,
        _http: &'a reqwest::Client,
        _request: &'a mut UpstreamRequest,
    ) -> Option<BoxFuture<'a, Result<(), RelayError>>> {
        None
    }

    /// Whether a refusal of the channel's credentials may be cured by one more attempt on the
    /// same channel: the family derives short-lived tokens from the key, drops one the upstream
    /// refused, and [`Provider::authorize`] fetches a fresh one on the next attempt.
    fn renews_credentials(&self) -> bool {
        false
    }

    /// Whether the family takes Gemini's embedding requests (`:embedContent`,
    /// `:batchEmbedContents`) as they are; any other gets them as OpenAI embeddings.
    fn serves_gemini_embeddings(&self) -> bool {
        false
    }

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

    /// Answers `request` in process instead of sending it (the built-in `fake` type); `None`
    /// for every provider that talks to a network.
    fn local_answer(
        &self,
        _channel: &Channel,
        _request: &UpstreamRequest,
    ) -> Option<reqwest::Response> {
        None
    }

    /// The request that makes `call` on a response stored by `channel` (read, delete, list its
    /// input items, cancel it); only families that store responses have one.
    fn stored_response(
        &self,
        channel: &Channel,
        _call: StoredCall,
        _response_id: &str,
        _query: Option<&str>,
    ) -> Result<UpstreamRequest, RelayError> {
        Err(unsupported(channel, Endpoint::Responses))
    }

    /// The request that makes `call` on a video job the channel runs (read, delete, download,
    /// remix, edit, extension), with `query` the client's (only what the call passes on is kept);
    /// only families that serve videos have one. A new job's body is the caller's to set.
    fn video_call(
        &self,
        channel: &Channel,
        _call: VideoCall,
        _video_id: &str,
        _query: Option<&str>,
    ) -> Result<UpstreamRequest, RelayError> {
        Err(unsupported(channel, Endpoint::Videos))
    }

    /// How the family parses documents (`/v1/parse/pdf`); `None` for families without a
    /// document API.
    fn documents(&self) -> Option<&dyn DocumentApi> {
        None
    }
}

/// An asynchronous document-parsing API: a PDF is submitted as a job, whose status is read
/// until it is done. The relay sends the requests (with its timeouts and error mapping) and
/// decides when to read again; the family builds them and reads the answers.
pub trait DocumentApi: Send + Sync {
    /// The request that uploads `pdf` and starts parsing it.
    fn submit(&self, channel: &Channel, pdf: Bytes) -> Result<UpstreamRequest, RelayError>;
    /// The job id in a successful (2xx) answer to [`DocumentApi::submit`].
    fn submitted(&self, answer: &[u8]) -> Result<String, RelayError>;
    /// The request that reads the job's status.
    fn status(&self, channel: &Channel, job_id: &str) -> Result<UpstreamRequest, RelayError>;
    /// A successful (2xx) answer to [`DocumentApi::status`].
    fn progress(&self, answer: &[u8]) -> Result<DocumentProgress, RelayError>;
}

/// Where a document job stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentProgress {
    /// Queued or being parsed.
    Pending,
    /// Parsed: the markdown of each page, in order.
    Done(Vec<String>),
}

/// A call on a video job, as `/v1/videos/{id}...` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoCall {
    Read,
    Delete,
    /// `GET /v1/videos/{id}/content`: the file (or, with `variant`, its thumbnail or sprite
    /// sheet), streamed.
    Content,
    /// `POST /v1/videos/{id}/remix`: a new job from this one.
    Remix,
    /// `POST /v1/videos/edits`: a new job editing the one the body names (`video.id`).
    Edit,
    /// `POST /v1/videos/extensions`: a new job continuing the one the body names.
    Extend,
    /// `GET /v1/video/generations/jobs/{id}`: an Azure Sora job.
    JobRead,
    /// `GET /v1/video/generations/{id}/content/video`: one generation of a Sora job.
    GenerationContent,
}

impl VideoCall {
    pub fn method(self) -> Method {
        match self {
            VideoCall::Read
            | VideoCall::Content
            | VideoCall::JobRead
            | VideoCall::GenerationContent => Method::GET,
            VideoCall::Delete => Method::DELETE,
            VideoCall::Remix | VideoCall::Edit | VideoCall::Extend => Method::POST,
        }
    }

    /// The path below the API version: `{id}` stands for the (percent-encoded) id.
    pub fn path(self) -> &'static str {
        match self {
            VideoCall::Read | VideoCall::Delete => "videos/{id}",
            VideoCall::Content => "videos/{id}/content",
            VideoCall::Remix => "videos/{id}/remix",
            // The source job is named in the body, not the path.
            VideoCall::Edit => "videos/edits",
            VideoCall::Extend => "videos/extensions",
            VideoCall::JobRead => "video/generations/jobs/{id}",
            VideoCall::GenerationContent => "video/generations/{id}/content/video",
        }
    }
}

/// A call on a response a channel stored, as `/v1/responses/{id}...` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoredCall {
    Read,
    Delete,
    InputItems,
    /// Stops a background response (`POST /v1/responses/{id}/cancel`).
    Cancel,
}

impl StoredCall {
    pub fn method(self) -> Method {
        match self {
            StoredCall::Read | StoredCall::InputItems => Method::GET,
            StoredCall::Delete => Method::DELETE,
            StoredCall::Cancel => Method::POST,
        }
    }

    /// What follows `/responses/{id}` in the path.
    pub fn suffix(self) -> &'static str {
        match self {
            StoredCall::Read | StoredCall::Delete => "",
            StoredCall::InputItems => "/input_items",
            StoredCall::Cancel => "/cancel",
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

/// The upstream request an attempt builds for a JSON `body` a client sent to `endpoint`
/// (converted to the channel's codec, prepared, built; no model mapping, plugins or
/// [`Provider::authorize`] step): what the golden tests render for every registered type.
pub fn request_for_json(
    channel: &Channel,
    endpoint: Endpoint,
    model: &str,
    body: &serde_json::Value,
    stream: bool,
) -> Result<UpstreamRequest, RelayError> {
    let provider = channel.kind.provider();
    let channel_endpoint = provider.endpoint(endpoint, channel, model);
    let client = endpoint.wire().unwrap_or(Wire::Chat);
    let codec = provider.codec(channel_endpoint);
    let mut object = JsonObject::from_value(body).map_err(|error| RelayError::BadRequest {
        message: error.to_string(),
        param: None,
    })?;
    if client != codec {
        (object, _) =
            crate::convert::convert_request_object(client, codec, &object, model, stream)?;
    }
    provider.prepare(channel, channel_endpoint, &mut object, stream);
    provider.build(
        channel,
        channel_endpoint,
        model,
        "application/json",
        object.to_bytes(),
        stream,
    )
}

/// Runs the provider's [`Provider::authorize`] step on a built request, if it has one.
pub async fn authorize(
    provider: &dyn Provider,
    channel: &Channel,
    http: &reqwest::Client,
    request: &mut UpstreamRequest,
) -> Result<(), RelayError> {
    match provider.authorize(channel, http, request) {
        Some(pending) => pending.await,
        None => Ok(()),
    }
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

/// The channel's base URL without trailing slashes, or its type's default when it names none.
fn base_url(channel: &Channel) -> Result<String, RelayError> {
    let base = channel.base_url.trim().trim_end_matches('/');
    if !base.is_empty() {
        return Ok(base.to_owned());
    }
    channel
        .kind
        .default_base_url()
        .map(|base| base.trim_end_matches('/').to_owned())
        .ok_or_else(|| {
            RelayError::Misconfigured(format!(
                "channel {} of type {} has no base url",
                channel.id,
                channel.kind.as_str()
            ))
        })
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

/// A JSON request's headers with the channel key as a Bearer token (none for an empty key): what
/// families with a plain API key send.
fn bearer_json_headers(channel: &Channel) -> Result<HeaderMap, RelayError> {
    let mut headers = HeaderMap::new();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let key = channel.key.trim();
    if !key.is_empty() {
        let mut value = HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| {
            RelayError::Misconfigured(format!("channel {} has an invalid key", channel.id))
        })?;
        value.set_sensitive(true);
        headers.insert(axum::http::header::AUTHORIZATION, value);
    }
    Ok(headers)
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

    fn check(kind: &str, responses_api: Option<&str>, expected: Endpoint) {
        let kind = ChannelKind::parse(kind).unwrap();
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
        let provider = kind.provider();
        assert_eq!(
            provider.endpoint(Endpoint::Responses, &channel, "m"),
            expected,
            "{kind:?} with responses_api {responses_api:?}"
        );
        assert_eq!(
            provider.endpoint(Endpoint::ChatCompletions, &channel, "m"),
            Endpoint::ChatCompletions,
            "chat clients stay on chat"
        );
    }

    #[test]
    fn openai_and_azure_serve_responses_unless_opted_out_and_others_only_when_opted_in() {
        check("openai", None, Endpoint::Responses);
        check("azure", None, Endpoint::Responses);
        check("openai", Some("false"), Endpoint::ChatCompletions);
        check("azure", Some("false"), Endpoint::ChatCompletions);
        check("custom", None, Endpoint::ChatCompletions);
        check("deepseek", None, Endpoint::ChatCompletions);
        check("custom", Some("true"), Endpoint::Responses);
        check("openrouter", Some("true"), Endpoint::Responses);
    }
}
