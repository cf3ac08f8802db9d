//! A Redis outage under the limits: refused at once and fail-closed, reported by `/api/status` at
//! once, and served again by itself when Redis returns (own `redis-server` on a spare port).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::governance::{self, KEY};
use crate::support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::TestHub;
use support::mock_openai::MockOpenAi;

/// A `redis-server` of this test's own, so stopping it cuts nobody else's Redis.
struct OwnRedis {
    port: u16,
    child: tokio::process::Child,
}

impl OwnRedis {
    async fn start(port: u16) -> OwnRedis {
        let child = tokio::process::Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(["--port", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("redis-server on PATH");
        let redis = OwnRedis { port, child };
        for _ in 0..100 {
            if redis.answers().await {
                return redis;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("redis-server on port {port} did not start");
    }

    async fn answers(&self) -> bool {
        let Ok(client) = redis::Client::open(self.url()) else {
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

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Sends a signal to the server: `STOP` freezes it with its connections open, `CONT` thaws.
    fn signal(&self, name: &str) {
        let pid = self.child.id().expect("redis-server is running");
        let status = std::process::Command::new("kill")
            .args([format!("-{name}"), pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    async fn stop(mut self) {
        self.child.kill().await.unwrap();
    }
}

fn spare_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

async fn chat(client: &reqwest::Client, hub: &TestHub) -> (u16, Value, Duration) {
    let started = Instant::now();
    let response = client
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(KEY)
        .json(&json!({"model": "gpt-4o-mini", "max_tokens": 10,
            "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body, started.elapsed())
}

async fn redis_reachable(client: &reqwest::Client, hub: &TestHub) -> (bool, Duration) {
    let started = Instant::now();
    let status: Value = client
        .get(hub.url("/api/status"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let reachable = status["redis"]["reachable"].as_bool().unwrap();
    (reachable, started.elapsed())
}

/// Sends limited requests one after another for a fixed window while Redis is out, and checks
/// by counting: every answer is a fail-closed 503, and many answers fit in the window (a
/// client back-off of seconds per request, as before the breaker, would fit none).
async fn outage_window(client: &reqwest::Client, hub: &TestHub, what: &str) {
    const WINDOW: Duration = Duration::from_secs(2);
    const AT_LEAST: usize = 20;
    let started = Instant::now();
    let mut latencies = Vec::new();
    while let Some(left) = WINDOW.checked_sub(started.elapsed()) {
        let Ok((status, body, took)) = tokio::time::timeout(left, chat(client, hub)).await else {
            break;
        };
        // Fail-closed: a limited request is never served unmetered.
        assert_eq!(status, 503, "{what}: {body}");
        assert_eq!(
            body["error"]["code"], "limits_unavailable",
            "{what}: {body}"
        );
        latencies.push(took);
    }
    let (reachable, status_took) = redis_reachable(client, hub).await;
    assert!(
        !reachable,
        "{what}: /api/status reports Redis down during the outage"
    );
    assert!(
        latencies.len() >= AT_LEAST,
        "{what}: only {} requests were answered in {WINDOW:?} of outage",
        latencies.len()
    );
    let first = latencies[0];
    latencies.sort();
    println!(
        "redis {what}: {} limited requests refused with 503 in {WINDOW:?}; latency first {first:?}, p50 {:?}, p99 {:?}, max {:?}; /api/status answered in {status_took:?}",
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies[latencies.len() - 1],
    );
}

/// Polls with requests until one is served; prints how long service took to come back.
async fn wait_served(client: &reqwest::Client, hub: &TestHub, what: &str) {
    let back = Instant::now();
    let mut refused = 0;
    loop {
        let (status, body, _) = chat(client, hub).await;
        if status == 200 {
            break;
        }
        assert_eq!(status, 503, "{what}: {body}");
        refused += 1;
        assert!(
            back.elapsed() < Duration::from_secs(30),
            "{what}: service did not resume after Redis returned"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!(
        "redis {what}: served again {:?} after Redis answered ({refused} refused meanwhile)",
        back.elapsed()
    );
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let index = ((sorted.len() - 1) as f64 * fraction).round() as usize;
    sorted[index]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_outage_refuses_limited_requests_at_once_and_service_resumes_by_itself() {
    let upstream = MockOpenAi::start().await;
    let port = spare_port();
    let redis = OwnRedis::start(port).await;
    // One group, one token with a requests-per-minute limit (so every request is counted in
    // Redis), one channel to the mock.
    let config = governance::config(&upstream, "", "    rpm: 100000", "");
    let (mut settings, data_dir) = TestHub::settings();
    let path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&path, config).unwrap();
    settings.config_file_path = Some(path);
    settings.redis = Some(redis.url());
    settings.redis_key_prefix = support::unique_redis_prefix();
    let hub = TestHub::start_with(settings, data_dir).await;
    let client = reqwest::Client::new();

    for _ in 0..5 {
        let (status, body, _) = chat(&client, &hub).await;
        assert_eq!(status, 200, "{body}");
    }
    assert!(redis_reachable(&client, &hub).await.0);

    // A stopped process (connections refused) and a frozen one (connections open, no replies).
    redis.signal("STOP");
    outage_window(&client, &hub, "frozen").await;
    redis.signal("CONT");
    wait_served(&client, &hub, "thawed").await;
    redis.stop().await;
    outage_window(&client, &hub, "stopped").await;

    let redis = OwnRedis::start(port).await;
    wait_served(&client, &hub, "restarted").await;
    for _ in 0..5 {
        assert_eq!(chat(&client, &hub).await.0, 200);
    }
    assert!(redis_reachable(&client, &hub).await.0);
    hub.stop().await.unwrap();
    redis.stop().await;
}
