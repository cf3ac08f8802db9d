//! The `everything` template's input-schema fixtures: JSON Schema 2020-12 keywords (SEP-1613, SEP-2106), an argument sent as a header (SEP-2243).
//!
//! The suite reads the first from `tools/list` and checks that its keywords arrive unchanged
//! (through a proxy too); it calls the second with `Mcp-Param-Region` headers the gateway must
//! check against the argument (see `crate::param_headers`).

use rmcp::model::{CallToolResponse, ContentBlock, Tool};
use serde_json::{Value, json};

use super::{simple, tool};
use crate::tool_server::ToolCall;

const JSON_SCHEMA_TOOL: &str = "json_schema_2020_12_tool";
const HEADER_TOOL: &str = "test_param_header";

pub(super) fn tools() -> Vec<Tool> {
    vec![
        tool(
            JSON_SCHEMA_TOOL,
            "Tool with JSON Schema 2020-12 features",
            json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "$defs": {
                    "address": {
                        "$anchor": "addressDef",
                        "type": "object",
                        "properties": {"street": {"type": "string"}, "city": {"type": "string"}}
                    }
                },
                "properties": {
                    "name": {"type": "string"},
                    "address": {"$ref": "#/$defs/address"},
                    "contactMethod": {"type": "string", "enum": ["phone", "email"]},
                    "phone": {"type": "string"},
                    "email": {"type": "string"}
                },
                "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
                "if": {
                    "properties": {"contactMethod": {"const": "phone"}},
                    "required": ["contactMethod"]
                },
                "then": {"required": ["phone"]},
                "else": {"required": ["email"]},
                "additionalProperties": false
            }),
        ),
        tool(
            HEADER_TOOL,
            "Echoes `region`, which a 2026-07-28 client also sends as the Mcp-Param-Region header",
            json!({
                "type": "object",
                "properties": {"region": {"type": "string", "x-mcp-header": "Region"}},
                "required": ["region"]
            }),
        ),
    ]
}

/// The answer to `call` when it names one of these tools.
pub(super) fn call(call: &ToolCall) -> Option<CallToolResponse> {
    let argument = |name: &str| {
        call.arguments
            .as_ref()
            .and_then(|arguments| arguments.get(name))
            .cloned()
            .unwrap_or(Value::Null)
    };
    match call.name.as_str() {
        JSON_SCHEMA_TOOL => Some(simple(vec![ContentBlock::text(format!(
            "contact: {} {}",
            argument("name"),
            argument("contactMethod")
        ))])),
        HEADER_TOOL => Some(simple(vec![ContentBlock::text(format!(
            "region: {}",
            argument("region").as_str().unwrap_or_default()
        ))])),
        _ => None,
    }
}
