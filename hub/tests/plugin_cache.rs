//! The response cache in the real Redis: the store itself (round trip, expiry, prefixes), and two
//! replicas sharing Postgres and Redis where one answers from the other's entry.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use crate::support;

use std::time::Duration;

use hub::relay_host::plugin_cache::RedisCacheStore;
use relay::plugin::{CacheStore, CachedResponse, StoredUsage};
use support::mock_openai::MockOpenAi;
use support::{TestDatabase, TestHub, unique_redis_prefix};

const REDIS: &str = "redis://127.0.0.1:6379";
const TOKEN: &str = "sk-cache-acme-0001";
const OTHER_TOKEN: &str = "sk-cache-other-0002";

async fn connection() -> redis::aio::ConnectionManager {
    let client = redis::Client::open(REDIS).unwrap();
    redis::aio::ConnectionManager::new(client).await.unwrap()
}

fn entry(text: &str) -> CachedResponse {
    CachedResponse {
        stream: true,
        chunks: vec![format!("data: {text}\n\n"), "data: [DONE]\n\n".to_owned()],
        usage: StoredUsage {
            input_tokens: 3,
            output_tokens: 4,
            total_tokens: 7,
            ..StoredUsage::default()
        },
    }
}

#[tokio::test]
async fn redis_store_round_trips_expires_and_keeps_prefixes_apart() {
    let prefix = unique_redis_prefix();
    let store = RedisCacheStore::new(connection().await, &prefix);
    let other = RedisCacheStore::new(connection().await, &unique_redis_prefix());
    assert!(store.get("k").await.is_none());
    store.put("k", entry("a"), Duration::from_secs(60)).await;
    assert_eq!(store.get("k").await.as_deref(), Some(&entry("a")));
    assert!(
        other.get("k").await.is_none(),
        "another prefix is another cache"
    );
    let mut raw = connection().await;
    let ttl: i64 = redis::cmd("PTTL")
        .arg(format!("{prefix}:plugin_cache:k"))
        .query_async(&mut raw)
        .await
        .unwrap();
    assert!(
        ttl > 0 && ttl <= 60_000,
        "the entry expires on its own: {ttl}"
    );
    store
        .put("short", entry("b"), Duration::from_millis(30))
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(store.get("short").await.is_none());
    // Garbage under a key is a miss, not an error.
    let _: () = redis::cmd("SET")
        .arg(format!("{prefix}:plugin_cache:bad"))
        .arg("not json")
        .query_async(&mut raw)
        .await
        .unwrap();
    assert!(store.get("bad").await.is_none());
}

async fn chat(hub: &TestHub, token: &str, text: &str) -> (String, String) {
    let response = reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(token)
        .json(&serde_json::json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let cache = response.headers()["x-aiproxy-cache"]
        .to_str()
        .unwrap()
        .to_owned();
    (cache, response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_share_cached_answers_through_redis_but_groups_do_not() {
    let database = TestDatabase::create().await;
    let prefix = unique_redis_prefix();
    let upstream = MockOpenAi::start().await;
    let config = format!(
        r#"
groups: [{{id: acme}}, {{id: other}}]
tokens:
  - {{group: acme, name: a, key: {TOKEN}}}
  - {{group: other, name: o, key: {OTHER_TOKEN}}}
channels:
  - {{name: up, type: openai, base_url: "{}", key: sk-up, models: [gpt-4o-mini]}}
models:
  - model: gpt-4o-mini
    plugins:
      cache: {{ttl_seconds: 60}}
"#,
        upstream.base_url()
    );
    let first = TestHub::replica(&database, &prefix, Some(&config)).await;
    let second = TestHub::replica(&database, &prefix, None).await;
    let (cache, answer) = chat(&first, TOKEN, "shared question").await;
    assert_eq!(cache, "miss");
    // The entry is written after the answer; give the write a moment to land.
    let mut hit = None;
    for _ in 0..40 {
        let (cache, again) = chat(&second, TOKEN, "shared question").await;
        if cache == "hit" {
            hit = Some(again);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        hit.as_deref(),
        Some(answer.as_str()),
        "the other replica answered from Redis"
    );
    let misses_before = upstream.hits();
    let (cache, _) = chat(&second, OTHER_TOKEN, "shared question").await;
    assert_eq!(cache, "miss", "another group never reads acme's entry");
    assert_eq!(upstream.hits(), misses_before + 1);
    let mut raw = connection().await;
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}:plugin_cache:*"))
        .query_async(&mut raw)
        .await
        .unwrap();
    assert!(!keys.is_empty(), "entries live under the prefix");
    first.stop().await.unwrap();
    second.stop().await.unwrap();
}
