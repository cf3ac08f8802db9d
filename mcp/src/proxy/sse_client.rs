//! A client for the legacy HTTP+SSE transport (rmcp no longer ships one): a GET stream that announces a POST endpoint, then carries the server's messages.

use std::collections::HashMap;

use futures::StreamExt;
use rmcp::service::{RoleClient, RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;
use tokio::sync::mpsc;

use crate::directory::RemoteEndpoint;

/// One parsed server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SseEvent {
    pub event: String,
    pub data: String,
}

/// Incremental SSE parser: feed byte chunks as they arrive, get complete events back.
#[derive(Default)]
pub(crate) struct SseParser {
    pending: Vec<u8>,
    event: String,
    data: Vec<String>,
}

impl SseParser {
    /// Bytes held back waiting for the end of their line.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    pub fn push(&mut self, chunk: &[u8]) -> Vec<SseEvent> {
        self.pending.extend_from_slice(chunk);
        let mut events = Vec::new();
        while let Some(end) = self.pending.iter().position(|byte| *byte == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                if !self.data.is_empty() || !self.event.is_empty() {
                    let event = std::mem::take(&mut self.event);
                    events.push(SseEvent {
                        event: if event.is_empty() {
                            "message".to_owned()
                        } else {
                            event
                        },
                        data: self.data.join("\n"),
                    });
                    self.data.clear();
                }
                continue;
            }
            if line.starts_with(':') {
                continue;
            }
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "event" => value.clone_into(&mut self.event),
                "data" => self.data.push(value.to_owned()),
                _ => {}
            }
        }
        events
    }
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum SseClientError {
    #[error("post to the message endpoint failed: {0}")]
    Post(String),
    #[error("message endpoint answered {0}")]
    Status(reqwest::StatusCode),
}

pub(crate) struct SseClientTransport {
    http: reqwest::Client,
    post_url: url::Url,
    headers: HashMap<http::HeaderName, http::HeaderValue>,
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
    ) -> Result<Self, String> {
        let mut request = http
            .get(url.clone())
            .header(http::header::ACCEPT, "text/event-stream");
        for (name, value) in &headers {
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(|error| error.to_string())?;
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
            let chunk = chunk.map_err(|error| error.to_string())?;
            let mut events = parser.push(&chunk).into_iter();
            while let Some(event) = events.next() {
                if event.event == "endpoint" {
                    let post_url = url
                        .join(event.data.trim())
                        .map_err(|error| format!("bad endpoint event: {error}"))?;
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
                for event in parser.push(&chunk) {
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
        async move {
            let response = request
                .send()
                .await
                .map_err(|error| SseClientError::Post(error.without_url().to_string()))?;
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
                .is_empty()
        );
        let events = parser.push(b"Id=1\r\n\r\n: keep-alive\n\ndata: {\"a\":\ndata: 1}\n\n");
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
}
