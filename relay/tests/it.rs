//! The relay's integration tests: the router on in-memory fakes of the host traits, golden conversions.
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

mod balance;
mod bridge;
mod channel_test;
mod cli_tools;
mod fake_channel;
mod golden_convert;
mod golden_convert_stream;
mod golden_providers;
mod hostile_input;
mod log_spans;
mod media_duration;
mod parsers_prop;
mod plugins_cache;
mod plugins_rewrite;
mod plugins_web_search;
mod readme_channel_types;
mod relay;
mod responses_stored;
