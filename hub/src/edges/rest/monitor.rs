//! `/api/monitor/*`: error rates, banned channels and lifting bans, current rates.
//!
//! Error rates per channel and model; current rates in every dimension, per group, per token of
//! a group and per model (and token and model) of a group; over LogService, ChannelService and
//! TokenService.
//!
//! The seed keeps error rates in a Redis sliding window; ours come from the request logs' minute
//! summaries over the last [`WINDOW_MS`], so they survive restarts and agree with the dashboard.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tonic::Request;

use super::spec::Operation;
use super::{ApiError, ApiResult, Body, Params, ok};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::channels::Channels;
use crate::edges::grpc::logs::Logs;
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::channel_service_server::ChannelService;
use crate::edges::grpc::pb::log_service_server::LogService;
use crate::edges::grpc::pb::token_service_server::TokenService;
use crate::edges::grpc::tokens::Tokens;

/// How far back error rates look.
const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Most channels or models one answer covers.
const MOST_ENTRIES: i32 = 1000;

pub fn operations() -> Vec<Operation> {
    vec![
        Operation::get(
            "/api/monitor/",
            "Error rate of each channel over the last 15 minutes",
            channel_rates,
        )
        .data::<BTreeMap<String, f64>>(),
        Operation::get(
            "/api/monitor/models",
            "Error rate of each model over the last 15 minutes",
            model_rates,
        )
        .data::<BTreeMap<String, f64>>(),
        Operation::get(
            "/api/monitor/{id}",
            "Error rate of each model of one channel",
            one_channel,
        )
        .data::<BTreeMap<String, f64>>(),
        Operation::get(
            "/api/monitor/banned_channels",
            "Banned channels by model",
            banned,
        )
        .data::<BTreeMap<String, Vec<i64>>>(),
        Operation::get(
            "/api/monitor/bans",
            "Every ban with its reason and times (ours)",
            bans,
        )
        .data::<Vec<Ban>>(),
        Operation::get(
            "/api/monitor/runtime_metrics",
            "Requests and tokens per minute now",
            runtime,
        )
        .data::<Vec<Rate>>(),
        Operation::get(
            "/api/monitor/group_summary_metrics",
            "Requests and tokens per minute now, per group (`groups`: a comma-separated list, every group when absent)",
            group_summary,
        )
        .query::<GroupsQuery>()
        .data::<GroupSummaryMetrics>(),
        Operation::get(
            "/api/monitor/group_token_metrics/{group}",
            "Requests and tokens per minute now, per token of the group, by token name",
            group_tokens,
        )
        .data::<GroupTokenMetrics>(),
        Operation::get(
            "/api/monitor/group_model_metrics/{group}",
            "Requests and tokens per minute now, per model the group's tokens asked for",
            group_models,
        )
        .data::<GroupModelMetrics>(),
        Operation::get(
            "/api/monitor/group_tokenname_model_metrics/{group}",
            "Requests and tokens per minute now, per token name and model of the group",
            group_token_models,
        )
        .data::<GroupTokenModelMetrics>(),
        Operation::post(
            "/api/monitor/batch_group_token_metrics",
            "Requests and tokens per minute now, for each group and token name asked",
            batch_group_tokens,
        )
        .body::<BatchTokenMetricsBody>()
        .data::<BatchTokenMetrics>(),
        Operation::delete("/api/monitor/", "Lift every ban", clear_all).data::<Cleared>(),
        Operation::delete(
            "/api/monitor/{id}",
            "Lift the bans of one channel",
            clear_channel,
        )
        .data::<Cleared>(),
        Operation::delete(
            "/api/monitor/{id}/{*model}",
            "Lift one channel's ban for one model",
            clear_model,
        )
        .data::<Cleared>(),
    ]
}

fn rate(errors: i64, requests: i64) -> f64 {
    if requests <= 0 {
        0.0
    } else {
        errors as f64 / requests as f64
    }
}

async fn ranked(cp: ControlPlane, dimension: pb::RankingDimension) -> ApiResult {
    let now = crate::store::now_ms();
    let entries = Logs::new(&cp)
        .get_ranking(Request::new(pb::GetRankingRequest {
            dimension: dimension as i32,
            metric: pb::RankingMetric::Requests as i32,
            granularity: pb::Granularity::Minute as i32,
            start_ms: now - WINDOW_MS,
            end_ms: now + 1,
            limit: MOST_ENTRIES,
            ..Default::default()
        }))
        .await?
        .into_inner()
        .entries;
    let rates: BTreeMap<String, f64> = entries
        .into_iter()
        .map(|entry| (entry.key, rate(entry.errors, entry.requests)))
        .collect();
    Ok(ok(rates))
}

async fn channel_rates(State(cp): State<ControlPlane>) -> ApiResult {
    ranked(cp, pb::RankingDimension::Channel).await
}

async fn model_rates(State(cp): State<ControlPlane>) -> ApiResult {
    ranked(cp, pb::RankingDimension::Model).await
}

fn channel_id(id: &str) -> Result<i64, ApiError> {
    id.parse()
        .map_err(|_| ApiError::bad_request(format!("invalid channel id: {id}")))
}

/// One summary per model the channel serves (its own list bounds the calls).
async fn one_channel(State(cp): State<ControlPlane>, Path(id): Path<String>) -> ApiResult {
    let id = channel_id(&id)?;
    let channel = Channels(cp.clone())
        .get_channel(Request::new(pb::GetChannelRequest { id }))
        .await?
        .into_inner();
    let logs = Logs::new(&cp);
    let now = crate::store::now_ms();
    let mut rates = BTreeMap::new();
    for model in channel.models {
        let points = logs
            .get_summary(Request::new(pb::GetSummaryRequest {
                granularity: pb::Granularity::Minute as i32,
                filter: Some(pb::SummaryFilter {
                    start_ms: now - WINDOW_MS,
                    end_ms: now + 1,
                    channel_id: Some(id),
                    model: Some(model.clone()),
                    ..Default::default()
                }),
                ..Default::default()
            }))
            .await?
            .into_inner()
            .points;
        let (errors, requests) = points.iter().fold((0, 0), |(errors, requests), point| {
            (errors + point.errors, requests + point.requests)
        });
        if requests > 0 {
            rates.insert(model, rate(errors, requests));
        }
    }
    Ok(ok(rates))
}

/// A ban as the relay holds it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Ban {
    channel_id: i64,
    model: String,
    reason: String,
    since: i64,
    until: i64,
    next_probe: i64,
}

async fn list_bans(cp: ControlPlane) -> Result<Vec<pb::ChannelBan>, ApiError> {
    Ok(Channels(cp)
        .list_channel_bans(Request::new(pb::ListChannelBansRequest {
            channel_id: None,
        }))
        .await?
        .into_inner()
        .bans)
}

/// The seed's shape: model to the channels banned for it.
async fn banned(State(cp): State<ControlPlane>) -> ApiResult {
    let mut by_model: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for ban in list_bans(cp).await? {
        by_model.entry(ban.model).or_default().push(ban.channel_id);
    }
    Ok(ok(by_model))
}

async fn bans(State(cp): State<ControlPlane>) -> ApiResult {
    let bans: Vec<Ban> = list_bans(cp)
        .await?
        .into_iter()
        .map(|ban| Ban {
            channel_id: ban.channel_id,
            model: ban.model,
            reason: ban.reason,
            since: ban.since_ms,
            until: ban.until_ms,
            next_probe: ban.next_probe_ms,
        })
        .collect();
    Ok(ok(bans))
}

/// One current rate: `dimension` is `channel`, `group`, `token` or `model`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Rate {
    dimension: String,
    id: String,
    rpm: i64,
    tpm: i64,
}

async fn runtime(State(cp): State<ControlPlane>) -> ApiResult {
    let rates: Vec<Rate> = Logs::new(&cp)
        .get_current_rates(Request::new(pb::GetCurrentRatesRequest {
            dimension: String::new(),
        }))
        .await?
        .into_inner()
        .rates
        .into_iter()
        .map(|rate| Rate {
            dimension: rate.dimension,
            id: rate.id,
            rpm: rate.requests_per_minute,
            tpm: rate.tokens_per_minute,
        })
        .collect();
    Ok(ok(rates))
}

/// The seed's rate metric: `rps` and `tps` are the last minute's means (`rpm` / 60, `tpm` / 60).
#[derive(Debug, Default, Clone, Copy, Serialize, JsonSchema)]
pub struct RateMetric {
    rpm: i64,
    tpm: i64,
    rps: i64,
    tps: i64,
}

impl RateMetric {
    fn of(rate: &pb::CurrentRate) -> RateMetric {
        RateMetric {
            rpm: rate.requests_per_minute,
            tpm: rate.tokens_per_minute,
            rps: rate.requests_per_minute / 60,
            tps: rate.tokens_per_minute / 60,
        }
    }
}

async fn rates_of(cp: &ControlPlane, dimension: &str) -> Result<Vec<pb::CurrentRate>, ApiError> {
    Ok(Logs::new(cp)
        .get_current_rates(Request::new(pb::GetCurrentRatesRequest {
            dimension: dimension.to_owned(),
        }))
        .await?
        .into_inner()
        .rates)
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct GroupsQuery {
    /// Comma-separated group ids.
    #[serde(default)]
    groups: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct GroupSummaryMetrics {
    groups: BTreeMap<String, RateMetric>,
}

/// Groups with no request in the last minute are absent unless named (then zero).
async fn group_summary(
    State(cp): State<ControlPlane>,
    Params(query): Params<GroupsQuery>,
) -> ApiResult {
    let named: Vec<&str> = query
        .groups
        .split(',')
        .map(str::trim)
        .filter(|group| !group.is_empty())
        .collect();
    let mut groups: BTreeMap<String, RateMetric> = named
        .iter()
        .map(|group| ((*group).to_owned(), RateMetric::default()))
        .collect();
    for rate in rates_of(&cp, "group").await? {
        if named.is_empty() || named.contains(&rate.id.as_str()) {
            groups.insert(rate.id.clone(), RateMetric::of(&rate));
        }
    }
    Ok(ok(GroupSummaryMetrics { groups }))
}

/// The group's tokens by id, to name the token rates (kept by token id).
async fn token_names(cp: &ControlPlane, group: &str) -> Result<BTreeMap<String, String>, ApiError> {
    let service = Tokens(cp.clone());
    let mut names = BTreeMap::new();
    let mut page_token = String::new();
    loop {
        let answer = service
            .list_tokens(Request::new(pb::ListTokensRequest {
                page_size: 1000,
                page_token,
                group_id: group.to_owned(),
                ..Default::default()
            }))
            .await?
            .into_inner();
        names.extend(
            answer
                .tokens
                .into_iter()
                .map(|token| (token.id.to_string(), token.name)),
        );
        if answer.next_page_token.is_empty() {
            return Ok(names);
        }
        page_token = answer.next_page_token;
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct GroupTokenMetrics {
    tokens: BTreeMap<String, RateMetric>,
}

/// Every token of the group, zero when it made no request in the last minute.
async fn group_token_rates(
    cp: &ControlPlane,
    group: &str,
    rates: &[pb::CurrentRate],
) -> Result<BTreeMap<String, RateMetric>, ApiError> {
    let names = token_names(cp, group).await?;
    let mut tokens: BTreeMap<String, RateMetric> = names
        .values()
        .map(|name| (name.clone(), RateMetric::default()))
        .collect();
    for rate in rates {
        if let Some(name) = names.get(&rate.id) {
            tokens.insert(name.clone(), RateMetric::of(rate));
        }
    }
    Ok(tokens)
}

async fn group_tokens(State(cp): State<ControlPlane>, Path(group): Path<String>) -> ApiResult {
    let rates = rates_of(&cp, "token").await?;
    let tokens = group_token_rates(&cp, &group, &rates).await?;
    Ok(ok(GroupTokenMetrics { tokens }))
}

/// One token's rate for one model (the live `token_model` rates), the token named.
struct TokenModelRate {
    token_name: String,
    model: String,
    metric: RateMetric,
}

/// The group's `token_model` rates: its tokens' (by id, named through ListTokens).
async fn group_token_model_rates(
    cp: &ControlPlane,
    group: &str,
) -> Result<Vec<TokenModelRate>, ApiError> {
    let names = token_names(cp, group).await?;
    Ok(rates_of(cp, "token_model")
        .await?
        .iter()
        .filter_map(|rate| {
            let (token, model) = rate.id.split_once(':')?;
            Some(TokenModelRate {
                token_name: names.get(token)?.clone(),
                model: model.to_owned(),
                metric: RateMetric::of(rate),
            })
        })
        .collect())
}

impl RateMetric {
    fn add(&mut self, other: RateMetric) {
        self.rpm = self.rpm.saturating_add(other.rpm);
        self.tpm = self.tpm.saturating_add(other.tpm);
        self.rps = self.rpm / 60;
        self.tps = self.tpm / 60;
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct GroupModelMetrics {
    /// Models asked for in the last minute (others are absent).
    models: BTreeMap<String, RateMetric>,
}

/// A group's requests are its tokens' (every relay request carries one), so a model's rate in
/// the group is the sum of its tokens' rates for it.
async fn group_models(State(cp): State<ControlPlane>, Path(group): Path<String>) -> ApiResult {
    let mut models: BTreeMap<String, RateMetric> = BTreeMap::new();
    for rate in group_token_model_rates(&cp, &group).await? {
        models.entry(rate.model).or_default().add(rate.metric);
    }
    Ok(ok(GroupModelMetrics { models }))
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TokenModelItem {
    group: String,
    token_name: String,
    model: String,
    #[serde(flatten)]
    metric: RateMetric,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct GroupTokenModelMetrics {
    /// By token name, then model; pairs without a request in the last minute are absent.
    items: Vec<TokenModelItem>,
}

async fn group_token_models(
    State(cp): State<ControlPlane>,
    Path(group): Path<String>,
) -> ApiResult {
    let mut pairs: BTreeMap<(String, String), RateMetric> = BTreeMap::new();
    for rate in group_token_model_rates(&cp, &group).await? {
        pairs
            .entry((rate.token_name, rate.model))
            .or_default()
            .add(rate.metric);
    }
    let items = pairs
        .into_iter()
        .map(|((token_name, model), metric)| TokenModelItem {
            group: group.clone(),
            token_name,
            model,
            metric,
        })
        .collect();
    Ok(ok(GroupTokenModelMetrics { items }))
}

#[derive(Debug, Deserialize, JsonSchema)]
pub struct TokenOfGroup {
    group: String,
    token_name: String,
}

/// At most [`MOST_ENTRIES`] items.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct BatchTokenMetricsBody {
    #[serde(default)]
    items: Vec<TokenOfGroup>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TokenMetricItem {
    group: String,
    token_name: String,
    #[serde(flatten)]
    metric: RateMetric,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct BatchTokenMetrics {
    items: Vec<TokenMetricItem>,
}

async fn batch_group_tokens(
    State(cp): State<ControlPlane>,
    Body(body): Body<BatchTokenMetricsBody>,
) -> ApiResult {
    if body.items.len() > usize::try_from(MOST_ENTRIES).unwrap_or(usize::MAX) {
        return Err(ApiError::bad_request(format!(
            "at most {MOST_ENTRIES} items per request"
        )));
    }
    let rates = rates_of(&cp, "token").await?;
    let mut by_group: BTreeMap<String, BTreeMap<String, RateMetric>> = BTreeMap::new();
    let mut items = Vec::new();
    for item in body.items {
        if !by_group.contains_key(&item.group) {
            let tokens = group_token_rates(&cp, &item.group, &rates).await?;
            by_group.insert(item.group.clone(), tokens);
        }
        let metric = by_group
            .get(&item.group)
            .and_then(|tokens| tokens.get(&item.token_name))
            .copied()
            .unwrap_or_default();
        items.push(TokenMetricItem {
            group: item.group,
            token_name: item.token_name,
            metric,
        });
    }
    Ok(ok(BatchTokenMetrics { items }))
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Cleared {
    cleared: i64,
}

async fn clear(cp: ControlPlane, channel_id: Option<i64>, model: Option<String>) -> ApiResult {
    let answer = Channels(cp)
        .clear_channel_bans(Request::new(pb::ClearChannelBansRequest {
            channel_id,
            model,
        }))
        .await?
        .into_inner();
    Ok(ok(Cleared {
        cleared: answer.cleared,
    }))
}

async fn clear_all(State(cp): State<ControlPlane>) -> ApiResult {
    clear(cp, None, None).await
}

async fn clear_channel(State(cp): State<ControlPlane>, Path(id): Path<String>) -> ApiResult {
    clear(cp, Some(channel_id(&id)?), None).await
}

async fn clear_model(
    State(cp): State<ControlPlane>,
    Path((id, model)): Path<(String, String)>,
) -> ApiResult {
    let model = model.trim_start_matches('/').to_owned();
    clear(cp, Some(channel_id(&id)?), Some(model)).await
}
