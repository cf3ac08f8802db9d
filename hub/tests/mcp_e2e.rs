//! The MCP hub wired into the whole server: servers from the config file, the official mcp Python client over Streamable HTTP and legacy SSE, aggregation and group isolation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

mod support;

use std::path::PathBuf;
use std::process::Command;

use support::TestHub;

const TOKEN: &str = "sk-acme-mcp-0001";
const OTHER_TOKEN: &str = "sk-other-mcp-0001";

async fn hub_with_mcp_servers() -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    let config = format!(
        r#"
groups:
  - id: acme
  - id: other
tokens:
  - group: acme
    name: mcp
    key: {TOKEN}
  - group: other
    name: mcp
    key: {OTHER_TOKEN}
mcp_servers:
  - id: clock
    scope: public
    type: embedded
    template: time
  - id: acme-clock
    scope: group
    group: acme
    type: embedded
    template: time
"#
    );
    let config_path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&config_path, config).unwrap();
    settings.config_file_path = Some(config_path);
    TestHub::start_with(settings, data_dir).await
}

#[tokio::test]
async fn mcp_requests_without_a_token_are_refused() {
    let hub = hub_with_mcp_servers().await;
    let response = reqwest::Client::new()
        .post(hub.url("/mcp/public/clock"))
        .header("accept", "application/json, text/event-stream")
        .json(&serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_mcp_client_works_through_the_gateway() {
    let hub = hub_with_mcp_servers().await;
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/python/test_mcp_sdk.py");
    let base_url = hub.url("");
    let output = tokio::task::spawn_blocking(move || {
        Command::new(support::python())
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
            .arg(script)
            .env("AIPROXY_BASE_URL", base_url)
            .env("AIPROXY_TOKEN", TOKEN)
            .env("AIPROXY_OTHER_TOKEN", OTHER_TOKEN)
            .env("AIPROXY_ADMIN_KEY", support::ADMIN_KEY)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    hub.stop().await.unwrap();
}
