//! Control-plane changes reach the relay on the very next request, and reach other replicas sharing
//! Postgres through Redis (or, without Redis, the revision poll); a response stored through one
//! replica is read, listed and deleted through another.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use std::time::{Duration, Instant};

use hub::edges::grpc::pb;
use pb::channel_service_client::ChannelServiceClient;
use pb::config_service_client::ConfigServiceClient;
use pb::group_service_client::GroupServiceClient;
use pb::token_service_client::TokenServiceClient;
use serde_json::{Value, json};
use support::mock_openai::MockOpenAi;
use support::mock_openai_wire::MockOpenAiWire;
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
    replica_with_config(dsn, redis_prefix, poll_seconds, None).await
}

/// A replica that first applies `config` (a YAML document) to the shared database.
async fn replica_with_config(
    dsn: &str,
    redis_prefix: Option<&str>,
    poll_seconds: u64,
    config: Option<&str>,
) -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    if let Some(config) = config {
        let path = data_dir.path().join("aiproxy.yaml");
        std::fs::write(&path, config).unwrap();
        settings.config_file_path = Some(path);
    }
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

/// `method path` with `key` on `hub`: status and JSON body.
async fn call(hub: &TestHub, method: reqwest::Method, path: &str, key: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .request(method, hub.url(path))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// Creates a response through `hub` (streamed or not) and returns its id.
async fn create_response(hub: &TestHub, key: &str, stream: bool) -> String {
    let response = reqwest::Client::new()
        .post(hub.url("/v1/responses"))
        .bearer_auth(key)
        .json(&json!({"model": "gpt-5-mini", "input": "hi", "stream": stream}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    if !stream {
        let body: Value = serde_json::from_str(&text).unwrap();
        return body["id"].as_str().unwrap().to_owned();
    }
    let created = text
        .lines()
        .find_map(|line| line.strip_prefix("data: "))
        .map(|data| serde_json::from_str::<Value>(data).unwrap())
        .unwrap();
    created["response"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_stored_through_one_replica_is_reached_through_another() {
    let database = TestDatabase::create().await;
    let prefix = unique_redis_prefix();
    let upstream = MockOpenAiWire::start().await;
    let (acme, globex) = ("sk-responses-acme-0001", "sk-responses-globex-0002");
    let config = format!(
        r#"
groups: [{{id: acme}}, {{id: globex}}]
tokens:
  - {{group: acme, name: ci, key: {acme}}}
  - {{group: globex, name: ci, key: {globex}}}
channels:
  - name: openai
    type: openai
    base_url: {base}
    key: sk-upstream
    models: [gpt-5-mini]
    config: {{responses_api: "true"}}
"#,
        base = upstream.base_url()
    );
    let first = replica_with_config(&database.url(), Some(&prefix), 3600, Some(&config)).await;
    let second = replica(&database.url(), Some(&prefix), 3600).await;

    let id = create_response(&first, acme, false).await;
    let path = format!("/v1/responses/{id}");
    let (status, body) = call(&second, reqwest::Method::GET, &path, acme).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], id.as_str());
    let (status, body) = call(
        &second,
        reqwest::Method::GET,
        &format!("{path}/input_items?limit=5"),
        acme,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"][0]["content"][0]["text"], "hi");

    // The owner lives in Redis for as long as the in-memory index would keep it.
    let mut redis =
        redis::aio::ConnectionManager::new(redis::Client::open("redis://127.0.0.1:6379").unwrap())
            .await
            .unwrap();
    let key = format!("{prefix}:responses:{id}");
    let ttl: i64 = redis::cmd("PTTL")
        .arg(&key)
        .query_async(&mut redis)
        .await
        .unwrap();
    let retention = relay::ResponseIndexLimits::default().ttl;
    let ttl = Duration::from_millis(u64::try_from(ttl).unwrap());
    assert!(
        ttl <= retention && ttl > retention - Duration::from_secs(60),
        "{ttl:?}"
    );

    // Another group learns nothing, and its lookups never reach the upstream.
    let reads = upstream.requests().len();
    for method in [reqwest::Method::GET, reqwest::Method::DELETE] {
        let (status, body) = call(&second, method, &path, globex).await;
        assert_eq!(status, 404, "{body}");
    }
    assert_eq!(upstream.requests().len(), reads);

    let (status, body) = call(&second, reqwest::Method::DELETE, &path, acme).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["deleted"], true);
    assert!(!upstream.stored_ids().contains(&id));
    let reads = upstream.requests().len();
    for replica in [&first, &second] {
        let (status, body) = call(replica, reqwest::Method::GET, &path, acme).await;
        assert_eq!(status, 404, "forgotten by every replica: {body}");
    }
    assert_eq!(upstream.requests().len(), reads);

    // A streamed response's id is recorded off the response path: wait for it.
    let streamed = create_response(&first, acme, true).await;
    let path = format!("/v1/responses/{streamed}");
    let started = Instant::now();
    loop {
        let (status, body) = call(&second, reqwest::Method::GET, &path, acme).await;
        if status == 200 {
            assert_eq!(body["id"], streamed.as_str());
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{status} {body}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (status, _) = call(&second, reqwest::Method::DELETE, &path, acme).await;
    assert_eq!(status, 200);

    first.stop().await.unwrap();
    second.stop().await.unwrap();
}
