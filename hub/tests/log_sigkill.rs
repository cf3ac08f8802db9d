//! SIGKILL under load: the real `aiproxy` binary killed mid-load, restarted on the same data directory; the journal replays what the database had not stored,
//! and the figure printed is how many answered requests lost their row (the window the journal
//! module doc describes), bounded by the requests in flight at the kill.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hub::store::Store;
use serde_json::json;

const CLIENTS: usize = 32;
const KEY: &str = "sk-sigkill-load-0001";

async fn spawn(dir: &Path, config: &Path, port: u16) -> tokio::process::Child {
    spawn_logging(dir, config, port, "warn", Stdio::inherit())
}

/// The real binary on `dir` (its SQLite database and request-log journal), configured by
/// `config`, logging at `rust_log` to `stderr`.
pub(crate) fn spawn_logging(
    dir: &Path,
    config: &Path,
    port: u16,
    rust_log: &str,
    stderr: Stdio,
) -> tokio::process::Child {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_aiproxy"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LISTEN", format!("127.0.0.1:{port}"))
        .env("DATA_DIR", dir)
        .env("SQLITE_PATH", dir.join("aiproxy.db"))
        .env("ADMIN_KEY", support::ADMIN_KEY)
        .env("CONFIG_FILE_PATH", config)
        .env("RUST_LOG", rust_log)
        .stdout(Stdio::null())
        .stderr(stderr)
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

/// A configuration file in `dir`: one group with a balance, its token `key`, and gpt-4o-mini
/// priced at 1 a token on an OpenAI channel at `base_url`.
pub(crate) fn mock_config(dir: &Path, group: &str, key: &str, base_url: &str) -> PathBuf {
    let config = dir.join("aiproxy.yaml");
    std::fs::write(
        &config,
        format!(
            "groups:\n  - id: {group}\n    balance: 100000000\ntokens:\n  - group: {group}\n    name: t\n    key: {key}\n\
             channels:\n  - name: mock\n    type: openai\n    base_url: {base_url}\n    key: sk-upstream\n    models: [gpt-4o-mini]\n\
             models:\n  - model: gpt-4o-mini\n    price: {{input_price: 1, output_price: 1, unit: 1}}\n"
        ),
    )
    .unwrap();
    config
}

/// A port nothing listens on now.
pub(crate) fn spare_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap().port()
}

pub(crate) async fn ready(client: &reqwest::Client, base: &str) {
    for _ in 0..400 {
        if let Ok(response) = client.get(format!("{base}/api/status")).send().await
            && response.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("aiproxy did not become ready");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn answered_requests_survive_a_sigkill_through_the_journal() {
    let upstream = support::mock_openai::MockOpenAi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = mock_config(dir.path(), "load", KEY, &upstream.base_url());
    let port = spare_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut child = spawn(dir.path(), &config, port).await;
    ready(&client, &base).await;

    let answered = Arc::new(AtomicUsize::new(0));
    let load_started = std::time::Instant::now();
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let answered = answered.clone();
        let url = format!("{base}/v1/chat/completions");
        clients.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let body = json!({"model": "gpt-4o-mini", "max_tokens": 10,
                "messages": [{"role": "user", "content": "hi"}]});
            loop {
                let Ok(response) = client.post(&url).bearer_auth(KEY).json(&body).send().await
                else {
                    return;
                };
                let ok = response.status().is_success();
                // Answered only when the whole body arrived.
                if response.bytes().await.is_ok() && ok {
                    answered.fetch_add(1, Ordering::SeqCst);
                }
            }
        }));
    }
    while answered.load(Ordering::SeqCst) < 2_000 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.start_kill().unwrap();
    child.wait().await.unwrap();
    for client in clients {
        client.await.unwrap();
    }
    let answered = answered.load(Ordering::SeqCst) as i64;
    // What the journal thread may still have been gathering when the process died (one
    // gathering interval of this run's answer rate), rounded up.
    let gathering = (answered as f64 / load_started.elapsed().as_secs_f64()
        * hub::logs::journal::appender::GATHER.as_secs_f64())
    .ceil() as i64;

    let store = Store::connect(dir.path().join("aiproxy.db").to_str().unwrap())
        .await
        .unwrap();
    let count = |store: Store| async move {
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM request_logs")
            .fetch_one(store.pool())
            .await
            .unwrap();
        rows
    };
    let before_restart = count(store.clone()).await;
    store.close().await;

    // The restart replays the journal before serving; SIGTERM then flushes what it read.
    let mut child = spawn(dir.path(), &config, port).await;
    ready(&client, &base).await;
    let pid = child.id().unwrap().to_string();
    let stopped = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(stopped.success());
    assert!(child.wait().await.unwrap().success());

    let store = Store::connect(dir.path().join("aiproxy.db").to_str().unwrap())
        .await
        .unwrap();
    let rows = count(store.clone()).await;
    let (charged, used): (i64, String) =
        sqlx::query_as("SELECT request_count, used_amount FROM tokens WHERE group_id = 'load'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    store.close().await;
    let lost = (answered - rows).max(0);
    println!(
        "SIGKILL after {answered} answered requests: {before_restart} rows stored before the kill, \
         {rows} after the restart replayed the journal; {lost} answered requests without a row \
         ({CLIENTS} clients in flight)"
    );
    // A row per answer, except for answers whose record was not written to the journal when
    // the process died: at most one per client in flight plus one gathering interval of
    // answers. Requests cut by the kill may have a row without an answer, at most one per client.
    assert!(
        lost <= CLIENTS as i64 + gathering,
        "{lost} answered requests lost their rows (window: {CLIENTS} in flight + {gathering} gathering)"
    );
    assert!(rows <= answered + CLIENTS as i64);
    assert_eq!(charged, rows, "one charge per stored row");
    assert_eq!(used, (rows * 13).to_string());
}
