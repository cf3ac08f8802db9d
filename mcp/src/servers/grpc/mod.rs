//! gRPC servers: an upstream's unary and server-streaming methods as tools, called over HTTP/2 with the group's metadata.
//!
//! The methods are described through server reflection or an uploaded descriptor set.
//!
//! `reflection.rs` reads the descriptors, `catalogue.rs` names the tools and `schema.rs` gives
//! their JSON Schemas, `call.rs` turns a call into a request and the answer into a result,
//! `transport.rs` owns the channel (SSRF policy, TLS, metadata, deadlines).

mod call;
mod catalogue;
mod codec;
mod comments;
mod reflection;
mod schema;
mod transport;

#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use rmcp::ErrorData;
use rmcp::model::{CallToolResponse, Tool};
use tokio::sync::OnceCell;

use crate::host::GrpcSource;
use crate::tool_server::{ToolCall, ToolServer};
use catalogue::Catalogue;
use transport::Upstream;

use transport::TransportError;

/// One gRPC upstream. Its descriptors are read on first use (reflection is network I/O, and a
/// server is built on the request path) and kept while the definition is unchanged; a failed
/// read is tried again on the next request.
pub(crate) struct GrpcServer {
    server_id: String,
    upstream: Upstream,
    descriptor_set: Option<String>,
    catalogue: OnceCell<Arc<Catalogue>>,
}

impl GrpcServer {
    pub fn build(
        server_id: &str,
        source: &GrpcSource,
        timeout: Duration,
    ) -> Result<Arc<dyn ToolServer>, TransportError> {
        Ok(Arc::new(GrpcServer {
            server_id: server_id.to_owned(),
            upstream: Upstream::new(source, timeout)?,
            descriptor_set: source
                .descriptor_set
                .clone()
                .filter(|set| !set.trim().is_empty()),
            catalogue: OnceCell::new(),
        }))
    }

    async fn catalogue(&self) -> Result<Arc<Catalogue>, ErrorData> {
        self.catalogue
            .get_or_try_init(|| async {
                let descriptors = match &self.descriptor_set {
                    Some(set) => reflection::from_descriptor_set(set),
                    None => reflection::reflect(&self.upstream).await,
                }
                .map_err(|error| {
                    ErrorData::internal_error(
                        format!("grpc server {}: {error}", self.server_id),
                        None,
                    )
                })?;
                let catalogue = Catalogue::new(&descriptors);
                if !catalogue.skipped.is_empty() {
                    tracing::info!(
                        server = %self.server_id,
                        methods = ?catalogue.skipped,
                        "grpc methods skipped: client and bidirectional streaming have no tool form"
                    );
                }
                Ok::<_, ErrorData>(Arc::new(catalogue))
            })
            .await
            .cloned()
    }
}

#[async_trait]
impl ToolServer for GrpcServer {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        Ok(self.catalogue().await?.tools.clone())
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        let catalogue = self.catalogue().await?;
        let Some(method) = catalogue.methods.get(&call.name) else {
            return Err(ErrorData::invalid_params(
                format!("unknown tool: {}", call.name),
                None,
            ));
        };
        Ok(call::call_method(&self.upstream, method, call).await)
    }
}

/// What is wrong with a gRPC server's definition, by the part of it that is wrong.
#[derive(Debug, thiserror::Error)]
pub enum GrpcCheckError {
    #[error("{0}")]
    Url(String),
    #[error("{0}")]
    Metadata(String),
    #[error("{0}")]
    DescriptorSet(String),
}

/// Checks what an admin wrote without reaching the upstream: the URL, the metadata and, when
/// given, that the descriptor set decodes and defines at least one service. Returns the number
/// of tools the descriptor set gives (`None` when the tools come from reflection).
pub fn check_grpc(source: &GrpcSource) -> Result<Option<usize>, GrpcCheckError> {
    transport::Target::parse(source).map_err(|error| match error {
        TransportError::Metadata(_) => GrpcCheckError::Metadata(error.to_string()),
        TransportError::Url(_) | TransportError::Tls(_) => GrpcCheckError::Url(error.to_string()),
    })?;
    let Some(set) = source
        .descriptor_set
        .as_deref()
        .filter(|set| !set.trim().is_empty())
    else {
        return Ok(None);
    };
    let descriptors = reflection::from_descriptor_set(set)
        .map_err(|error| GrpcCheckError::DescriptorSet(error.to_string()))?;
    if descriptors.services.is_empty() {
        return Err(GrpcCheckError::DescriptorSet(
            "the descriptor set defines no service".into(),
        ));
    }
    Ok(Some(Catalogue::new(&descriptors).tools.len()))
}
