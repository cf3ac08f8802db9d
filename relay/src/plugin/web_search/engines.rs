//! Search engines in their own wire formats: Google Programmable Search (Custom Search JSON API),
//! Bing Web Search v7, the arXiv API (Atom) and SearXNG (`format=json`).
//!
//! Keys travel as each engine expects them (Google's in the query string, Bing's in a header)
//! and never appear in an error: errors are built without the request URL.

use serde::Deserialize;
use serde_json::Value;

/// Largest answer read from an engine or the rewrite model; a longer one is an error. Search
/// answers are tens of kilobytes; an engine is a third party, so its size is not trusted.
pub(super) const MAX_ANSWER_BYTES: usize = 2 * 1024 * 1024;

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
        let body = read_bounded(response, MAX_ANSWER_BYTES).await?;
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

/// The body of `response`, refused as soon as it is known to pass `limit` bytes (from its
/// declared length, or while reading), so a hostile answer costs at most `limit` bytes.
pub(super) async fn read_bounded(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, String> {
    let too_large = || format!("answer is larger than {limit} bytes");
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| format!("body failed: {}", error.without_url()))?
    {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
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
    use std::net::SocketAddr;

    use serde_json::json;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    /// A one-connection HTTP server: answers `head` (status line and headers), then `body_bytes`
    /// of body in 64 KiB writes until done or the client goes away. Yields the request head it
    /// read and how many body bytes it wrote.
    async fn engine(
        head: String,
        body_bytes: usize,
    ) -> (SocketAddr, tokio::task::JoinHandle<(String, usize)>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let Ok((mut socket, _)) = listener.accept().await else {
                return (String::new(), 0);
            };
            let mut request = vec![0u8; 8192];
            let read = socket.read(&mut request).await.unwrap_or(0);
            let request = String::from_utf8_lossy(&request[..read]).into_owned();
            if socket.write_all(head.as_bytes()).await.is_err() {
                return (request, 0);
            }
            let chunk = vec![b' '; 64 * 1024];
            let mut written = 0;
            while written < body_bytes {
                if socket.write_all(&chunk).await.is_err() {
                    break;
                }
                written += chunk.len();
            }
            (request, written)
        });
        (addr, task)
    }

    fn bing(addr: SocketAddr) -> Engine {
        Engine::Bing {
            api_key: Some("bing-secret".into()),
            base_url: Some(format!("http://{addr}")),
        }
    }

    /// A redirect used to be followed with the engine's key header attached (reqwest keeps
    /// custom headers across hosts); now it is an error and the target is never contacted.
    #[tokio::test]
    async fn engine_redirects_are_not_followed() {
        let (target, target_task) = engine(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"
                .to_owned(),
            0,
        )
        .await;
        let (redirecting, _) = engine(
            format!(
                "HTTP/1.1 302 Found\r\nlocation: http://{target}/steal\r\ncontent-length: 0\r\n\r\n"
            ),
            0,
        )
        .await;
        let http = crate::plugin::third_party_client();
        let error = bing(redirecting).search(&http, "q", 5).await.unwrap_err();
        assert!(error.contains("302"), "{error}");
        target_task.abort();
        let reached = target_task.await.ok();
        assert!(
            reached.is_none(),
            "the redirect target was contacted: {reached:?}"
        );
    }

    /// An answer with no declared length is read up to the limit and refused there; one that
    /// declares a larger length is refused before its body is read.
    #[tokio::test]
    async fn engine_answers_are_read_up_to_a_bound() {
        let huge = 64 * 1024 * 1024;
        let http = crate::plugin::third_party_client();
        for head in [
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n"
                .to_owned(),
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {huge}\r\n\r\n"
            ),
        ] {
            let (addr, task) = engine(head.clone(), huge).await;
            let error = bing(addr).search(&http, "q", 5).await.unwrap_err();
            assert!(error.contains("larger than"), "{head}: {error}");
            let (_, written) = task.await.unwrap();
            // The server stops when the client goes away: what it wrote is the limit plus
            // what socket buffers hold, far below the whole answer.
            assert!(
                written < huge / 4,
                "{head}: the server wrote {written} bytes"
            );
        }
    }

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
