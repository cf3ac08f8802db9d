//! Servers served unprefixed in the aggregated view: their own names for tools, prompts, resources and templates.
//!
//! Collisions are served prefixed, and prefixed names work for every server.

use mcp::{McpConfig, Scope, ToolCallStatus};
use rmcp::model::{
    CallToolRequestParams, ErrorCode, GetPromptRequestParams, ReadResourceRequestParams,
};
use serde_json::json;

use crate::common::{
    self, FakeDirectory, caller, embedded, everything_proxy, serve, server, unprefixed,
};
use crate::offerings::{check_everything, client, error_code, text_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unprefixed_servers_keep_their_names_and_the_first_by_id_wins_a_collision() {
    let upstream = common::upstream().await;
    // Listed before `kitchen`: the ids, not the host's order, decide who keeps a name.
    let stream = unprefixed(server("stream", Scope::Public, everything_proxy(&upstream)));
    let kitchen = unprefixed(server(
        "kitchen",
        Scope::Public,
        embedded("everything", &[]),
    ));
    let clock = server("clock", Scope::Public, embedded("time", &[]));
    let directory = FakeDirectory {
        tokens: [("tok-a".to_owned(), caller("ga", 1, None))].into(),
        servers: vec![stream, kitchen, clock],
    };
    let gateway = serve(directory, McpConfig::default()).await;
    let (client, _) = client(gateway.url(""), "tok-a").await;
    // `kitchen` sorts first: the fixture's own names are its.
    check_everything("unprefixed kitchen", &client, str::to_owned, str::to_owned).await;
    // `stream` serves the same names: its copies are prefixed, and work.
    check_everything(
        "collided stream",
        &client,
        |uri| format!("aiproxy://stream/{uri}"),
        |name| format!("stream__{name}"),
    )
    .await;

    let peer = client.peer();
    let tools = peer.list_all_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|tool| tool.name.as_ref()).collect();
    for listed in ["echo", "stream__echo", "clock__get_current_time"] {
        assert!(names.contains(&listed), "{listed}: {names:?}");
    }
    for unlisted in ["kitchen__echo", "get_current_time"] {
        assert!(!names.contains(&unlisted), "{unlisted}: {names:?}");
    }
    assert_eq!(names.iter().filter(|name| **name == "echo").count(), 1);

    // Calls go where the listing said; prefixed names keep working for every server.
    for (name, server_id) in [
        ("echo", "kitchen"),
        ("kitchen__echo", "kitchen"),
        ("stream__echo", "stream"),
    ] {
        let mut call = CallToolRequestParams::new(name.to_owned());
        call.arguments = json!({"message": name}).as_object().cloned();
        let result = peer.call_tool(call).await.unwrap();
        let text = serde_json::to_value(&result.content[0]).unwrap()["text"].clone();
        assert_eq!(text, format!("Echo: {name}"), "{name}");
        let records = gateway.sink.records();
        let last = records.last().unwrap();
        assert_eq!(
            (last.server_id.as_str(), last.tool.as_str(), &last.status),
            (server_id, "echo", &ToolCallStatus::Ok),
            "{name}"
        );
    }
    // A prefixed server's tool is not reached by its bare name.
    let bare = peer
        .call_tool(CallToolRequestParams::new("get_current_time"))
        .await
        .unwrap_err();
    assert_eq!(error_code(bare), ErrorCode::INVALID_PARAMS);

    // The unprefixed server's prefixed names: read back with the prefix, recorded under it.
    let read = peer
        .read_resource(ReadResourceRequestParams::new(
            "aiproxy://kitchen/test://static-text",
        ))
        .await
        .unwrap();
    assert_eq!(
        text_of(&read.contents[0]).0,
        "aiproxy://kitchen/test://static-text"
    );
    let got = peer
        .get_prompt(GetPromptRequestParams::new("kitchen__test_simple_prompt"))
        .await
        .unwrap();
    assert!(!got.messages.is_empty());
    let records = gateway.sink.records();
    let reads: Vec<(&str, Option<&serde_json::Value>)> = records
        .iter()
        .filter(|record| record.tool == "resources/read")
        .map(|record| (record.server_id.as_str(), record.arguments.as_ref()))
        .collect();
    for (server_id, uri) in [
        ("kitchen", "test://static-text"),
        ("stream", "aiproxy://stream/test://static-text"),
        ("kitchen", "aiproxy://kitchen/test://static-text"),
    ] {
        let arguments = json!({ "uri": uri });
        assert!(
            reads.contains(&(server_id, Some(&arguments))),
            "{server_id} {uri}: {reads:?}"
        );
    }
}
