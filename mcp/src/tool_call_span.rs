//! A `tools/call`'s span with the OpenTelemetry MCP attributes (method, tool, outcome) and the gateway's (server, group).
//!
//! A SERVER span named `tools/call {gen_ai.tool.name}`, as the MCP semantic conventions name a
//! server's span of a tool call; child of the HTTP request's span, so it joins the client's
//! trace when the request carried a `traceparent`, or of the client's span named in the call's
//! `params._meta` (`traceparent`, `tracestate`), which the conventions make the MCP carrier and
//! which therefore wins.

use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, MetaObject};

use crate::ClientTraces;
use tracing::field::Empty;

/// Longest tool name put on a span: the name is the client's, and a span name should stay
/// short; real tool names are far shorter.
const MAX_TOOL_NAME_BYTES: usize = 128;

/// The span of one `tools/call` for `tool` (the name the client called) by `group`.
pub(crate) fn start(tool: &str, group: &str) -> tracing::Span {
    let tool = bounded(tool);
    tracing::info_span!(
        "mcp",
        "otel.name" = format!("tools/call {tool}").as_str(),
        "otel.kind" = "server",
        "otel.status_code" = Empty,
        "mcp.method.name" = "tools/call",
        "gen_ai.operation.name" = "execute_tool",
        "gen_ai.tool.name" = tool,
        "error.type" = Empty,
        "aiproxy.group" = group,
        "aiproxy.mcp.server" = Empty,
    )
}

/// Makes `span` continue the trace the call's `_meta` names, if it names one.
pub(crate) fn continue_meta_trace(
    span: &tracing::Span,
    meta: Option<&MetaObject>,
    traces: &dyn ClientTraces,
) {
    let Some(meta) = meta else {
        return;
    };
    if let Some(traceparent) = meta.get_traceparent() {
        traces.continue_trace(span, traceparent, meta.get_tracestate());
    }
}

/// The server a call went to, once the name is resolved.
pub(crate) fn record_server(span: &tracing::Span, server_id: &str) {
    span.record("aiproxy.mcp.server", server_id);
}

/// How the call ended: a JSON-RPC error is an error by its code, a result flagged `isError`
/// is `tool_error` (the conventions' value for a tool that ran and failed).
pub(crate) fn record_outcome(span: &tracing::Span, outcome: &Result<CallToolResponse, ErrorData>) {
    let error_type = match outcome {
        Ok(CallToolResponse::Complete(result)) if result.is_error == Some(true) => {
            "tool_error".to_owned()
        }
        Ok(_) => return,
        Err(error) => error.code.0.to_string(),
    };
    span.record("error.type", error_type.as_str());
    span.record("otel.status_code", "error");
}

fn bounded(tool: &str) -> &str {
    if tool.len() <= MAX_TOOL_NAME_BYTES {
        return tool;
    }
    let mut end = MAX_TOOL_NAME_BYTES;
    while !tool.is_char_boundary(end) {
        end -= 1;
    }
    &tool[..end]
}
