//! OAuth 2.1 for MCP clients: the gateway as a protected resource (RFC 9728 metadata, the challenge) and the token verifier contract.
//!
//! The MCP authorization spec (revision 2025-11-25) makes every MCP endpoint a protected
//! resource: a 401 names the resource's metadata document, the metadata names the authorization
//! servers, and the client comes back with an access token whose audience is the endpoint
//! (RFC 8707). This crate knows the routes, so it builds the documents and the challenges; how a
//! token is checked (issuers, JWKS, claims to groups) is the host's, behind
//! [`AccessTokenVerifier`]. API keys keep working beside tokens: the verifier says which bearer
//! values it judges ([`AccessTokenVerifier::judges`]), every other one is an API key.

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{HeaderValue, StatusCode};
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

    /// The `WWW-Authenticate` value for a refusal on the route at `path`.
    fn challenge(&self, path: &str, error: Option<&AccessTokenError>) -> String {
        let mut value = format!(
            "Bearer resource_metadata=\"{}\", scope=\"{}\"",
            self.metadata_url_for(path),
            Self::scope_for(path)
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

    /// The metadata document of the resource at `resource_path` (`/mcp/...` or empty for the
    /// root form, which stands for the gateway as a whole).
    fn metadata(&self, resource_path: &str) -> serde_json::Value {
        let resource = format!("{}{resource_path}", self.resource.public_url);
        let mcp_path = resource_path.strip_prefix("/mcp").unwrap_or("");
        let mut scopes = vec![SCOPE_ALL_SERVERS.to_owned()];
        let scope = Self::scope_for(mcp_path);
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
    /// endpoint each; any other path is 404).
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

async fn root_metadata(State(oauth): State<Arc<McpOAuth>>) -> Response {
    axum::Json(oauth.metadata("")).into_response()
}

async fn endpoint_metadata(
    State(oauth): State<Arc<McpOAuth>>,
    axum::extract::Path(path): axum::extract::Path<String>,
) -> Response {
    let path = format!("/{}", path.trim_end_matches('/'));
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
    let token = bearer_token(request.headers())
        .filter(|token| oauth.verifier.judges(token))
        .map(str::to_owned);
    if let Some(token) = token {
        let resource = oauth.resource_for(&path);
        let client_ip = crate::service::client_ip(&request);
        match oauth.verifier.verify(&token, &resource, client_ip).await {
            Ok(caller) => {
                request.extensions_mut().insert(TokenCaller(caller));
            }
            Err(error) => return refusal(&oauth, &path, &error),
        }
    }
    let mut response = next.run(request).await;
    if response.status() == StatusCode::UNAUTHORIZED
        && let Ok(value) = HeaderValue::from_str(&oauth.challenge(&path, None))
    {
        response
            .headers_mut()
            .insert(http::header::WWW_AUTHENTICATE, value);
    }
    response
}

/// A refused access token, answered like the service's other refusals (a JSON-RPC error with a
/// null id) with the challenge the spec asks for.
fn refusal(oauth: &McpOAuth, path: &str, error: &AccessTokenError) -> Response {
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
    ) && let Ok(value) = HeaderValue::from_str(&oauth.challenge(path, Some(error)))
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
}
