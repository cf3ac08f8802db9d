//! The journal's files: segments named by their first sequence number, the checkpoint, recovery (torn tails cut) and the in-order reader.
//!
//! A segment only ever grows by whole records written with one `write` per batch, so every
//! record up to the last one the appender published is complete in the files; a record that
//! is not (cut by a crash of the machine, or damaged) fails its checksum, and recovery cuts
//! the file before it rather than parsing it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufReader, Read};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::record::{self, HEADER_BYTES, Header};
use crate::logs::entry::KeyedEntry;

/// The file holding the highest sequence number known to be stored.
pub const CHECKPOINT: &str = "checkpoint";
const SEGMENT_SUFFIX: &str = ".seg";

/// The file name of the segment whose first record is `first_seq`.
pub fn segment_name(first_seq: u64) -> String {
    format!("{first_seq:020}{SEGMENT_SUFFIX}")
}

/// The segments in `dir`, by first sequence number.
pub fn list(dir: &Path) -> io::Result<Vec<(u64, PathBuf)>> {
    let mut segments = Vec::new();
    for item in fs::read_dir(dir)? {
        let item = item?;
        let name = item.file_name();
        let Some(first) = name
            .to_str()
            .and_then(|name| name.strip_suffix(SEGMENT_SUFFIX))
            .and_then(|number| number.parse::<u64>().ok())
        else {
            continue;
        };
        segments.push((first, item.path()));
    }
    segments.sort_unstable_by_key(|(first, _)| *first);
    Ok(segments)
}

/// The stored checkpoint; 0 when there is none (or it does not parse: everything is then
/// replayed, which the row keys make harmless).
pub fn read_checkpoint(dir: &Path) -> u64 {
    fs::read_to_string(dir.join(CHECKPOINT))
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(0)
}

/// Replaces the checkpoint with `seq` (write then rename, so a reader sees the old or the new
/// number, never a torn one).
pub fn write_checkpoint(dir: &Path, seq: u64) -> io::Result<()> {
    let temporary = dir.join("checkpoint.tmp");
    fs::write(&temporary, seq.to_string())?;
    fs::rename(temporary, dir.join(CHECKPOINT))
}

/// One segment as recovery found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub first: u64,
    pub path: PathBuf,
    pub bytes: u64,
}

/// What the files held at start.
#[derive(Debug, Default)]
pub struct Recovered {
    /// Segments still holding entries after the checkpoint, in order.
    pub segments: Vec<Segment>,
    /// The highest sequence number found (0 for none).
    pub last_seq: u64,
    /// The first entry after the checkpoint, if any.
    pub first_pending: Option<u64>,
    /// Entries after the checkpoint.
    pub pending: u64,
    /// Torn or damaged records cut off.
    pub corrupt: u64,
}

/// Scans every segment of `dir`: cuts each file after its last intact record, deletes the
/// segments whose entries are all at or below `checkpoint`, and reports the rest.
pub fn recover(dir: &Path, checkpoint: u64) -> io::Result<Recovered> {
    let mut recovered = Recovered::default();
    for (first, path) in list(dir)? {
        let scan = scan(&path)?;
        if scan.intact_bytes < scan.file_bytes {
            recovered.corrupt += 1;
            tracing::warn!(
                segment = %path.display(),
                kept_bytes = scan.intact_bytes,
                cut_bytes = scan.file_bytes - scan.intact_bytes,
                "request-log journal: a torn or damaged record was cut off"
            );
            OpenOptions::new()
                .write(true)
                .open(&path)?
                .set_len(scan.intact_bytes)?;
        }
        recovered.last_seq = recovered.last_seq.max(scan.last_seq);
        if scan.last_seq <= checkpoint {
            fs::remove_file(&path)?;
            continue;
        }
        let pending_from = scan.first_seq.max(checkpoint + 1);
        recovered.first_pending = Some(recovered.first_pending.unwrap_or(pending_from));
        recovered.pending += scan.seqs_above(checkpoint);
        recovered.segments.push(Segment {
            first,
            path,
            bytes: scan.intact_bytes,
        });
    }
    Ok(recovered)
}

struct Scan {
    file_bytes: u64,
    intact_bytes: u64,
    first_seq: u64,
    last_seq: u64,
    seqs: Vec<u64>,
}

impl Scan {
    fn seqs_above(&self, checkpoint: u64) -> u64 {
        self.seqs.iter().filter(|seq| **seq > checkpoint).count() as u64
    }
}

/// Reads `path` record by record, stopping at the first one that is cut short, fails its
/// checksum or goes back in sequence.
fn scan(path: &Path) -> io::Result<Scan> {
    let file = File::open(path)?;
    let file_bytes = file.metadata()?.len();
    let mut input = BufReader::with_capacity(1 << 20, file);
    let mut scan = Scan {
        file_bytes,
        intact_bytes: 0,
        first_seq: 0,
        last_seq: 0,
        seqs: Vec::new(),
    };
    let mut header_bytes = [0u8; HEADER_BYTES];
    let mut payload = Vec::new();
    loop {
        if input.read_exact(&mut header_bytes).is_err() {
            break;
        }
        let Some(header) = Header::parse(&header_bytes) else {
            break;
        };
        payload.resize(header.payload_bytes, 0);
        if input.read_exact(&mut payload).is_err()
            || !header.matches(&payload)
            || header.seq <= scan.last_seq
        {
            break;
        }
        if scan.seqs.is_empty() {
            scan.first_seq = header.seq;
        }
        scan.last_seq = header.seq;
        scan.seqs.push(header.seq);
        scan.intact_bytes += (HEADER_BYTES + header.payload_bytes) as u64;
    }
    Ok(scan)
}

/// Reads journaled entries back in sequence order, from the segment holding the next one.
#[derive(Debug)]
pub struct SegmentReader {
    dir: PathBuf,
    next_seq: u64,
    open: Option<OpenSegment>,
}

#[derive(Debug)]
struct OpenSegment {
    first: u64,
    file: File,
    offset: u64,
}

enum Next {
    Record(Header, Vec<u8>),
    /// Nothing more (or nothing intact) in this segment.
    End,
}

impl SegmentReader {
    /// A reader whose first entry is `next_seq`.
    pub fn new(dir: impl Into<PathBuf>, next_seq: u64) -> SegmentReader {
        SegmentReader {
            dir: dir.into(),
            next_seq,
            open: None,
        }
    }

    /// The sequence number of the next entry to read.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Continues at `seq` (the next entry the queue did not take); keeps the open segment when
    /// the reader is already there.
    pub fn seek(&mut self, seq: u64) {
        if seq != self.next_seq {
            self.next_seq = seq;
            self.open = None;
        }
    }

    /// Up to `limit` entries from the next one to `readable` (the highest sequence number the
    /// appender has written out). Damaged records are counted in `corrupt` and skipped.
    pub fn read(
        &mut self,
        readable: u64,
        limit: usize,
        corrupt: &AtomicU64,
    ) -> io::Result<Vec<KeyedEntry>> {
        let mut entries = Vec::new();
        while entries.len() < limit && self.next_seq <= readable {
            if self.open.is_none() && !self.open_segment_of(self.next_seq)? {
                // No file holds it (deleted by hand, or never written): skip to what exists.
                self.skip_to(readable + 1, corrupt);
                break;
            }
            let Some(open) = self.open.as_mut() else {
                break;
            };
            match next_record(open)? {
                Next::Record(header, payload) => {
                    if header.seq > readable {
                        break;
                    }
                    open.offset += (HEADER_BYTES + payload.len()) as u64;
                    if header.seq < self.next_seq {
                        continue;
                    }
                    if header.seq > self.next_seq {
                        self.skip_to(header.seq, corrupt);
                    }
                    self.next_seq = header.seq + 1;
                    match record::decode(header.seq, &payload) {
                        Some(entry) => entries.push(entry),
                        None => {
                            corrupt.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                Next::End => {
                    let current = open.first;
                    if !self.open_segment_after(current)? {
                        // Every entry up to `readable` is complete in the files, so one that
                        // is in none of them is damaged: skip it rather than wait forever.
                        self.skip_to(readable + 1, corrupt);
                        break;
                    }
                }
            }
        }
        Ok(entries)
    }

    fn skip_to(&mut self, seq: u64, corrupt: &AtomicU64) {
        let skipped = seq.saturating_sub(self.next_seq);
        if skipped > 0 {
            corrupt.fetch_add(skipped, Ordering::Relaxed);
            tracing::error!(
                from = self.next_seq,
                skipped,
                "request-log journal: entries missing from the files were skipped"
            );
        }
        self.next_seq = self.next_seq.max(seq);
    }

    /// Opens the segment that holds `seq` (the last one starting at or before it).
    fn open_segment_of(&mut self, seq: u64) -> io::Result<bool> {
        let segments = list(&self.dir)?;
        let found = segments
            .iter()
            .rev()
            .find(|(first, _)| *first <= seq)
            .or_else(|| segments.first());
        self.open_found(found)
    }

    /// Opens the first segment after the one starting at `first`.
    fn open_segment_after(&mut self, first: u64) -> io::Result<bool> {
        let segments = list(&self.dir)?;
        self.open_found(segments.iter().find(|(start, _)| *start > first))
    }

    fn open_found(&mut self, found: Option<&(u64, PathBuf)>) -> io::Result<bool> {
        let Some((first, path)) = found else {
            self.open = None;
            return Ok(false);
        };
        self.open = Some(OpenSegment {
            first: *first,
            file: File::open(path)?,
            offset: 0,
        });
        Ok(true)
    }
}

/// The record at the segment's offset, without moving past it.
fn next_record(open: &mut OpenSegment) -> io::Result<Next> {
    let mut header_bytes = [0u8; HEADER_BYTES];
    if !read_exact_at(&open.file, &mut header_bytes, open.offset)? {
        return Ok(Next::End);
    }
    let Some(header) = Header::parse(&header_bytes) else {
        return Ok(Next::End);
    };
    let mut payload = vec![0u8; header.payload_bytes];
    if !read_exact_at(&open.file, &mut payload, open.offset + HEADER_BYTES as u64)?
        || !header.matches(&payload)
    {
        return Ok(Next::End);
    }
    Ok(Next::Record(header, payload))
}

/// False at the end of the file.
fn read_exact_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<bool> {
    match file.read_exact_at(buffer, offset) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
        Err(error) => Err(error),
    }
}
