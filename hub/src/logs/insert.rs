//! One batch of the request log writer as one transaction: the log rows, their bodies, the summary increments and the billing charges.
//!
//! Rows reach Postgres as one JSON document expanded by `json_to_recordset` (one statement
//! and one bound value whatever the row count), and SQLite as multi-row INSERTs of up to
//! [`SQLITE_INSERT_ROWS`] rows with every value bound (sqlx runs SQLite on a worker thread, so
//! each statement is a round trip to it; a few per batch are cheap beside per-row ones).

use std::borrow::Cow;
use std::collections::HashSet;
use std::time::Duration;

use bytes::Bytes;
use serde::Serialize;
use sqlx::{Any, AnyConnection, AssertSqlSafe, Transaction};

use super::claims::{self, Purpose};
use super::{charges, summaries};
use crate::logs::entry::{KeyedEntry, LogEntry, WriterConfig};
use crate::store::sql::shaped_chunks;
use crate::store::{Dialect, Store, StoreError, now_ms};

/// Why a batch could not be written; every case is retried by the writer.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Database(#[from] StoreError),
    #[error("the shutdown flush deadline passed")]
    DeadlinePassed,
}

impl From<sqlx::Error> for WriteError {
    fn from(error: sqlx::Error) -> WriteError {
        WriteError::Database(StoreError::Database(error))
    }
}

/// Writes `batch` in one transaction of the log database (see the module doc). With a
/// separate main database the charges commit there first, once: `charged` remembers it
/// across the writer's retries. An entry whose row key is already stored (a replay) is
/// skipped whole: no row, no summary, no charge (`crate::logs::claims`).
pub async fn write_batch(
    config: &WriterConfig,
    batch: &[KeyedEntry],
    charged: &mut bool,
) -> Result<(), WriteError> {
    let keys: Vec<&str> = batch.iter().map(|keyed| keyed.key.as_str()).collect();
    if let Some(billing) = &config.billing_store
        && !*charged
    {
        let mut tx = begin(billing).await?;
        let replayed = claims::claim(&mut tx, &keys, Purpose::Charge).await?;
        charges::apply(&mut tx, fresh_entries(batch, &replayed)).await?;
        tx.commit().await?;
        *charged = true;
    }
    let created_at = now_ms();
    let mut tx = begin(&config.store).await?;
    let replayed = if config.store_rows {
        insert_rows(&mut tx, config, batch, &keys, created_at).await?
    } else {
        claims::claim(&mut tx, &keys, Purpose::Log).await?
    };
    let entries: Vec<&LogEntry> = fresh_entries(batch, &replayed).collect();
    summaries::record_batch(&mut tx, &entries, created_at).await?;
    if config.billing_store.is_none() {
        charges::apply(&mut tx, entries.iter().copied()).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The entries of `batch` whose keys are not in `replayed` (applied by an earlier write).
fn fresh_entries<'a>(
    batch: &'a [KeyedEntry],
    replayed: &'a HashSet<String>,
) -> impl Iterator<Item = &'a LogEntry> + 'a {
    batch
        .iter()
        .filter(|keyed| !replayed.contains(&keyed.key))
        .map(|keyed| &keyed.entry)
}

/// The log rows of `batch` and the bodies it keeps; returns the keys stored before (replayed
/// entries, skipped by the unique `request_id`). They are looked up before the INSERT rather
/// than the inserted ones returned by it: the lookup's usual answer is no rows, where
/// `RETURNING` decoded a row per request.
async fn insert_rows(
    conn: &mut AnyConnection,
    config: &WriterConfig,
    batch: &[KeyedEntry],
    keys: &[&str],
    created_at: i64,
) -> Result<HashSet<String>, sqlx::Error> {
    // The row key is always the server's own, chosen when the entry was submitted: a
    // client's id (kept as client_request_id) may repeat, and a repeated key would lose a row
    // whose request was charged.
    let rows: Vec<LogRowOut<'_>> = batch
        .iter()
        .map(|keyed| LogRowOut::new(&keyed.entry, &keyed.key, created_at))
        .collect();
    let stored_before = match config.store.dialect() {
        Dialect::Postgres => STORED_KEYS_POSTGRES,
        Dialect::Sqlite => STORED_KEYS_SQLITE,
    };
    let document =
        serde_json::to_string(keys).map_err(|error| sqlx::Error::Encode(error.into()))?;
    let replayed: HashSet<String> = sqlx::query_scalar(stored_before)
        .bind(document)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
    match config.store.dialect() {
        Dialect::Postgres => insert_json(conn, INSERT_LOGS_POSTGRES, &rows).await?,
        Dialect::Sqlite => insert_logs_sqlite(conn, &rows).await?,
    }
    let details: Vec<DetailOut<'_>> = batch
        .iter()
        .filter(|keyed| !replayed.contains(&keyed.key))
        .filter(|keyed| keeps_detail(&keyed.entry))
        .map(|keyed| {
            DetailOut::new(
                &keyed.entry,
                &keyed.key,
                created_at,
                config.detail_max_bytes,
            )
        })
        .collect();
    if !details.is_empty() {
        match config.store.dialect() {
            Dialect::Postgres => insert_json(conn, INSERT_DETAILS_POSTGRES, &details).await?,
            Dialect::Sqlite => insert_details_sqlite(conn, &details).await?,
        }
    }
    Ok(replayed)
}

/// A write transaction. SQLite's IMMEDIATE takes the write lock up front, so the charges'
/// read-modify-write cannot be interleaved with another writer's.
pub async fn begin(store: &Store) -> Result<Transaction<'static, Any>, sqlx::Error> {
    match store.dialect() {
        Dialect::Sqlite => store.pool().begin_with("BEGIN IMMEDIATE").await,
        Dialect::Postgres => store.pool().begin().await,
    }
}

/// Bodies are kept for failed requests, or when the entry asks (`save_detail`: decided per
/// request by the governor from `SAVE_ALL_LOG_DETAIL`, the `SaveAllLogDetail` option and the
/// group's override), when the relay passed any.
pub fn keeps_detail(entry: &LogEntry) -> bool {
    let record = &entry.record;
    let has_body = record.request_body.is_some() || record.response_body.is_some();
    has_body && (record.status >= 400 || entry.save_detail)
}

/// One request log row as written, field names = column names.
#[derive(Debug, Serialize)]
struct LogRowOut<'a> {
    created_at: i64,
    request_id: Cow<'a, str>,
    client_request_id: Cow<'a, str>,
    upstream_request_id: Option<Cow<'a, str>>,
    group_id: Cow<'a, str>,
    token_id: Option<i64>,
    token_name: Cow<'a, str>,
    requested_model: Cow<'a, str>,
    actual_model: Cow<'a, str>,
    channel_id: Option<i64>,
    endpoint: Cow<'a, str>,
    status_code: i64,
    error: Option<Cow<'a, str>>,
    input_tokens: i64,
    output_tokens: i64,
    cached_tokens: i64,
    cache_creation_tokens: i64,
    reasoning_tokens: i64,
    image_input_tokens: i64,
    image_output_tokens: i64,
    audio_input_tokens: i64,
    audio_output_tokens: i64,
    total_tokens: i64,
    cost: String,
    ttfb_ms: Option<i64>,
    total_ms: i64,
    retries: i64,
    client_ip: Option<String>,
    user_field: Option<Cow<'a, str>>,
    web_search_calls: i64,
    cache_hit: i64,
    metadata: Option<Cow<'a, str>>,
    price_tier: Option<Cow<'a, str>>,
    charge_detail: Option<Cow<'a, str>>,
}

impl<'a> LogRowOut<'a> {
    fn new(entry: &'a LogEntry, key: &'a str, created_at: i64) -> LogRowOut<'a> {
        let record = &entry.record;
        let usage = &record.usage;
        let requested = record.requested_model.as_deref().unwrap_or_default();
        LogRowOut {
            created_at,
            request_id: Cow::Borrowed(key),
            client_request_id: text(&record.request_id),
            upstream_request_id: record.upstream_request_id.as_deref().map(text),
            group_id: text(record.group_id.as_deref().unwrap_or_default()),
            token_id: record.token_id,
            token_name: text(record.token_name.as_deref().unwrap_or_default()),
            requested_model: text(requested),
            actual_model: text(record.upstream_model.as_deref().unwrap_or(requested)),
            channel_id: record.channel_id,
            endpoint: text(&record.endpoint),
            status_code: i64::from(record.status),
            error: record.error.as_deref().map(text),
            input_tokens: saturating(usage.input_tokens),
            output_tokens: saturating(usage.output_tokens),
            cached_tokens: saturating(usage.cached_input_tokens),
            cache_creation_tokens: saturating(usage.cache_creation_tokens),
            reasoning_tokens: saturating(usage.reasoning_tokens),
            image_input_tokens: saturating(usage.image_input_tokens),
            image_output_tokens: saturating(usage.image_output_tokens),
            audio_input_tokens: saturating(usage.audio_input_tokens),
            audio_output_tokens: saturating(usage.audio_output_tokens),
            total_tokens: saturating(usage.total_tokens),
            cost: entry.cost.normalize().to_string(),
            ttfb_ms: record.first_byte.map(millis),
            total_ms: millis(record.total),
            retries: i64::from(record.retries),
            client_ip: record.client_ip.map(|ip| ip.to_string()),
            user_field: record.user.as_deref().map(text),
            web_search_calls: i64::from(record.web_search_calls),
            cache_hit: i64::from(record.cache_hit),
            metadata: record.metadata.as_deref().map(text),
            price_tier: entry.price_tier.as_deref().map(text),
            charge_detail: entry.charge_detail.as_deref().map(text),
        }
    }
}

/// The bodies of one request as written.
#[derive(Debug, Serialize)]
struct DetailOut<'a> {
    request_id: Cow<'a, str>,
    created_at: i64,
    request_body: Option<String>,
    response_body: Option<String>,
    request_body_truncated: i64,
    response_body_truncated: i64,
}

impl<'a> DetailOut<'a> {
    fn new(entry: &'a LogEntry, key: &'a str, created_at: i64, max_bytes: usize) -> DetailOut<'a> {
        let record = &entry.record;
        let (request_body, request_truncated) = body_text(record.request_body.as_ref(), max_bytes);
        let (response_body, response_truncated) =
            body_text(record.response_body.as_ref(), max_bytes);
        DetailOut {
            request_id: Cow::Borrowed(key),
            created_at,
            request_body,
            response_body,
            request_body_truncated: i64::from(request_truncated),
            response_body_truncated: i64::from(response_truncated),
        }
    }
}

/// A body as stored text: at most `max_bytes`, cut on a character boundary, invalid UTF-8
/// replaced. Returns the text and whether it was cut here.
pub fn body_text(body: Option<&Bytes>, max_bytes: usize) -> (Option<String>, bool) {
    let Some(body) = body else {
        return (None, false);
    };
    let truncated = body.len() > max_bytes;
    let mut cut = &body[..body.len().min(max_bytes)];
    if truncated
        && let Err(error) = std::str::from_utf8(cut)
        && error.error_len().is_none()
    {
        // The cut fell inside a character: end before it instead of with a replacement.
        cut = &cut[..error.valid_up_to()];
    }
    (
        Some(text(&String::from_utf8_lossy(cut)).into_owned()),
        truncated,
    )
}

/// Postgres text cannot hold NUL (a client may send one in a body or the `user` field): it
/// would fail the whole batch on every retry, so it is replaced.
fn text(value: &str) -> Cow<'_, str> {
    if value.contains('\0') {
        Cow::Owned(value.replace('\0', "\u{FFFD}"))
    } else {
        Cow::Borrowed(value)
    }
}

const INSERT_LOGS_POSTGRES: &str = "INSERT INTO request_logs (created_at, request_id, \
    client_request_id, upstream_request_id, group_id, token_id, token_name, requested_model, actual_model, \
    channel_id, endpoint, status_code, error, input_tokens, output_tokens, cached_tokens, \
    cache_creation_tokens, reasoning_tokens, image_input_tokens, image_output_tokens, \
    audio_input_tokens, audio_output_tokens, total_tokens, cost, ttfb_ms, total_ms, retries, \
    client_ip, user_field, web_search_calls, cache_hit, metadata, price_tier, charge_detail) \
    SELECT * FROM json_to_recordset($1::json) AS r(created_at BIGINT, request_id TEXT, \
    client_request_id TEXT, upstream_request_id TEXT, group_id TEXT, token_id BIGINT, token_name TEXT, \
    requested_model TEXT, actual_model TEXT, channel_id BIGINT, endpoint TEXT, \
    status_code BIGINT, error TEXT, input_tokens BIGINT, output_tokens BIGINT, \
    cached_tokens BIGINT, cache_creation_tokens BIGINT, reasoning_tokens BIGINT, \
    image_input_tokens BIGINT, image_output_tokens BIGINT, audio_input_tokens BIGINT, \
    audio_output_tokens BIGINT, total_tokens BIGINT, cost TEXT, ttfb_ms BIGINT, \
    total_ms BIGINT, retries BIGINT, client_ip TEXT, user_field TEXT, \
    web_search_calls BIGINT, cache_hit BIGINT, metadata TEXT, price_tier TEXT, \
    charge_detail TEXT) \
    ON CONFLICT (request_id) DO NOTHING";

/// The keys of a batch (one JSON array) already stored: a replayed entry's row.
const STORED_KEYS_POSTGRES: &str = "SELECT request_id FROM request_logs WHERE request_id IN \
    (SELECT json_array_elements_text($1::json))";
const STORED_KEYS_SQLITE: &str = "SELECT request_id FROM request_logs WHERE request_id IN \
    (SELECT value FROM json_each(?))";

const INSERT_DETAILS_POSTGRES: &str = "INSERT INTO request_log_details (request_id, created_at, \
    request_body, response_body, request_body_truncated, response_body_truncated) \
    SELECT * FROM json_to_recordset($1::json) AS r(request_id TEXT, created_at BIGINT, \
    request_body TEXT, response_body TEXT, request_body_truncated BIGINT, \
    response_body_truncated BIGINT) \
    ON CONFLICT (request_id) DO NOTHING";

/// One statement for the whole batch: the rows travel as a single JSON text value.
async fn insert_json<T: Serialize>(
    conn: &mut AnyConnection,
    statement: &'static str,
    rows: &[T],
) -> Result<(), sqlx::Error> {
    let document =
        serde_json::to_string(rows).map_err(|error| sqlx::Error::Encode(error.into()))?;
    sqlx::query(statement)
        .bind(document)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Bound values per row of each table.
const LOG_VALUES: usize = 34;
const DETAIL_VALUES: usize = 6;
/// Rows per SQLite INSERT. Measured on SQLite 3.51 under callgrind (a 20,000-row table with
/// this schema, batches of 256): a multi-row INSERT costs about 40k instructions a row in
/// SQLite whether it holds 8, 32 or 256 rows, where a prepared statement's memory grows with
/// its rows (105 KB at 32 rows, 766 KB at 256, kept per connection in sqlx's statement cache).
/// 32 rows keep the round trips to SQLite's worker thread to one per 32 rows, and the few
/// shapes of [`shaped_chunks`] (32, 16, ..., 1) cost about 200 KB per connection in all.
///
/// Values are bound, not sent as one JSON document walked by `jsonb_each` as Postgres gets
/// them: SQLite evaluates `value ->> 'column'` by walking the row object from its first key
/// for every column, 161k instructions a row in the same measurement (102k with arrays
/// indexed by position); sqlx's `Any` driver copies each bound text, a few dozen bytes.
const SQLITE_INSERT_ROWS: usize = 32;

/// `OR FAIL`: a constraint broken by one row stops the statement, and the writer's transaction
/// is rolled back, as with SQLite's default `ABORT`. `ABORT` undoes the statement alone, so for
/// a statement of many rows SQLite keeps a statement journal of every page the statement
/// changes, spilled to a temporary file past 64 KiB: under load that was about one `pwrite`
/// of 4 KiB and one of 4 bytes per row, besides the WAL's own writes (`strace -c`). `FAIL`
/// needs no such journal. Conflicts on `request_id` are still skipped by the upsert clause.
const INSERT_LOGS_SQLITE: &str = "INSERT OR FAIL INTO request_logs (created_at, request_id, \
    client_request_id, upstream_request_id, group_id, token_id, token_name, requested_model, actual_model, \
    channel_id, endpoint, status_code, error, input_tokens, output_tokens, cached_tokens, \
    cache_creation_tokens, reasoning_tokens, image_input_tokens, image_output_tokens, \
    audio_input_tokens, audio_output_tokens, total_tokens, cost, ttfb_ms, total_ms, retries, \
    client_ip, user_field, web_search_calls, cache_hit, metadata, price_tier, charge_detail) VALUES ";

/// `OR FAIL` for the reason [`INSERT_LOGS_SQLITE`] gives.
const INSERT_DETAILS_SQLITE: &str = "INSERT OR FAIL INTO request_log_details (request_id, created_at, \
    request_body, response_body, request_body_truncated, response_body_truncated) VALUES ";

/// `head` followed by `rows` tuples of `width` placeholders and the upsert clause: the text
/// holds only placeholders, every value is bound. They are SQLite's anonymous `?`, bound in
/// order: binding a numbered one (`$n`, `?n`) makes sqlx look its name up, which SQLite does by
/// a linear scan of the statement's names, quadratic over a statement of thousands.
fn values_statement(head: &'static str, width: usize, rows: usize) -> AssertSqlSafe<String> {
    let mut text = String::with_capacity(head.len() + rows * (width * 3 + 4) + 40);
    text.push_str(head);
    for row in 0..rows {
        text.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..width {
            text.push_str(if column == 0 { "?" } else { ", ?" });
        }
        text.push(')');
    }
    text.push_str(" ON CONFLICT (request_id) DO NOTHING");
    AssertSqlSafe(text)
}

async fn insert_logs_sqlite(
    conn: &mut AnyConnection,
    rows: &[LogRowOut<'_>],
) -> Result<(), sqlx::Error> {
    for chunk in shaped_chunks(rows, SQLITE_INSERT_ROWS) {
        let mut query = sqlx::query(values_statement(
            INSERT_LOGS_SQLITE,
            LOG_VALUES,
            chunk.len(),
        ));
        for row in chunk {
            query = query
                .bind(row.created_at)
                .bind(row.request_id.as_ref())
                .bind(row.client_request_id.as_ref())
                .bind(row.upstream_request_id.as_deref())
                .bind(row.group_id.as_ref())
                .bind(row.token_id)
                .bind(row.token_name.as_ref())
                .bind(row.requested_model.as_ref())
                .bind(row.actual_model.as_ref())
                .bind(row.channel_id)
                .bind(row.endpoint.as_ref())
                .bind(row.status_code)
                .bind(row.error.as_deref())
                .bind(row.input_tokens)
                .bind(row.output_tokens)
                .bind(row.cached_tokens)
                .bind(row.cache_creation_tokens)
                .bind(row.reasoning_tokens)
                .bind(row.image_input_tokens)
                .bind(row.image_output_tokens)
                .bind(row.audio_input_tokens)
                .bind(row.audio_output_tokens)
                .bind(row.total_tokens)
                .bind(row.cost.as_str())
                .bind(row.ttfb_ms)
                .bind(row.total_ms)
                .bind(row.retries)
                .bind(row.client_ip.as_deref())
                .bind(row.user_field.as_deref())
                .bind(row.web_search_calls)
                .bind(row.cache_hit)
                .bind(row.metadata.as_deref())
                .bind(row.price_tier.as_deref())
                .bind(row.charge_detail.as_deref());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn insert_details_sqlite(
    conn: &mut AnyConnection,
    details: &[DetailOut<'_>],
) -> Result<(), sqlx::Error> {
    for chunk in shaped_chunks(details, SQLITE_INSERT_ROWS) {
        let mut query = sqlx::query(values_statement(
            INSERT_DETAILS_SQLITE,
            DETAIL_VALUES,
            chunk.len(),
        ));
        for detail in chunk {
            query = query
                .bind(detail.request_id.as_ref())
                .bind(detail.created_at)
                .bind(detail.request_body.as_deref())
                .bind(detail.response_body.as_deref())
                .bind(detail.request_body_truncated)
                .bind(detail.response_body_truncated);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

fn saturating(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_cut_on_character_boundaries() {
        let body = Bytes::from("héllo");
        assert_eq!(body_text(Some(&body), 2), (Some("h".into()), true));
        assert_eq!(body_text(Some(&body), 3), (Some("hé".into()), true));
        assert_eq!(body_text(Some(&body), 64), (Some("héllo".into()), false));
        assert_eq!(body_text(None, 64), (None, false));
        let nul = Bytes::from_static(b"a\0b");
        assert_eq!(
            body_text(Some(&nul), 64),
            (Some("a\u{FFFD}b".into()), false)
        );
    }
}
