//! Protocol conversions between the four client protocols (OpenAI chat completions, Anthropic
//! Messages, Gemini generateContent, OpenAI Responses): pure functions over JSON for requests and
//! responses, and stateful per-stream converters for event streams. No I/O.
//!
//! # Design
//!
//! OpenAI chat completions is the pivot: every other protocol converts to and from chat, and a
//! pair without chat (Messages ⇄ Gemini, Responses ⇄ Messages, ...) is the composition of two
//! steps. Requests on the way through the pivot carry two internal keys, `_pivot_top_k` and
//! `_pivot_thinking_budget`, so that Anthropic `top_k` and an exact thinking budget survive
//! Messages ⇄ Gemini; they are removed before a chat body leaves this module.
//!
//! # Reasoning effort ⇄ thinking budget
//!
//! | chat `reasoning_effort` | Anthropic `thinking.budget_tokens` / Gemini `thinkingBudget` |
//! |---|---|
//! | `none` | thinking disabled (Gemini `thinkingBudget: 0`) |
//! | `minimal` | 1024 |
//! | `low` | 2048 |
//! | `medium` | 8192 |
//! | `high` | 24576 |
//! | `xhigh` | 32768 |
//!
//! Back from a budget: up to 2048 is `low`, up to 8192 `medium`, above that `high`; Gemini's
//! dynamic budget (`-1`) is `medium`; 0 means no reasoning and leaves `reasoning_effort` unset.
//! Anthropic needs `budget_tokens < max_tokens` and at least 1024: a budget that does not fit
//! becomes half of `max_tokens`, and thinking stays off when that is below 1024. Anthropic also
//! refuses thinking with a forced tool choice (`required` or a named function): the tool
//! choice wins and thinking stays off. It also wants the signed thinking that preceded the
//! last assistant turn's tool calls: when a chat client did not keep it (`thinking_blocks`),
//! thinking stays off for that request.
//!
//! # Usage
//!
//! Chat `prompt_tokens` and Gemini `promptTokenCount` and Responses `input_tokens` include cached
//! tokens; Anthropic `input_tokens` excludes both cache reads and cache writes. Cache writes
//! have no chat field: they are carried as `usage.prompt_tokens_details.cache_creation_tokens`
//! (an extension) and folded into the prompt count where a protocol has no field for them
//! (Gemini, Responses). Reasoning tokens are part of the output count everywhere except Gemini,
//! where `candidatesTokenCount` excludes `thoughtsTokenCount`.
//!
//! # Deliberately dropped fields
//!
//! - To Anthropic: `logprobs`, `top_logprobs`, `seed`, `presence_penalty`,
//!   `frequency_penalty`, `logit_bias`, `response_format`, `service_tier`, `store`, chat
//!   `metadata`; with thinking on, `temperature`, `top_k` and a `top_p` below 0.95 (Anthropic
//!   rejects them). Thinking text of earlier assistant turns is dropped unless it comes with a
//!   signature (`thinking_blocks`), because Anthropic rejects unsigned thinking.
//! - From Anthropic: `cache_control` everywhere, `is_error` of tool results, thinking
//!   signatures (chat has no field for them, except `thinking_blocks` in non-streamed
//!   responses), `service_tier`, `container`, `context_management` (Claude Code asks to clear
//!   old thinking; a converted channel keeps no thinking across turns anyway), tool fields
//!   other than name, description and schema (`defer_loading`, `input_examples`, ...), records
//!   of server tools in earlier assistant turns (`server_tool_use`, `web_search_tool_result`,
//!   `mcp_tool_use`, ...).
//!   `thinking: {"type": "adaptive"}` is `reasoning_effort: medium` and `output_config.effort`
//!   wins over it (`max` is `high`, the highest level every chat server knows); a JSON-schema
//!   `output_config.format` is the chat `response_format`. A `system` turn among the messages
//!   (Claude Code sends them) stays a system message at its place.
//!   `metadata.user_id` is the chat `user`, as its SHA-256 when longer than 64 characters
//!   (Claude Code's is a JSON object of about 150, longer than OpenAI-compatible servers take).
//! - To Gemini: `user`, `parallel_tool_calls`, `logprobs`, `logit_bias`, `service_tier`,
//!   tool call ids (Gemini pairs calls and responses by name and order).
//! - From Gemini: `safetySettings`, `thought` parts of earlier turns, citation and grounding
//!   metadata, safety ratings, `executableCode` and `codeExecutionResult` parts of earlier
//!   turns (records of the built-in code execution). A `system` turn among the contents is a system message; an
//!   answer whose id matches no call (Gemini CLI numbers its own) pairs with its call by name.
//! - To Responses: `stop` (the Responses API has no stop sequences), `logprobs`, `seed`,
//!   `presence_penalty`, `frequency_penalty`, `logit_bias`; from Responses: `store`, `include`, `truncation`, `prompt_cache_key`,
//!   `text.verbosity`, reasoning items of earlier turns (`encrypted_content` only means
//!   something to OpenAI), and records of tools OpenAI ran in earlier turns
//!   (`web_search_call`, `file_search_call`, `code_interpreter_call`, `image_generation_call`,
//!   `computer_call` and its output, `mcp_*`, `tool_search_*`). Developer turns become system
//!   turns (not every chat server knows the developer role).
//! - To chat from anything: `top_k` (OpenAI rejects it).
//!
//! # Tools a converted channel cannot run
//!
//! Tools the provider runs on its own servers cannot be served by another provider's channel,
//! and clients send them without asking (Codex lists `web_search`, Claude Code's web search
//! makes a request with `web_search_20250305`, Gemini CLI's with `googleSearch`). They are left
//! out, never refused: Responses built-ins (`web_search*`, `file_search`, `code_interpreter`,
//! `image_generation`, `computer_use*`, `mcp`, `tool_search`, any other non-function type),
//! Anthropic typed tools (server tools and Anthropic-defined tools such as `bash_*`) and
//! `mcp_servers`, Gemini built-ins (`googleSearch`, `googleSearchRetrieval`, `codeExecution`,
//! `urlContext`, ...), and a chat client's `web_search_options`. A tool choice naming one of them, or a tool choice left without any
//! tool, is left out with them. [`ClientTools::dropped`] names them; the relay sends the list
//! in the `x-aiproxy-dropped-tools` response header and logs it. When the model has the
//! web-search plugin configured, the plugin answers the search tools (`web_search`,
//! `web_search_20250305`, `googleSearch`) and takes them out before conversion, so they are
//! served rather than left out.
//!
//! Codex tools that the client itself executes are renamed instead, and their calls go back in
//! the client's own form (see [`ClientTools`]): a `namespace` tool becomes one function per
//! member, named `<namespace>__<name>` (`mcp__github__create_issue`), whose calls go back as
//! `function_call` items with `name` and `namespace`; `local_shell` becomes a `local_shell`
//! function whose calls go back as `local_shell_call` items; a `custom` (freeform) tool becomes
//! a function with one string argument `input` (its grammar in the description) whose calls go
//! back as `custom_tool_call` items. Earlier turns' items of those kinds become chat tool calls.
//! Tools of `additional_tools` input items (newer Codex) join the request's tools. A function
//! name given twice (a flattened name meeting a function of that name) is sent once, the first
//! tool of the name, and calls map back to that one.
//!
//! A request a target cannot serve at all (audio input to Anthropic, `previous_response_id`,
//! `n > 1` where unsupported, ...) fails with [`ConvertError::Unsupported`] naming why.
//!
//! # Streams
//!
//! Converters take each upstream event's parsed `data:` JSON ([`EventConverter::push`]) and
//! return client events. Call [`EventConverter::finish`] when the upstream stream ends or sends
//! chat's `data: [DONE]`: a complete stream then ends normally, a cut one ends with the client
//! protocol's error form (Anthropic `error` event, chat `{"error": ...}` chunk, Responses
//! `response.failed`, Gemini `{"error": ...}`).

mod anthropic;
mod chat_stream;
mod count;
mod gemini;
pub mod gemini_embeddings;
mod responses;
mod tools;
mod usage;

use std::borrow::Cow;
use std::sync::Arc;

use bytes::{BufMut, Bytes, BytesMut};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::RelayError;
use crate::json::JsonObject;
use crate::sse::SseEvent;
pub use crate::vocabulary::Wire;

pub use anthropic::{
    ChatToMessagesStream, MessagesToChatStream, chat_request_to_messages,
    chat_response_to_messages, messages_request_to_chat, messages_response_to_chat,
};
pub use count::{count_gemini_tokens, count_messages_tokens};
pub use gemini::{
    ChatToGeminiStream, GeminiToChatStream, chat_request_to_gemini, chat_response_to_gemini,
    gemini_request_to_chat, gemini_response_to_chat,
};
pub use responses::{
    ChatToResponsesStream, ResponsesToChatStream, chat_request_to_responses,
    chat_response_to_responses, responses_request_to_chat, responses_response_to_chat,
};
pub use tools::{ClientTool, ClientTools, DROPPED_TOOLS_HEADER};
pub use usage::Usage;

/// Why a body cannot be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConvertError {
    /// The request is valid but the target protocol cannot express it: the client's fault (4xx).
    #[error("{0}")]
    Unsupported(String),
    /// The request is not a valid body of its protocol: the client's fault (4xx).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The upstream's answer is not a valid body of its protocol: the upstream's fault.
    #[error("invalid upstream response: {0}")]
    InvalidResponse(String),
}

impl From<ConvertError> for RelayError {
    fn from(error: ConvertError) -> RelayError {
        match error {
            ConvertError::Unsupported(_) | ConvertError::InvalidRequest(_) => {
                RelayError::BadRequest {
                    message: error.to_string(),
                    param: None,
                }
            }
            ConvertError::InvalidResponse(_) => RelayError::UpstreamInvalid,
        }
    }
}

/// Facts a response converter cannot read from the upstream body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResponseMeta {
    /// Reported when the upstream body names no model (and for Gemini, which names a version).
    pub model: String,
    /// Unix seconds for chat `created` and Responses `created_at`.
    pub created: i64,
    /// What the request conversion did to the client's tools: calls of renamed tools go back
    /// to the client in its own form.
    pub tools: Arc<ClientTools>,
}

/// One event for the client.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// An `event:` line when the protocol names its events (Anthropic, Responses) and the
    /// JSON `data:` line.
    Json {
        event: Option<&'static str>,
        data: Value,
    },
    /// Chat's closing `data: [DONE]`.
    Done,
}

impl StreamEvent {
    /// The event framed as server-sent-events bytes, blank line included.
    pub fn to_bytes(&self) -> Bytes {
        match self {
            StreamEvent::Json { event, data } => {
                let mut out = Vec::with_capacity(128);
                if let Some(name) = event {
                    out.extend_from_slice(b"event: ");
                    out.extend_from_slice(name.as_bytes());
                    out.push(b'\n');
                }
                out.extend_from_slice(b"data: ");
                // Writing a `Value` into a Vec cannot fail.
                let _ = serde_json::to_writer(&mut out, data);
                out.extend_from_slice(b"\n\n");
                Bytes::from(out)
            }
            StreamEvent::Done => Bytes::from_static(b"data: [DONE]\n\n"),
        }
    }

    /// The relay's own event type, for writing to the client.
    pub fn into_sse(self) -> SseEvent {
        let raw = self.to_bytes();
        let data = match &self {
            StreamEvent::Json { data, .. } => Some(data.to_string()),
            StreamEvent::Done => Some("[DONE]".to_owned()),
        };
        SseEvent { raw, data }
    }

    /// The JSON payload, `None` for [`StreamEvent::Done`].
    pub fn data(&self) -> Option<&Value> {
        match self {
            StreamEvent::Json { data, .. } => Some(data),
            StreamEvent::Done => None,
        }
    }
}

/// Converts one upstream event stream into the client's protocol, event by event.
pub trait EventConverter: Send {
    /// One upstream event's parsed `data:` payload; appends the client events it completes.
    fn push(&mut self, event: &Value, out: &mut Vec<StreamEvent>);
    /// [`EventConverter::push`] for an event's `data:` text; text that is not JSON is skipped.
    /// Converters that read the text more cheaply than as a whole `Value` override it.
    fn push_text(&mut self, data: &str, out: &mut Vec<StreamEvent>) {
        if let Ok(event) = serde_json::from_str::<Value>(data) {
            self.push(&event, out);
        }
    }
    /// The upstream stream ended (or chat sent `[DONE]`): appends what closes the client's
    /// stream. Events pushed afterwards are ignored.
    fn finish(&mut self, out: &mut Vec<StreamEvent>);
    /// [`EventConverter::push_text`] with the client events written as server-sent events.
    /// Converters on a hot path override it to write them without a `Value` per event.
    fn push_sse(&mut self, data: &str, out: &mut BytesMut) {
        let mut events = Vec::new();
        self.push_text(data, &mut events);
        for event in events {
            out.extend_from_slice(&event.to_bytes());
        }
    }
    /// [`EventConverter::finish`] with the client events written as server-sent events.
    fn finish_sse(&mut self, out: &mut BytesMut) {
        let mut events = Vec::new();
        self.finish(&mut events);
        for event in events {
            out.extend_from_slice(&event.to_bytes());
        }
    }
}

/// Where a converter writes its events: as [`StreamEvent`]s for callers that read them, or
/// framed as server-sent events for the client (the same text [`StreamEvent::to_bytes`]
/// gives, without building a `Value`).
pub(crate) enum EventSink<'a> {
    Events(&'a mut Vec<StreamEvent>),
    Sse(&'a mut BytesMut),
}

impl EventSink<'_> {
    pub(crate) fn json<T: Serialize + ?Sized>(&mut self, event: Option<&'static str>, data: &T) {
        match self {
            EventSink::Events(out) => {
                // Serializing plain data into a `Value` cannot fail.
                if let Ok(data) = serde_json::to_value(data) {
                    out.push(StreamEvent::Json { event, data });
                }
            }
            EventSink::Sse(out) => {
                if let Some(name) = event {
                    out.extend_from_slice(b"event: ");
                    out.extend_from_slice(name.as_bytes());
                    out.extend_from_slice(b"\n");
                }
                out.extend_from_slice(b"data: ");
                // Writing plain data into memory cannot fail.
                let _ = serde_json::to_writer((&mut **out).writer(), data);
                out.extend_from_slice(b"\n\n");
            }
        }
    }
}

/// Drives an [`EventConverter`] with the relay's own parsed events: comments and data-less
/// events are dropped, chat's `[DONE]` finishes the stream, and a `data:` line that is not JSON
/// is skipped (no protocol here sends one).
pub struct SseStreamConverter {
    inner: Box<dyn EventConverter>,
    scratch: Vec<StreamEvent>,
}

impl SseStreamConverter {
    pub fn new(inner: Box<dyn EventConverter>) -> SseStreamConverter {
        SseStreamConverter {
            inner,
            scratch: Vec::new(),
        }
    }

    /// One upstream event; appends the client events it completes.
    pub fn convert(&mut self, event: &SseEvent, out: &mut Vec<SseEvent>) {
        let Some(data) = event.data.as_deref() else {
            return;
        };
        if data.trim() == "[DONE]" {
            self.inner.finish(&mut self.scratch);
        } else {
            self.inner.push_text(data, &mut self.scratch);
        }
        out.extend(self.scratch.drain(..).map(StreamEvent::into_sse));
    }

    /// The upstream stream ended (cleanly or not): appends what closes the client's stream.
    pub fn finish(&mut self, out: &mut Vec<SseEvent>) {
        self.inner.finish(&mut self.scratch);
        out.extend(self.scratch.drain(..).map(StreamEvent::into_sse));
    }
}

/// Converts a request body from the client's protocol to the channel's. `model` and `stream`
/// come from the client's URL for Gemini (whose body names neither) and are ignored otherwise;
/// a Gemini body produced here names neither either: they go in the channel's URL.
pub fn convert_request(
    client: Wire,
    channel: Wire,
    body: &Value,
    model: &str,
    stream: bool,
) -> Result<Value, ConvertError> {
    convert_request_noting_tools(client, channel, body, model, stream).map(|(body, _)| body)
}

/// [`convert_request`], with what the conversion did to the client's tools (tools left out,
/// tools renamed), for [`ResponseMeta::tools`] and the [`DROPPED_TOOLS_HEADER`].
pub fn convert_request_noting_tools(
    client: Wire,
    channel: Wire,
    body: &Value,
    model: &str,
    stream: bool,
) -> Result<(Value, ClientTools), ConvertError> {
    let mut tools = ClientTools::default();
    if client == channel {
        return Ok((body.clone(), tools));
    }
    // Chat's search request is OpenAI's own search; another provider's channel does not get it.
    if client == Wire::Chat && body.get("web_search_options").is_some_and(|v| !v.is_null()) {
        tools.drop_tool("web_search_options");
    }
    // A chat body is read in place; it is only copied when it is itself the result.
    let pivot = match client {
        Wire::Chat => Cow::Borrowed(body),
        Wire::Messages => Cow::Owned(anthropic::messages_request_to_pivot(body, &mut tools)?),
        Wire::Gemini => Cow::Owned(gemini::gemini_request_to_pivot(
            body, model, stream, &mut tools,
        )?),
        Wire::Responses => Cow::Owned(responses::responses_request_to_pivot(body, &mut tools)?),
    };
    Ok((from_pivot_request(pivot, channel)?, tools))
}

/// [`convert_request_noting_tools`] for a body the relay holds as raw top-level fields.
/// Anthropic Messages bodies are converted from those fields (text turns and pass-through
/// values are copied, not rebuilt); other protocols go through [`convert_request`]. Tools left
/// out are logged.
pub(crate) fn convert_request_object(
    client: Wire,
    channel: Wire,
    body: &JsonObject,
    model: &str,
    stream: bool,
) -> Result<(JsonObject, ClientTools), ConvertError> {
    let converted = convert_object(client, channel, body, model, stream)?;
    if !converted.1.dropped().is_empty() {
        tracing::info!(
            client = ?client,
            channel = ?channel,
            dropped_tools = %converted.1.dropped().join(","),
            "tools the channel cannot serve were left out of the converted request"
        );
    }
    Ok(converted)
}

fn convert_object(
    client: Wire,
    channel: Wire,
    body: &JsonObject,
    model: &str,
    stream: bool,
) -> Result<(JsonObject, ClientTools), ConvertError> {
    let invalid = |error: serde_json::Error| ConvertError::InvalidRequest(error.to_string());
    if client == channel {
        return Ok((body.clone(), ClientTools::default()));
    }
    // With a key given twice a parsed body keeps the last value; the raw fields would give the
    // first, so such bodies take the parsed path.
    if client == Wire::Messages && !body.has_duplicate_keys() {
        let mut tools = ClientTools::default();
        let mut pivot = anthropic::messages_object_to_pivot(body, &mut tools)?;
        if channel == Wire::Chat {
            finish_chat_object(&mut pivot);
            return Ok((pivot, tools));
        }
        let pivot = serde_json::from_slice::<Value>(&pivot.to_bytes()).map_err(invalid)?;
        let converted = from_pivot_request(Cow::Owned(pivot), channel)?;
        return Ok((JsonObject::from_value(&converted).map_err(invalid)?, tools));
    }
    let value = serde_json::from_slice::<Value>(&body.to_bytes()).map_err(invalid)?;
    let (converted, tools) = convert_request_noting_tools(client, channel, &value, model, stream)?;
    Ok((JsonObject::from_value(&converted).map_err(invalid)?, tools))
}

/// The channel's request from a pivot chat request.
fn from_pivot_request(pivot: Cow<'_, Value>, channel: Wire) -> Result<Value, ConvertError> {
    match channel {
        Wire::Chat => {
            let mut pivot = pivot.into_owned();
            finish_chat_request(&mut pivot);
            Ok(pivot)
        }
        Wire::Messages => chat_request_to_messages(&pivot),
        Wire::Gemini => chat_request_to_gemini(&pivot),
        Wire::Responses => chat_request_to_responses(&pivot),
    }
}

/// Converts a non-streamed response body from the channel's protocol to the client's.
pub fn convert_response(
    channel: Wire,
    client: Wire,
    body: &Value,
    meta: &ResponseMeta,
) -> Result<Value, ConvertError> {
    if client == channel {
        return Ok(body.clone());
    }
    // A chat body is read in place; it is only copied when it is itself the result.
    let chat = match channel {
        Wire::Chat => Cow::Borrowed(body),
        Wire::Messages => Cow::Owned(messages_response_to_chat(body, meta)?),
        Wire::Gemini => Cow::Owned(gemini_response_to_chat(body, meta)?),
        Wire::Responses => Cow::Owned(responses_response_to_chat(body, meta)?),
    };
    match client {
        Wire::Chat => Ok(chat.into_owned()),
        Wire::Messages => chat_response_to_messages(&chat),
        Wire::Gemini => chat_response_to_gemini(&chat),
        Wire::Responses => chat_response_to_responses(&chat, meta),
    }
}

/// A converter for one stream from the channel's protocol to the client's; `None` when both
/// speak the same protocol (forward events as they are).
pub fn stream_converter(
    channel: Wire,
    client: Wire,
    meta: ResponseMeta,
) -> Option<Box<dyn EventConverter>> {
    if client == channel {
        return None;
    }
    let to_chat: Option<Box<dyn EventConverter>> = match channel {
        Wire::Chat => None,
        Wire::Messages => Some(Box::new(MessagesToChatStream::new(meta.clone()))),
        Wire::Gemini => Some(Box::new(GeminiToChatStream::new(meta.clone()))),
        Wire::Responses => Some(Box::new(ResponsesToChatStream::new(meta.clone()))),
    };
    let from_chat: Option<Box<dyn EventConverter>> = match client {
        Wire::Chat => None,
        Wire::Messages => Some(Box::new(ChatToMessagesStream::new())),
        Wire::Gemini => Some(Box::new(ChatToGeminiStream::new())),
        Wire::Responses => Some(Box::new(ChatToResponsesStream::new(meta))),
    };
    match (to_chat, from_chat) {
        (Some(first), Some(second)) => Some(Box::new(Chained {
            first,
            second,
            scratch: Vec::new(),
        })),
        (Some(only), None) | (None, Some(only)) => Some(only),
        (None, None) => None,
    }
}

/// Two converters through the chat pivot: the first's chat chunks feed the second.
struct Chained {
    first: Box<dyn EventConverter>,
    second: Box<dyn EventConverter>,
    scratch: Vec<StreamEvent>,
}

impl Chained {
    fn forward(&mut self, out: &mut Vec<StreamEvent>) {
        for event in self.scratch.drain(..) {
            match event {
                StreamEvent::Json { data, .. } => self.second.push(&data, out),
                StreamEvent::Done => self.second.finish(out),
            }
        }
    }
}

impl EventConverter for Chained {
    fn push(&mut self, event: &Value, out: &mut Vec<StreamEvent>) {
        self.first.push(event, &mut self.scratch);
        self.forward(out);
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) {
        self.first.finish(&mut self.scratch);
        self.forward(out);
        self.second.finish(out);
    }
}

// ------------------------------------------------------------------ reasoning

/// Thinking budget for a chat `reasoning_effort`; `Some(0)` turns thinking off, `None` is an
/// effort this table does not know.
pub fn budget_for_effort(effort: &str) -> Option<i64> {
    Some(match effort {
        "none" => 0,
        "minimal" => 1024,
        "low" => 2048,
        "medium" => 8192,
        "high" => 24576,
        "xhigh" => 32768,
        _ => return None,
    })
}

/// Chat `reasoning_effort` for a thinking budget; `None` for a budget of 0 (no reasoning).
pub fn effort_for_budget(budget: i64) -> Option<&'static str> {
    match budget {
        0 => None,
        b if b < 0 => Some("medium"),
        b if b <= 2048 => Some("low"),
        b if b <= 8192 => Some("medium"),
        _ => Some("high"),
    }
}

// ------------------------------------------------------------------ shared helpers

const PIVOT_TOP_K: &str = "_pivot_top_k";
const PIVOT_THINKING_BUDGET: &str = "_pivot_thinking_budget";

/// A pivot request made ready for a real chat upstream: internal keys removed, and the token
/// limit named `max_completion_tokens` for reasoning models (OpenAI's reasoning models reject
/// `max_tokens`, while many compatible servers only know `max_tokens`).
fn finish_chat_request(chat: &mut Value) {
    if let Some(fields) = chat.as_object_mut() {
        fields.remove(PIVOT_TOP_K);
        fields.remove(PIVOT_THINKING_BUDGET);
        if fields.contains_key("reasoning_effort")
            && let Some(limit) = fields.remove("max_tokens")
        {
            fields.insert("max_completion_tokens".into(), limit);
        }
    }
}

/// The first field of the typed views that read JSON in place. Serde also reads a struct from
/// an array of its fields in order; a view must only ever accept an object (an array in that
/// place is an error the slower `Value` path reports), and this field fails every array. No
/// object carries its key.
#[derive(Default)]
pub(super) struct ObjectOnly;

impl<'de> serde::Deserialize<'de> for ObjectOnly {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<ObjectOnly, D::Error> {
        Err(serde::de::Error::custom("an object was expected"))
    }
}

/// [`finish_chat_request`] for a pivot held as raw fields.
fn finish_chat_object(chat: &mut JsonObject) {
    chat.remove(PIVOT_TOP_K);
    chat.remove(PIVOT_THINKING_BUDGET);
    if chat.get("reasoning_effort").is_some() {
        chat.rename("max_tokens", "max_completion_tokens");
    }
}

fn as_object<'a>(value: &'a Value, what: &str) -> Result<&'a Map<String, Value>, ConvertError> {
    value
        .as_object()
        .ok_or_else(|| ConvertError::InvalidRequest(format!("{what} must be a json object")))
}

/// Longest id or model name taken from an upstream's first event. Stream converters repeat
/// them in every event they write, so an upstream's 10 MB id would otherwise come back to the
/// client once per token.
const MAX_UPSTREAM_NAME: usize = 256;

/// An upstream id or model name cut to [`MAX_UPSTREAM_NAME`] bytes on a character boundary.
fn upstream_name(text: &str) -> String {
    crate::error::prefix_within(text, MAX_UPSTREAM_NAME).to_owned()
}

fn str_field<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// Splits `data:<mime>;base64,<data>`.
fn parse_data_url(url: &str) -> Option<(&str, &str)> {
    let rest = url.strip_prefix("data:")?;
    let (header, data) = rest.split_once(',')?;
    let mime = header.strip_suffix(";base64")?;
    Some((mime, data))
}

fn data_url(mime: &str, data: &str) -> String {
    format!("data:{mime};base64,{data}")
}

/// A chat message's text: the string itself or its text parts joined.
fn chat_text(content: &Value) -> String {
    match content {
        Value::String(text) => text.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|part| str_field(part, "text").or_else(|| str_field(part, "refusal")))
            .collect::<Vec<_>>()
            .join(""),
        _ => String::new(),
    }
}

/// The non-empty texts of a system message, one per part: Anthropic and Gemini keep them as
/// separate blocks.
fn system_texts(content: &Value) -> impl Iterator<Item = &str> {
    let texts: Vec<&str> = match content {
        Value::String(text) => vec![text.as_str()],
        Value::Array(parts) => parts.iter().filter_map(|p| str_field(p, "text")).collect(),
        _ => Vec::new(),
    };
    texts.into_iter().filter(|text| !text.is_empty())
}

/// `stop` as a list: chat accepts a string or strings.
fn stop_list(stop: &Value) -> Vec<Value> {
    match stop {
        Value::String(one) => vec![Value::String(one.clone())],
        Value::Array(many) => many.clone(),
        _ => Vec::new(),
    }
}

/// Whether streamed tool-call arguments form a complete JSON value yet.
fn is_complete_json(text: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

/// Tool call arguments as a JSON object; the empty string (a call without arguments) is `{}`.
fn parse_arguments(arguments: &str) -> Result<Value, String> {
    if arguments.trim().is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_str(arguments).map_err(|error| format!("tool call arguments: {error}"))
}

/// The chat `max_completion_tokens` or legacy `max_tokens`.
fn chat_max_tokens(chat: &Value) -> Option<u64> {
    chat.get("max_completion_tokens")
        .and_then(Value::as_u64)
        .or_else(|| chat.get("max_tokens").and_then(Value::as_u64))
}

/// The thinking budget a chat request asks for: exact when it came through the pivot.
fn chat_thinking_budget(chat: &Value) -> Option<i64> {
    if let Some(budget) = chat.get(PIVOT_THINKING_BUDGET).and_then(Value::as_i64) {
        return Some(budget);
    }
    str_field(chat, "reasoning_effort").and_then(budget_for_effort)
}

fn chat_top_k(chat: &Value) -> Option<&Value> {
    chat.get(PIVOT_TOP_K).or_else(|| chat.get("top_k"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Arbitrary JSON leaning on the Messages fields the raw-field conversion reads.
    fn messages_like() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            proptest::sample::select(
                &[
                    "text",
                    "image",
                    "tool_use",
                    "tool_result",
                    "thinking",
                    "user",
                    "assistant",
                    "auto",
                    "any",
                    "tool",
                    "none",
                    "base64",
                    "url"
                ][..]
            )
            .prop_map(Value::from),
            ".{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(5, 64, 5, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                proptest::collection::vec(
                    (
                        proptest::sample::select(
                            &[
                                "model",
                                "messages",
                                "role",
                                "content",
                                "type",
                                "text",
                                "system",
                                "tools",
                                "tool_choice",
                                "name",
                                "input",
                                "input_schema",
                                "thinking",
                                "budget_tokens",
                                "source",
                                "id",
                                "tool_use_id",
                                "max_tokens",
                                "stream",
                                "stop_sequences",
                                "disable_parallel_tool_use",
                                "description",
                                "data",
                                "media_type"
                            ][..]
                        ),
                        inner,
                    ),
                    0..6,
                )
                .prop_map(|fields| {
                    Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                }),
            ]
        })
    }

    // Cases: proptest's default of 256, or `PROPTEST_CASES` (read by proptest itself).
    proptest::proptest! {
        #[test]
        fn raw_field_messages_conversion_never_panics(
            body in messages_like(),
            channel in proptest::sample::select(&[Wire::Chat, Wire::Gemini, Wire::Responses][..]),
        ) {
            let Ok(object) = JsonObject::from_value(&body) else { return Ok(()) };
            let input = serde_json::to_vec(&body).unwrap().len();
            if let Ok((converted, _)) = convert_request_object(Wire::Messages, channel, &object, "m", false) {
                let output = converted.to_bytes().len();
                proptest::prop_assert!(output <= 16 * input + 4096, "{output} out of {input}");
            }
        }
    }

    #[test]
    fn an_upstream_name_is_not_repeated_in_every_event() {
        let big = "i".repeat(1024 * 1024);
        let meta = ResponseMeta::default();
        let deltas = 100;
        let streams: [(Wire, Wire, Value, Value); 6] = [
            (
                Wire::Messages,
                Wire::Chat,
                json!({"type": "message_start", "message": {"id": big, "model": big, "usage": {}}}),
                json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "x"}}),
            ),
            (
                Wire::Gemini,
                Wire::Chat,
                json!({"responseId": big, "modelVersion": big, "candidates": [{"content": {"role": "model", "parts": [{"text": "x"}]}}]}),
                json!({"candidates": [{"content": {"role": "model", "parts": [{"text": "x"}]}}]}),
            ),
            (
                Wire::Responses,
                Wire::Chat,
                json!({"type": "response.created", "response": {"id": big, "model": big}}),
                json!({"type": "response.output_text.delta", "delta": "x"}),
            ),
            (
                Wire::Chat,
                Wire::Messages,
                json!({"id": big, "model": big, "choices": [{"index": 0, "delta": {"content": "x"}}]}),
                json!({"id": big, "model": big, "choices": [{"index": 0, "delta": {"content": "x"}}]}),
            ),
            (
                Wire::Chat,
                Wire::Gemini,
                json!({"id": big, "model": big, "choices": [{"index": 0, "delta": {"content": "x"}}]}),
                json!({"id": big, "model": big, "choices": [{"index": 0, "delta": {"content": "x"}}]}),
            ),
            (
                Wire::Chat,
                Wire::Responses,
                json!({"id": big, "model": big, "choices": [{"index": 0, "delta": {"content": "x"}}]}),
                json!({"id": big, "model": big, "choices": [{"index": 0, "delta": {"content": "x"}}]}),
            ),
        ];
        for (channel, client, first, delta) in streams {
            let mut converter = stream_converter(channel, client, meta.clone()).unwrap();
            let mut out = Vec::new();
            converter.push(&first, &mut out);
            for _ in 0..deltas {
                converter.push(&delta, &mut out);
            }
            converter.finish(&mut out);
            let size: usize = out.iter().map(|event| event.to_bytes().len()).sum();
            assert!(
                size < 1024 * 1024,
                "{channel:?} to {client:?}: {size} bytes out"
            );
        }
        assert_eq!(upstream_name("é").len(), 2);
        assert_eq!(upstream_name(&"é".repeat(200)).len(), 256);
    }

    #[test]
    fn effort_table_round_trips_the_named_levels() {
        for effort in ["low", "medium", "high"] {
            let budget = budget_for_effort(effort).unwrap();
            assert_eq!(effort_for_budget(budget), Some(effort));
        }
        assert_eq!(effort_for_budget(0), None);
        assert_eq!(effort_for_budget(-1), Some("medium"));
        assert_eq!(budget_for_effort("bogus"), None);
    }

    #[test]
    fn refusals_are_the_clients_fault_and_bad_answers_the_upstreams() {
        let refused = convert_request(
            Wire::Chat,
            Wire::Messages,
            &serde_json::json!({"model": "m", "messages": [{"role": "user", "content": [
                {"type": "input_audio", "input_audio": {"data": "", "format": "wav"}}]}]}),
            "m",
            false,
        )
        .unwrap_err();
        assert!(refused.to_string().contains("audio input"), "{refused}");
        let relay_error = RelayError::from(refused);
        assert_eq!(relay_error.status(), http::StatusCode::BAD_REQUEST);
        assert!(!relay_error.retryable());
        let invalid = convert_response(
            Wire::Messages,
            Wire::Chat,
            &serde_json::json!({"type": "message"}),
            &ResponseMeta::default(),
        )
        .unwrap_err();
        assert_eq!(
            RelayError::from(invalid).fault(),
            crate::error::Fault::Upstream
        );
    }

    #[test]
    fn sse_events_drive_a_converter_to_the_end() {
        let mut parser = crate::sse::SseParser::new();
        let mut upstream = Vec::new();
        let body = concat!(
            ": keep-alive\n\n",
            "data: {\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n",
            "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
            "data: [DONE]\n\n",
        );
        parser.push(body.as_bytes(), &mut upstream).unwrap();
        let mut converter = SseStreamConverter::new(
            stream_converter(Wire::Chat, Wire::Messages, ResponseMeta::default()).unwrap(),
        );
        let mut out = Vec::new();
        for event in &upstream {
            converter.convert(event, &mut out);
        }
        converter.finish(&mut out);
        let names: Vec<&str> = out
            .iter()
            .map(|e| std::str::from_utf8(&e.raw).unwrap().lines().next().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "event: message_start",
                "event: ping",
                "event: content_block_start",
                "event: content_block_delta",
                "event: content_block_stop",
                "event: message_delta",
                "event: message_stop",
            ]
        );
    }

    #[test]
    fn events_frame_as_sse() {
        let event = StreamEvent::Json {
            event: Some("ping"),
            data: serde_json::json!({"type": "ping"}),
        };
        assert_eq!(
            &event.to_bytes()[..],
            b"event: ping\ndata: {\"type\":\"ping\"}\n\n"
        );
        assert_eq!(&StreamEvent::Done.to_bytes()[..], b"data: [DONE]\n\n");
        assert_eq!(
            parse_data_url("data:image/png;base64,QUJD"),
            Some(("image/png", "QUJD"))
        );
        assert_eq!(parse_data_url("https://x/y.png"), None);
    }
}
