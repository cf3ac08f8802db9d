//! SIGTERM under load: the real `aiproxy` binary, many concurrent clients against a slow mock
//! upstream, SIGTERM mid-load; every request a client saw answered has its log row, and no other
//! row exists.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is a failed test"
)]

use crate::support;

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hub::store::Store;
use serde_json::json;

const CLIENTS: usize = 48;
const KEY: &str = "sk-shutdown-load-0001";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_answered_request_is_logged_after_sigterm() {
    let upstream = support::mock_openai::MockOpenAi::start().await;
    // Slow enough that requests are in flight when the signal arrives.
    upstream.state.delay_ms.store(30, Ordering::SeqCst);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("aiproxy.yaml");
    std::fs::write(
        &config,
        format!(
            "groups:\n  - id: load\ntokens:\n  - group: load\n    name: t\n    key: {KEY}\n\
             channels:\n  - name: mock\n    type: openai\n    base_url: {}\n    key: sk-upstream\n    models: [gpt-4o-mini]\n\
             models:\n  - model: gpt-4o-mini\n    type: chat\n    rpm: 0\n    tpm: 0\n",
            upstream.base_url()
        ),
    )
    .unwrap();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_aiproxy"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LISTEN", format!("127.0.0.1:{port}"))
        .env("DATA_DIR", dir.path())
        .env("SQLITE_PATH", dir.path().join("aiproxy.db"))
        .env("ADMIN_KEY", support::ADMIN_KEY)
        .env("CONFIG_FILE_PATH", &config)
        .env("SHUTDOWN_GRACE_SECONDS", "30")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut ready = false;
    for _ in 0..400 {
        if let Ok(response) = client.get(format!("{base}/api/status")).send().await
            && response.status().is_success()
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(ready, "aiproxy did not become ready");

    let answered = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let answered = answered.clone();
        let url = format!("{base}/v1/chat/completions");
        clients.push(tokio::spawn(async move {
            // A client of its own per task: connections are not shared across tasks.
            let client = reqwest::Client::new();
            let body =
                json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]});
            loop {
                let sent = client.post(&url).bearer_auth(KEY).json(&body).send().await;
                match sent {
                    // Answered: a status arrived (whatever it is, the request ran).
                    Ok(response) => {
                        answered.fetch_add(1, Ordering::SeqCst);
                        drop(response.bytes().await);
                    }
                    // Refused or reset: the server is shutting down.
                    Err(_) => return,
                }
            }
        }));
    }
    while answered.load(Ordering::SeqCst) < 500 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    for client in clients {
        tokio::time::timeout(Duration::from_secs(60), client)
            .await
            .expect("clients stop once the server is gone")
            .unwrap();
    }
    let exit = tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .expect("aiproxy exits after SIGTERM")
        .unwrap();
    assert!(exit.success(), "{exit:?}");

    let store = Store::connect(dir.path().join("aiproxy.db").to_str().unwrap())
        .await
        .unwrap();
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM request_logs")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let answered = answered.load(Ordering::SeqCst);
    println!("{answered} requests answered, {rows} log rows");
    assert_eq!(rows, answered as i64);
    store.close().await;
}
