//! The journal thread: appends entries, passes them to the writer's queue or spills them, fsyncs on a timer, checkpoints and keeps the budget.

use std::collections::VecDeque;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TryRecvError};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::record;
use super::segments::{self, Segment, SegmentReader};
use super::{JournalConfig, JournalShared};
use crate::logs::entry::KeyedEntry;
use crate::logs::writer::DropReporter;
use crate::process::repeated::RepeatedError;

/// Entries waiting for the thread. Not the memory budget of the log (that is the writer's
/// queue, and the journal beyond it): only what arrives while one batch is being written.
/// The channel allocates all its slots up front, so entries travel boxed: 512 KiB of slots
/// instead of the 42 MiB that 65,536 inline entries took whether or not they were ever used.
pub const INBOX_CAPACITY: usize = 65_536;
/// Entries written with one `write` at most.
const MAX_BATCH: usize = 4_096;
/// How long the thread lets entries gather after the first one wakes it, before it writes
/// them all with one `write` (capped by the fsync interval). Waking for every entry cost a
/// futex wake, two context switches and a `write` per request, on the cores that serve the
/// requests; this bounds the thread to one wake-up per interval under any load. It is also
/// what a SIGKILL can lose beyond the entries already written: at most this much of the
/// answered traffic.
pub const GATHER: Duration = Duration::from_millis(2);

/// The submitting side: where `LogWriter::submit` sends entries.
#[derive(Debug, Clone)]
pub struct JournalInbox {
    pub sender: SyncSender<Box<KeyedEntry>>,
    pub shared: Arc<JournalShared>,
}

/// What [`open`] hands the writer.
#[derive(Debug)]
pub struct Opened {
    pub inbox: JournalInbox,
    /// Positioned at the first entry to replay (or at the next one to be written).
    pub reader: SegmentReader,
    pub thread: std::thread::JoinHandle<()>,
}

/// Recovers the journal in `config.dir` (creating it), and starts the thread, which passes
/// entries on to `queue`. Entries after the checkpoint are marked spilled, so the writer
/// replays them before any new one.
pub fn open(
    config: JournalConfig,
    queue: mpsc::Sender<KeyedEntry>,
    keep_bodies: Arc<dyn Fn(&KeyedEntry) -> bool + Send + Sync>,
    drops: DropReporter,
) -> io::Result<Opened> {
    fs::create_dir_all(&config.dir)?;
    let checkpoint = segments::read_checkpoint(&config.dir);
    let recovered = segments::recover(&config.dir, checkpoint)?;
    let next_seq = recovered.last_seq.max(checkpoint) + 1;
    let shared = Arc::new(JournalShared::default());
    shared.committed.store(checkpoint, Ordering::Relaxed);
    shared.written.store(next_seq - 1, Ordering::Relaxed);
    shared.corrupt.store(recovered.corrupt, Ordering::Relaxed);
    {
        let mut handoff = shared.handoff();
        handoff.readable = next_seq - 1;
        handoff.spilled_from = recovered.first_pending;
    }
    if recovered.pending > 0 {
        tracing::info!(
            entries = recovered.pending,
            from = recovered.first_pending,
            "request-log journal: replaying entries not yet stored"
        );
    }
    let reader = SegmentReader::new(&config.dir, recovered.first_pending.unwrap_or(next_seq));
    let segments: VecDeque<Segment> = recovered.segments.into();
    let bytes = segments.iter().map(|segment| segment.bytes).sum();
    shared.bytes.store(bytes, Ordering::Relaxed);
    let (sender, inbox) = std::sync::mpsc::sync_channel(INBOX_CAPACITY);
    let mut appender = Appender {
        config,
        shared: shared.clone(),
        inbox,
        queue,
        keep_bodies,
        drops,
        segments,
        current: None,
        next_seq,
        checkpointed: checkpoint,
        broken: false,
        write_failures: RepeatedError::default(),
        failed_since_last_write: false,
    };
    appender.start_segment()?;
    appender.keep_budget();
    let thread = std::thread::Builder::new()
        .name("log-journal".into())
        .spawn(move || appender.run())?;
    Ok(Opened {
        inbox: JournalInbox { sender, shared },
        reader,
        thread,
    })
}

/// Bytes past which new billable requests are refused: 95 % of the budget. Requests admitted
/// just before are still answered, and their entries reach the thread a little later (more
/// so on a busy machine); the last 5 % keeps room for them, so refusing does not turn into
/// dropping the rows of answered requests.
pub fn refusal_threshold(max_bytes: u64) -> u64 {
    max_bytes - max_bytes / 20
}

struct Appender {
    config: JournalConfig,
    shared: Arc<JournalShared>,
    inbox: Receiver<Box<KeyedEntry>>,
    queue: mpsc::Sender<KeyedEntry>,
    keep_bodies: Arc<dyn Fn(&KeyedEntry) -> bool + Send + Sync>,
    drops: DropReporter,
    /// Every segment file with entries not yet known stored; the last one is `current`.
    segments: VecDeque<Segment>,
    current: Option<File>,
    next_seq: u64,
    checkpointed: u64,
    /// The last write failed: entries skip the journal until a new segment opens.
    broken: bool,
    /// Failed writes, reported once per interval with their count: on a full disk a new
    /// segment opens (a file costs no data block) and its first write fails again, once per
    /// batch, which printed an error line every few milliseconds.
    write_failures: RepeatedError,
    /// A write failed and none has succeeded since: the next success is reported.
    failed_since_last_write: bool,
}

impl Appender {
    fn run(mut self) {
        let mut last_sync = Instant::now();
        let mut batch = Vec::with_capacity(MAX_BATCH);
        loop {
            let wait =
                (last_sync + self.config.fsync_interval).saturating_duration_since(Instant::now());
            let mut disconnected = false;
            match self.inbox.recv_timeout(wait) {
                Ok(first) => {
                    batch.push(*first);
                    // Asleep here, not parked on the channel: senders do not wake the thread.
                    std::thread::sleep(GATHER.min(self.config.fsync_interval));
                    disconnected = self.take_waiting(&mut batch, MAX_BATCH);
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => disconnected = true,
            }
            let closing = disconnected || self.shared.closing.load(Ordering::Acquire);
            if closing {
                self.take_waiting(&mut batch, usize::MAX);
            }
            if !batch.is_empty() {
                self.append(&mut batch);
            }
            if closing || last_sync.elapsed() >= self.config.fsync_interval {
                self.sync();
                self.keep_budget();
                last_sync = Instant::now();
            }
            if closing {
                // Dropping the queue's sender tells the writer no entry follows.
                return;
            }
        }
    }

    /// Moves what is already in the inbox into `batch`, up to `max`; true when every
    /// submitter is gone.
    fn take_waiting(&self, batch: &mut Vec<KeyedEntry>, max: usize) -> bool {
        while batch.len() < max {
            match self.inbox.try_recv() {
                Ok(entry) => batch.push(*entry),
                Err(TryRecvError::Empty) => return false,
                Err(TryRecvError::Disconnected) => return true,
            }
        }
        false
    }

    /// Journals `batch` with one write, then passes it on (see the module doc of
    /// `crate::logs::journal`).
    fn append(&mut self, batch: &mut Vec<KeyedEntry>) {
        // Past the refusal threshold entries are still journaled: they belong to requests
        // admitted before it (see `refusal_threshold`); only the budget itself stops them.
        let journaling =
            !self.broken && self.shared.bytes.load(Ordering::Relaxed) < self.config.max_bytes;
        let mut journaled = Vec::new();
        if journaling {
            let mut bytes = Vec::with_capacity(batch.len() * 1024);
            for mut entry in batch.drain(..) {
                entry.seq = self.next_seq;
                record::encode(entry.seq, &entry, (self.keep_bodies)(&entry), &mut bytes);
                self.next_seq += 1;
                journaled.push(entry);
            }
            if let Err(error) = self.write(&bytes) {
                if let Some(failures) = self.write_failures.occurred() {
                    tracing::error!(%error, failures, dir = %self.config.dir.display(), "request-log journal: cannot write (`failures`: since the last such line); entries go to memory until a write succeeds");
                }
                self.failed_since_last_write = true;
                self.broken = true;
                self.next_seq -= journaled.len() as u64;
                self.keep_budget();
                batch.extend(
                    journaled
                        .drain(..)
                        .map(|entry| KeyedEntry { seq: 0, ..entry }),
                );
            } else if self.failed_since_last_write {
                self.failed_since_last_write = false;
                tracing::info!("request-log journal: writing again");
            }
        }
        if self.shared.bytes.load(Ordering::Relaxed) >= refusal_threshold(self.config.max_bytes)
            && !self.shared.exhausted.load(Ordering::Relaxed)
        {
            // At once, not at the next tick: the next request must already be refused.
            self.keep_budget();
        }
        let mut spilled = false;
        if !journaled.is_empty() {
            let mut handoff = self.shared.handoff();
            for entry in journaled {
                if handoff.spilled_from.is_none() {
                    match self.queue.try_send(entry) {
                        Ok(()) => continue,
                        Err(mpsc::error::TrySendError::Full(entry)) => {
                            handoff.spilled_from = Some(entry.seq);
                        }
                        // The writer is gone: the entry waits in the files for the next start.
                        Err(mpsc::error::TrySendError::Closed(_)) => continue,
                    }
                }
                self.shared.spilled.fetch_add(1, Ordering::Relaxed);
            }
            handoff.readable = self.next_seq - 1;
            spilled = handoff.spilled_from.is_some();
        }
        if spilled {
            self.shared.spill_written.notify_one();
        }
        // Not journaled (exhausted or failing): memory while the queue has room, else dropped.
        for entry in batch.drain(..) {
            self.shared.unjournaled.fetch_add(1, Ordering::Relaxed);
            if let Err(error) = self.queue.try_send(entry) {
                let entry = match error {
                    mpsc::error::TrySendError::Full(entry)
                    | mpsc::error::TrySendError::Closed(entry) => entry,
                };
                self.drops.dropped(
                    "the request-log journal is exhausted and the queue is full",
                    &entry.entry.record.request_id,
                );
            }
        }
    }

    fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        let file = self
            .current
            .as_mut()
            .ok_or_else(|| io::Error::other("no open segment"))?;
        let written = file.write_all(bytes);
        let Some(segment) = self.segments.back_mut() else {
            return Err(io::Error::other("no open segment"));
        };
        if let Err(error) = written {
            // Cut a partial write off, so the segment ends with an intact record.
            let _ = file.set_len(segment.bytes);
            return Err(error);
        }
        segment.bytes += bytes.len() as u64;
        self.shared
            .bytes
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        self.shared
            .written
            .store(self.next_seq - 1, Ordering::Relaxed);
        if segment.bytes >= self.config.segment_bytes {
            self.sync();
            self.start_segment()?;
        }
        Ok(())
    }

    /// Begins the segment whose first record will be the next entry.
    fn start_segment(&mut self) -> io::Result<()> {
        if self
            .segments
            .back()
            .is_some_and(|segment| segment.first == self.next_seq)
        {
            // Nothing was written to the last one: reuse its name.
            self.segments.pop_back();
        }
        let path = self.config.dir.join(segments::segment_name(self.next_seq));
        let file = OpenOptions::new().create(true).append(true).open(&path)?;
        let bytes = file.metadata()?.len();
        self.current = Some(file);
        self.segments.push_back(Segment {
            first: self.next_seq,
            path,
            bytes,
        });
        Ok(())
    }

    fn sync(&mut self) {
        if let Some(file) = &self.current
            && let Err(error) = file.sync_data()
        {
            tracing::error!(%error, "request-log journal: cannot fsync");
        }
    }

    /// Checkpoints what the writer stored, deletes segments it stored whole, reopens a failed
    /// journal, and decides whether the journal is exhausted.
    fn keep_budget(&mut self) {
        let committed = self.shared.committed.load(Ordering::Acquire);
        if committed > self.checkpointed {
            match segments::write_checkpoint(&self.config.dir, committed) {
                Ok(()) => self.checkpointed = committed,
                Err(error) => {
                    tracing::warn!(%error, "request-log journal: cannot write the checkpoint")
                }
            }
        }
        // Everything stored: a current segment that is large (or holds the last of an
        // exhausted budget) is closed, so the deletion below can give its space back.
        let all_stored = committed + 1 >= self.next_seq;
        let worth_closing = self.segments.back().is_some_and(|segment| {
            segment.bytes > 0
                && (segment.bytes >= self.config.segment_bytes / 2
                    || self.shared.exhausted.load(Ordering::Relaxed))
        });
        if all_stored && worth_closing && !self.broken {
            self.sync();
            if let Err(error) = self.start_segment() {
                tracing::error!(%error, "request-log journal: cannot begin a new segment");
                self.broken = true;
            }
        }
        // A segment is stored whole when the next one starts at or below the first entry
        // not stored.
        while self.segments.len() > 1
            && self
                .segments
                .get(1)
                .is_some_and(|next| next.first <= committed + 1)
            && let Some(stored) = self.segments.pop_front()
        {
            if let Err(error) = fs::remove_file(&stored.path) {
                tracing::warn!(%error, segment = %stored.path.display(), "request-log journal: cannot delete a stored segment");
            }
            self.shared.bytes.fetch_sub(
                stored.bytes.min(self.shared.bytes.load(Ordering::Relaxed)),
                Ordering::Relaxed,
            );
        }
        // Said "writing again" only once a write succeeds (see `write_failures`).
        if self.broken && self.start_segment().is_ok() {
            self.broken = false;
        }
        let bytes = self.shared.bytes.load(Ordering::Relaxed);
        let max = self.config.max_bytes;
        let was_exhausted = self.shared.exhausted.load(Ordering::Relaxed);
        let exhausted = self.broken
            || bytes >= refusal_threshold(max)
            || (was_exhausted && bytes.saturating_mul(10) >= max.saturating_mul(9));
        if exhausted != was_exhausted {
            if exhausted {
                tracing::error!(
                    bytes,
                    max_bytes = max,
                    "request-log journal exhausted: new billable requests are refused (or served unbilled, per LOG_JOURNAL_WHEN_FULL)"
                );
            } else {
                tracing::info!(bytes, "request-log journal has room again");
            }
        }
        self.shared.set_exhausted(exhausted, self.config.when_full);
    }
}
