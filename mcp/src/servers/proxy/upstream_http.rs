//! How proxies reach their upstreams: the HTTP client they share, the same-origin rule for a legacy
//! endpoint event, upstream errors with URLs cut to their origin.
//!
//! The shared client uses no ambient proxy, follows no redirect and applies the address policy at
//! connect time.
//!
//! An upstream URL (or the query a group adds to it) may carry a secret (`?api_key=`), and a
//! redirect or an `endpoint` event naming another origin would carry the configured headers
//! there; so nothing leaves for an origin the admin did not name, and no URL reaches a tenant.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use rmcp::ErrorData;

/// The address policy of one proxied server. Admin-configured URLs often name private hosts, so
/// private addresses are allowed unless the server asks for the guard; cloud metadata
/// addresses are always refused (see `openapi2mcp::blocked_reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AddressPolicy {
    pub block_private_network: bool,
}

impl AddressPolicy {
    /// Why `address` may not be connected to, or `None`.
    pub fn refusal(self, address: IpAddr) -> Option<&'static str> {
        openapi2mcp::blocked_reason(address, !self.block_private_network)
    }

    /// Refuses a URL whose host is a literal address the policy forbids (names are checked by
    /// the resolver when they are connected to, literals never reach it).
    pub fn check_url(self, url: &url::Url) -> Result<(), String> {
        let literal = match url.host() {
            Some(url::Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(url::Host::Ipv6(v6)) => IpAddr::V6(v6),
            Some(url::Host::Domain(_)) => return Ok(()),
            None => return Err("upstream url has no host".to_owned()),
        };
        match self.refusal(literal) {
            Some(reason) => Err(format!("refused to connect to {literal}: {reason}")),
            None => Ok(()),
        }
    }
}

/// The client every proxy of one server uses. It has no overall timeout: a legacy SSE stream
/// stays open for the connection's life; calls are bounded by the proxy's own timeout.
pub(crate) fn client(policy: AddressPolicy) -> reqwest::Client {
    let builder = reqwest::Client::builder()
        // HTTP(S)_PROXY from the environment would send upstream credentials through a host
        // nobody configured for this server, and resolve names past the guard.
        .no_proxy()
        // A redirect would carry the configured credential headers to wherever it points.
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(Arc::new(GuardedResolver { policy }))
        .connect_timeout(Duration::from_secs(10));
    match builder.build() {
        Ok(client) => client,
        Err(error) => {
            // Only a broken TLS backend fails here; the default client has the same backend
            // and would fail its requests the same way, so there is nothing better to return.
            tracing::error!(error = %error.without_url(), "cannot build the upstream http client");
            reqwest::Client::new()
        }
    }
}

/// Resolves names for proxies and refuses the whole name when any of its addresses is
/// forbidden, so a name cannot mix an allowed and a forbidden address.
struct GuardedResolver {
    policy: AddressPolicy,
}

/// Raised by [`GuardedResolver`]; its text names the host and the reason, never a URL.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves to a refused address ({reason})")]
struct RefusedAddress {
    host: String,
    reason: &'static str,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addresses: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(reason) = addresses
                .iter()
                .find_map(|address| policy.refusal(address.ip()))
            {
                return Err(Box::new(RefusedAddress { host, reason })
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Whether `candidate` is on the same origin (scheme, host, port) as `base`.
pub(crate) fn same_origin(base: &url::Url, candidate: &url::Url) -> bool {
    base.origin() == candidate.origin()
}

/// A transport error's text without its URL, with the causes below it (refused, reset, the
/// resolver's refusal), which name no URL.
pub(crate) fn describe(error: reqwest::Error) -> String {
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(&error);
    while let Some(current) = source {
        causes.push(current.to_string());
        source = current.source();
    }
    let mut text = error.without_url().to_string();
    for cause in causes {
        text.push_str(": ");
        text.push_str(&cause);
    }
    redact_urls(&text)
}

/// An error and the causes below it, each once (wrappers often repeat their source's text):
/// a refused address surfaces from under rmcp's and reqwest's wrappers this way.
pub(crate) fn with_causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(current) = source {
        let cause = current.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
        source = current.source();
    }
    redact_urls(&text)
}

/// `text` with every one of `secrets` (as given and as encoded in a URL's query) replaced by
/// `masked(secret)`: for error texts of a call that carried them. Secrets shorter than 4 bytes
/// are left alone (replacing every `1` or `on` would garble the text and hide little); the
/// longest are replaced first, so a secret containing another is replaced whole.
pub fn redact_secrets<'a>(
    text: &str,
    secrets: impl IntoIterator<Item = &'a str>,
    masked: impl Fn(&str) -> String,
) -> String {
    const MIN_REDACTED_LEN: usize = 4;
    let mut secrets: Vec<&str> = secrets
        .into_iter()
        .filter(|secret| secret.len() >= MIN_REDACTED_LEN)
        .collect();
    secrets.sort_by_key(|secret| std::cmp::Reverse(secret.len()));
    let mut text = text.to_owned();
    for secret in secrets {
        let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        for form in [secret, encoded.as_str()] {
            if text.contains(form) {
                text = text.replace(form, &masked(secret));
            }
        }
    }
    text
}

/// `text` with every `http://` or `https://` URL in it cut to its origin: the last guard for
/// error text built by code we do not own (rmcp's client), whose path or query may hold a key.
pub(crate) fn redact_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let start = ["http://", "https://"]
            .iter()
            .filter_map(|scheme| find_ascii_case_insensitive(rest, scheme))
            .min();
        let Some(start) = start else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ')' | '>' | '`'))
            .unwrap_or(after.len());
        let url_text = &after[..end];
        match url::Url::parse(url_text) {
            Ok(url) => out.push_str(&url.origin().ascii_serialization()),
            Err(_) => out.push_str("(url)"),
        }
        rest = &after[end..];
    }
}

fn find_ascii_case_insensitive(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Every upstream failure reaches the caller (and the log row) through here, so URLs are cut to
/// their origin once for all of them: an upstream URL or its query may hold a secret.
pub(super) fn upstream_error(message: impl Into<String>) -> ErrorData {
    ErrorData::internal_error(redact_urls(&message.into()), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_in_error_text_keep_only_their_origin() {
        for (text, expected) in [
            (
                "error sending request for url (http://10.0.0.5:8080/mcp?api_key=s3cret)",
                "error sending request for url (http://10.0.0.5:8080)",
            ),
            (
                "HTTPS://Up.Example.com/a/b?token=t and https://x.test/k=1",
                "https://up.example.com and https://x.test",
            ),
            ("no url here", "no url here"),
            ("broken http://", "broken (url)"),
        ] {
            assert_eq!(redact_urls(text), expected, "{text}");
        }
    }

    #[test]
    fn metadata_is_refused_even_when_private_networks_are_allowed() {
        let open = AddressPolicy {
            block_private_network: false,
        };
        let guarded = AddressPolicy {
            block_private_network: true,
        };
        let metadata: IpAddr = [169, 254, 169, 254].into();
        let private: IpAddr = [10, 1, 2, 3].into();
        assert!(open.refusal(metadata).is_some());
        assert!(open.refusal(private).is_none());
        assert!(guarded.refusal(private).is_some());
        let url = url::Url::parse("http://169.254.169.254/latest/meta-data").unwrap();
        assert!(open.check_url(&url).is_err());
    }
}
