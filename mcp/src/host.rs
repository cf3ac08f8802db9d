//! The contract between the MCP service and its host: who is calling, which servers they may use, whether a tool call may spend now, where calls are reported.
//!
//! `hub` implements these traits on top of its in-memory configuration snapshot and its shared
//! counters; this crate's tests implement them with small in-memory fakes. Every method is called
//! on the request path: [`McpDirectory`] and [`ToolCallSink`] answer from memory and never wait
//! on a database; [`ToolCallGate`] may wait on the host's shared counters and should be bounded.
//!
//! Admission: the host decides, before a tool runs, whether the caller may spend on it now (rate
//! limits, in-flight limits, quotas, balance), and gets its decision back with the call's record
//! to settle it. This crate only asks; the policy and the counting live in the host. The
//! caller, its auth errors, refusals and reservations are the `tenancy` crate's, shared with the relay.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use tenancy::{AuthError, Caller, Refusal, RefusalKind, Reservation};

/// Resolves tokens to callers and callers to the servers they may reach.
pub trait McpDirectory: Send + Sync + 'static {
    /// Same tokens and rules as the relay. `client_ip` is the address the host decided on
    /// (see [`crate::ClientIp`]).
    fn authenticate(&self, api_key: &str, client_ip: IpAddr) -> Result<Caller, AuthError>;
    /// Public servers plus the caller's group servers, group parameters already merged into each
    /// definition. The service applies the caller's allow-list on top of this list.
    fn servers_for(&self, caller: &Caller) -> Vec<Arc<ServerDefinition>>;

    /// For a server id that [`Self::servers_for`] does not offer `caller`: why, when the host
    /// knows it only as documentation of a server users run elsewhere (a catalogue entry). The
    /// route then answers 404 with this text instead of a bare "server not found".
    fn documentation_only(&self, _caller: &Caller, _server_id: &str) -> Option<String> {
        None
    }
}

/// One MCP server as the host configured it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerDefinition {
    /// Unique across public and group servers; must not contain `__` (the aggregated view's
    /// separator, see [`crate::TOOL_NAME_SEPARATOR`]).
    pub id: String,
    pub scope: Scope,
    /// Shown to clients in `initialize`/`server/discover`; the id when empty.
    pub description: String,
    pub kind: ServerKind,
    /// Names this exact definition together with `id`: live tool servers (upstream connections,
    /// converted OpenAPI documents) are cached by (`id`, `revision`), so the host must change
    /// it whenever anything in the definition changes, group parameters included (`hub` uses
    /// the server's update time, and the group with a digest of its parameters). Empty means
    /// the host keeps no revision: the cache then keys by the whole serialized definition,
    /// which costs a copy of an OpenAPI document per request.
    #[serde(default)]
    pub revision: String,
    /// The tools of this server the caller's group may list and call (its per-tool allow-list,
    /// on top of the token's); `None` allows every tool. A tool left out is hidden from
    /// `tools/list` and refused on `tools/call` as if it did not exist.
    #[serde(default)]
    pub tool_allow: Option<BTreeSet<String>>,
    /// In the aggregated view (`/mcp`) this server's tools, prompts, resources, resource
    /// templates and task ids keep their own names instead of taking the `{id}__` prefix (a
    /// name another unprefixed server shows first stays prefixed; see `unprefixed.rs`). Its
    /// prefixed names work too.
    #[serde(default)]
    pub aggregate_unprefixed: bool,
}

impl ServerDefinition {
    /// Whether the group's per-tool allow-list lets its callers use `tool`.
    pub fn allows_tool(&self, tool: &str) -> bool {
        self.tool_allow
            .as_ref()
            .is_none_or(|allowed| allowed.contains(tool))
    }
}

/// Who a server belongs to; decides the route it is served on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    /// Served at `/public/{id}` to every caller the directory lists it for.
    Public,
    /// Served at `/group/{id}` to callers of this group only.
    Group(String),
}

/// What answers a server's tool calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ServerKind {
    /// A server built into this crate (see [`crate::embedded_templates`]); `params` holds both
    /// admin-set and per-group parameters, already merged.
    Embedded {
        template: String,
        params: BTreeMap<String, String>,
    },
    /// A remote server speaking Streamable HTTP.
    ProxyStreamable(RemoteEndpoint),
    /// A remote server speaking the legacy HTTP+SSE transport (`url` is its SSE endpoint).
    ProxySse(RemoteEndpoint),
    /// An HTTP API described by an OpenAPI document; each operation becomes a tool.
    OpenApi(OpenApiSource),
    /// A virtual server: chosen tools of other servers, renamed, described and with arguments
    /// fixed as the admin composed them (see `servers/composite.rs`).
    Virtual(VirtualComposition),
    /// A gRPC service: each unary and server-streaming method becomes a tool (see
    /// `servers/grpc.rs`, through the host's [`crate::GrpcUpstreams`]).
    Grpc(GrpcSource),
}

/// A gRPC upstream: where it is, how its methods are described, what every call carries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrpcSource {
    /// `http://host:port` (HTTP/2 without TLS) or `https://host:port` (TLS, web PKI roots).
    pub url: String,
    /// Sent as metadata with every call and every reflection request (group secrets such as
    /// `authorization`); binary (`-bin`) keys and values that are not ASCII are refused at call
    /// time.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// An uploaded `FileDescriptorSet` (protobuf bytes, base64): used instead of server
    /// reflection when set.
    #[serde(default)]
    pub descriptor_set: Option<String>,
    /// Lets calls reach loopback and private addresses (cloud metadata stays refused), as
    /// OpenAPI servers do.
    #[serde(default)]
    pub allow_private_network: bool,
}

/// What a virtual server is made of, resolved by the host for the caller's group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VirtualComposition {
    /// The exposed tools, in listing order.
    pub tools: Vec<VirtualTool>,
    /// The exposed prompts, in listing order.
    #[serde(default)]
    pub prompts: Vec<VirtualPrompt>,
    /// The exposed resources and resource templates, in listing order.
    #[serde(default)]
    pub resources: Vec<VirtualResource>,
    /// The servers the tools come from as the caller's group sees them (its parameters merged,
    /// its per-tool allow-list set); a source the group cannot use is absent, and its tools
    /// with it. Never virtual themselves.
    pub sources: Vec<ServerDefinition>,
}

/// One tool of a virtual server: which source tool it is and how it is shown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VirtualTool {
    /// The source server's id.
    pub server: String,
    /// The tool's name on the source server.
    pub tool: String,
    /// The name clients see; the source tool's name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Replaces the source tool's description when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Arguments the gateway sets on every call: removed from the exposed input schema (and
    /// from its `required`), and written over whatever the client sent.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub defaults: serde_json::Map<String, serde_json::Value>,
}

impl VirtualTool {
    /// The name clients see.
    pub fn exposed_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.tool)
    }
}

/// One prompt of a virtual server: which source prompt it is and how it is shown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VirtualPrompt {
    /// The source server's id.
    pub server: String,
    /// The prompt's name on the source server.
    pub prompt: String,
    /// The name clients see; the source prompt's name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Replaces the source prompt's description when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Arguments the gateway sets on every `prompts/get` (prompt arguments are strings): removed
    /// from the listed arguments and written over whatever the client sent.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub defaults: BTreeMap<String, String>,
}

impl VirtualPrompt {
    /// The name clients see.
    pub fn exposed_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.prompt)
    }
}

/// One resource (or resource template) of a virtual server: which source resource it is and
/// how it is shown.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VirtualResource {
    /// The source server's id.
    pub server: String,
    /// The resource's URI on the source server, or its URI template (`{expression}`s).
    pub uri: String,
    /// The URI (or template) clients see; the source's when absent. A template keeps exactly
    /// the source template's expressions: reading `box://day/{date}` for the source
    /// `cal://{date}` reads `cal://2026-01-01` for `box://day/2026-01-01`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposed_uri: Option<String>,
    /// Replaces the source resource's name when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Replaces the source resource's description when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl VirtualResource {
    /// The URI (or template) clients see.
    pub fn exposed(&self) -> &str {
        self.exposed_uri.as_deref().unwrap_or(&self.uri)
    }
}

/// Where a proxied server lives and what to add to every request sent to it (group secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteEndpoint {
    pub url: String,
    pub headers: BTreeMap<String, String>,
    pub query: BTreeMap<String, String>,
    /// Refuses loopback and private addresses too. Off by default because admin-configured
    /// upstreams often live on private hosts; cloud metadata addresses are refused either way.
    #[serde(default)]
    pub block_private_network: bool,
    /// The upstream wants OAuth: each group's request carries the access token the host holds
    /// for that group (see `upstream_auth.rs`), never a client's own token.
    #[serde(default)]
    pub upstream_oauth: bool,
    /// Which revision the proxy speaks upstream: detected unless the admin pinned it.
    #[serde(default)]
    pub revision: UpstreamRevision,
}

/// The MCP revision a Streamable HTTP proxy speaks to its upstream. The legacy HTTP+SSE
/// transport only knows the session era, whatever this says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpstreamRevision {
    /// `server/discover` first, as the 2026-07-28 revision has a client do, and `initialize`
    /// when the upstream does not know it (a session-era server).
    #[default]
    Detect,
    /// `initialize` only: 2025-11-25 and the revisions before it.
    SessionEra,
    /// `server/discover` only: the 2026-07-28 revision, no session.
    Stateless,
}

impl UpstreamRevision {
    /// The admin's setting (`detect`, `2025-11-25` or `session_era`, `2026-07-28` or
    /// `stateless`); `None` for anything else.
    pub fn parse(setting: &str) -> Option<Self> {
        match setting.trim().to_ascii_lowercase().as_str() {
            "" | "detect" => Some(Self::Detect),
            "2025-11-25" | "session_era" => Some(Self::SessionEra),
            "2026-07-28" | "stateless" => Some(Self::Stateless),
            _ => None,
        }
    }
}

/// An OpenAPI-backed server: the document and how to reach the API it describes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenApiSource {
    /// Swagger 2.0 or OpenAPI 3.x, JSON or YAML (see `openapi2mcp`).
    pub document: String,
    /// Overrides the document's first absolute `servers` entry.
    pub base_url: Option<String>,
    /// Sent with every call (group secrets such as an API key header); dropped on a redirect
    /// to another origin.
    pub headers: BTreeMap<String, String>,
    /// Lets calls reach loopback and private addresses (cloud metadata stays refused).
    pub allow_private_network: bool,
    /// Three generic tools (search, describe, call) instead of one per operation, for large APIs.
    pub compact: bool,
    /// Secrets by the name of the document's security scheme they answer (`api_key`,
    /// `bearerAuth`): placed where the scheme says (an API key in its header, query or cookie,
    /// a bearer or OAuth2 token in `Authorization`, `user:password` for basic). A name that is
    /// no scheme of the document is sent as a header of that name (`header:` prefix optional).
    #[serde(default)]
    pub credentials: BTreeMap<String, String>,
    /// Operation ids (or tool names) to expose; empty exposes every operation.
    #[serde(default)]
    pub include_operations: Vec<String>,
    /// Operation ids (or tool names) to hide.
    #[serde(default)]
    pub exclude_operations: Vec<String>,
}

/// Continues a client's W3C trace in a tool call's span. A `tools/call` may carry the trace
/// context in `params._meta` (`traceparent`, `tracestate`: SEP-414, the carrier the MCP semantic
/// conventions name); the host that exports spans reads the values as W3C Trace Context and
/// makes `span` a child of the client's span, ignoring values that do not parse.
pub trait ClientTraces: Send + Sync + 'static {
    fn continue_trace(&self, span: &tracing::Span, traceparent: &str, tracestate: Option<&str>);
}

/// Where every tool call is reported, for logs and billing. Must not block.
pub trait ToolCallSink: Send + Sync + 'static {
    fn record(&self, record: ToolCallRecord);
}

/// One finished (or refused) tool call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCallRecord {
    /// A fresh id per call, also logged with the call's tracing span.
    pub request_id: String,
    pub group_id: String,
    pub token_id: i64,
    pub token_name: String,
    pub server_id: String,
    /// The tool's name on its server (without the aggregated prefix).
    pub tool: String,
    /// For a virtual server's tool, the tool it stands for, as `server/tool`.
    #[serde(default)]
    pub source_tool: Option<String>,
    pub status: ToolCallStatus,
    pub duration: Duration,
    pub started_at: SystemTime,
    /// The caller's address (see [`Caller::client_ip`](tenancy::Caller::client_ip)).
    pub client_ip: Option<IpAddr>,
    /// Present only when the caller's `record_details` is on.
    pub arguments: Option<serde_json::Value>,
    /// Present only when the caller's `record_details` is on.
    pub result: Option<serde_json::Value>,
    /// What the host's [`ToolCallGate`] reserved for the call; stays on this replica.
    #[serde(skip)]
    pub reservation: Option<Reservation>,
}

/// How a tool call ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ToolCallStatus {
    /// The tool ran and returned a result that is not an error.
    Ok,
    /// The tool ran and returned `isError: true`.
    ToolError,
    /// The call failed at the protocol level (unknown tool, upstream unreachable, ...).
    Failed { code: i32, message: String },
    /// The caller's allow-list refused the call.
    Denied,
    /// The host's [`ToolCallGate`] refused the call (a limit, a quota or the balance).
    Refused { kind: RefusalKind, message: String },
    /// The tool is quarantined by its pins (see [`crate::pinning`]): changed or never approved.
    Quarantined { message: String },
}

/// What the host needs to decide on one tool call.
#[derive(Debug, Clone, Copy)]
pub struct ToolCallRequest<'a> {
    pub caller: &'a Caller,
    pub server_id: &'a str,
    /// The tool's name on its server (without the aggregated prefix).
    pub tool: &'a str,
}

/// The host's answer on a tool call: go on (with what it reserved for the call, handed back with
/// the call's [`ToolCallRecord`] so the host can settle it), or the refusal to answer with.
pub type GateFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Option<Reservation>, Refusal>> + Send + 'a>>;

/// The host's answer on a request or a new session: go on, or the refusal to answer with.
pub type AdmitFuture<'a> = Pin<Box<dyn Future<Output = Result<(), Refusal>> + Send + 'a>>;

/// Decides whether a tool call may run. Called once per `tools/call`, after the allow-list and
/// before the tool; may wait on a shared store (the host's counters), and should be bounded.
pub trait ToolCallGate: Send + Sync + 'static {
    fn admit<'a>(&'a self, request: ToolCallRequest<'a>) -> GateFuture<'a>;

    /// Every authenticated MCP request on any route (the admin key's too, with an empty group),
    /// before it is served: the host's address rules (a blocked client address is refused).
    fn admit_request<'a>(&'a self, _caller: &'a Caller, _client_ip: IpAddr) -> AdmitFuture<'a> {
        Box::pin(std::future::ready(Ok(())))
    }

    /// A new session (a Streamable HTTP `initialize` without a session, a legacy SSE stream),
    /// before it is created: counted against the caller's request rate.
    fn admit_session<'a>(&'a self, _caller: &'a Caller) -> AdmitFuture<'a> {
        Box::pin(std::future::ready(Ok(())))
    }

    /// A `tools/list`, which reaches every upstream of its route: counted against the caller's
    /// request rate like a new session.
    fn admit_listing<'a>(&'a self, _caller: &'a Caller) -> AdmitFuture<'a> {
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
