//! End-to-end tests of the relay against a mock OpenAI upstream on loopback sockets.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use crate::common;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use common::*;
use relay::host::ChannelKind;
use relay::{BanPolicy, RelayConfig, Timeouts};
use serde_json::{Value, json};
use tokio::sync::Notify;

fn chat_body(model: &str) -> Value {
    json!({"model": model, "messages": [{"role": "user", "content": "hello world"}]})
}

async fn read_all(response: reqwest::Response) -> String {
    String::from_utf8(response.bytes().await.unwrap().to_vec()).unwrap()
}

/// A socket that accepts connections and closes them at once: a reset upstream.
async fn reset_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            drop(socket);
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn chat_passes_unknown_fields_through_untouched() {
    let mock = Mock::chat_ok("hello there").await;
    let h = Harness::start(vec![("gpt-4o", route(vec![channel(7, &mock.url())]))]).await;
    let body = r#"{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"what is this"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"low"}}]}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{}}}}],"n":2,"response_format":{"type":"json_object"},"x_vendor_flag":{"deep":[1.0000000000000000001, 2]},"user":"alice"}"#;
    let response = h
        .client
        .post(h.url("/v1/chat/completions"))
        .bearer_auth(KEY)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    // Without a client id the relay picks a time-ordered one.
    let uuid = uuid::Uuid::parse_str(&request_id).unwrap();
    assert_eq!(uuid.get_version(), Some(uuid::Version::SortRand));
    let answer: Value = response.json().await.unwrap();

    let seen = mock.last();
    assert_eq!(seen.path, "/v1/chat/completions");
    assert_eq!(
        std::str::from_utf8(&seen.body).unwrap(),
        body,
        "the upstream gets the client's bytes"
    );
    assert_eq!(seen.headers["authorization"], "Bearer sk-upstream-secret-7");
    assert_eq!(answer["system_fingerprint"], "fp_unknown_field");
    assert!(
        answer["choices"][0]["message"]
            .as_object()
            .unwrap()
            .contains_key("refusal")
    );
    assert_eq!(answer["model"], "gpt-4o");

    let record = h.sink.wait_for(1).await.remove(0);
    assert_eq!(record.request_id, request_id);
    assert_eq!(record.status, 200);
    assert_eq!(record.error, None);
    assert_eq!(record.channel_id, Some(7));
    assert_eq!(record.token_id, Some(1));
    assert_eq!(record.group_id.as_deref(), Some("group-a"));
    assert_eq!(record.endpoint, "/v1/chat/completions");
    assert_eq!(record.requested_model.as_deref(), Some("gpt-4o"));
    assert_eq!(record.user.as_deref(), Some("alice"));
    assert_eq!(
        record.upstream_request_id.as_deref(),
        Some("upstream-req-1")
    );
    assert_eq!(record.client_ip, Some("127.0.0.1".parse().unwrap()));
    assert_eq!(record.retries, 0);
    assert!(!record.stream);
    assert!(!record.usage_estimated);
    let usage = &record.usage;
    assert_eq!(
        (
            usage.input_tokens,
            usage.output_tokens,
            usage.cached_input_tokens,
            usage.reasoning_tokens,
            usage.total_tokens
        ),
        (11, 7, 3, 2, 18)
    );
    assert!(record.first_byte.is_some_and(|first| first <= record.total));
}

#[tokio::test]
async fn stream_is_relayed_event_by_event_with_usage_chunk_hidden() {
    let mock = Mock::start(|seen| sse_like_openai(seen, &["x"])).await;
    let gate = Arc::new(Notify::new());
    mock.push(Reply::Sse {
        events: chat_events("gpt-4o", &["Hel", "lo"], true),
        gate: Some((1, gate.clone())),
        end: StreamEnd::Close,
    });
    let h = Harness::start(vec![("gpt-4o", route(vec![channel(1, &mock.url())]))]).await;
    let mut body = chat_body("gpt-4o");
    body["stream"] = json!(true);
    let mut response = h.post_json("/v1/chat/completions", body).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");

    // The upstream holds its second event until the gate opens: the first must already be here.
    let mut received = String::new();
    tokio::time::timeout(Duration::from_secs(3), async {
        while !received.contains("\n\n") {
            let chunk = response.chunk().await.unwrap().expect("stream ended early");
            received.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    })
    .await
    .expect("the first event reaches the client before the upstream sends the second");
    assert_eq!(
        sse_data(&received).len(),
        1,
        "only one event exists yet: {received}"
    );
    gate.notify_one();
    while let Some(chunk) = response.chunk().await.unwrap() {
        received.push_str(std::str::from_utf8(&chunk).unwrap());
    }

    let events = sse_data(&received);
    assert_eq!(events.last().map(String::as_str), Some("[DONE]"));
    assert_eq!(
        events.len(),
        5,
        "role, two pieces, finish, [DONE]; the usage chunk is dropped: {events:?}"
    );
    for event in &events[..4] {
        let chunk: Value = serde_json::from_str(event).unwrap();
        assert!(!chunk["choices"].as_array().unwrap().is_empty());
    }
    assert_eq!(
        mock.last().json()["stream_options"]["include_usage"],
        json!(true)
    );

    let record = h.sink.wait_for(1).await.remove(0);
    assert!(record.stream);
    assert_eq!(record.status, 200);
    assert_eq!(
        record.upstream_request_id.as_deref(),
        Some("upstream-stream-1")
    );
    assert_eq!(
        (
            record.usage.input_tokens,
            record.usage.output_tokens,
            record.usage_estimated
        ),
        (9, 4, false)
    );
}

#[tokio::test]
async fn stream_usage_chunk_reaches_a_client_that_asked_for_it() {
    let mock = Mock::start(|seen| sse_like_openai(seen, &["a", "b"])).await;
    let h = Harness::start(vec![("gpt-4o", route(vec![channel(1, &mock.url())]))]).await;
    let mut body = chat_body("gpt-4o");
    body["stream"] = json!(true);
    body["stream_options"] = json!({"include_usage": true, "x_extra": 1});
    let events = sse_data(&read_all(h.post_json("/v1/chat/completions", body).await).await);
    let usage_chunk: Value = serde_json::from_str(&events[events.len() - 2]).unwrap();
    assert_eq!(usage_chunk["usage"]["total_tokens"], 13);
    assert_eq!(events.last().unwrap(), "[DONE]");
    assert_eq!(
        mock.last().json()["stream_options"],
        json!({"include_usage": true, "x_extra": 1})
    );
}

#[tokio::test]
async fn model_mapping_is_applied_upstream_and_undone_for_the_client() {
    let mock = Mock::start(|seen| {
        let request = seen.json();
        if request["stream"] == json!(true) {
            sse_like_openai(seen, &["hi"])
        } else {
            Reply::json(chat_completion(&request["model"], "hi", true))
        }
    })
    .await;
    let mut mapped = channel(3, &mock.url());
    mapped.model_mapping = HashMap::from([("gpt-4o".to_owned(), "vendor/gpt-4o-2024".to_owned())]);
    let h = Harness::start(vec![("gpt-4o", route(vec![mapped]))]).await;

    let (status, answer) = h.chat(chat_body("gpt-4o")).await;
    assert_eq!(status, 200);
    assert_eq!(mock.last().json()["model"], "vendor/gpt-4o-2024");
    assert_eq!(answer["model"], "gpt-4o");

    let mut body = chat_body("gpt-4o");
    body["stream"] = json!(true);
    let text = read_all(h.post_json("/v1/chat/completions", body).await).await;
    assert_eq!(mock.last().json()["model"], "vendor/gpt-4o-2024");
    assert!(!text.contains("vendor/gpt-4o-2024"), "{text}");
    for event in sse_data(&text).iter().filter(|event| *event != "[DONE]") {
        assert_eq!(
            serde_json::from_str::<Value>(event).unwrap()["model"],
            "gpt-4o"
        );
    }
    let records = h.sink.wait_for(2).await;
    assert!(
        records
            .iter()
            .all(|r| r.upstream_model.as_deref() == Some("vendor/gpt-4o-2024"))
    );
}

#[tokio::test]
async fn failover_hides_channel_failures_from_the_client() {
    enum Failure {
        Status500,
        RateLimited,
        SlowFirstByte,
        Reset,
    }
    for (failure, stream) in [
        (Failure::Status500, false),
        (Failure::Status500, true),
        (Failure::RateLimited, false),
        (Failure::SlowFirstByte, false),
        (Failure::SlowFirstByte, true),
        (Failure::Reset, false),
        (Failure::Reset, true),
    ] {
        let good = Mock::start(|seen| {
            if seen.json()["stream"] == json!(true) {
                sse_like_openai(seen, &["ok"])
            } else {
                Reply::json(chat_completion(&json!("gpt-4o"), "from good", true))
            }
        })
        .await;
        let bad = Mock::start(|_| Reply::status(500, json!({"error": {"message": "boom"}}))).await;
        let bad_url = match failure {
            Failure::Status500 => bad.url(),
            Failure::RateLimited => {
                bad.set(|_| Reply::Json {
                    status: 429,
                    body: json!({"error": {"message": "slow down"}}).to_string(),
                    headers: vec![("retry-after", "30".into())],
                });
                bad.url()
            }
            Failure::SlowFirstByte => {
                bad.set(|seen| {
                    Reply::Delay(
                        Duration::from_secs(3),
                        Box::new(sse_like_openai(seen, &["late"])),
                    )
                });
                bad.url()
            }
            Failure::Reset => reset_server().await,
        };
        let mut failing = channel(1, &bad_url);
        failing.priority = 10;
        let config = RelayConfig {
            timeouts: Timeouts {
                first_byte: Duration::from_millis(300),
                response: Duration::from_millis(300),
                ..test_config().timeouts
            },
            ..test_config()
        };
        let h = Harness::with(
            config,
            vec![("gpt-4o", route(vec![failing, channel(2, &good.url())]))],
            FakeGatekeeper::default(),
        )
        .await;
        let mut body = chat_body("gpt-4o");
        body["stream"] = json!(stream);
        let response = h.post_json("/v1/chat/completions", body.clone()).await;
        assert_eq!(response.status(), 200, "stream={stream}");
        let text = read_all(response).await;
        if stream {
            assert_eq!(sse_data(&text).last().unwrap(), "[DONE]");
        } else {
            assert!(text.contains("from good"), "{text}");
        }
        let record = h.sink.wait_for(1).await.remove(0);
        assert_eq!(
            (record.status, record.retries, record.channel_id),
            (200, 1, Some(2))
        );
        if let Failure::RateLimited = failure {
            // Retry-After: the pair is not picked again before it runs out.
            let response = h.post_json("/v1/chat/completions", body).await;
            assert_eq!(response.status(), 200);
            assert_eq!(bad.hits(), 1);
        }
    }
}

/// An upstream account out of quota or money (402; OpenAI's 429 `insufficient_quota`;
/// Anthropic's 400 "credit balance is too low") is the channel's fault: the pair is banned at
/// once and the request moves on, while a plain 429 stays a rate limit and a plain 400 the
/// client's error.
#[tokio::test]
async fn an_upstream_account_out_of_quota_bans_the_pair_and_moves_on() {
    let cases = [
        (
            402,
            json!({"error": {"message": "Insufficient Balance", "type": "unknown_error"}}),
        ),
        (
            429,
            json!({"error": {"message": "You exceeded your current quota", "type": "insufficient_quota", "code": "insufficient_quota"}}),
        ),
        (
            400,
            json!({"type": "error", "error": {"type": "invalid_request_error", "message": "Your credit balance is too low to access the Anthropic API."}}),
        ),
    ];
    for (status, body) in cases {
        let good = Mock::chat_ok("from the other channel").await;
        let broke = Mock::start(move |_| Reply::status(status, body.clone())).await;
        let mut preferred = channel(1, &broke.url());
        preferred.priority = 10;
        let h = Harness::start(vec![(
            "gpt-4o",
            route(vec![preferred, channel(2, &good.url())]),
        )])
        .await;
        let (answer, _) = h.chat(chat_body("gpt-4o")).await;
        assert_eq!(answer, 200, "status {status}");
        assert_eq!(broke.hits(), 1);
        assert_eq!(
            h.relay.health().availability(1, "gpt-4o"),
            relay::Availability::Banned,
            "status {status}"
        );
    }
    // A plain 429 is a rate limit, not an empty account: no ban.
    let good = Mock::chat_ok("from the other channel").await;
    let limited = Mock::start(|_| {
        Reply::status(429, json!({"error": {"message": "Rate limit reached for requests", "type": "requests", "code": "rate_limit_exceeded"}}))
    })
    .await;
    let mut preferred = channel(1, &limited.url());
    preferred.priority = 10;
    let h = Harness::start(vec![(
        "gpt-4o",
        route(vec![preferred, channel(2, &good.url())]),
    )])
    .await;
    assert_eq!(h.chat(chat_body("gpt-4o")).await.0, 200);
    assert_ne!(
        h.relay.health().availability(1, "gpt-4o"),
        relay::Availability::Banned
    );
}

#[tokio::test]
async fn client_errors_from_upstream_are_not_retried() {
    let good = Mock::chat_ok("never").await;
    let bad = Mock::start(|_| {
        Reply::status(
            400,
            json!({"error": {"message": "bad messages for key sk-upstream-secret-1", "type": "invalid_request_error", "param": "messages", "code": "invalid_value"}}),
        )
    })
    .await;
    let mut failing = channel(1, &bad.url());
    failing.priority = 10;
    let h = Harness::start(vec![(
        "gpt-4o",
        route(vec![failing, channel(2, &good.url())]),
    )])
    .await;
    let (status, body) = h.chat(chat_body("gpt-4o")).await;
    assert_eq!(status, 400);
    let error = assert_error_shape(&body);
    assert_eq!(error["param"], "messages");
    assert_eq!(error["code"], "invalid_value");
    assert!(
        !error["message"]
            .as_str()
            .unwrap()
            .contains("sk-upstream-secret-1"),
        "{body}"
    );
    assert_eq!(good.hits(), 0);

    // Upstream 5xx everywhere: our own message, no upstream detail or address.
    good.set(|_| Reply::status(503, json!({"error": {"message": "internal at 10.1.2.3"}})));
    bad.set(|_| Reply::status(500, json!({"error": {"message": "internal at 10.1.2.3"}})));
    let (status, body) = h.chat(chat_body("gpt-4o")).await;
    assert_eq!(status, 502);
    assert!(
        !body.to_string().contains("10.1.2.3") && !body.to_string().contains("127.0.0.1"),
        "{body}"
    );
    let records = h.sink.wait_for(2).await;
    assert_eq!(records[1].retries, 2, "default retry_times is 2");

    // The upstream refusing our own key is not the client's 401.
    bad.set(|_| {
        Reply::status(
            401,
            json!({"error": {"message": "Incorrect API key provided: sk-upstream-secret-1"}}),
        )
    });
    // It is retried on another channel, whose key may be good...
    good.set(|seen| Reply::json(chat_completion(&seen.json()["model"], "never", true)));
    let good_before = good.hits();
    let (status, _) = h.chat(chat_body("gpt-4o")).await;
    assert_eq!(status, 200);
    assert_eq!(good.hits(), good_before + 1);
    // ...and when every key is refused, the client gets a 502 naming the cause.
    good.set(|_| {
        Reply::status(
            403,
            json!({"error": {"message": "key sk-upstream-secret-2 has no permission"}}),
        )
    });
    let (status, body) = h.chat(chat_body("gpt-4o")).await;
    assert_eq!(status, 502);
    assert_eq!(assert_error_shape(&body)["code"], "upstream_credentials");
    assert!(!body.to_string().contains("sk-upstream"));
}

#[tokio::test]
async fn no_retry_once_bytes_reached_the_client() {
    let good = Mock::start(|seen| sse_like_openai(seen, &["never"])).await;
    let bad = Mock::start(|_| Reply::Sse {
        events: chat_events("gpt-4o", &["partial"], false)[..2].to_vec(),
        gate: None,
        end: StreamEnd::Cut,
    })
    .await;
    let mut failing = channel(1, &bad.url());
    failing.priority = 10;
    let h = Harness::start(vec![(
        "gpt-4o",
        route(vec![failing, channel(2, &good.url())]),
    )])
    .await;
    let mut body = chat_body("gpt-4o");
    body["stream"] = json!(true);
    let response = h.post_json("/v1/chat/completions", body).await;
    assert_eq!(response.status(), 200);
    let events = sse_data(&read_all(response).await);
    assert_eq!(
        events.len(),
        3,
        "two upstream events then our error: {events:?}"
    );
    assert!(events[1].contains("partial"));
    let error: Value = serde_json::from_str(&events[2]).unwrap();
    assert_error_shape(&error);
    assert_eq!(good.hits(), 0);
    let record = h.sink.wait_for(1).await.remove(0);
    assert_eq!(record.status, 502);
    assert!(record.error.is_some());
    assert!(
        record.usage_estimated,
        "no usage arrived, so it was counted locally"
    );
    assert!(record.usage.output_tokens > 0);
}

#[tokio::test]
async fn stalled_stream_ends_with_a_timeout_event_and_releases_the_upstream() {
    let mock = Mock::start(|_| Reply::Sse {
        events: chat_events("gpt-4o", &["one"], false)[..1].to_vec(),
        gate: None,
        end: StreamEnd::Stall,
    })
    .await;
    let config = RelayConfig {
        timeouts: Timeouts {
            stream_idle: Duration::from_millis(300),
            ..test_config().timeouts
        },
        ..test_config()
    };
    let h = Harness::with(
        config,
        vec![("gpt-4o", route(vec![channel(1, &mock.url())]))],
        FakeGatekeeper::default(),
    )
    .await;
    let mut body = chat_body("gpt-4o");
    body["stream"] = json!(true);
    let events = sse_data(&read_all(h.post_json("/v1/chat/completions", body).await).await);
    assert_eq!(events.len(), 2);
    let error: Value = serde_json::from_str(&events[1]).unwrap();
    assert_eq!(assert_error_shape(&error)["code"], "upstream_timeout");
    let record = h.sink.wait_for(1).await.remove(0);
    assert_eq!(record.status, 504);
    tokio::time::timeout(Duration::from_secs(3), async {
        while mock.dropped_streams.load(Ordering::SeqCst) == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the relay closed the stalled upstream stream");
}

#[tokio::test]
async fn client_disconnect_cancels_the_upstream_request() {
    let mock = Mock::start(|_| Reply::Sse {
        events: chat_events("gpt-4o", &["one"], false)[..2].to_vec(),
        gate: None,
        end: StreamEnd::Stall,
    })
    .await;
    let h = Harness::start(vec![("gpt-4o", route(vec![channel(1, &mock.url())]))]).await;
    let mut body = chat_body("gpt-4o");
    body["stream"] = json!(true);
    h.open_stream_and_leave(&body).await;
    // Generous: on a loaded CI machine the close can take a while to travel; a relay that never
    // cancels still fails.
    tokio::time::timeout(Duration::from_secs(20), async {
        while mock.dropped_streams.load(Ordering::SeqCst) == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the upstream saw its connection closed after the client left");
    let record = h.sink.wait_for(1).await.remove(0);
    assert_eq!(record.status, 499);
    assert!(record.usage_estimated);
    assert!(record.usage.input_tokens > 0);
}

/// Sends `body` on a plain socket, waits until the upstream has the request, and closes the
/// socket before any answer: the client went away while the upstream was working.
async fn leave_before_the_head(h: &Harness, mock: &Mock, body: &Value) {
    use tokio::io::AsyncWriteExt;
    let body = body.to_string();
    let mut socket = tokio::net::TcpStream::connect(h.addr).await.unwrap();
    let request = format!(
        "POST /v1/chat/completions HTTP/1.1\r\nhost: relay\r\nauthorization: Bearer {KEY}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    tokio::time::timeout(Duration::from_secs(20), async {
        while mock.hits() == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the upstream never saw the request");
    drop(socket);
}

#[tokio::test]
async fn a_client_leaving_before_the_head_still_pays_the_prompt() {
    for stream in [false, true] {
        let answer = if stream {
            Reply::sse(chat_events("gpt-4o", &["late"], true))
        } else {
            Reply::json(chat_completion(&json!("gpt-4o"), "late", true))
        };
        // Slower than the client's patience, well within the relay's 5 s head timeout.
        let mock =
            Mock::start(move |_| Reply::Delay(Duration::from_secs(3), Box::new(answer.clone())))
                .await;
        let h = Harness::start(vec![("gpt-4o", route(vec![channel(1, &mock.url())]))]).await;
        let mut body = chat_body("gpt-4o");
        body["stream"] = json!(stream);
        leave_before_the_head(&h, &mock, &body).await;
        let records = h.sink.wait_for(1).await;
        let record = &records[0];
        assert_eq!(record.status, 499, "stream {stream}");
        assert!(record.usage_estimated);
        assert!(
            record.usage.input_tokens > 0,
            "stream {stream}: {:?}",
            record.usage
        );
        assert_eq!(record.usage.output_tokens, 0);
        // One record only: the upstream's late answer is never counted again.
        tokio::time::sleep(Duration::from_millis(3500)).await;
        assert_eq!(h.sink.snapshot().len(), 1);
    }
}

#[tokio::test]
async fn a_retried_request_owes_the_prompt_of_the_attempt_it_left() {
    // The first channel refuses at once, the second keeps the request: the record names the
    // second and owes its prompt.
    let refusing = Mock::start(|_| Reply::status(500, json!({"error": {"message": "down"}}))).await;
    let slow = Mock::start(|seen| {
        Reply::Delay(
            Duration::from_secs(3),
            Box::new(Reply::json(chat_completion(
                &seen.json()["model"],
                "late",
                true,
            ))),
        )
    })
    .await;
    let mut first = channel(1, &refusing.url());
    first.priority = 10;
    let h = Harness::start(vec![(
        "gpt-4o",
        route(vec![first, channel(2, &slow.url())]),
    )])
    .await;
    leave_before_the_head(&h, &slow, &chat_body("gpt-4o")).await;
    let record = h.sink.wait_for(1).await.remove(0);
    assert_eq!(record.status, 499);
    assert_eq!(record.channel_id, Some(2));
    assert!(record.usage.input_tokens > 0);
}

#[tokio::test]
async fn failing_pairs_are_banned_and_probed_back() {
    let good = Mock::chat_ok("from good").await;
    let flaky = Mock::start(|_| Reply::status(500, json!({"error": {"message": "down"}}))).await;
    let mut preferred = channel(1, &flaky.url());
    preferred.priority = 10;
    let config = RelayConfig {
        ban: BanPolicy {
            window: Duration::from_secs(60),
            failure_threshold: 2,
            ban_duration: Duration::from_secs(60),
            probe_interval: Duration::from_millis(50),
            ..BanPolicy::default()
        },
        ..test_config()
    };
    let h = Harness::with(
        config,
        vec![("gpt-4o", route(vec![preferred, channel(2, &good.url())]))],
        FakeGatekeeper::default(),
    )
    .await;
    for _ in 0..2 {
        assert_eq!(h.chat(chat_body("gpt-4o")).await.0, 200);
    }
    assert_eq!(flaky.hits(), 2);
    assert_eq!(
        h.relay.health().availability(1, "gpt-4o"),
        relay::Availability::Banned
    );
    // Banned: traffic skips it, although its priority is higher. Probes keep failing meanwhile.
    for _ in 0..3 {
        assert_eq!(h.chat(chat_body("gpt-4o")).await.0, 200);
    }
    let records = h.sink.wait_for(5).await;
    assert!(
        records[2..]
            .iter()
            .all(|r| r.channel_id == Some(2) && r.retries == 0),
        "{records:?}"
    );
    // The channel recovers; a probe notices and it takes traffic again.
    flaky.set(|seen| Reply::json(chat_completion(&seen.json()["model"], "from flaky", true)));
    tokio::time::timeout(Duration::from_secs(3), async {
        while !matches!(
            h.relay.health().availability(1, "gpt-4o"),
            relay::Availability::Available { .. }
        ) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("a probe lifted the ban");
    let probe = flaky.last();
    assert_eq!(
        probe.json()["max_tokens"],
        1,
        "the probe is a cheap request"
    );
    let (status, answer) = h.chat(chat_body("gpt-4o")).await;
    assert_eq!(status, 200);
    assert_eq!(answer["choices"][0]["message"]["content"], "from flaky");
}

#[tokio::test]
async fn auth_and_address_errors_have_the_openai_shape() {
    let mock = Mock::chat_ok("hi").await;
    let mut gatekeeper = FakeGatekeeper::default();
    gatekeeper.tokens.insert(
        "sk-office".into(),
        Token {
            caller: caller(2, None),
            subnets: vec!["10.0.0.0/8".parse().unwrap()],
        },
    );
    gatekeeper.tokens.insert(
        "sk-limited".into(),
        Token {
            caller: caller(3, Some(&["gpt-4o"])),
            subnets: Vec::new(),
        },
    );
    let routes = || {
        vec![
            ("gpt-4o", route(vec![channel(1, &mock.url())])),
            ("o3", route(vec![channel(1, &mock.url())])),
        ]
    };
    let h = Harness::with(test_config(), routes(), gatekeeper).await;
    let post =
        |key: Option<(&'static str, &'static str)>, body: Value, xff: Option<&'static str>| {
            let mut request = h.client.post(h.url("/v1/chat/completions")).json(&body);
            if let Some((header, value)) = key {
                request = request.header(header, value);
            }
            if let Some(xff) = xff {
                request = request.header("x-forwarded-for", xff);
            }
            async move {
                let response = request.send().await.unwrap();
                (
                    response.status().as_u16(),
                    response.json::<Value>().await.unwrap(),
                )
            }
        };
    // (credential header, model, x-forwarded-for, status, error code)
    type Case<'a> = (
        Option<(&'a str, &'a str)>,
        &'a str,
        Option<&'a str>,
        u16,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        (None, "gpt-4o", None, 401, "missing_api_key"),
        (
            Some(("authorization", "Bearer sk-wrong")),
            "gpt-4o",
            None,
            401,
            "invalid_api_key",
        ),
        (
            Some(("authorization", "Basic sk-client-good")),
            "gpt-4o",
            None,
            401,
            "missing_api_key",
        ),
        (
            Some(("authorization", "Bearer sk-office")),
            "gpt-4o",
            None,
            403,
            "address_not_allowed",
        ),
        // Nobody is a trusted proxy here: the forwarded address is ignored.
        (
            Some(("authorization", "Bearer sk-office")),
            "gpt-4o",
            Some("10.1.2.3"),
            403,
            "address_not_allowed",
        ),
        (
            Some(("authorization", "Bearer sk-limited")),
            "o3",
            None,
            403,
            "model_not_allowed",
        ),
        (
            Some(("x-api-key", "sk-limited")),
            "gpt-5-unknown",
            None,
            403,
            "model_not_allowed",
        ),
        (
            Some(("x-api-key", KEY)),
            "gpt-5-unknown",
            None,
            404,
            "model_not_found",
        ),
        (Some(("x-api-key", KEY)), "gpt-4o", None, 200, ""),
    ];
    for (key, model, xff, status, code) in &cases {
        let (got, body) = post(*key, chat_body(model), *xff).await;
        assert_eq!(got, *status, "{key:?} {model}: {body}");
        if *status != 200 {
            assert_eq!(assert_error_shape(&body)["code"], *code);
        }
    }
    let records = h.sink.wait_for(cases.len()).await;
    assert_eq!(
        records.iter().map(|r| r.status).collect::<Vec<_>>(),
        cases.iter().map(|c| c.3).collect::<Vec<_>>()
    );
    assert_eq!(records[0].token_id, None);
    assert_eq!(records[5].token_id, Some(3));
    assert_eq!(records[5].requested_model.as_deref(), Some("o3"));

    // Behind a trusted proxy, the right-most untrusted forwarded address is the client.
    let mut gatekeeper = FakeGatekeeper::default();
    gatekeeper.tokens.insert(
        "sk-office".into(),
        Token {
            caller: caller(2, None),
            subnets: vec!["10.0.0.0/8".parse().unwrap()],
        },
    );
    let config = RelayConfig {
        trusted_proxies: vec!["127.0.0.0/8".parse().unwrap()],
        ..test_config()
    };
    let h = Harness::with(config, routes(), gatekeeper).await;
    let response = h
        .client
        .post(h.url("/v1/chat/completions"))
        .bearer_auth("sk-office")
        .header("x-forwarded-for", "203.0.113.7, 10.1.2.3")
        .json(&chat_body("gpt-4o"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        h.sink.wait_for(1).await[0].client_ip,
        Some("10.1.2.3".parse().unwrap())
    );

    // Unknown routes and methods answer in the same shape: an OpenAI path the gateway does not
    // relay is 501, any other path 404.
    let response = h.client.get(h.url("/v1/nothing")).send().await.unwrap();
    assert_eq!(response.status(), 501);
    assert_error_shape(&response.json().await.unwrap());
    let response = h.client.get(h.url("/nothing")).send().await.unwrap();
    assert_eq!(response.status(), 404);
    assert_error_shape(&response.json().await.unwrap());
    let response = h
        .client
        .get(h.url("/v1/chat/completions"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_error_shape(&response.json().await.unwrap());
}

#[tokio::test]
async fn local_token_counts_fill_in_missing_usage() {
    let mock = Mock::start(|seen| {
        let request = seen.json();
        match seen.path.as_str() {
            "/v1/embeddings" => Reply::json(json!({"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [0.1]}], "model": request["model"]})),
            _ if request["stream"] == json!(true) => {
                // A vendor that ignores include_usage.
                Reply::sse(chat_events(request["model"].as_str().unwrap(), &["The answer", " is 42."], false))
            }
            _ => Reply::json(chat_completion(&request["model"], "The answer is 42.", false)),
        }
    })
    .await;
    let routes = vec![
        ("gpt-4o", route(vec![channel(1, &mock.url())])),
        ("gpt-4", route(vec![channel(1, &mock.url())])),
        (
            "text-embedding-3-small",
            route(vec![channel(1, &mock.url())]),
        ),
    ];
    let h = Harness::start(routes).await;
    let o200k = tiktoken_rs::o200k_base_singleton();
    let cl100k = tiktoken_rs::cl100k_base_singleton();
    let messages = json!([{"role": "system", "content": "Be brief."}, {"role": "user", "name": "bob", "content": "What is the answer?"}]);
    // OpenAI's recipe: 3 per message, 1 per name, 3 to prime the reply.
    let prompt = |bpe: &tiktoken_rs::CoreBPE| {
        let n = |text: &str| bpe.encode_ordinary(text).len() as u64;
        3 + (3 + n("system") + n("Be brief."))
            + (3 + n("user") + n("bob") + 1 + n("What is the answer?"))
    };

    let (status, _) = h
        .chat(json!({"model": "gpt-4o", "messages": messages}))
        .await;
    assert_eq!(status, 200);
    let text = read_all(
        h.post_json(
            "/v1/chat/completions",
            json!({"model": "gpt-4", "messages": messages, "stream": true}),
        )
        .await,
    )
    .await;
    assert_eq!(sse_data(&text).last().unwrap(), "[DONE]");
    let inputs = json!(["first text", "second text here"]);
    let response = h
        .post_json(
            "/v1/embeddings",
            json!({"model": "text-embedding-3-small", "input": inputs}),
        )
        .await;
    assert_eq!(response.status(), 200);

    let records = h.sink.wait_for(3).await;
    assert!(records.iter().all(|r| r.usage_estimated));
    let completion = "The answer is 42.";
    assert_eq!(records[0].usage.input_tokens, prompt(o200k));
    assert_eq!(
        records[0].usage.output_tokens,
        o200k.encode_ordinary(completion).len() as u64
    );
    assert_eq!(records[1].usage.input_tokens, prompt(cl100k));
    assert_eq!(
        records[1].usage.output_tokens,
        cl100k.encode_ordinary(completion).len() as u64
    );
    let embedded = ["first text", "second text here"]
        .iter()
        .map(|t| cl100k.encode_ordinary(t).len() as u64)
        .sum::<u64>();
    assert_eq!(records[2].usage.input_tokens, embedded);
    assert_eq!(records[2].usage.total_tokens, embedded);
}

#[tokio::test]
async fn azure_urls_and_auth_header() {
    let mock = Mock::start(|_| Reply::json(chat_completion(&json!("gpt-4o"), "hi", true))).await;
    let mut azure = channel(5, &format!("{}/", mock.url()));
    azure.kind = ChannelKind::AZURE;
    azure.config = HashMap::from([("api_version".to_owned(), "2024-06-01".to_owned())]);
    azure.model_mapping = HashMap::from([("gpt-4o".to_owned(), "my-gpt4o-deployment".to_owned())]);
    let h = Harness::start(vec![
        ("gpt-4o", route(vec![azure.clone()])),
        ("text-embedding-3-small", route(vec![azure])),
    ])
    .await;
    assert_eq!(h.chat(chat_body("gpt-4o")).await.0, 200);
    let seen = mock.last();
    assert_eq!(
        seen.path,
        "/openai/deployments/my-gpt4o-deployment/chat/completions"
    );
    assert_eq!(seen.query.as_deref(), Some("api-version=2024-06-01"));
    assert_eq!(seen.headers["api-key"], "sk-upstream-secret-5");
    assert!(!seen.headers.contains_key("authorization"));
    let response = h
        .post_json(
            "/v1/embeddings",
            json!({"model": "text-embedding-3-small", "input": "x"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        mock.last().path,
        "/openai/deployments/text-embedding-3-small/embeddings"
    );
}

#[tokio::test]
async fn base_url_with_or_without_version_segment() {
    let mock = Mock::chat_ok("hi").await;
    for (index, base) in [
        mock.url(),
        format!("{}/", mock.url()),
        format!("{}/v1", mock.url()),
        format!("{}/v1/", mock.url()),
    ]
    .iter()
    .enumerate()
    {
        let mut kind_channel = channel(1, base);
        kind_channel.kind = [
            ChannelKind::OPENAI,
            ChannelKind::parse("deepseek").unwrap(),
            ChannelKind::CUSTOM,
            ChannelKind::parse("ollama").unwrap(),
        ][index];
        let h = Harness::start(vec![("m", route(vec![kind_channel]))]).await;
        assert_eq!(h.chat(chat_body("m")).await.0, 200, "{base}");
        assert_eq!(mock.last().path, "/v1/chat/completions", "{base}");
    }
}

#[tokio::test]
async fn bad_input_gets_a_clear_client_error() {
    let mock = Mock::chat_ok("never").await;
    let config = RelayConfig {
        max_body_bytes: 2048,
        ..test_config()
    };
    let routes = vec![
        ("gpt-4o", route(vec![channel(1, &mock.url())])),
        ("whisper-1", route(vec![channel(1, &mock.url())])),
    ];
    let h = Harness::with(config, routes, FakeGatekeeper::default()).await;
    let big = format!(
        r#"{{"model":"gpt-4o","messages":[{{"role":"user","content":"{}"}}]}}"#,
        "a".repeat(4096)
    );
    let multipart_no_file =
        "--B\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--B--\r\n";
    let multipart_no_model = "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF\r\n--B--\r\n";
    // (path, content type, body, status, error param)
    type Case<'a> = (&'a str, &'a str, Vec<u8>, u16, Option<&'a str>);
    let cases: Vec<Case> = vec![
        (
            "/v1/chat/completions",
            "application/json",
            b"{not json".to_vec(),
            400,
            None,
        ),
        (
            "/v1/chat/completions",
            "application/json",
            b"".to_vec(),
            400,
            None,
        ),
        (
            "/v1/chat/completions",
            "application/json",
            b"[1,2]".to_vec(),
            400,
            None,
        ),
        (
            "/v1/chat/completions",
            "application/json",
            br#"{"messages":[]}"#.to_vec(),
            400,
            Some("model"),
        ),
        (
            "/v1/chat/completions",
            "application/json",
            br#"{"model":5,"messages":[]}"#.to_vec(),
            400,
            Some("model"),
        ),
        (
            "/v1/chat/completions",
            "application/json",
            br#"{"model":"  ","messages":[]}"#.to_vec(),
            400,
            Some("model"),
        ),
        (
            "/v1/chat/completions",
            "application/json",
            br#"{"model":"gpt-4o","messages":"hi"}"#.to_vec(),
            400,
            Some("messages"),
        ),
        (
            "/v1/chat/completions",
            "application/json",
            br#"{"model":"gpt-4o","messages":[],"stream":"yes"}"#.to_vec(),
            400,
            Some("stream"),
        ),
        (
            "/v1/chat/completions",
            "application/json",
            br#"{"model":"gpt-4o","messages":[],"user":7}"#.to_vec(),
            400,
            Some("user"),
        ),
        (
            "/v1/chat/completions",
            "application/json",
            b"\xff\xfe\x00".to_vec(),
            400,
            None,
        ),
        (
            "/v1/chat/completions",
            "application/json",
            b"{\"model\":\"gpt-4o\",\"messages\":[{\"content\":\"\xff\"}]}".to_vec(),
            400,
            None,
        ),
        (
            "/v1/chat/completions",
            "application/json",
            big.into_bytes(),
            413,
            None,
        ),
        (
            "/v1/embeddings",
            "application/json",
            br#"{"model":"gpt-4o"}"#.to_vec(),
            400,
            Some("input"),
        ),
        (
            "/v1/embeddings",
            "application/json",
            br#"{"model":"gpt-4o","input":"x","stream":true}"#.to_vec(),
            400,
            Some("stream"),
        ),
        (
            "/v1/audio/transcriptions",
            "multipart/form-data; boundary=B",
            multipart_no_file.as_bytes().to_vec(),
            400,
            Some("file"),
        ),
        (
            "/v1/audio/transcriptions",
            "multipart/form-data; boundary=B",
            multipart_no_model.as_bytes().to_vec(),
            400,
            Some("model"),
        ),
        (
            "/v1/audio/transcriptions",
            "application/json",
            br#"{"model":"whisper-1"}"#.to_vec(),
            400,
            None,
        ),
        (
            "/v1/audio/transcriptions",
            "multipart/form-data; boundary=B",
            b"--B\r\ngarbage".to_vec(),
            400,
            None,
        ),
    ];
    for (path, content_type, body, status, param) in cases {
        let response = tokio::time::timeout(
            Duration::from_secs(5),
            h.client
                .post(h.url(path))
                .bearer_auth(KEY)
                .header("content-type", content_type)
                .body(body.clone())
                .send(),
        )
        .await
        .expect("bad input never hangs")
        .unwrap();
        assert_eq!(
            response.status(),
            status,
            "{path} {:?}",
            String::from_utf8_lossy(&body)
        );
        let answer: Value = response.json().await.unwrap();
        let error = assert_error_shape(&answer);
        if let Some(param) = param {
            assert_eq!(error["param"], param, "{answer}");
        }
    }
    // A body over the limit without a declared length is cut off too.
    let chunks = futures::stream::iter(
        (0..8).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b' '; 1024]))),
    );
    let response = h
        .client
        .post(h.url("/v1/chat/completions"))
        .bearer_auth(KEY)
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(mock.hits(), 0);
}

#[tokio::test]
async fn every_request_ends_in_exactly_one_usage_record() {
    let mock = Mock::start(|seen| {
        if seen.json()["stream"] == json!(true) {
            Reply::Sse {
                events: chat_events("gpt-4o", &["a"], false)[..2].to_vec(),
                gate: None,
                end: StreamEnd::Stall,
            }
        } else {
            Reply::json(chat_completion(&json!("gpt-4o"), "hi", true))
        }
    })
    .await;
    let config = RelayConfig {
        max_body_bytes: 4096,
        ..test_config()
    };
    let h = Harness::with(
        config,
        vec![("gpt-4o", route(vec![channel(1, &mock.url())]))],
        FakeGatekeeper::default(),
    )
    .await;
    let mut sent = 0;
    assert_eq!(h.chat(chat_body("gpt-4o")).await.0, 200);
    sent += 1;
    assert_eq!(h.chat(chat_body("nope")).await.0, 404);
    sent += 1;
    let response = h
        .client
        .post(h.url("/v1/chat/completions"))
        .json(&chat_body("gpt-4o"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    sent += 1;
    let response = h
        .client
        .post(h.url("/v1/chat/completions"))
        .bearer_auth(KEY)
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    sent += 1;
    let response = h
        .client
        .post(h.url("/v1/chat/completions"))
        .bearer_auth(KEY)
        .body(vec![b' '; 8192])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    sent += 1;
    let response = h
        .client
        .get(h.url("/v1/models"))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    sent += 1;
    let response = h.client.delete(h.url("/v1/unknown")).send().await.unwrap();
    assert_eq!(response.status(), 501);
    sent += 1;
    // A stream the client abandons.
    let mut body = chat_body("gpt-4o");
    body["stream"] = json!(true);
    h.open_stream_and_leave(&body).await;
    sent += 1;
    let records = h.sink.wait_for(sent).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let records_later = h.sink.snapshot();
    assert_eq!(
        records_later.len(),
        sent,
        "no late duplicates: {records_later:?}"
    );
    let mut ids = records
        .iter()
        .map(|r| r.request_id.clone())
        .collect::<Vec<_>>();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), sent, "one record per request id");
}

#[tokio::test]
async fn request_ids_are_kept_only_when_sane() {
    let mock = Mock::chat_ok("hi").await;
    let h = Harness::start(vec![("gpt-4o", route(vec![channel(1, &mock.url())]))]).await;
    for (supplied, kept) in [
        ("abc-123_x.y", true),
        ("has space", false),
        (&*"x".repeat(65), false),
        ("", false),
    ] {
        let response = h
            .client
            .post(h.url("/v1/chat/completions"))
            .bearer_auth(KEY)
            .header("x-request-id", supplied)
            .json(&chat_body("gpt-4o"))
            .send()
            .await
            .unwrap();
        let id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        assert_eq!(id == supplied, kept, "{supplied:?} -> {id}");
        assert!(!id.is_empty() && id.len() <= 64);
    }
    // Errors carry one too.
    let response = h
        .client
        .post(h.url("/v1/chat/completions"))
        .send()
        .await
        .unwrap();
    assert!(response.headers().contains_key("x-request-id"));
}

#[tokio::test]
async fn other_endpoints_are_relayed() {
    let mock = Mock::start(|seen| match seen.path.as_str() {
        "/v1/embeddings" => Reply::json(json!({"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [0.5, -0.5]}], "model": seen.json()["model"], "usage": {"prompt_tokens": 3, "total_tokens": 3}})),
        "/v1/audio/transcriptions" => Reply::json(json!({"text": "hello from audio"})),
        "/v1/audio/speech" => Reply::Raw { status: 200, content_type: "audio/mpeg", body: Bytes::from_static(b"ID3\x04binary-audio\x00\xff") },
        "/v1/rerank" => Reply::json(json!({"results": [{"index": 0, "relevance_score": 0.9}], "usage": {"total_tokens": 5}})),
        "/v1/moderations" => Reply::json(json!({"id": "modr-1", "model": seen.json()["model"], "results": [{"flagged": false}]})),
        "/v1/images/generations" => Reply::json(json!({"created": 1, "data": [{"url": "https://img"}]})),
        "/v1/completions" => Reply::sse(vec![json!({"id": "c", "object": "text_completion", "model": "m", "choices": [{"text": "abc", "index": 0}]}).to_string(), "[DONE]".into()]),
        _ => Reply::status(404, json!({"error": {"message": "no"}})),
    })
    .await;
    let mut whisper = channel(1, &mock.url());
    whisper.model_mapping =
        HashMap::from([("whisper-1".to_owned(), "whisper-large-v3".to_owned())]);
    let models = [
        "text-embedding-3-small",
        "tts-1",
        "rerank-v1",
        "omni-moderation-latest",
        "dall-e-3",
        "gpt-3.5-turbo-instruct",
    ];
    let mut routes = models
        .iter()
        .map(|m| (*m, route(vec![channel(1, &mock.url())])))
        .collect::<Vec<_>>();
    routes.push(("whisper-1", route(vec![whisper])));
    let mut gatekeeper = FakeGatekeeper::default();
    gatekeeper.tokens.insert(
        "sk-limited".into(),
        Token {
            caller: caller(3, Some(&["tts-1", "dall-e-3"])),
            subnets: Vec::new(),
        },
    );
    let h = Harness::with(test_config(), routes, gatekeeper).await;

    let response = h.post_json("/v1/embeddings", json!({"model": "text-embedding-3-small", "input": ["a", "b"], "encoding_format": "float"})).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.unwrap()["data"][0]["embedding"],
        json!([0.5, -0.5])
    );

    let form = "--XB\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--XB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFF\x00\x01binary\r\n--XB\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\nen\r\n--XB--\r\n";
    let response = h
        .client
        .post(h.url("/v1/audio/transcriptions"))
        .bearer_auth(KEY)
        .header("content-type", "multipart/form-data; boundary=XB")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.unwrap()["text"],
        "hello from audio"
    );
    let seen = mock.last();
    assert_eq!(
        seen.headers["content-type"],
        "multipart/form-data; boundary=XB"
    );
    let upstream_form = String::from_utf8_lossy(&seen.body).into_owned();
    assert!(
        upstream_form.contains("\r\n\r\nwhisper-large-v3\r\n")
            && upstream_form.contains("RIFF\u{0}\u{1}binary")
            && upstream_form.contains("name=\"language\"\r\n\r\nen"),
        "{upstream_form}"
    );

    let response = h
        .post_json(
            "/v1/audio/speech",
            json!({"model": "tts-1", "input": "say this", "voice": "alloy"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "audio/mpeg");
    assert_eq!(
        &response.bytes().await.unwrap()[..],
        b"ID3\x04binary-audio\x00\xff"
    );

    let response = h.post_json("/v1/rerank", json!({"model": "rerank-v1", "query": "q", "documents": ["d1", {"text": "d2"}], "top_n": 1})).await;
    assert_eq!(response.status(), 200);
    let response = h
        .post_json(
            "/v1/moderations",
            json!({"model": "omni-moderation-latest", "input": "x"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let response = h
        .post_json(
            "/v1/images/generations",
            json!({"model": "dall-e-3", "prompt": "a cat", "size": "1024x1024"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let text = read_all(
        h.post_json(
            "/v1/completions",
            json!({"model": "gpt-3.5-turbo-instruct", "prompt": "x", "stream": true}),
        )
        .await,
    )
    .await;
    assert_eq!(sse_data(&text).last().unwrap(), "[DONE]");
    assert_eq!(
        mock.last().json()["stream_options"]["include_usage"],
        json!(true)
    );

    let records = h.sink.wait_for(7).await;
    let by_endpoint = |endpoint: &str| {
        records
            .iter()
            .find(|r| r.endpoint == endpoint)
            .unwrap()
            .clone()
    };
    assert_eq!(by_endpoint("/v1/embeddings").usage.input_tokens, 3);
    assert_eq!(by_endpoint("/v1/rerank").usage.total_tokens, 5);
    assert!(by_endpoint("/v1/audio/transcriptions").usage_estimated);
    assert_eq!(by_endpoint("/v1/audio/speech").status, 200);

    // Models: only what the token may use.
    let all: Value = h
        .client
        .get(h.url("/v1/models"))
        .bearer_auth(KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all["object"], "list");
    assert_eq!(all["data"].as_array().unwrap().len(), 7);
    let limited: Value = h
        .client
        .get(h.url("/v1/models"))
        .bearer_auth("sk-limited")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids = limited["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect::<Vec<_>>();
    assert_eq!(ids, ["dall-e-3", "tts-1"]);
    let one = h
        .client
        .get(h.url("/v1/models/tts-1"))
        .bearer_auth("sk-limited")
        .send()
        .await
        .unwrap();
    assert_eq!(one.status(), 200);
    assert_eq!(one.json::<Value>().await.unwrap()["id"], "tts-1");
    let hidden = h
        .client
        .get(h.url("/v1/models/whisper-1"))
        .bearer_auth("sk-limited")
        .send()
        .await
        .unwrap();
    assert_eq!(hidden.status(), 404);
    let unauthorized = h.client.get(h.url("/v1/models")).send().await.unwrap();
    assert_eq!(unauthorized.status(), 401);
}

#[tokio::test]
async fn channels_of_unsupported_protocols_fail_clearly_or_are_skipped() {
    // Anthropic channels serve generation only: embeddings on one fail clearly, and a route
    // with another channel falls over to it.
    let mock = Mock::start(|_| {
        Reply::json(json!({"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [0.5]}],
            "model": "m", "usage": {"prompt_tokens": 1, "total_tokens": 1}}))
    })
    .await;
    let mut anthropic = channel(1, &mock.url());
    anthropic.kind = ChannelKind::ANTHROPIC;
    anthropic.priority = 10;
    let h = Harness::start(vec![
        ("claude", route(vec![anthropic.clone()])),
        ("mixed", route(vec![anthropic, channel(2, &mock.url())])),
    ])
    .await;
    let embed = |model: &str| json!({"model": model, "input": "hello"});
    let response = h.post_json("/v1/embeddings", embed("claude")).await;
    assert_eq!(response.status(), 502);
    let body: Value = response.json().await.unwrap();
    assert!(
        assert_error_shape(&body)["message"]
            .as_str()
            .unwrap()
            .contains("anthropic"),
        "{body}"
    );
    let response = h.post_json("/v1/embeddings", embed("mixed")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(mock.hits(), 1);
}

#[tokio::test]
async fn channel_proxy_and_per_channel_settings_are_honoured() {
    // The mock plays an HTTP proxy: reqwest sends it the absolute URL of an upstream that does
    // not exist, and the mock answers in its place.
    let proxy = Mock::chat_ok("via proxy").await;
    let mut proxied = channel(1, "http://upstream.invalid");
    proxied.proxy_url = Some(proxy.url());
    let h = Harness::start(vec![("gpt-4o", route(vec![proxied]))]).await;
    let (status, body) = h.chat(chat_body("gpt-4o")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["choices"][0]["message"]["content"], "via proxy");
    assert_eq!(proxy.last().headers["host"], "upstream.invalid");

    // A channel's own first-byte timeout is shorter than the relay's default.
    let slow = Mock::start(|seen| {
        Reply::Delay(
            Duration::from_secs(3),
            Box::new(Reply::json(chat_completion(
                &seen.json()["model"],
                "late",
                true,
            ))),
        )
    })
    .await;
    let good = Mock::chat_ok("in time").await;
    let mut impatient = channel(1, &slow.url());
    impatient.priority = 10;
    impatient.timeouts.first_byte = Some(Duration::from_millis(200));
    let h = Harness::start(vec![(
        "gpt-4o",
        route(vec![impatient.clone(), channel(2, &good.url())]),
    )])
    .await;
    let started = std::time::Instant::now();
    let (status, body) = h.chat(chat_body("gpt-4o")).await;
    assert_eq!(status, 200);
    assert_eq!(body["choices"][0]["message"]["content"], "in time");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "took {:?}",
        started.elapsed()
    );

    // The model's retry_times overrides the relay's: no retry at all.
    let failing = Mock::start(|_| Reply::status(500, json!({"error": {"message": "down"}}))).await;
    let mut first = channel(1, &failing.url());
    first.priority = 10;
    let mut no_retry = route(vec![first, channel(2, &good.url())]);
    no_retry.settings.retry_times = Some(0);
    let h = Harness::start(vec![("gpt-4o", no_retry)]).await;
    let (status, body) = h.chat(chat_body("gpt-4o")).await;
    assert_eq!(status, 502);
    assert_eq!(assert_error_shape(&body)["code"], "upstream_error");
    assert_eq!(
        good.hits(),
        1,
        "only the earlier sub-test reached the good channel"
    );
}

#[tokio::test]
async fn weighted_selection_prefers_the_healthier_channel() {
    // Same priority; one channel fails three times in four. Its success rate (about 0.25)
    // against the healthy one's (1.0) should give the healthy one about 80% of first attempts.
    let healthy = Mock::chat_ok("healthy").await;
    let mut count = 0u32;
    let flaky = Mock::start(move |seen| {
        count += 1;
        if !count.is_multiple_of(4) {
            Reply::status(500, json!({"error": {"message": "flaky"}}))
        } else {
            Reply::json(chat_completion(&seen.json()["model"], "flaky ok", true))
        }
    })
    .await;
    let h = Harness::start(vec![(
        "gpt-4o",
        route(vec![channel(1, &healthy.url()), channel(2, &flaky.url())]),
    )])
    .await;
    for _ in 0..150 {
        assert_eq!(
            h.chat(chat_body("gpt-4o")).await.0,
            200,
            "failover hides the flaky channel's errors"
        );
    }
    let records = h.sink.wait_for(150).await;
    let first_on_healthy = records
        .iter()
        .filter(|r| r.channel_id == Some(1) && r.retries == 0)
        .count();
    // Expected about 120 (sd about 5); an unweighted pick would give about 75.
    assert!(
        first_on_healthy > 100,
        "healthy channel served {first_on_healthy} of 150 first attempts"
    );
}

#[tokio::test]
async fn non_streamed_requests_wait_for_the_whole_completion() {
    // The first-byte limit is for streams; a non-streamed answer comes only once generated.
    let mock = Mock::start(|seen| {
        let request = seen.json();
        let reply = match request["stream"] == json!(true) {
            true => sse_like_openai(seen, &["slow"]),
            false => Reply::json(chat_completion(&request["model"], "slow but whole", true)),
        };
        Reply::Delay(Duration::from_millis(600), Box::new(reply))
    })
    .await;
    let config = RelayConfig {
        timeouts: Timeouts {
            first_byte: Duration::from_millis(200),
            response: Duration::from_secs(5),
            ..test_config().timeouts
        },
        ..test_config()
    };
    let h = Harness::with(
        config,
        vec![("gpt-4o", route(vec![channel(1, &mock.url())]))],
        FakeGatekeeper::default(),
    )
    .await;
    let (status, body) = h.chat(chat_body("gpt-4o")).await;
    assert_eq!(status, 200, "{body}");
    let mut streamed = chat_body("gpt-4o");
    streamed["stream"] = json!(true);
    let response = h.post_json("/v1/chat/completions", streamed).await;
    assert_eq!(response.status(), 504);
    assert_eq!(
        assert_error_shape(&response.json().await.unwrap())["code"],
        "upstream_timeout"
    );
    let records = h.sink.wait_for(2).await;
    assert_eq!((records[0].status, records[1].status), (200, 504));
    assert_eq!(
        records[1].retries, 2,
        "each retry timed out on the only channel"
    );
}

#[tokio::test]
async fn costly_endpoints_are_probed_by_listing_models() {
    // Probing speech with a real synthesis would cost money: the probe lists models instead.
    let mock = Mock::start(|seen| match (seen.method.as_str(), seen.path.as_str()) {
        ("GET", "/v1/models") => {
            Reply::json(json!({"object": "list", "data": [{"id": "tts-1", "object": "model"}]}))
        }
        _ => Reply::status(503, json!({"error": {"message": "overloaded"}})),
    })
    .await;
    let config = RelayConfig {
        ban: BanPolicy {
            window: Duration::from_secs(60),
            failure_threshold: 1,
            ban_duration: Duration::from_secs(60),
            probe_interval: Duration::from_millis(50),
            ..BanPolicy::default()
        },
        retry_times: 0,
        ..test_config()
    };
    let h = Harness::with(
        config,
        vec![("tts-1", route(vec![channel(4, &mock.url())]))],
        FakeGatekeeper::default(),
    )
    .await;
    let response = h
        .post_json(
            "/v1/audio/speech",
            json!({"model": "tts-1", "input": "hi", "voice": "alloy"}),
        )
        .await;
    assert_eq!(response.status(), 502);
    tokio::time::timeout(Duration::from_secs(3), async {
        while !matches!(
            h.relay.health().availability(4, "tts-1"),
            relay::Availability::Available { .. }
        ) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the models probe lifted the ban");
    let probe = mock.last();
    assert_eq!(
        (probe.method.as_str(), probe.path.as_str()),
        ("GET", "/v1/models")
    );
    assert_eq!(
        probe.headers["authorization"],
        "Bearer sk-upstream-secret-4"
    );
}

#[tokio::test]
async fn rate_limits_are_passed_on_and_respected() {
    let mock = Mock::start(|_| Reply::Json {
        status: 429,
        body: json!({"error": {"message": "rate limited", "type": "requests"}}).to_string(),
        headers: vec![("retry-after", "30".into())],
    })
    .await;
    let h = Harness::start(vec![("gpt-4o", route(vec![channel(1, &mock.url())]))]).await;
    for attempt in 0..2 {
        let response = h
            .post_json("/v1/chat/completions", chat_body("gpt-4o"))
            .await;
        assert_eq!(response.status(), 429, "attempt {attempt}");
        let retry_after: u64 = response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=30).contains(&retry_after), "retry-after {retry_after}");
        assert_eq!(
            assert_error_shape(&response.json().await.unwrap())["code"],
            "rate_limit_exceeded"
        );
    }
    // The second request did not reach the upstream: its Retry-After had not run out.
    assert_eq!(mock.hits(), 1);

    // A client-fault 4xx that is not OpenAI-shaped keeps its status and gets our message.
    let odd = Mock::start(|_| Reply::Raw {
        status: 422,
        content_type: "text/html",
        body: Bytes::from_static(b"<html>nope</html>"),
    })
    .await;
    let h = Harness::start(vec![("gpt-4o", route(vec![channel(1, &odd.url())]))]).await;
    let (status, body) = h.chat(chat_body("gpt-4o")).await;
    assert_eq!(status, 422);
    assert_eq!(assert_error_shape(&body)["code"], "upstream_rejected");
    assert!(!body.to_string().contains("html"));
}

#[tokio::test]
async fn a_body_that_never_arrives_times_out() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mock = Mock::chat_ok("never").await;
    let config = RelayConfig {
        body_timeout: Duration::from_millis(200),
        ..test_config()
    };
    let h = Harness::with(
        config,
        vec![("gpt-4o", route(vec![channel(1, &mock.url())]))],
        FakeGatekeeper::default(),
    )
    .await;
    let mut socket = tokio::net::TcpStream::connect(h.addr).await.unwrap();
    let head = format!(
        "POST /v1/chat/completions HTTP/1.1\r\nhost: relay\r\nauthorization: Bearer {KEY}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{\"model\":"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(3), socket.read(&mut answer))
        .await
        .expect("the relay answers a stalled body")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
    assert_eq!(h.sink.wait_for(1).await[0].status, 408);
    assert_eq!(mock.hits(), 0);
}

#[tokio::test]
async fn the_legacy_engines_path_names_the_embedding_model() {
    let mock = Mock::start(|seen| {
        let request = seen.json();
        assert_eq!(seen.path, "/v1/embeddings");
        assert_eq!(request["model"], "upstream-embedder");
        Reply::json(json!({"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [0.5]}], "model": request["model"], "usage": {"prompt_tokens": 2, "total_tokens": 2}}))
    })
    .await;
    let mut mapped = channel(1, &mock.url());
    mapped.model_mapping = HashMap::from([(
        "text-embedding-ada-002".to_owned(),
        "upstream-embedder".to_owned(),
    )]);
    let h = Harness::start(vec![("text-embedding-ada-002", route(vec![mapped]))]).await;
    let response = h
        .post_json(
            "/v1/engines/text-embedding-ada-002/embeddings",
            json!({"input": "hello there"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    // The channel's name for the model went upstream; the client reads its own.
    assert_eq!(body["model"], "text-embedding-ada-002");
    let records = h.sink.wait_for(1).await;
    assert_eq!(
        records[0].requested_model.as_deref(),
        Some("text-embedding-ada-002")
    );
    assert_eq!(records[0].endpoint, "/v1/embeddings");
    assert_eq!(records[0].usage.input_tokens, 2);
    let response = h
        .post_json(
            "/v1/engines/unknown-model/embeddings",
            json!({"input": "x"}),
        )
        .await;
    assert_eq!(response.status(), 404);
}
