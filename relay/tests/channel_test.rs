//! `Relay::test_channel`: the endpoint chosen by model type, the tiny request, the outcome and its scrubbed error.

use std::time::Duration;

use relay::host::ChannelKind;
use relay::model_type::ModelType;
use relay::test_util::channel;
use serde_json::json;

use crate::common::{Harness, Mock, Reply, chat_completion};

const TIMEOUT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn each_model_type_is_tested_on_its_own_endpoint_with_a_tiny_request() {
    let mock = Mock::start(|seen| {
        if seen.path.ends_with("/chat/completions") {
            Reply::json(chat_completion(&seen.json()["model"], "pong", true))
        } else {
            Reply::json(json!({"object": "list", "data": [], "results": []}))
        }
    })
    .await;
    let harness = Harness::start(Vec::new()).await;
    let mut tested = channel(7, &mock.url());
    tested
        .model_mapping
        .insert("asked".into(), "upstream-name".into());
    for (model_type, endpoint) in [
        (None, "/v1/chat/completions"),
        (Some(ModelType::Chat), "/v1/chat/completions"),
        (Some(ModelType::Embedding), "/v1/embeddings"),
        (Some(ModelType::Rerank), "/v1/rerank"),
        (Some(ModelType::Moderation), "/v1/moderations"),
    ] {
        let outcome = harness
            .relay
            .test_channel(&tested, "asked", model_type, TIMEOUT)
            .await;
        assert!(outcome.success, "{model_type:?}: {outcome:?}");
        assert_eq!(outcome.status, Some(200));
        assert_eq!(outcome.endpoint, endpoint);
        assert_eq!(outcome.error, "");
        let seen = mock.last();
        assert!(
            seen.path.ends_with(&endpoint[3..]),
            "{model_type:?}: {}",
            seen.path
        );
        // The upstream gets the mapped name.
        assert_eq!(seen.json()["model"], "upstream-name");
    }
    let chat = mock.seen.lock().unwrap()[0].json();
    assert_eq!(chat["max_tokens"], 1);
    assert_eq!(mock.hits(), 5);
}

#[tokio::test]
async fn a_refusal_keeps_the_status_and_the_reason_without_the_key_or_address() {
    let mock = Mock::start(|_| Reply::status(500, json!({}))).await;
    let harness = Harness::start(Vec::new()).await;
    let tested = channel(3, &mock.url());
    let key = tested.key.clone();
    let echo = format!("Incorrect API key provided: {key} (sent to {})", mock.url());
    for status in [401, 400, 500] {
        mock.push(Reply::status(
            status,
            json!({"error": {"message": echo, "type": "invalid_request_error"}}),
        ));
        let outcome = harness
            .relay
            .test_channel(&tested, "m", None, TIMEOUT)
            .await;
        assert!(!outcome.success);
        assert_eq!(outcome.status, Some(status));
        assert!(
            outcome.error.starts_with(&format!(
                "HTTP {status}: Incorrect API key provided: [redacted]"
            )),
            "{outcome:?}"
        );
        assert!(!outcome.error.contains(&key), "{outcome:?}");
        assert!(!outcome.error.contains(&mock.url()), "{outcome:?}");
    }
}

#[tokio::test]
async fn a_slow_or_absent_upstream_fails_within_the_timeout_with_no_status() {
    let slow = Mock::start(|seen| {
        Reply::Delay(
            Duration::from_secs(30),
            Box::new(Reply::json(chat_completion(
                &seen.json()["model"],
                "late",
                true,
            ))),
        )
    })
    .await;
    let harness = Harness::start(Vec::new()).await;
    let outcome = harness
        .relay
        .test_channel(
            &channel(1, &slow.url()),
            "m",
            None,
            Duration::from_millis(200),
        )
        .await;
    assert!(!outcome.success);
    assert_eq!(outcome.status, None);
    assert_eq!(outcome.error, "no complete answer within 200 ms");

    // Nothing listens on the address: unreachable, and the address is not in the error.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}/v1", closed.local_addr().unwrap());
    drop(closed);
    let outcome = harness
        .relay
        .test_channel(&channel(2, &address), "m", None, TIMEOUT)
        .await;
    assert!(!outcome.success);
    assert_eq!(outcome.status, None);
    assert!(!outcome.error.is_empty());
    assert!(!outcome.error.contains(&address), "{outcome:?}");
}

#[tokio::test]
async fn a_fake_channel_is_answered_in_process() {
    let harness = Harness::start(Vec::new()).await;
    let mut fake = channel(9, "");
    fake.kind = ChannelKind::parse("fake").unwrap();
    let outcome = harness
        .relay
        .test_channel(&fake, "anything", None, TIMEOUT)
        .await;
    assert!(outcome.success, "{outcome:?}");
    assert_eq!(outcome.status, Some(200));
}
