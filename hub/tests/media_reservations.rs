//! Media units reserved at admission and explained on the row: images, speech, audio and videos refused past a quota or balance, charged to the nano-unit.
//!
//! A token's quota or a group's balance that covers a request's tokens but not its images,
//! characters or video is refused before the upstream with the same 403/402 as a token overrun;
//! a covered request is settled to exactly what its row was charged, and the row names the
//! media price cell or tier (`price_tier`) and each unit's line (`charge_detail`), in the control
//! plane and in the seed's `/api/logs`.

use std::str::FromStr;
use std::time::Duration;

use hub::edges::grpc::pb;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::support;
use support::mock_openai_media::MockOpenAiMedia;
use support::mock_openai_video::MockOpenAiVideo;
use support::{ADMIN_KEY, TestHub};

/// A token whose quota (0.1) covers the prompt's tokens but not two hd images.
const CAPPED: &str = "sk-media-capped-0001";
/// A token without a quota of a group with a balance of 1.
const THIN: &str = "sk-media-thin-0001";

fn config(media: &MockOpenAiMedia, video: &MockOpenAiVideo) -> String {
    format!(
        r#"
groups: [{{id: acme, balance: "100"}}, {{id: thin, balance: "1"}}]
tokens:
  - {{group: acme, name: capped, key: {CAPPED}, quota: "0.1"}}
  - {{group: thin, name: app, key: {THIN}}}
channels:
  - name: media
    type: openai
    base_url: "{media}"
    key: sk-up
    models: [dall-e-3, tts-1, whisper-1]
  - name: sora
    type: openai
    base_url: "{video}"
    key: sk-up
    models: [sora-2]
models:
  - model: dall-e-3
    type: image
    price: {{input_price: "1", unit: 1000000}}
    config:
      media:
        images:
          default_size: "1024x1024"
          default_quality: standard
          prices: {{"1024x1024": {{standard: "0.04", hd: "0.08"}}, "*": {{"*": "0.12"}}}}
  - model: tts-1
    type: audio
    config:
      media:
        audio:
          price_per_million_characters: "15"
          tiers: [{{above_characters: 1000, price_per_million_characters: "30"}}]
  - model: whisper-1
    type: audio
    config:
      media:
        audio:
          price_per_minute: "0.006"
          tiers: [{{above_seconds: 2, price_per_second: "0.0002"}}]
  - model: sora-2
    type: video
    config:
      media:
        video:
          price_per_second: "0.1"
          price_per_second_by_size: {{"1280x720": "0.05"}}
          price_per_video: "0.01"
          tiers: [{{size: "1792x1024", above_seconds: 8, price_per_second: "0.2"}}]
"#,
        media = media.base_url(),
        video = video.base_url()
    )
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

async fn post(hub: &TestHub, path: &str, key: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(hub.url(path))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn assert_refused(answer: &(u16, Value), status: u16, code: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    assert_eq!(answer.1["error"]["code"], code, "{}", answer.1);
}

async fn token_used(hub: &TestHub, expected: Decimal) {
    let mut client =
        pb::token_service_client::TokenServiceClient::new(support::control_channel(hub).await);
    let mut used = Decimal::ZERO;
    for _ in 0..100 {
        let listed = client
            .list_tokens(support::admin(pb::ListTokensRequest {
                group_id: "acme".into(),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        used = dec(&listed.tokens[0].used_amount);
        if used == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the token spent {used}, expected {expected}");
}

async fn group_balance(hub: &TestHub, expected: Decimal) {
    let mut client =
        pb::group_service_client::GroupServiceClient::new(support::control_channel(hub).await);
    let mut balance = Decimal::ZERO;
    for _ in 0..100 {
        let group = client
            .get_group(support::admin(pb::GetGroupRequest { id: "thin".into() }))
            .await
            .unwrap()
            .into_inner();
        balance = dec(&group.balance);
        if balance == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the balance is {balance}, expected {expected}");
}

/// The group's rows `matching`, once there are at least `count` of them (rows are written in
/// batches, after the answers).
async fn rows_where(
    hub: &TestHub,
    group: &str,
    count: usize,
    matching: impl Fn(&pb::RequestLog) -> bool,
) -> Vec<pb::RequestLog> {
    let mut found = Vec::new();
    for _ in 0..100 {
        found = support::group_logs(hub, group, 0)
            .await
            .into_iter()
            .filter(|row| matching(row))
            .collect();
        if found.len() >= count {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{} rows of {group} matched, expected {count}", found.len());
}

fn detail(row: &pb::RequestLog) -> Value {
    serde_json::from_str(&row.charge_detail).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_units_are_reserved_refused_past_the_quota_and_settled_to_the_charge() {
    let media = MockOpenAiMedia::start().await;
    let video = MockOpenAiVideo::start().await;
    let hub = TestHub::start_with_config(&config(&media, &video)).await;
    let image = |n: u32, quality: &str| json!({"model": "dall-e-3", "prompt": "a red boat", "n": n, "quality": quality});

    // Two hd images (0.16) do not fit the quota of 0.1, though the prompt's tokens do: refused
    // like a token overrun, before the upstream.
    let refused = post(&hub, "/v1/images/generations", CAPPED, image(2, "hd")).await;
    assert_refused(&refused, 403, "quota_exhausted");
    assert!(media.state.requests.lock().unwrap().is_empty());

    // One hd image fits: charged 0.08 and its prompt's tokens (the answer reports none: the
    // relay's estimate) at 1 per million, and the token's quota counts exactly that.
    let answer = post(&hub, "/v1/images/generations", CAPPED, image(1, "hd")).await;
    assert_eq!(answer.0, 200, "{}", answer.1);
    let rows = rows_where(&hub, "acme", 1, |row| {
        row.requested_model == "dall-e-3" && row.status_code == 200
    })
    .await;
    let image_row = rows[0].clone();
    assert!(image_row.input_tokens > 0);
    let image_cost = dec("0.08") + Decimal::new(image_row.input_tokens, 6);
    assert_eq!(dec(&image_row.cost), image_cost);
    token_used(&hub, image_cost).await;
    // Under 0.02 left: one standard image (0.04) no longer fits, nor does speech of 1,001
    // characters at the long-input tier (30 per million: 0.03003).
    let refused = post(&hub, "/v1/images/generations", CAPPED, image(1, "standard")).await;
    assert_refused(&refused, 403, "quota_exhausted");
    let long_speech = json!({"model": "tts-1", "voice": "alloy", "input": "a".repeat(1001)});
    assert_refused(
        &post(&hub, "/v1/audio/speech", CAPPED, long_speech).await,
        403,
        "quota_exhausted",
    );
    // 1,000 characters at 15 per million: 0.015 fits.
    let speech = json!({"model": "tts-1", "voice": "alloy", "input": "a".repeat(1000)});
    let answer = post(&hub, "/v1/audio/speech", CAPPED, speech).await;
    assert_eq!(answer.0, 200);
    token_used(&hub, image_cost + dec("0.015")).await;

    assert_eq!(image_row.price_tier, "image:1024x1024/hd");
    assert_eq!(
        detail(&image_row)["images"],
        json!({"units": 1, "price": "0.08", "amount": "0.08", "tier": "image:1024x1024/hd"})
    );
    let speech_rows = rows_where(&hub, "acme", 1, |row| {
        row.requested_model == "tts-1" && row.status_code == 200
    })
    .await;
    let speech_row = &speech_rows[0];
    assert_eq!(speech_row.price_tier, "speech");
    assert_eq!(
        detail(speech_row)["speech_characters"],
        json!({"units": 1000, "price": "15", "amount": "0.015", "tier": "speech"})
    );
    // Nothing reached the upstream for the three refusals.
    assert_eq!(media.state.requests.lock().unwrap().len(), 2);

    // The seed's /api/logs shows the tier, the lines and the amounts.
    let listed: Value = reqwest::Client::new()
        .get(hub.url("/api/logs?group=acme&model_name=dall-e-3&code=200"))
        .bearer_auth(ADMIN_KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let log = &listed["data"]["logs"][0];
    assert_eq!(log["price_tier"], "image:1024x1024/hd", "{listed}");
    assert_eq!(log["charge_detail"]["images"]["amount"], "0.08", "{listed}");
    assert_eq!(
        log["amount"]["used_amount"].as_f64(),
        image_cost.to_string().parse::<f64>().ok(),
        "{listed}"
    );
    assert_eq!(
        log["amount"]["input_amount"].as_f64(),
        Some(image_row.input_tokens as f64 / 1e6),
        "{listed}"
    );
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_is_reserved_at_its_tier_and_audio_is_billed_at_its_band() {
    let media = MockOpenAiMedia::start().await;
    let video = MockOpenAiVideo::start().await;
    let hub = TestHub::start_with_config(&config(&media, &video)).await;

    // 12 s at 1792x1024 is above the size's 8 s band: 0.01 + 12 x 0.2 = 2.41, past the balance
    // of 1: refused as a token overrun would be, and the job is never created.
    let big = json!({"model": "sora-2", "prompt": "a wave", "seconds": "12", "size": "1792x1024"});
    assert_refused(
        &post(&hub, "/v1/videos", THIN, big).await,
        402,
        "insufficient_balance",
    );
    // 8 s at 1280x720: 0.01 + 8 x 0.05 = 0.41 fits; billed when the job completes.
    let small = json!({"model": "sora-2", "prompt": "a wave", "seconds": "8", "size": "1280x720"});
    let (status, created) = post(&hub, "/v1/videos", THIN, small).await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    for _ in 0..50 {
        let object: Value = reqwest::Client::new()
            .get(hub.url(&format!("/v1/videos/{id}")))
            .bearer_auth(THIN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if object["status"] == "completed" {
            break;
        }
    }
    group_balance(&hub, dec("0.59")).await;
    let rows = rows_where(&hub, "thin", 1, |row| row.request_id == id).await;
    let bill = &rows[0];
    assert_eq!(dec(&bill.cost), dec("0.41"));
    assert_eq!(bill.price_tier, "video:1280x720");
    assert_eq!(
        detail(bill),
        json!({
            "video": {"units": 1, "price": "0.01", "amount": "0.01", "tier": "video:1280x720"},
            "video_seconds": {"units": 8, "price": "0.05", "amount": "0.4", "tier": "video:1280x720"}
        })
    );
    // The creation's own row reserved the video but was charged nothing itself.
    let creation = rows_where(&hub, "thin", 1, |row| {
        row.upstream_request_id == id && row.request_id != id && row.endpoint == "/v1/videos"
    })
    .await;
    assert_eq!(dec(&creation[0].cost), Decimal::ZERO);

    // 0.75 s of WAV is under the 2 s band: per minute. A 3 s file is above it: per second.
    let wav = std::fs::read(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../relay/tests/fixtures/media/tone.wav"),
    )
    .unwrap();
    let mut not_audio = b"RIFF".to_vec();
    not_audio.extend(std::iter::repeat_n(b'x', 47_996));
    let boundary = "reservations-boundary";
    for file in [wav, not_audio] {
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload.wav\"\r\n\
             Content-Type: audio/wav\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(&file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let answer = reqwest::Client::new()
            .post(hub.url("/v1/audio/transcriptions"))
            .bearer_auth(THIN)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
    }
    let rows = rows_where(&hub, "thin", 2, |row| row.requested_model == "whisper-1").await;
    let mut audio: Vec<(String, String, Value)> = rows
        .iter()
        .map(|row| (row.cost.clone(), row.price_tier.clone(), detail(row)))
        .collect();
    audio.sort_by_key(|a| dec(&a.0));
    // 750 ms at 0.006 a minute: 0.000075.
    assert_eq!(
        (dec(&audio[0].0), audio[0].1.as_str()),
        (dec("0.000075"), "audio:per_minute")
    );
    // 48,000 bytes read as 3 s at 0.0002 a second: 0.0006.
    assert_eq!(
        (dec(&audio[1].0), audio[1].1.as_str()),
        (dec("0.0006"), "audio:per_second,seconds>2")
    );
    assert_eq!(
        audio[1].2["audio_millis"],
        json!({"units": 3000, "price": "0.0002", "amount": "0.0006", "tier": "audio:per_second,seconds>2"})
    );
    hub.stop().await.unwrap();
}
