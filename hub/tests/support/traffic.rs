//! A day of generated traffic written into a hub's summaries (as the log writer sums it), for dashboards to chart and rank.

use std::time::Duration;

use hub::logs::entry::LogEntry;
use hub::logs::summaries::record_batch;
use hub::store::Store;
use relay::host::{TokenUsage, UsageRecord};
use rust_decimal::Decimal;

/// The group the traffic belongs to; it leads every ranking by requests and by cost.
pub const GROUP: &str = "traffic";
/// Most requested model; `COSTLY_MODEL` costs more in all.
pub const BUSY_MODEL: &str = "seed-large";
pub const COSTLY_MODEL: &str = "seed-small";
/// Its busiest token (most requests).
pub const BUSY_TOKEN: &str = "batch";
/// The channel most requests went through.
pub const BUSY_CHANNEL: i64 = 9001;

const HOUR_MS: i64 = 3_600_000;
/// Hours of traffic, ending in the hour of `now_ms`.
pub const HOURS: i64 = 24;
/// Requests of each hour: `BUSY_MODEL`'s, then `COSTLY_MODEL`'s.
pub const BUSY_PER_HOUR: usize = 30;
pub const COSTLY_PER_HOUR: usize = 10;

/// Total latency of the `index`th request of a model's hour.
fn total_ms(index: u64) -> u64 {
    600 + index * 20
}

/// The exact (nearest-rank) 95th percentile of the traffic's total latency, which the
/// dashboards' p95 must come within the histograms' bound of (hub/src/logs/histogram.rs).
pub fn exact_p95_latency_ms() -> u64 {
    // Every hour holds the same requests, so one hour's percentile is the day's.
    let mut latencies: Vec<u64> = (0..BUSY_PER_HOUR)
        .chain(0..COSTLY_PER_HOUR)
        .map(|index| total_ms(index as u64))
        .collect();
    latencies.sort_unstable();
    latencies[(latencies.len() * 95).div_ceil(100) - 1]
}

fn entry(index: usize, model: &str, token: &str, channel: i64, cost: &str) -> LogEntry {
    // Every seventh request fails upstream; latency and first byte vary with the index.
    let failed = index.is_multiple_of(7);
    let index = index as u64;
    LogEntry {
        record: UsageRecord {
            request_id: format!("seed-{model}-{index}"),
            group_id: Some(GROUP.into()),
            token_id: Some(1),
            token_name: Some(token.into()),
            channel_id: Some(channel),
            endpoint: "/v1/chat/completions".into(),
            requested_model: Some(model.into()),
            upstream_model: Some(model.into()),
            status: if failed { 502 } else { 200 },
            error: failed.then(|| "upstream failed".to_owned()),
            usage: TokenUsage {
                input_tokens: 400 + index * 3,
                output_tokens: 120 + index,
                cached_input_tokens: 100,
                total_tokens: 520 + index * 4,
                ..TokenUsage::default()
            },
            usage_estimated: false,
            retries: 0,
            first_byte: Some(Duration::from_millis(150 + index * 5)),
            total: Duration::from_millis(total_ms(index)),
            client_ip: None,
            user: None,
            metadata: None,
            upstream_request_id: None,
            stream: true,
            request_body: None,
            response_body: None,
            reservation: None,
            web_search_calls: 0,
            cache_hit: false,
            media: relay::media::MediaUsage::default(),
            service_tier: None,
        },
        cost: cost.parse::<Decimal>().unwrap(),
        price_tier: None,
        charge_detail: None,
        charge: false,
        period_start: None,
        save_detail: false,
    }
}

/// Writes `HOURS` hours of requests of `GROUP`, ending at `now_ms`, into the summaries of the
/// SQLite database at `database` (the hub's own, which it reads as it runs): per hour
/// `BUSY_PER_HOUR` requests of `BUSY_MODEL` (0.001 each) and `COSTLY_PER_HOUR` of `COSTLY_MODEL`
/// (0.01 each). Only the summaries: the dashboards read nothing else.
pub async fn seed_day(database: &std::path::Path, now_ms: i64) {
    let store = Store::connect(database.to_str().unwrap()).await.unwrap();
    for hour in 0..HOURS {
        let created_at = now_ms - hour * HOUR_MS;
        let mut batch = Vec::new();
        for index in 0..BUSY_PER_HOUR {
            let token = if index.is_multiple_of(5) {
                "interactive"
            } else {
                BUSY_TOKEN
            };
            let channel = if index.is_multiple_of(4) {
                BUSY_CHANNEL + 1
            } else {
                BUSY_CHANNEL
            };
            batch.push(entry(index, BUSY_MODEL, token, channel, "0.001"));
        }
        for index in 0..COSTLY_PER_HOUR {
            batch.push(entry(
                index,
                COSTLY_MODEL,
                "interactive",
                BUSY_CHANNEL,
                "0.01",
            ));
        }
        let mut tx = store.pool().begin().await.unwrap();
        record_batch(&mut tx, &batch, created_at).await.unwrap();
        tx.commit().await.unwrap();
    }
    store.close().await;
}
