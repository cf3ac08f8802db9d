//! `/swagger/`: a browsable page of the admin API's OpenAPI document.
//!
//! Swagger-ui-dist's files are embedded in the binary (`hub/assets/swagger-ui/`, see its
//! VERSION) and served with the panel's content security policy
//! without other origins' images.

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::edges::panel::{REVALIDATE, SELF_ONLY_POLICY, content_type, with_policy};

/// Sorted by name for the binary search.
const ASSETS: &[(&str, &[u8])] = &[
    (
        "favicon-32x32.png",
        include_bytes!("../../../assets/swagger-ui/favicon-32x32.png"),
    ),
    (
        "index.css",
        include_bytes!("../../../assets/swagger-ui/index.css"),
    ),
    (
        "index.html",
        include_bytes!("../../../assets/swagger-ui/index.html"),
    ),
    (
        "swagger-initializer.js",
        include_bytes!("../../../assets/swagger-ui/swagger-initializer.js"),
    ),
    (
        "swagger-ui-bundle.js",
        include_bytes!("../../../assets/swagger-ui/swagger-ui-bundle.js"),
    ),
    (
        "swagger-ui.css",
        include_bytes!("../../../assets/swagger-ui/swagger-ui.css"),
    ),
];

pub const INDEX_PATH: &str = "/swagger/index.html";

/// `/swagger`, `/swagger/` and its files; no key needed, as the document holds no data.
pub fn router() -> Router {
    Router::new()
        .route("/swagger", get(to_index))
        .route("/swagger/", get(to_index))
        .route("/swagger/{file}", get(asset))
}

async fn to_index() -> Redirect {
    Redirect::temporary(INDEX_PATH)
}

async fn asset(Path(file): Path<String>) -> Response {
    let found = ASSETS
        .binary_search_by(|(name, _)| (*name).cmp(file.as_str()))
        .ok()
        .and_then(|index| ASSETS.get(index));
    let Some((name, bytes)) = found else {
        return with_policy(
            (StatusCode::NOT_FOUND, "not found").into_response(),
            REVALIDATE,
            SELF_ONLY_POLICY,
        );
    };
    let mut response = bytes.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(name)),
    );
    // Not content-hashed: revalidated, so an upgrade is picked up at once.
    with_policy(response, REVALIDATE, SELF_ONLY_POLICY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assets_are_sorted_for_binary_search() {
        let names: Vec<&str> = ASSETS.iter().map(|(name, _)| *name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }
}
