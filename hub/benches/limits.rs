//! Benchmark (printed, not asserted): admit + settle per second of a typical check list (RPM, TPM, two concurrency limits, a cap and a balance) on the memory and Redis counters, from 1 and 16 concurrent tasks.
//!
//! Run: `cargo bench -p hub --bench limits` (Redis on 127.0.0.1:6379; keys under a prefix of
//! their own, expiring with their TTLs).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a benchmark that cannot measure should stop loudly"
)]

use std::time::{Duration, Instant};

use hub::limits::{Check, Counters, CountersConfig};

const MEMORY_OPS: usize = 400_000;
const REDIS_OPS: usize = 40_000;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        println!(
            "limits: admit + settle of RPM + TPM + 2 concurrency + cap + balance on one hot group"
        );
        println!("run: cargo bench -p hub --bench limits");
        let memory = Counters::memory(CountersConfig::default());
        for tasks in [1, 16] {
            measure("memory", &memory, tasks, MEMORY_OPS).await;
        }
        let client = redis::Client::open("redis://127.0.0.1:6379").unwrap();
        let manager = redis::aio::ConnectionManager::new(client)
            .await
            .expect("redis on 127.0.0.1:6379");
        let prefix = format!("aiproxy-bench-{}:", uuid::Uuid::new_v4().simple());
        let redis = Counters::redis(manager, prefix, CountersConfig::default())
            .await
            .unwrap();
        for tasks in [1, 16] {
            measure("redis ", &redis, tasks, REDIS_OPS).await;
        }
    });
}

fn checks() -> Vec<Check> {
    // Limits far above what the run uses: every admit passes, so each one does the full work.
    vec![
        Check::Rate {
            key: "rpm:group:1:gpt-4o".into(),
            limit: 10_000_000,
            period: Duration::from_secs(60),
            cost: 1,
        },
        Check::Rate {
            key: "tpm:group:1:gpt-4o".into(),
            limit: 100_000_000,
            period: Duration::from_secs(60),
            cost: 500,
        },
        Check::Concurrency {
            key: "inflight:group:1".into(),
            limit: 10_000,
        },
        Check::Concurrency {
            key: "inflight:token:1".into(),
            limit: 10_000,
        },
        Check::Cap {
            key: "quota:token:1".into(),
            limit: i64::MAX / 4,
            amount: 2_000_000,
        },
        Check::Balance {
            key: "balance:group:1".into(),
            amount: 2_000_000,
        },
    ]
}

async fn measure(backend: &str, counters: &Counters, tasks: usize, ops: usize) {
    counters.seed("quota:token:1", 0, None).await.unwrap();
    counters
        .seed("balance:group:1", i64::MAX / 4, None)
        .await
        .unwrap();
    let per_task = ops / tasks;
    let started = Instant::now();
    let mut handles = Vec::new();
    for _ in 0..tasks {
        let counters = counters.clone();
        handles.push(tokio::spawn(async move {
            let checks = checks();
            let mut busy = Duration::ZERO;
            for _ in 0..per_task {
                let one = Instant::now();
                let admitted = counters.admit(&checks).await.expect("admitted");
                counters
                    .settle(admitted, &[1, 420, 0, 0, 1_500_000, 1_500_000])
                    .await
                    .unwrap();
                busy += one.elapsed();
            }
            busy
        }));
    }
    let mut busy = Duration::ZERO;
    for handle in handles {
        busy += handle.await.unwrap();
    }
    let elapsed = started.elapsed();
    let done = per_task * tasks;
    println!(
        "{backend} {tasks:>2} task(s): {:>9.0} admit+settle/s, {:>7.2} µs per admit+settle (latency seen by one request {:.2} µs)",
        done as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / done as f64,
        busy.as_secs_f64() * 1e6 / done as f64,
    );
}
