//! The patch plugin: declarative request rewrite rules (conditions on fields; set, delete, limit, rename) and built-in fixes upstreams are known to need.
//!
//! Configuration:
//! ```json
//! {"builtin": true,
//!  "rules": [{"when": [{"field": "model", "op": "prefix", "value": "deepseek-"}],
//!             "ops": [{"op": "limit", "field": "max_tokens", "max": 8192},
//!                     {"op": "delete", "field": "logprobs"}]}]}
//! ```
//! Fields are dot paths into the JSON body (`response_format.type`); `model` falls back to the
//! requested model when the body names none (Gemini). Condition ops: `exists`, `absent`,
//! `equals`, `not_equals`, `prefix`, `contains`, `gt`, `lt`; a rule applies when all its
//! conditions hold. Built-in fix (on unless `"builtin": false`): OpenAI's reasoning models (`o1`,
//! `o3`, `o4`, `gpt-5` families) refuse `max_tokens`, so on chat completions it becomes
//! `max_completion_tokens`.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Answer, Exchange, Plugin, PluginRequest, PluginServices, config};
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::Endpoint;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PatchConfig {
    #[serde(default = "yes")]
    builtin: bool,
    #[serde(default)]
    rules: Vec<Rule>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Rule {
    #[serde(default)]
    when: Vec<Condition>,
    ops: Vec<Operation>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Condition {
    field: String,
    op: Test,
    #[serde(default)]
    value: Value,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Test {
    Exists,
    Absent,
    Equals,
    NotEquals,
    Prefix,
    Contains,
    Gt,
    Lt,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum Operation {
    Set { field: String, value: Value },
    Delete { field: String },
    Limit { field: String, max: f64 },
    Rename { field: String, to: String },
}

pub(super) fn parse(value: &Value) -> Result<std::sync::Arc<dyn Plugin>, String> {
    let config: PatchConfig = config(value)?;
    for rule in &config.rules {
        if rule.ops.is_empty() {
            return Err("a rule needs at least one op".to_owned());
        }
        let fields = rule
            .when
            .iter()
            .map(|condition| condition.field.as_str())
            .chain(rule.ops.iter().flat_map(|op| match op {
                Operation::Rename { field, to } => vec![field.as_str(), to.as_str()],
                Operation::Set { field, .. }
                | Operation::Delete { field }
                | Operation::Limit { field, .. } => vec![field.as_str()],
            }));
        for field in fields {
            if field.is_empty() || field.split('.').any(str::is_empty) {
                return Err(format!("field `{field}` is not a dot path"));
            }
        }
    }
    Ok(std::sync::Arc::new(config))
}

#[async_trait::async_trait]
impl Plugin for PatchConfig {
    async fn before(
        &self,
        _services: &PluginServices,
        request: &mut PluginRequest<'_>,
        _exchange: &mut Exchange,
    ) -> Result<Option<Answer>, RelayError> {
        let builtin = self.builtin
            && request.endpoint == Endpoint::ChatCompletions
            && is_reasoning_model(request.model);
        if !builtin && self.rules.is_empty() {
            return Ok(None);
        }
        let mut body = serde_json::from_slice::<Value>(&request.body.to_bytes())
            .map_err(|_| RelayError::Internal)?;
        let changed = apply(&self.rules, builtin, request.model, &mut body);
        if changed {
            let bytes = serde_json::to_vec(&body).map_err(|_| RelayError::Internal)?;
            *request.body =
                JsonObject::parse(bytes::Bytes::from(bytes)).map_err(|_| RelayError::Internal)?;
        }
        Ok(None)
    }
}

/// OpenAI's reasoning families, with or without a provider prefix (`openai/o3-mini`).
pub(crate) fn is_reasoning_model(model: &str) -> bool {
    let name = model
        .rsplit('/')
        .next()
        .unwrap_or(model)
        .to_ascii_lowercase();
    ["o1", "o3", "o4", "gpt-5"].iter().any(|family| {
        name.strip_prefix(family)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('-') || rest.starts_with('.'))
    })
}

/// Applies the built-in fix and the rules; true when the body changed.
pub(crate) fn apply(rules: &[Rule], builtin: bool, model: &str, body: &mut Value) -> bool {
    let mut changed = false;
    if builtin
        && let Some(object) = body.as_object_mut()
        && let Some(max_tokens) = object.remove("max_tokens")
    {
        changed = true;
        if !object.contains_key("max_completion_tokens") {
            object.insert("max_completion_tokens".to_owned(), max_tokens);
        }
    }
    for rule in rules {
        if rule
            .when
            .iter()
            .all(|condition| holds(condition, model, body))
        {
            for op in &rule.ops {
                changed |= operate(op, body);
            }
        }
    }
    changed
}

fn lookup<'a>(body: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(body, |value, key| value.get(key))
}

fn holds(condition: &Condition, model: &str, body: &Value) -> bool {
    let model_value = Value::String(model.to_owned());
    let found = lookup(body, &condition.field)
        .or_else(|| (condition.field == "model").then_some(&model_value))
        .filter(|value| !value.is_null());
    let number = |value: &Value| value.as_f64();
    match (condition.op, found) {
        (Test::Exists, found) => found.is_some(),
        (Test::Absent, found) => found.is_none(),
        (Test::Equals, Some(found)) => *found == condition.value,
        (Test::NotEquals, found) => found != Some(&condition.value),
        (Test::Prefix, Some(Value::String(text))) => condition
            .value
            .as_str()
            .is_some_and(|prefix| text.starts_with(prefix)),
        (Test::Contains, Some(Value::String(text))) => condition
            .value
            .as_str()
            .is_some_and(|part| text.contains(part)),
        (Test::Contains, Some(Value::Array(items))) => items.contains(&condition.value),
        (Test::Gt, Some(found)) => {
            matches!((number(found), number(&condition.value)), (Some(a), Some(b)) if a > b)
        }
        (Test::Lt, Some(found)) => {
            matches!((number(found), number(&condition.value)), (Some(a), Some(b)) if a < b)
        }
        _ => false,
    }
}

/// The object that holds the last segment of `path`, created on the way when `create`.
fn parent_mut<'a>(
    body: &'a mut Value,
    path: &'a str,
    create: bool,
) -> Option<(&'a mut Map<String, Value>, &'a str)> {
    let (parents, last) = match path.rsplit_once('.') {
        Some((parents, last)) => (Some(parents), last),
        None => (None, path),
    };
    let mut current = body;
    for key in parents.into_iter().flat_map(|parents| parents.split('.')) {
        let object = current.as_object_mut()?;
        if create && !object.get(key).is_some_and(Value::is_object) {
            object.insert(key.to_owned(), Value::Object(Map::new()));
        }
        current = object.get_mut(key)?;
    }
    current.as_object_mut().map(|object| (object, last))
}

fn operate(op: &Operation, body: &mut Value) -> bool {
    match op {
        Operation::Set { field, value } => match parent_mut(body, field, true) {
            Some((object, key)) => {
                object.insert(key.to_owned(), value.clone()).as_ref() != Some(value)
            }
            None => false,
        },
        Operation::Delete { field } => {
            parent_mut(body, field, false).is_some_and(|(object, key)| object.remove(key).is_some())
        }
        Operation::Limit { field, max } => {
            let Some((object, key)) = parent_mut(body, field, false) else {
                return false;
            };
            match object.get(key).and_then(Value::as_f64) {
                Some(current) if current > *max => {
                    let limited = if max.fract() == 0.0 && *max <= i64::MAX as f64 {
                        Value::from(*max as i64)
                    } else {
                        Value::from(*max)
                    };
                    object.insert(key.to_owned(), limited);
                    true
                }
                _ => false,
            }
        }
        Operation::Rename { field, to } => {
            let Some(value) =
                parent_mut(body, field, false).and_then(|(object, key)| object.remove(key))
            else {
                return false;
            };
            if let Some((object, key)) = parent_mut(body, to, true) {
                object.insert(key.to_owned(), value);
            }
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn check(config: Value, model: &str, body: Value, expected: Value) {
        let parsed: PatchConfig = serde_json::from_value(config.clone()).unwrap();
        let builtin = parsed.builtin && is_reasoning_model(model);
        let mut patched = body.clone();
        let changed = apply(&parsed.rules, builtin, model, &mut patched);
        assert_eq!(patched, expected, "config {config} body {body}");
        assert_eq!(changed, body != expected, "changed flag for {config}");
    }

    #[test]
    fn rules_table() {
        let limit = json!({"rules": [{"when": [{"field": "model", "op": "prefix", "value": "deepseek-"}],
            "ops": [{"op": "limit", "field": "max_tokens", "max": 8192}]}]});
        check(
            limit.clone(),
            "deepseek-chat",
            json!({"model": "deepseek-chat", "max_tokens": 10000}),
            json!({"model": "deepseek-chat", "max_tokens": 8192}),
        );
        check(
            limit.clone(),
            "deepseek-chat",
            json!({"model": "deepseek-chat", "max_tokens": 100}),
            json!({"model": "deepseek-chat", "max_tokens": 100}),
        );
        check(
            limit,
            "gpt-4o",
            json!({"model": "gpt-4o", "max_tokens": 10000}),
            json!({"model": "gpt-4o", "max_tokens": 10000}),
        );
        // The requested model stands in for a body without one (Gemini).
        check(
            json!({"rules": [{"when": [{"field": "model", "op": "equals", "value": "gemini-x"}],
            "ops": [{"op": "set", "field": "generationConfig.temperature", "value": 0}]}]}),
            "gemini-x",
            json!({"contents": []}),
            json!({"contents": [], "generationConfig": {"temperature": 0}}),
        );
        check(
            json!({"rules": [{"when": [{"field": "temperature", "op": "gt", "value": 1}],
            "ops": [{"op": "set", "field": "temperature", "value": 1}, {"op": "delete", "field": "top_p"}]}]}),
            "m",
            json!({"temperature": 1.5, "top_p": 0.9}),
            json!({"temperature": 1}),
        );
        check(
            json!({"rules": [{"when": [{"field": "stream_options", "op": "absent"}],
            "ops": [{"op": "rename", "field": "response_format.schema", "to": "response_format.json_schema"}]}]}),
            "m",
            json!({"response_format": {"schema": {"a": 1}}}),
            json!({"response_format": {"json_schema": {"a": 1}}}),
        );
        check(
            json!({"rules": [{"when": [{"field": "stop", "op": "contains", "value": "x"}, {"field": "n", "op": "exists"}],
            "ops": [{"op": "delete", "field": "n"}]}]}),
            "m",
            json!({"stop": ["x"], "n": 2}),
            json!({"stop": ["x"]}),
        );
        check(
            json!({"rules": [{"when": [{"field": "user", "op": "not_equals", "value": "a"}],
            "ops": [{"op": "set", "field": "user", "value": "a"}]}]}),
            "m",
            json!({"user": "a"}),
            json!({"user": "a"}),
        );
    }

    #[test]
    fn builtin_fix_for_reasoning_models() {
        check(
            json!({}),
            "o3-mini",
            json!({"max_tokens": 5}),
            json!({"max_completion_tokens": 5}),
        );
        check(
            json!({}),
            "openai/gpt-5",
            json!({"max_tokens": 5, "max_completion_tokens": 9}),
            json!({"max_completion_tokens": 9}),
        );
        check(
            json!({"builtin": false}),
            "o1",
            json!({"max_tokens": 5}),
            json!({"max_tokens": 5}),
        );
        check(
            json!({}),
            "gpt-4o",
            json!({"max_tokens": 5}),
            json!({"max_tokens": 5}),
        );
        for (model, reasoning) in [
            ("o1", true),
            ("o4-mini", true),
            ("gpt-5.1", true),
            ("gpt-5-nano", true),
            ("o10", false),
            ("gpt-50", false),
            ("gpt-4o", false),
            ("omni", false),
        ] {
            assert_eq!(is_reasoning_model(model), reasoning, "{model}");
        }
    }

    #[test]
    fn bad_rules_are_refused() {
        for config in [
            json!({"rules": [{"ops": []}]}),
            json!({"rules": [{"ops": [{"op": "set", "field": "a..b", "value": 1}]}]}),
            json!({"rules": [{"ops": [{"op": "explode", "field": "a"}]}]}),
            json!({"rules": [{"when": [{"field": "a", "op": "like"}], "ops": [{"op": "delete", "field": "a"}]}]}),
        ] {
            assert!(parse(&config).is_err(), "{config}");
        }
    }
}
