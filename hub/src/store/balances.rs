//! The `channel_balances` table: each channel's last upstream balance reading and its balance alert settings.
//!
//! Written straight on the pool, not through a [`super::StoreTx`]: a balance refresh is not a
//! configuration change, so it bumps no revision and reloads no replica.

use std::collections::HashMap;

use sqlx::Row;
use sqlx::any::AnyRow;

use super::audit::balance_settings_view;
use super::{Store, StoreError, StoreTx, now_ms, rows};

const SELECT_ALL: &str = "SELECT channel_id, balance, currency, updated_at, last_error, \
    threshold, disable_when_empty FROM channel_balances";
const UPSERT_SETTINGS: &str = "INSERT INTO channel_balances (channel_id, threshold, \
    disable_when_empty) VALUES ($1, $2, $3) ON CONFLICT (channel_id) DO UPDATE SET \
    threshold = $2, disable_when_empty = $3";
const SELECT_ONE: &str = "SELECT channel_id, balance, currency, updated_at, last_error, \
    threshold, disable_when_empty FROM channel_balances WHERE channel_id = $1";

/// One channel's balance row; a channel never checked and never configured has the default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChannelBalance {
    pub channel_id: i64,
    /// The last balance read successfully.
    pub balance: Option<f64>,
    pub currency: Option<String>,
    /// When `balance` was read (unix ms); 0 when never.
    pub updated_at: i64,
    /// Why the latest attempt failed; `None` after a success.
    pub last_error: Option<String>,
    /// Alert when the balance is below this.
    pub threshold: Option<f64>,
    /// Disable the channel when its balance reaches 0.
    pub disable_when_empty: bool,
}

impl ChannelBalance {
    fn decode(row: &AnyRow) -> Result<ChannelBalance, StoreError> {
        Ok(ChannelBalance {
            channel_id: rows::int(row, "channel_id")?,
            balance: row.try_get::<Option<f64>, _>("balance")?,
            currency: rows::opt_text(row, "currency")?,
            updated_at: rows::int(row, "updated_at")?,
            last_error: rows::opt_text(row, "last_error")?,
            threshold: row.try_get::<Option<f64>, _>("threshold")?,
            disable_when_empty: rows::boolean(row, "disable_when_empty")?,
        })
    }
}

impl Store {
    /// The balance row of a channel (the default when it has none).
    pub async fn channel_balance(&self, channel_id: i64) -> Result<ChannelBalance, StoreError> {
        let row = sqlx::query(SELECT_ONE)
            .bind(channel_id)
            .fetch_optional(self.pool())
            .await?;
        match row {
            Some(row) => ChannelBalance::decode(&row),
            None => Ok(ChannelBalance {
                channel_id,
                ..ChannelBalance::default()
            }),
        }
    }

    /// Every balance row by channel id (one row per channel: a small table).
    pub async fn channel_balances(&self) -> Result<HashMap<i64, ChannelBalance>, StoreError> {
        let rows = sqlx::query(SELECT_ALL).fetch_all(self.pool()).await?;
        rows.iter()
            .map(|row| ChannelBalance::decode(row).map(|balance| (balance.channel_id, balance)))
            .collect()
    }

    /// Stores a successful reading and clears the last error.
    pub async fn record_channel_balance(
        &self,
        channel_id: i64,
        balance: f64,
        currency: Option<&str>,
    ) -> Result<ChannelBalance, StoreError> {
        sqlx::query(
            "INSERT INTO channel_balances (channel_id, balance, currency, updated_at, last_error) \
             VALUES ($1, $2, $3, $4, NULL) ON CONFLICT (channel_id) DO UPDATE SET \
             balance = $2, currency = $3, updated_at = $4, last_error = NULL",
        )
        .bind(channel_id)
        .bind(balance)
        .bind(currency.map(str::to_owned))
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        self.channel_balance(channel_id).await
    }

    /// Stores why a reading failed; the last good balance stays.
    pub async fn record_channel_balance_error(
        &self,
        channel_id: i64,
        error: &str,
    ) -> Result<ChannelBalance, StoreError> {
        sqlx::query(
            "INSERT INTO channel_balances (channel_id, last_error) VALUES ($1, $2) \
             ON CONFLICT (channel_id) DO UPDATE SET last_error = $2",
        )
        .bind(channel_id)
        .bind(error.to_owned())
        .execute(self.pool())
        .await?;
        self.channel_balance(channel_id).await
    }

    /// Sets a channel's alert threshold and disable-when-empty switch.
    pub async fn set_channel_balance_settings(
        &self,
        channel_id: i64,
        threshold: Option<f64>,
        disable_when_empty: bool,
    ) -> Result<ChannelBalance, StoreError> {
        // A transaction for the audit row only: settings bump no revision.
        let mut tx = self.begin().await?;
        tx.set_channel_balance_settings(channel_id, threshold, disable_when_empty)
            .await?;
        tx.commit().await?;
        self.channel_balance(channel_id).await
    }
}

/// The balance settings of channels within a declarative apply: written with the channels
/// they belong to, or not at all. They are not the channel's configuration revision either.
impl StoreTx {
    /// A channel's alert threshold and disable-when-empty switch (none and off when unset).
    pub async fn channel_balance_settings(
        &mut self,
        channel_id: i64,
    ) -> Result<(Option<f64>, bool), StoreError> {
        let row = sqlx::query(SELECT_ONE)
            .bind(channel_id)
            .fetch_optional(self.conn())
            .await?;
        match row {
            Some(row) => {
                let balance = ChannelBalance::decode(&row)?;
                Ok((balance.threshold, balance.disable_when_empty))
            }
            None => Ok((None, false)),
        }
    }

    pub async fn set_channel_balance_settings(
        &mut self,
        channel_id: i64,
        threshold: Option<f64>,
        disable_when_empty: bool,
    ) -> Result<(), StoreError> {
        let (old_threshold, old_disable) = self.channel_balance_settings(channel_id).await?;
        sqlx::query(UPSERT_SETTINGS)
            .bind(channel_id)
            .bind(threshold)
            .bind(rows::bool_int(disable_when_empty))
            .execute(self.conn())
            .await?;
        self.audit(
            "channel_balance",
            channel_id.to_string(),
            Some(balance_settings_view(old_threshold, old_disable)),
            Some(balance_settings_view(threshold, disable_when_empty)),
        );
        Ok(())
    }
}
