//! Reads an upstream's services and their descriptors through gRPC server reflection (v1, else v1alpha), or from an uploaded `FileDescriptorSet`.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;
use bytes::Bytes;
use prost::Message as _;
use prost_reflect::DescriptorPool;
use prost_types::FileDescriptorProto;
use tokio_stream::StreamExt as _;
use tonic::Code;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
use tonic_reflection::pb::v1::{ServerReflectionRequest, ServerReflectionResponse};

use crate::transport::Upstream;

/// Both versions share their messages' wire format; only the method path differs.
const REFLECTION_PATHS: [&str; 2] = [
    "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
];

/// Bounds what one upstream may make the gateway read.
const MAX_FILES: usize = 512;
const MAX_ROUNDS: usize = 16;

/// Services are named by their full names; reflection's own are left out.
pub(crate) struct Descriptors {
    pub pool: DescriptorPool,
    pub services: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReflectionError {
    #[error("server reflection failed: {0}")]
    Status(String),
    #[error("the upstream serves neither grpc.reflection.v1 nor v1alpha; upload a descriptor set")]
    Unimplemented,
    #[error("server reflection answered out of protocol: {0}")]
    Protocol(String),
    #[error("invalid descriptor set: {0}")]
    Descriptor(String),
}

/// An uploaded `FileDescriptorSet`, base64 (standard alphabet) or raw protobuf bytes as text.
pub(crate) fn from_descriptor_set(encoded: &str) -> Result<Descriptors, ReflectionError> {
    let compact: String = encoded.split_whitespace().collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|error| ReflectionError::Descriptor(format!("not base64: {error}")))?;
    let set = prost_types::FileDescriptorSet::decode(bytes.as_slice())
        .map_err(|error| ReflectionError::Descriptor(error.to_string()))?;
    let files: BTreeMap<String, FileDescriptorProto> = set
        .file
        .into_iter()
        .map(|file| (file.name().to_owned(), file))
        .collect();
    let pool = build_pool(files)?;
    let services = pool
        .services()
        .map(|service| service.full_name().to_owned())
        .filter(|name| !is_reflection_service(name))
        .collect();
    Ok(Descriptors { pool, services })
}

/// Lists the upstream's services and reads the files that define them and their imports.
pub(crate) async fn reflect(upstream: &Upstream) -> Result<Descriptors, ReflectionError> {
    let mut last_error = ReflectionError::Unimplemented;
    for path in REFLECTION_PATHS {
        match reflect_on(upstream, path).await {
            Err(ReflectionError::Unimplemented) => continue,
            Err(error) => {
                last_error = error;
                break;
            }
            Ok(descriptors) => return Ok(descriptors),
        }
    }
    Err(last_error)
}

async fn reflect_on(upstream: &Upstream, path: &str) -> Result<Descriptors, ReflectionError> {
    let listing = exchange(
        upstream,
        path,
        vec![MessageRequest::ListServices(String::new())],
    )
    .await?;
    let mut services = Vec::new();
    for response in listing {
        match response {
            MessageResponse::ListServicesResponse(list) => services.extend(
                list.service
                    .into_iter()
                    .map(|service| service.name)
                    .filter(|name| !is_reflection_service(name)),
            ),
            other => return Err(unexpected(other)),
        }
    }
    services.sort();
    services.dedup();

    let mut files: BTreeMap<String, FileDescriptorProto> = BTreeMap::new();
    let mut requests: Vec<MessageRequest> = services
        .iter()
        .map(|service| MessageRequest::FileContainingSymbol(service.clone()))
        .collect();
    let mut asked: BTreeSet<String> = BTreeSet::new();
    for _ in 0..MAX_ROUNDS {
        if requests.is_empty() {
            break;
        }
        for response in exchange(upstream, path, std::mem::take(&mut requests)).await? {
            match response {
                MessageResponse::FileDescriptorResponse(found) => {
                    for bytes in found.file_descriptor_proto {
                        let file = FileDescriptorProto::decode(bytes.as_slice())
                            .map_err(|error| ReflectionError::Descriptor(error.to_string()))?;
                        files.entry(file.name().to_owned()).or_insert(file);
                    }
                }
                // A dependency the server does not know (a well-known type it leaves out):
                // taken from the built-in ones when the pool is built, else reported there.
                MessageResponse::ErrorResponse(_) => {}
                other => return Err(unexpected(other)),
            }
        }
        if files.len() > MAX_FILES {
            return Err(ReflectionError::Protocol(format!(
                "more than {MAX_FILES} descriptor files"
            )));
        }
        for file in files.values() {
            for dependency in &file.dependency {
                if !files.contains_key(dependency) && asked.insert(dependency.clone()) {
                    requests.push(MessageRequest::FileByFilename(dependency.clone()));
                }
            }
        }
    }
    let pool = build_pool(files)?;
    // A listed service the files do not define is left out (a server listing what it cannot
    // describe); the others still serve.
    services.retain(|name| pool.get_service_by_name(name).is_some());
    Ok(Descriptors { pool, services })
}

/// Sends `requests` on one reflection stream and reads one answer per request.
async fn exchange(
    upstream: &Upstream,
    path: &str,
    requests: Vec<MessageRequest>,
) -> Result<Vec<MessageResponse>, ReflectionError> {
    let expected = requests.len();
    let bodies = requests
        .into_iter()
        .map(|message_request| {
            Bytes::from(
                ServerReflectionRequest {
                    host: String::new(),
                    message_request: Some(message_request),
                }
                .encode_to_vec(),
            )
        })
        .collect();
    let mut stream = upstream
        .streaming(path, bodies)
        .await
        .map_err(status_error)?;
    let mut responses = Vec::with_capacity(expected);
    while responses.len() < expected {
        let Some(body) = stream.next().await else {
            return Err(ReflectionError::Protocol(format!(
                "{} answers to {expected} requests",
                responses.len()
            )));
        };
        let body = body.map_err(status_error)?;
        let response = ServerReflectionResponse::decode(body)
            .map_err(|error| ReflectionError::Protocol(error.to_string()))?;
        let message = response
            .message_response
            .ok_or_else(|| ReflectionError::Protocol("an empty answer".into()))?;
        responses.push(message);
    }
    Ok(responses)
}

fn status_error(status: tonic::Status) -> ReflectionError {
    if status.code() == Code::Unimplemented {
        ReflectionError::Unimplemented
    } else {
        ReflectionError::Status(format!("{:?}: {}", status.code(), status.message()))
    }
}

fn unexpected(response: MessageResponse) -> ReflectionError {
    let what = match response {
        MessageResponse::ErrorResponse(error) => {
            return ReflectionError::Status(format!(
                "code {}: {}",
                error.error_code, error.error_message
            ));
        }
        MessageResponse::FileDescriptorResponse(_) => "a file descriptor",
        MessageResponse::AllExtensionNumbersResponse(_) => "extension numbers",
        MessageResponse::ListServicesResponse(_) => "a service list",
    };
    ReflectionError::Protocol(format!("unexpected {what}"))
}

fn is_reflection_service(name: &str) -> bool {
    name.starts_with("grpc.reflection.")
}

/// Builds the pool, taking imported well-known types nobody sent from the built-in ones.
fn build_pool(
    mut files: BTreeMap<String, FileDescriptorProto>,
) -> Result<DescriptorPool, ReflectionError> {
    let built_in = DescriptorPool::global();
    let missing: Vec<String> = files
        .values()
        .flat_map(|file| file.dependency.iter())
        .filter(|dependency| !files.contains_key(*dependency))
        .cloned()
        .collect();
    for name in missing {
        if let Some(file) = built_in.get_file_by_name(&name) {
            files.insert(name, file.file_descriptor_proto().clone());
        }
    }
    let mut pool = DescriptorPool::new();
    pool.add_file_descriptor_protos(files.into_values())
        .map_err(|error| ReflectionError::Descriptor(error.to_string()))?;
    Ok(pool)
}
