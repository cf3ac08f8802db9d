//! The `tavily` template: Tavily's search, extract, crawl and map endpoints as four tools.
//!
//! Each tool is one `POST` whose JSON body is the tool's arguments (the tool schemas use
//! Tavily's own field names), authenticated with the group's or admin's key as a bearer token.

use std::collections::BTreeMap;
use std::sync::Arc;

use reqwest::Method;
use serde_json::{Value, json};

use super::vendor_http::{DEFAULT_TIMEOUT, VendorHttp};
use super::vendor_rest::{RestServer, RestTool};
use super::vendor_tools::{required_param, url_param};
use super::{Catalogue, ParamOwner, TemplateError, TemplateInfo, TemplateParam};
use crate::tool_server::ToolServer;

pub(super) const INFO: TemplateInfo = TemplateInfo {
    name: "tavily",
    description: "Tavily AI search: web search, page extraction, site crawling and site maps",
    params: &[
        TemplateParam {
            name: "api_key",
            description: "Tavily API key (tvly-...)",
            set_by: ParamOwner::Group,
            required: true,
        },
        TemplateParam {
            name: "base_url",
            description: "Tavily API base URL (default https://api.tavily.com)",
            set_by: ParamOwner::Admin,
            required: false,
        },
    ],
    catalogue: Catalogue {
        description_zh: "Tavily AI 搜索：网页搜索、内容提取、站点爬取与站点地图",
        tags: &["search", "web", "crawling", "extraction"],
        readme: "Four tools on the Tavily API:\n\n\
- `tavily-search`: real-time web search with depth, topic, time range and domain filters\n\
- `tavily-extract`: the content of given URLs as Markdown or text\n\
- `tavily-crawl`: crawl a site from a URL, following instructions and path filters\n\
- `tavily-map`: the URLs of a site, without their content\n\n\
Each group sets its own `api_key`: sign up at [app.tavily.com](https://app.tavily.com) and copy \
the key (it starts with `tvly-`). Answers larger than 2 MiB are refused.",
        logo: "https://tavily.com/favicon.ico",
        homepage: "https://tavily.com",
        ..Catalogue::named("Tavily AI Search", "Tavily AI 搜索")
    },
};

/// The registry's [`super::Start`] for this template.
pub(super) fn start(
    params: &BTreeMap<String, String>,
) -> Result<Arc<dyn ToolServer>, TemplateError> {
    let api_key = required_param(params, "api_key")?;
    let base_url = url_param(params, "base_url", "https://api.tavily.com")?;
    let vendor = VendorHttp::new("tavily", base_url, DEFAULT_TIMEOUT)?.with_bearer(api_key);
    Ok(RestServer::start(vendor, TOOLS))
}

const TOOLS: &[RestTool] = &[
    RestTool {
        name: "tavily-search",
        description: "Real-time web search with Tavily's AI search engine: relevant web content with filters for result count, topic, time range and domains",
        method: || Method::POST,
        path: "/search",
        schema: search_schema,
    },
    RestTool {
        name: "tavily-extract",
        description: "Extract the content of web pages from their URLs",
        method: || Method::POST,
        path: "/extract",
        schema: extract_schema,
    },
    RestTool {
        name: "tavily-crawl",
        description: "Crawl a website from a base URL, following links in depth and breadth, and return the pages' content",
        method: || Method::POST,
        path: "/crawl",
        schema: crawl_schema,
    },
    RestTool {
        name: "tavily-map",
        description: "Map a website's structure: the URLs reachable from a base URL, without their content",
        method: || Method::POST,
        path: "/map",
        schema: map_schema,
    },
];

fn search_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "Search query"},
            "search_depth": {"type": "string", "enum": ["basic", "advanced"], "default": "basic"},
            "topic": {"type": "string", "enum": ["general", "news"], "default": "general"},
            "days": {"type": "number", "description": "Days back to search (news topic only)"},
            "time_range": {"type": "string", "enum": ["day", "week", "month", "year", "d", "w", "m", "y"]},
            "max_results": {"type": "number", "minimum": 1, "maximum": 20, "default": 10},
            "include_images": {"type": "boolean", "default": false},
            "include_image_descriptions": {"type": "boolean", "default": false},
            "include_raw_content": {"type": "boolean", "default": false},
            "include_domains": {"type": "array", "items": {"type": "string"}},
            "exclude_domains": {"type": "array", "items": {"type": "string"}},
            "country": {"type": "string", "description": "Boost results from this country (general topic only)"}
        },
        "required": ["query"]
    })
}

fn extract_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "urls": {"type": "array", "items": {"type": "string"}, "description": "URLs to extract content from"},
            "extract_depth": {"type": "string", "enum": ["basic", "advanced"], "default": "basic"},
            "include_images": {"type": "boolean", "default": false},
            "format": {"type": "string", "enum": ["markdown", "text"], "default": "markdown"}
        },
        "required": ["urls"]
    })
}

/// What crawl and map share: where to start and which links to follow.
fn site_properties() -> serde_json::Map<String, Value> {
    let properties = json!({
        "url": {"type": "string", "description": "The root URL to begin at"},
        "max_depth": {"type": "integer", "minimum": 1, "default": 1, "description": "How far from the base URL to go"},
        "max_breadth": {"type": "integer", "minimum": 1, "default": 20, "description": "Links followed per page"},
        "limit": {"type": "integer", "minimum": 1, "default": 50, "description": "Pages processed before stopping"},
        "instructions": {"type": "string", "description": "Natural-language instructions for the crawler"},
        "select_paths": {"type": "array", "items": {"type": "string"}, "description": "Regular expressions of paths to follow"},
        "select_domains": {"type": "array", "items": {"type": "string"}, "description": "Regular expressions of domains to follow"},
        "allow_external": {"type": "boolean", "default": false},
        "categories": {"type": "array", "items": {"type": "string"}, "description": "Predefined categories of pages to prefer"}
    });
    match properties {
        Value::Object(properties) => properties,
        _ => serde_json::Map::new(),
    }
}

fn crawl_schema() -> Value {
    let mut properties = site_properties();
    properties.insert(
        "extract_depth".to_owned(),
        json!({"type": "string", "enum": ["basic", "advanced"], "default": "basic"}),
    );
    properties.insert(
        "format".to_owned(),
        json!({"type": "string", "enum": ["markdown", "text"], "default": "markdown"}),
    );
    json!({"type": "object", "properties": properties, "required": ["url"]})
}

fn map_schema() -> Value {
    json!({"type": "object", "properties": site_properties(), "required": ["url"]})
}
