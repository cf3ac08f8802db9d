//! The MCP host: the `mcp` crate's contracts implemented on the snapshot and the governor, its admin tools, OpenAPI checks, tool pins and shared sessions.

pub mod admin;
pub mod bridge;
pub mod openapi;
pub mod pins;
pub mod sessions;
