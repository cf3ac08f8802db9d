//! `LogService`: request logs (list, get, CSV export, delete) and summaries (series, totals, rankings).

use crate::access;
use crate::governance::rates::{Dimension, LiveRates};
use std::pin::Pin;
use std::time::Duration;

use futures::Stream;
use rust_decimal::Decimal;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use super::error::invalid;
use super::pb::{self, log_service_server::LogService};
use super::{ControlPlane, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use crate::logs::queries::{self, Cursor, LogFilter, LogRow, StatusClass};
use crate::logs::summaries::{
    self, Counters, Granularity, RankBy, RankMetric, SplitBy, SummaryFilter,
};
use crate::store::Store;

/// The service over the log database (`LOG_SQL_DSN`, or the main one).
pub struct Logs {
    pub store: Store,
    /// The main database, where the `CleanLogBatchSize` option lives.
    pub options: Store,
    /// Rows per delete statement (`CLEAN_LOG_BATCH_SIZE`) unless the option says otherwise.
    pub delete_batch: i64,
    pub live_rates: LiveRates,
}

impl Logs {
    /// The service over `cp`'s log database, deleting `CLEAN_LOG_BATCH_SIZE` rows per statement.
    pub fn new(cp: &ControlPlane) -> Logs {
        Logs {
            store: cp.log_store.clone(),
            options: cp.store.clone(),
            live_rates: cp.live_rates.clone(),
            delete_batch: i64::try_from(cp.clean_log_batch_size)
                .unwrap_or(i64::MAX)
                .max(1),
        }
    }
}

/// Rows read from the database per export page: each page becomes one CSV chunk.
const EXPORT_PAGE_ROWS: i64 = 1_000;
/// Chunks an export may run ahead of a slow client.
const EXPORT_BUFFERED_CHUNKS: usize = 4;
const DEFAULT_RANKING: usize = 10;
const MAX_RANKING: usize = 1_000;

type ExportStream = Pin<Box<dyn Stream<Item = Result<pb::CsvChunk, Status>> + Send>>;

#[tonic::async_trait]
impl LogService for Logs {
    async fn list_logs(
        &self,
        request: Request<pb::ListLogsRequest>,
    ) -> Result<Response<pb::ListLogsResponse>, Status> {
        let request = request.into_inner();
        let filter = log_filter(request.filter.unwrap_or_default())?;
        let limit = match i64::from(request.page_size) {
            0 => DEFAULT_PAGE_SIZE,
            size if size < 0 => return Err(invalid("page_size", "must not be negative")),
            size => size.min(MAX_PAGE_SIZE),
        };
        let after = if request.page_token.is_empty() {
            None
        } else {
            Some(Cursor::parse(&request.page_token)?)
        };
        let (rows, next) = queries::list(&self.store, &filter, after, limit).await?;
        Ok(Response::new(pb::ListLogsResponse {
            logs: rows.into_iter().map(log_pb).collect(),
            next_page_token: next.map(Cursor::token).unwrap_or_default(),
        }))
    }

    async fn get_log(
        &self,
        request: Request<pb::GetLogRequest>,
    ) -> Result<Response<pb::GetLogResponse>, Status> {
        let request_id = request.into_inner().request_id;
        if request_id.is_empty() {
            return Err(invalid("request_id", "is required"));
        }
        let (log, detail) = queries::get(&self.store, &request_id)
            .await?
            .ok_or_else(|| Status::not_found(format!("request log {request_id:?} not found")))?;
        access::group_scope()?.check(&log.group_id)?;
        Ok(Response::new(pb::GetLogResponse {
            log: Some(log_pb(log)),
            detail: detail.map(|detail| pb::LogDetail {
                request_body: detail.request_body.unwrap_or_default(),
                response_body: detail.response_body.unwrap_or_default(),
                request_body_truncated: detail.request_body_truncated,
                response_body_truncated: detail.response_body_truncated,
            }),
        }))
    }

    type ExportLogsStream = ExportStream;

    async fn export_logs(
        &self,
        request: Request<pb::ExportLogsRequest>,
    ) -> Result<Response<ExportStream>, Status> {
        let filter = log_filter(request.into_inner().filter.unwrap_or_default())?;
        let (chunks, receiver) = mpsc::channel(EXPORT_BUFFERED_CHUNKS);
        tokio::spawn(export(self.store.clone(), filter, chunks));
        Ok(Response::new(Box::pin(ReceiverStream::new(receiver))))
    }

    async fn delete_logs(
        &self,
        request: Request<pb::DeleteLogsRequest>,
    ) -> Result<Response<pb::DeleteLogsResponse>, Status> {
        let before_ms = request.into_inner().before_ms;
        if before_ms <= 0 {
            return Err(invalid("before_ms", "is required"));
        }
        let delete_batch = match self.options.runtime_options().await?.clean_log_batch_size {
            Some(size) => i64::try_from(size).unwrap_or(i64::MAX),
            None => self.delete_batch,
        };
        let deleted = queries::delete_before(
            &self.store,
            before_ms,
            delete_batch,
            Duration::from_millis(10),
        )
        .await?;
        Ok(Response::new(pb::DeleteLogsResponse { deleted }))
    }

    async fn get_summary(
        &self,
        request: Request<pb::GetSummaryRequest>,
    ) -> Result<Response<pb::GetSummaryResponse>, Status> {
        let request = request.into_inner();
        let granularity = granularity(request.granularity)?;
        let filter = summary_filter(request.filter.unwrap_or_default())?;
        let split = match pb::SummarySplit::try_from(request.split) {
            Ok(pb::SummarySplit::Unspecified) => None,
            Ok(pb::SummarySplit::Model) => Some(SplitBy::Model),
            Ok(pb::SummarySplit::Channel) => Some(SplitBy::Channel),
            Err(_) => return Err(invalid("split", "unknown value")),
        };
        let points = summaries::split_series(&self.store, granularity, &filter, split).await?;
        let total = summaries::sum(points.iter().map(|(_, point)| &point.counters));
        Ok(Response::new(pb::GetSummaryResponse {
            points: points
                .into_iter()
                .map(|(key, point)| pb::SummaryPoint {
                    key,
                    ..point_pb(point.bucket_ms, &point.counters)
                })
                .collect(),
            total: Some(point_pb(0, &total)),
        }))
    }

    async fn get_totals(
        &self,
        request: Request<pb::GetTotalsRequest>,
    ) -> Result<Response<pb::SummaryPoint>, Status> {
        let request = request.into_inner();
        let granularity = granularity(request.granularity)?;
        let filter = summary_filter(request.filter.unwrap_or_default())?;
        let totals = summaries::totals(&self.store, granularity, &filter).await?;
        Ok(Response::new(point_pb(0, &totals)))
    }

    async fn get_current_rates(
        &self,
        request: Request<pb::GetCurrentRatesRequest>,
    ) -> Result<Response<pb::GetCurrentRatesResponse>, Status> {
        let dimension = request.into_inner().dimension;
        let dimension = if dimension.is_empty() {
            None
        } else {
            Some(Dimension::parse(&dimension).ok_or_else(|| {
                invalid(
                    "dimension",
                    "must be channel, group, token, model, token_model or empty",
                )
            })?)
        };
        let rates = self
            .live_rates
            .current(dimension)
            .await
            .into_iter()
            .map(|rate| pb::CurrentRate {
                dimension: rate.dimension.as_str().to_owned(),
                id: rate.id,
                requests_per_minute: i64::try_from(rate.requests).unwrap_or(i64::MAX),
                tokens_per_minute: i64::try_from(rate.tokens).unwrap_or(i64::MAX),
            })
            .collect();
        Ok(Response::new(pb::GetCurrentRatesResponse { rates }))
    }

    async fn get_ranking(
        &self,
        request: Request<pb::GetRankingRequest>,
    ) -> Result<Response<pb::GetRankingResponse>, Status> {
        let request = request.into_inner();
        let by = match pb::RankingDimension::try_from(request.dimension) {
            Ok(pb::RankingDimension::Group) => RankBy::Group,
            Ok(pb::RankingDimension::Channel) => RankBy::Channel,
            Ok(pb::RankingDimension::Model) => RankBy::Model,
            Ok(pb::RankingDimension::Token) => RankBy::Token,
            _ => {
                return Err(invalid(
                    "dimension",
                    "must be GROUP, CHANNEL, MODEL or TOKEN",
                ));
            }
        };
        let metric = match pb::RankingMetric::try_from(request.metric) {
            Ok(pb::RankingMetric::Unspecified | pb::RankingMetric::Requests) => {
                RankMetric::Requests
            }
            Ok(pb::RankingMetric::Tokens) => RankMetric::Tokens,
            Ok(pb::RankingMetric::Cost) => RankMetric::Cost,
            Err(_) => return Err(invalid("metric", "unknown value")),
        };
        let limit = match request.limit {
            0 => DEFAULT_RANKING,
            limit if limit < 0 => return Err(invalid("limit", "must not be negative")),
            limit => usize::try_from(limit)
                .unwrap_or(MAX_RANKING)
                .min(MAX_RANKING),
        };
        let entries = summaries::ranking(
            &self.store,
            granularity(request.granularity)?,
            by,
            metric,
            &SummaryFilter {
                start_ms: request.start_ms,
                end_ms: request.end_ms,
                group_id: request.group_id,
                ..SummaryFilter::default()
            },
            limit,
        )
        .await?;
        Ok(Response::new(pb::GetRankingResponse {
            entries: entries
                .into_iter()
                .map(|entry| pb::RankingEntry {
                    key: entry.key,
                    requests: entry.counters.requests,
                    total_tokens: entry.counters.total_tokens,
                    cost: decimal_text(entry.counters.cost),
                    errors: entry.counters.errors,
                })
                .collect(),
        }))
    }
}

/// Streams the CSV page by page: only one page of rows is ever held, and a client that stops
/// reading stops the queries (the send fails once the stream is dropped).
async fn export(
    store: Store,
    filter: LogFilter,
    chunks: mpsc::Sender<Result<pb::CsvChunk, Status>>,
) {
    let header = queries::csv_header();
    if chunks.send(Ok(csv_chunk(header))).await.is_err() {
        return;
    }
    let mut after = None;
    loop {
        let (rows, next) = match queries::list(&store, &filter, after, EXPORT_PAGE_ROWS).await {
            Ok(page) => page,
            Err(error) => {
                let _ = chunks.send(Err(Status::from(error))).await;
                return;
            }
        };
        let mut text = String::with_capacity(rows.len() * 200);
        for row in &rows {
            queries::write_csv_row(&mut text, row);
        }
        if !text.is_empty() && chunks.send(Ok(csv_chunk(text))).await.is_err() {
            return;
        }
        match next {
            Some(cursor) => after = Some(cursor),
            None => return,
        }
    }
}

fn csv_chunk(text: String) -> pb::CsvChunk {
    pb::CsvChunk {
        data: text.into_bytes(),
    }
}

fn log_filter(filter: pb::LogFilter) -> Result<LogFilter, Status> {
    let status_class = match pb::StatusClass::try_from(filter.status_class) {
        Ok(pb::StatusClass::Unspecified) => None,
        Ok(pb::StatusClass::Success) => Some(StatusClass::Success),
        Ok(pb::StatusClass::ClientError) => Some(StatusClass::ClientError),
        Ok(pb::StatusClass::ServerError) => Some(StatusClass::ServerError),
        Ok(pb::StatusClass::Error) => Some(StatusClass::Error),
        Err(_) => return Err(invalid("filter.status_class", "unknown value")),
    };
    let group_ids =
        access::group_scope()?.listing(filter.group_id.as_deref().unwrap_or_default())?;
    Ok(LogFilter {
        group_ids,
        start_ms: filter.start_ms,
        end_ms: filter.end_ms,
        group_id: filter.group_id,
        token_name: filter.token_name,
        model: filter.model,
        channel_id: filter.channel_id,
        status_code: filter.status_code,
        status_class,
        request_id: filter.request_id,
        user: filter.user,
        metadata_contains: filter.metadata_contains,
    })
}

/// The summary filter, within the caller's groups: a scoped key reads its one group, or the
/// one of its groups it names.
fn summary_filter(filter: pb::SummaryFilter) -> Result<SummaryFilter, Status> {
    Ok(SummaryFilter {
        start_ms: filter.start_ms,
        end_ms: filter.end_ms,
        group_id: access::group_scope()?.single(filter.group_id.as_deref())?,
        token_name: filter.token_name,
        model: filter.model,
        channel_id: filter.channel_id,
    })
}

fn granularity(value: i32) -> Result<Granularity, Status> {
    match pb::Granularity::try_from(value) {
        Ok(pb::Granularity::Unspecified | pb::Granularity::Hour) => Ok(Granularity::Hour),
        Ok(pb::Granularity::Minute) => Ok(Granularity::Minute),
        Err(_) => Err(invalid("granularity", "unknown value")),
    }
}

fn point_pb(bucket_ms: i64, counters: &Counters) -> pb::SummaryPoint {
    pb::SummaryPoint {
        bucket_ms,
        requests: counters.requests,
        errors: counters.errors,
        client_errors: counters.client_errors,
        server_errors: counters.server_errors,
        input_tokens: counters.input_tokens,
        output_tokens: counters.output_tokens,
        cached_tokens: counters.cached_tokens,
        cache_creation_tokens: counters.cache_creation_tokens,
        reasoning_tokens: counters.reasoning_tokens,
        total_tokens: counters.total_tokens,
        cost: decimal_text(counters.cost),
        avg_latency_ms: counters.avg_latency_ms(),
        avg_ttfb_ms: counters.avg_ttfb_ms(),
        key: String::new(),
        p50_latency_ms: counters.latency.percentile(0.5),
        p95_latency_ms: counters.latency.percentile(0.95),
        p50_ttfb_ms: counters.ttfb.percentile(0.5),
        p95_ttfb_ms: counters.ttfb.percentile(0.95),
    }
}

fn decimal_text(value: Decimal) -> String {
    value.normalize().to_string()
}

fn log_pb(row: LogRow) -> pb::RequestLog {
    pb::RequestLog {
        id: row.id,
        created_at_ms: row.created_at,
        request_id: row.request_id,
        upstream_request_id: row.upstream_request_id.unwrap_or_default(),
        group_id: row.group_id,
        token_id: row.token_id,
        token_name: row.token_name,
        requested_model: row.requested_model,
        actual_model: row.actual_model,
        channel_id: row.channel_id,
        endpoint: row.endpoint,
        status_code: row.status_code,
        error: row.error.unwrap_or_default(),
        input_tokens: row.input_tokens,
        output_tokens: row.output_tokens,
        cached_tokens: row.cached_tokens,
        cache_creation_tokens: row.cache_creation_tokens,
        reasoning_tokens: row.reasoning_tokens,
        total_tokens: row.total_tokens,
        cost: row.cost,
        ttfb_ms: row.ttfb_ms,
        total_ms: row.total_ms,
        retries: row.retries,
        client_ip: row.client_ip.unwrap_or_default(),
        user: row.user.unwrap_or_default(),
        web_search_calls: row.web_search_calls,
        cache_hit: row.cache_hit,
        metadata: row.metadata.unwrap_or_default(),
        price_tier: row.price_tier.unwrap_or_default(),
        charge_detail: row.charge_detail.unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edges::admin_key::AdminKey;
    use crate::snapshot::changes::ChangeFeed;

    #[tokio::test]
    async fn deletes_go_by_the_clean_log_batch_size_setting() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(dir.path().join("logs.db").to_str().unwrap())
            .await
            .unwrap();
        let control_plane = |clean_log_batch_size| ControlPlane {
            store: store.clone(),
            log_store: store.clone(),
            changes: ChangeFeed::new(),
            access: crate::access::Access::new(
                AdminKey::new("test-admin-key-0123".to_owned()).unwrap(),
                None,
            ),
            group_max_tokens: 0,
            mcp_templates: Vec::new(),
            mcp_openapi_compact_above_bytes: None,
            quota_time_zone: chrono_tz::Tz::UTC,
            clean_log_batch_size,
            channel_health: crate::relay_host::shared_health::SharedHealth::local(
                relay::BanPolicy::default(),
            ),
            live_rates: crate::governance::rates::LiveRates::local(),
            channel_tester: None,
            mcp_calls: None,
            upstream_auth: None,
            balances: crate::balances::BalanceChecker::new(
                store.clone(),
                ChangeFeed::new(),
                crate::alerts::Alerts::start(Default::default()),
            ),
        };
        assert_eq!(Logs::new(&control_plane(7)).delete_batch, 7);
        // A size past what SQL binds is clamped rather than wrapped.
        assert_eq!(Logs::new(&control_plane(u64::MAX)).delete_batch, i64::MAX);
        store.close().await;
    }
}
