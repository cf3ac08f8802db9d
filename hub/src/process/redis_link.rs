//! The process's link to Redis: bounded connect and command timeouts, and a breaker that refuses at
//! once while Redis is unreachable and probes it in the background.
//!
//! Without this, a limited request waited out the client's reconnect back-off (six attempts,
//! about 9 s) before its 503. Counting stays fail-closed: while the breaker is open a request
//! that needs the shared counters is refused immediately, `/api/status` reports Redis down
//! without asking it, and one background task pings Redis until it answers again.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// How often the background probe pings an unreachable Redis: service resumes within about
/// this long after Redis is back.
const PROBE_INTERVAL: Duration = Duration::from_millis(100);

/// Connect and command timeouts of every Redis connection of the process.
#[derive(Debug, Clone, Copy)]
pub struct RedisTimeouts {
    /// Longest wait for one command's reply (`REDIS_COMMAND_TIMEOUT_MS`); Redis answers in
    /// well under a millisecond, so this only bounds an outage.
    pub command: Duration,
    /// Longest wait for a new connection (`REDIS_CONNECT_TIMEOUT_MS`).
    pub connect: Duration,
}

impl Default for RedisTimeouts {
    fn default() -> Self {
        RedisTimeouts {
            command: Duration::from_millis(200),
            connect: Duration::from_millis(200),
        }
    }
}

/// The connection manager settings every Redis user of the process shares: the timeouts
/// above, and one quick reconnect attempt instead of the client's exponential back-off, which
/// would hold each command for seconds while Redis is down (the breaker does the waiting).
pub fn manager_config(timeouts: RedisTimeouts) -> ConnectionManagerConfig {
    ConnectionManagerConfig::new()
        .set_response_timeout(Some(timeouts.command))
        .set_connection_timeout(Some(timeouts.connect))
        .set_number_of_retries(1)
        .set_min_delay(Duration::from_millis(10))
        .set_max_delay(Duration::from_millis(50))
}

/// Opens a connection manager with [`manager_config`].
pub async fn connect(
    client: redis::Client,
    timeouts: RedisTimeouts,
) -> redis::RedisResult<ConnectionManager> {
    ConnectionManager::new_with_config(client, manager_config(timeouts)).await
}

/// A connection manager and the breaker that guards it. Cheap to clone.
#[derive(Clone)]
pub struct RedisLink {
    manager: ConnectionManager,
    breaker: Arc<Breaker>,
}

#[derive(Default)]
struct Breaker {
    /// Redis failed to answer and has not answered a probe since.
    open: AtomicBool,
    /// A probe task is running (at most one per link).
    probing: AtomicBool,
}

impl std::fmt::Debug for RedisLink {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("RedisLink")
            .field("reachable", &self.is_reachable())
            .finish_non_exhaustive()
    }
}

impl RedisLink {
    pub fn new(manager: ConnectionManager) -> RedisLink {
        RedisLink {
            manager,
            breaker: Arc::default(),
        }
    }

    /// The shared connection, for callers that handle Redis errors themselves.
    pub fn manager(&self) -> ConnectionManager {
        self.manager.clone()
    }

    /// Whether Redis answered its last command or probe.
    pub fn is_reachable(&self) -> bool {
        !self.breaker.open.load(Ordering::Acquire)
    }

    /// The connection, or `None` at once while the breaker is open.
    pub fn guarded(&self) -> Option<ConnectionManager> {
        self.is_reachable().then(|| self.manager.clone())
    }

    /// Looks at a command's error: one that says Redis cannot be reached opens the breaker and
    /// starts the background probe; an error Redis itself answered (a script error, a wrong
    /// type) says nothing about reachability.
    pub fn observe(&self, error: &redis::RedisError) {
        if !unreachable(error) {
            return;
        }
        if !self.breaker.open.swap(true, Ordering::AcqRel) {
            tracing::error!(%error, "redis is unreachable: requests that need it are refused until it answers again");
        }
        if !self.breaker.probing.swap(true, Ordering::AcqRel) {
            tokio::spawn(probe_until_reachable(self.clone()));
        }
    }
}

fn unreachable(error: &redis::RedisError) -> bool {
    error.is_io_error()
        || error.is_timeout()
        || error.is_connection_refusal()
        || error.is_connection_dropped()
}

async fn probe_until_reachable(link: RedisLink) {
    loop {
        tokio::time::sleep(PROBE_INTERVAL).await;
        let mut connection = link.manager.clone();
        let reply = redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await;
        if reply.is_ok() {
            link.breaker.open.store(false, Ordering::Release);
            link.breaker.probing.store(false, Ordering::Release);
            tracing::info!("redis answers again");
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    #[test]
    fn only_errors_of_reaching_redis_open_the_breaker() {
        let refused =
            redis::RedisError::from(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        assert!(unreachable(&refused));
        let answered = redis::RedisError::from((redis::ErrorKind::Parse, "wrong type"));
        assert!(!unreachable(&answered));
    }
}
