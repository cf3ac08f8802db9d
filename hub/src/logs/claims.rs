//! Exactly-once for replayed request-log entries: the row keys a database has already applied (`log_row_claims`), claimed inside the applying transaction.
//!
//! An entry can reach the writer twice: replayed from the journal after a restart (the
//! checkpoint lags the commits it records) or retried after a commit whose outcome was
//! unknown. Its row key is chosen once, when the entry is submitted, so the second time the
//! key is already claimed and the entry is skipped, in the same transaction that would have
//! stored or charged it. Where the rows themselves are stored, their UNIQUE `request_id` is the
//! claim (`crate::logs::insert` looks the batch's keys up before inserting) and this table is not
//! written; it serves the cases without a row to hold the key: charges in the main database
//! when logs live elsewhere (`LOG_SQL_DSN`), and `LOG_REQUESTS=false`.

use std::collections::HashSet;

use sqlx::AnyConnection;

use crate::store::{Dialect, Store, now_ms};

/// What a claim covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Summaries (and charges when they share the log database) with `LOG_REQUESTS=false`.
    Log,
    /// Charges in the main database when logs live in `LOG_SQL_DSN`.
    Charge,
}

impl Purpose {
    fn name(self) -> &'static str {
        match self {
            Purpose::Log => "log",
            Purpose::Charge => "charge",
        }
    }
}

/// How long a claim is kept: longer than any journal waits to be replayed (a gateway down for a
/// month replays entries older than this and could charge one twice; the module doc of
/// `crate::logs::journal` says so).
pub const KEEP_MS: i64 = 30 * 24 * 3_600_000;

/// Claims `keys` for `purpose` in the caller's transaction; returns those claimed before (the
/// replayed entries, to skip; usually none). The keys travel as one JSON array, so a batch is
/// two statements whatever its size, and the usual answer is no rows at all.
pub async fn claim(
    conn: &mut AnyConnection,
    keys: &[&str],
    purpose: Purpose,
) -> Result<HashSet<String>, sqlx::Error> {
    if keys.is_empty() {
        return Ok(HashSet::new());
    }
    let document =
        serde_json::to_string(keys).map_err(|error| sqlx::Error::Encode(error.into()))?;
    let postgres = conn.backend_name() == "PostgreSQL";
    let (claimed_before, insert) = if postgres {
        (
            "SELECT row_key FROM log_row_claims WHERE purpose = $2 AND row_key IN \
             (SELECT json_array_elements_text($1::json))",
            "INSERT INTO log_row_claims (row_key, purpose, created_at) \
             SELECT value, $2, $3 FROM json_array_elements_text($1::json) \
             ON CONFLICT DO NOTHING",
        )
    } else {
        // `WHERE true`: SQLite reads the ON CONFLICT of an INSERT ... SELECT as the upsert
        // clause only after a WHERE.
        (
            "SELECT row_key FROM log_row_claims WHERE purpose = $2 AND row_key IN \
             (SELECT value FROM json_each($1))",
            "INSERT INTO log_row_claims (row_key, purpose, created_at) \
             SELECT value, $2, $3 FROM json_each($1) WHERE true ON CONFLICT DO NOTHING",
        )
    };
    let replayed: Vec<String> = sqlx::query_scalar(claimed_before)
        .bind(document.as_str())
        .bind(purpose.name())
        .fetch_all(&mut *conn)
        .await?;
    sqlx::query(insert)
        .bind(document)
        .bind(purpose.name())
        .bind(now_ms())
        .execute(&mut *conn)
        .await?;
    Ok(replayed.into_iter().collect())
}

/// Deletes claims older than [`KEEP_MS`], at most `limit` rows per statement; returns how many.
pub async fn prune(store: &Store, limit: i64) -> Result<u64, sqlx::Error> {
    let before = now_ms().saturating_sub(KEEP_MS);
    let statement = match store.dialect() {
        Dialect::Postgres => {
            "DELETE FROM log_row_claims WHERE ctid IN \
             (SELECT ctid FROM log_row_claims WHERE created_at < $1 LIMIT $2)"
        }
        Dialect::Sqlite => {
            "DELETE FROM log_row_claims WHERE rowid IN \
             (SELECT rowid FROM log_row_claims WHERE created_at < $1 LIMIT $2)"
        }
    };
    let deleted = sqlx::query(statement)
        .bind(before)
        .bind(limit)
        .execute(store.pool())
        .await?;
    Ok(deleted.rows_affected())
}
