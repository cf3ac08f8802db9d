//! The HTTP/2 channel to a gRPC upstream: h2c or TLS, connections through the SSRF policy, metadata and deadlines on each request.

use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use bytes::Bytes;
use http::Uri;
use http::uri::PathAndQuery;
use hyper_util::rt::TokioIo;
use openapi2mcp::{BlockedAddress, blocked_reason};
use tokio::net::TcpStream;
use tonic::client::Grpc;
use tonic::metadata::{AsciiMetadataKey, AsciiMetadataValue};
use tonic::transport::{Channel, ClientTlsConfig, Endpoint};
use tonic::{Request, Status, Streaming};

use crate::codec::BytesCodec;
use crate::service::Source;

/// Why a channel could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("invalid grpc url: {0}")]
    Url(String),
    #[error(
        "invalid metadata {0}: names and values must be ascii (binary `-bin` keys are not supported)"
    )]
    Metadata(String),
    #[error("cannot set up tls: {0}")]
    Tls(String),
}

/// One upstream's channel (connected lazily, reconnected by tonic) and what every request carries.
#[derive(Clone)]
pub(crate) struct Upstream {
    channel: Channel,
    metadata: Vec<(AsciiMetadataKey, AsciiMetadataValue)>,
    timeout: Duration,
}

impl Upstream {
    /// Needs a tokio runtime: the channel's worker is spawned here (it connects on first use).
    pub fn new(source: &Source, timeout: Duration) -> Result<Upstream, TransportError> {
        let target = Target::parse(source)?;
        let mut endpoint = Endpoint::from(target.uri)
            .connect_timeout(timeout)
            .timeout(timeout)
            .tcp_nodelay(true);
        if target.tls {
            endpoint = endpoint
                .tls_config(ClientTlsConfig::new().with_webpki_roots())
                .map_err(|error| TransportError::Tls(error.to_string()))?;
        }
        let allow_private_network = source.allow_private_network;
        let connector =
            tower::service_fn(move |uri: Uri| connect_guarded(uri, allow_private_network));
        Ok(Upstream {
            channel: endpoint.connect_with_connector_lazy(connector),
            metadata: target.metadata,
            timeout,
        })
    }

    /// `path` is `/package.Service/Method`.
    pub async fn unary(&self, path: &str, body: Bytes) -> Result<Bytes, Status> {
        let path = method_path(path)?;
        let mut grpc = self.ready().await?;
        let response = grpc.unary(self.request(body), path, BytesCodec).await?;
        Ok(response.into_inner())
    }

    pub async fn server_streaming(
        &self,
        path: &str,
        body: Bytes,
    ) -> Result<Streaming<Bytes>, Status> {
        let path = method_path(path)?;
        let mut grpc = self.ready().await?;
        let response = grpc
            .server_streaming(self.request(body), path, BytesCodec)
            .await?;
        Ok(response.into_inner())
    }

    /// A bidirectional call whose requests are all known up front (server reflection).
    pub async fn streaming(
        &self,
        path: &str,
        bodies: Vec<Bytes>,
    ) -> Result<Streaming<Bytes>, Status> {
        let path = method_path(path)?;
        let mut grpc = self.ready().await?;
        let mut request = Request::new(tokio_stream::iter(bodies));
        self.decorate(&mut request);
        let response = grpc.streaming(request, path, BytesCodec).await?;
        Ok(response.into_inner())
    }

    fn request(&self, body: Bytes) -> Request<Bytes> {
        let mut request = Request::new(body);
        self.decorate(&mut request);
        request
    }

    fn decorate<T>(&self, request: &mut Request<T>) {
        for (key, value) in &self.metadata {
            request.metadata_mut().insert(key.clone(), value.clone());
        }
        request.set_timeout(self.timeout);
    }

    async fn ready(&self) -> Result<Grpc<Channel>, Status> {
        let mut grpc = Grpc::new(self.channel.clone());
        grpc.ready().await.map_err(|error| {
            Status::unavailable(format!("upstream unreachable: {}", error_chain(&error)))
        })?;
        Ok(grpc)
    }
}

/// A source's URL and metadata, checked.
pub(crate) struct Target {
    uri: Uri,
    tls: bool,
    metadata: Vec<(AsciiMetadataKey, AsciiMetadataValue)>,
}

impl Target {
    pub fn parse(source: &Source) -> Result<Target, TransportError> {
        let uri =
            Uri::from_str(&source.url).map_err(|error| TransportError::Url(error.to_string()))?;
        let tls = match uri.scheme_str() {
            Some("http") => false,
            Some("https") => true,
            _ => {
                return Err(TransportError::Url(
                    "the scheme must be http or https".into(),
                ));
            }
        };
        if uri.host().is_none_or(str::is_empty) {
            return Err(TransportError::Url("no host".into()));
        }
        let metadata = source
            .metadata
            .iter()
            .map(|(name, value)| {
                let key = AsciiMetadataKey::from_str(&name.to_ascii_lowercase())
                    .map_err(|_| TransportError::Metadata(name.clone()))?;
                if key.as_str().ends_with("-bin") {
                    return Err(TransportError::Metadata(name.clone()));
                }
                let value = AsciiMetadataValue::try_from(value.as_str())
                    .map_err(|_| TransportError::Metadata(name.clone()))?;
                Ok((key, value))
            })
            .collect::<Result<_, TransportError>>()?;
        Ok(Target { uri, tls, metadata })
    }
}

fn method_path(path: &str) -> Result<PathAndQuery, Status> {
    PathAndQuery::from_str(path)
        .map_err(|_| Status::internal(format!("invalid method path {path}")))
}

/// Resolves the host, refuses it when any of its addresses is refused (a name that mixes public
/// and private addresses is a rebinding attempt), then connects to the checked addresses only.
async fn connect_guarded(
    uri: Uri,
    allow_private_network: bool,
) -> Result<TokioIo<TcpStream>, Box<dyn std::error::Error + Send + Sync>> {
    let host = uri.host().unwrap_or_default();
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = uri
        .port_u16()
        .unwrap_or(if uri.scheme_str() == Some("https") {
            443
        } else {
            80
        });
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await?
        .collect();
    for address in &addresses {
        if let Some(reason) = blocked_reason(address.ip(), allow_private_network) {
            return Err(Box::new(BlockedAddress { host, reason }));
        }
    }
    let stream = TcpStream::connect(addresses.as_slice()).await?;
    stream.set_nodelay(true)?;
    Ok(TokioIo::new(stream))
}

/// An error and its sources on one line: tonic wraps the connector's error (a refused address)
/// in transport errors whose own message says little.
pub(crate) fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
