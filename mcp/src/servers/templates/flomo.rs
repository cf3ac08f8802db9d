//! The `flomo` template: one tool, `write_note`, that posts a memo to a flomo account through
//! its incoming-webhook URL.
//!
//! The webhook URL is the account's secret (it embeds the user's token), so it is a group
//! parameter and never appears in an error. flomo answers HTTP 200 with a `code` field; a
//! non-zero code is its error, passed on with its message.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use reqwest::Method;
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock, Tool};
use serde_json::{Value, json};

use super::vendor_http::{DEFAULT_TIMEOUT, RequestBody, VendorHttp, VendorRequest};
use super::vendor_tools::{required_param, url_param};
use super::{Catalogue, ParamOwner, TemplateError, TemplateInfo, TemplateParam, string_arg, tool};
use crate::tool_server::{ToolCall, ToolServer, tool_error};

pub(super) const INFO: TemplateInfo = TemplateInfo {
    name: "flomo",
    description: "flomo: write notes (memos) to a flomo account",
    params: &[TemplateParam {
        name: "api_url",
        description: "The account's flomo API (webhook) URL, https://flomoapp.com/iwh/...",
        set_by: ParamOwner::Group,
        required: true,
    }],
    catalogue: Catalogue {
        description_zh: "flomo 浮墨笔记：把笔记写入 flomo 账号",
        tags: &["notes", "productivity"],
        readme: "One tool, `write_note`: saves Markdown text as a new flomo memo (tags are \
written inline as `#tag`) and answers the memo's link.\n\n\
Each group sets its own `api_url`: in flomo open Settings, API (a flomo PRO feature) and copy \
the URL that starts with `https://flomoapp.com/iwh/`. Keep it secret: whoever has it can write \
to the account.",
        logo: "https://flomoapp.com/images/logo-192x192.png",
        homepage: "https://flomoapp.com",
        ..Catalogue::named("flomo", "flomo 浮墨笔记")
    },
};

/// Where flomo shows a memo by its slug.
const MEMO_PAGE: &str = "https://v.flomoapp.com/mine/?memo_id=";

/// The registry's [`super::Start`] for this template.
pub(super) fn start(
    params: &BTreeMap<String, String>,
) -> Result<Arc<dyn ToolServer>, TemplateError> {
    required_param(params, "api_url")?;
    // The URL is the secret: the vendor gets no bearer key, the whole URL is its base.
    let api_url = url_param(params, "api_url", "")?;
    // The URL is a secret of its own: cut out of every error like a key.
    let vendor = VendorHttp::new("flomo", api_url.clone(), DEFAULT_TIMEOUT)?.with_secret(api_url);
    Ok(Arc::new(FlomoServer { vendor }))
}

struct FlomoServer {
    vendor: VendorHttp,
}

#[async_trait]
impl ToolServer for FlomoServer {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        Ok(vec![tool(
            "write_note",
            "Write a note to flomo",
            json!({
                "type": "object",
                "properties": {
                    "content": {"type": "string", "description": "The note's text, in Markdown; #tags inline"}
                },
                "required": ["content"]
            }),
        )])
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        if call.name != "write_note" {
            return Err(ErrorData::invalid_params(
                format!("unknown tool: {}", call.name),
                None,
            ));
        }
        let content = match string_arg(&call.arguments, "content") {
            Some(content) if !content.trim().is_empty() => content,
            _ => return Ok(tool_error("content is required")),
        };
        let body = json!({"content": content});
        let request = VendorRequest {
            body: RequestBody::Json(&body),
            ..VendorRequest::new(Method::POST, "")
        };
        let text = match self.vendor.send_text(request).await {
            Ok(text) => text,
            Err(message) => return Ok(tool_error(message)),
        };
        let Ok(answer) = serde_json::from_str::<Value>(&text) else {
            return Ok(tool_error("flomo answered something other than JSON"));
        };
        if answer["code"].as_i64().unwrap_or(0) != 0 {
            let message = answer["message"].as_str().unwrap_or("no message");
            return Ok(tool_error(format!("flomo refused the note: {message}")));
        }
        let slug = answer
            .pointer("/memo/slug")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let url = if slug.is_empty() {
            String::new()
        } else {
            format!("{MEMO_PAGE}{slug}")
        };
        let summary = json!({
            "message": answer["message"].as_str().unwrap_or("saved"),
            "slug": slug,
            "url": url,
        });
        let mut result = CallToolResult::success(vec![ContentBlock::text(summary.to_string())]);
        result.structured_content = Some(summary);
        Ok(CallToolResponse::Complete(result))
    }
}
