//! Log levels: their RFC 5424 order, which messages a request's caller gets (its session's level or its own), the level a `logging/setLevel` names.
//!
//! A session-era caller's level belongs to its session, never to a server: one upstream session
//! (or one embedded server) serves many callers, so the gateway never passes a level on, and
//! filters what it sends each caller instead. The transports keep the level with the session
//! (a Streamable HTTP session's record in the shared store, a legacy SSE session's transport)
//! and put it in each request's [`RequestScope`](crate::handler::RequestScope); a 2026-07-28
//! caller names its level per request in `_meta` instead, and gets no log message at all for a
//! request that names none (SEP-2575).
#![expect(
    deprecated,
    reason = "logging is deprecated upstream (SEP-2577) but clients of the 2025 revisions still use it"
)]

use rmcp::model::{
    ClientJsonRpcMessage, ClientRequest, JsonRpcMessage, LoggingLevel, ProtocolVersion,
    RequestMetaObject,
};

/// Which log messages one request's caller gets.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum LogFilter {
    /// Those at the level and more severe; every message when `None` (a session-era caller
    /// that set no level).
    From(Option<LoggingLevel>),
    /// None: a 2026-07-28 request whose `_meta` names no level.
    Nothing,
}

impl LogFilter {
    /// The filter of a request carrying `meta`: a 2026-07-28 request's own `logLevel`, else
    /// the level its session set (`session_level`).
    pub fn of_request(meta: &RequestMetaObject, session_level: Option<LoggingLevel>) -> Self {
        let stateless = meta
            .protocol_version()
            .is_some_and(|version| version >= ProtocolVersion::V_2026_07_28);
        match (stateless, meta.log_level()) {
            (true, None) => LogFilter::Nothing,
            (true, named) => LogFilter::From(named),
            (false, _) => LogFilter::From(session_level),
        }
    }

    /// The least severe level that passes; `None` when nothing does.
    pub fn least_severe(self) -> Option<LoggingLevel> {
        match self {
            LogFilter::From(wanted) => Some(wanted.unwrap_or(LoggingLevel::Debug)),
            LogFilter::Nothing => None,
        }
    }

    pub fn passes(self, level: LoggingLevel) -> bool {
        match self {
            LogFilter::From(wanted) => passes(level, wanted),
            LogFilter::Nothing => false,
        }
    }
}

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
    fn a_stateless_request_gets_log_messages_only_at_the_level_it_names() {
        let meta = |json: serde_json::Value| -> RequestMetaObject {
            serde_json::from_value(json).unwrap()
        };
        let unnamed =
            meta(serde_json::json!({"io.modelcontextprotocol/protocolVersion": "2026-07-28"}));
        let filter = LogFilter::of_request(&unnamed, Some(LoggingLevel::Debug));
        assert_eq!(filter, LogFilter::Nothing);
        assert!(!filter.passes(LoggingLevel::Emergency));
        assert_eq!(filter.least_severe(), None);

        let named = meta(serde_json::json!({
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/logLevel": "warning"
        }));
        let filter = LogFilter::of_request(&named, None);
        assert!(filter.passes(LoggingLevel::Error) && !filter.passes(LoggingLevel::Info));
        assert_eq!(filter.least_severe(), Some(LoggingLevel::Warning));

        // A session-era request (no revision in `_meta`) keeps its session's level.
        let session = LogFilter::of_request(&meta(serde_json::json!({})), None);
        assert!(session.passes(LoggingLevel::Debug));
        assert_eq!(session.least_severe(), Some(LoggingLevel::Debug));
        let session =
            LogFilter::of_request(&meta(serde_json::json!({})), Some(LoggingLevel::Error));
        assert!(!session.passes(LoggingLevel::Info));
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
