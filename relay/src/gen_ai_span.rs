//! A model request's span with the OpenTelemetry GenAI attributes (operation, provider, models, tokens, first chunk) and the gateway's.
//!
//! The span covers the whole logical operation, retries included, as the conventions ask; it
//! is a CLIENT span (the gateway calls the provider) whose parent is the HTTP request's span.
//! Its fields are declared empty when it starts and recorded as the request learns them: the
//! provider and model when an attempt starts, the rest from the usage record when it is sent.
//! Attribute names follow the GenAI semantic conventions (development status, as of the
//! `semantic-conventions-genai` v0.1.0 release); the gateway's own are under `aiproxy.`.

use tracing::field::Empty;

use crate::host::UsageRecord;
use crate::provider::{ChannelKind, Endpoint};

/// The span of one model request and the operation it was started for.
pub(crate) struct GenAiSpan {
    span: tracing::Span,
    operation: &'static str,
}

impl GenAiSpan {
    /// The span of one model request on `endpoint`, child of the current span.
    pub(crate) fn start(endpoint: Endpoint) -> GenAiSpan {
        let operation = operation_name(endpoint);
        let span = tracing::info_span!(
            "gen_ai",
            "otel.name" = operation,
            "otel.kind" = "client",
            "otel.status_code" = Empty,
            "gen_ai.operation.name" = operation,
            "gen_ai.provider.name" = Empty,
            "gen_ai.request.model" = Empty,
            "gen_ai.response.model" = Empty,
            "gen_ai.usage.input_tokens" = Empty,
            "gen_ai.usage.output_tokens" = Empty,
            "gen_ai.usage.cache_read.input_tokens" = Empty,
            "gen_ai.usage.cache_creation.input_tokens" = Empty,
            "gen_ai.response.time_to_first_chunk" = Empty,
            "error.type" = Empty,
            "http.response.status_code" = Empty,
            "aiproxy.group" = Empty,
            "aiproxy.channel.id" = Empty,
            "aiproxy.channel.type" = Empty,
            "aiproxy.retries" = Empty,
            "aiproxy.stream" = Empty,
        );
        GenAiSpan { span, operation }
    }

    /// No span: requests that are not model calls (listings, billing views).
    pub(crate) fn none() -> GenAiSpan {
        GenAiSpan {
            span: tracing::Span::none(),
            operation: "",
        }
    }

    pub(crate) fn span(&self) -> &tracing::Span {
        &self.span
    }

    /// An attempt on a channel of type `kind` for `model` (the last attempt is what the span
    /// keeps). Called before the span's ids are read for the upstream's `traceparent`: that
    /// starts the exported span, whose name cannot change afterwards.
    pub(crate) fn record_attempt(&self, kind: ChannelKind, model: &str) {
        if self.span.is_disabled() {
            return;
        }
        self.record_model(model);
        self.span
            .record("gen_ai.provider.name", provider_name(kind));
        self.span.record("aiproxy.channel.type", kind.as_str());
    }

    /// The requested model, which names the span; called before the span is entered (or its
    /// ids read), since the exported span keeps the name it has then.
    pub(crate) fn record_model(&self, model: &str) {
        // A span the filter turned off (an `info` span under RUST_LOG=warn, say) has
        // nowhere to keep a name: no name is formatted for it.
        if self.span.is_disabled() {
            return;
        }
        // The conventions' span name: `{gen_ai.operation.name} {gen_ai.request.model}`.
        self.span
            .record("otel.name", format!("{} {model}", self.operation).as_str());
        self.span.record("gen_ai.request.model", model);
    }

    /// Everything the finished record says; the span ends when its owner drops it.
    pub(crate) fn record_outcome(&self, record: &UsageRecord) {
        let span = &self.span;
        // `is_disabled`, not `is_none`: a span the filter turned off keeps its metadata and is
        // not `none`, yet records nothing.
        if span.is_disabled() {
            return;
        }
        if let Some(model) = &record.requested_model {
            self.record_model(model);
        }
        if let Some(model) = &record.upstream_model {
            span.record("gen_ai.response.model", model.as_str());
        }
        let usage = &record.usage;
        if usage.input_tokens > 0 || usage.output_tokens > 0 {
            span.record("gen_ai.usage.input_tokens", usage.input_tokens);
            span.record("gen_ai.usage.output_tokens", usage.output_tokens);
        }
        if usage.cached_input_tokens > 0 {
            span.record(
                "gen_ai.usage.cache_read.input_tokens",
                usage.cached_input_tokens,
            );
        }
        if usage.cache_creation_tokens > 0 {
            span.record(
                "gen_ai.usage.cache_creation.input_tokens",
                usage.cache_creation_tokens,
            );
        }
        if record.stream
            && let Some(first_byte) = record.first_byte
        {
            span.record(
                "gen_ai.response.time_to_first_chunk",
                first_byte.as_secs_f64(),
            );
        }
        span.record("http.response.status_code", u64::from(record.status));
        if record.status >= 400 {
            // The conventions' fallback for an error without a better name: its status code.
            span.record("error.type", record.status.to_string());
            span.record("otel.status_code", "error");
        }
        if let Some(group) = &record.group_id {
            span.record("aiproxy.group", group.as_str());
        }
        if let Some(channel) = record.channel_id {
            span.record("aiproxy.channel.id", channel);
        }
        span.record("aiproxy.retries", u64::from(record.retries));
        span.record("aiproxy.stream", record.stream);
    }
}

/// `gen_ai.operation.name` of an endpoint: the conventions' well-known values where one fits
/// (Gemini's `generateContent` is their example of `generate_content`), a plain name otherwise.
pub(crate) fn operation_name(endpoint: Endpoint) -> &'static str {
    match endpoint {
        Endpoint::ChatCompletions | Endpoint::Messages | Endpoint::Responses => "chat",
        Endpoint::Completions => "text_completion",
        Endpoint::GenerateContent
        | Endpoint::ImagesGenerations
        | Endpoint::ImagesEdits
        | Endpoint::ImagesVariations
        | Endpoint::AudioSpeech
        | Endpoint::Videos
        | Endpoint::VideoGenerationJobs
        | Endpoint::DashScopeVideo
        | Endpoint::ArkVideo
        | Endpoint::GeminiPredictLongRunning => "generate_content",
        Endpoint::Embeddings
        | Endpoint::GeminiEmbedContent
        | Endpoint::GeminiBatchEmbedContents => "embeddings",
        Endpoint::AudioTranscriptions => "transcription",
        Endpoint::AudioTranslations => "translation",
        Endpoint::Moderations => "moderation",
        Endpoint::Rerank => "rerank",
        Endpoint::MessagesCountTokens | Endpoint::GeminiCountTokens => "count_tokens",
        Endpoint::ParsePdf => "parse_document",
    }
}

/// `gen_ai.provider.name` of a channel type: the conventions' well-known value for the
/// vendors they list, the channel type's own name for the others.
pub(crate) fn provider_name(kind: ChannelKind) -> &'static str {
    match kind.as_str() {
        "azure" => "azure.ai.openai",
        "gemini" => "gcp.gemini",
        "vertexai" => "gcp.vertex_ai",
        "aws" => "aws.bedrock",
        "mistral" => "mistral_ai",
        "xai" => "x_ai",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing_subscriber::layer::{Context, SubscriberExt};

    use super::*;
    use crate::host::UsageSink;
    use crate::usage::PendingRecord;
    use crate::vocabulary::TokenUsage;

    type Fields = Arc<Mutex<BTreeMap<String, String>>>;

    /// Keeps every field value any span was given, by name.
    struct Capture(Fields);

    struct Collect<'a>(&'a mut BTreeMap<String, String>);

    impl Visit for Collect<'_> {
        fn record_str(&mut self, field: &Field, value: &str) {
            self.0.insert(field.name().to_owned(), value.to_owned());
        }

        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            self.0.insert(field.name().to_owned(), format!("{value:?}"));
        }
    }

    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Capture {
        fn on_new_span(&self, attributes: &Attributes<'_>, _: &Id, _: Context<'_, S>) {
            attributes.record(&mut Collect(&mut self.0.lock().unwrap()));
        }

        fn on_record(&self, _: &Id, values: &Record<'_>, _: Context<'_, S>) {
            values.record(&mut Collect(&mut self.0.lock().unwrap()));
        }
    }

    struct Discard;

    impl UsageSink for Discard {
        fn record(&self, _: UsageRecord) {}
    }

    fn traced(run: impl FnOnce()) -> BTreeMap<String, String> {
        let fields = Fields::default();
        let subscriber = tracing_subscriber::registry().with(Capture(fields.clone()));
        tracing::subscriber::with_default(subscriber, run);
        fields.lock().unwrap().clone()
    }

    #[test]
    fn a_streamed_chat_carries_the_conventions_attributes_and_the_gateways() {
        let fields = traced(|| {
            let mut pending = PendingRecord::start(
                Arc::new(Discard),
                "r".into(),
                "/v1/chat/completions",
                Instant::now(),
            );
            pending.trace(GenAiSpan::start(Endpoint::ChatCompletions), None);
            pending
                .span()
                .record_attempt(ChannelKind::parse("gemini").unwrap(), "gpt-4o");
            let record = pending.record();
            record.requested_model = Some("gpt-4o".into());
            record.upstream_model = Some("gemini-2.5-flash-001".into());
            record.group_id = Some("acme".into());
            record.channel_id = Some(3);
            record.retries = 1;
            record.stream = true;
            record.first_byte = Some(Duration::from_millis(250));
            record.usage = TokenUsage {
                input_tokens: 10,
                output_tokens: 4,
                cached_input_tokens: 6,
                total_tokens: 14,
                ..TokenUsage::default()
            };
            pending.set_outcome(200, None);
            // The body outlives the handler: the span goes with the record.
            pending.hand_over().finish();
        });
        let expected = [
            ("otel.name", "chat gpt-4o"),
            ("otel.kind", "client"),
            ("gen_ai.operation.name", "chat"),
            ("gen_ai.provider.name", "gcp.gemini"),
            ("gen_ai.request.model", "gpt-4o"),
            ("gen_ai.response.model", "gemini-2.5-flash-001"),
            ("gen_ai.usage.input_tokens", "10"),
            ("gen_ai.usage.output_tokens", "4"),
            ("gen_ai.usage.cache_read.input_tokens", "6"),
            ("gen_ai.response.time_to_first_chunk", "0.25"),
            ("http.response.status_code", "200"),
            ("aiproxy.group", "acme"),
            ("aiproxy.channel.id", "3"),
            ("aiproxy.channel.type", "gemini"),
            ("aiproxy.retries", "1"),
            ("aiproxy.stream", "true"),
        ];
        for (name, value) in expected {
            assert_eq!(
                fields.get(name).map(String::as_str),
                Some(value),
                "{name}: {fields:?}"
            );
        }
        assert!(!fields.contains_key("error.type"), "{fields:?}");
    }

    #[test]
    fn a_failed_embedding_names_its_error_and_no_first_chunk() {
        let fields = traced(|| {
            let mut pending = PendingRecord::start(
                Arc::new(Discard),
                "r".into(),
                "/v1/embeddings",
                Instant::now(),
            );
            pending.trace(GenAiSpan::start(Endpoint::Embeddings), None);
            pending.record().requested_model = Some("text-embedding-3-small".into());
            pending.record().first_byte = Some(Duration::from_millis(5));
            pending.set_outcome(502, Some("upstream failed".into()));
            // Dropped without finish: a client that went away still ends the span.
            drop(pending);
        });
        assert_eq!(fields["otel.name"], "embeddings text-embedding-3-small");
        assert_eq!(fields["gen_ai.operation.name"], "embeddings");
        assert_eq!(fields["error.type"], "502");
        assert_eq!(fields["otel.status_code"], "error");
        assert!(!fields.contains_key("gen_ai.response.time_to_first_chunk"));
        assert!(!fields.contains_key("gen_ai.usage.input_tokens"));
    }

    #[test]
    fn well_known_providers_use_the_conventions_names() {
        for (kind, provider) in [
            ("openai", "openai"),
            ("anthropic", "anthropic"),
            ("azure", "azure.ai.openai"),
            ("vertexai", "gcp.vertex_ai"),
            ("aws", "aws.bedrock"),
            ("deepseek", "deepseek"),
            ("ollama", "ollama"),
        ] {
            assert_eq!(
                provider_name(ChannelKind::parse(kind).unwrap()),
                provider,
                "{kind}"
            );
        }
    }
}
