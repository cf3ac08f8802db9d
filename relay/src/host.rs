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
    /// The enabled channel with this id, whoever asks: for work on a job a channel already
    /// runs (a video job's poll). `None` by default.
    fn channel(&self, _channel_id: i64) -> Option<Arc<Channel>> {
        None
    }
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
    /// The service tier the request ran at (`flex`, `priority`, `default`, ...): the one the
    /// upstream answered with when it reported one, else the request's `service_tier` field.
    /// Selects the model's price tier.
    pub service_tier: Option<String>,
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
    /// The request's `service_tier` field, if it set one: the reservation is priced at its tier.
    pub service_tier: Option<&'a str>,
    /// The most web searches the request's plugins may run (billed per call): reserved up front
    /// with the tokens, since they are spent before the answer's usage is known.
    pub web_searches: u32,
    /// The media units the request asks for (images by size and quality, speech characters,
    /// uploaded audio's duration, a video's seconds and size): reserved at their prices, like
    /// the tokens, so a request cannot overrun a quota or balance by its own media cost.
    pub media: &'a crate::media::MediaUsage,
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

    /// The request admitted under `reservation` created a video job, whose video is billed
    /// when the job completes: keeps what the admission reserved for that bill past the
    /// request's own settle, and returns what the job store keeps with the job to end it
    /// later ([`VideoJob::hold`], opaque to the relay). `None` (the default) holds nothing.
    fn hold_for_job(&self, _reservation: &Reservation) -> Option<String> {
        None
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

/// Where a video job stands, as its upstream last said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoStatus {
    /// Queued or in progress: its bill is not known yet.
    Pending,
    /// Done: billed now, once.
    Completed,
    /// Failed, cancelled or expired: never billed.
    Failed,
}

impl VideoStatus {
    /// OpenAI's `status` of a video (`queued`, `in_progress`, `completed`, `failed`) and
    /// Azure's of a generation job (`queued`, `preprocessing`, `running`, `processing`,
    /// `succeeded`, `failed`, `cancelled`).
    pub fn parse(status: &str) -> VideoStatus {
        match status {
            "completed" | "succeeded" => VideoStatus::Completed,
            "failed" | "cancelled" | "canceled" | "expired" => VideoStatus::Failed,
            _ => VideoStatus::Pending,
        }
    }
}

/// A video job as the gateway remembers it: who created it (its group alone may reach it),
/// the channel that runs it, and what its bill needs when it completes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoJob {
    pub owner: ResponseOwner,
    pub token_id: Option<i64>,
    pub token_name: Option<String>,
    /// The model as the channel names it (after mapping).
    pub upstream_model: String,
    /// The request id the creating request was answered with.
    pub request_id: String,
    /// Seconds asked for (or answered at creation): the bill's fallback when the finished
    /// job does not say.
    pub seconds: u32,
    /// The size asked for (or answered), for a price by size.
    pub size: Option<String>,
    /// When it was created, unix milliseconds (the order of `GET /v1/videos`).
    pub created_at_ms: i64,
    /// The API it was created through; its reads go through the same one.
    pub api: VideoApi,
    /// The upstream's own id of a job run by a vendor's task API (an operation name, a task
    /// id), which an OpenAI client never sees: its id is the gateway's (a client of the
    /// vendor's own API knows the job by this id). `None` when the client's id is the
    /// upstream's (OpenAI's and Azure's videos).
    pub upstream_id: Option<String>,
    /// The governor's hold on the quota and balance for the job's bill
    /// ([`Governor::hold_for_job`]), ended by the host when the job is billed or fails.
    pub hold: Option<String>,
}

/// The video APIs a job can be created through, and the generations of a Sora job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoApi {
    /// OpenAI's `/v1/videos`.
    Videos,
    /// Azure's Sora `/v1/video/generations/jobs`.
    GenerationJobs,
    /// One generation of a Sora job (its file is `/v1/video/generations/{id}/content/video`):
    /// pinned like its job, never polled, billed or listed itself.
    Generation,
    /// DashScope's own task API (`/api/v1/...`): the job's id is DashScope's task id.
    DashScope,
    /// Ark's own task API (`/api/v3/contents/generations/tasks`): the job's id is Ark's.
    Ark,
    /// A long-running operation of the Gemini face (`:predictLongRunning`), read at
    /// `/v1beta/{name}`: polled and billed like a job, not listed among OpenAI's videos.
    GeminiOperation,
    /// A file a finished Gemini operation names (`/v1beta/files/{id}:download`): pinned like
    /// its operation, never polled, billed or listed itself.
    GeminiFile,
}

impl VideoApi {
    pub fn as_str(self) -> &'static str {
        match self {
            VideoApi::Videos => "videos",
            VideoApi::GenerationJobs => "generation_jobs",
            VideoApi::Generation => "generation",
            VideoApi::DashScope => "dashscope",
            VideoApi::Ark => "ark",
            VideoApi::GeminiOperation => "gemini_operation",
            VideoApi::GeminiFile => "gemini_file",
        }
    }

    pub fn parse(text: &str) -> Option<VideoApi> {
        match text {
            "videos" => Some(VideoApi::Videos),
            "generation_jobs" => Some(VideoApi::GenerationJobs),
            "generation" => Some(VideoApi::Generation),
            "dashscope" => Some(VideoApi::DashScope),
            "ark" => Some(VideoApi::Ark),
            "gemini_operation" => Some(VideoApi::GeminiOperation),
            "gemini_file" => Some(VideoApi::GeminiFile),
            _ => None,
        }
    }

    /// Whether jobs of this API are only pinned (a job's file, found by its own id): never
    /// polled, billed or listed.
    pub fn pinned_only(self) -> bool {
        matches!(self, VideoApi::Generation | VideoApi::GeminiFile)
    }

    /// Whether `GET /v1/videos` lists jobs of this API (OpenAI's and Azure's jobs).
    pub fn listed(self) -> bool {
        matches!(self, VideoApi::Videos | VideoApi::GenerationJobs)
    }
}

/// What the upstream said about a job when it was read: its status, the seconds and size
/// it reports (if any), and the object itself as the client was shown it.
#[derive(Debug, Clone)]
pub struct VideoObservation {
    pub status: VideoStatus,
    pub seconds: Option<u32>,
    pub size: Option<String>,
    /// The upstream's JSON object (model renamed back), kept for `GET /v1/videos` listings.
    pub object: Bytes,
}

/// One page of a group's videos, newest first unless asked otherwise.
#[derive(Debug, Clone, Default)]
pub struct VideoPage {
    /// `(job id, last object seen)`, in the asked order.
    pub items: Vec<(String, Bytes)>,
    pub has_more: bool,
}

/// Remembers video jobs (pinning each to its channel and group) and settles their bills. The
/// relay keeps one in memory ([`crate::InMemoryVideoJobs`], which bills nothing) unless the
/// host supplies one ([`crate::RelayHost::video_jobs`]). Like [`ResponseIndex`] it may wait on
/// a shared store.
#[async_trait::async_trait]
pub trait VideoJobs: Send + Sync + 'static {
    /// A job was created; it is pending until observed finished.
    async fn remember(&self, job_id: &str, job: VideoJob, object: Bytes);
    /// `None` when unknown (never created here, expired, deleted).
    async fn job(&self, job_id: &str) -> Option<VideoJob>;
    /// The job's upstream was read (a client's `GET`, or the relay's own poll). A completed
    /// job is billed here exactly once whoever observes it, however often; a failed one is
    /// settled at no charge; a pending one is polled again later.
    async fn observe(&self, job_id: &str, job: &VideoJob, observation: VideoObservation);
    /// The job was deleted upstream.
    async fn forget(&self, job_id: &str, job: &VideoJob);
    /// A page of the group's jobs: `after` is the last id of the previous page.
    async fn list(
        &self,
        group_id: &str,
        after: Option<&str>,
        limit: usize,
        ascending: bool,
    ) -> VideoPage;
    /// Up to `limit` unfinished jobs whose next poll is due; each is pushed back by its
    /// backoff as it is handed out, so replicas sharing the store rarely poll one twice.
    async fn due(&self, limit: usize) -> Vec<(String, VideoJob)>;
}

/// What a token has spent and may still spend, in nano-units of the price currency
/// (1,000,000,000 to one unit, as the host counts money), for the billing views chat
/// front-ends read (`/v1/dashboard/billing/subscription`, `/usage`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenSpending {
    /// Spent over the token's life.
    pub used: i64,
    /// The token's lifetime quota; `None` when it has none.
    pub quota: Option<i64>,
    /// The token's quota per period and what the current period has spent; `None` when it
    /// has none.
    pub period: Option<PeriodSpending>,
    /// The group's balance when it bounds what the token may spend (billing on, the group
    /// not internal); `None` when it does not.
    pub group_balance: Option<i64>,
    /// When the token stops working (unix ms); `None` never.
    pub expires_at_ms: Option<i64>,
}

/// A token's period quota and what its current period has spent (nano-units).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeriodSpending {
    pub quota: i64,
    pub used: i64,
}

/// Reads a token's spending for the billing views. Like the [`Governor`] it may wait on the
/// shared counters (and, for a counter not seeded yet, on the store they are seeded from);
/// it is called once per billing-view request, never on a model request.
#[async_trait::async_trait]
pub trait SpendingLedger: Send + Sync + 'static {
    /// The caller's token's figures; a [`Refusal`] (`limits_unavailable`) when the counters
    /// cannot be read.
    async fn spending(&self, caller: &tenancy::Caller) -> Result<TokenSpending, Refusal>;
}
