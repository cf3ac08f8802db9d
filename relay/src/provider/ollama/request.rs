//! The relay's bodies as Ollama native requests: the chat pivot as `/api/chat` (options, tools, images, explicit `stream`), embeddings as `/api/embed`.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use crate::error::RelayError;

fn bad(message: impl Into<String>) -> RelayError {
    RelayError::BadRequest {
        message: message.into(),
        param: None,
    }
}

/// A message's text and the base64 images of its `data:` URL parts (Ollama takes no URLs).
fn content(content: &Value) -> Result<(String, Vec<Value>), RelayError> {
    let parts = match content {
        Value::String(text) => return Ok((text.clone(), Vec::new())),
        Value::Array(parts) => parts,
        _ => return Ok((String::new(), Vec::new())),
    };
    let mut text = String::new();
    let mut images = Vec::new();
    for part in parts {
        match part.get("type").and_then(Value::as_str) {
            Some("text") => text.push_str(part.get("text").and_then(Value::as_str).unwrap_or("")),
            Some("image_url") => {
                let url = part
                    .pointer("/image_url/url")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let data = url
                    .strip_prefix("data:")
                    .and_then(|rest| rest.split_once(";base64,"))
                    .map(|(_, data)| data)
                    .ok_or_else(|| bad("ollama channels take images as data: URLs only"))?;
                images.push(json!(data));
            }
            other => {
                return Err(bad(format!(
                    "ollama channels do not take {} content parts",
                    other.unwrap_or("untyped")
                )));
            }
        }
    }
    Ok((text, images))
}

/// An assistant's tool calls with their arguments as objects, as Ollama wants them.
fn tool_calls(
    calls: &[Value],
    names: &mut HashMap<String, String>,
) -> Result<Vec<Value>, RelayError> {
    calls
        .iter()
        .map(|call| {
            let name = call
                .pointer("/function/name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if let Some(id) = call.get("id").and_then(Value::as_str) {
                names.insert(id.to_owned(), name.to_owned());
            }
            let arguments = match call.pointer("/function/arguments") {
                Some(Value::String(text)) if text.trim().is_empty() => json!({}),
                Some(Value::String(text)) => serde_json::from_str::<Value>(text)
                    .ok()
                    .filter(Value::is_object)
                    .ok_or_else(|| {
                        bad(format!(
                            "the arguments of the call to {name} are not a JSON object"
                        ))
                    })?,
                Some(object @ Value::Object(_)) => object.clone(),
                _ => json!({}),
            };
            Ok(json!({"function": {"name": name, "arguments": arguments}}))
        })
        .collect()
}

fn messages(chat: &Value) -> Result<Vec<Value>, RelayError> {
    // Tool results name their function; chat names only the call, so calls are remembered.
    let mut names = HashMap::new();
    chat.get("messages")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("messages is required"))?
        .iter()
        .map(|message| {
            let role = message
                .get("role")
                .and_then(Value::as_str)
                .unwrap_or("user");
            let (text, images) = content(message.get("content").unwrap_or(&Value::Null))?;
            let mut out = Map::new();
            let role = match role {
                "developer" => "system",
                "system" | "user" | "assistant" | "tool" => role,
                other => return Err(bad(format!("ollama channels do not take {other} messages"))),
            };
            out.insert("role".into(), json!(role));
            out.insert("content".into(), json!(text));
            if !images.is_empty() {
                out.insert("images".into(), Value::Array(images));
            }
            if role == "assistant" {
                if let Some(thinking) = message.get("reasoning_content").and_then(Value::as_str) {
                    out.insert("thinking".into(), json!(thinking));
                }
                if let Some(calls) = message.get("tool_calls").and_then(Value::as_array) {
                    out.insert(
                        "tool_calls".into(),
                        Value::Array(tool_calls(calls, &mut names)?),
                    );
                }
            }
            if role == "tool"
                && let Some(name) = message
                    .get("tool_call_id")
                    .and_then(Value::as_str)
                    .and_then(|id| names.get(id))
            {
                out.insert("tool_name".into(), json!(name));
            }
            Ok(Value::Object(out))
        })
        .collect()
}

/// The chat pivot as an `/api/chat` body for `model`. `stream` is always written: Ollama
/// streams when it is absent.
pub(super) fn chat(chat: &Value, model: &str, stream: bool) -> Result<Value, RelayError> {
    let mut out = Map::new();
    out.insert("model".into(), json!(model));
    out.insert("messages".into(), Value::Array(messages(chat)?));
    let tools: Vec<Value> = chat
        .get("tools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|tool| tool.get("type").and_then(Value::as_str) == Some("function"))
        .cloned()
        .collect();
    if !tools.is_empty() && chat.get("tool_choice").and_then(Value::as_str) != Some("none") {
        out.insert("tools".into(), Value::Array(tools));
    }
    let options = options(chat);
    if !options.is_empty() {
        out.insert("options".into(), Value::Object(options));
    }
    match chat
        .pointer("/response_format/type")
        .and_then(Value::as_str)
    {
        Some("json_object") => {
            out.insert("format".into(), json!("json"));
        }
        Some("json_schema") => {
            if let Some(schema) = chat.pointer("/response_format/json_schema/schema") {
                out.insert("format".into(), schema.clone());
            }
        }
        _ => {}
    }
    if let Some(effort) = chat.get("reasoning_effort").and_then(Value::as_str) {
        out.insert("think".into(), json!(effort != "none"));
    }
    out.insert("stream".into(), json!(stream));
    Ok(Value::Object(out))
}

/// The sampling settings of an OpenAI chat or completions body as Ollama's `options`.
fn options(chat: &Value) -> Map<String, Value> {
    let mut options = Map::new();
    if let Some(limit) = chat
        .get("max_completion_tokens")
        .or_else(|| chat.get("max_tokens"))
        .filter(|limit| limit.is_u64())
    {
        options.insert("num_predict".into(), limit.clone());
    }
    for name in [
        "temperature",
        "top_p",
        "seed",
        "frequency_penalty",
        "presence_penalty",
    ] {
        if let Some(value) = chat.get(name).filter(|value| value.is_number()) {
            options.insert(name.into(), value.clone());
        }
    }
    match chat.get("stop") {
        Some(Value::String(stop)) => {
            options.insert("stop".into(), json!([stop]));
        }
        Some(Value::Array(stops)) if !stops.is_empty() => {
            options.insert("stop".into(), Value::Array(stops.clone()));
        }
        _ => {}
    }
    options
}

/// An OpenAI completions body as `/api/generate`: the prompt (one string; a list of one is
/// taken as it), the suffix, the same options as chat.
pub(super) fn generate(body: &Value, model: &str, stream: bool) -> Result<Value, RelayError> {
    let prompt = match body.get("prompt") {
        Some(Value::String(prompt)) => prompt.clone(),
        Some(Value::Array(prompts)) if prompts.len() == 1 && prompts[0].is_string() => {
            prompts[0].as_str().unwrap_or_default().to_owned()
        }
        Some(Value::Array(_)) => {
            return Err(bad("Ollama's /api/generate takes one prompt per request"));
        }
        _ => return Err(bad("prompt must be a string")),
    };
    let mut out = Map::new();
    out.insert("model".into(), json!(model));
    out.insert("prompt".into(), json!(prompt));
    if let Some(suffix) = body.get("suffix").filter(|suffix| suffix.is_string()) {
        out.insert("suffix".into(), suffix.clone());
    }
    let options = options(body);
    if !options.is_empty() {
        out.insert("options".into(), Value::Object(options));
    }
    out.insert("stream".into(), json!(stream));
    Ok(Value::Object(out))
}

/// An OpenAI embeddings body as `/api/embed`.
pub(super) fn embed(body: &Value, model: &str) -> Result<Value, RelayError> {
    let input = match body.get("input") {
        Some(Value::String(text)) => json!([text]),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => json!(items),
        _ => return Err(bad("input must be a string or a list of strings")),
    };
    let mut out = json!({"model": model, "input": input});
    if let Some(dimensions) = body.get("dimensions").filter(|value| value.is_u64()) {
        out["dimensions"] = dimensions.clone();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_becomes_an_api_chat_body_with_options_images_and_named_tool_results() {
        let pivot = json!({
            "model": "client", "max_tokens": 32, "temperature": 0.2, "top_p": 0.8, "stop": ["\n\n"],
            "messages": [
                {"role": "developer", "content": "Be brief."},
                {"role": "user", "content": [{"type": "text", "text": "What is this?"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBO"}}]},
                {"role": "assistant", "content": "", "tool_calls": [{"id": "call_9", "type": "function",
                    "function": {"name": "weather", "arguments": "{\"city\":\"Paris\"}"}}]},
                {"role": "tool", "tool_call_id": "call_9", "content": "sunny"},
            ],
            "tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}],
            "response_format": {"type": "json_object"},
        });
        assert_eq!(
            chat(&pivot, "llama3.2", false).unwrap(),
            json!({
                "model": "llama3.2", "stream": false, "format": "json",
                "options": {"num_predict": 32, "temperature": 0.2, "top_p": 0.8, "stop": ["\n\n"]},
                "messages": [
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": "What is this?", "images": ["iVBO"]},
                    {"role": "assistant", "content": "", "tool_calls": [
                        {"function": {"name": "weather", "arguments": {"city": "Paris"}}}]},
                    {"role": "tool", "content": "sunny", "tool_name": "weather"},
                ],
                "tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}],
            })
        );
    }

    #[test]
    fn image_urls_and_broken_arguments_are_refused_and_embeddings_take_a_list() {
        let remote = json!({"messages": [{"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": "https://x/y.png"}}]}]});
        assert!(chat(&remote, "m", false).is_err());
        let broken = json!({"messages": [{"role": "assistant", "tool_calls": [
            {"id": "c", "function": {"name": "f", "arguments": "{not json"}}]}]});
        assert!(chat(&broken, "m", false).is_err());
        assert_eq!(
            embed(&json!({"input": "hello"}), "nomic-embed-text").unwrap(),
            json!({"model": "nomic-embed-text", "input": ["hello"]})
        );
    }
}
