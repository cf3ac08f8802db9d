//! The request log writer: log entries from the relay (usage, cost, bodies) are journaled, queued (bounded)
//! and written in batches together with their summaries and billing charges, retried until stored,
//! and flushed on shutdown.
//!
//! One batch is one transaction: the log rows, their bodies, the minute/hour summary
//! increments and (when the log database is the main one) the token and group charges commit
//! together or not at all, so a batch retried after an error never counts or charges twice.
//! With a separate log database (`LOG_SQL_DSN`) the charges commit first in the main database,
//! once per batch (money before logs), and the log transaction is retried on its own. Each
//! entry carries a row key chosen when it is submitted, and a batch skips the entries whose key
//! is already stored (`crate::logs::claims`), so a batch applied twice (a commit whose outcome
//! was unknown, a journal replay) stores and charges each entry once. With
//! `LOG_REQUESTS=false` a batch writes only its summaries and charges.
//!
//! With the journal (`crate::logs::journal`, the default in the server) every entry is
//! appended to local files first and the queue below is only the fast path: when it is full
//! the entries stay in the files and the writer reads them back in order once it has emptied
//! the queue, and entries not stored when the process stops are replayed at the next start.
//! Nothing is dropped then unless the journal's budget is exhausted (the governor refuses new
//! billable requests meanwhile). Without it (tests, embedders) memory is bounded by
//! [`QUEUE_CAPACITY`] entries and a full queue refuses new entries, each refusal counted
//! ([`WriterStats::dropped`], exported as `aiproxy_log_rows_dropped_total`), logged with its
//! request id and raised as an alert. The writer never gives a batch up while the process
//! runs: it retries with a growing pause. After shutdown starts, a failing batch is retried
//! until the flush deadline; with the journal, what is still unstored then waits in the files.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use relay::host::{UsageRecord, UsageSink};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::access;
use super::entry::{KeyedEntry, LogEntry, WriterConfig};
use super::journal::appender::{self, JournalInbox};
use super::journal::segments::SegmentReader;
use super::journal::{JournalShared, JournalStatus, LogAdmission};
use crate::alerts::{AlertEvent, Alerts};
use crate::process::repeated::{DEFAULT_INTERVAL, RepeatedError};

/// Entries held in memory at most by default (`LOG_QUEUE_CAPACITY`; about 1 KiB each without
/// bodies, up to twice the detail limit more with them). At 10k requests/s this is six seconds
/// of traffic: the journal takes over beyond it, and without a journal it is what a database
/// hiccup can be ridden out with, small enough that an outage cannot exhaust memory.
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
/// Time between two prunings of old claims (`crate::logs::claims`).
const PRUNE_CLAIMS_EVERY: Duration = Duration::from_secs(3600);
const PRUNE_CLAIMS_ROWS: i64 = 10_000;

/// Counters of the writer, read by `/metrics`.
#[derive(Debug, Default)]
pub struct WriterStats {
    /// Entries refused: the queue was full without a journal, the journal was exhausted and
    /// the queue full, or the writer had stopped.
    pub dropped: AtomicU64,
    /// Failed write attempts (each retried).
    pub write_failures: AtomicU64,
    /// Rows stored.
    pub written: AtomicU64,
    /// Rows given up after the flush deadline passed during shutdown (with the journal they
    /// are replayed at the next start).
    pub lost: AtomicU64,
}

/// Counts, logs (one line per interval) and alerts refused entries.
#[derive(Debug, Clone)]
pub struct DropReporter {
    stats: Arc<WriterStats>,
    alerts: Option<Alerts>,
    repeated: Arc<RepeatedError>,
}

impl DropReporter {
    /// One entry was refused for `reason`.
    pub fn dropped(&self, reason: &str, request_id: &str) {
        self.stats.dropped.fetch_add(1, Ordering::Relaxed);
        if let Some(dropped) = self.repeated.occurred() {
            tracing::error!(
                dropped,
                last_request_id = %request_id,
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
}

/// The handle the host submits entries through; never blocks. Cheap to clone.
#[derive(Debug, Clone)]
pub struct LogWriter {
    /// The writer's queue without a journal (with one, only the journal thread sends).
    queue: Option<mpsc::Sender<KeyedEntry>>,
    /// Reads the queue's depth without keeping it open.
    queue_probe: mpsc::WeakSender<KeyedEntry>,
    /// Where entries go first when the journal is on.
    journal: Option<JournalInbox>,
    journal_max_bytes: u64,
    drops: DropReporter,
    access_log: bool,
}

impl LogWriter {
    /// Journals `entry` (or, without a journal, queues it). An entry that can be neither
    /// journaled nor queued (see the module doc) is refused: counted in
    /// [`WriterStats::dropped`], alerted, and logged at most once per interval with the
    /// number dropped since the last line.
    pub fn submit(&self, entry: LogEntry) {
        self.submit_keyed(KeyedEntry::new(entry));
    }

    /// Submits `entry` under a row key of the caller's: an entry submitted again under the same
    /// key (by another replica, or after a restart) is stored and charged once, as a replay is.
    /// For bills settled after their request, whose key is derived from what they bill.
    pub fn submit_with_key(&self, key: String, entry: LogEntry) {
        let mut keyed = KeyedEntry::new(entry);
        keyed.key = key;
        self.submit_keyed(keyed);
    }

    fn submit_keyed(&self, mut keyed: KeyedEntry) {
        bound_texts(&mut keyed.entry.record);
        release_bodies(&mut keyed.entry);
        if self.access_log {
            access::write(&keyed.entry.record);
        }
        let (refused, reason) = match &self.journal {
            Some(journal) if journal.shared.closing.load(Ordering::Acquire) => {
                (keyed, "the request log writer has stopped")
            }
            Some(journal) => match journal.sender.try_send(Box::new(keyed)) {
                Ok(()) => return,
                Err(std::sync::mpsc::TrySendError::Full(keyed)) => (
                    *keyed,
                    "the request-log journal cannot keep up with the traffic",
                ),
                Err(std::sync::mpsc::TrySendError::Disconnected(keyed)) => {
                    (*keyed, "the request log writer has stopped")
                }
            },
            // Without a journal the queue is always there.
            None => match &self.queue {
                None => (keyed, "the request log writer has stopped"),
                Some(queue) => match queue.try_send(keyed) {
                    Ok(()) => return,
                    Err(mpsc::error::TrySendError::Full(keyed)) => {
                        (keyed, "the request log queue is full")
                    }
                    Err(mpsc::error::TrySendError::Closed(keyed)) => {
                        (keyed, "the request log writer has stopped")
                    }
                },
            },
        };
        self.drops.dropped(reason, &refused.entry.record.request_id);
    }

    /// Entries waiting in memory to be written.
    pub fn queue_depth(&self) -> usize {
        self.queue_probe
            .upgrade()
            .map_or(0, |queue| queue.max_capacity() - queue.capacity())
    }

    /// The writer's counters.
    pub fn stats(&self) -> &Arc<WriterStats> {
        &self.drops.stats
    }

    /// What the governor reads to refuse billable requests while the journal is exhausted
    /// (never refuses without a journal).
    pub fn admission(&self) -> LogAdmission {
        self.journal
            .as_ref()
            .map(|journal| journal.shared.admission.clone())
            .unwrap_or_default()
    }

    /// The journal's state, size and backlog; `None` without a journal.
    pub fn journal_status(&self) -> Option<JournalStatus> {
        self.journal.as_ref().map(|journal| JournalStatus {
            state: journal.shared.state(),
            bytes: journal.shared.bytes.load(Ordering::Relaxed),
            max_bytes: self.journal_max_bytes,
            pending_entries: journal.shared.pending(),
        })
    }

    /// The journal's counters; `None` without a journal.
    pub fn journal_counters(&self) -> Option<&Arc<JournalShared>> {
        self.journal.as_ref().map(|journal| &journal.shared)
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

/// Drops the bodies the row will not store and copies out the ones it will, before the entry
/// waits in a queue: the relay hands them over as slices of the request's and the answer's
/// buffers (cut to the detail limit), and a slice keeps its whole buffer alive, so without
/// this every queued entry would pin a whole upload and a whole answer until its batch is
/// written (under load, tens of thousands of entries).
fn release_bodies(entry: &mut LogEntry) {
    let keep = crate::logs::insert::keeps_detail(entry);
    let record = &mut entry.record;
    for body in [&mut record.request_body, &mut record.response_body] {
        *body = match body.take() {
            Some(kept) if keep => Some(bytes::Bytes::copy_from_slice(&kept)),
            _ => None,
        };
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
    journal: Option<(Arc<JournalShared>, std::thread::JoinHandle<()>)>,
}

impl LogWriterTask {
    /// Stops accepting entries, writes every queued (and journaled) one, and returns when they
    /// are stored or the flush deadline has passed. Called after the server drained, so only
    /// requests that outlived the grace period can still be refused (and are counted as
    /// dropped).
    pub async fn finish(self) {
        let _ = self.deadline.set(Instant::now() + self.flush_timeout);
        self.closing.cancel();
        if let Some((shared, _)) = &self.journal {
            shared
                .closing
                .store(true, std::sync::atomic::Ordering::Release);
        }
        if let Err(error) = self.task.await {
            tracing::error!(%error, "the request log writer failed");
        }
        if let Some((_, thread)) = self.journal {
            // The thread stops within one fsync interval of `closing`; joined off the runtime.
            let joined = tokio::task::spawn_blocking(move || thread.join()).await;
            if !matches!(joined, Ok(Ok(()))) {
                tracing::error!("the request-log journal thread failed");
            }
        }
    }
}

/// Starts the writer on `store` (the log database) with [`WriterConfig::new`]'s defaults.
pub fn spawn(store: crate::store::Store) -> (LogWriter, LogWriterTask) {
    spawn_with(WriterConfig::new(store))
}

/// Starts the writer; a journal that cannot be opened is reported and the writer runs
/// without it (use [`try_spawn`] to fail instead).
pub fn spawn_with(config: WriterConfig) -> (LogWriter, LogWriterTask) {
    match try_spawn(config.clone()) {
        Ok(started) => started,
        Err(error) => {
            tracing::error!(%error, "cannot open the request-log journal: request logs are kept in memory only");
            let mut config = config;
            config.journal = None;
            try_spawn(config).unwrap_or_else(|_| stopped_writer())
        }
    }
}

/// A writer that refuses (and counts) every entry: what [`spawn_with`] would fall back to if
/// starting without a journal failed, which it cannot (only opening a journal can fail).
fn stopped_writer() -> (LogWriter, LogWriterTask) {
    let (queue, receiver) = mpsc::channel(1);
    drop(receiver);
    let stats = Arc::new(WriterStats::default());
    (
        LogWriter {
            queue_probe: queue.downgrade(),
            queue: Some(queue),
            journal: None,
            journal_max_bytes: 0,
            drops: DropReporter {
                stats,
                alerts: None,
                repeated: Arc::default(),
            },
            access_log: false,
        },
        LogWriterTask {
            task: tokio::spawn(async {}),
            closing: CancellationToken::new(),
            deadline: Arc::default(),
            flush_timeout: Duration::ZERO,
            journal: None,
        },
    )
}

/// Starts the writer, and its journal when configured (recovering the entries a previous run
/// left unstored, which are written before any new one).
pub fn try_spawn(config: WriterConfig) -> std::io::Result<(LogWriter, LogWriterTask)> {
    let (queue, receiver) = mpsc::channel(config.queue_capacity.max(1));
    let closing = CancellationToken::new();
    let stats = Arc::new(WriterStats::default());
    let deadline = Arc::new(OnceLock::new());
    let drops = DropReporter {
        stats: stats.clone(),
        alerts: config.alerts.clone(),
        repeated: Arc::default(),
    };
    let queue_probe = queue.downgrade();
    let mut queue = Some(queue);
    let (journal_inbox, journal_side, journal_thread) = match &config.journal {
        Some(journal_config) => {
            let opened = appender::open(
                journal_config.clone(),
                queue
                    .take()
                    .ok_or_else(|| std::io::Error::other("no queue"))?,
                Arc::new(|keyed: &KeyedEntry| crate::logs::insert::keeps_detail(&keyed.entry)),
                drops.clone(),
            )?;
            let shared = opened.inbox.shared.clone();
            (
                Some(opened.inbox),
                Some(JournalSide {
                    shared: shared.clone(),
                    reader: Some(opened.reader),
                    reading: false,
                }),
                Some((shared, opened.thread)),
            )
        }
        None => (None, None, None),
    };
    let log = LogWriter {
        // With a journal only its thread holds the queue's sender, so the writer sees the
        // queue end when the thread stops.
        queue,
        queue_probe,
        journal: journal_inbox,
        journal_max_bytes: config
            .journal
            .as_ref()
            .map_or(0, |journal| journal.max_bytes),
        drops,
        access_log: config.access_log,
    };
    let flush_timeout = config.flush_timeout;
    let writer = Writer {
        config,
        stats,
        deadline: deadline.clone(),
        journal: journal_side,
        last_prune: Instant::now(),
    };
    let task = tokio::spawn(writer.run(receiver, closing.clone()));
    Ok((
        log,
        LogWriterTask {
            task,
            closing,
            deadline,
            flush_timeout,
            journal: journal_thread,
        },
    ))
}

/// The writer's side of the journal.
struct JournalSide {
    shared: Arc<JournalShared>,
    /// Taken while a read runs on a blocking thread.
    reader: Option<SegmentReader>,
    /// Reading spilled entries back (the queue is not the source right now).
    reading: bool,
}

struct Writer {
    config: WriterConfig,
    stats: Arc<WriterStats>,
    /// Set by [`LogWriterTask::finish`]: failing batches are given up after it.
    deadline: Arc<OnceLock<Instant>>,
    journal: Option<JournalSide>,
    last_prune: Instant,
}

impl Writer {
    async fn run(mut self, mut receiver: mpsc::Receiver<KeyedEntry>, closing: CancellationToken) {
        let mut batch = Vec::with_capacity(BATCH_ROWS);
        loop {
            let more = if self.journal.is_some() {
                self.next_journaled_batch(&mut receiver, &mut batch).await
            } else {
                next_queued_batch(&mut receiver, &closing, &mut batch).await
            };
            if !more {
                return;
            }
            let stored = self.write_until_stored(&batch).await;
            if let Some(journal) = &self.journal {
                if !stored {
                    // Shutdown's deadline passed with the database failing: the rest stays
                    // in the journal for the next start.
                    tracing::error!(
                        pending = journal.shared.pending(),
                        "request log rows not stored before the shutdown deadline stay in the journal for the next start"
                    );
                    return;
                }
                if let Some(last) = batch.iter().map(|keyed| keyed.seq).max() {
                    journal.shared.committed.fetch_max(last, Ordering::AcqRel);
                }
            }
            batch.clear();
            if self.last_prune.elapsed() >= PRUNE_CLAIMS_EVERY {
                self.last_prune = Instant::now();
                self.prune_claims().await;
            }
        }
    }

    /// The next batch with a journal: the queue while it has entries, then the entries the
    /// journal spilled, read back from its files in order. False when the journal thread has
    /// stopped and everything it passed on or spilled was taken.
    async fn next_journaled_batch(
        &mut self,
        receiver: &mut mpsc::Receiver<KeyedEntry>,
        batch: &mut Vec<KeyedEntry>,
    ) -> bool {
        let Some(journal) = self.journal.as_mut() else {
            return false;
        };
        let shared = journal.shared.clone();
        loop {
            // The handoff is read before the queue: the thread queued every entry before
            // `spilled_from` before it set it, so a queue found empty after this read has
            // given all of them, and the files can be read from `spilled_from` on without
            // storing (and checkpointing) an entry ahead of one still queued.
            let (spilled_from, readable) = {
                let handoff = shared.handoff();
                (handoff.spilled_from, handoff.readable)
            };
            let queue_ended = match receiver.try_recv() {
                Ok(first) => {
                    batch.push(first);
                    linger(receiver, batch).await;
                    return true;
                }
                Err(mpsc::error::TryRecvError::Empty) => false,
                Err(mpsc::error::TryRecvError::Disconnected) => true,
            };
            if let Some(from) = spilled_from {
                let Some(mut reader) = journal.reader.take() else {
                    return false;
                };
                if !journal.reading {
                    reader.seek(from);
                    journal.reading = true;
                }
                let corrupt = shared.clone();
                let read = tokio::task::spawn_blocking(move || {
                    let entries = reader.read(readable, BATCH_ROWS, &corrupt.corrupt);
                    (reader, entries)
                })
                .await;
                let Ok((reader, entries)) = read else {
                    tracing::error!("the request-log journal reader failed");
                    return false;
                };
                let next_seq = reader.next_seq();
                journal.reader = Some(reader);
                match entries {
                    Ok(entries) if !entries.is_empty() => {
                        shared
                            .read_back
                            .fetch_add(entries.len() as u64, Ordering::Relaxed);
                        batch.extend(entries);
                        return true;
                    }
                    Ok(_) => {
                        // Caught up: entries after what was read go to the queue again.
                        let mut handoff = shared.handoff();
                        if next_seq > handoff.readable {
                            handoff.spilled_from = None;
                            journal.reading = false;
                        }
                    }
                    Err(error) => {
                        tracing::error!(%error, "cannot read the request-log journal; retrying");
                        tokio::time::sleep(FIRST_BACKOFF).await;
                    }
                }
                continue;
            }
            if queue_ended {
                return false;
            }
            tokio::select! {
                received = receiver.recv() => if let Some(first) = received {
                    batch.push(first);
                    linger(receiver, batch).await;
                    return true;
                },
                () = shared.spill_written.notified() => {}
            }
        }
    }

    /// Writes `batch`, retrying with a growing pause until it is stored; gives up only when
    /// shutdown's flush deadline has passed (then returns false).
    async fn write_until_stored(&self, batch: &[KeyedEntry]) -> bool {
        // Whether the charges already committed (separate main database): a retry of the
        // log transaction need not charge again (the claims would skip it anyway).
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
                    return true;
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
                    return false;
                }
                Some(remaining) => backoff.min(remaining),
                None => backoff,
            };
            tokio::time::sleep(pause).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    /// Deletes claims too old to matter from the databases that hold them.
    async fn prune_claims(&self) {
        let stores = std::iter::once(&self.config.store).chain(self.config.billing_store.as_ref());
        for store in stores {
            if let Err(error) = crate::logs::claims::prune(store, PRUNE_CLAIMS_ROWS).await {
                tracing::warn!(%error, "cannot prune old request-log claims");
            }
        }
    }

    /// Time left before the flush deadline; `None` while the server runs.
    fn remaining(&self) -> Option<Duration> {
        self.deadline
            .get()
            .map(|deadline| deadline.saturating_duration_since(Instant::now()))
    }
}

/// The next batch without a journal: false when the queue is closed and empty.
async fn next_queued_batch(
    receiver: &mut mpsc::Receiver<KeyedEntry>,
    closing: &CancellationToken,
    batch: &mut Vec<KeyedEntry>,
) -> bool {
    let first = tokio::select! {
        received = receiver.recv() => received,
        () = closing.cancelled() => {
            // No new entries from here on; what is already queued is still drained.
            receiver.close();
            receiver.recv().await
        }
    };
    let Some(first) = first else {
        return false;
    };
    batch.push(first);
    linger(receiver, batch).await;
    true
}

/// Fills `batch` with what is queued, waiting up to [`BATCH_LINGER`] for more.
async fn linger(receiver: &mut mpsc::Receiver<KeyedEntry>, batch: &mut Vec<KeyedEntry>) {
    let linger = tokio::time::sleep(BATCH_LINGER);
    tokio::pin!(linger);
    while batch.len() < BATCH_ROWS {
        // Everything already queued is taken at once; then more is awaited until the
        // batch is full or the linger is over.
        let room = BATCH_ROWS - batch.len();
        tokio::select! {
            received = receiver.recv_many(batch, room) => if received == 0 {
                break;
            },
            () = &mut linger => break,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use crate::logs::access::tests::Captured;

    fn memory_writer(queue: mpsc::Sender<KeyedEntry>, access_log: bool) -> LogWriter {
        LogWriter {
            queue_probe: queue.downgrade(),
            queue: Some(queue),
            journal: None,
            journal_max_bytes: 0,
            drops: DropReporter {
                stats: Arc::default(),
                alerts: None,
                repeated: Arc::default(),
            },
            access_log,
        }
    }

    #[tokio::test]
    async fn access_lines_follow_the_access_log_setting() {
        for enabled in [true, false] {
            let (queue, _receiver) = mpsc::channel(8);
            let log = memory_writer(queue, enabled);
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
        let log = memory_writer(queue, false);
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

    #[tokio::test]
    async fn a_queued_entry_holds_only_the_bodies_its_row_stores_and_never_the_request_buffers() {
        let (queue, mut receiver) = mpsc::channel(8);
        let log = memory_writer(queue, false);
        let upload = bytes::Bytes::from(vec![b'u'; 1 << 20]);
        let answer = bytes::Bytes::from(vec![b'a'; 1 << 20]);
        for status in [200, 500] {
            let mut record = UsageRecord::new("req", "/v1/chat/completions", status);
            record.request_body = Some(upload.slice(..100));
            record.response_body = Some(answer.slice(..50));
            log.submit(LogEntry::from(record));
        }
        let answered = receiver.recv().await.unwrap().entry.record;
        assert!(answered.request_body.is_none() && answered.response_body.is_none());
        let failed = receiver.recv().await.unwrap().entry.record;
        let (request, response) = (failed.request_body.unwrap(), failed.response_body.unwrap());
        assert_eq!((request.len(), response.len()), (100, 50));
        // Copies: the megabyte buffers are referenced by this test alone again.
        assert!(upload.is_unique() && answer.is_unique());
        assert!(request.is_unique() && response.is_unique());
    }
}
