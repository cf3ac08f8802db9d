//! A request-log entry and the settings its write follows: what the writer queues and the batch write stores, below both.

use std::time::Duration;

use relay::host::UsageRecord;
use rust_decimal::Decimal;

use crate::alerts::Alerts;
use crate::logs::journal::JournalConfig;
use crate::store::Store;

/// One request to log: the relay's record and what the host decided about it.
#[derive(Debug, Clone)]
pub struct LogEntry {
    pub record: UsageRecord,
    /// What the request cost (stored with the row and summed in the summaries).
    pub cost: Decimal,
    /// The label of the price tier the cost was computed at, if one applied.
    pub price_tier: Option<String>,
    /// The cost line by line as compact JSON (`billing::Charge::detail_json`).
    pub charge_detail: Option<String>,
    /// Charge `cost` to the token and group (`BILLING_ENABLED`).
    pub charge: bool,
    /// The token's current quota period start (unix ms): a start newer than the stored one
    /// begins a new period, whose spending starts from this entry's cost.
    pub period_start: Option<i64>,
    /// Keep the request and response bodies even when the request succeeded.
    pub save_detail: bool,
}

/// An entry with its row key (the `request_logs.request_id` it is stored under, chosen once
/// when the entry is submitted so every replay of it carries the same key) and its journal
/// sequence number (0 when it was never journaled).
#[derive(Debug, Clone)]
pub struct KeyedEntry {
    pub seq: u64,
    pub key: String,
    pub entry: LogEntry,
}

impl KeyedEntry {
    /// `entry` under a new row key, not yet journaled.
    pub fn new(entry: LogEntry) -> KeyedEntry {
        KeyedEntry {
            seq: 0,
            key: uuid::Uuid::now_v7().simple().to_string(),
            entry,
        }
    }
}

impl From<UsageRecord> for LogEntry {
    /// A record with no price and no charge (bodies kept only if it failed).
    fn from(record: UsageRecord) -> LogEntry {
        LogEntry {
            record,
            cost: Decimal::ZERO,
            price_tier: None,
            charge_detail: None,
            charge: false,
            period_start: None,
            save_detail: false,
        }
    }
}

/// What the writer needs: where rows and charges go and which bodies to keep.
#[derive(Debug, Clone)]
pub struct WriterConfig {
    /// The log database.
    pub store: Store,
    /// The main database when logs live elsewhere (`LOG_SQL_DSN`); `None` charges tokens and
    /// groups in the log database, inside the log transaction.
    pub billing_store: Option<Store>,
    /// Store the log rows and bodies (`LOG_REQUESTS`); when false a batch writes only its
    /// summaries and charges.
    pub store_rows: bool,
    /// Bodies are cut at this many bytes each (`LOG_DETAIL_MAX_BYTES`).
    pub detail_max_bytes: usize,
    /// After shutdown starts, how long a failing batch is still retried.
    pub flush_timeout: Duration,
    /// Where a failing writer and dropped entries are reported.
    pub alerts: Option<Alerts>,
    /// Write one access line per entry to the process log (`ACCESS_LOG`, see [`access`]).
    pub access_log: bool,
    /// Entries held in memory at most (`LOG_QUEUE_CAPACITY`).
    pub queue_capacity: usize,
    /// The write-ahead journal (`LOG_JOURNAL_*`); `None` keeps entries in memory only and
    /// drops them when the queue is full.
    pub journal: Option<JournalConfig>,
}

impl WriterConfig {
    /// Defaults for `store`: rows stored, charges in the same database, 8 KiB bodies of failed requests,
    /// 30 s to flush, no alerts, no access lines, a queue of [`QUEUE_CAPACITY`](crate::logs::writer::QUEUE_CAPACITY)
    /// entries and no journal.
    pub fn new(store: Store) -> WriterConfig {
        WriterConfig {
            store,
            billing_store: None,
            store_rows: true,
            detail_max_bytes: 8 * 1024,
            flush_timeout: Duration::from_secs(30),
            alerts: None,
            access_log: false,
            queue_capacity: crate::logs::writer::QUEUE_CAPACITY,
            journal: None,
        }
    }
}
