//! One log line per interval for an error that repeats per request, with the count, instead of one line per occurrence.
//!
//! A database outage under load drops rows by the thousand a second; a line for each filled
//! the process log (74 MB in 20 s) and buried everything else. Counting stays exact: callers
//! keep their own counters for `/metrics`, and this only decides when a line is printed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How often a repeated error is reported.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// Counts occurrences of one kind of error and says when to log them. Lock-free: the request
/// path only adds to a counter, and one caller per interval wins the right to report.
#[derive(Debug)]
pub struct RepeatedError {
    interval_ms: u64,
    started: Instant,
    /// Occurrences not reported yet.
    pending: AtomicU64,
    /// When the last report was made, in milliseconds since `started`; `u64::MAX` before the
    /// first, so the first occurrence is reported at once.
    last_report_ms: AtomicU64,
}

impl RepeatedError {
    pub fn new(interval: Duration) -> RepeatedError {
        RepeatedError {
            interval_ms: u64::try_from(interval.as_millis()).unwrap_or(u64::MAX),
            started: Instant::now(),
            pending: AtomicU64::new(0),
            last_report_ms: AtomicU64::new(u64::MAX),
        }
    }

    /// Notes one occurrence. Returns how many occurrences to report now (this one included)
    /// when a line is due, else `None`.
    pub fn occurred(&self) -> Option<u64> {
        self.pending.fetch_add(1, Ordering::Relaxed);
        let now = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let last = self.last_report_ms.load(Ordering::Relaxed);
        let due = last == u64::MAX || now.saturating_sub(last) >= self.interval_ms;
        if !due {
            return None;
        }
        // Only the caller that moves the report time forward reports.
        self.last_report_ms
            .compare_exchange(last, now, Ordering::AcqRel, Ordering::Relaxed)
            .ok()?;
        Some(self.pending.swap(0, Ordering::AcqRel))
    }
}

impl Default for RepeatedError {
    fn default() -> Self {
        RepeatedError::new(DEFAULT_INTERVAL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_occurrence_is_reported_then_one_line_per_interval_with_the_count() {
        let repeated = RepeatedError::new(Duration::from_secs(3600));
        assert_eq!(repeated.occurred(), Some(1));
        for _ in 0..10_000 {
            assert_eq!(repeated.occurred(), None);
        }
        let every_time = RepeatedError::new(Duration::ZERO);
        assert_eq!(every_time.occurred(), Some(1));
        assert_eq!(every_time.occurred(), Some(1));
    }

    #[test]
    fn occurrences_between_reports_are_counted_in_the_next_one() {
        let repeated = RepeatedError::new(Duration::from_millis(30));
        assert_eq!(repeated.occurred(), Some(1));
        for _ in 0..99 {
            assert_eq!(repeated.occurred(), None);
        }
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(repeated.occurred(), Some(100));
    }
}
