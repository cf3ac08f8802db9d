//! Webhook delivery of alerts: the generic JSON body or Feishu's bot message, POSTed by one background task.
//!
//! Generic body (`NOTIFY_WEBHOOK_FORMAT=generic`, the default):
//!
//! ```json
//! {"source": "aiproxy", "kind": "channel_banned", "key": "channel_banned:3:gpt-4o",
//!  "message": "channel 3 banned for model gpt-4o: ...", "time_ms": 1700000000000,
//!  "event": {"kind": "channel_banned", "channel_id": 3, "model": "gpt-4o", "reason": "..."}}
//! ```
//!
//! `event` holds the event's own fields (see [`super::AlertEvent`]). Feishu
//! (`NOTIFY_WEBHOOK_FORMAT=feishu`): `{"msg_type": "text", "content": {"text": "[aiproxy] ..."}}`.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::AlertEvent;
use crate::process::redis_link::RedisLink;
use crate::store::now_ms;

/// One webhook call may take this long; a slow receiver delays later alerts, never requests.
const POST_TIMEOUT: Duration = Duration::from_secs(10);

/// The body shape the webhook expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WebhookFormat {
    #[default]
    Generic,
    Feishu,
}

impl WebhookFormat {
    /// From `NOTIFY_WEBHOOK_FORMAT`: `generic` or `feishu`.
    pub fn parse(name: &str) -> Option<WebhookFormat> {
        match name {
            "generic" => Some(WebhookFormat::Generic),
            "feishu" => Some(WebhookFormat::Feishu),
            _ => None,
        }
    }
}

/// The JSON body for `event` in `format`.
pub fn body(format: WebhookFormat, event: &AlertEvent) -> Value {
    match format {
        WebhookFormat::Generic => json!({
            "source": "aiproxy",
            "kind": event.kind(),
            "key": event.key(),
            "message": event.message(),
            "time_ms": now_ms(),
            "event": event,
        }),
        WebhookFormat::Feishu => json!({
            "msg_type": "text",
            "content": {"text": format!("[aiproxy] {}", event.message())},
        }),
    }
}

/// The throttle replicas share through Redis: the first replica to claim an alert's key for
/// the window sends it, the others only log it.
#[derive(Debug, Clone)]
pub struct SharedThrottle {
    pub link: RedisLink,
    /// `REDIS_KEY_PREFIX` plus `:`.
    pub prefix: String,
}

impl SharedThrottle {
    /// Whether this replica sends `event`. A Redis that cannot answer lets it through: an alert
    /// sent twice is better than one lost while Redis itself may be the trouble.
    async fn claim(&self, event: &AlertEvent, window: Duration) -> bool {
        let Some(mut connection) = self.link.guarded() else {
            return true;
        };
        let claimed = redis::cmd("SET")
            .arg(format!("{}alert:{}", self.prefix, event.key()))
            .arg(1)
            .arg("NX")
            .arg("PX")
            .arg(u64::try_from(window.as_millis()).unwrap_or(u64::MAX).max(1))
            .query_async::<Option<String>>(&mut connection)
            .await;
        match claimed {
            Ok(reply) => reply.is_some(),
            Err(error) => {
                self.link.observe(&error);
                true
            }
        }
    }
}

/// Posts every event received until every sender is gone. A failed call is logged and not
/// retried: the event was logged already, and the throttle would hold back a repeat anyway.
pub async fn deliver(
    url: String,
    format: WebhookFormat,
    mut events: mpsc::Receiver<AlertEvent>,
    shared: Option<(SharedThrottle, Duration)>,
) {
    let client = match reqwest::Client::builder().timeout(POST_TIMEOUT).build() {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "cannot build the alert webhook client: alerts are only logged");
            return;
        }
    };
    while let Some(event) = events.recv().await {
        if let Some((throttle, window)) = &shared
            && !throttle.claim(&event, *window).await
        {
            tracing::debug!(alert = event.kind(), "alert sent by another replica");
            continue;
        }
        let outcome = client.post(&url).json(&body(format, &event)).send().await;
        match outcome.and_then(reqwest::Response::error_for_status) {
            Ok(_) => tracing::debug!(alert = event.kind(), "alert delivered"),
            // The URL may carry a token (Feishu's does): it is not logged.
            Err(error) => tracing::warn!(
                alert = event.kind(),
                error = %error.without_url(),
                "cannot deliver an alert to NOTIFY_WEBHOOK_URL"
            ),
        }
    }
}
