//! One server seen from outside a session, for the host's control plane: a fresh tool server for a definition, connected where remote, and its tools.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::config::McpConfig;
use crate::host::ServerDefinition;
use crate::servers::LiveServers;

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

/// Builds `definition` afresh (no cached instance, so a test really connects), lists its tools
/// and drops it again. A proxy connects, initializes and lists within `config.upstream_timeout`.
/// The error is a sentence for an admin: why the server cannot start or answer.
pub async fn inspect_server(
    config: &McpConfig,
    definition: &ServerDefinition,
) -> Result<ServerInspection, String> {
    let started = Instant::now();
    let server = LiveServers::new(config.clone(), None)
        .build(definition, "")
        .map_err(|error| error.message.to_string())?;
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
