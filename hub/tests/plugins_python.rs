//! The official `openai` Python SDK through the whole gateway with each plugin enabled on its own
//! model (hub/tests/python/test_plugins.py), against a local upstream and a local SearXNG that
//! speak the real wire formats.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use crate::support;

use axum::Router;
use axum::body::Body;
use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use support::TestHub;

const TOKEN: &str = "sk-plugins-python-0001";

fn chunk(model: &str, delta: Value, finish: Value) -> String {
    let chunk = json!({"id": "chatcmpl-p", "object": "chat.completion.chunk", "created": 1_700_000_000,
        "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]});
    format!("data: {chunk}\n\n")
}

fn stream(model: &str, deltas: Vec<Value>, finish: &str, usage: bool) -> Response {
    let mut events = vec![chunk(
        model,
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    )];
    events.extend(
        deltas
            .into_iter()
            .map(|delta| chunk(model, delta, Value::Null)),
    );
    events.push(chunk(model, json!({}), json!(finish)));
    if usage {
        let usage = json!({"id": "chatcmpl-p", "object": "chat.completion.chunk", "created": 1_700_000_000, "model": model,
            "choices": [], "usage": {"prompt_tokens": 12, "completion_tokens": 8, "total_tokens": 20}});
        events.push(format!("data: {usage}\n\n"));
    }
    events.push("data: [DONE]\n\n".to_owned());
    Response::builder()
        .header("content-type", "text/event-stream")
        .body(Body::from(events.concat()))
        .unwrap()
}

fn completion(model: &str, content: &str) -> Response {
    axum::Json(json!({"id": "chatcmpl-p", "object": "chat.completion", "created": 1_700_000_000, "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "logprobs": null, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 8, "total_tokens": 20}}))
    .into_response()
}

/// One upstream for every plugin's model; what it answers shows what the gateway sent.
async fn chat(axum::Json(body): axum::Json<Value>) -> Response {
    let model = body["model"].as_str().unwrap_or_default().to_owned();
    let streamed = body["stream"] == json!(true);
    let usage = body["stream_options"]["include_usage"] == json!(true);
    let texts: Vec<String> = body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|message| message["content"].as_str().map(str::to_owned))
        .collect();
    match model.as_str() {
        "think-model" if streamed => stream(&model, ["<th", "ink>weigh", "ing options</thi", "nk>\n\nThe ", "answer"]
            .map(|piece| json!({"content": piece})).to_vec(), "stop", usage),
        "think-model" => completion(&model, "<think>weighing options</think>\n\nThe answer"),
        "fake-model" if !streamed => (axum::http::StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": {"message": "this upstream only streams", "type": "invalid_request_error"}}))).into_response(),
        "fake-model" => stream(&model, vec![
            json!({"content": "Let me check."}),
            json!({"tool_calls": [{"index": 0, "id": "call_w", "type": "function", "function": {"name": "get_weather", "arguments": ""}}]}),
            json!({"tool_calls": [{"index": 0, "function": {"arguments": "{\"city\": "}}]}),
            json!({"tool_calls": [{"index": 0, "function": {"arguments": "\"Oslo\"}"}}]}),
        ], "tool_calls", usage),
        "search-model" => {
            let references = texts.iter().find(|text| text.starts_with("Web search results")).cloned();
            completion(&model, &references.unwrap_or_else(|| "no search".to_owned()))
        }
        "o3-mini" => completion(&model, &format!("max_completion_tokens={} max_tokens={}",
            body["max_completion_tokens"], body.get("max_tokens").is_some())),
        _ if streamed => stream(&model, vec![json!({"content": "hello "}), json!({"content": format!("from {model}")})], "stop", usage),
        _ => completion(&model, &format!("hello from {model} #{}", uuid::Uuid::new_v4().simple())),
    }
}

/// SearXNG's `/search?format=json`.
async fn searxng(Query(query): Query<std::collections::HashMap<String, String>>) -> Response {
    axum::Json(json!({"query": query.get("q"), "number_of_results": 2, "results": [
        {"url": "https://www.python.org/", "title": "Welcome to Python.org", "content": "The official home of Python.", "engine": "bing", "score": 2.0},
        {"url": "https://docs.python.org/3/", "title": "Python 3 documentation", "content": "Language reference.", "engine": "google", "score": 1.0}],
        "answers": [], "corrections": [], "infoboxes": [], "suggestions": [], "unresponsive_engines": []}))
    .into_response()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openai_sdk_works_through_every_plugin() {
    if !support::external_clients("Python and the SDKs of .ci/requirements.txt") {
        return;
    }
    let app = Router::new()
        .route("/v1/chat/completions", post(chat))
        .route("/search", get(searxng));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let (mut settings, data_dir) = TestHub::settings();
    let config = format!(
        r#"
groups: [{{id: acme}}]
tokens: [{{group: acme, name: sdk, key: {TOKEN}}}]
channels:
  - name: up
    type: openai
    base_url: "{upstream}/v1"
    key: sk-up
    models: [cache-model, think-model, fake-model, search-model, o3-mini, follow-model, timeout-model]
models:
  - {{model: cache-model, plugins: {{cache: {{ttl_seconds: 60}}}}}}
  - {{model: think-model, plugins: {{think_split: {{}}}}}}
  - {{model: fake-model, plugins: {{stream_fake: {{}}}}}}
  - model: search-model
    plugins:
      web_search: {{max_results: 2, engines: [{{type: searxng, base_url: "{upstream}"}}]}}
  - {{model: o3-mini, plugins: {{patch: {{}}}}}}
  - {{model: follow-model, plugins: {{cache_follow: {{}}}}}}
  - {{model: timeout-model, plugins: {{timeout: {{first_byte_ms: 30000, stream_idle_ms: 30000}}}}}}
"#
    );
    let path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&path, config).unwrap();
    settings.config_file_path = Some(path);
    let hub = TestHub::start_with(settings, data_dir).await;
    let base_url = hub.url("");
    let report = support::run_pytest(
        "hub/tests/python/test_plugins.py",
        &[("AIPROXY_BASE_URL", &base_url), ("AIPROXY_TOKEN", TOKEN)],
    )
    .await;
    assert!(!report.contains("skipped"), "{report}");
    hub.stop().await.unwrap();
}
