//! Overhead benchmark: the same fast mock upstream reached directly, through a bare hyper
//! forwarder, and through the relay (auth and usage recording on); latency, throughput, CPU per
//! request (getrusage), peak RSS (VmHWM), and added time to first byte for 512 concurrent
//! streams.
//!
//! Run: `cargo bench -p relay --bench overhead` (release). Everything runs in one process on
//! loopback, so CPU per request includes the load generator and the mock; the differences
//! between rows are what each hop adds.
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
use relay::test_util::{CountingSink, FakeDirectory, FakeGatekeeper, caller, channel, route};
use relay::{Relay, RelayConfig, RelayHost};

const KEY: &str = "sk-bench";
const MODEL: &str = "gpt-4o-mini";
const REQUESTS_SERIAL: usize = 1_000;
const REQUESTS_PARALLEL: usize = 12_800;
const CONCURRENCY: usize = 64;
const STREAMS: usize = 512;
/// Events after the first in each benchmark stream, and the gap between them.
const STREAM_TAIL_EVENTS: usize = 4;
const STREAM_GAP: Duration = Duration::from_millis(50);
/// A stream whose first byte takes longer than this counts as stalled.
const STALL_LIMIT: Duration = Duration::from_secs(5);

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

async fn run() {
    let upstream = serve(upstream_router()).await;
    let bare = start_bare_forwarder(upstream).await;
    let sink = Arc::new(CountingSink::default());
    let relay = start_relay(upstream, sink.clone()).await;
    let client: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new()).build({
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector
    });
    // The last row is the same relay reached through its Anthropic face: the request and the
    // answer (or each stream event) converted through the chat pivot.
    let targets = [
        ("direct", upstream, Face::Chat),
        ("bare hyper hop", bare, Face::Chat),
        ("relay", relay, Face::Chat),
        ("relay messages", relay, Face::Messages),
    ];

    println!(
        "relay overhead benchmark: {REQUESTS_SERIAL} serial requests, {REQUESTS_PARALLEL} at concurrency {CONCURRENCY}, {STREAMS} concurrent streams"
    );
    println!();
    println!(
        "{:<15} {:>9} {:>9} {:>9} {:>9} {:>9} {:>12} {:>10}",
        "target", "c1 p50", "c1 p99", "c64 p50", "c64 p99", "rps c64", "cpu/req", "peak rss"
    );
    let mut rows = Vec::new();
    for (name, addr, face) in targets {
        // Warm pools and caches.
        latencies(&client, addr, face, 200, 8).await;
        let serial = latencies(&client, addr, face, REQUESTS_SERIAL, 1).await;
        let cpu_before = cpu_time();
        let started = Instant::now();
        let parallel = latencies(&client, addr, face, REQUESTS_PARALLEL, CONCURRENCY).await;
        let elapsed = started.elapsed();
        let cpu_per_request = (cpu_time() - cpu_before) / REQUESTS_PARALLEL as u32;
        let row = Row {
            c1: (percentile(&serial, 50.0), percentile(&serial, 99.0)),
            c64: (percentile(&parallel, 50.0), percentile(&parallel, 99.0)),
            rps: REQUESTS_PARALLEL as f64 / elapsed.as_secs_f64(),
            cpu_per_request,
        };
        println!(
            "{:<15} {:>9} {:>9} {:>9} {:>9} {:>9.0} {:>12} {:>7} MiB",
            name,
            micros(row.c1.0),
            micros(row.c1.1),
            micros(row.c64.0),
            micros(row.c64.1),
            row.rps,
            micros(row.cpu_per_request),
            peak_rss_mib()
        );
        rows.push(row);
    }
    let (direct, bare_row, relay_row, messages_row) = (&rows[0], &rows[1], &rows[2], &rows[3]);
    println!();
    for (label, row, base) in [
        ("relay - direct", relay_row, direct),
        ("relay - bare hop", relay_row, bare_row),
        ("messages - chat", messages_row, relay_row),
    ] {
        println!(
            "{:<15} {:>9} {:>9} {:>9} {:>9} {:>9} {:>12}",
            label,
            delta(row.c1.0, base.c1.0),
            delta(row.c1.1, base.c1.1),
            delta(row.c64.0, base.c64.0),
            delta(row.c64.1, base.c64.1),
            "",
            delta(row.cpu_per_request, base.cpu_per_request)
        );
    }

    // The first round opens every connection (a burst of 512 connects on each hop); the second
    // reuses pooled connections and shows what the hop itself adds.
    for round in ["cold", "warm"] {
        println!();
        println!(
            "{:<15} {:>10} {:>10} {:>10} {:>8} {:>10}",
            format!("{STREAMS} streams {round}"),
            "ttfb p50",
            "ttfb p99",
            "ttfb max",
            "stalled",
            "incomplete"
        );
        let mut ttfbs = Vec::new();
        for (name, addr, face) in targets {
            let result = streams(&client, addr, face).await;
            println!(
                "{:<15} {:>10} {:>10} {:>10} {:>8} {:>10}",
                name,
                micros(percentile(&result.ttfb, 50.0)),
                micros(percentile(&result.ttfb, 99.0)),
                micros(percentile(&result.ttfb, 100.0)),
                result.stalled,
                result.incomplete
            );
            ttfbs.push(result.ttfb);
        }
        println!(
            "{:<15} {:>10} {:>10}",
            "added by relay",
            delta(percentile(&ttfbs[2], 50.0), percentile(&ttfbs[0], 50.0)),
            delta(percentile(&ttfbs[2], 99.0), percentile(&ttfbs[0], 99.0))
        );
    }
    println!();
    println!(
        "usage records written by the relay: {}; peak rss of the whole process: {} MiB",
        sink.count.load(Ordering::Relaxed),
        peak_rss_mib()
    );
}

struct Row {
    c1: (Duration, Duration),
    c64: (Duration, Duration),
    rps: f64,
    cpu_per_request: Duration,
}

/// The protocol a benchmark request speaks.
#[derive(Clone, Copy)]
enum Face {
    Chat,
    Messages,
}

fn chat_request(addr: SocketAddr, face: Face, stream: bool) -> hyper::Request<Full<Bytes>> {
    let (path, body) = match face {
        Face::Chat => (
            "chat/completions",
            format!(
                r#"{{"model":"{MODEL}","messages":[{{"role":"system","content":"You are terse."}},{{"role":"user","content":"Say hello in one word."}}],"temperature":0.2,"stream":{stream}}}"#
            ),
        ),
        Face::Messages => (
            "messages",
            format!(
                r#"{{"model":"{MODEL}","system":"You are terse.","messages":[{{"role":"user","content":"Say hello in one word."}}],"max_tokens":64,"temperature":0.2,"stream":{stream}}}"#
            ),
        ),
    };
    hyper::Request::post(format!("http://{addr}/v1/{path}"))
        .header("authorization", format!("Bearer {KEY}"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .unwrap()
}

/// Sends `total` requests with `concurrency` in flight; returns each one's latency.
async fn latencies(
    client: &Client<HttpConnector, Full<Bytes>>,
    addr: SocketAddr,
    face: Face,
    total: usize,
    concurrency: usize,
) -> Vec<Duration> {
    let next = Arc::new(AtomicU64::new(0));
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let client = client.clone();
        let next = next.clone();
        workers.push(tokio::spawn(async move {
            let mut own = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < total as u64 {
                let started = Instant::now();
                let response = client
                    .request(chat_request(addr, face, false))
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
    all.sort();
    all
}

struct StreamResult {
    ttfb: Vec<Duration>,
    stalled: usize,
    incomplete: usize,
}

async fn streams(
    client: &Client<HttpConnector, Full<Bytes>>,
    addr: SocketAddr,
    face: Face,
) -> StreamResult {
    let gate = Arc::new(tokio::sync::Barrier::new(STREAMS));
    let mut tasks = Vec::new();
    for _ in 0..STREAMS {
        let client = client.clone();
        let gate = gate.clone();
        tasks.push(tokio::spawn(async move {
            gate.wait().await;
            let started = Instant::now();
            let response = client
                .request(chat_request(addr, face, true))
                .await
                .unwrap();
            let mut body = response.into_body();
            let mut ttfb = None;
            let mut received = Vec::new();
            loop {
                let wait = if ttfb.is_none() {
                    STALL_LIMIT
                } else {
                    Duration::from_secs(10)
                };
                match tokio::time::timeout(wait, body.frame()).await {
                    Ok(Some(Ok(frame))) => {
                        if let Some(data) = frame.data_ref() {
                            ttfb.get_or_insert_with(|| started.elapsed());
                            received.extend_from_slice(data);
                        }
                    }
                    Ok(None) => break,
                    Ok(Some(Err(_))) | Err(_) => break,
                }
            }
            let complete = match face {
                Face::Chat => received.ends_with(b"data: [DONE]\n\n"),
                Face::Messages => received.ends_with(b"data: {\"type\":\"message_stop\"}\n\n"),
            };
            (ttfb, complete)
        }));
    }
    let mut result = StreamResult {
        ttfb: Vec::new(),
        stalled: 0,
        incomplete: 0,
    };
    for task in tasks {
        let (ttfb, complete) = task.await.unwrap();
        match ttfb {
            Some(ttfb) => result.ttfb.push(ttfb),
            None => result.stalled += 1,
        }
        if !complete {
            result.incomplete += 1;
        }
    }
    result.ttfb.sort();
    result
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

fn delta(a: Duration, b: Duration) -> String {
    let difference = a.as_micros() as i128 - b.as_micros() as i128;
    format!("{difference:+}us")
}

fn cpu_time() -> Duration {
    use nix::sys::resource::{UsageWho, getrusage};
    let usage = getrusage(UsageWho::RUSAGE_SELF).unwrap();
    let seconds =
        |tv: nix::sys::time::TimeVal| Duration::new(tv.tv_sec() as u64, tv.tv_usec() as u32 * 1000);
    seconds(usage.user_time()) + seconds(usage.system_time())
}

fn peak_rss_mib() -> u64 {
    // VmHWM belongs to this address space; getrusage's ru_maxrss would carry over the peak of
    // the process that exec'd us (cargo), hiding ours.
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| {
            value
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .unwrap_or(0);
    kib / 1024
}

// ---------------------------------------------------------------- the three servers

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        axum::serve(listener, service)
            .with_graceful_shutdown(std::future::pending())
            .await
            .unwrap()
    });
    addr
}

const COMPLETION: &str = r#"{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello."},"finish_reason":"stop"}],"usage":{"prompt_tokens":21,"completion_tokens":2,"total_tokens":23}}"#;

fn upstream_router() -> Router {
    Router::new().fallback(|request: Request| async move {
        let body = request.into_body().collect().await.unwrap().to_bytes();
        let stream = contains_bytes(&body, br#""stream":true"#);
        if !stream {
            return Response::builder().header("content-type", "application/json").body(Body::from(COMPLETION)).unwrap();
        }
        let chunk = r#"{"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}"#;
        let usage = r#"{"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":21,"completion_tokens":5,"total_tokens":26}}"#;
        // A complete stream names its finish reason; converters to other protocols need it.
        let finish = r#"{"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#;
        let events = futures::stream::unfold(0usize, move |index| async move {
            let event = match index {
                0 => format!("data: {chunk}\n\n"),
                i if i <= STREAM_TAIL_EVENTS => {
                    tokio::time::sleep(STREAM_GAP).await;
                    format!("data: {chunk}\n\n")
                }
                i if i == STREAM_TAIL_EVENTS + 1 => format!("data: {finish}\n\ndata: {usage}\n\ndata: [DONE]\n\n"),
                _ => return None,
            };
            Some((Ok::<_, std::convert::Infallible>(Bytes::from(event)), index + 1))
        });
        Response::builder().header("content-type", "text/event-stream").body(Body::from_stream(events)).unwrap()
    })
}

fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// The least a proxy can do: forward the request and stream the response back.
async fn start_bare_forwarder(upstream: SocketAddr) -> SocketAddr {
    let client: Client<HttpConnector, axum::body::Body> = Client::builder(TokioExecutor::new())
        .build({
            let mut connector = HttpConnector::new();
            connector.set_nodelay(true);
            connector
        });
    let router = Router::new().fallback(move |request: Request| {
        let client = client.clone();
        async move {
            let (mut parts, body) = request.into_parts();
            parts.uri = format!("http://{upstream}{}", parts.uri.path())
                .parse()
                .unwrap();
            let response = client
                .request(hyper::Request::from_parts(parts, body))
                .await
                .unwrap();
            response.map(Body::new)
        }
    });
    serve(router).await
}

async fn start_relay(upstream: SocketAddr, sink: Arc<CountingSink>) -> SocketAddr {
    let gatekeeper = FakeGatekeeper::with_key(KEY, caller(1, Some(&[MODEL])));
    let directory = FakeDirectory::with_routes([(
        MODEL,
        route(vec![channel(1, &format!("http://{upstream}"))]),
    )]);
    let host = RelayHost::new(Arc::new(gatekeeper), Arc::new(directory), sink);
    let relay = Relay::new(RelayConfig::default(), host).unwrap();
    relay.spawn_background(std::future::pending::<()>());
    serve(relay.router()).await
}
