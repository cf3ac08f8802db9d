//! An operator's test of one (channel, model) pair: a tiny real request on the endpoint of the model's type, timed and judged.

use std::time::{Duration, Instant};

use futures::StreamExt;

use super::attempt::effective_timeouts;
use super::upstream_error::{scrub_secrets, scrubbed_error};
use super::{Inner, Relay};
use crate::host::{Channel, ChannelTimeouts};
use crate::model_type::ModelType;
use crate::provider::{Endpoint, authorize};
use crate::upstream::{ByteStream, read_body, send};

/// Longest error text a test result keeps: enough for an upstream's explanation, bounded so a
/// listing of every channel's results stays small.
const MAX_ERROR_CHARS: usize = 500;

/// Largest answer a test reads: a one-word request's answer (an embedding included) is far
/// smaller.
const MAX_TEST_BODY: usize = 1 << 20;

/// What one test of a (channel, model) pair found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelTestOutcome {
    /// The upstream answered 2xx (for the built-in `fake` type: answered in process).
    pub success: bool,
    /// The upstream's HTTP status; `None` when no answer came (unreachable, timed out).
    pub status: Option<u16>,
    /// From sending the request to the end of the answer.
    pub latency: Duration,
    /// Why it failed, with the channel's key and base URL taken out; empty on success.
    pub error: String,
    /// The endpoint the test called (`/v1/chat/completions`, `/v1/embeddings`, ...).
    pub endpoint: &'static str,
}

impl Relay {
    /// Tests `model` on `channel` with the endpoint its `model_type` is served on (chat when the
    /// model has no configuration), as a tiny request (`max_tokens` 1, one-word input) that must
    /// finish within `timeout`. Nothing is recorded in channel health or usage: a test is an
    /// operator's question, not traffic.
    pub async fn test_channel(
        &self,
        channel: &Channel,
        model: &str,
        model_type: Option<ModelType>,
        timeout: Duration,
    ) -> ChannelTestOutcome {
        let endpoint = test_endpoint(model_type);
        let started = Instant::now();
        let judged = tokio::time::timeout(timeout, self.inner.test_pair(channel, endpoint, model))
            .await
            .unwrap_or_else(|_| Judged {
                status: None,
                error: Some(format!(
                    "no complete answer within {} ms",
                    timeout.as_millis()
                )),
            });
        ChannelTestOutcome {
            success: judged.error.is_none(),
            status: judged.status,
            latency: started.elapsed(),
            error: judged
                .error
                .map(|error| bounded(&scrub_secrets(&error, channel)))
                .unwrap_or_default(),
            endpoint: endpoint.route(),
        }
    }
}

/// The endpoint a model of this type is tested on: the cheapest one that proves it is served.
/// Image, audio and video models are probed by the provider with a model listing, which costs nothing.
fn test_endpoint(model_type: Option<ModelType>) -> Endpoint {
    match model_type {
        None | Some(ModelType::Chat) => Endpoint::ChatCompletions,
        Some(ModelType::Completion) => Endpoint::Completions,
        Some(ModelType::Embedding) => Endpoint::Embeddings,
        Some(ModelType::Rerank) => Endpoint::Rerank,
        Some(ModelType::Moderation) => Endpoint::Moderations,
        Some(ModelType::Image) => Endpoint::ImagesGenerations,
        Some(ModelType::Audio) => Endpoint::AudioSpeech,
        Some(ModelType::Video) => Endpoint::Videos,
        Some(ModelType::Document) => Endpoint::ParsePdf,
    }
}

struct Judged {
    status: Option<u16>,
    error: Option<String>,
}

impl Inner {
    async fn test_pair(&self, channel: &Channel, endpoint: Endpoint, model: &str) -> Judged {
        let failed = |status, error: String| Judged {
            status,
            error: Some(error),
        };
        let upstream_model = channel
            .model_mapping
            .get(model)
            .map_or(model, String::as_str);
        let timeouts = effective_timeouts(
            self.config.timeouts,
            &channel.timeouts,
            &ChannelTimeouts::default(),
        );
        let provider = channel.kind.provider();
        let mut request = match provider.probe(channel, endpoint, upstream_model) {
            Ok(request) => request,
            Err(error) => return failed(None, error.to_string()),
        };
        if let Some(response) = provider.local_answer(channel, &request) {
            let status = response.status();
            return Judged {
                status: Some(status.as_u16()),
                error: (!status.is_success()).then(|| format!("answered {status}")),
            };
        }
        let client = match self
            .clients
            .get(channel.proxy_url.as_deref(), timeouts.connect)
        {
            Ok(client) => client,
            Err(error) => return failed(None, error.to_string()),
        };
        if let Err(error) = authorize(provider, channel, &client, &mut request).await {
            return failed(None, error.to_string());
        }
        let response = match send(&client, request, timeouts.first_byte).await {
            Ok(response) => response,
            Err(error) => return failed(None, error.to_string()),
        };
        let status = response.status();
        let mut body: ByteStream = response.bytes_stream().boxed();
        // The whole answer is read, so the latency covers the work and a body cut short fails.
        let body = read_body(&mut body, timeouts.stream_idle, MAX_TEST_BODY).await;
        if status.is_success() {
            return match body {
                Ok(_) => Judged {
                    status: Some(status.as_u16()),
                    error: None,
                },
                Err(error) => failed(Some(status.as_u16()), error.to_string()),
            };
        }
        let detail = body.ok().and_then(|body| {
            scrubbed_error(&body, channel)
                .map(|error| error.message)
                .or_else(|| {
                    let text = String::from_utf8_lossy(&body).trim().to_owned();
                    (!text.is_empty()).then_some(text)
                })
        });
        let error = match detail {
            Some(detail) => format!("HTTP {}: {detail}", status.as_u16()),
            None => format!("HTTP {}", status.as_u16()),
        };
        failed(Some(status.as_u16()), error)
    }
}

/// At most [`MAX_ERROR_CHARS`] characters, cut on a character boundary.
fn bounded(text: &str) -> String {
    match text.char_indices().nth(MAX_ERROR_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}
