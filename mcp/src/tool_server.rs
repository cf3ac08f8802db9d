//! The contract every tool server implements (embedded templates, proxies, OpenAPI documents, the
//! admin tools): list tools, call one, reach the caller mid-call; and, where a server offers
//! them, its resources, resource templates, prompts and completions, and who hears its
//! notifications.

use std::sync::Arc;

use async_trait::async_trait;
use rmcp::ErrorData;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CompleteRequestParams, CompleteResult,
    ContentBlock, ErrorCode, GetPromptRequestParams, GetPromptResponse, GetTaskResult,
    InputResponses, JsonObject, ProgressNotificationParam, ProgressToken, Prompt,
    ReadResourceRequestParams, ReadResourceResponse, RequestMetaObject, Resource, ResourceTemplate,
    ServerCapabilities, ServerNotification, Tool,
};
use rmcp::service::{Peer, RoleServer, SubscriptionSink};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::tasks::{StatusFeed, TaskSupport};

/// One tool call as a tool server sees it: the tool's own name (no aggregated prefix).
pub(crate) struct ToolCall {
    pub name: String,
    pub arguments: Option<JsonObject>,
    /// The caller's progress token, when it asked for progress notifications.
    pub progress_token: Option<ProgressToken>,
    /// Where progress (and, on rmcp's session, log messages) for the caller goes.
    pub notifier: CallerNotifier,
    /// Cancelled when the client cancels the request or goes away.
    pub cancel: CancellationToken,
    /// The call's `_meta` as the client sent it: in the 2026-07-28 revision it declares the
    /// client's capabilities and log level per request (see `caller_requests`).
    pub meta: Option<RequestMetaObject>,
    /// A 2026-07-28 retry after an input-required result: the client's answers and the
    /// server's opaque state, passed back to the server that asked.
    pub input_responses: Option<InputResponses>,
    pub request_state: Option<String>,
}

/// Who asked for a prompt, for a server whose prompt may ask them something mid-request.
pub(crate) struct PromptCaller {
    /// Where what the server sends during the request goes (and, on rmcp's session, asks).
    pub notifier: CallerNotifier,
    /// Cancelled when the client cancels the request or goes away.
    pub cancel: CancellationToken,
    /// The request's `_meta` as the client sent it (a 2026-07-28 caller declares its
    /// capabilities there).
    pub meta: Option<RequestMetaObject>,
}

/// How a tool server reaches the caller during a call.
#[derive(Clone)]
pub(crate) enum CallerNotifier {
    /// rmcp's session: notifications go out on its streams; log messages only as the request's
    /// filter lets them (the level its session set with `logging/setLevel`, or its own
    /// 2026-07-28 `logLevel`; see [`crate::log_level`]).
    Session(Peer<RoleServer>, crate::log_level::LogFilter),
    /// A reply written outside rmcp (see `direct_reply`), which streams the call's progress
    /// before its result. Log messages have no place there: tool servers that send them say so
    /// ([`ToolServer::notifies_caller`]) and are served by rmcp.
    Reply(mpsc::Sender<ProgressNotificationParam>),
    /// Nobody listens: a reply without progress.
    Nobody,
}

impl CallerNotifier {
    pub async fn progress(&self, progress: ProgressNotificationParam) -> Result<(), String> {
        match self {
            CallerNotifier::Session(peer, _) => peer
                .notify_progress(progress)
                .await
                .map_err(|error| error.to_string()),
            CallerNotifier::Reply(sender) => sender
                .send(progress)
                .await
                .map_err(|_| "the caller went away".to_owned()),
            CallerNotifier::Nobody => Ok(()),
        }
    }

    /// The least severe log level this caller gets; `None` when it gets no log message.
    #[expect(
        deprecated,
        reason = "logging is deprecated upstream (SEP-2577) but clients of the 2025 revisions still use it"
    )]
    pub fn least_severe_log_level(&self) -> Option<rmcp::model::LoggingLevel> {
        match self {
            CallerNotifier::Session(_, filter) => filter.least_severe(),
            CallerNotifier::Reply(_) | CallerNotifier::Nobody => None,
        }
    }

    #[expect(
        deprecated,
        reason = "logging is deprecated upstream (SEP-2577) but clients of the 2025 revisions still use it"
    )]
    pub async fn log(
        &self,
        message: rmcp::model::LoggingMessageNotificationParam,
    ) -> Result<(), String> {
        match self {
            CallerNotifier::Session(_, filter) if !filter.passes(message.level) => Ok(()),
            CallerNotifier::Session(peer, _) => peer
                .notify_logging_message(message)
                .await
                .map_err(|error| error.to_string()),
            CallerNotifier::Reply(_) | CallerNotifier::Nobody => Ok(()),
        }
    }
}

/// The tools of one configured server.
#[async_trait]
pub(crate) trait ToolServer: Send + Sync {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData>;
    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData>;

    /// Whether calling `tool` sends the caller notifications other than progress (log
    /// messages, say), which need the session's stream. Such calls are always served by rmcp.
    fn notifies_caller(&self, _tool: &str) -> bool {
        false
    }

    /// Whether calling `tool` may ask the caller something mid-call (sampling, elicitation,
    /// roots; a proxy's upstream may). Such calls of a caller that declared one of those
    /// capabilities are served by rmcp, whose session can carry the request.
    fn asks_caller(&self, _tool: &str) -> bool {
        false
    }

    /// Whether `tool` runs as a task for callers that declared the tasks extension (see
    /// `crate::tasks`). Only servers the gateway runs itself offer tasks.
    fn task_support(&self, _tool: &str) -> TaskSupport {
        TaskSupport::Forbidden
    }

    /// Whether this call of a task-supporting `tool` starts a task now (a tool may first gather
    /// input with input-required results and go asynchronous on the last round).
    fn starts_task(&self, tool: &str, _input_responses: Option<&InputResponses>) -> bool {
        self.task_support(tool) != TaskSupport::Forbidden
    }

    /// Whether this call of `tool` carries on, as a task of the gateway's own, a call the
    /// server already runs for its caller: a proxy's bridged call (`servers/proxy/bridge.rs`)
    /// whose caller answered the upstream's questions and takes task handles. Only asked for a
    /// caller that declared the tasks extension.
    fn continues_as_task(&self, _tool: &str, _request: &CallToolRequestParams) -> bool {
        false
    }

    /// Whether any of this server's tools runs as a task: the route then declares the tasks
    /// extension.
    fn offers_tasks(&self) -> bool {
        false
    }

    /// `tasks/get` of a task this server's upstream runs (a proxy's; the gateway's own tasks
    /// are answered by `crate::tasks`). Only asked for ids the caller owns.
    async fn get_task(&self, id: &str) -> Result<GetTaskResult, ErrorData> {
        Err(crate::tasks::unknown_task(id))
    }

    /// `tasks/update` of a task this server's upstream runs.
    async fn update_task(&self, id: &str, _responses: InputResponses) -> Result<(), ErrorData> {
        Err(crate::tasks::unknown_task(id))
    }

    /// `tasks/cancel` of a task this server's upstream runs.
    async fn cancel_task(&self, id: &str) -> Result<(), ErrorData> {
        Err(crate::tasks::unknown_task(id))
    }

    /// `feed` hears the statuses the upstream sends (`notifications/tasks`) for its task `id`
    /// (a proxy's; the gateway's own tasks publish theirs themselves). Only called for a task
    /// the caller owns.
    fn watch_task(&self, _id: &str, _feed: StatusFeed) {}

    /// The `server/tool` that `tool` stands for, when this server only forwards it (a virtual
    /// server's tools): logged with the call.
    fn source_of(&self, _tool: &str) -> Option<String> {
        None
    }

    /// What the server offers, as it declares it (a proxy: its upstream's `initialize`
    /// capabilities). Only `resources`, `prompts`, `completions` and `tools.listChanged` are read
    /// from it; the handler adds what the gateway itself serves.
    async fn capabilities(&self) -> ServerCapabilities {
        ServerCapabilities::builder().enable_tools().build()
    }

    async fn list_resources(&self) -> Result<Vec<Resource>, ErrorData> {
        Ok(Vec::new())
    }

    async fn list_resource_templates(&self) -> Result<Vec<ResourceTemplate>, ErrorData> {
        Ok(Vec::new())
    }

    /// Reads the resource `read.uri` (the server's own URI, no aggregated prefix).
    async fn read_resource(
        &self,
        read: ReadResourceRequestParams,
    ) -> Result<ReadResourceResponse, ErrorData> {
        Err(resource_not_found(&read.uri))
    }

    async fn list_prompts(&self) -> Result<Vec<Prompt>, ErrorData> {
        Ok(Vec::new())
    }

    /// Gets the prompt `get.name` (the server's own name, no aggregated prefix).
    async fn get_prompt(
        &self,
        get: GetPromptRequestParams,
    ) -> Result<GetPromptResponse, ErrorData> {
        Err(unknown_prompt(&get.name))
    }

    /// [`Self::get_prompt`] for `caller`: a server whose prompts may ask the caller something
    /// mid-request overrides this; the rest answer as [`Self::get_prompt`].
    async fn get_prompt_for(
        &self,
        get: GetPromptRequestParams,
        _caller: PromptCaller,
    ) -> Result<GetPromptResponse, ErrorData> {
        self.get_prompt(get).await
    }

    /// Completes an argument of a prompt or resource template (the server's own names).
    /// Default: no suggestions, which the protocol allows.
    async fn complete(&self, _request: CompleteRequestParams) -> Result<CompleteResult, ErrorData> {
        Ok(CompleteResult::default())
    }

    /// `listener` wants `notifications/resources/updated` for `uri`.
    async fn subscribe(&self, _uri: &str, _listener: Listener) -> Result<(), ErrorData> {
        Err(ErrorData::new(
            ErrorCode::METHOD_NOT_FOUND,
            "this server offers no resource subscriptions",
            None,
        ))
    }

    async fn unsubscribe(&self, _uri: &str, _session: u64) -> Result<(), ErrorData> {
        Ok(())
    }

    /// `listener` uses this server: it hears the server's `list_changed` notifications (only
    /// servers whose lists can change, proxies, keep it).
    fn listen(&self, _listener: Listener) {}

    /// How many times the server said its tool list changed (a proxy: its upstream's
    /// `tools/list_changed`): what was learnt from its listing is stale once this moves.
    fn tool_list_changes(&self) -> u64 {
        0
    }
}

/// A downstream session that hears a server's notifications (list changes, resource updates).
#[derive(Clone)]
pub(crate) struct Listener {
    /// Unique per downstream session: a session registers once however often it asks.
    pub session: u64,
    pub sink: NotificationSink,
    /// In the aggregated view, the server id its URIs are prefixed with (see
    /// [`crate::offerings::aggregated_uri`]).
    pub aggregated_as: Option<String>,
    /// Through a virtual server: a source's URI as the virtual server shows it (applied
    /// before the aggregated prefix).
    pub renamed: Option<UriRename>,
}

/// A source server's resource URI as a virtual server shows it, if it shows it.
pub(crate) type UriRename = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Where a listener's notifications go.
#[derive(Clone)]
pub(crate) enum NotificationSink {
    /// A session-era session (or a legacy SSE stream): its standalone stream.
    Session(Peer<RoleServer>),
    /// A 2026-07-28 `subscriptions/listen` stream, open until `closed` is cancelled.
    Subscription {
        sink: SubscriptionSink,
        closed: CancellationToken,
    },
}

impl Listener {
    /// Whether nobody listens any more (the session or the stream ended).
    pub fn is_closed(&self) -> bool {
        match &self.sink {
            NotificationSink::Session(peer) => peer.is_transport_closed(),
            NotificationSink::Subscription { closed, .. } => closed.is_cancelled(),
        }
    }

    /// Sends `notification`, its resource URI (if any) renamed as this listener knows it.
    pub async fn send(&self, mut notification: ServerNotification) -> Result<(), String> {
        if let ServerNotification::ResourceUpdatedNotification(updated) = &mut notification {
            if let Some(shown) = self
                .renamed
                .as_ref()
                .and_then(|rename| rename(&updated.params.uri))
            {
                updated.params.uri = shown;
            }
            if let Some(server_id) = &self.aggregated_as {
                updated.params.uri =
                    crate::offerings::aggregated_uri(server_id, &updated.params.uri);
            }
        }
        match &self.sink {
            NotificationSink::Session(peer) => peer
                .send_notification(notification)
                .await
                .map_err(|error| error.to_string()),
            NotificationSink::Subscription { sink, .. } => sink
                .send(notification)
                .await
                .map_err(|error| error.to_string()),
        }
    }
}

/// The error for a resource that does not exist (or that the caller may not read: the same
/// answer, so nothing can be probed): `-32602` with the URI in `data`, as SEP-2164 asks.
pub(crate) fn resource_not_found(uri: &str) -> ErrorData {
    ErrorData::invalid_params(
        format!("resource not found: {uri}"),
        Some(serde_json::json!({ "uri": uri })),
    )
}

/// The error for a prompt that does not exist or that the caller may not use.
pub(crate) fn unknown_prompt(name: &str) -> ErrorData {
    ErrorData::invalid_params(format!("unknown prompt: {name}"), None)
}

/// A tool result carrying one text block, marked as an error: the tool ran but failed in a way
/// the caller should read.
pub(crate) fn tool_error(message: impl Into<String>) -> CallToolResponse {
    CallToolResponse::Complete(CallToolResult::error(vec![ContentBlock::text(message)]))
}
