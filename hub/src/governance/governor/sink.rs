//! The relay's usage sink in the hub: prices each usage record, settles the request's reservation
//! against the counters, and hands the row with its cost to the request-log writer (which charges
//! the token and group in the database).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use relay::host::{UsageRecord, UsageSink};
use rust_decimal::Decimal;
use tokio::sync::Notify;

use super::Reservation;
use super::plan::Purpose;
use crate::alerts::{AlertEvent, Alerts};
use crate::edges::metrics::Metrics;
use crate::governance::billing::{
    Charge, ChargeLine, charge, from_nanos, media_lines, to_nanos, web_search_cost,
};
use crate::governance::limits::{Check, Counters};
use crate::governance::rates::LiveRates;
use crate::logs::entry::LogEntry;
use crate::logs::writer::LogWriter;
use crate::process::options::RuntimeOptions;
use crate::snapshot::SnapshotCell;
use crate::store::media_config::MediaConfig;

/// Prices, settles and logs every usage record.
#[derive(Clone)]
pub struct BillingSink {
    log: LogWriter,
    metrics: Arc<Metrics>,
    counters: Counters,
    snapshot: Arc<SnapshotCell>,
    alerts: Alerts,
    billing_enabled: bool,
    settling: Arc<Settling>,
    live_rates: LiveRates,
}

/// Settles still running, so shutdown can wait for them.
#[derive(Default)]
struct Settling {
    running: AtomicUsize,
    done: Notify,
}

impl BillingSink {
    pub fn new(
        log: LogWriter,
        metrics: Arc<Metrics>,
        counters: Counters,
        snapshot: Arc<SnapshotCell>,
        alerts: Alerts,
        billing_enabled: bool,
        live_rates: LiveRates,
    ) -> BillingSink {
        BillingSink {
            log,
            metrics,
            counters,
            snapshot,
            alerts,
            billing_enabled,
            settling: Arc::new(Settling::default()),
            live_rates,
        }
    }

    /// Waits until every settle started so far has finished (called at shutdown, after the
    /// server drained, so the counters in Redis match what the log writer charges).
    pub async fn drain(&self) {
        loop {
            let done = self.settling.done.notified();
            if self.settling.running.load(Ordering::Acquire) == 0 {
                return;
            }
            done.await;
        }
    }

    fn settle(&self, reservation: &Reservation, record: &UsageRecord, cost: Decimal) {
        let Some(admitted) = reservation.take_admitted() else {
            return;
        };
        let used_tokens = i64::try_from(record.usage.total_tokens).unwrap_or(i64::MAX);
        let charged = to_nanos(cost);
        let actual: Vec<i64> = reservation
            .purposes
            .iter()
            .zip(admitted.checks())
            .map(|(purpose, check)| match check {
                // The tokens-per-minute limit is charged what the request really used: a
                // request that failed before any usage gives its whole reservation back.
                Check::Rate { .. } if purpose.is_tokens() => used_tokens,
                Check::Rate { cost, .. } => i64::try_from(*cost).unwrap_or(i64::MAX),
                Check::Cap { .. } | Check::Balance { .. } => charged,
                Check::Concurrency { .. } => 0,
            })
            .collect();
        let balance_key = reservation
            .purposes
            .iter()
            .zip(admitted.checks())
            .find(|(purpose, _)| **purpose == Purpose::GroupBalance)
            .map(|(_, check)| check.key().to_owned());
        let counters = self.counters.clone();
        let settling = Arc::clone(&self.settling);
        let snapshot = Arc::clone(&self.snapshot);
        let alerts = self.alerts.clone();
        let group_id = reservation.group_id.clone();
        let hold = reservation.kept_hold().cloned();
        settling.running.fetch_add(1, Ordering::AcqRel);
        tokio::spawn(async move {
            let settled = match &hold {
                // A created video job's reservation stays held until its bill.
                Some(hold) => counters.settle_keeping(admitted, &actual, hold).await,
                None => counters.settle(admitted, &actual).await,
            };
            if let Err(error) = settled {
                tracing::error!(%error, "cannot settle a request's limits and reservations");
            }
            if let Some(key) = balance_key {
                warn_if_balance_low(&counters, &snapshot, &alerts, &group_id, &key).await;
            }
            if settling.running.fetch_sub(1, Ordering::AcqRel) == 1 {
                settling.done.notify_waiters();
            }
        });
    }
}

/// Raises the balance alert when the group asked for it and its live balance fell below the
/// threshold (the alert itself is throttled per group).
async fn warn_if_balance_low(
    counters: &Counters,
    snapshot: &SnapshotCell,
    alerts: &Alerts,
    group_id: &str,
    key: &str,
) {
    let snapshot = snapshot.current();
    let Some(group) = snapshot.group(group_id) else {
        return;
    };
    if !group.balance_alert_enabled {
        return;
    }
    if let Ok(Some(balance)) = counters.value(key).await {
        let balance = from_nanos(balance);
        if balance < group.balance_alert_threshold {
            alerts.raise(AlertEvent::BalanceLow {
                group_id: group_id.to_owned(),
                balance,
                threshold: group.balance_alert_threshold,
            });
        }
    }
}

/// What a finished request costs, line by line: its tokens (nothing for a request refused
/// before it used any) at the tier it matched, plus the web searches made for it, which were
/// paid to the engines whatever the upstream answered afterwards, plus its media units (images,
/// characters, audio) when it succeeded, at its model's media prices.
fn charged(
    price: &crate::store::Price,
    media: Option<&MediaConfig>,
    record: &UsageRecord,
) -> Charge {
    let searches = ChargeLine::new(
        "web_search_calls",
        u64::from(record.web_search_calls),
        price.web_search_per_call.unwrap_or_default(),
        web_search_cost(price, record.web_search_calls),
    );
    if record.status >= 400 && record.usage.total_tokens == 0 {
        let mut bill = Charge::default();
        bill.add(searches);
        return bill;
    }
    let mut bill = charge(price, &record.usage, record.service_tier.as_deref());
    bill.add(searches);
    if let Some(media) = media
        && record.status < 400
    {
        for line in media_lines(media, &record.media) {
            bill.add(line);
        }
    }
    bill
}

/// The media prices of the record's model, from its config (a config that fails to parse was
/// refused when written, so `None` here means none set).
fn media_prices(snapshot: &crate::snapshot::Snapshot, record: &UsageRecord) -> Option<MediaConfig> {
    let model = record.requested_model.as_deref()?;
    MediaConfig::of(snapshot.model_config(model)?)
        .ok()
        .flatten()
}

/// Cuts the kept bodies to the `LogDetailRequestBodyMaxSize` and `LogDetailResponseBodyMaxSize`
/// options (the relay captured at most `LOG_DETAIL_MAX_BYTES` of each; an option cannot add
/// back what was never captured). Slicing `Bytes` copies nothing.
fn cut_bodies(record: &mut UsageRecord, options: &RuntimeOptions) {
    let cut = |body: &mut Option<bytes::Bytes>, max: Option<usize>| {
        if let (Some(bytes), Some(max)) = (body.as_mut(), max)
            && bytes.len() > max
        {
            *bytes = bytes.slice(..max);
        }
    };
    cut(
        &mut record.request_body,
        options.log_detail_request_body_max_size,
    );
    cut(
        &mut record.response_body,
        options.log_detail_response_body_max_size,
    );
}

impl UsageSink for BillingSink {
    fn record(&self, mut record: UsageRecord) {
        let snapshot = self.snapshot.current();
        cut_bodies(&mut record, &snapshot.runtime);
        self.live_rates.record(&record);
        self.metrics
            .observe(&record, |model| snapshot.model_config(model).is_some());
        let reservation = record
            .reservation
            .take()
            .and_then(|reservation| reservation.0.downcast::<Reservation>().ok());
        let Some(reservation) = reservation else {
            self.log.submit(LogEntry::from(record));
            return;
        };
        let media = media_prices(&snapshot, &record);
        let bill = charged(&reservation.price, media.as_ref(), &record);
        let cost = bill.total;
        self.settle(&reservation, &record, cost);
        self.log.submit(LogEntry {
            record,
            cost,
            price_tier: bill.tier_label(),
            charge_detail: bill.detail_json(),
            charge: self.billing_enabled,
            period_start: reservation.period_start,
            save_detail: reservation.save_detail,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_cut_to_the_detail_options_and_left_alone_without_them() {
        let mut record = UsageRecord {
            request_body: Some(bytes::Bytes::from_static(b"0123456789")),
            response_body: Some(bytes::Bytes::from_static(b"abcdefghij")),
            ..UsageRecord::default()
        };
        cut_bodies(&mut record, &RuntimeOptions::default());
        assert_eq!(record.request_body.as_deref(), Some(&b"0123456789"[..]));
        let options = RuntimeOptions {
            log_detail_request_body_max_size: Some(4),
            log_detail_response_body_max_size: Some(20),
            ..RuntimeOptions::default()
        };
        cut_bodies(&mut record, &options);
        assert_eq!(record.request_body.as_deref(), Some(&b"0123"[..]));
        assert_eq!(record.response_body.as_deref(), Some(&b"abcdefghij"[..]));
    }
}
