//! Baidu's OAuth access tokens: `client_id|client_secret` exchanged at `/oauth/2.0/token`, cached per key until shortly before expiry, one exchange at a time.
//!
//! The token travels in the chat URL's query, so it is as secret as the key: it is never
//! logged, and exchange failures say what failed without the URL (reqwest errors carry it).

use std::time::{Duration, Instant};

use futures::StreamExt;
use serde::Deserialize;

use crate::error::RelayError;
use crate::provider::token_slots::{Cached, TokenSlots};
use crate::upstream::{ByteStream, classify, read_body};

/// How long one exchange may take, connection included.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest token answer read (a real one is a few hundred bytes).
const MAX_TOKEN_ANSWER: usize = 64 * 1024;
/// A token is refreshed this long before Baidu says it expires (or at half its life when that
/// is shorter), so a request never carries one that expires on the way.
const REFRESH_MARGIN: Duration = Duration::from_secs(10 * 60);

/// Access tokens by token URL and channel key.
#[derive(Default)]
pub(super) struct TokenCache {
    slots: TokenSlots,
}

/// Baidu's token answer: the token and its lifetime, or an OAuth error.
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    expires_in: Option<u64>,
    error: Option<String>,
}

impl TokenCache {
    pub(super) fn new() -> TokenCache {
        TokenCache::default()
    }

    /// The cached token of `key` if it is not due, without exchanging.
    pub(super) fn cached(&self, token_url: &str, key: &str) -> Option<String> {
        self.slots.cached(token_url, key)
    }

    /// The access token of `key` (`client_id|client_secret`), exchanged at `token_url` when
    /// none is cached or the cached one is due.
    pub(super) async fn token(
        &self,
        http: &reqwest::Client,
        token_url: &str,
        key: &str,
    ) -> Result<String, RelayError> {
        self.slots
            .token(token_url, key, || exchange(http, token_url, key))
            .await
    }

    /// Drops `key`'s token after Baidu called it invalid or expired, so the next request
    /// exchanges again.
    pub(super) fn invalidate(&self, token_url: &str, key: &str) {
        self.slots.invalidate(token_url, key);
    }
}

/// `client_id` and `client_secret` of a `client_id|client_secret` key.
pub(super) fn client_credentials(key: &str) -> Option<(&str, &str)> {
    let (id, secret) = key.trim().split_once('|')?;
    let (id, secret) = (id.trim(), secret.trim());
    (!id.is_empty() && !secret.is_empty() && !secret.contains('|')).then_some((id, secret))
}

/// One client-credentials exchange.
async fn exchange(
    http: &reqwest::Client,
    token_url: &str,
    key: &str,
) -> Result<Cached, RelayError> {
    let (client_id, client_secret) = client_credentials(key).ok_or_else(|| {
        RelayError::Misconfigured(
            "a baidu channel's key must be client_id|client_secret (API key|secret key)".to_owned(),
        )
    })?;
    let url = url::Url::parse_with_params(
        token_url,
        [
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", client_secret),
        ],
    )
    .map_err(|_| RelayError::Misconfigured("a baidu channel's base url is invalid".to_owned()))?;
    let sent = http
        .post(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send();
    let response = match tokio::time::timeout(EXCHANGE_TIMEOUT, sent).await {
        Err(_) => return Err(RelayError::UpstreamTimeout),
        // `classify` keeps the URL (and so the secret) out of the error.
        Ok(Err(error)) => return Err(classify(&error)),
        Ok(Ok(response)) => response,
    };
    let status = response.status().as_u16();
    let mut body: ByteStream = response.bytes_stream().boxed();
    let body = read_body(&mut body, EXCHANGE_TIMEOUT, MAX_TOKEN_ANSWER).await?;
    let answer = serde_json::from_slice::<TokenAnswer>(&body).ok();
    match answer {
        Some(TokenAnswer {
            access_token: Some(token),
            expires_in,
            error: None,
        }) if (200..300).contains(&status) && !token.is_empty() => {
            let lifetime = Duration::from_secs(expires_in.unwrap_or(0));
            let margin = REFRESH_MARGIN.min(lifetime / 2);
            Ok(Cached {
                token,
                refresh_at: Instant::now() + (lifetime - margin),
            })
        }
        // `invalid_client` (an unknown id or a wrong secret) and refusals are the key's fault.
        Some(TokenAnswer {
            error: Some(error), ..
        }) if error.starts_with("invalid_client") || error == "unauthorized_client" => {
            Err(RelayError::UpstreamCredentials {
                status: if status == 200 { 401 } else { status },
            })
        }
        _ if status == 401 || status == 403 => Err(RelayError::UpstreamCredentials { status }),
        _ if status == 429 => Err(RelayError::RateLimited { retry_after: None }),
        _ if (200..300).contains(&status) => Err(RelayError::UpstreamInvalid),
        _ => Err(RelayError::UpstreamFailed),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn keys_split_into_id_and_secret() {
        assert_eq!(client_credentials("id|secret"), Some(("id", "secret")));
        assert_eq!(client_credentials(" id | secret "), Some(("id", "secret")));
        assert_eq!(client_credentials("no-separator"), None);
        assert_eq!(client_credentials("|secret"), None);
        assert_eq!(client_credentials("a|b|c"), None);
    }

    /// A token endpoint that counts exchanges, answers after a pause (so concurrent requests
    /// overlap) with a token that lives `expires_in` seconds, and refuses any secret but `s%7C`
    /// (which arrives encoded as `s%257C`).
    async fn token_server(expires_in: u64) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let count = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&count);
        let handler = move |query: axum::extract::RawQuery| async move {
            let query = query.0.unwrap_or_default();
            if !query.contains("client_secret=s%257C") {
                return (
                    axum::http::StatusCode::UNAUTHORIZED,
                    r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#
                        .to_owned(),
                );
            }
            let number = counter.fetch_add(1, Ordering::SeqCst) + 1;
            tokio::time::sleep(Duration::from_millis(50)).await;
            (
                axum::http::StatusCode::OK,
                format!(r#"{{"access_token":"24.t{number}","expires_in":{expires_in}}}"#),
            )
        };
        let app = axum::Router::new().route("/oauth/2.0/token", axum::routing::post(handler));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/oauth/2.0/token", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (url, count)
    }

    #[tokio::test]
    async fn concurrent_requests_share_one_exchange_and_a_due_token_is_exchanged_again() {
        use std::sync::atomic::Ordering;
        let http = reqwest::Client::new();
        let (url, count) = token_server(2_592_000).await;
        let cache = TokenCache::new();
        let tokens =
            futures::future::join_all((0..8).map(|_| cache.token(&http, &url, "id|s%7C"))).await;
        let tokens: Vec<String> = tokens.into_iter().map(Result::unwrap).collect();
        assert!(tokens.iter().all(|token| token == "24.t1"), "{tokens:?}");
        assert_eq!(count.load(Ordering::SeqCst), 1, "one exchange serves all");

        let error = cache.token(&http, &url, "id|wrong").await.unwrap_err();
        assert!(
            matches!(error, RelayError::UpstreamCredentials { status: 401 }),
            "{error:?}"
        );
        let error = cache.token(&http, &url, "no-secret").await.unwrap_err();
        assert!(matches!(error, RelayError::Misconfigured(_)), "{error:?}");

        // A token that lives 0 seconds is due at once: each request exchanges again.
        let (url, count) = token_server(0).await;
        for expected in ["24.t1", "24.t2"] {
            assert_eq!(cache.token(&http, &url, "id|s%7C").await.unwrap(), expected);
        }
        assert_eq!(count.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn an_invalidated_token_is_no_longer_cached() {
        let cache = TokenCache::new();
        cache.slots.put(
            "u",
            "k",
            Cached {
                token: "t".into(),
                refresh_at: Instant::now() + Duration::from_secs(60),
            },
        );
        assert_eq!(cache.cached("u", "k").as_deref(), Some("t"));
        assert_eq!(cache.cached("u", "other"), None);
        cache.invalidate("u", "k");
        assert_eq!(cache.cached("u", "k"), None);
        cache.slots.put(
            "u",
            "k",
            Cached {
                token: "t".into(),
                refresh_at: Instant::now(),
            },
        );
        assert_eq!(cache.cached("u", "k"), None, "a due token is not served");
    }
}
