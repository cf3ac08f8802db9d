//! The MCP hub: serves embedded, proxied and OpenAPI-backed MCP servers to the tenants allowed to
//! use them. Knows nothing of SQL, Redis or protobuf; `hub` supplies tenants and server definitions
//! through traits.
//!
//! Code map:
//! - [`directory`]: the traits `hub` implements ([`McpDirectory`], [`ToolCallSink`]) and the
//!   types they speak (callers, allow-lists, server definitions, call records).
//! - [`McpHub`] (`hub.rs`): the axum router: auth, Host/Origin checks, session ownership and
//!   rmcp's Streamable HTTP transport (session era and the stateless 2026-07-28 era).
//! - `direct_reply.rs`: session-era `tools/call` without progress, answered as one JSON reply
//!   without rmcp's session worker (same handler core, same wire shape).
//! - `sse_server.rs`: the legacy HTTP+SSE transport and [`SseSessionRegistry`].
//! - `sessions.rs`: [`SessionStore`], the Streamable HTTP session records replicas share.
//! - `handler.rs`: the one MCP server behind every route (allow-list, admission, aggregation,
//!   reporting).
//! - `gate.rs`: [`ToolCallGate`], the host's say on whether a tool call may spend now.
//! - `templates/`: embedded servers (`time`, `fetch`, `everything`).
//! - `proxy/`: upstream Streamable HTTP (rmcp client; tool calls as direct POSTs on its session,
//!   `direct_call.rs`) and legacy SSE (our client) servers.
//! - `openapi.rs`: OpenAPI-backed servers through `openapi2mcp`.
//! - `admin.rs`: the `aiproxy-admin` tools over [`AdminBackend`], at `/admin`.
//! - `inspect.rs`: [`inspect_server`], a server's tools seen from the host's control plane.
//!
//! Architecture invariant: every request is authenticated and resolved to its servers afresh,
//! so a configuration change (token disabled, allow-list narrowed) applies to open sessions too.

mod admin;
mod backend;
mod config;
mod direct_reply;
pub mod directory;
mod gate;
mod handler;
mod hub;
mod inspect;
mod openapi;
mod proxy;
mod session_limits;
mod sessions;
mod sse_server;
mod templates;

pub use admin::{AdminBackend, AdminError, AdminResource};
pub use config::McpConfig;
pub use directory::{
    McpAllowList, McpAuthError, McpCaller, McpDirectory, OpenApiSource, RemoteEndpoint, Scope,
    ServerDefinition, ServerKind, ToolCallRecord, ToolCallSink, ToolCallStatus, ToolFilter,
};
pub use gate::{
    AdmitAll, AdmitFuture, GateFuture, RefusalReason, ToolCallGate, ToolCallPass, ToolCallRefusal,
    ToolCallRequest,
};
pub use handler::{REFUSED_CODE, TOOL_NAME_SEPARATOR};
pub use hub::{ClientIp, McpHub, McpHubOptions};
pub use inspect::{ServerInspection, ToolSummary, inspect_server};
pub use openapi::{OpenApiCheck, OpenApiError, check_openapi};
pub use proxy::redact_secrets;
pub use sessions::{MemorySessionStore, SessionRecord, SessionStore, SessionStoreError};
pub use sse_server::{
    LocalSseSessions, SseDeliveryError, SseInbound, SseSessionHandle, SseSessionRegistry,
};
pub use templates::{ParamOwner, TemplateError, TemplateInfo, TemplateParam, embedded_templates};
