//! `/api/channel/:id/update_balance`, `/api/channels/update_balance` and `/api/channel/test-preview*`.
//!
//! Reading upstream balances and testing unsaved channels, over ChannelService.

use axum::extract::{Path, State};
use futures::StreamExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tonic::Request;

use super::channels::{ChannelBody, SeedTest, every_channel, seed_test};
use super::spec::Operation;
use super::{ApiError, ApiResult, Body, ok};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::channels::Channels;
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::channel_service_server::ChannelService;

/// Balances read at once by the all-channels route.
const BALANCE_CONCURRENCY: usize = 8;

pub fn operations() -> Vec<Operation> {
    vec![
        Operation::get(
            "/api/channel/{id}/update_balance",
            "Read the channel's balance from its upstream now",
            update_balance,
        )
        .data::<f64>(),
        Operation::get(
            "/api/channels/update_balance",
            "Read the balance of every channel whose type has a balance API",
            update_all_balances,
        )
        .data::<BalancesRead>(),
        Operation::post(
            "/api/channel/test-preview",
            "Test one model of an unsaved channel",
            preview_one,
        )
        .body::<PreviewBody>()
        .data::<SeedTest>(),
        Operation::post(
            "/api/channel/test-preview-all",
            "Test every model of an unsaved channel",
            preview_all,
        )
        .body::<PreviewBody>()
        .data::<Vec<SeedTest>>(),
    ]
}

fn channel_id(id: &str) -> Result<i64, ApiError> {
    id.parse()
        .map_err(|_| ApiError::bad_request(format!("invalid channel id: {id}")))
}

/// The seed answers the balance; a read that failed is refused with the reason (which never
/// holds the key), as a bad gateway: the upstream did not answer what was asked.
async fn update_balance(State(cp): State<ControlPlane>, Path(id): Path<String>) -> ApiResult {
    let balance = Channels(cp)
        .update_channel_balance(Request::new(pb::UpdateChannelBalanceRequest {
            id: channel_id(&id)?,
        }))
        .await?
        .into_inner();
    if !balance.last_error.is_empty() {
        return Err(ApiError {
            status: http::StatusCode::BAD_GATEWAY,
            message: format!("balance not read: {}", balance.last_error),
        });
    }
    Ok(ok(balance.balance.unwrap_or_default()))
}

/// How many balances were read and how many reads failed (each failure is on its channel).
#[derive(Debug, Serialize, JsonSchema)]
pub struct BalancesRead {
    updated: i64,
    failed: i64,
}

async fn update_all_balances(State(cp): State<ControlPlane>) -> ApiResult {
    let service = Channels(cp);
    let ids: Vec<i64> = every_channel(&service)
        .await?
        .into_iter()
        .filter(|channel| channel.balance.as_ref().is_some_and(|b| b.supported))
        .map(|channel| channel.id)
        .collect();
    // Polled in this task (not spawned), so every read runs under this route's operation.
    let outcomes: Vec<bool> = futures::stream::iter(ids)
        .map(|id| {
            let service = &service;
            async move {
                service
                    .update_channel_balance(Request::new(pb::UpdateChannelBalanceRequest { id }))
                    .await
                    .is_ok_and(|balance| balance.into_inner().last_error.is_empty())
            }
        })
        .buffer_unordered(BALANCE_CONCURRENCY)
        .collect()
        .await;
    let updated = outcomes.iter().filter(|read| **read).count();
    Ok(ok(BalancesRead {
        updated: i64::try_from(updated).unwrap_or(i64::MAX),
        failed: i64::try_from(outcomes.len() - updated).unwrap_or(i64::MAX),
    }))
}

/// The channel as `POST /api/channel/` takes it, and the model to test (`test-preview`);
/// `test-preview-all` tests every model of `models`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct PreviewBody {
    #[serde(flatten)]
    channel: ChannelBody,
    #[serde(default)]
    model: String,
}

async fn preview(cp: ControlPlane, body: PreviewBody) -> Result<Vec<SeedTest>, ApiError> {
    let (mut channel, _) = body.channel.into_pb()?;
    if channel.r#type.is_empty() {
        return Err(ApiError::bad_request("type is required"));
    }
    // The seed's preview needs no name; the service's validation wants one.
    if channel.name.is_empty() {
        "preview".clone_into(&mut channel.name);
    }
    let answer = Channels(cp)
        .preview_channel_test(Request::new(pb::PreviewChannelTestRequest {
            channel: Some(channel),
            model: body.model,
            timeout_ms: 0,
        }))
        .await?
        .into_inner();
    Ok(answer.results.into_iter().map(seed_test).collect())
}

async fn preview_one(State(cp): State<ControlPlane>, Body(body): Body<PreviewBody>) -> ApiResult {
    if body.model.is_empty() {
        return Err(ApiError::bad_request("model is required"));
    }
    let result = preview(cp, body)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::bad_request("the model was not tested"))?;
    Ok(ok(result))
}

async fn preview_all(
    State(cp): State<ControlPlane>,
    Body(mut body): Body<PreviewBody>,
) -> ApiResult {
    body.model = String::new();
    Ok(ok(preview(cp, body).await?))
}
