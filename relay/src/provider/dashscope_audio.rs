//! Alibaba DashScope speech synthesis and recognition behind OpenAI's audio faces: WebSocket tasks at `{host}/api-ws/v1/inference`, as the seed calls them.
//!
//! An `ali` channel's base URL names its OpenAI-compatible path; the WebSocket API is at the
//! root of the same host (`wss://dashscope.aliyuncs.com/api-ws/v1/inference`), authenticated
//! with the key as a Bearer token. Each task is one conversation:
//!
//! - **Speech** (`/v1/audio/speech`; Sambert, CosyVoice): a `run-task` message (`task_group:
//!   audio`, `task: tts`, `function: SpeechSynthesizer`, the text as `input.text`, `format`
//!   `mp3`, `wav` or `pcm`, `rate` from `speed`), then DashScope's events (`task-started`,
//!   `result-generated`) and the audio as binary frames until `task-finished`. A `sambert-v1`
//!   model names its voice in the model (`sambert-{voice}-v1`, `zhinan` when unnamed), as the
//!   seed spells it; other models take `voice` as a parameter.
//! - **Transcriptions** (Paraformer realtime): a `run-task` (`task: asr`, `function:
//!   recognition`, the file's `format` and `sample_rate`), the file in 3 KiB binary frames once
//!   `task-started` arrives, then `finish-task`; the final sentences of `result-generated`
//!   (those with an `end_time`) joined are the transcript.
//!
//! A `task-failed` event ends the request with DashScope's code and message: a refused key or an
//! account in arrears is the channel's fault, throttling a rate limit, anything else the
//! client's 400.

use std::time::Duration;

use axum::http::{HeaderValue, header};
use bytes::Bytes;
use futures::future::BoxFuture;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::media_api::{
    MediaAnswer, MediaApi, MediaInput, MediaRequest, bad, speech_events, transcript_answer,
    transcript_format,
};
use super::video_tasks::{cut, origin_of};
use super::{Endpoint, base_url, bearer_json_headers};
use crate::error::{ErrorBody, RelayError};
use crate::vocabulary::{Channel, TokenUsage};
use crate::websocket::{Message, WebSocket};

pub struct DashScopeAudio;

/// Audio bytes per binary frame of a recognition task, as the seed sends them.
const AUDIO_FRAME: usize = 3 * 1024;
/// Largest audio a speech task may send back in all.
const MAX_SPEECH_BYTES: usize = 64 * 1024 * 1024;
/// Longest vendor message passed to the client.
const MAX_MESSAGE: usize = 500;
/// The recognition sample rate when neither the request nor the file names one.
const DEFAULT_SAMPLE_RATE: u32 = 16_000;

impl MediaApi for DashScopeAudio {
    fn serves(&self, endpoint: Endpoint) -> bool {
        matches!(
            endpoint,
            Endpoint::AudioSpeech | Endpoint::AudioTranscriptions
        )
    }

    fn request(
        &self,
        channel: &Channel,
        endpoint: Endpoint,
        _upstream_model: &str,
        input: MediaInput<'_>,
    ) -> Result<MediaRequest, RelayError> {
        // What the client asked is checked before anything is opened.
        match endpoint {
            Endpoint::AudioSpeech => {
                speech_format(input)?;
                input
                    .text("input")
                    .ok_or_else(|| bad("input is required", "input"))?;
            }
            _ => {
                transcript_format(input)?;
                recognition_format(input)?;
            }
        }
        let mut headers = bearer_json_headers(channel)?;
        headers.remove(header::CONTENT_TYPE);
        headers.insert(
            "x-dashscope-datainspection",
            HeaderValue::from_static("enable"),
        );
        Ok(MediaRequest::Socket {
            url: format!("{}/api-ws/v1/inference", origin_of(&base_url(channel)?)?),
            headers,
        })
    }

    fn converse<'a>(
        &'a self,
        endpoint: Endpoint,
        upstream_model: &'a str,
        input: MediaInput<'a>,
        socket: &'a mut WebSocket,
        idle: Duration,
    ) -> BoxFuture<'a, Result<MediaAnswer, RelayError>> {
        Box::pin(async move {
            match endpoint {
                Endpoint::AudioSpeech => speak(upstream_model, input, socket, idle).await,
                _ => recognize(endpoint, upstream_model, input, socket, idle).await,
            }
        })
    }
}

/// The speech formats DashScope makes: OpenAI's default (mp3), wav and pcm.
fn speech_format(input: MediaInput<'_>) -> Result<(&'static str, &'static str), RelayError> {
    match input.text("response_format").as_deref() {
        None | Some("mp3") => Ok(("mp3", "audio/mpeg")),
        Some("wav") => Ok(("wav", "audio/wav")),
        Some("pcm") => Ok(("pcm", "audio/pcm")),
        Some(_) => Err(bad(
            "this model's channel answers speech as mp3, wav or pcm only",
            "response_format",
        )),
    }
}

/// The `run-task` of a speech synthesis.
fn speech_task(task_id: &str, model: &str, input: MediaInput<'_>) -> Result<Value, RelayError> {
    let (format, _) = speech_format(input)?;
    let text = input
        .text("input")
        .ok_or_else(|| bad("input is required", "input"))?;
    let voice = input.text("voice");
    let speed = input
        .text("speed")
        .and_then(|speed| speed.trim().parse::<f64>().ok())
        .or_else(|| match input {
            MediaInput::Json(object) => object.get_as::<f64>("speed").ok().flatten(),
            MediaInput::Form(_) => None,
        })
        .unwrap_or(1.0)
        .clamp(0.5, 2.0);
    let mut parameters = Map::new();
    parameters.insert("text_type".into(), json!("PlainText"));
    parameters.insert("format".into(), json!(format));
    parameters.insert("volume".into(), json!(50));
    parameters.insert("rate".into(), json!(speed));
    parameters.insert("pitch".into(), json!(1.0));
    let sample_rate = match input {
        MediaInput::Json(object) => object.get_as::<u32>("sample_rate").ok().flatten(),
        MediaInput::Form(_) => None,
    };
    if let Some(sample_rate) = sample_rate {
        parameters.insert("sample_rate".into(), json!(sample_rate));
    }
    // `sambert-v1` is the family's alias: the voice is part of the model's name.
    let model = match model.strip_prefix("sambert-v") {
        Some(version) => format!(
            "sambert-{}-v{version}",
            voice.as_deref().unwrap_or("zhinan")
        ),
        None => {
            if let Some(voice) = &voice {
                parameters.insert("voice".into(), json!(voice));
            }
            model.to_owned()
        }
    };
    Ok(json!({
        "header": {"action": "run-task", "streaming": "out", "task_id": task_id},
        "payload": {
            "model": model,
            "task_group": "audio",
            "task": "tts",
            "function": "SpeechSynthesizer",
            "input": {"text": text},
            "parameters": parameters,
        },
    }))
}

async fn speak(
    model: &str,
    input: MediaInput<'_>,
    socket: &mut WebSocket,
    idle: Duration,
) -> Result<MediaAnswer, RelayError> {
    let task_id = uuid::Uuid::new_v4().to_string();
    socket
        .send_text(&speech_task(&task_id, model, input)?.to_string())
        .await?;
    let mut audio = Vec::new();
    let characters = loop {
        match socket.receive(idle).await? {
            None => return Err(RelayError::UpstreamInvalid),
            Some(Message::Binary(data)) => {
                if audio.len() + data.len() > MAX_SPEECH_BYTES {
                    return Err(RelayError::UpstreamInvalid);
                }
                audio.extend_from_slice(&data);
            }
            Some(Message::Text(text)) => match event(&text)? {
                Event::Finished(usage) => break usage.characters,
                Event::Other => {}
            },
        }
    };
    // DashScope counts the characters it spoke; the input's count where it reports none.
    let characters = characters.unwrap_or_else(|| {
        input
            .text("input")
            .map_or(0, |text| text.chars().count() as u64)
    });
    let (_, content_type) = speech_format(input)?;
    let usage = TokenUsage {
        input_tokens: characters,
        total_tokens: characters,
        ..TokenUsage::default()
    };
    if input.text("stream_format").as_deref() == Some("sse") {
        return Ok(MediaAnswer {
            content_type: "text/event-stream",
            body: speech_events(&audio, Some(&usage)),
            usage: Some(usage),
        });
    }
    Ok(MediaAnswer {
        content_type,
        body: Bytes::from(audio),
        usage: Some(usage),
    })
}

/// The file's format as DashScope names it (from its name, else its first bytes) and its
/// sample rate (the request's `sample_rate`, else a WAV header's, else 16 kHz).
fn recognition_format(input: MediaInput<'_>) -> Result<(&'static str, u32), RelayError> {
    let (filename, data) = input
        .file("file")
        .ok_or_else(|| bad("an audio file is required", "file"))?;
    let extension = filename
        .and_then(|name| name.rsplit_once('.'))
        .map(|(_, extension)| extension.to_ascii_lowercase());
    let format = match extension.as_deref() {
        Some("wav") => Some("wav"),
        Some("mp3" | "mpga" | "mpeg") => Some("mp3"),
        Some("pcm") => Some("pcm"),
        Some("opus" | "ogg") => Some("opus"),
        Some("aac") => Some("aac"),
        Some("amr") => Some("amr"),
        Some("spx" | "speex") => Some("speex"),
        _ if data.starts_with(b"RIFF") => Some("wav"),
        _ if data.starts_with(b"ID3") || data.starts_with(&[0xFF, 0xFB]) => Some("mp3"),
        _ if data.starts_with(b"OggS") => Some("opus"),
        _ => None,
    }
    .ok_or_else(|| {
        bad(
            "the audio must be wav, mp3, pcm, opus, aac, amr or speex",
            "file",
        )
    })?;
    let wav_rate = (format == "wav" && data.len() >= 28)
        .then(|| u32::from_le_bytes([data[24], data[25], data[26], data[27]]))
        .filter(|rate| *rate > 0);
    let sample_rate = input
        .text("sample_rate")
        .and_then(|rate| rate.trim().parse::<u32>().ok())
        .or(wav_rate)
        .unwrap_or(DEFAULT_SAMPLE_RATE);
    Ok((format, sample_rate))
}

async fn recognize(
    endpoint: Endpoint,
    model: &str,
    input: MediaInput<'_>,
    socket: &mut WebSocket,
    idle: Duration,
) -> Result<MediaAnswer, RelayError> {
    let (format, sample_rate) = recognition_format(input)?;
    let (_, audio) = input.file("file").ok_or(RelayError::Internal)?;
    let task_id = uuid::Uuid::new_v4().to_string();
    let run = json!({
        "header": {"action": "run-task", "streaming": "duplex", "task_id": task_id},
        "payload": {
            "model": model,
            "task_group": "audio",
            "task": "asr",
            "function": "recognition",
            "input": {},
            "parameters": {"format": format, "sample_rate": sample_rate},
        },
    });
    socket.send_text(&run.to_string()).await?;
    let mut transcript = String::new();
    loop {
        match socket.receive(idle).await? {
            None => return Err(RelayError::UpstreamInvalid),
            Some(Message::Binary(_)) => return Err(RelayError::UpstreamInvalid),
            Some(Message::Text(text)) => {
                let message: TaskMessage =
                    serde_json::from_str(&text).map_err(|_| RelayError::UpstreamInvalid)?;
                match message.header.event.as_str() {
                    "task-started" => {
                        for frame in audio.chunks(AUDIO_FRAME) {
                            socket.send_binary(frame).await?;
                        }
                        let finish = json!({
                            "header": {"action": "finish-task", "streaming": "duplex",
                                "task_id": task_id},
                            "payload": {"input": {}},
                        });
                        socket.send_text(&finish.to_string()).await?;
                    }
                    "result-generated" => {
                        let sentence = message.payload.output.and_then(|output| output.sentence);
                        // Partial sentences are revised later; only ended ones are final.
                        if let Some(Sentence {
                            text: Some(text),
                            end_time: Some(_),
                        }) = sentence
                        {
                            transcript.push_str(&text);
                        }
                    }
                    _ => match event(&text)? {
                        Event::Finished(_) => break,
                        Event::Other => {}
                    },
                }
            }
        }
    }
    transcript_answer(endpoint, input, transcript, None)
}

/// What a text message says about the task.
enum Event {
    Finished(Usage),
    Other,
}

/// Reads a DashScope event: `task-finished` with its usage, `task-failed` as the request's
/// error, anything else for the caller.
fn event(text: &str) -> Result<Event, RelayError> {
    let message: TaskMessage =
        serde_json::from_str(text).map_err(|_| RelayError::UpstreamInvalid)?;
    match message.header.event.as_str() {
        "task-finished" => Ok(Event::Finished(message.payload.usage.unwrap_or_default())),
        "task-failed" => Err(task_failed(
            &message.header.error_code,
            &message.header.error_message,
        )),
        _ => Ok(Event::Other),
    }
}

/// A failed task's error: whose fault it is, from DashScope's code.
fn task_failed(code: &str, message: &str) -> RelayError {
    let lowered = code.to_ascii_lowercase();
    if lowered.contains("apikey") || lowered.contains("accessdenied") || lowered == "arrearage" {
        return RelayError::UpstreamCredentials { status: 401 };
    }
    if lowered.contains("throttling") {
        return RelayError::RateLimited { retry_after: None };
    }
    if lowered.contains("internal") || lowered.is_empty() {
        return RelayError::UpstreamFailed;
    }
    RelayError::UpstreamRejected {
        status: 400,
        body: Some(ErrorBody {
            message: cut(message, MAX_MESSAGE),
            kind: "invalid_request_error".to_owned(),
            param: None,
            code: Some(cut(code, MAX_MESSAGE)),
        }),
    }
}

#[derive(Deserialize)]
struct TaskMessage {
    header: TaskHeader,
    #[serde(default, deserialize_with = "null_as_default")]
    payload: TaskPayload,
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[derive(Deserialize)]
struct TaskHeader {
    #[serde(default, deserialize_with = "null_as_default")]
    event: String,
    #[serde(default, deserialize_with = "null_as_default")]
    error_code: String,
    #[serde(default, deserialize_with = "null_as_default")]
    error_message: String,
}

// DashScope sends `null` for what an event does not carry (`"usage": null` while recognizing):
// every field is optional.
#[derive(Deserialize, Default)]
struct TaskPayload {
    output: Option<Output>,
    usage: Option<Usage>,
}

#[derive(Deserialize, Default)]
struct Output {
    sentence: Option<Sentence>,
}

#[derive(Deserialize, Default)]
struct Sentence {
    text: Option<String>,
    end_time: Option<u64>,
}

#[derive(Deserialize, Default)]
struct Usage {
    characters: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::JsonObject;

    #[test]
    fn sambert_names_its_voice_in_the_model_and_speed_is_clamped() {
        let body = JsonObject::from_value(&json!({"input": "你好", "voice": "zhichu",
            "speed": 4, "response_format": "wav"}))
        .unwrap();
        let task = speech_task("t1", "sambert-v1", MediaInput::Json(&body)).unwrap();
        assert_eq!(task["payload"]["model"], "sambert-zhichu-v1");
        assert_eq!(task["payload"]["parameters"]["rate"], 2.0);
        assert_eq!(task["payload"]["parameters"]["format"], "wav");
        assert!(task["payload"]["parameters"].get("voice").is_none());
        let task = speech_task("t2", "cosyvoice-v1", MediaInput::Json(&body)).unwrap();
        assert_eq!(task["payload"]["model"], "cosyvoice-v1");
        assert_eq!(task["payload"]["parameters"]["voice"], "zhichu");
    }

    #[test]
    fn failed_tasks_say_whose_fault_they_are() {
        assert!(matches!(
            task_failed("InvalidApiKey", "Invalid API-key provided."),
            RelayError::UpstreamCredentials { .. }
        ));
        assert!(matches!(
            task_failed("Throttling.RateQuota", "Requests rate limit exceeded"),
            RelayError::RateLimited { .. }
        ));
        let RelayError::UpstreamRejected { status, body } =
            task_failed("InvalidParameter", "voice is not supported")
        else {
            panic!("a parameter error is the client's");
        };
        assert_eq!(status, 400);
        assert_eq!(body.unwrap().message, "voice is not supported");
    }
}
