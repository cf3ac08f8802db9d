//! `/api/models/*`: the built-in catalogue, per-type default models, and the models configured and served by channel set.
//!
//! `/api/models/builtin` answers the price catalogue shipped in the binary
//! (`crate::model_catalogue`) as the model configs an import would create, and
//! `/api/models/builtin/channel` the same by the channel type (the entry's provider) that serves
//! it first hand. `/api/models/default` answers the `DefaultChannelModels` and
//! `DefaultChannelModelMapping` options (OptionService), keyed by the seed's type numbers.

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::{Path, State};
use schemars::JsonSchema;
use serde::Serialize;
use tonic::Request;

use super::channel_types::{name_of, number_of};
use super::model_configs::{SeedModelConfig, seed_config};
use super::spec::Operation;
use super::{ApiError, ApiResult, ok};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::channels::Channels;
use crate::edges::grpc::models::{Models, model_config_pb};
use crate::edges::grpc::options::Options;
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::channel_service_server::ChannelService;
use crate::edges::grpc::pb::model_service_server::ModelService;
use crate::edges::grpc::pb::option_service_server::OptionService;

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
        Operation::get(
            "/api/models/builtin/channel",
            "The built-in catalogue by channel type number",
            builtin_by_type,
        )
        .data::<BTreeMap<String, Vec<SeedModelConfig>>>(),
        Operation::get(
            "/api/models/builtin/channel/{type}",
            "The built-in catalogue entries one channel type serves",
            builtin_of_type,
        )
        .data::<Vec<SeedModelConfig>>(),
        Operation::get(
            "/api/models/default",
            "Default models and model mapping of channels that list none, by type number",
            defaults,
        )
        .data::<TypeDefaults>(),
        Operation::get(
            "/api/models/default/{type}",
            "One channel type's default models and model mapping",
            defaults_of_type,
        )
        .data::<Defaults>(),
    ]
}

/// The catalogue's entries as seed model configs, each with the type name that serves it.
fn catalogue_configs() -> Result<Vec<(String, SeedModelConfig)>, ApiError> {
    let catalogue = crate::model_catalogue::catalogue().map_err(tonic::Status::internal)?;
    Ok(catalogue
        .models
        .iter()
        .map(|entry| {
            let config = seed_config(model_config_pb(&entry.model_config(catalogue.unit)));
            (entry.provider.clone(), config)
        })
        .collect())
}

/// A type in a path: the seed's number, or (ours) the name.
fn type_name(text: &str) -> Result<&'static str, ApiError> {
    name_of(&serde_json::Value::String(text.to_owned()))
        .ok_or_else(|| ApiError::bad_request(format!("invalid type: {text}")))
}

/// Every type that serves a catalogue entry, keyed by its number (as the seed's map marshals);
/// entries in catalogue order.
async fn builtin_by_type() -> ApiResult {
    let mut by_type: BTreeMap<String, Vec<SeedModelConfig>> = BTreeMap::new();
    for (provider, config) in catalogue_configs()? {
        by_type
            .entry(number_of(&provider).to_string())
            .or_default()
            .push(config);
    }
    Ok(ok(by_type))
}

/// A type without entries answers `[]` (the seed's answer for a type it knows no models of).
async fn builtin_of_type(Path(kind): Path<String>) -> ApiResult {
    let name = type_name(&kind)?;
    let configs: Vec<SeedModelConfig> = catalogue_configs()?
        .into_iter()
        .filter(|(provider, _)| provider == name)
        .map(|(_, config)| config)
        .collect();
    Ok(ok(configs))
}

/// The default models and mapping of every type that has some, by type number.
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct TypeDefaults {
    models: BTreeMap<String, Vec<String>>,
    mapping: BTreeMap<String, BTreeMap<String, String>>,
}

/// One type's default models and mapping (empty when it has none).
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct Defaults {
    models: Vec<String>,
    mapping: BTreeMap<String, String>,
}

/// The two options by type name, as stored (JSON objects keyed by type name; unset is empty).
async fn default_options(
    cp: ControlPlane,
) -> Result<
    (
        BTreeMap<String, Vec<String>>,
        BTreeMap<String, BTreeMap<String, String>>,
    ),
    ApiError,
> {
    let options = Options(cp)
        .list_options(Request::new(pb::ListOptionsRequest {}))
        .await?
        .into_inner()
        .options;
    let text = |key: &str| {
        options
            .iter()
            .find(|option| option.key == key)
            .map(|option| option.value.clone())
            .filter(|value| !value.trim().is_empty())
    };
    // The options were validated when set: these parse.
    let parse = |key: &str| -> Result<serde_json::Value, ApiError> {
        match text(key) {
            Some(value) => serde_json::from_str(&value)
                .map_err(|error| tonic::Status::internal(format!("option {key}: {error}")).into()),
            None => Ok(serde_json::Value::Object(serde_json::Map::new())),
        }
    };
    let models = serde_json::from_value(parse("DefaultChannelModels")?)
        .map_err(|error| tonic::Status::internal(format!("DefaultChannelModels: {error}")))?;
    let mapping = serde_json::from_value(parse("DefaultChannelModelMapping")?)
        .map_err(|error| tonic::Status::internal(format!("DefaultChannelModelMapping: {error}")))?;
    Ok((models, mapping))
}

async fn defaults(State(cp): State<ControlPlane>) -> ApiResult {
    let (models, mapping) = default_options(cp).await?;
    Ok(ok(TypeDefaults {
        models: models
            .into_iter()
            .map(|(kind, models)| (number_of(&kind).to_string(), models))
            .collect(),
        mapping: mapping
            .into_iter()
            .map(|(kind, mapping)| (number_of(&kind).to_string(), mapping))
            .collect(),
    }))
}

async fn defaults_of_type(State(cp): State<ControlPlane>, Path(kind): Path<String>) -> ApiResult {
    let name = type_name(&kind)?;
    let (mut models, mut mapping) = default_options(cp).await?;
    // The options name types as `ChannelKind::parse` reads them: compare parsed names.
    let same = |stored: &String| {
        relay::provider::ChannelKind::parse(stored).is_some_and(|kind| kind.as_str() == name)
    };
    let models_key = models.keys().find(|key| same(key)).cloned();
    let mapping_key = mapping.keys().find(|key| same(key)).cloned();
    Ok(ok(Defaults {
        models: models_key
            .and_then(|key| models.remove(&key))
            .unwrap_or_default(),
        mapping: mapping_key
            .and_then(|key| mapping.remove(&key))
            .unwrap_or_default(),
    }))
}

/// Every catalogue entry in the seed's model config shape (its `config` carries the context
/// window as `max_context_tokens` and media prices as `media`).
async fn builtin() -> ApiResult {
    let configs: Vec<SeedModelConfig> = catalogue_configs()?
        .into_iter()
        .map(|(_, config)| config)
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
