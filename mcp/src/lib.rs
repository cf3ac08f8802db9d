//! The MCP service: serves embedded, proxied and OpenAPI-backed MCP servers to the tenants allowed to use them.
//!
//! Knows nothing of SQL, Redis or protobuf; `hub` supplies tenants, server definitions and its
//! gRPC client through traits.
//!
//! Code map:
//! - `host.rs`: the contract `hub` implements ([`McpDirectory`], [`ToolCallGate`],
//!   [`ToolCallSink`]) and the types it speaks (server definitions, admission, call records);
//!   the caller, its allow-list, auth errors, refusals and reservations are the `tenancy`
//!   crate's, shared with the relay.
//! - [`McpService`] (`service.rs`): the service state, built from the host's parts; authentication,
//!   route-to-server resolution, session ownership and rmcp's Streamable HTTP transport (session
//!   era and the stateless 2026-07-28 era).
//! - `router.rs`: [`McpService::router`], the routes and the Host/Origin guard in front of them;
//!   `param_headers.rs`: a 2026-07-28 `tools/call`'s `Mcp-Param-*` headers checked against the
//!   tool's schema (SEP-2243).
//! - `resolved.rs`: [`ResolvedServer`], one server the host resolved and authorized itself
//!   (the admin's test routes) served on both transports.
//! - `direct_reply.rs`: session-era `tools/call` answered without rmcp's session worker, as one
//!   JSON reply or an SSE reply carrying the call's progress then its result (same handler core,
//!   same wire shape).
//! - `sse_server.rs`: the legacy HTTP+SSE transport; `sse_sessions.rs`:
//!   [`SseSessionRegistry`], how a `POST /message` reaches its session on any replica.
//! - `sessions.rs`: [`SessionStore`], the Streamable HTTP session records replicas share;
//!   `session_limits.rs`: the sessions each token holds open on this replica.
//! - `handler.rs`: the one MCP server behind every route (allow-list, admission, aggregation,
//!   reporting); `tasks/`: task-augmented tool calls (SEP-2663) of the servers the gateway runs
//!   itself, their state per server and owner, and `tasks/get|update|cancel`; `offerings.rs`: resources, prompts and completions on a route (merged and
//!   prefixed in the aggregated view, allow-listed, recorded) and the capabilities it offers.
//! - `unprefixed.rs`: servers served unprefixed in the aggregated view, which of their names
//!   they keep (the first by id wins a shared one) and which server a bare name belongs to;
//!   `log_level.rs`: a session-era caller's `logging/setLevel`, kept per session by the
//!   transports and applied to what its session is sent.
//! - `tool_server.rs`: the contract every tool server implements (list tools, call one, reach
//!   the caller mid-call; resources, prompts and completions where it offers them);
//!   `caller_requests.rs`: what a caller can be asked mid-call (sampling, elicitation, roots)
//!   and asking it on the call's own stream.
//! - `servers/`: builds and caches the tool server of each definition by its kind:
//!   `templates/` (embedded servers, one file each plus a registry line), `proxy/` (upstream
//!   Streamable HTTP through rmcp's client, tool calls as direct POSTs on its session in
//!   `direct_call.rs`; legacy SSE through our client), `openapi.rs` (through `openapi2mcp`) and
//!   `composite.rs` (virtual servers over other servers' tools) with `composite_offerings.rs`
//!   (their prompts and resources) and `uri_template.rs` (matching and renaming URI templates),
//!   `grpc.rs` (gRPC upstreams through the host's [`GrpcUpstreams`]).
//! - `grpc_host.rs`: [`GrpcUpstreams`] and [`GrpcUpstream`], the host's gRPC client (`hub`
//!   implements them with `grpc2mcp`, so protobuf stays out of this crate).
//! - `auth.rs`: OAuth 2.1 for MCP clients: RFC 9728 metadata, the 401 challenge, and
//!   [`AccessTokenVerifier`], the host's check of an access token (API keys keep working).
//! - `upstream_auth.rs`: [`UpstreamTokenSource`], the host's access tokens per group for
//!   proxied servers that want OAuth, and the bearer a proxy sends; `upstream_oauth.rs`: the
//!   gateway as those upstreams' OAuth client (discovery, registration, PKCE, token grants).
//! - `admin.rs`: the `aiproxy-admin` tools over [`AdminHost`], at `/admin`.
//! - `inspect.rs`: [`inspect_server`] and [`inspect_offerings`], a server's tools, prompts and
//!   resources seen from the host's control plane, as a group ([`InspectAs`]).
//! - `pinning/`: tool pinning against rug pulls ([`pinning::review`] of a listing against the
//!   host's [`pinning::ToolPins`], calls to quarantined tools refused) and the poisoning scan
//!   of descriptions (`pinning/scan.rs`); `pinning/canonical.rs` hashes a tool's definition.
//! - `config.rs`: [`McpConfig`], the service's own limits and allowed hosts and origins.
//!
//! Architecture invariant: every request is authenticated and resolved to its servers afresh,
//! so a configuration change (token disabled, allow-list narrowed) applies to open sessions too.
//! The one exception is a [`ResolvedServer`]: the host authorizes each of its requests itself,
//! and a legacy SSE stream to one serves the definition it was opened with.

mod admin;
mod auth;
mod caller_requests;
mod config;
mod direct_reply;
mod grpc_host;
mod handler;
mod host;
mod inspect;
mod log_level;
mod offerings;
mod param_headers;
pub mod pinning;
mod resolved;
mod router;
mod servers;
mod service;
mod session_limits;
mod sessions;
mod sse_server;
mod sse_sessions;
mod tasks;
mod tool_call_span;
mod tool_server;
mod unprefixed;
mod upstream_auth;
pub mod upstream_oauth;

pub use admin::{AdminCaller, AdminError, AdminHost, AdminIdentity, AdminResource};
pub use auth::{
    AccessTokenError, AccessTokenVerifier, McpOAuth, PROTECTED_RESOURCE_WELL_KNOWN,
    ProtectedResource, SCOPE_ALL_SERVERS, VerifyFuture,
};
pub use config::{DEFAULT_OPENAPI_COMPACT_ABOVE_BYTES, McpConfig};
pub use grpc_host::{GrpcCallError, GrpcMessages, GrpcTool, GrpcUpstream, GrpcUpstreams};
pub use handler::{REFUSED_CODE, TOOL_NAME_SEPARATOR};
pub use host::{
    AdmitAll, AdmitFuture, ClientTraces, GateFuture, GrpcSource, McpDirectory, OpenApiSource,
    RemoteEndpoint, Scope, ServerDefinition, ServerKind, ToolCallGate, ToolCallRecord,
    ToolCallRequest, ToolCallSink, ToolCallStatus, UpstreamRevision, VirtualComposition,
    VirtualPrompt, VirtualResource, VirtualTool,
};
pub use inspect::{
    InspectAs, OfferingsInspection, PromptSummary, ResourceSummary, ServerInspection, ToolSummary,
    inspect_offerings, inspect_server,
};
pub use offerings::AGGREGATED_URI_SCHEME;
pub use resolved::{ResolvedServer, embedded_definition};
pub use router::origin_allowed;
pub use servers::{
    Catalogue, OpenApiCheck, OpenApiError, ParamOwner, TemplateError, TemplateInfo, TemplateParam,
    check_openapi, embedded_templates, redact_secrets, uri_template,
};
pub use service::{ClientIp, McpService, McpServiceOptions};
pub use sessions::{MemorySessionStore, SessionRecord, SessionStore, SessionStoreError};
pub use sse_sessions::{
    LocalSseSessions, SseDeliveryError, SseInbound, SseSessionHandle, SseSessionRegistry,
};
pub use tasks::TaskLimits;
pub use upstream_auth::{
    UPSTREAM_AUTHORIZATION_REQUIRED, UpstreamToken, UpstreamTokenError, UpstreamTokenSource,
};
