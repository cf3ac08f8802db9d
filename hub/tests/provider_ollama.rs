//! An Ollama channel on its native API end to end (every face, embeddings, usage, broken streams), and the OpenAI path it keeps by default.

use serde_json::{Value, json};

use crate::support::mock_ollama::{
    BROKEN_MODEL, CRASHING_MODEL, EMBED_PROMPT_EVAL_COUNT, EVAL_COUNT, MockOllama,
    PROMPT_EVAL_COUNT, TEXT,
};
use crate::support::{TestHub, check_every_face, group_logs};

const TOKEN: &str = "sk-ollama-acme-0001";

async fn setup() -> (TestHub, MockOllama) {
    let mock = MockOllama::start().await;
    let config = format!(
        r#"
groups: [{{id: acme}}]
tokens: [{{group: acme, name: ci, key: {TOKEN}}}]
channels:
  - name: ollama
    type: ollama
    base_url: {base}
    config: {{api: native}}
    models: [llama-gw, embed-gw, broken-gw, crashing-gw, missing-gw]
    model_mapping: {{llama-gw: llama3.2, embed-gw: all-minilm, broken-gw: {BROKEN_MODEL}, crashing-gw: {CRASHING_MODEL}, missing-gw: not-pulled}}
models:
  - {{model: llama-gw, type: chat}}
  - {{model: broken-gw, type: chat}}
  - {{model: crashing-gw, type: chat}}
  - {{model: missing-gw, type: chat}}
  - {{model: embed-gw, type: embedding}}
"#,
        base = mock.base_url(),
    );
    (TestHub::start_with_config(&config).await, mock)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_face_reaches_ollama_api_chat_and_eval_counts_are_the_usage() {
    let (hub, mock) = setup().await;
    check_every_face(&hub, TOKEN, "llama-gw", TEXT).await;
    let requests = mock.requests();
    assert_eq!(requests.len(), 8, "two calls per face");
    for request in &requests {
        assert_eq!(request.target, "/api/chat");
        assert_eq!(request.body["model"], "llama3.2");
        assert!(
            request.body["stream"].is_boolean(),
            "stream is always explicit"
        );
        assert_eq!(
            request.header("authorization"),
            None,
            "a keyless channel sends no key"
        );
    }
    let rows = group_logs(&hub, "acme", 8).await;
    assert_eq!(rows.len(), 8);
    for row in &rows {
        assert_eq!(row.status_code, 200, "{row:?}");
        assert_eq!(row.input_tokens, PROMPT_EVAL_COUNT as i64, "{row:?}");
        assert_eq!(row.output_tokens, EVAL_COUNT as i64, "{row:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_and_embeddings_take_ollama_shapes() {
    let (hub, mock) = setup().await;
    let tools = json!([{"type": "function", "function": {"name": "weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]);
    let answer: Value = hub
        .post_json(
            TOKEN,
            "/v1/chat/completions",
            json!({"model": "llama-gw", "tools": tools, "max_tokens": 50, "temperature": 0.1,
            "messages": [{"role": "user", "content": "Weather in Paris?"}]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(answer["choices"][0]["finish_reason"], "tool_calls");
    let call = answer["choices"][0]["message"]["tool_calls"][0].clone();
    assert_eq!(call["function"]["arguments"], "{\"city\":\"Paris\"}");
    let sent = &mock.requests()[0].body;
    assert_eq!(
        sent["options"],
        json!({"num_predict": 50, "temperature": 0.1})
    );
    assert_eq!(sent["stream"], false);
    let second: Value = hub
        .post_json(
            TOKEN,
            "/v1/chat/completions",
            json!({"model": "llama-gw", "tools": tools, "messages": [
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": null, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": call["id"], "content": "sunny"}]}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["choices"][0]["message"]["content"], TEXT);
    let sent = &mock.requests()[1].body;
    assert_eq!(
        sent["messages"][1]["tool_calls"][0]["function"]["arguments"],
        json!({"city": "Paris"})
    );
    assert_eq!(sent["messages"][2]["tool_name"], "weather");

    let response = hub
        .post_json(
            TOKEN,
            "/v1/embeddings",
            json!({"model": "embed-gw", "input": ["one", "two"]}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let embedded: Value = response.json().await.unwrap();
    assert_eq!(
        embedded["data"][1]["embedding"],
        json!([0.010071029, -0.0017594862, 1.0])
    );
    assert_eq!(embedded["usage"]["prompt_tokens"], EMBED_PROMPT_EVAL_COUNT);
    assert_eq!(mock.requests()[2].target, "/api/embed");
    let rows = group_logs(&hub, "acme", 3).await;
    let embed_row = rows
        .iter()
        .find(|row| row.requested_model == "embed-gw")
        .unwrap();
    assert_eq!(embed_row.input_tokens, EMBED_PROMPT_EVAL_COUNT as i64);
}

/// A streamed chat answer's whole text as the client reads it.
async fn stream(hub: &TestHub, model: &str) -> String {
    hub.post_json(
        TOKEN,
        "/v1/chat/completions",
        json!({"model": model, "stream": true, "messages": [{"role": "user", "content": "hi"}]}),
    )
    .await
    .text()
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_line_an_error_line_or_an_unknown_model_give_clean_errors() {
    let (hub, _mock) = setup().await;
    let broken = stream(&hub, "broken-gw").await;
    assert!(broken.contains("\"content\":\"Hello\""), "{broken}");
    assert!(
        broken.contains("\"error\":{") && broken.contains("the upstream sent an invalid response"),
        "{broken}"
    );
    assert!(
        !broken.contains("Ollama."),
        "nothing after the broken line: {broken}"
    );

    let crashed = stream(&hub, "crashing-gw").await;
    assert!(
        crashed.contains("llama runner process has terminated"),
        "{crashed}"
    );
    assert!(!crashed.contains("\"finish_reason\":\"stop\""), "{crashed}");

    let response = hub
        .post_json(
            TOKEN,
            "/v1/chat/completions",
            json!({"model": "missing-gw", "messages": [{"role": "user", "content": "hi"}]}),
        )
        .await;
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["error"]["message"],
        "model \"not-pulled\" not found, try pulling it first"
    );
    let rows = group_logs(&hub, "acme", 3).await;
    for model in ["broken-gw", "crashing-gw", "missing-gw"] {
        let row = rows
            .iter()
            .find(|row| row.requested_model == model)
            .unwrap();
        assert!(
            row.status_code != 200 || !row.error.is_empty(),
            "{model} is logged as failed: {row:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_api_native_ollama_stays_on_its_openai_surface() {
    let mock = crate::support::mock_openai_wire::MockOpenAiWire::start().await;
    let config = format!(
        r#"
groups: [{{id: acme}}]
tokens: [{{group: acme, name: ci, key: {TOKEN}}}]
channels:
  - {{name: ollama, type: ollama, base_url: "{base}", key: sk-ollama-proxy, models: [llama-gw]}}
models: [{{model: llama-gw, type: chat}}]
"#,
        base = mock.base_url(),
    );
    let hub = TestHub::start_with_config(&config).await;
    let response = hub
        .post_json(
            TOKEN,
            "/v1/chat/completions",
            json!({"model": "llama-gw", "messages": [{"role": "user", "content": "hi"}]}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let seen = mock.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].target, "/v1/chat/completions");
    assert_eq!(
        seen[0].header("authorization"),
        Some("Bearer sk-ollama-proxy")
    );
}

/// Legacy completions reach `/api/generate`: the prompt and options in Ollama's shape, the
/// answer (whole and streamed) as `text_completion`s with the eval counts as usage.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_reach_api_generate_whole_and_streamed() {
    let (hub, mock) = setup().await;
    let response = hub
        .post_json(
            TOKEN,
            "/v1/completions",
            json!({"model": "llama-gw", "prompt": "Say hello", "max_tokens": 12, "stop": "\n"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["object"], "text_completion");
    assert_eq!(answer["model"], "llama-gw");
    assert_eq!(answer["choices"][0]["text"], TEXT);
    assert_eq!(answer["choices"][0]["finish_reason"], "stop");
    assert_eq!(answer["usage"]["prompt_tokens"], PROMPT_EVAL_COUNT);
    assert_eq!(answer["usage"]["completion_tokens"], EVAL_COUNT);
    let seen = mock.requests();
    let sent = &seen.last().unwrap();
    assert_eq!(sent.target, "/api/generate");
    assert_eq!(sent.body["prompt"], "Say hello");
    assert_eq!(sent.body["model"], "llama3.2");
    assert_eq!(sent.body["stream"], false);
    assert_eq!(
        sent.body["options"],
        json!({"num_predict": 12, "stop": ["\n"]})
    );

    let streamed = hub
        .post_json(
            TOKEN,
            "/v1/completions",
            json!({"model": "llama-gw", "prompt": "Say hello", "stream": true,
            "stream_options": {"include_usage": true}}),
        )
        .await
        .text()
        .await
        .unwrap();
    let chunks: Vec<Value> = streamed
        .lines()
        .filter_map(|line| line.strip_prefix("data: "))
        .filter(|data| *data != "[DONE]")
        .map(|data| serde_json::from_str(data).unwrap())
        .collect();
    let text: String = chunks
        .iter()
        .filter_map(|chunk| chunk["choices"][0]["text"].as_str())
        .collect();
    assert_eq!(text, TEXT);
    assert!(
        chunks
            .iter()
            .all(|chunk| chunk["object"] == "text_completion"),
        "{streamed}"
    );
    assert_eq!(
        chunks.last().unwrap()["usage"]["completion_tokens"],
        EVAL_COUNT
    );
    assert!(streamed.trim_end().ends_with("data: [DONE]"), "{streamed}");
    let rows = group_logs(&hub, "acme", 2).await;
    assert!(
        rows.iter()
            .take(2)
            .all(|row| row.output_tokens == EVAL_COUNT as i64),
        "{rows:?}"
    );
}
