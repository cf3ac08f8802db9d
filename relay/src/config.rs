//! The relay's configuration: limits, timeouts, trusted proxies, the channel ban policy and the bounds of what it keeps in memory.

use std::time::Duration;

use ipnet::IpNet;

/// Everything the relay needs to know that is not a caller, a channel or a usage sink.
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// Largest request body accepted, in bytes; larger bodies get 413. Default 50 MiB.
    pub max_body_bytes: usize,
    /// Longest a client may take to send its request body; slower bodies get 408. Default 60 s.
    pub body_timeout: Duration,
    /// How many times a failed request is retried on another channel, unless the model's
    /// settings say otherwise. Default 2 (so at most three attempts).
    pub retry_times: u32,
    /// Upstream timeouts; a channel's or a model's own timeouts override these.
    pub timeouts: Timeouts,
    /// Peers whose `X-Forwarded-For` is believed. Empty (the default) means the socket peer is
    /// always the client.
    pub trusted_proxies: Vec<IpNet>,
    /// When a (channel, model) pair is taken out of rotation and how it comes back.
    pub ban: BanPolicy,
    /// How much of a request's and a response's body the usage record keeps for the request
    /// log's details. Default 8 KiB each.
    pub detail_max_bytes: usize,
    /// The most each in-process store keeps (those the host does not replace with shared ones).
    pub memory: MemoryBounds,
}

impl Default for RelayConfig {
    fn default() -> Self {
        RelayConfig {
            max_body_bytes: 50 * 1024 * 1024,
            body_timeout: Duration::from_secs(60),
            retry_times: 2,
            timeouts: Timeouts::default(),
            trusted_proxies: Vec::new(),
            ban: BanPolicy::default(),
            detail_max_bytes: 8 * 1024,
            memory: MemoryBounds::default(),
        }
    }
}

/// The bounds of the relay's in-process stores: what the gateway holds between requests does
/// not grow with traffic past these, whatever clients send. A host that supplies a shared
/// store (Redis in `hub`) bounds that store itself.
#[derive(Debug, Clone, Copy)]
pub struct MemoryBounds {
    /// The cache plugin's answers, in bytes (least recently used leave first). Default 64 MiB.
    pub response_cache_bytes: usize,
    /// Conversations whose last channel cache-follow remembers. Default 100,000 (about 6 MB).
    pub follow_conversations: usize,
    /// Stored-response ids and their channels. Default 100,000 (about 10 MB).
    pub response_ids: usize,
    /// Video jobs and their channels. Default 100,000.
    pub video_jobs: usize,
}

impl Default for MemoryBounds {
    fn default() -> Self {
        MemoryBounds {
            response_cache_bytes: 64 * 1024 * 1024,
            follow_conversations: 100_000,
            response_ids: 100_000,
            video_jobs: 100_000,
        }
    }
}

/// Upstream timeouts.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// TCP (and TLS) connect to the upstream. Default 10 s.
    pub connect: Duration,
    /// Streamed requests: from sending the request to the first byte of the response body.
    /// Large prompts make models slow to start, so the default is generous: 120 s.
    pub first_byte: Duration,
    /// Non-streamed requests: from sending the request to the response head. An upstream only
    /// answers once the whole completion exists, so this bounds generation time. Default 600 s.
    /// A channel's or model's own `first_byte` overrides this too.
    pub response: Duration,
    /// Longest silence between two chunks of a response body once it has started. Default 120 s.
    pub stream_idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            first_byte: Duration::from_secs(120),
            response: Duration::from_secs(600),
            stream_idle: Duration::from_secs(120),
        }
    }
}

/// How failing (channel, model) pairs are banned and probed back.
#[derive(Debug, Clone, Copy)]
pub struct BanPolicy {
    /// Sliding window over which success rates (the selection weights) are computed, and
    /// within which consecutive failures count towards a ban. Default 60 s.
    pub window: Duration,
    /// Consecutive failures within `window` that ban a pair. Default 5.
    pub failure_threshold: u32,
    /// Longest a ban lasts without a successful probe; after it one real request may try the
    /// pair again, and a single further failure bans it anew. Default 300 s.
    pub ban_duration: Duration,
    /// How often a banned pair is probed with a cheap request; a successful probe lifts the ban.
    /// Default 30 s.
    pub probe_interval: Duration,
    /// Outcomes a pair needs within `window` before a channel's ban error rate
    /// ([`crate::ErrorRateThresholds::ban`]) is judged: a pair is not banned on its first few
    /// requests. Default 10, as the seed.
    pub min_requests: u32,
}

impl Default for BanPolicy {
    fn default() -> Self {
        BanPolicy {
            window: Duration::from_secs(60),
            failure_threshold: 5,
            ban_duration: Duration::from_secs(300),
            probe_interval: Duration::from_secs(30),
            min_requests: 10,
        }
    }
}

/// Why a [`crate::Relay`] could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RelayBuildError {
    #[error("invalid relay configuration: {0}")]
    InvalidConfig(&'static str),
    #[error("cannot build the upstream http client: {0}")]
    HttpClient(#[source] reqwest::Error),
}

impl RelayConfig {
    pub(crate) fn validate(&self) -> Result<(), RelayBuildError> {
        let checks = [
            (self.max_body_bytes == 0, "max_body_bytes must be positive"),
            (self.body_timeout.is_zero(), "body timeout must be positive"),
            (
                self.timeouts.connect.is_zero(),
                "connect timeout must be positive",
            ),
            (
                self.timeouts.first_byte.is_zero(),
                "first byte timeout must be positive",
            ),
            (
                self.timeouts.stream_idle.is_zero(),
                "stream idle timeout must be positive",
            ),
            (self.ban.window.is_zero(), "ban window must be positive"),
            (
                self.ban.failure_threshold == 0,
                "ban failure threshold must be positive",
            ),
            (
                self.ban.ban_duration.is_zero(),
                "ban duration must be positive",
            ),
            (
                self.ban.probe_interval.is_zero(),
                "probe interval must be positive",
            ),
            (
                self.ban.min_requests == 0,
                "ban minimum requests must be positive",
            ),
        ];
        match checks.into_iter().find(|(bad, _)| *bad) {
            Some((_, message)) => Err(RelayBuildError::InvalidConfig(message)),
            None => Ok(()),
        }
    }
}
