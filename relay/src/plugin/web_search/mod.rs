//! The web search plugin: for requests that ask for it (a chat client's `web_search_options`, or
//! always with `"force": true`; the provider's own search tool for Responses, Anthropic and Gemini
//! clients), the last user message is rewritten into a search query by a configured model,
//! searched on the configured engines, and the results injected with numbered references; the
//! searches are counted for billing.
//!
//! Configuration:
//! ```json
//! {"force": false, "max_results": 5,
//!  "rewrite": {"model": "gpt-4o-mini"},
//!  "engines": [{"type": "google", "api_key": "…", "cx": "…"}, {"type": "bing", "api_key": "…"},
//!              {"type": "arxiv"}, {"type": "searxng", "base_url": "https://searx.example"}]}
//! ```
//! - `rewrite.model` alone goes through the relay itself as the caller's own request: admitted
//!   by the governor (its limits, quotas and balance; a refusal falls back to the message as
//!   the query), routed over its channels, logged and billed to it; with `base_url` (OpenAI-compatible, `…/v1`) and `api_key` it is a direct call.
//!   Without `rewrite` the user's message is the query. A failed rewrite falls back to it too.
//! - Every engine takes an optional `base_url` (a proxy or a test server).
//! - Engines run in parallel; results are interleaved, duplicates (same URL) dropped, and the
//!   first `max_results` injected as a system message just before the last user message (chat,
//!   Responses) or added to the system prompt (Anthropic, Gemini).
//! - The search tool a Responses, Anthropic or Gemini client sends (`web_search`,
//!   `web_search_20250305`, `googleSearch`) is answered by the gateway and taken out of the
//!   request, whatever the channel; `force` applies to chat clients only.
//!   A failing engine is logged (never its key) and skipped: the request goes on without it.
//! - `web_search_calls` counts engine requests that answered.

mod protocols;

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Answer, Exchange, Plugin, PluginRequest, PluginServices, config};
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::Endpoint;
use protocols::SearchProtocol;

use search_engines as engines;
pub use search_engines::{Engine, SearchResult};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WebSearchConfig {
    #[serde(default)]
    force: bool,
    #[serde(default = "default_max_results")]
    max_results: usize,
    rewrite: Option<Rewrite>,
    engines: Vec<Engine>,
}

fn default_max_results() -> usize {
    5
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rewrite {
    model: String,
    base_url: Option<String>,
    api_key: Option<String>,
}

pub(in crate::plugin) fn parse(value: &Value) -> Result<Arc<dyn Plugin>, String> {
    let config: WebSearchConfig = config(value)?;
    if config.engines.is_empty() {
        return Err("engines must name at least one engine".to_owned());
    }
    if config.max_results == 0 || config.max_results > 50 {
        return Err("max_results must be between 1 and 50".to_owned());
    }
    if let Some(rewrite) = &config.rewrite {
        if rewrite.model.trim().is_empty() {
            return Err("rewrite.model must not be empty".to_owned());
        }
        if rewrite.base_url.is_some() != rewrite.api_key.is_some() {
            return Err("rewrite.base_url and rewrite.api_key go together".to_owned());
        }
    }
    for engine in &config.engines {
        engine.check()?;
    }
    Ok(Arc::new(config))
}

const REWRITE_PROMPT: &str = "Rewrite the user's last message as one concise web search query. \
Answer with the query only, without quotes or explanations.";

#[async_trait::async_trait]
impl Plugin for WebSearchConfig {
    fn web_searches_at_most(&self, endpoint: Endpoint, body: &JsonObject) -> u32 {
        let Some(protocol) = SearchProtocol::of(endpoint) else {
            return 0;
        };
        if !(protocol.asks_for_search(body) || self.forced(protocol)) {
            return 0;
        }
        // One search per engine, counted only when it answers: at most this many.
        u32::try_from(self.engines.len()).unwrap_or(u32::MAX)
    }

    async fn before(
        &self,
        services: &PluginServices,
        request: &mut PluginRequest<'_>,
        exchange: &mut Exchange,
    ) -> Result<Option<Answer>, RelayError> {
        let Some(protocol) = SearchProtocol::of(request.endpoint) else {
            return Ok(None);
        };
        let asked = protocol.asks_for_search(request.body);
        if asked {
            // Upstreams without built-in search reject the request for it: the gateway
            // answers it.
            protocol.remove_search_request(request.body)?;
        }
        if !asked && !self.forced(protocol) {
            return Ok(None);
        }
        let Some(question) = protocol.question(request.body) else {
            return Ok(None);
        };
        if question.trim().is_empty() {
            return Ok(None);
        }
        let query = match &self.rewrite {
            Some(rewrite) => self
                .rewrite_query(services, request, rewrite, &question)
                .await
                .unwrap_or_else(|error| {
                    tracing::warn!(%error, "web search query rewrite failed; searching the message as it is");
                    question.clone()
                }),
            None => question.clone(),
        };
        let query: String = query.trim().chars().take(400).collect();
        let searches = self
            .engines
            .iter()
            .map(|engine| engine.search(&services.http, &query, self.max_results));
        let outcomes = futures::future::join_all(searches).await;
        let mut lists = Vec::new();
        for (engine, outcome) in self.engines.iter().zip(outcomes) {
            match outcome {
                Ok(results) => {
                    exchange.web_search_calls += 1;
                    lists.push(results);
                }
                Err(error) => {
                    tracing::warn!(engine = engine.name(), %error, "web search engine failed")
                }
            }
        }
        let results = interleave(lists, self.max_results);
        if results.is_empty() {
            return Ok(None);
        }
        protocol.add_references(request.body, &references(&query, &results))?;
        Ok(None)
    }
}

impl WebSearchConfig {
    /// `force` searches every chat request; other protocols search when they ask.
    fn forced(&self, protocol: SearchProtocol) -> bool {
        self.force && protocol == SearchProtocol::Chat
    }

    async fn rewrite_query(
        &self,
        services: &PluginServices,
        request: &PluginRequest<'_>,
        rewrite: &Rewrite,
        question: &str,
    ) -> Result<String, String> {
        let body = json!({"model": rewrite.model, "stream": false, "messages": [
            {"role": "system", "content": REWRITE_PROMPT},
            {"role": "user", "content": question},
        ]});
        let answer = match (&rewrite.base_url, &rewrite.api_key) {
            (Some(base_url), Some(api_key)) => {
                let url = format!("{}/chat/completions", base_url.trim_end_matches('/'));
                let response = services
                    .http
                    .post(url)
                    .bearer_auth(api_key)
                    .json(&body)
                    .send()
                    .await
                    .map_err(|error| format!("rewrite call failed: {}", error.without_url()))?;
                if !response.status().is_success() {
                    return Err(format!("rewrite model answered {}", response.status()));
                }
                let answer = engines::read_bounded(response, engines::MAX_ANSWER_BYTES).await?;
                let value = serde_json::from_slice::<Value>(&answer)
                    .map_err(|_| "rewrite answer is not JSON".to_owned())?;
                value["choices"][0]["message"]["content"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            }
            _ => {
                let completer = services
                    .completer()
                    .ok_or_else(|| "no in-relay completer".to_owned())?;
                completer
                    .complete(request.caller, request.client_ip, &rewrite.model, body)
                    .await?
            }
        };
        let answer = answer.trim().trim_matches('"').trim();
        if answer.is_empty() {
            return Err("rewrite model gave an empty query".to_owned());
        }
        Ok(answer.to_owned())
    }
}

/// Round-robin over the engines' lists, first occurrence of a URL kept.
fn interleave(lists: Vec<Vec<SearchResult>>, limit: usize) -> Vec<SearchResult> {
    let mut iterators = lists.into_iter().map(Vec::into_iter).collect::<Vec<_>>();
    let mut out: Vec<SearchResult> = Vec::new();
    loop {
        let mut progressed = false;
        for iterator in &mut iterators {
            if let Some(result) = iterator.next() {
                progressed = true;
                if out.len() < limit && !out.iter().any(|seen| seen.url == result.url) {
                    out.push(result);
                }
            }
        }
        if !progressed || out.len() >= limit {
            return out;
        }
    }
}

/// The injected system message: numbered references the answer can cite.
pub fn references(query: &str, results: &[SearchResult]) -> String {
    let mut text = format!("Web search results for \"{query}\":\n\n");
    for (index, result) in results.iter().enumerate() {
        text.push_str(&format!(
            "[{}] {}\n{}\n{}\n\n",
            index + 1,
            result.title.trim(),
            result.url.trim(),
            result.snippet.trim()
        ));
    }
    text.push_str(
        "Answer the user's question using these results where they help. Cite a source by its \
number in square brackets, like [1], right after the statement it supports.",
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(n: u32) -> SearchResult {
        SearchResult {
            title: format!("t{n}"),
            url: format!("https://x/{n}"),
            snippet: format!("s{n}"),
        }
    }

    #[test]
    fn interleaves_and_dedups() {
        let merged = interleave(
            vec![
                vec![result(1), result(2), result(3)],
                vec![result(2), result(4)],
            ],
            3,
        );
        let urls = merged.iter().map(|r| r.url.as_str()).collect::<Vec<_>>();
        assert_eq!(urls, ["https://x/1", "https://x/2", "https://x/4"]);
        let text = references("q", &merged);
        assert!(
            text.contains("[1] t1\nhttps://x/1\ns1") && text.contains("[3] t4"),
            "{text}"
        );
    }

    #[test]
    fn config_is_checked() {
        assert!(parse(&json!({"engines": []})).is_err());
        assert!(
            parse(&json!({"engines": [{"type": "google", "api_key": "k"}]})).is_err(),
            "google needs cx"
        );
        assert!(
            parse(&json!({"engines": [{"type": "searxng"}]})).is_err(),
            "searxng needs base_url"
        );
        assert!(
            parse(&json!({"engines": [{"type": "bing"}]})).is_err(),
            "bing needs a key"
        );
        assert!(parse(&json!({"engines": [{"type": "arxiv"}], "rewrite": {"model": "m", "base_url": "http://x"}})).is_err());
        assert!(parse(&json!({"engines": [{"type": "arxiv"}], "rewrite": {"model": "m"}})).is_ok());
    }
}
