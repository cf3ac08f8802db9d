//! The embedded templates on vendors' REST APIs, each served by the MCP service and pointed at
//! a mock of its vendor that checks what it is sent and answers in the vendor's own shape.
//!
//! A mock records every request it receives; a test answers through a closure that sees the
//! request, then asserts on the record, so a template sending the wrong path, query or body
//! fails the test even when the answer looks right.

mod amap;
mod baidu_map;
mod gpt_vis;
mod hefeng_weather;
mod howtocook;
mod screenshotone;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use mcp::{McpConfig, Scope};
use serde_json::{Value, json};

use crate::common::{FakeDirectory, Running, caller, embedded, serve, server};

/// One request a mock vendor received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: Method,
    pub path: String,
    pub query: BTreeMap<String, String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Seen {
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str)
    }

    /// The body as URL-encoded form fields.
    pub fn form(&self) -> BTreeMap<String, String> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A mock vendor on a loopback port.
pub struct Mock {
    pub base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Mock {
    /// Serves `answer` for every request, recording each.
    pub async fn start(answer: impl Fn(&Seen) -> Response + Send + Sync + 'static) -> Mock {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        let answer = Arc::new(answer);
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let record = record.clone();
                let answer = answer.clone();
                async move {
                    let request = Seen {
                        method,
                        path: uri.path().to_owned(),
                        query: url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
                            .into_owned()
                            .collect(),
                        headers,
                        body,
                    };
                    let response = answer(&request);
                    record.lock().unwrap().push(request);
                    response
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Mock {
            base_url: format!("http://{address}"),
            seen,
        }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The one request received since the last call (the record is then emptied).
    pub fn only_request(&self) -> Seen {
        let mut seen = self.seen.lock().unwrap();
        assert_eq!(seen.len(), 1, "requests: {seen:?}");
        seen.remove(0)
    }
}

/// A JSON answer with status 200.
pub fn vendor_json(body: Value) -> Response {
    axum::Json(body).into_response()
}

pub fn vendor_status(status: u16, body: Value) -> Response {
    (StatusCode::from_u16(status).unwrap(), axum::Json(body)).into_response()
}

/// The service with one public server `vendor` of `template` with `params`, for token `tok`.
pub async fn gateway(template: &str, params: &[(&str, &str)]) -> Running {
    let directory = FakeDirectory {
        tokens: [("tok".to_owned(), caller("g", 1, None))].into(),
        servers: vec![server("vendor", Scope::Public, embedded(template, params))],
    };
    serve(directory, McpConfig::default()).await
}

/// One stateless (2026-07-28) request to the `vendor` server; the JSON-RPC result.
async fn rpc(gateway: &Running, method: &str, name: Option<&str>, params: Value) -> Value {
    let reply = rpc_reply(gateway, method, name, params).await;
    assert!(reply.get("error").is_none(), "{reply}");
    reply["result"].clone()
}

/// The JSON-RPC error message of a `tools/list` the `vendor` server cannot answer.
pub async fn list_error(gateway: &Running) -> String {
    let reply = rpc_reply(gateway, "tools/list", None, json!({})).await;
    reply["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("no error in {reply}"))
        .to_owned()
}

async fn rpc_reply(gateway: &Running, method: &str, name: Option<&str>, params: Value) -> Value {
    let mut request = reqwest::Client::new()
        .post(gateway.url("/public/vendor"))
        .bearer_auth("tok")
        .header("accept", "application/json, text/event-stream")
        .header("content-type", "application/json")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", method);
    if let Some(name) = name {
        request = request.header("mcp-name", name);
    }
    let mut params = params;
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {}
    });
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let text = request
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let reply: Value = serde_json::from_str(&text).unwrap_or_else(|_| {
        text.lines()
            .rev()
            .filter_map(|line| line.strip_prefix("data:"))
            .filter_map(|data| serde_json::from_str::<Value>(data.trim()).ok())
            .find(|message| message.get("id").is_some())
            .unwrap_or_else(|| panic!("no JSON-RPC reply in {text}"))
    });
    reply
}

/// The names of the `vendor` server's tools.
pub async fn tool_names(gateway: &Running) -> Vec<String> {
    let result = rpc(gateway, "tools/list", None, json!({})).await;
    result["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tool| tool["name"].as_str().unwrap().to_owned())
        .collect()
}

/// Calls `tool`; the whole result (content, isError).
pub async fn call(gateway: &Running, tool: &str, arguments: Value) -> Value {
    rpc(
        gateway,
        "tools/call",
        Some(tool),
        json!({"name": tool, "arguments": arguments}),
    )
    .await
}

/// Calls `tool` expecting success; its text.
pub async fn call_ok(gateway: &Running, tool: &str, arguments: Value) -> String {
    let result = call(gateway, tool, arguments).await;
    assert_ne!(result["isError"], true, "{result}");
    result["content"][0]["text"].as_str().unwrap().to_owned()
}

/// Calls `tool` expecting a tool error; its text.
pub async fn call_err(gateway: &Running, tool: &str, arguments: Value) -> String {
    let result = call(gateway, tool, arguments).await;
    assert_eq!(result["isError"], true, "{result}");
    result["content"][0]["text"].as_str().unwrap().to_owned()
}
