//! Golden tests of the stream converters, chunk by chunk: every `stream.<wire>.json` under
//! `tests/fixtures/convert/<scenario>/` is a list of upstream event payloads; it is pushed one
//! event at a time through the converter to each other protocol, then finished, and the
//! client events are compared with `stream.<wire>.to.<wire>.json` (`UPDATE_GOLDEN=1` rewrites
//! them). Each output also has to follow its protocol's event grammar.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use std::collections::BTreeSet;
use std::sync::Arc;

use relay::convert::{ClientTools, ResponseMeta, StreamEvent, Wire, stream_converter};
use serde_json::{Value, json};

use crate::common::golden::{WIRES, check, fixtures, request_tools};

fn convert(
    source: Wire,
    target: Wire,
    events: &[Value],
    tools: Arc<ClientTools>,
) -> Vec<StreamEvent> {
    let meta = ResponseMeta {
        model: String::new(),
        created: 1_764_000_000,
        tools,
    };
    let mut converter =
        stream_converter(source, target, meta).expect("a converter for distinct protocols");
    let mut out = Vec::new();
    for event in events {
        // Chat's terminator is not JSON: the relay calls finish when it sees it.
        if event.as_str() == Some("[DONE]") {
            converter.finish(&mut out);
        } else {
            converter.push(event, &mut out);
        }
    }
    converter.finish(&mut out);
    out
}

fn as_json(events: &[StreamEvent]) -> Value {
    Value::Array(
        events
            .iter()
            .map(|event| match event {
                StreamEvent::Json {
                    event: Some(name),
                    data,
                } => json!({"event": name, "data": data}),
                StreamEvent::Json { event: None, data } => json!({"data": data}),
                StreamEvent::Done => json!("[DONE]"),
            })
            .collect(),
    )
}

#[test]
fn streams_render_into_every_protocol() {
    let mut count = 0;
    let mut scenarios: Vec<_> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    scenarios.sort();
    for scenario in scenarios {
        for (source, source_name) in WIRES {
            let path = scenario.join(format!("stream.{source_name}.json"));
            if !path.exists() {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let events: Vec<Value> =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for (target, target_name) in WIRES {
                if target == source {
                    continue;
                }
                count += 1;
                // The answer to the scenario's request in the target protocol, when it has one.
                let tools = request_tools(&scenario, target, target_name);
                let out = convert(source, target, &events, tools);
                let cut = scenario
                    .file_name()
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .contains("cut");
                validate(target, &out, cut)
                    .unwrap_or_else(|e| panic!("{} to {target_name}: {e}", path.display()));
                check(
                    &path,
                    &path.with_file_name(format!("stream.{source_name}.to.{target_name}.json")),
                    as_json(&out),
                );
            }
        }
    }
    assert!(count > 0, "no stream fixtures found");
}

/// Checks the client's event grammar; `cut` streams must end in the protocol's error form.
fn validate(wire: Wire, events: &[StreamEvent], cut: bool) -> Result<(), String> {
    match wire {
        Wire::Messages => validate_messages(events, cut),
        Wire::Chat => validate_chat(events, cut),
        Wire::Responses => validate_responses(events, cut),
        Wire::Gemini => validate_gemini(events, cut),
    }
}

fn data(event: &StreamEvent) -> &Value {
    event.data().unwrap_or(&Value::Null)
}

fn validate_messages(events: &[StreamEvent], cut: bool) -> Result<(), String> {
    let mut open: Option<u64> = None;
    let mut next_index = 0;
    let mut started = false;
    let mut tool_inputs: Vec<String> = Vec::new();
    for (position, event) in events.iter().enumerate() {
        let StreamEvent::Json {
            event: Some(name),
            data,
        } = event
        else {
            return Err(format!("event {position} has no name"));
        };
        if data["type"] != *name {
            return Err(format!(
                "event {position}: name {name} but type {}",
                data["type"]
            ));
        }
        let index = data["index"].as_u64();
        match *name {
            "message_start" if !started && position == 0 => started = true,
            "content_block_start" if started && open.is_none() && index == Some(next_index) => {
                open = index;
                if data["content_block"]["type"] == "tool_use" {
                    tool_inputs.push(String::new());
                }
            }
            "content_block_delta" if open.is_some() && index == open => {
                if data["delta"]["type"] == "input_json_delta" {
                    tool_inputs
                        .last_mut()
                        .ok_or("input_json_delta outside a tool block")?
                        .push_str(data["delta"]["partial_json"].as_str().unwrap_or_default());
                }
            }
            "content_block_stop" if open.is_some() && index == open => {
                open = None;
                next_index += 1;
            }
            "message_delta" if started && open.is_none() => {}
            "message_stop" if position == events.len() - 1 => {}
            "ping" => {}
            "error" if position == events.len() - 1 && cut => return Ok(()),
            _ => return Err(format!("event {position} ({name}) out of order: {data}")),
        }
    }
    if cut {
        return Err("a cut stream must end with an error event".into());
    }
    for input in tool_inputs {
        serde_json::from_str::<Value>(&input)
            .map_err(|e| format!("tool input {input:?} is incomplete: {e}"))?;
    }
    Ok(())
}

fn validate_chat(events: &[StreamEvent], cut: bool) -> Result<(), String> {
    let Some((StreamEvent::Done, body)) = events.split_last() else {
        return Err("a chat stream ends with [DONE]".into());
    };
    let mut arguments: std::collections::BTreeMap<u64, String> = Default::default();
    let mut ids = BTreeSet::new();
    for event in body {
        let chunk = data(event);
        if chunk.get("error").is_some() {
            continue;
        }
        if chunk["object"] != "chat.completion.chunk" {
            return Err(format!("not a chunk: {chunk}"));
        }
        for call in chunk["choices"][0]["delta"]["tool_calls"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let index = call["index"].as_u64().ok_or("tool call without index")?;
            if let Some(id) = call["id"].as_str() {
                ids.insert(id.to_owned());
            }
            arguments
                .entry(index)
                .or_default()
                .push_str(call["function"]["arguments"].as_str().unwrap_or_default());
        }
    }
    if arguments.len() != ids.len() {
        return Err(format!(
            "{} tool calls but {} ids",
            arguments.len(),
            ids.len()
        ));
    }
    let has_error = body.last().is_some_and(|e| data(e).get("error").is_some());
    if cut != has_error {
        return Err(format!("cut stream {cut}, error chunk {has_error}"));
    }
    if !cut {
        for text in arguments.values() {
            serde_json::from_str::<Value>(text).map_err(|e| format!("arguments {text:?}: {e}"))?;
        }
    }
    Ok(())
}

fn validate_responses(events: &[StreamEvent], cut: bool) -> Result<(), String> {
    let mut added = BTreeSet::new();
    let mut done = BTreeSet::new();
    for (position, event) in events.iter().enumerate() {
        let StreamEvent::Json {
            event: Some(name),
            data,
        } = event
        else {
            return Err(format!("event {position} has no name"));
        };
        if data["type"] != *name || data["sequence_number"] != json!(position) {
            return Err(format!(
                "event {position}: bad type or sequence number: {data}"
            ));
        }
        match *name {
            "response.output_item.added" => {
                added.insert(data["output_index"].as_u64().unwrap_or(u64::MAX));
            }
            "response.output_item.done" => {
                done.insert(data["output_index"].as_u64().unwrap_or(u64::MAX));
            }
            _ => {}
        }
    }
    let last = events
        .last()
        .and_then(StreamEvent::data)
        .ok_or("empty stream")?;
    let terminal = last["type"].as_str().unwrap_or_default();
    let expected: &[&str] = if cut {
        &["response.failed"]
    } else {
        &["response.completed", "response.incomplete"]
    };
    if !expected.contains(&terminal) {
        return Err(format!("ends with {terminal}"));
    }
    if !cut && added != done {
        return Err(format!("items added {added:?} but done {done:?}"));
    }
    Ok(())
}

fn validate_gemini(events: &[StreamEvent], cut: bool) -> Result<(), String> {
    let last = events
        .last()
        .and_then(StreamEvent::data)
        .ok_or("empty stream")?;
    if cut {
        return if last.get("error").is_some() {
            Ok(())
        } else {
            Err("a cut stream ends with an error".into())
        };
    }
    if last["candidates"][0]["finishReason"].as_str().is_none() {
        return Err(format!("the last chunk has no finishReason: {last}"));
    }
    for event in events {
        if StreamEvent::Done == *event
            || event.data().is_some_and(|d| d.get("candidates").is_none())
        {
            return Err(format!("not a gemini chunk: {event:?}"));
        }
    }
    Ok(())
}

/// A chat stream folded into the completion a non-streamed request would have returned.
fn fold_chat(events: &[Value]) -> Value {
    let mut content = String::new();
    let mut reasoning = String::new();
    let mut calls: std::collections::BTreeMap<u64, Value> = Default::default();
    let mut finish_reason = Value::Null;
    let mut usage = Value::Null;
    for chunk in events.iter().filter(|e| e.is_object()) {
        if chunk["usage"].is_object() {
            usage = chunk["usage"].clone();
        }
        let Some(choice) = chunk["choices"].get(0) else {
            continue;
        };
        let delta = &choice["delta"];
        content.push_str(delta["content"].as_str().unwrap_or_default());
        reasoning.push_str(delta["reasoning_content"].as_str().unwrap_or_default());
        for call in delta["tool_calls"].as_array().into_iter().flatten() {
            let entry = calls.entry(call["index"].as_u64().unwrap()).or_insert_with(
                || json!({"id": "", "type": "function", "function": {"name": "", "arguments": ""}}),
            );
            if let Some(id) = call["id"].as_str() {
                entry["id"] = json!(id);
            }
            if let Some(name) = call["function"]["name"].as_str() {
                entry["function"]["name"] = json!(name);
            }
            let arguments = entry["function"]["arguments"].as_str().unwrap().to_owned()
                + call["function"]["arguments"].as_str().unwrap_or_default();
            entry["function"]["arguments"] = json!(arguments);
        }
        if !choice["finish_reason"].is_null() {
            finish_reason = choice["finish_reason"].clone();
        }
    }
    let mut message = json!({"role": "assistant", "content": content});
    if !reasoning.is_empty() {
        message["reasoning_content"] = json!(reasoning);
    }
    if !calls.is_empty() {
        message["tool_calls"] = Value::Array(calls.into_values().collect());
    }
    json!({"id": events[0]["id"], "object": "chat.completion", "model": events[0]["model"],
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}], "usage": usage})
}

/// Anthropic stream events folded into the message they describe.
fn fold_messages(events: &[StreamEvent]) -> Value {
    let mut message = Value::Null;
    let mut partial = String::new();
    for event in events {
        let data = data(event);
        match data["type"].as_str().unwrap_or_default() {
            "message_start" => message = data["message"].clone(),
            "content_block_start" => {
                message["content"]
                    .as_array_mut()
                    .unwrap()
                    .push(data["content_block"].clone());
                partial.clear();
            }
            "content_block_delta" => {
                let block = message["content"]
                    .as_array_mut()
                    .unwrap()
                    .last_mut()
                    .unwrap();
                let delta = &data["delta"];
                for (kind, field) in [("text_delta", "text"), ("thinking_delta", "thinking")] {
                    if delta["type"] == kind {
                        block[field] = json!(
                            block[field].as_str().unwrap().to_owned()
                                + delta[field].as_str().unwrap()
                        );
                    }
                }
                if delta["type"] == "input_json_delta" {
                    partial.push_str(delta["partial_json"].as_str().unwrap());
                }
            }
            "content_block_stop" => {
                let block = message["content"]
                    .as_array_mut()
                    .unwrap()
                    .last_mut()
                    .unwrap();
                if block["type"] == "tool_use" {
                    block["input"] = serde_json::from_str(&partial).unwrap();
                }
            }
            "message_delta" => {
                message["stop_reason"] = data["delta"]["stop_reason"].clone();
                for (key, value) in data["usage"].as_object().unwrap() {
                    message["usage"][key] = value.clone();
                }
            }
            _ => {}
        }
    }
    message
}

/// Gemini stream chunks folded into one response: adjacent text parts of a kind joined.
fn fold_gemini(events: &[StreamEvent]) -> Value {
    let mut parts: Vec<Value> = Vec::new();
    let mut last = Value::Null;
    for event in events {
        let chunk = data(event);
        for part in chunk["candidates"][0]["content"]["parts"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let joinable = |p: &Value| p["text"].is_string() && p["thought"] == part["thought"];
            match parts.last_mut() {
                Some(previous) if part["text"].is_string() && joinable(previous) => {
                    previous["text"] = json!(
                        previous["text"].as_str().unwrap().to_owned()
                            + part["text"].as_str().unwrap()
                    );
                }
                _ => parts.push(part.clone()),
            }
        }
        last = chunk.clone();
    }
    parts.retain(|p| p["text"] != "");
    json!({"parts": parts, "finishReason": last["candidates"][0]["finishReason"], "usageMetadata": last["usageMetadata"]})
}

#[test]
fn streamed_and_whole_answers_agree() {
    let mut compared = 0;
    for scenario in ["stream_text_thinking", "stream_tools"] {
        let path = fixtures().join(scenario).join("stream.chat.json");
        let events: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let whole = fold_chat(&events);
        let meta = ResponseMeta {
            model: String::new(),
            created: 1_764_000_000,
            ..ResponseMeta::default()
        };

        let streamed = fold_messages(&convert(
            Wire::Chat,
            Wire::Messages,
            &events,
            Arc::default(),
        ));
        let expected =
            relay::convert::convert_response(Wire::Chat, Wire::Messages, &whole, &meta).unwrap();
        for key in ["content", "stop_reason", "usage", "id", "model"] {
            assert_eq!(streamed[key], expected[key], "{scenario}: anthropic {key}");
        }

        let streamed = fold_gemini(&convert(Wire::Chat, Wire::Gemini, &events, Arc::default()));
        let expected =
            relay::convert::convert_response(Wire::Chat, Wire::Gemini, &whole, &meta).unwrap();
        let mut expected_parts = expected["candidates"][0]["content"]["parts"].clone();
        for part in expected_parts.as_array_mut().unwrap() {
            // Streamed calls carry the chat call id, as the whole answer does.
            assert!(part.get("text").is_some() || part["functionCall"]["id"].is_string());
        }
        assert_eq!(
            streamed["parts"], expected_parts,
            "{scenario}: gemini parts"
        );
        assert_eq!(
            streamed["finishReason"], expected["candidates"][0]["finishReason"],
            "{scenario}"
        );
        assert_eq!(
            streamed["usageMetadata"], expected["usageMetadata"],
            "{scenario}"
        );
        compared += 1;
    }
    assert_eq!(compared, 2);
}
