//! The plain data every relay module speaks (endpoints, wires, channels, token counts, refusals); of the crate it uses only the channel-type handle.
//!
//! These types used to live beside the code that first needed them (`provider`, `convert`,
//! `host`, once `backend`), which made those modules import each other in circles. They are re-exported
//! from their old homes, so paths such as `relay::host::Channel` and `relay::convert::Wire`
//! stay as they were. The caller, auth errors and refusal kinds the relay shares with `mcp` are
//! the `tenancy` crate's.

use std::collections::HashMap;
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue};
use tenancy::RefusalKind;

pub use crate::provider::ChannelKind;

/// The endpoints the relay serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    ChatCompletions,
    Completions,
    Embeddings,
    ImagesGenerations,
    ImagesEdits,
    /// `POST /v1/images/variations` (multipart): variations of an uploaded image.
    ImagesVariations,
    AudioSpeech,
    AudioTranscriptions,
    AudioTranslations,
    Moderations,
    Rerank,
    /// Anthropic Messages (`/v1/messages`).
    Messages,
    /// Anthropic `/v1/messages/count_tokens`, answered locally.
    MessagesCountTokens,
    /// Gemini `:generateContent` and `:streamGenerateContent` (the model is in the URL).
    GenerateContent,
    /// Gemini `:countTokens`, answered locally.
    GeminiCountTokens,
    /// Gemini `:embedContent` (the model is in the URL).
    GeminiEmbedContent,
    /// Gemini `:batchEmbedContents`.
    GeminiBatchEmbedContents,
    /// Gemini `:predictLongRunning` (Veo): creates a long-running operation, billed like a
    /// video job when it completes.
    GeminiPredictLongRunning,
    /// OpenAI Responses (`/v1/responses`).
    Responses,
    /// OpenAI's video generation (`POST /v1/videos`, JSON or multipart): creates a job.
    Videos,
    /// Azure's Sora jobs (`POST /v1/video/generations/jobs`): creates a job.
    VideoGenerationJobs,
    /// A PDF parsed into markdown (`POST /v1/parse/pdf`, multipart), billed per page.
    ParsePdf,
    /// DashScope's own video synthesis (`POST /api/v1/services/aigc/video-generation/video-synthesis`):
    /// its body passed through to a channel whose type speaks it; creates a job.
    DashScopeVideo,
    /// Ark's own content generation tasks (`POST /api/v3/contents/generations/tasks`): its
    /// body passed through to a channel whose type speaks it; creates a job.
    ArkVideo,
}

impl Endpoint {
    /// Whether the endpoint answers with generated text bounded by an output-token limit.
    pub fn generates_text(self) -> bool {
        match self {
            Endpoint::ChatCompletions
            | Endpoint::Completions
            | Endpoint::Messages
            | Endpoint::GenerateContent
            | Endpoint::Responses => true,
            Endpoint::Embeddings
            | Endpoint::ImagesGenerations
            | Endpoint::ImagesEdits
            | Endpoint::ImagesVariations
            | Endpoint::AudioSpeech
            | Endpoint::AudioTranscriptions
            | Endpoint::AudioTranslations
            | Endpoint::Moderations
            | Endpoint::Rerank
            | Endpoint::MessagesCountTokens
            | Endpoint::GeminiCountTokens
            | Endpoint::GeminiEmbedContent
            | Endpoint::GeminiBatchEmbedContents
            | Endpoint::GeminiPredictLongRunning
            | Endpoint::Videos
            | Endpoint::VideoGenerationJobs
            | Endpoint::ParsePdf
            | Endpoint::DashScopeVideo
            | Endpoint::ArkVideo => false,
        }
    }

    /// The path below the API version, as the OpenAI API spells it.
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::ChatCompletions => "chat/completions",
            Endpoint::Completions => "completions",
            Endpoint::Embeddings => "embeddings",
            Endpoint::ImagesGenerations => "images/generations",
            Endpoint::ImagesEdits => "images/edits",
            Endpoint::ImagesVariations => "images/variations",
            Endpoint::AudioSpeech => "audio/speech",
            Endpoint::AudioTranscriptions => "audio/transcriptions",
            Endpoint::AudioTranslations => "audio/translations",
            Endpoint::Moderations => "moderations",
            Endpoint::Rerank => "rerank",
            Endpoint::Messages => "messages",
            Endpoint::MessagesCountTokens => "messages/count_tokens",
            Endpoint::GenerateContent => "generateContent",
            Endpoint::GeminiCountTokens => "countTokens",
            Endpoint::GeminiEmbedContent => "embedContent",
            Endpoint::GeminiBatchEmbedContents => "batchEmbedContents",
            Endpoint::GeminiPredictLongRunning => "predictLongRunning",
            Endpoint::Responses => "responses",
            Endpoint::Videos => "videos",
            Endpoint::VideoGenerationJobs => "video/generations/jobs",
            Endpoint::ParsePdf => "parse/pdf",
            Endpoint::DashScopeVideo => "services/aigc/video-generation/video-synthesis",
            Endpoint::ArkVideo => "contents/generations/tasks",
        }
    }

    /// The relay's own route, also the `endpoint` of usage records.
    pub fn route(self) -> &'static str {
        match self {
            Endpoint::ChatCompletions => "/v1/chat/completions",
            Endpoint::Completions => "/v1/completions",
            Endpoint::Embeddings => "/v1/embeddings",
            Endpoint::ImagesGenerations => "/v1/images/generations",
            Endpoint::ImagesEdits => "/v1/images/edits",
            Endpoint::ImagesVariations => "/v1/images/variations",
            Endpoint::AudioSpeech => "/v1/audio/speech",
            Endpoint::AudioTranscriptions => "/v1/audio/transcriptions",
            Endpoint::AudioTranslations => "/v1/audio/translations",
            Endpoint::Moderations => "/v1/moderations",
            Endpoint::Rerank => "/v1/rerank",
            Endpoint::Messages => "/v1/messages",
            Endpoint::MessagesCountTokens => "/v1/messages/count_tokens",
            Endpoint::GenerateContent => "/v1beta/models/{model}:generateContent",
            Endpoint::GeminiCountTokens => "/v1beta/models/{model}:countTokens",
            Endpoint::GeminiEmbedContent => "/v1beta/models/{model}:embedContent",
            Endpoint::GeminiBatchEmbedContents => "/v1beta/models/{model}:batchEmbedContents",
            Endpoint::GeminiPredictLongRunning => "/v1beta/models/{model}:predictLongRunning",
            Endpoint::Responses => "/v1/responses",
            Endpoint::Videos => "/v1/videos",
            Endpoint::VideoGenerationJobs => "/v1/video/generations/jobs",
            Endpoint::ParsePdf => "/v1/parse/pdf",
            Endpoint::DashScopeVideo => "/api/v1/services/aigc/video-generation/video-synthesis",
            Endpoint::ArkVideo => "/api/v3/contents/generations/tasks",
        }
    }

    pub fn is_multipart(self) -> bool {
        matches!(
            self,
            Endpoint::ImagesEdits
                | Endpoint::ImagesVariations
                | Endpoint::AudioTranscriptions
                | Endpoint::AudioTranslations
                | Endpoint::ParsePdf
        )
    }

    /// Whether the endpoint takes a multipart body as well as JSON (the content type decides):
    /// a video's `input_reference` is uploaded as a file.
    pub fn may_be_multipart(self) -> bool {
        self == Endpoint::Videos
    }

    /// Whether the endpoint can answer with an event stream.
    pub fn can_stream(self) -> bool {
        matches!(self, Endpoint::ChatCompletions | Endpoint::Completions) || self.wire().is_some()
    }

    /// The generation protocol of the endpoint; `None` for the OpenAI-only endpoints, which
    /// are relayed as they are.
    pub fn wire(self) -> Option<Wire> {
        match self {
            Endpoint::ChatCompletions => Some(Wire::Chat),
            Endpoint::Messages => Some(Wire::Messages),
            Endpoint::GenerateContent => Some(Wire::Gemini),
            Endpoint::Responses => Some(Wire::Responses),
            _ => None,
        }
    }

    /// The protocol the client speaks on this endpoint, which shapes its errors.
    pub fn face(self) -> Face {
        match self {
            Endpoint::Messages | Endpoint::MessagesCountTokens => Face::Anthropic,
            Endpoint::GenerateContent
            | Endpoint::GeminiCountTokens
            | Endpoint::GeminiEmbedContent
            | Endpoint::GeminiBatchEmbedContents
            | Endpoint::GeminiPredictLongRunning => Face::Gemini,
            Endpoint::Responses => Face::Responses,
            Endpoint::DashScopeVideo => Face::DashScope,
            Endpoint::ArkVideo => Face::Ark,
            _ => Face::OpenAi,
        }
    }

    /// A vendor's own video task API spoken by the client: relayed as sent to a channel whose
    /// type speaks it.
    pub fn is_native_video(self) -> bool {
        matches!(self, Endpoint::DashScopeVideo | Endpoint::ArkVideo)
    }

    /// Gemini's embeddings, and whether one content or a batch: sent to a Gemini channel as
    /// they are, to any other as OpenAI embeddings.
    pub fn gemini_embedding(self) -> Option<crate::convert::gemini_embeddings::EmbedShape> {
        use crate::convert::gemini_embeddings::EmbedShape;
        match self {
            Endpoint::GeminiEmbedContent => Some(EmbedShape::Single),
            Endpoint::GeminiBatchEmbedContents => Some(EmbedShape::Batch),
            _ => None,
        }
    }

    /// Answered by the relay itself, without a channel.
    pub fn is_local(self) -> bool {
        matches!(
            self,
            Endpoint::MessagesCountTokens | Endpoint::GeminiCountTokens
        )
    }
}

/// The protocol a client speaks to the gateway: it decides the shape of model listings,
/// errors and a failed stream's last event. What a channel speaks is another matter: its
/// provider's codec ([`crate::provider::Provider::codec`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    /// OpenAI chat, completions and the OpenAI-only endpoints.
    OpenAi,
    /// Anthropic Messages.
    Anthropic,
    /// Gemini `generateContent`.
    Gemini,
    /// OpenAI Responses.
    Responses,
    /// DashScope's own API: errors are `{"request_id", "code", "message"}`.
    DashScope,
    /// Volcengine Ark's own API: errors are `{"error": {"code", "message", "param", "type"}}`.
    Ark,
}

/// A body protocol: what a codec reads and writes, for a client's generation endpoint
/// ([`Endpoint::wire`]) or a channel's ([`crate::provider::Provider::codec`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Wire {
    /// OpenAI `/v1/chat/completions`.
    Chat,
    /// Anthropic `/v1/messages`.
    Messages,
    /// Gemini `:generateContent` / `:streamGenerateContent?alt=sse`.
    Gemini,
    /// OpenAI `/v1/responses`.
    Responses,
}

/// Per-channel transport settings.
#[derive(Debug, Clone, Default)]
pub struct ChannelTimeouts {
    pub connect: Option<Duration>,
    pub first_byte: Option<Duration>,
    pub stream_idle: Option<Duration>,
}

/// One upstream provider account, as the relay needs it.
#[derive(Debug, Clone)]
pub struct Channel {
    pub id: i64,
    pub name: String,
    pub kind: ChannelKind,
    /// Empty means the kind's default base URL.
    pub base_url: String,
    /// The upstream credential. Never logged, never echoed in an error.
    pub key: String,
    /// Requested model name -> upstream model name.
    pub model_mapping: HashMap<String, String>,
    pub priority: i32,
    /// Free-form per-type settings (for example Azure's `api_version`).
    pub config: HashMap<String, String>,
    pub proxy_url: Option<String>,
    pub timeouts: ChannelTimeouts,
}

/// Tokens counted for one request, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenUsage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cached_input_tokens: u64,
    pub cache_creation_tokens: u64,
    pub reasoning_tokens: u64,
    /// Image and audio tokens, counted inside `input_tokens` / `output_tokens` (OpenAI's
    /// convention); listed apart because they have their own prices.
    pub image_input_tokens: u64,
    pub audio_input_tokens: u64,
    pub image_output_tokens: u64,
    pub audio_output_tokens: u64,
    pub total_tokens: u64,
}

/// Why the [`Governor`](crate::host::Governor) refused a request: the shared
/// [`tenancy::Refusal`] plus the headers of the HTTP answer (the rate limits' state).
#[derive(Debug, Clone)]
pub struct Refusal {
    pub kind: RefusalKind,
    /// Names the limit that refused (for example "the token's daily quota"), never a secret.
    pub message: String,
    pub retry_after: Option<Duration>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl From<Refusal> for tenancy::Refusal {
    /// Drops the HTTP headers, for answers that are not HTTP responses (MCP's JSON-RPC errors).
    fn from(refusal: Refusal) -> tenancy::Refusal {
        tenancy::Refusal {
            kind: refusal.kind,
            message: refusal.message,
            retry_after: refusal.retry_after,
        }
    }
}

/// Status recorded for a request whose client went away before it was answered (nginx's
/// convention; no HTTP response carries it).
pub const CLIENT_CLOSED: u16 = 499;

/// Longest model name, `user` or response id a client may send. These strings become log-row
/// text, metric labels, index keys and error text, so they are refused past this bound at the
/// entry rather than carried through (real ones are far shorter).
pub const MAX_CLIENT_NAME_BYTES: usize = 256;
