//! Virtual MCP servers and per-tool prices and allow-lists through the whole server, its config file and control plane.
//!
//! Renamed tools with fixed arguments reach an OpenAPI upstream; per-tool prices land on the
//! log row to the nano-unit; a per-group allow-list hides and refuses tools.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use hub::edges::grpc::pb;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use support::{TestHub, admin, mcp_calls};

const TOKEN: &str = "sk-acme-mcp-virtual-01";
const OTHER_TOKEN: &str = "sk-other-mcp-virtual-1";

const PETS_SPEC: &str = r#"
openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      description: Lists the pets.
      parameters:
        - {name: limit, in: query, required: true, schema: {type: integer}}
        - {name: kind, in: query, schema: {type: string}}
      responses:
        "200":
          description: the pets
          content:
            application/json:
              schema: {type: array, items: {type: object}}
"#;

/// The query strings the pets API received, in order.
type Seen = Arc<Mutex<Vec<HashMap<String, String>>>>;

/// A pets API that answers `limit` pets and keeps every query it was sent.
async fn start_pets_api() -> (std::net::SocketAddr, Seen) {
    use axum::extract::Query;
    use axum::routing::get;
    let seen: Seen = Arc::default();
    let recorded = seen.clone();
    let app = axum::Router::new().route(
        "/api/pets",
        get(move |Query(query): Query<HashMap<String, String>>| {
            let recorded = recorded.clone();
            async move {
                let limit: usize = query
                    .get("limit")
                    .and_then(|limit| limit.parse().ok())
                    .unwrap_or(0);
                recorded.lock().unwrap().push(query);
                let pets: Vec<_> = ["Rex", "Tom", "Kit", "Bo"]
                    .iter()
                    .take(limit)
                    .map(|name| json!({"name": name}))
                    .collect();
                axum::Json(Value::Array(pets))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, seen)
}

/// Groups acme and other; a pets OpenAPI server, a clock whose `convert_time` group acme may
/// not use and which prices it on its own, and the virtual `toolbox` over both.
async fn hub_with_a_toolbox() -> (TestHub, Seen) {
    let (mut settings, data_dir) = TestHub::settings();
    let (pets_api, seen) = start_pets_api().await;
    std::fs::write(data_dir.path().join("pets.yaml"), PETS_SPEC).unwrap();
    let config = format!(
        r#"
groups:
  - id: acme
    balance: 10
  - id: other
    balance: 10
tokens:
  - group: acme
    name: virtual
    key: {TOKEN}
  - group: other
    name: virtual
    key: {OTHER_TOKEN}
mcp_servers:
  - id: toolbox
    scope: public
    type: virtual
    price_per_call: 0.5
    tool_prices: {{few_pets: "0.123456789"}}
    tools:
      - server: pets
        tool: listPets
        name: few_pets
        description: Two dogs at most.
        defaults: {{limit: 2, kind: dog}}
      - server: clock
        tool: get_current_time
        name: utc_now
        defaults: {{timezone: UTC}}
      - server: clock
        tool: convert_time
  - id: pets
    scope: public
    type: openapi
    openapi:
      spec_file: pets.yaml
      base_url: "http://{pets_api}/api"
      allow_private_network: true
  - id: clock
    scope: public
    type: embedded
    template: time
    tool_prices: {{convert_time: "0.000000007"}}
    group_tools: {{acme: [get_current_time]}}
"#
    );
    let config_path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&config_path, config).unwrap();
    settings.config_file_path = Some(config_path);
    (TestHub::start_with(settings, data_dir).await, seen)
}

async fn list_tools(hub: &TestHub, path: &str, token: &str) -> Vec<Value> {
    let (status, reply) =
        mcp_calls::stateless(hub, path, token, "tools/list", None, json!({})).await;
    assert_eq!(status, 200, "{reply}");
    reply["result"]["tools"]
        .as_array()
        .unwrap_or_else(|| panic!("no tools: {reply}"))
        .clone()
}

fn names(tools: &[Value]) -> Vec<&str> {
    let mut names: Vec<&str> = tools
        .iter()
        .map(|tool| tool["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renamed_tool_reaches_its_source_with_the_fixed_arguments() {
    let (hub, seen) = hub_with_a_toolbox().await;
    let tools = list_tools(&hub, "/mcp/public/toolbox", TOKEN).await;
    // convert_time is withheld from acme on the clock, and so in the toolbox too.
    assert_eq!(names(&tools), ["few_pets", "utc_now"]);
    let few_pets = tools
        .iter()
        .find(|tool| tool["name"] == "few_pets")
        .unwrap();
    assert_eq!(few_pets["description"], "Two dogs at most.");
    let schema = &few_pets["inputSchema"];
    assert!(schema["properties"].get("limit").is_none(), "{schema}");
    assert!(schema["properties"].get("kind").is_none(), "{schema}");
    assert!(
        schema
            .get("required")
            .is_none_or(|required| !required.to_string().contains("limit")),
        "{schema}"
    );
    let utc_now = tools.iter().find(|tool| tool["name"] == "utc_now").unwrap();
    assert!(
        utc_now["inputSchema"]["properties"]
            .get("timezone")
            .is_none(),
        "{utc_now}"
    );

    // The client sends nothing, then tries to override the fixed limit: the API sees 2 both
    // times.
    for arguments in [json!({}), json!({"limit": 4, "kind": "cat"})] {
        let reply =
            mcp_calls::call_tool(&hub, "/mcp/public/toolbox", TOKEN, "few_pets", arguments).await;
        let text = reply["result"]["content"][0]["text"].as_str().unwrap_or("");
        assert!(text.contains("Rex") && text.contains("Tom"), "{reply}");
        assert!(!text.contains("Kit"), "{reply}");
    }
    let queries = seen.lock().unwrap().clone();
    assert_eq!(queries.len(), 2, "{queries:?}");
    for query in &queries {
        assert_eq!(query["limit"], "2");
        assert_eq!(query["kind"], "dog");
    }
    let reply =
        mcp_calls::call_tool(&hub, "/mcp/public/toolbox", TOKEN, "utc_now", json!({})).await;
    assert_eq!(
        reply["result"]["structuredContent"]["timezone"], "UTC",
        "{reply}"
    );

    // The aggregated view lists the toolbox like any server.
    let aggregated = list_tools(&hub, "/mcp", TOKEN).await;
    let aggregated = names(&aggregated);
    assert!(aggregated.contains(&"toolbox__few_pets"), "{aggregated:?}");
    assert!(
        !aggregated.contains(&"clock__convert_time"),
        "{aggregated:?}"
    );
    let reply = mcp_calls::call_tool(&hub, "/mcp", TOKEN, "toolbox__few_pets", json!({})).await;
    assert!(reply.get("result").is_some(), "{reply}");

    // Logged under the virtual server, the source tool named, at the tool's own price.
    let rows = support::group_logs(&hub, "acme", 4).await;
    let toolbox: Vec<_> = rows
        .iter()
        .filter(|row| row.endpoint == "/mcp/toolbox")
        .collect();
    assert_eq!(toolbox.len(), 4, "{rows:?}");
    for row in &toolbox {
        assert_eq!(row.status_code, 200, "{row:?}");
        let cost = Decimal::from_str(&row.cost).unwrap();
        match row.requested_model.as_str() {
            "toolbox/few_pets" => {
                assert_eq!(row.actual_model, "pets/listPets");
                assert_eq!(cost, Decimal::from_str("0.123456789").unwrap());
            }
            "toolbox/utc_now" => {
                assert_eq!(row.actual_model, "clock/get_current_time");
                assert_eq!(cost, Decimal::new(5, 1), "the server's price_per_call");
            }
            other => panic!("unexpected row for {other}: {row:?}"),
        }
    }
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_group_tool_allow_lists_hide_and_refuse_and_tools_have_their_own_prices() {
    let (hub, _seen) = hub_with_a_toolbox().await;
    assert_eq!(
        names(&list_tools(&hub, "/mcp/public/clock", TOKEN).await),
        ["get_current_time"]
    );
    assert_eq!(
        names(&list_tools(&hub, "/mcp/public/clock", OTHER_TOKEN).await),
        ["convert_time", "get_current_time"]
    );
    let convert =
        json!({"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Kolkata"});
    // Hidden from acme: refused as an unknown tool, directly and through the toolbox.
    for (path, tool) in [
        ("/mcp/public/clock", "convert_time"),
        ("/mcp/public/toolbox", "convert_time"),
        ("/mcp", "clock__convert_time"),
    ] {
        let refused = mcp_calls::call_tool(&hub, path, TOKEN, tool, convert.clone()).await;
        assert_eq!(refused["error"]["code"], -32602, "{path}: {refused}");
        assert!(
            refused["error"]["message"]
                .as_str()
                .unwrap()
                .contains("unknown tool"),
            "{refused}"
        );
    }
    let allowed = mcp_calls::call_tool(
        &hub,
        "/mcp/public/clock",
        OTHER_TOKEN,
        "convert_time",
        convert,
    )
    .await;
    assert!(
        allowed["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("17:30"),
        "{allowed}"
    );
    let free = mcp_calls::call_tool(
        &hub,
        "/mcp/public/clock",
        OTHER_TOKEN,
        "get_current_time",
        json!({"timezone": "UTC"}),
    )
    .await;
    assert!(free.get("result").is_some(), "{free}");

    let refused_rows = support::group_logs(&hub, "acme", 3).await;
    assert_eq!(refused_rows.len(), 3, "{refused_rows:?}");
    for row in &refused_rows {
        assert_eq!(row.status_code, 403, "{row:?}");
        assert_eq!(Decimal::from_str(&row.cost).unwrap(), Decimal::ZERO);
    }
    let rows = support::group_logs(&hub, "other", 2).await;
    let convert_row = rows
        .iter()
        .find(|row| row.requested_model == "clock/convert_time")
        .unwrap_or_else(|| panic!("{rows:?}"));
    assert_eq!(
        Decimal::from_str(&convert_row.cost).unwrap(),
        Decimal::from_str("0.000000007").unwrap(),
        "the tool's own price, to the nano-unit"
    );
    let time_row = rows
        .iter()
        .find(|row| row.requested_model == "clock/get_current_time")
        .unwrap();
    assert_eq!(Decimal::from_str(&time_row.cost).unwrap(), Decimal::ZERO);
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_control_plane_creates_reads_and_checks_virtual_servers() {
    let (hub, _seen) = hub_with_a_toolbox().await;
    let mut servers =
        pb::mcp_service_client::McpServiceClient::new(support::control_channel(&hub).await);
    let stored = servers
        .get_mcp_server(admin(pb::GetMcpServerRequest {
            id: "toolbox".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stored.r#type, pb::McpServerType::Virtual as i32);
    assert_eq!(stored.virtual_tools.len(), 3);
    assert_eq!(stored.virtual_tools[0].name, "few_pets");
    let defaults: Value = serde_json::from_str(&stored.virtual_tools[0].defaults_json).unwrap();
    assert_eq!(defaults, json!({"limit": 2, "kind": "dog"}));
    assert_eq!(stored.tool_prices["few_pets"], "0.123456789");

    // The config file's export holds the composition and the per-tool policy, and applying it
    // back changes nothing.
    let mut config =
        pb::config_service_client::ConfigServiceClient::new(support::control_channel(&hub).await);
    let exported = config
        .export(admin(pb::ExportRequest {}))
        .await
        .unwrap()
        .into_inner()
        .document;
    for expected in [
        "type: virtual",
        "name: few_pets",
        "tool_prices:",
        "group_tools:",
    ] {
        assert!(exported.contains(expected), "{expected}: {exported}");
    }
    let again = config
        .apply(admin(pb::ApplyRequest { document: exported }))
        .await
        .unwrap()
        .into_inner();
    assert!(again.report.contains("no changes"), "{}", again.report);

    // A group server's tools cannot be handed to every group through a public virtual server.
    let mut acme_only = pb::McpServer {
        id: "acme-pets".into(),
        scope: pb::McpScope::Group as i32,
        group_id: "acme".into(),
        r#type: pb::McpServerType::Embedded as i32,
        template: "time".into(),
        ..pb::McpServer::default()
    };
    servers
        .create_mcp_server(admin(pb::CreateMcpServerRequest {
            server: Some(acme_only.clone()),
        }))
        .await
        .unwrap();
    let leaky = pb::McpServer {
        id: "leaky".into(),
        scope: pb::McpScope::Public as i32,
        r#type: pb::McpServerType::Virtual as i32,
        virtual_tools: vec![pb::McpVirtualTool {
            server_id: "acme-pets".into(),
            tool: "get_current_time".into(),
            ..pb::McpVirtualTool::default()
        }],
        ..pb::McpServer::default()
    };
    let refused = servers
        .create_mcp_server(admin(pb::CreateMcpServerRequest {
            server: Some(leaky.clone()),
        }))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::InvalidArgument, "{refused:?}");
    assert!(
        refused.message().contains("virtual_tools[0].server"),
        "{refused:?}"
    );
    // The same composition scoped to acme is fine, and lists the source's tool renamed.
    let own = pb::McpServer {
        id: "acme-box".into(),
        scope: pb::McpScope::Group as i32,
        group_id: "acme".into(),
        virtual_tools: vec![pb::McpVirtualTool {
            name: "now".into(),
            defaults_json: r#"{"timezone": "Asia/Tokyo"}"#.into(),
            ..leaky.virtual_tools[0].clone()
        }],
        ..leaky
    };
    servers
        .create_mcp_server(admin(pb::CreateMcpServerRequest { server: Some(own) }))
        .await
        .unwrap();
    let listed = servers
        .list_mcp_server_tools(admin(pb::ListMcpServerToolsRequest {
            id: "acme-box".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let names: Vec<&str> = listed.tools.iter().map(|tool| tool.name.as_str()).collect();
    assert_eq!(names, ["now"]);
    assert!(!listed.tools[0].input_schema_json.contains("timezone"));
    let reply = mcp_calls::call_tool(&hub, "/mcp/group/acme-box", TOKEN, "now", json!({})).await;
    assert_eq!(
        reply["result"]["structuredContent"]["timezone"], "Asia/Tokyo",
        "{reply}"
    );

    // Bad compositions are refused by field.
    let duplicate = pb::McpVirtualTool {
        server_id: "clock".into(),
        tool: "get_current_time".into(),
        name: "same".into(),
        ..Default::default()
    };
    acme_only.id = "twice".into();
    acme_only.r#type = pb::McpServerType::Virtual as i32;
    acme_only.template = String::new();
    acme_only.virtual_tools = vec![duplicate.clone(), duplicate];
    let refused = servers
        .create_mcp_server(admin(pb::CreateMcpServerRequest {
            server: Some(acme_only.clone()),
        }))
        .await
        .unwrap_err();
    assert!(refused.message().contains("exposed twice"), "{refused:?}");
    acme_only.virtual_tools.truncate(1);
    acme_only.virtual_tools[0].defaults_json = "[1]".into();
    let refused = servers
        .create_mcp_server(admin(pb::CreateMcpServerRequest {
            server: Some(acme_only),
        }))
        .await
        .unwrap_err();
    assert!(refused.message().contains("defaults_json"), "{refused:?}");
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_mcp_client_uses_a_virtual_server() {
    if !support::external_clients("Python and the SDKs of .ci/requirements.txt") {
        return;
    }
    let (hub, seen) = hub_with_a_toolbox().await;
    let base_url = hub.url("");
    support::run_pytest(
        "hub/tests/python/test_mcp_virtual.py",
        &[("AIPROXY_BASE_URL", &base_url), ("AIPROXY_TOKEN", TOKEN)],
    )
    .await;
    let queries = seen.lock().unwrap().clone();
    assert!(!queries.is_empty());
    assert!(
        queries.iter().all(|query| query["limit"] == "2"),
        "{queries:?}"
    );
    hub.stop().await.unwrap();
}

const DECK_TOKEN: &str = "sk-acme-mcp-deck-0001";
const NARROW_DECK_TOKEN: &str = "sk-other-mcp-deck-001";

/// The `everything` fixture as `kit`, and the virtual `deck` composing two of its prompts and
/// two of its resources; group `other` may use only the `pair` prompt of `deck`.
async fn hub_with_a_deck() -> TestHub {
    TestHub::start_with_config(&format!(
        r#"
groups:
  - id: acme
  - id: other
tokens:
  - group: acme
    name: deck
    key: {DECK_TOKEN}
  - group: other
    name: deck
    key: {NARROW_DECK_TOKEN}
mcp_servers:
  - id: kit
    scope: public
    type: embedded
    template: everything
  - id: deck
    scope: public
    type: virtual
    group_tools: {{other: [pair]}}
    prompts:
      - server: kit
        prompt: test_prompt_with_arguments
        name: pair
        description: Two words, the second fixed.
        defaults: {{arg2: fixed}}
      - server: kit
        prompt: test_simple_prompt
        name: simple
    resources:
      - server: kit
        uri: test://static-text
        exposed_uri: deck://text
        description: The renamed text.
      - server: kit
        uri: "test://template/{{id}}/data"
        exposed_uri: "deck://data/{{id}}"
"#
    ))
    .await
}

async fn deck_rpc(hub: &TestHub, token: &str, method: &str, params: Value) -> Value {
    let name = params["name"]
        .as_str()
        .or_else(|| params["uri"].as_str())
        .map(str::to_owned);
    mcp_calls::stateless(
        hub,
        "/mcp/public/deck",
        token,
        method,
        name.as_deref(),
        params,
    )
    .await
    .1
}

fn listed<'a>(reply: &'a Value, list: &str, field: &str) -> Vec<&'a str> {
    reply["result"][list]
        .as_array()
        .unwrap_or_else(|| panic!("no {list}: {reply}"))
        .iter()
        .map(|item| item[field].as_str().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_virtual_server_serves_renamed_prompts_and_resources_of_its_source() {
    let hub = hub_with_a_deck().await;
    let discovered = deck_rpc(&hub, DECK_TOKEN, "server/discover", json!({})).await;
    let capabilities = &discovered["result"]["capabilities"];
    assert!(capabilities.get("prompts").is_some(), "{discovered}");
    assert!(capabilities.get("resources").is_some(), "{discovered}");

    let prompts = deck_rpc(&hub, DECK_TOKEN, "prompts/list", json!({})).await;
    assert_eq!(listed(&prompts, "prompts", "name"), ["pair", "simple"]);
    let pair = &prompts["result"]["prompts"][0];
    assert_eq!(pair["description"], "Two words, the second fixed.");
    assert_eq!(
        pair["arguments"],
        json!([{"name": "arg1", "required": true}])
    );
    // The client's arg2 is overwritten by the fixed one: the round trip through the rename.
    let got = deck_rpc(
        &hub,
        DECK_TOKEN,
        "prompts/get",
        json!({"name": "pair", "arguments": {"arg1": "sun", "arg2": "mine"}}),
    )
    .await;
    assert_eq!(
        got["result"]["messages"][0]["content"]["text"],
        "Prompt with arguments: arg1='sun', arg2='fixed'",
        "{got}"
    );
    assert_eq!(got["result"]["description"], "Two words, the second fixed.");
    let unknown = deck_rpc(
        &hub,
        DECK_TOKEN,
        "prompts/get",
        json!({"name": "test_simple_prompt"}),
    )
    .await;
    assert_eq!(unknown["error"]["code"], -32602, "{unknown}");

    let resources = deck_rpc(&hub, DECK_TOKEN, "resources/list", json!({})).await;
    assert_eq!(listed(&resources, "resources", "uri"), ["deck://text"]);
    assert_eq!(
        resources["result"]["resources"][0]["description"],
        "The renamed text."
    );
    let templates = deck_rpc(&hub, DECK_TOKEN, "resources/templates/list", json!({})).await;
    assert_eq!(
        listed(&templates, "resourceTemplates", "uriTemplate"),
        ["deck://data/{id}"]
    );
    let read = deck_rpc(
        &hub,
        DECK_TOKEN,
        "resources/read",
        json!({"uri": "deck://data/9"}),
    )
    .await;
    let contents = &read["result"]["contents"][0];
    assert_eq!(contents["uri"], "deck://data/9", "{read}");
    assert!(
        contents["text"]
            .as_str()
            .unwrap()
            .contains("Data for ID: 9"),
        "{read}"
    );
    let unknown = deck_rpc(
        &hub,
        DECK_TOKEN,
        "resources/read",
        json!({"uri": "test://static-text"}),
    )
    .await;
    assert_eq!(unknown["error"]["code"], -32602, "{unknown}");

    // The deck's allow-list for `other` names one prompt: the other prompt and every
    // resource are hidden and refused.
    let narrow = deck_rpc(&hub, NARROW_DECK_TOKEN, "prompts/list", json!({})).await;
    assert_eq!(listed(&narrow, "prompts", "name"), ["pair"]);
    let refused = deck_rpc(
        &hub,
        NARROW_DECK_TOKEN,
        "prompts/get",
        json!({"name": "simple"}),
    )
    .await;
    assert_eq!(refused["error"]["code"], -32602, "{refused}");
    let none = deck_rpc(&hub, NARROW_DECK_TOKEN, "resources/list", json!({})).await;
    assert!(listed(&none, "resources", "uri").is_empty(), "{none}");
    let refused = deck_rpc(
        &hub,
        NARROW_DECK_TOKEN,
        "resources/read",
        json!({"uri": "deck://text"}),
    )
    .await;
    assert_eq!(refused["error"]["code"], -32602, "{refused}");

    // In the aggregate, under the deck's prefixes.
    let (_, aggregated) =
        mcp_calls::stateless(&hub, "/mcp", DECK_TOKEN, "prompts/list", None, json!({})).await;
    assert!(
        listed(&aggregated, "prompts", "name").contains(&"deck__pair"),
        "{aggregated}"
    );
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_control_plane_composes_prompts_and_resources_and_refuses_bad_sources() {
    let hub = hub_with_a_deck().await;
    let mut servers =
        pb::mcp_service_client::McpServiceClient::new(support::control_channel(&hub).await);
    let stored = servers
        .get_mcp_server(admin(pb::GetMcpServerRequest { id: "deck".into() }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stored.virtual_prompts.len(), 2);
    assert_eq!(stored.virtual_prompts[0].name, "pair");
    let defaults: Value = serde_json::from_str(&stored.virtual_prompts[0].defaults_json).unwrap();
    assert_eq!(defaults, json!({"arg2": "fixed"}));
    assert_eq!(stored.virtual_resources[1].exposed_uri, "deck://data/{id}");

    // What a virtual server may compose of a source: its prompts, resources and templates.
    let offered = servers
        .list_mcp_server_offerings(admin(pb::ListMcpServerOfferingsRequest {
            id: "kit".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let prompt = offered
        .prompts
        .iter()
        .find(|prompt| prompt.name == "test_prompt_with_arguments")
        .unwrap();
    assert_eq!(prompt.arguments.len(), 2);
    assert!(prompt.arguments[0].required);
    assert!(
        offered
            .resources
            .iter()
            .any(|resource| resource.template && resource.uri == "test://template/{id}/data"),
        "{offered:?}"
    );
    // The deck's own offerings are its composition, renamed.
    let deck = servers
        .list_mcp_server_offerings(admin(pb::ListMcpServerOfferingsRequest {
            id: "deck".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    let names: Vec<&str> = deck.prompts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["pair", "simple"]);

    // The export holds the composition and applying it back changes nothing.
    let mut config =
        pb::config_service_client::ConfigServiceClient::new(support::control_channel(&hub).await);
    let exported = config
        .export(admin(pb::ExportRequest {}))
        .await
        .unwrap()
        .into_inner()
        .document;
    for expected in [
        "prompts:",
        "resources:",
        "exposed_uri: deck://text",
        "arg2: fixed",
    ] {
        assert!(exported.contains(expected), "{expected}: {exported}");
    }
    let again = config
        .apply(admin(pb::ApplyRequest { document: exported }))
        .await
        .unwrap()
        .into_inner();
    assert!(again.report.contains("no changes"), "{}", again.report);

    // Bad sources and compositions are refused by field.
    let acme_kit = pb::McpServer {
        id: "acme-kit".into(),
        scope: pb::McpScope::Group as i32,
        group_id: "acme".into(),
        r#type: pb::McpServerType::Embedded as i32,
        template: "time".into(),
        ..pb::McpServer::default()
    };
    servers
        .create_mcp_server(admin(pb::CreateMcpServerRequest {
            server: Some(acme_kit),
        }))
        .await
        .unwrap();
    let composing = |prompts: Vec<pb::McpVirtualPrompt>, resources: Vec<pb::McpVirtualResource>| {
        pb::McpServer {
            id: "leaky-deck".into(),
            scope: pb::McpScope::Public as i32,
            r#type: pb::McpServerType::Virtual as i32,
            virtual_prompts: prompts,
            virtual_resources: resources,
            ..pb::McpServer::default()
        }
    };
    let prompt_of = |server: &str| pb::McpVirtualPrompt {
        server_id: server.into(),
        prompt: "test_simple_prompt".into(),
        ..Default::default()
    };
    let resource_of = |server: &str, uri: &str, exposed: &str| pb::McpVirtualResource {
        server_id: server.into(),
        uri: uri.into(),
        exposed_uri: exposed.into(),
        ..Default::default()
    };
    for (server, expected) in [
        (
            composing(vec![prompt_of("acme-kit")], Vec::new()),
            "virtual_prompts[0].server",
        ),
        (
            composing(
                vec![
                    prompt_of("kit"),
                    pb::McpVirtualPrompt {
                        name: "from_a_virtual_source".into(),
                        ..prompt_of("deck")
                    },
                ],
                Vec::new(),
            ),
            "virtual_prompts[1].server",
        ),
        (
            composing(
                Vec::new(),
                vec![resource_of("acme-kit", "test://static-text", "")],
            ),
            "virtual_resources[0].server",
        ),
        (
            composing(
                Vec::new(),
                vec![resource_of("kit", "test://template/{id}/data", "d://{key}")],
            ),
            "virtual_resources[0].exposed_uri",
        ),
        (
            composing(
                vec![pb::McpVirtualPrompt {
                    defaults_json: r#"{"arg2": 2}"#.into(),
                    ..prompt_of("kit")
                }],
                Vec::new(),
            ),
            "virtual_prompts[0].defaults_json",
        ),
    ] {
        let refused = servers
            .create_mcp_server(admin(pb::CreateMcpServerRequest {
                server: Some(server),
            }))
            .await
            .unwrap_err();
        assert_eq!(refused.code(), tonic::Code::InvalidArgument, "{refused:?}");
        assert!(
            refused.message().contains(expected),
            "{expected}: {refused:?}"
        );
    }
    // Composing prompts only is a whole virtual server.
    let created = servers
        .create_mcp_server(admin(pb::CreateMcpServerRequest {
            server: Some(composing(vec![prompt_of("kit")], Vec::new())),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(created.virtual_prompts.len(), 1);
    hub.stop().await.unwrap();
}
