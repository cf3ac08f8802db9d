//! `McpService/CallMcpTool`: the panel's try-it, one tool called as a group through the MCP service's own governed call path.

use std::sync::Arc;
use std::time::Instant;

use tonic::Status;

use super::error::invalid;
use super::pb;
use crate::access;
use crate::mcp_host::bridge::McpBridge;
use crate::store::Store;

/// What `CallMcpTool` calls through: the MCP service (allow-lists, pins, the governor's gate,
/// the call's log row and charge) and the bridge that names the group's caller and servers.
#[derive(Clone)]
pub struct McpCalls {
    pub service: ::mcp::McpService,
    pub bridge: Arc<McpBridge>,
}

impl std::fmt::Debug for McpCalls {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("McpCalls")
    }
}

/// Largest `arguments_json` accepted: what an MCP client may send in one message is bounded
/// by the service too, and a try-it form has no reason to send more.
const MAX_ARGUMENTS_BYTES: usize = 1 << 20;

/// Runs the call for the admin key behind the current operation; `store` finds the server so
/// a missing one is NOT_FOUND, and its scope is checked against the key like `TestMcpServer`.
pub async fn call(
    calls: &McpCalls,
    store: &Store,
    request: pb::CallMcpToolRequest,
) -> Result<pb::CallMcpToolResponse, Status> {
    if request.group_id.is_empty() {
        return Err(invalid("group_id", "a tool is called as a group: name one"));
    }
    if request.tool.is_empty() {
        return Err(invalid("tool", "name the tool to call"));
    }
    let server = store.get_mcp_server(&request.id).await?;
    super::mcp::reaches(&server)?;
    access::group_scope()?.check(&request.group_id)?;
    let arguments = arguments(&request.arguments_json)?;
    let operation = access::current();
    let token_name = format!(
        "admin:{}",
        operation
            .as_ref()
            .map_or("", |operation| operation.principal.name.as_str())
    );
    let client_ip = operation.and_then(|operation| operation.client_address.parse().ok());
    let caller = calls
        .bridge
        .group_caller(&request.group_id, token_name, client_ip)
        .map_err(Status::failed_precondition)?;
    let definition = calls
        .bridge
        .definition_of(&caller, &request.id)
        .ok_or_else(|| {
            Status::failed_precondition(format!(
                "server {} is not offered to group {} (disabled, another group's, or a required \
             parameter missing)",
                request.id, request.group_id
            ))
        })?;
    let started = Instant::now();
    let (result, is_error) = calls
        .service
        .call_tool_as(caller, definition, &request.tool, arguments)
        .await
        .map_err(|(code, message)| refusal(code, message))?;
    Ok(pb::CallMcpToolResponse {
        result_json: result.to_string(),
        is_error,
        latency_ms: i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX),
    })
}

fn arguments(text: &str) -> Result<Option<serde_json::Map<String, serde_json::Value>>, Status> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    if text.len() > MAX_ARGUMENTS_BYTES {
        return Err(invalid("arguments_json", "larger than 1 MiB"));
    }
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Object(map)) => Ok(Some(map)),
        Ok(_) => Err(invalid("arguments_json", "must be a JSON object")),
        Err(error) => Err(invalid("arguments_json", format!("not JSON: {error}"))),
    }
}

/// The JSON-RPC error a client would have got, as the RPC status that means the same.
fn refusal(code: i32, message: String) -> Status {
    // -32602 invalid params (unknown or hidden tool, bad arguments); the gateway's refusals
    // (limits, quotas, balance) use their own code; anything else failed on the way.
    match code {
        -32602 => Status::invalid_argument(message),
        ::mcp::REFUSED_CODE => Status::resource_exhausted(message),
        _ => Status::unavailable(format!("the call failed ({code}): {message}")),
    }
}
