//! What the templates on vendors' REST APIs share: one HTTP client per server with timeouts,
//! bodies read to a size bound (gzip included), JSON decoding, errors that never carry a key,
//! and the parameter and argument readers those templates repeat.
//!
//! Keys travel in query strings for most of these vendors, so every message that leaves here
//! has the URL stripped (`reqwest::Error::without_url`) and the server's secrets replaced: a
//! vendor that echoes the key in its error text does not leak it either.

use std::collections::BTreeMap;
use std::io::Read;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use openapi2mcp::{BlockedAddress, GuardedResolver, blocked_reason};
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock, JsonObject};
use serde_json::Value;

use super::TemplateError;
use crate::tool_server::tool_error;

/// The largest JSON body a vendor may send: far above any real answer of these APIs.
pub(crate) const MAX_JSON_BYTES: usize = 4 * 1024 * 1024;
/// How much of a failed response's body is kept to explain the failure.
const MAX_ERROR_BODY_BYTES: usize = 16 * 1024;
/// How much of a vendor's error text reaches the caller.
const MAX_ERROR_MESSAGE_CHARS: usize = 300;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a vendor call failed; the text is safe to show (no URL, no key).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum VendorError {
    #[error("request failed: {0}")]
    Http(String),
    #[error("vendor answered status {status}: {message}")]
    Status { status: u16, message: String },
    #[error("response larger than {0} bytes")]
    TooLarge(usize),
    #[error("unreadable response: {0}")]
    Decode(String),
}

/// A response body read within its bound.
pub(crate) struct Body {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// One vendor API as a template's server reaches it: base URL, client and the secrets to hide.
pub(crate) struct VendorHttp {
    client: reqwest::Client,
    base_url: String,
    secrets: Vec<String>,
}

impl VendorHttp {
    /// A client for `base_url` (no trailing slash needed) whose errors hide `secrets`. For
    /// addresses the operator chose: the vendor's default or an admin parameter.
    pub fn new(
        base_url: String,
        timeout: Duration,
        secrets: Vec<String>,
    ) -> Result<Self, TemplateError> {
        Self::build(base_url, secrets, client_builder(timeout))
    }

    /// A client for a `base_url` a group may set (`param` names it): the shared address
    /// policy applies as for the `fetch` template, and the ambient proxy is ignored (it would
    /// resolve names past the guard). The base URL is fixed and redirects are not followed, so
    /// checking its literal address once here and names in the resolver covers every request.
    pub fn guarded(
        base_url: String,
        param: &'static str,
        timeout: Duration,
        secrets: Vec<String>,
        allow_private_network: bool,
    ) -> Result<Self, TemplateError> {
        let literal = match url::Url::parse(&base_url)
            .ok()
            .and_then(|url| url.host().map(|host| host.to_owned()))
        {
            Some(url::Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
            Some(url::Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
            _ => None,
        };
        if let Some(reason) = literal.and_then(|ip| blocked_reason(ip, allow_private_network)) {
            return Err(TemplateError::InvalidParam {
                name: param,
                reason: format!("refused address ({reason})"),
            });
        }
        let builder = client_builder(timeout)
            .dns_resolver(Arc::new(GuardedResolver {
                allow_private_network,
            }))
            .no_proxy();
        Self::build(base_url, secrets, builder)
    }

    fn build(
        base_url: String,
        secrets: Vec<String>,
        builder: reqwest::ClientBuilder,
    ) -> Result<Self, TemplateError> {
        let client = builder
            .build()
            .map_err(|error| TemplateError::InvalidParam {
                name: "client",
                reason: error.to_string(),
            })?;
        Ok(Self {
            client,
            base_url: base_url.trim_end_matches('/').to_owned(),
            secrets: secrets
                .into_iter()
                .filter(|secret| !secret.is_empty())
                .collect(),
        })
    }

    /// The absolute URL of `path` (which starts with `/`) on this vendor.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The URL of `path` with `query` appended, encoded (reqwest's own `query` is a feature
    /// the workspace does not build).
    fn url_with_query(&self, path: &str, query: &[(&str, String)]) -> String {
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(query)
            .finish();
        let url = self.url(path);
        match (encoded.is_empty(), url.contains('?')) {
            (true, _) => url,
            (false, true) => format!("{url}&{encoded}"),
            (false, false) => format!("{url}?{encoded}"),
        }
    }

    /// GET `path` with `query`, decoded as JSON.
    pub async fn get_json(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Value, VendorError> {
        self.json(self.client.get(self.url_with_query(path, query)))
            .await
    }

    /// POST `body` as JSON to `url` (absolute: some vendors' endpoint is the whole base URL).
    pub async fn post_json_to(&self, url: &str, body: &Value) -> Result<Value, VendorError> {
        self.json(self.client.post(url).json(body)).await
    }

    /// POST `form` URL-encoded to `path`, decoded as JSON.
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, String)],
    ) -> Result<Value, VendorError> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let request = self
            .client
            .post(self.url(path))
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body);
        self.json(request).await
    }

    /// GET `path` with `query`; the body as bytes, at most `limit` of them.
    pub async fn get_bytes(
        &self,
        path: &str,
        query: &[(&str, String)],
        limit: usize,
    ) -> Result<Body, VendorError> {
        self.send(self.client.get(self.url_with_query(path, query)), limit)
            .await
    }

    /// GET an absolute `url` (a data file, say), at most `limit` bytes.
    pub async fn get_url(&self, url: &str, limit: usize) -> Result<Body, VendorError> {
        self.send(self.client.get(url), limit).await
    }

    /// `message` with every secret of this server replaced, cut to a readable length.
    pub fn redact(&self, message: &str) -> String {
        let mut message = message.to_owned();
        for secret in &self.secrets {
            message = message.replace(secret.as_str(), "***");
        }
        truncate_chars(&message, MAX_ERROR_MESSAGE_CHARS)
    }

    async fn json(&self, request: reqwest::RequestBuilder) -> Result<Value, VendorError> {
        let body = self.send(request, MAX_JSON_BYTES).await?;
        serde_json::from_slice(&body.bytes)
            .map_err(|error| VendorError::Decode(format!("not JSON ({error})")))
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        limit: usize,
    ) -> Result<Body, VendorError> {
        let response = request
            .header(reqwest::header::ACCEPT_ENCODING, "gzip")
            .send()
            .await
            .map_err(|error| VendorError::Http(self.redact(&describe(error))))?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let gzip = response
            .headers()
            .get(reqwest::header::CONTENT_ENCODING)
            .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"gzip"));
        if !status.is_success() {
            // The body of a failure usually says why; a bounded piece of it is enough.
            let bytes = read_bounded(response, MAX_ERROR_BODY_BYTES, gzip)
                .await
                .unwrap_or_default();
            return Err(VendorError::Status {
                status: status.as_u16(),
                message: self.redact(&error_message_of(&bytes)),
            });
        }
        let bytes = read_bounded(response, limit, gzip)
            .await
            .map_err(|error| match error {
                VendorError::Http(message) => VendorError::Http(self.redact(&message)),
                other => other,
            })?;
        Ok(Body {
            content_type,
            bytes,
        })
    }
}

/// A send error without its URL; the address policy's refusal, which arrives wrapped in a
/// connect error, named as such.
fn describe(error: reqwest::Error) -> String {
    let mut source: Option<&dyn std::error::Error> = Some(&error);
    while let Some(current) = source {
        if let Some(blocked) = current.downcast_ref::<BlockedAddress>() {
            return format!("refused: {blocked}");
        }
        source = current.source();
    }
    error.without_url().to_string()
}

fn client_builder(timeout: Duration) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(timeout)
        // A redirect would carry the key in the query to wherever it points.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("aiproxy-mcp/", env!("CARGO_PKG_VERSION")))
}

/// Reads `response` to at most `limit` bytes (after gzip decoding when `gzip`).
async fn read_bounded(
    response: reqwest::Response,
    limit: usize,
    gzip: bool,
) -> Result<Vec<u8>, VendorError> {
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|error| VendorError::Http(error.without_url().to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(VendorError::TooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    if !gzip {
        return Ok(body);
    }
    // Compressed bodies are bounded twice: the wire bytes above, the inflated bytes here.
    let mut inflated = Vec::new();
    let limit_plus_one = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    flate2::read::GzDecoder::new(body.as_slice())
        .take(limit_plus_one)
        .read_to_end(&mut inflated)
        .map_err(|error| VendorError::Decode(format!("bad gzip ({error})")))?;
    if inflated.len() > limit {
        return Err(VendorError::TooLarge(limit));
    }
    Ok(inflated)
}

/// The human part of an error body: a JSON body's usual message fields, else its text.
fn error_message_of(bytes: &[u8]) -> String {
    if let Ok(json) = serde_json::from_slice::<Value>(bytes) {
        let candidates = [
            json.pointer("/error/detail"),
            json.pointer("/error/title"),
            json.pointer("/error/message"),
            json.get("error_message"),
            json.get("errorMessage"),
            json.get("message"),
            json.get("msg"),
            json.get("error"),
        ];
        if let Some(text) = candidates.into_iter().flatten().find_map(Value::as_str) {
            return text.to_owned();
        }
    }
    let text = String::from_utf8_lossy(bytes);
    if text.trim().is_empty() {
        "no details".to_owned()
    } else {
        text.trim().to_owned()
    }
}

/// `text` cut to `max` characters, with an ellipsis when cut.
pub(crate) fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// A successful tool result holding `value` as indented JSON text.
pub(crate) fn json_result(value: &Value) -> CallToolResponse {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    CallToolResponse::Complete(CallToolResult::success(vec![ContentBlock::text(text)]))
}

/// A successful tool result holding `text`.
pub(crate) fn text_result(text: impl Into<String>) -> CallToolResponse {
    CallToolResponse::Complete(CallToolResult::success(vec![ContentBlock::text(text)]))
}

/// A tool error saying which operation failed and why.
pub(crate) fn failure(operation: &str, error: impl std::fmt::Display) -> CallToolResponse {
    tool_error(format!("{operation} failed: {error}"))
}

/// A parameter the template cannot start without, trimmed.
pub(crate) fn required_param(
    params: &BTreeMap<String, String>,
    name: &'static str,
) -> Result<String, TemplateError> {
    match params.get(name).map(|value| value.trim()) {
        Some(value) if !value.is_empty() => Ok(value.to_owned()),
        _ => Err(TemplateError::MissingParam(name)),
    }
}

/// An http(s) base URL parameter, `default` when unset.
pub(crate) fn url_param(
    params: &BTreeMap<String, String>,
    name: &'static str,
    default: &str,
) -> Result<String, TemplateError> {
    let value = match params.get(name).map(|value| value.trim()) {
        None | Some("") => return Ok(default.to_owned()),
        Some(value) => value,
    };
    match url::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {
            Ok(value.to_owned())
        }
        Ok(_) => Err(TemplateError::InvalidParam {
            name,
            reason: "expected an http or https URL".to_owned(),
        }),
        Err(error) => Err(TemplateError::InvalidParam {
            name,
            reason: error.to_string(),
        }),
    }
}

/// A timeout in whole seconds within `min..=max`, `default` when unset.
pub(crate) fn seconds_param(
    params: &BTreeMap<String, String>,
    name: &'static str,
    default: u64,
    (min, max): (u64, u64),
) -> Result<Duration, TemplateError> {
    let seconds = match params.get(name).map(|value| value.trim()) {
        None | Some("") => default,
        Some(value) => match value.parse::<u64>() {
            Ok(seconds) if (min..=max).contains(&seconds) => seconds,
            _ => {
                return Err(TemplateError::InvalidParam {
                    name,
                    reason: format!("expected whole seconds between {min} and {max}, got {value}"),
                });
            }
        },
    };
    Ok(Duration::from_secs(seconds))
}

/// A non-empty string argument, trimmed.
pub(crate) fn text_arg<'a>(arguments: &'a Option<JsonObject>, name: &str) -> Option<&'a str> {
    super::string_arg(arguments, name)
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

/// A number argument, also accepted as a numeric string (models send both).
pub(crate) fn number_arg(arguments: &Option<JsonObject>, name: &str) -> Option<f64> {
    match arguments.as_ref()?.get(name)? {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// A boolean argument.
pub(crate) fn bool_arg(arguments: &Option<JsonObject>, name: &str) -> Option<bool> {
    arguments.as_ref()?.get(name)?.as_bool()
}

/// The strings of an array argument (non-strings skipped); empty when absent.
pub(crate) fn strings_arg(arguments: &Option<JsonObject>, name: &str) -> Vec<String> {
    arguments
        .as_ref()
        .and_then(|arguments| arguments.get(name))
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// A tool error for an argument the call must carry.
pub(crate) fn missing_arg(name: &str) -> CallToolResponse {
    tool_error(format!("{name} is required"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_every_secret_and_bounds_the_text() {
        let http = VendorHttp::new(
            "https://vendor.example/".to_owned(),
            Duration::from_secs(1),
            vec!["sekrit-key".to_owned(), String::new()],
        )
        .unwrap();
        assert_eq!(http.url("/v3/ip"), "https://vendor.example/v3/ip");
        assert_eq!(
            http.redact("key sekrit-key is invalid (sekrit-key)"),
            "key *** is invalid (***)"
        );
        let long = "x".repeat(1000);
        assert_eq!(
            http.redact(&long).chars().count(),
            MAX_ERROR_MESSAGE_CHARS + 1
        );
    }

    #[test]
    fn error_bodies_give_their_message_field() {
        assert_eq!(
            error_message_of(
                br#"{"error":{"status":401,"title":"Unauthorized","detail":"bad key"}}"#
            ),
            "bad key"
        );
        assert_eq!(
            error_message_of(br#"{"is_successful":false,"error_message":"Access key is invalid"}"#),
            "Access key is invalid"
        );
        assert_eq!(error_message_of(b"  plain text "), "plain text");
        assert_eq!(error_message_of(b""), "no details");
    }

    #[test]
    fn parameters_are_checked() {
        let params = BTreeMap::from([
            ("key".to_owned(), "  k  ".to_owned()),
            ("base".to_owned(), "ftp://x".to_owned()),
            ("timeout".to_owned(), "500".to_owned()),
        ]);
        assert_eq!(required_param(&params, "key").unwrap(), "k");
        assert_eq!(
            required_param(&params, "other"),
            Err(TemplateError::MissingParam("other"))
        );
        assert!(url_param(&params, "base", "https://a").is_err());
        assert_eq!(
            url_param(&params, "unset", "https://a").unwrap(),
            "https://a"
        );
        assert!(seconds_param(&params, "timeout", 30, (1, 120)).is_err());
        assert_eq!(
            seconds_param(&params, "unset", 30, (1, 120)).unwrap(),
            Duration::from_secs(30)
        );
    }
}
