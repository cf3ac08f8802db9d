//! Shared test fixtures: in-memory fakes of the host traits, a served router, an upstream MCP server to proxy, and the Python client driver.
#![allow(
    dead_code,
    reason = "each test module uses a different subset of the fixtures"
)]

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use mcp::{
    McpConfig, McpDirectory, McpService, McpServiceOptions, RemoteEndpoint, Scope,
    ServerDefinition, ServerKind, ToolCallRecord, ToolCallSink,
};
use tenancy::{AuthError, Caller, McpAllowList};

pub struct FakeDirectory {
    pub tokens: HashMap<String, Caller>,
    pub servers: Vec<Arc<ServerDefinition>>,
}

impl McpDirectory for FakeDirectory {
    fn authenticate(&self, api_key: &str, _client_ip: IpAddr) -> Result<Caller, AuthError> {
        match api_key {
            "disabled" => Err(AuthError::TokenDisabled),
            key => self.tokens.get(key).cloned().ok_or(AuthError::InvalidKey),
        }
    }

    fn servers_for(&self, caller: &Caller) -> Vec<Arc<ServerDefinition>> {
        self.servers
            .iter()
            .filter(|server| match &server.scope {
                Scope::Public => true,
                Scope::Group(group) => *group == caller.group_id,
            })
            .cloned()
            .collect()
    }
}

#[derive(Default)]
pub struct RecordingSink(pub Mutex<Vec<ToolCallRecord>>);

impl ToolCallSink for RecordingSink {
    fn record(&self, record: ToolCallRecord) {
        self.0.lock().unwrap().push(record);
    }
}

impl RecordingSink {
    pub fn records(&self) -> Vec<ToolCallRecord> {
        self.0.lock().unwrap().clone()
    }
}

pub fn caller(group: &str, token_id: i64, mcp_allow: Option<McpAllowList>) -> Caller {
    Caller {
        group_id: group.to_owned(),
        token_id,
        token_name: format!("token-{token_id}"),
        mcp_allow: mcp_allow.map(Arc::new),
        record_details: true,
        ..Caller::default()
    }
}

pub fn server(id: &str, scope: Scope, kind: ServerKind) -> Arc<ServerDefinition> {
    Arc::new(ServerDefinition {
        id: id.to_owned(),
        scope,
        description: String::new(),
        kind,
        revision: String::new(),
        tool_allow: None,
        aggregate_unprefixed: false,
    })
}

/// `definition` served under its own names in the aggregated view.
pub fn unprefixed(definition: Arc<ServerDefinition>) -> Arc<ServerDefinition> {
    Arc::new(ServerDefinition {
        aggregate_unprefixed: true,
        ..(*definition).clone()
    })
}

pub fn embedded(template: &str, params: &[(&str, &str)]) -> ServerKind {
    ServerKind::Embedded {
        template: template.to_owned(),
        params: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

pub fn remote(url: String, headers: &[(&str, &str)]) -> RemoteEndpoint {
    RemoteEndpoint {
        url,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        query: BTreeMap::new(),
        block_private_network: false,
        upstream_oauth: false,
        // The session era, which the tests of the bridge, direct calls and subscriptions are
        // about; a test of a 2026-07-28 upstream sets the revision itself.
        revision: mcp::UpstreamRevision::SessionEra,
    }
}

/// [`remote`] with the upstream's revision detected, as a deployment does by default.
pub fn remote_detected(url: String, headers: &[(&str, &str)]) -> RemoteEndpoint {
    RemoteEndpoint {
        revision: mcp::UpstreamRevision::Detect,
        ..remote(url, headers)
    }
}

/// A service serving `directory`, mounted at `/mcp` like `hub` does, on a fresh loopback port.
pub struct Running {
    pub address: SocketAddr,
    pub service: McpService,
    pub sink: Arc<RecordingSink>,
}

impl Running {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}/mcp{path}", self.address)
    }
}

pub async fn serve(directory: FakeDirectory, config: McpConfig) -> Running {
    serve_with(directory, config, McpServiceOptions::default()).await
}

pub async fn serve_with(
    directory: FakeDirectory,
    config: McpConfig,
    options: McpServiceOptions,
) -> Running {
    let sink = Arc::new(RecordingSink::default());
    let service = McpService::with_options(config, Arc::new(directory), sink.clone(), options);
    let app = axum::Router::new().nest("/mcp", service.router());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    // Without TCP_NODELAY every reply waits out the peer's delayed ACK (about 40 ms on Linux).
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Running {
        address,
        service,
        sink,
    }
}

/// An upstream MCP server (our own, on another port) that only answers the bearer token
/// `upstream-secret`: proxies reach it only if they inject the group's header.
pub async fn upstream() -> Running {
    let directory = FakeDirectory {
        tokens: [("upstream-secret".to_owned(), caller("upstream", 1000, None))].into(),
        servers: vec![server(
            "everything",
            Scope::Public,
            embedded("everything", &[]),
        )],
    };
    serve(directory, McpConfig::default()).await
}

pub fn python() -> PathBuf {
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    assert!(
        python.exists(),
        "the Python venv with the official mcp client is missing at {}; create it (see .ci/run)",
        python.display()
    );
    python
}

/// Runs the official Python MCP client once per spec, concurrently in one process (see
/// tests/py/client_check.py); the outputs come back in spec order.
pub async fn python_client(specs: Vec<serde_json::Value>) -> Vec<serde_json::Value> {
    let spec = serde_json::Value::Array(specs);
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/py/client_check.py");
    let output = tokio::process::Command::new(python())
        .arg(script)
        .arg(spec.to_string())
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    serde_json::from_str(stdout.trim()).unwrap_or_else(|error| {
        panic!("python client printed no json ({error}):\nstdout: {stdout}\nstderr: {stderr}")
    })
}

/// The environment switch that runs the tests driving the MCP service with Python or Node.
pub const EXTERNAL_CLIENTS: &str = "AIPROXY_EXTERNAL_CLIENTS";

/// Whether a test that needs `tools` runs: only with `AIPROXY_EXTERNAL_CLIENTS=1`, which
/// `.ci/test` sets, so a contributor without Python or Node still gets a meaningful
/// `cargo test`. Otherwise the test says on stderr (past the test harness's capture, so it
/// shows) that it was skipped and why. With the switch on, a missing tool fails the test.
pub fn external_clients(tools: &str) -> bool {
    if std::env::var_os(EXTERNAL_CLIENTS).is_some_and(|value| value == "1") {
        return true;
    }
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    let line = format!("skipped {test}: it needs {tools}; {EXTERNAL_CLIENTS}=1 runs it\n");
    let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
    false
}

/// A Streamable HTTP proxy of [`upstream`]'s `everything` route, with the key it wants.
pub fn everything_proxy(upstream: &Running) -> ServerKind {
    let secret = [("Authorization", "Bearer upstream-secret")];
    ServerKind::ProxyStreamable(remote(upstream.url("/public/everything"), &secret))
}
