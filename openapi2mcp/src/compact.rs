//! Compact mode: three generic tools that search, describe and call the operations, for documents with too many operations to list to a model.

use serde_json::{Map, Value, json};

use crate::api::{Api, ToolAnnotations, ToolDefinition, ToolOutcome};
use crate::error::CallError;

pub const SEARCH: &str = "search_operations";
pub const DESCRIBE: &str = "describe_operation";
pub const CALL: &str = "call_operation";

const DEFAULT_LIMIT: usize = 20;
const MAX_LIMIT: usize = 100;
/// Distinct words a search may have: each is matched against every operation, so the work
/// is words × operations, and the words are the caller's to choose.
pub const MAX_QUERY_WORDS: usize = 32;

pub(crate) fn tools() -> Vec<ToolDefinition> {
    let schema = |value: Value| match value {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let local = ToolAnnotations {
        read_only: true,
        destructive: false,
        idempotent: true,
        open_world: false,
    };
    vec![
        ToolDefinition {
            name: SEARCH.to_owned(),
            title: Some("Search API operations".to_owned()),
            description: Some(
                "Find API operations whose name, path, tags, summary or description contain the query words. \
                 Returns operation names to pass to describe_operation and call_operation."
                    .to_owned(),
            ),
            input_schema: schema(json!({
                "type": "object",
                "properties": {
                    "query": { "type": "string", "description": "Words to look for; empty lists every operation" },
                    "limit": { "type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT }
                }
            })),
            output_schema: None,
            annotations: local,
        },
        ToolDefinition {
            name: DESCRIBE.to_owned(),
            title: Some("Describe an API operation".to_owned()),
            description: Some("Show an operation's method, path, description and the JSON Schema of its arguments.".to_owned()),
            input_schema: schema(json!({
                "type": "object",
                "properties": { "operation": { "type": "string", "description": "Operation name from search_operations" } },
                "required": ["operation"]
            })),
            output_schema: None,
            annotations: local,
        },
        ToolDefinition {
            name: CALL.to_owned(),
            title: Some("Call an API operation".to_owned()),
            description: Some("Call an operation with arguments that follow the schema describe_operation shows.".to_owned()),
            input_schema: schema(json!({
                "type": "object",
                "properties": {
                    "operation": { "type": "string", "description": "Operation name from search_operations" },
                    "arguments": { "type": "object", "description": "Arguments for the operation" }
                },
                "required": ["operation"]
            })),
            output_schema: None,
            annotations: ToolAnnotations { read_only: false, destructive: true, idempotent: false, open_world: true },
        },
    ]
}

/// Answers `search_operations` and `describe_operation` without any HTTP; `None` for
/// every other tool.
pub(crate) fn local_call(
    api: &Api,
    tool: &str,
    arguments: &Map<String, Value>,
) -> Option<Result<ToolOutcome, CallError>> {
    if !api.is_compact() {
        return None;
    }
    match tool {
        SEARCH => Some(Ok(search(api, arguments))),
        DESCRIBE => Some(describe(api, arguments)),
        _ => None,
    }
}

fn search(api: &Api, arguments: &Map<String, Value>) -> ToolOutcome {
    let query = arguments
        .get("query")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_lowercase();
    let mut words: Vec<&str> = query.split_whitespace().collect();
    words.sort_unstable();
    words.dedup();
    if words.len() > MAX_QUERY_WORDS {
        return ToolOutcome {
            is_error: true,
            status: None,
            text: format!("the query has more than {MAX_QUERY_WORDS} distinct words"),
            structured: None,
        };
    }
    let limit = arguments
        .get("limit")
        .and_then(Value::as_u64)
        .map(|limit| (limit as usize).clamp(1, MAX_LIMIT))
        .unwrap_or(DEFAULT_LIMIT);
    let mut scored: Vec<(usize, usize)> = api
        .operations()
        .iter()
        .enumerate()
        .filter_map(|(index, operation)| {
            if words.is_empty() {
                return Some((0, index));
            }
            let tool = api.operation_tool(&operation.name);
            let haystack = format!(
                "{} {} {} {} {} {}",
                operation.name,
                operation.method,
                operation.path,
                operation.tags.join(" "),
                operation.summary.as_deref().unwrap_or(""),
                tool.and_then(|tool| tool.description.as_deref())
                    .unwrap_or("")
            )
            .to_lowercase();
            let score = words.iter().filter(|word| haystack.contains(*word)).count();
            (score > 0).then_some((score, index))
        })
        .collect();
    scored.sort_by(|left, right| right.0.cmp(&left.0).then(left.1.cmp(&right.1)));
    let total = scored.len();
    let operations: Vec<Value> = scored
        .into_iter()
        .take(limit)
        .filter_map(|(_, index)| api.operations().get(index))
        .map(|operation| {
            json!({
                "operation": operation.name,
                "method": operation.method.as_str(),
                "path": operation.path,
                "summary": operation.summary,
            })
        })
        .collect();
    let structured = json!({ "operations": operations, "total_matches": total });
    ToolOutcome {
        is_error: false,
        status: None,
        text: structured.to_string(),
        structured: Some(structured),
    }
}

fn describe(api: &Api, arguments: &Map<String, Value>) -> Result<ToolOutcome, CallError> {
    let name = arguments
        .get("operation")
        .and_then(Value::as_str)
        .ok_or_else(|| CallError::MissingArgument {
            name: "operation".to_owned(),
        })?;
    let (Some(operation), Some(tool)) = (api.operation(name), api.operation_tool(name)) else {
        return Err(CallError::UnknownTool(name.to_owned()));
    };
    let structured = json!({
        "operation": operation.name,
        "method": operation.method.as_str(),
        "path": operation.path,
        "description": tool.description,
        "input_schema": tool.input_schema,
        "output_schema": tool.output_schema,
        "read_only": tool.annotations.read_only,
        "destructive": tool.annotations.destructive,
    });
    Ok(ToolOutcome {
        is_error: false,
        status: None,
        text: structured.to_string(),
        structured: Some(structured),
    })
}
