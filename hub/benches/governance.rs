//! Benchmark (printed, not asserted): the cost of governance per request through the whole server —
//! the relay with no limits, with RPM/TPM/in-flight limits plus quota and balance reservations
//! counted in memory, and the same counted in the real Redis — and the cost of request logging
//! (each in-memory row again with `LOG_REQUESTS=false`), with the allocations per request counted.
//!
//! Run: `cargo bench -p hub --bench governance` (needs Redis on 127.0.0.1:6379 for the last
//! row; it is skipped when Redis does not answer). Every configuration runs a server of its
//! own, all at once; they are measured in turn, round after round, and the medians printed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark that cannot measure should stop loudly"
)]

use std::alloc::System;
use std::time::{Duration, Instant};

use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

use axum::Json;
use axum::routing::post;
use serde_json::{Value, json};

/// Counts every allocation of the process (server, clients and mock upstream alike): the
/// allocations per request it prints are a figure that does not move with the machine's load,
/// so a change that adds allocations to the request path shows even on a busy machine. The
/// clients and the mock cost the same in every configuration, so differences between rows are
/// the server's. (The release binary uses mimalloc; counts do not depend on the allocator.)
#[global_allocator]
static ALLOCATOR: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn allocations() -> usize {
    let stats = ALLOCATOR.stats();
    stats.allocations + stats.reallocations
}

const CLIENTS: usize = 8;
const REQUESTS_PER_CLIENT: usize = 300;
const KEY: &str = "sk-bench-governance";

/// Measurement rounds; every configuration is measured once per round, in turn, and the
/// medians are printed, so a busy machine's noise falls on all of them alike.
const ROUNDS: usize = 5;

/// One configuration: a whole server of its own.
struct Configuration {
    label: &'static str,
    governed: bool,
    redis: Option<&'static str>,
    log_requests: bool,
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let upstream = mock_upstream().await;
        let mut configurations = vec![
            Configuration {
                label: "no limits",
                governed: false,
                redis: None,
                log_requests: true,
            },
            // Request logs off (LOG_REQUESTS=false: summaries and charges only), for the cost
            // of logging on the relay path.
            Configuration {
                label: "no limits, logs off",
                governed: false,
                redis: None,
                log_requests: false,
            },
            Configuration {
                label: "limits + quotas, in memory",
                governed: true,
                redis: None,
                log_requests: true,
            },
            Configuration {
                label: "limits + quotas, in memory, logs off",
                governed: true,
                redis: None,
                log_requests: false,
            },
        ];
        if redis_answers().await {
            configurations.push(Configuration {
                label: "limits + quotas, in Redis",
                governed: true,
                redis: Some("redis://127.0.0.1:6379"),
                log_requests: true,
            });
        } else {
            println!("(Redis at 127.0.0.1:6379 does not answer: its row is skipped)");
        }
        println!(
            "relay through the whole server: {CLIENTS} clients x {REQUESTS_PER_CLIENT} chat requests \
             per round, mock upstream, median of {ROUNDS} interleaved rounds"
        );
        let client = reqwest::Client::new();
        let mut servers = Vec::new();
        for configuration in &configurations {
            let server = Server::start(configuration, &upstream).await;
            wait_ready(&client, &server.url).await;
            // Warm up connections, caches and the tokenizer.
            measure(&client, &server.url, 50).await;
            servers.push(server);
        }
        let mut rounds: Vec<Vec<Figures>> = configurations.iter().map(|_| Vec::new()).collect();
        for _ in 0..ROUNDS {
            for (server, figures) in servers.iter().zip(&mut rounds) {
                figures.push(measure_round(&client, &server.url).await);
            }
        }
        println!(
            "  {:<38} {:>9} {:>10} {:>10} {:>12} {:>11}",
            "configuration", "req/s", "p50 µs", "p99 µs", "CPU µs/req", "allocs/req"
        );
        let medians: Vec<Figures> = rounds.iter().map(|figures| Figures::median(figures)).collect();
        for (configuration, figures) in configurations.iter().zip(&medians) {
            println!(
                "  {:<38} {:>9.0} {:>10.0} {:>10.0} {:>12.1} {:>11.0}",
                configuration.label,
                figures.requests_per_second,
                figures.p50_micros,
                figures.p99_micros,
                figures.cpu_micros_per_request,
                figures.allocations_per_request,
            );
        }
        println!("request logging's cost on the relay path (logs on minus logs off):");
        for (on, off) in [(0, 1), (2, 3)] {
            let (on_figures, off_figures) = (&medians[on], &medians[off]);
            println!(
                "  {:<38} {:>+8.1}% req/s {:>+9.0} µs p50 {:>+9.1} µs CPU/req",
                configurations[on].label,
                (on_figures.requests_per_second / off_figures.requests_per_second - 1.0) * 100.0,
                on_figures.p50_micros - off_figures.p50_micros,
                on_figures.cpu_micros_per_request - off_figures.cpu_micros_per_request,
            );
        }
        for server in servers {
            server.stop().await;
        }
    });
}

/// What one round of one configuration measured.
#[derive(Debug, Clone, Copy)]
struct Figures {
    requests_per_second: f64,
    p50_micros: f64,
    p99_micros: f64,
    cpu_micros_per_request: f64,
    allocations_per_request: f64,
}

impl Figures {
    /// Each figure's median over the rounds.
    fn median(rounds: &[Figures]) -> Figures {
        let median = |figure: fn(&Figures) -> f64| {
            let mut values: Vec<f64> = rounds.iter().map(figure).collect();
            values.sort_by(f64::total_cmp);
            values[values.len() / 2]
        };
        Figures {
            requests_per_second: median(|f| f.requests_per_second),
            p50_micros: median(|f| f.p50_micros),
            p99_micros: median(|f| f.p99_micros),
            cpu_micros_per_request: median(|f| f.cpu_micros_per_request),
            allocations_per_request: median(|f| f.allocations_per_request),
        }
    }
}

/// A running hub with its own data directory.
struct Server {
    url: String,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
    _data_dir: tempfile::TempDir,
}

impl Server {
    async fn start(configuration: &Configuration, upstream: &str) -> Server {
        let data_dir = tempfile::tempdir().unwrap();
        let limits = if configuration.governed {
            "    rpm: 100000000\n    tpm: 100000000000\n    max_concurrency: 10000\n    quota: 100000000\n    period_quota: 100000000\n    period: daily\n"
        } else {
            ""
        };
        let model = if configuration.governed {
            "    rpm: 100000000\n    tpm: 100000000000\n    price: {input_price: 0.15, output_price: 0.6}\n"
        } else {
            ""
        };
        let config = format!(
            "groups:\n  - id: bench\n    balance: 100000000\n    max_concurrency: 10000\ntokens:\n  - group: bench\n    name: t\n    key: {KEY}\n{limits}channels:\n  - name: mock\n    type: openai\n    base_url: {upstream}\n    key: sk-upstream\n    models: [gpt-4o-mini]\nmodels:\n  - model: gpt-4o-mini\n{model}"
        );
        let path = data_dir.path().join("aiproxy.yaml");
        std::fs::write(&path, config).unwrap();
        let mut settings = hub::process::settings::Settings::for_data_dir(data_dir.path());
        settings.admin_key = Some("bench-admin-key-0123456789".into());
        settings.config_file_path = Some(path);
        settings.log_requests = configuration.log_requests;
        if let Some(url) = configuration.redis {
            settings.redis = Some(url.into());
            settings.redis_key_prefix = format!("aiproxy-bench-{}", std::process::id());
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(hub::run(settings, listener, async move {
            let _ = stopped.await;
        }));
        Server {
            url: format!("http://{addr}/v1/chat/completions"),
            stop,
            task,
            _data_dir: data_dir,
        }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// One round against one server: every client sends [`REQUESTS_PER_CLIENT`] requests.
async fn measure_round(client: &reqwest::Client, url: &str) -> Figures {
    let cpu_before = cpu_time();
    let allocations_before = allocations();
    let started = Instant::now();
    let mut latencies = measure(client, url, REQUESTS_PER_CLIENT).await;
    let elapsed = started.elapsed();
    // The round's log rows are written after it (the writer lingers 50 ms for a batch): the
    // CPU and allocations of writing them belong to this round, and must not fall into the
    // next configuration's.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let cpu = cpu_time() - cpu_before;
    let allocations = allocations() - allocations_before;
    latencies.sort();
    let total = latencies.len();
    Figures {
        requests_per_second: total as f64 / elapsed.as_secs_f64(),
        p50_micros: micros(latencies[total / 2]),
        p99_micros: micros(latencies[total * 99 / 100]),
        cpu_micros_per_request: micros(cpu) / total as f64,
        allocations_per_request: allocations as f64 / total as f64,
    }
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

/// CPU time of this whole process (server, clients, mock and log writer together): the sum
/// over its threads of /proc/self/task/*/schedstat's first field, in nanoseconds (the clock
/// ticks of /proc/self/stat, 10 ms, are too coarse for a few microseconds per request).
/// Threads that ended are not counted; the runtime's and SQLite's threads live throughout.
fn cpu_time() -> Duration {
    let mut nanos = 0u64;
    for task in std::fs::read_dir("/proc/self/task").unwrap() {
        let path = task.unwrap().path().join("schedstat");
        // A thread may end between the listing and the read.
        if let Ok(stat) = std::fs::read_to_string(path) {
            nanos += stat.split(' ').next().unwrap().parse::<u64>().unwrap();
        }
    }
    Duration::from_nanos(nanos)
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}
