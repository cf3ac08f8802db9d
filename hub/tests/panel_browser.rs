//! The panel end to end in headless Chromium: `web/tests/panel.e2e.mjs` (playwright-core) drives the embedded panel against a real hub, and this side checks through gRPC that what the browser created or changed is there.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failure here is a failed test"
)]

mod support;

use std::path::PathBuf;
use std::time::Duration;

use hub::grpc::pb;
use support::mock_openai::MockOpenAi;
use support::{ADMIN_KEY, TestHub, admin, control_channel};

/// The script bounds each wait to 10 s and itself to 90 s; this is the backstop.
const BROWSER_RUN_LIMIT: Duration = Duration::from_secs(150);

#[tokio::test]
async fn panel_round_trip_in_headless_chromium() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        std::path::Path::new(&chromium).exists(),
        "no Chromium at {chromium}: .ci/test installs the chromium package"
    );
    let web = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../web");
    assert!(
        web.join("node_modules/playwright-core").exists(),
        "no web/node_modules: .ci/test runs npm ci in web/"
    );
    let upstream = MockOpenAi::start().await;
    // The MCP page needs a server to list: an embedded one, no network.
    let hub = TestHub::start_with_config(
        "mcp_servers:\n  - {id: clock, scope: public, type: embedded, template: time}\n",
    )
    .await;

    let run = tokio::process::Command::new("node")
        .arg("tests/panel.e2e.mjs")
        .current_dir(&web)
        .env("PANEL_URL", hub.url(""))
        .env("ADMIN_KEY", ADMIN_KEY)
        .env("UPSTREAM_URL", upstream.base_url())
        .env("CHROMIUM", &chromium)
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(BROWSER_RUN_LIMIT, run)
        .await
        .expect("the browser run hung")
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the browser run failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    let created: serde_json::Value = serde_json::from_str(
        stdout
            .lines()
            .rev()
            .find(|line| line.starts_with('{'))
            .expect("the script printed what it created"),
    )
    .unwrap();
    let group_id = created["groupId"].as_str().unwrap();
    let token_key = created["tokenKey"].as_str().unwrap();

    let channel = control_channel(&hub).await;
    let group = pb::group_service_client::GroupServiceClient::new(channel.clone())
        .get_group(admin(pb::GetGroupRequest {
            id: group_id.into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(group.status, pb::Status::Enabled as i32);
    assert_eq!(group.balance, "25.5");
    assert_eq!(group.max_concurrency, Some(7));

    let tokens = pb::token_service_client::TokenServiceClient::new(channel.clone())
        .list_tokens(admin(pb::ListTokensRequest {
            group_id: group_id.into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .tokens;
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].name, created["tokenName"].as_str().unwrap());
    // The key the panel showed once is the key the server issued.
    assert!(token_key.starts_with(&tokens[0].key_prefix), "{token_key}");
    assert_eq!(tokens[0].request_count, 1);
    assert_eq!(tokens[0].status, pb::Status::Disabled as i32);

    let channels = pb::channel_service_client::ChannelServiceClient::new(channel.clone())
        .list_channels(admin(pb::ListChannelsRequest::default()))
        .await
        .unwrap()
        .into_inner()
        .channels;
    assert_eq!(channels.len(), 1);
    assert_eq!(channels[0].name, created["channelName"].as_str().unwrap());
    assert_eq!(channels[0].models, [created["model"].as_str().unwrap()]);
    // The upstream heard the one relayed request, with the key typed into the panel.
    assert_eq!(upstream.hits(), 1);
    assert_eq!(
        upstream.state.last_authorization.lock().unwrap().as_deref(),
        Some("Bearer sk-e2e-upstream-secret-0123456789")
    );

    let model = pb::model_service_client::ModelServiceClient::new(channel.clone())
        .get_model_config(admin(pb::GetModelConfigRequest {
            model: created["model"].as_str().unwrap().into(),
        }))
        .await
        .unwrap()
        .into_inner();
    let price = model.price.unwrap();
    assert_eq!(
        (price.input.as_deref(), price.output.as_deref()),
        (Some("0.15"), Some("0.6"))
    );

    let group_override = pb::model_service_client::ModelServiceClient::new(channel.clone())
        .get_group_model_override(admin(pb::GetGroupModelOverrideRequest {
            group_id: group_id.into(),
            model: created["model"].as_str().unwrap().into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(group_override.rpm, Some(5));
    assert_eq!(group_override.price, None);

    let option = pb::option_service_client::OptionServiceClient::new(channel.clone())
        .get_option(admin(pb::GetOptionRequest {
            key: "PanelE2E".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(option.value, "on");

    let server = pb::mcp_service_client::McpServiceClient::new(channel)
        .get_mcp_server(admin(pb::GetMcpServerRequest { id: "clock".into() }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(server.status, pb::Status::Disabled as i32);
    hub.stop().await.unwrap();
}
