//! Server configuration: every environment variable and server flag of `aiproxy`, with defaults, parsed and validated once at startup.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use ipnet::IpNet;

/// Server settings. Names match the environment variables of the original product.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address to listen on for HTTP/1.1, HTTP/2 cleartext and gRPC.
    #[arg(long, env = "LISTEN", default_value = "0.0.0.0:3000")]
    pub listen: SocketAddr,

    /// A second address serving only GET /metrics, without a key (keep it private); on LISTEN, /metrics always requires the admin key.
    #[arg(long, env = "METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    /// Admin key for the control plane. Generated and stored in DATA_DIR on first start when unset.
    #[arg(long, env = "ADMIN_KEY", hide_env_values = true)]
    pub admin_key: Option<String>,

    /// Key that encrypts the secrets stored in the main database (channel keys, MCP headers and
    /// params, OpenAPI credentials, plugin settings): 32 bytes as 64 hex digits or base64.
    /// Generated and stored in DATA_DIR on first start when unset; replicas sharing a database
    /// must share it.
    #[arg(long, env = "SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,

    /// The key SECRET_KEY replaces during a rotation: still accepted for reading stored
    /// secrets, never used to write them.
    #[arg(long, env = "SECRET_KEY_PREVIOUS", hide_env_values = true)]
    pub secret_key_previous: Option<String>,

    /// Main database: a postgres:// URL selects Postgres, anything else is a SQLite file path.
    #[arg(long, env = "SQL_DSN", hide_env_values = true)]
    pub sql_dsn: Option<String>,

    /// Separate database for request logs (same syntax as SQL_DSN); defaults to the main one.
    #[arg(long, env = "LOG_SQL_DSN", hide_env_values = true)]
    pub log_sql_dsn: Option<String>,

    /// SQLite file used when SQL_DSN is unset.
    #[arg(long, env = "SQLITE_PATH", default_value = "./aiproxy/aiproxy.db")]
    pub sqlite_path: PathBuf,

    /// Directory for generated state: the admin key and secret key files.
    #[arg(long, env = "DATA_DIR", default_value = "./aiproxy")]
    pub data_dir: PathBuf,

    /// Redis URL; when set, counters, bans and change notifications are shared through it.
    #[arg(long, env = "REDIS", hide_env_values = true)]
    pub redis: Option<String>,

    /// Longest wait for one Redis reply, in milliseconds; past it the command fails and Redis
    /// counts as unreachable until a background probe gets an answer.
    #[arg(long, env = "REDIS_COMMAND_TIMEOUT_MS", default_value_t = 200)]
    pub redis_command_timeout_ms: u64,

    /// Longest wait for a new Redis connection, in milliseconds.
    #[arg(long, env = "REDIS_CONNECT_TIMEOUT_MS", default_value_t = 200)]
    pub redis_connect_timeout_ms: u64,

    /// Prefix for every Redis key this instance writes, so deployments can share a Redis.
    #[arg(long, env = "REDIS_KEY_PREFIX", default_value = "aiproxy")]
    pub redis_key_prefix: String,

    /// One process-log line per request and tool call (request id, group, token name, model,
    /// channel, status, latency, tokens; never keys or bodies).
    #[arg(long, env = "ACCESS_LOG", default_value_t = true, action = clap::ArgAction::Set)]
    pub access_log: bool,

    /// Charge quotas and balances; when false, usage is still recorded.
    #[arg(long, env = "BILLING_ENABLED", default_value_t = true, action = clap::ArgAction::Set)]
    pub billing_enabled: bool,

    /// Store one request log row per request; when false only the summaries, metrics and
    /// billing charges are kept (no rows, no bodies).
    #[arg(long, env = "LOG_REQUESTS", default_value_t = true, action = clap::ArgAction::Set)]
    pub log_requests: bool,

    /// Save request and response bodies for every request, not only failed ones.
    #[arg(long, env = "SAVE_ALL_LOG_DETAIL", default_value_t = false, action = clap::ArgAction::Set)]
    pub save_all_log_detail: bool,

    /// Maximum tokens per group; 0 means unlimited.
    #[arg(long, env = "GROUP_MAX_TOKEN_NUM", default_value_t = 0)]
    pub group_max_token_num: u32,

    /// Hours request logs are kept; 0 keeps them forever.
    #[arg(long, env = "LOG_STORAGE_HOURS", default_value_t = 0)]
    pub log_storage_hours: u64,

    /// Hours request and response bodies are kept; 0 keeps them forever.
    #[arg(long, env = "LOG_DETAIL_STORAGE_HOURS", default_value_t = 72)]
    pub log_detail_storage_hours: u64,

    /// Request-log entries held in memory on their way to the database; beyond it they wait in
    /// the journal (or, with the journal off, are dropped and counted).
    #[arg(long, env = "LOG_QUEUE_CAPACITY", default_value_t = 65_536, value_parser = clap::value_parser!(u64).range(1..))]
    pub log_queue_capacity: u64,

    /// Bytes the cache plugin's answers may take in memory (without REDIS; with it they live
    /// in Redis under their TTL); least recently used leave first.
    #[arg(long, env = "MEMORY_RESPONSE_CACHE_BYTES", default_value_t = 64 * 1024 * 1024)]
    pub memory_response_cache_bytes: usize,

    /// Conversations whose last channel the cache-follow plugin remembers, per replica.
    #[arg(long, env = "MEMORY_FOLLOW_CONVERSATIONS", default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub memory_follow_conversations: u64,

    /// Stored-response ids (Responses API) remembered in memory without REDIS; the oldest
    /// leave first, and a forgotten id is answered 404.
    #[arg(long, env = "MEMORY_RESPONSE_IDS", default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub memory_response_ids: u64,

    /// Video jobs remembered in memory without REDIS; the oldest leave first (a job forgotten
    /// before it completed is never billed).
    #[arg(long, env = "MEMORY_VIDEO_JOBS", default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub memory_video_jobs: u64,

    /// Directory of the request-log journal (every entry is written there before the
    /// database, and replayed from there after an outage or a restart); default
    /// `DATA_DIR/log-journal`.
    #[arg(long, env = "LOG_JOURNAL_DIR")]
    pub log_journal_dir: Option<PathBuf>,

    /// Most bytes the request-log journal may take (default 2 GiB); 0 turns the journal off
    /// (entries beyond the queue are then dropped and counted).
    #[arg(long, env = "LOG_JOURNAL_MAX_BYTES", default_value_t = 2 * 1024 * 1024 * 1024)]
    pub log_journal_max_bytes: u64,

    /// Milliseconds between two fsyncs of the request-log journal: what a crash of the machine
    /// (not of the process) can lose.
    #[arg(long, env = "LOG_JOURNAL_FSYNC_MS", default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..))]
    pub log_journal_fsync_ms: u64,

    /// When the request-log journal is exhausted: `refuse` new billable requests with 503, or
    /// `serve` them and drop their rows and charges.
    #[arg(long, env = "LOG_JOURNAL_WHEN_FULL", default_value = "refuse", value_parser = ["refuse", "serve"])]
    pub log_journal_when_full: String,

    /// Rows deleted per statement when cleaning old logs.
    #[arg(long, env = "CLEAN_LOG_BATCH_SIZE", default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..))]
    pub clean_log_batch_size: u64,

    /// Days control-plane audit events are kept; 0 keeps them forever.
    #[arg(long, env = "AUDIT_RETENTION_DAYS", default_value_t = 365)]
    pub audit_retention_days: u64,

    /// Alert when one IP uses this many different groups within an hour; 0 disables.
    #[arg(long, env = "IP_GROUPS_THRESHOLD", default_value_t = 0)]
    pub ip_groups_threshold: u32,

    /// Block an IP that uses this many different groups within an hour; 0 disables.
    #[arg(long, env = "IP_GROUPS_BAN_THRESHOLD", default_value_t = 0)]
    pub ip_groups_ban_threshold: u32,

    /// Retries on another channel after a retryable upstream failure.
    #[arg(long, env = "RETRY_TIMES", default_value_t = 2)]
    pub retry_times: u32,

    /// Declarative configuration file (YAML or JSON) applied at startup.
    #[arg(long = "config", env = "CONFIG_FILE_PATH")]
    pub config_file_path: Option<PathBuf>,

    /// Peers whose X-Forwarded-For header is believed, as CIDRs, comma separated.
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpNet>,

    /// Host header values the MCP endpoints accept, comma separated; empty accepts any host.
    #[arg(long, env = "MCP_ALLOWED_HOSTS", value_delimiter = ',')]
    pub mcp_allowed_hosts: Vec<String>,

    /// Browser origins the MCP endpoints accept (scheme://host[:port]), comma separated.
    #[arg(long, env = "MCP_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub mcp_allowed_origins: Vec<String>,

    /// Browser origins whose pages may call the relay and MCP faces (CORS), comma separated
    /// (`scheme://host[:port]`, `:*` for any port); `*` allows every origin, as the seed did.
    #[arg(
        long,
        env = "CORS_ALLOWED_ORIGINS",
        value_delimiter = ',',
        default_value = "*"
    )]
    pub cors_allowed_origins: Vec<String>,

    /// Browser origins whose pages may call the admin plane (the control plane, `/api/*`,
    /// `/mcp/admin`) with an admin key, comma separated; empty: none, same-origin pages only.
    #[arg(long, env = "ADMIN_CORS_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub admin_cors_allowed_origins: Vec<String>,

    /// Accept the API key as `?key=` on the MCP routes, for clients that can only put it in the
    /// URL; off because URLs end up in proxy logs (the gateway never logs it).
    #[arg(long, env = "MCP_KEY_IN_URL", default_value_t = false, action = clap::ArgAction::Set)]
    pub mcp_key_in_url: bool,

    /// The seed's host-based MCP routes: `<server>.<PUBLIC_MCP_HOST>/mcp` (and `/sse`) serve the
    /// public server `<server>`; unset: off.
    #[arg(long, env = "PUBLIC_MCP_HOST")]
    pub public_mcp_host: Option<String>,

    /// The gateway's public base URL (`https://gateway.example.com`), from which the MCP
    /// endpoints' OAuth resource identifiers are built (`<url>/mcp/public/<id>`); with
    /// `MCP_OAUTH_ISSUERS`, turns on OAuth 2.1 for MCP clients. Unset: API keys only.
    #[arg(long, env = "MCP_OAUTH_PUBLIC_URL")]
    pub mcp_oauth_public_url: Option<String>,

    /// The authorization servers whose access tokens the MCP endpoints accept, as a JSON array:
    /// `[{"issuer": "https://idp.example", "jwks_url": "...", "audiences": [...],
    /// "group_claim": "group", "groups": {"claim value": "group id"}}]` (`jwks_url` optional:
    /// discovered from the issuer's metadata). See README, MCP, OAuth.
    #[arg(long, env = "MCP_OAUTH_ISSUERS")]
    pub mcp_oauth_issuers: Option<String>,

    /// The gateway's public base URL for upstream OAuth's callback
    /// (`<url>/mcp/oauth/callback`), when `MCP_OAUTH_PUBLIC_URL` is not set (that one wins).
    /// Neither set: authorizations of upstreams that want OAuth cannot start.
    #[arg(long, env = "MCP_UPSTREAM_OAUTH_PUBLIC_URL")]
    pub mcp_upstream_oauth_public_url: Option<String>,

    /// MCP sessions (Streamable HTTP and legacy SSE together) one API key may hold open on one
    /// replica; a new one past it gets 429 (JSON-RPC error -32029, `too_many_sessions`).
    #[arg(long, env = "MCP_MAX_SESSIONS_PER_TOKEN", default_value_t = 64)]
    pub mcp_max_sessions_per_token: usize,

    /// An OpenAPI server whose tool definitions take more JSON bytes than this serves three
    /// compact tools (search, describe, call an operation) instead of one per operation; 0
    /// never switches. Keep it under 4 MB: `ListMcpServerTools` answers over gRPC.
    #[arg(long, env = "MCP_OPENAPI_COMPACT_ABOVE_BYTES", default_value_t = mcp::DEFAULT_OPENAPI_COMPACT_ABOVE_BYTES)]
    pub mcp_openapi_compact_above_bytes: usize,

    /// Largest request body the relay accepts, in bytes.
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 50 * 1024 * 1024)]
    pub max_body_bytes: usize,

    /// Seconds in-flight requests get to finish after SIGTERM or SIGINT.
    #[arg(long, env = "SHUTDOWN_GRACE_SECONDS", default_value_t = 30)]
    pub shutdown_grace_seconds: u64,

    /// Seconds an HTTP/1 client has to send a request's line and headers; a slower one is disconnected.
    #[arg(long, env = "HEADER_READ_TIMEOUT_SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_read_timeout_seconds: u64,

    /// Seconds a connection may stay open with no request in flight (HTTP/1 keep-alive and HTTP/2); a streaming answer is in flight however quiet it is.
    #[arg(long, env = "IDLE_TIMEOUT_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout_seconds: u64,

    /// Seconds a request body has to arrive whole after its headers; a slower one fails the request.
    #[arg(long, env = "BODY_READ_TIMEOUT_SECONDS", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..))]
    pub body_read_timeout_seconds: u64,

    /// Connections served at once; beyond it the listener stops accepting until one closes.
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: u64,

    /// Connections served at once from one client address (the peer, not X-Forwarded-For); more are closed on accept. 0: no cap.
    #[arg(long, env = "MAX_CONNECTIONS_PER_ADDRESS", default_value_t = 0)]
    pub max_connections_per_address: u64,

    /// Seconds between checks of the database's configuration revision, so changes made through another replica are picked up.
    #[arg(long, env = "CONFIG_POLL_SECONDS", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..))]
    pub config_poll_seconds: u64,

    /// Log output format: text or json.
    #[arg(long, env = "LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub log_format: String,

    /// Largest request or response body stored with a request log, in bytes each.
    #[arg(long, env = "LOG_DETAIL_MAX_BYTES", default_value_t = 8 * 1024)]
    pub log_detail_max_bytes: usize,

    /// Webhook that receives alerts as JSON POSTs; unset only logs them.
    #[arg(long, env = "NOTIFY_WEBHOOK_URL", hide_env_values = true)]
    pub notify_webhook_url: Option<String>,

    /// Alert webhook body: generic JSON or a Feishu bot message.
    #[arg(long, env = "NOTIFY_WEBHOOK_FORMAT", default_value = "generic", value_parser = ["generic", "feishu"])]
    pub notify_webhook_format: String,

    /// Seconds during which an alert with the same key is not repeated.
    #[arg(long, env = "NOTIFY_THROTTLE_SECONDS", default_value_t = 300)]
    pub notify_throttle_seconds: u64,

    /// Seconds between refreshes of every channel's upstream balance (types with a balance API); 0 turns the refresh off.
    #[arg(long, env = "CHANNEL_BALANCE_REFRESH_SECONDS", default_value_t = 1800)]
    pub channel_balance_refresh_seconds: u64,

    /// Alert when a channel's recent error rate for a model passes this fraction (0 to 1); 0 disables.
    #[arg(long, env = "NOTIFY_ERROR_RATE_THRESHOLD", default_value_t = 0.5)]
    pub notify_error_rate_threshold: f64,

    /// OTLP/HTTP collector for trace export (for example http://127.0.0.1:4318); unset exports nothing.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub otel_exporter_otlp_endpoint: Option<String>,

    /// Time zone (IANA name) in which daily, weekly and monthly quota periods begin at midnight.
    #[arg(long, env = "QUOTA_TIME_ZONE", default_value = "UTC", value_parser = parse_time_zone)]
    pub quota_time_zone: chrono_tz::Tz,

    /// Accept the admin key as `?key=` on the REST admin API (`/api/*`), as the seed did; off because URLs end up in proxy logs.
    #[arg(long, env = "ADMIN_API_QUERY_KEY", default_value_t = false, action = clap::ArgAction::Set)]
    pub admin_api_query_key: bool,
}

fn parse_time_zone(text: &str) -> Result<chrono_tz::Tz, String> {
    text.parse::<chrono_tz::Tz>()
        .map_err(|_| format!("{text:?} is not an IANA time zone name such as UTC or Europe/Berlin"))
}

impl Settings {
    /// The main database DSN: SQL_DSN when set, else the SQLite path.
    pub fn redis_timeouts(&self) -> crate::process::redis_link::RedisTimeouts {
        crate::process::redis_link::RedisTimeouts {
            command: Duration::from_millis(self.redis_command_timeout_ms.max(1)),
            connect: Duration::from_millis(self.redis_connect_timeout_ms.max(1)),
        }
    }

    pub fn main_dsn(&self) -> String {
        match &self.sql_dsn {
            Some(dsn) if !dsn.trim().is_empty() => dsn.clone(),
            _ => self.sqlite_path.to_string_lossy().into_owned(),
        }
    }

    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_seconds)
    }

    /// What the listener enforces on connections.
    pub fn listener(&self) -> crate::edges::server::ListenerConfig {
        crate::edges::server::ListenerConfig {
            grace: self.shutdown_grace(),
            header_read_timeout: Duration::from_secs(self.header_read_timeout_seconds),
            idle_timeout: Duration::from_secs(self.idle_timeout_seconds),
            body_read_timeout: Duration::from_secs(self.body_read_timeout_seconds),
            max_connections: usize::try_from(self.max_connections).unwrap_or(usize::MAX),
            max_connections_per_address: usize::try_from(self.max_connections_per_address)
                .unwrap_or(usize::MAX),
        }
    }

    /// Which browser origins may call each face.
    pub fn cors(&self) -> crate::edges::cors::CorsOrigins {
        crate::edges::cors::CorsOrigins {
            public: self.cors_allowed_origins.clone(),
            admin: self.admin_cors_allowed_origins.clone(),
        }
    }

    /// The request-log journal these settings ask for; `None` when `LOG_JOURNAL_MAX_BYTES` is 0.
    pub fn log_journal(&self) -> Option<crate::logs::journal::JournalConfig> {
        use crate::logs::journal::{JournalConfig, WhenFull, default_segment_bytes};
        (self.log_journal_max_bytes > 0).then(|| JournalConfig {
            dir: self
                .log_journal_dir
                .clone()
                .unwrap_or_else(|| self.data_dir.join("log-journal")),
            max_bytes: self.log_journal_max_bytes,
            fsync_interval: std::time::Duration::from_millis(self.log_journal_fsync_ms),
            when_full: WhenFull::parse(&self.log_journal_when_full).unwrap_or_default(),
            segment_bytes: default_segment_bytes(self.log_journal_max_bytes),
        })
    }

    /// Settings for tests and embedding: every default, data in `data_dir`, listening on a loopback port chosen by the caller.
    pub fn for_data_dir(data_dir: impl Into<PathBuf>) -> Settings {
        let data_dir = data_dir.into();
        Settings {
            sqlite_path: data_dir.join("aiproxy.db"),
            data_dir,
            ..Settings::default()
        }
    }
}

/// The same defaults clap documents in `--help`; a unit test keeps the two in step.
impl Default for Settings {
    fn default() -> Settings {
        Settings {
            listen: SocketAddr::from(([0, 0, 0, 0], 3000)),
            metrics_listen: None,
            admin_key: None,
            secret_key: None,
            secret_key_previous: None,
            sql_dsn: None,
            log_sql_dsn: None,
            sqlite_path: PathBuf::from("./aiproxy/aiproxy.db"),
            data_dir: PathBuf::from("./aiproxy"),
            redis: None,
            redis_command_timeout_ms: 200,
            redis_connect_timeout_ms: 200,
            redis_key_prefix: "aiproxy".into(),
            access_log: true,
            billing_enabled: true,
            log_requests: true,
            save_all_log_detail: false,
            group_max_token_num: 0,
            log_storage_hours: 0,
            log_detail_storage_hours: 72,
            clean_log_batch_size: 5000,
            audit_retention_days: 365,
            log_queue_capacity: 65_536,
            memory_response_cache_bytes: 64 * 1024 * 1024,
            memory_follow_conversations: 100_000,
            memory_response_ids: 100_000,
            memory_video_jobs: 100_000,
            log_journal_dir: None,
            log_journal_max_bytes: 2 * 1024 * 1024 * 1024,
            log_journal_fsync_ms: 100,
            log_journal_when_full: "refuse".into(),
            ip_groups_threshold: 0,
            ip_groups_ban_threshold: 0,
            retry_times: 2,
            config_file_path: None,
            trusted_proxies: Vec::new(),
            mcp_allowed_hosts: Vec::new(),
            mcp_allowed_origins: Vec::new(),
            cors_allowed_origins: vec!["*".into()],
            admin_cors_allowed_origins: Vec::new(),
            mcp_max_sessions_per_token: 64,
            mcp_key_in_url: false,
            public_mcp_host: None,
            mcp_oauth_public_url: None,
            mcp_upstream_oauth_public_url: None,
            mcp_oauth_issuers: None,
            mcp_openapi_compact_above_bytes: mcp::DEFAULT_OPENAPI_COMPACT_ABOVE_BYTES,
            max_body_bytes: 50 * 1024 * 1024,
            shutdown_grace_seconds: 30,
            config_poll_seconds: 5,
            header_read_timeout_seconds: 10,
            idle_timeout_seconds: 60,
            body_read_timeout_seconds: 120,
            max_connections: 10_000,
            max_connections_per_address: 0,
            log_format: "text".into(),
            log_detail_max_bytes: 8 * 1024,
            notify_webhook_url: None,
            notify_webhook_format: "generic".into(),
            notify_throttle_seconds: 300,
            notify_error_rate_threshold: 0.5,
            channel_balance_refresh_seconds: 1800,
            otel_exporter_otlp_endpoint: None,
            quota_time_zone: chrono_tz::Tz::UTC,
            admin_api_query_key: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    /// The settings alone, parsed as the `aiproxy` command line parses them.
    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        settings: Settings,
    }

    #[test]
    fn defaults_match_the_documented_ones() {
        let parsed = Cli::try_parse_from(["aiproxy"]).unwrap().settings;
        let default = Settings::default();
        assert_eq!(format!("{parsed:?}"), format!("{default:?}"));
    }

    #[test]
    fn a_bad_value_names_the_variable() {
        let error = Cli::try_parse_from(["aiproxy", "--retry-times", "many"]).unwrap_err();
        assert!(error.to_string().contains("RETRY_TIMES"), "{error}");
        let error =
            Cli::try_parse_from(["aiproxy", "--trusted-proxies", "10.0.0.0/33"]).unwrap_err();
        assert!(error.to_string().contains("TRUSTED_PROXIES"), "{error}");
    }

    #[test]
    fn quota_time_zone_parses_and_a_bad_one_names_the_variable() {
        let parsed = Cli::try_parse_from(["aiproxy", "--quota-time-zone", "Asia/Shanghai"])
            .unwrap()
            .settings;
        assert_eq!(parsed.quota_time_zone, chrono_tz::Tz::Asia__Shanghai);
        let error =
            Cli::try_parse_from(["aiproxy", "--quota-time-zone", "Mars/Olympus"]).unwrap_err();
        assert!(error.to_string().contains("QUOTA_TIME_ZONE"), "{error}");
    }

    #[test]
    fn sqlite_is_the_default_database() {
        let settings = Settings::for_data_dir("/tmp/x");
        assert_eq!(settings.main_dsn(), "/tmp/x/aiproxy.db");
        let settings = Settings {
            sql_dsn: Some("postgres://u@h/db".into()),
            ..settings
        };
        assert_eq!(settings.main_dsn(), "postgres://u@h/db");
    }
}
