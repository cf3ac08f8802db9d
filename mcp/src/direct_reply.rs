//! Answers a session-era `tools/call` itself, without rmcp's session worker: one JSON reply, or an SSE reply carrying the call's progress then its result.
//!
//! It must not take any other request: rmcp serves those.
//!
//! Why: rmcp hands every session-era request to the session's worker task and answers it as an
//! SSE stream (it ignores `json_response` in that era), which costs more than the call itself for
//! a plain tool. The spec lets a server answer a request with `application/json`, or with an SSE
//! stream of notifications related to it followed by its response; that is all a tool call
//! needs unless its tool sends log messages. So such calls are answered here: same checks, gate,
//! tool server and record as rmcp's path ([`Core::call_tool`]), same wire shape. Anything unusual
//! (another method, an unexpected protocol version header, MRTR retries, a tool that logs, a
//! tool that may ask a caller able to answer something mid-call) goes to rmcp, which knows how
//! to serve or refuse it.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::sync::mpsc;

use axum::response::{IntoResponse, Response};
use http::HeaderMap;
use rmcp::ErrorData;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, ClientCapabilities, ClientJsonRpcMessage,
    ClientNotification, ClientRequest, GetMeta, JsonRpcMessage, ProgressNotification,
    ProgressNotificationParam, ProgressToken, ProtocolVersion, RequestId, RequestParamsMeta,
    ServerJsonRpcMessage, ServerNotification, ServerResult,
};
use tokio_util::sync::CancellationToken;

use crate::caller_requests::AskableCapabilities;
use crate::handler::{CallTarget, Core, RequestScope};
use crate::sessions::SessionRecord;
use crate::tool_server::CallerNotifier;

/// A `tools/call` this module may answer.
pub(crate) struct DirectCall {
    pub id: RequestId,
    pub params: CallToolRequestParams,
    /// The caller's progress token: the reply then streams the call's progress.
    pub progress_token: Option<ProgressToken>,
}

/// Takes the call out of `message` when the request qualifies; hands the message back otherwise.
pub(crate) fn take_call(
    message: ClientJsonRpcMessage,
    headers: &HeaderMap,
    record: &SessionRecord,
) -> Result<DirectCall, Box<ClientJsonRpcMessage>> {
    let version = negotiated_version(&record.initialize_params.protocol_version);
    let header_matches = headers
        .get("mcp-protocol-version")
        .is_some_and(|value| value.as_bytes() == version.as_str().as_bytes());
    let accepts_json = headers
        .get_all(http::header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|accept| accept.contains("application/json") || accept.contains("*/*"));
    let is_json = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !(header_matches && accepts_json && is_json) {
        return Err(Box::new(message));
    }
    match message {
        JsonRpcMessage::Request(request) => {
            // rmcp keeps the request's `_meta` in its extensions as well as in the params.
            let meta_token = request.request.get_meta().get_progress_token();
            let meta = request.request.get_meta().clone();
            match request.request {
                ClientRequest::CallToolRequest(mut call)
                    if call.params.input_responses.is_none()
                        && call.params.request_state.is_none() =>
                {
                    // Where the params lost it, the call reads its trace context there.
                    if call.params.meta.is_none() {
                        call.params.meta = Some(meta);
                    }
                    Ok(DirectCall {
                        id: request.id,
                        progress_token: call.params.progress_token().or(meta_token),
                        params: call.params,
                    })
                }
                other => Err(Box::new(JsonRpcMessage::Request(
                    rmcp::model::JsonRpcRequest {
                        jsonrpc: request.jsonrpc,
                        id: request.id,
                        request: other,
                    },
                ))),
            }
        }
        other => Err(Box::new(other)),
    }
}

/// The revision rmcp answered `initialize` with, by its rule: the client's own when rmcp knows
/// it and it has the handshake, else the newest that has one. A client that sends another
/// version header is left to rmcp.
pub(crate) fn negotiated_version(requested: &ProtocolVersion) -> ProtocolVersion {
    if requested.has_initialize() && ProtocolVersion::KNOWN_VERSIONS.contains(requested) {
        requested.clone()
    } else {
        ProtocolVersion::LATEST_WITH_INITIALIZE
    }
}

/// What the tool `name` resolves to on this route, when the call may be answered here; `None`
/// when its tool server talks to the caller during the call (rmcp's to serve): it logs, or it
/// may ask something of a caller (`client`) that declared it can answer. A name that resolves
/// to nothing is answered here too, with the error.
pub(crate) async fn target(
    core: &Core,
    scope: &RequestScope,
    name: &str,
    client: &ClientCapabilities,
) -> Option<Result<CallTarget, ErrorData>> {
    let target = core.call_target(&scope.caller, &scope.view, name).await;
    let answerable = AskableCapabilities::declared_in(client).any();
    let talks_to_caller = target.as_ref().is_ok_and(|target| {
        target.server.as_ref().is_ok_and(|server| {
            server.notifies_caller(&target.tool)
                || (answerable && server.asks_caller(&target.tool))
                // Whether it becomes a task is decided where tasks are served: rmcp's path.
                || server.task_support(&target.tool) != crate::tasks::TaskSupport::Forbidden
        })
    });
    (!talks_to_caller).then_some(target)
}

/// Runs the call and writes the JSON-RPC reply rmcp would have sent for this session's version:
/// plain JSON in this task, or, when the caller asked for progress, an SSE stream fed by a task.
pub(crate) async fn answer(
    core: Arc<Core>,
    scope: RequestScope,
    (call, target): (DirectCall, Result<CallTarget, ErrorData>),
    client: ClientCapabilities,
    in_flight: InFlightGuard,
) -> Response {
    let DirectCall {
        id,
        params,
        progress_token,
    } = call;
    let cancel = in_flight.token();
    let Some(progress_token) = progress_token else {
        let outcome = core
            .call_tool(
                &scope,
                (params, target),
                (None, CallerNotifier::Nobody),
                cancel.clone(),
            )
            .await;
        if cancel.is_cancelled() {
            return no_response();
        }
        return axum::Json(reply(outcome, id, &client)).into_response();
    };
    let (events, body) = mpsc::channel::<Result<Bytes, Infallible>>(16);
    tokio::spawn(async move {
        // Held until the call ends, so a cancellation still finds it.
        let _in_flight = in_flight;
        let (progress_sender, mut progress) = mpsc::channel(16);
        let notifier = CallerNotifier::Reply(progress_sender);
        let call = core.call_tool(
            &scope,
            (params, target),
            (Some(progress_token), notifier),
            cancel.clone(),
        );
        tokio::pin!(call);
        let mut caller_gone = false;
        let outcome = loop {
            tokio::select! {
                // Progress first: a call may end with updates still queued.
                biased;
                Some(update) = progress.recv() => {
                    if !send_progress(&events, update).await {
                        caller_gone = true;
                        cancel.cancel();
                    }
                }
                // A caller that hangs up cancels the call, as closing rmcp's stream does not:
                // nobody is left to read the result.
                () = events.closed(), if !caller_gone => {
                    caller_gone = true;
                    cancel.cancel();
                }
                outcome = &mut call => break outcome,
            }
        };
        // The call is over and its notifier dropped: what is queued is all there is.
        while let Ok(update) = progress.try_recv() {
            send_progress(&events, update).await;
        }
        if cancel.is_cancelled() {
            return;
        }
        let event = sse_event(&reply(outcome, id, &client));
        if events.send(Ok(event)).await.is_err() {
            tracing::debug!("caller left before the result of a streamed tool call");
        }
    });
    (
        [
            (http::header::CONTENT_TYPE, "text/event-stream"),
            (http::header::CACHE_CONTROL, "no-cache"),
        ],
        axum::body::Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(body)),
    )
        .into_response()
}

/// Writes one progress event; false when the caller is gone.
async fn send_progress(
    events: &mpsc::Sender<Result<Bytes, Infallible>>,
    update: ProgressNotificationParam,
) -> bool {
    let notification = ServerNotification::ProgressNotification(ProgressNotification::new(update));
    let event = sse_event(&ServerJsonRpcMessage::notification(notification));
    events.send(Ok(event)).await.is_ok()
}

/// A cancelled request gets no response (the spec's SHOULD NOT): rmcp ends its stream without
/// one, and so does this reply.
fn no_response() -> Response {
    (
        [(http::header::CONTENT_TYPE, "text/event-stream")],
        axum::body::Body::empty(),
    )
        .into_response()
}

fn reply(
    outcome: Result<CallToolResponse, ErrorData>,
    id: RequestId,
    client: &ClientCapabilities,
) -> ServerJsonRpcMessage {
    match outcome.and_then(|response| legacy_result(response, client)) {
        Ok(result) => JsonRpcMessage::response(result, id),
        Err(error) => JsonRpcMessage::error(error, Some(id)),
    }
}

fn sse_event(message: &ServerJsonRpcMessage) -> Bytes {
    let mut event = b"event: message\ndata: ".to_vec();
    // Serializing rmcp's own message types cannot fail; an empty object would be the tell.
    if serde_json::to_writer(&mut event, message).is_err() {
        event.extend_from_slice(b"{}");
    }
    event.extend_from_slice(b"\n\n");
    Bytes::from(event)
}

/// The result in the shape a session-era client expects, refused where rmcp refuses it.
fn legacy_result(
    response: CallToolResponse,
    client: &ClientCapabilities,
) -> Result<ServerResult, ErrorData> {
    // rmcp's rules for these two: a task handle only to a client that declared tasks, and an
    // input-required result never before 2026-07-28.
    if matches!(response, CallToolResponse::Task(_)) && !client.supports_tasks() {
        return Err(ErrorData::missing_required_client_capability(
            ClientCapabilities::builder().enable_tasks().build(),
        ));
    }
    let mut result = ServerResult::from(response);
    if matches!(result, ServerResult::InputRequiredResult(_)) {
        return Err(ErrorData::invalid_request(
            "InputRequiredResult requires negotiated protocol version 2026-07-28 or newer",
            None,
        ));
    }
    result.strip_result_type_for_legacy_peer();
    result.strip_non_object_output_for_legacy_peer();
    Ok(result)
}

/// Calls answered here, by session and request id, so a `notifications/cancelled` for one of
/// them (which arrives on another POST, and which rmcp would not recognise) cancels it.
#[derive(Default)]
pub(crate) struct InFlightCalls {
    calls: Mutex<HashMap<(String, RequestId), CancellationToken>>,
}

impl InFlightCalls {
    /// Registers a call; it is forgotten when the returned guard drops.
    pub fn start(self: &Arc<Self>, session: &str, id: &RequestId) -> InFlightGuard {
        let key = (session.to_owned(), id.clone());
        let token = CancellationToken::new();
        if let Ok(mut calls) = self.calls.lock() {
            calls.insert(key.clone(), token.clone());
        }
        InFlightGuard {
            calls: self.clone(),
            key,
            token,
        }
    }

    /// Cancels the call `message` names, when it is a cancellation of one of ours.
    pub fn cancel_if_ours(&self, session: &str, message: &ClientJsonRpcMessage) {
        let JsonRpcMessage::Notification(notification) = message else {
            return;
        };
        let ClientNotification::CancelledNotification(cancelled) = &notification.notification
        else {
            return;
        };
        let Some(request_id) = &cancelled.params.request_id else {
            return;
        };
        let key = (session.to_owned(), request_id.clone());
        if let Some(token) = self
            .calls
            .lock()
            .ok()
            .and_then(|calls| calls.get(&key).cloned())
        {
            token.cancel();
        }
    }
}

pub(crate) struct InFlightGuard {
    calls: Arc<InFlightCalls>,
    key: (String, RequestId),
    token: CancellationToken,
}

impl InFlightGuard {
    pub fn token(&self) -> CancellationToken {
        self.token.clone()
    }
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        if let Ok(mut calls) = self.calls.calls.lock() {
            calls.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers() -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("mcp-protocol-version", "2025-11-25".parse().unwrap());
        headers.insert(http::header::ACCEPT, "application/json".parse().unwrap());
        headers.insert(
            http::header::CONTENT_TYPE,
            "application/json".parse().unwrap(),
        );
        headers
    }

    fn record() -> SessionRecord {
        let mut initialize = rmcp::model::InitializeRequestParams::default();
        initialize.protocol_version = ProtocolVersion::V_2025_11_25;
        SessionRecord {
            owner_token_id: 1,
            route: "aggregated".to_owned(),
            initialize_params: initialize,
            log_level: None,
        }
    }

    /// The router's own parse of a POST body, then the direct path's choice: never a panic,
    /// and what the direct path keeps (the tool name) is never larger than the input.
    fn check(bytes: &[u8]) {
        let Ok(message) = serde_json::from_slice::<ClientJsonRpcMessage>(bytes) else {
            return;
        };
        if let Ok(call) = take_call(message, &headers(), &record()) {
            assert!(call.params.name.len() <= bytes.len());
        }
    }

    #[test]
    fn deeply_nested_arguments_are_refused_by_the_parser_not_the_stack() {
        let depth = 100_000;
        let body = format!(
            r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":"t","arguments":{{"a":{}{}}}}}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        check(body.as_bytes());
        let call = br#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"}}"#;
        let message = serde_json::from_slice::<ClientJsonRpcMessage>(call).unwrap();
        assert!(take_call(message, &headers(), &record()).is_ok());
    }

    proptest::proptest! {
        // 256 cases by default; PROPTEST_CASES=100000 runs longer.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(256)
        ))]

        #[test]
        fn arbitrary_bytes_never_panic(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048),
        ) {
            check(&bytes);
        }

        /// Near-valid messages: a tools/call whose fields are arbitrary JSON text.
        #[test]
        fn near_valid_calls_never_panic(
            id in "[-0-9a-z\"{}\\[\\]:,.]{0,12}",
            name in "\\PC{0,40}",
            arguments in "[-0-9a-z\"{}\\[\\]:,. ]{0,64}",
        ) {
            let body = format!(
                r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":{},"arguments":{arguments}}}}}"#,
                serde_json::Value::String(name),
            );
            check(body.as_bytes());
        }
    }
}
