//! An upstream's log messages during a call passed to the caller at the level it asked for (the 2026-07-28 per-request `logLevel`).
//!
//! One upstream session serves every caller of a group, so the gateway never passes a caller's
//! level upstream as `logging/setLevel` (it would change what the others get); it filters here,
//! per call, what the upstream sent.
#![expect(
    deprecated,
    reason = "logging is deprecated upstream (SEP-2577) but servers of the 2025 revisions still send it"
)]

use rmcp::model::{LoggingLevel, LoggingMessageNotificationParam};

use crate::tool_server::{CallerNotifier, ToolCall};

/// The least severe level the caller of `call` wants; `None` when it named none (the caller's
/// notifier then decides: a session-era caller gets everything, a 2026-07-28 request nothing).
pub(super) fn wanted_level(call: &ToolCall) -> Option<LoggingLevel> {
    call.meta.as_ref().and_then(|meta| meta.log_level())
}

/// Passes `message` to the caller unless it is less severe than `wanted`.
pub(super) async fn forward(
    notifier: &CallerNotifier,
    wanted: Option<LoggingLevel>,
    message: LoggingMessageNotificationParam,
) {
    if !crate::log_level::passes(message.level, wanted) {
        return;
    }
    if let Err(error) = notifier.log(message).await {
        tracing::debug!(%error, "log message not forwarded");
    }
}
