//! MCP sessions shared by the replicas of one Redis: legacy SSE messages relayed to the replica
//! holding the stream ([`RedisSseSessions`]), and Streamable HTTP session records any replica
//! resumes from ([`RedisSessionStore`]).
//!
//! Without `REDIS` the MCP service keeps its in-process defaults, which is all one replica needs.

mod sse_relay;
mod streamable_store;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio_util::sync::CancellationToken;

pub use sse_relay::RedisSseSessions;
pub use streamable_store::RedisSessionStore;

/// Both halves, ready for `mcp::McpServiceOptions`.
pub struct SharedMcpSessions {
    pub sse: Arc<dyn mcp::SseSessionRegistry>,
    pub streamable: Arc<dyn mcp::SessionStore>,
}

/// Connects both halves to Redis; the SSE relay is subscribed to this replica's channel when
/// this returns, and stops with `shutdown`.
pub async fn shared(
    redis_url: &str,
    connection: redis::aio::ConnectionManager,
    key_prefix: &str,
    session_idle_timeout: Duration,
    shutdown: CancellationToken,
) -> anyhow::Result<SharedMcpSessions> {
    // The URL may hold a password: name the variable, never echo the value.
    let client = redis::Client::open(redis_url).context("REDIS is not a valid redis:// URL")?;
    let sse = RedisSseSessions::start(client, connection.clone(), key_prefix, shutdown)
        .await
        .context("cannot subscribe to REDIS for MCP SSE sessions")?;
    let streamable = RedisSessionStore::new(connection, key_prefix, session_idle_timeout);
    Ok(SharedMcpSessions {
        sse,
        streamable: Arc::new(streamable),
    })
}
