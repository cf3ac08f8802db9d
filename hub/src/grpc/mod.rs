//! The gRPC control plane (`aiproxy.admin.v1`): admin auth, every management service, reflection and health.
//!
//! Every admin service requires `authorization: Bearer <ADMIN_KEY>`; reflection and health are
//! open so tools and load balancers can use them without the key. Every service also answers
//! gRPC-web on the same paths (for the panel in the browser), behind the same auth; there is
//! no CORS, so only same-origin pages can call it. Every successful write is
//! announced on the [`ChangeHub`].

mod channels;
mod config;
mod convert;
mod groups;
mod logs;
mod mcp;
mod models;
mod options;
mod tokens;

use std::convert::Infallible;

use http::{HeaderValue, Request, Response};
use tonic::Status;
use tonic::service::Interceptor;
use tower::ServiceExt;

use crate::admin_key::AdminKey;
use crate::changes::ChangeHub;
use crate::store::{Page, Store, StoreError};

/// Generated protobuf types and tonic stubs for `aiproxy.admin.v1`.
pub mod pb {
    #![allow(clippy::all, clippy::pedantic, missing_docs)]
    tonic::include_proto!("aiproxy.admin.v1");

    /// Encoded file descriptor set of every admin proto, for server reflection.
    pub const FILE_DESCRIPTOR_SET: &[u8] =
        include_bytes!(concat!(env!("OUT_DIR"), "/aiproxy_admin_descriptor.bin"));
}

/// Largest request the control plane decodes. Config documents with inline OpenAPI specs can be
/// large; anything beyond this is refused with RESOURCE_EXHAUSTED.
pub const MAX_MESSAGE_BYTES: usize = 8 * 1024 * 1024;

/// What the control plane needs; the lead's composition root builds it.
#[derive(Debug, Clone)]
pub struct ControlPlane {
    pub store: Store,
    /// Where request logs live: the main store unless `LOG_SQL_DSN` names another database.
    pub log_store: Store,
    pub changes: ChangeHub,
    pub admin_key: AdminKey,
    /// Most tokens one group may hold; 0 is unlimited (`GROUP_MAX_TOKEN_NUM`).
    pub group_max_tokens: u32,
    /// The embedded MCP templates this build offers, described (`ListTemplates`).
    pub mcp_templates: Vec<::mcp::TemplateInfo>,
    /// Where quota periods begin (`QUOTA_TIME_ZONE`), for the period usage tokens show.
    pub quota_time_zone: chrono_tz::Tz,
}

/// All admin services, reflection (v1 and v1alpha) and `grpc.health.v1` as an axum router with
/// no fallback, so it merges into the one HTTP/1.1 + h2c listener.
pub fn router(cp: ControlPlane) -> axum::Router {
    let auth = AdminAuth {
        key: cp.admin_key.clone(),
    };
    let mut router = axum::Router::new();
    router = add(
        router,
        pb::group_service_server::GroupServiceServer::new(groups::Groups(cp.clone()))
            .max_decoding_message_size(MAX_MESSAGE_BYTES),
        auth.clone(),
    );
    router = add(
        router,
        pb::token_service_server::TokenServiceServer::new(tokens::Tokens(cp.clone()))
            .max_decoding_message_size(MAX_MESSAGE_BYTES),
        auth.clone(),
    );
    router = add(
        router,
        pb::channel_service_server::ChannelServiceServer::new(channels::Channels(cp.clone()))
            .max_decoding_message_size(MAX_MESSAGE_BYTES),
        auth.clone(),
    );
    router = add(
        router,
        pb::model_service_server::ModelServiceServer::new(models::Models(cp.clone()))
            .max_decoding_message_size(MAX_MESSAGE_BYTES),
        auth.clone(),
    );
    router = add(
        router,
        pb::mcp_service_server::McpServiceServer::new(mcp::Mcp(cp.clone()))
            .max_decoding_message_size(MAX_MESSAGE_BYTES),
        auth.clone(),
    );
    router = add(
        router,
        pb::option_service_server::OptionServiceServer::new(options::Options(cp.clone()))
            .max_decoding_message_size(MAX_MESSAGE_BYTES),
        auth.clone(),
    );
    router = add(
        router,
        pb::log_service_server::LogServiceServer::new(logs::Logs {
            store: cp.log_store.clone(),
            delete_batch: 5_000,
        })
        .max_decoding_message_size(MAX_MESSAGE_BYTES),
        auth.clone(),
    );
    router = add(
        router,
        pb::config_service_server::ConfigServiceServer::new(config::Config(cp))
            .max_decoding_message_size(MAX_MESSAGE_BYTES),
        auth,
    );

    let (health_reporter, health_service) = tonic_health::server::health_reporter();
    // The store is connected before the router is built, so every service starts serving.
    // set_service_status only updates a watch channel; it completes at once.
    drop(health_reporter.set_service_status("", tonic_health::ServingStatus::Serving));
    router = route(router, health_service);

    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1();
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha();
    match (reflection_v1, reflection_v1alpha) {
        (Ok(v1), Ok(v1alpha)) => {
            router = route(router, v1);
            router = route(router, v1alpha);
        }
        // Our own descriptor set is compiled in; failing to parse it is a build defect. The
        // admin services still work without reflection, so log instead of refusing to start.
        (Err(err), _) | (_, Err(err)) => {
            tracing::error!(error = %err, "grpc reflection disabled: bad descriptor set");
        }
    }
    router
}

/// Adds an admin service behind the auth interceptor.
fn add<S>(router: axum::Router, service: S, auth: AdminAuth) -> axum::Router
where
    S: tower::Service<
            Request<tonic::body::Body>,
            Response = Response<tonic::body::Body>,
            Error = Infallible,
        > + tonic::server::NamedService
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
{
    let intercepted = tonic::service::interceptor::InterceptedService::new(service, auth);
    route_named(router, S::NAME, intercepted)
}

fn route<S>(router: axum::Router, service: S) -> axum::Router
where
    S: tower::Service<
            Request<tonic::body::Body>,
            Response = Response<tonic::body::Body>,
            Error = Infallible,
        > + tonic::server::NamedService
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
{
    route_named(router, S::NAME, service)
}

fn route_named<S, B>(router: axum::Router, name: &str, service: S) -> axum::Router
where
    S: tower::Service<Request<tonic::body::Body>, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
    B: axum::body::HttpBody<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError> + std::fmt::Display,
{
    // gRPC-web sits outside the admin interceptor, so a browser's call is translated first and
    // then checked exactly like a native gRPC call. Plain gRPC (HTTP/2) passes through untouched;
    // an HTTP/1.1 request that is not gRPC-web is answered 400, as no gRPC client sends one.
    let service = tower::Layer::layer(&tonic_web::GrpcWebLayer::new(), service)
        .map_request(|request: Request<axum::body::Body>| request.map(tonic::body::Body::new))
        .map_response(size_limit_status);
    router.route_service(&format!("/{name}/{{*rest}}"), service)
}

/// tonic reports an over-limit request as OUT_OF_RANGE; gRPC's convention (and what clients
/// retry on) is RESOURCE_EXHAUSTED, so the code is rewritten here, in one place.
fn size_limit_status<B>(mut response: Response<B>) -> Response<B> {
    let headers = response.headers_mut();
    let out_of_range = headers
        .get("grpc-status")
        .is_some_and(|status| status.as_bytes() == b"11");
    // The message is percent-encoded on the wire ("too%20large").
    let too_large = headers.get("grpc-message").is_some_and(|message| {
        let message = message.as_bytes();
        contains(message, b"too%20large") || contains(message, b"too large")
    });
    if out_of_range && too_large {
        headers.insert("grpc-status", HeaderValue::from_static("8"));
    }
    response
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Checks `authorization: Bearer <ADMIN_KEY>` in constant time.
#[derive(Clone)]
struct AdminAuth {
    key: AdminKey,
}

impl Interceptor for AdminAuth {
    fn call(&mut self, request: tonic::Request<()>) -> Result<tonic::Request<()>, Status> {
        let presented = request
            .metadata()
            .get("authorization")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                value
                    .strip_prefix("Bearer ")
                    .or_else(|| value.strip_prefix("bearer "))
            })
            .map(str::trim);
        match presented {
            Some(presented) if self.key.matches(presented) => Ok(request),
            Some(_) => Err(Status::unauthenticated("wrong admin key")),
            None => Err(Status::unauthenticated(
                "missing authorization: Bearer <admin key>",
            )),
        }
    }
}

/// The one conversion from storage errors to gRPC statuses.
fn status(err: StoreError) -> Status {
    match err {
        StoreError::Invalid { .. } => Status::invalid_argument(err.to_string()),
        StoreError::NotFound { .. } => Status::not_found(err.to_string()),
        StoreError::AlreadyExists { .. } => Status::already_exists(err.to_string()),
        StoreError::TokenLimit { .. } => Status::failed_precondition(err.to_string()),
        StoreError::Corrupt { .. }
        | StoreError::Sealed(_)
        | StoreError::Io(_)
        | StoreError::Database(_)
        | StoreError::Migrate(_) => {
            tracing::error!(error = %err, "control plane storage error");
            Status::internal("internal storage error")
        }
    }
}

/// Lets the store's locked updates (`update_*_with`) run a handler's merge, which answers
/// [`Status`], and report their own errors through [`status`].
impl From<StoreError> for Status {
    fn from(err: StoreError) -> Status {
        status(err)
    }
}

fn invalid(field: &str, reason: impl std::fmt::Display) -> Status {
    Status::invalid_argument(format!("invalid {field}: {reason}"))
}

/// A required message field.
fn required<T>(field: &str, value: Option<T>) -> Result<T, Status> {
    value.ok_or_else(|| invalid(field, "is required"))
}

/// Default and maximum page sizes.
const DEFAULT_PAGE_SIZE: i64 = 100;
const MAX_PAGE_SIZE: i64 = 1000;

/// Page tokens are the decimal offset of the next item: opaque to clients, stable enough for
/// admin listings, and checkable.
fn page(page_size: i32, page_token: &str) -> Result<Page, Status> {
    let limit = match i64::from(page_size) {
        0 => DEFAULT_PAGE_SIZE,
        size if size < 0 => return Err(invalid("page_size", "must not be negative")),
        size => size.min(MAX_PAGE_SIZE),
    };
    let offset = if page_token.is_empty() {
        0
    } else {
        page_token
            .parse::<i64>()
            .ok()
            .filter(|offset| *offset >= 0)
            .ok_or_else(|| invalid("page_token", "not a token this server issued"))?
    };
    Ok(Page { offset, limit })
}

fn next_page_token(page: Page, returned: usize, total: i64) -> String {
    let next = page.offset + i64::try_from(returned).unwrap_or(i64::MAX);
    if returned > 0 && next < total {
        next.to_string()
    } else {
        String::new()
    }
}

/// The paths of an update mask; empty means "every updatable field".
fn mask_paths(mask: Option<prost_types::FieldMask>) -> Vec<String> {
    mask.map(|mask| mask.paths).unwrap_or_default()
}

/// Whether `path` is selected by `paths` (an empty mask selects everything).
fn selected(paths: &[String], path: &str) -> bool {
    paths.is_empty() || paths.iter().any(|candidate| candidate == path)
}

/// Rejects mask paths that are not updatable fields of the message.
fn check_paths(paths: &[String], known: &[&str]) -> Result<(), Status> {
    for path in paths {
        if !known.contains(&path.as_str()) {
            return Err(invalid(
                "update_mask",
                format!("{path:?} is not an updatable field; expected one of {known:?}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use tonic::Code;

    use super::*;

    #[test]
    fn page_tokens_round_trip_and_reject_garbage() {
        let first = page(2, "").ok();
        assert_eq!(
            first,
            Some(Page {
                offset: 0,
                limit: 2
            })
        );
        assert_eq!(
            next_page_token(
                Page {
                    offset: 0,
                    limit: 2
                },
                2,
                5
            ),
            "2"
        );
        assert_eq!(
            next_page_token(
                Page {
                    offset: 4,
                    limit: 2
                },
                1,
                5
            ),
            ""
        );
        assert_eq!(
            page(0, "7").ok(),
            Some(Page {
                offset: 7,
                limit: 100
            })
        );
        assert_eq!(page(5000, "").ok().map(|p| p.limit), Some(1000));
        assert_eq!(
            page(1, "x").err().map(|s| s.code()),
            Some(Code::InvalidArgument)
        );
        assert_eq!(
            page(-1, "").err().map(|s| s.code()),
            Some(Code::InvalidArgument)
        );
    }
}
