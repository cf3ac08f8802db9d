//! The seed's MCP test routes (`/api/test-embedmcp/*`, `/api/test-publicmcp/*`): sessions with the admin key, group parameters upstream, the refusals.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use futures::StreamExt;
use hub::edges::grpc::pb;
use hub::edges::grpc::pb::access_service_client::AccessServiceClient;
use serde_json::{Value, json};

use crate::support::{self, ADMIN_KEY, TestHub, admin, control_channel};

const TOKEN: &str = "sk-acme-rest-mcp-try-01";

/// The `X-Tenant-Key` header of every `tools/call` the upstream received.
type Seen = Arc<Mutex<Vec<String>>>;

/// A Streamable HTTP MCP upstream answering with plain JSON: one tool, `echo`, answering
/// `called echo`; it keeps the tenant header each call came with.
async fn upstream(seen: Seen) -> String {
    let app = Router::new().route(
        "/mcp",
        post(
            move |headers: HeaderMap, axum::Json(body): axum::Json<Value>| {
                let seen = seen.clone();
                async move { answer(&seen, &headers, body) }
            },
        )
        .get(|| async { StatusCode::METHOD_NOT_ALLOWED }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}/mcp")
}

fn answer(seen: &Seen, headers: &HeaderMap, body: Value) -> Response {
    let Some(id) = body.get("id").cloned() else {
        return StatusCode::ACCEPTED.into_response();
    };
    let result = match body["method"].as_str() {
        Some("initialize") => json!({
            "protocolVersion": body["params"]["protocolVersion"].as_str().unwrap_or("2025-06-18"),
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "tenant-upstream", "version": "1"}
        }),
        Some("tools/list") => json!({"tools": [{"name": "echo", "description": "Echoes.",
            "inputSchema": {"type": "object", "properties": {"a": {"type": "number"}}}}]}),
        Some("tools/call") => {
            let tenant = headers
                .get("x-tenant-key")
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default();
            seen.lock().unwrap().push(tenant.to_owned());
            json!({"content": [{"type": "text", "text": "called echo"}]})
        }
        _ => json!({}),
    };
    axum::Json(json!({"jsonrpc": "2.0", "id": id, "result": result})).into_response()
}

/// Groups acme and other; `remote` (a public proxy needing each group's `X-Tenant-Key`, set
/// for acme only) and `off` (a disabled public server).
async fn hub_with_a_tenant_upstream() -> (TestHub, Seen) {
    let seen = Seen::default();
    let url = upstream(seen.clone()).await;
    let hub = TestHub::start_with_config(&format!(
        r#"
groups: [{{id: acme, balance: 10}}, {{id: other, balance: 10}}]
tokens: [{{group: acme, name: t, key: {TOKEN}}}]
mcp_servers:
  - id: remote
    scope: public
    type: proxy_streamable
    url: "{url}"
    required_group_params: ["header:X-Tenant-Key"]
  - id: off
    scope: public
    type: embedded
    template: time
    status: disabled
"#
    ))
    .await;
    let response = reqwest::Client::new()
        .post(hub.url("/api/mcp/public/remote/group/acme/params"))
        .bearer_auth(ADMIN_KEY)
        .json(&json!({"params": {"header:X-Tenant-Key": "acme-secret"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    (hub, seen)
}

/// Opens `path` with `key` as a legacy SSE stream: the status, and the first event's data when
/// it opened (the stream is then dropped, which ends the session).
async fn open_sse(hub: &TestHub, path: &str, key: &str) -> (u16, String) {
    let response = reqwest::Client::new()
        .get(hub.url(path))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    if status != 200 {
        return (status, response.text().await.unwrap());
    }
    let mut body = response.bytes_stream();
    let mut text = String::new();
    while !text.contains("\n\n") {
        let chunk = body.next().await.unwrap().unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    (status, text)
}

async fn create_key(hub: &TestHub, name: &str, groups: &[&str]) -> String {
    AccessServiceClient::new(control_channel(hub).await)
        .create_admin_key(admin(pb::CreateAdminKeyRequest {
            name: name.to_owned(),
            role: pb::AdminRole::Operator as i32,
            groups: groups.iter().map(|group| (*group).to_owned()).collect(),
        }))
        .await
        .unwrap()
        .into_inner()
        .key
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_mcp_client_tries_servers_with_the_admin_key() {
    if !support::external_clients("Python and the SDKs of .ci/requirements.txt") {
        return;
    }
    let (hub, seen) = hub_with_a_tenant_upstream().await;
    let base_url = hub.url("");
    support::run_pytest(
        "hub/tests/python/test_rest_mcp_try.py",
        &[
            ("AIPROXY_BASE_URL", &base_url),
            ("AIPROXY_ADMIN_KEY", ADMIN_KEY),
        ],
    )
    .await;
    // The group's parameter reached the upstream with the call.
    assert_eq!(*seen.lock().unwrap(), ["acme-secret"]);
    // Logged (and billed) as the group's call, named after the admin key.
    let rows = support::group_logs(&hub, "acme", 1).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].endpoint, "/mcp/remote");
    assert_eq!(rows[0].requested_model, "remote/echo");
    assert_eq!(rows[0].token_name, "admin:bootstrap");
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_test_routes_open_streams_and_refuse_what_they_should() {
    let (hub, _seen) = hub_with_a_tenant_upstream().await;

    // The admin key opens both kinds of stream; the endpoint event names the test message
    // route, never the template's parameters.
    let (status, first) = open_sse(
        &hub,
        "/api/test-embedmcp/time/sse?config%5Blocal_timezone%5D=Asia%2FTokyo",
        ADMIN_KEY,
    )
    .await;
    assert_eq!(status, 200, "{first}");
    assert!(
        first.contains("event: endpoint") && first.contains("/api/test-mcp/message?sessionId="),
        "{first}"
    );
    assert!(!first.contains("Tokyo"), "{first}");
    let (status, first) = open_sse(&hub, "/api/test-publicmcp/acme/remote/sse", ADMIN_KEY).await;
    assert_eq!(status, 200, "{first}");

    // A tenant's token is no admin key.
    let (status, body) = open_sse(&hub, "/api/test-embedmcp/time/sse", TOKEN).await;
    assert_eq!(status, 401, "{body}");
    let (status, body) = open_sse(&hub, "/api/test-publicmcp/acme/remote/sse", TOKEN).await;
    assert_eq!(status, 401, "{body}");
    // A disabled server, an unknown one, a group that has not set the required parameter,
    // an unknown template and a bad template parameter.
    for (path, expected, says) in [
        ("/api/test-publicmcp/acme/off/sse", 400, "not enabled"),
        ("/api/test-publicmcp/acme/nowhere/sse", 404, "not found"),
        ("/api/test-publicmcp/other/remote/sse", 400, "not offered"),
        ("/api/test-embedmcp/nowhere/sse", 400, "unknown template"),
        (
            "/api/test-embedmcp/time/sse?reusing%5Blocal_timezone%5D=Mars%2FBase",
            400,
            "local_timezone",
        ),
    ] {
        let (status, body) = open_sse(&hub, path, ADMIN_KEY).await;
        assert_eq!(status, expected, "{path}: {body}");
        assert!(body.contains(says), "{path}: {body}");
        assert!(!body.contains("Mars"), "{path}: {body}");
    }

    // A key scoped to acme tries acme's view, not another group's, nor the global templates.
    let scoped = create_key(&hub, "acme-operator", &["acme"]).await;
    let (status, body) = open_sse(&hub, "/api/test-publicmcp/acme/remote/sse", &scoped).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = open_sse(&hub, "/api/test-publicmcp/other/remote/sse", &scoped).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = open_sse(&hub, "/api/test-embedmcp/time/sse", &scoped).await;
    assert_eq!(status, 403, "{body}");

    // Streamable HTTP: an initialize opens a session of the key; another key cannot use it.
    let http = reqwest::Client::new();
    let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"}}});
    let opened = http
        .post(hub.url("/api/test-embedmcp/time"))
        .bearer_auth(ADMIN_KEY)
        .header("accept", "application/json, text/event-stream")
        .json(&initialize)
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 200);
    let session = opened.headers()["mcp-session-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let reply = opened.text().await.unwrap();
    assert!(reply.contains("protocolVersion"), "{reply}");
    let other_key = create_key(&hub, "second-admin", &[]).await;
    let stolen = http
        .post(hub.url("/api/test-embedmcp/time"))
        .bearer_auth(&other_key)
        .header("accept", "application/json, text/event-stream")
        .header("mcp-session-id", &session)
        .json(&json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}))
        .send()
        .await
        .unwrap();
    assert_eq!(stolen.status(), 404);
    // A message for a stream that does not exist (or is another key's).
    let lost = http
        .post(hub.url("/api/test-mcp/message?sessionId=nope"))
        .bearer_auth(ADMIN_KEY)
        .json(&json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list"}))
        .send()
        .await
        .unwrap();
    assert_eq!(lost.status(), 404);
    hub.stop().await.unwrap();
}
