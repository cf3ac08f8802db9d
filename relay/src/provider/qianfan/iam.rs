//! Qianfan v2 bearer tokens from an `ak|sk` key: a BCE v1-signed `GET /v1/BCE-BEARER/token` at Baidu's IAM, cached per key, one exchange at a time.
//!
//! The signature follows Baidu's BCE authentication v1 as the seed sends it: the signing key is
//! the hex HMAC-SHA256 of `bce-auth-v1/{ak}/{timestamp}/1800` under the secret key, and the
//! signature the hex HMAC-SHA256 of the canonical request (method, path, query, `host`) under
//! that hex string. The token is as secret as the key: never logged, and exchange failures
//! say what failed without the URL.

use std::time::{Duration, Instant};

use futures::StreamExt;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use crate::error::RelayError;
use crate::provider::token_slots::{Cached, TokenSlots};
use crate::upstream::{ByteStream, classify, read_body};

/// Baidu's IAM token endpoint (a channel's `iam_url` config replaces it).
pub const DEFAULT_IAM_URL: &str = "https://iam.bj.baidubce.com/v1/BCE-BEARER/token";
/// The token lifetime asked for, in seconds (a day, as the seed asks).
const EXPIRE_IN_SECONDS: u64 = 86_400;
/// How long the signature itself is valid, in seconds.
const SIGNATURE_LIFETIME: u32 = 1800;
/// How long one exchange may take, connection included.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest token answer read (a real one is a few hundred bytes).
const MAX_TOKEN_ANSWER: usize = 64 * 1024;
/// A token is refreshed this long before it expires (or at half its life when that is
/// shorter), so a request never carries one that expires on the way.
const REFRESH_MARGIN: Duration = Duration::from_secs(10 * 60);

/// The access key and secret key of an `ak|sk` key; `None` for any other key (a `bce-v3/...`
/// API key, sent as it is).
pub fn access_key_pair(key: &str) -> Option<(&str, &str)> {
    let (ak, sk) = key.trim().split_once('|')?;
    let (ak, sk) = (ak.trim(), sk.trim());
    (!ak.is_empty() && !sk.is_empty() && !sk.contains('|')).then_some((ak, sk))
}

fn hmac_hex(key: &[u8], data: &str) -> String {
    // HMAC takes keys of any length: `new_from_slice` cannot fail for it.
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(data.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The `Authorization` value of a token request to `host` (as the `Host` header names it)
/// at `timestamp` (`2006-01-02T15:04:05Z`).
pub fn authorization(ak: &str, sk: &str, host: &str, path: &str, timestamp: &str) -> String {
    let canonical = format!("GET\n{path}\nexpireInSeconds={EXPIRE_IN_SECONDS}\nhost:{host}");
    let prefix = format!("bce-auth-v1/{ak}/{timestamp}/{SIGNATURE_LIFETIME}");
    let signing_key = hmac_hex(sk.as_bytes(), &prefix);
    let signature = hmac_hex(signing_key.as_bytes(), &canonical);
    format!("{prefix}/host/{signature}")
}

/// Bearer tokens by IAM URL and channel key.
#[derive(Default)]
pub struct TokenCache {
    slots: TokenSlots,
}

/// IAM's answer: the token and when it expires.
#[derive(Deserialize)]
struct TokenAnswer {
    token: Option<String>,
    #[serde(rename = "expireTime")]
    expire_time: Option<String>,
}

impl TokenCache {
    pub fn new() -> TokenCache {
        TokenCache::default()
    }

    /// The bearer token of `key` (`ak|sk`), exchanged at `iam_url` when none is cached or the
    /// cached one is due.
    pub async fn token(
        &self,
        http: &reqwest::Client,
        iam_url: &str,
        key: &str,
    ) -> Result<String, RelayError> {
        self.slots
            .token(iam_url, key, || exchange(http, iam_url, key))
            .await
    }
}

/// One signed exchange.
async fn exchange(http: &reqwest::Client, iam_url: &str, key: &str) -> Result<Cached, RelayError> {
    let misconfigured =
        |what: &str| RelayError::Misconfigured(format!("a qianfan channel's {what} is invalid"));
    let (ak, sk) = access_key_pair(key).ok_or_else(|| misconfigured("key"))?;
    let mut url = url::Url::parse(iam_url).map_err(|_| misconfigured("iam_url"))?;
    let host = match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        (None, _) => return Err(misconfigured("iam_url")),
    };
    url.set_query(Some(&format!("expireInSeconds={EXPIRE_IN_SECONDS}")));
    let timestamp = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let signed = authorization(ak, sk, &host, url.path(), &timestamp);
    let sent = http
        .get(url)
        .header(reqwest::header::AUTHORIZATION, signed)
        .header(reqwest::header::ACCEPT, "application/json")
        .send();
    let response = match tokio::time::timeout(EXCHANGE_TIMEOUT, sent).await {
        Err(_) => return Err(RelayError::UpstreamTimeout),
        // `classify` keeps the URL out of the error.
        Ok(Err(error)) => return Err(classify(&error)),
        Ok(Ok(response)) => response,
    };
    let status = response.status().as_u16();
    let mut body: ByteStream = response.bytes_stream().boxed();
    let body = read_body(&mut body, EXCHANGE_TIMEOUT, MAX_TOKEN_ANSWER).await?;
    match status {
        200..=299 => {}
        401 | 403 => return Err(RelayError::UpstreamCredentials { status }),
        429 => return Err(RelayError::RateLimited { retry_after: None }),
        _ => return Err(RelayError::UpstreamFailed),
    }
    let answer: TokenAnswer =
        serde_json::from_slice(&body).map_err(|_| RelayError::UpstreamInvalid)?;
    let token = answer
        .token
        .filter(|token| !token.is_empty())
        .ok_or(RelayError::UpstreamInvalid)?;
    let lifetime = answer
        .expire_time
        .and_then(|time| chrono::DateTime::parse_from_rfc3339(&time).ok())
        .map_or(Duration::from_secs(EXPIRE_IN_SECONDS), |expires| {
            (expires.with_timezone(&chrono::Utc) - chrono::Utc::now())
                .to_std()
                .unwrap_or_default()
        });
    let margin = REFRESH_MARGIN.min(lifetime / 2);
    Ok(Cached {
        token,
        refresh_at: Instant::now() + (lifetime - margin),
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn keys_split_into_access_and_secret_keys_and_api_keys_do_not() {
        assert_eq!(access_key_pair("ak|sk"), Some(("ak", "sk")));
        assert_eq!(access_key_pair(" ak | sk "), Some(("ak", "sk")));
        assert_eq!(access_key_pair("bce-v3/ALTAK-abc/def"), None);
        assert_eq!(access_key_pair("|sk"), None);
        assert_eq!(access_key_pair("a|b|c"), None);
    }

    #[test]
    fn the_signature_is_baidus_bce_v1_over_the_token_request() {
        // Computed independently (Python's hmac) for these inputs.
        let signed = authorization(
            "ak-1",
            "sk-1",
            "iam.bj.baidubce.com",
            "/v1/BCE-BEARER/token",
            "2024-01-02T03:04:05Z",
        );
        assert_eq!(
            signed,
            "bce-auth-v1/ak-1/2024-01-02T03:04:05Z/1800/host/\
             e366877bb3c8ae39edcfb2e3c9d225507adea9237399d92e9b7dcaab9a17a325"
        );
    }

    /// A mock IAM that recomputes the signature from the request it receives (its own path,
    /// query and Host header, the secret it knows) and refuses any other; it counts exchanges
    /// and answers after a pause, so concurrent requests overlap.
    async fn iam_server(lifetime_seconds: i64) -> (String, Arc<AtomicUsize>) {
        let count = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&count);
        let handler = move |uri: axum::http::Uri, headers: axum::http::HeaderMap| async move {
            let header = |name: &str| {
                headers
                    .get(name)
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            };
            let auth = header("authorization");
            let parts: Vec<&str> = auth.split('/').collect();
            let valid = parts.len() == 6 && {
                let (ak, timestamp) = (parts[1], parts[2]);
                uri.query() == Some("expireInSeconds=86400")
                    && ak == "ak-1"
                    && authorization(ak, "sk-1", &header("host"), uri.path(), timestamp) == auth
            };
            if !valid {
                return (
                    axum::http::StatusCode::UNAUTHORIZED,
                    r#"{"code":"AccessDenied","message":"signature mismatch"}"#.to_owned(),
                );
            }
            let number = counter.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(Duration::from_millis(50)).await;
            let expires = chrono::Utc::now() + chrono::Duration::seconds(lifetime_seconds);
            (
                axum::http::StatusCode::CREATED,
                format!(
                    r#"{{"token":"bce-v3/t{number}","expireTime":"{}","userId":"u"}}"#,
                    expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ),
            )
        };
        let app = axum::Router::new().route("/v1/BCE-BEARER/token", axum::routing::get(handler));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/v1/BCE-BEARER/token",
            listener.local_addr().unwrap()
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, count)
    }

    #[tokio::test]
    async fn concurrent_requests_share_one_signed_exchange_and_a_due_token_is_renewed() {
        let http = reqwest::Client::new();
        let (url, count) = iam_server(86_400).await;
        let cache = TokenCache::new();
        let tokens =
            futures::future::join_all((0..8).map(|_| cache.token(&http, &url, "ak-1|sk-1"))).await;
        let tokens: Vec<String> = tokens.into_iter().map(Result::unwrap).collect();
        assert!(
            tokens.iter().all(|token| token == "bce-v3/t1"),
            "{tokens:?}"
        );
        assert_eq!(count.load(Ordering::SeqCst), 1, "one exchange serves all");

        let error = cache.token(&http, &url, "ak-1|wrong").await.unwrap_err();
        assert!(
            matches!(error, RelayError::UpstreamCredentials { status: 401 }),
            "{error:?}"
        );
        let error = cache.token(&http, &url, "no-pair").await.unwrap_err();
        assert!(matches!(error, RelayError::Misconfigured(_)), "{error:?}");

        // A token that has already expired is due at once: each request exchanges again.
        let (url, count) = iam_server(-60).await;
        for expected in ["bce-v3/t1", "bce-v3/t2"] {
            assert_eq!(
                cache.token(&http, &url, "ak-1|sk-1").await.unwrap(),
                expected
            );
        }
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }
}
