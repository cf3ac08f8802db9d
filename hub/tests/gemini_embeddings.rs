//! Gemini's embeddings face (`:embedContent`, `:batchEmbedContents`).
//!
//! Converted to OpenAI embeddings for an OpenAI channel, passed through to a Gemini channel with
//! the model mapped, and billed by input tokens like other embeddings.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::support;
use support::TestHub;
use support::mock_google_media::{self, MockGoogleMedia};
use support::mock_openai::MockOpenAi;

const ACME: &str = "sk-gembed-acme-0001";

async fn hub(openai: &MockOpenAi, google: &MockGoogleMedia) -> TestHub {
    TestHub::start_with_config(&format!(
        r#"
groups: [{{id: acme, balance: "100"}}]
tokens:
  - {{group: acme, name: app, key: {ACME}}}
channels:
  - name: openai
    type: openai
    base_url: "{openai}"
    key: sk-up
    models: [text-embedding-3-small]
  - name: gemini
    type: gemini
    base_url: "{google}"
    key: {google_key}
    models: [embed]
    model_mapping: {{embed: gemini-embedding-001}}
models:
  - model: text-embedding-3-small
    type: embedding
    price: {{input_price: 1, unit: 1}}
  - model: embed
    type: embedding
    price: {{input_price: 1, unit: 1}}
"#,
        openai = openai.base_url(),
        google = google.base_url(),
        google_key = mock_google_media::KEY,
    ))
    .await
}

async fn post(hub: &TestHub, path: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(hub.url(path))
        .header("x-goog-api-key", ACME)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gemini_embeddings_reach_openai_and_gemini_channels_and_are_billed() {
    let openai = MockOpenAi::start().await;
    let google = MockGoogleMedia::start().await;
    let hub = hub(&openai, &google).await;

    // An OpenAI channel: converted both ways, usage from the upstream's answer.
    let (status, single) = post(
        &hub,
        "/v1beta/models/text-embedding-3-small:embedContent",
        json!({"content": {"parts": [{"text": "hello"}, {"text": "world"}]},
            "taskType": "RETRIEVAL_DOCUMENT", "outputDimensionality": 3}),
    )
    .await;
    assert_eq!(status, 200, "{single}");
    assert_eq!(single, json!({"embedding": {"values": [0.1, -0.2, 0.3]}}));
    let (status, batch) = post(
        &hub,
        "/v1beta/models/text-embedding-3-small:batchEmbedContents",
        json!({"requests": [
            {"model": "models/text-embedding-3-small", "content": {"parts": [{"text": "a"}]}},
            {"model": "models/text-embedding-3-small", "content": {"parts": [{"text": "b"}]}}]}),
    )
    .await;
    assert_eq!(status, 200, "{batch}");
    assert_eq!(batch["embeddings"].as_array().unwrap().len(), 2, "{batch}");

    // A Gemini channel: passed through, the batch's model renamed to the channel's.
    let (status, native) = post(
        &hub,
        "/v1beta/models/embed:embedContent",
        json!({"content": {"parts": [{"text": "four"}]}}),
    )
    .await;
    assert_eq!(status, 200, "{native}");
    assert_eq!(native, json!({"embedding": {"values": [4.0, 0.5, -0.5]}}));
    let (status, native_batch) = post(
        &hub,
        "/v1beta/models/embed:batchEmbedContents",
        json!({"requests": [
            {"model": "models/embed", "content": {"parts": [{"text": "one"}]}},
            {"model": "models/embed", "content": {"parts": [{"text": "three"}]}}]}),
    )
    .await;
    assert_eq!(status, 200, "{native_batch}");
    assert_eq!(native_batch["embeddings"][1]["values"][0], 5.0);
    let seen = google.state.embeddings.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[1].1["requests"][0]["model"],
        "models/gemini-embedding-001"
    );

    // Bad input: a Gemini-shaped 400, nothing sent upstream.
    let (status, error) = post(
        &hub,
        "/v1beta/models/embed:embedContent",
        json!({"content": "not an object"}),
    )
    .await;
    assert_eq!(status, 400, "{error}");
    assert_eq!(error["error"]["status"], "INVALID_ARGUMENT", "{error}");
    assert_eq!(google.state.embeddings.lock().unwrap().len(), 2);

    // Billed like embeddings: input tokens at the input price; the OpenAI channel's counted
    // by its usage (3 per call), the Gemini channel's estimated from the texts.
    let rows = support::group_logs(&hub, "acme", 5).await;
    let embedding_rows: Vec<_> = rows
        .iter()
        .filter(|row| row.endpoint.contains("mbed") && row.status_code == 200)
        .collect();
    assert_eq!(embedding_rows.len(), 4, "{rows:?}");
    for row in &embedding_rows {
        assert!(row.input_tokens > 0, "{row:?}");
        assert_eq!(
            Decimal::from_str(&row.cost).unwrap(),
            Decimal::from(row.input_tokens),
            "{row:?}"
        );
        if row.requested_model == "text-embedding-3-small" {
            assert_eq!(row.input_tokens, 3, "the upstream's usage: {row:?}");
        }
    }
}
