//! The management panel: the built front end (`web/dist`, embedded in the binary at compile time) served at `/panel/`, with `/` sent there.
//!
//! The panel is a static single page that talks to the control plane over gRPC-web on the same
//! origin, so every response here carries a strict content security policy: scripts, styles and
//! connections from this origin only, nothing inline, no framing. Pages are addressed by the URL
//! fragment (`/panel/#/groups`), so there is no catch-all route: an unknown file is a 404.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/panel_assets.rs"));
}

/// Where the panel lives.
pub const PANEL_PATH: &str = "/panel/";

/// Sent with every panel response. `connect-src 'self'` is what lets the page reach the
/// control plane; `style-src 'self'` forbids inline styles too, so the UI styles by class only.
/// `img-src` takes https images besides: the MCP catalogue shows vendors' logos by their URL.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data: https:; connect-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// The panel's policy without other origins' images, for pages that show none (Swagger UI).
pub const SELF_ONLY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// Cache lifetime of content-hashed files: their name changes when their bytes do.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Everything else (`index.html` above all) is revalidated so a new build is picked up at once.
pub(crate) const REVALIDATE: &str = "no-cache";

/// `/`, `/panel` and everything under `/panel/`; no fallback, so it merges with the others.
pub fn router() -> Router {
    Router::new()
        .route("/", get(to_panel))
        .route("/panel", get(to_panel))
        .route("/panel/", get(|| async { serve("index.html") }))
        .route("/panel/{*path}", get(asset))
}

/// Whether the binary was built with the panel (a build without `web/dist` embeds nothing).
pub fn is_embedded() -> bool {
    find("index.html").is_some()
}

async fn to_panel() -> Redirect {
    Redirect::temporary(PANEL_PATH)
}

async fn asset(Path(path): Path<String>) -> Response {
    serve(&path)
}

fn serve(path: &str) -> Response {
    let Some(bytes) = find(path) else {
        return with_policy(
            (StatusCode::NOT_FOUND, "not found").into_response(),
            REVALIDATE,
            CONTENT_SECURITY_POLICY,
        );
    };
    let mut response = bytes.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    // Vite writes content-hashed names under assets/; the rest keep their names across builds.
    let cache = if path.starts_with("assets/") {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    with_policy(response, cache, CONTENT_SECURITY_POLICY)
}

fn find(path: &str) -> Option<&'static [u8]> {
    embedded::PANEL_ASSETS
        .binary_search_by(|(name, _)| (*name).cmp(path))
        .ok()
        .and_then(|index| embedded::PANEL_ASSETS.get(index))
        .map(|(_, bytes)| *bytes)
}

pub(crate) fn with_policy(
    mut response: Response,
    cache: &'static str,
    policy: &'static str,
) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // The admin key never travels in URLs, but the page's address need not leak either.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The few types a Vite build emits; a table instead of a MIME crate because the set is closed.
pub(crate) fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, extension)| extension);
    match extension {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_assets_are_sorted_for_binary_search() {
        let names: Vec<&str> = embedded::PANEL_ASSETS
            .iter()
            .map(|(name, _)| *name)
            .collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }

    #[test]
    fn content_types_by_extension() {
        for (path, expected) in [
            ("index.html", "text/html; charset=utf-8"),
            ("assets/index-abc.js", "text/javascript; charset=utf-8"),
            ("assets/index-abc.css", "text/css; charset=utf-8"),
            ("favicon.svg", "image/svg+xml"),
            ("noextension", "application/octet-stream"),
        ] {
            assert_eq!(content_type(path), expected, "{path}");
        }
    }
}
