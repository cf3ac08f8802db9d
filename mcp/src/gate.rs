//! Admission of tool calls: the host decides, before a tool runs, whether the caller may spend on
//! it now (rate limits, in-flight limits, quotas, balance), and gets its decision back with the
//! call's record to settle it. This crate only asks; the policy and the counting live in the host.

use std::any::Any;
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::directory::McpCaller;

/// What the host needs to decide on one tool call.
#[derive(Debug, Clone, Copy)]
pub struct ToolCallRequest<'a> {
    pub caller: &'a McpCaller,
    pub server_id: &'a str,
    /// The tool's name on its server (without the aggregated prefix).
    pub tool: &'a str,
}

/// An admitted call's reservation, opaque to this crate: handed back to the host with the
/// call's [`crate::ToolCallRecord`], so the host can settle what it reserved.
#[derive(Clone)]
pub struct ToolCallPass(pub Arc<dyn Any + Send + Sync>);

impl std::fmt::Debug for ToolCallPass {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("ToolCallPass(..)")
    }
}

impl PartialEq for ToolCallPass {
    /// Two passes are the same reservation, not two equal-looking ones.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Why a tool call may not run now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RefusalReason {
    /// A requests-per-minute limit is reached; try again after `retry_after`.
    RateLimited,
    /// Too many calls (or requests) of the token or group are running.
    TooManyInFlight,
    /// The token's quota cannot cover the call's price.
    QuotaExhausted,
    /// The group's balance cannot cover the call's price.
    InsufficientBalance,
    /// The address is blocked.
    AddressBlocked,
    /// The limits could not be checked (their store is down): refused rather than unmetered.
    Unavailable,
}

impl RefusalReason {
    /// The stable name clients see in the error's `data.type`, the same words the relay uses.
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalReason::RateLimited => "rate_limit_exceeded",
            RefusalReason::TooManyInFlight => "too_many_concurrent_requests",
            RefusalReason::QuotaExhausted => "quota_exhausted",
            RefusalReason::InsufficientBalance => "insufficient_balance",
            RefusalReason::AddressBlocked => "address_blocked",
            RefusalReason::Unavailable => "limits_unavailable",
        }
    }

    /// The HTTP status the relay would answer with; logged with the refused call.
    pub fn http_status(self) -> u16 {
        match self {
            RefusalReason::RateLimited | RefusalReason::TooManyInFlight => 429,
            RefusalReason::QuotaExhausted | RefusalReason::AddressBlocked => 403,
            RefusalReason::InsufficientBalance => 402,
            RefusalReason::Unavailable => 503,
        }
    }
}

/// A refused tool call: the reason, a message for the caller and when to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCallRefusal {
    pub reason: RefusalReason,
    pub message: String,
    pub retry_after: Option<Duration>,
}

pub type GateFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Option<ToolCallPass>, ToolCallRefusal>> + Send + 'a>>;

/// The host's answer on a request or a new session: go on, or the refusal to answer with.
pub type AdmitFuture<'a> = Pin<Box<dyn Future<Output = Result<(), ToolCallRefusal>> + Send + 'a>>;

/// Decides whether a tool call may run. Called once per `tools/call`, after the allow-list and
/// before the tool; may wait on a shared store (the host's counters), and should be bounded.
pub trait ToolCallGate: Send + Sync + 'static {
    fn admit<'a>(&'a self, request: ToolCallRequest<'a>) -> GateFuture<'a>;

    /// Every authenticated MCP request on any route (the admin key's too, with an empty group),
    /// before it is served: the host's address rules (a blocked client address is refused).
    fn admit_request<'a>(&'a self, _caller: &'a McpCaller, _client_ip: IpAddr) -> AdmitFuture<'a> {
        Box::pin(std::future::ready(Ok(())))
    }

    /// A new session (a Streamable HTTP `initialize` without a session, a legacy SSE stream),
    /// before it is created: counted against the caller's request rate.
    fn admit_session<'a>(&'a self, _caller: &'a McpCaller) -> AdmitFuture<'a> {
        Box::pin(std::future::ready(Ok(())))
    }

    /// A `tools/list`, which reaches every upstream of its route: counted against the caller's
    /// request rate like a new session.
    fn admit_listing<'a>(&'a self, _caller: &'a McpCaller) -> AdmitFuture<'a> {
        Box::pin(std::future::ready(Ok(())))
    }
}

/// Admits every call with no reservation: the default when the host supplies no gate.
#[derive(Debug, Default, Clone, Copy)]
pub struct AdmitAll;

impl ToolCallGate for AdmitAll {
    fn admit<'a>(&'a self, _request: ToolCallRequest<'a>) -> GateFuture<'a> {
        Box::pin(std::future::ready(Ok(None)))
    }
}
