//! Benchmark (printed, not asserted): request log rows per second written through
//! `hub::logs::writer` (rows, minute/hour summaries and billing charges in one transaction per
//! batch) on SQLite and Postgres.
//!
//! Run: `cargo bench -p hub --bench log_write` (Postgres on 127.0.0.1:5432, trust auth; a
//! database of its own is created and dropped). Every run checks that every row was stored.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a benchmark that cannot measure should stop loudly"
)]

use std::str::FromStr;
use std::time::{Duration, Instant};

use hub::logs::entry::{LogEntry, WriterConfig};
use hub::logs::writer::QUEUE_CAPACITY;
use hub::store::{Group, NewToken, Store};
use relay::host::{TokenUsage, UsageRecord};
use rust_decimal::Decimal;
use sqlx::{AssertSqlSafe, Connection};

const ROWS: usize = 200_000;
const GROUPS: usize = 20;
const TOKENS: usize = 50;
const ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        println!(
            "request log writes through hub::logs::writer, {ROWS} rows per run, \
             {GROUPS} groups x {TOKENS} tokens x 4 models x 8 channels"
        );
        let dir = tempfile::tempdir().expect("temporary directory");
        for (label, charge, file) in [
            ("sqlite   rows + summaries", false, "a.db"),
            ("sqlite   rows + summaries + charges", true, "b.db"),
        ] {
            let store = Store::connect(dir.path().join(file).to_str().unwrap())
                .await
                .expect("sqlite");
            report(label, through_log_writer(&store, charge).await);
            store.close().await;
        }

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
            "postgres rows + summaries",
            through_log_writer(&postgres, false).await,
        );
        for table in [
            "request_logs",
            "channel_model_summaries",
            "group_token_model_summaries",
        ] {
            sqlx::query(AssertSqlSafe(format!("TRUNCATE {table}")))
                .execute(postgres.pool())
                .await
                .unwrap();
        }
        sqlx::query("DELETE FROM tokens")
            .execute(postgres.pool())
            .await
            .unwrap();
        sqlx::query("DELETE FROM groups")
            .execute(postgres.pool())
            .await
            .unwrap();
        report(
            "postgres rows + summaries + charges",
            through_log_writer(&postgres, true).await,
        );
        postgres.close().await;
        sqlx::query(AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)")))
            .execute(&mut admin)
            .await
            .expect("drop database");
    });
}

fn report(label: &str, (elapsed, stored, dropped): (Duration, i64, u64)) {
    assert_eq!(stored, ROWS as i64, "{label}: rows missing");
    assert_eq!(dropped, 0, "{label}: rows dropped");
    println!(
        "  {label:<38} {:>8.0} rows/s ({:.2} s, {stored} rows stored, {dropped} dropped)",
        ROWS as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );
}

/// The token ids, in creation order; token `i` belongs to group `i % GROUPS`.
async fn tenants(store: &Store) -> Vec<i64> {
    for group in 0..GROUPS {
        let mut group = Group::new(format!("group-{group}"));
        group.balance = Decimal::from(1_000_000);
        store.create_group(&group).await.expect("group");
    }
    let mut ids = Vec::with_capacity(TOKENS);
    for token in 0..TOKENS {
        let (token, _key) = store
            .create_token(
                &NewToken {
                    group_id: format!("group-{}", token % GROUPS),
                    name: format!("token-{token}"),
                    ..NewToken::default()
                },
                0,
            )
            .await
            .expect("token");
        ids.push(token.id);
    }
    ids
}

fn entry(index: usize, token_ids: &[i64], charge: bool) -> LogEntry {
    const MODELS: [&str; 4] = ["gpt-4o-mini", "gpt-4o", "claude-sonnet", "gemini-flash"];
    let token = index % TOKENS;
    let request_id = format!("bench-{index}-{}", uuid::Uuid::new_v4().simple());
    let status = if index.is_multiple_of(50) { 502 } else { 200 };
    let record = UsageRecord {
        group_id: Some(format!("group-{}", token % GROUPS)),
        token_id: Some(token_ids[token]),
        token_name: Some(format!("token-{token}")),
        channel_id: Some((index % 8) as i64),
        requested_model: Some(MODELS[index % 4].into()),
        upstream_model: Some(MODELS[index % 4].into()),
        usage: TokenUsage {
            input_tokens: 120,
            output_tokens: 40,
            total_tokens: 160,
            ..TokenUsage::default()
        },
        first_byte: Some(Duration::from_millis(80)),
        total: Duration::from_millis(900),
        client_ip: Some("10.0.0.1".parse().unwrap()),
        stream: true,
        ..UsageRecord::new(request_id, "/v1/chat/completions", status)
    };
    LogEntry {
        record,
        cost: Decimal::from_str("0.000123").unwrap(),
        price_tier: None,
        charge_detail: None,
        charge,
        period_start: Some(1_700_000_000_000),
        save_detail: false,
    }
}

/// Feeds the real writer as fast as its bounded queue allows (the feeder waits while the
/// queue is nearly full, as the relay's traffic would have to) and waits until every row is
/// stored. Returns the time, the rows stored and the rows the writer dropped.
async fn through_log_writer(store: &Store, charge: bool) -> (Duration, i64, u64) {
    let token_ids = tenants(store).await;
    let entries: Vec<LogEntry> = (0..ROWS)
        .map(|index| entry(index, &token_ids, charge))
        .collect();
    let started = Instant::now();
    let mut config = WriterConfig::new(store.clone());
    // The measurement includes draining the queue, however long that takes.
    config.flush_timeout = Duration::from_secs(3_600);
    let (sink, writer) = hub::logs::writer::spawn_with(config);
    for entry in entries {
        while sink.queue_depth() > QUEUE_CAPACITY - 1_000 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        sink.submit(entry);
    }
    writer.finish().await;
    let elapsed = started.elapsed();
    let stored = sqlx::query_scalar("SELECT COUNT(*) FROM request_logs")
        .fetch_one(store.pool())
        .await
        .expect("count");
    let dropped = sink
        .stats()
        .dropped
        .load(std::sync::atomic::Ordering::Relaxed);
    (elapsed, stored, dropped)
}
