//! The one way templates reach a vendor's REST API: a client per server that builds, sends and reads every request, and errors that never carry a key.
//!
//! A [`VendorHttp`] holds what every request of a server shares: the vendor's base URL, its
//! key (a bearer token, or a secret the template puts in a query string or header itself),
//! fixed headers, timeouts and, for addresses a group may set, the shared address guard. A
//! [`VendorRequest`] adds the method, the path (joined to the base URL; empty for the base URL
//! itself, a webhook), query pairs, headers and a JSON or form body. Answers are read to a
//! bound (gzip included) and a refusal becomes a [`VendorError`] with the vendor's own message.
//!
//! Every message that leaves here has the URL stripped (`reqwest::Error::without_url`) and the
//! server's secrets replaced: a vendor that echoes the key in its error text does not leak it
//! either. Redirects are not followed and the ambient proxy is not used: either would carry
//! the key (and every query) to a third party.

use std::io::Read;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use openapi2mcp::{BlockedAddress, GuardedResolver, blocked_reason};
use reqwest::Method;
use serde_json::Value;

use super::TemplateError;

/// The largest answer read unless a call asks for another bound: far above any real answer
/// of these APIs.
pub(crate) const MAX_ANSWER_BYTES: usize = search_engines::MAX_ANSWER_BYTES;
/// How long a request may take unless the template's parameters say otherwise.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
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

/// What a request sends as its body.
#[derive(Clone, Copy)]
pub(crate) enum RequestBody<'a> {
    None,
    Json(&'a Value),
    /// URL-encoded form fields.
    Form(&'a [(&'a str, String)]),
}

/// One request to a vendor.
pub(crate) struct VendorRequest<'a> {
    pub method: Method,
    /// Starts with `/` (empty: the base URL exactly); segments taken from arguments are
    /// already percent-encoded.
    pub path: &'a str,
    pub query: &'a [(&'a str, String)],
    /// Sent besides the server's fixed headers.
    pub headers: &'a [(&'static str, String)],
    pub body: RequestBody<'a>,
}

impl<'a> VendorRequest<'a> {
    /// A request without query, extra headers or body.
    pub(crate) fn new(method: Method, path: &'a str) -> Self {
        Self {
            method,
            path,
            query: &[],
            headers: &[],
            body: RequestBody::None,
        }
    }
}

/// One vendor API as a template's server reaches it.
pub(crate) struct VendorHttp {
    /// The vendor's name, as tool errors say it.
    name: &'static str,
    client: reqwest::Client,
    base_url: String,
    /// Sent as `Authorization: Bearer` on every request.
    bearer: Option<String>,
    headers: Vec<(&'static str, String)>,
    secrets: Vec<String>,
}

impl VendorHttp {
    /// A client for `base_url`, an address the operator chose (the vendor's default or an
    /// admin parameter).
    pub fn new(
        name: &'static str,
        base_url: String,
        timeout: Duration,
    ) -> Result<Self, TemplateError> {
        Self::build(name, base_url, client_builder(timeout))
    }

    /// A client for a `base_url` a group may set (`param` names it): the shared address
    /// policy applies as for the `fetch` template. The base URL is fixed and redirects are not
    /// followed, so checking its literal address once here and names in the resolver covers
    /// every request.
    pub fn guarded(
        name: &'static str,
        base_url: String,
        param: &'static str,
        timeout: Duration,
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
        let builder = client_builder(timeout).dns_resolver(Arc::new(GuardedResolver {
            allow_private_network,
        }));
        Self::build(name, base_url, builder)
    }

    fn build(
        name: &'static str,
        base_url: String,
        builder: reqwest::ClientBuilder,
    ) -> Result<Self, TemplateError> {
        let client = builder
            .build()
            .map_err(|error| TemplateError::InvalidParam {
                name: "client",
                reason: error.to_string(),
            })?;
        Ok(Self {
            name,
            client,
            base_url,
            bearer: None,
            headers: Vec::new(),
            secrets: Vec::new(),
        })
    }

    /// Sends `key` as a bearer token on every request (none when empty); it is a secret.
    pub fn with_bearer(mut self, key: String) -> Self {
        if !key.is_empty() {
            self.secrets.push(key.clone());
            self.bearer = Some(key);
        }
        self
    }

    /// A secret the template sends itself (in a query string, say): cut out of every error.
    pub fn with_secret(mut self, secret: String) -> Self {
        if !secret.is_empty() {
            self.secrets.push(secret);
        }
        self
    }

    /// A header every request carries (an API version, say).
    pub fn with_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The absolute URL of `path` on this vendor: the base URL exactly for an empty path.
    pub fn url(&self, path: &str) -> String {
        if path.is_empty() {
            return self.base_url.clone();
        }
        format!("{}{path}", self.base_url.trim_end_matches('/'))
    }

    /// Sends `request` and reads its answer, at most `limit` bytes.
    pub async fn send(
        &self,
        request: VendorRequest<'_>,
        limit: usize,
    ) -> Result<Body, VendorError> {
        let url = with_query(self.url(request.path), request.query);
        self.read(
            self.builder(request.method, &url, request.headers, request.body),
            limit,
        )
        .await
    }

    /// Sends `request`; its answer as text, or the tool error to show (the vendor's name, and
    /// its status and message or why it could not be reached).
    pub async fn send_text(&self, request: VendorRequest<'_>) -> Result<String, String> {
        self.send(request, MAX_ANSWER_BYTES)
            .await
            .map(|body| String::from_utf8_lossy(&body.bytes).into_owned())
            .map_err(|error| format!("{}: {error}", self.name))
    }

    /// Sends `request`; its answer decoded as JSON.
    pub async fn send_json(&self, request: VendorRequest<'_>) -> Result<Value, VendorError> {
        let body = self.send(request, MAX_ANSWER_BYTES).await?;
        serde_json::from_slice(&body.bytes)
            .map_err(|error| VendorError::Decode(format!("not JSON ({error})")))
    }

    /// GET `path` with `query`, decoded as JSON.
    pub async fn get_json(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Value, VendorError> {
        self.send_json(VendorRequest {
            query,
            ..VendorRequest::new(Method::GET, path)
        })
        .await
    }

    /// POST `body` as JSON to `url` (absolute: some vendors' endpoint is the whole base URL).
    pub async fn post_json_to(&self, url: &str, body: &Value) -> Result<Value, VendorError> {
        let request = self.builder(Method::POST, url, &[], RequestBody::Json(body));
        let body = self.read(request, MAX_ANSWER_BYTES).await?;
        serde_json::from_slice(&body.bytes)
            .map_err(|error| VendorError::Decode(format!("not JSON ({error})")))
    }

    /// POST `form` URL-encoded to `path`, decoded as JSON.
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, String)],
    ) -> Result<Value, VendorError> {
        self.send_json(VendorRequest {
            body: RequestBody::Form(form),
            ..VendorRequest::new(Method::POST, path)
        })
        .await
    }

    /// GET `path` with `query`; the body as bytes, at most `limit` of them.
    pub async fn get_bytes(
        &self,
        path: &str,
        query: &[(&str, String)],
        limit: usize,
    ) -> Result<Body, VendorError> {
        let request = VendorRequest {
            query,
            ..VendorRequest::new(Method::GET, path)
        };
        self.send(request, limit).await
    }

    /// GET an absolute `url` (a data file, say), at most `limit` bytes.
    pub async fn get_url(&self, url: &str, limit: usize) -> Result<Body, VendorError> {
        self.read(
            self.builder(Method::GET, url, &[], RequestBody::None),
            limit,
        )
        .await
    }

    /// `message` with every secret of this server replaced, cut to a readable length.
    pub fn redact(&self, message: &str) -> String {
        let mut message = message.to_owned();
        for secret in &self.secrets {
            message = message.replace(secret.as_str(), "***");
        }
        truncate_chars(&message, MAX_ERROR_MESSAGE_CHARS)
    }

    /// The request with this server's key and fixed headers, `headers` and `body`.
    fn builder(
        &self,
        method: Method,
        url: &str,
        headers: &[(&'static str, String)],
        body: RequestBody<'_>,
    ) -> reqwest::RequestBuilder {
        let mut builder = self.client.request(method, url);
        if let Some(key) = &self.bearer {
            builder = builder.bearer_auth(key);
        }
        for (name, value) in self.headers.iter().chain(headers) {
            builder = builder.header(*name, value);
        }
        match body {
            RequestBody::None => builder,
            RequestBody::Json(body) => builder.json(body),
            RequestBody::Form(form) => builder
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(
                    url::form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(form)
                        .finish(),
                ),
        }
    }

    async fn read(
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

/// `url` with `query` appended, encoded (reqwest's own `query` is a feature the workspace
/// does not build).
fn with_query(url: String, query: &[(&str, String)]) -> String {
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(query)
        .finish();
    match (encoded.is_empty(), url.contains('?')) {
        (true, _) => url,
        (false, true) => format!("{url}&{encoded}"),
        (false, false) => format!("{url}?{encoded}"),
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
        // A redirect would carry the key to wherever it points; the ambient proxy would see
        // every key and query.
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(concat!("aiproxy-mcp/", env!("CARGO_PKG_VERSION")))
}

/// Reads `response` to at most `limit` bytes (after gzip decoding when `gzip`).
async fn read_bounded(
    response: reqwest::Response,
    limit: usize,
    gzip: bool,
) -> Result<Vec<u8>, VendorError> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
        && !gzip
    {
        return Err(VendorError::TooLarge(limit));
    }
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
            json.get("detail"),
            json.pointer("/detail/error"),
            json.get("readableMessage"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_every_secret_and_bounds_the_text() {
        let http = VendorHttp::new(
            "vendor",
            "https://vendor.example/".to_owned(),
            Duration::from_secs(1),
        )
        .unwrap()
        .with_secret("sekrit-key".to_owned())
        .with_bearer(String::new());
        assert_eq!(http.url("/v3/ip"), "https://vendor.example/v3/ip");
        assert_eq!(http.url(""), "https://vendor.example/");
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
        assert_eq!(
            error_message_of(br#"{"detail":{"error":"Unauthorized"}}"#),
            "Unauthorized"
        );
        assert_eq!(error_message_of(b"  plain text "), "plain text");
        assert_eq!(error_message_of(b""), "no details");
    }

    #[test]
    fn queries_are_appended_encoded() {
        let query = [("q", "a b&c".to_owned())];
        assert_eq!(
            with_query("https://v.example/s".to_owned(), &query),
            "https://v.example/s?q=a+b%26c"
        );
        assert_eq!(
            with_query("https://v.example/s?k=1".to_owned(), &query),
            "https://v.example/s?k=1&q=a+b%26c"
        );
        assert_eq!(
            with_query("https://v.example/".to_owned(), &[]),
            "https://v.example/"
        );
    }
}
