//! Large and odd real OpenAPI documents through the hub: GitHub's and Kubernetes' lists stay
//! far under the 4 MB gRPC limit, a catalogue over the operator's limit serves the compact
//! tools, and a document with integers beyond 64 bits named by the config file starts.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use hub::edges::grpc::pb;
use hub::edges::grpc::pb::mcp_service_client::McpServiceClient;
use prost::Message;
use serde_json::{Value, json};
use support::{TestHub, admin, mcp_calls};

const TOKEN: &str = "sk-acme-large-openapi-0001";

/// As OpenAI's published 3.1 document writes its 64-bit bounds.
const HUGE_INTEGERS: &str = "openapi: 3.1.0
info:
  title: huge
  version: '1'
paths:
  /page:
    get:
      operationId: listPage
      parameters:
        - name: after
          in: query
          schema:
            type: integer
            format: int64
            minimum: -9223372036854776000
            maximum: 9223372036854776000
      responses:
        '200':
          description: ok
";

fn corpus(name: &str) -> String {
    format!(
        "{}/../openapi2mcp/tests/corpus/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// A hub serving GitHub, Kubernetes (core and apiextensions) and the huge-integer document,
/// with `compact_above` as `MCP_OPENAPI_COMPACT_ABOVE_BYTES`.
async fn hub_with_large_documents(compact_above: usize) -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    settings.mcp_openapi_compact_above_bytes = compact_above;
    let huge = data_dir.path().join("huge.yaml");
    std::fs::write(&huge, HUGE_INTEGERS).unwrap();
    let server = |id: &str, spec: &str| {
        format!(
            "  - id: {id}\n    scope: public\n    type: openapi\n    openapi:\n      spec_file: {spec}\n      base_url: http://127.0.0.1:9/api\n      allow_private_network: true\n"
        )
    };
    let config = format!(
        "groups:\n  - id: acme\ntokens:\n  - group: acme\n    name: large\n    key: {TOKEN}\nmcp_servers:\n{}{}{}{}",
        server("github", &corpus("github-rest-3.0.json")),
        server("kubernetes", &corpus("kubernetes-api-v1-3.0.json")),
        server(
            "apiextensions",
            &corpus("kubernetes-apiextensions-v1-3.0.json")
        ),
        server("huge", &huge.display().to_string()),
    );
    let path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&path, config).unwrap();
    settings.config_file_path = Some(path);
    TestHub::start_with(settings, data_dir).await
}

/// `tools/list` of one server: the tools and the size of the whole answer in bytes.
async fn tools_list(hub: &TestHub, server: &str) -> (Vec<Value>, usize) {
    let (status, reply) = mcp_calls::stateless(
        hub,
        &format!("/mcp/public/{server}"),
        TOKEN,
        "tools/list",
        None,
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    let size = reply.to_string().len();
    let tools = reply["result"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("no tools: {reply}"))
        .clone();
    (tools, size)
}

/// `ListMcpServerTools` through a client with tonic's default 4 MB decoding limit, as the
/// CLI's; returns the tools and the encoded size of the answer.
async fn list_over_grpc(hub: &TestHub, server: &str) -> (Vec<pb::McpTool>, usize) {
    let mut client = McpServiceClient::new(support::control_channel(hub).await);
    let answer = client
        .list_mcp_server_tools(admin(pb::ListMcpServerToolsRequest {
            id: server.into(),
            group_id: "acme".into(),
        }))
        .await
        .unwrap_or_else(|status| panic!("{server}: {status}"))
        .into_inner();
    let size = answer.encoded_len();
    (answer.tools, size)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_documents_list_far_under_the_grpc_limit_tool_by_tool() {
    // 0: never switch to compact mode, so every operation is a tool.
    let hub = hub_with_large_documents(0).await;
    for (server, operations) in [("github", 623), ("kubernetes", 248), ("apiextensions", 13)] {
        let (tools, size) = tools_list(&hub, server).await;
        assert_eq!(tools.len(), operations, "{server}");
        assert!(size < 3_000_000, "{server}: tools/list is {size} bytes");
        for tool in &tools {
            let schemas = tool["inputSchema"].to_string().len()
                + tool
                    .get("outputSchema")
                    .map_or(0, |schema| schema.to_string().len());
            assert!(schemas <= 16 * 1024, "{server}/{}: {schemas}", tool["name"]);
            let name = tool["name"].as_str().unwrap();
            assert!(name.len() <= 64, "{name}");
        }
        let (listed, size) = list_over_grpc(&hub, server).await;
        assert_eq!(listed.len(), operations, "{server}");
        assert!(
            size < 3_000_000,
            "{server}: ListMcpServerTools is {size} bytes"
        );
    }
    // Kubernetes' definitions reach hundreds of others: cut tools say so in their description.
    let (tools, _) = tools_list(&hub, "kubernetes").await;
    let pod = tools
        .iter()
        .find(|tool| tool["name"] == "createCoreV1NamespacedPod")
        .unwrap();
    let description = pod["description"].as_str().unwrap();
    assert!(
        description.contains("[Schema shortened to fit 16 KiB:"),
        "{description}"
    );

    // The document with integers beyond 64 bits was read from the config file and serves.
    let (tools, _) = tools_list(&hub, "huge").await;
    let after = &tools[0]["inputSchema"]["properties"]["after"];
    assert_eq!(
        after["minimum"].as_f64(),
        Some(-9.223372036854776e18),
        "{after}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalogues_over_the_operator_limit_serve_the_compact_tools() {
    // The default limit (512 KiB): GitHub and Kubernetes are over it, apiextensions is not.
    let hub = hub_with_large_documents(mcp::DEFAULT_OPENAPI_COMPACT_ABOVE_BYTES).await;
    for server in ["github", "kubernetes"] {
        let (tools, size) = tools_list(&hub, server).await;
        let mut names: Vec<&str> = tools
            .iter()
            .filter_map(|tool| tool["name"].as_str())
            .collect();
        names.sort_unstable();
        assert_eq!(
            names,
            ["call_operation", "describe_operation", "search_operations"],
            "{server}"
        );
        assert!(size < 8 * 1024, "{server}: {size} bytes");
        let (listed, _) = list_over_grpc(&hub, server).await;
        assert_eq!(listed.len(), 3, "{server}");
    }
    let (tools, _) = tools_list(&hub, "apiextensions").await;
    assert_eq!(tools.len(), 13);

    // Every GitHub operation is still found, described and within the per-tool budget.
    let (_, described) = mcp_calls::stateless(
        &hub,
        "/mcp/public/github",
        TOKEN,
        "tools/call",
        Some("describe_operation"),
        json!({"name": "describe_operation", "arguments": {"operation": "repos_get"}}),
    )
    .await;
    let text = described["result"]["content"][0]["text"].as_str().unwrap();
    assert!(
        text.contains("\"path\":\"/repos/{owner}/{repo}\""),
        "{text}"
    );
    assert!(text.len() < 24 * 1024, "{} bytes", text.len());
}
