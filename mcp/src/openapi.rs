//! OpenAPI-backed servers: `openapi2mcp` turns the document into tools and tool calls into guarded HTTP requests; this file adapts both to rmcp.

use std::sync::Arc;

use async_trait::async_trait;
use openapi2mcp::{Api, CallConfig, CallError, Caller, ConvertOptions, Fault};
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock, Tool};
use serde_json::json;

use crate::backend::{ToolBackend, ToolCall};
use crate::directory::OpenApiSource;
use crate::handler::tool_error;

/// Why an OpenAPI server could not be built from its definition.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OpenApiError {
    #[error("the document does not convert: {0}")]
    Convert(#[from] openapi2mcp::ConvertError),
    #[error("no base url: the document names no absolute server and none is configured")]
    NoBaseUrl,
    #[error("invalid base url: {0}")]
    BaseUrl(String),
    #[error("cannot build the http client: {0}")]
    Client(CallError),
}

pub(crate) struct OpenApiBackend {
    api: Api,
    caller: Caller,
    config: CallConfig,
    tools: Vec<Tool>,
}

impl OpenApiBackend {
    pub fn build(source: &OpenApiSource) -> Result<Arc<dyn ToolBackend>, OpenApiError> {
        let options = ConvertOptions {
            compact: source.compact,
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
        let mut config = CallConfig::new(base_url);
        config.allow_private_network = source.allow_private_network;
        config.extra_headers = source
            .headers
            .iter()
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        let tools = api.tools().iter().filter_map(to_rmcp_tool).collect();
        let caller = Caller::new().map_err(OpenApiError::Client)?;
        Ok(Arc::new(Self {
            api,
            caller,
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
impl ToolBackend for OpenApiBackend {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        Ok(self.tools.clone())
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        let arguments = call.arguments.unwrap_or_default();
        let outcome = tokio::select! {
            outcome = self.api.call(&self.caller, &call.name, &arguments, &self.config) => outcome,
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
