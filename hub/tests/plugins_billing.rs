//! What the relay's plugins did, persisted and billed through the whole server, on SQLite and
//! Postgres: web searches counted on the log row and charged at the model's
//! `web_search_price_per_call`, the query rewrite admitted and billed as the caller's own request,
//! cache hits marked and charged per the cache plugin's `billing`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use crate::support;

use std::time::Duration;

use axum::Router;
use axum::extract::Query;
use axum::routing::{get, post};
use hub::edges::grpc::pb;
use serde_json::{Value, json};
use support::{TestDatabase, TestHub, admin, control_channel};

const TOKEN: &str = "sk-plugins-billing-0001";

/// Rewrite prompts get a short query (10 + 2 tokens), everything else 12 + 8 tokens.
async fn chat(axum::Json(body): axum::Json<Value>) -> axum::Json<Value> {
    let rewrite = body["messages"][0]["content"]
        .as_str()
        .is_some_and(|text| text.starts_with("Rewrite the user's last message"));
    let (content, prompt, completion) = if rewrite {
        ("python documentation", 10, 2)
    } else {
        ("an answer", 12, 8)
    };
    axum::Json(
        json!({"id": "chatcmpl-b", "object": "chat.completion", "created": 1_700_000_000,
        "model": body["model"], "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
        "finish_reason": "stop"}], "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
        "total_tokens": prompt + completion}}),
    )
}

/// SearXNG's `/search?format=json`.
async fn searxng(
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> axum::Json<Value> {
    axum::Json(json!({"query": query.get("q"), "results": [
        {"url": "https://docs.python.org/3/", "title": "Python 3 documentation", "content": "Language reference."}]}))
}

async fn start_upstream() -> String {
    let app = Router::new()
        .route("/v1/chat/completions", post(chat))
        .route("/search", get(searxng))
        .route("/second/search", get(searxng));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let upstream = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    upstream
}

/// Prices per single token (`unit: 1`) so the expected costs read plainly; the balance covers
/// the reservations (4096 output tokens assumed for a request without `max_tokens`).
fn config(upstream: &str) -> String {
    format!(
        r#"
groups: [{{id: acme, balance: 100000}}]
tokens: [{{group: acme, name: billing, key: {TOKEN}}}]
channels:
  - name: up
    type: openai
    base_url: "{upstream}/v1"
    key: sk-up
    models: [search-model, rewriter, cache-model]
models:
  - model: search-model
    price: {{input_price: 1, output_price: 1, web_search_price_per_call: "0.25", unit: 1}}
    plugins:
      web_search:
        rewrite: {{model: rewriter}}
        engines: [{{type: searxng, base_url: "{upstream}"}}, {{type: searxng, base_url: "{upstream}/second"}}]
  - model: rewriter
    price: {{input_price: 1, output_price: 1, unit: 1}}
  - model: cache-model
    price: {{input_price: 1, cached_input_price: "0.5", output_price: 1, unit: 1}}
    plugins: {{cache: {{ttl_seconds: 60, billing: cached}}}}
"#
    )
}

async fn ask(hub: &TestHub, body: Value) -> reqwest::Response {
    let response = reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response
}

/// The log rows once `count` of them are written.
async fn logs(hub: &TestHub, count: usize) -> Vec<pb::RequestLog> {
    let mut client = pb::log_service_client::LogServiceClient::new(control_channel(hub).await);
    let mut rows = Vec::new();
    for _ in 0..400 {
        rows = client
            .list_logs(admin(pb::ListLogsRequest::default()))
            .await
            .unwrap()
            .into_inner()
            .logs;
        if rows.len() >= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(rows.len(), count, "{rows:?}");
    rows
}

async fn check_searches_and_cache_hits_are_persisted_and_billed(sql_dsn: Option<String>) {
    let upstream = start_upstream().await;
    let (mut settings, data_dir) = TestHub::settings();
    let path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&path, config(&upstream)).unwrap();
    settings.config_file_path = Some(path);
    settings.sql_dsn = sql_dsn;
    let hub = TestHub::start_with(settings, data_dir).await;

    ask(
        &hub,
        json!({"model": "search-model", "web_search_options": {},
               "messages": [{"role": "user", "content": "where is the python reference?"}]}),
    )
    .await;
    let cached = json!({"model": "cache-model", "messages": [{"role": "user", "content": "hi"}]});
    let miss = ask(&hub, cached.clone()).await;
    assert_eq!(miss.headers()["x-aiproxy-cache"], "miss");
    let hit = ask(&hub, cached).await;
    assert_eq!(hit.headers()["x-aiproxy-cache"], "hit");

    let rows = logs(&hub, 4).await;
    let row = |model: &str, cache_hit: bool| {
        rows.iter()
            .find(|row| row.requested_model == model && row.cache_hit == cache_hit)
            .unwrap_or_else(|| panic!("no {model} row with cache_hit {cache_hit}: {rows:?}"))
    };
    let searched = row("search-model", false);
    assert_eq!(searched.web_search_calls, 2, "one search per engine");
    // 12 + 8 tokens at 1, two searches at 0.25.
    assert_eq!(searched.cost, "20.5");
    let rewrite = row("rewriter", false);
    assert_eq!(
        (
            rewrite.status_code,
            rewrite.group_id.as_str(),
            rewrite.cost.as_str()
        ),
        (200, "acme", "12"),
        "the rewrite is admitted and billed as the caller's request"
    );
    assert_eq!(rewrite.web_search_calls, 0);
    assert_eq!(row("cache-model", false).cost, "20");
    let hit = row("cache-model", true);
    // `billing: cached`: the 12 prompt tokens at the cached price 0.5, the 8 completion at 1.
    assert_eq!((hit.cost.as_str(), hit.input_tokens), ("14", 12));

    let group = pb::group_service_client::GroupServiceClient::new(control_channel(&hub).await)
        .get_group(admin(pb::GetGroupRequest { id: "acme".into() }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(group.balance, "99933.5", "100000 - 20.5 - 12 - 20 - 14");
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searches_and_cache_hits_are_persisted_and_billed_on_sqlite() {
    check_searches_and_cache_hits_are_persisted_and_billed(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searches_and_cache_hits_are_persisted_and_billed_on_postgres() {
    let database = TestDatabase::create().await;
    check_searches_and_cache_hits_are_persisted_and_billed(Some(database.url())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_query_rewrite_counts_against_the_callers_limits() {
    let upstream = start_upstream().await;
    let (mut settings, data_dir) = TestHub::settings();
    let path = data_dir.path().join("aiproxy.yaml");
    // One rewrite a minute for the group: the second search's rewrite is refused.
    let text =
        config(&upstream).replace("  - model: rewriter\n", "  - model: rewriter\n    rpm: 1\n");
    std::fs::write(&path, text).unwrap();
    settings.config_file_path = Some(path);
    let hub = TestHub::start_with(settings, data_dir).await;
    let search = json!({"model": "search-model", "web_search_options": {},
        "messages": [{"role": "user", "content": "where is the python reference?"}]});
    for _ in 0..2 {
        ask(&hub, search.clone()).await;
    }
    let rows = logs(&hub, 4).await;
    let mut rewrites: Vec<i64> = rows
        .iter()
        .filter(|row| row.requested_model == "rewriter")
        .map(|row| row.status_code)
        .collect();
    rewrites.sort();
    assert_eq!(
        rewrites,
        [200, 429],
        "the second rewrite was refused: {rows:?}"
    );
    // Refused rewrite or not, both requests searched (the second with the message itself).
    assert!(
        rows.iter()
            .filter(|row| row.requested_model == "search-model")
            .all(|row| row.status_code == 200 && row.web_search_calls == 2),
        "{rows:?}"
    );
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searches_are_reserved_before_they_run() {
    let upstream = start_upstream().await;
    let (mut settings, data_dir) = TestHub::settings();
    let path = data_dir.path().join("aiproxy.yaml");
    // Searches at 1000 each: two engines cost 2000, more than the balance, while the tokens of
    // the same request (a few dozen at 1 each) fit easily.
    let text = config(&upstream)
        .replace("balance: 100000", "balance: 1500")
        .replace(
            r#"web_search_price_per_call: "0.25""#,
            r#"web_search_price_per_call: "1000""#,
        );
    std::fs::write(&path, text).unwrap();
    settings.config_file_path = Some(path);
    let hub = TestHub::start_with(settings, data_dir).await;
    let question = json!([{"role": "user", "content": "where is the python reference?"}]);
    let refused = reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(TOKEN)
        .json(
            &json!({"model": "search-model", "max_tokens": 10, "web_search_options": {},
            "messages": question}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 402);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "insufficient_balance", "{body}");
    // Without a search the same request fits.
    ask(
        &hub,
        json!({"model": "search-model", "max_tokens": 10, "messages": question}),
    )
    .await;
    let rows = logs(&hub, 2).await;
    // The refusal came before any search or rewrite ran: nothing was searched or charged.
    assert!(
        rows.iter().all(|row| row.requested_model == "search-model"),
        "{rows:?}"
    );
    let statuses: Vec<(i64, i64)> = rows
        .iter()
        .map(|row| (row.status_code, row.web_search_calls))
        .collect();
    assert!(statuses.contains(&(402, 0)), "{rows:?}");
    assert!(statuses.contains(&(200, 0)), "{rows:?}");
    hub.stop().await.unwrap();
}
