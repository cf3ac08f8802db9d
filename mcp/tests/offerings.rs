//! Resources, templates, prompts and completions through proxies and the aggregate: rmcp and Python clients, allow-lists, notifications.
//!
//! Records of reads and prompt gets too.

use std::time::Duration;

use mcp::{McpConfig, Scope, ServerKind, ToolCallStatus};
use rmcp::model::{
    ArgumentInfo, ClientCapabilities, ClientConfig, CompleteRequestParams, ErrorCode,
    GetPromptRequestParams, Implementation, ReadResourceRequestParams, Reference, ResourceContents,
    ResourceUpdatedNotificationParam, SubscribeRequestParams,
};
use rmcp::service::{NotificationContext, RoleClient, RunningService, ServiceError};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ClientHandler, ServiceExt};
use serde_json::{Value, json};
use tenancy::{McpAllowList, ToolFilter};
use tokio::sync::mpsc;

use crate::common::{self, FakeDirectory, caller, embedded, python_client, remote, serve, server};

/// What a test client heard from the server besides answers.
#[derive(Debug, PartialEq)]
pub(crate) enum Heard {
    Updated(String),
    ToolsChanged,
    ResourcesChanged,
}

/// A session-era client that reports the notifications it hears.
#[derive(Clone)]
pub(crate) struct Recorder(mpsc::UnboundedSender<Heard>);

impl ClientHandler for Recorder {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("offerings-test", "1"),
        )
    }

    async fn on_resource_updated(
        &self,
        params: ResourceUpdatedNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        let _ = self.0.send(Heard::Updated(params.uri));
    }

    async fn on_tool_list_changed(&self, _context: NotificationContext<RoleClient>) {
        let _ = self.0.send(Heard::ToolsChanged);
    }

    async fn on_resource_list_changed(&self, _context: NotificationContext<RoleClient>) {
        let _ = self.0.send(Heard::ResourcesChanged);
    }
}

pub(crate) type Client = RunningService<RoleClient, Recorder>;

pub(crate) async fn client(url: String, token: &str) -> (Client, mpsc::UnboundedReceiver<Heard>) {
    let (sender, heard) = mpsc::unbounded_channel();
    let config = StreamableHttpClientTransportConfig::with_uri(url).auth_header(token);
    let transport = StreamableHttpClientTransport::with_client(reqwest::Client::new(), config);
    (Recorder(sender).serve(transport).await.unwrap(), heard)
}

pub(crate) fn text_of(contents: &ResourceContents) -> (&str, &str) {
    match contents {
        ResourceContents::TextResourceContents { uri, text, .. } => (uri, text),
        ResourceContents::BlobResourceContents { uri, blob, .. } => (uri, blob),
        other => panic!("unexpected contents {other:?}"),
    }
}

pub(crate) fn error_code(error: ServiceError) -> ErrorCode {
    match error {
        ServiceError::McpError(error) => error.code,
        other => panic!("not a JSON-RPC error: {other}"),
    }
}

/// Checks one route serving the `everything` fixture under `prefix` (empty on a server's own
/// route): resources, templates, prompts, completions and a subscription.
pub(crate) async fn check_everything(
    label: &str,
    client: &Client,
    uri: impl Fn(&str) -> String,
    prompt: impl Fn(&str) -> String,
) {
    let peer = client.peer();
    let capabilities = peer.peer_info().unwrap().capabilities.clone();
    assert!(
        capabilities.resources.is_some(),
        "{label}: {capabilities:?}"
    );
    assert!(capabilities.prompts.is_some(), "{label}");
    assert!(capabilities.completions.is_some(), "{label}");

    let resources = peer.list_resources(None).await.unwrap().resources;
    let uris: Vec<&str> = resources.iter().map(|r| r.uri.as_str()).collect();
    for expected in [
        "test://static-text",
        "test://static-binary",
        "test://watched-resource",
    ] {
        assert!(uris.contains(&uri(expected).as_str()), "{label}: {uris:?}");
    }
    let read = peer
        .read_resource(ReadResourceRequestParams::new(uri("test://static-text")))
        .await
        .unwrap();
    assert_eq!(
        text_of(&read.contents[0]),
        (
            uri("test://static-text").as_str(),
            "This is the content of the static text resource."
        ),
        "{label}"
    );
    let templates = peer.list_resource_templates(None).await.unwrap();
    let template = uri("test://template/{id}/data");
    assert!(
        templates
            .resource_templates
            .iter()
            .any(|listed| listed.uri_template == template),
        "{label}: {templates:?}"
    );
    // What a client does with a template: expand it, then read the result.
    let expanded = template.replace("{id}", "123");
    let read = peer
        .read_resource(ReadResourceRequestParams::new(expanded))
        .await
        .unwrap();
    assert!(
        text_of(&read.contents[0]).1.contains("Data for ID: 123"),
        "{label}"
    );
    let missing = peer
        .read_resource(ReadResourceRequestParams::new(uri("test://no-such-thing")))
        .await
        .unwrap_err();
    assert_eq!(error_code(missing), ErrorCode::INVALID_PARAMS, "{label}");

    let prompts = peer.list_prompts(None).await.unwrap().prompts;
    let names: Vec<&str> = prompts.iter().map(|p| p.name.as_str()).collect();
    assert!(
        names.contains(&prompt("test_prompt_with_arguments").as_str()),
        "{label}: {names:?}"
    );
    let mut get = GetPromptRequestParams::new(prompt("test_prompt_with_arguments"));
    get.arguments = json!({"arg1": "hello", "arg2": "world"})
        .as_object()
        .cloned();
    let got = peer.get_prompt(get).await.unwrap();
    assert_eq!(
        serde_json::to_value(&got.messages[0].content).unwrap()["text"],
        "Prompt with arguments: arg1='hello', arg2='world'",
        "{label}"
    );

    let completion = peer
        .complete(CompleteRequestParams::new(
            Reference::for_prompt(prompt("test_prompt_with_arguments")),
            ArgumentInfo::new("arg1", "par"),
        ))
        .await
        .unwrap();
    assert_eq!(
        completion.completion.values,
        ["paris", "park", "party"],
        "{label}"
    );

    #[expect(
        deprecated,
        reason = "the session era's subscription is what is tested"
    )]
    let subscribed = peer
        .subscribe(SubscribeRequestParams::new(uri("test://watched-resource")))
        .await;
    subscribed.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxies_and_the_aggregate_forward_resources_prompts_and_completions() {
    let upstream = common::upstream().await;
    let secret = [("Authorization", "Bearer upstream-secret")];
    let directory = FakeDirectory {
        tokens: [("tok-a".to_owned(), caller("ga", 1, None))].into(),
        servers: vec![
            server("kitchen", Scope::Public, embedded("everything", &[])),
            server(
                "stream",
                Scope::Public,
                ServerKind::ProxyStreamable(remote(upstream.url("/public/everything"), &secret)),
            ),
            server(
                "sse",
                Scope::Public,
                ServerKind::ProxySse(remote(upstream.url("/public/everything/sse"), &secret)),
            ),
        ],
    };
    let gateway = serve(directory, McpConfig::default()).await;
    for route in ["kitchen", "stream", "sse"] {
        let (client, _) = client(gateway.url(&format!("/public/{route}")), "tok-a").await;
        check_everything(route, &client, str::to_owned, str::to_owned).await;
    }
    let (client, _) = client(gateway.url(""), "tok-a").await;
    for route in ["kitchen", "stream", "sse"] {
        check_everything(
            &format!("aggregated {route}"),
            &client,
            |uri| format!("aiproxy://{route}/{uri}"),
            |name| format!("{route}__{name}"),
        )
        .await;
    }
    // Reads and prompt gets are recorded like tool calls, under the server the caller named.
    let records = gateway.sink.records();
    for route in ["kitchen", "stream", "sse"] {
        assert!(
            records.iter().any(|r| r.server_id == route
                && r.tool == "resources/read"
                && r.status == ToolCallStatus::Ok
                && r.arguments == Some(json!({"uri": "test://static-text"}))
                || r.server_id == route
                    && r.arguments
                        == Some(json!({"uri": format!("aiproxy://{route}/test://static-text")}))),
            "{route}: {records:?}"
        );
        assert!(
            records
                .iter()
                .any(|r| r.server_id == route && r.tool == "prompt:test_prompt_with_arguments"),
            "{route}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_aggregate_applies_allow_lists_to_resources_and_prompts() {
    let upstream = common::upstream().await;
    let secret = [("Authorization", "Bearer upstream-secret")];
    // tok-b may use every part of `kitchen` but only `test_simple_prompt` of `stream`.
    let allow = McpAllowList {
        servers: [
            ("kitchen".to_owned(), ToolFilter::All),
            (
                "stream".to_owned(),
                ToolFilter::Only(["test_simple_prompt".to_owned()].into()),
            ),
        ]
        .into(),
    };
    let directory = FakeDirectory {
        tokens: [
            ("tok-a".to_owned(), caller("ga", 1, None)),
            ("tok-b".to_owned(), caller("ga", 2, Some(allow))),
        ]
        .into(),
        servers: vec![
            server("kitchen", Scope::Public, embedded("everything", &[])),
            server(
                "stream",
                Scope::Public,
                ServerKind::ProxyStreamable(remote(upstream.url("/public/everything"), &secret)),
            ),
        ],
    };
    let gateway = serve(directory, McpConfig::default()).await;

    let (full, _) = client(gateway.url(""), "tok-a").await;
    let resources = full.peer().list_resources(None).await.unwrap().resources;
    assert_eq!(resources.len(), 6, "{resources:?}");

    let (narrow, _) = client(gateway.url(""), "tok-b").await;
    let peer = narrow.peer();
    let uris: Vec<String> = peer
        .list_resources(None)
        .await
        .unwrap()
        .resources
        .into_iter()
        .map(|r| r.uri)
        .collect();
    assert!(
        uris.iter().all(|uri| uri.starts_with("aiproxy://kitchen/")),
        "{uris:?}"
    );
    assert_eq!(uris.len(), 3, "{uris:?}");
    let mut prompts: Vec<String> = peer
        .list_prompts(None)
        .await
        .unwrap()
        .prompts
        .into_iter()
        .map(|p| p.name)
        .collect();
    prompts.sort();
    assert!(
        prompts.contains(&"stream__test_simple_prompt".to_owned()),
        "{prompts:?}"
    );
    assert!(
        !prompts.contains(&"stream__test_prompt_with_image".to_owned()),
        "{prompts:?}"
    );
    assert_eq!(prompts.len(), 6, "{prompts:?}");

    // A resource or prompt it may not use is answered like one that does not exist.
    let refused = peer
        .read_resource(ReadResourceRequestParams::new(
            "aiproxy://stream/test://static-text",
        ))
        .await
        .unwrap_err();
    assert_eq!(error_code(refused), ErrorCode::INVALID_PARAMS);
    let refused = peer
        .get_prompt(GetPromptRequestParams::new(
            "stream__test_prompt_with_image",
        ))
        .await
        .unwrap_err();
    assert_eq!(error_code(refused), ErrorCode::INVALID_PARAMS);
    let allowed = peer
        .get_prompt(GetPromptRequestParams::new("stream__test_simple_prompt"))
        .await
        .unwrap();
    assert_eq!(allowed.messages.len(), 1);

    let denied: Vec<_> = gateway
        .sink
        .records()
        .into_iter()
        .filter(|r| r.token_id == 2 && r.status == ToolCallStatus::Denied)
        .map(|r| (r.server_id, r.tool))
        .collect();
    assert_eq!(
        denied,
        [
            ("stream".to_owned(), "resources/read".to_owned()),
            (
                "stream".to_owned(),
                "prompt:test_prompt_with_image".to_owned()
            )
        ]
    );
}

/// An upstream whose resource changes: answers a subscription, then reports the resource
/// updated and its tool list changed, as a server whose state moved on would.
pub(crate) mod changing {
    use rmcp::model::{
        ListResourcesResult, PaginatedRequestParams, ReadResourceRequestParams,
        ReadResourceResponse, ReadResourceResult, Resource, ResourceContents, ServerCapabilities,
        ServerConfig, SubscribeRequestParams,
    };
    use rmcp::service::{RequestContext, RoleServer};
    use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
    use rmcp::transport::streamable_http_server::{
        StreamableHttpServerConfig, StreamableHttpService,
    };
    use rmcp::{ErrorData, ServerHandler};

    pub const URI: &str = "mem://note";

    #[derive(Clone)]
    pub struct Changing;

    impl ServerHandler for Changing {
        fn get_info(&self) -> ServerConfig {
            ServerConfig::new(
                ServerCapabilities::builder()
                    .enable_tools()
                    .enable_tool_list_changed()
                    .enable_resources()
                    .enable_resources_subscribe()
                    .enable_resources_list_changed()
                    .build(),
            )
        }

        async fn list_resources(
            &self,
            _request: Option<PaginatedRequestParams>,
            _context: RequestContext<RoleServer>,
        ) -> Result<ListResourcesResult, ErrorData> {
            Ok(ListResourcesResult::with_all_items(vec![Resource::new(
                URI, "note",
            )]))
        }

        async fn read_resource(
            &self,
            request: ReadResourceRequestParams,
            _context: RequestContext<RoleServer>,
        ) -> Result<ReadResourceResponse, ErrorData> {
            Ok(ReadResourceResult::new(vec![ResourceContents::text("note", request.uri)]).into())
        }

        async fn subscribe(
            &self,
            request: SubscribeRequestParams,
            context: RequestContext<RoleServer>,
        ) -> Result<(), ErrorData> {
            // After the answer: the change reaches the client on its session's stream.
            let peer = context.peer.clone();
            tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                let _ = peer
                    .notify_resource_updated(rmcp::model::ResourceUpdatedNotificationParam::new(
                        request.uri,
                    ))
                    .await;
                let _ = peer.notify_tool_list_changed().await;
            });
            Ok(())
        }
    }

    /// Serves [`Changing`] on a fresh port; its URL.
    pub async fn serve() -> String {
        let service = StreamableHttpService::new(
            || Ok(Changing),
            LocalSessionManager::default().into(),
            StreamableHttpServerConfig::default(),
        );
        let app = axum::Router::new().nest_service("/mcp", service);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{address}/mcp")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_updates_and_list_changes_reach_the_sessions_that_listen() {
    let upstream = changing::serve().await;
    let directory = FakeDirectory {
        tokens: [("tok-a".to_owned(), caller("ga", 1, None))].into(),
        servers: vec![server(
            "notes",
            Scope::Public,
            ServerKind::ProxyStreamable(remote(upstream, &[])),
        )],
    };
    let gateway = serve(directory, McpConfig::default()).await;
    let (direct, mut direct_heard) = client(gateway.url("/public/notes"), "tok-a").await;
    let (aggregated, mut aggregated_heard) = client(gateway.url(""), "tok-a").await;
    let capabilities = direct.peer().peer_info().unwrap().capabilities.clone();
    assert_eq!(
        capabilities.resources.and_then(|r| r.subscribe),
        Some(true),
        "the upstream's capabilities are advertised"
    );

    #[expect(
        deprecated,
        reason = "the session era's subscription is what is tested"
    )]
    let subscribed = aggregated
        .peer()
        .subscribe(SubscribeRequestParams::new(format!(
            "aiproxy://notes/{}",
            changing::URI
        )))
        .await;
    subscribed.unwrap();

    let within = Duration::from_secs(10);
    let mut heard = Vec::new();
    while heard.len() < 2 {
        let next = tokio::time::timeout(within, aggregated_heard.recv())
            .await
            .expect("the aggregated session heard nothing")
            .unwrap();
        heard.push(next);
    }
    assert!(
        heard.contains(&Heard::Updated(format!(
            "aiproxy://notes/{}",
            changing::URI
        ))),
        "{heard:?}"
    );
    assert!(heard.contains(&Heard::ToolsChanged), "{heard:?}");
    // The direct session did not subscribe, but it uses the server: it hears the list change
    // and not the update.
    let next = tokio::time::timeout(within, direct_heard.recv())
        .await
        .expect("the direct session heard nothing")
        .unwrap();
    assert_eq!(next, Heard::ToolsChanged);
    drop(direct);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_reads_resources_and_gets_prompts_through_proxies() {
    if !common::external_clients("Python with the official mcp client") {
        return;
    }
    let upstream = common::upstream().await;
    let secret = [("Authorization", "Bearer upstream-secret")];
    let directory = FakeDirectory {
        tokens: [("tok-a".to_owned(), caller("ga", 1, None))].into(),
        servers: vec![
            server(
                "stream",
                Scope::Public,
                ServerKind::ProxyStreamable(remote(upstream.url("/public/everything"), &secret)),
            ),
            server(
                "sse",
                Scope::Public,
                ServerKind::ProxySse(remote(upstream.url("/public/everything/sse"), &secret)),
            ),
        ],
    };
    let gateway = serve(directory, McpConfig::default()).await;
    let spec = |url: String, transport: &str, mode: &str, uri: &str, prompt: &str| {
        json!({
            "url": url, "token": "tok-a", "transport": transport, "mode": mode,
            "reads": [uri],
            "prompts": [{"name": prompt, "args": {"arg1": "a", "arg2": "b"}}]
        })
    };
    let cases = [
        (
            "auto stream",
            spec(
                gateway.url("/public/stream"),
                "streamable",
                "auto",
                "test://static-text",
                "test_prompt_with_arguments",
            ),
        ),
        (
            "legacy stream",
            spec(
                gateway.url("/public/stream"),
                "streamable",
                "legacy",
                "test://static-text",
                "test_prompt_with_arguments",
            ),
        ),
        (
            "sse to sse",
            spec(
                gateway.url("/public/sse/sse"),
                "sse",
                "legacy",
                "test://static-text",
                "test_prompt_with_arguments",
            ),
        ),
        (
            "auto aggregated",
            spec(
                gateway.url(""),
                "streamable",
                "auto",
                "aiproxy://sse/test://static-text",
                "sse__test_prompt_with_arguments",
            ),
        ),
        (
            "legacy aggregated",
            spec(
                gateway.url(""),
                "streamable",
                "legacy",
                "aiproxy://stream/test://static-text",
                "stream__test_prompt_with_arguments",
            ),
        ),
    ];
    let outputs = python_client(cases.iter().map(|(_, spec)| spec.clone()).collect()).await;
    for ((label, spec), out) in cases.iter().zip(outputs) {
        assert!(out.get("error").is_none(), "{label}: {out}");
        let uri = spec["reads"][0].as_str().unwrap();
        let listed: Vec<&str> = out["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap())
            .collect();
        assert!(listed.contains(&uri), "{label}: {out}");
        let read: &Value = &out["read"][0][0];
        assert_eq!(
            read["text"], "This is the content of the static text resource.",
            "{label}: {out}"
        );
        assert_eq!(read["uri"], uri, "{label}: {out}");
        assert_eq!(
            out["got"][0][0]["content"]["text"], "Prompt with arguments: arg1='a', arg2='b'",
            "{label}: {out}"
        );
    }
}
