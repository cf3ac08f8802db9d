//! OpenAPI-backed servers: `openapi2mcp` turns the document into tools and tool calls into guarded HTTP requests; this file adapts both to rmcp.

use std::sync::Arc;

use async_trait::async_trait;
use openapi2mcp::{
    Api, CallConfig, CallError, ConvertOptions, Credential, Fault, GuardedClient, OperationFilter,
    SecuritySchemeKind,
};
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock, Tool};
use serde_json::json;

use crate::host::OpenApiSource;
use crate::tool_server::tool_error;
use crate::tool_server::{ToolCall, ToolServer};

/// Why an OpenAPI server could not be built from its definition.
#[derive(Debug, thiserror::Error)]
pub enum OpenApiError {
    /// The document does not convert; the message names the JSON pointer of the bad part.
    #[error("{0}")]
    Convert(#[from] openapi2mcp::ConvertError),
    #[error("no base url: the document names no absolute server and none is configured")]
    NoBaseUrl,
    #[error("invalid base url: {0}")]
    BaseUrl(String),
    #[error("cannot build the http client: {0}")]
    Client(CallError),
}

/// What converting an OpenAPI document gave, for the host to show at upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenApiCheck {
    /// Tools the server will list (after the include and exclude filters).
    pub tools: usize,
    /// What the converter worked around (a `$ref` to nothing, a skipped operation), each
    /// `pointer: message`.
    pub warnings: Vec<String>,
}

/// Converts the document exactly as serving it would and checks the base URL, without
/// starting anything: a host calls this when a document is uploaded, so a bad one is refused
/// with the place it goes wrong instead of failing later on every request.
pub fn check_openapi(source: &OpenApiSource) -> Result<OpenApiCheck, OpenApiError> {
    // Counted per operation: the catalogue limit is the serving host's setting.
    let (api, _) = convert(source, None)?;
    Ok(OpenApiCheck {
        tools: api.tools().len(),
        warnings: api.warnings().iter().map(ToString::to_string).collect(),
    })
}

fn convert(
    source: &OpenApiSource,
    compact_above_bytes: Option<usize>,
) -> Result<(Api, url::Url), OpenApiError> {
    let options = ConvertOptions {
        compact: source.compact,
        compact_above_bytes,
        filter: OperationFilter {
            include_operation_ids: source.include_operations.clone(),
            exclude_operation_ids: source.exclude_operations.clone(),
            ..OperationFilter::default()
        },
        ..ConvertOptions::default()
    };
    let api = Api::from_document(source.document.as_bytes(), &options)?;
    let base_url = match &source.base_url {
        Some(url) => {
            url::Url::parse(url).map_err(|error| OpenApiError::BaseUrl(error.to_string()))?
        }
        None => api
            .servers()
            .iter()
            .find_map(|server| server.resolve(None))
            .ok_or(OpenApiError::NoBaseUrl)?,
    };
    Ok((api, base_url))
}

/// Places each configured secret: on the security scheme of that name, else as a header.
fn place_credentials(api: &Api, source: &OpenApiSource, config: &mut CallConfig) {
    config.extra_headers = source
        .headers
        .iter()
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    for (name, value) in &source.credentials {
        let scheme = api
            .security_schemes()
            .iter()
            .find(|scheme| scheme.name == *name);
        let credential = match scheme.map(|scheme| &scheme.kind) {
            Some(SecuritySchemeKind::ApiKey { .. }) => Credential::ApiKey(value.as_str().into()),
            Some(
                SecuritySchemeKind::HttpBearer
                | SecuritySchemeKind::OAuth2
                | SecuritySchemeKind::OpenIdConnect,
            ) => Credential::Bearer(value.as_str().into()),
            Some(SecuritySchemeKind::HttpBasic) => {
                let (username, password) = value.split_once(':').unwrap_or((value, ""));
                Credential::Basic {
                    username: username.to_owned(),
                    password: password.into(),
                }
            }
            Some(SecuritySchemeKind::MutualTls | SecuritySchemeKind::Unsupported { .. }) | None => {
                let header = name.strip_prefix("header:").unwrap_or(name);
                config
                    .extra_headers
                    .push((header.to_owned(), value.clone()));
                continue;
            }
        };
        config.credentials.insert(name.clone(), credential);
    }
}

pub(crate) struct OpenApiServer {
    api: Api,
    client: GuardedClient,
    config: CallConfig,
    tools: Vec<Tool>,
}

impl OpenApiServer {
    /// `compact_above_bytes`: see [`crate::McpConfig::openapi_compact_above_bytes`].
    pub fn build(
        source: &OpenApiSource,
        compact_above_bytes: Option<usize>,
    ) -> Result<Arc<dyn ToolServer>, OpenApiError> {
        let (api, base_url) = convert(source, compact_above_bytes)?;
        let mut config = CallConfig::new(base_url);
        config.allow_private_network = source.allow_private_network;
        place_credentials(&api, source, &mut config);
        let tools = api.tools().iter().filter_map(to_rmcp_tool).collect();
        let client = GuardedClient::new().map_err(OpenApiError::Client)?;
        Ok(Arc::new(Self {
            api,
            client,
            config,
            tools,
        }))
    }
}

fn to_rmcp_tool(definition: &openapi2mcp::ToolDefinition) -> Option<Tool> {
    let annotations = definition.annotations;
    let mut tool = json!({
        "name": definition.name,
        "inputSchema": definition.input_schema,
        "annotations": {
            "readOnlyHint": annotations.read_only,
            "destructiveHint": annotations.destructive,
            "idempotentHint": annotations.idempotent,
            "openWorldHint": annotations.open_world,
        },
    });
    if let Some(title) = &definition.title {
        tool["title"] = json!(title);
    }
    if let Some(description) = &definition.description {
        tool["description"] = json!(description);
    }
    if let Some(output_schema) = &definition.output_schema {
        tool["outputSchema"] = json!(output_schema);
    }
    serde_json::from_value(tool)
        .inspect_err(
            |error| tracing::warn!(tool = %definition.name, %error, "openapi tool dropped"),
        )
        .ok()
}

#[async_trait]
impl ToolServer for OpenApiServer {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        Ok(self.tools.clone())
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        let arguments = call.arguments.unwrap_or_default();
        let outcome = tokio::select! {
            outcome = self.api.call(&self.client, &call.name, &arguments, &self.config) => outcome,
            () = call.cancel.cancelled() => return Ok(tool_error("cancelled by the client")),
        };
        match outcome {
            Ok(outcome) => {
                let content = vec![ContentBlock::text(outcome.text)];
                let mut result = if outcome.is_error {
                    CallToolResult::error(content)
                } else {
                    CallToolResult::success(content)
                };
                result.structured_content = outcome.structured;
                Ok(CallToolResponse::Complete(result))
            }
            Err(CallError::UnknownTool(name)) => Err(ErrorData::invalid_params(
                format!("unknown tool: {name}"),
                None,
            )),
            // Bad arguments, a refused address or a failing API: the model should read why.
            Err(error) => {
                let whose = match error.fault() {
                    Fault::Caller => "invalid arguments",
                    Fault::Policy => "refused",
                    _ => "upstream api failed",
                };
                Ok(tool_error(format!("{whose}: {error}")))
            }
        }
    }
}
