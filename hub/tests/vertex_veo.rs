//! Veo on a `vertexai` channel through the whole server: express-mode `predictLongRunning`, the `fetchPredictOperation` poll, the inline video, the bill.
//!
//! The mock speaks Vertex's wire format: `POST /v1/publishers/google/models/{model}:{method}`
//! with the express-mode API key in `x-goog-api-key`, an operation name in Vertex's shape, a
//! poll that answers `done: false` once and then the video as `bytesBase64Encoded`, and
//! Google's error document for what it refuses.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::support;
use crate::video_tasks::call;
use support::TestHub;

const ACME: &str = "sk-vertex-veo-acme-0001";
const OTHER: &str = "sk-vertex-veo-other-0001";
/// The express-mode API key the mock accepts.
pub(crate) const API_KEY: &str = "AQ.vertex-veo-test-key";
pub(crate) const MODEL: &str = "veo-3.0-generate-001";

/// The mock's video: a byte pattern, sent inline as base64.
pub(crate) fn content() -> Vec<u8> {
    (0..96 * 1024).map(|index| (index % 253) as u8).collect()
}

#[derive(Default)]
pub(crate) struct VeoState {
    /// Each creation: the model of its path and its body.
    pub(crate) created: Mutex<Vec<(String, Value)>>,
    /// Polls so far, by operation name.
    polls: Mutex<HashMap<String, u32>>,
    /// Every method called with the model of its path, in order.
    pub(crate) calls: Mutex<Vec<String>>,
}

pub(crate) struct MockVertexVeo {
    addr: std::net::SocketAddr,
    pub(crate) state: Arc<VeoState>,
}

impl MockVertexVeo {
    pub(crate) async fn start() -> MockVertexVeo {
        let state = Arc::new(VeoState::default());
        let app = Router::new()
            .route("/v1/publishers/{publisher}/models/{target}", post(method))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockVertexVeo { addr, state }
    }

    pub(crate) fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

fn google_error(status: StatusCode, message: &str) -> Response {
    let body = json!({"error": {"code": status.as_u16(), "message": message,
        "status": if status == StatusCode::NOT_FOUND { "NOT_FOUND" } else { "INVALID_ARGUMENT" }}});
    (status, Json(body)).into_response()
}

async fn method(
    State(state): State<Arc<VeoState>>,
    Path((publisher, target)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if headers
        .get("x-goog-api-key")
        .and_then(|value| value.to_str().ok())
        != Some(API_KEY)
    {
        return google_error(
            StatusCode::BAD_REQUEST,
            "API key not valid. Please pass a valid API key.",
        );
    }
    let Some((model, method)) = target.rsplit_once(':') else {
        return google_error(
            StatusCode::NOT_FOUND,
            "The requested URL was not found on this server.",
        );
    };
    if publisher != "google" || model != MODEL {
        return google_error(
            StatusCode::NOT_FOUND,
            &format!("Publisher Model `publishers/{publisher}/models/{model}` was not found."),
        );
    }
    state.calls.lock().unwrap().push(method.to_owned());
    match method {
        "predictLongRunning" => {
            if body["instances"][0]["prompt"].as_str().is_none() {
                return google_error(StatusCode::BAD_REQUEST, "prompt is required");
            }
            let mut created = state.created.lock().unwrap();
            created.push((model.to_owned(), body));
            let name = format!(
                "projects/veo-test/locations/us-central1/publishers/google/models/{model}/operations/{}",
                created.len()
            );
            Json(json!({"name": name})).into_response()
        }
        "fetchPredictOperation" => {
            let Some(name) = body["operationName"].as_str() else {
                return google_error(StatusCode::BAD_REQUEST, "operationName is required");
            };
            if !name.contains(&format!("/models/{model}/operations/")) {
                return google_error(StatusCode::NOT_FOUND, "Operation not found.");
            }
            let polls = {
                let mut polls = state.polls.lock().unwrap();
                let count = polls.entry(name.to_owned()).or_default();
                *count += 1;
                *count
            };
            if polls == 1 {
                return Json(json!({"name": name, "done": false})).into_response();
            }
            let video = base64::engine::general_purpose::STANDARD.encode(content());
            Json(json!({
                "name": name,
                "done": true,
                "response": {
                    "@type": "type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse",
                    "raiMediaFilteredCount": 0,
                    "videos": [{"bytesBase64Encoded": video, "mimeType": "video/mp4"}]
                }
            }))
            .into_response()
        }
        _ => google_error(
            StatusCode::NOT_FOUND,
            "The requested method is not supported.",
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn veo_on_vertex_in_express_mode_is_created_polled_downloaded_and_billed() {
    let upstream = MockVertexVeo::start().await;
    let hub = TestHub::start_with_config(&format!(
        r#"
groups: [{{id: acme, balance: "100"}}, {{id: other, balance: "100"}}]
tokens:
  - {{group: acme, name: app, key: {ACME}}}
  - {{group: other, name: app, key: {OTHER}}}
channels:
  - name: vertex-veo
    type: vertexai
    base_url: "{base}"
    key: "us-central1|{API_KEY}"
    models: [veo]
    model_mapping: {{veo: {MODEL}}}
models:
  - model: veo
    type: video
    config:
      media:
        video: {{price_per_second: "0.1", price_per_video: "0.000000001"}}
"#,
        base = upstream.base_url()
    ))
    .await;

    let (status, created) = call(
        reqwest::Method::POST,
        hub.url("/v1/videos"),
        ACME,
        Some(json!({"model": "veo", "prompt": "a lighthouse at night", "size": "720x1280"})),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["status"], "queued");
    assert_eq!(created["model"], "veo");
    assert_eq!(created["seconds"], "8", "Veo's default length");
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(
        id.starts_with("video_") && !id.contains("operations"),
        "{id}"
    );
    let sent = upstream.state.created.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    let (model, body) = &sent[0];
    assert_eq!(model, MODEL, "the mapped model, on Google's publisher path");
    assert_eq!(body["instances"][0]["prompt"], "a lighthouse at night");
    assert_eq!(body["parameters"]["aspectRatio"], "9:16");
    assert_eq!(body["parameters"]["sampleCount"], 1);

    // Another group sees nothing of it.
    let (status, _) = call(
        reqwest::Method::GET,
        hub.url(&format!("/v1/videos/{id}")),
        OTHER,
        None,
    )
    .await;
    assert_eq!(status, 404);

    let mut seen = Vec::new();
    let mut finished = Value::Null;
    for _ in 0..10 {
        let (status, object) = call(
            reqwest::Method::GET,
            hub.url(&format!("/v1/videos/{id}")),
            ACME,
            None,
        )
        .await;
        assert_eq!(status, 200, "{object}");
        let state = object["status"].as_str().unwrap().to_owned();
        seen.push(state.clone());
        if state == "completed" {
            finished = object;
            break;
        }
    }
    assert_eq!(finished["status"], "completed", "{seen:?}");
    assert!(seen.contains(&"in_progress".to_owned()), "{seen:?}");
    assert_eq!(finished["id"], id.as_str());
    assert_eq!(finished["model"], "veo");
    assert!(
        upstream
            .state
            .calls
            .lock()
            .unwrap()
            .iter()
            .skip(1)
            .all(|method| method == "fetchPredictOperation"),
        "polled with fetchPredictOperation"
    );

    let response = reqwest::Client::new()
        .get(hub.url(&format!("/v1/videos/{id}/content")))
        .bearer_auth(ACME)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "video/mp4"
    );
    assert_eq!(response.bytes().await.unwrap().to_vec(), content());

    // The bill: one video and Veo's 8 s (the finished operation names no length) at 0.1, once
    // however often the job is read.
    for _ in 0..2 {
        let (_, object) = call(
            reqwest::Method::GET,
            hub.url(&format!("/v1/videos/{id}")),
            ACME,
            None,
        )
        .await;
        assert_eq!(object["status"], "completed");
    }
    let mut bills = Vec::new();
    for _ in 0..100 {
        bills = support::group_logs(&hub, "acme", 2)
            .await
            .into_iter()
            .filter(|row| row.request_id == id)
            .collect();
        if !bills.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let again: Vec<_> = support::group_logs(&hub, "acme", 2)
        .await
        .into_iter()
        .filter(|row| row.request_id == id)
        .collect();
    assert_eq!(again.len(), 1, "{bills:?}");
    let bill = &again[0];
    assert_eq!(
        Decimal::from_str(&bill.cost).unwrap(),
        Decimal::from_str("0.800000001").unwrap()
    );
    assert_eq!(bill.endpoint, "/v1/videos");
    assert_eq!(bill.requested_model, "veo");
    assert_eq!(bill.actual_model, MODEL);
    assert_eq!(bill.upstream_request_id, id);
    let detail: Value = serde_json::from_str(&bill.charge_detail).unwrap();
    assert_eq!(detail["video_seconds"]["units"], 8, "{detail}");
    assert_eq!(detail["video"]["units"], 1, "{detail}");
    hub.stop().await.unwrap();
}
