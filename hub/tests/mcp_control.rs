//! `McpService.TestMcpServer` and `ListMcpServerTools` for every kind of server (embedded,
//! Streamable and SSE proxies; OpenAPI is in `mcp_openapi.rs`), with a group's parameters applied
//! when a group is named; `ListTemplates` describing each embedded template as it declares itself
//! (its catalogue entry and the fixtures it hides: `mcp_catalogue.rs`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use hub::edges::grpc::pb;
use hub::edges::grpc::pb::mcp_service_client::McpServiceClient;
use support::{TestHub, admin};
use tonic::Code;
use tonic::transport::Channel;

const TOKEN: &str = "sk-acme-mcp-control-0001";

async fn hub_with_a_clock() -> TestHub {
    let config = format!(
        "groups:\n  - id: acme\n  - id: other\ntokens:\n  - group: acme\n    name: control\n    key: {TOKEN}\nmcp_servers:\n  - id: clock\n    scope: public\n    type: embedded\n    template: time\n  - id: acme-clock\n    scope: group\n    group: acme\n    type: embedded\n    template: time\n"
    );
    TestHub::start_with_config(&config).await
}

async fn test(
    mcp: &mut McpServiceClient<Channel>,
    id: &str,
    group: &str,
) -> pb::TestMcpServerResponse {
    mcp.test_mcp_server(admin(pb::TestMcpServerRequest {
        id: id.into(),
        group_id: group.into(),
    }))
    .await
    .unwrap()
    .into_inner()
}

async fn tool_names(mcp: &mut McpServiceClient<Channel>, id: &str, group: &str) -> Vec<String> {
    let mut names: Vec<String> = mcp
        .list_mcp_server_tools(admin(pb::ListMcpServerToolsRequest {
            id: id.into(),
            group_id: group.into(),
        }))
        .await
        .unwrap()
        .into_inner()
        .tools
        .into_iter()
        .map(|tool| tool.name)
        .collect();
    names.sort();
    names
}

async fn set_group_params(mcp: &mut McpServiceClient<Channel>, id: &str, params: &[(&str, &str)]) {
    mcp.set_group_mcp_params(admin(pb::SetGroupMcpParamsRequest {
        params: Some(pb::GroupMcpParams {
            server_id: id.into(),
            group_id: "acme".into(),
            params: params
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
            updated_at_ms: 0,
        }),
    }))
    .await
    .unwrap();
}

async fn create_proxy(
    mcp: &mut McpServiceClient<Channel>,
    id: &str,
    kind: pb::McpServerType,
    url: String,
    headers: &[(&str, &str)],
) {
    mcp.create_mcp_server(admin(pb::CreateMcpServerRequest {
        server: Some(pb::McpServer {
            id: id.into(),
            scope: pb::McpScope::Public as i32,
            r#type: kind as i32,
            url,
            headers: headers
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
            ..pb::McpServer::default()
        }),
    }))
    .await
    .unwrap();
}

const CLOCK_TOOLS: [&str; 2] = ["convert_time", "get_current_time"];

/// A template parameter as a comparable row: name, description, who sets it, required.
type ParamRow = (String, String, pb::McpTemplateParamOwner, bool);

fn declared_params(template: &mcp::TemplateInfo) -> Vec<ParamRow> {
    template
        .params
        .iter()
        .map(|param| {
            let set_by = match param.set_by {
                mcp::ParamOwner::Admin => pb::McpTemplateParamOwner::Admin,
                mcp::ParamOwner::Group => pb::McpTemplateParamOwner::Group,
            };
            (
                param.name.to_owned(),
                param.description.to_owned(),
                set_by,
                param.required,
            )
        })
        .collect()
}

fn described_params(template: &pb::McpTemplate) -> Vec<ParamRow> {
    template
        .params
        .iter()
        .map(|param| {
            (
                param.name.clone(),
                param.description.clone(),
                param.set_by(),
                param.required,
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_templates_describes_each_template_as_it_declares_itself() {
    let hub = TestHub::start().await;
    let mut mcp = McpServiceClient::new(support::control_channel(&hub).await);
    let listed = mcp
        .list_templates(admin(pb::ListTemplatesRequest {}))
        .await
        .unwrap()
        .into_inner();
    // Test fixtures (`everything`) are instantiable by name but not offered: not listed.
    let declared: Vec<&mcp::TemplateInfo> = mcp::embedded_templates()
        .iter()
        .filter(|template| !template.catalogue.fixture)
        .collect();
    // Field 1 still names every offered template, in the order of the descriptions.
    let names: Vec<&str> = declared.iter().map(|template| template.name).collect();
    assert_eq!(listed.templates, names);
    let described: Vec<&str> = listed
        .template_details
        .iter()
        .map(|template| template.name.as_str())
        .collect();
    assert_eq!(described, names);

    for template in declared {
        let answer = listed
            .template_details
            .iter()
            .find(|answer| answer.name == template.name)
            .unwrap();
        assert_eq!(
            answer.description, template.description,
            "{}",
            template.name
        );
        assert_eq!(
            described_params(answer),
            declared_params(template),
            "{}",
            template.name
        );
    }
    // `time` and `fetch` have parameters to describe, of both owners: a group-set zone and
    // admin-set limits.
    let owners = |name: &str| -> Vec<pb::McpTemplateParamOwner> {
        listed
            .template_details
            .iter()
            .filter(|template| template.name == name)
            .flat_map(|template| template.params.iter().map(pb::McpTemplateParam::set_by))
            .collect()
    };
    assert!(owners("time").contains(&pb::McpTemplateParamOwner::Group));
    assert!(owners("fetch").contains(&pb::McpTemplateParamOwner::Admin));
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_embedded_server_is_tested_and_listed_with_the_groups_parameters() {
    let hub = hub_with_a_clock().await;
    let mut mcp = McpServiceClient::new(support::control_channel(&hub).await);
    let tested = test(&mut mcp, "clock", "").await;
    assert!(tested.ok, "{}", tested.error);
    assert_eq!(tested.tool_count, 2);
    let tools = mcp
        .list_mcp_server_tools(admin(pb::ListMcpServerToolsRequest {
            id: "clock".into(),
            group_id: String::new(),
        }))
        .await
        .unwrap()
        .into_inner()
        .tools;
    let convert = tools
        .iter()
        .find(|tool| tool.name == "convert_time")
        .unwrap();
    assert!(!convert.description.is_empty());
    let schema: serde_json::Value = serde_json::from_str(&convert.input_schema_json).unwrap();
    assert!(
        schema["properties"]["target_timezone"].is_object(),
        "{schema}"
    );

    // The group's own parameter reaches the template: a zone that does not exist breaks the
    // server for that group only.
    set_group_params(
        &mut mcp,
        "clock",
        &[("local_timezone", "Mars/Olympus_Mons")],
    )
    .await;
    let broken = test(&mut mcp, "clock", "acme").await;
    assert!(!broken.ok);
    assert!(broken.error.contains("time zone"), "{}", broken.error);
    assert!(test(&mut mcp, "clock", "other").await.ok);
    let refused = mcp
        .list_mcp_server_tools(admin(pb::ListMcpServerToolsRequest {
            id: "clock".into(),
            group_id: "acme".into(),
        }))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition);

    // A group server is looked at for its own group only; unknown servers are not found.
    assert!(test(&mut mcp, "acme-clock", "").await.ok);
    let other_group = mcp
        .test_mcp_server(admin(pb::TestMcpServerRequest {
            id: "acme-clock".into(),
            group_id: "other".into(),
        }))
        .await
        .unwrap_err();
    assert_eq!(other_group.code(), Code::InvalidArgument);
    let missing = mcp
        .test_mcp_server(admin(pb::TestMcpServerRequest {
            id: "nope".into(),
            group_id: String::new(),
        }))
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxies_of_both_transports_are_tested_by_connecting_to_the_remote_server() {
    // The remote server is this same hub's embedded clock, which wants a tenant token.
    let hub = hub_with_a_clock().await;
    let mut mcp = McpServiceClient::new(support::control_channel(&hub).await);
    let bearer = format!("Bearer {TOKEN}");

    create_proxy(
        &mut mcp,
        "remote",
        pb::McpServerType::ProxyStreamable,
        hub.url("/mcp/public/clock"),
        &[],
    )
    .await;
    let unauthorized = test(&mut mcp, "remote", "").await;
    assert!(!unauthorized.ok, "no token, no tools");
    assert!(!unauthorized.error.is_empty());
    // The group's secret is sent as a header: with it the remote server answers.
    set_group_params(&mut mcp, "remote", &[("Authorization", &bearer)]).await;
    let tested = test(&mut mcp, "remote", "acme").await;
    assert!(tested.ok, "{}", tested.error);
    assert_eq!(tested.tool_count, 2);
    assert_eq!(tool_names(&mut mcp, "remote", "acme").await, CLOCK_TOOLS);

    create_proxy(
        &mut mcp,
        "remote-sse",
        pb::McpServerType::ProxySse,
        hub.url("/mcp/public/clock/sse"),
        &[("Authorization", &bearer)],
    )
    .await;
    let tested = test(&mut mcp, "remote-sse", "").await;
    assert!(tested.ok, "{}", tested.error);
    assert_eq!(tool_names(&mut mcp, "remote-sse", "").await, CLOCK_TOOLS);

    create_proxy(
        &mut mcp,
        "nowhere",
        pb::McpServerType::ProxyStreamable,
        "http://127.0.0.1:9/mcp".into(),
        &[],
    )
    .await;
    let down = test(&mut mcp, "nowhere", "").await;
    assert!(!down.ok);
    assert!(!down.error.is_empty());
    hub.stop().await.unwrap();
}
