//! The contract every tool server implements (embedded templates, proxies, OpenAPI documents, the
//! admin tools): list tools, call one, reach the caller mid-call.

use async_trait::async_trait;
use rmcp::ErrorData;
use rmcp::model::{
    CallToolResponse, CallToolResult, ContentBlock, InputResponses, JsonObject,
    ProgressNotificationParam, ProgressToken, RequestMetaObject, Tool,
};
use rmcp::service::{Peer, RoleServer};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

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

/// How a tool server reaches the caller during a call.
#[derive(Clone)]
pub(crate) enum CallerNotifier {
    /// rmcp's session: notifications go out on its streams.
    Session(Peer<RoleServer>),
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
            CallerNotifier::Session(peer) => peer
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

    #[expect(
        deprecated,
        reason = "logging is deprecated upstream (SEP-2577) but clients of the 2025 revisions still use it"
    )]
    pub async fn log(
        &self,
        message: rmcp::model::LoggingMessageNotificationParam,
    ) -> Result<(), String> {
        match self {
            CallerNotifier::Session(peer) => peer
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

    /// The `server/tool` that `tool` stands for, when this server only forwards it (a virtual
    /// server's tools): logged with the call.
    fn source_of(&self, _tool: &str) -> Option<String> {
        None
    }
}

/// A tool result carrying one text block, marked as an error: the tool ran but failed in a way
/// the caller should read.
pub(crate) fn tool_error(message: impl Into<String>) -> CallToolResponse {
    CallToolResponse::Complete(CallToolResult::error(vec![ContentBlock::text(message)]))
}
