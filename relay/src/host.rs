//! The contract between the relay and whoever hosts it: who is calling, which channels serve a model, where usage goes.
//!
//! `hub` implements these traits on top of its in-memory configuration snapshot; the relay's own
//! tests implement them with small in-memory fakes. Every method here is called on the request
//! path. The synchronous ones ([`Gatekeeper`], [`ChannelDirectory`], [`UsageSink`]) must answer
//! from memory and never block; the asynchronous ones may wait on a shared store, and do in
//! `hub`: the [`Governor`] counts limits in Redis when one is configured, and a shared
//! [`ResponseIndex`] lives there too.

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue};
use bytes::Bytes;
use tenancy::{AuthError, Caller, Reservation};

pub use crate::vocabulary::{Channel, ChannelKind, ChannelTimeouts, Refusal, TokenUsage};

/// Resolves a presented API key into a [`Caller`].
pub trait Gatekeeper: Send + Sync + 'static {
    /// `client_ip` is the address already decided by the trusted-proxy rule.
    fn authenticate(&self, api_key: &str, client_ip: IpAddr) -> Result<Caller, AuthError>;
}

/// Per-model settings that override the relay's defaults.
#[derive(Debug, Clone, Default)]
pub struct ModelSettings {
    /// The model's configured type; `None` (no configuration) lets every endpoint reach it.
    pub model_type: Option<crate::model_type::ModelType>,
    pub retry_times: Option<u32>,
    pub timeouts: ChannelTimeouts,
    /// The model's plugins (with the group's override laid over), parsed when the host built
    /// its configuration; `None` when none is configured.
    pub plugins: Option<Arc<crate::plugin::PluginSettings>>,
    /// What the images endpoints accept for this model; `None` applies the relay's defaults.
    pub images: Option<Arc<crate::media::ImageLimits>>,
}

/// The channels that may serve one model for one caller, and the model's settings.
#[derive(Debug, Clone)]
pub struct Route {
    pub channels: Vec<Arc<Channel>>,
    pub settings: ModelSettings,
}

/// A model as `GET /v1/models` shows it.
#[derive(Debug, Clone)]
pub struct ModelEntry {
    pub id: String,
    pub owned_by: String,
    pub created: i64,
}

/// Which channels serve which models, as seen by one caller.
pub trait ChannelDirectory: Send + Sync + 'static {
    /// `None` when no channel reachable by the caller serves `model`.
    fn route(&self, caller: &Caller, model: &str) -> Option<Route>;
    /// Every model the caller may use (allow-list and group sets applied).
    fn models(&self, caller: &Caller) -> Vec<ModelEntry>;
}

/// The one record every request ends in, failed or not. Build one with [`UsageRecord::new`]
/// and set the fields that apply by name; the others stay empty (`Default`).
#[derive(Debug, Clone, Default)]
pub struct UsageRecord {
    pub request_id: String,
    pub group_id: Option<String>,
    pub token_id: Option<i64>,
    pub token_name: Option<String>,
    pub channel_id: Option<i64>,
    pub endpoint: String,
    pub requested_model: Option<String>,
    pub upstream_model: Option<String>,
    pub status: u16,
    pub error: Option<String>,
    pub usage: TokenUsage,
    /// True when the tokens were counted locally because the upstream gave none.
    pub usage_estimated: bool,
    pub retries: u32,
    pub first_byte: Option<Duration>,
    pub total: Duration,
    pub client_ip: Option<IpAddr>,
    pub user: Option<String>,
    /// The request's `metadata` object as bounded JSON, credential-like values redacted.
    pub metadata: Option<String>,
    pub upstream_request_id: Option<String>,
    pub stream: bool,
    /// The client's request body, cut at the relay's detail limit (a cheap slice, not a copy).
    pub request_body: Option<Bytes>,
    /// The answer's body (or the stream's first bytes), cut at the relay's detail limit.
    pub response_body: Option<Bytes>,
    /// What the [`Governor`] reserved for this request, handed back to the host to settle.
    pub reservation: Option<Reservation>,
    /// Web searches the web search plugin made for this request (billed per search).
    pub web_search_calls: u32,
    /// Answered from the response cache: `usage` is already what the cache bills.
    pub cache_hit: bool,
    /// Images, speech characters and audio duration, billed beside the tokens.
    pub media: crate::media::MediaUsage,
}

impl UsageRecord {
    /// The record of request `request_id` on `endpoint` (the route, for example
    /// `/v1/chat/completions`) that ended with `status`; every other field empty.
    pub fn new(request_id: impl Into<String>, endpoint: impl Into<String>, status: u16) -> Self {
        UsageRecord {
            request_id: request_id.into(),
            endpoint: endpoint.into(),
            status,
            ..UsageRecord::default()
        }
    }
}

/// Receives usage records. Called once per request; must not block.
pub trait UsageSink: Send + Sync + 'static {
    fn record(&self, record: UsageRecord);
}

/// A request as the [`Governor`] sees it before anything goes upstream.
pub struct AdmissionRequest<'a> {
    pub caller: &'a Caller,
    /// The model the client asked for.
    pub model: &'a str,
    /// The route, for example `/v1/chat/completions`.
    pub endpoint: &'static str,
    /// Whether the endpoint generates text bounded by an output limit (chat, completions,
    /// messages, responses, Gemini): its cost estimate must include the output.
    pub generates_text: bool,
    pub client_ip: IpAddr,
    /// The client's output bound (`max_tokens`, `max_completion_tokens`, `max_output_tokens`,
    /// Gemini's `maxOutputTokens`), if it set one.
    pub max_output_tokens: Option<u64>,
    /// The most web searches the request's plugins may run (billed per call): reserved up front
    /// with the tokens, since they are spent before the answer's usage is known.
    pub web_searches: u32,
    /// False for a request the relay answers itself and does not bill (`count_tokens`): it
    /// counts against the requests-per-minute and in-flight limits, since it costs CPU, but
    /// reserves and is charged nothing.
    pub billed: bool,
    /// Counts the prompt's tokens with the model's tokenizer. Costs CPU: call it only when a
    /// limit or quota needs the estimate.
    pub count_input_tokens: &'a (dyn Fn() -> u64 + Sync),
}

/// What an admitted request carries along.
#[derive(Debug, Default)]
pub struct Admission {
    /// Headers for the client's answer (for example `x-ratelimit-remaining-requests`).
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The reservation to settle when the request ends; it travels in the usage record.
    pub reservation: Option<Reservation>,
}

/// The future a [`Governor`] answers with.
pub type AdmissionFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Admission, Refusal>> + Send + 'a>>;

/// Decides, before a request goes upstream, whether limits, quotas and balance allow it, and
/// reserves what it may use. The reservation is settled by the host when the request's usage
/// record arrives (see [`UsageRecord::reservation`]).
pub trait Governor: Send + Sync + 'static {
    fn admit<'a>(&'a self, request: AdmissionRequest<'a>) -> AdmissionFuture<'a>;

    /// Refuses a blocked client address, for the requests that are not admitted (model lists,
    /// stored-response reads) but must not serve an address the governor has blocked either.
    fn check_address<'a>(&'a self, _client_ip: IpAddr) -> AddressFuture<'a> {
        Box::pin(std::future::ready(Ok(())))
    }
}

/// The future [`Governor::check_address`] answers with.
pub type AddressFuture<'a> = Pin<Box<dyn Future<Output = Result<(), Refusal>> + Send + 'a>>;

/// Lets every request through: the relay's default when the host sets no governor.
#[derive(Debug, Default, Clone, Copy)]
pub struct Unlimited;

impl Governor for Unlimited {
    fn admit<'a>(&'a self, _request: AdmissionRequest<'a>) -> AdmissionFuture<'a> {
        Box::pin(std::future::ready(Ok(Admission::default())))
    }
}

/// Who may reach a stored response, and through which channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseOwner {
    pub group_id: String,
    pub channel_id: i64,
    /// The model the client asked for: the channel is found again through its route.
    pub model: String,
}

/// Remembers which channel created each response relayed through `/v1/responses` without
/// conversion, so that `GET`/`DELETE /v1/responses/{id}` and `input_items` go back to it. The
/// relay keeps one in memory ([`crate::InMemoryResponseIndex`]) unless the host shares one
/// between replicas ([`crate::RelayHost::response_index`]). Like the [`Governor`] it may wait
/// on a shared store: it is called once per stored response and per lookup.
#[async_trait::async_trait]
pub trait ResponseIndex: Send + Sync + 'static {
    async fn remember(&self, response_id: &str, owner: ResponseOwner);
    /// `None` when the id was never relayed here or has expired.
    async fn owner(&self, response_id: &str) -> Option<ResponseOwner>;
    async fn forget(&self, response_id: &str);
}
