//! `/api/group/:group/model_configs/` and `/api/group/:group/model_config/*model`: the seed's per-group model settings over ModelService's group overrides.
//!
//! The seed's `override_*` flags say which settings replace the model's; an override stores only
//! those. Of the seed's settings, limits, price, retry times and forced detail saving are kept;
//! its timeout, generation-count and body-size overrides are not offered.

use axum::extract::{Path, State};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tonic::Request;

use super::model_configs::{SeedPrice, price_pb, seed_price};
use super::spec::Operation;
use super::{ApiError, ApiResult, Body, done, ok};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::models::Models;
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::model_service_server::ModelService;

pub fn operations() -> Vec<Operation> {
    let mut operations = Vec::new();
    for path in [
        "/api/group/{group}/model_configs/",
        "/api/group/{group}/model_configs",
    ] {
        operations.extend([
            Operation::get(path, "The group's model settings", list)
                .data::<Vec<GroupModelConfig>>(),
            Operation::post(
                path,
                "Save several of the group's model settings",
                save_many,
            )
            .body::<Vec<GroupModelConfig>>()
            .data::<Vec<GroupModelConfig>>(),
            Operation::put(
                path,
                "Save several of the group's model settings",
                save_many,
            )
            .body::<Vec<GroupModelConfig>>()
            .data::<Vec<GroupModelConfig>>(),
            Operation::delete(
                path,
                "Delete several of the group's model settings",
                remove_many,
            )
            .body::<Vec<String>>(),
        ]);
    }
    let one = "/api/group/{group}/model_config/{*model}";
    operations.extend([
        Operation::get(one, "The group's settings for one model", read).data::<GroupModelConfig>(),
        Operation::post(one, "Save the group's settings for one model", save_one)
            .body::<GroupModelConfig>()
            .data::<GroupModelConfig>(),
        Operation::put(one, "Save the group's settings for one model", save_one)
            .body::<GroupModelConfig>()
            .data::<GroupModelConfig>(),
        Operation::delete(one, "Delete the group's settings for one model", remove_one),
    ]);
    operations
}

/// The seed's `GroupModelConfig` fields we keep.
#[derive(Debug, Default, Serialize, Deserialize, JsonSchema)]
pub struct GroupModelConfig {
    #[serde(default)]
    group_id: String,
    #[serde(default)]
    model: String,
    #[serde(default)]
    override_limit: bool,
    #[serde(default)]
    rpm: i64,
    #[serde(default)]
    tpm: i64,
    #[serde(default)]
    override_price: bool,
    #[serde(default)]
    price: Option<SeedPrice>,
    #[serde(default)]
    override_retry_times: bool,
    #[serde(default)]
    retry_times: i64,
    #[serde(default)]
    override_force_save_detail: bool,
    #[serde(default)]
    force_save_detail: bool,
}

fn seed_override(saved: pb::GroupModelOverride) -> GroupModelConfig {
    GroupModelConfig {
        override_limit: saved.rpm.is_some() || saved.tpm.is_some(),
        rpm: saved.rpm.unwrap_or_default(),
        tpm: saved.tpm.unwrap_or_default(),
        override_price: saved.price.is_some(),
        price: saved.price.map(seed_price),
        override_retry_times: saved.retry_times.is_some(),
        retry_times: saved.retry_times.unwrap_or_default(),
        override_force_save_detail: saved.save_detail,
        force_save_detail: saved.save_detail,
        group_id: saved.group_id,
        model: saved.model,
    }
}

fn override_pb(group: &str, config: GroupModelConfig) -> pb::GroupModelOverride {
    pb::GroupModelOverride {
        group_id: group.to_owned(),
        model: config.model,
        rpm: config.override_limit.then_some(config.rpm),
        tpm: config.override_limit.then_some(config.tpm),
        price: config
            .override_price
            .then(|| price_pb(config.price.unwrap_or_default())),
        retry_times: config.override_retry_times.then_some(config.retry_times),
        save_detail: config.override_force_save_detail && config.force_save_detail,
        ..Default::default()
    }
}

fn model_name(model: &str) -> Result<String, ApiError> {
    let model = model.trim_start_matches('/');
    if model.is_empty() {
        return Err(ApiError::bad_request("model is required"));
    }
    Ok(model.to_owned())
}

async fn list(State(cp): State<ControlPlane>, Path(group): Path<String>) -> ApiResult {
    let overrides = Models(cp)
        .list_group_model_overrides(Request::new(pb::ListGroupModelOverridesRequest {
            group_id: group,
        }))
        .await?
        .into_inner()
        .overrides;
    let configs: Vec<GroupModelConfig> = overrides.into_iter().map(seed_override).collect();
    Ok(ok(configs))
}

async fn put(
    cp: ControlPlane,
    group: &str,
    config: GroupModelConfig,
) -> Result<GroupModelConfig, ApiError> {
    let model = model_name(&config.model)?;
    let saved = Models(cp)
        .put_group_model_override(Request::new(pb::PutGroupModelOverrideRequest {
            r#override: Some(override_pb(group, GroupModelConfig { model, ..config })),
        }))
        .await?
        .into_inner();
    Ok(seed_override(saved))
}

/// In order; the first refusal stops the batch and names its model (earlier ones stay saved).
async fn save_many(
    State(cp): State<ControlPlane>,
    Path(group): Path<String>,
    Body(configs): Body<Vec<GroupModelConfig>>,
) -> ApiResult {
    let mut saved = Vec::new();
    for config in configs {
        let model = config.model.clone();
        saved.push(
            put(cp.clone(), &group, config)
                .await
                .map_err(|error| ApiError {
                    message: format!("model {model}: {}", error.message),
                    ..error
                })?,
        );
    }
    Ok(ok(saved))
}

async fn remove(cp: ControlPlane, group: String, model: String) -> Result<(), ApiError> {
    Models(cp)
        .delete_group_model_override(Request::new(pb::DeleteGroupModelOverrideRequest {
            group_id: group,
            model,
        }))
        .await?;
    Ok(())
}

async fn remove_many(
    State(cp): State<ControlPlane>,
    Path(group): Path<String>,
    Body(models): Body<Vec<String>>,
) -> ApiResult {
    for model in models {
        remove(cp.clone(), group.clone(), model_name(&model)?).await?;
    }
    Ok(done())
}

async fn read(
    State(cp): State<ControlPlane>,
    Path((group, model)): Path<(String, String)>,
) -> ApiResult {
    let saved = Models(cp)
        .get_group_model_override(Request::new(pb::GetGroupModelOverrideRequest {
            group_id: group,
            model: model_name(&model)?,
        }))
        .await?
        .into_inner();
    Ok(ok(seed_override(saved)))
}

/// The path names the model; a body's `model` is ignored.
async fn save_one(
    State(cp): State<ControlPlane>,
    Path((group, model)): Path<(String, String)>,
    Body(config): Body<GroupModelConfig>,
) -> ApiResult {
    let config = GroupModelConfig {
        model: model_name(&model)?,
        ..config
    };
    Ok(ok(put(cp, &group, config).await?))
}

async fn remove_one(
    State(cp): State<ControlPlane>,
    Path((group, model)): Path<(String, String)>,
) -> ApiResult {
    remove(cp, group, model_name(&model)?).await?;
    Ok(done())
}
