//! `/api/channels/import/oneapi`: the channels of a OneAPI / new-api database created here, read by the importer and written over ChannelService.

use axum::extract::State;
use schemars::JsonSchema;
use serde::Deserialize;
use tonic::Request;

use super::spec::Operation;
use super::{ApiError, ApiResult, Body, ok};
use crate::edges::declarative::ChannelSpec;
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::channels::Channels;
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::channel_service_server::ChannelService;
use crate::store::Status;

pub fn operations() -> Vec<Operation> {
    vec![
        Operation::post(
            "/api/channels/import/oneapi",
            "Create the channels of a OneAPI database (Postgres or MySQL)",
            import_one_api,
        )
        .body::<ImportBody>()
        .data::<Vec<String>>(),
    ]
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct ImportBody {
    /// `postgres://user:password@host/database` or `mysql://...` of the OneAPI database.
    #[serde(default)]
    dsn: String,
}

/// Reads the database's channels as `aiproxy import one-api` does (types mapped as the seed's
/// import maps them) and creates each through `CreateChannels`, one channel per key line. As
/// the seed, answers the channels that could not be created, as messages (`[]` when all were);
/// a database that cannot be read is refused whole. Postgres and MySQL, as the seed: a file
/// path or `sqlite:` URL would read files of the server's machine (use the CLI for those).
async fn import_one_api(State(cp): State<ControlPlane>, Body(body): Body<ImportBody>) -> ApiResult {
    let dsn = body.dsn.trim();
    if dsn.is_empty() {
        return Err(ApiError::bad_request("sql dsn is required"));
    }
    let served = ["postgres://", "postgresql://", "mysql://", "mariadb://"];
    if !served.iter().any(|scheme| dsn.starts_with(scheme)) {
        return Err(ApiError::bad_request(
            "invalid dsn: only postgres:// and mysql:// databases are imported here (aiproxy import one-api reads SQLite files)",
        ));
    }
    // The driver's message names the host and the failure, never the password.
    let translation = crate::import::read_one_api(dsn)
        .await
        .map_err(|error| ApiError::bad_request(error.to_string()))?;
    let service = Channels(cp);
    let mut failures = Vec::new();
    for spec in translation.document.channels {
        let name = spec.name.clone();
        let keys = vec![spec.key.clone()];
        let created = service
            .create_channels(Request::new(pb::CreateChannelsRequest {
                channel: Some(channel_pb(spec)),
                keys,
            }))
            .await;
        if let Err(status) = created {
            failures.push(format!("channel {name:?}: {}", status.message()));
        }
    }
    Ok(ok(failures))
}

/// The importer's channel as the control plane's.
fn channel_pb(spec: ChannelSpec) -> pb::Channel {
    let status = match spec.status {
        Some(Status::Disabled) => 2,
        _ => 1,
    };
    pb::Channel {
        name: spec.name,
        r#type: spec.kind,
        key: spec.key,
        base_url: spec.base_url,
        proxy_url: spec.proxy_url.unwrap_or_default(),
        models: spec.models,
        model_mapping: spec.model_mapping.into_iter().collect(),
        priority: spec.priority,
        status,
        sets: spec.sets,
        config: spec
            .config
            .iter()
            .map(|(name, value)| (name.clone(), value.as_text()))
            .collect(),
        warn_error_rate: spec.warn_error_rate,
        max_error_rate: spec.max_error_rate,
        ..Default::default()
    }
}
