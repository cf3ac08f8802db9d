//! The MCP server every route speaks: the tools of the servers a caller may use, allow-listed and reported (the rest is `offerings.rs`'s).
#![expect(
    deprecated,
    reason = "logging/setLevel is deprecated upstream (SEP-2577) but clients of the 2025 revisions still send it"
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime};

use rmcp::model::ProgressToken;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CancelTaskParams, CompleteRequestParams,
    CompleteResult, CreateTaskResult, DiscoverResult, GetPromptRequestParams, GetPromptResponse,
    GetTaskParams, GetTaskResult, Implementation, InitializeRequestParams, InitializeResult,
    ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, RequestParamsMeta,
    ResultType, SetLevelRequestParams, SubscribeRequestParams, SubscriptionFilter, Tool,
    UnsubscribeRequestParams, UpdateTaskParams,
};
use rmcp::service::{RequestContext, RoleServer, SubscriptionContext};
use rmcp::{ErrorData, ServerHandler};
use tenancy::{Caller, Refusal, Reservation};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::admin::ADMIN_SERVER_ID;
use crate::config::McpConfig;
use crate::host::{
    McpDirectory, ServerDefinition, ToolCallGate, ToolCallRecord, ToolCallRequest, ToolCallSink,
    ToolCallStatus,
};
use crate::pinning::{self, ToolPins};
use crate::servers::LiveServers;
use crate::tool_call_span;
use crate::tool_server::{CallerNotifier, ToolCall, ToolServer};
use crate::unprefixed::{self, Shown};

/// Separates the server id from the tool name in the aggregated view (`/`): `{server}__{tool}`.
/// Underscores are legal in MCP tool names (`[A-Za-z0-9_.-]`), and a double one reads as a
/// separator; server ids must not contain it, so the first occurrence splits unambiguously.
pub const TOOL_NAME_SEPARATOR: &str = "__";

/// `name` of server `server_id` as the aggregated view shows a prefixed tool, prompt or task id.
pub(crate) fn prefixed(server_id: &str, name: &str) -> String {
    format!("{server_id}{TOOL_NAME_SEPARATOR}{name}")
}

/// Who is asking and which servers the request's route exposes; attached to every request
/// before it reaches the MCP handler.
#[derive(Clone)]
pub(crate) struct RequestScope {
    pub caller: Arc<Caller>,
    pub view: View,
    /// The least severe log level the caller's session asked for (`logging/setLevel` of the
    /// session era, kept by the transport with the session); `None`: every level.
    pub log_level: Option<rmcp::model::LoggingLevel>,
}

#[derive(Clone)]
pub(crate) enum View {
    /// `/public/{id}` or `/group/{id}`: one server's tools under their own names.
    Single(Arc<ServerDefinition>),
    /// `/`: every server the caller may use, names prefixed (but those of servers served
    /// unprefixed, see [`crate::unprefixed`]).
    Aggregated(Arc<[Arc<ServerDefinition>]>),
    /// `/admin`: the control plane's tools, for the admin key.
    Admin(Arc<dyn ToolServer>),
}

impl View {
    pub fn route_key(&self) -> String {
        match self {
            View::Single(definition) => format!("{:?}/{}", definition.scope, definition.id),
            View::Aggregated(_) => "aggregated".to_owned(),
            View::Admin(_) => "admin".to_owned(),
        }
    }
}

/// State shared by every request.
pub(crate) struct Core {
    pub directory: Arc<dyn McpDirectory>,
    pub sink: Arc<dyn ToolCallSink>,
    pub gate: Arc<dyn ToolCallGate>,
    pub servers: LiveServers,
    pub config: McpConfig,
    /// The `aiproxy-admin` tools' host, when the host supplied an [`AdminHost`](crate::AdminHost).
    pub admin: Option<Arc<dyn crate::AdminHost>>,
    /// Where remote servers' tool pins live; no pinning when the host supplied none.
    pub pins: Option<Arc<dyn ToolPins>>,
    /// Continues the client's trace a call names in `params._meta`, when the host exports spans.
    pub traces: Option<Arc<dyn crate::ClientTraces>>,
    /// The tasks of task-augmented tool calls (see [`crate::tasks`]).
    pub tasks: crate::tasks::TaskRegistry,
    /// Tool schemas the `Mcp-Param-*` check found recently (see [`crate::param_headers`]).
    pub param_schemas: crate::param_headers::SchemaCache,
    /// The servers found to hold bare tool names in `/mcp` (see [`crate::unprefixed`]).
    pub tool_holders: crate::unprefixed::ToolHolders,
}

/// The rmcp handler, one per session; it reads the [`RequestScope`] of each request.
#[derive(Clone)]
pub(crate) struct McpHandler {
    pub core: Arc<Core>,
    /// Tells this session apart where servers remember who listens to their notifications.
    pub session: u64,
}

impl McpHandler {
    /// A handler for a new session.
    pub fn new(core: Arc<Core>) -> Self {
        static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);
        Self {
            core,
            session: NEXT_SESSION.fetch_add(1, Ordering::Relaxed),
        }
    }

    pub(crate) fn scope(context: &RequestContext<RoleServer>) -> Result<RequestScope, ErrorData> {
        if let Some(scope) = context.extensions.get::<RequestScope>() {
            return Ok(scope.clone());
        }
        context
            .extensions
            .get::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<RequestScope>())
            .cloned()
            .ok_or_else(|| {
                ErrorData::internal_error("request reached the handler without a scope", None)
            })
    }
}

/// The server and tool server a `tools/call` names within a route.
pub(crate) struct CallTarget {
    pub server_id: String,
    /// The tool's own name, without the aggregated prefix.
    pub tool: String,
    pub server: Result<Arc<dyn ToolServer>, ErrorData>,
    /// The configured server, for its pins (none for the admin tools).
    pub definition: Option<Arc<ServerDefinition>>,
    /// Whether the call named the tool with its server's prefix (the aggregated view); a
    /// task it starts is then shown prefixed too.
    pub prefixed: bool,
}

impl Core {
    /// The tools of `definition` the caller may list: served after the pins' review, narrowed
    /// by the group's and the token's allow-lists.
    pub(crate) async fn list_server_tools(
        &self,
        caller: &Caller,
        definition: &ServerDefinition,
    ) -> Result<Vec<Tool>, ErrorData> {
        let server = self.servers.get(definition, &caller.group_id)?;
        let listed = server.list_tools().await?;
        let tools = pinning::served(self.pins.as_ref(), definition, listed);
        Ok(tools
            .into_iter()
            .filter(|tool| {
                definition.allows_tool(&tool.name)
                    && caller.may_use_tool(&definition.id, &tool.name)
            })
            .collect())
    }

    /// Resolves the tool `name` of a `tools/call` on `view`; an unknown server prefix is the
    /// same error as an unknown tool. In the aggregated view a name without a known prefix is
    /// looked up on the unprefixed servers (see [`crate::unprefixed`]).
    pub(crate) async fn call_target(
        &self,
        caller: &Caller,
        view: &View,
        name: &str,
    ) -> Result<CallTarget, ErrorData> {
        Ok(match view {
            View::Single(definition) => CallTarget {
                server_id: definition.id.clone(),
                tool: name.to_owned(),
                server: self.servers.get(definition, &caller.group_id),
                definition: Some(definition.clone()),
                prefixed: false,
            },
            View::Admin(admin) => CallTarget {
                server_id: ADMIN_SERVER_ID.to_owned(),
                tool: name.to_owned(),
                server: Ok(admin.clone()),
                definition: None,
                prefixed: false,
            },
            View::Aggregated(definitions) => {
                let (definition, tool, prefixed) =
                    match unprefixed::split_prefixed(definitions, name) {
                        Some((definition, tool)) => (definition, tool, true),
                        None => {
                            let changes = |definition: &ServerDefinition| {
                                self.servers
                                    .get(definition, &caller.group_id)
                                    .map_or(0, |server| server.tool_list_changes())
                            };
                            let holder = self
                                .tool_holders
                                .holder(
                                    definitions,
                                    (&caller.group_id, caller.token_id),
                                    name,
                                    changes,
                                    |definition| async move {
                                        self.list_server_tools(caller, &definition)
                                            .await
                                            .is_ok_and(|tools| tools.iter().any(|t| t.name == name))
                                    },
                                )
                                .await;
                            let Some(definition) = holder else {
                                return Err(unknown_tool(name));
                            };
                            (definition, name, false)
                        }
                    };
                CallTarget {
                    server_id: definition.id.clone(),
                    tool: tool.to_owned(),
                    server: self.servers.get(&definition, &caller.group_id),
                    definition: Some(definition),
                    prefixed,
                }
            }
        })
    }

    /// One `tools/call`, whichever transport carried it: allow-list, gate, tool server, the
    /// `resultType` newer clients need, and the call's record. `target` is what
    /// [`Core::call_target`] resolved `request.name` to.
    pub(crate) async fn call_tool(
        &self,
        scope: &RequestScope,
        (request, target): (CallToolRequestParams, Result<CallTarget, ErrorData>),
        (progress_token, notifier): (Option<ProgressToken>, CallerNotifier),
        cancel: CancellationToken,
    ) -> Result<CallToolResponse, ErrorData> {
        let span = tool_call_span::start(&request.name, &scope.caller.group_id);
        if let Some(traces) = &self.traces {
            tool_call_span::continue_meta_trace(&span, request.meta.as_deref(), traces.as_ref());
        }
        let outcome = self
            .call_tool_traced(
                scope,
                (request, target),
                (progress_token, notifier),
                cancel,
                &span,
            )
            .instrument(span.clone())
            .await;
        tool_call_span::record_outcome(&span, &outcome);
        outcome
    }

    async fn call_tool_traced(
        &self,
        scope: &RequestScope,
        (request, target): (CallToolRequestParams, Result<CallTarget, ErrorData>),
        (progress_token, notifier): (Option<ProgressToken>, CallerNotifier),
        cancel: CancellationToken,
        span: &tracing::Span,
    ) -> Result<CallToolResponse, ErrorData> {
        let started = (Instant::now(), SystemTime::now());
        let CallTarget {
            server_id,
            tool,
            server,
            definition,
            prefixed,
        } = target?;
        tool_call_span::record_server(span, &server_id);
        let caller = &scope.caller;
        // Read before the notifier moves into the call: a task the upstream starts tells this
        // session (the session era) of its status changes.
        let session = crate::tasks::session_of(&notifier);
        let source_tool = server
            .as_ref()
            .ok()
            .and_then(|server| server.source_of(&tool));
        let call_name = (server_id.as_str(), tool.as_str(), source_tool.as_deref());
        let group_allows = definition
            .as_deref()
            .is_none_or(|definition| definition.allows_tool(&tool));
        if !group_allows || !caller.may_use_tool(&server_id, &tool) {
            self.report_refused(caller, call_name, ToolCallStatus::Denied, started);
            return Err(unknown_tool(&request.name));
        }
        // A tool whose definition changed (or was never approved) runs nothing and spends
        // nothing until an admin approves it.
        if let Some(error) = definition
            .as_deref()
            .and_then(|definition| pinning::call_refusal(self.pins.as_ref(), definition, &tool))
        {
            let status = ToolCallStatus::Quarantined {
                message: error.message.to_string(),
            };
            self.report_refused(caller, call_name, status, started);
            return Err(error);
        }
        // The admin key's tools belong to no group: nothing to limit or charge.
        let reservation = if matches!(scope.view, View::Admin(_)) {
            None
        } else {
            let request = ToolCallRequest {
                caller,
                server_id: &server_id,
                tool: &tool,
            };
            match self.gate.admit(request).await {
                Ok(reservation) => reservation,
                Err(refusal) => {
                    let status = ToolCallStatus::Refused {
                        kind: refusal.kind,
                        message: refusal.message.clone(),
                    };
                    self.report_refused(caller, call_name, status, started);
                    return Err(refused(&refusal));
                }
            }
        };
        let outcome = match &server {
            Ok(server) => {
                let call = ToolCall {
                    name: tool.clone(),
                    arguments: request.arguments.clone(),
                    progress_token,
                    notifier,
                    cancel,
                    meta: request.meta.clone(),
                    input_responses: request.input_responses.clone(),
                    request_state: request.request_state.clone(),
                };
                server.call_tool(call).await
            }
            Err(error) => Err(error.clone()),
        };
        // A result from an upstream that negotiated an older revision has no `resultType`;
        // 2026-07-28 clients require it, and it is stripped again for older clients.
        let outcome = outcome.map(|response| match response {
            CallToolResponse::Complete(mut result) => {
                result.result_type.get_or_insert(ResultType::COMPLETE);
                CallToolResponse::Complete(result)
            }
            other => other,
        });
        let outcome = match (outcome, server) {
            (Ok(CallToolResponse::Task(created)), Ok(server)) => {
                self.forwarded_task(scope, (&server_id, prefixed, server), created, session)
                    .await
            }
            (outcome, _) => outcome,
        };
        self.report(
            caller,
            call_name,
            request.arguments.as_ref(),
            (&outcome, reservation),
            started,
        );
        outcome
    }

    /// A task the server's upstream created (only proxies answer a call with one: the
    /// gateway's own tasks start before the call): the caller owns it from now on, under the id
    /// its route shows, and hears the status changes the upstream sends for it. One past the
    /// caller's limit is cancelled upstream and refused.
    async fn forwarded_task(
        &self,
        scope: &RequestScope,
        (server_id, called_prefixed, server): (&str, bool, Arc<dyn ToolServer>),
        mut created: CreateTaskResult,
        session: Option<rmcp::service::Peer<RoleServer>>,
    ) -> Result<CallToolResponse, ErrorData> {
        match self.adopt_forwarded_task(scope, (server_id, called_prefixed), &created.task.task_id)
        {
            Ok(shown_id) => {
                let feed = crate::tasks::StatusFeed::new();
                self.tasks.notify(
                    &feed,
                    crate::tasks::Audience {
                        owner: crate::tasks::TaskOwner::of(&scope.caller),
                        route: scope.view.route_key(),
                        shown_id: shown_id.clone(),
                        session,
                    },
                );
                server.watch_task(&created.task.task_id, feed);
                created.task.task_id = shown_id;
                Ok(CallToolResponse::Task(created))
            }
            Err(crate::tasks::NotAdopted::TooMany(refusal)) => {
                if let Err(error) = server.cancel_task(&created.task.task_id).await {
                    tracing::debug!(%error.message, "refused upstream task not cancelled");
                }
                Err(refusal)
            }
            Err(crate::tasks::NotAdopted::Taken(error)) => Err(error),
        }
    }

    fn report(
        &self,
        caller: &Caller,
        call_name: CallName<'_>,
        arguments: Option<&rmcp::model::JsonObject>,
        (outcome, reservation): (&Result<CallToolResponse, ErrorData>, Option<Reservation>),
        started: (Instant, SystemTime),
    ) {
        let status = match outcome {
            Ok(CallToolResponse::Complete(result)) if result.is_error == Some(true) => {
                ToolCallStatus::ToolError
            }
            Ok(_) => ToolCallStatus::Ok,
            Err(error) => ToolCallStatus::Failed {
                code: error.code.0,
                message: error.message.to_string(),
            },
        };
        let details = caller.record_details;
        let result = match outcome {
            Ok(CallToolResponse::Complete(result)) if details => serde_json::to_value(result).ok(),
            Err(error) if details => serde_json::to_value(error).ok(),
            _ => None,
        };
        let mut record = call_record(caller, call_name, status, started);
        record.arguments = details
            .then(|| arguments.map(|arguments| serde_json::Value::Object(arguments.clone())))
            .flatten();
        record.result = result;
        record.reservation = reservation;
        self.sink.record(record);
    }

    /// Logs a call that never ran (allow-list or gate said no).
    fn report_refused(
        &self,
        caller: &Caller,
        call_name: CallName<'_>,
        status: ToolCallStatus,
        started: (Instant, SystemTime),
    ) {
        let record = call_record(caller, call_name, status, started);
        self.sink.record(record);
    }
}

/// A call's server id, tool name and, for a virtual server's tool, the `server/tool` it stands
/// for.
type CallName<'a> = (&'a str, &'a str, Option<&'a str>);

/// The record of one call, without arguments, result or reservation.
pub(crate) fn call_record(
    caller: &Caller,
    (server_id, tool, source_tool): CallName<'_>,
    status: ToolCallStatus,
    started: (Instant, SystemTime),
) -> ToolCallRecord {
    ToolCallRecord {
        request_id: uuid::Uuid::now_v7().to_string(),
        group_id: caller.group_id.clone(),
        token_id: caller.token_id,
        token_name: caller.token_name.clone(),
        server_id: server_id.to_owned(),
        tool: tool.to_owned(),
        source_tool: source_tool.map(str::to_owned),
        status,
        duration: started.0.elapsed(),
        started_at: started.1,
        client_ip: caller.client_ip,
        arguments: None,
        result: None,
        reservation: None,
    }
}

/// A JSON-RPC error for a call the gate refused: an implementation-defined server error code,
/// with the reason in the relay's words and the retry time in `data`, so programs can back off
/// and models can read why.
pub(crate) fn refused(refusal: &Refusal) -> ErrorData {
    let mut data = serde_json::json!({"type": refusal.kind.as_str()});
    if let Some(retry_after) = refusal.retry_after {
        data["retry_after_seconds"] = retry_after.as_secs().max(1).into();
    }
    ErrorData::new(
        rmcp::model::ErrorCode(REFUSED_CODE),
        refusal.message.clone(),
        Some(data),
    )
}

/// JSON-RPC reserves -32000..-32099 for server-defined errors; this one means "refused by the
/// gateway's limits, quotas or balance".
pub const REFUSED_CODE: i32 = -32029;

fn unknown_tool(name: &str) -> ErrorData {
    // The same answer for a tool that does not exist and one the allow-list hides, so a token
    // cannot probe what it may not use.
    ErrorData::invalid_params(format!("unknown tool: {name}"), None)
}

impl ServerHandler for McpHandler {
    /// Everything any route may offer; `initialize` and `discover` narrow it to the route's
    /// servers (see [`McpHandler::offered_capabilities`]).
    fn get_info(&self) -> InitializeResult {
        let capabilities = crate::offerings::full_capabilities();
        InitializeResult::new(capabilities).with_server_info(Implementation::new(
            self.core.config.server_name.clone(),
            env!("CARGO_PKG_VERSION"),
        ))
    }

    async fn initialize(
        &self,
        request: InitializeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<InitializeResult, ErrorData> {
        context.peer.set_peer_info(request.clone());
        let mut result = self.negotiate_initialize(&request)?;
        if let Ok(scope) = Self::scope(&context) {
            result.capabilities = self.offered_capabilities(&scope, &context).await;
        }
        Ok(result)
    }

    async fn discover(
        &self,
        context: RequestContext<RoleServer>,
    ) -> Result<DiscoverResult, ErrorData> {
        let mut result = DiscoverResult::from_server_info(
            self.supported_protocol_versions().into_owned(),
            self.get_info(),
        );
        if let Ok(scope) = Self::scope(&context) {
            result.capabilities = self.offered_capabilities(&scope, &context).await;
        }
        Ok(result)
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        self.route_list_resources(&context).await
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        self.route_list_resource_templates(&context).await
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        self.route_read_resource(request, &context).await
    }

    async fn subscribe(
        &self,
        request: SubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.route_subscribe(&request.uri, &context).await
    }

    async fn unsubscribe(
        &self,
        request: UnsubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.route_unsubscribe(&request.uri, &context).await
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, ErrorData> {
        self.route_list_prompts(&context).await
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, ErrorData> {
        self.route_get_prompt(request, &context).await
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        self.route_complete(request, &context).await
    }

    /// Every 2026-07-28 subscription is accepted as asked; [`McpHandler::route_listen`] decides
    /// per URI (a URI the caller may not read stays silent).
    fn accepted_subscription_filter(
        &self,
        requested: &SubscriptionFilter,
    ) -> Option<SubscriptionFilter> {
        Some(requested.clone())
    }

    async fn listen(&self, context: SubscriptionContext) -> Result<(), ErrorData> {
        self.route_listen(context).await
    }

    async fn set_level(
        &self,
        _request: SetLevelRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        // The transport already kept the level with the session (see `log_level.rs`): the
        // session's later calls carry it in their scope. Nothing goes upstream, where the
        // session is shared by other callers.
        Ok(())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let scope = Self::scope(&context)?;
        // A listing reaches every upstream of the route: counted like a request, so a loop of
        // `tools/list` cannot make the gateway hammer upstreams unmetered.
        if !matches!(scope.view, View::Admin(_))
            && let Err(refusal) = self.core.gate.admit_listing(&scope.caller).await
        {
            return Err(refused(&refusal));
        }
        let tools = match &scope.view {
            View::Single(definition) => {
                self.core
                    .list_server_tools(&scope.caller, definition)
                    .await?
            }
            View::Admin(admin) => admin.list_tools().await?,
            View::Aggregated(definitions) => {
                let listings = futures::future::join_all(definitions.iter().map(|definition| {
                    let caller = scope.caller.clone();
                    async move {
                        let listed = self.core.list_server_tools(&caller, definition).await;
                        (definition, listed)
                    }
                }))
                .await;
                let mut listed = Vec::new();
                for (definition, listing) in listings {
                    match listing {
                        Ok(server_tools) => listed.push((definition.clone(), server_tools)),
                        // One unreachable upstream must not hide every other server's tools.
                        Err(error) => tracing::warn!(
                            server = %definition.id,
                            %error.message,
                            "skipping server in aggregated tools/list"
                        ),
                    }
                }
                let name = Shown {
                    name: |tool: &Tool| tool.name.as_ref(),
                    rename: |tool: &mut Tool, name| tool.name = name.into(),
                    prefix: prefixed,
                    kind: "tool",
                };
                name.apply(&scope.view, listed)
            }
        };
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        mut request: CallToolRequestParams,
        mut context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let scope = Self::scope(&context)?;
        // Read before the `_meta` moves into the request below: a 2026-07-28 caller declares
        // its capabilities there.
        let declared_tasks = context
            .client_capabilities()
            .is_some_and(|capabilities| capabilities.supports_tasks());
        let progress_token = request
            .progress_token()
            .or_else(|| context.meta.get_progress_token());
        let log_filter = crate::log_level::LogFilter::of_request(
            request.meta.as_ref().unwrap_or(&context.meta),
            scope.log_level,
        );
        // rmcp moved the params' `_meta` into the context: put it back, so the call reads its
        // trace context where the client wrote it, whichever transport carried it.
        if request.meta.is_none() {
            request.meta = Some(std::mem::take(&mut context.meta));
        }
        let notifier = CallerNotifier::Session(context.peer.clone(), log_filter);
        let target = self
            .core
            .call_target(&scope.caller, &scope.view, &request.name)
            .await;
        let decision = crate::tasks::decide(&scope, &request, &target, declared_tasks);
        let target = match (decision, target) {
            (crate::tasks::Decision::MissingCapability, _) => {
                return Err(crate::tasks::missing_capability());
            }
            (crate::tasks::Decision::Task, Ok(target)) => {
                let session = crate::tasks::session_of(&notifier);
                return crate::tasks::start(self.core.clone(), scope, (request, target), session);
            }
            (_, target) => target,
        };
        self.core
            .call_tool(
                &scope,
                (request, target),
                (progress_token, notifier),
                context.ct.clone(),
            )
            .await
    }
    async fn get_task(
        &self,
        request: GetTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetTaskResult, ErrorData> {
        let scope = Self::scope(&context)?;
        self.core.get_task(&scope, &request.task_id).await
    }

    async fn update_task(
        &self,
        request: UpdateTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        let scope = Self::scope(&context)?;
        self.core
            .update_task(&scope, &request.task_id, request.input_responses)
            .await
    }

    async fn cancel_task(
        &self,
        request: CancelTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        let scope = Self::scope(&context)?;
        self.core.cancel_task(&scope, &request.task_id).await
    }
}
