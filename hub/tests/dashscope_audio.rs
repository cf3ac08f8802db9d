//! OpenAI's speech and transcriptions on an `ali` channel through DashScope's WebSocket tasks: what the task says, what the client reads, what is charged.
//!
//! The mock (`support::mock_dashscope_audio`) is a tokio-tungstenite server speaking DashScope's
//! `run-task` / `task-started` / `result-generated` / `task-finished` conversation; costs are
//! checked to the nano-unit.

use std::collections::HashMap;
use std::str::FromStr;

use base64::Engine;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::support;
use support::TestHub;
use support::mock_dashscope_audio::{self, MockDashScopeAudio};

const TOKEN: &str = "sk-dashscope-audio-0001";

async fn hub_on(upstream: &MockDashScopeAudio) -> TestHub {
    let config = format!(
        r#"
groups: [{{id: acme, balance: "100"}}]
tokens: [{{group: acme, name: sdk, key: {TOKEN}}}]
channels:
  - name: dashscope
    type: ali
    base_url: "{base}"
    key: {key}
    models: [sambert-v1, cosyvoice-v1, paraformer-realtime-v2]
models:
  - model: sambert-v1
    type: audio
    config: {{media: {{audio: {{price_per_million_characters: "100"}}}}}}
  - model: cosyvoice-v1
    type: audio
    config: {{media: {{audio: {{price_per_million_characters: "200"}}}}}}
  - model: paraformer-realtime-v2
    type: audio
    config: {{media: {{audio: {{price_per_minute: "0.012"}}}}}}
"#,
        base = upstream.base_url(),
        key = mock_dashscope_audio::KEY,
    );
    TestHub::start_with_config(&config).await
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashscope_speech_and_recognition_tasks_are_conversed_and_charged() {
    let upstream = MockDashScopeAudio::start().await;
    let hub = hub_on(&upstream).await;
    let client = reqwest::Client::new();
    let speech = |body: Value| {
        client
            .post(hub.url("/v1/audio/speech"))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
    };

    // Sambert names its voice in the model; wav asked, wav answered.
    let answer = speech(
        json!({"model": "sambert-v1", "input": "你好，世界", "voice": "zhichu",
        "response_format": "wav"}),
    )
    .await
    .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "audio/wav");
    assert_eq!(
        answer.bytes().await.unwrap(),
        mock_dashscope_audio::speech_audio("wav", "你好，世界")
    );

    // CosyVoice takes the voice as a parameter; OpenAI's default format is mp3.
    let answer =
        speech(json!({"model": "cosyvoice-v1", "input": "Hello", "voice": "longxiaochun"}))
            .await
            .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "audio/mpeg");
    assert_eq!(
        answer.bytes().await.unwrap(),
        mock_dashscope_audio::speech_audio("mp3", "Hello")
    );

    // As events: the same audio in speech.audio.delta events, then speech.audio.done.
    let answer = speech(
        json!({"model": "cosyvoice-v1", "input": "Hi", "voice": "longxiaochun",
        "stream_format": "sse"}),
    )
    .await
    .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "text/event-stream");
    let events = answer.text().await.unwrap();
    let events: Vec<Value> = events
        .lines()
        .filter_map(|line| line.strip_prefix("data: "))
        .map(|data| serde_json::from_str(data).unwrap())
        .collect();
    let audio: Vec<u8> = events
        .iter()
        .filter(|event| event["type"] == "speech.audio.delta")
        .flat_map(|event| {
            base64::engine::general_purpose::STANDARD
                .decode(event["audio"].as_str().unwrap())
                .unwrap()
        })
        .collect();
    assert_eq!(audio, mock_dashscope_audio::speech_audio("mp3", "Hi"));
    assert_eq!(events.last().unwrap()["type"], "speech.audio.done");

    // A voice DashScope refuses: its task-failed as the client's 400, with its message.
    let answer = speech(json!({"model": "cosyvoice-v1", "input": "Hi", "voice": "alloy"}))
        .await
        .unwrap();
    assert_eq!(answer.status(), 400);
    let error: Value = answer.json().await.unwrap();
    assert_eq!(
        error["error"]["message"], "voice is not supported",
        "{error}"
    );

    // A format DashScope cannot make: refused before any task is opened.
    let answer = speech(
        json!({"model": "cosyvoice-v1", "input": "Hi", "voice": "longxiaochun",
        "response_format": "opus"}),
    )
    .await
    .unwrap();
    assert_eq!(answer.status(), 400);
    let error: Value = answer.json().await.unwrap();
    assert_eq!(error["error"]["param"], "response_format", "{error}");

    let fixture = std::fs::read(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../relay/tests/fixtures/media/tone.wav"),
    )
    .unwrap();
    let boundary = "dashscope-boundary";
    let mut form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nparaformer-realtime-v2\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"tone.wav\"\r\nContent-Type: audio/wav\r\n\r\n"
    )
    .into_bytes();
    form.extend_from_slice(&fixture);
    form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let answer = client
        .post(hub.url("/v1/audio/transcriptions"))
        .bearer_auth(TOKEN)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let transcript: Value = answer.json().await.unwrap();
    // The partial "hel" is left out: only ended sentences are final.
    assert_eq!(
        transcript["text"],
        mock_dashscope_audio::SENTENCES.concat(),
        "{transcript}"
    );

    let tasks = upstream.state.tasks.lock().unwrap().clone();
    assert_eq!(tasks.len(), 5, "the opus request opened no task: {tasks:?}");
    assert_eq!(tasks[0]["payload"]["model"], "sambert-zhichu-v1");
    assert_eq!(tasks[0]["payload"]["function"], "SpeechSynthesizer");
    assert_eq!(tasks[0]["payload"]["input"]["text"], "你好，世界");
    assert_eq!(tasks[1]["payload"]["parameters"]["voice"], "longxiaochun");
    assert_eq!(tasks[1]["payload"]["parameters"]["format"], "mp3");
    let recognition = &tasks[4];
    assert_eq!(recognition["header"]["streaming"], "duplex");
    assert_eq!(recognition["payload"]["task"], "asr");
    assert_eq!(recognition["payload"]["parameters"]["format"], "wav");
    let wav_rate = u32::from_le_bytes(fixture[24..28].try_into().unwrap());
    assert_eq!(
        recognition["payload"]["parameters"]["sample_rate"],
        wav_rate
    );
    let recognized = upstream.state.recognized.lock().unwrap().clone();
    assert_eq!(recognized.len(), 1);
    assert_eq!(recognized[0].0, fixture, "the file arrived byte for byte");
    assert_eq!(recognized[0].1, fixture.len().div_ceil(3 * 1024));
    assert_eq!(*upstream.state.finished_tasks.lock().unwrap(), vec![true]);

    let mut costs: HashMap<(String, i64), Vec<Decimal>> = HashMap::new();
    for row in support::group_logs(&hub, "acme", 6).await {
        costs
            .entry((row.requested_model.clone(), row.status_code))
            .or_default()
            .push(dec(&row.cost));
    }
    for found in costs.values_mut() {
        found.sort();
    }
    let cost_of = |model: &str, status: i64| {
        costs
            .get(&(model.to_owned(), status))
            .cloned()
            .unwrap_or_default()
    };
    // Five characters at 100 per million.
    assert_eq!(cost_of("sambert-v1", 200), vec![dec("0.0005")]);
    // "Hi" and "Hello" at 200 per million; the refusals charged nothing.
    assert_eq!(
        cost_of("cosyvoice-v1", 200),
        vec![dec("0.0004"), dec("0.001")]
    );
    assert_eq!(cost_of("cosyvoice-v1", 400), vec![Decimal::ZERO; 2]);
    // The 0.75 s file at 0.012 per minute.
    assert_eq!(cost_of("paraformer-realtime-v2", 200), vec![dec("0.00015")]);
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openai_sdk_reaches_dashscope_speech_and_recognition() {
    if !support::external_clients("Python and the openai SDK of .ci/requirements.txt") {
        return;
    }
    let upstream = MockDashScopeAudio::start().await;
    let hub = hub_on(&upstream).await;
    let base_url = hub.url("");
    let wav = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../relay/tests/fixtures/media/tone.wav");
    support::run_pytest(
        "hub/tests/python/test_dashscope_audio.py",
        &[
            ("AIPROXY_BASE_URL", &base_url),
            ("AIPROXY_TOKEN", TOKEN),
            ("AIPROXY_WAV", wav.to_str().unwrap()),
        ],
    )
    .await;

    // Every SDK call opened one task: three speech tasks, two recognitions fed the whole file.
    let tasks = upstream.state.tasks.lock().unwrap().clone();
    let functions: Vec<&str> = tasks
        .iter()
        .map(|task| task["payload"]["task"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        functions.iter().filter(|task| **task == "tts").count(),
        3,
        "{tasks:?}"
    );
    assert_eq!(
        functions.iter().filter(|task| **task == "asr").count(),
        2,
        "{tasks:?}"
    );
    let fixture = std::fs::read(&wav).unwrap();
    let recognized = upstream.state.recognized.lock().unwrap().clone();
    assert_eq!(recognized.len(), 2);
    for (audio, _) in &recognized {
        assert_eq!(audio, &fixture, "the SDK's upload arrived byte for byte");
    }

    let mut costs: HashMap<(String, i64), Vec<Decimal>> = HashMap::new();
    for row in support::group_logs(&hub, "acme", 5).await {
        costs
            .entry((row.requested_model.clone(), row.status_code))
            .or_default()
            .push(dec(&row.cost));
    }
    // "Hello" at 200 per million characters, "你好" at 100, each 0.75 s file at 0.012 a
    // minute; the refused voice charged nothing.
    assert_eq!(costs[&("cosyvoice-v1".to_owned(), 200)], vec![dec("0.001")]);
    assert_eq!(
        costs[&("cosyvoice-v1".to_owned(), 400)],
        vec![Decimal::ZERO]
    );
    assert_eq!(costs[&("sambert-v1".to_owned(), 200)], vec![dec("0.0002")]);
    assert_eq!(
        costs[&("paraformer-realtime-v2".to_owned(), 200)],
        vec![dec("0.00015"); 2]
    );
    hub.stop().await.unwrap();
}
