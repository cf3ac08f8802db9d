//! The web search plugin through the relay, against local fake engines that answer in each engine's
//! real format (Google Custom Search JSON, Bing Web Search v7, arXiv Atom, SearXNG JSON) and a
//! mocked rewrite model.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "integration tests: a failed setup or assertion should abort loudly"
)]

use crate::common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use common::*;
use relay::convert::DROPPED_TOOLS_HEADER;
use relay::host::ChannelKind;
use relay::plugin::PluginSettings;
use serde_json::{Value, json};

const REWRITTEN: &str = "tokio async runtime";

/// Fake search engines; `seen` holds (engine, query) pairs.
struct Engines {
    addr: SocketAddr,
    seen: Queries,
}

type Queries = Arc<Mutex<Vec<(String, String)>>>;

async fn google(
    State(seen): State<Queries>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if query.get("key").map(String::as_str) != Some("google-key")
        || query.get("cx").map(String::as_str) != Some("cx-1")
    {
        return (
            StatusCode::FORBIDDEN,
            axum::Json(json!({"error": {"code": 403, "message": "bad key"}})),
        )
            .into_response();
    }
    seen.lock()
        .unwrap()
        .push(("google".into(), query["q"].clone()));
    axum::Json(json!({"kind": "customsearch#search", "searchInformation": {"totalResults": "2"}, "items": [
        {"kind": "customsearch#result", "title": "Tokio - An asynchronous Rust runtime", "link": "https://tokio.rs/",
         "displayLink": "tokio.rs", "snippet": "Tokio is an event-driven, non-blocking I/O platform."},
        {"kind": "customsearch#result", "title": "tokio - crates.io", "link": "https://crates.io/crates/tokio", "snippet": "A runtime for writing reliable asynchronous applications."}]}))
    .into_response()
}

async fn bing(
    State(seen): State<Queries>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if headers
        .get("ocp-apim-subscription-key")
        .and_then(|v| v.to_str().ok())
        != Some("bing-key")
    {
        return (StatusCode::UNAUTHORIZED, axum::Json(json!({"_type": "ErrorResponse", "errors": [{"code": "InvalidAuthorization", "message": "Authorization is required."}]}))).into_response();
    }
    seen.lock()
        .unwrap()
        .push(("bing".into(), query["q"].clone()));
    axum::Json(json!({"_type": "SearchResponse", "queryContext": {"originalQuery": query["q"]}, "webPages": {
        "webSearchUrl": "https://www.bing.com/search?q=tokio", "totalEstimatedMatches": 2, "value": [
        {"id": "https://api.bing.microsoft.com/api/v7/#WebPages.0", "name": "Tokio tutorial", "url": "https://tokio.rs/tokio/tutorial", "snippet": "Learn async Rust with Tokio."},
        {"id": "https://api.bing.microsoft.com/api/v7/#WebPages.1", "name": "Tokio - An asynchronous Rust runtime", "url": "https://tokio.rs/", "snippet": "Duplicate of Google's first hit."}]}}))
    .into_response()
}

async fn arxiv(
    State(seen): State<Queries>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    seen.lock()
        .unwrap()
        .push(("arxiv".into(), query["search_query"].clone()));
    let feed = r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <link href="http://arxiv.org/api/query" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query=all:tokio</title>
  <id>http://arxiv.org/api/abc</id>
  <updated>2026-11-26T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/abs/2401.01234v2</id>
    <updated>2024-01-05T00:00:00Z</updated>
    <published>2024-01-03T00:00:00Z</published>
    <title>Asynchronous Runtimes
      for Systems Languages</title>
    <summary>  We compare work-stealing schedulers.
    </summary>
    <author><name>A. Researcher</name></author>
    <link href="http://arxiv.org/abs/2401.01234v2" rel="alternate" type="text/html"/>
    <arxiv:primary_category term="cs.DC" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
</feed>"#;
    (
        [("content-type", "application/atom+xml; charset=utf-8")],
        feed,
    )
        .into_response()
}

async fn searxng(
    State(seen): State<Queries>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if query.get("format").map(String::as_str) != Some("json") {
        return (StatusCode::FORBIDDEN, "format not allowed").into_response();
    }
    seen.lock()
        .unwrap()
        .push(("searxng".into(), query["q"].clone()));
    axum::Json(json!({"query": query["q"], "number_of_results": 1, "results": [
        {"url": "https://docs.rs/tokio", "title": "tokio - Rust", "content": "API documentation.", "engine": "duckduckgo",
         "parsed_url": ["https", "docs.rs", "/tokio", "", "", ""], "engines": ["duckduckgo"], "positions": [1], "score": 1.0, "category": "general"}],
        "answers": [], "corrections": [], "infoboxes": [], "suggestions": [], "unresponsive_engines": []}))
    .into_response()
}

impl Engines {
    async fn start() -> Engines {
        let seen: Queries = Arc::default();
        let app = Router::new()
            .route("/customsearch/v1", get(google))
            .route("/v7.0/search", get(bing))
            .route("/api/query", get(arxiv))
            .route("/search", get(searxng))
            .with_state(seen.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Engines { addr, seen }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn all(&self, bing_key: &str) -> Value {
        let url = self.url();
        json!([
            {"type": "google", "api_key": "google-key", "cx": "cx-1", "base_url": url},
            {"type": "bing", "api_key": bing_key, "base_url": url},
            {"type": "arxiv", "base_url": url},
            {"type": "searxng", "base_url": url},
        ])
    }
}

/// An upstream that answers rewrite prompts with the rewritten query and anything else with
/// a fixed answer.
async fn upstream() -> Arc<Mock> {
    Mock::start(|seen| {
        let body = seen.json();
        let is_rewrite = body["messages"][0]["content"]
            .as_str()
            .is_some_and(|text| text.starts_with("Rewrite the user's last message"));
        let answer = if is_rewrite {
            REWRITTEN
        } else {
            "Tokio is a runtime [1]."
        };
        if body["stream"] == json!(true) {
            sse_like_openai(seen, &[answer])
        } else {
            Reply::json(chat_completion(&body["model"], answer, true))
        }
    })
    .await
}

async fn harness(mock: &Mock, plugins: Option<Value>) -> Harness {
    let mut main = route(vec![channel(1, &mock.url())]);
    main.settings.plugins = plugins.map(|config| Arc::new(PluginSettings::parse(&config).unwrap()));
    Harness::start(vec![
        ("gpt-4o-mini", main),
        ("rewriter", route(vec![channel(1, &mock.url())])),
    ])
    .await
}

fn question(options: bool) -> Value {
    let mut body = json!({"model": "gpt-4o-mini", "messages": [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "what is the best async runtime for rust these days?"}]});
    if options {
        body["web_search_options"] = json!({"search_context_size": "low"});
    }
    body
}

/// The upstream's view of the main (not rewrite) request.
fn main_request(mock: &Mock) -> Value {
    mock.seen
        .lock()
        .unwrap()
        .iter()
        .map(Seen::json)
        .rfind(|body| body["model"] == "gpt-4o-mini")
        .unwrap()
}

#[tokio::test]
async fn searches_every_engine_with_the_rewritten_query_and_injects_references() {
    let engines = Engines::start().await;
    let mock = upstream().await;
    let config = json!({"web_search": {"max_results": 4, "rewrite": {"model": "rewriter"}, "engines": engines.all("bing-key")}});
    let harness = harness(&mock, Some(config)).await;
    let (status, answer) = harness.chat(question(true)).await;
    assert_eq!(status, 200, "{answer}");
    let mut seen = engines.seen.lock().unwrap().clone();
    seen.sort();
    assert_eq!(
        seen,
        [
            ("arxiv".to_owned(), format!("all:{REWRITTEN}")),
            ("bing".to_owned(), REWRITTEN.to_owned()),
            ("google".to_owned(), REWRITTEN.to_owned()),
            ("searxng".to_owned(), REWRITTEN.to_owned()),
        ]
    );
    let sent = main_request(&mock);
    assert!(
        sent.get("web_search_options").is_none(),
        "the gateway answered the option"
    );
    let messages = sent["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3);
    assert_eq!(
        messages[1]["role"], "system",
        "results go just before the question"
    );
    assert_eq!(messages[2]["role"], "user");
    let injected = messages[1]["content"].as_str().unwrap();
    assert!(
        injected.starts_with(&format!("Web search results for \"{REWRITTEN}\"")),
        "{injected}"
    );
    // Interleaved by engine, the duplicate tokio.rs dropped, four kept.
    for expected in [
        "[1] Tokio - An asynchronous Rust runtime\nhttps://tokio.rs/\n",
        "[2] Tokio tutorial\nhttps://tokio.rs/tokio/tutorial\n",
        "[3] Asynchronous Runtimes for Systems Languages\nhttp://arxiv.org/abs/2401.01234v2\nWe compare work-stealing schedulers.",
        "[4] tokio - Rust\nhttps://docs.rs/tokio\nAPI documentation.",
    ] {
        assert!(
            injected.contains(expected),
            "missing {expected:?} in {injected}"
        );
    }
    assert!(!injected.contains("[5]"));
    let records = harness.sink.wait_for(2).await;
    let main = records
        .iter()
        .find(|record| record.requested_model.as_deref() == Some("gpt-4o-mini"))
        .unwrap();
    assert_eq!(main.web_search_calls, 4);
    let rewrite = records
        .iter()
        .find(|record| record.requested_model.as_deref() == Some("rewriter"))
        .unwrap();
    assert_eq!(
        (rewrite.status, rewrite.group_id.as_deref()),
        (200, Some("group-a")),
        "the rewrite is the group's own request"
    );
}

#[tokio::test]
async fn direct_rewrite_failing_engines_and_streaming() {
    let engines = Engines::start().await;
    let mock = upstream().await;
    // Bing's key is wrong: it fails, the others still count.
    let config = json!({"web_search": {"force": true,
        "rewrite": {"model": "rewriter", "base_url": format!("{}/v1", mock.url()), "api_key": "sk-rewrite"},
        "engines": engines.all("wrong-key")}});
    let harness = harness(&mock, Some(config)).await;
    let mut request = question(false);
    request["stream"] = json!(true);
    let response = harness.post_json("/v1/chat/completions", request).await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    assert_eq!(sse_data(&body).last().map(String::as_str), Some("[DONE]"));
    let rewrite = mock
        .seen
        .lock()
        .unwrap()
        .iter()
        .find(|seen| seen.json()["model"] == "rewriter")
        .cloned()
        .unwrap();
    assert_eq!(
        rewrite.headers["authorization"], "Bearer sk-rewrite",
        "a direct call with the configured key"
    );
    let injected = main_request(&mock)["messages"][1]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        injected.contains("[1] Tokio - An asynchronous Rust runtime")
            && !injected.contains("Tokio tutorial"),
        "{injected}"
    );
    let records = harness.sink.wait_for(1).await;
    assert_eq!(records[0].web_search_calls, 3);
    assert!(records[0].stream);
}

#[tokio::test]
async fn no_search_unless_asked_or_configured() {
    let engines = Engines::start().await;
    let mock = upstream().await;
    let config = json!({"web_search": {"engines": engines.all("bing-key")}});
    let on = harness(&mock, Some(config)).await;
    // Configured but not asked for: nothing happens.
    assert_eq!(on.chat(question(false)).await.0, 200);
    assert_eq!(main_request(&mock)["messages"].as_array().unwrap().len(), 2);
    // Asked for without a rewrite model: the message itself is the query.
    assert_eq!(on.chat(question(true)).await.0, 200);
    assert!(
        engines
            .seen
            .lock()
            .unwrap()
            .iter()
            .any(|(engine, query)| engine == "google" && query.starts_with("what is the best"))
    );
    assert_eq!(main_request(&mock)["messages"].as_array().unwrap().len(), 3);
    // Not configured: the option goes upstream untouched.
    let searches = engines.seen.lock().unwrap().len();
    let off = harness(&mock, None).await;
    assert_eq!(off.chat(question(true)).await.0, 200);
    assert_eq!(
        main_request(&mock)["web_search_options"],
        json!({"search_context_size": "low"})
    );
    assert_eq!(engines.seen.lock().unwrap().len(), searches);
    let records = off.sink.wait_for(1).await;
    assert_eq!(records[0].web_search_calls, 0);
}

#[tokio::test]
async fn the_search_tools_of_codex_claude_code_and_gemini_cli_are_answered_by_the_gateway() {
    let engines = Engines::start().await;
    let mock = upstream().await;
    let mut channel = channel(1, &mock.url());
    channel.kind = ChannelKind::CUSTOM;
    let mut main = route(vec![channel]);
    let config =
        json!({"web_search": {"engines": [{"type": "searxng", "base_url": engines.url()}]}});
    main.settings.plugins = Some(Arc::new(PluginSettings::parse(&config).unwrap()));
    let harness = Harness::start(vec![("gpt-4o-mini", main)]).await;
    let cases = [
        (
            "/v1/responses",
            json!({"model": "gpt-4o-mini", "input": "what is tokio?",
                "tools": [{"type": "web_search"}, {"type": "function", "name": "f", "parameters": {"type": "object"}}]}),
        ),
        (
            "/v1/messages",
            json!({"model": "gpt-4o-mini", "max_tokens": 100,
                "system": "You are an assistant for performing a web search tool use",
                "messages": [{"role": "user", "content": "Perform a web search for the query: what is tokio?"}],
                "tools": [{"type": "web_search_20250305", "name": "web_search", "max_uses": 8}]}),
        ),
        (
            "/v1beta/models/gpt-4o-mini:generateContent",
            json!({"contents": [{"role": "user", "parts": [{"text": "what is tokio?"}]}],
                "tools": [{"googleSearch": {}}]}),
        ),
    ];
    for (path, request) in cases {
        let response = harness.post_json(path, request).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            response.headers().get(DROPPED_TOOLS_HEADER).is_none(),
            "{path}: the gateway served the search tool"
        );
        let sent = main_request(&mock);
        let references: String = sent["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|message| message["role"] == "system")
            .map(|message| message["content"].to_string())
            .collect();
        assert!(references.contains("[1] tokio - Rust"), "{path}: {sent}");
        let tools = sent["tools"].as_array().map_or(0, Vec::len);
        assert_eq!(
            tools,
            usize::from(path == "/v1/responses"),
            "{path}: {sent}"
        );
    }
    assert_eq!(engines.seen.lock().unwrap().len(), 3);
    let records = harness.sink.wait_for(3).await;
    assert!(records.iter().all(|record| record.web_search_calls == 1));
}

#[tokio::test]
async fn an_oversized_engine_answer_is_not_read() {
    // A searxng answer with one good result padded past the engines' 4 MiB bound.
    let padding = "p".repeat(5 * 1024 * 1024);
    let app = Router::new().route(
        "/search",
        get(move || {
            let padding = padding.clone();
            async move {
                axum::Json(json!({"results": [{"url": "https://example.org/big",
                    "title": "Big answer", "content": "x"}], "padding": padding}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let mock = upstream().await;
    let config = json!({"web_search": {"engines": [
        {"type": "searxng", "base_url": format!("http://{addr}")}]}});
    let harness = harness(&mock, Some(config)).await;
    let (status, answer) = harness.chat(question(true)).await;
    assert_eq!(status, 200, "{answer}");
    let sent = main_request(&mock);
    assert!(
        !sent.to_string().contains("Big answer"),
        "the oversized answer was not used"
    );
}
