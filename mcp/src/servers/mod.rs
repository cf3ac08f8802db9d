//! What answers one server's tools: builds the tool server of a definition by its kind (embedded, proxy, OpenAPI, virtual, gRPC) and caches live instances.

mod composite;
mod composite_offerings;
mod grpc;
mod openapi;
mod proxy;
pub(crate) mod templates;
pub mod uri_template;

pub(crate) use proxy::upstream_http as proxy_http;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use rmcp::ErrorData;

use crate::config::McpConfig;
use crate::grpc_host::GrpcUpstreams;
use crate::host::{RemoteEndpoint, ServerDefinition, ServerKind, VirtualComposition};
use crate::pinning::ToolPins;
use crate::tool_server::ToolServer;
use crate::upstream_auth::{UpstreamBearer, UpstreamTokenError, UpstreamTokenSource};
use composite::{CompositeServer, Source};
use grpc::GrpcServer;
use openapi::OpenApiServer;
use proxy::{SseProxy, StreamableProxy};

pub use openapi::{OpenApiCheck, OpenApiError, check_openapi};
pub use proxy::redact_secrets;
pub use templates::{
    Catalogue, ParamOwner, TemplateError, TemplateInfo, TemplateParam, embedded_templates,
};

/// Live tool servers keyed by server id, revision and (for proxies) the caller's group (see [`ServerDefinition::revision`]), so a
/// configuration change (new URL, rotated group secret) builds a fresh instance while
/// unchanged servers keep their upstream connection and converted document.
pub(crate) struct LiveServers {
    config: McpConfig,
    live: Mutex<LiveMap>,
    /// The pins a virtual server reviews its sources' listings against.
    pins: Option<Arc<dyn ToolPins>>,
    /// The host's upstream OAuth tokens, for proxies whose upstream wants them.
    upstream_tokens: Option<Arc<dyn UpstreamTokenSource>>,
    /// The host's gRPC client, for servers of type `grpc`.
    grpc: Option<Arc<dyn GrpcUpstreams>>,
}

/// Server id, revision, and the group for proxies (empty for shared servers).
type ServerKey = (String, String, String);

type LiveMap = HashMap<ServerKey, Arc<dyn ToolServer>>;

/// Bounds the cache when a host keeps changing definitions; old instances then simply rebuild.
const MAX_LIVE_SERVERS: usize = 4096;

impl LiveServers {
    pub fn new(
        config: McpConfig,
        pins: Option<Arc<dyn ToolPins>>,
        upstream_tokens: Option<Arc<dyn UpstreamTokenSource>>,
        grpc: Option<Arc<dyn GrpcUpstreams>>,
    ) -> Self {
        Self {
            config,
            live: Mutex::new(HashMap::new()),
            pins,
            upstream_tokens,
            grpc,
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
            // A virtual server holds its sources' instances, proxies among them.
            ServerKind::ProxyStreamable(_) | ServerKind::ProxySse(_) | ServerKind::Virtual(_) => {
                group_id
            }
            // Embedded and OpenAPI servers keep no caller state between calls: shared.
            // gRPC servers too: the group's metadata is part of the definition and so of
            // its revision.
            ServerKind::Embedded { .. } | ServerKind::OpenApi(_) | ServerKind::Grpc(_) => "",
        };
        let key = (definition.id.clone(), revision, owner.to_owned());
        if let Some(server) = self.lock()?.get(&key) {
            return Ok(server.clone());
        }
        // Built without the lock: a virtual server gets its sources from this cache. Two
        // requests racing here build twice and the later one is kept, which costs nothing
        // but a connection.
        let server = self.build(definition, group_id)?;
        let mut live = self.lock()?;
        if live.len() >= MAX_LIVE_SERVERS {
            live.clear();
        }
        Ok(live.entry(key).or_insert(server).clone())
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, LiveMap>, ErrorData> {
        self.live
            .lock()
            .map_err(|_| ErrorData::internal_error("server cache poisoned", None))
    }

    /// A fresh tool server of `definition` for a caller of `group_id` (a virtual server's
    /// sources come from the cache).
    pub fn build(
        &self,
        definition: &ServerDefinition,
        group_id: &str,
    ) -> Result<Arc<dyn ToolServer>, ErrorData> {
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
                self.bearer(definition, endpoint, group_id)?,
            )),
            ServerKind::ProxySse(endpoint) => Arc::new(SseProxy::new(
                endpoint.clone(),
                self.config.upstream_timeout,
                self.bearer(definition, endpoint, group_id)?,
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
            ServerKind::Virtual(composition) => {
                self.composite(definition, composition, group_id)?
            }
            ServerKind::Grpc(source) => {
                let upstreams = self.grpc.as_deref().ok_or_else(|| {
                    ErrorData::internal_error(
                        format!(
                            "server {} cannot start: this gateway has no grpc client",
                            definition.id
                        ),
                        None,
                    )
                })?;
                GrpcServer::build(
                    &definition.id,
                    source,
                    self.config.upstream_timeout,
                    upstreams,
                )
                .map_err(|error| {
                    ErrorData::internal_error(
                        format!("server {} cannot start: {error}", definition.id),
                        None,
                    )
                })?
            }
        };
        Ok(server)
    }

    /// The group's upstream OAuth bearer of a proxy whose upstream wants one.
    fn bearer(
        &self,
        definition: &ServerDefinition,
        endpoint: &RemoteEndpoint,
        group_id: &str,
    ) -> Result<Option<Arc<UpstreamBearer>>, ErrorData> {
        if !endpoint.upstream_oauth {
            return Ok(None);
        }
        let source = self.upstream_tokens.clone().ok_or_else(|| {
            UpstreamTokenError::Unavailable {
                server: definition.id.clone(),
                reason: "this gateway holds no upstream tokens here".to_owned(),
            }
            .to_error_data()
        })?;
        Ok(Some(Arc::new(UpstreamBearer::new(
            source,
            &definition.id,
            group_id,
        ))))
    }

    fn composite(
        &self,
        definition: &ServerDefinition,
        composition: &VirtualComposition,
        group_id: &str,
    ) -> Result<Arc<dyn ToolServer>, ErrorData> {
        let mut sources = BTreeMap::new();
        for source in &composition.sources {
            if matches!(source.kind, ServerKind::Virtual(_)) {
                return Err(ErrorData::internal_error(
                    format!(
                        "server {} cannot start: its source {} is virtual too",
                        definition.id, source.id
                    ),
                    None,
                ));
            }
            let source = Arc::new(source.clone());
            let server = self.get(&source, group_id)?;
            sources.insert(
                source.id.clone(),
                Source {
                    definition: source,
                    server,
                },
            );
        }
        Ok(Arc::new(CompositeServer::new(
            composition,
            sources,
            self.pins.clone(),
        )))
    }
}
