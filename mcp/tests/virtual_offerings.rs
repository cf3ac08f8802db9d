//! Virtual servers composing prompts and resources: renamed, redescribed, prompt arguments fixed, templates renamed, allow-lists and subscriptions.

use std::time::Duration;

use mcp::{
    McpConfig, Scope, ServerDefinition, ServerKind, VirtualComposition, VirtualPrompt,
    VirtualResource, VirtualTool,
};
use rmcp::model::{
    ArgumentInfo, CompleteRequestParams, ContentBlock, ErrorCode, GetPromptRequestParams,
    ReadResourceRequestParams, Reference, SubscribeRequestParams,
};
use serde_json::{Map, Value, json};
use tenancy::{McpAllowList, ToolFilter};

use crate::common::{FakeDirectory, caller, embedded, remote, serve, server};
use crate::offerings::{Heard, changing, client, error_code, text_of};

fn prompt(source: &str, name: Option<&str>, defaults: &[(&str, &str)]) -> VirtualPrompt {
    VirtualPrompt {
        server: "kit".into(),
        prompt: source.into(),
        name: name.map(str::to_owned),
        description: None,
        defaults: defaults
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect(),
    }
}

fn resource(server: &str, uri: &str, exposed: Option<&str>) -> VirtualResource {
    VirtualResource {
        server: server.into(),
        uri: uri.into(),
        exposed_uri: exposed.map(str::to_owned),
        ..VirtualResource::default()
    }
}

fn virtual_server(id: &str, composition: VirtualComposition) -> std::sync::Arc<ServerDefinition> {
    server(id, Scope::Public, ServerKind::Virtual(composition))
}

/// `kit` (the `everything` fixture), `box` composing two of its prompts and two of its
/// resources, and `tools` composing a tool only.
fn directory() -> FakeDirectory {
    let kit = server("kit", Scope::Public, embedded("everything", &[]));
    let pair = VirtualPrompt {
        description: Some("Two words, the second fixed".into()),
        ..prompt(
            "test_prompt_with_arguments",
            Some("pair"),
            &[("arg2", "fixed")],
        )
    };
    let text = VirtualResource {
        name: Some("text".into()),
        description: Some("The renamed text".into()),
        ..resource("kit", "test://static-text", Some("box://text"))
    };
    let composed = VirtualComposition {
        prompts: vec![pair, prompt("test_simple_prompt", None, &[])],
        resources: vec![
            text,
            resource("kit", "test://template/{id}/data", Some("box://data/{id}")),
        ],
        sources: vec![(*kit).clone()],
        ..VirtualComposition::default()
    };
    let tools_only = VirtualComposition {
        tools: vec![VirtualTool {
            server: "kit".into(),
            tool: "echo".into(),
            ..VirtualTool::default()
        }],
        sources: vec![(*kit).clone()],
        ..VirtualComposition::default()
    };
    let narrow = McpAllowList {
        servers: [(
            "box".to_owned(),
            ToolFilter::Only(["pair".to_owned()].into()),
        )]
        .into(),
    };
    FakeDirectory {
        tokens: [
            ("tok-full".to_owned(), caller("gv", 1, None)),
            ("tok-narrow".to_owned(), caller("gv", 2, Some(narrow))),
        ]
        .into(),
        servers: vec![
            kit,
            virtual_server("box", composed),
            virtual_server("tools", tools_only),
        ],
    }
}

fn arguments(pairs: &[(&str, &str)]) -> Map<String, Value> {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), json!(value)))
        .collect()
}

fn only_text(content: &ContentBlock) -> &str {
    &content
        .as_text()
        .unwrap_or_else(|| panic!("not text: {content:?}"))
        .text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompts_and_resources_are_renamed_fixed_and_routed_to_their_source() {
    let gateway = serve(directory(), McpConfig::default()).await;
    let (composed, _heard) = client(gateway.url("/public/box"), "tok-full").await;
    let peer = composed.peer();
    let capabilities = peer.peer_info().unwrap().capabilities.clone();
    assert!(capabilities.prompts.is_some(), "{capabilities:?}");
    assert!(capabilities.resources.is_some(), "{capabilities:?}");
    assert!(capabilities.completions.is_some(), "{capabilities:?}");

    // Prompts: renamed, redescribed, the fixed argument gone from the listing and set on get.
    let prompts = peer.list_prompts(None).await.unwrap().prompts;
    let names: Vec<&str> = prompts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["pair", "test_simple_prompt"]);
    let pair = &prompts[0];
    assert_eq!(
        pair.description.as_deref(),
        Some("Two words, the second fixed")
    );
    let listed: Vec<&str> = pair
        .arguments
        .iter()
        .flatten()
        .map(|argument| argument.name.as_str())
        .collect();
    assert_eq!(listed, ["arg1"]);
    let mut get = GetPromptRequestParams::new("pair");
    get.arguments = Some(arguments(&[("arg1", "sun"), ("arg2", "client's")]));
    let got = peer.get_prompt(get).await.unwrap();
    assert_eq!(
        only_text(&got.messages[0].content),
        "Prompt with arguments: arg1='sun', arg2='fixed'"
    );
    assert_eq!(
        got.description.as_deref(),
        Some("Two words, the second fixed")
    );
    for hidden in ["test_prompt_with_arguments", "test_prompt_with_image"] {
        let refused = peer
            .get_prompt(GetPromptRequestParams::new(hidden))
            .await
            .unwrap_err();
        assert_eq!(error_code(refused), ErrorCode::INVALID_PARAMS, "{hidden}");
    }

    // Completions reach the source under its own name; a fixed argument has none.
    let complete = |argument: &str, value: &str| {
        CompleteRequestParams::new(
            Reference::for_prompt("pair"),
            ArgumentInfo::new(argument, value),
        )
    };
    let completed = peer.complete(complete("arg1", "par")).await.unwrap();
    assert_eq!(completed.completion.values, ["paris", "park", "party"]);
    let fixed = peer.complete(complete("arg2", "")).await.unwrap();
    assert!(fixed.completion.values.is_empty());

    // Resources and templates under the URIs the virtual server shows.
    let resources = peer.list_resources(None).await.unwrap().resources;
    assert_eq!(resources.len(), 1, "{resources:?}");
    assert_eq!(resources[0].uri, "box://text");
    assert_eq!(resources[0].name, "text");
    assert_eq!(
        resources[0].description.as_deref(),
        Some("The renamed text")
    );
    let templates = peer
        .list_resource_templates(None)
        .await
        .unwrap()
        .resource_templates;
    let listed: Vec<&str> = templates.iter().map(|t| t.uri_template.as_str()).collect();
    assert_eq!(listed, ["box://data/{id}"]);
    let read = peer
        .read_resource(ReadResourceRequestParams::new("box://text"))
        .await
        .unwrap();
    assert_eq!(
        text_of(&read.contents[0]),
        (
            "box://text",
            "This is the content of the static text resource."
        )
    );
    let read = peer
        .read_resource(ReadResourceRequestParams::new("box://data/42"))
        .await
        .unwrap();
    let (uri, text) = text_of(&read.contents[0]);
    assert_eq!(uri, "box://data/42");
    assert!(text.contains("Data for ID: 42"), "{text}");
    for unknown in ["test://static-text", "test://static-binary", "box://data/"] {
        let refused = peer
            .read_resource(ReadResourceRequestParams::new(unknown))
            .await
            .unwrap_err();
        assert_eq!(error_code(refused), ErrorCode::INVALID_PARAMS, "{unknown}");
    }

    // The aggregated view prefixes them like any server's.
    let (aggregated, _heard) = client(gateway.url(""), "tok-full").await;
    let prompts = aggregated.peer().list_prompts(None).await.unwrap().prompts;
    assert!(prompts.iter().any(|p| p.name == "box__pair"), "{prompts:?}");
    let read = aggregated
        .peer()
        .read_resource(ReadResourceRequestParams::new("aiproxy://box/box://data/7"))
        .await
        .unwrap();
    assert_eq!(text_of(&read.contents[0]).0, "aiproxy://box/box://data/7");

    // A server composing tools only offers neither prompts nor resources.
    let (tools, _heard) = client(gateway.url("/public/tools"), "tok-full").await;
    let capabilities = tools.peer().peer_info().unwrap().capabilities.clone();
    assert!(capabilities.prompts.is_none(), "{capabilities:?}");
    assert!(capabilities.resources.is_none(), "{capabilities:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_narrowed_to_one_prompt_sees_no_other_item() {
    let gateway = serve(directory(), McpConfig::default()).await;
    let (narrow, _heard) = client(gateway.url("/public/box"), "tok-narrow").await;
    let peer = narrow.peer();
    let prompts = peer.list_prompts(None).await.unwrap().prompts;
    let names: Vec<&str> = prompts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["pair"]);
    let refused = peer
        .get_prompt(GetPromptRequestParams::new("test_simple_prompt"))
        .await
        .unwrap_err();
    assert_eq!(error_code(refused), ErrorCode::INVALID_PARAMS);
    assert!(
        peer.list_resources(None)
            .await
            .unwrap()
            .resources
            .is_empty()
    );
    let refused = peer
        .read_resource(ReadResourceRequestParams::new("box://text"))
        .await
        .unwrap_err();
    assert_eq!(error_code(refused), ErrorCode::INVALID_PARAMS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_source_s_resource_updates_reach_the_subscriber_under_the_virtual_uri() {
    let upstream = changing::serve().await;
    let notes = server(
        "notes",
        Scope::Public,
        ServerKind::ProxyStreamable(remote(upstream, &[])),
    );
    let composed = VirtualComposition {
        resources: vec![resource("notes", changing::URI, Some("box://note"))],
        sources: vec![(*notes).clone()],
        ..VirtualComposition::default()
    };
    let directory = FakeDirectory {
        tokens: [("tok-full".to_owned(), caller("gv", 1, None))].into(),
        servers: vec![notes, virtual_server("box", composed)],
    };
    let gateway = serve(directory, McpConfig::default()).await;
    let (subscriber, mut heard) = client(gateway.url("/public/box"), "tok-full").await;
    let capabilities = subscriber.peer().peer_info().unwrap().capabilities.clone();
    assert_eq!(
        capabilities.resources.and_then(|r| r.subscribe),
        Some(true),
        "the source offers subscriptions"
    );
    #[expect(
        deprecated,
        reason = "the session era's subscription is what is tested"
    )]
    let subscribed = subscriber
        .peer()
        .subscribe(SubscribeRequestParams::new("box://note"))
        .await;
    subscribed.unwrap();
    let updated = loop {
        let next = tokio::time::timeout(Duration::from_secs(10), heard.recv())
            .await
            .expect("the subscriber heard nothing")
            .unwrap();
        if let Heard::Updated(uri) = next {
            break uri;
        }
    };
    assert_eq!(updated, "box://note");
}
