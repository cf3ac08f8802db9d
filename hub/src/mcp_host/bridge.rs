//! The MCP hub's view of the configuration: tokens become MCP callers, stored MCP servers become
//! server definitions (group parameters merged), and tool calls are admitted and billed like relay
//! requests, priced at the server's `price_per_call`.
//!
//! Group parameters reach a proxied server as headers or query parameters: a parameter named
//! `query:NAME` is sent as the query parameter NAME, `header:NAME` or a plain `NAME` as a header.
//! For embedded servers every parameter is handed to the template as it is named.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use mcp::{
    AdmitFuture, GateFuture, McpAllowList, McpAuthError, McpCaller, McpDirectory, RefusalReason,
    RemoteEndpoint, Scope, ServerDefinition, ServerKind, ToolCallGate, ToolCallPass,
    ToolCallRecord, ToolCallRefusal, ToolCallRequest, ToolCallSink, ToolCallStatus, ToolFilter,
    embedded_templates,
};
use relay::host::{AuthError, Grant, Refusal, RefusalKind, UsageRecord, UsageSink};

use crate::edges::admin_key::AdminKey;
use crate::governance::governor::{BillingSink, HubGovernor};
use crate::snapshot::{Snapshot, SnapshotCell, now_ms};
use crate::store::{McpScope, McpServer, McpServerKind, Status};

/// Implements the `mcp` crate's traits on the configuration snapshot.
pub struct McpBridge {
    snapshot: Arc<SnapshotCell>,
    admin_key: AdminKey,
    /// Copy tool arguments and results into the log (`SAVE_ALL_LOG_DETAIL`).
    record_details: bool,
    calls: ToolCallAccounting,
    definitions: Mutex<Option<Definitions>>,
}

/// Where tool calls are admitted and accounted, with the relay's own machinery: the governor
/// admits each call against the token's rate and in-flight limits, its quotas and the group's
/// balance (reserving the server's `price_per_call`), and the billing sink settles it and
/// writes its request-log row (the writer charges the token and group when billing is on).
pub struct ToolCallAccounting {
    pub governor: Arc<HubGovernor>,
    pub billing: BillingSink,
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
        admin_key: AdminKey,
        record_details: bool,
        calls: ToolCallAccounting,
    ) -> McpBridge {
        McpBridge {
            snapshot,
            admin_key,
            record_details,
            calls,
            definitions: Mutex::new(None),
        }
    }
}

impl McpDirectory for McpBridge {
    fn authenticate(&self, api_key: &str, client_ip: IpAddr) -> Result<McpCaller, McpAuthError> {
        let snapshot = self.snapshot.current();
        let token = snapshot
            .authenticate_token(api_key, client_ip, now_ms())
            .map_err(mcp_auth_error)?;
        Ok(McpCaller {
            group_id: token.caller.group_id.clone(),
            token_id: token.caller.token_id,
            token_name: token.caller.token_name.clone(),
            allow: allow_list(&token.mcp_servers),
            record_details: self.record_details,
            client_ip: Some(client_ip),
        })
    }

    fn servers_for(&self, caller: &McpCaller) -> Vec<Arc<ServerDefinition>> {
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
            .filter(|server| server.status == Status::Enabled)
            .filter(|server| match server.scope {
                McpScope::Public => true,
                McpScope::Group => server.group_id.as_deref() == Some(group_id),
            })
            .filter_map(|server| {
                let group_params = snapshot
                    .group_mcp_params
                    .get(&(server.id.clone(), group_id.to_owned()));
                let key = (server.id.clone(), group_params.map(|_| group_id.to_owned()));
                definitions
                    .built
                    .entry(key)
                    .or_insert_with(|| {
                        let params = group_params.cloned().unwrap_or_default();
                        definition_for(server, group_id, params)
                            .ok()
                            .map(|definition| Arc::new(with_revision(definition, server)))
                    })
                    .clone()
            })
            .collect()
    }

    fn admin_key_matches(&self, presented: &str) -> bool {
        self.admin_key.matches(presented)
    }
}

impl ToolCallSink for McpBridge {
    fn record(&self, record: ToolCallRecord) {
        let (status, error) = match &record.status {
            ToolCallStatus::Ok => (200, None),
            ToolCallStatus::ToolError => (200, Some("the tool returned an error".to_owned())),
            ToolCallStatus::Failed { code, message } => (502, Some(format!("{code}: {message}"))),
            ToolCallStatus::Denied => (403, Some("not in the token's MCP allow-list".to_owned())),
            ToolCallStatus::Refused { reason, message } => {
                (reason.http_status(), Some(message.clone()))
            }
        };
        let endpoint = format!("/mcp/{}", record.server_id);
        let row = UsageRecord {
            group_id: Some(record.group_id),
            token_id: Some(record.token_id),
            token_name: Some(record.token_name),
            requested_model: Some(format!("{}/{}", record.server_id, record.tool)),
            error,
            total: record.duration,
            client_ip: record.client_ip,
            // Present only when details are on (the caller's record_details).
            request_body: record
                .arguments
                .map(|arguments| arguments.to_string().into()),
            response_body: record.result.map(|result| result.to_string().into()),
            // The gate's reservation: the billing sink prices the call at the server's
            // `price_per_call` (nothing for a call that failed), settles the live counters and
            // hands the row to the writer, exactly as for a relay request.
            grant: record.pass.map(|pass| Grant(pass.0)),
            ..UsageRecord::new(record.request_id, endpoint, status)
        };
        self.calls.billing.record(row);
    }
}

impl ToolCallGate for McpBridge {
    fn admit<'a>(&'a self, request: ToolCallRequest<'a>) -> GateFuture<'a> {
        Box::pin(async move {
            let grant = self
                .calls
                .governor
                .admit_tool_call(request.caller, request.server_id)
                .await
                .map_err(tool_call_refusal)?;
            Ok(grant.map(|grant| ToolCallPass(grant.0)))
        })
    }

    /// The relay's address rule on every MCP request: a blocked address gets 403, and the
    /// groups an address uses over MCP count toward `IP_GROUPS_BAN_THRESHOLD` too.
    fn admit_request<'a>(&'a self, caller: &'a McpCaller, client_ip: IpAddr) -> AdmitFuture<'a> {
        Box::pin(async move {
            self.calls
                .governor
                .admit_mcp_request(&caller.group_id, client_ip)
                .await
                .map_err(tool_call_refusal)
        })
    }

    fn admit_session<'a>(&'a self, caller: &'a McpCaller) -> AdmitFuture<'a> {
        Box::pin(async move {
            self.calls
                .governor
                .admit_mcp_session(caller.token_id)
                .await
                .map_err(tool_call_refusal)
        })
    }

    fn admit_listing<'a>(&'a self, caller: &'a McpCaller) -> AdmitFuture<'a> {
        // A listing reaches every upstream: it costs what opening a session costs.
        self.admit_session(caller)
    }
}

fn tool_call_refusal(refusal: Refusal) -> ToolCallRefusal {
    let reason = match refusal.kind {
        RefusalKind::RateLimited => RefusalReason::RateLimited,
        RefusalKind::TooManyInFlight => RefusalReason::TooManyInFlight,
        RefusalKind::QuotaExhausted => RefusalReason::QuotaExhausted,
        RefusalKind::InsufficientBalance => RefusalReason::InsufficientBalance,
        RefusalKind::AddressBlocked => RefusalReason::AddressBlocked,
        RefusalKind::Unavailable => RefusalReason::Unavailable,
    };
    ToolCallRefusal {
        reason,
        message: refusal.message,
        retry_after: refusal.retry_after,
    }
}

fn mcp_auth_error(error: AuthError) -> McpAuthError {
    match error {
        AuthError::Missing => McpAuthError::Missing,
        AuthError::InvalidKey => McpAuthError::InvalidKey,
        AuthError::TokenDisabled => McpAuthError::TokenDisabled,
        AuthError::TokenExpired => McpAuthError::TokenExpired,
        AuthError::GroupDisabled => McpAuthError::GroupDisabled,
        AuthError::AddressNotAllowed => McpAuthError::AddressNotAllowed,
    }
}

/// `server` allows every tool of it, `server/tool` only that tool; no entries allow everything.
fn allow_list(entries: &[String]) -> Option<McpAllowList> {
    if entries.is_empty() {
        return None;
    }
    let mut servers: BTreeMap<String, ToolFilter> = BTreeMap::new();
    for entry in entries {
        match entry.split_once('/') {
            None => {
                servers.insert(entry.clone(), ToolFilter::All);
            }
            Some((server, tool)) => {
                let filter = servers
                    .entry(server.to_owned())
                    .or_insert_with(|| ToolFilter::Only(BTreeSet::new()));
                if let ToolFilter::Only(tools) = filter {
                    tools.insert(tool.to_owned());
                }
            }
        }
    }
    Some(McpAllowList { servers })
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
    };
    Ok(ServerDefinition {
        id: server.id.clone(),
        scope,
        description: String::new(),
        kind,
        revision: String::new(),
    })
}

/// Sets the revision the hub's backend cache keys by: the server's update time and a digest of
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
    })
}

/// The admin-set parameter (`params`) of a proxied server that refuses loopback and private
/// upstream addresses; cloud metadata addresses are refused whatever it says.
pub const BLOCK_PRIVATE_NETWORK_PARAM: &str = "block_private_network";

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
    fn allow_list_entries() {
        assert_eq!(allow_list(&[]), None);
        let allow =
            allow_list(&["clock".into(), "files/read".into(), "files/list".into()]).unwrap();
        assert_eq!(allow.servers["clock"], ToolFilter::All);
        assert_eq!(
            allow.servers["files"],
            ToolFilter::Only(["list".to_owned(), "read".to_owned()].into_iter().collect())
        );
    }

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
}
