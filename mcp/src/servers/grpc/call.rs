//! One tool call: proto3 JSON arguments to a request, the unary or server-streaming call, responses back to JSON, a gRPC status as a tool error.

use bytes::Bytes;
use prost::Message as _;
use prost_reflect::{DynamicMessage, MessageDescriptor};
use rmcp::model::{
    CallToolResponse, CallToolResult, ContentBlock, JsonObject, ProgressNotificationParam,
};
use serde_json::{Value, json};
use tokio_stream::StreamExt as _;

use super::catalogue::Method;
use super::transport::Upstream;
use crate::tool_server::{ToolCall, tool_error};

/// What one server-streaming call gathers into its result before it stops reading.
pub(crate) const MAX_STREAM_MESSAGES: usize = 1000;
pub(crate) const MAX_STREAM_BYTES: usize = 1024 * 1024;

pub(super) async fn call_method(
    upstream: &Upstream,
    method: &Method,
    call: ToolCall,
) -> CallToolResponse {
    let request = match to_request(&method.input, call.arguments.clone().unwrap_or_default()) {
        Ok(request) => request,
        Err(message) => return tool_error(format!("invalid arguments: {message}")),
    };
    let cancel = call.cancel.clone();
    let work = async {
        if method.server_streaming {
            stream(upstream, method, request, &call).await
        } else {
            unary(upstream, method, request).await
        }
    };
    // The deadline also bounds a stream that keeps sending within the per-message timeout.
    tokio::select! {
        outcome = tokio::time::timeout(upstream.timeout(), work) => match outcome {
            Ok(response) => response,
            Err(_) => tool_error(format!(
                "grpc call timed out after {} s", upstream.timeout().as_secs()
            )),
        },
        () = cancel.cancelled() => tool_error("cancelled by the client"),
    }
}

fn to_request(input: &MessageDescriptor, arguments: JsonObject) -> Result<Bytes, String> {
    let message = DynamicMessage::deserialize(input.clone(), Value::Object(arguments))
        .map_err(|error| error.to_string())?;
    Ok(Bytes::from(message.encode_to_vec()))
}

fn to_json(output: &MessageDescriptor, body: Bytes) -> Result<Value, String> {
    let message = DynamicMessage::decode(output.clone(), body).map_err(|error| {
        format!(
            "the upstream sent an undecodable {}: {error}",
            output.full_name()
        )
    })?;
    serde_json::to_value(&message).map_err(|error| error.to_string())
}

async fn unary(upstream: &Upstream, method: &Method, request: Bytes) -> CallToolResponse {
    let body = match upstream.unary(&method.path, request).await {
        Ok(body) => body,
        Err(status) => return status_error(&status, None),
    };
    match to_json(&method.output, body) {
        Ok(value) => success(value),
        Err(message) => tool_error(message),
    }
}

async fn stream(
    upstream: &Upstream,
    method: &Method,
    request: Bytes,
    call: &ToolCall,
) -> CallToolResponse {
    let mut stream = match upstream.server_streaming(&method.path, request).await {
        Ok(stream) => stream,
        Err(status) => return status_error(&status, None),
    };
    let mut messages = Vec::new();
    let mut bytes = 0usize;
    let mut truncated = false;
    while let Some(item) = stream.next().await {
        let body = match item {
            Ok(body) => body,
            Err(status) => return status_error(&status, Some(gathered(messages, false))),
        };
        let value = match to_json(&method.output, body) {
            Ok(value) => value,
            Err(message) => return tool_error(message),
        };
        let text = value.to_string();
        if messages.len() >= MAX_STREAM_MESSAGES || bytes + text.len() > MAX_STREAM_BYTES {
            // Dropping the stream cancels the call upstream.
            truncated = true;
            break;
        }
        bytes += text.len();
        messages.push(value);
        if let Some(token) = &call.progress_token {
            let progress = ProgressNotificationParam::new(token.clone(), messages.len() as f64)
                .with_message(text);
            if let Err(error) = call.notifier.progress(progress).await {
                tracing::debug!(%error, "grpc stream progress not delivered");
            }
        }
    }
    success(gathered(messages, truncated))
}

fn gathered(messages: Vec<Value>, truncated: bool) -> Value {
    json!({"messages": messages, "truncated": truncated})
}

fn success(value: Value) -> CallToolResponse {
    let text = value.to_string();
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    if value.is_object() {
        result.structured_content = Some(value);
    }
    CallToolResponse::Complete(result)
}

/// A gRPC status as a tool error the model can read: code name and number, message, and what
/// a stream delivered before it failed.
fn status_error(status: &tonic::Status, partial: Option<Value>) -> CallToolResponse {
    let code = status.code();
    let mut message = status.message().to_owned();
    let mut source = std::error::Error::source(status);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !message.contains(&cause_text) {
            message.push_str(": ");
            message.push_str(&cause_text);
        }
        source = cause.source();
    }
    let mut text = format!("grpc status {code:?} ({}): {message}", i32::from(code));
    if let Some(partial) = &partial {
        text.push_str(&format!("\nreceived before the error: {partial}"));
    }
    // Text only: structured content would have to match the tool's output schema.
    CallToolResponse::Complete(CallToolResult::error(vec![ContentBlock::text(text)]))
}
