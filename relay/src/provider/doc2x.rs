//! Doc2X's v2 PDF API: a PDF uploaded as a parse job, its status read until its pages' markdown is ready.
//!
//! The upload is `POST /api/v2/parse/pdf` with the file as the body; the status is
//! `GET /api/v2/parse/status?uid=`.
//!
//! Every answer is `{"code": "success" | <error code>, "msg": ..., "data": ...}`, HTTP 200 or
//! not. A job's failure (an unreadable PDF, too many pages) comes back in the status answer
//! as `status: "failed"` with a `detail`. Error codes that name the account's page quota send
//! the request to another channel (the channel's account is out of pages, not the client's
//! fault); task and concurrency limits are rate limits; anything else is the upstream
//! refusing this document, passed to the client as a 400 with Doc2X's message.

use axum::http::{HeaderMap, HeaderValue, Method, header};
use bytes::Bytes;
use serde::Deserialize;

use super::{
    DocumentApi, DocumentProgress, Endpoint, Provider, UpstreamRequest, base_url,
    bearer_json_headers, unsupported,
};
use crate::error::{ErrorBody, RelayError, truncated};
use crate::json::JsonObject;
use crate::vocabulary::Channel;

pub struct Doc2xWire;

/// Longest message of Doc2X's repeated to the client.
const MAX_MESSAGE_BYTES: usize = 300;

/// Doc2X's envelope around every answer.
#[derive(Deserialize)]
struct Envelope<T> {
    code: String,
    #[serde(default)]
    msg: String,
    data: Option<T>,
}

#[derive(Deserialize)]
struct Submitted {
    uid: String,
}

#[derive(Deserialize)]
struct Status {
    status: String,
    #[serde(default)]
    detail: String,
    result: Option<ParseResult>,
}

#[derive(Deserialize)]
struct ParseResult {
    #[serde(default)]
    pages: Vec<Page>,
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    md: String,
}

/// Doc2X's layout annotations, which mean nothing in the markdown a client reads.
const ANNOTATIONS: [&str; 2] = ["<!-- Media -->", "<!-- Footnote -->"];

impl Doc2xWire {
    /// The envelope's data when its code says success, else the error its code means.
    fn data<T: for<'de> Deserialize<'de>>(answer: &[u8]) -> Result<T, RelayError> {
        let envelope: Envelope<T> =
            serde_json::from_slice(answer).map_err(|_| RelayError::UpstreamInvalid)?;
        if envelope.code != "success" {
            return Err(refused(&envelope.code, &envelope.msg));
        }
        envelope.data.ok_or(RelayError::UpstreamInvalid)
    }

    fn request(
        channel: &Channel,
        method: Method,
        path: &str,
        content_type: Option<&'static str>,
        body: Bytes,
    ) -> Result<UpstreamRequest, RelayError> {
        let mut headers: HeaderMap = bearer_json_headers(channel)?;
        match content_type {
            Some(content_type) => {
                headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            }
            None => {
                headers.remove(header::CONTENT_TYPE);
            }
        }
        Ok(UpstreamRequest {
            method,
            url: format!("{}{path}", base_url(channel)?),
            headers,
            body,
        })
    }
}

/// The error a Doc2X error `code` (with its `msg`) means.
fn refused(code: &str, message: &str) -> RelayError {
    let code = code.to_ascii_lowercase();
    if code.contains("quota") {
        // The channel's account has no pages left: another channel's may.
        return RelayError::UpstreamCredentials { status: 402 };
    }
    if code.contains("task_limit") || code.contains("concurrency") {
        return RelayError::RateLimited { retry_after: None };
    }
    rejected(&format!("{code}: {message}"))
}

/// Doc2X refused this document: the client's answer names why, in Doc2X's words (bounded).
fn rejected(reason: &str) -> RelayError {
    RelayError::UpstreamRejected {
        status: 400,
        body: Some(ErrorBody {
            message: format!(
                "the upstream could not parse the document: {}",
                truncated(reason, MAX_MESSAGE_BYTES)
            ),
            kind: "invalid_request_error".to_owned(),
            param: Some("file".to_owned()),
            code: Some("document_rejected".to_owned()),
        }),
    }
}

/// A page's markdown without Doc2X's layout annotations.
fn clean(markdown: String) -> String {
    if !ANNOTATIONS.iter().any(|note| markdown.contains(note)) {
        return markdown;
    }
    ANNOTATIONS
        .iter()
        .fold(markdown, |text, note| text.replace(note, ""))
}

impl DocumentApi for Doc2xWire {
    fn submit(&self, channel: &Channel, pdf: Bytes) -> Result<UpstreamRequest, RelayError> {
        Doc2xWire::request(
            channel,
            Method::POST,
            "/api/v2/parse/pdf",
            Some("application/pdf"),
            pdf,
        )
    }

    fn submitted(&self, answer: &[u8]) -> Result<String, RelayError> {
        let submitted: Submitted = Doc2xWire::data(answer)?;
        if submitted.uid.is_empty() {
            return Err(RelayError::UpstreamInvalid);
        }
        Ok(submitted.uid)
    }

    fn status(&self, channel: &Channel, job_id: &str) -> Result<UpstreamRequest, RelayError> {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("uid", job_id)
            .finish();
        Doc2xWire::request(
            channel,
            Method::GET,
            &format!("/api/v2/parse/status?{query}"),
            None,
            Bytes::new(),
        )
    }

    fn progress(&self, answer: &[u8]) -> Result<DocumentProgress, RelayError> {
        let status: Status = Doc2xWire::data(answer)?;
        match status.status.as_str() {
            "success" => {
                let result = status.result.ok_or(RelayError::UpstreamInvalid)?;
                Ok(DocumentProgress::Done(
                    result
                        .pages
                        .into_iter()
                        .map(|page| clean(page.md))
                        .collect(),
                ))
            }
            "failed" => Err(rejected(&status.detail)),
            // `processing`, and whatever Doc2X may add for a job not done yet.
            _ => Ok(DocumentProgress::Pending),
        }
    }
}

impl Provider for Doc2xWire {
    fn endpoint(&self, endpoint: Endpoint, _channel: &Channel, _: &str) -> Endpoint {
        endpoint
    }

    fn prepare(&self, _: &Channel, _: Endpoint, _: &mut JsonObject, _: bool) {}

    /// Documents go through [`DocumentApi`]; Doc2X serves nothing else.
    fn build(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        _: &str,
        _: &str,
        _: Bytes,
        _: bool,
    ) -> Result<UpstreamRequest, RelayError> {
        Err(unsupported(channel, endpoint))
    }

    /// A pre-upload, which proves the key works: it hands out an upload URL and parses (and
    /// charges) nothing until a file is put there.
    fn probe(
        &self,
        channel: &Channel,
        _: Endpoint,
        _: &str,
    ) -> Result<UpstreamRequest, RelayError> {
        Doc2xWire::request(
            channel,
            Method::POST,
            "/api/v2/parse/preupload",
            None,
            Bytes::new(),
        )
    }

    fn documents(&self) -> Option<&dyn DocumentApi> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status_of(error: RelayError) -> u16 {
        error.status().as_u16()
    }

    #[test]
    fn answers_and_error_codes_are_read_as_doc2x_writes_them() {
        let wire = Doc2xWire;
        assert_eq!(
            wire.submitted(br#"{"code":"success","data":{"uid":"0192d745"}}"#)
                .unwrap(),
            "0192d745"
        );
        let pending =
            br#"{"code":"success","data":{"progress":40,"status":"processing","detail":""}}"#;
        assert_eq!(wire.progress(pending).unwrap(), DocumentProgress::Pending);
        let done = br#"{"code":"success","data":{"progress":100,"status":"success","detail":"",
            "result":{"version":"v2","pages":[{"page_idx":0,"md":"<!-- Media -->\n# One"},{"page_idx":1,"md":"Two"}]}}}"#;
        assert_eq!(
            wire.progress(done).unwrap(),
            DocumentProgress::Done(vec!["\n# One".into(), "Two".into()])
        );
        let failed =
            br#"{"code":"success","data":{"status":"failed","detail":"the pdf is encrypted"}}"#;
        let error = wire.progress(failed).unwrap_err();
        assert_eq!(status_of(error.clone()), 400);
        assert!(
            error.body().message.contains("the pdf is encrypted"),
            "{error:?}"
        );
        let quota = br#"{"code":"parse_quota_limit","msg":"no pages left"}"#;
        assert!(matches!(
            wire.submitted(quota),
            Err(RelayError::UpstreamCredentials { status: 402 })
        ));
        let busy = br#"{"code":"parse_concurrency_limit","msg":"slow down"}"#;
        assert!(matches!(
            wire.submitted(busy),
            Err(RelayError::RateLimited { .. })
        ));
        assert!(matches!(
            wire.submitted(b"<html>"),
            Err(RelayError::UpstreamInvalid)
        ));
        let long = format!(r#"{{"code":"parse_error","msg":"{}"}}"#, "x".repeat(10_000));
        let error = wire.submitted(long.as_bytes()).unwrap_err();
        assert!(error.body().message.len() < 2 * MAX_MESSAGE_BYTES);
    }
}
