//! Client tools a converted channel cannot take as sent: built-in tools left out and named, others renamed with their calls mapped back.
//!
//! A converted channel only runs function tools. The clients' other tools fall in two groups:
//!
//! - Tools the client itself executes, only shaped differently: a Responses `namespace` (a
//!   container of functions, one chat function each, named `<namespace>__<name>`), the Responses
//!   `local_shell` tool (a `local_shell` function whose arguments are the exec action) and
//!   Responses `custom` freeform tools (a function with one string argument, `input`). Their
//!   calls go back to the client in the form it expects: a `function_call` with its
//!   `namespace`, a `local_shell_call`, a `custom_tool_call`.
//! - Tools the provider runs on its own servers (Responses `web_search`, `file_search`, ...,
//!   Anthropic server tools, Gemini `googleSearch`, ...): the channel cannot run them, so they
//!   are left out and named in [`ClientTools::dropped`]; the model answers without them. (The
//!   search tools never get here when the model has the web-search plugin: it answers them.)

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::str_field;

/// The response header that names the tools a converted channel did not receive.
pub const DROPPED_TOOLS_HEADER: &str = "x-aiproxy-dropped-tools";

/// The chat function standing for the Responses `local_shell` tool.
pub(super) const LOCAL_SHELL_FUNCTION: &str = "local_shell";

/// What a request conversion did to the client's tools, for the answer's way back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientTools {
    /// Tool types left out of the request, each once, in the order the client listed them.
    dropped: Vec<String>,
    /// Chat function names that stand for a client tool of another form.
    renamed: HashMap<String, ClientTool>,
}

/// The client's form of a tool that reached the channel as a chat function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientTool {
    /// A function of a Responses `namespace` tool.
    Namespaced { namespace: String, name: String },
    /// The Responses `local_shell` tool.
    LocalShell,
    /// A Responses `custom` (freeform) tool of this name.
    Custom,
}

impl ClientTools {
    /// Tool types the channel did not receive.
    pub fn dropped(&self) -> &[String] {
        &self.dropped
    }

    /// The value of [`DROPPED_TOOLS_HEADER`]; `None` when nothing was left out.
    pub fn dropped_header(&self) -> Option<String> {
        (!self.dropped.is_empty()).then(|| self.dropped.join(","))
    }

    /// Names the tools left out in the client's response headers ([`DROPPED_TOOLS_HEADER`]).
    pub fn name_dropped_in(&self, headers: &mut http::HeaderMap) {
        if let Some(value) = self
            .dropped_header()
            .and_then(|names| http::HeaderValue::from_str(&names).ok())
        {
            headers.insert(DROPPED_TOOLS_HEADER, value);
        }
    }

    /// The client's form of a chat function name; `None` for an ordinary function.
    pub fn client_tool(&self, chat_name: &str) -> Option<&ClientTool> {
        self.renamed.get(chat_name)
    }

    /// Notes a tool the channel cannot serve. Type names are the client's and bounded, so a
    /// request of many unknown tools cannot make the header large.
    pub(super) fn drop_tool(&mut self, kind: &str) {
        const MAX_NAME: usize = 64;
        const MAX_NAMES: usize = 16;
        let kind = crate::error::prefix_within(kind, MAX_NAME);
        let kind = if kind.is_empty() { "(untyped)" } else { kind };
        // Header values must be visible ASCII; anything else is replaced.
        let kind: String = kind
            .chars()
            .map(|c| {
                if c.is_ascii_graphic() && c != ',' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if self.dropped.len() < MAX_NAMES && !self.dropped.contains(&kind) {
            self.dropped.push(kind);
        }
    }

    /// Notes that a chat function stands for a client tool; the first tool of a name wins.
    pub(super) fn rename(&mut self, chat_name: &str, tool: ClientTool) -> bool {
        if self.renamed.contains_key(chat_name) {
            return false;
        }
        self.renamed.insert(chat_name.to_owned(), tool);
        true
    }

    /// Whether a call of this chat function goes back in a form whose arguments are not
    /// streamed as function-call deltas (the item is written once it is complete).
    pub(super) fn completes_at_once(&self, chat_name: &str) -> bool {
        matches!(
            self.client_tool(chat_name),
            Some(ClientTool::LocalShell | ClientTool::Custom)
        )
    }

    /// The Responses output item for a chat tool call: a `function_call` (with its
    /// `namespace` when it came from one), a `local_shell_call` or a `custom_tool_call`.
    pub(super) fn responses_call_item(
        &self,
        call_id: &str,
        chat_name: &str,
        arguments: &str,
        status: &str,
    ) -> Value {
        match self.client_tool(chat_name) {
            Some(ClientTool::LocalShell) => {
                let mut action = match serde_json::from_str::<Value>(arguments) {
                    Ok(Value::Object(fields)) => fields,
                    _ => Map::new(),
                };
                action.insert("type".into(), json!("exec"));
                if !action.get("command").is_some_and(Value::is_array) {
                    action.insert("command".into(), json!([]));
                }
                json!({"id": format!("lsc_{call_id}"), "type": "local_shell_call",
                    "status": status, "call_id": call_id, "action": action})
            }
            Some(ClientTool::Custom) => {
                let input = match serde_json::from_str::<Value>(arguments) {
                    Ok(fields) => match fields.get("input") {
                        Some(Value::String(text)) => text.clone(),
                        _ => arguments.to_owned(),
                    },
                    Err(_) => arguments.to_owned(),
                };
                json!({"id": format!("ctc_{call_id}"), "type": "custom_tool_call",
                    "status": status, "call_id": call_id, "name": chat_name, "input": input})
            }
            Some(ClientTool::Namespaced { namespace, name }) => {
                json!({"id": format!("fc_{call_id}"), "type": "function_call", "status": status,
                    "call_id": call_id, "name": name, "namespace": namespace,
                    "arguments": arguments})
            }
            None => json!({"id": format!("fc_{call_id}"), "type": "function_call",
                "status": status, "call_id": call_id, "name": chat_name, "arguments": arguments}),
        }
    }
}

/// The chat function name of a function inside a Responses namespace: Codex names MCP
/// namespaces `mcp__<server>__`, so the usual result is `mcp__<server>__<tool>`.
pub(super) fn namespaced_name(namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        name.to_owned()
    } else if namespace.ends_with('_') {
        format!("{namespace}{name}")
    } else {
        format!("{namespace}__{name}")
    }
}

/// The chat function for the Responses `local_shell` tool: its arguments are the fields of a
/// `local_shell_call` exec action.
pub(super) fn local_shell_function() -> Value {
    json!({"type": "function", "function": {
        "name": LOCAL_SHELL_FUNCTION,
        "description": "Runs a command on the user's machine and returns its output.",
        "parameters": {
            "type": "object",
            "properties": {
                "command": {"type": "array", "items": {"type": "string"},
                    "description": "The program and its arguments."},
                "working_directory": {"type": "string"},
                "timeout_ms": {"type": "integer"},
                "env": {"type": "object", "additionalProperties": {"type": "string"}},
                "user": {"type": "string"}
            },
            "required": ["command"]
        }
    }})
}

/// The chat function for a Responses `custom` tool: the free-form text becomes one string
/// argument, and a grammar the model must follow goes into the description.
pub(super) fn custom_function(tool: &Value) -> Value {
    let mut description = str_field(tool, "description")
        .unwrap_or_default()
        .to_owned();
    if let Some(format) = tool.get("format")
        && str_field(format, "type") == Some("grammar")
        && let Some(definition) = str_field(format, "definition")
    {
        let syntax = str_field(format, "syntax").unwrap_or("lark");
        description.push_str(&format!(
            "\n\nThe input must follow this {syntax} grammar:\n{definition}"
        ));
    }
    json!({"type": "function", "function": {
        "name": str_field(tool, "name").unwrap_or_default(),
        "description": description,
        "parameters": {
            "type": "object",
            "properties": {"input": {"type": "string", "description": "The tool's free-form input."}},
            "required": ["input"]
        }
    }})
}

/// Chat tool-call arguments for a `local_shell_call` history item: its exec action without the
/// type and the fields it leaves unset.
pub(super) fn local_shell_arguments(item: &Value) -> String {
    let mut action = item
        .get("action")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    action.remove("type");
    action.retain(|_, value| !value.is_null());
    Value::Object(action).to_string()
}

/// Chat tool-call arguments for a `custom_tool_call` history item.
pub(super) fn custom_arguments(item: &Value) -> String {
    json!({"input": str_field(item, "input").unwrap_or_default()}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_names_are_unique_bounded_and_header_safe() {
        let mut tools = ClientTools::default();
        tools.drop_tool("web_search");
        tools.drop_tool("web_search");
        tools.drop_tool("a,b\né");
        tools.drop_tool(&"x".repeat(500));
        for n in 0..100 {
            tools.drop_tool(&format!("t{n}"));
        }
        assert_eq!(tools.dropped().len(), 16);
        assert_eq!(tools.dropped()[0], "web_search");
        assert_eq!(tools.dropped()[1], "a_b__");
        assert_eq!(tools.dropped()[2].len(), 64);
        let header = tools.dropped_header().unwrap();
        assert!(http::HeaderValue::from_str(&header).is_ok());
        assert_eq!(ClientTools::default().dropped_header(), None);
    }

    #[test]
    fn namespaced_names_join_once() {
        assert_eq!(namespaced_name("mcp__fs__", "read"), "mcp__fs__read");
        assert_eq!(namespaced_name("mcp__fs", "read"), "mcp__fs__read");
        assert_eq!(namespaced_name("", "read"), "read");
    }

    #[test]
    fn calls_go_back_in_the_clients_form() {
        let mut tools = ClientTools::default();
        tools.rename(
            "mcp__fs__read",
            ClientTool::Namespaced {
                namespace: "mcp__fs__".into(),
                name: "read".into(),
            },
        );
        tools.rename(LOCAL_SHELL_FUNCTION, ClientTool::LocalShell);
        tools.rename("apply_patch", ClientTool::Custom);
        assert!(!tools.rename("apply_patch", ClientTool::LocalShell));

        let call = tools.responses_call_item("c1", "mcp__fs__read", r#"{"p":1}"#, "completed");
        assert_eq!(call["type"], "function_call");
        assert_eq!(call["name"], "read");
        assert_eq!(call["namespace"], "mcp__fs__");
        assert_eq!(call["arguments"], r#"{"p":1}"#);

        let shell = tools.responses_call_item(
            "c2",
            LOCAL_SHELL_FUNCTION,
            r#"{"command":["ls","-l"],"timeout_ms":1000}"#,
            "completed",
        );
        assert_eq!(
            shell,
            json!({"id": "lsc_c2", "type": "local_shell_call", "status": "completed",
                "call_id": "c2", "action": {"type": "exec", "command": ["ls", "-l"], "timeout_ms": 1000}})
        );
        let broken = tools.responses_call_item("c3", LOCAL_SHELL_FUNCTION, "{", "completed");
        assert_eq!(broken["action"], json!({"type": "exec", "command": []}));

        let patch =
            tools.responses_call_item("c4", "apply_patch", r#"{"input":"*** Begin"}"#, "completed");
        assert_eq!(patch["type"], "custom_tool_call");
        assert_eq!(patch["input"], "*** Begin");
        let raw = tools.responses_call_item("c5", "apply_patch", "not json", "completed");
        assert_eq!(raw["input"], "not json");

        let plain = tools.responses_call_item("c6", "other", "{}", "completed");
        assert_eq!(plain["name"], "other");
        assert!(plain.get("namespace").is_none());
        assert!(tools.completes_at_once("apply_patch"));
        assert!(!tools.completes_at_once("mcp__fs__read"));
    }
}
