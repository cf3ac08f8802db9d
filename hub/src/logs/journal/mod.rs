//! The request-log journal: every log entry goes to local segment files before the database, so answered requests are billed through outages and restarts.
//!
//! **Flow.** `LogWriter::submit` hands the entry to the journal thread (a plain OS thread:
//! the async runtime never waits on the disk). The thread appends it to the current segment
//! ([`segments`], records framed by [`record`]), writes its buffer out to the OS once per
//! batch of entries it received together, and then passes the entries on to the database
//! writer's in-memory queue. When that queue is full (the database is down or slower than the
//! traffic) entries are no longer dropped: the thread notes the first sequence number it
//! could not pass on ([`Handoff::spilled_from`]) and from then on the entries live only in the
//! journal; the writer, once it has emptied its queue, reads them back from the files in order
//! ([`segments::SegmentReader`]) and, when it has caught up with what was written, hands back
//! to the queue under the same lock, so no entry is skipped or read twice.
//!
//! **Progress and deletion.** After each stored batch the writer records the highest sequence
//! stored ([`JournalShared::committed`]); the thread writes it to the `checkpoint` file on
//! every fsync tick and deletes segments whose entries are all stored. At start the journal
//! reads the checkpoint and replays every entry after it before any new one; the checkpoint
//! may lag the database (it is written after the commit, and not fsynced), so a replayed
//! entry may already be stored: the batch write skips it by its row key
//! (`crate::logs::claims`), so it is neither stored nor charged twice.
//!
//! **Durability and the SIGKILL window.** Segments are fsynced (`fdatasync`) every
//! `LOG_JOURNAL_FSYNC_MS` (default 100 ms), not per entry: one fsync per entry would cap the
//! gateway at the disk's flush rate. An entry is in the OS page cache at most about 2 ms
//! after its request's usage record is made (the journal thread lets entries gather for
//! [`appender::GATHER`] after the first one wakes it, then writes them with one `write`), so a SIGKILL of the process loses nothing written so far (the kernel still holds
//! and flushes it); only a crash of the machine itself (power, kernel) loses the entries
//! written since the last fsync: at most one fsync interval of answered traffic (about 0.1 s,
//! 1,500 rows at 15k req/s) plus what was still in the thread's channel. A record cut by such
//! a crash fails its checksum and is dropped at start (the file is cut before it), never
//! parsed. The entry is submitted as its answer ends, not after the client has it, so a
//! client may see its answer complete a moment before the entry reaches the page cache: a
//! SIGKILL in that moment loses at most the entries of the requests in flight then and the
//! ones gathered in the last 2 ms, still in the thread's channel. `hub/tests/log_sigkill.rs` kills the binary under 32 busy clients
//! and counts it (0 of about 2,000 answers lost in the runs the README reports); making each
//! answer wait for its entry's write would close the window at the price of a thread hop per
//! request, and waiting for the fsync would add up to `LOG_JOURNAL_FSYNC_MS` to every answer.
//!
//! **Budget.** The segment files take at most `LOG_JOURNAL_MAX_BYTES` (default 2 GiB: about
//! two minutes of 15k req/s at 1 KiB an entry). At 95 % of it (or when the directory cannot be
//! written) the journal is *exhausted*: [`LogAdmission`] refuses new billable requests with 503
//! (an atomic read in the governor), unless `LOG_JOURNAL_WHEN_FULL=serve` chose to serve them.
//! The last 5 % is for the entries of requests admitted before the refusals began; past the
//! whole budget entries go to the memory queue while it has room and are dropped (counted)
//! after that: with `serve`, the rows and charges of the requests served meanwhile, with
//! `refuse`, the refusals' own rows (which charge nothing). The journal opens again when
//! stored segments are deleted and the files are below nine tenths of the budget.

pub mod appender;
pub mod record;
pub mod segments;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;

/// Where and how the journal keeps its files.
#[derive(Debug, Clone)]
pub struct JournalConfig {
    /// The segment files and the checkpoint (`LOG_JOURNAL_DIR`, default `DATA_DIR/log-journal`).
    pub dir: PathBuf,
    /// The most the segment files may take (`LOG_JOURNAL_MAX_BYTES`).
    pub max_bytes: u64,
    /// Time between two fsyncs of the current segment (`LOG_JOURNAL_FSYNC_MS`).
    pub fsync_interval: Duration,
    /// What an exhausted journal does to new billable requests (`LOG_JOURNAL_WHEN_FULL`).
    pub when_full: WhenFull,
    /// A segment is closed and a new one begun past this size; a segment is deleted whole, so
    /// this is also the granularity at which stored entries give their space back.
    pub segment_bytes: u64,
}

/// Default of `LOG_JOURNAL_MAX_BYTES`.
pub const DEFAULT_MAX_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// Default of `LOG_JOURNAL_FSYNC_MS`.
pub const DEFAULT_FSYNC_MS: u64 = 100;
/// Default segment size: an eighth of the budget, at most 64 MiB.
pub fn default_segment_bytes(max_bytes: u64) -> u64 {
    (max_bytes / 8).clamp(64 * 1024, 64 * 1024 * 1024)
}

impl JournalConfig {
    /// A journal in `dir` with the default budget, fsync interval and policy.
    pub fn new(dir: impl Into<PathBuf>) -> JournalConfig {
        JournalConfig {
            dir: dir.into(),
            max_bytes: DEFAULT_MAX_BYTES,
            fsync_interval: Duration::from_millis(DEFAULT_FSYNC_MS),
            when_full: WhenFull::Refuse,
            segment_bytes: default_segment_bytes(DEFAULT_MAX_BYTES),
        }
    }
}

/// What happens to new billable requests while the journal is exhausted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WhenFull {
    /// Refuse them with 503: nothing is served that cannot be billed.
    #[default]
    Refuse,
    /// Serve them; their rows (and charges) are dropped and counted.
    Serve,
}

impl WhenFull {
    /// `refuse` or `serve`.
    pub fn parse(text: &str) -> Option<WhenFull> {
        match text.trim().to_ascii_lowercase().as_str() {
            "refuse" => Some(WhenFull::Refuse),
            "serve" => Some(WhenFull::Serve),
            _ => None,
        }
    }
}

/// The governor's view of the journal: whether new billable requests must be refused. Cheap
/// to clone and to read (one atomic load per request); the default never refuses.
#[derive(Debug, Clone, Default)]
pub struct LogAdmission {
    refusing: Arc<AtomicBool>,
}

impl LogAdmission {
    /// True while the journal is exhausted and the policy is [`WhenFull::Refuse`].
    pub fn refuses(&self) -> bool {
        self.refusing.load(Ordering::Relaxed)
    }
}

/// The state `/api/status` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JournalState {
    /// Entries go to the database from memory.
    Memory,
    /// The queue was full: entries are read back from the journal.
    Spilled,
    /// Out of budget (or the directory cannot be written): new entries cannot be journaled.
    Exhausted,
}

/// What the journal thread and the writer share.
#[derive(Debug, Default)]
pub struct JournalShared {
    /// Bytes of the segment files.
    pub bytes: AtomicU64,
    /// The highest sequence number written so far.
    pub written: AtomicU64,
    /// The highest sequence number stored in the database, every lower one stored too.
    pub committed: AtomicU64,
    /// Entries that went to the journal only because the queue was full.
    pub spilled: AtomicU64,
    /// Entries read back from the files (spilled ones and those replayed at start).
    pub read_back: AtomicU64,
    /// Records skipped because their checksum or content was bad (torn or corrupt).
    pub corrupt: AtomicU64,
    /// Entries that could not be journaled (budget exhausted or the directory failing).
    pub unjournaled: AtomicU64,
    /// The budget is exhausted or the directory cannot be written.
    pub exhausted: AtomicBool,
    /// Set by the writer's shutdown: the thread journals what it has received and stops.
    pub closing: AtomicBool,
    /// What the governor reads.
    pub admission: LogAdmission,
    handoff: Mutex<Handoff>,
    /// Wakes the writer when entries were spilled to the files.
    pub spill_written: tokio::sync::Notify,
}

/// Who holds the entries after the last one passed to the queue; changed only under the lock,
/// by the thread (to spill) and by the writer (to return to the queue).
#[derive(Debug, Default, Clone, Copy)]
pub struct Handoff {
    /// `Some(seq)`: entries from `seq` on are in the journal only.
    pub spilled_from: Option<u64>,
    /// The highest sequence number whose bytes the OS holds (readable from the files).
    pub readable: u64,
}

impl JournalShared {
    /// The handoff under its lock (a poisoned lock still holds consistent numbers: every
    /// change is one assignment).
    pub fn handoff(&self) -> MutexGuard<'_, Handoff> {
        self.handoff
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Entries journaled and not yet stored.
    pub fn pending(&self) -> u64 {
        self.written
            .load(Ordering::Relaxed)
            .saturating_sub(self.committed.load(Ordering::Relaxed))
    }

    pub fn state(&self) -> JournalState {
        if self.exhausted.load(Ordering::Relaxed) {
            JournalState::Exhausted
        } else if self.handoff().spilled_from.is_some() {
            JournalState::Spilled
        } else {
            JournalState::Memory
        }
    }

    /// Records whether the journal is exhausted and, per `when_full`, whether to refuse.
    fn set_exhausted(&self, exhausted: bool, when_full: WhenFull) {
        self.exhausted.store(exhausted, Ordering::Relaxed);
        self.admission.refusing.store(
            exhausted && when_full == WhenFull::Refuse,
            Ordering::Relaxed,
        );
    }
}

/// A snapshot for `/api/status` and `/metrics`.
#[derive(Debug, Clone, Serialize)]
pub struct JournalStatus {
    pub state: JournalState,
    pub bytes: u64,
    pub max_bytes: u64,
    /// Entries journaled and not yet stored.
    pub pending_entries: u64,
}
