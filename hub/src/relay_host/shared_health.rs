//! Channel health the replicas share through Redis: each replica's outcomes, bans and lifted bans are published in batches and applied by the others.
//!
//! Selection must answer from memory, so every replica keeps its own [`InMemoryHealth`] and the
//! sharing happens beside the request path: [`SharedHealth::report`] queues what it saw
//! (bounded; a full queue drops outcomes, never blocks), a publisher sends a batch every
//! [`FLUSH_INTERVAL`], and a subscriber applies other replicas' batches. Outcomes weigh
//! selection everywhere (success rates), a ban decided on one replica bans the pair on all
//! within about one flush interval, and a successful probe or an operator's clear lifts it on
//! all. Running bans are also kept in a Redis hash (expiring with the longest ban), so a
//! replica that starts or reconnects learns them. Without Redis the same type is the process's
//! own health, as before.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::StreamExt;
use relay::{
    Availability, BanInfo, BanPolicy, ChannelHealth, ErrorRateThresholds, InMemoryHealth, Outcome,
    PairKey,
};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

/// How often queued outcomes and bans are published: the bound on how late another replica
/// learns of a ban.
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(100);
/// Events queued between flushes at most; beyond it outcomes are dropped (bans rarely are:
/// they are few) rather than grow memory or block a request.
const QUEUE_CAPACITY: usize = 65_536;
/// Pause before re-subscribing after Redis went away.
const RECONNECT_DELAY: Duration = Duration::from_secs(1);

/// One thing a replica saw or decided about a pair.
#[derive(Debug, Clone)]
enum HealthEvent {
    Outcome {
        pair: PairKey,
        ok: bool,
    },
    Banned {
        pair: PairKey,
        remaining: Duration,
        reason: String,
    },
    Lifted {
        pair: PairKey,
    },
}

/// Channel health, shared with the other replicas when [`SharedHealth::with_redis`] was used.
#[derive(Clone)]
pub struct SharedHealth {
    local: Arc<InMemoryHealth>,
    outbox: Option<mpsc::Sender<HealthEvent>>,
}

impl std::fmt::Debug for SharedHealth {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("SharedHealth")
            .field("shared", &self.outbox.is_some())
            .finish_non_exhaustive()
    }
}

impl SharedHealth {
    /// This process's health only.
    pub fn local(policy: BanPolicy) -> SharedHealth {
        SharedHealth {
            local: Arc::new(InMemoryHealth::new(policy)),
            outbox: None,
        }
    }

    /// Health shared through Redis under `key_prefix`; runs its publisher and subscriber until
    /// `shutdown` resolves.
    pub fn with_redis(
        policy: BanPolicy,
        client: redis::Client,
        publisher: redis::aio::ConnectionManager,
        key_prefix: &str,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> SharedHealth {
        let (outbox, queued) = mpsc::channel(QUEUE_CAPACITY);
        let health = SharedHealth {
            local: Arc::new(InMemoryHealth::new(policy)),
            outbox: Some(outbox),
        };
        let sync = HealthSync {
            local: health.local.clone(),
            instance: uuid::Uuid::new_v4().to_string(),
            channel: format!("{key_prefix}:channel-health"),
            bans_key: format!("{key_prefix}:channel-bans"),
            ban_duration: policy.ban_duration,
        };
        tokio::spawn(sync.run(client, publisher, queued, shutdown));
        health
    }

    /// Every pair banned now, on this replica (the same on all when shared).
    pub fn bans(&self) -> Vec<BanInfo> {
        self.local.bans()
    }

    /// Lifts the bans of `channel_id` (every channel when `None`), for `model` only when
    /// given; the other replicas follow. Returns the pairs lifted.
    pub fn clear(&self, channel_id: Option<i64>, model: Option<&str>) -> Vec<PairKey> {
        let mut lifted = Vec::new();
        for ban in self.local.bans() {
            if channel_id.is_some_and(|id| id != ban.pair.channel_id)
                || model.is_some_and(|model| model != ban.pair.model)
            {
                continue;
            }
            self.local.lift(ban.pair.channel_id, &ban.pair.model);
            self.send(HealthEvent::Lifted {
                pair: ban.pair.clone(),
            });
            lifted.push(ban.pair);
        }
        lifted
    }

    fn send(&self, event: HealthEvent) {
        if let Some(outbox) = &self.outbox
            && outbox.try_send(event).is_err()
        {
            tracing::debug!("channel health queue full: an event was not shared");
        }
    }
}

fn pair(channel_id: i64, model: &str) -> PairKey {
    PairKey {
        channel_id,
        model: model.to_owned(),
    }
}

impl ChannelHealth for SharedHealth {
    fn availability(&self, channel_id: i64, model: &str) -> Availability {
        self.local.availability(channel_id, model)
    }

    fn report_with(
        &self,
        channel_id: i64,
        model: &str,
        outcome: Outcome,
        thresholds: ErrorRateThresholds,
    ) -> bool {
        let banned = self
            .local
            .report_with(channel_id, model, outcome, thresholds);
        if self.outbox.is_none() {
            return banned;
        }
        match outcome {
            Outcome::Success => self.send(HealthEvent::Outcome {
                pair: pair(channel_id, model),
                ok: true,
            }),
            Outcome::Failure | Outcome::KeyRefused { .. } => self.send(HealthEvent::Outcome {
                pair: pair(channel_id, model),
                ok: false,
            }),
            // A cool-down is the upstream asking this caller to wait: it stays local.
            Outcome::RateLimited { .. } => {}
        }
        if banned
            && let Some(ban) = self
                .local
                .bans()
                .into_iter()
                .find(|ban| ban.pair.channel_id == channel_id && ban.pair.model == model)
        {
            self.send(HealthEvent::Banned {
                pair: ban.pair,
                remaining: ban.remaining,
                reason: ban.reason,
            });
        }
        banned
    }

    fn due_probes(&self) -> Vec<PairKey> {
        self.local.due_probes()
    }

    fn ban_reason(&self, channel_id: i64, model: &str) -> Option<String> {
        self.local.ban_reason(channel_id, model)
    }

    fn probe_result(&self, channel_id: i64, model: &str, ok: bool) {
        self.local.probe_result(channel_id, model, ok);
        if ok {
            self.send(HealthEvent::Lifted {
                pair: pair(channel_id, model),
            });
        }
    }
}

/// One published batch.
#[derive(Debug, Default, Serialize, Deserialize)]
struct WireBatch {
    instance: String,
    #[serde(default)]
    outcomes: Vec<WireOutcomes>,
    #[serde(default)]
    bans: Vec<WireBan>,
    #[serde(default)]
    lifts: Vec<WirePair>,
}

#[derive(Debug, Serialize, Deserialize)]
struct WireOutcomes {
    channel_id: i64,
    model: String,
    successes: u32,
    failures: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct WireBan {
    channel_id: i64,
    model: String,
    /// Unix milliseconds when the ban ends at the latest.
    until_ms: i64,
    reason: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct WirePair {
    channel_id: i64,
    model: String,
}

struct HealthSync {
    local: Arc<InMemoryHealth>,
    instance: String,
    channel: String,
    bans_key: String,
    ban_duration: Duration,
}

fn unix_ms(at: SystemTime) -> i64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |elapsed| {
        i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
    })
}

/// The hash field of a pair in the bans hash.
fn ban_field(channel_id: i64, model: &str) -> String {
    format!("{channel_id}\u{1f}{model}")
}

impl HealthSync {
    async fn run(
        self,
        client: redis::Client,
        publisher: redis::aio::ConnectionManager,
        queued: mpsc::Receiver<HealthEvent>,
        shutdown: impl std::future::Future<Output = ()>,
    ) {
        let sync = Arc::new(self);
        tokio::select! {
            () = shutdown => {}
            () = sync.clone().publish(publisher, queued) => {}
            () = sync.receive(client) => {}
        }
    }

    async fn publish(
        self: Arc<Self>,
        mut publisher: redis::aio::ConnectionManager,
        mut queued: mpsc::Receiver<HealthEvent>,
    ) {
        let mut tick = tokio::time::interval(FLUSH_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut pending = Vec::new();
        loop {
            tick.tick().await;
            while let Ok(event) = queued.try_recv() {
                pending.push(event);
            }
            if pending.is_empty() {
                if queued.is_closed() {
                    return;
                }
                continue;
            }
            let batch = self.batch(std::mem::take(&mut pending));
            if let Err(error) = self.send(&mut publisher, &batch).await {
                // Another replica's own bans and probes still protect it; outcomes lost here
                // only weigh selection less precisely for one window.
                tracing::warn!(%error, "cannot share channel health through redis");
            }
        }
    }

    fn batch(&self, events: Vec<HealthEvent>) -> WireBatch {
        let mut counts: HashMap<PairKey, (u32, u32)> = HashMap::new();
        let mut batch = WireBatch {
            instance: self.instance.clone(),
            ..WireBatch::default()
        };
        let now = SystemTime::now();
        for event in events {
            match event {
                HealthEvent::Outcome { pair, ok } => {
                    let count = counts.entry(pair).or_default();
                    if ok {
                        count.0 = count.0.saturating_add(1);
                    } else {
                        count.1 = count.1.saturating_add(1);
                    }
                }
                HealthEvent::Banned {
                    pair,
                    remaining,
                    reason,
                } => batch.bans.push(WireBan {
                    channel_id: pair.channel_id,
                    model: pair.model,
                    until_ms: unix_ms(now + remaining),
                    reason,
                }),
                HealthEvent::Lifted { pair } => batch.lifts.push(WirePair {
                    channel_id: pair.channel_id,
                    model: pair.model,
                }),
            }
        }
        batch.outcomes = counts
            .into_iter()
            .map(|(pair, (successes, failures))| WireOutcomes {
                channel_id: pair.channel_id,
                model: pair.model,
                successes,
                failures,
            })
            .collect();
        batch
    }

    async fn send(
        &self,
        publisher: &mut redis::aio::ConnectionManager,
        batch: &WireBatch,
    ) -> redis::RedisResult<()> {
        let mut pipe = redis::pipe();
        for ban in &batch.bans {
            if let Ok(value) = serde_json::to_string(ban) {
                pipe.hset(&self.bans_key, ban_field(ban.channel_id, &ban.model), value)
                    .ignore();
            }
        }
        for lift in &batch.lifts {
            pipe.hdel(&self.bans_key, ban_field(lift.channel_id, &lift.model))
                .ignore();
        }
        if !batch.bans.is_empty() {
            // The hash outlives every ban in it; expired entries are skipped when read.
            let seconds = i64::try_from(self.ban_duration.as_secs()).unwrap_or(i64::MAX);
            pipe.expire(&self.bans_key, seconds.max(1)).ignore();
        }
        if let Ok(payload) = serde_json::to_string(batch) {
            pipe.publish(&self.channel, payload).ignore();
        }
        pipe.query_async::<()>(publisher).await
    }

    async fn receive(self: Arc<Self>, client: redis::Client) {
        loop {
            match self.subscribe_once(&client).await {
                Ok(()) => tracing::warn!("redis channel-health subscription ended; reconnecting"),
                Err(error) => {
                    tracing::warn!(%error, "redis channel-health subscription failed; reconnecting");
                }
            }
            tokio::time::sleep(RECONNECT_DELAY).await;
        }
    }

    async fn subscribe_once(&self, client: &redis::Client) -> redis::RedisResult<()> {
        let mut pubsub = client.get_async_pubsub().await?;
        pubsub.subscribe(&self.channel).await?;
        // Subscribed first, then read the running bans: a ban published in between is seen
        // twice (harmless), never missed.
        let mut connection = client.get_multiplexed_async_connection().await?;
        let running: HashMap<String, String> = redis::cmd("HGETALL")
            .arg(&self.bans_key)
            .query_async(&mut connection)
            .await?;
        let now_ms = unix_ms(SystemTime::now());
        for value in running.values() {
            if let Ok(ban) = serde_json::from_str::<WireBan>(value) {
                self.apply_ban(&ban, now_ms);
            }
        }
        let mut messages = pubsub.on_message();
        while let Some(message) = messages.next().await {
            let Ok(payload) = message.get_payload::<String>() else {
                continue;
            };
            match serde_json::from_str::<WireBatch>(&payload) {
                Ok(batch) if batch.instance != self.instance => self.apply(&batch),
                Ok(_) => {}
                Err(error) => tracing::debug!(%error, "undecodable channel-health message"),
            }
        }
        Ok(())
    }

    fn apply(&self, batch: &WireBatch) {
        for outcome in &batch.outcomes {
            self.local.merge_outcomes(
                outcome.channel_id,
                &outcome.model,
                outcome.successes,
                outcome.failures,
            );
        }
        let now_ms = unix_ms(SystemTime::now());
        for ban in &batch.bans {
            self.apply_ban(ban, now_ms);
        }
        for lift in &batch.lifts {
            self.local.lift(lift.channel_id, &lift.model);
        }
    }

    fn apply_ban(&self, ban: &WireBan, now_ms: i64) {
        let remaining = ban.until_ms.saturating_sub(now_ms);
        if let Ok(remaining) = u64::try_from(remaining)
            && remaining > 0
        {
            self.local.ban_for(
                ban.channel_id,
                &ban.model,
                Duration::from_millis(remaining),
                &ban.reason,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_counts_outcomes_per_pair_and_carries_bans_and_lifts() {
        let sync = HealthSync {
            local: Arc::new(InMemoryHealth::new(BanPolicy::default())),
            instance: "me".into(),
            channel: "c".into(),
            bans_key: "b".into(),
            ban_duration: Duration::from_secs(300),
        };
        let batch = sync.batch(vec![
            HealthEvent::Outcome {
                pair: pair(1, "m"),
                ok: true,
            },
            HealthEvent::Outcome {
                pair: pair(1, "m"),
                ok: false,
            },
            HealthEvent::Outcome {
                pair: pair(1, "m"),
                ok: false,
            },
            HealthEvent::Banned {
                pair: pair(2, "m"),
                remaining: Duration::from_secs(60),
                reason: "r".into(),
            },
            HealthEvent::Lifted { pair: pair(3, "m") },
        ]);
        assert_eq!(batch.outcomes.len(), 1);
        assert_eq!(
            (batch.outcomes[0].successes, batch.outcomes[0].failures),
            (1, 2)
        );
        assert_eq!(batch.bans.len(), 1);
        assert_eq!(batch.lifts.len(), 1);

        // Applied by another replica: the ban holds, the lift clears, our own echo is ignored.
        let other = HealthSync {
            local: Arc::new(InMemoryHealth::new(BanPolicy::default())),
            instance: "other".into(),
            ..sync
        };
        other.local.ban_for(3, "m", Duration::from_secs(60), "old");
        other.apply(&batch);
        assert_eq!(other.local.availability(2, "m"), Availability::Banned);
        assert!(matches!(
            other.local.availability(3, "m"),
            Availability::Available { .. }
        ));
        assert_eq!(other.local.bans()[0].reason, "r");
    }
}
