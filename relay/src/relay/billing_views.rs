//! OpenAI's legacy billing views (`/v1/dashboard/billing/subscription`, `/usage`, and the seed's `/quota`), answered from the caller's token's spending.
//!
//! Chat front-ends call these with the relay key to show what a key has left: they take
//! `hard_limit_usd` as the limit and `total_usage` (cents) as what was spent, and show the
//! difference as what remains. The views keep that difference true: `hard_limit_usd` is what
//! the token spent plus what it may still spend, where what it may still spend is the
//! smallest of what its lifetime quota, its period quota and (when it bounds the token) its
//! group's balance leave. "Spent" is the spending that counts against the token's own limit:
//! the current period's for a token with only a period quota, its lifetime spending for every
//! other token. A token that nothing bounds shows [`UNLIMITED_USD`]. The figures are running
//! totals, not a history: `start_date` and `end_date` are checked but select nothing (the
//! per-day history is the dashboard's).

use std::sync::Arc;
use std::time::Instant;

use axum::extract::Request;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::Inner;
use super::request::bad_request;
use crate::error::RelayError;
use crate::host::TokenSpending;
use crate::request_id::request_id;
use crate::usage::PendingRecord;
use crate::vocabulary::Face;

/// The limit shown for a token that no quota or balance bounds (as other OpenAI-compatible
/// gateways show it): a front-end needs a number.
pub const UNLIMITED_USD: f64 = 100_000_000.0;

/// Nano-units in one currency unit, and in one cent.
const NANOS_PER_UNIT: f64 = 1e9;
const NANOS_PER_CENT: f64 = 1e7;

/// Which billing view a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BillingView {
    Subscription,
    Usage,
    /// The seed's own `{total, remain}`.
    Quota,
}

impl Inner {
    pub(super) async fn billing_view(&self, view: BillingView, request: Request) -> Response {
        let started = Instant::now();
        let (parts, _) = request.into_parts();
        let path = crate::error::truncated(parts.uri.path(), 64);
        let mut pending =
            PendingRecord::start(Arc::clone(&self.usage), request_id(&parts), &path, started);
        match self.billing_document(view, &parts, &mut pending).await {
            Ok(document) => {
                pending.set_outcome(200, None);
                pending.first_byte_now();
                pending.finish();
                (StatusCode::OK, axum::Json(document)).into_response()
            }
            Err(error) => self.fail(pending, error, Face::OpenAi),
        }
    }

    async fn billing_document(
        &self,
        view: BillingView,
        parts: &Parts,
        pending: &mut PendingRecord,
    ) -> Result<serde_json::Value, RelayError> {
        let caller = self.authenticate(parts, pending)?;
        self.check_address(pending).await?;
        if view == BillingView::Usage {
            check_dates(parts.uri.query().unwrap_or_default())?;
        }
        let Some(ledger) = &self.spending else {
            return Err(RelayError::NotImplemented(parts.uri.path().to_owned()));
        };
        let spending = ledger
            .spending(&caller)
            .await
            .map_err(RelayError::Refused)?;
        Ok(document(view, &Figures::of(&spending)))
    }
}

/// What the views show, in nano-units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Figures {
    /// What counts as spent against the token's own limit.
    used: i64,
    /// What the token may still spend; `None` when nothing bounds it.
    remaining: Option<i64>,
    expires_at_ms: Option<i64>,
}

impl Figures {
    fn of(spending: &TokenSpending) -> Figures {
        let left = |limit: i64, used: i64| limit.saturating_sub(used).max(0);
        let bounds = [
            spending.quota.map(|quota| left(quota, spending.used)),
            spending
                .period
                .map(|period| left(period.quota, period.used)),
            spending.group_balance.map(|balance| balance.max(0)),
        ];
        let used = match (spending.quota, spending.period) {
            (None, Some(period)) => period.used,
            _ => spending.used,
        };
        Figures {
            used: used.max(0),
            remaining: bounds.into_iter().flatten().min(),
            expires_at_ms: spending.expires_at_ms,
        }
    }

    fn limit_usd(&self) -> f64 {
        match self.remaining {
            Some(remaining) => self.used.saturating_add(remaining) as f64 / NANOS_PER_UNIT,
            None => UNLIMITED_USD,
        }
    }

    fn remaining_usd(&self) -> f64 {
        match self.remaining {
            Some(remaining) => remaining as f64 / NANOS_PER_UNIT,
            None => UNLIMITED_USD,
        }
    }
}

fn document(view: BillingView, figures: &Figures) -> serde_json::Value {
    let limit = figures.limit_usd();
    match view {
        BillingView::Subscription => json!({
            "object": "billing_subscription",
            // The key draws on a quota or a balance, not a free trial.
            "has_payment_method": true,
            "soft_limit_usd": limit,
            "hard_limit_usd": limit,
            "system_hard_limit_usd": limit,
            // Unix seconds; 0 for a key that never expires.
            "access_until": figures.expires_at_ms.map_or(0, |ms| ms.div_euclid(1000)),
        }),
        BillingView::Usage => json!({
            "object": "list",
            "total_usage": figures.used as f64 / NANOS_PER_CENT,
        }),
        BillingView::Quota => json!({
            "total": limit,
            "remain": figures.remaining_usd(),
        }),
    }
}

/// `start_date` and `end_date`, when given, are dates (`YYYY-MM-DD`) in order.
fn check_dates(query: &str) -> Result<(), RelayError> {
    let mut start = None;
    let mut end = None;
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let (slot, param) = match name.as_ref() {
            "start_date" => (&mut start, "start_date"),
            "end_date" => (&mut end, "end_date"),
            _ => continue,
        };
        let date = chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d").map_err(|_| {
            bad_request(format!("{param} must be a date (YYYY-MM-DD)"), Some(param))
        })?;
        *slot = Some(date);
    }
    if let (Some(start), Some(end)) = (start, end)
        && end < start
    {
        return Err(bad_request(
            "end_date must not be before start_date",
            Some("end_date"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::PeriodSpending;

    const UNIT: i64 = 1_000_000_000;

    fn check(spending: TokenSpending, used: i64, remaining: Option<i64>) {
        let figures = Figures::of(&spending);
        assert_eq!(
            (figures.used, figures.remaining),
            (used, remaining),
            "{spending:?}"
        );
    }

    #[test]
    fn the_tightest_bound_decides_what_remains_and_the_limit_is_spent_plus_that() {
        // A lifetime quota of 10 with 2.5 spent: 7.5 left, limit 10.
        let quota = TokenSpending {
            used: 5 * UNIT / 2,
            quota: Some(10 * UNIT),
            ..TokenSpending::default()
        };
        check(quota.clone(), 5 * UNIT / 2, Some(15 * UNIT / 2));
        // A group balance of 3 bounds it more: 3 left, limit 5.5.
        let poorer = TokenSpending {
            group_balance: Some(3 * UNIT),
            ..quota.clone()
        };
        check(poorer.clone(), 5 * UNIT / 2, Some(3 * UNIT));
        assert_eq!(Figures::of(&poorer).limit_usd(), 5.5);
        // Only a period quota: the period's spending is what counts.
        let period = TokenSpending {
            used: 40 * UNIT,
            period: Some(PeriodSpending {
                quota: 2 * UNIT,
                used: UNIT / 2,
            }),
            ..TokenSpending::default()
        };
        check(period.clone(), UNIT / 2, Some(3 * UNIT / 2));
        assert_eq!(Figures::of(&period).limit_usd(), 2.0);
        // Overspent (requests in flight when it ran out): nothing left, never negative.
        check(
            TokenSpending {
                used: 11 * UNIT,
                quota: Some(10 * UNIT),
                group_balance: Some(-UNIT),
                ..TokenSpending::default()
            },
            11 * UNIT,
            Some(0),
        );
        // No quota and no balance that bounds it.
        let unbounded = TokenSpending {
            used: UNIT,
            ..TokenSpending::default()
        };
        check(unbounded.clone(), UNIT, None);
        assert_eq!(Figures::of(&unbounded).limit_usd(), UNLIMITED_USD);
    }

    #[test]
    fn the_views_speak_openais_legacy_shapes() {
        let figures = Figures::of(&TokenSpending {
            used: 5 * UNIT / 2,
            quota: Some(10 * UNIT),
            expires_at_ms: Some(1_900_000_000_500),
            ..TokenSpending::default()
        });
        let subscription = document(BillingView::Subscription, &figures);
        assert_eq!(subscription["hard_limit_usd"], 10.0);
        assert_eq!(subscription["soft_limit_usd"], 10.0);
        assert_eq!(subscription["system_hard_limit_usd"], 10.0);
        assert_eq!(subscription["access_until"], 1_900_000_000);
        assert_eq!(subscription["has_payment_method"], true);
        assert_eq!(document(BillingView::Usage, &figures)["total_usage"], 250.0);
        let quota = document(BillingView::Quota, &figures);
        assert_eq!(
            (quota["total"].as_f64(), quota["remain"].as_f64()),
            (Some(10.0), Some(7.5))
        );
    }

    #[test]
    fn dates_are_checked() {
        assert!(check_dates("").is_ok());
        assert!(check_dates("start_date=2026-01-01&end_date=2026-02-01").is_ok());
        for bad in [
            "start_date=2026-13-01",
            "end_date=yesterday",
            "start_date=2026-02-01&end_date=2026-01-01",
        ] {
            let error = check_dates(bad).unwrap_err();
            assert_eq!(error.status(), StatusCode::BAD_REQUEST, "{bad}");
        }
    }
}
