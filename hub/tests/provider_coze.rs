//! Coze bot channels end to end: every face (streamed upstream, whole answers reassembled), bot and user ids sent, usage logged, failures as errors.

use serde_json::{Value, json};

use crate::support::mock_coze::{
    BOT_ID, FAIL_PROMPT, INPUT_COUNT, MockCoze, OUTPUT_COUNT, PAT, TEXT, USER_ID,
};
use crate::support::{TestHub, check_every_face, group_logs};

const TOKEN: &str = "sk-coze-acme-0001";
const MODEL: &str = "bot-7350000000000000001";

async fn start(mock: &MockCoze) -> TestHub {
    let config = format!(
        r#"
groups: [{{id: acme}}]
tokens: [{{group: acme, name: ci, key: {TOKEN}}}]
channels:
  - {{name: bot, type: coze, base_url: "{base}", key: "{key}", models: [{MODEL}]}}
  - {{name: revoked, type: coze, base_url: "{base}", key: "pat_revoked_token_9|{USER_ID}", models: [revoked-bot]}}
models:
  - {{model: {MODEL}, type: chat}}
  - {{model: revoked-bot, type: chat}}
"#,
        base = mock.base_url(),
        key = MockCoze::key(),
    );
    TestHub::start_with_config(&config).await
}

async fn chat(hub: &TestHub, model: &str, prompt: &str, stream: bool) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(TOKEN)
        .json(&json!({"model": model, "stream": stream,
            "messages": [{"role": "user", "content": prompt}]}))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_face_reaches_a_coze_bot_streamed_upstream_with_usage_logged() {
    let mock = MockCoze::start().await;
    let hub = start(&mock).await;
    check_every_face(&hub, TOKEN, MODEL, TEXT).await;

    let requests = mock.requests();
    assert!(requests.len() >= 8, "{} requests", requests.len());
    for request in &requests {
        assert_eq!(request.target, "/v3/chat");
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {PAT}").as_str())
        );
        assert_eq!(request.body["bot_id"], BOT_ID, "the bot- prefix is dropped");
        assert_eq!(request.body["user_id"], USER_ID);
        assert_eq!(
            request.body["stream"], true,
            "whole answers are streamed too"
        );
        let last = request.body["additional_messages"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(last["role"], "user");
        assert_eq!(last["content"], "hi", "{}", request.body);
    }

    let logs = group_logs(&hub, "acme", requests.len()).await;
    assert_eq!(logs.len(), requests.len());
    for row in &logs {
        assert_eq!(row.status_code, 200, "{row:?}");
        assert_eq!(row.input_tokens, INPUT_COUNT as i64, "{row:?}");
        assert_eq!(row.output_tokens, OUTPUT_COUNT as i64, "{row:?}");
    }
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_chat_and_a_revoked_token_are_errors() {
    let mock = MockCoze::start().await;
    let hub = start(&mock).await;

    let (status, body) = chat(&hub, MODEL, FAIL_PROMPT, true).await;
    assert_eq!(status, 200, "the stream had begun: {body}");
    let error = body
        .lines()
        .filter_map(|line| line.strip_prefix("data: "))
        .filter_map(|data| serde_json::from_str::<Value>(data).ok())
        .find(|event| event.get("error").is_some())
        .unwrap_or_else(|| panic!("no error event in {body}"));
    assert!(
        error["error"]["message"].as_str().unwrap().contains("5000"),
        "{error}"
    );

    let (status, body) = chat(&hub, MODEL, FAIL_PROMPT, false).await;
    assert_eq!(status, 502, "{body}");

    let (status, body) = chat(&hub, "revoked-bot", "hi", false).await;
    assert_eq!(status, 502, "{body}");
    assert!(body.contains("credentials"), "{body}");
    assert!(!body.contains("pat_revoked_token_9"), "{body}");

    let logs = group_logs(&hub, "acme", 3).await;
    assert_eq!(logs.len(), 3);
    assert!(
        logs.iter().all(|row| !row.error.is_empty()),
        "every failure is logged as one: {logs:?}"
    );
    hub.stop().await.unwrap();
}
