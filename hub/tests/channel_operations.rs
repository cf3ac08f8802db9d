//! Channel health and live rates across replicas: bans reach every replica within a second and clear on all; current rates sum every replica.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use std::time::{Duration, Instant};

use hub::edges::grpc::pb;
use serde_json::json;

use crate::support;
use support::TestHub;
use support::mock_openai::MockOpenAi;

const TOKEN: &str = "sk-acme-bans-0001";

async fn bans(hub: &TestHub) -> Vec<pb::ChannelBan> {
    pb::channel_service_client::ChannelServiceClient::new(support::control_channel(hub).await)
        .list_channel_bans(support::admin(pb::ListChannelBansRequest {
            channel_id: None,
        }))
        .await
        .unwrap()
        .into_inner()
        .bans
}

/// Polls `hub`'s bans until `done` holds (or 2 s pass); returns how long it took.
async fn wait_for_bans(
    hub: &TestHub,
    done: impl Fn(&[pb::ChannelBan]) -> bool,
) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(2) {
        if done(&bans(hub).await) {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    None
}

async fn chat(hub: &TestHub) -> u16 {
    reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(TOKEN)
        .json(&json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_ban_on_one_replica_reaches_the_other_and_a_clear_lifts_it_on_both() {
    let database = support::TestDatabase::create().await;
    let prefix = support::unique_redis_prefix();
    let revoked = MockOpenAi::start().await;
    *revoked.state.fail_with.lock().unwrap() = Some(401);
    let healthy = MockOpenAi::start().await;
    let config = format!(
        "groups:\n  - id: acme\ntokens:\n  - group: acme\n    name: ci\n    key: {TOKEN}\nchannels:\n  - name: revoked\n    type: openai\n    base_url: {}\n    key: sk-revoked\n    models: [m]\n    priority: 10\n  - name: healthy\n    type: openai\n    base_url: {}\n    key: sk-ok\n    models: [m]\nmodels:\n  - model: m\n",
        revoked.base_url(),
        healthy.base_url()
    );
    let start =
        |apply: bool| TestHub::replica(&database, &prefix, apply.then_some(config.as_str()));
    let first = start(true).await;
    let second = start(false).await;

    // The revoked key is tried first (priority), refused with 401, banned at once; the request
    // still succeeds on the healthy channel.
    assert_eq!(chat(&first).await, 200);
    assert_eq!(revoked.hits(), 1);
    let on_first = bans(&first).await;
    assert_eq!(on_first.len(), 1, "{on_first:?}");
    assert_eq!(on_first[0].model, "m");
    assert!(
        on_first[0].reason.contains("HTTP 401"),
        "{}",
        on_first[0].reason
    );
    assert!(on_first[0].until_ms > on_first[0].since_ms);

    let reached = wait_for_bans(&second, |bans| bans.len() == 1)
        .await
        .expect("the ban never reached the other replica");
    eprintln!("the ban reached the other replica after {reached:?}");
    let on_second = bans(&second).await;
    assert_eq!(on_second[0].channel_id, on_first[0].channel_id);
    assert_eq!(on_second[0].reason, on_first[0].reason);
    // The other replica no longer tries the banned pair.
    for _ in 0..5 {
        assert_eq!(chat(&second).await, 200);
    }
    assert_eq!(revoked.hits(), 1, "the banned pair was tried again");

    // The operator fixed the key: one clear, on either replica, lifts it everywhere.
    *revoked.state.fail_with.lock().unwrap() = None;
    let cleared = pb::channel_service_client::ChannelServiceClient::new(
        support::control_channel(&second).await,
    )
    .clear_channel_bans(support::admin(pb::ClearChannelBansRequest {
        channel_id: Some(on_second[0].channel_id),
        model: None,
    }))
    .await
    .unwrap()
    .into_inner();
    assert_eq!(cleared.cleared, 1);
    assert!(bans(&second).await.is_empty());
    let lifted = wait_for_bans(&first, <[pb::ChannelBan]>::is_empty)
        .await
        .expect("the clear never reached the first replica");
    eprintln!("the clear reached the first replica after {lifted:?}");
    assert_eq!(chat(&first).await, 200);
    assert_eq!(revoked.hits(), 2, "the pair is back in rotation");

    first.stop().await.unwrap();
    second.stop().await.unwrap();
}

#[tokio::test]
async fn a_replica_that_starts_later_learns_the_running_bans() {
    let database = support::TestDatabase::create().await;
    let prefix = support::unique_redis_prefix();
    let failing = MockOpenAi::start().await;
    *failing.state.fail_with.lock().unwrap() = Some(403);
    let config = format!(
        "groups:\n  - id: acme\ntokens:\n  - group: acme\n    name: ci\n    key: {TOKEN}\nchannels:\n  - name: forbidden\n    type: openai\n    base_url: {}\n    key: sk-x\n    models: [m]\nmodels:\n  - model: m\n",
        failing.base_url()
    );
    let start =
        |apply: bool| TestHub::replica(&database, &prefix, apply.then_some(config.as_str()));
    let first = start(true).await;
    assert_ne!(chat(&first).await, 200);
    assert_eq!(bans(&first).await.len(), 1);
    // Give the publisher its flush so the ban is in Redis before the next replica starts.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let later = start(false).await;
    wait_for_bans(&later, |bans| bans.len() == 1)
        .await
        .expect("a replica started later never learned the running ban");
    first.stop().await.unwrap();
    later.stop().await.unwrap();
}

async fn current_rates(hub: &TestHub, dimension: &str) -> Vec<pb::CurrentRate> {
    pb::log_service_client::LogServiceClient::new(support::control_channel(hub).await)
        .get_current_rates(support::admin(pb::GetCurrentRatesRequest {
            dimension: dimension.into(),
        }))
        .await
        .unwrap()
        .into_inner()
        .rates
}

#[tokio::test]
async fn current_rates_count_every_replicas_requests_and_tokens() {
    let database = support::TestDatabase::create().await;
    let prefix = support::unique_redis_prefix();
    let upstream = MockOpenAi::start().await;
    let config = format!(
        "groups:\n  - id: acme\ntokens:\n  - group: acme\n    name: ci\n    key: {TOKEN}\nchannels:\n  - name: up\n    type: openai\n    base_url: {}\n    key: sk-up\n    models: [m]\nmodels:\n  - model: m\n",
        upstream.base_url()
    );
    let start =
        |apply: bool| TestHub::replica(&database, &prefix, apply.then_some(config.as_str()));
    let first = start(true).await;
    let second = start(false).await;
    for _ in 0..3 {
        assert_eq!(chat(&first).await, 200);
    }
    for _ in 0..2 {
        assert_eq!(chat(&second).await, 200);
    }
    let refused =
        pb::log_service_client::LogServiceClient::new(support::control_channel(&first).await)
            .get_current_rates(support::admin(pb::GetCurrentRatesRequest {
                dimension: "planet".into(),
            }))
            .await
            .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::InvalidArgument);

    // Each replica shares its finished seconds once a second.
    let mut seen = Vec::new();
    for _ in 0..300 {
        seen = current_rates(&second, "group").await;
        if seen
            .first()
            .is_some_and(|rate| rate.requests_per_minute == 5)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(
        (seen[0].id.as_str(), seen[0].requests_per_minute),
        ("acme", 5)
    );
    assert!(seen[0].tokens_per_minute > 0, "{seen:?}");
    let all = current_rates(&first, "").await;
    let dimensions: std::collections::BTreeSet<&str> =
        all.iter().map(|rate| rate.dimension.as_str()).collect();
    assert_eq!(
        dimensions,
        ["channel", "group", "model", "token", "token_model"]
            .into_iter()
            .collect()
    );
    first.stop().await.unwrap();
    second.stop().await.unwrap();
}
