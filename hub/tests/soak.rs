//! A soak on demand: the real binary under steady governed load, a burst, the steady load again, then idle; RSS sampled throughout.
//!
//! Skipped (and says so) unless `AIPROXY_SOAK_SECONDS` is set, since it runs for minutes:
//! `AIPROXY_SOAK_SECONDS=600 cargo test --release -p hub --test it soak:: -- --nocapture`
//! runs the ten-minute soak; an hour is the same with 3600. `AIPROXY_SOAK_BIN` names a binary
//! to run instead of the one cargo built for the tests (a release build driven by a debug test
//! binary, so the soak needs no release build of the whole test suite). The gateway runs the
//! governed configuration (a priced model, group balance, token quota and limits, request logs
//! on SQLite) against the built-in `fake` channel, so the upstream costs nothing.
//!
//! Phases: the steady load for the given seconds (RSS printed every tenth), a burst of eight
//! times the clients for a tenth of that, the steady load again for a fifth, then 30 s idle. It
//! fails when the last tenth of the first phase holds more than 25 % above its second tenth
//! (memory growing under a steady load), when the steady load after the burst holds more than
//! 25 % above the steady load before it (memory a burst took and did not give back), or when
//! nothing was answered.

use crate::support;

use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

const CLIENTS: usize = 32;
/// Clients added for the burst, on top of the steady ones.
const BURST_CLIENTS: usize = 224;
const KEY: &str = "sk-soak-load-0001";
/// Quiet time after the load, before the last sample: what an idle gateway gives back.
const IDLE_AFTER: Duration = Duration::from_secs(30);

/// One line of the process's `/proc/PID/status`, in KiB (`VmRSS`, `RssAnon`, `RssFile`).
fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0)
}

/// The process's resident set, in KiB.
fn rss_kib(pid: u32) -> u64 {
    status_kib(pid, "VmRSS")
}

async fn spawn(dir: &Path, config: &Path, port: u16) -> tokio::process::Child {
    let binary = std::env::var_os("AIPROXY_SOAK_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_aiproxy").into());
    eprintln!("soak runs {}", Path::new(&binary).display());
    tokio::process::Command::new(binary)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LISTEN", format!("127.0.0.1:{port}"))
        .env("DATA_DIR", dir)
        .env("SQLITE_PATH", dir.join("aiproxy.db"))
        .env("ADMIN_KEY", support::ADMIN_KEY)
        .env("CONFIG_FILE_PATH", config)
        .env("RUST_LOG", "warn")
        .env("ACCESS_LOG", "false")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_flat_under_a_steady_load_and_comes_back_after_it() {
    let Some(seconds) = std::env::var("AIPROXY_SOAK_SECONDS")
        .ok()
        .and_then(|value| value.parse::<u64>().ok())
    else {
        eprintln!("soak skipped: set AIPROXY_SOAK_SECONDS (600 for the ten-minute soak)");
        return;
    };
    let duration = Duration::from_secs(seconds.max(10));
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("aiproxy.yaml");
    std::fs::write(
        &config,
        format!(
            "groups:\n  - id: soak\n    balance: 1000000000\ntokens:\n  - group: soak\n    name: t\n    key: {KEY}\n    quota: 1000000000\n    rpm: 100000000\n    tpm: 1000000000\n\
             channels:\n  - name: fake\n    type: fake\n    models: [gpt-4o-mini]\n    config: {{text: 'a steady answer of a few words', chunks: 4}}\n\
             models:\n  - model: gpt-4o-mini\n    type: chat\n    rpm: 100000000\n    tpm: 1000000000\n    price: {{input_price: 1, output_price: 1, unit: 1000000}}\n"
        ),
    )
    .unwrap();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let child = spawn(dir.path(), &config, port).await;
    let pid = child.id().unwrap();
    let client = reqwest::Client::new();
    for _ in 0..400 {
        if client
            .get(format!("{base}/api/status"))
            .send()
            .await
            .is_ok_and(|response| response.status().is_success())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }

    let load = Load::default();
    let steady_stop = Arc::new(AtomicBool::new(false));
    let clients = load.start(&base, 0..CLIENTS, &steady_stop);

    let started = Instant::now();
    let tenth = duration / 10;
    let mut samples = Vec::new();
    for step in 1..=10 {
        tokio::time::sleep_until((started + tenth * step).into()).await;
        let rss = rss_kib(pid);
        eprintln!(
            "soak {:>5} s: rss {:>7} KiB (anonymous {:>7}, files {:>6}), answered {:>9}, failed {}",
            (tenth * step).as_secs(),
            rss,
            status_kib(pid, "RssAnon"),
            status_kib(pid, "RssFile"),
            load.answered(),
            load.failed.load(Ordering::Relaxed)
        );
        samples.push(rss);
    }

    // The burst: eight times the clients for a tenth of the run, then the steady load again.
    let burst = (duration / 10).max(Duration::from_secs(10));
    let burst_stop = Arc::new(AtomicBool::new(false));
    let bursting = load.start(&base, CLIENTS..CLIENTS + BURST_CLIENTS, &burst_stop);
    let answered_before_burst = load.answered();
    tokio::time::sleep(burst).await;
    let burst_rss = rss_kib(pid);
    let burst_answered = load.answered() - answered_before_burst;
    burst_stop.store(true, Ordering::Relaxed);
    for client in bursting {
        client.await.unwrap();
    }
    eprintln!(
        "soak burst {:>4} s: rss {burst_rss:>7} KiB (anonymous {:>7}), {burst_answered} answered ({:.0}/s)",
        burst.as_secs(),
        status_kib(pid, "RssAnon"),
        burst_answered as f64 / burst.as_secs_f64()
    );
    let after_burst = (duration / 5).max(Duration::from_secs(20));
    let mut settled = Vec::new();
    for step in 1..=4 {
        tokio::time::sleep(after_burst / 4).await;
        let rss = rss_kib(pid);
        eprintln!(
            "soak steady again {:>4} s: rss {rss:>7} KiB (anonymous {:>7})",
            (after_burst / 4 * step).as_secs(),
            status_kib(pid, "RssAnon")
        );
        settled.push(rss);
    }
    steady_stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.await.unwrap();
    }
    let total = load.answered();
    tokio::time::sleep(IDLE_AFTER).await;
    let idle = rss_kib(pid);
    let peak = samples
        .iter()
        .chain([&burst_rss])
        .copied()
        .max()
        .unwrap_or(0);
    let failed = load.failed.load(Ordering::Relaxed);
    eprintln!(
        "soak done: {total} answered, {failed} failed; rss peak {peak} KiB, after {} s idle {idle} KiB \
         (anonymous {})",
        IDLE_AFTER.as_secs(),
        status_kib(pid, "RssAnon")
    );
    drop(child);
    assert!(total > 0, "nothing was answered");
    let (early, late) = (samples[1], samples[9]);
    assert!(
        late * 4 <= early * 5,
        "memory grew under a steady load: {early} KiB at the second tenth, {late} KiB at the end"
    );
    let again = settled[3];
    assert!(
        again * 4 <= late * 5,
        "a burst's memory stayed: {late} KiB under the steady load before it ({burst_rss} KiB in it), \
         {again} KiB under the same load after it"
    );
}

/// Closed-loop chat clients sharing their counts: every fourth request streams, prompts vary
/// so nothing is cached.
#[derive(Default, Clone)]
struct Load {
    answered: Arc<AtomicUsize>,
    failed: Arc<AtomicUsize>,
}

impl Load {
    fn answered(&self) -> usize {
        self.answered.load(Ordering::Relaxed)
    }

    /// One client per index, each running until `stop` is set.
    fn start(
        &self,
        base: &str,
        indexes: std::ops::Range<usize>,
        stop: &Arc<AtomicBool>,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        indexes
            .map(|index| {
                let (load, stop) = (self.clone(), stop.clone());
                let url = format!("{base}/v1/chat/completions");
                tokio::spawn(async move {
                    let client = reqwest::Client::new();
                    let mut round = 0_u64;
                    while !stop.load(Ordering::Relaxed) {
                        round += 1;
                        let body = json!({"model": "gpt-4o-mini", "max_tokens": 16, "stream": round.is_multiple_of(4),
                            "messages": [{"role": "user", "content": format!("client {index} round {round}")}]});
                        match client.post(&url).bearer_auth(KEY).json(&body).send().await {
                            Ok(response) if response.status().is_success() => {
                                let _ = response.bytes().await;
                                load.answered.fetch_add(1, Ordering::Relaxed);
                            }
                            _ => {
                                load.failed.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                    }
                })
            })
            .collect()
    }
}
