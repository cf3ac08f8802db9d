//! MCP tool calls are governed like relay requests: the token's requests-per-minute limit,
//! and the server's `price_per_call` reserved against the group's live balance before the tool
//! runs, so a group cannot spend past its balance on tools; refusals are JSON-RPC errors naming
//! the reason, and each refused call leaves a log row with the relay's status for it.

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
use serde_json::{Value, json};
use support::{TestHub, admin, mcp_calls};

const TOKEN: &str = "sk-acme-mcp-governed-01";

async fn hub_with(config: &str) -> TestHub {
    TestHub::start_with_config(config).await
}

/// One stateless `tools/call` of the clock server; returns the JSON-RPC reply.
async fn call_clock(hub: &TestHub) -> Value {
    let arguments = json!({"timezone": "UTC"});
    mcp_calls::call_tool(
        hub,
        "/mcp/public/clock",
        TOKEN,
        "get_current_time",
        arguments,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_priced_tool_call_the_balance_cannot_cover_is_refused_before_it_runs() {
    let hub = hub_with(&format!(
        r#"
groups:
  - id: acme
    balance: 0.6
tokens:
  - group: acme
    name: governed
    key: {TOKEN}
mcp_servers:
  - id: clock
    scope: public
    type: embedded
    template: time
    price_per_call: 0.25
"#
    ))
    .await;
    for _ in 0..2 {
        let reply = call_clock(&hub).await;
        assert_eq!(
            reply["result"]["structuredContent"]["timezone"], "UTC",
            "{reply}"
        );
    }
    // 0.10 left: the third call's 0.25 is refused from the live balance, before the writer
    // has necessarily charged the first two in the database.
    let refused = call_clock(&hub).await;
    assert_eq!(refused["error"]["code"], mcp::REFUSED_CODE, "{refused}");
    assert_eq!(
        refused["error"]["data"]["type"], "insufficient_balance",
        "{refused}"
    );
    assert!(refused.get("result").is_none(), "{refused}");

    let rows = support::group_logs(&hub, "acme", 3).await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    let mut statuses: Vec<i64> = rows.iter().map(|row| row.status_code).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 200, 402]);
    let charged: Decimal = rows
        .iter()
        .map(|row| Decimal::from_str(&row.cost).unwrap())
        .sum();
    assert_eq!(
        charged,
        Decimal::new(50, 2),
        "the refused call costs nothing"
    );

    let mut groups =
        pb::group_service_client::GroupServiceClient::new(support::control_channel(&hub).await);
    let group = groups
        .get_group(admin(pb::GetGroupRequest { id: "acme".into() }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        Decimal::from_str(&group.balance).unwrap(),
        Decimal::new(1, 1)
    );
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tokens_requests_per_minute_count_tool_calls() {
    let hub = hub_with(&format!(
        r#"
groups:
  - id: acme
tokens:
  - group: acme
    name: governed
    key: {TOKEN}
    rpm: 2
mcp_servers:
  - id: clock
    scope: public
    type: embedded
    template: time
"#
    ))
    .await;
    for _ in 0..2 {
        let reply = call_clock(&hub).await;
        assert!(reply.get("result").is_some(), "{reply}");
    }
    let refused = call_clock(&hub).await;
    assert_eq!(
        refused["error"]["data"]["type"], "rate_limit_exceeded",
        "{refused}"
    );
    let retry = refused["error"]["data"]["retry_after_seconds"]
        .as_u64()
        .unwrap_or_else(|| panic!("no retry time: {refused}"));
    assert!((1..=60).contains(&retry), "{refused}");
    let rows = support::group_logs(&hub, "acme", 3).await;
    assert!(rows.iter().any(|row| row.status_code == 429), "{rows:?}");
    hub.stop().await.unwrap();
}
