//! Per-channel error-rate thresholds and balance settings: stored, validated, in the control plane and the YAML config, and read by the relay's bans.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use hub::edges::declarative;
use hub::edges::grpc::pb;
use hub::snapshot::changes::ChangeFeed;
use hub::store::Store;
use prost_types::FieldMask;
use serde_json::json;

use crate::support;
use support::TestHub;
use support::mock_openai::MockOpenAi;

const TOKEN: &str = "sk-acme-rates-0001";

async fn chat(hub: &TestHub, model: &str) -> u16 {
    reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(TOKEN)
        .json(&json!({"model": model, "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Two channels on one flaky upstream that fails every other request, each the first choice
/// of its model with a healthy backup: the channel with a ban error rate of 40% is banned once
/// ten requests were seen and its model moves to the backup; the other (no rate of its own,
/// and never five failures in a row) keeps failing every other request.
#[tokio::test]
async fn a_channel_with_a_ban_rate_is_banned_by_the_relay_where_another_is_not() {
    let flaky = MockOpenAi::start().await;
    let healthy = MockOpenAi::start().await;
    let channel = |name: &str, url: &str, model: &str, priority: i64, rate: &str| {
        format!(
            "  - name: {name}\n    type: openai\n    base_url: {url}\n    key: sk-{name}\n    models: [{model}]\n    priority: {priority}\n{rate}"
        )
    };
    let config = format!(
        "groups:\n  - id: acme\ntokens:\n  - group: acme\n    name: ci\n    key: {TOKEN}\nchannels:\n{}{}{}{}models:\n  - model: a\n  - model: b\noptions:\n  RetryTimes: 0\n",
        channel(
            "strict",
            &flaky.base_url(),
            "a",
            10,
            "    max_error_rate: 0.4\n"
        ),
        channel("backup-a", &healthy.base_url(), "a", 0, ""),
        channel("lenient", &flaky.base_url(), "b", 10, ""),
        channel("backup-b", &healthy.base_url(), "b", 0, ""),
    );
    let hub = TestHub::start_with_config(&config).await;
    let mut answers = (Vec::new(), Vec::new());
    for round in 0..12 {
        *flaky.state.fail_with.lock().unwrap() = (round % 2 == 0).then_some(500);
        answers.0.push(chat(&hub, "a").await);
        answers.1.push(chat(&hub, "b").await);
    }
    // "a" reaches 6 failures in 11 requests (55% >= 40%) at its eleventh and moves to its
    // backup, which answers the twelfth; "b" stays on the flaky channel throughout.
    let alternating: Vec<u16> = (0..12)
        .map(|round| if round % 2 == 0 { 502 } else { 200 })
        .collect();
    assert_eq!(answers.0[..11], alternating[..11], "{answers:?}");
    assert_eq!(answers.0[11], 200, "{answers:?}");
    assert_eq!(answers.1, alternating, "{answers:?}");
    assert_eq!(
        healthy.hits(),
        1,
        "only the banned channel's model used a backup"
    );

    let mut control =
        pb::channel_service_client::ChannelServiceClient::new(support::control_channel(&hub).await);
    let bans = control
        .list_channel_bans(support::admin(pb::ListChannelBansRequest {
            channel_id: None,
        }))
        .await
        .unwrap()
        .into_inner()
        .bans;
    assert_eq!(bans.len(), 1, "{bans:?}");
    assert_eq!(bans[0].model, "a");
    assert!(
        bans[0].reason.contains("ban threshold 40%"),
        "{}",
        bans[0].reason
    );
}

#[tokio::test]
async fn thresholds_go_through_the_control_plane_and_are_validated() {
    let hub = TestHub::start().await;
    let mut control =
        pb::channel_service_client::ChannelServiceClient::new(support::control_channel(&hub).await);
    let created = control
        .create_channel(support::admin(pb::CreateChannelRequest {
            channel: Some(pb::Channel {
                name: "rated".into(),
                r#type: "openai".into(),
                key: "sk-rated".into(),
                models: vec!["m".into()],
                warn_error_rate: Some(0.2),
                max_error_rate: Some(0.6),
                ..pb::Channel::default()
            }),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (created.warn_error_rate, created.max_error_rate),
        (Some(0.2), Some(0.6))
    );

    // An update that names one threshold leaves the other; absent clears it.
    let update = |channel: pb::Channel, paths: &[&str]| {
        support::admin(pb::UpdateChannelRequest {
            channel: Some(channel),
            update_mask: Some(FieldMask {
                paths: paths.iter().map(|path| path.to_string()).collect(),
            }),
        })
    };
    let updated = control
        .update_channel(update(
            pb::Channel {
                id: created.id,
                max_error_rate: None,
                ..pb::Channel::default()
            },
            &["max_error_rate"],
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (updated.warn_error_rate, updated.max_error_rate),
        (Some(0.2), None)
    );

    for bad in [0.0, -0.1, 1.5, f64::NAN] {
        let refused = control
            .update_channel(update(
                pb::Channel {
                    id: created.id,
                    warn_error_rate: Some(bad),
                    ..pb::Channel::default()
                },
                &["warn_error_rate"],
            ))
            .await
            .unwrap_err();
        assert_eq!(refused.code(), tonic::Code::InvalidArgument, "{bad}");
        assert!(
            refused.message().contains("warn_error_rate"),
            "{}",
            refused.message()
        );
    }
    let kept = control
        .get_channel(support::admin(pb::GetChannelRequest { id: created.id }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(kept.warn_error_rate, Some(0.2));
}

const CONFIG: &str = r#"
channels:
  - name: metered
    type: deepseek
    key: sk-metered
    models: [deepseek-chat]
    warn_error_rate: 0.25
    max_error_rate: 0.5
    balance_threshold: 12.5
    disable_when_empty: true
  - name: plain
    type: openai
    key: sk-plain
    models: [gpt-4o]
"#;

/// Thresholds and balance settings written by the YAML config are exported as written, and
/// re-applying the export changes nothing; a balance setting alone is an update.
#[tokio::test]
async fn thresholds_and_balance_settings_round_trip_through_the_yaml_config() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(dir.path().join("db.sqlite").to_str().unwrap())
        .await
        .unwrap();
    let changes = ChangeFeed::new();
    let first = declarative::apply_text(&store, &changes, CONFIG, 0)
        .await
        .unwrap();
    assert_eq!(first.channels.created.len(), 2, "{first}");

    let exported = declarative::export(&store).await.unwrap();
    let metered = exported
        .channels
        .iter()
        .find(|channel| channel.name == "metered")
        .unwrap();
    assert_eq!(metered.warn_error_rate, Some(0.25));
    assert_eq!(metered.max_error_rate, Some(0.5));
    assert_eq!(metered.balance_threshold, Some(12.5));
    assert!(metered.disable_when_empty);
    let plain = exported
        .channels
        .iter()
        .find(|channel| channel.name == "plain")
        .unwrap();
    assert_eq!(
        (plain.warn_error_rate, plain.balance_threshold),
        (None, None)
    );
    assert!(!plain.disable_when_empty);
    let yaml = declarative::to_yaml(&exported).unwrap();
    assert!(yaml.contains("balance_threshold: 12.5"), "{yaml}");
    let again = declarative::apply_text(&store, &changes, &yaml, 0)
        .await
        .unwrap();
    assert!(again.is_unchanged(), "{again}");

    // What SetChannelBalanceSettings reads is what the config wrote.
    let id = store
        .all_channels()
        .await
        .unwrap()
        .into_iter()
        .find(|channel| channel.name == "metered")
        .unwrap()
        .id;
    let balance = store.channel_balance(id).await.unwrap();
    assert_eq!(balance.threshold, Some(12.5));
    assert!(balance.disable_when_empty);

    // Only the balance threshold changes: the channel is updated, its settings follow.
    let lowered = CONFIG.replace("balance_threshold: 12.5", "balance_threshold: 3");
    let report = declarative::apply_text(&store, &changes, &lowered, 0)
        .await
        .unwrap();
    assert_eq!(
        report.channels.updated,
        vec!["metered".to_string()],
        "{report}"
    );
    assert_eq!(
        store.channel_balance(id).await.unwrap().threshold,
        Some(3.0)
    );

    // Out-of-range rates are refused with the field's name and nothing is written.
    let bad = CONFIG.replace("max_error_rate: 0.5", "max_error_rate: 2");
    let error = declarative::apply_text(&store, &changes, &bad, 0)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("max_error_rate"), "{error}");
    let kept = declarative::export(&store).await.unwrap();
    assert_eq!(
        kept.channels
            .iter()
            .find(|channel| channel.name == "metered")
            .unwrap()
            .max_error_rate,
        Some(0.5)
    );
}
