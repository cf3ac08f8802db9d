//! The words relay, mcp and hub share about a tenant's request: the caller, why a key or a request is refused, and the host's opaque reservation.
//!
//! Plain data only: no HTTP, no database, no runtime. `hub` authenticates a key once into one
//! [`Caller`] that both the relay and the MCP service read; its one governor answers both with a
//! [`Refusal`] of one [`RefusalKind`] or a [`Reservation`] that travels with the request's
//! record until the host settles it. Each crate turns these into its own wire answer (an OpenAI,
//! Anthropic or Gemini error for the relay, a JSON-RPC error for MCP) with the same stable codes.

use std::any::Any;
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The authenticated caller of one request, relay or MCP: the token, its group and what they
/// may use. Serializable because the MCP service hands it to another replica together with a
/// legacy SSE message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    pub group_id: String,
    pub token_id: i64,
    pub token_name: String,
    /// Models the token may use through the relay; `None` means every model its group may reach.
    #[serde(default)]
    pub allowed_models: Option<Arc<[String]>>,
    /// Channel sets the group may reach through the relay; empty means the default set only.
    #[serde(default)]
    pub sets: Arc<[String]>,
    /// MCP servers (and tools within them) the token may use; `None` means everything its group
    /// may reach. Shared, so that cloning a caller per request copies no map; named `allow` on
    /// the wire, as it was before the relay's fields joined it.
    #[serde(default, rename = "allow")]
    pub mcp_allow: Option<Arc<McpAllowList>>,
    /// Whether MCP tool call arguments and results are copied into the call's log record.
    #[serde(default)]
    pub record_details: bool,
    /// The address the request came from, as the host decided it behind its trusted proxies;
    /// logged with each MCP tool call.
    #[serde(default)]
    pub client_ip: Option<IpAddr>,
}

impl Caller {
    /// Whether the MCP allow-list lets this caller see `server_id` at all.
    pub fn may_use_server(&self, server_id: &str) -> bool {
        match &self.mcp_allow {
            None => true,
            Some(allow) => allow.servers.contains_key(server_id),
        }
    }

    /// Whether the MCP allow-list lets this caller list and call `tool` of `server_id`.
    pub fn may_use_tool(&self, server_id: &str, tool: &str) -> bool {
        match &self.mcp_allow {
            None => true,
            Some(allow) => match allow.servers.get(server_id) {
                None => false,
                Some(ToolFilter::All) => true,
                Some(ToolFilter::Only(tools)) => tools.contains(tool),
            },
        }
    }
}

/// A token's MCP allow-list: server id to the tools of that server it may call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct McpAllowList {
    pub servers: BTreeMap<String, ToolFilter>,
}

/// Which tools of one allowed server a token may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ToolFilter {
    All,
    Only(BTreeSet<String>),
}

/// Why a presented key was refused. Each maps to one client-facing error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("no api key was presented")]
    Missing,
    #[error("invalid api key")]
    InvalidKey,
    #[error("the api key is disabled")]
    TokenDisabled,
    #[error("the api key has expired")]
    TokenExpired,
    #[error("the api key's group is disabled")]
    GroupDisabled,
    #[error("requests from this address are not allowed for this api key")]
    AddressNotAllowed,
    /// The operator switched serving off (the `DisableServe` option): every key is refused
    /// with 503 until it is switched back on; the control plane stays up.
    #[error("the gateway is under maintenance; try again later")]
    Maintenance,
}

/// Which rule refused a request or a tool call; each maps to one client-facing status and code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefusalKind {
    /// Requests or tokens per minute (429); try again after the refusal's `retry_after`.
    RateLimited,
    /// Too many requests or tool calls of the token or group in flight (429).
    TooManyInFlight,
    /// The token's lifetime or period quota cannot cover the request (403).
    QuotaExhausted,
    /// The group's balance cannot cover the request (402).
    InsufficientBalance,
    /// The client address is blocked (403).
    AddressBlocked,
    /// The limits could not be checked (their store is unreachable): refused rather than
    /// let through unmetered (503).
    Unavailable,
}

impl RefusalKind {
    /// The stable code clients see: the relay's error `code`, MCP's error `data.type`.
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalKind::RateLimited => "rate_limit_exceeded",
            RefusalKind::TooManyInFlight => "too_many_concurrent_requests",
            RefusalKind::QuotaExhausted => "quota_exhausted",
            RefusalKind::InsufficientBalance => "insufficient_balance",
            RefusalKind::AddressBlocked => "address_blocked",
            RefusalKind::Unavailable => "limits_unavailable",
        }
    }

    /// The HTTP status the relay answers with; MCP logs it with the refused call.
    pub fn http_status(self) -> u16 {
        match self {
            RefusalKind::RateLimited | RefusalKind::TooManyInFlight => 429,
            RefusalKind::QuotaExhausted | RefusalKind::AddressBlocked => 403,
            RefusalKind::InsufficientBalance => 402,
            RefusalKind::Unavailable => 503,
        }
    }
}

/// Why the host's governor refused a request or a tool call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub kind: RefusalKind,
    /// Names the limit that refused (for example "the token's daily quota"), never a secret.
    pub message: String,
    pub retry_after: Option<Duration>,
}

/// A reservation made by the host's governor when it admitted a request or a tool call, opaque
/// to relay and mcp: it travels with the usage record and the host downcasts it to settle what
/// it reserved. Cloning shares the one reservation.
#[derive(Clone)]
pub struct Reservation(pub Arc<dyn Any + Send + Sync>);

impl std::fmt::Debug for Reservation {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Reservation(..)")
    }
}

impl PartialEq for Reservation {
    /// Two handles are equal when they share the one reservation, not when two reservations
    /// look alike.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_shipped_by_an_older_replica_still_reads() {
        let older =
            r#"{"group_id":"g","token_id":7,"token_name":"t","allow":null,"record_details":true}"#;
        let caller: Caller = serde_json::from_str(older).unwrap();
        assert_eq!(caller.token_id, 7);
        assert!(caller.record_details);
        assert!(caller.sets.is_empty() && caller.allowed_models.is_none());
        let again: Caller = serde_json::from_str(&serde_json::to_string(&caller).unwrap()).unwrap();
        assert_eq!(again, caller);
    }

    #[test]
    fn reservations_are_equal_only_to_themselves() {
        let one = Reservation(Arc::new(1_u8));
        assert_eq!(one, one.clone());
        assert_ne!(one, Reservation(Arc::new(1_u8)));
    }
}
