//! The seed's batch routes (`batch_delete`, `batch_status`) over the services' batch RPCs.

use axum::extract::{Path, State};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tonic::Request;

use super::spec::Operation;
use super::{ApiError, ApiResult, Body, ok};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::channels::Channels;
use crate::edges::grpc::groups::Groups;
use crate::edges::grpc::models::Models;
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::channel_service_server::ChannelService;
use crate::edges::grpc::pb::group_service_server::GroupService;
use crate::edges::grpc::pb::model_service_server::ModelService;
use crate::edges::grpc::pb::token_service_server::TokenService;
use crate::edges::grpc::tokens::Tokens;

pub fn operations() -> Vec<Operation> {
    vec![
        Operation::post(
            "/api/channels/batch_delete",
            "Delete channels by id",
            channels,
        )
        .body::<Vec<i64>>()
        .data::<Deleted>(),
        Operation::post(
            "/api/groups/batch_delete",
            "Delete groups with their tokens",
            groups,
        )
        .body::<Vec<String>>()
        .data::<Deleted>(),
        Operation::post(
            "/api/groups/batch_status",
            "Enable (1) or disable (2) groups",
            group_status,
        )
        .body::<GroupsStatus>()
        .data::<Updated>(),
        Operation::post("/api/tokens/batch_delete", "Delete tokens by id", tokens)
            .body::<Vec<i64>>()
            .data::<Deleted>(),
        Operation::post(
            "/api/token/{group}/batch_delete",
            "Delete tokens of the group by id",
            group_tokens,
        )
        .body::<Vec<i64>>()
        .data::<Deleted>(),
        Operation::post(
            "/api/model_configs/batch_delete",
            "Delete model configs by model",
            model_configs,
        )
        .body::<Vec<String>>()
        .data::<Deleted>(),
    ]
}

/// How many objects a batch removed (ids that did not exist are not counted).
#[derive(Debug, Serialize, JsonSchema)]
pub struct Deleted {
    deleted: i64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Updated {
    updated: i64,
}

/// The seed's `UpdateGroupsStatusRequest`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct GroupsStatus {
    status: i32,
    groups: Vec<String>,
}

async fn channels(State(cp): State<ControlPlane>, Body(ids): Body<Vec<i64>>) -> ApiResult {
    let answer = Channels(cp)
        .batch_delete_channels(Request::new(pb::BatchDeleteChannelsRequest { ids }))
        .await?
        .into_inner();
    Ok(ok(Deleted {
        deleted: answer.deleted,
    }))
}

async fn groups(State(cp): State<ControlPlane>, Body(ids): Body<Vec<String>>) -> ApiResult {
    let answer = Groups(cp)
        .batch_delete_groups(Request::new(pb::BatchDeleteGroupsRequest { ids }))
        .await?
        .into_inner();
    Ok(ok(Deleted {
        deleted: answer.deleted,
    }))
}

/// One `SetGroupStatus` per group, so each is validated, audited and announced as a single
/// change is; the first refusal stops the batch and names its group.
async fn group_status(State(cp): State<ControlPlane>, Body(body): Body<GroupsStatus>) -> ApiResult {
    if body.groups.is_empty() {
        return Err(ApiError::bad_request("groups is required"));
    }
    let service = Groups(cp);
    let mut updated = 0;
    for group in body.groups {
        service
            .set_group_status(Request::new(pb::SetGroupStatusRequest {
                id: group.clone(),
                status: body.status,
            }))
            .await
            .map_err(|status| {
                let error = ApiError::from(status);
                ApiError {
                    message: format!("group {group}: {}", error.message),
                    ..error
                }
            })?;
        updated += 1;
    }
    Ok(ok(Updated { updated }))
}

async fn tokens(State(cp): State<ControlPlane>, Body(ids): Body<Vec<i64>>) -> ApiResult {
    delete_tokens(cp, ids).await
}

/// Only the group's tokens: an id of another group's token is refused before anything is
/// deleted.
async fn group_tokens(
    State(cp): State<ControlPlane>,
    Path(group): Path<String>,
    Body(ids): Body<Vec<i64>>,
) -> ApiResult {
    let service = Tokens(cp.clone());
    for id in &ids {
        let token = service
            .get_token(Request::new(pb::GetTokenRequest { id: *id }))
            .await?
            .into_inner();
        if token.group_id != group {
            return Err(ApiError::not_found(format!(
                "token {id} is not in group {group}"
            )));
        }
    }
    delete_tokens(cp, ids).await
}

async fn delete_tokens(cp: ControlPlane, ids: Vec<i64>) -> ApiResult {
    let answer = Tokens(cp)
        .batch_delete_tokens(Request::new(pb::BatchDeleteTokensRequest { ids }))
        .await?
        .into_inner();
    Ok(ok(Deleted {
        deleted: answer.deleted,
    }))
}

async fn model_configs(
    State(cp): State<ControlPlane>,
    Body(models): Body<Vec<String>>,
) -> ApiResult {
    let answer = Models(cp)
        .batch_delete_model_configs(Request::new(pb::BatchDeleteModelConfigsRequest { models }))
        .await?
        .into_inner();
    Ok(ok(Deleted {
        deleted: answer.deleted,
    }))
}
