//! Tool arguments to an HTTP request: parameters serialised per OpenAPI `style`/`explode`, JSON/form/multipart bodies, credential placement.

use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use base64::Engine;
use serde_json::{Map, Value};
use url::Url;

use crate::api::{Api, ApiKeyLocation, SecuritySchemeKind};
use crate::error::CallError;
use crate::plan::{
    BodyBinding, BodyKind, BodyPlacement, ParamBinding, ParamLocation, RequestPlan, Style,
};
use crate::secret::{Credential, Credentials};

/// Where and how to send tool calls. The base URL is chosen by the caller (from
/// [`Api::servers`] or configuration), never by tool arguments.
#[derive(Clone)]
pub struct CallConfig {
    /// Server URL the operation paths are appended to (`https://api.example.com/v1`).
    pub base_url: Url,
    pub credentials: Credentials,
    /// Allow loopback, private, link-local and similar addresses. Cloud metadata
    /// addresses stay refused even then.
    pub allow_private_network: bool,
    /// Whole call, redirects and body included.
    pub timeout: Duration,
    /// The response body is read up to this many bytes; more is an error.
    pub max_response_bytes: usize,
    /// Sent with every request (after the operation's own headers). Treated as secret:
    /// never printed, and dropped on a redirect to another origin.
    pub extra_headers: Vec<(String, String)>,
}

impl CallConfig {
    /// Defaults: no credentials, public network only, 30 s, 5 MiB, no extra headers.
    pub fn new(base_url: Url) -> CallConfig {
        CallConfig {
            base_url,
            credentials: Credentials::default(),
            allow_private_network: false,
            timeout: Duration::from_secs(30),
            max_response_bytes: 5 * 1024 * 1024,
            extra_headers: Vec::new(),
        }
    }
}

impl fmt::Debug for CallConfig {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self
            .extra_headers
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        formatter
            .debug_struct("CallConfig")
            .field("base_url", &redacted_url(&self.base_url))
            .field("credentials", &self.credentials)
            .field("allow_private_network", &self.allow_private_network)
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("extra_headers", &header_names)
            .finish()
    }
}

/// A request ready to send. `Debug` shows no query string and no header values, since
/// either may carry a credential.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: reqwest::Method,
    pub url: Url,
    pub headers: Vec<(String, String)>,
    pub body: Option<HttpBody>,
    /// Lower-case names of headers that carry credentials; dropped on cross-origin redirects.
    pub(crate) sensitive_headers: Vec<String>,
}

impl HttpRequest {
    /// A plain GET of `url` with no headers, for [`crate::send`] (a host fetching a document
    /// under the same SSRF guard, redirect checks and size limit as tool calls).
    pub fn get(url: Url) -> HttpRequest {
        HttpRequest {
            method: reqwest::Method::GET,
            url,
            headers: Vec::new(),
            body: None,
            sensitive_headers: Vec::new(),
        }
    }

    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        formatter
            .debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &redacted_url(&self.url))
            .field("headers", &header_names)
            .field(
                "body",
                &self
                    .body
                    .as_ref()
                    .map(|body| (&body.content_type, body.bytes.len())),
            )
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpBody {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Scheme, host, port and path: what can be shown without leaking a query-string key.
pub(crate) fn redacted_url(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    let _ = shown.set_password(None);
    // `https://TOKEN@host/` carries the secret as the user name.
    let _ = shown.set_username("");
    shown.to_string()
}

impl Api {
    /// Builds the HTTP request for a tool call without sending it. In compact mode `tool`
    /// may be `call_operation` or an operation's own name.
    pub fn build_request(
        &self,
        tool: &str,
        arguments: &Map<String, Value>,
        config: &CallConfig,
    ) -> Result<HttpRequest, CallError> {
        let (operation, arguments) = self.resolve_call(tool, arguments)?;
        build(
            &operation.method,
            &operation.path,
            &operation.plan,
            arguments,
            config,
            &self.security_schemes,
        )
    }

    /// The operation and its arguments for a tool call, unwrapping `call_operation`.
    pub(crate) fn resolve_call<'a>(
        &'a self,
        tool: &str,
        arguments: &'a Map<String, Value>,
    ) -> Result<(&'a crate::api::Operation, &'a Map<String, Value>), CallError> {
        if self.is_compact() && tool == crate::compact::CALL {
            let name = arguments
                .get("operation")
                .and_then(Value::as_str)
                .ok_or_else(|| CallError::MissingArgument {
                    name: "operation".to_owned(),
                })?;
            let operation = self
                .operation(name)
                .ok_or_else(|| CallError::UnknownTool(name.to_owned()))?;
            let inner = match arguments.get("arguments") {
                None => &EMPTY,
                Some(Value::Object(inner)) => inner,
                Some(_) => {
                    return Err(CallError::InvalidArgument {
                        name: "arguments".to_owned(),
                        reason: "not an object".to_owned(),
                    });
                }
            };
            return Ok((operation, inner));
        }
        let operation = self
            .operation(tool)
            .ok_or_else(|| CallError::UnknownTool(tool.to_owned()))?;
        Ok((operation, arguments))
    }
}

static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

fn build(
    method: &reqwest::Method,
    path_template: &str,
    plan: &RequestPlan,
    arguments: &Map<String, Value>,
    config: &CallConfig,
    schemes: &[crate::api::SecurityScheme],
) -> Result<HttpRequest, CallError> {
    let base = &config.base_url;
    if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
        return Err(CallError::InvalidBaseUrl {
            reason: format!("{} is not an http(s) base", redacted_url(base)),
        });
    }
    let mut path = path_template.to_owned();
    let mut query: Vec<String> = Vec::new();
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut cookies: Vec<String> = Vec::new();
    let mut sensitive_headers = Vec::new();
    for param in &plan.params {
        let value = match arguments.get(&param.property) {
            None | Some(Value::Null) => {
                if param.required {
                    return Err(CallError::MissingArgument {
                        name: param.property.clone(),
                    });
                }
                continue;
            }
            Some(value) => value,
        };
        let json_text;
        let value = if param.json_content {
            json_text = Value::String(value.to_string());
            &json_text
        } else {
            value
        };
        match param.location {
            ParamLocation::Path => {
                let rendered = path_value(param, value)?;
                path = path.replace(&format!("{{{}}}", param.name), &rendered);
            }
            ParamLocation::Query => query.extend(query_pairs(param, value)?),
            ParamLocation::Header => {
                let rendered = simple_value(&param.property, value, param.explode, false)?;
                headers.push((param.name.clone(), header_safe(&param.property, rendered)?));
            }
            ParamLocation::Cookie => {
                let rendered = simple_value(&param.property, value, false, false)?;
                cookies.push(format!(
                    "{}={}",
                    param.name,
                    header_safe(&param.property, rendered)?
                ));
            }
        }
    }
    if let Some(accept) = &plan.accept {
        headers.push(("Accept".to_owned(), accept.clone()));
    }
    let body = match &plan.body {
        Some(binding) => body(binding, arguments)?,
        None => None,
    };
    if let Some(body) = &body {
        headers.push(("Content-Type".to_owned(), body.content_type.clone()));
    }
    let credential_cookie = apply_credentials(
        plan,
        schemes,
        &config.credentials,
        &mut headers,
        &mut query,
        &mut sensitive_headers,
    );
    if let Some(cookie) = credential_cookie {
        cookies.push(cookie);
        sensitive_headers.push("cookie".to_owned());
    }
    if !cookies.is_empty() {
        headers.push(("Cookie".to_owned(), cookies.join("; ")));
    }
    for (name, value) in &config.extra_headers {
        headers.push((name.clone(), value.clone()));
        sensitive_headers.push(name.to_ascii_lowercase());
    }

    // URL parsing resolves `.` and `..` segments (and their `%2e` spellings), which would
    // move the call to another operation, or above the base path, with the credential
    // attached. Values cannot contain `/` (it is encoded), so a dot segment can only come
    // from a value that is all dots, alone or next to another one in the template.
    if path.split('/').any(is_dot_segment) {
        return Err(CallError::InvalidArgument {
            name: plan
                .params
                .iter()
                .filter(|param| param.location == ParamLocation::Path)
                .map(|param| param.property.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            reason: "a path value may not make a `.` or `..` dot segment".to_owned(),
        });
    }
    let base_path = base.path().trim_end_matches('/');
    let joined_path = format!("{base_path}{path}");
    let mut url = base.clone();
    url.set_path(&joined_path);
    // Belt and braces: whatever the URL parser did, the request stays under the base path
    // with the template's number of segments.
    if !url.path().starts_with(base_path)
        || url.path().split('/').count() != joined_path.split('/').count()
    {
        return Err(CallError::InvalidArgument {
            name: String::new(),
            reason: "the path would leave the operation's template".to_owned(),
        });
    }
    let mut full_query: Vec<String> = base
        .query()
        .filter(|query| !query.is_empty())
        .map(|query| vec![query.to_owned()])
        .unwrap_or_default();
    full_query.extend(query);
    let joined_query = full_query.join("&");
    url.set_query(if joined_query.is_empty() {
        None
    } else {
        Some(&joined_query)
    });
    url.set_fragment(None);
    Ok(HttpRequest {
        method: method.clone(),
        url,
        headers,
        body,
        sensitive_headers,
    })
}

/// `.` and `..`, in any mix of plain and `%2e`/`%2E` spellings, as URL parsing sees them.
fn is_dot_segment(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "." | "%2e" | ".." | ".%2e" | "%2e." | "%2e%2e"
    )
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A primitive as text; `None` for arrays, objects and null.
fn primitive(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

fn invalid(name: &str, reason: &str) -> CallError {
    CallError::InvalidArgument {
        name: name.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Items of an array or the key/value pairs of an object, each as text (nested values as JSON).
fn items(value: &Value) -> Vec<String> {
    match value {
        Value::Array(values) => values
            .iter()
            .map(|item| primitive(item).unwrap_or_else(|| item.to_string()))
            .collect(),
        _ => Vec::new(),
    }
}

fn entries(value: &Value) -> Vec<(String, String)> {
    match value {
        Value::Object(map) => map
            .iter()
            .filter(|(_, item)| !item.is_null())
            .map(|(key, item)| {
                (
                    key.clone(),
                    primitive(item).unwrap_or_else(|| item.to_string()),
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `simple` style (path and header): `a,b,c`, `k,v,k2,v2`, exploded `k=v,k2=v2`.
fn simple_value(
    name: &str,
    value: &Value,
    explode: bool,
    encoded: bool,
) -> Result<String, CallError> {
    let enc = |text: &str| {
        if encoded {
            encode(text)
        } else {
            text.to_owned()
        }
    };
    match value {
        Value::Array(_) => Ok(items(value)
            .iter()
            .map(|item| enc(item))
            .collect::<Vec<_>>()
            .join(",")),
        Value::Object(_) => {
            let pairs = entries(value);
            Ok(if explode {
                pairs
                    .iter()
                    .map(|(key, item)| format!("{}={}", enc(key), enc(item)))
                    .collect::<Vec<_>>()
                    .join(",")
            } else {
                pairs
                    .iter()
                    .flat_map(|(key, item)| [enc(key), enc(item)])
                    .collect::<Vec<_>>()
                    .join(",")
            })
        }
        other => primitive(other)
            .map(|text| enc(&text))
            .ok_or_else(|| invalid(name, "null is not allowed here")),
    }
}

fn path_value(param: &ParamBinding, value: &Value) -> Result<String, CallError> {
    let name = &param.property;
    match param.style {
        Style::Label => {
            let separator = if param.explode { "." } else { "," };
            let rendered = match value {
                Value::Array(_) => items(value)
                    .iter()
                    .map(|item| encode(item))
                    .collect::<Vec<_>>()
                    .join(separator),
                Value::Object(_) if param.explode => entries(value)
                    .iter()
                    .map(|(key, item)| format!("{}={}", encode(key), encode(item)))
                    .collect::<Vec<_>>()
                    .join("."),
                _ => simple_value(name, value, false, true)?,
            };
            Ok(format!(".{rendered}"))
        }
        Style::Matrix => {
            let key = encode(&param.name);
            Ok(match value {
                Value::Array(_) if param.explode => items(value)
                    .iter()
                    .map(|item| format!(";{key}={}", encode(item)))
                    .collect(),
                Value::Object(_) if param.explode => entries(value)
                    .iter()
                    .map(|(entry_key, item)| format!(";{}={}", encode(entry_key), encode(item)))
                    .collect(),
                _ => format!(";{key}={}", simple_value(name, value, false, true)?),
            })
        }
        _ => simple_value(name, value, param.explode, true),
    }
}

fn query_pairs(param: &ParamBinding, value: &Value) -> Result<Vec<String>, CallError> {
    let key = encode(&param.name);
    let joined = |separator: &str| {
        items(value)
            .iter()
            .map(|item| encode(item))
            .collect::<Vec<_>>()
            .join(separator)
    };
    Ok(match (param.style, value) {
        (Style::DeepObject, Value::Object(_)) => entries(value)
            .iter()
            .map(|(entry_key, item)| format!("{key}[{}]={}", encode(entry_key), encode(item)))
            .collect(),
        (Style::DeepObject, _) => {
            return Err(invalid(
                &param.property,
                "deepObject parameters take an object",
            ));
        }
        (Style::SpaceDelimited, Value::Array(_)) if !param.explode => {
            vec![format!("{key}={}", joined("%20"))]
        }
        (Style::PipeDelimited, Value::Array(_)) if !param.explode => {
            vec![format!("{key}={}", joined("|"))]
        }
        (_, Value::Array(_)) if param.explode => items(value)
            .iter()
            .map(|item| format!("{key}={}", encode(item)))
            .collect(),
        (_, Value::Array(_)) => vec![format!("{key}={}", joined(","))],
        (_, Value::Object(_)) if param.explode => entries(value)
            .iter()
            .map(|(entry_key, item)| format!("{}={}", encode(entry_key), encode(item)))
            .collect(),
        (_, Value::Object(_)) => vec![format!(
            "{key}={}",
            entries(value)
                .iter()
                .flat_map(|(entry_key, item)| [encode(entry_key), encode(item)])
                .collect::<Vec<_>>()
                .join(",")
        )],
        (_, other) => vec![format!(
            "{key}={}",
            encode(&primitive(other).unwrap_or_default())
        )],
    })
}

fn header_safe(name: &str, value: String) -> Result<String, CallError> {
    if value
        .bytes()
        .any(|byte| byte == b'\r' || byte == b'\n' || byte == 0)
    {
        return Err(invalid(
            name,
            "line breaks are not allowed in header values",
        ));
    }
    Ok(value)
}

fn body(
    binding: &BodyBinding,
    arguments: &Map<String, Value>,
) -> Result<Option<HttpBody>, CallError> {
    let value = match &binding.placement {
        BodyPlacement::Property(property) => match arguments.get(property) {
            None | Some(Value::Null) => {
                if binding.required {
                    return Err(CallError::MissingArgument {
                        name: property.clone(),
                    });
                }
                return Ok(None);
            }
            Some(value) => value.clone(),
        },
        BodyPlacement::Flattened(names) => {
            if let Some(missing) = binding
                .required_fields
                .iter()
                .find(|name| arguments.get(*name).is_none_or(Value::is_null))
            {
                return Err(CallError::MissingArgument {
                    name: missing.clone(),
                });
            }
            let object: Map<String, Value> = names
                .iter()
                .filter_map(|name| {
                    arguments
                        .get(name)
                        .filter(|value| !value.is_null())
                        .map(|value| (name.clone(), value.clone()))
                })
                .collect();
            if object.is_empty() && !binding.required {
                return Ok(None);
            }
            Value::Object(object)
        }
    };
    let content_type = binding.media_type.clone();
    let bytes = match binding.kind {
        BodyKind::Json => {
            let content_type = if content_type.contains('*') {
                "application/json".to_owned()
            } else {
                content_type
            };
            return Ok(Some(HttpBody {
                content_type,
                bytes: value.to_string().into_bytes(),
            }));
        }
        BodyKind::Raw => match value {
            Value::String(text) => text.into_bytes(),
            other => other.to_string().into_bytes(),
        },
        BodyKind::Form => form_body(&value).into_bytes(),
        BodyKind::Multipart => {
            let (boundary, bytes) = multipart_body(&value, &binding.binary_fields);
            return Ok(Some(HttpBody {
                content_type: format!("multipart/form-data; boundary={boundary}"),
                bytes,
            }));
        }
    };
    Ok(Some(HttpBody {
        content_type,
        bytes,
    }))
}

/// `application/x-www-form-urlencoded`: arrays repeat the key, nested objects are JSON text.
fn form_body(value: &Value) -> String {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    if let Value::Object(map) = value {
        for (key, item) in map {
            match item {
                Value::Null => {}
                Value::Array(values) => {
                    for value in values {
                        serializer.append_pair(
                            key,
                            &primitive(value).unwrap_or_else(|| value.to_string()),
                        );
                    }
                }
                other => {
                    serializer
                        .append_pair(key, &primitive(other).unwrap_or_else(|| other.to_string()));
                }
            }
        }
    }
    serializer.finish()
}

/// `multipart/form-data`: one part per field (per item for arrays); binary fields are file
/// parts whose content is the argument's text; objects are JSON parts.
fn multipart_body(value: &Value, binary_fields: &[String]) -> (String, Vec<u8>) {
    let mut parts: Vec<(String, bool, Option<&'static str>, String)> = Vec::new();
    if let Value::Object(map) = value {
        for (key, item) in map {
            let binary = binary_fields.contains(key);
            let values: Vec<&Value> = match item {
                Value::Array(values) => values.iter().collect(),
                other => vec![other],
            };
            for value in values {
                match value {
                    Value::Null => {}
                    Value::Object(_) | Value::Array(_) => parts.push((
                        key.clone(),
                        binary,
                        Some("application/json"),
                        value.to_string(),
                    )),
                    other => parts.push((
                        key.clone(),
                        binary,
                        None,
                        primitive(other).unwrap_or_default(),
                    )),
                }
            }
        }
    }
    let mut boundary = new_boundary();
    while parts
        .iter()
        .any(|(_, _, _, content)| content.contains(&boundary))
    {
        boundary = new_boundary();
    }
    let mut bytes = Vec::new();
    for (name, binary, content_type, content) in parts {
        let name = quote_field(&name);
        bytes.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        if binary {
            bytes.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n").as_bytes(),
            );
        } else {
            bytes.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n").as_bytes(),
            );
            if let Some(content_type) = content_type {
                bytes.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
            }
        }
        bytes.extend_from_slice(b"\r\n");
        bytes.extend_from_slice(content.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (boundary, bytes)
}

fn quote_field(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn new_boundary() -> String {
    // RandomState is seeded randomly per process and per instance: enough to make a
    // boundary unpredictable without a dependency on a random number crate.
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|duration| duration.as_nanos() as u64)
            .unwrap_or(0),
    );
    format!("----openapi2mcp{:016x}", hasher.finish())
}

/// Applies the first security alternative the credentials fully cover. Returns a cookie
/// pair for cookie API keys (joined with the other cookies by the caller).
fn apply_credentials(
    plan: &RequestPlan,
    schemes: &[crate::api::SecurityScheme],
    credentials: &Credentials,
    headers: &mut Vec<(String, String)>,
    query: &mut Vec<String>,
    sensitive_headers: &mut Vec<String>,
) -> Option<String> {
    let usable = |scheme_name: &str| -> bool {
        let Some(scheme) = schemes.iter().find(|scheme| scheme.name == scheme_name) else {
            return false;
        };
        matches!(
            (&scheme.kind, credentials.get(scheme_name)),
            (
                SecuritySchemeKind::ApiKey { .. },
                Some(Credential::ApiKey(_) | Credential::Bearer(_))
            ) | (
                SecuritySchemeKind::HttpBearer
                    | SecuritySchemeKind::OAuth2
                    | SecuritySchemeKind::OpenIdConnect,
                Some(Credential::Bearer(_) | Credential::ApiKey(_))
            ) | (
                SecuritySchemeKind::HttpBasic,
                Some(Credential::Basic { .. })
            )
        )
    };
    let alternative = plan.security.iter().find(|alternative| {
        !alternative.is_empty() && alternative.iter().all(|name| usable(name))
    })?;
    let mut cookie = None;
    for scheme_name in alternative {
        let (Some(scheme), Some(credential)) = (
            schemes.iter().find(|scheme| &scheme.name == scheme_name),
            credentials.get(scheme_name),
        ) else {
            continue;
        };
        let token = match credential {
            Credential::ApiKey(secret) | Credential::Bearer(secret) => secret.expose().to_owned(),
            Credential::Basic { .. } => String::new(),
        };
        match (&scheme.kind, credential) {
            (
                SecuritySchemeKind::ApiKey {
                    parameter,
                    location,
                },
                _,
            ) => match location {
                ApiKeyLocation::Header => {
                    headers.push((parameter.clone(), token));
                    sensitive_headers.push(parameter.to_ascii_lowercase());
                }
                ApiKeyLocation::Query => {
                    query.push(format!("{}={}", encode(parameter), encode(&token)))
                }
                ApiKeyLocation::Cookie => cookie = Some(format!("{parameter}={token}")),
            },
            (SecuritySchemeKind::HttpBasic, Credential::Basic { username, password }) => {
                let encoded = base64::engine::general_purpose::STANDARD
                    .encode(format!("{username}:{}", password.expose()));
                headers.push(("Authorization".to_owned(), format!("Basic {encoded}")));
                sensitive_headers.push("authorization".to_owned());
            }
            _ => {
                headers.push(("Authorization".to_owned(), format!("Bearer {token}")));
                sensitive_headers.push("authorization".to_owned());
            }
        }
    }
    cookie
}

#[cfg(test)]
mod redaction_tests {
    use super::*;

    #[test]
    fn urls_in_error_text_lose_query_and_user_info() {
        let url = Url::parse("https://tok3n:pw@api.example.com/v1/pets?api_key=s3cret#f").unwrap();
        assert_eq!(redacted_url(&url), "https://api.example.com/v1/pets");
    }
}
