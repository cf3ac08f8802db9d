//! Every client protocol through the whole server to every channel protocol: the official openai
//! and anthropic Python SDKs and Gemini REST calls against mock Anthropic, Gemini and OpenAI
//! upstreams, then what each mock received (converted shape, the channel's own auth header, the
//! mapped model, pass-through bodies left as they were).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use serde_json::{Value, json};
use support::TestHub;
use support::mock_anthropic::MockAnthropic;
use support::mock_gemini::MockGemini;
use support::mock_openai_wire::MockOpenAiWire;
use support::recorded::SeenRequest;

const TOKEN: &str = "sk-proto-acme-0001";
const OTHER_TOKEN: &str = "sk-proto-globex-0002";
const ANTHROPIC_KEY: &str = "sk-ant-upstream-key";
const GEMINI_KEY: &str = "goog-upstream-key";
const OPENAI_KEY: &str = "sk-openai-upstream-key";

struct Setup {
    hub: TestHub,
    anthropic: MockAnthropic,
    gemini: MockGemini,
    openai: MockOpenAiWire,
}

/// One channel of each protocol, each mapping the public model name to an upstream one, a
/// second `openai` channel for Responses (native without being marked) and a `custom` one
/// on the same upstream (Responses converted to chat).
async fn setup() -> Setup {
    let anthropic = MockAnthropic::start().await;
    let gemini = MockGemini::start().await;
    let openai = MockOpenAiWire::start().await;
    let (mut settings, data_dir) = TestHub::settings();
    let config = format!(
        r#"
groups:
  - id: acme
  - id: globex
tokens:
  - group: acme
    name: ci
    key: {TOKEN}
  - group: globex
    name: other
    key: {OTHER_TOKEN}
channels:
  - name: claude
    type: anthropic
    base_url: {anthropic}
    key: {ANTHROPIC_KEY}
    models: [claude-gateway-test]
    model_mapping: {{claude-gateway-test: claude-gateway-test-20251101}}
  - name: gemini
    type: gemini
    base_url: {gemini}
    key: {GEMINI_KEY}
    models: [gemini-2.5-flash]
    model_mapping: {{gemini-2.5-flash: gemini-2.5-flash-001}}
  - name: openai
    type: openai
    base_url: {openai}
    key: {OPENAI_KEY}
    models: [gpt-4o-mini]
    model_mapping: {{gpt-4o-mini: gpt-4o-mini-2024-07-18}}
  - name: openai-responses
    type: openai
    base_url: {openai}
    key: {OPENAI_KEY}
    models: [gpt-5-mini]
  - name: compatible
    type: custom
    base_url: {openai}
    key: {OPENAI_KEY}
    models: [gpt-compatible]
    model_mapping: {{gpt-compatible: compatible-upstream-1}}
"#,
        anthropic = anthropic.base_url(),
        gemini = gemini.base_url(),
        openai = openai.base_url(),
    );
    let config_path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&config_path, config).unwrap();
    settings.config_file_path = Some(config_path);
    Setup {
        hub: TestHub::start_with(settings, data_dir).await,
        anthropic,
        gemini,
        openai,
    }
}

async fn run_python_suite(hub: &TestHub, file: &str) {
    let base_url = hub.url("");
    support::run_pytest(
        &format!("hub/tests/python/{file}"),
        &[
            ("AIPROXY_BASE_URL", &base_url),
            ("AIPROXY_TOKEN", TOKEN),
            ("AIPROXY_OTHER_TOKEN", OTHER_TOKEN),
        ],
    )
    .await;
}

/// Each request reached the Anthropic mock the way the real API wants it.
fn check_anthropic_requests(requests: &[SeenRequest]) {
    assert!(!requests.is_empty());
    for request in requests {
        assert_eq!(request.target, "/v1/messages");
        assert_eq!(request.header("x-api-key"), Some(ANTHROPIC_KEY));
        assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
        assert_eq!(request.header("authorization"), None, "no client key leaks");
        assert_eq!(request.body["model"], "claude-gateway-test-20251101");
    }
}

fn check_gemini_requests(requests: &[SeenRequest]) {
    assert!(!requests.is_empty());
    for request in requests {
        let stream = request.target.contains(":streamGenerateContent");
        let expected = if stream {
            "/v1beta/models/gemini-2.5-flash-001:streamGenerateContent?alt=sse"
        } else {
            "/v1beta/models/gemini-2.5-flash-001:generateContent"
        };
        assert_eq!(request.target, expected);
        assert_eq!(request.header("x-goog-api-key"), Some(GEMINI_KEY));
        assert_eq!(request.header("authorization"), None, "no client key leaks");
        assert!(request.body.get("model").is_none(), "{}", request.body);
    }
}

fn check_openai_requests(requests: &[SeenRequest]) {
    assert!(!requests.is_empty());
    let bearer = format!("Bearer {OPENAI_KEY}");
    for request in requests {
        assert_eq!(request.target, "/v1/chat/completions");
        assert_eq!(request.header("authorization"), Some(bearer.as_str()));
        assert_eq!(request.header("x-api-key"), None, "no client key leaks");
        assert_eq!(
            request.header("x-goog-api-key"),
            None,
            "no client key leaks"
        );
        assert_eq!(request.body["model"], "gpt-4o-mini-2024-07-18");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openai_sdk_reaches_anthropic_and_gemini_channels() {
    if !support::external_clients("Python and the SDKs of .ci/requirements.txt") {
        return;
    }
    let setup = setup().await;
    run_python_suite(&setup.hub, "test_protocols_openai_sdk.py").await;

    let anthropic = setup.anthropic.requests();
    check_anthropic_requests(&anthropic);
    // A chat system message becomes Anthropic's top-level system; chat's own stream options
    // never reach Anthropic (the mock refuses unknown fields).
    assert!(anthropic.iter().any(|r| r.body["system"] == "Be brief."));
    assert!(anthropic.iter().all(|r| r.body["max_tokens"].is_u64()));
    let thinking = anthropic
        .iter()
        .find(|r| r.body.get("thinking").is_some())
        .expect("reasoning_effort reached the anthropic channel");
    assert_eq!(
        thinking.body["thinking"],
        json!({"type": "enabled", "budget_tokens": 2048})
    );
    let tool_turn = anthropic
        .iter()
        .find(|r| r.body["messages"].as_array().unwrap().len() == 3)
        .expect("the tool-result conversation reached the anthropic channel");
    assert_eq!(
        tool_turn.body["messages"][1]["content"][0],
        json!({"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {"city": "Paris"}})
    );
    assert_eq!(
        tool_turn.body["messages"][2]["content"][0]["type"],
        "tool_result"
    );

    let gemini = setup.gemini.requests();
    check_gemini_requests(&gemini);
    assert!(
        gemini
            .iter()
            .any(|r| r.body["systemInstruction"]["parts"][0]["text"] == "Be brief.")
    );
    let thinking = gemini
        .iter()
        .find(|r| r.body["generationConfig"].get("thinkingConfig").is_some())
        .expect("reasoning_effort reached the gemini channel");
    assert_eq!(
        thinking.body["generationConfig"]["thinkingConfig"],
        json!({"thinkingBudget": 2048, "includeThoughts": true})
    );
    assert!(
        gemini
            .iter()
            .any(|r| r.body["tools"][0]["functionDeclarations"][0]["name"] == "get_weather")
    );
    // Nothing refused locally (audio) or over the limit reached Gemini.
    assert!(setup.openai.requests().is_empty());
    setup.hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_anthropic_sdk_passes_through_anthropic_channels_and_converts_for_openai_ones() {
    if !support::external_clients("Python and the SDKs of .ci/requirements.txt") {
        return;
    }
    let setup = setup().await;
    run_python_suite(&setup.hub, "test_protocols_anthropic_sdk.py").await;

    let anthropic = setup.anthropic.requests();
    check_anthropic_requests(&anthropic);
    // The client's beta names travel with the pass-through request that used them.
    assert!(anthropic.iter().any(|r| {
        r.header("anthropic-beta")
            .is_some_and(|betas| betas.contains("interleaved-thinking-2025-05-14"))
    }));
    assert!(
        anthropic
            .iter()
            .any(|r| r.body["metadata"]["user_id"] == "user-42")
    );

    let openai = setup.openai.requests();
    check_openai_requests(&openai);
    let first = &openai[0].body;
    assert!(
        openai
            .iter()
            .any(|r| r.body["messages"][0] == json!({"role": "system", "content": "Be brief."})),
        "{first}"
    );
    assert!(openai.iter().any(|r| r.body["user"] == "user-42"));
    assert!(
        openai
            .iter()
            .any(|r| r.body["stop"] == json!(["\n\nHuman:"]))
    );
    let streamed = openai
        .iter()
        .find(|r| r.body["stream"] == true)
        .expect("a streamed request reached the openai channel");
    assert_eq!(
        streamed.body["stream_options"],
        json!({"include_usage": true})
    );
    assert!(openai.iter().any(|r| {
        r.body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["role"] == "tool" && m["tool_call_id"] == "toolu_1")
    }));
    // count_tokens is answered by the gateway itself.
    assert!(setup.gemini.requests().is_empty());
    setup.hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gemini_rest_clients_reach_gemini_and_openai_channels() {
    if !support::external_clients("Python and the SDKs of .ci/requirements.txt") {
        return;
    }
    let setup = setup().await;
    run_python_suite(&setup.hub, "test_protocols_gemini_rest.py").await;

    check_gemini_requests(&setup.gemini.requests());
    let openai = setup.openai.requests();
    check_openai_requests(&openai);
    assert!(
        openai
            .iter()
            .any(|r| r.body["messages"][0] == json!({"role": "system", "content": "Be brief."}))
    );
    assert!(
        openai
            .iter()
            .any(|r| r.body["tools"][0]["function"]["name"] == "get_weather")
    );
    assert!(setup.anthropic.requests().is_empty());
    setup.hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stored_responses_are_reached_through_the_channel_that_created_them() {
    if !support::external_clients("Python and the SDKs of .ci/requirements.txt") {
        return;
    }
    let setup = setup().await;
    run_python_suite(&setup.hub, "test_protocols_responses.py").await;

    let requests = setup.openai.requests();
    let bearer = format!("Bearer {OPENAI_KEY}");
    assert!(
        requests
            .iter()
            .all(|r| r.header("authorization") == Some(bearer.as_str()))
    );
    let created: Vec<_> = requests.iter().filter(|r| r.method == "POST").collect();
    assert_eq!(created.len(), 2);
    for request in &created {
        assert_eq!(request.target, "/v1/responses", "not converted to chat");
        assert_eq!(request.body["model"], "gpt-5-mini");
    }
    let reads: Vec<&str> = requests
        .iter()
        .filter(|r| r.method != "POST")
        .map(|r| r.target.as_str())
        .collect();
    // Retrieve, list and delete the first, retrieve the streamed one. Lookups by the other
    // group, of the deleted id and of unknown ids never left the gateway.
    assert_eq!(reads.len(), 4, "{reads:?}");
    assert!(
        reads
            .iter()
            .any(|t| t.contains("/input_items?") && t.contains("limit=10"))
    );
    assert!(
        setup.openai.stored_ids().len() == 1,
        "the first response was deleted upstream"
    );
    setup.hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn previous_response_id_continues_on_openai_channels_and_is_refused_on_converted_ones() {
    if !support::external_clients("Python and the SDKs of .ci/requirements.txt") {
        return;
    }
    let setup = setup().await;
    run_python_suite(&setup.hub, "test_protocols_responses_chain.py").await;

    let requests = setup.openai.requests();
    let native: Vec<_> = requests
        .iter()
        .filter(|r| r.target == "/v1/responses")
        .collect();
    // The first turn, its continuation, the continuation of an unknown id, and the response
    // the custom channel was then asked to continue.
    assert_eq!(
        native.len(),
        4,
        "{:?}",
        requests.iter().map(|r| &r.target).collect::<Vec<_>>()
    );
    assert!(native.iter().all(|r| r.body["model"] == "gpt-5-mini"));
    let continued = native
        .iter()
        .filter_map(|r| r.body["previous_response_id"].as_str())
        .collect::<Vec<_>>();
    assert_eq!(continued.len(), 2);
    assert!(continued.contains(&"resp_never_created"));
    // The custom channel was asked only the plain turn, in chat form with its mapped model.
    let converted: Vec<_> = requests
        .iter()
        .filter(|r| r.target == "/v1/chat/completions")
        .collect();
    assert_eq!(converted.len(), 1);
    assert_eq!(converted[0].body["model"], "compatible-upstream-1");
    assert_eq!(converted[0].body["messages"][0]["content"], "hi");
    setup.hub.stop().await.unwrap();
}

async fn post(hub: &TestHub, path: &str, headers: &[(&str, &str)], body: &Value) -> (u16, Value) {
    let mut request = reqwest::Client::new().post(hub.url(path)).json(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn native_requests_pass_through_with_only_the_model_mapped() {
    let setup = setup().await;
    // Fields no converter knows (cache_control, top_k, a beta field) must arrive untouched.
    let messages = json!({"model": "claude-gateway-test", "max_tokens": 4096, "top_k": 5,
        "system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}],
        "thinking": {"type": "enabled", "budget_tokens": 1024},
        "context_management": {"edits": []},
        "messages": [{"role": "user", "content": [{"type": "text", "text": "hi",
            "cache_control": {"type": "ephemeral", "ttl": "1h"}}]}]});
    let (status, answer) = post(
        &setup.hub,
        "/v1/messages",
        &[("x-api-key", TOKEN), ("anthropic-version", "2023-06-01")],
        &messages,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["model"], "claude-gateway-test");
    assert_eq!(answer["usage"]["cache_creation_input_tokens"], 3);
    let mut expected = messages.clone();
    expected["model"] = json!("claude-gateway-test-20251101");
    assert_eq!(setup.anthropic.state.seen.last().body, expected);

    let contents = json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}],
        "safetySettings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"}],
        "generationConfig": {"candidateCount": 1, "seed": 7, "thinkingConfig": {"thinkingBudget": -1}},
        "cachedContent": "cachedContents/abc"});
    let (status, answer) = post(
        &setup.hub,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        &[("x-goog-api-key", TOKEN)],
        &contents,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["usageMetadata"]["cachedContentTokenCount"], 8);
    assert_eq!(setup.gemini.state.seen.last().body, contents);
    setup.hub.stop().await.unwrap();
}

#[tokio::test]
async fn upstream_failures_reach_each_face_in_its_own_shape() {
    let setup = setup().await;
    *setup.anthropic.state.fail_with.lock().unwrap() = Some(529);
    *setup.gemini.state.fail_with.lock().unwrap() = Some(429);
    let (status, body) = post(
        &setup.hub,
        "/v1/messages",
        &[("x-api-key", TOKEN), ("anthropic-version", "2023-06-01")],
        &json!({"model": "claude-gateway-test", "max_tokens": 16,
            "messages": [{"role": "user", "content": "hi"}]}),
    )
    .await;
    assert!(status >= 500, "{status} {body}");
    assert_eq!(body["type"], "error", "{body}");
    assert!(body["error"]["type"].is_string(), "{body}");
    assert!(!body.to_string().contains(ANTHROPIC_KEY));

    let (status, body) = post(
        &setup.hub,
        "/v1/chat/completions",
        &[("authorization", &format!("Bearer {TOKEN}"))],
        &json!({"model": "gemini-2.5-flash", "messages": [{"role": "user", "content": "hi"}]}),
    )
    .await;
    assert_eq!(status, 429, "{body}");
    assert!(body["error"]["message"].is_string(), "{body}");

    let (status, body) = post(
        &setup.hub,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        &[("x-goog-api-key", TOKEN)],
        &json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}),
    )
    .await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["status"], "RESOURCE_EXHAUSTED", "{body}");
    assert_eq!(body["error"]["code"], 429, "{body}");
    setup.hub.stop().await.unwrap();
}
