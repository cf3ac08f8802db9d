//! The Converse API's whole exchange: a chat body converted to a Converse request, a Converse response converted to a chat completion.
//!
//! System turns become `system` text blocks; user turns text and image blocks (images only as
//! `data:` URLs: Converse takes bytes, not links); assistant tool calls `toolUse` blocks and tool
//! answers `toolResult` blocks in a user turn. Consecutive turns of one role are merged because
//! Converse wants them alternating. Dropped: `n`, `logprobs`, `seed`, penalties, `logit_bias`,
//! `response_format`, `user`, `reasoning_effort` (model-specific fields Converse has no
//! common name for).

use serde_json::{Map, Value, json};

use crate::convert::{ResponseMeta, Usage};
use crate::error::RelayError;

fn bad_request(message: impl Into<String>) -> RelayError {
    RelayError::BadRequest {
        message: message.into(),
        param: None,
    }
}

/// A chat completion request as a Converse request body.
pub fn request_from_chat(chat: &Value) -> Result<Value, RelayError> {
    let messages = chat
        .get("messages")
        .and_then(Value::as_array)
        .ok_or_else(|| bad_request("messages must be an array"))?;
    let mut system = Vec::new();
    let mut turns: Vec<(String, Vec<Value>)> = Vec::new();
    for message in messages {
        let role = message
            .get("role")
            .and_then(Value::as_str)
            .unwrap_or("user");
        match role {
            "system" | "developer" => {
                for text in texts(message.get("content")) {
                    system.push(json!({"text": text}));
                }
            }
            "assistant" => push_turn(&mut turns, "assistant", assistant_blocks(message)?),
            "tool" | "function" => push_turn(&mut turns, "user", vec![tool_result(message)]),
            _ => push_turn(&mut turns, "user", user_blocks(message.get("content"))?),
        }
    }
    let mut body = Map::new();
    body.insert(
        "messages".into(),
        Value::Array(
            turns
                .into_iter()
                .map(|(role, content)| json!({"role": role, "content": content}))
                .collect(),
        ),
    );
    if !system.is_empty() {
        body.insert("system".into(), Value::Array(system));
    }
    let inference = inference_config(chat);
    if !inference.is_empty() {
        body.insert("inferenceConfig".into(), Value::Object(inference));
    }
    if let Some(tools) = tool_config(chat) {
        body.insert("toolConfig".into(), tools);
    }
    Ok(Value::Object(body))
}

/// Appends `blocks` as a turn of `role`, merged into the previous turn of the same role.
fn push_turn(turns: &mut Vec<(String, Vec<Value>)>, role: &str, blocks: Vec<Value>) {
    if blocks.is_empty() {
        return;
    }
    match turns.last_mut() {
        Some((last, content)) if last == role => content.extend(blocks),
        _ => turns.push((role.to_owned(), blocks)),
    }
}

/// The non-empty texts of a chat content (a string or an array of parts).
fn texts(content: Option<&Value>) -> Vec<String> {
    match content {
        Some(Value::String(text)) if !text.is_empty() => vec![text.clone()],
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|part| part.get("text").and_then(Value::as_str))
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn user_blocks(content: Option<&Value>) -> Result<Vec<Value>, RelayError> {
    let Some(Value::Array(parts)) = content else {
        return Ok(texts(content)
            .into_iter()
            .map(|text| json!({"text": text}))
            .collect());
    };
    let mut blocks = Vec::new();
    for part in parts {
        match part.get("type").and_then(Value::as_str) {
            Some("image_url") => {
                let url = part
                    .pointer("/image_url/url")
                    .or_else(|| part.get("image_url"))
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                blocks.push(image_block(url)?);
            }
            _ => {
                if let Some(text) = part.get("text").and_then(Value::as_str)
                    && !text.is_empty()
                {
                    blocks.push(json!({"text": text}));
                }
            }
        }
    }
    Ok(blocks)
}

/// A `data:image/png;base64,...` URL as a Converse image block.
fn image_block(url: &str) -> Result<Value, RelayError> {
    let (format, data) = url
        .strip_prefix("data:image/")
        .and_then(|rest| rest.split_once(";base64,"))
        .ok_or_else(|| bad_request("Bedrock takes images as base64 data: URLs only"))?;
    let format = match format {
        "jpg" => "jpeg",
        other => other,
    };
    Ok(json!({"image": {"format": format, "source": {"bytes": data}}}))
}

fn assistant_blocks(message: &Value) -> Result<Vec<Value>, RelayError> {
    let mut blocks: Vec<Value> = texts(message.get("content"))
        .into_iter()
        .map(|text| json!({"text": text}))
        .collect();
    for call in message
        .get("tool_calls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let function = call.get("function").unwrap_or(&Value::Null);
        let arguments = function
            .get("arguments")
            .and_then(Value::as_str)
            .unwrap_or("{}");
        // Converse wants the input as a JSON object; arguments that are not one are kept as text.
        let input = match serde_json::from_str::<Value>(arguments) {
            Ok(Value::Object(object)) => Value::Object(object),
            Ok(_) | Err(_) if arguments.trim().is_empty() => json!({}),
            _ => json!({"arguments": arguments}),
        };
        blocks.push(json!({"toolUse": {
            "toolUseId": call.get("id").and_then(Value::as_str).unwrap_or_default(),
            "name": function.get("name").and_then(Value::as_str).unwrap_or_default(),
            "input": input,
        }}));
    }
    Ok(blocks)
}

fn tool_result(message: &Value) -> Value {
    let text = texts(message.get("content")).join("\n");
    json!({"toolResult": {
        "toolUseId": message.get("tool_call_id").and_then(Value::as_str).unwrap_or_default(),
        "content": [{"text": text}],
    }})
}

fn inference_config(chat: &Value) -> Map<String, Value> {
    let mut config = Map::new();
    if let Some(max) = chat
        .get("max_completion_tokens")
        .or_else(|| chat.get("max_tokens"))
        .filter(|max| max.is_u64())
    {
        config.insert("maxTokens".into(), max.clone());
    }
    for (from, to) in [("temperature", "temperature"), ("top_p", "topP")] {
        if let Some(value) = chat.get(from).filter(|value| value.is_number()) {
            config.insert(to.into(), value.clone());
        }
    }
    match chat.get("stop") {
        Some(Value::String(stop)) => {
            config.insert("stopSequences".into(), json!([stop]));
        }
        Some(Value::Array(stops)) if !stops.is_empty() => {
            config.insert("stopSequences".into(), Value::Array(stops.clone()));
        }
        _ => {}
    }
    config
}

fn tool_config(chat: &Value) -> Option<Value> {
    let tools: Vec<Value> = chat
        .get("tools")?
        .as_array()?
        .iter()
        .filter(|tool| tool.get("type").and_then(Value::as_str) == Some("function"))
        .filter_map(|tool| {
            let function = tool.get("function")?;
            let mut spec = json!({
                "name": function.get("name")?,
                "inputSchema": {"json": function.get("parameters").cloned()
                    .unwrap_or_else(|| json!({"type": "object", "properties": {}}))},
            });
            if let Some(description) = function.get("description").filter(|d| d.is_string()) {
                spec["description"] = description.clone();
            }
            Some(json!({"toolSpec": spec}))
        })
        .collect();
    if tools.is_empty() {
        return None;
    }
    let mut config = json!({"tools": tools});
    // `none` has no Converse spelling: the tools stay listed (earlier calls need them).
    match chat.get("tool_choice") {
        Some(Value::String(choice)) if choice == "required" => {
            config["toolChoice"] = json!({"any": {}});
        }
        Some(Value::String(choice)) if choice == "auto" => {
            config["toolChoice"] = json!({"auto": {}});
        }
        Some(choice @ Value::Object(_)) => {
            if let Some(name) = choice.pointer("/function/name") {
                config["toolChoice"] = json!({"tool": {"name": name}});
            }
        }
        _ => {}
    }
    Some(config)
}

/// A Converse `stopReason` as a chat `finish_reason`.
pub fn finish_reason(stop_reason: &str) -> &'static str {
    match stop_reason {
        "max_tokens" | "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "content_filtered" | "guardrail_intervened" => "content_filter",
        _ => "stop",
    }
}

/// A Converse `usage` object; like Anthropic's, its `inputTokens` leave cache reads and
/// writes out.
pub fn usage(usage: &Value) -> Usage {
    let count = |name: &str| usage.get(name).and_then(Value::as_u64).unwrap_or(0);
    let cache_read = count("cacheReadInputTokens");
    let cache_creation = count("cacheWriteInputTokens");
    Usage {
        input: count("inputTokens") + cache_read + cache_creation,
        output: count("outputTokens"),
        cache_read,
        cache_creation,
        reasoning: 0,
    }
}

/// A chat completion id for answers that carry none.
pub fn completion_id() -> String {
    format!("chatcmpl-{}", uuid::Uuid::new_v4().simple())
}

/// A whole Converse response as a chat completion.
pub fn response_to_chat(converse: &Value, meta: &ResponseMeta) -> Result<Value, RelayError> {
    let content = converse
        .pointer("/output/message/content")
        .and_then(Value::as_array)
        .ok_or(RelayError::UpstreamInvalid)?;
    let mut text = String::new();
    let mut reasoning = String::new();
    let mut calls = Vec::new();
    for block in content {
        if let Some(piece) = block.get("text").and_then(Value::as_str) {
            text.push_str(piece);
        } else if let Some(tool) = block.get("toolUse") {
            calls.push(json!({
                "id": tool.get("toolUseId").and_then(Value::as_str).unwrap_or_default(),
                "type": "function",
                "function": {
                    "name": tool.get("name").and_then(Value::as_str).unwrap_or_default(),
                    "arguments": tool.get("input").cloned().unwrap_or_else(|| json!({})).to_string(),
                },
            }));
        } else if let Some(piece) = block
            .pointer("/reasoningContent/reasoningText/text")
            .and_then(Value::as_str)
        {
            reasoning.push_str(piece);
        }
    }
    let mut message = json!({"role": "assistant", "content": text});
    if !calls.is_empty() {
        message["tool_calls"] = Value::Array(calls);
    }
    if !reasoning.is_empty() {
        message["reasoning_content"] = Value::String(reasoning);
    }
    let stop_reason = converse
        .get("stopReason")
        .and_then(Value::as_str)
        .unwrap_or("end_turn");
    let mut completion = json!({
        "id": completion_id(),
        "object": "chat.completion",
        "created": meta.created,
        "model": meta.model,
        "choices": [{"index": 0, "message": message, "logprobs": null,
            "finish_reason": finish_reason(stop_reason)}],
    });
    if let Some(found) = converse.get("usage") {
        completion["usage"] = usage(found).to_chat();
    }
    Ok(completion)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_conversation_becomes_converse_turns() {
        let chat = json!({
            "model": "m", "max_tokens": 64, "temperature": 0.5, "top_p": 0.9, "stop": "END",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBO"}},
                ]},
                {"role": "assistant", "content": null, "tool_calls": [{"id": "t1", "type": "function",
                    "function": {"name": "look", "arguments": "{\"x\":1}"}}]},
                {"role": "tool", "tool_call_id": "t1", "content": "a cat"},
                {"role": "user", "content": "thanks"},
            ],
            "tools": [{"type": "function", "function": {"name": "look", "description": "Looks",
                "parameters": {"type": "object", "properties": {"x": {"type": "integer"}}}}}],
            "tool_choice": "required",
        });
        let converse = request_from_chat(&chat).unwrap();
        assert_eq!(
            converse,
            json!({
                "system": [{"text": "Be brief."}],
                "messages": [
                    {"role": "user", "content": [
                        {"text": "What is this?"},
                        {"image": {"format": "png", "source": {"bytes": "iVBO"}}},
                    ]},
                    {"role": "assistant", "content": [
                        {"toolUse": {"toolUseId": "t1", "name": "look", "input": {"x": 1}}},
                    ]},
                    {"role": "user", "content": [
                        {"toolResult": {"toolUseId": "t1", "content": [{"text": "a cat"}]}},
                        {"text": "thanks"},
                    ]},
                ],
                "inferenceConfig": {"maxTokens": 64, "temperature": 0.5, "topP": 0.9,
                    "stopSequences": ["END"]},
                "toolConfig": {
                    "tools": [{"toolSpec": {"name": "look", "description": "Looks",
                        "inputSchema": {"json": {"type": "object",
                            "properties": {"x": {"type": "integer"}}}}}}],
                    "toolChoice": {"any": {}},
                },
            })
        );
    }

    #[test]
    fn a_named_tool_choice_and_a_link_image() {
        let chat = json!({"messages": [{"role": "user", "content": "hi"}],
            "tools": [{"type": "function", "function": {"name": "f"}}],
            "tool_choice": {"type": "function", "function": {"name": "f"}}});
        let converse = request_from_chat(&chat).unwrap();
        assert_eq!(
            converse["toolConfig"]["toolChoice"],
            json!({"tool": {"name": "f"}})
        );
        assert_eq!(
            converse["toolConfig"]["tools"][0]["toolSpec"]["inputSchema"]["json"]["type"],
            "object"
        );
        let linked = json!({"messages": [{"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]}]});
        assert!(matches!(
            request_from_chat(&linked),
            Err(RelayError::BadRequest { .. })
        ));
    }

    #[test]
    fn a_converse_answer_becomes_a_chat_completion() {
        let converse = json!({
            "output": {"message": {"role": "assistant", "content": [
                {"reasoningContent": {"reasoningText": {"text": "hmm", "signature": "s"}}},
                {"text": "Let me look."},
                {"toolUse": {"toolUseId": "t9", "name": "look", "input": {"x": 2}}},
            ]}},
            "stopReason": "tool_use",
            "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 19,
                "cacheReadInputTokens": 4},
        });
        let meta = ResponseMeta {
            model: "client-model".into(),
            created: 1,
            tools: Default::default(),
        };
        let chat = response_to_chat(&converse, &meta).unwrap();
        let choice = &chat["choices"][0];
        assert_eq!(choice["finish_reason"], "tool_calls");
        assert_eq!(choice["message"]["content"], "Let me look.");
        assert_eq!(choice["message"]["reasoning_content"], "hmm");
        assert_eq!(choice["message"]["tool_calls"][0]["id"], "t9");
        assert_eq!(
            choice["message"]["tool_calls"][0]["function"]["arguments"],
            "{\"x\":2}"
        );
        assert_eq!(chat["model"], "client-model");
        assert_eq!(chat["usage"]["prompt_tokens"], 14);
        assert_eq!(chat["usage"]["completion_tokens"], 5);
        assert_eq!(chat["usage"]["prompt_tokens_details"]["cached_tokens"], 4);
    }

    #[test]
    fn stop_reasons_map_to_finish_reasons() {
        assert_eq!(finish_reason("end_turn"), "stop");
        assert_eq!(finish_reason("stop_sequence"), "stop");
        assert_eq!(finish_reason("max_tokens"), "length");
        assert_eq!(finish_reason("tool_use"), "tool_calls");
        assert_eq!(finish_reason("guardrail_intervened"), "content_filter");
    }
}
