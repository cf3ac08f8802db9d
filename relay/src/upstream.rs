//! Talking to upstreams: one pooled HTTP client per distinct (proxy, connect timeout), and
//! sending one request with its timeouts, classifying failures by whose fault they are.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use futures::stream::BoxStream;

use crate::error::RelayError;
use crate::provider::UpstreamRequest;

/// How long an idle pooled upstream connection is kept.
const POOL_IDLE: Duration = Duration::from_secs(90);

/// Cached upstream clients; each keeps its own connection pool.
pub struct Clients {
    cache: Mutex<HashMap<ClientKey, reqwest::Client>>,
}

/// What tells cached clients apart: the proxy, the connect timeout and whether the client
/// speaks HTTP/1.1 only.
type ClientKey = (Option<String>, Duration, bool);

impl Clients {
    pub fn new() -> Clients {
        Clients {
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The client for a proxy (or none) and connect timeout, built on first use.
    pub fn get(
        &self,
        proxy: Option<&str>,
        connect: Duration,
    ) -> Result<reqwest::Client, RelayError> {
        self.cached(proxy, connect, false)
    }

    /// The same for WebSocket upgrades, which HTTP/2 does not carry: a client that never
    /// offers h2 (ALPN), so a TLS upstream answers in HTTP/1.1.
    pub fn get_http1(
        &self,
        proxy: Option<&str>,
        connect: Duration,
    ) -> Result<reqwest::Client, RelayError> {
        self.cached(proxy, connect, true)
    }

    fn cached(
        &self,
        proxy: Option<&str>,
        connect: Duration,
        http1_only: bool,
    ) -> Result<reqwest::Client, RelayError> {
        let proxy = proxy.map(str::trim).filter(|proxy| !proxy.is_empty());
        let key = (proxy.map(str::to_owned), connect, http1_only);
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(client) = cache.get(&key) {
            return Ok(client.clone());
        }
        let client = client_builder(proxy, connect)
            .map(|builder| {
                if http1_only {
                    builder.http1_only()
                } else {
                    builder
                }
            })?
            .build()
            .map_err(|_| {
                RelayError::Misconfigured("cannot build an upstream http client".to_owned())
            })?;
        cache.insert(key, client.clone());
        Ok(client)
    }
}

pub fn build_client(proxy: Option<&str>, connect: Duration) -> Result<reqwest::Client, RelayError> {
    client_builder(proxy, connect)?
        .build()
        .map_err(|_| RelayError::Misconfigured("cannot build an upstream http client".to_owned()))
}

fn client_builder(
    proxy: Option<&str>,
    connect: Duration,
) -> Result<reqwest::ClientBuilder, RelayError> {
    let mut builder = reqwest::Client::builder()
        .tcp_nodelay(true)
        .connect_timeout(connect)
        .pool_idle_timeout(POOL_IDLE)
        // An upstream redirect is not ours to follow with the channel's key attached.
        .redirect(reqwest::redirect::Policy::none());
    builder = match proxy {
        Some(url) => {
            let proxy = reqwest::Proxy::all(url).map_err(|_| {
                RelayError::Misconfigured("a channel's proxy url is invalid".to_owned())
            })?;
            builder.proxy(proxy)
        }
        // The process environment's proxy settings are not a channel's choice.
        None => builder.no_proxy(),
    };
    Ok(builder)
}

/// Sends a request and waits for the response head within `first_byte`.
pub async fn send(
    client: &reqwest::Client,
    request: UpstreamRequest,
    first_byte: Duration,
) -> Result<reqwest::Response, RelayError> {
    let builder = match parsed_url(&request.url) {
        Some(url) => client.request(request.method, url),
        // Not a URL: reqwest says so when sending, as for any request.
        None => client.request(request.method, &request.url),
    };
    let builder = builder.headers(request.headers).body(request.body);
    match tokio::time::timeout(first_byte, builder.send()).await {
        Err(_) => Err(RelayError::UpstreamTimeout),
        Ok(Err(error)) => Err(classify(&error)),
        Ok(Ok(response)) => Ok(response),
    }
}

/// Upstream URLs parsed before, by their text. A channel's requests go to a few URLs, and
/// parsing one (its host through IDNA processing) took more instructions than building the
/// rest of the request; a clone of the parsed URL is one copy. Cleared when full, so a
/// gateway with many channels or per-request URLs (keys in query strings) parses again.
static PARSED_URLS: LazyLock<Mutex<foldhash::HashMap<String, reqwest::Url>>> =
    LazyLock::new(Mutex::default);
const MAX_PARSED_URLS: usize = 1024;

/// `text` as a URL, parsed once; `None` when it is not one.
fn parsed_url(text: &str) -> Option<reqwest::Url> {
    let mut parsed = PARSED_URLS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(url) = parsed.get(text) {
        return Some(url.clone());
    }
    let url = reqwest::Url::parse(text).ok()?;
    if parsed.len() >= MAX_PARSED_URLS {
        parsed.clear();
    }
    parsed.insert(text.to_owned(), url.clone());
    Some(url)
}

/// Maps a transport error to the client-safe edge error (no URL, no key).
pub fn classify(error: &reqwest::Error) -> RelayError {
    if error.is_timeout() {
        RelayError::UpstreamTimeout
    } else if error.is_connect() {
        RelayError::UpstreamUnreachable
    } else if error.is_body() || error.is_decode() {
        RelayError::UpstreamInvalid
    } else {
        RelayError::UpstreamUnreachable
    }
}

/// A response body as a stream of chunks.
pub type ByteStream = BoxStream<'static, Result<Bytes, reqwest::Error>>;

/// Reads a whole body, allowing at most `idle` between chunks and `limit` bytes in all.
pub async fn read_body(
    body: &mut ByteStream,
    idle: Duration,
    limit: usize,
) -> Result<Bytes, RelayError> {
    let mut collected = BytesMut::new();
    loop {
        match tokio::time::timeout(idle, body.next()).await {
            Err(_) => return Err(RelayError::UpstreamTimeout),
            Ok(None) => return Ok(collected.freeze()),
            Ok(Some(Err(error))) => return Err(classify(&error)),
            Ok(Some(Ok(chunk))) => {
                if collected.len() + chunk.len() > limit {
                    return Err(RelayError::UpstreamInvalid);
                }
                collected.extend_from_slice(&chunk);
            }
        }
    }
}

/// `Retry-After` in seconds (the HTTP-date form is rare from APIs and is ignored).
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    let seconds = value.parse::<f64>().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(3600.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parsed_once_are_the_urls_parsed_again() {
        let text = "https://api.example.com/v1/chat/completions?api-version=2024-10-21";
        let first = parsed_url(text).expect("a URL");
        assert_eq!(first, reqwest::Url::parse(text).unwrap());
        assert_eq!(parsed_url(text).expect("remembered"), first);
        assert!(parsed_url("not a url").is_none());
        // Past the bound the memo starts over instead of growing.
        for index in 0..MAX_PARSED_URLS + 5 {
            parsed_url(&format!("http://127.0.0.1:9/{index}")).expect("a URL");
        }
        assert!(PARSED_URLS.lock().unwrap().len() <= MAX_PARSED_URLS);
    }
}
