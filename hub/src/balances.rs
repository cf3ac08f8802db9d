//! Upstream balances of channels: one check (read, store, alert when low, disable when empty) and the periodic refresh of every channel.
//!
//! The relay's provider table says which types have a balance and how to read it
//! ([`relay::provider::balance`]); this module owns what follows a reading. Every replica
//! refreshes on its own interval; with `REDIS` the alerts' shared throttle sends each alert
//! once. A failed reading keeps the last good balance and stores why (without the key).

use std::time::Duration;

use futures::StreamExt;
use relay::provider::balance::{BalanceError, balance_source, query_balance};
use tokio_util::sync::CancellationToken;

use crate::alerts::{AlertEvent, Alerts};
use crate::snapshot::changes::{ChangeAction, ChangeFeed, ChangeKind};
use crate::store::{Channel, ChannelBalance, Status, Store, StoreError};

/// How long one upstream balance request may take.
const QUERY_TIMEOUT: Duration = Duration::from_secs(30);
/// Channels read at once during a refresh.
const REFRESH_CONCURRENCY: usize = 4;

/// Why a check could not run (an upstream failure is not one: it is stored and answered).
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("channel type {0} has no balance api")]
    NotSupported(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks channel balances. Cheap to clone.
#[derive(Debug, Clone)]
pub struct BalanceChecker {
    store: Store,
    changes: ChangeFeed,
    alerts: Alerts,
}

impl BalanceChecker {
    pub fn new(store: Store, changes: ChangeFeed, alerts: Alerts) -> BalanceChecker {
        BalanceChecker {
            store,
            changes,
            alerts,
        }
    }

    /// Reads channel `channel_id`'s balance now and acts on it.
    pub async fn check(&self, channel_id: i64) -> Result<ChannelBalance, CheckError> {
        let channel = self.store.get_channel(channel_id).await?;
        self.check_channel(channel).await
    }

    /// Reads every channel whose type has a balance; answers how many were read.
    pub async fn refresh_all(&self) -> Result<usize, StoreError> {
        let channels: Vec<Channel> = self
            .store
            .all_channels()
            .await?
            .into_iter()
            .filter(|channel| balance_source(channel.kind).is_some())
            .collect();
        let count = channels.len();
        futures::stream::iter(channels)
            .map(|channel| async move {
                let id = channel.id;
                if let Err(error) = self.check_channel(channel).await {
                    tracing::warn!(channel = id, %error, "channel balance check failed");
                }
            })
            .buffer_unordered(REFRESH_CONCURRENCY)
            .collect::<()>()
            .await;
        Ok(count)
    }

    /// Refreshes every `interval` (the first time one interval after start) until `shutdown`.
    pub async fn run(self, interval: Duration, shutdown: CancellationToken) {
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = ticker.tick() => {}
            }
            match self.refresh_all().await {
                Ok(count) => tracing::debug!(channels = count, "channel balances refreshed"),
                Err(error) => tracing::warn!(%error, "channel balances could not be refreshed"),
            }
        }
    }

    async fn check_channel(&self, channel: Channel) -> Result<ChannelBalance, CheckError> {
        if balance_source(channel.kind).is_none() {
            return Err(CheckError::NotSupported(channel.kind.as_str().to_owned()));
        }
        let id = channel.id;
        let enabled = channel.status == Status::Enabled;
        let relay_channel = crate::snapshot::relay_channel(channel, None);
        let stored = match query_balance(&relay_channel, QUERY_TIMEOUT).await {
            Ok(balance) => {
                self.store
                    .record_channel_balance(id, balance.amount, balance.currency.as_deref())
                    .await?
            }
            Err(error) => {
                // BalanceError's messages carry no key, URL or body.
                let reason = error.to_string();
                if !matches!(error, BalanceError::NotSupported(_)) {
                    tracing::warn!(channel = id, error = %reason, "channel balance not read");
                }
                return Ok(self.store.record_channel_balance_error(id, &reason).await?);
            }
        };
        self.act_on(&stored, enabled).await?;
        Ok(stored)
    }

    /// The low-balance alert and, when the channel asked for it, disabling it at 0.
    async fn act_on(&self, stored: &ChannelBalance, enabled: bool) -> Result<(), StoreError> {
        let Some(balance) = stored.balance else {
            return Ok(());
        };
        if let Some(threshold) = stored.threshold
            && balance < threshold
        {
            self.alerts.raise(AlertEvent::ChannelBalanceLow {
                channel_id: stored.channel_id,
                balance,
                threshold,
                currency: stored.currency.clone(),
            });
        }
        if stored.disable_when_empty && enabled && balance <= 0.0 {
            self.store
                .update_channel_with(stored.channel_id, |channel| {
                    channel.status = Status::Disabled;
                    Ok::<_, StoreError>(())
                })
                .await?;
            self.changes.publish(
                ChangeKind::Channel,
                ChangeAction::Updated,
                stored.channel_id.to_string(),
            );
            tracing::warn!(
                channel = stored.channel_id,
                balance,
                "channel disabled: its upstream balance is empty"
            );
            self.alerts.raise(AlertEvent::ChannelDisabledEmpty {
                channel_id: stored.channel_id,
                balance,
            });
        }
        Ok(())
    }
}
