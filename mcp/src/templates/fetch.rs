//! The `fetch` template: fetches a URL as text or markdown-ish text, with a size limit and a guard against requests into private networks (SSRF).
//!
//! The guard sits in the DNS resolver, so the address checked is the address connected to (no
//! window between check and use), and redirects are followed by hand so every hop is checked:
//! an IP literal in a URL never reaches a resolver, so literals are checked before each request.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures::StreamExt;
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock, Tool};
use serde_json::json;

use super::{ParamOwner, TemplateError, TemplateInfo, TemplateParam, bool_param, string_arg, tool};
use crate::backend::{ToolBackend, ToolCall};
use crate::handler::tool_error;

pub(super) const INFO: TemplateInfo = TemplateInfo {
    name: "fetch",
    description: "Fetch a web page or text document as markdown-ish text",
    params: &[
        TemplateParam {
            name: "allow_private_networks",
            description: "true lets the server reach loopback, private and link-local addresses (cloud metadata addresses stay refused)",
            set_by: ParamOwner::Admin,
            required: false,
        },
        TemplateParam {
            name: "max_response_bytes",
            description: "Largest response body read, in bytes (default 1048576); the rest is cut",
            set_by: ParamOwner::Admin,
            required: false,
        },
    ],
};

const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;
const MAX_REDIRECTS: usize = 5;
const DEFAULT_MAX_LENGTH: usize = 20_000;

/// Which destination addresses the fetch server may connect to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AddressPolicy {
    pub allow_private: bool,
}

impl AddressPolicy {
    pub fn permits(self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => IpAddr::V6(v6),
            },
            v4 => v4,
        };
        if is_metadata(ip) || ip.is_unspecified() || ip.is_multicast() {
            return false;
        }
        // The OpenAPI calls' policy too, so every outbound call of the hub refuses at least the
        // same addresses (it also reads IPv4 inside NAT64, 6to4 and IPv4-compatible addresses).
        if openapi2mcp::blocked_reason(ip, self.allow_private).is_some() {
            return false;
        }
        self.allow_private || !is_private(ip)
    }
}

/// Cloud instance-metadata endpoints: refused even when private networks are allowed, because
/// they hand out the gateway's own credentials.
fn is_metadata(ip: IpAddr) -> bool {
    const AWS_IPV6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254);
    match ip {
        IpAddr::V4(v4) => [
            Ipv4Addr::new(169, 254, 169, 254),
            Ipv4Addr::new(169, 254, 170, 2),
            Ipv4Addr::new(100, 100, 100, 200),
        ]
        .contains(&v4),
        IpAddr::V6(v6) => v6 == AWS_IPV6,
    }
}

fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                // 100.64.0.0/10, carrier-grade NAT: internal in practice.
                || (a == 100 && (64..128).contains(&b))
                // 198.18.0.0/15, benchmarking networks.
                || (a == 198 && (b == 18 || b == 19))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_loopback()
                // fc00::/7 unique local, fe80::/10 link-local.
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

/// Resolves names for the fetch client and refuses the whole name when any of its addresses is
/// forbidden, so a name cannot mix a public and a private address to slip through.
struct GuardedResolver {
    policy: AddressPolicy,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addresses: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(forbidden) = addresses
                .iter()
                .find(|address| !policy.permits(address.ip()))
            {
                return Err(Box::new(FetchError::Forbidden(format!(
                    "{host} resolves to {}",
                    forbidden.ip()
                )))
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[derive(Debug, thiserror::Error)]
enum FetchError {
    #[error("refused to fetch a private or internal address ({0})")]
    Forbidden(String),
    #[error("invalid url: {0}")]
    InvalidUrl(String),
    #[error("too many redirects")]
    TooManyRedirects,
    #[error("request failed: {0}")]
    Http(String),
}

pub(super) struct FetchServer {
    policy: AddressPolicy,
    max_response_bytes: usize,
    client: reqwest::Client,
}

impl FetchServer {
    pub fn new(params: &BTreeMap<String, String>) -> Result<Self, TemplateError> {
        let policy = AddressPolicy {
            allow_private: bool_param(params, "allow_private_networks")?,
        };
        let max_response_bytes = match params.get("max_response_bytes") {
            None => DEFAULT_MAX_RESPONSE_BYTES,
            Some(value) => value
                .trim()
                .parse()
                .map_err(|_| TemplateError::InvalidParam {
                    name: "max_response_bytes",
                    reason: format!("expected a byte count, got {value}"),
                })?,
        };
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(GuardedResolver { policy }))
            // A proxy would resolve names itself, bypassing the guard.
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .user_agent(concat!("aiproxy-mcp-fetch/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| TemplateError::InvalidParam {
                name: "client",
                reason: error.to_string(),
            })?;
        Ok(Self {
            policy,
            max_response_bytes,
            client,
        })
    }

    fn check_url(&self, url: &url::Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::InvalidUrl(format!(
                "scheme {} is not http or https",
                url.scheme()
            )));
        }
        let literal = match url.host() {
            Some(url::Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
            Some(url::Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
            Some(url::Host::Domain(_)) => None,
            None => return Err(FetchError::InvalidUrl("no host".to_owned())),
        };
        match literal {
            Some(ip) if !self.policy.permits(ip) => Err(FetchError::Forbidden(ip.to_string())),
            _ => Ok(()),
        }
    }

    /// Fetches `url`, following redirects by hand; returns the final URL, content type, body
    /// (cut at the size limit) and whether it was cut.
    async fn fetch(&self, url: &str) -> Result<(url::Url, String, Vec<u8>, bool), FetchError> {
        let mut url =
            url::Url::parse(url).map_err(|error| FetchError::InvalidUrl(error.to_string()))?;
        for _ in 0..=MAX_REDIRECTS {
            self.check_url(&url)?;
            let response = self.client.get(url.clone()).send().await.map_err(|error| {
                // The resolver's refusal arrives wrapped in a connect error; say what it was.
                let mut source: Option<&dyn std::error::Error> = Some(&error);
                while let Some(current) = source {
                    if let Some(FetchError::Forbidden(what)) = current.downcast_ref::<FetchError>()
                    {
                        return FetchError::Forbidden(what.clone());
                    }
                    source = current.source();
                }
                FetchError::Http(error.without_url().to_string())
            })?;
            if response.status().is_redirection() {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|value| value.to_str().ok())
                    .ok_or_else(|| FetchError::Http("redirect without a location".to_owned()))?;
                url = url
                    .join(location)
                    .map_err(|error| FetchError::InvalidUrl(error.to_string()))?;
                continue;
            }
            if !response.status().is_success() {
                return Err(FetchError::Http(format!("status {}", response.status())));
            }
            let content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let mut body = Vec::new();
            let mut truncated = false;
            let mut stream = response.bytes_stream();
            while let Some(chunk) = stream.next().await {
                let chunk =
                    chunk.map_err(|error| FetchError::Http(error.without_url().to_string()))?;
                let room = self.max_response_bytes - body.len();
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    truncated = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            return Ok((url, content_type, body, truncated));
        }
        Err(FetchError::TooManyRedirects)
    }
}

#[async_trait]
impl ToolBackend for FetchServer {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        Ok(vec![tool(
            "fetch",
            "Fetch a URL and return its content; HTML is turned into markdown-ish text",
            json!({
                "type": "object",
                "properties": {
                    "url": {"type": "string", "description": "http or https URL"},
                    "raw": {"type": "boolean", "description": "return the body as is, without HTML simplification"},
                    "max_length": {"type": "integer", "minimum": 1, "description": "characters to return (default 20000)"},
                    "start_index": {"type": "integer", "minimum": 0, "description": "character to start at, to page through long content"}
                },
                "required": ["url"]
            }),
        )])
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        if call.name != "fetch" {
            return Err(ErrorData::invalid_params(
                format!("unknown tool: {}", call.name),
                None,
            ));
        }
        let Some(url) = string_arg(&call.arguments, "url") else {
            return Ok(tool_error("url is required"));
        };
        let argument = |name: &str| {
            call.arguments
                .as_ref()
                .and_then(|arguments| arguments.get(name))
        };
        let raw = argument("raw")
            .and_then(|value| value.as_bool())
            .unwrap_or(false);
        let max_length = argument("max_length")
            .and_then(|value| value.as_u64())
            .map_or(DEFAULT_MAX_LENGTH, |value| {
                usize::try_from(value).unwrap_or(usize::MAX)
            });
        let start_index = argument("start_index")
            .and_then(|value| value.as_u64())
            .map_or(0, |value| usize::try_from(value).unwrap_or(usize::MAX));
        let (final_url, content_type, body, truncated) = match self.fetch(url).await {
            Ok(fetched) => fetched,
            Err(error) => return Ok(tool_error(error.to_string())),
        };
        let text = String::from_utf8_lossy(&body);
        let is_html = content_type.contains("html")
            || (content_type.is_empty() && text.trim_start().starts_with('<'));
        let text = if is_html && !raw {
            html_to_markdown(&text)
        } else {
            text.into_owned()
        };
        let page: String = text.chars().skip(start_index).take(max_length).collect();
        let total = text.chars().count();
        let mut header = format!("Contents of {final_url}:\n");
        if start_index + page.chars().count() < total {
            header.push_str(&format!(
                "(showing characters {start_index}..{} of {total}; call again with start_index to read on)\n",
                start_index + page.chars().count()
            ));
        }
        if truncated {
            header.push_str(&format!(
                "(response cut at {} bytes)\n",
                self.max_response_bytes
            ));
        }
        Ok(CallToolResponse::Complete(CallToolResult::success(vec![
            ContentBlock::text(format!("{header}\n{page}")),
        ])))
    }
}

/// A small HTML to markdown-ish converter: headings, paragraphs, line breaks, list items and
/// links survive; scripts, styles and other tags are dropped; common entities are decoded.
pub(crate) fn html_to_markdown(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut pending_href: Vec<Option<String>> = Vec::new();
    while let Some(open) = rest.find('<') {
        push_text(&mut out, &rest[..open]);
        rest = &rest[open..];
        if rest.starts_with("<!--") {
            rest = rest.find("-->").map_or("", |end| &rest[end + 3..]);
            continue;
        }
        let Some(close) = rest.find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match (name.as_str(), closing) {
            ("script" | "style" | "noscript" | "template" | "head", false) => {
                let end = format!("</{name}");
                let lower = rest.to_ascii_lowercase();
                rest = match lower.find(&end) {
                    Some(at) => rest[at..].find('>').map_or("", |gt| &rest[at + gt + 1..]),
                    None => "",
                };
            }
            ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", false) => {
                let level = name[1..].parse::<usize>().unwrap_or(1);
                out.push_str("\n\n");
                out.push_str(&"#".repeat(level));
                out.push(' ');
            }
            (
                "p" | "div" | "section" | "article" | "table" | "tr" | "ul" | "ol" | "blockquote"
                | "pre",
                _,
            )
            | ("h1" | "h2" | "h3" | "h4" | "h5" | "h6", true) => out.push_str("\n\n"),
            ("br", _) => out.push('\n'),
            ("li", false) => out.push_str("\n- "),
            ("td" | "th", false) => out.push_str(" | "),
            ("a", false) => {
                pending_href.push(attribute(tag, "href"));
                out.push('[');
            }
            ("a", true) => match pending_href.pop().flatten() {
                Some(href) => {
                    out.push_str("](");
                    out.push_str(&href);
                    out.push(')');
                }
                None => out.push(']'),
            },
            _ => {}
        }
    }
    push_text(&mut out, rest);
    tidy(&out)
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.find(&format!("{name}="))? + name.len() + 1;
    let value = &tag[at..];
    let value = match value.chars().next()? {
        quote @ ('"' | '\'') => value[1..].split(quote).next()?,
        _ => value.split(|c: char| c.is_whitespace()).next()?,
    };
    Some(decode_entities(value))
}

fn push_text(out: &mut String, text: &str) {
    let mut last_space = out.ends_with(char::is_whitespace);
    for c in decode_entities(text).chars() {
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Trims trailing spaces on each line and collapses runs of blank lines to one.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_policy() {
        let strict = AddressPolicy {
            allow_private: false,
        };
        let open = AddressPolicy {
            allow_private: true,
        };
        let cases: &[(&str, bool, bool)] = &[
            ("93.184.216.34", true, true),
            ("127.0.0.1", false, true),
            ("10.1.2.3", false, true),
            ("172.16.0.1", false, true),
            ("192.168.1.1", false, true),
            ("169.254.1.1", false, true),
            ("100.64.0.1", false, true),
            ("169.254.169.254", false, false),
            ("100.100.100.200", false, false),
            ("0.0.0.0", false, false),
            ("224.0.0.1", false, false),
            ("::1", false, true),
            ("fe80::1", false, true),
            ("fd12::1", false, true),
            ("fd00:ec2::254", false, false),
            ("::ffff:127.0.0.1", false, true),
            ("::ffff:169.254.169.254", false, false),
            // IPv4 reached through NAT64 and 6to4 is the IPv4 host.
            ("64:ff9b::7f00:1", false, true),
            ("64:ff9b::a9fe:a9fe", false, false),
            ("2002:a9fe:a9fe::1", false, false),
            ("2606:4700::1111", true, true),
        ];
        for (ip, strict_ok, open_ok) in cases {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(strict.permits(ip), *strict_ok, "strict {ip}");
            assert_eq!(open.permits(ip), *open_ok, "open {ip}");
        }
    }

    #[test]
    fn html_becomes_markdownish() {
        let html = r#"<html><head><title>t</title><style>p{}</style></head><body>
            <h1>Title &amp; more</h1><script>alert(1)</script>
            <p>Hello <a href="https://example.com/x">world</a>.</p>
            <ul><li>one</li><li>two</li></ul><!-- hidden --></body></html>"#;
        assert_eq!(
            html_to_markdown(html),
            "# Title & more\n\nHello [world](https://example.com/x).\n\n- one\n- two"
        );
    }
}
