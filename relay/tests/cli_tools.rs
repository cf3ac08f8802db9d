//! Claude Code, Codex and Gemini CLI requests (the golden fixtures) on converted channels: tools left out and named, calls mapped back.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use crate::common;

use std::sync::Arc;

use common::golden::{fixtures, read_json};
use common::*;
use relay::convert::{
    ClientTool, DROPPED_TOOLS_HEADER, ResponseMeta, StreamEvent, Wire,
    convert_request_noting_tools, convert_response, stream_converter,
};
use relay::host::ChannelKind;
use serde_json::{Value, json};

fn fixture(scenario: &str, file: &str) -> Value {
    read_json(&fixtures().join(scenario).join(file))
}

/// A chat answer calling one function of each renamed kind and one ordinary function.
fn codex_calls() -> Value {
    fixture("codex", "response.chat.json")
}

/// The Responses items a Codex client gets for [`codex_calls`], in order: (type, name or
/// namespace-qualified name).
const CODEX_ITEMS: [(&str, &str); 4] = [
    ("function_call", "mcp__github__/create_issue"),
    ("local_shell_call", ""),
    ("custom_tool_call", "apply_patch"),
    ("function_call", "shell_command"),
];

fn item_summary(item: &Value) -> (String, String) {
    let kind = item["type"].as_str().unwrap_or_default().to_owned();
    let name = match (item["namespace"].as_str(), item["name"].as_str()) {
        (Some(namespace), Some(name)) => format!("{namespace}/{name}"),
        (None, Some(name)) => name.to_owned(),
        _ => String::new(),
    };
    (kind, name)
}

fn codex_meta() -> ResponseMeta {
    let request = fixture("codex", "request.responses.json");
    let (_, tools) =
        convert_request_noting_tools(Wire::Responses, Wire::Chat, &request, "m", true).unwrap();
    ResponseMeta {
        model: "m".into(),
        created: 1,
        tools: Arc::new(tools),
    }
}

#[test]
fn codex_tools_are_flattened_and_built_ins_named() {
    let request = fixture("codex", "request.responses.json");
    let (chat, tools) =
        convert_request_noting_tools(Wire::Responses, Wire::Chat, &request, "m", true).unwrap();
    assert_eq!(tools.dropped(), ["web_search", "image_generation"]);
    assert_eq!(
        tools.dropped_header().as_deref(),
        Some("web_search,image_generation")
    );
    assert_eq!(
        tools.client_tool("mcp__fs__read_file"),
        Some(&ClientTool::Namespaced {
            namespace: "mcp__fs__".into(),
            name: "read_file".into()
        })
    );
    assert_eq!(
        tools.client_tool("local_shell"),
        Some(&ClientTool::LocalShell)
    );
    assert_eq!(tools.client_tool("apply_patch"), Some(&ClientTool::Custom));
    assert_eq!(tools.client_tool("shell_command"), None);
    let names: Vec<&str> = chat["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tool| tool["function"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "exec_command",
            "shell_command",
            "update_plan",
            "apply_patch",
            "local_shell",
            "mcp__fs__read_file",
            "mcp__github__create_issue"
        ]
    );
    // The same tools reach an Anthropic or Gemini channel through the chat pivot.
    for channel in [Wire::Messages, Wire::Gemini] {
        let (_, through) =
            convert_request_noting_tools(Wire::Responses, channel, &request, "m", true).unwrap();
        assert_eq!(through, tools, "{channel:?}");
    }
}

#[test]
fn renamed_calls_go_back_whole() {
    let meta = codex_meta();
    let response = convert_response(Wire::Chat, Wire::Responses, &codex_calls(), &meta).unwrap();
    let items: Vec<(String, String)> = response["output"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["type"] != "message")
        .map(item_summary)
        .collect();
    let expected: Vec<(String, String)> = CODEX_ITEMS
        .iter()
        .map(|(kind, name)| ((*kind).to_owned(), (*name).to_owned()))
        .collect();
    assert_eq!(items, expected);
    let shell = &response["output"][2];
    assert_eq!(shell["action"]["command"], json!(["git", "status"]));
    assert_eq!(shell["action"]["working_directory"], "/repo");
    // The same answer from an Anthropic channel goes back the same way.
    let anthropic = convert_response(Wire::Chat, Wire::Messages, &codex_calls(), &meta).unwrap();
    let again = convert_response(Wire::Messages, Wire::Responses, &anthropic, &meta).unwrap();
    let names: Vec<(String, String)> = again["output"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["type"] != "message")
        .map(item_summary)
        .collect();
    assert_eq!(names, expected);
    // Without the request's tools, every call is a plain function call.
    let plain = convert_response(
        Wire::Chat,
        Wire::Responses,
        &codex_calls(),
        &ResponseMeta::default(),
    )
    .unwrap();
    assert!(
        plain["output"]
            .as_array()
            .unwrap()
            .iter()
            .all(|item| item["type"] == "message" || item["type"] == "function_call")
    );
}

#[test]
fn renamed_calls_go_back_streamed() {
    let events: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("codex/stream.chat.json")).unwrap(),
    )
    .unwrap();
    let mut converter = stream_converter(Wire::Chat, Wire::Responses, codex_meta()).unwrap();
    let mut out = Vec::new();
    for event in &events {
        if event.as_str() == Some("[DONE]") {
            converter.finish(&mut out);
        } else {
            converter.push(event, &mut out);
        }
    }
    let done: Vec<(String, String)> = out
        .iter()
        .filter_map(|event| match event {
            StreamEvent::Json {
                event: Some("response.output_item.done"),
                data,
            } if data["item"]["type"] != "message" => Some(item_summary(&data["item"])),
            _ => None,
        })
        .collect();
    assert_eq!(done.len(), 3);
    assert_eq!(
        done[0],
        ("function_call".into(), "mcp__github__/create_issue".into())
    );
    assert_eq!(done[1], ("local_shell_call".into(), String::new()));
    assert_eq!(done[2], ("custom_tool_call".into(), "apply_patch".into()));
    // Arguments of a local shell or custom call are never streamed as function-call deltas.
    let deltas = out
        .iter()
        .filter(|event| {
            matches!(event, StreamEvent::Json { event: Some("response.function_call_arguments.delta"), data }
                if data["item_id"] != "fc_call_5")
        })
        .count();
    assert_eq!(deltas, 0);
    let StreamEvent::Json { data, .. } = out.last().unwrap() else {
        panic!("a completed response ends the stream");
    };
    assert_eq!(data["type"], "response.completed");
    assert_eq!(
        data["response"]["output"][3]["input"],
        "*** Begin Patch\n*** End Patch\n"
    );
}

#[test]
fn system_turns_inside_messages_and_contents_are_kept() {
    let request = json!({"model": "m", "max_tokens": 10, "messages": [
        {"role": "user", "content": "hi"},
        {"role": "system", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
        {"role": "system", "content": ""},
        {"role": "user", "content": "go"}]});
    let (chat, _) =
        convert_request_noting_tools(Wire::Messages, Wire::Chat, &request, "m", false).unwrap();
    assert_eq!(
        chat["messages"][1],
        json!({"role": "system", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]})
    );
    assert_eq!(chat["messages"].as_array().unwrap().len(), 3);

    let gemini = json!({"contents": [
        {"role": "system", "parts": [{"text": "be brief"}]},
        {"role": "user", "parts": [{"text": "hi"}]}]});
    let (chat, _) =
        convert_request_noting_tools(Wire::Gemini, Wire::Chat, &gemini, "m", false).unwrap();
    assert_eq!(
        chat["messages"][0],
        json!({"role": "system", "content": "be brief"})
    );

    let responses = json!({"model": "m", "input": [
        {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "rules"}]},
        {"type": "message", "role": "system", "content": "more rules"},
        {"role": "user", "content": "hi"}]});
    let (chat, _) =
        convert_request_noting_tools(Wire::Responses, Wire::Chat, &responses, "m", false).unwrap();
    assert_eq!(chat["messages"][0]["role"], "system");
    assert_eq!(chat["messages"][1]["role"], "system");
}

#[test]
fn claude_code_fields_are_mapped_or_left_out() {
    let request = fixture("claude_code", "request.messages.json");
    let (chat, tools) =
        convert_request_noting_tools(Wire::Messages, Wire::Chat, &request, "m", true).unwrap();
    assert_eq!(chat["reasoning_effort"], "high");
    assert!(chat.get("context_management").is_none());
    assert!(chat.get("output_config").is_none());
    assert!(chat.get("thinking").is_none());
    assert!(tools.dropped().is_empty());
    for (config, effort) in [
        (json!({"effort": "max"}), Some("high")),
        (json!({"effort": "low"}), Some("low")),
        (json!({"effort": "extreme"}), None),
    ] {
        let body = json!({"model": "m", "max_tokens": 10, "output_config": config,
            "messages": [{"role": "user", "content": "hi"}]});
        let (chat, _) =
            convert_request_noting_tools(Wire::Messages, Wire::Chat, &body, "m", false).unwrap();
        assert_eq!(chat["reasoning_effort"].as_str(), effort, "{config}");
    }
    let body = json!({"model": "m", "max_tokens": 10,
        "output_config": {"format": {"type": "json_schema", "schema": {"type": "object"}}},
        "messages": [{"role": "user", "content": "hi"}]});
    let (chat, _) =
        convert_request_noting_tools(Wire::Messages, Wire::Chat, &body, "m", false).unwrap();
    assert_eq!(
        chat["response_format"]["json_schema"]["schema"],
        json!({"type": "object"})
    );
    // A tool choice among tools that were all left out is left out with them.
    let body = json!({"model": "m", "max_tokens": 10, "tool_choice": {"type": "any"},
        "tools": [{"type": "web_search_20250305", "name": "web_search"}],
        "messages": [{"role": "user", "content": "hi"}]});
    let (chat, tools) =
        convert_request_noting_tools(Wire::Messages, Wire::Chat, &body, "m", false).unwrap();
    assert!(
        chat.get("tools").is_none() && chat.get("tool_choice").is_none(),
        "{chat}"
    );
    assert_eq!(tools.dropped(), ["web_search_20250305"]);
    // A choice of a left-out tool among kept ones becomes a free choice.
    let body = json!({"model": "m", "max_tokens": 10,
        "tool_choice": {"type": "tool", "name": "web_search"},
        "tools": [{"type": "web_search_20250305", "name": "web_search"},
            {"name": "f", "input_schema": {"type": "object"}}],
        "messages": [{"role": "user", "content": "hi"}]});
    let (chat, _) =
        convert_request_noting_tools(Wire::Messages, Wire::Chat, &body, "m", false).unwrap();
    assert_eq!(chat["tool_choice"], "auto");
    let mut named = body.clone();
    named["tool_choice"]["name"] = json!("f");
    let (chat, _) =
        convert_request_noting_tools(Wire::Messages, Wire::Chat, &named, "m", false).unwrap();
    assert_eq!(chat["tool_choice"]["function"]["name"], "f");
}

#[test]
fn records_of_server_tools_in_earlier_turns_are_left_out() {
    let request = json!({"model": "m", "max_tokens": 10, "messages": [
        {"role": "user", "content": "news?"},
        {"role": "assistant", "content": [
            {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "news"}},
            {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []},
            {"type": "text", "text": "Nothing new."}]},
        {"role": "user", "content": "thanks"}]});
    let (chat, _) =
        convert_request_noting_tools(Wire::Messages, Wire::Chat, &request, "m", false).unwrap();
    assert_eq!(
        chat["messages"][1],
        json!({"role": "assistant", "content": "Nothing new."})
    );
}

#[test]
fn records_of_gemini_code_execution_in_earlier_turns_are_left_out() {
    let request = json!({"contents": [
        {"role": "user", "parts": [{"text": "2+2?"}]},
        {"role": "model", "parts": [
            {"executableCode": {"language": "PYTHON", "code": "print(2+2)"}},
            {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "4"}},
            {"text": "4"}]},
        {"role": "user", "parts": [{"text": "thanks"}]}]});
    let (chat, _) =
        convert_request_noting_tools(Wire::Gemini, Wire::Chat, &request, "m", false).unwrap();
    assert_eq!(
        chat["messages"][1],
        json!({"role": "assistant", "content": "4"})
    );
}

#[test]
fn tools_added_in_the_input_join_the_request_tools() {
    let request = json!({"model": "m", "input": [
        {"type": "additional_tools", "role": "developer", "tools": [
            {"type": "namespace", "name": "collaboration", "description": "Agents.", "tools": [
                {"type": "function", "name": "send_message", "strict": false,
                    "parameters": {"type": "object", "properties": {}}}]}]},
        {"role": "user", "content": "Send a test message."}],
        "tools": [{"type": "function", "name": "f", "parameters": {"type": "object"}}]});
    let (chat, tools) =
        convert_request_noting_tools(Wire::Responses, Wire::Chat, &request, "m", false).unwrap();
    let names: Vec<&str> = chat["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|tool| tool["function"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["f", "collaboration__send_message"]);
    assert!(tools.client_tool("collaboration__send_message").is_some());
    assert_eq!(chat["messages"].as_array().unwrap().len(), 1);
}

#[test]
fn a_flattened_name_given_twice_reaches_the_channel_once() {
    let request = json!({"model": "m", "input": "hi", "tools": [
        {"type": "function", "name": "mcp__fs__read", "parameters": {"type": "object"}},
        {"type": "namespace", "name": "mcp__fs__", "tools": [
            {"type": "function", "name": "read", "parameters": {"type": "object"}}]}]});
    let (chat, tools) =
        convert_request_noting_tools(Wire::Responses, Wire::Chat, &request, "m", false).unwrap();
    assert_eq!(chat["tools"].as_array().unwrap().len(), 1);
    assert_eq!(chat["tools"][0]["function"]["name"], "mcp__fs__read");
    assert_eq!(
        tools.client_tool("mcp__fs__read"),
        None,
        "the plain function came first"
    );
}

#[test]
fn server_tools_of_every_protocol_are_named() {
    for (file, wire, dropped) in [
        (
            "request.messages.json",
            Wire::Messages,
            &[
                "web_search_20250305",
                "web_fetch_20250910",
                "code_execution_20250825",
                "mcp_servers",
            ][..],
        ),
        (
            "request.gemini.json",
            Wire::Gemini,
            &[
                "googleSearch",
                "urlContext",
                "codeExecution",
                "googleSearchRetrieval",
            ][..],
        ),
        (
            "request.responses.json",
            Wire::Responses,
            &[
                "web_search",
                "file_search",
                "code_interpreter",
                "image_generation",
                "computer_use_preview",
                "mcp",
            ][..],
        ),
    ] {
        let request = fixture("server_tools_dropped", file);
        for channel in [Wire::Chat, Wire::Messages, Wire::Gemini, Wire::Responses] {
            if channel == wire {
                continue;
            }
            let (_, tools) =
                convert_request_noting_tools(wire, channel, &request, "m", false).unwrap();
            assert_eq!(tools.dropped(), dropped, "{file} to {channel:?}");
        }
    }
}

#[test]
fn a_chat_clients_search_request_is_named_for_other_channels() {
    let request = json!({"model": "m", "web_search_options": {},
        "messages": [{"role": "user", "content": "news?"}]});
    for channel in [Wire::Messages, Wire::Gemini, Wire::Responses] {
        let (converted, tools) =
            convert_request_noting_tools(Wire::Chat, channel, &request, "m", false).unwrap();
        assert_eq!(tools.dropped(), ["web_search_options"], "{channel:?}");
        assert!(converted.get("web_search_options").is_none());
    }
}

fn header(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get(DROPPED_TOOLS_HEADER)
        .map(|value| value.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn codex_on_a_chat_channel_gets_its_own_items_and_the_dropped_tools_header() {
    let mock = Mock::start(|seen| {
        let request = seen.json();
        if request["stream"] == true {
            let events: Vec<Value> = serde_json::from_str(
                &std::fs::read_to_string(fixtures().join("codex/stream.chat.json")).unwrap(),
            )
            .unwrap();
            Reply::sse(
                events
                    .iter()
                    .map(|event| {
                        event
                            .as_str()
                            .map_or_else(|| event.to_string(), str::to_owned)
                    })
                    .collect(),
            )
        } else {
            Reply::json(fixture("codex", "response.chat.json"))
        }
    })
    .await;
    let mut channel = channel(1, &mock.url());
    channel.kind = ChannelKind::CUSTOM;
    let harness = Harness::start(vec![("gpt-5.1-codex", route(vec![channel]))]).await;

    let mut request = fixture("codex", "request.responses.json");
    request["stream"] = json!(false);
    let response = harness.post_json("/v1/responses", request.clone()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response).as_deref(),
        Some("web_search,image_generation")
    );
    let body: Value = response.json().await.unwrap();
    let seen = mock.last().json();
    assert_eq!(seen["tools"].as_array().unwrap().len(), 7);
    assert_eq!(
        seen["messages"][1]["role"], "system",
        "developer turns become system turns"
    );
    let items: Vec<(String, String)> = body["output"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|item| item["type"] != "message")
        .map(item_summary)
        .collect();
    assert_eq!(items.len(), 4);
    assert_eq!(items[0].1, "mcp__github__/create_issue");
    assert_eq!(items[1].0, "local_shell_call");

    request["stream"] = json!(true);
    let response = harness.post_json("/v1/responses", request).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response).as_deref(),
        Some("web_search,image_generation")
    );
    let text = response.text().await.unwrap();
    assert!(text.contains("\"type\":\"local_shell_call\""), "{text}");
    assert!(text.contains("\"namespace\":\"mcp__github__\""), "{text}");
    assert!(text.contains("event: response.completed"), "{text}");
}

#[tokio::test]
async fn claude_code_and_gemini_cli_requests_are_served_by_a_chat_channel() {
    let mock = Mock::start(|seen| {
        let request = seen.json();
        if request["stream"] == true {
            sse_like_openai(seen, &["done"])
        } else {
            Reply::json(chat_completion(&request["model"], "done", true))
        }
    })
    .await;
    let mut channel = channel(1, &mock.url());
    channel.kind = ChannelKind::CUSTOM;
    let harness = Harness::start(vec![
        ("claude-opus-4-6", route(vec![channel.clone()])),
        ("claude-sonnet-4-5", route(vec![channel.clone()])),
        ("gemini-2.5-pro", route(vec![channel])),
    ])
    .await;

    let response = harness
        .post_json(
            "/v1/messages",
            fixture("claude_code", "request.messages.json"),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response), None);
    let text = response.text().await.unwrap();
    assert!(text.contains("event: message_stop"), "{text}");
    let seen = mock.last().json();
    assert_eq!(seen["messages"][2]["role"], "system");
    assert_eq!(seen["messages"][7]["role"], "system");
    assert_eq!(seen["reasoning_effort"], "high");

    let response = harness
        .post_json(
            "/v1/messages",
            fixture("server_tools_dropped", "request.messages.json"),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response).as_deref(),
        Some("web_search_20250305,web_fetch_20250910,code_execution_20250825,mcp_servers")
    );
    assert_eq!(mock.last().json()["tools"].as_array().unwrap().len(), 1);

    let response = harness
        .post_json(
            "/v1beta/models/gemini-2.5-pro:generateContent",
            fixture("server_tools_dropped", "request.gemini.json"),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response).as_deref(),
        Some("googleSearch,urlContext,codeExecution,googleSearchRetrieval")
    );
    let response = harness
        .post_json(
            "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
            fixture("gemini_cli", "request.gemini.json"),
        )
        .await;
    assert_eq!(response.status(), 200);
    let seen = mock.last().json();
    assert_eq!(seen["messages"][5]["role"], "tool");
    assert_eq!(
        seen["messages"][5]["tool_call_id"],
        seen["messages"][4]["tool_calls"][0]["id"]
    );
}
