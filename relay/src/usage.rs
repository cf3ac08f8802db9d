//! The one usage record per request: a guard that is filled in as the request goes and sends the
//! record exactly once, when finished or when dropped (a client that went away), plus parsing
//! of OpenAI `usage` objects.

use std::sync::Arc;
use std::time::Instant;

use serde::Deserialize;

use crate::gen_ai_span::GenAiSpan;
use crate::host::{UsageRecord, UsageSink};
use crate::trace_context::ClientTrace;
use crate::vocabulary::{CLIENT_CLOSED, Endpoint, TokenUsage};

/// Builds and sends the request's usage record.
pub struct PendingRecord {
    record: Option<UsageRecord>,
    started: Instant,
    sink: Arc<dyn UsageSink>,
    /// Set once the record was handed over or sent: nothing more leaves this guard.
    done: bool,
    /// Set while a request is with the upstream: a client that goes away then still owes the
    /// prompt the upstream is processing, counted only if the record ends that way.
    prompt_on_close: Option<Estimator>,
    /// The request's GenAI span, given the record's facts when it is sent and ended with it.
    span: GenAiSpan,
    /// The client's `traceparent` and `tracestate`, continued in the upstream requests.
    client_trace: Option<ClientTrace>,
}

impl PendingRecord {
    pub fn start(
        sink: Arc<dyn UsageSink>,
        request_id: String,
        endpoint: &str,
        started: Instant,
    ) -> PendingRecord {
        // Until something else is known, the request ends because the client went away.
        let record = UsageRecord {
            error: Some("client closed the request".to_owned()),
            ..UsageRecord::new(request_id, endpoint, CLIENT_CLOSED)
        };
        PendingRecord {
            record: Some(record),
            started,
            sink,
            done: false,
            prompt_on_close: None,
            span: GenAiSpan::none(),
            client_trace: None,
        }
    }

    /// Traces the request: `span` gets the record's facts, and upstream requests continue
    /// the client's trace.
    pub(crate) fn trace(&mut self, span: GenAiSpan, client_trace: Option<ClientTrace>) {
        self.span = span;
        self.client_trace = client_trace;
    }

    pub(crate) fn span(&self) -> &GenAiSpan {
        &self.span
    }

    pub(crate) fn client_trace(&self) -> Option<&ClientTrace> {
        self.client_trace.as_ref()
    }

    /// The record being built. After a hand-over, writes land in a scratch record that is never
    /// sent.
    pub fn record(&mut self) -> &mut UsageRecord {
        self.record.get_or_insert_with(empty_record)
    }

    pub fn set_outcome(&mut self, status: u16, error: Option<String>) {
        let record = self.record();
        record.status = status;
        record.error = error;
    }

    /// Marks the first byte to the client as sent now.
    pub fn first_byte_now(&mut self) {
        let elapsed = self.started.elapsed();
        let record = self.record();
        if record.first_byte.is_none() {
            record.first_byte = Some(elapsed);
        }
    }

    /// The request is on its way to the upstream: from now on, a record that ends with the
    /// client gone (status 499) and no usage counted is charged the prompt.
    pub fn charge_prompt_if_closed(&mut self, estimator: Estimator) {
        self.prompt_on_close = Some(estimator);
    }

    /// The upstream attempt failed: it processed nothing the client owes.
    pub fn clear_prompt_charge(&mut self) {
        self.prompt_on_close = None;
    }

    /// Moves the record into a new guard (for a streaming body that outlives the handler); this
    /// one then sends nothing.
    pub fn hand_over(&mut self) -> PendingRecord {
        let record = self.record.take();
        let done = std::mem::replace(&mut self.done, true);
        PendingRecord {
            record,
            started: self.started,
            sink: self.sink.clone(),
            done,
            prompt_on_close: self.prompt_on_close.take(),
            span: std::mem::replace(&mut self.span, GenAiSpan::none()),
            client_trace: self.client_trace.clone(),
        }
    }

    /// Sends the record now.
    pub fn finish(mut self) {
        self.send();
    }

    fn send(&mut self) {
        if std::mem::replace(&mut self.done, true) {
            return;
        }
        if let Some(mut record) = self.record.take() {
            // Counted here, not when the request went upstream, so that a request that ends
            // normally never pays for the count; and only for a record with no usage, so a
            // stream that already counted its part is not charged twice.
            if record.status == CLIENT_CLOSED
                && record.usage.total_tokens == 0
                && let Some(estimator) = self.prompt_on_close.take()
            {
                record.usage = estimator.estimate("");
                record.usage_estimated = true;
            }
            record.total = self.started.elapsed();
            self.span.record_outcome(&record);
            self.sink.record(record);
        }
    }
}

impl Drop for PendingRecord {
    fn drop(&mut self) {
        self.send();
    }
}

/// Longest service tier name recorded; OpenAI's are a few letters (`flex`, `priority`).
const MAX_SERVICE_TIER_CHARS: usize = 32;

/// An object's top-level `service_tier` (a request's ask, or the tier an OpenAI answer says it
/// ran at), lowercased; `None` when absent, not a string, too long or `auto` (which names no
/// tier: the upstream's answer says which one it chose).
pub fn service_tier(object: &crate::json::JsonObject) -> Option<String> {
    let tier = object.get_as::<String>("service_tier").ok().flatten()?;
    normal_service_tier(&tier)
}

/// A `service_tier` value as [`service_tier`] keeps it: trimmed and lowercased; `None` when
/// empty, too long or `auto`.
pub fn normal_service_tier(tier: &str) -> Option<String> {
    let tier = tier.trim().to_ascii_lowercase();
    (!tier.is_empty() && tier.len() <= MAX_SERVICE_TIER_CHARS && tier != "auto").then_some(tier)
}

fn empty_record() -> UsageRecord {
    UsageRecord::default()
}

/// An OpenAI `usage` object, chat/completions/embeddings style or images/responses style.
#[derive(Debug, Default, Deserialize)]
pub struct OpenAiUsage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    total_tokens: Option<u64>,
    prompt_tokens_details: Option<PromptDetails>,
    completion_tokens_details: Option<CompletionDetails>,
    /// The images and Responses APIs' names for the details.
    input_tokens_details: Option<PromptDetails>,
    output_tokens_details: Option<CompletionDetails>,
}

#[derive(Debug, Default, Deserialize)]
struct PromptDetails {
    cached_tokens: Option<u64>,
    /// Not OpenAI's: the chat pivot carries Anthropic's cache writes here.
    cache_creation_tokens: Option<u64>,
    audio_tokens: Option<u64>,
    image_tokens: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
struct CompletionDetails {
    reasoning_tokens: Option<u64>,
    audio_tokens: Option<u64>,
    image_tokens: Option<u64>,
}

impl OpenAiUsage {
    pub fn into_tokens(self) -> TokenUsage {
        let input = self.prompt_tokens.or(self.input_tokens).unwrap_or(0);
        let output = self.completion_tokens.or(self.output_tokens).unwrap_or(0);
        let prompt = self
            .prompt_tokens_details
            .or(self.input_tokens_details)
            .unwrap_or_default();
        let completion = self
            .completion_tokens_details
            .or(self.output_tokens_details)
            .unwrap_or_default();
        TokenUsage {
            input_tokens: input,
            output_tokens: output,
            cached_input_tokens: prompt.cached_tokens.unwrap_or(0),
            cache_creation_tokens: prompt.cache_creation_tokens.unwrap_or(0),
            reasoning_tokens: completion.reasoning_tokens.unwrap_or(0),
            image_input_tokens: prompt.image_tokens.unwrap_or(0),
            audio_input_tokens: prompt.audio_tokens.unwrap_or(0),
            image_output_tokens: completion.image_tokens.unwrap_or(0),
            audio_output_tokens: completion.audio_tokens.unwrap_or(0),
            total_tokens: self.total_tokens.unwrap_or(input + output),
        }
    }
}

/// What local counting needs to know about the request, kept until the response ends.
#[derive(Debug, Clone)]
pub struct Estimator {
    pub endpoint: Endpoint,
    /// The model whose encoding is used: the upstream's name for it.
    pub model: String,
    /// The JSON request body as the client sent it; empty for multipart requests.
    pub request: bytes::Bytes,
}

impl Estimator {
    /// Tokens for the request plus a completion text, counted locally.
    pub fn estimate(&self, completion: &str) -> TokenUsage {
        let model = self.model.as_str();
        // Admission counts every chat request's prompt: read it from the body's bytes, and
        // build a `Value` only for other endpoints or an unusual body.
        let input = match self.endpoint {
            Endpoint::ChatCompletions => crate::tokens::count_chat_body(model, &self.request)
                .unwrap_or_else(|| self.input_tokens(model)),
            _ => self.input_tokens(model),
        };
        let output = crate::tokens::count_text(model, completion);
        TokenUsage {
            input_tokens: input,
            output_tokens: output,
            total_tokens: input + output,
            ..TokenUsage::default()
        }
    }

    /// Tokens of the request, counted from its body parsed as a `Value`.
    fn input_tokens(&self, model: &str) -> u64 {
        use crate::tokens::{count_chat_messages, count_input};
        let request =
            serde_json::from_slice::<serde_json::Value>(&self.request).unwrap_or_default();
        // Borrowed, not cloned: `messages` is most of a chat request.
        let field = |name: &str| request.get(name).unwrap_or(&serde_json::Value::Null);
        match self.endpoint {
            Endpoint::ChatCompletions => count_chat_messages(model, field("messages")),
            Endpoint::Completions => count_input(model, field("prompt")),
            Endpoint::Embeddings | Endpoint::Moderations => count_input(model, field("input")),
            Endpoint::ImagesGenerations | Endpoint::Videos | Endpoint::VideoGenerationJobs => {
                count_input(model, field("prompt"))
            }
            Endpoint::AudioSpeech => count_input(model, field("input")),
            // Veo's prompts are its instances' `prompt`s.
            Endpoint::GeminiPredictLongRunning => field("instances")
                .as_array()
                .into_iter()
                .flatten()
                .map(|instance| count_input(model, &instance["prompt"]))
                .sum(),
            Endpoint::Rerank => {
                let documents = field("documents");
                let documents = documents.as_array().map(Vec::as_slice).unwrap_or_default();
                count_input(model, field("query"))
                    + documents
                        .iter()
                        .map(|doc| match doc.get("text") {
                            Some(text) => count_input(model, text),
                            None => count_input(model, doc),
                        })
                        .sum::<u64>()
            }
            Endpoint::ImagesEdits
            | Endpoint::ImagesVariations
            | Endpoint::AudioTranscriptions
            | Endpoint::AudioTranslations
            | Endpoint::ParsePdf
            | Endpoint::DashScopeVideo
            | Endpoint::ArkVideo => 0,
            Endpoint::Messages | Endpoint::MessagesCountTokens => {
                crate::convert::count_messages_tokens(model, &request).unwrap_or(0)
            }
            Endpoint::GeminiEmbedContent | Endpoint::GeminiBatchEmbedContents => {
                let shape = self
                    .endpoint
                    .gemini_embedding()
                    .unwrap_or(crate::convert::gemini_embeddings::EmbedShape::Single);
                let texts = crate::convert::gemini_embeddings::embedding_texts(&request, shape);
                count_input(model, &serde_json::json!(texts))
            }
            Endpoint::GenerateContent | Endpoint::GeminiCountTokens => {
                crate::convert::count_gemini_tokens(model, &request).unwrap_or(0)
            }
            Endpoint::Responses => {
                use crate::convert::{Wire, convert_request};
                convert_request(Wire::Responses, Wire::Chat, &request, model, false)
                    .map(|chat| count_chat_messages(model, &chat["messages"]))
                    .unwrap_or(0)
            }
        }
    }
}

/// Text a completion produced, for counting when no usage arrives.
#[derive(Debug, Default, Deserialize)]
pub struct Choice {
    message: Option<Message>,
    delta: Option<Message>,
    text: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Message {
    content: Option<serde_json::Value>,
    reasoning_content: Option<String>,
    tool_calls: Option<Vec<ToolCall>>,
}

#[derive(Debug, Default, Deserialize)]
struct ToolCall {
    function: Option<Function>,
}

#[derive(Debug, Default, Deserialize)]
struct Function {
    name: Option<String>,
    arguments: Option<String>,
}

/// Appends the text of `choices` to `out`, stopping at `cap` bytes.
pub fn collect_choice_text(choices: &[Choice], out: &mut String, cap: usize) {
    let mut push = |text: &str| {
        if out.len() + text.len() <= cap {
            out.push_str(text);
        }
    };
    for choice in choices {
        if let Some(text) = &choice.text {
            push(text);
        }
        for message in [&choice.message, &choice.delta].into_iter().flatten() {
            match &message.content {
                Some(serde_json::Value::String(text)) => push(text),
                Some(serde_json::Value::Array(parts)) => {
                    for text in parts
                        .iter()
                        .filter_map(|part| part.get("text").and_then(|t| t.as_str()))
                    {
                        push(text);
                    }
                }
                _ => {}
            }
            if let Some(reasoning) = &message.reasoning_content {
                push(reasoning);
            }
            for function in message
                .tool_calls
                .iter()
                .flatten()
                .filter_map(|call| call.function.as_ref())
            {
                for text in [&function.name, &function.arguments].into_iter().flatten() {
                    push(text);
                }
            }
        }
    }
}
