//! A 2026-07-28 caller's call of a session-era upstream that asks mid-call: the upstream call kept open across the caller's retries.
//!
//! A 2026-07-28 caller has no stream a request could ride: a server asks it with an
//! input-required result, and it answers by calling again with `inputResponses` and the
//! `requestState` it got. A session-era upstream asks mid-call instead and waits for the answer.
//! The gateway bridges the two: the upstream call runs in a task of its own; when the upstream
//! asks, the caller's request is answered with an input-required result naming that request,
//! and the running call is parked under a random `requestState`. The retry naming it takes the
//! call back, sends the answers upstream and waits on for the next request (another round) or
//! the result.
//!
//! A session-era upstream may ask several things at once (concurrent requests of one call):
//! those that arrive within [`GATHER_QUIET`] of each other are named together in one round,
//! each under its own key; one that comes later is asked in the next round, so the grouping is
//! a matter of round trips, never of correctness. A request is named under the key the upstream
//! gave it in `_meta` (see [`crate::caller_requests::INPUT_KEY_META`]), else under
//! [`INPUT_KEY`] (numbered from the second on). The caller is asked only what it declared it
//! can answer; anything else is refused to the upstream at once. A retry that leaves a request
//! unanswered is asked it again (SEP-2322: re-request what is missing).
//!
//! A caller that takes tasks (it declared the tasks extension, on a route that declares it)
//! gets the retry that brings its answers as a task of the gateway's own (see
//! `Proxy::continues_as_task` and `crate::tasks`): the parked call is the task's background
//! run, a further upstream request the task's `input_required` status (an input-required
//! round of this bridge, parked as any), and the upstream's answer the task's result.
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
    ClientRequest, ClientResult, CreateMessageResult, ElicitResult, GetPromptRequest,
    GetPromptRequestParams, GetPromptResponse, InputRequest, InputRequiredResult, ListRootsResult,
    LoggingLevel, ServerRequest, ServerResult,
};
use rmcp::service::{PeerRequestOptions, ServiceError};
use serde_json::Value;
use tokio::sync::{OwnedMutexGuard, oneshot};
use tokio_util::sync::{CancellationToken, DropGuard};

use super::caller_logs;
use super::progress::{PendingRoute, ProgressRoutes, progress_key};
use super::upstream_client::{CallerLink, ToCaller};
use super::upstream_http::upstream_error;
use super::{Live, map_service_error};
use crate::caller_requests::{AskableCapabilities, cannot_ask};
use crate::tool_server::{PromptCaller, ToolCall};

/// Marks a `requestState` the gateway issued (an upstream's own state passes through as is).
const STATE_PREFIX: &str = "aiproxy-bridge.";
/// The key of an upstream request in `inputRequests` when the upstream named none (the second
/// and later of one round get `_2`, `_3`, ...).
pub(super) const INPUT_KEY: &str = "upstream_request";
/// The most calls of one proxy (server and group) waiting for their callers at once.
const MAX_PARKED: usize = 256;
/// How long a round waits, after the upstream's latest request, for another one to ask
/// together: concurrent requests of a session-era upstream arrive back to back, each handled
/// in a task of its own. A request later than this is asked in the next round.
const GATHER_QUIET: Duration = Duration::from_millis(100);
/// The most requests one round names: past it the upstream's further requests are refused.
const MAX_ASKED_PER_ROUND: usize = 16;
/// The longest key an upstream may name its request under.
const MAX_KEY_LEN: usize = 64;

/// Whether `state` is one the gateway issued for a bridged call.
pub(super) fn is_bridge_state(state: &str) -> bool {
    state.starts_with(STATE_PREFIX)
}

/// An upstream request the caller was asked, waiting for its answer.
struct Asked {
    /// Its key in the round's `inputRequests` (and in the retry's `inputResponses`).
    key: String,
    /// What was asked, to read the answer as its kind of result.
    request: InputRequest,
    answer: oneshot::Sender<Result<ClientResult, ErrorData>>,
}

/// An upstream call in flight for a 2026-07-28 caller.
pub(super) struct RunningCall {
    /// What was called (`tools/call` of a tool, `prompts/get` of a prompt): a retry must
    /// name the same.
    called: String,
    outcome: oneshot::Receiver<Result<ServerResult, ServiceError>>,
    link: CallerLink,
    /// The upstream's requests the caller is asked in the current round.
    asked: Vec<Asked>,
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
    /// `request` is the upstream request for `call` (see [`tool_request`]); `called` names
    /// what it calls (see [`called`]).
    pub async fn start(
        upstream: Arc<Live>,
        (request, called): (ClientRequest, String),
        call: &ToolCall,
        (routes, turn): (ProgressRoutes, Option<OwnedMutexGuard<()>>),
    ) -> Result<Self, ServiceError> {
        let peer = upstream.service.peer().clone();
        // The first round's progress route is in place before the request can leave (the
        // upstream may report progress at once).
        let pending = call
            .progress_token
            .clone()
            .map(|token| PendingRoute::register(&routes, call.notifier.clone(), token));
        let mut options = PeerRequestOptions::default();
        if let Some(pending) = &pending {
            pending.mark(options.meta.get_or_insert_default());
        }
        let handle = peer.send_cancellable_request(request, options).await?;
        let link = upstream.links.link(&handle.id);
        let progress_key = progress_key(&handle.progress_token);
        if let Some(pending) = pending {
            pending.settle(&progress_key);
        }
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
            called,
            outcome,
            link,
            asked: Vec::new(),
            progress_key,
            routes,
            _cancel: cancel.drop_guard(),
            _upstream: upstream,
            _turn: turn,
        })
    }

    /// Sends each answer the retry `call` carries to the request it names; a request left
    /// unanswered stays asked, and the next round names it again. From now on the call's
    /// progress goes to this retry's caller: routed before the answers leave, since the
    /// upstream may report progress as soon as it has them.
    pub fn answer(&mut self, call: &ToolCall) {
        self.route_progress(call);
        let responses = call.input_responses.as_ref();
        for asked in std::mem::take(&mut self.asked) {
            match responses.and_then(|responses| responses.get(&asked.key)) {
                Some(answer) => {
                    let result = client_result(&asked.request, answer.clone());
                    // The upstream's side stopped waiting: the call's outcome says what happened.
                    let _ = asked.answer.send(result);
                }
                None => self.asked.push(asked),
            }
        }
    }

    /// Routes the call's progress to the caller of `call` (to nobody when it asked for none).
    fn route_progress(&self, call: &ToolCall) {
        let Ok(mut routes) = self.routes.lock() else {
            return;
        };
        match &call.progress_token {
            Some(token) => {
                routes.insert(
                    self.progress_key.clone(),
                    (call.notifier.clone(), token.clone()),
                );
            }
            None => {
                routes.remove(&self.progress_key);
            }
        }
    }

    /// Takes the upstream's `request` (and the key it `named` it under) into the current
    /// round, or refuses it to the upstream when the caller of `call` cannot be asked it.
    fn take_request(
        &mut self,
        call: &ToolCall,
        (request, named): (ServerRequest, Option<String>),
        answer: oneshot::Sender<Result<ClientResult, ErrorData>>,
    ) {
        let refusal = AskableCapabilities::of_call(call).refusal(&request);
        let taken = match refusal {
            Some(reason) => Err(reason),
            None if self.asked.len() >= MAX_ASKED_PER_ROUND => {
                Err("the upstream asked more at once than the gateway passes on")
            }
            None => input_request(request),
        };
        match taken {
            Ok(request) => {
                let key = key_for(named, &self.asked);
                self.asked.push(Asked {
                    key,
                    request,
                    answer,
                });
            }
            Err(reason) => {
                let _ = answer.send(Err(cannot_ask(reason)));
            }
        }
    }

    /// Takes the upstream's further requests for this round until none has come for
    /// [`GATHER_QUIET`]; log messages meanwhile go to the caller.
    async fn gather(&mut self, call: &ToolCall, wanted: Option<LoggingLevel>) {
        loop {
            let quiet = tokio::time::sleep(GATHER_QUIET);
            tokio::select! {
                () = quiet => return,
                message = self.link.recv() => match message {
                    Some(ToCaller::Ask { request, key, answer }) => {
                        self.take_request(call, (request, key), answer);
                    }
                    Some(ToCaller::Log(message)) => {
                        caller_logs::forward(&call.notifier, wanted, message).await;
                    }
                    None => return,
                },
            }
        }
    }

    /// Waits for the call's result or the upstream's next requests, at most `timeout`; log
    /// messages meanwhile (and, with `settle`, log messages trailing the result) go to `call`'s
    /// caller, as does progress (routed at [`Self::start`] or [`Self::answer`]). Requests
    /// park the call in `parked` and are answered as an input-required result.
    pub async fn drive(
        mut self,
        call: &ToolCall,
        (timeout, settle): (Duration, bool),
        parked: &ParkedCalls,
    ) -> Result<Bridged, ErrorData> {
        let wanted = caller_logs::wanted_level(call);
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        loop {
            if !self.asked.is_empty() {
                self.gather(call, wanted).await;
                return parked.park(self, timeout).map(Bridged::Asked);
            }
            let event = tokio::select! {
                outcome = &mut self.outcome => Event::Finished(outcome),
                Some(message) = self.link.recv() => Event::Message(message),
                () = call.cancel.cancelled() => Event::Cancelled,
                () = &mut deadline => Event::TimedOut,
            };
            match event {
                Event::Finished(outcome) => {
                    // The call's progress came before its result on the call's own stream (and
                    // was passed on as read); log messages may trail it on the session's.
                    if settle {
                        let span = super::upstream_client::ROUTE_OUTLIVES_RESULT_BY;
                        self.link.outlive_result(call, settle, span).await;
                    }
                    return finished(outcome).map(|result| Bridged::Finished(Box::new(result)));
                }
                Event::Message(ToCaller::Log(message)) => {
                    caller_logs::forward(&call.notifier, wanted, message).await;
                }
                Event::Message(ToCaller::Ask {
                    request,
                    key,
                    answer,
                }) => {
                    self.take_request(call, (request, key), answer);
                }
                // Dropping the call cancels it upstream.
                Event::Cancelled => return Err(upstream_error("cancelled by the client")),
                Event::TimedOut => return Err(upstream_error("the upstream call timed out")),
            }
        }
    }
}

impl Drop for RunningCall {
    /// The call's progress has nowhere to go any more.
    fn drop(&mut self) {
        if let Ok(mut routes) = self.routes.lock() {
            routes.remove(&self.progress_key);
        }
    }
}

/// What one round of a bridged call ended with.
pub(super) enum Bridged {
    /// The upstream asked: the caller is asked this (the call parked under its state).
    Asked(InputRequiredResult),
    /// The upstream's answer to the call (boxed: far larger than a round's question).
    Finished(Box<ServerResult>),
}

/// What a bridged call of `method` for `name` is known by: a retry must name the same.
pub(super) fn called(method: &str, name: &str) -> String {
    format!("{method} {name}")
}

/// The upstream `tools/call` for `call`.
pub(super) fn tool_request(call: &ToolCall) -> (ClientRequest, String) {
    let mut params = CallToolRequestParams::new(call.name.clone());
    params.arguments = call.arguments.clone();
    // A retry after the upstream's own input-required result: its answers and state.
    params.input_responses = call.input_responses.clone();
    params.request_state = call.request_state.clone();
    (
        ClientRequest::CallToolRequest(CallToolRequest::new(params)),
        called("tools/call", &call.name),
    )
}

/// The upstream `prompts/get` for `get`.
pub(super) fn prompt_request(get: &GetPromptRequestParams) -> (ClientRequest, String) {
    let called = called("prompts/get", &get.name);
    (
        ClientRequest::GetPromptRequest(GetPromptRequest::new(get.clone())),
        called,
    )
}

/// The caller of a `prompts/get` as the bridge sees a caller: its name, answers and state, and
/// how to reach it (a prompt has no arguments the bridge reads, nor any the upstream misses:
/// the request itself is [`prompt_request`]'s).
pub(super) fn prompt_round(get: &GetPromptRequestParams, caller: PromptCaller) -> ToolCall {
    let progress_token = caller
        .meta
        .as_ref()
        .and_then(|meta| meta.get_progress_token());
    ToolCall {
        name: get.name.clone(),
        arguments: None,
        progress_token,
        notifier: caller.notifier,
        cancel: caller.cancel,
        meta: caller.meta,
        input_responses: get.input_responses.clone(),
        request_state: get.request_state.clone(),
    }
}

/// A bridged `prompts/get` round as the caller's answer.
pub(super) fn prompt_response(round: Bridged) -> Result<GetPromptResponse, ErrorData> {
    let result = match round {
        Bridged::Asked(asked) => return Ok(GetPromptResponse::InputRequired(asked)),
        Bridged::Finished(result) => *result,
    };
    match result {
        ServerResult::GetPromptResult(result) => Ok(GetPromptResponse::Complete(result)),
        ServerResult::InputRequiredResult(result) => Ok(GetPromptResponse::InputRequired(result)),
        _ => Err(upstream_error(
            "upstream answered prompts/get with another result",
        )),
    }
}

/// A bridged `tools/call` round as the caller's answer.
pub(super) fn tool_response(round: Bridged) -> Result<CallToolResponse, ErrorData> {
    let result = match round {
        Bridged::Asked(asked) => return Ok(CallToolResponse::InputRequired(asked)),
        Bridged::Finished(result) => *result,
    };
    match result {
        ServerResult::CallToolResult(result) => Ok(CallToolResponse::Complete(result)),
        // The upstream's own input request (its state passes through to its retry).
        ServerResult::InputRequiredResult(result) => Ok(CallToolResponse::InputRequired(result)),
        ServerResult::CreateTaskResult(result) => Ok(CallToolResponse::Task(result)),
        _ => Err(upstream_error(
            "upstream answered tools/call with another result",
        )),
    }
}

/// The upstream's answer, or the error the caller gets instead.
fn finished(
    outcome: Result<Result<ServerResult, ServiceError>, oneshot::error::RecvError>,
) -> Result<ServerResult, ErrorData> {
    match outcome {
        Ok(Ok(result)) => Ok(result),
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

/// The key of a new request in a round that already asks `asked`: the one the upstream
/// `named`, when it is usable and free, else [`INPUT_KEY`], numbered when taken.
fn key_for(named: Option<String>, asked: &[Asked]) -> String {
    let taken = |key: &str| asked.iter().any(|asked| asked.key == key);
    if let Some(named) = named.filter(|named| usable_key(named) && !taken(named)) {
        return named;
    }
    (1..=asked.len() + 1)
        .map(|n| match n {
            1 => INPUT_KEY.to_owned(),
            n => format!("{INPUT_KEY}_{n}"),
        })
        .find(|key| !taken(key))
        .unwrap_or_else(|| format!("{INPUT_KEY}_{}", uuid::Uuid::new_v4().simple()))
}

/// Whether an upstream's key can name a request: short, printable, not blank.
fn usable_key(key: &str) -> bool {
    !key.trim().is_empty() && key.len() <= MAX_KEY_LEN && !key.chars().any(char::is_control)
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
        lifetime: Duration,
    ) -> Result<InputRequiredResult, ErrorData> {
        let state = format!("{STATE_PREFIX}{}", uuid::Uuid::new_v4().simple());
        let requests = running
            .asked
            .iter()
            .map(|asked| (asked.key.clone(), asked.request.clone()))
            .collect();
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
        Ok(InputRequiredResult::new(Some(requests), Some(state)))
    }

    /// The call parked under `state`, for a retry of what was `called` (see [`called`]); each
    /// state serves one retry.
    pub fn take(&self, state: &str, called: &str) -> Result<RunningCall, ErrorData> {
        let unknown = || {
            ErrorData::invalid_params(
                "requestState is unknown: it expired, was used already, belongs to another \
                 tool or prompt, or was issued by another replica (a call waiting for its caller is kept \
                 by the replica that started it)",
                None,
            )
        };
        let mut calls = self
            .0
            .lock()
            .map_err(|_| upstream_error("the gateway lost track of its waiting calls"))?;
        if calls
            .get(state)
            .is_none_or(|running| running.called != called)
        {
            return Err(unknown());
        }
        calls.remove(state).ok_or_else(unknown)
    }

    /// Whether a call of what was `called` is parked under `state` (it stays parked).
    pub fn holds(&self, state: &str, called: &str) -> bool {
        self.0.lock().is_ok_and(|calls| {
            calls
                .get(state)
                .is_some_and(|running| running.called == called)
        })
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
    fn each_request_of_a_round_gets_a_key_of_its_own() {
        let roots: ServerRequest =
            serde_json::from_value(serde_json::json!({"method": "roots/list"})).unwrap();
        let request = input_request(roots).unwrap();
        let asked = |key: &str| Asked {
            key: key.to_owned(),
            request: request.clone(),
            answer: oneshot::channel().0,
        };
        assert_eq!(key_for(None, &[]), INPUT_KEY);
        assert_eq!(key_for(Some("user_name".into()), &[]), "user_name");
        let round = [asked(INPUT_KEY), asked("user_name")];
        assert_eq!(key_for(None, &round), "upstream_request_2");
        // A key already taken in the round, or unusable, is replaced by a numbered one.
        assert_eq!(
            key_for(Some("user_name".into()), &round),
            "upstream_request_2"
        );
        assert_eq!(key_for(Some(String::new()), &round[1..]), INPUT_KEY);
    }

    #[test]
    fn only_short_printable_keys_name_a_request() {
        assert!(usable_key("user_name"));
        assert!(!usable_key(" "));
        assert!(!usable_key("a\nb"));
        assert!(!usable_key(&"k".repeat(MAX_KEY_LEN + 1)));
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
