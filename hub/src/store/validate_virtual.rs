//! Validation of a virtual server's composed prompts and resources: sources named, exposed names and URIs distinct, templates renamable.
//!
//! Whether the sources exist, are not virtual and may be used by the server's callers is the
//! store's check, in the transaction (`mcp.rs`), as for composed tools.

use std::collections::BTreeSet;

use mcp::uri_template;

use super::StoreError;
use super::types::McpServer;
use super::validate::{MAX_TOOL_DESCRIPTION_BYTES, invalid, mcp_tool_name, path_id};

/// The most prompts, and the most resources, one virtual server composes.
const MAX_VIRTUAL_ITEMS: usize = 1000;
/// The longest URI (or template) a virtual server names, and the longest fixed argument value.
const MAX_URI_BYTES: usize = 2048;
const MAX_DEFAULT_BYTES: usize = 16 * 1024;

/// Prompts and resources of a virtual server; refused on any other type.
pub fn virtual_offerings(server: &McpServer) -> Result<(), StoreError> {
    if server.kind != super::types::McpServerKind::Virtual {
        for (field, empty) in [
            (
                "mcp_server.virtual_prompts",
                server.virtual_prompts.is_empty(),
            ),
            (
                "mcp_server.virtual_resources",
                server.virtual_resources.is_empty(),
            ),
        ] {
            if !empty {
                return Err(invalid(
                    field,
                    "only a server of type virtual composes them",
                ));
            }
        }
        return Ok(());
    }
    virtual_prompts(&server.virtual_prompts)?;
    virtual_resources(&server.virtual_resources)
}

fn virtual_prompts(prompts: &[mcp::VirtualPrompt]) -> Result<(), StoreError> {
    if prompts.len() > MAX_VIRTUAL_ITEMS {
        return Err(invalid(
            "mcp_server.virtual_prompts",
            format!("at most {MAX_VIRTUAL_ITEMS} prompts"),
        ));
    }
    let mut exposed = BTreeSet::new();
    for (index, prompt) in prompts.iter().enumerate() {
        let field = |name: &str| format!("mcp_server.virtual_prompts[{index}].{name}");
        path_id(&field("server"), &prompt.server)?;
        if prompt.prompt.is_empty() {
            return Err(invalid(field("prompt"), "must be set"));
        }
        mcp_tool_name(&field("name"), prompt.exposed_name())?;
        if !exposed.insert(prompt.exposed_name()) {
            return Err(invalid(
                field("name"),
                format!("{:?} is exposed twice", prompt.exposed_name()),
            ));
        }
        description(&field("description"), prompt.description.as_deref())?;
        for (name, value) in &prompt.defaults {
            if name.is_empty() {
                return Err(invalid(
                    field("defaults"),
                    "argument names must not be empty",
                ));
            }
            if value.len() > MAX_DEFAULT_BYTES {
                return Err(invalid(
                    field("defaults"),
                    format!("{name}: at most {MAX_DEFAULT_BYTES} bytes"),
                ));
            }
        }
    }
    Ok(())
}

fn virtual_resources(resources: &[mcp::VirtualResource]) -> Result<(), StoreError> {
    if resources.len() > MAX_VIRTUAL_ITEMS {
        return Err(invalid(
            "mcp_server.virtual_resources",
            format!("at most {MAX_VIRTUAL_ITEMS} resources"),
        ));
    }
    let mut exposed = BTreeSet::new();
    for (index, resource) in resources.iter().enumerate() {
        let field = |name: &str| format!("mcp_server.virtual_resources[{index}].{name}");
        path_id(&field("server"), &resource.server)?;
        uri(&field("uri"), &resource.uri)?;
        uri(&field("exposed_uri"), resource.exposed())?;
        if uri_template::is_template(&resource.uri) || uri_template::is_template(resource.exposed())
        {
            let source = uri_template::expressions(&resource.uri)
                .map_err(|reason| invalid(field("uri"), reason))?;
            let shown = uri_template::expressions(resource.exposed())
                .map_err(|reason| invalid(field("exposed_uri"), reason))?;
            if source != shown {
                return Err(invalid(
                    field("exposed_uri"),
                    format!(
                        "must have the same {{expressions}} as the source template {:?}",
                        resource.uri
                    ),
                ));
            }
        }
        if !exposed.insert(resource.exposed()) {
            return Err(invalid(
                field("exposed_uri"),
                format!("{:?} is exposed twice", resource.exposed()),
            ));
        }
        if let Some(name) = &resource.name
            && (name.is_empty() || name.len() > MAX_URI_BYTES)
        {
            return Err(invalid(
                field("name"),
                format!("1 to {MAX_URI_BYTES} bytes when set"),
            ));
        }
        description(&field("description"), resource.description.as_deref())?;
    }
    Ok(())
}

/// A URI or template: bounded, with a scheme, no whitespace or control characters.
fn uri(field: &str, value: &str) -> Result<(), StoreError> {
    let has_scheme = value.split_once(':').is_some_and(|(scheme, _)| {
        scheme
            .chars()
            .next()
            .is_some_and(|first| first.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if !has_scheme
        || value.len() > MAX_URI_BYTES
        || value.chars().any(|c| c.is_control() || c == ' ')
    {
        return Err(invalid(
            field,
            format!(
                "{value:?} is not a URI (scheme:..., at most {MAX_URI_BYTES} bytes, no spaces)"
            ),
        ));
    }
    Ok(())
}

fn description(field: &str, description: Option<&str>) -> Result<(), StoreError> {
    if description.is_some_and(|description| description.len() > MAX_TOOL_DESCRIPTION_BYTES) {
        return Err(invalid(
            field,
            format!("at most {MAX_TOOL_DESCRIPTION_BYTES} bytes"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::types::{McpScope, McpServerKind};

    fn check(resource: mcp::VirtualResource) -> Result<(), String> {
        let mut server = McpServer::new("box", McpScope::Public, McpServerKind::Virtual);
        server.virtual_resources = vec![resource];
        virtual_offerings(&server).map_err(|error| error.to_string())
    }

    #[test]
    fn renamed_templates_keep_their_expressions() {
        let resource = |uri: &str, exposed: Option<&str>| mcp::VirtualResource {
            server: "src".into(),
            uri: uri.into(),
            exposed_uri: exposed.map(str::to_owned),
            ..Default::default()
        };
        assert_eq!(
            check(resource("cal://{date}", Some("box://day/{date}"))),
            Ok(())
        );
        assert_eq!(check(resource("cal://static", None)), Ok(()));
        for (bad, expected) in [
            (
                resource("cal://{date}", Some("box://day/{day}")),
                "same {expressions}",
            ),
            (
                resource("cal://{date}", Some("box://day")),
                "same {expressions}",
            ),
            (resource("cal://{a}{b}", None), "side by side"),
            (resource("no scheme", None), "not a URI"),
        ] {
            let refused = check(bad).unwrap_err();
            assert!(refused.contains(expected), "{refused}");
        }
    }
}
