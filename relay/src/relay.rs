//! The relay itself: its services and state; each stage of a request lives in a file of its own below.
//!
//! A model request goes `routes` -> `pipeline` (with `auth` and `request`) -> `dispatch` ->
//! `attempt` -> `answer`, failing through `upstream_error`; `models` lists models, `probes`
//! brings banned channels back, `completer` serves plugins' own completions and
//! `stored_responses` relays reads of responses stored upstream, `videos` the calls on video
//! jobs (`native_videos` those on DashScope's and Ark's own task APIs), `gemini_operations` the Gemini face's long-running operations and their files, `documents` parses PDFs through a channel's document jobs, `billing_views` answers the legacy billing views from the token's spending.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::config::{RelayBuildError, RelayConfig};
use crate::health::{ChannelHealth, InMemoryHealth, PairKey};
use crate::host::{
    Channel, ChannelDirectory, Gatekeeper, Governor, ResponseIndex, SpendingLedger, Unlimited,
    UsageSink, VideoJobs,
};
use crate::plugin::{CacheStore, MemoryCacheStore, PluginServices};
use crate::provider::Endpoint;
use crate::responses_index::{InMemoryResponseIndex, ResponseIndexLimits};
use crate::trace_context::SpanIds;
use crate::upstream::Clients;
use crate::video_jobs::InMemoryVideoJobs;

mod answer;
mod attempt;
mod auth;
mod billing_views;
mod channel_test;
mod completer;
mod dispatch;
mod documents;
mod gemini_operations;
mod media_answer;
mod media_request;
mod models;
mod native_videos;
mod pipeline;
mod probes;
mod request;
mod routes;
mod stored_responses;
mod upstream_error;
mod video_derivations;
mod video_tasks;
mod videos;

pub use channel_test::ChannelTestOutcome;

/// The OpenAI-compatible relay. Cheap to clone: everything lives behind one `Arc`.
#[derive(Clone)]
pub struct Relay {
    inner: Arc<Inner>,
}

struct Inner {
    config: RelayConfig,
    gatekeeper: Arc<dyn Gatekeeper>,
    directory: Arc<dyn ChannelDirectory>,
    usage: Arc<dyn UsageSink>,
    health: Arc<dyn ChannelHealth>,
    governor: Arc<dyn Governor>,
    plugins: PluginServices,
    clients: Clients,
    /// What the prober needs for each pair this relay banned: the channel as it was, and the
    /// endpoint that failed (which decides the probe request).
    banned: Mutex<HashMap<PairKey, (Arc<Channel>, Endpoint)>>,
    /// Which channel created each stored response; in-process unless the host shares one.
    responses: Arc<dyn ResponseIndex>,
    /// Video jobs: their channel and group, and their bills; in-process unless the host
    /// supplies a store.
    videos: Arc<dyn VideoJobs>,
    /// Each token's spending, for the billing views; they answer 501 without one.
    spending: Option<Arc<dyn SpendingLedger>>,
    /// The exported span ids, for the upstreams' `traceparent`.
    span_ids: Option<Arc<dyn SpanIds>>,
}

/// What the host supplies to a [`Relay`]: who is calling, which channels serve a model and
/// where usage goes, plus the optional services a host may share between replicas. Start from
/// [`RelayHost::new`] and set the optional fields by name.
pub struct RelayHost {
    pub gatekeeper: Arc<dyn Gatekeeper>,
    pub directory: Arc<dyn ChannelDirectory>,
    pub usage: Arc<dyn UsageSink>,
    /// Keeps channel health (bans, success rates), for example shared between replicas; kept
    /// in process ([`InMemoryHealth`] with the configuration's ban policy) when `None`.
    pub health: Option<Arc<dyn ChannelHealth>>,
    /// Admits each request against the host's limits, quotas and balance before it goes
    /// upstream; every request is let through ([`Unlimited`]) when `None`.
    pub governor: Option<Arc<dyn Governor>>,
    /// Remembers which channel stored each response, for example shared between replicas; kept
    /// in process ([`crate::InMemoryResponseIndex`]) when `None`.
    pub response_index: Option<Arc<dyn ResponseIndex>>,
    /// Holds the cache plugin's answers, for example shared between replicas; kept in process
    /// (bounded by [`crate::MemoryBounds::response_cache_bytes`]) when `None`.
    pub cache_store: Option<Arc<dyn CacheStore>>,
    /// Remembers video jobs and bills them when they complete, for example shared between
    /// replicas; kept in process ([`crate::InMemoryVideoJobs`], which bills nothing) when
    /// `None`.
    pub video_jobs: Option<Arc<dyn VideoJobs>>,
    /// Reads each token's quota, spending and group balance for the billing views
    /// (`/v1/dashboard/billing/*`); without one those routes answer 501.
    pub spending: Option<Arc<dyn SpendingLedger>>,
    /// Reads the trace and span ids of exported spans, so an upstream's `traceparent` names
    /// the gateway's exported span; without one, upstreams continue the client's trace under a
    /// span id nobody exports.
    pub span_ids: Option<Arc<dyn SpanIds>>,
}

impl RelayHost {
    /// The three services every host supplies; the optional ones kept in process.
    pub fn new(
        gatekeeper: Arc<dyn Gatekeeper>,
        directory: Arc<dyn ChannelDirectory>,
        usage: Arc<dyn UsageSink>,
    ) -> RelayHost {
        RelayHost {
            gatekeeper,
            directory,
            usage,
            health: None,
            governor: None,
            response_index: None,
            cache_store: None,
            video_jobs: None,
            spending: None,
            span_ids: None,
        }
    }
}

impl Relay {
    /// A relay over the host's services; fails on an invalid configuration or when the
    /// upstream HTTP client cannot be built.
    pub fn new(config: RelayConfig, host: RelayHost) -> Result<Relay, RelayBuildError> {
        config.validate()?;
        let clients = Clients::new();
        // Build the default client now so a broken TLS setup fails at start, not per request.
        clients
            .get(None, config.timeouts.connect)
            .map_err(|_| RelayBuildError::InvalidConfig("cannot build the upstream http client"))?;
        let health = host
            .health
            .unwrap_or_else(|| Arc::new(InMemoryHealth::new(config.ban)));
        let governor = host.governor.unwrap_or_else(|| Arc::new(Unlimited));
        let bounds = config.memory;
        let responses = host.response_index.unwrap_or_else(|| {
            Arc::new(InMemoryResponseIndex::new(ResponseIndexLimits {
                max_entries: bounds.response_ids,
                ..ResponseIndexLimits::default()
            }))
        });
        let videos = host
            .video_jobs
            .unwrap_or_else(|| Arc::new(InMemoryVideoJobs::new(bounds.video_jobs)));
        let cache = host
            .cache_store
            .unwrap_or_else(|| Arc::new(MemoryCacheStore::new(bounds.response_cache_bytes)));
        // Plugins (web search's query rewrite) may ask the relay itself for a completion: they
        // hold it weakly, since the relay owns them.
        let inner = Arc::new_cyclic(|inner: &std::sync::Weak<Inner>| {
            let completer: std::sync::Weak<dyn crate::plugin::Completer> = inner.clone();
            Inner {
                config,
                gatekeeper: host.gatekeeper,
                directory: host.directory,
                usage: host.usage,
                health,
                governor,
                plugins: PluginServices::new(cache, bounds.follow_conversations, completer),
                clients,
                banned: Mutex::new(HashMap::new()),
                responses,
                videos,
                spending: host.spending,
                span_ids: host.span_ids,
            }
        });
        Ok(Relay { inner })
    }

    /// What the relay's plugins keep between requests.
    pub fn plugin_services(&self) -> &PluginServices {
        &self.inner.plugins
    }

    /// The channel health the relay reads and updates.
    pub fn health(&self) -> Arc<dyn ChannelHealth> {
        Arc::clone(&self.inner.health)
    }
}
