//! `DELETE /api/logs/`, log detail, the CSV export and `/api/logs/consume_error`, over the control plane's LogService.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use futures::StreamExt;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tonic::Request;

use super::logs::{LogQuery, SeedLog, log_filter, seed_log};
use super::spec::Operation;
use super::{ApiError, ApiResult, Params, ok, timestamp_ms};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::logs::Logs;
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::log_service_server::LogService;

pub fn operations() -> Vec<Operation> {
    let mut operations: Vec<Operation> = ["/api/logs/", "/api/logs"]
        .into_iter()
        .map(|path| {
            Operation::delete(path, "Delete request logs created before a time", remove)
                .query::<DeleteQuery>()
                .data::<Deleted>()
        })
        .collect();
    operations.extend([
        Operation::get(
            "/api/logs/export",
            "Request logs as CSV, with the list's filters",
            export,
        )
        .query::<LogQuery>()
        .csv(),
        Operation::get(
            "/api/log/{group}/export",
            "The group's request logs as CSV",
            export_group,
        )
        .query::<LogQuery>()
        .csv(),
        Operation::get(
            "/api/logs/detail/{log_id}",
            "A request log with its stored bodies",
            detail,
        )
        .data::<LogDetail>(),
        Operation::get(
            "/api/log/{group}/detail/{log_id}",
            "A request log of the group with its stored bodies",
            group_detail,
        )
        .data::<LogDetail>(),
        Operation::get(
            "/api/logs/consume_error",
            "Requests whose charge failed after they were served (none here: see the description)",
            consume_errors,
        )
        .query::<ConsumeErrorQuery>()
        .data::<ConsumeErrorPage>(),
    ]);
    operations
}

/// The seed's filters of its consumption errors (described, parsed, and with nothing to filter).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[expect(
    dead_code,
    reason = "the seed's filters, for the document: there is nothing to filter"
)]
pub struct ConsumeErrorQuery {
    #[serde(flatten)]
    paging: super::Paging,
    #[serde(default)]
    keyword: String,
    #[serde(default)]
    group: String,
    #[serde(default)]
    token_name: String,
    #[serde(default)]
    model_name: String,
    #[serde(default)]
    token_id: String,
    #[serde(default)]
    request_id: String,
    #[serde(default)]
    order: String,
    #[serde(default)]
    start_timestamp: String,
    #[serde(default)]
    end_timestamp: String,
}

/// One failed charge, in the seed's fields (times in unix ms).
#[derive(Debug, Serialize, JsonSchema)]
pub struct ConsumeError {
    id: i64,
    request_id: String,
    request_at: i64,
    created_at: i64,
    group_id: String,
    token_name: String,
    token_id: i64,
    model: String,
    content: String,
    used_amount: f64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ConsumeErrorPage {
    logs: Vec<ConsumeError>,
    total: i64,
}

/// The seed records a charge its outside balance service refused after the request was served.
/// Ours charges in the transaction that writes the request's log (a batch that fails is
/// retried whole, from the journal when the database is away), so a served request cannot be
/// left uncharged and the list is always empty. The query is still parsed, so a malformed one
/// is refused as the other log routes refuse it.
async fn consume_errors(Params(_query): Params<ConsumeErrorQuery>) -> ApiResult {
    Ok(ok(ConsumeErrorPage {
        logs: Vec::new(),
        total: 0,
    }))
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct DeleteQuery {
    /// Logs created before this time are deleted: unix seconds or milliseconds. Required.
    #[serde(default)]
    timestamp: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Deleted {
    deleted: i64,
}

/// The seed deletes everything before the timestamp; so do we, in the service's batches
/// (`CLEAN_LOG_BATCH_SIZE`). Without a timestamp nothing is deleted.
async fn remove(State(cp): State<ControlPlane>, Params(query): Params<DeleteQuery>) -> ApiResult {
    let before_ms = timestamp_ms(query.timestamp.trim().parse().unwrap_or(0));
    if before_ms == 0 {
        return Err(ApiError::bad_request("timestamp is required"));
    }
    let answer = Logs::new(&cp)
        .delete_logs(Request::new(pb::DeleteLogsRequest { before_ms }))
        .await?
        .into_inner();
    Ok(ok(Deleted {
        deleted: answer.deleted,
    }))
}

/// The CSV as the service writes it, chunk by chunk: memory stays bounded whatever the range.
async fn stream_csv(cp: ControlPlane, group: Option<String>, query: LogQuery) -> ApiResult {
    let filter = log_filter(group, &query)?;
    let chunks = Logs::new(&cp)
        .export_logs(Request::new(pb::ExportLogsRequest {
            filter: Some(filter),
        }))
        .await?
        .into_inner();
    let body = axum::body::Body::from_stream(chunks.map(|chunk| {
        chunk
            .map(|chunk| bytes::Bytes::from(chunk.data))
            .map_err(|status| std::io::Error::other(status.message().to_owned()))
    }));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"logs.csv\""),
    );
    Ok(response)
}

async fn export(State(cp): State<ControlPlane>, Params(query): Params<LogQuery>) -> ApiResult {
    let group = Some(query.group.clone()).filter(|group| !group.is_empty());
    stream_csv(cp, group, query).await
}

async fn export_group(
    State(cp): State<ControlPlane>,
    Path(group): Path<String>,
    Params(query): Params<LogQuery>,
) -> ApiResult {
    stream_csv(cp, Some(group), query).await
}

/// The log and what was stored of its bodies (`request_body`, `response_body`, as the seed's
/// `RequestDetail`).
#[derive(Debug, Serialize, JsonSchema)]
pub struct LogDetail {
    #[serde(flatten)]
    log: SeedLog,
    request_body: String,
    response_body: String,
    request_body_truncated: bool,
    response_body_truncated: bool,
}

/// `log_id` is the log's request id: the service addresses logs by it (the seed by its row id).
async fn find(cp: ControlPlane, log_id: String, group: Option<&str>) -> ApiResult {
    let answer = Logs::new(&cp)
        .get_log(Request::new(pb::GetLogRequest { request_id: log_id }))
        .await?
        .into_inner();
    let log = answer
        .log
        .filter(|log| group.is_none_or(|group| log.group_id == group))
        .ok_or_else(|| ApiError::not_found("log not found"))?;
    let detail = answer.detail.unwrap_or_default();
    Ok(ok(LogDetail {
        log: seed_log(log),
        request_body: detail.request_body,
        response_body: detail.response_body,
        request_body_truncated: detail.request_body_truncated,
        response_body_truncated: detail.response_body_truncated,
    }))
}

async fn detail(State(cp): State<ControlPlane>, Path(log_id): Path<String>) -> ApiResult {
    find(cp, log_id, None).await
}

async fn group_detail(
    State(cp): State<ControlPlane>,
    Path((group, log_id)): Path<(String, String)>,
) -> ApiResult {
    find(cp, log_id, Some(&group)).await
}
