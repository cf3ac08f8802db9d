//! The table-driven server of templates whose tools are one vendor call each: a [`RestTool`] per tool, sent through [`VendorHttp`].
//!
//! The remaining arguments are the JSON body (`POST`, `PATCH`, `PUT`) or the query string
//! (`GET`, `DELETE`); the vendor's answer is the tool's text, and its structured content when
//! it is a JSON object. Building and sending the request is [`VendorHttp`]'s.

use std::sync::Arc;

use async_trait::async_trait;
use reqwest::Method;
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, JsonObject, Tool};
use serde_json::Value;

use super::tool;
use super::vendor_http::{RequestBody, VendorHttp, VendorRequest};
use super::vendor_tools::answer_result;
use crate::tool_server::{ToolCall, ToolServer, tool_error};

/// One tool that is one HTTP call: `{name}` segments of `path` are taken from the arguments of
/// the same name (percent-encoded); the remaining arguments are the JSON body (`POST`, `PATCH`)
/// or the query string (`GET`, `DELETE`).
pub(crate) struct RestTool {
    pub name: &'static str,
    pub description: &'static str,
    pub method: fn() -> Method,
    pub path: &'static str,
    /// The input JSON Schema.
    pub schema: fn() -> Value,
}

/// A server whose every tool is a [`RestTool`] on one vendor.
pub(crate) struct RestServer {
    pub vendor: VendorHttp,
    pub tools: &'static [RestTool],
}

impl RestServer {
    pub(crate) fn start(vendor: VendorHttp, tools: &'static [RestTool]) -> Arc<dyn ToolServer> {
        Arc::new(Self { vendor, tools })
    }
}

#[async_trait]
impl ToolServer for RestServer {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        Ok(self
            .tools
            .iter()
            .map(|rest| tool(rest.name, rest.description, (rest.schema)()))
            .collect())
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        let Some(rest) = self.tools.iter().find(|rest| rest.name == call.name) else {
            return Err(ErrorData::invalid_params(
                format!("unknown tool: {}", call.name),
                None,
            ));
        };
        let mut arguments = call.arguments.unwrap_or_default();
        let path = match fill_path(rest.path, &mut arguments) {
            Ok(path) => path,
            Err(message) => return Ok(tool_error(message)),
        };
        let method = (rest.method)();
        let sends_body = matches!(method, Method::POST | Method::PATCH | Method::PUT);
        let pairs = if sends_body {
            Vec::new()
        } else {
            query_pairs(&arguments)
        };
        let query: Vec<(&str, String)> = pairs
            .iter()
            .map(|(name, value)| (name.as_str(), value.clone()))
            .collect();
        let body = Value::Object(arguments);
        let request = VendorRequest {
            query: &query,
            body: if sends_body {
                RequestBody::Json(&body)
            } else {
                RequestBody::None
            },
            ..VendorRequest::new(method, &path)
        };
        Ok(match self.vendor.send_text(request).await {
            Ok(text) => answer_result(text),
            Err(message) => tool_error(message),
        })
    }
}

/// `template` with each `{name}` replaced by the string argument `name` (taken out of
/// `arguments`), percent-encoded as one path segment.
fn fill_path(template: &str, arguments: &mut JsonObject) -> Result<String, String> {
    let mut path = String::with_capacity(template.len() + 40);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        let value = match arguments.remove(name) {
            Some(Value::String(value)) if !value.trim().is_empty() => value,
            _ => return Err(format!("{name} is required")),
        };
        // Form encoding writes a space as `+` (and a `+` as `%2B`), which a path would read
        // literally: spaces become `%20`.
        for piece in url::form_urlencoded::byte_serialize(value.trim().as_bytes()) {
            path.push_str(if piece == "+" { "%20" } else { piece });
        }
        rest = &rest[open + close + 1..];
    }
    path.push_str(rest);
    Ok(path)
}

/// Scalar arguments as query pairs; arrays and objects are joined as JSON text.
fn query_pairs(arguments: &JsonObject) -> Vec<(String, String)> {
    arguments
        .iter()
        .filter(|(_, value)| !value.is_null())
        .map(|(name, value)| {
            let text = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            (name.clone(), text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn path_segments_come_from_arguments_and_are_encoded() {
        let mut arguments = json!({"block_id": "a/b c", "children": []})
            .as_object()
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            fill_path("/v1/blocks/{block_id}/children", &mut arguments).as_deref(),
            Ok("/v1/blocks/a%2Fb%20c/children")
        );
        assert!(!arguments.contains_key("block_id"));
        assert!(arguments.contains_key("children"));
        assert_eq!(
            fill_path("/v1/pages/{page_id}", &mut JsonObject::new()),
            Err("page_id is required".to_owned())
        );
    }
}
