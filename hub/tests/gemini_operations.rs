//! Veo on the Gemini face: `:predictLongRunning`, its operation read under `/v1beta` and `/v1`, its file downloaded through us, its bill; the `/v1` alias.
//!
//! The upstreams are the mocks of the Gemini API (`support::mock_google_media`: an operation
//! that is done on its second poll, a file answered with a redirect to its signed link) and
//! of Vertex (`vertex_veo`'s `fetchPredictOperation` with the video inline), both speaking
//! Google's wire format.

use std::str::FromStr;
use std::time::Duration;

use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::support;
use crate::vertex_veo::{self, MockVertexVeo};
use crate::videos::{balance, balance_reaches};
use support::TestHub;
use support::mock_gemini::{self, MockGemini};
use support::mock_google_media::{self, MockGoogleMedia};

const ACME: &str = "sk-gemini-ops-acme-0001";
const OTHER: &str = "sk-gemini-ops-other-0001";
/// A token whose quota is 1.000000002: one 6 s operation (0.600000001) fits, two do not.
const CAPPED: &str = "sk-gemini-ops-capped-0001";
const VEO: &str = "veo-3.0-generate-001";

/// The YAML of two groups with a token each and `channels` (list items), serving `veo` at 0.1
/// per second plus one nano-unit per video.
fn config(channels: &str) -> String {
    format!(
        r#"
groups: [{{id: acme, balance: "100"}}, {{id: other, balance: "100"}}]
tokens:
  - {{group: acme, name: app, key: {ACME}}}
  - {{group: other, name: app, key: {OTHER}}}
  - {{group: acme, name: capped, key: {CAPPED}, quota: "1.000000002"}}
channels:
{channels}
models:
  - model: veo
    type: video
    config:
      media:
        video: {{price_per_second: "0.1", price_per_video: "0.000000001"}}
"#
    )
}

/// A `gemini` channel on the Gemini API mock serving `veo` as Veo 3.
fn veo_channel(upstream: &MockGoogleMedia) -> String {
    format!(
        "  - name: veo\n    type: gemini\n    base_url: \"{}\"\n    key: {}\n    models: [veo]\n    model_mapping: {{veo: {VEO}}}",
        upstream.base_url(),
        mock_google_media::KEY
    )
}

/// One call as Google's clients make it: the key in `x-goog-api-key`.
async fn gemini(
    method: reqwest::Method,
    url: String,
    key: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, url)
        .header("x-goog-api-key", key);
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

/// Google's error document: its code, its status, a bounded message.
fn assert_google_error(error: &Value, code: u16, status: &str) {
    assert_eq!(error["error"]["code"], code, "{error}");
    assert_eq!(error["error"]["status"], status, "{error}");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(!message.is_empty() && message.len() <= 1024, "{error}");
}

/// Creates an operation of `veo` through `path` and returns its name as shown.
async fn create(hub: &TestHub, path: &str, body: Value) -> String {
    let (status, created) = gemini(reqwest::Method::POST, hub.url(path), ACME, Some(body)).await;
    assert_eq!(status, 200, "{created}");
    let name = created["name"].as_str().unwrap().to_owned();
    assert!(name.starts_with("models/veo/operations/op_"), "{created}");
    assert!(
        !created.to_string().contains(VEO),
        "the upstream's name stays hidden: {created}"
    );
    name
}

/// Reads the operation through each of `paths` in turn (each `{id}` replaced) until it is
/// done; the states seen (`done`) and the last answer.
async fn until_done(hubs: &[&TestHub], paths: &[String]) -> (Vec<bool>, Value) {
    let mut seen = Vec::new();
    for round in 0..20 {
        let hub = hubs[round % hubs.len()];
        let path = &paths[round % paths.len()];
        let (status, operation) = gemini(reqwest::Method::GET, hub.url(path), ACME, None).await;
        assert_eq!(status, 200, "{path}: {operation}");
        let done = operation["done"] == true;
        seen.push(done);
        if done {
            return (seen, operation);
        }
    }
    panic!("the operation never finished: {paths:?}");
}

/// The one bill of operation `id`: its row, waited for, then checked to stay alone.
async fn one_bill(hub: &TestHub, id: &str) -> hub::edges::grpc::pb::RequestLog {
    let rows = |logs: Vec<hub::edges::grpc::pb::RequestLog>| -> Vec<_> {
        logs.into_iter()
            .filter(|row| row.request_id == id)
            .collect()
    };
    for _ in 0..100 {
        if !rows(support::group_logs(hub, "acme", 2).await).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Any second bill would have been written by now too.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut bills = rows(support::group_logs(hub, "acme", 2).await);
    assert_eq!(bills.len(), 1, "{bills:?}");
    bills.remove(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn veo_on_the_gemini_face_is_polled_downloaded_and_billed_once() {
    let upstream = MockGoogleMedia::start().await;
    let hub = TestHub::start_with_config(&config(&veo_channel(&upstream))).await;
    let body = json!({"instances": [{"prompt": "a red balloon"}],
        "parameters": {"durationSeconds": 6, "aspectRatio": "9:16", "personGeneration": "allow_adult"}});
    let name = create(&hub, "/v1beta/models/veo:predictLongRunning", body.clone()).await;
    let id = name.rsplit('/').next().unwrap().to_owned();
    let created = upstream.state.created.lock().unwrap().clone();
    assert_eq!(
        created,
        [(VEO.to_owned(), body)],
        "Veo's body went upstream as it was"
    );

    // Another group's read of it, or of its file, is Google's 404.
    let (status, error) = gemini(
        reqwest::Method::GET,
        hub.url(&format!("/v1beta/{name}")),
        OTHER,
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_google_error(&error, 404, "NOT_FOUND");

    let paths = [
        format!("/v1beta/{name}"),
        format!("/v1beta/operations/{id}"),
        format!("/v1/{name}"),
        format!("/v1/operations/{id}"),
    ];
    let (seen, done) = until_done(&[&hub], &paths).await;
    assert_eq!(seen.first(), Some(&false), "running before done: {seen:?}");
    assert_eq!(done["name"], name.as_str());
    let uri = done["response"]["generateVideoResponse"]["generatedSamples"][0]["video"]["uri"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        uri,
        hub.url("/v1beta/files/op1:download?alt=media"),
        "the file is downloaded through the gateway"
    );
    assert!(
        !done.to_string().contains(&upstream.addr.to_string()),
        "{done}"
    );

    let (status, error) = gemini(reqwest::Method::GET, uri.clone(), OTHER, None).await;
    assert_eq!(status, 404);
    assert_google_error(&error, 404, "NOT_FOUND");
    // With the key in the query, as a link pasted into a browser carries it.
    let file = reqwest::Client::new()
        .get(format!("{uri}&key={ACME}"))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "video/mp4");
    assert_eq!(
        file.bytes().await.unwrap().to_vec(),
        support::mock_openai_video::content()
    );
    assert!(
        !*upstream.state.key_sent_to_signed_link.lock().unwrap(),
        "the redirect to the signed link is followed without the channel's key"
    );

    // Read twice more; billed once: 6 s at 0.1 and one video at a nano-unit.
    for path in &paths[..2] {
        let (status, again) = gemini(reqwest::Method::GET, hub.url(path), ACME, None).await;
        assert_eq!((status, again["done"].as_bool()), (200, Some(true)));
    }
    let bill = one_bill(&hub, &id).await;
    assert_eq!(
        Decimal::from_str(&bill.cost).unwrap(),
        Decimal::from_str("0.600000001").unwrap()
    );
    assert_eq!(bill.endpoint, "/v1beta/models/{model}:predictLongRunning");
    assert_eq!(bill.requested_model, "veo");
    assert_eq!(bill.actual_model, VEO);
    let detail: Value = serde_json::from_str(&bill.charge_detail).unwrap();
    assert_eq!(detail["video_seconds"]["units"], 6, "{detail}");
    balance_reaches(&hub, Decimal::from_str("99.399999999").unwrap()).await;
    assert_eq!(balance(&hub, "other").await, Decimal::from(100));
    // An operation is no video of OpenAI's face, and its listing leaves it out.
    let (status, _) = crate::video_tasks::call(
        reqwest::Method::GET,
        hub.url(&format!("/v1/videos/{id}")),
        ACME,
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (_, listed) =
        crate::video_tasks::call(reqwest::Method::GET, hub.url("/v1/videos"), ACME, None).await;
    assert_eq!(listed["data"], json!([]), "{listed}");
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_gemini_operation_calls_get_bounded_gemini_errors() {
    let upstream = MockGoogleMedia::start().await;
    let hub = TestHub::start_with_config(&config(&veo_channel(&upstream))).await;
    let create = hub.url("/v1beta/models/veo:predictLongRunning");
    for (body, mentions) in [
        (json!({"instances": "a cat"}), "instances"),
        (json!({"instances": []}), "instances"),
        (json!({"prompt": "a cat"}), "instances"),
        (
            json!({"instances": [{"prompt": "p"}], "parameters": {"durationSeconds": "eight"}}),
            "durationSeconds",
        ),
        (
            json!({"instances": [{"prompt": "p"}], "parameters": {"numberOfVideos": 1e12}}),
            "numberOfVideos",
        ),
    ] {
        let (status, error) = gemini(
            reqwest::Method::POST,
            create.clone(),
            ACME,
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, 400, "{body}: {error}");
        assert_google_error(&error, 400, "INVALID_ARGUMENT");
        assert!(error.to_string().contains(mentions), "{body}: {error}");
    }
    let response = reqwest::Client::new()
        .post(create.clone())
        .header("x-goog-api-key", ACME)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_google_error(&response.json().await.unwrap(), 400, "INVALID_ARGUMENT");
    let (status, error) = gemini(
        reqwest::Method::POST,
        create,
        "sk-nobody",
        Some(json!({"instances": [{"prompt": "p"}]})),
    )
    .await;
    assert_eq!(status, 401);
    assert_google_error(&error, 401, "UNAUTHENTICATED");
    assert!(
        upstream.state.created.lock().unwrap().is_empty(),
        "nothing refused reached the upstream"
    );

    let long = "x".repeat(5_000);
    for (path, code, status) in [
        ("/v1beta/operations/op_unknown".to_owned(), 404, "NOT_FOUND"),
        (format!("/v1beta/operations/{long}"), 404, "NOT_FOUND"),
        (
            format!("/v1beta/models/veo/operations/{long}"),
            404,
            "NOT_FOUND",
        ),
        (
            "/v1beta/files/unknown:download?alt=media".to_owned(),
            404,
            "NOT_FOUND",
        ),
        (format!("/v1beta/files/{long}:download"), 404, "NOT_FOUND"),
        ("/v1beta/files/abc".to_owned(), 501, "UNIMPLEMENTED"),
    ] {
        let (answered, error) = gemini(reqwest::Method::GET, hub.url(&path), ACME, None).await;
        assert_eq!(answered, code, "{}: {error}", &path[..40.min(path.len())]);
        assert_google_error(&error, code, status);
    }
    hub.stop().await.unwrap();
}

/// The Gemini face under `/v1` (as Google's SDKs call it with API version `v1`): Gemini's
/// calls are posted to `/v1/models/{model}:{method}`, while `GET /v1/models/...` stays
/// OpenAI's model listing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_v1_alias_serves_gemini_calls_and_keeps_openai_models() {
    let veo = MockGoogleMedia::start().await;
    let chat = MockGemini::start().await;
    let channels = format!(
        "{}\n  - name: flash\n    type: gemini\n    base_url: \"{}\"\n    key: flash-key\n    models: [gemini-2.5-flash]",
        veo_channel(&veo),
        chat.base_url()
    );
    let hub = TestHub::start_with_config(&config(&channels)).await;
    let (status, answer) = gemini(
        reqwest::Method::POST,
        hub.url("/v1/models/gemini-2.5-flash:generateContent"),
        ACME,
        Some(json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]})),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["candidates"][0]["content"]["parts"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()["text"],
        mock_gemini::TEXT,
        "{answer}"
    );
    let seen = chat.requests();
    assert_eq!(
        seen[0].target, "/v1beta/models/gemini-2.5-flash:generateContent",
        "the upstream is called on its own path"
    );
    let (status, error) = gemini(
        reqwest::Method::POST,
        hub.url("/v1/models/gemini-2.5-flash:summon"),
        ACME,
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 404);
    assert_google_error(&error, 404, "NOT_FOUND");

    // OpenAI's routes are as they were.
    let (status, model) = crate::video_tasks::call(
        reqwest::Method::GET,
        hub.url("/v1/models/gemini-2.5-flash"),
        ACME,
        None,
    )
    .await;
    assert_eq!(status, 200, "{model}");
    assert_eq!(model["object"], "model");
    let (status, error) = crate::video_tasks::call(
        reqwest::Method::POST,
        hub.url("/v1/models/gemini-2.5-flash"),
        ACME,
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 405, "{error}");
    assert_eq!(error["error"]["code"], "method_not_allowed", "{error}");

    // A Veo operation made and read entirely under `/v1`.
    let name = create(
        &hub,
        "/v1/models/veo:predictLongRunning",
        json!({"instances": [{"prompt": "a kite"}]}),
    )
    .await;
    let (_, done) = until_done(&[&hub], &[format!("/v1/{name}")]).await;
    assert!(
        done["response"]["generateVideoResponse"].is_object(),
        "{done}"
    );
    // Veo's 8 s by default, at 0.1, plus the video's nano-unit.
    let bill = one_bill(&hub, name.rsplit('/').next().unwrap()).await;
    assert_eq!(
        Decimal::from_str(&bill.cost).unwrap(),
        Decimal::from_str("0.800000001").unwrap()
    );
    hub.stop().await.unwrap();
}

/// Veo on a `vertexai` channel behind the Gemini face: the same body to Vertex's
/// `predictLongRunning`, the operation read with `fetchPredictOperation` and shown under our
/// name (no project path), the video inline as Vertex answers it, the bill.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn veo_on_vertex_answers_the_gemini_face() {
    let upstream = MockVertexVeo::start().await;
    let channel = format!(
        "  - name: vertex-veo\n    type: vertexai\n    base_url: \"{}\"\n    key: \"us-central1|{}\"\n    models: [veo]\n    model_mapping: {{veo: {}}}",
        upstream.base_url(),
        vertex_veo::API_KEY,
        vertex_veo::MODEL
    );
    let hub = TestHub::start_with_config(&config(&channel)).await;
    let body = json!({"instances": [{"prompt": "a lighthouse"}],
        "parameters": {"sampleCount": 2, "durationSeconds": 4}});
    let name = create(&hub, "/v1beta/models/veo:predictLongRunning", body.clone()).await;
    assert_eq!(
        upstream.state.created.lock().unwrap().clone(),
        [(vertex_veo::MODEL.to_owned(), body)]
    );
    let (_, done) = until_done(&[&hub], &[format!("/v1beta/{name}")]).await;
    assert_eq!(done["name"], name.as_str());
    assert!(
        !done.to_string().contains("projects/"),
        "{}",
        &done.to_string()[..200]
    );
    let video = done["response"]["videos"][0]["bytesBase64Encoded"]
        .as_str()
        .unwrap();
    use base64::Engine;
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(video)
            .unwrap(),
        vertex_veo::content()
    );
    assert!(
        upstream
            .state
            .calls
            .lock()
            .unwrap()
            .iter()
            .skip(1)
            .all(|method| method == "fetchPredictOperation")
    );
    // Two videos of 4 s at 0.1, plus one nano-unit.
    let bill = one_bill(&hub, name.rsplit('/').next().unwrap()).await;
    assert_eq!(
        Decimal::from_str(&bill.cost).unwrap(),
        Decimal::from_str("0.800000001").unwrap()
    );
    hub.stop().await.unwrap();
}

/// Two replicas sharing Postgres and Redis: an operation created on one is read on both, its
/// file downloaded from the other, billed once; the other group is refused on either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_share_gemini_operations_and_their_files() {
    let upstream = MockGoogleMedia::start().await;
    let database = support::TestDatabase::create().await;
    let prefix = support::unique_redis_prefix();
    let first = TestHub::replica(&database, &prefix, Some(&config(&veo_channel(&upstream)))).await;
    let second = TestHub::replica(&database, &prefix, None).await;
    let name = create(
        &first,
        "/v1beta/models/veo:predictLongRunning",
        json!({"instances": [{"prompt": "two replicas"}], "parameters": {"durationSeconds": 5}}),
    )
    .await;
    let (status, _) = gemini(
        reqwest::Method::GET,
        second.url(&format!("/v1beta/{name}")),
        OTHER,
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (_, done) = until_done(&[&second, &first], &[format!("/v1beta/{name}")]).await;
    let uri = done["response"]["generateVideoResponse"]["generatedSamples"][0]["video"]["uri"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = uri
        .split_once("/v1beta/")
        .map(|(_, path)| format!("/v1beta/{path}"))
        .unwrap();
    for (hub, key, expected) in [
        (&first, OTHER, 404),
        (&second, ACME, 200),
        (&first, ACME, 200),
    ] {
        let file = reqwest::Client::new()
            .get(hub.url(&path))
            .header("x-goog-api-key", key)
            .send()
            .await
            .unwrap();
        assert_eq!(file.status(), expected);
        if expected == 200 {
            assert_eq!(
                file.bytes().await.unwrap().to_vec(),
                support::mock_openai_video::content()
            );
        }
    }
    let bill = one_bill(&second, name.rsplit('/').next().unwrap()).await;
    assert_eq!(
        Decimal::from_str(&bill.cost).unwrap(),
        Decimal::from_str("0.500000001").unwrap()
    );
    first.stop().await.unwrap();
    second.stop().await.unwrap();
}

/// An operation's video is reserved at creation and held until its bill, through the same
/// holds as OpenAI's face: a second one past the token's quota is refused in Google's shape
/// (and never sent upstream); once the first is billed, what is left fits exactly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operations_video_is_held_until_billed_and_a_creation_past_the_quota_refused() {
    let upstream = MockGoogleMedia::start().await;
    let hub = TestHub::start_with_config(&config(&veo_channel(&upstream))).await;
    let url = hub.url("/v1beta/models/veo:predictLongRunning");
    let six = json!({"instances": [{"prompt": "six"}], "parameters": {"durationSeconds": 6}});
    let (status, first) = gemini(
        reqwest::Method::POST,
        url.clone(),
        CAPPED,
        Some(six.clone()),
    )
    .await;
    assert_eq!(status, 200, "{first}");
    let name = first["name"].as_str().unwrap().to_owned();
    let (status, refused) = gemini(reqwest::Method::POST, url.clone(), CAPPED, Some(six)).await;
    assert_eq!(status, 403, "{refused}");
    assert_google_error(&refused, 403, "PERMISSION_DENIED");
    assert_eq!(upstream.state.created.lock().unwrap().len(), 1);

    let mut done = false;
    for _ in 0..20 {
        let (status, operation) = gemini(
            reqwest::Method::GET,
            hub.url(&format!("/v1beta/{name}")),
            CAPPED,
            None,
        )
        .await;
        assert_eq!(status, 200, "{operation}");
        if operation["done"] == true {
            done = true;
            break;
        }
    }
    assert!(done, "the operation never finished");
    let bill = one_bill(&hub, name.rsplit('/').next().unwrap()).await;
    assert_eq!(
        Decimal::from_str(&bill.cost).unwrap(),
        Decimal::from_str("0.600000001").unwrap()
    );
    // 0.400000001 left: a 4 s operation fits to the nano-unit, once the bill is charged.
    let four = json!({"instances": [{"prompt": "four"}], "parameters": {"durationSeconds": 4}});
    let mut answered = 0;
    for _ in 0..100 {
        let (status, _) = gemini(
            reqwest::Method::POST,
            url.clone(),
            CAPPED,
            Some(four.clone()),
        )
        .await;
        answered = status;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(answered, 200);
    hub.stop().await.unwrap();
}
