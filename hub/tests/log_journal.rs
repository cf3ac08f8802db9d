//! The request-log journal under the writer: entries spilled past a tiny queue while the database fails are all stored once it returns,
//! entries left by a stopped writer are replayed by the next one, a replay run twice stores and
//! charges once, a torn record at the tail is skipped, and claims too old to matter are pruned.

use crate::support::store_db::{postgres, sqlite};

use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::Ordering;
use std::time::Duration;

use hub::logs::entry::{LogEntry, WriterConfig};
use hub::logs::journal::JournalConfig;
use hub::logs::writer::{LogWriter, try_spawn};
use hub::store::{Group, NewToken, Store};
use relay::host::{TokenUsage, UsageRecord};
use rust_decimal::Decimal;

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// A group with a balance of 100 and its token; returns the token id.
async fn tenant(store: &Store) -> i64 {
    let mut group = Group::new("acme");
    group.balance = dec("100");
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

fn entry(index: usize, token_id: i64) -> LogEntry {
    let record = UsageRecord {
        group_id: Some("acme".into()),
        token_id: Some(token_id),
        token_name: Some("ci".into()),
        channel_id: Some(7),
        requested_model: Some("gpt-4o-mini".into()),
        usage: TokenUsage {
            input_tokens: 10,
            output_tokens: 5,
            total_tokens: 15,
            ..TokenUsage::default()
        },
        total: Duration::from_millis(40),
        ..UsageRecord::new(format!("req-{index}"), "/v1/chat/completions", 200)
    };
    LogEntry {
        record,
        cost: dec("0.01"),
        price_tier: None,
        charge_detail: None,
        charge: true,
        period_start: None,
        save_detail: false,
    }
}

/// (rows, token used_amount, token request_count, group balance).
async fn stored(logs: &Store, main: &Store, token_id: i64) -> (i64, Decimal, i64, Decimal) {
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM request_logs")
        .fetch_one(logs.pool())
        .await
        .unwrap();
    let (used, count): (String, i64) =
        sqlx::query_as("SELECT used_amount, request_count FROM tokens WHERE id = $1")
            .bind(token_id)
            .fetch_one(main.pool())
            .await
            .unwrap();
    let balance: String = sqlx::query_scalar("SELECT balance FROM groups WHERE id = 'acme'")
        .fetch_one(main.pool())
        .await
        .unwrap();
    (rows, dec(&used), count, dec(&balance))
}

async fn logs_table_away(logs: &Store, away: bool) {
    let statement = if away {
        "ALTER TABLE request_logs RENAME TO request_logs_away"
    } else {
        "ALTER TABLE request_logs_away RENAME TO request_logs"
    };
    sqlx::query(statement).execute(logs.pool()).await.unwrap();
}

/// A writer with a journal in `dir`. While the database fails, a short flush timeout makes
/// `finish` leave the entries in the journal; a writer that replays gets a long one.
fn config(logs: &Store, main: &Store, separate: bool, dir: &Path) -> WriterConfig {
    let mut config = WriterConfig::new(logs.clone());
    config.billing_store = separate.then(|| main.clone());
    config.flush_timeout = Duration::from_secs(60);
    let mut journal = JournalConfig::new(dir);
    journal.fsync_interval = Duration::from_millis(10);
    config.journal = Some(journal);
    config
}

/// Waits until the journal holds `entries` entries in all.
async fn journaled(sink: &LogWriter, entries: u64) {
    let shared = sink.journal_counters().unwrap().clone();
    for _ in 0..1_000 {
        if shared.written.load(Ordering::Relaxed) >= entries {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the journal never held {entries} entries");
}

fn failing(mut config: WriterConfig) -> WriterConfig {
    config.flush_timeout = Duration::from_millis(300);
    config
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for item in std::fs::read_dir(from).unwrap() {
        let item = item.unwrap();
        std::fs::copy(item.path(), to.join(item.file_name())).unwrap();
    }
}

/// A writer stops while the database fails: its entries stay in the journal and the next
/// writer on the same directory stores and charges them once; a copy of that journal
/// replayed again (the checkpoint lost) changes nothing.
async fn check_restart_replays_once(main: Store, logs: Store, separate: bool) {
    const ENTRIES: usize = 500;
    let token_id = tenant(&main).await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal");
    logs_table_away(&logs, true).await;
    let (sink, writer) = try_spawn(failing(config(&logs, &main, separate, &journal))).unwrap();
    for index in 0..ENTRIES {
        sink.submit(entry(index, token_id));
    }
    journaled(&sink, ENTRIES as u64).await;
    writer.finish().await;
    assert_eq!(sink.stats().dropped.load(Ordering::Relaxed), 0);
    logs_table_away(&logs, false).await;
    let second_copy = dir.path().join("copy");
    copy_dir(&journal, &second_copy);

    let (sink, writer) = try_spawn(config(&logs, &main, separate, &journal)).unwrap();
    writer.finish().await;
    let read_back = sink
        .journal_counters()
        .unwrap()
        .read_back
        .load(Ordering::Relaxed);
    println!(
        "restart replay (separate billing database: {separate}): {read_back} entries read back"
    );
    let expected = (ENTRIES as i64, dec("5"), ENTRIES as i64, dec("95"));
    assert_eq!(stored(&logs, &main, token_id).await, expected);

    std::fs::remove_file(second_copy.join("checkpoint")).ok();
    let (sink, writer) = try_spawn(config(&logs, &main, separate, &second_copy)).unwrap();
    writer.finish().await;
    let read_back = sink
        .journal_counters()
        .unwrap()
        .read_back
        .load(Ordering::Relaxed);
    assert_eq!(read_back, ENTRIES as u64, "the copy is replayed whole");
    assert_eq!(
        stored(&logs, &main, token_id).await,
        expected,
        "a second replay stores and charges nothing"
    );
}

#[tokio::test]
async fn sqlite_restart_replays_once() {
    let db = sqlite().await;
    check_restart_replays_once(db.store.clone(), db.store.clone(), false).await;
}

#[tokio::test]
async fn postgres_separate_log_database_restart_replays_once() {
    let main = postgres().await;
    let logs = postgres().await;
    check_restart_replays_once(main.store.clone(), logs.store.clone(), true).await;
    main.store.close().await;
    logs.store.close().await;
}

#[tokio::test]
async fn postgres_restart_replays_once() {
    let db = postgres().await;
    check_restart_replays_once(db.store.clone(), db.store.clone(), false).await;
    db.store.close().await;
}

/// A queue of four entries and a failing database: entries beyond the queue live in the
/// journal only and are read back in order when the database returns; none is dropped.
async fn check_spilled_entries_are_all_stored(main: Store, logs: Store, separate: bool) {
    // Well past what the writer holds in its batch (2,048 rows) plus the queue of four, however
    // the writer's batches and the submissions interleave on a busy machine.
    const ENTRIES: usize = 6_000;
    let token_id = tenant(&main).await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = config(&logs, &main, separate, dir.path());
    config.queue_capacity = 4;
    // Small segments, so reading back crosses from one to the next and stored ones are deleted.
    if let Some(journal) = config.journal.as_mut() {
        journal.segment_bytes = 64 * 1024;
    }
    logs_table_away(&logs, true).await;
    let (sink, writer) = try_spawn(config).unwrap();
    for index in 0..ENTRIES {
        sink.submit(entry(index, token_id));
    }
    journaled(&sink, ENTRIES as u64).await;
    let shared = sink.journal_counters().unwrap().clone();
    let status = sink.journal_status().unwrap();
    println!("during the outage: {status:?}");
    assert!(shared.spilled.load(Ordering::Relaxed) > 0);
    logs_table_away(&logs, false).await;
    // More traffic after the database returned goes behind what was spilled.
    for index in ENTRIES..ENTRIES + 100 {
        sink.submit(entry(index, token_id));
    }
    // Caught up before shutdown, so the flush deadline plays no part.
    for _ in 0..3_000 {
        if shared.pending() == 0 && shared.written.load(Ordering::Relaxed) >= (ENTRIES + 100) as u64
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    writer.finish().await;
    println!(
        "spilled {} entries, read back {}, dropped {}",
        shared.spilled.load(Ordering::Relaxed),
        shared.read_back.load(Ordering::Relaxed),
        sink.stats().dropped.load(Ordering::Relaxed)
    );
    assert_eq!(sink.stats().dropped.load(Ordering::Relaxed), 0);
    let segments = hub::logs::journal::segments::list(dir.path()).unwrap();
    assert!(
        segments.len() <= 2,
        "stored segments are deleted: {segments:?}"
    );
    let total = (ENTRIES + 100) as i64;
    assert_eq!(
        stored(&logs, &main, token_id).await,
        (
            total,
            dec("0.01") * Decimal::from(total),
            total,
            dec("100") - dec("0.01") * Decimal::from(total)
        )
    );
}

#[tokio::test]
async fn sqlite_spilled_entries_are_all_stored() {
    let db = sqlite().await;
    check_spilled_entries_are_all_stored(db.store.clone(), db.store.clone(), false).await;
}

#[tokio::test]
async fn postgres_spilled_entries_are_all_stored() {
    let main = postgres().await;
    let logs = postgres().await;
    check_spilled_entries_are_all_stored(main.store.clone(), logs.store.clone(), true).await;
    main.store.close().await;
    logs.store.close().await;
}

/// The last record cut short (a crash while it was written): recovery cuts it off, the
/// intact entries before it are stored, nothing panics.
#[tokio::test]
async fn a_torn_record_at_the_tail_is_skipped() {
    let db = sqlite().await;
    let store = db.store.clone();
    let token_id = tenant(&store).await;
    let dir = tempfile::tempdir().unwrap();
    logs_table_away(&store, true).await;
    let (sink, writer) = try_spawn(failing(config(&store, &store, false, dir.path()))).unwrap();
    for index in 0..100 {
        sink.submit(entry(index, token_id));
    }
    journaled(&sink, 100).await;
    writer.finish().await;
    logs_table_away(&store, false).await;
    let last = hub::logs::journal::segments::list(dir.path())
        .unwrap()
        .into_iter()
        .map(|(_, path)| path)
        .rfind(|path| std::fs::metadata(path).unwrap().len() > 0)
        .unwrap();
    let length = std::fs::metadata(&last).unwrap().len();
    let file = std::fs::OpenOptions::new().write(true).open(&last).unwrap();
    file.set_len(length - 10).unwrap();

    let (sink, writer) = try_spawn(config(&store, &store, false, dir.path())).unwrap();
    writer.finish().await;
    let shared = sink.journal_counters().unwrap();
    assert_eq!(shared.corrupt.load(Ordering::Relaxed), 1);
    assert_eq!(
        stored(&store, &store, token_id).await,
        (99, dec("0.99"), 99, dec("99.01"))
    );
}

/// Claims older than the journal can replay are pruned; recent ones stay.
async fn check_old_claims_are_pruned(store: Store) {
    let now = hub::store::now_ms();
    for (key, created_at) in [("old", 0), ("recent", now)] {
        sqlx::query(
            "INSERT INTO log_row_claims (row_key, purpose, created_at) VALUES ($1, 'charge', $2)",
        )
        .bind(key)
        .bind(created_at)
        .execute(store.pool())
        .await
        .unwrap();
    }
    assert_eq!(hub::logs::claims::prune(&store, 100).await.unwrap(), 1);
    let kept: Vec<String> = sqlx::query_scalar("SELECT row_key FROM log_row_claims")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(kept, ["recent"]);
}

#[tokio::test]
async fn sqlite_old_claims_are_pruned() {
    let db = sqlite().await;
    check_old_claims_are_pruned(db.store.clone()).await;
}

#[tokio::test]
async fn postgres_old_claims_are_pruned() {
    let db = postgres().await;
    check_old_claims_are_pruned(db.store.clone()).await;
    db.store.close().await;
}
