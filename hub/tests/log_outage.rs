//! A log-database outage through the whole server (`LOG_SQL_DSN` behind a forwarder the test cuts): every answered request is billed once it returns,
//! with a queue made tiny so the journal carries the outage; an exhausted journal refuses billable
//! requests with 503, or serves them and counts their rows dropped when told to.

use crate::support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hub::process::settings::Settings;
use hub::store::Store;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use support::forwarder::Forwarder;
use support::mock_openai::MockOpenAi;
use support::{TestDatabase, TestHub};

const KEY: &str = "sk-journal-0001";
/// The mock answers 9 prompt and 4 completion tokens: at 1 per token a request costs 13.
const COST: i64 = 13;
const BALANCE: i64 = 100_000_000;

fn config(upstream: &MockOpenAi) -> String {
    format!(
        "groups:\n  - id: acme\n    balance: {BALANCE}\ntokens:\n  - group: acme\n    name: main\n    key: {KEY}\n\
         channels:\n  - name: mock\n    type: openai\n    base_url: {}\n    key: sk-upstream\n    models: [gpt-4o-mini]\n\
         models:\n  - model: gpt-4o-mini\n    price: {{input_price: 1, output_price: 1, unit: 1}}\n",
        upstream.base_url()
    )
}

/// A hub whose log database is a Postgres database of its own behind `forwarder`, with a
/// queue of eight entries.
async fn start(
    upstream: &MockOpenAi,
    forwarder: &Forwarder,
    logs: &TestDatabase,
    tweak: impl FnOnce(&mut Settings),
) -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    let path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&path, config(upstream)).unwrap();
    settings.config_file_path = Some(path);
    settings.log_sql_dsn = Some(format!(
        "postgres://postgres@{}/{}",
        forwarder.addr, logs.name
    ));
    settings.log_queue_capacity = 8;
    settings.log_journal_fsync_ms = 20;
    settings.shutdown_grace_seconds = 30;
    tweak(&mut settings);
    TestHub::start_with(settings, data_dir).await
}

async fn chat(client: &reqwest::Client, hub: &TestHub) -> (u16, Value) {
    let response = client
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(KEY)
        .json(&json!({"model": "gpt-4o-mini", "max_tokens": 10,
            "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn journal_status(hub: &TestHub) -> Value {
    let status: Value = reqwest::get(hub.url("/api/status"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    status["log_journal"].clone()
}

/// Waits until every journaled entry is stored.
async fn drained(hub: &TestHub) -> Duration {
    let started = Instant::now();
    for _ in 0..1_200 {
        let journal = journal_status(hub).await;
        if journal["pending_entries"] == 0 && journal["state"] == "memory" {
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the journal never drained: {}", journal_status(hub).await);
}

/// (rows in the log database, token request_count, token used_amount, group balance).
async fn billed(hub: &TestHub, logs: &TestDatabase) -> (i64, i64, Decimal, Decimal) {
    let logs = Store::connect(&logs.url()).await.unwrap();
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM request_logs")
        .fetch_one(logs.pool())
        .await
        .unwrap();
    logs.close().await;
    let main = Store::connect(hub.data_path().join("aiproxy.db").to_str().unwrap())
        .await
        .unwrap();
    let (count, used): (i64, String) =
        sqlx::query_as("SELECT request_count, used_amount FROM tokens WHERE group_id = 'acme'")
            .fetch_one(main.pool())
            .await
            .unwrap();
    let balance: String = sqlx::query_scalar("SELECT balance FROM groups WHERE id = 'acme'")
        .fetch_one(main.pool())
        .await
        .unwrap();
    main.close().await;
    (rows, count, used.parse().unwrap(), balance.parse().unwrap())
}

fn expected(answers: i64) -> (i64, i64, Decimal, Decimal) {
    (
        answers,
        answers,
        Decimal::from(answers * COST),
        Decimal::from(BALANCE - answers * COST),
    )
}

/// Clients send without pause while the log database is cut for 300 answers: after it
/// returns, rows == answers and charges == rows.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_log_database_outage_under_load_loses_no_answered_request() {
    const CLIENTS: usize = 8;
    let upstream = MockOpenAi::start().await;
    let logs = TestDatabase::create().await;
    let forwarder = Forwarder::start("127.0.0.1:5432".parse().unwrap()).await;
    let hub = Arc::new(start(&upstream, &forwarder, &logs, |_| {}).await);
    let answered = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let (hub, answered, failed, stop) =
            (hub.clone(), answered.clone(), failed.clone(), stop.clone());
        clients.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            while !stop.load(Ordering::SeqCst) {
                let (status, body) = chat(&client, &hub).await;
                if status == 200 {
                    answered.fetch_add(1, Ordering::SeqCst);
                } else {
                    failed.fetch_add(1, Ordering::SeqCst);
                    println!("refused: {status} {body}");
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = answered.load(Ordering::SeqCst);
    forwarder.cut();
    let mut peak_pending = 0;
    let mut spilled_seen = false;
    let outage = Instant::now();
    // Bounded by answers, not time: a busy machine answers fewer per second.
    while answered.load(Ordering::SeqCst) - before < 300
        && outage.elapsed() < Duration::from_secs(120)
    {
        let journal = journal_status(&hub).await;
        peak_pending = peak_pending.max(journal["pending_entries"].as_u64().unwrap_or(0));
        spilled_seen |= journal["state"] == "spilled";
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let during = answered.load(Ordering::SeqCst) - before;
    let outage = outage.elapsed();
    forwarder.restore();
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.await.unwrap();
    }
    let catch_up = drained(&hub).await;
    let answers = answered.load(Ordering::SeqCst) as i64;
    println!(
        "answered {answers} ({during} during the {outage:?} outage), refused {}, peak pending {peak_pending}, \
         caught up {catch_up:?} after the load stopped",
        failed.load(Ordering::SeqCst)
    );
    assert!(spilled_seen, "the queue of 8 overflowed into the journal");
    assert!(during >= 300, "requests were answered during the outage");
    assert_eq!(failed.load(Ordering::SeqCst), 0);
    let hub = Arc::into_inner(hub).unwrap();
    let figures = billed(&hub, &logs).await;
    assert_eq!(figures, expected(answers));
    hub.stop().await.unwrap();
}

/// A journal of 256 KiB and the log database cut: once the journal is full, billable
/// requests get 503 with an OpenAI error; when the database returns, the journal drains,
/// requests are served again, and every served request is billed. (The refusals' own rows,
/// which charge nothing, cannot be journaled either and are counted as dropped.)
#[tokio::test]
async fn an_exhausted_journal_refuses_billable_requests_until_it_drains() {
    let upstream = MockOpenAi::start().await;
    let logs = TestDatabase::create().await;
    let forwarder = Forwarder::start("127.0.0.1:5432".parse().unwrap()).await;
    let hub = start(&upstream, &forwarder, &logs, |settings| {
        settings.log_journal_max_bytes = 256 * 1024;
    })
    .await;
    let client = reqwest::Client::new();
    forwarder.cut();
    let (mut served, mut refused) = (0i64, 0i64);
    for _ in 0..2_000 {
        let (status, body) = chat(&client, &hub).await;
        match status {
            200 => served += 1,
            503 => {
                refused += 1;
                assert_eq!(body["error"]["code"], "limits_unavailable", "{body}");
                let message = body["error"]["message"].as_str().unwrap();
                assert!(message.contains("journal"), "{message}");
                if refused == 20 {
                    break;
                }
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    let journal = journal_status(&hub).await;
    println!("journal full after {served} requests: {journal}, {refused} refused in a row");
    assert_eq!(journal["state"], "exhausted");
    assert_eq!(refused, 20);
    forwarder.restore();
    drained(&hub).await;
    let (status, _) = chat(&client, &hub).await;
    assert_eq!(status, 200);
    served += 1;
    let metrics = client
        .get(hub.url("/metrics"))
        .bearer_auth(support::ADMIN_KEY)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let dropped: i64 = metrics
        .lines()
        .find_map(|line| line.strip_prefix("aiproxy_log_rows_dropped_total "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(metrics.contains("aiproxy_log_journal_bytes"), "{metrics}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    drained(&hub).await;
    // The refusals' own rows (which charge nothing) took the budget's last 5 % and, past it,
    // were dropped; no answered request's row was.
    println!("{dropped} of the {refused} refusals' rows dropped");
    assert!(dropped <= refused);
    let (rows, count, used, balance) = billed(&hub, &logs).await;
    assert_eq!(rows, served + refused - dropped);
    let (_, served_count, served_used, served_balance) = expected(served);
    assert_eq!(
        (count, used, balance),
        (served_count, served_used, served_balance)
    );
    hub.stop().await.unwrap();
}

/// `LOG_JOURNAL_WHEN_FULL=serve`: an exhausted journal serves every request and counts the
/// rows it cannot keep as dropped.
#[tokio::test]
async fn an_exhausted_journal_serves_and_drops_when_told_to() {
    let upstream = MockOpenAi::start().await;
    let logs = TestDatabase::create().await;
    let forwarder = Forwarder::start("127.0.0.1:5432".parse().unwrap()).await;
    let hub = start(&upstream, &forwarder, &logs, |settings| {
        settings.log_journal_max_bytes = 256 * 1024;
        settings.log_journal_when_full = "serve".into();
    })
    .await;
    let client = reqwest::Client::new();
    forwarder.cut();
    let mut served = 0i64;
    let mut exhausted_at = None;
    for index in 0..2_000 {
        let (status, body) = chat(&client, &hub).await;
        assert_eq!(status, 200, "{body}");
        served += 1;
        if exhausted_at.is_none() && journal_status(&hub).await["state"] == "exhausted" {
            exhausted_at = Some(index);
        }
        if exhausted_at.is_some_and(|at| index >= at + 50) {
            break;
        }
    }
    let exhausted_at = exhausted_at.expect("the journal filled up");
    forwarder.restore();
    drained(&hub).await;
    let metrics = client
        .get(hub.url("/metrics"))
        .bearer_auth(support::ADMIN_KEY)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let dropped: i64 = metrics
        .lines()
        .find_map(|line| line.strip_prefix("aiproxy_log_rows_dropped_total "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let (rows, count, _, _) = billed(&hub, &logs).await;
    println!(
        "served {served}, journal exhausted after {exhausted_at}, dropped {dropped}, stored {rows}"
    );
    assert!(dropped > 0);
    assert_eq!(rows + dropped, served);
    assert_eq!(count, rows);
    hub.stop().await.unwrap();
}
