//! A mock upstream MCP server that wants OAuth, and its authorization server, for the upstream OAuth tests.
//!
//! One mock plays both the upstream MCP server (plain JSON Streamable HTTP at `/mcp`, legacy SSE
//! at `/sse` with its POSTs at `/messages`; both demand a Bearer token and answer 401 with
//! `resource_metadata` without one) and its authorization server (RFC 8414 metadata, RFC 7591
//! registration, an authorize endpoint that redirects with a code, a token endpoint checking
//! the PKCE verifier, the redirect URI and the `resource`, a rotating refresh grant that can be
//! made to fail, and an RFC 7009 revocation endpoint that records what it was sent). Besides
//! the clients it registers it knows one confidential client, authenticated with HTTP Basic
//! (`client_secret_basic`), the one `configured` uses. The tests
//! follow the authorize redirect themselves, as the admin's browser would.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use hub::edges::grpc::pb;
use hub::edges::grpc::pb::mcp_service_client::McpServiceClient;
use serde_json::{Value, json};
use sha2::Digest;
use tokio::sync::mpsc;

use super::{TestHub, admin};

pub const ACME: &str = "sk-upstream-oauth-acme";
pub const OTHER: &str = "sk-upstream-oauth-other";
pub const PUBLIC_URL: &str = "https://gw.example";
/// The confidential client an admin configured on `configured`.
pub const ADMIN_CLIENT: &str = "admin-client";
pub const ADMIN_CLIENT_SECRET: &str = "admin-client-secret-0123456789";

/// One token revocation the authorization server received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    pub token: String,
    pub token_type_hint: String,
    /// The form's `client_id` (empty with HTTP Basic).
    pub client_id: String,
    /// The Authorization header as received (empty when none).
    pub authorization: String,
}

/// What the mock remembers; the test reads and changes it.
#[derive(Default)]
pub struct MockState {
    pub base: String,
    pub clients: HashSet<String>,
    /// code -> (client id, S256 challenge, redirect uri, resource)
    pub codes: HashMap<String, (String, String, String, String)>,
    pub access_tokens: HashSet<String>,
    pub refresh_tokens: HashSet<String>,
    pub issued: usize,
    /// Refresh grants that succeeded.
    pub refreshes: usize,
    /// Every refresh request, answered or refused.
    pub refresh_attempts: usize,
    /// While set, every refresh is answered with this status and OAuth `error` (if any).
    pub refresh_failure: Option<(StatusCode, Option<&'static str>)>,
    /// `expires_in` of the next grants.
    pub expires_in: i64,
    /// Every access token a tool call carried, in order.
    pub seen: Vec<String>,
    /// Every revocation request, in order.
    pub revocations: Vec<Revocation>,
    /// While set, the revocation endpoint answers this status.
    pub revocation_failure: Option<StatusCode>,
    /// The token each legacy-SSE request carried (`GET /sse` or `POST /messages`), in order;
    /// `-` for none.
    pub sse_requests: Vec<(&'static str, String)>,
    /// Open legacy-SSE streams by session id.
    pub sse_sessions: HashMap<String, mpsc::Sender<String>>,
}

pub type Shared = Arc<Mutex<MockState>>;

pub struct Mock {
    pub state: Shared,
    pub mcp_url: String,
    pub sse_url: String,
}

impl Mock {
    pub async fn start() -> Mock {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state: Shared = Arc::new(Mutex::new(MockState {
            base: base.clone(),
            expires_in: 3600,
            ..MockState::default()
        }));
        let app = Router::new()
            .route("/mcp", post(mcp).get(mcp_get))
            .route("/sse", get(sse_open))
            .route("/messages", post(sse_message))
            .route(
                "/.well-known/oauth-protected-resource/mcp",
                get(protected_resource),
            )
            .route(
                "/.well-known/oauth-authorization-server",
                get(authorization_server),
            )
            .route("/register", post(register))
            .route("/authorize", get(authorize_endpoint))
            .route("/token", post(token))
            .route("/revoke", post(revocation_endpoint))
            .with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Mock {
            state,
            mcp_url: format!("{base}/mcp"),
            sse_url: format!("{base}/sse"),
        }
    }

    pub fn with<T>(&self, read: impl FnOnce(&mut MockState) -> T) -> T {
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

/// The client a token or revocation request authenticated as: HTTP Basic with the
/// confidential client's id and secret (RFC 6749 2.3.1, both form-encoded), else the form's
/// `client_id` of a registered public client. `None`: unknown or wrong secret.
fn client_of(
    state: &MockState,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Option<String> {
    if let Some(basic) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
    {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(basic)
            .ok()?;
        let decoded = String::from_utf8(decoded).ok()?;
        let (id, secret) = decoded.split_once(':')?;
        let id: String = url::form_urlencoded::parse(format!("i={id}").as_bytes())
            .map(|(_, value)| value.into_owned())
            .next()?;
        let secret: String = url::form_urlencoded::parse(format!("s={secret}").as_bytes())
            .map(|(_, value)| value.into_owned())
            .next()?;
        return (id == ADMIN_CLIENT && secret == ADMIN_CLIENT_SECRET).then_some(id);
    }
    form.get("client_id")
        .filter(|id| state.clients.contains(*id))
        .cloned()
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

/// The resources this mock serves (RFC 8707): the Streamable HTTP and the legacy SSE URL.
fn is_resource(state: &MockState, resource: &str) -> bool {
    resource == format!("{}/mcp", state.base) || resource == format!("{}/sse", state.base)
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

/// The JSON-RPC answer to `body` from a caller holding `token`; `None` for a notification.
fn answer(state: &mut MockState, token: &str, body: &Value) -> Option<Value> {
    let id = body.get("id").cloned()?;
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
            state.seen.push(token.to_owned());
            json!({"content": [{"type": "text", "text": format!("called with {token}")}]})
        }
        _ => json!({}),
    };
    Some(json!({"jsonrpc": "2.0", "id": id, "result": result}))
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
    match answer(&mut state, &token, &body) {
        Some(reply) => axum::Json(reply).into_response(),
        None => StatusCode::ACCEPTED.into_response(),
    }
}

/// Legacy SSE: the stream opens with the `endpoint` event; answers to POSTs come on it.
async fn sse_open(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let mut state = state.lock().unwrap();
    let token = bearer(&headers);
    state
        .sse_requests
        .push(("GET /sse", token.clone().unwrap_or_else(|| "-".into())));
    if !token.is_some_and(|token| state.access_tokens.contains(&token)) {
        return challenge(&state);
    }
    let session = format!("s{}", state.sse_sessions.len() + 1);
    let (sender, mut receiver) = mpsc::channel::<String>(16);
    sender
        .try_send(format!(
            "event: endpoint\ndata: /messages?session={session}\n\n"
        ))
        .unwrap();
    state.sse_sessions.insert(session, sender);
    let events = futures::stream::poll_fn(move |context| {
        receiver
            .poll_recv(context)
            .map(|event| event.map(Ok::<_, Infallible>))
    });
    (
        [(header::CONTENT_TYPE, "text/event-stream")],
        Body::from_stream(events),
    )
        .into_response()
}

async fn sse_message(
    State(state): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    axum::Json(body): axum::Json<Value>,
) -> Response {
    let mut state = state.lock().unwrap();
    let token = bearer(&headers);
    state.sse_requests.push((
        "POST /messages",
        token.clone().unwrap_or_else(|| "-".into()),
    ));
    let token = match token {
        Some(token) if state.access_tokens.contains(&token) => token,
        _ => return challenge(&state),
    };
    let Some(stream) = query
        .get("session")
        .and_then(|session| state.sse_sessions.get(session))
        .cloned()
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if let Some(reply) = answer(&mut state, &token, &body) {
        let _ = stream.try_send(format!("event: message\ndata: {reply}\n\n"));
    }
    StatusCode::ACCEPTED.into_response()
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
        "revocation_endpoint": format!("{base}/revoke"),
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

async fn authorize_endpoint(
    State(state): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let mut state = state.lock().unwrap();
    let client_id = query["client_id"].clone();
    assert!(
        state.clients.contains(&client_id) || client_id == ADMIN_CLIENT,
        "unknown client"
    );
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["code_challenge_method"], "S256");
    assert!(is_resource(&state, &query["resource"]), "{query:?}");
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

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": error, "error_description": "refused by the mock"})),
    )
        .into_response()
}

fn token_error(error: &str) -> Response {
    oauth_error(StatusCode::BAD_REQUEST, error)
}

fn form_of(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

async fn token(State(state): State<Shared>, headers: HeaderMap, body: String) -> Response {
    let form = form_of(&body);
    let mut state = state.lock().unwrap();
    let Some(authenticated) = client_of(&state, &headers, &form) else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    };
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
                || client_id != authenticated
                || redirect_uri != form["redirect_uri"]
                || resource != form["resource"]
            {
                return token_error("invalid_grant");
            }
            grant(&mut state)
        }
        "refresh_token" => {
            state.refresh_attempts += 1;
            if let Some((status, error)) = state.refresh_failure {
                return match error {
                    Some(error) => oauth_error(status, error),
                    None => (status, "try later").into_response(),
                };
            }
            // Rotating: a refresh token works once.
            if !state.refresh_tokens.remove(&form["refresh_token"]) {
                return token_error("invalid_grant");
            }
            assert!(is_resource(&state, &form["resource"]), "{form:?}");
            state.refreshes += 1;
            grant(&mut state)
        }
        _ => token_error("unsupported_grant_type"),
    }
}

/// RFC 7009: records the request; a known token stops working.
async fn revocation_endpoint(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let form = form_of(&body);
    let mut state = state.lock().unwrap();
    let token = form.get("token").cloned().unwrap_or_default();
    state.revocations.push(Revocation {
        token: token.clone(),
        token_type_hint: form.get("token_type_hint").cloned().unwrap_or_default(),
        client_id: form.get("client_id").cloned().unwrap_or_default(),
        authorization: headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
    });
    if client_of(&state, &headers, &form).is_none() {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    if let Some(status) = state.revocation_failure {
        return (status, "unavailable").into_response();
    }
    state.access_tokens.remove(&token);
    state.refresh_tokens.remove(&token);
    StatusCode::OK.into_response()
}

/// A hub with groups acme and other and three servers on the mock: `secured` (Streamable HTTP,
/// registered client), `configured` (an admin's client) and `legacy` (legacy SSE).
pub async fn hub_for(mock: &Mock) -> TestHub {
    hub_on(mock, None, true).await
}

/// A hub on the database `dsn` (else its own SQLite); `apply_config`: the configuration of
/// [`hub_for`] is applied to it (the first replica of a shared database).
pub async fn hub_on(mock: &Mock, dsn: Option<&str>, apply_config: bool) -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    settings.mcp_upstream_oauth_public_url = Some(PUBLIC_URL.to_owned());
    if let Some(dsn) = dsn {
        settings.sql_dsn = Some(dsn.to_owned());
    }
    if !apply_config {
        return TestHub::start_with(settings, data_dir).await;
    }
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
    upstream_oauth: {{client_id: {ADMIN_CLIENT}, client_secret: {ADMIN_CLIENT_SECRET}, scopes: [tools]}}
  - id: legacy
    scope: public
    type: proxy_sse
    url: "{sse_url}"
    upstream_oauth: {{}}
"#,
        url = mock.mcp_url,
        sse_url = mock.sse_url,
    );
    let config_path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&config_path, yaml).unwrap();
    settings.config_file_path = Some(config_path);
    TestHub::start_with(settings, data_dir).await
}

pub async fn authorization(
    client: &mut McpServiceClient<tonic::transport::Channel>,
    server: &str,
    group: &str,
) -> pb::McpUpstreamAuthorization {
    client
        .get_mcp_upstream_authorization(admin(pb::GetMcpUpstreamAuthorizationRequest {
            server_id: server.into(),
            group_id: group.into(),
        }))
        .await
        .unwrap()
        .into_inner()
}

/// Starts the authorization of `group` on `server`, follows the authorization server's
/// redirect like a browser, and returns the gateway callback URL (path and query) it was sent
/// to.
pub async fn authorize_in_browser(
    client: &mut McpServiceClient<tonic::transport::Channel>,
    server: &str,
    group: &str,
) -> String {
    let started = client
        .start_mcp_upstream_authorization(admin(pb::StartMcpUpstreamAuthorizationRequest {
            server_id: server.into(),
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

pub async fn callback(hub: &TestHub, path_and_query: &str) -> (u16, String) {
    let answer = reqwest::get(hub.url(path_and_query)).await.unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

/// Authorizes `group` on `server` start to end; panics unless the callback succeeds.
pub async fn authorize(
    hub: &TestHub,
    client: &mut McpServiceClient<tonic::transport::Channel>,
    server: &str,
    group: &str,
) {
    let callback_path = authorize_in_browser(client, server, group).await;
    let (status, page) = callback(hub, &callback_path).await;
    assert_eq!(status, 200, "{page}");
}

pub async fn revoke(
    client: &mut McpServiceClient<tonic::transport::Channel>,
    server: &str,
    group: &str,
) {
    client
        .revoke_mcp_upstream_authorization(admin(pb::RevokeMcpUpstreamAuthorizationRequest {
            server_id: server.into(),
            group_id: group.into(),
        }))
        .await
        .unwrap();
}

/// acme's tokens for `secured` are gone: its state says so, and once the proxies' 2 s reuse
/// has passed a call is refused.
pub async fn assert_acme_forgotten(
    hub: &TestHub,
    client: &mut McpServiceClient<tonic::transport::Channel>,
) {
    assert_eq!(
        authorization(client, "secured", "acme").await.state,
        pb::McpUpstreamAuthorizationState::NotAuthorized as i32
    );
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let reply =
        super::mcp_calls::call_tool(hub, "/mcp/public/secured", ACME, "whoami", json!({})).await;
    assert_needs_authorization(&reply);
}

pub fn text_of(reply: &Value) -> String {
    reply["result"]["content"][0]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("no text in {reply}"))
        .to_owned()
}

/// The message of a `-32032` reply (the upstream wants the group's authorization), which
/// never quotes a token.
pub fn upstream_auth_message(reply: &Value) -> String {
    assert_eq!(
        reply["error"]["code"],
        mcp::UPSTREAM_AUTHORIZATION_REQUIRED,
        "{reply}"
    );
    let message = reply["error"]["message"].as_str().unwrap().to_owned();
    assert!(!message.contains("upstream-access"), "{message}");
    assert!(!message.contains("upstream-refresh"), "{message}");
    message
}

pub fn assert_needs_authorization(reply: &Value) {
    let message = upstream_auth_message(reply);
    assert!(
        message.contains("needs authorization by an admin"),
        "{message}"
    );
    assert!(!message.contains("401"), "{message}");
}
