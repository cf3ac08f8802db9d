//! What the templates on a vendor's REST API share: one client per vendor (base URL, key,
//! fixed headers), bounded answers, vendor errors as tool errors, and a table-driven server
//! for vendors whose tools are one HTTP call each.
//!
//! Keys travel in headers only and never appear in a tool error: transport errors are shown
//! without the URL and a vendor's own message has the key cut out should it echo it.

use std::sync::Arc;

use async_trait::async_trait;
use reqwest::Method;
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock, JsonObject, Tool};
use serde_json::Value;

use super::tool;
use crate::tool_server::{ToolCall, ToolServer, tool_error};

/// Largest vendor answer read; a longer one is a tool error rather than memory spent.
pub(crate) const MAX_VENDOR_ANSWER_BYTES: usize = search_engines::MAX_ANSWER_BYTES;

/// How a vendor is reached: its base URL, the key it is sent and headers every request carries.
pub(crate) struct Vendor {
    /// The vendor's name, as tool errors say it.
    name: &'static str,
    base_url: String,
    /// Sent as `Authorization: Bearer`; empty for none.
    api_key: String,
    headers: Vec<(&'static str, String)>,
    http: reqwest::Client,
}

impl Vendor {
    /// A vendor at `base_url` (see [`super::vendor_http::url_param`]), sending `api_key` as a bearer token
    /// when it is not empty.
    pub(crate) fn new(name: &'static str, base_url: String, api_key: String) -> Self {
        Self {
            name,
            base_url,
            api_key,
            headers: Vec::new(),
            http: search_engines::third_party_client(),
        }
    }

    /// Adds a header every request carries (an API version, say).
    pub(crate) fn with_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Sends one request to `path` (joined to the base URL) and returns the answer's text, or
    /// the tool error to show: the vendor's status and message, or why it could not be reached.
    pub(crate) async fn send(&self, request: VendorRequest<'_>) -> Result<String, String> {
        // An empty path is the base URL itself (a webhook), kept exactly as given.
        let url = if request.path.is_empty() {
            self.base_url.clone()
        } else {
            format!("{}{}", self.base_url.trim_end_matches('/'), request.path)
        };
        let mut url = reqwest::Url::parse(&url)
            .map_err(|_| format!("{}: request URL is not valid", self.name))?;
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(request.query);
        }
        let mut builder = self.http.request(request.method, url);
        if !self.api_key.is_empty() {
            builder = builder.bearer_auth(&self.api_key);
        }
        for (name, value) in self.headers.iter().chain(request.headers) {
            builder = builder.header(*name, value);
        }
        if let Some(body) = request.body {
            builder = builder.json(body);
        }
        let response = builder.send().await.map_err(|error| {
            format!(
                "{} could not be reached: {}",
                self.name,
                error.without_url()
            )
        })?;
        let status = response.status();
        if !status.is_success() {
            let body = search_engines::read_bounded(response, 16 * 1024)
                .await
                .unwrap_or_default();
            let secret = (!self.api_key.is_empty()).then_some(self.api_key.as_str());
            return Err(match search_engines::vendor_message(&body, secret) {
                Some(message) => format!("{} answered {status}: {message}", self.name),
                None => format!("{} answered {status}", self.name),
            });
        }
        let body = search_engines::read_bounded(response, MAX_VENDOR_ANSWER_BYTES)
            .await
            .map_err(|error| format!("{}: {error}", self.name))?;
        Ok(String::from_utf8_lossy(&body).into_owned())
    }
}

/// One request to a vendor.
pub(crate) struct VendorRequest<'a> {
    pub method: Method,
    /// Starts with `/`; path segments taken from arguments are already percent-encoded.
    pub path: &'a str,
    pub query: &'a [(String, String)],
    pub headers: &'a [(&'static str, String)],
    pub body: Option<&'a Value>,
}

impl<'a> VendorRequest<'a> {
    /// A request without query, extra headers or body.
    pub(crate) fn new(method: Method, path: &'a str) -> Self {
        Self {
            method,
            path,
            query: &[],
            headers: &[],
            body: None,
        }
    }
}

/// A vendor's answer as a tool result: its text, and its JSON as structured content when it is
/// a JSON object.
pub(crate) fn answer_result(text: String) -> CallToolResponse {
    let structured = serde_json::from_str::<Value>(&text)
        .ok()
        .filter(Value::is_object);
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = structured;
    CallToolResponse::Complete(result)
}

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
    pub vendor: Vendor,
    pub tools: &'static [RestTool],
}

impl RestServer {
    pub(crate) fn start(vendor: Vendor, tools: &'static [RestTool]) -> Arc<dyn ToolServer> {
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
        let query = if sends_body {
            Vec::new()
        } else {
            query_pairs(&arguments)
        };
        let body = Value::Object(arguments);
        let request = VendorRequest {
            method,
            path: &path,
            query: &query,
            headers: &[],
            body: sends_body.then_some(&body),
        };
        Ok(match self.vendor.send(request).await {
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
