//! The built-in `fake` channel type: every face and endpoint answered in process with the configured text, chunks, usage and errors.

use relay::host::{Channel, ChannelKind};
use serde_json::json;

use crate::common::{Harness, KEY, channel, route, sse_data};

fn fake(config: &[(&str, &str)]) -> Channel {
    let mut channel = channel(1, "");
    channel.kind = ChannelKind::FAKE;
    channel.key = String::new();
    channel.config = config
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    channel
}

#[tokio::test]
async fn chat_answers_with_the_configured_text_and_usage() {
    let h = Harness::start(vec![(
        "m",
        route(vec![fake(&[
            ("text", "one two three"),
            ("prompt_tokens", "7"),
        ])]),
    )])
    .await;
    let (status, body) = h
        .chat(json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["choices"][0]["message"]["content"], "one two three");
    assert_eq!(body["model"], "m");
    let records = h.sink.wait_for(1).await;
    assert_eq!(records[0].usage.input_tokens, 7);
    assert_eq!(records[0].usage.output_tokens, 3);
    assert!(!records[0].usage_estimated);
}

#[tokio::test]
async fn a_stream_arrives_in_the_configured_number_of_chunks() {
    let h = Harness::start(vec![(
        "m",
        route(vec![fake(&[("text", "abcdefgh"), ("chunks", "4")])]),
    )])
    .await;
    let response = h
        .post_json(
            "/v1/chat/completions",
            json!({"model": "m", "stream": true, "messages": [{"role": "user", "content": "hi"}]}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let events = sse_data(&response.text().await.unwrap());
    let pieces: Vec<String> = events
        .iter()
        .filter_map(|event| serde_json::from_str::<serde_json::Value>(event).ok())
        .filter_map(|event| {
            event["choices"][0]["delta"]["content"]
                .as_str()
                .map(str::to_owned)
        })
        .filter(|piece| !piece.is_empty())
        .collect();
    assert_eq!(pieces, ["ab", "cd", "ef", "gh"]);
    assert_eq!(events.last().map(String::as_str), Some("[DONE]"));
}

#[tokio::test]
async fn anthropic_gemini_and_responses_clients_get_their_own_shapes() {
    let h = Harness::start(vec![("m", route(vec![fake(&[("text", "fake answer")])]))]).await;
    let messages = h
        .client
        .post(h.url("/v1/messages"))
        .header("x-api-key", KEY)
        .header("anthropic-version", "2023-06-01")
        .json(&json!({"model": "m", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(messages.status(), 200);
    let messages: serde_json::Value = messages.json().await.unwrap();
    assert_eq!(messages["content"][0]["text"], "fake answer");
    let gemini = h
        .client
        .post(h.url("/v1beta/models/m:generateContent"))
        .header("x-goog-api-key", KEY)
        .json(&json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(gemini.status(), 200);
    let gemini: serde_json::Value = gemini.json().await.unwrap();
    assert_eq!(
        gemini["candidates"][0]["content"]["parts"][0]["text"],
        "fake answer"
    );
    let responses = h
        .post_json("/v1/responses", json!({"model": "m", "input": "hi"}))
        .await;
    assert_eq!(responses.status(), 200);
    let responses: serde_json::Value = responses.json().await.unwrap();
    assert_eq!(responses["output"][0]["content"][0]["text"], "fake answer");
}

#[tokio::test]
async fn other_endpoints_answer_in_their_own_shapes() {
    let h = Harness::start(vec![("m", route(vec![fake(&[])]))]).await;
    let embeddings = h
        .post_json("/v1/embeddings", json!({"model": "m", "input": ["a", "b"]}))
        .await;
    assert_eq!(embeddings.status(), 200);
    let embeddings: serde_json::Value = embeddings.json().await.unwrap();
    assert_eq!(embeddings["data"].as_array().unwrap().len(), 2);
    let rerank = h
        .post_json(
            "/v1/rerank",
            json!({"model": "m", "query": "q", "documents": ["a", "b", "c"]}),
        )
        .await;
    assert_eq!(rerank.status(), 200);
    let rerank: serde_json::Value = rerank.json().await.unwrap();
    assert_eq!(rerank["results"].as_array().unwrap().len(), 3);
    let speech = h
        .post_json(
            "/v1/audio/speech",
            json!({"model": "m", "input": "hi", "voice": "alloy"}),
        )
        .await;
    assert_eq!(speech.status(), 200);
    assert_eq!(speech.headers()["content-type"], "audio/wav");
    assert!(speech.bytes().await.unwrap().starts_with(b"RIFF"));
    let image = h
        .post_json(
            "/v1/images/generations",
            json!({"model": "m", "prompt": "a cat"}),
        )
        .await;
    assert_eq!(image.status(), 200);
}

#[tokio::test]
async fn a_configured_error_is_relayed_and_retried_on_another_channel() {
    let failing = fake(&[
        ("error_status", "400"),
        ("error_message", "the fake refuses"),
    ]);
    let h = Harness::start(vec![("m", route(vec![failing]))]).await;
    let (status, body) = h
        .chat(json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]}))
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["message"], "the fake refuses");

    let mut broken = fake(&[("error_status", "500")]);
    broken.priority = 10;
    let mut working = fake(&[("text", "from the second")]);
    working.id = 2;
    let h = Harness::start(vec![("m", route(vec![broken, working]))]).await;
    let (status, body) = h
        .chat(json!({"model": "m", "messages": [{"role": "user", "content": "hi"}]}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["choices"][0]["message"]["content"], "from the second");
    let records = h.sink.wait_for(1).await;
    assert_eq!(records[0].retries, 1);
}
