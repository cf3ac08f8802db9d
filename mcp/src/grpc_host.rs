//! The host's gRPC client as the MCP service sees it: open an upstream, list its tools, call one, hear a stream's messages.
//!
//! Protobuf stays out of this crate: the host implements these traits with its protobuf stack
//! (`hub` with `grpc2mcp`: descriptors, JSON Schemas, the proto3 JSON codec, HTTP/2 through the
//! SSRF guard) and hands them over in [`crate::McpServiceOptions::grpc`]. What every server
//! shares stays here (`servers/grpc.rs`): the call's deadline and cancellation, progress
//! notifications, tool results and errors; pinning, allow-lists and billing are the handler's.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::{Map, Value};

use crate::host::GrpcSource;

/// Opens gRPC upstreams for servers of type `grpc`.
pub trait GrpcUpstreams: Send + Sync + 'static {
    /// A client of the upstream `source` names, for the server `server_id` (named in its logs).
    /// Called on the request path, so it connects on first use, not here; `timeout` bounds
    /// connecting and each request. `Err` says why the definition cannot serve (bad URL,
    /// metadata, TLS set-up).
    fn open(
        &self,
        server_id: &str,
        source: &GrpcSource,
        timeout: Duration,
    ) -> Result<Arc<dyn GrpcUpstream>, String>;
}

/// One gRPC upstream's tools.
#[async_trait]
pub trait GrpcUpstream: Send + Sync {
    /// Its unary and server-streaming methods as tools, in listing order. `Err` says why its
    /// methods cannot be read (reflection failed, a descriptor set does not decode); the next
    /// listing tries again.
    async fn list_tools(&self) -> Result<Vec<GrpcTool>, String>;

    /// Calls the method behind `tool` with `arguments` (its request in proto3 JSON). `Ok` is
    /// the result's JSON: the response, or a stream's messages as `{"messages": [...],
    /// "truncated": bool}`, each also handed to `messages` as it arrives. Dropping the future
    /// cancels the call upstream.
    async fn call_tool(
        &self,
        tool: &str,
        arguments: Map<String, Value>,
        messages: &dyn GrpcMessages,
    ) -> Result<Value, GrpcCallError>;
}

/// Hears a server-streaming call's messages as they arrive.
#[async_trait]
pub trait GrpcMessages: Send + Sync {
    /// The `count`th message (from 1), as its JSON text. Awaited before the next message is
    /// read.
    async fn message(&self, count: usize, json: String);
}

/// One method as a tool.
#[derive(Debug, Clone, PartialEq)]
pub struct GrpcTool {
    pub name: String,
    pub description: String,
    /// The request message's JSON Schema.
    pub input_schema: Map<String, Value>,
    /// The response's, when it is an object.
    pub output_schema: Option<Map<String, Value>>,
}

/// Why a gRPC call has no result.
#[derive(Debug, thiserror::Error)]
pub enum GrpcCallError {
    /// No method stands behind the name: a JSON-RPC error, as on every server.
    #[error("unknown tool: {0}")]
    UnknownTool(String),
    /// The upstream's methods cannot be read, so no call can be made.
    #[error("{0}")]
    Unavailable(String),
    /// Refused arguments, a gRPC status, an answer that does not decode: the tool's own failure,
    /// answered as a tool error the model reads.
    #[error("{0}")]
    Failed(String),
}
