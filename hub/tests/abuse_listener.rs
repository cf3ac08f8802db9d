//! Hostile clients against the whole server: slow headers, idle connections, too many connections,
//! huge model names, reused request ids and unauthenticated scrapes each get a bounded answer, and
//! a normal request is served afterwards.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is a failed test"
)]

use crate::support;

use std::time::Duration;

use futures::StreamExt as _;
use hub::process::settings::Settings;
use support::TestHub;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Settings with the listener's timeouts short enough for a test.
fn listener_settings(edit: impl FnOnce(&mut Settings)) -> (Settings, tempfile::TempDir) {
    let (mut settings, data_dir) = TestHub::settings();
    settings.header_read_timeout_seconds = 30;
    settings.idle_timeout_seconds = 30;
    edit(&mut settings);
    (settings, data_dir)
}

/// A client with no pooled connections, so each request opens its own.
fn fresh_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap()
}

/// The server still answers an ordinary request.
async fn assert_still_serving(hub: &TestHub) {
    let response = fresh_client()
        .get(hub.url("/api/status"))
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

/// Waits until the server closes `stream` (EOF or reset), reading and discarding what it sends.
async fn closed_by_server(stream: &mut TcpStream) {
    let mut buffer = [0_u8; 4096];
    loop {
        match stream.read(&mut buffer).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

#[tokio::test]
async fn slow_headers_are_cut_by_the_header_timeout() {
    let (settings, data_dir) = listener_settings(|settings| {
        settings.header_read_timeout_seconds = 1;
    });
    let hub = TestHub::start_with(settings, data_dir).await;
    let mut stream = TcpStream::connect(hub.addr).await.unwrap();
    stream
        .write_all(b"GET /api/status HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let (mut reader, mut writer) = stream.into_split();
    // One header line a second, forever, until the server hangs up.
    let trickle = tokio::spawn(async move {
        for line in 0.. {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if writer
                .write_all(format!("X-Slow-{line}: 1\r\n").as_bytes())
                .await
                .is_err()
            {
                return;
            }
        }
    });
    let closed = tokio::time::timeout(Duration::from_secs(3), async {
        let mut buffer = [0_u8; 4096];
        loop {
            match reader.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    trickle.abort();
    assert!(
        closed.is_ok(),
        "a connection trickling headers stayed open past 3x the header timeout"
    );
    assert_still_serving(&hub).await;
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn an_idle_http1_keep_alive_connection_is_closed() {
    let (settings, data_dir) = listener_settings(|settings| {
        settings.idle_timeout_seconds = 1;
    });
    let hub = TestHub::start_with(settings, data_dir).await;
    let mut stream = TcpStream::connect(hub.addr).await.unwrap();
    stream
        .write_all(b"GET /api/status HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buffer = vec![0_u8; 4096];
    let read = stream.read(&mut buffer).await.unwrap();
    assert!(buffer[..read].starts_with(b"HTTP/1.1 200"));
    let closed = tokio::time::timeout(Duration::from_secs(3), closed_by_server(&mut stream)).await;
    assert!(
        closed.is_ok(),
        "an idle keep-alive connection stayed open past 3x the idle timeout"
    );
    assert_still_serving(&hub).await;
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn a_silent_connection_is_closed() {
    let (settings, data_dir) = listener_settings(|settings| {
        settings.idle_timeout_seconds = 1;
    });
    let hub = TestHub::start_with(settings, data_dir).await;
    // Connects and never sends a byte: not even the protocol is known yet.
    let mut stream = TcpStream::connect(hub.addr).await.unwrap();
    let closed = tokio::time::timeout(Duration::from_secs(3), closed_by_server(&mut stream)).await;
    assert!(
        closed.is_ok(),
        "a silent connection stayed open past 3x the idle timeout"
    );
    assert_still_serving(&hub).await;
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn an_idle_http2_connection_is_closed() {
    let (settings, data_dir) = listener_settings(|settings| {
        settings.idle_timeout_seconds = 1;
    });
    let hub = TestHub::start_with(settings, data_dir).await;
    let stream = TcpStream::connect(hub.addr).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http2::handshake(
        hyper_util::rt::TokioExecutor::new(),
        hyper_util::rt::TokioIo::new(stream),
    )
    .await
    .unwrap();
    let connection = tokio::spawn(connection);
    let request = hyper::Request::get(hub.url("/api/status"))
        .body(http_body_util::Empty::<bytes::Bytes>::new())
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(response.status(), 200);
    drop(response);
    let ended = tokio::time::timeout(Duration::from_secs(3), connection).await;
    assert!(
        ended.is_ok(),
        "an idle HTTP/2 connection stayed open past 3x the idle timeout"
    );
    assert_still_serving(&hub).await;
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn beyond_max_connections_new_ones_wait_until_one_closes() {
    let (settings, data_dir) = listener_settings(|settings| {
        settings.max_connections = 2;
    });
    let hub = TestHub::start_with(settings, data_dir).await;
    // The readiness probe's connection may still be closing: wait until both places are free.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let first = TcpStream::connect(hub.addr).await.unwrap();
    let _second = TcpStream::connect(hub.addr).await.unwrap();
    let refused = fresh_client()
        .get(hub.url("/api/status"))
        .timeout(Duration::from_secs(1))
        .send()
        .await;
    assert!(
        refused.is_err(),
        "a third connection was served with max_connections = 2"
    );
    drop(first);
    // A place is free again: the next connection is served.
    assert_still_serving(&hub).await;
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn beyond_max_connections_per_address_new_ones_are_closed() {
    let (settings, data_dir) = listener_settings(|settings| {
        settings.max_connections_per_address = 1;
    });
    let hub = TestHub::start_with(settings, data_dir).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let held = TcpStream::connect(hub.addr).await.unwrap();
    let mut second = TcpStream::connect(hub.addr).await.unwrap();
    let closed = tokio::time::timeout(Duration::from_secs(3), closed_by_server(&mut second)).await;
    assert!(
        closed.is_ok(),
        "a second connection from one address stayed open"
    );
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_still_serving(&hub).await;
    hub.stop().await.unwrap();
}

const KEY: &str = "sk-abuse-listener-0001";

/// One group `acme` with a balance, one token, one channel to `upstream_base` (an OpenAI
/// `/v1` URL) and the priced model `gpt-4o-mini`.
async fn relay_hub(upstream_base: &str, edit: impl FnOnce(&mut Settings)) -> TestHub {
    let (mut settings, data_dir) = listener_settings(edit);
    let path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(
        &path,
        format!(
            "groups:\n  - id: acme\n    balance: 1000000\ntokens:\n  - group: acme\n    name: main\n    key: {KEY}\n\
             channels:\n  - name: mock\n    type: openai\n    base_url: {upstream_base}\n    key: sk-upstream\n    models: [gpt-4o-mini]\n\
             models:\n  - model: gpt-4o-mini\n    price: {{input_price: 1, output_price: 1, unit: 1}}\n"
        ),
    )
    .unwrap();
    settings.config_file_path = Some(path);
    TestHub::start_with(settings, data_dir).await
}

async fn scrape(hub: &TestHub) -> String {
    let response = fresh_client()
        .get(hub.url("/metrics"))
        .bearer_auth(support::ADMIN_KEY)
        .header("accept", "application/openmetrics-text; version=1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

#[tokio::test]
async fn metrics_need_the_admin_key_on_the_main_port() {
    let hub = TestHub::start().await;
    let client = fresh_client();
    let anonymous = client.get(hub.url("/metrics")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let wrong = client
        .get(hub.url("/metrics"))
        .bearer_auth("not-the-admin-key-at-all")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(scrape(&hub).await.ends_with("# EOF\n"));
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn metrics_listen_serves_metrics_alone_without_a_key() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let metrics_address = free.local_addr().unwrap();
    drop(free);
    let (mut settings, data_dir) = TestHub::settings();
    settings.metrics_listen = Some(metrics_address);
    let hub = TestHub::start_with(settings, data_dir).await;
    let client = fresh_client();
    let scraped = client
        .get(format!("http://{metrics_address}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(scraped.status(), 200);
    // A scraper that does not ask for OpenMetrics (promtool, curl) gets the classic format.
    assert_eq!(
        scraped.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let classic = scraped.text().await.unwrap();
    assert!(
        classic.contains("# TYPE aiproxy_log_rows_dropped_total counter"),
        "{classic}"
    );
    assert!(!classic.contains("# EOF"), "{classic}");
    let other = client
        .get(format!("http://{metrics_address}/api/status"))
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn a_huge_model_name_grows_neither_metrics_nor_log_rows() {
    let upstream = support::mock_openai::MockOpenAi::start().await;
    let hub = relay_hub(&upstream.base_url(), |_| {}).await;
    let client = fresh_client();
    // One configured request first, so the scrape has its series before the baseline.
    let answer = client
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(KEY)
        .json(&serde_json::json!({"model": "gpt-4o-mini",
            "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    support::group_logs(&hub, "acme", 1).await;
    let baseline = scrape(&hub).await.len();
    let huge = "m".repeat(5 * 1024 * 1024);
    for index in 0..3 {
        let answer = client
            .post(hub.url("/v1/chat/completions"))
            .bearer_auth(KEY)
            .json(&serde_json::json!({"model": format!("{huge}{index}"),
                "messages": [{"role": "user", "content": "hi"}]}))
            .timeout(Duration::from_secs(20))
            .send()
            .await
            .unwrap();
        // The answer's size is the relay's business; the hub's is what it keeps afterwards.
        assert!(answer.status().is_client_error(), "{}", answer.status());
    }
    let rows = support::group_logs(&hub, "acme", 4).await;
    assert_eq!(rows.len(), 4);
    for row in &rows {
        let text_bytes = row.requested_model.len()
            + row.actual_model.len()
            + row.error.len()
            + row.request_id.len()
            + row.endpoint.len()
            + row.user.len();
        assert!(
            text_bytes <= 8 * 1024,
            "a log row holds {text_bytes} bytes of text"
        );
    }
    let grown = scrape(&hub).await.len();
    assert!(
        grown <= baseline + 8 * 1024,
        "/metrics grew from {baseline} to {grown} bytes"
    );
    assert_still_serving(&hub).await;
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn a_reused_request_id_gives_one_row_per_request_and_one_charge_per_row() {
    use hub::edges::grpc::pb;
    let upstream = support::mock_openai::MockOpenAi::start().await;
    let hub = relay_hub(&upstream.base_url(), |_| {}).await;
    let client = fresh_client();
    for _ in 0..3 {
        let answer = client
            .post(hub.url("/v1/chat/completions"))
            .bearer_auth(KEY)
            .header("x-request-id", "same-id-every-time")
            .json(
                &serde_json::json!({"model": "gpt-4o-mini", "max_tokens": 10,
                "messages": [{"role": "user", "content": "hi"}]}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        assert_eq!(answer.headers()["x-request-id"], "same-id-every-time");
    }
    let rows = support::group_logs(&hub, "acme", 3).await;
    assert_eq!(rows.len(), 3, "one row per request");
    let row_cost: f64 = rows
        .iter()
        .map(|row| row.cost.parse::<f64>().unwrap())
        .sum();
    assert!(row_cost > 0.0);
    // The client's id finds every row it was given to.
    let mut logs =
        pb::log_service_client::LogServiceClient::new(support::control_channel(&hub).await);
    let found = logs
        .list_logs(support::admin(pb::ListLogsRequest {
            filter: Some(pb::LogFilter {
                request_id: Some("same-id-every-time".into()),
                ..pb::LogFilter::default()
            }),
            page_size: 100,
            page_token: String::new(),
        }))
        .await
        .unwrap()
        .into_inner()
        .logs;
    assert_eq!(found.len(), 3);
    assert!(
        found
            .iter()
            .all(|row| row.request_id == "same-id-every-time")
    );
    let one = logs
        .get_log(support::admin(pb::GetLogRequest {
            request_id: "same-id-every-time".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(one.log.is_some());
    // Every charge has its row: the group paid exactly what the rows cost.
    let group =
        pb::group_service_client::GroupServiceClient::new(support::control_channel(&hub).await)
            .get_group(support::admin(pb::GetGroupRequest { id: "acme".into() }))
            .await
            .unwrap()
            .into_inner();
    let balance: f64 = group.balance.parse().unwrap();
    assert!(
        (1_000_000.0 - balance - row_cost).abs() < 1e-9,
        "charged {} for rows costing {row_cost}",
        1_000_000.0 - balance
    );
    assert_still_serving(&hub).await;
    hub.stop().await.unwrap();
}

/// An OpenAI-compatible upstream whose streamed answer pauses `pause` between its two chunks.
async fn pausing_upstream(pause: Duration) -> String {
    use axum::response::IntoResponse;
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        axum::routing::post(move || async move {
            let chunk = |content: &str| {
                format!(
                    "data: {}\n\n",
                    serde_json::json!({"id": "c1", "object": "chat.completion.chunk",
                        "created": 1, "model": "gpt-4o-mini",
                        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": null}]})
                )
            };
            let first = chunk("before-the-pause");
            let second = chunk("after-the-pause");
            let stream = futures::stream::iter([Ok::<_, std::io::Error>(first)]).chain(
                futures::stream::once(async move {
                    tokio::time::sleep(pause).await;
                    Ok(format!("{second}data: [DONE]\n\n"))
                }),
            );
            (
                [("content-type", "text/event-stream")],
                axum::body::Body::from_stream(stream),
            )
                .into_response()
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/v1")
}

#[tokio::test]
async fn a_quiet_stream_outlives_the_idle_timeout() {
    let upstream = pausing_upstream(Duration::from_millis(2500)).await;
    let hub = relay_hub(&upstream, |settings| {
        settings.idle_timeout_seconds = 1;
        settings.header_read_timeout_seconds = 1;
    })
    .await;
    let body = fresh_client()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(KEY)
        .json(&serde_json::json!({"model": "gpt-4o-mini", "stream": true,
            "messages": [{"role": "user", "content": "hi"}]}))
        .timeout(Duration::from_secs(20))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("before-the-pause"), "{body}");
    assert!(body.contains("after-the-pause"), "{body}");
    assert!(body.contains("[DONE]"), "{body}");
    hub.stop().await.unwrap();
}

/// The `aiproxy_db_pool_connections` gauge of a scrape.
fn pool_connections(scrape: &str) -> u64 {
    scrape
        .lines()
        .find_map(|line| line.strip_prefix("aiproxy_db_pool_connections "))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or_else(|| panic!("no pool gauge in {scrape}"))
}

#[tokio::test]
async fn a_flood_of_anonymous_status_requests_does_not_take_the_database_pool() {
    let database = support::TestDatabase::create().await;
    let (mut settings, data_dir) = TestHub::settings();
    settings.sql_dsn = Some(database.url());
    let hub = TestHub::start_with(settings, data_dir).await;
    let before = pool_connections(&scrape(&hub).await);
    let client = reqwest::Client::new();
    let requests = (0..200).map(|_| {
        let client = client.clone();
        let url = hub.url("/api/status");
        async move { client.get(url).send().await.unwrap().status() }
    });
    let statuses = futures::future::join_all(requests).await;
    assert!(statuses.iter().all(|status| *status == 200));
    let after = pool_connections(&scrape(&hub).await);
    assert!(
        after <= before + 2,
        "200 anonymous status requests opened the pool from {before} to {after} connections"
    );
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn an_oversized_request_head_is_refused() {
    let hub = TestHub::start().await;
    let mut stream = TcpStream::connect(hub.addr).await.unwrap();
    let padding = "a".repeat(100 * 1024);
    let request = format!("GET /api/status HTTP/1.1\r\nHost: x\r\nX-Padding: {padding}\r\n\r\n");
    // The server may stop reading before the whole head is written.
    let _ = stream.write_all(request.as_bytes()).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    assert!(
        !answer.starts_with(b"HTTP/1.1 200"),
        "a 100 KiB header was served: {}",
        String::from_utf8_lossy(&answer[..answer.len().min(200)])
    );
    assert_still_serving(&hub).await;
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn a_trickled_request_body_is_cut_by_the_body_timeout() {
    let upstream = support::mock_openai::MockOpenAi::start().await;
    let hub = relay_hub(&upstream.base_url(), |settings| {
        settings.body_read_timeout_seconds = 1;
    })
    .await;
    let stream = TcpStream::connect(hub.addr).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    writer
        .write_all(
            format!(
                "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {KEY}\r\n\
                 Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    // One byte of the body a second, far slower than the timeout allows.
    let trickle = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if writer.write_all(b" ").await.is_err() {
                return;
            }
        }
    });
    let answered = tokio::time::timeout(Duration::from_secs(3), async {
        let mut buffer = vec![0_u8; 4096];
        reader
            .read(&mut buffer)
            .await
            .map(|read| buffer[..read].to_vec())
    })
    .await;
    trickle.abort();
    let answer = answered.expect("a trickled body held the request past 3x the body timeout");
    let answer = answer.unwrap_or_default();
    assert!(
        !answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert_eq!(upstream.hits(), 0);
    assert_still_serving(&hub).await;
    hub.stop().await.unwrap();
}
