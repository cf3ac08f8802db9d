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
    // The aac request was refused before Gemini: four speech calls, three audio files, one image.
    let of_model = |model: &str| -> Vec<Value> {
        calls
            .iter()
            .filter(|(called, _)| called == model)
            .map(|(_, body)| body.clone())
            .collect()
    };
    let speech = of_model(TTS);
    assert_eq!(speech.len(), 4, "{calls:?}");
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

    let costs = costs(&hub, 9).await;
    let cost_of = |model: &str, status: i64| {
        costs
            .get(&(model.to_owned(), status))
            .cloned()
            .unwrap_or_default()
    };
    // Speech: characters at 15 per million, Gemini's prompt tokens at 0.5 and audio output
    // tokens at 10 per million. "Hi" (pcm): 2 characters, 1 word, 2 audio tokens; "Hi there"
    // (sse): 8, 2, 8; "Hello, world" (mp3, then wav): 12, 2, 12.
    assert_eq!(
        cost_of(TTS, 200),
        vec![
            dec("0.0000505"),
            dec("0.000201"),
            dec("0.000301"),
            dec("0.000301")
        ]
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

/// Speech encoded as the client asked (mp3 by default, opus, flac; aac refused before Gemini),
/// and `n` images made as `n` calls (Gemini's image models refuse `candidateCount` above 1),
/// merged and charged per image returned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gemini_speech_is_encoded_and_n_images_are_n_calls() {
    let upstream = MockGeminiAudio::start().await;
    let hub = hub_on(&upstream).await;
    let client = reqwest::Client::new();
    let speech = |format: Option<&str>| {
        let mut body = json!({"model": TTS, "input": "Hello, world"});
        if let Some(format) = format {
            body["response_format"] = json!(format);
        }
        client
            .post(hub.url("/v1/audio/speech"))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
    };
    // The mock speaks 960 samples at 24 kHz per character: 0.48 s for "Hello, world".
    let spoken = 12.0 * 960.0 / 24_000.0;

    let mp3 = speech(None).await.unwrap();
    assert_eq!(mp3.status(), 200);
    assert_eq!(mp3.headers()["content-type"], "audio/mpeg");
    let mp3 = mp3.bytes().await.unwrap();
    // An MPEG-2 layer III frame (24 kHz) opens the file.
    assert_eq!((mp3[0], mp3[1] & 0xFE), (0xFF, 0xF2), "{:x?}", &mp3[..4]);
    let read = relay::media::audio_duration(&mp3, Some("speech.mp3"));
    assert!(!read.estimated);
    assert!(
        (read.duration.as_secs_f64() - spoken).abs() < 0.1,
        "{read:?}"
    );

    let opus = speech(Some("opus")).await.unwrap();
    assert_eq!(opus.status(), 200);
    assert_eq!(opus.headers()["content-type"], "audio/opus");
    let opus = opus.bytes().await.unwrap();
    assert_eq!(&opus[..4], b"OggS");
    // The first page carries the OpusHead packet alone, after a 28-byte page header.
    assert_eq!(&opus[28..36], b"OpusHead");
    let read = relay::media::audio_duration(&opus, Some("speech.opus"));
    assert!(
        (read.duration.as_secs_f64() - spoken).abs() < 0.03,
        "{read:?}"
    );

    let flac = speech(Some("flac")).await.unwrap();
    assert_eq!(flac.status(), 200);
    assert_eq!(flac.headers()["content-type"], "audio/flac");
    let flac = flac.bytes().await.unwrap();
    assert_eq!(&flac[..4], b"fLaC");
    let rate = (u32::from(flac[18]) << 12) | (u32::from(flac[19]) << 4) | u32::from(flac[20] >> 4);
    assert_eq!(rate, 24_000);

    let aac = speech(Some("aac")).await.unwrap();
    assert_eq!(aac.status(), 400);
    let error: Value = aac.json().await.unwrap();
    assert_eq!(error["error"]["param"], "response_format", "{error}");

    let images = client
        .post(hub.url("/v1/images/generations"))
        .bearer_auth(TOKEN)
        .json(&json!({"model": PAINTER, "prompt": "a lighthouse", "n": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(images.status(), 200);
    let images: Value = images.json().await.unwrap();
    assert_eq!(images["data"].as_array().unwrap().len(), 3, "{images}");
    assert_eq!(images["usage"]["input_tokens"], 6, "{images}");
    assert_eq!(
        images["usage"]["output_tokens"],
        3 * (mock_gemini_audio::IMAGE_TOKENS + 4)
    );

    let boundary = "gemini-n-boundary";
    let mut png = mock_gemini_audio::PNG_MAGIC.to_vec();
    png.extend_from_slice(b"a harbour");
    let edit = client
        .post(hub.url("/v1/images/edits"))
        .bearer_auth(TOKEN)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(multipart(
            boundary,
            &[("model", PAINTER), ("prompt", "add a boat"), ("n", "2")],
            ("image", "harbour.png", &png),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(edit.status(), 200);
    let edit: Value = edit.json().await.unwrap();
    assert_eq!(edit["data"].as_array().unwrap().len(), 2, "{edit}");

    // One of two calls refused: the image that came back is answered, and billed alone.
    let flaky = client
        .post(hub.url("/v1/images/generations"))
        .bearer_auth(TOKEN)
        .json(&json!({"model": PAINTER, "prompt": "a flaky lighthouse", "n": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(flaky.status(), 200);
    let flaky: Value = flaky.json().await.unwrap();
    assert_eq!(flaky["data"].as_array().unwrap().len(), 1, "{flaky}");
    assert_eq!(*upstream.state.flaky_calls.lock().unwrap(), 2);

    let calls = upstream.state.calls.lock().unwrap().clone();
    let painted: Vec<&Value> = calls
        .iter()
        .filter(|(model, _)| model == PAINTER)
        .map(|(_, body)| body)
        .collect();
    assert_eq!(
        painted.len(),
        7,
        "three generations, two edits, two flaky calls: {calls:?}"
    );
    for body in &painted {
        assert!(
            body["generationConfig"].get("candidateCount").is_none(),
            "{body}"
        );
    }
    assert_eq!(
        calls.iter().filter(|(model, _)| model == TTS).count(),
        3,
        "the aac request never reached Gemini"
    );

    let costs = costs(&hub, 7).await;
    let cost_of = |model: &str, status: i64| {
        costs
            .get(&(model.to_owned(), status))
            .cloned()
            .unwrap_or_default()
    };
    // Each "Hello, world": 12 characters at 15, 2 words at 0.5 and 12 audio tokens at 10 per
    // million, whatever the format.
    assert_eq!(cost_of(TTS, 200), vec![dec("0.000301"); 3]);
    assert_eq!(cost_of(TTS, 400), vec![Decimal::ZERO]);
    // Three images at 0.039 and 3 x 2 prompt tokens at 0.3 per million; two edits at 0.039
    // and 2 x (3 words + 258 image tokens) at 0.3 per million; the flaky pair's one image and
    // its 3 prompt tokens.
    assert_eq!(
        cost_of(PAINTER, 200),
        vec![dec("0.0390009"), dec("0.0781566"), dec("0.1170018")]
    );
    hub.stop().await.unwrap();
}
