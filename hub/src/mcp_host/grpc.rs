//! The MCP service's gRPC client (`mcp::GrpcUpstreams`) on `grpc2mcp`: upstreams opened, their tools listed and called, a stream's messages passed on.
//!
//! Protobuf is this crate's and `grpc2mcp`'s alone; `mcp` sees tools as JSON Schemas and calls
//! as JSON. The SSRF policy is enforced inside `grpc2mcp`'s connector, so every upstream opened
//! here is guarded.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::{Map, Value};

/// Opens gRPC upstreams with `grpc2mcp`; holds nothing, each upstream owns its channel.
#[derive(Debug, Clone, Copy, Default)]
pub struct GrpcClient;

impl mcp::GrpcUpstreams for GrpcClient {
    fn open(
        &self,
        server_id: &str,
        source: &mcp::GrpcSource,
        timeout: Duration,
    ) -> Result<Arc<dyn mcp::GrpcUpstream>, String> {
        let service = grpc2mcp::Service::new(server_id, &upstream_source(source), timeout)
            .map_err(|error| error.to_string())?;
        Ok(Arc::new(GrpcService(service)))
    }
}

/// A definition's gRPC source in `grpc2mcp`'s terms.
pub fn upstream_source(source: &mcp::GrpcSource) -> grpc2mcp::Source {
    grpc2mcp::Source {
        url: source.url.clone(),
        metadata: source.metadata.clone(),
        descriptor_set: source.descriptor_set.clone(),
        allow_private_network: source.allow_private_network,
    }
}

struct GrpcService(grpc2mcp::Service);

#[async_trait]
impl mcp::GrpcUpstream for GrpcService {
    async fn list_tools(&self) -> Result<Vec<mcp::GrpcTool>, String> {
        let tools = self.0.tools().await.map_err(|error| error.to_string())?;
        Ok(tools
            .into_iter()
            .map(|tool| mcp::GrpcTool {
                name: tool.name,
                description: tool.description,
                input_schema: tool.input_schema,
                output_schema: tool.output_schema,
            })
            .collect())
    }

    async fn call_tool(
        &self,
        tool: &str,
        arguments: Map<String, Value>,
        messages: &dyn mcp::GrpcMessages,
    ) -> Result<Value, mcp::GrpcCallError> {
        self.0
            .call(tool, arguments, &PassOn(messages))
            .await
            .map_err(|error| match error {
                grpc2mcp::CallError::UnknownTool(name) => mcp::GrpcCallError::UnknownTool(name),
                grpc2mcp::CallError::Descriptors(error) => {
                    mcp::GrpcCallError::Unavailable(error.to_string())
                }
                error @ (grpc2mcp::CallError::InvalidArguments(_)
                | grpc2mcp::CallError::Upstream(_)) => {
                    mcp::GrpcCallError::Failed(error.to_string())
                }
            })
    }
}

/// A stream's messages handed on to the MCP service as they arrive.
struct PassOn<'call>(&'call dyn mcp::GrpcMessages);

#[async_trait]
impl grpc2mcp::MessageSink for PassOn<'_> {
    async fn message(&self, count: usize, json: String) {
        self.0.message(count, json).await;
    }
}
