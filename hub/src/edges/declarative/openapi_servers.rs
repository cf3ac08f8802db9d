//! OpenAPI-backed MCP servers in a document, checked before the apply's transaction: `spec_url`
//! fetched once under the SSRF guard and held as `spec`, every document converted as the upload
//! does, so a bad one fails the whole apply with the server and the JSON pointer, and nothing is
//! written.

use super::{ApplyError, Document};
use crate::store::McpServerKind;

/// Returns the document with every `spec_url` fetched into `spec`, or `None` when no server
/// needed fetching (the document is applied as it is). Conversion warnings (a `$ref` to
/// nothing) are logged; they do not fail the apply.
///
/// Runs outside the transaction on purpose: a fetch may take up to its timeout, and the
/// database's write lock must not wait for a remote server.
pub(super) async fn prepare(document: &Document) -> Result<Option<Document>, ApplyError> {
    let mut fetched: Option<Document> = None;
    for (idx, spec) in document.mcp_servers.iter().enumerate() {
        if spec.kind != Some(McpServerKind::Openapi) || spec.openapi.is_none() {
            continue;
        }
        // An entry the store would refuse is reported by the apply itself, with its path.
        let Ok(mut server) = spec.to_mcp_server(None) else {
            continue;
        };
        let uploaded = crate::mcp_host::openapi::prepare(&mut server, true)
            .await
            .map_err(|source| ApplyError::OpenApi {
                path: format!("mcp_servers[{idx}]"),
                id: spec.id.clone(),
                source,
            })?;
        if let Some(uploaded) = uploaded {
            for warning in &uploaded.warnings {
                tracing::warn!(mcp_server = %spec.id, %warning, "openapi document converted with a warning");
            }
            tracing::info!(mcp_server = %spec.id, tools = uploaded.tools, "openapi document checked");
        }
        let fetched_spec = server
            .openapi
            .and_then(|source| source.spec_url.is_some().then_some(source.spec))
            .flatten();
        if let Some(fetched_spec) = fetched_spec {
            let document = fetched.get_or_insert_with(|| document.clone());
            if let Some(source) = document.mcp_servers[idx].openapi.as_mut() {
                source.spec = Some(fetched_spec);
            }
        }
    }
    Ok(fetched)
}
