//! A public MCP server that needs each tenant's own credentials (`required_group_params`) is
//! offered only to the groups that have set them: hidden from the others' tool lists, 404 on its
//! own route, and `TestMcpServer` names what is missing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use hub::edges::grpc::pb;
use hub::edges::grpc::pb::mcp_service_client::McpServiceClient;
use serde_json::{Value, json};
use support::{TestHub, admin, mcp_calls};

const ACME: &str = "sk-acme-required-params-01";
const OTHER: &str = "sk-other-required-params-1";

async fn hub_with_a_keyed_petstore() -> TestHub {
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi2mcp/tests/corpus/swagger-petstore-3.0.yaml"
    );
    TestHub::start_with_config(&format!(
        r#"
groups:
  - id: acme
  - id: other
tokens:
  - {{group: acme, name: a, key: {ACME}}}
  - {{group: other, name: o, key: {OTHER}}}
mcp_servers:
  - id: petstore
    scope: public
    type: openapi
    required_group_params: [api_key]
    openapi:
      spec_file: {spec}
      base_url: http://127.0.0.1:9/api/v3
      allow_private_network: true
"#
    ))
    .await
}

/// A stateless `tools/list` on `path`: the HTTP status and the JSON reply.
async fn list_tools(hub: &TestHub, path: &str, token: &str) -> (u16, Value) {
    mcp_calls::stateless(hub, path, token, "tools/list", None, json!({})).await
}

fn tool_count(reply: &Value, prefix: &str) -> usize {
    reply["result"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("no tools: {reply}"))
        .iter()
        .filter(|tool| {
            tool["name"]
                .as_str()
                .unwrap_or_default()
                .starts_with(prefix)
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_needing_group_credentials_is_offered_only_to_groups_that_set_them() {
    let hub = hub_with_a_keyed_petstore().await;
    let mut mcp = McpServiceClient::new(support::control_channel(&hub).await)
        .max_encoding_message_size(hub::edges::grpc::MAX_MESSAGE_BYTES);
    let stored = mcp
        .get_mcp_server(admin(pb::GetMcpServerRequest {
            id: "petstore".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stored.required_group_params, ["api_key"]);

    for token in [ACME, OTHER] {
        let (status, _) = list_tools(&hub, "/mcp/public/petstore", token).await;
        assert_eq!(status, 404, "nobody has set the key yet");
        let (status, reply) = list_tools(&hub, "/mcp", token).await;
        assert_eq!(status, 200);
        assert_eq!(tool_count(&reply, "petstore__"), 0, "{reply}");
    }

    mcp.set_group_mcp_params(admin(pb::SetGroupMcpParamsRequest {
        params: Some(pb::GroupMcpParams {
            server_id: "petstore".into(),
            group_id: "acme".into(),
            params: [("api_key".to_owned(), "acme-own-key".to_owned())].into(),
            updated_at_ms: 0,
        }),
    }))
    .await
    .unwrap();

    let (status, reply) = list_tools(&hub, "/mcp/public/petstore", ACME).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(tool_count(&reply, ""), 19);
    let (_, reply) = list_tools(&hub, "/mcp", ACME).await;
    assert_eq!(tool_count(&reply, "petstore__"), 19);
    let (status, _) = list_tools(&hub, "/mcp/public/petstore", OTHER).await;
    assert_eq!(status, 404, "acme's key is not other's");

    let tested = mcp
        .test_mcp_server(admin(pb::TestMcpServerRequest {
            id: "petstore".into(),
            group_id: "other".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(!tested.ok, "{tested:?}");
    assert!(tested.error.contains("api_key"), "{tested:?}");
    hub.stop().await.unwrap();
}
