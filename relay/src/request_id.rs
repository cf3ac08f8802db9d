//! The request id, chosen in one place: a client's own `x-request-id` when it is short and plain, else a new time-ordered UUID v7; returned with the answer.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

/// Longest client-supplied request id kept.
const MAX_REQUEST_ID: usize = 64;

/// The request id chosen for a request, set by [`assign_request_id`].
#[derive(Debug, Clone)]
struct RequestId(String);

/// Middleware (`axum::middleware::from_fn(relay::assign_request_id)`) that gives each request
/// its id: the client's `x-request-id` when it is at most 64 id characters, else a new UUID v7
/// (time-ordered, so ids sort as requests arrived). The id replaces the request's
/// `x-request-id` header (for the host's log lines), rides in the request's extensions (for
/// the usage record) and is set on the response (`x-request-id`, and `request-id` on the
/// Anthropic routes, where Anthropic's SDKs read it).
///
/// The relay's router applies it; a host may apply it around all of its routes too, so that
/// every answer carries an id: the first application chooses, and an inner one passes the
/// request on untouched.
pub async fn assign_request_id(mut request: Request, next: Next) -> Response {
    if request.extensions().get::<RequestId>().is_some() {
        return next.run(request).await;
    }
    let supplied = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .filter(|id| is_sane_request_id(id))
        .map(str::to_owned);
    let id = supplied.unwrap_or_else(new_request_id);
    let header = HeaderValue::from_str(&id).ok();
    match &header {
        Some(value) => request.headers_mut().insert("x-request-id", value.clone()),
        None => request.headers_mut().remove("x-request-id"),
    };
    request.extensions_mut().insert(RequestId(id));
    let anthropic = request.uri().path().starts_with("/v1/messages");
    let mut response = next.run(request).await;
    if let Some(value) = header {
        if anthropic {
            response.headers_mut().insert("request-id", value.clone());
        }
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// The id [`assign_request_id`] chose for this request; a new one if the request did not pass
/// through it.
pub(crate) fn request_id(parts: &Parts) -> String {
    parts
        .extensions
        .get::<RequestId>()
        .map_or_else(new_request_id, |id| id.0.clone())
}

fn new_request_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

fn is_sane_request_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_REQUEST_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}
