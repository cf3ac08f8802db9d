//! Where quota periods begin and end, in the quota time zone.

use chrono::{Datelike, Days, LocalResult, Months, NaiveDate, TimeZone};
use chrono_tz::Tz;

use crate::store::QuotaPeriod;

/// Milliseconds since the epoch at which the period containing `now_ms` began.
pub fn period_start(period: QuotaPeriod, now_ms: i64, tz: Tz) -> i64 {
    let today = local_date(now_ms, tz);
    let first_day = match period {
        QuotaPeriod::Daily => Some(today),
        QuotaPeriod::Weekly => {
            today.checked_sub_days(Days::new(u64::from(today.weekday().num_days_from_monday())))
        }
        QuotaPeriod::Monthly => today.with_day(1),
    };
    first_day.map_or(now_ms, |day| day_start_ms(day, tz))
}

/// Milliseconds since the epoch at which the period after the one containing `now_ms` begins:
/// the instant the token's period usage resets.
pub fn next_reset(period: QuotaPeriod, now_ms: i64, tz: Tz) -> i64 {
    let today = local_date(now_ms, tz);
    let next_first_day = match period {
        QuotaPeriod::Daily => today.checked_add_days(Days::new(1)),
        QuotaPeriod::Weekly => today.checked_add_days(Days::new(u64::from(
            7 - today.weekday().num_days_from_monday(),
        ))),
        QuotaPeriod::Monthly => today
            .with_day(1)
            .and_then(|first| first.checked_add_months(Months::new(1))),
    };
    next_first_day.map_or(i64::MAX, |day| day_start_ms(day, tz))
}

fn local_date(now_ms: i64, tz: Tz) -> NaiveDate {
    match tz.timestamp_millis_opt(now_ms) {
        LocalResult::Single(time) | LocalResult::Ambiguous(time, _) => time.date_naive(),
        // Out of chrono's range (hundreds of thousands of years away): clamp.
        LocalResult::None => {
            if now_ms < 0 {
                NaiveDate::MIN
            } else {
                NaiveDate::MAX
            }
        }
    }
}

/// The first instant of `day` in `tz`. Midnight that happens twice (clocks set back across it)
/// is its earlier occurrence; midnight that does not exist (clocks sprang forward across it)
/// gives way to the end of the gap, the first local time of that day.
fn day_start_ms(day: NaiveDate, tz: Tz) -> i64 {
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    // Gaps in the tz database are whole multiples of 15 minutes and shorter than a day.
    for quarter in 0..=96 {
        let local = midnight + chrono::Duration::minutes(15 * quarter);
        if let Some(time) = tz.from_local_datetime(&local).earliest() {
            return time.timestamp_millis();
        }
    }
    midnight.and_utc().timestamp_millis()
}
