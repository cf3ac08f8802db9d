//! The `mcp_upstream_tokens` and `mcp_upstream_auth_requests` tables: each group's OAuth tokens for a proxied server, and the authorizations started for them.
//!
//! Tokens are not configuration: they are written without a configuration revision (no replica
//! reloads its snapshot for a refresh) and read from the database on use, so every replica
//! sends the newest. Tokens, client secrets and PKCE verifiers are sealed at rest. The pause
//! after a refresh that failed for now is kept with the tokens, so every replica honours it.

use sqlx::any::AnyRow;

use super::{Store, StoreError, now_ms, rows};

const COLUMN_ACCESS: &str = "mcp_upstream_tokens.access_token";
const COLUMN_REFRESH: &str = "mcp_upstream_tokens.refresh_token";
const COLUMN_SECRET: &str = "mcp_upstream_tokens.client_secret";
const COLUMN_VERIFIER: &str = "mcp_upstream_auth_requests.code_verifier";
const COLUMN_REQUEST_SECRET: &str = "mcp_upstream_auth_requests.client_secret";

/// The gateway's client at an authorization server and where its tokens come from: what a
/// refresh needs besides the refresh token.
#[derive(Clone, PartialEq, Eq)]
pub struct UpstreamGrantSource {
    pub token_endpoint: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// `none`, `client_secret_basic` or `client_secret_post`.
    pub client_auth: String,
    /// The upstream MCP URL (RFC 8707 `resource`).
    pub resource: String,
    /// The authorization server's RFC 7009 endpoint, when it offers one.
    pub revocation_endpoint: Option<String>,
}

/// One group's tokens for one server. `Debug` shows no secret.
#[derive(Clone, PartialEq, Eq)]
pub struct UpstreamTokens {
    pub server_id: String,
    pub group_id: String,
    pub access_token: String,
    pub refresh_token: Option<String>,
    /// Unix ms; `None` when the authorization server did not say.
    pub expires_at: Option<i64>,
    /// Space separated, as granted.
    pub scopes: String,
    pub source: UpstreamGrantSource,
    /// Why the last refresh failed; `None` when it did not.
    pub refresh_error: Option<String>,
    /// The pause after refreshes that failed for now, in a row; `None` since the last
    /// success or authorization.
    pub refresh_pause: Option<RefreshPause>,
    /// Grows by one with every write: the compare-and-set of refreshes.
    pub generation: i64,
    pub authorized_at: i64,
    pub updated_at: i64,
}

impl std::fmt::Debug for UpstreamTokens {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("UpstreamTokens")
            .field("server_id", &self.server_id)
            .field("group_id", &self.group_id)
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .field("generation", &self.generation)
            .field("refresh_pause", &self.refresh_pause)
            .finish_non_exhaustive()
    }
}

/// Refreshes of one row that failed for now (unreachable, timeout, 5xx, 429), in a row: no
/// replica tries again before `until`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshPause {
    pub failures: i64,
    /// Unix ms.
    pub until: i64,
    /// What kind of failure the last one was (an HTTP status or no usable answer), never a
    /// token.
    pub failure_class: String,
    /// The upstream refused the stored access token during the pause: it is not sent again
    /// before the pause ends.
    pub rejected: bool,
}

/// A fresh grant to store over a row (a refresh) or as a new row (an authorization).
pub struct UpstreamGrant<'a> {
    pub access_token: &'a str,
    pub refresh_token: Option<&'a str>,
    pub expires_at: Option<i64>,
    pub scopes: &'a str,
}

/// An authorization an admin started: what the callback needs to finish it.
#[derive(Clone, PartialEq, Eq)]
pub struct UpstreamAuthRequest {
    /// SHA-256 (hex) of the `state` sent to the authorization server.
    pub state_hash: String,
    pub server_id: String,
    pub group_id: String,
    pub code_verifier: String,
    pub redirect_uri: String,
    pub source: UpstreamGrantSource,
    pub scopes: String,
    pub expires_at: i64,
}

impl std::fmt::Debug for UpstreamAuthRequest {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("UpstreamAuthRequest")
            .field("server_id", &self.server_id)
            .field("group_id", &self.group_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

macro_rules! select_tokens {
    ($rest:literal) => {
        concat!(
            "SELECT server_id, group_id, access_token, refresh_token, expires_at, scopes, \
             token_endpoint, client_id, client_secret, client_auth, resource, \
             revocation_endpoint, refresh_error, generation, authorized_at, updated_at, \
             refresh_failures, refresh_paused_until, refresh_failure_class, refresh_rejected \
             FROM mcp_upstream_tokens",
            $rest
        )
    };
}

impl Store {
    /// The tokens of `group_id` for `server_id`, if an admin authorized it.
    pub async fn upstream_tokens(
        &self,
        server_id: &str,
        group_id: &str,
    ) -> Result<Option<UpstreamTokens>, StoreError> {
        let row = sqlx::query(select_tokens!(" WHERE server_id = $1 AND group_id = $2"))
            .bind(server_id.to_owned())
            .bind(group_id.to_owned())
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| self.decode_tokens(&row)).transpose()
    }

    /// Every group's tokens for `server_id`, by group.
    pub async fn upstream_tokens_of_server(
        &self,
        server_id: &str,
    ) -> Result<Vec<UpstreamTokens>, StoreError> {
        let rows = sqlx::query(select_tokens!(" WHERE server_id = $1 ORDER BY group_id"))
            .bind(server_id.to_owned())
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|row| self.decode_tokens(row)).collect()
    }

    /// Stores the tokens of a completed authorization, over any the group held before.
    pub async fn store_upstream_authorization(
        &self,
        (server_id, group_id): (&str, &str),
        source: &UpstreamGrantSource,
        grant: &UpstreamGrant<'_>,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO mcp_upstream_tokens (server_id, group_id, access_token, refresh_token, \
             expires_at, scopes, token_endpoint, client_id, client_secret, client_auth, resource, \
             revocation_endpoint, refresh_error, generation, authorized_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, 1, $13, $13) \
             ON CONFLICT (server_id, group_id) DO UPDATE SET \
             access_token = excluded.access_token, refresh_token = excluded.refresh_token, \
             expires_at = excluded.expires_at, scopes = excluded.scopes, \
             token_endpoint = excluded.token_endpoint, client_id = excluded.client_id, \
             client_secret = excluded.client_secret, client_auth = excluded.client_auth, \
             resource = excluded.resource, revocation_endpoint = excluded.revocation_endpoint, \
             refresh_error = NULL, refresh_failures = 0, refresh_paused_until = NULL, \
             refresh_failure_class = NULL, refresh_rejected = 0, \
             generation = mcp_upstream_tokens.generation + 1, \
             authorized_at = excluded.authorized_at, updated_at = excluded.updated_at",
        )
        .bind(server_id.to_owned())
        .bind(group_id.to_owned())
        .bind(self.sealer.seal(COLUMN_ACCESS, grant.access_token)?)
        .bind(self.sealer.seal_opt(COLUMN_REFRESH, grant.refresh_token)?)
        .bind(grant.expires_at)
        .bind(grant.scopes.to_owned())
        .bind(source.token_endpoint.clone())
        .bind(source.client_id.clone())
        .bind(
            self.sealer
                .seal_opt(COLUMN_SECRET, source.client_secret.as_deref())?,
        )
        .bind(source.client_auth.clone())
        .bind(source.resource.clone())
        .bind(source.revocation_endpoint.clone())
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Writes a refreshed grant over the row if it is still at `generation` (compare-and-set);
    /// `false` when another request or replica wrote first (its tokens are newer: keep them).
    /// A grant without a refresh token keeps the stored one.
    pub async fn replace_upstream_tokens(
        &self,
        stored: &UpstreamTokens,
        grant: &UpstreamGrant<'_>,
    ) -> Result<bool, StoreError> {
        let refresh_token = grant.refresh_token.or(stored.refresh_token.as_deref());
        let result = sqlx::query(
            "UPDATE mcp_upstream_tokens SET access_token = $1, refresh_token = $2, \
             expires_at = $3, scopes = $4, refresh_error = NULL, refresh_failures = 0, \
             refresh_paused_until = NULL, refresh_failure_class = NULL, refresh_rejected = 0, \
             generation = generation + 1, updated_at = $5 WHERE server_id = $6 AND group_id = $7 AND generation = $8",
        )
        .bind(self.sealer.seal(COLUMN_ACCESS, grant.access_token)?)
        .bind(self.sealer.seal_opt(COLUMN_REFRESH, refresh_token)?)
        .bind(grant.expires_at)
        .bind(grant.scopes.to_owned())
        .bind(now_ms())
        .bind(stored.server_id.clone())
        .bind(stored.group_id.clone())
        .bind(stored.generation)
        .execute(self.pool())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Records why refreshing the row at `generation` failed (not over a newer row).
    pub async fn record_upstream_refresh_error(
        &self,
        stored: &UpstreamTokens,
        reason: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE mcp_upstream_tokens SET refresh_error = $1, refresh_failures = 0, \
             refresh_paused_until = NULL, refresh_failure_class = NULL, refresh_rejected = 0, \
             generation = generation + 1, updated_at = $2 WHERE server_id = $3 AND group_id = $4 AND generation = $5",
        )
        .bind(reason.to_owned())
        .bind(now_ms())
        .bind(stored.server_id.clone())
        .bind(stored.group_id.clone())
        .bind(stored.generation)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Pauses refreshing the row at `generation` after a failure for now, unless another
    /// request or replica paused or refreshed it meanwhile (`false`: theirs stands). The
    /// tokens and `generation` stay: the pause belongs to them.
    pub async fn pause_upstream_refresh(
        &self,
        stored: &UpstreamTokens,
        pause: &RefreshPause,
    ) -> Result<bool, StoreError> {
        let failures_before = stored
            .refresh_pause
            .as_ref()
            .map_or(0, |pause| pause.failures);
        let result = sqlx::query(
            "UPDATE mcp_upstream_tokens SET refresh_failures = $1, refresh_paused_until = $2, \
             refresh_failure_class = $3, refresh_rejected = $4 \
             WHERE server_id = $5 AND group_id = $6 AND generation = $7 \
             AND refresh_failures = $8",
        )
        .bind(pause.failures)
        .bind(pause.until)
        .bind(pause.failure_class.clone())
        .bind(rows::bool_int(pause.rejected))
        .bind(stored.server_id.clone())
        .bind(stored.group_id.clone())
        .bind(stored.generation)
        .bind(failures_before)
        .execute(self.pool())
        .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Notes that the upstream refused the access token of the paused row at `generation`.
    pub async fn note_upstream_token_rejected(
        &self,
        stored: &UpstreamTokens,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE mcp_upstream_tokens SET refresh_rejected = 1 WHERE server_id = $1 \
             AND group_id = $2 AND generation = $3 AND refresh_paused_until IS NOT NULL",
        )
        .bind(stored.server_id.clone())
        .bind(stored.group_id.clone())
        .bind(stored.generation)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Forgets the group's tokens for the server; `false` when it held none.
    pub async fn delete_upstream_tokens(
        &self,
        server_id: &str,
        group_id: &str,
    ) -> Result<bool, StoreError> {
        let result =
            sqlx::query("DELETE FROM mcp_upstream_tokens WHERE server_id = $1 AND group_id = $2")
                .bind(server_id.to_owned())
                .bind(group_id.to_owned())
                .execute(self.pool())
                .await?;
        Ok(result.rows_affected() > 0)
    }

    /// Stores a started authorization; expired ones are swept on the way.
    pub async fn insert_upstream_auth_request(
        &self,
        request: &UpstreamAuthRequest,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query("DELETE FROM mcp_upstream_auth_requests WHERE expires_at < $1")
            .bind(now)
            .execute(self.pool())
            .await?;
        sqlx::query(
            "INSERT INTO mcp_upstream_auth_requests (state_hash, server_id, group_id, \
             code_verifier, redirect_uri, token_endpoint, client_id, client_secret, client_auth, \
             resource, revocation_endpoint, scopes, expires_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(request.state_hash.clone())
        .bind(request.server_id.clone())
        .bind(request.group_id.clone())
        .bind(self.sealer.seal(COLUMN_VERIFIER, &request.code_verifier)?)
        .bind(request.redirect_uri.clone())
        .bind(request.source.token_endpoint.clone())
        .bind(request.source.client_id.clone())
        .bind(self.sealer.seal_opt(
            COLUMN_REQUEST_SECRET,
            request.source.client_secret.as_deref(),
        )?)
        .bind(request.source.client_auth.clone())
        .bind(request.source.resource.clone())
        .bind(request.source.revocation_endpoint.clone())
        .bind(request.scopes.clone())
        .bind(request.expires_at)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Takes the authorization started with the state hashing to `state_hash`: at most once
    /// (the row is deleted, and only the request whose delete removed it gets it), and only
    /// before it expires.
    pub async fn take_upstream_auth_request(
        &self,
        state_hash: &str,
    ) -> Result<Option<UpstreamAuthRequest>, StoreError> {
        let row = sqlx::query(
            "SELECT state_hash, server_id, group_id, code_verifier, redirect_uri, token_endpoint, \
             client_id, client_secret, client_auth, resource, revocation_endpoint, scopes, \
             expires_at \
             FROM mcp_upstream_auth_requests WHERE state_hash = $1",
        )
        .bind(state_hash.to_owned())
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let taken = sqlx::query("DELETE FROM mcp_upstream_auth_requests WHERE state_hash = $1")
            .bind(state_hash.to_owned())
            .execute(self.pool())
            .await?;
        if taken.rows_affected() != 1 {
            return Ok(None);
        }
        let request = UpstreamAuthRequest {
            state_hash: rows::text(&row, "state_hash")?,
            server_id: rows::text(&row, "server_id")?,
            group_id: rows::text(&row, "group_id")?,
            code_verifier: self
                .sealer
                .open(COLUMN_VERIFIER, rows::text(&row, "code_verifier")?)?,
            redirect_uri: rows::text(&row, "redirect_uri")?,
            source: UpstreamGrantSource {
                token_endpoint: rows::text(&row, "token_endpoint")?,
                client_id: rows::text(&row, "client_id")?,
                client_secret: self.sealer.open_opt(
                    COLUMN_REQUEST_SECRET,
                    rows::opt_text(&row, "client_secret")?,
                )?,
                client_auth: rows::text(&row, "client_auth")?,
                resource: rows::text(&row, "resource")?,
                revocation_endpoint: rows::opt_text(&row, "revocation_endpoint")?,
            },
            scopes: rows::text(&row, "scopes")?,
            expires_at: rows::int(&row, "expires_at")?,
        };
        Ok((request.expires_at >= now_ms()).then_some(request))
    }

    fn decode_tokens(&self, row: &AnyRow) -> Result<UpstreamTokens, StoreError> {
        Ok(UpstreamTokens {
            server_id: rows::text(row, "server_id")?,
            group_id: rows::text(row, "group_id")?,
            access_token: self
                .sealer
                .open(COLUMN_ACCESS, rows::text(row, "access_token")?)?,
            refresh_token: self
                .sealer
                .open_opt(COLUMN_REFRESH, rows::opt_text(row, "refresh_token")?)?,
            expires_at: rows::opt_int(row, "expires_at")?,
            scopes: rows::text(row, "scopes")?,
            source: UpstreamGrantSource {
                token_endpoint: rows::text(row, "token_endpoint")?,
                client_id: rows::text(row, "client_id")?,
                client_secret: self
                    .sealer
                    .open_opt(COLUMN_SECRET, rows::opt_text(row, "client_secret")?)?,
                client_auth: rows::text(row, "client_auth")?,
                resource: rows::text(row, "resource")?,
                revocation_endpoint: rows::opt_text(row, "revocation_endpoint")?,
            },
            refresh_error: rows::opt_text(row, "refresh_error")?,
            generation: rows::int(row, "generation")?,
            authorized_at: rows::int(row, "authorized_at")?,
            updated_at: rows::int(row, "updated_at")?,
            refresh_pause: match rows::opt_int(row, "refresh_paused_until")? {
                Some(until) => Some(RefreshPause {
                    failures: rows::int(row, "refresh_failures")?,
                    until,
                    failure_class: rows::opt_text(row, "refresh_failure_class")?
                        .unwrap_or_default(),
                    rejected: rows::boolean(row, "refresh_rejected")?,
                }),
                None => None,
            },
        })
    }
}
