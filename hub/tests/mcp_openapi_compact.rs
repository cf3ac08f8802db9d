//! An OpenAPI-backed MCP server in compact mode (`openapi.compact: true` in the config file or
//! `OpenApiSource.compact` over gRPC): three tools instead of one per operation, and the call
//! tool still reaches the API with the operation's arguments encoded.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use hub::edges::grpc::pb;
use hub::edges::grpc::pb::mcp_service_client::McpServiceClient;
use serde_json::{Value, json};
use support::{TestHub, admin, mcp_calls};

const TOKEN: &str = "sk-acme-compact-0001";

/// Records the path and query of every request and answers with a Pet.
async fn start_mock_api() -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let recorder = seen.clone();
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let recorder = recorder.clone();
        async move {
            recorder.lock().unwrap().push(uri.to_string());
            axum::Json(json!({"id": 7, "name": "Rex", "photoUrls": []}))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, seen)
}

async fn hub_with_a_compact_petstore(api: SocketAddr) -> TestHub {
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../openapi2mcp/tests/corpus/swagger-petstore-3.0.yaml"
    );
    TestHub::start_with_config(&format!(
        r#"
groups:
  - id: acme
tokens:
  - group: acme
    name: compact
    key: {TOKEN}
mcp_servers:
  - id: petstore
    scope: public
    type: openapi
    openapi:
      spec_file: {spec}
      base_url: http://{api}/api/v3
      allow_private_network: true
      compact: true
"#
    ))
    .await
}

/// One stateless request to the petstore server; returns the JSON-RPC reply.
async fn rpc(hub: &TestHub, method: &str, name: Option<&str>, params: Value) -> Value {
    mcp_calls::stateless(hub, "/mcp/public/petstore", TOKEN, method, name, params)
        .await
        .1
}

fn text_of(reply: &Value) -> String {
    reply["result"]["content"]
        .as_array()
        .unwrap_or_else(|| panic!("no content: {reply}"))
        .iter()
        .filter_map(|part| part["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compact_server_offers_three_tools_that_search_describe_and_call_operations() {
    let (api, seen) = start_mock_api().await;
    let hub = hub_with_a_compact_petstore(api).await;

    let listed = rpc(&hub, "tools/list", None, json!({})).await;
    let mut names: Vec<&str> = listed["result"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("no tools: {listed}"))
        .iter()
        .filter_map(|tool| tool["name"].as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        ["call_operation", "describe_operation", "search_operations"]
    );

    let found = rpc(
        &hub,
        "tools/call",
        Some("search_operations"),
        json!({"name": "search_operations", "arguments": {"query": "pet id"}}),
    )
    .await;
    assert!(text_of(&found).contains("getPetById"), "{found}");

    let described = rpc(
        &hub,
        "tools/call",
        Some("describe_operation"),
        json!({"name": "describe_operation", "arguments": {"operation": "getPetById"}}),
    )
    .await;
    assert!(text_of(&described).contains("petId"), "{described}");
    assert!(
        seen.lock().unwrap().is_empty(),
        "search and describe stay local"
    );

    let called = rpc(
        &hub,
        "tools/call",
        Some("call_operation"),
        json!({"name": "call_operation",
               "arguments": {"operation": "getPetById", "arguments": {"petId": 7}}}),
    )
    .await;
    assert_ne!(called["result"]["isError"], true, "{called}");
    assert_eq!(*seen.lock().unwrap(), ["/api/v3/pet/7"]);

    // The control plane shows the mode and lists the same three tools.
    let mut client = McpServiceClient::new(support::control_channel(&hub).await)
        .max_encoding_message_size(hub::edges::grpc::MAX_MESSAGE_BYTES);
    let server = client
        .get_mcp_server(admin(pb::GetMcpServerRequest {
            id: "petstore".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(server.openapi.unwrap().compact);
    let tools = client
        .list_mcp_server_tools(admin(pb::ListMcpServerToolsRequest {
            id: "petstore".into(),
            group_id: "acme".into(),
        }))
        .await
        .unwrap()
        .into_inner()
        .tools;
    assert_eq!(tools.len(), 3);
}
