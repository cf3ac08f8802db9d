//! Plugin benchmark: the relay with no plugins next to the same relay with plugins configured that
//! a request does not trigger, for plain and streamed chat; then cache hits (latency and requests
//! per second) next to requests that reach the upstream.
//!
//! Run: `cargo bench -p relay --bench plugins` (release). Everything runs in one process on
//! loopback, so CPU per request (getrusage) includes the load generator and the mock upstream;
//! the differences between rows are what the plugins add. Figures are printed, never asserted.
//!
//! "Configured, not triggered": web search (the client asks for no search), patch (a rule whose
//! condition does not hold, a model that needs no built-in fix), timeout, cache-follow (no
//! `user`, no `prompt_cache_key`, prefix keys off), stream fake (on the streamed row: the client
//! already streams) and think split (the answer has no leading `<think>` block). The cache is
//! not in that set: it acts on every request, so it has rows of its own.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark binary: any setup failure should abort it loudly"
)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use relay::plugin::PluginSettings;
use relay::test_util::{CountingSink, FakeDirectory, FakeGatekeeper, caller, channel, route};
use relay::{Relay, RelayConfig, RelayHost};
use serde_json::json;

const KEY: &str = "sk-bench";
const MODEL: &str = "gpt-4o-mini";
const REQUESTS: usize = 6_400;
const CONCURRENCY: usize = 32;
const WARMUP: usize = 400;

type HttpClient = Client<HttpConnector, Full<Bytes>>;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

async fn run() {
    let upstream_hits = Arc::new(AtomicU64::new(0));
    let upstream = serve(upstream_router(upstream_hits.clone())).await;
    let untriggered = json!({
        "web_search": {"engines": [{"type": "searxng", "base_url": "http://127.0.0.1:9"}]},
        "patch": {"rules": [{"when": [{"field": "temperature", "op": "gt", "value": 1.5}],
                             "ops": [{"op": "set", "field": "temperature", "value": 1.5}]}]},
        "timeout": {"first_byte_ms": 60000, "stream_idle_ms": 60000},
        "cache_follow": {"prefix_messages": 0},
        "stream_fake": {},
        "think_split": {},
    });
    let none = start_relay(upstream, None).await;
    let configured = start_relay(upstream, Some(untriggered.clone())).await;
    let no_stream_fake = {
        let mut config = untriggered.clone();
        config.as_object_mut().unwrap().remove("stream_fake");
        start_relay(upstream, Some(config)).await
    };
    let cached = start_relay(upstream, Some(json!({"cache": {"ttl_seconds": 3600}}))).await;
    let client: HttpClient = Client::builder(TokioExecutor::new()).build({
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector
    });

    println!(
        "plugins benchmark: {REQUESTS} requests per row at concurrency {CONCURRENCY} (after {WARMUP} warm-up requests)"
    );
    println!(
        "{:<52} {:>9} {:>9} {:>9} {:>10} {:>12}",
        "row", "p50", "p99", "mean", "req/s", "CPU/request"
    );
    let rows: [(&str, SocketAddr, Mode); 6] = [
        ("plain chat, no plugins", none, Mode::Plain),
        // Stream fake turns a plain request into an upstream stream: it is triggered by
        // definition there, so the plain row leaves it out.
        (
            "plain chat, 5 plugins configured, none triggered",
            no_stream_fake,
            Mode::Plain,
        ),
        ("streamed chat, no plugins", none, Mode::Stream),
        (
            "streamed chat, 6 plugins configured, none triggered",
            configured,
            Mode::Stream,
        ),
        (
            "plain chat, cache on, every request a miss",
            cached,
            Mode::Unique,
        ),
        (
            "plain chat, cache on, every request a hit",
            cached,
            Mode::Plain,
        ),
    ];
    for (name, addr, mode) in rows {
        let before = upstream_hits.load(Ordering::Relaxed);
        let row = measure(&client, addr, mode).await;
        let reached = upstream_hits.load(Ordering::Relaxed) - before;
        println!(
            "{name:<52} {:>9} {:>9} {:>9} {:>10.0} {:>12}   (upstream reached {reached} times)",
            micros(row.p50),
            micros(row.p99),
            micros(row.mean),
            row.rps,
            micros(row.cpu_per_request),
        );
    }
}

#[derive(Clone, Copy)]
enum Mode {
    Plain,
    Stream,
    /// Plain, each request a new conversation (so the cache never hits).
    Unique,
}

struct Row {
    p50: Duration,
    p99: Duration,
    mean: Duration,
    rps: f64,
    cpu_per_request: Duration,
}

async fn measure(client: &HttpClient, addr: SocketAddr, mode: Mode) -> Row {
    let counter = Arc::new(AtomicU64::new(0));
    send_all(client, addr, mode, WARMUP, &counter).await;
    let cpu_before = cpu_time();
    let started = Instant::now();
    let mut latencies = send_all(client, addr, mode, REQUESTS, &counter).await;
    let elapsed = started.elapsed();
    let cpu = cpu_time() - cpu_before;
    latencies.sort();
    let total: Duration = latencies.iter().sum();
    Row {
        p50: percentile(&latencies, 50.0),
        p99: percentile(&latencies, 99.0),
        mean: total / latencies.len() as u32,
        rps: REQUESTS as f64 / elapsed.as_secs_f64(),
        cpu_per_request: cpu / REQUESTS as u32,
    }
}

async fn send_all(
    client: &HttpClient,
    addr: SocketAddr,
    mode: Mode,
    total: usize,
    counter: &Arc<AtomicU64>,
) -> Vec<Duration> {
    let next = Arc::new(AtomicU64::new(0));
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, next, counter) = (client.clone(), next.clone(), counter.clone());
        workers.push(tokio::spawn(async move {
            let mut own = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < total as u64 {
                let serial = counter.fetch_add(1, Ordering::Relaxed);
                let started = Instant::now();
                let response = client
                    .request(chat_request(addr, mode, serial))
                    .await
                    .unwrap();
                assert!(
                    response.status().is_success(),
                    "status {}",
                    response.status()
                );
                response.into_body().collect().await.unwrap();
                own.push(started.elapsed());
            }
            own
        }));
    }
    let mut all = Vec::with_capacity(total);
    for worker in workers {
        all.extend(worker.await.unwrap());
    }
    all
}

fn chat_request(addr: SocketAddr, mode: Mode, serial: u64) -> hyper::Request<Full<Bytes>> {
    let (stream, question) = match mode {
        Mode::Plain => (false, "Say hello in one word.".to_owned()),
        Mode::Stream => (true, "Say hello in one word.".to_owned()),
        Mode::Unique => (false, format!("Say hello in one word, #{serial}.")),
    };
    let body = format!(
        r#"{{"model":"{MODEL}","messages":[{{"role":"system","content":"You are terse."}},{{"role":"user","content":"{question}"}}],"temperature":0.2,"stream":{stream}}}"#
    );
    hyper::Request::post(format!("http://{addr}/v1/chat/completions"))
        .header("authorization", format!("Bearer {KEY}"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn micros(duration: Duration) -> String {
    format!("{}us", duration.as_micros())
}

fn cpu_time() -> Duration {
    use nix::sys::resource::{UsageWho, getrusage};
    let usage = getrusage(UsageWho::RUSAGE_SELF).unwrap();
    let seconds =
        |tv: nix::sys::time::TimeVal| Duration::new(tv.tv_sec() as u64, tv.tv_usec() as u32 * 1000);
    seconds(usage.user_time()) + seconds(usage.system_time())
}

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
    addr
}

const COMPLETION: &str = r#"{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello."},"finish_reason":"stop"}],"usage":{"prompt_tokens":21,"completion_tokens":2,"total_tokens":23}}"#;

/// Answers at once: a plain completion, or a short stream of eight content events.
fn upstream_router(hits: Arc<AtomicU64>) -> Router {
    Router::new().fallback(move |request: Request| {
        let hits = hits.clone();
        async move {
            hits.fetch_add(1, Ordering::Relaxed);
            let body = request.into_body().collect().await.unwrap().to_bytes();
            let stream = body.windows(13).any(|window| window == br#""stream":true"#);
            if !stream {
                return Response::builder()
                    .header("content-type", "application/json")
                    .body(Body::from(COMPLETION))
                    .unwrap();
            }
            let chunk = r#"{"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}"#;
            let finish = r#"{"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#;
            let usage = r#"{"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":21,"completion_tokens":8,"total_tokens":29}}"#;
            let mut events = (0..8).map(|_| format!("data: {chunk}\n\n")).collect::<Vec<_>>();
            events.push(format!("data: {finish}\n\ndata: {usage}\n\ndata: [DONE]\n\n"));
            let events = futures::stream::iter(
                events
                    .into_iter()
                    .map(|event| Ok::<_, std::convert::Infallible>(Bytes::from(event))),
            );
            Response::builder()
                .header("content-type", "text/event-stream")
                .body(Body::from_stream(events))
                .unwrap()
        }
    })
}

async fn start_relay(upstream: SocketAddr, plugins: Option<serde_json::Value>) -> SocketAddr {
    let mut model_route = route(vec![channel(1, &format!("http://{upstream}"))]);
    model_route.settings.plugins =
        plugins.map(|config| Arc::new(PluginSettings::parse(&config).unwrap()));
    let gatekeeper = FakeGatekeeper::with_key(KEY, caller(1, None));
    let directory = FakeDirectory::with_routes([(MODEL, model_route)]);
    let host = RelayHost::new(
        Arc::new(gatekeeper),
        Arc::new(directory),
        Arc::new(CountingSink::default()),
    );
    let relay = Relay::new(RelayConfig::default(), host).unwrap();
    relay.spawn_background(std::future::pending::<()>());
    serve(relay.router()).await
}
