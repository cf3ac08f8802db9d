//! Per-minute and per-hour summaries: added to in the writer's transaction with atomic upserts, and read as time series, totals and rankings.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use std::time::Duration;

use relay::backend::UsageRecord;
use rust_decimal::Decimal;
use sqlx::{AnyConnection, Row};

use super::{LogError, Sql, saturating_i64};
use crate::store::Store;
use crate::usage_log::LogEntry;

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 3_600_000;
/// Rows per upsert statement: 18 bound values per row stays far below Postgres' 65,535.
const UPSERT_ROWS: usize = 1_000;

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
        if let Some(first_byte) = record.first_byte {
            self.ttfb_ms += millis(first_byte);
            self.ttfb_count += 1;
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

impl Summarized for LogEntry {
    fn record(&self) -> &UsageRecord {
        &self.record
    }

    fn cost(&self) -> Decimal {
        self.cost
    }
}

/// Adds `batch` (stored with `created_at` = `created_at_ms`) to the minute and hour rows of
/// both summary tables. Call it on the transaction that inserted the rows, so summaries and raw
/// rows commit together. The increments are atomic upserts, so concurrent writers (several
/// replicas) never lose one; rows are written in key order, channel table first, so two
/// writers lock rows in the same order and cannot deadlock each other.
///
/// The model is the requested one in both tables, as in the `model` filters.
pub async fn record_batch<E: Summarized>(
    conn: &mut AnyConnection,
    batch: &[E],
    created_at_ms: i64,
) -> Result<(), sqlx::Error> {
    let postgres = conn.backend_name() == "PostgreSQL";
    let mut by_channel: BTreeMap<(Granularity, i64, i64, &str), Counters> = BTreeMap::new();
    let mut by_group: BTreeMap<(Granularity, i64, &str, &str, &str), Counters> = BTreeMap::new();
    for granularity in [Granularity::Minute, Granularity::Hour] {
        let bucket = granularity.bucket(created_at_ms);
        for entry in batch {
            let (record, cost) = (entry.record(), entry.cost());
            let model = record.requested_model.as_deref().unwrap_or_default();
            // The log row stores a missing channel as NULL; the summary key cannot be NULL.
            let channel = record.channel_id.unwrap_or(0);
            by_channel
                .entry((granularity, bucket, channel, model))
                .or_default()
                .add_record(record, cost);
            let group = record.group_id.as_deref().unwrap_or_default();
            let token = record.token_name.as_deref().unwrap_or_default();
            by_group
                .entry((granularity, bucket, group, token, model))
                .or_default()
                .add_record(record, cost);
        }
    }
    let channel_rows: Vec<_> = by_channel.into_iter().collect();
    for chunk in channel_rows.chunks(UPSERT_ROWS) {
        let mut sql = Sql::new(
            "INSERT INTO channel_model_summaries (granularity, bucket, channel_id, model, ",
        );
        sql.push(COUNTER_COLUMNS).push(") VALUES ");
        for (index, ((granularity, bucket, channel, model), counters)) in chunk.iter().enumerate() {
            if index > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .bind_text(granularity.name())
                .push(", ")
                .bind_int(*bucket)
                .push(", ")
                .bind_int(*channel)
                .push(", ")
                .bind_text(*model);
            bind_counters(&mut sql, counters, postgres);
            sql.push(")");
        }
        sql.push(" ON CONFLICT (granularity, bucket, channel_id, model) DO UPDATE SET ")
            .push(CHANNEL_UPDATES);
        if postgres {
            sql.push(", cost = ")
                .push(cost_sum!("channel_model_summaries"));
        }
        sql.query().execute(&mut *conn).await?;
    }
    if !postgres {
        for ((granularity, bucket, channel, model), counters) in &channel_rows {
            if counters.cost.is_zero() {
                continue;
            }
            let key = |sql: &mut Sql| {
                sql.push(" WHERE granularity = ")
                    .bind_text(granularity.name())
                    .push(" AND bucket = ")
                    .bind_int(*bucket)
                    .push(" AND channel_id = ")
                    .bind_int(*channel)
                    .push(" AND model = ")
                    .bind_text(*model);
            };
            add_cost_sqlite(conn, "channel_model_summaries", key, counters.cost).await?;
        }
    }
    let group_rows: Vec<_> = by_group.into_iter().collect();
    for chunk in group_rows.chunks(UPSERT_ROWS) {
        let mut sql = Sql::new(
            "INSERT INTO group_token_model_summaries (granularity, bucket, group_id, token_name, model, ",
        );
        sql.push(COUNTER_COLUMNS).push(") VALUES ");
        for (index, ((granularity, bucket, group, token, model), counters)) in
            chunk.iter().enumerate()
        {
            if index > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .bind_text(granularity.name())
                .push(", ")
                .bind_int(*bucket)
                .push(", ")
                .bind_text(*group)
                .push(", ")
                .bind_text(*token)
                .push(", ")
                .bind_text(*model);
            bind_counters(&mut sql, counters, postgres);
            sql.push(")");
        }
        sql.push(" ON CONFLICT (granularity, bucket, group_id, token_name, model) DO UPDATE SET ")
            .push(GROUP_UPDATES);
        if postgres {
            sql.push(", cost = ")
                .push(cost_sum!("group_token_model_summaries"));
        }
        sql.query().execute(&mut *conn).await?;
    }
    if !postgres {
        for ((granularity, bucket, group, token, model), counters) in &group_rows {
            if counters.cost.is_zero() {
                continue;
            }
            let key = |sql: &mut Sql| {
                sql.push(" WHERE granularity = ")
                    .bind_text(granularity.name())
                    .push(" AND bucket = ")
                    .bind_int(*bucket)
                    .push(" AND group_id = ")
                    .bind_text(*group)
                    .push(" AND token_name = ")
                    .bind_text(*token)
                    .push(" AND model = ")
                    .bind_text(*model);
            };
            add_cost_sqlite(conn, "group_token_model_summaries", key, counters.cost).await?;
        }
    }
    Ok(())
}

/// SQLite has no exact decimal arithmetic: the cost is read and rewritten, which is safe
/// because the writer's `BEGIN IMMEDIATE` transaction holds the database's only write lock.
/// The upsert before this inserted new rows with cost 0.
async fn add_cost_sqlite(
    conn: &mut AnyConnection,
    table: &'static str,
    key: impl Fn(&mut Sql),
    cost: Decimal,
) -> Result<(), sqlx::Error> {
    let mut read = Sql::new("SELECT cost FROM ");
    read.push(table);
    key(&mut read);
    let stored: String = read.query().fetch_one(&mut *conn).await?.try_get(0)?;
    // A corrupt stored value is overwritten rather than failing every later batch forever.
    let stored = Decimal::from_str(&stored).unwrap_or_default();
    let mut write = Sql::new("UPDATE ");
    write
        .push(table)
        .push(" SET cost = ")
        .bind_text((stored + cost).normalize().to_string());
    key(&mut write);
    write.query().execute(&mut *conn).await?;
    Ok(())
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

const CHANNEL_UPDATES: &str = counter_updates!("channel_model_summaries");
const GROUP_UPDATES: &str = counter_updates!("group_token_model_summaries");

/// Binds the counters; the cost only on Postgres, where the upsert adds it (SQLite inserts 0
/// and adds the cost afterwards, see [`add_cost_sqlite`]).
fn bind_counters(sql: &mut Sql, counters: &Counters, postgres: bool) {
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
    let cost = if postgres {
        counters.cost.normalize().to_string()
    } else {
        "0".to_owned()
    };
    sql.push(", ").bind_text(cost);
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

const SUM_COLUMNS: &str = "CAST(SUM(request_count) AS BIGINT), CAST(SUM(error_count) AS BIGINT), \
    CAST(SUM(client_error_count) AS BIGINT), CAST(SUM(server_error_count) AS BIGINT), \
    CAST(SUM(input_tokens) AS BIGINT), CAST(SUM(output_tokens) AS BIGINT), \
    CAST(SUM(cached_tokens) AS BIGINT), CAST(SUM(cache_creation_tokens) AS BIGINT), \
    CAST(SUM(reasoning_tokens) AS BIGINT), CAST(SUM(total_tokens) AS BIGINT), \
    CAST(SUM(total_ms) AS BIGINT), CAST(SUM(ttfb_ms) AS BIGINT), CAST(SUM(ttfb_count) AS BIGINT)";

/// The series of `granularity` buckets in the range, ascending; empty buckets are absent.
pub async fn series(
    store: &Store,
    granularity: Granularity,
    filter: &SummaryFilter,
) -> Result<Vec<SummaryPoint>, LogError> {
    let uses_channel = uses_channel_table(filter)?;
    let mut sql = Sql::new("SELECT bucket, ");
    sql.push(SUM_COLUMNS);
    push_from_where(&mut sql, uses_channel, granularity, filter);
    sql.push(" GROUP BY bucket ORDER BY bucket");
    let rows = sql.query().fetch_all(store.pool()).await?;
    let mut points = Vec::with_capacity(rows.len());
    for row in &rows {
        points.push(SummaryPoint {
            bucket_ms: row.try_get(0)?,
            counters: counters_at(row, 1)?,
        });
    }
    let costs = costs_by(store, uses_channel, granularity, filter, "bucket").await?;
    for point in &mut points {
        if let Some(cost) = costs.get(&point.bucket_ms.to_string()) {
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
) -> Result<Counters, LogError> {
    let uses_channel = uses_channel_table(filter)?;
    let mut sql = Sql::new("SELECT ");
    sql.push(SUM_COLUMNS);
    push_from_where(&mut sql, uses_channel, granularity, filter);
    let row = sql.query().fetch_one(store.pool()).await?;
    // SUM over no rows is NULL: an empty range is all zeros.
    let mut counters = counters_at(&row, 0)?;
    counters.cost = costs_by(store, uses_channel, granularity, filter, "total")
        .await?
        .values()
        .sum();
    Ok(counters)
}

/// The top `limit` keys of `by`, ordered by `metric` descending (ties by key).
pub async fn ranking(
    store: &Store,
    granularity: Granularity,
    by: RankBy,
    metric: RankMetric,
    start_ms: i64,
    end_ms: i64,
    limit: usize,
) -> Result<Vec<RankEntry>, LogError> {
    let filter = SummaryFilter {
        start_ms,
        end_ms,
        ..SummaryFilter::default()
    };
    let (uses_channel, key) = match by {
        RankBy::Group => (false, "group_id"),
        RankBy::Channel => (true, "channel_id"),
        RankBy::Model => (false, "model"),
    };
    let mut sql = Sql::new("SELECT ");
    sql.push(key_expression(key)).push(", ").push(SUM_COLUMNS);
    push_from_where(&mut sql, uses_channel, granularity, &filter);
    sql.push(" GROUP BY ").push(key);
    let rows = sql.query().fetch_all(store.pool()).await?;
    let costs = costs_by(store, uses_channel, granularity, &filter, key).await?;
    let mut entries = Vec::with_capacity(rows.len());
    for row in &rows {
        let key: String = row.try_get(0)?;
        let mut counters = counters_at(row, 1)?;
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
        "channel_id" => "CAST(channel_id AS TEXT)",
        "bucket" => "CAST(bucket AS TEXT)",
        "total" => "''",
        other => other,
    }
}

fn uses_channel_table(filter: &SummaryFilter) -> Result<bool, LogError> {
    let by_group = filter.group_id.is_some() || filter.token_name.is_some();
    match (filter.channel_id.is_some(), by_group) {
        (true, true) => Err(LogError::Invalid {
            field: "filter",
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
) -> Result<HashMap<String, Decimal>, LogError> {
    let mut sql = Sql::new("SELECT ");
    sql.push(key_expression(key)).push(", cost");
    push_from_where(&mut sql, uses_channel, granularity, filter);
    sql.push(" AND cost <> '0'");
    let rows = sql.query().fetch_all(store.pool()).await?;
    let mut costs: HashMap<String, Decimal> = HashMap::new();
    for row in &rows {
        let key: String = row.try_get(0)?;
        let text: String = row.try_get(1)?;
        let cost = Decimal::from_str(&text).map_err(|error| LogError::Corrupt {
            column: "cost",
            reason: error.to_string(),
        })?;
        *costs.entry(key).or_default() += cost;
    }
    Ok(costs)
}

fn counters_at(row: &sqlx::any::AnyRow, first: usize) -> Result<Counters, sqlx::Error> {
    let get = |offset: usize| -> Result<i64, sqlx::Error> {
        Ok(row.try_get::<Option<i64>, _>(first + offset)?.unwrap_or(0))
    };
    Ok(Counters {
        requests: get(0)?,
        errors: get(1)?,
        client_errors: get(2)?,
        server_errors: get(3)?,
        input_tokens: get(4)?,
        output_tokens: get(5)?,
        cached_tokens: get(6)?,
        cache_creation_tokens: get(7)?,
        reasoning_tokens: get(8)?,
        total_tokens: get(9)?,
        cost: Decimal::ZERO,
        total_ms: get(10)?,
        ttfb_ms: get(11)?,
        ttfb_count: get(12)?,
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
