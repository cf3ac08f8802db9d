//! Vendor quirks end to end: DeepSeek and StreamLake Messages endpoints, Cloudflare accounts, MiniMax group keys, Spark domains, Qianfan IAM keys.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use std::sync::{Arc, Mutex};

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::support::TestHub;
use crate::support::mock_anthropic::{self, MockAnthropic};
use crate::support::mock_openai_wire::{self, MockOpenAiWire};

const TOKEN: &str = "sk-vendor-acme-0001";
const DEEPSEEK_KEY: &str = "sk-deepseek-upstream";
const CLOUDFLARE_ACCOUNT: &str = "acct-4242";
const CLOUDFLARE_TOKEN: &str = "cf-upstream-token";

/// An Anthropic body with what a trip through chat would lose or reshape: cache control on the
/// system block, `top_k`, `metadata`.
fn anthropic_body(stream: bool) -> Value {
    json!({
        "model": "deepseek-chat",
        "max_tokens": 64,
        "stream": stream,
        "top_k": 5,
        "metadata": {"user_id": "u-1"},
        "system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}],
        "messages": [{"role": "user", "content": "Hello"}],
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anthropic_clients_reach_a_deepseek_channels_messages_endpoint_and_cloudflare_its_account()
{
    // DeepSeek serves OpenAI under `/v1` and Anthropic under `/anthropic` on the same host.
    let deepseek = MockAnthropic::start_under("/anthropic").await;
    let cloudflare =
        MockOpenAiWire::start_under(&format!("/client/v4/accounts/{CLOUDFLARE_ACCOUNT}/ai")).await;
    // A DeepSeek channel whose Anthropic endpoint is turned off: Anthropic clients are converted.
    let converted = MockOpenAiWire::start().await;
    let config = format!(
        r#"
groups: [{{id: acme}}]
tokens: [{{group: acme, name: ci, key: {TOKEN}}}]
channels:
  - name: deepseek
    type: deepseek
    base_url: http://{deepseek}/v1
    key: {DEEPSEEK_KEY}
    models: [deepseek-chat]
    model_mapping: {{deepseek-chat: deepseek-chat-upstream}}
  - name: deepseek-converted
    type: deepseek
    base_url: {converted}
    key: {DEEPSEEK_KEY}
    models: [deepseek-reasoner]
    config: {{anthropic_api: "false"}}
  - name: workers-ai
    type: cloudflare
    base_url: http://{cloudflare}
    key: "{CLOUDFLARE_ACCOUNT}|{CLOUDFLARE_TOKEN}"
    models: ["@cf/meta/llama-3.1-8b-instruct"]
models:
  - {{model: deepseek-chat, type: chat}}
  - {{model: deepseek-reasoner, type: chat}}
  - {{model: "@cf/meta/llama-3.1-8b-instruct", type: chat}}
"#,
        deepseek = deepseek.addr,
        cloudflare = cloudflare.addr,
        converted = converted.base_url(),
    );
    let hub = TestHub::start_with_config(&config).await;
    let http = reqwest::Client::new();

    let response = http
        .post(hub.url("/v1/messages"))
        .header("x-api-key", TOKEN)
        .header("anthropic-version", "2023-06-01")
        .header("anthropic-beta", "prompt-caching-2024-07-31")
        .json(&anthropic_body(false))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["type"], "message");
    assert_eq!(answer["model"], "deepseek-chat", "the public model name");
    assert!(
        answer["content"]
            .as_array()
            .unwrap()
            .iter()
            .any(|block| block["text"] == mock_anthropic::TEXT),
        "{answer}"
    );
    let seen = deepseek.requests();
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    assert_eq!(request.target, "/anthropic/v1/messages");
    assert_eq!(request.header("x-api-key"), Some(DEEPSEEK_KEY));
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(
        request.header("anthropic-beta"),
        Some("prompt-caching-2024-07-31")
    );
    // Unconverted: the client's body with only the model mapped.
    let mut expected = anthropic_body(false);
    expected["model"] = json!("deepseek-chat-upstream");
    assert_eq!(request.body, expected);

    let streamed = http
        .post(hub.url("/v1/messages"))
        .header("x-api-key", TOKEN)
        .header("anthropic-version", "2023-06-01")
        .json(&anthropic_body(true))
        .send()
        .await
        .unwrap();
    assert_eq!(streamed.status(), 200);
    let events = streamed.text().await.unwrap();
    assert!(events.contains("event: message_start"), "{events}");
    assert!(events.contains("event: message_stop"), "{events}");
    assert!(
        events.contains(&mock_anthropic::TEXT[..5]),
        "the mock's text arrives: {events}"
    );
    assert_eq!(deepseek.requests().len(), 2);
    assert_eq!(deepseek.requests()[1].body["stream"], true);

    let mut body = anthropic_body(false);
    body["model"] = json!("deepseek-reasoner");
    body.as_object_mut().unwrap().remove("top_k");
    let response = http
        .post(hub.url("/v1/messages"))
        .header("x-api-key", TOKEN)
        .header("anthropic-version", "2023-06-01")
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["type"], "message",
        "an Anthropic answer, converted back"
    );
    let seen = converted.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].target, "/v1/chat/completions");
    assert_eq!(seen[0].body["messages"][0]["role"], "system");
    assert_eq!(
        deepseek.requests().len(),
        2,
        "nothing more reached /anthropic"
    );

    let response = http
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(TOKEN)
        .json(&json!({"model": "@cf/meta/llama-3.1-8b-instruct",
            "messages": [{"role": "user", "content": "Hello"}]}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["choices"][0]["message"]["content"],
        mock_openai_wire::TEXT
    );
    let seen = cloudflare.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].target,
        format!("/client/v4/accounts/{CLOUDFLARE_ACCOUNT}/ai/v1/chat/completions")
    );
    assert_eq!(
        seen[0].header("authorization"),
        Some(format!("Bearer {CLOUDFLARE_TOKEN}").as_str()),
        "only the token part of the key is sent"
    );
}

const MINIMAX_KEY: &str = "mm-upstream-key";
const MINIMAX_GROUP: &str = "1900000001";
const SPARK_KEY: &str = "spark-key:spark-secret";
const QIANFAN_AK: &str = "ALTAKqianfanaccess";
const QIANFAN_SK: &str = "qianfan-secret-key";
const QIANFAN_TOKEN: &str = "bce-v3/ALTAK-exchanged/token";

fn hmac_hex(key: &[u8], data: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(data.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A mock of Baidu's IAM token endpoint: it recomputes the BCE v1 signature of the request it
/// received (its path, query and Host header, under the secret key it knows) and answers 201
/// with a token only when it matches, as IAM does; it records the signatures it accepted.
async fn mock_iam() -> (String, Arc<Mutex<Vec<String>>>) {
    let accepted = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&accepted);
    let handler = move |uri: axum::http::Uri, headers: axum::http::HeaderMap| {
        let seen = Arc::clone(&seen);
        async move {
            let header = |name: &str| {
                headers
                    .get(name)
                    .and_then(|value| value.to_str().ok())
                    .unwrap_or_default()
                    .to_owned()
            };
            let authorization = header("authorization");
            let parts: Vec<&str> = authorization.split('/').collect();
            let refused = (
                axum::http::StatusCode::UNAUTHORIZED,
                r#"{"code":"InvalidAccessKeyId","message":"signature does not match"}"#.to_owned(),
            );
            let [version, ak, timestamp, lifetime, signed_headers, signature] = parts[..] else {
                return refused;
            };
            let prefix = format!("{version}/{ak}/{timestamp}/{lifetime}");
            let canonical = format!(
                "GET\n{}\n{}\nhost:{}",
                uri.path(),
                uri.query().unwrap_or_default(),
                header("host")
            );
            let expected = hmac_hex(
                hmac_hex(QIANFAN_SK.as_bytes(), &prefix).as_bytes(),
                &canonical,
            );
            if version != "bce-auth-v1"
                || ak != QIANFAN_AK
                || signed_headers != "host"
                || signature != expected
                || uri.query() != Some("expireInSeconds=86400")
            {
                return refused;
            }
            seen.lock().unwrap().push(authorization.clone());
            (
                axum::http::StatusCode::CREATED,
                format!(
                    r#"{{"userId":"u-1","token":"{QIANFAN_TOKEN}","status":"enable","createTime":"2026-01-01T00:00:00Z","expireTime":"2999-01-01T00:00:00Z"}}"#
                ),
            )
        }
    };
    let app = axum::Router::new().route("/v1/BCE-BEARER/token", axum::routing::get(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/v1/BCE-BEARER/token",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, accepted)
}

async fn chat_answer(hub: &TestHub, model: &str) -> Value {
    let response = reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(TOKEN)
        .json(&json!({"model": model, "messages": [{"role": "user", "content": "Hello"}]}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{model}: {answer}");
    answer
}

async fn anthropic_answer(hub: &TestHub, model: &str) -> Value {
    let mut body = anthropic_body(false);
    body["model"] = json!(model);
    body.as_object_mut().unwrap().remove("top_k");
    let response = reqwest::Client::new()
        .post(hub.url("/v1/messages"))
        .header("x-api-key", TOKEN)
        .header("anthropic-version", "2023-06-01")
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let answer: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{model}: {answer}");
    assert_eq!(answer["type"], "message", "{answer}");
    answer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_key_formats_and_model_names_work_on_minimax_streamlake_spark_and_qianfan() {
    let openai = MockOpenAiWire::start().await;
    let minimax_anthropic = MockAnthropic::start_under("/anthropic").await;
    let kat =
        MockAnthropic::start_under("/api/gateway/v1/endpoints/KAT-Coder/claude-code-proxy").await;
    let qianfan = MockOpenAiWire::start_under("/qianfan").await;
    let (iam_url, iam_accepted) = mock_iam().await;
    let config = format!(
        r#"
groups: [{{id: acme}}]
tokens: [{{group: acme, name: ci, key: {TOKEN}}}]
channels:
  - name: minimax
    type: minimax
    base_url: {openai}
    key: "{MINIMAX_KEY}|{MINIMAX_GROUP}"
    models: [MiniMax-M1]
  - name: minimax-anthropic
    type: minimax
    base_url: http://{minimax_anthropic}/v1
    key: "{MINIMAX_KEY}|{MINIMAX_GROUP}"
    models: [MiniMax-M2]
  - name: kat
    type: streamlake
    base_url: http://{kat}/api/gateway/v1/endpoints
    key: sl-key
    models: [KAT-Coder]
  - name: streamlake-plain
    type: streamlake
    base_url: {openai}
    key: sl-key
    models: [ep-plain-1]
  - name: spark
    type: xunfei
    base_url: {openai}
    key: "{SPARK_KEY}"
    models: [SparkDesk-Max]
  - name: qianfan
    type: baiduv2
    base_url: http://{qianfan}/qianfan/v1
    key: "{QIANFAN_AK}|{QIANFAN_SK}"
    models: [ERNIE-4.0-8K]
    config: {{iam_url: "{iam_url}"}}
models:
  - {{model: MiniMax-M1, type: chat}}
  - {{model: MiniMax-M2, type: chat}}
  - {{model: KAT-Coder, type: chat}}
  - {{model: ep-plain-1, type: chat}}
  - {{model: SparkDesk-Max, type: chat}}
  - {{model: ERNIE-4.0-8K, type: chat}}
"#,
        openai = openai.base_url(),
        minimax_anthropic = minimax_anthropic.addr,
        kat = kat.addr,
        qianfan = qianfan.addr,
    );
    let hub = TestHub::start_with_config(&config).await;

    // MiniMax: only the API key of `api_key|group_id` authenticates, on both surfaces.
    let answer = chat_answer(&hub, "MiniMax-M1").await;
    assert_eq!(
        answer["choices"][0]["message"]["content"],
        mock_openai_wire::TEXT
    );
    let seen = openai.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].target, "/v1/chat/completions");
    assert_eq!(
        seen[0].header("authorization"),
        Some(format!("Bearer {MINIMAX_KEY}").as_str())
    );
    anthropic_answer(&hub, "MiniMax-M2").await;
    let seen = minimax_anthropic.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].target, "/anthropic/v1/messages");
    assert_eq!(seen[0].header("x-api-key"), Some(MINIMAX_KEY));
    assert_eq!(seen[0].header("authorization"), None);

    // StreamLake: KAT-Coder reaches the Claude Code proxy unconverted; another model's
    // Anthropic client is converted to chat.
    anthropic_answer(&hub, "KAT-Coder").await;
    let seen = kat.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].target,
        "/api/gateway/v1/endpoints/KAT-Coder/claude-code-proxy/v1/messages"
    );
    anthropic_answer(&hub, "ep-plain-1").await;
    let seen = openai.requests();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].target, "/v1/chat/completions");
    assert_eq!(seen[1].body["model"], "ep-plain-1");
    assert_eq!(kat.requests().len(), 1, "nothing more reached the proxy");

    // Spark: the catalogue name travels as its domain.
    let answer = chat_answer(&hub, "SparkDesk-Max").await;
    assert_eq!(
        answer["choices"][0]["message"]["content"],
        mock_openai_wire::TEXT
    );
    let seen = openai.requests();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[2].body["model"], "generalv3.5");
    assert_eq!(
        seen[2].header("authorization"),
        Some(format!("Bearer {SPARK_KEY}").as_str())
    );

    // Qianfan: `ak|sk` is exchanged once at IAM (signature checked there) and the token used.
    for _ in 0..2 {
        chat_answer(&hub, "ERNIE-4.0-8K").await;
    }
    let seen = qianfan.requests();
    assert_eq!(seen.len(), 2);
    for request in &seen {
        assert_eq!(request.target, "/qianfan/v1/chat/completions");
        assert_eq!(request.body["model"], "ernie-4.0-8k");
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {QIANFAN_TOKEN}").as_str())
        );
    }
    assert_eq!(
        iam_accepted.lock().unwrap().len(),
        1,
        "one exchange, the token cached"
    );
}

/// A mock TEI `/rerank`: checks TEI's body (`texts`, no `top_n`), scores every text with its
/// length, answers TEI's bare array (best first, texts when `return_text`) and records the
/// bodies.
async fn mock_tei() -> (String, Arc<Mutex<Vec<Value>>>) {
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&bodies);
    let handler = move |axum::Json(body): axum::Json<Value>| {
        let seen = Arc::clone(&seen);
        async move {
            seen.lock().unwrap().push(body.clone());
            let Some(texts) = body["texts"]
                .as_array()
                .filter(|_| body.get("top_n").is_none())
            else {
                return (
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    axum::Json(
                        json!({"error": "missing field `texts`", "error_type": "Validation"}),
                    ),
                );
            };
            let with_text = body["return_text"] == true;
            let mut ranks: Vec<Value> = texts
                .iter()
                .enumerate()
                .map(|(index, text)| {
                    let text = text.as_str().unwrap_or_default();
                    let mut rank = json!({"index": index, "score": text.len() as f64 / 100.0});
                    if with_text {
                        rank["text"] = json!(text);
                    }
                    rank
                })
                .collect();
            ranks.sort_by(|a, b| {
                b["score"]
                    .as_f64()
                    .unwrap()
                    .total_cmp(&a["score"].as_f64().unwrap())
            });
            (axum::http::StatusCode::OK, axum::Json(Value::Array(ranks)))
        }
    };
    let app = axum::Router::new().route("/rerank", axum::routing::post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, bodies)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tei_rerank_answer_is_cut_to_top_n_with_the_documents_asked_for() {
    let (base, bodies) = mock_tei().await;
    let config = format!(
        r#"
groups: [{{id: acme}}]
tokens: [{{group: acme, name: ci, key: {TOKEN}}}]
channels:
  - name: tei
    type: tei
    base_url: {base}
    key: ""
    models: [bge-reranker]
models:
  - {{model: bge-reranker, type: rerank}}
"#
    );
    let hub = TestHub::start_with_config(&config).await;
    let http = reqwest::Client::new();
    let rerank = |body: Value| {
        let request = http
            .post(hub.url("/v1/rerank"))
            .bearer_auth(TOKEN)
            .json(&body)
            .send();
        async move {
            let response = request.await.unwrap();
            let status = response.status();
            let answer: Value = response.json().await.unwrap();
            assert_eq!(status, 200, "{answer}");
            answer
        }
    };
    let documents = json!(["a", "a longer text", "mid text", {"text": "the longest text of all"}]);
    let answer = rerank(
        json!({"model": "bge-reranker", "query": "q", "documents": documents,
        "top_n": 2, "return_documents": true}),
    )
    .await;
    assert_eq!(
        answer["results"],
        json!([
            {"index": 3, "relevance_score": 0.23, "document": {"text": "the longest text of all"}},
            {"index": 1, "relevance_score": 0.13, "document": {"text": "a longer text"}},
        ])
    );
    let answer =
        rerank(json!({"model": "bge-reranker", "query": "q", "documents": documents})).await;
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), 4, "no top_n: every document");
    assert!(
        results
            .iter()
            .all(|result| result.get("document").is_none())
    );
    let bodies = bodies.lock().unwrap();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0]["return_text"], true);
    assert_eq!(bodies[0]["texts"][3], "the longest text of all");
}
