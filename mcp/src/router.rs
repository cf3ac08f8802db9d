//! The routes `hub` mounts at `/mcp`: which transport and which server(s) each path serves, behind one Host/Origin guard.

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};

use crate::service::{HttpError, McpService, Target};
use crate::sse_server;

impl McpService {
    /// The routes, relative to where the host mounts them (`/mcp`):
    ///
    /// | route | transport | servers |
    /// |---|---|---|
    /// | `/` | Streamable HTTP | every server the token may use, tools named `{server}__{tool}` |
    /// | `/public/{id}`, `/group/{id}` | Streamable HTTP | that server |
    /// | `/sse`, `/public/{id}/sse`, `/group/{id}/sse` | legacy SSE stream | as above |
    /// | `/message?sessionId=` | legacy SSE POST | the session's |
    /// | `/admin` | Streamable HTTP | `aiproxy-admin`, admin key only |
    pub fn router(&self) -> Router {
        Router::new()
            .route("/", any(streamable_aggregated))
            .route("/admin", any(streamable_admin))
            .route("/public/{id}", any(streamable_public))
            .route("/group/{id}", any(streamable_group))
            .route("/sse", get(sse_server::open_aggregated))
            .route("/public/{id}/sse", get(sse_server::open_public))
            .route("/group/{id}/sse", get(sse_server::open_group))
            .route("/message", post(sse_server::post_message))
            .layer(axum::middleware::from_fn_with_state(
                self.clone(),
                check_host_and_origin,
            ))
            .with_state(self.clone())
    }
}

async fn streamable_admin(State(service): State<McpService>, request: Request) -> Response {
    service.serve_streamable(Target::Admin, request).await
}

async fn streamable_aggregated(State(service): State<McpService>, request: Request) -> Response {
    service.serve_streamable(Target::Aggregated, request).await
}

async fn streamable_public(
    State(service): State<McpService>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    service.serve_streamable(Target::Public(id), request).await
}

async fn streamable_group(
    State(service): State<McpService>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    service.serve_streamable(Target::Group(id), request).await
}

/// DNS-rebinding and cross-site guard for every route (the spec asks servers to validate
/// `Origin`; `Host` pins the names the gateway answers to).
async fn check_host_and_origin(
    State(service): State<McpService>,
    request: Request,
    next: Next,
) -> Response {
    let config = &service.state.core.config;
    let host = request
        .headers()
        .get(http::header::HOST)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            request
                .uri()
                .authority()
                .map(|authority| authority.to_string())
        });
    if !config.allowed_hosts.is_empty()
        && !host
            .as_deref()
            .is_some_and(|host| host_allowed(&config.allowed_hosts, host))
    {
        return HttpError::HostNotAllowed.into_response();
    }
    if let Some(origin) = request.headers().get(http::header::ORIGIN) {
        let allowed = origin
            .to_str()
            .ok()
            .is_some_and(|origin| origin_allowed(&config.allowed_origins, origin));
        if !allowed {
            return HttpError::OriginNotAllowed.into_response();
        }
    }
    next.run(request).await
}

/// Splits `host[:port]` (IPv6 in brackets) into a lowercase name without brackets and a port.
fn split_authority(authority: &str) -> (String, Option<&str>) {
    let authority = authority.trim();
    if let Some(rest) = authority.strip_prefix('[') {
        let (name, after) = rest.split_once(']').unwrap_or((rest, ""));
        return (name.to_ascii_lowercase(), after.strip_prefix(':'));
    }
    match authority.rsplit_once(':') {
        // More than one colon without brackets: a bare IPv6 address, no port.
        Some((name, port)) if !name.contains(':') => (name.to_ascii_lowercase(), Some(port)),
        _ => (authority.to_ascii_lowercase(), None),
    }
}

fn host_allowed(allowed: &[String], host: &str) -> bool {
    let (name, port) = split_authority(host);
    allowed.iter().any(|entry| {
        let (entry_name, entry_port) = split_authority(entry);
        entry_name == name && (entry_port.is_none() || entry_port == port)
    })
}

fn origin_allowed(allowed: &[String], origin: &str) -> bool {
    let parse = |text: &str| -> Option<(String, String, String)> {
        let (scheme, rest) = text.trim().split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let (name, port) = split_authority(rest.trim_end_matches('/'));
        let port = port
            .map(str::to_owned)
            .unwrap_or_else(|| match scheme.as_str() {
                "https" => "443".to_owned(),
                _ => "80".to_owned(),
            });
        Some((scheme, name, port))
    };
    if origin.trim() == "null" {
        return allowed.iter().any(|entry| entry == "null");
    }
    let Some((scheme, name, port)) = parse(origin) else {
        return false;
    };
    allowed.iter().any(|entry| {
        parse(entry).is_some_and(|(entry_scheme, entry_name, entry_port)| {
            entry_scheme == scheme
                && entry_name == name
                && (entry_port == "*" || entry_port == port)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        let allowed: Vec<String> = ["gateway.example.com", "127.0.0.1:8080", "[::1]"]
            .map(String::from)
            .into();
        for (host, ok) in [
            ("gateway.example.com", true),
            ("GATEWAY.example.com:443", true),
            ("127.0.0.1:8080", true),
            ("127.0.0.1:9090", false),
            ("[::1]:3000", true),
            ("evil.example.com", false),
        ] {
            assert_eq!(host_allowed(&allowed, host), ok, "{host}");
        }
    }

    #[test]
    fn origins() {
        let allowed: Vec<String> = ["https://app.example.com", "http://localhost:*", "null"]
            .map(String::from)
            .into();
        for (origin, ok) in [
            ("https://app.example.com", true),
            ("https://app.example.com:443", true),
            ("https://app.example.com:8443", false),
            ("http://app.example.com", false),
            ("http://localhost:5173", true),
            ("null", true),
            ("https://evil.example.com", false),
            ("garbage", false),
        ] {
            assert_eq!(origin_allowed(&allowed, origin), ok, "{origin}");
        }
    }
}
