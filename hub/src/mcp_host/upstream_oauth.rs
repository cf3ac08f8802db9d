//! Upstream OAuth held per group: authorizations started, completed and revoked, and `mcp`'s `UpstreamTokenSource` on the database.
//!
//! Refresh is a compare-and-set, with a pause after a failure that may pass, kept in the
//! database so that every replica honours it.
//!
//! The protocol steps are `mcp::upstream_oauth`'s; this file decides what is stored and when
//! a token is refreshed. Tokens live in the database, so every replica sends the newest one; a
//! refresh writes only over the row it read (its `generation`), so two replicas refreshing at
//! once keep the one that wrote first and the other adopts it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use mcp::upstream_oauth::{
    AuthorizationRequest, ClientAuth, ClientCredentials, OAuthClient, OAuthError, OAuthFailure,
    Pkce, TokenGrant,
};
use mcp::{UpstreamToken, UpstreamTokenError, UpstreamTokenSource};
use sha2::Digest;

use crate::mcp_host::bridge::BLOCK_PRIVATE_NETWORK_PARAM;
use crate::store::mcp_upstream_auth::{
    RefreshPause, UpstreamAuthRequest, UpstreamGrant, UpstreamGrantSource, UpstreamTokens,
};
use crate::store::{McpScope, McpServer, McpServerKind, Store, StoreError, now_ms};

/// The path of the callback on the gateway's port.
pub const CALLBACK_PATH: &str = "/mcp/oauth/callback";

/// How long a started authorization waits for its callback.
const AUTHORIZATION_WINDOW_MS: i64 = 10 * 60 * 1000;

/// A token this close to its expiry is refreshed before it is sent.
const REFRESH_AHEAD_MS: i64 = 60 * 1000;

/// The pause after a refresh that failed for now (unreachable, timeout, 5xx, 429), doubling
/// with each failure in a row up to [`MAX_REFRESH_BACKOFF`].
const FIRST_REFRESH_BACKOFF: Duration = Duration::from_secs(1);
const MAX_REFRESH_BACKOFF: Duration = Duration::from_secs(5 * 60);

/// Why an authorization could not start or complete: a sentence without secrets.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamAuthError {
    /// The request names something that cannot be authorized (caller's fault).
    #[error("{0}")]
    Invalid(String),
    /// The gateway is not set up for it (no public URL).
    #[error("{0}")]
    NotConfigured(String),
    /// A step at the upstream or its authorization server failed.
    #[error("{0}")]
    Upstream(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What an admin opens to authorize.
#[derive(Debug, Clone)]
pub struct StartedAuthorization {
    pub authorization_url: String,
    pub expires_at_ms: i64,
    pub redirect_uri: String,
}

/// Held while one (server, group) refreshes on this replica.
type RefreshTurn = Arc<tokio::sync::Mutex<()>>;

/// A pause after a refresh that failed for now.
struct Paused {
    remaining: Duration,
    reason: String,
    rejected: bool,
}

/// What revoking found at the authorization server (RFC 7009), for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevocationOutcome {
    /// The server offers no revocation endpoint: the tokens are forgotten locally only.
    NotOffered,
    /// Every token the group held was revoked there.
    Revoked,
    /// Some token could not be revoked there (why, without the token); it was forgotten here
    /// all the same.
    Failed(String),
}

/// The upstream tokens of every (server, group), on the database.
pub struct UpstreamAuthorizations {
    store: Store,
    /// `<public base URL>/mcp/oauth/callback`; `None` when no public URL is configured.
    redirect_uri: Option<String>,
    /// One refresh at a time per (server, group) on this replica; other replicas are kept
    /// apart by the compare-and-set and by the pause stored with the tokens.
    refreshing: Mutex<HashMap<(String, String), RefreshTurn>>,
}

impl std::fmt::Debug for UpstreamAuthorizations {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("UpstreamAuthorizations")
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

impl UpstreamAuthorizations {
    /// `public_url` is the gateway's public base URL (`MCP_OAUTH_PUBLIC_URL`, else
    /// `MCP_UPSTREAM_OAUTH_PUBLIC_URL`).
    pub fn new(store: Store, public_url: Option<&str>) -> Self {
        Self {
            store,
            redirect_uri: public_url
                .map(str::trim)
                .filter(|url| !url.is_empty())
                .map(|url| format!("{}{CALLBACK_PATH}", url.trim_end_matches('/'))),
            refreshing: Mutex::new(HashMap::new()),
        }
    }

    /// Starts an authorization of `group_id` on `server_id`: discovery, the client (configured
    /// or registered), PKCE and state, stored for the callback.
    pub async fn start(
        &self,
        server_id: &str,
        group_id: &str,
    ) -> Result<StartedAuthorization, UpstreamAuthError> {
        let redirect_uri = self.redirect_uri.clone().ok_or_else(|| {
            UpstreamAuthError::NotConfigured(
                "upstream OAuth needs the gateway's public URL for its callback: set \
                 MCP_OAUTH_PUBLIC_URL or MCP_UPSTREAM_OAUTH_PUBLIC_URL"
                    .to_owned(),
            )
        })?;
        let server = self.store.get_mcp_server(server_id).await?;
        let config = server.upstream_oauth.clone().ok_or_else(|| {
            UpstreamAuthError::Invalid(format!(
                "mcp server {server_id} has no upstream_oauth: its upstream takes no held tokens"
            ))
        })?;
        self.store.get_group(group_id).await?;
        if !offered_to(&server, group_id) {
            return Err(UpstreamAuthError::Invalid(format!(
                "mcp server {server_id} belongs to another group than {group_id}"
            )));
        }
        let resource = server.url.clone().ok_or_else(|| {
            UpstreamAuthError::Invalid(format!("mcp server {server_id} has no url"))
        })?;
        let client = oauth_client(&server);
        let discovered = client
            .discover(&resource)
            .await
            .map_err(|error| UpstreamAuthError::Upstream(error.message))?;
        let scopes = if config.scopes.is_empty() {
            discovered.scopes_supported.clone()
        } else {
            config.scopes.clone()
        };
        let authorization_server = &discovered.authorization_server;
        let credentials = if config.client_id.trim().is_empty() {
            client
                .register(authorization_server, &redirect_uri, "aiproxy", &scopes)
                .await
                .map_err(|error| UpstreamAuthError::Upstream(error.message))?
        } else {
            configured_client(
                &config.client_id,
                &config.client_secret,
                authorization_server,
            )
        };
        let pkce = Pkce::new();
        let state = mcp::upstream_oauth::random_token();
        let authorization_url = AuthorizationRequest {
            server: authorization_server,
            client_id: &credentials.client_id,
            redirect_uri: &redirect_uri,
            state: &state,
            code_challenge: &pkce.challenge,
            scopes: &scopes,
            resource: &resource,
        }
        .url()
        .map_err(|error| UpstreamAuthError::Upstream(error.message))?;
        let expires_at_ms = now_ms() + AUTHORIZATION_WINDOW_MS;
        self.store
            .insert_upstream_auth_request(&UpstreamAuthRequest {
                state_hash: state_hash(&state),
                server_id: server_id.to_owned(),
                group_id: group_id.to_owned(),
                code_verifier: pkce.verifier,
                redirect_uri: redirect_uri.clone(),
                source: UpstreamGrantSource {
                    token_endpoint: authorization_server.token_endpoint.clone(),
                    client_id: credentials.client_id,
                    client_secret: credentials.client_secret,
                    client_auth: credentials.auth.as_str().to_owned(),
                    resource,
                    revocation_endpoint: authorization_server.revocation_endpoint.clone(),
                },
                scopes: scopes.join(" "),
                expires_at: expires_at_ms,
            })
            .await?;
        Ok(StartedAuthorization {
            authorization_url,
            expires_at_ms,
            redirect_uri,
        })
    }

    /// Completes the authorization `state` names (once, before it expires): the code is
    /// exchanged with the PKCE verifier and the tokens stored for its server and group.
    /// Answers the server and group authorized.
    pub async fn complete(
        &self,
        state: &str,
        code: &str,
    ) -> Result<(String, String), UpstreamAuthError> {
        let request = self
            .store
            .take_upstream_auth_request(&state_hash(state))
            .await?
            .ok_or_else(|| {
                UpstreamAuthError::Invalid(
                    "unknown, used or expired authorization state: start the authorization again"
                        .to_owned(),
                )
            })?;
        let server = self.store.get_mcp_server(&request.server_id).await?;
        let credentials = credentials_of(&request.source);
        let grant = oauth_client(&server)
            .exchange_code(
                &request.source.token_endpoint,
                &credentials,
                (code, &request.code_verifier, &request.redirect_uri),
                &request.source.resource,
            )
            .await
            .map_err(|error| UpstreamAuthError::Upstream(error.message))?;
        let scopes = grant
            .scope
            .clone()
            .unwrap_or_else(|| request.scopes.clone());
        self.store
            .store_upstream_authorization(
                (&request.server_id, &request.group_id),
                &request.source,
                &stored_grant(&grant, &scopes),
            )
            .await?;
        tracing::info!(
            server = %request.server_id,
            group = %request.group_id,
            "upstream authorization completed"
        );
        Ok((request.server_id, request.group_id))
    }

    /// Drops the authorization `state` names (the authorization server refused it).
    pub async fn abandon(&self, state: &str) -> Result<(), StoreError> {
        self.store
            .take_upstream_auth_request(&state_hash(state))
            .await
            .map(drop)
    }

    /// The stored tokens' state (the caller shows no token).
    pub async fn tokens(
        &self,
        server_id: &str,
        group_id: &str,
    ) -> Result<Option<UpstreamTokens>, StoreError> {
        self.store.upstream_tokens(server_id, group_id).await
    }

    pub async fn tokens_of_server(
        &self,
        server_id: &str,
    ) -> Result<Vec<UpstreamTokens>, StoreError> {
        self.store.upstream_tokens_of_server(server_id).await
    }

    /// Forgets the group's tokens for the server (`None` when it held none), then asks the
    /// authorization server to revoke them (RFC 7009: the refresh token, then the access
    /// token) when it offers that. Best effort: the tokens are gone here whatever it answers.
    pub async fn revoke(
        &self,
        server_id: &str,
        group_id: &str,
    ) -> Result<Option<RevocationOutcome>, StoreError> {
        let Some(stored) = self.store.upstream_tokens(server_id, group_id).await? else {
            return Ok(None);
        };
        self.store
            .delete_upstream_tokens(server_id, group_id)
            .await?;
        let outcome = self.revoke_upstream(&stored).await;
        match &outcome {
            RevocationOutcome::Failed(reason) => tracing::warn!(
                server = %server_id,
                group = %group_id,
                reason = %reason,
                "upstream tokens forgotten; the authorization server did not revoke them"
            ),
            outcome => tracing::info!(
                server = %server_id,
                group = %group_id,
                outcome = ?outcome,
                "upstream authorization revoked"
            ),
        }
        Ok(Some(outcome))
    }

    async fn revoke_upstream(&self, stored: &UpstreamTokens) -> RevocationOutcome {
        let client = match self.store.get_mcp_server(&stored.server_id).await {
            Ok(server) => oauth_client(&server),
            // The server is gone: its address policy is unknown, so the strict one.
            Err(_) => OAuthClient::new(true),
        };
        let endpoint = match &stored.source.revocation_endpoint {
            Some(endpoint) => endpoint.clone(),
            None => match discover_revocation_endpoint(&client, &stored.source).await {
                Ok(Some(endpoint)) => endpoint,
                Ok(None) => return RevocationOutcome::NotOffered,
                Err(reason) => return RevocationOutcome::Failed(reason),
            },
        };
        let endpoint = endpoint.as_str();
        let credentials = credentials_of(&stored.source);
        // The refresh token first: revoking it may revoke the access token too (RFC 7009
        // 2.1), and the other way round a refresh could still mint a new one meanwhile.
        let tokens = stored
            .refresh_token
            .iter()
            .map(|token| (token.as_str(), "refresh_token"))
            .chain([(stored.access_token.as_str(), "access_token")]);
        let mut failures = Vec::new();
        for (token, hint) in tokens {
            if let Err(error) = client.revoke(endpoint, &credentials, token, hint).await {
                failures.push(format!("{hint}: {error}"));
            }
        }
        if failures.is_empty() {
            RevocationOutcome::Revoked
        } else {
            RevocationOutcome::Failed(failures.join("; "))
        }
    }

    /// Notes a refresh of `stored` that failed for now (`rejected`: after the upstream refused
    /// the token) in the database, for every replica; answers the pause before the next.
    async fn back_off(
        &self,
        stored: &UpstreamTokens,
        error: &OAuthError,
        rejected: bool,
    ) -> Duration {
        let failures = stored
            .refresh_pause
            .as_ref()
            .map_or(0, |pause| pause.failures)
            .saturating_add(1);
        let doublings = u32::try_from(failures - 1).unwrap_or(u32::MAX).min(16);
        let pause = FIRST_REFRESH_BACKOFF
            .saturating_mul(2u32.saturating_pow(doublings))
            .min(MAX_REFRESH_BACKOFF);
        let until = now_ms().saturating_add(i64::try_from(pause.as_millis()).unwrap_or(i64::MAX));
        let written = self
            .store
            .pause_upstream_refresh(
                stored,
                &RefreshPause {
                    failures,
                    until,
                    failure_class: failure_class(error),
                    rejected,
                },
            )
            .await;
        match written {
            Ok(true) => {}
            // Another request or replica paused or refreshed first: its row stands.
            Ok(false) => tracing::debug!(server = %stored.server_id, "refresh pause already noted"),
            Err(store_error) => {
                tracing::warn!(error = %store_error, "refresh pause not recorded");
            }
        }
        pause
    }

    /// The upstream refused the token of a paused `stored`: not sent again during the pause.
    async fn note_rejected(&self, stored: &UpstreamTokens) {
        if let Err(store_error) = self.store.note_upstream_token_rejected(stored).await {
            tracing::warn!(error = %store_error, "refused token during a pause not recorded");
        }
    }

    /// Refreshes `stored` unless the row moved on meanwhile (then the newer row is used).
    /// `rejected`: the upstream refused its access token.
    async fn refresh(
        &self,
        stored: UpstreamTokens,
        rejected: bool,
    ) -> Result<UpstreamToken, UpstreamTokenError> {
        let key = (stored.server_id.clone(), stored.group_id.clone());
        let turn = self
            .refreshing
            .lock()
            .map(|mut locks| locks.entry(key.clone()).or_default().clone())
            .unwrap_or_default();
        let _turn = turn.lock().await;
        let (server_id, group_id) = (&key.0, &key.1);
        // Another request of this replica (or another replica) may have refreshed while this
        // one waited: the newer row wins.
        let current = self.read(server_id, group_id).await?;
        if current.generation != stored.generation {
            return usable(current);
        }
        // A request that waited for the turn of one that just failed for now (on this replica
        // or another) keeps its pause.
        if let Some(paused) = backing_off(&current) {
            return Err(retrying(&current, &paused));
        }
        let Some(refresh_token) = current.refresh_token.clone() else {
            return Err(refresh_failed(
                &current,
                "the authorization server granted no refresh token",
            ));
        };
        let server = self
            .store
            .get_mcp_server(server_id)
            .await
            .map_err(|error| UpstreamTokenError::Unavailable {
                server: server_id.clone(),
                reason: error.to_string(),
            })?;
        let refreshed = oauth_client(&server)
            .refresh(
                &current.source.token_endpoint,
                &credentials_of(&current.source),
                &refresh_token,
                &current.source.resource,
            )
            .await;
        let grant = match refreshed {
            Ok(grant) => grant,
            Err(error) if error.kind == OAuthFailure::Transient => {
                let pause = self.back_off(&current, &error, rejected).await;
                tracing::warn!(
                    server = %server_id,
                    group = %group_id,
                    error = %error,
                    retry_in = ?pause,
                    "upstream token refresh failed for now; tokens kept"
                );
                let paused = Paused {
                    remaining: pause,
                    reason: error.message,
                    rejected,
                };
                return Err(retrying(&current, &paused));
            }
            Err(error) => {
                tracing::warn!(
                    server = %server_id,
                    group = %group_id,
                    error = %error,
                    "upstream token refresh refused; the group must be authorized again"
                );
                if let Err(store_error) = self
                    .store
                    .record_upstream_refresh_error(&current, &error.message)
                    .await
                {
                    tracing::warn!(error = %store_error, "refresh failure not recorded");
                }
                return Err(refresh_failed(&current, &error.message));
            }
        };
        let scopes = grant
            .scope
            .clone()
            .unwrap_or_else(|| current.scopes.clone());
        let written = self
            .store
            .replace_upstream_tokens(&current, &stored_grant(&grant, &scopes))
            .await
            .map_err(|error| unavailable(server_id, error))?;
        if written {
            tracing::debug!(server = %server_id, group = %group_id, "upstream token refreshed");
            let expires_at_ms = expires_at(&grant);
            return Ok(UpstreamToken {
                access_token: grant.access_token,
                expires_at_ms,
            });
        }
        // Someone wrote a newer row between our read and our write: theirs stays.
        usable(self.read(server_id, group_id).await?)
    }

    async fn read(
        &self,
        server_id: &str,
        group_id: &str,
    ) -> Result<UpstreamTokens, UpstreamTokenError> {
        self.store
            .upstream_tokens(server_id, group_id)
            .await
            .map_err(|error| unavailable(server_id, error))?
            .ok_or_else(|| UpstreamTokenError::NotAuthorized {
                server: server_id.to_owned(),
                group: group_id.to_owned(),
            })
    }
}

#[async_trait]
impl UpstreamTokenSource for UpstreamAuthorizations {
    async fn access_token(
        &self,
        server_id: &str,
        group_id: &str,
    ) -> Result<UpstreamToken, UpstreamTokenError> {
        let stored = self.read(server_id, group_id).await?;
        let expiring = stored
            .expires_at
            .is_some_and(|expires| expires <= now_ms() + REFRESH_AHEAD_MS);
        // After a refused refresh the admin authorizes again: no retry on every call.
        if stored.refresh_error.is_some() {
            return usable(stored);
        }
        // A refresh that failed for now is not tried again before its pause ends; meanwhile
        // the stored token goes out while it lasts, unless the upstream refused it.
        if let Some(paused) = backing_off(&stored) {
            if paused.rejected {
                return Err(retrying(&stored, &paused));
            }
            return usable(stored.clone()).map_err(|_| retrying(&stored, &paused));
        }
        if !expiring {
            return usable(stored);
        }
        match self.refresh(stored.clone(), false).await {
            Err(error @ UpstreamTokenError::RefreshRetrying { .. }) => {
                usable(stored).map_err(|_| error)
            }
            refreshed => refreshed,
        }
    }

    async fn after_rejection(
        &self,
        server_id: &str,
        group_id: &str,
        rejected: &str,
    ) -> Result<UpstreamToken, UpstreamTokenError> {
        let stored = self.read(server_id, group_id).await?;
        if stored.access_token != rejected {
            // Already replaced (another request or replica refreshed): try the new one.
            return usable(stored);
        }
        if let Some(paused) = backing_off(&stored) {
            self.note_rejected(&stored).await;
            return Err(retrying(&stored, &paused));
        }
        self.refresh(stored, true).await
    }
}

/// The revocation endpoint of an authorization stored before it was kept with the tokens:
/// discovered from the upstream's metadata (RFC 9728, then RFC 8414) as an authorization
/// starts. Only when the server found is the one that issued the tokens (same token
/// endpoint): the tokens and the client secret go nowhere else.
async fn discover_revocation_endpoint(
    client: &OAuthClient,
    source: &UpstreamGrantSource,
) -> Result<Option<String>, String> {
    let discovered = client
        .discover(&source.resource)
        .await
        .map_err(|error| format!("revocation endpoint not discovered: {error}"))?;
    let server = discovered.authorization_server;
    if server.token_endpoint != source.token_endpoint {
        return Err(
            "revocation endpoint not discovered: the upstream now names another authorization \
             server than the one that issued the tokens"
                .to_owned(),
        );
    }
    Ok(server.revocation_endpoint)
}

/// How long refreshes of `stored` still pause after failing for now (on any replica); `None`
/// when one may be tried.
fn backing_off(stored: &UpstreamTokens) -> Option<Paused> {
    let pause = stored.refresh_pause.as_ref()?;
    let remaining = u64::try_from(pause.until.saturating_sub(now_ms()))
        .ok()
        .filter(|millis| *millis > 0)?;
    Some(Paused {
        remaining: Duration::from_millis(remaining),
        reason: format!("the last refresh failed for now ({})", pause.failure_class),
        rejected: pause.rejected,
    })
}

/// What kind of failure for now `error` was, for the stored pause: the authorization server's
/// status, or none at all. Never the answer's text, which might quote what it was sent.
fn failure_class(error: &OAuthError) -> String {
    match error.status {
        Some(status) => format!("HTTP {status}"),
        None => "no usable answer (unreachable, timed out or unreadable)".to_owned(),
    }
}

/// The stored token when it may be sent: not after a failed refresh, not past its expiry.
fn usable(stored: UpstreamTokens) -> Result<UpstreamToken, UpstreamTokenError> {
    if let Some(reason) = &stored.refresh_error {
        return Err(refresh_failed(&stored, reason));
    }
    if stored.expires_at.is_some_and(|expires| expires <= now_ms()) {
        return Err(refresh_failed(&stored, "the access token expired"));
    }
    Ok(UpstreamToken {
        access_token: stored.access_token,
        expires_at_ms: stored.expires_at,
    })
}

fn refresh_failed(stored: &UpstreamTokens, reason: &str) -> UpstreamTokenError {
    UpstreamTokenError::RefreshFailed {
        server: stored.server_id.clone(),
        group: stored.group_id.clone(),
        reason: reason.to_owned(),
    }
}

fn retrying(stored: &UpstreamTokens, paused: &Paused) -> UpstreamTokenError {
    let pause = paused.remaining;
    UpstreamTokenError::RefreshRetrying {
        server: stored.server_id.clone(),
        group: stored.group_id.clone(),
        reason: paused.reason.clone(),
        retry_in_seconds: pause.as_secs() + u64::from(pause.subsec_nanos() > 0),
    }
}

fn unavailable(server_id: &str, error: StoreError) -> UpstreamTokenError {
    UpstreamTokenError::Unavailable {
        server: server_id.to_owned(),
        reason: error.to_string(),
    }
}

/// Whether a caller of `group_id` may use `server` at all (public, or the group's own).
fn offered_to(server: &McpServer, group_id: &str) -> bool {
    match server.scope {
        McpScope::Public => true,
        McpScope::Group => server.group_id.as_deref() == Some(group_id),
    }
}

/// The OAuth client under the server's address policy.
fn oauth_client(server: &McpServer) -> OAuthClient {
    let block_private_network = matches!(
        server.kind,
        McpServerKind::ProxyStreamable | McpServerKind::ProxySse
    ) && server
        .params
        .get(BLOCK_PRIVATE_NETWORK_PARAM)
        .is_some_and(|value| value.trim().eq_ignore_ascii_case("true"));
    OAuthClient::new(block_private_network)
}

/// An admin-registered client: a secret is sent the way the server's metadata prefers
/// (`client_secret_post` only when it lists it and not Basic, RFC 8414's default).
fn configured_client(
    client_id: &str,
    client_secret: &str,
    server: &mcp::upstream_oauth::AuthorizationServer,
) -> ClientCredentials {
    let auth = if client_secret.is_empty() {
        ClientAuth::None
    } else {
        match &server.token_endpoint_auth_methods_supported {
            Some(methods)
                if methods.iter().any(|method| method == "client_secret_post")
                    && !methods.iter().any(|method| method == "client_secret_basic") =>
            {
                ClientAuth::Post
            }
            _ => ClientAuth::Basic,
        }
    };
    ClientCredentials {
        client_id: client_id.trim().to_owned(),
        client_secret: (!client_secret.is_empty()).then(|| client_secret.to_owned()),
        auth,
    }
}

fn credentials_of(source: &UpstreamGrantSource) -> ClientCredentials {
    ClientCredentials {
        client_id: source.client_id.clone(),
        client_secret: source.client_secret.clone(),
        auth: ClientAuth::parse(&source.client_auth).unwrap_or(ClientAuth::None),
    }
}

fn expires_at(grant: &TokenGrant) -> Option<i64> {
    grant
        .expires_in
        .filter(|seconds| *seconds > 0)
        .map(|seconds| now_ms().saturating_add(seconds.saturating_mul(1000)))
}

fn stored_grant<'a>(grant: &'a TokenGrant, scopes: &'a str) -> UpstreamGrant<'a> {
    UpstreamGrant {
        access_token: &grant.access_token,
        refresh_token: grant.refresh_token.as_deref(),
        expires_at: expires_at(grant),
        scopes,
    }
}

/// The state is stored hashed: a database read does not give away a usable state.
fn state_hash(state: &str) -> String {
    hex::encode(sha2::Sha256::digest(state.as_bytes()))
}
