//! `POST /v1/parse/pdf`: an uploaded PDF parsed into markdown by a channel's document API, one job per request, billed per page.
//!
//! The upload is multipart: `model`, `file`, optional `response_format`.
//!
//! The upload is bounded by the relay's body limit and must be a PDF (its `%PDF-` header)
//! before anything goes upstream. The job is submitted to a channel, then its status is read,
//! at growing intervals (0.5 s up to 5 s), until its pages are ready or the request's response
//! timeout has passed. A channel that fails before the job is submitted is replaced by another
//! one, as any request's; once submitted, the job is not submitted again elsewhere (the
//! upstream may already be parsing, and charging, it). The answer is the seed's:
//! `{"pages": N, "markdown": "..."}`, or with `response_format=list` the pages apart in
//! `markdowns`. The pages the upstream parsed are the record's media units (`pages`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures::StreamExt;

use super::Inner;
use super::attempt::effective_timeouts;
use super::auth::check_model_allowed;
use super::request::{Payload, bad_request, parse_request, read_request_body};
use super::routes::UrlFacts;
use super::upstream_error::upstream_error;
use crate::error::RelayError;
use crate::host::{Channel, ModelSettings};
use crate::provider::{DocumentApi, DocumentProgress, Endpoint, UpstreamRequest};
use crate::request_id::request_id;
use crate::select::{Pick, pick};
use crate::upstream::{ByteStream, read_body, send};
use crate::usage::PendingRecord;
use crate::vocabulary::Face;

/// Largest answer read from a document API: a status answer carries every page's markdown.
const MAX_DOCUMENT_ANSWER_BYTES: usize = 64 * 1024 * 1024;
/// The first wait between two status reads, and the longest.
const FIRST_POLL: Duration = Duration::from_millis(500);
const LONGEST_POLL: Duration = Duration::from_secs(5);
/// How far into the file its `%PDF-` header may be (the PDF specification lets readers accept
/// bytes before it; 1024 is what they look through).
const PDF_HEADER_WINDOW: usize = 1024;

/// How the client wants the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// One markdown text.
    Whole,
    /// One markdown text per page (`response_format=list`).
    List,
}

/// How one attempt on a channel ended: its job's pages, or an error and whether the job had
/// been submitted (then it is not tried again elsewhere).
struct Attempted {
    result: Result<Vec<String>, RelayError>,
    submitted: bool,
}

impl Inner {
    pub(super) async fn parse_pdf(&self, request: Request) -> Response {
        let started = Instant::now();
        let (parts, body) = request.into_parts();
        let mut pending = PendingRecord::start(
            Arc::clone(&self.usage),
            request_id(&parts),
            Endpoint::ParsePdf.route(),
            started,
        );
        let mut limit_headers = Vec::new();
        let mut response = match self
            .document(&parts, body, &mut pending, &mut limit_headers)
            .await
        {
            Ok(response) => response,
            Err(error) => self.fail(pending, error, Face::OpenAi),
        };
        response.headers_mut().extend(limit_headers);
        response
    }

    async fn document(
        &self,
        parts: &Parts,
        body: Body,
        pending: &mut PendingRecord,
        limit_headers: &mut Vec<(HeaderName, HeaderValue)>,
    ) -> Result<Response, RelayError> {
        let endpoint = Endpoint::ParsePdf;
        let caller = self.authenticate(parts, pending)?;
        let reading = read_request_body(body, &parts.headers, self.config.max_body_bytes);
        let body = tokio::time::timeout(self.config.body_timeout, reading)
            .await
            .map_err(|_| RelayError::BodyTimeout)??;
        let request = parse_request(endpoint, UrlFacts::default(), &parts.headers, body, pending)?;
        let Payload::Multipart { form, .. } = &request.payload else {
            return Err(bad_request(
                "the PDF must be uploaded as multipart/form-data",
                None,
            ));
        };
        let format = match form.text("response_format") {
            Ok(None | Some("" | "markdown")) => Format::Whole,
            Ok(Some("list")) => Format::List,
            _ => {
                return Err(bad_request(
                    "response_format must be markdown or list",
                    Some("response_format"),
                ));
            }
        };
        let pdf = form
            .parts
            .iter()
            .find(|part| part.name == "file" && part.filename.is_some())
            .or_else(|| form.parts.iter().find(|part| part.filename.is_some()))
            .map(|part| part.data.clone())
            .ok_or_else(|| bad_request("the multipart body has no file", Some("file")))?;
        if !is_pdf(&pdf) {
            return Err(bad_request("the file is not a PDF", Some("file")));
        }
        check_model_allowed(&caller, &request.model)?;
        let route = self
            .directory
            .route(&caller, &request.model)
            .filter(|route| !route.channels.is_empty())
            .ok_or_else(|| RelayError::ModelNotFound(request.model.clone()))?;
        crate::model_type::check_endpoint(route.settings.model_type, endpoint, &request.model)?;
        let admission = self.admit(endpoint, &caller, &request, 0, pending).await?;
        pending.record().reservation = admission.reservation;
        *limit_headers = admission.headers;

        let retry_times = route
            .settings
            .retry_times
            .unwrap_or(self.config.retry_times);
        let mut tried = Vec::new();
        let mut last_error = None;
        for retry_index in 0..=retry_times {
            let channel = match pick(&route.channels, &request.model, &*self.health, &tried) {
                Pick::Channel(channel) => channel,
                Pick::Exhausted { cooling } => {
                    return Err(last_error.unwrap_or_else(|| match cooling {
                        Some(wait) => RelayError::RateLimited {
                            retry_after: Some(wait),
                        },
                        None => RelayError::NoAvailableChannel(request.model.clone()),
                    }));
                }
            };
            tried.push(channel.id);
            let record = pending.record();
            record.retries = retry_index;
            record.channel_id = Some(channel.id);
            record.upstream_model = Some(
                channel
                    .model_mapping
                    .get(&request.model)
                    .unwrap_or(&request.model)
                    .clone(),
            );
            let attempted = self
                .parse_on_channel(&channel, &route.settings, pdf.clone())
                .await;
            self.report_error(
                &channel,
                &request.model,
                endpoint,
                attempted.result.as_ref().err(),
            );
            match attempted.result {
                Ok(pages) => return Ok(self.document_answer(pages, format, pending)),
                Err(error) => {
                    tracing::debug!(channel = channel.id, retry_index, %error, "document attempt failed");
                    if attempted.submitted || !error.retryable() {
                        return Err(error);
                    }
                    last_error = Some(error);
                }
            }
        }
        Err(last_error.unwrap_or(RelayError::Internal))
    }

    /// Submits the PDF to `channel` and reads the job's status until its pages are ready.
    async fn parse_on_channel(
        &self,
        channel: &Channel,
        settings: &ModelSettings,
        pdf: Bytes,
    ) -> Attempted {
        let not_submitted = |error| Attempted {
            result: Err(error),
            submitted: false,
        };
        let Some(api) = channel.kind.provider().documents() else {
            return not_submitted(RelayError::Unsupported(format!(
                "channel type {} does not serve {}",
                channel.kind.as_str(),
                Endpoint::ParsePdf.route()
            )));
        };
        let timeouts =
            effective_timeouts(self.config.timeouts, &channel.timeouts, &settings.timeouts);
        let client = match self
            .clients
            .get(channel.proxy_url.as_deref(), timeouts.connect)
        {
            Ok(client) => client,
            Err(error) => return not_submitted(error),
        };
        // Upload, parse and the last read all fit in the response timeout.
        let deadline = Instant::now() + timeouts.response;
        let call = |request: Result<UpstreamRequest, RelayError>| {
            let client = &client;
            async move { document_call(channel, client, request?, deadline, timeouts.stream_idle).await }
        };
        let job = match call(api.submit(channel, pdf))
            .await
            .and_then(|answer| api.submitted(&answer))
        {
            Ok(job) => job,
            Err(error) => return not_submitted(error),
        };
        let result = poll(api, channel, &job, deadline, &call).await;
        Attempted {
            result,
            submitted: true,
        }
    }

    fn document_answer(
        &self,
        pages: Vec<String>,
        format: Format,
        pending: &mut PendingRecord,
    ) -> Response {
        let count = u32::try_from(pages.len()).unwrap_or(u32::MAX);
        let document = match format {
            Format::Whole => serde_json::json!({"pages": count, "markdown": pages.join("\n\n")}),
            Format::List => serde_json::json!({"pages": count, "markdowns": pages}),
        };
        let body = Bytes::from(serde_json::to_vec(&document).unwrap_or_default());
        let record = pending.record();
        record.media.pages = count;
        record.response_body = Some(body.slice(..body.len().min(self.config.detail_max_bytes)));
        pending.set_outcome(200, None);
        pending.first_byte_now();
        pending.hand_over().finish();
        let mut response = (StatusCode::OK, body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }
}

/// Reads the job's status until it is done, failed, or `deadline` would pass before the next
/// read.
async fn poll<F, Fut>(
    api: &dyn DocumentApi,
    channel: &Channel,
    job: &str,
    deadline: Instant,
    call: F,
) -> Result<Vec<String>, RelayError>
where
    F: Fn(Result<UpstreamRequest, RelayError>) -> Fut,
    Fut: std::future::Future<Output = Result<Bytes, RelayError>>,
{
    let mut wait = FIRST_POLL;
    loop {
        let answer = call(api.status(channel, job)).await?;
        if let DocumentProgress::Done(pages) = api.progress(&answer)? {
            return Ok(pages);
        }
        if Instant::now() + wait >= deadline {
            return Err(RelayError::UpstreamTimeout);
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 3 / 2).min(LONGEST_POLL);
    }
}

/// Sends one request of a document job and reads its whole (bounded) answer; a non-2xx answer
/// is mapped as any upstream's.
async fn document_call(
    channel: &Channel,
    client: &reqwest::Client,
    request: UpstreamRequest,
    deadline: Instant,
    idle: Duration,
) -> Result<Bytes, RelayError> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(RelayError::UpstreamTimeout);
    }
    let response = send(client, request, left).await?;
    if !response.status().is_success() {
        return Err(upstream_error(response, channel, idle).await);
    }
    let mut body: ByteStream = response.bytes_stream().boxed();
    read_body(&mut body, idle, MAX_DOCUMENT_ANSWER_BYTES).await
}

/// Whether `file` starts like a PDF: its `%PDF-` header within the first kilobyte.
fn is_pdf(file: &[u8]) -> bool {
    file[..file.len().min(PDF_HEADER_WINDOW)]
        .windows(5)
        .any(|window| window == b"%PDF-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_is_known_by_its_header() {
        assert!(is_pdf(b"%PDF-1.7\n..."));
        assert!(is_pdf(b"\xef\xbb\xbf%PDF-1.4"));
        assert!(!is_pdf(b"PK\x03\x04 a zip"));
        assert!(!is_pdf(b""));
        let mut late = vec![b' '; PDF_HEADER_WINDOW];
        late.extend_from_slice(b"%PDF-1.7");
        assert!(!is_pdf(&late));
    }
}
