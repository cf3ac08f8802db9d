//! Search engines in their own wire formats: Google Programmable Search (Custom Search JSON API), Bing Web Search v7, the arXiv API (Atom) and SearXNG (`format=json`).
//!
//! Keys travel as each engine expects them (Google's in the query string, Bing's in a header)
//! and never appear in an error: errors are built without the request URL.

use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use serde::Deserialize;
use serde_json::Value;

/// Largest search-engine answer read: a page of results is tens of kilobytes; an engine (or
/// whatever answers at its address) sending more is not buffered into memory.
pub(super) const MAX_ENGINE_ANSWER: usize = 4 * 1024 * 1024;

/// A response body read in full, or an error as soon as it passes `limit` bytes.
pub(super) async fn bounded_body(
    response: reqwest::Response,
    limit: usize,
) -> Result<Bytes, String> {
    let too_large = || format!("answer is larger than {limit} bytes");
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(too_large());
    }
    let mut body = BytesMut::new();
    let mut chunks = response.bytes_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|error| format!("body failed: {}", error.without_url()))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchResult {
    pub title: String,
    pub url: String,
    pub snippet: String,
}

/// A configured engine.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Engine {
    Google {
        api_key: String,
        /// The Programmable Search Engine id.
        cx: Option<String>,
        base_url: Option<String>,
    },
    Bing {
        api_key: Option<String>,
        base_url: Option<String>,
    },
    Arxiv {
        base_url: Option<String>,
    },
    Searxng {
        base_url: Option<String>,
        /// Sent as a bearer token, for instances behind an authenticating proxy.
        api_key: Option<String>,
    },
}

impl Engine {
    pub fn name(&self) -> &'static str {
        match self {
            Engine::Google { .. } => "google",
            Engine::Bing { .. } => "bing",
            Engine::Arxiv { .. } => "arxiv",
            Engine::Searxng { .. } => "searxng",
        }
    }

    /// What a configuration must have beyond its shape.
    pub(super) fn check(&self) -> Result<(), String> {
        let empty =
            |value: &Option<String>| value.as_deref().is_none_or(|value| value.trim().is_empty());
        match self {
            Engine::Google { cx, .. } if empty(cx) => Err("engine google needs cx".to_owned()),
            Engine::Google { api_key, .. } if api_key.trim().is_empty() => {
                Err("engine google needs api_key".to_owned())
            }
            Engine::Bing { api_key, .. } if empty(api_key) => {
                Err("engine bing needs api_key".to_owned())
            }
            Engine::Searxng { base_url, .. } if empty(base_url) => {
                Err("engine searxng needs base_url".to_owned())
            }
            _ => {
                let base = match self {
                    Engine::Google { base_url, .. }
                    | Engine::Bing { base_url, .. }
                    | Engine::Arxiv { base_url }
                    | Engine::Searxng { base_url, .. } => base_url,
                };
                match base {
                    Some(base) if reqwest::Url::parse(base).is_err() => {
                        Err(format!("engine {}: base_url is not a URL", self.name()))
                    }
                    _ => Ok(()),
                }
            }
        }
    }

    /// Searches `query`, at most `limit` results.
    pub async fn search(
        &self,
        http: &reqwest::Client,
        query: &str,
        limit: usize,
    ) -> Result<Vec<SearchResult>, String> {
        let limit_text = limit.to_string();
        let request = match self {
            Engine::Google {
                api_key,
                cx,
                base_url,
            } => {
                let url = endpoint(
                    base_url,
                    "https://www.googleapis.com",
                    "/customsearch/v1",
                    &[
                        ("key", api_key),
                        ("cx", cx.as_deref().unwrap_or_default()),
                        ("q", query),
                        // The API returns at most 10 per page.
                        ("num", &limit.min(10).to_string()),
                    ],
                )?;
                http.get(url)
            }
            Engine::Bing { api_key, base_url } => {
                let url = endpoint(
                    base_url,
                    "https://api.bing.microsoft.com",
                    "/v7.0/search",
                    &[
                        ("q", query),
                        ("count", &limit_text),
                        ("responseFilter", "Webpages"),
                    ],
                )?;
                http.get(url).header(
                    "Ocp-Apim-Subscription-Key",
                    api_key.as_deref().unwrap_or_default(),
                )
            }
            Engine::Arxiv { base_url } => {
                let url = endpoint(
                    base_url,
                    "https://export.arxiv.org",
                    "/api/query",
                    &[
                        ("search_query", &format!("all:{query}")),
                        ("start", "0"),
                        ("max_results", &limit_text),
                    ],
                )?;
                http.get(url)
            }
            Engine::Searxng { base_url, api_key } => {
                let url = endpoint(base_url, "", "/search", &[("q", query), ("format", "json")])?;
                let request = http.get(url);
                match api_key {
                    Some(key) => request.bearer_auth(key),
                    None => request,
                }
            }
        };
        let response = request
            .send()
            .await
            .map_err(|error| format!("request failed: {}", error.without_url()))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("answered {status}"));
        }
        let body = bounded_body(response, MAX_ENGINE_ANSWER).await?;
        let mut results = match self {
            Engine::Arxiv { .. } => parse_arxiv(&body)?,
            _ => {
                let value = serde_json::from_slice::<Value>(&body)
                    .map_err(|_| "answer is not JSON".to_owned())?;
                parse_json(self, &value)
            }
        };
        results.truncate(limit);
        Ok(results)
    }
}

fn endpoint(
    base_url: &Option<String>,
    default: &str,
    path: &str,
    query: &[(&str, &str)],
) -> Result<reqwest::Url, String> {
    let base = base_url.as_deref().unwrap_or(default).trim_end_matches('/');
    let mut url = reqwest::Url::parse(&format!("{base}{path}"))
        .map_err(|_| "base_url is not a URL".to_owned())?;
    url.query_pairs_mut().extend_pairs(query);
    Ok(url)
}

/// Results of the JSON engines: Google `items[]{title, link, snippet}`, Bing
/// `webPages.value[]{name, url, snippet}`, SearXNG `results[]{title, url, content}`.
pub fn parse_json(engine: &Engine, value: &Value) -> Vec<SearchResult> {
    let (list, title, url, snippet) = match engine {
        Engine::Google { .. } => (value.get("items"), "title", "link", "snippet"),
        Engine::Bing { .. } => (value.pointer("/webPages/value"), "name", "url", "snippet"),
        Engine::Searxng { .. } => (value.get("results"), "title", "url", "content"),
        Engine::Arxiv { .. } => (None, "", "", ""),
    };
    let text = |item: &Value, key: &str| {
        item.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|item| SearchResult {
            title: text(item, title),
            url: text(item, url),
            snippet: text(item, snippet),
        })
        .filter(|result| !result.url.is_empty())
        .collect()
}

/// Results of the arXiv API: an Atom feed whose `entry` elements have `title`, `id` (the
/// abstract page) and `summary`.
pub fn parse_arxiv(body: &[u8]) -> Result<Vec<SearchResult>, String> {
    let text = std::str::from_utf8(body).map_err(|_| "answer is not UTF-8".to_owned())?;
    let document =
        roxmltree::Document::parse(text).map_err(|error| format!("answer is not XML: {error}"))?;
    let child_text = |node: roxmltree::Node<'_, '_>, name: &str| {
        node.children()
            .find(|child| child.has_tag_name(name))
            .and_then(|child| child.text())
            .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default()
    };
    Ok(document
        .root_element()
        .children()
        .filter(|node| node.has_tag_name("entry"))
        .map(|entry| SearchResult {
            title: child_text(entry, "title"),
            url: child_text(entry, "id"),
            snippet: child_text(entry, "summary"),
        })
        .filter(|result| !result.url.is_empty())
        .collect())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parses_each_engines_format() {
        let google = Engine::Google {
            api_key: "k".into(),
            cx: Some("c".into()),
            base_url: None,
        };
        let results = parse_json(
            &google,
            &json!({"kind": "customsearch#search", "items": [
            {"kind": "customsearch#result", "title": "Rust", "link": "https://rust-lang.org", "snippet": "A language", "displayLink": "rust-lang.org"}]}),
        );
        assert_eq!(
            results,
            [SearchResult {
                title: "Rust".into(),
                url: "https://rust-lang.org".into(),
                snippet: "A language".into()
            }]
        );
        let bing = Engine::Bing {
            api_key: Some("k".into()),
            base_url: None,
        };
        let results = parse_json(
            &bing,
            &json!({"_type": "SearchResponse", "webPages": {"totalEstimatedMatches": 1, "value": [
            {"id": "x", "name": "Tokio", "url": "https://tokio.rs", "snippet": "Async runtime"}]}}),
        );
        assert_eq!(results[0].title, "Tokio");
        let searxng = Engine::Searxng {
            base_url: Some("http://s".into()),
            api_key: None,
        };
        let results = parse_json(
            &searxng,
            &json!({"query": "q", "number_of_results": 1, "results": [
            {"title": "Axum", "url": "https://docs.rs/axum", "content": "Web framework", "engine": "duckduckgo"}]}),
        );
        assert_eq!(results[0].snippet, "Web framework");
        let atom = r#"<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
  <title type="html">ArXiv Query: search_query=all:rust</title>
  <opensearch:totalResults>1</opensearch:totalResults>
  <entry>
    <id>http://arxiv.org/abs/2101.00001v1</id>
    <title>Safe
      Systems</title>
    <summary>  Ownership types.
    </summary>
    <author><name>A. Author</name></author>
    <link href="http://arxiv.org/abs/2101.00001v1" rel="alternate" type="text/html"/>
  </entry>
</feed>"#;
        assert_eq!(
            parse_arxiv(atom.as_bytes()).unwrap(),
            [SearchResult {
                title: "Safe Systems".into(),
                url: "http://arxiv.org/abs/2101.00001v1".into(),
                snippet: "Ownership types.".into()
            }]
        );
        assert!(parse_arxiv(b"<feed").is_err());
    }
}
