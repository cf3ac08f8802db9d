//! Benchmark (printed, not asserted): the cost of governance per request through the whole server — the relay with no limits, with RPM/TPM/in-flight limits plus quota and balance reservations counted in memory, and the same counted in the real Redis — and the cost of request logging (each in-memory row again with `LOG_REQUESTS=false`).
//!
//! Run: `cargo bench -p hub --bench governance` (needs Redis on 127.0.0.1:6379 for the last
//! row; it is skipped when Redis does not answer).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark that cannot measure should stop loudly"
)]

use std::time::{Duration, Instant};

use axum::Json;
use axum::routing::post;
use serde_json::{Value, json};

const CLIENTS: usize = 8;
const REQUESTS_PER_CLIENT: usize = 500;
const KEY: &str = "sk-bench-governance";

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let upstream = mock_upstream().await;
        println!(
            "relay through the whole server: {CLIENTS} clients x {REQUESTS_PER_CLIENT} chat requests, mock upstream"
        );
        println!(
            "  {:<38} {:>9} {:>10} {:>10} {:>12}",
            "configuration", "req/s", "p50 µs", "p99 µs", "CPU µs/req"
        );
        // Each configuration with request logs on (the default) and off (LOG_REQUESTS=false:
        // summaries and charges only), side by side.
        let mut pairs = Vec::new();
        for (label, governed) in [("no limits", false), ("limits + quotas, in memory", true)] {
            let on = run(label, &upstream, governed, None, true).await;
            let off = run(&format!("{label}, logs off"), &upstream, governed, None, false).await;
            pairs.push((label, on, off));
        }
        if redis_answers().await {
            run(
                "limits + quotas, in Redis",
                &upstream,
                true,
                Some("redis://127.0.0.1:6379"),
                true,
            )
            .await;
        } else {
            println!("  (Redis at 127.0.0.1:6379 does not answer: its row is skipped)");
        }
        println!("request logging's cost on the relay path (logs on minus logs off):");
        for (label, on, off) in pairs {
            println!(
                "  {label:<38} {:>+8.1}% req/s {:>+9.0} µs p50 {:>+9.1} µs CPU/req",
                (on.requests_per_second / off.requests_per_second - 1.0) * 100.0,
                on.p50_micros - off.p50_micros,
                on.cpu_micros_per_request - off.cpu_micros_per_request,
            );
        }
    });
}

/// What one configuration measured.
struct Figures {
    requests_per_second: f64,
    p50_micros: f64,
    cpu_micros_per_request: f64,
}

async fn run(
    label: &str,
    upstream: &str,
    governed: bool,
    redis: Option<&str>,
    log_requests: bool,
) -> Figures {
    let data_dir = tempfile::tempdir().unwrap();
    let limits = if governed {
        "    rpm: 100000000\n    tpm: 100000000000\n    max_concurrency: 10000\n    quota: 100000000\n    period_quota: 100000000\n    period: daily\n"
    } else {
        ""
    };
    let model = if governed {
        "    rpm: 100000000\n    tpm: 100000000000\n    price: {input_price: 0.15, output_price: 0.6}\n"
    } else {
        ""
    };
    let config = format!(
        "groups:\n  - id: bench\n    balance: 100000000\n    max_concurrency: 10000\ntokens:\n  - group: bench\n    name: t\n    key: {KEY}\n{limits}channels:\n  - name: mock\n    type: openai\n    base_url: {upstream}\n    key: sk-upstream\n    models: [gpt-4o-mini]\nmodels:\n  - model: gpt-4o-mini\n{model}"
    );
    let path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&path, config).unwrap();
    let mut settings = hub::settings::Settings::for_data_dir(data_dir.path());
    settings.admin_key = Some("bench-admin-key-0123456789".into());
    settings.config_file_path = Some(path);
    settings.log_requests = log_requests;
    if let Some(url) = redis {
        settings.redis = Some(url.into());
        settings.redis_key_prefix = format!("aiproxy-bench-{}", std::process::id());
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(hub::run(settings, listener, async move {
        let _ = stopped.await;
    }));
    let url = format!("http://{addr}/v1/chat/completions");
    let client = reqwest::Client::new();
    wait_ready(&client, &url).await;
    // Warm up connections, caches and the tokenizer.
    measure(&client, &url, 50).await;
    let cpu_before = cpu_time();
    let started = Instant::now();
    let mut latencies = measure(&client, &url, REQUESTS_PER_CLIENT).await;
    let elapsed = started.elapsed();
    let cpu = cpu_time() - cpu_before;
    latencies.sort();
    let total = latencies.len();
    let figures = Figures {
        requests_per_second: total as f64 / elapsed.as_secs_f64(),
        p50_micros: micros(latencies[total / 2]),
        cpu_micros_per_request: micros(cpu) / total as f64,
    };
    println!(
        "  {:<38} {:>9.0} {:>10.0} {:>10.0} {:>12.1}",
        label,
        figures.requests_per_second,
        figures.p50_micros,
        micros(latencies[total * 99 / 100]),
        figures.cpu_micros_per_request,
    );
    let _ = stop.send(());
    let _ = server.await;
    figures
}

/// Every client sends `per_client` requests one after another; all must succeed.
async fn measure(client: &reqwest::Client, url: &str, per_client: usize) -> Vec<Duration> {
    let clients = (0..CLIENTS).map(|_| {
        let client = client.clone();
        let url = url.to_owned();
        tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(per_client);
            for _ in 0..per_client {
                let started = Instant::now();
                let response = client
                    .post(&url)
                    .bearer_auth(KEY)
                    .json(&json!({"model": "gpt-4o-mini", "max_tokens": 64,
                        "messages": [{"role": "user", "content": "Say hello in one short sentence."}]}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
                response.bytes().await.unwrap();
                latencies.push(started.elapsed());
            }
            latencies
        })
    });
    let mut all = Vec::new();
    for handle in futures::future::join_all(clients).await {
        all.extend(handle.unwrap());
    }
    all
}

async fn wait_ready(client: &reqwest::Client, url: &str) {
    let status = url.replace("/v1/chat/completions", "/api/status");
    for _ in 0..200 {
        if client
            .get(&status)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the server did not become ready");
}

async fn mock_upstream() -> String {
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        post(|Json(request): Json<Value>| async move {
            Json(
                json!({"id": "chatcmpl-bench", "object": "chat.completion", "created": 1,
                "model": request["model"], "choices": [{"index": 0, "finish_reason": "stop",
                "message": {"role": "assistant", "content": "Hello there!"}}],
                "usage": {"prompt_tokens": 14, "completion_tokens": 4, "total_tokens": 18}}),
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/v1")
}

async fn redis_answers() -> bool {
    let Ok(client) = redis::Client::open("redis://127.0.0.1:6379") else {
        return false;
    };
    let Ok(mut connection) = client.get_multiplexed_async_connection().await else {
        return false;
    };
    redis::cmd("PING")
        .query_async::<String>(&mut connection)
        .await
        .is_ok()
}

/// User plus system CPU time of this whole process (server, clients and mock together), from
/// /proc/self/stat in clock ticks (100 per second on Linux).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // The command name may hold spaces; the fields after its closing parenthesis do not.
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10)
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}
