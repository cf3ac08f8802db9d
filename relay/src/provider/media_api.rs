//! A vendor's own speech, transcription and image APIs behind OpenAI's media faces: the [`MediaApi`] trait a channel type may register.
//!
//! The OpenAI media endpoints (`/v1/audio/*`, `/v1/images/*`) are relayed as they are to
//! OpenAI-wire channels. A family whose media come from another API (Gemini's
//! `generateContent` with audio or image modalities, DashScope's WebSocket tasks) registers a
//! [`MediaApi`]: the relay has the channel's provider build the JSON request it describes (or
//! opens the WebSocket it names and lets the API converse on it), sends it, reads the whole answer (bounded like every buffered answer) and hands
//! it back to be shaped as OpenAI's (audio bytes, a transcript, an images body).

use std::time::Duration;

use axum::http::HeaderMap;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use futures::future::BoxFuture;
use serde_json::json;

use super::Endpoint;
use crate::error::RelayError;
use crate::json::JsonObject;
use crate::multipart::Multipart;
use crate::vocabulary::{Channel, TokenUsage};
use crate::websocket::WebSocket;

/// The client's media request as the relay parsed it.
#[derive(Clone, Copy)]
pub enum MediaInput<'a> {
    /// Speech and image generations.
    Json(&'a JsonObject),
    /// Transcriptions, translations, image edits and variations.
    Form(&'a Multipart),
}

impl MediaInput<'_> {
    /// A text field of either shape; `None` when absent, empty or not text.
    pub fn text(&self, name: &str) -> Option<String> {
        let value = match self {
            MediaInput::Json(object) => object.get_as::<String>(name).ok().flatten(),
            MediaInput::Form(form) => form.text(name).ok().flatten().map(str::to_owned),
        };
        value.filter(|value| !value.trim().is_empty())
    }

    /// The uploaded file of a form field: its file name and bytes.
    pub fn file(&self, name: &str) -> Option<(Option<&str>, &Bytes)> {
        let MediaInput::Form(form) = self else {
            return None;
        };
        form.parts
            .iter()
            .find(|part| part.name == name && part.filename.is_some())
            .map(|part| (part.filename.as_deref(), &part.data))
    }
}

/// What the channel is asked.
#[derive(Debug)]
pub enum MediaRequest {
    /// The JSON `body` for its provider to send to `endpoint`, `calls` times (an API that makes
    /// one result a call, asked for several); one answer goes to [`MediaApi::answer`], several
    /// to [`MediaApi::merge`].
    Json {
        endpoint: Endpoint,
        body: serde_json::Value,
        calls: u32,
    },
    /// A WebSocket task at `url` (`https://`, upgraded), `headers` on the upgrade request;
    /// the conversation is [`MediaApi::converse`]'s.
    Socket { url: String, headers: HeaderMap },
}

/// The client's answer, made from the upstream's.
#[derive(Debug)]
pub struct MediaAnswer {
    pub content_type: &'static str,
    pub body: Bytes,
    /// The tokens the upstream reports, charged at the model's token prices beside the media
    /// units; `None` when it reports none.
    pub usage: Option<TokenUsage>,
}

/// A family's media API, for the OpenAI media endpoints it serves.
pub trait MediaApi: Send + Sync {
    /// Whether `endpoint` goes through this API (any other is relayed as OpenAI's).
    fn serves(&self, endpoint: Endpoint) -> bool;

    /// The upstream request for a client's request on `endpoint`: the channel's endpoint and
    /// the JSON body its provider builds the request from (so one media API serves every
    /// family of its protocol, whatever the URL and credentials); a client error (an
    /// unsupported `response_format`, no prompt) is a 400 naming the field.
    fn request(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        upstream_model: &str,
        input: MediaInput<'_>,
    ) -> Result<MediaRequest, RelayError>;

    /// The client's answer from the upstream's whole successful answer to a
    /// [`MediaRequest::Json`].
    fn answer(
        &self,
        _endpoint: Endpoint,
        _input: MediaInput<'_>,
        _answer: &[u8],
    ) -> Result<MediaAnswer, RelayError> {
        Err(RelayError::Internal)
    }

    /// The client's answer from the successful answers to a [`MediaRequest::Json`] sent more
    /// than once (in the order sent; a failed call leaves its answer out).
    fn merge(
        &self,
        _endpoint: Endpoint,
        _input: MediaInput<'_>,
        _answers: &[Bytes],
    ) -> Result<MediaAnswer, RelayError> {
        Err(RelayError::Internal)
    }

    /// The task of a [`MediaRequest::Socket`] on its open `socket`, waiting at most `idle` for
    /// each message: what is sent, what is read back, the client's answer.
    fn converse<'a>(
        &'a self,
        _endpoint: Endpoint,
        _upstream_model: &'a str,
        _input: MediaInput<'a>,
        _socket: &'a mut WebSocket,
        _idle: Duration,
    ) -> BoxFuture<'a, Result<MediaAnswer, RelayError>> {
        Box::pin(async { Err(RelayError::Internal) })
    }
}

/// Audio bytes per `speech.audio.delta` event.
const SSE_AUDIO_CHUNK: usize = 32 * 1024;

/// Speech as OpenAI's `stream_format: "sse"` events: the audio in `speech.audio.delta` events,
/// then `speech.audio.done` with the usage.
pub(super) fn speech_events(audio: &[u8], usage: Option<&TokenUsage>) -> Bytes {
    let mut events = String::new();
    for chunk in audio.chunks(SSE_AUDIO_CHUNK) {
        let delta = json!({"type": "speech.audio.delta", "audio": BASE64.encode(chunk)});
        events.push_str(&format!("data: {delta}\n\n"));
    }
    let counts = usage.cloned().unwrap_or_default();
    let done = json!({"type": "speech.audio.done", "usage": {
        "input_tokens": counts.input_tokens,
        "output_tokens": counts.output_tokens,
        "total_tokens": counts.total_tokens,
    }});
    events.push_str(&format!("data: {done}\n\n"));
    Bytes::from(events)
}

/// The transcript formats a plain text can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TranscriptFormat {
    Json,
    Text,
    VerboseJson,
}

/// The `response_format` of a transcription; `srt` and `vtt`, which need timestamps, are a 400.
pub(super) fn transcript_format(input: MediaInput<'_>) -> Result<TranscriptFormat, RelayError> {
    match input.text("response_format").as_deref() {
        None | Some("json") => Ok(TranscriptFormat::Json),
        Some("text") => Ok(TranscriptFormat::Text),
        Some("verbose_json") => Ok(TranscriptFormat::VerboseJson),
        Some(_) => Err(bad(
            "this model's channel answers json, text or verbose_json (no timestamps)",
            "response_format",
        )),
    }
}

/// A transcript (or translation) `text` in the format the request asked for: `{"text"}` (with
/// the usage in OpenAI's tokens shape when known), the text alone, or `verbose_json` with the
/// uploaded file's duration and no segments.
pub(super) fn transcript_answer(
    endpoint: Endpoint,
    input: MediaInput<'_>,
    text: String,
    usage: Option<TokenUsage>,
) -> Result<MediaAnswer, RelayError> {
    let body = match transcript_format(input)? {
        TranscriptFormat::Text => {
            return Ok(MediaAnswer {
                content_type: "text/plain; charset=utf-8",
                body: Bytes::from(text),
                usage,
            });
        }
        TranscriptFormat::Json => {
            let mut body = json!({"text": text});
            if let Some(usage) = &usage {
                body["usage"] = json!({
                    "type": "tokens",
                    "input_tokens": usage.input_tokens,
                    "input_token_details": {
                        "audio_tokens": usage.audio_input_tokens,
                        "text_tokens": usage.input_tokens.saturating_sub(usage.audio_input_tokens),
                    },
                    "output_tokens": usage.output_tokens,
                    "total_tokens": usage.total_tokens,
                });
            }
            body
        }
        TranscriptFormat::VerboseJson => {
            let duration = input.file("file").map_or(0.0, |(filename, data)| {
                crate::media::audio_duration(data, filename)
                    .duration
                    .as_secs_f64()
            });
            let (task, language) = if endpoint == Endpoint::AudioTranslations {
                ("translate", "english".to_owned())
            } else {
                ("transcribe", input.text("language").unwrap_or_default())
            };
            json!({"task": task, "language": language, "duration": duration, "text": text,
                "segments": []})
        }
    };
    Ok(MediaAnswer {
        content_type: "application/json",
        body: Bytes::from(body.to_string()),
        usage,
    })
}

/// A client error naming the field at fault.
pub(super) fn bad(message: &str, param: &'static str) -> RelayError {
    RelayError::BadRequest {
        message: message.to_owned(),
        param: Some(param),
    }
}
