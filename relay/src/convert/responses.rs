//! OpenAI Responses ⇄ OpenAI chat completions: requests, responses and event streams.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::chat_stream::{BlockKind, BlockOp, ChatBlocks};
use super::tools::{
    LOCAL_SHELL_FUNCTION, custom_arguments, custom_function, local_shell_arguments,
    local_shell_function, namespaced_name,
};
use super::{
    ClientTool, ClientTools, ConvertError, EventConverter, ResponseMeta, StreamEvent, Usage,
    as_object, chat_max_tokens, chat_text, finish_chat_request, str_field, upstream_name,
};

// ------------------------------------------------------------------ requests

/// A Responses request as a chat completions request.
pub fn responses_request_to_chat(request: &Value) -> Result<Value, ConvertError> {
    let mut chat = responses_request_to_pivot(request, &mut ClientTools::default())?;
    finish_chat_request(&mut chat);
    Ok(chat)
}

pub(super) fn responses_request_to_pivot(
    request: &Value,
    client_tools: &mut ClientTools,
) -> Result<Value, ConvertError> {
    let fields = as_object(request, "request body")?;
    for stateful in ["previous_response_id", "conversation", "prompt"] {
        if fields.get(stateful).is_some_and(|v| !v.is_null()) {
            return Err(ConvertError::Unsupported(format!(
                "{stateful} refers to state stored by openai and cannot be served by this channel"
            )));
        }
    }
    if fields.get("background").and_then(Value::as_bool) == Some(true) {
        return Err(ConvertError::Unsupported(
            "background responses cannot be served by this channel".into(),
        ));
    }
    let mut chat = Map::new();
    if let Some(model) = fields.get("model") {
        chat.insert("model".into(), model.clone());
    }
    let mut messages = Vec::new();
    if let Some(instructions) = str_field(request, "instructions").filter(|i| !i.is_empty()) {
        messages.push(json!({"role": "system", "content": instructions}));
    }
    match fields.get("input") {
        Some(Value::String(text)) => messages.push(json!({"role": "user", "content": text})),
        Some(Value::Array(items)) => {
            for item in items {
                input_item_to_chat(item, &mut messages)?;
            }
        }
        _ => {
            return Err(ConvertError::InvalidRequest(
                "input must be a string or an array".into(),
            ));
        }
    }
    chat.insert("messages".into(), Value::Array(messages));
    for key in ["temperature", "top_p", "parallel_tool_calls", "user"] {
        if let Some(value) = fields.get(key).filter(|v| !v.is_null()) {
            chat.insert(key.into(), value.clone());
        }
    }
    if !chat.contains_key("user")
        && let Some(id) = fields.get("safety_identifier")
    {
        chat.insert("user".into(), id.clone());
    }
    if let Some(max_tokens) = fields.get("max_output_tokens").filter(|v| !v.is_null()) {
        chat.insert("max_tokens".into(), max_tokens.clone());
    }
    if fields.get("stream").and_then(Value::as_bool) == Some(true) {
        chat.insert("stream".into(), json!(true));
        chat.insert("stream_options".into(), json!({"include_usage": true}));
    }
    if let Some(effort) = fields.get("reasoning").and_then(|r| str_field(r, "effort")) {
        chat.insert("reasoning_effort".into(), json!(effort));
    }
    if let Some(format) = fields.get("text").and_then(|t| t.get("format")) {
        match str_field(format, "type") {
            Some("json_schema") => {
                let mut schema = Map::new();
                for key in ["name", "description", "schema", "strict"] {
                    if let Some(value) = format.get(key) {
                        schema.insert(key.into(), value.clone());
                    }
                }
                chat.insert(
                    "response_format".into(),
                    json!({"type": "json_schema", "json_schema": schema}),
                );
            }
            Some("json_object") => {
                chat.insert("response_format".into(), json!({"type": "json_object"}));
            }
            _ => {}
        }
    }
    // Tools come in `tools` and, from newer Codex, in `additional_tools` input items too.
    let listed = fields
        .get("tools")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let added = fields
        .get("input")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|item| str_field(item, "type") == Some("additional_tools"))
        .filter_map(|item| item.get("tools").and_then(Value::as_array))
        .flatten();
    let functions = tools_to_chat(listed.iter().chain(added), client_tools);
    if !functions.is_empty() {
        chat.insert("tools".into(), Value::Array(functions));
    }
    // A choice among tools that were all left out would name tools the channel never saw.
    let has_tools = chat.contains_key("tools");
    match fields.get("tool_choice") {
        Some(Value::String(mode)) if has_tools || mode == "none" => {
            chat.insert("tool_choice".into(), json!(mode));
        }
        Some(choice @ Value::Object(_))
            if matches!(str_field(choice, "type"), Some("function" | "custom")) =>
        {
            let name = str_field(choice, "name").unwrap_or_default();
            let name = match str_field(choice, "namespace") {
                Some(namespace) => namespaced_name(namespace, name),
                None => name.to_owned(),
            };
            chat.insert(
                "tool_choice".into(),
                json!({"type": "function", "function": {"name": name}}),
            );
        }
        Some(choice @ Value::Object(_)) if str_field(choice, "type") == Some("allowed_tools") => {
            return Err(ConvertError::Unsupported(
                "responses tool_choice allowed_tools cannot be served by this channel".into(),
            ));
        }
        // A built-in tool's choice (`{"type": "web_search"}`, ...): that tool was left out.
        _ => {}
    }
    // Chat has no developer role everywhere; system says the same to every chat server.
    if let Some(Value::Array(messages)) = chat.get_mut("messages") {
        for message in messages {
            if message.get("role").and_then(Value::as_str) == Some("developer") {
                message["role"] = json!("system");
            }
        }
    }
    Ok(Value::Object(chat))
}

/// The chat functions for a Responses `tools` array: functions as they are, namespaces
/// flattened, `local_shell` and `custom` tools as functions the client still executes; tools
/// run by OpenAI's servers (`web_search`, `file_search`, ...) are left out and noted.
fn tools_to_chat<'a>(
    tools: impl Iterator<Item = &'a Value>,
    client_tools: &mut ClientTools,
) -> Vec<Value> {
    let mut functions = Vec::new();
    // Chat servers refuse a function name given twice (a flattened name may meet a function
    // of the same name): the first tool of a name is sent, and its calls map back to it.
    let mut names = std::collections::HashSet::new();
    let mut first = |name: &str| names.insert(name.to_owned());
    for tool in tools {
        match str_field(tool, "type").unwrap_or_default() {
            "function" => {
                if first(str_field(tool, "name").unwrap_or_default()) {
                    functions.push(function_to_chat(tool, None));
                }
            }
            "namespace" => {
                let namespace = str_field(tool, "name").unwrap_or_default();
                for inner in tool
                    .get("tools")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                {
                    match str_field(inner, "type").unwrap_or("function") {
                        "function" => {
                            let name = str_field(inner, "name").unwrap_or_default();
                            let flat = namespaced_name(namespace, name);
                            if first(&flat) {
                                client_tools.rename(
                                    &flat,
                                    ClientTool::Namespaced {
                                        namespace: namespace.to_owned(),
                                        name: name.to_owned(),
                                    },
                                );
                                functions.push(function_to_chat(inner, Some(&flat)));
                            }
                        }
                        "custom" => {
                            // Calls of a namespaced custom tool would need both mappings back;
                            // no client sends one to a converted channel yet.
                            client_tools.drop_tool("namespace.custom");
                        }
                        other => client_tools.drop_tool(other),
                    }
                }
            }
            "local_shell" => {
                if first(LOCAL_SHELL_FUNCTION) {
                    client_tools.rename(LOCAL_SHELL_FUNCTION, ClientTool::LocalShell);
                    functions.push(local_shell_function());
                }
            }
            "custom" => {
                let name = str_field(tool, "name").unwrap_or_default();
                if first(name) {
                    client_tools.rename(name, ClientTool::Custom);
                    functions.push(custom_function(tool));
                }
            }
            other => client_tools.drop_tool(other),
        }
    }
    functions
}

/// A Responses function tool as a chat tool, under `name` when given.
fn function_to_chat(tool: &Value, name: Option<&str>) -> Value {
    let mut function = Map::new();
    for key in ["name", "description", "parameters", "strict"] {
        if let Some(value) = tool.get(key).filter(|v| !v.is_null()) {
            function.insert(key.into(), value.clone());
        }
    }
    if let Some(name) = name {
        function.insert("name".into(), json!(name));
    }
    json!({"type": "function", "function": function})
}

fn input_item_to_chat(item: &Value, messages: &mut Vec<Value>) -> Result<(), ConvertError> {
    let kind = str_field(item, "type").unwrap_or("message");
    match kind {
        "message" => {
            let role = str_field(item, "role").unwrap_or("user");
            let content = match item.get("content") {
                Some(Value::String(text)) => json!(text),
                Some(Value::Array(parts)) if role == "assistant" => {
                    json!(
                        parts
                            .iter()
                            .filter_map(|p| str_field(p, "text"))
                            .collect::<Vec<_>>()
                            .join("")
                    )
                }
                Some(Value::Array(parts)) => {
                    let mut chat_parts = Vec::with_capacity(parts.len());
                    for part in parts {
                        chat_parts.push(input_part_to_chat(part)?);
                    }
                    Value::Array(chat_parts)
                }
                _ => {
                    return Err(ConvertError::InvalidRequest(
                        "message content is missing".into(),
                    ));
                }
            };
            messages.push(json!({"role": role, "content": content}));
        }
        "function_call" | "local_shell_call" | "custom_tool_call" => {
            let (name, arguments) = match kind {
                "local_shell_call" => {
                    (LOCAL_SHELL_FUNCTION.to_owned(), local_shell_arguments(item))
                }
                "custom_tool_call" => (
                    str_field(item, "name").unwrap_or_default().to_owned(),
                    custom_arguments(item),
                ),
                _ => {
                    let name = str_field(item, "name").unwrap_or_default();
                    let name = match str_field(item, "namespace") {
                        Some(namespace) => namespaced_name(namespace, name),
                        None => name.to_owned(),
                    };
                    let arguments = str_field(item, "arguments").unwrap_or_default();
                    (name, arguments.to_owned())
                }
            };
            // A local shell call made through the chat completions API has only an `id`.
            let call_id = str_field(item, "call_id")
                .or_else(|| str_field(item, "id"))
                .unwrap_or_default();
            let call = json!({
                "id": call_id,
                "type": "function",
                "function": {"name": name, "arguments": arguments},
            });
            // Consecutive calls belong to the same assistant turn.
            if let Some(last) = messages.last_mut()
                && str_field(last, "role") == Some("assistant")
                && (last.get("tool_calls").is_some()
                    || last.get("content").is_some_and(|c| !c.is_null()))
            {
                match last.get_mut("tool_calls").and_then(Value::as_array_mut) {
                    Some(calls) => calls.push(call),
                    None => last["tool_calls"] = json!([call]),
                }
                return Ok(());
            }
            messages.push(json!({"role": "assistant", "content": null, "tool_calls": [call]}));
        }
        "function_call_output" | "local_shell_call_output" | "custom_tool_call_output" => {
            let output = match item.get("output") {
                Some(Value::String(text)) => text.clone(),
                Some(other) => chat_text(other),
                None => String::new(),
            };
            let call_id = str_field(item, "call_id")
                .or_else(|| str_field(item, "id"))
                .unwrap_or_default();
            messages.push(json!({"role": "tool", "tool_call_id": call_id, "content": output}));
        }
        // Reasoning items (often encrypted) only mean something to OpenAI itself, and records of
        // tools OpenAI ran (searches, code runs, ...) have no counterpart a chat model can read:
        // their findings are in the assistant messages that followed.
        // Tools added mid-conversation are sent with the request's other tools.
        "additional_tools"
        | "reasoning"
        | "web_search_call"
        | "file_search_call"
        | "code_interpreter_call"
        | "image_generation_call"
        | "computer_call"
        | "computer_call_output"
        | "mcp_list_tools"
        | "mcp_call"
        | "mcp_approval_request"
        | "mcp_approval_response"
        | "tool_search_call"
        | "tool_search_output" => {}
        other => {
            return Err(ConvertError::Unsupported(format!(
                "responses input item {other} cannot be served by this channel"
            )));
        }
    }
    Ok(())
}

fn input_part_to_chat(part: &Value) -> Result<Value, ConvertError> {
    match str_field(part, "type") {
        Some("input_text" | "output_text") => {
            Ok(json!({"type": "text", "text": str_field(part, "text").unwrap_or_default()}))
        }
        Some("input_image") => {
            let Some(url) = str_field(part, "image_url") else {
                return Err(ConvertError::Unsupported(
                    "input_image by file_id refers to openai file storage and cannot be served by this channel".into(),
                ));
            };
            let mut image = json!({"url": url});
            if let Some(detail) = part.get("detail") {
                image["detail"] = detail.clone();
            }
            Ok(json!({"type": "image_url", "image_url": image}))
        }
        Some("input_file") => {
            let Some(data) = str_field(part, "file_data") else {
                return Err(ConvertError::Unsupported(
                    "input_file without file_data cannot be served by this channel".into(),
                ));
            };
            Ok(json!({"type": "file", "file": {"file_data": data,
                "filename": str_field(part, "filename").unwrap_or("document.pdf")}}))
        }
        other => Err(ConvertError::Unsupported(format!(
            "responses content part {} cannot be served by this channel",
            other.unwrap_or("(untyped)")
        ))),
    }
}

/// A chat completions request as a Responses request (stateless: `store` is off).
pub fn chat_request_to_responses(chat: &Value) -> Result<Value, ConvertError> {
    let fields = as_object(chat, "request body")?;
    if fields.get("n").and_then(Value::as_u64).unwrap_or(1) > 1 {
        return Err(ConvertError::Unsupported(
            "n greater than 1 cannot be served by a responses channel".into(),
        ));
    }
    let messages = fields
        .get("messages")
        .and_then(Value::as_array)
        .ok_or_else(|| ConvertError::InvalidRequest("messages must be an array".into()))?;
    let mut input = Vec::with_capacity(messages.len());
    for message in messages {
        let role = str_field(message, "role").unwrap_or_default();
        let content = message.get("content").unwrap_or(&Value::Null);
        match role {
            "system" | "developer" | "user" => {
                let content = match content {
                    Value::Array(parts) => {
                        let mut out = Vec::with_capacity(parts.len());
                        for part in parts {
                            out.push(chat_part_to_input(part)?);
                        }
                        Value::Array(out)
                    }
                    other => json!(chat_text(other)),
                };
                input.push(json!({"role": role, "content": content}));
            }
            "assistant" => {
                let text = chat_text(content);
                if !text.is_empty() {
                    input.push(json!({"role": "assistant", "content": text}));
                }
                for call in message
                    .get("tool_calls")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                {
                    let function = call.get("function").unwrap_or(&Value::Null);
                    input.push(json!({"type": "function_call",
                        "call_id": str_field(call, "id").unwrap_or_default(),
                        "name": str_field(function, "name").unwrap_or_default(),
                        "arguments": str_field(function, "arguments").unwrap_or_default()}));
                }
            }
            "tool" => input.push(json!({"type": "function_call_output",
                "call_id": str_field(message, "tool_call_id").unwrap_or_default(),
                "output": chat_text(content)})),
            other => {
                return Err(ConvertError::Unsupported(format!(
                    "chat message role {other} cannot be served by a responses channel"
                )));
            }
        }
    }
    let mut out = Map::new();
    if let Some(model) = fields.get("model") {
        out.insert("model".into(), model.clone());
    }
    out.insert("input".into(), Value::Array(input));
    out.insert("store".into(), json!(false));
    for key in [
        "temperature",
        "top_p",
        "parallel_tool_calls",
        "user",
        "stream",
    ] {
        if let Some(value) = fields.get(key).filter(|v| !v.is_null()) {
            out.insert(key.into(), value.clone());
        }
    }
    if let Some(max_tokens) = chat_max_tokens(chat) {
        out.insert("max_output_tokens".into(), json!(max_tokens));
    }
    if let Some(effort) = str_field(chat, "reasoning_effort") {
        out.insert("reasoning".into(), json!({"effort": effort}));
    }
    if let Some(format) = fields.get("response_format") {
        match str_field(format, "type") {
            Some("json_schema") => {
                let mut text_format = json!({"type": "json_schema"});
                if let Some(schema) = format.get("json_schema").and_then(Value::as_object) {
                    for (key, value) in schema {
                        text_format[key] = value.clone();
                    }
                }
                out.insert("text".into(), json!({"format": text_format}));
            }
            Some("json_object") => {
                out.insert("text".into(), json!({"format": {"type": "json_object"}}));
            }
            _ => {}
        }
    }
    if let Some(tools) = fields.get("tools").and_then(Value::as_array) {
        let mut converted = Vec::with_capacity(tools.len());
        for tool in tools {
            let kind = str_field(tool, "type").unwrap_or("function");
            if kind != "function" {
                return Err(ConvertError::Unsupported(format!(
                    "chat tool type {kind} cannot be served by a responses channel"
                )));
            }
            let mut flat = json!({"type": "function"});
            if let Some(function) = tool.get("function").and_then(Value::as_object) {
                for (key, value) in function {
                    flat[key] = value.clone();
                }
            }
            converted.push(flat);
        }
        out.insert("tools".into(), Value::Array(converted));
    }
    match fields.get("tool_choice") {
        Some(Value::String(mode)) => {
            out.insert("tool_choice".into(), json!(mode));
        }
        Some(named @ Value::Object(_)) => {
            out.insert(
                "tool_choice".into(),
                json!({"type": "function",
                "name": named.pointer("/function/name").cloned().unwrap_or_default()}),
            );
        }
        _ => {}
    }
    Ok(Value::Object(out))
}

fn chat_part_to_input(part: &Value) -> Result<Value, ConvertError> {
    match str_field(part, "type") {
        Some("text") => {
            Ok(json!({"type": "input_text", "text": str_field(part, "text").unwrap_or_default()}))
        }
        Some("image_url") => {
            let image = part.get("image_url").unwrap_or(&Value::Null);
            let mut out = json!({"type": "input_image",
                "image_url": str_field(image, "url").or_else(|| image.as_str()).unwrap_or_default()});
            out["detail"] = image
                .get("detail")
                .cloned()
                .unwrap_or_else(|| json!("auto"));
            Ok(out)
        }
        Some("file") => {
            let file = part.get("file").unwrap_or(&Value::Null);
            let mut out = json!({"type": "input_file"});
            for key in ["file_data", "file_id", "filename"] {
                if let Some(value) = file.get(key) {
                    out[key] = value.clone();
                }
            }
            Ok(out)
        }
        other => Err(ConvertError::Unsupported(format!(
            "chat content part {} cannot be served by a responses channel",
            other.unwrap_or("(untyped)")
        ))),
    }
}

// ------------------------------------------------------------------ responses

/// A Responses response as a chat completion.
pub fn responses_response_to_chat(
    response: &Value,
    meta: &ResponseMeta,
) -> Result<Value, ConvertError> {
    let output = response
        .get("output")
        .and_then(Value::as_array)
        .ok_or_else(|| ConvertError::InvalidResponse("response has no output".into()))?;
    let mut text = String::new();
    let mut refusal = String::new();
    let mut reasoning = String::new();
    let mut calls = Vec::new();
    for item in output {
        match str_field(item, "type") {
            Some("message") => {
                for part in item
                    .get("content")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                {
                    match str_field(part, "type") {
                        Some("output_text") => {
                            text.push_str(str_field(part, "text").unwrap_or_default())
                        }
                        Some("refusal") => {
                            refusal.push_str(str_field(part, "refusal").unwrap_or_default())
                        }
                        _ => {}
                    }
                }
            }
            Some("reasoning") => reasoning.push_str(&reasoning_text(item)),
            Some("function_call") => calls.push(json!({
                "id": str_field(item, "call_id").unwrap_or_default(),
                "type": "function",
                "function": {"name": str_field(item, "name").unwrap_or_default(),
                    "arguments": str_field(item, "arguments").unwrap_or_default()},
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
    if !refusal.is_empty() {
        message.insert("refusal".into(), json!(refusal));
    }
    if !reasoning.is_empty() {
        message.insert("reasoning_content".into(), json!(reasoning));
    }
    let has_calls = !calls.is_empty();
    if has_calls {
        message.insert("tool_calls".into(), Value::Array(calls));
    }
    let finish_reason = status_to_finish(response, has_calls);
    let usage = Usage::from_responses(response.get("usage").unwrap_or(&Value::Null));
    Ok(json!({
        "id": str_field(response, "id").unwrap_or_default(),
        "object": "chat.completion",
        "created": response.get("created_at").and_then(Value::as_i64).unwrap_or(meta.created),
        "model": str_field(response, "model").unwrap_or(&meta.model),
        "choices": [{"index": 0, "message": message, "logprobs": null, "finish_reason": finish_reason}],
        "usage": usage.to_chat(),
    }))
}

fn reasoning_text(item: &Value) -> String {
    let mut text = String::new();
    for key in ["content", "summary"] {
        for part in item
            .get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            text.push_str(str_field(part, "text").unwrap_or_default());
        }
        if !text.is_empty() {
            break;
        }
    }
    text
}

fn status_to_finish(response: &Value, has_calls: bool) -> &'static str {
    match (
        str_field(response, "status"),
        response
            .pointer("/incomplete_details/reason")
            .and_then(Value::as_str),
    ) {
        (Some("incomplete"), Some("content_filter")) => "content_filter",
        (Some("incomplete"), _) => "length",
        _ if has_calls => "tool_calls",
        _ => "stop",
    }
}

/// The `status` and `incomplete_details` of a Responses response for a chat finish reason.
fn finish_to_status(reason: Option<&str>) -> (&'static str, Value) {
    match reason {
        Some("length") => ("incomplete", json!({"reason": "max_output_tokens"})),
        Some("content_filter") => ("incomplete", json!({"reason": "content_filter"})),
        _ => ("completed", Value::Null),
    }
}

fn response_object(id: &str, created: i64, model: &str, status: &str, output: Vec<Value>) -> Value {
    json!({
        "id": id,
        "object": "response",
        "created_at": created,
        "status": status,
        "error": null,
        "incomplete_details": null,
        "model": model,
        "output": output,
        "parallel_tool_calls": true,
        "tool_choice": "auto",
        "tools": [],
        "usage": null,
    })
}

/// A chat completion as a Responses response.
pub fn chat_response_to_responses(
    chat: &Value,
    meta: &ResponseMeta,
) -> Result<Value, ConvertError> {
    let choice = chat
        .get("choices")
        .and_then(Value::as_array)
        .and_then(|c| c.first())
        .ok_or_else(|| ConvertError::InvalidResponse("chat completion has no choices".into()))?;
    let message = choice.get("message").unwrap_or(&Value::Null);
    let id = str_field(chat, "id").unwrap_or_default();
    let mut output = Vec::new();
    let reasoning = str_field(message, "reasoning_content")
        .or_else(|| str_field(message, "reasoning"))
        .unwrap_or_default();
    if !reasoning.is_empty() {
        output.push(reasoning_item(&format!("rs_{id}"), reasoning));
    }
    let text = chat_text(message.get("content").unwrap_or(&Value::Null));
    let refusal = str_field(message, "refusal").unwrap_or_default();
    if !text.is_empty() || !refusal.is_empty() {
        let mut content = Vec::new();
        if !text.is_empty() {
            content.push(json!({"type": "output_text", "text": text, "annotations": []}));
        }
        if !refusal.is_empty() {
            content.push(json!({"type": "refusal", "refusal": refusal}));
        }
        output.push(
            json!({"id": format!("msg_{id}"), "type": "message", "status": "completed",
            "role": "assistant", "content": content}),
        );
    }
    for call in message
        .get("tool_calls")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let function = call.get("function").unwrap_or(&Value::Null);
        output.push(meta.tools.responses_call_item(
            str_field(call, "id").unwrap_or_default(),
            str_field(function, "name").unwrap_or_default(),
            str_field(function, "arguments").unwrap_or_default(),
            "completed",
        ));
    }
    let (status, incomplete) = finish_to_status(str_field(choice, "finish_reason"));
    let created = chat
        .get("created")
        .and_then(Value::as_i64)
        .unwrap_or(meta.created);
    let model = str_field(chat, "model").unwrap_or(&meta.model);
    let mut response = response_object(&format!("resp_{id}"), created, model, status, output);
    response["incomplete_details"] = incomplete;
    response["usage"] = Usage::from_chat(chat.get("usage").unwrap_or(&Value::Null)).to_responses();
    Ok(response)
}

fn reasoning_item(id: &str, text: &str) -> Value {
    json!({"id": id, "type": "reasoning", "summary": [],
        "content": [{"type": "reasoning_text", "text": text}]})
}

// ------------------------------------------------------------------ streams

/// Chat completion chunks in, Responses stream events out.
#[derive(Debug)]
pub struct ChatToResponsesStream {
    meta: ResponseMeta,
    blocks: ChatBlocks,
    ops: Vec<BlockOp>,
    sequence: u64,
    started: bool,
    /// The open output item: its kind, id and text so far.
    open: Option<(BlockKind, String, String)>,
    output: Vec<Value>,
    done: bool,
}

impl ChatToResponsesStream {
    pub fn new(meta: ResponseMeta) -> ChatToResponsesStream {
        ChatToResponsesStream {
            meta,
            blocks: ChatBlocks::default(),
            ops: Vec::new(),
            sequence: 0,
            started: false,
            open: None,
            output: Vec::new(),
            done: false,
        }
    }

    fn emit(&mut self, name: &'static str, mut data: Value, out: &mut Vec<StreamEvent>) {
        data["type"] = json!(name);
        data["sequence_number"] = json!(self.sequence);
        self.sequence += 1;
        out.push(StreamEvent::Json {
            event: Some(name),
            data,
        });
    }

    fn response(&self, status: &str) -> Value {
        let model = if self.blocks.model.is_empty() {
            &self.meta.model
        } else {
            &self.blocks.model
        };
        let created = if self.blocks.created == 0 {
            self.meta.created
        } else {
            self.blocks.created
        };
        response_object(
            &format!("resp_{}", self.blocks.id),
            created,
            model,
            status,
            self.output.clone(),
        )
    }

    fn start(&mut self, out: &mut Vec<StreamEvent>) {
        if self.started {
            return;
        }
        self.started = true;
        let response = self.response("in_progress");
        self.emit("response.created", json!({"response": response}), out);
        self.emit("response.in_progress", json!({"response": response}), out);
    }

    fn emit_ops(&mut self, out: &mut Vec<StreamEvent>) {
        for op in std::mem::take(&mut self.ops) {
            let output_index = self.output.len();
            match op {
                BlockOp::Start(kind) => {
                    let (id, item) = match &kind {
                        BlockKind::Thinking => {
                            let id = format!("rs_{}_{output_index}", self.blocks.id);
                            let item = json!({"id": id, "type": "reasoning", "summary": [], "content": []});
                            (id, item)
                        }
                        BlockKind::Text => {
                            let id = format!("msg_{}_{output_index}", self.blocks.id);
                            let item = json!({"id": id, "type": "message", "status": "in_progress",
                                "role": "assistant", "content": []});
                            (id, item)
                        }
                        BlockKind::Tool { id: call_id, name } => {
                            let item = self.meta.tools.responses_call_item(
                                call_id,
                                name,
                                "",
                                "in_progress",
                            );
                            (str_field(&item, "id").unwrap_or_default().to_owned(), item)
                        }
                    };
                    // A local shell or custom tool call is written once it is whole: its
                    // arguments become another item's fields, not argument deltas.
                    let whole = matches!(&kind, BlockKind::Tool { name, .. }
                        if self.meta.tools.completes_at_once(name));
                    if !whole {
                        self.emit(
                            "response.output_item.added",
                            json!({"output_index": output_index, "item": item}),
                            out,
                        );
                    }
                    let part = match kind {
                        BlockKind::Thinking => Some(json!({"type": "reasoning_text", "text": ""})),
                        BlockKind::Text => {
                            Some(json!({"type": "output_text", "text": "", "annotations": []}))
                        }
                        BlockKind::Tool { .. } => None,
                    };
                    if let Some(part) = part {
                        self.emit(
                            "response.content_part.added",
                            json!({"item_id": id,
                            "output_index": output_index, "content_index": 0, "part": part}),
                            out,
                        );
                    }
                    self.open = Some((kind, id, String::new()));
                }
                BlockOp::Delta(delta) => {
                    let Some((kind, id, text)) = &mut self.open else {
                        continue;
                    };
                    text.push_str(&delta);
                    let (name, data) = match kind {
                        BlockKind::Thinking => (
                            "response.reasoning_text.delta",
                            json!({"item_id": id,
                            "output_index": output_index, "content_index": 0, "delta": delta}),
                        ),
                        BlockKind::Text => (
                            "response.output_text.delta",
                            json!({"item_id": id,
                            "output_index": output_index, "content_index": 0, "delta": delta, "logprobs": []}),
                        ),
                        BlockKind::Tool { name, .. } if self.meta.tools.completes_at_once(name) => {
                            continue;
                        }
                        BlockKind::Tool { .. } => (
                            "response.function_call_arguments.delta",
                            json!({"item_id": id, "output_index": output_index, "delta": delta}),
                        ),
                    };
                    self.emit(name, data, out);
                }
                BlockOp::Stop => {
                    let Some((kind, id, text)) = self.open.take() else {
                        continue;
                    };
                    let item = match kind {
                        BlockKind::Thinking => {
                            self.emit(
                                "response.reasoning_text.done",
                                json!({"item_id": id,
                                "output_index": output_index, "content_index": 0, "text": text}),
                                out,
                            );
                            self.emit(
                                "response.content_part.done",
                                json!({"item_id": id,
                                "output_index": output_index, "content_index": 0,
                                "part": {"type": "reasoning_text", "text": text}}),
                                out,
                            );
                            reasoning_item(&id, &text)
                        }
                        BlockKind::Text => {
                            let part =
                                json!({"type": "output_text", "text": text, "annotations": []});
                            self.emit("response.output_text.done", json!({"item_id": id,
                                "output_index": output_index, "content_index": 0, "text": text, "logprobs": []}), out);
                            self.emit(
                                "response.content_part.done",
                                json!({"item_id": id,
                                "output_index": output_index, "content_index": 0, "part": part}),
                                out,
                            );
                            json!({"id": id, "type": "message", "status": "completed", "role": "assistant",
                                "content": [part]})
                        }
                        BlockKind::Tool { id: call_id, name }
                            if self.meta.tools.completes_at_once(&name) =>
                        {
                            let added = self.meta.tools.responses_call_item(
                                &call_id,
                                &name,
                                &text,
                                "in_progress",
                            );
                            self.emit(
                                "response.output_item.added",
                                json!({"output_index": output_index, "item": added}),
                                out,
                            );
                            self.meta
                                .tools
                                .responses_call_item(&call_id, &name, &text, "completed")
                        }
                        BlockKind::Tool { id: call_id, name } => {
                            self.emit(
                                "response.function_call_arguments.done",
                                json!({"item_id": id,
                                "output_index": output_index, "arguments": text}),
                                out,
                            );
                            self.meta
                                .tools
                                .responses_call_item(&call_id, &name, &text, "completed")
                        }
                    };
                    self.emit(
                        "response.output_item.done",
                        json!({"output_index": output_index, "item": item}),
                        out,
                    );
                    self.output.push(item);
                }
            }
        }
    }

    fn end(&mut self, out: &mut Vec<StreamEvent>) {
        self.done = true;
        let (status, incomplete) = finish_to_status(self.blocks.finish_reason.as_deref());
        let mut response = self.response(status);
        response["incomplete_details"] = incomplete;
        response["usage"] = self.blocks.usage.unwrap_or_default().to_responses();
        let name = if status == "completed" {
            "response.completed"
        } else {
            "response.incomplete"
        };
        self.emit(name, json!({"response": response}), out);
    }

    fn fail(&mut self, message: &str, out: &mut Vec<StreamEvent>) {
        self.done = true;
        self.start(out);
        let mut response = self.response("failed");
        response["error"] = json!({"code": "server_error", "message": message});
        self.emit("response.failed", json!({"response": response}), out);
    }
}

impl EventConverter for ChatToResponsesStream {
    fn push(&mut self, chunk: &Value, out: &mut Vec<StreamEvent>) {
        if self.done {
            return;
        }
        self.blocks.push(chunk, &mut self.ops);
        if let Some(error) = self.blocks.error.take() {
            let message = str_field(&error, "message")
                .unwrap_or("upstream error")
                .to_owned();
            return self.fail(&message, out);
        }
        self.start(out);
        self.emit_ops(out);
        if self.blocks.finish_reason.is_some() && self.blocks.usage.is_some() {
            self.end(out);
        }
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        if self.done {
            return;
        }
        if self.blocks.finish_reason.is_some() {
            self.start(out);
            self.end(out);
        } else {
            self.fail(
                "upstream stream ended before the response was complete",
                out,
            );
        }
    }
}

/// Responses stream events in, chat completion chunks out.
#[derive(Debug)]
pub struct ResponsesToChatStream {
    meta: ResponseMeta,
    id: String,
    model: String,
    created: i64,
    /// Output index → chat tool call index.
    tool_index: HashMap<u64, u64>,
    done: bool,
}

impl ResponsesToChatStream {
    pub fn new(meta: ResponseMeta) -> ResponsesToChatStream {
        ResponsesToChatStream {
            model: meta.model.clone(),
            created: meta.created,
            meta,
            id: String::new(),
            tool_index: HashMap::new(),
            done: false,
        }
    }

    fn chunk(&self, delta: Value, finish_reason: Value) -> StreamEvent {
        StreamEvent::Json {
            event: None,
            data: json!({"id": self.id, "object": "chat.completion.chunk", "created": self.created,
                "model": self.model,
                "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish_reason}]}),
        }
    }

    fn fail(&mut self, message: &str, out: &mut Vec<StreamEvent>) {
        self.done = true;
        out.push(StreamEvent::Json {
            event: None,
            data: json!({"error": {"message": message, "type": "upstream_error", "param": null, "code": null}}),
        });
        out.push(StreamEvent::Done);
    }
}

impl EventConverter for ResponsesToChatStream {
    fn push(&mut self, event: &Value, out: &mut Vec<StreamEvent>) {
        if self.done {
            return;
        }
        let output_index = event
            .get("output_index")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        match str_field(event, "type").unwrap_or_default() {
            "response.created" => {
                let response = event.get("response").unwrap_or(&Value::Null);
                self.id = upstream_name(str_field(response, "id").unwrap_or_default());
                if let Some(model) = str_field(response, "model") {
                    self.model = upstream_name(model);
                }
                self.created = response
                    .get("created_at")
                    .and_then(Value::as_i64)
                    .unwrap_or(self.meta.created);
                out.push(self.chunk(json!({"role": "assistant", "content": ""}), Value::Null));
            }
            "response.output_item.added" => {
                let item = event.get("item").unwrap_or(&Value::Null);
                if str_field(item, "type") == Some("function_call") {
                    let tool = self.tool_index.len() as u64;
                    self.tool_index.insert(output_index, tool);
                    out.push(self.chunk(
                        json!({"tool_calls": [{"index": tool,
                        "id": str_field(item, "call_id").unwrap_or_default(), "type": "function",
                        "function": {"name": str_field(item, "name").unwrap_or_default(),
                            "arguments": str_field(item, "arguments").unwrap_or_default()}}]}),
                        Value::Null,
                    ));
                }
            }
            "response.output_text.delta" | "response.refusal.delta" => {
                out.push(self.chunk(
                    json!({"content": str_field(event, "delta").unwrap_or_default()}),
                    Value::Null,
                ));
            }
            "response.reasoning_text.delta" | "response.reasoning_summary_text.delta" => {
                out.push(self.chunk(
                    json!({"reasoning_content": str_field(event, "delta").unwrap_or_default()}),
                    Value::Null,
                ));
            }
            "response.function_call_arguments.delta" => {
                if let Some(tool) = self.tool_index.get(&output_index) {
                    out.push(self.chunk(json!({"tool_calls": [{"index": tool,
                        "function": {"arguments": str_field(event, "delta").unwrap_or_default()}}]}), Value::Null));
                }
            }
            "response.completed" | "response.incomplete" => {
                self.done = true;
                let response = event.get("response").unwrap_or(&Value::Null);
                let reason = status_to_finish(response, !self.tool_index.is_empty());
                out.push(self.chunk(json!({}), json!(reason)));
                let usage = Usage::from_responses(response.get("usage").unwrap_or(&Value::Null));
                out.push(StreamEvent::Json {
                    event: None,
                    data: json!({"id": self.id, "object": "chat.completion.chunk", "created": self.created,
                        "model": self.model, "choices": [], "usage": usage.to_chat()}),
                });
                out.push(StreamEvent::Done);
            }
            "response.failed" => {
                let message = event
                    .pointer("/response/error/message")
                    .and_then(Value::as_str)
                    .unwrap_or("upstream response failed")
                    .to_owned();
                self.fail(&message, out);
            }
            "error" => {
                let message = str_field(event, "message")
                    .unwrap_or("upstream error")
                    .to_owned();
                self.fail(&message, out);
            }
            _ => {}
        }
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        if !self.done {
            self.fail(
                "upstream stream ended before the response was complete",
                out,
            );
        }
    }
}
