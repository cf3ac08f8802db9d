//! Media endpoints end to end: the openai SDK's images, speech and transcriptions through the gateway, charged per image, character or minute.
//!
//! The media prices and image limits live in the model config's `config.media` object; the
//! mock upstream speaks OpenAI's media wire formats (`support::mock_openai_media`).

use std::collections::HashMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::support;
use support::TestHub;
use support::mock_openai_media::MockOpenAiMedia;

const TOKEN: &str = "sk-media-billing-0001";

fn wav_fixture() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../relay/tests/fixtures/media/tone.wav")
}

async fn hub_on(upstream: &MockOpenAiMedia) -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    let config = format!(
        r#"
groups: [{{id: acme, balance: "100"}}]
tokens: [{{group: acme, name: sdk, key: {TOKEN}}}]
channels:
  - name: media
    type: openai
    base_url: "{base}"
    key: sk-up
    models: [dall-e-2, dall-e-3, gpt-image-1, tts-1, whisper-1]
models:
  - model: dall-e-2
    type: image
    config:
      media:
        images:
          sizes: ["256x256", "512x512", "1024x1024"]
          max_n: 4
          default_size: "1024x1024"
          prices: {{"256x256": {{"*": "0.016"}}, "512x512": {{"*": "0.018"}}, "1024x1024": {{"*": "0.02"}}}}
  - model: dall-e-3
    type: image
    config:
      media:
        images:
          sizes: ["1024x1024", "1792x1024"]
          qualities: [standard, hd]
          max_n: 2
          default_size: "1024x1024"
          default_quality: standard
          prices: {{"1024x1024": {{standard: "0.04", hd: "0.08"}}, "1792x1024": {{standard: "0.08", hd: "0.12"}}}}
  - model: gpt-image-1
    type: image
    price: {{input_price: "5", output_price: "40"}}
  - model: tts-1
    type: audio
    config: {{media: {{audio: {{price_per_million_characters: "15"}}}}}}
  - model: whisper-1
    type: audio
    config: {{media: {{audio: {{price_per_minute: "0.006"}}}}}}
"#,
        base = upstream.base_url()
    );
    let path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&path, config).unwrap();
    settings.config_file_path = Some(path);
    TestHub::start_with(settings, data_dir).await
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openai_sdk_media_calls_are_checked_and_charged_per_unit() {
    if !support::external_clients("Python and the openai SDK of .ci/requirements.txt") {
        return;
    }
    let upstream = MockOpenAiMedia::start().await;
    let hub = hub_on(&upstream).await;
    let base_url = hub.url("");
    let wav = wav_fixture();
    support::run_pytest(
        "hub/tests/python/test_media.py",
        &[
            ("AIPROXY_BASE_URL", &base_url),
            ("AIPROXY_TOKEN", TOKEN),
            ("AIPROXY_WAV", wav.to_str().unwrap()),
        ],
    )
    .await;
    // The refused requests never reached the upstream.
    let seen = upstream.state.requests.lock().unwrap().clone();
    let image_requests = seen
        .iter()
        .filter(|(path, _)| path == "images/generations")
        .count();
    assert_eq!(image_requests, 2, "{seen:?}");
    // The variation refused for its size never reached the upstream; the other did, model and all.
    let variations: Vec<_> = seen
        .iter()
        .filter(|(path, _)| path == "images/variations")
        .collect();
    assert_eq!(variations.len(), 1, "{seen:?}");
    assert_eq!(variations[0].1["model"], "dall-e-2");
    // The file arrived byte for byte.
    let uploads = upstream.state.uploads.lock().unwrap().clone();
    assert_eq!(uploads.len(), 1);
    assert_eq!(&uploads[0][..], &std::fs::read(&wav).unwrap()[..]);

    let rows = support::group_logs(&hub, "acme", 10).await;
    let mut costs: HashMap<(String, i64), Vec<Decimal>> = HashMap::new();
    for row in &rows {
        costs
            .entry((row.requested_model.clone(), row.status_code))
            .or_default()
            .push(dec(&row.cost));
    }
    let cost_of = |model: &str, status: i64| {
        let mut found = costs
            .get(&(model.to_owned(), status))
            .cloned()
            .unwrap_or_default();
        found.sort();
        found
    };
    // Three refusals (n, size, quality), charged nothing.
    assert_eq!(cost_of("dall-e-3", 400), vec![Decimal::ZERO; 3]);
    // Two hd 1024x1024 images at 0.08.
    assert_eq!(cost_of("dall-e-3", 200), vec![dec("0.16")]);
    // gpt-image: the upstream's tokens, 50 in at 5/M and 4,160 out at 40/M.
    assert_eq!(cost_of("gpt-image-1", 200), vec![dec("0.16665")]);
    // Speech: "Hi there" (8 characters) and "Hello, world" (12) at 15 per million.
    assert_eq!(cost_of("tts-1", 200), vec![dec("0.00012"), dec("0.00018")]);
    // Variations: two 512x512 images at 0.018; the 2048x2048 one refused, charged nothing.
    assert_eq!(cost_of("dall-e-2", 200), vec![dec("0.036")]);
    assert_eq!(cost_of("dall-e-2", 400), vec![Decimal::ZERO]);
    // The 0.75 s WAV at 0.006 per minute.
    assert_eq!(cost_of("whisper-1", 200), vec![dec("0.000075")]);
    hub.stop().await.unwrap();
}

/// Without Python: a transcription of a file no demuxer reads is billed by its size, an image
/// edit outside the model's sizes is refused before the upstream in OpenAI's shape, and speech
/// streamed as events is relayed as events and billed by characters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_audio_is_billed_by_size_and_edits_are_checked() {
    let upstream = MockOpenAiMedia::start().await;
    let hub = hub_on(&upstream).await;
    let client = reqwest::Client::new();
    let boundary = "media-boundary-1";
    let form = |fields: &[(&str, &str)], file_field: &str, file: &[u8]| {
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
            );
        }
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"upload.wav\"\r\nContent-Type: audio/wav\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        body
    };
    // A "WAV" of 40,000 bytes that is no WAV: the mock finds its RIFF marker, the gateway's
    // demuxers do not; 40,000 bytes at 16,000 a second bill 3 s.
    let mut not_audio = b"RIFF".to_vec();
    not_audio.extend(std::iter::repeat_n(b'x', 39_996));
    let answer = client
        .post(hub.url("/v1/audio/transcriptions"))
        .bearer_auth(TOKEN)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(form(&[("model", "whisper-1")], "file", &not_audio))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);

    let answer = client
        .post(hub.url("/v1/images/edits"))
        .bearer_auth(TOKEN)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(form(
            &[
                ("model", "dall-e-3"),
                ("prompt", "add a boat"),
                ("size", "512x512"),
            ],
            "image",
            b"\x89PNG",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    let error: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(error["error"]["param"], "size", "{error}");
    assert_eq!(error["error"]["type"], "invalid_request_error", "{error}");

    // Speech as server-sent events comes through as events, not reassembled as chat.
    let answer = client
        .post(hub.url("/v1/audio/speech"))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({"model": "tts-1", "voice": "alloy", "input": "Grüße", "stream_format": "sse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "text/event-stream");
    let events = answer.text().await.unwrap();
    assert!(events.starts_with("data: {"), "{events}");
    assert!(
        events.contains("\"type\":\"speech.audio.delta\""),
        "{events}"
    );
    assert!(events.contains("speech.audio.done"), "{events}");

    let rows = support::group_logs(&hub, "acme", 3).await;
    let speech = rows
        .iter()
        .find(|row| row.requested_model == "tts-1")
        .unwrap();
    // Five characters (not the seven bytes of their UTF-8) at 15 per million.
    assert_eq!(dec(&speech.cost), dec("0.000075"));
    let whisper = rows
        .iter()
        .find(|row| row.requested_model == "whisper-1")
        .unwrap();
    // 3 s at 0.006 per minute.
    assert_eq!(dec(&whisper.cost), dec("0.0003"));
    let edit = rows
        .iter()
        .find(|row| row.requested_model == "dall-e-3")
        .unwrap();
    assert_eq!((edit.status_code, dec(&edit.cost)), (400, Decimal::ZERO));
    assert_eq!(upstream.state.requests.lock().unwrap().len(), 2);
    hub.stop().await.unwrap();
}
