//! Limits, quotas and balance through the whole server: exact counts under concurrency (in memory
//! and with two replicas sharing the real Redis), reservations that never overspend, refusals in
//! OpenAI's shape with x-ratelimit headers, and address blocking.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use std::time::Duration;

use hub::edges::grpc::pb;
use hub::process::settings::Settings;
use pb::group_service_client::GroupServiceClient;
use pb::token_service_client::TokenServiceClient;
use serde_json::{Value, json};
use support::mock_openai::MockOpenAi;
use support::{TestDatabase, TestHub, admin, control_channel, unique_redis_prefix};

pub(crate) const KEY: &str = "sk-governed-0001";

/// The mock answers every chat with 9 prompt and 4 completion tokens: at an input and output
/// price of 1 per token, each request costs exactly 13.
const COST: i64 = 13;

/// A configuration with one group `acme`, one token (`token_extra` lines added to it), one
/// channel to `upstream`, and the model `gpt-4o-mini` (`model_extra` lines added).
pub(crate) fn config(
    upstream: &MockOpenAi,
    group_extra: &str,
    token_extra: &str,
    model_extra: &str,
) -> String {
    format!(
        r#"
groups:
  - id: acme
{group_extra}
tokens:
  - group: acme
    name: main
    key: {KEY}
{token_extra}
channels:
  - name: mock
    type: openai
    base_url: {base}
    key: sk-upstream
    models: [gpt-4o-mini]
models:
  - model: gpt-4o-mini
{model_extra}
"#,
        base = upstream.base_url()
    )
}

const PRICED: &str = "    price: {input_price: 1, output_price: 1, unit: 1}";

async fn start(config: &str, tweak: impl FnOnce(&mut Settings)) -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    let path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&path, config).unwrap();
    settings.config_file_path = Some(path);
    tweak(&mut settings);
    TestHub::start_with(settings, data_dir).await
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
}

async fn chat(hub: &TestHub, key: &str) -> Answer {
    let response = reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(key)
        // max_tokens bounds the output, so the reservation is never below the real cost.
        .json(&json!({"model": "gpt-4o-mini", "max_tokens": 10,
            "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
    }
}

/// Fires `count` requests at once, spread over `hubs`, and returns every answer.
async fn burst(hubs: &[&TestHub], count: usize) -> Vec<Answer> {
    let requests = (0..count).map(|index| chat(hubs[index % hubs.len()], KEY));
    futures::future::join_all(requests).await
}

fn statuses(answers: &[Answer], status: u16) -> usize {
    answers
        .iter()
        .filter(|answer| answer.status == status)
        .count()
}

fn header<'a>(answer: &'a Answer, name: &str) -> &'a str {
    answer
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header in {:?}", answer.headers))
}

fn assert_refusal(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    let error = &answer.body["error"];
    assert_eq!(error["code"], code, "{}", answer.body);
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(error.get("type").is_some() && error.get("param").is_some());
}

async fn token(hub: &TestHub) -> pb::Token {
    let mut client = TokenServiceClient::new(control_channel(hub).await);
    let listed = client
        .list_tokens(admin(pb::ListTokensRequest {
            group_id: "acme".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner();
    listed.tokens.into_iter().next().unwrap()
}

/// Waits until the request-log writer charged `requests` requests to the token.
async fn charged_token(hub: &TestHub, requests: i64) -> pb::Token {
    for _ in 0..200 {
        let token = token(hub).await;
        if token.request_count >= requests {
            return token;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the token was never charged {requests} requests");
}

#[tokio::test]
async fn rpm_admits_exactly_the_limit_under_concurrency() {
    let upstream = MockOpenAi::start().await;
    let hub = start(&config(&upstream, "", "", "    rpm: 20"), |_| {}).await;
    let answers = burst(&[&hub], 60).await;
    assert_eq!(statuses(&answers, 200), 20);
    assert_eq!(statuses(&answers, 429), 40);
    assert_eq!(
        upstream.hits(),
        20,
        "refused requests never reach the upstream"
    );
    let refused = answers.iter().find(|a| a.status == 429).unwrap();
    assert_refusal(refused, 429, "rate_limit_exceeded");
    assert!(header(refused, "retry-after").parse::<u64>().unwrap() >= 1);
    assert_eq!(header(refused, "x-ratelimit-limit-requests"), "20");
    assert_eq!(header(refused, "x-ratelimit-remaining-requests"), "0");
    let passed = answers.iter().find(|a| a.status == 200).unwrap();
    assert_eq!(header(passed, "x-ratelimit-limit-requests"), "20");
    let remaining: u64 = header(passed, "x-ratelimit-remaining-requests")
        .parse()
        .unwrap();
    assert!(remaining < 20);
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn two_replicas_sharing_redis_enforce_one_exact_limit() {
    let upstream = MockOpenAi::start().await;
    let database = TestDatabase::create().await;
    let prefix = unique_redis_prefix();
    let text = config(&upstream, "", "    rpm: 15", "");
    let replica = |settings: &mut Settings| {
        settings.sql_dsn = Some(database.url());
        settings.redis = Some("redis://127.0.0.1:6379".into());
        settings.redis_key_prefix = prefix.clone();
    };
    let first = start(&text, replica).await;
    let second = start(&text, replica).await;
    let answers = burst(&[&first, &second], 50).await;
    assert_eq!(
        statuses(&answers, 200),
        15,
        "the token's rpm holds across replicas"
    );
    assert_eq!(statuses(&answers, 429), 35);
    first.stop().await.unwrap();
    second.stop().await.unwrap();
}

#[tokio::test]
async fn in_flight_limit_refuses_the_requests_beyond_it() {
    let upstream = MockOpenAi::start().await;
    upstream
        .state
        .delay_ms
        .store(400, std::sync::atomic::Ordering::SeqCst);
    let hub = start(&config(&upstream, "", "    max_concurrency: 2", ""), |_| {}).await;
    let answers = burst(&[&hub], 6).await;
    assert_eq!(statuses(&answers, 200), 2);
    assert_eq!(statuses(&answers, 429), 4);
    assert_refusal(
        answers.iter().find(|a| a.status == 429).unwrap(),
        429,
        "too_many_concurrent_requests",
    );
    // The leases end with the requests: the next one passes.
    assert_eq!(chat(&hub, KEY).await.status, 200);
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn concurrent_requests_never_spend_more_than_the_quota() {
    let upstream = MockOpenAi::start().await;
    let quota = 100;
    let hub = start(
        &config(
            &upstream,
            "    balance: 1000000",
            &format!("    quota: {quota}"),
            PRICED,
        ),
        |_| {},
    )
    .await;
    let answers = burst(&[&hub], 40).await;
    let passed = statuses(&answers, 200);
    assert!(passed >= 1);
    assert_eq!(passed + statuses(&answers, 403), 40);
    assert_refusal(
        answers.iter().find(|a| a.status == 403).unwrap(),
        403,
        "quota_exhausted",
    );
    let token = charged_token(&hub, passed as i64).await;
    let used: i64 = token.used_amount.parse().unwrap();
    assert_eq!(
        used,
        COST * passed as i64,
        "every passed request charged once"
    );
    assert!(used <= quota, "spent {used} of a quota of {quota}");
    assert_eq!(
        token.remaining_quota.as_deref(),
        Some(&*(quota - used).to_string())
    );
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn quota_race_holds_across_replicas_sharing_redis() {
    let upstream = MockOpenAi::start().await;
    let database = TestDatabase::create().await;
    let prefix = unique_redis_prefix();
    let quota = 120;
    let text = config(
        &upstream,
        "    balance: 1000000",
        &format!("    quota: {quota}"),
        PRICED,
    );
    let replica = |settings: &mut Settings| {
        settings.sql_dsn = Some(database.url());
        settings.redis = Some("redis://127.0.0.1:6379".into());
        settings.redis_key_prefix = prefix.clone();
    };
    let first = start(&text, replica).await;
    let second = start(&text, replica).await;
    let answers = burst(&[&first, &second], 40).await;
    let passed = statuses(&answers, 200) as i64;
    assert!(passed >= 1);
    let token = charged_token(&first, passed).await;
    let used: i64 = token.used_amount.parse().unwrap();
    assert_eq!(used, COST * passed);
    assert!(used <= quota, "spent {used} of a quota of {quota}");
    first.stop().await.unwrap();
    second.stop().await.unwrap();
}

#[tokio::test]
async fn group_balance_is_reserved_charged_and_refused_with_402() {
    let upstream = MockOpenAi::start().await;
    let hub = start(&config(&upstream, "    balance: 30", "", PRICED), |_| {}).await;
    assert_eq!(chat(&hub, KEY).await.status, 200);
    // 17 left, and the next request's estimate is above it.
    assert_refusal(&chat(&hub, KEY).await, 402, "insufficient_balance");
    charged_token(&hub, 1).await;
    let group = GroupServiceClient::new(control_channel(&hub).await)
        .get_group(admin(pb::GetGroupRequest { id: "acme".into() }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(group.balance, "17");
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn a_top_up_is_seen_at_once() {
    let upstream = MockOpenAi::start().await;
    let hub = start(&config(&upstream, "    balance: 5", "", PRICED), |_| {}).await;
    assert_refusal(&chat(&hub, KEY).await, 402, "insufficient_balance");
    GroupServiceClient::new(control_channel(&hub).await)
        .update_group(admin(pb::UpdateGroupRequest {
            group: Some(pb::Group {
                id: "acme".into(),
                balance: "100".into(),
                ..Default::default()
            }),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["balance".into()],
            }),
        }))
        .await
        .unwrap();
    assert_eq!(chat(&hub, KEY).await.status, 200);
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn period_quota_refusal_names_when_it_resets() {
    let upstream = MockOpenAi::start().await;
    let hub = start(
        &config(
            &upstream,
            "    balance: 1000",
            "    period_quota: 20\n    period: daily",
            PRICED,
        ),
        |_| {},
    )
    .await;
    assert_eq!(chat(&hub, KEY).await.status, 200);
    let refused = chat(&hub, KEY).await;
    assert_refusal(&refused, 403, "quota_exhausted");
    assert!(
        refused.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("resets at"),
        "{}",
        refused.body
    );
    let token = charged_token(&hub, 1).await;
    assert_eq!(token.period_used, COST.to_string());
    assert_eq!(token.remaining_period_quota.as_deref(), Some("7"));
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn billing_disabled_records_usage_but_charges_nothing() {
    let upstream = MockOpenAi::start().await;
    let hub = start(
        &config(&upstream, "    balance: 0", "    quota: 1", PRICED),
        |settings| settings.billing_enabled = false,
    )
    .await;
    for _ in 0..3 {
        assert_eq!(chat(&hub, KEY).await.status, 200);
    }
    // The rows carry what each request cost, although nobody was charged.
    let mut logs = pb::log_service_client::LogServiceClient::new(control_channel(&hub).await);
    let mut rows = Vec::new();
    for _ in 0..200 {
        rows = logs
            .list_logs(admin(pb::ListLogsRequest::default()))
            .await
            .unwrap()
            .into_inner()
            .logs;
        if rows.len() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(rows.len(), 3);
    assert!(
        rows.iter().all(|row| row.cost == COST.to_string()),
        "{rows:?}"
    );
    let token = token(&hub).await;
    assert_eq!(token.used_amount, "0");
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn an_address_using_too_many_groups_is_blocked() {
    let upstream = MockOpenAi::start().await;
    // Two more groups, each with a token, used from the same address.
    let text = config(&upstream, "  - id: beta\n  - id: gamma", "", "").replace(
        "tokens:\n",
        "tokens:\n  - group: beta\n    name: b\n    key: sk-governed-beta\n  - group: gamma\n    name: g\n    key: sk-governed-gamma\n",
    );
    let hub = start(&text, |settings| settings.ip_groups_ban_threshold = 3).await;
    for key in [KEY, "sk-governed-beta", "sk-governed-gamma"] {
        assert_eq!(chat(&hub, key).await.status, 200);
    }
    // Counting runs beside the request path: the block lands a moment later.
    let mut blocked = None;
    for _ in 0..100 {
        let answer = chat(&hub, KEY).await;
        if answer.status == 403 {
            blocked = Some(answer);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let blocked = blocked.expect("the address was never blocked");
    assert_refusal(&blocked, 403, "address_blocked");
    hub.stop().await.unwrap();
}

/// A chat from `forwarded` (an X-Forwarded-For the hub believes from loopback).
async fn chat_from(hub: &TestHub, key: &str, forwarded: &str) -> Answer {
    let response = reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(key)
        .header("x-forwarded-for", forwarded)
        .json(&json!({"model": "gpt-4o-mini", "max_tokens": 10,
            "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
    }
}

#[tokio::test]
async fn an_ipv6_client_stepping_through_its_64_is_blocked_as_one_address() {
    let upstream = MockOpenAi::start().await;
    let text = config(&upstream, "  - id: beta", "", "").replace(
        "tokens:\n",
        "tokens:\n  - group: beta\n    name: b\n    key: sk-governed-beta\n",
    );
    let hub = start(&text, |settings| {
        settings.ip_groups_ban_threshold = 2;
        settings.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    // Each group from a fresh address of the same /64.
    assert_eq!(chat_from(&hub, KEY, "2001:db8:1:2::1").await.status, 200);
    assert_eq!(
        chat_from(&hub, "sk-governed-beta", "2001:db8:1:2::2")
            .await
            .status,
        200
    );
    let mut blocked = None;
    for attempt in 3..100 {
        let answer = chat_from(&hub, KEY, &format!("2001:db8:1:2::{attempt:x}")).await;
        if answer.status == 403 {
            blocked = Some(answer);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let blocked = blocked.expect("stepping through a /64 escaped the block");
    assert_refusal(&blocked, 403, "address_blocked");
    // Another /64 is another client.
    assert_eq!(chat_from(&hub, KEY, "2001:db8:1:3::1").await.status, 200);
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn a_tenant_cannot_see_or_use_another_tenants_models_or_logs() {
    let upstream = MockOpenAi::start().await;
    let text = config(
        &upstream,
        "  - id: beta\n    available_sets: [private]",
        "",
        "",
    )
    .replace(
        "tokens:\n",
        "tokens:\n  - group: beta\n    name: b\n    key: sk-governed-beta\n",
    )
    .replace(
        "models:\n",
        &format!(
            "  - name: private\n    type: openai\n    base_url: {}\n    key: sk-private\n    models: [secret-model]\n    sets: [private]\nmodels:\n",
            upstream.base_url()
        ),
    );
    let hub = start(&text, |_| {}).await;
    let client = reqwest::Client::new();
    let models = |key: &'static str| {
        let request = client.get(hub.url("/v1/models")).bearer_auth(key);
        async move {
            let listing: Value = request.send().await.unwrap().json().await.unwrap();
            listing["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|model| model["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert!(!models(KEY).await.contains(&"secret-model".to_owned()));
    assert!(
        models("sk-governed-beta")
            .await
            .contains(&"secret-model".to_owned())
    );
    // Using it answers exactly like a model that does not exist: nothing is learnt.
    let ask = |model: &str| {
        client
            .post(hub.url("/v1/chat/completions"))
            .bearer_auth(KEY)
            .json(&json!({"model": model, "messages": [{"role": "user", "content": "hi"}]}))
            .send()
    };
    let hidden = ask("secret-model").await.unwrap();
    assert_eq!(hidden.status(), 404);
    let hidden: Value = hidden.json().await.unwrap();
    let missing: Value = ask("no-such-model").await.unwrap().json().await.unwrap();
    assert_eq!(hidden["error"]["code"], missing["error"]["code"]);
    assert_eq!(
        hidden["error"]["message"]
            .as_str()
            .unwrap()
            .replace("secret-model", "X"),
        missing["error"]["message"]
            .as_str()
            .unwrap()
            .replace("no-such-model", "X")
    );
    // An API token is no key to the control plane: logs, channels and groups stay closed.
    let mut request = tonic::Request::new(pb::ListLogsRequest::default());
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {KEY}").parse().unwrap());
    let refused = pb::log_service_client::LogServiceClient::new(control_channel(&hub).await)
        .list_logs(request)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::Unauthenticated);
    hub.stop().await.unwrap();
}
