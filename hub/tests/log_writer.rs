//! The request log writer on SQLite and the real Postgres: every row written with its summaries,
//! charges applied once (also when the log database is separate and a write is retried), bodies
//! kept by the detail rules, nothing dropped while the database fails.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support::store_db::{postgres, sqlite};

use std::str::FromStr;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use hub::logs::entry::{LogEntry, WriterConfig};
use hub::store::{Group, NewToken, Store};
use relay::host::{TokenUsage, UsageRecord, UsageSink};
use rust_decimal::Decimal;

fn record(index: usize) -> UsageRecord {
    UsageRecord {
        group_id: Some("acme".into()),
        token_id: Some(1),
        token_name: Some("ci".into()),
        channel_id: Some(7),
        requested_model: Some("gpt-4".into()),
        upstream_model: Some("gpt-4o-mini".into()),
        usage: TokenUsage {
            input_tokens: 10,
            output_tokens: 5,
            total_tokens: 15,
            ..TokenUsage::default()
        },
        retries: 1,
        first_byte: Some(Duration::from_millis(12)),
        total: Duration::from_millis(40),
        client_ip: Some("127.0.0.1".parse().unwrap()),
        user: Some("alice".into()),
        ..UsageRecord::new(format!("req-{index}"), "/v1/chat/completions", 200)
    }
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

async fn scalar_i64(store: &Store, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

async fn check_every_record_is_written(store: Store) {
    let (sink, writer) = hub::logs::writer::spawn(store.clone());
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
        "SELECT actual_model, ttfb_ms, client_ip FROM request_logs WHERE client_request_id = $1",
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
    // After finishing, late records are refused and counted, never silently queued forever.
    sink.record(record(rows + 1));
    assert_eq!(sink.stats().dropped.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn sqlite_gets_every_row() {
    let db = sqlite().await;
    check_every_record_is_written(db.store.clone()).await;
}

#[tokio::test]
async fn postgres_gets_every_row() {
    let db = postgres().await;
    check_every_record_is_written(db.store.clone()).await;
    db.store.close().await;
}

/// A group with a balance of 10 and its token "ci"; returns the token id.
async fn tenant(store: &Store) -> i64 {
    let mut group = Group::new("acme");
    group.balance = dec("10");
    store.create_group(&group).await.unwrap();
    let (token, _key) = store
        .create_token(
            &NewToken {
                group_id: "acme".into(),
                name: "ci".into(),
                ..NewToken::default()
            },
            0,
        )
        .await
        .unwrap();
    token.id
}

fn entry(index: usize, token_id: i64, cost: &str, period_start: Option<i64>) -> LogEntry {
    let mut record = record(index);
    record.token_id = Some(token_id);
    LogEntry {
        record,
        cost: dec(cost),
        price_tier: None,
        charge_detail: None,
        charge: true,
        period_start,
        save_detail: false,
    }
}

/// (used_amount, request_count, period_used, period_start) of the token, balance of the group.
async fn spending(store: &Store, token_id: i64) -> (Decimal, i64, Decimal, Option<i64>, Decimal) {
    let (used, count, period_used, start): (String, i64, String, Option<i64>) = sqlx::query_as(
        "SELECT used_amount, request_count, period_used, period_start FROM tokens WHERE id = $1",
    )
    .bind(token_id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    let balance: String = sqlx::query_scalar("SELECT balance FROM groups WHERE id = $1")
        .bind("acme")
        .fetch_one(store.pool())
        .await
        .unwrap();
    (dec(&used), count, dec(&period_used), start, dec(&balance))
}

/// Costs stored in the rows and summed in both summary tables.
async fn logged_costs(store: &Store) -> (Decimal, Decimal, Decimal) {
    let sum = |sql: &'static str| async move {
        let texts: Vec<String> = sqlx::query_scalar(sql)
            .fetch_all(store.pool())
            .await
            .unwrap();
        texts.iter().map(|text| dec(text)).sum::<Decimal>()
    };
    (
        sum("SELECT cost FROM request_logs").await,
        sum("SELECT cost FROM channel_model_summaries WHERE granularity = 'minute'").await,
        sum("SELECT cost FROM group_token_model_summaries WHERE granularity = 'hour'").await,
    )
}

async fn check_charges(store: Store) {
    let token_id = tenant(&store).await;
    let (sink, writer) = hub::logs::writer::spawn(store.clone());
    for index in 0..300 {
        sink.submit(entry(index, token_id, "0.01", Some(1_000)));
    }
    // Not charged (billing off): logged with its cost, no spending.
    let mut free = entry(300, token_id, "5", Some(1_000));
    free.charge = false;
    sink.submit(free);
    writer.finish().await;
    assert_eq!(
        spending(&store, token_id).await,
        (dec("3"), 300, dec("3"), Some(1_000), dec("7"))
    );
    assert_eq!(logged_costs(&store).await, (dec("8"), dec("8"), dec("8")));

    // A newer period start restarts the period; an older one still adds to the current one.
    let (sink, writer) = hub::logs::writer::spawn(store.clone());
    sink.submit(entry(400, token_id, "0.5", Some(2_000)));
    sink.submit(entry(401, token_id, "0.25", Some(1_000)));
    writer.finish().await;
    assert_eq!(
        spending(&store, token_id).await,
        (dec("3.75"), 302, dec("0.75"), Some(2_000), dec("6.25"))
    );
    assert_eq!(
        logged_costs(&store).await,
        (dec("8.75"), dec("8.75"), dec("8.75"))
    );
}

#[tokio::test]
async fn sqlite_charges_tokens_and_groups() {
    let db = sqlite().await;
    check_charges(db.store.clone()).await;
}

#[tokio::test]
async fn postgres_charges_tokens_and_groups() {
    let db = postgres().await;
    check_charges(db.store.clone()).await;
    db.store.close().await;
}

/// The log database fails for a while (its table renamed away): the writer keeps retrying
/// past any fixed count, loses nothing, and the charges in the separate main database are
/// applied exactly once.
async fn check_retries_lose_nothing_and_charge_once(main: Store, logs: Store) {
    let token_id = tenant(&main).await;
    sqlx::query("ALTER TABLE request_logs RENAME TO request_logs_away")
        .execute(logs.pool())
        .await
        .unwrap();
    let mut config = WriterConfig::new(logs.clone());
    config.billing_store = Some(main.clone());
    let (sink, writer) = hub::logs::writer::spawn_with(config);
    for index in 0..50 {
        sink.submit(entry(index, token_id, "0.1", None));
    }
    let stats = sink.stats().clone();
    for _ in 0..600 {
        if stats.write_failures.load(Ordering::Relaxed) >= 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(stats.write_failures.load(Ordering::Relaxed) >= 5);
    sqlx::query("ALTER TABLE request_logs_away RENAME TO request_logs")
        .execute(logs.pool())
        .await
        .unwrap();
    writer.finish().await;
    assert_eq!(
        scalar_i64(&logs, "SELECT COUNT(*) FROM request_logs").await,
        50
    );
    assert_eq!(stats.dropped.load(Ordering::Relaxed), 0);
    assert_eq!(stats.lost.load(Ordering::Relaxed), 0);
    let (used, count, _, _, balance) = spending(&main, token_id).await;
    assert_eq!((used, count, balance), (dec("5"), 50, dec("5")));
}

#[tokio::test]
async fn sqlite_retries_lose_nothing_and_charge_once() {
    let main = sqlite().await;
    let logs = sqlite().await;
    check_retries_lose_nothing_and_charge_once(main.store.clone(), logs.store.clone()).await;
}

#[tokio::test]
async fn postgres_retries_lose_nothing_and_charge_once() {
    let main = postgres().await;
    let logs = postgres().await;
    check_retries_lose_nothing_and_charge_once(main.store.clone(), logs.store.clone()).await;
    main.store.close().await;
    logs.store.close().await;
}

/// Which bodies are kept: failed requests and `save_detail` entries (the governor sets it for
/// every request under `SAVE_ALL_LOG_DETAIL`); cut at the configured size.
async fn check_details(store: Store) {
    let with_bodies = |index: usize, status: u16, save_detail: bool| {
        let mut record = record(index);
        record.status = status;
        record.request_body = Some(Bytes::from(format!(
            "{{\"n\":{index},\"pad\":\"{}\"}}",
            "x".repeat(100)
        )));
        record.response_body = Some(Bytes::from_static(b"{\"error\":\"upstream\"}"));
        LogEntry {
            save_detail,
            ..LogEntry::from(record)
        }
    };
    let mut config = WriterConfig::new(store.clone());
    config.detail_max_bytes = 64;
    let (sink, writer) = hub::logs::writer::spawn_with(config.clone());
    sink.submit(with_bodies(1, 200, false));
    sink.submit(with_bodies(2, 502, false));
    sink.submit(with_bodies(3, 200, true));
    sink.submit(LogEntry::from(record(4)));
    writer.finish().await;
    let stored: Vec<(String, String, i64, String, i64)> = sqlx::query_as(
        "SELECT l.client_request_id, d.request_body, d.request_body_truncated, d.response_body, \
         d.response_body_truncated FROM request_log_details d \
         JOIN request_logs l ON l.request_id = d.request_id ORDER BY l.client_request_id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let ids: Vec<&str> = stored.iter().map(|row| row.0.as_str()).collect();
    assert_eq!(ids, ["req-2", "req-3"]);
    let (_, request, request_cut, response, response_cut) = &stored[0];
    assert_eq!(request.len(), 64);
    assert!(request.starts_with("{\"n\":2,"));
    assert_eq!(*request_cut, 1);
    assert_eq!(
        (response.as_str(), *response_cut),
        ("{\"error\":\"upstream\"}", 0)
    );
}

#[tokio::test]
async fn sqlite_keeps_the_right_bodies() {
    let db = sqlite().await;
    check_details(db.store.clone()).await;
}

#[tokio::test]
async fn postgres_keeps_the_right_bodies() {
    let db = postgres().await;
    check_details(db.store.clone()).await;
    db.store.close().await;
}

/// Text Postgres refuses (NUL) is cleaned instead of failing the batch forever.
#[tokio::test]
async fn postgres_accepts_nul_in_client_text() {
    let db = postgres().await;
    let (sink, writer) = hub::logs::writer::spawn(db.store.clone());
    let mut nul = record(1);
    nul.user = Some("a\0b".into());
    nul.status = 400;
    nul.request_body = Some(Bytes::from_static(b"{\"x\":\"\0\"}"));
    sink.record(nul);
    writer.finish().await;
    let user: String = sqlx::query_scalar("SELECT user_field FROM request_logs")
        .fetch_one(db.store.pool())
        .await
        .unwrap();
    assert_eq!(user, "a\u{FFFD}b");
    let stats = sink.stats();
    assert_eq!(stats.write_failures.load(Ordering::Relaxed), 0);
    db.store.close().await;
}

/// Waits until another connection is blocked behind a lock this test holds. Postgres shows
/// it in `pg_stat_activity`; SQLite cannot be watched, so its waiter is given time to start.
async fn until_blocked(store: &Store) {
    if store.dialect() == hub::store::Dialect::Sqlite {
        tokio::time::sleep(Duration::from_millis(300)).await;
        return;
    }
    for _ in 0..500 {
        let waiting = scalar_i64(
            store,
            "SELECT COUNT(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .await;
        if waiting > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no connection ever waited for the lock");
}

/// The control plane's `update_token` and the writer's charges change the same quota period
/// columns; each decides the period on the row as it is when it writes, so neither undoes
/// the other whichever commits first.
async fn check_update_token_and_charges_interleave(store: Store) {
    let token_id = tenant(&store).await;
    let mut token = store.get_token(token_id).await.unwrap();
    token.period = Some(hub::store::QuotaPeriod::Daily);
    token.period_quota = Some(dec("100"));
    let token = store.update_token(&token).await.unwrap();
    let created_start = token.period_start.unwrap();
    let new_day = created_start + 1_000;

    // The writer charges first, into a new period; the control plane renames the token
    // meanwhile, having read the row before that charge committed.
    let mut writer_tx = hub::logs::insert::begin(&store).await.unwrap();
    hub::logs::charges::apply(&mut writer_tx, &[entry(1, token_id, "0.5", Some(new_day))])
        .await
        .unwrap();
    let mut renamed = token.clone();
    renamed.name = "renamed".into();
    let update = tokio::spawn({
        let store = store.clone();
        async move { store.update_token(&renamed).await }
    });
    until_blocked(&store).await;
    writer_tx.commit().await.unwrap();
    let updated = update.await.unwrap().unwrap();
    assert_eq!(updated.name, "renamed");
    let (used, count, period_used, start, _) = spending(&store, token_id).await;
    assert_eq!(
        (used, count, period_used, start),
        (dec("0.5"), 1, dec("0.5"), Some(new_day))
    );

    // The control plane changes the period first; a charge computed for an older period
    // start, waiting behind it, adds to the new period instead of undoing the restart.
    let mut weekly = updated.clone();
    weekly.period = Some(hub::store::QuotaPeriod::Weekly);
    let mut control_tx = store.begin().await.unwrap();
    let restarted = control_tx.update_token(&weekly).await.unwrap();
    let charge = tokio::spawn({
        let store = store.clone();
        async move {
            let mut tx = hub::logs::insert::begin(&store).await?;
            hub::logs::charges::apply(&mut tx, &[entry(2, token_id, "0.25", Some(created_start))])
                .await?;
            tx.commit().await?;
            Ok::<_, hub::store::StoreError>(())
        }
    });
    until_blocked(&store).await;
    control_tx.commit().await.unwrap();
    charge.await.unwrap().unwrap();
    let (used, count, period_used, start, balance) = spending(&store, token_id).await;
    assert_eq!(
        (used, count, period_used, start, balance),
        (
            dec("0.75"),
            2,
            dec("0.25"),
            restarted.period_start,
            dec("9.25")
        )
    );
}

#[tokio::test]
async fn sqlite_update_token_and_charges_interleave() {
    let db = sqlite().await;
    check_update_token_and_charges_interleave(db.store.clone()).await;
}

#[tokio::test]
async fn postgres_update_token_and_charges_interleave() {
    let db = postgres().await;
    check_update_token_and_charges_interleave(db.store.clone()).await;
    db.store.close().await;
}
