//! One server seen from outside a session, for the control plane: a fresh tool server for a definition, connected where remote, its tools and offerings.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::config::McpConfig;
use crate::grpc_host::GrpcUpstreams;
use crate::host::ServerDefinition;
use crate::servers::LiveServers;
use crate::tool_server::ToolServer;
use crate::upstream_auth::UpstreamTokenSource;

/// Whom a server is inspected for: a group (its parameters are already merged into the
/// definition) and the host's upstream OAuth tokens, so a proxy whose upstream wants OAuth
/// connects with that group's token. No group and no tokens: such a proxy refuses, as it would
/// refuse a caller without tokens.
#[derive(Clone, Default)]
pub struct InspectAs {
    pub group_id: String,
    pub upstream_tokens: Option<Arc<dyn UpstreamTokenSource>>,
    /// The host's gRPC client, so a gRPC server can be inspected; it cannot start without.
    pub grpc: Option<Arc<dyn GrpcUpstreams>>,
}

/// A fresh tool server of `definition` for `caller` (no cached instance, so a test really
/// connects).
fn fresh(
    config: &McpConfig,
    definition: &ServerDefinition,
    caller: &InspectAs,
) -> Result<Arc<dyn ToolServer>, String> {
    LiveServers::new(
        config.clone(),
        None,
        caller.upstream_tokens.clone(),
        caller.grpc.clone(),
    )
    .build(definition, &caller.group_id)
    .map_err(|error| error.message.to_string())
}

/// One tool as a server lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolSummary {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// JSON Schema of the arguments.
    pub input_schema: Value,
    /// JSON Schema of the structured result, when the tool declares one.
    pub output_schema: Option<Value>,
}

/// What listing a server's tools gave.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerInspection {
    pub tools: Vec<ToolSummary>,
    /// The same tools as pinning sees them (definition, hash, the poisoning scan's findings).
    pub observed: Vec<crate::pinning::ObservedItem>,
    /// From the start of the build to the end of the listing (connect and initialize included).
    pub latency: Duration,
}

/// Builds `definition` afresh for `caller`, lists its tools and drops it again. A proxy
/// connects, initializes and lists within `config.upstream_timeout`. The error is a sentence
/// for an admin: why the server cannot start or answer.
pub async fn inspect_server(
    config: &McpConfig,
    definition: &ServerDefinition,
    caller: &InspectAs,
) -> Result<ServerInspection, String> {
    let started = Instant::now();
    let server = fresh(config, definition, caller)?;
    let listed = tokio::time::timeout(config.upstream_timeout, server.list_tools())
        .await
        .map_err(|_| {
            format!(
                "no answer within {} s",
                config.upstream_timeout.as_secs_f64()
            )
        })?
        .map_err(|error| error.message.to_string())?;
    let observed = listed
        .iter()
        .map(crate::pinning::ObservedItem::of)
        .collect();
    let tools = listed
        .into_iter()
        .map(|tool| {
            let value = serde_json::to_value(&tool).unwrap_or(Value::Null);
            let text = |field: &str| value.get(field).and_then(Value::as_str).map(str::to_owned);
            ToolSummary {
                name: tool.name.to_string(),
                title: text("title"),
                description: text("description"),
                input_schema: value.get("inputSchema").cloned().unwrap_or(Value::Null),
                output_schema: value.get("outputSchema").cloned(),
            }
        })
        .collect();
    Ok(ServerInspection {
        tools,
        observed,
        latency: started.elapsed(),
    })
}

/// One prompt as a server lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptSummary {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// Its arguments: name, description, whether required.
    pub arguments: Vec<(String, Option<String>, bool)>,
}

/// One resource, or resource template (`template`, with `uri` the template), as a server lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceSummary {
    pub uri: String,
    pub name: String,
    pub description: Option<String>,
    pub mime_type: Option<String>,
    pub template: bool,
}

/// What a server offers besides tools: what a virtual server may compose of it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfferingsInspection {
    pub prompts: Vec<PromptSummary>,
    /// Resources first, then resource templates.
    pub resources: Vec<ResourceSummary>,
}

/// Builds `definition` afresh, as [`inspect_server`] does, and lists its prompts, resources and
/// resource templates (each within `config.upstream_timeout`). What the server does not offer
/// lists empty.
pub async fn inspect_offerings(
    config: &McpConfig,
    definition: &ServerDefinition,
    caller: &InspectAs,
) -> Result<OfferingsInspection, String> {
    let server = fresh(config, definition, caller)?;
    let within = |what: &'static str| {
        move |_: tokio::time::error::Elapsed| {
            format!(
                "no {what} within {} s",
                config.upstream_timeout.as_secs_f64()
            )
        }
    };
    let declared = tokio::time::timeout(config.upstream_timeout, server.capabilities())
        .await
        .map_err(within("capabilities"))?;
    let mut offered = OfferingsInspection::default();
    if declared.prompts.is_some() {
        let prompts = tokio::time::timeout(config.upstream_timeout, server.list_prompts())
            .await
            .map_err(within("prompts"))?
            .map_err(|error| error.message.to_string())?;
        offered.prompts = prompts
            .into_iter()
            .map(|prompt| PromptSummary {
                name: prompt.name,
                title: prompt.title,
                description: prompt.description,
                arguments: prompt
                    .arguments
                    .unwrap_or_default()
                    .into_iter()
                    .map(|argument| {
                        let required = argument.required == Some(true);
                        (argument.name, argument.description, required)
                    })
                    .collect(),
            })
            .collect();
    }
    if declared.resources.is_some() {
        let resources = tokio::time::timeout(config.upstream_timeout, server.list_resources())
            .await
            .map_err(within("resources"))?
            .map_err(|error| error.message.to_string())?;
        let templates =
            tokio::time::timeout(config.upstream_timeout, server.list_resource_templates())
                .await
                .map_err(within("resource templates"))?
                .map_err(|error| error.message.to_string())?;
        offered.resources = resources
            .into_iter()
            .map(|resource| ResourceSummary {
                uri: resource.uri.clone(),
                name: resource.name.clone(),
                description: resource.description.clone(),
                mime_type: resource.mime_type.clone(),
                template: false,
            })
            .chain(templates.into_iter().map(|template| ResourceSummary {
                uri: template.uri_template.clone(),
                name: template.name.clone(),
                description: template.description.clone(),
                mime_type: template.mime_type.clone(),
                template: true,
            }))
            .collect();
    }
    Ok(offered)
}
