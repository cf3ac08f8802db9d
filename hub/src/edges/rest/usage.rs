//! `/api/dashboardv2/*`, `/api/dashboardv3/*` (time series per model, the seed's field names) and `/api/groups/ranking` (consumption ranking).
//!
//! From the request-log summaries through LogService.
//!
//! The summaries are kept per bucket and filter, not per model: a series per model is one
//! `GetSummary` per model, for the models `GetRanking` finds most requested in the range (at
//! most [`MOST_MODELS`]), so an answer costs a bounded number of summary reads; each model's
//! busiest minute per bucket (`max_rpm`, `max_tpm`) comes from one more, of the minute
//! summaries split by model.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tonic::Request;

use super::logs::{DAY_MS, HOUR_MS, SummarySet, current_rates};
use super::spec::Operation;
use super::{ApiError, ApiResult, Paging, Params, number, ok, timestamp_ms};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::logs::Logs;
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::log_service_server::LogService;
use crate::edges::grpc::pb::token_service_server::TokenService;
use crate::edges::grpc::tokens::Tokens;

/// Most models one dashboard answer has a series for.
const MOST_MODELS: i32 = 100;
/// Most entries a ranking pages through.
const MOST_RANKED: i32 = 1000;

pub fn operations() -> Vec<Operation> {
    let mut operations = Vec::new();
    for path in ["/api/dashboardv2/", "/api/dashboardv2"] {
        operations.push(
            Operation::get(path, "Usage over time per model", v2)
                .query::<SeriesQuery>()
                .data::<Vec<TimeSummary>>(),
        );
    }
    operations.push(
        Operation::get(
            "/api/dashboardv2/{group}",
            "One group's usage over time per model",
            group_v2,
        )
        .query::<SeriesQuery>()
        .data::<Vec<TimeSummary>>(),
    );
    for path in ["/api/dashboardv3/", "/api/dashboardv3"] {
        operations.push(
            Operation::get(
                path,
                "Usage over time per model, with current rates, channels and models",
                v3,
            )
            .query::<SeriesQuery>()
            .data::<DashboardV3>(),
        );
    }
    operations.push(
        Operation::get(
            "/api/dashboardv3/{group}",
            "One group's usage over time per model, with current rates, models and token names",
            group_v3,
        )
        .query::<SeriesQuery>()
        .data::<GroupDashboardV3>(),
    );
    for path in ["/api/groups/ranking", "/api/groups/consumption_ranking"] {
        operations.push(
            Operation::get(path, "Groups, channels or models by consumption", ranking)
                .query::<RankingQuery>()
                .data::<RankingPage>(),
        );
    }
    operations
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct SeriesQuery {
    /// `minute`, `hour` (default) or `day` (days of `timezone`).
    #[serde(default)]
    timespan: String,
    /// The zone whose midnights `day` buckets start at (IANA name); UTC when absent or `Local`.
    #[serde(default)]
    timezone: String,
    /// Seconds or milliseconds; the last 7 days when absent.
    #[serde(default)]
    start_timestamp: String,
    #[serde(default)]
    end_timestamp: String,
    #[serde(default)]
    model: String,
    /// The global routes: one channel's usage.
    #[serde(default)]
    channel: String,
    /// The group routes: one token's usage.
    #[serde(default)]
    token_name: String,
}

/// One model's usage in one bucket.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ModelSummary {
    model: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel_id: Option<i64>,
    #[serde(skip_serializing_if = "String::is_empty")]
    token_name: String,
    #[serde(flatten)]
    summary: SummarySet,
    /// The busiest minute of the bucket for this model: its requests and tokens.
    max_rpm: i64,
    max_tpm: i64,
}

/// One bucket (`timestamp` in unix seconds) and each model's usage in it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TimeSummary {
    timestamp: i64,
    summary: Vec<ModelSummary>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DashboardV3 {
    time_series: Vec<TimeSummary>,
    rpm: i64,
    tpm: i64,
    /// Channels with requests in the range.
    channels: Vec<i64>,
    /// Models with requests in the range.
    models: Vec<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct GroupDashboardV3 {
    time_series: Vec<TimeSummary>,
    rpm: i64,
    tpm: i64,
    models: Vec<String>,
    /// The group's tokens.
    token_names: Vec<String>,
}

/// The range and filters of a query, and the bucket width.
struct Series {
    start_ms: i64,
    end_ms: i64,
    day_buckets: bool,
    zone: chrono_tz::Tz,
    granularity: pb::Granularity,
    model: Option<String>,
    channel_id: Option<i64>,
    token_name: Option<String>,
}

fn series_of(query: &SeriesQuery) -> Result<Series, ApiError> {
    let now = crate::store::now_ms();
    let end = match timestamp_ms(query.end_timestamp.trim().parse().unwrap_or(0)) {
        0 => now,
        end => end,
    };
    let start = match timestamp_ms(query.start_timestamp.trim().parse().unwrap_or(0)) {
        0 => end - 7 * DAY_MS,
        start => start,
    };
    if end < start {
        return Err(ApiError::bad_request("end time is before start time"));
    }
    let channel_id = match query.channel.trim() {
        "" | "0" => None,
        text => Some(
            text.parse::<i64>()
                .map_err(|_| ApiError::bad_request(format!("invalid channel: {text}")))?,
        ),
    };
    let optional = |text: &str| Some(text.to_owned()).filter(|text| !text.is_empty());
    Ok(Series {
        start_ms: start,
        // The end is exclusive in the service and inclusive in the seed.
        end_ms: end + 1,
        day_buckets: query.timespan == "day",
        zone: super::time_zone::named(&query.timezone)?,
        granularity: if query.timespan == "minute" {
            pb::Granularity::Minute
        } else {
            pb::Granularity::Hour
        },
        model: optional(&query.model),
        channel_id,
        token_name: optional(&query.token_name),
    })
}

/// The models with requests in the range, most requested first (or the one asked for).
async fn models_in(logs: &Logs, series: &Series) -> Result<Vec<String>, ApiError> {
    if let Some(model) = &series.model {
        return Ok(vec![model.clone()]);
    }
    ranked_keys(logs, series, pb::RankingDimension::Model, MOST_MODELS).await
}

async fn ranked_keys(
    logs: &Logs,
    series: &Series,
    dimension: pb::RankingDimension,
    limit: i32,
) -> Result<Vec<String>, ApiError> {
    Ok(logs
        .get_ranking(Request::new(pb::GetRankingRequest {
            dimension: dimension as i32,
            metric: pb::RankingMetric::Requests as i32,
            granularity: series.granularity as i32,
            start_ms: series.start_ms,
            end_ms: series.end_ms,
            limit,
            ..Default::default()
        }))
        .await?
        .into_inner()
        .entries
        .into_iter()
        .map(|entry| entry.key)
        .collect())
}

/// The bucket of the answer a summary point (minute or hour) falls in: its own, its hour's, or
/// the day its hour starts in.
fn answer_bucket_ms(series: &Series, point_ms: i64) -> i64 {
    let hour_ms = point_ms - point_ms.rem_euclid(HOUR_MS);
    if series.day_buckets {
        super::time_zone::day_start_ms(hour_ms, series.zone)
    } else if series.granularity == pb::Granularity::Minute {
        point_ms
    } else {
        hour_ms
    }
}

/// Each model's busiest minute (requests, tokens) in each bucket of the answer, from one read of
/// the minute summaries by model (the seed reads its minute table the same way), streamed and
/// folded as it comes so a long range holds only the answer's buckets.
async fn peaks(
    logs: &Logs,
    group: Option<&str>,
    series: &Series,
) -> Result<BTreeMap<(i64, String), (i64, i64)>, ApiError> {
    let mut peaks: BTreeMap<(i64, String), (i64, i64)> = BTreeMap::new();
    let filter = crate::logs::summaries::SummaryFilter {
        start_ms: series.start_ms,
        end_ms: series.end_ms,
        group_id: group.map(str::to_owned),
        token_name: series.token_name.clone(),
        model: series.model.clone(),
        channel_id: series.channel_id,
    };
    crate::logs::summaries::each_minute_by_model(
        &logs.store,
        &filter,
        |minute_ms, model, requests, tokens| {
            let peak = peaks
                .entry((answer_bucket_ms(series, minute_ms), model))
                .or_default();
            peak.0 = peak.0.max(requests);
            peak.1 = peak.1.max(tokens);
        },
    )
    .await
    .map_err(|error| ApiError::from(tonic::Status::from(error)))?;
    Ok(peaks)
}

fn summary_filter(
    group: Option<&str>,
    series: &Series,
    model: Option<String>,
) -> pb::SummaryFilter {
    pb::SummaryFilter {
        start_ms: series.start_ms,
        end_ms: series.end_ms,
        group_id: group.map(str::to_owned),
        token_name: series.token_name.clone(),
        model,
        channel_id: series.channel_id,
    }
}

/// Each model's series, merged into one list of buckets; models without usage are left out.
async fn time_series(
    logs: &Logs,
    group: Option<&str>,
    series: &Series,
    models: &[String],
) -> Result<(Vec<TimeSummary>, Vec<String>), ApiError> {
    let mut buckets: BTreeMap<i64, Vec<ModelSummary>> = BTreeMap::new();
    let mut used = Vec::new();
    let peaks = peaks(logs, group, series).await?;
    for model in models {
        let points = logs
            .get_summary(Request::new(pb::GetSummaryRequest {
                granularity: series.granularity as i32,
                filter: Some(summary_filter(group, series, Some(model.clone()))),
                ..Default::default()
            }))
            .await?
            .into_inner()
            .points;
        if points.iter().all(|point| point.requests == 0) {
            continue;
        }
        used.push(model.clone());
        let mut by_bucket: BTreeMap<i64, SummarySet> = BTreeMap::new();
        for point in &points {
            by_bucket
                .entry(answer_bucket_ms(series, point.bucket_ms))
                .or_default()
                .add(point);
        }
        for (at, summary) in by_bucket {
            let (max_rpm, max_tpm) = peaks.get(&(at, model.clone())).copied().unwrap_or_default();
            buckets.entry(at / 1000).or_default().push(ModelSummary {
                model: model.clone(),
                channel_id: series.channel_id,
                token_name: series.token_name.clone().unwrap_or_default(),
                summary,
                max_rpm,
                max_tpm,
            });
        }
    }
    let time_series = buckets
        .into_iter()
        .map(|(timestamp, summary)| TimeSummary { timestamp, summary })
        .collect();
    Ok((time_series, used))
}

async fn series_answer(
    cp: &ControlPlane,
    group: Option<&str>,
    query: &SeriesQuery,
) -> Result<(Vec<TimeSummary>, Vec<String>, Series), ApiError> {
    let series = series_of(query)?;
    let logs = Logs::new(cp);
    let models = models_in(&logs, &series).await?;
    let (time_series, used) = time_series(&logs, group, &series, &models).await?;
    Ok((time_series, used, series))
}

async fn v2(State(cp): State<ControlPlane>, Params(query): Params<SeriesQuery>) -> ApiResult {
    Ok(ok(series_answer(&cp, None, &query).await?.0))
}

async fn group_v2(
    State(cp): State<ControlPlane>,
    Path(group): Path<String>,
    Params(query): Params<SeriesQuery>,
) -> ApiResult {
    Ok(ok(series_answer(&cp, Some(&group), &query).await?.0))
}

async fn v3(State(cp): State<ControlPlane>, Params(query): Params<SeriesQuery>) -> ApiResult {
    let (time_series, models, series) = series_answer(&cp, None, &query).await?;
    let logs = Logs::new(&cp);
    let channels = ranked_keys(&logs, &series, pb::RankingDimension::Channel, MOST_RANKED)
        .await?
        .iter()
        .filter_map(|key| key.parse().ok())
        .collect();
    let (rpm, tpm) = current_rates(&logs, None).await?;
    Ok(ok(DashboardV3 {
        time_series,
        rpm,
        tpm,
        channels,
        models,
    }))
}

async fn group_v3(
    State(cp): State<ControlPlane>,
    Path(group): Path<String>,
    Params(query): Params<SeriesQuery>,
) -> ApiResult {
    let (time_series, models, _) = series_answer(&cp, Some(&group), &query).await?;
    let (rpm, tpm) = current_rates(&Logs::new(&cp), Some(&group)).await?;
    let token_names = Tokens(cp)
        .list_tokens(Request::new(pb::ListTokensRequest {
            page_size: 1000,
            group_id: group,
            ..Default::default()
        }))
        .await?
        .into_inner()
        .tokens
        .into_iter()
        .map(|token| token.name)
        .collect();
    Ok(ok(GroupDashboardV3 {
        time_series,
        rpm,
        tpm,
        models,
        token_names,
    }))
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RankingQuery {
    #[serde(flatten)]
    paging: Paging,
    /// `group` (default), `channel` or `model`.
    #[serde(default)]
    r#type: String,
    /// Seconds or milliseconds; the last 7 days when absent.
    #[serde(default)]
    start_timestamp: String,
    #[serde(default)]
    end_timestamp: String,
    /// `used_amount_desc` (default), `request_count_desc`, `total_tokens_desc`, each also `_asc`.
    #[serde(default)]
    order: String,
    /// Echoed in the answer (IANA name; UTC when absent or `Local`): the range is in instants.
    #[serde(default)]
    timezone: String,
}

/// One ranked group, channel or model (`rank` from 1).
#[derive(Debug, Serialize, JsonSchema)]
pub struct RankingItem {
    rank: i64,
    #[serde(skip_serializing_if = "String::is_empty")]
    group_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel_id: Option<i64>,
    #[serde(skip_serializing_if = "String::is_empty")]
    model: String,
    request_count: i64,
    used_amount: f64,
    total_tokens: i64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct RankingPage {
    items: Vec<RankingItem>,
    total: i64,
    r#type: String,
    timezone: String,
}

async fn ranking(State(cp): State<ControlPlane>, Params(query): Params<RankingQuery>) -> ApiResult {
    let (dimension, kind) = match query.r#type.as_str() {
        "channel" => (pb::RankingDimension::Channel, "channel"),
        "model" => (pb::RankingDimension::Model, "model"),
        _ => (pb::RankingDimension::Group, "group"),
    };
    let order = query.order.trim().to_ascii_lowercase();
    let metric = if order.starts_with("request_count") {
        pb::RankingMetric::Requests
    } else if order.starts_with("total_tokens") {
        pb::RankingMetric::Tokens
    } else {
        pb::RankingMetric::Cost
    };
    let series = series_of(&SeriesQuery {
        start_timestamp: query.start_timestamp.clone(),
        end_timestamp: query.end_timestamp.clone(),
        timezone: query.timezone.clone(),
        ..Default::default()
    })?;
    let zone = series.zone;
    let mut entries = Logs::new(&cp)
        .get_ranking(Request::new(pb::GetRankingRequest {
            dimension: dimension as i32,
            metric: metric as i32,
            granularity: pb::Granularity::Hour as i32,
            start_ms: series.start_ms,
            end_ms: series.end_ms,
            limit: MOST_RANKED,
            ..Default::default()
        }))
        .await?
        .into_inner()
        .entries;
    // The service ranks highest first; `_asc` reads the same list from the other end.
    if order.ends_with("_asc") {
        entries.reverse();
    }
    let total = i64::try_from(entries.len()).unwrap_or(i64::MAX);
    let offset = usize::try_from(query.paging.offset()).unwrap_or(usize::MAX);
    let per_page = usize::try_from(query.paging.per_page()).unwrap_or(usize::MAX);
    let items = entries
        .into_iter()
        .enumerate()
        .skip(offset)
        .take(per_page)
        .map(|(index, entry)| {
            let rank = i64::try_from(index).unwrap_or(i64::MAX).saturating_add(1);
            let mut item = RankingItem {
                rank,
                group_id: String::new(),
                channel_id: None,
                model: String::new(),
                request_count: entry.requests,
                used_amount: number(&entry.cost),
                total_tokens: entry.total_tokens,
            };
            match dimension {
                pb::RankingDimension::Channel => item.channel_id = entry.key.parse().ok(),
                pb::RankingDimension::Model => item.model = entry.key,
                _ => item.group_id = entry.key,
            }
            item
        })
        .collect();
    Ok(ok(RankingPage {
        items,
        total,
        r#type: kind.to_owned(),
        timezone: zone.name().to_owned(),
    }))
}
