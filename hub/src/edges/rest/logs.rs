//! `/api/dashboard/*` (the seed's v1 shape) and `/api/logs/*`, `/api/log/:group/*` over the control plane's LogService.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tonic::Request;

use super::spec::Operation;
use super::{ApiError, ApiResult, Paging, Params, number, ok, timestamp_ms};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::logs::Logs;
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::log_service_server::LogService;

pub fn dashboard_operations() -> Vec<Operation> {
    let mut operations: Vec<Operation> = ["/api/dashboard/", "/api/dashboard"]
        .into_iter()
        .map(|path| {
            Operation::get(path, "Usage over time of every group", dashboard)
                .query::<DashboardQuery>()
                .data::<Dashboard>()
        })
        .collect();
    operations.push(
        Operation::get(
            "/api/dashboard/{group}",
            "Usage over time of one group",
            group_dashboard,
        )
        .query::<DashboardQuery>()
        .data::<Dashboard>(),
    );
    operations
}

pub fn operations() -> Vec<Operation> {
    let mut operations: Vec<Operation> = ["/api/logs/", "/api/logs", "/api/logs/search"]
        .into_iter()
        .map(|path| {
            Operation::get(path, "A page of request logs, newest first", logs)
                .query::<LogQuery>()
                .data::<LogPage>()
        })
        .collect();
    for path in ["/api/log/{group}", "/api/log/{group}/search"] {
        operations.push(
            Operation::get(path, "A page of the group's request logs", group_logs)
                .query::<LogQuery>()
                .data::<LogPage>(),
        );
    }
    operations
}

pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct DashboardQuery {
    /// `day`, `week`, `two_week`, `month`: the range ending now when no start is given.
    #[serde(default)]
    r#type: String,
    /// `minute`, `hour` or `day` buckets.
    #[serde(default)]
    timespan: String,
    #[serde(default)]
    start_timestamp: String,
    #[serde(default)]
    end_timestamp: String,
    #[serde(default)]
    model: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    token_name: String,
    /// The zone whose midnights `day` buckets start at (IANA name); UTC when absent or `Local`.
    #[serde(default)]
    timezone: String,
}

/// The seed's usage counters with its names; zero fields are left out as the seed does.
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct SummarySet {
    request_count: i64,
    #[serde(skip_serializing_if = "is_zero")]
    exception_count: i64,
    #[serde(skip_serializing_if = "is_zero")]
    status_4xx_count: i64,
    #[serde(skip_serializing_if = "is_zero")]
    status_5xx_count: i64,
    #[serde(skip_serializing_if = "is_zero")]
    input_tokens: i64,
    #[serde(skip_serializing_if = "is_zero")]
    output_tokens: i64,
    #[serde(skip_serializing_if = "is_zero")]
    cached_tokens: i64,
    #[serde(skip_serializing_if = "is_zero")]
    cache_creation_tokens: i64,
    #[serde(skip_serializing_if = "is_zero")]
    reasoning_tokens: i64,
    #[serde(skip_serializing_if = "is_zero")]
    total_tokens: i64,
    used_amount: f64,
    #[serde(skip_serializing_if = "is_zero")]
    total_time_milliseconds: i64,
    #[serde(skip_serializing_if = "is_zero")]
    total_ttfb_milliseconds: i64,
}

fn is_zero(value: &i64) -> bool {
    *value == 0
}

impl SummarySet {
    pub fn add(&mut self, point: &pb::SummaryPoint) {
        self.request_count += point.requests;
        self.exception_count += point.errors;
        self.status_4xx_count += point.client_errors;
        self.status_5xx_count += point.server_errors;
        self.input_tokens += point.input_tokens;
        self.output_tokens += point.output_tokens;
        self.cached_tokens += point.cached_tokens;
        self.cache_creation_tokens += point.cache_creation_tokens;
        self.reasoning_tokens += point.reasoning_tokens;
        self.total_tokens += point.total_tokens;
        self.used_amount += number(&point.cost);
        // Means back to sums (the seed reports sums).
        self.total_time_milliseconds += (point.avg_latency_ms * point.requests as f64) as i64;
        self.total_ttfb_milliseconds += (point.avg_ttfb_ms * point.requests as f64) as i64;
    }
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ChartPoint {
    /// Bucket start in unix seconds, as the seed's chart data.
    timestamp: i64,
    #[serde(flatten)]
    summary: SummarySet,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Dashboard {
    chart_data: Vec<ChartPoint>,
    rpm: i64,
    tpm: i64,
    total_count: i64,
    #[serde(flatten)]
    summary: SummarySet,
}

async fn dashboard(
    State(cp): State<ControlPlane>,
    Params(query): Params<DashboardQuery>,
) -> ApiResult {
    build_dashboard(cp, None, query).await
}

async fn group_dashboard(
    State(cp): State<ControlPlane>,
    Path(group): Path<String>,
    Params(query): Params<DashboardQuery>,
) -> ApiResult {
    build_dashboard(cp, Some(group), query).await
}

async fn build_dashboard(
    cp: ControlPlane,
    group: Option<String>,
    query: DashboardQuery,
) -> ApiResult {
    let zone = super::time_zone::named(&query.timezone)?;
    let now = crate::store::now_ms();
    let end = match timestamp_ms(query.end_timestamp.trim().parse().unwrap_or(0)) {
        0 => now,
        end => end,
    };
    let (default_span, default_bucket) = match query.r#type.as_str() {
        "month" => (30 * DAY_MS, "day"),
        "two_week" => (15 * DAY_MS, "day"),
        "week" => (7 * DAY_MS, "day"),
        "day" => (DAY_MS, "hour"),
        _ => (7 * DAY_MS, "hour"),
    };
    let start = match timestamp_ms(query.start_timestamp.trim().parse().unwrap_or(0)) {
        0 => end - default_span,
        start => start,
    };
    let bucket = match query.timespan.as_str() {
        "minute" | "hour" | "day" => query.timespan.as_str(),
        _ => default_bucket,
    };
    let channel_id = match query.channel.trim() {
        "" | "0" => None,
        text => Some(
            text.parse::<i64>()
                .map_err(|_| ApiError::bad_request(format!("invalid channel: {text}")))?,
        ),
    };
    let filter = pb::SummaryFilter {
        start_ms: start,
        // The end is exclusive in the service and inclusive in the seed.
        end_ms: end + 1,
        group_id: group.clone(),
        token_name: Some(query.token_name).filter(|name| !name.is_empty()),
        model: Some(query.model).filter(|model| !model.is_empty()),
        channel_id,
    };
    let granularity = if bucket == "minute" {
        pb::Granularity::Minute
    } else {
        pb::Granularity::Hour
    };
    let logs = Logs::new(&cp);
    let points = logs
        .get_summary(Request::new(pb::GetSummaryRequest {
            granularity: granularity as i32,
            filter: Some(filter),
            ..Default::default()
        }))
        .await?
        .into_inner()
        .points;
    // Day buckets are folded from hour buckets at the zone's midnight.
    let mut buckets: BTreeMap<i64, SummarySet> = BTreeMap::new();
    let mut summary = SummarySet::default();
    for point in &points {
        let at = if bucket == "day" {
            super::time_zone::day_start_ms(point.bucket_ms, zone)
        } else {
            point.bucket_ms
        };
        buckets.entry(at).or_default().add(point);
        summary.add(point);
    }
    let (rpm, tpm) = current_rates(&logs, group.as_deref()).await?;
    Ok(ok(Dashboard {
        chart_data: buckets
            .into_iter()
            .map(|(at, summary)| ChartPoint {
                timestamp: at / 1000,
                summary,
            })
            .collect(),
        rpm,
        tpm,
        total_count: summary.request_count,
        summary,
    }))
}

/// Requests and tokens in the last minute: the group's, or every channel's together.
pub async fn current_rates(logs: &Logs, group: Option<&str>) -> Result<(i64, i64), ApiError> {
    let dimension = if group.is_some() { "group" } else { "channel" };
    let rates = logs
        .get_current_rates(Request::new(pb::GetCurrentRatesRequest {
            dimension: dimension.to_owned(),
        }))
        .await?
        .into_inner()
        .rates;
    Ok(rates
        .iter()
        .filter(|rate| group.is_none_or(|group| rate.id == group))
        .fold((0, 0), |(rpm, tpm), rate| {
            (rpm + rate.requests_per_minute, tpm + rate.tokens_per_minute)
        }))
}

#[derive(Debug, Default, Clone, Deserialize, JsonSchema)]
pub struct LogQuery {
    #[serde(flatten)]
    paging: Paging,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    token_name: String,
    #[serde(default)]
    model_name: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    code_type: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    request_id: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    start_timestamp: String,
    #[serde(default)]
    end_timestamp: String,
}

/// One request log as the seed shows it (times in unix ms).
#[derive(Debug, Serialize, JsonSchema)]
pub struct SeedLog {
    id: i64,
    request_id: String,
    upstream_id: String,
    created_at: i64,
    request_at: i64,
    group: String,
    token_name: String,
    token_id: i64,
    model: String,
    actual_model: String,
    channel: i64,
    code: i64,
    endpoint: String,
    content: String,
    ip: String,
    user: String,
    retry_times: i64,
    ttfb_milliseconds: i64,
    total_milliseconds: i64,
    usage: LogUsage,
    amount: LogAmount,
    /// The price tier and media price cells the request was charged at, joined by `;`
    /// (`flex`, `image:1024x1024/hd`, `video:1792x1024,seconds>8`); absent for base prices.
    #[serde(skip_serializing_if = "String::is_empty")]
    price_tier: String,
    /// What was charged for which unit, line by line: `{"images": {"units": 2, "price":
    /// "0.08", "amount": "0.16", "tier": "image:1024x1024/hd"}, ...}` (tokens per `unit`
    /// tokens); absent when nothing was charged.
    #[serde(skip_serializing_if = "Option::is_none")]
    charge_detail: Option<serde_json::Value>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct LogUsage {
    input_tokens: i64,
    output_tokens: i64,
    cached_tokens: i64,
    cache_creation_tokens: i64,
    reasoning_tokens: i64,
    total_tokens: i64,
    web_search_count: i64,
}

/// The seed's amounts by kind, from the row's charge lines (absent when zero, as the seed's);
/// `used_amount` is the row's whole cost, media units included.
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct LogAmount {
    #[serde(skip_serializing_if = "is_zero_amount")]
    input_amount: f64,
    #[serde(skip_serializing_if = "is_zero_amount")]
    image_input_amount: f64,
    #[serde(skip_serializing_if = "is_zero_amount")]
    audio_input_amount: f64,
    #[serde(skip_serializing_if = "is_zero_amount")]
    output_amount: f64,
    #[serde(skip_serializing_if = "is_zero_amount")]
    image_output_amount: f64,
    #[serde(skip_serializing_if = "is_zero_amount")]
    audio_output_amount: f64,
    #[serde(skip_serializing_if = "is_zero_amount")]
    cached_amount: f64,
    #[serde(skip_serializing_if = "is_zero_amount")]
    cache_creation_amount: f64,
    #[serde(skip_serializing_if = "is_zero_amount")]
    web_search_amount: f64,
    used_amount: f64,
}

fn is_zero_amount(amount: &f64) -> bool {
    *amount == 0.0
}

impl LogAmount {
    /// The seed's amount fields from a row's `charge_detail`: each token kind in its own
    /// field, reasoning tokens in `output_amount` (the seed prices them as output).
    fn from_detail(detail: Option<&serde_json::Value>, cost: &str) -> LogAmount {
        let mut amount = LogAmount {
            used_amount: number(cost),
            ..LogAmount::default()
        };
        let Some(lines) = detail.and_then(serde_json::Value::as_object) else {
            return amount;
        };
        for (item, line) in lines {
            let value = line
                .get("amount")
                .and_then(serde_json::Value::as_str)
                .map_or(0.0, number);
            let field = match item.as_str() {
                "input_tokens" => &mut amount.input_amount,
                "image_input_tokens" => &mut amount.image_input_amount,
                "audio_input_tokens" => &mut amount.audio_input_amount,
                "output_tokens" | "reasoning_tokens" => &mut amount.output_amount,
                "image_output_tokens" => &mut amount.image_output_amount,
                "audio_output_tokens" => &mut amount.audio_output_amount,
                "cached_input_tokens" => &mut amount.cached_amount,
                "cache_creation_tokens" => &mut amount.cache_creation_amount,
                "web_search_calls" => &mut amount.web_search_amount,
                _ => continue,
            };
            *field += value;
        }
        amount
    }
}

pub fn seed_log(log: pb::RequestLog) -> SeedLog {
    let charge_detail = serde_json::from_str::<serde_json::Value>(&log.charge_detail).ok();
    SeedLog {
        id: log.id,
        request_id: log.request_id,
        upstream_id: log.upstream_request_id,
        created_at: log.created_at_ms,
        request_at: log.created_at_ms,
        group: log.group_id,
        token_name: log.token_name,
        token_id: log.token_id.unwrap_or_default(),
        model: log.requested_model,
        actual_model: log.actual_model,
        channel: log.channel_id.unwrap_or_default(),
        code: log.status_code,
        endpoint: log.endpoint,
        content: log.error,
        ip: log.client_ip,
        user: log.user,
        retry_times: log.retries,
        ttfb_milliseconds: log.ttfb_ms.unwrap_or_default(),
        total_milliseconds: log.total_ms,
        usage: LogUsage {
            input_tokens: log.input_tokens,
            output_tokens: log.output_tokens,
            cached_tokens: log.cached_tokens,
            cache_creation_tokens: log.cache_creation_tokens,
            reasoning_tokens: log.reasoning_tokens,
            total_tokens: log.total_tokens,
            web_search_count: log.web_search_calls,
        },
        amount: LogAmount::from_detail(charge_detail.as_ref(), &log.cost),
        price_tier: log.price_tier,
        charge_detail,
    }
}

/// A page of request logs; `total` is a lower bound (see [`list_logs`]).
#[derive(Debug, Serialize, JsonSchema)]
pub struct LogPage {
    logs: Vec<SeedLog>,
    total: i64,
}

async fn logs(State(cp): State<ControlPlane>, Params(query): Params<LogQuery>) -> ApiResult {
    let group = Some(query.group.clone()).filter(|group| !group.is_empty());
    list_logs(cp, group, query).await
}

async fn group_logs(
    State(cp): State<ControlPlane>,
    Path(group): Path<String>,
    Params(query): Params<LogQuery>,
) -> ApiResult {
    list_logs(cp, Some(group), query).await
}

/// Pages of `per_page` newest first. The service pages by cursor, so page `p` is reached by
/// walking the pages before it, and `total` counts the rows up to this page plus one more page
/// when there is one (the seed's exact count would need a full scan of the log table).
/// The service's filter for the seed's log query (shared by the list and the CSV export).
pub fn log_filter(group: Option<String>, query: &LogQuery) -> Result<pb::LogFilter, ApiError> {
    let query = query.clone();
    let optional = |text: String| Some(text).filter(|text| !text.is_empty());
    let parse = |field: &str, text: &str| -> Result<Option<i64>, ApiError> {
        match text.trim() {
            "" | "0" => Ok(None),
            text => text
                .parse()
                .map(Some)
                .map_err(|_| ApiError::bad_request(format!("invalid {field}: {text}"))),
        }
    };
    let status_class = match query.code_type.as_str() {
        "success" => pb::StatusClass::Success,
        "error" => pb::StatusClass::Error,
        _ => pb::StatusClass::Unspecified,
    };
    Ok(pb::LogFilter {
        start_ms: timestamp_ms(query.start_timestamp.trim().parse().unwrap_or(0)),
        end_ms: match timestamp_ms(query.end_timestamp.trim().parse().unwrap_or(0)) {
            0 => 0,
            end => end + 1,
        },
        group_id: group,
        token_name: optional(query.token_name),
        model: optional(query.model_name),
        channel_id: parse("channel", &query.channel)?,
        status_code: parse("code", &query.code)?,
        status_class: status_class as i32,
        request_id: optional(query.request_id),
        user: optional(query.user),
        metadata_contains: None,
    })
}

async fn list_logs(cp: ControlPlane, group: Option<String>, query: LogQuery) -> ApiResult {
    let filter = log_filter(group, &query)?;
    let per_page = query.paging.per_page();
    let wanted = query.paging.p.max(1);
    let service = Logs::new(&cp);
    let mut page_token = String::new();
    let mut seen = 0_i64;
    let mut page = 1_i64;
    loop {
        let answer = service
            .list_logs(Request::new(pb::ListLogsRequest {
                filter: Some(filter.clone()),
                page_size: i32::try_from(per_page).unwrap_or(i32::MAX),
                page_token,
            }))
            .await?
            .into_inner();
        let returned = i64::try_from(answer.logs.len()).unwrap_or(i64::MAX);
        seen += returned;
        let more = !answer.next_page_token.is_empty();
        if page == wanted || !more {
            let logs: Vec<SeedLog> = if page == wanted {
                answer.logs.into_iter().map(seed_log).collect()
            } else {
                Vec::new()
            };
            return Ok(ok(LogPage {
                logs,
                total: seen + if more { per_page } else { 0 },
            }));
        }
        page += 1;
        page_token = answer.next_page_token;
    }
}
