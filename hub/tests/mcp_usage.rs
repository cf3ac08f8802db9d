//! Every MCP tool call leaves one request-log row (group, token, server, tool, status, latency)
//! priced at its server's `price_per_call`, which the log writer charges to the group.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use std::str::FromStr;

use hub::edges::grpc::pb;
use rust_decimal::Decimal;
use serde_json::json;
use support::{TestHub, admin, mcp_calls};

const TOKEN: &str = "sk-acme-mcp-usage-0001";

async fn hub_with_a_priced_clock() -> TestHub {
    TestHub::start_with_config(&format!(
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
    ))
    .await
}

/// One stateless tools/call; returns the JSON-RPC reply.
async fn call_tool(hub: &TestHub, server: &str, tool: &str) -> serde_json::Value {
    let path = format!("/mcp/public/{server}");
    mcp_calls::call_tool(hub, &path, TOKEN, tool, json!({"timezone": "UTC"})).await
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
    let rows = support::group_logs(&hub, "acme", 3).await;
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
