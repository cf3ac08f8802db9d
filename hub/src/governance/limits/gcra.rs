//! GCRA arithmetic with a variable cost, exact: the theoretical arrival time is kept as whole
//! microseconds plus a fraction in 1/limit µs, so a burst of exactly `limit` units passes whatever
//! the period.
//!
//! `admit.lua` and `settle.lua` do the same steps with Lua doubles; keep them in step.

use std::time::Duration;

use super::{RateState, from_micros};

/// A settle may push the arrival time at most this many periods ahead: the debt of an estimate
/// that was far too low is charged, but cannot lock a key out for hours.
pub(super) const MAX_DEBT_PERIODS: i128 = 10;

/// A theoretical arrival time: `micros + fraction / limit` µs, `0 <= fraction < limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Tat {
    pub micros: i64,
    pub fraction: i64,
}

pub(super) enum Verdict {
    Allow {
        tat: Tat,
        state: RateState,
    },
    Deny {
        retry_after: Option<Duration>,
        state: RateState,
    },
}

/// One rate limit: `limit` units per `period` µs.
pub(super) struct Gcra {
    limit: i128,
    period: i128,
}

impl Gcra {
    pub fn new(limit: u64, period: Duration) -> Gcra {
        Gcra {
            limit: i128::from(limit),
            period: i128::from(super::micros(period).max(1)),
        }
    }

    /// Admits `cost` units at `now` (µs) against the stored arrival time.
    pub fn admit(&self, stored: Option<Tat>, now: i64, cost: u64) -> Verdict {
        let (tat, fraction) = self.current(stored, now);
        let cost = i128::from(cost);
        if self.limit == 0 || cost > self.limit {
            return Verdict::Deny {
                retry_after: None,
                state: self.state(tat, fraction, now),
            };
        }
        let total = fraction + cost * self.period;
        let new_tat = tat + total.div_euclid(self.limit);
        let new_fraction = total.rem_euclid(self.limit);
        // Allowed when the new arrival time minus the period (the burst) is not in the future.
        let horizon = i128::from(now) + self.period;
        if new_tat < horizon || (new_tat == horizon && new_fraction == 0) {
            Verdict::Allow {
                tat: Tat {
                    micros: saturate(new_tat),
                    fraction: saturate(new_fraction),
                },
                state: self.state(new_tat, new_fraction, now),
            }
        } else {
            let wait = new_tat - horizon + i128::from(new_fraction > 0);
            Verdict::Deny {
                retry_after: Some(from_micros(saturate(wait))),
                state: self.state(tat, fraction, now),
            }
        }
    }

    /// Moves the arrival time by `delta` units (actual minus reserved): a refund frees capacity,
    /// extra usage is owed. Never before `now` (no credit), never beyond [`MAX_DEBT_PERIODS`].
    pub fn charge(&self, stored: Option<Tat>, now: i64, delta: i64) -> Tat {
        let (tat, fraction) = self.current(stored, now);
        if self.limit == 0 {
            return Tat {
                micros: saturate(tat),
                fraction: 0,
            };
        }
        let total = fraction + i128::from(delta) * self.period;
        let new_tat = tat + total.div_euclid(self.limit);
        let new_fraction = total.rem_euclid(self.limit);
        let now = i128::from(now);
        let ceiling = now + MAX_DEBT_PERIODS * self.period;
        let (micros, fraction) = if new_tat < now {
            (now, 0)
        } else if new_tat >= ceiling {
            (ceiling, 0)
        } else {
            (new_tat, new_fraction)
        };
        Tat {
            micros: saturate(micros),
            fraction: saturate(fraction),
        }
    }

    /// The stored arrival time, or `now` when it is in the past (the bucket is full).
    fn current(&self, stored: Option<Tat>, now: i64) -> (i128, i128) {
        match stored {
            Some(tat) if tat.micros >= now && self.limit > 0 => (
                i128::from(tat.micros),
                i128::from(tat.fraction).clamp(0, self.limit - 1),
            ),
            _ => (i128::from(now), 0),
        }
    }

    fn state(&self, tat: i128, fraction: i128, now: i64) -> RateState {
        let ahead = tat - i128::from(now);
        let remaining = ((self.period - ahead) * self.limit - fraction).div_euclid(self.period);
        RateState {
            limit: u64::try_from(self.limit).unwrap_or(u64::MAX),
            remaining: u64::try_from(remaining.clamp(0, self.limit)).unwrap_or(0),
            reset_after: from_micros(saturate(ahead + i128::from(fraction > 0))),
        }
    }
}

impl Tat {
    /// Whether this arrival time is no later than `now`: the limit is back to a full burst and
    /// its state can be dropped.
    pub fn expired(&self, now: i64) -> bool {
        self.micros < now || (self.micros == now && self.fraction == 0)
    }
}

fn saturate(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(verdict: &Verdict) -> Option<Tat> {
        match verdict {
            Verdict::Allow { tat, .. } => Some(*tat),
            Verdict::Deny { .. } => None,
        }
    }

    #[test]
    fn a_burst_of_exactly_limit_passes_for_awkward_periods() {
        for (limit, period) in [(7, 60_000_000), (3, 1), (1000, 86_400_000_000), (50, 7)] {
            let gcra = Gcra::new(limit, Duration::from_micros(period));
            let mut stored = None;
            for _ in 0..limit {
                stored = allowed(&gcra.admit(stored, 1_000, 1));
                assert!(stored.is_some(), "limit {limit} period {period}");
            }
            assert!(allowed(&gcra.admit(stored, 1_000, 1)).is_none());
        }
    }

    #[test]
    fn refund_frees_capacity_and_debt_is_bounded() {
        let gcra = Gcra::new(1000, Duration::from_secs(60));
        let full = allowed(&gcra.admit(None, 0, 1000));
        assert!(allowed(&gcra.admit(full, 0, 1)).is_none());
        let refunded = gcra.charge(full, 0, -900);
        assert!(allowed(&gcra.admit(Some(refunded), 0, 900)).is_some());
        assert!(allowed(&gcra.admit(Some(refunded), 0, 901)).is_none());
        let owed = gcra.charge(full, 0, i64::MAX / 2);
        assert_eq!(owed.micros, 600_000_000);
    }
}
