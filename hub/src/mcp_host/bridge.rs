//! The MCP service's view of the configuration: keys become callers, stored MCP servers become server definitions, tool calls become log rows.
//!
//! Stored MCP servers become server definitions with the group's parameters merged; tool calls
//! are admitted by the one governor (`HubGovernor` is the `ToolCallGate`) and billed like relay
//! requests, priced at the tool's own price (`tool_prices`) or else the server's
//! `price_per_call`. A virtual server's definition carries its sources as the group sees them.
//!
//! Group parameters reach a proxied server as headers or query parameters: a parameter named
//! `query:NAME` is sent as the query parameter NAME, `header:NAME` or a plain `NAME` as a header.
//! For embedded servers every parameter is handed to the template as it is named.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use mcp::{
    McpDirectory, RemoteEndpoint, Scope, ServerDefinition, ServerKind, ToolCallRecord,
    ToolCallSink, ToolCallStatus, VirtualComposition, embedded_templates,
};
use relay::host::{UsageRecord, UsageSink};
use tenancy::{AuthError, Caller};

use crate::governance::governor::BillingSink;
use crate::snapshot::{Snapshot, SnapshotCell, now_ms};
use crate::store::{McpScope, McpServer, McpServerKind, Status};

/// Implements the `mcp` crate's traits on the configuration snapshot.
pub struct McpBridge {
    snapshot: Arc<SnapshotCell>,
    /// Copy tool arguments and results into the log (`SAVE_ALL_LOG_DETAIL`), unless the
    /// `SaveAllLogDetail` option says otherwise.
    record_details: bool,
    /// Settles each call's reservation and writes its request-log row, as for a relay request
    /// (the writer charges the token and group when billing is on).
    billing: BillingSink,
    definitions: Mutex<Option<Definitions>>,
}

/// Server definitions built from one snapshot, so a request costs a map lookup instead of a
/// copy of every OpenAPI document; rebuilt lazily when the snapshot is replaced.
struct Definitions {
    snapshot: Arc<Snapshot>,
    /// By server id and, when the group supplied parameters for it, the group; `None` for a
    /// server this group cannot use (a required parameter missing).
    built: HashMap<(String, Option<String>), Option<Arc<ServerDefinition>>>,
}

impl McpBridge {
    pub fn new(
        snapshot: Arc<SnapshotCell>,
        record_details: bool,
        billing: BillingSink,
    ) -> McpBridge {
        McpBridge {
            snapshot,
            record_details,
            billing,
            definitions: Mutex::new(None),
        }
    }
}

impl McpBridge {
    /// The caller an admin's try-it call (`CallMcpTool`) runs as: `group_id` with no token
    /// (token id 0, so no token's limits or allow-list), named `token_name` in the log; or why
    /// the group cannot call now (missing, disabled, serving off), as a client's key would be
    /// refused.
    pub fn group_caller(
        &self,
        group_id: &str,
        token_name: String,
        client_ip: Option<IpAddr>,
    ) -> Result<Caller, String> {
        let snapshot = self.snapshot.current();
        if snapshot.runtime.disable_serve {
            return Err("serving is off (DisableServe)".to_owned());
        }
        match snapshot.group(group_id) {
            Some(group) if group.status != crate::store::GroupStatus::Disabled => {}
            Some(_) => return Err(format!("group {group_id} is disabled")),
            None => return Err(format!("group {group_id} does not exist")),
        }
        Ok(Caller {
            group_id: group_id.to_owned(),
            token_id: 0,
            token_name,
            allowed_models: None,
            sets: Arc::from([]),
            mcp_allow: None,
            record_details: snapshot
                .runtime
                .save_all_log_detail
                .unwrap_or(self.record_details),
            client_ip,
        })
    }

    /// Whether the public server `server_id` exists (`None` when not, or not public) and is
    /// enabled, as the serving snapshot has it.
    pub fn public_server_enabled(&self, server_id: &str) -> Option<bool> {
        self.snapshot
            .current()
            .mcp_servers
            .iter()
            .find(|server| server.id == server_id && server.scope == McpScope::Public)
            .map(|server| server.status == Status::Enabled)
    }

    /// The server `server_id` as `caller` is served it on /mcp, if it is offered to the group.
    pub fn definition_of(&self, caller: &Caller, server_id: &str) -> Option<Arc<ServerDefinition>> {
        self.servers_for(caller)
            .into_iter()
            .find(|definition| definition.id == server_id)
    }
}

impl McpDirectory for McpBridge {
    fn authenticate(&self, api_key: &str, client_ip: IpAddr) -> Result<Caller, AuthError> {
        let snapshot = self.snapshot.current();
        let caller = snapshot.authenticate(api_key, client_ip, now_ms())?;
        Ok(Caller {
            record_details: snapshot
                .runtime
                .save_all_log_detail
                .unwrap_or(self.record_details),
            ..caller
        })
    }

    fn servers_for(&self, caller: &Caller) -> Vec<Arc<ServerDefinition>> {
        let snapshot = self.snapshot.current();
        let Ok(mut cache) = self.definitions.lock() else {
            return Vec::new();
        };
        let definitions = match &mut *cache {
            Some(definitions) if Arc::ptr_eq(&definitions.snapshot, &snapshot) => definitions,
            stale => stale.insert(Definitions {
                snapshot: snapshot.clone(),
                built: HashMap::new(),
            }),
        };
        let group_id = caller.group_id.as_str();
        snapshot
            .mcp_servers
            .iter()
            .filter(|server| offered_to(server, group_id))
            .filter_map(|server| {
                // A definition differs by group when the group supplied parameters, has its
                // own tool allow-list, or (virtual servers) through its sources.
                let per_group = server.kind == McpServerKind::Virtual
                    || server.group_tools.contains_key(group_id)
                    || snapshot
                        .group_mcp_params
                        .contains_key(&(server.id.clone(), group_id.to_owned()));
                let key = (server.id.clone(), per_group.then(|| group_id.to_owned()));
                definitions
                    .built
                    .entry(key)
                    .or_insert_with(|| {
                        built_definition(&snapshot, server, group_id)
                            .ok()
                            .map(Arc::new)
                    })
                    .clone()
            })
            .collect()
    }

    fn documentation_only(&self, caller: &Caller, server_id: &str) -> Option<String> {
        let snapshot = self.snapshot.current();
        let server = snapshot.mcp_servers.iter().find(|server| {
            server.id == server_id
                && server.kind == McpServerKind::Docs
                && offered_to(server, &caller.group_id)
        })?;
        let mut explanation = format!(
            "{server_id} is a catalogue entry only: the server runs elsewhere, not on this gateway"
        );
        if !server.catalogue.homepage.is_empty() {
            explanation.push_str(&format!(" (see {})", server.catalogue.homepage));
        }
        Some(explanation)
    }
}

/// Whether `server` is offered to callers of `group_id` at all (enabled, public or theirs).
fn offered_to(server: &McpServer, group_id: &str) -> bool {
    server.status == Status::Enabled
        && match server.scope {
            McpScope::Public => true,
            McpScope::Group => server.group_id.as_deref() == Some(group_id),
        }
}

/// The definition of `server` for `group_id` from the snapshot: the group's parameters merged,
/// a virtual server's sources resolved, the revision set; or why the group cannot use it.
fn built_definition(
    snapshot: &Snapshot,
    server: &McpServer,
    group_id: &str,
) -> Result<ServerDefinition, String> {
    let params = |server_id: &str| {
        snapshot
            .group_mcp_params
            .get(&(server_id.to_owned(), group_id.to_owned()))
            .cloned()
            .unwrap_or_default()
    };
    let definition = if server.kind == McpServerKind::Virtual {
        virtual_definition(server, group_id, |source_id| {
            let source = snapshot.mcp_servers.iter().find(|s| s.id == source_id)?;
            if !offered_to(source, group_id) {
                return None;
            }
            definition_for(source, group_id, params(source_id))
                .ok()
                .map(|definition| with_revision(definition, source))
        })?
    } else {
        definition_for(server, group_id, params(&server.id))?
    };
    Ok(with_revision(definition, server))
}

impl ToolCallSink for McpBridge {
    fn record(&self, record: ToolCallRecord) {
        let (status, error) = match &record.status {
            ToolCallStatus::Ok => (200, None),
            ToolCallStatus::ToolError => (200, Some("the tool returned an error".to_owned())),
            ToolCallStatus::Failed { code, message } => (502, Some(format!("{code}: {message}"))),
            ToolCallStatus::Denied => (
                403,
                Some("not in the token's or the group's MCP allow-list".to_owned()),
            ),
            ToolCallStatus::Refused { kind, message } => {
                (kind.http_status(), Some(message.clone()))
            }
            ToolCallStatus::Quarantined { message } => (403, Some(message.clone())),
        };
        let endpoint = format!("/mcp/{}", record.server_id);
        let row = UsageRecord {
            group_id: Some(record.group_id),
            token_id: Some(record.token_id),
            token_name: Some(record.token_name),
            requested_model: Some(format!("{}/{}", record.server_id, record.tool)),
            // A virtual server's call names the tool it stood for, as a relay row names the
            // model the upstream served.
            upstream_model: record.source_tool,
            error,
            total: record.duration,
            client_ip: record.client_ip,
            // Present only when details are on (the caller's record_details).
            request_body: record
                .arguments
                .map(|arguments| arguments.to_string().into()),
            response_body: record.result.map(|result| result.to_string().into()),
            // The gate's reservation: the billing sink prices the call at the tool's price
            // (nothing for a call that failed), settles the live counters and
            // hands the row to the writer, exactly as for a relay request.
            reservation: record.reservation,
            ..UsageRecord::new(record.request_id, endpoint, status)
        };
        self.billing.record(row);
    }
}

/// The server as `group_id` sees it with `group_params` merged in, or why the group cannot use
/// it. Also used by the control plane to test a server and list its tools for a group.
pub fn definition_for(
    server: &McpServer,
    group_id: &str,
    group_params: BTreeMap<String, String>,
) -> Result<ServerDefinition, String> {
    let scope = match server.scope {
        McpScope::Public => Scope::Public,
        McpScope::Group => Scope::Group(group_id.to_owned()),
    };
    let missing: Vec<&str> = server
        .required_group_params
        .iter()
        .filter(|name| !group_params.contains_key(name.as_str()))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "the group has not set the required parameters: {}",
            missing.join(", ")
        ));
    }
    let kind = match server.kind {
        McpServerKind::Virtual => return Err("a virtual server's sources are not resolved".into()),
        McpServerKind::Docs => {
            return Err("a docs entry describes a server that runs elsewhere".into());
        }
        McpServerKind::Embedded => {
            let template = server.template.clone().ok_or("no template is set")?;
            let info = embedded_templates()
                .iter()
                .find(|info| info.name == template)
                .ok_or_else(|| format!("unknown template {template:?}"))?;
            let mut params = server.params.clone();
            params.extend(group_params);
            let missing: Vec<&str> = info
                .params
                .iter()
                .filter(|param| param.required && !params.contains_key(param.name))
                .map(|param| param.name)
                .collect();
            if !missing.is_empty() {
                return Err(format!(
                    "required parameters not set: {}",
                    missing.join(", ")
                ));
            }
            ServerKind::Embedded { template, params }
        }
        McpServerKind::ProxyStreamable => {
            ServerKind::ProxyStreamable(endpoint(server, group_params).ok_or("no url is set")?)
        }
        McpServerKind::ProxySse => {
            ServerKind::ProxySse(endpoint(server, group_params).ok_or("no url is set")?)
        }
        McpServerKind::Openapi => ServerKind::OpenApi(
            openapi_source(server, group_params)
                .ok_or("no openapi document is stored (spec_url not fetched yet)")?,
        ),
        McpServerKind::Grpc => {
            ServerKind::Grpc(grpc_source(server, group_params).ok_or("no url is set")?)
        }
    };
    Ok(ServerDefinition {
        id: server.id.clone(),
        scope,
        description: String::new(),
        kind,
        revision: String::new(),
        tool_allow: tool_allow(server, group_id),
        aggregate_unprefixed: server.aggregate_unprefixed,
    })
}

/// A virtual server as `group_id` sees it: `source_for` gives each source server's definition
/// for the group (revision set), or `None` when the group cannot use it; its tools, prompts and
/// resources are then left out. Fails when the group can use none of the sources.
pub fn virtual_definition(
    server: &McpServer,
    group_id: &str,
    source_for: impl Fn(&str) -> Option<ServerDefinition>,
) -> Result<ServerDefinition, String> {
    let source_ids = server
        .virtual_tools
        .iter()
        .map(|tool| tool.server.as_str())
        .chain(
            server
                .virtual_prompts
                .iter()
                .map(|prompt| prompt.server.as_str()),
        )
        .chain(
            server
                .virtual_resources
                .iter()
                .map(|resource| resource.server.as_str()),
        );
    let mut sources: Vec<ServerDefinition> = Vec::new();
    for source_id in source_ids {
        if sources.iter().any(|source| source.id == source_id) {
            continue;
        }
        if let Some(source) = source_for(source_id) {
            sources.push(source);
        }
    }
    if sources.is_empty() {
        return Err("none of the virtual server's sources is available to the group".into());
    }
    // A tool (or prompt: they share allow-lists) whose source the group cannot use, or whose
    // source withholds it from the group, is outside the virtual server's allow-list too:
    // hidden and refused like any other.
    let usable_on = |source_id: &str, name: &str| {
        sources
            .iter()
            .any(|source| source.id == source_id && source.allows_tool(name))
    };
    let tools = server.virtual_tools.iter().map(|tool| {
        (
            tool.exposed_name(),
            usable_on(tool.server.as_str(), tool.tool.as_str()),
        )
    });
    let prompts = server.virtual_prompts.iter().map(|prompt| {
        (
            prompt.exposed_name(),
            usable_on(prompt.server.as_str(), prompt.prompt.as_str()),
        )
    });
    let named: Vec<(&str, bool)> = tools.chain(prompts).collect();
    let usable: BTreeSet<String> = named
        .iter()
        .filter(|(_, usable)| *usable)
        .map(|(name, _)| (*name).to_owned())
        .collect();
    let explicit = tool_allow(server, group_id);
    // A group the virtual server's own allow-list narrows reads none of its resources, as on
    // any other server (see `mcp::offerings`); the composite checks each source for the rest.
    let resources = match explicit {
        Some(_) => Vec::new(),
        None => server.virtual_resources.clone(),
    };
    let tool_allow = match explicit {
        Some(allowed) => Some(allowed.intersection(&usable).cloned().collect()),
        None if named.iter().any(|(_, usable)| !usable) => Some(usable),
        None => None,
    };
    Ok(ServerDefinition {
        id: server.id.clone(),
        scope: match server.scope {
            McpScope::Public => Scope::Public,
            McpScope::Group => Scope::Group(group_id.to_owned()),
        },
        description: String::new(),
        kind: ServerKind::Virtual(VirtualComposition {
            tools: server.virtual_tools.clone(),
            prompts: server.virtual_prompts.clone(),
            resources,
            sources,
        }),
        revision: String::new(),
        tool_allow,
        aggregate_unprefixed: server.aggregate_unprefixed,
    })
}

/// The group's per-tool allow-list of `server`, when it has one.
fn tool_allow(server: &McpServer, group_id: &str) -> Option<BTreeSet<String>> {
    server
        .group_tools
        .get(group_id)
        .map(|tools| tools.iter().cloned().collect())
}

/// Sets the revision the MCP service's tool-server cache keys by: the server's update time and a digest of
/// the whole definition, so even two writes within one millisecond, or two groups' parameters,
/// never share an instance. Computed once per snapshot, not per request.
fn with_revision(mut definition: ServerDefinition, server: &McpServer) -> ServerDefinition {
    let mut hasher = std::hash::DefaultHasher::new();
    serde_json::to_string(&definition)
        .unwrap_or_default()
        .hash(&mut hasher);
    definition.revision = format!("{}:{:016x}", server.updated_at, hasher.finish());
    definition
}

/// An OpenAPI server's source: admin-set credentials, then the group's parameters over them
/// (each placed on the security scheme of its name, else sent as a header).
pub(crate) fn openapi_source(
    server: &McpServer,
    group_params: BTreeMap<String, String>,
) -> Option<mcp::OpenApiSource> {
    let source = server.openapi.as_ref()?;
    // A document named only by URL is fetched when it is uploaded; until then there is
    // nothing to serve.
    let document = source.spec.clone().filter(|spec| !spec.is_empty())?;
    let mut credentials = source.credentials.clone();
    credentials.extend(group_params);
    Some(mcp::OpenApiSource {
        document,
        base_url: source.base_url.clone(),
        headers: server.headers.clone(),
        allow_private_network: source.allow_private_network,
        compact: source.compact,
        credentials,
        include_operations: source.include_operations.clone(),
        exclude_operations: source.exclude_operations.clone(),
    })
}

fn endpoint(server: &McpServer, group_params: BTreeMap<String, String>) -> Option<RemoteEndpoint> {
    let (headers, query) =
        endpoint_parameters(server.headers.clone(), server.query.clone(), group_params);
    Some(RemoteEndpoint {
        url: server.url.clone()?,
        headers,
        query,
        // An admin-set parameter of a proxied server (no schema change needed): private
        // upstreams are the common case, so the guard is asked for, not assumed.
        block_private_network: server
            .params
            .get(BLOCK_PRIVATE_NETWORK_PARAM)
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("true")),
        upstream_oauth: server.upstream_oauth.is_some(),
        revision: upstream_revision(server),
    })
}

/// The admin-set parameter (`params`) of a proxied server that pins the MCP revision spoken
/// upstream: `2025-11-25` (session era) or `2026-07-28`; detected when absent.
pub const UPSTREAM_REVISION_PARAM: &str = "upstream_revision";

fn upstream_revision(server: &McpServer) -> mcp::UpstreamRevision {
    let Some(setting) = server.params.get(UPSTREAM_REVISION_PARAM) else {
        return mcp::UpstreamRevision::Detect;
    };
    mcp::UpstreamRevision::parse(setting).unwrap_or_else(|| {
        tracing::warn!(
            server = %server.id,
            %setting,
            "unknown upstream_revision, detecting the upstream's revision instead"
        );
        mcp::UpstreamRevision::Detect
    })
}

/// The admin-set parameter (`params`) of a proxied server that refuses loopback and private
/// upstream addresses; cloud metadata addresses are refused whatever it says.
pub const BLOCK_PRIVATE_NETWORK_PARAM: &str = "block_private_network";

/// The admin-set parameter of a gRPC server that lets it reach loopback and private addresses
/// (`"true"`): refused by default, as OpenAPI servers refuse them.
pub const ALLOW_PRIVATE_NETWORK_PARAM: &str = "allow_private_network";

/// The admin-set parameter of a gRPC server holding an uploaded `FileDescriptorSet` (base64),
/// used instead of server reflection.
pub const DESCRIPTOR_SET_PARAM: &str = "descriptor_set";

/// A gRPC server as a group sees it: the static headers and the group's parameters
/// (`header:` prefix optional) as metadata; its options from the admin-set `params` (no
/// schema change needed, like [`BLOCK_PRIVATE_NETWORK_PARAM`]).
pub(crate) fn grpc_source(
    server: &McpServer,
    group_params: BTreeMap<String, String>,
) -> Option<mcp::GrpcSource> {
    let mut metadata = server.headers.clone();
    for (name, value) in group_params {
        let name = name.strip_prefix("header:").unwrap_or(&name);
        metadata.insert(name.to_owned(), value);
    }
    Some(mcp::GrpcSource {
        url: server.url.clone()?,
        metadata,
        descriptor_set: server
            .params
            .get(DESCRIPTOR_SET_PARAM)
            .filter(|set| !set.trim().is_empty())
            .cloned(),
        allow_private_network: server
            .params
            .get(ALLOW_PRIVATE_NETWORK_PARAM)
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("true")),
    })
}

/// Adds parameters to the static headers and query: `query:NAME` as a query parameter,
/// `header:NAME` or a plain `NAME` as a header.
fn endpoint_parameters(
    mut headers: BTreeMap<String, String>,
    mut query: BTreeMap<String, String>,
    parameters: impl IntoIterator<Item = (String, String)>,
) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    for (name, value) in parameters {
        if let Some(parameter) = name.strip_prefix("query:") {
            query.insert(parameter.to_owned(), value);
        } else {
            let header = name.strip_prefix("header:").unwrap_or(&name);
            headers.insert(header.to_owned(), value);
        }
    }
    (headers, query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_parameters_become_headers_or_query() {
        let mut server = McpServer::new("remote", McpScope::Public, McpServerKind::ProxyStreamable);
        server.url = Some("http://127.0.0.1:9/mcp".into());
        server.headers.insert("X-Static".into(), "1".into());
        let params = [
            ("Authorization".to_owned(), "Bearer group-secret".to_owned()),
            ("query:api_key".to_owned(), "k".to_owned()),
            ("header:X-Tenant".to_owned(), "acme".to_owned()),
        ]
        .into_iter()
        .collect();
        let endpoint = endpoint(&server, params).unwrap();
        assert_eq!(endpoint.headers["Authorization"], "Bearer group-secret");
        assert_eq!(endpoint.headers["X-Tenant"], "acme");
        assert_eq!(endpoint.headers["X-Static"], "1");
        assert_eq!(endpoint.query["api_key"], "k");
        assert!(
            !endpoint.block_private_network,
            "private upstreams are allowed by default"
        );
        server
            .params
            .insert(BLOCK_PRIVATE_NETWORK_PARAM.into(), "true".into());
        assert!(
            super::endpoint(&server, BTreeMap::new())
                .unwrap()
                .block_private_network
        );
    }

    #[test]
    fn the_upstream_revision_is_detected_unless_pinned() {
        let mut server = McpServer::new("remote", McpScope::Public, McpServerKind::ProxyStreamable);
        server.url = Some("http://127.0.0.1:9/mcp".into());
        let revision = |server: &McpServer| endpoint(server, BTreeMap::new()).unwrap().revision;
        assert_eq!(revision(&server), mcp::UpstreamRevision::Detect);
        for (setting, pinned) in [
            ("2026-07-28", mcp::UpstreamRevision::Stateless),
            ("2025-11-25", mcp::UpstreamRevision::SessionEra),
            ("detect", mcp::UpstreamRevision::Detect),
            // Unknown: detected, and the admin warned in the log.
            ("2024-01-01", mcp::UpstreamRevision::Detect),
        ] {
            server
                .params
                .insert(UPSTREAM_REVISION_PARAM.into(), setting.into());
            assert_eq!(revision(&server), pinned, "{setting}");
        }
    }
}
