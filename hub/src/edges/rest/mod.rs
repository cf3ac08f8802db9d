//! The seed-compatible REST admin API under `/api/*`: envelope, auth and paging over the gRPC control plane's services.
//!
//! Every handler builds the control plane's request message and calls the same service method
//! gRPC does, so validation, key masking and change events have one source of truth; this layer
//! only translates field names and shapes to the seed's (labring/aiproxy) and back. A route is
//! allowed exactly when the RPCs it runs are (`access.rs`, checked by `access::policy` in
//! [`require_admin_key`]), and runs with its key's operation current, like a gRPC call.

pub mod access;
mod batches;
mod channel_extras;
mod channel_fleet;
mod channel_import;
mod channel_types;
mod channels;
mod dashboard_models;
mod group_models;
mod groups;
mod log_admin;
mod logs;
mod mcp;
mod mcp_groups;
mod mcp_try;
mod model_configs;
mod models;
mod monitor;
pub mod openapi;
mod options;
mod shared_ips;
pub mod spec;
mod swagger;
mod time_zone;
mod tokens;
mod usage;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tonic::Code;

use crate::access::{Access, Operation};
use crate::edges::grpc::ControlPlane;
use crate::snapshot::SnapshotCell;
use crate::store::Store;

/// What the REST router needs besides the control plane.
#[derive(Clone)]
pub struct RestOptions {
    /// Accept the admin key as `?key=` (`ADMIN_API_QUERY_KEY`); off by default because URLs end
    /// up in proxy and access logs.
    pub allow_query_key: bool,
    /// Refreshed after each write, so the relay serves what the answer said was saved.
    pub snapshot: Arc<SnapshotCell>,
}

/// The admin routes, behind the admin key. `/api/status` is served elsewhere, unauthenticated.
/// Collection routes answer with and without the trailing slash (gin redirected one to the
/// other for the seed; a redirect would lose a POST body with some clients).
pub fn router(cp: ControlPlane, options: RestOptions) -> Router {
    let auth = AuthState {
        access: cp.access.clone(),
        store: cp.store.clone(),
        allow_query_key: options.allow_query_key,
    };
    spec::router(operations())
        .with_state(cp)
        .layer(axum::middleware::from_fn_with_state(
            options.snapshot,
            fresh_after_writes,
        ))
        .layer(axum::middleware::from_fn_with_state(
            auth,
            require_admin_key,
        ))
        // Added after the key check: the document and its page describe routes, they hold no data.
        .route("/api/openapi.json", axum::routing::get(openapi::serve))
        .merge(swagger::router())
}

/// Every admin route, by family: what the router serves and the OpenAPI document describes.
pub fn operations() -> Vec<spec::Operation> {
    use spec::tagged;
    [
        tagged("channels", channels::operations()),
        tagged("channels", channel_extras::operations()),
        tagged("channels", channel_fleet::operations()),
        tagged("channels", channel_import::operations()),
        tagged("groups", groups::operations()),
        tagged("groups", shared_ips::operations()),
        tagged("group model configs", group_models::operations()),
        tagged("tokens", tokens::operations()),
        tagged("batches", batches::operations()),
        tagged("model configs", model_configs::operations()),
        tagged("models", models::operations()),
        tagged("options", options::operations()),
        tagged("logs", logs::operations()),
        tagged("logs", log_admin::operations()),
        tagged("dashboard", logs::dashboard_operations()),
        tagged("dashboard", usage::operations()),
        tagged("dashboard", dashboard_models::operations()),
        tagged("monitor", monitor::operations()),
        tagged("mcp", mcp::operations()),
        tagged("mcp", mcp_groups::operations()),
        tagged("mcp", mcp_try::operations()),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// As the gRPC edge does: a write is visible to the relay by the time its answer arrives.
async fn fresh_after_writes(
    State(snapshot): State<Arc<SnapshotCell>>,
    request: Request,
    next: Next,
) -> Response {
    let write = request.method() != http::Method::GET;
    let response = next.run(request).await;
    if write && let Err(error) = snapshot.refresh_if_stale().await {
        tracing::warn!(%error, "cannot refresh the configuration after a write");
    }
    response
}

/// The seed's envelope: `{success, message, data}`; `message` and `data` omitted when empty.
#[derive(Debug, Serialize)]
pub struct Envelope<T: Serialize> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<T>,
    #[serde(skip_serializing_if = "String::is_empty")]
    message: String,
    success: bool,
}

/// A successful answer carrying `data`.
pub fn ok<T: Serialize>(data: T) -> Response {
    Json(Envelope {
        data: Some(data),
        message: String::new(),
        success: true,
    })
    .into_response()
}

/// A successful answer without data (the seed's writes answer `{"success": true}`).
pub fn done() -> Response {
    Json(Envelope::<()> {
        data: None,
        message: String::new(),
        success: true,
    })
    .into_response()
}

/// A refusal in the envelope, with the HTTP status the seed would use.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Envelope::<()> {
            data: None,
            message: self.message,
            success: false,
        };
        (self.status, Json(body)).into_response()
    }
}

/// The service's own message is already free of secrets (the gRPC edge shows it too).
impl From<tonic::Status> for ApiError {
    fn from(status: tonic::Status) -> ApiError {
        let code = match status.code() {
            Code::InvalidArgument | Code::FailedPrecondition | Code::OutOfRange => {
                StatusCode::BAD_REQUEST
            }
            Code::NotFound => StatusCode::NOT_FOUND,
            Code::AlreadyExists | Code::Aborted => StatusCode::CONFLICT,
            Code::Unauthenticated => StatusCode::UNAUTHORIZED,
            Code::PermissionDenied => StatusCode::FORBIDDEN,
            Code::ResourceExhausted => StatusCode::TOO_MANY_REQUESTS,
            Code::Unimplemented => StatusCode::NOT_IMPLEMENTED,
            Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Code::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError {
            status: code,
            message: status.message().to_owned(),
        }
    }
}

impl From<crate::access::Denied> for ApiError {
    fn from(denied: crate::access::Denied) -> ApiError {
        ApiError {
            status: StatusCode::FORBIDDEN,
            message: denied.to_string(),
        }
    }
}

pub type ApiResult = Result<Response, ApiError>;

/// A body that failed to parse is refused in the envelope, not with axum's plain-text answer.
pub struct Body<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for Body<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(ApiError::bad_request(rejection.body_text())),
        }
    }
}

/// Query strings refused in the envelope too.
pub struct Params<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for Params<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Params(value)),
            Err(rejection) => Err(ApiError::bad_request(rejection.body_text())),
        }
    }
}

/// The seed's paging: `p` (or `page`), 1-based, and `per_page`, default 10, at most 100.
#[derive(Debug, Default, Clone, Copy, Deserialize, schemars::JsonSchema)]
pub struct Paging {
    /// The page, from 1 (`page` too).
    #[serde(default, alias = "page", deserialize_with = "lenient_i64")]
    pub p: i64,
    /// Rows per page: 10 unless given, at most 100.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub per_page: i64,
}

const DEFAULT_PER_PAGE: i64 = 10;
const MAX_PER_PAGE: i64 = 100;

impl Paging {
    pub fn per_page(self) -> i64 {
        match self.per_page {
            size if size <= 0 => DEFAULT_PER_PAGE,
            size => size.min(MAX_PER_PAGE),
        }
    }

    pub fn offset(self) -> i64 {
        (self.p.max(1) - 1).saturating_mul(self.per_page())
    }

    /// The control plane's page size and page token (its tokens are decimal offsets).
    pub fn grpc(self) -> (i32, String) {
        let size = i32::try_from(self.per_page()).unwrap_or(i32::MAX);
        let offset = self.offset();
        (
            size,
            if offset == 0 {
                String::new()
            } else {
                offset.to_string()
            },
        )
    }
}

/// The seed parses numbers in query strings leniently (`strconv.Atoi`, errors become 0).
fn lenient_i64<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    let text = String::deserialize(deserializer)?;
    Ok(text.trim().parse().unwrap_or(0))
}

#[derive(Clone)]
struct AuthState {
    access: Access,
    store: Store,
    allow_query_key: bool,
}

/// `Authorization: Bearer <admin key>`, the key with or without `sk-` (the seed strips both);
/// `?key=` only when the operator enabled it. The key must be allowed every RPC the route runs
/// (a route missing from `access::ROUTE_RPCS` is admin-only); the route then runs with the
/// key's operation current, and a write that stored no object still leaves its audit event.
async fn require_admin_key(
    State(auth): State<AuthState>,
    request: Request,
    next: Next,
) -> Response {
    let header = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let presented = match header {
        Some(value) => Some(value),
        None if auth.allow_query_key => query_key(request.uri().query()),
        None => None,
    };
    let Some(presented) = presented else {
        return unauthorized(if query_key(request.uri().query()).is_some() {
            "unauthorized: ?key= is turned off (ADMIN_API_QUERY_KEY); send Authorization: Bearer <admin key>"
        } else {
            "unauthorized: send Authorization: Bearer <admin key>"
        });
    };
    let presented = presented.trim();
    let bare = presented
        .strip_prefix("Bearer ")
        .or_else(|| presented.strip_prefix("bearer "))
        .unwrap_or(presented)
        .trim();
    let principal = auth.access.authenticate(bare).or_else(|| {
        bare.strip_prefix("sk-")
            .and_then(|without| auth.access.authenticate(without))
    });
    let Some(principal) = principal else {
        return unauthorized("unauthorized: wrong admin key");
    };
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(
            || request.uri().path().to_owned(),
            |path| path.as_str().to_owned(),
        );
    let action = format!("{method} {route}");
    let unmapped = [action.as_str()];
    let rpcs = access::rpcs_of(&method, &route).unwrap_or(&unmapped);
    for rpc in rpcs {
        if let Err(denied) = principal.authorize(rpc) {
            return ApiError {
                status: StatusCode::FORBIDDEN,
                message: denied.to_string(),
            }
            .into_response();
        }
    }
    let kind = crate::access::policy::object_kind(rpcs.first().copied().unwrap_or_default());
    let write = method != http::Method::GET.as_str();
    let address = crate::edges::grpc::client_address(&request);
    let operation = Arc::new(Operation::new(principal, action, address));
    let response = crate::access::run(operation.clone(), next.run(request)).await;
    if write
        && response.status().is_success()
        && operation.audited() == 0
        && let Err(error) = auth.store.record_audit_event(&operation, kind).await
    {
        tracing::error!(%error, "cannot record the audit event of a write");
    }
    response
}

fn unauthorized(message: &str) -> Response {
    ApiError {
        status: StatusCode::UNAUTHORIZED,
        message: message.to_owned(),
    }
    .into_response()
}

fn query_key(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes())
        .find(|(name, _)| name == "key")
        .map(|(_, value)| value.into_owned())
        .filter(|value| !value.is_empty())
}

/// Seed timestamps are seconds or milliseconds by their digit count; 0 or absent is unbounded.
pub fn timestamp_ms(value: i64) -> i64 {
    match value {
        value if value <= 0 => 0,
        value if value < 10_000_000_000 => value.saturating_mul(1000),
        value => value,
    }
}

/// A decimal string from the services as a JSON number (the seed's amounts are floats).
pub fn number(decimal: &str) -> f64 {
    decimal.parse().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paging_follows_the_seed() {
        let page = |p, per_page| Paging { p, per_page }.grpc();
        assert_eq!(page(0, 0), (10, String::new()));
        assert_eq!(page(1, 20), (20, String::new()));
        assert_eq!(page(3, 20), (20, "40".to_owned()));
        assert_eq!(page(2, 500), (100, "100".to_owned()));
    }

    #[test]
    fn timestamps_in_seconds_or_milliseconds() {
        assert_eq!(timestamp_ms(0), 0);
        assert_eq!(timestamp_ms(1_700_000_000), 1_700_000_000_000);
        assert_eq!(timestamp_ms(1_700_000_000_123), 1_700_000_000_123);
    }
}
