//! The `channel_tests` table: the last test result of each (channel, model) pair, kept apart from the configuration.
//!
//! Results are written straight to the pool, outside a configuration transaction: a test is not
//! a change of configuration, so it neither bumps the revision nor reloads any snapshot.

use std::collections::HashMap;

use super::rows::{self, bool_int};
use super::{Store, StoreError};

/// One stored test of a (channel, model) pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelTest {
    pub channel_id: i64,
    pub model: String,
    pub success: bool,
    /// The upstream's HTTP status; `None` when none came.
    pub status_code: Option<i64>,
    pub latency_ms: i64,
    /// Why it failed, secrets already scrubbed; empty on success.
    pub error: String,
    /// The endpoint tested, for example `/v1/embeddings`.
    pub endpoint: String,
    pub tested_at: i64,
}

impl Store {
    /// Keeps `test` as its pair's last result, replacing the one before.
    pub async fn record_channel_test(&self, test: &ChannelTest) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO channel_tests (channel_id, model, success, status_code, latency_ms, \
             error, endpoint, tested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (channel_id, model) DO UPDATE SET success = excluded.success, \
             status_code = excluded.status_code, latency_ms = excluded.latency_ms, \
             error = excluded.error, endpoint = excluded.endpoint, tested_at = excluded.tested_at",
        )
        .bind(test.channel_id)
        .bind(test.model.clone())
        .bind(bool_int(test.success))
        .bind(test.status_code)
        .bind(test.latency_ms)
        .bind(test.error.clone())
        .bind(test.endpoint.clone())
        .bind(test.tested_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The last results of these channels, by channel id, each channel's ordered by model.
    pub async fn channel_tests(
        &self,
        channel_ids: &[i64],
    ) -> Result<HashMap<i64, Vec<ChannelTest>>, StoreError> {
        let mut by_channel: HashMap<i64, Vec<ChannelTest>> = HashMap::new();
        // One statement per channel keeps the SQL free of dialect-specific list binding; a
        // listing page holds at most a few hundred channels.
        for &channel_id in channel_ids {
            let found = sqlx::query(
                "SELECT channel_id, model, success, status_code, latency_ms, error, endpoint, \
                 tested_at FROM channel_tests WHERE channel_id = $1 ORDER BY model",
            )
            .bind(channel_id)
            .fetch_all(self.pool())
            .await?;
            for row in &found {
                by_channel.entry(channel_id).or_default().push(ChannelTest {
                    channel_id: rows::int(row, "channel_id")?,
                    model: rows::text(row, "model")?,
                    success: rows::boolean(row, "success")?,
                    status_code: rows::opt_int(row, "status_code")?,
                    latency_ms: rows::int(row, "latency_ms")?,
                    error: rows::text(row, "error")?,
                    endpoint: rows::text(row, "endpoint")?,
                    tested_at: rows::int(row, "tested_at")?,
                });
            }
        }
        Ok(by_channel)
    }
}
