//! A virtual server's composed prompts and resources in `McpService` messages, and `ListMcpServerOfferings`' answer.

use tonic::Status;

use super::convert::non_empty;
use super::error::invalid;
use super::pb;

pub(super) fn virtual_prompt_pb(prompt: &mcp::VirtualPrompt) -> pb::McpVirtualPrompt {
    pb::McpVirtualPrompt {
        server_id: prompt.server.clone(),
        prompt: prompt.prompt.clone(),
        name: prompt.name.clone().unwrap_or_default(),
        description: prompt.description.clone(),
        defaults_json: if prompt.defaults.is_empty() {
            String::new()
        } else {
            serde_json::to_string(&prompt.defaults).unwrap_or_default()
        },
    }
}

/// Prompt arguments are strings: `defaults_json` must be an object of strings.
pub(super) fn virtual_prompt_from(
    index: usize,
    prompt: pb::McpVirtualPrompt,
) -> Result<mcp::VirtualPrompt, Status> {
    let defaults = if prompt.defaults_json.trim().is_empty() {
        Default::default()
    } else {
        serde_json::from_str(&prompt.defaults_json).map_err(|_| {
            invalid(
                &format!("mcp_server.virtual_prompts[{index}].defaults_json"),
                "must be a JSON object of strings (prompt arguments are strings)",
            )
        })?
    };
    Ok(mcp::VirtualPrompt {
        server: prompt.server_id,
        prompt: prompt.prompt,
        name: non_empty(prompt.name),
        description: prompt.description,
        defaults,
    })
}

pub(super) fn virtual_resource_pb(resource: &mcp::VirtualResource) -> pb::McpVirtualResource {
    pb::McpVirtualResource {
        server_id: resource.server.clone(),
        uri: resource.uri.clone(),
        exposed_uri: resource.exposed_uri.clone().unwrap_or_default(),
        name: resource.name.clone().unwrap_or_default(),
        description: resource.description.clone(),
    }
}

pub(super) fn virtual_resource_from(resource: pb::McpVirtualResource) -> mcp::VirtualResource {
    mcp::VirtualResource {
        server: resource.server_id,
        uri: resource.uri,
        exposed_uri: non_empty(resource.exposed_uri),
        name: non_empty(resource.name),
        description: resource.description,
    }
}

pub(super) fn offerings_pb(
    offered: mcp::OfferingsInspection,
) -> pb::ListMcpServerOfferingsResponse {
    pb::ListMcpServerOfferingsResponse {
        prompts: offered
            .prompts
            .into_iter()
            .map(|prompt| pb::McpOfferedPrompt {
                name: prompt.name,
                title: prompt.title.unwrap_or_default(),
                description: prompt.description.unwrap_or_default(),
                arguments: prompt
                    .arguments
                    .into_iter()
                    .map(
                        |(name, description, required)| pb::McpOfferedPromptArgument {
                            name,
                            description: description.unwrap_or_default(),
                            required,
                        },
                    )
                    .collect(),
            })
            .collect(),
        resources: offered
            .resources
            .into_iter()
            .map(|resource| pb::McpOfferedResource {
                uri: resource.uri,
                name: resource.name,
                description: resource.description.unwrap_or_default(),
                mime_type: resource.mime_type.unwrap_or_default(),
                template: resource.template,
            })
            .collect(),
    }
}
