//! A session-era upstream asking a 2026-07-28 caller through the proxy (input-required rounds over one open upstream call), and log levels per caller.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]
#![expect(
    deprecated,
    reason = "sampling, roots and logging are deprecated upstream (SEP-2577) but are what this test exercises"
)]

use crate::common;

use std::borrow::Cow;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{FakeDirectory, caller, remote_detected, serve, server};
use mcp::{McpConfig, Scope, ServerKind};
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CallToolResponse, CallToolResult, ClientCapabilities,
    ClientConfig, ClientRequest, ContentBlock, CreateMessageRequestParams, CreateMessageResult,
    ElicitRequestParams, ElicitResult, Implementation, InputResponses, ListRootsResult,
    ListToolsResult, LoggingLevel, LoggingMessageNotificationParam, PaginatedRequestParams,
    ProtocolVersion, RequestMetaObject, ServerCapabilities, ServerConfig, ServerRequest, Tool,
};
use rmcp::service::{
    ClientLifecycleMode, ClientServiceExt, NotificationContext, PeerRequestOptions, RequestContext,
    RoleClient, RoleServer, RunningService,
};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::streamable_http_server::StreamableHttpService;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::{ClientHandler, ErrorData, ServerHandler};
use serde_json::{Value, json};

const TOKEN: &str = "tok-a";

/// A session-era rmcp server (it declares logging). `ask_all` asks its client for a sampling,
/// an elicitation and the roots mid-call, one after the other, and answers with what came back;
/// `ask_then_wait` asks once, then runs until cancelled (counted in `cancelled`); `log` sends
/// one message at each of debug, info and error before its result.
#[derive(Clone)]
struct AskingUpstream {
    cancelled: Arc<tokio::sync::Semaphore>,
}

impl ServerHandler for AskingUpstream {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_logging()
                .build(),
        )
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
        Ok(ListToolsResult::with_all_items(
            ["ask_all", "ask_then_wait", "log"]
                .into_iter()
                .map(|name| Tool::new(name, "a bridge fixture", schema.clone()))
                .collect(),
        ))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
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
        let sampling = json!({"method": "sampling/createMessage", "params": {
            "messages": [{"role": "user", "content": {"type": "text", "text": "hello"}}],
            "maxTokens": 10
        }});
        let text = match request.name.as_ref() {
            "ask_then_wait" => {
                let _ = ask(sampling).await;
                context.ct.cancelled().await;
                self.cancelled.add_permits(1);
                "cancelled".to_owned()
            }
            "log" => {
                for level in [LoggingLevel::Debug, LoggingLevel::Info, LoggingLevel::Error] {
                    let message = LoggingMessageNotificationParam::new(level, json!("working"));
                    context.peer.notify_logging_message(message).await.unwrap();
                }
                "logged".to_owned()
            }
            _ => {
                let sampled = ask(sampling).await;
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

/// Serves `server` over Streamable HTTP with sessions on a fresh port.
async fn upstream(server: AskingUpstream) -> String {
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

/// A 2026-07-28 client that answers what it declares and records what it was asked and which
/// log levels reached it.
#[derive(Clone, Default)]
struct AnsweringClient {
    asked: Arc<Mutex<Vec<String>>>,
    logged: Arc<Mutex<Vec<LoggingLevel>>>,
}

impl ClientHandler for AnsweringClient {
    fn get_info(&self) -> ClientConfig {
        let capabilities: ClientCapabilities = serde_json::from_value(json!({
            "sampling": {}, "elicitation": {"form": {}}, "roots": {}
        }))
        .unwrap();
        ClientConfig::new(capabilities, Implementation::new("bridge-client", "1"))
            .with_protocol_version(ProtocolVersion::V_2026_07_28)
    }

    async fn create_message(
        &self,
        _params: CreateMessageRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<CreateMessageResult, ErrorData> {
        self.asked.lock().unwrap().push("sampling".to_owned());
        Ok(serde_json::from_value(json!({
            "role": "assistant", "model": "test-model", "stopReason": "endTurn",
            "content": {"type": "text", "text": "sampled"}
        }))
        .unwrap())
    }

    async fn create_elicitation(
        &self,
        _request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        self.asked.lock().unwrap().push("elicitation".to_owned());
        Ok(
            serde_json::from_value(json!({"action": "accept", "content": {"name": "Ada"}}))
                .unwrap(),
        )
    }

    async fn list_roots(
        &self,
        _context: RequestContext<RoleClient>,
    ) -> Result<ListRootsResult, ErrorData> {
        self.asked.lock().unwrap().push("roots".to_owned());
        Ok(serde_json::from_value(json!({"roots": [{"uri": "file:///work"}]})).unwrap())
    }

    async fn on_logging_message(
        &self,
        params: LoggingMessageNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.logged.lock().unwrap().push(params.level);
    }
}

/// The gateway proxying `upstream_url` as `remote`, with `timeout` for upstream calls. The
/// revision is detected: the fixture only speaks the session era, so detection has to fall
/// back to `initialize` for any of these tests to see the bridge.
async fn gateway(upstream_url: String, timeout: Duration) -> common::Running {
    let directory = FakeDirectory {
        tokens: [(TOKEN.to_owned(), caller("ga", 1, None))].into(),
        servers: vec![server(
            "remote",
            Scope::Public,
            ServerKind::ProxyStreamable(remote_detected(upstream_url, &[])),
        )],
    };
    let config = McpConfig {
        upstream_timeout: timeout,
        ..McpConfig::default()
    };
    serve(directory, config).await
}

async fn connect_2026(
    url: &str,
    client: &AnsweringClient,
) -> RunningService<RoleClient, AnsweringClient> {
    let config = StreamableHttpClientTransportConfig::with_uri(url).auth_header(TOKEN);
    let transport = StreamableHttpClientTransport::with_client(reqwest::Client::new(), config);
    client
        .clone()
        .serve_with_lifecycle(
            transport,
            ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
        )
        .await
        .unwrap()
}

fn text_of(result: &CallToolResult) -> String {
    let block = serde_json::to_value(&result.content[0]).unwrap();
    block["text"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_session_era_upstream_asks_a_2026_caller_round_by_round() {
    let server = AskingUpstream {
        cancelled: Arc::new(tokio::sync::Semaphore::new(0)),
    };
    let gateway = gateway(upstream(server).await, Duration::from_secs(20)).await;
    let client = AnsweringClient::default();
    let session = connect_2026(&gateway.url("/public/remote"), &client).await;

    // The first round: the upstream's sampling request as an input request, and the gateway's
    // own opaque state.
    let first = session
        .peer()
        .call_tool_once(CallToolRequestParams::new("ask_all"))
        .await
        .unwrap();
    let CallToolResponse::InputRequired(asked) = first else {
        panic!("expected an input-required result, got {first:?}");
    };
    let state = asked.request_state.clone().unwrap();
    assert!(state.starts_with("aiproxy-bridge."), "{state}");
    let requests = serde_json::to_value(asked.input_requests.as_ref().unwrap()).unwrap();
    assert_eq!(
        requests["upstream_request"]["method"], "sampling/createMessage",
        "{requests}"
    );

    // A state nobody issued is refused with a clear error, not a hang.
    let mut forged = CallToolRequestParams::new("ask_all");
    forged.request_state = Some("aiproxy-bridge.forged".to_owned());
    forged.input_responses = Some(InputResponses::new());
    let refused = session.peer().call_tool_once(forged).await.unwrap_err();
    assert!(
        refused.to_string().contains("requestState is unknown"),
        "{refused}"
    );

    // The same open upstream call, answered round by round (rmcp's client drives the rounds).
    let mut retry = CallToolRequestParams::new("ask_all");
    retry.request_state = Some(state.clone());
    retry.input_responses = Some(
        [(
            "upstream_request".to_owned(),
            json!({"role": "assistant", "model": "m", "content": {"type": "text", "text": "first"}}),
        )]
        .into(),
    );
    let second = session.peer().call_tool_once(retry.clone()).await.unwrap();
    let CallToolResponse::InputRequired(asked) = second else {
        panic!("expected the elicitation round, got {second:?}");
    };
    let requests = serde_json::to_value(asked.input_requests.as_ref().unwrap()).unwrap();
    assert_eq!(requests["upstream_request"]["method"], "elicitation/create");
    // Each state serves one retry.
    let reused = session.peer().call_tool_once(retry).await.unwrap_err();
    assert!(
        reused.to_string().contains("requestState is unknown"),
        "{reused}"
    );
    // Abandoned here: a new call from the start, every round answered by the client.
    let result = session
        .call_tool(CallToolRequestParams::new("ask_all"))
        .await
        .unwrap();
    let answers: Value = serde_json::from_str(&text_of(&result)).unwrap();
    assert_eq!(
        answers["sampled"]["content"]["text"], "sampled",
        "{answers}"
    );
    assert_eq!(answers["elicited"]["content"]["name"], "Ada", "{answers}");
    assert_eq!(
        answers["roots"]["roots"][0]["uri"], "file:///work",
        "{answers}"
    );
    assert_eq!(
        *client.asked.lock().unwrap(),
        ["sampling", "elicitation", "roots"]
    );
    session.cancel().await.unwrap();
}

#[tokio::test]
async fn an_abandoned_call_expires_and_is_cancelled_upstream() {
    let server = AskingUpstream {
        cancelled: Arc::new(tokio::sync::Semaphore::new(0)),
    };
    let cancelled = server.cancelled.clone();
    let gateway = gateway(upstream(server).await, Duration::from_secs(1)).await;
    let client = AnsweringClient::default();
    let session = connect_2026(&gateway.url("/public/remote"), &client).await;
    let first = session
        .peer()
        .call_tool_once(CallToolRequestParams::new("ask_then_wait"))
        .await
        .unwrap();
    let CallToolResponse::InputRequired(asked) = first else {
        panic!("expected an input-required result, got {first:?}");
    };
    // Nobody comes back: past the upstream timeout the call is dropped and cancelled upstream.
    tokio::time::timeout(Duration::from_secs(10), cancelled.acquire())
        .await
        .expect("the upstream saw the abandoned call cancelled")
        .unwrap()
        .forget();
    let mut late = CallToolRequestParams::new("ask_then_wait");
    late.request_state = asked.request_state;
    late.input_responses = Some(InputResponses::new());
    let expired = session.peer().call_tool_once(late).await.unwrap_err();
    assert!(
        expired.to_string().contains("requestState is unknown"),
        "{expired}"
    );
    session.cancel().await.unwrap();
}

/// Two 2026-07-28 callers of the same upstream session at different log levels each get the
/// upstream's messages at or above their own level.
#[tokio::test]
async fn each_caller_gets_the_log_messages_of_its_own_level() {
    let server = AskingUpstream {
        cancelled: Arc::new(tokio::sync::Semaphore::new(0)),
    };
    let gateway = gateway(upstream(server).await, Duration::from_secs(20)).await;
    let url = gateway.url("/public/remote");
    // A first call opens the upstream connection, whose GET stream (where a session-era rmcp
    // server sends log messages) attaches a moment after: messages sent before are lost there.
    let warm = AnsweringClient::default();
    let warm_session = connect_2026(&url, &warm).await;
    warm_session
        .call_tool(CallToolRequestParams::new("log"))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut runs = Vec::new();
    for level in [LoggingLevel::Debug, LoggingLevel::Error] {
        let client = AnsweringClient::default();
        let session = connect_2026(&url, &client).await;
        let mut meta = RequestMetaObject::default();
        meta.set_log_level(level);
        let mut options = PeerRequestOptions::default();
        options.meta = Some(meta);
        let request =
            ClientRequest::CallToolRequest(CallToolRequest::new(CallToolRequestParams::new("log")));
        let handle = session
            .peer()
            .send_request_with_option(request, options)
            .await
            .unwrap();
        handle.await_response().await.unwrap();
        runs.push((client, session));
    }
    // Notifications are handled in tasks of their own: give them a moment.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        *runs[0].0.logged.lock().unwrap(),
        [LoggingLevel::Debug, LoggingLevel::Info, LoggingLevel::Error]
    );
    assert_eq!(*runs[1].0.logged.lock().unwrap(), [LoggingLevel::Error]);
    for (_, session) in runs {
        session.cancel().await.unwrap();
    }
}
