//! Log levels a caller asks for: their RFC 5424 order, whether a message passes a caller's level, and the level a session-era `logging/setLevel` names.
//!
//! A session-era caller's level belongs to its session, never to a server: one upstream session
//! (or one embedded server) serves many callers, so the gateway never passes a level on, and
//! filters what it sends each caller instead. The transports keep the level with the session
//! (a Streamable HTTP session's record in the shared store, a legacy SSE session's transport)
//! and put it in each request's [`RequestScope`](crate::handler::RequestScope); a 2026-07-28
//! caller names its level per request in `_meta` instead.
#![expect(
    deprecated,
    reason = "logging is deprecated upstream (SEP-2577) but clients of the 2025 revisions still use it"
)]

use rmcp::model::{ClientJsonRpcMessage, ClientRequest, JsonRpcMessage, LoggingLevel};

/// Whether a message at `level` reaches a caller that wants `wanted` and more severe; a caller
/// that named no level gets everything.
pub(crate) fn passes(level: LoggingLevel, wanted: Option<LoggingLevel>) -> bool {
    wanted.is_none_or(|wanted| severity(level) >= severity(wanted))
}

/// The level `message` sets, when it is a `logging/setLevel` request.
pub(crate) fn set_by(message: &ClientJsonRpcMessage) -> Option<LoggingLevel> {
    match message {
        JsonRpcMessage::Request(request) => match &request.request {
            ClientRequest::SetLevelRequest(set) => Some(set.params.level),
            _ => None,
        },
        _ => None,
    }
}

/// RFC 5424 order, least severe first.
fn severity(level: LoggingLevel) -> u8 {
    match level {
        LoggingLevel::Debug => 0,
        LoggingLevel::Info => 1,
        LoggingLevel::Notice => 2,
        LoggingLevel::Warning => 3,
        LoggingLevel::Error => 4,
        LoggingLevel::Critical => 5,
        LoggingLevel::Alert => 6,
        LoggingLevel::Emergency => 7,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered_by_severity() {
        let all = [
            LoggingLevel::Debug,
            LoggingLevel::Info,
            LoggingLevel::Notice,
            LoggingLevel::Warning,
            LoggingLevel::Error,
            LoggingLevel::Critical,
            LoggingLevel::Alert,
            LoggingLevel::Emergency,
        ];
        for pair in all.windows(2) {
            assert!(severity(pair[0]) < severity(pair[1]));
            assert!(!passes(pair[0], Some(pair[1])));
            assert!(passes(pair[1], Some(pair[0])));
            assert!(passes(pair[0], None));
        }
    }

    #[test]
    fn only_set_level_requests_set_a_level() {
        let message = |method: &str, params: serde_json::Value| -> ClientJsonRpcMessage {
            serde_json::from_value(serde_json::json!({
                "jsonrpc": "2.0", "id": 1, "method": method, "params": params
            }))
            .unwrap()
        };
        let set = message("logging/setLevel", serde_json::json!({"level": "warning"}));
        assert_eq!(set_by(&set), Some(LoggingLevel::Warning));
        let ping = message("ping", serde_json::json!({}));
        assert_eq!(set_by(&ping), None);
    }
}
