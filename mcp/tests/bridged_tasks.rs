//! A session-era upstream's bridged call carried on as a gateway task for a 2026-07-28 caller that takes tasks; a bridged prompt through the aggregate.
//!
//! The caller answers the upstream's first question in an input-required round; the round that
//! brings the answer comes back as a task (SEP-2663's composition of the input-required rounds
//! with tasks), the upstream call its background run: the upstream's next question shows as the
//! task's `input_required` status, answered with `tasks/update`, and its result as the task's.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use crate::common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use common::{FakeDirectory, caller, remote_detected, serve, server};
use mcp::{McpConfig, Scope, ServerKind, VirtualComposition, VirtualPrompt};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ClientCapabilities, ClientConfig,
    ContentBlock, GetPromptRequestParams, GetPromptResponse, GetPromptResult, GetTaskParams,
    Implementation, InputResponses, ListPromptsResult, ListToolsResult, PaginatedRequestParams,
    Prompt, PromptMessage, ProtocolVersion, Role, ServerCapabilities, ServerConfig, ServerRequest,
    Tool, UpdateTaskParams,
};
use rmcp::service::{
    ClientLifecycleMode, ClientServiceExt, RequestContext, RoleClient, RoleServer, RunningService,
};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::streamable_http_server::StreamableHttpService;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::{ClientHandler, ErrorData, ServerHandler};
use serde_json::{Value, json};

const TOKEN: &str = "tok-a";

/// The `_meta` key a session-era server names its request's key under (see
/// `caller_requests.rs`).
const INPUT_KEY_META: &str = "aiproxy/inputKey";

/// A session-era rmcp server that declares the tasks extension (without ever running a task
/// itself). `ask_twice` asks its client for a name (key `first`), then for a colour (key
/// `second`), mid-call, and answers with both; the prompt `ask_context` asks for a context
/// (key `context`) mid-request.
#[derive(Clone)]
struct TwoQuestions;

/// Asks the client `context` reaches `question` (a form of one string field `field`) under
/// `key`; the field's answer.
async fn ask(context: &RequestContext<RoleServer>, key: &str, field: &str) -> String {
    let request: ServerRequest = serde_json::from_value(json!({
        "method": "elicitation/create", "params": {
            "mode": "form", "message": format!("your {field}?"), "requestedSchema": {
                "type": "object", "properties": {field: {"type": "string"}}},
            "_meta": {INPUT_KEY_META: key}}
    }))
    .unwrap();
    let answer = context.peer.send_request(request).await.unwrap();
    let answer = serde_json::to_value(answer).unwrap();
    answer["content"][field].as_str().unwrap().to_owned()
}

impl ServerHandler for TwoQuestions {
    fn get_info(&self) -> ServerConfig {
        let capabilities: ServerCapabilities = serde_json::from_value(json!({
            "tools": {}, "prompts": {},
            "extensions": {"io.modelcontextprotocol/tasks": {}}
        }))
        .unwrap();
        ServerConfig::new(capabilities)
    }

    fn supported_protocol_versions(&self) -> std::borrow::Cow<'static, [ProtocolVersion]> {
        std::borrow::Cow::Owned(vec![ProtocolVersion::V_2025_11_25])
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let schema: Arc<rmcp::model::JsonObject> =
            Arc::new(serde_json::from_value(json!({"type": "object"})).unwrap());
        Ok(ListToolsResult::with_all_items(vec![Tool::new(
            "ask_twice",
            "asks two questions mid-call",
            schema,
        )]))
    }

    async fn call_tool(
        &self,
        _request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let name = ask(&context, "first", "name").await;
        let colour = ask(&context, "second", "colour").await;
        Ok(CallToolResponse::Complete(CallToolResult::success(vec![
            ContentBlock::text(format!("{name} likes {colour}")),
        ])))
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

    async fn get_prompt(
        &self,
        _request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        let text = ask(&context, "context", "name").await;
        Ok(GetPromptResponse::Complete(GetPromptResult::new(vec![
            PromptMessage::new_text(Role::User, format!("context: {text}")),
        ])))
    }
}

/// Serves [`TwoQuestions`] over Streamable HTTP with sessions on a fresh port.
async fn upstream() -> String {
    let mut config = rmcp::transport::streamable_http_server::StreamableHttpServerConfig::default();
    config.legacy_session_mode = true;
    let service = StreamableHttpService::new(
        || Ok(TwoQuestions),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let app = axum::Router::new().nest_service("/mcp", service);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}/mcp")
}

/// A 2026-07-28 client that declares form elicitation, and the tasks extension when `tasks`;
/// it answers every round itself (the test drives the rounds).
#[derive(Clone)]
struct Client {
    tasks: bool,
}

impl ClientHandler for Client {
    fn get_info(&self) -> ClientConfig {
        let mut declared = json!({"elicitation": {"form": {}}});
        if self.tasks {
            declared["extensions"] = json!({"io.modelcontextprotocol/tasks": {}});
        }
        let capabilities: ClientCapabilities = serde_json::from_value(declared).unwrap();
        ClientConfig::new(capabilities, Implementation::new("tasks-client", "1"))
            .with_protocol_version(ProtocolVersion::V_2026_07_28)
    }
}

/// The gateway proxying [`TwoQuestions`] as `remote` (the revision detected: it falls back to
/// the session era).
async fn gateway() -> common::Running {
    let remote = server(
        "remote",
        Scope::Public,
        ServerKind::ProxyStreamable(remote_detected(upstream().await, &[])),
    );
    // A virtual server showing the upstream's prompt under a name of its own.
    let composed = VirtualComposition {
        prompts: vec![VirtualPrompt {
            server: "remote".into(),
            prompt: "ask_context".into(),
            name: Some("context".into()),
            description: None,
            defaults: BTreeMap::new(),
        }],
        sources: vec![(*remote).clone()],
        ..VirtualComposition::default()
    };
    let kit = server("kit", Scope::Public, ServerKind::Virtual(composed));
    let directory = FakeDirectory {
        tokens: [(TOKEN.to_owned(), caller("ga", 1, None))].into(),
        servers: vec![remote, kit],
    };
    let config = McpConfig {
        upstream_timeout: Duration::from_secs(20),
        ..McpConfig::default()
    };
    serve(directory, config).await
}

async fn connect(url: &str, tasks: bool) -> RunningService<RoleClient, Client> {
    let config = StreamableHttpClientTransportConfig::with_uri(url).auth_header(TOKEN);
    let transport = StreamableHttpClientTransport::with_client(reqwest::Client::new(), config);
    Client { tasks }
        .serve_with_lifecycle(
            transport,
            ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
        )
        .await
        .unwrap()
}

/// One round of `ask_twice` (the retry's `state` and `answers`, none on the first) as JSON.
async fn call_round(
    session: &RunningService<RoleClient, Client>,
    tool: &str,
    state: Option<String>,
    answers: Option<InputResponses>,
) -> Value {
    let mut params = CallToolRequestParams::new(tool.to_owned());
    params.request_state = state;
    params.input_responses = answers;
    match session.peer().call_tool_once(params).await.unwrap() {
        CallToolResponse::Complete(result) => serde_json::to_value(result).unwrap(),
        CallToolResponse::InputRequired(asked) => serde_json::to_value(asked).unwrap(),
        CallToolResponse::Task(created) => serde_json::to_value(created).unwrap(),
        other => panic!("unexpected answer {other:?}"),
    }
}

fn elicited(field: &str, value: &str) -> Value {
    json!({"action": "accept", "content": {field: value}})
}

/// Polls `tasks/get` of `id` until its status is `status`; the task as JSON.
async fn task_until(session: &RunningService<RoleClient, Client>, id: &str, status: &str) -> Value {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let task = session
            .peer()
            .get_task(GetTaskParams::new(id))
            .await
            .unwrap();
        let task = serde_json::to_value(task).unwrap();
        if task["status"] == status {
            return task;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "task never became {status}: {task}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_round_that_brings_the_answers_becomes_a_task_of_the_gateway() {
    let gateway = gateway().await;
    let session = connect(&gateway.url("/public/remote"), true).await;

    // The first round is synchronous: the upstream's question, no task yet.
    let first = call_round(&session, "ask_twice", None, None).await;
    assert_eq!(first["resultType"], "input_required", "{first}");
    assert!(first.get("taskId").is_none(), "{first}");
    assert_eq!(
        first["inputRequests"]["first"]["method"], "elicitation/create",
        "{first}"
    );
    let state = first["requestState"].as_str().unwrap().to_owned();

    // The retry that answers it comes back as a task, without the rounds' state.
    let answers: InputResponses = [("first".to_owned(), elicited("name", "Ada"))].into();
    let created = call_round(&session, "ask_twice", Some(state.clone()), Some(answers)).await;
    assert_eq!(created["resultType"], "task", "{created}");
    assert!(created.get("requestState").is_none(), "{created}");
    assert!(created.get("inputRequests").is_none(), "{created}");
    let id = created["taskId"].as_str().unwrap().to_owned();

    // The state served that retry: the call is the task's now.
    let mut again = CallToolRequestParams::new("ask_twice");
    again.request_state = Some(state);
    again.input_responses = Some([("first".to_owned(), elicited("name", "Ada"))].into());
    let refused = session.peer().call_tool_once(again).await.unwrap_err();
    assert!(
        refused.to_string().contains("requestState is unknown"),
        "{refused}"
    );

    // The upstream's next question is the task's: asked by its status, answered by
    // `tasks/update`.
    let waiting = task_until(&session, &id, "input_required").await;
    assert_eq!(
        waiting["inputRequests"]["second"]["method"], "elicitation/create",
        "{waiting}"
    );
    session
        .peer()
        .update_task(UpdateTaskParams::new(
            id.clone(),
            [("second".to_owned(), elicited("colour", "green"))].into(),
        ))
        .await
        .unwrap();
    let done = task_until(&session, &id, "completed").await;
    assert_eq!(
        done["result"]["content"][0]["text"], "Ada likes green",
        "{done}"
    );
    session.cancel().await.unwrap();
}

#[tokio::test]
async fn a_caller_without_tasks_answers_every_round_synchronously() {
    let gateway = gateway().await;
    let session = connect(&gateway.url("/public/remote"), false).await;
    let first = call_round(&session, "ask_twice", None, None).await;
    let state = first["requestState"].as_str().unwrap().to_owned();
    let answers: InputResponses = [("first".to_owned(), elicited("name", "Ada"))].into();
    let second = call_round(&session, "ask_twice", Some(state), Some(answers)).await;
    assert_eq!(second["resultType"], "input_required", "{second}");
    assert!(second.get("taskId").is_none(), "{second}");
    let state = second["requestState"].as_str().unwrap().to_owned();
    let answers: InputResponses = [("second".to_owned(), elicited("colour", "green"))].into();
    let done = call_round(&session, "ask_twice", Some(state), Some(answers)).await;
    assert_eq!(done["content"][0]["text"], "Ada likes green", "{done}");
    session.cancel().await.unwrap();
}

/// Gets `name` from `url` as a 2026-07-28 caller that answers the upstream's question in a
/// second round; the prompt's text.
async fn bridged_prompt(url: &str, name: &str) -> String {
    let session = connect(url, false).await;
    let first = session
        .peer()
        .get_prompt_once(GetPromptRequestParams::new(name))
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
    let mut retry = GetPromptRequestParams::new(name);
    retry.request_state = asked.request_state.clone();
    retry.input_responses = Some([("context".to_owned(), elicited("name", "Ada"))].into());
    let second = session.peer().get_prompt_once(retry).await.unwrap();
    let GetPromptResponse::Complete(prompt) = second else {
        panic!("expected the prompt, got {second:?}");
    };
    let message = serde_json::to_value(&prompt.messages[0]).unwrap();
    session.cancel().await.unwrap();
    message["content"]["text"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_prompt_through_the_aggregate_or_a_virtual_server_is_bridged_too() {
    let gateway = gateway().await;
    let aggregated = bridged_prompt(&gateway.url(""), "remote__ask_context").await;
    assert_eq!(aggregated, "context: Ada");
    let composed = bridged_prompt(&gateway.url("/public/kit"), "context").await;
    assert_eq!(composed, "context: Ada");
}
