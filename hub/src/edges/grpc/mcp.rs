//! `McpService`: MCP server definitions and per-group params. Headers, params and credentials
//! are masked in every response; sending a masked value back keeps the stored one.

use std::sync::Arc;

use mcp::pinning::{ItemKind, PinKey};
use mcp::{ParamOwner, TemplateInfo};
use tonic::{Request, Response, Status};

use super::convert::{decimal, decimal_text, non_empty, status_from, status_pb};
use super::error::{invalid, required};
use super::mcp_upstream_auth::UpstreamAuthRpcs;
use super::pb::{self, mcp_service_server::McpService};
use super::update::{Patchable, UpdateMask, apply_update};
use super::{ControlPlane, next_page_token, page};
use crate::access;
use crate::snapshot::changes::{ChangeAction, ChangeKind};
use crate::store::{
    GroupMcpParams, McpCatalogue, McpFilter, McpScope, McpServer, McpServerKind, OpenApiSource,
    UpstreamOAuthClient, secret,
};

pub struct Mcp(pub ControlPlane);

fn scope_pb(scope: McpScope) -> i32 {
    (match scope {
        McpScope::Public => pb::McpScope::Public,
        McpScope::Group => pb::McpScope::Group,
    }) as i32
}

fn scope_from(field: &str, value: i32) -> Result<Option<McpScope>, Status> {
    Ok(match pb::McpScope::try_from(value) {
        Ok(pb::McpScope::Unspecified) => None,
        Ok(pb::McpScope::Public) => Some(McpScope::Public),
        Ok(pb::McpScope::Group) => Some(McpScope::Group),
        Err(_) => return Err(invalid(field, format!("unknown scope {value}"))),
    })
}

fn template_pb(template: &TemplateInfo) -> pb::McpTemplate {
    let catalogue = &template.catalogue;
    pb::McpTemplate {
        catalogue: Some(pb::McpCatalogue {
            display_name: catalogue.display_name.to_owned(),
            display_name_zh: catalogue.display_name_zh.to_owned(),
            description: template.description.to_owned(),
            description_zh: catalogue.description_zh.to_owned(),
            tags: catalogue.tags.iter().map(|tag| (*tag).to_owned()).collect(),
            readme: catalogue.readme.to_owned(),
            logo: catalogue.logo.to_owned(),
            homepage: catalogue.homepage.to_owned(),
            install: String::new(),
        }),
        name: template.name.to_owned(),
        description: template.description.to_owned(),
        params: template
            .params
            .iter()
            .map(|param| pb::McpTemplateParam {
                name: param.name.to_owned(),
                description: param.description.to_owned(),
                set_by: (match param.set_by {
                    ParamOwner::Admin => pb::McpTemplateParamOwner::Admin,
                    ParamOwner::Group => pb::McpTemplateParamOwner::Group,
                }) as i32,
                required: param.required,
            })
            .collect(),
    }
}

fn kind_pb(kind: McpServerKind) -> i32 {
    (match kind {
        McpServerKind::Embedded => pb::McpServerType::Embedded,
        McpServerKind::ProxyStreamable => pb::McpServerType::ProxyStreamable,
        McpServerKind::ProxySse => pb::McpServerType::ProxySse,
        McpServerKind::Openapi => pb::McpServerType::Openapi,
        McpServerKind::Virtual => pb::McpServerType::Virtual,
        McpServerKind::Grpc => pb::McpServerType::Grpc,
        McpServerKind::Docs => pb::McpServerType::Docs,
    }) as i32
}

fn kind_from(field: &str, value: i32) -> Result<McpServerKind, Status> {
    match pb::McpServerType::try_from(value) {
        Ok(pb::McpServerType::Embedded) => Ok(McpServerKind::Embedded),
        Ok(pb::McpServerType::ProxyStreamable) => Ok(McpServerKind::ProxyStreamable),
        Ok(pb::McpServerType::ProxySse) => Ok(McpServerKind::ProxySse),
        Ok(pb::McpServerType::Openapi) => Ok(McpServerKind::Openapi),
        Ok(pb::McpServerType::Virtual) => Ok(McpServerKind::Virtual),
        Ok(pb::McpServerType::Grpc) => Ok(McpServerKind::Grpc),
        Ok(pb::McpServerType::Docs) => Ok(McpServerKind::Docs),
        Ok(pb::McpServerType::Unspecified) => Err(invalid(field, "must be set")),
        Err(_) => Err(invalid(field, format!("unknown type {value}"))),
    }
}

pub fn mcp_server_pb(server: &McpServer) -> pb::McpServer {
    pb::McpServer {
        id: server.id.clone(),
        scope: scope_pb(server.scope),
        group_id: server.group_id.clone().unwrap_or_default(),
        r#type: kind_pb(server.kind),
        template: server.template.clone().unwrap_or_default(),
        url: server
            .url
            .as_deref()
            .map(secret::mask_url)
            .unwrap_or_default(),
        headers: secret::mask_map(&server.headers).into_iter().collect(),
        query: secret::mask_map(&server.query).into_iter().collect(),
        // A gRPC server's params are its options (a descriptor set, a network switch), shown
        // as they are; a credential-named one is masked all the same.
        params: if server.kind == McpServerKind::Grpc {
            secret::mask_credential_entries(&server.params)
        } else {
            secret::mask_map(&server.params)
        }
        .into_iter()
        .collect(),
        openapi: server.openapi.as_ref().map(|source| {
            let source = secret::mask_openapi(source);
            pb::OpenApiSource {
                spec: source.spec.unwrap_or_default(),
                spec_url: source.spec_url.unwrap_or_default(),
                base_url: source.base_url.unwrap_or_default(),
                allow_private_network: source.allow_private_network,
                credentials: source.credentials.into_iter().collect(),
                include_operations: source.include_operations,
                exclude_operations: source.exclude_operations,
                compact: source.compact,
            }
        }),
        status: status_pb(server.status),
        created_at_ms: server.created_at,
        updated_at_ms: server.updated_at,
        warnings: Vec::new(),
        price_per_call: decimal_text(server.price_per_call),
        required_group_params: server.required_group_params.clone(),
        tool_prices: server
            .tool_prices
            .iter()
            .map(|(tool, price)| (tool.clone(), decimal_text(*price)))
            .collect(),
        group_tools: server
            .group_tools
            .iter()
            .map(|(group, tools)| {
                let names = pb::McpToolNames {
                    names: tools.clone(),
                };
                (group.clone(), names)
            })
            .collect(),
        virtual_tools: server.virtual_tools.iter().map(virtual_tool_pb).collect(),
        virtual_prompts: server
            .virtual_prompts
            .iter()
            .map(super::mcp_virtual::virtual_prompt_pb)
            .collect(),
        virtual_resources: server
            .virtual_resources
            .iter()
            .map(super::mcp_virtual::virtual_resource_pb)
            .collect(),
        catalogue: Some(catalogue_pb(&server.catalogue)),
        upstream_oauth: server
            .upstream_oauth
            .as_ref()
            .map(|client| pb::McpUpstreamOAuth {
                client_id: client.client_id.clone(),
                client_secret: secret::mask(&client.client_secret),
                scopes: client.scopes.clone(),
            }),
        aggregate_unprefixed: server.aggregate_unprefixed,
    }
}

fn catalogue_pb(catalogue: &McpCatalogue) -> pb::McpCatalogue {
    pb::McpCatalogue {
        display_name: catalogue.display_name.clone(),
        display_name_zh: catalogue.display_name_zh.clone(),
        description: catalogue.description.clone(),
        description_zh: catalogue.description_zh.clone(),
        tags: catalogue.tags.clone(),
        readme: catalogue.readme.clone(),
        logo: catalogue.logo.clone(),
        homepage: catalogue.homepage.clone(),
        install: catalogue.install.clone(),
    }
}

fn catalogue_from(catalogue: pb::McpCatalogue) -> McpCatalogue {
    let trimmed = |text: String| text.trim().to_owned();
    McpCatalogue {
        display_name: trimmed(catalogue.display_name),
        display_name_zh: trimmed(catalogue.display_name_zh),
        description: trimmed(catalogue.description),
        description_zh: trimmed(catalogue.description_zh),
        tags: catalogue
            .tags
            .into_iter()
            .map(|tag| tag.trim().to_lowercase())
            .filter(|tag| !tag.is_empty())
            .collect(),
        readme: catalogue.readme,
        logo: trimmed(catalogue.logo),
        homepage: trimmed(catalogue.homepage),
        install: catalogue.install,
    }
}

/// Refuses a server built on a test fixture template (`everything`): instantiable by name in
/// tests, never a product server, so the control plane does not create or switch to one.
fn not_a_fixture(server: &McpServer) -> Result<(), Status> {
    if server.kind != McpServerKind::Embedded {
        return Ok(());
    }
    let template = server.template.as_deref().unwrap_or_default();
    let fixture = mcp::embedded_templates()
        .iter()
        .any(|info| info.name == template && info.catalogue.fixture);
    if fixture {
        return Err(invalid(
            "mcp_server.template",
            format!("{template} is a test fixture, not a server this gateway offers"),
        ));
    }
    Ok(())
}

fn virtual_tool_pb(tool: &mcp::VirtualTool) -> pb::McpVirtualTool {
    pb::McpVirtualTool {
        server_id: tool.server.clone(),
        tool: tool.tool.clone(),
        name: tool.name.clone().unwrap_or_default(),
        description: tool.description.clone(),
        defaults_json: if tool.defaults.is_empty() {
            String::new()
        } else {
            serde_json::Value::Object(tool.defaults.clone()).to_string()
        },
    }
}

fn virtual_tool_from(index: usize, tool: pb::McpVirtualTool) -> Result<mcp::VirtualTool, Status> {
    let defaults = if tool.defaults_json.trim().is_empty() {
        serde_json::Map::new()
    } else {
        match serde_json::from_str(&tool.defaults_json) {
            Ok(serde_json::Value::Object(defaults)) => defaults,
            _ => {
                return Err(invalid(
                    &format!("mcp_server.virtual_tools[{index}].defaults_json"),
                    "must be a JSON object",
                ));
            }
        }
    };
    Ok(mcp::VirtualTool {
        server: tool.server_id,
        tool: tool.tool,
        name: non_empty(tool.name),
        description: tool.description,
        defaults,
    })
}

/// Fetches and converts an OpenAPI document before it is stored (see `mcp_openapi`): a
/// document that fails is refused here and nothing changes.
async fn prepare(server: &mut McpServer, fetch: bool) -> Result<Vec<String>, Status> {
    crate::mcp_host::openapi::prepare(server, fetch)
        .await
        .map(|uploaded| {
            uploaded
                .map(|uploaded| uploaded.warnings)
                .unwrap_or_default()
        })
        .map_err(|error| Status::invalid_argument(error.to_string()))
}

/// How long testing or listing a remote server may take.
const INSPECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// A server as `group_id` sees it, built for inspection, and the secrets it was built with
/// (masked in any reason it gives).
struct Inspected {
    definition: mcp::ServerDefinition,
    secrets: Vec<String>,
    /// The group, and the upstream tokens a proxy wanting OAuth sends for it.
    caller: mcp::InspectAs,
}

impl Inspected {
    /// A failure's reason may quote the request (a failed call prints its URL, query secrets
    /// and all): every secret the server was built with is masked in it.
    fn redact(&self, reason: &str) -> String {
        secret::redact(reason, self.secrets.iter().map(String::as_str))
    }
}

impl Mcp {
    /// Builds the server as `group_id` sees it and lists its tools: `Err` for a missing server
    /// or a group that cannot be named, `Ok(Err(reason))` for a server that does not work.
    async fn inspect(
        &self,
        id: &str,
        group_id: &str,
    ) -> Result<Result<mcp::ServerInspection, String>, Status> {
        let inspected = match self.inspected(id, group_id).await? {
            Ok(inspected) => inspected,
            Err(reason) => return Ok(Err(reason)),
        };
        Ok(mcp::inspect_server(
            &self.inspect_config(),
            &inspected.definition,
            &inspected.caller,
        )
        .await
        .map_err(|reason| inspected.redact(&reason)))
    }

    /// As [`Self::inspect`], listing the server's prompts and resources instead.
    async fn inspect_offerings(
        &self,
        id: &str,
        group_id: &str,
    ) -> Result<Result<mcp::OfferingsInspection, String>, Status> {
        let inspected = match self.inspected(id, group_id).await? {
            Ok(inspected) => inspected,
            Err(reason) => return Ok(Err(reason)),
        };
        Ok(mcp::inspect_offerings(
            &self.inspect_config(),
            &inspected.definition,
            &inspected.caller,
        )
        .await
        .map_err(|reason| inspected.redact(&reason)))
    }

    fn inspect_config(&self) -> mcp::McpConfig {
        mcp::McpConfig {
            upstream_timeout: INSPECT_TIMEOUT,
            openapi_compact_above_bytes: self.0.mcp_openapi_compact_above_bytes,
            ..mcp::McpConfig::default()
        }
    }

    /// The definition of server `id` as `group_id` sees it.
    async fn inspected(
        &self,
        id: &str,
        group_id: &str,
    ) -> Result<Result<Inspected, String>, Status> {
        let server = self.0.store.get_mcp_server(id).await?;
        reaches(&server)?;
        let group_id = match (&server.scope, server.group_id.as_deref()) {
            (McpScope::Group, Some(owner)) if group_id.is_empty() || group_id == owner => owner,
            (McpScope::Group, _) => {
                return Err(invalid(
                    "group_id",
                    "a group server is tested for its own group only",
                ));
            }
            (McpScope::Public, _) => group_id,
        };
        if server.upstream_oauth.is_some() && group_id.is_empty() {
            let upstream_auth = self.0.upstream_auth.as_deref();
            return Err(super::mcp_upstream_auth::group_needed(upstream_auth, id).await);
        }
        let group_params = if group_id.is_empty() {
            Default::default()
        } else {
            match self.0.store.get_group_mcp_params(id, group_id).await {
                Ok(params) => params.params,
                Err(crate::store::StoreError::NotFound { .. }) => Default::default(),
                Err(err) => return Err(err.into()),
            }
        };
        let openapi = server
            .openapi
            .iter()
            .flat_map(|source| source.credentials.values());
        let secrets = server
            .headers
            .values()
            .chain(server.query.values())
            .chain(server.params.values())
            .chain(openapi)
            .chain(group_params.values())
            .cloned()
            .collect();
        let definition = if server.kind == McpServerKind::Virtual {
            let sources = self.virtual_sources(&server, group_id).await?;
            crate::mcp_host::bridge::virtual_definition(&server, group_id, |source_id| {
                sources.get(source_id).cloned()
            })
        } else {
            crate::mcp_host::bridge::definition_for(&server, group_id, group_params)
        };
        let upstream_tokens = self
            .0
            .upstream_auth
            .clone()
            .map(|authorizations| authorizations as Arc<dyn mcp::UpstreamTokenSource>);
        Ok(definition.map(|definition| Inspected {
            definition,
            secrets,
            caller: mcp::InspectAs {
                group_id: group_id.to_owned(),
                upstream_tokens,
                grpc: Some(Arc::new(crate::mcp_host::grpc::GrpcClient)),
            },
        }))
    }
}

impl Mcp {
    /// A virtual server's sources as `group_id` sees them, by id: the enabled ones that exist,
    /// with the group's parameters merged. A source that does not answer is skipped (and
    /// logged) by the virtual server's listing, so no source's error reaches the answer.
    async fn virtual_sources(
        &self,
        server: &McpServer,
        group_id: &str,
    ) -> Result<std::collections::BTreeMap<String, mcp::ServerDefinition>, Status> {
        let mut sources = std::collections::BTreeMap::new();
        let source_ids = server
            .virtual_tools
            .iter()
            .map(|tool| &tool.server)
            .chain(server.virtual_prompts.iter().map(|prompt| &prompt.server))
            .chain(
                server
                    .virtual_resources
                    .iter()
                    .map(|resource| &resource.server),
            );
        for source_id in source_ids {
            if sources.contains_key(source_id) {
                continue;
            }
            let source = match self.0.store.get_mcp_server(source_id).await {
                Ok(source) => source,
                Err(crate::store::StoreError::NotFound { .. }) => continue,
                Err(error) => return Err(error.into()),
            };
            if source.status != crate::store::Status::Enabled {
                continue;
            }
            let params = if group_id.is_empty() {
                Default::default()
            } else {
                match self
                    .0
                    .store
                    .get_group_mcp_params(&source.id, group_id)
                    .await
                {
                    Ok(params) => params.params,
                    Err(crate::store::StoreError::NotFound { .. }) => Default::default(),
                    Err(error) => return Err(error.into()),
                }
            };
            if let Ok(definition) =
                crate::mcp_host::bridge::definition_for(&source, group_id, params)
            {
                sources.insert(source.id.clone(), definition);
            }
        }
        Ok(sources)
    }
}

impl Patchable for McpServer {
    type Message = pb::McpServer;

    const UPDATABLE: &'static [&'static str] = &[
        "scope",
        "group_id",
        "type",
        "template",
        "url",
        "headers",
        "query",
        "params",
        "openapi",
        "status",
        "price_per_call",
        "required_group_params",
        "tool_prices",
        "group_tools",
        "virtual_tools",
        "virtual_prompts",
        "virtual_resources",
        "catalogue",
        "upstream_oauth",
        "aggregate_unprefixed",
    ];

    fn patch(&mut self, incoming: pb::McpServer, mask: &UpdateMask) -> Result<(), Status> {
        if mask.selects("scope") {
            self.scope = scope_from("mcp_server.scope", incoming.scope)?
                .ok_or_else(|| invalid("mcp_server.scope", "must be set"))?;
        }
        if mask.selects("group_id") {
            self.group_id = non_empty(incoming.group_id);
        }
        if mask.selects("type") {
            self.kind = kind_from("mcp_server.type", incoming.r#type)?;
        }
        if mask.selects("template") {
            self.template = non_empty(incoming.template);
        }
        if mask.selects("url") {
            self.url = non_empty(incoming.url).map(|url| match &self.url {
                Some(stored) => secret::keep_url_if_masked(&url, stored),
                None => url,
            });
        }
        if mask.selects("headers") {
            self.headers =
                secret::unmask_map(&incoming.headers.into_iter().collect(), &self.headers);
        }
        if mask.selects("query") {
            self.query = secret::unmask_map(&incoming.query.into_iter().collect(), &self.query);
        }
        if mask.selects("params") {
            self.params = secret::unmask_map(&incoming.params.into_iter().collect(), &self.params);
        }
        if mask.selects("openapi") {
            self.openapi = incoming.openapi.map(|source| {
                let incoming = OpenApiSource {
                    spec: non_empty(source.spec),
                    spec_url: non_empty(source.spec_url),
                    base_url: non_empty(source.base_url),
                    allow_private_network: source.allow_private_network,
                    credentials: source.credentials.into_iter().collect(),
                    include_operations: source.include_operations,
                    exclude_operations: source.exclude_operations,
                    compact: source.compact,
                };
                secret::unmask_openapi(incoming, self.openapi.as_ref())
            });
        }
        if mask.selects("status") {
            self.status = status_from("mcp_server.status", incoming.status)?
                .ok_or_else(|| invalid("mcp_server.status", "must be set"))?;
        }
        if mask.selects("price_per_call") {
            self.price_per_call = decimal("mcp_server.price_per_call", &incoming.price_per_call)?;
        }
        if mask.selects("required_group_params") {
            self.required_group_params = incoming.required_group_params;
        }
        if mask.selects("tool_prices") {
            self.tool_prices = incoming
                .tool_prices
                .into_iter()
                .map(|(tool, price)| {
                    let price = decimal(&format!("mcp_server.tool_prices[{tool}]"), &price)?;
                    Ok((tool, price))
                })
                .collect::<Result<_, Status>>()?;
        }
        if mask.selects("group_tools") {
            self.group_tools = incoming
                .group_tools
                .into_iter()
                .map(|(group, tools)| (group, tools.names))
                .collect();
        }
        if mask.selects("upstream_oauth") {
            self.upstream_oauth = incoming.upstream_oauth.map(|client| UpstreamOAuthClient {
                client_secret: match &self.upstream_oauth {
                    Some(stored) => {
                        secret::keep_if_masked(&client.client_secret, &stored.client_secret)
                    }
                    None => client.client_secret,
                },
                client_id: client.client_id.trim().to_owned(),
                scopes: client.scopes,
            });
        }
        if mask.selects("catalogue") {
            self.catalogue = incoming.catalogue.map(catalogue_from).unwrap_or_default();
        }
        if mask.selects("virtual_tools") {
            self.virtual_tools = incoming
                .virtual_tools
                .into_iter()
                .enumerate()
                .map(|(index, tool)| virtual_tool_from(index, tool))
                .collect::<Result<_, Status>>()?;
        }
        if mask.selects("virtual_prompts") {
            self.virtual_prompts = incoming
                .virtual_prompts
                .into_iter()
                .enumerate()
                .map(|(index, prompt)| super::mcp_virtual::virtual_prompt_from(index, prompt))
                .collect::<Result<_, Status>>()?;
        }
        if mask.selects("virtual_resources") {
            self.virtual_resources = incoming
                .virtual_resources
                .into_iter()
                .map(super::mcp_virtual::virtual_resource_from)
                .collect();
        }
        if mask.selects("aggregate_unprefixed") {
            self.aggregate_unprefixed = incoming.aggregate_unprefixed;
        }
        Ok(())
    }
}

fn params_pb(params: &GroupMcpParams) -> pb::GroupMcpParams {
    pb::GroupMcpParams {
        server_id: params.server_id.clone(),
        group_id: params.group_id.clone(),
        params: secret::mask_map(&params.params).into_iter().collect(),
        updated_at_ms: params.updated_at,
    }
}

#[tonic::async_trait]
impl McpService for Mcp {
    async fn create_mcp_server(
        &self,
        request: Request<pb::CreateMcpServerRequest>,
    ) -> Result<Response<pb::McpServer>, Status> {
        let mut incoming = required("server", request.into_inner().server)?;
        let scope = scope_from("mcp_server.scope", incoming.scope)?
            .ok_or_else(|| invalid("mcp_server.scope", "must be set"))?;
        let kind = kind_from("mcp_server.type", incoming.r#type)?;
        if status_from("mcp_server.status", incoming.status)?.is_none() {
            incoming.status = pb::Status::Enabled as i32;
        }
        let mut server = McpServer::new(incoming.id.clone(), scope, kind);
        apply_update(&mut server, incoming, &UpdateMask::everything())?;
        reaches(&server)?;
        not_a_fixture(&server)?;
        let warnings = prepare(&mut server, true).await?;
        let created = self.0.store.create_mcp_server(&server).await?;
        self.0
            .changes
            .publish(ChangeKind::McpServer, ChangeAction::Created, &created.id);
        Ok(Response::new(pb::McpServer {
            warnings,
            ..mcp_server_pb(&created)
        }))
    }

    async fn get_mcp_server(
        &self,
        request: Request<pb::GetMcpServerRequest>,
    ) -> Result<Response<pb::McpServer>, Status> {
        let server = self
            .0
            .store
            .get_mcp_server(&request.into_inner().id)
            .await?;
        reaches(&server)?;
        Ok(Response::new(mcp_server_pb(&server)))
    }

    async fn list_mcp_servers(
        &self,
        request: Request<pb::ListMcpServersRequest>,
    ) -> Result<Response<pb::ListMcpServersResponse>, Status> {
        let request = request.into_inner();
        let page = page(request.page_size, &request.page_token)?;
        let filter = McpFilter {
            scope: scope_from("scope", request.scope)?,
            group_ids: access::group_scope()?.listing(&request.group_id)?,
            group_id: Some(request.group_id),
            status: status_from("status", request.status)?,
            keyword: Some(request.keyword),
        };
        let listing = self.0.store.list_mcp_servers(&filter, page).await?;
        Ok(Response::new(pb::ListMcpServersResponse {
            next_page_token: next_page_token(page, listing.items.len(), listing.total),
            servers: listing.items.iter().map(mcp_server_pb).collect(),
            total_size: listing.total,
        }))
    }

    async fn update_mcp_server(
        &self,
        request: Request<pb::UpdateMcpServerRequest>,
    ) -> Result<Response<pb::McpServer>, Status> {
        let request = request.into_inner();
        let incoming = required("server", request.server)?;
        let mask = UpdateMask::from_request(request.update_mask);
        let id = incoming.id.clone();
        // Writing the openapi section (re)fetches its spec_url: that is how a document is
        // refreshed. The fetch is a network round trip, so it runs on an unlocked read, before
        // the locked update below: holding the database's lock across it would stall every
        // other write for as long as the remote server takes.
        let mut preview = self.0.store.get_mcp_server(&id).await?;
        reaches(&preview)?;
        apply_update(&mut preview, incoming.clone(), &mask)?;
        reaches(&preview)?;
        if mask.selects("template") || mask.selects("type") {
            not_a_fixture(&preview)?;
        }
        let merged_openapi = preview.openapi.clone();
        let warnings = prepare(&mut preview, mask.selects("openapi")).await?;
        let updated = self
            .0
            .store
            .update_mcp_server_with(&id, |server| {
                reaches(server)?;
                apply_update(server, incoming, &mask)?;
                reaches(server)?;
                if mask.selects("template") || mask.selects("type") {
                    not_a_fixture(server)?;
                }
                // The prepared document applies while the section is still the one it was
                // prepared from; one changed meanwhile was prepared when it was stored.
                if server.openapi == merged_openapi {
                    server.openapi = preview.openapi;
                }
                Ok::<_, Status>(())
            })
            .await?;
        self.0
            .changes
            .publish(ChangeKind::McpServer, ChangeAction::Updated, &updated.id);
        Ok(Response::new(pb::McpServer {
            warnings,
            ..mcp_server_pb(&updated)
        }))
    }

    async fn delete_mcp_server(
        &self,
        request: Request<pb::DeleteMcpServerRequest>,
    ) -> Result<Response<()>, Status> {
        let id = request.into_inner().id;
        if !access::group_scope()?.is_all() {
            reaches(&self.0.store.get_mcp_server(&id).await?)?;
        }
        self.0.store.delete_mcp_server(&id).await?;
        self.0
            .changes
            .publish(ChangeKind::McpServer, ChangeAction::Deleted, id);
        Ok(Response::new(()))
    }

    async fn set_mcp_server_status(
        &self,
        request: Request<pb::SetMcpServerStatusRequest>,
    ) -> Result<Response<pb::McpServer>, Status> {
        let request = request.into_inner();
        let updated = self
            .0
            .store
            .update_mcp_server_with(&request.id, |server| {
                reaches(server)?;
                server.status = status_from("status", request.status)?
                    .ok_or_else(|| invalid("status", "must be set"))?;
                Ok::<_, Status>(())
            })
            .await?;
        self.0
            .changes
            .publish(ChangeKind::McpServer, ChangeAction::Updated, &updated.id);
        Ok(Response::new(mcp_server_pb(&updated)))
    }

    async fn list_templates(
        &self,
        _request: Request<pb::ListTemplatesRequest>,
    ) -> Result<Response<pb::ListTemplatesResponse>, Status> {
        let templates: Vec<&TemplateInfo> = self
            .0
            .mcp_templates
            .iter()
            .filter(|template| !template.catalogue.fixture)
            .collect();
        Ok(Response::new(pb::ListTemplatesResponse {
            templates: templates
                .iter()
                .map(|template| template.name.to_owned())
                .collect(),
            template_details: templates.into_iter().map(template_pb).collect(),
        }))
    }

    async fn test_mcp_server(
        &self,
        request: Request<pb::TestMcpServerRequest>,
    ) -> Result<Response<pb::TestMcpServerResponse>, Status> {
        let request = request.into_inner();
        let started = std::time::Instant::now();
        let answer = match self.inspect(&request.id, &request.group_id).await? {
            Ok(inspection) => pb::TestMcpServerResponse {
                ok: true,
                error: String::new(),
                tool_count: i32::try_from(inspection.tools.len()).unwrap_or(i32::MAX),
                latency_ms: millis(inspection.latency),
            },
            Err(reason) => pb::TestMcpServerResponse {
                ok: false,
                error: reason,
                tool_count: 0,
                latency_ms: millis(started.elapsed()),
            },
        };
        Ok(Response::new(answer))
    }

    async fn list_mcp_server_tools(
        &self,
        request: Request<pb::ListMcpServerToolsRequest>,
    ) -> Result<Response<pb::ListMcpServerToolsResponse>, Status> {
        let request = request.into_inner();
        let inspection = self
            .inspect(&request.id, &request.group_id)
            .await?
            .map_err(|reason| {
                Status::failed_precondition(format!(
                    "server {} does not work: {reason}",
                    request.id
                ))
            })?;
        let tools = inspection
            .tools
            .into_iter()
            .map(|tool| pb::McpTool {
                name: tool.name,
                title: tool.title.unwrap_or_default(),
                description: tool.description.unwrap_or_default(),
                input_schema_json: tool.input_schema.to_string(),
                output_schema_json: tool
                    .output_schema
                    .map(|schema| schema.to_string())
                    .unwrap_or_default(),
            })
            .collect();
        Ok(Response::new(pb::ListMcpServerToolsResponse { tools }))
    }

    async fn list_mcp_server_offerings(
        &self,
        request: Request<pb::ListMcpServerOfferingsRequest>,
    ) -> Result<Response<pb::ListMcpServerOfferingsResponse>, Status> {
        let request = request.into_inner();
        let offered = self
            .inspect_offerings(&request.id, &request.group_id)
            .await?
            .map_err(|reason| {
                Status::failed_precondition(format!(
                    "server {} does not work: {reason}",
                    request.id
                ))
            })?;
        Ok(Response::new(super::mcp_virtual::offerings_pb(offered)))
    }

    async fn call_mcp_tool(
        &self,
        request: Request<pb::CallMcpToolRequest>,
    ) -> Result<Response<pb::CallMcpToolResponse>, Status> {
        let calls = self
            .0
            .mcp_calls
            .as_ref()
            .ok_or_else(|| Status::unavailable("this server calls no MCP tools"))?;
        let answer = super::mcp_calls::call(calls, &self.0.store, request.into_inner()).await?;
        Ok(Response::new(answer))
    }

    async fn set_group_mcp_params(
        &self,
        request: Request<pb::SetGroupMcpParamsRequest>,
    ) -> Result<Response<pb::GroupMcpParams>, Status> {
        let incoming = required("params", request.into_inner().params)?;
        access::group_scope()?.check(&incoming.group_id)?;
        let (server_id, group_id) = (incoming.server_id.clone(), incoming.group_id.clone());
        let saved = self
            .0
            .store
            .set_group_mcp_params_with(&server_id, &group_id, |stored| {
                let stored = stored.map(|stored| stored.params).unwrap_or_default();
                Ok::<_, Status>(GroupMcpParams {
                    params: secret::unmask_map(&incoming.params.into_iter().collect(), &stored),
                    server_id: incoming.server_id,
                    group_id: incoming.group_id,
                    updated_at: 0,
                })
            })
            .await?;
        self.0.changes.publish(
            ChangeKind::McpServer,
            ChangeAction::Updated,
            &saved.server_id,
        );
        Ok(Response::new(params_pb(&saved)))
    }

    async fn get_group_mcp_params(
        &self,
        request: Request<pb::GetGroupMcpParamsRequest>,
    ) -> Result<Response<pb::GroupMcpParams>, Status> {
        let request = request.into_inner();
        access::group_scope()?.check(&request.group_id)?;
        let params = self
            .0
            .store
            .get_group_mcp_params(&request.server_id, &request.group_id)
            .await?;
        Ok(Response::new(params_pb(&params)))
    }

    async fn delete_group_mcp_params(
        &self,
        request: Request<pb::DeleteGroupMcpParamsRequest>,
    ) -> Result<Response<()>, Status> {
        let request = request.into_inner();
        access::group_scope()?.check(&request.group_id)?;
        self.0
            .store
            .delete_group_mcp_params(&request.server_id, &request.group_id)
            .await?;
        self.0.changes.publish(
            ChangeKind::McpServer,
            ChangeAction::Updated,
            request.server_id,
        );
        Ok(Response::new(()))
    }

    async fn list_mcp_tool_changes(
        &self,
        request: Request<pb::ListMcpToolChangesRequest>,
    ) -> Result<Response<pb::ListMcpToolChangesResponse>, Status> {
        let request = request.into_inner();
        let server_id = (!request.server_id.is_empty()).then_some(request.server_id.as_str());
        let changes = self
            .0
            .store
            .mcp_tool_changes(server_id, request.include_rejected)
            .await?;
        Ok(Response::new(pb::ListMcpToolChangesResponse {
            changes: changes.into_iter().map(change_pb).collect(),
        }))
    }

    async fn approve_mcp_server_tools(
        &self,
        request: Request<pb::ApproveMcpServerToolsRequest>,
    ) -> Result<Response<pb::ApproveMcpServerToolsResponse>, Status> {
        let request = request.into_inner();
        let server_id = request.server_id.clone();
        let approved = self.approve(request).await?;
        self.0
            .changes
            .publish(ChangeKind::McpServer, ChangeAction::Updated, server_id);
        Ok(Response::new(pb::ApproveMcpServerToolsResponse {
            tool_names: approved.iter().map(|key| key.name.clone()).collect(),
            items: approved.into_iter().map(pinned_item_pb).collect(),
        }))
    }

    async fn start_mcp_upstream_authorization(
        &self,
        request: Request<pb::StartMcpUpstreamAuthorizationRequest>,
    ) -> Result<Response<pb::StartMcpUpstreamAuthorizationResponse>, Status> {
        let started = self.upstream_auth()?.start(request.into_inner()).await?;
        Ok(Response::new(started))
    }

    async fn get_mcp_upstream_authorization(
        &self,
        request: Request<pb::GetMcpUpstreamAuthorizationRequest>,
    ) -> Result<Response<pb::McpUpstreamAuthorization>, Status> {
        let state = self.upstream_auth()?.get(request.into_inner()).await?;
        Ok(Response::new(state))
    }

    async fn list_mcp_upstream_authorizations(
        &self,
        request: Request<pb::ListMcpUpstreamAuthorizationsRequest>,
    ) -> Result<Response<pb::ListMcpUpstreamAuthorizationsResponse>, Status> {
        let listed = self.upstream_auth()?.list(request.into_inner()).await?;
        Ok(Response::new(listed))
    }

    async fn revoke_mcp_upstream_authorization(
        &self,
        request: Request<pb::RevokeMcpUpstreamAuthorizationRequest>,
    ) -> Result<Response<()>, Status> {
        self.upstream_auth()?.revoke(request.into_inner()).await?;
        Ok(Response::new(()))
    }

    async fn reject_mcp_server_tools(
        &self,
        request: Request<pb::RejectMcpServerToolsRequest>,
    ) -> Result<Response<pb::RejectMcpServerToolsResponse>, Status> {
        let request = request.into_inner();
        let server = self.pinned_server(&request.server_id).await?;
        let kind = item_kind(request.item_kind)?;
        let mut tx = self.0.store.begin().await?;
        let rejected = tx
            .reject_mcp_tool_changes(&server.id, kind, &request.tool_names)
            .await?;
        tx.commit().await?;
        self.0
            .changes
            .publish(ChangeKind::McpServer, ChangeAction::Updated, server.id);
        Ok(Response::new(pb::RejectMcpServerToolsResponse {
            tool_names: rejected.iter().map(|key| key.name.clone()).collect(),
            items: rejected.into_iter().map(pinned_item_pb).collect(),
        }))
    }
}

/// The kind a request names (unspecified: tools), refused when unknown.
fn item_kind(kind: i32) -> Result<ItemKind, Status> {
    match pb::McpPinnedItemKind::try_from(kind) {
        Ok(pb::McpPinnedItemKind::Unspecified | pb::McpPinnedItemKind::Tool) => Ok(ItemKind::Tool),
        Ok(pb::McpPinnedItemKind::Prompt) => Ok(ItemKind::Prompt),
        Ok(pb::McpPinnedItemKind::Resource) => Ok(ItemKind::Resource),
        Ok(pb::McpPinnedItemKind::ResourceTemplate) => Ok(ItemKind::ResourceTemplate),
        Err(_) => Err(Status::invalid_argument(format!(
            "item_kind: unknown kind {kind}"
        ))),
    }
}

fn item_kind_pb(kind: ItemKind) -> pb::McpPinnedItemKind {
    match kind {
        ItemKind::Tool => pb::McpPinnedItemKind::Tool,
        ItemKind::Prompt => pb::McpPinnedItemKind::Prompt,
        ItemKind::Resource => pb::McpPinnedItemKind::Resource,
        ItemKind::ResourceTemplate => pb::McpPinnedItemKind::ResourceTemplate,
    }
}

fn pinned_item_pb(key: PinKey) -> pb::McpPinnedItem {
    pb::McpPinnedItem {
        kind: item_kind_pb(key.kind) as i32,
        name: key.name,
    }
}

fn change_pb(pin: crate::store::mcp_pins::McpToolPin) -> pb::McpToolChange {
    use crate::store::mcp_pins::ToolChangeKind;
    let change = pin.change;
    let kind = match change.as_ref().map(|change| change.kind) {
        Some(ToolChangeKind::Changed) => pb::McpToolChangeKind::Changed,
        Some(ToolChangeKind::New) => pb::McpToolChangeKind::New,
        Some(ToolChangeKind::Removed) => pb::McpToolChangeKind::Removed,
        None => pb::McpToolChangeKind::Unspecified,
    };
    let findings: Vec<mcp::pinning::Finding> = change
        .as_ref()
        .and_then(|change| serde_json::from_str(&change.findings).ok())
        .unwrap_or_default();
    pb::McpToolChange {
        server_id: pin.server_id,
        tool_name: pin.tool_name,
        kind: kind as i32,
        approved_definition_json: pin
            .approved
            .map(|(definition, _)| definition)
            .unwrap_or_default(),
        offered_definition_json: change
            .as_ref()
            .and_then(|change| change.offered.clone())
            .map(|(definition, _)| definition)
            .unwrap_or_default(),
        findings: findings
            .into_iter()
            .map(|finding| pb::McpToolFinding {
                kind: finding.kind.as_str().to_owned(),
                location: finding.location,
                excerpt: finding.excerpt,
            })
            .collect(),
        rejected: change.as_ref().is_some_and(|change| change.rejected),
        detected_at_ms: change.as_ref().map_or(0, |change| change.detected_at),
        approved_at_ms: pin.approved_at.unwrap_or(0),
        item_kind: item_kind_pb(pin.item_kind) as i32,
    }
}

impl Mcp {
    fn upstream_auth(&self) -> Result<UpstreamAuthRpcs<'_>, Status> {
        UpstreamAuthRpcs::new(self.0.upstream_auth.as_deref(), &self.0.store)
    }

    /// The stored server, refused when its tools are not pinned (embedded servers are the
    /// gateway's own code).
    async fn pinned_server(&self, id: &str) -> Result<McpServer, Status> {
        crate::store::validate::path_id("server_id", id)?;
        let server = self.0.store.get_mcp_server(id).await?;
        if server.kind == McpServerKind::Embedded {
            return Err(Status::failed_precondition(format!(
                "server {id} is embedded: its tools are the gateway's own and are not pinned"
            )));
        }
        if server.kind == McpServerKind::Virtual {
            return Err(Status::failed_precondition(format!(
                "server {id} is virtual: its tools are pinned on the servers it draws from"
            )));
        }
        Ok(server)
    }

    async fn approve(
        &self,
        request: pb::ApproveMcpServerToolsRequest,
    ) -> Result<Vec<PinKey>, Status> {
        let server = self.pinned_server(&request.server_id).await?;
        let kind = item_kind(request.item_kind)?;
        if kind == ItemKind::Tool && !self.0.store.mcp_server_pinned(&server.id).await? {
            // Not pinned yet: the admin approves what the server lists now.
            let inspection =
                self.inspect(&server.id, &request.group_id)
                    .await?
                    .map_err(|reason| {
                        Status::failed_precondition(format!(
                            "server {} does not work: {reason}",
                            server.id
                        ))
                    })?;
            let tools: Vec<_> = inspection
                .observed
                .iter()
                .filter(|tool| {
                    request.tool_names.is_empty()
                        || request.tool_names.contains(&tool.definition.name)
                })
                .map(crate::mcp_host::pins::offered)
                .collect();
            let names = tools
                .iter()
                .map(|tool| PinKey::tool(tool.name.clone()))
                .collect();
            let mut tx = self.0.store.begin().await?;
            tx.pin_mcp_tools(&server.id, &tools).await?;
            tx.commit().await?;
            return Ok(names);
        }
        let mut tx = self.0.store.begin().await?;
        let approved = tx
            .approve_mcp_tool_changes(&server.id, kind, &request.tool_names)
            .await?;
        tx.commit().await?;
        Ok(approved)
    }
}

/// `Ok` when the caller's key reaches the server: every server for an unscoped key, its
/// groups' group servers for a scoped one (public servers are global).
pub(super) fn reaches(server: &McpServer) -> Result<(), Status> {
    let scope = access::group_scope()?;
    if scope.is_all() {
        return Ok(());
    }
    match (&server.scope, &server.group_id) {
        (McpScope::Group, Some(group)) => Ok(scope.check(group)?),
        _ => Err(Status::permission_denied(
            "permission denied: public MCP servers are global; this admin key reaches its \
             groups' servers only",
        )),
    }
}

fn millis(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}
