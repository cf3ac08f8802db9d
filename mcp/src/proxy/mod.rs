//! Backends that forward to remote MCP servers: one long-lived upstream client per definition,
//! reconnected when it drops, with progress notifications routed back to the caller that asked for
//! them.

mod direct_call;
mod sse_client;
mod upstream_http;

pub use upstream_http::redact_secrets;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, CallToolResponse, CancelledNotificationParam,
    ClientCapabilities, ClientConfig, ClientRequest, Implementation, JsonRpcMessage, ProgressToken,
    ServerNotification, ServerResult, Tool,
};
use rmcp::service::{
    PeerRequestOptions, RoleClient, RunningService, RxJsonRpcMessage, ServiceError,
    TxJsonRpcMessage,
};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::Transport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ClientHandler, ErrorData, ServiceExt};

use crate::backend::{CallerNotifier, ToolBackend, ToolCall};
use crate::directory::RemoteEndpoint;
use direct_call::{DirectFailure, DirectRoute, RecordingClient, SeenSession};

type Upstream = RunningService<RoleClient, ProxyClient>;

/// One live upstream connection: rmcp's client, and when the session allows it, the route for
/// calls made as plain POSTs on the same session.
struct Live {
    service: Upstream,
    direct: Option<DirectRoute>,
}

/// Where progress for an upstream token goes: the downstream caller and its own token.
type ProgressRoutes = Arc<Mutex<HashMap<String, (CallerNotifier, ProgressToken)>>>;

/// The client side of a proxy connection. Progress is not handled here: rmcp runs each
/// notification handler in its own task, which can reorder them; [`ProgressRelay`] forwards
/// progress in stream order instead.
#[derive(Clone)]
pub(crate) struct ProxyClient;

impl ClientHandler for ProxyClient {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("aiproxy-mcp", env!("CARGO_PKG_VERSION")),
        )
    }
}

/// Wraps an upstream transport and forwards progress notifications for routed tokens to the
/// downstream caller as they are read, so they keep their order and arrive before the result.
struct ProgressRelay<T> {
    inner: T,
    routes: ProgressRoutes,
}

impl<T: Transport<RoleClient>> Transport<RoleClient> for ProgressRelay<T> {
    type Error = T::Error;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleClient>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        self.inner.send(item)
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleClient>> {
        loop {
            let message = self.inner.receive().await?;
            if let JsonRpcMessage::Notification(notification) = &message
                && let ServerNotification::ProgressNotification(progress) =
                    &notification.notification
            {
                let key = progress_key(&progress.params.progress_token);
                let route = self
                    .routes
                    .lock()
                    .ok()
                    .and_then(|routes| routes.get(&key).cloned());
                if let Some((notifier, token)) = route {
                    let mut forwarded = progress.params.clone();
                    forwarded.progress_token = token;
                    if let Err(error) = notifier.progress(forwarded).await {
                        tracing::debug!(%error, "progress notification not forwarded");
                    }
                    continue;
                }
            }
            return Some(message);
        }
    }

    fn close(&mut self) -> impl Future<Output = Result<(), Self::Error>> + Send {
        self.inner.close()
    }
}

fn progress_key(token: &ProgressToken) -> String {
    serde_json::to_string(token).unwrap_or_default()
}

/// How a proxy opens its upstream connection.
#[async_trait]
trait Connector: Send + Sync + 'static {
    async fn connect(&self, routes: ProgressRoutes) -> Result<Live, String>;

    /// The HTTP client direct calls use (the one the connection pools on).
    fn http(&self) -> &reqwest::Client;
}

struct Proxy<C> {
    connector: C,
    live: tokio::sync::Mutex<Option<Arc<Live>>>,
    routes: ProgressRoutes,
    timeout: Duration,
}

impl<C: Connector> Proxy<C> {
    fn new(connector: C, timeout: Duration) -> Self {
        Self {
            connector,
            live: tokio::sync::Mutex::new(None),
            routes: Arc::new(Mutex::new(HashMap::new())),
            timeout,
        }
    }

    async fn upstream(&self) -> Result<Arc<Live>, ErrorData> {
        // Held across the connect so concurrent first calls share one connection.
        let mut live = self.live.lock().await;
        if let Some(upstream) = live
            .as_ref()
            .filter(|upstream| !upstream.service.is_closed())
        {
            return Ok(upstream.clone());
        }
        let upstream =
            tokio::time::timeout(self.timeout, self.connector.connect(self.routes.clone()))
                .await
                .map_err(|_| upstream_error("upstream connect timed out"))?
                .map_err(|error| upstream_error(format!("upstream connect failed: {error}")))?;
        let upstream = Arc::new(upstream);
        *live = Some(upstream.clone());
        Ok(upstream)
    }

    async fn forget(&self, failed: &Arc<Live>) {
        let mut live = self.live.lock().await;
        if live
            .as_ref()
            .is_some_and(|current| Arc::ptr_eq(current, failed))
        {
            *live = None;
        }
    }

    async fn try_call(
        &self,
        upstream: &Live,
        call: &ToolCall,
    ) -> Result<CallToolResponse, ServiceError> {
        let mut params = CallToolRequestParams::new(call.name.clone());
        params.arguments = call.arguments.clone();
        let request = ClientRequest::CallToolRequest(CallToolRequest::new(params));
        let mut options = PeerRequestOptions::default();
        options.timeout = Some(self.timeout);
        // rmcp stamps its own progress token on every request (unique on this connection, so
        // callers' tokens cannot collide); map it back to the caller's token. The request is only
        // queued when this returns, so the route is in place before any progress can come back.
        let handle = upstream
            .service
            .peer()
            .send_cancellable_request(request, options)
            .await?;
        let route_key = call.progress_token.as_ref().map(|token| {
            let key = progress_key(&handle.progress_token);
            if let Ok(mut routes) = self.routes.lock() {
                routes.insert(key.clone(), (call.notifier.clone(), token.clone()));
            }
            key
        });
        let request_id = handle.id.clone();
        let outcome = tokio::select! {
            outcome = handle.await_response() => outcome,
            () = call.cancel.cancelled() => {
                let reason = "cancelled by the client".to_owned();
                let _ = upstream
                    .service
                    .peer()
                    .notify_cancelled(CancelledNotificationParam::new(Some(request_id), Some(reason.clone())))
                    .await;
                Err(ServiceError::Cancelled { reason: Some(reason) })
            }
        };
        if let Some(key) = route_key
            && let Ok(mut routes) = self.routes.lock()
        {
            routes.remove(&key);
        }
        match outcome? {
            ServerResult::CallToolResult(result) => Ok(CallToolResponse::Complete(result)),
            ServerResult::InputRequiredResult(result) => {
                Ok(CallToolResponse::InputRequired(result))
            }
            ServerResult::CreateTaskResult(result) => Ok(CallToolResponse::Task(result)),
            _ => Err(ServiceError::UnexpectedResponse),
        }
    }
}

impl<C: Connector> Proxy<C> {
    /// The call as a plain POST on the upstream session (see `direct_call`). A session the
    /// upstream forgot (404) never ran the call, so it is retried once on a fresh session.
    async fn call_direct(
        &self,
        mut upstream: Arc<Live>,
        call: &ToolCall,
    ) -> Result<CallToolResponse, ErrorData> {
        let http = self.connector.http();
        let mut retried = false;
        loop {
            // A fresh session may have negotiated a revision without direct calls.
            let Some(direct) = &upstream.direct else {
                return self
                    .try_call(&upstream, call)
                    .await
                    .map_err(map_service_error);
            };
            match direct.call(http, call, self.timeout, &self.routes).await {
                Ok(response) => return Ok(response),
                Err(DirectFailure::Failed(error)) => return Err(error),
                Err(DirectFailure::Transport(error)) => {
                    self.forget(&upstream).await;
                    return Err(error);
                }
                Err(DirectFailure::SessionGone) if !retried => {
                    self.forget(&upstream).await;
                    upstream = self.upstream().await?;
                    retried = true;
                }
                Err(DirectFailure::SessionGone) => {
                    return Err(upstream_error("upstream session lost twice in a row"));
                }
            }
        }
    }
}

/// Every upstream failure reaches the caller (and the log row) through here, so URLs are cut to
/// their origin once for all of them: an upstream URL or its query may hold a secret.
fn upstream_error(message: impl Into<String>) -> ErrorData {
    ErrorData::internal_error(upstream_http::redact_urls(&message.into()), None)
}

fn map_service_error(error: ServiceError) -> ErrorData {
    match error {
        // The upstream's own JSON-RPC error goes back unchanged.
        ServiceError::McpError(mut error) => {
            // The upstream's own words, but no URL of ours echoed back in them.
            error.message = upstream_http::redact_urls(&error.message).into();
            error
        }
        other => upstream_error(format!("upstream failed: {other}")),
    }
}

/// The most pages and tools read from one upstream `tools/list`: an upstream that always
/// names a next page (or sends huge pages) would otherwise be read, and kept, until the timeout.
const MAX_TOOL_PAGES: usize = 64;
const MAX_TOOLS: usize = 10_000;

/// The upstream's tools, page by page, stopping at [`MAX_TOOL_PAGES`] or [`MAX_TOOLS`] (the
/// tools read so far are served, and the cut is logged for the admin).
async fn list_tools_bounded(
    peer: &rmcp::service::Peer<RoleClient>,
) -> Result<Vec<Tool>, ServiceError> {
    let mut tools = Vec::new();
    let mut cursor = None;
    for _ in 0..MAX_TOOL_PAGES {
        let params = rmcp::model::PaginatedRequestParams::default().with_cursor(cursor);
        let page = peer.list_tools(Some(params)).await?;
        tools.extend(page.tools);
        if tools.len() >= MAX_TOOLS {
            tools.truncate(MAX_TOOLS);
            tracing::warn!(
                limit = MAX_TOOLS,
                "upstream tools/list cut at the tool limit"
            );
            return Ok(tools);
        }
        cursor = page.next_cursor;
        if cursor.is_none() {
            return Ok(tools);
        }
    }
    tracing::warn!(
        limit = MAX_TOOL_PAGES,
        "upstream tools/list cut at the page limit"
    );
    Ok(tools)
}

#[async_trait]
impl<C: Connector> ToolBackend for Proxy<C> {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        let upstream = self.upstream().await?;
        match tokio::time::timeout(self.timeout, list_tools_bounded(upstream.service.peer())).await
        {
            Ok(Ok(tools)) => Ok(tools),
            Ok(Err(ServiceError::McpError(error))) => Err(error),
            // Listing is safe to repeat: reconnect once.
            Ok(Err(_)) | Err(_) => {
                self.forget(&upstream).await;
                let upstream = self.upstream().await?;
                tokio::time::timeout(self.timeout, list_tools_bounded(upstream.service.peer()))
                    .await
                    .map_err(|_| upstream_error("upstream tools/list timed out"))?
                    .map_err(map_service_error)
            }
        }
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        let upstream = self.upstream().await?;
        if upstream.direct.is_some() {
            return self.call_direct(upstream, &call).await;
        }
        match self.try_call(&upstream, &call).await {
            Ok(response) => Ok(response),
            // Only a call that never left is retried: a tool call may not be idempotent.
            Err(ServiceError::TransportClosed) => {
                self.forget(&upstream).await;
                let upstream = self.upstream().await?;
                self.try_call(&upstream, &call)
                    .await
                    .map_err(map_service_error)
            }
            Err(error @ (ServiceError::TransportSend(_) | ServiceError::Timeout { .. })) => {
                self.forget(&upstream).await;
                Err(map_service_error(error))
            }
            Err(error) => Err(map_service_error(error)),
        }
    }
}

/// `url` with the endpoint's query parameters appended.
fn url_with_query(endpoint: &RemoteEndpoint, url: &str) -> Result<url::Url, String> {
    let mut url = url::Url::parse(url).map_err(|error| format!("invalid upstream url: {error}"))?;
    if !endpoint.query.is_empty() {
        let present: Vec<String> = url
            .query_pairs()
            .map(|(name, _)| name.into_owned())
            .collect();
        let mut pairs = url.query_pairs_mut();
        for (name, value) in &endpoint.query {
            if !present.contains(name) {
                pairs.append_pair(name, value);
            }
        }
    }
    Ok(url)
}

fn policy(endpoint: &RemoteEndpoint) -> upstream_http::AddressPolicy {
    upstream_http::AddressPolicy {
        block_private_network: endpoint.block_private_network,
    }
}

fn header_map(
    endpoint: &RemoteEndpoint,
) -> Result<HashMap<http::HeaderName, http::HeaderValue>, String> {
    endpoint
        .headers
        .iter()
        .map(|(name, value)| {
            let name = http::HeaderName::try_from(name.as_str())
                .map_err(|error| format!("header {name}: {error}"))?;
            let value = http::HeaderValue::try_from(value.as_str())
                .map_err(|error| format!("header {name}: {error}"))?;
            Ok((name, value))
        })
        .collect()
}

/// `message` with the endpoint's query values and header values masked: an error of the
/// upstream request quotes its URL, which carries the admin's query secrets, and the message
/// goes back to the MCP client.
fn redact(endpoint: &RemoteEndpoint, message: impl ToString) -> String {
    let secrets = endpoint
        .query
        .values()
        .chain(endpoint.headers.values())
        .map(String::as_str);
    upstream_http::redact_secrets(&message.to_string(), secrets, |_| "****".to_owned())
}

struct StreamableConnector {
    endpoint: RemoteEndpoint,
    http: reqwest::Client,
}

#[async_trait]
impl Connector for StreamableConnector {
    async fn connect(&self, routes: ProgressRoutes) -> Result<Live, String> {
        let url = url_with_query(&self.endpoint, &self.endpoint.url)?;
        policy(&self.endpoint).check_url(&url)?;
        let endpoint_headers = header_map(&self.endpoint)?;
        let mut headers = endpoint_headers.clone();
        let mut config = StreamableHttpClientTransportConfig::with_uri(url.as_str());
        // rmcp sets Authorization itself and refuses it as a custom header.
        if let Some(value) = headers.remove(&http::header::AUTHORIZATION) {
            let value = value.to_str().map_err(|error| error.to_string())?;
            config = config.auth_header(value.strip_prefix("Bearer ").unwrap_or(value));
        }
        let config = config.custom_headers(headers);
        let session = SeenSession::default();
        let client = RecordingClient {
            http: self.http.clone(),
            session: session.clone(),
        };
        let inner = StreamableHttpClientTransport::with_client(client, config);
        let transport = ProgressRelay { inner, routes };
        let service = ProxyClient
            .serve(transport)
            .await
            .map_err(|error| upstream_http::with_causes(&error))?;
        let direct = service.peer().peer_info().and_then(|info| {
            DirectRoute::new(
                url,
                &endpoint_headers,
                session.get(),
                &info.protocol_version,
            )
        });
        Ok(Live { service, direct })
    }

    fn http(&self) -> &reqwest::Client {
        &self.http
    }
}

/// Proxy to a remote Streamable HTTP server (rmcp's client).
pub(crate) struct StreamableProxy(Proxy<StreamableConnector>);

impl StreamableProxy {
    pub fn new(endpoint: RemoteEndpoint, timeout: Duration) -> Self {
        Self(Proxy::new(
            StreamableConnector {
                http: upstream_http::client(policy(&endpoint)),
                endpoint,
            },
            timeout,
        ))
    }
}

#[async_trait]
impl ToolBackend for StreamableProxy {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        self.0.list_tools().await
    }
    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        self.0.call_tool(call).await
    }
}

struct SseConnector {
    endpoint: RemoteEndpoint,
    http: reqwest::Client,
}

#[async_trait]
impl Connector for SseConnector {
    fn http(&self) -> &reqwest::Client {
        &self.http
    }

    async fn connect(&self, routes: ProgressRoutes) -> Result<Live, String> {
        let url = url_with_query(&self.endpoint, &self.endpoint.url)?;
        policy(&self.endpoint).check_url(&url)?;
        let headers = header_map(&self.endpoint)?;
        let inner = sse_client::SseClientTransport::connect(
            self.http.clone(),
            url,
            headers,
            self.endpoint.clone(),
        )
        .await
        .map_err(|error| redact(&self.endpoint, error))?;
        let transport = ProgressRelay { inner, routes };
        let service = ProxyClient
            .serve(transport)
            .await
            .map_err(|error| upstream_http::with_causes(&error))?;
        // Legacy SSE answers on the GET stream, never on the POST: no direct calls.
        Ok(Live {
            service,
            direct: None,
        })
    }
}

/// Proxy to a remote legacy HTTP+SSE server (our own client transport).
pub(crate) struct SseProxy(Proxy<SseConnector>);

impl SseProxy {
    pub fn new(endpoint: RemoteEndpoint, timeout: Duration) -> Self {
        Self(Proxy::new(
            SseConnector {
                http: upstream_http::client(policy(&endpoint)),
                endpoint,
            },
            timeout,
        ))
    }
}

#[async_trait]
impl ToolBackend for SseProxy {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        self.0.list_tools().await
    }
    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        self.0.call_tool(call).await
    }
}
