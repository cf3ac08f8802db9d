//! Videos on vendors' task APIs (Veo on the Gemini API, DashScope, Ark) behind OpenAI's Videos face.
//!
//! A job id of ours pinned to its group, polled to completion, its file downloaded whole, billed
//! once; a failed task shown failed with its error, unbilled.

use std::str::FromStr;
use std::time::Duration;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::support;
use support::TestHub;
use support::mock_ark_video::{self, MockArkVideo};
use support::mock_dashscope_video::{self, MockDashScopeVideo};
use support::mock_google_media::{self, MockGoogleMedia};

pub(crate) const ACME: &str = "sk-vtask-acme-0001";
pub(crate) const OTHER: &str = "sk-vtask-other-0001";

/// A hub with one channel (`channel` is its YAML mapping, indented as a list item) serving
/// `model` at 0.1 per second of video.
async fn hub_with(channel: &str, model: &str) -> TestHub {
    TestHub::start_with_config(&config(channel, model, "0.1")).await
}

/// The configuration of two groups (`acme` and `other`, a token each), the channels of
/// `channels` (YAML list items; the last one's `models` is `[model]`) and `model`, a video
/// model at `price` per second.
pub(crate) fn config(channels: &str, model: &str, price: &str) -> String {
    format!(
        r#"
groups: [{{id: acme, balance: "100"}}, {{id: other, balance: "100"}}]
tokens:
  - {{group: acme, name: app, key: {ACME}}}
  - {{group: other, name: app, key: {OTHER}}}
channels:
{channels}
    models: [{model}]
models:
  - model: {model}
    type: video
    config:
      media:
        video: {{price_per_second: "{price}"}}
"#
    )
}

/// One call through the gateway with a token: the status and the JSON answer (`Null` when not JSON).
pub(crate) async fn call(
    method: reqwest::Method,
    url: String,
    key: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new().request(method, url).bearer_auth(key);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (
        status,
        response.json::<Value>().await.unwrap_or(Value::Null),
    )
}

async fn create(hub: &TestHub, body: Value) -> String {
    let (status, created) = call(
        reqwest::Method::POST,
        hub.url("/v1/videos"),
        ACME,
        Some(body),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["object"], "video");
    assert_eq!(created["status"], "queued");
    created["id"].as_str().unwrap().to_owned()
}

/// Reads the job until it has finished, checking every status on the way is OpenAI's; the
/// statuses seen and the last object.
async fn until_finished(hub: &TestHub, id: &str) -> (Vec<String>, Value) {
    let mut seen = Vec::new();
    for _ in 0..20 {
        let (status, object) = call(
            reqwest::Method::GET,
            hub.url(&format!("/v1/videos/{id}")),
            ACME,
            None,
        )
        .await;
        assert_eq!(status, 200, "{object}");
        assert_eq!(object["id"], id);
        let state = object["status"].as_str().unwrap().to_owned();
        assert!(
            ["queued", "in_progress", "completed", "failed"].contains(&state.as_str()),
            "{object}"
        );
        seen.push(state.clone());
        if state == "completed" || state == "failed" {
            return (seen, object);
        }
    }
    panic!("the job {id} never finished");
}

async fn download(hub: &TestHub, id: &str) -> (u16, Vec<u8>) {
    let response = reqwest::Client::new()
        .get(hub.url(&format!("/v1/videos/{id}/content")))
        .bearer_auth(ACME)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

/// Another group gets OpenAI's 404 on every call, and an empty listing.
async fn hidden_from_other_group(hub: &TestHub, id: &str) {
    for (method, path) in [
        (reqwest::Method::GET, format!("/v1/videos/{id}")),
        (reqwest::Method::DELETE, format!("/v1/videos/{id}")),
        (reqwest::Method::GET, format!("/v1/videos/{id}/content")),
    ] {
        let (status, error) = call(method.clone(), hub.url(&path), OTHER, None).await;
        assert_eq!(status, 404, "{method} {path}: {error}");
        assert_eq!(error["error"]["type"], "invalid_request_error", "{error}");
    }
    let (_, listed) = call(reqwest::Method::GET, hub.url("/v1/videos"), OTHER, None).await;
    assert_eq!(listed["data"], json!([]), "{listed}");
}

/// The costs of the rows that bill job `id` (its completion's row carries the job's id).
pub(crate) async fn bills(hub: &TestHub, id: &str, at_least_rows: usize) -> Vec<Decimal> {
    support::group_logs(hub, "acme", at_least_rows)
        .await
        .into_iter()
        .filter(|row| row.request_id == id)
        .map(|row| Decimal::from_str(&row.cost).unwrap())
        .collect()
}

/// Two more reads after completion and the job's bill: one row, `expected`.
async fn billed_once(hub: &TestHub, id: &str, rows_before: usize, expected: &str) {
    for _ in 0..2 {
        let (status, object) = call(
            reqwest::Method::GET,
            hub.url(&format!("/v1/videos/{id}")),
            ACME,
            None,
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(object["status"], "completed");
    }
    assert_eq!(
        settled_bills(hub, id, rows_before).await,
        [Decimal::from_str(expected).unwrap()]
    );
}

/// The bills of job `id` once there is one and any second one would have been written too.
pub(crate) async fn settled_bills(hub: &TestHub, id: &str, rows_before: usize) -> Vec<Decimal> {
    for _ in 0..100 {
        if !bills(hub, id, rows_before).await.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Settle: any second bill would have been written by now too.
    tokio::time::sleep(Duration::from_millis(300)).await;
    bills(hub, id, rows_before).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn veo_on_a_gemini_channel_is_pinned_polled_downloaded_and_billed_once() {
    let upstream = MockGoogleMedia::start().await;
    let channel = format!(
        "  - name: veo\n    type: gemini\n    base_url: \"{}\"\n    key: {}\n    model_mapping: {{veo: veo-3.0-generate-001}}",
        upstream.base_url(),
        mock_google_media::KEY
    );
    let hub = hub_with(&channel, "veo").await;
    let id = create(
        &hub,
        json!({"model": "veo", "prompt": "a red balloon", "size": "1280x720"}),
    )
    .await;
    let created = upstream.state.created.lock().unwrap().clone();
    assert_eq!(created.len(), 1);
    let (model, body) = &created[0];
    assert_eq!(
        model, "veo-3.0-generate-001",
        "the mapped model goes upstream"
    );
    assert_eq!(body["instances"][0]["prompt"], "a red balloon");
    assert_eq!(body["parameters"]["aspectRatio"], "16:9");
    assert_eq!(body["parameters"]["resolution"], "720p");
    assert!(
        id.starts_with("video_") && !id.contains("operations"),
        "{id}"
    );
    hidden_from_other_group(&hub, &id).await;

    let (seen, finished) = until_finished(&hub, &id).await;
    assert_eq!(seen.last().unwrap(), "completed");
    assert!(seen.contains(&"in_progress".to_owned()), "{seen:?}");
    assert_eq!(finished["model"], "veo", "the client's model name");
    assert_eq!(finished["seconds"], "8", "Veo's default length");
    let (status, bytes) = download(&hub, &id).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, support::mock_openai_video::content());
    assert!(
        !*upstream.state.key_sent_to_signed_link.lock().unwrap(),
        "the redirect to the signed link is followed without the key"
    );
    // 8 s at 0.1.
    billed_once(&hub, &id, 1, "0.8").await;
    // A task API has no edit or extension of OpenAI's kind: refused, nothing reserved.
    for (path, verb) in [
        ("/v1/videos/edits", "edit"),
        ("/v1/videos/extensions", "extend"),
    ] {
        let (status, error) = call(
            reqwest::Method::POST,
            hub.url(path),
            ACME,
            Some(json!({"video": {"id": id}, "prompt": "bluer", "seconds": "4"})),
        )
        .await;
        assert_eq!(status, 400, "{path}: {error}");
        assert_eq!(error["error"]["type"], "invalid_request_error", "{error}");
        assert!(
            error["error"]["message"]
                .as_str()
                .unwrap()
                .contains(&format!("cannot {verb} a video")),
            "{error}"
        );
    }
    let (_, listed) = call(reqwest::Method::GET, hub.url("/v1/videos"), ACME, None).await;
    assert_eq!(listed["data"][0]["id"], id.as_str(), "{listed}");
    assert_eq!(listed["data"][0]["status"], "completed", "{listed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_veo_operation_is_failed_with_its_error_and_not_billed() {
    let upstream = MockGoogleMedia::start().await;
    let channel = format!(
        "  - name: veo\n    type: gemini\n    base_url: \"{}\"\n    key: {}",
        upstream.base_url(),
        mock_google_media::KEY
    );
    let hub = hub_with(&channel, "veo-3.0-generate-001").await;
    let id = create(
        &hub,
        json!({"model": "veo-3.0-generate-001", "prompt": "please fail"}),
    )
    .await;
    let (_, finished) = until_finished(&hub, &id).await;
    assert_eq!(finished["status"], "failed");
    assert_eq!(
        finished["error"]["message"],
        "The prompt could not be submitted."
    );
    let (status, _) = download(&hub, &id).await;
    assert_eq!(status, 400, "a failed job has no file");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(bills(&hub, &id, 1).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashscope_video_synthesis_is_polled_downloaded_and_billed_by_its_usage() {
    let upstream = MockDashScopeVideo::start().await;
    let channel = format!(
        "  - name: wan\n    type: ali\n    base_url: \"{}\"\n    key: {}",
        upstream.base_url(),
        mock_dashscope_video::KEY
    );
    let hub = hub_with(&channel, "wan2.2-t2v-plus").await;
    let id = create(
        &hub,
        json!({"model": "wan2.2-t2v-plus", "prompt": "a kitten on grass", "seconds": "5",
            "size": "1280x720"}),
    )
    .await;
    let created = upstream.state.created.lock().unwrap().clone();
    assert_eq!(created[0]["model"], "wan2.2-t2v-plus");
    assert_eq!(created[0]["input"]["prompt"], "a kitten on grass");
    assert_eq!(created[0]["parameters"]["size"], "1280*720");
    assert_eq!(created[0]["parameters"]["duration"], 5);
    hidden_from_other_group(&hub, &id).await;

    let (seen, finished) = until_finished(&hub, &id).await;
    assert_eq!(seen[..2], ["queued", "in_progress"], "{seen:?}");
    assert_eq!(finished["status"], "completed");
    assert_eq!(finished["size"], "1280x720");
    let (status, bytes) = download(&hub, &id).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, support::mock_openai_video::content());
    billed_once(&hub, &id, 1, "0.5").await;

    // A task the vendor fails: failed with its message, never billed.
    let failing = create(
        &hub,
        json!({"model": "wan2.2-t2v-plus", "prompt": "fail please"}),
    )
    .await;
    let (_, failed) = until_finished(&hub, &failing).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["error"]["code"], "DataInspectionFailed");
    assert_eq!(failed["error"]["message"], mock_dashscope_video::FAILURE);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(bills(&hub, &failing, 1).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ark_tasks_are_polled_downloaded_billed_and_deleted_upstream() {
    let upstream = MockArkVideo::start().await;
    let channel = format!(
        "  - name: seedance\n    type: doubao\n    base_url: \"{}\"\n    key: {}",
        upstream.base_url(),
        mock_ark_video::KEY
    );
    let hub = hub_with(&channel, "doubao-seedance-1-0-pro-250528").await;
    let id = create(
        &hub,
        json!({"model": "doubao-seedance-1-0-pro-250528", "prompt": "waves at dusk",
            "seconds": 10, "size": "720x1280",
            "input_reference": {"url": "https://example.com/first.png"}}),
    )
    .await;
    let created = upstream.state.created.lock().unwrap().clone();
    assert_eq!(
        created[0]["content"][0],
        json!({"type": "text", "text": "waves at dusk"})
    );
    assert_eq!(
        created[0]["content"][1]["image_url"]["url"],
        "https://example.com/first.png"
    );
    assert_eq!(created[0]["ratio"], "9:16");
    assert_eq!(created[0]["duration"], 10);
    hidden_from_other_group(&hub, &id).await;

    let (_, finished) = until_finished(&hub, &id).await;
    assert_eq!(finished["status"], "completed");
    assert_eq!(finished["seconds"], "10");
    let (status, bytes) = download(&hub, &id).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, support::mock_openai_video::content());
    billed_once(&hub, &id, 1, "1.0").await;

    let (status, deleted) = call(
        reqwest::Method::DELETE,
        hub.url(&format!("/v1/videos/{id}")),
        ACME,
        None,
    )
    .await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(
        deleted,
        json!({"id": id, "object": "video.deleted", "deleted": true})
    );
    assert_eq!(upstream.state.deleted.lock().unwrap().len(), 1);
    let (status, _) = call(
        reqwest::Method::GET,
        hub.url(&format!("/v1/videos/{id}")),
        ACME,
        None,
    )
    .await;
    assert_eq!(status, 404);

    let failing = create(
        &hub,
        json!({"model": "doubao-seedance-1-0-pro-250528", "prompt": "fail now"}),
    )
    .await;
    let (_, failed) = until_finished(&hub, &failing).await;
    assert_eq!(failed["error"]["message"], mock_ark_video::FAILURE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openai_sdk_drives_a_dashscope_video() {
    if !support::external_clients("Python and the openai SDK of .ci/requirements.txt") {
        return;
    }
    let upstream = MockDashScopeVideo::start().await;
    let channel = format!(
        "  - name: wan\n    type: ali\n    base_url: \"{}\"\n    key: {}",
        upstream.base_url(),
        mock_dashscope_video::KEY
    );
    let hub = hub_with(&channel, "wan2.2-t2v-plus").await;
    let base_url = hub.url("");
    let content_bytes = support::mock_openai_video::CONTENT_BYTES.to_string();
    support::run_pytest(
        "hub/tests/python/test_video_tasks.py",
        &[
            ("AIPROXY_BASE_URL", &base_url),
            ("AIPROXY_TOKEN", ACME),
            ("AIPROXY_OTHER_TOKEN", OTHER),
            ("AIPROXY_CONTENT_BYTES", &content_bytes),
            ("AIPROXY_MODEL", "wan2.2-t2v-plus"),
        ],
    )
    .await;
    // The SDK's creation arrived whole: its fields, read from the form, went upstream.
    let created = upstream.state.created.lock().unwrap().clone();
    assert_eq!(created[0]["input"]["prompt"], "a kitten on grass");
    assert_eq!(created[0]["parameters"]["duration"], 4);
    hub.stop().await.unwrap();
}
