//! Upstream requests during a proxied call (sampling, elicitation, roots) answered by the calling client, over Streamable HTTP and SSE.
//!
//! Also the capabilities the gateway declares upstream on the caller's behalf.
//!
//! 2026-07-28 callers are driven by the Python SDK (`python_client.rs`): rmcp's client
//! negotiates the session era over Streamable HTTP.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]
#![expect(
    deprecated,
    reason = "sampling and roots are deprecated upstream (SEP-2577) but are what this test exercises"
)]

use crate::common;

use std::borrow::Cow;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{FakeDirectory, Running, caller, remote, serve, server};
use mcp::{McpConfig, Scope, ServerKind};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CancelledNotificationParam,
    ClientCapabilities, ClientConfig, ClientRequest, ContentBlock, CreateMessageRequestParams,
    CreateMessageResult, ElicitRequestParams, ElicitResult, Implementation, ListRootsResult,
    ListToolsResult, PaginatedRequestParams, ProtocolVersion, ServerCapabilities, ServerConfig,
    ServerRequest, Tool,
};
use rmcp::service::{PeerRequestOptions, RequestContext, RoleClient, RoleServer, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::streamable_http_server::StreamableHttpService;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::{ClientHandler, ErrorData, ServerHandler, ServiceExt};
use serde_json::{Value, json};

const TOKEN: &str = "tok-a";

/// A session-era rmcp server whose tool `ask_all` asks its client for a sampling, an
/// elicitation and the roots mid-call and answers with what came back; `declared` names the
/// capabilities the client declared at `initialize`; `log` sends a log message before its
/// result; `wait` runs until cancelled and counts the cancellation in `cancelled`.
#[derive(Clone)]
struct AskingUpstream {
    cancelled: Arc<tokio::sync::Semaphore>,
}

impl Default for AskingUpstream {
    fn default() -> Self {
        Self {
            cancelled: Arc::new(tokio::sync::Semaphore::new(0)),
        }
    }
}

impl ServerHandler for AskingUpstream {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
    }

    fn supported_protocol_versions(&self) -> Cow<'static, [ProtocolVersion]> {
        Cow::Owned(vec![ProtocolVersion::V_2025_11_25])
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let schema: Arc<rmcp::model::JsonObject> =
            Arc::new(serde_json::from_value(json!({"type": "object"})).unwrap());
        Ok(ListToolsResult::with_all_items(vec![
            Tool::new("ask_all", "asks the client three things", schema.clone()),
            Tool::new(
                "declared",
                "the client's declared capabilities",
                schema.clone(),
            ),
            Tool::new("log", "logs, then answers", schema.clone()),
            Tool::new("wait", "runs until cancelled", schema),
        ]))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let text = match request.name.as_ref() {
            "wait" => {
                context.ct.cancelled().await;
                self.cancelled.add_permits(1);
                "cancelled".to_owned()
            }
            "log" => {
                let message = serde_json::from_value(json!({"level": "info", "data": "working"}));
                context
                    .peer
                    .notify_logging_message(message.unwrap())
                    .await
                    .unwrap();
                "logged".to_owned()
            }
            "declared" => {
                let info = context.peer.peer_info().unwrap();
                serde_json::to_string(&info.capabilities).unwrap()
            }
            _ => {
                let ask = |request: Value| {
                    let peer = context.peer.clone();
                    async move {
                        let request: ServerRequest = serde_json::from_value(request).unwrap();
                        match peer.send_request(request).await {
                            Ok(answer) => serde_json::to_value(answer).unwrap(),
                            Err(error) => json!({"refused": error.to_string()}),
                        }
                    }
                };
                let sampled = ask(json!({"method": "sampling/createMessage", "params": {
                    "messages": [{"role": "user", "content": {"type": "text", "text": "hello"}}],
                    "maxTokens": 10
                }}))
                .await;
                let elicited = ask(json!({"method": "elicitation/create", "params": {
                    "mode": "form", "message": "who are you?", "requestedSchema": {
                        "type": "object", "properties": {"name": {"type": "string"}}}
                }}))
                .await;
                let roots = ask(json!({"method": "roots/list"})).await;
                json!({"sampled": sampled, "elicited": elicited, "roots": roots}).to_string()
            }
        };
        Ok(CallToolResponse::Complete(CallToolResult::success(vec![
            ContentBlock::text(text),
        ])))
    }
}

/// Serves [`AskingUpstream`] over Streamable HTTP with sessions on a fresh port.
async fn asking_upstream() -> String {
    asking_upstream_with(AskingUpstream::default()).await
}

async fn asking_upstream_with(server: AskingUpstream) -> String {
    let mut config = rmcp::transport::streamable_http_server::StreamableHttpServerConfig::default();
    config.legacy_session_mode = true;
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let app = axum::Router::new().nest_service("/mcp", service);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}/mcp")
}

/// A client that answers what it declares: the sampled text names the prompt, the elicitation
/// is accepted with a name, the roots are one directory. It counts what it was asked.
#[derive(Clone)]
struct AnsweringClient {
    capabilities: ClientCapabilities,
    version: ProtocolVersion,
    asked: Arc<Mutex<Vec<String>>>,
    logs: Arc<tokio::sync::Semaphore>,
}

impl AnsweringClient {
    fn new(capabilities: Value, version: ProtocolVersion) -> Self {
        Self {
            capabilities: serde_json::from_value(capabilities).unwrap(),
            version,
            asked: Arc::default(),
            logs: Arc::new(tokio::sync::Semaphore::new(0)),
        }
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

impl ClientHandler for AnsweringClient {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            self.capabilities.clone(),
            Implementation::new("answering-client", "1"),
        )
        .with_protocol_version(self.version.clone())
    }

    async fn create_message(
        &self,
        params: CreateMessageRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<CreateMessageResult, ErrorData> {
        self.asked.lock().unwrap().push("sampling".to_owned());
        let params = serde_json::to_value(params).unwrap();
        let prompt = params["messages"][0]["content"]["text"]
            .as_str()
            .unwrap_or_default();
        Ok(serde_json::from_value(json!({
            "role": "assistant", "model": "test-model", "stopReason": "endTurn",
            "content": {"type": "text", "text": format!("sampled: {prompt}")}
        }))
        .unwrap())
    }

    async fn create_elicitation(
        &self,
        _request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        self.asked.lock().unwrap().push("elicitation".to_owned());
        Ok(serde_json::from_value(json!({
            "action": "accept",
            "content": {"name": "Ada", "username": "ada", "email": "ada@example.com"}
        }))
        .unwrap())
    }

    async fn on_logging_message(
        &self,
        params: rmcp::model::LoggingMessageNotificationParam,
        _context: rmcp::service::NotificationContext<RoleClient>,
    ) {
        if params.data == json!("working") {
            self.logs.add_permits(1);
        }
    }

    async fn list_roots(
        &self,
        _context: RequestContext<RoleClient>,
    ) -> Result<ListRootsResult, ErrorData> {
        self.asked.lock().unwrap().push("roots".to_owned());
        Ok(
            serde_json::from_value(json!({"roots": [{"uri": "file:///work", "name": "work"}]}))
                .unwrap(),
        )
    }
}

const ALL: &str = r#"{"sampling": {}, "elicitation": {"form": {}}, "roots": {}}"#;

async fn connect(
    url: &str,
    client: &AnsweringClient,
) -> RunningService<RoleClient, AnsweringClient> {
    let config = StreamableHttpClientTransportConfig::with_uri(url).auth_header(TOKEN);
    let transport = StreamableHttpClientTransport::with_client(reqwest::Client::new(), config);
    client.clone().serve(transport).await.unwrap()
}

async fn call_text(
    client: &RunningService<RoleClient, AnsweringClient>,
    tool: &str,
    arguments: Value,
) -> String {
    let mut params = CallToolRequestParams::new(tool.to_owned());
    if let Value::Object(arguments) = arguments {
        params = params.with_arguments(arguments);
    }
    let result = client.call_tool(params).await.unwrap();
    let block = serde_json::to_value(&result.content[0]).unwrap();
    block["text"].as_str().unwrap().to_owned()
}

/// The gateway with one proxied server `remote` of `kind`.
async fn gateway(kind: ServerKind) -> Running {
    let directory = FakeDirectory {
        tokens: [(TOKEN.to_owned(), caller("ga", 1, None))].into(),
        servers: vec![server("remote", Scope::Public, kind)],
    };
    serve(directory, McpConfig::default()).await
}

#[tokio::test]
async fn a_session_era_upstream_asks_the_client_that_made_the_call() {
    let upstream = asking_upstream().await;
    let gateway = gateway(ServerKind::ProxyStreamable(remote(upstream, &[]))).await;
    let url = gateway.url("/public/remote");

    let client = AnsweringClient::new(
        serde_json::from_str(ALL).unwrap(),
        ProtocolVersion::V_2025_11_25,
    );
    let session = connect(&url, &client).await;
    let answers: Value =
        serde_json::from_str(&call_text(&session, "ask_all", json!({})).await).unwrap();
    assert_eq!(
        answers["sampled"]["content"]["text"], "sampled: hello",
        "{answers}"
    );
    assert_eq!(answers["elicited"]["action"], "accept", "{answers}");
    assert_eq!(answers["elicited"]["content"]["name"], "Ada", "{answers}");
    assert_eq!(
        answers["roots"]["roots"][0]["uri"], "file:///work",
        "{answers}"
    );
    assert_eq!(client.asked(), ["sampling", "elicitation", "roots"]);
    // The upstream was told what this caller declared (roots without list_changed: the
    // gateway does not pass those notifications on).
    let declared: Value =
        serde_json::from_str(&call_text(&session, "declared", json!({})).await).unwrap();
    assert!(declared["sampling"].is_object(), "{declared}");
    assert!(declared["elicitation"]["form"].is_object(), "{declared}");
    assert!(declared["roots"].is_object(), "{declared}");
    session.cancel().await.unwrap();

    // A caller that declared nothing: the upstream's connection for it declares nothing, and a
    // request it makes anyway is refused at once (a JSON-RPC error upstream), not left waiting.
    let plain = AnsweringClient::new(json!({}), ProtocolVersion::V_2025_11_25);
    let session = connect(&url, &plain).await;
    let declared: Value =
        serde_json::from_str(&call_text(&session, "declared", json!({})).await).unwrap();
    assert_eq!(declared, json!({}));
    let answers: Value =
        serde_json::from_str(&call_text(&session, "ask_all", json!({})).await).unwrap();
    for asked in ["sampled", "elicited", "roots"] {
        assert!(answers[asked]["refused"].is_string(), "{answers}");
    }
    assert!(plain.asked().is_empty());
    session.cancel().await.unwrap();
}

/// Our own gateway serving the `everything` template, as the upstream, on Streamable HTTP and
/// the legacy SSE transport.
async fn everything_upstream() -> Running {
    common::upstream().await
}

fn everything(upstream: &Running, path: &str) -> mcp::RemoteEndpoint {
    remote(
        upstream.url(path),
        &[("Authorization", "Bearer upstream-secret")],
    )
}

/// Our own gateway's `everything` tools asking mid-call, proxied over Streamable HTTP: the
/// request travels upstream session, proxy, caller's session and back.
#[tokio::test]
async fn a_proxied_gateway_asks_the_client_that_made_the_call() {
    let upstream = everything_upstream().await;
    let gateway = gateway(ServerKind::ProxyStreamable(everything(
        &upstream,
        "/public/everything",
    )))
    .await;
    let client = AnsweringClient::new(
        serde_json::from_str(ALL).unwrap(),
        ProtocolVersion::V_2025_11_25,
    );
    let session = connect(&gateway.url("/public/remote"), &client).await;
    let sampled = call_text(&session, "test_sampling", json!({"prompt": "hi"})).await;
    assert_eq!(sampled, "LLM response: sampled: hi");
    let elicited = call_text(&session, "test_elicitation", json!({"message": "who?"})).await;
    assert!(
        elicited.starts_with("User response: action=accept"),
        "{elicited}"
    );
    let roots = call_text(&session, "test_roots", json!({})).await;
    assert_eq!(roots, "Roots: file:///work");
    session.cancel().await.unwrap();
    assert_eq!(client.asked(), ["sampling", "elicitation", "roots"]);
}

#[tokio::test]
async fn a_legacy_sse_upstream_asks_the_client_that_made_the_call() {
    let upstream = everything_upstream().await;
    let gateway = gateway(ServerKind::ProxySse(everything(
        &upstream,
        "/public/everything/sse",
    )))
    .await;
    let client = AnsweringClient::new(
        serde_json::from_str(ALL).unwrap(),
        ProtocolVersion::V_2025_11_25,
    );
    let session = connect(&gateway.url("/public/remote"), &client).await;
    let sampled = call_text(&session, "test_sampling", json!({"prompt": "over sse"})).await;
    assert_eq!(sampled, "LLM response: sampled: over sse");
    let elicited = call_text(&session, "test_elicitation_sep1034_defaults", json!({})).await;
    assert!(
        elicited.starts_with("Elicitation completed: action=accept"),
        "{elicited}"
    );
    session.cancel().await.unwrap();
    assert_eq!(client.asked(), ["sampling", "elicitation"]);

    // Without the capability the tool is told why, at once.
    let plain = AnsweringClient::new(json!({}), ProtocolVersion::V_2025_11_25);
    let session = connect(&gateway.url("/public/remote"), &plain).await;
    let refused = call_text(&session, "test_sampling", json!({"prompt": "x"})).await;
    assert!(refused.contains("could not be asked"), "{refused}");
    session.cancel().await.unwrap();
}

/// An upstream's log message during a call reaches the caller, and the caller's cancellation
/// reaches the upstream, whether the gateway answers the call itself (a caller that declared
/// nothing) or through rmcp (one that may be asked).
#[tokio::test]
async fn log_messages_come_down_and_cancellations_go_up() {
    let server = AskingUpstream::default();
    let cancelled = server.cancelled.clone();
    let upstream = asking_upstream_with(server).await;
    let gateway = gateway(ServerKind::ProxyStreamable(remote(upstream, &[]))).await;
    let url = gateway.url("/public/remote");
    for capabilities in [json!({}), serde_json::from_str(ALL).unwrap()] {
        let client = AnsweringClient::new(capabilities.clone(), ProtocolVersion::V_2025_11_25);
        let session = connect(&url, &client).await;

        // A caller that declared nothing is answered by the gateway's direct reply, which
        // carries progress but no log messages: only rmcp's stream brings them.
        assert_eq!(call_text(&session, "log", json!({})).await, "logged");
        if capabilities != json!({}) {
            let logged = tokio::time::timeout(Duration::from_secs(10), client.logs.acquire());
            logged
                .await
                .expect("the log message reached the caller")
                .unwrap()
                .forget();
        }

        let request = ClientRequest::CallToolRequest(rmcp::model::CallToolRequest::new(
            CallToolRequestParams::new("wait"),
        ));
        let handle = session
            .peer()
            .send_cancellable_request(request, PeerRequestOptions::default())
            .await
            .unwrap();
        // Another call on the same session first, so the waiting one has surely reached the
        // upstream before it is cancelled.
        assert!(!call_text(&session, "declared", json!({})).await.is_empty());
        session
            .peer()
            .notify_cancelled(CancelledNotificationParam::new(
                Some(handle.id.clone()),
                Some("changed my mind".to_owned()),
            ))
            .await
            .unwrap();
        let seen = tokio::time::timeout(Duration::from_secs(10), cancelled.acquire());
        seen.await
            .expect("the upstream saw the cancellation")
            .unwrap()
            .forget();
        drop(handle);
        session.cancel().await.unwrap();
    }
}
