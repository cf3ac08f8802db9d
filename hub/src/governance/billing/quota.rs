//! A token's quota as the control plane shows it: period usage and what is left.

use chrono_tz::Tz;
use rust_decimal::Decimal;

use super::period::period_start;
use crate::store::Token;

/// What the token spent in the current period: its stored `period_used` while its stored
/// `period_start` is not older than the current period's start, else 0 (the period ended and
/// no request has been charged in the new one yet). 0 for a token without a period.
pub fn current_period_used(token: &Token, now_ms: i64, tz: Tz) -> Decimal {
    let (Some(period), Some(stored_start)) = (token.period, token.period_start) else {
        return Decimal::ZERO;
    };
    if stored_start < period_start(period, now_ms, tz) {
        Decimal::ZERO
    } else {
        token.period_used
    }
}

/// `limit - used`, never below 0; `None` (unlimited) when there is no limit.
pub fn remaining(limit: Option<Decimal>, used: Decimal) -> Option<Decimal> {
    limit.map(|limit| {
        limit
            .checked_sub(used)
            .unwrap_or(limit)
            .max(Decimal::ZERO)
            .normalize()
    })
}

/// The lifetime quota left; `None` when unlimited.
pub fn remaining_quota(token: &Token) -> Option<Decimal> {
    remaining(token.quota, token.used_amount)
}

/// The period quota left in the current period; `None` when unlimited.
pub fn remaining_period_quota(token: &Token, now_ms: i64, tz: Tz) -> Option<Decimal> {
    remaining(token.period_quota, current_period_used(token, now_ms, tz))
}
