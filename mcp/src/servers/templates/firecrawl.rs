//! The `firecrawl` template: Firecrawl's scrape, map, crawl, crawl status, search and extract
//! endpoints (API v1) as tools.
//!
//! Each tool is one call whose JSON body is the tool's arguments (the schemas use Firecrawl's
//! own camelCase field names), authenticated with the admin's key as a bearer token; `base_url`
//! points it at a self-hosted Firecrawl.

use std::collections::BTreeMap;
use std::sync::Arc;

use reqwest::Method;
use serde_json::{Value, json};

use super::vendor_http::{required_param, url_param};
use super::vendor_requests::{RestServer, RestTool, Vendor};
use super::{Catalogue, ParamOwner, TemplateError, TemplateInfo, TemplateParam};
use crate::tool_server::ToolServer;

pub(super) const INFO: TemplateInfo = TemplateInfo {
    name: "firecrawl",
    description: "Firecrawl web scraping: scrape, map, crawl, search and structured extraction",
    params: &[
        TemplateParam {
            name: "api_key",
            description: "Firecrawl API key (fc-...); any value for a self-hosted instance without auth",
            set_by: ParamOwner::Admin,
            required: true,
        },
        TemplateParam {
            name: "base_url",
            description: "Firecrawl API base URL (default https://api.firecrawl.dev; a self-hosted instance's URL)",
            set_by: ParamOwner::Admin,
            required: false,
        },
    ],
    catalogue: Catalogue {
        description_zh: "Firecrawl 网页抓取：单页抓取、站点地图、整站爬取、搜索与结构化提取",
        tags: &["web", "scraping", "crawling", "search", "extraction"],
        readme: "Tools on the Firecrawl API (v1):\n\n\
- `firecrawl_scrape`: one page as Markdown, HTML, links or a screenshot\n\
- `firecrawl_map`: the URLs of a site\n\
- `firecrawl_crawl`: start crawling a site; answers a job id\n\
- `firecrawl_check_crawl_status`: a crawl job's progress and pages\n\
- `firecrawl_search`: web search, optionally scraping each result\n\
- `firecrawl_extract`: structured data from pages, by prompt or JSON Schema\n\n\
The admin sets `api_key`: create one at [firecrawl.dev](https://www.firecrawl.dev/app/api-keys). \
For a self-hosted Firecrawl set `base_url` to its address. Answers larger than 2 MiB are refused.",
        logo: "https://www.firecrawl.dev/favicon.ico",
        homepage: "https://www.firecrawl.dev",
        ..Catalogue::named("Firecrawl", "Firecrawl 网页抓取")
    },
};

/// The registry's [`super::Start`] for this template.
pub(super) fn start(
    params: &BTreeMap<String, String>,
) -> Result<Arc<dyn ToolServer>, TemplateError> {
    let api_key = required_param(params, "api_key")?;
    let vendor = Vendor::new(
        "firecrawl",
        url_param(params, "base_url", "https://api.firecrawl.dev")?,
        api_key,
    );
    Ok(RestServer::start(vendor, TOOLS))
}

const TOOLS: &[RestTool] = &[
    RestTool {
        name: "firecrawl_scrape",
        description: "Scrape one web page: its content as Markdown, HTML, links or a screenshot",
        method: || Method::POST,
        path: "/v1/scrape",
        schema: scrape_schema,
    },
    RestTool {
        name: "firecrawl_map",
        description: "Discover the URLs of a website from a starting URL",
        method: || Method::POST,
        path: "/v1/map",
        schema: map_schema,
    },
    RestTool {
        name: "firecrawl_crawl",
        description: "Start crawling a website; answers a job id for firecrawl_check_crawl_status",
        method: || Method::POST,
        path: "/v1/crawl",
        schema: crawl_schema,
    },
    RestTool {
        name: "firecrawl_check_crawl_status",
        description: "A crawl job's status and the pages crawled so far",
        method: || Method::GET,
        path: "/v1/crawl/{id}",
        schema: || {
            json!({
                "type": "object",
                "properties": {"id": {"type": "string", "description": "The crawl job id"}},
                "required": ["id"]
            })
        },
    },
    RestTool {
        name: "firecrawl_search",
        description: "Search the web, optionally scraping each result's content",
        method: || Method::POST,
        path: "/v1/search",
        schema: search_schema,
    },
    RestTool {
        name: "firecrawl_extract",
        description: "Extract structured data from web pages with a prompt or a JSON Schema",
        method: || Method::POST,
        path: "/v1/extract",
        schema: extract_schema,
    },
];

fn formats() -> Value {
    json!({
        "type": "array",
        "items": {"type": "string", "enum": ["markdown", "html", "rawHtml", "screenshot", "links", "screenshot@fullPage", "extract"]},
        "default": ["markdown"]
    })
}

fn scrape_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "url": {"type": "string", "description": "The URL to scrape"},
            "formats": formats(),
            "onlyMainContent": {"type": "boolean", "description": "Only the main content, without headers, navigation and footers"},
            "includeTags": {"type": "array", "items": {"type": "string"}},
            "excludeTags": {"type": "array", "items": {"type": "string"}},
            "waitFor": {"type": "number", "description": "Milliseconds to wait for dynamic content"},
            "timeout": {"type": "number", "description": "Milliseconds before the page load is abandoned"},
            "mobile": {"type": "boolean"},
            "skipTlsVerification": {"type": "boolean"}
        },
        "required": ["url"]
    })
}

fn map_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "url": {"type": "string", "description": "The URL to start from"},
            "search": {"type": "string", "description": "Only URLs matching this search"},
            "ignoreSitemap": {"type": "boolean"},
            "sitemapOnly": {"type": "boolean"},
            "includeSubdomains": {"type": "boolean"},
            "limit": {"type": "number", "description": "Most URLs to return"}
        },
        "required": ["url"]
    })
}

fn crawl_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "url": {"type": "string", "description": "The URL to start crawling from"},
            "excludePaths": {"type": "array", "items": {"type": "string"}},
            "includePaths": {"type": "array", "items": {"type": "string"}},
            "maxDepth": {"type": "number"},
            "ignoreSitemap": {"type": "boolean"},
            "limit": {"type": "number", "description": "Most pages to crawl"},
            "allowBackwardLinks": {"type": "boolean"},
            "allowExternalLinks": {"type": "boolean"},
            "deduplicateSimilarURLs": {"type": "boolean"},
            "ignoreQueryParameters": {"type": "boolean"}
        },
        "required": ["url"]
    })
}

fn search_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "The search query"},
            "limit": {"type": "number", "description": "Most results (default 5)"},
            "lang": {"type": "string", "description": "Language code (default en)"},
            "country": {"type": "string", "description": "Country code (default us)"},
            "tbs": {"type": "string", "description": "Time filter, e.g. qdr:d for the past day"},
            "filter": {"type": "string"},
            "scrapeOptions": {
                "type": "object",
                "properties": {
                    "formats": formats(),
                    "onlyMainContent": {"type": "boolean"},
                    "waitFor": {"type": "number"}
                }
            }
        },
        "required": ["query"]
    })
}

fn extract_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "urls": {"type": "array", "items": {"type": "string"}, "description": "URLs to extract from"},
            "prompt": {"type": "string", "description": "What to extract"},
            "systemPrompt": {"type": "string"},
            "schema": {"type": "object", "description": "JSON Schema of the data to extract"},
            "allowExternalLinks": {"type": "boolean"},
            "enableWebSearch": {"type": "boolean"},
            "includeSubdomains": {"type": "boolean"}
        },
        "required": ["urls"]
    })
}
