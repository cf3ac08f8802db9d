//! The aiproxy server: storage, configuration, the gRPC control plane, and the one listener that serves relay, MCP and panel. The only crate that knows SQL, Redis, protobuf and sockets.

pub mod changes;
pub mod declarative;
pub mod grpc;
pub mod store;
