//! The `everything` template's multi-round input-required fixtures (SEP-2322): signed `requestState`, several requests at once, several rounds, a prompt.
//!
//! A session-era caller (a proxy, say) cannot take an input-required result: the tools ask it
//! the same questions mid-call instead (several at once where the 2026-07-28 round has
//! several), each naming in `_meta` the key the 2026-07-28 round gives it, so a gateway that
//! bridges the call for a 2026-07-28 caller can ask under the same keys.

use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::Duration;

use base64::Engine;
use rmcp::ErrorData;
use rmcp::model::{
    CallToolResponse, ContentBlock, GetPromptRequestParams, GetPromptResponse, GetPromptResult,
    InputRequest, InputRequiredResult, Prompt, PromptMessage, Role, ServerRequest, Tool,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{simple, tool};
use crate::caller_requests::{self, AskableCapabilities, INPUT_KEY_META};
use crate::tool_server::{CallerNotifier, ToolCall, tool_error};

/// How long a tool waits for a session-era caller's answer (a person may be typing).
const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

pub(super) const PROMPT: &str = "test_input_required_result_prompt";

const TOOLS: [(&str, &str); 5] = [
    (
        "test_input_required_result_request_state",
        "Asks for a confirmation and round-trips a signed requestState",
    ),
    (
        "test_input_required_result_multiple_inputs",
        "Asks for a name, a sampling and the roots at once",
    ),
    (
        "test_input_required_result_multi_round",
        "Asks two questions over two rounds",
    ),
    (
        "test_input_required_result_tampered_state",
        "Refuses a requestState that fails its integrity check",
    ),
    (
        "test_input_required_result_capabilities",
        "Asks only what the caller declared it can answer",
    ),
];

pub(super) fn tools() -> Vec<Tool> {
    let no_args = || json!({"type": "object", "properties": {}});
    TOOLS
        .into_iter()
        .map(|(name, description)| tool(name, description, no_args()))
        .collect()
}

/// Whether `tool` is one of these: each asks a session-era caller mid-call, so its calls are
/// served by rmcp's session, which can carry the requests.
pub(super) fn asks_caller(tool: &str) -> bool {
    TOOLS.iter().any(|(name, _)| *name == tool)
}

pub(super) fn prompt() -> Prompt {
    Prompt::new(
        PROMPT,
        Some("A prompt that asks the user for context first"),
        None,
    )
}

/// The answer to `call` when it names one of these tools.
pub(super) async fn call(call: &ToolCall) -> Option<Result<CallToolResponse, ErrorData>> {
    if !asks_caller(&call.name) {
        return None;
    }
    if caller_requests::answers_mid_call(&call.notifier) {
        return Some(Ok(asked_mid_call(call).await));
    }
    let answers = Answers(call.input_responses.as_ref());
    let state = match call
        .request_state
        .as_deref()
        .map(|state| verify(&call.name, state))
    {
        Some(Err(error)) => return Some(Err(error)),
        Some(Ok(state)) => Some(state),
        None => None,
    };
    Some(Ok(match call.name.as_str() {
        "test_input_required_result_request_state"
        | "test_input_required_result_tampered_state" => match (answers.get("confirm"), state) {
            (Some(answer), Some(_)) => simple(vec![ContentBlock::text(format!(
                "state-ok: confirmed={}",
                answer["content"]["ok"]
            ))]),
            _ => ask(&call.name, [("confirm", confirm())], json!({"round": 1})),
        },
        "test_input_required_result_multiple_inputs" => {
            let asked = [
                ("user_name", elicit("What is your name?", "name")),
                ("greeting", sampling("Generate a greeting")),
                (
                    "client_roots",
                    json!({"method": "roots/list", "params": {}}),
                ),
            ];
            if asked.iter().all(|(key, _)| answers.get(key).is_some()) && state.is_some() {
                simple(vec![ContentBlock::text(format!(
                    "name: {}, greeting: {}, roots: {}",
                    answers.text("user_name", &["content", "name"]),
                    answers.text("greeting", &["content", "text"]),
                    answers
                        .get("client_roots")
                        .map_or(0, |roots| roots["roots"].as_array().map_or(0, Vec::len))
                ))])
            } else {
                // Only what is still missing is asked again.
                let missing = asked
                    .into_iter()
                    .filter(|(key, _)| answers.get(key).is_none());
                ask(&call.name, missing, json!({"round": 1}))
            }
        }
        "test_input_required_result_multi_round" => {
            let round = state
                .as_ref()
                .and_then(|state| state["round"].as_u64())
                .unwrap_or(0);
            match (round, answers.get("step1"), answers.get("step2")) {
                (1, Some(_), _) => ask(
                    &call.name,
                    [(
                        "step2",
                        elicit("Step 2: What is your favorite color?", "color"),
                    )],
                    json!({"round": 2, "name": answers.text("step1", &["content", "name"])}),
                ),
                (2, _, Some(_)) => simple(vec![ContentBlock::text(format!(
                    "{} likes {}",
                    state
                        .as_ref()
                        .and_then(|state| state["name"].as_str())
                        .unwrap_or_default(),
                    answers.text("step2", &["content", "color"])
                ))]),
                _ => ask(
                    &call.name,
                    [("step1", elicit("Step 1: What is your name?", "name"))],
                    json!({"round": 1}),
                ),
            }
        }
        "test_input_required_result_capabilities" => {
            let declared = call
                .meta
                .as_ref()
                .and_then(|meta| meta.client_capabilities())
                .unwrap_or_default();
            if let Some(answer) = answers.get("question") {
                return Some(Ok(simple(vec![ContentBlock::text(format!(
                    "answered: {answer}"
                ))])));
            }
            if declared.sampling.is_some() {
                ask(
                    &call.name,
                    [("question", sampling("Say something"))],
                    json!({"round": 1}),
                )
            } else if declared.elicitation.is_some() {
                ask(
                    &call.name,
                    [("question", elicit("Say something", "text"))],
                    json!({"round": 1}),
                )
            } else {
                tool_error(
                    "the caller declared neither sampling nor elicitation, so it cannot be asked",
                )
            }
        }
        _ => return None,
    }))
}

/// A session-era caller's call: the same questions as the 2026-07-28 rounds, asked on the call's
/// stream (what is asked at once in one round, asked concurrently), each naming its key.
async fn asked_mid_call(call: &ToolCall) -> CallToolResponse {
    let answered = match call.name.as_str() {
        "test_input_required_result_request_state"
        | "test_input_required_result_tampered_state" => {
            ask_mid_call(&call.notifier, "confirm", confirm())
                .await
                .map(|answer| format!("confirmed={}", answer["content"]["ok"]))
        }
        "test_input_required_result_multiple_inputs" => {
            let (name, greeting, roots) = tokio::join!(
                ask_mid_call(
                    &call.notifier,
                    "user_name",
                    elicit("What is your name?", "name")
                ),
                ask_mid_call(&call.notifier, "greeting", sampling("Generate a greeting")),
                ask_mid_call(
                    &call.notifier,
                    "client_roots",
                    json!({"method": "roots/list", "params": {}})
                ),
            );
            match (name, greeting, roots) {
                (Ok(name), Ok(greeting), Ok(roots)) => Ok(format!(
                    "name: {}, greeting: {}, roots: {}",
                    name["content"]["name"].as_str().unwrap_or_default(),
                    greeting["content"]["text"].as_str().unwrap_or_default(),
                    roots["roots"].as_array().map_or(0, Vec::len)
                )),
                (Err(error), ..) | (_, Err(error), _) | (.., Err(error)) => Err(error),
            }
        }
        "test_input_required_result_multi_round" => {
            match ask_mid_call(
                &call.notifier,
                "step1",
                elicit("Step 1: What is your name?", "name"),
            )
            .await
            {
                Ok(name) => {
                    let color = elicit("Step 2: What is your favorite color?", "color");
                    ask_mid_call(&call.notifier, "step2", color)
                        .await
                        .map(|color| {
                            format!(
                                "{} likes {}",
                                name["content"]["name"].as_str().unwrap_or_default(),
                                color["content"]["color"].as_str().unwrap_or_default()
                            )
                        })
                }
                Err(error) => Err(error),
            }
        }
        "test_input_required_result_capabilities" => {
            // What the caller declared at `initialize`: only that is asked.
            let declared = AskableCapabilities::of_call(call);
            let question = if declared.samples() {
                sampling("Say something")
            } else if declared.elicits_form() {
                elicit("Say something", "text")
            } else {
                return tool_error(
                    "the caller declared neither sampling nor elicitation, so it cannot be asked",
                );
            };
            ask_mid_call(&call.notifier, "question", question)
                .await
                .map(|answer| format!("answered: {answer}"))
        }
        _ => Err("no such tool".to_owned()),
    };
    match answered {
        Ok(text) => simple(vec![ContentBlock::text(text)]),
        Err(error) => tool_error(format!("the client could not be asked: {error}")),
    }
}

/// Asks the caller `notifier` reaches `request` mid-request, naming it `key` in `_meta`; its
/// answer, or why there is none.
pub(super) async fn ask_mid_call(
    notifier: &CallerNotifier,
    key: &str,
    mut request: Value,
) -> Result<Value, String> {
    request["params"]["_meta"] = json!({INPUT_KEY_META: key});
    let request = serde_json::from_value::<ServerRequest>(request)
        .map_err(|error| format!("cannot build the request: {error}"))?;
    let answer = caller_requests::ask(notifier, request, ANSWER_TIMEOUT)
        .await
        .map_err(|error| error.message.to_string())?;
    serde_json::to_value(answer).map_err(|error| error.to_string())
}

/// `prompts/get` of [`PROMPT`]: asks for the context, then builds the prompt with it.
pub(super) fn get_prompt(get: &GetPromptRequestParams) -> GetPromptResponse {
    let answers = Answers(get.input_responses.as_ref());
    if answers.get("user_context").is_some() {
        let context = answers.text("user_context", &["content", "context"]);
        return GetPromptResponse::Complete(GetPromptResult::new(vec![PromptMessage::new_text(
            Role::User,
            format!("Answer with this context in mind: {context}"),
        )]));
    }
    let request = elicit("What context should the prompt use?", "context");
    match serde_json::from_value::<InputRequest>(request) {
        Ok(request) => GetPromptResponse::InputRequired(InputRequiredResult::from_input_requests(
            [("user_context".to_owned(), request)].into(),
        )),
        Err(error) => {
            GetPromptResponse::Complete(GetPromptResult::new(vec![PromptMessage::new_text(
                Role::User,
                format!("cannot build the request: {error}"),
            )]))
        }
    }
}

/// `prompts/get` of [`PROMPT`] by a session-era caller: the context is asked mid-request.
pub(super) async fn get_prompt_mid_call(notifier: &CallerNotifier) -> GetPromptResponse {
    let request = elicit("What context should the prompt use?", "context");
    let text = match ask_mid_call(notifier, "user_context", request).await {
        Ok(answer) => format!(
            "Answer with this context in mind: {}",
            answer["content"]["context"].as_str().unwrap_or_default()
        ),
        Err(error) => format!("the client could not be asked for the context: {error}"),
    };
    GetPromptResponse::Complete(GetPromptResult::new(vec![PromptMessage::new_text(
        Role::User,
        text,
    )]))
}

/// The answers of a retry: only result objects count (anything else is asked again).
struct Answers<'a>(Option<&'a BTreeMap<String, Value>>);

impl Answers<'_> {
    fn get(&self, key: &str) -> Option<&Value> {
        self.0?.get(key).filter(|answer| answer.is_object())
    }

    fn text(&self, key: &str, path: &[&str]) -> String {
        let mut value = self.get(key);
        for step in path {
            value = value.and_then(|value| value.get(step));
        }
        value.and_then(Value::as_str).unwrap_or_default().to_owned()
    }
}

fn confirm() -> Value {
    json!({"method": "elicitation/create", "params": {
        "mode": "form", "message": "Please confirm", "requestedSchema": {
            "type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
    }})
}

pub(super) fn elicit(message: &str, field: &str) -> Value {
    json!({"method": "elicitation/create", "params": {
        "mode": "form", "message": message, "requestedSchema": {
            "type": "object", "properties": {field: {"type": "string"}}, "required": [field]}
    }})
}

fn sampling(text: &str) -> Value {
    json!({"method": "sampling/createMessage", "params": {
        "messages": [{"role": "user", "content": {"type": "text", "text": text}}],
        "maxTokens": 50
    }})
}

/// An input-required result asking `requests`, with `state` signed for this tool.
fn ask<'a>(
    tool: &str,
    requests: impl IntoIterator<Item = (&'a str, Value)>,
    state: Value,
) -> CallToolResponse {
    let mut asked = BTreeMap::new();
    for (key, request) in requests {
        match serde_json::from_value::<InputRequest>(request) {
            Ok(request) => {
                asked.insert(key.to_owned(), request);
            }
            Err(error) => return tool_error(format!("cannot build the request: {error}")),
        }
    }
    CallToolResponse::InputRequired(InputRequiredResult::new(
        Some(asked),
        Some(sign(tool, &state)),
    ))
}

/// The key `requestState` is signed with: random per process, so a state only comes back from
/// the caller it was given to, unchanged.
static STATE_KEY: LazyLock<[u8; 32]> = LazyLock::new(rand::random);

/// `base64url(state).hex(HMAC-SHA256(key, tool + "." + base64url(state)))`.
fn sign(tool: &str, state: &Value) -> String {
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(state.to_string());
    let mac = hmac(&format!("{tool}.{payload}"));
    format!("{payload}.{mac}")
}

/// The state `signed` carries, if it was signed here for `tool`; a JSON-RPC error otherwise.
fn verify(tool: &str, signed: &str) -> Result<Value, ErrorData> {
    let tampered = || ErrorData::invalid_params("requestState failed its integrity check", None);
    let (payload, mac) = signed.rsplit_once('.').ok_or_else(tampered)?;
    if hmac(&format!("{tool}.{payload}")) != mac {
        return Err(tampered());
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| tampered())?;
    serde_json::from_slice(&bytes).map_err(|_| tampered())
}

/// HMAC-SHA256 (RFC 2104) of `message` under [`STATE_KEY`], hex.
fn hmac(message: &str) -> String {
    let key = &*STATE_KEY;
    let pad = |byte: u8| -> Vec<u8> {
        let mut padded = [byte; 64];
        for (padded, key) in padded.iter_mut().zip(key) {
            *padded ^= key;
        }
        padded.to_vec()
    };
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message.as_bytes())
        .finalize();
    let outer = Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize();
    outer.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_verifies_only_unchanged_and_for_its_tool() {
        let signed = sign("tool_a", &json!({"round": 2}));
        assert_eq!(verify("tool_a", &signed).ok(), Some(json!({"round": 2})));
        assert!(verify("tool_b", &signed).is_err());
        assert!(verify("tool_a", &format!("{signed}-TAMPERED")).is_err());
        assert!(verify("tool_a", "not-a-state").is_err());
    }
}
