//! The request log writer: usage records from the relay are queued (bounded) and written as batched multi-row inserts together with their per-minute and per-hour summaries, flushed on shutdown.

use std::time::Duration;

use relay::backend::{UsageRecord, UsageSink};
use sqlx::{Any, AssertSqlSafe};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::store::{Store, now_ms};

/// Records held in memory at most; beyond this the relay's records are counted as dropped
/// rather than growing memory without bound.
const QUEUE_CAPACITY: usize = 65_536;
/// Rows per INSERT: large enough to amortize round trips, small enough to stay well under
/// Postgres' 65,535 bind parameters (23 columns per row).
const BATCH_ROWS: usize = 500;
/// How long a partial batch waits for company before it is written anyway.
const BATCH_LINGER: Duration = Duration::from_millis(50);

/// The relay's usage sink: hands records to the writer task without blocking.
#[derive(Debug, Clone)]
pub struct UsageLog {
    queue: mpsc::Sender<UsageRecord>,
}

impl UsageLog {
    /// Records waiting to be written.
    pub fn queue_depth(&self) -> usize {
        self.queue.max_capacity() - self.queue.capacity()
    }
}

impl UsageSink for UsageLog {
    fn record(&self, record: UsageRecord) {
        if let Err(error) = self.queue.try_send(record) {
            tracing::error!(request_id = %error.into_inner().request_id, "request log queue is full: a log row was dropped");
        }
    }
}

/// The writer task.
#[derive(Debug)]
pub struct UsageLogWriter {
    task: JoinHandle<()>,
    closing: CancellationToken,
}

impl UsageLogWriter {
    /// Stops accepting records, writes every queued one, and returns when they are stored.
    /// Called after the server drained, so only requests that outlived the grace period can
    /// still be refused (and are reported as dropped).
    pub async fn finish(self) {
        self.closing.cancel();
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the request log writer failed");
        }
    }
}

/// Starts the writer on `store` (the log database).
pub fn spawn(store: Store) -> (UsageLog, UsageLogWriter) {
    let (queue, receiver) = mpsc::channel(QUEUE_CAPACITY);
    let closing = CancellationToken::new();
    let task = tokio::spawn(write_batches(store, receiver, closing.clone()));
    (UsageLog { queue }, UsageLogWriter { task, closing })
}

async fn write_batches(
    store: Store,
    mut receiver: mpsc::Receiver<UsageRecord>,
    closing: CancellationToken,
) {
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    loop {
        let first = tokio::select! {
            received = receiver.recv() => received,
            () = closing.cancelled() => {
                // No new records from here on; what is already queued is still drained below.
                receiver.close();
                receiver.recv().await
            }
        };
        let Some(first) = first else {
            return;
        };
        batch.push(first);
        let deadline = tokio::time::sleep(BATCH_LINGER);
        tokio::pin!(deadline);
        while batch.len() < BATCH_ROWS {
            tokio::select! {
                received = receiver.recv() => match received {
                    Some(record) => batch.push(record),
                    None => break,
                },
                () = &mut deadline => break,
            }
        }
        write_with_retry(&store, &batch).await;
        batch.clear();
    }
}

async fn write_with_retry(store: &Store, batch: &[UsageRecord]) {
    for attempt in 1..=3u32 {
        match insert(store, batch).await {
            Ok(()) => return,
            Err(error) => {
                tracing::warn!(%error, attempt, rows = batch.len(), "cannot write request logs");
                tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
            }
        }
    }
    tracing::error!(
        rows = batch.len(),
        "request log rows lost after three attempts"
    );
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Columns written per row, in bind order.
const COLUMNS: [&str; 23] = [
    "created_at",
    "request_id",
    "upstream_request_id",
    "group_id",
    "token_id",
    "token_name",
    "requested_model",
    "actual_model",
    "channel_id",
    "endpoint",
    "status_code",
    "error",
    "input_tokens",
    "output_tokens",
    "cached_tokens",
    "cache_creation_tokens",
    "reasoning_tokens",
    "total_tokens",
    "ttfb_ms",
    "total_ms",
    "retries",
    "client_ip",
    "user_field",
];

/// `INSERT ... VALUES ($1, ..), ($24, ..)` for `rows` rows. sqlx's `QueryBuilder<Any>` writes
/// `?` placeholders, which Postgres rejects, so the numbered placeholders are laid out here; the
/// text holds nothing but column names and placeholders, every value is bound.
fn insert_sql(rows: usize) -> String {
    let mut sql = format!("INSERT INTO request_logs ({}) VALUES ", COLUMNS.join(", "));
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for column in 0..COLUMNS.len() {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", row * COLUMNS.len() + column + 1));
        }
        sql.push(')');
    }
    // A record replayed after a partial failure must not fail the whole batch.
    sql.push_str(" ON CONFLICT (request_id) DO NOTHING");
    sql
}

async fn insert(store: &Store, batch: &[UsageRecord]) -> Result<(), sqlx::Error> {
    let now = now_ms();
    let sql = insert_sql(batch.len());
    let mut query = sqlx::query::<Any>(AssertSqlSafe(sql));
    for record in batch {
        let requested = record.requested_model.clone().unwrap_or_default();
        query = query
            .bind(now)
            .bind(record.request_id.clone())
            .bind(record.upstream_request_id.clone())
            .bind(record.group_id.clone().unwrap_or_default())
            .bind(record.token_id)
            .bind(record.token_name.clone().unwrap_or_default())
            .bind(requested.clone())
            .bind(record.upstream_model.clone().unwrap_or(requested))
            .bind(record.channel_id)
            .bind(record.endpoint.clone())
            .bind(i64::from(record.status))
            .bind(record.error.clone())
            .bind(to_i64(record.usage.input_tokens))
            .bind(to_i64(record.usage.output_tokens))
            .bind(to_i64(record.usage.cached_input_tokens))
            .bind(to_i64(record.usage.cache_creation_tokens))
            .bind(to_i64(record.usage.reasoning_tokens))
            .bind(to_i64(record.usage.total_tokens))
            .bind(record.first_byte.map(millis))
            .bind(millis(record.total))
            .bind(i64::from(record.retries))
            .bind(record.client_ip.map(|ip| ip.to_string()))
            .bind(record.user.clone());
    }
    // Rows and their summary increments land together: a retried batch never counts twice.
    let mut tx = store.pool().begin().await?;
    query.execute(&mut *tx).await?;
    crate::logs::summaries::record_batch(&mut tx, batch, now).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_across_rows() {
        let sql = insert_sql(2);
        assert!(sql.contains("($1, $2,"));
        assert!(sql.contains("$23), ($24, "));
        assert!(sql.ends_with("$46) ON CONFLICT (request_id) DO NOTHING"));
    }
}
