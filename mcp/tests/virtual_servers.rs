//! Virtual servers over a proxied upstream: fixed arguments reach it, the source's pins hold, calls name their source tool.

use std::sync::{Arc, Mutex};

use mcp::pinning::{ItemKind, Observation, ServerPins, ToolPins};
use mcp::{
    McpConfig, McpServiceOptions, Scope, ServerDefinition, ServerKind, VirtualComposition,
    VirtualTool,
};
use serde_json::{Value, json};

use crate::common::{self, caller, remote, server};

/// Pins that approve what the first listing offers, except `echo`: from then on `echo` waits
/// for approval, as a tool the upstream added after the admin approved the server would.
#[derive(Default)]
struct PinsWithoutEcho(Mutex<Option<Arc<ServerPins>>>);

impl ToolPins for PinsWithoutEcho {
    fn pins(&self, _server: &ServerDefinition) -> Option<Arc<ServerPins>> {
        self.0.lock().unwrap().clone()
    }

    fn observe(&self, _server: &ServerDefinition, observations: Vec<Observation>) {
        for observation in observations {
            if let Observation::Baseline {
                kind: ItemKind::Tool,
                mut items,
            } = observation
            {
                items.retain(|tool| tool.definition.name != "echo");
                let pins = ServerPins::default().apply(&[Observation::Baseline {
                    kind: ItemKind::Tool,
                    items,
                }]);
                *self.0.lock().unwrap() = Some(Arc::new(pins));
            }
        }
    }
}

async fn rpc(url: &str, method: &str, params: Value) -> Value {
    let mut params = params;
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {}
    });
    let mut request = reqwest::Client::new()
        .post(url)
        .bearer_auth("tok-virtual")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", method);
    if let Some(name) = params["name"].as_str() {
        request = request.header("mcp-name", name.to_owned());
    }
    request
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn listed_names(reply: &Value) -> Vec<String> {
    let mut names: Vec<String> = reply["result"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("no tools: {reply}"))
        .iter()
        .map(|tool| tool["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_virtual_server_keeps_its_sources_pins_and_fixes_arguments() {
    let upstream = common::upstream().await;
    let source = server(
        "up",
        Scope::Public,
        ServerKind::ProxyStreamable(remote(
            upstream.url("/public/everything"),
            &[("Authorization", "Bearer upstream-secret")],
        )),
    );
    let composed = |tool: &str, name: &str, defaults: Value| VirtualTool {
        server: "up".into(),
        tool: tool.into(),
        name: Some(name.into()),
        description: None,
        defaults: defaults.as_object().unwrap().clone(),
    };
    let toolbox = server(
        "toolbox",
        Scope::Public,
        ServerKind::Virtual(VirtualComposition {
            tools: vec![
                composed("echo", "say", json!({"message": "fixed"})),
                composed("add", "plus", json!({"b": 10})),
            ],
            sources: vec![(*source).clone()],
            ..VirtualComposition::default()
        }),
    );
    let directory = common::FakeDirectory {
        tokens: [("tok-virtual".to_owned(), caller("gv", 1, None))].into(),
        servers: vec![source, toolbox],
    };
    let options = McpServiceOptions {
        pins: Some(Arc::new(PinsWithoutEcho::default())),
        ..McpServiceOptions::default()
    };
    let running = common::serve_with(directory, McpConfig::default(), options).await;
    let url = running.url("/public/toolbox");

    // The first listing pins the source (echo included, as the admin's approval did).
    let first = rpc(&url, "tools/list", json!({})).await;
    assert_eq!(listed_names(&first), ["plus", "say"], "{first}");
    let plus = first["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|tool| tool["name"] == "plus")
        .unwrap();
    assert!(
        plus["inputSchema"]["properties"].get("b").is_none(),
        "{plus}"
    );
    let sum = rpc(
        &url,
        "tools/call",
        json!({"name": "plus", "arguments": {"a": 1, "b": 99}}),
    )
    .await;
    assert_eq!(sum["result"]["structuredContent"]["sum"], 11.0, "{sum}");

    // From now on echo waits for approval on the source: hidden and refused through the
    // virtual server as it is directly.
    let second = rpc(&url, "tools/list", json!({})).await;
    assert_eq!(listed_names(&second), ["plus"], "{second}");
    for (path, name) in [("/public/toolbox", "say"), ("/public/up", "echo")] {
        let refused = rpc(
            &running.url(path),
            "tools/call",
            json!({"name": name, "arguments": {"message": "hi"}}),
        )
        .await;
        assert_eq!(
            refused["error"]["code"],
            mcp::pinning::QUARANTINED_CODE,
            "{path}: {refused}"
        );
    }

    let records = running.sink.records();
    let plus_record = records.iter().find(|record| record.tool == "plus").unwrap();
    assert_eq!(plus_record.server_id, "toolbox");
    assert_eq!(plus_record.source_tool.as_deref(), Some("up/add"));
    assert_eq!(
        plus_record.arguments,
        Some(json!({"a": 1, "b": 99})),
        "the record keeps what the client sent"
    );
    let direct = records.iter().find(|record| record.tool == "echo").unwrap();
    assert_eq!(direct.source_tool, None);
}
