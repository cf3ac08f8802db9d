//! Benchmark (printed, not asserted): request log rows per second written through `hub::usage_log` on SQLite and Postgres, and the same batches with the summary upserts in the writer's transaction.
//!
//! Run: `cargo bench -p hub --bench log_write` (Postgres on 127.0.0.1:5432, trust auth; a
//! database of its own is created and dropped).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a benchmark that cannot measure should stop loudly"
)]

use std::time::{Duration, Instant};

use hub::store::{Store, now_ms};
use relay::backend::{TokenUsage, UsageRecord, UsageSink};
use sqlx::{AssertSqlSafe, Connection};

const ROWS: usize = 200_000;
/// The writer's batch size (`hub::usage_log::BATCH_ROWS`).
const BATCH_ROWS: usize = 500;
const ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        println!("request log writes, {ROWS} rows per run");
        let dir = tempfile::tempdir().expect("temporary directory");
        let sqlite = Store::connect(dir.path().join("a.db").to_str().unwrap())
            .await
            .expect("sqlite");
        report(
            "sqlite   usage_log (as wired today)",
            through_usage_log(&sqlite).await,
        );
        let sqlite = Store::connect(dir.path().join("b.db").to_str().unwrap())
            .await
            .expect("sqlite");
        report(
            "sqlite   insert + summaries, one tx",
            with_summaries(&sqlite).await,
        );
        let sqlite = Store::connect(dir.path().join("c.db").to_str().unwrap())
            .await
            .expect("sqlite");
        report(
            "sqlite   one-row inserts, 500 per tx",
            row_by_row(&sqlite).await,
        );

        let name = format!("aiproxy_bench_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(ADMIN_URL)
            .await
            .expect("Postgres on 127.0.0.1:5432");
        // The name is ours (a UUID); identifiers cannot be bound.
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create database");
        let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
        let postgres = Store::connect(&url).await.expect("postgres");
        report(
            "postgres usage_log (as wired today)",
            through_usage_log(&postgres).await,
        );
        sqlx::query("TRUNCATE request_logs")
            .execute(postgres.pool())
            .await
            .unwrap();
        report(
            "postgres insert + summaries, one tx",
            with_summaries(&postgres).await,
        );
        postgres.close().await;
        sqlx::query(AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)")))
            .execute(&mut admin)
            .await
            .expect("drop database");
    });
}

fn report(label: &str, (elapsed, stored): (Duration, i64)) {
    assert_eq!(stored, ROWS as i64, "{label}: rows were dropped");
    println!(
        "  {label}: {:>8.0} rows/s ({:.2} s, {stored} rows stored)",
        ROWS as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );
}

fn record(index: usize) -> UsageRecord {
    const MODELS: [&str; 4] = ["gpt-4o-mini", "gpt-4o", "claude-sonnet", "gemini-flash"];
    UsageRecord {
        request_id: format!("bench-{index}-{}", uuid::Uuid::new_v4().simple()),
        group_id: Some(format!("group-{}", index % 20)),
        token_id: Some((index % 50) as i64),
        token_name: Some(format!("token-{}", index % 50)),
        channel_id: Some((index % 8) as i64),
        endpoint: "/v1/chat/completions".into(),
        requested_model: Some(MODELS[index % 4].into()),
        upstream_model: Some(MODELS[index % 4].into()),
        status: if index.is_multiple_of(50) { 502 } else { 200 },
        error: None,
        usage: TokenUsage {
            input_tokens: 120,
            output_tokens: 40,
            total_tokens: 160,
            ..TokenUsage::default()
        },
        usage_estimated: false,
        retries: 0,
        first_byte: Some(Duration::from_millis(80)),
        total: Duration::from_millis(900),
        client_ip: Some("10.0.0.1".parse().unwrap()),
        user: None,
        upstream_request_id: None,
        stream: true,
    }
}

async fn count(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM request_logs")
        .fetch_one(store.pool())
        .await
        .expect("count")
}

/// Feeds the real writer as fast as its bounded queue allows (a full queue drops records, so
/// the feeder waits while it is nearly full) and waits until every row is stored.
async fn through_usage_log(store: &Store) -> (Duration, i64) {
    let records: Vec<UsageRecord> = (0..ROWS).map(record).collect();
    let started = Instant::now();
    let (sink, writer) = hub::usage_log::spawn(store.clone());
    for record in records {
        while sink.queue_depth() > 60_000 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        sink.record(record);
    }
    writer.finish().await;
    let elapsed = started.elapsed();
    (elapsed, count(store).await)
}

/// What the writer does once `hub::logs::summaries::record_batch` is called from it: the same
/// 23-column multi-row insert and the summary upserts, committed together, batch after batch.
async fn with_summaries(store: &Store) -> (Duration, i64) {
    const COLUMNS: usize = 23;
    let records: Vec<UsageRecord> = (0..ROWS).map(|index| record(index + ROWS)).collect();
    let started = Instant::now();
    for batch in records.chunks(BATCH_ROWS) {
        let now = now_ms();
        let mut sql = String::from(
            "INSERT INTO request_logs (created_at, request_id, upstream_request_id, group_id, \
             token_id, token_name, requested_model, actual_model, channel_id, endpoint, \
             status_code, error, input_tokens, output_tokens, cached_tokens, \
             cache_creation_tokens, reasoning_tokens, total_tokens, ttfb_ms, total_ms, retries, \
             client_ip, user_field) VALUES ",
        );
        for row in 0..batch.len() {
            sql.push_str(if row == 0 { "(" } else { ", (" });
            let placeholders: Vec<String> = (1..=COLUMNS)
                .map(|column| format!("${}", row * COLUMNS + column))
                .collect();
            sql.push_str(&placeholders.join(", "));
            sql.push(')');
        }
        sql.push_str(" ON CONFLICT (request_id) DO NOTHING");
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for record in batch {
            query = query
                .bind(now)
                .bind(record.request_id.clone())
                .bind(record.upstream_request_id.clone())
                .bind(record.group_id.clone().unwrap())
                .bind(record.token_id)
                .bind(record.token_name.clone().unwrap())
                .bind(record.requested_model.clone().unwrap())
                .bind(record.upstream_model.clone().unwrap())
                .bind(record.channel_id)
                .bind(record.endpoint.clone())
                .bind(i64::from(record.status))
                .bind(record.error.clone())
                .bind(record.usage.input_tokens as i64)
                .bind(record.usage.output_tokens as i64)
                .bind(record.usage.cached_input_tokens as i64)
                .bind(record.usage.cache_creation_tokens as i64)
                .bind(record.usage.reasoning_tokens as i64)
                .bind(record.usage.total_tokens as i64)
                .bind(record.first_byte.map(|ms| ms.as_millis() as i64))
                .bind(record.total.as_millis() as i64)
                .bind(i64::from(record.retries))
                .bind(record.client_ip.map(|ip| ip.to_string()))
                .bind(record.user.clone());
        }
        let mut tx = store.pool().begin().await.expect("begin");
        query.execute(&mut *tx).await.expect("insert");
        hub::logs::summaries::record_batch(&mut tx, batch, now)
            .await
            .expect("summaries");
        tx.commit().await.expect("commit");
    }
    let elapsed = started.elapsed();
    (elapsed, count(store).await)
}

/// The comparison for SQLite: one prepared single-row statement executed per row, 500 rows per
/// transaction, instead of one 500-row statement with 11,500 bound values.
async fn row_by_row(store: &Store) -> (Duration, i64) {
    let records: Vec<UsageRecord> = (0..ROWS).map(|index| record(index + 2 * ROWS)).collect();
    let started = Instant::now();
    for batch in records.chunks(BATCH_ROWS) {
        let now = now_ms();
        let mut tx = store.pool().begin().await.expect("begin");
        for record in batch {
            sqlx::query(
                "INSERT INTO request_logs (created_at, request_id, group_id, token_id, token_name, \
                 requested_model, actual_model, channel_id, endpoint, status_code, input_tokens, \
                 output_tokens, total_tokens, ttfb_ms, total_ms, client_ip) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
                 ON CONFLICT (request_id) DO NOTHING",
            )
            .bind(now)
            .bind(record.request_id.clone())
            .bind(record.group_id.clone().unwrap())
            .bind(record.token_id)
            .bind(record.token_name.clone().unwrap())
            .bind(record.requested_model.clone().unwrap())
            .bind(record.upstream_model.clone().unwrap())
            .bind(record.channel_id)
            .bind(record.endpoint.clone())
            .bind(i64::from(record.status))
            .bind(record.usage.input_tokens as i64)
            .bind(record.usage.output_tokens as i64)
            .bind(record.usage.total_tokens as i64)
            .bind(record.first_byte.map(|ms| ms.as_millis() as i64))
            .bind(record.total.as_millis() as i64)
            .bind(record.client_ip.map(|ip| ip.to_string()))
            .execute(&mut *tx)
            .await
            .expect("insert");
        }
        hub::logs::summaries::record_batch(&mut tx, batch, now)
            .await
            .expect("summaries");
        tx.commit().await.expect("commit");
    }
    let elapsed = started.elapsed();
    (elapsed, count(store).await)
}
