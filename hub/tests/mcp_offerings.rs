//! Resources and prompts in the aggregated `/mcp` of the whole server: two servers' resources
//! and prompts merged under their prefixes, a token's allow-list applied to them, and reads and
//! prompt gets in the request log like tool calls.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use serde_json::{Value, json};
use support::{TestHub, mcp_calls};

const FULL: &str = "sk-acme-offerings-full";
const NARROW: &str = "sk-acme-offerings-narrow";

/// Two `everything` servers; `narrow` may use all of `kit` and only `test_simple_prompt` of
/// `box`.
async fn hub_with_two_servers() -> TestHub {
    TestHub::start_with_config(&format!(
        r#"
groups:
  - id: acme
tokens:
  - group: acme
    name: full
    key: {FULL}
  - group: acme
    name: narrow
    key: {NARROW}
    mcp_servers: [kit, box/test_simple_prompt]
mcp_servers:
  - id: kit
    scope: public
    type: embedded
    template: everything
  - id: box
    scope: public
    type: embedded
    template: everything
"#
    ))
    .await
}

async fn rpc(hub: &TestHub, token: &str, method: &str, params: Value) -> Value {
    // The 2026-07-28 era names the target in `Mcp-Name`: a prompt's name, a resource's URI.
    let name = params["name"]
        .as_str()
        .or_else(|| params["uri"].as_str())
        .map(str::to_owned);
    mcp_calls::stateless(hub, "/mcp", token, method, name.as_deref(), params)
        .await
        .1
}

fn sorted(reply: &Value, list: &str, field: &str) -> Vec<String> {
    let mut items: Vec<String> = reply["result"][list]
        .as_array()
        .unwrap_or_else(|| panic!("no {list}: {reply}"))
        .iter()
        .map(|item| item[field].as_str().unwrap().to_owned())
        .collect();
    items.sort();
    items
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_aggregate_merges_resources_and_prompts_under_the_allow_lists() {
    let hub = hub_with_two_servers().await;

    let resources = sorted(
        &rpc(&hub, FULL, "resources/list", json!({})).await,
        "resources",
        "uri",
    );
    assert_eq!(resources.len(), 6, "{resources:?}");
    assert!(resources.contains(&"aiproxy://box/test://static-text".to_owned()));
    assert!(resources.contains(&"aiproxy://kit/test://static-text".to_owned()));
    let prompts = sorted(
        &rpc(&hub, FULL, "prompts/list", json!({})).await,
        "prompts",
        "name",
    );
    assert_eq!(prompts.len(), 10, "{prompts:?}");

    // The narrowed token: every resource and prompt of kit, nothing of box but the one prompt.
    let resources = sorted(
        &rpc(&hub, NARROW, "resources/list", json!({})).await,
        "resources",
        "uri",
    );
    assert_eq!(
        resources,
        [
            "aiproxy://kit/test://static-binary",
            "aiproxy://kit/test://static-text",
            "aiproxy://kit/test://watched-resource"
        ]
    );
    let prompts = sorted(
        &rpc(&hub, NARROW, "prompts/list", json!({})).await,
        "prompts",
        "name",
    );
    assert_eq!(prompts.len(), 6, "{prompts:?}");
    assert!(
        prompts.contains(&"box__test_simple_prompt".to_owned()),
        "{prompts:?}"
    );

    let read = rpc(
        &hub,
        NARROW,
        "resources/read",
        json!({"uri": "aiproxy://kit/test://static-text"}),
    )
    .await;
    assert_eq!(
        read["result"]["contents"][0]["uri"], "aiproxy://kit/test://static-text",
        "{read}"
    );
    assert_eq!(
        read["result"]["contents"][0]["text"],
        "This is the content of the static text resource."
    );
    let refused = rpc(
        &hub,
        NARROW,
        "resources/read",
        json!({"uri": "aiproxy://box/test://static-text"}),
    )
    .await;
    assert_eq!(refused["error"]["code"], -32602, "{refused}");
    let got = rpc(
        &hub,
        NARROW,
        "prompts/get",
        json!({"name": "box__test_simple_prompt"}),
    )
    .await;
    assert_eq!(
        got["result"]["messages"][0]["content"]["text"], "This is a simple prompt for testing.",
        "{got}"
    );

    // Reads and prompt gets are logged like tool calls; the refused read as a 403.
    let rows = support::group_logs(&hub, "acme", 3).await;
    let mut logged: Vec<(String, i64)> = rows
        .iter()
        .map(|row| (row.requested_model.clone(), row.status_code))
        .collect();
    logged.sort();
    assert_eq!(
        logged,
        [
            ("box/prompt:test_simple_prompt".to_owned(), 200),
            ("box/resources/read".to_owned(), 403),
            ("kit/resources/read".to_owned(), 200),
        ]
    );
    hub.stop().await.unwrap();
}

/// The tool names `token` sees in the aggregated `/mcp`.
async fn tool_names(hub: &TestHub, token: &str) -> Vec<String> {
    sorted(
        &rpc(hub, token, "tools/list", json!({})).await,
        "tools",
        "name",
    )
}

/// Waits until the aggregate lists `expected` (a change applies once the hub reloads).
async fn lists_tool(hub: &TestHub, expected: &str) -> Vec<String> {
    for _ in 0..50 {
        let names = tool_names(hub, FULL).await;
        if names.iter().any(|name| name == expected) {
            return names;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{expected} never listed: {:?}", tool_names(hub, FULL).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_served_unprefixed_keeps_its_names_as_set_by_file_grpc_and_rest() {
    use hub::edges::grpc::pb;
    use hub::edges::grpc::pb::mcp_service_client::McpServiceClient;

    let hub = TestHub::start_with_config(&format!(
        r#"
groups:
  - id: acme
tokens:
  - group: acme
    name: full
    key: {FULL}
mcp_servers:
  - id: kit
    scope: public
    type: embedded
    template: everything
    aggregate_unprefixed: true
  - id: box
    scope: public
    type: embedded
    template: everything
  - id: clock
    scope: public
    type: embedded
    template: time
"#
    ))
    .await;
    // From the config file: kit's own names, the others prefixed.
    let names = tool_names(&hub, FULL).await;
    for listed in ["echo", "box__echo", "clock__get_current_time"] {
        assert!(
            names.iter().any(|name| name == listed),
            "{listed}: {names:?}"
        );
    }
    assert!(!names.iter().any(|name| name == "kit__echo"), "{names:?}");
    let prompts = sorted(
        &rpc(&hub, FULL, "prompts/list", json!({})).await,
        "prompts",
        "name",
    );
    for listed in ["test_simple_prompt", "box__test_simple_prompt"] {
        assert!(prompts.iter().any(|name| name == listed), "{prompts:?}");
    }
    let own_uri = json!({"uri": "test://static-text"});
    let read = rpc(&hub, FULL, "resources/read", own_uri.clone()).await;
    assert_eq!(
        read["result"]["contents"][0]["uri"], own_uri["uri"],
        "{read}"
    );
    // Both calls are kit's in the request log: the bare name and the prefixed one.
    for name in ["echo", "kit__echo"] {
        let arguments = json!({"name": name, "arguments": {"message": "hi"}});
        let called = rpc(&hub, FULL, "tools/call", arguments).await;
        assert_eq!(
            called["result"]["content"][0]["text"], "Echo: hi",
            "{called}"
        );
    }
    let rows = support::group_logs(&hub, "acme", 3).await;
    let calls = rows
        .iter()
        .filter(|row| row.requested_model == "kit/echo")
        .count();
    assert_eq!(calls, 2, "{rows:?}");

    // Over gRPC: read back, and set on another server.
    let mut mcp = McpServiceClient::new(support::control_channel(&hub).await);
    let kit = mcp
        .get_mcp_server(support::admin(pb::GetMcpServerRequest { id: "kit".into() }))
        .await
        .unwrap()
        .into_inner();
    assert!(kit.aggregate_unprefixed);
    mcp.update_mcp_server(support::admin(pb::UpdateMcpServerRequest {
        server: Some(pb::McpServer {
            id: "clock".into(),
            aggregate_unprefixed: true,
            ..pb::McpServer::default()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: vec!["aggregate_unprefixed".into()],
        }),
    }))
    .await
    .unwrap();
    let names = lists_tool(&hub, "get_current_time").await;
    assert!(
        !names.iter().any(|name| name == "clock__get_current_time"),
        "{names:?}"
    );

    // Over the seed's REST routes: shown when set, and switched off again.
    let saved = async |unprefixed: bool| -> Value {
        let body = json!({"aggregate_unprefixed": unprefixed});
        let response = hub
            .post_json(support::ADMIN_KEY, "/api/mcp/public/clock", body)
            .await;
        response.json::<Value>().await.unwrap()["data"].clone()
    };
    let shown = saved(true).await;
    assert_eq!(shown["aggregate_unprefixed"], true, "{shown}");
    let switched = saved(false).await;
    assert_eq!(switched["id"], "clock", "{switched}");
    assert!(switched.get("aggregate_unprefixed").is_none(), "{switched}");
    lists_tool(&hub, "clock__get_current_time").await;
    hub.stop().await.unwrap();
}
