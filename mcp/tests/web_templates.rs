//! The templates on vendors' REST APIs (`web-search`, `tavily`, `firecrawl`, `jina-reader`,
//! `notion`, `flomo`) called through the MCP service against a mock of each vendor: the mock
//! checks what the template sent (method, path, query, key header, body) and answers in the
//! vendor's own shape; vendor errors come back as tool errors with the vendor's message and
//! never the key.

use crate::common;

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use common::{caller, embedded, server};
use mcp::{McpConfig, Scope};
use serde_json::{Value, json};

/// One request the mock vendor received.
#[derive(Debug, Clone)]
struct Received {
    method: Method,
    /// Path and query, as sent.
    target: String,
    headers: HeaderMap,
    body: Value,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
    }
}

/// One answer of a mock vendor: status, content type and body.
type Answer = (StatusCode, &'static str, String);

/// A vendor that records every request and answers them with its answers in turn, the last
/// one again once they are used up.
#[derive(Clone)]
struct MockVendor {
    received: Arc<Mutex<Vec<Received>>>,
    answers: Arc<Vec<Answer>>,
}

async fn answer(
    State(mock): State<MockVendor>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let mut received = mock.received.lock().unwrap();
    let (status, content_type, answer) =
        mock.answers[received.len().min(mock.answers.len() - 1)].clone();
    received.push(Received {
        method,
        target: uri
            .path_and_query()
            .map(|target| target.as_str().to_owned())
            .unwrap_or_default(),
        headers,
        body,
    });
    (status, [("content-type", content_type)], answer).into_response()
}

/// A mock vendor on a loopback port answering `status` with `answer`; its base URL.
async fn vendor(status: u16, answer_body: Value) -> (String, MockVendor) {
    vendor_answering(&[(status, answer_body)]).await
}

/// A mock vendor on a loopback port giving the JSON `answers` in turn; its base URL.
async fn vendor_answering(answers: &[(u16, Value)]) -> (String, MockVendor) {
    let answers = answers
        .iter()
        .map(|(status, body)| {
            (
                StatusCode::from_u16(*status).unwrap(),
                "application/json",
                body.to_string(),
            )
        })
        .collect();
    serve_vendor(answers).await
}

/// A mock vendor on a loopback port answering `status` with `body` of `content_type` (a
/// vendor that does not answer JSON); its base URL.
async fn vendor_text(status: u16, content_type: &'static str, body: &str) -> (String, MockVendor) {
    let answer = (
        StatusCode::from_u16(status).unwrap(),
        content_type,
        body.to_owned(),
    );
    serve_vendor(vec![answer]).await
}

async fn serve_vendor(answers: Vec<Answer>) -> (String, MockVendor) {
    let mock = MockVendor {
        received: Arc::default(),
        answers: Arc::new(answers),
    };
    let app = axum::Router::new()
        .fallback(answer)
        .with_state(mock.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{address}"), mock)
}

impl MockVendor {
    fn only_request(&self) -> Received {
        let received = self.received.lock().unwrap();
        assert_eq!(received.len(), 1, "{received:?}");
        received[0].clone()
    }
}

/// Calls `tool` on an embedded `template` server with `params`, through the MCP service
/// (stateless 2026-07-28 request); the JSON-RPC `result`.
async fn call(template: &str, params: &[(&str, &str)], tool: &str, arguments: Value) -> Value {
    let (result, _) = call_with_progress(template, params, tool, arguments, None).await;
    result
}

/// [`call`], with `progress_token` in the request's `_meta` when given; the `result` and the
/// progress notifications that came before it (an SSE reply's events).
async fn call_with_progress(
    template: &str,
    params: &[(&str, &str)],
    tool: &str,
    arguments: Value,
    progress_token: Option<&str>,
) -> (Value, Vec<Value>) {
    let directory = common::FakeDirectory {
        tokens: [("tok".to_owned(), caller("g", 1, None))].into(),
        servers: vec![server("vendor", Scope::Public, embedded(template, params))],
    };
    let running = common::serve(directory, McpConfig::default()).await;
    let body = json!({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {
            "name": tool,
            "arguments": arguments,
            "_meta": {
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
                "io.modelcontextprotocol/clientCapabilities": {}
            }
        }
    });
    let mut body = body;
    if let Some(token) = progress_token {
        body["params"]["_meta"]["progressToken"] = json!(token);
    }
    let text = reqwest::Client::new()
        .post(running.url("/public/vendor"))
        .bearer_auth("tok")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", "tools/call")
        .header("mcp-name", tool)
        .json(&body)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // A plain JSON reply, or an SSE one whose `data:` lines are the messages.
    let messages: Vec<Value> = match serde_json::from_str(&text) {
        Ok(message) => vec![message],
        Err(_) => text
            .lines()
            .filter_map(|line| line.strip_prefix("data:"))
            .filter_map(|data| serde_json::from_str(data.trim()).ok())
            .collect(),
    };
    let progress = messages
        .iter()
        .filter(|message| message["method"] == "notifications/progress")
        .cloned()
        .collect();
    let result = messages
        .iter()
        .find_map(|message| message.get("result").cloned())
        .unwrap_or_else(|| panic!("no result: {text}"));
    (result, progress)
}

fn text_of(result: &Value) -> String {
    result["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn is_error(result: &Value) -> bool {
    result["isError"].as_bool().unwrap_or(false)
}

/// A vendor's refusal is a tool error that says the status and the vendor's message, with the
/// key cut out where the vendor echoed it.
fn assert_vendor_error(result: &Value, status: &str, message: &str, key: &str) {
    assert!(is_error(result), "{result}");
    let text = text_of(result);
    assert!(text.contains(status), "{text}");
    assert!(text.contains(message), "{text}");
    assert!(!text.contains(key), "the key leaked: {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tavily_search_posts_the_arguments_with_the_groups_key() {
    let (base_url, mock) = vendor(
        200,
        json!({
            "query": "rust async", "follow_up_questions": null, "answer": null, "images": [],
            "results": [{"title": "Tokio", "url": "https://tokio.rs", "content": "An async runtime",
                         "score": 0.93, "raw_content": null}],
            "response_time": 1.2
        }),
    )
    .await;
    let params = [("api_key", "tvly-secret"), ("base_url", base_url.as_str())];
    let result = call(
        "tavily",
        &params,
        "tavily-search",
        json!({"query": "rust async", "max_results": 5, "topic": "general"}),
    )
    .await;
    assert!(!is_error(&result), "{result}");
    assert_eq!(
        result["structuredContent"]["results"][0]["url"],
        "https://tokio.rs"
    );
    let request = mock.only_request();
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.target, "/search");
    assert_eq!(request.header("authorization"), "Bearer tvly-secret");
    assert_eq!(
        request.body,
        json!({"query": "rust async", "max_results": 5, "topic": "general"})
    );

    let (base_url, _) = vendor(
        401,
        json!({"detail": {"error": "Unauthorized: missing or invalid API key tvly-secret."}}),
    )
    .await;
    let params = [("api_key", "tvly-secret"), ("base_url", base_url.as_str())];
    let result = call(
        "tavily",
        &params,
        "tavily-extract",
        json!({"urls": ["https://tokio.rs"]}),
    )
    .await;
    assert_vendor_error(&result, "401", "missing or invalid API key", "tvly-secret");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firecrawl_scrapes_and_reads_a_crawl_job_by_id() {
    let (base_url, mock) = vendor(
        200,
        json!({"success": true, "data": {"markdown": "# Example", "metadata": {"title": "Example", "statusCode": 200}}}),
    )
    .await;
    let params = [("api_key", "fc-secret"), ("base_url", base_url.as_str())];
    let result = call(
        "firecrawl",
        &params,
        "firecrawl_scrape",
        json!({"url": "https://example.com", "formats": ["markdown"], "onlyMainContent": true}),
    )
    .await;
    assert!(!is_error(&result), "{result}");
    assert_eq!(result["structuredContent"]["data"]["markdown"], "# Example");
    let request = mock.only_request();
    assert_eq!(
        (request.method.clone(), request.target.as_str()),
        (Method::POST, "/v1/scrape")
    );
    assert_eq!(request.header("authorization"), "Bearer fc-secret");
    assert_eq!(
        request.body,
        json!({"url": "https://example.com", "formats": ["markdown"], "onlyMainContent": true})
    );

    let (base_url, mock) = vendor(
        200,
        json!({"status": "completed", "total": 1, "completed": 1, "creditsUsed": 1, "data": []}),
    )
    .await;
    let params = [("api_key", "fc-secret"), ("base_url", base_url.as_str())];
    let result = call(
        "firecrawl",
        &params,
        "firecrawl_check_crawl_status",
        json!({"id": "job 42"}),
    )
    .await;
    assert_eq!(
        result["structuredContent"]["status"], "completed",
        "{result}"
    );
    let request = mock.only_request();
    assert_eq!(
        (request.method.clone(), request.target.as_str()),
        (Method::GET, "/v1/crawl/job%2042")
    );

    let (base_url, _) = vendor(
        402,
        json!({"success": false, "error": "Payment required to access this resource."}),
    )
    .await;
    let params = [("api_key", "fc-secret"), ("base_url", base_url.as_str())];
    let result = call(
        "firecrawl",
        &params,
        "firecrawl_map",
        json!({"url": "https://example.com"}),
    )
    .await;
    assert_vendor_error(&result, "402", "Payment required", "fc-secret");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firecrawl_waits_for_its_research_and_llmstxt_jobs_with_progress_and_a_timeout() {
    let processing = json!({"success": true, "status": "processing", "data": {
        "activities": [{"type": "search", "status": "complete", "message": "Searching electric cars",
                        "depth": 1}]}});
    let (base_url, mock) = vendor_answering(&[
        (200, json!({"success": true, "id": "job-1"})),
        (200, processing.clone()),
        (
            200,
            json!({"success": true, "status": "completed", "data": {
            "finalAnalysis": "EVs emit less over their life.",
            "sources": [{"url": "https://example.com/ev", "title": "EV study"}]}}),
        ),
    ])
    .await;
    let params = [("api_key", "fc-secret"), ("base_url", base_url.as_str())];
    let (result, progress) = call_with_progress(
        "firecrawl",
        &params,
        "firecrawl_deep_research",
        json!({"query": "EV vs gas", "maxDepth": 2}),
        Some("p-1"),
    )
    .await;
    assert!(!is_error(&result), "{result}");
    let text = text_of(&result);
    assert!(text.starts_with("EVs emit less"), "{text}");
    assert!(
        text.contains("- EV study: https://example.com/ev"),
        "{text}"
    );
    let received = mock.received.lock().unwrap().clone();
    let targets: Vec<(Method, &str)> = received
        .iter()
        .map(|request| (request.method.clone(), request.target.as_str()))
        .collect();
    assert_eq!(
        targets,
        [
            (Method::POST, "/v1/deep-research"),
            (Method::GET, "/v1/deep-research/job-1"),
            (Method::GET, "/v1/deep-research/job-1"),
        ]
    );
    assert_eq!(
        received[0].body,
        json!({"query": "EV vs gas", "maxDepth": 2})
    );
    assert_eq!(received[1].header("authorization"), "Bearer fc-secret");
    // One progress notification per poll that found the job still running.
    assert_eq!(progress.len(), 1, "{progress:?}");
    assert_eq!(progress[0]["params"]["progressToken"], "p-1");
    assert_eq!(progress[0]["params"]["total"], 300.0);
    assert_eq!(progress[0]["params"]["message"], "Searching electric cars");

    let (base_url, mock) = vendor_answering(&[
        (200, json!({"success": true, "id": "txt-1"})),
        (
            200,
            json!({"success": true, "status": "completed", "data": {
            "llmstxt": "# example.com llms.txt", "llmsfulltxt": "# example.com llms-full.txt"}}),
        ),
    ])
    .await;
    let params = [("api_key", "fc-secret"), ("base_url", base_url.as_str())];
    let result = call(
        "firecrawl",
        &params,
        "firecrawl_generate_llmstxt",
        json!({"url": "https://example.com", "showFullText": true}),
    )
    .await;
    let text = text_of(&result);
    assert!(
        text.contains("# example.com llms.txt") && text.contains("# example.com llms-full.txt"),
        "{text}"
    );
    assert_eq!(mock.received.lock().unwrap()[1].target, "/v1/llmstxt/txt-1");

    // A job that never finishes is given up after the timeout, naming the job.
    let (base_url, _) = vendor_answering(&[
        (200, json!({"success": true, "id": "slow"})),
        (200, processing),
    ])
    .await;
    let params = [
        ("api_key", "fc-secret"),
        ("base_url", base_url.as_str()),
        ("job_timeout_seconds", "1"),
    ];
    let result = call(
        "firecrawl",
        &params,
        "firecrawl_generate_llmstxt",
        json!({"url": "https://example.com"}),
    )
    .await;
    assert!(is_error(&result), "{result}");
    assert!(
        text_of(&result).contains("job slow is still running after 1 s"),
        "{result}"
    );

    // A failed job and a refused start are tool errors without the key.
    let (base_url, _) = vendor_answering(&[
        (200, json!({"success": true, "id": "bad"})),
        (
            200,
            json!({"success": false, "status": "failed", "error": "Research failed"}),
        ),
    ])
    .await;
    let params = [("api_key", "fc-secret"), ("base_url", base_url.as_str())];
    let result = call(
        "firecrawl",
        &params,
        "firecrawl_deep_research",
        json!({"query": "x"}),
    )
    .await;
    assert!(
        is_error(&result) && text_of(&result).contains("Research failed"),
        "{result}"
    );
    let (base_url, _) = vendor(
        401,
        json!({"success": false, "error": "Unauthorized: fc-secret"}),
    )
    .await;
    let params = [("api_key", "fc-secret"), ("base_url", base_url.as_str())];
    let result = call(
        "firecrawl",
        &params,
        "firecrawl_deep_research",
        json!({"query": "x"}),
    )
    .await;
    assert_vendor_error(&result, "401", "Unauthorized", "fc-secret");
    let result = call("firecrawl", &params, "firecrawl_deep_research", json!({})).await;
    assert!(
        is_error(&result) && text_of(&result).contains("query is required"),
        "{result}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jina_reads_searches_and_checks_facts_on_their_hosts() {
    let (base_url, mock) = vendor(
        200,
        json!({"code": 200, "status": 20000, "data": {"title": "Example", "url": "https://example.com/", "content": "Example Domain", "usage": {"tokens": 12}}}),
    )
    .await;
    let params = [
        ("api_key", "jina_secret"),
        ("reader_base_url", base_url.as_str()),
        ("search_base_url", base_url.as_str()),
        ("grounding_base_url", base_url.as_str()),
    ];
    let result = call(
        "jina-reader",
        &params,
        "jina_reader",
        json!({"url": "https://example.com", "format": "Text", "withLinks": true}),
    )
    .await;
    assert_eq!(
        result["structuredContent"]["data"]["content"], "Example Domain",
        "{result}"
    );
    let request = mock.only_request();
    assert_eq!(
        (request.method.clone(), request.target.as_str()),
        (Method::POST, "/")
    );
    assert_eq!(request.header("authorization"), "Bearer jina_secret");
    assert_eq!(request.header("accept"), "application/json");
    assert_eq!(request.header("x-return-format"), "text");
    assert_eq!(request.header("x-with-links-summary"), "true");
    assert_eq!(request.header("x-with-images-summary"), "false");
    assert_eq!(request.body, json!({"url": "https://example.com"}));

    mock.received.lock().unwrap().clear();
    call(
        "jina-reader",
        &params,
        "jina_search",
        json!({"query": "rust & tokio", "count": 3}),
    )
    .await;
    let request = mock.only_request();
    assert_eq!(
        (request.method.clone(), request.target.as_str()),
        (Method::GET, "/?q=rust+%26+tokio&num=3")
    );
    assert_eq!(request.header("x-respond-with"), "no-content");

    mock.received.lock().unwrap().clear();
    call(
        "jina-reader",
        &params,
        "jina_fact_check",
        json!({"statement": "Rust 1.0 shipped in 2015"}),
    )
    .await;
    let request = mock.only_request();
    assert_eq!(
        request.body,
        json!({"statement": "Rust 1.0 shipped in 2015", "deepdive": false})
    );

    let (base_url, _) = vendor(
        401,
        json!({"data": null, "code": 401, "name": "AuthenticationRequiredError", "status": 40103,
               "message": "Authentication failed: invalid token jina_secret", "readableMessage": "AuthenticationRequiredError"}),
    )
    .await;
    let params = [
        ("api_key", "jina_secret"),
        ("search_base_url", base_url.as_str()),
    ];
    let result = call("jina-reader", &params, "jina_search", json!({"query": "q"})).await;
    assert_vendor_error(&result, "401", "Authentication failed", "jina_secret");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notion_puts_ids_in_the_path_and_sends_its_api_version() {
    let (base_url, mock) = vendor(
        200,
        json!({"object": "list", "results": [{"object": "block", "id": "c02fc1d3", "type": "paragraph"}],
               "next_cursor": null, "has_more": false, "type": "block", "block": {}}),
    )
    .await;
    let params = [("api_token", "ntn_secret"), ("base_url", base_url.as_str())];
    let result = call(
        "notion",
        &params,
        "notion_retrieve_block_children",
        json!({"block_id": "59833787-2cf9-4fdf-8782-e53db20768a5", "page_size": 10}),
    )
    .await;
    assert_eq!(
        result["structuredContent"]["results"][0]["id"], "c02fc1d3",
        "{result}"
    );
    let request = mock.only_request();
    assert_eq!(
        (request.method.clone(), request.target.as_str()),
        (
            Method::GET,
            "/v1/blocks/59833787-2cf9-4fdf-8782-e53db20768a5/children?page_size=10"
        )
    );
    assert_eq!(request.header("authorization"), "Bearer ntn_secret");
    assert_eq!(request.header("notion-version"), "2022-06-28");

    mock.received.lock().unwrap().clear();
    let children = json!([{"object": "block", "type": "paragraph",
        "paragraph": {"rich_text": [{"type": "text", "text": {"content": "hello"}}]}}]);
    call(
        "notion",
        &params,
        "notion_append_block_children",
        json!({"block_id": "b1", "children": children}),
    )
    .await;
    let request = mock.only_request();
    assert_eq!(
        (request.method.clone(), request.target.as_str()),
        (Method::PATCH, "/v1/blocks/b1/children")
    );
    assert_eq!(request.body, json!({"children": children}));

    let (base_url, _) = vendor(
        404,
        json!({"object": "error", "status": 404, "code": "object_not_found",
               "message": "Could not find block with ID: b2. Make sure the relevant pages and databases are shared with your integration."}),
    )
    .await;
    let params = [("api_token", "ntn_secret"), ("base_url", base_url.as_str())];
    let result = call(
        "notion",
        &params,
        "notion_retrieve_block",
        json!({"block_id": "b2"}),
    )
    .await;
    assert_vendor_error(
        &result,
        "404",
        "Could not find block with ID: b2",
        "ntn_secret",
    );
    let result = call("notion", &params, "notion_retrieve_page", json!({})).await;
    assert!(is_error(&result), "{result}");
    assert!(text_of(&result).contains("page_id is required"), "{result}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flomo_posts_the_note_to_the_groups_webhook() {
    let (base_url, mock) = vendor(
        200,
        json!({"code": 0, "message": "已记录", "memo": {"creator_id": 1, "source": "incoming_webhook",
               "content": "<p>hello #inbox</p>", "tags": ["inbox"], "slug": "MTIzNDU2"}}),
    )
    .await;
    let webhook = format!("{base_url}/iwh/NDI/6a1b2c3d4e/");
    let result = call(
        "flomo",
        &[("api_url", webhook.as_str())],
        "write_note",
        json!({"content": "hello #inbox"}),
    )
    .await;
    assert!(!is_error(&result), "{result}");
    assert_eq!(
        result["structuredContent"]["url"],
        "https://v.flomoapp.com/mine/?memo_id=MTIzNDU2"
    );
    let request = mock.only_request();
    assert_eq!(
        (request.method.clone(), request.target.as_str()),
        (Method::POST, "/iwh/NDI/6a1b2c3d4e/")
    );
    assert_eq!(request.body, json!({"content": "hello #inbox"}));

    // flomo says no with HTTP 200 and a non-zero code.
    let (base_url, _) = vendor(200, json!({"code": -1, "message": "api 已失效"})).await;
    let webhook = format!("{base_url}/iwh/NDI/6a1b2c3d4e/");
    let result = call(
        "flomo",
        &[("api_url", webhook.as_str())],
        "write_note",
        json!({"content": "x"}),
    )
    .await;
    assert!(is_error(&result), "{result}");
    assert!(text_of(&result).contains("api 已失效"), "{result}");
    assert!(!text_of(&result).contains("6a1b2c3d4e"), "{result}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_search_uses_the_named_or_default_engine() {
    let (tavily_url, tavily) = vendor(
        200,
        json!({"query": "q", "results": [{"title": "Tavily hit", "url": "https://a.example", "content": "from tavily", "score": 0.5}]}),
    )
    .await;
    let (google_url, google) = vendor(
        200,
        json!({"kind": "customsearch#search", "items": [{"kind": "customsearch#result", "title": "Google hit",
               "link": "https://b.example", "snippet": "from google"}]}),
    )
    .await;
    let (jina_url, jina) = vendor(
        200,
        json!({"code": 200, "status": 20000, "data": [{"title": "Jina hit", "url": "https://c.example", "description": "from jina"}]}),
    )
    .await;
    let params = [
        ("default_engine", "tavily"),
        ("tavily_api_key", "tvly-key"),
        ("tavily_base_url", tavily_url.as_str()),
        ("google_api_key", "g-key"),
        ("google_cx", "cx1"),
        ("google_base_url", google_url.as_str()),
        ("jina_api_key", "jina-key"),
        ("jina_base_url", jina_url.as_str()),
    ];

    let result = call("web-search", &params, "search", json!({"query": "rust"})).await;
    assert_eq!(result["structuredContent"]["engine"], "tavily", "{result}");
    assert_eq!(
        result["structuredContent"]["results"],
        json!([{"title": "Tavily hit", "url": "https://a.example", "snippet": "from tavily"}])
    );
    let request = tavily.only_request();
    assert_eq!(request.target, "/search");
    assert_eq!(request.header("authorization"), "Bearer tvly-key");
    assert_eq!(request.body, json!({"query": "rust", "max_results": 5}));

    let result = call(
        "web-search",
        &params,
        "search",
        json!({"query": "rust", "engine": "google", "max_results": 3}),
    )
    .await;
    assert_eq!(
        result["structuredContent"]["results"][0]["url"],
        "https://b.example"
    );
    let request = google.only_request();
    assert_eq!(
        request.target,
        "/customsearch/v1?key=g-key&cx=cx1&q=rust&num=3"
    );

    let result = call(
        "web-search",
        &params,
        "search",
        json!({"query": "rust", "engine": "jina"}),
    )
    .await;
    assert_eq!(
        result["structuredContent"]["results"][0]["snippet"],
        "from jina"
    );
    let request = jina.only_request();
    assert_eq!(request.target, "/?q=rust");
    assert_eq!(request.header("authorization"), "Bearer jina-key");

    let result = call(
        "web-search",
        &params,
        "search",
        json!({"query": "rust", "engine": "bing"}),
    )
    .await;
    assert!(is_error(&result), "{result}");
    assert!(
        text_of(&result).contains("bing is not configured"),
        "{result}"
    );

    // Google's own refusal, passed on without the key it was sent in the query string.
    let (google_url, _) = vendor(
        400,
        json!({"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT"}}),
    )
    .await;
    let params = [
        ("google_api_key", "g-key"),
        ("google_cx", "cx1"),
        ("google_base_url", google_url.as_str()),
    ];
    let result = call("web-search", &params, "search", json!({"query": "rust"})).await;
    assert_vendor_error(&result, "400", "API key not valid", "g-key");
}

/// An answer of the arXiv API (`export.arxiv.org/api/query`) as it comes: an Atom feed whose
/// own `title`, `id` and `link`s precede the entries, OpenSearch counts, titles and summaries
/// wrapped over lines, authors, arXiv's own elements and links to the abstract and the PDF.
const ARXIV_FEED: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?search_query%3Dall%3Amixture%20of%20experts%26id_list%3D%26start%3D0%26max_results%3D2" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query=all:mixture of experts&amp;id_list=&amp;start=0&amp;max_results=2</title>
  <id>http://arxiv.org/api/Jq3bW0QnGv1m1bX1Xq0gkq2Zz9Y</id>
  <updated>2026-12-07T00:00:00-05:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">4210</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">2</opensearch:itemsPerPage>
  <entry>
    <id>http://arxiv.org/abs/2401.04088v1</id>
    <updated>2024-01-08T18:47:34Z</updated>
    <published>2024-01-08T18:47:34Z</published>
    <title>Sparse Experts at
  Scale</title>
    <summary>  We study sparse mixtures of experts
whose routers pick two experts per token.
</summary>
    <author>
      <name>A. Author</name>
    </author>
    <arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">12 pages</arxiv:comment>
    <link href="http://arxiv.org/abs/2401.04088v1" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/2401.04088v1" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/hep-th/9901001v2</id>
    <updated>1999-01-05T10:00:00Z</updated>
    <published>1999-01-02T10:00:00Z</published>
    <title>An Older Identifier</title>
    <summary>Old-style identifiers are ids too.</summary>
    <author>
      <name>B. Author</name>
    </author>
    <link href="http://arxiv.org/abs/hep-th/9901001v2" rel="alternate" type="text/html"/>
    <category term="hep-th" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/2312.00001v1</id>
    <title>One More Than Asked For</title>
    <summary>The template keeps only the results asked for.</summary>
  </entry>
</feed>
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_search_reads_arxivs_atom_feed() {
    let (arxiv_url, arxiv) =
        vendor_text(200, "application/atom+xml; charset=utf-8", ARXIV_FEED).await;
    // Another engine configured, so arXiv is asked for by name, as a caller picks it.
    let params = [
        ("arxiv_base_url", arxiv_url.as_str()),
        ("jina_api_key", "jina-key"),
    ];
    let result = call(
        "web-search",
        &params,
        "search",
        json!({"query": "mixture of experts", "engine": "arxiv", "max_results": 2}),
    )
    .await;
    assert!(!is_error(&result), "{result}");
    assert_eq!(
        result["structuredContent"],
        json!({
            "engine": "arxiv",
            "query": "mixture of experts",
            "results": [
                {
                    "title": "Sparse Experts at Scale",
                    "url": "http://arxiv.org/abs/2401.04088v1",
                    "snippet": "We study sparse mixtures of experts whose routers pick two experts per token."
                },
                {
                    "title": "An Older Identifier",
                    "url": "http://arxiv.org/abs/hep-th/9901001v2",
                    "snippet": "Old-style identifiers are ids too."
                }
            ]
        })
    );
    let request = arxiv.only_request();
    assert_eq!(request.method, Method::GET);
    assert_eq!(
        request.target,
        "/api/query?search_query=all%3Amixture+of+experts&start=0&max_results=2"
    );
    assert_eq!(request.header("authorization"), "", "arXiv takes no key");

    // A feed that does not parse is the engine's error, not an empty success.
    let (arxiv_url, _) = vendor_text(200, "application/atom+xml", "<feed><entry>").await;
    let params = [("arxiv_base_url", arxiv_url.as_str())];
    let result = call("web-search", &params, "search", json!({"query": "q"})).await;
    assert!(is_error(&result), "{result}");
    assert!(
        text_of(&result).starts_with("arxiv answer is not XML"),
        "{result}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_search_reads_searxngs_json_format() {
    // `/search?format=json` as a SearXNG instance answers it: results with engine details,
    // answers, suggestions and the engines that did not answer.
    let (searxng_url, searxng) = vendor(
        200,
        json!({
            "query": "rust borrow checker",
            "number_of_results": 0,
            "results": [
                {
                    "url": "https://doc.rust-lang.org/book/ch04-02-references-and-borrowing.html",
                    "title": "References and Borrowing - The Rust Programming Language",
                    "content": "A reference is like a pointer in that it is an address.",
                    "engine": "duckduckgo",
                    "parsed_url": ["https", "doc.rust-lang.org", "/book/ch04-02-references-and-borrowing.html", "", "", ""],
                    "template": "default.html",
                    "engines": ["duckduckgo", "brave"],
                    "positions": [1, 2],
                    "score": 4.0,
                    "category": "general"
                },
                {
                    "url": "https://blog.example/borrowck",
                    "title": "Two-phase borrows",
                    "content": "How the borrow checker accepts vec.push(vec.len()).",
                    "engine": "brave",
                    "engines": ["brave"],
                    "positions": [2],
                    "score": 0.5,
                    "category": "general",
                    "publishedDate": "2026-11-30T00:00:00"
                },
                {
                    "url": "https://third.example",
                    "title": "Past the limit",
                    "content": "cut by max_results",
                    "engine": "brave"
                }
            ],
            "answers": [],
            "corrections": [],
            "infoboxes": [],
            "suggestions": ["rust borrow checker explained"],
            "unresponsive_engines": [["google", "timeout"]]
        }),
    )
    .await;
    let params = [
        ("default_engine", "searxng"),
        ("searxng_base_url", searxng_url.as_str()),
        ("searxng_api_key", "sx-token"),
    ];
    let result = call(
        "web-search",
        &params,
        "search",
        json!({"query": "rust borrow checker", "max_results": 2}),
    )
    .await;
    assert!(!is_error(&result), "{result}");
    assert_eq!(
        result["structuredContent"],
        json!({
            "engine": "searxng",
            "query": "rust borrow checker",
            "results": [
                {
                    "title": "References and Borrowing - The Rust Programming Language",
                    "url": "https://doc.rust-lang.org/book/ch04-02-references-and-borrowing.html",
                    "snippet": "A reference is like a pointer in that it is an address."
                },
                {
                    "title": "Two-phase borrows",
                    "url": "https://blog.example/borrowck",
                    "snippet": "How the borrow checker accepts vec.push(vec.len())."
                }
            ]
        })
    );
    let request = searxng.only_request();
    assert_eq!(request.method, Method::GET);
    assert_eq!(request.target, "/search?q=rust+borrow+checker&format=json");
    assert_eq!(request.header("authorization"), "Bearer sx-token");

    // An instance without the JSON format enabled answers 403 with an HTML page: the status
    // is said, the page is not passed on.
    let (searxng_url, _) = vendor_text(
        403,
        "text/html; charset=utf-8",
        "<!DOCTYPE html><html><body><h1>403 Forbidden</h1></body></html>",
    )
    .await;
    let params = [("searxng_base_url", searxng_url.as_str())];
    let result = call(
        "web-search",
        &params,
        "search",
        json!({"query": "q", "engine": "searxng"}),
    )
    .await;
    assert!(is_error(&result), "{result}");
    assert_eq!(
        text_of(&result),
        "searxng answered 403 Forbidden",
        "{result}"
    );
}

/// An answer past the size bound is a tool error, not memory spent on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vendor_answers_are_bounded() {
    let huge = "x".repeat(3 * 1024 * 1024);
    let (base_url, _) = vendor(200, json!({"results": [{"content": huge}]})).await;
    let params = [("api_key", "tvly-secret"), ("base_url", base_url.as_str())];
    let result = call("tavily", &params, "tavily-search", json!({"query": "q"})).await;
    assert!(is_error(&result), "{result}");
    assert!(text_of(&result).contains("larger than"), "{result}");
}
