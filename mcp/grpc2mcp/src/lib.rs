//! A gRPC service's descriptors in, MCP tool definitions out; tool calls in, unary and server-streaming gRPC calls out. Knows no MCP transport or tenant.
//!
//! Descriptors come from gRPC server reflection (`grpc.reflection.v1`, else `v1alpha`) or from
//! an uploaded `FileDescriptorSet` (`reflection.rs`). Each unary and server-streaming method is
//! one tool (`catalogue.rs`: named `Service_Method`, described by its proto comment through
//! `comments.rs`), its input and output schemas the JSON Schema of its messages in their proto3
//! JSON form (`schema.rs`). A call takes the arguments as proto3 JSON, sends them as the
//! request and answers the response as JSON (`call.rs`); a server-streaming call hands each
//! message to a [`MessageSink`] as it arrives and gathers them, bounded. The network is reached
//! in one place, `transport.rs`: an HTTP/2 channel (h2c or TLS with the web PKI roots) whose
//! every connection goes through the SSRF policy of `openapi2mcp` (loopback and private
//! addresses refused unless allowed, cloud metadata always), with the source's metadata and
//! the deadline on every request; `codec.rs` moves message bodies as bytes.
//!
//! ```text
//! let service = Service::new("inventory", &source, timeout)?;   // once per definition; connects lazily
//! let tools = service.tools().await?;                            // reads the descriptors once
//! let result = service.call("Inventory_GetItem", arguments, &sink).await?;
//! ```

mod call;
mod catalogue;
mod codec;
mod comments;
mod reflection;
mod schema;
mod service;
mod transport;

#[cfg(test)]
mod tests;

pub use call::{CallError, MAX_STREAM_BYTES, MAX_STREAM_MESSAGES, MessageSink};
pub use reflection::ReflectionError;
pub use service::{CheckError, Service, Source, ToolDefinition, check};
pub use transport::TransportError;
