//! Channel health that raises alerts: a pair banned, an upstream that refused a channel's key, an error rate past its threshold.

use relay::{Availability, ChannelHealth, ErrorRateThresholds, Outcome, PairKey};

use super::{AlertEvent, Alerts};

/// The error rate (0..1) above which `ErrorRateHigh` is raised, 0 disabling it; asked on each
/// failure, so an option changed at runtime applies to the next one.
pub type ErrorRateThreshold = Box<dyn Fn() -> f64 + Send + Sync>;

/// A channel's own thresholds by channel id (the stored channel's `warn_error_rate` and
/// `max_error_rate`), asked on each report so an edited channel applies at once.
pub type ChannelErrorRates = Box<dyn Fn(i64) -> ErrorRateThresholds + Send + Sync>;

/// Forwards every call to `inner` with the channel's own thresholds; after a reported
/// failure, alerts when the pair got banned or its error rate exceeds the channel's warn rate
/// (the default `error_rate_threshold` when it has none). Alerts are throttled per pair by
/// [`Alerts`], so a flapping pair does not flood the webhook.
pub struct AlertingHealth<H> {
    inner: H,
    alerts: Alerts,
    error_rate_threshold: ErrorRateThreshold,
    channel_error_rates: ChannelErrorRates,
}

impl<H> std::fmt::Debug for AlertingHealth<H> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("AlertingHealth")
            .finish_non_exhaustive()
    }
}

impl<H: ChannelHealth> AlertingHealth<H> {
    pub fn new(
        inner: H,
        alerts: Alerts,
        error_rate_threshold: ErrorRateThreshold,
        channel_error_rates: ChannelErrorRates,
    ) -> AlertingHealth<H> {
        AlertingHealth {
            inner,
            alerts,
            error_rate_threshold,
            channel_error_rates,
        }
    }
}

impl<H: ChannelHealth> ChannelHealth for AlertingHealth<H> {
    fn availability(&self, channel_id: i64, model: &str) -> Availability {
        self.inner.availability(channel_id, model)
    }

    fn report_with(
        &self,
        channel_id: i64,
        model: &str,
        outcome: Outcome,
        thresholds: ErrorRateThresholds,
    ) -> bool {
        let own = (self.channel_error_rates)(channel_id);
        let thresholds = ErrorRateThresholds {
            warn: thresholds.warn.or(own.warn),
            ban: thresholds.ban.or(own.ban),
        };
        let banned = self
            .inner
            .report_with(channel_id, model, outcome, thresholds);
        if let Outcome::KeyRefused { status } = outcome {
            // Banned at once by the health policy: the alert says why, so the key gets fixed.
            self.alerts.raise(AlertEvent::UpstreamNoPermission {
                channel_id,
                model: model.to_owned(),
                status,
                message: "the upstream refused the channel's key; the pair is banned until a probe succeeds".into(),
            });
        } else if banned {
            let reason = self
                .inner
                .ban_reason(channel_id, model)
                .unwrap_or_else(|| "too many failures".into());
            self.alerts.raise(AlertEvent::ChannelBanned {
                channel_id,
                model: model.to_owned(),
                reason,
            });
        } else if outcome == Outcome::Failure
            && let threshold = thresholds
                .warn
                .unwrap_or_else(|| (self.error_rate_threshold)())
            && threshold > 0.0
            && let Availability::Available { success_rate } =
                self.inner.availability(channel_id, model)
            && 1.0 - success_rate > threshold
        {
            self.alerts.raise(AlertEvent::ErrorRateHigh {
                channel_id,
                model: model.to_owned(),
                error_rate: 1.0 - success_rate,
                threshold,
            });
        }
        banned
    }

    fn due_probes(&self) -> Vec<PairKey> {
        self.inner.due_probes()
    }

    fn probe_result(&self, channel_id: i64, model: &str, ok: bool) {
        self.inner.probe_result(channel_id, model, ok);
    }

    fn ban_reason(&self, channel_id: i64, model: &str) -> Option<String> {
        self.inner.ban_reason(channel_id, model)
    }
}
