//! The `everything` template: fixture tools, resources, resource templates, prompts and
//! completions the MCP conformance suite asks for by name, plus small tools our own tests use to
//! check that proxies keep results intact. Its task fixtures are in `everything/tasks.rs`, its
//! multi-round input-required ones in `everything/input_required.rs`, its input-schema ones in
//! `everything/schemas.rs` and the stateless revision's diagnostic tools in
//! `everything/stateless.rs`.
#![expect(
    deprecated,
    reason = "logging is deprecated upstream (SEP-2577) but the 2025 revisions the conformance suite tests still have it"
)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use base64::Engine;
use rmcp::ErrorData;
use rmcp::model::{
    CallToolResponse, CallToolResult, CompleteRequestParams, CompleteResult, CompletionInfo,
    ContentBlock, GetPromptRequestParams, GetPromptResponse, GetPromptResult, LoggingLevel,
    LoggingMessageNotificationParam, ProgressNotificationParam, Prompt, PromptArgument,
    PromptMessage, ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Reference,
    Resource, ResourceContents, ResourceTemplate, Role, ServerCapabilities, Tool,
};
use serde_json::json;

use super::{Catalogue, TemplateError, TemplateInfo, tool};
use crate::tasks::TaskSupport;
use crate::tool_server::{Listener, ToolCall, ToolServer, resource_not_found, unknown_prompt};

mod input_required;
mod schemas;
mod stateless;
mod tasks;

pub(super) const INFO: TemplateInfo = TemplateInfo {
    name: "everything",
    description: "Conformance fixture tools (test_simple_text, ...), resources (test://static-text, ...), prompts (test_simple_prompt, ...) and completions, and echo/add for checks",
    params: &[],
    catalogue: Catalogue {
        fixture: true,
        ..Catalogue::named("Everything (test fixture)", "测试夹具")
    },
};

/// The registry's [`super::Start`] for this template.
pub(super) fn start(
    _params: &BTreeMap<String, String>,
) -> Result<Arc<dyn ToolServer>, TemplateError> {
    Ok(Arc::new(EverythingServer))
}

/// A 1x1 PNG.
const PNG_PIXEL: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

struct EverythingServer;

fn simple(content: Vec<ContentBlock>) -> CallToolResponse {
    CallToolResponse::Complete(CallToolResult::success(content))
}

/// A short silent 8 kHz mono 8-bit WAV, built rather than embedded so its layout is visible.
fn wav_base64() -> String {
    let samples = [128u8; 800];
    let mut wav = Vec::with_capacity(44 + samples.len());
    let data_len = u32::try_from(samples.len()).unwrap_or(0);
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&8000u32.to_le_bytes()); // sample rate
    wav.extend_from_slice(&8000u32.to_le_bytes()); // byte rate
    wav.extend_from_slice(&1u16.to_le_bytes()); // block align
    wav.extend_from_slice(&8u16.to_le_bytes()); // bits per sample
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    wav.extend_from_slice(&samples);
    base64::engine::general_purpose::STANDARD.encode(wav)
}

fn embedded_resource() -> ContentBlock {
    ContentBlock::resource(ResourceContents::text(
        "This is an embedded resource content.",
        "test://embedded-resource",
    ))
}

/// The resource whose subscription the suite tests; it never changes.
const WATCHED_URI: &str = "test://watched-resource";
/// The template the suite reads as `test://template/123/data`.
const DATA_TEMPLATE: &str = "test://template/{id}/data";
/// What `completion/complete` suggests for `test_prompt_with_arguments`' `arg1`.
const ARG1_SUGGESTIONS: [&str; 3] = ["paris", "park", "party"];

fn prompt(name: &str, description: &str, arguments: &[&str]) -> Prompt {
    let arguments = (!arguments.is_empty()).then(|| {
        arguments
            .iter()
            .map(|argument| {
                let mut argument = PromptArgument::new(*argument);
                argument.required = Some(true);
                argument
            })
            .collect()
    });
    Prompt::new(name, Some(description), arguments)
}

/// The value of the template `test://template/{id}/data` for `uri`, if it matches.
fn template_id(uri: &str) -> Option<&str> {
    uri.strip_prefix("test://template/")?
        .strip_suffix("/data")
        .filter(|id| !id.is_empty() && !id.contains('/'))
}

#[async_trait]
impl ToolServer for EverythingServer {
    async fn capabilities(&self) -> ServerCapabilities {
        ServerCapabilities::builder()
            .enable_tools()
            .enable_resources()
            .enable_resources_subscribe()
            .enable_prompts()
            .enable_completions()
            .build()
    }

    async fn list_resources(&self) -> Result<Vec<Resource>, ErrorData> {
        Ok(vec![
            Resource::new("test://static-text", "static-text")
                .with_description("A static text resource")
                .with_mime_type("text/plain"),
            Resource::new("test://static-binary", "static-binary")
                .with_description("A static binary resource (a 1x1 PNG)")
                .with_mime_type("image/png"),
            Resource::new(WATCHED_URI, "watched-resource")
                .with_description("A resource clients may subscribe to")
                .with_mime_type("text/plain"),
        ])
    }

    async fn list_resource_templates(&self) -> Result<Vec<ResourceTemplate>, ErrorData> {
        let mut template = ResourceTemplate::new(DATA_TEMPLATE, "template-data");
        template.description = Some("JSON data for an id".to_owned());
        template.mime_type = Some("application/json".to_owned());
        Ok(vec![template])
    }

    async fn read_resource(
        &self,
        read: ReadResourceRequestParams,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let uri = read.uri.as_str();
        let text = |text: String, mime_type: &str| ResourceContents::TextResourceContents {
            uri: uri.to_owned(),
            mime_type: Some(mime_type.to_owned()),
            text,
            meta: None,
        };
        let contents = match uri {
            "test://static-text" => text(
                "This is the content of the static text resource.".to_owned(),
                "text/plain",
            ),
            "test://static-binary" => ResourceContents::BlobResourceContents {
                uri: uri.to_owned(),
                mime_type: Some("image/png".to_owned()),
                blob: PNG_PIXEL.to_owned(),
                meta: None,
            },
            WATCHED_URI => text("Watched resource content.".to_owned(), "text/plain"),
            _ => match template_id(uri) {
                Some(id) => text(
                    json!({"id": id, "templateTest": true, "data": format!("Data for ID: {id}")})
                        .to_string(),
                    "application/json",
                ),
                None => return Err(resource_not_found(uri)),
            },
        };
        Ok(ReadResourceResponse::Complete(ReadResourceResult::new(
            vec![contents],
        )))
    }

    async fn subscribe(&self, uri: &str, _listener: Listener) -> Result<(), ErrorData> {
        // Nothing here ever changes, so nobody is remembered; an unknown URI is refused.
        self.read_resource(ReadResourceRequestParams::new(uri))
            .await
            .map(|_| ())
    }

    async fn list_prompts(&self) -> Result<Vec<Prompt>, ErrorData> {
        Ok(vec![
            prompt(
                "test_simple_prompt",
                "A simple prompt without arguments",
                &[],
            ),
            prompt(
                "test_prompt_with_arguments",
                "A prompt with two required arguments",
                &["arg1", "arg2"],
            ),
            prompt(
                "test_prompt_with_embedded_resource",
                "A prompt embedding the resource it is given",
                &["resourceUri"],
            ),
            prompt("test_prompt_with_image", "A prompt with an image", &[]),
            input_required::prompt(),
        ])
    }

    async fn get_prompt(
        &self,
        get: GetPromptRequestParams,
    ) -> Result<GetPromptResponse, ErrorData> {
        let argument = |name: &str| -> Result<String, ErrorData> {
            get.arguments
                .as_ref()
                .and_then(|arguments| arguments.get(name))
                .and_then(|value| value.as_str())
                .map(str::to_owned)
                .ok_or_else(|| {
                    ErrorData::invalid_params(format!("missing required argument: {name}"), None)
                })
        };
        if get.name == input_required::PROMPT {
            return Ok(input_required::get_prompt(&get));
        }
        let messages = match get.name.as_str() {
            "test_simple_prompt" => vec![PromptMessage::new_text(
                Role::User,
                "This is a simple prompt for testing.",
            )],
            "test_prompt_with_arguments" => {
                let (arg1, arg2) = (argument("arg1")?, argument("arg2")?);
                vec![PromptMessage::new_text(
                    Role::User,
                    format!("Prompt with arguments: arg1='{arg1}', arg2='{arg2}'"),
                )]
            }
            "test_prompt_with_embedded_resource" => {
                let uri = argument("resourceUri")?;
                vec![
                    PromptMessage::new(
                        Role::User,
                        ContentBlock::resource(ResourceContents::text(
                            "Embedded resource content for testing.",
                            uri,
                        )),
                    ),
                    PromptMessage::new_text(
                        Role::User,
                        "Please process the embedded resource above.",
                    ),
                ]
            }
            "test_prompt_with_image" => vec![
                PromptMessage::new(Role::User, ContentBlock::image(PNG_PIXEL, "image/png")),
                PromptMessage::new_text(Role::User, "Please analyze the image above."),
            ],
            other => return Err(unknown_prompt(other)),
        };
        Ok(GetPromptResponse::Complete(GetPromptResult::new(messages)))
    }

    /// The input-required prompt asks a session-era caller mid-request; the rest are as
    /// [`Self::get_prompt`] answers them.
    async fn get_prompt_for(
        &self,
        get: GetPromptRequestParams,
        caller: crate::tool_server::PromptCaller,
    ) -> Result<GetPromptResponse, ErrorData> {
        if get.name == input_required::PROMPT
            && crate::caller_requests::answers_mid_call(&caller.notifier)
        {
            return Ok(input_required::get_prompt_mid_call(&caller.notifier).await);
        }
        self.get_prompt(get).await
    }

    async fn complete(&self, request: CompleteRequestParams) -> Result<CompleteResult, ErrorData> {
        let values: Vec<String> = match &request.r#ref {
            Reference::Prompt(prompt)
                if prompt.name == "test_prompt_with_arguments"
                    && request.argument.name == "arg1" =>
            {
                ARG1_SUGGESTIONS
                    .iter()
                    .filter(|value| value.starts_with(request.argument.value.as_str()))
                    .map(|value| (*value).to_owned())
                    .collect()
            }
            _ => Vec::new(),
        };
        let total = u32::try_from(values.len()).ok();
        let mut completion = CompletionInfo::default();
        completion.values = values;
        completion.total = total;
        completion.has_more = Some(false);
        Ok(CompleteResult::new(completion))
    }

    fn notifies_caller(&self, tool: &str) -> bool {
        tool == "test_tool_with_logging" || tool == stateless::LOGGING
    }

    fn asks_caller(&self, tool: &str) -> bool {
        asking::TOOLS.contains(&tool)
            || asking::INPUT_REQUIRED_TOOLS.contains(&tool)
            || input_required::asks_caller(tool)
            || tasks::asks_caller(tool)
    }

    fn task_support(&self, tool: &str) -> TaskSupport {
        tasks::task_support(tool)
    }

    fn starts_task(
        &self,
        tool: &str,
        input_responses: Option<&rmcp::model::InputResponses>,
    ) -> bool {
        tasks::starts_task(tool, input_responses)
    }

    fn offers_tasks(&self) -> bool {
        true
    }

    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        let no_args = || json!({"type": "object", "properties": {}});
        let mut add = tool(
            "add",
            "Add two numbers; the sum also comes back as structured content",
            json!({
                "type": "object",
                "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
                "required": ["a", "b"]
            }),
        );
        if let serde_json::Value::Object(schema) = json!({
            "type": "object",
            "properties": {"sum": {"type": "number"}},
            "required": ["sum"]
        }) {
            add.output_schema = Some(std::sync::Arc::new(schema));
        }
        Ok(vec![
            tool(
                "test_simple_text",
                "Returns a simple text response",
                no_args(),
            ),
            tool("test_image_content", "Returns an image", no_args()),
            tool(
                "test_audio_content",
                "Returns a short audio clip",
                no_args(),
            ),
            tool(
                "test_embedded_resource",
                "Returns an embedded text resource",
                no_args(),
            ),
            tool(
                "test_multiple_content_types",
                "Returns text, an image and a resource",
                no_args(),
            ),
            tool(
                "test_tool_with_logging",
                "Sends three log messages while running",
                no_args(),
            ),
            tool(
                "test_tool_with_progress",
                "Reports progress three times while running",
                no_args(),
            ),
            tool(
                "test_error_handling",
                "Always fails with a tool error",
                no_args(),
            ),
            tool(
                "echo",
                "Echo the message back",
                json!({
                    "type": "object",
                    "properties": {"message": {"type": "string"}},
                    "required": ["message"]
                }),
            ),
            add,
            tool(
                "sleep",
                "Wait for a number of milliseconds (at most 10000), then answer",
                json!({
                    "type": "object",
                    "properties": {"ms": {"type": "integer", "minimum": 0}},
                    "required": ["ms"]
                }),
            ),
        ]
        .into_iter()
        .chain(asking::tools())
        .chain(asking::input_required_tools())
        .chain(input_required::tools())
        .chain(tasks::tools())
        .chain(schemas::tools())
        .chain(stateless::tools())
        .collect())
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        if let Some(refusal) = stateless::missing_capability(&call) {
            return Err(refusal);
        }
        if let Some(response) = schemas::call(&call) {
            return Ok(response);
        }
        if let Some(response) = asking::call(&call).await {
            return Ok(response);
        }
        if let Some(response) = asking::call_input_required(&call).await {
            return Ok(response);
        }
        if let Some(outcome) = input_required::call(&call).await {
            return outcome;
        }
        if let Some(outcome) = tasks::call(&call).await {
            return outcome;
        }
        let argument = |name: &str| {
            call.arguments
                .as_ref()
                .and_then(|arguments| arguments.get(name))
        };
        Ok(match call.name.as_str() {
            "test_simple_text" => simple(vec![ContentBlock::text(
                "This is a simple text response for testing.",
            )]),
            "test_image_content" => simple(vec![ContentBlock::image(PNG_PIXEL, "image/png")]),
            "test_audio_content" => simple(vec![ContentBlock::audio(wav_base64(), "audio/wav")]),
            "test_embedded_resource" => simple(vec![embedded_resource()]),
            "test_multiple_content_types" => simple(vec![
                ContentBlock::text("Multiple content types test:"),
                ContentBlock::image(PNG_PIXEL, "image/png"),
                embedded_resource(),
            ]),
            "test_tool_with_logging" | stateless::LOGGING => {
                for (index, message) in [
                    "Tool execution started",
                    "Tool processing data",
                    "Tool execution completed",
                ]
                .into_iter()
                .enumerate()
                {
                    if index > 0 {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                    let param =
                        LoggingMessageNotificationParam::new(LoggingLevel::Info, json!(message))
                            .with_logger("everything");
                    if let Err(error) = call.notifier.log(param).await {
                        tracing::debug!(%error, "log notification not delivered");
                    }
                }
                simple(vec![ContentBlock::text(
                    "Tool with logging executed successfully",
                )])
            }
            "test_tool_with_progress" => {
                if let Some(token) = &call.progress_token {
                    for progress in [0.0, 50.0, 100.0] {
                        let param = ProgressNotificationParam::new(token.clone(), progress)
                            .with_total(100.0)
                            .with_message(format!("Completed step {progress} of 100"));
                        if let Err(error) = call.notifier.progress(param).await {
                            tracing::debug!(%error, "progress notification not delivered");
                        }
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
                simple(vec![ContentBlock::text(
                    "Tool with progress executed successfully",
                )])
            }
            "test_error_handling" => {
                CallToolResponse::Complete(CallToolResult::error(vec![ContentBlock::text(
                    "This tool intentionally returns an error for testing",
                )]))
            }
            "echo" => {
                let message = argument("message")
                    .and_then(|value| value.as_str())
                    .unwrap_or("");
                simple(vec![ContentBlock::text(format!("Echo: {message}"))])
            }
            "add" => {
                let number =
                    |name| argument(name).and_then(|value: &serde_json::Value| value.as_f64());
                match (number("a"), number("b")) {
                    (Some(a), Some(b)) => {
                        let sum = a + b;
                        let mut result =
                            CallToolResult::success(vec![ContentBlock::text(sum.to_string())]);
                        result.structured_content = Some(json!({"sum": sum}));
                        CallToolResponse::Complete(result)
                    }
                    _ => crate::tool_server::tool_error("a and b must be numbers"),
                }
            }
            "sleep" => {
                let ms = argument("ms")
                    .and_then(|value| value.as_u64())
                    .unwrap_or(0)
                    .min(10_000);
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_millis(ms)) => {}
                    () = call.cancel.cancelled() => {}
                }
                simple(vec![ContentBlock::text(format!("slept {ms} ms"))])
            }
            other => {
                return Err(ErrorData::invalid_params(
                    format!("unknown tool: {other}"),
                    None,
                ));
            }
        })
    }
}

/// The tools that ask the caller something mid-call (the conformance suite's sampling and
/// elicitation scenarios, and roots for our own tests). A caller that cannot be asked gets a
/// tool error saying why.
mod asking {
    use std::time::Duration;

    use rmcp::model::{
        CallToolResponse, ContentBlock, InputRequest, InputRequiredResult, ServerRequest, Tool,
    };
    use serde_json::{Value, json};

    use super::{simple, tool};
    use crate::caller_requests;
    use crate::tool_server::{ToolCall, tool_error};

    pub(super) const TOOLS: [&str; 5] = [
        "test_sampling",
        "test_elicitation",
        "test_elicitation_sep1034_defaults",
        "test_elicitation_sep1330_enums",
        "test_roots",
    ];

    /// How long a tool waits for the caller's answer (a person may be typing).
    const ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

    pub(super) fn tools() -> Vec<Tool> {
        let no_args = || json!({"type": "object", "properties": {}});
        let one_string = |name: &str| json!({"type": "object", "properties": {name: {"type": "string"}}, "required": [name]});
        vec![
            tool(
                "test_sampling",
                "Asks the client's model to answer the prompt (sampling/createMessage)",
                one_string("prompt"),
            ),
            tool(
                "test_elicitation",
                "Asks the user for a username and an email (elicitation/create)",
                one_string("message"),
            ),
            tool(
                "test_elicitation_sep1034_defaults",
                "Asks the user for fields of every primitive type, each with a default",
                no_args(),
            ),
            tool(
                "test_elicitation_sep1330_enums",
                "Asks the user to pick from the five kinds of enum schema",
                no_args(),
            ),
            tool(
                "test_roots",
                "Lists the client's roots (roots/list)",
                no_args(),
            ),
        ]
    }

    /// The answer to `call` when it names one of these tools.
    pub(super) async fn call(call: &ToolCall) -> Option<CallToolResponse> {
        let argument = |name: &str| {
            call.arguments
                .as_ref()
                .and_then(|arguments| arguments.get(name))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let (request, describe): (Value, fn(&Value) -> String) = match call.name.as_str() {
            "test_sampling" => (
                json!({"method": "sampling/createMessage", "params": {
                    "messages": [{"role": "user", "content": {"type": "text", "text": argument("prompt")}}],
                    "maxTokens": 100
                }}),
                |answer| format!("LLM response: {}", sampled_text(answer)),
            ),
            "test_elicitation" => (
                elicitation(
                    &argument("message"),
                    json!({
                        "username": {"type": "string", "description": "User's response"},
                        "email": {"type": "string", "description": "User's email address"}
                    }),
                    &["username", "email"],
                ),
                |answer| format!("User response: {}", elicited(answer)),
            ),
            "test_elicitation_sep1034_defaults" => (
                elicitation(
                    "Please review and update the form fields with defaults",
                    json!({
                        "name": {"type": "string", "description": "User name", "default": "John Doe"},
                        "age": {"type": "integer", "description": "User age", "default": 30},
                        "score": {"type": "number", "description": "User score", "default": 95.5},
                        "status": {"type": "string", "description": "User status",
                            "enum": ["active", "inactive", "pending"], "default": "active"},
                        "verified": {"type": "boolean", "description": "Verification status", "default": true}
                    }),
                    &[],
                ),
                |answer| format!("Elicitation completed: {}", elicited(answer)),
            ),
            "test_elicitation_sep1330_enums" => (
                elicitation(
                    "Please select options from the enum fields",
                    json!({
                        "untitledSingle": {"type": "string", "description": "Select one option",
                            "enum": ["option1", "option2", "option3"]},
                        "titledSingle": {"type": "string", "description": "Select one option with titles",
                            "oneOf": [{"const": "value1", "title": "First Option"},
                                      {"const": "value2", "title": "Second Option"},
                                      {"const": "value3", "title": "Third Option"}]},
                        "legacyEnum": {"type": "string", "description": "Select one option (legacy)",
                            "enum": ["opt1", "opt2", "opt3"],
                            "enumNames": ["Option One", "Option Two", "Option Three"]},
                        "untitledMulti": {"type": "array", "description": "Select multiple options",
                            "items": {"type": "string", "enum": ["option1", "option2", "option3"]}},
                        "titledMulti": {"type": "array", "description": "Select multiple options with titles",
                            "items": {"anyOf": [{"const": "value1", "title": "First Choice"},
                                                {"const": "value2", "title": "Second Choice"},
                                                {"const": "value3", "title": "Third Choice"}]}}
                    }),
                    &[],
                ),
                |answer| format!("Elicitation completed: {}", elicited(answer)),
            ),
            "test_roots" => (json!({"method": "roots/list"}), |answer| {
                let uris: Vec<&str> = answer["roots"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|root| root["uri"].as_str())
                    .collect();
                format!("Roots: {}", uris.join(", "))
            }),
            _ => return None,
        };
        // 2026-07-28: the client asks its user or model between two rounds of the call and
        // retries with the answer; older revisions are asked on the call's stream.
        if let Some(answer) = call
            .input_responses
            .as_ref()
            .and_then(|responses| responses.get(INPUT_KEY))
        {
            return Some(simple(vec![ContentBlock::text(describe(answer))]));
        }
        if caller_requests::asks_by_input_required(call) {
            return Some(match serde_json::from_value::<InputRequest>(request) {
                Ok(input) => {
                    CallToolResponse::InputRequired(InputRequiredResult::from_input_requests(
                        [(INPUT_KEY.to_owned(), input)].into(),
                    ))
                }
                Err(error) => tool_error(format!("cannot build the request: {error}")),
            });
        }
        let request = match serde_json::from_value::<ServerRequest>(request) {
            Ok(request) => request,
            Err(error) => return Some(tool_error(format!("cannot build the request: {error}"))),
        };
        Some(
            match caller_requests::ask(&call.notifier, request, ANSWER_TIMEOUT).await {
                Ok(answer) => {
                    let answer = serde_json::to_value(answer).unwrap_or_default();
                    simple(vec![ContentBlock::text(describe(&answer))])
                }
                Err(error) => {
                    tool_error(format!("the client could not be asked: {}", error.message))
                }
            },
        )
    }

    /// The key of the one input request these tools make in an input-required result.
    const INPUT_KEY: &str = "input";

    /// The 2026-07-28 suite's input-required fixtures: each asks (by name, under a fixed key)
    /// with an input-required result, and answers from the retry's `inputResponses`.
    pub(super) fn input_required_tools() -> Vec<Tool> {
        let no_args = || json!({"type": "object", "properties": {}});
        vec![
            tool(
                "test_input_required_result_sampling",
                "Asks for a sampling through an input-required result",
                no_args(),
            ),
            tool(
                "test_input_required_result_elicitation",
                "Asks the user's name through an input-required result",
                no_args(),
            ),
            tool(
                "test_input_required_result_list_roots",
                "Asks for the roots through an input-required result",
                no_args(),
            ),
        ]
    }

    /// The input-required fixtures, which a session-era caller (a proxy, say) is asked mid-call;
    /// the stateless revision's two asking diagnostics ask the same way.
    pub(super) const INPUT_REQUIRED_TOOLS: [&str; 5] = [
        "test_input_required_result_sampling",
        "test_input_required_result_elicitation",
        "test_input_required_result_list_roots",
        super::stateless::MISSING_CAPABILITY,
        super::stateless::STREAMING_ELICITATION,
    ];

    pub(super) async fn call_input_required(call: &ToolCall) -> Option<CallToolResponse> {
        let (key, request, describe): (&str, Value, fn(&Value) -> String) = match call.name.as_str()
        {
            "test_input_required_result_sampling" | super::stateless::MISSING_CAPABILITY => (
                "capital_question",
                json!({"method": "sampling/createMessage", "params": {
                    "messages": [{"role": "user", "content": {"type": "text",
                        "text": "What is the capital of France?"}}],
                    "maxTokens": 100
                }}),
                sampled_text,
            ),
            "test_input_required_result_elicitation" | super::stateless::STREAMING_ELICITATION => (
                "user_name",
                json!({"method": "elicitation/create", "params": {
                    "mode": "form", "message": "What is your name?", "requestedSchema": {
                        "type": "object", "properties": {"name": {"type": "string"}},
                        "required": ["name"]}
                }}),
                |answer| {
                    let name = answer["content"]["name"].as_str().unwrap_or_default();
                    format!("Hello, {name}!")
                },
            ),
            "test_input_required_result_list_roots" => (
                "client_roots",
                json!({"method": "roots/list", "params": {}}),
                |answer| {
                    let uris: Vec<&str> = answer["roots"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|root| root["uri"].as_str())
                        .collect();
                    format!("Roots: {}", uris.join(", "))
                },
            ),
            _ => return None,
        };
        // Only a result object answers; anything else is asked again.
        if let Some(answer) = call
            .input_responses
            .as_ref()
            .and_then(|responses| responses.get(key))
            .filter(|answer| answer.is_object())
        {
            return Some(simple(vec![ContentBlock::text(describe(answer))]));
        }
        // A session-era caller cannot take an input-required result: it is asked on the call's
        // stream, as a session-era server would, naming the key the result would have used (a
        // gateway bridging the call for a 2026-07-28 caller asks under it).
        if caller_requests::answers_mid_call(&call.notifier) {
            let mut request = request;
            request["params"]["_meta"] = json!({caller_requests::INPUT_KEY_META: key});
            let request = match serde_json::from_value::<ServerRequest>(request) {
                Ok(request) => request,
                Err(error) => {
                    return Some(tool_error(format!("cannot build the request: {error}")));
                }
            };
            return Some(
                match caller_requests::ask(&call.notifier, request, ANSWER_TIMEOUT).await {
                    Ok(answer) => {
                        let answer = serde_json::to_value(answer).unwrap_or_default();
                        simple(vec![ContentBlock::text(describe(&answer))])
                    }
                    Err(error) => {
                        tool_error(format!("the client could not be asked: {}", error.message))
                    }
                },
            );
        }
        Some(match serde_json::from_value::<InputRequest>(request) {
            Ok(input) => CallToolResponse::InputRequired(InputRequiredResult::from_input_requests(
                [(key.to_owned(), input)].into(),
            )),
            Err(error) => tool_error(format!("cannot build the request: {error}")),
        })
    }

    fn elicitation(message: &str, properties: Value, required: &[&str]) -> Value {
        let mut schema = json!({"type": "object", "properties": properties});
        if !required.is_empty() {
            schema["required"] = json!(required);
        }
        json!({"method": "elicitation/create", "params": {
            "mode": "form", "message": message, "requestedSchema": schema
        }})
    }

    /// The text of a sampling answer (its content is one block, or several in newer revisions).
    fn sampled_text(answer: &Value) -> String {
        let content = &answer["content"];
        let block = content
            .as_array()
            .and_then(|blocks| blocks.first())
            .unwrap_or(content);
        block["text"].as_str().unwrap_or_default().to_owned()
    }

    fn elicited(answer: &Value) -> String {
        format!(
            "action={}, content={}",
            answer["action"].as_str().unwrap_or_default(),
            answer.get("content").cloned().unwrap_or(Value::Null)
        )
    }
}
