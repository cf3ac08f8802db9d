//! Every MCP tool call leaves one request-log row (group, token, server, tool, status, latency) priced at its server's `price_per_call`, which the log writer charges to the group.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

mod support;

use std::str::FromStr;
use std::time::Duration;

use hub::grpc::pb;
use rust_decimal::Decimal;
use serde_json::json;
use support::{TestHub, admin};

const TOKEN: &str = "sk-acme-mcp-usage-0001";

async fn hub_with_a_priced_clock() -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    let config = format!(
        r#"
groups:
  - id: acme
    balance: 10
tokens:
  - group: acme
    name: usage
    key: {TOKEN}
mcp_servers:
  - id: clock
    scope: public
    type: embedded
    template: time
    price_per_call: 0.25
  - id: free-clock
    scope: public
    type: embedded
    template: time
"#
    );
    let config_path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&config_path, config).unwrap();
    settings.config_file_path = Some(config_path);
    TestHub::start_with(settings, data_dir).await
}

/// One stateless (2026-07-28) tools/call; returns the JSON-RPC reply.
async fn call_tool(hub: &TestHub, server: &str, tool: &str) -> serde_json::Value {
    let body = json!({
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/call",
        "params": {
            "name": tool,
            "arguments": {"timezone": "UTC"},
            "_meta": {
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientInfo": {"name": "usage-test", "version": "1"},
                "io.modelcontextprotocol/clientCapabilities": {}
            }
        }
    });
    reqwest::Client::new()
        .post(hub.url(&format!("/mcp/public/{server}")))
        .bearer_auth(TOKEN)
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/call")
        .header("mcp-name", tool)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_tool_call_is_one_log_row_priced_and_charged_to_the_group() {
    let hub = hub_with_a_priced_clock().await;
    for server in ["clock", "clock", "free-clock"] {
        let reply = call_tool(&hub, server, "get_current_time").await;
        assert_eq!(
            reply["result"]["structuredContent"]["timezone"], "UTC",
            "{reply}"
        );
    }
    let mut logs =
        pb::log_service_client::LogServiceClient::new(support::control_channel(&hub).await);
    let mut rows = Vec::new();
    // The writer batches: wait for the three rows.
    for _ in 0..200 {
        rows = logs
            .list_logs(admin(pb::ListLogsRequest {
                filter: Some(pb::LogFilter {
                    group_id: Some("acme".into()),
                    ..pb::LogFilter::default()
                }),
                page_size: 10,
                page_token: String::new(),
            }))
            .await
            .unwrap()
            .into_inner()
            .logs;
        if rows.len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(rows.len(), 3, "{rows:?}");
    let priced: Vec<_> = rows
        .iter()
        .filter(|row| row.endpoint == "/mcp/clock")
        .collect();
    assert_eq!(priced.len(), 2, "{rows:?}");
    for row in &priced {
        assert_eq!(row.requested_model, "clock/get_current_time");
        assert_eq!(row.token_name, "usage");
        assert_eq!(row.status_code, 200);
        assert_eq!(Decimal::from_str(&row.cost).unwrap(), Decimal::new(25, 2));
    }
    let free = rows
        .iter()
        .find(|row| row.endpoint == "/mcp/free-clock")
        .unwrap();
    assert_eq!(Decimal::from_str(&free.cost).unwrap(), Decimal::ZERO);

    let mut groups =
        pb::group_service_client::GroupServiceClient::new(support::control_channel(&hub).await);
    let group = groups
        .get_group(admin(pb::GetGroupRequest { id: "acme".into() }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        Decimal::from_str(&group.balance).unwrap(),
        Decimal::new(95, 1),
        "10 less two calls at 0.25"
    );
    hub.stop().await.unwrap();
}
