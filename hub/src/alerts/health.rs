//! Channel health that raises alerts: a pair banned, an upstream that refused a channel's key, an error rate past its threshold.

use relay::{Availability, ChannelHealth, Outcome, PairKey};

use super::{AlertEvent, Alerts};

/// The error rate (0..1) above which `ErrorRateHigh` is raised, 0 disabling it; asked on each
/// failure, so an option changed at runtime applies to the next one.
pub type ErrorRateThreshold = Box<dyn Fn() -> f64 + Send + Sync>;

/// Forwards every call to `inner`; after a reported failure, alerts when the pair got banned
/// or its success rate fell below `1 - error_rate_threshold`. Alerts are throttled per pair
/// by [`Alerts`], so a flapping pair does not flood the webhook.
pub struct AlertingHealth<H> {
    inner: H,
    alerts: Alerts,
    error_rate_threshold: ErrorRateThreshold,
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
    ) -> AlertingHealth<H> {
        AlertingHealth {
            inner,
            alerts,
            error_rate_threshold,
        }
    }
}

impl<H: ChannelHealth> ChannelHealth for AlertingHealth<H> {
    fn availability(&self, channel_id: i64, model: &str) -> Availability {
        self.inner.availability(channel_id, model)
    }

    fn report(&self, channel_id: i64, model: &str, outcome: Outcome) -> bool {
        let banned = self.inner.report(channel_id, model, outcome);
        if let Outcome::KeyRefused { status } = outcome {
            // Banned at once by the health policy: the alert says why, so the key gets fixed.
            self.alerts.raise(AlertEvent::UpstreamNoPermission {
                channel_id,
                model: model.to_owned(),
                status,
                message: "the upstream refused the channel's key; the pair is banned until a probe succeeds".into(),
            });
        } else if banned {
            self.alerts.raise(AlertEvent::ChannelBanned {
                channel_id,
                model: model.to_owned(),
                reason: "too many consecutive failures".into(),
            });
        } else if outcome == Outcome::Failure
            && let threshold = (self.error_rate_threshold)()
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
}
