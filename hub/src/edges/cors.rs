//! CORS for every route in one place: the relay and MCP faces answer the origins of `CORS_ALLOWED_ORIGINS`, the admin plane only its own list.
//!
//! Browsers on another origin need it: chat front-ends calling `/v1` with a user's key, and
//! Connect or gRPC-web clients of the control plane. Preflights are answered here, before any
//! route's auth. No credentials are allowed: every face takes a key in a header, never a
//! cookie, so nothing a browser holds on its own is ever sent for a page. An admin key can
//! change everything, so the admin plane trusts no other origin unless one is listed.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::OriginalUri;
use http::request::Parts;
use http::{HeaderName, HeaderValue, Method};
use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, CorsLayer, ExposeHeaders};

/// Which browser origins may call each face (`CORS_ALLOWED_ORIGINS`,
/// `ADMIN_CORS_ALLOWED_ORIGINS`): `scheme://host[:port]` as `MCP_ALLOWED_ORIGINS` reads them,
/// or `*` for every origin.
#[derive(Debug, Clone, Default)]
pub struct CorsOrigins {
    /// The relay and MCP faces.
    pub public: Vec<String>,
    /// The admin plane ([`Face::Admin`]); empty: same-origin pages only.
    pub admin: Vec<String>,
}

/// The two trust levels of the routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    /// Relay and MCP routes, called with API keys.
    Public,
    /// Routes that take an admin key (the gRPC, gRPC-web and Connect control plane, the REST
    /// admin API, `/mcp/admin`, `/metrics`) and the pages that use one (the panel, Swagger UI).
    Admin,
}

/// The face `path` (the request's whole path, as the client sent it) belongs to.
pub fn face_of(path: &str) -> Face {
    let under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    // gRPC paths are `/{package}.{Service}/{Method}`: the control plane's, health's and
    // reflection's.
    let grpc = path.starts_with("/aiproxy.") || path.starts_with("/grpc.");
    if grpc
        || ["/api", "/mcp/admin", "/metrics", "/panel", "/swagger"]
            .into_iter()
            .any(under)
    {
        Face::Admin
    } else {
        Face::Public
    }
}

impl CorsOrigins {
    /// Whether a page of `origin` may call `path`.
    pub fn allows(&self, path: &str, origin: &str) -> bool {
        let listed = match face_of(path) {
            Face::Public => &self.public,
            Face::Admin => &self.admin,
        };
        listed.iter().any(|entry| entry.trim() == "*") || mcp::origin_allowed(listed, origin)
    }
}

/// Response headers a page may read: the gRPC status of a gRPC-web answer without a body,
/// the request id, and the limits and gateway facts the relay and MCP add.
const EXPOSED: [&str; 15] = [
    "grpc-status",
    "grpc-message",
    "grpc-status-details-bin",
    "x-request-id",
    "request-id",
    "retry-after",
    "x-ratelimit-limit-requests",
    "x-ratelimit-limit-tokens",
    "x-ratelimit-remaining-requests",
    "x-ratelimit-remaining-tokens",
    "x-ratelimit-reset-requests",
    "x-ratelimit-reset-tokens",
    "x-aiproxy-cache",
    "x-aiproxy-dropped-tools",
    "mcp-session-id",
];

/// How long a browser may reuse a preflight's answer (Chromium caps it at two hours).
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// The layer for the whole router: a preflight (`OPTIONS`) is answered at once, whatever the
/// route and without its auth; other requests get the CORS headers on their answer when their
/// origin may call their face, and none otherwise (the browser then keeps the answer from
/// the page).
pub fn layer(origins: CorsOrigins) -> CorsLayer {
    let origins = Arc::new(origins);
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(
            move |origin: &HeaderValue, parts: &Parts| {
                origin
                    .to_str()
                    .is_ok_and(|origin| origins.allows(whole_path(parts), origin))
            },
        ))
        .allow_methods(AllowMethods::list([
            Method::GET,
            Method::HEAD,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ]))
        // The headers the page asks for. A wildcard would not do: it never covers
        // `Authorization`, and SDKs in browsers send headers of their own (`x-stainless-*`,
        // `anthropic-dangerous-direct-browser-access`) besides the keys, `anthropic-version`,
        // `x-goog-api-key` and Connect's and gRPC-web's (`connect-protocol-version`,
        // `x-grpc-web`, `x-user-agent`, `grpc-timeout`). The origin is what is checked.
        .allow_headers(AllowHeaders::mirror_request())
        .expose_headers(ExposeHeaders::list(EXPOSED.map(HeaderName::from_static)))
        .max_age(PREFLIGHT_MAX_AGE)
}

/// The path as the client sent it: a router nested under a prefix sees its own part only.
fn whole_path(parts: &Parts) -> &str {
    parts
        .extensions
        .get::<OriginalUri>()
        .map_or_else(|| parts.uri.path(), |original| original.0.path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_routes_are_told_from_the_relay_and_mcp() {
        for path in [
            "/aiproxy.admin.v1.GroupService/ListGroups",
            "/grpc.health.v1.Health/Check",
            "/api/channels/",
            "/api",
            "/mcp/admin",
            "/metrics",
            "/panel/",
            "/swagger/index.html",
        ] {
            assert_eq!(face_of(path), Face::Admin, "{path}");
        }
        for path in [
            "/v1/chat/completions",
            "/v1beta/models/gemini:generateContent",
            "/mcp",
            "/mcp/group/admin",
            "/mcp/administrators",
            "/apis",
            "/dashboard/billing/usage",
            "/sse",
        ] {
            assert_eq!(face_of(path), Face::Public, "{path}");
        }
    }

    #[test]
    fn each_face_reads_its_own_list() {
        let origins = CorsOrigins {
            public: vec!["*".into()],
            admin: vec![" https://admin.example ".into()],
        };
        assert!(origins.allows("/v1/models", "https://chat.example"));
        assert!(origins.allows("/api/groups/", "https://admin.example"));
        assert!(!origins.allows("/api/groups/", "https://chat.example"));
        let closed = CorsOrigins::default();
        assert!(!closed.allows("/v1/models", "https://chat.example"));
        assert!(!closed.allows("/aiproxy.admin.v1.GroupService/ListGroups", "null"));
    }
}
