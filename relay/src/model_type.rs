//! What a model is for, as its configuration says, and which endpoints may reach it: an embedding model is not served on chat.

use crate::error::RelayError;
use crate::vocabulary::Endpoint;

/// A model's type. A model without a configuration has none and is reachable from every
/// endpoint (the channel decides), as in the seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelType {
    Chat,
    Completion,
    Embedding,
    Image,
    Audio,
    Rerank,
    Moderation,
    Video,
    /// PDFs parsed into markdown (`/v1/parse/pdf`).
    Document,
}

impl ModelType {
    /// Whether `endpoint` may reach a model of this type. Chat and completion models serve
    /// every text-generating face (and its local token counting), since the relay converts
    /// between them.
    pub fn serves(self, endpoint: Endpoint) -> bool {
        match self {
            ModelType::Chat | ModelType::Completion => matches!(
                endpoint,
                Endpoint::ChatCompletions
                    | Endpoint::Completions
                    | Endpoint::Messages
                    | Endpoint::MessagesCountTokens
                    | Endpoint::GenerateContent
                    | Endpoint::GeminiCountTokens
                    | Endpoint::Responses
            ),
            ModelType::Embedding => matches!(
                endpoint,
                Endpoint::Embeddings
                    | Endpoint::GeminiEmbedContent
                    | Endpoint::GeminiBatchEmbedContents
            ),
            ModelType::Image => {
                matches!(
                    endpoint,
                    Endpoint::ImagesGenerations
                        | Endpoint::ImagesEdits
                        | Endpoint::ImagesVariations
                )
            }
            ModelType::Audio => matches!(
                endpoint,
                Endpoint::AudioSpeech | Endpoint::AudioTranscriptions | Endpoint::AudioTranslations
            ),
            ModelType::Rerank => endpoint == Endpoint::Rerank,
            ModelType::Moderation => endpoint == Endpoint::Moderations,
            ModelType::Video => {
                matches!(
                    endpoint,
                    Endpoint::Videos
                        | Endpoint::VideoGenerationJobs
                        | Endpoint::GeminiPredictLongRunning
                ) || endpoint.is_native_video()
            }
            ModelType::Document => endpoint == Endpoint::ParsePdf,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            ModelType::Chat => "a chat model",
            ModelType::Completion => "a completion model",
            ModelType::Embedding => "an embedding model",
            ModelType::Image => "an image model",
            ModelType::Audio => "an audio model",
            ModelType::Rerank => "a rerank model",
            ModelType::Moderation => "a moderation model",
            ModelType::Video => "a video model",
            ModelType::Document => "a document model",
        }
    }
}

/// Refuses a request whose endpoint does not serve the model's type, with a 400 naming both.
pub(crate) fn check_endpoint(
    model_type: Option<ModelType>,
    endpoint: Endpoint,
    model: &str,
) -> Result<(), RelayError> {
    match model_type {
        Some(model_type) if !model_type.serves(endpoint) => Err(RelayError::BadRequest {
            message: format!(
                "model {model} is {}, which {} does not serve; use the endpoint for its type or change the type in its model config",
                model_type.describe(),
                endpoint.route()
            ),
            param: Some("model"),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_reaches_its_own_endpoints_and_no_type_reaches_all() {
        assert!(ModelType::Chat.serves(Endpoint::Messages));
        assert!(ModelType::Chat.serves(Endpoint::Responses));
        assert!(!ModelType::Chat.serves(Endpoint::Embeddings));
        assert!(ModelType::Embedding.serves(Endpoint::Embeddings));
        assert!(!ModelType::Embedding.serves(Endpoint::ChatCompletions));
        assert!(ModelType::Audio.serves(Endpoint::AudioTranscriptions));
        assert!(!ModelType::Rerank.serves(Endpoint::Moderations));
        assert!(check_endpoint(None, Endpoint::Rerank, "m").is_ok());
        let refused = check_endpoint(
            Some(ModelType::Embedding),
            Endpoint::ChatCompletions,
            "text-embedding-3-small",
        )
        .unwrap_err();
        assert_eq!(refused.status(), axum::http::StatusCode::BAD_REQUEST);
        assert!(
            refused.to_string().contains("an embedding model"),
            "{refused}"
        );
        assert!(
            refused.to_string().contains("/v1/chat/completions"),
            "{refused}"
        );
    }
}
