//! What a group sees of the public MCP servers (`/api/group/:group/mcp/*`), its parameters for them (`/api/mcp/public/:id/group/:group/params`).
//!
//! And the embedded templates (`/api/embedmcp/`), over McpService.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tonic::Request;

use super::mcp::{
    Endpoints, McpPrice, McpQuery, ReusingParam, embed_reusing, endpoints, get_server, page_of,
    proxy_reusing, template_params, type_name,
};
use super::spec::Operation;
use super::{ApiError, ApiResult, Body, Params, done, ok};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::mcp::Mcp;
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::mcp_service_server::McpService;

pub fn operations() -> Vec<Operation> {
    let mut operations = Vec::new();
    for path in ["/api/group/{group}/mcp/", "/api/group/{group}/mcp"] {
        operations.push(
            Operation::get(
                path,
                "The enabled public MCP servers, as a group sees them",
                group_view,
            )
            .query::<McpQuery>()
            .data::<GroupMcpPage>(),
        );
    }
    operations.extend([
        Operation::get(
            "/api/group/{group}/mcp/{id}",
            "One public MCP server for a group: its parameters (masked), tools and endpoints",
            group_detail,
        )
        .data::<GroupMcpDetail>(),
        Operation::get(
            "/api/mcp/public/{id}/group/{group}/params",
            "The group's parameters for a public MCP server (masked)",
            read_params,
        )
        .data::<SeedParams>(),
        Operation::post(
            "/api/mcp/public/{id}/group/{group}/params",
            "Set the group's parameters for a public MCP server",
            save_params,
        )
        .body::<ParamsBody>()
        .data::<SeedParams>(),
    ]);
    for path in ["/api/embedmcp/", "/api/embedmcp"] {
        operations.push(
            Operation::get(path, "The embedded MCP templates and their servers", embeds)
                .data::<Vec<EmbedMcp>>(),
        );
        operations.push(
            Operation::post(
                path,
                "Enable or disable an embedded template's server with its init config",
                save_embed,
            )
            .body::<SaveEmbedBody>(),
        );
    }
    operations
}

/// A public server in a group's list: what it is, not how it is configured.
#[derive(Debug, Serialize, JsonSchema)]
pub struct GroupMcp {
    id: String,
    name: String,
    status: i32,
    description: String,
    price: McpPrice,
    /// Served by this gateway (every type here is).
    hosted: bool,
    created_at: i64,
    update_at: i64,
}

fn group_mcp(server: &pb::McpServer) -> GroupMcp {
    GroupMcp {
        id: server.id.clone(),
        name: server.id.clone(),
        status: server.status,
        description: String::new(),
        price: McpPrice::of(server),
        hosted: true,
        created_at: server.created_at_ms,
        update_at: server.updated_at_ms,
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct GroupMcpPage {
    mcps: Vec<GroupMcp>,
    total: i64,
}

async fn group_view(
    State(cp): State<ControlPlane>,
    // Every group sees the same public servers; the path names the group for the seed's clients.
    Path(_group): Path<String>,
    Params(query): Params<McpQuery>,
) -> ApiResult {
    let (servers, total) = page_of(
        &cp,
        pb::McpScope::Public,
        "",
        &query,
        pb::Status::Enabled as i32,
    )
    .await?;
    Ok(ok(GroupMcpPage {
        mcps: servers.iter().map(group_mcp).collect(),
        total,
    }))
}

/// A tool as MCP lists it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Tool {
    name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    title: String,
    description: String,
    #[serde(rename = "inputSchema")]
    input_schema: serde_json::Value,
}

/// One public server for a group: `endpoints` only once the group has set every reusing
/// parameter; `tools` absent when the server cannot be listed for it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct GroupMcpDetail {
    #[serde(flatten)]
    server: GroupMcp,
    r#type: String,
    reusing: BTreeMap<String, ReusingParam>,
    /// The group's values, masked.
    params: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tools: Option<Vec<Tool>>,
    endpoints: Endpoints,
}

async fn group_params(
    cp: &ControlPlane,
    id: &str,
    group: &str,
) -> Result<Option<pb::GroupMcpParams>, ApiError> {
    match Mcp(cp.clone())
        .get_group_mcp_params(Request::new(pb::GetGroupMcpParamsRequest {
            server_id: id.to_owned(),
            group_id: group.to_owned(),
        }))
        .await
    {
        Ok(params) => Ok(Some(params.into_inner())),
        Err(status) if status.code() == tonic::Code::NotFound => Ok(None),
        Err(status) => Err(status.into()),
    }
}

async fn group_detail(
    State(cp): State<ControlPlane>,
    headers: HeaderMap,
    Path((group, id)): Path<(String, String)>,
) -> ApiResult {
    let server = get_server(&cp, &id).await?;
    if server.scope != pb::McpScope::Public as i32 {
        return Err(ApiError::not_found(format!("public mcp {id} not found")));
    }
    let params: BTreeMap<String, String> = group_params(&cp, &id, &group)
        .await?
        .map(|params| params.params.into_iter().collect())
        .unwrap_or_default();
    let reusing = if server.r#type == pb::McpServerType::Embedded as i32 {
        embed_reusing(&server.required_group_params, &template_params(&cp).await?)
    } else {
        proxy_reusing(&server.required_group_params)
    };
    // A server the group cannot use yet lists no tools; the seed leaves them out too.
    let tools = Mcp(cp.clone())
        .list_mcp_server_tools(Request::new(pb::ListMcpServerToolsRequest {
            id: id.clone(),
            group_id: group.clone(),
        }))
        .await
        .ok()
        .map(|answer| {
            answer
                .into_inner()
                .tools
                .into_iter()
                .map(|tool| Tool {
                    name: tool.name,
                    title: tool.title,
                    description: tool.description,
                    input_schema: serde_json::from_str(&tool.input_schema_json).unwrap_or_default(),
                })
                .collect()
        });
    let complete = server
        .required_group_params
        .iter()
        .all(|name| params.get(name).is_some_and(|value| !value.is_empty()));
    Ok(ok(GroupMcpDetail {
        r#type: type_name(server.r#type).to_owned(),
        endpoints: if complete {
            endpoints(&headers, "public", &id)
        } else {
            Endpoints::default()
        },
        server: group_mcp(&server),
        reusing,
        params,
        tools,
    }))
}

/// A group's parameters for a server as the seed shows them (`update_at` in unix ms).
#[derive(Debug, Serialize, JsonSchema)]
pub struct SeedParams {
    mcp_id: String,
    group_id: String,
    params: BTreeMap<String, String>,
    update_at: i64,
}

fn seed_params(params: pb::GroupMcpParams) -> SeedParams {
    SeedParams {
        mcp_id: params.server_id,
        group_id: params.group_id,
        params: params.params.into_iter().collect(),
        update_at: params.updated_at_ms,
    }
}

async fn read_params(
    State(cp): State<ControlPlane>,
    Path((id, group)): Path<(String, String)>,
) -> ApiResult {
    match group_params(&cp, &id, &group).await? {
        Some(params) => Ok(ok(seed_params(params))),
        None => Err(ApiError::not_found(format!(
            "mcp reusing param of {id} for {group} not found"
        ))),
    }
}

/// `params`: every value the group supplies; sending back a masked value keeps the stored one.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ParamsBody {
    #[serde(default)]
    params: BTreeMap<String, String>,
}

async fn save_params(
    State(cp): State<ControlPlane>,
    Path((id, group)): Path<(String, String)>,
    Body(body): Body<ParamsBody>,
) -> ApiResult {
    let saved = Mcp(cp)
        .set_group_mcp_params(Request::new(pb::SetGroupMcpParamsRequest {
            params: Some(pb::GroupMcpParams {
                server_id: id,
                group_id: group,
                params: body.params.into_iter().collect(),
                updated_at_ms: 0,
            }),
        }))
        .await?
        .into_inner();
    Ok(ok(seed_params(saved)))
}

/// One template parameter as the seed describes it: `required` when the admin must set it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ConfigTemplate {
    name: String,
    required: bool,
    description: String,
    /// Ours: `admin` (in `init_config`) or `group` (each group's parameters).
    set_by: String,
}

/// An embedded template and its server (the public server whose id is the template's name).
#[derive(Debug, Serialize, JsonSchema)]
pub struct EmbedMcp {
    id: String,
    enabled: bool,
    name: String,
    description: String,
    /// The catalogue entry, as the seed names its fields.
    #[serde(skip_serializing_if = "String::is_empty")]
    name_cn: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    description_cn: String,
    github_url: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    readme: String,
    tags: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    logo_url: String,
    config_templates: BTreeMap<String, ConfigTemplate>,
    embed_config: Option<super::mcp::EmbedConfig>,
}

async fn templates(cp: &ControlPlane) -> Result<Vec<pb::McpTemplate>, ApiError> {
    Ok(Mcp(cp.clone())
        .list_templates(Request::new(pb::ListTemplatesRequest {}))
        .await?
        .into_inner()
        .template_details)
}

/// The public server of a template, `None` when there is none.
async fn embed_server(cp: &ControlPlane, id: &str) -> Result<Option<pb::McpServer>, ApiError> {
    match get_server(cp, id).await {
        Ok(server) => Ok(Some(server)),
        Err(error) if error.status == http::StatusCode::NOT_FOUND => Ok(None),
        Err(error) => Err(error),
    }
}

fn group_owned(param: &pb::McpTemplateParam) -> bool {
    param.set_by == pb::McpTemplateParamOwner::Group as i32
}

async fn embeds(State(cp): State<ControlPlane>) -> ApiResult {
    let mut listed = Vec::new();
    for template in templates(&cp).await? {
        let server = embed_server(&cp, &template.name)
            .await?
            .filter(|server| server.r#type == pb::McpServerType::Embedded as i32);
        let config_templates = template
            .params
            .iter()
            .map(|param| {
                (
                    param.name.clone(),
                    ConfigTemplate {
                        name: param.name.clone(),
                        required: param.required && !group_owned(param),
                        description: param.description.clone(),
                        set_by: if group_owned(param) { "group" } else { "admin" }.to_owned(),
                    },
                )
            })
            .collect();
        let catalogue = template.catalogue.clone().unwrap_or_default();
        listed.push(EmbedMcp {
            name_cn: catalogue.display_name_zh,
            description_cn: catalogue.description_zh,
            github_url: catalogue.homepage,
            readme: catalogue.readme,
            tags: catalogue.tags,
            logo_url: catalogue.logo,
            enabled: server
                .as_ref()
                .is_some_and(|server| server.status == pb::Status::Enabled as i32),
            embed_config: server.map(|server| super::mcp::EmbedConfig {
                init: server.params.into_iter().collect(),
                reusing: embed_reusing(&server.required_group_params, &template.params),
            }),
            id: template.name.clone(),
            name: template.name,
            description: template.description,
            config_templates,
        });
    }
    listed.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(ok(listed))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct SaveEmbedBody {
    /// The template's name.
    id: String,
    #[serde(default)]
    enabled: bool,
    /// The admin's parameters; a group's parameter here is refused.
    #[serde(default)]
    init_config: BTreeMap<String, String>,
}

/// As the seed: a required admin parameter must be given, a group's parameter must not; the
/// template's required group parameters become the server's required group parameters.
async fn save_embed(State(cp): State<ControlPlane>, Body(body): Body<SaveEmbedBody>) -> ApiResult {
    let template = templates(&cp)
        .await?
        .into_iter()
        .find(|template| template.name == body.id)
        .ok_or_else(|| ApiError::not_found(format!("embed mcp {} not found", body.id)))?;
    for name in body.init_config.keys() {
        match template.params.iter().find(|param| &param.name == name) {
            None => {
                return Err(ApiError::bad_request(format!(
                    "config {name} is not a parameter of {}",
                    template.name
                )));
            }
            Some(param) if group_owned(param) => {
                return Err(ApiError::bad_request(format!(
                    "config {name} is provided, but each group sets it"
                )));
            }
            Some(_) => {}
        }
    }
    let existing = embed_server(&cp, &template.name).await?;
    for param in &template.params {
        let given = body
            .init_config
            .get(&param.name)
            .is_some_and(|value| !value.is_empty());
        // An update may send back the masked values it read; the stored ones are kept.
        let stored = existing
            .as_ref()
            .is_some_and(|server| server.params.contains_key(&param.name));
        if param.required && !group_owned(param) && !given && !stored {
            return Err(ApiError::bad_request(format!(
                "config {} is required",
                param.name
            )));
        }
    }
    let required_group_params: Vec<String> = template
        .params
        .iter()
        .filter(|param| param.required && group_owned(param))
        .map(|param| param.name.clone())
        .collect();
    let status = if body.enabled {
        pb::Status::Enabled
    } else {
        pb::Status::Disabled
    } as i32;
    let server = pb::McpServer {
        id: template.name.clone(),
        scope: pb::McpScope::Public as i32,
        r#type: pb::McpServerType::Embedded as i32,
        template: template.name.clone(),
        params: body.init_config.into_iter().collect(),
        status,
        required_group_params,
        ..Default::default()
    };
    let service = Mcp(cp.clone());
    match existing {
        Some(existing) if existing.r#type != pb::McpServerType::Embedded as i32 => {
            return Err(ApiError::bad_request(format!(
                "mcp server {} exists and is not the embedded {}",
                existing.id, template.name
            )));
        }
        Some(_) => {
            let paths = ["template", "params", "status", "required_group_params"]
                .map(str::to_owned)
                .to_vec();
            service
                .update_mcp_server(Request::new(pb::UpdateMcpServerRequest {
                    server: Some(server),
                    update_mask: Some(prost_types::FieldMask { paths }),
                }))
                .await?;
        }
        None => {
            service
                .create_mcp_server(Request::new(pb::CreateMcpServerRequest {
                    server: Some(server),
                }))
                .await?;
        }
    }
    Ok(done())
}
