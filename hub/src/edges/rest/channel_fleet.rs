//! `/api/channels/batch_info` and `/api/channels/test`: the seed's routes over many channels at once, over ChannelService.

use std::collections::HashSet;

use axum::extract::State;
use axum::response::IntoResponse;
use futures::StreamExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tonic::{Code, Request};

use super::channel_types::number_of;
use super::channels::{SeedTest, seed_test};
use super::spec::Operation;
use super::{ApiError, ApiResult, Body, Params, ok};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::channels::Channels;
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::channel_service_server::ChannelService;

/// Ids one `batch_info` call may name: each is one read.
const MAX_BATCH_IDS: usize = 1000;

pub fn operations() -> Vec<Operation> {
    vec![
        Operation::post(
            "/api/channels/batch_info",
            "Id, name and type of the channels named",
            batch_info,
        )
        .body::<Vec<i64>>()
        .data::<Vec<ChannelBasicInfo>>(),
        Operation::get(
            "/api/channels/test",
            "Test every model of every enabled channel",
            test_all_channels,
        )
        .query::<TestAllQuery>()
        .data::<Vec<TestOutcome>>(),
    ]
}

/// The seed's `ChannelBasicInfo`: enough to label a channel id in a chart or a log.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ChannelBasicInfo {
    id: i64,
    name: String,
    /// The seed's number for the type.
    r#type: i64,
}

/// The channels of the ids given, in that order; an id without a channel is left out, as the
/// seed's `IN` query leaves it out.
async fn batch_info(State(cp): State<ControlPlane>, Body(ids): Body<Vec<i64>>) -> ApiResult {
    if ids.len() > MAX_BATCH_IDS {
        return Err(ApiError::bad_request(format!(
            "at most {MAX_BATCH_IDS} ids per call"
        )));
    }
    let service = Channels(cp);
    let mut seen = HashSet::new();
    let mut channels = Vec::new();
    for id in ids {
        if !seen.insert(id) {
            continue;
        }
        match service
            .get_channel(Request::new(pb::GetChannelRequest { id }))
            .await
        {
            Ok(channel) => {
                let channel = channel.into_inner();
                channels.push(ChannelBasicInfo {
                    id: channel.id,
                    r#type: number_of(&channel.r#type),
                    name: channel.name,
                });
            }
            Err(status) if status.code() == Code::NotFound => {}
            Err(status) => return Err(status.into()),
        }
    }
    Ok(ok(channels))
}

/// The seed's switches, each `true` or anything else.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct TestAllQuery {
    /// Test disabled channels too; as the seed, a passed test records the result and leaves the
    /// channel's status alone (enable it with `/api/channel/:id/status`).
    #[serde(default)]
    test_disabled: String,
    /// Also answer the tests that passed (by default only failures are listed).
    #[serde(default)]
    return_success: String,
    /// Keep the upstream's answer on passed tests (cleared by default).
    #[serde(default)]
    success_body: String,
    /// Answer each result as a server-sent event (`data: {...}`) as it completes.
    #[serde(default)]
    stream: String,
}

/// The seed's `TestResult`: `success` says the test ran, `data.success` whether it passed.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TestOutcome {
    data: SeedTest,
    success: bool,
}

/// Runs `TestChannels` (every enabled channel's served models, disabled channels' too with
/// `test_disabled`, a few at a time, each result recorded on its channel) and answers the failures, or every result with `return_success`.
async fn test_all_channels(
    State(cp): State<ControlPlane>,
    Params(query): Params<TestAllQuery>,
) -> ApiResult {
    let return_success = query.return_success == "true";
    let success_body = query.success_body == "true";
    let results = Channels(cp)
        .test_channels(Request::new(pb::TestChannelsRequest {
            include_disabled: query.test_disabled == "true",
            ..Default::default()
        }))
        .await?
        .into_inner();
    let outcomes = results.filter_map(move |result| async move {
        let outcome = match result {
            Ok(result) if result.success && !return_success => return None,
            Ok(mut result) => {
                if result.success && !success_body {
                    result.error.clear();
                }
                Ok(TestOutcome {
                    data: seed_test(result),
                    success: true,
                })
            }
            Err(status) => Err(ApiError::from(status)),
        };
        Some(outcome)
    });
    if query.stream == "true" {
        let events = outcomes.map(|outcome| {
            let event = match outcome {
                Ok(outcome) => serde_json::to_vec(&outcome).unwrap_or_default(),
                Err(error) => serde_json::to_vec(&serde_json::json!({
                    "success": false,
                    "message": error.message,
                }))
                .unwrap_or_default(),
            };
            Ok::<_, std::convert::Infallible>([b"data: ".as_slice(), &event, b"\n\n"].concat())
        });
        let headers = [
            (http::header::CONTENT_TYPE, "text/event-stream"),
            (http::header::CACHE_CONTROL, "no-cache"),
        ];
        return Ok((headers, axum::body::Body::from_stream(events)).into_response());
    }
    let outcomes: Vec<Result<TestOutcome, ApiError>> = outcomes.collect().await;
    let outcomes = outcomes.into_iter().collect::<Result<Vec<_>, _>>()?;
    Ok(ok(outcomes))
}
