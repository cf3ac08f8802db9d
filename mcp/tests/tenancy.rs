//! Raw-HTTP checks of what the router refuses: other tenants' servers and sessions, allow-lists,
//! bad credentials, Host/Origin, malformed and oversized messages, unknown sessions, and the
//! 2026-07-28 stateless rules.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]

use crate::common;

use std::collections::BTreeSet;

use common::{Running, caller, embedded, serve, server};
use mcp::{McpConfig, Scope, ToolCallStatus};
use serde_json::{Value, json};
use tenancy::{McpAllowList, ToolFilter};

async fn gateway(config: McpConfig) -> Running {
    let limited = McpAllowList {
        servers: [(
            "kitchen".to_owned(),
            ToolFilter::Only(BTreeSet::from(["echo".to_owned()])),
        )]
        .into(),
    };
    let directory = common::FakeDirectory {
        tokens: [
            ("tok-a".to_owned(), caller("ga", 1, None)),
            ("tok-a2".to_owned(), caller("ga", 2, None)),
            ("tok-b".to_owned(), caller("gb", 3, None)),
            ("tok-limited".to_owned(), caller("ga", 4, Some(limited))),
        ]
        .into(),
        servers: vec![
            server("kitchen", Scope::Public, embedded("everything", &[])),
            server(
                "a-tools",
                Scope::Group("ga".into()),
                embedded("everything", &[]),
            ),
            server("b-tools", Scope::Group("gb".into()), embedded("time", &[])),
        ],
    };
    serve(directory, config).await
}

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    /// The JSON-RPC response in the body (plain JSON or the last `data:` of an SSE body).
    json: Option<Value>,
}

impl Reply {
    fn session(&self) -> String {
        self.headers
            .get("mcp-session-id")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned()
    }
    fn error_code(&self) -> Option<i64> {
        self.json.as_ref()?.get("error")?.get("code")?.as_i64()
    }
}

async fn send(
    method: reqwest::Method,
    url: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> Reply {
    let client = reqwest::Client::new();
    let mut request = client
        .request(method, url)
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json");
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.body(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let is_sse = headers
        .get("content-type")
        .is_some_and(|value| value.to_str().unwrap().starts_with("text/event-stream"));
    let json = if is_sse {
        // Session-era request streams end after the response; read until then.
        let text = response.text().await.unwrap();
        text.lines()
            .rev()
            .filter_map(|line| line.strip_prefix("data:"))
            .filter_map(|data| serde_json::from_str::<Value>(data.trim()).ok())
            .find(|message| message.get("id").is_some())
    } else {
        response
            .text()
            .await
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
    };
    Reply {
        status,
        headers,
        json,
    }
}

async fn post(url: &str, token: &str, headers: &[(&str, &str)], body: Value) -> Reply {
    send(
        reqwest::Method::POST,
        url,
        Some(token),
        headers,
        Some(body.to_string()),
    )
    .await
}

fn initialize() -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
}

fn request(id: i64, method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

/// Opens a session-era session for `token` on `url`; returns its id.
async fn open_session(url: &str, token: &str) -> String {
    let reply = post(url, token, &[], initialize()).await;
    assert_eq!(reply.status, 200, "initialize on {url}");
    let session = reply.session();
    let initialized = json!({"jsonrpc": "2.0", "method": "notifications/initialized"});
    let headers = [
        ("mcp-session-id", session.as_str()),
        ("mcp-protocol-version", "2025-11-25"),
    ];
    assert_eq!(post(url, token, &headers, initialized).await.status, 202);
    session
}

async fn list_tools(url: &str, token: &str, session: &str) -> Reply {
    let headers = [
        ("mcp-session-id", session),
        ("mcp-protocol-version", "2025-11-25"),
    ];
    post(url, token, &headers, request(2, "tools/list", json!({}))).await
}

fn tool_names(reply: &Reply) -> Vec<String> {
    let tools = reply.json.as_ref().unwrap()["result"]["tools"]
        .as_array()
        .unwrap();
    tools
        .iter()
        .map(|tool| tool["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_groups_server_does_not_exist() {
    let gateway = gateway(McpConfig::default()).await;
    // Group B cannot open a session on group A's server, by either transport.
    let reply = post(&gateway.url("/group/a-tools"), "tok-b", &[], initialize()).await;
    assert_eq!(reply.status, 404);
    let sse = send(
        reqwest::Method::GET,
        &gateway.url("/group/a-tools/sse"),
        Some("tok-b"),
        &[],
        None,
    )
    .await;
    assert_eq!(sse.status, 404);
    // Its own group's server of the same name space answers.
    open_session(&gateway.url("/group/b-tools"), "tok-b").await;
    // The aggregated view lists only what group B may use, and refuses group A's tools.
    let session = open_session(&gateway.url(""), "tok-b").await;
    let names = tool_names(&list_tools(&gateway.url(""), "tok-b", &session).await);
    assert!(
        names.contains(&"b-tools__get_current_time".to_owned()),
        "{names:?}"
    );
    assert!(names.contains(&"kitchen__echo".to_owned()), "{names:?}");
    assert!(
        !names.iter().any(|name| name.starts_with("a-tools__")),
        "{names:?}"
    );
    let headers = [
        ("mcp-session-id", session.as_str()),
        ("mcp-protocol-version", "2025-11-25"),
    ];
    let call = request(
        3,
        "tools/call",
        json!({"name": "a-tools__echo", "arguments": {"message": "x"}}),
    );
    let reply = post(&gateway.url(""), "tok-b", &headers, call).await;
    assert_eq!(reply.error_code(), Some(-32602), "{:?}", reply.json);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_belong_to_their_token_and_route() {
    let gateway = gateway(McpConfig::default()).await;
    let url = gateway.url("/public/kitchen");
    let session = open_session(&url, "tok-a").await;
    assert_eq!(list_tools(&url, "tok-a", &session).await.status, 200);
    // Another token of the same group, or the same token on another route: as if unknown.
    assert_eq!(list_tools(&url, "tok-a2", &session).await.status, 404);
    assert_eq!(
        list_tools(&gateway.url("/group/a-tools"), "tok-a", &session)
            .await
            .status,
        404
    );
    let delete = send(
        reqwest::Method::DELETE,
        &url,
        Some("tok-a2"),
        &[("mcp-session-id", &session)],
        None,
    )
    .await;
    assert_eq!(delete.status, 404);
    // The owner still has it, and can end it.
    assert_eq!(list_tools(&url, "tok-a", &session).await.status, 200);
    let delete = send(
        reqwest::Method::DELETE,
        &url,
        Some("tok-a"),
        &[("mcp-session-id", &session)],
        None,
    )
    .await;
    assert!(delete.status < 300, "delete: {}", delete.status);
    assert_eq!(list_tools(&url, "tok-a", &session).await.status, 404);
    // An id never issued.
    assert_eq!(
        list_tools(&url, "tok-a", "no-such-session").await.status,
        404
    );

    // Legacy SSE: the endpoint event names a session only its token can post to.
    let stream = reqwest::Client::new()
        .get(gateway.url("/public/kitchen/sse"))
        .bearer_auth("tok-a")
        .send()
        .await
        .unwrap();
    let mut body = stream.bytes_stream();
    let mut text = String::new();
    while !text.contains("\n\n") {
        let chunk = futures::StreamExt::next(&mut body).await.unwrap().unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(
        text.starts_with("event: endpoint\ndata: /mcp/message?sessionId="),
        "{text}"
    );
    let endpoint = text
        .lines()
        .nth(1)
        .unwrap()
        .trim_start_matches("data: ")
        .to_owned();
    let message_url = format!("http://{}{endpoint}", gateway.address);
    let message = || Some(initialize().to_string());
    let hijack = send(
        reqwest::Method::POST,
        &message_url,
        Some("tok-a2"),
        &[],
        message(),
    )
    .await;
    assert_eq!(hijack.status, 404);
    let owner = send(
        reqwest::Method::POST,
        &message_url,
        Some("tok-a"),
        &[],
        message(),
    )
    .await;
    assert_eq!(owner.status, 202);
    drop(body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allow_list_filters_and_refuses_and_calls_are_reported() {
    let gateway = gateway(McpConfig::default()).await;
    let url = gateway.url("/public/kitchen");
    let session = open_session(&url, "tok-limited").await;
    assert_eq!(
        tool_names(&list_tools(&url, "tok-limited", &session).await),
        ["echo"]
    );
    let headers = [
        ("mcp-session-id", session.as_str()),
        ("mcp-protocol-version", "2025-11-25"),
    ];
    let echo = request(
        3,
        "tools/call",
        json!({"name": "echo", "arguments": {"message": "hello"}}),
    );
    let reply = post(&url, "tok-limited", &headers, echo).await;
    assert_eq!(
        reply.json.unwrap()["result"]["content"][0]["text"],
        "Echo: hello"
    );
    let add = request(
        4,
        "tools/call",
        json!({"name": "add", "arguments": {"a": 1, "b": 2}}),
    );
    assert_eq!(
        post(&url, "tok-limited", &headers, add).await.error_code(),
        Some(-32602)
    );
    // A server outside the allow-list is not there at all.
    assert_eq!(
        post(
            &gateway.url("/group/a-tools"),
            "tok-limited",
            &[],
            initialize()
        )
        .await
        .status,
        404
    );

    let records = gateway.sink.records();
    assert_eq!(records.len(), 2, "{records:?}");
    assert_eq!(
        (records[0].tool.as_str(), &records[0].status),
        ("echo", &ToolCallStatus::Ok)
    );
    assert_eq!(records[0].arguments, Some(json!({"message": "hello"})));
    assert_eq!(
        (records[0].group_id.as_str(), records[0].token_id),
        ("ga", 4)
    );
    assert_eq!(
        (records[1].tool.as_str(), &records[1].status),
        ("add", &ToolCallStatus::Denied)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_host_and_origin() {
    let config = McpConfig {
        allowed_hosts: vec!["127.0.0.1".into(), "gateway.example.com".into()],
        allowed_origins: vec!["https://app.example.com".into()],
        ..McpConfig::default()
    };
    let gateway = gateway(config).await;
    let url = gateway.url("/public/kitchen");
    let body = Some(initialize().to_string());
    let missing = send(reqwest::Method::POST, &url, None, &[], body.clone()).await;
    assert_eq!(missing.status, 401);
    assert_eq!(missing.headers.get("www-authenticate").unwrap(), "Bearer");
    assert_eq!(post(&url, "wrong", &[], initialize()).await.status, 401);
    assert_eq!(post(&url, "disabled", &[], initialize()).await.status, 403);
    assert_eq!(
        post(&url, "tok-a", &[("host", "evil.example.com")], initialize())
            .await
            .status,
        403
    );
    assert_eq!(
        post(
            &url,
            "tok-a",
            &[("host", "gateway.example.com")],
            initialize()
        )
        .await
        .status,
        200
    );
    assert_eq!(
        post(
            &url,
            "tok-a",
            &[("origin", "https://evil.example.com")],
            initialize()
        )
        .await
        .status,
        403
    );
    assert_eq!(
        post(
            &url,
            "tok-a",
            &[("origin", "https://app.example.com")],
            initialize()
        )
        .await
        .status,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_spec_errors() {
    let gateway = gateway(McpConfig {
        max_message_bytes: 2048,
        ..McpConfig::default()
    })
    .await;
    let url = gateway.url("/public/kitchen");
    let raw = |body: &str| {
        send(
            reqwest::Method::POST,
            &url,
            Some("tok-a"),
            &[],
            Some(body.to_owned()),
        )
    };
    let malformed = raw("{not json").await;
    assert_eq!(
        (malformed.status, malformed.error_code()),
        (400, Some(-32700))
    );
    let not_rpc = raw(r#"{"hello": "world"}"#).await;
    assert_eq!((not_rpc.status, not_rpc.error_code()), (400, Some(-32600)));
    let oversized = request(1, "initialize", json!({"padding": "x".repeat(4096)}));
    assert_eq!(post(&url, "tok-a", &[], oversized).await.status, 413);

    let session = open_session(&url, "tok-a").await;
    let headers = [
        ("mcp-session-id", session.as_str()),
        ("mcp-protocol-version", "2025-11-25"),
    ];
    let unknown = post(
        &url,
        "tok-a",
        &headers,
        request(5, "no/such/method", json!({})),
    )
    .await;
    assert_eq!(unknown.error_code(), Some(-32601), "{:?}", unknown.json);
    let unknown_tool = post(
        &url,
        "tok-a",
        &headers,
        request(6, "tools/call", json!({"name": "nope"})),
    )
    .await;
    assert_eq!(
        unknown_tool.error_code(),
        Some(-32602),
        "{:?}",
        unknown_tool.json
    );
    let wrong_version = [
        ("mcp-session-id", session.as_str()),
        ("mcp-protocol-version", "1999-01-01"),
    ];
    assert_eq!(
        post(
            &url,
            "tok-a",
            &wrong_version,
            request(7, "tools/list", json!({}))
        )
        .await
        .status,
        400
    );
    // The session survived all of that.
    assert_eq!(list_tools(&url, "tok-a", &session).await.status, 200);

    // Legacy SSE message endpoint: unknown session, garbage, no session id.
    let message = gateway.url("/message?sessionId=nope");
    let reply = send(
        reqwest::Method::POST,
        &message,
        Some("tok-a"),
        &[],
        Some(request(1, "ping", json!({})).to_string()),
    )
    .await;
    assert_eq!(reply.status, 404);
    let reply = send(
        reqwest::Method::POST,
        &message,
        Some("tok-a"),
        &[],
        Some("{oops".into()),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.error_code(), Some(-32700));
    let reply = send(
        reqwest::Method::POST,
        &gateway.url("/message"),
        Some("tok-a"),
        &[],
        Some("{}".into()),
    )
    .await;
    assert_eq!(reply.status, 400);
}

fn modern_meta() -> Value {
    json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stateless_era_discover_call_and_no_get() {
    let gateway = gateway(McpConfig::default()).await;
    let url = gateway.url("/public/kitchen");
    let version = ("mcp-protocol-version", "2026-07-28");
    let discover = post(
        &url,
        "tok-a",
        &[version, ("mcp-method", "server/discover")],
        request(1, "server/discover", json!({"_meta": modern_meta()})),
    )
    .await;
    assert_eq!(discover.status, 200, "{:?}", discover.json);
    let versions = discover.json.as_ref().unwrap()["result"]["supportedVersions"].clone();
    assert!(
        versions.as_array().unwrap().contains(&json!("2026-07-28")),
        "{:?}",
        discover.json
    );
    assert!(discover.headers.get("mcp-session-id").is_none());

    let call = request(
        2,
        "tools/call",
        json!({"name": "echo", "arguments": {"message": "stateless"}, "_meta": modern_meta()}),
    );
    let reply = post(
        &url,
        "tok-a",
        &[version, ("mcp-method", "tools/call"), ("mcp-name", "echo")],
        call,
    )
    .await;
    assert_eq!(reply.status, 200, "{:?}", reply.json);
    let result = &reply.json.as_ref().unwrap()["result"];
    assert_eq!(result["content"][0]["text"], "Echo: stateless");
    assert_eq!(result["resultType"], "complete");

    // A header naming another tool than the body is refused before the tool runs.
    let call = request(
        3,
        "tools/call",
        json!({"name": "echo", "arguments": {"message": "x"}, "_meta": modern_meta()}),
    );
    let reply = post(
        &url,
        "tok-a",
        &[version, ("mcp-method", "tools/call"), ("mcp-name", "add")],
        call,
    )
    .await;
    assert_eq!(reply.status, 400, "{:?}", reply.json);

    let get = send(
        reqwest::Method::GET,
        &url,
        Some("tok-a"),
        &[version, ("accept", "text/event-stream")],
        None,
    )
    .await;
    assert_eq!(get.status, 405);
    // The group-B isolation holds in this era too.
    let call = request(
        4,
        "tools/call",
        json!({"name": "echo", "arguments": {}, "_meta": modern_meta()}),
    );
    let reply = post(
        &gateway.url("/group/a-tools"),
        "tok-b",
        &[version, ("mcp-method", "tools/call"), ("mcp-name", "echo")],
        call,
    )
    .await;
    assert_eq!(reply.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_server_calls_the_api_with_group_headers() {
    // A one-operation API on loopback that insists on the group's key.
    let api =
        axum::Router::new().route(
            "/pets/{id}",
            axum::routing::get(
                |axum::extract::Path(id): axum::extract::Path<u32>,
                 headers: axum::http::HeaderMap| async move {
                    if headers
                        .get("x-api-key")
                        .is_none_or(|key| key != "group-secret")
                    {
                        return (
                            axum::http::StatusCode::UNAUTHORIZED,
                            axum::Json(json!({"error": "no key"})),
                        );
                    }
                    (
                        axum::http::StatusCode::OK,
                        axum::Json(json!({"id": id, "name": "Rex"})),
                    )
                },
            ),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, api).await.unwrap() });
    let document = json!({
        "openapi": "3.0.3",
        "info": {"title": "pets", "version": "1"},
        "paths": {"/pets/{id}": {"get": {
            "operationId": "getPet",
            "summary": "Get a pet",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "a pet", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}}}}}
        }}}
    });
    let source = |key: &str| {
        mcp::ServerKind::OpenApi(mcp::OpenApiSource {
            document: document.to_string(),
            base_url: Some(api_url.clone()),
            headers: [("x-api-key".to_owned(), key.to_owned())].into(),
            allow_private_network: true,
            compact: false,
            ..Default::default()
        })
    };
    let directory = common::FakeDirectory {
        tokens: [("tok-a".to_owned(), caller("ga", 1, None))].into(),
        servers: vec![
            server("pets", Scope::Group("ga".into()), source("group-secret")),
            server("pets-wrong-key", Scope::Public, source("wrong")),
        ],
    };
    let gateway = serve(directory, McpConfig::default()).await;
    let version = ("mcp-protocol-version", "2026-07-28");
    let call = |id: i64| {
        request(
            id,
            "tools/call",
            json!({"name": "getPet", "arguments": {"id": 7}, "_meta": modern_meta()}),
        )
    };
    let headers = [
        version,
        ("mcp-method", "tools/call"),
        ("mcp-name", "getPet"),
    ];
    let reply = post(&gateway.url("/group/pets"), "tok-a", &headers, call(1)).await;
    let result = &reply.json.as_ref().unwrap()["result"];
    assert_eq!(
        result["structuredContent"],
        json!({"id": 7, "name": "Rex"}),
        "{:?}",
        reply.json
    );
    assert_ne!(result["isError"], true);
    let reply = post(
        &gateway.url("/public/pets-wrong-key"),
        "tok-a",
        &headers,
        call(2),
    )
    .await;
    assert_eq!(
        reply.json.as_ref().unwrap()["result"]["isError"],
        true,
        "{:?}",
        reply.json
    );
}

/// Path arguments of `..` used to climb out of the operation's path (`{a: "..", b: "admin"}`
/// reached `/api/admin`, `..`/`..` the API root) with the server's key attached. Through a
/// real MCP call they are refused and the API sees nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_path_arguments_cannot_climb_out_of_the_operation() {
    let seen: std::sync::Arc<std::sync::Mutex<Vec<String>>> = Default::default();
    let recorder = seen.clone();
    let api = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let recorder = recorder.clone();
        async move {
            recorder.lock().unwrap().push(uri.path().to_owned());
            axum::Json(json!({}))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api_url = format!("http://{}/base", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, api).await.unwrap() });
    let document = json!({
        "openapi": "3.0.3",
        "info": {"title": "nested", "version": "1"},
        "paths": {"/api/{a}/{b}": {"get": {
            "operationId": "nested",
            "parameters": [
                {"name": "a", "in": "path", "required": true, "schema": {"type": "string"}},
                {"name": "b", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok"}}
        }}}
    });
    let directory = common::FakeDirectory {
        tokens: [("tok-a".to_owned(), caller("ga", 1, None))].into(),
        servers: vec![server(
            "nested",
            Scope::Public,
            mcp::ServerKind::OpenApi(mcp::OpenApiSource {
                document: document.to_string(),
                base_url: Some(api_url),
                headers: [("x-api-key".to_owned(), "server-secret".to_owned())].into(),
                allow_private_network: true,
                ..Default::default()
            }),
        )],
    };
    let gateway = serve(directory, McpConfig::default()).await;
    let url = gateway.url("/public/nested");
    for arguments in [
        json!({"a": "..", "b": "admin"}),
        json!({"a": "..", "b": ".."}),
    ] {
        let reply = stateless_call(&url, "tok-a", "nested", arguments.clone()).await;
        let (is_error, text) = result_text(&reply);
        assert!(
            is_error && text.contains("dot segment"),
            "{arguments}: {text}"
        );
    }
    let reply = stateless_call(&url, "tok-a", "nested", json!({"a": "v1", "b": "x"})).await;
    assert!(!result_text(&reply).0, "{:?}", reply.json);
    assert_eq!(*seen.lock().unwrap(), ["/base/api/v1/x"]);
}

/// Calls a tool statelessly (2026-07-28) and returns the JSON-RPC reply.
async fn stateless_call(url: &str, token: &str, tool: &str, arguments: Value) -> Reply {
    let call = request(
        1,
        "tools/call",
        json!({"name": tool, "arguments": arguments, "_meta": modern_meta()}),
    );
    let headers = [
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "tools/call"),
        ("mcp-name", tool),
    ];
    post(url, token, &headers, call).await
}

fn result_text(reply: &Reply) -> (bool, String) {
    let result = &reply.json.as_ref().unwrap()["result"];
    let text = result["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (result["isError"] == true, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_refuses_private_addresses_unless_allowed_and_rechecks_redirects() {
    let site = axum::Router::new()
        .route(
            "/page",
            axum::routing::get(|| async {
                axum::response::Html("<html><body><h1>Hello</h1><p>from <a href=\"/x\">loopback</a></p></body></html>")
            }),
        )
        .route(
            "/to-metadata",
            axum::routing::get(|| async { axum::response::Redirect::temporary("http://169.254.169.254/latest/meta-data/") }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, site).await.unwrap() });
    let directory = common::FakeDirectory {
        tokens: [("tok-a".to_owned(), caller("ga", 1, None))].into(),
        servers: vec![
            server("fetch-strict", Scope::Public, embedded("fetch", &[])),
            server(
                "fetch-open",
                Scope::Public,
                embedded("fetch", &[("allow_private_networks", "true")]),
            ),
        ],
    };
    let gateway = serve(directory, McpConfig::default()).await;
    let strict = gateway.url("/public/fetch-strict");
    let open = gateway.url("/public/fetch-open");
    let page = format!("http://127.0.0.1:{port}/page");

    let (is_error, text) =
        result_text(&stateless_call(&strict, "tok-a", "fetch", json!({"url": page})).await);
    assert!(is_error && text.contains("refused"), "{text}");
    // A name resolving to loopback is caught by the resolver, not only literals.
    let by_name = format!("http://localhost:{port}/page");
    let (is_error, text) =
        result_text(&stateless_call(&strict, "tok-a", "fetch", json!({"url": by_name})).await);
    assert!(is_error && text.contains("refused"), "{text}");

    let (is_error, text) =
        result_text(&stateless_call(&open, "tok-a", "fetch", json!({"url": page})).await);
    assert!(!is_error, "{text}");
    assert!(text.ends_with("# Hello\n\nfrom [loopback](/x)"), "{text}");
    // Allowing private networks never opens the metadata address, even behind a redirect.
    let redirect = format!("http://127.0.0.1:{port}/to-metadata");
    let (is_error, text) =
        result_text(&stateless_call(&open, "tok-a", "fetch", json!({"url": redirect})).await);
    assert!(is_error && text.contains("169.254.169.254"), "{text}");
}

struct FakeAdmin(std::sync::Mutex<std::collections::BTreeMap<String, Value>>);

#[async_trait::async_trait]
impl mcp::AdminHost for FakeAdmin {
    fn authenticate(&self, presented: &str) -> Option<mcp::AdminIdentity> {
        (presented == "admin-key").then(|| mcp::AdminIdentity {
            key_id: 0,
            name: "admin".into(),
        })
    }
    fn resources(&self) -> Vec<mcp::AdminResource> {
        let schema = json!({"type": "object", "properties": {"id": {"type": "string"}, "group_id": {"type": "string"}}});
        vec![mcp::AdminResource {
            name: "tokens".into(),
            description: "api keys".into(),
            item_schema: schema.as_object().unwrap().clone(),
        }]
    }
    async fn list(
        &self,
        _: &mcp::AdminCaller,
        _: &str,
        _: serde_json::Map<String, Value>,
    ) -> Result<Vec<Value>, mcp::AdminError> {
        Ok(self.0.lock().unwrap().values().cloned().collect())
    }
    async fn get(&self, _: &mcp::AdminCaller, _: &str, id: &str) -> Result<Value, mcp::AdminError> {
        self.0
            .lock()
            .unwrap()
            .get(id)
            .cloned()
            .ok_or_else(|| mcp::AdminError::NotFound(id.into()))
    }
    async fn put(
        &self,
        _: &mcp::AdminCaller,
        _: &str,
        item: Value,
    ) -> Result<Value, mcp::AdminError> {
        let id = item["id"]
            .as_str()
            .ok_or_else(|| mcp::AdminError::Invalid("id is required".into()))?
            .to_owned();
        self.0.lock().unwrap().insert(id, item.clone());
        Ok(item)
    }
    async fn delete(&self, _: &mcp::AdminCaller, _: &str, id: &str) -> Result<(), mcp::AdminError> {
        self.0
            .lock()
            .unwrap()
            .remove(id)
            .map(|_| ())
            .ok_or_else(|| mcp::AdminError::NotFound(id.into()))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_server_answers_the_admin_key_only() {
    let directory = common::FakeDirectory {
        tokens: [("tok-a".to_owned(), caller("ga", 1, None))].into(),
        servers: vec![],
    };
    let options = mcp::McpServiceOptions {
        admin: Some(std::sync::Arc::new(FakeAdmin(Default::default()))),
        ..mcp::McpServiceOptions::default()
    };
    let gateway = common::serve_with(directory, McpConfig::default(), options).await;
    let url = gateway.url("/admin");
    assert_eq!(post(&url, "tok-a", &[], initialize()).await.status, 401);
    let session = open_session(&url, "admin-key").await;
    let names = tool_names(&list_tools(&url, "admin-key", &session).await);
    assert_eq!(
        names,
        ["tokens_list", "tokens_get", "tokens_put", "tokens_delete"]
    );

    let put = stateless_call(
        &url,
        "admin-key",
        "tokens_put",
        json!({"item": {"id": "t1", "group_id": "ga"}}),
    )
    .await;
    assert!(!result_text(&put).0, "{:?}", put.json);
    let (is_error, text) =
        result_text(&stateless_call(&url, "admin-key", "tokens_get", json!({"id": "t1"})).await);
    assert!(!is_error && text.contains("\"group_id\":\"ga\""), "{text}");
    let (is_error, text) =
        result_text(&stateless_call(&url, "admin-key", "tokens_get", json!({"id": "nope"})).await);
    assert!(is_error && text.contains("not found"), "{text}");
    let records = gateway.sink.records();
    assert_eq!(records.len(), 3);
    assert!(
        records
            .iter()
            .all(|record| record.server_id == "aiproxy-admin" && record.token_name == "admin")
    );
}
