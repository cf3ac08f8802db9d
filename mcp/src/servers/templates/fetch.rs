//! The `fetch` template: fetches a URL as text or markdown-ish text, with a size limit and a guard against requests into private networks (SSRF).
//!
//! The guard is `openapi2mcp`'s, the one address policy for every URL the server fetches: it
//! sits in the DNS resolver, so the address checked is the address connected to (no window
//! between check and use), and redirects are followed by hand so every hop is checked: an IP
//! literal in a URL never reaches a resolver, so literals are checked before each request.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures::StreamExt;
use openapi2mcp::{BlockedAddress, GuardedResolver, blocked_reason};
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock, Tool};
use serde_json::json;

use super::{
    Catalogue, ParamOwner, TemplateError, TemplateInfo, TemplateParam, bool_param, string_arg, tool,
};
use crate::tool_server::{ToolCall, ToolServer, tool_error};

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
    catalogue: Catalogue {
        description_zh: "抓取网页或文本文档，转为类 Markdown 文本",
        tags: &["web", "fetch"],
        readme: "One tool, `fetch`: reads a URL and returns its text, HTML turned into Markdown-like text. Private and loopback addresses are refused unless the admin sets `allow_private_networks`; cloud metadata addresses are always refused.",
        homepage: "https://github.com/modelcontextprotocol/servers/tree/main/src/fetch",
        ..Catalogue::named("Fetch", "网页抓取")
    },
};

/// The registry's [`super::Start`] for this template.
pub(super) fn start(
    params: &BTreeMap<String, String>,
) -> Result<Arc<dyn ToolServer>, TemplateError> {
    Ok(Arc::new(FetchServer::new(params)?))
}

const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;
const MAX_REDIRECTS: usize = 5;
const DEFAULT_MAX_LENGTH: usize = 20_000;

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

struct FetchServer {
    allow_private_network: bool,
    max_response_bytes: usize,
    client: reqwest::Client,
}

impl FetchServer {
    pub fn new(params: &BTreeMap<String, String>) -> Result<Self, TemplateError> {
        let allow_private_network = bool_param(params, "allow_private_networks")?;
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
            .dns_resolver(Arc::new(GuardedResolver {
                allow_private_network,
            }))
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
            allow_private_network,
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
        match literal.and_then(|ip| {
            blocked_reason(ip, self.allow_private_network).map(|reason| (ip, reason))
        }) {
            Some((ip, reason)) => Err(FetchError::Forbidden(format!("{ip}: {reason}"))),
            None => Ok(()),
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
                    if let Some(blocked) = current.downcast_ref::<BlockedAddress>() {
                        return FetchError::Forbidden(blocked.to_string());
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
impl ToolServer for FetchServer {
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
    html_to_markdown_counted(html).0
}

/// [`html_to_markdown`] and how many bytes its searches for a closing tag looked at, which
/// tests hold to a small multiple of the input: a page is an upstream's to choose, so the
/// work must stay linear in its size whatever its tags.
fn html_to_markdown_counted(html: &str) -> (String, usize) {
    let mut scanned = 0;
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
                let found = find_ignoring_case(rest, &end);
                scanned += found.map_or(rest.len(), |at| at + end.len());
                rest = match found {
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
    (tidy(&out), scanned)
}

/// Where `needle` (ASCII) first occurs in `haystack`, ignoring ASCII case, without copying
/// the haystack: the search looks at each byte up to the match a bounded number of times.
fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))
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

    /// The template uses the one address policy: the IPv4 forms inside IPv6 literals, NAT64,
    /// 6to4, Oracle's metadata address and the reserved range are refused like the plain
    /// private and metadata addresses (its own copy of the policy let these through).
    #[test]
    fn literal_hosts_follow_the_shared_address_policy() {
        let strict = FetchServer::new(&BTreeMap::new()).unwrap();
        let open = FetchServer::new(&BTreeMap::from([(
            "allow_private_networks".to_owned(),
            "true".to_owned(),
        )]))
        .unwrap();
        let cases = [
            ("http://127.0.0.1/", false, true),
            ("http://[::127.0.0.1]/", false, true),
            ("http://[64:ff9b::a00:1]/", false, true),
            ("http://[2002:c0a8:0101::1]/", false, true),
            ("http://240.0.0.1/", false, true),
            ("http://192.0.0.192/", false, false),
            ("http://[::169.254.169.254]/", false, false),
            ("http://[64:ff9b::a9fe:a9fe]/", false, false),
            ("http://[2002:a9fe:a9fe::]/", false, false),
            ("http://[fd00:ec2::254]/", false, false),
            ("http://93.184.216.34/", true, true),
            ("http://example.com/", true, true),
        ];
        for (url, strict_ok, open_ok) in cases {
            let url = url::Url::parse(url).unwrap();
            assert_eq!(strict.check_url(&url).is_ok(), strict_ok, "strict {url}");
            assert_eq!(open.check_url(&url).is_ok(), open_ok, "open {url}");
        }
    }

    /// Each `<script>` used to lower-case the rest of the page to find its end: quadratic in
    /// the number of tags.
    #[test]
    fn many_script_tags_are_scanned_in_linear_work() {
        let page = "<p>a</p><script>x</script><STYLE>y</Style>".repeat(20_000);
        let (text, scanned) = html_to_markdown_counted(&page);
        assert!(text.starts_with("a\n\na"), "{}", &text[..20]);
        assert!(
            scanned <= 2 * page.len(),
            "scanned {scanned} bytes of a {} byte page",
            page.len()
        );
        // An unclosed script still ends the page after one scan.
        let (_, scanned) = html_to_markdown_counted(&format!("<script>{}", "<p>".repeat(50_000)));
        assert!(scanned <= 2 * 150_010, "{scanned}");
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
