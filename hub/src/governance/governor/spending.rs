//! A token's spending for the relay's billing views: its quotas, and what it and its group spent, from the live money counters.
//!
//! Quotas come from the snapshot; a counter not seeded yet reads the store's persisted value,
//! as admission would seed it.

use relay::host::{PeriodSpending, Refusal, SpendingLedger, TokenSpending};
use tenancy::Caller;

use super::plan::{Seed, group_balance_key, is_group_limited, token_period_key, token_quota_key};
use super::{HubGovernor, seed, unavailable};
use crate::governance::billing::{period_start, to_nanos};
use crate::snapshot::now_ms;

impl HubGovernor {
    /// The live value of the money counter `key`, else the persisted value it would be seeded
    /// from: the counters hold the spending of requests the log writer has not stored yet.
    async fn money(&self, key: &str, seed: &Seed) -> Result<i64, Refusal> {
        match self.counters.value(key).await {
            Ok(Some(value)) => Ok(value),
            Ok(None) => seed::load(&self.store, seed)
                .await
                .map_err(|error| unavailable(&error)),
            Err(error) => Err(unavailable(&error)),
        }
    }
}

#[async_trait::async_trait]
impl SpendingLedger for HubGovernor {
    async fn spending(&self, caller: &Caller) -> Result<TokenSpending, Refusal> {
        let snapshot = self.snapshot.current();
        let token_id = caller.token_id;
        let limits = snapshot.token_limits(token_id);
        let quota = limits.and_then(|limits| limits.quota);
        let used_seed = Seed::TokenUsed { token_id };
        // Only a token with a quota has its lifetime spending counted live: a counter left
        // from a quota since removed would be stale.
        let used = match quota {
            Some(_) => self.money(&token_quota_key(token_id), &used_seed).await?,
            None => seed::load(&self.store, &used_seed)
                .await
                .map_err(|error| unavailable(&error))?,
        };
        let period = match limits.and_then(|limits| limits.period_quota.zip(limits.period)) {
            Some((quota, period)) => {
                let start = period_start(period, now_ms(), self.config.time_zone);
                let seed = Seed::TokenPeriodUsed {
                    token_id,
                    period_start: start,
                };
                Some(PeriodSpending {
                    quota: to_nanos(quota),
                    used: self
                        .money(&token_period_key(token_id, start), &seed)
                        .await?,
                })
            }
            None => None,
        };
        // The balance bounds a token only where admission checks it.
        let group_balance = match snapshot.group(&caller.group_id) {
            Some(group) if self.config.billing_enabled && is_group_limited(group) => {
                let seed = Seed::GroupBalance {
                    group_id: group.id.clone(),
                };
                Some(self.money(&group_balance_key(group), &seed).await?)
            }
            _ => None,
        };
        Ok(TokenSpending {
            used,
            quota: quota.map(to_nanos),
            period,
            group_balance,
            expires_at_ms: limits.and_then(|limits| limits.expires_at),
        })
    }
}
