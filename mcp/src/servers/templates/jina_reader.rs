//! The `jina-reader` template: Jina AI's reader (`r.jina.ai`), search (`s.jina.ai`) and
//! grounding (`g.jina.ai`) as the tools `jina_reader`, `jina_search` and `jina_fact_check`.
//!
//! Jina takes its options as request headers (`X-Return-Format`, ...) and answers JSON when
//! asked with `Accept: application/json`; the answer is passed on as is.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use reqwest::Method;
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, Tool};
use serde_json::json;

use super::vendor_http::{DEFAULT_TIMEOUT, RequestBody, VendorHttp, VendorRequest};
use super::vendor_tools::{answer_result, url_param};
use super::{Catalogue, ParamOwner, TemplateError, TemplateInfo, TemplateParam, string_arg, tool};
use crate::tool_server::{ToolCall, ToolServer, tool_error};

pub(super) const INFO: TemplateInfo = TemplateInfo {
    name: "jina-reader",
    description: "Jina AI reader: web pages as LLM-ready Markdown, web search and fact checking",
    params: &[
        TemplateParam {
            name: "api_key",
            description: "Jina API key (jina_...); without one Jina serves the reader at a low rate limit",
            set_by: ParamOwner::Group,
            required: false,
        },
        TemplateParam {
            name: "reader_base_url",
            description: "Reader base URL (default https://r.jina.ai)",
            set_by: ParamOwner::Admin,
            required: false,
        },
        TemplateParam {
            name: "search_base_url",
            description: "Search base URL (default https://s.jina.ai)",
            set_by: ParamOwner::Admin,
            required: false,
        },
        TemplateParam {
            name: "grounding_base_url",
            description: "Grounding (fact check) base URL (default https://g.jina.ai)",
            set_by: ParamOwner::Admin,
            required: false,
        },
    ],
    catalogue: Catalogue {
        description_zh: "Jina AI 阅读器：网页转为适合大模型的 Markdown，网页搜索与事实核查",
        tags: &["web", "reader", "search", "fact-check"],
        readme: "Three tools on Jina AI's APIs:\n\n\
- `jina_reader`: a web page as Markdown, HTML, text or a screenshot link\n\
- `jina_search`: web search, titles, URLs and descriptions\n\
- `jina_fact_check`: whether a statement holds, with references\n\n\
Each group may set its own `api_key`: get one at [jina.ai](https://jina.ai/?sui=apikey) (new \
keys come with free tokens). Search and fact checking need a key; the reader works without \
one at a lower rate. Answers larger than 2 MiB are refused.",
        logo: "https://jina.ai/favicon.ico",
        homepage: "https://jina.ai/reader",
        ..Catalogue::named("Jina AI Reader", "Jina AI 阅读器")
    },
};

/// The registry's [`super::Start`] for this template.
pub(super) fn start(
    params: &BTreeMap<String, String>,
) -> Result<Arc<dyn ToolServer>, TemplateError> {
    let api_key = params
        .get("api_key")
        .map(|key| key.trim().to_owned())
        .unwrap_or_default();
    let vendor = |name: &'static str,
                  param: &'static str,
                  default: &str|
     -> Result<VendorHttp, TemplateError> {
        let base_url = url_param(params, param, default)?;
        Ok(VendorHttp::new(name, base_url, DEFAULT_TIMEOUT)?
            .with_bearer(api_key.clone())
            .with_header("Accept", "application/json".to_owned()))
    };
    Ok(Arc::new(JinaServer {
        reader: vendor("jina reader", "reader_base_url", "https://r.jina.ai")?,
        search: vendor("jina search", "search_base_url", "https://s.jina.ai")?,
        grounding: vendor("jina grounding", "grounding_base_url", "https://g.jina.ai")?,
    }))
}

struct JinaServer {
    reader: VendorHttp,
    search: VendorHttp,
    grounding: VendorHttp,
}

impl JinaServer {
    async fn read(&self, call: &ToolCall) -> Result<String, String> {
        let url = string_arg(&call.arguments, "url").ok_or("url is required")?;
        let format = string_arg(&call.arguments, "format").unwrap_or("markdown");
        let flag = |name: &str| {
            call.arguments
                .as_ref()
                .and_then(|arguments| arguments.get(name))
                .and_then(|value| value.as_bool())
                .unwrap_or(false)
                .to_string()
        };
        let headers = [
            ("X-Return-Format", format.to_ascii_lowercase()),
            ("X-With-Links-Summary", flag("withLinks")),
            ("X-With-Images-Summary", flag("withImages")),
        ];
        let body = json!({"url": url});
        self.reader
            .send_text(VendorRequest {
                headers: &headers,
                body: RequestBody::Json(&body),
                ..VendorRequest::new(Method::POST, "/")
            })
            .await
    }

    async fn web_search(&self, call: &ToolCall) -> Result<String, String> {
        let query = string_arg(&call.arguments, "query")
            .filter(|query| !query.trim().is_empty())
            .ok_or("query is required")?;
        let mut query_pairs = vec![("q", query.to_owned())];
        if let Some(count) = call
            .arguments
            .as_ref()
            .and_then(|arguments| arguments.get("count"))
            .and_then(|value| value.as_u64())
        {
            query_pairs.push(("num", count.clamp(1, 20).to_string()));
        }
        let format = string_arg(&call.arguments, "returnFormat").unwrap_or("markdown");
        let headers = [
            // Titles, URLs and descriptions: the pages' full text is the reader's job.
            ("X-Respond-With", "no-content".to_owned()),
            ("X-Return-Format", format.to_ascii_lowercase()),
        ];
        self.search
            .send_text(VendorRequest {
                query: &query_pairs,
                headers: &headers,
                ..VendorRequest::new(Method::GET, "/")
            })
            .await
    }

    async fn fact_check(&self, call: &ToolCall) -> Result<String, String> {
        let statement = string_arg(&call.arguments, "statement")
            .filter(|statement| !statement.trim().is_empty())
            .ok_or("statement is required")?;
        let deepdive = call
            .arguments
            .as_ref()
            .and_then(|arguments| arguments.get("deepdive"))
            .and_then(|value| value.as_bool())
            .unwrap_or(false);
        let body = json!({"statement": statement, "deepdive": deepdive});
        self.grounding
            .send_text(VendorRequest {
                body: RequestBody::Json(&body),
                ..VendorRequest::new(Method::POST, "/")
            })
            .await
    }
}

#[async_trait]
impl ToolServer for JinaServer {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        Ok(vec![
            tool(
                "jina_reader",
                "Read a web page and return its content, as Markdown by default",
                json!({
                    "type": "object",
                    "properties": {
                        "url": {"type": "string", "format": "uri", "description": "The page to read"},
                        "format": {"type": "string", "enum": ["Default", "Markdown", "HTML", "Text", "Screenshot", "Pageshot"], "default": "Markdown"},
                        "withLinks": {"type": "boolean", "default": false, "description": "Add a summary of the page's links"},
                        "withImages": {"type": "boolean", "default": false, "description": "Add a summary of the page's images"}
                    },
                    "required": ["url"]
                }),
            ),
            tool(
                "jina_search",
                "Search the web with Jina AI",
                json!({
                    "type": "object",
                    "properties": {
                        "query": {"type": "string", "minLength": 1},
                        "count": {"type": "integer", "minimum": 1, "maximum": 20, "default": 5},
                        "returnFormat": {"type": "string", "enum": ["markdown", "text", "html"], "default": "markdown"}
                    },
                    "required": ["query"]
                }),
            ),
            tool(
                "jina_fact_check",
                "Check whether a statement is true, with the references found",
                json!({
                    "type": "object",
                    "properties": {
                        "statement": {"type": "string", "minLength": 1},
                        "deepdive": {"type": "boolean", "default": false, "description": "Research more sources"}
                    },
                    "required": ["statement"]
                }),
            ),
        ])
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        let answer = match call.name.as_str() {
            "jina_reader" => self.read(&call).await,
            "jina_search" => self.web_search(&call).await,
            "jina_fact_check" => self.fact_check(&call).await,
            other => {
                return Err(ErrorData::invalid_params(
                    format!("unknown tool: {other}"),
                    None,
                ));
            }
        };
        Ok(match answer {
            Ok(text) => answer_result(text),
            Err(message) => tool_error(message),
        })
    }
}
