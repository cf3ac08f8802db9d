//! An OpenAI (and Azure v1) Videos API upstream: jobs that finish or fail as they are read, files streamed in halves, deletes, remixes, edits, extensions.
//!
//! Each read moves a job one step along queued, in_progress and completed (failed, for a
//! prompt containing "fail"); a creation may be JSON or multipart with `input_reference`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

/// The key an Azure channel on the mock must send in `api-key`.
pub const AZURE_KEY: &str = "azure-key";

/// Bytes of the mock's video file: more than one chunk's worth on the way through.
pub const CONTENT_BYTES: usize = 256 * 1024;

/// The mock's video file: a byte pattern a test can compare.
pub fn content() -> Vec<u8> {
    (0..CONTENT_BYTES)
        .map(|index| (index % 251) as u8)
        .collect()
}

/// One job as the mock keeps it.
#[derive(Clone)]
pub struct Job {
    pub object: Value,
    /// Reads so far; each moves the job one step.
    pub reads: u32,
    pub fails: bool,
}

/// What the mock saw.
pub struct VideoState {
    pub jobs: Mutex<HashMap<String, Job>>,
    /// Each creation's fields (JSON, or the form's text fields) and the reference file's bytes.
    pub created: Mutex<Vec<(Value, Option<Bytes>)>>,
    /// The `variant` of each download.
    pub variants: Mutex<Vec<Option<String>>>,
    pub deleted: Mutex<Vec<String>>,
    /// Each edit's and extension's path (`edits`, `extensions`) and body as forwarded.
    pub derived: Mutex<Vec<(String, Value)>>,
    /// Released by the test to let a download's second half go: the first half reaches the
    /// client before it, which only a streamed relay allows.
    pub second_half: tokio::sync::Semaphore,
}

pub struct MockOpenAiVideo {
    pub addr: SocketAddr,
    pub state: Arc<VideoState>,
}

impl MockOpenAiVideo {
    pub async fn start() -> MockOpenAiVideo {
        let state = Arc::new(VideoState {
            jobs: Mutex::default(),
            created: Mutex::default(),
            variants: Mutex::default(),
            deleted: Mutex::default(),
            derived: Mutex::default(),
            second_half: tokio::sync::Semaphore::new(0),
        });
        let videos = Router::new()
            .route("/videos", post(create))
            .route("/videos/{id}", get(read).delete(delete))
            .route("/videos/{id}/content", get(download))
            .route("/videos/{id}/remix", post(remix))
            .route("/videos/edits", post(edit))
            .route("/videos/extensions", post(extend));
        let app = Router::new()
            .nest("/v1", videos.clone())
            // The same Videos API on an Azure resource's v1 surface, behind its `api-key`.
            .nest(
                "/openai/v1",
                videos.route_layer(axum::middleware::from_fn(azure_key)),
            )
            // Azure's Sora jobs on its v1 surface.
            .route("/openai/v1/video/generations/jobs", post(create_job))
            .route("/openai/v1/video/generations/jobs/{id}", get(read_job))
            .route(
                "/openai/v1/video/generations/{id}/content/video",
                get(download_generation),
            )
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        MockOpenAiVideo { addr, state }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The mock as an Azure resource's URL.
    pub fn azure_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Lets every download's second half through from now on.
    pub fn release_downloads(&self) {
        self.state.second_half.add_permits(1_000);
    }
}

/// Azure's check of its `api-key` header (the channel's key), before any Videos call.
async fn azure_key(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    if request
        .headers()
        .get("api-key")
        .and_then(|key| key.to_str().ok())
        != Some(AZURE_KEY)
    {
        let body = json!({"error": {"code": "401", "message": "Access denied due to invalid subscription key or wrong API endpoint."}});
        return (StatusCode::UNAUTHORIZED, Json(body)).into_response();
    }
    next.run(request).await
}

fn not_found(id: &str) -> Response {
    let body = json!({"error": {"message": format!("Video with id '{id}' not found."),
        "type": "invalid_request_error", "param": null, "code": null}});
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}

fn new_job(state: &VideoState, fields: &Value, remixed_from: Option<&str>) -> Value {
    let mut jobs = state.jobs.lock().unwrap();
    let id = format!("video_mock_{}", jobs.len() + 1);
    let prompt = fields["prompt"].as_str().unwrap_or_default();
    let mut object = json!({
        "id": id,
        "object": "video",
        "model": fields["model"].as_str().unwrap_or("sora-2"),
        "status": "queued",
        "progress": 0,
        "created_at": 1_760_000_000,
        "completed_at": null,
        "expires_at": null,
        "prompt": prompt,
        "seconds": fields["seconds"].as_str().map(str::to_owned)
            .or_else(|| fields["seconds"].as_u64().map(|n| n.to_string()))
            .unwrap_or_else(|| "4".to_owned()),
        "size": fields["size"].as_str().unwrap_or("720x1280"),
        "remixed_from_video_id": remixed_from,
        "error": null,
    });
    if remixed_from.is_some() {
        object["model"] = fields["model"].clone();
    }
    jobs.insert(
        id,
        Job {
            object: object.clone(),
            reads: 0,
            fails: prompt.contains("fail"),
        },
    );
    object
}

async fn create(State(state): State<Arc<VideoState>>, headers: HeaderMap, body: Bytes) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let (fields, file) = if content_type.starts_with("multipart/form-data") {
        let Some(boundary) = content_type.split("boundary=").nth(1) else {
            return (StatusCode::BAD_REQUEST, "no boundary").into_response();
        };
        parse_form(&body, boundary.trim_matches('"'))
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(value) => (value, None),
            Err(_) => return (StatusCode::BAD_REQUEST, "not json").into_response(),
        }
    };
    if fields["prompt"].as_str().is_none() {
        let body = json!({"error": {"message": "prompt is required", "type": "invalid_request_error", "param": "prompt", "code": null}});
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    state
        .created
        .lock()
        .unwrap()
        .push((fields.clone(), file.clone()));
    Json(new_job(&state, &fields, None)).into_response()
}

/// The text fields of a form as a JSON object, and the bytes of its file part.
fn parse_form(body: &[u8], boundary: &str) -> (Value, Option<Bytes>) {
    let delimiter = format!("--{boundary}");
    let mut fields = serde_json::Map::new();
    let mut file = None;
    let text = body;
    let mut starts = Vec::new();
    let mut at = 0;
    while let Some(offset) = text[at..]
        .windows(delimiter.len())
        .position(|window| window == delimiter.as_bytes())
    {
        starts.push(at + offset);
        at += offset + delimiter.len();
    }
    for pair in starts.windows(2) {
        let part = &text[pair[0] + delimiter.len()..pair[1]];
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let part = part.strip_suffix(b"\r\n").unwrap_or(part);
        let Some(split) = part.windows(4).position(|window| window == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..split]).to_string();
        let content = &part[split + 4..];
        let name = head
            .split("name=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_owned();
        if head.contains("filename=") {
            file = Some(Bytes::copy_from_slice(content));
        } else {
            fields.insert(
                name,
                Value::String(String::from_utf8_lossy(content).into_owned()),
            );
        }
    }
    (Value::Object(fields), file)
}

/// Each read moves the job on: queued, then in progress at 50 %, then finished.
async fn read(State(state): State<Arc<VideoState>>, Path(id): Path<String>) -> Response {
    let mut jobs = state.jobs.lock().unwrap();
    let Some(job) = jobs.get_mut(&id) else {
        return not_found(&id);
    };
    job.reads += 1;
    match job.reads {
        1 => {
            job.object["status"] = json!("in_progress");
            job.object["progress"] = json!(50);
        }
        2 if job.fails => {
            job.object["status"] = json!("failed");
            job.object["error"] =
                json!({"code": "moderation_blocked", "message": "the prompt was refused"});
        }
        2 => {
            job.object["status"] = json!("completed");
            job.object["progress"] = json!(100);
            job.object["completed_at"] = json!(1_760_000_100);
        }
        _ => {}
    }
    Json(job.object.clone()).into_response()
}

async fn delete(State(state): State<Arc<VideoState>>, Path(id): Path<String>) -> Response {
    if state.jobs.lock().unwrap().remove(&id).is_none() {
        return not_found(&id);
    }
    state.deleted.lock().unwrap().push(id.clone());
    Json(json!({"id": id, "object": "video.deleted", "deleted": true})).into_response()
}

async fn download(
    State(state): State<Arc<VideoState>>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let done = state
        .jobs
        .lock()
        .unwrap()
        .get(&id)
        .map(|job| job.object["status"] == "completed");
    match done {
        None => return not_found(&id),
        Some(false) => {
            let body = json!({"error": {"message": "Video is not ready yet.", "type": "invalid_request_error", "param": null, "code": null}});
            return (StatusCode::BAD_REQUEST, Json(body)).into_response();
        }
        Some(true) => {}
    }
    state
        .variants
        .lock()
        .unwrap()
        .push(query.get("variant").cloned());
    let bytes = Bytes::from(content());
    let half = bytes.len() / 2;
    let (first, second) = (bytes.slice(..half), bytes.slice(half..));
    let gate = state.clone();
    let chunks = futures::stream::unfold(0, move |step| {
        let (first, second, gate) = (first.clone(), second.clone(), gate.clone());
        async move {
            match step {
                0 => Some((Ok::<_, std::io::Error>(first), 1)),
                1 => {
                    let permit = gate.second_half.acquire().await.ok()?;
                    permit.forget();
                    Some((Ok(second), 2))
                }
                _ => None,
            }
        }
    });
    (
        [
            (header::CONTENT_TYPE, "video/mp4".to_owned()),
            (header::CONTENT_LENGTH, CONTENT_BYTES.to_string()),
        ],
        Body::from_stream(chunks),
    )
        .into_response()
}

async fn remix(
    State(state): State<Arc<VideoState>>,
    Path(id): Path<String>,
    Json(request): Json<Value>,
) -> Response {
    let source = state.jobs.lock().unwrap().get(&id).cloned();
    let Some(source) = source else {
        return not_found(&id);
    };
    let fields = json!({
        "prompt": request["prompt"],
        "model": source.object["model"],
        "seconds": source.object["seconds"],
        "size": source.object["size"],
    });
    Json(new_job(&state, &fields, Some(&id))).into_response()
}

/// `POST /v1/videos/edits`: a new job as long and as large as the source `video.id`.
async fn edit(State(state): State<Arc<VideoState>>, Json(request): Json<Value>) -> Response {
    derive(&state, "edits", request, None)
}

/// `POST /v1/videos/extensions`: a new job of the requested `seconds` (4 by default) at the
/// source's size.
async fn extend(State(state): State<Arc<VideoState>>, Json(request): Json<Value>) -> Response {
    let seconds = request["seconds"].clone();
    derive(&state, "extensions", request, Some(seconds))
}

fn derive(state: &VideoState, path: &str, request: Value, seconds: Option<Value>) -> Response {
    state
        .derived
        .lock()
        .unwrap()
        .push((path.to_owned(), request.clone()));
    let id = request["video"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let source = state.jobs.lock().unwrap().get(&id).cloned();
    let Some(source) = source else {
        return not_found(&id);
    };
    let fields = json!({
        "prompt": request["prompt"],
        "model": source.object["model"],
        "seconds": seconds.unwrap_or_else(|| source.object["seconds"].clone()),
        "size": source.object["size"],
    });
    Json(new_job(state, &fields, None)).into_response()
}

/// An Azure Sora job: `api-key` required, `n_seconds` of each of `n_variants` videos.
async fn create_job(
    State(state): State<Arc<VideoState>>,
    headers: HeaderMap,
    Json(request): Json<Value>,
) -> Response {
    if headers.get("api-key").is_none() {
        return (StatusCode::UNAUTHORIZED, "no api-key").into_response();
    }
    state.created.lock().unwrap().push((request.clone(), None));
    let mut jobs = state.jobs.lock().unwrap();
    let id = format!("task_mock_{}", jobs.len() + 1);
    let object = json!({
        "object": "video.generation.job",
        "id": id,
        "status": "queued",
        "created_at": 1_760_000_000,
        "finished_at": null,
        "expires_at": null,
        "generations": [],
        "prompt": request["prompt"],
        "model": request["model"],
        "n_variants": request["n_variants"].as_u64().unwrap_or(1),
        "n_seconds": request["n_seconds"].as_u64().unwrap_or(5),
        "width": request["width"].as_u64().unwrap_or(480),
        "height": request["height"].as_u64().unwrap_or(480),
        "finish_reason": null,
    });
    jobs.insert(
        id,
        Job {
            object: object.clone(),
            reads: 0,
            fails: false,
        },
    );
    Json(object).into_response()
}

/// Each read moves the job on: running, then succeeded with one generation per variant.
async fn read_job(State(state): State<Arc<VideoState>>, Path(id): Path<String>) -> Response {
    let mut jobs = state.jobs.lock().unwrap();
    let Some(job) = jobs.get_mut(&id) else {
        return not_found(&id);
    };
    job.reads += 1;
    match job.reads {
        1 => job.object["status"] = json!("running"),
        2 => {
            let variants = job.object["n_variants"].as_u64().unwrap_or(1);
            let generations: Vec<Value> = (1..=variants)
                .map(|index| json!({"object": "video.generation", "id": format!("gen_{id}_{index}"), "job_id": id}))
                .collect();
            job.object["status"] = json!("succeeded");
            job.object["finished_at"] = json!(1_760_000_100);
            job.object["generations"] = json!(generations);
        }
        _ => {}
    }
    Json(job.object.clone()).into_response()
}

async fn download_generation(
    State(state): State<Arc<VideoState>>,
    Path(id): Path<String>,
) -> Response {
    let known = state.jobs.lock().unwrap().values().any(|job| {
        job.object["generations"]
            .as_array()
            .is_some_and(|generations| {
                generations
                    .iter()
                    .any(|generation| generation["id"] == id.as_str())
            })
    });
    if !known {
        return not_found(&id);
    }
    (
        [(header::CONTENT_TYPE, "video/mp4")],
        Bytes::from(content()),
    )
        .into_response()
}
