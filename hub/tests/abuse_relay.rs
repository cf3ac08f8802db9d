//! The relay face under a hostile tenant, through the whole server: what a review sent (a body
//! of 200k keys to `/v1/messages`, a 5 MiB model name, a huge `user`, 100k nested arrays,
//! another group's `previous_response_id`, `count_tokens` past the rate limit, a blocked
//! address on `count_tokens`, model lists and stored-response reads) gets a small,
//! protocol-shaped 4xx (or, for the key flood, a normal answer in linear time), and the server
//! keeps serving a normal request afterwards.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Json;
use axum::routing::post;
use hub::edges::grpc::pb;
use hub::process::settings::Settings;
use pb::token_service_client::TokenServiceClient;
use serde_json::{Value, json};
use support::mock_openai::MockOpenAi;
use support::{TestHub, admin, control_channel};

const KEY: &str = "sk-abuse-0001";
const OTHER_KEY: &str = "sk-abuse-other";
/// An error answer's size bound: the requests carry megabytes.
const SMALL: usize = 2048;

/// Group `acme` (token KEY, `token_extra` lines added) and group `beta` (OTHER_KEY), one
/// `openai` channel for `gpt-4o-mini` at `upstream` (`model_extra` lines added to its model).
fn config(upstream: &str, token_extra: &str, model_extra: &str) -> String {
    format!(
        r#"
groups:
  - id: acme
  - id: beta
tokens:
  - group: acme
    name: main
    key: {KEY}
{token_extra}
  - group: beta
    name: other
    key: {OTHER_KEY}
channels:
  - name: mock
    type: openai
    base_url: {upstream}
    key: sk-upstream
    models: [gpt-4o-mini]
models:
  - model: gpt-4o-mini
{model_extra}
"#
    )
}

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
    size: usize,
    body: Value,
}

async fn send(
    hub: &TestHub,
    method: reqwest::Method,
    path: &str,
    key: &str,
    body: Option<Vec<u8>>,
) -> Answer {
    let mut request = reqwest::Client::new()
        .request(method, hub.url(path))
        .bearer_auth(key)
        .header("anthropic-version", "2023-06-01");
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    Answer {
        status,
        size: bytes.len(),
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

fn post_json(value: &Value) -> Option<Vec<u8>> {
    Some(serde_json::to_vec(value).unwrap())
}

/// A small, shaped 4xx: `{"error": {...}}` (OpenAI and Gemini) or Anthropic's
/// `{"type": "error", ...}`.
fn assert_small_refusal(answer: &Answer, status: u16, what: &str) {
    assert_eq!(answer.status, status, "{what}: {}", answer.body);
    assert!(answer.size < SMALL, "{what}: {} bytes", answer.size);
    let message = answer.body["error"]["message"].as_str();
    assert!(
        message.is_some_and(|m| !m.is_empty()),
        "{what}: {}",
        answer.body
    );
}

async fn assert_still_serving(hub: &TestHub) {
    let answer = send(
        hub,
        reqwest::Method::POST,
        "/v1/chat/completions",
        KEY,
        post_json(&json!({"model": "gpt-4o-mini",
            "messages": [{"role": "user", "content": "hi"}]})),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn hostile_bodies_get_small_shaped_answers() {
    let upstream = MockOpenAi::start().await;
    let hub = start(&config(&upstream.base_url(), "", ""), |_| {}).await;
    let huge = "m".repeat(5 * 1024 * 1024);

    // 200k distinct top-level keys, converted for an OpenAI channel: a pairwise duplicate
    // check would take minutes here, the hashed one milliseconds.
    let mut flood = String::from(
        r#"{"model":"gpt-4o-mini","max_tokens":5,"messages":[{"role":"user","content":"hi"}]"#,
    );
    for index in 0..200_000 {
        flood.push_str(&format!(r#","k{index}":0"#));
    }
    flood.push('}');
    let answer = send(
        &hub,
        reqwest::Method::POST,
        "/v1/messages",
        KEY,
        Some(flood.into_bytes()),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["type"], "message");

    let chat = |model: &str, extra: Value| {
        let mut body = json!({"model": model, "messages": [{"role": "user", "content": "hi"}]});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    let answer = send(
        &hub,
        reqwest::Method::POST,
        "/v1/chat/completions",
        KEY,
        post_json(&chat(&huge, json!({}))),
    )
    .await;
    assert_small_refusal(&answer, 400, "5 MiB model");
    assert_eq!(answer.body["error"]["param"], "model");
    let answer = send(
        &hub,
        reqwest::Method::POST,
        "/v1/messages",
        KEY,
        post_json(&json!({"model": huge, "max_tokens": 5,
            "messages": [{"role": "user", "content": "hi"}]})),
    )
    .await;
    assert_small_refusal(&answer, 400, "5 MiB model on messages");
    assert_eq!(answer.body["type"], "error");
    let answer = send(
        &hub,
        reqwest::Method::POST,
        "/v1/chat/completions",
        KEY,
        post_json(&chat("gpt-4o-mini", json!({"user": huge}))),
    )
    .await;
    assert_small_refusal(&answer, 400, "huge user");
    assert_eq!(answer.body["error"]["param"], "user");

    let depth = 100_000;
    let nested = format!(
        r#"{{"model":"gpt-4o-mini","messages":[{{"role":"user","content":{}1{}}}]}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    for path in ["/v1/chat/completions", "/v1/messages", "/v1/responses"] {
        let answer = send(
            &hub,
            reqwest::Method::POST,
            path,
            KEY,
            Some(nested.clone().into_bytes()),
        )
        .await;
        // Refused by the relay's parser, or (Responses, passed through unparsed to an
        // `openai` channel) by the upstream: either way a small 4xx and no crash.
        let what = format!("deep nesting on {path}");
        assert!(
            (400..500).contains(&answer.status),
            "{what}: {}",
            answer.body
        );
        assert_small_refusal(&answer, answer.status, &what);
    }
    assert_still_serving(&hub).await;
    hub.stop().await.unwrap();
}

/// An upstream that creates a stored response for every `POST /v1/responses`.
async fn responses_upstream() -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&hits);
    let app = axum::Router::new().route(
        "/v1/responses",
        post(move |Json(request): Json<Value>| {
            let number = counted.fetch_add(1, Ordering::SeqCst);
            async move {
                Json(json!({"id": format!("resp_{number}"), "object": "response",
                    "status": "completed", "model": request["model"],
                    "output": [{"type": "message", "id": "msg_1", "role": "assistant",
                        "status": "completed",
                        "content": [{"type": "output_text", "text": "ok", "annotations": []}]}],
                    "usage": {"input_tokens": 5, "output_tokens": 2, "total_tokens": 7}}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/v1"), hits)
}

#[tokio::test]
async fn another_groups_previous_response_id_is_refused() {
    let (url, hits) = responses_upstream().await;
    let hub = start(&config(&url, "", ""), |_| {}).await;
    let created = send(
        &hub,
        reqwest::Method::POST,
        "/v1/responses",
        KEY,
        post_json(&json!({"model": "gpt-4o-mini", "input": "hi"})),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let answer = send(
        &hub,
        reqwest::Method::POST,
        "/v1/responses",
        OTHER_KEY,
        post_json(&json!({"model": "gpt-4o-mini", "input": "go on",
            "previous_response_id": id})),
    )
    .await;
    assert_small_refusal(&answer, 400, "foreign previous_response_id");
    assert_eq!(answer.body["error"]["code"], "previous_response_not_found");
    assert_eq!(hits.load(Ordering::SeqCst), 1, "never forwarded");
    hub.stop().await.unwrap();
}

fn count_tokens_body() -> Option<Vec<u8>> {
    post_json(&json!({"model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "count me"}]}))
}

#[tokio::test]
async fn count_tokens_counts_against_the_rate_limit_and_is_not_billed() {
    let upstream = MockOpenAi::start().await;
    let hub = start(
        &config(
            &upstream.base_url(),
            "    rpm: 3",
            "    price: {per_request_price: 1, unit: 1}",
        ),
        |_| {},
    )
    .await;
    let mut statuses = Vec::new();
    for index in 0..5 {
        let answer = if index % 2 == 0 {
            send(
                &hub,
                reqwest::Method::POST,
                "/v1/messages/count_tokens",
                KEY,
                count_tokens_body(),
            )
            .await
        } else {
            send(
                &hub,
                reqwest::Method::POST,
                "/v1beta/models/gpt-4o-mini:countTokens",
                KEY,
                post_json(&json!({"contents": [{"parts": [{"text": "count me"}]}]})),
            )
            .await
        };
        if answer.status == 429 {
            assert_small_refusal(&answer, 429, "count_tokens past the rpm");
        }
        statuses.push(answer.status);
    }
    assert_eq!(statuses, [200, 200, 200, 429, 429]);
    assert_eq!(upstream.hits(), 0, "counted locally");
    // The model has a price per request; counting tokens is still free.
    let mut client = TokenServiceClient::new(control_channel(&hub).await);
    let mut token = None;
    for _ in 0..200 {
        let listed = client
            .list_tokens(admin(pb::ListTokensRequest {
                group_id: "acme".into(),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        let found = listed.tokens.into_iter().next().unwrap();
        if found.request_count >= 3 {
            token = Some(found);
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let token = token.expect("the count_tokens rows were never written");
    assert_eq!(token.used_amount, "0");
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn a_blocked_address_is_refused_everywhere() {
    let upstream = MockOpenAi::start().await;
    let hub = start(&config(&upstream.base_url(), "", ""), |settings| {
        settings.ip_groups_ban_threshold = 2
    })
    .await;
    for key in [KEY, OTHER_KEY] {
        let answer = send(
            &hub,
            reqwest::Method::POST,
            "/v1/chat/completions",
            key,
            post_json(&json!({"model": "gpt-4o-mini",
                "messages": [{"role": "user", "content": "hi"}]})),
        )
        .await;
        assert_eq!(answer.status, 200);
    }
    // The block is decided beside the request path: it lands a moment later.
    let mut blocked = false;
    for _ in 0..100 {
        let answer = send(&hub, reqwest::Method::GET, "/v1/models", KEY, None).await;
        if answer.status == 403 {
            blocked = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(blocked, "the address was never blocked");
    let cases = [
        (reqwest::Method::GET, "/v1/models", None),
        (reqwest::Method::GET, "/v1/models/gpt-4o-mini", None),
        (reqwest::Method::GET, "/v1beta/models", None),
        (reqwest::Method::GET, "/v1/responses/resp_0", None),
        (reqwest::Method::DELETE, "/v1/responses/resp_0", None),
        (
            reqwest::Method::GET,
            "/v1/responses/resp_0/input_items",
            None,
        ),
        (
            reqwest::Method::POST,
            "/v1/messages/count_tokens",
            count_tokens_body(),
        ),
        (
            reqwest::Method::POST,
            "/v1beta/models/gpt-4o-mini:countTokens",
            post_json(&json!({"contents": [{"parts": [{"text": "hi"}]}]})),
        ),
    ];
    for (method, path, body) in cases {
        let answer = send(&hub, method, path, KEY, body).await;
        assert_small_refusal(&answer, 403, path);
        let code = &answer.body["error"]["code"];
        let status = &answer.body["error"]["status"];
        assert!(
            code == "address_blocked"
                || status == "PERMISSION_DENIED"
                || answer.body["type"] == "error",
            "{path}: {}",
            answer.body
        );
    }
    hub.stop().await.unwrap();
}
