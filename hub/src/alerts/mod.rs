//! Operator alerts: events (channel banned, error rate, upstream no-permission, low balances, IP
//! shared by many groups, log writes failing) throttled per key, always logged, and delivered to a
//! webhook by a background task.
//!
//! [`Alerts::raise`] never blocks the request path: it checks the throttle, logs, and hands the
//! event to a bounded channel read by the delivery task (a full channel drops the delivery,
//! not the log line). The webhook body shapes are in [`webhook`].

pub mod health;
pub mod webhook;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rust_decimal::Decimal;
use serde::Serialize;
use tokio::sync::mpsc;

pub use health::AlertingHealth;
pub use webhook::WebhookFormat;

/// Deliveries waiting for the webhook at most; more are logged but not sent.
const DELIVERY_QUEUE: usize = 256;
/// Throttle entries kept before the expired ones are swept (keys include IPs and groups).
const THROTTLE_SWEEP_AT: usize = 10_000;

/// Something an operator should hear about.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AlertEvent {
    /// Selection stopped using a channel for a model.
    ChannelBanned {
        channel_id: i64,
        model: String,
        reason: String,
    },
    /// A channel's recent error rate for a model passed the threshold.
    ErrorRateHigh {
        channel_id: i64,
        model: String,
        error_rate: f64,
        threshold: f64,
    },
    /// The upstream refused the channel's key (401/403): the key or its plan needs attention.
    UpstreamNoPermission {
        channel_id: i64,
        model: String,
        status: u16,
        message: String,
    },
    /// A group's balance fell below its alert threshold.
    BalanceLow {
        group_id: String,
        balance: Decimal,
        threshold: Decimal,
    },
    /// A channel's upstream account balance fell below the channel's threshold.
    ChannelBalanceLow {
        channel_id: i64,
        balance: f64,
        threshold: f64,
        currency: Option<String>,
    },
    /// A channel's upstream balance reached 0 and the channel was disabled, as it asked.
    ChannelDisabledEmpty { channel_id: i64, balance: f64 },
    /// One client address used many groups within an hour.
    IpSharedByGroups { ip: String, groups: u32 },
    /// Request logs cannot be written (database failing, or the queue full and rows dropped).
    LogWriteFailing { error: String },
    /// A remote MCP server's tools differ from what an admin approved (or a tool is flagged by
    /// the poisoning scan): quarantined until reviewed (`ListMcpToolChanges`).
    McpToolsChanged {
        server_id: String,
        /// One line per tool: `changed search`, `new export (flagged: instruction)`,
        /// `removed fetch`.
        changes: Vec<String>,
    },
}

impl AlertEvent {
    /// The event's kind, as in the webhook's `kind` field.
    pub fn kind(&self) -> &'static str {
        match self {
            AlertEvent::ChannelBanned { .. } => "channel_banned",
            AlertEvent::ErrorRateHigh { .. } => "error_rate_high",
            AlertEvent::UpstreamNoPermission { .. } => "upstream_no_permission",
            AlertEvent::BalanceLow { .. } => "balance_low",
            AlertEvent::ChannelBalanceLow { .. } => "channel_balance_low",
            AlertEvent::ChannelDisabledEmpty { .. } => "channel_disabled_empty",
            AlertEvent::IpSharedByGroups { .. } => "ip_shared_by_groups",
            AlertEvent::LogWriteFailing { .. } => "log_write_failing",
            AlertEvent::McpToolsChanged { .. } => "mcp_tools_changed",
        }
    }

    /// What the throttle counts: one alert per key per window.
    pub fn key(&self) -> String {
        let mut key = self.kind().to_owned();
        // Writing to a String cannot fail.
        let _ = match self {
            AlertEvent::ChannelBanned {
                channel_id, model, ..
            }
            | AlertEvent::ErrorRateHigh {
                channel_id, model, ..
            }
            | AlertEvent::UpstreamNoPermission {
                channel_id, model, ..
            } => write!(key, ":{channel_id}:{model}"),
            AlertEvent::BalanceLow { group_id, .. } => write!(key, ":{group_id}"),
            AlertEvent::ChannelBalanceLow { channel_id, .. }
            | AlertEvent::ChannelDisabledEmpty { channel_id, .. } => write!(key, ":{channel_id}"),
            AlertEvent::IpSharedByGroups { ip, .. } => write!(key, ":{ip}"),
            AlertEvent::LogWriteFailing { .. } => Ok(()),
            // Each distinct set of changes is news: throttled only when repeated as it is.
            AlertEvent::McpToolsChanged { server_id, changes } => {
                write!(key, ":{server_id}:{}", changes.join(";"))
            }
        };
        key
    }

    /// One human-readable line.
    pub fn message(&self) -> String {
        match self {
            AlertEvent::ChannelBanned {
                channel_id,
                model,
                reason,
            } => format!("channel {channel_id} banned for model {model}: {reason}"),
            AlertEvent::ErrorRateHigh {
                channel_id,
                model,
                error_rate,
                threshold,
            } => format!(
                "channel {channel_id} model {model}: error rate {:.1}% above {:.1}%",
                error_rate * 100.0,
                threshold * 100.0
            ),
            AlertEvent::UpstreamNoPermission {
                channel_id,
                model,
                status,
                message,
            } => format!(
                "channel {channel_id} model {model}: upstream refused the key ({status}): {message}"
            ),
            AlertEvent::BalanceLow {
                group_id,
                balance,
                threshold,
            } => format!(
                "group {group_id} balance {balance} is below its alert threshold {threshold}"
            ),
            AlertEvent::ChannelBalanceLow {
                channel_id,
                balance,
                threshold,
                currency,
            } => {
                let currency = currency
                    .as_deref()
                    .map(|code| format!(" {code}"))
                    .unwrap_or_default();
                format!(
                    "channel {channel_id} upstream balance {balance}{currency} is below its threshold {threshold}"
                )
            }
            AlertEvent::ChannelDisabledEmpty {
                channel_id,
                balance,
            } => format!("channel {channel_id} disabled: its upstream balance is {balance}"),
            AlertEvent::IpSharedByGroups { ip, groups } => {
                format!("client address {ip} used {groups} groups within an hour")
            }
            AlertEvent::LogWriteFailing { error } => {
                format!("request logs cannot be written: {error}")
            }
            AlertEvent::McpToolsChanged { server_id, changes } => format!(
                "mcp server {server_id}: tools quarantined until an administrator reviews them: {}",
                changes.join("; ")
            ),
        }
    }
}

/// Where alerts go and how often.
#[derive(Debug, Clone)]
pub struct AlertConfig {
    /// `NOTIFY_WEBHOOK_URL`; `None` only logs.
    pub webhook_url: Option<String>,
    /// `NOTIFY_WEBHOOK_FORMAT`.
    pub format: WebhookFormat,
    /// `NOTIFY_THROTTLE_SECONDS`: one alert per key per window.
    pub throttle: Duration,
    /// With `REDIS`: replicas share the throttle, so one event seen by every replica is sent
    /// once, not once per replica.
    pub shared: Option<webhook::SharedThrottle>,
}

impl Default for AlertConfig {
    fn default() -> AlertConfig {
        AlertConfig {
            webhook_url: None,
            format: WebhookFormat::Generic,
            throttle: Duration::from_secs(300),
            shared: None,
        }
    }
}

/// The handle components raise alerts through. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Alerts {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    throttle: Duration,
    last_sent: Mutex<HashMap<String, Instant>>,
    deliveries: Option<mpsc::Sender<AlertEvent>>,
}

impl Alerts {
    /// Starts the delivery task when a webhook is configured (call inside the runtime). The
    /// task ends when the last handle is dropped.
    pub fn start(config: AlertConfig) -> Alerts {
        let deliveries = config.webhook_url.map(|url| {
            let (sender, receiver) = mpsc::channel(DELIVERY_QUEUE);
            tokio::spawn(webhook::deliver(
                url,
                config.format,
                receiver,
                config.shared.map(|shared| (shared, config.throttle)),
            ));
            sender
        });
        Alerts {
            inner: Arc::new(Inner {
                throttle: config.throttle,
                last_sent: Mutex::new(HashMap::new()),
                deliveries,
            }),
        }
    }

    /// Logs and sends `event` unless its key was raised within the throttle window. Never
    /// blocks: a full delivery queue drops the webhook call (the log line stays).
    pub fn raise(&self, event: AlertEvent) {
        if !self.admit(&event.key()) {
            tracing::debug!(alert = event.kind(), "alert throttled");
            return;
        }
        tracing::warn!(alert = event.kind(), "{}", event.message());
        if let Some(deliveries) = &self.inner.deliveries
            && deliveries.try_send(event).is_err()
        {
            tracing::warn!("alert webhook queue is full: an alert was not sent");
        }
    }

    fn admit(&self, key: &str) -> bool {
        let Ok(mut last_sent) = self.inner.last_sent.lock() else {
            return true;
        };
        let now = Instant::now();
        let throttle = self.inner.throttle;
        if last_sent
            .get(key)
            .is_some_and(|sent| now.duration_since(*sent) < throttle)
        {
            return false;
        }
        if last_sent.len() >= THROTTLE_SWEEP_AT {
            last_sent.retain(|_, sent| now.duration_since(*sent) < throttle);
        }
        last_sent.insert(key.to_owned(), now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_same_key_is_throttled_and_other_keys_are_not() {
        let alerts = Alerts::start(AlertConfig::default());
        let banned = |channel_id| AlertEvent::ChannelBanned {
            channel_id,
            model: "gpt-4o".into(),
            reason: "5 errors".into(),
        };
        assert!(alerts.admit(&banned(1).key()));
        assert!(!alerts.admit(&banned(1).key()));
        assert!(alerts.admit(&banned(2).key()));
        assert_eq!(banned(2).key(), "channel_banned:2:gpt-4o");
    }
}
