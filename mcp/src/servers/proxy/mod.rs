//! Tool servers that forward to remote MCP servers: one long-lived upstream client per definition and group, reconnected when it drops.
//!
//! Progress notifications are routed back to the caller that asked for them; list changes and
//! resource updates go to the sessions that listen (`listeners.rs`), from a 2026-07-28 upstream
//! by way of the `subscriptions/listen` stream the proxy keeps for them (`upstream_listen.rs`);
//! the upstream's requests
//! (sampling, elicitation, roots) and log messages during a call reach the client that made it
//! (`upstream_client.rs`). Resources, prompts and completions are forwarded as far as the
//! upstream declared them in its `initialize` answer. A connection declares sampling,
//! elicitation and roots as its callers declared them, so there is one per definition, group
//! and set of those capabilities. A 2026-07-28 caller of a session-era upstream that asks
//! mid-call is asked with input-required results (`bridge.rs`).

mod bridge;
mod caller_logs;
mod direct_call;
mod listen_tasks;
mod listeners;
mod progress;
mod sse_client;
mod upstream_client;
pub(crate) mod upstream_http;
mod upstream_listen;

pub use upstream_http::redact_secrets;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CallToolResponse, CancelTaskParams,
    CancelledNotificationParam, ClientRequest, CompleteRequestParams, CompleteResult,
    GetPromptRequestParams, GetPromptResponse, GetTaskParams, GetTaskResult, InputRequiredResult,
    InputResponses, PaginatedRequestParams, Prompt, ProtocolVersion, ReadResourceRequestParams,
    ReadResourceResponse, RequestMetaObject, Resource, ResourceTemplate, ServerCapabilities,
    ServerRequest, ServerResult, SubscribeRequestParams, Tool, UnsubscribeRequestParams,
    UpdateTaskParams,
};
use rmcp::service::{
    ClientLifecycleMode, ClientServiceExt, Peer, PeerRequestOptions, RoleClient, RunningService,
    ServiceError,
};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ErrorData, ServiceExt};

use crate::caller_requests::AskableCapabilities;
use crate::host::{RemoteEndpoint, UpstreamRevision};
use crate::tasks::StatusFeed;
use crate::tool_server::{Listener, PromptCaller, ToolCall, ToolServer};
use crate::upstream_auth::UpstreamBearer;
use bridge::{Bridged, ParkedCalls, RunningCall};
use direct_call::{DirectFailure, DirectRoute, RecordingClient, SeenSession};
use listeners::{Listeners, NotificationRelay, Upstream as UpstreamChange};
use progress::{PendingRoute, ProgressRelay, ProgressRoutes, progress_key};
use upstream_client::{CallerLinks, ProxyClient};
use upstream_http::upstream_error;
use upstream_listen::UpstreamListen;

type Upstream = RunningService<RoleClient, ProxyClient>;

/// One live upstream connection: rmcp's client, when the session allows it the route for
/// calls made as plain POSTs on the same session, and the calls in flight on rmcp's client.
pub(super) struct Live {
    service: Upstream,
    direct: Option<DirectRoute>,
    links: CallerLinks,
    /// Held for the length of a call when the transport cannot tell which call an upstream's
    /// request belongs to (legacy SSE: one stream for everything) and callers may be asked.
    one_call_at_a_time: Option<Arc<tokio::sync::Mutex<()>>>,
}

impl Live {
    /// Whether the upstream negotiated a revision with `initialize` (the session era).
    fn session_era(&self) -> bool {
        self.service
            .peer()
            .peer_info()
            .is_some_and(|info| info.protocol_version.has_initialize())
    }
}

/// How a proxy opens its upstream connection.
#[async_trait]
pub(super) trait Connector: Send + Sync + 'static {
    async fn connect(
        &self,
        routes: ProgressRoutes,
        listeners: Arc<Listeners>,
        client: ProxyClient,
    ) -> Result<Live, String>;

    /// The HTTP client direct calls use (the one the connection pools on).
    fn http(&self) -> &reqwest::Client;

    /// The group's upstream OAuth tokens, when the upstream wants them.
    fn bearer(&self) -> Option<&Arc<UpstreamBearer>>;
}

/// A proxied server: one upstream connection (per group), reconnected when it drops.
pub(super) struct Proxy<C> {
    connector: C,
    /// One connection per set of caller capabilities declared upstream (a handful at most:
    /// [`AskableCapabilities`] is a few flags).
    live: tokio::sync::Mutex<HashMap<AskableCapabilities, Arc<Live>>>,
    routes: ProgressRoutes,
    /// The downstream sessions that hear this upstream's notifications; kept across
    /// reconnections (their subscriptions are renewed on the new connection).
    listeners: Arc<Listeners>,
    /// A 2026-07-28 upstream's `subscriptions/listen` stream for those sessions.
    upstream_listen: UpstreamListen,
    /// Whether the upstream was of the 2026-07-28 revision when last connected: its
    /// subscriptions are then the filter of [`Self::upstream_listen`]'s stream.
    upstream_stateless: AtomicBool,
    /// Bridged calls waiting for their 2026-07-28 callers' retries (see `bridge.rs`).
    parked: ParkedCalls,
    /// Whether the upstream declared `logging` when last connected: its tools may then send
    /// log messages during a call, which only rmcp's session stream carries to the caller.
    upstream_logs: AtomicBool,
    /// Whether the upstream declared the tasks extension when last connected: the route then
    /// declares it too, and the upstream's tasks are forwarded (see `crate::tasks`).
    upstream_tasks: AtomicBool,
    timeout: Duration,
}

impl<C: Connector> Proxy<C> {
    fn with_connector(connector: C, timeout: Duration) -> Self {
        Self {
            connector,
            live: tokio::sync::Mutex::new(HashMap::new()),
            routes: Arc::new(Mutex::new(HashMap::new())),
            listeners: Arc::default(),
            upstream_listen: UpstreamListen::default(),
            upstream_stateless: AtomicBool::new(false),
            parked: ParkedCalls::default(),
            upstream_logs: AtomicBool::new(false),
            upstream_tasks: AtomicBool::new(false),
            timeout,
        }
    }

    /// The connection that declares `askable` upstream, opened on first use.
    async fn upstream(&self, askable: AskableCapabilities) -> Result<Arc<Live>, ErrorData> {
        // A group the admin has not authorized (or whose token cannot be refreshed) gets a
        // clear error before anything reaches the upstream, live connection or not.
        if let Some(bearer) = self.connector.bearer() {
            bearer
                .current()
                .await
                .map_err(|error| error.to_error_data())?;
        }
        // Held across the connect so concurrent first calls share one connection.
        let mut live = self.live.lock().await;
        if let Some(upstream) = live
            .get(&askable)
            .filter(|upstream| !upstream.service.is_closed())
        {
            return Ok(upstream.clone());
        }
        let client = ProxyClient {
            askable,
            links: CallerLinks::default(),
            timeout: self.timeout,
        };
        let upstream = tokio::time::timeout(
            self.timeout,
            self.connector
                .connect(self.routes.clone(), self.listeners.clone(), client),
        )
        .await
        .map_err(|_| upstream_error("upstream connect timed out"))?
        .map_err(|error| upstream_error(format!("upstream connect failed: {error}")))?;
        let upstream = Arc::new(upstream);
        if !upstream.session_era() {
            // rmcp's client derives a 2026-07-28 call's `Mcp-Param-*` headers (SEP-2243) from
            // the tool schemas listed on its own connection; a connection that only calls would
            // send none, and the upstream would refuse every call of an annotated tool.
            let listed =
                tokio::time::timeout(self.timeout, list_tools_bounded(upstream.service.peer()))
                    .await;
            if !matches!(listed, Ok(Ok(_))) {
                tracing::warn!("cannot list a new upstream connection's tools for its headers");
            }
        }
        let declared = declared(&upstream);
        self.upstream_logs
            .store(declared.logging.is_some(), Ordering::Relaxed);
        self.upstream_tasks
            .store(declared.supports_tasks(), Ordering::Relaxed);
        live.insert(askable, upstream.clone());
        if askable == AskableCapabilities::default() {
            self.upstream_stateless
                .store(!upstream.session_era(), Ordering::Relaxed);
        }
        if upstream.session_era() {
            self.renew_subscriptions(&upstream);
        } else if askable == AskableCapabilities::default() {
            // One stream per upstream, on the connection that declares nothing (the one
            // subscriptions and listings use); it renews the subscriptions too.
            self.upstream_listen.start(
                upstream.service.peer().clone(),
                &declared,
                self.listeners.clone(),
                self.timeout,
            );
        }
        Ok(upstream)
    }

    /// What to declare upstream for the caller of `call`: what it declared, when it can be asked
    /// at all (mid-call on a session-era stream, or with input-required results in the
    /// 2026-07-28 revision, bridged for a session-era upstream by `bridge.rs`).
    fn askable_for(call: &ToolCall) -> AskableCapabilities {
        let askable = AskableCapabilities::of_call(call);
        let reachable = crate::caller_requests::answers_mid_call(&call.notifier)
            || crate::caller_requests::asks_by_input_required(call);
        if reachable {
            askable
        } else {
            askable.unaskable()
        }
    }

    /// The call of a 2026-07-28 caller to a session-era upstream that may ask it something
    /// (`request`, for `call`'s caller): kept open across the caller's retries (see `bridge.rs`).
    async fn call_bridged(
        &self,
        upstream: Arc<Live>,
        request: (ClientRequest, String),
        call: &ToolCall,
    ) -> Result<Bridged, ErrorData> {
        let turn = match &upstream.one_call_at_a_time {
            Some(turn) => Some(
                tokio::time::timeout(self.timeout, turn.clone().lock_owned())
                    .await
                    .map_err(|_| upstream_error("upstream busy with another call: timed out"))?,
            ),
            None => None,
        };
        let running = RunningCall::start(upstream, request, call, (self.routes.clone(), turn))
            .await
            .map_err(map_service_error)?;
        running
            .drive(call, (self.timeout, self.settles_logs(call)), &self.parked)
            .await
    }

    /// Whether a call waits for log messages that trail its result: only when the upstream
    /// logs and the caller is one rmcp's session can send them to.
    fn settles_logs(&self, call: &ToolCall) -> bool {
        self.upstream_logs.load(Ordering::Relaxed)
            && matches!(
                call.notifier,
                crate::tool_server::CallerNotifier::Session(..)
            )
    }

    async fn forget(&self, failed: &Arc<Live>) {
        let mut live = self.live.lock().await;
        live.retain(|_, current| !Arc::ptr_eq(current, failed));
    }

    /// The call on rmcp's client. An upstream of the 2026-07-28 revision asks with an
    /// input-required result: a caller of that revision answers it itself (and retries through
    /// us), a session-era caller is asked here, mid-call, and the call retried with its answers.
    async fn call_in_rounds(
        &self,
        upstream: &Live,
        call: &ToolCall,
    ) -> Result<CallToolResponse, ServiceError> {
        let _turn = match &upstream.one_call_at_a_time {
            Some(turn) => Some(
                tokio::time::timeout(self.timeout, turn.lock())
                    .await
                    .map_err(|_| ServiceError::Timeout {
                        timeout: self.timeout,
                    })?,
            ),
            None => None,
        };
        let mut answers = None;
        for _ in 0..rmcp::model::DEFAULT_MRTR_MAX_ROUNDS {
            let response = self.try_call(upstream, call, answers.take()).await?;
            let CallToolResponse::InputRequired(asked) = &response else {
                return Ok(response);
            };
            if !crate::caller_requests::answers_mid_call(&call.notifier) {
                return Ok(response);
            }
            let responses = answer_input_requests(call, asked, self.timeout).await?;
            answers = Some((responses, asked.request_state.clone()));
        }
        Err(ServiceError::McpError(upstream_error(
            "upstream asked for input more rounds than allowed",
        )))
    }

    /// One round of the call; `answers` (the caller's answers and the upstream's state) replace
    /// the call's own on a retry the gateway makes.
    async fn try_call(
        &self,
        upstream: &Live,
        call: &ToolCall,
        answers: Option<(InputResponses, Option<String>)>,
    ) -> Result<CallToolResponse, ServiceError> {
        let mut params = CallToolRequestParams::new(call.name.clone());
        params.arguments = call.arguments.clone();
        // A 2026-07-28 retry: the upstream's own state and the caller's answers go back to it.
        (params.input_responses, params.request_state) = match answers {
            Some((responses, state)) => (Some(responses), state),
            None => (call.input_responses.clone(), call.request_state.clone()),
        };
        let request = ClientRequest::CallToolRequest(CallToolRequest::new(params));
        let mut options = PeerRequestOptions::default();
        options.timeout = Some(self.timeout);
        // The level of what the caller gets (its request's own, 2026-07-28; its session's, or
        // every message, before): a 2026-07-28 upstream logs only when a request names one.
        if let Some(level) = call.notifier.least_severe_log_level() {
            let mut meta = RequestMetaObject::default();
            meta.set_log_level(level);
            options.meta = Some(meta);
        }
        // rmcp stamps its own progress token on every request (unique on this connection, so
        // callers' tokens cannot collide); map it back to the caller's token. The route is
        // registered before the request is queued (see `progress.rs`): the request may be sent,
        // and its first progress back, before this task runs again.
        let pending = call
            .progress_token
            .clone()
            .map(|token| PendingRoute::register(&self.routes, call.notifier.clone(), token));
        if let Some(pending) = &pending {
            pending.mark(options.meta.get_or_insert_default());
        }
        let handle = upstream
            .service
            .peer()
            .send_cancellable_request(request, options)
            .await?;
        let route_key = pending.map(|pending| {
            let key = progress_key(&handle.progress_token);
            pending.settle(&key);
            key
        });
        let request_id = handle.id.clone();
        let mut link = upstream.links.link(&request_id);
        let exchange = async {
            tokio::select! {
                outcome = handle.await_response() => outcome,
                () = call.cancel.cancelled() => {
                    let reason = "cancelled by the client".to_owned();
                    let _ = upstream
                        .service
                        .peer()
                        .notify_cancelled(CancelledNotificationParam::new(Some(request_id), Some(reason.clone())))
                        .await;
                    Err(ServiceError::Cancelled { reason: Some(reason) })
                }
            }
        };
        let outcome = link
            .serve_while(call, (self.timeout, self.settles_logs(call)), exchange)
            .await;
        drop(link);
        if let Some(key) = route_key
            && let Ok(mut routes) = self.routes.lock()
        {
            routes.remove(&key);
        }
        match outcome? {
            ServerResult::CallToolResult(result) => Ok(CallToolResponse::Complete(result)),
            ServerResult::InputRequiredResult(result) => {
                Ok(CallToolResponse::InputRequired(result))
            }
            ServerResult::CreateTaskResult(result) => Ok(CallToolResponse::Task(result)),
            _ => Err(ServiceError::UnexpectedResponse),
        }
    }
}

impl<C: Connector> Proxy<C> {
    /// The call as a plain POST on the upstream session (see `direct_call`). A session the
    /// upstream forgot (404) never ran the call, so it is retried once on a fresh session.
    async fn call_direct(
        &self,
        mut upstream: Arc<Live>,
        call: &ToolCall,
    ) -> Result<CallToolResponse, ErrorData> {
        let http = self.connector.http();
        let mut retried = false;
        loop {
            // A fresh session may have negotiated a revision without direct calls.
            let Some(direct) = &upstream.direct else {
                return self
                    .call_in_rounds(&upstream, call)
                    .await
                    .map_err(map_service_error);
            };
            // What the upstream sends outside the call's stream (rmcp's servers send log
            // messages on the session's GET stream) reaches this call when it is the only one.
            let unnamed = rmcp::model::RequestId::String(uuid::Uuid::new_v4().to_string().into());
            let mut link = upstream.links.link(&unnamed);
            let outcome = link
                .serve_while(
                    call,
                    (self.timeout, self.settles_logs(call)),
                    direct.call(http, call, self.timeout, &self.routes),
                )
                .await;
            drop(link);
            match outcome {
                Ok(response) => return Ok(response),
                Err(DirectFailure::Failed(error)) => return Err(error),
                Err(DirectFailure::Transport(error)) => {
                    self.forget(&upstream).await;
                    return Err(error);
                }
                Err(DirectFailure::SessionGone) if !retried => {
                    self.forget(&upstream).await;
                    upstream = self.upstream(Self::askable_for(call)).await?;
                    retried = true;
                }
                Err(DirectFailure::SessionGone) => {
                    return Err(upstream_error("upstream session lost twice in a row"));
                }
            }
        }
    }
}

/// The caller's answers to what an upstream asked in an input-required result, asked one after
/// the other on the call's stream.
async fn answer_input_requests(
    call: &ToolCall,
    asked: &InputRequiredResult,
    timeout: Duration,
) -> Result<InputResponses, ServiceError> {
    let mut responses = InputResponses::new();
    for (key, input) in asked.input_requests.iter().flatten() {
        // The same message either way: an input request is a server request without an id.
        let request = serde_json::to_value(input)
            .and_then(serde_json::from_value::<ServerRequest>)
            .map_err(|error| {
                ServiceError::McpError(upstream_error(format!(
                    "upstream asked for input the gateway cannot read: {error}"
                )))
            })?;
        let answer = crate::caller_requests::ask(&call.notifier, request, timeout)
            .await
            .map_err(ServiceError::McpError)?;
        responses.insert(
            key.clone(),
            serde_json::to_value(answer).unwrap_or_default(),
        );
    }
    Ok(responses)
}

fn map_service_error(error: ServiceError) -> ErrorData {
    match error {
        // The upstream's own JSON-RPC error goes back unchanged.
        ServiceError::McpError(mut error) => {
            // The upstream's own words, but no URL of ours echoed back in them.
            error.message = upstream_http::redact_urls(&error.message).into();
            error
        }
        other => upstream_error(format!("upstream failed: {other}")),
    }
}

/// The most pages and tools read from one upstream `tools/list`: an upstream that always
/// names a next page (or sends huge pages) would otherwise be read, and kept, until the timeout.
const MAX_TOOL_PAGES: usize = 64;
const MAX_TOOLS: usize = 10_000;

/// The upstream's tools, page by page, stopping at [`MAX_TOOL_PAGES`] or [`MAX_TOOLS`] (the
/// tools read so far are served, and the cut is logged for the admin).
async fn list_tools_bounded(
    peer: &rmcp::service::Peer<RoleClient>,
) -> Result<Vec<Tool>, ServiceError> {
    let mut tools = Vec::new();
    let mut cursor = None;
    for _ in 0..MAX_TOOL_PAGES {
        let params = rmcp::model::PaginatedRequestParams::default().with_cursor(cursor);
        let page = peer.list_tools(Some(params)).await?;
        tools.extend(page.tools);
        if tools.len() >= MAX_TOOLS {
            tools.truncate(MAX_TOOLS);
            tracing::warn!(
                limit = MAX_TOOLS,
                "upstream tools/list cut at the tool limit"
            );
            return Ok(tools);
        }
        cursor = page.next_cursor;
        if cursor.is_none() {
            return Ok(tools);
        }
    }
    tracing::warn!(
        limit = MAX_TOOL_PAGES,
        "upstream tools/list cut at the page limit"
    );
    Ok(tools)
}

impl<C: Connector> Proxy<C> {
    /// A failure of a group whose upstream tokens are gone (refresh failed, revoked) said as
    /// such, not as the transport error it surfaced as.
    async fn explained(&self, error: ErrorData) -> ErrorData {
        if error.code.0 == crate::upstream_auth::UPSTREAM_AUTHORIZATION_REQUIRED {
            return error;
        }
        match self.connector.bearer() {
            Some(bearer) => match bearer.current().await {
                Err(refused) => refused.to_error_data(),
                Ok(_) => error,
            },
            None => error,
        }
    }

    async fn list_tools_once(&self) -> Result<Vec<Tool>, ErrorData> {
        // Listing asks nobody anything: the connection that declares nothing.
        let upstream = self.upstream(AskableCapabilities::default()).await?;
        match tokio::time::timeout(self.timeout, list_tools_bounded(upstream.service.peer())).await
        {
            Ok(Ok(tools)) => Ok(tools),
            Ok(Err(ServiceError::McpError(error))) => Err(error),
            // Listing is safe to repeat: reconnect once.
            Ok(Err(_)) | Err(_) => {
                self.forget(&upstream).await;
                let upstream = self.upstream(AskableCapabilities::default()).await?;
                tokio::time::timeout(self.timeout, list_tools_bounded(upstream.service.peer()))
                    .await
                    .map_err(|_| upstream_error("upstream tools/list timed out"))?
                    .map_err(map_service_error)
            }
        }
    }

    async fn call_tool_once(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        // A retry answering what a bridged call asked: that call continues.
        if let Some(state) = call
            .request_state
            .as_deref()
            .filter(|state| bridge::is_bridge_state(state))
        {
            let called = bridge::called("tools/call", &call.name);
            let mut running = self.parked.take(state, &called)?;
            running.answer(&call);
            let settle = self.settles_logs(&call);
            return running
                .drive(&call, (self.timeout, settle), &self.parked)
                .await
                .and_then(bridge::tool_response);
        }
        let askable = Self::askable_for(&call);
        let upstream = self.upstream(askable).await?;
        if askable.any()
            && upstream.session_era()
            && crate::caller_requests::asks_by_input_required(&call)
        {
            let request = bridge::tool_request(&call);
            return self
                .call_bridged(upstream, request, &call)
                .await
                .and_then(bridge::tool_response);
        }
        if upstream.direct.is_some() {
            return self.call_direct(upstream, &call).await;
        }
        match self.call_in_rounds(&upstream, &call).await {
            Ok(response) => Ok(response),
            // Only a call that never left is retried: a tool call may not be idempotent.
            Err(ServiceError::TransportClosed) => {
                self.forget(&upstream).await;
                let upstream = self.upstream(askable).await?;
                self.call_in_rounds(&upstream, &call)
                    .await
                    .map_err(map_service_error)
            }
            Err(error @ (ServiceError::TransportSend(_) | ServiceError::Timeout { .. })) => {
                self.forget(&upstream).await;
                Err(map_service_error(error))
            }
            Err(error) => Err(map_service_error(error)),
        }
    }
}

#[async_trait]
impl<C: Connector> ToolServer for Proxy<C> {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        match self.list_tools_once().await {
            Err(error) => Err(self.explained(error).await),
            tools => tools,
        }
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        match self.call_tool_once(call).await {
            Err(error) => Err(self.explained(error).await),
            answer => answer,
        }
    }

    /// Any proxied tool may ask: the upstream decides mid-call.
    fn asks_caller(&self, _tool: &str) -> bool {
        true
    }

    /// Any proxied tool may log when the upstream declared logging.
    fn notifies_caller(&self, _tool: &str) -> bool {
        self.upstream_logs.load(Ordering::Relaxed)
    }

    /// A bridged call's retry that answers what the upstream asked carries on as a task of
    /// the gateway's own when the route takes tasks (the upstream declared the extension): the
    /// caller took the first round's questions synchronously, and what follows the answers (a
    /// session-era upstream cannot tell how long) runs in the background, its further
    /// questions asked through the task's `input_required` status (see `crate::tasks`).
    fn continues_as_task(&self, tool: &str, request: &CallToolRequestParams) -> bool {
        let answers = request
            .input_responses
            .as_ref()
            .is_some_and(|responses| !responses.is_empty());
        let called = bridge::called("tools/call", tool);
        answers
            && self.upstream_tasks.load(Ordering::Relaxed)
            && request.request_state.as_deref().is_some_and(|state| {
                bridge::is_bridge_state(state) && self.parked.holds(state, &called)
            })
    }

    /// The upstream's tasks pass through when it declared the extension.
    fn offers_tasks(&self) -> bool {
        self.upstream_tasks.load(Ordering::Relaxed)
    }

    async fn get_task(&self, id: &str) -> Result<GetTaskResult, ErrorData> {
        self.request_as(AskableCapabilities::tasks_only(), "tasks/get", |peer| {
            let params = GetTaskParams::new(id);
            async move { peer.get_task(params).await }
        })
        .await
    }

    async fn update_task(&self, id: &str, responses: InputResponses) -> Result<(), ErrorData> {
        self.request_as(AskableCapabilities::tasks_only(), "tasks/update", |peer| {
            let params = UpdateTaskParams::new(id, responses.clone());
            async move { peer.update_task(params).await }
        })
        .await
    }

    async fn cancel_task(&self, id: &str) -> Result<(), ErrorData> {
        self.request_as(AskableCapabilities::tasks_only(), "tasks/cancel", |peer| {
            let params = CancelTaskParams::new(id);
            async move { peer.cancel_task(params).await }
        })
        .await
    }

    async fn capabilities(&self) -> ServerCapabilities {
        match self.upstream(AskableCapabilities::default()).await {
            Ok(upstream) => declared(&upstream),
            // Unreachable now: offer tools only; the client learns more when it reconnects.
            Err(_) => ServerCapabilities::builder().enable_tools().build(),
        }
    }

    async fn list_resources(&self) -> Result<Vec<Resource>, ErrorData> {
        if !self.offers(|offered| offered.resources.is_some()).await? {
            return Ok(Vec::new());
        }
        self.request("resources/list", |peer| {
            collect_pages(move |cursor| {
                let peer = peer.clone();
                async move {
                    let page = peer.list_resources(Some(page_params(cursor))).await?;
                    Ok((page.resources, page.next_cursor))
                }
            })
        })
        .await
    }

    async fn list_resource_templates(&self) -> Result<Vec<ResourceTemplate>, ErrorData> {
        if !self.offers(|offered| offered.resources.is_some()).await? {
            return Ok(Vec::new());
        }
        self.request("resources/templates/list", |peer| {
            collect_pages(move |cursor| {
                let peer = peer.clone();
                async move {
                    let page = peer
                        .list_resource_templates(Some(page_params(cursor)))
                        .await?;
                    Ok((page.resource_templates, page.next_cursor))
                }
            })
        })
        .await
    }

    async fn read_resource(
        &self,
        read: ReadResourceRequestParams,
    ) -> Result<ReadResourceResponse, ErrorData> {
        self.request("resources/read", |peer| {
            let read = read.clone();
            async move { peer.read_resource_once(read).await }
        })
        .await
    }

    async fn list_prompts(&self) -> Result<Vec<Prompt>, ErrorData> {
        if !self.offers(|offered| offered.prompts.is_some()).await? {
            return Ok(Vec::new());
        }
        self.request("prompts/list", |peer| {
            collect_pages(move |cursor| {
                let peer = peer.clone();
                async move {
                    let page = peer.list_prompts(Some(page_params(cursor))).await?;
                    Ok((page.prompts, page.next_cursor))
                }
            })
        })
        .await
    }

    async fn get_prompt(
        &self,
        get: GetPromptRequestParams,
    ) -> Result<GetPromptResponse, ErrorData> {
        self.request("prompts/get", |peer| {
            let get = get.clone();
            async move { peer.get_prompt_once(get).await }
        })
        .await
    }

    /// A 2026-07-28 caller's `prompts/get` of a session-era upstream, which may ask mid-request,
    /// is bridged as a tool call is (see `bridge.rs`); other callers' pass through.
    async fn get_prompt_for(
        &self,
        get: GetPromptRequestParams,
        caller: PromptCaller,
    ) -> Result<GetPromptResponse, ErrorData> {
        let round = bridge::prompt_round(&get, caller);
        if let Some(state) = get
            .request_state
            .as_deref()
            .filter(|state| bridge::is_bridge_state(state))
        {
            let called = bridge::called("prompts/get", &get.name);
            let mut running = self.parked.take(state, &called)?;
            running.answer(&round);
            return running
                .drive(&round, (self.timeout, false), &self.parked)
                .await
                .and_then(bridge::prompt_response);
        }
        let askable = Self::askable_for(&round);
        if askable.any() && crate::caller_requests::asks_by_input_required(&round) {
            let upstream = self.upstream(askable).await?;
            if upstream.session_era() {
                let request = bridge::prompt_request(&get);
                return self
                    .call_bridged(upstream, request, &round)
                    .await
                    .and_then(bridge::prompt_response);
            }
        }
        self.get_prompt(get).await
    }

    async fn complete(&self, request: CompleteRequestParams) -> Result<CompleteResult, ErrorData> {
        if !self.offers(|offered| offered.completions.is_some()).await? {
            return Ok(CompleteResult::default());
        }
        self.request("completion/complete", |peer| {
            let request = request.clone();
            async move { peer.complete(request).await }
        })
        .await
    }

    async fn subscribe(&self, uri: &str, listener: Listener) -> Result<(), ErrorData> {
        let upstream = self.upstream(AskableCapabilities::default()).await?;
        let subscribable = declared(&upstream)
            .resources
            .as_ref()
            .is_some_and(|resources| resources.subscribe == Some(true));
        if !subscribable {
            return Err(ErrorData::new(
                rmcp::model::ErrorCode::METHOD_NOT_FOUND,
                "the upstream offers no resource subscriptions",
                None,
            ));
        }
        let session = listener.session;
        let subscribed = match self.listeners.subscribe(uri, listener) {
            Err(message) => return Err(ErrorData::invalid_request(message, None)),
            Ok(UpstreamChange::Unchanged) => return Ok(()),
            Ok(UpstreamChange::Changed) if !upstream.session_era() => self.listen_for(uri).await,
            Ok(UpstreamChange::Changed) => {
                self.request("resources/subscribe", |peer| {
                    let uri = uri.to_owned();
                    async move { subscribe_upstream(&peer, uri).await }
                })
                .await
            }
        };
        if subscribed.is_err() {
            self.listeners.unsubscribe(uri, session);
            if !upstream.session_era() {
                self.upstream_listen.poke();
            }
        }
        subscribed
    }

    async fn unsubscribe(&self, uri: &str, session: u64) -> Result<(), ErrorData> {
        if self.listeners.unsubscribe(uri, session) == UpstreamChange::Unchanged {
            return Ok(());
        }
        if self.upstream_stateless.load(Ordering::Relaxed) {
            // Narrowing the stream is the gateway's business: the caller's unsubscription
            // holds whether or not the upstream heard it.
            if let Err(error) = self.upstream_listen.reconcile(self.timeout).await {
                tracing::debug!(%error, "upstream subscriptions/listen stream not narrowed");
            }
            return Ok(());
        }
        self.request("resources/unsubscribe", |peer| {
            let uri = uri.to_owned();
            async move { unsubscribe_upstream(&peer, uri).await }
        })
        .await
    }

    fn listen(&self, listener: Listener) {
        // A new session may be the first to want the list changes of a 2026-07-28 upstream.
        if self.listeners.listen(listener) && self.upstream_stateless.load(Ordering::Relaxed) {
            self.upstream_listen.poke();
        }
    }

    fn watch_task(&self, id: &str, feed: StatusFeed) {
        self.listeners.watch_task(id, feed);
    }

    fn tool_list_changes(&self) -> u64 {
        self.listeners.tool_list_changes()
    }
}

impl<C: Connector> Proxy<C> {
    /// Whether the upstream declared what `pick` looks for.
    async fn offers(&self, pick: fn(&ServerCapabilities) -> bool) -> Result<bool, ErrorData> {
        let upstream = self.upstream(AskableCapabilities::default()).await?;
        Ok(pick(&declared(&upstream)))
    }

    /// One request that is safe to repeat (a listing, a read, a subscription), bounded by the
    /// timeout; a connection that failed under it is replaced and the request sent once more.
    async fn request<T, F, Fut>(&self, method: &str, send: F) -> Result<T, ErrorData>
    where
        F: Fn(Peer<RoleClient>) -> Fut,
        Fut: Future<Output = Result<T, ServiceError>>,
    {
        self.request_as(AskableCapabilities::default(), method, send)
            .await
    }

    /// [`Self::request`] on the connection that declares `askable` upstream.
    async fn request_as<T, F, Fut>(
        &self,
        askable: AskableCapabilities,
        method: &str,
        send: F,
    ) -> Result<T, ErrorData>
    where
        F: Fn(Peer<RoleClient>) -> Fut,
        Fut: Future<Output = Result<T, ServiceError>>,
    {
        let upstream = self.upstream(askable).await?;
        match tokio::time::timeout(self.timeout, send(upstream.service.peer().clone())).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error @ ServiceError::McpError(_))) => Err(map_service_error(error)),
            Ok(Err(_)) | Err(_) => {
                self.forget(&upstream).await;
                let upstream = self.upstream(askable).await?;
                tokio::time::timeout(self.timeout, send(upstream.service.peer().clone()))
                    .await
                    .map_err(|_| upstream_error(format!("upstream {method} timed out")))?
                    .map_err(map_service_error)
            }
        }
    }

    /// Widens a 2026-07-28 upstream's stream to `uri`, newly subscribed to, and waits for the
    /// upstream to accept it.
    async fn listen_for(&self, uri: &str) -> Result<(), ErrorData> {
        let accepted = self
            .upstream_listen
            .reconcile(self.timeout)
            .await
            .map_err(upstream_error)?;
        let covered = accepted
            .resource_subscriptions
            .iter()
            .flatten()
            .any(|accepted| accepted == uri);
        if covered {
            Ok(())
        } else {
            Err(ErrorData::invalid_params(
                "the upstream does not accept a subscription to this resource",
                Some(serde_json::json!({ "uri": uri })),
            ))
        }
    }

    /// A new connection knows none of the sessions' subscriptions: renew them, in the
    /// background (the request that connected does not wait for them).
    fn renew_subscriptions(&self, upstream: &Live) {
        let uris = self.listeners.subscribed_uris();
        if uris.is_empty() {
            return;
        }
        let peer = upstream.service.peer().clone();
        tokio::spawn(async move {
            for uri in uris {
                if let Err(error) = subscribe_upstream(&peer, uri).await {
                    tracing::debug!(%error, "upstream resource subscription not renewed");
                }
            }
        });
    }
}

/// What the upstream declared in its `initialize` or `server/discover` answer (a 2026-07-28
/// upstream's subscriptions and list changes are served through `upstream_listen.rs`).
fn declared(upstream: &Live) -> ServerCapabilities {
    upstream
        .service
        .peer()
        .peer_info()
        .map(|info| info.capabilities.clone())
        .unwrap_or_default()
}

#[expect(
    deprecated,
    reason = "resources/subscribe is the session-era way; upstreams of the 2025 revisions use it"
)]
async fn subscribe_upstream(peer: &Peer<RoleClient>, uri: String) -> Result<(), ServiceError> {
    peer.subscribe(SubscribeRequestParams::new(uri)).await
}

#[expect(
    deprecated,
    reason = "resources/unsubscribe is the session-era way; upstreams of the 2025 revisions use it"
)]
async fn unsubscribe_upstream(peer: &Peer<RoleClient>, uri: String) -> Result<(), ServiceError> {
    peer.unsubscribe(UnsubscribeRequestParams::new(uri)).await
}

fn page_params(cursor: Option<String>) -> PaginatedRequestParams {
    PaginatedRequestParams::default().with_cursor(cursor)
}

/// The most items read from one upstream listing of resources, templates or prompts, and the
/// most pages: past either the listing is cut (and the cut logged), like `tools/list`.
const MAX_ITEMS: usize = 10_000;

/// Every page of a listing, bounded by [`MAX_TOOL_PAGES`] pages and [`MAX_ITEMS`] items.
async fn collect_pages<T, F, Fut>(mut page: F) -> Result<Vec<T>, ServiceError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), ServiceError>>,
{
    let mut items = Vec::new();
    let mut cursor = None;
    for _ in 0..MAX_TOOL_PAGES {
        let (page_items, next) = page(cursor).await?;
        items.extend(page_items);
        if items.len() >= MAX_ITEMS {
            items.truncate(MAX_ITEMS);
            tracing::warn!(limit = MAX_ITEMS, "upstream listing cut at the item limit");
            return Ok(items);
        }
        cursor = next;
        if cursor.is_none() {
            return Ok(items);
        }
    }
    tracing::warn!(
        limit = MAX_TOOL_PAGES,
        "upstream listing cut at the page limit"
    );
    Ok(items)
}

/// `url` with the endpoint's query parameters appended.
fn url_with_query(endpoint: &RemoteEndpoint, url: &str) -> Result<url::Url, String> {
    let mut url = url::Url::parse(url).map_err(|error| format!("invalid upstream url: {error}"))?;
    if !endpoint.query.is_empty() {
        let present: Vec<String> = url
            .query_pairs()
            .map(|(name, _)| name.into_owned())
            .collect();
        let mut pairs = url.query_pairs_mut();
        for (name, value) in &endpoint.query {
            if !present.contains(name) {
                pairs.append_pair(name, value);
            }
        }
    }
    Ok(url)
}

fn policy(endpoint: &RemoteEndpoint) -> upstream_http::AddressPolicy {
    upstream_http::AddressPolicy {
        block_private_network: endpoint.block_private_network,
    }
}

fn header_map(
    endpoint: &RemoteEndpoint,
) -> Result<HashMap<http::HeaderName, http::HeaderValue>, String> {
    endpoint
        .headers
        .iter()
        .map(|(name, value)| {
            let name = http::HeaderName::try_from(name.as_str())
                .map_err(|error| format!("header {name}: {error}"))?;
            let value = http::HeaderValue::try_from(value.as_str())
                .map_err(|error| format!("header {name}: {error}"))?;
            Ok((name, value))
        })
        .collect()
}

/// `message` with the endpoint's query values and header values masked: an error of the
/// upstream request quotes its URL, which carries the admin's query secrets, and the message
/// goes back to the MCP client.
fn redact(endpoint: &RemoteEndpoint, message: impl ToString) -> String {
    let secrets = endpoint
        .query
        .values()
        .chain(endpoint.headers.values())
        .map(String::as_str);
    upstream_http::redact_secrets(&message.to_string(), secrets, |_| "****".to_owned())
}

pub(super) struct StreamableConnector {
    endpoint: RemoteEndpoint,
    http: reqwest::Client,
    bearer: Option<Arc<UpstreamBearer>>,
}

#[async_trait]
impl Connector for StreamableConnector {
    async fn connect(
        &self,
        routes: ProgressRoutes,
        listeners: Arc<Listeners>,
        client: ProxyClient,
    ) -> Result<Live, String> {
        let url = url_with_query(&self.endpoint, &self.endpoint.url)?;
        policy(&self.endpoint).check_url(&url)?;
        let endpoint_headers = header_map(&self.endpoint)?;
        let links = client.links.clone();
        let lifecycle = match self.endpoint.revision {
            UpstreamRevision::SessionEra => ClientLifecycleMode::Initialize,
            UpstreamRevision::Stateless => ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
            UpstreamRevision::Detect => ClientLifecycleMode::Auto {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
                legacy_version: None,
            },
        };
        let session = SeenSession::default();
        let transport = self.transport(&url, &endpoint_headers, &session, (&routes, &listeners))?;
        let service = match client
            .clone()
            .serve_with_lifecycle(transport, lifecycle)
            .await
        {
            Ok(service) => service,
            // A session-era server may refuse `server/discover` at the HTTP level (a 400 for a
            // request without a session) rather than with the JSON-RPC error rmcp falls back
            // on: detection then tries `initialize` on a fresh transport.
            Err(error) if self.endpoint.revision == UpstreamRevision::Detect => {
                tracing::debug!(error = %upstream_http::with_causes(&error), "upstream discovery failed, trying initialize");
                let transport =
                    self.transport(&url, &endpoint_headers, &session, (&routes, &listeners))?;
                client
                    .serve(transport)
                    .await
                    .map_err(|error| upstream_http::with_causes(&error))?
            }
            Err(error) => return Err(upstream_http::with_causes(&error)),
        };
        let direct = service.peer().peer_info().and_then(|info| {
            DirectRoute::new(
                url,
                &endpoint_headers,
                session.get(),
                &info.protocol_version,
                self.bearer.clone(),
            )
        });
        Ok(Live {
            service,
            direct,
            links,
            // Each request comes on the stream of the call it belongs to.
            one_call_at_a_time: None,
        })
    }

    fn http(&self) -> &reqwest::Client {
        &self.http
    }

    fn bearer(&self) -> Option<&Arc<UpstreamBearer>> {
        self.bearer.as_ref()
    }
}

impl StreamableConnector {
    /// rmcp's Streamable HTTP transport to the endpoint, recording the session it is given
    /// (`session`) and relaying progress and notifications.
    fn transport(
        &self,
        url: &url::Url,
        endpoint_headers: &HashMap<http::HeaderName, http::HeaderValue>,
        session: &SeenSession,
        (routes, listeners): (&ProgressRoutes, &Arc<Listeners>),
    ) -> Result<impl rmcp::transport::Transport<RoleClient> + 'static, String> {
        let mut headers = endpoint_headers.clone();
        let mut config = StreamableHttpClientTransportConfig::with_uri(url.as_str());
        // rmcp sets Authorization itself and refuses it as a custom header.
        if let Some(value) = headers.remove(&http::header::AUTHORIZATION) {
            let value = value.to_str().map_err(|error| error.to_string())?;
            config = config.auth_header(value.strip_prefix("Bearer ").unwrap_or(value));
        }
        let config = config.custom_headers(headers);
        let recording = RecordingClient {
            http: self.http.clone(),
            session: session.clone(),
            bearer: self.bearer.clone(),
        };
        let inner = StreamableHttpClientTransport::with_client(recording, config);
        Ok(NotificationRelay {
            inner: ProgressRelay {
                inner,
                routes: routes.clone(),
            },
            listeners: listeners.clone(),
        })
    }
}

/// Proxy to a remote Streamable HTTP server (rmcp's client).
pub(super) type StreamableProxy = Proxy<StreamableConnector>;

impl Proxy<StreamableConnector> {
    pub(super) fn new(
        endpoint: RemoteEndpoint,
        timeout: Duration,
        bearer: Option<Arc<UpstreamBearer>>,
    ) -> Self {
        Self::with_connector(
            StreamableConnector {
                http: upstream_http::client(policy(&endpoint)),
                endpoint,
                bearer,
            },
            timeout,
        )
    }
}

pub(super) struct SseConnector {
    endpoint: RemoteEndpoint,
    http: reqwest::Client,
    bearer: Option<Arc<UpstreamBearer>>,
}

#[async_trait]
impl Connector for SseConnector {
    fn http(&self) -> &reqwest::Client {
        &self.http
    }

    fn bearer(&self) -> Option<&Arc<UpstreamBearer>> {
        self.bearer.as_ref()
    }

    async fn connect(
        &self,
        routes: ProgressRoutes,
        listeners: Arc<Listeners>,
        client: ProxyClient,
    ) -> Result<Live, String> {
        let url = url_with_query(&self.endpoint, &self.endpoint.url)?;
        policy(&self.endpoint).check_url(&url)?;
        let headers = header_map(&self.endpoint)?;
        let inner = sse_client::SseClientTransport::connect(
            self.http.clone(),
            url,
            headers,
            self.endpoint.clone(),
            self.bearer.clone(),
        )
        .await
        .map_err(|error| redact(&self.endpoint, error))?;
        let transport = NotificationRelay {
            inner: ProgressRelay { inner, routes },
            listeners,
        };
        let links = client.links.clone();
        let asks_callers = client.askable.any();
        let service = client
            .serve(transport)
            .await
            .map_err(|error| upstream_http::with_causes(&error))?;
        // Legacy SSE answers on the GET stream, never on the POST: no direct calls.
        Ok(Live {
            service,
            direct: None,
            links,
            one_call_at_a_time: asks_callers.then(|| Arc::new(tokio::sync::Mutex::new(()))),
        })
    }
}

/// Proxy to a remote legacy HTTP+SSE server (our own client transport).
pub(super) type SseProxy = Proxy<SseConnector>;

impl Proxy<SseConnector> {
    pub(super) fn new(
        endpoint: RemoteEndpoint,
        timeout: Duration,
        bearer: Option<Arc<UpstreamBearer>>,
    ) -> Self {
        Self::with_connector(
            SseConnector {
                http: upstream_http::client(policy(&endpoint)),
                endpoint,
                bearer,
            },
            timeout,
        )
    }
}
