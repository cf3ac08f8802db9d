//! Baidu ERNIE v1 channels end to end: every face, one token for many requests, an expired token renewed and retried, usage logged, no secret in errors.

use serde_json::{Value, json};

use crate::support::mock_baidu::{
    CLIENT_ID, COMPLETION_TOKENS, FAIL_PROMPT, MockBaidu, PROMPT_TOKENS, TEXT,
};
use crate::support::{TestHub, check_every_face, group_logs};

const TOKEN: &str = "sk-baidu-acme-0001";
const CHAT_PATH: &str = "/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions_pro?access_token=";

async fn start(mock: &MockBaidu) -> TestHub {
    let config = format!(
        r#"
groups: [{{id: acme}}]
tokens: [{{group: acme, name: ci, key: {TOKEN}}}]
channels:
  - {{name: ernie, type: baidu, base_url: "{base}", key: "{key}", models: [ERNIE-4.0-8K, Embedding-V1]}}
  - {{name: wrong-secret, type: baidu, base_url: "{base}", key: "{CLIENT_ID}|not-the-secret", models: [ERNIE-Speed-128K]}}
models:
  - {{model: ERNIE-4.0-8K, type: chat}}
  - {{model: ERNIE-Speed-128K, type: chat}}
  - {{model: Embedding-V1, type: embedding}}
"#,
        base = mock.base_url(),
        key = MockBaidu::key(),
    );
    TestHub::start_with_config(&config).await
}

async fn chat(hub: &TestHub, model: &str, prompt: &str, stream: bool) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(TOKEN)
        .json(&json!({"model": model, "stream": stream, "temperature": 0,
            "messages": [{"role": "system", "content": "Be brief."},
                {"role": "user", "content": prompt}]}))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The text of a chat answer, whole or streamed.
fn answer_text(body: &str) -> String {
    if let Ok(whole) = serde_json::from_str::<Value>(body) {
        return whole["choices"][0]["message"]["content"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
    }
    body.lines()
        .filter_map(|line| line.strip_prefix("data: "))
        .filter_map(|data| serde_json::from_str::<Value>(data).ok())
        .filter_map(|chunk| {
            chunk["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_owned)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_face_reaches_baidu_on_one_access_token_with_usage_logged() {
    let mock = MockBaidu::start().await;
    let hub = start(&mock).await;
    check_every_face(&hub, TOKEN, "ERNIE-4.0-8K", TEXT).await;

    let embeddings: Value = reqwest::Client::new()
        .post(hub.url("/v1/embeddings"))
        .bearer_auth(TOKEN)
        .json(&json!({"model": "Embedding-V1", "input": ["a", "b"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(embeddings["object"], "list");
    assert_eq!(embeddings["data"].as_array().unwrap().len(), 2);
    assert_eq!(embeddings["usage"]["prompt_tokens"], PROMPT_TOKENS);

    let requests = mock.requests();
    assert!(requests.len() >= 9, "{} requests", requests.len());
    assert_eq!(mock.exchanges(), 1, "one token serves every request");
    let token = mock.issued().pop().unwrap();
    for request in &requests[..requests.len() - 1] {
        assert_eq!(request.target, format!("{CHAT_PATH}{token}"));
        assert!(request.body.get("model").is_none(), "{}", request.body);
    }
    assert_eq!(
        requests.last().unwrap().target,
        format!(
            "/rpc/2.0/ai_custom/v1/wenxinworkshop/embeddings/embedding-v1?access_token={token}"
        )
    );

    let logs = group_logs(&hub, "acme", requests.len()).await;
    assert_eq!(logs.len(), requests.len());
    for row in &logs {
        assert_eq!(row.status_code, 200, "{row:?}");
        assert_eq!(row.input_tokens, PROMPT_TOKENS as i64, "{row:?}");
        if row.endpoint.contains("embeddings") {
            continue;
        }
        assert_eq!(row.output_tokens, COMPLETION_TOKENS as i64, "{row:?}");
    }
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_exchanged_again_and_the_request_retried() {
    let mock = MockBaidu::start().await;
    let hub = start(&mock).await;
    let (status, body) = chat(&hub, "ERNIE-4.0-8K", "hi", false).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(answer_text(&body), TEXT);
    assert_eq!(mock.exchanges(), 1);

    for (round, stream) in [(2, false), (3, true)] {
        mock.expire_tokens();
        let (status, body) = chat(&hub, "ERNIE-4.0-8K", "hi", stream).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(answer_text(&body), TEXT, "stream {stream}: {body}");
        assert_eq!(
            mock.exchanges(),
            round,
            "the expired token was exchanged once"
        );
    }
    // Each expiry cost one refused request (error 111) and one retried with the new token.
    let targets: Vec<String> = mock.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets.len(), 5, "{targets:?}");
    assert_eq!(targets[1], targets[0], "the old token was tried first");
    assert_ne!(targets[2], targets[1], "then a new one");
    assert_eq!(mock.requests()[4].body["stream"], true);
    assert_eq!(mock.requests()[4].body["system"], "Be brief.");
    assert_eq!(mock.requests()[4].body["temperature"], 0.01);

    let logs = group_logs(&hub, "acme", 3).await;
    assert_eq!(logs.len(), 3);
    for row in &logs {
        assert_eq!(row.status_code, 200, "{row:?}");
        assert_eq!(row.input_tokens, PROMPT_TOKENS as i64);
        assert_eq!(row.output_tokens, COMPLETION_TOKENS as i64);
    }
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_is_a_credentials_error_and_no_error_shows_a_token_or_secret() {
    let mock = MockBaidu::start().await;
    let hub = start(&mock).await;
    let (status, body) = chat(&hub, "ERNIE-Speed-128K", "hi", false).await;
    assert_eq!(status, 502, "{body}");
    assert!(body.contains("credentials"), "{body}");
    assert!(!body.contains("not-the-secret"), "{body}");
    assert_eq!(mock.exchanges(), 0);
    assert!(mock.requests().is_empty(), "no chat without a token");

    // The mock's error quotes the access token; neither the client nor the log sees it.
    let (status, body) = chat(&hub, "ERNIE-4.0-8K", FAIL_PROMPT, false).await;
    let token = mock.issued().pop().unwrap();
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("[redacted]"), "{body}");
    assert!(!body.contains(&token), "{body}");
    let logs = group_logs(&hub, "acme", 2).await;
    assert_eq!(logs.len(), 2);
    for row in &logs {
        assert!(!row.error.contains(&token), "{row:?}");
        assert!(!row.error.contains("not-the-secret"), "{row:?}");
    }
    hub.stop().await.unwrap();
}
