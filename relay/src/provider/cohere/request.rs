//! The relay's bodies as Cohere v2 requests: the chat pivot as a v2 chat body, OpenAI embeddings as `/v2/embed`, rerank as `/v2/rerank`.

use serde_json::{Map, Value, json};

use crate::error::RelayError;

fn bad(message: impl Into<String>) -> RelayError {
    RelayError::BadRequest {
        message: message.into(),
        param: None,
    }
}

/// A chat message's text: a string, or its text parts joined.
fn text_of(content: &Value) -> String {
    match content {
        Value::String(text) => text.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|part| part.get("text").and_then(Value::as_str))
            .collect(),
        _ => String::new(),
    }
}

/// A user message's content: a string as it is, parts as v2 content items (text, image URLs).
fn user_content(content: &Value) -> Result<Value, RelayError> {
    let Value::Array(parts) = content else {
        return Ok(Value::String(text_of(content)));
    };
    parts
        .iter()
        .map(|part| match part.get("type").and_then(Value::as_str) {
            Some("text") => {
                Ok(json!({"type": "text", "text": part.get("text").cloned().unwrap_or_default()}))
            }
            Some("image_url") => {
                let url = part
                    .pointer("/image_url/url")
                    .and_then(Value::as_str)
                    .ok_or_else(|| bad("an image_url part needs image_url.url"))?;
                Ok(json!({"type": "image_url", "image_url": {"url": url}}))
            }
            other => Err(bad(format!(
                "cohere channels do not take {} content parts",
                other.unwrap_or("untyped")
            ))),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

fn assistant(message: &Value) -> Value {
    let mut out = Map::new();
    out.insert("role".into(), json!("assistant"));
    let text = message.get("content").map(text_of).unwrap_or_default();
    let calls: Vec<Value> = message
        .get("tool_calls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|call| {
            json!({"id": call.get("id").cloned().unwrap_or_default(), "type": "function",
                "function": {
                    "name": call.pointer("/function/name").cloned().unwrap_or_default(),
                    "arguments": call.pointer("/function/arguments").cloned().unwrap_or_else(|| json!("{}")),
                }})
        })
        .collect();
    if !calls.is_empty() {
        // The plan Cohere wrote before its calls comes back as the chat's reasoning.
        if let Some(plan) = message
            .get("reasoning_content")
            .and_then(Value::as_str)
            .filter(|plan| !plan.is_empty())
        {
            out.insert("tool_plan".into(), json!(plan));
        }
        out.insert("tool_calls".into(), Value::Array(calls));
    }
    if !text.is_empty() || !out.contains_key("tool_calls") {
        out.insert("content".into(), json!(text));
    }
    Value::Object(out)
}

fn message(message: &Value) -> Result<Value, RelayError> {
    let role = message
        .get("role")
        .and_then(Value::as_str)
        .unwrap_or("user");
    let content = message.get("content").unwrap_or(&Value::Null);
    Ok(match role {
        "system" | "developer" => json!({"role": "system", "content": text_of(content)}),
        "user" => json!({"role": "user", "content": user_content(content)?}),
        "assistant" => assistant(message),
        "tool" => json!({"role": "tool",
            "tool_call_id": message.get("tool_call_id").cloned().unwrap_or_default(),
            "content": text_of(content)}),
        other => return Err(bad(format!("cohere channels do not take {other} messages"))),
    })
}

/// Function tools as v2 declares them (the OpenAI shape without `strict`), and the
/// `tool_choice` v2 understands: `REQUIRED`, `NONE`, or absent for auto. A named function is
/// required by offering only that one.
fn tools(chat: &Value, out: &mut Map<String, Value>) {
    let named = chat
        .pointer("/tool_choice/function/name")
        .and_then(Value::as_str);
    let tools: Vec<Value> = chat
        .get("tools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|tool| tool.get("type").and_then(Value::as_str) == Some("function"))
        .filter_map(|tool| tool.get("function"))
        .filter(|function| {
            named.is_none_or(|name| function.get("name").and_then(Value::as_str) == Some(name))
        })
        .map(|function| {
            let mut declared = Map::new();
            for field in ["name", "description", "parameters"] {
                if let Some(value) = function.get(field) {
                    declared.insert(field.into(), value.clone());
                }
            }
            json!({"type": "function", "function": declared})
        })
        .collect();
    if tools.is_empty() {
        return;
    }
    out.insert("tools".into(), Value::Array(tools));
    let choice = match chat.get("tool_choice") {
        Some(Value::String(choice)) if choice == "required" => Some("REQUIRED"),
        Some(Value::String(choice)) if choice == "none" => Some("NONE"),
        Some(Value::Object(_)) => Some("REQUIRED"),
        _ => None,
    };
    if let Some(choice) = choice {
        out.insert("tool_choice".into(), json!(choice));
    }
}

/// The chat pivot as a v2 chat body for `model`.
pub(super) fn chat(chat: &Value, model: &str, stream: bool) -> Result<Value, RelayError> {
    let messages = chat
        .get("messages")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("messages is required"))?
        .iter()
        .map(message)
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Map::new();
    out.insert("model".into(), json!(model));
    out.insert("messages".into(), Value::Array(messages));
    tools(chat, &mut out);
    if let Some(limit) = chat
        .get("max_completion_tokens")
        .or_else(|| chat.get("max_tokens"))
        .filter(|limit| limit.is_u64())
    {
        out.insert("max_tokens".into(), limit.clone());
    }
    for (from, to) in [
        ("temperature", "temperature"),
        ("top_p", "p"),
        ("seed", "seed"),
        ("frequency_penalty", "frequency_penalty"),
        ("presence_penalty", "presence_penalty"),
    ] {
        if let Some(value) = chat.get(from).filter(|value| value.is_number()) {
            out.insert(to.into(), value.clone());
        }
    }
    match chat.get("stop") {
        Some(Value::String(stop)) => {
            out.insert("stop_sequences".into(), json!([stop]));
        }
        Some(Value::Array(stops)) if !stops.is_empty() => {
            out.insert("stop_sequences".into(), Value::Array(stops.clone()));
        }
        _ => {}
    }
    match chat
        .pointer("/response_format/type")
        .and_then(Value::as_str)
    {
        Some("json_object") => {
            out.insert("response_format".into(), json!({"type": "json_object"}));
        }
        Some("json_schema") => {
            let schema = chat
                .pointer("/response_format/json_schema/schema")
                .cloned()
                .unwrap_or_else(|| json!({"type": "object"}));
            out.insert(
                "response_format".into(),
                json!({"type": "json_object", "json_schema": schema}),
            );
        }
        _ => {}
    }
    // Cohere's reasoning models think with a token budget; `none` turns thinking off.
    if let Some(budget) = chat
        .get("reasoning_effort")
        .and_then(Value::as_str)
        .and_then(crate::convert::budget_for_effort)
    {
        let thinking = if budget == 0 {
            json!({"type": "disabled"})
        } else {
            json!({"type": "enabled", "token_budget": budget})
        };
        out.insert("thinking".into(), thinking);
    }
    out.insert("stream".into(), json!(stream));
    Ok(Value::Object(out))
}

/// The texts of an OpenAI `input`: one string or a list of them (token arrays are refused:
/// Cohere embeds text only).
fn input_texts(input: Option<&Value>) -> Result<Vec<Value>, RelayError> {
    match input {
        Some(Value::String(text)) => Ok(vec![json!(text)]),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => Ok(items.clone()),
        _ => Err(bad("input must be a string or a list of strings")),
    }
}

/// An OpenAI embeddings body as `/v2/embed`: documents to index, float vectors, or base64
/// ones (little-endian float32, as OpenAI's) for a client that asks `encoding_format: base64`.
pub(super) fn embed(body: &Value, model: &str) -> Result<Value, RelayError> {
    let kind = match body.get("encoding_format").and_then(Value::as_str) {
        Some("base64") => "base64",
        _ => "float",
    };
    let mut out = json!({"model": model, "texts": input_texts(body.get("input"))?,
        "input_type": "search_document", "embedding_types": [kind]});
    if let Some(dimensions) = body.get("dimensions").filter(|value| value.is_u64()) {
        out["output_dimension"] = dimensions.clone();
    }
    Ok(out)
}

/// A rerank body as `/v2/rerank`, whose documents are strings: a `{"text": ...}` document is
/// its text, any other object its JSON.
pub(super) fn rerank(body: &Value, model: &str) -> Result<Value, RelayError> {
    let query = body
        .get("query")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("query must be a string"))?;
    let documents: Vec<Value> = body
        .get("documents")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("documents must be a list"))?
        .iter()
        .map(|document| match document {
            Value::String(_) => document.clone(),
            other => match other.get("text").and_then(Value::as_str) {
                Some(text) => json!(text),
                None => json!(other.to_string()),
            },
        })
        .collect();
    let mut out = json!({"model": model, "query": query, "documents": documents});
    if let Some(top_n) = body.get("top_n").filter(|value| value.is_u64()) {
        out["top_n"] = top_n.clone();
    }
    if let Some(limit) = body
        .get("max_tokens_per_doc")
        .filter(|value| value.is_u64())
    {
        out["max_tokens_per_doc"] = limit.clone();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_with_tools_and_sampling_becomes_a_v2_body() {
        let pivot = json!({
            "model": "client-name", "max_tokens": 64, "temperature": 0.3, "top_p": 0.9,
            "stop": "END", "stream_options": {"include_usage": true},
            "messages": [
                {"role": "developer", "content": "Be brief."},
                {"role": "user", "content": [{"type": "text", "text": "Weather?"},
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA=="}}]},
                {"role": "assistant", "content": null, "reasoning_content": "I will look it up.",
                    "tool_calls": [{"id": "call_1", "type": "function",
                        "function": {"name": "weather", "arguments": "{\"city\":\"Paris\"}"}}]},
                {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
            ],
            "tools": [{"type": "function", "function": {"name": "weather", "strict": true,
                "parameters": {"type": "object"}}}],
            "tool_choice": "required",
        });
        let body = chat(&pivot, "command-a", true).unwrap();
        assert_eq!(
            body,
            json!({
                "model": "command-a", "max_tokens": 64, "temperature": 0.3, "p": 0.9,
                "stop_sequences": ["END"], "stream": true, "tool_choice": "REQUIRED",
                "messages": [
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": [{"type": "text", "text": "Weather?"},
                        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AA=="}}]},
                    {"role": "assistant", "tool_plan": "I will look it up.",
                        "tool_calls": [{"id": "call_1", "type": "function",
                            "function": {"name": "weather", "arguments": "{\"city\":\"Paris\"}"}}]},
                    {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
                ],
                "tools": [{"type": "function", "function": {"name": "weather",
                    "parameters": {"type": "object"}}}],
            })
        );
    }

    #[test]
    fn a_named_tool_choice_offers_only_that_tool_and_audio_is_refused() {
        let pivot = json!({"messages": [{"role": "user", "content": "x"}],
            "tools": [{"type": "function", "function": {"name": "a"}},
                {"type": "function", "function": {"name": "b"}}],
            "tool_choice": {"type": "function", "function": {"name": "b"}}});
        let body = chat(&pivot, "m", false).unwrap();
        assert_eq!(body["tools"].as_array().unwrap().len(), 1);
        assert_eq!(body["tools"][0]["function"]["name"], "b");
        assert_eq!(body["tool_choice"], "REQUIRED");
        let thinking =
            json!({"messages": [{"role": "user", "content": "x"}], "reasoning_effort": "low"});
        assert_eq!(
            chat(&thinking, "m", false).unwrap()["thinking"],
            json!({"type": "enabled", "token_budget": 2048})
        );
        let audio = json!({"messages": [{"role": "user", "content": [{"type": "input_audio"}]}]});
        assert!(matches!(
            chat(&audio, "m", false),
            Err(RelayError::BadRequest { .. })
        ));
    }

    #[test]
    fn embeddings_and_rerank_bodies_take_cohere_names() {
        assert_eq!(
            embed(
                &json!({"input": ["a", "b"], "dimensions": 256}),
                "embed-v4.0"
            )
            .unwrap(),
            json!({"model": "embed-v4.0", "texts": ["a", "b"], "input_type": "search_document",
                "embedding_types": ["float"], "output_dimension": 256})
        );
        assert!(embed(&json!({"input": [[1, 2]]}), "m").is_err());
        assert_eq!(
            embed(&json!({"input": "a", "encoding_format": "base64"}), "m").unwrap()["embedding_types"],
            json!(["base64"])
        );
        assert_eq!(
            rerank(
                &json!({"query": "q", "documents": ["d1", {"text": "d2"}, {"title": "t"}], "top_n": 2}),
                "rerank-v3.5"
            )
            .unwrap(),
            json!({"model": "rerank-v3.5", "query": "q",
                "documents": ["d1", "d2", "{\"title\":\"t\"}"], "top_n": 2})
        );
    }
}
