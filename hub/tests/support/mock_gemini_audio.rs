//! A mock Gemini API for speech, transcription and images: `:generateContent` with the AUDIO or IMAGE response modality, or an audio file as inline data.
//!
//! It answers as the real API does: speech as base64 16-bit mono PCM under
//! `audio/L16;codec=pcm;rate=24000` (one audio token per 960 samples, as the mock makes 960
//! samples per input character), transcripts as candidate text, images as `inlineData` parts
//! next to a text part, and `usageMetadata` with per-modality details. Every call needs
//! `x-goog-api-key: goog-key`; an unknown voice or a part without a MIME type is refused with
//! Google's error shape.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};

pub const KEY: &str = "goog-key";
/// Gemini's prebuilt voices the mock knows.
pub const VOICES: [&str; 4] = ["Kore", "Puck", "Zephyr", "Charon"];
/// PCM samples the mock speaks per input character (one audio token's worth at 24 kHz).
pub const SAMPLES_PER_CHARACTER: usize = 960;
/// The value of every PCM byte the mock speaks.
pub const PCM_BYTE: u8 = 0x21;
pub const TRANSCRIPT: &str = "hello from the gemini transcriber";
pub const TRANSLATION: &str = "hello in English from gemini";
/// Input tokens the mock counts for an inline audio file (whatever its length) and for the
/// instruction's text.
pub const AUDIO_TOKENS: u64 = 24;
pub const TEXT_TOKENS: u64 = 20;
/// Output tokens per image, as Gemini's image models report them.
pub const IMAGE_TOKENS: u64 = 1290;
/// The start of every image the mock draws.
pub const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

#[derive(Default)]
pub struct GeminiAudioState {
    /// Each `generateContent` call: the model of its path and its body.
    pub calls: Mutex<Vec<(String, Value)>>,
    /// Each inline audio file, decoded.
    pub audio_files: Mutex<Vec<(String, Vec<u8>)>>,
    /// Image calls whose prompt says "flaky": every second one is refused as overloaded.
    pub flaky_calls: Mutex<u64>,
}

pub struct MockGeminiAudio {
    pub addr: SocketAddr,
    pub state: Arc<GeminiAudioState>,
}

impl MockGeminiAudio {
    pub async fn start() -> MockGeminiAudio {
        let state = Arc::new(GeminiAudioState::default());
        let app = Router::new()
            .route("/v1beta/models/{target}", post(generate))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockGeminiAudio { addr, state }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// The PCM the mock speaks for `text`.
pub fn speech_pcm(text: &str) -> Vec<u8> {
    vec![PCM_BYTE; text.chars().count() * SAMPLES_PER_CHARACTER * 2]
}

fn error(status: StatusCode, message: &str) -> Response {
    let body = json!({"error": {"code": status.as_u16(), "message": message,
        "status": "INVALID_ARGUMENT"}});
    (status, Json(body)).into_response()
}

fn words(text: &str) -> u64 {
    text.split_whitespace().count() as u64
}

async fn generate(
    State(state): State<Arc<GeminiAudioState>>,
    Path(target): Path<String>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if headers.get("x-goog-api-key").and_then(|v| v.to_str().ok()) != Some(KEY) {
        return error(StatusCode::FORBIDDEN, "API key not valid.");
    }
    let Some((model, "generateContent")) = target.split_once(':') else {
        return error(StatusCode::NOT_FOUND, "no such method");
    };
    state
        .calls
        .lock()
        .unwrap()
        .push((model.to_owned(), body.clone()));
    let parts: Vec<Value> = body["contents"][0]["parts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if parts.is_empty() {
        return error(StatusCode::BAD_REQUEST, "contents[0].parts is required");
    }
    let text: String = parts
        .iter()
        .filter_map(|part| part["text"].as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let mut inline = Vec::new();
    for part in &parts {
        if let Some(data) = part.get("inlineData") {
            let Some(mime_type) = data["mimeType"].as_str() else {
                return error(StatusCode::BAD_REQUEST, "inlineData.mimeType is required");
            };
            let Ok(bytes) = BASE64.decode(data["data"].as_str().unwrap_or_default()) else {
                return error(StatusCode::BAD_REQUEST, "inlineData.data is not base64");
            };
            inline.push((mime_type.to_owned(), bytes));
        }
    }
    let modalities: Vec<&str> = body["generationConfig"]["responseModalities"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if modalities == ["AUDIO"] {
        let voice = &body["generationConfig"]["speechConfig"]["voiceConfig"]["prebuiltVoiceConfig"]
            ["voiceName"];
        if !voice.as_str().is_some_and(|voice| VOICES.contains(&voice)) {
            return error(StatusCode::BAD_REQUEST, "Voice name is not supported.");
        }
        let pcm = speech_pcm(&text);
        let audio_tokens = text.chars().count() as u64;
        return Json(json!({
            "candidates": [{"content": {"role": "model", "parts": [{"inlineData": {
                "mimeType": "audio/L16;codec=pcm;rate=24000", "data": BASE64.encode(&pcm)}}]},
                "finishReason": "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": words(&text),
                "candidatesTokenCount": audio_tokens,
                "totalTokenCount": words(&text) + audio_tokens,
                "promptTokensDetails": [{"modality": "TEXT", "tokenCount": words(&text)}],
                "candidatesTokensDetails": [{"modality": "AUDIO", "tokenCount": audio_tokens}]},
            "modelVersion": model,
        }))
        .into_response();
    }
    if modalities.contains(&"IMAGE") {
        if modalities
            .iter()
            .any(|modality| *modality != "TEXT" && *modality != "IMAGE")
        {
            return error(StatusCode::BAD_REQUEST, "unsupported response modality");
        }
        // As Gemini's image models do: one candidate a call.
        if body["generationConfig"]["candidateCount"]
            .as_u64()
            .is_some_and(|count| count > 1)
        {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("Multiple candidates is not enabled for models/{model}"),
            );
        }
        if text.contains("flaky") {
            let mut flaky = state.flaky_calls.lock().unwrap();
            *flaky += 1;
            if *flaky % 2 == 0 {
                return error(StatusCode::SERVICE_UNAVAILABLE, "The model is overloaded.");
            }
        }
        let count = if text.contains("two") { 2 } else { 1 };
        let input_images = inline
            .iter()
            .filter(|(mime, _)| mime.starts_with("image/"))
            .count() as u64;
        let mut answer_parts = vec![json!({"text": "Here is the image."})];
        for index in 0..count {
            let mut png = PNG_MAGIC.to_vec();
            png.extend_from_slice(format!("{text} #{index}").as_bytes());
            answer_parts.push(json!({"inlineData": {"mimeType": "image/png",
                "data": BASE64.encode(png)}}));
        }
        let image_input = input_images * 258;
        let prompt = words(&text) + image_input;
        let output = count * IMAGE_TOKENS + 4;
        return Json(json!({
            "candidates": [{"content": {"role": "model", "parts": answer_parts},
                "finishReason": "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": prompt, "candidatesTokenCount": output,
                "totalTokenCount": prompt + output,
                "promptTokensDetails": [{"modality": "TEXT", "tokenCount": words(&text)},
                    {"modality": "IMAGE", "tokenCount": image_input}],
                "candidatesTokensDetails": [{"modality": "TEXT", "tokenCount": 4},
                    {"modality": "IMAGE", "tokenCount": count * IMAGE_TOKENS}]},
        }))
        .into_response();
    }
    let Some((mime_type, audio)) = inline
        .into_iter()
        .find(|(mime, _)| mime.starts_with("audio/"))
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "the mock answers audio, images or speech",
        );
    };
    state.audio_files.lock().unwrap().push((mime_type, audio));
    let answer = if text.contains("Translate") {
        TRANSLATION
    } else {
        TRANSCRIPT
    };
    let output = words(answer);
    Json(json!({
        "candidates": [{"content": {"role": "model", "parts": [{"text": answer}]},
            "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": TEXT_TOKENS + AUDIO_TOKENS,
            "candidatesTokenCount": output,
            "totalTokenCount": TEXT_TOKENS + AUDIO_TOKENS + output,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": TEXT_TOKENS},
                {"modality": "AUDIO", "tokenCount": AUDIO_TOKENS}]},
    }))
    .into_response()
}
