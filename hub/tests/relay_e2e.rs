//! The relay wired into the whole server: a config file applied at startup, requests through a mock
//! OpenAI upstream, and the official openai Python SDK against it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use support::TestHub;
use support::mock_openai::MockOpenAi;

const TOKEN: &str = "sk-acme-ci-0001";
const OPEN_TOKEN: &str = "sk-acme-open-0002";

async fn hub_with_mocks() -> (TestHub, MockOpenAi, MockOpenAi) {
    let upstream = MockOpenAi::start().await;
    let busy = MockOpenAi::start().await;
    *busy.state.fail_with.lock().unwrap() = Some(429);
    let (mut settings, data_dir) = TestHub::settings();
    let config = format!(
        r#"
groups:
  - id: acme
tokens:
  - group: acme
    name: ci
    key: {TOKEN}
    subnets: [127.0.0.0/8]
    models: [gpt-4o-mini, text-embedding-3-small]
  - group: acme
    name: open
    key: {OPEN_TOKEN}
channels:
  - name: mock-openai
    type: openai
    base_url: {upstream}
    key: sk-upstream
    models: [gpt-4o-mini, gpt-4o, text-embedding-3-small]
    priority: 10
  - name: busy-openai
    type: openai
    base_url: {busy}
    key: sk-busy
    models: [busy-model]
models:
  - model: gpt-4o-mini
    type: chat
"#,
        upstream = upstream.base_url(),
        busy = busy.base_url(),
    );
    let config_path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&config_path, config).unwrap();
    settings.config_file_path = Some(config_path);
    (
        TestHub::start_with(settings, data_dir).await,
        upstream,
        busy,
    )
}

#[tokio::test]
async fn chat_goes_through_the_configured_channel() {
    let (hub, upstream, _busy) = hub_with_mocks().await;
    let response = reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body["choices"][0]["message"]["content"],
        "Hello from the mock."
    );
    assert_eq!(upstream.hits(), 1);
    assert_eq!(
        upstream.state.last_authorization.lock().unwrap().as_deref(),
        Some("Bearer sk-upstream")
    );
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn a_wrong_key_gets_an_openai_shaped_401() {
    let (hub, upstream, _busy) = hub_with_mocks().await;
    let response = reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth("sk-not-a-key")
        .json(&serde_json::json!({"model": "gpt-4o-mini", "messages": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["error"]["message"].is_string(), "{body}");
    assert_eq!(upstream.hits(), 0);
    hub.stop().await.unwrap();
}

/// Runs one pytest file of `hub/tests/python` against the hub.
async fn run_python_suite(hub: &TestHub, file: &str) {
    let base_url = hub.url("");
    support::run_pytest(
        &format!("hub/tests/python/{file}"),
        &[
            ("AIPROXY_BASE_URL", &base_url),
            ("AIPROXY_TOKEN", TOKEN),
            ("AIPROXY_OPEN_TOKEN", OPEN_TOKEN),
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_openai_sdk_works_through_the_gateway() {
    if !support::external_clients("Python and the SDKs of .ci/requirements.txt") {
        return;
    }
    let (hub, _upstream, _busy) = hub_with_mocks().await;
    run_python_suite(&hub, "test_openai_sdk.py").await;
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_anthropic_sdk_works_through_an_openai_channel() {
    if !support::external_clients("Python and the SDKs of .ci/requirements.txt") {
        return;
    }
    let (hub, upstream, _busy) = hub_with_mocks().await;
    run_python_suite(&hub, "test_anthropic_sdk.py").await;
    assert!(
        upstream.hits() >= 3,
        "the Anthropic requests reached the OpenAI channel: {} hits",
        upstream.hits()
    );
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_an_in_flight_request_finish_and_logs_it() {
    let (hub, upstream, _busy) = hub_with_mocks().await;
    upstream
        .state
        .delay_ms
        .store(800, std::sync::atomic::Ordering::SeqCst);
    let url = hub.url("/v1/chat/completions");
    let in_flight = tokio::spawn(async move {
        reqwest::Client::new()
            .post(url)
            .bearer_auth(TOKEN)
            .json(&serde_json::json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "slow"}]}))
            .send()
            .await
            .unwrap()
            .status()
    });
    while upstream.hits() == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let database = hub.data_path().join("aiproxy.db");
    let (stopped, _data_dir) = hub.stop_keeping_data().await;
    stopped.unwrap();
    assert_eq!(
        in_flight.await.unwrap(),
        200,
        "the request that was running when shutdown began completed"
    );

    let store = hub::store::Store::connect(database.to_str().unwrap())
        .await
        .unwrap();
    let (rows,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM request_logs WHERE status_code = 200")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(rows, 1, "its log row was flushed before exit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_sql_dsn_sends_request_logs_to_their_own_database() {
    let upstream = MockOpenAi::start().await;
    let (mut settings, data_dir) = TestHub::settings();
    let log_database = data_dir.path().join("logs.db");
    settings.log_sql_dsn = Some(log_database.display().to_string());
    let config = format!(
        "groups: [{{id: acme}}]\ntokens: [{{group: acme, name: ci, key: {TOKEN}}}]\nchannels: [{{name: up, type: openai, base_url: \"{}\", key: k, models: [gpt-4o-mini]}}]\n",
        upstream.base_url()
    );
    let config_path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&config_path, config).unwrap();
    settings.config_file_path = Some(config_path);
    let hub = TestHub::start_with(settings, data_dir).await;
    let status = reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    let main_database = hub.data_path().join("aiproxy.db");
    let (stopped, _data_dir) = hub.stop_keeping_data().await;
    stopped.unwrap();
    let count = |path: std::path::PathBuf| async move {
        let store = hub::store::Store::connect(path.to_str().unwrap())
            .await
            .unwrap();
        let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM request_logs")
            .fetch_one(store.pool())
            .await
            .unwrap();
        rows
    };
    assert_eq!(
        count(log_database).await,
        1,
        "the log database holds the request"
    );
    assert_eq!(
        count(main_database).await,
        0,
        "the main database holds no request logs"
    );
}

#[tokio::test]
async fn a_model_is_reached_only_from_the_endpoints_of_its_configured_type() {
    let upstream = MockOpenAi::start().await;
    let config = format!(
        "groups:\n  - id: acme\ntokens:\n  - group: acme\n    name: ci\n    key: {TOKEN}\nchannels:\n  - name: up\n    type: openai\n    base_url: {}\n    key: sk-up\n    models: [gpt-4o-mini, text-embedding-3-small, untyped]\nmodels:\n  - model: gpt-4o-mini\n    type: chat\n  - model: text-embedding-3-small\n    type: embedding\n",
        upstream.base_url()
    );
    let hub = TestHub::start_with_config(&config).await;
    let post = |path: &str, body: serde_json::Value| {
        reqwest::Client::new()
            .post(hub.url(path))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
    };
    let chat = |model: &str| serde_json::json!({"model": model, "messages": [{"role": "user", "content": "hi"}]});
    let embed = |model: &str| serde_json::json!({"model": model, "input": "hi"});
    let hits_before = upstream.hits();

    let refused = post("/v1/chat/completions", chat("text-embedding-3-small"))
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["param"], "model");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("an embedding model"), "{message}");
    assert!(message.contains("/v1/chat/completions"), "{message}");
    let refused = post("/v1/embeddings", embed("gpt-4o-mini")).await.unwrap();
    assert_eq!(refused.status(), 400);

    assert_eq!(
        post("/v1/embeddings", embed("text-embedding-3-small"))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        post("/v1/chat/completions", chat("gpt-4o-mini"))
            .await
            .unwrap()
            .status(),
        200
    );
    // A model without a configuration has no type: the channel decides.
    assert_eq!(
        post("/v1/embeddings", embed("untyped"))
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        upstream.hits(),
        hits_before + 3,
        "refusals never reached the upstream"
    );
    hub.stop().await.unwrap();
}
