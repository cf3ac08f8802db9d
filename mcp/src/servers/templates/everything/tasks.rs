//! The `everything` template's task fixtures the conformance suite's tasks scenarios (SEP-2663) call by name.

use std::time::Duration;

use rmcp::ErrorData;
use rmcp::model::{
    CallToolResponse, ContentBlock, InputRequest, InputRequiredResult, InputResponses, Tool,
};
use serde_json::{Value, json};

use super::{input_required, simple, tool};
use crate::caller_requests;
use crate::tasks::TaskSupport;
use crate::tool_server::{ToolCall, tool_error};

/// The longest `slow_compute` sleeps, whatever it is asked.
const MAX_SECONDS: u64 = 120;

pub(super) fn tools() -> Vec<Tool> {
    let no_args = || json!({"type": "object", "properties": {}});
    vec![
        tool(
            "greet",
            "Greets by name, always in the request (never a task)",
            json!({"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}),
        ),
        tool(
            "slow_compute",
            "Sleeps `seconds` then answers; a task for callers that declared tasks",
            json!({"type": "object", "properties": {
                "seconds": {"type": "integer", "minimum": 0},
                "label": {"type": "string"}
            }, "required": ["seconds"]}),
        ),
        tool(
            "failing_job",
            "Fails with a tool error after about a second; only runs as a task",
            no_args(),
        ),
        tool(
            "protocol_error_job",
            "Fails with a protocol error after a moment; a task for callers that declared tasks",
            no_args(),
        ),
        tool(
            "confirm_delete",
            "Asks the user to confirm deleting a file, then answers",
            json!({"type": "object", "properties": {"filename": {"type": "string"}}}),
        ),
        tool(
            "multi_input",
            "Asks the user two questions at once, then answers with both",
            no_args(),
        ),
        tool(
            "test_tool_with_task",
            "Asks the user's name, then goes asynchronous (a task) with the answer",
            no_args(),
        ),
    ]
}

pub(super) fn task_support(tool: &str) -> TaskSupport {
    match tool {
        "slow_compute" | "protocol_error_job" | "confirm_delete" | "multi_input" => {
            TaskSupport::Optional
        }
        "failing_job" | "test_tool_with_task" => TaskSupport::Required,
        _ => TaskSupport::Forbidden,
    }
}

/// `test_tool_with_task` gathers the name synchronously and becomes a task on the round that
/// brings it; the others are tasks from their first round.
pub(super) fn starts_task(tool: &str, input_responses: Option<&InputResponses>) -> bool {
    match tool {
        "test_tool_with_task" => {
            input_responses.is_some_and(|responses| responses.contains_key(USER_NAME))
        }
        other => task_support(other) != TaskSupport::Forbidden,
    }
}

const USER_NAME: &str = "user_name";

/// The answer to `call` when it names one of these tools.
pub(super) async fn call(call: &ToolCall) -> Option<Result<CallToolResponse, ErrorData>> {
    let argument = |name: &str| {
        call.arguments
            .as_ref()
            .and_then(|arguments| arguments.get(name))
    };
    let answers = call.input_responses.as_ref();
    let answer = |key: &str| {
        answers
            .and_then(|answers| answers.get(key))
            .filter(|answer| answer.is_object())
    };
    Some(Ok(match call.name.as_str() {
        "greet" => {
            let name = argument("name")
                .and_then(Value::as_str)
                .unwrap_or("stranger");
            simple(vec![ContentBlock::text(format!("Hello, {name}!"))])
        }
        "slow_compute" => {
            let seconds = argument("seconds")
                .and_then(Value::as_u64)
                .unwrap_or(0)
                .min(MAX_SECONDS);
            let label = argument("label").and_then(Value::as_str).unwrap_or("job");
            if !pause(call, Duration::from_secs(seconds)).await {
                return Some(Ok(tool_error(format!("{label} was cancelled"))));
            }
            simple(vec![ContentBlock::text(format!(
                "Computed {label} in {seconds} s"
            ))])
        }
        "failing_job" => {
            pause(call, Duration::from_secs(1)).await;
            tool_error("failing_job always fails")
        }
        "protocol_error_job" => {
            pause(call, Duration::from_millis(200)).await;
            return Some(Err(ErrorData::internal_error(
                "protocol_error_job always breaks",
                None,
            )));
        }
        "confirm_delete" => {
            let filename = argument("filename")
                .and_then(Value::as_str)
                .unwrap_or("the file");
            match answer("confirm") {
                Some(answer) => {
                    let confirmed = answer["action"] == "accept"
                        && answer["content"]["confirm"] != json!(false);
                    let verb = if confirmed { "Deleted" } else { "Kept" };
                    simple(vec![ContentBlock::text(format!("{verb} {filename}"))])
                }
                None => ask(&[(
                    "confirm",
                    format!("Delete {filename}?"),
                    "confirm",
                    "boolean",
                )]),
            }
        }
        "multi_input" => match (answer("name"), answer("confirm")) {
            (Some(name), Some(confirm)) => simple(vec![ContentBlock::text(format!(
                "name: {}, confirm: {}",
                name["content"]["name"].as_str().unwrap_or_default(),
                confirm["content"]["confirm"]
            ))]),
            (name, confirm) => {
                let mut questions = Vec::new();
                if name.is_none() {
                    questions.push(("name", "What is your name?".to_owned(), "name", "string"));
                }
                if confirm.is_none() {
                    questions.push(("confirm", "Go ahead?".to_owned(), "confirm", "boolean"));
                }
                ask(&questions)
            }
        },
        "test_tool_with_task" => match answer(USER_NAME) {
            Some(answer) => greet_from_task(call, answer).await,
            // A session-era caller (a proxy) cannot take an input-required result: it is asked
            // mid-call, under the key the 2026-07-28 round gives the question.
            None if caller_requests::answers_mid_call(&call.notifier) => {
                let question = input_required::elicit("What is your name?", "name");
                match input_required::ask_mid_call(&call.notifier, USER_NAME, question).await {
                    Ok(answer) => greet_from_task(call, &answer).await,
                    Err(error) => tool_error(format!("the client could not be asked: {error}")),
                }
            }
            None => ask(&[(USER_NAME, "What is your name?".to_owned(), "name", "string")]),
        },
        _ => return None,
    }))
}

/// `test_tool_with_task`'s asynchronous part (what the task exists for), greeting the name
/// `answer` gave.
async fn greet_from_task(call: &ToolCall, answer: &Value) -> CallToolResponse {
    pause(call, Duration::from_millis(300)).await;
    let name = answer["content"]["name"].as_str().unwrap_or_default();
    simple(vec![ContentBlock::text(format!(
        "Hello, {name}, from a task!"
    ))])
}

/// Whether `tool` may ask a session-era caller mid-call (so its calls are served by rmcp's
/// session, which can carry the request).
pub(super) fn asks_caller(tool: &str) -> bool {
    tool == "test_tool_with_task"
}

/// Waits `duration` unless the call is cancelled first; whether it waited it out.
async fn pause(call: &ToolCall, duration: Duration) -> bool {
    tokio::select! {
        () = tokio::time::sleep(duration) => true,
        () = call.cancel.cancelled() => false,
    }
}

/// An input-required result asking each `(key, message, field, type)` as a one-field form.
fn ask(questions: &[(&str, String, &str, &str)]) -> CallToolResponse {
    let mut requests = std::collections::BTreeMap::new();
    for (key, message, field, kind) in questions {
        let request = json!({"method": "elicitation/create", "params": {
            "mode": "form", "message": message, "requestedSchema": {
                "type": "object", "properties": {*field: {"type": kind}}, "required": [field]}
        }});
        match serde_json::from_value::<InputRequest>(request) {
            Ok(request) => {
                requests.insert((*key).to_owned(), request);
            }
            Err(error) => return tool_error(format!("cannot build the request: {error}")),
        }
    }
    CallToolResponse::InputRequired(InputRequiredResult::from_input_requests(requests))
}
