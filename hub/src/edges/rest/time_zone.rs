//! The dashboards' `timezone` parameter: which zone's midnights day buckets start at.

use chrono::{NaiveTime, TimeZone};
use chrono_tz::Tz;

use super::ApiError;

/// The zone a query names (an IANA name, `Asia/Shanghai`); UTC when empty or `Local` (the
/// seed's default, the server's zone: ours keeps UTC). An unknown name is refused.
pub fn named(name: &str) -> Result<Tz, ApiError> {
    match name.trim() {
        "" | "Local" | "local" => Ok(Tz::UTC),
        name => name.parse::<Tz>().map_err(|_| {
            ApiError::bad_request(format!(
                "unknown timezone {name:?}: an IANA name such as Asia/Shanghai"
            ))
        }),
    }
}

/// The start (unix ms) of the day in `zone` holding `at_ms`. Hour buckets are whole UTC hours,
/// so in a zone offset by a fraction of an hour an hour is counted in the day it starts in.
pub fn day_start_ms(at_ms: i64, zone: Tz) -> i64 {
    let Some(local) = zone.timestamp_millis_opt(at_ms).single() else {
        return at_ms;
    };
    let midnight = local.date_naive().and_time(NaiveTime::MIN);
    // A midnight skipped by a daylight-saving change: the day starts at its first hour.
    zone.from_local_datetime(&midnight)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(midnight + chrono::Duration::hours(1)))
                .earliest()
        })
        .map_or(at_ms, |start| start.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_start_at_the_zones_midnight() {
        // 2026-03-01T03:00Z is 11:00 in Shanghai (UTC+8): its day began at 2026-02-28T16:00Z.
        let at = 1_772_334_000_000;
        assert_eq!(day_start_ms(at, Tz::UTC), 1_772_323_200_000);
        let shanghai = named("Asia/Shanghai").unwrap();
        assert_eq!(day_start_ms(at, shanghai), 1_772_294_400_000);
        assert_eq!(named("Local").unwrap(), Tz::UTC);
        assert_eq!(named("").unwrap(), Tz::UTC);
        assert!(named("Mars/Olympus").is_err());
    }
}
