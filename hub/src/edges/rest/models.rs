//! `/api/models/*`: which models are configured and served, by channel set, over ModelService and ChannelService.
//!
//! `/api/models/builtin` answers the price catalogue shipped in the binary
//! (`crate::model_catalogue`) as the model configs an import would create. The seed's per
//! channel type listings and default mappings (`/api/models/builtin/channel`,
//! `/api/models/default`) are not offered.

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::{Path, State};
use schemars::JsonSchema;
use serde::Serialize;
use tonic::Request;

use super::model_configs::{SeedModelConfig, seed_config};
use super::spec::Operation;
use super::{ApiError, ApiResult, ok};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::channels::Channels;
use crate::edges::grpc::models::{Models, model_config_pb};
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::channel_service_server::ChannelService;
use crate::edges::grpc::pb::model_service_server::ModelService;

pub fn operations() -> Vec<Operation> {
    vec![
        Operation::get(
            "/api/models/builtin",
            "The built-in price catalogue, as the model configs an import creates",
            builtin,
        )
        .data::<Vec<SeedModelConfig>>(),
        Operation::get(
            "/api/models/enabled",
            "Models served now, by channel set",
            enabled,
        )
        .data::<BTreeMap<String, Vec<EnabledModel>>>(),
        Operation::get(
            "/api/models/enabled/{set}",
            "Models served now by the set's channels",
            enabled_in_set,
        )
        .data::<Vec<EnabledModel>>(),
        Operation::get("/api/models/sets", "The channel sets in use", sets).data::<Vec<String>>(),
    ]
}

/// Every catalogue entry in the seed's model config shape (its `config` carries the context
/// window as `max_context_tokens` and media prices as `media`).
async fn builtin() -> ApiResult {
    let catalogue = crate::model_catalogue::catalogue().map_err(tonic::Status::internal)?;
    let configs: Vec<SeedModelConfig> = catalogue
        .models
        .iter()
        .map(|entry| seed_config(model_config_pb(&entry.model_config(catalogue.unit))))
        .collect();
    Ok(ok(configs))
}

/// A model some enabled channel serves; `configured` when it has a model config (the relay
/// serves only those), `channels` the ids of the set's channels serving it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EnabledModel {
    model: String,
    configured: bool,
    channels: Vec<i64>,
}

/// Each channel's id and sets (`default` when it names none, as the seed's), by name: the
/// service names the channels serving a model.
async fn channel_sets(
    cp: &ControlPlane,
) -> Result<BTreeMap<String, Vec<(i64, Vec<String>)>>, ApiError> {
    let service = Channels(cp.clone());
    let mut sets: BTreeMap<String, Vec<(i64, Vec<String>)>> = BTreeMap::new();
    let mut page_token = String::new();
    loop {
        let answer = service
            .list_channels(Request::new(pb::ListChannelsRequest {
                page_size: 1000,
                page_token,
                ..Default::default()
            }))
            .await?
            .into_inner();
        for channel in answer.channels {
            let channel_sets = if channel.sets.is_empty() {
                vec!["default".to_owned()]
            } else {
                channel.sets
            };
            sets.entry(channel.name)
                .or_default()
                .push((channel.id, channel_sets));
        }
        if answer.next_page_token.is_empty() {
            return Ok(sets);
        }
        page_token = answer.next_page_token;
    }
}

async fn by_set(cp: ControlPlane) -> Result<BTreeMap<String, Vec<EnabledModel>>, ApiError> {
    let sets_of = channel_sets(&cp).await?;
    let served = Models(cp)
        .list_served_models(Request::new(pb::ListServedModelsRequest {
            group_id: String::new(),
        }))
        .await?
        .into_inner()
        .models;
    let mut by_set: BTreeMap<String, Vec<EnabledModel>> = BTreeMap::new();
    for model in served {
        let mut channels_by_set: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
        for name in &model.channels {
            for (id, sets) in sets_of.get(name).into_iter().flatten() {
                for set in sets {
                    channels_by_set.entry(set).or_default().push(*id);
                }
            }
        }
        for (set, channels) in channels_by_set {
            by_set
                .entry(set.to_owned())
                .or_default()
                .push(EnabledModel {
                    model: model.model.clone(),
                    configured: model.configured,
                    channels,
                });
        }
    }
    Ok(by_set)
}

async fn enabled(State(cp): State<ControlPlane>) -> ApiResult {
    Ok(ok(by_set(cp).await?))
}

async fn enabled_in_set(State(cp): State<ControlPlane>, Path(set): Path<String>) -> ApiResult {
    let models = by_set(cp).await?.remove(&set).unwrap_or_default();
    Ok(ok(models))
}

async fn sets(State(cp): State<ControlPlane>) -> ApiResult {
    let sets: BTreeSet<String> = channel_sets(&cp)
        .await?
        .into_values()
        .flatten()
        .flat_map(|(_, sets)| sets)
        .collect();
    Ok(ok(sets.into_iter().collect::<Vec<_>>()))
}
