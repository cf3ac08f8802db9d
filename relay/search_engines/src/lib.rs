//! Search engines in their own wire formats: Google Programmable Search (Custom Search JSON API),
//! Bing Web Search v7, the arXiv API (Atom), SearXNG (`format=json`), Tavily (`POST /search`)
//! and Jina search (`s.jina.ai`, JSON).
//!
//! A leaf crate so that the relay's web-search plugin and the mcp `web-search` template search
//! the same way without `mcp` depending on `relay`.
//!
//! Keys travel as each engine expects them (Google's in the query string, the others' in a
//! header) and never appear in an error: errors are built without the request URL, and an
//! engine's own error message is passed on with the key cut out should the engine echo it.

use serde::Deserialize;
use serde_json::Value;

/// Largest answer read from an engine or the rewrite model; a longer one is an error. Search
/// answers are tens of kilobytes; an engine is a third party, so its size is not trusted.
pub const MAX_ANSWER_BYTES: usize = 2 * 1024 * 1024;

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
    Tavily {
        api_key: String,
        base_url: Option<String>,
    },
    Jina {
        /// Optional: Jina answers keyless requests at a lower rate.
        api_key: Option<String>,
        base_url: Option<String>,
    },
}

impl Engine {
    pub fn name(&self) -> &'static str {
        match self {
            Engine::Google { .. } => "google",
            Engine::Bing { .. } => "bing",
            Engine::Arxiv { .. } => "arxiv",
            Engine::Searxng { .. } => "searxng",
            Engine::Tavily { .. } => "tavily",
            Engine::Jina { .. } => "jina",
        }
    }

    /// The key this engine sends, if any: what an error message must never show.
    fn api_key(&self) -> Option<&str> {
        match self {
            Engine::Google { api_key, .. } | Engine::Tavily { api_key, .. } => {
                Some(api_key.as_str())
            }
            Engine::Bing { api_key, .. }
            | Engine::Searxng { api_key, .. }
            | Engine::Jina { api_key, .. } => api_key.as_deref(),
            Engine::Arxiv { .. } => None,
        }
        .filter(|key| !key.is_empty())
    }

    /// What a configuration must have beyond its shape.
    pub fn check(&self) -> Result<(), String> {
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
            Engine::Tavily { api_key, .. } if api_key.trim().is_empty() => {
                Err("engine tavily needs api_key".to_owned())
            }
            _ => {
                let base = match self {
                    Engine::Google { base_url, .. }
                    | Engine::Bing { base_url, .. }
                    | Engine::Arxiv { base_url }
                    | Engine::Searxng { base_url, .. }
                    | Engine::Tavily { base_url, .. }
                    | Engine::Jina { base_url, .. } => base_url,
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
            Engine::Tavily { api_key, base_url } => {
                let url = endpoint(base_url, "https://api.tavily.com", "/search", &[])?;
                http.post(url)
                    .bearer_auth(api_key)
                    .json(&serde_json::json!({
                        "query": query,
                        // Tavily answers at most 20 per request.
                        "max_results": limit.min(20),
                    }))
            }
            Engine::Jina { api_key, base_url } => {
                let url = endpoint(base_url, "https://s.jina.ai", "/", &[("q", query)])?;
                let request = http
                    .get(url)
                    .header("Accept", "application/json")
                    // Titles, URLs and descriptions only: the pages' full text is not wanted.
                    .header("X-Respond-With", "no-content");
                match api_key {
                    Some(key) if !key.is_empty() => request.bearer_auth(key),
                    _ => request,
                }
            }
        };
        let response = request
            .send()
            .await
            .map_err(|error| format!("request failed: {}", error.without_url()))?;
        let status = response.status();
        if !status.is_success() {
            let body = read_bounded(response, MAX_ERROR_BYTES)
                .await
                .unwrap_or_default();
            return Err(match vendor_message(&body, self.api_key()) {
                Some(message) => format!("answered {status}: {message}"),
                None => format!("answered {status}"),
            });
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

/// Largest error answer read for its message; the rest is not needed to say what went wrong.
const MAX_ERROR_BYTES: usize = 16 * 1024;

/// Longest vendor message passed on, in characters.
const MAX_MESSAGE_CHARS: usize = 500;

/// What a vendor's error answer says, for the caller: the `message`, `error`, `detail` or
/// `error.message` field of a JSON answer, or a short plain-text body; with `secret` (the key
/// sent) replaced should the vendor echo it, and cut to a few hundred characters.
pub fn vendor_message(body: &[u8], secret: Option<&str>) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let message = match serde_json::from_str::<Value>(&text) {
        Ok(value) => {
            let field = |pointer: &str| {
                value
                    .pointer(pointer)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            };
            field("/error/message")
                .or_else(|| field("/message"))
                .or_else(|| field("/error"))
                .or_else(|| field("/detail"))
                .or_else(|| field("/detail/error"))
                .or_else(|| field("/readableMessage"))?
        }
        Err(_) if text.trim_start().starts_with('<') => return None,
        Err(_) => text.trim().to_owned(),
    };
    let message = match secret {
        Some(secret) if !secret.is_empty() => message.replace(secret, "[redacted]"),
        _ => message,
    };
    let message: String = message.chars().take(MAX_MESSAGE_CHARS).collect();
    (!message.trim().is_empty()).then_some(message)
}

/// The HTTP client for search engines and other vendors holding our keys: a redirect would
/// carry a key header to wherever it points, and an ambient proxy from the environment would
/// see every key and query.
pub fn third_party_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(std::time::Duration::from_secs(10))
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap_or_default()
}

/// The body of `response`, refused as soon as it is known to pass `limit` bytes (from its
/// declared length, or while reading), so a hostile answer costs at most `limit` bytes.
pub async fn read_bounded(
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
    // Without pairs, no query at all (`query_pairs_mut` would leave a bare `?`).
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    Ok(url)
}

/// Results of the JSON engines: Google `items[]{title, link, snippet}`, Bing
/// `webPages.value[]{name, url, snippet}`, SearXNG and Tavily `results[]{title, url, content}`,
/// Jina `data[]{title, url, description}`.
pub fn parse_json(engine: &Engine, value: &Value) -> Vec<SearchResult> {
    let (list, title, url, snippet) = match engine {
        Engine::Google { .. } => (value.get("items"), "title", "link", "snippet"),
        Engine::Bing { .. } => (value.pointer("/webPages/value"), "name", "url", "snippet"),
        Engine::Searxng { .. } | Engine::Tavily { .. } => {
            (value.get("results"), "title", "url", "content")
        }
        Engine::Jina { .. } => (value.get("data"), "title", "url", "description"),
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
        let http = third_party_client();
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
        let http = third_party_client();
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
        let tavily = Engine::Tavily {
            api_key: "k".into(),
            base_url: None,
        };
        let results = parse_json(
            &tavily,
            &json!({"query": "q", "answer": null, "images": [], "response_time": 0.9, "results": [
            {"title": "Serde", "url": "https://serde.rs", "content": "Serialization", "score": 0.8, "raw_content": null}]}),
        );
        assert_eq!(results[0].snippet, "Serialization");
        let jina = Engine::Jina {
            api_key: None,
            base_url: None,
        };
        let results = parse_json(
            &jina,
            &json!({"code": 200, "status": 20000, "data": [
            {"title": "Hyper", "url": "https://hyper.rs", "description": "HTTP library", "usage": {"tokens": 3}}]}),
        );
        assert_eq!(results[0].title, "Hyper");
        assert_eq!(results[0].snippet, "HTTP library");
    }

    #[test]
    fn vendor_messages_are_short_and_never_show_the_key() {
        let check = |body: &str, expected: Option<&str>| {
            assert_eq!(
                vendor_message(body.as_bytes(), Some("sk-secret")).as_deref(),
                expected,
                "{body}"
            );
        };
        check(
            r#"{"error": {"code": 400, "message": "API key sk-secret not valid"}}"#,
            Some("API key [redacted] not valid"),
        );
        check(
            r#"{"detail": {"error": "Unauthorized"}}"#,
            Some("Unauthorized"),
        );
        check(r#"{"message": "rate limited"}"#, Some("rate limited"));
        check("plain words\n", Some("plain words"));
        check("<html>bad gateway</html>", None);
        check(r#"{"unrelated": 1}"#, None);
        let long = format!(r#"{{"message": "{}"}}"#, "x".repeat(5000));
        assert_eq!(
            vendor_message(long.as_bytes(), None).map(|message| message.len()),
            Some(MAX_MESSAGE_CHARS)
        );
    }
}
