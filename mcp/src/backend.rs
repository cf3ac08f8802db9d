//! What answers one server's tools (an embedded template, a proxy, an OpenAPI document) and the cache of live instances per definition.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, JsonObject, ProgressNotificationParam, ProgressToken, Tool};
use rmcp::service::{Peer, RoleServer};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::config::McpConfig;
use crate::directory::{ServerDefinition, ServerKind};
use crate::proxy::{SseProxy, StreamableProxy};
use crate::templates;

/// One tool call as a backend sees it: the tool's own name (no aggregated prefix).
pub(crate) struct ToolCall {
    pub name: String,
    pub arguments: Option<JsonObject>,
    /// The caller's progress token, when it asked for progress notifications.
    pub progress_token: Option<ProgressToken>,
    /// Where progress (and, on rmcp's session, log messages) for the caller goes.
    pub notifier: CallerNotifier,
    /// Cancelled when the client cancels the request or goes away.
    pub cancel: CancellationToken,
}

/// How a backend reaches the caller during a call.
#[derive(Clone)]
pub(crate) enum CallerNotifier {
    /// rmcp's session: notifications go out on its streams.
    Session(Peer<RoleServer>),
    /// A reply written outside rmcp (see `direct_reply`), which streams the call's progress
    /// before its result. Log messages have no place there: backends that send them say so
    /// ([`ToolBackend::notifies_caller`]) and are served by rmcp.
    Reply(mpsc::Sender<ProgressNotificationParam>),
    /// Nobody listens: a reply without progress.
    Nobody,
}

impl CallerNotifier {
    pub async fn progress(&self, progress: ProgressNotificationParam) -> Result<(), String> {
        match self {
            CallerNotifier::Session(peer) => peer
                .notify_progress(progress)
                .await
                .map_err(|error| error.to_string()),
            CallerNotifier::Reply(sender) => sender
                .send(progress)
                .await
                .map_err(|_| "the caller went away".to_owned()),
            CallerNotifier::Nobody => Ok(()),
        }
    }

    #[expect(
        deprecated,
        reason = "logging is deprecated upstream (SEP-2577) but clients of the 2025 revisions still use it"
    )]
    pub async fn log(
        &self,
        message: rmcp::model::LoggingMessageNotificationParam,
    ) -> Result<(), String> {
        match self {
            CallerNotifier::Session(peer) => peer
                .notify_logging_message(message)
                .await
                .map_err(|error| error.to_string()),
            CallerNotifier::Reply(_) | CallerNotifier::Nobody => Ok(()),
        }
    }
}

/// The tools of one configured server.
#[async_trait]
pub(crate) trait ToolBackend: Send + Sync {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData>;
    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData>;

    /// Whether calling `tool` sends the caller notifications other than progress (log
    /// messages, say), which need the session's stream. Such calls are always served by rmcp.
    fn notifies_caller(&self, _tool: &str) -> bool {
        false
    }
}

/// Live backends keyed by server id, revision and (for proxies) the caller's group (see [`ServerDefinition::revision`]), so a
/// configuration change (new URL, rotated group secret) builds a fresh instance while
/// unchanged servers keep their upstream connection and converted document.
pub(crate) struct Backends {
    config: McpConfig,
    live: Mutex<HashMap<BackendKey, Arc<dyn ToolBackend>>>,
}

/// Server id, revision, and the group for proxies (empty for shared backends).
type BackendKey = (String, String, String);

/// Bounds the cache when a host keeps changing definitions; old instances then simply rebuild.
const MAX_LIVE_BACKENDS: usize = 4096;

impl Backends {
    pub fn new(config: McpConfig) -> Self {
        Self {
            config,
            live: Mutex::new(HashMap::new()),
        }
    }

    /// The live backend of `definition` for a caller of `group_id`. A proxy gets one upstream
    /// connection per group: an upstream session may hold state (a login, a cursor, files), and
    /// one group must never see what another left in it.
    pub fn get(
        &self,
        definition: &ServerDefinition,
        group_id: &str,
    ) -> Result<Arc<dyn ToolBackend>, ErrorData> {
        let revision = if definition.revision.is_empty() {
            serde_json::to_string(definition)
                .map_err(|error| ErrorData::internal_error(error.to_string(), None))?
        } else {
            definition.revision.clone()
        };
        let owner = match definition.kind {
            ServerKind::ProxyStreamable(_) | ServerKind::ProxySse(_) => group_id,
            // Embedded and OpenAPI backends keep no caller state between calls: shared.
            ServerKind::Embedded { .. } | ServerKind::OpenApi(_) => "",
        };
        let key = (definition.id.clone(), revision, owner.to_owned());
        let mut live = self
            .live
            .lock()
            .map_err(|_| ErrorData::internal_error("backend cache poisoned", None))?;
        if let Some(backend) = live.get(&key) {
            return Ok(backend.clone());
        }
        let backend = self.build(definition)?;
        if live.len() >= MAX_LIVE_BACKENDS {
            live.clear();
        }
        live.insert(key, backend.clone());
        Ok(backend)
    }

    pub fn build(&self, definition: &ServerDefinition) -> Result<Arc<dyn ToolBackend>, ErrorData> {
        let backend: Arc<dyn ToolBackend> = match &definition.kind {
            ServerKind::Embedded { template, params } => templates::instantiate(template, params)
                .map_err(|error| {
                ErrorData::internal_error(
                    format!("server {} cannot start: {error}", definition.id),
                    None,
                )
            })?,
            ServerKind::ProxyStreamable(endpoint) => Arc::new(StreamableProxy::new(
                endpoint.clone(),
                self.config.upstream_timeout,
            )),
            ServerKind::ProxySse(endpoint) => Arc::new(SseProxy::new(
                endpoint.clone(),
                self.config.upstream_timeout,
            )),
            ServerKind::OpenApi(source) => {
                crate::openapi::OpenApiBackend::build(source).map_err(|error| {
                    ErrorData::internal_error(
                        format!("server {} cannot start: {error}", definition.id),
                        None,
                    )
                })?
            }
        };
        Ok(backend)
    }
}
