//! openapi2mcp's integration tests: documents converted, tool calls built and sent to local servers.
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
mod bad_documents;
mod call;
mod convert;
mod corpus;
mod golden;
mod mutations;
mod request;
