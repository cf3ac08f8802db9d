//! A Cohere channel end to end: every client face through the official SDKs, embeddings and rerank, usage in the logs, upstream errors.

use serde_json::{Value, json};

use crate::support::mock_cohere::{
    BILLED_INPUT, BILLED_OUTPUT, EMBED_BILLED_INPUT, FAILING_MODEL, MockCohere, TEXT,
};
use crate::support::{TestHub, check_every_face, group_logs};

const TOKEN: &str = "sk-cohere-acme-0001";
const KEY: &str = "co-upstream-key-123";

async fn setup() -> (TestHub, MockCohere) {
    let mock = MockCohere::start().await;
    let config = format!(
        r#"
groups: [{{id: acme}}]
tokens: [{{group: acme, name: ci, key: {TOKEN}}}]
channels:
  - name: cohere
    type: cohere
    base_url: {base}
    key: {KEY}
    models: [command-gw, embed-gw, rerank-gw, failing-gw]
    model_mapping: {{command-gw: command-a-03-2025, embed-gw: embed-v4.0, rerank-gw: rerank-v3.5, failing-gw: {FAILING_MODEL}}}
models:
  - {{model: command-gw, type: chat}}
  - {{model: failing-gw, type: chat}}
  - {{model: embed-gw, type: embedding}}
  - {{model: rerank-gw, type: rerank}}
"#,
        base = mock.base_url(),
    );
    (TestHub::start_with_config(&config).await, mock)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_face_reaches_cohere_v2_chat_and_usage_is_the_billed_units() {
    let (hub, mock) = setup().await;
    check_every_face(&hub, TOKEN, "command-gw", TEXT).await;
    let requests = mock.requests();
    assert_eq!(requests.len(), 8, "two calls per face");
    for request in &requests {
        assert_eq!(request.target, "/v2/chat");
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
        assert_eq!(request.body["model"], "command-a-03-2025");
    }
    assert_eq!(
        requests.iter().filter(|r| r.body["stream"] == true).count(),
        4
    );
    let rows = group_logs(&hub, "acme", 8).await;
    assert_eq!(rows.len(), 8);
    for row in &rows {
        assert_eq!(row.status_code, 200, "{row:?}");
        assert_eq!(row.input_tokens, BILLED_INPUT as i64, "{row:?}");
        assert_eq!(row.output_tokens, BILLED_OUTPUT as i64, "{row:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tool_calls_go_to_cohere_and_come_back_whole_and_streamed() {
    let (hub, mock) = setup().await;
    let tools = json!([{"type": "function", "function": {"name": "weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]);
    let answer: Value = hub
        .post_json(
            TOKEN,
            "/v1/chat/completions",
            json!({"model": "command-gw", "tools": tools,
            "messages": [{"role": "user", "content": "Weather in Paris?"}]}),
        )
        .await
        .json()
        .await
        .unwrap();
    let message = &answer["choices"][0]["message"];
    assert_eq!(answer["choices"][0]["finish_reason"], "tool_calls");
    let call = &message["tool_calls"][0];
    assert_eq!(call["function"]["name"], "weather");
    assert_eq!(call["function"]["arguments"], "{\"city\":\"Paris\"}");
    // The result goes back with the call's id, the plan as the assistant's reasoning.
    let second: Value = hub.post_json(TOKEN,
        "/v1/chat/completions",
        json!({"model": "command-gw", "tools": tools, "messages": [
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": null, "reasoning_content": message["reasoning_content"],
                "tool_calls": [call]},
            {"role": "tool", "tool_call_id": call["id"], "content": "sunny"}]}),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(second["choices"][0]["message"]["content"], TEXT);
    let sent = &mock.requests()[1].body;
    assert_eq!(
        sent["messages"][1]["tool_plan"],
        "I will look up the weather."
    );
    assert_eq!(sent["messages"][2]["tool_call_id"], call["id"]);

    let streamed = hub
        .post_json(
            TOKEN,
            "/v1/chat/completions",
            json!({"model": "command-gw", "tools": tools, "stream": true,
            "messages": [{"role": "user", "content": "Weather in Paris?"}]}),
        )
        .await
        .text()
        .await
        .unwrap();
    let mut arguments = String::new();
    let mut finish = Value::Null;
    for data in streamed
        .lines()
        .filter_map(|line| line.strip_prefix("data: "))
    {
        let Ok(chunk) = serde_json::from_str::<Value>(data) else {
            continue;
        };
        let choice = &chunk["choices"][0];
        if let Some(piece) = choice["delta"]["tool_calls"][0]["function"]["arguments"].as_str() {
            arguments.push_str(piece);
        }
        if !choice["finish_reason"].is_null() {
            finish = choice["finish_reason"].clone();
        }
    }
    assert_eq!(arguments, "{\"city\":\"Paris\"}");
    assert_eq!(finish, "tool_calls");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embeddings_and_rerank_reach_v2_embed_and_rerank_with_usage_logged() {
    let (hub, mock) = setup().await;
    let response = hub
        .post_json(
            TOKEN,
            "/v1/embeddings",
            json!({"model": "embed-gw", "input": ["first text", "second text"]}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let embedded: Value = response.json().await.unwrap();
    assert_eq!(embedded["object"], "list");
    assert_eq!(embedded["model"], "embed-gw");
    assert_eq!(embedded["data"][1]["index"], 1);
    assert_eq!(embedded["data"][1]["embedding"], json!([0.25, -0.5, 1.0]));
    assert_eq!(embedded["usage"]["prompt_tokens"], EMBED_BILLED_INPUT);
    let sent = &mock.requests()[0];
    assert_eq!(sent.target, "/v2/embed");
    assert_eq!(sent.body["texts"], json!(["first text", "second text"]));
    assert_eq!(sent.body["input_type"], "search_document");

    // The OpenAI SDKs ask for base64 unless told otherwise: little-endian float32 as OpenAI's.
    let encoded: Value = hub
        .post_json(
            TOKEN,
            "/v1/embeddings",
            json!({"model": "embed-gw", "input": "first text", "encoding_format": "base64"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let bytes = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        encoded["data"][0]["embedding"].as_str().unwrap(),
    )
    .unwrap();
    let floats: Vec<f32> = bytes
        .chunks(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    assert_eq!(floats, [0.25, -0.5, 0.0]);

    let response = hub
        .post_json(
            TOKEN,
            "/v1/rerank",
            json!({"model": "rerank-gw", "query": "red apple", "top_n": 2,
            "documents": ["a green pear", {"text": "a red apple"}, "red wine"]}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let ranked: Value = response.json().await.unwrap();
    let results = ranked["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["index"], 1, "{ranked}");
    assert!(
        results[0]["relevance_score"].as_f64().unwrap()
            > results[1]["relevance_score"].as_f64().unwrap()
    );
    assert_eq!(ranked["model"], "rerank-gw");
    let sent = &mock.requests()[2];
    assert_eq!(sent.target, "/v2/rerank");
    assert_eq!(
        sent.body["documents"],
        json!(["a green pear", "a red apple", "red wine"])
    );
    assert_eq!(sent.body["top_n"], 2);

    let rows = group_logs(&hub, "acme", 3).await;
    let embed_row = rows
        .iter()
        .find(|row| row.requested_model == "embed-gw")
        .unwrap();
    assert_eq!(embed_row.input_tokens, EMBED_BILLED_INPUT as i64);
    // Cohere bills rerank in search units: the relay counts the query and documents itself.
    let rerank_row = rows
        .iter()
        .find(|row| row.requested_model == "rerank-gw")
        .unwrap();
    assert_eq!(rerank_row.status_code, 200);
    assert!(rerank_row.input_tokens > 0, "{rerank_row:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_errors_reach_the_client_cleanly_without_the_key() {
    let (hub, mock) = setup().await;
    // A stream that ends with finish_reason ERROR: the text so far, then an error event.
    let streamed = hub.post_json(TOKEN,
        "/v1/chat/completions",
        json!({"model": "failing-gw", "stream": true, "messages": [{"role": "user", "content": "hi"}]}),
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(streamed.contains("\"content\":\"Hello\""), "{streamed}");
    assert!(streamed.contains("internal server error"), "{streamed}");
    assert!(
        !streamed.contains("\"finish_reason\":\"stop\""),
        "{streamed}"
    );

    *mock.state.fail_with.lock().unwrap() = Some(400);
    let response = hub
        .post_json(
            TOKEN,
            "/v1/chat/completions",
            json!({"model": "command-gw", "messages": [{"role": "user", "content": "hi"}]}),
        )
        .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["message"], "mock failure");

    *mock.state.fail_with.lock().unwrap() = Some(401);
    let response = hub
        .post_json(
            TOKEN,
            "/v1/chat/completions",
            json!({"model": "command-gw", "messages": [{"role": "user", "content": "hi"}]}),
        )
        .await;
    assert!(response.status().is_server_error(), "{}", response.status());
    let text = response.text().await.unwrap();
    assert!(!text.contains(KEY), "{text}");
    let rows = group_logs(&hub, "acme", 3).await;
    assert!(rows.iter().all(|row| !row.error.contains(KEY)));
    assert!(rows.iter().any(|row| row.status_code == 400));
}
