//! OAuth 2.1 for MCP clients: the gateway as a protected resource (RFC 9728 metadata, the challenge) and the token verifier contract.
//!
//! The MCP authorization spec (revision 2025-11-25) makes every MCP endpoint a protected
//! resource: a 401 names the resource's metadata document, the metadata names the authorization
//! servers, and the client comes back with an access token whose audience is the endpoint
//! (RFC 8707). This crate knows the routes, so it builds the documents and the challenges; how a
//! token is checked (issuers, JWKS, claims to groups) is the host's, behind
//! [`AccessTokenVerifier`]. API keys keep working beside tokens: the verifier says which bearer
//! values it judges ([`AccessTokenVerifier::judges`]), every other one is an API key.
//!
//! The host-based routes ([`ProtectedResource::public_host`]) are resources of their own:
//! `<id>.<public_host>/mcp` (and its `/sse` and `/message`) is the resource
//! `<scheme>://<id>.<public_host>/mcp`, described at that host's
//! `/.well-known/oauth-protected-resource/mcp`, named by its 401s, and asks for `mcp:<id>`, as
//! `/mcp/public/<id>` does on the gateway's own URL.

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{HeaderMap, HeaderValue, StatusCode};
use tenancy::{AuthError, Caller};

use crate::service::bearer_token;

/// The well-known path prefix of RFC 9728 metadata documents.
pub const PROTECTED_RESOURCE_WELL_KNOWN: &str = "/.well-known/oauth-protected-resource";

/// The scope that grants every server a group may use; `mcp:<server>` grants one server and
/// `mcp:<server>:<tool>` one tool of it.
pub const SCOPE_ALL_SERVERS: &str = "mcp";

/// What the gateway tells clients about itself as a protected resource.
#[derive(Debug, Clone)]
pub struct ProtectedResource {
    /// The gateway's public base URL (`https://gateway.example.com`, no trailing slash): the
    /// MCP endpoints' resource identifiers are this plus their path (`.../mcp/public/clock`).
    pub public_url: String,
    /// Issuer URLs of the authorization servers whose tokens are accepted.
    pub authorization_servers: Vec<String>,
    /// The parent host of the host-based routes (`PUBLIC_MCP_HOST`, the same value as
    /// [`McpConfig::public_host`](crate::McpConfig::public_host)): `<id>.<public_host>` is the
    /// public server `id`'s own resource, on the scheme of `public_url`. `None` without them.
    pub public_host: Option<String>,
}

/// The endpoint a request is for, as OAuth names it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Endpoint {
    /// A route under the gateway's `/mcp`: its path relative to it.
    Path(String),
    /// The host-based route of public server `server`: `base` is `<scheme>://<server>.<public_host>`.
    Host { server: String, base: String },
}

/// Checks an access token for the resource it was presented to and names its caller.
pub trait AccessTokenVerifier: Send + Sync + 'static {
    /// Whether this bearer value is an access token for this verifier (a JWT) rather than an
    /// API key; must be cheap and must not match the host's API keys.
    fn judges(&self, bearer: &str) -> bool;
    /// The caller the token stands for, if its signature, issuer, lifetime and audience hold:
    /// `resource` is the canonical URI of the endpoint it was presented to (RFC 8707).
    fn verify<'a>(
        &'a self,
        token: &'a str,
        resource: &'a str,
        client_ip: IpAddr,
    ) -> VerifyFuture<'a>;
}

/// The verifier's answer on one token.
pub type VerifyFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Caller, AccessTokenError>> + Send + 'a>>;

/// Why an access token was refused; each maps to one status and challenge.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessTokenError {
    /// Bad signature, unknown issuer or key, expired, not yet valid, wrong audience, no group:
    /// 401 with `error="invalid_token"`.
    #[error("invalid access token: {0}")]
    Invalid(String),
    /// The token grants none of the scopes this gateway knows: 403 with
    /// `error="insufficient_scope"`.
    #[error("the access token grants no mcp scope")]
    InsufficientScope,
    /// The token is good but its group may not call now (disabled, serving off).
    #[error("{0}")]
    Refused(AuthError),
    /// The issuer's keys could not be fetched: 503, the client may retry.
    #[error("the token issuer's keys are unavailable: {0}")]
    Unavailable(String),
}

/// OAuth as the service runs it: the resource description and the host's verifier.
#[derive(Clone)]
pub struct McpOAuth {
    pub resource: ProtectedResource,
    pub verifier: Arc<dyn AccessTokenVerifier>,
}

/// The caller an access token stood for, put in the request by the OAuth layer; the service
/// takes it instead of looking the bearer value up as an API key.
#[derive(Debug, Clone)]
pub(crate) struct TokenCaller(pub Caller);

impl McpOAuth {
    /// The canonical resource URI of the MCP route at `path` (relative to `/mcp`): a legacy SSE
    /// stream's is its server's, `/message` belongs to the aggregated endpoint.
    pub fn resource_for(&self, path: &str) -> String {
        let path = path.trim_end_matches('/');
        let path = path.strip_suffix("/sse").unwrap_or(path);
        let path = if path == "/message" { "" } else { path };
        format!("{}/mcp{path}", self.resource.public_url)
    }

    /// The RFC 9728 metadata URL of the MCP route at `path` (path-suffixed form).
    pub fn metadata_url_for(&self, path: &str) -> String {
        let resource = self.resource_for(path);
        let resource_path = resource
            .strip_prefix(&self.resource.public_url)
            .unwrap_or("/mcp");
        format!(
            "{}{PROTECTED_RESOURCE_WELL_KNOWN}{resource_path}",
            self.resource.public_url
        )
    }

    /// The endpoint of a request to `path` (relative to `/mcp`, or the host-based routes' root
    /// paths) sent to `host`: a server's host-based route when `host` is `<id>.<public_host>`
    /// and the path is one of that route's (`/`, `/sse`, `/message`).
    fn endpoint(&self, host: Option<&str>, path: &str) -> Endpoint {
        let on_host_route = matches!(path.trim_end_matches('/'), "" | "/sse" | "/message");
        let server = self
            .resource
            .public_host
            .as_deref()
            .zip(host)
            .filter(|_| on_host_route)
            .and_then(|(public_host, host)| crate::router::server_of_host(public_host, host));
        match server {
            Some(server) => {
                let base = self.host_base(&server);
                Endpoint::Host { server, base }
            }
            None => Endpoint::Path(path.to_owned()),
        }
    }

    /// `<scheme>://<server>.<public_host>`, on the scheme of the gateway's public URL.
    fn host_base(&self, server: &str) -> String {
        let scheme = self
            .resource
            .public_url
            .split_once("://")
            .map_or("https", |(scheme, _)| scheme);
        let public_host = self.resource.public_host.as_deref().unwrap_or_default();
        format!("{scheme}://{server}.{public_host}")
    }

    fn resource_of(&self, endpoint: &Endpoint) -> String {
        match endpoint {
            Endpoint::Path(path) => self.resource_for(path),
            Endpoint::Host { base, .. } => format!("{base}/mcp"),
        }
    }

    fn metadata_url_of(&self, endpoint: &Endpoint) -> String {
        match endpoint {
            Endpoint::Path(path) => self.metadata_url_for(path),
            Endpoint::Host { base, .. } => format!("{base}{PROTECTED_RESOURCE_WELL_KNOWN}/mcp"),
        }
    }

    fn scope_of(endpoint: &Endpoint) -> String {
        match endpoint {
            Endpoint::Path(path) => Self::scope_for(path),
            Endpoint::Host { server, .. } => format!("{SCOPE_ALL_SERVERS}:{server}"),
        }
    }

    /// The server and base URL of a host-based route `headers` name, when they name one.
    fn server_host(&self, headers: &HeaderMap) -> Option<(String, String)> {
        let public_host = self.resource.public_host.as_deref()?;
        let host = headers.get(http::header::HOST)?.to_str().ok()?;
        let server = crate::router::server_of_host(public_host, host)?;
        let base = self.host_base(&server);
        Some((server, base))
    }

    /// The scope a client should ask for to use the route at `path`.
    fn scope_for(path: &str) -> String {
        let mut segments = path.trim_matches('/').split('/');
        match (segments.next(), segments.next()) {
            (Some("public" | "group"), Some(server)) if !server.is_empty() => {
                format!("{SCOPE_ALL_SERVERS}:{server}")
            }
            _ => SCOPE_ALL_SERVERS.to_owned(),
        }
    }

    /// The `WWW-Authenticate` value for a refusal on `endpoint`.
    fn challenge(&self, endpoint: &Endpoint, error: Option<&AccessTokenError>) -> String {
        let mut value = format!(
            "Bearer resource_metadata=\"{}\", scope=\"{}\"",
            self.metadata_url_of(endpoint),
            Self::scope_of(endpoint)
        );
        match error {
            Some(AccessTokenError::Invalid(_)) => value.push_str(", error=\"invalid_token\""),
            Some(AccessTokenError::InsufficientScope) => {
                value.push_str(", error=\"insufficient_scope\"");
            }
            _ => {}
        }
        value
    }

    /// The metadata document of the gateway's resource at `resource_path` (`/mcp/...` or
    /// empty for the root form, which stands for the gateway as a whole).
    fn metadata(&self, resource_path: &str) -> serde_json::Value {
        let resource = format!("{}{resource_path}", self.resource.public_url);
        let mcp_path = resource_path.strip_prefix("/mcp").unwrap_or("");
        self.metadata_document(resource, Self::scope_for(mcp_path))
    }

    /// The metadata document of `resource`, whose own scope is `scope`.
    fn metadata_document(&self, resource: String, scope: String) -> serde_json::Value {
        let mut scopes = vec![SCOPE_ALL_SERVERS.to_owned()];
        if scope != SCOPE_ALL_SERVERS {
            scopes.push(scope);
        }
        serde_json::json!({
            "resource": resource,
            "authorization_servers": self.resource.authorization_servers,
            "scopes_supported": scopes,
            "bearer_methods_supported": ["header"],
            "resource_name": "aiproxy MCP gateway",
        })
    }

    /// The metadata routes the host mounts at its root: `GET /.well-known/oauth-protected-resource`
    /// (the gateway as a whole) and `.../mcp`, `.../mcp/public/{id}`, `.../mcp/group/{id}` (one
    /// endpoint each; any other path is 404). On a host-based route's host, the root form and
    /// `.../mcp` describe that host and its `/mcp`.
    pub fn metadata_router(&self) -> Router {
        Router::new()
            .route(PROTECTED_RESOURCE_WELL_KNOWN, get(root_metadata))
            .route(
                &format!("{PROTECTED_RESOURCE_WELL_KNOWN}/{{*path}}"),
                get(endpoint_metadata),
            )
            .with_state(Arc::new(self.clone()))
    }
}

async fn root_metadata(State(oauth): State<Arc<McpOAuth>>, headers: HeaderMap) -> Response {
    if let Some((server, base)) = oauth.server_host(&headers) {
        let scope = format!("{SCOPE_ALL_SERVERS}:{server}");
        return axum::Json(oauth.metadata_document(base, scope)).into_response();
    }
    axum::Json(oauth.metadata("")).into_response()
}

async fn endpoint_metadata(
    State(oauth): State<Arc<McpOAuth>>,
    headers: HeaderMap,
    axum::extract::Path(path): axum::extract::Path<String>,
) -> Response {
    let path = format!("/{}", path.trim_end_matches('/'));
    if path == "/mcp"
        && let Some((server, base)) = oauth.server_host(&headers)
    {
        let scope = format!("{SCOPE_ALL_SERVERS}:{server}");
        return axum::Json(oauth.metadata_document(format!("{base}/mcp"), scope)).into_response();
    }
    let known = match path.strip_prefix("/mcp") {
        Some("") => true,
        Some(rest) => {
            let segments: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
            matches!(segments.as_slice(), ["public" | "group", server] if !server.is_empty())
        }
        None => false,
    };
    if !known {
        return (StatusCode::NOT_FOUND, "no such protected resource").into_response();
    }
    axum::Json(oauth.metadata(&path)).into_response()
}

/// The OAuth layer in front of the MCP routes (`/admin` excepted: admin keys only): a bearer
/// value the verifier judges is verified for this route's resource and its caller handed on;
/// any 401 the route answers carries the challenge that names the resource metadata.
pub(crate) async fn verify_access_token(
    State(oauth): State<Option<Arc<McpOAuth>>>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(oauth) = oauth else {
        return next.run(request).await;
    };
    let path = request.uri().path().to_owned();
    if path == "/admin" {
        return next.run(request).await;
    }
    let endpoint = oauth.endpoint(crate::router::request_host(&request).as_deref(), &path);
    let token = bearer_token(request.headers())
        .filter(|token| oauth.verifier.judges(token))
        .map(str::to_owned);
    if let Some(token) = token {
        let resource = oauth.resource_of(&endpoint);
        let client_ip = crate::service::client_ip(&request);
        match oauth.verifier.verify(&token, &resource, client_ip).await {
            Ok(caller) => {
                request.extensions_mut().insert(TokenCaller(caller));
            }
            Err(error) => return refusal(&oauth, &endpoint, &error),
        }
    }
    let mut response = next.run(request).await;
    if response.status() == StatusCode::UNAUTHORIZED
        && let Ok(value) = HeaderValue::from_str(&oauth.challenge(&endpoint, None))
    {
        response
            .headers_mut()
            .insert(http::header::WWW_AUTHENTICATE, value);
    }
    response
}

/// A refused access token, answered like the service's other refusals (a JSON-RPC error with a
/// null id) with the challenge the spec asks for.
fn refusal(oauth: &McpOAuth, endpoint: &Endpoint, error: &AccessTokenError) -> Response {
    let status = match error {
        AccessTokenError::Invalid(_) => StatusCode::UNAUTHORIZED,
        AccessTokenError::InsufficientScope => StatusCode::FORBIDDEN,
        AccessTokenError::Refused(AuthError::Maintenance) | AccessTokenError::Unavailable(_) => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        AccessTokenError::Refused(_) => StatusCode::FORBIDDEN,
    };
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": -32001, "message": error.to_string()},
    });
    let mut response = (status, axum::Json(body)).into_response();
    if matches!(
        error,
        AccessTokenError::Invalid(_) | AccessTokenError::InsufficientScope
    ) && let Ok(value) = HeaderValue::from_str(&oauth.challenge(endpoint, Some(error)))
    {
        response
            .headers_mut()
            .insert(http::header::WWW_AUTHENTICATE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoTokens;

    impl AccessTokenVerifier for NoTokens {
        fn judges(&self, _bearer: &str) -> bool {
            false
        }
        fn verify<'a>(&'a self, _: &'a str, _: &'a str, _: IpAddr) -> VerifyFuture<'a> {
            Box::pin(std::future::ready(Err(AccessTokenError::InsufficientScope)))
        }
    }

    fn oauth() -> McpOAuth {
        McpOAuth {
            resource: ProtectedResource {
                public_url: "https://gw.example".to_owned(),
                authorization_servers: vec!["https://idp.example".to_owned()],
                public_host: Some("mcp.example".to_owned()),
            },
            verifier: Arc::new(NoTokens),
        }
    }

    #[test]
    fn resources_and_metadata_urls_follow_the_routes() {
        let oauth = oauth();
        let cases = [
            ("/", "https://gw.example/mcp", "mcp"),
            (
                "/public/clock",
                "https://gw.example/mcp/public/clock",
                "mcp:clock",
            ),
            (
                "/group/tools/sse",
                "https://gw.example/mcp/group/tools",
                "mcp:tools",
            ),
            ("/sse", "https://gw.example/mcp", "mcp"),
            ("/message", "https://gw.example/mcp", "mcp"),
        ];
        for (path, resource, scope) in cases {
            assert_eq!(oauth.resource_for(path), resource, "{path}");
            assert_eq!(McpOAuth::scope_for(path), scope, "{path}");
        }
        assert_eq!(
            oauth.metadata_url_for("/public/clock"),
            "https://gw.example/.well-known/oauth-protected-resource/mcp/public/clock"
        );
        assert_eq!(
            oauth.metadata_url_for("/"),
            "https://gw.example/.well-known/oauth-protected-resource/mcp"
        );
    }

    #[test]
    fn a_servers_host_is_a_resource_of_its_own() {
        let oauth = oauth();
        for (host, path) in [
            ("clock.mcp.example", "/"),
            ("Clock.MCP.example:8443", "/sse"),
            ("clock.mcp.example", "/message"),
        ] {
            let endpoint = oauth.endpoint(Some(host), path);
            assert_eq!(
                oauth.resource_of(&endpoint),
                "https://clock.mcp.example/mcp",
                "{host}{path}"
            );
            assert_eq!(
                oauth.metadata_url_of(&endpoint),
                "https://clock.mcp.example/.well-known/oauth-protected-resource/mcp"
            );
            assert_eq!(McpOAuth::scope_of(&endpoint), "mcp:clock");
        }
        // The path routes keep the gateway's URL whatever the host; other hosts are no server.
        for (host, path, resource) in [
            (
                "clock.mcp.example",
                "/public/tools",
                "https://gw.example/mcp/public/tools",
            ),
            ("gw.example", "/", "https://gw.example/mcp"),
            ("mcp.example", "/", "https://gw.example/mcp"),
            ("clock.elsewhere.example", "/sse", "https://gw.example/mcp"),
        ] {
            let endpoint = oauth.endpoint(Some(host), path);
            assert_eq!(oauth.resource_of(&endpoint), resource, "{host}{path}");
        }
    }
}
