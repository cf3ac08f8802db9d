//! The plugins that rewrite a request or its answer, through the relay: think split, stream fake, patch and timeout, each on and off, streamed and not.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "integration tests: a failed setup or assertion should abort loudly"
)]

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use relay::plugin::PluginSettings;
use serde_json::{Value, json};

async fn harness(mock: &Mock, config: Option<Value>) -> Harness {
    let mut route = route(vec![channel(1, &mock.url())]);
    route.settings.plugins = config.map(|config| Arc::new(PluginSettings::parse(&config).unwrap()));
    Harness::start(vec![("gpt-4o-mini", route)]).await
}

fn chunk(delta: Value, finish: Value) -> String {
    json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
    .to_string()
}

/// Reasoning and content of a streamed answer, concatenated.
fn stream_texts(body: &str) -> (String, String) {
    let mut reasoning = String::new();
    let mut content = String::new();
    for data in sse_data(body) {
        let Ok(chunk) = serde_json::from_str::<Value>(&data) else {
            continue;
        };
        let delta = &chunk["choices"][0]["delta"];
        reasoning.push_str(delta["reasoning_content"].as_str().unwrap_or_default());
        content.push_str(delta["content"].as_str().unwrap_or_default());
    }
    (reasoning, content)
}

#[tokio::test]
async fn think_split_moves_tags_split_across_chunks_into_reasoning() {
    let pieces = [
        "<thi",
        "nk>step one, ",
        "step two</th",
        "ink>\n\nThe ans",
        "wer",
    ];
    let mock = Mock::start(move |seen| {
        if seen.json()["stream"] == json!(true) {
            sse_like_openai(seen, &pieces)
        } else {
            Reply::json(chat_completion(
                &seen.json()["model"],
                "<think>why</think>\nbecause",
                true,
            ))
        }
    })
    .await;
    let on = harness(&mock, Some(json!({"think_split": {}}))).await;
    let off = harness(&mock, None).await;
    let stream = json!({"model": "gpt-4o-mini", "stream": true, "messages": [{"role": "user", "content": "q"}]});
    let body = on
        .post_json("/v1/chat/completions", stream.clone())
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        stream_texts(&body),
        ("step one, step two".into(), "The answer".into())
    );
    let body = off
        .post_json("/v1/chat/completions", stream)
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        stream_texts(&body),
        (
            String::new(),
            "<think>step one, step two</think>\n\nThe answer".into()
        )
    );

    let plain = json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "q"}]});
    let (status, answer) = on.chat(plain.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(answer["choices"][0]["message"]["content"], "because");
    assert_eq!(answer["choices"][0]["message"]["reasoning_content"], "why");
    assert_eq!(
        answer["usage"]["total_tokens"], 18,
        "the rest of the body is kept"
    );
    let (_, answer) = off.chat(plain).await;
    assert_eq!(
        answer["choices"][0]["message"]["content"],
        "<think>why</think>\nbecause"
    );
}

#[tokio::test]
async fn stream_fake_reassembles_a_stream_into_one_answer() {
    let events = vec![
        chunk(json!({"role": "assistant", "content": ""}), Value::Null),
        chunk(json!({"reasoning_content": "need weather"}), Value::Null),
        chunk(json!({"content": "Checking"}), Value::Null),
        chunk(json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]}), Value::Null),
        chunk(json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"city\""}}]}), Value::Null),
        chunk(json!({"tool_calls": [{"index": 0, "function": {"arguments": ":\"Paris\"}"}}]}), Value::Null),
        chunk(json!({}), json!("tool_calls")),
        json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o-mini", "choices": [],
            "usage": {"prompt_tokens": 20, "completion_tokens": 12, "total_tokens": 32}}).to_string(),
        "[DONE]".to_owned(),
    ];
    let mock = Mock::start(move |seen| {
        if seen.json()["stream"] == json!(true) {
            Reply::sse(events.clone())
        } else {
            Reply::json(chat_completion(&seen.json()["model"], "not streamed", true))
        }
    })
    .await;
    let on = harness(&mock, Some(json!({"stream_fake": {}}))).await;
    let request =
        json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "weather?"}]});
    let (status, answer) = on.chat(request.clone()).await;
    assert_eq!(status, 200, "{answer}");
    let upstream = mock.last().json();
    assert_eq!(upstream["stream"], true, "sent upstream as a stream");
    assert_eq!(upstream["stream_options"]["include_usage"], true);
    assert_eq!(answer["object"], "chat.completion");
    let message = &answer["choices"][0]["message"];
    assert_eq!(message["content"], "Checking");
    assert_eq!(message["reasoning_content"], "need weather");
    assert_eq!(
        message["tool_calls"],
        json!([{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}])
    );
    assert_eq!(answer["choices"][0]["finish_reason"], "tool_calls");
    assert_eq!(answer["usage"]["total_tokens"], 32);
    let record = &on.sink.wait_for(1).await[0];
    assert_eq!(
        (record.usage.input_tokens, record.usage.output_tokens),
        (20, 12)
    );
    assert!(!record.usage_estimated && !record.stream);

    // A client that asks for a stream gets the stream as it is.
    let mut streamed = request.clone();
    streamed["stream"] = json!(true);
    let body = on
        .post_json("/v1/chat/completions", streamed)
        .await
        .text()
        .await
        .unwrap();
    assert!(sse_data(&body).len() > 5, "{body}");

    let off = harness(&mock, None).await;
    let (_, answer) = off.chat(request).await;
    assert_eq!(answer["choices"][0]["message"]["content"], "not streamed");
    assert!(mock.last().json().get("stream").is_none());
}

#[tokio::test]
async fn patch_rules_and_the_reasoning_model_fix() {
    let mock = Mock::chat_ok("ok").await;
    let rules = json!({"patch": {"rules": [
        {"when": [{"field": "temperature", "op": "gt", "value": 1}], "ops": [{"op": "limit", "field": "temperature", "max": 1}]},
        {"ops": [{"op": "delete", "field": "logit_bias"}, {"op": "set", "field": "metadata.gateway", "value": "aiproxy"}]}]}});
    let mut route_on = route(vec![channel(1, &mock.url())]);
    route_on.settings.plugins = Some(Arc::new(PluginSettings::parse(&rules).unwrap()));
    let mut reasoning_on = route(vec![channel(1, &mock.url())]);
    reasoning_on.settings.plugins = Some(Arc::new(
        PluginSettings::parse(&json!({"patch": {}})).unwrap(),
    ));
    let harness = Harness::start(vec![
        ("gpt-4o-mini", route_on),
        ("o3-mini", reasoning_on),
        ("o4-mini", route(vec![channel(1, &mock.url())])),
    ])
    .await;
    let request = json!({"model": "gpt-4o-mini", "temperature": 1.7, "logit_bias": {"1": 2}, "max_tokens": 9,
        "messages": [{"role": "user", "content": "hi"}]});
    assert_eq!(harness.chat(request).await.0, 200);
    let seen = mock.last().json();
    assert_eq!(seen["temperature"], 1);
    assert!(seen.get("logit_bias").is_none());
    assert_eq!(seen["metadata"], json!({"gateway": "aiproxy"}));
    assert_eq!(seen["max_tokens"], 9, "not a reasoning model");

    let reasoning = json!({"model": "o3-mini", "max_tokens": 100, "messages": [{"role": "user", "content": "hi"}]});
    assert_eq!(harness.chat(reasoning).await.0, 200);
    let seen = mock.last().json();
    assert_eq!(seen["max_completion_tokens"], 100);
    assert!(seen.get("max_tokens").is_none());
    // Without the plugin the body goes as the client sent it.
    let untouched = json!({"model": "o4-mini", "max_tokens": 100, "messages": [{"role": "user", "content": "hi"}]});
    assert_eq!(harness.chat(untouched).await.0, 200);
    assert_eq!(mock.last().json()["max_tokens"], 100);
}

#[tokio::test]
async fn timeout_plugin_bounds_first_byte_per_request_size() {
    let slow = |seen: &Seen| {
        Reply::Delay(
            Duration::from_millis(800),
            Box::new(Reply::json(chat_completion(
                &seen.json()["model"],
                "late",
                true,
            ))),
        )
    };
    let mock = Mock::start(slow).await;
    // Small requests must answer within 100 ms; large ones get 5 s.
    let config = json!({"timeout": {"first_byte_ms": 100, "by_size": [{"min_bytes": 2000, "first_byte_ms": 5000}]}});
    let on = harness(&mock, Some(config)).await;
    let small = json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]});
    let (status, body) = on.chat(small.clone()).await;
    assert_eq!(status, 504, "{body}");
    let large = json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "x".repeat(3000)}]});
    assert_eq!(on.chat(large).await.0, 200);
    let off = harness(&mock, None).await;
    assert_eq!(
        off.chat(small).await.0,
        200,
        "the relay's 5 s default lets it through"
    );
}
