//! `/api/dashboard/:group/models`: the models a group can use now, with its own limits and prices laid over the model configs, over ModelService.

use std::collections::HashMap;

use axum::extract::{Path, State};
use tonic::{Code, Request};

use super::model_configs::{SeedModelConfig, seed_config};
use super::spec::Operation;
use super::{ApiResult, ok};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::models::Models;
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::model_service_server::ModelService;

pub fn operations() -> Vec<Operation> {
    vec![
        Operation::get(
            "/api/dashboard/{group}/models",
            "The models the group can use, with its overrides applied",
            group_models,
        )
        .data::<Vec<SeedModelConfig>>(),
    ]
}

/// Every configured model an enabled channel of the group's sets serves (the relay serves a
/// group only those), as its model config with the group's override of limits, retries and
/// price laid over it: what a request of the group is held to and charged. Sorted by model.
async fn group_models(State(cp): State<ControlPlane>, Path(group): Path<String>) -> ApiResult {
    let service = Models(cp);
    let served = service
        .list_served_models(Request::new(pb::ListServedModelsRequest {
            group_id: group.clone(),
        }))
        .await?
        .into_inner()
        .models;
    let mut overrides: HashMap<String, pb::GroupModelOverride> = service
        .list_group_model_overrides(Request::new(pb::ListGroupModelOverridesRequest {
            group_id: group,
        }))
        .await?
        .into_inner()
        .overrides
        .into_iter()
        .map(|entry| (entry.model.clone(), entry))
        .collect();
    let mut models = Vec::new();
    for served in served.into_iter().filter(|served| served.configured) {
        let mut config = match service
            .get_model_config(Request::new(pb::GetModelConfigRequest {
                model: served.model,
            }))
            .await
        {
            Ok(config) => config.into_inner(),
            // Deleted since the listing: no longer served.
            Err(status) if status.code() == Code::NotFound => continue,
            Err(status) => return Err(status.into()),
        };
        if let Some(entry) = overrides.remove(&config.model) {
            if let Some(rpm) = entry.rpm {
                config.rpm = rpm;
            }
            if let Some(tpm) = entry.tpm {
                config.tpm = tpm;
            }
            if entry.retry_times.is_some() {
                config.retry_times = entry.retry_times;
            }
            if entry.price.is_some() {
                config.price = entry.price;
            }
        }
        models.push(seed_config(config));
    }
    Ok(ok(models))
}
