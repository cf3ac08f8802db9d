//! A client for the legacy HTTP+SSE transport (rmcp no longer ships one): a GET stream that announces a POST endpoint, then carries the server's messages.

use std::collections::HashMap;
use std::sync::Arc;

use futures::StreamExt;
use rmcp::service::{RoleClient, RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;
use tokio::sync::mpsc;

use crate::host::RemoteEndpoint;
use crate::upstream_auth::{UpstreamBearer, UpstreamTokenError};

/// One parsed server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SseEvent {
    pub event: String,
    pub data: String,
}

/// The largest event an upstream may send (its data lines together, or one unfinished line),
/// the same bound as a client's message: past it the stream is dropped, not buffered.
pub(crate) const MAX_EVENT_BYTES: usize = 4 * 1024 * 1024;

/// An upstream event (or a line) past [`MAX_EVENT_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("upstream sse event larger than {0} bytes")]
pub(crate) struct EventTooLarge(pub usize);

/// Incremental SSE parser: feed byte chunks as they arrive, get complete events back.
///
/// Linear in its input: each byte is searched for a line end once (`scanned` remembers how far
/// the unfinished line was searched), and consumed lines are dropped once per chunk.
pub(crate) struct SseParser {
    pending: Vec<u8>,
    /// How much of `pending` is known to hold no line end.
    scanned: usize,
    event: String,
    data: String,
    has_data: bool,
    max_event_bytes: usize,
    /// Bytes examined for line ends, over the parser's life: the work counter tests read.
    bytes_examined: u64,
}

impl Default for SseParser {
    fn default() -> Self {
        Self::with_limit(MAX_EVENT_BYTES)
    }
}

impl SseParser {
    pub fn with_limit(max_event_bytes: usize) -> Self {
        Self {
            pending: Vec::new(),
            scanned: 0,
            event: String::new(),
            data: String::new(),
            has_data: false,
            max_event_bytes,
            bytes_examined: 0,
        }
    }

    /// Bytes examined for line ends so far (each input byte at most once).
    #[cfg(test)]
    pub fn bytes_examined(&self) -> u64 {
        self.bytes_examined
    }

    pub fn push(&mut self, chunk: &[u8]) -> Result<Vec<SseEvent>, EventTooLarge> {
        self.pending.extend_from_slice(chunk);
        let mut events = Vec::new();
        let mut line_start = 0;
        loop {
            let unsearched = &self.pending[self.scanned..];
            let found = unsearched.iter().position(|byte| *byte == b'\n');
            self.bytes_examined += found.map_or(unsearched.len(), |at| at + 1) as u64;
            let Some(offset) = found else {
                self.scanned = self.pending.len();
                break;
            };
            let end = self.scanned + offset;
            let line = String::from_utf8_lossy(&self.pending[line_start..end]).into_owned();
            line_start = end + 1;
            self.scanned = line_start;
            self.line(line.trim_end_matches('\r'), &mut events)?;
        }
        if line_start > 0 {
            self.pending.drain(..line_start);
            self.scanned -= line_start;
        }
        if self.pending.len() + self.data.len() > self.max_event_bytes {
            return Err(EventTooLarge(self.max_event_bytes));
        }
        Ok(events)
    }

    fn line(&mut self, line: &str, events: &mut Vec<SseEvent>) -> Result<(), EventTooLarge> {
        if line.is_empty() {
            if self.has_data || !self.event.is_empty() {
                let event = std::mem::take(&mut self.event);
                events.push(SseEvent {
                    event: if event.is_empty() {
                        "message".to_owned()
                    } else {
                        event
                    },
                    data: std::mem::take(&mut self.data),
                });
                self.has_data = false;
            }
            return Ok(());
        }
        if line.starts_with(':') {
            return Ok(());
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => {
                if value.len() > self.max_event_bytes {
                    return Err(EventTooLarge(self.max_event_bytes));
                }
                value.clone_into(&mut self.event);
            }
            "data" => {
                if self.data.len() + value.len() + 1 > self.max_event_bytes {
                    return Err(EventTooLarge(self.max_event_bytes));
                }
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            _ => {}
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum SseClientError {
    #[error("post to the message endpoint failed: {0}")]
    Post(String),
    #[error("message endpoint answered {0}")]
    Status(reqwest::StatusCode),
    #[error("{0}")]
    Authorization(UpstreamTokenError),
}

pub(crate) struct SseClientTransport {
    http: reqwest::Client,
    post_url: url::Url,
    headers: HashMap<http::HeaderName, http::HeaderValue>,
    /// The group's upstream OAuth token source, when the upstream wants one: every POST carries
    /// the current token, and one refused with 401 is sent once more with a refreshed token.
    bearer: Option<Arc<UpstreamBearer>>,
    inbound: mpsc::Receiver<RxJsonRpcMessage<RoleClient>>,
    reader: tokio::task::JoinHandle<()>,
}

impl SseClientTransport {
    /// Opens the stream and waits for the `endpoint` event.
    pub async fn connect(
        http: reqwest::Client,
        url: url::Url,
        headers: HashMap<http::HeaderName, http::HeaderValue>,
        endpoint: RemoteEndpoint,
        bearer: Option<Arc<UpstreamBearer>>,
    ) -> Result<Self, String> {
        let mut headers = headers;
        // The group's token replaces any configured one.
        if bearer.is_some() {
            headers.remove(&http::header::AUTHORIZATION);
        }
        let open = |token: Option<String>| {
            let mut request = http
                .get(url.clone())
                .header(http::header::ACCEPT, "text/event-stream");
            for (name, value) in &headers {
                request = request.header(name, value);
            }
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            request.send()
        };
        let token = match &bearer {
            Some(bearer) => Some(bearer.current().await.map_err(|error| error.to_string())?),
            None => None,
        };
        let mut response = open(token.clone())
            .await
            .map_err(super::upstream_http::describe)?;
        if let (Some(bearer), Some(rejected)) = (&bearer, &token)
            && response.status() == reqwest::StatusCode::UNAUTHORIZED
        {
            let retry = bearer
                .after_rejection(rejected)
                .await
                .map_err(|error| error.to_string())?;
            response = open(Some(retry))
                .await
                .map_err(super::upstream_http::describe)?;
        }
        if !response.status().is_success() {
            return Err(format!("sse endpoint answered {}", response.status()));
        }
        let mut body = response.bytes_stream();
        let mut parser = SseParser::default();
        let mut early = Vec::new();
        let post_url = 'found: loop {
            let Some(chunk) = body.next().await else {
                return Err("sse stream ended before the endpoint event".to_owned());
            };
            let chunk = chunk.map_err(super::upstream_http::describe)?;
            let mut events = parser
                .push(&chunk)
                .map_err(|error| error.to_string())?
                .into_iter();
            while let Some(event) = events.next() {
                if event.event == "endpoint" {
                    let post_url = url
                        .join(event.data.trim())
                        .map_err(|error| format!("bad endpoint event: {error}"))?;
                    // The configured headers (credentials) go only where the admin pointed.
                    if !super::upstream_http::same_origin(&url, &post_url) {
                        return Err(format!(
                            "endpoint event names another origin ({}), refused",
                            post_url.origin().ascii_serialization()
                        ));
                    }
                    early.extend(events);
                    break 'found post_url;
                }
            }
        };
        let post_url = super::url_with_query(&endpoint, post_url.as_str())?;
        let (sender, inbound) = mpsc::channel(64);
        let reader = tokio::spawn(async move {
            let deliver = |event: SseEvent| {
                let sender = sender.clone();
                async move {
                    if event.event != "message" {
                        return true;
                    }
                    match serde_json::from_str::<RxJsonRpcMessage<RoleClient>>(&event.data) {
                        Ok(message) => sender.send(message).await.is_ok(),
                        Err(error) => {
                            tracing::warn!(%error, "dropping malformed message from sse upstream");
                            true
                        }
                    }
                }
            };
            for event in early {
                if !deliver(event).await {
                    return;
                }
            }
            while let Some(Ok(chunk)) = body.next().await {
                let events = match parser.push(&chunk) {
                    Ok(events) => events,
                    Err(error) => {
                        // Dropping the stream ends the session; the next call reconnects.
                        tracing::warn!(%error, "closing an sse upstream");
                        return;
                    }
                };
                for event in events {
                    if !deliver(event).await {
                        return;
                    }
                }
            }
            // Dropping the sender ends `receive`, which closes the rmcp service.
        });
        Ok(Self {
            http,
            post_url,
            headers,
            bearer,
            inbound,
            reader,
        })
    }
}

impl Transport<RoleClient> for SseClientTransport {
    type Error = SseClientError;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleClient>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let mut request = self.http.post(self.post_url.clone()).json(&item);
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let bearer = self.bearer.clone();
        async move {
            let send = |request: reqwest::RequestBuilder, token: Option<&str>| {
                let request = match token {
                    Some(token) => request.bearer_auth(token),
                    None => request,
                };
                async move {
                    request.send().await.map_err(|error| {
                        SseClientError::Post(super::upstream_http::describe(error))
                    })
                }
            };
            let token = match &bearer {
                Some(bearer) => Some(
                    bearer
                        .current()
                        .await
                        .map_err(SseClientError::Authorization)?,
                ),
                None => None,
            };
            let retry_request = request.try_clone();
            let mut response = send(request, token.as_deref()).await?;
            if let (Some(bearer), Some(rejected), Some(retry_request)) =
                (&bearer, &token, retry_request)
                && response.status() == reqwest::StatusCode::UNAUTHORIZED
            {
                let retry = bearer
                    .after_rejection(rejected)
                    .await
                    .map_err(SseClientError::Authorization)?;
                response = send(retry_request, Some(&retry)).await?;
            }
            if response.status().is_success() {
                Ok(())
            } else {
                Err(SseClientError::Status(response.status()))
            }
        }
    }

    fn receive(&mut self) -> impl Future<Output = Option<RxJsonRpcMessage<RoleClient>>> + Send {
        self.inbound.recv()
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        self.reader.abort();
        Ok(())
    }
}

impl Drop for SseClientTransport {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_across_chunks() {
        let mut parser = SseParser::default();
        assert!(
            parser
                .push(b"event: endpoint\r\ndata: /messages?session")
                .unwrap()
                .is_empty()
        );
        let events = parser
            .push(b"Id=1\r\n\r\n: keep-alive\n\ndata: {\"a\":\ndata: 1}\n\n")
            .unwrap();
        assert_eq!(
            events,
            vec![
                SseEvent {
                    event: "endpoint".into(),
                    data: "/messages?sessionId=1".into()
                },
                SseEvent {
                    event: "message".into(),
                    data: "{\"a\":\n1}".into()
                },
            ]
        );
    }

    #[test]
    fn a_long_line_in_small_chunks_is_examined_once() {
        // Before: each chunk searched the whole unfinished line again (quadratic).
        let mut parser = SseParser::default();
        let line = vec![b'x'; 256 * 1024];
        parser.push(b"data: ").unwrap();
        for piece in line.chunks(64) {
            assert!(parser.push(piece).unwrap().is_empty());
        }
        let events = parser.push(b"\n\n").unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].data.len(), line.len());
        let total = (6 + line.len() + 2) as u64;
        assert!(
            parser.bytes_examined() <= total,
            "{}",
            parser.bytes_examined()
        );
    }

    #[test]
    fn an_endless_line_or_event_is_refused_at_the_limit() {
        let mut parser = SseParser::with_limit(1024);
        parser.push(b"data: ").unwrap();
        let mut refused = false;
        for _ in 0..64 {
            if parser.push(&[b'y'; 100]).is_err() {
                refused = true;
                break;
            }
        }
        assert!(refused, "an unfinished line past the limit is an error");
        let mut parser = SseParser::with_limit(1024);
        let mut refused = false;
        for _ in 0..64 {
            // Many short data lines of one event add up too.
            if parser
                .push(&[b"data: ".as_slice(), &[b'z'; 90], b"\n"].concat())
                .is_err()
            {
                refused = true;
                break;
            }
        }
        assert!(refused, "an event's data past the limit is an error");
    }

    proptest::proptest! {
        // 256 cases by default; PROPTEST_CASES=100000 runs longer.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(256)
        ))]

        /// Arbitrary bytes cut anywhere: no panic, each byte examined at most once, and the
        /// same events whatever the cuts.
        #[test]
        fn arbitrary_bytes_parse_linearly_whatever_the_chunking(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4096),
            cuts in proptest::collection::vec(0usize..4096, 0..16),
        ) {
            let mut whole = SseParser::with_limit(1 << 20);
            let expected = whole.push(&bytes);
            let mut cuts: Vec<usize> = cuts.into_iter().map(|cut| cut.min(bytes.len())).collect();
            cuts.sort_unstable();
            let mut parser = SseParser::with_limit(1 << 20);
            let mut events = Vec::new();
            let mut from = 0;
            for cut in cuts.into_iter().chain([bytes.len()]) {
                events.extend(parser.push(&bytes[from..cut]).unwrap());
                from = cut;
            }
            proptest::prop_assert_eq!(Ok(events), expected);
            proptest::prop_assert!(parser.bytes_examined() <= bytes.len() as u64);
        }
    }
}
