//! The MCP host: the `mcp` crate's contracts implemented on the snapshot and the governor, its admin tools, OAuth access tokens, OpenAPI checks, tool pins and shared sessions.

pub mod admin;
pub mod bridge;
pub mod oauth;
pub mod openapi;
pub mod pins;
pub mod sessions;
