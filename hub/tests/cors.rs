//! CORS on every face: preflights answered without auth, the relay and MCP open to any origin by default, the admin plane only to the origins it lists.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use crate::support;

use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::json;
use support::{ADMIN_KEY, TestHub};

const KEY: &str = "sk-cors-browser-0001";
const CHAT_ORIGIN: &str = "https://chat.example";
const ADMIN_ORIGIN: &str = "https://admin.example";
const LIST_GROUPS: &str = "/aiproxy.admin.v1.GroupService/ListGroups";

const CONFIG: &str = concat!(
    "groups:\n",
    "  - id: browsers\n",
    "tokens:\n",
    "  - {group: browsers, name: web, key: sk-cors-browser-0001}\n",
    "channels:\n",
    "  - {name: fake, type: fake, key: k, models: [gpt-4o-mini], config: {text: hello}}\n",
);

/// A hub with a key and a model, whose admin plane lists `admin` and whose MCP face lets
/// pages of `CHAT_ORIGIN` in (its own DNS-rebinding guard, besides CORS).
async fn hub(admin: &[&str], public: Option<&[&str]>) -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    let path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&path, CONFIG).unwrap();
    settings.config_file_path = Some(path);
    settings.admin_cors_allowed_origins = admin.iter().map(|&origin| origin.into()).collect();
    if let Some(public) = public {
        settings.cors_allowed_origins = public.iter().map(|&origin| origin.into()).collect();
    }
    settings.mcp_allowed_origins = vec![CHAT_ORIGIN.into()];
    TestHub::start_with(settings, data_dir).await
}

/// A browser's preflight for a POST to `path` with `headers`.
async fn preflight(hub: &TestHub, path: &str, origin: &str, headers: &str) -> reqwest::Response {
    reqwest::Client::new()
        .request(reqwest::Method::OPTIONS, hub.url(path))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", headers)
        .send()
        .await
        .unwrap()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).map(|value| value.to_str().unwrap())
}

/// A preflight the gateway allows for `origin`, with every header asked for, and no cookies.
fn assert_allowed(response: &reqwest::Response, origin: &str, asked: &str) {
    let headers = response.headers();
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(
        header(headers, "access-control-allow-origin"),
        Some(origin),
        "{headers:?}"
    );
    let methods = header(headers, "access-control-allow-methods").unwrap();
    for method in ["GET", "POST", "PUT", "DELETE"] {
        assert!(methods.contains(method), "{methods}");
    }
    let allowed = header(headers, "access-control-allow-headers")
        .unwrap()
        .to_ascii_lowercase();
    for name in asked.split(',') {
        assert!(allowed.contains(name.trim()), "{name} in {allowed}");
    }
    assert!(header(headers, "access-control-max-age").is_some());
    assert_eq!(header(headers, "access-control-allow-credentials"), None);
}

/// An answer a page of that origin may not read: it names no origin (the other CORS headers
/// mean nothing to a browser without one).
fn assert_refused(headers: &HeaderMap) {
    for name in [
        "access-control-allow-origin",
        "access-control-allow-credentials",
    ] {
        assert_eq!(header(headers, name), None, "{name}: {headers:?}");
    }
}

const RELAY_HEADERS: &str =
    "authorization,x-api-key,anthropic-version,x-goog-api-key,content-type,x-stainless-os";
const CONNECT_HEADERS: &str =
    "authorization,content-type,connect-protocol-version,x-grpc-web,x-user-agent,grpc-timeout";

#[tokio::test]
async fn the_relay_answers_any_origin_by_default_and_exposes_its_ids() {
    let hub = hub(&[], None).await;
    for path in [
        "/v1/chat/completions",
        "/v1/messages",
        "/v1beta/models/gpt-4o-mini:generateContent",
        "/v1/no-such-route",
    ] {
        let answer = preflight(&hub, path, CHAT_ORIGIN, RELAY_HEADERS).await;
        assert_allowed(&answer, CHAT_ORIGIN, RELAY_HEADERS);
    }
    // The call itself, with a user's key: answered, the page may read the ids and limits.
    let answer = reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .header("origin", CHAT_ORIGIN)
        .bearer_auth(KEY)
        .json(&json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let headers = answer.headers().clone();
    assert_eq!(
        header(&headers, "access-control-allow-origin"),
        Some(CHAT_ORIGIN)
    );
    let exposed = header(&headers, "access-control-expose-headers").unwrap();
    for name in [
        "x-request-id",
        "request-id",
        "x-ratelimit-remaining-requests",
    ] {
        assert!(exposed.contains(name), "{exposed}");
    }
    assert!(headers.contains_key("x-request-id"));
    assert!(answer.text().await.unwrap().contains("hello"));
    // A refusal (no key) is readable too: the page can show why.
    let refused = reqwest::Client::new()
        .get(hub.url("/v1/models"))
        .header("origin", CHAT_ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert_eq!(
        header(refused.headers(), "access-control-allow-origin"),
        Some(CHAT_ORIGIN)
    );
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn a_listed_relay_origin_is_the_only_one_answered() {
    let hub = hub(&[], Some(&[CHAT_ORIGIN])).await;
    let allowed = preflight(&hub, "/v1/chat/completions", CHAT_ORIGIN, RELAY_HEADERS).await;
    assert_allowed(&allowed, CHAT_ORIGIN, RELAY_HEADERS);
    let other = preflight(
        &hub,
        "/v1/chat/completions",
        "https://other.example",
        RELAY_HEADERS,
    )
    .await;
    assert_refused(other.headers());
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn mcp_answers_a_page_its_guard_lets_in() {
    let hub = hub(&[], None).await;
    let asked = "authorization,content-type,mcp-session-id,mcp-protocol-version";
    let answer = preflight(&hub, "/mcp", CHAT_ORIGIN, asked).await;
    assert_allowed(&answer, CHAT_ORIGIN, asked);
    let initialize = reqwest::Client::new()
        .post(hub.url("/mcp"))
        .header("origin", CHAT_ORIGIN)
        .header("accept", "application/json, text/event-stream")
        .bearer_auth(KEY)
        .json(
            &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "page", "version": "1"}}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(initialize.status(), 200);
    let headers = initialize.headers();
    assert_eq!(
        header(headers, "access-control-allow-origin"),
        Some(CHAT_ORIGIN)
    );
    assert!(headers.contains_key("mcp-session-id"));
    assert!(
        header(headers, "access-control-expose-headers")
            .unwrap()
            .contains("mcp-session-id")
    );
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn the_admin_plane_answers_no_origin_unless_listed() {
    let hub = hub(&[], None).await;
    // The origin the relay answers is nothing to the admin plane: no route of it says yes.
    for path in [LIST_GROUPS, "/api/groups/", "/mcp/admin", "/metrics"] {
        let answer = preflight(&hub, path, CHAT_ORIGIN, CONNECT_HEADERS).await;
        assert_refused(answer.headers());
    }
    let call = connect_list_groups(&hub, CHAT_ORIGIN).await;
    assert_eq!(call.status(), 200);
    assert_refused(call.headers());
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn a_listed_admin_origin_may_call_the_control_plane_and_no_other() {
    let hub = hub(&[ADMIN_ORIGIN], None).await;
    for path in [LIST_GROUPS, "/api/groups/", "/mcp/admin"] {
        let answer = preflight(&hub, path, ADMIN_ORIGIN, CONNECT_HEADERS).await;
        assert_allowed(&answer, ADMIN_ORIGIN, CONNECT_HEADERS);
        let other = preflight(&hub, path, CHAT_ORIGIN, CONNECT_HEADERS).await;
        assert_refused(other.headers());
    }
    // Connect JSON, as the TypeScript client's browser entry sends it.
    let call = connect_list_groups(&hub, ADMIN_ORIGIN).await;
    assert_eq!(call.status(), 200);
    assert_eq!(
        header(call.headers(), "access-control-allow-origin"),
        Some(ADMIN_ORIGIN)
    );
    assert!(call.text().await.unwrap().contains("browsers"));
    // gRPC-web: a refusal's status rides in the headers, which the page must be able to read.
    let refused = reqwest::Client::new()
        .post(hub.url(LIST_GROUPS))
        .header("origin", ADMIN_ORIGIN)
        .header("content-type", "application/grpc-web+proto")
        .header("x-grpc-web", "1")
        .body(vec![0u8, 0, 0, 0, 0])
        .send()
        .await
        .unwrap();
    let headers = refused.headers().clone();
    assert_eq!(
        header(&headers, "access-control-allow-origin"),
        Some(ADMIN_ORIGIN)
    );
    let exposed = header(&headers, "access-control-expose-headers").unwrap();
    assert!(
        exposed.contains("grpc-status") && exposed.contains("grpc-message"),
        "{exposed}"
    );
    let body = refused.bytes().await.unwrap();
    assert!(
        header(&headers, "grpc-status") == Some("16")
            || String::from_utf8_lossy(&body).contains("grpc-status:16"),
        "{headers:?}"
    );
    // The REST admin API the same way.
    let rest = reqwest::Client::new()
        .get(hub.url("/api/groups/"))
        .header("origin", ADMIN_ORIGIN)
        .bearer_auth(ADMIN_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(rest.status(), 200);
    assert_eq!(
        header(rest.headers(), "access-control-allow-origin"),
        Some(ADMIN_ORIGIN)
    );
    hub.stop().await.unwrap();
}

async fn connect_list_groups(hub: &TestHub, origin: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(hub.url(LIST_GROUPS))
        .header("origin", origin)
        .header("connect-protocol-version", "1")
        .bearer_auth(ADMIN_KEY)
        .json(&json!({}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_browser_page_of_another_origin_calls_the_relay_and_a_listed_one_the_control_plane() {
    if !support::external_clients("Node, web/node_modules and Chromium") {
        return;
    }
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let web = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../web");
    assert!(
        web.join("node_modules/playwright-core").exists(),
        "no web/node_modules: .ci/test runs npm ci in web/"
    );
    // One server, two origins: pages of 127.0.0.1 are listed for the admin plane, pages of
    // localhost are not.
    let hub = hub(&["http://127.0.0.1:*"], None).await;
    let port = hub.addr.port();
    let run = tokio::process::Command::new("node")
        .arg("tests/cors.mjs")
        .current_dir(&web)
        .env("LISTED_URL", format!("http://127.0.0.1:{port}"))
        .env("OTHER_URL", format!("http://localhost:{port}"))
        .env("KEY", KEY)
        .env("ADMIN_KEY", ADMIN_KEY)
        .env("MODEL", "gpt-4o-mini")
        .env("CHROMIUM", &chromium)
        .kill_on_drop(true)
        .output();
    let seen = crate::support::browser::report_of(run, Duration::from_secs(90)).await;
    assert_eq!(seen["chat"]["status"], 200, "{seen}");
    assert_eq!(seen["chat"]["content"], "hello", "{seen}");
    // Exposed, so the page reads it.
    assert!(
        seen["chat"]["requestId"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{seen}"
    );
    assert_eq!(seen["connect"]["status"], 200, "{seen}");
    assert_eq!(seen["connect"]["groups"], json!(["browsers"]), "{seen}");
    assert_eq!(seen["unlisted"], "refused: TypeError", "{seen}");
    hub.stop().await.unwrap();
}
