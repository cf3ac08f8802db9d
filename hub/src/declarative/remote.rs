//! Client side of `aiproxy apply` / `aiproxy export`: send a document to a running server's
//! `ConfigService` with the admin key.

use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::transport::Endpoint;

use crate::grpc::pb::config_service_client::ConfigServiceClient;
use crate::grpc::pb::{ApplyRequest, ExportRequest};

#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("bad server url {0:?}")]
    Url(String),
    #[error("admin key is not a valid header value")]
    Key,
    #[error("cannot connect to {server}: {source}")]
    Connect {
        server: String,
        source: tonic::transport::Error,
    },
    #[error("server refused: {}: {}", .0.code(), .0.message())]
    Rpc(#[from] tonic::Status),
}

/// Applies `document_text` on the server and returns its printed report.
pub async fn apply_remote(
    server: &str,
    admin_key: &str,
    document_text: String,
) -> Result<String, RemoteError> {
    let mut client = client(server, admin_key).await?;
    let response = client
        .apply(ApplyRequest {
            document: document_text,
        })
        .await?
        .into_inner();
    Ok(response.report)
}

/// The server's configuration as YAML, secrets masked.
pub async fn export_remote(server: &str, admin_key: &str) -> Result<String, RemoteError> {
    let mut client = client(server, admin_key).await?;
    Ok(client.export(ExportRequest {}).await?.into_inner().document)
}

type AuthedClient = ConfigServiceClient<
    tonic::service::interceptor::InterceptedService<tonic::transport::Channel, BearerAuth>,
>;

/// Adds `authorization: Bearer <key>` to every call.
#[derive(Clone)]
struct BearerAuth {
    value: MetadataValue<Ascii>,
}

impl Interceptor for BearerAuth {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        request
            .metadata_mut()
            .insert("authorization", self.value.clone());
        Ok(request)
    }
}

async fn client(server: &str, admin_key: &str) -> Result<AuthedClient, RemoteError> {
    let endpoint = Endpoint::from_shared(server.to_owned())
        .map_err(|_| RemoteError::Url(server.to_owned()))?;
    let channel = endpoint
        .connect()
        .await
        .map_err(|source| RemoteError::Connect {
            server: server.to_owned(),
            source,
        })?;
    let value: MetadataValue<Ascii> = format!("Bearer {admin_key}")
        .parse()
        .map_err(|_| RemoteError::Key)?;
    Ok(
        ConfigServiceClient::with_interceptor(channel, BearerAuth { value })
            .max_decoding_message_size(crate::grpc::MAX_MESSAGE_BYTES)
            .max_encoding_message_size(crate::grpc::MAX_MESSAGE_BYTES),
    )
}
