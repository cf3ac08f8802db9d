//! A scripted upstream for the coding-agent CLI tests: OpenAI chat, OpenAI Responses and Anthropic
//! Messages, streamed or whole, answering a first turn with a tool call the CLI can run harmlessly
//! and the turn that carries its result with a final text, recording every request.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::recorded::{Recorded, SeenRequest};

/// The text every final turn answers with, for the test to find in the CLI's output.
pub const FINAL_TEXT: &str = "The gateway carried the tool round trip: aiproxy-final-7319.";

/// A tool call the mock makes when the request offers a tool of that name.
#[derive(Debug, Clone)]
pub struct ScriptedCall {
    pub name: String,
    pub arguments: Value,
}

impl ScriptedCall {
    pub fn new(name: &str, arguments: Value) -> ScriptedCall {
        ScriptedCall {
            name: name.to_owned(),
            arguments,
        }
    }
}

pub struct MockState {
    pub seen: Recorded,
    /// Tried in order: the first whose name the request offers as a tool is called.
    calls: Vec<ScriptedCall>,
}

pub struct MockAgentUpstream {
    pub addr: SocketAddr,
    pub state: Arc<MockState>,
}

impl MockAgentUpstream {
    pub async fn start(calls: Vec<ScriptedCall>) -> MockAgentUpstream {
        let state = Arc::new(MockState {
            seen: Recorded::default(),
            calls,
        });
        let app = Router::new()
            .route("/v1/chat/completions", post(chat))
            .route("/v1/responses", post(responses))
            .route("/v1/messages", post(messages))
            .fallback(unknown)
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockAgentUpstream { addr, state }
    }

    /// The base URL a channel of any of the three protocols takes.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<SeenRequest> {
        self.state.seen.all()
    }
}

/// What one request is answered with.
enum Answer {
    Call { id: String, call: ScriptedCall },
    Text,
}

impl Answer {
    /// A final text once the conversation carries a tool result, otherwise a call of the first
    /// scripted tool the request offers (side requests without tools, such as a title, get text).
    fn for_request(state: &MockState, offered: &[String], has_tool_result: bool) -> Answer {
        if has_tool_result {
            return Answer::Text;
        }
        let turn = state.seen.count();
        state
            .calls
            .iter()
            .find(|call| offered.contains(&call.name))
            .map_or(Answer::Text, |call| Answer::Call {
                id: format!("call_mock_{turn}"),
                call: call.clone(),
            })
    }

    fn arguments(call: &ScriptedCall) -> String {
        call.arguments.to_string()
    }
}

async fn record(state: &MockState, request: Request) -> SeenRequest {
    let (parts, body) = request.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let seen = SeenRequest::new(&parts.method, &parts.uri, &parts.headers, &bytes);
    state.seen.push(seen.clone());
    seen
}

async fn unknown(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let seen = record(&state, request).await;
    let body = json!({"error": {"message": format!("mock has no route {}", seen.target), "type": "not_found"}});
    (axum::http::StatusCode::NOT_FOUND, axum::Json(body)).into_response()
}

fn names(tools: &Value, pick: impl Fn(&Value) -> Option<&str>) -> Vec<String> {
    tools
        .as_array()
        .map(|tools| tools.iter().filter_map(&pick).map(str::to_owned).collect())
        .unwrap_or_default()
}

fn sse(body: String) -> Response {
    ([("content-type", "text/event-stream")], body).into_response()
}

async fn chat(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let seen = record(&state, request).await;
    let request = &seen.body;
    let offered = names(&request["tools"], |tool| tool["function"]["name"].as_str());
    let has_result = request["messages"]
        .as_array()
        .is_some_and(|messages| messages.iter().any(|message| message["role"] == "tool"));
    let answer = Answer::for_request(&state, &offered, has_result);
    let model = request["model"].as_str().unwrap_or("unknown").to_owned();
    let usage = json!({"prompt_tokens": 40, "completion_tokens": 8, "total_tokens": 48});
    let (message, finish) = match &answer {
        Answer::Call { id, call } => (
            json!({"role": "assistant", "content": null, "tool_calls": [{"id": id, "type": "function",
                "function": {"name": call.name, "arguments": Answer::arguments(call)}}]}),
            "tool_calls",
        ),
        Answer::Text => (json!({"role": "assistant", "content": FINAL_TEXT}), "stop"),
    };
    if request["stream"] != true {
        return axum::Json(json!({"id": "chatcmpl-agent", "object": "chat.completion",
            "created": 1_700_000_000, "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}], "usage": usage}))
        .into_response();
    }
    let chunk = |delta: Value, finish: Value| {
        json!({"id": "chatcmpl-agent", "object": "chat.completion.chunk", "created": 1_700_000_000,
            "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
    };
    let mut events = vec![chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    )];
    match &answer {
        Answer::Call { id, call } => {
            events.push(chunk(
                json!({"tool_calls": [{"index": 0, "id": id, "type": "function",
                    "function": {"name": call.name, "arguments": ""}}]}),
                Value::Null,
            ));
            events.push(chunk(
                json!({"tool_calls": [{"index": 0, "function": {"arguments": Answer::arguments(call)}}]}),
                Value::Null,
            ));
        }
        Answer::Text => {
            for piece in FINAL_TEXT.split_inclusive(' ') {
                events.push(chunk(json!({"content": piece}), Value::Null));
            }
        }
    }
    events.push(chunk(json!({}), json!(finish)));
    events.push(
        json!({"id": "chatcmpl-agent", "object": "chat.completion.chunk",
        "created": 1_700_000_000, "model": model, "choices": [], "usage": usage}),
    );
    let mut body: String = events
        .iter()
        .map(|event| format!("data: {event}\n\n"))
        .collect();
    body.push_str("data: [DONE]\n\n");
    sse(body)
}

async fn responses(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let seen = record(&state, request).await;
    let request = &seen.body;
    let offered = names(&request["tools"], |tool| tool["name"].as_str());
    let has_result = request["input"].as_array().is_some_and(|items| {
        items.iter().any(|item| {
            item["type"] == "function_call_output" || item["type"] == "custom_tool_call_output"
        })
    });
    let answer = Answer::for_request(&state, &offered, has_result);
    let model = request["model"].as_str().unwrap_or("unknown").to_owned();
    let item = match &answer {
        Answer::Call { id, call } => json!({"type": "function_call", "id": format!("fc_{id}"),
            "call_id": id, "name": call.name, "arguments": Answer::arguments(call), "status": "completed"}),
        Answer::Text => json!({"type": "message", "id": "msg_agent", "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": FINAL_TEXT, "annotations": []}]}),
    };
    let response = |status: &str, output: Vec<Value>| {
        json!({"id": "resp_agent", "object": "response", "created_at": 1_700_000_000,
            "status": status, "model": model, "output": output,
            "usage": {"input_tokens": 40, "input_tokens_details": {"cached_tokens": 0},
                "output_tokens": 8, "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": 48}})
    };
    if request["stream"] != true {
        return axum::Json(response("completed", vec![item])).into_response();
    }
    let mut events =
        vec![json!({"type": "response.created", "response": response("in_progress", vec![])})];
    match &answer {
        Answer::Call { .. } => {
            let mut added = item.clone();
            added["arguments"] = json!("");
            added["status"] = json!("in_progress");
            events.push(
                json!({"type": "response.output_item.added", "output_index": 0, "item": added}),
            );
            events.push(
                json!({"type": "response.function_call_arguments.delta", "output_index": 0,
                "item_id": item["id"], "delta": item["arguments"]}),
            );
            events.push(
                json!({"type": "response.function_call_arguments.done", "output_index": 0,
                "item_id": item["id"], "arguments": item["arguments"]}),
            );
        }
        Answer::Text => {
            let mut added = item.clone();
            added["content"] = json!([]);
            added["status"] = json!("in_progress");
            events.push(
                json!({"type": "response.output_item.added", "output_index": 0, "item": added}),
            );
            let part = json!({"type": "output_text", "text": "", "annotations": []});
            events.push(
                json!({"type": "response.content_part.added", "output_index": 0,
                "item_id": "msg_agent", "content_index": 0, "part": part}),
            );
            events.push(
                json!({"type": "response.output_text.delta", "output_index": 0,
                "item_id": "msg_agent", "content_index": 0, "delta": FINAL_TEXT}),
            );
            events.push(
                json!({"type": "response.output_text.done", "output_index": 0,
                "item_id": "msg_agent", "content_index": 0, "text": FINAL_TEXT}),
            );
            events.push(
                json!({"type": "response.content_part.done", "output_index": 0,
                "item_id": "msg_agent", "content_index": 0, "part": item["content"][0]}),
            );
        }
    }
    events.push(json!({"type": "response.output_item.done", "output_index": 0, "item": item}));
    events
        .push(json!({"type": "response.completed", "response": response("completed", vec![item])}));
    let body = events
        .into_iter()
        .enumerate()
        .map(|(sequence, mut event)| {
            event["sequence_number"] = json!(sequence);
            format!(
                "event: {}\ndata: {event}\n\n",
                event["type"].as_str().unwrap_or("")
            )
        })
        .collect();
    sse(body)
}

async fn messages(State(state): State<Arc<MockState>>, request: Request) -> Response {
    let seen = record(&state, request).await;
    let request = &seen.body;
    let offered = names(&request["tools"], |tool| tool["name"].as_str());
    let has_result = request["messages"].as_array().is_some_and(|messages| {
        messages.iter().any(|message| {
            message["content"]
                .as_array()
                .is_some_and(|blocks| blocks.iter().any(|block| block["type"] == "tool_result"))
        })
    });
    let answer = Answer::for_request(&state, &offered, has_result);
    let model = request["model"].as_str().unwrap_or("unknown").to_owned();
    let (block, stop_reason) = match &answer {
        Answer::Call { id, call } => (
            json!({"type": "tool_use", "id": id, "name": call.name, "input": call.arguments}),
            "tool_use",
        ),
        Answer::Text => (json!({"type": "text", "text": FINAL_TEXT}), "end_turn"),
    };
    let message = |content: Vec<Value>, stop: Value| {
        json!({"id": "msg_agent", "type": "message", "role": "assistant", "model": model,
            "content": content, "stop_reason": stop, "stop_sequence": null,
            "usage": {"input_tokens": 40, "output_tokens": 8}})
    };
    if request["stream"] != true {
        return axum::Json(message(vec![block], json!(stop_reason))).into_response();
    }
    let (start, delta) = match &answer {
        Answer::Call { id, call } => (
            json!({"type": "tool_use", "id": id, "name": call.name, "input": {}}),
            json!({"type": "input_json_delta", "partial_json": Answer::arguments(call)}),
        ),
        Answer::Text => (
            json!({"type": "text", "text": ""}),
            json!({"type": "text_delta", "text": FINAL_TEXT}),
        ),
    };
    let events = [
        json!({"type": "message_start", "message": message(vec![], Value::Null)}),
        json!({"type": "content_block_start", "index": 0, "content_block": start}),
        json!({"type": "content_block_delta", "index": 0, "delta": delta}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": null},
            "usage": {"output_tokens": 8}}),
        json!({"type": "message_stop"}),
    ];
    let body = events
        .iter()
        .map(|event| {
            format!(
                "event: {}\ndata: {event}\n\n",
                event["type"].as_str().unwrap_or("")
            )
        })
        .collect();
    sse(body)
}
