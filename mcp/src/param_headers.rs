//! SEP-2243's `Mcp-Param-*` headers of a 2026-07-28 `tools/call`, checked against the arguments its tool's schema marks with `x-mcp-header`.
//!
//! rmcp's transport checks these only for a server that names its tools' schemas without being
//! asked (`ServerHandler::get_tool`, synchronous); a route's tools depend on its caller
//! (allow-lists, pins, the aggregated view, a proxy's upstream), so the gateway checks here,
//! against the listing that caller gets, before rmcp sees the request. A mismatch is answered
//! `400 Bad Request` with a `-32020` (HeaderMismatch) error carrying the request's id; rmcp
//! checks `Mcp-Method` and `Mcp-Name` itself.
//!
//! Cost: a checked call needs its tool's schema, which takes listing its server's tools (for a
//! proxy an upstream `tools/list`, for a large OpenAPI document a copy of its whole catalogue).
//! The schema found is kept per server, group, token and tool for [`SCHEMA_TTL`] ([`SchemaCache`]), so
//! a stream of calls lists once per span; a tool whose schema changes is checked against the
//! old one at most that long (the server still validates the arguments itself).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::response::{IntoResponse, Response};
use base64::Engine;
use http::{HeaderMap, StatusCode};
use rmcp::ErrorData;
use rmcp::model::{ClientJsonRpcMessage, ClientRequest, JsonObject, ProtocolVersion, RequestId};
use serde_json::Value;

use crate::handler::{Core, RequestScope};

/// Header names are case-insensitive; `http` keeps them lowercase.
const PARAM_PREFIX: &str = "mcp-param-";
/// A value that cannot travel as a plain header value is sent as `=?base64?{value}?=`.
const BASE64_PREFIX: &str = "=?base64?";
const BASE64_SUFFIX: &str = "?=";

/// Checks the `Mcp-Param-*` headers of `message`, when it is a `tools/call` of a revision with
/// standard headers, against the input schema of the tool it names on `scope`'s route. A tool
/// the route does not list is left to the handler, which refuses it.
pub(crate) async fn check_request(
    core: &Core,
    scope: &RequestScope,
    headers: &HeaderMap,
    message: &ClientJsonRpcMessage,
) -> Result<(), Response> {
    if !names_standard_headers(headers) {
        return Ok(());
    }
    let ClientJsonRpcMessage::Request(request) = message else {
        return Ok(());
    };
    let ClientRequest::CallToolRequest(call) = &request.request else {
        return Ok(());
    };
    let Some(schema) = input_schema(core, scope, &call.params.name).await else {
        return Ok(());
    };
    check(headers, &schema, call.params.arguments.as_ref())
        .map_err(|reason| mismatch(&request.id, reason))
}

/// Whether the request's `MCP-Protocol-Version` names a revision with standard headers (they
/// are dates, so they compare as strings).
fn names_standard_headers(headers: &HeaderMap) -> bool {
    headers
        .get("mcp-protocol-version")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|version| version >= ProtocolVersion::STANDARD_HEADERS.as_str())
}

/// How long a tool's schema found for the check is used before its server is listed again.
const SCHEMA_TTL: Duration = Duration::from_secs(10);
/// Schemas kept at most: past it the expired go, then all (callers naming random tools cannot
/// grow it).
const MAX_SCHEMAS: usize = 4096;

/// A tool's schema (or that the caller's listing has no such tool) per server, group, token
/// (a token's allow-list decides what its listing holds) and tool name.
type SchemaKey = (String, String, i64, String);
/// When a schema was found, and the schema (`None`: no such tool in the caller's listing).
type FoundSchema = (Instant, Option<Arc<JsonObject>>);

/// The schemas [`input_schema`] found recently (see the module doc).
#[derive(Default)]
pub(crate) struct SchemaCache {
    entries: Mutex<HashMap<SchemaKey, FoundSchema>>,
}

impl SchemaCache {
    fn get(&self, key: &SchemaKey) -> Option<Option<Arc<JsonObject>>> {
        let entries = self.entries.lock().ok()?;
        let (found_at, schema) = entries.get(key)?;
        (found_at.elapsed() < SCHEMA_TTL).then(|| schema.clone())
    }

    fn put(&self, key: SchemaKey, schema: Option<Arc<JsonObject>>) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= MAX_SCHEMAS {
            entries.retain(|_, (found_at, _)| found_at.elapsed() < SCHEMA_TTL);
            if entries.len() >= MAX_SCHEMAS {
                entries.clear();
            }
        }
        entries.insert(key, (Instant::now(), schema));
    }
}

/// The input schema of the tool `name` as `scope`'s caller sees it listed, from `core`'s
/// [`SchemaCache`] while it is fresh.
async fn input_schema(core: &Core, scope: &RequestScope, name: &str) -> Option<Arc<JsonObject>> {
    let target = core
        .call_target(&scope.caller, &scope.view, name)
        .await
        .ok()?;
    let key = (
        target.server_id.clone(),
        scope.caller.group_id.clone(),
        scope.caller.token_id,
        target.tool.clone(),
    );
    if let Some(known) = core.param_schemas.get(&key) {
        return known;
    }
    let tools = match &target.definition {
        Some(definition) => core
            .list_server_tools(&scope.caller, definition)
            .await
            .ok()?,
        None => target.server.ok()?.list_tools().await.ok()?,
    };
    let schema = tools
        .into_iter()
        .find(|tool| tool.name == target.tool)
        .map(|tool| tool.input_schema);
    core.param_schemas.put(key, schema.clone());
    schema
}

/// Checks every `x-mcp-header` annotation of `schema` (on a property reached from the root
/// through `properties` alone): a value in `arguments` needs its header, saying the same; a
/// header needs a value.
fn check(
    headers: &HeaderMap,
    schema: &JsonObject,
    arguments: Option<&JsonObject>,
) -> Result<(), String> {
    let mut annotated = Vec::new();
    collect_annotations(schema.get("properties"), &mut Vec::new(), &mut annotated);
    for (path, header) in annotated {
        let name = format!("{PARAM_PREFIX}{}", header.to_ascii_lowercase());
        let sent = single_value(headers, &name)?;
        let value = arguments
            .and_then(|arguments| value_at(arguments, &path))
            .and_then(primitive_text);
        match (sent, value) {
            (None, None) => {}
            (Some(_), None) => {
                return Err(format!(
                    "Mcp-Param-{header} header sent, but `{}` is absent",
                    path.join(".")
                ));
            }
            (None, Some(_)) => {
                return Err(format!(
                    "missing Mcp-Param-{header} header for `{}`",
                    path.join(".")
                ));
            }
            (Some(sent), Some(value)) => {
                let decoded = decode(sent)
                    .ok_or_else(|| format!("Mcp-Param-{header} header is not valid Base64"))?;
                if decoded != value {
                    return Err(format!(
                        "Mcp-Param-{header} header `{decoded}` does not match `{}`",
                        path.join(".")
                    ));
                }
            }
        }
    }
    Ok(())
}

/// `(path, header)` of every property carrying a string `x-mcp-header`, nested ones included.
fn collect_annotations<'a>(
    properties: Option<&'a Value>,
    path: &mut Vec<&'a str>,
    out: &mut Vec<(Vec<&'a str>, &'a str)>,
) {
    let Some(Value::Object(properties)) = properties else {
        return;
    };
    for (name, schema) in properties {
        path.push(name);
        if let Some(header) = schema
            .get("x-mcp-header")
            .and_then(Value::as_str)
            .filter(|header| !header.is_empty())
        {
            out.push((path.clone(), header));
        }
        collect_annotations(schema.get("properties"), path, out);
        path.pop();
    }
}

fn value_at<'a>(arguments: &'a JsonObject, path: &[&str]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    rest.iter()
        .try_fold(arguments.get(*first)?, |value, key| value.get(key))
}

/// A string, number or boolean as its header text; `None` for anything else (null included).
fn primitive_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// The one value of header `name`, without the whitespace HTTP allows around it; a repeated
/// header is refused (an intermediary could route on the other value).
fn single_value<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, String> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(format!("{name} header sent more than once"));
    }
    first
        .to_str()
        .map(|value| Some(value.trim_matches([' ', '\t'])))
        .map_err(|_| format!("{name} header holds characters a header value may not"))
}

/// A header value as text: `=?base64?{standard, padded Base64 of UTF-8}?=` decoded, anything
/// else literally; `None` for a wrapper around invalid Base64 or UTF-8.
fn decode(value: &str) -> Option<String> {
    let Some(encoded) = value
        .strip_prefix(BASE64_PREFIX)
        .and_then(|rest| rest.strip_suffix(BASE64_SUFFIX))
    else {
        return Some(value.to_owned());
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    String::from_utf8(bytes).ok()
}

fn mismatch(id: &RequestId, reason: String) -> Response {
    let error = ErrorData::header_mismatch(reason, None);
    let body = serde_json::json!({"jsonrpc": "2.0", "id": id, "error": error});
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    use http::{HeaderName, HeaderValue};
    use serde_json::json;

    #[test]
    fn found_schemas_are_kept_per_token_and_bounded() {
        let cache = SchemaCache::default();
        let key =
            |token: i64, tool: &str| ("srv".to_owned(), "ga".to_owned(), token, tool.to_owned());
        let found = Some(Arc::new(schema()));
        cache.put(key(1, "t"), found.clone());
        cache.put(key(2, "t"), None);
        assert_eq!(cache.get(&key(1, "t")), Some(found));
        // Another token's listing may not hold the tool: its answer is its own.
        assert_eq!(cache.get(&key(2, "t")), Some(None));
        assert_eq!(cache.get(&key(3, "t")), None);
        for tool in 0..MAX_SCHEMAS + 10 {
            cache.put(key(1, &tool.to_string()), None);
        }
        let kept = cache.entries.lock().unwrap().len();
        assert!(kept <= MAX_SCHEMAS, "{kept}");
    }

    fn schema() -> JsonObject {
        serde_json::from_value(json!({
            "type": "object",
            "properties": {
                "region": {"type": "string", "x-mcp-header": "Region"},
                "limits": {"type": "object", "properties": {
                    "depth": {"type": "integer", "x-mcp-header": "Depth"}
                }},
                "note": {"type": "string"}
            }
        }))
        .unwrap()
    }

    fn check_with(headers: &[(&str, &str)], arguments: Value) -> Result<(), String> {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        let arguments: JsonObject = serde_json::from_value(arguments).unwrap();
        check(&map, &schema(), Some(&arguments))
    }

    #[test]
    fn headers_must_say_what_the_arguments_say() {
        let hello = json!({"region": "Hello"});
        let accepted = [
            vec![("Mcp-Param-Region", "Hello")],
            vec![("mcp-param-region", "  Hello  ")],
            vec![("Mcp-Param-Region", "=?base64?SGVsbG8=?=")],
        ];
        for headers in accepted {
            assert_eq!(check_with(&headers, hello.clone()), Ok(()), "{headers:?}");
        }
        let refused = [
            vec![],
            vec![("Mcp-Param-Region", "Goodbye")],
            // Unpadded, and outside the alphabet.
            vec![("Mcp-Param-Region", "=?base64?SGVsbG8?=")],
            vec![("Mcp-Param-Region", "=?base64?SGVs!!!bG8=?=")],
            vec![("Mcp-Param-Region", "Hello"), ("Mcp-Param-Region", "Hello")],
        ];
        for headers in refused {
            assert!(check_with(&headers, hello.clone()).is_err(), "{headers:?}");
        }
    }

    #[test]
    fn a_value_without_the_whole_wrapper_is_literal() {
        let encoded = "SGVsbG8=";
        assert_eq!(
            check_with(&[("Mcp-Param-Region", encoded)], json!({"region": encoded})),
            Ok(())
        );
        let half = "=?base64?SGVsbG8=";
        assert_eq!(
            check_with(&[("Mcp-Param-Region", half)], json!({"region": half})),
            Ok(())
        );
    }

    #[test]
    fn nested_numbers_and_absent_values_are_checked_too() {
        let nested = json!({"region": "eu", "limits": {"depth": 3}});
        let both = [("Mcp-Param-Region", "eu"), ("Mcp-Param-Depth", "3")];
        assert_eq!(check_with(&both, nested.clone()), Ok(()));
        assert!(check_with(&both[..1], nested).is_err());
        // A header for an argument the call does not carry.
        assert!(check_with(&both, json!({"region": "eu"})).is_err());
        // Neither: nothing to check.
        assert_eq!(check_with(&[], json!({"note": "x"})), Ok(()));
    }

    #[test]
    fn only_revisions_with_standard_headers_are_checked() {
        let mut headers = HeaderMap::new();
        assert!(!names_standard_headers(&headers));
        headers.insert(
            "mcp-protocol-version",
            HeaderValue::from_static("2025-11-25"),
        );
        assert!(!names_standard_headers(&headers));
        headers.insert(
            "mcp-protocol-version",
            HeaderValue::from_static("2026-07-28"),
        );
        assert!(names_standard_headers(&headers));
    }
}
