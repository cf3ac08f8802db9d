//! `/api/mcp/publics/*`, `/api/mcp/public/*`, `/api/mcp/group/*`: the seed's public and group MCP server routes over the control plane's McpService.
//!
//! The seed's `PublicMCP`/`GroupMCP` become our `McpServer` (scope public or group): `type`
//! (`mcp_proxy_sse`, `mcp_proxy_streamable`, `mcp_openapi`, `mcp_embed`), `proxy_config`
//! (`url`, `querys`, `headers`), `openapi_config` (`openapi_spec` is the document's URL,
//! `openapi_content` its text, `server_addr` the base URL, `authorization` the `Authorization`
//! header), `embed_config.init` (the template's admin parameters) and `price`. The reusing
//! parameters (what each group supplies) are our `required_group_params`: a proxy's
//! `reusing.{name}` of type `header` is `header:{name}`, of type `query` is `query:{name}`.
//! Secrets come back masked by the service, as over gRPC.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tonic::Request;

use super::spec::Operation;
use super::{ApiError, ApiResult, Body, Paging, Params, done, number, ok};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::mcp::Mcp;
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::mcp_service_server::McpService;

pub fn operations() -> Vec<Operation> {
    let mut operations = Vec::new();
    for path in ["/api/mcp/publics/", "/api/mcp/publics"] {
        operations.push(
            Operation::get(path, "A page of public MCP servers", list_public)
                .query::<McpQuery>()
                .data::<McpPage>(),
        );
        operations.push(
            Operation::post(
                path,
                "Create or update public MCP servers, one per entry",
                save_public_many,
            )
            .body::<Vec<McpBody>>()
            .data::<Vec<SeedMcp>>(),
        );
    }
    operations.push(
        Operation::get(
            "/api/mcp/publics/all",
            "Every public MCP server",
            all_public,
        )
        .query::<StatusQuery>()
        .data::<Vec<SeedMcp>>(),
    );
    for path in ["/api/mcp/public/", "/api/mcp/public"] {
        operations.push(
            Operation::post(path, "Create a public MCP server", create_public)
                .body::<McpBody>()
                .data::<SeedMcp>(),
        );
    }
    operations.extend([
        Operation::get("/api/mcp/public/{id}", "One public MCP server", read_public)
            .data::<SeedMcp>(),
        Operation::post(
            "/api/mcp/public/{id}",
            "Update the fields the body names",
            update_public,
        )
        .body::<McpBody>()
        .data::<SeedMcp>(),
        Operation::put(
            "/api/mcp/public/{id}",
            "Save a public MCP server: update it, or create it when missing",
            save_public,
        )
        .body::<McpBody>()
        .data::<SeedMcp>(),
        Operation::delete(
            "/api/mcp/public/{id}",
            "Delete a public MCP server (and every group's parameters for it)",
            delete_public,
        ),
        Operation::post(
            "/api/mcp/public/{id}/status",
            "Enable (1) or disable (2) a public MCP server",
            status_public,
        )
        .body::<StatusBody>(),
        Operation::get("/api/mcp/group/all", "Every group's MCP servers", all_group)
            .query::<StatusQuery>()
            .data::<Vec<SeedMcp>>(),
        Operation::get(
            "/api/mcp/group/{group}",
            "A page of the group's own MCP servers",
            list_group,
        )
        .query::<McpQuery>()
        .data::<McpPage>(),
        Operation::post(
            "/api/mcp/group/{group}",
            "Create an MCP server of the group",
            create_group,
        )
        .body::<McpBody>()
        .data::<SeedMcp>(),
        Operation::get(
            "/api/mcp/group/{group}/{id}",
            "One MCP server of the group",
            read_group,
        )
        .data::<SeedMcp>(),
        Operation::put(
            "/api/mcp/group/{group}/{id}",
            "Update the fields the body names",
            update_group,
        )
        .body::<McpBody>()
        .data::<SeedMcp>(),
        Operation::delete(
            "/api/mcp/group/{group}/{id}",
            "Delete an MCP server of the group",
            delete_group,
        ),
        Operation::post(
            "/api/mcp/group/{group}/{id}/status",
            "Enable (1) or disable (2) an MCP server of the group",
            status_group,
        )
        .body::<StatusBody>(),
    ]);
    operations
}

/// Where clients reach a server: `host` is the one the request came to.
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct Endpoints {
    host: String,
    sse: String,
    streamable_http: String,
}

pub fn endpoints(headers: &HeaderMap, scope: &str, id: &str) -> Endpoints {
    let host = headers
        .get(http::header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Endpoints {
        host,
        sse: format!("/mcp/{scope}/{id}/sse"),
        streamable_http: format!("/mcp/{scope}/{id}"),
    }
}

/// The seed's price: one price for every tool call (`tools_call_prices` per tool is not offered).
#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct McpPrice {
    #[serde(default)]
    default_tools_call_price: f64,
    #[serde(default)]
    tools_call_prices: BTreeMap<String, f64>,
}

impl McpPrice {
    /// A server's prices, from the service's decimals: every call, and single tools'.
    pub fn of(server: &pb::McpServer) -> McpPrice {
        McpPrice {
            default_tools_call_price: number(&server.price_per_call),
            tools_call_prices: server
                .tool_prices
                .iter()
                .map(|(tool, price)| (tool.clone(), number(price)))
                .collect(),
        }
    }
}

/// A reusing parameter: what each group supplies (`type` for proxies: `header` or `query`).
#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct ReusingParam {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    r#type: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct ProxyConfig {
    #[serde(default)]
    url: String,
    #[serde(default)]
    querys: BTreeMap<String, String>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    reusing: BTreeMap<String, ReusingParam>,
}

#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct OpenApiConfig {
    /// The document's URL, fetched when written.
    #[serde(default)]
    openapi_spec: String,
    /// The document's text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    openapi_content: String,
    /// Accepted for the seed's clients; the converter reads both versions.
    #[serde(default)]
    v2: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    server_addr: String,
    /// Sent as the `Authorization` header.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    authorization: String,
}

#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct EmbedConfig {
    /// The template's admin parameters (masked on read).
    #[serde(default)]
    pub init: BTreeMap<String, String>,
    /// The parameters each group supplies.
    #[serde(default)]
    pub reusing: BTreeMap<String, ReusingParam>,
}

/// An MCP server as the seed shows it (`created_at`, `update_at` in unix ms).
#[derive(Debug, Serialize, JsonSchema)]
pub struct SeedMcp {
    id: String,
    /// The catalogue's display name, the id without one.
    name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    name_cn: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    group_id: String,
    status: i32,
    r#type: String,
    description: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    description_cn: String,
    /// The catalogue's homepage.
    github_url: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    readme: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    logo_url: String,
    /// Ours: how to install a `mcp_docs` server users run themselves.
    #[serde(skip_serializing_if = "String::is_empty")]
    install: String,
    price: McpPrice,
    #[serde(skip_serializing_if = "Option::is_none")]
    proxy_config: Option<ProxyConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    openapi_config: Option<OpenApiConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    embed_config: Option<EmbedConfig>,
    /// Ours: every parameter a group must set before the server is offered to it.
    required_group_params: Vec<String>,
    /// Ours: the aggregated `/mcp` shows its tools, prompts and resources under their own
    /// names.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    aggregate_unprefixed: bool,
    created_at: i64,
    update_at: i64,
    endpoints: Endpoints,
}

pub fn type_name(kind: i32) -> &'static str {
    match pb::McpServerType::try_from(kind) {
        Ok(pb::McpServerType::ProxySse) => "mcp_proxy_sse",
        Ok(pb::McpServerType::ProxyStreamable) => "mcp_proxy_streamable",
        Ok(pb::McpServerType::Openapi) => "mcp_openapi",
        Ok(pb::McpServerType::Embedded) => "mcp_embed",
        Ok(pb::McpServerType::Docs) => "mcp_docs",
        _ => "",
    }
}

fn type_of(name: &str) -> Result<pb::McpServerType, ApiError> {
    match name {
        "mcp_proxy_sse" => Ok(pb::McpServerType::ProxySse),
        "mcp_proxy_streamable" => Ok(pb::McpServerType::ProxyStreamable),
        "mcp_openapi" => Ok(pb::McpServerType::Openapi),
        "mcp_embed" => Ok(pb::McpServerType::Embedded),
        "mcp_docs" => Ok(pb::McpServerType::Docs),
        other => Err(ApiError::bad_request(format!("unknown MCP type: {other}"))),
    }
}

/// The seed's reusing map of a proxy from our parameter names.
pub fn proxy_reusing(required: &[String]) -> BTreeMap<String, ReusingParam> {
    required
        .iter()
        .map(|param| {
            let (kind, name) = match param.split_once(':') {
                Some(("query", name)) => ("query", name),
                Some(("header", name)) => ("header", name),
                _ => ("header", param.as_str()),
            };
            (
                name.to_owned(),
                ReusingParam {
                    name: name.to_owned(),
                    description: String::new(),
                    required: true,
                    r#type: Some(kind.to_owned()),
                },
            )
        })
        .collect()
}

/// `template_params` describes an embedded server's group parameters (from `ListTemplates`).
pub fn seed_mcp(
    server: pb::McpServer,
    headers: &HeaderMap,
    template_params: &[pb::McpTemplateParam],
) -> SeedMcp {
    let kind = type_name(server.r#type);
    let price = McpPrice::of(&server);
    let scope = if server.scope == pb::McpScope::Group as i32 {
        "group"
    } else {
        "public"
    };
    let (proxy_config, openapi_config, embed_config) = match kind {
        "mcp_proxy_sse" | "mcp_proxy_streamable" => (
            Some(ProxyConfig {
                url: server.url.clone(),
                querys: server.query.clone().into_iter().collect(),
                headers: server.headers.clone().into_iter().collect(),
                reusing: proxy_reusing(&server.required_group_params),
            }),
            None,
            None,
        ),
        "mcp_openapi" => {
            let source = server.openapi.clone().unwrap_or_default();
            (
                None,
                Some(OpenApiConfig {
                    openapi_spec: source.spec_url,
                    openapi_content: source.spec,
                    v2: false,
                    server_addr: source.base_url,
                    authorization: source
                        .credentials
                        .get("Authorization")
                        .cloned()
                        .unwrap_or_default(),
                }),
                None,
            )
        }
        "mcp_embed" => (
            None,
            None,
            Some(EmbedConfig {
                init: server.params.clone().into_iter().collect(),
                reusing: embed_reusing(&server.required_group_params, template_params),
            }),
        ),
        _ => (None, None, None),
    };
    let catalogue = server.catalogue.clone().unwrap_or_default();
    SeedMcp {
        endpoints: endpoints(headers, scope, &server.id),
        name: if catalogue.display_name.is_empty() {
            server.id.clone()
        } else {
            catalogue.display_name
        },
        name_cn: catalogue.display_name_zh,
        id: server.id,
        group_id: server.group_id,
        status: server.status,
        r#type: kind.to_owned(),
        description: catalogue.description,
        description_cn: catalogue.description_zh,
        github_url: catalogue.homepage,
        readme: catalogue.readme,
        tags: catalogue.tags,
        logo_url: catalogue.logo,
        install: catalogue.install,
        price,
        proxy_config,
        openapi_config,
        embed_config,
        required_group_params: server.required_group_params,
        aggregate_unprefixed: server.aggregate_unprefixed,
        created_at: server.created_at_ms,
        update_at: server.updated_at_ms,
    }
}

pub fn embed_reusing(
    required: &[String],
    template_params: &[pb::McpTemplateParam],
) -> BTreeMap<String, ReusingParam> {
    required
        .iter()
        .map(|name| {
            let description = template_params
                .iter()
                .find(|param| &param.name == name)
                .map(|param| param.description.clone())
                .unwrap_or_default();
            (
                name.clone(),
                ReusingParam {
                    name: name.clone(),
                    description,
                    required: true,
                    r#type: None,
                },
            )
        })
        .collect()
}

/// The seed's `PublicMCP`/`GroupMCP` body. Display fields (`name`, `description`, `readme`,
/// `tags`, `logo_url`, ...) are accepted and not stored.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct McpBody {
    /// Required to create; the path's id wins on the routes that name one.
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    status: Option<i32>,
    #[serde(default)]
    r#type: Option<String>,
    /// Ours: the embedded template (`mcp_embed`); the id when absent, as the seed names them.
    #[serde(default)]
    template: Option<String>,
    #[serde(default)]
    price: Option<McpPrice>,
    #[serde(default)]
    proxy_config: Option<ProxyConfig>,
    #[serde(default)]
    openapi_config: Option<OpenApiConfig>,
    #[serde(default)]
    embed_config: Option<EmbedConfig>,
    /// Ours, added to the reusing parameters of `proxy_config` and `embed_config`.
    #[serde(default)]
    required_group_params: Option<Vec<String>>,
    /// Ours: the aggregated `/mcp` shows its tools, prompts and resources under their own
    /// names (kept as it is when absent).
    #[serde(default)]
    aggregate_unprefixed: Option<bool>,
    /// The catalogue entry, as the seed names its fields; any of them given replaces the
    /// whole entry (those absent become empty).
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    name_cn: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    description_cn: Option<String>,
    #[serde(default)]
    github_url: Option<String>,
    #[serde(default)]
    readme: Option<String>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default)]
    logo_url: Option<String>,
    /// Ours: how to install a `mcp_docs` server.
    #[serde(default)]
    install: Option<String>,
}

impl McpBody {
    /// The control plane's server and the update mask naming the fields this body carries.
    fn into_pb(self) -> Result<(pb::McpServer, Vec<String>), ApiError> {
        let mut server = pb::McpServer {
            id: self.id.unwrap_or_default(),
            ..Default::default()
        };
        let mut mask = Vec::new();
        let mut required = self.required_group_params.clone().unwrap_or_default();
        let mut names_required = self.required_group_params.is_some();
        if let Some(kind) = &self.r#type {
            server.r#type = type_of(kind)? as i32;
            mask.push("type".to_owned());
            if server.r#type == pb::McpServerType::Embedded as i32 {
                server.template = self.template.clone().unwrap_or_else(|| server.id.clone());
                mask.push("template".to_owned());
            }
        }
        if let Some(status) = self.status.filter(|status| *status != 0) {
            server.status = status;
            mask.push("status".to_owned());
        }
        if let Some(price) = self.price {
            server.price_per_call = price.default_tools_call_price.to_string();
            server.tool_prices = price
                .tools_call_prices
                .into_iter()
                .map(|(tool, price)| (tool, price.to_string()))
                .collect();
            mask.extend(["price_per_call", "tool_prices"].map(str::to_owned));
        }
        if let Some(proxy) = self.proxy_config {
            server.url = proxy.url;
            server.query = proxy.querys.into_iter().collect();
            server.headers = proxy.headers.into_iter().collect();
            mask.extend(["url", "query", "headers"].map(str::to_owned));
            for (name, param) in proxy.reusing {
                match param.r#type.as_deref().unwrap_or("header") {
                    "header" => required.push(format!("header:{name}")),
                    "query" => required.push(format!("query:{name}")),
                    other => {
                        return Err(ApiError::bad_request(format!(
                            "reusing parameter {name}: type {other} is not offered (header or query)"
                        )));
                    }
                }
                names_required = true;
            }
        }
        if let Some(openapi) = self.openapi_config {
            let mut credentials = std::collections::HashMap::new();
            if !openapi.authorization.is_empty() {
                credentials.insert("Authorization".to_owned(), openapi.authorization);
            }
            server.openapi = Some(pb::OpenApiSource {
                spec: openapi.openapi_content,
                spec_url: openapi.openapi_spec,
                base_url: openapi.server_addr,
                credentials,
                ..Default::default()
            });
            mask.push("openapi".to_owned());
        }
        if let Some(embed) = self.embed_config {
            server.params = embed.init.into_iter().collect();
            mask.push("params".to_owned());
            required.extend(embed.reusing.into_keys());
            names_required = true;
        }
        let catalogue_given = self.name.is_some()
            || self.name_cn.is_some()
            || self.description.is_some()
            || self.description_cn.is_some()
            || self.github_url.is_some()
            || self.readme.is_some()
            || self.tags.is_some()
            || self.logo_url.is_some()
            || self.install.is_some();
        if catalogue_given {
            server.catalogue = Some(pb::McpCatalogue {
                display_name: self.name.unwrap_or_default(),
                display_name_zh: self.name_cn.unwrap_or_default(),
                description: self.description.unwrap_or_default(),
                description_zh: self.description_cn.unwrap_or_default(),
                tags: self.tags.unwrap_or_default(),
                readme: self.readme.unwrap_or_default(),
                logo: self.logo_url.unwrap_or_default(),
                homepage: self.github_url.unwrap_or_default(),
                install: self.install.unwrap_or_default(),
            });
            mask.push("catalogue".to_owned());
        }
        if let Some(unprefixed) = self.aggregate_unprefixed {
            server.aggregate_unprefixed = unprefixed;
            mask.push("aggregate_unprefixed".to_owned());
        }
        if names_required {
            required.sort();
            required.dedup();
            server.required_group_params = required;
            mask.push("required_group_params".to_owned());
        }
        Ok((server, mask))
    }
}

/// The seed's `type` filter: `hosted` (every type) or `local` (the docs entries only).
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct McpQuery {
    #[serde(flatten)]
    paging: Paging,
    /// An id, or part of one (searched like `keyword`).
    #[serde(default)]
    id: String,
    /// `hosted` or `local`.
    #[serde(default)]
    r#type: String,
    #[serde(default)]
    keyword: String,
    /// 1 enabled, 2 disabled; any when absent (the group routes: enabled).
    #[serde(default)]
    status: String,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct StatusQuery {
    /// 1 enabled, 2 disabled; any when absent (the group routes: enabled).
    #[serde(default)]
    status: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct McpPage {
    mcps: Vec<SeedMcp>,
    total: i64,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct StatusBody {
    status: i32,
}

fn status_filter(text: &str, default: i32) -> i32 {
    match text.trim().parse::<i32>() {
        Ok(status) if status > 0 => status,
        _ => default,
    }
}

/// One page of servers of `scope` (and `group`), as the seed pages them.
pub async fn page_of(
    cp: &ControlPlane,
    scope: pb::McpScope,
    group: &str,
    query: &McpQuery,
    default_status: i32,
) -> Result<(Vec<pb::McpServer>, i64), ApiError> {
    // `local` lists the docs entries (servers users run themselves); docs entries only are
    // a filter the control plane does not have, so they are picked from every server.
    if query.r#type == "local" {
        let docs: Vec<pb::McpServer> =
            every(cp, scope, status_filter(&query.status, default_status))
                .await?
                .into_iter()
                .filter(|server| server.r#type == pb::McpServerType::Docs as i32)
                .filter(|server| group.is_empty() || server.group_id == group)
                .collect();
        let total = i64::try_from(docs.len()).unwrap_or(i64::MAX);
        return Ok((docs, total));
    }
    let (page_size, page_token) = query.paging.grpc();
    let keyword = if query.keyword.is_empty() {
        query.id.clone()
    } else {
        query.keyword.clone()
    };
    let answer = Mcp(cp.clone())
        .list_mcp_servers(Request::new(pb::ListMcpServersRequest {
            page_size,
            page_token,
            scope: scope as i32,
            group_id: group.to_owned(),
            status: status_filter(&query.status, default_status),
            keyword,
        }))
        .await?
        .into_inner();
    Ok((answer.servers, answer.total_size))
}

/// Every server of `scope`, page by page.
async fn every(
    cp: &ControlPlane,
    scope: pb::McpScope,
    status: i32,
) -> Result<Vec<pb::McpServer>, ApiError> {
    let service = Mcp(cp.clone());
    let mut servers = Vec::new();
    let mut page_token = String::new();
    loop {
        let answer = service
            .list_mcp_servers(Request::new(pb::ListMcpServersRequest {
                page_size: 1000,
                page_token,
                scope: scope as i32,
                status,
                ..Default::default()
            }))
            .await?
            .into_inner();
        servers.extend(answer.servers);
        if answer.next_page_token.is_empty() {
            return Ok(servers);
        }
        page_token = answer.next_page_token;
    }
}

/// The parameters of every template, for the embedded servers' reusing descriptions.
pub async fn template_params(cp: &ControlPlane) -> Result<Vec<pb::McpTemplateParam>, ApiError> {
    Ok(Mcp(cp.clone())
        .list_templates(Request::new(pb::ListTemplatesRequest {}))
        .await?
        .into_inner()
        .template_details
        .into_iter()
        .flat_map(|template| template.params)
        .collect())
}

async fn shown(
    cp: &ControlPlane,
    headers: &HeaderMap,
    servers: Vec<pb::McpServer>,
) -> Result<Vec<SeedMcp>, ApiError> {
    let params = if servers
        .iter()
        .any(|server| server.r#type == pb::McpServerType::Embedded as i32)
    {
        template_params(cp).await?
    } else {
        Vec::new()
    };
    Ok(servers
        .into_iter()
        .map(|server| seed_mcp(server, headers, &params))
        .collect())
}

async fn list_public(
    State(cp): State<ControlPlane>,
    headers: HeaderMap,
    Params(query): Params<McpQuery>,
) -> ApiResult {
    let (servers, total) = page_of(&cp, pb::McpScope::Public, "", &query, 0).await?;
    Ok(ok(McpPage {
        mcps: shown(&cp, &headers, servers).await?,
        total,
    }))
}

async fn all_public(
    State(cp): State<ControlPlane>,
    headers: HeaderMap,
    Params(query): Params<StatusQuery>,
) -> ApiResult {
    let servers = every(&cp, pb::McpScope::Public, status_filter(&query.status, 0)).await?;
    Ok(ok(shown(&cp, &headers, servers).await?))
}

pub async fn get_server(cp: &ControlPlane, id: &str) -> Result<pb::McpServer, ApiError> {
    Ok(Mcp(cp.clone())
        .get_mcp_server(Request::new(pb::GetMcpServerRequest { id: id.to_owned() }))
        .await?
        .into_inner())
}

/// The server when it has `scope` (and belongs to `group`); another is not found here.
async fn get_scoped(
    cp: &ControlPlane,
    id: &str,
    scope: pb::McpScope,
    group: &str,
) -> Result<pb::McpServer, ApiError> {
    let server = get_server(cp, id).await?;
    if server.scope != scope as i32 || (scope == pb::McpScope::Group && server.group_id != group) {
        return Err(ApiError::not_found(format!("mcp server {id} not found")));
    }
    Ok(server)
}

async fn one(cp: &ControlPlane, headers: &HeaderMap, server: pb::McpServer) -> ApiResult {
    let mut shown = shown(cp, headers, vec![server]).await?;
    match shown.pop() {
        Some(server) => Ok(ok(server)),
        None => Err(ApiError::not_found("mcp server not found")),
    }
}

async fn read_public(
    State(cp): State<ControlPlane>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult {
    let server = get_scoped(&cp, &id, pb::McpScope::Public, "").await?;
    one(&cp, &headers, server).await
}

async fn create(
    cp: &ControlPlane,
    body: McpBody,
    scope: pb::McpScope,
    group: &str,
) -> Result<pb::McpServer, ApiError> {
    let (mut server, _) = body.into_pb()?;
    if server.id.is_empty() {
        return Err(ApiError::bad_request("id is required"));
    }
    if server.r#type == pb::McpServerType::Unspecified as i32 {
        return Err(ApiError::bad_request("type is required"));
    }
    server.scope = scope as i32;
    server.group_id = group.to_owned();
    Ok(Mcp(cp.clone())
        .create_mcp_server(Request::new(pb::CreateMcpServerRequest {
            server: Some(server),
        }))
        .await?
        .into_inner())
}

/// Writes the fields `body` names to server `id` (the path's id wins over the body's).
async fn update(cp: &ControlPlane, id: &str, body: McpBody) -> Result<pb::McpServer, ApiError> {
    let (mut server, paths) = body.into_pb()?;
    if paths.is_empty() {
        return Err(ApiError::bad_request("nothing to update"));
    }
    if paths.iter().any(|path| path == "template") && server.template.is_empty() {
        id.clone_into(&mut server.template);
    }
    id.clone_into(&mut server.id);
    Ok(Mcp(cp.clone())
        .update_mcp_server(Request::new(pb::UpdateMcpServerRequest {
            server: Some(server),
            update_mask: Some(prost_types::FieldMask { paths }),
        }))
        .await?
        .into_inner())
}

async fn create_public(
    State(cp): State<ControlPlane>,
    headers: HeaderMap,
    Body(body): Body<McpBody>,
) -> ApiResult {
    let server = create(&cp, body, pb::McpScope::Public, "").await?;
    one(&cp, &headers, server).await
}

async fn update_public(
    State(cp): State<ControlPlane>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Body(body): Body<McpBody>,
) -> ApiResult {
    get_scoped(&cp, &id, pb::McpScope::Public, "").await?;
    let server = update(&cp, &id, body).await?;
    one(&cp, &headers, server).await
}

/// The seed's save: an update when the server exists, else a create.
async fn save(cp: &ControlPlane, id: String, mut body: McpBody) -> Result<pb::McpServer, ApiError> {
    match get_server(cp, &id).await {
        Ok(existing) if existing.scope == pb::McpScope::Public as i32 => {
            update(cp, &id, body).await
        }
        Ok(_) => Err(ApiError::bad_request(format!(
            "mcp server {id} belongs to a group"
        ))),
        Err(error) if error.status == http::StatusCode::NOT_FOUND => {
            body.id = Some(id);
            create(cp, body, pb::McpScope::Public, "").await
        }
        Err(error) => Err(error),
    }
}

async fn save_public(
    State(cp): State<ControlPlane>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Body(body): Body<McpBody>,
) -> ApiResult {
    let server = save(&cp, id, body).await?;
    one(&cp, &headers, server).await
}

/// Each entry in turn; the first refusal stops the batch and names its entry.
async fn save_public_many(
    State(cp): State<ControlPlane>,
    headers: HeaderMap,
    Body(bodies): Body<Vec<McpBody>>,
) -> ApiResult {
    let mut saved = Vec::new();
    for (index, body) in bodies.into_iter().enumerate() {
        let id = body.id.clone().unwrap_or_default();
        if id.is_empty() {
            return Err(ApiError::bad_request(format!(
                "mcp {index}: id is required"
            )));
        }
        let server = save(&cp, id, body).await.map_err(|error| ApiError {
            message: format!("mcp {index}: {}", error.message),
            ..error
        })?;
        saved.push(server);
    }
    Ok(ok(shown(&cp, &headers, saved).await?))
}

async fn delete(cp: &ControlPlane, id: &str) -> ApiResult {
    Mcp(cp.clone())
        .delete_mcp_server(Request::new(pb::DeleteMcpServerRequest {
            id: id.to_owned(),
        }))
        .await?;
    Ok(done())
}

async fn delete_public(State(cp): State<ControlPlane>, Path(id): Path<String>) -> ApiResult {
    get_scoped(&cp, &id, pb::McpScope::Public, "").await?;
    delete(&cp, &id).await
}

async fn set_status(cp: &ControlPlane, id: &str, status: i32) -> ApiResult {
    Mcp(cp.clone())
        .set_mcp_server_status(Request::new(pb::SetMcpServerStatusRequest {
            id: id.to_owned(),
            status,
        }))
        .await?;
    Ok(done())
}

async fn status_public(
    State(cp): State<ControlPlane>,
    Path(id): Path<String>,
    Body(body): Body<StatusBody>,
) -> ApiResult {
    get_scoped(&cp, &id, pb::McpScope::Public, "").await?;
    set_status(&cp, &id, body.status).await
}

const ENABLED: i32 = pb::Status::Enabled as i32;

async fn all_group(
    State(cp): State<ControlPlane>,
    headers: HeaderMap,
    Params(query): Params<StatusQuery>,
) -> ApiResult {
    let servers = every(
        &cp,
        pb::McpScope::Group,
        status_filter(&query.status, ENABLED),
    )
    .await?;
    Ok(ok(shown(&cp, &headers, servers).await?))
}

async fn list_group(
    State(cp): State<ControlPlane>,
    headers: HeaderMap,
    Path(group): Path<String>,
    Params(query): Params<McpQuery>,
) -> ApiResult {
    let (servers, total) = page_of(&cp, pb::McpScope::Group, &group, &query, ENABLED).await?;
    Ok(ok(McpPage {
        mcps: shown(&cp, &headers, servers).await?,
        total,
    }))
}

async fn create_group(
    State(cp): State<ControlPlane>,
    headers: HeaderMap,
    Path(group): Path<String>,
    Body(body): Body<McpBody>,
) -> ApiResult {
    if body.r#type.as_deref() == Some("mcp_embed") {
        return Err(ApiError::bad_request(
            "a group server is a proxy or an OpenAPI document (embedded servers are public)",
        ));
    }
    let server = create(&cp, body, pb::McpScope::Group, &group).await?;
    one(&cp, &headers, server).await
}

async fn read_group(
    State(cp): State<ControlPlane>,
    headers: HeaderMap,
    Path((group, id)): Path<(String, String)>,
) -> ApiResult {
    let server = get_scoped(&cp, &id, pb::McpScope::Group, &group).await?;
    one(&cp, &headers, server).await
}

async fn update_group(
    State(cp): State<ControlPlane>,
    headers: HeaderMap,
    Path((group, id)): Path<(String, String)>,
    Body(body): Body<McpBody>,
) -> ApiResult {
    get_scoped(&cp, &id, pb::McpScope::Group, &group).await?;
    let server = update(&cp, &id, body).await?;
    one(&cp, &headers, server).await
}

async fn delete_group(
    State(cp): State<ControlPlane>,
    Path((group, id)): Path<(String, String)>,
) -> ApiResult {
    get_scoped(&cp, &id, pb::McpScope::Group, &group).await?;
    delete(&cp, &id).await
}

async fn status_group(
    State(cp): State<ControlPlane>,
    Path((group, id)): Path<(String, String)>,
    Body(body): Body<StatusBody>,
) -> ApiResult {
    get_scoped(&cp, &id, pb::McpScope::Group, &group).await?;
    set_status(&cp, &id, body.status).await
}
