//! Golden tests of the non-streamed protocol conversions: every `request.<wire>.json` and
//! `response.<wire>.json` under `tests/fixtures/convert/<scenario>/` is rendered into each other
//! protocol and compared with `<input>.to.<wire>.json` (an `{"error": ...}` document when the
//! conversion refuses). `UPDATE_GOLDEN=1` rewrites the expected files.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use std::path::{Path, PathBuf};

use relay::convert::{ResponseMeta, Wire, convert_request, convert_response};
use serde_json::{Value, json};

use crate::common::golden::{WIRES, check, fixtures, read_json, request_tools};

/// What the relay knows besides the body: Gemini's model and stream flag come from its URL.
const MODEL: &str = "test-model";
const CREATED: i64 = 1_764_000_000;

/// Every `<kind>.<wire>.json` input of every scenario.
fn inputs(kind: &str) -> Vec<(PathBuf, Wire, &'static str)> {
    let mut found = Vec::new();
    let mut scenarios: Vec<_> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    scenarios.sort();
    for scenario in scenarios {
        for (wire, name) in WIRES {
            let path = scenario.join(format!("{kind}.{name}.json"));
            if path.exists() {
                found.push((path, wire, name));
            }
        }
    }
    assert!(!found.is_empty(), "no {kind} fixtures found");
    found
}

fn render<E: std::fmt::Display>(result: Result<Value, E>) -> Value {
    result.unwrap_or_else(|error| json!({"error": error.to_string()}))
}

fn expected_path(input: &Path, target: &str) -> PathBuf {
    let stem = input.file_stem().unwrap().to_str().unwrap();
    input.with_file_name(format!("{stem}.to.{target}.json"))
}

#[test]
fn requests_render_into_every_protocol() {
    for (path, source, _) in inputs("request") {
        let body = read_json(&path);
        let stream = body.get("stream").and_then(Value::as_bool).unwrap_or(false);
        for (target, target_name) in WIRES {
            if target == source {
                continue;
            }
            let actual = render(convert_request(source, target, &body, MODEL, stream));
            check(&path, &expected_path(&path, target_name), actual);
        }
    }
}

#[test]
fn responses_render_into_every_protocol() {
    for (path, source, _) in inputs("response") {
        let body = read_json(&path);
        for (target, target_name) in WIRES {
            if target == source {
                continue;
            }
            // The answer to the scenario's request in the target protocol, when it has one.
            let meta = ResponseMeta {
                model: String::new(),
                created: CREATED,
                tools: request_tools(path.parent().unwrap(), target, target_name),
            };
            let actual = render(convert_response(source, target, &body, &meta));
            check(&path, &expected_path(&path, target_name), actual);
        }
    }
}

#[test]
fn requests_survive_a_round_trip_through_chat() {
    // What a client sent, converted to chat and back, keeps the conversation's meaning: same
    // turns, roles, tool ids and text.
    for (path, source, _) in inputs("request") {
        if source == Wire::Chat {
            continue;
        }
        let body = read_json(&path);
        let Ok(chat) = convert_request(source, Wire::Chat, &body, MODEL, false) else {
            continue;
        };
        let back = convert_request(Wire::Chat, source, &chat, MODEL, false).unwrap();
        let again = convert_request(source, Wire::Chat, &back, MODEL, false).unwrap();
        assert_eq!(
            normalized(chat, source),
            normalized(again, source),
            "{} does not round-trip",
            path.display()
        );
    }
}

/// Chat message content as parts: a string and a single text part say the same. Two
/// documented losses are evened out: Anthropic and Gemini have one system prompt, so system
/// turns among the messages come back gathered in front; and thinking needs the signature of
/// the last tool turn, which chat does not keep, so reasoning (and the token limit's name that
/// follows it) may come back off. Gemini pairs a call with its response by position, so the call
/// ids Gemini CLI echoes come back as positional ones: for Gemini, ids are numbered in order.
fn normalized(mut chat: Value, source: Wire) -> Value {
    let mut system = Vec::new();
    let mut turns = Vec::new();
    for mut message in chat["messages"].as_array().cloned().unwrap_or_default() {
        if let Some(text) = message["content"].as_str().filter(|t| !t.is_empty()) {
            message["content"] = json!([{"type": "text", "text": text}]);
        }
        if message["role"] == "system" {
            system.extend(message["content"].as_array().cloned().unwrap_or_default());
        } else {
            turns.push(message);
        }
    }
    if !system.is_empty() {
        turns.insert(0, json!({"role": "system", "content": system}));
    }
    if source == Wire::Gemini {
        let mut ids = Vec::<String>::new();
        for turn in &mut turns {
            let mut renumber = |id: &mut Value| {
                let text = id.as_str().unwrap_or_default().to_owned();
                let index = ids
                    .iter()
                    .position(|seen| *seen == text)
                    .unwrap_or_else(|| {
                        ids.push(text);
                        ids.len() - 1
                    });
                *id = json!(format!("call_{index}"));
            };
            for call in turn["tool_calls"].as_array_mut().into_iter().flatten() {
                renumber(&mut call["id"]);
            }
            if turn.get("tool_call_id").is_some() {
                renumber(&mut turn["tool_call_id"]);
            }
        }
    }
    chat["messages"] = Value::Array(turns);
    let fields = chat.as_object_mut().unwrap();
    fields.remove("reasoning_effort");
    if let Some(limit) = fields.remove("max_completion_tokens") {
        fields.insert("max_tokens".into(), limit);
    }
    chat
}
