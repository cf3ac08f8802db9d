//! The legacy HTTP+SSE transport, served by us since rmcp dropped it: `GET …/sse` opens a stream, `POST /message?sessionId=` feeds the session.
//!
//! The stream's first event announces the POST endpoint.
//!
//! A session lives on the replica holding its stream, but the POSTs for it may land on any
//! replica behind a load balancer: delivery goes through the host's
//! [`SseSessionRegistry`](crate::SseSessionRegistry) (see `sse_sessions.rs`).

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::Ordering;

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
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;

use crate::handler::{McpHandler, RequestScope};
use crate::service::{HttpError, McpService, Target, client_ip};
use crate::sse_sessions::{SseDeliveryError, SseInbound, SseSessionHandle};

const INBOX_CAPACITY: usize = 32;
const OUTBOX_CAPACITY: usize = 64;

pub(crate) async fn open_aggregated(
    State(service): State<McpService>,
    request: Request,
) -> Response {
    let target = crate::router::host_target(&service, &request).unwrap_or(Target::Aggregated);
    open(service, target, request).await
}

/// `GET /sse` at the host's root in the host-based mode: the public server the `Host` names.
pub(crate) async fn open_by_host(State(service): State<McpService>, request: Request) -> Response {
    match crate::router::host_target(&service, &request) {
        Some(target) => open(service, target, request).await,
        None => HttpError::NotFound("server").into_response(),
    }
}

pub(crate) async fn open_public(
    State(service): State<McpService>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    open(service, Target::Public(id), request).await
}

pub(crate) async fn open_group(
    State(service): State<McpService>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    open(service, Target::Group(id), request).await
}

async fn open(service: McpService, target: Target, request: Request) -> Response {
    let scope = match service
        .resolve_admitted(
            (request.headers(), request.extensions(), client_ip(&request)),
            &target,
        )
        .await
    {
        Ok(scope) => scope,
        Err(error) => return error.into_response(),
    };
    let owner = scope.caller.token_id;
    let message_path = format!("{}/message", mount_prefix(&request));
    open_scoped(service, (scope, owner), target, message_path, request).await
}

/// A stream to the server the host resolved (see [`crate::ResolvedServer`]), whose `endpoint`
/// event names `message_path`: the host's own route feeding it through
/// [`McpService::post_message_resolved`].
pub(crate) async fn open_resolved(
    service: McpService,
    server: crate::ResolvedServer,
    message_path: &str,
    request: Request,
) -> Response {
    if let Err(error) = service
        .admit_request(&server.caller, client_ip(&request))
        .await
    {
        return error.into_response();
    }
    let scope = RequestScope {
        caller: std::sync::Arc::new(server.caller.clone()),
        view: crate::handler::View::Single(server.definition.clone()),
        log_level: None,
    };
    let owner = server.owner;
    let target = Target::Resolved(std::sync::Arc::new(server));
    open_scoped(
        service,
        (scope, owner),
        target,
        message_path.to_owned(),
        request,
    )
    .await
}

/// Opens the stream of a resolved and admitted `scope`; the session belongs to `owner`.
async fn open_scoped(
    service: McpService,
    (scope, owner): (RequestScope, i64),
    target: Target,
    message_path: String,
    request: Request,
) -> Response {
    let state = &service.state;
    let config = &state.core.config;
    let session_id = uuid::Uuid::new_v4().simple().to_string();
    // The token's own cap first, so one token reaching it never takes the last global places.
    match service
        .admit_session(&scope.caller, owner, session_id.clone())
        .await
    {
        // Released by the session's guard when the stream ends.
        Ok(slot) => slot.keep_open(),
        Err(error) => return error.into_response(),
    }
    if state.sse_open.fetch_add(1, Ordering::SeqCst) >= config.max_sse_sessions {
        state.sse_open.fetch_sub(1, Ordering::SeqCst);
        state.session_limits.release(owner, &session_id);
        return HttpError::Unavailable("too many sse sessions").into_response();
    }
    let mut endpoint = format!("{message_path}?sessionId={session_id}");
    // A client that could only put its key in the stream's URL cannot add a header to its
    // POSTs either: the endpoint it is told carries the key back.
    if let Some(crate::router::KeyFromUrl(key)) = request.extensions().get() {
        endpoint.push_str("&key=");
        endpoint.extend(url::form_urlencoded::byte_serialize(key.as_bytes()));
    }
    let (inbox, inbox_receiver) = mpsc::channel(INBOX_CAPACITY);
    state
        .sse_sessions
        .register(SseSessionHandle {
            session_id: session_id.clone(),
            owner_token_id: owner,
            inbox,
        })
        .await;
    let (outbox, outbox_receiver) = mpsc::channel(OUTBOX_CAPACITY);
    let transport = SseServerTransport {
        outbox,
        inbox: inbox_receiver,
        service: service.clone(),
        target,
        log_level: None,
    };
    let cancel = service.shutdown_token().child_token();
    let handler = McpHandler::new(state.core.clone());
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
        service: service.clone(),
        token_id: owner,
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
    service: McpService,
    token_id: i64,
    session_id: String,
    cancel: CancellationToken,
}

impl Drop for SessionGuard {
    fn drop(&mut self) {
        self.cancel.cancel();
        self.service.state.sse_sessions.unregister(&self.session_id);
        self.service.state.sse_open.fetch_sub(1, Ordering::SeqCst);
        self.service
            .state
            .session_limits
            .release(self.token_id, &self.session_id);
    }
}

pub(crate) async fn post_message(
    State(service): State<McpService>,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> Response {
    match deliver(&service, &query, request).await {
        Ok(()) => StatusCode::ACCEPTED.into_response(),
        Err(error) => error.into_response(),
    }
}

async fn deliver(
    service: &McpService,
    query: &HashMap<String, String>,
    request: Request,
) -> Result<(), HttpError> {
    let session_id = query
        .get("sessionId")
        .ok_or_else(|| HttpError::BadRequest("sessionId query parameter is required".to_owned()))?;
    let client_ip = client_ip(&request);
    let caller = service.authenticate(request.headers(), request.extensions(), client_ip)?;
    deliver_as(service, caller, session_id, request).await
}

/// `POST /message` for a stream [`open_resolved`] opened: the poster is the owner the host
/// vouches for (the session's own caller answers the message, see the transport).
pub(crate) async fn post_resolved(
    service: &McpService,
    owner: i64,
    session_id: &str,
    request: Request,
) -> Response {
    let caller = tenancy::Caller {
        token_id: owner,
        client_ip: Some(client_ip(&request)),
        ..tenancy::Caller::default()
    };
    match deliver_as(service, caller, session_id, request).await {
        Ok(()) => StatusCode::ACCEPTED.into_response(),
        Err(error) => error.into_response(),
    }
}

async fn deliver_as(
    service: &McpService,
    caller: tenancy::Caller,
    session_id: &str,
    request: Request,
) -> Result<(), HttpError> {
    let client_ip = client_ip(&request);
    service.admit_request(&caller, client_ip).await?;
    let body = service.read_body(request.into_body()).await?;
    let message: serde_json::Value =
        serde_json::from_slice(&body).map_err(|error| HttpError::Parse(error.to_string()))?;
    let parsed = serde_json::from_value::<ClientJsonRpcMessage>(message.clone())
        .map_err(|error| HttpError::BadRequest(format!("not a json-rpc message: {error}")))?;
    // The session keeps the client's `initialize` for its life: bounded like a Streamable one.
    let initialize_limit = service.state.core.config.max_initialize_bytes;
    if body.len() > initialize_limit
        && let ClientJsonRpcMessage::Request(request) = &parsed
        && matches!(request.request, ClientRequest::InitializeRequest(_))
    {
        return Err(HttpError::InitializeTooLarge(initialize_limit));
    }
    service
        .state
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
#[expect(
    deprecated,
    reason = "logging is deprecated upstream (SEP-2577) but clients of the 2025 revisions still use it"
)]
struct SseServerTransport {
    outbox: mpsc::Sender<TxJsonRpcMessage<RoleServer>>,
    inbox: mpsc::Receiver<SseInbound>,
    service: McpService,
    target: Target,
    /// The least severe log level the client asked for with `logging/setLevel`: the session
    /// lives in this transport, so its level does too.
    log_level: Option<rmcp::model::LoggingLevel>,
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
            // as it is configured now; a resolved session keeps the caller the host gave it.
            let caller = match &self.target {
                Target::Resolved(server) => server.caller.clone(),
                _ => inbound.caller,
            };
            let view = match self.service.view_for(&caller, &self.target) {
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
            if let Some(level) = crate::log_level::set_by(&message) {
                self.log_level = Some(level);
            }
            let scope = RequestScope {
                caller: std::sync::Arc::new(caller),
                view,
                log_level: self.log_level,
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
