//! Swagger 2.0 read as OpenAPI 3, per operation, for the converter.
//!
//! `body` and `formData` parameters become a request body, `type`/`items`/`collectionFormat`
//! become a schema and a style, `host`/`basePath`/`schemes` become servers,
//! `securityDefinitions` become security schemes.
//!
//! This works per operation on resolved values instead of rewriting the whole document, so
//! parameters reached through external `$ref`s are translated the same way.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::source::{BodySource, ParamSource, api_key_kind};
use crate::api::{SecurityScheme, SecuritySchemeKind, ServerCandidate};
use crate::document::Location;
use crate::plan::{ParamLocation, Style};

/// Keywords a non-body Swagger parameter shares with a schema.
const SCHEMA_KEYWORDS: [&str; 16] = [
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
];

pub(crate) fn servers(root: &Value) -> Vec<ServerCandidate> {
    let base_path = root.get("basePath").and_then(Value::as_str).unwrap_or("");
    let base_path = base_path.trim_end_matches('/');
    let Some(host) = root.get("host").and_then(Value::as_str) else {
        // Without a host the API is on the host that served the document.
        let url = if base_path.is_empty() {
            "/".to_owned()
        } else {
            base_path.to_owned()
        };
        return vec![ServerCandidate {
            url,
            description: None,
        }];
    };
    let schemes: Vec<&str> = root
        .get("schemes")
        .and_then(Value::as_array)
        .map(|schemes| {
            schemes
                .iter()
                .filter_map(Value::as_str)
                .filter(|scheme| scheme.starts_with("http"))
                .collect()
        })
        .filter(|schemes: &Vec<&str>| !schemes.is_empty())
        .unwrap_or_else(|| vec!["https"]);
    schemes
        .into_iter()
        .map(|scheme| ServerCandidate {
            url: format!("{scheme}://{host}{base_path}"),
            description: None,
        })
        .collect()
}

pub(crate) fn security_schemes(root: &Value) -> Vec<SecurityScheme> {
    let Some(definitions) = root.get("securityDefinitions").and_then(Value::as_object) else {
        return Vec::new();
    };
    definitions
        .iter()
        .map(|(name, scheme)| {
            let kind = match scheme
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
            {
                "basic" => SecuritySchemeKind::HttpBasic,
                "apiKey" => api_key_kind(scheme),
                "oauth2" => SecuritySchemeKind::OAuth2,
                other => SecuritySchemeKind::Unsupported {
                    scheme: other.to_owned(),
                },
            };
            let description = scheme
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_owned);
            SecurityScheme {
                name: name.clone(),
                kind,
                description,
            }
        })
        .collect()
}

/// `consumes`/`produces` of the operation, else of the document.
pub(crate) fn media_types(operation: Option<&Value>, global: Option<&Value>) -> Vec<String> {
    let list = |value: Option<&Value>| -> Option<Vec<String>> {
        let items: Vec<String> = value?
            .as_array()?
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        (!items.is_empty()).then_some(items)
    };
    list(operation).or_else(|| list(global)).unwrap_or_default()
}

/// Splits merged, resolved parameters into plain parameters and the request body.
pub(crate) fn split_parameters<'a>(
    merged: Vec<(&'a Value, Location)>,
    consumes: &[String],
) -> (Vec<ParamSource<'a>>, Option<BodySource<'a>>) {
    let mut params = Vec::new();
    let mut body = None;
    let mut form_properties = Map::new();
    let mut form_required = Vec::new();
    let mut form_location = None;
    let mut has_file = false;
    for (param, location) in merged {
        let name = param
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let required = param
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let description = param
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let place = match param.get("in").and_then(Value::as_str) {
            Some("body") => {
                let schema = param
                    .get("schema")
                    .map(Cow::Borrowed)
                    .unwrap_or_else(|| Cow::Owned(Value::Object(Map::new())));
                let media = if consumes.is_empty() {
                    vec!["application/json".to_owned()]
                } else {
                    consumes.to_vec()
                };
                let schema_location = location.child("schema");
                body = Some(BodySource {
                    content: media
                        .into_iter()
                        .map(|media_type| {
                            (media_type, Some((schema.clone(), schema_location.clone())))
                        })
                        .collect(),
                    required,
                    description,
                });
                continue;
            }
            Some("formData") => {
                let mut schema = parameter_schema(param);
                if let (Some(description), Value::Object(schema)) = (&description, &mut schema) {
                    schema.insert("description".to_owned(), Value::String(description.clone()));
                }
                has_file |= param.get("type").and_then(Value::as_str) == Some("file");
                if required {
                    form_required.push(Value::String(name.clone()));
                }
                form_properties.insert(name, schema);
                form_location.get_or_insert(location);
                continue;
            }
            Some("path") => ParamLocation::Path,
            Some("query") => ParamLocation::Query,
            Some("header") => ParamLocation::Header,
            _ => continue,
        };
        if place == ParamLocation::Header
            && ["accept", "content-type", "authorization"]
                .contains(&name.to_ascii_lowercase().as_str())
        {
            continue;
        }
        let (style, explode) =
            collection_style(param.get("collectionFormat").and_then(Value::as_str), place);
        params.push(ParamSource {
            name,
            location: place,
            required,
            description,
            deprecated: false,
            schema: Some((Cow::Owned(parameter_schema(param)), location)),
            json_content: false,
            style: Some(style),
            explode: Some(explode),
        });
    }
    if let Some(location) = form_location
        && body.is_none()
    {
        let multipart = has_file
            || consumes
                .iter()
                .any(|media_type| media_type.starts_with("multipart/form-data"));
        let media_type = if multipart {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        let mut schema = Map::new();
        schema.insert("type".to_owned(), Value::String("object".to_owned()));
        schema.insert("properties".to_owned(), Value::Object(form_properties));
        let any_required = !form_required.is_empty();
        if any_required {
            schema.insert("required".to_owned(), Value::Array(form_required));
        }
        body = Some(BodySource {
            content: vec![(
                media_type.to_owned(),
                Some((Cow::Owned(Value::Object(schema)), location)),
            )],
            required: any_required,
            description: None,
        });
    }
    (params, body)
}

/// A schema from a non-body parameter's own type keywords.
fn parameter_schema(param: &Value) -> Value {
    let mut schema = Map::new();
    if let Some(param) = param.as_object() {
        for key in SCHEMA_KEYWORDS {
            if let Some(value) = param.get(key) {
                schema.insert(key.to_owned(), value.clone());
            }
        }
        if let Some(nullable) = param.get("x-nullable") {
            schema.insert("x-nullable".to_owned(), nullable.clone());
        }
    }
    Value::Object(schema)
}

/// Swagger `collectionFormat` as an OpenAPI 3 style and explode flag. `tsv` has no
/// OpenAPI 3 equivalent and is sent as `csv`.
fn collection_style(format: Option<&str>, place: ParamLocation) -> (Style, bool) {
    let plain = match place {
        ParamLocation::Path | ParamLocation::Header => Style::Simple,
        ParamLocation::Query | ParamLocation::Cookie => Style::Form,
    };
    match format {
        Some("multi") => (Style::Form, true),
        Some("ssv") if place == ParamLocation::Query => (Style::SpaceDelimited, false),
        Some("pipes") if place == ParamLocation::Query => (Style::PipeDelimited, false),
        _ => (plain, false),
    }
}
