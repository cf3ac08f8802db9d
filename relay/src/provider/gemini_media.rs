//! Gemini's speech, transcription and images behind OpenAI's media faces: `generateContent` with audio or image modalities, answered in OpenAI's shapes.
//!
//! Registered for `gemini` and `vertexai` channels (the provider builds the URL and credentials).
//!
//! - **Speech** (`/v1/audio/speech` on a TTS model): the input as the one user text (the
//!   `instructions`, if any, before it as the speaking style), `responseModalities: ["AUDIO"]`
//!   and the voice as Gemini's prebuilt voice (`Kore` when unnamed). Gemini answers 16-bit mono
//!   PCM (`audio/L16;codec=pcm;rate=24000`): encoded in-process as `mp3` (the default, as
//!   OpenAI's), `opus` (Ogg Opus) or `flac` ([`SpeechEncoding`]), wrapped as a WAV file (`wav`)
//!   or sent as it is (`pcm`, OpenAI's own 24 kHz 16-bit layout); `aac`, for which no encoder
//!   is built in, is a 400 naming `response_format`. `stream_format: "sse"` answers OpenAI's
//!   `speech.audio.delta` events (the file of the format asked, in chunks) and a
//!   `speech.audio.done` with the usage.
//! - **Transcriptions and translations**: the uploaded file as inline data after an
//!   instruction (transcribe verbatim, or translate into English; `language` and `prompt` as
//!   hints), the answer's text as OpenAI's `json`, `text` or `verbose_json` (no segments);
//!   `srt` and `vtt`, which need timestamps Gemini does not give, are a 400.
//! - **Images** (generations and edits on an image model): the prompt (and an edit's images as
//!   inline data), `responseModalities: ["TEXT", "IMAGE"]`, `size` as the nearest aspect ratio,
//!   the images answered as `b64_json` (Gemini serves no links: `response_format: "url"` is a
//!   400). Gemini's image models refuse `candidateCount` above 1, so `n` images are `n` calls
//!   (at most 10, a few at a time) whose images are merged in order and whose usage is summed;
//!   a failed call leaves its images out, and what is returned is what is billed.
//!
//! The tokens Gemini reports (`usageMetadata`, audio and image tokens apart) are the usage.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use serde_json::{Value, json};

use super::Endpoint;
use super::media_api::{
    MediaAnswer, MediaApi, MediaInput, MediaRequest, bad, speech_events, transcript_answer,
    transcript_format,
};
use crate::error::RelayError;
use crate::media::SpeechEncoding;
use crate::vocabulary::{Channel, TokenUsage};

pub struct GeminiMedia;

/// The voice of a speech request that names none.
const DEFAULT_VOICE: &str = "Kore";
/// Gemini's TTS sample rate, when its answer's MIME type names none.
const DEFAULT_SAMPLE_RATE: u32 = 24_000;
/// Highest rate believed from a MIME type (a WAV header's byte rate is twice it, in 32 bits).
const MAX_SAMPLE_RATE: u32 = 384_000;

impl MediaApi for GeminiMedia {
    fn serves(&self, endpoint: Endpoint) -> bool {
        matches!(
            endpoint,
            Endpoint::AudioSpeech
                | Endpoint::AudioTranscriptions
                | Endpoint::AudioTranslations
                | Endpoint::ImagesGenerations
                | Endpoint::ImagesEdits
        )
    }

    fn request(
        &self,
        _channel: &Channel,
        endpoint: Endpoint,
        _upstream_model: &str,
        input: MediaInput<'_>,
    ) -> Result<MediaRequest, RelayError> {
        let body = match (endpoint, input) {
            (Endpoint::AudioSpeech, MediaInput::Json(_)) => speech_request(input)?,
            (
                Endpoint::AudioTranscriptions | Endpoint::AudioTranslations,
                MediaInput::Form(form),
            ) => transcription_request(endpoint, input, form)?,
            (Endpoint::ImagesGenerations, MediaInput::Json(_)) => image_request(input, &[])?,
            (Endpoint::ImagesEdits, MediaInput::Form(form)) => {
                let images: Vec<Value> = form
                    .parts
                    .iter()
                    .filter(|part| {
                        part.filename.is_some() && (part.name == "image" || part.name == "image[]")
                    })
                    .map(|part| {
                        let mime_type = image_mime_type(&part.data).ok_or_else(|| {
                            bad("image must be a PNG, JPEG or WebP file", "image")
                        })?;
                        Ok(inline_data(mime_type, &part.data))
                    })
                    .collect::<Result<_, RelayError>>()?;
                if images.is_empty() {
                    return Err(bad("an image file is required", "image"));
                }
                image_request(input, &images)?
            }
            _ => return Err(RelayError::Internal),
        };
        let calls = match endpoint {
            Endpoint::ImagesGenerations | Endpoint::ImagesEdits => images_asked(input)?,
            _ => 1,
        };
        Ok(MediaRequest::Json {
            endpoint: Endpoint::GenerateContent,
            body,
            calls,
        })
    }

    fn answer(
        &self,
        endpoint: Endpoint,
        input: MediaInput<'_>,
        answer: &[u8],
    ) -> Result<MediaAnswer, RelayError> {
        let answer: Value =
            serde_json::from_slice(answer).map_err(|_| RelayError::UpstreamInvalid)?;
        let usage = answer.get("usageMetadata").map(token_usage);
        match endpoint {
            Endpoint::AudioSpeech => speech_answer(input, &answer, usage),
            Endpoint::AudioTranscriptions | Endpoint::AudioTranslations => {
                transcription_answer(endpoint, input, &answer, usage)
            }
            Endpoint::ImagesGenerations | Endpoint::ImagesEdits => {
                image_answer(std::slice::from_ref(&answer))
            }
            _ => Err(RelayError::Internal),
        }
    }

    fn merge(
        &self,
        endpoint: Endpoint,
        _input: MediaInput<'_>,
        answers: &[Bytes],
    ) -> Result<MediaAnswer, RelayError> {
        if !matches!(
            endpoint,
            Endpoint::ImagesGenerations | Endpoint::ImagesEdits
        ) {
            return Err(RelayError::Internal);
        }
        let answers: Vec<Value> = answers
            .iter()
            .map(|answer| serde_json::from_slice(answer).map_err(|_| RelayError::UpstreamInvalid))
            .collect::<Result<_, _>>()?;
        image_answer(&answers)
    }
}

/// Most calls one images request fans out to (OpenAI's own bound on `n`): each is a paid
/// generation upstream.
const MAX_IMAGE_CALLS: u32 = 10;

/// The calls an images request makes: its `n` (checked against the model's limit before), one
/// each, since Gemini's image models refuse `candidateCount` above 1 ("Multiple candidates is
/// not enabled").
fn images_asked(input: MediaInput<'_>) -> Result<u32, RelayError> {
    let n = match input {
        MediaInput::Json(object) => object.get_as::<u64>("n").ok().flatten(),
        MediaInput::Form(form) => form
            .text("n")
            .ok()
            .flatten()
            .and_then(|text| text.trim().parse().ok()),
    };
    match n.map(|n| u32::try_from(n).unwrap_or(u32::MAX)) {
        None | Some(0) => Ok(1),
        Some(n) if n > MAX_IMAGE_CALLS => Err(bad(
            // MAX_IMAGE_CALLS, spelled out: `bad` takes a static message.
            "this model's channel makes at most 10 images a request (one Gemini call each)",
            "n",
        )),
        Some(n) => Ok(n),
    }
}

/// What a speech request asked the audio to be sent as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SpeechFormat {
    Wav,
    Pcm,
    Encoded(SpeechEncoding),
}

impl SpeechFormat {
    fn content_type(self) -> &'static str {
        match self {
            SpeechFormat::Wav => "audio/wav",
            SpeechFormat::Pcm => "audio/pcm",
            SpeechFormat::Encoded(encoding) => encoding.content_type(),
        }
    }
}

/// The format asked; unset is mp3, OpenAI's default. aac is refused: the one embeddable AAC
/// encoder, Fraunhofer's FDK AAC, comes under a licence that grants no patent rights (Debian
/// ships it as non-free), and no pure-Rust AAC encoder is maintained.
fn speech_format(input: MediaInput<'_>) -> Result<SpeechFormat, RelayError> {
    match input.text("response_format").as_deref() {
        None => Ok(SpeechFormat::Encoded(SpeechEncoding::Mp3)),
        Some("wav") => Ok(SpeechFormat::Wav),
        Some("pcm") => Ok(SpeechFormat::Pcm),
        Some(format) => SpeechEncoding::from_response_format(format)
            .map(SpeechFormat::Encoded)
            .ok_or_else(|| {
                bad(
                    "this model's channel answers speech as mp3, opus, flac, wav or pcm (no aac encoder is built in)",
                    "response_format",
                )
            }),
    }
}

fn speech_request(input: MediaInput<'_>) -> Result<Value, RelayError> {
    speech_format(input)?;
    let text = input
        .text("input")
        .ok_or_else(|| bad("input is required", "input"))?;
    let text = match input.text("instructions") {
        Some(instructions) => format!("{instructions}: {text}"),
        None => text,
    };
    let voice = input
        .text("voice")
        .unwrap_or_else(|| DEFAULT_VOICE.to_owned());
    Ok(json!({
        "contents": [{"role": "user", "parts": [{"text": text}]}],
        "generationConfig": {
            "responseModalities": ["AUDIO"],
            "speechConfig": {"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": voice}}},
        },
    }))
}

fn speech_answer(
    input: MediaInput<'_>,
    answer: &Value,
    usage: Option<TokenUsage>,
) -> Result<MediaAnswer, RelayError> {
    let (mime_type, pcm) = inline_parts(answer)
        .find(|(mime_type, _)| mime_type.starts_with("audio/"))
        .ok_or(RelayError::UpstreamInvalid)?;
    let pcm = BASE64
        .decode(pcm)
        .map_err(|_| RelayError::UpstreamInvalid)?;
    let format = speech_format(input)?;
    let audio = match format {
        SpeechFormat::Pcm => pcm,
        SpeechFormat::Wav => wav_file(&pcm, sample_rate(mime_type)),
        SpeechFormat::Encoded(encoding) => encoding.encode(&pcm, sample_rate(mime_type))?,
    };
    if input.text("stream_format").as_deref() != Some("sse") {
        return Ok(MediaAnswer {
            content_type: format.content_type(),
            body: Bytes::from(audio),
            usage,
        });
    }
    // Gemini answers the speech whole: the deltas are the file of the format asked, in chunks.
    Ok(MediaAnswer {
        content_type: "text/event-stream",
        body: speech_events(&audio, usage.as_ref()),
        usage,
    })
}

/// The sample rate a `audio/L16;codec=pcm;rate=24000` MIME type names.
fn sample_rate(mime_type: &str) -> u32 {
    mime_type
        .split(';')
        .filter_map(|parameter| parameter.trim().strip_prefix("rate="))
        .find_map(|rate| rate.parse().ok())
        .filter(|rate| (1..=MAX_SAMPLE_RATE).contains(rate))
        .unwrap_or(DEFAULT_SAMPLE_RATE)
}

/// 16-bit little-endian mono PCM as a WAV file.
fn wav_file(pcm: &[u8], sample_rate: u32) -> Vec<u8> {
    let data_len = u32::try_from(pcm.len()).unwrap_or(u32::MAX - 36);
    let mut wav = Vec::with_capacity(44 + pcm.len());
    wav.extend_from_slice(b"RIFF");
    wav.extend_from_slice(&(36 + data_len).to_le_bytes());
    wav.extend_from_slice(b"WAVEfmt ");
    wav.extend_from_slice(&16u32.to_le_bytes());
    wav.extend_from_slice(&1u16.to_le_bytes()); // PCM
    wav.extend_from_slice(&1u16.to_le_bytes()); // mono
    wav.extend_from_slice(&sample_rate.to_le_bytes());
    wav.extend_from_slice(&(sample_rate * 2).to_le_bytes()); // bytes per second
    wav.extend_from_slice(&2u16.to_le_bytes()); // bytes per frame
    wav.extend_from_slice(&16u16.to_le_bytes()); // bits per sample
    wav.extend_from_slice(b"data");
    wav.extend_from_slice(&data_len.to_le_bytes());
    wav.extend_from_slice(pcm);
    wav
}

fn transcription_request(
    endpoint: Endpoint,
    input: MediaInput<'_>,
    form: &crate::multipart::Multipart,
) -> Result<Value, RelayError> {
    transcript_format(input)?;
    let file = form
        .parts
        .iter()
        .find(|part| part.name == "file" && part.filename.is_some())
        .ok_or_else(|| bad("an audio file is required", "file"))?;
    let mime_type = audio_mime_type(file.filename.as_deref(), &file.data).ok_or_else(|| {
        bad(
            "the audio must be wav, mp3, aiff, aac, ogg, flac, m4a or webm",
            "file",
        )
    })?;
    let mut instruction = if endpoint == Endpoint::AudioTranslations {
        "Translate the speech in this audio into English. Answer with the English translation only."
            .to_owned()
    } else {
        "Transcribe the speech in this audio verbatim. Answer with the transcript only, without timestamps or commentary."
            .to_owned()
    };
    if let Some(language) = input.text("language") {
        instruction.push_str(&format!(" The speech is in the language {language}."));
    }
    if let Some(prompt) = input.text("prompt") {
        instruction.push_str(&format!(" Context: {prompt}"));
    }
    let mut body = json!({
        "contents": [{"role": "user", "parts": [
            {"text": instruction},
            inline_data(mime_type, &file.data),
        ]}],
    });
    if let Some(temperature) = input
        .text("temperature")
        .and_then(|text| text.trim().parse::<f64>().ok())
    {
        body["generationConfig"] = json!({"temperature": temperature});
    }
    Ok(body)
}

fn transcription_answer(
    endpoint: Endpoint,
    input: MediaInput<'_>,
    answer: &Value,
    usage: Option<TokenUsage>,
) -> Result<MediaAnswer, RelayError> {
    let text = answer_text(answer).ok_or(RelayError::UpstreamInvalid)?;
    transcript_answer(endpoint, input, text, usage)
}

fn image_request(input: MediaInput<'_>, images: &[Value]) -> Result<Value, RelayError> {
    if let Some(format) = input.text("response_format")
        && format != "b64_json"
    {
        return Err(bad(
            "this model's channel answers images as b64_json only",
            "response_format",
        ));
    }
    let prompt = input
        .text("prompt")
        .ok_or_else(|| bad("prompt is required", "prompt"))?;
    let mut parts = vec![json!({"text": prompt})];
    parts.extend(images.iter().cloned());
    let mut config = json!({"responseModalities": ["TEXT", "IMAGE"]});
    if let Some(ratio) = input.text("size").as_deref().and_then(aspect_ratio) {
        config["imageConfig"] = json!({"aspectRatio": ratio});
    }
    Ok(json!({
        "contents": [{"role": "user", "parts": parts}],
        "generationConfig": config,
    }))
}

/// The images of Gemini's answers (one a call), in order, as OpenAI's `b64_json` items, with the
/// answers' usage summed.
fn image_answer(answers: &[Value]) -> Result<MediaAnswer, RelayError> {
    let data: Vec<Value> = answers
        .iter()
        .flat_map(inline_parts)
        .filter(|(mime_type, _)| mime_type.starts_with("image/"))
        .map(|(_, data)| json!({"b64_json": data}))
        .collect();
    if data.is_empty() {
        return Err(RelayError::UpstreamInvalid);
    }
    let usage = answers
        .iter()
        .filter_map(|answer| answer.get("usageMetadata"))
        .map(token_usage)
        .reduce(|total, more| add_usage(&total, &more));
    let mut body = json!({"created": unix_now(), "data": data});
    if let Some(usage) = &usage {
        body["usage"] = json!({
            "input_tokens": usage.input_tokens,
            "input_tokens_details": {
                "image_tokens": usage.image_input_tokens,
                "text_tokens": usage.input_tokens.saturating_sub(usage.image_input_tokens),
            },
            "output_tokens": usage.output_tokens,
            "total_tokens": usage.total_tokens,
        });
    }
    Ok(MediaAnswer {
        content_type: "application/json",
        body: Bytes::from(body.to_string()),
        usage,
    })
}

/// Two calls' usage together (every count [`token_usage`] fills).
fn add_usage(one: &TokenUsage, other: &TokenUsage) -> TokenUsage {
    TokenUsage {
        input_tokens: one.input_tokens + other.input_tokens,
        output_tokens: one.output_tokens + other.output_tokens,
        cached_input_tokens: one.cached_input_tokens + other.cached_input_tokens,
        reasoning_tokens: one.reasoning_tokens + other.reasoning_tokens,
        image_input_tokens: one.image_input_tokens + other.image_input_tokens,
        audio_input_tokens: one.audio_input_tokens + other.audio_input_tokens,
        image_output_tokens: one.image_output_tokens + other.image_output_tokens,
        audio_output_tokens: one.audio_output_tokens + other.audio_output_tokens,
        total_tokens: one.total_tokens + other.total_tokens,
        ..TokenUsage::default()
    }
}

/// The aspect ratio Gemini's image models take nearest to a `WxH` size.
fn aspect_ratio(size: &str) -> Option<&'static str> {
    const RATIOS: [(&str, f64); 10] = [
        ("1:1", 1.0),
        ("2:3", 2.0 / 3.0),
        ("3:2", 3.0 / 2.0),
        ("3:4", 3.0 / 4.0),
        ("4:3", 4.0 / 3.0),
        ("4:5", 4.0 / 5.0),
        ("5:4", 5.0 / 4.0),
        ("9:16", 9.0 / 16.0),
        ("16:9", 16.0 / 9.0),
        ("21:9", 21.0 / 9.0),
    ];
    let (width, height) = size.trim().split_once(['x', 'X'])?;
    let width: f64 = width.trim().parse().ok()?;
    let height: f64 = height.trim().parse().ok()?;
    if width <= 0.0 || height <= 0.0 {
        return None;
    }
    let ratio = width / height;
    RATIOS
        .iter()
        .min_by(|a, b| (a.1 - ratio).abs().total_cmp(&(b.1 - ratio).abs()))
        .map(|(label, _)| *label)
}

/// Every `inlineData` part of the first candidate: its MIME type and base64 data.
fn inline_parts(answer: &Value) -> impl Iterator<Item = (&str, &str)> {
    candidate_parts(answer).filter_map(|part| {
        let inline = part.get("inlineData").or_else(|| part.get("inline_data"))?;
        let mime_type = inline
            .get("mimeType")
            .or_else(|| inline.get("mime_type"))?
            .as_str()?;
        Some((mime_type, inline.get("data")?.as_str()?))
    })
}

/// The first candidate's text, thoughts left out; `None` when it has none.
fn answer_text(answer: &Value) -> Option<String> {
    let texts: Vec<&str> = candidate_parts(answer)
        .filter(|part| part.get("thought").and_then(Value::as_bool) != Some(true))
        .filter_map(|part| part.get("text").and_then(Value::as_str))
        .collect();
    (!texts.is_empty()).then(|| texts.concat().trim().to_owned())
}

fn candidate_parts(answer: &Value) -> impl Iterator<Item = &Value> {
    answer
        .pointer("/candidates/0/content/parts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// Gemini's `usageMetadata` with its per-modality details.
fn token_usage(usage: &Value) -> TokenUsage {
    let count = |key: &str| usage.get(key).and_then(Value::as_u64).unwrap_or(0);
    let modality = |key: &str, modality: &str| {
        usage
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|detail| detail.get("modality").and_then(Value::as_str) == Some(modality))
            .filter_map(|detail| detail.get("tokenCount").and_then(Value::as_u64))
            .sum::<u64>()
    };
    let thoughts = count("thoughtsTokenCount");
    let input = count("promptTokenCount");
    let output = count("candidatesTokenCount") + thoughts;
    TokenUsage {
        input_tokens: input,
        output_tokens: output,
        cached_input_tokens: count("cachedContentTokenCount"),
        reasoning_tokens: thoughts,
        image_input_tokens: modality("promptTokensDetails", "IMAGE"),
        audio_input_tokens: modality("promptTokensDetails", "AUDIO"),
        image_output_tokens: modality("candidatesTokensDetails", "IMAGE"),
        audio_output_tokens: modality("candidatesTokensDetails", "AUDIO"),
        total_tokens: match count("totalTokenCount") {
            0 => input + output,
            total => total,
        },
        ..TokenUsage::default()
    }
}

fn inline_data(mime_type: &str, data: &[u8]) -> Value {
    json!({"inlineData": {"mimeType": mime_type, "data": BASE64.encode(data)}})
}

/// The MIME type Gemini is told for an uploaded audio file: from its extension, else from its
/// first bytes; `None` for a format Gemini does not take.
fn audio_mime_type(filename: Option<&str>, data: &[u8]) -> Option<&'static str> {
    let extension = filename
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, extension)| extension.to_ascii_lowercase());
    let by_extension = match extension.as_deref() {
        Some("wav") => Some("audio/wav"),
        Some("mp3" | "mpga" | "mpeg") => Some("audio/mp3"),
        Some("aif" | "aiff") => Some("audio/aiff"),
        Some("aac") => Some("audio/aac"),
        Some("ogg" | "oga" | "opus") => Some("audio/ogg"),
        Some("flac") => Some("audio/flac"),
        Some("m4a" | "mp4") => Some("audio/mp4"),
        Some("webm") => Some("audio/webm"),
        _ => None,
    };
    by_extension.or(if data.starts_with(b"RIFF") {
        Some("audio/wav")
    } else if data.starts_with(b"ID3") || data.starts_with(&[0xFF, 0xFB]) {
        Some("audio/mp3")
    } else if data.starts_with(b"OggS") {
        Some("audio/ogg")
    } else if data.starts_with(b"fLaC") {
        Some("audio/flac")
    } else {
        None
    })
}

/// The MIME type of an uploaded image, read from its first bytes.
fn image_mime_type(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(b"\x89PNG") {
        Some("image/png")
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if data.len() >= 12 && data.starts_with(b"RIFF") && &data[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::JsonObject;

    fn json_input(value: Value) -> JsonObject {
        JsonObject::from_value(&value).unwrap()
    }

    #[test]
    fn speech_pcm_is_wrapped_as_a_wav_of_the_rate_gemini_names() {
        let pcm = [1u8, 0, 2, 0, 3, 0];
        let answer = json!({"candidates": [{"content": {"parts": [{"inlineData": {
            "mimeType": "audio/L16;codec=pcm;rate=16000", "data": BASE64.encode(pcm)}}]}}],
            "usageMetadata": {"promptTokenCount": 4, "candidatesTokenCount": 9,
                "totalTokenCount": 13,
                "candidatesTokensDetails": [{"modality": "AUDIO", "tokenCount": 9}]}});
        let request = json_input(
            json!({"model": "m", "input": "hi", "voice": "Puck", "response_format": "wav"}),
        );
        let answered = GeminiMedia
            .answer(
                Endpoint::AudioSpeech,
                MediaInput::Json(&request),
                answer.to_string().as_bytes(),
            )
            .unwrap();
        assert_eq!(answered.content_type, "audio/wav");
        let wav = &answered.body;
        assert_eq!(&wav[..4], b"RIFF");
        assert_eq!(u32::from_le_bytes(wav[24..28].try_into().unwrap()), 16_000);
        assert_eq!(&wav[44..], &pcm);
        let read = crate::media::audio_duration(wav, Some("speech.wav"));
        assert!(!read.estimated);
        let usage = answered.usage.unwrap();
        assert_eq!((usage.input_tokens, usage.audio_output_tokens), (4, 9));

        let pcm_request = json_input(json!({"input": "hi", "response_format": "pcm"}));
        let answered = GeminiMedia
            .answer(
                Endpoint::AudioSpeech,
                MediaInput::Json(&pcm_request),
                answer.to_string().as_bytes(),
            )
            .unwrap();
        assert_eq!(
            (answered.content_type, &answered.body[..]),
            ("audio/pcm", &pcm[..])
        );
    }

    #[test]
    fn formats_gemini_cannot_fill_are_refused_naming_the_field() {
        let aac = json_input(json!({"input": "hi", "response_format": "aac"}));
        let error = speech_request(MediaInput::Json(&aac)).unwrap_err();
        assert!(
            matches!(
                error,
                RelayError::BadRequest {
                    param: Some("response_format"),
                    ..
                }
            ),
            "{error:?}"
        );
        let url = json_input(json!({"prompt": "a boat", "response_format": "url"}));
        let error = image_request(MediaInput::Json(&url), &[]).unwrap_err();
        assert!(
            matches!(
                error,
                RelayError::BadRequest {
                    param: Some("response_format"),
                    ..
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn sizes_become_the_nearest_aspect_ratio() {
        for (size, ratio) in [
            ("1024x1024", Some("1:1")),
            ("1792x1024", Some("16:9")),
            ("1024x1536", Some("2:3")),
            ("auto", None),
        ] {
            assert_eq!(aspect_ratio(size), ratio, "{size}");
        }
    }

    #[test]
    fn usage_counts_modalities_apart() {
        let usage = token_usage(&json!({"promptTokenCount": 30, "candidatesTokenCount": 5,
            "thoughtsTokenCount": 2,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 10},
                {"modality": "AUDIO", "tokenCount": 20}]}));
        assert_eq!(usage.input_tokens, 30);
        assert_eq!(usage.audio_input_tokens, 20);
        assert_eq!(usage.output_tokens, 7);
        assert_eq!(usage.total_tokens, 37);
    }

    #[test]
    fn speech_is_encoded_in_the_format_asked_mp3_when_unnamed() {
        let pcm: Vec<u8> = (0..4800i16)
            .flat_map(|sample| (sample % 200 * 40).to_le_bytes())
            .collect();
        let answer = json!({"candidates": [{"content": {"parts": [{"inlineData": {
            "mimeType": "audio/L16;codec=pcm;rate=24000", "data": BASE64.encode(&pcm)}}]}}]});
        for (format, content_type, magic) in [
            (None, "audio/mpeg", &[0xFFu8][..]),
            (Some("mp3"), "audio/mpeg", &[0xFF][..]),
            (Some("flac"), "audio/flac", &b"fLaC"[..]),
            (Some("opus"), "audio/opus", &b"OggS"[..]),
        ] {
            let mut request = json!({"input": "hi"});
            if let Some(format) = format {
                request["response_format"] = json!(format);
            }
            let request = json_input(request);
            let answered = GeminiMedia
                .answer(
                    Endpoint::AudioSpeech,
                    MediaInput::Json(&request),
                    answer.to_string().as_bytes(),
                )
                .unwrap();
            assert_eq!(answered.content_type, content_type, "{format:?}");
            assert!(answered.body.starts_with(magic), "{format:?}");
        }
    }

    #[test]
    fn n_images_are_n_calls_merged_in_order_with_their_usage_summed() {
        let three = json_input(json!({"prompt": "a boat", "n": 3}));
        assert_eq!(images_asked(MediaInput::Json(&three)).unwrap(), 3);
        let unset = json_input(json!({"prompt": "a boat"}));
        assert_eq!(images_asked(MediaInput::Json(&unset)).unwrap(), 1);
        let many = json_input(json!({"prompt": "a boat", "n": MAX_IMAGE_CALLS + 1}));
        let error = images_asked(MediaInput::Json(&many)).unwrap_err();
        assert!(
            matches!(
                error,
                RelayError::BadRequest {
                    param: Some("n"),
                    ..
                }
            ),
            "{error:?}"
        );

        let answer = |image: &str, output: u64| {
            Bytes::from(
                json!({"candidates": [{"content": {"parts": [{"text": "Here."},
                    {"inlineData": {"mimeType": "image/png", "data": image}}]}}],
                    "usageMetadata": {"promptTokenCount": 2, "candidatesTokenCount": output,
                        "totalTokenCount": 2 + output,
                        "candidatesTokensDetails": [{"modality": "IMAGE", "tokenCount": output}]}})
                .to_string(),
            )
        };
        let merged = GeminiMedia
            .merge(
                Endpoint::ImagesGenerations,
                MediaInput::Json(&three),
                &[answer("Zmlyc3Q=", 1290), answer("c2Vjb25k", 1300)],
            )
            .unwrap();
        let body: Value = serde_json::from_slice(&merged.body).unwrap();
        assert_eq!(body["data"][0]["b64_json"], "Zmlyc3Q=");
        assert_eq!(body["data"][1]["b64_json"], "c2Vjb25k");
        let usage = merged.usage.unwrap();
        assert_eq!(
            (
                usage.input_tokens,
                usage.output_tokens,
                usage.image_output_tokens
            ),
            (4, 2590, 2590)
        );
        assert_eq!(usage.total_tokens, 2594);
        assert_eq!(body["usage"]["total_tokens"], 2594);
    }
}
