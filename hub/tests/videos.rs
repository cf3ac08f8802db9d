//! The Videos API through the gateway: jobs pinned to their group, files streamed, remixes, edits, extensions, and bills charged once on completion.
//!
//! Another group gets 404; a completed job is billed once to the nano-unit, a failed one not
//! at all, on one server and across two replicas.

use std::str::FromStr;
use std::time::Duration;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::support;
use support::TestHub;
use support::mock_openai_video::{self, MockOpenAiVideo};

const ACME: &str = "sk-video-acme-0001";
const OTHER: &str = "sk-video-other-0001";

fn config(upstream: &MockOpenAiVideo) -> String {
    format!(
        r#"
groups: [{{id: acme, balance: "100"}}, {{id: other, balance: "100"}}]
tokens:
  - {{group: acme, name: app, key: {ACME}}}
  - {{group: other, name: app, key: {OTHER}}}
channels:
  - name: sora
    type: openai
    base_url: "{base}"
    key: sk-up
    models: [sora-2]
models:
  - model: sora-2
    type: video
    config:
      media:
        video: {{price_per_second: "0.1", price_per_video: "0.05",
                 price_per_second_by_size: {{"1792x1024": "0.5"}}}}
"#,
        base = upstream.base_url()
    )
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

async fn call(
    method: reqwest::Method,
    url: String,
    key: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let client = reqwest::Client::new();
    let mut request = client.request(method, url).bearer_auth(key);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

/// Reads the job until it has finished (each upstream read moves it one step); the last object.
async fn until_finished(hubs: &[&TestHub], id: &str) -> Value {
    for round in 0..50 {
        let hub = hubs[round % hubs.len()];
        let (status, object) = call(
            reqwest::Method::GET,
            hub.url(&format!("/v1/videos/{id}")),
            ACME,
            None,
        )
        .await;
        assert_eq!(status, 200, "{object}");
        if object["status"] == "completed" || object["status"] == "failed" {
            return object;
        }
    }
    panic!("the job {id} never finished");
}

pub(crate) async fn balance(hub: &TestHub, group: &str) -> Decimal {
    use hub::edges::grpc::pb;
    let group =
        pb::group_service_client::GroupServiceClient::new(support::control_channel(hub).await)
            .get_group(support::admin(pb::GetGroupRequest { id: group.into() }))
            .await
            .unwrap()
            .into_inner();
    dec(&group.balance)
}

/// The bill rows of a job: the rows the completion wrote, found by the job's id.
async fn bills(hub: &TestHub, id: &str, at_least_rows: usize) -> Vec<Decimal> {
    support::group_logs(hub, "acme", at_least_rows)
        .await
        .into_iter()
        .filter(|row| row.request_id == id)
        .map(|row| dec(&row.cost))
        .collect()
}

/// Waits until the group's balance is `expected` (the log writer charges in batches).
pub(crate) async fn balance_reaches(hub: &TestHub, expected: Decimal) {
    let mut last = Decimal::ZERO;
    for _ in 0..100 {
        last = balance(hub, "acme").await;
        if last == expected {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the balance stayed {last}, expected {expected}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_video_job_is_pinned_streamed_and_billed_once() {
    let upstream = MockOpenAiVideo::start().await;
    let hub = TestHub::start_with_config(&config(&upstream)).await;

    let (status, created) = call(
        reqwest::Method::POST,
        hub.url("/v1/videos"),
        ACME,
        Some(json!({"model": "sora-2", "prompt": "a red balloon", "seconds": "8", "size": "1280x720"})),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["object"], "video");
    assert_eq!(created["status"], "queued");
    let id = created["id"].as_str().unwrap().to_owned();

    // Another group learns nothing of the job: 404 in OpenAI's shape, whatever it asks.
    for (method, path) in [
        (reqwest::Method::GET, format!("/v1/videos/{id}")),
        (reqwest::Method::DELETE, format!("/v1/videos/{id}")),
        (reqwest::Method::GET, format!("/v1/videos/{id}/content")),
    ] {
        let (status, error) = call(method.clone(), hub.url(&path), OTHER, None).await;
        assert_eq!(status, 404, "{method} {path}: {error}");
        assert_eq!(error["error"]["type"], "invalid_request_error", "{error}");
        assert!(
            error["error"]["message"].as_str().unwrap().contains(&id),
            "{error}"
        );
    }
    let (status, remix) = call(
        reqwest::Method::POST,
        hub.url(&format!("/v1/videos/{id}/remix")),
        OTHER,
        Some(json!({"prompt": "theirs now"})),
    )
    .await;
    assert_eq!(status, 404, "{remix}");
    let (_, listed) = call(reqwest::Method::GET, hub.url("/v1/videos"), OTHER, None).await;
    assert_eq!(listed["data"], json!([]), "{listed}");

    let finished = until_finished(&[&hub], &id).await;
    assert_eq!(finished["status"], "completed");
    assert_eq!(finished["seconds"], "8");
    // Read again: the job is billed once however often it is seen completed.
    for _ in 0..3 {
        let (status, _) = call(
            reqwest::Method::GET,
            hub.url(&format!("/v1/videos/{id}")),
            ACME,
            None,
        )
        .await;
        assert_eq!(status, 200);
    }

    // The file is relayed as it comes: the first half arrives while the mock holds the second.
    let client = reqwest::Client::new();
    let mut download = client
        .get(hub.url(&format!("/v1/videos/{id}/content?variant=video")))
        .bearer_auth(ACME)
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "video/mp4");
    let mut received = Vec::new();
    while received.len() < mock_openai_video::CONTENT_BYTES / 2 {
        let chunk = tokio::time::timeout(Duration::from_secs(30), download.chunk())
            .await
            .expect("the first half of the file must arrive before the second is sent")
            .unwrap()
            .unwrap();
        received.extend_from_slice(&chunk);
    }
    upstream.release_downloads();
    while let Some(chunk) = download.chunk().await.unwrap() {
        received.extend_from_slice(&chunk);
    }
    assert_eq!(received, mock_openai_video::content());
    assert_eq!(
        *upstream.state.variants.lock().unwrap(),
        vec![Some("video".to_owned())]
    );

    // 8 s at 0.1 plus 0.05 a video, charged once.
    balance_reaches(&hub, dec("99.15")).await;
    assert_eq!(bills(&hub, &id, 1).await, vec![dec("0.85")]);

    // The listing shows the group's job as last seen.
    let (_, listed) = call(
        reqwest::Method::GET,
        hub.url("/v1/videos?limit=10"),
        ACME,
        None,
    )
    .await;
    assert_eq!(listed["object"], "list");
    assert_eq!(listed["data"][0]["id"], id.as_str(), "{listed}");
    assert_eq!(listed["data"][0]["status"], "completed", "{listed}");
    assert_eq!(listed["has_more"], false);

    // A remix is a new job of the same group on the same channel, billed when it completes.
    let (status, remixed) = call(
        reqwest::Method::POST,
        hub.url(&format!("/v1/videos/{id}/remix")),
        ACME,
        Some(json!({"prompt": "now in blue"})),
    )
    .await;
    assert_eq!(status, 200, "{remixed}");
    let remix_id = remixed["id"].as_str().unwrap().to_owned();
    assert_eq!(remixed["remixed_from_video_id"], id.as_str());
    until_finished(&[&hub], &remix_id).await;
    balance_reaches(&hub, dec("98.30")).await;

    // A failed job costs nothing.
    let (_, failing) = call(
        reqwest::Method::POST,
        hub.url("/v1/videos"),
        ACME,
        Some(json!({"model": "sora-2", "prompt": "this one will fail", "size": "1792x1024"})),
    )
    .await;
    let failing_id = failing["id"].as_str().unwrap().to_owned();
    assert_eq!(
        until_finished(&[&hub], &failing_id).await["status"],
        "failed"
    );

    // Deleted: gone upstream and here.
    let (status, deleted) = call(
        reqwest::Method::DELETE,
        hub.url(&format!("/v1/videos/{id}")),
        ACME,
        None,
    )
    .await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted["deleted"], true);
    let (status, _) = call(
        reqwest::Method::GET,
        hub.url(&format!("/v1/videos/{id}")),
        ACME,
        None,
    )
    .await;
    assert_eq!(status, 404);

    // Rows: 4 requests' rows at least, and the bills: the failed job has none.
    let rows = support::group_logs(&hub, "acme", 6).await;
    assert!(
        rows.iter().all(|row| row.request_id != failing_id),
        "a failed job has no bill"
    );
    assert_eq!(bills(&hub, &remix_id, 6).await, vec![dec("0.85")]);
    assert_eq!(balance(&hub, "acme").await, dec("98.30"));
    assert_eq!(balance(&hub, "other").await, dec("100"));
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_and_an_extension_are_new_jobs_billed_like_remixes() {
    let upstream = MockOpenAiVideo::start().await;
    let hub = TestHub::start_with_config(&config(&upstream)).await;
    let (status, created) = call(
        reqwest::Method::POST,
        hub.url("/v1/videos"),
        ACME,
        Some(json!({"model": "sora-2", "prompt": "a red balloon", "seconds": "8", "size": "1280x720"})),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    until_finished(&[&hub], &id).await;

    // Another group's source, or an unknown one, is not found; nothing reaches the upstream.
    for (path, key, source) in [
        ("/v1/videos/edits", OTHER, id.as_str()),
        ("/v1/videos/extensions", OTHER, id.as_str()),
        ("/v1/videos/edits", ACME, "video_nobody_made"),
    ] {
        let (status, error) = call(
            reqwest::Method::POST,
            hub.url(path),
            key,
            Some(json!({"video": {"id": source}, "prompt": "theirs now", "seconds": "4"})),
        )
        .await;
        assert_eq!(status, 404, "{path}: {error}");
        assert_eq!(error["error"]["type"], "invalid_request_error", "{error}");
        assert!(
            error["error"]["message"].as_str().unwrap().contains(source),
            "{error}"
        );
    }
    // A body without the source's id, or with a bad length, is the client's mistake.
    for (path, body, param) in [
        ("/v1/videos/edits", json!({"prompt": "bluer"}), "video"),
        (
            "/v1/videos/extensions",
            json!({"video": "not an object", "prompt": "longer"}),
            "video",
        ),
        (
            "/v1/videos/extensions",
            json!({"video": {"id": id}, "prompt": "longer", "seconds": "forever"}),
            "seconds",
        ),
    ] {
        let (status, error) = call(reqwest::Method::POST, hub.url(path), ACME, Some(body)).await;
        assert_eq!(status, 400, "{path}: {error}");
        assert_eq!(error["error"]["type"], "invalid_request_error", "{error}");
        assert_eq!(error["error"]["param"], param, "{error}");
    }
    assert!(upstream.state.derived.lock().unwrap().is_empty());

    // An edit: as long and as large as its source, billed when it completes.
    let (status, edited) = call(
        reqwest::Method::POST,
        hub.url("/v1/videos/edits"),
        ACME,
        Some(json!({"video": {"id": id}, "prompt": "now in blue"})),
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["object"], "video");
    assert_eq!(edited["status"], "queued");
    let edit_id = edited["id"].as_str().unwrap().to_owned();
    assert_ne!(edit_id, id);
    let finished = until_finished(&[&hub], &edit_id).await;
    assert_eq!(finished["status"], "completed");
    assert_eq!(finished["seconds"], "8");

    // An extension, as a form naming the job by `video[id]` (how the openai SDK flattens a
    // nested field in a form): at its own seconds, sent on as JSON.
    let boundary = "extension-boundary";
    let mut form = String::new();
    for (name, value) in [
        ("prompt", "and then it pops"),
        ("seconds", "12"),
        ("video[id]", id.as_str()),
    ] {
        form.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    form.push_str(&format!("--{boundary}--\r\n"));
    let response = reqwest::Client::new()
        .post(hub.url("/v1/videos/extensions"))
        .bearer_auth(ACME)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let extended: Value = response.json().await.unwrap();
    let extension_id = extended["id"].as_str().unwrap().to_owned();
    assert_eq!(
        until_finished(&[&hub], &extension_id).await["seconds"],
        "12"
    );

    let derived = upstream.state.derived.lock().unwrap().clone();
    assert_eq!(derived.len(), 2, "{derived:?}");
    assert_eq!(derived[0].0, "edits");
    assert_eq!(
        derived[0].1,
        json!({"video": {"id": id}, "prompt": "now in blue"})
    );
    assert_eq!(derived[1].0, "extensions");
    assert_eq!(
        derived[1].1,
        json!({"video": {"id": id}, "prompt": "and then it pops", "seconds": "12"})
    );

    // 0.85 for the source and its edit (8 s at 0.1 plus 0.05), 1.25 for the 12 s extension.
    balance_reaches(&hub, dec("97.05")).await;
    assert_eq!(bills(&hub, &id, 3).await, vec![dec("0.85")]);
    assert_eq!(bills(&hub, &edit_id, 3).await, vec![dec("0.85")]);
    assert_eq!(bills(&hub, &extension_id, 3).await, vec![dec("1.25")]);
    assert_eq!(balance(&hub, "other").await, dec("100"));
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multipart_creation_passes_its_reference_image_on() {
    let upstream = MockOpenAiVideo::start().await;
    let hub = TestHub::start_with_config(&config(&upstream)).await;
    let image: Vec<u8> = (0..4096_u32).map(|index| (index % 256) as u8).collect();
    let boundary = "video-boundary-1";
    let mut form = Vec::new();
    for (name, value) in [
        ("model", "sora-2"),
        ("prompt", "from this picture"),
        ("seconds", "4"),
    ] {
        form.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    form.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"input_reference\"; filename=\"reference.png\"\r\nContent-Type: image/png\r\n\r\n")
            .as_bytes(),
    );
    form.extend_from_slice(&image);
    form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = reqwest::Client::new()
        .post(hub.url("/v1/videos"))
        .bearer_auth(ACME)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["seconds"], "4");
    let seen = upstream.state.created.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].0["prompt"], "from this picture");
    assert_eq!(seen[0].0["model"], "sora-2");
    assert_eq!(seen[0].1.as_deref(), Some(&image[..]));
    // A video model is served on the videos endpoint only.
    let (status, error) = call(
        reqwest::Method::POST,
        hub.url("/v1/chat/completions"),
        ACME,
        Some(json!({"model": "sora-2", "messages": [{"role": "user", "content": "hi"}]})),
    )
    .await;
    assert_eq!(status, 400, "{error}");
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openai_sdk_creates_polls_and_downloads_a_video() {
    if !support::external_clients("Python and the openai SDK of .ci/requirements.txt") {
        return;
    }
    let upstream = MockOpenAiVideo::start().await;
    upstream.release_downloads();
    let hub = TestHub::start_with_config(&config(&upstream)).await;
    let base_url = hub.url("");
    let content_bytes = mock_openai_video::CONTENT_BYTES.to_string();
    support::run_pytest(
        "hub/tests/python/test_videos.py",
        &[
            ("AIPROXY_BASE_URL", &base_url),
            ("AIPROXY_TOKEN", ACME),
            ("AIPROXY_OTHER_TOKEN", OTHER),
            ("AIPROXY_CONTENT_BYTES", &content_bytes),
        ],
    )
    .await;
    // The 8 s video and its remix at 0.85 each; the reference-image job never finished.
    balance_reaches(&hub, dec("98.30")).await;
    let uploads = upstream.state.created.lock().unwrap().clone();
    assert!(
        uploads
            .iter()
            .any(|(_, file)| file.as_deref() == Some(&b"\x89PNG-not-really"[..])),
        "the reference image arrived as a file"
    );
    hub.stop().await.unwrap();
}

/// Azure's Sora jobs API: a job and its generations pinned to the group, billed per second of
/// each variant when it succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_azure_sora_job_is_pinned_with_its_generations_and_billed() {
    let upstream = MockOpenAiVideo::start().await;
    let yaml = format!(
        r#"
groups: [{{id: acme, balance: "100"}}, {{id: other, balance: "100"}}]
tokens:
  - {{group: acme, name: app, key: {ACME}}}
  - {{group: other, name: app, key: {OTHER}}}
channels:
  - name: azure-sora
    type: azure
    base_url: "{base}"
    key: azure-key
    models: [sora]
models:
  - model: sora
    type: video
    config: {{media: {{video: {{price_per_second: "0.1", price_per_video: "0.05"}}}}}}
"#,
        base = upstream.azure_url()
    );
    let hub = TestHub::start_with_config(&yaml).await;
    let (status, created) = call(
        reqwest::Method::POST,
        hub.url("/v1/video/generations/jobs"),
        ACME,
        Some(json!({"model": "sora", "prompt": "waves", "n_seconds": 5, "n_variants": 2, "width": 480, "height": 480})),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let job_url = hub.url(&format!("/v1/video/generations/jobs/{id}"));
    let (status, _) = call(reqwest::Method::GET, job_url.clone(), OTHER, None).await;
    assert_eq!(status, 404);
    // The job's id is no video of the Videos API.
    let (status, _) = call(
        reqwest::Method::GET,
        hub.url(&format!("/v1/videos/{id}")),
        ACME,
        None,
    )
    .await;
    assert_eq!(status, 404);
    let mut job = Value::Null;
    for _ in 0..50 {
        let (status, read) = call(reqwest::Method::GET, job_url.clone(), ACME, None).await;
        assert_eq!(status, 200, "{read}");
        job = read;
        if job["status"] == "succeeded" {
            break;
        }
    }
    assert_eq!(job["status"], "succeeded", "{job}");
    let generation = job["generations"][0]["id"].as_str().unwrap().to_owned();
    let content_path = format!("/v1/video/generations/{generation}/content/video");
    let (status, _) = call(reqwest::Method::GET, hub.url(&content_path), OTHER, None).await;
    assert_eq!(status, 404, "another group cannot download a generation");
    let file = reqwest::Client::new()
        .get(hub.url(&content_path))
        .bearer_auth(ACME)
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(
        file.bytes().await.unwrap().to_vec(),
        mock_openai_video::content()
    );
    // 5 s of each of 2 variants at 0.1, plus 0.05.
    balance_reaches(&hub, dec("98.95")).await;
    assert_eq!(bills(&hub, &id, 1).await, vec![dec("1.05")]);
    hub.stop().await.unwrap();
}

/// An `azure` channel serves OpenAI's Videos API on the resource's v1 surface
/// (`/openai/v1/videos`, the key in `api-key`, the deployment in `model`): created, read,
/// downloaded and deleted there, billed once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_azure_channel_serves_the_videos_api_on_its_v1_surface() {
    let upstream = MockOpenAiVideo::start().await;
    upstream.release_downloads();
    let yaml = config(&upstream).replace(
        &format!(
            "    type: openai\n    base_url: \"{}\"\n    key: sk-up",
            upstream.base_url()
        ),
        &format!(
            "    type: azure\n    base_url: \"{}\"\n    key: {}",
            upstream.azure_url(),
            mock_openai_video::AZURE_KEY
        ),
    );
    assert!(yaml.contains("type: azure"), "{yaml}");
    let hub = TestHub::start_with_config(&yaml).await;
    let (status, created) = call(
        reqwest::Method::POST,
        hub.url("/v1/videos"),
        ACME,
        Some(json!({"model": "sora-2", "prompt": "waves", "seconds": "4", "size": "720x1280"})),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        upstream.state.created.lock().unwrap()[0].0["prompt"],
        "waves"
    );
    let finished = until_finished(&[&hub], &id).await;
    assert_eq!(finished["status"], "completed", "{finished}");
    let file = reqwest::Client::new()
        .get(hub.url(&format!("/v1/videos/{id}/content")))
        .bearer_auth(ACME)
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(
        file.bytes().await.unwrap().to_vec(),
        mock_openai_video::content()
    );
    // 4 s at 0.1, plus 0.05.
    balance_reaches(&hub, dec("99.55")).await;
    let (status, deleted) = call(
        reqwest::Method::DELETE,
        hub.url(&format!("/v1/videos/{id}")),
        ACME,
        None,
    )
    .await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted["deleted"], true);
    assert_eq!(*upstream.state.deleted.lock().unwrap(), [id]);
    hub.stop().await.unwrap();
}

/// Two replicas sharing Postgres and Redis: a job created on one is read on both (and polled
/// by both) and billed once; the other group is refused on either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_bill_a_completed_job_once() {
    let upstream = MockOpenAiVideo::start().await;
    let database = support::TestDatabase::create().await;
    let prefix = support::unique_redis_prefix();
    let first = TestHub::replica(&database, &prefix, Some(&config(&upstream))).await;
    let second = TestHub::replica(&database, &prefix, None).await;

    let (status, created) = call(
        reqwest::Method::POST,
        first.url("/v1/videos"),
        ACME,
        Some(json!({"model": "sora-2", "prompt": "two replicas", "seconds": "12", "size": "1792x1024"})),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, _) = call(
        reqwest::Method::GET,
        second.url(&format!("/v1/videos/{id}")),
        OTHER,
        None,
    )
    .await;
    assert_eq!(status, 404);
    until_finished(&[&second, &first], &id).await;
    for hub in [&first, &second, &first, &second] {
        let (status, object) = call(
            reqwest::Method::GET,
            hub.url(&format!("/v1/videos/{id}")),
            ACME,
            None,
        )
        .await;
        assert_eq!(
            (status, object["status"].as_str()),
            (200, Some("completed"))
        );
    }
    // 12 s at the 1792x1024 price, 0.5, plus 0.05: 6.05, once.
    balance_reaches(&first, dec("93.95")).await;
    assert_eq!(bills(&second, &id, 2).await, vec![dec("6.05")]);
    let (_, listed) = call(reqwest::Method::GET, second.url("/v1/videos"), ACME, None).await;
    assert_eq!(listed["data"][0]["id"], id.as_str(), "{listed}");
    first.stop().await.unwrap();
    second.stop().await.unwrap();
}
