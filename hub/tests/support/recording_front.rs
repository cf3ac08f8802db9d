//! A recording hop in front of the gateway: what a client sent, exactly as sent, then forwarded
//! unchanged with the gateway's answer streamed back, for tests of clients nobody here wrote.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::recorded::{Recorded, SeenRequest};

struct FrontState {
    seen: Recorded,
    gateway: String,
    client: reqwest::Client,
}

pub struct RecordingFront {
    pub addr: SocketAddr,
    state: Arc<FrontState>,
}

impl RecordingFront {
    /// Forwards everything to `gateway` (`http://127.0.0.1:port`).
    pub async fn start(gateway: &str) -> RecordingFront {
        let state = Arc::new(FrontState {
            seen: Recorded::default(),
            gateway: gateway.trim_end_matches('/').to_owned(),
            client: reqwest::Client::new(),
        });
        let app = Router::new().fallback(forward).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        RecordingFront { addr, state }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn requests(&self) -> Vec<SeenRequest> {
        self.state.seen.all()
    }
}

async fn forward(State(state): State<Arc<FrontState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let seen = SeenRequest::new(&parts.method, &parts.uri, &parts.headers, &bytes);
    state.seen.push(seen.clone());
    let mut headers = parts.headers.clone();
    for hop in ["host", "content-length", "connection", "transfer-encoding"] {
        headers.remove(hop);
    }
    let sent = state
        .client
        .request(parts.method, format!("{}{}", state.gateway, seen.target))
        .headers(headers)
        .body(bytes)
        .send()
        .await;
    let answer = match sent {
        Ok(answer) => answer,
        Err(error) => return (StatusCode::BAD_GATEWAY, error.to_string()).into_response(),
    };
    let mut response = Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        if !matches!(
            name.as_str(),
            "content-length" | "connection" | "transfer-encoding"
        ) {
            response = response.header(name, value);
        }
    }
    response
        .body(Body::from_stream(answer.bytes_stream()))
        .unwrap()
}
