//! The panel's operator views in headless Chromium (`web/tests/operations.e2e.mjs`): bans listed and cleared one and all, current rates on the dashboard.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failure here is a failed test"
)]

use std::path::PathBuf;
use std::time::Duration;

use hub::edges::grpc::pb;
use serde_json::json;

use crate::support;
use support::mock_openai::MockOpenAi;
use support::{ADMIN_KEY, TestHub, admin, control_channel};

const TOKEN: &str = "sk-acme-panel-ops-0001";
/// The script bounds each wait to 10 s and itself to 90 s; this is the backstop.
const BROWSER_RUN_LIMIT: Duration = Duration::from_secs(120);

async fn bans(hub: &TestHub) -> Vec<pb::ChannelBan> {
    pb::channel_service_client::ChannelServiceClient::new(control_channel(hub).await)
        .list_channel_bans(admin(pb::ListChannelBansRequest { channel_id: None }))
        .await
        .unwrap()
        .into_inner()
        .bans
}

#[tokio::test]
async fn bans_are_cleared_and_current_rates_shown_in_headless_chromium() {
    if !support::external_clients("Node, web/node_modules and Chromium") {
        return;
    }
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let web = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../web");
    assert!(
        web.join("node_modules/playwright-core").exists(),
        "no web/node_modules: .ci/test runs npm ci in web/"
    );
    let revoked = MockOpenAi::start().await;
    *revoked.state.fail_with.lock().unwrap() = Some(401);
    let healthy = MockOpenAi::start().await;
    let hub = TestHub::start_with_config(&format!(
        "groups:\n  - id: acme\ntokens:\n  - group: acme\n    name: ci\n    key: {TOKEN}\nchannels:\n  - name: revoked\n    type: openai\n    base_url: {}\n    key: sk-revoked\n    models: [m1, m2]\n    priority: 10\n  - name: healthy\n    type: openai\n    base_url: {}\n    key: sk-ok\n    models: [m1, m2]\nmodels:\n  - model: m1\n  - model: m2\n",
        revoked.base_url(),
        healthy.base_url()
    ))
    .await;

    // Each model's request is refused by the revoked key (banned at once) and served by the
    // healthy channel.
    for model in ["m1", "m2"] {
        let status = reqwest::Client::new()
            .post(hub.url("/v1/chat/completions"))
            .bearer_auth(TOKEN)
            .json(&json!({"model": model, "messages": [{"role": "user", "content": "hi"}]}))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 200, "{model}");
    }
    let banned = bans(&hub).await;
    assert_eq!(banned.len(), 2, "{banned:?}");
    let expected: Vec<serde_json::Value> = banned
        .iter()
        .map(|ban| json!({"channelId": ban.channel_id, "model": ban.model}))
        .collect();

    let run = tokio::process::Command::new("node")
        .arg("tests/operations.e2e.mjs")
        .current_dir(&web)
        .env("PANEL_URL", hub.url(""))
        .env("ADMIN_KEY", ADMIN_KEY)
        .env("BANNED", serde_json::Value::from(expected).to_string())
        .env("GROUP", "acme")
        .env("MODELS", json!(["m1", "m2"]).to_string())
        .env("CHROMIUM", &chromium)
        .kill_on_drop(true)
        .output();
    let seen = crate::support::browser::report_of(run, BROWSER_RUN_LIMIT).await;

    // The dashboard showed the live counters: two requests of the group, one per model, with
    // the mock's tokens.
    assert_eq!(seen["groupCells"][0], "acme", "{seen}");
    assert_eq!(seen["groupCells"][1], "2", "{seen}");
    assert_ne!(seen["groupCells"][2], "0", "{seen}");
    for model in ["m1", "m2"] {
        assert_eq!(seen["modelRows"][model][1], "1", "{seen}");
    }
    // The panel's clears reached the server: nothing is banned, and the revoked channel
    // (fixed meanwhile) is tried first again.
    assert!(bans(&hub).await.is_empty());
    *revoked.state.fail_with.lock().unwrap() = None;
    let hits = revoked.hits();
    let status = reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(TOKEN)
        .json(&json!({"model": "m1", "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    assert_eq!(revoked.hits(), hits + 1);
    hub.stop().await.unwrap();
}
