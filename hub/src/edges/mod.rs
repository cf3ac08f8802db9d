//! The edges: everything that faces the network or an operator (the listener, the gRPC control plane, the panel, metrics, status, the config document).

pub mod admin_key;
pub mod cors;
pub mod declarative;
pub mod grpc;
pub mod metrics;
pub mod panel;
pub mod rest;
pub mod server;
pub mod status;
pub mod upstream_oauth_callback;
