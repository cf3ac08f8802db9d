//! OpenAI's speech, transcription, translation and images faces served by a Gemini channel: what Gemini is sent, what the client reads, what is charged.
//!
//! The mock (`support::mock_gemini_audio`) answers `generateContent` as Gemini does (PCM speech,
//! candidate text, inline images, `usageMetadata` by modality); each request is charged its
//! media units (characters, audio minutes, images) plus Gemini's tokens at the model's prices,
//! checked to the nano-unit.

use std::collections::HashMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::support;
use support::TestHub;
use support::mock_gemini_audio::{self, MockGeminiAudio};

const TOKEN: &str = "sk-gemini-media-0001";
const TTS: &str = "gemini-2.5-flash-preview-tts";
const LISTENER: &str = "gemini-2.5-flash";
const PAINTER: &str = "gemini-2.5-flash-image";

fn wav_fixture() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../relay/tests/fixtures/media/tone.wav")
}

async fn hub_on(upstream: &MockGeminiAudio) -> TestHub {
    let config = format!(
        r#"
groups: [{{id: acme, balance: "100"}}]
tokens: [{{group: acme, name: sdk, key: {TOKEN}}}]
channels:
  - name: gemini
    type: gemini
    base_url: "{base}"
    key: {key}
    models: [{TTS}, {LISTENER}, {PAINTER}]
models:
  - model: {TTS}
    type: audio
    price: {{input_price: "0.5", output_price: "2", audio_output_price: "10"}}
    config: {{media: {{audio: {{price_per_million_characters: "15"}}}}}}
  - model: {LISTENER}
    type: audio
    price: {{input_price: "0.3", audio_input_price: "1", output_price: "2.5"}}
    config: {{media: {{audio: {{price_per_minute: "0.006"}}}}}}
  - model: {PAINTER}
    type: image
    price: {{input_price: "0.3"}}
    config: {{media: {{images: {{max_n: 4, prices: {{"*": {{"*": "0.039"}}}}}}}}}}
"#,
        base = upstream.base_url(),
        key = mock_gemini_audio::KEY,
    );
    TestHub::start_with_config(&config).await
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

/// Each model's charged costs by status, sorted.
async fn costs(hub: &TestHub, at_least: usize) -> HashMap<(String, i64), Vec<Decimal>> {
    let mut costs: HashMap<(String, i64), Vec<Decimal>> = HashMap::new();
    for row in support::group_logs(hub, "acme", at_least).await {
        costs
            .entry((row.requested_model.clone(), row.status_code))
            .or_default()
            .push(dec(&row.cost));
    }
    for found in costs.values_mut() {
        found.sort();
    }
    costs
}

fn multipart(boundary: &str, fields: &[(&str, &str)], file: (&str, &str, &[u8])) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    let (field, filename, data) = file;
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openai_sdk_reaches_gemini_speech_transcription_and_images() {
    if !support::external_clients("Python and the openai SDK of .ci/requirements.txt") {
        return;
    }
    let upstream = MockGeminiAudio::start().await;
    let hub = hub_on(&upstream).await;
    let base_url = hub.url("");
    let wav = wav_fixture();
    support::run_pytest(
        "hub/tests/python/test_gemini_media.py",
        &[
            ("AIPROXY_BASE_URL", &base_url),
            ("AIPROXY_TOKEN", TOKEN),
            ("AIPROXY_WAV", wav.to_str().unwrap()),
        ],
    )
    .await;

    let calls = upstream.state.calls.lock().unwrap().clone();
    // The mp3 request was refused before Gemini: three speech calls, three audio files, one image.
    let of_model = |model: &str| -> Vec<Value> {
        calls
            .iter()
            .filter(|(called, _)| called == model)
            .map(|(_, body)| body.clone())
            .collect()
    };
    let speech = of_model(TTS);
    assert_eq!(speech.len(), 3, "{calls:?}");
    assert_eq!(
        speech[0]["generationConfig"],
        json!({"responseModalities": ["AUDIO"], "speechConfig": {"voiceConfig":
            {"prebuiltVoiceConfig": {"voiceName": "Kore"}}}})
    );
    assert_eq!(
        speech[0]["contents"],
        json!([{"role": "user", "parts": [{"text": "Hello, world"}]}])
    );
    assert_eq!(of_model(LISTENER).len(), 3, "{calls:?}");
    let files = upstream.state.audio_files.lock().unwrap().clone();
    let fixture = std::fs::read(&wav).unwrap();
    assert_eq!(files.len(), 3);
    for (mime_type, data) in &files {
        assert_eq!((mime_type.as_str(), data), ("audio/wav", &fixture));
    }
    let images = of_model(PAINTER);
    assert_eq!(images.len(), 1, "{calls:?}");
    assert_eq!(
        images[0]["generationConfig"],
        json!({"responseModalities": ["TEXT", "IMAGE"], "imageConfig": {"aspectRatio": "16:9"}})
    );

    let costs = costs(&hub, 8).await;
    let cost_of = |model: &str, status: i64| {
        costs
            .get(&(model.to_owned(), status))
            .cloned()
            .unwrap_or_default()
    };
    // Speech: characters at 15 per million, Gemini's prompt tokens at 0.5 and audio output
    // tokens at 10 per million. "Hi" (pcm): 2 characters, 1 word, 2 audio tokens; "Hi there"
    // (sse): 8, 2, 8; "Hello, world" (wav): 12, 2, 12.
    assert_eq!(
        cost_of(TTS, 200),
        vec![dec("0.0000505"), dec("0.000201"), dec("0.000301")]
    );
    assert_eq!(cost_of(TTS, 400), vec![Decimal::ZERO]);
    // Each 0.75 s file at 0.006 per minute (0.000075), plus 24 audio tokens at 1, 20 text
    // tokens at 0.3 and the transcript's 5 tokens at 2.5 per million.
    assert_eq!(cost_of(LISTENER, 200), vec![dec("0.0001175"); 3]);
    // Two images at 0.039, plus the prompt's 2 tokens at 0.3 per million (output unpriced).
    assert_eq!(cost_of(PAINTER, 200), vec![dec("0.0780006")]);
    hub.stop().await.unwrap();
}

/// Without Python: instructions and the default voice, an image edit, a verbose transcript,
/// the formats Gemini cannot fill refused before it, and a voice Gemini refuses passed on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gemini_media_requests_are_converted_checked_and_charged() {
    let upstream = MockGeminiAudio::start().await;
    let hub = hub_on(&upstream).await;
    let client = reqwest::Client::new();
    let boundary = "gemini-media-boundary";
    let post_form = |path: &str, body: Vec<u8>| {
        client
            .post(hub.url(path))
            .bearer_auth(TOKEN)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
    };

    let speech = client
        .post(hub.url("/v1/audio/speech"))
        .bearer_auth(TOKEN)
        .json(
            &json!({"model": TTS, "input": "Good night", "instructions": "Whisper",
            "response_format": "wav"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(speech.status(), 200);
    assert_eq!(speech.headers()["content-type"], "audio/wav");
    let wav = speech.bytes().await.unwrap();
    assert_eq!(&wav[..4], b"RIFF");
    assert_eq!(
        &wav[44..],
        &mock_gemini_audio::speech_pcm("Whisper: Good night")[..]
    );

    // A voice Gemini does not have: its 400, in OpenAI's shape, charged nothing.
    let refused = client
        .post(hub.url("/v1/audio/speech"))
        .bearer_auth(TOKEN)
        .json(&json!({"model": TTS, "input": "Hi", "voice": "alloy"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let error: Value = refused.json().await.unwrap();
    assert!(error["error"]["message"].is_string(), "{error}");

    let fixture = std::fs::read(wav_fixture()).unwrap();
    let verbose = post_form(
        "/v1/audio/transcriptions",
        multipart(
            boundary,
            &[
                ("model", LISTENER),
                ("response_format", "verbose_json"),
                ("language", "en"),
            ],
            ("file", "tone.wav", &fixture),
        ),
    )
    .await
    .unwrap();
    assert_eq!(verbose.status(), 200);
    let verbose: Value = verbose.json().await.unwrap();
    assert_eq!(verbose["text"], mock_gemini_audio::TRANSCRIPT);
    assert_eq!(verbose["task"], "transcribe");
    assert_eq!(verbose["language"], "en");
    assert_eq!(verbose["duration"], 0.75);

    // Subtitles need timestamps Gemini does not give: refused before it, naming the field.
    let srt = post_form(
        "/v1/audio/transcriptions",
        multipart(
            boundary,
            &[("model", LISTENER), ("response_format", "srt")],
            ("file", "tone.wav", &fixture),
        ),
    )
    .await
    .unwrap();
    assert_eq!(srt.status(), 400);
    let error: Value = srt.json().await.unwrap();
    assert_eq!(error["error"]["param"], "response_format", "{error}");

    let mut png = mock_gemini_audio::PNG_MAGIC.to_vec();
    png.extend_from_slice(b"a harbour");
    let edit = post_form(
        "/v1/images/edits",
        multipart(
            boundary,
            &[("model", PAINTER), ("prompt", "add a boat")],
            ("image", "harbour.png", &png),
        ),
    )
    .await
    .unwrap();
    assert_eq!(edit.status(), 200);
    let edit: Value = edit.json().await.unwrap();
    assert_eq!(edit["data"].as_array().unwrap().len(), 1, "{edit}");
    assert_eq!(edit["usage"]["input_tokens_details"]["image_tokens"], 258);

    let calls = upstream.state.calls.lock().unwrap().clone();
    assert_eq!(
        calls.len(),
        4,
        "the srt request never reached Gemini: {calls:?}"
    );
    let transcription = &calls[2].1["contents"][0]["parts"][0]["text"];
    assert!(
        transcription
            .as_str()
            .unwrap()
            .contains("The speech is in the language en."),
        "{transcription}"
    );
    let edit_parts = &calls[3].1["contents"][0]["parts"];
    assert_eq!(edit_parts[0], json!({"text": "add a boat"}));
    assert_eq!(edit_parts[1]["inlineData"]["mimeType"], "image/png");

    let costs = costs(&hub, 5).await;
    let cost_of = |model: &str, status: i64| {
        costs
            .get(&(model.to_owned(), status))
            .cloned()
            .unwrap_or_default()
    };
    // "Good night": 10 characters at 15 per million; Gemini spoke "Whisper: Good night"
    // (3 words at 0.5, 19 audio tokens at 10 per million).
    assert_eq!(cost_of(TTS, 200), vec![dec("0.0003415")]);
    assert_eq!(cost_of(TTS, 400), vec![Decimal::ZERO]);
    assert_eq!(cost_of(LISTENER, 200), vec![dec("0.0001175")]);
    assert_eq!(cost_of(LISTENER, 400), vec![Decimal::ZERO]);
    // One image at 0.039; 3 prompt words and 258 image tokens at 0.3 per million.
    assert_eq!(cost_of(PAINTER, 200), vec![dec("0.0390783")]);
    hub.stop().await.unwrap();
}
