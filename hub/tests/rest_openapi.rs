//! The admin API's OpenAPI document (`/api/openapi.json`).
//!
//! It is OpenAPI 3.1 whose references resolve, every operation it lists answers in the envelope,
//! and `/swagger/` serves its page under a strict policy.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Value, json};

use crate::support::{ADMIN_KEY, TestHub};

async fn get_json(http: &reqwest::Client, url: &str) -> Value {
    let response = http.get(url).bearer_auth(ADMIN_KEY).send().await.unwrap();
    assert_eq!(response.status(), 200, "{url}");
    response.json().await.unwrap()
}

/// Every `$ref` in `value`, to check each resolves.
fn references(value: &Value, found: &mut BTreeSet<String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                found.insert(reference.clone());
            }
            object.values().for_each(|value| references(value, found));
        }
        Value::Array(items) => items.iter().for_each(|value| references(value, found)),
        _ => {}
    }
}

fn check_structure(document: &Value) {
    assert_eq!(document["openapi"], "3.1.0");
    assert!(document["info"]["title"].is_string());
    assert!(document["info"]["version"].is_string());
    let paths = document["paths"].as_object().expect("paths");
    assert!(paths.len() > 40, "{} paths", paths.len());
    let mut operation_ids = BTreeSet::new();
    for (path, item) in paths {
        assert!(path.starts_with("/api/"), "{path}");
        assert!(!path.contains('*'), "axum's wildcard leaked into {path}");
        let declared: BTreeSet<&str> = path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        for (method, operation) in item.as_object().unwrap() {
            assert!(
                ["get", "post", "put", "delete"].contains(&method.as_str()),
                "{method} {path}"
            );
            let id = operation["operationId"].as_str().unwrap().to_owned();
            assert!(operation_ids.insert(id.clone()), "duplicate {id}");
            assert!(operation["summary"].as_str().is_some_and(|s| !s.is_empty()));
            assert!(operation["responses"]["200"].is_object(), "{method} {path}");
            let parameters = operation["parameters"].as_array().unwrap();
            let in_path: BTreeSet<&str> = parameters
                .iter()
                .filter(|parameter| parameter["in"] == "path")
                .map(|parameter| parameter["name"].as_str().unwrap())
                .collect();
            assert_eq!(in_path, declared, "{method} {path}");
            for parameter in parameters {
                assert!(["path", "query"].contains(&parameter["in"].as_str().unwrap()));
                assert!(parameter["schema"].is_object() || parameter["schema"].is_boolean());
            }
        }
    }
    let schemas = document["components"]["schemas"].as_object().unwrap();
    let mut found = BTreeSet::new();
    references(document, &mut found);
    assert!(!found.is_empty());
    for reference in found {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("reference outside components: {reference}"));
        assert!(schemas.contains_key(name), "unresolved {reference}");
    }
}

/// The objects the walk's path parameters name, made first so reads find them.
struct Fixtures {
    channel_id: String,
    token_id: String,
    log_id: String,
    public_mcp: String,
    group_mcp: String,
}

const OPTION_KEY: &str = "LogDetailStorageHours";

async fn post_ok(http: &reqwest::Client, url: String, body: Value) -> Value {
    let response = http
        .post(&url)
        .bearer_auth(ADMIN_KEY)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let answer: Value = response.json().await.unwrap();
    assert!(status.is_success(), "{url}: {answer}");
    answer["data"].clone()
}

async fn fixtures(hub: &TestHub, http: &reqwest::Client) -> Fixtures {
    post_ok(http, hub.url("/api/group/docs"), json!({})).await;
    let channels = post_ok(
        http,
        hub.url("/api/channel/"),
        json!({"type": 1, "name": "walk", "key": "sk-walk", "base_url": "http://127.0.0.1:9",
               "models": ["gpt-4o"]}),
    )
    .await;
    let token = post_ok(http, hub.url("/api/token/docs"), json!({"name": "walk"})).await;
    post_ok(
        http,
        hub.url("/api/model_config/gpt-4o"),
        json!({"owner": "openai", "type": 1}),
    )
    .await;
    post_ok(
        http,
        hub.url("/api/option/"),
        json!({"key": OPTION_KEY, "value": "48"}),
    )
    .await;
    post_ok(
        http,
        hub.url("/api/group/docs/model_configs/"),
        json!([{"model": "gpt-4o", "override_limit": true, "rpm": 5, "tpm": 500}]),
    )
    .await;
    // An embedded server (it needs no network to list its tools) and a group's proxy.
    post_ok(
        http,
        hub.url("/api/mcp/public/"),
        json!({"id": "walk-time", "type": "mcp_embed", "template": "time"}),
    )
    .await;
    post_ok(
        http,
        hub.url("/api/mcp/group/docs"),
        json!({"id": "walk-group", "type": "mcp_proxy_streamable",
               "proxy_config": {"url": "http://127.0.0.1:9/mcp"}}),
    )
    .await;
    post_ok(
        http,
        hub.url("/api/mcp/public/walk-time/group/docs/params"),
        json!({"params": {}}),
    )
    .await;
    // One relayed request (its upstream refuses the connection) leaves a log to read back.
    let relayed = http
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(format!("sk-{}", token["key"].as_str().unwrap()))
        .json(&json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert!(!relayed.status().is_success());
    let mut log_id = String::new();
    for _ in 0..100 {
        let logs = get_json(http, &hub.url("/api/logs/")).await;
        if let Some(id) = logs["data"]["logs"][0]["request_id"].as_str() {
            log_id = id.to_owned();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(!log_id.is_empty(), "the relayed request was logged");
    Fixtures {
        channel_id: channels[0]["id"].to_string(),
        token_id: token["id"].to_string(),
        log_id,
        public_mcp: "walk-time".to_owned(),
        group_mcp: "walk-group".to_owned(),
    }
}

fn fill(path: &str, fixtures: &Fixtures) -> String {
    let id = if path.contains("/test-embedmcp/") {
        // A template's name: the test routes start an embedded server from it.
        &"time".to_owned()
    } else if path.contains("/mcp/group/") {
        &fixtures.group_mcp
    } else if path.contains("mcp") {
        &fixtures.public_mcp
    } else if path.contains("/token") {
        &fixtures.token_id
    } else {
        &fixtures.channel_id
    };
    let values: HashMap<&str, &str> = HashMap::from([
        ("group", "docs"),
        ("id", id.as_str()),
        ("model", "gpt-4o"),
        ("key", OPTION_KEY),
        ("set", "default"),
        ("type", "1"),
        ("log_id", fixtures.log_id.as_str()),
    ]);
    path.split('/')
        .map(|segment| {
            match segment
                .strip_prefix('{')
                .and_then(|rest| rest.strip_suffix('}'))
            {
                Some(name) => values
                    .get(name)
                    .unwrap_or_else(|| panic!("no value for {{{name}}}"))
                    .to_string(),
                None => segment.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Deletions last, the most specific paths first, so earlier calls still find their objects.
fn walk_order(method: &str, path: &str) -> (u8, std::cmp::Reverse<usize>) {
    let rank = match method {
        "get" => 0,
        "put" | "post" => 1,
        _ => 2,
    };
    let depth = if rank == 2 { path.len() } else { 0 };
    (rank, std::cmp::Reverse(depth))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_is_openapi_3_1_and_every_operation_answers() {
    let hub = TestHub::start().await;
    let http = reqwest::Client::new();
    // No key needed: the document describes routes and holds no data.
    let response = http.get(hub.url("/api/openapi.json")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let document: Value = response.json().await.unwrap();
    check_structure(&document);

    let fixtures = fixtures(&hub, &http).await;
    let mut operations: Vec<(String, String, Value)> = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            operations.push((method.clone(), path.clone(), operation.clone()));
        }
    }
    operations.sort_by_key(|(method, path, _)| walk_order(method, path));
    for (method, path, operation) in operations {
        let url = hub.url(&fill(&path, &fixtures));
        let mut request = http
            .request(method.to_uppercase().parse().unwrap(), &url)
            .bearer_auth(ADMIN_KEY);
        if operation.get("requestBody").is_some() {
            // The schema says object or array; an empty one is enough to reach the handler.
            let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
            let resolved = match schema["$ref"].as_str() {
                Some(reference) => {
                    let name = reference.trim_start_matches("#/components/schemas/");
                    &document["components"]["schemas"][name]
                }
                None => schema,
            };
            request = request.json(&if resolved["type"] == "array" {
                json!([])
            } else {
                json!({})
            });
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        // An MCP transport: an SSE stream stays open (its headers are enough, and dropping it
        // ends the session); JSON-RPC is answered by MCP's own rules (no session, no message).
        match operation["x-mcp-transport"].as_str() {
            Some("sse") => {
                assert_eq!(status, 200, "{method} {path}");
                assert_eq!(
                    response.headers()["content-type"],
                    "text/event-stream",
                    "{method} {path}"
                );
                continue;
            }
            Some(_) => {
                assert!(
                    ![401, 403, 404, 405].contains(&status),
                    "{method} {path}: {status}"
                );
                continue;
            }
            None => {}
        }
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        let text = response.text().await.unwrap();
        if operation["responses"]["200"]["content"]
            .get("text/csv")
            .is_some()
        {
            assert_eq!(status, 200, "{method} {path}: {text}");
            assert!(content_type.starts_with("text/csv"), "{method} {path}");
            continue;
        }
        let body: Value = serde_json::from_str(&text)
            .unwrap_or_else(|_| panic!("{method} {path}: {status}, not JSON: {text}"));
        assert!(
            body["success"].is_boolean(),
            "{method} {path}: not the envelope: {body}"
        );
        assert_ne!(status, 405, "{method} {path}: {body}");
        // An object an earlier deletion of the walk removed is not found by the handler, in the
        // envelope; the router's own 404 (an unserved route) has no body at all.
        if status == 404 {
            assert_eq!(method, "delete", "{path}: {body}");
            assert!(
                body["message"].as_str().unwrap().contains("not found"),
                "{method} {path}: {body}"
            );
        }
        // The walk's channel points at a closed port: reading its balance from the upstream
        // fails, and says so as a bad gateway.
        if path.ends_with("/update_balance") && path.contains("{id}") {
            assert_eq!(status, 502, "{method} {path}: {body}");
            continue;
        }
        if method == "get" {
            assert_eq!(status, 200, "{method} {path}: {body}");
            assert_eq!(body["success"], true, "{method} {path}: {body}");
        }
    }
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn swagger_page_is_embedded_and_strict() {
    let hub = TestHub::start().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for path in ["/swagger", "/swagger/"] {
        let response = http.get(hub.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 307, "{path}");
        assert_eq!(response.headers()["location"], "/swagger/index.html");
    }
    let page = http
        .get(hub.url("/swagger/index.html"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert!(!policy.contains("http"), "no other origin: {policy}");
    let html = page.text().await.unwrap();
    assert!(!html.contains("<script>"), "no inline script");
    assert!(
        !html.contains("http"),
        "every asset from this origin: {html}"
    );
    for asset in [
        "swagger-ui-bundle.js",
        "swagger-ui.css",
        "swagger-initializer.js",
    ] {
        assert!(html.contains(asset), "{asset}");
        let response = http
            .get(hub.url(&format!("/swagger/{asset}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{asset}");
        assert!(response.headers().contains_key("content-security-policy"));
    }
    let initializer = http
        .get(hub.url("/swagger/swagger-initializer.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(initializer.contains("/api/openapi.json"));
    let missing = http.get(hub.url("/swagger/nope.js")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    hub.stop().await.unwrap();
}
