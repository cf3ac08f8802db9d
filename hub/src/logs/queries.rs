//! Reading and deleting raw request logs: filtered keyset pages (newest first), one log with its details, and deletion before a time.

use std::time::Duration;

use sqlx::any::AnyRow;

use crate::store::rows;
use crate::store::sql::Sql;
use crate::store::{Store, StoreError};

/// Status codes a filter keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    /// Below 400.
    Success,
    /// 400 to 499.
    ClientError,
    /// 500 and above.
    ServerError,
    /// 400 and above.
    Error,
}

/// Filters of the raw log queries; every field is optional and they combine with AND.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    /// `created_at` range: `start_ms` inclusive, `end_ms` exclusive; 0 is unbounded.
    pub start_ms: i64,
    pub end_ms: i64,
    pub group_id: Option<String>,
    pub token_name: Option<String>,
    /// The requested model.
    pub model: Option<String>,
    pub channel_id: Option<i64>,
    pub status_code: Option<i64>,
    pub status_class: Option<StatusClass>,
    pub request_id: Option<String>,
    /// The end user (`user`, or Anthropic's `metadata.user_id`), exactly.
    pub user: Option<String>,
    /// Text the stored metadata JSON contains, case-insensitively (`"acme"`,
    /// `"customer":"acme"`).
    pub metadata_contains: Option<String>,
    /// Only rows of these groups (an admin key's group scope); `None`: any.
    pub group_ids: Option<Vec<String>>,
}

/// Where a page starts: strictly older than this (created_at, id) pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub created_at: i64,
    pub id: i64,
}

impl Cursor {
    /// The opaque page token.
    pub fn token(self) -> String {
        format!("{}.{}", self.created_at, self.id)
    }

    /// Parses a token made by [`Cursor::token`].
    pub fn parse(token: &str) -> Result<Cursor, StoreError> {
        let invalid = || StoreError::Invalid {
            field: "page_token".into(),
            reason: "not a token this server issued".into(),
        };
        let (created_at, id) = token.split_once('.').ok_or_else(invalid)?;
        Ok(Cursor {
            created_at: created_at.parse().map_err(|_| invalid())?,
            id: id.parse().map_err(|_| invalid())?,
        })
    }
}

/// One stored request log row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogRow {
    pub id: i64,
    pub created_at: i64,
    /// The id the client sent or was answered with (`x-request-id`); rows written before
    /// client ids had a column of their own show their key here.
    pub request_id: String,
    /// The row's own key, made by the server: unique even when a client reuses an id.
    pub row_key: String,
    pub upstream_request_id: Option<String>,
    pub group_id: String,
    pub token_id: Option<i64>,
    pub token_name: String,
    pub requested_model: String,
    pub actual_model: String,
    pub channel_id: Option<i64>,
    pub endpoint: String,
    pub status_code: i64,
    pub error: Option<String>,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cached_tokens: i64,
    pub cache_creation_tokens: i64,
    pub reasoning_tokens: i64,
    pub total_tokens: i64,
    pub cost: String,
    pub ttfb_ms: Option<i64>,
    pub total_ms: i64,
    pub retries: i64,
    pub client_ip: Option<String>,
    pub user: Option<String>,
    pub web_search_calls: i64,
    pub cache_hit: bool,
    /// The request's metadata object as JSON (bounded, credentials redacted by the relay).
    pub metadata: Option<String>,
    /// The label of the price tier the request was charged at; `None`: the base price.
    pub price_tier: Option<String>,
    /// The charge line by line as compact JSON; `None` when nothing was charged.
    pub charge_detail: Option<String>,
}

/// Stored request and response bodies of one request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogDetail {
    pub request_body: Option<String>,
    pub response_body: Option<String>,
    pub request_body_truncated: bool,
    pub response_body_truncated: bool,
}

/// Column names in [`LogRow`] order; also the CSV header.
pub const LOG_COLUMNS: [&str; 30] = [
    "id",
    "created_at",
    "request_id",
    "upstream_request_id",
    "group_id",
    "token_id",
    "token_name",
    "requested_model",
    "actual_model",
    "channel_id",
    "endpoint",
    "status_code",
    "error",
    "input_tokens",
    "output_tokens",
    "cached_tokens",
    "cache_creation_tokens",
    "reasoning_tokens",
    "total_tokens",
    "cost",
    "ttfb_ms",
    "total_ms",
    "retries",
    "client_ip",
    "user_field",
    "web_search_calls",
    "cache_hit",
    "metadata",
    "price_tier",
    "charge_detail",
];

const SELECT_LOG: &str = "SELECT id, created_at, \
    COALESCE(client_request_id, request_id) AS shown_request_id, upstream_request_id, group_id, \
    token_id, token_name, requested_model, actual_model, channel_id, endpoint, status_code, \
    error, input_tokens, output_tokens, cached_tokens, cache_creation_tokens, reasoning_tokens, \
    total_tokens, cost, ttfb_ms, total_ms, retries, client_ip, user_field, web_search_calls, \
    cache_hit, metadata, price_tier, charge_detail, request_id FROM request_logs";

/// Up to `limit` logs matching `filter`, newest first, strictly after `after` in that order.
/// Returns the rows and the cursor of the next page (`None` on the last page).
pub async fn list(
    store: &Store,
    filter: &LogFilter,
    after: Option<Cursor>,
    limit: i64,
) -> Result<(Vec<LogRow>, Option<Cursor>), StoreError> {
    let mut sql = Sql::new(SELECT_LOG);
    sql.push(" WHERE 1 = 1");
    push_filter(&mut sql, filter);
    if let Some(cursor) = after {
        sql.push(" AND (created_at < ")
            .bind_int(cursor.created_at)
            .push(" OR (created_at = ")
            .bind_int(cursor.created_at)
            .push(" AND id < ")
            .bind_int(cursor.id)
            .push("))");
    }
    // One row more than asked tells whether another page exists without a COUNT.
    sql.push(" ORDER BY created_at DESC, id DESC LIMIT ")
        .bind_int(limit.saturating_add(1));
    let rows = sql.query().fetch_all(store.pool()).await?;
    let mut logs = rows.iter().map(log_row).collect::<Result<Vec<_>, _>>()?;
    let more = i64::try_from(logs.len()).unwrap_or(i64::MAX) > limit;
    if more {
        logs.pop();
    }
    let next = if more {
        logs.last().map(|last| Cursor {
            created_at: last.created_at,
            id: last.id,
        })
    } else {
        None
    };
    Ok((logs, next))
}

/// One log by request id, with its details when stored.
pub async fn get(
    store: &Store,
    request_id: &str,
) -> Result<Option<(LogRow, Option<LogDetail>)>, StoreError> {
    // The row's key, else the newest row the client gave this id.
    let mut sql = Sql::new(SELECT_LOG);
    sql.push(" WHERE request_id = ")
        .bind_text(request_id)
        .push(" OR client_request_id = ")
        .bind_text(request_id)
        .push(" ORDER BY (request_id = ")
        .bind_text(request_id)
        .push(") DESC, created_at DESC, id DESC LIMIT 1");
    let Some(row) = sql.query().fetch_optional(store.pool()).await? else {
        return Ok(None);
    };
    let log = log_row(&row)?;
    let detail = sqlx::query(
        "SELECT request_body, response_body, request_body_truncated, response_body_truncated \
         FROM request_log_details WHERE request_id = $1",
    )
    .bind(log.row_key.clone())
    .fetch_optional(store.pool())
    .await?
    .map(|row| -> Result<LogDetail, StoreError> {
        Ok(LogDetail {
            request_body: rows::opt_text(&row, "request_body")?,
            response_body: rows::opt_text(&row, "response_body")?,
            request_body_truncated: rows::boolean(&row, "request_body_truncated")?,
            response_body_truncated: rows::boolean(&row, "response_body_truncated")?,
        })
    })
    .transpose()?;
    Ok(Some((log, detail)))
}

/// Deletes logs and details created before `before_ms`, `batch_size` rows per statement with
/// `pause` between statements so the writer is never locked out for long. Returns the number
/// of request log rows deleted.
pub async fn delete_before(
    store: &Store,
    before_ms: i64,
    batch_size: i64,
    pause: Duration,
) -> Result<i64, StoreError> {
    delete_details_before(store, before_ms, batch_size, pause).await?;
    delete_in_batches(store, DELETE_LOGS, before_ms, batch_size, pause).await
}

/// Deletes details created before `before_ms` in batches; returns the count.
pub async fn delete_details_before(
    store: &Store,
    before_ms: i64,
    batch_size: i64,
    pause: Duration,
) -> Result<i64, StoreError> {
    delete_in_batches(store, DELETE_DETAILS, before_ms, batch_size, pause).await
}

const DELETE_LOGS: &str = "DELETE FROM request_logs WHERE id IN \
    (SELECT id FROM request_logs WHERE created_at < $1 ORDER BY id LIMIT $2)";
const DELETE_DETAILS: &str = "DELETE FROM request_log_details WHERE request_id IN \
    (SELECT request_id FROM request_log_details WHERE created_at < $1 LIMIT $2)";

async fn delete_in_batches(
    store: &Store,
    statement: &'static str,
    before_ms: i64,
    batch_size: i64,
    pause: Duration,
) -> Result<i64, StoreError> {
    let batch_size = batch_size.max(1);
    let mut deleted = 0i64;
    loop {
        let done = sqlx::query(statement)
            .bind(before_ms)
            .bind(batch_size)
            .execute(store.pool())
            .await?
            .rows_affected();
        let done = i64::try_from(done).unwrap_or(i64::MAX);
        deleted = deleted.saturating_add(done);
        if done < batch_size {
            return Ok(deleted);
        }
        tokio::time::sleep(pause).await;
    }
}

fn push_filter(sql: &mut Sql, filter: &LogFilter) {
    if filter.start_ms > 0 {
        sql.push(" AND created_at >= ").bind_int(filter.start_ms);
    }
    if filter.end_ms > 0 {
        sql.push(" AND created_at < ").bind_int(filter.end_ms);
    }
    if let Some(group) = &filter.group_id {
        sql.push(" AND group_id = ").bind_text(group.clone());
    }
    if let Some(groups) = &filter.group_ids {
        sql.and_in("group_id", groups);
    }
    if let Some(token) = &filter.token_name {
        sql.push(" AND token_name = ").bind_text(token.clone());
    }
    if let Some(model) = &filter.model {
        sql.push(" AND requested_model = ").bind_text(model.clone());
    }
    if let Some(channel) = filter.channel_id {
        sql.push(" AND channel_id = ").bind_int(channel);
    }
    if let Some(code) = filter.status_code {
        sql.push(" AND status_code = ").bind_int(code);
    }
    match filter.status_class {
        None => {}
        Some(StatusClass::Success) => {
            sql.push(" AND status_code < 400");
        }
        Some(StatusClass::ClientError) => {
            sql.push(" AND status_code >= 400 AND status_code < 500");
        }
        Some(StatusClass::ServerError) => {
            sql.push(" AND status_code >= 500");
        }
        Some(StatusClass::Error) => {
            sql.push(" AND status_code >= 400");
        }
    }
    if let Some(request_id) = &filter.request_id {
        // Either the row's key or the client's id, which several rows may share.
        sql.push(" AND (request_id = ")
            .bind_text(request_id.clone())
            .push(" OR client_request_id = ")
            .bind_text(request_id.clone())
            .push(")");
    }
    if let Some(user) = &filter.user {
        sql.push(" AND user_field = ").bind_text(user.clone());
    }
    if let Some(text) = filter
        .metadata_contains
        .as_deref()
        .filter(|text| !text.is_empty())
    {
        sql.push(" AND LOWER(metadata) LIKE ")
            .bind_like(text)
            .push(" ESCAPE '\\'");
    }
}

fn log_row(row: &AnyRow) -> Result<LogRow, StoreError> {
    Ok(LogRow {
        id: rows::int(row, "id")?,
        created_at: rows::int(row, "created_at")?,
        request_id: rows::text(row, "shown_request_id")?,
        upstream_request_id: rows::opt_text(row, "upstream_request_id")?,
        group_id: rows::text(row, "group_id")?,
        token_id: rows::opt_int(row, "token_id")?,
        token_name: rows::text(row, "token_name")?,
        requested_model: rows::text(row, "requested_model")?,
        actual_model: rows::text(row, "actual_model")?,
        channel_id: rows::opt_int(row, "channel_id")?,
        endpoint: rows::text(row, "endpoint")?,
        status_code: rows::int(row, "status_code")?,
        error: rows::opt_text(row, "error")?,
        input_tokens: rows::int(row, "input_tokens")?,
        output_tokens: rows::int(row, "output_tokens")?,
        cached_tokens: rows::int(row, "cached_tokens")?,
        cache_creation_tokens: rows::int(row, "cache_creation_tokens")?,
        reasoning_tokens: rows::int(row, "reasoning_tokens")?,
        total_tokens: rows::int(row, "total_tokens")?,
        cost: rows::text(row, "cost")?,
        ttfb_ms: rows::opt_int(row, "ttfb_ms")?,
        total_ms: rows::int(row, "total_ms")?,
        retries: rows::int(row, "retries")?,
        client_ip: rows::opt_text(row, "client_ip")?,
        user: rows::opt_text(row, "user_field")?,
        web_search_calls: rows::int(row, "web_search_calls")?,
        cache_hit: rows::boolean(row, "cache_hit")?,
        metadata: rows::opt_text(row, "metadata")?,
        price_tier: rows::opt_text(row, "price_tier")?,
        charge_detail: rows::opt_text(row, "charge_detail")?,
        row_key: rows::text(row, "request_id")?,
    })
}

/// Appends `row` to `out` as one CSV line (RFC 4180 quoting).
pub fn write_csv_row(out: &mut String, row: &LogRow) {
    let fields: [String; 30] = [
        row.id.to_string(),
        row.created_at.to_string(),
        row.request_id.clone(),
        row.upstream_request_id.clone().unwrap_or_default(),
        row.group_id.clone(),
        row.token_id.map(|id| id.to_string()).unwrap_or_default(),
        row.token_name.clone(),
        row.requested_model.clone(),
        row.actual_model.clone(),
        row.channel_id.map(|id| id.to_string()).unwrap_or_default(),
        row.endpoint.clone(),
        row.status_code.to_string(),
        row.error.clone().unwrap_or_default(),
        row.input_tokens.to_string(),
        row.output_tokens.to_string(),
        row.cached_tokens.to_string(),
        row.cache_creation_tokens.to_string(),
        row.reasoning_tokens.to_string(),
        row.total_tokens.to_string(),
        row.cost.clone(),
        row.ttfb_ms.map(|ms| ms.to_string()).unwrap_or_default(),
        row.total_ms.to_string(),
        row.retries.to_string(),
        row.client_ip.clone().unwrap_or_default(),
        row.user.clone().unwrap_or_default(),
        row.web_search_calls.to_string(),
        i64::from(row.cache_hit).to_string(),
        row.metadata.clone().unwrap_or_default(),
        row.price_tier.clone().unwrap_or_default(),
        row.charge_detail.clone().unwrap_or_default(),
    ];
    write_csv_line(out, fields.iter().map(String::as_str));
}

/// The CSV header line.
pub fn csv_header() -> String {
    let mut out = String::new();
    write_csv_line(&mut out, LOG_COLUMNS.iter().copied());
    out
}

fn write_csv_line<'a>(out: &mut String, fields: impl Iterator<Item = &'a str>) {
    for (index, field) in fields.enumerate() {
        if index > 0 {
            out.push(',');
        }
        let defused;
        let field = if is_formula(field) {
            defused = format!("'{field}");
            defused.as_str()
        } else {
            field
        };
        if field.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push_str("\r\n");
}

/// Whether a spreadsheet opening the export would run `field` as a formula. Model names,
/// user ids, errors and metadata come from clients and upstreams; a leading `'` makes the
/// spreadsheet show the text as typed. Plain numbers (`-5`, `+1.5`) stay numbers.
fn is_formula(field: &str) -> bool {
    match field.as_bytes().first() {
        Some(b'=' | b'@' | b'\t' | b'\r') => true,
        Some(b'-' | b'+') => field.parse::<f64>().is_err(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_that_spreadsheets_run_as_formulas_are_defused() {
        let cases = [
            (
                "=HYPERLINK(\"http://x\")",
                "\"'=HYPERLINK(\"\"http://x\"\")\"",
            ),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            ("-5", "-5"),
            ("+1.5", "+1.5"),
            ("a=b", "a=b"),
            ("", ""),
        ];
        for (field, expected) in cases {
            let mut out = String::new();
            write_csv_line(&mut out, [field].into_iter());
            assert_eq!(out, format!("{expected}\r\n"), "{field:?}");
        }
    }

    #[test]
    fn csv_quotes_only_when_needed() {
        let mut out = String::new();
        write_csv_line(&mut out, ["a", "b,c", "say \"hi\"", "x\ny"].into_iter());
        assert_eq!(out, "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\"\r\n");
    }

    #[test]
    fn cursor_tokens_round_trip_and_reject_garbage() {
        let cursor = Cursor {
            created_at: 1_700_000_000_000,
            id: 42,
        };
        assert_eq!(Cursor::parse(&cursor.token()).ok(), Some(cursor));
        assert!(Cursor::parse("42").is_err());
        assert!(Cursor::parse("a.b").is_err());
    }
}
