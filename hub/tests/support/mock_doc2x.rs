//! A mock Doc2X v2 PDF API: the PDF uploaded as a job, its status read until each page's markdown is ready, a pre-upload.
//!
//! Routes: `POST /api/v2/parse/pdf` (the PDF as the body, a Bearer key), `GET
//! /api/v2/parse/status?uid=` (processing, then the pages), `POST /api/v2/parse/preupload`;
//! every answer in Doc2X's `{code, msg, data}` envelope.
//!
//! It counts the pages of the PDF it is sent (its `/Type /Page` objects), so the pages it
//! answers with are the document's. Its keys choose its behaviour: [`KEY`] works,
//! [`BROKEN_KEY`] gets HTTP 500 on upload, [`DRAINED_KEY`] gets Doc2X's page-quota error. A
//! PDF whose text holds [`UNREADABLE`] fails as a job (`status: failed`). [`tiny_pdf`] writes
//! a real PDF of any number of pages.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

pub const KEY: &str = "sk-doc2x-mock-0001";
pub const BROKEN_KEY: &str = "sk-doc2x-mock-broken";
pub const DRAINED_KEY: &str = "sk-doc2x-mock-drained";
/// Text that makes a document's job fail.
pub const UNREADABLE: &str = "unreadable";

#[derive(Default)]
pub struct MockState {
    /// Every uploaded body, in order.
    pub uploads: Mutex<Vec<Bytes>>,
    /// uid -> (pages, fails, status reads so far).
    jobs: Mutex<HashMap<String, (usize, bool, u32)>>,
    pub status_reads: Mutex<u32>,
}

pub struct MockDoc2x {
    pub addr: SocketAddr,
    pub state: Arc<MockState>,
}

impl MockDoc2x {
    pub async fn start() -> MockDoc2x {
        let state = Arc::new(MockState::default());
        let app = Router::new()
            .route("/api/v2/parse/pdf", post(upload))
            .route("/api/v2/parse/status", get(status))
            .route("/api/v2/parse/preupload", post(preupload))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockDoc2x { addr, state }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn uploads(&self) -> Vec<Bytes> {
        self.state.uploads.lock().unwrap().clone()
    }
}

fn failure(code: &str, message: &str) -> Response {
    Json(json!({"code": code, "msg": message})).into_response()
}

/// The presented key, if it is one of the mock's.
fn key(headers: &HeaderMap) -> Option<&'static str> {
    let presented = headers.get("authorization")?.to_str().ok()?;
    let presented = presented.strip_prefix("Bearer ")?;
    [KEY, BROKEN_KEY, DRAINED_KEY]
        .into_iter()
        .find(|known| *known == presented)
}

/// The page objects of a PDF: `/Type /Page`, not `/Type /Pages`.
fn count_pages(pdf: &[u8]) -> usize {
    let marker = b"/Type /Page";
    pdf.windows(marker.len() + 1)
        .filter(|window| window.starts_with(marker) && window[marker.len()] != b's')
        .count()
}

async fn upload(State(state): State<Arc<MockState>>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(key) = key(&headers) else {
        return (
            StatusCode::UNAUTHORIZED,
            failure("unauthorized", "invalid api key"),
        )
            .into_response();
    };
    if key == BROKEN_KEY {
        return (StatusCode::INTERNAL_SERVER_ERROR, "upstream exploded").into_response();
    }
    if key == DRAINED_KEY {
        return failure("parse_quota_limit", "the account has no pages left");
    }
    if !body.starts_with(b"%PDF-") {
        return failure("parse_file_invalid", "the file is not a pdf");
    }
    state.uploads.lock().unwrap().push(body.clone());
    let pages = count_pages(&body);
    let fails = body
        .windows(UNREADABLE.len())
        .any(|window| window == UNREADABLE.as_bytes());
    let mut jobs = state.jobs.lock().unwrap();
    let uid = format!("0192d745-5776-7261-abbd-{:012}", jobs.len());
    jobs.insert(uid.clone(), (pages, fails, 0));
    Json(json!({"code": "success", "data": {"uid": uid}})).into_response()
}

async fn status(
    State(state): State<Arc<MockState>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if key(&headers).is_none() {
        return (
            StatusCode::UNAUTHORIZED,
            failure("unauthorized", "invalid api key"),
        )
            .into_response();
    }
    *state.status_reads.lock().unwrap() += 1;
    let mut jobs = state.jobs.lock().unwrap();
    let Some((pages, fails, reads)) = query.get("uid").and_then(|uid| jobs.get_mut(uid)) else {
        return failure("parse_status_not_found", "no such task");
    };
    *reads += 1;
    // The first read finds the job still being parsed, as a real one would.
    if *reads == 1 {
        return Json(json!({"code": "success",
            "data": {"progress": 0, "status": "processing", "detail": ""}}))
        .into_response();
    }
    if *fails {
        return Json(json!({"code": "success",
            "data": {"progress": 0, "status": "failed", "detail": "the document could not be read"}}))
        .into_response();
    }
    let pages: Vec<_> = (0..*pages)
        .map(|index| {
            json!({"url": "", "page_idx": index, "page_width": 200, "page_height": 200,
                "md": format!("<!-- Media -->\n# Page {}\n\nText of page {}.", index + 1, index + 1)})
        })
        .collect();
    Json(
        json!({"code": "success", "data": {"progress": 100, "status": "success", "detail": "",
        "result": {"version": "v2", "pages": pages}}}),
    )
    .into_response()
}

async fn preupload(headers: HeaderMap) -> Response {
    if key(&headers).is_none() {
        return (
            StatusCode::UNAUTHORIZED,
            failure("unauthorized", "invalid api key"),
        )
            .into_response();
    }
    Json(json!({"code": "success", "data": {"uid": "0192d745-0000", "url": "http://upload.invalid/x.pdf"}}))
        .into_response()
}

/// A real PDF 1.4 of `pages` pages, each showing `text` in Helvetica, with a correct
/// cross-reference table.
pub fn tiny_pdf(pages: usize, text: &str) -> Vec<u8> {
    // 1: catalog, 2: page tree, 3: font, then a page and its content stream per page.
    let page_id = |index: usize| 4 + 2 * index;
    let kids: Vec<String> = (0..pages)
        .map(|index| format!("{} 0 R", page_id(index)))
        .collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    for index in 0..pages {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents {} 0 R \
             /Resources << /Font << /F1 3 0 R >> >> >>",
            page_id(index) + 1
        ));
        let stream = format!("BT /F1 12 Tf 20 100 Td ({text} {}) Tj ET", index + 1);
        objects.push(format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ));
    }
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", index + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

#[test]
fn tiny_pdfs_have_the_pages_asked_for_and_a_true_cross_reference_table() {
    let pdf = tiny_pdf(3, "hello");
    assert_eq!(count_pages(&pdf), 3);
    let text = String::from_utf8(pdf.clone()).unwrap();
    let startxref: usize = text
        .rsplit("startxref\n")
        .next()
        .and_then(|tail| tail.lines().next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(text[startxref..].starts_with("xref\n0 10\n"));
    // Every entry points at its object's header.
    for (number, line) in text[startxref..].lines().skip(3).take(9).enumerate() {
        let offset: usize = line[..10].parse().unwrap();
        assert!(
            text[offset..].starts_with(&format!("{} 0 obj", number + 1)),
            "{line}"
        );
    }
}
