//! Control-plane changes reach the relay on the very next request, and reach other replicas sharing Postgres through Redis (or, without Redis, the revision poll).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

mod support;

use std::time::{Duration, Instant};

use hub::grpc::pb;
use pb::channel_service_client::ChannelServiceClient;
use pb::config_service_client::ConfigServiceClient;
use pb::group_service_client::GroupServiceClient;
use pb::token_service_client::TokenServiceClient;
use support::mock_openai::MockOpenAi;
use support::{TestDatabase, TestHub, admin, control_channel, unique_redis_prefix};

async fn chat_status(hub: &TestHub, key: &str) -> u16 {
    reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(key)
        .json(&serde_json::json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Creates a group, a channel to `upstream` and a token with `key` through the control plane.
async fn provision(hub: &TestHub, upstream: &MockOpenAi, group: &str, key: &str) -> i64 {
    let channel = control_channel(hub).await;
    GroupServiceClient::new(channel.clone())
        .create_group(admin(pb::CreateGroupRequest {
            group: Some(pb::Group {
                id: group.into(),
                ..Default::default()
            }),
        }))
        .await
        .unwrap();
    ChannelServiceClient::new(channel.clone())
        .create_channel(admin(pb::CreateChannelRequest {
            channel: Some(pb::Channel {
                name: format!("upstream-{group}"),
                r#type: "openai".into(),
                base_url: upstream.base_url(),
                key: "sk-upstream".into(),
                models: vec!["gpt-4o-mini".into()],
                ..Default::default()
            }),
        }))
        .await
        .unwrap();
    let created = TokenServiceClient::new(channel)
        .create_token(admin(pb::CreateTokenRequest {
            token: Some(pb::Token {
                group_id: group.into(),
                name: "replica-test".into(),
                ..Default::default()
            }),
            key: Some(key.into()),
        }))
        .await
        .unwrap()
        .into_inner();
    created.token.unwrap().id
}

async fn wait_for_status(hub: &TestHub, key: &str, expected: u16, within: Duration) -> Duration {
    let started = Instant::now();
    loop {
        let status = chat_status(hub, key).await;
        if status == expected {
            return started.elapsed();
        }
        assert!(
            started.elapsed() < within,
            "still {status} after {within:?}, expected {expected}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_control_plane_change_takes_effect_on_the_next_request() {
    let upstream = MockOpenAi::start().await;
    let (mut settings, data_dir) = TestHub::settings();
    // No poll help: the write itself must refresh the snapshot.
    settings.config_poll_seconds = 3600;
    let hub = TestHub::start_with(settings, data_dir).await;
    let key = "sk-immediate-0001";
    assert_eq!(chat_status(&hub, key).await, 401);
    let token_id = provision(&hub, &upstream, "acme", key).await;
    assert_eq!(
        chat_status(&hub, key).await,
        200,
        "the new token works on the very next request"
    );

    TokenServiceClient::new(control_channel(&hub).await)
        .set_token_status(admin(pb::SetTokenStatusRequest {
            id: token_id,
            status: pb::Status::Disabled as i32,
        }))
        .await
        .unwrap();
    assert_eq!(
        chat_status(&hub, key).await,
        401,
        "a disabled token is refused on the very next request"
    );
    hub.stop().await.unwrap();
}

async fn replica(dsn: &str, redis_prefix: Option<&str>, poll_seconds: u64) -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    settings.sql_dsn = Some(dsn.to_owned());
    settings.redis = redis_prefix.map(|_| "redis://127.0.0.1:6379".to_owned());
    if let Some(prefix) = redis_prefix {
        settings.redis_key_prefix = prefix.to_owned();
    }
    settings.config_poll_seconds = poll_seconds;
    TestHub::start_with(settings, data_dir).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_sharing_postgres_and_redis_agree_at_once() {
    let database = TestDatabase::create().await;
    let prefix = unique_redis_prefix();
    let upstream = MockOpenAi::start().await;
    // Polling is off in practice: only Redis can carry the change this fast.
    let first = replica(&database.url(), Some(&prefix), 3600).await;
    let second = replica(&database.url(), Some(&prefix), 3600).await;
    let mut watch = ConfigServiceClient::new(control_channel(&second).await)
        .watch(admin(pb::WatchRequest {
            kinds: vec!["token".into()],
        }))
        .await
        .unwrap()
        .into_inner();

    let key = "sk-replicated-0001";
    provision(&first, &upstream, "acme", key).await;
    let took = wait_for_status(&second, key, 200, Duration::from_secs(5)).await;
    println!("the second replica accepted the new token after {took:?}");
    let event = tokio::time::timeout(Duration::from_secs(5), watch.message())
        .await
        .expect("the second replica's Watch saw the first replica's change")
        .unwrap()
        .unwrap();
    assert_eq!(
        (event.kind.as_str(), event.action.as_str()),
        ("token", "created")
    );

    first.stop().await.unwrap();
    second.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_redis_the_revision_poll_carries_changes() {
    let database = TestDatabase::create().await;
    let upstream = MockOpenAi::start().await;
    let first = replica(&database.url(), None, 1).await;
    let second = replica(&database.url(), None, 1).await;
    let key = "sk-polled-0001";
    provision(&first, &upstream, "acme", key).await;
    wait_for_status(&second, key, 200, Duration::from_secs(5)).await;
    first.stop().await.unwrap();
    second.stop().await.unwrap();
}
