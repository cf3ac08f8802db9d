//! The MCP host: the `mcp` crate's contracts on the snapshot and the governor, admin tools, gRPC, OAuth tokens, upstream OAuth, OpenAPI checks, pins, sessions.

pub mod admin;
pub mod bridge;
pub mod grpc;
pub mod oauth;
pub mod openapi;
pub mod pins;
pub mod sessions;
pub mod upstream_oauth;
