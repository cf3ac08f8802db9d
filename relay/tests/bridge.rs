//! End-to-end tests of protocol conversion in the relay: Anthropic and Gemini clients on OpenAI
//! channels, OpenAI clients on Anthropic and Gemini channels, and native pass-through, against
//! mock upstreams speaking each real wire format on loopback sockets.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use crate::common;

use std::collections::HashMap;

use bytes::Bytes;
use common::*;
use relay::host::{Channel, ChannelKind};
use serde_json::{Value, json};

fn typed_channel(id: i64, kind: ChannelKind, url: &str, mapping: &[(&str, &str)]) -> Channel {
    let mut channel = channel(id, url);
    channel.kind = kind;
    channel.model_mapping = mapping
        .iter()
        .map(|(from, to)| ((*from).to_owned(), (*to).to_owned()))
        .collect::<HashMap<_, _>>();
    channel
}

/// `(event name, data)` of each event of an SSE body.
fn sse_events(body: &str) -> Vec<(Option<String>, Value)> {
    body.split("\n\n")
        .filter(|event| !event.trim().is_empty())
        .filter_map(|event| {
            let name = event
                .lines()
                .find_map(|line| line.strip_prefix("event: "))
                .map(str::to_owned);
            let data = event.lines().find_map(|line| line.strip_prefix("data: "))?;
            Some((name, serde_json::from_str(data).unwrap_or(json!(data))))
        })
        .collect()
}

fn anthropic_sse(events: &[Value]) -> Reply {
    let mut body = String::new();
    for event in events {
        body.push_str(&format!(
            "event: {}\ndata: {}\n\n",
            event["type"].as_str().unwrap(),
            event
        ));
    }
    Reply::Raw {
        status: 200,
        content_type: "text/event-stream",
        body: Bytes::from(body),
    }
}

fn anthropic_stream(model: &str) -> Reply {
    anthropic_sse(&[
        json!({"type": "message_start", "message": {"id": "msg_1", "type": "message", "role": "assistant", "model": model, "content": [], "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 10, "cache_creation_input_tokens": 4, "cache_read_input_tokens": 6, "output_tokens": 1}}}),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        json!({"type": "ping"}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello"}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": " world"}}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": 5}}),
        json!({"type": "message_stop"}),
    ])
}

fn anthropic_message(model: &str) -> Value {
    json!({"id": "msg_1", "type": "message", "role": "assistant", "model": model,
        "content": [{"type": "text", "text": "Hi there"}], "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 10, "cache_creation_input_tokens": 4, "cache_read_input_tokens": 6, "output_tokens": 5}})
}

fn gemini_answer(text: &str, last: bool) -> Value {
    let mut chunk = json!({"candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "index": 0}],
        "modelVersion": "gemini-up", "responseId": "resp-1"});
    if last {
        chunk["candidates"][0]["finishReason"] = json!("STOP");
        chunk["usageMetadata"] = json!({"promptTokenCount": 12, "candidatesTokenCount": 3, "totalTokenCount": 15, "cachedContentTokenCount": 2});
    }
    chunk
}

async fn post(
    harness: &Harness,
    path: &str,
    headers: &[(&str, &str)],
    body: Value,
) -> (u16, String) {
    let mut request = harness.client.post(harness.url(path)).json(&body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

const ANTHROPIC_HEADERS: [(&str, &str); 3] = [
    ("x-api-key", KEY),
    ("anthropic-version", "2023-06-01"),
    ("anthropic-beta", "interleaved-thinking-2025-05-14"),
];

fn messages_body(stream: bool) -> Value {
    json!({"model": "claude-x", "max_tokens": 256, "stream": stream, "system": "be brief",
        "messages": [{"role": "user", "content": "What is the weather in Paris?"}],
        "tools": [{"name": "get_weather", "description": "weather by city",
            "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}]})
}

#[tokio::test]
async fn anthropic_client_on_an_openai_channel_gets_a_message() {
    let mock = Mock::start(|seen| {
        let mut body = chat_completion(&seen.json()["model"], "Sunny.", true);
        body["usage"]["prompt_tokens_details"]["cache_creation_tokens"] = json!(2);
        Reply::json(body)
    })
    .await;
    let harness = Harness::start(vec![(
        "claude-x",
        route(vec![typed_channel(
            1,
            ChannelKind::OPENAI,
            &mock.url(),
            &[("claude-x", "gpt-up")],
        )]),
    )])
    .await;
    let (status, text) = post(
        &harness,
        "/v1/messages",
        &ANTHROPIC_HEADERS,
        messages_body(false),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let seen = mock.last();
    assert_eq!(seen.path, "/v1/chat/completions");
    let sent = seen.json();
    assert_eq!(sent["model"], "gpt-up");
    assert_eq!(
        sent["messages"][0],
        json!({"role": "system", "content": "be brief"})
    );
    assert_eq!(sent["tools"][0]["function"]["name"], "get_weather");
    let message: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(message["type"], "message");
    assert_eq!(message["role"], "assistant");
    assert_eq!(message["model"], "claude-x");
    assert_eq!(
        message["content"],
        json!([{"type": "text", "text": "Sunny."}])
    );
    assert_eq!(message["stop_reason"], "end_turn");
    // Anthropic input excludes cache reads and writes: 11 - 3 - 2.
    assert_eq!(message["usage"]["input_tokens"], 6);
    assert_eq!(message["usage"]["cache_read_input_tokens"], 3);
    assert_eq!(message["usage"]["cache_creation_input_tokens"], 2);
    assert_eq!(message["usage"]["output_tokens"], 7);
    let record = &harness.sink.wait_for(1).await[0];
    assert_eq!(record.endpoint, "/v1/messages");
    assert_eq!(record.status, 200);
    assert_eq!(record.upstream_model.as_deref(), Some("gpt-up"));
    assert_eq!(record.usage.input_tokens, 11);
    assert_eq!(record.usage.cached_input_tokens, 3);
    assert_eq!(record.usage.cache_creation_tokens, 2);
    assert!(!record.usage_estimated);
}

#[tokio::test]
async fn anthropic_client_streams_a_tool_call_split_across_chunks() {
    let arguments = r#"{"city": "Paris", "unit": "celsius"}"#;
    let mock = Mock::start(move |seen| {
        let request = seen.json();
        assert_eq!(request["stream"], true);
        let chunk = |delta: Value, finish: Value| {
            json!({"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1, "model": "gpt-up",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
            .to_string()
        };
        let mut events = vec![
            chunk(json!({"role": "assistant", "content": ""}), Value::Null),
            chunk(json!({"content": "Let me check."}), Value::Null),
            chunk(
                json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]}),
                Value::Null,
            ),
        ];
        // The arguments arrive three characters at a time.
        let characters: Vec<char> = arguments.chars().collect();
        for piece in characters.chunks(3) {
            let piece: String = piece.iter().collect();
            events.push(chunk(
                json!({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}),
                Value::Null,
            ));
        }
        events.push(chunk(json!({}), json!("tool_calls")));
        if request["stream_options"]["include_usage"] == true {
            events.push(json!({"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 1, "model": "gpt-up", "choices": [],
                "usage": {"prompt_tokens": 30, "completion_tokens": 12, "total_tokens": 42, "prompt_tokens_details": {"cached_tokens": 10}}}).to_string());
        }
        events.push("[DONE]".to_owned());
        Reply::sse(events)
    })
    .await;
    let harness = Harness::start(vec![(
        "claude-x",
        route(vec![typed_channel(
            1,
            ChannelKind::OPENAI,
            &mock.url(),
            &[("claude-x", "gpt-up")],
        )]),
    )])
    .await;
    let (status, text) = post(
        &harness,
        "/v1/messages",
        &ANTHROPIC_HEADERS,
        messages_body(true),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let events = sse_events(&text);
    // Every event names itself twice: in `event:` and in its `type`.
    for (name, data) in &events {
        assert_eq!(name.as_deref(), data["type"].as_str(), "{data}");
    }
    let names: Vec<&str> = events
        .iter()
        .map(|(_, data)| data["type"].as_str().unwrap())
        .filter(|name| *name != "ping")
        .collect();
    let deltas = names
        .iter()
        .filter(|name| **name == "content_block_delta")
        .count();
    assert!(deltas >= 2, "{names:?}");
    let mut expected = vec!["message_start", "content_block_start"];
    expected.extend(std::iter::repeat_n("content_block_delta", 1));
    let mut collapsed: Vec<&str> = Vec::new();
    for name in &names {
        if collapsed.last() != Some(name) {
            collapsed.push(name);
        }
    }
    assert_eq!(
        collapsed,
        [
            "message_start",
            "content_block_start",
            "content_block_delta",
            "content_block_stop",
            "content_block_start",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop",
        ]
    );
    let start = &events[0].1["message"];
    assert_eq!(start["model"], "claude-x");
    assert_eq!(start["role"], "assistant");
    assert_eq!(start["content"], json!([]));
    let tool_start = events
        .iter()
        .find(|(_, data)| data["content_block"]["type"] == "tool_use")
        .unwrap();
    assert_eq!(tool_start.1["index"], 1);
    assert_eq!(tool_start.1["content_block"]["id"], "call_1");
    assert_eq!(tool_start.1["content_block"]["name"], "get_weather");
    assert_eq!(tool_start.1["content_block"]["input"], json!({}));
    let partial: String = events
        .iter()
        .filter(|(_, data)| data["delta"]["type"] == "input_json_delta")
        .map(|(_, data)| data["delta"]["partial_json"].as_str().unwrap())
        .collect();
    assert_eq!(
        serde_json::from_str::<Value>(&partial).unwrap(),
        serde_json::from_str::<Value>(arguments).unwrap()
    );
    let text_delta = events
        .iter()
        .find(|(_, data)| data["delta"]["type"] == "text_delta")
        .unwrap();
    assert_eq!(text_delta.1["delta"]["text"], "Let me check.");
    let message_delta = events
        .iter()
        .find(|(_, data)| data["type"] == "message_delta")
        .unwrap();
    assert_eq!(message_delta.1["delta"]["stop_reason"], "tool_use");
    assert_eq!(message_delta.1["usage"]["output_tokens"], 12);
    let record = &harness.sink.wait_for(1).await[0];
    assert_eq!(record.endpoint, "/v1/messages");
    assert!(record.stream);
    assert_eq!(record.usage.input_tokens, 30);
    assert_eq!(record.usage.cached_input_tokens, 10);
    assert_eq!(record.usage.output_tokens, 12);
}

#[tokio::test]
async fn openai_client_on_an_anthropic_channel() {
    let mock = Mock::start(|seen| {
        let request = seen.json();
        if request["stream"] == true {
            anthropic_stream(request["model"].as_str().unwrap())
        } else {
            Reply::json(anthropic_message(request["model"].as_str().unwrap()))
        }
    })
    .await;
    let harness = Harness::start(vec![(
        "gpt-alias",
        route(vec![typed_channel(
            7,
            ChannelKind::ANTHROPIC,
            &mock.url(),
            &[("gpt-alias", "claude-up")],
        )]),
    )])
    .await;
    let (status, body) = harness
        .chat(json!({"model": "gpt-alias", "max_tokens": 100,
            "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}]}))
        .await;
    assert_eq!(status, 200, "{body}");
    let seen = mock.last();
    assert_eq!(seen.path, "/v1/messages");
    assert_eq!(seen.headers["x-api-key"], "sk-upstream-secret-7");
    assert_eq!(seen.headers["anthropic-version"], "2023-06-01");
    assert!(seen.headers.get("authorization").is_none());
    let sent = seen.json();
    assert_eq!(sent["model"], "claude-up");
    assert_eq!(sent["system"], "be brief");
    assert_eq!(sent["max_tokens"], 100);
    assert_eq!(body["object"], "chat.completion");
    assert_eq!(body["model"], "gpt-alias");
    assert_eq!(body["choices"][0]["message"]["content"], "Hi there");
    assert_eq!(body["choices"][0]["finish_reason"], "stop");
    assert_eq!(body["usage"]["prompt_tokens"], 20);

    let response = harness
        .post_json(
            "/v1/chat/completions",
            json!({"model": "gpt-alias", "stream": true, "messages": [{"role": "user", "content": "hi"}]}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    let data = sse_data(&text);
    assert_eq!(data.last().map(String::as_str), Some("[DONE]"), "{text}");
    let chunks: Vec<Value> = data[..data.len() - 1]
        .iter()
        .map(|chunk| serde_json::from_str(chunk).unwrap())
        .collect();
    let content: String = chunks
        .iter()
        .filter_map(|chunk| chunk["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(content, "Hello world");
    assert!(chunks.iter().all(|chunk| chunk["model"] == "gpt-alias"));
    assert!(
        chunks
            .iter()
            .any(|chunk| chunk["choices"][0]["finish_reason"] == "stop")
    );
    // The client did not ask for the usage chunk.
    assert!(
        chunks
            .iter()
            .all(|chunk| chunk.get("usage").is_none_or(Value::is_null)),
        "{text}"
    );

    let records = harness.sink.wait_for(2).await;
    for record in &records {
        assert_eq!(record.status, 200);
        assert_eq!(record.channel_id, Some(7));
        assert_eq!(record.usage.input_tokens, 20);
        assert_eq!(record.usage.cached_input_tokens, 6);
        assert_eq!(record.usage.cache_creation_tokens, 4);
        assert_eq!(record.usage.output_tokens, 5);
        assert!(!record.usage_estimated);
    }
}

#[tokio::test]
async fn anthropic_client_on_an_anthropic_channel_passes_through() {
    let mock = Mock::start(|seen| {
        let request = seen.json();
        if request["stream"] == true {
            anthropic_stream(request["model"].as_str().unwrap())
        } else {
            Reply::json(anthropic_message(request["model"].as_str().unwrap()))
        }
    })
    .await;
    let harness = Harness::start(vec![(
        "claude-x",
        route(vec![typed_channel(
            2,
            ChannelKind::ANTHROPIC,
            &format!("{}/v1/", mock.url()),
            &[("claude-x", "claude-up")],
        )]),
    )])
    .await;
    let mut request = messages_body(false);
    request["metadata"] = json!({"user_id": "u-1"});
    request["messages"][0]["content"] =
        json!([{"type": "text", "text": "hi", "cache_control": {"type": "ephemeral"}}]);
    let (status, text) = post(
        &harness,
        "/v1/messages",
        &ANTHROPIC_HEADERS,
        request.clone(),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let seen = mock.last();
    assert_eq!(seen.path, "/v1/messages");
    let mut expected = request.clone();
    expected["model"] = json!("claude-up");
    // Only the model changes: cache_control and metadata reach the upstream as sent.
    assert_eq!(seen.json(), expected);
    let mut expected_answer = anthropic_message("claude-x");
    expected_answer["model"] = json!("claude-x");
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap(),
        expected_answer
    );

    request["stream"] = json!(true);
    let (status, text) = post(&harness, "/v1/messages", &ANTHROPIC_HEADERS, request).await;
    assert_eq!(status, 200, "{text}");
    let events = sse_events(&text);
    assert_eq!(events.len(), 8, "{text}");
    assert_eq!(events[0].1["message"]["model"], "claude-x");
    assert_eq!(events[2].0.as_deref(), Some("ping"));
    assert_eq!(events[7].0.as_deref(), Some("message_stop"));
    let records = harness.sink.wait_for(2).await;
    for record in &records {
        assert_eq!(record.usage.input_tokens, 20);
        assert_eq!(record.usage.cached_input_tokens, 6);
        assert_eq!(record.usage.cache_creation_tokens, 4);
        assert_eq!(record.usage.output_tokens, 5);
    }
}

#[tokio::test]
async fn openai_client_on_a_gemini_channel() {
    let mock = Mock::start(|seen| {
        if seen.path.ends_with(":streamGenerateContent") {
            Reply::sse(vec![
                gemini_answer("Hel", false).to_string(),
                gemini_answer("lo", true).to_string(),
            ])
        } else {
            Reply::json(gemini_answer("Hi", true))
        }
    })
    .await;
    let harness = Harness::start(vec![(
        "gem",
        route(vec![typed_channel(
            3,
            ChannelKind::GEMINI,
            &mock.url(),
            &[("gem", "gemini-up")],
        )]),
    )])
    .await;
    let (status, body) = harness
        .chat(json!({"model": "gem", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 50}))
        .await;
    assert_eq!(status, 200, "{body}");
    let seen = mock.last();
    assert_eq!(seen.path, "/v1beta/models/gemini-up:generateContent");
    assert_eq!(seen.headers["x-goog-api-key"], "sk-upstream-secret-3");
    let sent = seen.json();
    assert_eq!(sent["contents"][0]["parts"][0]["text"], "hi");
    assert_eq!(sent["generationConfig"]["maxOutputTokens"], 50);
    assert!(sent.get("model").is_none());
    assert_eq!(body["choices"][0]["message"]["content"], "Hi");
    assert_eq!(body["model"], "gem");
    assert_eq!(body["usage"]["prompt_tokens"], 12);

    let response = harness
        .post_json(
            "/v1/chat/completions",
            json!({"model": "gem", "stream": true, "stream_options": {"include_usage": true},
                "messages": [{"role": "user", "content": "hi"}]}),
        )
        .await;
    let text = response.text().await.unwrap();
    let seen = mock.last();
    assert_eq!(seen.path, "/v1beta/models/gemini-up:streamGenerateContent");
    assert_eq!(seen.query.as_deref(), Some("alt=sse"));
    let data = sse_data(&text);
    // Gemini has no end marker: the relay closes the chat stream itself.
    assert_eq!(data.last().map(String::as_str), Some("[DONE]"), "{text}");
    let chunks: Vec<Value> = data[..data.len() - 1]
        .iter()
        .map(|chunk| serde_json::from_str(chunk).unwrap())
        .collect();
    let content: String = chunks
        .iter()
        .filter_map(|chunk| chunk["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(content, "Hello");
    // The client asked for usage, so it gets it.
    assert!(
        chunks
            .iter()
            .any(|chunk| chunk["usage"]["prompt_tokens"] == 12),
        "{text}"
    );
    let records = harness.sink.wait_for(2).await;
    for record in &records {
        assert_eq!(record.status, 200);
        assert_eq!(record.usage.input_tokens, 12);
        assert_eq!(record.usage.cached_input_tokens, 2);
        assert_eq!(record.usage.output_tokens, 3);
    }
}

#[tokio::test]
async fn gemini_client_on_an_openai_channel() {
    let mock = Mock::start(|seen| {
        let request = seen.json();
        if request["stream"] == true {
            sse_like_openai(seen, &["Bon", "jour"])
        } else {
            Reply::json(chat_completion(&request["model"], "Bonjour", true))
        }
    })
    .await;
    let harness = Harness::start(vec![("gemini-x", route(vec![channel(1, &mock.url())]))]).await;
    let body = json!({"contents": [{"role": "user", "parts": [{"text": "hello"}]}],
        "generationConfig": {"maxOutputTokens": 20}});
    let (status, text) = post(
        &harness,
        &format!("/v1beta/models/gemini-x:generateContent?key={KEY}"),
        &[],
        body.clone(),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let sent = mock.last().json();
    assert_eq!(sent["model"], "gemini-x");
    assert_eq!(
        sent["messages"][0]["content"],
        json!([{"type": "text", "text": "hello"}])
    );
    let answer: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        answer["candidates"][0]["content"]["parts"][0]["text"],
        "Bonjour"
    );
    assert_eq!(answer["candidates"][0]["finishReason"], "STOP");
    assert_eq!(answer["usageMetadata"]["promptTokenCount"], 11);

    let (status, text) = post(
        &harness,
        "/v1beta/models/gemini-x:streamGenerateContent?alt=sse",
        &[("x-goog-api-key", KEY)],
        body,
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let chunks: Vec<Value> = sse_data(&text)
        .iter()
        .map(|chunk| serde_json::from_str(chunk).unwrap())
        .collect();
    let content: String = chunks
        .iter()
        .filter_map(|chunk| chunk["candidates"][0]["content"]["parts"][0]["text"].as_str())
        .collect();
    assert_eq!(content, "Bonjour");
    assert!(!text.contains("[DONE]"), "{text}");
    assert_eq!(
        chunks.last().unwrap()["usageMetadata"]["promptTokenCount"],
        9
    );
    let records = harness.sink.wait_for(2).await;
    assert!(records.iter().all(|record| record.status == 200
        && record.endpoint == "/v1beta/models/{model}:generateContent"));
    assert!(records.iter().any(|record| record.stream));
}

#[tokio::test]
async fn count_tokens_is_answered_locally() {
    let mock = Mock::chat_ok("unused").await;
    let harness = Harness::start(vec![
        ("claude-x", route(vec![channel(1, &mock.url())])),
        ("gemini-x", route(vec![channel(1, &mock.url())])),
    ])
    .await;
    let (status, text) = post(
        &harness,
        "/v1/messages/count_tokens",
        &ANTHROPIC_HEADERS,
        json!({"model": "claude-x", "messages": [{"role": "user", "content": "hello there, how are you today?"}]}),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let count: Value = serde_json::from_str(&text).unwrap();
    let tokens = count["input_tokens"].as_u64().unwrap();
    assert!(tokens > 5, "{count}");
    assert_eq!(count.as_object().unwrap().len(), 1);
    let (status, text) = post(
        &harness,
        "/v1beta/models/gemini-x:countTokens",
        &[("x-goog-api-key", KEY)],
        json!({"contents": [{"role": "user", "parts": [{"text": "hello there, how are you today?"}]}]}),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let count: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(count["totalTokens"].as_u64(), Some(tokens));
    assert_eq!(mock.hits(), 0);
}

#[tokio::test]
async fn errors_take_the_shape_of_the_clients_protocol() {
    let mock = Mock::start(|_| {
        Reply::status(400, json!({"error": {"message": "bad tool schema", "type": "invalid_request_error", "param": null, "code": null}}))
    })
    .await;
    let harness = Harness::start(vec![
        ("claude-x", route(vec![channel(1, &mock.url())])),
        ("gemini-x", route(vec![channel(1, &mock.url())])),
    ])
    .await;
    let anthropic_error = |text: &str, kind: &str| {
        let body: Value = serde_json::from_str(text).unwrap();
        assert_eq!(body["type"], "error", "{body}");
        assert_eq!(body["error"]["type"], kind, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    };
    let (status, text) = post(
        &harness,
        "/v1/messages",
        &[("x-api-key", "sk-wrong")],
        messages_body(false),
    )
    .await;
    assert_eq!(status, 401);
    anthropic_error(&text, "authentication_error");
    let mut unknown = messages_body(false);
    unknown["model"] = json!("nope");
    let (status, text) = post(&harness, "/v1/messages", &ANTHROPIC_HEADERS, unknown).await;
    assert_eq!(status, 404);
    anthropic_error(&text, "not_found_error");
    let (status, text) = post(
        &harness,
        "/v1/messages",
        &[("authorization", &format!("Bearer {KEY}"))],
        json!({"model": "claude-x", "max_tokens": 5}),
    )
    .await;
    assert_eq!(status, 400);
    anthropic_error(&text, "invalid_request_error");
    let (status, text) = post(
        &harness,
        "/v1/messages",
        &ANTHROPIC_HEADERS,
        messages_body(false),
    )
    .await;
    assert_eq!(status, 400);
    anthropic_error(&text, "invalid_request_error");
    assert!(text.contains("bad tool schema"), "{text}");

    let gemini_body = json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]});
    let (status, text) = post(
        &harness,
        "/v1beta/models/gemini-x:generateContent?key=sk-wrong",
        &[],
        gemini_body.clone(),
    )
    .await;
    assert_eq!(status, 401);
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["error"]["code"], 401, "{body}");
    assert_eq!(body["error"]["status"], "UNAUTHENTICATED");
    assert!(body["error"]["message"].is_string());
    let (status, text) = post(
        &harness,
        "/v1beta/models/gemini-x:bogusMethod",
        &[("x-goog-api-key", KEY)],
        gemini_body,
    )
    .await;
    assert_eq!(status, 404);
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["error"]["status"], "NOT_FOUND", "{body}");
    // The OpenAI face keeps its own shape.
    let (status, body) = harness.chat(json!({"model": "nope", "messages": []})).await;
    assert_eq!(status, 404);
    assert_error_shape(&body);
}

#[tokio::test]
async fn anthropic_stream_cut_mid_way_ends_with_an_error_event() {
    let mock = Mock::start(|_| Reply::Sse {
        events: chat_events("gpt-up", &["a", "b"], true)[..2].to_vec(),
        gate: None,
        end: StreamEnd::Cut,
    })
    .await;
    let harness = Harness::start(vec![("claude-x", route(vec![channel(1, &mock.url())]))]).await;
    let (status, text) = post(
        &harness,
        "/v1/messages",
        &ANTHROPIC_HEADERS,
        messages_body(true),
    )
    .await;
    assert_eq!(status, 200);
    let events = sse_events(&text);
    let (name, data) = events.last().unwrap();
    assert_eq!(name.as_deref(), Some("error"), "{text}");
    assert_eq!(data["type"], "error");
    assert!(data["error"]["type"].is_string());
    assert!(!text.contains("message_stop"), "{text}");
}

#[tokio::test]
async fn anthropic_betas_reach_anthropic_channels_only_and_ids_are_named() {
    let anthropic =
        Mock::start(|seen| Reply::json(anthropic_message(seen.json()["model"].as_str().unwrap())))
            .await;
    let openai = Mock::chat_ok("converted").await;
    let harness = Harness::start(vec![
        (
            "claude-x",
            route(vec![typed_channel(
                1,
                ChannelKind::ANTHROPIC,
                &anthropic.url(),
                &[],
            )]),
        ),
        ("via-openai", route(vec![channel(2, &openai.url())])),
    ])
    .await;
    let response = harness
        .client
        .post(harness.url("/v1/messages?beta=true"))
        .header("x-api-key", KEY)
        .header("anthropic-version", "2023-06-01")
        .header("anthropic-beta", "context-1m-2025-08-07")
        .json(&messages_body(false))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("request-id"));
    assert_eq!(
        anthropic.last().headers["anthropic-beta"],
        "context-1m-2025-08-07"
    );
    let mut body = messages_body(false);
    body["model"] = json!("via-openai");
    let (status, _) = post(
        &harness,
        "/v1/messages",
        &[
            ("x-api-key", KEY),
            ("anthropic-beta", "context-1m-2025-08-07"),
        ],
        body,
    )
    .await;
    assert_eq!(status, 200);
    assert!(openai.last().headers.get("anthropic-beta").is_none());

    // Anthropic's error documents name the request, as its `request-id` header does.
    let response = harness
        .client
        .post(harness.url("/v1/messages"))
        .header("x-api-key", "sk-wrong")
        .json(&messages_body(false))
        .send()
        .await
        .unwrap();
    let header = response.headers()["request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["request_id"], header.as_str());
}

fn responses_answer(model: &str) -> Value {
    json!({"id": "resp_1", "object": "response", "created_at": 1, "status": "completed", "model": model,
        "output": [{"type": "message", "id": "msg_1", "status": "completed", "role": "assistant",
            "content": [{"type": "output_text", "text": "Hi from responses", "annotations": []}]}],
        "usage": {"input_tokens": 8, "input_tokens_details": {"cached_tokens": 2}, "output_tokens": 3,
            "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 11}})
}

fn responses_stream(model: &str) -> Reply {
    let item = json!({"type": "message", "id": "msg_1", "status": "in_progress", "role": "assistant", "content": []});
    let mut done = responses_answer(model);
    let events = [
        json!({"type": "response.created", "sequence_number": 0, "response": {"id": "resp_1", "object": "response", "created_at": 1, "status": "in_progress", "model": model, "output": []}}),
        json!({"type": "response.output_item.added", "sequence_number": 1, "output_index": 0, "item": item}),
        json!({"type": "response.content_part.added", "sequence_number": 2, "item_id": "msg_1", "output_index": 0, "content_index": 0, "part": {"type": "output_text", "text": "", "annotations": []}}),
        json!({"type": "response.output_text.delta", "sequence_number": 3, "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": "Hi from"}),
        json!({"type": "response.output_text.delta", "sequence_number": 4, "item_id": "msg_1", "output_index": 0, "content_index": 0, "delta": " responses"}),
        json!({"type": "response.output_text.done", "sequence_number": 5, "item_id": "msg_1", "output_index": 0, "content_index": 0, "text": "Hi from responses"}),
        json!({"type": "response.completed", "sequence_number": 6, "response": done.take()}),
    ];
    let mut body = String::new();
    for event in events {
        body.push_str(&format!(
            "event: {}\ndata: {}\n\n",
            event["type"].as_str().unwrap(),
            event
        ));
    }
    Reply::Raw {
        status: 200,
        content_type: "text/event-stream",
        body: Bytes::from(body),
    }
}

#[tokio::test]
async fn responses_clients_on_chat_channels_and_chat_clients_on_responses_only_channels() {
    let chat = Mock::start(|seen| {
        let request = seen.json();
        if request["stream"] == true {
            sse_like_openai(seen, &["Hi ", "there"])
        } else {
            Reply::json(chat_completion(&request["model"], "Hi there", true))
        }
    })
    .await;
    let responses = Mock::start(|seen| {
        let request = seen.json();
        let model = request["model"].as_str().unwrap();
        if request["stream"] == true {
            responses_stream(model)
        } else {
            Reply::json(responses_answer(model))
        }
    })
    .await;
    let mut responses_only = channel(2, &responses.url());
    responses_only
        .config
        .insert("responses_only".into(), "true".into());
    // OpenAI and Azure channels serve Responses natively unless opted out; other
    // OpenAI-compatible kinds get the request converted to chat.
    let mut opted_out = channel(3, &chat.url());
    opted_out
        .config
        .insert("responses_api".into(), "false".into());
    let harness = Harness::start(vec![
        (
            "gpt-chat",
            route(vec![typed_channel(
                1,
                ChannelKind::CUSTOM,
                &chat.url(),
                &[],
            )]),
        ),
        ("gpt-pro", route(vec![responses_only])),
        ("gpt-opted-out", route(vec![opted_out])),
    ])
    .await;

    let response = harness
        .post_json(
            "/v1/responses",
            json!({"model": "gpt-chat", "input": "hello", "instructions": "be brief"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(chat.last().path, "/v1/chat/completions");
    assert_eq!(chat.last().json()["messages"][0]["role"], "system");
    assert_eq!(body["object"], "response");
    assert_eq!(body["status"], "completed");
    assert_eq!(body["output"][0]["content"][0]["text"], "Hi there");
    assert_eq!(body["usage"]["input_tokens"], 11);

    let response = harness
        .post_json(
            "/v1/responses",
            json!({"model": "gpt-opted-out", "input": "hello"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(chat.last().path, "/v1/chat/completions");
    assert_eq!(chat.last().json()["model"], "gpt-opted-out");
    let chat_hits = chat.hits();
    let response = harness
        .post_json(
            "/v1/responses",
            json!({"model": "gpt-chat", "input": "and then?", "previous_response_id": "resp_1"}),
        )
        .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("previous_response_id"),
        "{body}"
    );
    assert_eq!(chat.hits(), chat_hits, "refused before any upstream call");

    let response = harness
        .post_json(
            "/v1/responses",
            json!({"model": "gpt-chat", "input": "hello", "stream": true}),
        )
        .await;
    let text = response.text().await.unwrap();
    let events = sse_events(&text);
    assert_eq!(events[0].0.as_deref(), Some("response.created"), "{text}");
    let deltas: String = events
        .iter()
        .filter(|(name, _)| name.as_deref() == Some("response.output_text.delta"))
        .map(|(_, data)| data["delta"].as_str().unwrap())
        .collect();
    assert_eq!(deltas, "Hi there");
    let (name, last) = events.last().unwrap();
    assert_eq!(name.as_deref(), Some("response.completed"), "{text}");
    assert_eq!(last["response"]["usage"]["input_tokens"], 9);

    let (status, body) = harness
        .chat(json!({"model": "gpt-pro", "messages": [{"role": "user", "content": "hi"}]}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(responses.last().path, "/v1/responses");
    assert_eq!(responses.last().json()["input"][0]["role"], "user");
    assert_eq!(
        body["choices"][0]["message"]["content"],
        "Hi from responses"
    );
    let response = harness
        .post_json(
            "/v1/chat/completions",
            json!({"model": "gpt-pro", "stream": true, "messages": [{"role": "user", "content": "hi"}]}),
        )
        .await;
    let text = response.text().await.unwrap();
    let data = sse_data(&text);
    assert_eq!(data.last().map(String::as_str), Some("[DONE]"), "{text}");
    let content: String = data[..data.len() - 1]
        .iter()
        .map(|chunk| serde_json::from_str::<Value>(chunk).unwrap())
        .filter_map(|chunk| {
            chunk["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    assert_eq!(content, "Hi from responses");
    // Four Responses requests (converted, opted out, refused, streamed) and two chat ones.
    let records = harness.sink.wait_for(6).await;
    assert_eq!(
        records
            .iter()
            .filter(|r| r.endpoint == "/v1/responses")
            .count(),
        4
    );
    for record in records.iter().filter(|r| r.channel_id == Some(2)) {
        assert_eq!(record.usage.input_tokens, 8);
        assert_eq!(record.usage.cached_input_tokens, 2);
        assert_eq!(record.usage.output_tokens, 3);
    }
}

#[tokio::test]
async fn converted_requests_retry_on_another_channel_and_count_locally_without_usage() {
    let failing = Mock::start(|_| Reply::status(500, json!({"error": {"message": "boom"}}))).await;
    // This upstream reports no usage at all: the relay counts the Messages request itself.
    let quiet = Mock::start(|seen| {
        Reply::json(chat_completion(
            &seen.json()["model"],
            "counted locally",
            false,
        ))
    })
    .await;
    let mut first = channel(1, &failing.url());
    first.priority = 10;
    let harness = Harness::start(vec![(
        "claude-x",
        route(vec![first, channel(2, &quiet.url())]),
    )])
    .await;
    let (status, text) = post(
        &harness,
        "/v1/messages",
        &ANTHROPIC_HEADERS,
        messages_body(false),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(failing.hits(), 1);
    let message: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(message["content"][0]["text"], "counted locally");
    let record = &harness.sink.wait_for(1).await[0];
    assert_eq!(record.retries, 1);
    assert_eq!(record.channel_id, Some(2));
    assert!(record.usage_estimated);
    assert!(record.usage.input_tokens > 5, "{:?}", record.usage);
    assert!(record.usage.output_tokens >= 2, "{:?}", record.usage);
}

#[tokio::test]
async fn gemini_clients_reach_anthropic_channels_and_gemini_channels_natively() {
    let anthropic =
        Mock::start(|seen| anthropic_stream(seen.json()["model"].as_str().unwrap())).await;
    let gemini = Mock::start(|seen| {
        assert_eq!(seen.path, "/v1beta/models/gemini-up:streamGenerateContent");
        Reply::sse(vec![
            gemini_answer("Hel", false).to_string(),
            gemini_answer("lo", true).to_string(),
        ])
    })
    .await;
    let harness = Harness::start(vec![
        (
            "claude-x",
            route(vec![typed_channel(
                1,
                ChannelKind::ANTHROPIC,
                &anthropic.url(),
                &[],
            )]),
        ),
        (
            "gem",
            route(vec![typed_channel(
                2,
                ChannelKind::GEMINI,
                &gemini.url(),
                &[("gem", "gemini-up")],
            )]),
        ),
    ])
    .await;
    let body = json!({"contents": [{"role": "user", "parts": [{"text": "hello"}]}]});
    let (status, text) = post(
        &harness,
        "/v1beta/models/claude-x:streamGenerateContent?alt=sse",
        &[("x-goog-api-key", KEY)],
        body.clone(),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let sent = anthropic.last().json();
    assert_eq!(sent["model"], "claude-x");
    assert_eq!(sent["stream"], true);
    assert!(
        sent["max_tokens"].as_u64().is_some_and(|max| max > 0),
        "{sent}"
    );
    let chunks: Vec<Value> = sse_data(&text)
        .iter()
        .map(|chunk| serde_json::from_str(chunk).unwrap())
        .collect();
    let content: String = chunks
        .iter()
        .filter_map(|chunk| chunk["candidates"][0]["content"]["parts"][0]["text"].as_str())
        .collect();
    assert_eq!(content, "Hello world");
    let last = chunks.last().unwrap();
    assert_eq!(last["candidates"][0]["finishReason"], "STOP", "{text}");
    assert_eq!(last["usageMetadata"]["promptTokenCount"], 20);
    assert_eq!(last["usageMetadata"]["cachedContentTokenCount"], 6);

    let (status, text) = post(
        &harness,
        "/v1beta/models/gem:streamGenerateContent?alt=sse",
        &[("x-goog-api-key", KEY)],
        body,
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let chunks: Vec<Value> = sse_data(&text)
        .iter()
        .map(|chunk| serde_json::from_str(chunk).unwrap())
        .collect();
    // Passed through as the upstream sent them, with the client's model name.
    let mut expected = [gemini_answer("Hel", false), gemini_answer("lo", true)];
    for chunk in &mut expected {
        chunk["modelVersion"] = json!("gem");
    }
    assert_eq!(chunks, expected);
    let records = harness.sink.wait_for(2).await;
    let native = records.iter().find(|r| r.channel_id == Some(2)).unwrap();
    assert_eq!(native.usage.input_tokens, 12);
    assert_eq!(native.usage.cached_input_tokens, 2);
    let chained = records.iter().find(|r| r.channel_id == Some(1)).unwrap();
    assert_eq!(chained.usage.input_tokens, 20);
    assert_eq!(chained.usage.cache_creation_tokens, 4);
}

#[tokio::test]
async fn model_listings_take_each_faces_shape() {
    let mock = Mock::chat_ok("unused").await;
    let harness = Harness::start(vec![
        ("claude-x", route(vec![channel(1, &mock.url())])),
        ("gemini-x", route(vec![channel(1, &mock.url())])),
    ])
    .await;
    let get = |path: &str, headers: &[(&str, &str)]| {
        let mut request = harness.client.get(harness.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    let (status, list) = get("/v1/models", &ANTHROPIC_HEADERS).await;
    assert_eq!(status, 200);
    assert_eq!(
        list,
        json!({"data": [
            {"type": "model", "id": "claude-x", "display_name": "claude-x", "created_at": "2023-11-14T22:13:20Z"},
            {"type": "model", "id": "gemini-x", "display_name": "gemini-x", "created_at": "2023-11-14T22:13:20Z"}],
            "has_more": false, "first_id": "claude-x", "last_id": "gemini-x"})
    );
    let (status, list) = get("/v1beta/models", &[("x-goog-api-key", KEY)]).await;
    assert_eq!(status, 200);
    assert_eq!(list["models"][1]["name"], "models/gemini-x");
    let (status, one) = get("/v1beta/models/gemini-x", &[("x-goog-api-key", KEY)]).await;
    assert_eq!(status, 200);
    assert_eq!(one["name"], "models/gemini-x");
    let (status, missing) = get("/v1beta/models/nope", &[("x-goog-api-key", KEY)]).await;
    assert_eq!(status, 404);
    assert_eq!(missing["error"]["status"], "NOT_FOUND");
    let (status, list) = get("/v1/models", &[("authorization", &format!("Bearer {KEY}"))]).await;
    assert_eq!(status, 200);
    assert_eq!(list["object"], "list");
}

#[tokio::test]
async fn upstream_errors_inside_a_stream_reach_the_client_and_the_record() {
    let mock = Mock::start(|seen| {
        let model = seen.json()["model"].as_str().unwrap().to_owned();
        anthropic_sse(&[
            json!({"type": "message_start", "message": {"id": "msg_1", "type": "message", "role": "assistant", "model": model, "content": [], "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 10, "output_tokens": 1}}}),
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
            json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hel"}}),
            json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
        ])
    })
    .await;
    let harness = Harness::start(vec![(
        "claude-x",
        route(vec![typed_channel(
            1,
            ChannelKind::ANTHROPIC,
            &mock.url(),
            &[],
        )]),
    )])
    .await;
    // Chat client: the error arrives as an error chunk.
    let response = harness
        .post_json(
            "/v1/chat/completions",
            json!({"model": "claude-x", "stream": true, "messages": [{"role": "user", "content": "hi"}]}),
        )
        .await;
    let text = response.text().await.unwrap();
    let last: Value = serde_json::from_str(
        sse_data(&text)
            .iter()
            .rfind(|data| data.starts_with('{'))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(last["error"]["message"], "Overloaded", "{text}");
    // Anthropic client on the same channel: the upstream's event passes through as it is.
    let (_, text) = post(
        &harness,
        "/v1/messages",
        &ANTHROPIC_HEADERS,
        messages_body(true),
    )
    .await;
    let (name, data) = sse_events(&text).pop().unwrap();
    assert_eq!(name.as_deref(), Some("error"));
    assert_eq!(data["error"]["type"], "overloaded_error");
    let records = harness.sink.wait_for(2).await;
    for record in &records {
        assert_eq!(record.status, 502, "{record:?}");
        assert!(
            record
                .error
                .as_deref()
                .is_some_and(|e| e.contains("Overloaded")),
            "{record:?}"
        );
    }
}
