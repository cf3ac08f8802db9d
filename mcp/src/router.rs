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
    ///
    /// With [`McpConfig::public_host`](crate::McpConfig::public_host) set, `/` and `/sse` on the
    /// host `<id>.<public_host>` serve the public server `id` instead of the aggregated view.
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
            // Inside the Host/Origin guard, which still sees every request first.
            .layer(axum::middleware::from_fn_with_state(
                self.state.oauth.clone(),
                crate::auth::verify_access_token,
            ))
            .layer(axum::middleware::from_fn_with_state(
                self.clone(),
                check_host_and_origin,
            ))
            .with_state(self.clone())
    }

    /// The RFC 9728 metadata routes the host mounts at its root when OAuth is on (see
    /// [`crate::auth`]); `None` without it.
    pub fn protected_resource_router(&self) -> Option<Router> {
        self.state
            .oauth
            .as_ref()
            .map(|oauth| oauth.metadata_router())
    }

    /// The seed's host-based routes the host mounts at its root when
    /// [`McpConfig::public_host`](crate::McpConfig::public_host) is set: `GET /sse` on
    /// `<id>.<public_host>` opens a legacy SSE stream to the public server `id` (another host
    /// gets 404), and `POST /message?sessionId=` feeds it. With OAuth on, they are that host's
    /// protected resource like `<id>.<public_host>/mcp` (see [`crate::auth`]).
    pub fn host_router(&self) -> Router {
        Router::new()
            .route("/sse", get(sse_server::open_by_host))
            .route("/message", post(sse_server::post_message))
            .layer(axum::middleware::from_fn_with_state(
                self.state.oauth.clone(),
                crate::auth::verify_access_token,
            ))
            .layer(axum::middleware::from_fn_with_state(
                self.clone(),
                check_host_and_origin,
            ))
            .with_state(self.clone())
    }
}

/// The public server a request's `Host` names in the host-based mode (`<id>.<public_host>`).
pub(crate) fn host_target(service: &McpService, request: &Request) -> Option<Target> {
    let public_host = service.state.core.config.public_host.as_deref()?;
    server_of_host(public_host, &request_host(request)?).map(Target::Public)
}

/// The authority a request was sent to: its `Host`, else the URI's.
pub(crate) fn request_host(request: &Request) -> Option<String> {
    request
        .headers()
        .get(http::header::HOST)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            request
                .uri()
                .authority()
                .map(|authority| authority.to_string())
        })
}

/// The server id `host` names as `<id>.<public_host>` (any port, any case), lowercase.
pub(crate) fn server_of_host(public_host: &str, host: &str) -> Option<String> {
    let (name, _port) = split_authority(host);
    let (public_name, _) = split_authority(public_host);
    let id = name.strip_suffix(&public_name)?.strip_suffix('.')?;
    (!id.is_empty()).then(|| id.to_owned())
}

async fn streamable_admin(State(service): State<McpService>, request: Request) -> Response {
    service.serve_streamable(Target::Admin, request).await
}

async fn streamable_aggregated(State(service): State<McpService>, request: Request) -> Response {
    let target = host_target(&service, &request).unwrap_or(Target::Aggregated);
    service.serve_streamable(target, request).await
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
/// `Origin`; `Host` pins the names the gateway answers to), and the key taken out of the URL
/// when [`McpConfig::key_in_url`](crate::McpConfig::key_in_url) allows it there.
async fn check_host_and_origin(
    State(service): State<McpService>,
    mut request: Request,
    next: Next,
) -> Response {
    let config = &service.state.core.config;
    let host = request_host(&request);
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
    if config.key_in_url {
        move_key_to_header(&mut request);
    }
    next.run(request).await
}

/// The key a client put in the URL, as the legacy SSE endpoint event repeats it for the
/// client's POSTs (the client's own secret, sent back on its own stream).
#[derive(Debug, Clone)]
pub(crate) struct KeyFromUrl(pub String);

/// Takes `key` out of the query (so nothing below logs or repeats the URL with it) and, when the
/// request carries no `Authorization`, sends it as a Bearer key.
fn move_key_to_header(request: &mut Request) {
    let Some(query) = request.uri().query() else {
        return;
    };
    let mut key = None;
    let rest: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .filter_map(|(name, value)| {
            if name == "key" {
                key.get_or_insert_with(|| value.into_owned());
                None
            } else {
                Some((name.into_owned(), value.into_owned()))
            }
        })
        .collect();
    let Some(key) = key else {
        return;
    };
    let mut rebuilt = request.uri().path().to_owned();
    if !rest.is_empty() {
        rebuilt.push('?');
        rebuilt.push_str(
            &url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(rest)
                .finish(),
        );
    }
    let mut parts = request.uri().clone().into_parts();
    match rebuilt.parse() {
        Ok(path_and_query) => parts.path_and_query = Some(path_and_query),
        Err(_) => return,
    }
    if let Ok(uri) = http::Uri::from_parts(parts) {
        *request.uri_mut() = uri;
    }
    if let Some(original) = request
        .extensions_mut()
        .get_mut::<axum::extract::OriginalUri>()
    {
        // The URI as the client sent it, kept by `nest`: the key goes from it too.
        let path = original.0.path().to_owned();
        if let Ok(uri) = path.parse() {
            original.0 = uri;
        }
    }
    let headers = request.headers_mut();
    if !headers.contains_key(http::header::AUTHORIZATION)
        && let Ok(value) = http::HeaderValue::from_str(&format!("Bearer {key}"))
    {
        headers.insert(http::header::AUTHORIZATION, value);
        request.extensions_mut().insert(KeyFromUrl(key));
    }
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

/// Whether a browser's `Origin` is one of `allowed` (`scheme://host[:port]`, the scheme's
/// default port when none is written, `:*` for any port; `null` only when listed). The hub's
/// CORS answers use the same rule, so one list means the same thing in both settings.
pub fn origin_allowed(allowed: &[String], origin: &str) -> bool {
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
