//! `/api/groups/ip_groups`: client addresses that several groups sent requests from, read from the request logs over LogService.
//!
//! The seed groups its log table by address in one query; the control plane lists logs page by
//! page, so the newest [`MAX_SCANNED_LOGS`] rows of the range are read (the answer says whether
//! the range held more) and the addresses counted in memory, bounded by those rows.

use std::collections::{BTreeMap, BTreeSet};

use axum::extract::State;
use schemars::JsonSchema;
use serde::Deserialize;
use tonic::Request;

use super::spec::Operation;
use super::{ApiResult, Params, ok, timestamp_ms};
use crate::edges::grpc::ControlPlane;
use crate::edges::grpc::logs::Logs;
use crate::edges::grpc::pb;
use crate::edges::grpc::pb::log_service_server::LogService;

/// Rows read per call: ten of the log service's largest pages.
pub const MAX_SCANNED_LOGS: usize = 10_000;
/// The seed's default range: the last seven days.
const DEFAULT_SPAN_MS: i64 = 7 * 24 * 3_600_000;
const PAGE_SIZE: i32 = 1000;

pub fn operations() -> Vec<Operation> {
    vec![
        Operation::get(
            "/api/groups/ip_groups",
            "Client addresses shared by at least `threshold` groups, with the groups",
            ip_groups,
        )
        .query::<IpGroupsQuery>()
        .data::<BTreeMap<String, Vec<String>>>(),
    ]
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct IpGroupsQuery {
    /// The fewest groups an address is listed with; 1 (every address) unless above.
    #[serde(default, deserialize_with = "super::lenient_i64")]
    threshold: i64,
    /// Seconds or milliseconds; default the end minus seven days, and no earlier than that.
    #[serde(default, deserialize_with = "super::lenient_i64")]
    start_timestamp: i64,
    /// Seconds or milliseconds; default now.
    #[serde(default, deserialize_with = "super::lenient_i64")]
    end_timestamp: i64,
}

/// The seed's answer, `{address: [group, ...]}` (groups sorted), from the newest logs of the
/// range; the header `X-Scan-Truncated: true` says the range held more than were read.
async fn ip_groups(
    State(cp): State<ControlPlane>,
    Params(query): Params<IpGroupsQuery>,
) -> ApiResult {
    let threshold = usize::try_from(query.threshold.max(1)).unwrap_or(usize::MAX);
    let end_ms = match timestamp_ms(query.end_timestamp) {
        0 => crate::store::now_ms(),
        end => end,
    };
    let start_ms = timestamp_ms(query.start_timestamp).max(end_ms - DEFAULT_SPAN_MS);
    let service = Logs::new(&cp);
    let mut groups_by_ip: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut scanned = 0;
    let mut page_token = String::new();
    let truncated = loop {
        let page = service
            .list_logs(Request::new(pb::ListLogsRequest {
                filter: Some(pb::LogFilter {
                    start_ms,
                    // The seed's range includes its end; ours excludes it.
                    end_ms: end_ms.saturating_add(1),
                    ..Default::default()
                }),
                page_size: PAGE_SIZE,
                page_token,
            }))
            .await?
            .into_inner();
        scanned += page.logs.len();
        for log in page.logs {
            if !log.client_ip.is_empty() && !log.group_id.is_empty() {
                groups_by_ip
                    .entry(log.client_ip)
                    .or_default()
                    .insert(log.group_id);
            }
        }
        if page.next_page_token.is_empty() {
            break false;
        }
        if scanned >= MAX_SCANNED_LOGS {
            break true;
        }
        page_token = page.next_page_token;
    };
    let shared: BTreeMap<String, Vec<String>> = groups_by_ip
        .into_iter()
        .filter(|(_, groups)| groups.len() >= threshold)
        .map(|(ip, groups)| (ip, groups.into_iter().collect()))
        .collect();
    let mut response = ok(shared);
    if truncated {
        response
            .headers_mut()
            .insert("x-scan-truncated", http::HeaderValue::from_static("true"));
    }
    Ok(response)
}
