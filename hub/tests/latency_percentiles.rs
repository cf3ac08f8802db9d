//! Latency and first-byte percentiles: known latencies through the real log writer (SQLite, Postgres, two writers on one Postgres) via GetSummary.

use crate::logs::{admin, serve};
use crate::support::TestDatabase;
use crate::support::store_db::{postgres, sqlite};

use std::time::Duration;

use hub::edges::grpc::pb;
use hub::logs::histogram::{Histogram, LATENCY_COLUMNS, TTFB_COLUMNS};
use hub::store::Store;
use relay::host::{TokenUsage, UsageRecord, UsageSink};
use sqlx::{AssertSqlSafe, Row};

/// Requests per model per writer.
const REQUESTS: usize = 240;
/// The documented bound (hub/src/logs/histogram.rs): within 44% of the exact value, 16 ms
/// below 16 ms.
const RELATIVE_BOUND: f64 = 0.4375;
const ABSOLUTE_BOUND_MS: f64 = 16.0;

/// Fast and slow models with spread-out latencies; `no-ttfb` never has a first byte.
const MODELS: [&str; 3] = ["fast", "slow", "no-ttfb"];

fn record(model: &str, writer: usize, index: usize) -> UsageRecord {
    let (total, first_byte) = match model {
        "fast" => {
            let total = 5 + (index * 7_919 + writer * 13) % 3_000;
            // Every fifth request ends before its first byte.
            (total, (!index.is_multiple_of(5)).then_some(total / 4))
        }
        "slow" => {
            let total = 2_000 + (index * index * 104_729 + writer) % 60_000;
            (total, Some(300 + (index * 31) % 4_000))
        }
        _ => (40 + index * 3, None),
    };
    UsageRecord {
        group_id: Some("acme".into()),
        token_id: Some(1),
        token_name: Some("ci".into()),
        channel_id: Some(7),
        requested_model: Some(model.into()),
        upstream_model: Some(model.into()),
        usage: TokenUsage {
            input_tokens: 10,
            output_tokens: 5,
            total_tokens: 15,
            ..TokenUsage::default()
        },
        first_byte: first_byte.map(|ms| Duration::from_millis(ms as u64)),
        total: Duration::from_millis(total as u64),
        ..UsageRecord::new(
            format!("lat-{writer}-{model}-{index}"),
            "/v1/chat/completions",
            200,
        )
    }
}

/// Each store gets a writer of its own (as each replica has); their records interleave.
async fn write_through_writers(stores: &[Store]) {
    let mut tasks = Vec::new();
    for (writer, store) in stores.iter().enumerate() {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let (sink, task) = hub::logs::writer::spawn(store);
            for index in 0..REQUESTS {
                for model in MODELS {
                    sink.record(record(model, writer, index));
                }
                if index % 60 == 59 {
                    tokio::task::yield_now().await;
                }
            }
            task.finish().await;
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
}

/// Latencies and first bytes (ms) of the raw rows in `[start, end)` of `model` (any when None).
async fn raw_latencies(
    store: &Store,
    start: i64,
    end: i64,
    model: Option<&str>,
) -> (Vec<f64>, Vec<f64>) {
    let rows = sqlx::query(
        "SELECT total_ms, ttfb_ms FROM request_logs WHERE created_at >= $1 AND created_at < $2 \
         AND ($3 = '' OR requested_model = $3)",
    )
    .bind(start)
    .bind(end)
    .bind(model.unwrap_or_default())
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut totals = Vec::new();
    let mut first_bytes = Vec::new();
    for row in rows {
        totals.push(row.get::<i64, _>("total_ms") as f64);
        if let Some(ttfb) = row.get::<Option<i64>, _>("ttfb_ms") {
            first_bytes.push(ttfb as f64);
        }
    }
    (totals, first_bytes)
}

/// The nearest-rank percentile (rank `ceil(fraction * n)`), as the bound is stated against.
fn exact(samples: &[f64], fraction: f64) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = (fraction * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

fn check_within_bound(what: &str, answered: Option<f64>, samples: &[f64], fraction: f64) {
    match (answered, exact(samples, fraction)) {
        (None, None) => {}
        (Some(answered), Some(exact)) => {
            let bound = (exact * RELATIVE_BOUND).max(ABSOLUTE_BOUND_MS);
            assert!(
                (answered - exact).abs() <= bound,
                "{what}: p{} answered {answered} ms, exact {exact} ms (bound {bound})",
                fraction * 100.0
            );
        }
        (answered, exact) => panic!("{what}: answered {answered:?}, exact {exact:?}"),
    }
}

fn check_point(what: &str, point: &pb::SummaryPoint, totals: &[f64], first_bytes: &[f64]) {
    assert_eq!(point.requests, totals.len() as i64, "{what}: requests");
    check_within_bound(
        &format!("{what} latency"),
        point.p50_latency_ms,
        totals,
        0.5,
    );
    check_within_bound(
        &format!("{what} latency"),
        point.p95_latency_ms,
        totals,
        0.95,
    );
    check_within_bound(&format!("{what} ttfb"), point.p50_ttfb_ms, first_bytes, 0.5);
    check_within_bound(
        &format!("{what} ttfb"),
        point.p95_ttfb_ms,
        first_bytes,
        0.95,
    );
}

/// The stored histograms, summed over every hour row, equal the raw rows' latencies counted
/// into the same buckets: no increment of either writer was lost or doubled.
async fn check_histograms_equal_raw_rows(store: &Store) {
    let columns: Vec<String> = LATENCY_COLUMNS
        .iter()
        .chain(TTFB_COLUMNS.iter())
        .map(|column| format!("CAST(SUM({column}) AS BIGINT)"))
        .collect();
    for table in ["channel_model_summaries", "group_token_model_summaries"] {
        let sql = format!(
            "SELECT {} FROM {table} WHERE granularity = 'hour'",
            columns.join(", ")
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .fetch_one(store.pool())
            .await
            .unwrap();
        let stored: Vec<i64> = (0..columns.len()).map(|at| row.get(at)).collect();
        let (totals, first_bytes) = raw_latencies(store, 0, i64::MAX, None).await;
        let mut latency = Histogram::default();
        let mut ttfb = Histogram::default();
        for ms in totals {
            latency.record(Duration::from_millis(ms as u64));
        }
        for ms in first_bytes {
            ttfb.record(Duration::from_millis(ms as u64));
        }
        let expected: Vec<i64> = latency.0.iter().chain(ttfb.0.iter()).copied().collect();
        assert_eq!(stored, expected, "{table}'s histograms");
    }
}

async fn check_percentiles(stores: &[Store]) {
    write_through_writers(stores).await;
    let store = &stores[0];
    check_histograms_equal_raw_rows(store).await;
    let mut client = serve(store).await;
    let (totals, first_bytes) = raw_latencies(store, 0, i64::MAX, None).await;
    assert_eq!(totals.len(), REQUESTS * MODELS.len() * stores.len());

    for (granularity, width) in [
        (pb::Granularity::Minute, 60_000),
        (pb::Granularity::Hour, 3_600_000),
    ] {
        for split in [pb::SummarySplit::Unspecified, pb::SummarySplit::Model] {
            let answer = client
                .get_summary(admin(pb::GetSummaryRequest {
                    granularity: granularity.into(),
                    filter: Some(pb::SummaryFilter::default()),
                    split: split.into(),
                }))
                .await
                .unwrap()
                .into_inner();
            // Every point against the raw rows of its bucket (and model when split).
            for point in &answer.points {
                let model = (!point.key.is_empty()).then_some(point.key.as_str());
                let (point_totals, point_first_bytes) =
                    raw_latencies(store, point.bucket_ms, point.bucket_ms + width, model).await;
                let what = format!(
                    "{granularity:?} {split:?} point {} {:?}",
                    point.bucket_ms, model
                );
                check_point(&what, point, &point_totals, &point_first_bytes);
                if model == Some("no-ttfb") {
                    assert_eq!(
                        point.p50_ttfb_ms, None,
                        "{what}: no first byte, no percentile"
                    );
                }
            }
            // The whole range, from the points' histograms merged.
            let total = answer.total.unwrap();
            check_point(
                &format!("{granularity:?} {split:?} total"),
                &total,
                &totals,
                &first_bytes,
            );
        }
    }
    let totals_answer = client
        .get_totals(admin(pb::GetTotalsRequest {
            granularity: pb::Granularity::Hour.into(),
            filter: Some(pb::SummaryFilter::default()),
        }))
        .await
        .unwrap()
        .into_inner();
    check_point("GetTotals", &totals_answer, &totals, &first_bytes);
    // The slow model alone: its p95 is far above the whole range's p50 (a real distribution).
    let slow = client
        .get_totals(admin(pb::GetTotalsRequest {
            granularity: pb::Granularity::Hour.into(),
            filter: Some(pb::SummaryFilter {
                model: Some("slow".into()),
                ..Default::default()
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    let (slow_totals, slow_first_bytes) = raw_latencies(store, 0, i64::MAX, Some("slow")).await;
    check_point("slow model", &slow, &slow_totals, &slow_first_bytes);
    assert!(slow.p95_latency_ms.unwrap() > 2.0 * totals_answer.p50_latency_ms.unwrap());
}

/// A summary row written before the histograms (only the older columns set): its requests
/// count, its percentiles are absent rather than zero.
async fn check_rows_before_the_histograms(store: &Store) {
    const OLD_BUCKET: i64 = 1_600_000_000_000 - 1_600_000_000_000 % 3_600_000;
    sqlx::query(
        "INSERT INTO group_token_model_summaries (granularity, bucket, group_id, token_name, \
         model, request_count, total_ms, ttfb_ms, ttfb_count) \
         VALUES ('hour', $1, 'acme', 'ci', 'old', 4, 4000, 800, 4)",
    )
    .bind(OLD_BUCKET)
    .execute(store.pool())
    .await
    .unwrap();
    let mut client = serve(store).await;
    let answer = client
        .get_summary(admin(pb::GetSummaryRequest {
            granularity: pb::Granularity::Hour.into(),
            filter: Some(pb::SummaryFilter {
                start_ms: OLD_BUCKET,
                end_ms: OLD_BUCKET + 3_600_000,
                ..Default::default()
            }),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let point = &answer.points[0];
    assert_eq!((point.requests, point.avg_latency_ms), (4, 1000.0));
    assert_eq!(
        (point.p50_latency_ms, point.p95_ttfb_ms),
        (None, None),
        "an old row has an empty histogram"
    );
}

#[tokio::test]
async fn sqlite_percentiles_from_the_writer() {
    let db = sqlite().await;
    check_percentiles(std::slice::from_ref(&db.store)).await;
    check_rows_before_the_histograms(&db.store).await;
}

#[tokio::test]
async fn postgres_percentiles_from_the_writer() {
    let db = postgres().await;
    check_percentiles(std::slice::from_ref(&db.store)).await;
    check_rows_before_the_histograms(&db.store).await;
    db.store.close().await;
}

#[tokio::test]
async fn postgres_two_writers_merge_their_histograms() {
    let database = TestDatabase::create().await;
    let first = Store::connect(&database.url()).await.unwrap();
    let second = Store::connect(&database.url()).await.unwrap();
    check_percentiles(&[first.clone(), second.clone()]).await;
    first.close().await;
    second.close().await;
}
