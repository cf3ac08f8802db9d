//! The MCP catalogue over the control plane: `ListTemplates` carries each template's catalogue
//! entry and hides test fixtures (which cannot be created either); servers carry an
//! admin-edited catalogue entry; a docs entry (a server users run elsewhere) is listed and
//! never served, its /mcp route saying why.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use hub::edges::grpc::pb;
use hub::edges::grpc::pb::mcp_service_client::McpServiceClient;
use support::{TestHub, admin, mcp_calls};
use tonic::Code;

const TOKEN: &str = "sk-acme-mcp-catalogue-0001";

async fn hub() -> TestHub {
    let config = format!(
        "groups:\n  - id: acme\ntokens:\n  - group: acme\n    name: catalogue\n    key: {TOKEN}\n"
    );
    TestHub::start_with_config(&config).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_templates_shows_catalogue_entries_and_hides_fixtures() {
    let hub = hub().await;
    let mut mcp = McpServiceClient::new(support::control_channel(&hub).await);
    let listed = mcp
        .list_templates(admin(pb::ListTemplatesRequest {}))
        .await
        .unwrap()
        .into_inner();
    assert!(
        !listed.templates.iter().any(|name| name == "everything"),
        "{:?}",
        listed.templates
    );
    for name in [
        "web-search",
        "tavily",
        "firecrawl",
        "jina-reader",
        "notion",
        "flomo",
    ] {
        let template = listed
            .template_details
            .iter()
            .find(|template| template.name == name)
            .unwrap_or_else(|| panic!("{name} is not listed"));
        let catalogue = template.catalogue.clone().unwrap();
        assert!(!catalogue.display_name.is_empty(), "{name}");
        assert!(!catalogue.display_name_zh.is_empty(), "{name}");
        assert_eq!(catalogue.description, template.description, "{name}");
        assert!(!catalogue.description_zh.is_empty(), "{name}");
        assert!(!catalogue.tags.is_empty(), "{name}");
        assert!(catalogue.readme.len() > 100, "{name}");
        assert!(catalogue.homepage.starts_with("https://"), "{name}");
    }
    let tavily = listed
        .template_details
        .iter()
        .find(|template| template.name == "tavily")
        .and_then(|template| template.catalogue.clone())
        .unwrap();
    assert_eq!(tavily.display_name_zh, "Tavily AI 搜索");
    assert!(tavily.tags.contains(&"search".to_owned()));

    // The fixture is not a product server: refused on create, and on a switch to it.
    let everything = pb::McpServer {
        id: "kitchen-sink".into(),
        scope: pb::McpScope::Public as i32,
        r#type: pb::McpServerType::Embedded as i32,
        template: "everything".into(),
        ..pb::McpServer::default()
    };
    let refused = mcp
        .create_mcp_server(admin(pb::CreateMcpServerRequest {
            server: Some(everything.clone()),
        }))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert!(
        refused.message().contains("fixture"),
        "{}",
        refused.message()
    );
    mcp.create_mcp_server(admin(pb::CreateMcpServerRequest {
        server: Some(pb::McpServer {
            template: "time".into(),
            ..everything.clone()
        }),
    }))
    .await
    .unwrap();
    let refused = mcp
        .update_mcp_server(admin(pb::UpdateMcpServerRequest {
            server: Some(everything),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["template".into()],
            }),
        }))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);
    hub.stop().await.unwrap();
}

fn catalogue(display_name: &str) -> pb::McpCatalogue {
    pb::McpCatalogue {
        display_name: display_name.into(),
        display_name_zh: "本地文件".into(),
        description: "Read and write local files".into(),
        description_zh: "读写本地文件".into(),
        tags: vec!["Files".into(), " local ".into()],
        readme: "# Filesystem\n\nRuns on your machine.".into(),
        logo: "https://example.com/logo.png".into(),
        homepage: "https://github.com/modelcontextprotocol/servers".into(),
        install: "npx -y @modelcontextprotocol/server-filesystem ~/Documents".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_docs_entry_is_listed_with_its_catalogue_and_never_served() {
    let hub = hub().await;
    let mut mcp = McpServiceClient::new(support::control_channel(&hub).await);
    let created = mcp
        .create_mcp_server(admin(pb::CreateMcpServerRequest {
            server: Some(pb::McpServer {
                id: "filesystem".into(),
                scope: pb::McpScope::Public as i32,
                r#type: pb::McpServerType::Docs as i32,
                catalogue: Some(catalogue("Filesystem")),
                ..pb::McpServer::default()
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    let stored = created.catalogue.unwrap();
    // Tags are kept lowercase and trimmed.
    assert_eq!(stored.tags, ["files", "local"]);
    assert_eq!(stored.install, catalogue("").install);

    let listed = mcp
        .list_mcp_servers(admin(pb::ListMcpServersRequest::default()))
        .await
        .unwrap()
        .into_inner();
    let entry = listed
        .servers
        .iter()
        .find(|server| server.id == "filesystem")
        .unwrap();
    assert_eq!(entry.r#type, pb::McpServerType::Docs as i32);
    assert_eq!(entry.catalogue.as_ref().unwrap().display_name, "Filesystem");

    let (status, reply) = mcp_calls::stateless(
        &hub,
        "/mcp/public/filesystem",
        TOKEN,
        "tools/list",
        None,
        serde_json::json!({}),
    )
    .await;
    assert_eq!(status, 404, "{reply}");
    let message = reply["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("catalogue entry only"), "{reply}");
    assert!(
        message.contains("https://github.com/modelcontextprotocol/servers"),
        "{reply}"
    );
    // A server that does not exist still answers a bare not found.
    let (status, reply) = mcp_calls::stateless(
        &hub,
        "/mcp/public/nothing-here",
        TOKEN,
        "tools/list",
        None,
        serde_json::json!({}),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(reply["error"]["message"], "server not found");
    // Testing it says it is not served, rather than failing to connect.
    let tested = mcp
        .test_mcp_server(admin(pb::TestMcpServerRequest {
            id: "filesystem".into(),
            group_id: String::new(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(!tested.ok);
    assert!(tested.error.contains("runs elsewhere"), "{}", tested.error);

    // A docs entry with nothing to show is refused, as is a logo a browser would run.
    let empty = mcp
        .create_mcp_server(admin(pb::CreateMcpServerRequest {
            server: Some(pb::McpServer {
                id: "empty".into(),
                scope: pb::McpScope::Public as i32,
                r#type: pb::McpServerType::Docs as i32,
                ..pb::McpServer::default()
            }),
        }))
        .await
        .unwrap_err();
    assert_eq!(empty.code(), Code::InvalidArgument);
    let script_logo = mcp
        .create_mcp_server(admin(pb::CreateMcpServerRequest {
            server: Some(pb::McpServer {
                id: "scripted".into(),
                scope: pb::McpScope::Public as i32,
                r#type: pb::McpServerType::Docs as i32,
                catalogue: Some(pb::McpCatalogue {
                    logo: "javascript:alert(1)".into(),
                    ..catalogue("Scripted")
                }),
                ..pb::McpServer::default()
            }),
        }))
        .await
        .unwrap_err();
    assert_eq!(script_logo.code(), Code::InvalidArgument);
    assert!(
        script_logo.message().contains("logo"),
        "{}",
        script_logo.message()
    );
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_embedded_servers_catalogue_entry_is_edited_and_it_keeps_serving() {
    let hub = hub().await;
    let mut mcp = McpServiceClient::new(support::control_channel(&hub).await);
    mcp.create_mcp_server(admin(pb::CreateMcpServerRequest {
        server: Some(pb::McpServer {
            id: "clock".into(),
            scope: pb::McpScope::Public as i32,
            r#type: pb::McpServerType::Embedded as i32,
            template: "time".into(),
            ..pb::McpServer::default()
        }),
    }))
    .await
    .unwrap();
    let updated = mcp
        .update_mcp_server(admin(pb::UpdateMcpServerRequest {
            server: Some(pb::McpServer {
                id: "clock".into(),
                catalogue: Some(pb::McpCatalogue {
                    display_name: "World Clock".into(),
                    display_name_zh: "世界时钟".into(),
                    tags: vec!["time".into()],
                    ..pb::McpCatalogue::default()
                }),
                ..pb::McpServer::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["catalogue".into()],
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.template, "time");
    let got = mcp
        .get_mcp_server(admin(pb::GetMcpServerRequest { id: "clock".into() }))
        .await
        .unwrap()
        .into_inner();
    let entry = got.catalogue.unwrap();
    assert_eq!(
        (entry.display_name.as_str(), entry.display_name_zh.as_str()),
        ("World Clock", "世界时钟")
    );
    let reply = mcp_calls::call_tool(
        &hub,
        "/mcp/public/clock",
        TOKEN,
        "get_current_time",
        serde_json::json!({"timezone": "UTC"}),
    )
    .await;
    assert_eq!(
        reply["result"]["structuredContent"]["timezone"], "UTC",
        "{reply}"
    );
    hub.stop().await.unwrap();
}
