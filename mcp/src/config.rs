//! The MCP service's own settings: which hosts and origins may reach it, and how large and long-lived its sessions may be.

use std::time::Duration;

/// Settings of one [`crate::McpService`]; `hub` builds it from its config file.
#[derive(Debug, Clone)]
pub struct McpConfig {
    /// `Host` header values accepted (`name` or `name:port`); guards against DNS rebinding.
    /// Empty accepts any host, which is what a gateway behind a load balancer usually wants.
    pub allowed_hosts: Vec<String>,
    /// Browser origins accepted (`scheme://host[:port]`, `:*` for any port). A request without
    /// `Origin` (every non-browser client) always passes; a request with an `Origin` not in this
    /// list gets 403, so an empty list refuses every browser.
    pub allowed_origins: Vec<String>,
    /// Largest JSON-RPC message accepted in one POST; larger ones get 413.
    pub max_message_bytes: usize,
    /// Keep-alive comment interval on SSE streams, so idle proxies do not cut them.
    pub sse_keep_alive: Duration,
    /// A Streamable HTTP session with no traffic for this long is closed (its id then gets 404);
    /// with a shared session store, traffic on any replica counts.
    pub session_idle_timeout: Duration,
    /// Legacy SSE sessions open at once on this replica; more get 503.
    pub max_sse_sessions: usize,
    /// Sessions (Streamable HTTP and legacy SSE together) one token may hold open on this
    /// replica; a new one past it gets 429 with JSON-RPC error `-32029` (`too_many_sessions`).
    pub max_sessions_per_token: usize,
    /// Largest `initialize` request accepted (it is kept for the session's life); larger ones
    /// get 413 with a JSON-RPC error.
    pub max_initialize_bytes: usize,
    /// How long reading one POST body may take; slower bodies get 408.
    pub body_read_timeout: Duration,
    /// How long a proxied call may take before it fails with an upstream timeout.
    pub upstream_timeout: Duration,
    /// Identity announced in `initialize` and `server/discover`.
    pub server_name: String,
    /// An OpenAPI server whose tool definitions take more JSON bytes than this serves the
    /// three compact tools (search, describe, call) instead; `None` never switches.
    pub openapi_compact_above_bytes: Option<usize>,
    /// Accept the API key as `?key=` on every route, for clients that can only put it in the
    /// URL. Off by default: URLs end up in proxy logs. The key is taken out of the URL before
    /// anything below the router sees it.
    pub key_in_url: bool,
    /// The seed's host-based routes: a request whose `Host` is `<id>.<public_host>` reaches the
    /// public server `id` at `/` (and `/sse`) instead of the aggregated view. `None`: off.
    pub public_host: Option<String>,
    /// How long tasks (task-augmented tool calls) are kept and how many one token may hold per
    /// server.
    pub tasks: crate::tasks::TaskLimits,
}

/// The default of [`McpConfig::openapi_compact_above_bytes`]: about 128k tokens of tool
/// definitions, more than a model can choose among, and far below the 4 MB gRPC limit.
pub const DEFAULT_OPENAPI_COMPACT_ABOVE_BYTES: usize = 512 * 1024;

impl Default for McpConfig {
    fn default() -> Self {
        Self {
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            max_message_bytes: 4 * 1024 * 1024,
            sse_keep_alive: Duration::from_secs(15),
            session_idle_timeout: Duration::from_secs(300),
            max_sse_sessions: 10_000,
            max_sessions_per_token: 64,
            max_initialize_bytes: 64 * 1024,
            body_read_timeout: Duration::from_secs(30),
            upstream_timeout: Duration::from_secs(60),
            server_name: "aiproxy-mcp".to_owned(),
            openapi_compact_above_bytes: Some(DEFAULT_OPENAPI_COMPACT_ABOVE_BYTES),
            key_in_url: false,
            public_host: None,
            tasks: crate::tasks::TaskLimits::default(),
        }
    }
}
