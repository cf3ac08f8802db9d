//! Request logs beyond the writer: exact per-minute and per-hour summaries, retention, and the queries behind `LogService`.
//!
//! The writer (`crate::logs::writer`) inserts raw rows; [`summaries::record_batch`] adds the same
//! batch to both summary tables inside the writer's transaction, so a summary never counts a
//! row that was not stored. Dynamic statements are assembled by the store's one SQL builder
//! (`crate::store::sql::Sql`) and rows read by column name (`crate::store::rows`); errors are
//! the store's ([`crate::store::StoreError`]).

pub mod access;
pub mod charges;
pub mod claims;
pub mod entry;
pub mod histogram;
pub mod insert;
pub mod journal;
pub mod queries;
pub mod retention;
pub mod summaries;
pub mod writer;

fn saturating_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
