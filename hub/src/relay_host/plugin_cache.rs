//! The relay's response cache in Redis (when `REDIS` is set): one key per cached answer under
//! `<prefix>:plugin_cache:`, expiring on its own, shared by every replica.
//!
//! A Redis error is a miss (logged, never the client's problem): the cache only ever saves
//! upstream calls, so an unreachable Redis costs a call, not a request.

use std::sync::Arc;
use std::time::Duration;

use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use relay::plugin::{CacheStore, CachedResponse};

/// Longest a Redis round trip may hold up a request before it counts as a miss.
const REDIS_TIMEOUT: Duration = Duration::from_millis(500);

/// [`CacheStore`] on Redis.
#[derive(Clone)]
pub struct RedisCacheStore {
    connection: ConnectionManager,
    prefix: String,
}

impl std::fmt::Debug for RedisCacheStore {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("RedisCacheStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisCacheStore {
    /// `prefix` is `REDIS_KEY_PREFIX`; keys are `<prefix>:plugin_cache:<hash>`.
    pub fn new(connection: ConnectionManager, prefix: &str) -> RedisCacheStore {
        RedisCacheStore {
            connection,
            prefix: format!("{prefix}:plugin_cache:"),
        }
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }
}

#[async_trait::async_trait]
impl CacheStore for RedisCacheStore {
    async fn get(&self, key: &str) -> Option<Arc<CachedResponse>> {
        let mut connection = self.connection.clone();
        let reading = connection.get::<_, Option<Vec<u8>>>(self.key(key));
        match tokio::time::timeout(REDIS_TIMEOUT, reading).await {
            Ok(Ok(Some(bytes))) => CachedResponse::from_json(&bytes).map(Arc::new),
            Ok(Ok(None)) => None,
            Ok(Err(error)) => {
                tracing::warn!(%error, "response cache read failed");
                None
            }
            Err(_) => {
                tracing::warn!("response cache read timed out");
                None
            }
        }
    }

    async fn put(&self, key: &str, value: CachedResponse, ttl: Duration) {
        let mut connection = self.connection.clone();
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let writing = connection.pset_ex::<_, _, ()>(self.key(key), value.to_json(), millis);
        match tokio::time::timeout(REDIS_TIMEOUT, writing).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::warn!(%error, "response cache write failed"),
            Err(_) => tracing::warn!("response cache write timed out"),
        }
    }
}
