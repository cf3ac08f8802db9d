//! Vendor quirks end to end: an Anthropic client on a DeepSeek channel reaches its Messages endpoint unconverted; Cloudflare builds its account URL.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use serde_json::{Value, json};

use crate::support::TestHub;
use crate::support::mock_anthropic::{self, MockAnthropic};
use crate::support::mock_openai_wire::{self, MockOpenAiWire};

const TOKEN: &str = "sk-vendor-acme-0001";
const DEEPSEEK_KEY: &str = "sk-deepseek-upstream";
const CLOUDFLARE_ACCOUNT: &str = "acct-4242";
const CLOUDFLARE_TOKEN: &str = "cf-upstream-token";

/// An Anthropic body with what a trip through chat would lose or reshape: cache control on the
/// system block, `top_k`, `metadata`.
fn anthropic_body(stream: bool) -> Value {
    json!({
        "model": "deepseek-chat",
        "max_tokens": 64,
        "stream": stream,
        "top_k": 5,
        "metadata": {"user_id": "u-1"},
        "system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}],
        "messages": [{"role": "user", "content": "Hello"}],
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anthropic_clients_reach_a_deepseek_channels_messages_endpoint_and_cloudflare_its_account()
{
    // DeepSeek serves OpenAI under `/v1` and Anthropic under `/anthropic` on the same host.
    let deepseek = MockAnthropic::start_under("/anthropic").await;
    let cloudflare =
        MockOpenAiWire::start_under(&format!("/client/v4/accounts/{CLOUDFLARE_ACCOUNT}/ai")).await;
    // A DeepSeek channel whose Anthropic endpoint is turned off: Anthropic clients are converted.
    let converted = MockOpenAiWire::start().await;
    let config = format!(
        r#"
groups: [{{id: acme}}]
tokens: [{{group: acme, name: ci, key: {TOKEN}}}]
channels:
  - name: deepseek
    type: deepseek
    base_url: http://{deepseek}/v1
    key: {DEEPSEEK_KEY}
    models: [deepseek-chat]
    model_mapping: {{deepseek-chat: deepseek-chat-upstream}}
  - name: deepseek-converted
    type: deepseek
    base_url: {converted}
    key: {DEEPSEEK_KEY}
    models: [deepseek-reasoner]
    config: {{anthropic_api: "false"}}
  - name: workers-ai
    type: cloudflare
    base_url: http://{cloudflare}
    key: "{CLOUDFLARE_ACCOUNT}|{CLOUDFLARE_TOKEN}"
    models: ["@cf/meta/llama-3.1-8b-instruct"]
models:
  - {{model: deepseek-chat, type: chat}}
  - {{model: deepseek-reasoner, type: chat}}
  - {{model: "@cf/meta/llama-3.1-8b-instruct", type: chat}}
"#,
        deepseek = deepseek.addr,
        cloudflare = cloudflare.addr,
        converted = converted.base_url(),
    );
    let hub = TestHub::start_with_config(&config).await;
    let http = reqwest::Client::new();

    let response = http
        .post(hub.url("/v1/messages"))
        .header("x-api-key", TOKEN)
        .header("anthropic-version", "2023-06-01")
        .header("anthropic-beta", "prompt-caching-2024-07-31")
        .json(&anthropic_body(false))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["type"], "message");
    assert_eq!(answer["model"], "deepseek-chat", "the public model name");
    assert!(
        answer["content"]
            .as_array()
            .unwrap()
            .iter()
            .any(|block| block["text"] == mock_anthropic::TEXT),
        "{answer}"
    );
    let seen = deepseek.requests();
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    assert_eq!(request.target, "/anthropic/v1/messages");
    assert_eq!(request.header("x-api-key"), Some(DEEPSEEK_KEY));
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(
        request.header("anthropic-beta"),
        Some("prompt-caching-2024-07-31")
    );
    // Unconverted: the client's body with only the model mapped.
    let mut expected = anthropic_body(false);
    expected["model"] = json!("deepseek-chat-upstream");
    assert_eq!(request.body, expected);

    let streamed = http
        .post(hub.url("/v1/messages"))
        .header("x-api-key", TOKEN)
        .header("anthropic-version", "2023-06-01")
        .json(&anthropic_body(true))
        .send()
        .await
        .unwrap();
    assert_eq!(streamed.status(), 200);
    let events = streamed.text().await.unwrap();
    assert!(events.contains("event: message_start"), "{events}");
    assert!(events.contains("event: message_stop"), "{events}");
    assert!(
        events.contains(&mock_anthropic::TEXT[..5]),
        "the mock's text arrives: {events}"
    );
    assert_eq!(deepseek.requests().len(), 2);
    assert_eq!(deepseek.requests()[1].body["stream"], true);

    let mut body = anthropic_body(false);
    body["model"] = json!("deepseek-reasoner");
    body.as_object_mut().unwrap().remove("top_k");
    let response = http
        .post(hub.url("/v1/messages"))
        .header("x-api-key", TOKEN)
        .header("anthropic-version", "2023-06-01")
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["type"], "message",
        "an Anthropic answer, converted back"
    );
    let seen = converted.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].target, "/v1/chat/completions");
    assert_eq!(seen[0].body["messages"][0]["role"], "system");
    assert_eq!(
        deepseek.requests().len(),
        2,
        "nothing more reached /anthropic"
    );

    let response = http
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(TOKEN)
        .json(&json!({"model": "@cf/meta/llama-3.1-8b-instruct",
            "messages": [{"role": "user", "content": "Hello"}]}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["choices"][0]["message"]["content"],
        mock_openai_wire::TEXT
    );
    let seen = cloudflare.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].target,
        format!("/client/v4/accounts/{CLOUDFLARE_ACCOUNT}/ai/v1/chat/completions")
    );
    assert_eq!(
        seen[0].header("authorization"),
        Some(format!("Bearer {CLOUDFLARE_TOKEN}").as_str()),
        "only the token part of the key is sent"
    );
}
