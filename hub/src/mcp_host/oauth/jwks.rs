//! One issuer's signing keys: its JWKS (URL configured or discovered) cached, and fetched again for an unknown key id at most once per pause.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{Jwk, JwkSet};

use super::issuers::IssuerConfig;

/// Largest JWKS or metadata document read; a real one is a few KiB.
const MAX_DOCUMENT_BYTES: usize = 256 * 1024;
/// How long one fetch may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);
/// Keys older than this are fetched again on the next token, known `kid` or not.
const KEYS_MAX_AGE: Duration = Duration::from_secs(3600);

/// Why a key could not be found.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The issuer's current keys hold no key with this id (or, without an id, no single key).
    #[error("no signing key {0:?} at the issuer")]
    UnknownKey(String),
    /// The keys could not be fetched (and none are cached).
    #[error("{0}")]
    Unavailable(String),
}

/// The cached keys of one issuer.
pub struct IssuerKeys {
    config: IssuerConfig,
    http: reqwest::Client,
    state: RwLock<Cached>,
    /// One fetch at a time; others wait for it and read what it stored.
    fetching: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct Cached {
    keys: Option<Arc<JwkSet>>,
    fetched_at: Option<Instant>,
    last_attempt: Option<Instant>,
    jwks_url: Option<String>,
}

impl IssuerKeys {
    pub fn new(config: IssuerConfig, http: reqwest::Client) -> IssuerKeys {
        let jwks_url = config.jwks_url.clone();
        IssuerKeys {
            config,
            http,
            state: RwLock::new(Cached {
                jwks_url,
                ..Cached::default()
            }),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    pub fn config(&self) -> &IssuerConfig {
        &self.config
    }

    /// The key `kid` names (the only key when the token names none), fetching the issuer's keys
    /// when none are cached, they are old, or `kid` is unknown and the pause has passed.
    pub async fn key(&self, kid: Option<&str>) -> Result<Jwk, KeyError> {
        if let Some(key) = self.cached_key(kid, false) {
            return Ok(key);
        }
        let _fetching = self.fetching.lock().await;
        // Another request may have fetched while this one waited.
        if let Some(key) = self.cached_key(kid, false) {
            return Ok(key);
        }
        if self.may_fetch() {
            self.fetch().await?;
        }
        match self.cached_key(kid, true) {
            Some(key) => Ok(key),
            None if self.has_keys() => Err(KeyError::UnknownKey(kid.unwrap_or("").to_owned())),
            None => Err(KeyError::Unavailable(
                "the issuer's keys could not be fetched".to_owned(),
            )),
        }
    }

    /// A cached key; `stale_ok` also takes keys past their age (when a fetch was not allowed).
    fn cached_key(&self, kid: Option<&str>, stale_ok: bool) -> Option<Jwk> {
        let state = self.state.read().ok()?;
        let keys = state.keys.as_ref()?;
        let fresh = state
            .fetched_at
            .is_some_and(|at| at.elapsed() < KEYS_MAX_AGE);
        if !fresh && !stale_ok {
            return None;
        }
        match kid {
            Some(kid) => keys.find(kid).cloned(),
            None => match keys.keys.as_slice() {
                [only] => Some(only.clone()),
                _ => None,
            },
        }
    }

    fn has_keys(&self) -> bool {
        self.state.read().is_ok_and(|state| state.keys.is_some())
    }

    fn may_fetch(&self) -> bool {
        let pause = Duration::from_secs(self.config.jwks_min_refresh_seconds);
        self.state.read().is_ok_and(|state| {
            state
                .last_attempt
                .is_none_or(|attempt| attempt.elapsed() >= pause)
        })
    }

    async fn fetch(&self) -> Result<(), KeyError> {
        if let Ok(mut state) = self.state.write() {
            state.last_attempt = Some(Instant::now());
        }
        let known_url = self
            .state
            .read()
            .ok()
            .and_then(|state| state.jwks_url.clone());
        let jwks_url = match known_url {
            Some(url) => url,
            None => {
                let url = self.discover().await?;
                if let Ok(mut state) = self.state.write() {
                    state.jwks_url = Some(url.clone());
                }
                url
            }
        };
        let keys: JwkSet = self.get_json(&jwks_url).await.map_err(|error| {
            tracing::warn!(issuer = %self.config.issuer, %error, "cannot fetch the issuer's JWKS");
            KeyError::Unavailable(format!("cannot fetch the issuer's keys: {error}"))
        })?;
        if let Ok(mut state) = self.state.write() {
            state.keys = Some(Arc::new(keys));
            state.fetched_at = Some(Instant::now());
        }
        Ok(())
    }

    /// The issuer's `jwks_uri`, from its RFC 8414 metadata, else its OpenID configuration; the
    /// document must name this very issuer.
    async fn discover(&self) -> Result<String, KeyError> {
        #[derive(serde::Deserialize)]
        struct Metadata {
            issuer: String,
            jwks_uri: Option<String>,
        }
        let issuer = self.config.issuer.trim_end_matches('/');
        let mut candidates = Vec::new();
        if let Ok(url) = url::Url::parse(issuer) {
            // RFC 8414: the well-known segment goes between the host and the issuer's path.
            let path = url.path().trim_end_matches('/');
            let origin = url.origin().ascii_serialization();
            candidates.push(format!(
                "{origin}/.well-known/oauth-authorization-server{path}"
            ));
        }
        candidates.push(format!("{issuer}/.well-known/openid-configuration"));
        let mut last_error = String::from("no metadata location");
        for candidate in candidates {
            match self.get_json::<Metadata>(&candidate).await {
                Ok(metadata)
                    if metadata.issuer.trim_end_matches('/') == issuer
                        && metadata.jwks_uri.is_some() =>
                {
                    if let Some(jwks_uri) = metadata.jwks_uri {
                        return Ok(jwks_uri);
                    }
                }
                Ok(_) => last_error = "metadata names another issuer or no jwks_uri".to_owned(),
                Err(error) => last_error = error,
            }
        }
        tracing::warn!(issuer = %self.config.issuer, error = %last_error, "cannot discover the issuer's JWKS");
        Err(KeyError::Unavailable(format!(
            "cannot discover the issuer's keys: {last_error}"
        )))
    }

    /// A JSON document, bounded in size and time.
    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, String> {
        let read = async {
            let mut response = self
                .http
                .get(url)
                .header(http::header::ACCEPT, "application/json")
                .send()
                .await
                .map_err(|error| error.without_url().to_string())?;
            if !response.status().is_success() {
                return Err(format!("status {}", response.status().as_u16()));
            }
            let mut body = Vec::new();
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|error| error.without_url().to_string())?
            {
                if body.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                    return Err(format!("document larger than {MAX_DOCUMENT_BYTES} bytes"));
                }
                body.extend_from_slice(&chunk);
            }
            serde_json::from_slice(&body).map_err(|error| format!("not the expected JSON: {error}"))
        };
        tokio::time::timeout(FETCH_TIMEOUT, read)
            .await
            .map_err(|_| format!("no answer within {} s", FETCH_TIMEOUT.as_secs()))?
    }
}
