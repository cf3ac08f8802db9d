//! The access tokens the gateway holds per group for proxied servers that want OAuth: the host's `UpstreamTokenSource` and the bearer a proxy sends.
//!
//! The host keeps the tokens (in `hub`: the database, so every replica uses the same ones) and
//! refreshes them; a proxy asks for the current token before each upstream request and, when
//! the upstream refuses it (401), asks once for a replacement. The token never appears in an
//! error, a log line or a listing: errors name the server and the group only.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use rmcp::ErrorData;
use rmcp::model::ErrorCode;

/// JSON-RPC error code of a call to a server whose upstream needs an admin to authorize the
/// caller's group first (`data.type` is `upstream_authorization_required`).
pub const UPSTREAM_AUTHORIZATION_REQUIRED: i32 = -32032;

/// An access token for one server and group, and when it stops being valid.
#[derive(Clone, PartialEq, Eq)]
pub struct UpstreamToken {
    pub access_token: String,
    /// Unix milliseconds; `None` when the authorization server did not say.
    pub expires_at_ms: Option<i64>,
}

impl std::fmt::Debug for UpstreamToken {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("UpstreamToken")
            .field("access_token", &"****")
            .field("expires_at_ms", &self.expires_at_ms)
            .finish()
    }
}

/// Why no token can be sent upstream. The texts name the server and group, never a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpstreamTokenError {
    /// No admin authorized this group on this server yet (or the authorization was revoked).
    #[error(
        "mcp server {server} needs authorization by an admin: its upstream wants OAuth and group \
         {group} has not been authorized (McpService.StartMcpUpstreamAuthorization, or Authorize \
         in the panel)"
    )]
    NotAuthorized { server: String, group: String },
    /// The token expired or was refused and could not be refreshed: an admin must authorize
    /// again.
    #[error(
        "mcp server {server} needs authorization by an admin again for group {group}: the \
         upstream token could not be refreshed ({reason})"
    )]
    RefreshFailed {
        server: String,
        group: String,
        reason: String,
    },
    /// A refresh failed for now (the authorization server was unreachable, timed out or
    /// answered 5xx or 429) and the token it was to replace is no longer valid: the tokens are
    /// kept and the refresh is tried again after a pause, no admin needed.
    #[error(
        "the upstream token of mcp server {server} for group {group} could not be refreshed \
         for now ({reason}); the gateway tries again in {retry_in_seconds} s"
    )]
    RefreshRetrying {
        server: String,
        group: String,
        reason: String,
        retry_in_seconds: u64,
    },
    /// The token store could not be read.
    #[error("upstream tokens of mcp server {server} are unavailable: {reason}")]
    Unavailable { server: String, reason: String },
}

impl UpstreamTokenError {
    /// The MCP error a caller gets: a clear sentence and `data.type`, never the upstream's 401.
    pub fn to_error_data(&self) -> ErrorData {
        let kind = match self {
            UpstreamTokenError::NotAuthorized { .. } | UpstreamTokenError::RefreshFailed { .. } => {
                "upstream_authorization_required"
            }
            UpstreamTokenError::RefreshRetrying { .. } => "upstream_token_refresh_retrying",
            UpstreamTokenError::Unavailable { .. } => "upstream_tokens_unavailable",
        };
        ErrorData::new(
            ErrorCode(UPSTREAM_AUTHORIZATION_REQUIRED),
            self.to_string(),
            Some(serde_json::json!({ "type": kind })),
        )
    }
}

/// Where a host keeps the upstream tokens of (server, group) pairs.
#[async_trait]
pub trait UpstreamTokenSource: Send + Sync + 'static {
    /// A token to send now: the stored one, refreshed first when it is about to expire.
    async fn access_token(
        &self,
        server_id: &str,
        group_id: &str,
    ) -> Result<UpstreamToken, UpstreamTokenError>;

    /// The upstream refused `rejected` (401): a replacement, refreshed unless another request
    /// (or replica) already replaced it. Called at most once per upstream request.
    async fn after_rejection(
        &self,
        server_id: &str,
        group_id: &str,
        rejected: &str,
    ) -> Result<UpstreamToken, UpstreamTokenError>;
}

/// How long a proxy reuses a token it read before asking the source again: a revocation or
/// another replica's refresh is seen within this time, and busy proxies do not read the store
/// on every request.
const REUSE_FOR: Duration = Duration::from_secs(2);

/// A token is not reused this close to its expiry (the source refreshes it first).
const EXPIRY_MARGIN_MS: i64 = 60_000;

/// The bearer one proxy (one server, one group) sends upstream.
pub(crate) struct UpstreamBearer {
    source: Arc<dyn UpstreamTokenSource>,
    server_id: String,
    group_id: String,
    recent: Mutex<Option<(UpstreamToken, Instant)>>,
}

impl UpstreamBearer {
    pub fn new(source: Arc<dyn UpstreamTokenSource>, server_id: &str, group_id: &str) -> Self {
        Self {
            source,
            server_id: server_id.to_owned(),
            group_id: group_id.to_owned(),
            recent: Mutex::new(None),
        }
    }

    /// The access token to send now.
    pub async fn current(&self) -> Result<String, UpstreamTokenError> {
        if let Some(token) = self.reusable() {
            return Ok(token);
        }
        let token = self
            .source
            .access_token(&self.server_id, &self.group_id)
            .await;
        self.remember(token)
    }

    /// The token to retry with after the upstream refused `rejected`.
    pub async fn after_rejection(&self, rejected: &str) -> Result<String, UpstreamTokenError> {
        let token = self
            .source
            .after_rejection(&self.server_id, &self.group_id, rejected)
            .await;
        self.remember(token)
    }

    fn reusable(&self) -> Option<String> {
        let recent = self.recent.lock().ok()?;
        let (token, read_at) = recent.as_ref()?;
        let fresh = read_at.elapsed() < REUSE_FOR;
        let valid = token
            .expires_at_ms
            .is_none_or(|expires| now_ms() + EXPIRY_MARGIN_MS < expires);
        (fresh && valid).then(|| token.access_token.clone())
    }

    fn remember(
        &self,
        token: Result<UpstreamToken, UpstreamTokenError>,
    ) -> Result<String, UpstreamTokenError> {
        let mut recent = self.recent.lock().ok();
        match token {
            Ok(token) => {
                let access_token = token.access_token.clone();
                if let Some(recent) = recent.as_mut() {
                    **recent = Some((token, Instant::now()));
                }
                Ok(access_token)
            }
            Err(error) => {
                if let Some(recent) = recent.as_mut() {
                    **recent = None;
                }
                Err(error)
            }
        }
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Counting {
        reads: AtomicUsize,
        expires_at_ms: Option<i64>,
    }

    #[async_trait]
    impl UpstreamTokenSource for Counting {
        async fn access_token(
            &self,
            _server_id: &str,
            _group_id: &str,
        ) -> Result<UpstreamToken, UpstreamTokenError> {
            let read = self.reads.fetch_add(1, Ordering::SeqCst);
            Ok(UpstreamToken {
                access_token: format!("token-{read}"),
                expires_at_ms: self.expires_at_ms,
            })
        }

        async fn after_rejection(
            &self,
            server: &str,
            group: &str,
            _rejected: &str,
        ) -> Result<UpstreamToken, UpstreamTokenError> {
            Err(UpstreamTokenError::NotAuthorized {
                server: server.to_owned(),
                group: group.to_owned(),
            })
        }
    }

    #[tokio::test]
    async fn a_token_is_reused_briefly_unless_it_is_about_to_expire() {
        let lasting = Arc::new(Counting {
            reads: AtomicUsize::new(0),
            expires_at_ms: None,
        });
        let bearer = UpstreamBearer::new(lasting.clone(), "s", "g");
        assert_eq!(bearer.current().await.unwrap(), "token-0");
        assert_eq!(bearer.current().await.unwrap(), "token-0");
        assert_eq!(lasting.reads.load(Ordering::SeqCst), 1);

        let expiring = Arc::new(Counting {
            reads: AtomicUsize::new(0),
            expires_at_ms: Some(now_ms() + 1_000),
        });
        let bearer = UpstreamBearer::new(expiring.clone(), "s", "g");
        assert_eq!(bearer.current().await.unwrap(), "token-0");
        assert_eq!(bearer.current().await.unwrap(), "token-1");
    }

    #[tokio::test]
    async fn a_refusal_forgets_the_token_and_says_what_to_do() {
        let source = Arc::new(Counting {
            reads: AtomicUsize::new(0),
            expires_at_ms: None,
        });
        let bearer = UpstreamBearer::new(source.clone(), "docs", "acme");
        bearer.current().await.unwrap();
        let error = bearer.after_rejection("token-0").await.unwrap_err();
        let data = error.to_error_data();
        assert_eq!(data.code.0, UPSTREAM_AUTHORIZATION_REQUIRED);
        assert!(data.message.contains("needs authorization by an admin"));
        assert!(data.message.contains("acme"));
        assert_eq!(bearer.current().await.unwrap(), "token-1");
    }
}
