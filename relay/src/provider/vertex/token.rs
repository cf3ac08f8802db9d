//! Service-account access tokens: an RS256 JWT exchanged at the account's `token_uri`, cached per channel key, one refresh at a time.
//!
//! The JWT (RFC 7523) names the account (`iss`), the `cloud-platform` scope, the token endpoint
//! (`aud`) and lives one hour. The access token it buys is reused until shortly before it
//! expires; requests that find it stale wait for the one refresh under way instead of each
//! exchanging their own. Nothing here logs or returns the key, the JWT or the token.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, HeaderValue, Method, header};
use bytes::Bytes;
use futures::StreamExt;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::key::ServiceAccount;
use crate::error::RelayError;
use crate::provider::UpstreamRequest;
use crate::upstream::{ByteStream, read_body, send};
use crate::vocabulary::Channel;

const SCOPE: &str = "https://www.googleapis.com/auth/cloud-platform";
/// The lifetime Google allows an assertion at most.
const ASSERTION_LIFETIME_SECS: u64 = 3600;
/// A token endpoint that answers slower than this is treated as unreachable.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(30);
/// A token answer is a few hundred bytes; anything far larger is not one.
const MAX_TOKEN_ANSWER_BYTES: usize = 64 * 1024;
/// Tokens live an hour; a longer claimed lifetime is not trusted further than this.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(12 * 3600);
/// A token is replaced this long before it expires (at most a fifth of its lifetime).
const REFRESH_MARGIN: Duration = Duration::from_secs(300);
/// Past this many cached keys, entries whose token expired are dropped.
const PRUNE_ABOVE: usize = 256;

/// An access token and when to replace it.
struct Token {
    /// `Bearer ...`, marked sensitive.
    authorization: HeaderValue,
    refresh_at: Instant,
    expires_at: Instant,
}

/// One channel key's token; its lock is held through a refresh, so waiters reuse its result.
type Slot = Arc<tokio::sync::Mutex<Option<Token>>>;

/// The tokens of every service-account key in use, by a hash of the channel key (the key itself
/// is not kept a second time).
static TOKENS: LazyLock<Mutex<HashMap<[u8; 32], Slot>>> = LazyLock::new(Default::default);

/// The `Authorization` header for `account` (from `channel`'s key): the cached token while it
/// is fresh, else a new one exchanged with `http`.
pub(super) async fn authorization(
    channel: &Channel,
    account: &ServiceAccount,
    http: &reqwest::Client,
) -> Result<HeaderValue, RelayError> {
    let slot = slot(&channel.key);
    let mut token = slot.lock().await;
    if let Some(cached) = token.as_ref()
        && Instant::now() < cached.refresh_at
    {
        return Ok(cached.authorization.clone());
    }
    let fresh = exchange(channel, account, http).await?;
    let authorization = fresh.authorization.clone();
    *token = Some(fresh);
    Ok(authorization)
}

fn slot(key: &str) -> Slot {
    let fingerprint: [u8; 32] = Sha256::digest(key.as_bytes()).into();
    let mut tokens = TOKENS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if tokens.len() > PRUNE_ABOVE && !tokens.contains_key(&fingerprint) {
        let now = Instant::now();
        // A slot in use (or being refreshed) is kept; an idle one only while its token lives.
        tokens.retain(|_, slot| {
            Arc::strong_count(slot) > 1
                || slot.try_lock().map_or(true, |token| {
                    token.as_ref().is_some_and(|t| now < t.expires_at)
                })
        });
    }
    tokens.entry(fingerprint).or_default().clone()
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    scope: &'static str,
    aud: &'a str,
    iat: u64,
    exp: u64,
}

/// The signed assertion for `account`.
fn assertion(channel: &Channel, account: &ServiceAccount) -> Result<String, RelayError> {
    let misconfigured = |what: &str| {
        RelayError::Misconfigured(format!(
            "channel {} has an invalid vertexai key: {what}",
            channel.id
        ))
    };
    let key = EncodingKey::from_rsa_pem(account.private_key.as_bytes())
        .map_err(|_| misconfigured("the service account's private_key is not an RSA key"))?;
    let mut header = Header::new(Algorithm::RS256);
    header.kid = account.private_key_id.clone();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| RelayError::Internal)?
        .as_secs();
    let claims = Claims {
        iss: &account.client_email,
        scope: SCOPE,
        aud: &account.token_uri,
        iat: now,
        exp: now + ASSERTION_LIFETIME_SECS,
    };
    jsonwebtoken::encode(&header, &claims, &key)
        .map_err(|_| misconfigured("the service account's private_key cannot sign"))
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    /// Seconds; Google's tokens live an hour when it says nothing.
    #[serde(default = "default_expires_in")]
    expires_in: u64,
}

fn default_expires_in() -> u64 {
    3600
}

/// Exchanges a fresh assertion for an access token. A refused exchange is the channel's
/// credentials failing; the endpoint's body is read (bounded) but never repeated.
async fn exchange(
    channel: &Channel,
    account: &ServiceAccount,
    http: &reqwest::Client,
) -> Result<Token, RelayError> {
    let assertion = assertion(channel, account)?;
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    // The grant type is URL-encoded once here; a JWT is base64url and dots, safe in a form.
    let body = format!(
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion={assertion}"
    );
    let request = UpstreamRequest {
        method: Method::POST,
        url: account.token_uri.clone(),
        headers,
        body: Bytes::from(body),
    };
    let asked_at = Instant::now();
    let response = send(http, request, EXCHANGE_TIMEOUT).await?;
    let status = response.status();
    let mut answer: ByteStream = response.bytes_stream().boxed();
    let answer = read_body(&mut answer, EXCHANGE_TIMEOUT, MAX_TOKEN_ANSWER_BYTES).await;
    if !status.is_success() {
        tracing::warn!(
            channel = channel.id,
            status = status.as_u16(),
            "the vertexai token endpoint refused the service account"
        );
        return Err(if status.is_server_error() {
            RelayError::UpstreamFailed
        } else {
            RelayError::UpstreamCredentials {
                status: status.as_u16(),
            }
        });
    }
    let answer: TokenAnswer =
        serde_json::from_slice(&answer?).map_err(|_| RelayError::UpstreamInvalid)?;
    if answer.access_token.is_empty() {
        return Err(RelayError::UpstreamInvalid);
    }
    let mut authorization = HeaderValue::from_str(&format!("Bearer {}", answer.access_token))
        .map_err(|_| RelayError::UpstreamInvalid)?;
    authorization.set_sensitive(true);
    let lifetime = Duration::from_secs(answer.expires_in).min(MAX_TOKEN_LIFETIME);
    let margin = REFRESH_MARGIN.min(lifetime / 5);
    Ok(Token {
        authorization,
        // Counted from the question: the token's clock started before its answer arrived.
        refresh_at: asked_at + (lifetime - margin),
        expires_at: asked_at + lifetime,
    })
}
