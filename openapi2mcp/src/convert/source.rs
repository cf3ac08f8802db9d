//! What conversion reads from an operation once `$ref`s and Swagger 2.0 differences are dealt with: parameters, bodies, schemas with where they live.

use std::borrow::Cow;

use serde_json::Value;

use crate::api::{ApiKeyLocation, SecuritySchemeKind};
use crate::document::Location;
use crate::plan::{ParamLocation, Style};

/// A schema borrowed from the document (or built for Swagger 2.0) and where it lives, so
/// relative `$ref`s inside it resolve against the right file.
pub(crate) type Sourced<'a> = (Cow<'a, Value>, Location);

/// A parameter after `$ref`s and Swagger 2.0 differences are dealt with.
pub(crate) struct ParamSource<'a> {
    pub name: String,
    pub location: ParamLocation,
    pub required: bool,
    pub description: Option<String>,
    pub deprecated: bool,
    /// The schema and where it lives (for relative refs and warnings).
    pub schema: Option<Sourced<'a>>,
    pub json_content: bool,
    pub style: Option<Style>,
    pub explode: Option<bool>,
}

/// A request body after `$ref`s and Swagger 2.0 differences are dealt with.
pub(crate) struct BodySource<'a> {
    /// (media type, schema and its location) in document order.
    pub content: Vec<(String, Option<Sourced<'a>>)>,
    pub required: bool,
    pub description: Option<String>,
}

/// An `apiKey` security scheme's parameter name and where it goes (a header unless it says
/// otherwise).
pub(crate) fn api_key_kind(scheme: &Value) -> SecuritySchemeKind {
    let parameter = scheme
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let location = match scheme.get("in").and_then(Value::as_str) {
        Some("query") => ApiKeyLocation::Query,
        Some("cookie") => ApiKeyLocation::Cookie,
        _ => ApiKeyLocation::Header,
    };
    SecuritySchemeKind::ApiKey {
        parameter,
        location,
    }
}
