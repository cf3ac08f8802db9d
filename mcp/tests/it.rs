//! The MCP service's integration tests: the router served on loopback with in-memory fakes of the host traits.
//!
//! One binary for every integration test of the crate, so they link once: each module is the
//! file of the same name beside this one, and `common/` is what they share.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code, helpers included: a failed setup or assertion should fail the test"
)]

mod common;

mod abuse;
mod bridged_tasks;
mod caller_requests;
mod client_traces;
mod conformance;
mod direct_reply;
mod gate;
mod listing_counts;
mod log_levels;
mod offerings;
mod proxy_2026;
mod proxy_2026_listen;
mod python_client;
mod session_bridge;
mod shared_sessions;
mod task_notifications;
mod tasks;
mod tenancy;
mod typescript_client;
mod unprefixed;
mod vendor_templates;
mod virtual_offerings;
mod virtual_servers;
mod virtual_tasks;
mod web_templates;
