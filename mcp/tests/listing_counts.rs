//! What a proxied upstream is asked to list: once per span for the `Mcp-Param-*` check, and once (until its catalogue moves) for the bare names of `/mcp`.
//!
//! The upstream is rmcp's own server counting its `tools/list` requests.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcp::{McpConfig, Scope, ServerKind};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::{Peer, RequestContext, RoleServer};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, ServerHandler};
use serde_json::{Value, json};

use crate::common::{
    FakeDirectory, caller, embedded, remote, remote_detected, serve, server, unprefixed,
};
use crate::offerings::client;

/// The upstream's one tool: its `region` argument travels as the `Mcp-Param-Region` header.
const TOOL: &str = "regional";

#[derive(Clone, Default)]
struct Counting {
    listings: Arc<AtomicUsize>,
    /// The sessions that listed (the session era), to tell them the list changed.
    sessions: Arc<Mutex<Vec<Peer<RoleServer>>>>,
}

impl Counting {
    fn listings(&self) -> usize {
        self.listings.load(Ordering::SeqCst)
    }

    async fn change_tools(&self) {
        let sessions = self.sessions.lock().unwrap().clone();
        for session in sessions {
            let _ = session.notify_tool_list_changed().await;
        }
    }
}

impl ServerHandler for Counting {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_tool_list_changed()
                .build(),
        )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        self.listings.fetch_add(1, Ordering::SeqCst);
        self.sessions.lock().unwrap().push(context.peer.clone());
        let schema = json!({"type": "object", "properties": {
            "region": {"type": "string", "x-mcp-header": "Region"}
        }});
        let Value::Object(schema) = schema else {
            unreachable!("an object literal")
        };
        Ok(ListToolsResult::with_all_items(vec![Tool::new(
            TOOL,
            "answers per region",
            schema,
        )]))
    }

    async fn call_tool(
        &self,
        _request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        Ok(CallToolResponse::Complete(CallToolResult::success(vec![
            ContentBlock::text("done"),
        ])))
    }
}

/// [`Counting`] on a fresh port; the handle and its URL.
async fn counting_upstream() -> (Counting, String) {
    let upstream = Counting::default();
    let served = upstream.clone();
    let service = StreamableHttpService::new(
        move || Ok(served.clone()),
        LocalSessionManager::default().into(),
        StreamableHttpServerConfig::default(),
    );
    let app = axum::Router::new().nest_service("/mcp", service);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (upstream, format!("http://{address}/mcp"))
}

/// A 2026-07-28 `tools/call` of [`TOOL`] with its `Mcp-Param-Region` header; the reply.
async fn call_with_header(url: &str) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {
    "name": TOOL, "arguments": {"region": "eu"}, "_meta": {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {}
    }}});
    reqwest::Client::new()
        .post(url)
        .bearer_auth("tok-a")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/call")
        .header("mcp-name", TOOL)
        .header("mcp-param-region", "eu")
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_param_header_check_lists_a_proxied_upstream_once_per_span() {
    let (upstream, url) = counting_upstream().await;
    let directory = FakeDirectory {
        tokens: [("tok-a".to_owned(), caller("ga", 1, None))].into(),
        servers: vec![server(
            "regional",
            Scope::Public,
            ServerKind::ProxyStreamable(remote_detected(url, &[])),
        )],
    };
    let gateway = serve(directory, McpConfig::default()).await;
    let route = gateway.url("/public/regional");
    let first = call_with_header(&route).await;
    assert_eq!(first["result"]["content"][0]["text"], "done", "{first}");
    let listed = upstream.listings();
    for _ in 0..5 {
        let reply = call_with_header(&route).await;
        assert_eq!(reply["result"]["content"][0]["text"], "done", "{reply}");
    }
    assert_eq!(upstream.listings(), listed, "listed again within the span");
    // Past the 10 s span the schema is read again, once.
    tokio::time::sleep(Duration::from_millis(10_500)).await;
    for _ in 0..3 {
        call_with_header(&route).await;
    }
    assert_eq!(upstream.listings(), listed + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bare_name_is_looked_up_once_until_the_catalogue_moves() {
    let (upstream, url) = counting_upstream().await;
    // `alpha` sorts first and does not hold `echo`: finding `kit`'s lists it.
    let alpha = unprefixed(server(
        "alpha",
        Scope::Public,
        ServerKind::ProxyStreamable(remote(url, &[])),
    ));
    let kit = unprefixed(server("kit", Scope::Public, embedded("everything", &[])));
    let directory = FakeDirectory {
        tokens: [("tok-a".to_owned(), caller("ga", 1, None))].into(),
        servers: vec![alpha, kit],
    };
    let gateway = serve(directory, McpConfig::default()).await;
    let (session, _) = client(gateway.url(""), "tok-a").await;
    let echo = || {
        let params = CallToolRequestParams::new("echo")
            .with_arguments(json!({"message": "hi"}).as_object().unwrap().clone());
        session.peer().call_tool(params)
    };
    echo().await.unwrap();
    let listed = upstream.listings();
    assert!(listed >= 1, "alpha was listed to find `echo`");
    for _ in 0..5 {
        echo().await.unwrap();
    }
    assert_eq!(upstream.listings(), listed, "looked up again");
    // The upstream's tools changed: the next call looks again, once.
    upstream.change_tools().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    for _ in 0..3 {
        echo().await.unwrap();
    }
    assert_eq!(upstream.listings(), listed + 1);
    // Prefixed names never look anything up.
    let prefixed = CallToolRequestParams::new("kit__echo")
        .with_arguments(json!({"message": "hi"}).as_object().unwrap().clone());
    session.peer().call_tool(prefixed).await.unwrap();
    assert_eq!(upstream.listings(), listed + 1);
}
