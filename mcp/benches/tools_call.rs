//! tools/call latency through the service's Streamable proxy versus the upstream MCP server directly, plus throughput through the service.
//!
//! Run: `cargo bench -p mcp --bench tools_call` (release build). Everything is on loopback: an
//! upstream service serving the embedded `everything` server, and a gateway service proxying to it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "benchmark harness: failures abort the run"
)]

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::serve::ListenerExt;
use mcp::{
    McpConfig, McpDirectory, McpService, RemoteEndpoint, Scope, ServerDefinition, ServerKind,
    ToolCallRecord, ToolCallSink,
};
use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use tenancy::{AuthError, Caller};

const SEQUENTIAL_CALLS: usize = 1000;
const CONCURRENCY: usize = 16;
const THROUGHPUT_WINDOW: Duration = Duration::from_secs(5);
const OPENAPI_CALLS: usize = 200;

struct Directory {
    token: &'static str,
    servers: Vec<Arc<ServerDefinition>>,
}

impl McpDirectory for Directory {
    fn authenticate(&self, api_key: &str, _: IpAddr) -> Result<Caller, AuthError> {
        if api_key != self.token {
            return Err(AuthError::InvalidKey);
        }
        Ok(Caller {
            group_id: "bench".into(),
            token_id: 1,
            token_name: "bench".into(),
            ..Caller::default()
        })
    }
    fn servers_for(&self, _: &Caller) -> Vec<Arc<ServerDefinition>> {
        self.servers.clone()
    }
}

struct NullSink;
impl ToolCallSink for NullSink {
    fn record(&self, _: ToolCallRecord) {}
}

async fn serve(directory: Directory) -> String {
    let service = McpService::new(
        McpConfig::default(),
        Arc::new(directory),
        Arc::new(NullSink),
    );
    let app = axum::Router::new().nest("/mcp", service.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    // Without TCP_NODELAY every reply waits out the peer's delayed ACK (about 40 ms on Linux).
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}/mcp")
}

fn definition(id: &str, kind: ServerKind) -> Arc<ServerDefinition> {
    Arc::new(ServerDefinition {
        id: id.into(),
        scope: Scope::Public,
        description: String::new(),
        kind,
        // As the service sets it: the tool-server cache is keyed by (id, revision).
        revision: "1".into(),
        tool_allow: None,
        aggregate_unprefixed: false,
    })
}

async fn client(url: String, token: &str) -> RunningService<RoleClient, ()> {
    let config = StreamableHttpClientTransportConfig::with_uri(url).auth_header(token);
    let transport = StreamableHttpClientTransport::with_client(reqwest::Client::new(), config);
    ().serve(transport).await.unwrap()
}

async fn call(client: &RunningService<RoleClient, ()>) {
    let mut params = CallToolRequestParams::new("echo");
    params.arguments = serde_json::json!({"message": "bench"}).as_object().cloned();
    let result = client.call_tool(params).await.unwrap();
    assert_ne!(result.is_error, Some(true));
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index]
}

/// One way of making the call: rmcp's client, or one plain HTTP POST on an initialized session
/// (no client machinery: what the server side alone costs).
enum Driver {
    Rmcp(RunningService<RoleClient, ()>),
    Raw(RawSession),
}

struct RawSession {
    http: reqwest::Client,
    url: String,
    token: String,
    session: String,
    next_id: u64,
}

impl RawSession {
    async fn open(url: &str, token: &str) -> Self {
        let http = reqwest::Client::new();
        let mut raw = RawSession {
            http,
            url: url.to_owned(),
            token: token.to_owned(),
            session: String::new(),
            next_id: 1,
        };
        let initialized = raw
            .post(
                serde_json::json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                "protocolVersion": "2025-11-25", "capabilities": {},
                "clientInfo": {"name": "bench", "version": "1"}}}),
            )
            .await;
        raw.session = initialized.headers()["mcp-session-id"]
            .to_str()
            .unwrap()
            .to_owned();
        initialized.bytes().await.unwrap();
        raw.post(serde_json::json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await;
        raw
    }

    async fn post(&self, body: serde_json::Value) -> reqwest::Response {
        let mut request = self
            .http
            .post(&self.url)
            .bearer_auth(&self.token)
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-11-25")
            .json(&body);
        if !self.session.is_empty() {
            request = request.header("mcp-session-id", &self.session);
        }
        request.send().await.unwrap()
    }

    async fn call(&mut self) {
        self.next_id += 1;
        let body = serde_json::json!({"jsonrpc": "2.0", "id": self.next_id, "method": "tools/call",
            "params": {"name": "echo", "arguments": {"message": "bench"}}});
        let reply = self.post(body).await.bytes().await.unwrap();
        assert!(
            reply.windows(6).any(|window| window == b"result"),
            "{reply:?}"
        );
    }
}

impl Driver {
    async fn call(&mut self) {
        match self {
            Driver::Rmcp(client) => call(client).await,
            Driver::Raw(raw) => raw.call().await,
        }
    }
}

/// p50 and p99 of each caller, sampled in turns (one call each per round) so that drifts in
/// the machine's load hit every caller alike.
async fn latencies(drivers: &mut [Driver]) -> Vec<(Duration, Duration)> {
    for _ in 0..100 {
        for caller in drivers.iter_mut() {
            caller.call().await;
        }
    }
    let mut samples = vec![Vec::with_capacity(SEQUENTIAL_CALLS); drivers.len()];
    for _ in 0..SEQUENTIAL_CALLS {
        for (caller, samples) in drivers.iter_mut().zip(&mut samples) {
            let started = Instant::now();
            caller.call().await;
            samples.push(started.elapsed());
        }
    }
    samples
        .into_iter()
        .map(|mut samples| {
            samples.sort();
            (percentile(&samples, 0.5), percentile(&samples, 0.99))
        })
        .collect()
}

/// CPU time of the whole process per call of each caller (1000 calls each, one caller at a
/// time): the sum over its threads of /proc/self/task/*/schedstat's first field.
async fn cpu_per_call(drivers: &mut [Driver]) -> Vec<Duration> {
    let mut per_call = Vec::new();
    for caller in drivers.iter_mut() {
        let before = cpu_time();
        for _ in 0..SEQUENTIAL_CALLS {
            caller.call().await;
        }
        per_call.push((cpu_time() - before) / SEQUENTIAL_CALLS as u32);
    }
    per_call
}

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

/// A bare HTTP forwarder (axum in, reqwest out, headers and body passed through, no MCP at all):
/// the floor for any proxy hop on this machine, one more loopback exchange.
async fn bare_forwarder(upstream: String) -> String {
    let http = reqwest::Client::new();
    let forward = move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
        let (http, upstream) = (http.clone(), upstream.clone());
        async move {
            let mut request = http.post(&upstream).body(body);
            for name in [
                "authorization",
                "accept",
                "content-type",
                "mcp-session-id",
                "mcp-protocol-version",
            ] {
                if let Some(value) = headers.get(name) {
                    request = request.header(name, value);
                }
            }
            let reply = request.send().await.unwrap();
            let mut response = axum::http::Response::builder().status(reply.status());
            for name in ["content-type", "mcp-session-id"] {
                if let Some(value) = reply.headers().get(name) {
                    response = response.header(name, value);
                }
            }
            response
                .body(axum::body::Body::from(reply.bytes().await.unwrap()))
                .unwrap()
        }
    };
    // A canned MCP answer without the hub: what the service's own request handling costs.
    let canned = |body: axum::body::Bytes| async move {
        let message: serde_json::Value = serde_json::from_slice(&body).unwrap();
        let mut response =
            axum::http::Response::builder().header("content-type", "application/json");
        let body = match message["method"].as_str() {
            Some("initialize") => {
                response = response.header("mcp-session-id", "canned");
                serde_json::json!({"jsonrpc": "2.0", "id": message["id"], "result": {
                    "protocolVersion": "2025-11-25", "capabilities": {"tools": {}},
                    "serverInfo": {"name": "canned", "version": "1"}}})
            }
            Some(method) if method.starts_with("notifications/") => {
                return response
                    .status(202)
                    .body(axum::body::Body::empty())
                    .unwrap();
            }
            _ => serde_json::json!({"jsonrpc": "2.0", "id": message["id"], "result": {
                "content": [{"type": "text", "text": "Echo: bench"}]}}),
        };
        response
            .body(axum::body::Body::from(body.to_string()))
            .unwrap()
    };
    let app = axum::Router::new()
        .route("/forward", axum::routing::post(forward))
        .route("/canned", axum::routing::post(canned));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}/forward")
}

async fn throughput(url: &str, token: &str) -> f64 {
    let mut tasks = Vec::new();
    let deadline = Instant::now() + THROUGHPUT_WINDOW;
    for _ in 0..CONCURRENCY {
        let client = client(url.to_owned(), token).await;
        tasks.push(tokio::spawn(async move {
            let mut calls = 0u64;
            while Instant::now() < deadline {
                call(&client).await;
                calls += 1;
            }
            calls
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap();
    }
    total as f64 / THROUGHPUT_WINDOW.as_secs_f64()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let upstream = serve(Directory {
            token: "upstream-secret",
            servers: vec![definition("everything", ServerKind::Embedded { template: "everything".into(), params: BTreeMap::new() })],
        })
        .await;
        let upstream_url = format!("{upstream}/public/everything");
        let gateway = serve(Directory {
            token: "tenant",
            servers: vec![
                definition(
                    "remote",
                    ServerKind::ProxyStreamable(RemoteEndpoint {
                        url: upstream_url.clone(),
                        headers: [("Authorization".to_owned(), "Bearer upstream-secret".to_owned())].into(),
                        query: BTreeMap::new(),
                        block_private_network: false,
                        upstream_oauth: false,
                        // The published figures are of the session era's direct-call path.
                        revision: mcp::UpstreamRevision::SessionEra,
                    }),
                ),
                definition("local", ServerKind::Embedded { template: "everything".into(), params: BTreeMap::new() }),
            ],
        })
        .await;

        let mut rmcp_callers = vec![
            Driver::Rmcp(client(upstream_url.clone(), "upstream-secret").await),
            Driver::Rmcp(client(format!("{gateway}/public/remote"), "tenant").await),
            Driver::Rmcp(client(format!("{gateway}/public/local"), "tenant").await),
        ];
        let forwarder = bare_forwarder(upstream_url.clone()).await;
        let mut raw_callers = vec![
            Driver::Raw(RawSession::open(&upstream_url, "upstream-secret").await),
            Driver::Raw(RawSession::open(&format!("{gateway}/public/remote"), "tenant").await),
            Driver::Raw(RawSession::open(&format!("{gateway}/public/local"), "tenant").await),
            Driver::Raw(RawSession::open(&forwarder, "upstream-secret").await),
            Driver::Raw(RawSession::open(&forwarder.replace("/forward", "/canned"), "any").await),
        ];
        for (label, drivers) in [
            ("rmcp client", &mut rmcp_callers),
            ("one reqwest POST per call, no client machinery", &mut raw_callers),
        ] {
            let measured = latencies(drivers).await;
            let [(direct_p50, direct_p99), (proxied_p50, proxied_p99), (embedded_p50, embedded_p99), ..] =
                measured[..]
            else {
                unreachable!("three drivers or more")
            };
            println!("tools/call echo, {SEQUENTIAL_CALLS} sequential calls each, in turns ({label}, loopback):");
            println!("  upstream directly     p50 {direct_p50:>10.1?}  p99 {direct_p99:>10.1?}");
            println!("  service proxy -> upstream p50 {proxied_p50:>10.1?}  p99 {proxied_p99:>10.1?}");
            println!("  service embedded          p50 {embedded_p50:>10.1?}  p99 {embedded_p99:>10.1?}");
            println!(
                "  added by the proxy hop: p50 {:.1?}, p99 {:.1?}",
                proxied_p50.saturating_sub(direct_p50),
                proxied_p99.saturating_sub(direct_p99)
            );
            if drivers.len() > 3 {
                let cpu = cpu_per_call(drivers).await;
                println!(
                    "  CPU per call, whole process (client + services): direct {:.1}µs, proxied {:.1}µs, embedded {:.1}µs, bare forward {:.1}µs, canned {:.1}µs",
                    micros(cpu[0]), micros(cpu[1]), micros(cpu[2]), micros(cpu[3]), micros(cpu[4])
                );
            }
            if let Some(&(canned_p50, canned_p99)) = measured.get(4) {
                println!("  canned answer, no service p50 {canned_p50:>10.1?}  p99 {canned_p99:>10.1?}  (axum, fixed JSON: the service's own cost is direct minus this)");
            }
            if let Some(&(bare_p50, bare_p99)) = measured.get(3) {
                println!("  bare HTTP forward     p50 {bare_p50:>10.1?}  p99 {bare_p99:>10.1?}  (axum + reqwest, no MCP: the floor)");
                println!(
                    "  added by a bare forward: p50 {:.1?}, p99 {:.1?}",
                    bare_p50.saturating_sub(direct_p50),
                    bare_p99.saturating_sub(direct_p99)
                );
            }
        }
        let direct_rps = throughput(&upstream_url, "upstream-secret").await;
        let proxied_rps = throughput(&format!("{gateway}/public/remote"), "tenant").await;
        println!("throughput, {CONCURRENCY} concurrent clients for {THROUGHPUT_WINDOW:?}:");
        println!("  upstream directly     {direct_rps:>8.0} calls/s");
        println!("  service proxy -> upstream {proxied_rps:>8.0} calls/s (both services share this machine's cores)");
        openapi_cache_keys().await;
    });
}

/// An OpenAPI tool of the 623-operation GitHub document against a local mock API, with the
/// tool-server cache keyed by the whole serialized definition (no revision: the old key) and by
/// (server id, revision).
async fn openapi_cache_keys() {
    let corpus = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi2mcp/tests/corpus/github-rest-3.0.json"
    );
    let Ok(document) = std::fs::read_to_string(corpus) else {
        println!("openapi: {corpus} not found, skipped");
        return;
    };
    let api = axum::Router::new().fallback(|| async { "ok" });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, api).await.unwrap() });
    let source = ServerKind::OpenApi(mcp::OpenApiSource {
        document,
        base_url: Some(api_url),
        allow_private_network: true,
        ..mcp::OpenApiSource::default()
    });
    let mut keyed_by_definition = (*definition("github-json", source.clone())).clone();
    keyed_by_definition.revision = String::new();
    let gateway = serve(Directory {
        token: "tenant",
        servers: vec![
            Arc::new(keyed_by_definition),
            definition("github-revision", source),
        ],
    })
    .await;
    println!(
        "tools/call of an OpenAPI tool (GitHub document, 3 MB) against a local API, {OPENAPI_CALLS} sequential calls:"
    );
    for server in ["github-json", "github-revision"] {
        let client = client(format!("{gateway}/public/{server}"), "tenant").await;
        let mut samples = Vec::with_capacity(OPENAPI_CALLS);
        for round in 0..OPENAPI_CALLS + 10 {
            let mut params = CallToolRequestParams::new("repos_get");
            params.arguments = serde_json::json!({"owner": "o", "repo": "r"})
                .as_object()
                .cloned();
            let started = Instant::now();
            // The client may reject the text answer against the tool's output schema; the
            // gateway's work is done either way.
            let _ = client.call_tool(params).await;
            if round >= 10 {
                samples.push(started.elapsed());
            }
        }
        samples.sort();
        let key = if server == "github-json" {
            "whole definition (before)"
        } else {
            "id + revision (after)    "
        };
        println!(
            "  cache key {key} p50 {:>10.1?}  p99 {:>10.1?}",
            percentile(&samples, 0.5),
            percentile(&samples, 0.99)
        );
    }
}
