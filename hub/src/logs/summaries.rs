//! Per-minute and per-hour summaries: added to in the writer's transaction with atomic upserts, and read as time series, totals and rankings.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use std::sync::LazyLock;
use std::time::Duration;

use relay::host::UsageRecord;
use rust_decimal::Decimal;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use super::histogram::{BUCKETS, Histogram, LATENCY_COLUMNS, TTFB_COLUMNS};
use super::saturating_i64;
use crate::logs::entry::LogEntry;
use crate::store::sql::{Arg, Sql};
use crate::store::{Store, StoreError, rows};

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 3_600_000;
/// Rows per upsert statement (a power of two, for `shaped_chunks`): at most 83 bound values per
/// row (key, counters, cost and two histograms) stays under SQLite's 32,766 (and Postgres'
/// 65,535).
const UPSERT_ROWS: usize = 256;

/// Bucket width of a summary row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Granularity {
    Minute,
    Hour,
}

impl Granularity {
    fn name(self) -> &'static str {
        match self {
            Granularity::Minute => "minute",
            Granularity::Hour => "hour",
        }
    }

    fn width_ms(self) -> i64 {
        match self {
            Granularity::Minute => MINUTE_MS,
            Granularity::Hour => HOUR_MS,
        }
    }

    /// Start of the bucket holding `at_ms`.
    pub fn bucket(self, at_ms: i64) -> i64 {
        at_ms - at_ms.rem_euclid(self.width_ms())
    }
}

/// The counters one summary row holds, summed over the requests in its bucket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counters {
    pub requests: i64,
    pub errors: i64,
    pub client_errors: i64,
    pub server_errors: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cached_tokens: i64,
    pub cache_creation_tokens: i64,
    pub reasoning_tokens: i64,
    pub total_tokens: i64,
    pub cost: Decimal,
    pub total_ms: i64,
    pub ttfb_ms: i64,
    pub ttfb_count: i64,
    /// Total latency and time to first byte per bucket of [`Histogram`] (empty in rows written
    /// before the histograms).
    pub latency: Histogram,
    pub ttfb: Histogram,
}

impl Counters {
    fn add_record(&mut self, record: &UsageRecord, cost: Decimal) {
        self.requests += 1;
        self.cost += cost;
        if record.status >= 400 {
            self.errors += 1;
            if record.status >= 500 {
                self.server_errors += 1;
            } else {
                self.client_errors += 1;
            }
        }
        let usage = &record.usage;
        self.input_tokens += saturating_i64(usage.input_tokens);
        self.output_tokens += saturating_i64(usage.output_tokens);
        self.cached_tokens += saturating_i64(usage.cached_input_tokens);
        self.cache_creation_tokens += saturating_i64(usage.cache_creation_tokens);
        self.reasoning_tokens += saturating_i64(usage.reasoning_tokens);
        self.total_tokens += saturating_i64(usage.total_tokens);
        self.total_ms += millis(record.total);
        self.latency.record(record.total);
        if let Some(first_byte) = record.first_byte {
            self.ttfb_ms += millis(first_byte);
            self.ttfb_count += 1;
            self.ttfb.record(first_byte);
        }
    }

    fn add(&mut self, other: &Counters) {
        self.requests += other.requests;
        self.errors += other.errors;
        self.client_errors += other.client_errors;
        self.server_errors += other.server_errors;
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
        self.cached_tokens += other.cached_tokens;
        self.cache_creation_tokens += other.cache_creation_tokens;
        self.reasoning_tokens += other.reasoning_tokens;
        self.total_tokens += other.total_tokens;
        self.cost += other.cost;
        self.total_ms += other.total_ms;
        self.ttfb_ms += other.ttfb_ms;
        self.ttfb_count += other.ttfb_count;
        self.latency.add(&other.latency);
        self.ttfb.add(&other.ttfb);
    }

    /// Mean total latency over every request.
    pub fn avg_latency_ms(&self) -> f64 {
        ratio(self.total_ms, self.requests)
    }

    /// Mean time to first byte over the requests that had one.
    pub fn avg_ttfb_ms(&self) -> f64 {
        ratio(self.ttfb_ms, self.ttfb_count)
    }
}

#[expect(
    clippy::cast_precision_loss,
    reason = "a mean for display; counters far beyond 2^53 are not expected"
)]
fn ratio(sum: i64, count: i64) -> f64 {
    if count == 0 {
        0.0
    } else {
        sum as f64 / count as f64
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// The histogram columns, latency's then time to first byte's, in bind order.
fn histogram_columns() -> impl Iterator<Item = &'static String> {
    LATENCY_COLUMNS.iter().chain(TTFB_COLUMNS.iter())
}

/// `, latency_h00, ...`: the insert's histogram columns, after the cost.
static HISTOGRAM_INSERT: LazyLock<String> = LazyLock::new(|| {
    histogram_columns()
        .map(|column| format!(", {column}"))
        .collect()
});

/// `, CAST(SUM(latency_h00) AS BIGINT) AS latency_h00, ...`, read by [`summed_counters`].
static HISTOGRAM_SUMS: LazyLock<String> = LazyLock::new(|| {
    histogram_columns()
        .map(|column| format!(", CAST(SUM({column}) AS BIGINT) AS {column}"))
        .collect()
});

/// `, latency_h00 = <table>.latency_h00 + excluded.latency_h00, ...`: histograms merge by
/// adding counts, atomically like the other counters.
fn histogram_updates(table: &'static str) -> String {
    histogram_columns()
        .map(|column| format!(", {column} = {table}.{column} + excluded.{column}"))
        .collect()
}

static CHANNEL_HISTOGRAM_UPDATES: LazyLock<String> =
    LazyLock::new(|| histogram_updates(CHANNEL_TABLE.name));
static GROUP_HISTOGRAM_UPDATES: LazyLock<String> =
    LazyLock::new(|| histogram_updates(GROUP_TABLE.name));

/// Postgres adds decimal TEXT exactly through NUMERIC inside the upsert, so concurrent writers
/// (replicas) never lose an increment.
macro_rules! cost_sum {
    ($table:literal) => {
        concat!(
            "CAST(CAST(",
            $table,
            ".cost AS NUMERIC) + CAST(excluded.cost AS NUMERIC) AS TEXT)"
        )
    };
}

/// What the summaries read of one logged request.
pub trait Summarized {
    fn record(&self) -> &UsageRecord;
    fn cost(&self) -> Decimal;
}

impl Summarized for UsageRecord {
    fn record(&self) -> &UsageRecord {
        self
    }

    fn cost(&self) -> Decimal {
        Decimal::ZERO
    }
}

impl<T: Summarized> Summarized for &T {
    fn record(&self) -> &UsageRecord {
        (**self).record()
    }

    fn cost(&self) -> Decimal {
        (**self).cost()
    }
}

impl Summarized for LogEntry {
    fn record(&self) -> &UsageRecord {
        &self.record
    }

    fn cost(&self) -> Decimal {
        self.cost
    }
}

/// Counter columns in bind order, the decimal cost last.
const COUNTER_COLUMNS: &str = "request_count, error_count, client_error_count, server_error_count, \
    input_tokens, output_tokens, cached_tokens, cache_creation_tokens, reasoning_tokens, \
    total_tokens, total_ms, ttfb_ms, ttfb_count, cost";

/// `SET counter = <table>.counter + excluded.counter, ...`: Postgres calls an unqualified
/// counter ambiguous (the row or `excluded`), so the stored row is named by its table.
macro_rules! counter_updates {
    ($table:literal) => {
        concat!(
            "request_count = ",
            $table,
            ".request_count + excluded.request_count, ",
            "error_count = ",
            $table,
            ".error_count + excluded.error_count, ",
            "client_error_count = ",
            $table,
            ".client_error_count + excluded.client_error_count, ",
            "server_error_count = ",
            $table,
            ".server_error_count + excluded.server_error_count, ",
            "input_tokens = ",
            $table,
            ".input_tokens + excluded.input_tokens, ",
            "output_tokens = ",
            $table,
            ".output_tokens + excluded.output_tokens, ",
            "cached_tokens = ",
            $table,
            ".cached_tokens + excluded.cached_tokens, ",
            "cache_creation_tokens = ",
            $table,
            ".cache_creation_tokens + excluded.cache_creation_tokens, ",
            "reasoning_tokens = ",
            $table,
            ".reasoning_tokens + excluded.reasoning_tokens, ",
            "total_tokens = ",
            $table,
            ".total_tokens + excluded.total_tokens, ",
            "total_ms = ",
            $table,
            ".total_ms + excluded.total_ms, ",
            "ttfb_ms = ",
            $table,
            ".ttfb_ms + excluded.ttfb_ms, ",
            "ttfb_count = ",
            $table,
            ".ttfb_count + excluded.ttfb_count",
        )
    };
}

/// Adds `batch` (stored with `created_at` = `created_at_ms`) to the minute and hour rows of
/// both summary tables. Call it on the transaction that inserted the rows, so summaries and raw
/// rows commit together. The batch is first summed in memory per summary row, so a batch costs
/// a few statements per table whatever its size. The increments are atomic upserts, so
/// concurrent writers (several replicas) never lose one; rows are written in key order,
/// channel table first, so two writers lock rows in the same order and cannot deadlock each
/// other.
///
/// The model is the requested one in both tables, as in the `model` filters.
pub async fn record_batch<E: Summarized>(
    conn: &mut AnyConnection,
    batch: &[E],
    created_at_ms: i64,
) -> Result<(), StoreError> {
    let postgres = conn.backend_name() == "PostgreSQL";
    let mut by_channel: BTreeMap<Vec<Arg>, Counters> = BTreeMap::new();
    let mut by_group: BTreeMap<Vec<Arg>, Counters> = BTreeMap::new();
    for granularity in [Granularity::Minute, Granularity::Hour] {
        let bucket = granularity.bucket(created_at_ms);
        for entry in batch {
            let (record, cost) = (entry.record(), entry.cost());
            let model = record.requested_model.as_deref().unwrap_or_default();
            // The log row stores a missing channel as NULL; the summary key cannot be NULL.
            let channel = record.channel_id.unwrap_or(0);
            by_channel
                .entry(vec![
                    Arg::Text(granularity.name().to_owned()),
                    Arg::Int(bucket),
                    Arg::Int(channel),
                    Arg::Text(model.to_owned()),
                ])
                .or_default()
                .add_record(record, cost);
            let group = record.group_id.as_deref().unwrap_or_default();
            let token = record.token_name.as_deref().unwrap_or_default();
            by_group
                .entry(vec![
                    Arg::Text(granularity.name().to_owned()),
                    Arg::Int(bucket),
                    Arg::Text(group.to_owned()),
                    Arg::Text(token.to_owned()),
                    Arg::Text(model.to_owned()),
                ])
                .or_default()
                .add_record(record, cost);
        }
    }
    upsert(conn, &CHANNEL_TABLE, &by_channel, postgres).await?;
    upsert(conn, &GROUP_TABLE, &by_group, postgres).await?;
    Ok(())
}

/// The statements of one summary table.
struct SummaryTable {
    name: &'static str,
    /// `INSERT INTO <table> (<key columns>, `
    insert_head: &'static str,
    /// `ON CONFLICT (<key>) DO UPDATE SET <counter> = <table>.<counter> + excluded.<counter>, ...`
    conflict: &'static str,
    /// `, cost = <stored + excluded, exact in NUMERIC>` (Postgres).
    postgres_cost: &'static str,
    /// `SELECT <key columns>, cost FROM <table> WHERE (<key columns>) IN (VALUES ` (SQLite).
    select_costs_head: &'static str,
    /// The key columns' names, in key order, to read a selected key back by name.
    key_columns: &'static [&'static str],
    /// The histogram columns' part of `conflict`.
    histogram_updates: &'static LazyLock<String>,
}

macro_rules! summary_table {
    ($table:literal, $key:literal, $key_columns:expr, $histogram_updates:expr) => {
        SummaryTable {
            name: $table,
            insert_head: concat!("INSERT INTO ", $table, " (", $key, ", "),
            conflict: concat!(
                " ON CONFLICT (",
                $key,
                ") DO UPDATE SET ",
                counter_updates!($table)
            ),
            postgres_cost: concat!(", cost = ", cost_sum!($table)),
            select_costs_head: concat!(
                "SELECT ",
                $key,
                ", cost FROM ",
                $table,
                " WHERE (",
                $key,
                ") IN (VALUES "
            ),
            key_columns: $key_columns,
            histogram_updates: $histogram_updates,
        }
    };
}

static CHANNEL_TABLE: SummaryTable = summary_table!(
    "channel_model_summaries",
    "granularity, bucket, channel_id, model",
    &["granularity", "bucket", "channel_id", "model"],
    &CHANNEL_HISTOGRAM_UPDATES
);
static GROUP_TABLE: SummaryTable = summary_table!(
    "group_token_model_summaries",
    "granularity, bucket, group_id, token_name, model",
    &["granularity", "bucket", "group_id", "token_name", "model"],
    &GROUP_HISTOGRAM_UPDATES
);

/// Adds `rows` to `table`, [`UPSERT_ROWS`] rows per statement. Postgres adds the cost inside
/// the upsert; SQLite has no exact decimal arithmetic, so the stored costs are read first (one
/// statement per chunk) and the upsert writes the sums, which is safe because the writer's
/// `BEGIN IMMEDIATE` transaction holds the database's only write lock.
async fn upsert(
    conn: &mut AnyConnection,
    table: &SummaryTable,
    rows: &BTreeMap<Vec<Arg>, Counters>,
    postgres: bool,
) -> Result<(), StoreError> {
    let rows: Vec<_> = rows.iter().collect();
    for chunk in crate::store::sql::shaped_chunks(&rows, UPSERT_ROWS) {
        let stored = if postgres {
            HashMap::new()
        } else {
            stored_costs_sqlite(conn, table, chunk).await?
        };
        let mut sql = if postgres {
            Sql::new(table.insert_head)
        } else {
            Sql::new_sqlite_bulk(table.insert_head)
        };
        sql.push(COUNTER_COLUMNS)
            .push(&HISTOGRAM_INSERT)
            .push(") VALUES ");
        for (index, (key, counters)) in chunk.iter().enumerate() {
            sql.push(if index == 0 { "(" } else { ", (" });
            bind_key(&mut sql, key);
            bind_counters(&mut sql, counters);
            let cost = match stored.get(*key) {
                Some(stored) => *stored + counters.cost,
                None => counters.cost,
            };
            sql.push(", ").bind_text(cost.normalize().to_string());
            for count in counters.latency.0.into_iter().chain(counters.ttfb.0) {
                sql.push(", ").bind_int(count);
            }
            sql.push(")");
        }
        sql.push(table.conflict)
            .push(table.histogram_updates.as_str())
            .push(if postgres {
                table.postgres_cost
            } else {
                ", cost = excluded.cost"
            });
        sql.query().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The stored cost of each of `rows`' keys that already has a row.
async fn stored_costs_sqlite(
    conn: &mut AnyConnection,
    table: &SummaryTable,
    rows: &[(&Vec<Arg>, &Counters)],
) -> Result<HashMap<Vec<Arg>, Decimal>, StoreError> {
    let mut sql = Sql::new_sqlite_bulk(table.select_costs_head);
    for (index, (key, _)) in rows.iter().enumerate() {
        sql.push(if index == 0 { "(" } else { ", (" });
        bind_key(&mut sql, key);
        sql.push(")");
    }
    sql.push(")");
    let Some((template, _)) = rows.first() else {
        return Ok(HashMap::new());
    };
    let mut stored = HashMap::with_capacity(rows.len());
    for row in sql.query().fetch_all(&mut *conn).await? {
        let mut key = Vec::with_capacity(template.len());
        for (part, column) in template.iter().zip(table.key_columns) {
            key.push(match part {
                Arg::Int(_) => Arg::Int(rows::int(&row, column)?),
                Arg::Text(_) => Arg::Text(rows::text(&row, column)?),
            });
        }
        let cost = rows::text(&row, "cost")?;
        // A corrupt stored value is overwritten rather than failing every later batch forever.
        stored.insert(key, Decimal::from_str(&cost).unwrap_or_default());
    }
    Ok(stored)
}

fn bind_key(sql: &mut Sql, key: &[Arg]) {
    for (index, part) in key.iter().enumerate() {
        if index > 0 {
            sql.push(", ");
        }
        sql.bind(part.clone());
    }
}

/// Binds the integer counters (the cost is bound by the caller).
fn bind_counters(sql: &mut Sql, counters: &Counters) {
    for value in [
        counters.requests,
        counters.errors,
        counters.client_errors,
        counters.server_errors,
        counters.input_tokens,
        counters.output_tokens,
        counters.cached_tokens,
        counters.cache_creation_tokens,
        counters.reasoning_tokens,
        counters.total_tokens,
        counters.total_ms,
        counters.ttfb_ms,
        counters.ttfb_count,
    ] {
        sql.push(", ").bind_int(value);
    }
}

/// What a summary read selects. A channel filter reads the per-channel table; otherwise the
/// per-group table is read (both hold every request, so unfiltered answers agree).
#[derive(Debug, Clone, Default)]
pub struct SummaryFilter {
    /// Bucket start range: `start_ms` inclusive, `end_ms` exclusive; 0 is unbounded.
    pub start_ms: i64,
    pub end_ms: i64,
    pub group_id: Option<String>,
    pub token_name: Option<String>,
    pub model: Option<String>,
    pub channel_id: Option<i64>,
}

/// One point of a series: the bucket start and its counters.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryPoint {
    pub bucket_ms: i64,
    pub counters: Counters,
}

/// What a ranking groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankBy {
    Group,
    Channel,
    Model,
    /// Keyed `group/token`: token names are unique within a group only.
    Token,
}

/// What a ranking orders by (descending).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankMetric {
    Requests,
    Tokens,
    Cost,
}

/// One ranked key with its counters.
#[derive(Debug, Clone, PartialEq)]
pub struct RankEntry {
    pub key: String,
    pub counters: Counters,
}

/// The counters summed, each named as its [`Counters`] field (read by [`summed_counters`]).
const SUM_COLUMNS: &str = "CAST(SUM(request_count) AS BIGINT) AS requests, \
    CAST(SUM(error_count) AS BIGINT) AS errors, \
    CAST(SUM(client_error_count) AS BIGINT) AS client_errors, \
    CAST(SUM(server_error_count) AS BIGINT) AS server_errors, \
    CAST(SUM(input_tokens) AS BIGINT) AS input_tokens, \
    CAST(SUM(output_tokens) AS BIGINT) AS output_tokens, \
    CAST(SUM(cached_tokens) AS BIGINT) AS cached_tokens, \
    CAST(SUM(cache_creation_tokens) AS BIGINT) AS cache_creation_tokens, \
    CAST(SUM(reasoning_tokens) AS BIGINT) AS reasoning_tokens, \
    CAST(SUM(total_tokens) AS BIGINT) AS total_tokens, \
    CAST(SUM(total_ms) AS BIGINT) AS total_ms, CAST(SUM(ttfb_ms) AS BIGINT) AS ttfb_ms, \
    CAST(SUM(ttfb_count) AS BIGINT) AS ttfb_count";

/// The series of `granularity` buckets in the range, ascending; empty buckets are absent.
pub async fn series(
    store: &Store,
    granularity: Granularity,
    filter: &SummaryFilter,
) -> Result<Vec<SummaryPoint>, StoreError> {
    let keyed = split_series(store, granularity, filter, None).await?;
    Ok(keyed.into_iter().map(|(_, point)| point).collect())
}

/// What a split series keys its points by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitBy {
    Model,
    Channel,
}

/// The series of `granularity` buckets, one point per bucket and `split` key (the model, or the
/// channel id in decimal; "" unsplit), ascending by bucket then key. A channel split reads the
/// per-channel table, so it is refused with a group or token filter, as a channel filter is.
pub async fn split_series(
    store: &Store,
    granularity: Granularity,
    filter: &SummaryFilter,
    split: Option<SplitBy>,
) -> Result<Vec<(String, SummaryPoint)>, StoreError> {
    let mut uses_channel = uses_channel_table(filter)?;
    let (key, cost_key) = match split {
        None => ("total", "bucket"),
        Some(SplitBy::Model) => ("model", "bucket_model"),
        Some(SplitBy::Channel) => {
            if filter.group_id.is_some() || filter.token_name.is_some() {
                return Err(StoreError::Invalid {
                    field: "split".into(),
                    reason: "a channel split reads the per-channel summaries, which know no groups or tokens".into(),
                });
            }
            uses_channel = true;
            ("channel_id", "bucket_channel")
        }
    };
    let mut sql = Sql::new("SELECT bucket, ");
    sql.push(key_expression(key))
        .push(", ")
        .push(SUM_COLUMNS)
        .push(&HISTOGRAM_SUMS);
    push_from_where(&mut sql, uses_channel, granularity, filter);
    sql.push(" GROUP BY bucket");
    if key != "total" {
        sql.push(", ").push(key);
    }
    let rows = sql.query().fetch_all(store.pool()).await?;
    let mut points = Vec::with_capacity(rows.len());
    for row in &rows {
        points.push((
            rows::text(row, "rank_key")?,
            SummaryPoint {
                bucket_ms: rows::int(row, "bucket")?,
                counters: summed_counters(row)?,
            },
        ));
    }
    points.sort_by(|(a_key, a), (b_key, b)| {
        a.bucket_ms.cmp(&b.bucket_ms).then_with(|| a_key.cmp(b_key))
    });
    let costs = costs_by(store, uses_channel, granularity, filter, cost_key).await?;
    for (key, point) in &mut points {
        let cost_key = if split.is_some() {
            format!("{}/{key}", point.bucket_ms)
        } else {
            point.bucket_ms.to_string()
        };
        if let Some(cost) = costs.get(&cost_key) {
            point.counters.cost = *cost;
        }
    }
    Ok(points)
}

/// Every counter summed over the range.
pub async fn totals(
    store: &Store,
    granularity: Granularity,
    filter: &SummaryFilter,
) -> Result<Counters, StoreError> {
    let uses_channel = uses_channel_table(filter)?;
    let mut sql = Sql::new("SELECT ");
    sql.push(SUM_COLUMNS).push(&HISTOGRAM_SUMS);
    push_from_where(&mut sql, uses_channel, granularity, filter);
    let row = sql.query().fetch_one(store.pool()).await?;
    // SUM over no rows is NULL: an empty range is all zeros.
    let mut counters = summed_counters(&row)?;
    counters.cost = costs_by(store, uses_channel, granularity, filter, "total")
        .await?
        .values()
        .sum();
    Ok(counters)
}

/// The top `limit` keys of `by`, ordered by `metric` descending (ties by key), over the
/// filter's range and group (channels know no groups: a group filter is refused for them).
pub async fn ranking(
    store: &Store,
    granularity: Granularity,
    by: RankBy,
    metric: RankMetric,
    filter: &SummaryFilter,
    limit: usize,
) -> Result<Vec<RankEntry>, StoreError> {
    let (uses_channel, key, group_by) = match by {
        RankBy::Group => (false, "group_id", "group_id"),
        RankBy::Channel => (true, "channel_id", "channel_id"),
        RankBy::Model => (false, "model", "model"),
        RankBy::Token => (false, "token", "group_id, token_name"),
    };
    if uses_channel && (filter.group_id.is_some() || filter.token_name.is_some()) {
        return Err(StoreError::Invalid {
            field: "group_id".into(),
            reason: "channels are summed without groups; rank channels over every group".into(),
        });
    }
    let mut sql = Sql::new("SELECT ");
    sql.push(key_expression(key))
        .push(", ")
        .push(SUM_COLUMNS)
        .push(&HISTOGRAM_SUMS);
    push_from_where(&mut sql, uses_channel, granularity, filter);
    sql.push(" GROUP BY ").push(group_by);
    let rows = sql.query().fetch_all(store.pool()).await?;
    let costs = costs_by(store, uses_channel, granularity, filter, key).await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in &rows {
        let key = rows::text(row, "rank_key")?;
        let mut counters = summed_counters(row)?;
        if let Some(cost) = costs.get(&key) {
            counters.cost = *cost;
        }
        entries.push(RankEntry { key, counters });
    }
    entries.sort_by(|a, b| {
        let order = match metric {
            RankMetric::Requests => b.counters.requests.cmp(&a.counters.requests),
            RankMetric::Tokens => b.counters.total_tokens.cmp(&a.counters.total_tokens),
            RankMetric::Cost => b.counters.cost.cmp(&a.counters.cost),
        };
        order.then_with(|| a.key.cmp(&b.key))
    });
    entries.truncate(limit);
    Ok(entries)
}

/// Keys come back as text whatever their column type, so rankings have one key type.
fn key_expression(key: &'static str) -> &'static str {
    match key {
        "channel_id" => "CAST(channel_id AS TEXT) AS rank_key",
        "bucket" => "CAST(bucket AS TEXT) AS rank_key",
        "total" => "'' AS rank_key",
        "group_id" => "group_id AS rank_key",
        "model" => "model AS rank_key",
        "token" => "group_id || '/' || token_name AS rank_key",
        "bucket_model" => "CAST(bucket AS TEXT) || '/' || model AS rank_key",
        "bucket_channel" => "CAST(bucket AS TEXT) || '/' || CAST(channel_id AS TEXT) AS rank_key",
        // Every key this module ranks or sums by is listed above.
        _ => "'' AS rank_key",
    }
}

/// Each model's requests and tokens per minute of `filter`'s range, handed to `each` one
/// minute at a time (`bucket_ms`, model, requests, total tokens) as the database streams
/// them: a dashboard's busiest minutes over weeks of minutes and many models fold into its
/// own few buckets without the minutes ever being held together.
pub async fn each_minute_by_model(
    store: &Store,
    filter: &SummaryFilter,
    mut each: impl FnMut(i64, String, i64, i64),
) -> Result<(), StoreError> {
    use futures::TryStreamExt;
    let uses_channel = uses_channel_table(filter)?;
    let mut sql = Sql::new(
        "SELECT bucket, model, CAST(SUM(request_count) AS BIGINT) AS requests, \
         CAST(SUM(total_tokens) AS BIGINT) AS total_tokens",
    );
    push_from_where(&mut sql, uses_channel, Granularity::Minute, filter);
    sql.push(" GROUP BY bucket, model");
    let query = sql.query();
    let mut rows = query.fetch(store.pool());
    while let Some(row) = rows.try_next().await? {
        each(
            rows::int(&row, "bucket")?,
            rows::text(&row, "model")?,
            rows::int(&row, "requests")?,
            rows::int(&row, "total_tokens")?,
        );
    }
    Ok(())
}

fn uses_channel_table(filter: &SummaryFilter) -> Result<bool, StoreError> {
    let by_group = filter.group_id.is_some() || filter.token_name.is_some();
    match (filter.channel_id.is_some(), by_group) {
        (true, true) => Err(StoreError::Invalid {
            field: "filter".into(),
            reason: "channel and group/token filters read different summaries; use one kind".into(),
        }),
        (uses_channel, _) => Ok(uses_channel),
    }
}

fn push_from_where(
    sql: &mut Sql,
    uses_channel: bool,
    granularity: Granularity,
    filter: &SummaryFilter,
) {
    sql.push(if uses_channel {
        " FROM channel_model_summaries"
    } else {
        " FROM group_token_model_summaries"
    });
    sql.push(" WHERE granularity = ")
        .bind_text(granularity.name());
    if filter.start_ms > 0 {
        sql.push(" AND bucket >= ").bind_int(filter.start_ms);
    }
    if filter.end_ms > 0 {
        sql.push(" AND bucket < ").bind_int(filter.end_ms);
    }
    if let Some(model) = &filter.model {
        sql.push(" AND model = ").bind_text(model.clone());
    }
    if uses_channel {
        if let Some(channel) = filter.channel_id {
            sql.push(" AND channel_id = ").bind_int(channel);
        }
    } else {
        if let Some(group) = &filter.group_id {
            sql.push(" AND group_id = ").bind_text(group.clone());
        }
        if let Some(token) = &filter.token_name {
            sql.push(" AND token_name = ").bind_text(token.clone());
        }
    }
}

/// Costs are decimal TEXT, which SQL cannot sum the same way in both dialects: the rows with a
/// cost are summed here, per `key`. Only rows with a non-zero cost are read.
async fn costs_by(
    store: &Store,
    uses_channel: bool,
    granularity: Granularity,
    filter: &SummaryFilter,
    key: &'static str,
) -> Result<HashMap<String, Decimal>, StoreError> {
    let mut sql = Sql::new("SELECT ");
    sql.push(key_expression(key)).push(", cost");
    push_from_where(&mut sql, uses_channel, granularity, filter);
    sql.push(" AND cost <> '0'");
    let rows = sql.query().fetch_all(store.pool()).await?;
    let mut costs: HashMap<String, Decimal> = HashMap::new();
    for row in &rows {
        let key = rows::text(row, "rank_key")?;
        let text = rows::text(row, "cost")?;
        let cost = Decimal::from_str(&text).map_err(|error| StoreError::Corrupt {
            column: "cost",
            reason: error.to_string(),
        })?;
        *costs.entry(key).or_default() += cost;
    }
    Ok(costs)
}

/// The counters [`SUM_COLUMNS`] and [`HISTOGRAM_SUMS`] selected; SUM over no rows is NULL,
/// read as 0.
fn summed_counters(row: &AnyRow) -> Result<Counters, StoreError> {
    let get = |column: &'static str| -> Result<i64, StoreError> {
        Ok(rows::opt_int(row, column)?.unwrap_or(0))
    };
    let histogram = |columns: &'static [String]| -> Result<Histogram, StoreError> {
        let mut counts = [0; BUCKETS];
        for (count, column) in counts.iter_mut().zip(columns) {
            *count = get(column)?;
        }
        Ok(Histogram(counts))
    };
    Ok(Counters {
        requests: get("requests")?,
        errors: get("errors")?,
        client_errors: get("client_errors")?,
        server_errors: get("server_errors")?,
        input_tokens: get("input_tokens")?,
        output_tokens: get("output_tokens")?,
        cached_tokens: get("cached_tokens")?,
        cache_creation_tokens: get("cache_creation_tokens")?,
        reasoning_tokens: get("reasoning_tokens")?,
        total_tokens: get("total_tokens")?,
        cost: Decimal::ZERO,
        total_ms: get("total_ms")?,
        ttfb_ms: get("ttfb_ms")?,
        ttfb_count: get("ttfb_count")?,
        latency: histogram(&LATENCY_COLUMNS)?,
        ttfb: histogram(&TTFB_COLUMNS)?,
    })
}

/// Sums counters, for callers merging points.
pub fn sum<'a>(counters: impl IntoIterator<Item = &'a Counters>) -> Counters {
    let mut total = Counters::default();
    for counter in counters {
        total.add(counter);
    }
    total
}
