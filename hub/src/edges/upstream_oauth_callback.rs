//! `GET /mcp/oauth/callback`: where an upstream's authorization server sends the admin's browser back; completes the authorization and says so in a small page.
//!
//! The `state` decides everything (which server, which group, which PKCE verifier); it is taken
//! once and expires, so a replayed or forged callback stores nothing. The page never shows a
//! token; the panel polls `GetMcpUpstreamAuthorization` for the result.

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::mcp_host::upstream_oauth::{CALLBACK_PATH, UpstreamAuthError, UpstreamAuthorizations};

/// The longest query value read (a code or a state is far shorter).
const MAX_PARAM_BYTES: usize = 4096;

#[derive(Deserialize)]
struct CallbackQuery {
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
}

pub fn router(authorizations: Arc<UpstreamAuthorizations>) -> Router {
    Router::new()
        .route(CALLBACK_PATH, get(callback))
        .with_state(authorizations)
}

async fn callback(
    State(authorizations): State<Arc<UpstreamAuthorizations>>,
    query: Result<Query<CallbackQuery>, QueryRejection>,
) -> Response {
    let Ok(Query(query)) = query else {
        return page(
            StatusCode::BAD_REQUEST,
            "Authorization failed",
            "Unreadable callback.",
        );
    };
    let too_long = [
        &query.state,
        &query.code,
        &query.error,
        &query.error_description,
    ]
    .into_iter()
    .flatten()
    .any(|value| value.len() > MAX_PARAM_BYTES);
    if too_long {
        return page(
            StatusCode::BAD_REQUEST,
            "Authorization failed",
            "Callback too long.",
        );
    }
    let Some(state) = query.state.filter(|state| !state.is_empty()) else {
        return page(
            StatusCode::BAD_REQUEST,
            "Authorization failed",
            "The callback carries no state.",
        );
    };
    if let Some(error) = query.error {
        // Consume the state so it cannot be completed later with a stolen code.
        if let Err(error) = authorizations.abandon(&state).await {
            tracing::warn!(%error, "refused upstream authorization not cleared");
        }
        let description = query.error_description.unwrap_or_default();
        return page(
            StatusCode::BAD_REQUEST,
            "Authorization refused",
            &format!("The authorization server answered {error}. {description}"),
        );
    }
    let Some(code) = query.code.filter(|code| !code.is_empty()) else {
        return page(
            StatusCode::BAD_REQUEST,
            "Authorization failed",
            "The callback carries no code.",
        );
    };
    match authorizations.complete(&state, &code).await {
        Ok((server, group)) => page(
            StatusCode::OK,
            "Authorized",
            &format!(
                "The gateway now holds the tokens of group {group} for MCP server {server}. \
                 You can close this window."
            ),
        ),
        Err(UpstreamAuthError::Invalid(reason)) => {
            page(StatusCode::BAD_REQUEST, "Authorization failed", &reason)
        }
        Err(UpstreamAuthError::Upstream(reason)) => {
            page(StatusCode::BAD_GATEWAY, "Authorization failed", &reason)
        }
        Err(error) => {
            tracing::warn!(%error, "upstream authorization callback failed");
            page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Authorization failed",
                "The gateway could not store the authorization.",
            )
        }
    }
}

/// A minimal page, escaped, uncached, scripts off.
fn page(status: StatusCode, title: &str, message: &str) -> Response {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><h1>{title}</h1><p>{message}</p></body></html>",
        title = escape(title),
        message = escape(message),
    );
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}
