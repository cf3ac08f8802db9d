//! Anthropic Messages ⇄ OpenAI chat completions: requests, responses and event streams.

use std::borrow::Cow;
use std::collections::HashMap;

use bytes::{Bytes, BytesMut};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use crate::json::JsonObject;

use super::chat_stream::{BlockKind, BlockOp, ChatBlocks};
use super::{
    ClientTools, ConvertError, EventConverter, EventSink, ObjectOnly, PIVOT_THINKING_BUDGET,
    PIVOT_TOP_K, ResponseMeta, StreamEvent, Usage, as_object, budget_for_effort, chat_max_tokens,
    chat_text, chat_thinking_budget, chat_top_k, data_url, effort_for_budget, finish_chat_request,
    parse_arguments, parse_data_url, stop_list, str_field, system_texts, upstream_name,
};

/// Anthropic requires `max_tokens`; chat does not. Used when the chat client sets none.
const DEFAULT_MAX_TOKENS: u64 = 4096;
/// The smallest thinking budget Anthropic accepts.
const MIN_THINKING_BUDGET: i64 = 1024;

// ------------------------------------------------------------------ requests

/// An Anthropic Messages request as a chat completions request.
pub fn messages_request_to_chat(request: &Value) -> Result<Value, ConvertError> {
    let mut chat = messages_request_to_pivot(request, &mut ClientTools::default())?;
    finish_chat_request(&mut chat);
    Ok(chat)
}

pub(super) fn messages_request_to_pivot(
    request: &Value,
    tools: &mut ClientTools,
) -> Result<Value, ConvertError> {
    as_object(request, "request body")?;
    let object = JsonObject::from_value(request)
        .map_err(|error| ConvertError::InvalidRequest(error.to_string()))?;
    let pivot = messages_object_to_pivot(&object, tools)?;
    serde_json::from_slice(&pivot.to_bytes())
        .map_err(|error| ConvertError::InvalidRequest(error.to_string()))
}

/// A turn read in place: its role and its content as the client wrote it.
#[derive(Deserialize)]
struct TurnView<'a> {
    #[serde(default, rename = "\u{0}")]
    _object: ObjectOnly,
    #[serde(borrow)]
    role: Option<Cow<'a, str>>,
    #[serde(borrow)]
    content: Option<&'a RawValue>,
}

/// The pivot chat request for a Messages request held as raw top-level fields. Fields that
/// pass through unchanged (model, sampling, limits) and text turns are copied as the client
/// wrote them; only structured parts (content blocks, tools, thinking, tool choice) are parsed.
/// The caller resolves duplicate top-level keys first (see [`JsonObject::has_duplicate_keys`]).
pub(crate) fn messages_object_to_pivot(
    request: &JsonObject,
    client_tools: &mut ClientTools,
) -> Result<JsonObject, ConvertError> {
    let mut chat = JsonObject::default();
    if let Some(model) = request.get_bytes("model") {
        chat.set_trusted("model", model);
    }
    let turns = request
        .get("messages")
        .filter(|raw| raw.starts_with('['))
        .ok_or_else(|| ConvertError::InvalidRequest("messages must be an array".into()))?;
    let mut messages = MessageList::with_capacity(turns.len());
    match field_value(request, "system")? {
        Some(Value::String(text)) if !text.is_empty() => {
            messages.push_value(&json!({"role": "system", "content": text}));
        }
        Some(Value::Array(blocks)) if !blocks.is_empty() => {
            let parts: Vec<Value> = blocks
                .iter()
                .filter_map(|b| str_field(b, "text"))
                .map(|text| json!({"type": "text", "text": text}))
                .collect();
            messages.push_value(&json!({"role": "system", "content": parts}));
        }
        _ => {}
    }
    let invalid = |error: serde_json::Error| ConvertError::InvalidRequest(error.to_string());
    match serde_json::from_str::<Vec<TurnView<'_>>>(turns) {
        Ok(turns) => {
            for turn in turns {
                let role = turn.role.as_deref();
                // The common turn, text in a string, is copied as it is.
                if let (Some(role @ ("user" | "assistant")), Some(text)) = (role, turn.content)
                    && text.get().starts_with('"')
                {
                    messages.push_text_turn(role, text.get());
                    continue;
                }
                let content = turn
                    .content
                    .map(|raw| serde_json::from_str::<Value>(raw.get()))
                    .transpose()
                    .map_err(invalid)?;
                turn_to_chat(role, content.as_ref(), &mut messages)?;
            }
        }
        // A turn that is not an object, or a role that is not a string: read as values, which
        // reports it the usual way.
        Err(_) => {
            let turns: Vec<Value> = serde_json::from_str(turns)
                .map_err(|_| ConvertError::InvalidRequest("messages must be an array".into()))?;
            for turn in &turns {
                turn_to_chat(str_field(turn, "role"), turn.get("content"), &mut messages)?;
            }
        }
    }
    chat.set_trusted("messages", messages.finish());
    if let Some(max_tokens) = request.get_bytes("max_tokens") {
        chat.set_trusted("max_tokens", max_tokens);
    }
    if let Some(stops) = request
        .get_bytes("stop_sequences")
        .filter(|s| s.starts_with(b"["))
    {
        chat.set_trusted("stop", stops);
    }
    for key in ["temperature", "top_p"] {
        if let Some(value) = request.get_bytes(key) {
            chat.set_trusted(key, value);
        }
    }
    if let Some(top_k) = request.get_bytes("top_k") {
        chat.set_trusted(PIVOT_TOP_K, top_k);
    }
    if request.get("stream") == Some("true") {
        chat.set_trusted("stream", Bytes::from_static(b"true"));
        chat.set_trusted(
            "stream_options",
            Bytes::from_static(br#"{"include_usage":true}"#),
        );
    }
    if let Some(metadata) = field_value(request, "metadata")?
        && let Some(user) = str_field(&metadata, "user_id")
    {
        set_value(&mut chat, "user", &json!(chat_user(user)))?;
    }
    match field_value(request, "thinking")? {
        Some(thinking) if str_field(&thinking, "type") == Some("enabled") => {
            let budget = thinking
                .get("budget_tokens")
                .and_then(Value::as_i64)
                .unwrap_or(MIN_THINKING_BUDGET);
            if let Some(effort) = effort_for_budget(budget) {
                set_value(&mut chat, "reasoning_effort", &json!(effort))?;
            }
            set_value(&mut chat, PIVOT_THINKING_BUDGET, &json!(budget))?;
        }
        Some(thinking) if str_field(&thinking, "type") == Some("adaptive") => {
            set_value(&mut chat, "reasoning_effort", &json!("medium"))?;
        }
        _ => {}
    }
    if let Some(config) = field_value(request, "output_config")? {
        output_config_to_chat(&config, &mut chat)?;
    }
    if let Some(tools) = request.get("tools").filter(|raw| raw.starts_with('['))
        && let Some(functions) = tools_to_chat(tools, client_tools)?
    {
        chat.set_trusted("tools", functions);
    }
    // The MCP connector runs on Anthropic's servers: its tools are left out like server tools.
    if request.get("mcp_servers").is_some_and(|raw| raw != "null") {
        client_tools.drop_tool("mcp_servers");
    }
    // A `null` tool choice still counts as present, as it does in a parsed body. A choice
    // among tools that were all left out would name tools the channel never saw.
    let has_tools = chat.get("tools").is_some();
    if let Some(raw) = request
        .get("tool_choice")
        .filter(|_| has_tools || client_tools.dropped().is_empty())
    {
        let choice: Value = serde_json::from_str(raw)
            .map_err(|error| ConvertError::InvalidRequest(error.to_string()))?;
        let chat_choice = match str_field(&choice, "type") {
            Some("auto") => Some(json!("auto")),
            Some("any") => Some(json!("required")),
            Some("none") => Some(json!("none")),
            // A named server tool was left out: the model chooses among the others.
            Some("tool") if names_dropped_tool(&chat, &choice, client_tools) => Some(json!("auto")),
            Some("tool") => Some(json!({"type": "function",
                "function": {"name": choice.get("name").cloned().unwrap_or_default()}})),
            _ => None,
        };
        if let Some(chat_choice) = chat_choice {
            set_value(&mut chat, "tool_choice", &chat_choice)?;
        }
        if choice
            .get("disable_parallel_tool_use")
            .and_then(Value::as_bool)
            == Some(true)
        {
            chat.set_trusted("parallel_tool_calls", Bytes::from_static(b"false"));
        }
    }
    Ok(chat)
}

/// Whether a tool choice names a tool that is not among the chat functions while tools were
/// left out (a choice of an unknown tool without any left out stays the client's error).
fn names_dropped_tool(chat: &JsonObject, choice: &Value, client_tools: &ClientTools) -> bool {
    if client_tools.dropped().is_empty() {
        return false;
    }
    let functions = chat
        .get_as::<Vec<Value>>("tools")
        .ok()
        .flatten()
        .unwrap_or_default();
    !functions
        .iter()
        .any(|function| function.pointer("/function/name") == choice.get("name"))
}

/// Anthropic `output_config`: `effort` becomes the chat `reasoning_effort` (Anthropic's `max`
/// is the highest level every chat server knows, `high`) and a JSON-schema `format` the chat
/// `response_format`.
fn output_config_to_chat(config: &Value, chat: &mut JsonObject) -> Result<(), ConvertError> {
    let effort = match str_field(config, "effort") {
        Some(effort @ ("low" | "medium" | "high")) => Some(effort),
        Some("max") => Some("high"),
        _ => None,
    };
    if let Some(effort) = effort {
        set_value(chat, "reasoning_effort", &json!(effort))?;
    }
    if let Some(format) = config.get("format")
        && str_field(format, "type") == Some("json_schema")
        && let Some(schema) = format.get("schema")
    {
        set_value(
            chat,
            "response_format",
            &json!({"type": "json_schema",
                "json_schema": {"name": "output", "schema": schema, "strict": true}}),
        )?;
    }
    Ok(())
}

/// A tool definition read in place.
#[derive(Deserialize)]
struct ToolView<'a> {
    #[serde(default, rename = "\u{0}")]
    _object: ObjectOnly,
    #[serde(borrow, rename = "type")]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "raw_present")]
    name: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "raw_present")]
    description: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "raw_present")]
    input_schema: Option<&'a RawValue>,
}

/// A field's raw text, `null` included (a present `null` is copied like any value).
fn raw_present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(deserializer).map(Some)
}

/// The chat `tools` for an Anthropic `tools` array; `None` when it has none. Names,
/// descriptions and schemas are copied as the client wrote them.
/// Typed tools (server tools such as `web_search_20250305`, and Anthropic-defined client
/// tools) are left out and noted in `client_tools`.
fn tools_to_chat(
    tools: &str,
    client_tools: &mut ClientTools,
) -> Result<Option<Bytes>, ConvertError> {
    let Ok(views) = serde_json::from_str::<Vec<ToolView<'_>>>(tools) else {
        // A tool of unexpected shape: read as values, with the same outcome.
        let tools: Vec<Value> = serde_json::from_str(tools)
            .map_err(|error| ConvertError::InvalidRequest(error.to_string()))?;
        let mut functions = Vec::with_capacity(tools.len());
        for tool in tools {
            if let Some(kind) = str_field(&tool, "type").filter(|kind| *kind != "custom") {
                client_tools.drop_tool(kind);
                continue;
            }
            let mut function = Map::new();
            function.insert("name".into(), tool.get("name").cloned().unwrap_or_default());
            if let Some(description) = tool.get("description") {
                function.insert("description".into(), description.clone());
            }
            function.insert(
                "parameters".into(),
                tool.get("input_schema")
                    .cloned()
                    .unwrap_or_else(|| json!({"type": "object", "properties": {}})),
            );
            functions.push(json!({"type": "function", "function": function}));
        }
        if functions.is_empty() {
            return Ok(None);
        }
        let json = serde_json::to_vec(&functions)
            .map_err(|error| ConvertError::InvalidRequest(error.to_string()))?;
        return Ok(Some(Bytes::from(json)));
    };
    let mut json = Vec::with_capacity(tools.len() + 64 * views.len());
    json.push(b'[');
    for tool in &views {
        if let Some(kind) = tool.kind.as_deref().filter(|kind| *kind != "custom") {
            client_tools.drop_tool(kind);
            continue;
        }
        if json.len() > 1 {
            json.push(b',');
        }
        // Keys in the order a `Value` writes them.
        json.extend_from_slice(br#"{"function":{"#);
        if let Some(description) = tool.description {
            json.extend_from_slice(br#""description":"#);
            json.extend_from_slice(description.get().as_bytes());
            json.push(b',');
        }
        json.extend_from_slice(br#""name":"#);
        json.extend_from_slice(tool.name.map_or("null", RawValue::get).as_bytes());
        json.extend_from_slice(br#","parameters":"#);
        let parameters = tool
            .input_schema
            .map_or(r#"{"properties":{},"type":"object"}"#, RawValue::get);
        json.extend_from_slice(parameters.as_bytes());
        json.extend_from_slice(br#"},"type":"function"}"#);
    }
    if json.len() == 1 {
        return Ok(None);
    }
    json.push(b']');
    Ok(Some(Bytes::from(json)))
}

fn turn_to_chat(
    role: Option<&str>,
    content: Option<&Value>,
    messages: &mut MessageList,
) -> Result<(), ConvertError> {
    match role {
        Some("user") => {
            let mut converted = Vec::new();
            user_turn_to_chat(content, &mut converted)?;
            for message in &converted {
                messages.push_value(message);
            }
        }
        Some("assistant") => messages.push_value(&assistant_turn_to_chat(content)?),
        // Claude Code puts system turns among the messages (the SDKs' system message param):
        // chat has the same role, kept at its place.
        Some("system") => {
            let parts: Vec<Value> = match content {
                Some(content) => super::system_texts(content)
                    .map(|text| json!({"type": "text", "text": text}))
                    .collect(),
                None => Vec::new(),
            };
            match parts.as_slice() {
                [] => {}
                [only] => messages.push_value(&json!({"role": "system", "content": only["text"]})),
                _ => messages.push_value(&json!({"role": "system", "content": parts})),
            }
        }
        other => {
            return Err(ConvertError::InvalidRequest(format!(
                "unknown message role {}",
                other.unwrap_or("(none)")
            )));
        }
    }
    Ok(())
}

/// A top-level field parsed; `None` when it is absent or `null`.
fn field_value(request: &JsonObject, key: &str) -> Result<Option<Value>, ConvertError> {
    request
        .get_as::<Value>(key)
        .map_err(|error| ConvertError::InvalidRequest(error.to_string()))
}

fn set_value(chat: &mut JsonObject, key: &str, value: &Value) -> Result<(), ConvertError> {
    chat.set(key, value)
        .map_err(|error| ConvertError::InvalidRequest(error.to_string()))
}

/// The chat `messages` array, written as it is built.
struct MessageList {
    json: Vec<u8>,
}

impl MessageList {
    fn with_capacity(capacity: usize) -> MessageList {
        let mut json = Vec::with_capacity(capacity + 256);
        json.push(b'[');
        MessageList { json }
    }

    fn separate(&mut self) {
        if self.json.len() > 1 {
            self.json.push(b',');
        }
    }

    fn push_value(&mut self, message: &Value) {
        self.separate();
        // Writing a `Value` into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.json, message);
    }

    /// `{"role": role, "content": text}` with `text` the client's raw JSON string.
    fn push_text_turn(&mut self, role: &str, text: &str) {
        self.separate();
        self.json.extend_from_slice(br#"{"role":""#);
        self.json.extend_from_slice(role.as_bytes());
        self.json.extend_from_slice(br#"","content":"#);
        self.json.extend_from_slice(text.as_bytes());
        self.json.push(b'}');
    }

    fn finish(mut self) -> Bytes {
        self.json.push(b']');
        Bytes::from(self.json)
    }
}

/// A user turn: its tool results become `tool` messages (first, as chat wants them right after
/// the assistant's calls), the rest one `user` message.
fn user_turn_to_chat(
    content: Option<&Value>,
    messages: &mut Vec<Value>,
) -> Result<(), ConvertError> {
    let blocks = match content {
        Some(Value::String(text)) => {
            messages.push(json!({"role": "user", "content": text}));
            return Ok(());
        }
        Some(Value::Array(blocks)) => blocks,
        _ => {
            return Err(ConvertError::InvalidRequest(
                "message content is missing".into(),
            ));
        }
    };
    let mut parts = Vec::new();
    for block in blocks {
        match str_field(block, "type") {
            Some("tool_result") => {
                let id = str_field(block, "tool_use_id").unwrap_or_default();
                let text = match block.get("content") {
                    Some(Value::String(text)) => text.clone(),
                    Some(Value::Array(inner)) => {
                        let mut texts = Vec::new();
                        for item in inner {
                            if str_field(item, "type") == Some("text") {
                                texts.push(str_field(item, "text").unwrap_or_default());
                            } else {
                                // Chat tool messages hold text only: other content follows
                                // in the user message.
                                parts.push(block_to_chat_part(item)?);
                            }
                        }
                        texts.join("\n")
                    }
                    _ => String::new(),
                };
                messages.push(json!({"role": "tool", "tool_call_id": id, "content": text}));
            }
            _ => parts.push(block_to_chat_part(block)?),
        }
    }
    if !parts.is_empty() {
        messages.push(json!({"role": "user", "content": parts}));
    }
    Ok(())
}

fn block_to_chat_part(block: &Value) -> Result<Value, ConvertError> {
    let kind = str_field(block, "type").unwrap_or_default();
    let source = block.get("source");
    let source_kind = source.and_then(|s| str_field(s, "type"));
    match (kind, source_kind) {
        ("text", _) => {
            Ok(json!({"type": "text", "text": str_field(block, "text").unwrap_or_default()}))
        }
        ("image", Some("base64")) => {
            let source = source.unwrap_or(&Value::Null);
            Ok(json!({"type": "image_url", "image_url": {"url": data_url(
                str_field(source, "media_type").unwrap_or("image/png"),
                str_field(source, "data").unwrap_or_default(),
            )}}))
        }
        ("image", Some("url")) => Ok(json!({"type": "image_url", "image_url": {
            "url": source.and_then(|s| str_field(s, "url")).unwrap_or_default()}})),
        ("document", Some("base64")) => {
            let source = source.unwrap_or(&Value::Null);
            let mime = str_field(source, "media_type").unwrap_or("application/pdf");
            Ok(json!({"type": "file", "file": {
                "filename": str_field(block, "title").unwrap_or("document.pdf"),
                "file_data": data_url(mime, str_field(source, "data").unwrap_or_default()),
            }}))
        }
        ("document", Some("text")) => Ok(json!({"type": "text",
            "text": source.and_then(|s| str_field(s, "data")).unwrap_or_default()})),
        _ => Err(ConvertError::Unsupported(format!(
            "anthropic content block {kind}{} cannot be served by this channel",
            source_kind
                .map(|s| format!(" with source {s}"))
                .unwrap_or_default()
        ))),
    }
}

/// A block recording a server tool's call or result (`server_tool_use`,
/// `web_search_tool_result`, `mcp_tool_use`, ...).
fn is_server_tool_block(kind: &str) -> bool {
    matches!(kind, "server_tool_use" | "mcp_tool_use")
        || (kind.ends_with("_tool_result") && kind != "tool_result")
}

fn assistant_turn_to_chat(content: Option<&Value>) -> Result<Value, ConvertError> {
    let blocks = match content {
        Some(Value::String(text)) => return Ok(json!({"role": "assistant", "content": text})),
        Some(Value::Array(blocks)) => blocks,
        _ => {
            return Err(ConvertError::InvalidRequest(
                "message content is missing".into(),
            ));
        }
    };
    let mut text = String::new();
    let mut calls = Vec::new();
    for block in blocks {
        match str_field(block, "type") {
            Some("text") => text.push_str(str_field(block, "text").unwrap_or_default()),
            Some("tool_use") => {
                let input = block.get("input").cloned().unwrap_or_else(|| json!({}));
                calls.push(json!({
                    "id": str_field(block, "id").unwrap_or_default(),
                    "type": "function",
                    "function": {
                        "name": str_field(block, "name").unwrap_or_default(),
                        "arguments": input.to_string(),
                    },
                }));
            }
            // Signed thinking only means something to Anthropic itself, and so do the calls
            // and results of tools Anthropic ran (server tools are left out of the request).
            Some("thinking" | "redacted_thinking") => {}
            Some(kind) if is_server_tool_block(kind) => {}
            other => {
                return Err(ConvertError::Unsupported(format!(
                    "anthropic content block {} in an assistant turn cannot be served by this channel",
                    other.unwrap_or("(untyped)")
                )));
            }
        }
    }
    let mut message = Map::new();
    message.insert("role".into(), json!("assistant"));
    message.insert(
        "content".into(),
        if text.is_empty() && !calls.is_empty() {
            Value::Null
        } else {
            json!(text)
        },
    );
    if !calls.is_empty() {
        message.insert("tool_calls".into(), Value::Array(calls));
    }
    Ok(Value::Object(message))
}

/// A chat completions request as an Anthropic Messages request.
pub fn chat_request_to_messages(chat: &Value) -> Result<Value, ConvertError> {
    let fields = as_object(chat, "request body")?;
    if fields.get("n").and_then(Value::as_u64).unwrap_or(1) > 1 {
        return Err(ConvertError::Unsupported(
            "n greater than 1 cannot be served by an anthropic channel".into(),
        ));
    }
    if let Some(modalities) = fields.get("modalities").and_then(Value::as_array)
        && modalities.iter().any(|m| m.as_str() == Some("audio"))
    {
        return Err(ConvertError::Unsupported(
            "audio output cannot be served by an anthropic channel".into(),
        ));
    }
    let mut out = Map::new();
    if let Some(model) = fields.get("model") {
        out.insert("model".into(), model.clone());
    }
    let mut system = Vec::new();
    let mut turns: Vec<(String, Vec<Value>)> = Vec::new();
    let messages = fields
        .get("messages")
        .and_then(Value::as_array)
        .ok_or_else(|| ConvertError::InvalidRequest("messages must be an array".into()))?;
    for message in messages {
        let role = str_field(message, "role").unwrap_or_default();
        let content = message.get("content").unwrap_or(&Value::Null);
        let (turn_role, blocks) = match role {
            "system" | "developer" => {
                system.extend(
                    system_texts(content).map(|text| json!({"type": "text", "text": text})),
                );
                continue;
            }
            "user" => ("user", chat_content_to_blocks(content)?),
            "assistant" => ("assistant", chat_assistant_to_blocks(message)?),
            "tool" => {
                let text = chat_text(content);
                let block = json!({
                    "type": "tool_result",
                    "tool_use_id": str_field(message, "tool_call_id").unwrap_or_default(),
                    "content": text,
                });
                ("user", vec![block])
            }
            other => {
                return Err(ConvertError::Unsupported(format!(
                    "chat message role {other} cannot be served by an anthropic channel"
                )));
            }
        };
        if blocks.is_empty() {
            continue;
        }
        // Anthropic wants alternating turns: consecutive same-role messages become one.
        match turns.last_mut() {
            Some((last, existing)) if last == turn_role => existing.extend(blocks),
            _ => turns.push((turn_role.to_owned(), blocks)),
        }
    }
    if !system.is_empty() {
        let system = if system.len() == 1 {
            system[0].get("text").cloned().unwrap_or_default()
        } else {
            Value::Array(system)
        };
        out.insert("system".into(), system);
    }
    out.insert(
        "messages".into(),
        Value::Array(
            turns
                .into_iter()
                .map(|(role, content)| json!({"role": role, "content": content}))
                .collect(),
        ),
    );
    let max_tokens = chat_max_tokens(chat).unwrap_or(DEFAULT_MAX_TOKENS);
    out.insert("max_tokens".into(), json!(max_tokens));
    let stops = fields.get("stop").map(stop_list).unwrap_or_default();
    if !stops.is_empty() {
        out.insert("stop_sequences".into(), Value::Array(stops));
    }
    // Anthropic refuses thinking together with a forced tool choice; the explicit tool choice
    // wins. The budget must stay below max_tokens: a budget that does not fit gets half of it.
    let forced_tool = match fields.get("tool_choice") {
        Some(Value::String(mode)) => mode == "required",
        Some(Value::Object(_)) => true,
        _ => false,
    };
    // With thinking on, Anthropic wants the signed thinking that preceded tool calls back; a
    // chat client that cannot return it (streams carry no signatures) gets no thinking on that
    // turn rather than an error.
    let unsigned_tool_turn = fields
        .get("messages")
        .and_then(Value::as_array)
        .and_then(|messages| {
            messages
                .iter()
                .rev()
                .find(|m| str_field(m, "role") == Some("assistant"))
        })
        .is_some_and(|last| {
            let has_calls = last
                .get("tool_calls")
                .and_then(Value::as_array)
                .is_some_and(|calls| !calls.is_empty());
            let signed = last
                .get("thinking_blocks")
                .and_then(Value::as_array)
                .is_some_and(|blocks| blocks.iter().any(|b| b.get("signature").is_some()));
            has_calls && !signed
        });
    let budget = chat_thinking_budget(chat)
        .filter(|b| *b != 0 && !forced_tool && !unsigned_tool_turn)
        .map(|b| {
            if b < 0 {
                budget_for_effort("medium").unwrap_or(8192)
            } else {
                b
            }
        })
        .map(|b| {
            if b >= max_tokens as i64 {
                max_tokens as i64 / 2
            } else {
                b
            }
        })
        .filter(|b| *b >= MIN_THINKING_BUDGET);
    if let Some(budget) = budget {
        out.insert(
            "thinking".into(),
            json!({"type": "enabled", "budget_tokens": budget}),
        );
        // Anthropic rejects sampling changes while thinking, and top_p below 0.95.
        if let Some(top_p) = fields
            .get("top_p")
            .filter(|p| p.as_f64().is_some_and(|p| p >= 0.95))
        {
            out.insert("top_p".into(), top_p.clone());
        }
    } else {
        for key in ["temperature", "top_p"] {
            if let Some(value) = fields.get(key).filter(|v| !v.is_null()) {
                out.insert(key.into(), value.clone());
            }
        }
        if let Some(top_k) = chat_top_k(chat) {
            out.insert("top_k".into(), top_k.clone());
        }
    }
    if fields.get("stream").and_then(Value::as_bool) == Some(true) {
        out.insert("stream".into(), json!(true));
    }
    if let Some(user) = str_field(chat, "user") {
        out.insert("metadata".into(), json!({"user_id": user}));
    }
    if let Some(tools) = fields.get("tools").and_then(Value::as_array) {
        let mut converted = Vec::with_capacity(tools.len());
        for tool in tools {
            let kind = str_field(tool, "type").unwrap_or("function");
            if kind != "function" {
                return Err(ConvertError::Unsupported(format!(
                    "chat tool type {kind} cannot be served by an anthropic channel"
                )));
            }
            let function = tool.get("function").unwrap_or(&Value::Null);
            let mut out_tool = Map::new();
            out_tool.insert(
                "name".into(),
                function.get("name").cloned().unwrap_or_default(),
            );
            if let Some(description) = function.get("description") {
                out_tool.insert("description".into(), description.clone());
            }
            out_tool.insert(
                "input_schema".into(),
                function
                    .get("parameters")
                    .cloned()
                    .unwrap_or_else(|| json!({"type": "object", "properties": {}})),
            );
            converted.push(Value::Object(out_tool));
        }
        if !converted.is_empty() {
            out.insert("tools".into(), Value::Array(converted));
        }
    }
    let mut choice = match fields.get("tool_choice") {
        Some(Value::String(mode)) => match mode.as_str() {
            "none" => Some(json!({"type": "none"})),
            "required" => Some(json!({"type": "any"})),
            _ => Some(json!({"type": "auto"})),
        },
        Some(named @ Value::Object(_)) => Some(json!({"type": "tool",
            "name": named.pointer("/function/name").cloned().unwrap_or_default()})),
        _ => None,
    };
    if fields.get("parallel_tool_calls").and_then(Value::as_bool) == Some(false)
        && out.contains_key("tools")
    {
        let choice = choice.get_or_insert_with(|| json!({"type": "auto"}));
        if str_field(choice, "type") != Some("none") {
            choice["disable_parallel_tool_use"] = json!(true);
        }
    }
    if let Some(choice) = choice {
        out.insert("tool_choice".into(), choice);
    }
    Ok(Value::Object(out))
}

fn chat_content_to_blocks(content: &Value) -> Result<Vec<Value>, ConvertError> {
    let parts = match content {
        Value::String(text) if text.is_empty() => return Ok(Vec::new()),
        Value::String(text) => return Ok(vec![json!({"type": "text", "text": text})]),
        Value::Array(parts) => parts,
        Value::Null => return Ok(Vec::new()),
        _ => {
            return Err(ConvertError::InvalidRequest(
                "message content must be a string or an array".into(),
            ));
        }
    };
    let mut blocks = Vec::with_capacity(parts.len());
    for part in parts {
        match str_field(part, "type") {
            Some("text") => {
                let text = str_field(part, "text").unwrap_or_default();
                if !text.is_empty() {
                    blocks.push(json!({"type": "text", "text": text}));
                }
            }
            Some("image_url") => {
                let url = part
                    .get("image_url")
                    .and_then(|i| str_field(i, "url").or_else(|| i.as_str()))
                    .unwrap_or_default();
                let source = match parse_data_url(url) {
                    Some((mime, data)) => {
                        json!({"type": "base64", "media_type": mime, "data": data})
                    }
                    None => json!({"type": "url", "url": url}),
                };
                blocks.push(json!({"type": "image", "source": source}));
            }
            Some("file") => {
                let file = part.get("file").unwrap_or(&Value::Null);
                let Some((mime, data)) = str_field(file, "file_data").and_then(parse_data_url)
                else {
                    return Err(ConvertError::Unsupported(
                        "file parts without inline file_data cannot be served by an anthropic channel".into(),
                    ));
                };
                blocks.push(json!({"type": "document",
                    "source": {"type": "base64", "media_type": mime, "data": data}}));
            }
            Some("input_audio") => {
                return Err(ConvertError::Unsupported(
                    "audio input cannot be served by an anthropic channel".into(),
                ));
            }
            other => {
                return Err(ConvertError::Unsupported(format!(
                    "chat content part {} cannot be served by an anthropic channel",
                    other.unwrap_or("(untyped)")
                )));
            }
        }
    }
    Ok(blocks)
}

fn chat_assistant_to_blocks(message: &Value) -> Result<Vec<Value>, ConvertError> {
    let mut blocks = Vec::new();
    // Signed thinking a chat client kept from an earlier Anthropic answer goes back first.
    if let Some(thinking) = message.get("thinking_blocks").and_then(Value::as_array) {
        blocks.extend(
            thinking
                .iter()
                .filter(|b| b.get("signature").is_some() || b.get("data").is_some())
                .cloned(),
        );
    }
    let text = chat_text(message.get("content").unwrap_or(&Value::Null));
    if !text.is_empty() {
        blocks.push(json!({"type": "text", "text": text}));
    }
    if let Some(calls) = message.get("tool_calls").and_then(Value::as_array) {
        for call in calls {
            let function = call.get("function").unwrap_or(&Value::Null);
            let arguments = str_field(function, "arguments").unwrap_or_default();
            let input = parse_arguments(arguments).map_err(ConvertError::InvalidRequest)?;
            blocks.push(json!({
                "type": "tool_use",
                "id": str_field(call, "id").unwrap_or_default(),
                "name": str_field(function, "name").unwrap_or_default(),
                "input": input,
            }));
        }
    }
    Ok(blocks)
}

// ------------------------------------------------------------------ responses

fn stop_reason_to_finish(reason: Option<&str>) -> Value {
    match reason {
        Some("max_tokens" | "model_context_window_exceeded") => json!("length"),
        Some("tool_use") => json!("tool_calls"),
        Some("refusal") => json!("content_filter"),
        Some(_) => json!("stop"),
        None => Value::Null,
    }
}

fn finish_to_stop_reason(reason: Option<&str>) -> &'static str {
    match reason {
        Some("length") => "max_tokens",
        Some("tool_calls" | "function_call") => "tool_use",
        Some("content_filter") => "refusal",
        _ => "end_turn",
    }
}

/// An Anthropic Messages response as a chat completion.
pub fn messages_response_to_chat(
    response: &Value,
    meta: &ResponseMeta,
) -> Result<Value, ConvertError> {
    let content = response
        .get("content")
        .and_then(Value::as_array)
        .ok_or_else(|| ConvertError::InvalidResponse("anthropic message has no content".into()))?;
    let mut text = String::new();
    let mut reasoning = String::new();
    let mut signed = Vec::new();
    let mut calls = Vec::new();
    for block in content {
        match str_field(block, "type") {
            Some("text") => text.push_str(str_field(block, "text").unwrap_or_default()),
            Some("thinking") => {
                reasoning.push_str(str_field(block, "thinking").unwrap_or_default());
                signed.push(block.clone());
            }
            Some("redacted_thinking") => signed.push(block.clone()),
            Some("tool_use") => calls.push(json!({
                "id": str_field(block, "id").unwrap_or_default(),
                "type": "function",
                "function": {
                    "name": str_field(block, "name").unwrap_or_default(),
                    "arguments": block.get("input").cloned().unwrap_or_else(|| json!({})).to_string(),
                },
            })),
            _ => {}
        }
    }
    let mut message = Map::new();
    message.insert("role".into(), json!("assistant"));
    message.insert(
        "content".into(),
        if text.is_empty() && !calls.is_empty() {
            Value::Null
        } else {
            json!(text)
        },
    );
    if !reasoning.is_empty() {
        message.insert("reasoning_content".into(), json!(reasoning));
    }
    if !signed.is_empty() {
        message.insert("thinking_blocks".into(), Value::Array(signed));
    }
    if !calls.is_empty() {
        message.insert("tool_calls".into(), Value::Array(calls));
    }
    let usage = Usage::from_messages(response.get("usage").unwrap_or(&Value::Null));
    Ok(json!({
        "id": str_field(response, "id").unwrap_or_default(),
        "object": "chat.completion",
        "created": meta.created,
        "model": str_field(response, "model").unwrap_or(&meta.model),
        "choices": [{
            "index": 0,
            "message": message,
            "logprobs": null,
            "finish_reason": stop_reason_to_finish(str_field(response, "stop_reason")),
        }],
        "usage": usage.to_chat(),
    }))
}

/// A chat completion as an Anthropic Messages response.
pub fn chat_response_to_messages(chat: &Value) -> Result<Value, ConvertError> {
    let choice = chat
        .get("choices")
        .and_then(Value::as_array)
        .and_then(|c| c.first())
        .ok_or_else(|| ConvertError::InvalidResponse("chat completion has no choices".into()))?;
    let message = choice.get("message").unwrap_or(&Value::Null);
    let mut content = Vec::new();
    match message.get("thinking_blocks").and_then(Value::as_array) {
        Some(blocks) if !blocks.is_empty() => content.extend(blocks.iter().cloned()),
        _ => {
            let reasoning = str_field(message, "reasoning_content")
                .or_else(|| str_field(message, "reasoning"))
                .unwrap_or_default();
            if !reasoning.is_empty() {
                content.push(json!({"type": "thinking", "thinking": reasoning, "signature": ""}));
            }
        }
    }
    let text = chat_text(message.get("content").unwrap_or(&Value::Null));
    if !text.is_empty() {
        content.push(json!({"type": "text", "text": text}));
    }
    if let Some(refusal) = str_field(message, "refusal").filter(|r| !r.is_empty()) {
        content.push(json!({"type": "text", "text": refusal}));
    }
    if let Some(calls) = message.get("tool_calls").and_then(Value::as_array) {
        for call in calls {
            let function = call.get("function").unwrap_or(&Value::Null);
            let input = parse_arguments(str_field(function, "arguments").unwrap_or_default())
                .map_err(ConvertError::InvalidResponse)?;
            content.push(json!({
                "type": "tool_use",
                "id": str_field(call, "id").unwrap_or_default(),
                "name": str_field(function, "name").unwrap_or_default(),
                "input": input,
            }));
        }
    }
    let usage = Usage::from_chat(chat.get("usage").unwrap_or(&Value::Null));
    Ok(json!({
        "id": str_field(chat, "id").unwrap_or_default(),
        "type": "message",
        "role": "assistant",
        "model": str_field(chat, "model").unwrap_or_default(),
        "content": content,
        "stop_reason": finish_to_stop_reason(str_field(choice, "finish_reason")),
        "stop_sequence": null,
        "usage": usage.to_messages(),
    }))
}

// ------------------------------------------------------------------ streams

/// Chat completion chunks in, Anthropic Messages stream events out.
#[derive(Debug, Default)]
pub struct ChatToMessagesStream {
    blocks: ChatBlocks,
    ops: Vec<BlockOp>,
    started: bool,
    /// Index of the next content block, and the kind of the open one.
    next_index: u64,
    open: Option<BlockKind>,
    done: bool,
}

/// A `content_block_delta` event, the one sent per token: written without a `Value`, its
/// keys in the order a `Value` would write them.
#[derive(Serialize)]
struct BlockDelta<'a> {
    delta: DeltaBody<'a>,
    index: u64,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// The other events of every stream, written the same way.
#[derive(Serialize)]
struct MessageStart<'a> {
    message: StartedMessage<'a>,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct StartedMessage<'a> {
    content: [(); 0],
    id: &'a str,
    model: &'a str,
    role: &'static str,
    stop_reason: Option<()>,
    stop_sequence: Option<()>,
    #[serde(rename = "type")]
    kind: &'static str,
    usage: NoTokens,
}

#[derive(Serialize)]
struct NoTokens {
    input_tokens: u64,
    output_tokens: u64,
}

/// `ping` and `message_stop`: a type and nothing else.
#[derive(Serialize)]
struct Bare {
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
struct BlockStart<'a> {
    content_block: StartedBlock<'a>,
    index: u64,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(untagged)]
enum StartedBlock<'a> {
    Thinking {
        signature: &'static str,
        thinking: &'static str,
        #[serde(rename = "type")]
        kind: &'static str,
    },
    Text {
        text: &'static str,
        #[serde(rename = "type")]
        kind: &'static str,
    },
    Tool {
        id: &'a str,
        input: Empty,
        name: &'a str,
        #[serde(rename = "type")]
        kind: &'static str,
    },
}

#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
struct BlockStop {
    index: u64,
    #[serde(rename = "type")]
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(untagged)]
enum DeltaBody<'a> {
    Json {
        partial_json: &'a str,
        #[serde(rename = "type")]
        kind: &'static str,
    },
    Text {
        text: &'a str,
        #[serde(rename = "type")]
        kind: &'static str,
    },
    Thinking {
        thinking: &'a str,
        #[serde(rename = "type")]
        kind: &'static str,
    },
}

impl ChatToMessagesStream {
    pub fn new() -> ChatToMessagesStream {
        ChatToMessagesStream::default()
    }

    fn start(&mut self, out: &mut EventSink<'_>) {
        if self.started {
            return;
        }
        self.started = true;
        out.json(
            Some("message_start"),
            &MessageStart {
                message: StartedMessage {
                    content: [],
                    id: &self.blocks.id,
                    model: &self.blocks.model,
                    role: "assistant",
                    stop_reason: None,
                    stop_sequence: None,
                    kind: "message",
                    usage: NoTokens {
                        input_tokens: 0,
                        output_tokens: 0,
                    },
                },
                kind: "message_start",
            },
        );
        // Anthropic's own streams carry a ping near the start; some clients wait for one.
        out.json(Some("ping"), &Bare { kind: "ping" });
    }

    fn emit_ops(&mut self, out: &mut EventSink<'_>) {
        for op in std::mem::take(&mut self.ops) {
            match op {
                BlockOp::Start(kind) => {
                    let block = match &kind {
                        BlockKind::Thinking => StartedBlock::Thinking {
                            signature: "",
                            thinking: "",
                            kind: "thinking",
                        },
                        BlockKind::Text => StartedBlock::Text {
                            text: "",
                            kind: "text",
                        },
                        BlockKind::Tool { id, name } => StartedBlock::Tool {
                            id,
                            input: Empty {},
                            name,
                            kind: "tool_use",
                        },
                    };
                    out.json(
                        Some("content_block_start"),
                        &BlockStart {
                            content_block: block,
                            index: self.next_index,
                            kind: "content_block_start",
                        },
                    );
                    self.open = Some(kind);
                }
                BlockOp::Delta(text) => {
                    let delta = match self.open {
                        Some(BlockKind::Thinking) => DeltaBody::Thinking {
                            thinking: &text,
                            kind: "thinking_delta",
                        },
                        Some(BlockKind::Text) => DeltaBody::Text {
                            text: &text,
                            kind: "text_delta",
                        },
                        Some(BlockKind::Tool { .. }) => DeltaBody::Json {
                            partial_json: &text,
                            kind: "input_json_delta",
                        },
                        None => continue,
                    };
                    out.json(
                        Some("content_block_delta"),
                        &BlockDelta {
                            delta,
                            index: self.next_index,
                            kind: "content_block_delta",
                        },
                    );
                }
                BlockOp::Stop => {
                    out.json(
                        Some("content_block_stop"),
                        &BlockStop {
                            index: self.next_index,
                            kind: "content_block_stop",
                        },
                    );
                    self.open = None;
                    self.next_index += 1;
                }
            }
        }
    }

    fn end(&mut self, out: &mut EventSink<'_>) {
        self.done = true;
        let usage = self.blocks.usage.unwrap_or_default();
        out.json(
            Some("message_delta"),
            &json!({"type": "message_delta",
            "delta": {"stop_reason": finish_to_stop_reason(self.blocks.finish_reason.as_deref()),
                "stop_sequence": null},
            "usage": usage.to_messages()}),
        );
        out.json(
            Some("message_stop"),
            &Bare {
                kind: "message_stop",
            },
        );
    }

    fn fail(&mut self, kind: &str, message: &str, out: &mut EventSink<'_>) {
        self.done = true;
        out.json(
            Some("error"),
            &json!({"type": "error", "error": {"type": kind, "message": message}}),
        );
    }

    /// The client events for what the last chunk changed.
    fn after_chunk(&mut self, out: &mut EventSink<'_>) {
        if let Some(error) = self.blocks.error.take() {
            let message = str_field(&error, "message")
                .unwrap_or("upstream error")
                .to_owned();
            // An Anthropic error type that came through the pivot keeps its meaning.
            const KNOWN: [&str; 5] = [
                "overloaded_error",
                "rate_limit_error",
                "api_error",
                "invalid_request_error",
                "timeout_error",
            ];
            let kind = str_field(&error, "type")
                .filter(|kind| KNOWN.contains(kind))
                .unwrap_or("api_error");
            return self.fail(kind, &message, out);
        }
        self.start(out);
        self.emit_ops(out);
        // Usage follows the finish reason in its own chunk when the upstream reports it.
        if self.blocks.finish_reason.is_some() && self.blocks.usage.is_some() {
            self.end(out);
        }
    }

    fn read_text(&mut self, data: &str, out: &mut EventSink<'_>) {
        if self.done {
            return;
        }
        if self.blocks.push_text(data, &mut self.ops) {
            self.after_chunk(out);
        }
    }

    fn close(&mut self, out: &mut EventSink<'_>) {
        if self.done {
            return;
        }
        if self.blocks.finish_reason.is_some() {
            self.start(out);
            self.end(out);
        } else {
            self.fail(
                "api_error",
                "upstream stream ended before the response was complete",
                out,
            );
        }
    }
}

impl EventConverter for ChatToMessagesStream {
    fn push(&mut self, chunk: &Value, out: &mut Vec<StreamEvent>) {
        if self.done {
            return;
        }
        self.blocks.push(chunk, &mut self.ops);
        self.after_chunk(&mut EventSink::Events(out));
    }

    fn push_text(&mut self, data: &str, out: &mut Vec<StreamEvent>) {
        self.read_text(data, &mut EventSink::Events(out));
    }

    fn push_sse(&mut self, data: &str, out: &mut BytesMut) {
        self.read_text(data, &mut EventSink::Sse(out));
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        self.close(&mut EventSink::Events(out));
    }

    fn finish_sse(&mut self, out: &mut BytesMut) {
        self.close(&mut EventSink::Sse(out));
    }
}

/// Anthropic Messages stream events in, chat completion chunks out.
#[derive(Debug)]
pub struct MessagesToChatStream {
    meta: ResponseMeta,
    id: String,
    model: String,
    usage: Usage,
    /// Content block index → chat tool call index.
    tool_index: HashMap<u64, u64>,
    finish_reason: Option<Value>,
    done: bool,
}

impl MessagesToChatStream {
    pub fn new(meta: ResponseMeta) -> MessagesToChatStream {
        MessagesToChatStream {
            model: meta.model.clone(),
            meta,
            id: String::new(),
            usage: Usage::default(),
            tool_index: HashMap::new(),
            finish_reason: None,
            done: false,
        }
    }

    fn chunk(&self, delta: Value, finish_reason: Value) -> StreamEvent {
        StreamEvent::Json {
            event: None,
            data: json!({
                "id": self.id,
                "object": "chat.completion.chunk",
                "created": self.meta.created,
                "model": self.model,
                "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish_reason}],
            }),
        }
    }

    fn fail(&mut self, message: &str, kind: &str, out: &mut Vec<StreamEvent>) {
        self.done = true;
        out.push(StreamEvent::Json {
            event: None,
            data: json!({"error": {"message": message, "type": kind, "param": null, "code": null}}),
        });
        out.push(StreamEvent::Done);
    }
}

impl EventConverter for MessagesToChatStream {
    fn push(&mut self, event: &Value, out: &mut Vec<StreamEvent>) {
        if self.done {
            return;
        }
        match str_field(event, "type") {
            Some("message_start") => {
                let message = event.get("message").unwrap_or(&Value::Null);
                self.id = upstream_name(str_field(message, "id").unwrap_or_default());
                if let Some(model) = str_field(message, "model") {
                    self.model = upstream_name(model);
                }
                self.usage = Usage::from_messages(message.get("usage").unwrap_or(&Value::Null));
                out.push(self.chunk(json!({"role": "assistant", "content": ""}), Value::Null));
            }
            Some("content_block_start") => {
                let block = event.get("content_block").unwrap_or(&Value::Null);
                if str_field(block, "type") == Some("tool_use") {
                    let index = event.get("index").and_then(Value::as_u64).unwrap_or(0);
                    let tool = self.tool_index.len() as u64;
                    self.tool_index.insert(index, tool);
                    // A block may start with its input already known (an empty object otherwise).
                    let input = block
                        .get("input")
                        .filter(|i| i.as_object().is_some_and(|o| !o.is_empty()))
                        .map(Value::to_string)
                        .unwrap_or_default();
                    out.push(self.chunk(
                        json!({"tool_calls": [{"index": tool,
                        "id": str_field(block, "id").unwrap_or_default(), "type": "function",
                        "function": {"name": str_field(block, "name").unwrap_or_default(),
                            "arguments": input}}]}),
                        Value::Null,
                    ));
                }
            }
            Some("content_block_delta") => {
                let delta = event.get("delta").unwrap_or(&Value::Null);
                let chat_delta = match str_field(delta, "type") {
                    Some("text_delta") => {
                        json!({"content": str_field(delta, "text").unwrap_or_default()})
                    }
                    Some("thinking_delta") => {
                        json!({"reasoning_content": str_field(delta, "thinking").unwrap_or_default()})
                    }
                    Some("input_json_delta") => {
                        let partial = str_field(delta, "partial_json").unwrap_or_default();
                        let index = event.get("index").and_then(Value::as_u64).unwrap_or(0);
                        let Some(tool) = self.tool_index.get(&index) else {
                            return;
                        };
                        if partial.is_empty() {
                            return;
                        }
                        json!({"tool_calls": [{"index": tool, "function": {"arguments": partial}}]})
                    }
                    _ => return,
                };
                out.push(self.chunk(chat_delta, Value::Null));
            }
            Some("message_delta") => {
                if let Some(usage) = event.get("usage") {
                    // Later counts replace earlier ones; fields absent here keep their values.
                    let update = Usage::from_messages(usage);
                    if usage.get("output_tokens").is_some() {
                        self.usage.output = update.output;
                    }
                    if usage.get("input_tokens").is_some() {
                        self.usage = Usage {
                            output: self.usage.output,
                            ..update
                        };
                    }
                }
                let reason = stop_reason_to_finish(
                    event.get("delta").and_then(|d| str_field(d, "stop_reason")),
                );
                self.finish_reason = Some(reason.clone());
                out.push(self.chunk(json!({}), reason));
            }
            Some("message_stop") => {
                self.done = true;
                out.push(StreamEvent::Json {
                    event: None,
                    data: json!({"id": self.id, "object": "chat.completion.chunk",
                        "created": self.meta.created, "model": self.model, "choices": [],
                        "usage": self.usage.to_chat()}),
                });
                out.push(StreamEvent::Done);
            }
            Some("error") => {
                let error = event.get("error").unwrap_or(&Value::Null);
                let message = str_field(error, "message")
                    .unwrap_or("upstream error")
                    .to_owned();
                let kind = str_field(error, "type").unwrap_or("api_error").to_owned();
                self.fail(&message, &kind, out);
            }
            _ => {}
        }
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        if !self.done {
            self.fail(
                "upstream stream ended before the response was complete",
                "upstream_error",
                out,
            );
        }
    }
}

/// The longest `user` sent on: OpenAI-compatible servers bound it (OpenRouter refuses more than
/// 128 characters) and Claude Code's `metadata.user_id` is a JSON object of about 150.
const MAX_CHAT_USER: usize = 64;

/// A client's user id as the chat `user`: a longer one as its SHA-256 in hex, so the same end
/// user is still one stable id the upstream accepts.
fn chat_user(user_id: &str) -> String {
    use sha2::{Digest, Sha256};
    use std::fmt::Write;
    if user_id.len() <= MAX_CHAT_USER {
        return user_id.to_owned();
    }
    Sha256::digest(user_id.as_bytes())
        .iter()
        .fold(String::with_capacity(64), |mut out, byte| {
            let _ = write!(out, "{byte:02x}");
            out
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thinking_for(last_assistant: Value) -> Option<Value> {
        let chat = json!({"model": "m", "reasoning_effort": "low", "max_tokens": 8000, "messages": [
            {"role": "user", "content": "weather?"},
            last_assistant,
            {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
        ]});
        chat_request_to_messages(&chat)
            .unwrap()
            .get("thinking")
            .cloned()
    }

    #[test]
    fn turns_read_in_place_keep_the_parsed_rules() {
        // Serde would read a struct from an array of its fields; a turn must be an object.
        for turns in [
            json!([["user", "hi"]]),
            json!([{"role": 1, "content": "hi"}]),
        ] {
            let request = json!({"model": "m", "max_tokens": 5, "messages": turns});
            let error = messages_request_to_chat(&request).unwrap_err();
            assert_eq!(
                error.to_string(),
                "invalid request: unknown message role (none)"
            );
        }
        let request = json!({"model": "m", "messages": [{"role": "user", "content": null}]});
        assert!(messages_request_to_chat(&request).is_err());
        let tools = json!([{"name": "a", "description": null},
            {"name": "b", "type": "custom", "input_schema": {"type": "object"}}]);
        let request = json!({"model": "m", "messages": [], "tools": tools});
        assert_eq!(
            messages_request_to_chat(&request).unwrap()["tools"],
            json!([{"type": "function", "function": {"name": "a", "description": null,
                "parameters": {"type": "object", "properties": {}}}},
                {"type": "function", "function": {"name": "b", "parameters": {"type": "object"}}}])
        );
        // A server tool is left out, read in place or as values; a tool that is not an object
        // is read as values and becomes a function without a name, which the channel refuses.
        for (tools, expected) in [
            (json!([{"name": "w", "type": "web_search_20250305"}]), None),
            (
                json!([{"name": "w", "type": "web_search_20250305"}, 7]),
                Some(json!([{"type": "function", "function": {"name": null,
                    "parameters": {"type": "object", "properties": {}}}}])),
            ),
        ] {
            let request = json!({"model": "m", "messages": [], "tools": tools});
            let chat = messages_request_to_chat(&request).unwrap();
            assert_eq!(chat.get("tools").cloned(), expected);
        }
        let request = json!({"model": "m", "stream": true, "temperature": null, "messages": [
            {"role": "user", "content": "a \"quoted\" \u{e9}"},
            {"role": "assistant", "content": [{"type": "text", "text": "b"}]}]});
        assert_eq!(
            messages_request_to_chat(&request).unwrap(),
            json!({"model": "m", "stream": true, "temperature": null,
                "stream_options": {"include_usage": true}, "messages": [
                {"role": "user", "content": "a \"quoted\" \u{e9}"},
                {"role": "assistant", "content": "b"}]})
        );
    }

    #[test]
    fn events_written_as_sse_are_the_events_framed() {
        let chunks = [
            json!({"id": "c", "model": "m", "choices": [{"index": 0, "delta": {"role": "assistant", "reasoning_content": "hm\"m"}}]}),
            json!({"id": "c", "choices": [{"index": 0, "delta": {"content": "h\u{e9}llo \n"}}]}),
            json!({"id": "c", "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "t", "type": "function", "function": {"name": "f", "arguments": "{\"a\":"}}]}}]}),
            json!({"id": "c", "choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": "1}"}}]}, "finish_reason": "tool_calls"}]}),
            json!({"id": "c", "choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 4, "prompt_tokens_details": {"cached_tokens": 2}}}),
        ];
        for cut in [false, true] {
            let mut parsed = ChatToMessagesStream::new();
            let mut written = ChatToMessagesStream::new();
            let (mut events, mut bytes) = (Vec::new(), BytesMut::new());
            let sent = if cut { &chunks[..2] } else { &chunks[..] };
            for chunk in sent {
                parsed.push(chunk, &mut events);
                written.push_sse(&chunk.to_string(), &mut bytes);
            }
            parsed.finish(&mut events);
            written.finish_sse(&mut bytes);
            let framed: Vec<u8> = events.iter().flat_map(|e| e.to_bytes()).collect();
            assert!(events.len() > 4, "{events:?}");
            assert_eq!(
                String::from_utf8(bytes.to_vec()).unwrap(),
                String::from_utf8(framed).unwrap()
            );
        }
    }

    #[test]
    fn thinking_needs_the_signed_thinking_of_the_last_tool_turn() {
        let call = json!([{"id": "c1", "type": "function",
            "function": {"name": "weather", "arguments": "{}"}}]);
        assert_eq!(
            thinking_for(json!({"role": "assistant", "content": null, "tool_calls": call})),
            None
        );
        let signed = json!({"role": "assistant", "content": null, "tool_calls": call,
            "thinking_blocks": [{"type": "thinking", "thinking": "t", "signature": "s"}]});
        assert_eq!(
            thinking_for(signed),
            Some(json!({"type": "enabled", "budget_tokens": 2048}))
        );
        assert_eq!(
            thinking_for(json!({"role": "assistant", "content": "plain answer"})),
            Some(json!({"type": "enabled", "budget_tokens": 2048}))
        );
    }
}
