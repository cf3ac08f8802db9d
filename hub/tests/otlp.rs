//! OTLP trace export: with an endpoint set, the span of an HTTP request (carrying its request id) reaches a local fake OTLP/HTTP collector as protobuf.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is a failed test"
)]

use crate::support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;

type Received = Arc<Mutex<Vec<(String, Bytes)>>>;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_spans_reach_the_collector() {
    // The export installs the process's tracing subscriber: a child process keeps it from the
    // other tests of this binary.
    if !support::in_own_process("otlp::request_spans_reach_the_collector").await {
        return;
    }
    let received = Received::default();
    let collector = Router::new()
        .route(
            "/v1/traces",
            post(
                |State(received): State<Received>, headers: HeaderMap, body: Bytes| async move {
                    let content_type = headers
                        .get("content-type")
                        .and_then(|value| value.to_str().ok())
                        .unwrap_or_default()
                        .to_owned();
                    received.lock().unwrap().push((content_type, body));
                    ""
                },
            ),
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, collector).await });

    // The only subscriber of this process: nothing else installs one first.
    let export = hub::process::telemetry::init_with_otlp("text", Some(&format!("http://{addr}/")))
        .expect("the OTLP export starts");
    let hub = support::TestHub::start().await;
    let response = reqwest::Client::new()
        .get(hub.url("/api/status"))
        .header("x-request-id", "otlp-trace-check-42")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let wanted: &[u8] = b"otlp-trace-check-42";
    let mut found = false;
    for _ in 0..100 {
        export.flush();
        found = received.lock().unwrap().iter().any(|(content_type, body)| {
            content_type == "application/x-protobuf"
                && body.windows(wanted.len()).any(|window| window == wanted)
        });
        if found {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let batches = received.lock().unwrap().len();
    assert!(
        found,
        "no exported span carries the request id ({batches} batches received)"
    );
    hub.stop().await.unwrap();
}
