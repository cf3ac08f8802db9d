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
    ElicitRequestParams, ElicitResult, GetPromptRequestParams, GetPromptResponse, GetPromptResult,
    Implementation, InputResponses, ListPromptsResult, ListRootsResult, ListToolsResult,
    LoggingLevel, LoggingMessageNotificationParam, PaginatedRequestParams,
    ProgressNotificationParam, ProgressToken, Prompt, PromptMessage, ProtocolVersion,
    RequestMetaObject, Role, ServerCapabilities, ServerConfig, ServerRequest, ServerResult, Tool,
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

/// The `_meta` key a session-era server names its request's key under (the gateway's
/// convention, see `caller_requests.rs`).
const INPUT_KEY_META: &str = "aiproxy/inputKey";

/// A session-era rmcp server (it declares logging). `ask_all` asks its client for a sampling,
/// an elicitation and the roots mid-call, one after the other, and answers with what came back;
/// `ask_at_once` asks the same three concurrently, naming the elicitation `name` and the roots
/// `roots` in `_meta` (the sampling unnamed); `progress_then_ask` reports progress 1, asks for
/// a sampling, reports progress 2 as soon as it is answered and ends; `ask_then_wait` asks
/// once, then runs until cancelled (counted in `cancelled`); `log` sends one message at each of
/// debug, info and error before its result.
#[derive(Clone)]
struct AskingUpstream {
    cancelled: Arc<tokio::sync::Semaphore>,
}

impl ServerHandler for AskingUpstream {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_prompts()
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
            [
                "ask_all",
                "ask_at_once",
                "progress_then_ask",
                "ask_then_wait",
                "log",
            ]
            .into_iter()
            .map(|name| Tool::new(name, "a bridge fixture", schema.clone()))
            .collect(),
        ))
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        Ok(ListPromptsResult::with_all_items(vec![Prompt::new(
            "ask_context",
            Some("asks its client for the context mid-request"),
            None,
        )]))
    }

    /// `ask_context` asks its client for a context mid-request, under the key `context`, and
    /// builds the prompt with the answer.
    async fn get_prompt(
        &self,
        _request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let request: ServerRequest = serde_json::from_value(json!({
            "method": "elicitation/create", "params": {
                "mode": "form", "message": "which context?", "requestedSchema": {
                    "type": "object", "properties": {"name": {"type": "string"}}},
                "_meta": {INPUT_KEY_META: "context"}}
        }))
        .unwrap();
        let answer = context.peer.send_request(request).await.unwrap();
        let answer = serde_json::to_value(answer).unwrap();
        Ok(GetPromptResponse::Complete(GetPromptResult::new(vec![
            PromptMessage::new_text(
                Role::User,
                format!("context: {}", answer["content"]["name"].as_str().unwrap()),
            ),
        ])))
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
        let elicitation = json!({"method": "elicitation/create", "params": {
            "mode": "form", "message": "who are you?", "requestedSchema": {
                "type": "object", "properties": {"name": {"type": "string"}}}
        }});
        let text = match request.name.as_ref() {
            "ask_at_once" => {
                let mut named_elicitation = elicitation;
                named_elicitation["params"]["_meta"] = json!({INPUT_KEY_META: "name"});
                let named_roots =
                    json!({"method": "roots/list", "params": {"_meta": {INPUT_KEY_META: "roots"}}});
                let (sampled, elicited, roots) =
                    tokio::join!(ask(sampling), ask(named_elicitation), ask(named_roots));
                json!({"sampled": sampled, "elicited": elicited, "roots": roots}).to_string()
            }
            "progress_then_ask" => {
                let token = context.meta.get_progress_token().unwrap();
                let progress = |step: f64| {
                    let param = ProgressNotificationParam::new(token.clone(), step);
                    let peer = context.peer.clone();
                    async move { peer.notify_progress(param).await.unwrap() }
                };
                progress(1.0).await;
                let sampled = ask(sampling).await;
                progress(2.0).await;
                json!({"sampled": sampled}).to_string()
            }
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
                let elicited = ask(elicitation).await;
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

/// A 2026-07-28 client that answers what it declares (sampling, elicitation and roots, or only
/// sampling) and records what it was asked, which log levels reached it and the progress it
/// got (by its token).
#[derive(Clone, Default)]
struct AnsweringClient {
    only_sampling: bool,
    asked: Arc<Mutex<Vec<String>>>,
    logged: Arc<Mutex<Vec<LoggingLevel>>>,
    progress: Arc<Mutex<Vec<(ProgressToken, f64)>>>,
}

impl ClientHandler for AnsweringClient {
    fn get_info(&self) -> ClientConfig {
        let declared = if self.only_sampling {
            json!({"sampling": {}})
        } else {
            json!({"sampling": {}, "elicitation": {"form": {}}, "roots": {}})
        };
        let capabilities: ClientCapabilities = serde_json::from_value(declared).unwrap();
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

    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.progress
            .lock()
            .unwrap()
            .push((params.progress_token, params.progress));
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

/// The answers a 2026-07-28 client gives `requests` (an input-required result's
/// `inputRequests`), by key.
fn answers_to(requests: &Value) -> InputResponses {
    requests
        .as_object()
        .unwrap()
        .iter()
        .map(|(key, request)| {
            let answer = match request["method"].as_str().unwrap() {
                "sampling/createMessage" => json!({"role": "assistant", "model": "m",
                    "content": {"type": "text", "text": "sampled"}}),
                "elicitation/create" => json!({"action": "accept", "content": {"name": "Ada"}}),
                _ => json!({"roots": [{"uri": "file:///work"}]}),
            };
            (key.clone(), answer)
        })
        .collect()
}

/// Calls `tool` once (one round) with `state` and `answers`; the input-required result it got
/// (its requests as JSON and its state), or the complete result.
async fn round(
    session: &RunningService<RoleClient, AnsweringClient>,
    tool: &str,
    state: Option<String>,
    answers: Option<InputResponses>,
) -> Result<(Value, String), CallToolResult> {
    let mut params = CallToolRequestParams::new(tool.to_owned());
    params.request_state = state;
    params.input_responses = answers;
    match session.peer().call_tool_once(params).await.unwrap() {
        CallToolResponse::InputRequired(asked) => Ok((
            serde_json::to_value(asked.input_requests.as_ref().unwrap()).unwrap(),
            asked.request_state.unwrap(),
        )),
        CallToolResponse::Complete(result) => Err(result),
        other => panic!("unexpected answer {other:?}"),
    }
}

#[tokio::test]
async fn concurrent_requests_are_asked_together_each_under_its_own_key() {
    let server = AskingUpstream {
        cancelled: Arc::new(tokio::sync::Semaphore::new(0)),
    };
    let gateway = gateway(upstream(server).await, Duration::from_secs(20)).await;
    let client = AnsweringClient::default();
    let session = connect_2026(&gateway.url("/public/remote"), &client).await;

    // One round names all three: under the keys the upstream named, the unnamed one under the
    // gateway's own.
    let (requests, state) = round(&session, "ask_at_once", None, None).await.unwrap();
    assert_eq!(
        requests["name"]["method"], "elicitation/create",
        "{requests}"
    );
    assert_eq!(requests["roots"]["method"], "roots/list", "{requests}");
    assert_eq!(
        requests["upstream_request"]["method"], "sampling/createMessage",
        "{requests}"
    );
    assert_eq!(requests.as_object().unwrap().len(), 3, "{requests}");
    // The key travels in `_meta` between the upstream and the gateway only.
    assert!(
        requests["name"]["params"]["_meta"]
            .get(INPUT_KEY_META)
            .is_none(),
        "{requests}"
    );

    // A state changed by the caller is refused as invalid params (and the call stays parked).
    let mut tampered = CallToolRequestParams::new("ask_at_once");
    tampered.request_state = Some(format!("{state}-TAMPERED"));
    tampered.input_responses = Some(answers_to(&requests));
    let refused = session.peer().call_tool_once(tampered).await.unwrap_err();
    assert!(
        matches!(&refused, rmcp::ServiceError::McpError(error) if error.code == rmcp::model::ErrorCode::INVALID_PARAMS),
        "{refused:?}"
    );

    // A retry that leaves one unanswered is asked it again, under a new state.
    let mut partial = answers_to(&requests);
    partial.remove("roots");
    let (again, next_state) = round(&session, "ask_at_once", Some(state), Some(partial))
        .await
        .unwrap();
    assert_eq!(again.as_object().unwrap().len(), 1, "{again}");
    assert_eq!(again["roots"]["method"], "roots/list", "{again}");

    let result = round(
        &session,
        "ask_at_once",
        Some(next_state),
        Some(answers_to(&again)),
    )
    .await
    .unwrap_err();
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
    session.cancel().await.unwrap();
}

#[tokio::test]
async fn a_prompt_that_asks_mid_request_is_bridged_too() {
    let server = AskingUpstream {
        cancelled: Arc::new(tokio::sync::Semaphore::new(0)),
    };
    let gateway = gateway(upstream(server).await, Duration::from_secs(20)).await;
    let client = AnsweringClient::default();
    let session = connect_2026(&gateway.url("/public/remote"), &client).await;
    let first = session
        .peer()
        .get_prompt_once(GetPromptRequestParams::new("ask_context"))
        .await
        .unwrap();
    let GetPromptResponse::InputRequired(asked) = first else {
        panic!("expected an input-required result, got {first:?}");
    };
    let requests = serde_json::to_value(asked.input_requests.as_ref().unwrap()).unwrap();
    assert_eq!(
        requests["context"]["method"], "elicitation/create",
        "{requests}"
    );
    // The state names the prompt: a tool call cannot take it.
    let state = asked.request_state.clone().unwrap();
    let mut as_tool = CallToolRequestParams::new("ask_context");
    as_tool.request_state = Some(state.clone());
    let refused = session.peer().call_tool_once(as_tool).await.unwrap_err();
    assert!(
        refused.to_string().contains("requestState is unknown"),
        "{refused}"
    );
    let mut retry = GetPromptRequestParams::new("ask_context");
    retry.request_state = Some(state);
    retry.input_responses = Some(answers_to(&requests));
    let second = session.peer().get_prompt_once(retry).await.unwrap();
    let GetPromptResponse::Complete(prompt) = second else {
        panic!("expected the prompt, got {second:?}");
    };
    let message = serde_json::to_value(&prompt.messages[0]).unwrap();
    assert_eq!(message["content"]["text"], "context: Ada", "{message}");
    session.cancel().await.unwrap();
}

#[tokio::test]
async fn a_caller_is_asked_only_what_it_declared() {
    let server = AskingUpstream {
        cancelled: Arc::new(tokio::sync::Semaphore::new(0)),
    };
    let gateway = gateway(upstream(server).await, Duration::from_secs(20)).await;
    let client = AnsweringClient {
        only_sampling: true,
        ..AnsweringClient::default()
    };
    let session = connect_2026(&gateway.url("/public/remote"), &client).await;

    // Of the three at once only the sampling is put to the caller; the upstream hears the
    // other two refused.
    let (requests, state) = round(&session, "ask_at_once", None, None).await.unwrap();
    let methods: Vec<&str> = requests
        .as_object()
        .unwrap()
        .values()
        .map(|request| request["method"].as_str().unwrap())
        .collect();
    assert_eq!(methods, ["sampling/createMessage"], "{requests}");
    let result = round(
        &session,
        "ask_at_once",
        Some(state),
        Some(answers_to(&requests)),
    )
    .await
    .unwrap_err();
    let answers: Value = serde_json::from_str(&text_of(&result)).unwrap();
    assert_eq!(
        answers["sampled"]["content"]["text"], "sampled",
        "{answers}"
    );
    for refused in [&answers["elicited"], &answers["roots"]] {
        assert!(refused["refused"].is_string(), "{answers}");
    }
    session.cancel().await.unwrap();
}

#[tokio::test]
async fn a_bridged_call_s_progress_reaches_the_caller_of_each_round() {
    let server = AskingUpstream {
        cancelled: Arc::new(tokio::sync::Semaphore::new(0)),
    };
    let gateway = gateway(upstream(server).await, Duration::from_secs(20)).await;
    let client = AnsweringClient::default();
    let session = connect_2026(&gateway.url("/public/remote"), &client).await;
    let send = |params: CallToolRequestParams| {
        let peer = session.peer().clone();
        async move {
            let request = ClientRequest::CallToolRequest(CallToolRequest::new(params));
            let handle = peer
                .send_request_with_option(request, PeerRequestOptions::default())
                .await
                .unwrap();
            let token = handle.progress_token.clone();
            let response = match handle.await_response().await.unwrap() {
                ServerResult::CallToolResult(result) => CallToolResponse::Complete(result),
                ServerResult::InputRequiredResult(asked) => CallToolResponse::InputRequired(asked),
                other => panic!("expected a tools/call answer, got {other:?}"),
            };
            (token, response)
        }
    };
    // The upstream reports progress at once, before anything else: it reaches the first
    // round's caller; what it reports as soon as it has the answer reaches the retry's.
    let (first_token, first) = send(CallToolRequestParams::new("progress_then_ask")).await;
    let CallToolResponse::InputRequired(asked) = first else {
        panic!("expected an input-required result, got {first:?}");
    };
    let mut retry = CallToolRequestParams::new("progress_then_ask");
    retry.request_state = asked.request_state.clone();
    retry.input_responses = Some(answers_to(
        &serde_json::to_value(asked.input_requests.as_ref().unwrap()).unwrap(),
    ));
    let (second_token, second) = send(retry).await;
    assert!(
        matches!(second, CallToolResponse::Complete(_)),
        "{second:?}"
    );
    // Notifications are handled in tasks of their own: give them a moment.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut got = client.progress.lock().unwrap().clone();
    got.sort_by(|a, b| a.1.total_cmp(&b.1));
    assert_eq!(got, [(first_token, 1.0), (second_token, 2.0)]);
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
