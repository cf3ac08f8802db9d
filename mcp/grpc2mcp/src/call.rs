//! One tool call: proto3 JSON arguments to a request, the unary or server-streaming call, responses back to JSON, a gRPC status as text the model reads.

use async_trait::async_trait;
use bytes::Bytes;
use prost::Message as _;
use prost_reflect::{DynamicMessage, MessageDescriptor};
use serde_json::{Map, Value, json};
use tokio_stream::StreamExt as _;

use crate::catalogue::Method;
use crate::reflection::ReflectionError;
use crate::transport::Upstream;

/// What one server-streaming call gathers into its result before it stops reading.
pub const MAX_STREAM_MESSAGES: usize = 1000;
pub const MAX_STREAM_BYTES: usize = 1024 * 1024;

/// Hears a server-streaming call's messages as they arrive (the host sends them on as
/// progress); awaited before the next message is read, so a slow listener slows the stream
/// instead of piling messages up.
#[async_trait]
pub trait MessageSink: Send + Sync {
    /// The `count`th message (from 1), as its proto3 JSON text.
    async fn message(&self, count: usize, json: String);
}

/// Why a call has no result. Every variant but [`CallError::UnknownTool`] and
/// [`CallError::Descriptors`] is the tool's own failure, for the model to read.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("unknown tool: {0}")]
    UnknownTool(String),
    /// The upstream's descriptors could not be read, so no tool is known.
    #[error(transparent)]
    Descriptors(ReflectionError),
    #[error("invalid arguments: {0}")]
    InvalidArguments(String),
    /// A gRPC status (with what a stream delivered before it), or a response that does not
    /// decode as its method's output.
    #[error("{0}")]
    Upstream(String),
}

pub(crate) async fn call_method(
    upstream: &Upstream,
    method: &Method,
    arguments: Map<String, Value>,
    sink: &dyn MessageSink,
) -> Result<Value, CallError> {
    let request = to_request(&method.input, arguments).map_err(CallError::InvalidArguments)?;
    if method.server_streaming {
        stream(upstream, method, request, sink).await
    } else {
        unary(upstream, method, request).await
    }
}

fn to_request(input: &MessageDescriptor, arguments: Map<String, Value>) -> Result<Bytes, String> {
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

async fn unary(upstream: &Upstream, method: &Method, request: Bytes) -> Result<Value, CallError> {
    let body = upstream
        .unary(&method.path, request)
        .await
        .map_err(|status| status_error(&status, None))?;
    to_json(&method.output, body).map_err(CallError::Upstream)
}

async fn stream(
    upstream: &Upstream,
    method: &Method,
    request: Bytes,
    sink: &dyn MessageSink,
) -> Result<Value, CallError> {
    let mut stream = upstream
        .server_streaming(&method.path, request)
        .await
        .map_err(|status| status_error(&status, None))?;
    let mut messages = Vec::new();
    let mut bytes = 0usize;
    let mut truncated = false;
    while let Some(item) = stream.next().await {
        let body = match item {
            Ok(body) => body,
            Err(status) => return Err(status_error(&status, Some(gathered(messages, false)))),
        };
        let value = to_json(&method.output, body).map_err(CallError::Upstream)?;
        let text = value.to_string();
        if messages.len() >= MAX_STREAM_MESSAGES || bytes + text.len() > MAX_STREAM_BYTES {
            // Dropping the stream cancels the call upstream.
            truncated = true;
            break;
        }
        bytes += text.len();
        messages.push(value);
        sink.message(messages.len(), text).await;
    }
    Ok(gathered(messages, truncated))
}

fn gathered(messages: Vec<Value>, truncated: bool) -> Value {
    json!({"messages": messages, "truncated": truncated})
}

/// A gRPC status as text the model can read: code name and number, message, and what a stream
/// delivered before it failed.
fn status_error(status: &tonic::Status, partial: Option<Value>) -> CallError {
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
    CallError::Upstream(text)
}
