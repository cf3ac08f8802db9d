//! Raw MCP requests to a running hub in the stateless 2026-07-28 era: one POST per call, the
//! protocol version and client in `_meta` and the routing headers set, as a modern client sends.

use serde_json::{Value, json};

use super::TestHub;

/// POSTs one JSON-RPC request (`method` with `params`, `name` as `Mcp-Name` when given) to
/// `path` with `token`; returns the HTTP status and the JSON reply (`Null` if none). Entries of
/// `params._meta` are kept beside the protocol's.
pub async fn stateless(
    hub: &TestHub,
    path: &str,
    token: &str,
    method: &str,
    name: Option<&str>,
    mut params: Value,
) -> (u16, Value) {
    let mut meta = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": {"name": "hub-test", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {}
    });
    if let Some(extra) = params.get("_meta").and_then(Value::as_object) {
        for (key, value) in extra {
            meta[key] = value.clone();
        }
    }
    params["_meta"] = meta;
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let mut request = reqwest::Client::new()
        .post(hub.url(path))
        .bearer_auth(token)
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2026-07-28")
        .header("mcp-method", method);
    if let Some(name) = name {
        request = request.header("mcp-name", name);
    }
    let response = request.json(&body).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A stateless `tools/call` of `tool` with `arguments`; returns the JSON-RPC reply.
pub async fn call_tool(
    hub: &TestHub,
    path: &str,
    token: &str,
    tool: &str,
    arguments: Value,
) -> Value {
    let params = json!({"name": tool, "arguments": arguments});
    stateless(hub, path, token, "tools/call", Some(tool), params)
        .await
        .1
}
