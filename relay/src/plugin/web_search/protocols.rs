//! The web search plugin per client protocol: whether a request asks for search, its question, where results go, which tools it takes out.
//!
//! Chat clients ask with `web_search_options`; the other protocols ask with their provider's
//! own search tool (Responses `web_search*`, Anthropic `web_search_*`, Gemini `googleSearch`).
//! When the plugin is configured for the model, the gateway answers that tool itself: the tool
//! is taken out of the request (a converted channel could not run it, and a native one is not
//! asked to) and the results go where the protocol keeps instructions.

use serde_json::{Value, json};

use crate::error::RelayError;
use crate::json::JsonObject;
use crate::vocabulary::Endpoint;

/// The client protocols the plugin serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SearchProtocol {
    Chat,
    Responses,
    Messages,
    Gemini,
}

/// Gemini's search tools, in both spellings its JSON accepts.
const GEMINI_SEARCH_TOOLS: [&str; 4] = [
    "googleSearch",
    "google_search",
    "googleSearchRetrieval",
    "google_search_retrieval",
];

impl SearchProtocol {
    pub(super) fn of(endpoint: Endpoint) -> Option<SearchProtocol> {
        match endpoint {
            Endpoint::ChatCompletions => Some(SearchProtocol::Chat),
            Endpoint::Responses => Some(SearchProtocol::Responses),
            Endpoint::Messages => Some(SearchProtocol::Messages),
            Endpoint::GenerateContent => Some(SearchProtocol::Gemini),
            _ => None,
        }
    }

    /// Whether the client asked for search.
    pub(super) fn asks_for_search(self, body: &JsonObject) -> bool {
        match self {
            SearchProtocol::Chat => body
                .get("web_search_options")
                .is_some_and(|raw| raw != "null"),
            _ => tools(body).iter().any(|tool| self.is_search_tool(tool)),
        }
    }

    /// Takes the protocol's way of asking for search out of the request: the gateway answers
    /// it, and upstreams without that search reject it.
    pub(super) fn remove_search_request(self, body: &mut JsonObject) -> Result<(), RelayError> {
        let internal = |_| RelayError::Internal;
        if self == SearchProtocol::Chat {
            body.remove("web_search_options");
            return Ok(());
        }
        let mut kept = Vec::new();
        let mut removed_names = Vec::new();
        for mut tool in tools(body) {
            if self == SearchProtocol::Gemini {
                if let Some(fields) = tool.as_object_mut() {
                    fields.retain(|key, _| !GEMINI_SEARCH_TOOLS.contains(&key.as_str()));
                    if fields.is_empty() {
                        continue;
                    }
                }
            } else if self.is_search_tool(&tool) {
                if let Some(name) = tool["name"].as_str() {
                    removed_names.push(name.to_owned());
                }
                continue;
            }
            kept.push(tool);
        }
        if kept.is_empty() {
            body.remove("tools");
        } else {
            body.set("tools", &kept).map_err(internal)?;
        }
        // A tool choice naming the search tool, or any choice once no tool is left, would
        // point at nothing.
        let choice = body
            .get_as::<Value>("tool_choice")
            .ok()
            .flatten()
            .unwrap_or(Value::Null);
        let names_search = self.is_search_tool(&choice)
            || choice["name"]
                .as_str()
                .is_some_and(|name| removed_names.iter().any(|removed| removed == name));
        if names_search || (kept.is_empty() && !choice.is_null()) {
            body.remove("tool_choice");
        }
        if self == SearchProtocol::Gemini && kept.is_empty() {
            body.remove("toolConfig");
            body.remove("tool_config");
        }
        Ok(())
    }

    /// The text of the client's last user turn; `None` without one.
    pub(super) fn question(self, body: &JsonObject) -> Option<String> {
        let text = match self {
            SearchProtocol::Chat | SearchProtocol::Messages => {
                let messages = body.get_as::<Vec<Value>>("messages").ok().flatten()?;
                let last = messages.iter().rev().find(|m| m["role"] == "user")?;
                content_text(&last["content"])
            }
            SearchProtocol::Responses => match body.get_as::<Value>("input").ok().flatten()? {
                Value::String(text) => text,
                Value::Array(items) => {
                    let last = items.iter().rev().find(|item| {
                        item["role"] == "user"
                            && matches!(item["type"].as_str(), None | Some("message"))
                    })?;
                    content_text(&last["content"])
                }
                _ => return None,
            },
            SearchProtocol::Gemini => {
                let contents = body.get_as::<Vec<Value>>("contents").ok().flatten()?;
                let last = contents
                    .iter()
                    .rev()
                    .find(|c| c["role"].is_null() || c["role"] == "user")?;
                content_text(&last["parts"])
            }
        };
        Some(text)
    }

    /// Puts the search results where the protocol keeps instructions: a system turn before the
    /// last user turn (chat, Responses), the system prompt (Anthropic, Gemini).
    pub(super) fn add_references(
        self,
        body: &mut JsonObject,
        references: &str,
    ) -> Result<(), RelayError> {
        let internal = |_| RelayError::Internal;
        let system_turn = json!({"role": "system", "content": references});
        match self {
            SearchProtocol::Chat => {
                let mut messages = body
                    .get_as::<Vec<Value>>("messages")
                    .ok()
                    .flatten()
                    .unwrap_or_default();
                let at = messages
                    .iter()
                    .rposition(|m| m["role"] == "user")
                    .unwrap_or(messages.len());
                messages.insert(at, system_turn);
                body.set("messages", &messages).map_err(internal)
            }
            SearchProtocol::Responses => {
                let items = match body.get_as::<Value>("input").ok().flatten() {
                    Some(Value::String(text)) => {
                        vec![system_turn, json!({"role": "user", "content": text})]
                    }
                    Some(Value::Array(mut items)) => {
                        let at = items
                            .iter()
                            .rposition(|item| item["role"] == "user")
                            .unwrap_or(items.len());
                        items.insert(at, system_turn);
                        items
                    }
                    _ => vec![system_turn],
                };
                body.set("input", &items).map_err(internal)
            }
            SearchProtocol::Messages => {
                let system = match body.get_as::<Value>("system").ok().flatten() {
                    Some(Value::String(text)) if !text.is_empty() => json!([
                        {"type": "text", "text": text},
                        {"type": "text", "text": references}]),
                    Some(Value::Array(mut blocks)) => {
                        blocks.push(json!({"type": "text", "text": references}));
                        Value::Array(blocks)
                    }
                    _ => json!(references),
                };
                body.set("system", &system).map_err(internal)
            }
            SearchProtocol::Gemini => {
                let key = if body.get("system_instruction").is_some() {
                    "system_instruction"
                } else {
                    "systemInstruction"
                };
                let mut instruction = body
                    .get_as::<Value>(key)
                    .ok()
                    .flatten()
                    .filter(Value::is_object)
                    .unwrap_or_else(|| json!({}));
                let part = json!({"text": references});
                match instruction["parts"].as_array_mut() {
                    Some(parts) => parts.push(part),
                    None => instruction["parts"] = json!([part]),
                }
                body.set(key, &instruction).map_err(internal)
            }
        }
    }

    fn is_search_tool(self, tool: &Value) -> bool {
        match self {
            SearchProtocol::Chat => false,
            SearchProtocol::Responses => tool["type"]
                .as_str()
                .is_some_and(|kind| kind.starts_with("web_search")),
            SearchProtocol::Messages => tool["type"]
                .as_str()
                .is_some_and(|kind| kind.starts_with("web_search_")),
            SearchProtocol::Gemini => tool.as_object().is_some_and(|fields| {
                fields
                    .keys()
                    .any(|k| GEMINI_SEARCH_TOOLS.contains(&k.as_str()))
            }),
        }
    }
}

fn tools(body: &JsonObject) -> Vec<Value> {
    body.get_as::<Vec<Value>>("tools")
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// The text of a turn's content: a string, or its text parts (chat, Anthropic and Responses
/// parts and Gemini parts all keep it under `text`).
fn content_text(content: &Value) -> String {
    match content {
        Value::String(text) => text.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|part| part["text"].as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(value: Value) -> JsonObject {
        JsonObject::from_value(&value).unwrap()
    }

    fn value(body: &JsonObject) -> Value {
        serde_json::from_slice(&body.to_bytes()).unwrap()
    }

    #[test]
    fn each_protocol_asks_with_its_own_search_tool() {
        let cases = [
            (
                SearchProtocol::Chat,
                json!({"web_search_options": {}}),
                true,
            ),
            (
                SearchProtocol::Chat,
                json!({"web_search_options": null}),
                false,
            ),
            (
                SearchProtocol::Responses,
                json!({"tools": [{"type": "web_search"}]}),
                true,
            ),
            (
                SearchProtocol::Responses,
                json!({"tools": [{"type": "web_search_preview"}]}),
                true,
            ),
            (
                SearchProtocol::Responses,
                json!({"tools": [{"type": "function", "name": "web_search"}]}),
                false,
            ),
            (
                SearchProtocol::Messages,
                json!({"tools": [{"type": "web_search_20250305", "name": "web_search"}]}),
                true,
            ),
            (
                SearchProtocol::Messages,
                json!({"tools": [{"name": "web_search"}]}),
                false,
            ),
            (
                SearchProtocol::Gemini,
                json!({"tools": [{"googleSearch": {}}]}),
                true,
            ),
            (
                SearchProtocol::Gemini,
                json!({"tools": [{"codeExecution": {}}]}),
                false,
            ),
        ];
        for (protocol, request, asks) in cases {
            assert_eq!(
                protocol.asks_for_search(&body(request.clone())),
                asks,
                "{protocol:?} {request}"
            );
        }
    }

    #[test]
    fn the_search_tool_leaves_and_the_references_arrive() {
        let mut responses = body(
            json!({"input": "news?", "tool_choice": {"type": "web_search"},
            "tools": [{"type": "web_search"}, {"type": "function", "name": "f"}]}),
        );
        SearchProtocol::Responses
            .remove_search_request(&mut responses)
            .unwrap();
        assert_eq!(
            SearchProtocol::Responses.question(&responses).as_deref(),
            Some("news?")
        );
        SearchProtocol::Responses
            .add_references(&mut responses, "R")
            .unwrap();
        assert_eq!(
            value(&responses),
            json!({"input": [{"role": "system", "content": "R"}, {"role": "user", "content": "news?"}],
                "tools": [{"type": "function", "name": "f"}]})
        );

        let mut messages = body(json!({"system": "be brief", "tool_choice": {"type": "any"},
            "tools": [{"type": "web_search_20250305", "name": "web_search"}],
            "messages": [{"role": "user", "content": [{"type": "text", "text": "news?"}]}]}));
        SearchProtocol::Messages
            .remove_search_request(&mut messages)
            .unwrap();
        assert_eq!(
            SearchProtocol::Messages.question(&messages).as_deref(),
            Some("news?")
        );
        SearchProtocol::Messages
            .add_references(&mut messages, "R")
            .unwrap();
        let messages = value(&messages);
        assert!(messages.get("tools").is_none() && messages.get("tool_choice").is_none());
        assert_eq!(
            messages["system"],
            json!([{"type": "text", "text": "be brief"}, {"type": "text", "text": "R"}])
        );

        let mut gemini = body(
            json!({"contents": [{"role": "user", "parts": [{"text": "news?"}]}],
            "tools": [{"googleSearch": {}}, {"functionDeclarations": [], "google_search": {}}]}),
        );
        SearchProtocol::Gemini
            .remove_search_request(&mut gemini)
            .unwrap();
        assert_eq!(
            SearchProtocol::Gemini.question(&gemini).as_deref(),
            Some("news?")
        );
        SearchProtocol::Gemini
            .add_references(&mut gemini, "R")
            .unwrap();
        let gemini = value(&gemini);
        assert_eq!(gemini["tools"], json!([{"functionDeclarations": []}]));
        assert_eq!(
            gemini["systemInstruction"],
            json!({"parts": [{"text": "R"}]})
        );
    }
}
