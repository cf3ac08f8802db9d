//! What a mock upstream received: every request's method, path with query, headers and JSON body,
//! so tests can assert on the converted request, the channel's auth header and the mapped model.

use std::sync::Mutex;

use axum::http::{HeaderMap, Method, Uri};
use serde_json::Value;

/// One request as the mock saw it.
#[derive(Debug, Clone)]
pub struct SeenRequest {
    pub method: Method,
    /// Path and query, as sent (`/v1beta/models/m:streamGenerateContent?alt=sse`).
    pub target: String,
    pub headers: HeaderMap,
    /// The JSON body; `Null` for a body that is empty or not JSON.
    pub body: Value,
}

impl SeenRequest {
    pub fn new(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> SeenRequest {
        SeenRequest {
            method: method.clone(),
            target: uri
                .path_and_query()
                .map_or_else(|| uri.path().to_owned(), |target| target.to_string()),
            headers: headers.clone(),
            body: serde_json::from_slice(body).unwrap_or(Value::Null),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// Every request a mock received, in order.
#[derive(Debug, Default)]
pub struct Recorded {
    requests: Mutex<Vec<SeenRequest>>,
}

impl Recorded {
    pub fn push(&self, request: SeenRequest) {
        self.requests.lock().unwrap().push(request);
    }

    pub fn all(&self) -> Vec<SeenRequest> {
        self.requests.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    pub fn last(&self) -> SeenRequest {
        self.requests
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("the mock received no request")
    }
}
