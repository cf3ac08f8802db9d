//! The cache and cache-follow plugins through the relay: hits and misses, streams replayed as
//! streams, billing of hits, tenants kept apart, and channel affinity.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "integration tests: a failed setup or assertion should abort loudly"
)]

use crate::common;

use std::sync::Arc;

use common::*;
use relay::plugin::PluginSettings;
use serde_json::{Value, json};
use tenancy::Caller;

const KEY_B: &str = "sk-client-group-b";

fn plugins(config: Value) -> Option<Arc<PluginSettings>> {
    Some(Arc::new(PluginSettings::parse(&config).unwrap()))
}

/// A relay with `model` on the given channels (all at `mock`), plugins as configured, and a
/// second key whose caller is in another group.
async fn harness(mock: &Mock, channel_ids: &[i64], config: Option<Value>) -> Harness {
    let mut route = route(
        channel_ids
            .iter()
            .map(|id| channel(*id, &mock.url()))
            .collect(),
    );
    route.settings.plugins = config.and_then(plugins);
    let mut gatekeeper = FakeGatekeeper::default();
    gatekeeper.tokens.insert(
        KEY_B.into(),
        Token {
            caller: Caller {
                group_id: "group-b".into(),
                ..caller(2, None)
            },
            subnets: Vec::new(),
        },
    );
    Harness::with(test_config(), vec![("gpt-4o-mini", route)], gatekeeper).await
}

async fn post(harness: &Harness, key: &str, body: &Value) -> (u16, Option<String>, String) {
    let response = harness
        .client
        .post(harness.url("/v1/chat/completions"))
        .bearer_auth(key)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let cache = response
        .headers()
        .get("x-aiproxy-cache")
        .map(|value| value.to_str().unwrap().to_owned());
    (status, cache, response.text().await.unwrap())
}

fn question(text: &str) -> Value {
    json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}]})
}

/// Waits until `count` records arrived, then for the cache write that follows a miss.
async fn settle(harness: &Harness, count: usize) {
    harness.sink.wait_for(count).await;
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
}

#[tokio::test]
async fn identical_requests_hit_the_cache_and_are_billed_as_configured() {
    let mock = Mock::chat_ok("cached answer").await;
    let harness = harness(&mock, &[1], Some(json!({"cache": {"billing": "cached"}}))).await;
    let (status, cache, first) = post(&harness, KEY, &question("hi")).await;
    assert_eq!((status, cache.as_deref()), (200, Some("miss")));
    settle(&harness, 1).await;
    // Key order and whitespace do not matter.
    let reordered =
        json!({"messages": [{"content": "hi", "role": "user"}], "model": "gpt-4o-mini"});
    let (status, cache, second) = post(&harness, KEY, &reordered).await;
    assert_eq!((status, cache.as_deref()), (200, Some("hit")));
    assert_eq!(first, second, "the hit is the stored answer byte for byte");
    assert_eq!(mock.hits(), 1, "the hit never reached the upstream");
    let records = harness.sink.wait_for(2).await;
    let (miss, hit) = (&records[0], &records[1]);
    assert!(!miss.cache_hit && hit.cache_hit);
    assert_eq!(hit.status, 200);
    assert_eq!(hit.channel_id, None);
    assert_eq!(hit.usage.input_tokens, miss.usage.input_tokens);
    assert_eq!(
        hit.usage.cached_input_tokens, miss.usage.input_tokens,
        "billing cached: every prompt token at the cached price"
    );
    // A different question is a miss.
    let (_, cache, _) = post(&harness, KEY, &question("other")).await;
    assert_eq!(cache.as_deref(), Some("miss"));
    assert_eq!(mock.hits(), 2);
}

#[tokio::test]
async fn free_hits_carry_no_tokens() {
    let mock = Mock::chat_ok("free").await;
    let harness = harness(&mock, &[1], Some(json!({"cache": {}}))).await;
    post(&harness, KEY, &question("hi")).await;
    settle(&harness, 1).await;
    let (_, cache, _) = post(&harness, KEY, &question("hi")).await;
    assert_eq!(cache.as_deref(), Some("hit"));
    let records = harness.sink.wait_for(2).await;
    assert!(records[1].cache_hit);
    assert_eq!(records[1].usage, relay::host::TokenUsage::default());
}

#[tokio::test]
async fn without_the_plugin_nothing_is_cached() {
    let mock = Mock::chat_ok("fresh").await;
    let disabled = harness(&mock, &[1], Some(json!({"cache": {"enable": false}}))).await;
    let none = harness(&mock, &[1], None).await;
    for harness in [&disabled, &none] {
        for _ in 0..2 {
            let (status, cache, _) = post(harness, KEY, &question("hi")).await;
            assert_eq!((status, cache), (200, None));
        }
        settle(harness, 2).await;
        assert!(
            harness
                .sink
                .snapshot()
                .iter()
                .all(|record| !record.cache_hit)
        );
    }
    assert_eq!(mock.hits(), 4);
}

#[tokio::test]
async fn groups_never_share_entries() {
    let mock = Mock::chat_ok("tenant answer").await;
    let harness = harness(&mock, &[1], Some(json!({"cache": {}}))).await;
    post(&harness, KEY, &question("same")).await;
    settle(&harness, 1).await;
    let (_, cache, _) = post(&harness, KEY_B, &question("same")).await;
    assert_eq!(
        cache.as_deref(),
        Some("miss"),
        "group b never sees group a's entry"
    );
    settle(&harness, 2).await;
    let (_, cache, _) = post(&harness, KEY_B, &question("same")).await;
    assert_eq!(cache.as_deref(), Some("hit"));
    assert_eq!(mock.hits(), 2);
}

#[tokio::test]
async fn streams_are_stored_and_replayed_as_streams() {
    let mock = Mock::start(|seen| sse_like_openai(seen, &["Hel", "lo"])).await;
    let harness = harness(&mock, &[1], Some(json!({"cache": {}}))).await;
    let body = json!({"model": "gpt-4o-mini", "stream": true, "stream_options": {"include_usage": true},
        "messages": [{"role": "user", "content": "stream me"}]});
    let (status, cache, first) = post(&harness, KEY, &body).await;
    assert_eq!((status, cache.as_deref()), (200, Some("miss")));
    settle(&harness, 1).await;
    let response = harness
        .client
        .post(harness.url("/v1/chat/completions"))
        .bearer_auth(KEY)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-aiproxy-cache"], "hit");
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let second = response.text().await.unwrap();
    assert_eq!(first, second);
    let data = sse_data(&second);
    assert_eq!(data.last().map(String::as_str), Some("[DONE]"));
    let text: String = data
        .iter()
        .filter_map(|event| serde_json::from_str::<Value>(event).ok())
        .filter_map(|chunk| {
            chunk["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(text, "Hello");
    assert_eq!(mock.hits(), 1);
    let records = harness.sink.wait_for(2).await;
    assert!(records[1].cache_hit && records[1].stream);
    // A non-streamed request for the same conversation is another entry.
    let mut plain = body.clone();
    plain.as_object_mut().unwrap().remove("stream");
    plain.as_object_mut().unwrap().remove("stream_options");
    mock.set(|seen| Reply::json(chat_completion(&seen.json()["model"], "plain", true)));
    let (_, cache, _) = post(&harness, KEY, &plain).await;
    assert_eq!(cache.as_deref(), Some("miss"));
}

#[tokio::test]
async fn failed_and_oversized_answers_are_not_stored() {
    let mock = Mock::start(|_| Reply::status(500, json!({"error": {"message": "boom"}}))).await;
    let harness = harness(&mock, &[1], Some(json!({"cache": {"max_item_bytes": 64}}))).await;
    let (status, _, _) = post(&harness, KEY, &question("fails")).await;
    assert_ne!(status, 200);
    mock.set(|seen| {
        Reply::json(chat_completion(
            &seen.json()["model"],
            &"long ".repeat(50),
            true,
        ))
    });
    for _ in 0..2 {
        let (status, cache, _) = post(&harness, KEY, &question("too long")).await;
        assert_eq!((status, cache.as_deref()), (200, Some("miss")));
        settle(&harness, 2).await;
    }
}

#[tokio::test]
async fn cache_follow_keeps_a_conversation_on_its_channel() {
    let mock = Mock::chat_ok("ok").await;
    let channels = [1, 2, 3, 4, 5, 6, 7, 8];
    let harness = harness(&mock, &channels, Some(json!({"cache_follow": {}}))).await;
    let conversation = |turns: usize| {
        let mut messages = vec![json!({"role": "system", "content": "be brief"})];
        for turn in 0..turns {
            messages.push(json!({"role": "user", "content": format!("turn {turn}")}));
        }
        json!({"model": "gpt-4o-mini", "messages": messages})
    };
    for turns in 1..=6 {
        assert_eq!(post(&harness, KEY, &conversation(turns)).await.0, 200);
    }
    for turns in 1..=3 {
        let body = json!({"model": "gpt-4o-mini", "user": "alice", "messages": [{"role": "user", "content": format!("q{turns}")}]});
        assert_eq!(post(&harness, KEY, &body).await.0, 200);
    }
    let records = harness.sink.wait_for(9).await;
    let channels = |range: std::ops::Range<usize>| {
        records[range]
            .iter()
            .map(|record| record.channel_id.unwrap())
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(
        channels(0..6).len(),
        1,
        "one conversation, one channel: {records:?}"
    );
    assert_eq!(channels(6..9).len(), 1, "one user, one channel");
}

#[tokio::test]
async fn cache_follow_leaves_a_failing_channel() {
    let healthy = Mock::chat_ok("ok").await;
    let failing = Mock::chat_ok("ok").await;
    let mut route = route(vec![channel(1, &healthy.url()), channel(2, &failing.url())]);
    route.settings.plugins = plugins(json!({"cache_follow": {}}));
    let harness = Harness::start(vec![("gpt-4o-mini", route)]).await;
    let body = json!({"model": "gpt-4o-mini", "prompt_cache_key": "conversation-1",
        "messages": [{"role": "user", "content": "hi"}]});
    // Find the conversation's channel, then break it: the next request must go elsewhere
    // and stay there.
    assert_eq!(harness.chat(body.clone()).await.0, 200);
    let first = harness.sink.wait_for(1).await[0].channel_id.unwrap();
    let broken = if first == 1 { &healthy } else { &failing };
    broken.set(|_| Reply::status(500, json!({"error": {"message": "down"}})));
    for _ in 0..3 {
        assert_eq!(harness.chat(body.clone()).await.0, 200);
    }
    let records = harness.sink.wait_for(4).await;
    let last = records[3].channel_id.unwrap();
    assert_ne!(
        last, first,
        "a failing channel is not followed: {records:?}"
    );
    assert_eq!(
        records[3].retries, 0,
        "the follow choice went straight to the healthy channel"
    );
}
