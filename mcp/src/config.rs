//! The MCP hub's own settings: which hosts and origins may reach it, and how large and long-lived its sessions may be.

use std::time::Duration;

/// Settings of one [`crate::McpHub`]; `hub` builds it from its config file.
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
    /// How long a proxied call may take before it fails with an upstream timeout.
    pub upstream_timeout: Duration,
    /// Identity announced in `initialize` and `server/discover`.
    pub server_name: String,
}

impl Default for McpConfig {
    fn default() -> Self {
        Self {
            allowed_hosts: Vec::new(),
            allowed_origins: Vec::new(),
            max_message_bytes: 4 * 1024 * 1024,
            sse_keep_alive: Duration::from_secs(15),
            session_idle_timeout: Duration::from_secs(300),
            max_sse_sessions: 10_000,
            upstream_timeout: Duration::from_secs(60),
            server_name: "aiproxy-mcp".to_owned(),
        }
    }
}
