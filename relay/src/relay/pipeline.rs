//! One model request from arrival to answer: auth, body, model, route, admission, plugins, dispatch, its usage record.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use tenancy::Caller;
use tracing::Instrument;

use super::Inner;
use super::auth::check_model_allowed;
use super::request::{
    ParsedRequest, Payload, bad_request, max_output_tokens, parse_request, read_request_body,
};
use super::routes::UrlFacts;
use crate::error::RelayError;
use crate::gen_ai_span::GenAiSpan;
use crate::host::{Admission, AdmissionRequest};
use crate::plugin::{Answer, Before, Exchange, PluginRequest};
use crate::provider::Endpoint;
use crate::request_id::request_id;
use crate::trace_context::ClientTrace;
use crate::usage::{Estimator, PendingRecord};
use crate::vocabulary::Face;
use crate::vocabulary::MAX_CLIENT_NAME_BYTES;

impl Inner {
    pub(super) async fn handle(
        &self,
        endpoint: Endpoint,
        facts: UrlFacts,
        request: Request,
    ) -> Response {
        let started = Instant::now();
        let (parts, body) = request.into_parts();
        let mut pending = PendingRecord::start(
            Arc::clone(&self.usage),
            request_id(&parts),
            endpoint.route(),
            started,
        );
        // Not entered yet: entering starts the exported span, which then keeps its name, and
        // the name (`chat gpt-4o`) is known only once the body is read (`relay` enters it then).
        pending.trace(
            GenAiSpan::start(endpoint),
            ClientTrace::from_headers(&parts.headers),
        );
        // The governor's x-ratelimit-* headers go on the answer, whatever it is.
        let mut limit_headers = Vec::new();
        let mut response = match self
            .relay(
                endpoint,
                facts,
                &parts,
                body,
                &mut pending,
                &mut limit_headers,
            )
            .await
        {
            Ok(response) => response,
            Err(error) => self.fail(pending, error, endpoint.face()),
        };
        response.headers_mut().extend(limit_headers);
        response
    }

    pub(super) fn fail(
        &self,
        mut pending: PendingRecord,
        error: RelayError,
        face: Face,
    ) -> Response {
        pending.set_outcome(error.status().as_u16(), Some(error.message()));
        pending.first_byte_now();
        let request_id = pending.record().request_id.clone();
        let mut answer = error.to_json_for(face, Some(&request_id));
        answer.truncate(self.config.detail_max_bytes);
        pending.record().response_body = Some(Bytes::from(answer));
        pending.finish();
        error.response_for(face, Some(&request_id))
    }

    /// Answers a request that matched no endpoint, in `face`'s shape; it still gets its usage
    /// record.
    pub(super) fn reject(&self, request: Request, error: RelayError, face: Face) -> Response {
        let (parts, _) = request.into_parts();
        // The path is the client's: the log row keeps a bounded piece of it.
        let path = crate::error::truncated(parts.uri.path(), MAX_CLIENT_NAME_BYTES);
        let mut pending = PendingRecord::start(
            Arc::clone(&self.usage),
            request_id(&parts),
            &path,
            Instant::now(),
        );
        pending.record().client_ip = Some(self.client_ip(&parts));
        self.fail(pending, error, face)
    }

    pub(super) async fn relay(
        &self,
        endpoint: Endpoint,
        facts: UrlFacts,
        parts: &Parts,
        body: Body,
        pending: &mut PendingRecord,
        limit_headers: &mut Vec<(axum::http::HeaderName, HeaderValue)>,
    ) -> Result<Response, RelayError> {
        let caller = self.authenticate(parts, pending)?;
        let reading = read_request_body(body, &parts.headers, self.config.max_body_bytes);
        let body = tokio::time::timeout(self.config.body_timeout, reading)
            .await
            .map_err(|_| RelayError::BodyTimeout)??;
        pending.record().request_body =
            Some(body.slice(..body.len().min(self.config.detail_max_bytes)));
        let request = parse_request(endpoint, facts, &parts.headers, body, pending)?;
        // The model is known: the span takes its final name, then is entered around the rest, so
        // every log line of the model request carries its fields. Not before: entering starts
        // the exported span, which keeps the name it has then.
        pending.span().record_model(&request.model);
        let span = pending.span().span().clone();
        let response = self
            .relay_model(endpoint, caller, request, pending, limit_headers)
            .instrument(span.clone())
            .await?;
        // A streamed answer goes on after this returns (usage counted, the record sent at its
        // end, an upstream failing mid-stream): its lines belong to the model request too.
        Ok(crate::span_body::in_span(response, &span))
    }

    /// The model request once its body is parsed: route, admission, plugins and dispatch.
    async fn relay_model(
        &self,
        endpoint: Endpoint,
        caller: Caller,
        mut request: ParsedRequest,
        pending: &mut PendingRecord,
        limit_headers: &mut Vec<(axum::http::HeaderName, HeaderValue)>,
    ) -> Result<Response, RelayError> {
        check_model_allowed(&caller, &request.model)?;
        let route = self
            .directory
            .route(&caller, &request.model)
            .filter(|route| !route.channels.is_empty())
            .ok_or_else(|| RelayError::ModelNotFound(request.model.clone()))?;
        crate::model_type::check_endpoint(route.settings.model_type, endpoint, &request.model)?;
        let route = super::native_videos::speaking_channels(endpoint, route, &request.model)?;
        super::media_request::measure_media(
            endpoint,
            &request,
            route.settings.images.as_deref(),
            &route.channels,
            pending,
        )?;
        // Before admission: a continuation the caller may not make reserves nothing.
        let route = self
            .continuation_route(endpoint, &caller, &request, route)
            .await?;
        if endpoint.is_local() {
            // Counting a 50 MiB prompt costs real CPU: it is admitted against the rate and
            // in-flight limits (and a blocked address), though nothing is billed.
            let admission = self.admit(endpoint, &caller, &request, 0, pending).await?;
            pending.record().reservation = admission.reservation;
            *limit_headers = admission.headers;
            return count_tokens(endpoint, &request, pending);
        }
        let web_searches = match (&route.settings.plugins, &request.payload) {
            (Some(plugins), Payload::Json(body)) => plugins.web_searches_at_most(endpoint, body),
            _ => 0,
        };
        let admission = self
            .admit(endpoint, &caller, &request, web_searches, pending)
            .await?;
        pending.record().reservation = admission.reservation;
        *limit_headers = admission.headers;
        let mut exchange = match (&route.settings.plugins, &mut request.payload) {
            (Some(plugins), Payload::Json(body)) => {
                let client_ip = pending
                    .record()
                    .client_ip
                    .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
                let mut plugin_request = PluginRequest {
                    caller: &caller,
                    client_ip,
                    model: &request.model,
                    endpoint,
                    stream: request.stream,
                    body,
                };
                match plugins.before(&self.plugins, &mut plugin_request).await? {
                    Before::Continue(exchange) => exchange,
                    Before::Answer(answer, exchange) => {
                        return Ok(self.plugin_answer(answer, exchange, pending));
                    }
                }
            }
            _ => Exchange::default(),
        };
        pending.record().web_search_calls = exchange.web_search_calls;
        let plugin_headers = std::mem::take(&mut exchange.headers);
        let mut response = self
            .dispatch(endpoint, &request, &route, &mut exchange, pending)
            .await?;
        response.headers_mut().extend(plugin_headers);
        Ok(response)
    }

    /// A plugin's own answer (a cache hit), recorded like any other.
    pub(super) fn plugin_answer(
        &self,
        answer: Answer,
        mut exchange: Exchange,
        pending: &mut PendingRecord,
    ) -> Response {
        let record = pending.record();
        record.usage = answer.usage;
        record.cache_hit = answer.cache_hit;
        record.stream = answer.stream;
        record.web_search_calls = exchange.web_search_calls;
        let first = answer.chunks.first().cloned().unwrap_or_default();
        record.response_body = Some(first.slice(..first.len().min(self.config.detail_max_bytes)));
        pending.set_outcome(200, None);
        pending.first_byte_now();
        pending.hand_over().finish();
        let body = if answer.stream {
            let chunks = answer
                .chunks
                .into_iter()
                .map(Ok::<_, std::convert::Infallible>);
            Body::from_stream(futures::stream::iter(chunks))
        } else {
            Body::from(answer.chunks.concat())
        };
        let mut response = Response::new(body);
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&answer.content_type) {
            headers.insert(header::CONTENT_TYPE, value);
        }
        if answer.stream {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        }
        headers.extend(std::mem::take(&mut exchange.headers));
        response
    }

    /// Asks the governor whether limits, quotas and balance let the request through.
    pub(super) async fn admit(
        &self,
        endpoint: Endpoint,
        caller: &Caller,
        request: &ParsedRequest,
        web_searches: u32,
        pending: &mut PendingRecord,
    ) -> Result<Admission, RelayError> {
        let estimator = Estimator {
            endpoint,
            model: request.model.clone(),
            request: request.json_source.clone(),
        };
        let count_input_tokens = move || estimator.estimate("").input_tokens;
        let record = &*pending.record();
        let admission = AdmissionRequest {
            caller,
            model: &request.model,
            endpoint: endpoint.route(),
            generates_text: endpoint.generates_text(),
            client_ip: record
                .client_ip
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
            max_output_tokens: max_output_tokens(&request.payload),
            service_tier: record.service_tier.as_deref(),
            web_searches,
            media: &record.media,
            billed: !endpoint.is_local(),
            count_input_tokens: &count_input_tokens,
        };
        self.governor
            .admit(admission)
            .await
            .map_err(RelayError::Refused)
    }
}

/// Answers a count-tokens request locally (an estimate: Claude's and Gemini's tokenizers are
/// not public).
pub(super) fn count_tokens(
    endpoint: Endpoint,
    request: &ParsedRequest,
    pending: &mut PendingRecord,
) -> Result<Response, RelayError> {
    let body = serde_json::from_slice::<serde_json::Value>(&request.json_source)
        .map_err(|_| bad_request("the request body must be a JSON object", None))?;
    let document = if endpoint == Endpoint::GeminiCountTokens {
        let tokens = crate::convert::count_gemini_tokens(&request.model, &body)?;
        serde_json::json!({"totalTokens": tokens})
    } else {
        let tokens = crate::convert::count_messages_tokens(&request.model, &body)?;
        serde_json::json!({"input_tokens": tokens})
    };
    pending.set_outcome(200, None);
    pending.first_byte_now();
    pending.hand_over().finish();
    Ok((StatusCode::OK, axum::Json(document)).into_response())
}
