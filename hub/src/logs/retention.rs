//! Retention: a background task that deletes request logs older than `LOG_STORAGE_HOURS` and bodies older than `LOG_DETAIL_STORAGE_HOURS`, in small batches.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::queries::{delete_before, delete_details_before};
use crate::process::options::RuntimeOptions;
use crate::process::settings::Settings;
use crate::store::StoreError;
use crate::store::{Store, now_ms};

const HOUR_MS: i64 = 3_600_000;

/// What the cleaner keeps and how gently it deletes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionConfig {
    /// Hours request logs are kept; 0 keeps them forever.
    pub log_hours: u64,
    /// Hours request and response bodies are kept; 0 keeps them forever.
    pub detail_hours: u64,
    /// Rows deleted per statement: each statement holds the write lock (SQLite) or row locks
    /// (Postgres) only as long as this many rows take.
    pub batch_size: i64,
    /// Wait between two delete statements, so queued log writes get the lock in between.
    pub pause: Duration,
    /// Time between cleaning runs.
    pub interval: Duration,
}

impl RetentionConfig {
    /// From `LOG_STORAGE_HOURS`, `LOG_DETAIL_STORAGE_HOURS` and `CLEAN_LOG_BATCH_SIZE`; runs
    /// every five minutes with a 50 ms pause between batches.
    pub fn from_settings(settings: &Settings) -> RetentionConfig {
        RetentionConfig {
            log_hours: settings.log_storage_hours,
            detail_hours: settings.log_detail_storage_hours,
            batch_size: i64::try_from(settings.clean_log_batch_size)
                .unwrap_or(i64::MAX)
                .max(1),
            pause: Duration::from_millis(50),
            interval: Duration::from_secs(300),
        }
    }

    /// This configuration under the retention options (`LogStorageHours`,
    /// `LogDetailStorageHours`, `CleanLogBatchSize`), each replacing its environment setting.
    pub fn with_options(&self, options: &RuntimeOptions) -> RetentionConfig {
        RetentionConfig {
            log_hours: options.log_storage_hours.unwrap_or(self.log_hours),
            detail_hours: options
                .log_detail_storage_hours
                .unwrap_or(self.detail_hours),
            batch_size: options
                .clean_log_batch_size
                .map_or(self.batch_size, |size| {
                    i64::try_from(size).unwrap_or(i64::MAX)
                }),
            ..self.clone()
        }
    }

    fn enabled(&self) -> bool {
        self.log_hours > 0 || self.detail_hours > 0
    }
}

/// Rows deleted by one cleaning run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cleaned {
    pub logs: i64,
    pub details: i64,
}

/// One cleaning run at `now_ms`: details first (their limit is usually shorter), then logs.
pub async fn clean_once(
    store: &Store,
    config: &RetentionConfig,
    now_ms: i64,
) -> Result<Cleaned, StoreError> {
    let mut cleaned = Cleaned::default();
    if config.detail_hours > 0 {
        let before = now_ms.saturating_sub(hours_ms(config.detail_hours));
        cleaned.details =
            delete_details_before(store, before, config.batch_size, config.pause).await?;
    }
    if config.log_hours > 0 {
        let before = now_ms.saturating_sub(hours_ms(config.log_hours));
        // Details older than the logs' limit go too, so no body outlives its log row.
        cleaned.details +=
            delete_details_before(store, before, config.batch_size, config.pause).await?;
        cleaned.logs = delete_before(store, before, config.batch_size, config.pause).await?;
    }
    Ok(cleaned)
}

/// Cleans right away and then every interval until `stop` is cancelled, each run under the
/// configuration `current` gives then (options can change it at runtime). A failed run is
/// logged and retried at the next interval.
pub async fn run(store: Store, current: impl Fn() -> RetentionConfig, stop: CancellationToken) {
    loop {
        let config = current();
        let run = async {
            if config.enabled() {
                clean_once(&store, &config, now_ms()).await
            } else {
                Ok(Cleaned::default())
            }
        };
        let outcome = tokio::select! {
            outcome = run => outcome,
            () = stop.cancelled() => return,
        };
        match outcome {
            Ok(cleaned) if cleaned != Cleaned::default() => {
                tracing::info!(
                    logs = cleaned.logs,
                    details = cleaned.details,
                    "old request logs deleted"
                );
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "cannot delete old request logs"),
        }
        tokio::select! {
            () = tokio::time::sleep(config.interval) => {}
            () = stop.cancelled() => return,
        }
    }
}

/// Deletes control-plane audit events older than `days` (`AUDIT_RETENTION_DAYS`) from the main
/// database right away and then hourly, until `stop` is cancelled.
pub async fn run_audit(store: Store, days: u64, stop: CancellationToken) {
    const BATCH: i64 = 5000;
    loop {
        let before = now_ms().saturating_sub(hours_ms(days.saturating_mul(24)));
        let outcome = tokio::select! {
            outcome = store.delete_audit_events_before(before, BATCH) => outcome,
            () = stop.cancelled() => return,
        };
        match outcome {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "old audit events deleted"),
            Err(error) => tracing::warn!(%error, "cannot delete old audit events"),
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(3600)) => {}
            () = stop.cancelled() => return,
        }
    }
}

fn hours_ms(hours: u64) -> i64 {
    i64::try_from(hours)
        .unwrap_or(i64::MAX)
        .saturating_mul(HOUR_MS)
}
