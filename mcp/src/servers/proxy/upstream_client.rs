//! The gateway as an upstream's client: capabilities declared for its callers, upstream requests and log messages handed to the call.
//!
//! rmcp's client answers an upstream's requests in a task of its own; the request is passed from
//! there to the task of the call it belongs to, which asks the caller (see `caller_requests`):
//! sent from that task, the request rides the caller's own stream for that call.
#![expect(
    deprecated,
    reason = "logging is deprecated upstream (SEP-2577) but servers of the 2025 revisions still send it"
)]

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::ErrorData;
use rmcp::model::{
    ClientConfig, ClientResult, Implementation, LoggingMessageNotificationParam, RequestId,
    ServerNotification, ServerRequest,
};
use rmcp::service::{
    InboundStreamOrigin, NotificationContext, RequestContext, RoleClient, Service,
};
use tokio::sync::{mpsc, oneshot};

use super::caller_logs;
use crate::caller_requests::{self, AskableCapabilities, cannot_ask};
use crate::tool_server::ToolCall;

/// What the upstream sends a call's caller through the call's task.
pub(super) enum ToCaller {
    Ask {
        request: ServerRequest,
        /// The key the upstream named the request under in its `_meta`, if any (see
        /// [`crate::caller_requests::INPUT_KEY_META`]).
        key: Option<String>,
        answer: oneshot::Sender<Result<ClientResult, ErrorData>>,
    },
    Log(LoggingMessageNotificationParam),
}

/// A call's routes (its link for log messages, its progress route) outlive its result by this
/// long: a session-era rmcp server sends a call's log messages on the session's GET stream, so
/// what the upstream sent before the result can arrive just after it (see
/// [`CallerLink::outlive_result`]). Progress needs no such wait: it rides the call's own stream
/// ahead of the result and is passed on as it is read (`progress.rs`), its route in place
/// before the request leaves.
pub(super) const ROUTE_OUTLIVES_RESULT_BY: Duration = Duration::from_millis(25);

/// How many messages for one call may wait for its task (an upstream that floods a call with
/// log messages loses the surplus, it does not grow a queue).
const LINK_CAPACITY: usize = 32;

/// The calls in flight on one upstream connection, by the id of the upstream request that
/// carries each.
#[derive(Clone, Default)]
pub(super) struct CallerLinks(Arc<Mutex<HashMap<String, mpsc::Sender<ToCaller>>>>);

impl CallerLinks {
    /// Links the upstream request `upstream_id` to the calling task, until the link drops.
    pub fn link(&self, upstream_id: &RequestId) -> CallerLink {
        let key = request_key(upstream_id);
        let (sender, receiver) = mpsc::channel(LINK_CAPACITY);
        if let Ok(mut links) = self.0.lock() {
            links.insert(key.clone(), sender);
        }
        CallerLink {
            links: self.clone(),
            key,
            receiver,
        }
    }

    /// The call a message from the upstream belongs to: the one whose response stream carried
    /// it, or, when the transport cannot tell (legacy SSE has one stream for everything), the
    /// only call in flight.
    fn find(
        &self,
        origin: Option<&InboundStreamOrigin>,
    ) -> Result<mpsc::Sender<ToCaller>, &'static str> {
        let links = self
            .0
            .lock()
            .map_err(|_| "the gateway lost track of its calls")?;
        if let Some(InboundStreamOrigin::OutboundRequest(id)) = origin {
            return links
                .get(&request_key(id))
                .cloned()
                .ok_or("the call this request belongs to has ended");
        }
        let mut in_flight = links.values();
        match (in_flight.next(), in_flight.next()) {
            (Some(only), None) => Ok(only.clone()),
            (None, _) => Err("no call is in flight on this connection"),
            (Some(_), Some(_)) => Err(SEVERAL_IN_FLIGHT),
        }
    }
}

impl CallerLinks {
    /// [`CallerLinks::find`], given [`LINK_WAIT`] to succeed: rmcp's client names a request's
    /// id only as it sends it, so the call's link is made just after, and a quick upstream's
    /// request can overtake it.
    async fn find_soon(
        &self,
        origin: Option<&InboundStreamOrigin>,
    ) -> Result<mpsc::Sender<ToCaller>, &'static str> {
        let deadline = tokio::time::Instant::now() + LINK_WAIT;
        loop {
            match self.find(origin) {
                Err(reason)
                    if tokio::time::Instant::now() < deadline && reason != SEVERAL_IN_FLIGHT =>
                {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                found => return found,
            }
        }
    }
}

/// Why a request on a transport that names no call cannot be placed (waiting cannot help).
const SEVERAL_IN_FLIGHT: &str =
    "several calls are in flight on this connection and the request names none of them";

/// How long an upstream's request waits for the call it belongs to to be linked.
const LINK_WAIT: Duration = Duration::from_millis(200);

/// One call's end of its link: what the upstream sends for it arrives on `receiver`.
pub(super) struct CallerLink {
    links: CallerLinks,
    key: String,
    receiver: mpsc::Receiver<ToCaller>,
}

impl CallerLink {
    /// Runs `work` (the call) while serving what the upstream sends for it: requests are put to
    /// the caller (each bounded by `timeout`), log messages passed on. With `settle` (the
    /// upstream logs and the caller can hear it), the link outlives the result (see
    /// [`Self::outlive_result`]).
    pub async fn serve_while<F: Future>(
        &mut self,
        call: &ToolCall,
        (timeout, settle): (Duration, bool),
        work: F,
    ) -> F::Output {
        let notifier = &call.notifier;
        let wanted = caller_logs::wanted_level(call);
        tokio::pin!(work);
        loop {
            tokio::select! {
                output = &mut work => {
                    if settle {
                        self.outlive_result(call, true, ROUTE_OUTLIVES_RESULT_BY)
                            .await;
                    }
                    return output;
                }
                Some(message) = self.receiver.recv() => match message {
                    ToCaller::Ask { request, answer, .. } => {
                        let answered = caller_requests::ask(notifier, request, timeout).await;
                        // The upstream's side stopped waiting: nothing to tell.
                        let _ = answer.send(answered);
                    }
                    ToCaller::Log(message) => caller_logs::forward(notifier, wanted, message).await,
                },
            }
        }
    }

    /// The next message the upstream sent for this call; `None` once nothing more can come.
    pub async fn recv(&mut self) -> Option<ToCaller> {
        self.receiver.recv().await
    }

    /// Keeps the call's routes open for `span` ([`ROUTE_OUTLIVES_RESULT_BY`]) after its
    /// result: a progress route the caller still holds stays in place that long, and log messages that
    /// arrive meanwhile are passed on when `logs`. A request that comes that late belongs to no
    /// call any more. A fixed span, so an upstream that keeps logging cannot hold the call.
    pub async fn outlive_result(&mut self, call: &ToolCall, logs: bool, span: Duration) {
        let wanted = caller_logs::wanted_level(call);
        let end = tokio::time::sleep(span);
        tokio::pin!(end);
        loop {
            tokio::select! {
                () = &mut end => return,
                Some(message) = self.receiver.recv() => match message {
                    ToCaller::Log(message) if logs => {
                        caller_logs::forward(&call.notifier, wanted, message).await;
                    }
                    ToCaller::Log(_) => {}
                    ToCaller::Ask { answer, .. } => {
                        let _ = answer.send(Err(cannot_ask(
                            "the call this request belongs to has ended",
                        )));
                    }
                },
            }
        }
    }
}

impl Drop for CallerLink {
    fn drop(&mut self) {
        if let Ok(mut links) = self.links.0.lock() {
            links.remove(&self.key);
        }
    }
}

fn request_key(id: &RequestId) -> String {
    serde_json::to_string(id).unwrap_or_default()
}

/// The client side of one upstream connection. Progress is not handled here: rmcp runs each
/// notification handler in its own task, which can reorder them; `progress.rs` forwards
/// progress in stream order instead.
#[derive(Clone)]
pub(in crate::servers) struct ProxyClient {
    /// What the callers this connection serves declared, and so what it declares upstream.
    pub(super) askable: AskableCapabilities,
    pub(super) links: CallerLinks,
    /// How long an upstream's request may wait for the caller's answer.
    pub(super) timeout: Duration,
}

impl Service<RoleClient> for ProxyClient {
    async fn handle_request(
        &self,
        request: ServerRequest,
        context: RequestContext<RoleClient>,
    ) -> Result<ClientResult, ErrorData> {
        if matches!(request, ServerRequest::PingRequest(_)) {
            return Ok(ClientResult::empty(()));
        }
        let link = self
            .links
            .find_soon(context.extensions.get::<InboundStreamOrigin>())
            .await
            .map_err(cannot_ask)?;
        let (answer, answered) = oneshot::channel();
        // rmcp moved the request's `_meta` into the context.
        let key = context
            .meta
            .get(caller_requests::INPUT_KEY_META)
            .and_then(|key| key.as_str())
            .map(str::to_owned);
        link.send(ToCaller::Ask {
            request,
            key,
            answer,
        })
        .await
        .map_err(|_| cannot_ask("the call this request belongs to has ended"))?;
        match tokio::time::timeout(self.timeout, answered).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(cannot_ask("the call this request belongs to has ended")),
            Err(_) => Err(ErrorData::internal_error(
                "the calling client did not answer in time",
                None,
            )),
        }
    }

    async fn handle_notification(
        &self,
        notification: ServerNotification,
        context: NotificationContext<RoleClient>,
    ) -> Result<(), ErrorData> {
        // A call's first log message can overtake its link as its requests can (see
        // `find_soon`); each notification is handled in a task of its own, so waiting here
        // holds up nothing else.
        if let ServerNotification::LoggingMessageNotification(message) = notification
            && let Ok(link) = self
                .links
                .find_soon(context.extensions.get::<InboundStreamOrigin>())
                .await
            && link.try_send(ToCaller::Log(message.params)).is_err()
        {
            tracing::debug!("log message dropped: its call is gone or too far behind");
        }
        Ok(())
    }

    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            self.askable.to_capabilities(),
            Implementation::new("aiproxy-mcp", env!("CARGO_PKG_VERSION")),
        )
    }
}
