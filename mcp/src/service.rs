//! The MCP service's state: authentication, route-to-server resolution, admission, session ownership and the Streamable HTTP transport (rmcp's, both eras).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, Method, StatusCode};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, ClientJsonRpcMessage, ClientRequest,
    InitializeRequestParams,
};
use rmcp::transport::streamable_http_server::session::SessionManager;
use rmcp::transport::streamable_http_server::session::local::{LocalSessionManager, SessionConfig};
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use tenancy::{AuthError, Caller, Refusal};
use tokio_util::sync::CancellationToken;

use crate::admin::{AdminCaller, AdminHost, AdminIdentity, AdminServer};
use crate::config::McpConfig;
use crate::direct_reply::{self, InFlightCalls};
use crate::handler::{Core, McpHandler, REFUSED_CODE, RequestScope, View, refused};
use crate::host::{AdmitAll, McpDirectory, Scope, ServerDefinition, ToolCallGate, ToolCallSink};
use crate::log_level;
use crate::param_headers;
use crate::servers::LiveServers;
use crate::session_limits::SessionLimits;
use crate::sessions::{MemorySessionStore, RmcpSessionStore, SessionRecord, SessionStore};
use crate::sse_sessions::{LocalSseSessions, SseSessionRegistry};
use crate::tool_server::CallerNotifier;

/// The client address the host decided on (after its trusted-proxy rule). Insert it as a request
/// extension before the MCP router; without it the socket peer address is used when the server
/// was started with connect info, else `0.0.0.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

const SESSION_HEADER: &str = "mcp-session-id";

/// Optional parts of a [`McpService`].
#[derive(Default)]
pub struct McpServiceOptions {
    /// Reaches legacy SSE sessions held by other replicas (see [`SseSessionRegistry`]);
    /// [`LocalSseSessions`] when `None`.
    pub sse_sessions: Option<Arc<dyn SseSessionRegistry>>,
    /// Records Streamable HTTP sessions so that replicas sharing it resume each other's (see
    /// [`SessionStore`]); a [`MemorySessionStore`] when `None`.
    pub sessions: Option<Arc<dyn SessionStore>>,
    /// Serves the `aiproxy-admin` tools at `/admin` to the admin key; no `/admin` when `None`.
    pub admin: Option<Arc<dyn AdminHost>>,
    /// Admits each tool call against the host's limits, quotas and balance; every call runs
    /// when `None`.
    pub gate: Option<Arc<dyn ToolCallGate>>,
    /// Pins remote servers' tool definitions (see [`crate::pinning`]); no pinning when `None`.
    pub pins: Option<Arc<dyn crate::pinning::ToolPins>>,
    /// Continues the trace a tool call names in `params._meta`; the call's span stays the
    /// HTTP request's child when `None`.
    pub traces: Option<Arc<dyn crate::ClientTraces>>,
    /// OAuth 2.1 for MCP clients (see [`crate::auth`]): access tokens beside API keys, the
    /// resource metadata named on every 401; API keys only when `None`.
    pub oauth: Option<crate::auth::McpOAuth>,
    /// The access tokens the host holds per group for proxied servers that want OAuth (see
    /// [`crate::UpstreamTokenSource`]); such servers answer every group with a "needs
    /// authorization" error when `None`.
    pub upstream_tokens: Option<Arc<dyn crate::UpstreamTokenSource>>,
    /// The host's gRPC client (see [`crate::GrpcUpstreams`]); servers of type `grpc` cannot
    /// start when `None`.
    pub grpc: Option<Arc<dyn crate::GrpcUpstreams>>,
}

/// The MCP service: one per process, shared by every request.
#[derive(Clone)]
pub struct McpService {
    pub(crate) state: Arc<HubState>,
}

pub(crate) struct HubState {
    pub core: Arc<Core>,
    streamable: StreamableHttpService<McpHandler, LocalSessionManager>,
    /// The sessions rmcp holds in this process, a cache of those in `sessions`.
    local_sessions: Arc<LocalSessionManager>,
    sessions: Arc<dyn SessionStore>,
    pub sse_sessions: Arc<dyn SseSessionRegistry>,
    pub sse_open: AtomicUsize,
    /// Sessions each token holds open here (both transports).
    pub session_limits: SessionLimits,
    /// Calls answered outside rmcp (see [`direct_reply`]), for their cancellations.
    direct_calls: Arc<InFlightCalls>,
    pub oauth: Option<Arc<crate::auth::McpOAuth>>,
    shutdown: CancellationToken,
}

impl McpService {
    pub fn new(
        config: McpConfig,
        directory: Arc<dyn McpDirectory>,
        sink: Arc<dyn ToolCallSink>,
    ) -> Self {
        Self::with_options(config, directory, sink, McpServiceOptions::default())
    }

    /// As [`McpService::new`], with the optional parts a host may supply.
    pub fn with_options(
        config: McpConfig,
        directory: Arc<dyn McpDirectory>,
        sink: Arc<dyn ToolCallSink>,
        options: McpServiceOptions,
    ) -> Self {
        let sse_sessions = options
            .sse_sessions
            .unwrap_or_else(|| Arc::new(LocalSseSessions::default()));
        let admin = options.admin;
        let sessions = options
            .sessions
            .unwrap_or_else(|| Arc::new(MemorySessionStore::new(config.session_idle_timeout)));
        let shutdown = CancellationToken::new();
        let core = Arc::new(Core {
            directory,
            sink,
            gate: options.gate.unwrap_or_else(|| Arc::new(AdmitAll)),
            servers: LiveServers::new(
                config.clone(),
                options.pins.clone(),
                options.upstream_tokens.clone(),
                options.grpc.clone(),
            ),
            config: config.clone(),
            admin,
            pins: options.pins,
            traces: options.traces,
            tasks: crate::tasks::TaskRegistry::new(config.tasks, shutdown.child_token()),
            param_schemas: crate::param_headers::SchemaCache::default(),
            tool_holders: crate::unprefixed::ToolHolders::default(),
        });
        let mut rmcp_config = StreamableHttpServerConfig::default()
            // Host and Origin are checked by our middleware for every route, SSE ones included.
            .disable_allowed_hosts()
            .disable_allowed_origins()
            .with_sse_keep_alive(Some(config.sse_keep_alive))
            .with_max_request_body_bytes(config.max_message_bytes)
            .with_json_response(true)
            .with_cancellation_token(shutdown.child_token());
        // A session this replica does not hold is re-created from its record.
        rmcp_config.session_store = Some(Arc::new(RmcpSessionStore(sessions.clone())));
        let mut session_config = SessionConfig::default();
        session_config.keep_alive = Some(config.session_idle_timeout);
        let mut local_sessions = LocalSessionManager::default();
        local_sessions.session_config = session_config;
        let local_sessions = Arc::new(local_sessions);
        let handler_core = core.clone();
        let streamable = StreamableHttpService::new(
            move || Ok(McpHandler::new(handler_core.clone())),
            local_sessions.clone(),
            rmcp_config,
        );
        Self {
            state: Arc::new(HubState {
                core,
                streamable,
                local_sessions,
                sessions,
                sse_sessions,
                sse_open: AtomicUsize::new(0),
                session_limits: SessionLimits::new(
                    config.max_sessions_per_token,
                    config.session_idle_timeout,
                ),
                direct_calls: Arc::default(),
                oauth: options.oauth.map(Arc::new),
                shutdown,
            }),
        }
    }

    /// Closes every open session and stream; call on shutdown.
    pub fn shutdown(&self) {
        self.state.shutdown.cancel();
    }

    pub(crate) fn shutdown_token(&self) -> CancellationToken {
        self.state.shutdown.clone()
    }

    /// Calls `tool` of `definition` as `caller` without a transport (the control plane's
    /// try-it): the path every `tools/call` takes (allow-lists, pins, the host's gate, the
    /// call's record and billing), so it is limited, charged and logged like a client's call.
    /// `Ok` holds the result as MCP's JSON and whether the tool flagged it an error; `Err` the
    /// JSON-RPC error code and message a client would have got.
    pub async fn call_tool_as(
        &self,
        caller: Caller,
        definition: Arc<ServerDefinition>,
        tool: &str,
        arguments: Option<serde_json::Map<String, serde_json::Value>>,
    ) -> Result<(serde_json::Value, bool), (i32, String)> {
        let core = &self.state.core;
        let scope = RequestScope {
            caller: Arc::new(caller),
            view: View::Single(definition),
            log_level: None,
        };
        let mut params = CallToolRequestParams::new(tool.to_owned());
        params.arguments = arguments;
        let target = core.call_target(&scope.caller, &scope.view, tool).await;
        let cancel = self.state.shutdown.child_token();
        let outcome = core
            .call_tool(
                &scope,
                (params, target),
                (None, CallerNotifier::Nobody),
                cancel,
            )
            .await;
        match outcome {
            Ok(CallToolResponse::Complete(result)) => {
                let is_error = result.is_error == Some(true);
                let json =
                    serde_json::to_value(&result).map_err(|error| (-32603, error.to_string()))?;
                Ok((json, is_error))
            }
            // Asking the client for input, or a task to poll: nothing a one-shot call follows.
            Ok(_) => Err((
                -32603,
                "the tool asked for input or started a task, which a call without a session \
                 cannot follow"
                    .to_owned(),
            )),
            Err(error) => Err((error.code.0, error.message.to_string())),
        }
    }
}

/// Which server(s) a route names.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    Public(String),
    Group(String),
    Aggregated,
    Admin,
    /// A server and caller the host resolved itself (see [`crate::ResolvedServer`]).
    Resolved(Arc<crate::ResolvedServer>),
}

/// Every refusal the router answers itself, converted to a response in one place: a status and a
/// JSON-RPC error body with a null id (the request may not even have parsed).
#[derive(Debug, thiserror::Error)]
pub(crate) enum HttpError {
    #[error("{0}")]
    Unauthorized(AuthError),
    #[error("{0}")]
    Forbidden(AuthError),
    #[error("host not allowed")]
    HostNotAllowed,
    #[error("origin not allowed")]
    OriginNotAllowed,
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A catalogue entry for a server that runs elsewhere: the host's explanation.
    #[error("{0}")]
    DocumentationOnly(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("parse error: {0}")]
    Parse(String),
    #[error("message larger than {0} bytes")]
    TooLarge(usize),
    #[error("{0}")]
    Unavailable(&'static str),
    #[error("{}", .0.message)]
    Refused(Refusal),
    #[error("this api key has {0} sessions open, the most it may hold; end one (DELETE) first")]
    TooManySessions(usize),
    #[error("initialize larger than {0} bytes")]
    InitializeTooLarge(usize),
    #[error("the request body was not received within {0} seconds")]
    BodyTimeout(u64),
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            HttpError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, -32001),
            HttpError::Forbidden(_) | HttpError::HostNotAllowed | HttpError::OriginNotAllowed => {
                (StatusCode::FORBIDDEN, -32001)
            }
            HttpError::NotFound(_) | HttpError::DocumentationOnly(_) => {
                (StatusCode::NOT_FOUND, -32001)
            }
            HttpError::BadRequest(_) => (StatusCode::BAD_REQUEST, -32600),
            HttpError::Parse(_) => (StatusCode::BAD_REQUEST, -32700),
            HttpError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, -32600),
            HttpError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, -32603),
            HttpError::Refused(refusal) => (
                StatusCode::from_u16(refusal.kind.http_status()).unwrap_or(StatusCode::FORBIDDEN),
                REFUSED_CODE,
            ),
            HttpError::TooManySessions(_) => (StatusCode::TOO_MANY_REQUESTS, REFUSED_CODE),
            HttpError::InitializeTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, -32600),
            HttpError::BodyTimeout(_) => (StatusCode::REQUEST_TIMEOUT, -32600),
        };
        let mut error = serde_json::json!({"code": code, "message": self.to_string()});
        match &self {
            HttpError::Refused(refusal) => {
                if let Some(data) = refused(refusal).data {
                    error["data"] = data;
                }
            }
            HttpError::TooManySessions(_) => {
                error["data"] = serde_json::json!({"type": "too_many_sessions"});
            }
            _ => {}
        }
        let body = serde_json::json!({"jsonrpc": "2.0", "id": null, "error": error});
        let mut response = (status, axum::Json(body)).into_response();
        if let HttpError::Refused(Refusal {
            retry_after: Some(retry_after),
            ..
        }) = &self
        {
            response.headers_mut().insert(
                http::header::RETRY_AFTER,
                http::HeaderValue::from(retry_after.as_secs().max(1)),
            );
        }
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                http::header::WWW_AUTHENTICATE,
                http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

impl McpService {
    /// Authenticates the request and resolves the route to the servers it exposes to this caller.
    pub(crate) fn resolve(
        &self,
        request_parts: (&HeaderMap, &http::Extensions, IpAddr),
        target: &Target,
    ) -> Result<RequestScope, HttpError> {
        let (headers, extensions, client_ip) = request_parts;
        if matches!(target, Target::Admin) {
            return self.resolve_admin(headers, client_ip);
        }
        let caller = self.authenticate(headers, extensions, client_ip)?;
        let view = self.view_for(&caller, target)?;
        Ok(RequestScope {
            caller: Arc::new(caller),
            view,
            log_level: None,
        })
    }

    /// The servers `target` exposes to `caller` now: resolved on every request (and every
    /// legacy SSE message), so a server disabled, changed or hidden since applies at once.
    pub(crate) fn view_for(&self, caller: &Caller, target: &Target) -> Result<View, HttpError> {
        let servers = self.state.core.directory.servers_for(caller);
        Ok(match target {
            Target::Public(id) | Target::Group(id) => {
                let wanted_scope = match target {
                    Target::Public(_) => Scope::Public,
                    _ => Scope::Group(caller.group_id.clone()),
                };
                // Another group's server, or one the allow-list hides, is answered exactly like
                // one that does not exist.
                let definition = servers
                    .into_iter()
                    .find(|server| {
                        &server.id == id
                            && server.scope == wanted_scope
                            && caller.may_use_server(id)
                    })
                    .ok_or_else(|| {
                        match self.state.core.directory.documentation_only(caller, id) {
                            Some(explanation) => HttpError::DocumentationOnly(explanation),
                            None => HttpError::NotFound("server"),
                        }
                    })?;
                View::Single(definition)
            }
            Target::Resolved(server) => View::Single(server.definition.clone()),
            Target::Admin => {
                let host = self
                    .state
                    .core
                    .admin
                    .clone()
                    .ok_or(HttpError::NotFound("server"))?;
                View::Admin(Arc::new(AdminServer {
                    host,
                    caller: AdminCaller {
                        identity: AdminIdentity::of_session(caller.token_id, &caller.token_name),
                        client_ip: caller.client_ip,
                    },
                }))
            }
            Target::Aggregated => {
                let mut seen = std::collections::HashSet::new();
                let usable: Vec<Arc<ServerDefinition>> = servers
                    .into_iter()
                    .filter(|server| {
                        // An id holding the separator (stored before ids were checked) would
                        // split wrongly and could shadow another server's tools: not offered.
                        !server.id.contains(crate::handler::TOOL_NAME_SEPARATOR)
                            && caller.may_use_server(&server.id)
                            && seen.insert(server.id.clone())
                    })
                    .collect();
                View::Aggregated(usable.into())
            }
        })
    }

    /// The host's say on every authenticated request (a blocked client address, say).
    pub(crate) async fn admit_request(
        &self,
        caller: &Caller,
        client_ip: IpAddr,
    ) -> Result<(), HttpError> {
        self.state
            .core
            .gate
            .admit_request(caller, client_ip)
            .await
            .map_err(HttpError::Refused)
    }

    /// Resolves the route and asks the host whether the request may go on.
    pub(crate) async fn resolve_admitted(
        &self,
        request_parts: (&HeaderMap, &http::Extensions, IpAddr),
        target: &Target,
    ) -> Result<RequestScope, HttpError> {
        let scope = self.resolve(request_parts, target)?;
        self.admit_request(&scope.caller, request_parts.2).await?;
        Ok(scope)
    }

    /// A place for a new session of `caller`: its rate (the host's gate), then the cap of the
    /// sessions `owner` (the caller's token, or the id the host bound them to) holds here.
    pub(crate) async fn admit_session(
        &self,
        caller: &Caller,
        owner: i64,
        key: String,
    ) -> Result<crate::session_limits::SessionSlot<'_>, HttpError> {
        self.state
            .core
            .gate
            .admit_session(caller)
            .await
            .map_err(HttpError::Refused)?;
        self.state
            .session_limits
            .take(owner, key)
            .ok_or(HttpError::TooManySessions(
                self.state.core.config.max_sessions_per_token,
            ))
    }

    pub(crate) async fn serve_streamable(&self, target: Target, request: Request) -> Response {
        let client_ip = client_ip(&request);
        let scope = match self
            .resolve_admitted(
                (request.headers(), request.extensions(), client_ip),
                &target,
            )
            .await
        {
            Ok(scope) => scope,
            Err(error) => return error.into_response(),
        };
        let owner = scope.caller.token_id;
        self.serve_scoped(scope, owner, request).await
    }

    /// Streamable HTTP for a resolved and admitted `scope`; its sessions belong to `owner`.
    pub(crate) async fn serve_scoped(
        &self,
        mut scope: RequestScope,
        owner: i64,
        mut request: Request,
    ) -> Response {
        let session = request
            .headers()
            .get(SESSION_HEADER)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let route = scope.view.route_key();
        let token_id = owner;
        let mut record = None;
        if let Some(session) = &session {
            match self.session_record(session, token_id, &route).await {
                Ok(SessionAccess::Owned(owned)) => record = Some(*owned),
                Ok(SessionAccess::Unknown) => {}
                Ok(SessionAccess::NotYours) => {
                    return HttpError::NotFound("session").into_response();
                }
                Err(error) => {
                    tracing::warn!(%error, "cannot read a streamable session record");
                    return HttpError::Unavailable("session store unavailable").into_response();
                }
            }
        }
        if let (Some(session), Some(_)) = (&session, &record) {
            self.state.session_limits.seen(token_id, session);
        }
        let is_delete = request.method() == Method::DELETE;
        let mut initialize = None;
        let mut slot = None;
        if request.method() == Method::POST {
            let (parts, bytes, message) = match self.checked_body(request).await {
                Ok(checked) => checked,
                Err(error) => return error.into_response(),
            };
            if let Err(mismatch) =
                param_headers::check_request(&self.state.core, &scope, &parts.headers, &message)
                    .await
            {
                return mismatch;
            }
            if let (Some(session), Some(record), Some(level)) =
                (&session, &mut record, log_level::set_by(&message))
            {
                // Kept before rmcp answers, so the session's next request (on any replica)
                // finds it.
                record.log_level = Some(level);
                if let Err(error) = self.state.sessions.save(session, record).await {
                    tracing::warn!(%error, "cannot record a session's log level");
                    return HttpError::Unavailable("session store unavailable").into_response();
                }
            }
            scope.log_level = record.as_ref().and_then(|record| record.log_level);
            let message = match (&session, &record) {
                (Some(session), Some(record)) => {
                    match direct_reply::take_call(message, &parts.headers, record) {
                        Ok(call) => {
                            let core = &self.state.core;
                            let client = &record.initialize_params.capabilities;
                            if let Some(target) =
                                direct_reply::target(core, &scope, &call.params.name, client).await
                            {
                                let in_flight = self.state.direct_calls.start(session, &call.id);
                                let client = client.clone();
                                return direct_reply::answer(
                                    core.clone(),
                                    scope,
                                    (call, target),
                                    client,
                                    in_flight,
                                )
                                .await;
                            }
                            // Its tool talks to the caller: rmcp serves it, from the body.
                            None
                        }
                        Err(message) => {
                            self.state.direct_calls.cancel_if_ours(session, &message);
                            Some(*message)
                        }
                    }
                }
                _ => Some(message),
            };
            initialize = message.and_then(initialize_params);
            if session.is_none() && initialize.is_some() {
                // The `initialize` is kept for the session's life (and in the shared store):
                // bounded well below a message, and each new session counted and capped.
                let limit = self.state.core.config.max_initialize_bytes;
                if bytes.len() > limit {
                    return HttpError::InitializeTooLarge(limit).into_response();
                }
                let key = format!("creating:{}", uuid::Uuid::new_v4().simple());
                match self.admit_session(&scope.caller, token_id, key).await {
                    Ok(taken) => slot = Some(taken),
                    Err(error) => return error.into_response(),
                }
            }
            request = Request::from_parts(parts, Body::from(bytes));
        }
        request.extensions_mut().insert(scope);
        let response = self.state.streamable.handle(request).await;
        let status = response.status();
        match &session {
            None => {
                let created = response
                    .headers()
                    .get(SESSION_HEADER)
                    .and_then(|value| value.to_str().ok());
                if let (Some(created), Some(initialize_params)) = (created, initialize) {
                    if let Some(slot) = slot {
                        slot.keep_as(created);
                    }
                    let record = SessionRecord {
                        owner_token_id: token_id,
                        route,
                        initialize_params,
                        log_level: None,
                    };
                    if let Err(error) = self.state.sessions.save(created, &record).await {
                        // A session no other request could be checked against is no session.
                        tracing::warn!(%error, "cannot record a streamable session");
                        self.state.session_limits.release(token_id, created);
                        self.close_local_session(created).await;
                        return HttpError::Unavailable("session store unavailable").into_response();
                    }
                }
            }
            Some(session)
                if (is_delete && status.is_success()) || status == StatusCode::NOT_FOUND =>
            {
                self.state.session_limits.release(token_id, session);
                if let Err(error) = self.state.sessions.remove(session).await {
                    tracing::warn!(%error, "cannot remove a streamable session record");
                }
            }
            Some(_) => {}
        }
        response.map(Body::new)
    }

    /// Reads the POST body (bounded) and answers malformed JSON with a JSON-RPC parse error and
    /// a non-message with an invalid-request error, as the spec asks; rmcp would answer both
    /// with a bare 415.
    ///
    /// Hands back the request's head, its body and the parsed message.
    async fn checked_body(
        &self,
        request: Request,
    ) -> Result<(http::request::Parts, bytes::Bytes, ClientJsonRpcMessage), HttpError> {
        let (parts, body) = request.into_parts();
        let bytes = self.read_body(body).await?;
        // One parse for a well-formed message; only a refused body is parsed again, to tell
        // malformed JSON (parse error) from JSON that is no message (invalid request).
        let message = serde_json::from_slice::<ClientJsonRpcMessage>(&bytes).map_err(|error| {
            match serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
                Err(syntax) => HttpError::Parse(syntax.to_string()),
                Ok(_) => HttpError::BadRequest(format!("not a json-rpc message: {error}")),
            }
        })?;
        Ok((parts, bytes, message))
    }

    /// Reads a POST body, bounded in size and in time: a client trickling its body would
    /// otherwise hold the connection and the request's buffers for as long as it likes.
    pub(crate) async fn read_body(&self, body: Body) -> Result<bytes::Bytes, HttpError> {
        let config = &self.state.core.config;
        let limit = config.max_message_bytes;
        let timeout = config.body_read_timeout;
        tokio::time::timeout(timeout, axum::body::to_bytes(body, limit))
            .await
            .map_err(|_| HttpError::BodyTimeout(timeout.as_secs()))?
            .map_err(|_| HttpError::TooLarge(limit))
    }

    /// Whether `token_id` may use `session` on `route`, per the session's record. A session
    /// without a record (never issued, ended on another replica, expired) is closed here if this
    /// replica still holds it, and left to rmcp, which answers 404 for it in the session era
    /// and ignores the header in the stateless one.
    async fn session_record(
        &self,
        session: &str,
        token_id: i64,
        route: &str,
    ) -> Result<SessionAccess, crate::sessions::SessionStoreError> {
        match self.state.sessions.load(session).await? {
            None => {
                self.close_local_session(session).await;
                Ok(SessionAccess::Unknown)
            }
            Some(record) if record.owner_token_id == token_id && record.route == route => {
                Ok(SessionAccess::Owned(Box::new(record)))
            }
            Some(_) => Ok(SessionAccess::NotYours),
        }
    }

    async fn close_local_session(&self, session: &str) {
        let id = rmcp::transport::streamable_http_server::session::SessionId::from(session);
        if let Err(error) = self.state.local_sessions.close_session(&id).await {
            tracing::debug!(%error, "cannot close a local streamable session");
        }
    }
}

/// What the session store says of a request's session id.
enum SessionAccess {
    /// No record: left to rmcp (404 in the session era, ignored in the stateless one).
    Unknown,
    /// The caller's own session on this route.
    Owned(Box<SessionRecord>),
    /// Another token's, or another route's: 404, as if it did not exist.
    NotYours,
}

/// The parameters of an `initialize` request, recorded with the session it creates.
fn initialize_params(message: ClientJsonRpcMessage) -> Option<InitializeRequestParams> {
    match message {
        ClientJsonRpcMessage::Request(request) => match request.request {
            ClientRequest::InitializeRequest(initialize) => Some(initialize.params),
            _ => None,
        },
        _ => None,
    }
}

pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

pub(crate) fn client_ip(request: &Request) -> IpAddr {
    if let Some(ClientIp(ip)) = request.extensions().get::<ClientIp>() {
        return *ip;
    }
    if let Some(ConnectInfo(address)) = request.extensions().get::<ConnectInfo<SocketAddr>>() {
        return address.ip();
    }
    IpAddr::V4(Ipv4Addr::UNSPECIFIED)
}

impl McpService {
    fn resolve_admin(
        &self,
        headers: &HeaderMap,
        client_ip: IpAddr,
    ) -> Result<RequestScope, HttpError> {
        let core = &self.state.core;
        let host = core.admin.clone().ok_or(HttpError::NotFound("server"))?;
        let token = bearer_token(headers).ok_or(HttpError::Unauthorized(AuthError::Missing))?;
        let identity = host
            .authenticate(token)
            .ok_or(HttpError::Unauthorized(AuthError::InvalidKey))?;
        // Sessions bind to the key's own token id, which tenant tokens never have (see
        // `AdminIdentity::session_token_id`).
        let caller = Caller {
            group_id: String::new(),
            token_id: identity.session_token_id(),
            token_name: identity.name.clone(),
            client_ip: Some(client_ip),
            // Admin tools take and return secrets (channel keys, token keys): their arguments
            // and results are never copied into the log (`record_details` stays off).
            ..Caller::default()
        };
        Ok(RequestScope {
            caller: Arc::new(caller),
            view: View::Admin(Arc::new(AdminServer {
                host,
                caller: AdminCaller {
                    identity,
                    client_ip: Some(client_ip),
                },
            })),
            log_level: None,
        })
    }

    /// The request's caller: the one its access token stood for (see [`crate::auth`]), else
    /// its API key's.
    pub(crate) fn authenticate(
        &self,
        headers: &HeaderMap,
        extensions: &http::Extensions,
        client_ip: IpAddr,
    ) -> Result<Caller, HttpError> {
        if let Some(crate::auth::TokenCaller(caller)) = extensions.get() {
            return Ok(caller.clone());
        }
        let token = bearer_token(headers).ok_or(HttpError::Unauthorized(AuthError::Missing))?;
        self.state
            .core
            .directory
            .authenticate(token, client_ip)
            .map_err(|error| match error {
                AuthError::Missing | AuthError::InvalidKey | AuthError::TokenExpired => {
                    HttpError::Unauthorized(error)
                }
                AuthError::TokenDisabled
                | AuthError::GroupDisabled
                | AuthError::AddressNotAllowed => HttpError::Forbidden(error),
                AuthError::Maintenance => {
                    HttpError::Unavailable("the gateway is under maintenance; try again later")
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer_token(&headers), None);
        headers.insert(
            http::header::AUTHORIZATION,
            http::HeaderValue::from_static("Bearer sk-1"),
        );
        assert_eq!(bearer_token(&headers), Some("sk-1"));
        headers.insert(
            http::header::AUTHORIZATION,
            http::HeaderValue::from_static("Basic abc"),
        );
        assert_eq!(bearer_token(&headers), None);
    }
}
