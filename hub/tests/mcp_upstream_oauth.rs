//! Upstream OAuth held per group, through the whole gateway: discovery, registration, PKCE authorization, callback, refresh, 401 retry, revoke.
//!
//! One mock plays both the upstream MCP server (plain JSON Streamable HTTP that demands its
//! Bearer token and answers 401 with `resource_metadata` without one) and its authorization
//! server (RFC 8414 metadata, RFC 7591 registration, an authorize endpoint that redirects with
//! a code, a token endpoint checking the PKCE verifier, the redirect URI and the `resource`,
//! and a rotating refresh grant). The test follows the authorize redirect itself, as the
//! admin's browser would.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use hub::edges::grpc::pb;
use hub::edges::grpc::pb::mcp_service_client::McpServiceClient;
use serde_json::{Value, json};
use sha2::Digest;

use crate::support::mcp_calls::call_tool;
use crate::support::{self, TestHub, admin, control_channel};

const ACME: &str = "sk-upstream-oauth-acme";
const OTHER: &str = "sk-upstream-oauth-other";
const PUBLIC_URL: &str = "https://gw.example";

/// What the mock remembers; the test reads and changes it.
#[derive(Default)]
struct MockState {
    base: String,
    clients: HashSet<String>,
    /// code -> (client id, S256 challenge, redirect uri, resource)
    codes: HashMap<String, (String, String, String, String)>,
    access_tokens: HashSet<String>,
    refresh_tokens: HashSet<String>,
    issued: usize,
    refreshes: usize,
    /// `expires_in` of the next grants.
    expires_in: i64,
    /// Every access token a tool call carried, in order.
    seen: Vec<String>,
}

type Shared = Arc<Mutex<MockState>>;

struct Mock {
    state: Shared,
    mcp_url: String,
}

impl Mock {
    async fn start() -> Mock {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state: Shared = Arc::new(Mutex::new(MockState {
            base: base.clone(),
            expires_in: 3600,
            ..MockState::default()
        }));
        let app = Router::new()
            .route("/mcp", post(mcp).get(mcp_get))
            .route(
                "/.well-known/oauth-protected-resource/mcp",
                get(protected_resource),
            )
            .route(
                "/.well-known/oauth-authorization-server",
                get(authorization_server),
            )
            .route("/register", post(register))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Mock {
            state,
            mcp_url: format!("{base}/mcp"),
        }
    }

    fn with<T>(&self, read: impl FnOnce(&mut MockState) -> T) -> T {
        read(&mut self.state.lock().unwrap())
    }
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::to_owned)
}

fn challenge(state: &MockState) -> Response {
    let value = format!(
        r#"Bearer resource_metadata="{}/.well-known/oauth-protected-resource/mcp""#,
        state.base
    );
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, value)],
        "unauthorized",
    )
        .into_response()
}

async fn mcp_get(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let state = state.lock().unwrap();
    match bearer(&headers) {
        Some(token) if state.access_tokens.contains(&token) => {
            StatusCode::METHOD_NOT_ALLOWED.into_response()
        }
        _ => challenge(&state),
    }
}

async fn mcp(
    State(state): State<Shared>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    let mut state = state.lock().unwrap();
    let token = match bearer(&headers) {
        Some(token) if state.access_tokens.contains(&token) => token,
        _ => return challenge(&state),
    };
    let Some(id) = body.get("id").cloned() else {
        return StatusCode::ACCEPTED.into_response();
    };
    let result = match body["method"].as_str() {
        Some("initialize") => json!({
            "protocolVersion": body["params"]["protocolVersion"].as_str().unwrap_or("2025-06-18"),
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "oauth-upstream", "version": "1"}
        }),
        Some("tools/list") => json!({"tools": [{
            "name": "whoami",
            "description": "Says which token the call carried.",
            "inputSchema": {"type": "object", "properties": {}}
        }]}),
        Some("tools/call") => {
            state.seen.push(token.clone());
            json!({"content": [{"type": "text", "text": format!("called with {token}")}]})
        }
        _ => json!({}),
    };
    axum::Json(json!({"jsonrpc": "2.0", "id": id, "result": result})).into_response()
}

async fn protected_resource(State(state): State<Shared>) -> Response {
    let state = state.lock().unwrap();
    axum::Json(json!({
        "resource": format!("{}/mcp", state.base),
        "authorization_servers": [state.base],
        "scopes_supported": ["tools"],
    }))
    .into_response()
}

async fn authorization_server(State(state): State<Shared>) -> Response {
    let base = state.lock().unwrap().base.clone();
    axum::Json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "registration_endpoint": format!("{base}/register"),
        "code_challenge_methods_supported": ["S256"],
        "response_types_supported": ["code"],
    }))
    .into_response()
}

async fn register(State(state): State<Shared>, axum::Json(body): axum::Json<Value>) -> Response {
    let mut state = state.lock().unwrap();
    assert_eq!(body["token_endpoint_auth_method"], "none", "{body}");
    assert_eq!(
        body["redirect_uris"],
        json!([format!("{PUBLIC_URL}/mcp/oauth/callback")])
    );
    let client_id = format!("client-{}", state.clients.len() + 1);
    state.clients.insert(client_id.clone());
    (
        StatusCode::CREATED,
        axum::Json(json!({"client_id": client_id, "redirect_uris": body["redirect_uris"]})),
    )
        .into_response()
}

async fn authorize(
    State(state): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let mut state = state.lock().unwrap();
    let client_id = query["client_id"].clone();
    assert!(state.clients.contains(&client_id), "unknown client");
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["resource"], format!("{}/mcp", state.base));
    assert_eq!(query["scope"], "tools");
    let code = format!("code-{}", state.codes.len() + 1);
    state.codes.insert(
        code.clone(),
        (
            client_id,
            query["code_challenge"].clone(),
            query["redirect_uri"].clone(),
            query["resource"].clone(),
        ),
    );
    let mut location = url::Url::parse(&query["redirect_uri"]).unwrap();
    location
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &query["state"]);
    (
        StatusCode::FOUND,
        [(header::LOCATION, location.to_string())],
    )
        .into_response()
}

fn grant(state: &mut MockState) -> Response {
    state.issued += 1;
    let access = format!("upstream-access-{}", state.issued);
    let refresh = format!("upstream-refresh-{}", state.issued);
    state.access_tokens.insert(access.clone());
    state.refresh_tokens.insert(refresh.clone());
    axum::Json(json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": state.expires_in,
        "refresh_token": refresh,
        "scope": "tools",
    }))
    .into_response()
}

fn token_error(error: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({"error": error, "error_description": "refused by the mock"})),
    )
        .into_response()
}

async fn token(State(state): State<Shared>, body: String) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let mut state = state.lock().unwrap();
    if !state.clients.contains(&form["client_id"]) {
        return token_error("invalid_client");
    }
    match form["grant_type"].as_str() {
        "authorization_code" => {
            let Some((client_id, challenge, redirect_uri, resource)) =
                state.codes.remove(&form["code"])
            else {
                return token_error("invalid_grant");
            };
            let verified = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(sha2::Sha256::digest(form["code_verifier"].as_bytes()));
            if verified != challenge
                || client_id != form["client_id"]
                || redirect_uri != form["redirect_uri"]
                || resource != form["resource"]
            {
                return token_error("invalid_grant");
            }
            grant(&mut state)
        }
        "refresh_token" => {
            // Rotating: a refresh token works once.
            if !state.refresh_tokens.remove(&form["refresh_token"]) {
                return token_error("invalid_grant");
            }
            assert_eq!(form["resource"], format!("{}/mcp", state.base));
            state.refreshes += 1;
            grant(&mut state)
        }
        _ => token_error("unsupported_grant_type"),
    }
}

async fn hub_for(mock: &Mock) -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    settings.mcp_upstream_oauth_public_url = Some(PUBLIC_URL.to_owned());
    let yaml = format!(
        r#"
groups: [{{id: acme}}, {{id: other}}]
tokens:
  - {{group: acme, name: a, key: {ACME}}}
  - {{group: other, name: o, key: {OTHER}}}
mcp_servers:
  - id: secured
    scope: public
    type: proxy_streamable
    url: "{url}"
    upstream_oauth: {{}}
  - id: configured
    scope: public
    type: proxy_streamable
    url: "{url}"
    upstream_oauth: {{client_id: admin-client, client_secret: admin-client-secret-0123456789, scopes: [tools]}}
"#,
        url = mock.mcp_url
    );
    let config_path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&config_path, yaml).unwrap();
    settings.config_file_path = Some(config_path);
    TestHub::start_with(settings, data_dir).await
}

async fn authorization(
    client: &mut McpServiceClient<tonic::transport::Channel>,
    group: &str,
) -> pb::McpUpstreamAuthorization {
    client
        .get_mcp_upstream_authorization(admin(pb::GetMcpUpstreamAuthorizationRequest {
            server_id: "secured".into(),
            group_id: group.into(),
        }))
        .await
        .unwrap()
        .into_inner()
}

/// Starts the authorization of `group`, follows the authorization server's redirect like a
/// browser, and returns the gateway callback URL (path and query) it was sent to.
async fn authorize_in_browser(
    client: &mut McpServiceClient<tonic::transport::Channel>,
    group: &str,
) -> String {
    let started = client
        .start_mcp_upstream_authorization(admin(pb::StartMcpUpstreamAuthorizationRequest {
            server_id: "secured".into(),
            group_id: group.into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        started.redirect_uri,
        format!("{PUBLIC_URL}/mcp/oauth/callback")
    );
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = browser
        .get(&started.authorization_url)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 302);
    let location = answer.headers()[header::LOCATION].to_str().unwrap();
    let location = url::Url::parse(location).unwrap();
    assert!(location.as_str().starts_with(PUBLIC_URL), "{location}");
    format!("{}?{}", location.path(), location.query().unwrap())
}

async fn callback(hub: &TestHub, path_and_query: &str) -> (u16, String) {
    let answer = reqwest::get(hub.url(path_and_query)).await.unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

fn text_of(reply: &Value) -> String {
    reply["result"]["content"][0]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("no text in {reply}"))
        .to_owned()
}

fn assert_needs_authorization(reply: &Value) {
    assert_eq!(
        reply["error"]["code"],
        mcp::UPSTREAM_AUTHORIZATION_REQUIRED,
        "{reply}"
    );
    let message = reply["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("needs authorization by an admin"),
        "{message}"
    );
    assert!(!message.contains("401"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_authorized_by_an_admin_calls_with_its_own_refreshed_token() {
    let mock = Mock::start().await;
    let hub = hub_for(&mock).await;
    let mut client = McpServiceClient::new(control_channel(&hub).await);

    // Nobody authorized yet: a clear error, not the upstream's 401 and not a hang.
    let reply = call_tool(&hub, "/mcp/public/secured", ACME, "whoami", json!({})).await;
    assert_needs_authorization(&reply);
    assert_eq!(
        authorization(&mut client, "acme").await.state,
        pb::McpUpstreamAuthorizationState::NotAuthorized as i32
    );

    // The first token expires within the refresh margin: the first call refreshes it.
    mock.with(|state| state.expires_in = 30);
    let callback_path = authorize_in_browser(&mut client, "acme").await;
    let (status, page) = callback(&hub, &callback_path).await;
    mock.with(|state| state.expires_in = 3600);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Authorized"), "{page}");
    assert!(!page.contains("upstream-access"), "{page}");

    // The state is single use, and a forged one stores nothing.
    let (status, page) = callback(&hub, &callback_path).await;
    assert_eq!(status, 400, "{page}");
    let forged = callback_path.replace("state=", "state=x");
    assert_eq!(callback(&hub, &forged).await.0, 400);
    assert_eq!(
        callback(&hub, "/mcp/oauth/callback?code=code-9&state=made-up")
            .await
            .0,
        400
    );

    let state = authorization(&mut client, "acme").await;
    assert_eq!(
        state.state,
        pb::McpUpstreamAuthorizationState::Authorized as i32
    );
    assert_eq!(state.scopes, ["tools"]);
    assert!(state.refreshable);

    // Expiry: refreshed before the call, which carries the new token.
    let reply = call_tool(&hub, "/mcp/public/secured", ACME, "whoami", json!({})).await;
    assert_eq!(text_of(&reply), "called with upstream-access-2", "{reply}");
    assert_eq!(mock.with(|state| state.refreshes), 1);
    let reply = call_tool(&hub, "/mcp/public/secured", ACME, "whoami", json!({})).await;
    assert_eq!(text_of(&reply), "called with upstream-access-2", "{reply}");
    assert_eq!(mock.with(|state| state.refreshes), 1, "no needless refresh");

    // Another group is not authorized by acme's tokens.
    let reply = call_tool(&hub, "/mcp/public/secured", OTHER, "whoami", json!({})).await;
    assert_needs_authorization(&reply);

    // The upstream refuses the token (revoked there): one refresh, the call retried.
    mock.with(|state| state.access_tokens.clear());
    let reply = call_tool(&hub, "/mcp/public/secured", ACME, "whoami", json!({})).await;
    assert_eq!(text_of(&reply), "called with upstream-access-3", "{reply}");
    assert_eq!(mock.with(|state| state.refreshes), 2);

    // No token anywhere it should not be: reads, lists, exports, request logs.
    let server = client
        .get_mcp_server(admin(pb::GetMcpServerRequest {
            id: "configured".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    let oauth = server.upstream_oauth.clone().unwrap();
    assert_eq!(oauth.client_id, "admin-client");
    assert_ne!(oauth.client_secret, "admin-client-secret-0123456789");
    let listed = client
        .list_mcp_servers(admin(pb::ListMcpServersRequest::default()))
        .await
        .unwrap()
        .into_inner();
    let listed_authorizations = client
        .list_mcp_upstream_authorizations(admin(pb::ListMcpUpstreamAuthorizationsRequest {
            server_id: "secured".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed_authorizations.authorizations.len(), 1);
    let mut config = hub::edges::grpc::pb::config_service_client::ConfigServiceClient::new(
        control_channel(&hub).await,
    );
    let exported = config
        .export(admin(pb::ExportRequest::default()))
        .await
        .unwrap()
        .into_inner();
    let logs = support::group_logs(&hub, "acme", 4).await;
    let everything =
        format!("{server:?} {listed:?} {listed_authorizations:?} {exported:?} {logs:?}");
    for secret in [
        "upstream-access",
        "upstream-refresh",
        "admin-client-secret-0123456789",
    ] {
        assert!(!everything.contains(secret), "{secret} leaked");
    }

    // The refresh token stops working too: the admin must authorize again.
    mock.with(|state| {
        state.access_tokens.clear();
        state.refresh_tokens.clear();
    });
    let reply = call_tool(&hub, "/mcp/public/secured", ACME, "whoami", json!({})).await;
    assert_needs_authorization(&reply);
    let state = authorization(&mut client, "acme").await;
    assert_eq!(
        state.state,
        pb::McpUpstreamAuthorizationState::RefreshFailed as i32
    );
    assert!(state.refresh_error.contains("invalid_grant"), "{state:?}");

    // Authorized again, then revoked: the tokens are forgotten.
    let callback_path = authorize_in_browser(&mut client, "acme").await;
    assert_eq!(callback(&hub, &callback_path).await.0, 200);
    let reply = call_tool(&hub, "/mcp/public/secured", ACME, "whoami", json!({})).await;
    assert_eq!(text_of(&reply), "called with upstream-access-4", "{reply}");
    client
        .revoke_mcp_upstream_authorization(admin(pb::RevokeMcpUpstreamAuthorizationRequest {
            server_id: "secured".into(),
            group_id: "acme".into(),
        }))
        .await
        .unwrap();
    assert_eq!(
        authorization(&mut client, "acme").await.state,
        pb::McpUpstreamAuthorizationState::NotAuthorized as i32
    );
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let reply = call_tool(&hub, "/mcp/public/secured", ACME, "whoami", json!({})).await;
    assert_needs_authorization(&reply);
    assert_eq!(
        mock.with(|state| state.seen.clone()),
        [
            "upstream-access-2",
            "upstream-access-2",
            "upstream-access-3",
            "upstream-access-4"
        ]
    );
}
