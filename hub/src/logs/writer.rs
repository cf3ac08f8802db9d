//! The request log writer: log entries from the relay (usage, cost, bodies) are queued (bounded)
//! and written in batches together with their summaries and billing charges, retried until stored,
//! and flushed on shutdown.
//!
//! One batch is one transaction: the log rows, their bodies, the minute/hour summary
//! increments and (when the log database is the main one) the token and group charges commit
//! together or not at all, so a batch retried after an error never counts or charges twice.
//! With a separate log database (`LOG_SQL_DSN`) the charges commit first in the main database,
//! once per batch (money before logs), and the log transaction is retried on its own; only a
//! commit whose outcome is unknown (the connection dropped during COMMIT) could then charge
//! twice, and a log database that stays down past the shutdown deadline leaves charged rows
//! unlogged. With `LOG_REQUESTS=false` a batch writes only its summaries and charges.
//!
//! Memory is bounded by [`QUEUE_CAPACITY`] entries. The writer never gives a batch up while
//! the process runs: it retries with a growing pause, the queue fills meanwhile and then
//! refuses new entries, each refusal counted ([`WriterStats::dropped`], exported as
//! `aiproxy_log_rows_dropped_total`), logged with its request id and raised as an alert.
//! After shutdown starts, a failing batch is retried until the flush deadline.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use relay::host::{UsageRecord, UsageSink};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::access;
use super::entry::{LogEntry, WriterConfig};
use crate::alerts::{AlertEvent, Alerts};
use crate::process::repeated::{DEFAULT_INTERVAL, RepeatedError};
use crate::store::Store;

/// Entries held in memory at most (about 1 KiB each without bodies, up to twice the detail
/// limit more with them). At 10k requests/s this is six seconds of traffic: enough to ride out
/// a database hiccup, small enough that an outage cannot exhaust memory.
pub const QUEUE_CAPACITY: usize = 65_536;
/// Rows per transaction: large enough to amortize the commit and the per-batch summary and
/// charge statements (a batch costs a few statements per table and one per token and group
/// charged, whatever its size), small enough that one batch holds the database's write lock
/// for tens of milliseconds at most.
const BATCH_ROWS: usize = 2_048;
/// How long a partial batch waits for company before it is written anyway.
const BATCH_LINGER: Duration = Duration::from_millis(50);
/// First pause after a failed write; doubled per failure up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// Failed attempts of one batch before an alert is raised (single hiccups are only logged).
const ALERT_AFTER_FAILURES: u32 = 3;

/// Counters of the writer, read by `/metrics`.
#[derive(Debug, Default)]
pub struct WriterStats {
    /// Entries refused because the queue was full or the writer had stopped.
    pub dropped: AtomicU64,
    /// Failed write attempts (each retried).
    pub write_failures: AtomicU64,
    /// Rows stored.
    pub written: AtomicU64,
    /// Rows given up after the flush deadline passed during shutdown.
    pub lost: AtomicU64,
}

/// The handle the host submits entries through; never blocks. Cheap to clone.
#[derive(Debug, Clone)]
pub struct LogWriter {
    queue: mpsc::Sender<LogEntry>,
    stats: Arc<WriterStats>,
    alerts: Option<Alerts>,
    /// Dropped rows are logged as one line per interval with their count, not one line each.
    drops: Arc<RepeatedError>,
    access_log: bool,
}

impl LogWriter {
    /// Queues `entry` for writing. When the queue is full (the database is slower than the
    /// traffic or down, see [`QUEUE_CAPACITY`]) or the writer has stopped, the entry is
    /// refused: counted in [`WriterStats::dropped`], alerted, and logged at most once per
    /// interval with the number dropped since the last line.
    pub fn submit(&self, mut entry: LogEntry) {
        bound_texts(&mut entry.record);
        if self.access_log {
            access::write(&entry.record);
        }
        let (error, full) = match self.queue.try_send(entry) {
            Ok(()) => return,
            Err(mpsc::error::TrySendError::Full(entry)) => (entry, true),
            Err(mpsc::error::TrySendError::Closed(entry)) => (entry, false),
        };
        self.stats.dropped.fetch_add(1, Ordering::Relaxed);
        let reason = if full {
            "the request log queue is full"
        } else {
            "the request log writer has stopped"
        };
        if let Some(dropped) = self.drops.occurred() {
            tracing::error!(
                dropped,
                last_request_id = %error.record.request_id,
                "{reason}: request log rows were dropped (one line per {}s; /metrics counts every one)",
                DEFAULT_INTERVAL.as_secs()
            );
        }
        if let Some(alerts) = &self.alerts {
            alerts.raise(AlertEvent::LogWriteFailing {
                error: format!("{reason}: log rows are being dropped"),
            });
        }
    }

    /// Entries waiting to be written.
    pub fn queue_depth(&self) -> usize {
        self.queue.max_capacity() - self.queue.capacity()
    }

    /// The writer's counters.
    pub fn stats(&self) -> &Arc<WriterStats> {
        &self.stats
    }
}

/// Longest ids kept (request ids, the upstream's request id), in bytes.
pub const MAX_ID_BYTES: usize = 128;
/// Longest names kept (models, group, token, user, endpoint path), in bytes.
pub const MAX_NAME_BYTES: usize = 256;
/// Longest error text kept, in bytes.
pub const MAX_ERROR_BYTES: usize = 2048;
/// Longest metadata JSON kept; longer is dropped whole, since a cut document would not parse.
pub const MAX_METADATA_BYTES: usize = 8 * 1024;

/// Cuts every text of `record` a client can choose (directly, or through an error message
/// quoting it) to a fixed bound before it is queued, so neither the queue's memory nor a log
/// row nor a summary key grows with what a client sends, whatever the caller checked.
pub fn bound_texts(record: &mut UsageRecord) {
    cut(&mut record.request_id, MAX_ID_BYTES);
    for id in [&mut record.upstream_request_id].into_iter().flatten() {
        cut(id, MAX_ID_BYTES);
    }
    cut(&mut record.endpoint, MAX_NAME_BYTES);
    for name in [
        &mut record.requested_model,
        &mut record.upstream_model,
        &mut record.group_id,
        &mut record.token_name,
        &mut record.user,
    ]
    .into_iter()
    .flatten()
    {
        cut(name, MAX_NAME_BYTES);
    }
    if let Some(error) = &mut record.error {
        cut(error, MAX_ERROR_BYTES);
    }
    if record
        .metadata
        .as_ref()
        .is_some_and(|metadata| metadata.len() > MAX_METADATA_BYTES)
    {
        record.metadata = None;
    }
}

/// Shortens `text` to at most `max_bytes`, on a character boundary.
fn cut(text: &mut String, max_bytes: usize) {
    let kept = relay::prefix_within(text, max_bytes).len();
    text.truncate(kept);
}

impl UsageSink for LogWriter {
    fn record(&self, record: UsageRecord) {
        self.submit(LogEntry::from(record));
    }
}

/// The writer task.
#[derive(Debug)]
pub struct LogWriterTask {
    task: JoinHandle<()>,
    closing: CancellationToken,
    deadline: Arc<OnceLock<Instant>>,
    flush_timeout: Duration,
}

impl LogWriterTask {
    /// Stops accepting entries, writes every queued one, and returns when they are stored or
    /// the flush deadline has passed. Called after the server drained, so only requests that
    /// outlived the grace period can still be refused (and are counted as dropped).
    pub async fn finish(self) {
        let _ = self.deadline.set(Instant::now() + self.flush_timeout);
        self.closing.cancel();
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the request log writer failed");
        }
    }
}

/// Starts the writer on `store` (the log database) with [`WriterConfig::new`]'s defaults.
pub fn spawn(store: Store) -> (LogWriter, LogWriterTask) {
    spawn_with(WriterConfig::new(store))
}

/// Starts the writer.
pub fn spawn_with(config: WriterConfig) -> (LogWriter, LogWriterTask) {
    let (queue, receiver) = mpsc::channel(QUEUE_CAPACITY);
    let closing = CancellationToken::new();
    let stats = Arc::new(WriterStats::default());
    let deadline = Arc::new(OnceLock::new());
    let log = LogWriter {
        queue,
        stats: stats.clone(),
        alerts: config.alerts.clone(),
        drops: Arc::default(),
        access_log: config.access_log,
    };
    let flush_timeout = config.flush_timeout;
    let writer = Writer {
        config,
        stats,
        deadline: deadline.clone(),
    };
    let task = tokio::spawn(writer.run(receiver, closing.clone()));
    (
        log,
        LogWriterTask {
            task,
            closing,
            deadline,
            flush_timeout,
        },
    )
}

struct Writer {
    config: WriterConfig,
    stats: Arc<WriterStats>,
    /// Set by [`LogWriterTask::finish`]: failing batches are given up after it.
    deadline: Arc<OnceLock<Instant>>,
}

impl Writer {
    async fn run(self, mut receiver: mpsc::Receiver<LogEntry>, closing: CancellationToken) {
        let mut batch = Vec::with_capacity(BATCH_ROWS);
        loop {
            let first = tokio::select! {
                received = receiver.recv() => received,
                () = closing.cancelled() => {
                    // No new entries from here on; what is already queued is still drained.
                    receiver.close();
                    receiver.recv().await
                }
            };
            let Some(first) = first else {
                return;
            };
            batch.push(first);
            let linger = tokio::time::sleep(BATCH_LINGER);
            tokio::pin!(linger);
            while batch.len() < BATCH_ROWS {
                // Everything already queued is taken at once; then more is awaited until the
                // batch is full or the linger is over.
                let room = BATCH_ROWS - batch.len();
                tokio::select! {
                    received = receiver.recv_many(&mut batch, room) => if received == 0 {
                        break;
                    },
                    () = &mut linger => break,
                }
            }
            self.write_until_stored(&batch).await;
            batch.clear();
        }
    }

    /// Writes `batch`, retrying with a growing pause until it is stored; gives up only when
    /// shutdown's flush deadline has passed.
    async fn write_until_stored(&self, batch: &[LogEntry]) {
        // Whether the charges already committed (separate main database): a retry of the
        // log transaction must not charge again.
        let mut charged = false;
        let mut backoff = FIRST_BACKOFF;
        let mut failures = 0u32;
        loop {
            let attempt = crate::logs::insert::write_batch(&self.config, batch, &mut charged);
            let outcome = match self.remaining() {
                // The deadline bounds an attempt too: a database that hangs cannot hold
                // shutdown beyond it.
                Some(remaining) => tokio::time::timeout(remaining, attempt)
                    .await
                    .unwrap_or(Err(crate::logs::insert::WriteError::DeadlinePassed)),
                None => attempt.await,
            };
            let error = match outcome {
                Ok(()) => {
                    self.stats
                        .written
                        .fetch_add(batch.len() as u64, Ordering::Relaxed);
                    if failures > 0 {
                        tracing::info!(
                            failures,
                            rows = batch.len(),
                            "request logs written after retrying"
                        );
                    }
                    return;
                }
                Err(error) => error,
            };
            failures += 1;
            self.stats.write_failures.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(%error, failures, rows = batch.len(), "cannot write request logs; retrying");
            if failures == ALERT_AFTER_FAILURES
                && let Some(alerts) = &self.config.alerts
            {
                alerts.raise(AlertEvent::LogWriteFailing {
                    error: error.to_string(),
                });
            }
            let pause = match self.remaining() {
                Some(remaining) if remaining.is_zero() => {
                    self.stats
                        .lost
                        .fetch_add(batch.len() as u64, Ordering::Relaxed);
                    tracing::error!(
                        rows = batch.len(),
                        failures,
                        "request log rows lost: the database still failed when the shutdown flush deadline passed"
                    );
                    return;
                }
                Some(remaining) => backoff.min(remaining),
                None => backoff,
            };
            tokio::time::sleep(pause).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    /// Time left before the flush deadline; `None` while the server runs.
    fn remaining(&self) -> Option<Duration> {
        self.deadline
            .get()
            .map(|deadline| deadline.saturating_duration_since(Instant::now()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use crate::logs::access::tests::Captured;

    #[tokio::test]
    async fn access_lines_follow_the_access_log_setting() {
        for enabled in [true, false] {
            let (queue, _receiver) = mpsc::channel(8);
            let log = LogWriter {
                queue,
                stats: Arc::default(),
                alerts: None,
                drops: Arc::default(),
                access_log: enabled,
            };
            let captured = Captured::default();
            let writer = captured.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_writer(move || writer.clone())
                .with_ansi(false)
                .finish();
            tracing::subscriber::with_default(subscriber, || {
                log.submit(LogEntry::from(UsageRecord::new(
                    "req-9",
                    "/v1/embeddings",
                    200,
                )));
            });
            let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
            assert_eq!(text.contains("req-9"), enabled, "{text}");
        }
    }

    #[test]
    fn a_flood_of_dropped_rows_logs_one_line_and_counts_every_row() {
        let (queue, receiver) = mpsc::channel(1);
        drop(receiver);
        let log = LogWriter {
            queue,
            stats: Arc::default(),
            alerts: None,
            drops: Arc::default(),
            access_log: false,
        };
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            for _ in 0..10_000 {
                log.submit(LogEntry::from(UsageRecord::default()));
            }
        });
        assert_eq!(log.stats().dropped.load(Ordering::Relaxed), 10_000);
        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains("request log rows were dropped"), "{text}");
    }
}
