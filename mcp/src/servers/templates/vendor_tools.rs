//! What the templates on vendors' REST APIs repeat around their calls: readers of the server's parameters and of a call's arguments, and tool results.

use std::collections::BTreeMap;
use std::time::Duration;

use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock, JsonObject};
use serde_json::Value;

use super::TemplateError;
use crate::tool_server::tool_error;

/// A vendor's answer as a tool result: its text, and its JSON as structured content when it is
/// a JSON object.
pub(crate) fn answer_result(text: String) -> CallToolResponse {
    let structured = serde_json::from_str::<Value>(&text)
        .ok()
        .filter(Value::is_object);
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    result.structured_content = structured;
    CallToolResponse::Complete(result)
}

/// A successful tool result holding `value` as indented JSON text.
pub(crate) fn json_result(value: &Value) -> CallToolResponse {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    CallToolResponse::Complete(CallToolResult::success(vec![ContentBlock::text(text)]))
}

/// A successful tool result holding `text`.
pub(crate) fn text_result(text: impl Into<String>) -> CallToolResponse {
    CallToolResponse::Complete(CallToolResult::success(vec![ContentBlock::text(text)]))
}

/// A tool error saying which operation failed and why.
pub(crate) fn failure(operation: &str, error: impl std::fmt::Display) -> CallToolResponse {
    tool_error(format!("{operation} failed: {error}"))
}

/// A parameter the template cannot start without, trimmed.
pub(crate) fn required_param(
    params: &BTreeMap<String, String>,
    name: &'static str,
) -> Result<String, TemplateError> {
    match params.get(name).map(|value| value.trim()) {
        Some(value) if !value.is_empty() => Ok(value.to_owned()),
        _ => Err(TemplateError::MissingParam(name)),
    }
}

/// An http(s) base URL parameter, `default` when unset.
pub(crate) fn url_param(
    params: &BTreeMap<String, String>,
    name: &'static str,
    default: &str,
) -> Result<String, TemplateError> {
    let value = match params.get(name).map(|value| value.trim()) {
        None | Some("") => return Ok(default.to_owned()),
        Some(value) => value,
    };
    match url::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {
            Ok(value.to_owned())
        }
        Ok(_) => Err(TemplateError::InvalidParam {
            name,
            reason: "expected an http or https URL".to_owned(),
        }),
        Err(error) => Err(TemplateError::InvalidParam {
            name,
            reason: error.to_string(),
        }),
    }
}

/// A timeout in whole seconds within `min..=max`, `default` when unset.
pub(crate) fn seconds_param(
    params: &BTreeMap<String, String>,
    name: &'static str,
    default: u64,
    (min, max): (u64, u64),
) -> Result<Duration, TemplateError> {
    let seconds = match params.get(name).map(|value| value.trim()) {
        None | Some("") => default,
        Some(value) => match value.parse::<u64>() {
            Ok(seconds) if (min..=max).contains(&seconds) => seconds,
            _ => {
                return Err(TemplateError::InvalidParam {
                    name,
                    reason: format!("expected whole seconds between {min} and {max}, got {value}"),
                });
            }
        },
    };
    Ok(Duration::from_secs(seconds))
}

/// A non-empty string argument, trimmed.
pub(crate) fn text_arg<'a>(arguments: &'a Option<JsonObject>, name: &str) -> Option<&'a str> {
    super::string_arg(arguments, name)
        .map(str::trim)
        .filter(|value| !value.is_empty())
}

/// A number argument, also accepted as a numeric string (models send both).
pub(crate) fn number_arg(arguments: &Option<JsonObject>, name: &str) -> Option<f64> {
    match arguments.as_ref()?.get(name)? {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// A boolean argument.
pub(crate) fn bool_arg(arguments: &Option<JsonObject>, name: &str) -> Option<bool> {
    arguments.as_ref()?.get(name)?.as_bool()
}

/// The strings of an array argument (non-strings skipped); empty when absent.
pub(crate) fn strings_arg(arguments: &Option<JsonObject>, name: &str) -> Vec<String> {
    arguments
        .as_ref()
        .and_then(|arguments| arguments.get(name))
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// A tool error for an argument the call must carry.
pub(crate) fn missing_arg(name: &str) -> CallToolResponse {
    tool_error(format!("{name} is required"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_checked() {
        let params = BTreeMap::from([
            ("key".to_owned(), "  k  ".to_owned()),
            ("base".to_owned(), "ftp://x".to_owned()),
            ("timeout".to_owned(), "500".to_owned()),
        ]);
        assert_eq!(required_param(&params, "key").unwrap(), "k");
        assert_eq!(
            required_param(&params, "other"),
            Err(TemplateError::MissingParam("other"))
        );
        assert!(url_param(&params, "base", "https://a").is_err());
        assert_eq!(
            url_param(&params, "unset", "https://a").unwrap(),
            "https://a"
        );
        assert!(seconds_param(&params, "timeout", 30, (1, 120)).is_err());
        assert_eq!(
            seconds_param(&params, "unset", 30, (1, 120)).unwrap(),
            Duration::from_secs(30)
        );
    }
}
