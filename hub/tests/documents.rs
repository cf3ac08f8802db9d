//! `POST /v1/parse/pdf` through a `doc2x` channel end to end: parsed, billed per page to the nano-unit, its failures mapped.
//!
//! A real PDF is uploaded as multipart and parsed by a mock speaking Doc2X's job API; the
//! answer is markdown; refusals and upstream failures are mapped and logged at no charge.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::support;
use support::TestHub;
use support::mock_doc2x::{BROKEN_KEY, DRAINED_KEY, KEY, MockDoc2x, UNREADABLE, tiny_pdf};

const TOKEN: &str = "sk-documents-0001";
/// Nine decimal places: the charge is exact to the nano-unit.
const PRICE_PER_PAGE: &str = "0.123456789";
/// Small enough that a test can exceed it, large enough for the tiny PDFs.
const BODY_LIMIT: usize = 64 * 1024;

async fn hub_on(upstream: &MockDoc2x) -> TestHub {
    let (mut settings, data_dir) = TestHub::settings();
    settings.max_body_bytes = BODY_LIMIT;
    let config = format!(
        r#"
groups: [{{id: acme, balance: "100"}}]
tokens: [{{group: acme, name: docs, key: {TOKEN}}}]
channels:
  - {{name: doc2x, type: doc2x, base_url: "{base}", key: {KEY}, models: [pdf]}}
  - {{name: broken, type: doc2x, base_url: "{base}", key: {BROKEN_KEY}, models: [pdf-broken]}}
  - {{name: drained, type: doc2x, base_url: "{base}", key: {DRAINED_KEY}, models: [pdf-drained]}}
models:
  - model: pdf
    type: document
    config: {{media: {{documents: {{price_per_page: "{PRICE_PER_PAGE}"}}}}}}
  - {{model: pdf-broken, type: document}}
  - {{model: pdf-drained, type: document}}
"#,
        base = upstream.base_url()
    );
    let path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&path, config).unwrap();
    settings.config_file_path = Some(path);
    TestHub::start_with(settings, data_dir).await
}

/// A multipart body with `fields` and the file `file` as `upload.pdf`.
fn form(fields: &[(&str, &str)], file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "documents-boundary-1";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload.pdf\"\r\nContent-Type: application/pdf\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn parse(hub: &TestHub, fields: &[(&str, &str)], file: &[u8]) -> (u16, Value) {
    let (content_type, body) = form(fields, file);
    let answer = reqwest::Client::new()
        .post(hub.url("/v1/parse/pdf"))
        .bearer_auth(TOKEN)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap())
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pdf_is_parsed_into_markdown_and_billed_per_page() {
    let upstream = MockDoc2x::start().await;
    let hub = hub_on(&upstream).await;

    let three_pages = tiny_pdf(3, "hello");
    let (status, answer) = parse(&hub, &[("model", "pdf")], &three_pages).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["pages"], 3);
    let markdown = answer["markdown"].as_str().unwrap();
    for page in 1..=3 {
        assert!(markdown.contains(&format!("# Page {page}")), "{markdown}");
    }
    assert!(!markdown.contains("<!-- Media -->"), "{markdown}");
    // The PDF reached Doc2X byte for byte.
    assert_eq!(upstream.uploads(), vec![bytes::Bytes::from(three_pages)]);

    let (status, answer) = parse(
        &hub,
        &[("model", "pdf"), ("response_format", "list")],
        &tiny_pdf(2, "again"),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let pages = answer["markdowns"].as_array().unwrap();
    assert_eq!(pages.len(), 2);
    assert!(pages[1].as_str().unwrap().contains("# Page 2"), "{answer}");

    let rows = support::group_logs(&hub, "acme", 2).await;
    let mut costs: Vec<Decimal> = rows
        .iter()
        .filter(|row| row.endpoint == "/v1/parse/pdf" && row.status_code == 200)
        .map(|row| dec(&row.cost))
        .collect();
    costs.sort();
    // 2 and 3 pages at 0.123456789 each.
    assert_eq!(costs, vec![dec("0.246913578"), dec("0.370370367")]);
    assert!(rows.iter().all(|row| row.requested_model == "pdf"));
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_and_upstream_failures_are_mapped_and_charge_nothing() {
    let upstream = MockDoc2x::start().await;
    let hub = hub_on(&upstream).await;
    let check = |answer: &Value, code: &str, param: Option<&str>| {
        assert_eq!(answer["error"]["code"], code, "{answer}");
        if let Some(param) = param {
            assert_eq!(answer["error"]["param"], param, "{answer}");
        }
    };

    // Not a PDF: refused before anything goes upstream.
    let (status, answer) = parse(&hub, &[("model", "pdf")], b"PK\x03\x04 a zip, not a pdf").await;
    assert_eq!(status, 400, "{answer}");
    check(&answer, "invalid_request", Some("file"));
    // Larger than the body limit.
    let (status, answer) = parse(&hub, &[("model", "pdf")], &vec![b'%'; BODY_LIMIT + 1]).await;
    assert_eq!(status, 413, "{answer}");
    check(&answer, "request_too_large", None);
    // An unknown response format.
    let (status, answer) = parse(
        &hub,
        &[("model", "pdf"), ("response_format", "html")],
        &tiny_pdf(1, "x"),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    check(&answer, "invalid_request", Some("response_format"));
    assert!(upstream.uploads().is_empty());

    // Doc2X fails the job: its reason reaches the client as a 400 on the file.
    let (status, answer) = parse(&hub, &[("model", "pdf")], &tiny_pdf(1, UNREADABLE)).await;
    assert_eq!(status, 400, "{answer}");
    check(&answer, "document_rejected", Some("file"));
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("the document could not be read"),
        "{message}"
    );
    // Doc2X answers 500: an upstream error.
    let (status, answer) = parse(&hub, &[("model", "pdf-broken")], &tiny_pdf(1, "x")).await;
    assert_eq!(status, 502, "{answer}");
    check(&answer, "upstream_error", None);
    // The channel's account has no pages left: its credentials' fault, not the client's.
    let (status, answer) = parse(&hub, &[("model", "pdf-drained")], &tiny_pdf(1, "x")).await;
    assert_eq!(status, 502, "{answer}");
    check(&answer, "upstream_credentials", None);
    // The key is never repeated.
    assert!(!answer.to_string().contains(DRAINED_KEY));

    let rows = support::group_logs(&hub, "acme", 6).await;
    let failures: Vec<_> = rows
        .iter()
        .filter(|row| row.endpoint == "/v1/parse/pdf")
        .collect();
    assert_eq!(failures.len(), 6, "{rows:?}");
    let mut statuses: Vec<i64> = failures.iter().map(|row| row.status_code).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, vec![400, 400, 400, 413, 502, 502]);
    assert!(
        failures.iter().all(|row| dec(&row.cost).is_zero()),
        "{failures:?}"
    );
    hub.stop().await.unwrap();
}
