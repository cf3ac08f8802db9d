//! Conversion cost benchmark: what the relay adds per request, in CPU and latency, when an
//! Anthropic client reaches an OpenAI channel and an OpenAI client reaches an Anthropic channel,
//! next to plain pass-through on the same channels, for a 2 KB conversation, answered whole and
//! streamed. The target is a conversion costing at most 1.5 times pass-through's added CPU.
//!
//! Run: `cargo bench -p relay --bench convert_e2e` (release). Everything runs in one process on
//! loopback: CPU per request includes the load generator and the mock upstreams, so each relay
//! row is compared with the same request sent straight to its upstream ("added" = relay row
//! minus direct row). Rows are measured in interleaved rounds and the median round is kept,
//! which keeps other processes on the machine from favouring one row.
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
use relay::host::{Channel, ChannelKind};
use relay::test_util::{CountingSink, FakeDirectory, FakeGatekeeper, caller, channel, route};
use relay::{Relay, RelayConfig, RelayHost};
use serde_json::{Value, json};

const KEY: &str = "sk-bench";
const OPENAI_MODEL: &str = "gpt-bench";
const ANTHROPIC_MODEL: &str = "claude-bench";
const REQUESTS: usize = 3_000;
const CONCURRENCY: usize = 16;
const ROUNDS: usize = 3;
/// Text deltas in each streamed answer.
const STREAM_DELTAS: usize = 12;

type HttpClient = Client<HttpConnector, Full<Bytes>>;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run());
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Face {
    Chat,
    Messages,
}

#[derive(Clone, Copy)]
struct Target {
    name: &'static str,
    addr: SocketAddr,
    face: Face,
    model: &'static str,
}

async fn run() {
    let openai = serve(openai_upstream()).await;
    let anthropic = serve(anthropic_upstream()).await;
    let relay = start_relay(openai, anthropic).await;
    let client: HttpClient = Client::builder(TokioExecutor::new()).build({
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector
    });
    let targets = [
        Target {
            name: "direct openai",
            addr: openai,
            face: Face::Chat,
            model: OPENAI_MODEL,
        },
        Target {
            name: "direct anthropic",
            addr: anthropic,
            face: Face::Messages,
            model: ANTHROPIC_MODEL,
        },
        Target {
            name: "chat->openai",
            addr: relay,
            face: Face::Chat,
            model: OPENAI_MODEL,
        },
        Target {
            name: "msgs->anthropic",
            addr: relay,
            face: Face::Messages,
            model: ANTHROPIC_MODEL,
        },
        Target {
            name: "msgs->openai",
            addr: relay,
            face: Face::Messages,
            model: OPENAI_MODEL,
        },
        Target {
            name: "chat->anthropic",
            addr: relay,
            face: Face::Chat,
            model: ANTHROPIC_MODEL,
        },
    ];
    println!(
        "conversion benchmark: {REQUESTS} requests per row at concurrency {CONCURRENCY}, median of {ROUNDS} interleaved rounds"
    );
    println!(
        "request bodies: chat {} bytes, messages {} bytes",
        body(Face::Chat, OPENAI_MODEL, false).len(),
        body(Face::Messages, OPENAI_MODEL, false).len()
    );
    for stream in [false, true] {
        println!();
        println!(
            "{:<17} {:>10} {:>10} {:>12} {:>12}",
            if stream { "streamed" } else { "whole answers" },
            "p50",
            "p99",
            "cpu/req",
            "added cpu"
        );
        for target in targets {
            // Warm connection pools, caches and the tokenizer.
            measure(&client, target, stream, 300).await;
        }
        let mut rounds: Vec<Vec<Measure>> = vec![Vec::new(); targets.len()];
        for _ in 0..ROUNDS {
            for (index, target) in targets.iter().enumerate() {
                rounds[index].push(measure(&client, *target, stream, REQUESTS).await);
            }
        }
        let rows: Vec<Measure> = rounds
            .into_iter()
            .map(|mut round| {
                round.sort_by_key(|m| m.cpu_per_request);
                round[round.len() / 2].clone()
            })
            .collect();
        let direct = |target: &Target| match target.model {
            OPENAI_MODEL => rows[0].cpu_per_request,
            _ => rows[1].cpu_per_request,
        };
        let mut added = Vec::new();
        for (target, row) in targets.iter().zip(&rows) {
            let extra =
                (target.addr == relay).then(|| row.cpu_per_request.saturating_sub(direct(target)));
            added.push(extra.unwrap_or_default());
            println!(
                "{:<17} {:>10} {:>10} {:>12} {:>12}",
                target.name,
                micros(row.p50),
                micros(row.p99),
                micros(row.cpu_per_request),
                extra.map(micros).unwrap_or_default()
            );
        }
        let ratio = |converted: Duration, passthrough: Duration| {
            converted.as_secs_f64() / passthrough.as_secs_f64().max(1e-9)
        };
        println!(
            "Anthropic in -> OpenAI channel: {:.2}x pass-through's added cpu (msgs->openai / chat->openai), target <= 1.5x",
            ratio(added[4], added[2])
        );
        println!(
            "OpenAI in -> Anthropic channel: {:.2}x pass-through's added cpu (chat->anthropic / msgs->anthropic), target <= 1.5x",
            ratio(added[5], added[3])
        );
    }
}

#[derive(Clone)]
struct Measure {
    p50: Duration,
    p99: Duration,
    cpu_per_request: Duration,
}

/// Sends `total` requests, `CONCURRENCY` at a time, reading every answer to its end.
async fn measure(client: &HttpClient, target: Target, stream: bool, total: usize) -> Measure {
    let payload = Bytes::from(body(target.face, target.model, stream));
    let next = Arc::new(AtomicU64::new(0));
    let cpu_before = cpu_time();
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let client = client.clone();
        let next = next.clone();
        let payload = payload.clone();
        workers.push(tokio::spawn(async move {
            let mut own = Vec::new();
            while next.fetch_add(1, Ordering::Relaxed) < total as u64 {
                let started = Instant::now();
                let response = client
                    .request(request(target, payload.clone()))
                    .await
                    .unwrap();
                assert!(
                    response.status().is_success(),
                    "{}: status {}",
                    target.name,
                    response.status()
                );
                let answer = response.into_body().collect().await.unwrap().to_bytes();
                assert!(answer.len() > 20, "{}: empty answer", target.name);
                own.push(started.elapsed());
            }
            own
        }));
    }
    let mut all = Vec::with_capacity(total);
    for worker in workers {
        all.extend(worker.await.unwrap());
    }
    let cpu_per_request = (cpu_time() - cpu_before) / total as u32;
    all.sort();
    Measure {
        p50: percentile(&all, 50.0),
        p99: percentile(&all, 99.0),
        cpu_per_request,
    }
}

fn request(target: Target, payload: Bytes) -> hyper::Request<Full<Bytes>> {
    let path = match target.face {
        Face::Chat => "/v1/chat/completions",
        Face::Messages => "/v1/messages",
    };
    hyper::Request::post(format!("http://{}{path}", target.addr))
        .header("authorization", format!("Bearer {KEY}"))
        .header("x-api-key", KEY)
        .header("anthropic-version", "2023-06-01")
        .header("content-type", "application/json")
        .body(Full::new(payload))
        .unwrap()
}

/// One conversation of about 2 KB: a system prompt, a tool, and alternating turns.
fn conversation() -> (String, Vec<(&'static str, String)>) {
    let system = "You are a concise travel assistant. Answer in at most three sentences, prefer metric units, and name your sources when you quote prices or opening hours.".to_owned();
    let turns = [
        (
            "user",
            "I am planning four days in Lisbon in early May. Which neighbourhoods are best to stay in if I want to walk to most sights and still sleep well at night?",
        ),
        (
            "assistant",
            "Baixa and Chiado are central and flat enough to walk everywhere; Principe Real is quieter at night and close to both. Alfama is charming but noisy during the festival season.",
        ),
        (
            "user",
            "Good. How do I get from the airport to Chiado with one suitcase, and roughly what does it cost? I land at 23:10 on a weekday.",
        ),
        (
            "assistant",
            "The metro red line to Alameda and green line to Baixa-Chiado runs until 01:00 and costs about 1.80 euros with a Navegante card; a taxi or ride share takes 20 minutes and costs 15 to 20 euros.",
        ),
        (
            "user",
            "Which day trips are worth it, and can I do Sintra without a car? I would rather avoid tour buses if possible, and I like gardens more than palaces.",
        ),
        (
            "assistant",
            "Sintra is an easy train ride from Rossio (40 minutes); go early and start with Monserrate and the Pena park gardens. Cascais makes a relaxed half day by the coast line from Cais do Sodre.",
        ),
        (
            "user",
            "Great. Last question: what is the weather usually like then, and should I book restaurants ahead for the weekend evenings in Chiado and Principe Real?",
        ),
    ];
    (
        system,
        turns
            .into_iter()
            .map(|(role, text)| (role, text.to_owned()))
            .collect(),
    )
}

fn body(face: Face, model: &str, stream: bool) -> Vec<u8> {
    let (system, turns) = conversation();
    let parameters = json!({"type": "object", "properties": {"city": {"type": "string"},
        "date": {"type": "string"}}, "required": ["city"]});
    let value = match face {
        Face::Chat => {
            let mut messages = vec![json!({"role": "system", "content": system})];
            messages.extend(
                turns
                    .iter()
                    .map(|(role, text)| json!({"role": role, "content": text})),
            );
            json!({"model": model, "messages": messages, "max_tokens": 512, "temperature": 0.2,
                "stream": stream, "tools": [{"type": "function", "function": {"name": "weather",
                "description": "Forecast for a city", "parameters": parameters}}]})
        }
        Face::Messages => {
            let messages: Vec<Value> = turns
                .iter()
                .map(|(role, text)| json!({"role": role, "content": text}))
                .collect();
            json!({"model": model, "system": system, "messages": messages, "max_tokens": 512,
                "temperature": 0.2, "stream": stream, "tools": [{"name": "weather",
                "description": "Forecast for a city", "input_schema": parameters}]})
        }
    };
    serde_json::to_vec(&value).unwrap()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn micros(duration: Duration) -> String {
    format!("{:.1}us", duration.as_secs_f64() * 1e6)
}

fn cpu_time() -> Duration {
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_SELF).unwrap();
    let user = usage.user_time();
    let system = usage.system_time();
    Duration::new(user.tv_sec() as u64, user.tv_usec() as u32 * 1000)
        + Duration::new(system.tv_sec() as u64, system.tv_usec() as u32 * 1000)
}

// ---------------------------------------------------------------- servers

async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
    addr
}

const ANSWER: &str = "Expect 17 to 23 degrees and some sun; book Friday and Saturday dinners a few days ahead, weekdays are usually fine without.";

fn words() -> impl Iterator<Item = &'static str> {
    let step = ANSWER.len().div_ceil(STREAM_DELTAS);
    (0..STREAM_DELTAS).filter_map(move |index| {
        let start = (index * step).min(ANSWER.len());
        let end = ((index + 1) * step).min(ANSWER.len());
        ANSWER.get(start..end).filter(|piece| !piece.is_empty())
    })
}

fn streams(request: &Bytes) -> bool {
    request
        .windows(13)
        .any(|window| window == br#""stream":true"#)
}

fn openai_upstream() -> Router {
    Router::new().fallback(|request: Request| async move {
        let body = request.into_body().collect().await.unwrap().to_bytes();
        let usage = json!({"prompt_tokens": 480, "completion_tokens": 30, "total_tokens": 510,
            "prompt_tokens_details": {"cached_tokens": 128}});
        if !streams(&body) {
            let answer = json!({"id": "chatcmpl-bench", "object": "chat.completion",
                "created": 1_764_000_000, "model": OPENAI_MODEL, "choices": [{"index": 0,
                "message": {"role": "assistant", "content": ANSWER}, "finish_reason": "stop"}],
                "usage": usage});
            return Response::builder()
                .header("content-type", "application/json")
                .body(Body::from(answer.to_string()))
                .unwrap();
        }
        let chunk = |delta: Value, finish: Value| {
            json!({"id": "chatcmpl-bench", "object": "chat.completion.chunk",
                "created": 1_764_000_000, "model": OPENAI_MODEL,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
        };
        let mut text = format!(
            "data: {}\n\n",
            chunk(json!({"role": "assistant", "content": ""}), Value::Null)
        );
        for word in words() {
            text.push_str(&format!(
                "data: {}\n\n",
                chunk(json!({"content": word}), Value::Null)
            ));
        }
        text.push_str(&format!("data: {}\n\n", chunk(json!({}), json!("stop"))));
        let mut last = chunk(json!({}), Value::Null);
        last["choices"] = json!([]);
        last["usage"] = usage;
        text.push_str(&format!("data: {last}\n\ndata: [DONE]\n\n"));
        Response::builder()
            .header("content-type", "text/event-stream")
            .body(Body::from(text))
            .unwrap()
    })
}

fn anthropic_upstream() -> Router {
    Router::new().fallback(|request: Request| async move {
        let body = request.into_body().collect().await.unwrap().to_bytes();
        let usage = json!({"input_tokens": 352, "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 128, "output_tokens": 30});
        if !streams(&body) {
            let answer = json!({"id": "msg_bench", "type": "message", "role": "assistant",
                "model": ANTHROPIC_MODEL, "content": [{"type": "text", "text": ANSWER}],
                "stop_reason": "end_turn", "stop_sequence": null, "usage": usage});
            return Response::builder()
                .header("content-type", "application/json")
                .body(Body::from(answer.to_string()))
                .unwrap();
        }
        let mut events = vec![
            json!({"type": "message_start", "message": {"id": "msg_bench", "type": "message",
                "role": "assistant", "model": ANTHROPIC_MODEL, "content": [], "stop_reason": null,
                "stop_sequence": null, "usage": {"input_tokens": 352,
                "cache_creation_input_tokens": 0, "cache_read_input_tokens": 128,
                "output_tokens": 1}}}),
            json!({"type": "content_block_start", "index": 0,
                "content_block": {"type": "text", "text": ""}}),
            json!({"type": "ping"}),
        ];
        for word in words() {
            events.push(json!({"type": "content_block_delta", "index": 0,
                "delta": {"type": "text_delta", "text": word}}));
        }
        events.push(json!({"type": "content_block_stop", "index": 0}));
        events.push(
            json!({"type": "message_delta", "delta": {"stop_reason": "end_turn",
            "stop_sequence": null}, "usage": {"output_tokens": 30}}),
        );
        events.push(json!({"type": "message_stop"}));
        let mut text = String::new();
        for event in events {
            text.push_str(&format!(
                "event: {}\ndata: {event}\n\n",
                event["type"].as_str().unwrap()
            ));
        }
        Response::builder()
            .header("content-type", "text/event-stream")
            .body(Body::from(text))
            .unwrap()
    })
}

async fn start_relay(openai: SocketAddr, anthropic: SocketAddr) -> SocketAddr {
    let anthropic_channel = Channel {
        kind: ChannelKind::ANTHROPIC,
        ..channel(2, &format!("http://{anthropic}"))
    };
    let directory = FakeDirectory::with_routes([
        (
            OPENAI_MODEL,
            route(vec![channel(1, &format!("http://{openai}"))]),
        ),
        (ANTHROPIC_MODEL, route(vec![anthropic_channel])),
    ]);
    let host = RelayHost::new(
        Arc::new(FakeGatekeeper::with_key(KEY, caller(1, None))),
        Arc::new(directory),
        Arc::new(CountingSink::default()),
    );
    let relay = Relay::new(RelayConfig::default(), host).unwrap();
    serve(relay.router()).await
}
