//! The request log writer: batched inserts on SQLite and the real Postgres, and nothing lost when it is finished.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

mod support;

use std::time::Duration;

use hub::store::Store;
use relay::backend::{TokenUsage, UsageRecord, UsageSink};

fn record(index: usize) -> UsageRecord {
    UsageRecord {
        request_id: format!("req-{index}"),
        group_id: Some("acme".into()),
        token_id: Some(1),
        token_name: Some("ci".into()),
        channel_id: Some(7),
        endpoint: "/v1/chat/completions".into(),
        requested_model: Some("gpt-4".into()),
        upstream_model: Some("gpt-4o-mini".into()),
        status: 200,
        error: None,
        usage: TokenUsage {
            input_tokens: 10,
            output_tokens: 5,
            total_tokens: 15,
            ..TokenUsage::default()
        },
        usage_estimated: false,
        retries: 1,
        first_byte: Some(Duration::from_millis(12)),
        total: Duration::from_millis(40),
        client_ip: Some("127.0.0.1".parse().unwrap()),
        user: Some("alice".into()),
        upstream_request_id: None,
        stream: false,
    }
}

async fn check_every_record_is_written(store: Store) {
    let (sink, writer) = hub::usage_log::spawn(store.clone());
    let rows = 1_234;
    for index in 0..rows {
        sink.record(record(index));
    }
    writer.finish().await;
    let (count, tokens): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(total_tokens), 0) AS BIGINT) FROM request_logs",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(count, rows as i64);
    assert_eq!(tokens, 15 * rows as i64);
    let (model, ttfb, ip): (String, i64, String) = sqlx::query_as(
        "SELECT actual_model, ttfb_ms, client_ip FROM request_logs WHERE request_id = $1",
    )
    .bind("req-7")
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(
        (model.as_str(), ttfb, ip.as_str()),
        ("gpt-4o-mini", 12, "127.0.0.1")
    );
    // The writer keeps the summaries in step with the rows it writes.
    let (summarized,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(request_count), 0) AS BIGINT) FROM channel_model_summaries WHERE granularity = $1",
    )
    .bind("hour")
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(summarized, rows as i64);
    // After finishing, late records are refused rather than silently queued forever.
    sink.record(record(rows + 1));
}

#[tokio::test]
async fn sqlite_gets_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(dir.path().join("logs.db").to_str().unwrap())
        .await
        .unwrap();
    check_every_record_is_written(store).await;
}

#[tokio::test]
async fn postgres_gets_every_row() {
    let database = support::TestDatabase::create().await;
    let store = Store::connect(&database.url()).await.unwrap();
    check_every_record_is_written(store.clone()).await;
    store.close().await;
}
