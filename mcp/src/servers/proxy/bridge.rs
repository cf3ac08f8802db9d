//! A 2026-07-28 caller's call of a session-era upstream that asks mid-call: the upstream call kept open across the caller's retries.
//!
//! A 2026-07-28 caller has no stream a request could ride: a server asks it with an
//! input-required result, and it answers by calling again with `inputResponses` and the
//! `requestState` it got. A session-era upstream asks mid-call instead and waits for the answer.
//! The gateway bridges the two: the upstream call runs in a task of its own; when the upstream
//! asks, the caller's request is answered with an input-required result naming that request,
//! and the running call is parked under a random `requestState`. The retry naming it takes the
//! call back, sends the answer upstream and waits on for the next request (another round) or
//! the result.
//!
//! Parked calls live in this replica's memory, per proxy (so per server and group), at most
//! [`MAX_PARKED`] of them, each for at most the upstream timeout: past it the call is dropped
//! and cancelled upstream. A retry whose state is unknown (expired, used, issued for another
//! tool or group, or by another replica) gets a JSON-RPC error saying so.
#![expect(
    deprecated,
    reason = "sampling and roots are deprecated upstream (SEP-2577) but session-era upstreams still ask for them"
)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::ErrorData;
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CallToolResponse, CancelledNotificationParam,
    ClientRequest, ClientResult, CreateMessageResult, ElicitResult, InputRequest,
    InputRequiredResult, ListRootsResult, ServerRequest, ServerResult,
};
use rmcp::service::{PeerRequestOptions, ServiceError};
use serde_json::Value;
use tokio::sync::{OwnedMutexGuard, oneshot};
use tokio_util::sync::{CancellationToken, DropGuard};

use super::caller_logs;
use super::progress::{ProgressRoutes, progress_key};
use super::upstream_client::{CallerLink, ToCaller};
use super::upstream_http::upstream_error;
use super::{Live, map_service_error};
use crate::caller_requests::cannot_ask;
use crate::tool_server::ToolCall;

/// Marks a `requestState` the gateway issued (an upstream's own state passes through as is).
const STATE_PREFIX: &str = "aiproxy-bridge.";
/// The key of the one request each round names in `inputRequests`.
pub(super) const INPUT_KEY: &str = "upstream_request";
/// The most calls of one proxy (server and group) waiting for their callers at once.
const MAX_PARKED: usize = 256;

/// Whether `state` is one the gateway issued for a bridged call.
pub(super) fn is_bridge_state(state: &str) -> bool {
    state.starts_with(STATE_PREFIX)
}

/// An upstream request the caller was asked, waiting for its answer.
struct Asked {
    /// What was asked, to read the answer as its kind of result.
    request: InputRequest,
    answer: oneshot::Sender<Result<ClientResult, ErrorData>>,
}

/// An upstream call in flight for a 2026-07-28 caller.
pub(super) struct RunningCall {
    /// The tool called: a retry must name the same one.
    tool: String,
    outcome: oneshot::Receiver<Result<ServerResult, ServiceError>>,
    link: CallerLink,
    asked: Option<Asked>,
    /// The upstream progress token's key in the proxy's progress routes.
    progress_key: String,
    routes: ProgressRoutes,
    /// Cancels the upstream call when the running call is dropped before its result.
    _cancel: DropGuard,
    /// The connection (and, on legacy SSE, its one-call turn) held for the call's length.
    _upstream: Arc<Live>,
    _turn: Option<OwnedMutexGuard<()>>,
}

/// What ended one round of waiting.
enum Event {
    Finished(Result<Result<ServerResult, ServiceError>, oneshot::error::RecvError>),
    Message(ToCaller),
    Cancelled,
    TimedOut,
}

impl RunningCall {
    /// Sends the call upstream. No request timeout there: each round the caller waits, and
    /// each wait for the caller's retry, is bounded instead.
    pub async fn start(
        upstream: Arc<Live>,
        call: &ToolCall,
        routes: ProgressRoutes,
        turn: Option<OwnedMutexGuard<()>>,
    ) -> Result<Self, ServiceError> {
        let mut params = CallToolRequestParams::new(call.name.clone());
        params.arguments = call.arguments.clone();
        // A retry after the upstream's own input-required result: its answers and state.
        params.input_responses = call.input_responses.clone();
        params.request_state = call.request_state.clone();
        let request = ClientRequest::CallToolRequest(CallToolRequest::new(params));
        let peer = upstream.service.peer().clone();
        let handle = peer
            .send_cancellable_request(request, PeerRequestOptions::default())
            .await?;
        let link = upstream.links.link(&handle.id);
        let progress_key = progress_key(&handle.progress_token);
        let cancel = CancellationToken::new();
        let cancelled = cancel.clone();
        let (sender, outcome) = oneshot::channel();
        let id = handle.id.clone();
        tokio::spawn(async move {
            let result = tokio::select! {
                result = handle.await_response() => result,
                () = cancelled.cancelled() => {
                    let reason = "the calling client did not come back for the call".to_owned();
                    let notice = CancelledNotificationParam::new(Some(id), Some(reason.clone()));
                    if let Err(error) = peer.notify_cancelled(notice).await {
                        tracing::debug!(%error, "upstream not told of an abandoned call");
                    }
                    Err(ServiceError::Cancelled { reason: Some(reason) })
                }
            };
            // Nobody waits any more when the call was dropped: nothing to tell.
            let _ = sender.send(result);
        });
        Ok(Self {
            tool: call.name.clone(),
            outcome,
            link,
            asked: None,
            progress_key,
            routes,
            _cancel: cancel.drop_guard(),
            _upstream: upstream,
            _turn: turn,
        })
    }

    /// Sends the answer the retry `call` carries to the request the caller was asked; a retry
    /// without one is a refusal the upstream hears as such.
    pub fn answer(&mut self, call: &ToolCall) {
        let Some(asked) = self.asked.take() else {
            return;
        };
        let answer = call
            .input_responses
            .as_ref()
            .and_then(|responses| responses.get(INPUT_KEY));
        let result = match answer {
            Some(answer) => client_result(&asked.request, answer.clone()),
            None => Err(cannot_ask(
                "the calling client retried without answering the request",
            )),
        };
        // The upstream's side stopped waiting: the call's outcome says what happened.
        let _ = asked.answer.send(result);
    }

    /// Waits for the call's result or the upstream's next request, at most `timeout`; log
    /// messages and progress meanwhile (and, with `settle`, log messages trailing the result)
    /// go to `call`'s caller. A request parks the call in
    /// `parked` and is answered as an input-required result.
    pub async fn drive(
        mut self,
        call: &ToolCall,
        (timeout, settle): (Duration, bool),
        parked: &ParkedCalls,
    ) -> Result<CallToolResponse, ErrorData> {
        let progress = ProgressTo::caller(&self, call);
        let wanted = caller_logs::wanted_level(call);
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        loop {
            let event = tokio::select! {
                outcome = &mut self.outcome => Event::Finished(outcome),
                Some(message) = self.link.recv() => Event::Message(message),
                () = call.cancel.cancelled() => Event::Cancelled,
                () = &mut deadline => Event::TimedOut,
            };
            match event {
                Event::Finished(outcome) => {
                    // A session-era upstream may send a call's last progress on its own
                    // stream, a moment behind the result: the route outlives the result.
                    if progress.is_some() {
                        let span = super::upstream_client::PROGRESS_ROUTE_OUTLIVES_RESULT_BY;
                        self.link.outlive_result(call, settle, span).await;
                    } else if settle {
                        let span = super::upstream_client::ROUTE_OUTLIVES_RESULT_BY;
                        self.link.outlive_result(call, settle, span).await;
                    }
                    return finished(outcome);
                }
                Event::Message(ToCaller::Log(message)) => {
                    caller_logs::forward(&call.notifier, wanted, message).await;
                }
                Event::Message(ToCaller::Ask { request, answer }) => match input_request(request) {
                    Ok(input) => {
                        self.asked = Some(Asked {
                            request: input.clone(),
                            answer,
                        });
                        return parked.park(self, input, timeout);
                    }
                    Err(reason) => {
                        let _ = answer.send(Err(cannot_ask(reason)));
                    }
                },
                // Dropping the call cancels it upstream.
                Event::Cancelled => return Err(upstream_error("cancelled by the client")),
                Event::TimedOut => return Err(upstream_error("upstream tools/call timed out")),
            }
        }
    }
}

/// The call's progress routed to the caller of the current round, for as long as it lasts.
struct ProgressTo {
    key: String,
    routes: ProgressRoutes,
}

impl ProgressTo {
    fn caller(running: &RunningCall, call: &ToolCall) -> Option<Self> {
        let token = call.progress_token.clone()?;
        let mut routes = running.routes.lock().ok()?;
        routes.insert(running.progress_key.clone(), (call.notifier.clone(), token));
        Some(Self {
            key: running.progress_key.clone(),
            routes: running.routes.clone(),
        })
    }
}

impl Drop for ProgressTo {
    fn drop(&mut self) {
        if let Ok(mut routes) = self.routes.lock() {
            routes.remove(&self.key);
        }
    }
}

/// The upstream's result for the caller.
fn finished(
    outcome: Result<Result<ServerResult, ServiceError>, oneshot::error::RecvError>,
) -> Result<CallToolResponse, ErrorData> {
    match outcome {
        Ok(Ok(ServerResult::CallToolResult(result))) => Ok(CallToolResponse::Complete(result)),
        // The upstream's own input request (its state passes through to its retry).
        Ok(Ok(ServerResult::InputRequiredResult(result))) => {
            Ok(CallToolResponse::InputRequired(result))
        }
        Ok(Ok(ServerResult::CreateTaskResult(result))) => Ok(CallToolResponse::Task(result)),
        Ok(Ok(_)) => Err(upstream_error(
            "upstream answered tools/call with another result",
        )),
        Ok(Err(error)) => Err(map_service_error(error)),
        Err(_) => Err(upstream_error("the upstream call ended without an answer")),
    }
}

/// `request` as an entry of `inputRequests` (the same message without an id); `Err` with why
/// when it is no kind a 2026-07-28 caller can be asked.
fn input_request(request: ServerRequest) -> Result<InputRequest, &'static str> {
    let kind_fits = matches!(
        request,
        ServerRequest::CreateMessageRequest(_)
            | ServerRequest::ElicitRequest(_)
            | ServerRequest::ListRootsRequest(_)
    );
    if !kind_fits {
        return Err("requests other than sampling, elicitation and roots are not passed on");
    }
    serde_json::to_value(&request)
        .and_then(serde_json::from_value::<InputRequest>)
        .map_err(|_| "the request cannot be put to the calling client")
}

/// The caller's `answer` to `request` as the result the upstream waits for.
fn client_result(request: &InputRequest, answer: Value) -> Result<ClientResult, ErrorData> {
    let read = match request {
        InputRequest::CreateMessage(_) => {
            serde_json::from_value::<CreateMessageResult>(answer).map(ClientResult::from)
        }
        InputRequest::Elicitation(_) => {
            serde_json::from_value::<ElicitResult>(answer).map(ClientResult::from)
        }
        InputRequest::ListRoots(_) => {
            serde_json::from_value::<ListRootsResult>(answer).map(ClientResult::from)
        }
        _ => {
            return Err(cannot_ask(
                "the gateway cannot read an answer to this kind of request",
            ));
        }
    };
    read.map_err(|error| {
        ErrorData::invalid_params(
            format!("the calling client's answer is not a valid result: {error}"),
            None,
        )
    })
}

/// Calls waiting for their callers' retries, by the `requestState` each was given.
#[derive(Clone, Default)]
pub(super) struct ParkedCalls(Arc<Mutex<HashMap<String, RunningCall>>>);

impl ParkedCalls {
    /// Parks `running` until its caller retries (at most `lifetime`), and says what to ask it.
    fn park(
        &self,
        running: RunningCall,
        input: InputRequest,
        lifetime: Duration,
    ) -> Result<CallToolResponse, ErrorData> {
        let state = format!("{STATE_PREFIX}{}", uuid::Uuid::new_v4().simple());
        {
            let mut calls = self
                .0
                .lock()
                .map_err(|_| upstream_error("the gateway lost track of its waiting calls"))?;
            if calls.len() >= MAX_PARKED {
                // Dropped on return: cancelled upstream.
                return Err(upstream_error(format!(
                    "more than {MAX_PARKED} calls of this server wait for their callers' answers; \
                     try again later"
                )));
            }
            calls.insert(state.clone(), running);
        }
        let calls = Arc::downgrade(&self.0);
        let expiring = state.clone();
        tokio::spawn(async move {
            tokio::time::sleep(lifetime).await;
            let Some(calls) = calls.upgrade() else {
                return;
            };
            let abandoned = calls
                .lock()
                .ok()
                .and_then(|mut calls| calls.remove(&expiring));
            // Dropped here, outside the lock: the upstream call is cancelled.
            drop(abandoned);
        });
        Ok(CallToolResponse::InputRequired(InputRequiredResult::new(
            Some([(INPUT_KEY.to_owned(), input)].into()),
            Some(state),
        )))
    }

    /// The call parked under `state`, for a retry of `tool`; each state serves one retry.
    pub fn take(&self, state: &str, tool: &str) -> Result<RunningCall, ErrorData> {
        let unknown = || {
            ErrorData::invalid_params(
                "requestState is unknown: it expired, was used already, belongs to another \
                 tool, or was issued by another replica (a call waiting for its caller is kept \
                 by the replica that started it)",
                None,
            )
        };
        let mut calls = self
            .0
            .lock()
            .map_err(|_| upstream_error("the gateway lost track of its waiting calls"))?;
        if calls.get(state).is_none_or(|running| running.tool != tool) {
            return Err(unknown());
        }
        calls.remove(state).ok_or_else(unknown)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.lock().map(|calls| calls.len()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sampling_elicitation_and_roots_become_input_requests() {
        let roots: ServerRequest =
            serde_json::from_value(serde_json::json!({"method": "roots/list"})).unwrap();
        assert!(matches!(
            input_request(roots),
            Ok(InputRequest::ListRoots(_))
        ));
        let ping: ServerRequest =
            serde_json::from_value(serde_json::json!({"method": "ping"})).unwrap();
        assert!(input_request(ping).is_err());
    }

    #[test]
    fn an_answer_is_read_as_the_result_of_what_was_asked() {
        let roots: ServerRequest =
            serde_json::from_value(serde_json::json!({"method": "roots/list"})).unwrap();
        let asked = input_request(roots).unwrap();
        let answer = serde_json::json!({"roots": [{"uri": "file:///w"}]});
        assert!(matches!(
            client_result(&asked, answer),
            Ok(ClientResult::ListRootsResult(_))
        ));
        let wrong = client_result(&asked, serde_json::json!({"roots": 3})).unwrap_err();
        assert!(wrong.message.contains("not a valid result"), "{wrong:?}");
    }

    #[test]
    fn an_unknown_state_is_a_clear_error() {
        let parked = ParkedCalls::default();
        let error = parked.take("aiproxy-bridge.0000", "tool").err().unwrap();
        assert!(error.message.contains("another replica"), "{error:?}");
        assert_eq!(parked.len(), 0);
        assert!(is_bridge_state("aiproxy-bridge.x"));
        assert!(!is_bridge_state("upstream-state"));
    }
}
