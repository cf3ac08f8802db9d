//! The hub's integration tests: the whole server booted on port 0, driven over HTTP, gRPC and MCP.
//!
//! One binary for every integration test of the crate, so they link once: each module is the
//! file of the same name beside this one, and `support/` is what they share.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code, helpers included: a failed setup or assertion should fail the test"
)]

mod support;

mod abuse_config;
mod abuse_listener;
mod abuse_mcp;
mod abuse_relay;
mod admin_access;
mod alerts;
mod ambient_proxy;
mod billing;
mod billing_views;
mod channel_balances;
mod channel_operations;
mod channel_tests;
mod channel_thresholds;
mod clis;
mod connect_json;
mod control_plane;
mod control_plane_python;
mod control_plane_typescript;
mod cors;
mod dashscope_audio;
mod documents;
mod gemini_embeddings;
mod gemini_media;
mod gemini_operations;
mod governance;
mod import_seed;
mod latency_percentiles;
mod limit_holds;
mod limits;
mod log_disk_full;
mod log_journal;
mod log_outage;
mod log_sigkill;
mod log_writer;
mod logs;
mod mcp_catalogue;
mod mcp_control;
mod mcp_e2e;
mod mcp_governance;
mod mcp_grpc;
mod mcp_oauth;
mod mcp_offerings;
mod mcp_openapi;
mod mcp_openapi_compact;
mod mcp_openapi_large;
mod mcp_pinning;
mod mcp_replicas;
mod mcp_required_params;
mod mcp_try_it;
mod mcp_upstream_oauth;
mod mcp_usage;
mod mcp_virtual;
mod media_billing;
mod media_reservations;
mod memory_bounds;
mod metrics;
mod model_catalogue;
mod native_videos;
mod options;
mod otlp;
mod panel;
mod panel_browser;
mod panel_mcp_review;
mod panel_operations;
mod plugin_cache;
mod plugins_billing;
mod plugins_config;
mod plugins_python;
mod price_tiers;
mod provider_baidu;
mod provider_bedrock;
mod provider_cohere;
mod provider_coze;
mod provider_faces;
mod provider_ollama;
mod provider_vertex;
mod quick_start;
mod redis_outage;
mod relay_e2e;
mod relay_protocols;
mod replicas;
mod responses_index;
mod rest_admin;
mod rest_admin_catalogue;
mod rest_admin_extras;
mod rest_mcp_try;
mod rest_openapi;
mod secrets;
mod server;
mod shutdown_under_load;
mod soak;
mod store;
mod store_declarative;
mod tidy;
mod trace_context;
mod vendor_channels;
mod vertex_veo;
mod video_holds;
mod video_tasks;
mod videos;
