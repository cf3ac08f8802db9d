//! A mock Vertex AI: a token endpoint that verifies service-account JWTs, Gemini and Claude endpoints that check token, project, region, publisher.
//!
//! `POST /token` takes the RFC 7523 grant, verifies the assertion's RS256 signature with the
//! test service account's public key (`vertex_test_key.pub.pem`, the pair of the committed
//! `vertex_test_key.pem`) and its claims (issuer, audience, scope, one-hour lifetime), counts
//! the exchange and issues a token living `token_lifetime` seconds; it answers Google's
//! `invalid_grant` otherwise. `POST /v1/projects/{p}/locations/{r}/publishers/{pub}/models/
//! {model}:{method}` (and the express-mode `/v1/publishers/...`) checks the Bearer token (known,
//! not expired) or the API key, the path, and the body's Vertex specifics (Claude: no `model`,
//! `anthropic_version: vertex-2023-10-16`), then answers through the mock Gemini and Anthropic
//! APIs (Vertex answers in their formats), so their answers and checks apply.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Value, json};

use super::mock_anthropic::{self, MockAnthropic};
use super::mock_gemini::{self, MockGemini};
use super::recorded::{Recorded, SeenRequest};

pub const PROJECT: &str = "vertex-test-project";
pub const REGION: &str = "us-central1";
pub const CLIENT_EMAIL: &str = "relay@vertex-test-project.iam.gserviceaccount.com";
pub const KEY_ID: &str = "vertex-test-key-1";
/// The express-mode API key the mock accepts.
pub const API_KEY: &str = "AQ.vertex-test-api-key";
/// The test service account's private key (test only, generated for these tests).
pub const PRIVATE_KEY: &str = include_str!("vertex_test_key.pem");
const PUBLIC_KEY: &str = include_str!("vertex_test_key.pub.pem");
/// A key that is not the service account's: assertions it signs fail verification.
pub const OTHER_PRIVATE_KEY: &str = include_str!("vertex_other_key.pem");
const SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";
const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const ANTHROPIC_VERSION: &str = "vertex-2023-10-16";

pub struct MockState {
    /// Every model request (token exchanges are counted, not recorded).
    pub seen: Recorded,
    /// Tokens issued.
    pub exchanges: AtomicUsize,
    /// Exchanges refused (bad signature, claims or grant).
    pub refused: AtomicUsize,
    /// Lifetime in seconds of the tokens issued next.
    pub token_lifetime: AtomicU64,
    /// How long an exchange takes, in milliseconds: the window in which concurrent requests
    /// find the token being refreshed.
    pub exchange_delay_ms: AtomicU64,
    /// Issued tokens and when they expire.
    issued: Mutex<HashMap<String, Instant>>,
    token_url: OnceLock<String>,
    gemini_url: String,
    anthropic_url: String,
    http: reqwest::Client,
}

pub struct MockVertex {
    pub addr: SocketAddr,
    pub state: Arc<MockState>,
    /// The APIs that write the answers.
    pub gemini: MockGemini,
    pub anthropic: MockAnthropic,
}

impl MockVertex {
    pub async fn start() -> MockVertex {
        let gemini = MockGemini::start().await;
        let anthropic = MockAnthropic::start().await;
        let state = Arc::new(MockState {
            seen: Recorded::default(),
            exchanges: AtomicUsize::new(0),
            refused: AtomicUsize::new(0),
            token_lifetime: AtomicU64::new(3600),
            exchange_delay_ms: AtomicU64::new(0),
            issued: Mutex::new(HashMap::new()),
            token_url: OnceLock::new(),
            gemini_url: gemini.base_url(),
            anthropic_url: anthropic.base_url(),
            http: reqwest::Client::new(),
        });
        let app = Router::new()
            .route("/token", post(token))
            .route(
                "/v1/projects/{project}/locations/{location}/publishers/{publisher}/models/{target}",
                post(scoped_model),
            )
            .route(
                "/v1/publishers/{publisher}/models/{target}",
                post(express_model),
            )
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        state.token_url.set(format!("http://{addr}/token")).unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockVertex {
            addr,
            state,
            gemini,
            anthropic,
        }
    }

    /// The channel base URL (replaces `https://{region}-aiplatform.googleapis.com`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn token_url(&self) -> String {
        self.state.token_url.get().unwrap().clone()
    }

    /// The test service account's key file, with `private_key` and `client_email` as given.
    pub fn service_account_json(&self, private_key: &str, client_email: &str) -> String {
        json!({"type": "service_account", "project_id": PROJECT, "private_key_id": KEY_ID,
            "private_key": private_key, "client_email": client_email,
            "client_id": "100000000000000000001",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": self.token_url(), "universe_domain": "googleapis.com"})
        .to_string()
    }

    /// A `region|service-account-json` channel key of the test service account.
    pub fn service_account_key(&self) -> String {
        format!(
            "{REGION}|{}",
            self.service_account_json(PRIVATE_KEY, CLIENT_EMAIL)
        )
    }

    pub fn exchanges(&self) -> usize {
        self.state.exchanges.load(Ordering::SeqCst)
    }

    pub fn refused(&self) -> usize {
        self.state.refused.load(Ordering::SeqCst)
    }

    pub fn set_token_lifetime(&self, seconds: u64) {
        self.state.token_lifetime.store(seconds, Ordering::SeqCst);
    }

    pub fn set_exchange_delay(&self, delay: Duration) {
        let millis = u64::try_from(delay.as_millis()).unwrap();
        self.state.exchange_delay_ms.store(millis, Ordering::SeqCst);
    }

    pub fn requests(&self) -> Vec<SeenRequest> {
        self.state.seen.all()
    }
}

/// Google's OAuth error answer.
fn oauth_error(error: &str, description: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        [("content-type", "application/json; charset=utf-8")],
        json!({"error": error, "error_description": description}).to_string(),
    )
        .into_response()
}

#[derive(Deserialize)]
struct Claims {
    scope: String,
    iat: u64,
    exp: u64,
}

async fn token(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, 64 * 1024).await.unwrap();
    let form_encoded = parts
        .headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    let form: HashMap<String, String> = url::form_urlencoded::parse(&bytes).into_owned().collect();
    let verdict = if !form_encoded {
        Err(("invalid_request", "Bad Request".to_owned()))
    } else if form.get("grant_type").map(String::as_str) != Some(GRANT_TYPE) {
        Err(("unsupported_grant_type", "Invalid grant_type.".to_owned()))
    } else {
        verify(&state, form.get("assertion").map_or("", String::as_str))
            .map_err(|why| ("invalid_grant", why))
    };
    if let Err((error, description)) = verdict {
        state.refused.fetch_add(1, Ordering::SeqCst);
        return oauth_error(error, &description);
    }
    let delay = state.exchange_delay_ms.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(delay)).await;
    let number = state.exchanges.fetch_add(1, Ordering::SeqCst) + 1;
    let lifetime = state.token_lifetime.load(Ordering::SeqCst);
    let token = format!("ya29.mock-token-{number}");
    state.issued.lock().unwrap().insert(
        token.clone(),
        Instant::now() + Duration::from_secs(lifetime),
    );
    (
        [("content-type", "application/json; charset=utf-8")],
        json!({"access_token": token, "expires_in": lifetime, "token_type": "Bearer"}).to_string(),
    )
        .into_response()
}

/// The checks Google makes of a service-account assertion.
fn verify(state: &MockState, assertion: &str) -> Result<(), String> {
    let header = jsonwebtoken::decode_header(assertion).map_err(|_| "Invalid JWT.".to_owned())?;
    if header.kid.as_deref() != Some(KEY_ID) {
        return Err("Invalid JWT: the key id is not the account's.".into());
    }
    let key = DecodingKey::from_rsa_pem(PUBLIC_KEY.as_bytes()).unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[state.token_url.get().unwrap()]);
    validation.set_issuer(&[CLIENT_EMAIL]);
    validation.set_required_spec_claims(&["exp", "iat", "aud", "iss"]);
    let claims = jsonwebtoken::decode::<Claims>(assertion, &key, &validation)
        .map_err(|error| format!("Invalid JWT Signature or claims: {error}."))?
        .claims;
    if claims.scope != SCOPE {
        return Err(format!("Invalid scope: {}", claims.scope));
    }
    if claims.exp <= claims.iat || claims.exp - claims.iat > 3600 {
        return Err("Invalid JWT: Token must be a short-lived token (60 minutes)".into());
    }
    Ok(())
}

/// Google's error document, as Vertex answers auth and path failures.
fn google_error(status: u16, message: &str) -> Response {
    mock_gemini::error(status, message)
}

async fn scoped_model(
    State(state): State<Arc<MockState>>,
    Path((project, location, publisher, target)): Path<(String, String, String, String)>,
    request: Request,
) -> Response {
    let scope = Some((project, location));
    model(state, scope, publisher, target, request).await
}

async fn express_model(
    State(state): State<Arc<MockState>>,
    Path((publisher, target)): Path<(String, String)>,
    request: Request,
) -> Response {
    model(state, None, publisher, target, request).await
}

async fn model(
    state: Arc<MockState>,
    scope: Option<(String, String)>,
    publisher: String,
    target: String,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let seen = SeenRequest::new(&parts.method, &parts.uri, &parts.headers, &bytes);
    state.seen.push(seen.clone());
    if let Some(refusal) = authenticate(&state, &seen, scope.is_some()) {
        return refusal;
    }
    if let Some((project, location)) = &scope {
        if project != PROJECT {
            return google_error(
                403,
                &format!(
                    "Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/{project}/locations/{location}' (or it may not exist)."
                ),
            );
        }
        if location != REGION {
            return google_error(
                400,
                &format!(
                    "Unsupported region for Vertex AI, select from a supported region: {location}"
                ),
            );
        }
    }
    let Some((model, method)) = target.rsplit_once(':') else {
        return google_error(404, "The requested URL was not found on this server.");
    };
    let query = parts
        .uri
        .query()
        .map(|query| format!("?{query}"))
        .unwrap_or_default();
    let claude = model.contains("claude");
    match (publisher.as_str(), claude) {
        ("google", false) => gemini(&state, model, method, &query, &seen).await,
        ("anthropic", true) => anthropic(&state, model, method, &seen).await,
        _ => google_error(
            404,
            &format!(
                "Publisher Model `projects/{PROJECT}/locations/{REGION}/publishers/{publisher}/models/{model}` was not found or your project does not have access to it."
            ),
        ),
    }
}

/// `None` for a known, unexpired Bearer token (with a project in the path) or the API key;
/// else Vertex's refusal.
fn authenticate(state: &MockState, seen: &SeenRequest, scoped: bool) -> Option<Response> {
    let unauthenticated = || {
        google_error(
            401,
            "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
        )
    };
    if let Some(bearer) = seen
        .header("authorization")
        .and_then(|value| value.strip_prefix("Bearer "))
    {
        let issued = state.issued.lock().unwrap();
        return match issued.get(bearer) {
            Some(expires_at) if Instant::now() < *expires_at && scoped => None,
            _ => Some(unauthenticated()),
        };
    }
    match seen.header("x-goog-api-key") {
        Some(API_KEY) => None,
        Some(_) => Some(google_error(
            400,
            "API key not valid. Please pass a valid API key.",
        )),
        None => Some(unauthenticated()),
    }
}

/// Vertex's Gemini API: the Gemini API's bodies, plus roles required on every content and no
/// `id` on function responses.
async fn gemini(
    state: &MockState,
    model: &str,
    method: &str,
    query: &str,
    seen: &SeenRequest,
) -> Response {
    let roles_given = seen.body["contents"]
        .as_array()
        .is_some_and(|contents| contents.iter().all(|content| content["role"].is_string()));
    if !roles_given {
        return google_error(400, "Please use a valid role: user, model.");
    }
    let response_ids = seen.body["contents"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|content| content["parts"].as_array())
        .flatten()
        .any(|part| part["functionResponse"].get("id").is_some());
    if response_ids {
        return google_error(
            400,
            "Invalid JSON payload received. Unknown name \"id\" at 'contents.parts.function_response': Cannot find field.",
        );
    }
    let url = format!("{}/v1beta/models/{model}:{method}{query}", state.gemini_url);
    let request = state
        .http
        .post(url)
        .header("content-type", "application/json")
        .header("x-goog-api-key", "mock-backend-key")
        .body(seen.body.to_string());
    relay_answer(request).await
}

/// Claude on Vertex: Messages with the version in the body and the model in the path.
async fn anthropic(state: &MockState, model: &str, method: &str, seen: &SeenRequest) -> Response {
    let Some(fields) = seen.body.as_object() else {
        return mock_anthropic::error(400, "request body must be a json object");
    };
    if fields.contains_key("model") {
        return mock_anthropic::error(400, "model: Extra inputs are not permitted");
    }
    if fields.get("anthropic_version").and_then(Value::as_str) != Some(ANTHROPIC_VERSION) {
        return mock_anthropic::error(
            400,
            "anthropic_version: Input should be 'vertex-2023-10-16'",
        );
    }
    let streamed = fields.get("stream") == Some(&Value::Bool(true));
    match (method, streamed) {
        ("rawPredict", false) | ("streamRawPredict", true) => {}
        _ => {
            return mock_anthropic::error(
                400,
                &format!("{method} does not match stream: {streamed}"),
            );
        }
    }
    let mut body = fields.clone();
    body.remove("anthropic_version");
    body.insert("model".into(), json!(model));
    let mut request = state
        .http
        .post(format!("{}/v1/messages", state.anthropic_url))
        .header("content-type", "application/json")
        .header("x-api-key", "mock-backend-key")
        .header("anthropic-version", "2023-06-01");
    if let Some(betas) = seen.header("anthropic-beta") {
        request = request.header("anthropic-beta", betas);
    }
    relay_answer(request.body(Value::Object(body).to_string())).await
}

/// The backend mock's answer as Vertex's: status, content type and body.
async fn relay_answer(request: reqwest::RequestBuilder) -> Response {
    let answer = request.send().await.unwrap();
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap();
    let content_type = answer
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("application/json")
        .to_owned();
    let body = answer.bytes().await.unwrap();
    (status, [("content-type", content_type)], body).into_response()
}
