//! What answers one server's tools: builds the tool server of a definition by its kind (embedded template, proxy, OpenAPI document) and caches live instances.

mod openapi;
mod proxy;
mod templates;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rmcp::ErrorData;

use crate::config::McpConfig;
use crate::host::{ServerDefinition, ServerKind};
use crate::tool_server::ToolServer;
use openapi::OpenApiServer;
use proxy::{SseProxy, StreamableProxy};

pub use openapi::{OpenApiCheck, OpenApiError, check_openapi};
pub use proxy::redact_secrets;
pub use templates::{ParamOwner, TemplateError, TemplateInfo, TemplateParam, embedded_templates};

/// Live tool servers keyed by server id, revision and (for proxies) the caller's group (see [`ServerDefinition::revision`]), so a
/// configuration change (new URL, rotated group secret) builds a fresh instance while
/// unchanged servers keep their upstream connection and converted document.
pub(crate) struct LiveServers {
    config: McpConfig,
    live: Mutex<HashMap<ServerKey, Arc<dyn ToolServer>>>,
}

/// Server id, revision, and the group for proxies (empty for shared servers).
type ServerKey = (String, String, String);

/// Bounds the cache when a host keeps changing definitions; old instances then simply rebuild.
const MAX_LIVE_SERVERS: usize = 4096;

impl LiveServers {
    pub fn new(config: McpConfig) -> Self {
        Self {
            config,
            live: Mutex::new(HashMap::new()),
        }
    }

    /// The live tool server of `definition` for a caller of `group_id`. A proxy gets one upstream
    /// connection per group: an upstream session may hold state (a login, a cursor, files), and
    /// one group must never see what another left in it.
    pub fn get(
        &self,
        definition: &ServerDefinition,
        group_id: &str,
    ) -> Result<Arc<dyn ToolServer>, ErrorData> {
        let revision = if definition.revision.is_empty() {
            serde_json::to_string(definition)
                .map_err(|error| ErrorData::internal_error(error.to_string(), None))?
        } else {
            definition.revision.clone()
        };
        let owner = match definition.kind {
            ServerKind::ProxyStreamable(_) | ServerKind::ProxySse(_) => group_id,
            // Embedded and OpenAPI servers keep no caller state between calls: shared.
            ServerKind::Embedded { .. } | ServerKind::OpenApi(_) => "",
        };
        let key = (definition.id.clone(), revision, owner.to_owned());
        let mut live = self
            .live
            .lock()
            .map_err(|_| ErrorData::internal_error("server cache poisoned", None))?;
        if let Some(server) = live.get(&key) {
            return Ok(server.clone());
        }
        let server = self.build(definition)?;
        if live.len() >= MAX_LIVE_SERVERS {
            live.clear();
        }
        live.insert(key, server.clone());
        Ok(server)
    }

    pub fn build(&self, definition: &ServerDefinition) -> Result<Arc<dyn ToolServer>, ErrorData> {
        let server: Arc<dyn ToolServer> = match &definition.kind {
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
                OpenApiServer::build(source, self.config.openapi_compact_above_bytes).map_err(
                    |error| {
                        ErrorData::internal_error(
                            format!("server {} cannot start: {error}", definition.id),
                            None,
                        )
                    },
                )?
            }
        };
        Ok(server)
    }
}
