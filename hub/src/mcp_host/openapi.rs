//! Uploading an OpenAPI document for an MCP server: `spec_url` fetched once under the SSRF guard,
//! the document converted at upload so a bad one is refused with where and why, and nothing stored.

use std::time::Duration;

use crate::store::{McpServer, McpServerKind};

/// Largest document fetched from a `spec_url` (the 623-operation GitHub document is 3 MB).
pub const MAX_SPEC_BYTES: usize = 10 * 1024 * 1024;
const FETCH_TIMEOUT: Duration = Duration::from_secs(30);

/// Why an OpenAPI server was refused at upload; the message is safe to show the admin.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The `spec_url` could not be fetched (refused by the SSRF guard, unreachable, not 2xx).
    #[error("mcp_server.openapi.spec_url: {0}")]
    Fetch(String),
    /// The document does not convert, or no base URL can be chosen; names the JSON pointer.
    #[error("mcp_server.openapi.spec: {0}")]
    Document(String),
}

/// What an accepted upload gave: the tools the server will list and what was worked around.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Uploaded {
    pub tools: usize,
    pub warnings: Vec<String>,
}

/// Prepares an OpenAPI-backed server for storing: fetches `spec_url` into `spec` when `fetch`
/// is set or no document is held yet (an upload or a refresh), then converts the document as
/// serving it would. Other kinds, and a server without an `openapi` section (the store's
/// validation names that), pass untouched with `None`.
pub async fn prepare(server: &mut McpServer, fetch: bool) -> Result<Option<Uploaded>, UploadError> {
    if server.kind != McpServerKind::Openapi {
        return Ok(None);
    }
    let Some(source) = server.openapi.as_mut() else {
        return Ok(None);
    };
    if let Some(spec_url) = source.spec_url.clone()
        && (fetch || source.spec.as_deref().is_none_or(str::is_empty))
    {
        source.spec = Some(fetch_spec(&spec_url, source.allow_private_network).await?);
    }
    let Some(definition) = crate::mcp_host::bridge::openapi_source(server, Default::default())
    else {
        return Ok(None);
    };
    let check = mcp::check_openapi(&definition)
        .map_err(|error| UploadError::Document(error.to_string()))?;
    Ok(Some(Uploaded {
        tools: check.tools,
        warnings: check.warnings,
    }))
}

/// One GET through `openapi2mcp`'s guarded client: private addresses refused unless allowed,
/// every redirect re-checked, the body cut at [`MAX_SPEC_BYTES`].
async fn fetch_spec(spec_url: &str, allow_private_network: bool) -> Result<String, UploadError> {
    let url = url::Url::parse(spec_url)
        .map_err(|error| UploadError::Fetch(format!("not a url: {error}")))?;
    let client =
        openapi2mcp::GuardedClient::new().map_err(|error| UploadError::Fetch(error.to_string()))?;
    let mut config = openapi2mcp::CallConfig::new(url.clone());
    config.allow_private_network = allow_private_network;
    config.max_response_bytes = MAX_SPEC_BYTES;
    config.timeout = FETCH_TIMEOUT;
    let outcome = openapi2mcp::send(&client, openapi2mcp::HttpRequest::get(url), &config)
        .await
        .map_err(|error| UploadError::Fetch(error.to_string()))?;
    if outcome.is_error {
        // The text starts with the status; the body is trimmed and carries no credential of ours.
        return Err(UploadError::Fetch(outcome.text));
    }
    Ok(outcome.text)
}
