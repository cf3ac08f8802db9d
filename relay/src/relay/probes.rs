//! The background work: banned (channel, model) pairs are probed until one answers again, and unfinished video jobs are polled.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::attempt::effective_timeouts;
use super::{Inner, Relay};
use crate::host::{Channel, ChannelTimeouts};
use crate::provider::{Endpoint, authorize};
use crate::upstream::send;

impl Relay {
    /// Starts the background work, which runs until `shutdown` completes: the prober (banned
    /// pairs are probed every probe interval and return to rotation when a probe succeeds) and
    /// the poll of unfinished video jobs.
    pub fn spawn_background<F>(&self, shutdown: F) -> tokio::task::JoinHandle<()>
    where
        F: Future + Send + 'static,
        F::Output: Send,
    {
        let videos = Arc::clone(&self.inner);
        let (stop_videos, videos_stopped) = tokio::sync::oneshot::channel::<()>();
        // Unfinished video jobs are polled on their own schedule (each job's backoff), apart
        // from the probes so a slow upstream delays neither.
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(Duration::from_secs(1));
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tokio::pin!(videos_stopped);
            loop {
                tokio::select! {
                    _ = &mut videos_stopped => break,
                    _ = interval.tick() => videos.poll_videos().await,
                }
            }
        });
        let inner = Arc::clone(&self.inner);
        let tick = (inner.config.ban.probe_interval / 2)
            .clamp(Duration::from_millis(5), Duration::from_secs(1));
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(tick);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tokio::pin!(shutdown);
            loop {
                tokio::select! {
                    _ = &mut shutdown => {
                        let _ = stop_videos.send(());
                        break;
                    }
                    _ = interval.tick() => inner.run_probes().await,
                }
            }
        })
    }
}

impl Inner {
    pub(super) async fn run_probes(&self) {
        let due = self.health.due_probes();
        if due.is_empty() {
            return;
        }
        let probes = due.into_iter().filter_map(|pair| {
            let banned = self
                .banned
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .get(&pair)
                .cloned();
            // A pair banned elsewhere (shared health) has nothing to probe with here; its ban
            // runs out on its own.
            let (channel, endpoint) = banned?;
            Some(async move {
                let ok = self.probe(&channel, endpoint, &pair.model).await;
                tracing::info!(
                    channel = channel.id,
                    model = pair.model,
                    ok,
                    "probed banned channel"
                );
                self.health.probe_result(pair.channel_id, &pair.model, ok);
                if ok {
                    self.banned
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .remove(&pair);
                }
            })
        });
        futures::future::join_all(probes).await;
    }

    pub(super) async fn probe(&self, channel: &Channel, endpoint: Endpoint, model: &str) -> bool {
        let upstream_model = channel
            .model_mapping
            .get(model)
            .map_or(model, String::as_str);
        let timeouts = effective_timeouts(
            self.config.timeouts,
            &channel.timeouts,
            &ChannelTimeouts::default(),
        );
        let provider = channel.kind.provider();
        let Ok(mut request) = provider.probe(channel, endpoint, upstream_model) else {
            return false;
        };
        if let Some(response) = provider.local_answer(channel, &request) {
            return response.status().is_success();
        }
        let Ok(client) = self
            .clients
            .get(channel.proxy_url.as_deref(), timeouts.connect)
        else {
            return false;
        };
        if authorize(provider, channel, &client, &mut request)
            .await
            .is_err()
        {
            return false;
        }
        match send(&client, request, timeouts.first_byte).await {
            Ok(response) => response.status().is_success(),
            Err(_) => false,
        }
    }
}
