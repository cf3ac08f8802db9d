//! Runtime options through the whole server: each option set through `OptionService` changes what the next request meets; unknown keys or values are refused.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use std::time::Duration;

use hub::edges::grpc::pb;
use serde_json::{Value, json};
use tonic::Code;

use crate::support;
use support::TestHub;
use support::mock_openai::MockOpenAi;
use support::mock_openai_wire::MockOpenAiWire;

const TOKEN: &str = "sk-acme-options-0001";

/// A hub with group `acme`, one token, the given channels and models.
async fn hub_with(channels: &str, models: &str) -> TestHub {
    let config = format!(
        r#"
groups:
  - id: acme
tokens:
  - group: acme
    name: ci
    key: {TOKEN}
channels:
{channels}
models:
{models}
mcp_servers:
  - id: clock
    scope: public
    type: embedded
    template: time
"#
    );
    TestHub::start_with_config(&config).await
}

fn channel(name: &str, base_url: &str, models: &str, extra: &str) -> String {
    format!(
        "  - name: {name}\n    type: openai\n    base_url: {base_url}\n    key: sk-up\n    models: {models}\n{extra}"
    )
}

async fn set_option(hub: &TestHub, key: &str, value: &str) -> Result<(), tonic::Status> {
    pb::option_service_client::OptionServiceClient::new(support::control_channel(hub).await)
        .set_option(support::admin(pb::SetOptionRequest {
            option: Some(pb::Option {
                key: key.into(),
                value: value.into(),
            }),
        }))
        .await
        .map(|_| ())
}

async fn delete_option(hub: &TestHub, key: &str) {
    pb::option_service_client::OptionServiceClient::new(support::control_channel(hub).await)
        .delete_option(support::admin(pb::DeleteOptionRequest { key: key.into() }))
        .await
        .unwrap();
}

async fn chat(hub: &TestHub, model: &str, content: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(TOKEN)
        .json(&json!({"model": model, "messages": [{"role": "user", "content": content}]}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn unknown_options_and_unreadable_values_are_refused_and_nothing_is_stored() {
    let upstream = MockOpenAi::start().await;
    let hub = hub_with(
        &channel("up", &upstream.base_url(), "[m]", ""),
        "  - model: m\n",
    )
    .await;
    for (key, value, field) in [
        ("NoSuchOption", "1", "option.key"),
        ("RetryTimes", "many", "option.value"),
        ("DisableServe", "maybe", "option.value"),
        (
            "DefaultChannelModels",
            r#"{"no-such-type": ["m"]}"#,
            "option.value",
        ),
    ] {
        let status = set_option(&hub, key, value).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{key}={value}");
        assert!(status.message().contains(field), "{}", status.message());
    }
    let stored =
        pb::option_service_client::OptionServiceClient::new(support::control_channel(&hub).await)
            .list_options(support::admin(pb::ListOptionsRequest {}))
            .await
            .unwrap()
            .into_inner();
    assert!(stored.options.is_empty(), "{:?}", stored.options);
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn disable_serve_answers_503_on_the_relay_and_mcp_while_the_control_plane_stays_up() {
    let upstream = MockOpenAi::start().await;
    let hub = hub_with(
        &channel("up", &upstream.base_url(), "[m]", ""),
        "  - model: m\n",
    )
    .await;
    assert_eq!(chat(&hub, "m", "hi").await.0, 200);

    set_option(&hub, "DisableServe", "true").await.unwrap();
    let (status, body) = chat(&hub, "m", "hi").await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"]["code"], "maintenance");
    let mcp = reqwest::Client::new()
        .post(hub.url("/mcp/public/clock"))
        .bearer_auth(TOKEN)
        .header("accept", "application/json, text/event-stream")
        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}))
        .send()
        .await
        .unwrap();
    assert_eq!(mcp.status(), 503);
    // The control plane still answers, so the switch can be turned back.
    set_option(&hub, "DisableServe", "false").await.unwrap();
    assert_eq!(chat(&hub, "m", "hi").await.0, 200);
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn retry_times_decides_how_many_channels_a_failing_request_tries() {
    let failing: Vec<MockOpenAi> =
        futures::future::join_all((0..3).map(|_| MockOpenAi::start())).await;
    for mock in &failing {
        *mock.state.fail_with.lock().unwrap() = Some(500);
    }
    let channels: String = failing
        .iter()
        .enumerate()
        .map(|(index, mock)| channel(&format!("bad{index}"), &mock.base_url(), "[m]", ""))
        .collect();
    let hub = hub_with(&channels, "  - model: m\n").await;
    let hits = || failing.iter().map(MockOpenAi::hits).sum::<usize>();

    set_option(&hub, "RetryTimes", "0").await.unwrap();
    assert!(chat(&hub, "m", "hi").await.0 >= 500);
    assert_eq!(hits(), 1, "no retry with RetryTimes 0");

    set_option(&hub, "RetryTimes", "2").await.unwrap();
    assert!(chat(&hub, "m", "hi").await.0 >= 500);
    assert_eq!(hits(), 1 + 3, "one attempt per channel with RetryTimes 2");
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn default_channel_models_and_mapping_fill_in_what_a_channel_leaves_out() {
    let upstream = MockOpenAiWire::start().await;
    let hub = hub_with(
        &channel("bare", &upstream.base_url(), "[]", ""),
        "  - model: alias\n  - model: real\n",
    )
    .await;
    assert_eq!(
        chat(&hub, "alias", "hi").await.0,
        404,
        "no channel serves it yet"
    );

    set_option(
        &hub,
        "DefaultChannelModels",
        r#"{"openai": ["alias", "real"]}"#,
    )
    .await
    .unwrap();
    set_option(
        &hub,
        "DefaultChannelModelMapping",
        r#"{"openai": {"alias": "real-upstream"}}"#,
    )
    .await
    .unwrap();
    let (status, body) = chat(&hub, "alias", "hi").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(chat(&hub, "real", "hi").await.0, 200);
    let sent: Vec<Value> = upstream
        .requests()
        .iter()
        .map(|request| request.body["model"].clone())
        .collect();
    assert_eq!(
        sent,
        vec![json!("real-upstream"), json!("real")],
        "the type's mapping applied"
    );
    hub.stop().await.unwrap();
}

/// The detail of the newest log row of group acme, after `rows` rows exist.
async fn newest_detail(hub: &TestHub, rows: usize) -> Option<pb::LogDetail> {
    let logs = support::group_logs(hub, "acme", rows).await;
    assert!(logs.len() >= rows, "{} rows", logs.len());
    pb::log_service_client::LogServiceClient::new(support::control_channel(hub).await)
        .get_log(support::admin(pb::GetLogRequest {
            request_id: logs[0].request_id.clone(),
        }))
        .await
        .unwrap()
        .into_inner()
        .detail
}

#[tokio::test]
async fn save_all_log_detail_and_the_body_sizes_decide_what_the_log_keeps() {
    let upstream = MockOpenAi::start().await;
    let hub = hub_with(
        &channel("up", &upstream.base_url(), "[m]", ""),
        "  - model: m\n",
    )
    .await;
    assert_eq!(chat(&hub, "m", "first").await.0, 200);
    assert!(
        newest_detail(&hub, 1).await.is_none(),
        "a successful request keeps no bodies by default"
    );

    set_option(&hub, "SaveAllLogDetail", "true").await.unwrap();
    set_option(&hub, "LogDetailRequestBodyMaxSize", "10")
        .await
        .unwrap();
    assert_eq!(chat(&hub, "m", "second").await.0, 200);
    let detail = newest_detail(&hub, 2).await.expect("bodies kept");
    assert_eq!(detail.request_body.len(), 10, "{:?}", detail.request_body);
    assert!(
        detail.response_body.len() > 10,
        "{:?}",
        detail.response_body
    );

    delete_option(&hub, "SaveAllLogDetail").await;
    assert_eq!(chat(&hub, "m", "third").await.0, 200);
    assert!(newest_detail(&hub, 3).await.is_none());
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn group_max_token_num_limits_new_tokens_whichever_door_they_use() {
    let upstream = MockOpenAi::start().await;
    let hub = hub_with(
        &channel("up", &upstream.base_url(), "[m]", ""),
        "  - model: m\n",
    )
    .await;
    set_option(&hub, "GroupMaxTokenNum", "2").await.unwrap();
    let mut tokens =
        pb::token_service_client::TokenServiceClient::new(support::control_channel(&hub).await);
    let create = |name: &str| {
        support::admin(pb::CreateTokenRequest {
            token: Some(pb::Token {
                group_id: "acme".into(),
                name: name.into(),
                status: pb::Status::Enabled.into(),
                ..pb::Token::default()
            }),
            key: None,
        })
    };
    tokens.create_token(create("second")).await.unwrap();
    let refused = tokens.create_token(create("third")).await.unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition, "{refused:?}");
    set_option(&hub, "GroupMaxTokenNum", "0").await.unwrap();
    tokens.create_token(create("third")).await.unwrap();
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn the_group_consume_level_ratio_raises_the_rate_limit_of_groups_that_spent_more() {
    let upstream = MockOpenAi::start().await;
    let hub = hub_with(
        &channel("up", &upstream.base_url(), "[m1, m2]", ""),
        "  - model: m1\n    rpm: 1\n  - model: m2\n    rpm: 1\n",
    )
    .await;
    assert_eq!(chat(&hub, "m1", "one").await.0, 200);
    assert_eq!(chat(&hub, "m1", "two").await.0, 429, "rpm 1");
    // Level 0 (every group) triples the ratio. A fresh model shows it: a rate window already
    // spent stays spent until it drains.
    set_option(&hub, "GroupConsumeLevelRatio", r#"{"0": 3}"#)
        .await
        .unwrap();
    for request in ["one", "two", "three"] {
        assert_eq!(chat(&hub, "m2", request).await.0, 200, "{request}");
    }
    assert_eq!(chat(&hub, "m2", "four").await.0, 429, "rpm 3");
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn an_option_set_on_one_replica_applies_on_another_within_a_second() {
    let database = support::TestDatabase::create().await;
    let prefix = support::unique_redis_prefix();
    let upstream = MockOpenAi::start().await;
    let config = format!(
        "groups:\n  - id: acme\ntokens:\n  - group: acme\n    name: ci\n    key: {TOKEN}\nchannels:\n{}models:\n  - model: m\n",
        channel("up", &upstream.base_url(), "[m]", "")
    );
    let start =
        |apply: bool| TestHub::replica(&database, &prefix, apply.then_some(config.as_str()));
    let first = start(true).await;
    let second = start(false).await;
    assert_eq!(chat(&second, "m", "hi").await.0, 200);

    set_option(&first, "DisableServe", "true").await.unwrap();
    let mut seen_after = None;
    for attempt in 0..100 {
        if chat(&second, "m", "hi").await.0 == 503 {
            seen_after = Some(attempt * 10);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let seen_after = seen_after.expect("the other replica never saw DisableServe within a second");
    eprintln!("DisableServe reached the other replica after about {seen_after} ms");
    set_option(&first, "DisableServe", "false").await.unwrap();
    first.stop().await.unwrap();
    second.stop().await.unwrap();
}

#[tokio::test]
async fn ip_groups_ban_threshold_blocks_an_address_that_uses_too_many_groups() {
    let upstream = MockOpenAi::start().await;
    let config = format!(
        "groups:\n  - id: acme\n  - id: beta\ntokens:\n  - group: acme\n    name: a\n    key: {TOKEN}\n  - group: beta\n    name: b\n    key: sk-beta-options-0002\nchannels:\n{}models:\n  - model: m\n",
        channel("up", &upstream.base_url(), "[m]", "")
    );
    let hub = TestHub::start_with_config(&config).await;
    let chat_as = |key: &'static str| {
        reqwest::Client::new()
            .post(hub.url("/v1/chat/completions"))
            .bearer_auth(key)
            .json(&json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]}))
            .send()
    };
    // Off by default: one address may use both groups.
    assert_eq!(chat_as(TOKEN).await.unwrap().status(), 200);
    assert_eq!(chat_as("sk-beta-options-0002").await.unwrap().status(), 200);
    assert_eq!(chat_as(TOKEN).await.unwrap().status(), 200);

    set_option(&hub, "IPGroupsBanThreshold", "2").await.unwrap();
    assert_eq!(chat_as(TOKEN).await.unwrap().status(), 200);
    assert_eq!(chat_as("sk-beta-options-0002").await.unwrap().status(), 200);
    // The groups are counted off the request path: the block follows within moments.
    let mut blocked = false;
    for _ in 0..100 {
        if chat_as(TOKEN).await.unwrap().status() == 403 {
            blocked = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(blocked, "the address was never blocked");
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn default_warn_notify_error_rate_turns_the_error_rate_alert_on() {
    let (webhook, received) = crate::alerts::receiver().await;
    let healthy = MockOpenAi::start().await;
    let flaky = MockOpenAi::start().await;
    let (mut settings, data_dir) = TestHub::settings();
    settings.notify_webhook_url = Some(webhook);
    // Off in the environment: only the option can raise it.
    settings.notify_error_rate_threshold = 0.0;
    let config = format!(
        "groups:\n  - id: acme\ntokens:\n  - group: acme\n    name: ci\n    key: {TOKEN}\nchannels:\n{}{}models:\n  - model: m\n",
        channel("flaky", &flaky.base_url(), "[m]", "    priority: 10\n"),
        channel("healthy", &healthy.base_url(), "[m]", "")
    );
    let path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&path, config).unwrap();
    settings.config_file_path = Some(path);
    let hub = TestHub::start_with(settings, data_dir).await;
    *flaky.state.fail_with.lock().unwrap() = Some(500);

    let error_rate_alerts = || {
        received
            .lock()
            .unwrap()
            .iter()
            .filter(|body| body["kind"] == "error_rate_high")
            .count()
    };
    // Each request fails on the flaky channel (when picked) and is retried on the healthy one.
    for _ in 0..3 {
        assert_eq!(chat(&hub, "m", "hi").await.0, 200);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(error_rate_alerts(), 0, "the alert is off");

    set_option(&hub, "DefaultWarnNotifyErrorRate", "0.1")
        .await
        .unwrap();
    for _ in 0..3 {
        assert_eq!(chat(&hub, "m", "hi").await.0, 200);
    }
    for _ in 0..250 {
        if error_rate_alerts() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(error_rate_alerts(), 1, "{:?}", received.lock().unwrap());
    hub.stop().await.unwrap();
}
