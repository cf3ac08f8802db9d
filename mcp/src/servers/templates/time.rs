//! The `time` template: the current time in an IANA zone and conversion of a wall-clock time between zones.
//!
//! Built on chrono-tz rather than jiff: chrono is already in the dependency tree through rmcp,
//! and chrono-tz compiles the IANA database in, so the answer does not depend on the host
//! having `/usr/share/zoneinfo` (slim containers often do not).

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Datelike, LocalResult, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, Tz};
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock, Tool};
use serde_json::json;

use super::{Catalogue, ParamOwner, TemplateError, TemplateInfo, TemplateParam, string_arg, tool};
use crate::tool_server::{ToolCall, ToolServer, tool_error};

pub(super) const INFO: TemplateInfo = TemplateInfo {
    name: "time",
    description: "Current time in any IANA time zone, and conversion between zones",
    params: &[TemplateParam {
        name: "local_timezone",
        description: "IANA zone used when a call names none (default UTC)",
        set_by: ParamOwner::Group,
        required: false,
    }],
    catalogue: Catalogue {
        description_zh: "任意 IANA 时区的当前时间，以及时区之间的换算",
        tags: &["time", "utility"],
        readme: "Two tools: `get_current_time` (the time now in a zone) and `convert_time` (a time of day from one zone to another). Zones are IANA names such as `Asia/Shanghai`; a group may set `local_timezone` as its default.",
        homepage: "https://github.com/modelcontextprotocol/servers/tree/main/src/time",
        ..Catalogue::named("Time", "时间")
    },
};

/// The registry's [`super::Start`] for this template.
pub(super) fn start(
    params: &BTreeMap<String, String>,
) -> Result<Arc<dyn ToolServer>, TemplateError> {
    Ok(Arc::new(TimeServer::new(params)?))
}

struct TimeServer {
    local: Tz,
}

impl TimeServer {
    pub fn new(params: &BTreeMap<String, String>) -> Result<Self, TemplateError> {
        let local = match params.get("local_timezone").map(|zone| zone.trim()) {
            None | Some("") => Tz::UTC,
            Some(zone) => zone.parse().map_err(|_| TemplateError::InvalidParam {
                name: "local_timezone",
                reason: format!("unknown time zone {zone}"),
            })?,
        };
        Ok(Self { local })
    }

    fn zone(&self, name: Option<&str>) -> Result<Tz, String> {
        match name.map(str::trim) {
            None | Some("") => Ok(self.local),
            Some(name) => name.parse().map_err(|_| {
                format!("unknown time zone {name}: use an IANA name such as Europe/Paris")
            }),
        }
    }

    fn current_time(&self, call: &ToolCall) -> Result<serde_json::Value, String> {
        let zone = self.zone(string_arg(&call.arguments, "timezone"))?;
        Ok(describe(&Utc::now().with_timezone(&zone)))
    }

    fn convert_time(&self, call: &ToolCall) -> Result<serde_json::Value, String> {
        let source = self.zone(string_arg(&call.arguments, "source_timezone"))?;
        let target = self.zone(string_arg(&call.arguments, "target_timezone"))?;
        let time = string_arg(&call.arguments, "time").ok_or("time is required (HH:MM)")?;
        let time = NaiveTime::parse_from_str(time.trim(), "%H:%M")
            .map_err(|_| format!("invalid time {time}: expected 24-hour HH:MM"))?;
        let today = Utc::now().with_timezone(&source).date_naive();
        let source_time = match source.from_local_datetime(&today.and_time(time)) {
            LocalResult::Single(at) => at,
            // A wall-clock time repeated by a DST change: the earlier instant, as clocks show it first.
            LocalResult::Ambiguous(earliest, _) => earliest,
            LocalResult::None => {
                return Err(format!(
                    "{time} does not exist in {source} today (skipped by a daylight saving change)"
                ));
            }
        };
        let target_time = source_time.with_timezone(&target);
        let difference_seconds = target_time.offset().fix().local_minus_utc()
            - source_time.offset().fix().local_minus_utc();
        let hours = f64::from(difference_seconds) / 3600.0;
        Ok(json!({
            "source": describe(&source_time),
            "target": describe(&target_time),
            "time_difference": format!("{hours:+}h"),
        }))
    }
}

fn describe(at: &DateTime<Tz>) -> serde_json::Value {
    json!({
        "timezone": at.timezone().name(),
        "datetime": at.to_rfc3339(),
        "utc_offset": at.offset().fix().to_string(),
        "day_of_week": at.weekday().to_string(),
        "is_dst": !at.offset().dst_offset().is_zero(),
    })
}

#[async_trait]
impl ToolServer for TimeServer {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        Ok(vec![
            tool(
                "get_current_time",
                "Current date and time in a time zone",
                json!({
                    "type": "object",
                    "properties": {
                        "timezone": {"type": "string", "description": "IANA time zone, e.g. Europe/Paris; the server's default when omitted"}
                    }
                }),
            ),
            tool(
                "convert_time",
                "Convert a wall-clock time today from one time zone to another",
                json!({
                    "type": "object",
                    "properties": {
                        "source_timezone": {"type": "string", "description": "IANA zone the time is in"},
                        "time": {"type": "string", "description": "24-hour time, HH:MM"},
                        "target_timezone": {"type": "string", "description": "IANA zone to convert to"}
                    },
                    "required": ["source_timezone", "time", "target_timezone"]
                }),
            ),
        ])
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        let answer = match call.name.as_str() {
            "get_current_time" => self.current_time(&call),
            "convert_time" => self.convert_time(&call),
            other => {
                return Err(ErrorData::invalid_params(
                    format!("unknown tool: {other}"),
                    None,
                ));
            }
        };
        Ok(match answer {
            Ok(value) => {
                let mut result =
                    CallToolResult::success(vec![ContentBlock::text(value.to_string())]);
                result.structured_content = Some(value);
                CallToolResponse::Complete(result)
            }
            Err(message) => tool_error(message),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(params: &[(&str, &str)], zone: Option<&str>, expected: Result<&str, ()>) {
        let params = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let server = TimeServer::new(&params).unwrap();
        match (server.zone(zone), expected) {
            (Ok(tz), Ok(name)) => assert_eq!(tz.name(), name),
            (Err(_), Err(())) => {}
            (got, want) => panic!("zone {zone:?}: got {got:?}, want {want:?}"),
        }
    }

    #[test]
    fn zones_resolve_from_argument_then_group_default() {
        check(&[], None, Ok("UTC"));
        check(&[("local_timezone", "Asia/Tokyo")], None, Ok("Asia/Tokyo"));
        check(
            &[("local_timezone", "Asia/Tokyo")],
            Some("Europe/Paris"),
            Ok("Europe/Paris"),
        );
        check(&[], Some("Mars/Olympus"), Err(()));
    }

    #[test]
    fn bad_group_default_is_refused() {
        let params = [("local_timezone".to_owned(), "Nowhere".to_owned())].into();
        assert!(matches!(
            TimeServer::new(&params),
            Err(TemplateError::InvalidParam { .. })
        ));
    }

    #[test]
    fn india_is_five_and_a_half_hours_ahead_of_utc() {
        let at = Utc
            .with_ymd_and_hms(2026, 1, 15, 12, 0, 0)
            .unwrap()
            .with_timezone(&chrono_tz::Asia::Kolkata);
        let described = describe(&at);
        assert_eq!(described["utc_offset"], "+05:30");
        assert_eq!(described["datetime"], "2026-01-15T17:30:00+05:30");
        assert_eq!(described["is_dst"], false);
    }
}
