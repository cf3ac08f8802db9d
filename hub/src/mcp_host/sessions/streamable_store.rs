//! Streamable HTTP session records in Redis, one JSON value per session whose expiry is the session's idle timeout, restarted by every request that reads it.

use std::time::Duration;

use async_trait::async_trait;
use mcp::{SessionRecord, SessionStore, SessionStoreError};
use redis::aio::ConnectionManager;

pub struct RedisSessionStore {
    redis: ConnectionManager,
    key_prefix: String,
    idle_seconds: u64,
}

impl RedisSessionStore {
    pub fn new(redis: ConnectionManager, key_prefix: &str, idle_timeout: Duration) -> Self {
        Self {
            redis,
            key_prefix: key_prefix.to_owned(),
            idle_seconds: idle_timeout.as_secs().max(1),
        }
    }

    fn key(&self, session_id: &str) -> String {
        format!("{}:mcp-session:{session_id}", self.key_prefix)
    }
}

fn store_error(error: impl std::fmt::Display) -> SessionStoreError {
    SessionStoreError(error.to_string())
}

#[async_trait]
impl SessionStore for RedisSessionStore {
    async fn save(
        &self,
        session_id: &str,
        record: &SessionRecord,
    ) -> Result<(), SessionStoreError> {
        let value = serde_json::to_string(record).map_err(store_error)?;
        redis::cmd("SET")
            .arg(self.key(session_id))
            .arg(value)
            .arg("EX")
            .arg(self.idle_seconds)
            .query_async::<()>(&mut self.redis.clone())
            .await
            .map_err(store_error)
    }

    async fn load(&self, session_id: &str) -> Result<Option<SessionRecord>, SessionStoreError> {
        // GETEX reads and restarts the idle clock in one round trip (Redis 6.2 and later).
        let value: Option<String> = redis::cmd("GETEX")
            .arg(self.key(session_id))
            .arg("EX")
            .arg(self.idle_seconds)
            .query_async(&mut self.redis.clone())
            .await
            .map_err(store_error)?;
        value
            .map(|value| serde_json::from_str(&value).map_err(store_error))
            .transpose()
    }

    async fn remove(&self, session_id: &str) -> Result<(), SessionStoreError> {
        redis::cmd("DEL")
            .arg(self.key(session_id))
            .query_async::<()>(&mut self.redis.clone())
            .await
            .map_err(store_error)
    }
}
