//! The `everything` template's diagnostic tools of the stateless revision (SEP-2575): one needing a declared capability, one asking, one logging.
//!
//! The suite checks the gateway's side of each: an undeclared capability is refused with
//! `-32021` naming it, a question comes back as an input-required result (never a request on
//! the response stream), and log messages reach a 2026-07-28 caller only when its request's
//! `_meta` names a level (see `crate::log_level`). The asking itself is `asking`'s.

use rmcp::ErrorData;
use rmcp::model::{ClientCapabilities, Tool};
use serde_json::json;

use super::tool;
use crate::caller_requests::AskableCapabilities;
use crate::tool_server::ToolCall;

/// Asks for a sampling, which a caller must have declared.
pub(super) const MISSING_CAPABILITY: &str = "test_missing_capability";
/// Asks the user a question (elicitation).
pub(super) const STREAMING_ELICITATION: &str = "test_streaming_elicitation";
/// Logs like `test_tool_with_logging`, under the name the suite calls.
pub(super) const LOGGING: &str = "test_logging_tool";

pub(super) fn tools() -> Vec<Tool> {
    let no_args = || json!({"type": "object", "properties": {}});
    vec![
        tool(
            MISSING_CAPABILITY,
            "Asks the client's model a question; refused unless the caller declared sampling",
            no_args(),
        ),
        tool(
            STREAMING_ELICITATION,
            "Asks the user's name (elicitation), then greets them",
            no_args(),
        ),
        tool(
            LOGGING,
            "Sends three log messages at info while running",
            no_args(),
        ),
    ]
}

/// The refusal of `call` when it names [`MISSING_CAPABILITY`] and its caller did not declare
/// sampling: the capability it needs, as a `ClientCapabilities` object (`{"sampling": {}}`).
pub(super) fn missing_capability(call: &ToolCall) -> Option<ErrorData> {
    let declared = AskableCapabilities::of_call(call);
    (call.name == MISSING_CAPABILITY && !declared.samples()).then(|| {
        ErrorData::missing_required_client_capability(
            ClientCapabilities::builder().enable_sampling().build(),
        )
    })
}
