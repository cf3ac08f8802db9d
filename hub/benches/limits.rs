//! Benchmark (printed, not asserted): admit + settle per second of a typical check list (RPM, TPM,
//! two concurrency limits, a cap and a balance) on the memory and Redis counters, from 1 and 16
//! concurrent tasks.
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

use hub::governance::limits::{Check, Counters, CountersConfig};

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
        let redis = Counters::redis(hub::process::redis_link::RedisLink::new(manager), prefix, CountersConfig::default())
            .await
            .unwrap();
        let mut stats = redis::aio::ConnectionManager::new(
            redis::Client::open("redis://127.0.0.1:6379").unwrap(),
        )
        .await
        .unwrap();
        for tasks in [1, 16] {
            let before = script_time(&mut stats).await;
            measure("redis ", &redis, tasks, REDIS_OPS).await;
            let after = script_time(&mut stats).await;
            let calls = after.0 - before.0;
            println!(
                "         inside redis: {:.1} µs per script call ({calls} calls: one admit + one settle per request)",
                (after.1 - before.1) as f64 / calls.max(1) as f64
            );
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
            cost: 100,
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
    counters
        .seed("quota:token:1", 0, Some(Duration::from_secs(3600)))
        .await
        .unwrap();
    counters
        .seed(
            "balance:group:1",
            i64::MAX / 4,
            Some(Duration::from_secs(3600)),
        )
        .await
        .unwrap();
    let per_task = ops / tasks;
    let cpu_before = process_cpu();
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
                    .settle(admitted, &[1, 80, 0, 0, 1_500_000, 1_500_000])
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
    let cpu = process_cpu() - cpu_before;
    let done = per_task * tasks;
    println!(
        "{backend} {tasks:>2} task(s): {:>8.0} admit+settle/s, {:>7.2} µs each (wall / requests), {:.2} µs latency per request, {:.2} µs CPU of this process per request",
        done as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / done as f64,
        busy.as_secs_f64() * 1e6 / done as f64,
        cpu.as_secs_f64() * 1e6 / done as f64,
    );
}

/// User + system CPU time of this process (Linux `/proc/self/stat`, 10 ms ticks): on a busy
/// machine the wall-clock figures measure the neighbours too, CPU time does not.
fn process_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks: u64 = fields
        .get(11..13)
        .map(|both| {
            both.iter()
                .filter_map(|tick| tick.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

/// (calls, µs) spent in EVALSHA by the Redis server so far, from `INFO commandstats`.
async fn script_time(connection: &mut redis::aio::ConnectionManager) -> (u64, u64) {
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(connection)
        .await
        .unwrap();
    let line = info
        .lines()
        .find(|line| line.starts_with("cmdstat_evalsha:"))
        .unwrap_or_default();
    let field = |name: &str| {
        line.split([':', ','])
            .find_map(|part| part.strip_prefix(name)?.strip_prefix('='))
            .and_then(|value| value.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (field("calls"), field("usec"))
}
