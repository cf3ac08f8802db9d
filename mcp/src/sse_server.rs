//! The legacy HTTP+SSE transport, served by us since rmcp dropped it: `GET …/sse` opens a stream
//! announcing a POST endpoint, `POST /message?sessionId=` feeds the session.
//!
//! A session lives on the replica holding its stream, but the POSTs for it may land on any
//! replica behind a load balancer. Delivery therefore goes through [`SseSessionRegistry`]:
//! [`LocalSseSessions`] reaches sessions of this process; a host running several replicas wraps
//! it (for example with Redis pub/sub: record which replica owns a session at `register`, and
//! `deliver` publishes to that replica, whose subscriber calls the local registry's `deliver`).
//! Everything a delivery carries is serializable for that reason.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Mutex;
use std::sync::atomic::Ordering;

use async_trait::async_trait;
use axum::extract::{Path, Query, Request, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use http::StatusCode;
use rmcp::ErrorData;
use rmcp::ServiceExt;
use rmcp::model::{ClientJsonRpcMessage, ClientRequest, GetExtensions};
use rmcp::service::{RoleServer, RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;

use crate::directory::McpCaller;
use crate::handler::{HubHandler, RequestScope};
use crate::hub::{HttpError, McpHub, Target, client_ip};

/// One client message for a legacy SSE session, as accepted by `POST /message`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SseInbound {
    /// The caller authenticated on the POST; must be the token that opened the session.
    pub caller: McpCaller,
    /// A JSON-RPC message, already checked to parse.
    pub message: serde_json::Value,
}

/// A session opened on this replica: where its messages go.
#[derive(Debug)]
pub struct SseSessionHandle {
    pub session_id: String,
    pub owner_token_id: i64,
    pub inbox: mpsc::Sender<SseInbound>,
}

/// Why a message could not be delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SseDeliveryError {
    /// No such session, or it belongs to another token (the two are not told apart).
    #[error("session not found")]
    NotFound,
    /// The session's inbox is full (the client sends faster than it is served), or the replica
    /// holding it did not answer in time: worth retrying either way.
    #[error("session is busy")]
    Busy,
}

/// Routes `POST /message` bodies to the session they name, wherever it lives.
#[async_trait]
pub trait SseSessionRegistry: Send + Sync + 'static {
    /// A stream opened on this replica; its endpoint is announced once this returns, so a
    /// shared registry records the owner here (a failure there leaves the session local-only).
    async fn register(&self, session: SseSessionHandle);
    /// The stream closed. Must not block.
    fn unregister(&self, session_id: &str);
    async fn deliver(&self, session_id: &str, inbound: SseInbound) -> Result<(), SseDeliveryError>;
}

/// Sessions of this process only.
#[derive(Debug, Default)]
pub struct LocalSseSessions {
    sessions: Mutex<HashMap<String, (i64, mpsc::Sender<SseInbound>)>>,
}

#[async_trait]
impl SseSessionRegistry for LocalSseSessions {
    async fn register(&self, session: SseSessionHandle) {
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.insert(session.session_id, (session.owner_token_id, session.inbox));
        }
    }

    fn unregister(&self, session_id: &str) {
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.remove(session_id);
        }
    }

    async fn deliver(&self, session_id: &str, inbound: SseInbound) -> Result<(), SseDeliveryError> {
        let inbox = {
            let sessions = self
                .sessions
                .lock()
                .map_err(|_| SseDeliveryError::NotFound)?;
            match sessions.get(session_id) {
                Some((owner, inbox)) if *owner == inbound.caller.token_id => inbox.clone(),
                _ => return Err(SseDeliveryError::NotFound),
            }
        };
        inbox.try_send(inbound).map_err(|error| match error {
            mpsc::error::TrySendError::Full(_) => SseDeliveryError::Busy,
            mpsc::error::TrySendError::Closed(_) => SseDeliveryError::NotFound,
        })
    }
}

const INBOX_CAPACITY: usize = 32;
const OUTBOX_CAPACITY: usize = 64;

pub(crate) async fn open_aggregated(State(hub): State<McpHub>, request: Request) -> Response {
    open(hub, Target::Aggregated, request).await
}

pub(crate) async fn open_public(
    State(hub): State<McpHub>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    open(hub, Target::Public(id), request).await
}

pub(crate) async fn open_group(
    State(hub): State<McpHub>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    open(hub, Target::Group(id), request).await
}

async fn open(hub: McpHub, target: Target, request: Request) -> Response {
    let scope = match hub
        .resolve_admitted((request.headers(), client_ip(&request)), &target)
        .await
    {
        Ok(scope) => scope,
        Err(error) => return error.into_response(),
    };
    let state = &hub.state;
    let config = &state.core.config;
    let session_id = uuid::Uuid::new_v4().simple().to_string();
    // The token's own cap first, so one token reaching it never takes the last global places.
    match hub.admit_session(&scope.caller, session_id.clone()).await {
        // Released by the session's guard when the stream ends.
        Ok(slot) => slot.keep_open(),
        Err(error) => return error.into_response(),
    }
    if state.sse_open.fetch_add(1, Ordering::SeqCst) >= config.max_sse_sessions {
        state.sse_open.fetch_sub(1, Ordering::SeqCst);
        state
            .session_limits
            .release(scope.caller.token_id, &session_id);
        return HttpError::Unavailable("too many sse sessions").into_response();
    }
    let endpoint = format!("{}/message?sessionId={session_id}", mount_prefix(&request));
    let (inbox, inbox_receiver) = mpsc::channel(INBOX_CAPACITY);
    state
        .sse_sessions
        .register(SseSessionHandle {
            session_id: session_id.clone(),
            owner_token_id: scope.caller.token_id,
            inbox,
        })
        .await;
    let (outbox, outbox_receiver) = mpsc::channel(OUTBOX_CAPACITY);
    let transport = SseServerTransport {
        outbox,
        inbox: inbox_receiver,
        hub: hub.clone(),
        target,
    };
    let cancel = hub.shutdown_token().child_token();
    let handler = HubHandler {
        core: state.core.clone(),
    };
    let service_cancel = cancel.clone();
    tokio::spawn(async move {
        match handler.serve_with_ct(transport, service_cancel).await {
            Ok(running) => {
                let _ = running.waiting().await;
            }
            Err(error) => tracing::debug!(%error, "sse session ended before initialization"),
        }
    });
    let guard = SessionGuard {
        hub: hub.clone(),
        token_id: scope.caller.token_id,
        session_id,
        cancel: cancel.clone(),
    };
    let first = futures::stream::once(async move {
        Ok::<_, Infallible>(Event::default().event("endpoint").data(endpoint))
    });
    let messages =
        ReceiverStream::new(outbox_receiver).map(move |message: TxJsonRpcMessage<RoleServer>| {
            // The guard lives as long as the stream: dropping the stream (client gone) ends the session.
            let _alive = &guard;
            let data = serde_json::to_string(&message).unwrap_or_default();
            Ok::<_, Infallible>(Event::default().event("message").data(data))
        });
    let stream = first.chain(messages).take_until(cancel.cancelled_owned());
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(config.sse_keep_alive))
        .into_response()
}

/// The path the router is mounted at, so the endpoint event names a URL the client can POST to.
fn mount_prefix(request: &Request) -> String {
    let relative = request.uri().path();
    request
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .and_then(|original| original.0.path().strip_suffix(relative).map(str::to_owned))
        .unwrap_or_default()
}

struct SessionGuard {
    hub: McpHub,
    token_id: i64,
    session_id: String,
    cancel: CancellationToken,
}

impl Drop for SessionGuard {
    fn drop(&mut self) {
        self.cancel.cancel();
        self.hub.state.sse_sessions.unregister(&self.session_id);
        self.hub.state.sse_open.fetch_sub(1, Ordering::SeqCst);
        self.hub
            .state
            .session_limits
            .release(self.token_id, &self.session_id);
    }
}

pub(crate) async fn post_message(
    State(hub): State<McpHub>,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    match deliver(&hub, &query, request).await {
        Ok(()) => StatusCode::ACCEPTED.into_response(),
        Err(error) => error.into_response(),
    }
}

async fn deliver(
    hub: &McpHub,
    query: &HashMap<String, String>,
    request: Request,
) -> Result<(), HttpError> {
    let session_id = query
        .get("sessionId")
        .ok_or_else(|| HttpError::BadRequest("sessionId query parameter is required".to_owned()))?;
    let client_ip = client_ip(&request);
    let caller = hub.authenticate(request.headers(), client_ip)?;
    hub.admit_request(&caller, client_ip).await?;
    let body = hub.read_body(request.into_body()).await?;
    let message: serde_json::Value =
        serde_json::from_slice(&body).map_err(|error| HttpError::Parse(error.to_string()))?;
    let parsed = serde_json::from_value::<ClientJsonRpcMessage>(message.clone())
        .map_err(|error| HttpError::BadRequest(format!("not a json-rpc message: {error}")))?;
    // The session keeps the client's `initialize` for its life: bounded like a Streamable one.
    let initialize_limit = hub.state.core.config.max_initialize_bytes;
    if body.len() > initialize_limit
        && let ClientJsonRpcMessage::Request(request) = &parsed
        && matches!(request.request, ClientRequest::InitializeRequest(_))
    {
        return Err(HttpError::InitializeTooLarge(initialize_limit));
    }
    hub.state
        .sse_sessions
        .deliver(session_id, SseInbound { caller, message })
        .await
        .map_err(|error| match error {
            SseDeliveryError::NotFound => HttpError::NotFound("session"),
            SseDeliveryError::Busy => HttpError::Unavailable("session is busy"),
        })
}

#[derive(Debug, thiserror::Error)]
#[error("sse stream closed")]
pub(crate) struct StreamClosed;

/// rmcp's view of one SSE session: messages from the inbox in, messages to the stream out.
/// The route's servers are resolved again for every message (the session only remembers the
/// route), so a server disabled or changed since the stream opened applies to the next message.
struct SseServerTransport {
    outbox: mpsc::Sender<TxJsonRpcMessage<RoleServer>>,
    inbox: mpsc::Receiver<SseInbound>,
    hub: McpHub,
    target: Target,
}

impl Transport<RoleServer> for SseServerTransport {
    type Error = StreamClosed;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleServer>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let outbox = self.outbox.clone();
        async move { outbox.send(item).await.map_err(|_| StreamClosed) }
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleServer>> {
        loop {
            let inbound = self.inbox.recv().await?;
            let Ok(mut message) = serde_json::from_value::<ClientJsonRpcMessage>(inbound.message)
            else {
                continue;
            };
            // The caller of this POST (same token, current allow-list) and the session's route
            // as it is configured now.
            let view = match self.hub.view_for(&inbound.caller, &self.target) {
                Ok(view) => view,
                Err(error) => {
                    // The server is gone for this caller (disabled, deleted, hidden): each
                    // request is answered with the error, nothing reaches the old definition.
                    // (Ending the session here would cancel the stream before the error left.)
                    if let ClientJsonRpcMessage::Request(request) = &message {
                        let reply = TxJsonRpcMessage::<RoleServer>::error(
                            ErrorData::invalid_request(error.to_string(), None),
                            Some(request.id.clone()),
                        );
                        if self.outbox.send(reply).await.is_err() {
                            return None;
                        }
                    }
                    continue;
                }
            };
            let scope = RequestScope {
                caller: std::sync::Arc::new(inbound.caller),
                view,
            };
            match &mut message {
                ClientJsonRpcMessage::Request(request) => {
                    request.request.extensions_mut().insert(scope);
                }
                ClientJsonRpcMessage::Notification(notification) => {
                    notification.notification.extensions_mut().insert(scope);
                }
                _ => {}
            }
            return Some(message);
        }
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        self.inbox.close();
        Ok(())
    }
}
