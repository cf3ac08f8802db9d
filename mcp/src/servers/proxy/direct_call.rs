//! A `tools/call` to a Streamable HTTP upstream as one plain POST on the session rmcp's client opened, and the client wrapper that learns that session's id.
//!
//! Setup and listing stay on rmcp's client. The upstream's requests during the call
//! (sampling, elicitation, roots) come on the call's own stream and are put to the caller from
//! the call's task; its log messages there are passed on too.
//!
//! Why: rmcp's client passes each request through its service and transport worker tasks and a
//! task per response stream; a direct POST read in the caller's own task saves those hops on
//! every proxied call. The upstream cannot tell the difference: same session, same headers,
//! same message.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use futures::stream::BoxStream;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use rmcp::ErrorData;
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CallToolResponse, CallToolResult,
    CancelledNotification, CancelledNotificationParam, ClientJsonRpcMessage, ClientNotification,
    ClientRequest, JsonRpcMessage, NumberOrString, ProgressNotificationParam, ProgressToken,
    ProtocolVersion, RequestId, RequestParamsMeta, ServerJsonRpcMessage, ServerNotification,
    ServerRequest, ServerResult,
};
use rmcp::transport::streamable_http_client::{
    SseError, StreamableHttpClient, StreamableHttpError, StreamableHttpPostResponse,
    StreamableHttpResponseLimits,
};

use super::progress::{ProgressRoutes, progress_key};
use super::sse_client::SseParser;
use crate::tool_server::{CallerNotifier, ToolCall};
use crate::upstream_auth::UpstreamBearer;

/// Largest reply (JSON body, or one SSE event) read from an upstream.
const MAX_REPLY_BYTES: usize = 16 * 1024 * 1024;

/// The session id the upstream assigned, as seen on rmcp's `initialize` exchange.
#[derive(Clone, Default)]
pub(super) struct SeenSession(Arc<Mutex<Option<Arc<str>>>>);

impl SeenSession {
    fn record(&self, response: &StreamableHttpPostResponse) {
        let (StreamableHttpPostResponse::Json(_, Some(id))
        | StreamableHttpPostResponse::Sse(_, Some(id))) = response
        else {
            return;
        };
        if let Ok(mut seen) = self.0.lock() {
            *seen = Some(Arc::from(id.as_str()));
        }
    }

    pub fn get(&self) -> Option<Arc<str>> {
        self.0.lock().ok().and_then(|seen| seen.clone())
    }
}

/// reqwest as rmcp's HTTP client, recording the session id of each response that carries one.
/// With a bearer (upstream OAuth), every request carries the group's current token, and a POST
/// the upstream refuses with 401 is sent once more with a refreshed one.
#[derive(Clone)]
pub(super) struct RecordingClient {
    pub http: reqwest::Client,
    pub session: SeenSession,
    pub bearer: Option<Arc<UpstreamBearer>>,
}

impl RecordingClient {
    /// The `Authorization` token to send: the bearer's when there is one, else rmcp's own.
    async fn token(&self, configured: Option<String>) -> Result<Option<String>, ClientError> {
        match &self.bearer {
            Some(bearer) => {
                bearer.current().await.map(Some).map_err(|error| {
                    StreamableHttpError::Io(std::io::Error::other(error.to_string()))
                })
            }
            None => Ok(configured),
        }
    }
}

type ClientError = StreamableHttpError<reqwest::Error>;
type SseStream = BoxStream<'static, Result<sse_stream::Sse, SseError>>;

impl StreamableHttpClient for RecordingClient {
    type Error = reqwest::Error;

    async fn post_message(
        &self,
        uri: Arc<str>,
        message: ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> Result<StreamableHttpPostResponse, ClientError> {
        self.post_message_with_response_limits(
            uri,
            message,
            session_id,
            auth_header,
            custom_headers,
            StreamableHttpResponseLimits::default(),
        )
        .await
    }

    async fn post_message_with_max_sse_event_size(
        &self,
        uri: Arc<str>,
        message: ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
        max_sse_event_size: usize,
    ) -> Result<StreamableHttpPostResponse, ClientError> {
        let mut limits = StreamableHttpResponseLimits::default();
        limits.max_sse_event_size = max_sse_event_size;
        self.post_message_with_response_limits(
            uri,
            message,
            session_id,
            auth_header,
            custom_headers,
            limits,
        )
        .await
    }

    async fn post_message_with_response_limits(
        &self,
        uri: Arc<str>,
        message: ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
        limits: StreamableHttpResponseLimits,
    ) -> Result<StreamableHttpPostResponse, ClientError> {
        let token = self.token(auth_header).await?;
        let mut response = self
            .http
            .post_message_with_response_limits(
                uri.clone(),
                message.clone(),
                session_id.clone(),
                token.clone(),
                custom_headers.clone(),
                limits,
            )
            .await;
        let refused = matches!(response, Err(StreamableHttpError::AuthRequired(_)));
        if let (true, Some(bearer), Some(rejected)) = (refused, &self.bearer, &token) {
            let retry = bearer.after_rejection(rejected).await.map_err(|error| {
                StreamableHttpError::Io(std::io::Error::other(error.to_string()))
            })?;
            response = self
                .http
                .post_message_with_response_limits(
                    uri,
                    message,
                    session_id,
                    Some(retry),
                    custom_headers,
                    limits,
                )
                .await;
        }
        let response = response.map_err(plain_client_error)?;
        self.session.record(&response);
        Ok(response)
    }

    async fn delete_session(
        &self,
        uri: Arc<str>,
        session_id: Arc<str>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> Result<(), ClientError> {
        let token = self.token(auth_header).await?;
        self.http
            .delete_session(uri, session_id, token, custom_headers)
            .await
    }

    async fn get_stream(
        &self,
        uri: Arc<str>,
        session_id: Option<Arc<str>>,
        last_event_id: Option<String>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> Result<SseStream, ClientError> {
        let token = self.token(auth_header).await?;
        self.http
            .get_stream(uri, session_id, last_event_id, token, custom_headers)
            .await
    }

    async fn get_stream_with_max_sse_event_size(
        &self,
        uri: Arc<str>,
        session_id: Option<Arc<str>>,
        last_event_id: Option<String>,
        auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
        max_sse_event_size: usize,
    ) -> Result<SseStream, ClientError> {
        let token = self.token(auth_header).await?;
        self.http
            .get_stream_with_max_sse_event_size(
                uri,
                session_id,
                last_event_id,
                token,
                custom_headers,
                max_sse_event_size,
            )
            .await
    }
}

/// A transport failure as text without its URL and with its causes (a refused address, a
/// refused connection): rmcp shows only the top error, whose text is reqwest's with the URL.
fn plain_client_error(error: ClientError) -> ClientError {
    match error {
        StreamableHttpError::Client(error) => {
            StreamableHttpError::Io(std::io::Error::other(super::upstream_http::describe(error)))
        }
        other => other,
    }
}

/// Where and how direct calls go: the upstream URL and every header rmcp's client would send
/// on this session (auth and custom headers, session id, negotiated revision).
pub(super) struct DirectRoute {
    url: url::Url,
    headers: HeaderMap,
    next_id: AtomicU64,
    /// The group's upstream OAuth token source, when the upstream wants one.
    bearer: Option<Arc<UpstreamBearer>>,
}

/// Why a direct call did not produce an answer.
pub(super) enum DirectFailure {
    /// The upstream no longer knows the session (404): the call never ran; reconnect and retry.
    SessionGone,
    /// The connection could not be made or broke before an answer: the connection is suspect.
    Transport(ErrorData),
    /// Any other failure, including the upstream's own JSON-RPC error, passed on as is.
    Failed(ErrorData),
}

impl DirectRoute {
    /// A route for the session rmcp's client negotiated; `None` for revisions from 2026-07-28
    /// on, whose per-request headers rmcp's client derives from tool schemas.
    pub fn new(
        url: url::Url,
        endpoint_headers: &HashMap<HeaderName, HeaderValue>,
        session: Option<Arc<str>>,
        version: &ProtocolVersion,
        bearer: Option<Arc<UpstreamBearer>>,
    ) -> Option<Self> {
        if !version.has_initialize() {
            return None;
        }
        let mut headers = HeaderMap::new();
        for (name, value) in endpoint_headers {
            headers.insert(name.clone(), value.clone());
        }
        headers.insert(
            http::header::ACCEPT,
            HeaderValue::from_static("application/json, text/event-stream"),
        );
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(
            HeaderName::from_static("mcp-protocol-version"),
            HeaderValue::from_str(version.as_str()).ok()?,
        );
        // The group's token replaces any configured one.
        if bearer.is_some() {
            headers.remove(http::header::AUTHORIZATION);
        }
        if let Some(session) = session {
            headers.insert(
                HeaderName::from_static("mcp-session-id"),
                HeaderValue::from_str(&session).ok()?,
            );
        }
        Some(Self {
            url,
            headers,
            next_id: AtomicU64::new(1),
            bearer,
        })
    }

    /// Calls the tool; forwards its progress to the caller when asked, cancels upstream when the
    /// caller cancels, gives up after `timeout`.
    pub async fn call(
        &self,
        http: &reqwest::Client,
        call: &ToolCall,
        timeout: Duration,
        routes: &ProgressRoutes,
    ) -> Result<CallToolResponse, DirectFailure> {
        // A string id of our own cannot collide with rmcp's numeric ids on the same session;
        // it doubles as the upstream progress token, unique for the same reason.
        let id_text: Arc<str> =
            format!("aiproxy-{}", self.next_id.fetch_add(1, Ordering::Relaxed)).into();
        let id = RequestId::String(id_text.clone());
        let mut params = CallToolRequestParams::new(call.name.clone());
        params.arguments = call.arguments.clone();
        // A retry after the upstream's own input-required result carries its answers and state.
        params.input_responses = call.input_responses.clone();
        params.request_state = call.request_state.clone();
        // Progress may come on the call's own stream (read below) or on rmcp's GET stream
        // (forwarded by `ProgressRelay` through `routes`).
        let progress = call.progress_token.as_ref().map(|caller_token| {
            let upstream_token = ProgressToken(NumberOrString::String(id_text.clone()));
            params.set_progress_token(upstream_token.clone());
            let key = progress_key(&upstream_token);
            if let Ok(mut routes) = routes.lock() {
                routes.insert(key.clone(), (call.notifier.clone(), caller_token.clone()));
            }
            ProgressRoute {
                key,
                caller_token: caller_token.clone(),
                notifier: &call.notifier,
                routes,
            }
        });
        let message = ClientJsonRpcMessage::request(
            ClientRequest::CallToolRequest(CallToolRequest::new(params)),
            id.clone(),
        );
        let exchange = self.exchange(http, &message, (&id, call, timeout), progress.as_ref());
        tokio::select! {
            outcome = tokio::time::timeout(timeout, exchange) => outcome.unwrap_or_else(|_| {
                Err(DirectFailure::Failed(upstream_error("upstream tools/call timed out")))
            }),
            () = call.cancel.cancelled() => {
                let reason = "cancelled by the client".to_owned();
                let cancelled = ClientJsonRpcMessage::notification(
                    ClientNotification::CancelledNotification(CancelledNotification::new(
                        CancelledNotificationParam::new(Some(id), Some(reason.clone())),
                    )),
                );
                if self.post(http, &cancelled).await.is_err() {
                    tracing::debug!("upstream not told of a cancelled call");
                }
                Err(DirectFailure::Failed(upstream_error(reason)))
            }
        }
    }

    /// One POST on the session; the group's current upstream token when there is a bearer.
    async fn post(
        &self,
        http: &reqwest::Client,
        message: &ClientJsonRpcMessage,
    ) -> Result<reqwest::Response, DirectFailure> {
        let token = match &self.bearer {
            Some(bearer) => Some(
                bearer
                    .current()
                    .await
                    .map_err(|error| DirectFailure::Failed(error.to_error_data()))?,
            ),
            None => None,
        };
        let response = self.post_with(http, message, token.as_deref()).await?;
        match (&self.bearer, token) {
            // A refused token never ran the call: refresh once and send it again.
            (Some(bearer), Some(rejected)) if response.status() == StatusCode::UNAUTHORIZED => {
                let retry = bearer
                    .after_rejection(&rejected)
                    .await
                    .map_err(|error| DirectFailure::Failed(error.to_error_data()))?;
                self.post_with(http, message, Some(&retry)).await
            }
            _ => Ok(response),
        }
    }

    async fn post_with(
        &self,
        http: &reqwest::Client,
        message: &ClientJsonRpcMessage,
        token: Option<&str>,
    ) -> Result<reqwest::Response, DirectFailure> {
        let body = serde_json::to_vec(message).unwrap_or_default();
        let mut request = http
            .post(self.url.clone())
            .headers(self.headers.clone())
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.map_err(|error| {
            DirectFailure::Transport(upstream_error(format!(
                "upstream failed: {}",
                super::upstream_http::describe(error)
            )))
        })
    }

    async fn exchange(
        &self,
        http: &reqwest::Client,
        message: &ClientJsonRpcMessage,
        (id, call, timeout): (&RequestId, &ToolCall, Duration),
        progress: Option<&ProgressRoute<'_>>,
    ) -> Result<CallToolResponse, DirectFailure> {
        let response = self.post(http, message).await?;
        let status = response.status();
        if status == StatusCode::NOT_FOUND && self.headers.contains_key("mcp-session-id") {
            return Err(DirectFailure::SessionGone);
        }
        let content_type = response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !status.is_success() {
            let body = read_bounded(response).await.unwrap_or_default();
            // An upstream may explain a refusal with a JSON-RPC error; pass it on.
            return Err(DirectFailure::Failed(
                match serde_json::from_slice::<ServerJsonRpcMessage>(&body) {
                    Ok(JsonRpcMessage::Error(error)) => error.error,
                    _ => upstream_error(format!("upstream answered {status}")),
                },
            ));
        }
        if content_type.starts_with("text/event-stream") {
            return self
                .read_stream(http, response, (id, call, timeout), progress)
                .await;
        }
        if content_type.starts_with("application/json") {
            let body = read_bounded(response).await?;
            return match read_envelope(&body, id) {
                Envelope::Answer(answer) => answer,
                // A request or notification in place of the reply, or someone else's reply.
                Envelope::Message | Envelope::Other => Err(DirectFailure::Failed(upstream_error(
                    "upstream answered another request",
                ))),
            };
        }
        Err(DirectFailure::Failed(upstream_error(format!(
            "upstream answered {status} with content type {content_type:?}"
        ))))
    }

    /// Reads the call's SSE stream until its answer. The upstream's requests on it are put to
    /// the caller (a ping is answered here), its log messages and progress passed on.
    async fn read_stream(
        &self,
        http: &reqwest::Client,
        response: reqwest::Response,
        (id, call, timeout): (&RequestId, &ToolCall, Duration),
        progress: Option<&ProgressRoute<'_>>,
    ) -> Result<CallToolResponse, DirectFailure> {
        let mut parser = SseParser::with_limit(MAX_REPLY_BYTES);
        let mut chunks = response.bytes_stream();
        while let Some(chunk) = chunks.next().await {
            let chunk = chunk.map_err(|error| {
                DirectFailure::Transport(upstream_error(format!(
                    "upstream stream broke: {}",
                    super::upstream_http::describe(error)
                )))
            })?;
            let events = parser
                .push(&chunk)
                .map_err(|error| DirectFailure::Failed(upstream_error(error.to_string())))?;
            for event in events {
                if event.event != "message" || event.data.is_empty() {
                    continue;
                }
                match read_envelope(event.data.as_bytes(), id) {
                    Envelope::Answer(answer) => return answer,
                    Envelope::Other => continue,
                    Envelope::Message => {}
                }
                let Ok(message) = serde_json::from_str::<ServerJsonRpcMessage>(&event.data) else {
                    tracing::debug!("skipping an upstream event that is no JSON-RPC message");
                    continue;
                };
                match message {
                    JsonRpcMessage::Request(request) => {
                        self.ask_caller(http, request.id, request.request, (call, timeout))
                            .await;
                    }
                    JsonRpcMessage::Notification(notification) => {
                        forward_notification(notification.notification, call, progress).await;
                    }
                    _ => {}
                }
            }
        }
        Err(DirectFailure::Transport(upstream_error(
            "upstream closed the stream before answering",
        )))
    }

    /// Puts the upstream's request to the caller and posts the answer (or why there is none)
    /// back on the session.
    async fn ask_caller(
        &self,
        http: &reqwest::Client,
        id: RequestId,
        request: ServerRequest,
        (call, timeout): (&ToolCall, Duration),
    ) {
        let reply = match crate::caller_requests::ask(&call.notifier, request, timeout).await {
            Ok(result) => ClientJsonRpcMessage::response(result, id),
            Err(error) => ClientJsonRpcMessage::error(error, Some(id)),
        };
        if self.post(http, &reply).await.is_err() {
            tracing::debug!("upstream request left unanswered");
        }
    }
}

/// Passes on what the caller should see of a notification on the call's stream: its progress
/// (when it asked) and log messages.
async fn forward_notification(
    notification: ServerNotification,
    call: &ToolCall,
    progress: Option<&ProgressRoute<'_>>,
) {
    match notification {
        ServerNotification::ProgressNotification(update) => {
            if let Some(route) = progress {
                route.forward(update.params).await;
            }
        }
        ServerNotification::LoggingMessageNotification(message) => {
            let wanted = super::caller_logs::wanted_level(call);
            super::caller_logs::forward(&call.notifier, wanted, message.params).await;
        }
        _ => {}
    }
}

/// Progress of one direct call: the upstream token's key in the shared routes, and the caller's
/// own token. Leaves the routes when dropped.
struct ProgressRoute<'a> {
    key: String,
    caller_token: ProgressToken,
    notifier: &'a CallerNotifier,
    routes: &'a ProgressRoutes,
}

impl ProgressRoute<'_> {
    async fn forward(&self, mut update: ProgressNotificationParam) {
        if progress_key(&update.progress_token) != self.key {
            return;
        }
        update.progress_token = self.caller_token.clone();
        if let Err(error) = self.notifier.progress(update).await {
            tracing::debug!(%error, "progress notification not forwarded");
        }
    }
}

impl Drop for ProgressRoute<'_> {
    fn drop(&mut self) {
        if let Ok(mut routes) = self.routes.lock() {
            routes.remove(&self.key);
        }
    }
}

/// What a direct call needs to know of an upstream message, read without rmcp's message type:
/// that type's result is an untagged enum which tries every kind of result in turn, and costs
/// more than the rest of the hop's parsing together.
#[derive(serde::Deserialize)]
struct RawEnvelope {
    #[serde(default)]
    id: Option<RequestId>,
    #[serde(default)]
    method: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    result: Option<serde_json::Value>,
    #[serde(default)]
    error: Option<ErrorData>,
}

enum Envelope {
    /// The answer to our call.
    Answer(Result<CallToolResponse, DirectFailure>),
    /// A request or notification: read it as rmcp's message.
    Message,
    /// Not ours, or not JSON-RPC.
    Other,
}

fn read_envelope(bytes: &[u8], id: &RequestId) -> Envelope {
    let Ok(envelope) = serde_json::from_slice::<RawEnvelope>(bytes) else {
        return Envelope::Other;
    };
    if envelope.method.is_some() {
        return Envelope::Message;
    }
    if envelope.id.as_ref() != Some(id) {
        return Envelope::Other;
    }
    if let Some(error) = envelope.error {
        return Envelope::Answer(Err(DirectFailure::Failed(error)));
    }
    let Some(result) = envelope.result else {
        return Envelope::Other;
    };
    let invalid = |error: serde_json::Error| {
        DirectFailure::Failed(upstream_error(format!(
            "upstream sent an invalid tools/call result: {error}"
        )))
    };
    // A plain result names no kind, or "complete"; tasks and input requests name theirs.
    let plain = result
        .get("resultType")
        .is_none_or(|kind| kind.as_str() == Some("complete"));
    Envelope::Answer(if plain {
        serde_json::from_value::<CallToolResult>(result)
            .map(CallToolResponse::Complete)
            .map_err(invalid)
    } else {
        match serde_json::from_value::<ServerResult>(result) {
            Ok(ServerResult::InputRequiredResult(result)) => {
                Ok(CallToolResponse::InputRequired(result))
            }
            Ok(ServerResult::CreateTaskResult(result)) => Ok(CallToolResponse::Task(result)),
            Ok(ServerResult::CallToolResult(result)) => Ok(CallToolResponse::Complete(result)),
            Ok(_) => Err(DirectFailure::Failed(upstream_error(
                "upstream answered tools/call with another result",
            ))),
            Err(error) => Err(invalid(error)),
        }
    })
}

async fn read_bounded(response: reqwest::Response) -> Result<Vec<u8>, DirectFailure> {
    let mut body = Vec::new();
    let mut chunks = response.bytes_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|error| {
            DirectFailure::Transport(upstream_error(format!(
                "upstream reply broke: {}",
                super::upstream_http::describe(error)
            )))
        })?;
        if body.len() + chunk.len() > MAX_REPLY_BYTES {
            return Err(DirectFailure::Failed(upstream_error(
                "upstream reply larger than the limit",
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn upstream_error(message: impl Into<String>) -> ErrorData {
    super::upstream_http::upstream_error(message)
}
