//! Gemini generateContent ⇄ OpenAI chat completions: requests, responses and event streams.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::chat_stream::{BlockKind, BlockOp, ChatBlocks};
use super::{
    ClientTools, ConvertError, EventConverter, PIVOT_THINKING_BUDGET, PIVOT_TOP_K, ResponseMeta,
    StreamEvent, Usage, as_object, chat_max_tokens, chat_text, chat_thinking_budget, chat_top_k,
    data_url, effort_for_budget, finish_chat_request, parse_arguments, parse_data_url, stop_list,
    str_field, system_texts, upstream_name,
};

/// Gemini's JSON accepts both spellings of a field; clients send camelCase, some snake_case.
fn field<'a>(value: &'a Value, camel: &str, snake: &str) -> Option<&'a Value> {
    value.get(camel).or_else(|| value.get(snake))
}

// ------------------------------------------------------------------ requests

/// A Gemini generateContent request as a chat completions request; `model` and `stream` come
/// from the request's URL.
pub fn gemini_request_to_chat(
    request: &Value,
    model: &str,
    stream: bool,
) -> Result<Value, ConvertError> {
    let mut chat = gemini_request_to_pivot(request, model, stream, &mut ClientTools::default())?;
    finish_chat_request(&mut chat);
    Ok(chat)
}

/// The function calls of a conversation not yet answered, in the order they were made. A
/// client controls how many there are, so opening and closing one costs amortized constant
/// time (a closed call is marked and skipped later, never searched for or shifted out).
#[derive(Default)]
struct OpenCalls {
    /// Every call made, as (id, name); `None` once answered.
    calls: Vec<Option<(String, String)>>,
    by_id: HashMap<String, Vec<usize>>,
    by_name: HashMap<String, std::collections::VecDeque<usize>>,
}

impl OpenCalls {
    fn open(&mut self, id: &str, name: &str) {
        let index = self.calls.len();
        self.calls.push(Some((id.to_owned(), name.to_owned())));
        self.by_id.entry(id.to_owned()).or_default().push(index);
        self.by_name
            .entry(name.to_owned())
            .or_default()
            .push_back(index);
    }

    /// An answer naming its call's id closes every open call with that id; whether there was
    /// one.
    fn close_id(&mut self, id: &str) -> bool {
        let mut closed = false;
        for index in self.by_id.remove(id).unwrap_or_default() {
            if let Some(call) = self.calls.get_mut(index) {
                closed |= call.take().is_some();
            }
        }
        closed
    }

    /// An answer naming only a function closes the oldest open call of it; its id.
    fn close_oldest_named(&mut self, name: &str) -> Option<String> {
        let queue = self.by_name.get_mut(name)?;
        while let Some(index) = queue.pop_front() {
            if let Some((id, _)) = self.calls.get_mut(index).and_then(Option::take) {
                return Some(id);
            }
        }
        None
    }
}

pub(super) fn gemini_request_to_pivot(
    request: &Value,
    model: &str,
    stream: bool,
    client_tools: &mut ClientTools,
) -> Result<Value, ConvertError> {
    as_object(request, "request body")?;
    if field(request, "cachedContent", "cached_content").is_some() {
        return Err(ConvertError::Unsupported(
            "gemini cachedContent refers to gemini server state and cannot be served by this channel".into(),
        ));
    }
    let mut chat = Map::new();
    chat.insert("model".into(), json!(model));
    let mut messages = Vec::new();
    if let Some(system) = field(request, "systemInstruction", "system_instruction") {
        let text = parts_text(system.get("parts"));
        if !text.is_empty() {
            messages.push(json!({"role": "system", "content": text}));
        }
    }
    // Calls without ids are answered by name, in order: remember which are still open.
    let mut open_calls = OpenCalls::default();
    let mut call_count = 0usize;
    let contents = request
        .get("contents")
        .and_then(Value::as_array)
        .ok_or_else(|| ConvertError::InvalidRequest("contents must be an array".into()))?;
    for content in contents {
        let parts = content
            .get("parts")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        match str_field(content, "role").unwrap_or("user") {
            "model" => {
                let mut text = String::new();
                let mut calls = Vec::new();
                for part in parts {
                    if part.get("thought").and_then(Value::as_bool) == Some(true)
                        || is_built_in_record(part)
                    {
                        continue;
                    }
                    if let Some(piece) = str_field(part, "text") {
                        text.push_str(piece);
                    } else if let Some(call) = field(part, "functionCall", "function_call") {
                        let name = str_field(call, "name").unwrap_or_default().to_owned();
                        let id = str_field(call, "id")
                            .map(str::to_owned)
                            .unwrap_or_else(|| format!("call_{call_count}"));
                        call_count += 1;
                        open_calls.open(&id, &name);
                        let args = call.get("args").cloned().unwrap_or_else(|| json!({}));
                        calls.push(json!({"id": id, "type": "function",
                            "function": {"name": name, "arguments": args.to_string()}}));
                    } else {
                        return Err(unsupported_part(part));
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
                messages.push(Value::Object(message));
            }
            // Gemini itself only knows user and model turns; a system turn among the contents
            // is kept as what it says it is.
            "system" => {
                let text = parts_text(content.get("parts"));
                if !text.is_empty() {
                    messages.push(json!({"role": "system", "content": text}));
                }
            }
            _ => {
                let mut chat_parts = Vec::new();
                for part in parts {
                    if let Some(response) = field(part, "functionResponse", "function_response") {
                        let name = str_field(response, "name").unwrap_or_default();
                        // Gemini CLI answers with ids of its own for calls the model made
                        // without one: an id no call has pairs by name, like no id at all.
                        let id = match str_field(response, "id") {
                            Some(id) if open_calls.close_id(id) => id.to_owned(),
                            id => open_calls.close_oldest_named(name).unwrap_or_else(|| {
                                id.map_or_else(|| format!("call_{name}"), str::to_owned)
                            }),
                        };
                        let body = response
                            .get("response")
                            .cloned()
                            .unwrap_or_else(|| json!({}));
                        messages.push(json!({"role": "tool", "tool_call_id": id,
                            "content": body.to_string()}));
                    } else if !is_built_in_record(part) {
                        chat_parts.push(gemini_part_to_chat(part)?);
                    }
                }
                if !chat_parts.is_empty() {
                    messages.push(json!({"role": "user", "content": chat_parts}));
                }
            }
        }
    }
    chat.insert("messages".into(), Value::Array(messages));
    if stream {
        chat.insert("stream".into(), json!(true));
        chat.insert("stream_options".into(), json!({"include_usage": true}));
    }
    if let Some(config) = field(request, "generationConfig", "generation_config") {
        generation_config_to_chat(config, &mut chat)?;
    }
    if let Some(tools) = request.get("tools").and_then(Value::as_array) {
        let mut functions = Vec::new();
        for tool in tools {
            // Built-in tools (googleSearch, codeExecution, urlContext, ...) run on Google's
            // servers: they are left out, and a tool object may hold them next to functions.
            if let Some(fields) = tool.as_object() {
                for kind in fields.keys() {
                    if kind != "functionDeclarations" && kind != "function_declarations" {
                        client_tools.drop_tool(kind);
                    }
                }
            }
            let Some(declarations) = field(tool, "functionDeclarations", "function_declarations")
                .and_then(Value::as_array)
            else {
                if !tool.is_object() || tool.as_object().is_some_and(Map::is_empty) {
                    client_tools.drop_tool("");
                }
                continue;
            };
            for declaration in declarations {
                let parameters = field(
                    declaration,
                    "parametersJsonSchema",
                    "parameters_json_schema",
                )
                .cloned()
                .or_else(|| {
                    declaration
                        .get("parameters")
                        .map(openapi_schema_to_json_schema)
                })
                .unwrap_or_else(|| json!({"type": "object", "properties": {}}));
                let mut function = Map::new();
                function.insert(
                    "name".into(),
                    declaration.get("name").cloned().unwrap_or_default(),
                );
                if let Some(description) = declaration.get("description") {
                    function.insert("description".into(), description.clone());
                }
                function.insert("parameters".into(), parameters);
                functions.push(json!({"type": "function", "function": function}));
            }
        }
        if !functions.is_empty() {
            chat.insert("tools".into(), Value::Array(functions));
        }
    }
    // A calling mode for tools that were all left out would name tools the channel never saw.
    if let Some(config) = field(request, "toolConfig", "tool_config")
        .filter(|_| chat.contains_key("tools") || client_tools.dropped().is_empty())
        .and_then(|c| field(c, "functionCallingConfig", "function_calling_config"))
    {
        let allowed = field(config, "allowedFunctionNames", "allowed_function_names")
            .and_then(Value::as_array)
            .filter(|names| names.len() == 1)
            .and_then(|names| names[0].as_str());
        let choice = match (str_field(config, "mode"), allowed) {
            (Some("ANY"), Some(name)) => json!({"type": "function", "function": {"name": name}}),
            (Some("ANY"), None) => json!("required"),
            (Some("NONE"), _) => json!("none"),
            _ => json!("auto"),
        };
        chat.insert("tool_choice".into(), choice);
    }
    Ok(Value::Object(chat))
}

fn generation_config_to_chat(
    config: &Value,
    chat: &mut Map<String, Value>,
) -> Result<(), ConvertError> {
    let copies = [
        ("temperature", "temperature", "temperature"),
        ("topP", "top_p", "top_p"),
        ("maxOutputTokens", "max_output_tokens", "max_tokens"),
        ("stopSequences", "stop_sequences", "stop"),
        ("presencePenalty", "presence_penalty", "presence_penalty"),
        ("frequencyPenalty", "frequency_penalty", "frequency_penalty"),
        ("seed", "seed", "seed"),
        ("candidateCount", "candidate_count", "n"),
    ];
    for (camel, snake, target) in copies {
        if let Some(value) = field(config, camel, snake) {
            chat.insert(target.into(), value.clone());
        }
    }
    if let Some(top_k) = field(config, "topK", "top_k") {
        chat.insert(PIVOT_TOP_K.into(), top_k.clone());
    }
    if let Some(modalities) =
        field(config, "responseModalities", "response_modalities").and_then(Value::as_array)
        && modalities
            .iter()
            .any(|m| m.as_str().is_some_and(|m| !m.eq_ignore_ascii_case("TEXT")))
    {
        return Err(ConvertError::Unsupported(
            "gemini response modalities other than text cannot be served by this channel".into(),
        ));
    }
    let schema = field(config, "responseJsonSchema", "response_json_schema")
        .cloned()
        .or_else(|| {
            field(config, "responseSchema", "response_schema").map(openapi_schema_to_json_schema)
        });
    match (
        str_field(config, "responseMimeType").or_else(|| str_field(config, "response_mime_type")),
        schema,
    ) {
        (_, Some(schema)) => {
            chat.insert(
                "response_format".into(),
                json!({"type": "json_schema",
                "json_schema": {"name": "response", "schema": schema}}),
            );
        }
        (Some("application/json"), None) => {
            chat.insert("response_format".into(), json!({"type": "json_object"}));
        }
        _ => {}
    }
    if let Some(thinking) = field(config, "thinkingConfig", "thinking_config") {
        if let Some(budget) =
            field(thinking, "thinkingBudget", "thinking_budget").and_then(Value::as_i64)
        {
            if let Some(effort) = effort_for_budget(budget) {
                chat.insert("reasoning_effort".into(), json!(effort));
            }
            chat.insert(PIVOT_THINKING_BUDGET.into(), json!(budget));
        } else if let Some(level) =
            field(thinking, "thinkingLevel", "thinking_level").and_then(Value::as_str)
        {
            chat.insert("reasoning_effort".into(), json!(level.to_ascii_lowercase()));
        }
    }
    Ok(())
}

/// Gemini's `parameters` use OpenAPI's upper-case type names; JSON Schema wants lower case.
fn openapi_schema_to_json_schema(schema: &Value) -> Value {
    match schema {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, value)| {
                    let value = match (key.as_str(), value) {
                        ("type", Value::String(kind)) => json!(kind.to_ascii_lowercase()),
                        _ => openapi_schema_to_json_schema(value),
                    };
                    (key.clone(), value)
                })
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.iter().map(openapi_schema_to_json_schema).collect())
        }
        other => other.clone(),
    }
}

fn parts_text(parts: Option<&Value>) -> String {
    parts
        .and_then(Value::as_array)
        .map(|parts| {
            parts
                .iter()
                .filter_map(|p| str_field(p, "text"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// A part recording Gemini's own code execution (built-in tools are left out of the request,
/// and so are their records in earlier turns).
fn is_built_in_record(part: &Value) -> bool {
    [
        "executableCode",
        "executable_code",
        "codeExecutionResult",
        "code_execution_result",
    ]
    .iter()
    .any(|key| part.get(key).is_some())
}

fn unsupported_part(part: &Value) -> ConvertError {
    let kind = part
        .as_object()
        .and_then(|o| {
            o.keys()
                .find(|k| *k != "thoughtSignature" && *k != "thought_signature")
        })
        .map(String::as_str)
        .unwrap_or("(empty)");
    ConvertError::Unsupported(format!(
        "gemini part {kind} cannot be served by this channel"
    ))
}

fn gemini_part_to_chat(part: &Value) -> Result<Value, ConvertError> {
    if let Some(text) = str_field(part, "text") {
        return Ok(json!({"type": "text", "text": text}));
    }
    if let Some(inline) = field(part, "inlineData", "inline_data") {
        let mime = str_field(inline, "mimeType")
            .or_else(|| str_field(inline, "mime_type"))
            .unwrap_or_default();
        let data = str_field(inline, "data").unwrap_or_default();
        if mime.starts_with("image/") {
            return Ok(json!({"type": "image_url", "image_url": {"url": data_url(mime, data)}}));
        }
        if let Some(format) = mime.strip_prefix("audio/").and_then(|f| match f {
            "wav" | "x-wav" => Some("wav"),
            "mp3" | "mpeg" => Some("mp3"),
            _ => None,
        }) {
            return Ok(
                json!({"type": "input_audio", "input_audio": {"data": data, "format": format}}),
            );
        }
        if mime == "application/pdf" {
            return Ok(
                json!({"type": "file", "file": {"filename": "document.pdf", "file_data": data_url(mime, data)}}),
            );
        }
        return Err(ConvertError::Unsupported(format!(
            "gemini inline data of type {mime} cannot be served by this channel"
        )));
    }
    if let Some(file) = field(part, "fileData", "file_data") {
        let mime = str_field(file, "mimeType")
            .or_else(|| str_field(file, "mime_type"))
            .unwrap_or_default();
        let uri = str_field(file, "fileUri")
            .or_else(|| str_field(file, "file_uri"))
            .unwrap_or_default();
        if mime.starts_with("image/") && uri.starts_with("http") {
            return Ok(json!({"type": "image_url", "image_url": {"url": uri}}));
        }
        return Err(ConvertError::Unsupported(format!(
            "gemini file data {uri} of type {mime} cannot be served by this channel"
        )));
    }
    Err(unsupported_part(part))
}

/// A chat completions request as a Gemini generateContent body (model and streaming go in the
/// URL, not the body).
pub fn chat_request_to_gemini(chat: &Value) -> Result<Value, ConvertError> {
    let fields = as_object(chat, "request body")?;
    if let Some(modalities) = fields.get("modalities").and_then(Value::as_array)
        && modalities.iter().any(|m| m.as_str() == Some("audio"))
    {
        return Err(ConvertError::Unsupported(
            "audio output cannot be served by a gemini channel".into(),
        ));
    }
    let messages = fields
        .get("messages")
        .and_then(Value::as_array)
        .ok_or_else(|| ConvertError::InvalidRequest("messages must be an array".into()))?;
    let mut system = Vec::new();
    let mut contents: Vec<(&'static str, Vec<Value>)> = Vec::new();
    let mut call_names: HashMap<String, String> = HashMap::new();
    for message in messages {
        let content = message.get("content").unwrap_or(&Value::Null);
        let (role, parts) = match str_field(message, "role").unwrap_or_default() {
            "system" | "developer" => {
                system.extend(system_texts(content).map(|text| json!({"text": text})));
                continue;
            }
            "user" => ("user", chat_content_to_parts(content)?),
            "assistant" => {
                let mut parts = Vec::new();
                let text = chat_text(content);
                if !text.is_empty() {
                    parts.push(json!({"text": text}));
                }
                for call in message
                    .get("tool_calls")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                {
                    let function = call.get("function").unwrap_or(&Value::Null);
                    let name = str_field(function, "name").unwrap_or_default();
                    call_names.insert(
                        str_field(call, "id").unwrap_or_default().to_owned(),
                        name.to_owned(),
                    );
                    let args =
                        parse_arguments(str_field(function, "arguments").unwrap_or_default())
                            .map_err(ConvertError::InvalidRequest)?;
                    let mut part = json!({"functionCall": {"name": name, "args": args}});
                    if let Some(signature) = call.pointer("/extra_content/google/thought_signature")
                    {
                        part["thoughtSignature"] = signature.clone();
                    }
                    parts.push(part);
                }
                ("model", parts)
            }
            "tool" => {
                let id = str_field(message, "tool_call_id").unwrap_or_default();
                let name = call_names.get(id).cloned().unwrap_or_default();
                let text = chat_text(content);
                let response = match serde_json::from_str::<Value>(&text) {
                    Ok(object @ Value::Object(_)) => object,
                    _ => json!({"output": text}),
                };
                (
                    "user",
                    vec![json!({"functionResponse": {"name": name, "response": response}})],
                )
            }
            other => {
                return Err(ConvertError::Unsupported(format!(
                    "chat message role {other} cannot be served by a gemini channel"
                )));
            }
        };
        if parts.is_empty() {
            continue;
        }
        match contents.last_mut() {
            Some((last, existing)) if *last == role => existing.extend(parts),
            _ => contents.push((role, parts)),
        }
    }
    let mut out = Map::new();
    out.insert(
        "contents".into(),
        Value::Array(
            contents
                .into_iter()
                .map(|(role, parts)| json!({"role": role, "parts": parts}))
                .collect(),
        ),
    );
    if !system.is_empty() {
        out.insert("systemInstruction".into(), json!({"parts": system}));
    }
    let mut config = Map::new();
    for (source, target) in [
        ("temperature", "temperature"),
        ("top_p", "topP"),
        ("presence_penalty", "presencePenalty"),
        ("frequency_penalty", "frequencyPenalty"),
        ("seed", "seed"),
        ("n", "candidateCount"),
    ] {
        if let Some(value) = fields.get(source).filter(|v| !v.is_null()) {
            config.insert(target.into(), value.clone());
        }
    }
    if let Some(top_k) = chat_top_k(chat) {
        config.insert("topK".into(), top_k.clone());
    }
    if let Some(max_tokens) = chat_max_tokens(chat) {
        config.insert("maxOutputTokens".into(), json!(max_tokens));
    }
    let stops = fields.get("stop").map(stop_list).unwrap_or_default();
    if !stops.is_empty() {
        config.insert("stopSequences".into(), Value::Array(stops));
    }
    match fields
        .get("response_format")
        .and_then(|f| str_field(f, "type"))
    {
        Some("json_object") => {
            config.insert("responseMimeType".into(), json!("application/json"));
        }
        Some("json_schema") => {
            config.insert("responseMimeType".into(), json!("application/json"));
            if let Some(schema) = fields
                .get("response_format")
                .and_then(|f| f.pointer("/json_schema/schema"))
            {
                config.insert("responseJsonSchema".into(), schema.clone());
            }
        }
        _ => {}
    }
    if let Some(budget) = chat_thinking_budget(chat) {
        let mut thinking = json!({"thinkingBudget": budget});
        if budget != 0 {
            // Without it Gemini thinks but returns none of the thoughts.
            thinking["includeThoughts"] = json!(true);
        }
        config.insert("thinkingConfig".into(), thinking);
    }
    if !config.is_empty() {
        out.insert("generationConfig".into(), Value::Object(config));
    }
    if let Some(tools) = fields.get("tools").and_then(Value::as_array) {
        let mut declarations = Vec::with_capacity(tools.len());
        for tool in tools {
            let kind = str_field(tool, "type").unwrap_or("function");
            if kind != "function" {
                return Err(ConvertError::Unsupported(format!(
                    "chat tool type {kind} cannot be served by a gemini channel"
                )));
            }
            let function = tool.get("function").unwrap_or(&Value::Null);
            let mut declaration = Map::new();
            declaration.insert(
                "name".into(),
                function.get("name").cloned().unwrap_or_default(),
            );
            if let Some(description) = function.get("description") {
                declaration.insert("description".into(), description.clone());
            }
            if let Some(parameters) = function.get("parameters") {
                declaration.insert("parametersJsonSchema".into(), parameters.clone());
            }
            declarations.push(Value::Object(declaration));
        }
        if !declarations.is_empty() {
            out.insert(
                "tools".into(),
                json!([{"functionDeclarations": declarations}]),
            );
        }
    }
    let calling = match fields.get("tool_choice") {
        Some(Value::String(mode)) => match mode.as_str() {
            "none" => Some(json!({"mode": "NONE"})),
            "required" => Some(json!({"mode": "ANY"})),
            _ => Some(json!({"mode": "AUTO"})),
        },
        Some(named @ Value::Object(_)) => Some(json!({"mode": "ANY",
            "allowedFunctionNames": [named.pointer("/function/name").cloned().unwrap_or_default()]})),
        _ => None,
    };
    if let Some(calling) = calling {
        out.insert(
            "toolConfig".into(),
            json!({"functionCallingConfig": calling}),
        );
    }
    Ok(Value::Object(out))
}

fn chat_content_to_parts(content: &Value) -> Result<Vec<Value>, ConvertError> {
    let parts = match content {
        Value::String(text) if text.is_empty() => return Ok(Vec::new()),
        Value::String(text) => return Ok(vec![json!({"text": text})]),
        Value::Array(parts) => parts,
        Value::Null => return Ok(Vec::new()),
        _ => {
            return Err(ConvertError::InvalidRequest(
                "message content must be a string or an array".into(),
            ));
        }
    };
    let mut out = Vec::with_capacity(parts.len());
    for part in parts {
        match str_field(part, "type") {
            Some("text") => out.push(json!({"text": str_field(part, "text").unwrap_or_default()})),
            Some("image_url") => {
                let url = part
                    .get("image_url")
                    .and_then(|i| str_field(i, "url").or_else(|| i.as_str()))
                    .unwrap_or_default();
                out.push(match parse_data_url(url) {
                    Some((mime, data)) => json!({"inlineData": {"mimeType": mime, "data": data}}),
                    None => json!({"fileData": {"mimeType": mime_from_url(url), "fileUri": url}}),
                });
            }
            Some("input_audio") => {
                let audio = part.get("input_audio").unwrap_or(&Value::Null);
                let format = str_field(audio, "format").unwrap_or("wav");
                out.push(json!({"inlineData": {"mimeType": format!("audio/{format}"),
                    "data": str_field(audio, "data").unwrap_or_default()}}));
            }
            Some("file") => {
                let file = part.get("file").unwrap_or(&Value::Null);
                let Some((mime, data)) = str_field(file, "file_data").and_then(parse_data_url)
                else {
                    return Err(ConvertError::Unsupported(
                        "file parts without inline file_data cannot be served by a gemini channel"
                            .into(),
                    ));
                };
                out.push(json!({"inlineData": {"mimeType": mime, "data": data}}));
            }
            other => {
                return Err(ConvertError::Unsupported(format!(
                    "chat content part {} cannot be served by a gemini channel",
                    other.unwrap_or("(untyped)")
                )));
            }
        }
    }
    Ok(out)
}

/// Gemini needs a MIME type for a file URI; an image URL's extension is the best guess.
fn mime_from_url(url: &str) -> &'static str {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    match path.rsplit('.').next() {
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("heic") => "image/heic",
        Some("heif") => "image/heif",
        _ => "image/jpeg",
    }
}

// ------------------------------------------------------------------ responses

fn finish_reason_to_chat(reason: &str, has_calls: bool) -> &'static str {
    match reason {
        "MAX_TOKENS" => "length",
        "SAFETY" | "RECITATION" | "BLOCKLIST" | "PROHIBITED_CONTENT" | "SPII" | "IMAGE_SAFETY" => {
            "content_filter"
        }
        _ if has_calls => "tool_calls",
        _ => "stop",
    }
}

fn finish_reason_to_gemini(reason: Option<&str>) -> &'static str {
    match reason {
        Some("length") => "MAX_TOKENS",
        Some("content_filter") => "SAFETY",
        _ => "STOP",
    }
}

/// Text, thoughts and calls of a Gemini candidate; `next_call` numbers calls without an id.
fn read_parts(parts: &[Value], next_call: &mut usize) -> (String, String, Vec<Value>) {
    let mut text = String::new();
    let mut reasoning = String::new();
    let mut calls = Vec::new();
    for part in parts {
        if let Some(call) = field(part, "functionCall", "function_call") {
            let id = str_field(call, "id")
                .map(str::to_owned)
                .unwrap_or_else(|| format!("call_{next_call}"));
            *next_call += 1;
            let mut chat_call = json!({"id": id, "type": "function", "function": {
                "name": str_field(call, "name").unwrap_or_default(),
                "arguments": call.get("args").cloned().unwrap_or_else(|| json!({})).to_string(),
            }});
            // Gemini's own OpenAI-compatible API returns signatures here; chat clients send
            // them back unchanged and the next request to Gemini needs them.
            if let Some(signature) = field(part, "thoughtSignature", "thought_signature") {
                chat_call["extra_content"] = json!({"google": {"thought_signature": signature}});
            }
            calls.push(chat_call);
        } else if let Some(piece) = str_field(part, "text") {
            if part.get("thought").and_then(Value::as_bool) == Some(true) {
                reasoning.push_str(piece);
            } else {
                text.push_str(piece);
            }
        }
    }
    (text, reasoning, calls)
}

/// A Gemini generateContent response as a chat completion.
pub fn gemini_response_to_chat(
    response: &Value,
    meta: &ResponseMeta,
) -> Result<Value, ConvertError> {
    as_object(response, "gemini response")
        .map_err(|e| ConvertError::InvalidResponse(e.to_string()))?;
    let candidate = response
        .get("candidates")
        .and_then(Value::as_array)
        .and_then(|c| c.first());
    let (message, finish_reason) = match candidate {
        Some(candidate) => {
            let parts = candidate
                .pointer("/content/parts")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let (text, reasoning, calls) = read_parts(parts, &mut 0);
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
            let has_calls = !calls.is_empty();
            if has_calls {
                message.insert("tool_calls".into(), Value::Array(calls));
            }
            let reason = finish_reason_to_chat(
                str_field(candidate, "finishReason").unwrap_or("STOP"),
                has_calls,
            );
            (Value::Object(message), reason)
        }
        // No candidate at all: the prompt itself was blocked.
        None => (
            json!({"role": "assistant", "content": null}),
            "content_filter",
        ),
    };
    let usage = Usage::from_gemini(response.get("usageMetadata").unwrap_or(&Value::Null));
    Ok(json!({
        "id": str_field(response, "responseId").unwrap_or_default(),
        "object": "chat.completion",
        "created": meta.created,
        "model": str_field(response, "modelVersion").filter(|_| meta.model.is_empty()).unwrap_or(&meta.model),
        "choices": [{"index": 0, "message": message, "logprobs": null, "finish_reason": finish_reason}],
        "usage": usage.to_chat(),
    }))
}

fn call_to_gemini_part(call: &Value) -> Result<Value, ConvertError> {
    let function = call.get("function").unwrap_or(&Value::Null);
    let args = parse_arguments(str_field(function, "arguments").unwrap_or_default())
        .map_err(ConvertError::InvalidResponse)?;
    let mut part = json!({"functionCall": {"name": str_field(function, "name").unwrap_or_default(), "args": args}});
    if let Some(id) = str_field(call, "id").filter(|id| !id.is_empty()) {
        part["functionCall"]["id"] = json!(id);
    }
    if let Some(signature) = call.pointer("/extra_content/google/thought_signature") {
        part["thoughtSignature"] = signature.clone();
    }
    Ok(part)
}

/// A chat completion as a Gemini generateContent response.
pub fn chat_response_to_gemini(chat: &Value) -> Result<Value, ConvertError> {
    let choice = chat
        .get("choices")
        .and_then(Value::as_array)
        .and_then(|c| c.first())
        .ok_or_else(|| ConvertError::InvalidResponse("chat completion has no choices".into()))?;
    let message = choice.get("message").unwrap_or(&Value::Null);
    let mut parts = Vec::new();
    let reasoning = str_field(message, "reasoning_content")
        .or_else(|| str_field(message, "reasoning"))
        .unwrap_or_default();
    if !reasoning.is_empty() {
        parts.push(json!({"text": reasoning, "thought": true}));
    }
    let text = chat_text(message.get("content").unwrap_or(&Value::Null));
    if !text.is_empty() {
        parts.push(json!({"text": text}));
    }
    for call in message
        .get("tool_calls")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        parts.push(call_to_gemini_part(call)?);
    }
    if parts.is_empty() {
        parts.push(json!({"text": ""}));
    }
    let usage = Usage::from_chat(chat.get("usage").unwrap_or(&Value::Null));
    Ok(json!({
        "candidates": [{
            "content": {"role": "model", "parts": parts},
            "finishReason": finish_reason_to_gemini(str_field(choice, "finish_reason")),
            "index": 0,
        }],
        "usageMetadata": usage.to_gemini(),
        "modelVersion": str_field(chat, "model").unwrap_or_default(),
        "responseId": str_field(chat, "id").unwrap_or_default(),
    }))
}

// ------------------------------------------------------------------ streams

/// Gemini streamGenerateContent (`alt=sse`) chunks in, chat completion chunks out.
#[derive(Debug)]
pub struct GeminiToChatStream {
    meta: ResponseMeta,
    id: String,
    model: String,
    started: bool,
    next_call: usize,
    has_calls: bool,
    usage: Option<Usage>,
    finished: bool,
    done: bool,
}

impl GeminiToChatStream {
    pub fn new(meta: ResponseMeta) -> GeminiToChatStream {
        GeminiToChatStream {
            model: meta.model.clone(),
            meta,
            id: String::new(),
            started: false,
            next_call: 0,
            has_calls: false,
            usage: None,
            finished: false,
            done: false,
        }
    }

    fn chunk(&self, delta: Value, finish_reason: Value) -> StreamEvent {
        StreamEvent::Json {
            event: None,
            data: json!({
                "id": self.id, "object": "chat.completion.chunk", "created": self.meta.created,
                "model": self.model,
                "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish_reason}],
            }),
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

impl EventConverter for GeminiToChatStream {
    fn push(&mut self, event: &Value, out: &mut Vec<StreamEvent>) {
        if self.done || self.finished && event.get("usageMetadata").is_none() {
            return;
        }
        if let Some(error) = event.get("error") {
            let message = str_field(error, "message")
                .unwrap_or("upstream error")
                .to_owned();
            return self.fail(&message, out);
        }
        if !self.started {
            self.started = true;
            self.id = upstream_name(str_field(event, "responseId").unwrap_or_default());
            if self.meta.model.is_empty()
                && let Some(version) = str_field(event, "modelVersion")
            {
                self.model = upstream_name(version);
            }
            out.push(self.chunk(json!({"role": "assistant", "content": ""}), Value::Null));
        }
        if let Some(usage) = event.get("usageMetadata") {
            self.usage = Some(Usage::from_gemini(usage));
        }
        if self.finished {
            return;
        }
        let Some(candidate) = event
            .get("candidates")
            .and_then(Value::as_array)
            .and_then(|c| c.first())
        else {
            if event.pointer("/promptFeedback/blockReason").is_some() {
                self.finished = true;
                out.push(self.chunk(json!({}), json!("content_filter")));
            }
            return;
        };
        let parts = candidate
            .pointer("/content/parts")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let first_call = self.next_call;
        let (text, reasoning, mut calls) = read_parts(parts, &mut self.next_call);
        if !reasoning.is_empty() {
            out.push(self.chunk(json!({"reasoning_content": reasoning}), Value::Null));
        }
        if !text.is_empty() {
            out.push(self.chunk(json!({"content": text}), Value::Null));
        }
        if !calls.is_empty() {
            self.has_calls = true;
            for (offset, call) in calls.iter_mut().enumerate() {
                call["index"] = json!(first_call + offset);
            }
            out.push(self.chunk(json!({"tool_calls": calls}), Value::Null));
        }
        if let Some(reason) = str_field(candidate, "finishReason") {
            self.finished = true;
            out.push(self.chunk(
                json!({}),
                json!(finish_reason_to_chat(reason, self.has_calls)),
            ));
        }
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        if self.done {
            return;
        }
        if !self.finished {
            return self.fail(
                "upstream stream ended before the response was complete",
                out,
            );
        }
        self.done = true;
        if let Some(usage) = self.usage {
            out.push(StreamEvent::Json {
                event: None,
                data: json!({"id": self.id, "object": "chat.completion.chunk", "created": self.meta.created,
                    "model": self.model, "choices": [], "usage": usage.to_chat()}),
            });
        }
        out.push(StreamEvent::Done);
    }
}

/// Chat completion chunks in, Gemini streamGenerateContent (`alt=sse`) chunks out. Tool calls
/// are sent whole once their arguments are complete, as Gemini does.
#[derive(Debug, Default)]
pub struct ChatToGeminiStream {
    blocks: ChatBlocks,
    ops: Vec<BlockOp>,
    open: Option<BlockKind>,
    arguments: String,
    done: bool,
}

impl ChatToGeminiStream {
    pub fn new() -> ChatToGeminiStream {
        ChatToGeminiStream::default()
    }

    fn parts(&mut self) -> Vec<Value> {
        let mut parts = Vec::new();
        for op in std::mem::take(&mut self.ops) {
            match op {
                BlockOp::Start(kind) => {
                    self.arguments.clear();
                    self.open = Some(kind);
                }
                BlockOp::Delta(text) => match &self.open {
                    Some(BlockKind::Thinking) => parts.push(json!({"text": text, "thought": true})),
                    Some(BlockKind::Text) => parts.push(json!({"text": text})),
                    Some(BlockKind::Tool { .. }) => self.arguments.push_str(&text),
                    None => {}
                },
                BlockOp::Stop => {
                    if let Some(BlockKind::Tool { id, name }) = self.open.take() {
                        let args = parse_arguments(&self.arguments).unwrap_or_else(|_| json!({}));
                        let mut part = json!({"functionCall": {"name": name, "args": args}});
                        if !id.is_empty() {
                            part["functionCall"]["id"] = json!(id);
                        }
                        if let Some(signature) = self.blocks.signature_of(&id) {
                            part["thoughtSignature"] = json!(signature);
                        }
                        parts.push(part);
                    }
                }
            }
        }
        parts
    }

    fn chunk(&self, parts: Vec<Value>, finish: bool) -> StreamEvent {
        let mut candidate = json!({"content": {"role": "model", "parts": parts}, "index": 0});
        let mut data = json!({});
        if finish {
            candidate["finishReason"] = json!(finish_reason_to_gemini(
                self.blocks.finish_reason.as_deref()
            ));
            if let Some(usage) = self.blocks.usage {
                data["usageMetadata"] = usage.to_gemini();
            }
        }
        data["candidates"] = json!([candidate]);
        data["modelVersion"] = json!(self.blocks.model);
        data["responseId"] = json!(self.blocks.id);
        StreamEvent::Json { event: None, data }
    }

    fn end(&mut self, out: &mut Vec<StreamEvent>) {
        self.done = true;
        let mut parts = self.parts();
        if parts.is_empty() {
            parts.push(json!({"text": ""}));
        }
        out.push(self.chunk(parts, true));
    }
}

impl EventConverter for ChatToGeminiStream {
    fn push(&mut self, chunk: &Value, out: &mut Vec<StreamEvent>) {
        if self.done {
            return;
        }
        self.blocks.push(chunk, &mut self.ops);
        if let Some(error) = self.blocks.error.take() {
            self.done = true;
            out.push(StreamEvent::Json { event: None, data: json!({"error": {"code": 502,
                "message": str_field(&error, "message").unwrap_or("upstream error"), "status": "UNAVAILABLE"}}) });
            return;
        }
        if self.blocks.finish_reason.is_some() {
            // The finish reason travels with the usage in Gemini's last chunk: wait for it.
            if self.blocks.usage.is_some() {
                self.end(out);
            }
            return;
        }
        let parts = self.parts();
        if !parts.is_empty() {
            out.push(self.chunk(parts, false));
        }
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        if self.done {
            return;
        }
        if self.blocks.finish_reason.is_some() {
            self.end(out);
        } else {
            self.done = true;
            out.push(StreamEvent::Json { event: None, data: json!({"error": {"code": 502,
                "message": "upstream stream ended before the response was complete", "status": "UNAVAILABLE"}}) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_unanswered_calls_convert_in_linear_time() {
        // 100k calls, then 100k answers naming none of them: a scan of the open calls per
        // answer would be 10^10 comparisons, far beyond the test harness.
        let calls: Vec<Value> = (0..100_000)
            .map(|index| {
                json!({"functionCall": {"name": format!("f{index}"), "id": format!("c{index}")}})
            })
            .collect();
        let answers: Vec<Value> = (0..100_000)
            .map(|index| json!({"functionResponse": {"name": format!("g{index}"), "response": {}}}))
            .collect();
        let request = json!({"contents": [
            {"role": "model", "parts": calls},
            {"role": "user", "parts": answers},
        ]});
        let chat =
            gemini_request_to_pivot(&request, "m", false, &mut ClientTools::default()).unwrap();
        assert_eq!(chat["messages"].as_array().unwrap().len(), 100_001);
    }

    #[test]
    fn answers_close_calls_by_id_or_oldest_name() {
        let mut open = OpenCalls::default();
        open.open("a", "f");
        open.open("b", "f");
        open.open("c", "g");
        open.close_id("a");
        assert_eq!(open.close_oldest_named("f").as_deref(), Some("b"));
        assert_eq!(open.close_oldest_named("f"), None);
        assert_eq!(open.close_oldest_named("g").as_deref(), Some("c"));
    }
}
