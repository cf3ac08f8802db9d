//! The `firecrawl` template: Firecrawl's scrape, map, crawl, crawl status, search and extract
//! endpoints (API v1) as tools, and its deep research and LLMs.txt jobs waited for.
//!
//! Each REST tool is one call whose JSON body is the tool's arguments (the schemas use
//! Firecrawl's own camelCase field names), authenticated with the admin's key as a bearer
//! token; `base_url` points it at a self-hosted Firecrawl. `firecrawl_deep_research` and
//! `firecrawl_generate_llmstxt` start an asynchronous job and poll it (every second, slowing
//! to every five) until it completes, fails, the call is cancelled or `job_timeout_seconds`
//! pass; while polling, a caller that sent a progress token gets a progress notification per
//! poll (seconds waited of the timeout, with the job's latest activity).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use reqwest::Method;
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, JsonObject, ProgressNotificationParam, Tool};
use serde_json::{Value, json};

use super::vendor_http::{DEFAULT_TIMEOUT, RequestBody, VendorHttp, VendorRequest, truncate_chars};
use super::vendor_rest::{RestServer, RestTool};
use super::vendor_tools::{required_param, seconds_param, text_result, url_param};
use super::{Catalogue, ParamOwner, TemplateError, TemplateInfo, TemplateParam, tool};
use crate::tool_server::{ToolCall, ToolServer, tool_error};

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
        TemplateParam {
            name: "job_timeout_seconds",
            description: "How long deep research and LLMs.txt generation are waited for (1-900 seconds, default 300)",
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
- `firecrawl_extract`: structured data from pages, by prompt or JSON Schema\n\
- `firecrawl_deep_research`: research a question across the web; answers the final analysis\n\
- `firecrawl_generate_llmstxt`: an llms.txt (and optionally llms-full.txt) for a site\n\n\
The admin sets `api_key`: create one at [firecrawl.dev](https://www.firecrawl.dev/app/api-keys). \
For a self-hosted Firecrawl set `base_url` to its address. Answers larger than 2 MiB are refused. \
Deep research and LLMs.txt generation are jobs the tool waits for, at most \
`job_timeout_seconds` (default 300), reporting progress while it waits.",
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
    let base_url = url_param(params, "base_url", "https://api.firecrawl.dev")?;
    let vendor = VendorHttp::new("firecrawl", base_url, DEFAULT_TIMEOUT)?.with_bearer(api_key);
    let job_timeout = seconds_param(
        params,
        "job_timeout_seconds",
        DEFAULT_JOB_TIMEOUT_SECONDS,
        (1, MAX_JOB_TIMEOUT_SECONDS),
    )?;
    Ok(Arc::new(FirecrawlServer {
        rest: RestServer {
            vendor,
            tools: TOOLS,
        },
        job_timeout,
    }))
}

const DEFAULT_JOB_TIMEOUT_SECONDS: u64 = 300;
const MAX_JOB_TIMEOUT_SECONDS: u64 = 900;
/// The first poll's wait; each next one waits twice as long, up to [`LAST_POLL_INTERVAL`]
/// (Firecrawl asks for a poll every few seconds, slower for long jobs).
const FIRST_POLL_INTERVAL: Duration = Duration::from_secs(1);
const LAST_POLL_INTERVAL: Duration = Duration::from_secs(5);
/// Characters of a job's activity repeated in a progress message.
const MAX_ACTIVITY_CHARS: usize = 200;

/// The REST tools, and the jobs a tool starts and waits for.
struct FirecrawlServer {
    rest: RestServer,
    job_timeout: Duration,
}

/// A tool that starts a Firecrawl job (`POST path`, the arguments as the body, answering an
/// `id`) and polls it (`GET path/{id}`) until its `status` is `completed` or `failed`.
struct JobTool {
    name: &'static str,
    description: &'static str,
    path: &'static str,
    schema: fn() -> Value,
    /// The argument the job cannot start without.
    required: &'static str,
    /// The tool's answer from the completed job's status document and the call's arguments.
    answer: fn(&Value, &JsonObject) -> String,
    /// The job's latest activity, for progress messages.
    activity: fn(&Value) -> Option<String>,
}

const JOBS: &[JobTool] = &[
    JobTool {
        name: "firecrawl_deep_research",
        description: "Research a question across the web (search, crawl and LLM analysis); waits for the job and answers the final analysis with its sources",
        path: "/v1/deep-research",
        schema: deep_research_schema,
        required: "query",
        answer: research_answer,
        activity: research_activity,
    },
    JobTool {
        name: "firecrawl_generate_llmstxt",
        description: "Generate an llms.txt (and optionally llms-full.txt) for a website; waits for the job",
        path: "/v1/llmstxt",
        schema: llmstxt_schema,
        required: "url",
        answer: llmstxt_answer,
        activity: |_| None,
    },
];

#[async_trait]
impl ToolServer for FirecrawlServer {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        let mut tools = self.rest.list_tools().await?;
        tools.extend(
            JOBS.iter()
                .map(|job| tool(job.name, job.description, (job.schema)())),
        );
        Ok(tools)
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        match JOBS.iter().find(|job| job.name == call.name) {
            Some(job) => Ok(self.run_job(job, &call).await),
            None => self.rest.call_tool(call).await,
        }
    }
}

impl FirecrawlServer {
    /// Starts `job` and waits for it, within the timeout; every failure is a tool error.
    async fn run_job(&self, job: &JobTool, call: &ToolCall) -> CallToolResponse {
        let arguments = call.arguments.clone().unwrap_or_default();
        let has_required = arguments
            .get(job.required)
            .and_then(Value::as_str)
            .is_some_and(|value| !value.trim().is_empty());
        if !has_required {
            return tool_error(format!("{} is required", job.required));
        }
        let body = Value::Object(arguments.clone());
        let started = match self
            .send_json(VendorRequest {
                body: RequestBody::Json(&body),
                ..VendorRequest::new(Method::POST, job.path)
            })
            .await
        {
            Ok(started) => started,
            Err(message) => return tool_error(message),
        };
        let Some(id) = started.get("id").and_then(Value::as_str) else {
            return tool_error(format!(
                "firecrawl did not start the job: {}",
                error_of(&started).unwrap_or("no job id in its answer")
            ));
        };
        let mut status_path = format!("{}/", job.path);
        status_path.extend(url::form_urlencoded::byte_serialize(id.as_bytes()));
        let waited_since = Instant::now();
        let mut interval = FIRST_POLL_INTERVAL;
        loop {
            tokio::select! {
                () = tokio::time::sleep(interval) => {}
                () = call.cancel.cancelled() => {
                    return tool_error(format!("cancelled; firecrawl job {id} may still run"));
                }
            }
            interval = (interval * 2).min(LAST_POLL_INTERVAL);
            let status = match self
                .send_json(VendorRequest::new(Method::GET, &status_path))
                .await
            {
                Ok(status) => status,
                Err(message) => return tool_error(message),
            };
            match state_of(&status) {
                Some("completed") => return text_result((job.answer)(&status, &arguments)),
                Some("failed" | "cancelled") => {
                    return tool_error(format!(
                        "firecrawl job {id} failed: {}",
                        error_of(&status).unwrap_or("no reason given")
                    ));
                }
                _ => {}
            }
            let waited = waited_since.elapsed();
            if waited >= self.job_timeout {
                return tool_error(format!(
                    "firecrawl job {id} is still running after {} s (job_timeout_seconds)",
                    self.job_timeout.as_secs()
                ));
            }
            if let Some(token) = &call.progress_token {
                let mut progress =
                    ProgressNotificationParam::new(token.clone(), waited.as_secs_f64())
                        .with_total(self.job_timeout.as_secs_f64());
                if let Some(activity) = (job.activity)(&status) {
                    progress = progress.with_message(activity);
                }
                if let Err(error) = call.notifier.progress(progress).await {
                    tracing::debug!(%error, "progress notification not delivered");
                }
            }
        }
    }

    /// One request to Firecrawl, its answer as JSON.
    async fn send_json(&self, request: VendorRequest<'_>) -> Result<Value, String> {
        let text = self.rest.vendor.send_text(request).await?;
        serde_json::from_str(&text).map_err(|_| "firecrawl answered something not JSON".to_owned())
    }
}

/// A job's state: `processing`, `completed` or `failed` (top level, or inside `data`).
fn state_of(status: &Value) -> Option<&str> {
    status
        .get("status")
        .or_else(|| status.pointer("/data/status"))
        .and_then(Value::as_str)
}

/// A Firecrawl error message (top level, or inside `data`).
fn error_of(answer: &Value) -> Option<&str> {
    answer
        .get("error")
        .or_else(|| answer.pointer("/data/error"))
        .and_then(Value::as_str)
        .filter(|error| !error.is_empty())
}

fn research_answer(status: &Value, _arguments: &JsonObject) -> String {
    let data = &status["data"];
    let mut answer = match data.get("finalAnalysis").and_then(Value::as_str) {
        Some(analysis) => analysis.to_owned(),
        None => data.get("json").map(Value::to_string).unwrap_or_default(),
    };
    let sources: Vec<String> = data
        .get("sources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|source| {
            let url = source.get("url").and_then(Value::as_str)?;
            Some(match source.get("title").and_then(Value::as_str) {
                Some(title) if !title.is_empty() => format!("- {title}: {url}"),
                _ => format!("- {url}"),
            })
        })
        .collect();
    if !sources.is_empty() {
        answer.push_str("\n\nSources:\n");
        answer.push_str(&sources.join("\n"));
    }
    answer
}

/// The latest activity of a research job, when it reports any.
fn research_activity(status: &Value) -> Option<String> {
    let activities = status.pointer("/data/activities")?.as_array()?;
    let message = activities.last()?.get("message")?.as_str()?;
    Some(truncate_chars(message, MAX_ACTIVITY_CHARS))
}

fn llmstxt_answer(status: &Value, arguments: &JsonObject) -> String {
    let data = &status["data"];
    let text = |field: &str| data.get(field).and_then(Value::as_str).unwrap_or_default();
    let mut answer = format!("llms.txt:\n\n{}", text("llmstxt"));
    let full_wanted = arguments.get("showFullText").and_then(Value::as_bool) == Some(true);
    if full_wanted && !text("llmsfulltxt").is_empty() {
        answer.push_str("\n\nllms-full.txt:\n\n");
        answer.push_str(text("llmsfulltxt"));
    }
    answer
}

fn deep_research_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "The question or topic to research"},
            "maxDepth": {"type": "number", "description": "Research iterations (1-10)"},
            "timeLimit": {"type": "number", "description": "Seconds the research may take (30-300)"},
            "maxUrls": {"type": "number", "description": "Most URLs analyzed (1-1000)"},
            "analysisPrompt": {"type": "string", "description": "How the final analysis is written"},
            "systemPrompt": {"type": "string"}
        },
        "required": ["query"]
    })
}

fn llmstxt_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "url": {"type": "string", "description": "The website to describe"},
            "maxUrls": {"type": "number", "description": "Most pages read"},
            "showFullText": {"type": "boolean", "description": "Also answer llms-full.txt"}
        },
        "required": ["url"]
    })
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
