//! Request logs on SQLite and the real Postgres: summaries equal the raw rows (two writers at once
//! too), retention, and every `LogService` RPC against hand-computed values.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;
use crate::support::store_db::{Db, postgres, sqlite};

use std::collections::BTreeMap;
use std::time::Duration;

use hub::edges::admin_key::AdminKey;
use hub::edges::grpc::pb;
use hub::edges::grpc::pb::log_service_client::LogServiceClient;
use hub::edges::grpc::{ControlPlane, router};
use hub::logs::queries::LOG_COLUMNS;
use hub::logs::retention::{Cleaned, RetentionConfig, clean_once};
use hub::logs::summaries::record_batch;
use hub::snapshot::changes::ChangeFeed;
use hub::store::Store;
use relay::host::{TokenUsage, UsageRecord};
use sqlx::{AssertSqlSafe, Row};
use tokio_util::sync::CancellationToken;
use tonic::Code;
use tonic::transport::Channel;

/// An hour boundary, so hand-computed buckets are easy to read.
const T0: i64 = 1_699_999_200_000;
const MINUTE: i64 = 60_000;
const HOUR: i64 = 3_600_000;

#[derive(Clone, Copy)]
struct Spec<'a> {
    id: &'a str,
    group: &'a str,
    token: &'a str,
    model: &'a str,
    channel: Option<i64>,
    status: u16,
    input: u64,
    output: u64,
    ttfb: Option<u64>,
    total: u64,
}

fn record(spec: Spec<'_>) -> UsageRecord {
    UsageRecord {
        request_id: spec.id.into(),
        group_id: Some(spec.group.into()),
        token_id: Some(1),
        token_name: Some(spec.token.into()),
        channel_id: spec.channel,
        endpoint: "/v1/chat/completions".into(),
        requested_model: Some(spec.model.into()),
        upstream_model: Some(format!("{}-upstream", spec.model)),
        status: spec.status,
        error: (spec.status >= 400).then(|| "upstream said \"no\", twice".to_owned()),
        usage: TokenUsage {
            input_tokens: spec.input,
            output_tokens: spec.output,
            cached_input_tokens: spec.input / 2,
            cache_creation_tokens: spec.input / 5,
            reasoning_tokens: spec.output / 3,
            total_tokens: spec.input + spec.output,
            ..TokenUsage::default()
        },
        usage_estimated: false,
        retries: 0,
        first_byte: spec.ttfb.map(Duration::from_millis),
        total: Duration::from_millis(spec.total),
        client_ip: Some("127.0.0.1".parse().unwrap()),
        user: None,
        metadata: None,
        upstream_request_id: None,
        stream: false,
        request_body: None,
        response_body: None,
        reservation: None,
        web_search_calls: 0,
        cache_hit: false,
        media: relay::media::MediaUsage::default(),
        service_tier: None,
    }
}

/// A varied record for bulk tests: several groups, tokens, models, channels and statuses.
fn varied(index: usize, prefix: &str) -> UsageRecord {
    const GROUPS: [&str; 3] = ["acme", "beta", "gamma"];
    const TOKENS: [&str; 2] = ["ci", "web"];
    const MODELS: [&str; 3] = ["gpt-4", "claude", "gemini"];
    const STATUSES: [u16; 5] = [200, 200, 429, 500, 201];
    let index64 = index as u64;
    record(Spec {
        id: &format!("{prefix}-{index}"),
        group: GROUPS[index % 3],
        token: TOKENS[index % 2],
        model: MODELS[(index / 2) % 3],
        channel: [Some(1), Some(2), None, Some(3)][index % 4],
        status: STATUSES[index % 5],
        input: index64 % 97,
        output: index64 % 31,
        ttfb: (!index.is_multiple_of(3)).then_some(index64 % 500),
        total: 100 + index64 % 1000,
    })
}

/// What the writer does once the lead wires it: raw rows and summaries in one transaction.
async fn write_batch(store: &Store, batch: &[UsageRecord], created_at: i64) {
    const COLUMNS: usize = 20;
    for chunk in batch.chunks(500) {
        let mut sql = String::from(
            "INSERT INTO request_logs (created_at, request_id, group_id, token_id, token_name, \
             requested_model, actual_model, channel_id, endpoint, status_code, error, input_tokens, \
             output_tokens, cached_tokens, cache_creation_tokens, reasoning_tokens, total_tokens, \
             ttfb_ms, total_ms, client_ip) VALUES ",
        );
        for row in 0..chunk.len() {
            sql.push_str(if row == 0 { "(" } else { ", (" });
            let placeholders: Vec<String> = (1..=COLUMNS)
                .map(|column| format!("${}", row * COLUMNS + column))
                .collect();
            sql.push_str(&placeholders.join(", "));
            sql.push(')');
        }
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for record in chunk {
            let ms = |duration: Duration| duration.as_millis() as i64;
            query = query
                .bind(created_at)
                .bind(record.request_id.clone())
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
                .bind(record.first_byte.map(ms))
                .bind(ms(record.total))
                .bind(record.client_ip.map(|ip| ip.to_string()));
        }
        let mut tx = store.pool().begin().await.unwrap();
        query.execute(&mut *tx).await.unwrap();
        record_batch(&mut tx, chunk, created_at).await.unwrap();
        tx.commit().await.unwrap();
    }
}

/// Summary counters keyed the way the tables key them.
type Sums = BTreeMap<Vec<String>, [i64; 13]>;

const COUNTERS: &str = "request_count, error_count, client_error_count, server_error_count, \
    input_tokens, output_tokens, cached_tokens, cache_creation_tokens, reasoning_tokens, \
    total_tokens, total_ms, ttfb_ms, ttfb_count";

async fn stored_summaries(store: &Store) -> (Sums, Sums) {
    let mut by_channel = Sums::new();
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT granularity, bucket, channel_id, model, {COUNTERS} FROM channel_model_summaries"
    )))
    .fetch_all(store.pool())
    .await
    .unwrap();
    for row in rows {
        let key = vec![
            row.get::<String, _>(0),
            row.get::<i64, _>(1).to_string(),
            row.get::<i64, _>(2).to_string(),
            row.get::<String, _>(3),
        ];
        by_channel.insert(key, counters(&row, 4));
    }
    let mut by_group = Sums::new();
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT granularity, bucket, group_id, token_name, model, {COUNTERS} FROM group_token_model_summaries"
    )))
    .fetch_all(store.pool())
    .await
    .unwrap();
    for row in rows {
        let key = vec![
            row.get::<String, _>(0),
            row.get::<i64, _>(1).to_string(),
            row.get::<String, _>(2),
            row.get::<String, _>(3),
            row.get::<String, _>(4),
        ];
        by_group.insert(key, counters(&row, 5));
    }
    (by_channel, by_group)
}

fn counters(row: &sqlx::any::AnyRow, first: usize) -> [i64; 13] {
    std::array::from_fn(|offset| row.get::<i64, _>(first + offset))
}

/// The summaries recomputed from the raw rows, independently of the code under test.
async fn summaries_from_raw_rows(store: &Store) -> (Sums, Sums) {
    let rows = sqlx::query(
        "SELECT created_at, channel_id, requested_model, group_id, token_name, status_code, \
         input_tokens, output_tokens, cached_tokens, cache_creation_tokens, reasoning_tokens, \
         total_tokens, total_ms, ttfb_ms FROM request_logs",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let mut by_channel = Sums::new();
    let mut by_group = Sums::new();
    for row in rows {
        let created_at: i64 = row.get(0);
        let channel = row.get::<Option<i64>, _>(1).unwrap_or(0);
        let model: String = row.get(2);
        let group: String = row.get(3);
        let token: String = row.get(4);
        let status: i64 = row.get(5);
        let ttfb: Option<i64> = row.get(13);
        let values: [i64; 13] = [
            1,
            i64::from(status >= 400),
            i64::from((400..500).contains(&status)),
            i64::from(status >= 500),
            row.get(6),
            row.get(7),
            row.get(8),
            row.get(9),
            row.get(10),
            row.get(11),
            row.get(12),
            ttfb.unwrap_or(0),
            i64::from(ttfb.is_some()),
        ];
        for (name, width) in [("minute", MINUTE), ("hour", HOUR)] {
            let bucket = (created_at - created_at % width).to_string();
            let channel_key = vec![
                name.to_owned(),
                bucket.clone(),
                channel.to_string(),
                model.clone(),
            ];
            let group_key = vec![
                name.to_owned(),
                bucket,
                group.clone(),
                token.clone(),
                model.clone(),
            ];
            for (sums, key) in [(&mut by_channel, channel_key), (&mut by_group, group_key)] {
                let entry = sums.entry(key).or_insert([0; 13]);
                for (sum, value) in entry.iter_mut().zip(values) {
                    *sum += value;
                }
            }
        }
    }
    (by_channel, by_group)
}

async fn check_summaries_equal_raw_rows(db: Db, writers: usize) {
    let mut tasks = Vec::new();
    for writer in 0..writers {
        let store = db.store.clone();
        tasks.push(tokio::spawn(async move {
            // Both writers hit the same buckets and keys, interleaved, so their upserts collide.
            for batch in 0..30usize {
                let records: Vec<UsageRecord> = (0..60)
                    .map(|index| varied(batch * 60 + index, &format!("w{writer}-b{batch}")))
                    .collect();
                let created_at = T0 + (batch as i64 % 7) * 25_000 + (batch as i64 / 10) * HOUR;
                write_batch(&store, &records, created_at).await;
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM request_logs")
        .fetch_one(db.store.pool())
        .await
        .unwrap();
    assert_eq!(count, (writers * 30 * 60) as i64);
    let (stored_channel, stored_group) = stored_summaries(&db.store).await;
    let (raw_channel, raw_group) = summaries_from_raw_rows(&db.store).await;
    assert!(stored_channel.len() > 20, "too few keys to be a real test");
    assert_eq!(stored_channel, raw_channel);
    assert_eq!(stored_group, raw_group);
}

#[tokio::test]
async fn sqlite_summaries_equal_raw_rows() {
    check_summaries_equal_raw_rows(sqlite().await, 1).await;
}

#[tokio::test]
async fn postgres_summaries_equal_raw_rows_with_two_writers() {
    check_summaries_equal_raw_rows(postgres().await, 2).await;
}

async fn insert_detail(store: &Store, request_id: &str, created_at: i64) {
    sqlx::query(
        "INSERT INTO request_log_details (request_id, created_at, request_body, response_body, \
         request_body_truncated, response_body_truncated) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(request_id.to_owned())
    .bind(created_at)
    .bind("{\"model\":\"gpt-4\"}".to_owned())
    .bind("{\"id\":\"x\"}".to_owned())
    .bind(0i64)
    .bind(1i64)
    .execute(store.pool())
    .await
    .unwrap();
}

async fn count(store: &Store, table: &'static str) -> i64 {
    sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(store.pool())
        .await
        .unwrap()
}

async fn check_retention(db: Db) {
    let store = &db.store;
    let now = T0 + 100 * HOUR;
    let old: Vec<_> = (0..25).map(|index| varied(index, "old")).collect();
    let recent: Vec<_> = (0..7).map(|index| varied(index, "recent")).collect();
    write_batch(store, &old, now - 10 * HOUR).await;
    write_batch(store, &recent, now - HOUR).await;
    // Details: 3 past the log limit, 4 past the detail limit only, 2 fresh.
    for index in 0..3 {
        insert_detail(store, &format!("old-{index}"), now - 10 * HOUR).await;
    }
    for index in 0..4 {
        insert_detail(store, &format!("recent-{index}"), now - 3 * HOUR).await;
    }
    for index in 4..6 {
        insert_detail(store, &format!("recent-{index}"), now - HOUR).await;
    }
    let config = RetentionConfig {
        log_hours: 5,
        detail_hours: 2,
        batch_size: 4,
        pause: Duration::from_millis(1),
        interval: Duration::from_secs(3600),
    };
    let cleaned = clean_once(store, &config, now).await.unwrap();
    assert_eq!(
        cleaned,
        Cleaned {
            logs: 25,
            details: 7
        }
    );
    assert_eq!(count(store, "request_logs").await, 7);
    assert_eq!(count(store, "request_log_details").await, 2);
    let oldest: i64 = sqlx::query_scalar("SELECT MIN(created_at) FROM request_logs")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(oldest, now - HOUR);
    // A second run finds nothing; 0 hours keeps everything.
    assert_eq!(
        clean_once(store, &config, now).await.unwrap(),
        Cleaned::default()
    );
    let keep = RetentionConfig {
        log_hours: 0,
        detail_hours: 0,
        ..config.clone()
    };
    assert_eq!(
        clean_once(store, &keep, now + 1000 * HOUR).await.unwrap(),
        Cleaned::default()
    );
    assert_eq!(count(store, "request_logs").await, 7);

    // The background task cleans at once (its clock is the real one, so everything here is
    // old) and stops when cancelled. Its environment keeps everything; the `LogStorageHours`
    // option it reads on each run is what turns cleaning on.
    let stop = CancellationToken::new();
    let options = hub::process::options::RuntimeOptions::from_stored(
        &std::collections::BTreeMap::from([("LogStorageHours".to_owned(), "1".to_owned())]),
    );
    let task = tokio::spawn(hub::logs::retention::run(
        store.clone(),
        move || keep.with_options(&options),
        stop.clone(),
    ));
    for _ in 0..200 {
        if count(store, "request_logs").await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(count(store, "request_logs").await, 0);
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn sqlite_retention_deletes_exactly_the_old_rows() {
    check_retention(sqlite().await).await;
}

#[tokio::test]
async fn postgres_retention_deletes_exactly_the_old_rows() {
    check_retention(postgres().await).await;
}

const ADMIN_KEY: &str = "test-admin-key-logs-0123";

/// A `LogService` on `store`, served on port 0 (also for `latency_percentiles`).
pub(crate) async fn serve(store: &Store) -> LogServiceClient<Channel> {
    let app = router(ControlPlane {
        log_store: store.clone(),
        store: store.clone(),
        changes: ChangeFeed::new(),
        access: hub::access::Access::new(AdminKey::new(ADMIN_KEY.to_owned()).unwrap(), None),
        group_max_tokens: 0,
        mcp_templates: Vec::new(),
        mcp_openapi_compact_above_bytes: None,
        quota_time_zone: chrono_tz::Tz::UTC,
        clean_log_batch_size: 5_000,
        channel_health: hub::relay_host::shared_health::SharedHealth::local(
            relay::BanPolicy::default(),
        ),
        live_rates: hub::governance::rates::LiveRates::local(),
        channel_tester: None,
        mcp_calls: None,
        upstream_auth: None,
        balances: hub::balances::BalanceChecker::new(
            store.clone(),
            ChangeFeed::new(),
            hub::alerts::Alerts::start(Default::default()),
        ),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    LogServiceClient::new(channel)
}

pub(crate) fn admin<T>(message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.metadata_mut().insert(
        "authorization",
        format!("Bearer {ADMIN_KEY}").parse().unwrap(),
    );
    request
}

/// The five requests every RPC test reads; their numbers are worked out by hand below.
async fn write_fixture(store: &Store) {
    let spec = |id, group, token, model, channel, status, input, output, ttfb, total| Spec {
        id,
        group,
        token,
        model,
        channel,
        status,
        input,
        output,
        ttfb,
        total,
    };
    // Hour 0, minute 0.
    write_batch(
        store,
        &[
            record(spec(
                "r1",
                "acme",
                "ci",
                "gpt-4",
                Some(1),
                200,
                10,
                5,
                Some(100),
                400,
            )),
            record(spec(
                "r2",
                "acme",
                "ci",
                "gpt-4",
                Some(1),
                500,
                0,
                0,
                None,
                50,
            )),
            record(spec(
                "r3",
                "beta",
                "web",
                "claude",
                Some(2),
                429,
                3,
                0,
                None,
                20,
            )),
        ],
        T0 + 30_000,
    )
    .await;
    // Hour 0, minute 1.
    write_batch(
        store,
        &[record(spec(
            "r4",
            "acme",
            "web",
            "gpt-4",
            Some(2),
            200,
            20,
            10,
            Some(200),
            1000,
        ))],
        T0 + 90_000,
    )
    .await;
    // Hour 1.
    write_batch(
        store,
        &[record(spec(
            "r5",
            "beta",
            "web",
            "claude",
            Some(1),
            200,
            100,
            50,
            Some(300),
            600,
        ))],
        T0 + HOUR + 5_000,
    )
    .await;
}

async fn ids(client: &mut LogServiceClient<Channel>, filter: pb::LogFilter) -> Vec<String> {
    client
        .list_logs(admin(pb::ListLogsRequest {
            filter: Some(filter),
            page_size: 0,
            page_token: String::new(),
        }))
        .await
        .unwrap()
        .into_inner()
        .logs
        .into_iter()
        .map(|log| log.request_id)
        .collect()
}

async fn check_list_get_delete(db: Db) {
    write_fixture(&db.store).await;
    let mut client = serve(&db.store).await;
    let all = pb::LogFilter::default();
    let cases: Vec<(pb::LogFilter, &[&str])> = vec![
        (all.clone(), &["r5", "r4", "r3", "r2", "r1"]),
        (
            pb::LogFilter {
                group_id: Some("acme".into()),
                ..all.clone()
            },
            &["r4", "r2", "r1"],
        ),
        (
            pb::LogFilter {
                token_name: Some("web".into()),
                ..all.clone()
            },
            &["r5", "r4", "r3"],
        ),
        (
            pb::LogFilter {
                model: Some("gpt-4".into()),
                ..all.clone()
            },
            &["r4", "r2", "r1"],
        ),
        (
            pb::LogFilter {
                channel_id: Some(2),
                ..all.clone()
            },
            &["r4", "r3"],
        ),
        (
            pb::LogFilter {
                status_code: Some(200),
                ..all.clone()
            },
            &["r5", "r4", "r1"],
        ),
        (
            pb::LogFilter {
                status_class: pb::StatusClass::ServerError.into(),
                ..all.clone()
            },
            &["r2"],
        ),
        (
            pb::LogFilter {
                status_class: pb::StatusClass::ClientError.into(),
                ..all.clone()
            },
            &["r3"],
        ),
        (
            pb::LogFilter {
                status_class: pb::StatusClass::Error.into(),
                ..all.clone()
            },
            &["r3", "r2"],
        ),
        (
            pb::LogFilter {
                status_class: pb::StatusClass::Success.into(),
                group_id: Some("beta".into()),
                ..all.clone()
            },
            &["r5"],
        ),
        (
            pb::LogFilter {
                request_id: Some("r3".into()),
                ..all.clone()
            },
            &["r3"],
        ),
        (
            pb::LogFilter {
                start_ms: T0 + MINUTE,
                end_ms: T0 + HOUR,
                ..all.clone()
            },
            &["r4"],
        ),
    ];
    for (filter, expected) in cases {
        assert_eq!(
            ids(&mut client, filter.clone()).await,
            expected,
            "{filter:?}"
        );
    }

    // Pages of two, newest first, ending with an empty token.
    let mut seen = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let page = client
            .list_logs(admin(pb::ListLogsRequest {
                filter: None,
                page_size: 2,
                page_token: token,
            }))
            .await
            .unwrap()
            .into_inner();
        pages += 1;
        seen.extend(page.logs.into_iter().map(|log| log.request_id));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(
        (pages, seen),
        (
            3,
            vec!["r5", "r4", "r3", "r2", "r1"]
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>()
        )
    );
    let garbage = client
        .list_logs(admin(pb::ListLogsRequest {
            filter: None,
            page_size: 2,
            page_token: "nope".into(),
        }))
        .await
        .unwrap_err();
    assert_eq!(garbage.code(), Code::InvalidArgument);

    // GetLog: every column round-trips; details when stored.
    let r1 = client
        .get_log(admin(pb::GetLogRequest {
            request_id: "r1".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    let log = r1.log.unwrap();
    assert_eq!(
        (
            log.created_at_ms,
            log.group_id.as_str(),
            log.token_name.as_str(),
            log.actual_model.as_str(),
            log.channel_id,
            log.status_code,
            log.client_ip.as_str(),
        ),
        (
            T0 + 30_000,
            "acme",
            "ci",
            "gpt-4-upstream",
            Some(1),
            200,
            "127.0.0.1"
        )
    );
    assert_eq!(
        (
            log.input_tokens,
            log.output_tokens,
            log.cached_tokens,
            log.total_tokens,
            log.ttfb_ms,
            log.total_ms,
        ),
        (10, 5, 5, 15, Some(100), 400)
    );
    assert_eq!(r1.detail, None);
    insert_detail(&db.store, "r2", T0 + 30_000).await;
    let r2 = client
        .get_log(admin(pb::GetLogRequest {
            request_id: "r2".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(r2.log.unwrap().error, "upstream said \"no\", twice");
    assert_eq!(
        r2.detail,
        Some(pb::LogDetail {
            request_body: "{\"model\":\"gpt-4\"}".into(),
            response_body: "{\"id\":\"x\"}".into(),
            request_body_truncated: false,
            response_body_truncated: true,
        })
    );
    let missing = client
        .get_log(admin(pb::GetLogRequest {
            request_id: "r9".into(),
        }))
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);

    // DeleteLogs: the three rows of minute 0 (and r2's detail) go.
    let deleted = client
        .delete_logs(admin(pb::DeleteLogsRequest {
            before_ms: T0 + MINUTE,
        }))
        .await
        .unwrap()
        .into_inner()
        .deleted;
    assert_eq!(deleted, 3);
    assert_eq!(ids(&mut client, all).await, ["r5", "r4"]);
    assert_eq!(count(&db.store, "request_log_details").await, 0);

    // Without the admin key nothing is answered.
    let refused = client
        .list_logs(tonic::Request::new(pb::ListLogsRequest::default()))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::Unauthenticated);
}

#[tokio::test]
async fn sqlite_list_get_delete() {
    check_list_get_delete(sqlite().await).await;
}

#[tokio::test]
async fn postgres_list_get_delete() {
    check_list_get_delete(postgres().await).await;
}

/// The numbers a point should carry: (bucket, requests, errors, 4xx, 5xx, input, output, total
/// tokens, avg latency, avg ttfb).
type Expected = (i64, i64, i64, i64, i64, i64, i64, i64, f64, f64);

fn numbers(point: &pb::SummaryPoint) -> Expected {
    (
        point.bucket_ms,
        point.requests,
        point.errors,
        point.client_errors,
        point.server_errors,
        point.input_tokens,
        point.output_tokens,
        point.total_tokens,
        point.avg_latency_ms,
        point.avg_ttfb_ms,
    )
}

async fn summary(
    client: &mut LogServiceClient<Channel>,
    granularity: pb::Granularity,
    filter: pb::SummaryFilter,
) -> Vec<Expected> {
    client
        .get_summary(admin(pb::GetSummaryRequest {
            granularity: granularity.into(),
            filter: Some(filter),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .points
        .iter()
        .map(numbers)
        .collect()
}

async fn ranking(
    client: &mut LogServiceClient<Channel>,
    dimension: pb::RankingDimension,
    metric: pb::RankingMetric,
    limit: i32,
) -> Vec<(String, i64, i64, i64)> {
    client
        .get_ranking(admin(pb::GetRankingRequest {
            dimension: dimension.into(),
            metric: metric.into(),
            granularity: pb::Granularity::Hour.into(),
            start_ms: T0,
            end_ms: T0 + 2 * HOUR,
            limit,
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .entries
        .into_iter()
        .map(|entry| (entry.key, entry.requests, entry.total_tokens, entry.errors))
        .collect()
}

async fn check_summary_rpcs(db: Db) {
    write_fixture(&db.store).await;
    let mut client = serve(&db.store).await;
    let range = pb::SummaryFilter {
        start_ms: T0,
        end_ms: T0 + 2 * HOUR,
        ..pb::SummaryFilter::default()
    };
    assert_eq!(
        summary(&mut client, pb::Granularity::Minute, range.clone()).await,
        vec![
            (T0, 3, 2, 1, 1, 13, 5, 18, 470.0 / 3.0, 100.0),
            (T0 + MINUTE, 1, 0, 0, 0, 20, 10, 30, 1000.0, 200.0),
            (T0 + HOUR, 1, 0, 0, 0, 100, 50, 150, 600.0, 300.0),
        ]
    );
    assert_eq!(
        summary(
            &mut client,
            pb::Granularity::Hour,
            pb::SummaryFilter {
                group_id: Some("acme".into()),
                ..range.clone()
            }
        )
        .await,
        vec![(T0, 3, 1, 0, 1, 30, 15, 45, 1450.0 / 3.0, 150.0)]
    );
    assert_eq!(
        summary(
            &mut client,
            pb::Granularity::Hour,
            pb::SummaryFilter {
                channel_id: Some(1),
                ..range.clone()
            }
        )
        .await,
        vec![
            (T0, 2, 1, 0, 1, 10, 5, 15, 225.0, 100.0),
            (T0 + HOUR, 1, 0, 0, 0, 100, 50, 150, 600.0, 300.0),
        ]
    );
    assert_eq!(
        summary(
            &mut client,
            pb::Granularity::Hour,
            pb::SummaryFilter {
                token_name: Some("web".into()),
                model: Some("claude".into()),
                ..range.clone()
            }
        )
        .await,
        vec![
            (T0, 1, 1, 1, 0, 3, 0, 3, 20.0, 0.0),
            (T0 + HOUR, 1, 0, 0, 0, 100, 50, 150, 600.0, 300.0),
        ]
    );
    let mixed = client
        .get_summary(admin(pb::GetSummaryRequest {
            granularity: pb::Granularity::Hour.into(),
            filter: Some(pb::SummaryFilter {
                channel_id: Some(1),
                group_id: Some("acme".into()),
                ..range.clone()
            }),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(mixed.code(), Code::InvalidArgument);

    let totals = |filter: pb::SummaryFilter| {
        let mut client = client.clone();
        async move {
            let point = client
                .get_totals(admin(pb::GetTotalsRequest {
                    granularity: pb::Granularity::Hour.into(),
                    filter: Some(filter),
                }))
                .await
                .unwrap()
                .into_inner();
            (
                numbers(&point),
                point.cached_tokens,
                point.reasoning_tokens,
                point.cost,
            )
        }
    };
    assert_eq!(
        totals(pb::SummaryFilter {
            start_ms: T0,
            end_ms: T0 + HOUR,
            ..pb::SummaryFilter::default()
        })
        .await,
        (
            (0, 4, 2, 1, 1, 33, 15, 48, 1470.0 / 4.0, 150.0),
            5 + 1 + 10,
            1 + 3,
            "0".to_owned()
        )
    );
    assert_eq!(
        totals(pb::SummaryFilter {
            model: Some("claude".into()),
            ..range.clone()
        })
        .await
        .0,
        (0, 2, 1, 1, 0, 103, 50, 153, 310.0, 300.0)
    );
    // An empty range is all zeros, not an error.
    assert_eq!(
        totals(pb::SummaryFilter {
            start_ms: T0 + 10 * HOUR,
            ..pb::SummaryFilter::default()
        })
        .await
        .0,
        (0, 0, 0, 0, 0, 0, 0, 0, 0.0, 0.0)
    );

    use pb::RankingDimension::{Channel as ByChannel, Group as ByGroup, Model as ByModel};
    use pb::RankingMetric::{Requests, Tokens};
    let own = |rows: &[(&str, i64, i64, i64)]| {
        rows.iter()
            .map(|(key, requests, tokens, errors)| ((*key).to_owned(), *requests, *tokens, *errors))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ranking(&mut client, ByGroup, Requests, 0).await,
        own(&[("acme", 3, 45, 1), ("beta", 2, 153, 1)])
    );
    assert_eq!(
        ranking(&mut client, ByGroup, Tokens, 0).await,
        own(&[("beta", 2, 153, 1), ("acme", 3, 45, 1)])
    );
    assert_eq!(
        ranking(&mut client, ByChannel, Requests, 0).await,
        own(&[("1", 3, 165, 1), ("2", 2, 33, 1)])
    );
    assert_eq!(
        ranking(&mut client, ByModel, Tokens, 1).await,
        own(&[("claude", 2, 153, 1)])
    );
    check_splits_and_group_rankings(&mut client, &range).await;
}

/// A split series (the points a chart stacks by model or channel) and rankings of tokens and
/// of one group's keys.
async fn check_splits_and_group_rankings(
    client: &mut LogServiceClient<Channel>,
    range: &pb::SummaryFilter,
) {
    let split = |split: pb::SummarySplit, filter: pb::SummaryFilter| {
        let mut client = client.clone();
        async move {
            client
                .get_summary(admin(pb::GetSummaryRequest {
                    granularity: pb::Granularity::Hour.into(),
                    filter: Some(filter),
                    split: split.into(),
                }))
                .await
                .map(|response| {
                    response
                        .into_inner()
                        .points
                        .into_iter()
                        .map(|point| {
                            (
                                point.bucket_ms,
                                point.key,
                                point.requests,
                                point.total_tokens,
                            )
                        })
                        .collect::<Vec<_>>()
                })
        }
    };
    assert_eq!(
        split(pb::SummarySplit::Model, range.clone()).await.unwrap(),
        vec![
            (T0, "claude".to_owned(), 1, 3),
            (T0, "gpt-4".to_owned(), 3, 45),
            (T0 + HOUR, "claude".to_owned(), 1, 150),
        ]
    );
    assert_eq!(
        split(
            pb::SummarySplit::Model,
            pb::SummaryFilter {
                group_id: Some("beta".into()),
                ..range.clone()
            }
        )
        .await
        .unwrap(),
        vec![
            (T0, "claude".to_owned(), 1, 3),
            (T0 + HOUR, "claude".to_owned(), 1, 150),
        ]
    );
    assert_eq!(
        split(pb::SummarySplit::Channel, range.clone())
            .await
            .unwrap(),
        vec![
            (T0, "1".to_owned(), 2, 15),
            (T0, "2".to_owned(), 2, 33),
            (T0 + HOUR, "1".to_owned(), 1, 150),
        ]
    );
    // The per-channel summaries know no groups: a channel split of one group is refused.
    let refused = split(
        pb::SummarySplit::Channel,
        pb::SummaryFilter {
            group_id: Some("acme".into()),
            ..range.clone()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);

    let rank = |dimension: pb::RankingDimension, group: Option<&str>| {
        let mut client = client.clone();
        let group_id = group.map(str::to_owned);
        async move {
            client
                .get_ranking(admin(pb::GetRankingRequest {
                    dimension: dimension.into(),
                    metric: pb::RankingMetric::Requests.into(),
                    granularity: pb::Granularity::Hour.into(),
                    start_ms: T0,
                    end_ms: T0 + 2 * HOUR,
                    limit: 0,
                    group_id,
                }))
                .await
                .map(|response| {
                    response
                        .into_inner()
                        .entries
                        .into_iter()
                        .map(|entry| (entry.key, entry.requests, entry.total_tokens))
                        .collect::<Vec<_>>()
                })
        }
    };
    assert_eq!(
        rank(pb::RankingDimension::Token, None).await.unwrap(),
        vec![
            ("acme/ci".to_owned(), 2, 15),
            ("beta/web".to_owned(), 2, 153),
            ("acme/web".to_owned(), 1, 30),
        ]
    );
    assert_eq!(
        rank(pb::RankingDimension::Token, Some("acme"))
            .await
            .unwrap(),
        vec![
            ("acme/ci".to_owned(), 2, 15),
            ("acme/web".to_owned(), 1, 30)
        ]
    );
    assert_eq!(
        rank(pb::RankingDimension::Model, Some("beta"))
            .await
            .unwrap(),
        vec![("claude".to_owned(), 2, 153)]
    );
    assert_eq!(
        rank(pb::RankingDimension::Channel, Some("acme"))
            .await
            .unwrap_err()
            .code(),
        Code::InvalidArgument
    );
}

#[tokio::test]
async fn sqlite_summary_totals_ranking() {
    check_summary_rpcs(sqlite().await).await;
}

#[tokio::test]
async fn postgres_summary_totals_ranking() {
    check_summary_rpcs(postgres().await).await;
}

/// Splits CSV text into records of fields (RFC 4180: quoted fields may hold commas, quotes and
/// line breaks).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && record.is_empty(),
        "the export ends mid-row"
    );
    records
}

async fn check_export(db: Db) {
    let rows = 20_000usize;
    let records: Vec<_> = (0..rows).map(|index| varied(index, "x")).collect();
    for (batch, chunk) in records.chunks(2_000).enumerate() {
        write_batch(&db.store, chunk, T0 + batch as i64 * MINUTE).await;
    }
    let mut client = serve(&db.store).await;
    let mut stream = client
        .export_logs(admin(pb::ExportLogsRequest { filter: None }))
        .await
        .unwrap()
        .into_inner();
    let mut text = String::new();
    let mut chunks = 0;
    while let Some(chunk) = stream.message().await.unwrap() {
        chunks += 1;
        text.push_str(std::str::from_utf8(&chunk.data).unwrap());
    }
    assert!(
        chunks > 10,
        "the export came in {chunks} chunks: not streamed by pages"
    );
    let parsed = parse_csv(&text);
    assert_eq!(parsed.len(), rows + 1);
    assert_eq!(parsed[0], LOG_COLUMNS);
    let mut ids: Vec<&str> = parsed[1..].iter().map(|row| row[2].as_str()).collect();
    assert!(parsed[1..].iter().all(|row| row.len() == LOG_COLUMNS.len()));
    // Newest first, and every row exactly once.
    assert_eq!(parsed[1][1], (T0 + 9 * MINUTE).to_string());
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), rows);
    let failed = &parsed[1..].iter().find(|row| row[11] == "500").unwrap()[12];
    assert_eq!(failed, "upstream said \"no\", twice");

    // Filters apply to the export too.
    let mut stream = client
        .export_logs(admin(pb::ExportLogsRequest {
            filter: Some(pb::LogFilter {
                status_code: Some(429),
                group_id: Some("acme".into()),
                ..pb::LogFilter::default()
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    let mut text = String::new();
    while let Some(chunk) = stream.message().await.unwrap() {
        text.push_str(std::str::from_utf8(&chunk.data).unwrap());
    }
    let expected = (0..rows)
        .filter(|index| index % 5 == 2 && index.is_multiple_of(3))
        .count();
    assert_eq!(parse_csv(&text).len(), expected + 1);
}

#[tokio::test]
async fn sqlite_export_streams_20000_rows() {
    check_export(sqlite().await).await;
}

#[tokio::test]
async fn postgres_export_streams_20000_rows() {
    check_export(postgres().await).await;
}

/// A failed request keeps its bodies, and nothing stored for it holds the caller's key or the
/// channel's key: the relay hands over bodies only, never headers.
#[tokio::test]
async fn details_of_a_failed_request_hold_no_secret() {
    const KEY: &str = "sk-details-secret-0001";
    let upstream = support::mock_openai::MockOpenAi::start().await;
    *upstream.state.fail_with.lock().unwrap() = Some(500);
    let (mut settings, data_dir) = support::TestHub::settings();
    let config = data_dir.path().join("aiproxy.yaml");
    std::fs::write(
        &config,
        format!(
            "groups:\n  - id: acme\ntokens:\n  - group: acme\n    name: ci\n    key: {KEY}\n\
             channels:\n  - name: mock\n    type: openai\n    base_url: {}\n    key: sk-upstream-secret\n    models: [gpt-4o-mini]\n\
             models:\n  - model: gpt-4o-mini\n    type: chat\n",
            upstream.base_url()
        ),
    )
    .unwrap();
    settings.config_file_path = Some(config);
    let hub = support::TestHub::start_with(settings, data_dir).await;
    let response = reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(KEY)
        .header("x-api-key", KEY)
        .json(&serde_json::json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "details please"}]}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_server_error(), "{}", response.status());
    let (stopped, data_dir) = hub.stop_keeping_data().await;
    stopped.unwrap();
    let data_dir = data_dir.unwrap();
    let store = Store::connect(data_dir.path().join("aiproxy.db").to_str().unwrap())
        .await
        .unwrap();
    let details: Vec<(String, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT request_id, request_body, response_body FROM request_log_details")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(details.len(), 1, "{details:?}");
    let (_, request_body, response_body) = &details[0];
    assert!(
        request_body
            .as_deref()
            .unwrap_or_default()
            .contains("details please"),
        "{details:?}"
    );
    let everything = format!("{details:?}");
    assert!(!everything.contains(KEY), "{everything}");
    assert!(!everything.contains("sk-upstream-secret"), "{everything}");
    assert!(response_body.is_some(), "{details:?}");
    store.close().await;
}

/// Lists the whole hub's logs matching `filter` until `expected` rows are there (the writer
/// batches).
async fn wait_for_logs(
    logs: &mut LogServiceClient<Channel>,
    filter: pb::LogFilter,
    expected: usize,
) -> Vec<pb::RequestLog> {
    let mut rows = Vec::new();
    for _ in 0..200 {
        rows = logs
            .list_logs(support::admin(pb::ListLogsRequest {
                filter: Some(filter.clone()),
                page_size: 10,
                page_token: String::new(),
            }))
            .await
            .unwrap()
            .into_inner()
            .logs;
        if rows.len() >= expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    rows
}

/// The `metadata` of OpenAI chat, Responses and Anthropic Messages requests reaches the log
/// row (credentials redacted, Anthropic's `user_id` as the user) and the list filters.
#[tokio::test]
async fn request_metadata_is_logged_and_searchable() {
    const KEY: &str = "sk-metadata-test-0001";
    let upstream = support::mock_openai::MockOpenAi::start().await;
    let (mut settings, data_dir) = support::TestHub::settings();
    let config = data_dir.path().join("aiproxy.yaml");
    std::fs::write(
        &config,
        format!(
            "groups:\n  - id: acme\ntokens:\n  - group: acme\n    name: ci\n    key: {KEY}\n\
             channels:\n  - name: mock\n    type: custom\n    base_url: {}\n    key: sk-upstream\n    models: [gpt-4o-mini]\n\
             models:\n  - model: gpt-4o-mini\n    type: chat\n",
            upstream.base_url()
        ),
    )
    .unwrap();
    settings.config_file_path = Some(config);
    let hub = support::TestHub::start_with(settings, data_dir).await;
    let client = reqwest::Client::new();
    let requests = [
        (
            "/v1/chat/completions",
            serde_json::json!({"model": "gpt-4o-mini", "user": "alice",
                "messages": [{"role": "user", "content": "hi"}],
                "metadata": {"customer": "Acme-Corp", "api_key": "sk-client-secret-1", "n": 3}}),
        ),
        (
            "/v1/messages",
            serde_json::json!({"model": "gpt-4o-mini", "max_tokens": 16,
                "messages": [{"role": "user", "content": "hi"}],
                "metadata": {"user_id": "bob"}}),
        ),
        (
            "/v1/responses",
            serde_json::json!({"model": "gpt-4o-mini", "input": "hi",
                "metadata": {"customer": "globex", "ticket": "T-1"}}),
        ),
    ];
    for (path, body) in &requests {
        let response = client
            .post(hub.url(path))
            .bearer_auth(KEY)
            .json(body)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
    }
    let mut logs = LogServiceClient::new(support::control_channel(&hub).await);
    let all = wait_for_logs(&mut logs, pb::LogFilter::default(), 3).await;
    assert_eq!(all.len(), 3, "{all:?}");
    let everything = format!("{all:?}");
    assert!(!everything.contains("sk-client-secret-1"), "{everything}");

    let acme = wait_for_logs(
        &mut logs,
        pb::LogFilter {
            metadata_contains: Some("acme-corp".into()),
            ..pb::LogFilter::default()
        },
        1,
    )
    .await;
    assert_eq!(acme.len(), 1, "{acme:?}");
    assert_eq!(acme[0].endpoint, "/v1/chat/completions");
    assert_eq!(acme[0].user, "alice");
    let metadata: serde_json::Value = serde_json::from_str(&acme[0].metadata).unwrap();
    assert_eq!(
        metadata,
        serde_json::json!({"customer": "Acme-Corp", "api_key": "[redacted]", "n": 3})
    );
    let got = logs
        .get_log(support::admin(pb::GetLogRequest {
            request_id: acme[0].request_id.clone(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.log.unwrap().metadata, acme[0].metadata);

    let bob = wait_for_logs(
        &mut logs,
        pb::LogFilter {
            user: Some("bob".into()),
            ..pb::LogFilter::default()
        },
        1,
    )
    .await;
    assert_eq!(bob.len(), 1, "{bob:?}");
    assert_eq!(
        (bob[0].endpoint.as_str(), bob[0].metadata.as_str()),
        ("/v1/messages", "")
    );

    let globex = wait_for_logs(
        &mut logs,
        pb::LogFilter {
            metadata_contains: Some("\"ticket\":\"T-1\"".into()),
            ..pb::LogFilter::default()
        },
        1,
    )
    .await;
    assert_eq!(globex.len(), 1, "{globex:?}");
    assert_eq!(globex[0].endpoint, "/v1/responses");
    // LIKE's wildcards in the search text match only themselves.
    let none = wait_for_logs(
        &mut logs,
        pb::LogFilter {
            metadata_contains: Some("acme_corp".into()),
            ..pb::LogFilter::default()
        },
        0,
    )
    .await;
    assert!(none.is_empty(), "{none:?}");
}
