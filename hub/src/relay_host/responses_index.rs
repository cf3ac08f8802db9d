//! The relay's response index in Redis (when `REDIS` is set): which group and channel created each
//! stored response, one key per id under `<prefix>:responses:`, so that any replica can route
//! `GET`/`DELETE /v1/responses/{id}` and `input_items`.
//!
//! Each key expires after the in-memory index's retention ([`relay::ResponseIndexLimits`]);
//! Redis, not a count of entries, bounds the memory. A Redis error or a slow answer is logged
//! and treated as an unknown id: the client gets OpenAI's own 404 rather than a hang.

use std::time::Duration;

use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use relay::host::{ResponseIndex, ResponseOwner};
use serde::{Deserialize, Serialize};

/// Longest a Redis round trip may hold up a request before the id counts as unknown.
const REDIS_TIMEOUT: Duration = Duration::from_millis(500);

/// [`ResponseIndex`] on Redis, shared by every replica using the same Redis and prefix.
#[derive(Clone)]
pub struct RedisResponseIndex {
    connection: ConnectionManager,
    prefix: String,
    ttl: Duration,
}

impl std::fmt::Debug for RedisResponseIndex {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("RedisResponseIndex")
            .field("prefix", &self.prefix)
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

/// The owner as stored: JSON, so that a field added later does not break older replicas.
#[derive(Serialize, Deserialize)]
struct StoredOwner {
    group_id: String,
    channel_id: i64,
    model: String,
}

impl RedisResponseIndex {
    /// `prefix` is `REDIS_KEY_PREFIX`; keys are `<prefix>:responses:<response id>` and live
    /// as long as the relay's in-memory index keeps an id.
    pub fn new(connection: ConnectionManager, prefix: &str) -> RedisResponseIndex {
        RedisResponseIndex::with_ttl(
            connection,
            prefix,
            relay::ResponseIndexLimits::default().ttl,
        )
    }

    pub fn with_ttl(
        connection: ConnectionManager,
        prefix: &str,
        ttl: Duration,
    ) -> RedisResponseIndex {
        RedisResponseIndex {
            connection,
            prefix: format!("{prefix}:responses:"),
            ttl,
        }
    }

    fn key(&self, response_id: &str) -> String {
        format!("{}{response_id}", self.prefix)
    }
}

#[async_trait::async_trait]
impl ResponseIndex for RedisResponseIndex {
    async fn remember(&self, response_id: &str, owner: ResponseOwner) {
        let stored = StoredOwner {
            group_id: owner.group_id,
            channel_id: owner.channel_id,
            model: owner.model,
        };
        let Ok(value) = serde_json::to_string(&stored) else {
            return;
        };
        let millis = u64::try_from(self.ttl.as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        let mut connection = self.connection.clone();
        let writing = connection.pset_ex::<_, _, ()>(self.key(response_id), value, millis);
        match tokio::time::timeout(REDIS_TIMEOUT, writing).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::warn!(%error, "response index write failed"),
            Err(_) => tracing::warn!("response index write timed out"),
        }
    }

    async fn owner(&self, response_id: &str) -> Option<ResponseOwner> {
        let mut connection = self.connection.clone();
        let reading = connection.get::<_, Option<String>>(self.key(response_id));
        let value = match tokio::time::timeout(REDIS_TIMEOUT, reading).await {
            Ok(Ok(value)) => value?,
            Ok(Err(error)) => {
                tracing::warn!(%error, "response index read failed");
                return None;
            }
            Err(_) => {
                tracing::warn!("response index read timed out");
                return None;
            }
        };
        match serde_json::from_str::<StoredOwner>(&value) {
            Ok(stored) => Some(ResponseOwner {
                group_id: stored.group_id,
                channel_id: stored.channel_id,
                model: stored.model,
            }),
            Err(error) => {
                tracing::warn!(%error, "response index entry is not an owner");
                None
            }
        }
    }

    async fn forget(&self, response_id: &str) {
        let mut connection = self.connection.clone();
        let deleting = connection.del::<_, ()>(self.key(response_id));
        match tokio::time::timeout(REDIS_TIMEOUT, deleting).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::warn!(%error, "response index delete failed"),
            Err(_) => tracing::warn!("response index delete timed out"),
        }
    }
}
