//! AWS Bedrock channels end to end against a SigV4-checking mock: every face on Converse and Anthropic models, logged usage, refused keys, corrupt frames.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::mock_bedrock::{
    self, API_KEY, CACHED_TOKENS, MockBedrock, OUTPUT_TOKENS, PROMPT_TOKENS, SECRET_ACCESS_KEY,
};
use crate::support::{TestHub, check_every_face, group_logs};

const TOKEN: &str = "sk-bedrock-acme-0001";
/// Served through Converse (its chat body converted here).
const NOVA: &str = "nova-on-bedrock";
const NOVA_ID: &str = "amazon.nova-lite-v1:0";
/// Served through InvokeModel with the Anthropic body (a cross-region inference profile).
const CLAUDE: &str = "claude-on-bedrock";
const CLAUDE_ID: &str = "us.anthropic.claude-sonnet-4-20250514-v1:0";

/// A hub with one Bedrock channel keyed with `key` serving both models.
async fn hub_with_key(mock: &MockBedrock, key: &str) -> TestHub {
    let config = format!(
        r#"
groups: [{{id: acme}}]
tokens: [{{group: acme, name: ci, key: {TOKEN}}}]
channels:
  - name: bedrock
    type: aws
    base_url: {base}
    key: "{key}"
    models: [{NOVA}, {CLAUDE}]
    model_mapping: {{{NOVA}: "{NOVA_ID}", {CLAUDE}: "{CLAUDE_ID}"}}
models: [{{model: {NOVA}, type: chat}}, {{model: {CLAUDE}, type: chat}}]
"#,
        base = mock.base_url(),
    );
    TestHub::start_with_config(&config).await
}

async fn chat(hub: &TestHub, model: &str, stream: bool) -> reqwest::Response {
    reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(TOKEN)
        .json(&json!({"model": model, "max_tokens": 32, "stream": stream,
            "messages": [{"role": "user", "content": "hi"}]}))
        .timeout(Duration::from_secs(60))
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_face_reaches_converse_and_anthropic_models_signed_with_sigv4() {
    let mock = MockBedrock::start().await;
    let hub = hub_with_key(&mock, &MockBedrock::signing_key()).await;
    check_every_face(&hub, TOKEN, NOVA, mock_bedrock::TEXT).await;
    check_every_face(&hub, TOKEN, CLAUDE, mock_bedrock::TEXT).await;
    let requests = mock.requests();
    let targets: Vec<&str> = requests.iter().map(|seen| seen.target.as_str()).collect();
    for target in [
        "/model/amazon.nova-lite-v1%3A0/converse",
        "/model/amazon.nova-lite-v1%3A0/converse-stream",
        "/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/invoke",
        "/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/invoke-with-response-stream",
    ] {
        assert!(
            targets.contains(&target),
            "no request to {target}: {targets:?}"
        );
    }
    for seen in &requests {
        let authorization = seen.header("authorization").unwrap();
        assert!(
            authorization.starts_with("AWS4-HMAC-SHA256 Credential="),
            "{authorization}"
        );
        assert!(!authorization.contains(SECRET_ACCESS_KEY));
    }
    // The Anthropic face reached the Anthropic model natively: the body kept its shape.
    let invoke = requests
        .iter()
        .find(|seen| seen.target.ends_with("/invoke"))
        .unwrap();
    assert_eq!(invoke.body["anthropic_version"], "bedrock-2023-05-31");
    assert!(invoke.body.get("model").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_of_whole_and_streamed_answers_is_logged() {
    let mock = MockBedrock::start().await;
    let hub = hub_with_key(&mock, &MockBedrock::signing_key()).await;
    for model in [NOVA, CLAUDE] {
        for stream in [false, true] {
            let answer = chat(&hub, model, stream).await;
            assert_eq!(answer.status(), 200, "{model} stream={stream}");
            let body = answer.text().await.unwrap();
            assert!(body.contains("Bedrock."), "{model} stream={stream}: {body}");
        }
    }
    let rows = group_logs(&hub, "acme", 4).await;
    assert_eq!(rows.len(), 4);
    for row in &rows {
        assert_eq!(row.status_code, 200, "{row:?}");
        assert_eq!(row.input_tokens, PROMPT_TOKENS as i64, "{row:?}");
        assert_eq!(row.output_tokens, OUTPUT_TOKENS as i64, "{row:?}");
        assert_eq!(row.cached_tokens, CACHED_TOKENS as i64, "{row:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bedrock_api_key_is_sent_as_a_bearer_token() {
    let mock = MockBedrock::start().await;
    let hub = hub_with_key(&mock, &format!("{}|{API_KEY}", mock_bedrock::REGION)).await;
    let answer = chat(&hub, NOVA, false).await;
    assert_eq!(answer.status(), 200);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["choices"][0]["message"]["content"], mock_bedrock::TEXT);
    assert_eq!(
        mock.requests()[0].header("authorization"),
        Some(format!("Bearer {API_KEY}").as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_is_refused_upstream_and_a_clean_error_for_the_client() {
    let mock = MockBedrock::start().await;
    let wrong = "wrongSecretKeyForBedrockTests00000000001";
    let key = format!(
        "{}|{}|{wrong}",
        mock_bedrock::REGION,
        mock_bedrock::ACCESS_KEY_ID
    );
    let hub = hub_with_key(&mock, &key).await;
    for model in [NOVA, CLAUDE] {
        let answer = chat(&hub, model, false).await;
        let status = answer.status();
        let body = answer.text().await.unwrap();
        assert!(!status.is_success(), "{model}: {status} {body}");
        let error: Value = serde_json::from_str(&body).unwrap();
        assert!(error["error"]["message"].is_string(), "{body}");
        assert!(!body.contains(wrong) && !body.contains(mock_bedrock::ACCESS_KEY_ID));
    }
    // Both requests were signed and the mock's own check refused them.
    assert!(mock.state.seen.count() >= 2);
    assert!(mock.requests().iter().all(|seen| {
        seen.header("authorization")
            .unwrap()
            .starts_with("AWS4-HMAC-SHA256")
    }));
    let rows = group_logs(&hub, "acme", 2).await;
    for row in &rows {
        assert!(!row.error.contains(wrong), "{row:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_frame_mid_stream_ends_the_clients_stream_with_an_error() {
    let mock = MockBedrock::start().await;
    mock.state.corrupt_streams.store(true, Ordering::SeqCst);
    let hub = hub_with_key(&mock, &MockBedrock::signing_key()).await;
    for model in [NOVA, CLAUDE] {
        let answer = chat(&hub, model, true).await;
        assert_eq!(answer.status(), 200, "{model}");
        // The mock stalls after the bad frame: only the relay ending the stream ends this read
        // (the guard turns a hang into a failure instead of a stuck test run).
        let body = tokio::time::timeout(Duration::from_secs(60), answer.text())
            .await
            .unwrap_or_else(|_| panic!("{model}: the stream did not end after a corrupt frame"))
            .unwrap();
        assert!(body.contains("\"content\":\"Hello \""), "{model}: {body}");
        assert!(!body.contains("from "), "{model}: {body}");
        let error = body
            .lines()
            .filter_map(|line| line.strip_prefix("data: "))
            .filter_map(|data| serde_json::from_str::<Value>(data).ok())
            .find(|event| event.get("error").is_some());
        assert!(error.is_some(), "{model}: no error event in {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_test_probes_each_model_on_its_api_signed() {
    use hub::edges::grpc::pb;
    use pb::channel_service_client::ChannelServiceClient;
    let mock = MockBedrock::start().await;
    let hub = hub_with_key(&mock, &MockBedrock::signing_key()).await;
    let mut channels = ChannelServiceClient::new(crate::support::control_channel(&hub).await);
    let id = channels
        .list_channels(crate::support::admin(pb::ListChannelsRequest::default()))
        .await
        .unwrap()
        .into_inner()
        .channels[0]
        .id;
    let results = channels
        .test_channel(crate::support::admin(pb::TestChannelRequest {
            id,
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .results;
    assert_eq!(results.len(), 2);
    for result in &results {
        assert!(result.success, "{result:?}");
        assert_eq!(result.status_code, 200, "{result:?}");
    }
    let mut targets: Vec<String> = mock
        .requests()
        .into_iter()
        .map(|seen| seen.target)
        .collect();
    targets.sort();
    assert_eq!(
        targets,
        [
            "/model/amazon.nova-lite-v1%3A0/converse",
            "/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/invoke",
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anthropic_clients_betas_reach_invoke_model_in_the_signed_body_filtered() {
    let mock = MockBedrock::start().await;
    let http = reqwest::Client::new();
    for key in [
        MockBedrock::signing_key(),
        format!("{}|{API_KEY}", mock_bedrock::REGION),
    ] {
        let hub = hub_with_key(&mock, &key).await;
        let before = mock.requests().len();
        let response = http
            .post(hub.url("/v1/messages"))
            .header("x-api-key", TOKEN)
            .header("anthropic-version", "2023-06-01")
            .header(
                "anthropic-beta",
                "interleaved-thinking-2025-05-14,advanced-tool-use-2025-11-20",
            )
            .json(&json!({"model": CLAUDE, "max_tokens": 32,
                "messages": [{"role": "user", "content": "hi"}]}))
            .timeout(Duration::from_secs(60))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let answer: Value = response.json().await.unwrap();
        // The mock checks the SigV4 signature over the body: a 200 proves the betas were
        // moved in before signing.
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["type"], "message");
        let requests = mock.requests();
        assert_eq!(requests.len(), before + 1);
        let seen = &requests[before];
        assert!(seen.target.ends_with("/invoke"), "{}", seen.target);
        assert_eq!(
            seen.body["anthropic_beta"],
            json!(["interleaved-thinking-2025-05-14"]),
            "the beta Bedrock does not offer is dropped"
        );
        assert_eq!(seen.header("anthropic-beta"), None);
    }
}
