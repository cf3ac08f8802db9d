//! One gRPC upstream as tools: where it is ([`Source`]), its catalogue read once, its tools listed and called; [`check`] of a definition without the network.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};
use tokio::sync::OnceCell;

use crate::call::{self, CallError, MessageSink};
use crate::catalogue::Catalogue;
use crate::reflection::{self, ReflectionError};
use crate::transport::{Target, TransportError, Upstream};

/// A gRPC upstream: where it is, how its methods are described, what every call carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Source {
    /// `http://host:port` (HTTP/2 without TLS) or `https://host:port` (TLS, web PKI roots).
    pub url: String,
    /// Sent as metadata with every call and every reflection request; binary (`-bin`) keys and
    /// values that are not ASCII are refused.
    pub metadata: BTreeMap<String, String>,
    /// A `FileDescriptorSet` (protobuf bytes, base64) used instead of server reflection when
    /// set and not blank.
    pub descriptor_set: Option<String>,
    /// Lets connections reach loopback and private addresses (cloud metadata stays refused).
    pub allow_private_network: bool,
}

/// One tool as MCP lists it; serialized with MCP's field names.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolDefinition {
    /// `Service_Method` (see `catalogue.rs`).
    pub name: String,
    /// The method's comment, else `/package.Service/Method`; a server-streaming method's says
    /// how its messages arrive.
    pub description: String,
    /// The request message's JSON Schema; always an object.
    pub input_schema: Map<String, Value>,
    /// The response message's (a stream's: `{"messages": [...], "truncated": ...}`), when an
    /// object.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<Map<String, Value>>,
}

/// One gRPC upstream. Its descriptors are read on first use (reflection is network I/O, and a
/// service is built on the request path) and kept; a failed read is tried again on the next
/// listing or call.
pub struct Service {
    /// Names the service in logs (the host's server id).
    name: String,
    upstream: Upstream,
    descriptor_set: Option<String>,
    catalogue: OnceCell<Arc<Catalogue>>,
}

impl Service {
    /// Needs a tokio runtime: the channel's worker is spawned here (it connects on first use).
    /// `timeout` bounds connecting and each request.
    pub fn new(name: &str, source: &Source, timeout: Duration) -> Result<Service, TransportError> {
        Ok(Service {
            name: name.to_owned(),
            upstream: Upstream::new(source, timeout)?,
            descriptor_set: source
                .descriptor_set
                .clone()
                .filter(|set| !set.trim().is_empty()),
            catalogue: OnceCell::new(),
        })
    }

    /// The tools in listing order.
    pub async fn tools(&self) -> Result<Vec<ToolDefinition>, ReflectionError> {
        Ok(self.catalogue().await?.tools.clone())
    }

    /// Calls the method behind `tool`: `arguments` are its request in proto3 JSON; `Ok` is the
    /// response as JSON, or a stream's messages as `{"messages": [...], "truncated": bool}`,
    /// each also handed to `sink` as it arrives. Dropping the future cancels the call upstream.
    pub async fn call(
        &self,
        tool: &str,
        arguments: Map<String, Value>,
        sink: &dyn MessageSink,
    ) -> Result<Value, CallError> {
        let catalogue = self.catalogue().await.map_err(CallError::Descriptors)?;
        let Some(method) = catalogue.methods.get(tool) else {
            return Err(CallError::UnknownTool(tool.to_owned()));
        };
        call::call_method(&self.upstream, method, arguments, sink).await
    }

    async fn catalogue(&self) -> Result<Arc<Catalogue>, ReflectionError> {
        self.catalogue
            .get_or_try_init(|| async {
                let descriptors = match &self.descriptor_set {
                    Some(set) => reflection::from_descriptor_set(set),
                    None => reflection::reflect(&self.upstream).await,
                }?;
                let catalogue = Catalogue::new(&descriptors);
                if !catalogue.skipped.is_empty() {
                    tracing::info!(
                        server = %self.name,
                        methods = ?catalogue.skipped,
                        "grpc methods skipped: client and bidirectional streaming have no tool form"
                    );
                }
                Ok::<_, ReflectionError>(Arc::new(catalogue))
            })
            .await
            .cloned()
    }
}

/// What is wrong with a gRPC upstream's definition, by the part of it that is wrong.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
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
pub fn check(source: &Source) -> Result<Option<usize>, CheckError> {
    Target::parse(source).map_err(|error| match error {
        TransportError::Metadata(_) => CheckError::Metadata(error.to_string()),
        TransportError::Url(_) | TransportError::Tls(_) => CheckError::Url(error.to_string()),
    })?;
    let Some(set) = source
        .descriptor_set
        .as_deref()
        .filter(|set| !set.trim().is_empty())
    else {
        return Ok(None);
    };
    let descriptors = reflection::from_descriptor_set(set)
        .map_err(|error| CheckError::DescriptorSet(error.to_string()))?;
    if descriptors.services.is_empty() {
        return Err(CheckError::DescriptorSet(
            "the descriptor set defines no service".into(),
        ));
    }
    Ok(Some(Catalogue::new(&descriptors).tools.len()))
}
