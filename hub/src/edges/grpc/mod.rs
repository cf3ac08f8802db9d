//! The gRPC control plane (`aiproxy.admin.v1`): admin auth, every management service, reflection and health.
//!
//! Every admin service requires `authorization: Bearer <admin key>` (the bootstrap
//! `ADMIN_KEY` or a key from `AccessService`), checked with the RPC's rule in
//! `access::policy` by [`admit`] before the service runs; reflection and health are open so
//! tools and load balancers can use them without a key. Every service also answers gRPC-web
//! on the same paths (for the panel in the browser) and Connect JSON (for curl and clients
//! without gRPC, `connect/`), behind the same check; pages of other origins can call it only
//! when `ADMIN_CORS_ALLOWED_ORIGINS` lists them (`edges::cors`). Every successful write is announced on the [`ChangeFeed`] and leaves an
//! audit event.

pub(crate) mod access;
mod channel_tests;
pub(crate) mod channels;
mod codec;
mod config;
mod connect;
mod convert;
mod error;
pub(crate) mod groups;
pub(crate) mod logs;
pub(crate) mod mcp;
pub mod mcp_calls;
mod mcp_upstream_auth;
mod mcp_virtual;
pub(crate) mod models;
pub(crate) mod options;
pub(crate) mod tokens;
mod update;

use std::convert::Infallible;
use std::sync::Arc;

use http::{HeaderValue, Request, Response};
use tonic::Status;
use tonic::service::Interceptor;
use tower::ServiceExt;

pub use self::channel_tests::ChannelTester;
use self::error::invalid;
use crate::access::{Access, Operation};
use crate::snapshot::changes::ChangeFeed;
use crate::store::{Page, Store};

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

/// What the control plane needs; `hub::run` builds it.
#[derive(Debug, Clone)]
pub struct ControlPlane {
    pub store: Store,
    /// Where request logs live: the main store unless `LOG_SQL_DSN` names another database.
    pub log_store: Store,
    pub changes: ChangeFeed,
    /// Who may call: the bootstrap key and the stored admin keys.
    pub access: Access,
    /// Most tokens one group may hold; 0 is unlimited (`GROUP_MAX_TOKEN_NUM`).
    pub group_max_tokens: u32,
    /// The embedded MCP templates this build offers, described (`ListTemplates`).
    pub mcp_templates: Vec<::mcp::TemplateInfo>,
    /// The catalogue size above which an OpenAPI server serves its compact tools
    /// (`MCP_OPENAPI_COMPACT_ABOVE_BYTES`), so `ListMcpServerTools` lists what clients get.
    pub mcp_openapi_compact_above_bytes: Option<usize>,
    /// Where quota periods begin (`QUOTA_TIME_ZONE`), for the period usage tokens show.
    pub quota_time_zone: chrono_tz::Tz,
    /// Request log rows `DeleteLogs` removes per statement (`CLEAN_LOG_BATCH_SIZE`).
    pub clean_log_batch_size: u64,
    /// The relay's channel health, whose bans `ListChannelBans` and `ClearChannelBans` show
    /// and lift.
    pub channel_health: crate::relay_host::shared_health::SharedHealth,
    /// Requests and tokens per minute now (`GetCurrentRates`).
    pub live_rates: crate::governance::rates::LiveRates,
    /// The relay and snapshot channel tests run with (`TestChannel`, `TestChannels`,
    /// `PreviewChannelTest`); those RPCs answer UNAVAILABLE without one.
    pub channel_tester: Option<ChannelTester>,
    /// Reads channels' upstream balances (`UpdateChannelBalance`).
    pub balances: crate::balances::BalanceChecker,
    /// Where `CallMcpTool` calls tools as a group; that RPC answers UNAVAILABLE without it.
    pub mcp_calls: Option<mcp_calls::McpCalls>,
    /// Upstream OAuth held per group (`...McpUpstreamAuthorization...` RPCs); those RPCs
    /// answer UNAVAILABLE without it.
    pub upstream_auth: Option<Arc<crate::mcp_host::upstream_oauth::UpstreamAuthorizations>>,
}

/// All admin services, reflection (v1 and v1alpha) and `grpc.health.v1` as an axum router with
/// no fallback, so it merges into the one HTTP/1.1 + h2c listener.
pub fn router(cp: ControlPlane) -> axum::Router {
    use pb::{
        access_service_server::AccessServiceServer, channel_service_server::ChannelServiceServer,
        config_service_server::ConfigServiceServer, group_service_server::GroupServiceServer,
        log_service_server::LogServiceServer, mcp_service_server::McpServiceServer,
        model_service_server::ModelServiceServer, option_service_server::OptionServiceServer,
        token_service_server::TokenServiceServer,
    };

    let access = cp.access.clone();
    let store = cp.store.clone();
    // Our own descriptor set is compiled in; failing to read it is a build defect. gRPC and
    // gRPC-web do not need it, so log instead of refusing to start.
    let methods = connect::Methods::from_descriptor_set(pb::FILE_DESCRIPTOR_SET)
        .inspect_err(|error| {
            tracing::error!(%error, "Connect JSON disabled: bad descriptor set");
        })
        .ok();
    let mut router = axum::Router::new();
    // Each admin service gets the same decode limit, admission check and gRPC-web translation.
    macro_rules! admin_service {
        ($server:ident, $service:expr) => {
            router = add(
                router,
                $server::new($service).max_decoding_message_size(MAX_MESSAGE_BYTES),
                methods.as_ref(),
            );
        };
    }
    admin_service!(AccessServiceServer, access::AccessRpcs(cp.clone()));
    admin_service!(GroupServiceServer, groups::Groups(cp.clone()));
    admin_service!(TokenServiceServer, tokens::Tokens(cp.clone()));
    admin_service!(ChannelServiceServer, channels::Channels(cp.clone()));
    admin_service!(ModelServiceServer, models::Models(cp.clone()));
    admin_service!(McpServiceServer, mcp::Mcp(cp.clone()));
    admin_service!(OptionServiceServer, options::Options(cp.clone()));
    admin_service!(LogServiceServer, logs::Logs::new(&cp));
    admin_service!(ConfigServiceServer, config::Config(cp));

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
    router.layer(axum::middleware::from_fn_with_state(
        AdmitState { access, store },
        admit,
    ))
}

#[derive(Clone)]
struct AdmitState {
    access: Access,
    store: Store,
}

/// The one check of every admin RPC, gRPC, gRPC-web and Connect alike (the paths and the
/// `authorization` header are the same): the key is authenticated, the RPC's rule
/// (`access::policy`) decides, and the RPC runs with its [`Operation`] current, so its service
/// sees the key's group scope and its writes name the key in the audit trail. A refusal is
/// handed to [`AdminGate`] inside the service stack, which answers it in the caller's protocol.
/// A write that stored no object change (a test, cleared bans) still leaves its audit event.
async fn admit(
    axum::extract::State(state): axum::extract::State<AdmitState>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let Some(rpc) = crate::access::policy::rpc_of_path(request.uri().path()).map(str::to_owned)
    else {
        // Health and reflection: open.
        return next.run(request).await;
    };
    let presented = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(crate::access::bearer);
    let principal = match presented {
        None => {
            request
                .extensions_mut()
                .insert(Refusal(Status::unauthenticated(
                    "missing authorization: Bearer <admin key>",
                )));
            return next.run(request).await;
        }
        Some(presented) => match state.access.authenticate(presented) {
            Some(principal) => principal,
            None => {
                request
                    .extensions_mut()
                    .insert(Refusal(Status::unauthenticated("wrong admin key")));
                return next.run(request).await;
            }
        },
    };
    let rule = match principal.authorize(&rpc) {
        Ok(rule) => rule,
        Err(denied) => {
            request
                .extensions_mut()
                .insert(Refusal(Status::permission_denied(denied.to_string())));
            return next.run(request).await;
        }
    };
    let operation = Arc::new(Operation::new(
        principal,
        rpc.clone(),
        client_address(&request),
    ));
    request.extensions_mut().insert(Admitted);
    let response = crate::access::run(operation.clone(), next.run(request)).await;
    let failed = response.extensions().get::<RpcFailed>().is_some()
        || response
            .headers()
            .get("grpc-status")
            .is_some_and(|status| status.as_bytes() != b"0");
    if rule.write && !failed && operation.audited() == 0 {
        let kind = crate::access::policy::object_kind(&rpc);
        if let Err(error) = state.store.record_audit_event(&operation, kind).await {
            tracing::error!(%error, rpc, "cannot record the audit event of a write");
        }
    }
    response
}

/// The caller's address as the relay decides it (trusted proxies), else the peer's.
pub(crate) fn client_address(request: &axum::extract::Request) -> String {
    if let Some(::mcp::ClientIp(ip)) = request.extensions().get::<::mcp::ClientIp>() {
        return ip.to_string();
    }
    request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip().to_string())
        .unwrap_or_default()
}

/// A refusal [`admit`] decided, answered by [`AdminGate`].
#[derive(Clone)]
struct Refusal(Status);

/// Marks a request [`admit`] let through.
#[derive(Clone, Copy)]
struct Admitted;

/// Marks an answer that failed although no `grpc-status` header says so (a Connect error), so
/// [`admit`] records no audit event for it.
#[derive(Clone, Copy)]
struct RpcFailed;

/// Answers what [`admit`] decided, in the service's own protocol (gRPC or gRPC-web; the Connect
/// edge answers a refusal itself, before it reads the body). A request that did not pass
/// through `admit` is refused: the services are never reached around it.
#[derive(Clone, Copy)]
struct AdminGate;

impl Interceptor for AdminGate {
    fn call(&mut self, request: tonic::Request<()>) -> Result<tonic::Request<()>, Status> {
        if let Some(Refusal(status)) = request.extensions().get::<Refusal>() {
            return Err(status.clone());
        }
        if request.extensions().get::<Admitted>().is_none() {
            return Err(Status::unauthenticated("no admin key checked"));
        }
        Ok(request)
    }
}

/// Adds an admin service behind the admission gate, in gRPC, gRPC-web and (with `methods`)
/// Connect JSON.
fn add<S>(router: axum::Router, service: S, methods: Option<&connect::Methods>) -> axum::Router
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
    let intercepted = tonic::service::interceptor::InterceptedService::new(service, AdminGate);
    route_named(router, S::NAME, intercepted, methods)
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
    route_named(router, S::NAME, service, None)
}

fn route_named<S, B>(
    router: axum::Router,
    name: &str,
    service: S,
    methods: Option<&connect::Methods>,
) -> axum::Router
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
    let grpc_and_web = tower::Layer::layer(&tonic_web::GrpcWebLayer::new(), service.clone())
        .map_request(|request: Request<axum::body::Body>| request.map(tonic::body::Body::new))
        .map_response(size_limit_status);
    let path = format!("/{name}/{{*rest}}");
    match methods {
        // Connect JSON is told apart by its content type before gRPC-web would refuse it, and
        // calls the service itself: inside the same admission gate.
        Some(methods) => router.route_service(
            &path,
            connect::or_else(
                methods.clone(),
                service.map_response(size_limit_status),
                grpc_and_web,
            ),
        ),
        None => router.route_service(&path, grpc_and_web),
    }
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
