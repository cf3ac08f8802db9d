//! The MCP host: the `mcp` crate's contracts implemented on the snapshot and the governor, its admin tools, OpenAPI checks and shared sessions.

pub mod admin;
pub mod bridge;
pub mod openapi;
pub mod sessions;
