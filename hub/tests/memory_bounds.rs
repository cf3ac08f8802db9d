//! The `MEMORY_*` settings reach the stores they bound: the response cache of a tiny budget keeps nothing, the default one answers again.

use crate::support;

use support::TestHub;
use support::mock_openai::MockOpenAi;

const TOKEN: &str = "sk-memory-bounds-0001";

async fn cache_header(hub: &TestHub) -> String {
    let response = reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "same question"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.headers()["x-aiproxy-cache"]
        .to_str()
        .unwrap()
        .to_owned()
}

/// Asks the same question until the cache answers or 40 tries passed (the entry is stored
/// after the answer is sent); the last header seen.
async fn asked_again(hub: &TestHub) -> String {
    let mut seen = String::new();
    for _ in 0..40 {
        seen = cache_header(hub).await;
        if seen == "hit" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    seen
}

async fn hub_with_cache_budget(upstream: &MockOpenAi, bytes: Option<usize>) -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    if let Some(bytes) = bytes {
        settings.memory_response_cache_bytes = bytes;
    }
    let config = format!(
        "groups: [{{id: acme}}]\ntokens:\n  - {{group: acme, name: a, key: {TOKEN}}}\n\
         channels:\n  - {{name: up, type: openai, base_url: \"{}\", key: sk-up, models: [gpt-4o-mini]}}\n\
         models:\n  - model: gpt-4o-mini\n    plugins:\n      cache: {{ttl_seconds: 60}}\n",
        upstream.base_url()
    );
    let path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&path, config).unwrap();
    settings.config_file_path = Some(path);
    TestHub::start_with(settings, data_dir).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_in_memory_response_cache_holds_what_memory_response_cache_bytes_allows() {
    let upstream = MockOpenAi::start().await;

    let default = hub_with_cache_budget(&upstream, None).await;
    assert_eq!(cache_header(&default).await, "miss");
    assert_eq!(
        asked_again(&default).await,
        "hit",
        "the default budget keeps the answer"
    );
    default.stop().await.unwrap();

    // Every answer is larger than 16 bytes, so a 16-byte budget can keep none of them.
    let tiny = hub_with_cache_budget(&upstream, Some(16)).await;
    let hits_before = upstream.hits();
    assert_eq!(cache_header(&tiny).await, "miss");
    assert_eq!(asked_again(&tiny).await, "miss", "nothing fits in 16 bytes");
    assert_eq!(
        upstream.hits(),
        hits_before + 41,
        "every question went upstream"
    );
    tiny.stop().await.unwrap();
}
