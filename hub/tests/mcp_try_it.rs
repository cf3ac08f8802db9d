//! `CallMcpTool`, the panel's try-it: a tool called as a group is admitted, charged and logged like the group's own /mcp call, and audited.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use std::str::FromStr;

use hub::edges::grpc::pb;
use pb::mcp_service_client::McpServiceClient;
use rust_decimal::Decimal;
use support::{TestHub, admin};

async fn hub_with_a_priced_clock() -> TestHub {
    TestHub::start_with_config(
        r#"
groups:
  - id: acme
    balance: 10
  - id: broke
    balance: 0
  - id: other
    balance: 10
mcp_servers:
  - id: clock
    scope: public
    type: embedded
    template: time
    price_per_call: 0.25
  - id: acme-only
    scope: group
    group: acme
    type: embedded
    template: time
"#,
    )
    .await
}

fn call(
    id: &str,
    group: &str,
    tool: &str,
    arguments: &str,
) -> tonic::Request<pb::CallMcpToolRequest> {
    admin(pb::CallMcpToolRequest {
        id: id.into(),
        group_id: group.into(),
        tool: tool.into(),
        arguments_json: arguments.into(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tool_called_as_a_group_is_charged_logged_and_audited() {
    let hub = hub_with_a_priced_clock().await;
    let channel = support::control_channel(&hub).await;
    let mut mcp = McpServiceClient::new(channel.clone());

    let answer = mcp
        .call_mcp_tool(call(
            "clock",
            "acme",
            "get_current_time",
            r#"{"timezone": "UTC"}"#,
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(!answer.is_error, "{answer:?}");
    let result: serde_json::Value = serde_json::from_str(&answer.result_json).unwrap();
    assert_eq!(result["structuredContent"]["timezone"], "UTC", "{result}");

    // Logged as the group's call, named after the admin key, priced at the server's price.
    let rows = support::group_logs(&hub, "acme", 1).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].endpoint, "/mcp/clock");
    assert_eq!(rows[0].requested_model, "clock/get_current_time");
    assert_eq!(rows[0].token_name, "admin:bootstrap");
    assert_eq!(rows[0].status_code, 200);
    assert_eq!(
        Decimal::from_str(&rows[0].cost).unwrap(),
        Decimal::new(25, 2)
    );
    let group = pb::group_service_client::GroupServiceClient::new(channel.clone())
        .get_group(admin(pb::GetGroupRequest { id: "acme".into() }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        Decimal::from_str(&group.balance).unwrap(),
        Decimal::new(975, 2)
    );

    // Audited as the key's action.
    let events = pb::access_service_client::AccessServiceClient::new(channel.clone())
        .list_audit_events(admin(pb::ListAuditEventsRequest::default()))
        .await
        .unwrap()
        .into_inner()
        .events;
    let event = events
        .iter()
        .find(|event| event.action == "McpService/CallMcpTool")
        .unwrap_or_else(|| panic!("no audit event of the call: {events:?}"));
    assert_eq!(event.key_name, "bootstrap");
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_group_s_refusals_come_back_as_rpc_errors() {
    let hub = hub_with_a_priced_clock().await;
    let mut mcp = McpServiceClient::new(support::control_channel(&hub).await);
    let code = |result: Result<tonic::Response<pb::CallMcpToolResponse>, tonic::Status>| {
        result.map(|answer| answer.into_inner()).unwrap_err()
    };

    // A balance that cannot pay for the call: refused by the governor, as on /mcp.
    let refused = code(
        mcp.call_mcp_tool(call("clock", "broke", "get_current_time", ""))
            .await,
    );
    assert_eq!(
        refused.code(),
        tonic::Code::ResourceExhausted,
        "{refused:?}"
    );
    // A tool the server does not have.
    let unknown = code(
        mcp.call_mcp_tool(call("clock", "acme", "no_such_tool", ""))
            .await,
    );
    assert_eq!(unknown.code(), tonic::Code::InvalidArgument, "{unknown:?}");
    // Another group's server is not offered to this group.
    let hidden = code(
        mcp.call_mcp_tool(call("acme-only", "other", "get_current_time", ""))
            .await,
    );
    assert_eq!(hidden.code(), tonic::Code::FailedPrecondition, "{hidden:?}");
    // No group, an unknown group, arguments that are not an object.
    let no_group = code(
        mcp.call_mcp_tool(call("clock", "", "get_current_time", ""))
            .await,
    );
    assert_eq!(
        no_group.code(),
        tonic::Code::InvalidArgument,
        "{no_group:?}"
    );
    let nobody = code(
        mcp.call_mcp_tool(call("clock", "nobody", "get_current_time", ""))
            .await,
    );
    assert_eq!(nobody.code(), tonic::Code::FailedPrecondition, "{nobody:?}");
    let not_object = code(
        mcp.call_mcp_tool(call("clock", "acme", "get_current_time", "[1]"))
            .await,
    );
    assert_eq!(
        not_object.code(),
        tonic::Code::InvalidArgument,
        "{not_object:?}"
    );
    let missing = code(
        mcp.call_mcp_tool(call("gone", "acme", "get_current_time", ""))
            .await,
    );
    assert_eq!(missing.code(), tonic::Code::NotFound, "{missing:?}");

    // The refused calls that reached the gate are logged as the group's, and nothing was charged.
    let rows = support::group_logs(&hub, "broke", 1).await;
    assert_eq!(rows[0].requested_model, "clock/get_current_time");
    assert_ne!(rows[0].status_code, 200);
    hub.stop().await.unwrap();
}
