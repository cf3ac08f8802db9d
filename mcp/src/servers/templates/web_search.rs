//! The `web-search` template: one `search` tool over the engines the relay's web-search plugin
//! has (Google, Bing, arXiv, SearXNG) plus Tavily and Jina, from the shared `search-engines`
//! crate so both search the same way.
//!
//! An engine is offered when its parameters are set (arXiv needs none); the caller picks one
//! by name or gets the admin's default.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock, Tool};
use search_engines::Engine;
use serde_json::json;

use super::{Catalogue, ParamOwner, TemplateError, TemplateInfo, TemplateParam, string_arg, tool};
use crate::tool_server::{ToolCall, ToolServer, tool_error};

/// An admin parameter of this template.
const fn admin(name: &'static str, description: &'static str) -> TemplateParam {
    TemplateParam {
        name,
        description,
        set_by: ParamOwner::Admin,
        required: false,
    }
}

pub(super) const INFO: TemplateInfo = TemplateInfo {
    name: "web-search",
    description: "Web search over Google, Bing, arXiv, SearXNG, Tavily or Jina",
    params: &[
        admin(
            "default_engine",
            "Engine used when a call names none: google, bing, arxiv, searxng, tavily or jina (default: the first configured of these)",
        ),
        admin(
            "max_results",
            "Results returned when a call does not say (default 5, at most 50)",
        ),
        admin("google_api_key", "Google Custom Search JSON API key"),
        admin("google_cx", "Google Programmable Search Engine id (cx)"),
        admin(
            "google_base_url",
            "Google API base URL (default https://www.googleapis.com)",
        ),
        admin("bing_api_key", "Bing Web Search subscription key"),
        admin(
            "bing_base_url",
            "Bing API base URL (default https://api.bing.microsoft.com)",
        ),
        admin(
            "arxiv_base_url",
            "arXiv API base URL (default https://export.arxiv.org)",
        ),
        admin(
            "searxng_base_url",
            "A SearXNG instance's URL (its JSON format enabled)",
        ),
        admin(
            "searxng_api_key",
            "Bearer token for a SearXNG behind an authenticating proxy",
        ),
        admin("tavily_api_key", "Tavily API key"),
        admin(
            "tavily_base_url",
            "Tavily API base URL (default https://api.tavily.com)",
        ),
        admin("jina_api_key", "Jina API key"),
        admin(
            "jina_base_url",
            "Jina search base URL (default https://s.jina.ai)",
        ),
    ],
    catalogue: Catalogue {
        description_zh: "网页搜索：Google、Bing、arXiv、SearXNG、Tavily 或 Jina",
        tags: &["search", "web", "academic"],
        readme: "One tool, `search`: a query on one engine, answering titles, URLs and snippets.\n\n\
An engine is offered once the admin configures it:\n\n\
- **Google**: `google_api_key` and `google_cx` from the \
[Programmable Search Engine](https://programmablesearchengine.google.com) console\n\
- **Bing**: `bing_api_key` (Azure, Bing Search resource)\n\
- **arXiv**: always on, no key\n\
- **SearXNG**: `searxng_base_url` of an instance with the JSON format enabled\n\
- **Tavily**: `tavily_api_key` from [app.tavily.com](https://app.tavily.com)\n\
- **Jina**: `jina_api_key` from [jina.ai](https://jina.ai/?sui=apikey)\n\n\
`default_engine` picks the engine a call gets when it names none.",
        logo: "",
        homepage: "https://docs.searxng.org",
        ..Catalogue::named("Web Search", "网页搜索")
    },
};

const DEFAULT_MAX_RESULTS: usize = 5;
const MOST_RESULTS: usize = 50;

/// The registry's [`super::Start`] for this template.
pub(super) fn start(
    params: &BTreeMap<String, String>,
) -> Result<Arc<dyn ToolServer>, TemplateError> {
    let engines = configured_engines(params)?;
    let default_engine = match param(params, "default_engine") {
        None => 0,
        Some(name) => engines
            .iter()
            .position(|engine| engine.name() == name)
            .ok_or_else(|| TemplateError::InvalidParam {
                name: "default_engine",
                reason: format!("engine {name} is not configured"),
            })?,
    };
    let max_results = match param(params, "max_results") {
        None => DEFAULT_MAX_RESULTS,
        Some(value) => value
            .parse::<usize>()
            .ok()
            .filter(|count| (1..=MOST_RESULTS).contains(count))
            .ok_or_else(|| TemplateError::InvalidParam {
                name: "max_results",
                reason: format!("expected a number from 1 to {MOST_RESULTS}"),
            })?,
    };
    Ok(Arc::new(WebSearchServer {
        engines,
        default_engine,
        max_results,
        http: search_engines::third_party_client(),
    }))
}

/// A parameter's trimmed value, `None` when absent or blank.
fn param(params: &BTreeMap<String, String>, name: &str) -> Option<String> {
    params
        .get(name)
        .map(|value| value.trim())
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}

/// Every engine whose parameters are set, in the order the parameters list them.
fn configured_engines(params: &BTreeMap<String, String>) -> Result<Vec<Engine>, TemplateError> {
    let get = |name| param(params, name);
    let mut engines = Vec::new();
    if let Some(api_key) = get("google_api_key") {
        engines.push(Engine::Google {
            api_key,
            cx: get("google_cx"),
            base_url: get("google_base_url"),
        });
    }
    if let Some(api_key) = get("bing_api_key") {
        engines.push(Engine::Bing {
            api_key: Some(api_key),
            base_url: get("bing_base_url"),
        });
    }
    engines.push(Engine::Arxiv {
        base_url: get("arxiv_base_url"),
    });
    if let Some(base_url) = get("searxng_base_url") {
        engines.push(Engine::Searxng {
            base_url: Some(base_url),
            api_key: get("searxng_api_key"),
        });
    }
    if let Some(api_key) = get("tavily_api_key") {
        engines.push(Engine::Tavily {
            api_key,
            base_url: get("tavily_base_url"),
        });
    }
    if let Some(api_key) = get("jina_api_key") {
        engines.push(Engine::Jina {
            api_key: Some(api_key),
            base_url: get("jina_base_url"),
        });
    }
    for engine in &engines {
        engine
            .check()
            .map_err(|reason| TemplateError::InvalidParam {
                name: "engines",
                reason,
            })?;
    }
    // The first configured engine with a key is a better default than arXiv, which only
    // knows papers: put arXiv last unless it is alone.
    engines.sort_by_key(|engine| matches!(engine, Engine::Arxiv { .. }));
    Ok(engines)
}

struct WebSearchServer {
    engines: Vec<Engine>,
    default_engine: usize,
    max_results: usize,
    http: reqwest::Client,
}

#[async_trait]
impl ToolServer for WebSearchServer {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        let names: Vec<&str> = self.engines.iter().map(Engine::name).collect();
        let default = self
            .engines
            .get(self.default_engine)
            .map_or("arxiv", Engine::name);
        Ok(vec![tool(
            "search",
            "Search the web (or arXiv papers) and return titles, URLs and snippets",
            json!({
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "The search query"},
                    "engine": {"type": "string", "enum": names, "default": default, "description": "The engine to search"},
                    "max_results": {"type": "integer", "minimum": 1, "maximum": MOST_RESULTS, "default": self.max_results}
                },
                "required": ["query"]
            }),
        )])
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        if call.name != "search" {
            return Err(ErrorData::invalid_params(
                format!("unknown tool: {}", call.name),
                None,
            ));
        }
        let query = match string_arg(&call.arguments, "query") {
            Some(query) if !query.trim().is_empty() => query.trim(),
            _ => return Ok(tool_error("query is required")),
        };
        let engine = match string_arg(&call.arguments, "engine") {
            None => self.engines.get(self.default_engine),
            Some(name) => match self.engines.iter().find(|engine| engine.name() == name) {
                Some(engine) => Some(engine),
                None => {
                    return Ok(tool_error(format!(
                        "engine {name} is not configured on this server"
                    )));
                }
            },
        };
        let Some(engine) = engine else {
            return Ok(tool_error("no engine is configured"));
        };
        let limit = call
            .arguments
            .as_ref()
            .and_then(|arguments| arguments.get("max_results"))
            .and_then(|value| value.as_u64())
            .map_or(self.max_results, |count| {
                usize::try_from(count).unwrap_or(MOST_RESULTS)
            })
            .clamp(1, MOST_RESULTS);
        let results = match engine.search(&self.http, query, limit).await {
            Ok(results) => results,
            Err(error) => return Ok(tool_error(format!("{} {error}", engine.name()))),
        };
        let results: Vec<_> = results
            .into_iter()
            .map(|result| json!({"title": result.title, "url": result.url, "snippet": result.snippet}))
            .collect();
        let answer = json!({"engine": engine.name(), "query": query, "results": results});
        let mut result = CallToolResult::success(vec![ContentBlock::text(answer.to_string())]);
        result.structured_content = Some(answer);
        Ok(CallToolResponse::Complete(result))
    }
}
