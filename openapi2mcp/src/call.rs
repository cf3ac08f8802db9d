//! Sending a built request through a [`GuardedClient`]: the SSRF guard, re-checked manual redirects, the time and size limits, the response as a tool outcome.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};
use url::Url;

use crate::api::{Api, ToolOutcome};
use crate::error::CallError;
use crate::request::{CallConfig, HttpRequest, redacted_url};
use crate::ssrf::{BlockedAddress, GuardedResolver, ResolveFailed, blocked_reason};

/// How many redirects a call follows before giving up.
pub const MAX_REDIRECTS: usize = 5;
/// How much of a non-2xx response body is kept in the error text.
const ERROR_BODY_LIMIT: usize = 2048;

/// HTTP clients for tool calls; create one and share it (it pools connections).
///
/// Two clients, because the SSRF policy lives in the DNS resolver, which is per client.
/// Neither uses a proxy from the environment: a proxy would resolve names itself and
/// bypass the guard.
#[derive(Debug, Clone)]
pub struct GuardedClient {
    public_only: reqwest::Client,
    private_allowed: reqwest::Client,
}

impl GuardedClient {
    pub fn new() -> Result<GuardedClient, CallError> {
        let build = |allow_private_network: bool| {
            reqwest::Client::builder()
                .no_proxy()
                .redirect(reqwest::redirect::Policy::none())
                .dns_resolver(Arc::new(GuardedResolver {
                    allow_private_network,
                }))
                .connect_timeout(Duration::from_secs(10))
                .build()
                .map_err(|error| CallError::Transport {
                    reason: error.without_url().to_string(),
                })
        };
        Ok(GuardedClient {
            public_only: build(false)?,
            private_allowed: build(true)?,
        })
    }
}

impl Api {
    /// Runs a tool call: builds the request, sends it and reads the response. Compact-mode
    /// `search_operations` and `describe_operation` are answered without any request.
    pub async fn call(
        &self,
        client: &GuardedClient,
        tool: &str,
        arguments: &Map<String, Value>,
        config: &CallConfig,
    ) -> Result<ToolOutcome, CallError> {
        if let Some(outcome) = crate::compact::local_call(self, tool, arguments) {
            return outcome;
        }
        let request = self.build_request(tool, arguments, config)?;
        send(client, request, config).await
    }
}

/// Sends a request built by [`Api::build_request`] under the configuration's limits.
pub async fn send(
    client: &GuardedClient,
    request: HttpRequest,
    config: &CallConfig,
) -> Result<ToolOutcome, CallError> {
    match tokio::time::timeout(
        config.timeout,
        send_following_redirects(client, request, config),
    )
    .await
    {
        Ok(result) => result,
        Err(_) => Err(CallError::Timeout {
            seconds: config.timeout.as_secs_f64(),
        }),
    }
}

async fn send_following_redirects(
    client: &GuardedClient,
    mut request: HttpRequest,
    config: &CallConfig,
) -> Result<ToolOutcome, CallError> {
    let http = if config.allow_private_network {
        &client.private_allowed
    } else {
        &client.public_only
    };
    for redirect_count in 0..=MAX_REDIRECTS {
        check_literal_host(&request.url, config.allow_private_network)?;
        let mut builder = http.request(request.method.clone(), request.url.clone());
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = &request.body {
            builder = builder.body(body.bytes.clone());
        }
        let response = builder
            .send()
            .await
            .map_err(|error| transport_error(error, &request.url))?;
        let status = response.status();
        if status.is_redirection()
            && let Some(location) = response.headers().get(reqwest::header::LOCATION)
        {
            if redirect_count == MAX_REDIRECTS {
                return Err(CallError::TooManyRedirects {
                    limit: MAX_REDIRECTS,
                });
            }
            let location = location.to_str().map_err(|_| CallError::InvalidRedirect {
                reason: "location is not text".to_owned(),
            })?;
            let next = request
                .url
                .join(location)
                .map_err(|error| CallError::InvalidRedirect {
                    reason: format!("bad location: {error}"),
                })?;
            if !matches!(next.scheme(), "http" | "https") {
                return Err(CallError::InvalidRedirect {
                    reason: format!("scheme {} is not http(s)", next.scheme()),
                });
            }
            request = redirected(request, next, status.as_u16());
            continue;
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body = read_limited(response, config.max_response_bytes, &request.url).await?;
        return Ok(outcome(status, &content_type, body));
    }
    Err(CallError::TooManyRedirects {
        limit: MAX_REDIRECTS,
    })
}

/// The request to send after a redirect: 303 (and 301/302 after anything but GET/HEAD,
/// as browsers do) become GET without a body; credentials stay only on the same origin.
fn redirected(mut request: HttpRequest, next: Url, status: u16) -> HttpRequest {
    let keep_method = matches!(status, 307 | 308)
        || request.method == reqwest::Method::GET
        || request.method == reqwest::Method::HEAD;
    if !keep_method {
        request.method = reqwest::Method::GET;
        request.body = None;
        request
            .headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
    }
    if next.origin() != request.url.origin() {
        let sensitive = std::mem::take(&mut request.sensitive_headers);
        request
            .headers
            .retain(|(name, _)| !sensitive.contains(&name.to_ascii_lowercase()));
    }
    request.url = next;
    request
}

/// IP-literal hosts never reach the resolver, so they are checked here.
fn check_literal_host(url: &Url, allow_private_network: bool) -> Result<(), CallError> {
    let address = match url.host() {
        Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
        Some(url::Host::Domain(_)) => return Ok(()),
        None => {
            return Err(CallError::InvalidBaseUrl {
                reason: "no host".to_owned(),
            });
        }
    };
    match blocked_reason(address, allow_private_network) {
        Some(reason) => Err(CallError::Blocked {
            host: address.to_string(),
            reason: reason.to_owned(),
        }),
        None => Ok(()),
    }
}

fn transport_error(error: reqwest::Error, url: &Url) -> CallError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(current) = source {
        if let Some(blocked) = current.downcast_ref::<BlockedAddress>() {
            return CallError::Blocked {
                host: blocked.host.clone(),
                reason: blocked.reason.to_owned(),
            };
        }
        if let Some(failed) = current.downcast_ref::<ResolveFailed>() {
            return CallError::Resolve {
                host: failed.host.clone(),
            };
        }
        source = current.source();
    }
    if error.is_timeout() {
        return CallError::Timeout { seconds: 0.0 };
    }
    // The chain below reqwest's error says what failed (refused, reset, TLS); the URL is
    // left out because its query string may hold an API key.
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(&error);
    while let Some(current) = source {
        causes.push(current.to_string());
        source = current.source();
    }
    let mut reason = error.without_url().to_string();
    for cause in causes {
        reason.push_str(": ");
        reason.push_str(&cause);
    }
    CallError::Transport {
        reason: format!("{reason} ({})", redacted_url(url)),
    }
}

async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
    url: &Url,
) -> Result<Vec<u8>, CallError> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(CallError::ResponseTooLarge { limit });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| transport_error(error, url))?
    {
        if body.len() + chunk.len() > limit {
            return Err(CallError::ResponseTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn outcome(status: reqwest::StatusCode, content_type: &str, body: Vec<u8>) -> ToolOutcome {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let is_json = essence == "application/json" || essence.ends_with("+json");
    let text = match String::from_utf8(body) {
        Ok(text) => text,
        Err(error) => {
            let length = error.as_bytes().len();
            let kind = if essence.is_empty() {
                "binary data".to_owned()
            } else {
                essence.clone()
            };
            format!("<{length} bytes of {kind}>")
        }
    };
    if !status.is_success() {
        let reason = status.canonical_reason().unwrap_or("");
        return ToolOutcome {
            is_error: true,
            text: format!(
                "HTTP {} {reason}: {}",
                status.as_u16(),
                trim_to(&text, ERROR_BODY_LIMIT)
            )
            .trim_end()
            .to_owned(),
            structured: None,
            status: Some(status.as_u16()),
        };
    }
    let structured = if is_json {
        serde_json::from_str::<Value>(&text)
            .ok()
            .filter(Value::is_object)
    } else {
        None
    };
    ToolOutcome {
        is_error: false,
        text,
        structured,
        status: Some(status.as_u16()),
    }
}

fn trim_to(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_owned();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes more)", &text[..end], text.len() - end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::HttpBody;

    fn request(url: &str, method: reqwest::Method) -> HttpRequest {
        HttpRequest {
            method,
            url: Url::parse(url).unwrap(),
            headers: vec![
                ("Authorization".to_owned(), "Bearer x".to_owned()),
                ("Content-Type".to_owned(), "application/json".to_owned()),
                ("X-Trace".to_owned(), "1".to_owned()),
            ],
            body: Some(HttpBody {
                content_type: "application/json".to_owned(),
                bytes: b"{}".to_vec(),
            }),
            sensitive_headers: vec!["authorization".to_owned()],
        }
    }

    #[test]
    fn redirect_to_another_origin_drops_credentials_and_303_drops_the_body() {
        let next = Url::parse("https://other.example/x").unwrap();
        let moved = redirected(
            request("https://api.example/a", reqwest::Method::POST),
            next,
            303,
        );
        assert_eq!(moved.method, reqwest::Method::GET);
        assert!(moved.body.is_none());
        let names: Vec<&str> = moved
            .headers
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        assert_eq!(names, ["X-Trace"]);

        let same = Url::parse("https://api.example/b").unwrap();
        let kept = redirected(
            request("https://api.example/a", reqwest::Method::PUT),
            same,
            307,
        );
        assert_eq!(kept.method, reqwest::Method::PUT);
        assert!(kept.body.is_some());
        assert_eq!(kept.header("authorization"), Some("Bearer x"));
    }

    #[test]
    fn error_bodies_are_trimmed_on_a_character_boundary() {
        let long = "é".repeat(3000);
        let outcome = outcome(
            reqwest::StatusCode::BAD_REQUEST,
            "text/plain",
            long.into_bytes(),
        );
        assert!(outcome.is_error);
        assert!(outcome.text.starts_with("HTTP 400 Bad Request: é"));
        assert!(outcome.text.len() < 2200, "{}", outcome.text.len());
        assert!(outcome.text.ends_with("bytes more)"));
    }
}
