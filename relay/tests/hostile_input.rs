//! Hostile client input at the relay's entry: oversized model names, `user` and ids are refused
//! with a small 400 in the face's error shape before anything is stored, logged or looked up,
//! and another group's `previous_response_id` is refused, never forwarded.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use crate::common;

use common::*;
use serde_json::{Value, json};

/// Small enough to log and label; the bodies sent here are megabytes.
const SMALL_ANSWER: usize = 2048;

async fn send_raw(
    harness: &Harness,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value, usize) {
    let mut request = harness
        .client
        .request(method, harness.url(path))
        .bearer_auth(KEY);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, value, bytes.len())
}

#[tokio::test]
async fn oversized_client_names_are_refused_small_and_shaped() {
    let upstream = Mock::chat_ok("fine").await;
    let harness = Harness::start(vec![("gpt-ok", route(vec![channel(1, &upstream.url())]))]).await;
    let huge = "m".repeat(5 * 1024 * 1024);
    let cases = [
        (
            reqwest::Method::POST,
            "/v1/chat/completions".to_owned(),
            Some(json!({"model": huge, "messages": [{"role": "user", "content": "hi"}]})),
            "openai",
        ),
        (
            reqwest::Method::POST,
            "/v1/chat/completions".to_owned(),
            Some(json!({"model": "gpt-ok", "user": huge,
                "messages": [{"role": "user", "content": "hi"}]})),
            "openai",
        ),
        (
            reqwest::Method::POST,
            "/v1/messages".to_owned(),
            Some(json!({"model": huge, "max_tokens": 5,
                "messages": [{"role": "user", "content": "hi"}]})),
            "anthropic",
        ),
        (
            reqwest::Method::POST,
            format!("/v1beta/models/{}:generateContent", &huge[..8 * 1024]),
            Some(json!({"contents": [{"parts": [{"text": "hi"}]}]})),
            "gemini",
        ),
        (
            reqwest::Method::GET,
            format!("/v1/models/{}", &huge[..8 * 1024]),
            None,
            "openai",
        ),
        (
            reqwest::Method::GET,
            format!("/v1/responses/{}", &huge[..8 * 1024]),
            None,
            "openai",
        ),
        (
            reqwest::Method::GET,
            format!("/v1/{}", &huge[..8 * 1024]),
            None,
            "openai",
        ),
        (
            reqwest::Method::PUT,
            format!("/v1/responses/{}", &huge[..8 * 1024]),
            None,
            "openai",
        ),
    ];
    for (method, path, body, face) in cases {
        let (status, answer, size) = send_raw(&harness, method, &path, body).await;
        let path = &path[..path.len().min(40)];
        // A path under `/v1` that matches no route is 501 (not implemented here), not 404.
        assert!(
            (400..500).contains(&status) || status == 501,
            "{path}: {status}"
        );
        assert!(size < SMALL_ANSWER, "{path}: {size} bytes");
        match face {
            "anthropic" => assert_eq!(answer["type"], "error", "{path}: {answer}"),
            "gemini" => assert!(answer["error"]["status"].is_string(), "{path}: {answer}"),
            _ => {
                assert_error_shape(&answer);
            }
        }
    }
    assert_eq!(upstream.hits(), 0, "nothing oversized went upstream");
    // Nothing the relay recorded carries the client's megabytes.
    for record in harness.sink.snapshot() {
        let longest = [&record.requested_model, &record.user, &record.error]
            .into_iter()
            .flatten()
            .map(String::len)
            .chain([record.endpoint.len()])
            .max()
            .unwrap_or(0);
        assert!(longest <= 1024, "{} bytes recorded", longest);
    }
    // And the relay keeps serving.
    let (status, _) = harness
        .chat(json!({"model": "gpt-ok", "messages": [{"role": "user", "content": "hi"}]}))
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn an_unknown_model_is_echoed_bounded() {
    let harness = Harness::start(vec![]).await;
    let name = "n".repeat(200);
    let (status, body) = harness
        .chat(json!({"model": name, "messages": [{"role": "user", "content": "hi"}]}))
        .await;
    assert_eq!(status, 404);
    assert!(body["error"]["message"].as_str().unwrap().contains(&name));
}
