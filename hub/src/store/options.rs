//! The `options` table: global key/value settings.

use std::collections::BTreeMap;

use sqlx::{Any, Executor};

use super::audit::option_view;
use super::rows;
use super::{Store, StoreError, StoreTx, not_found, now_ms, validate};
use crate::process::options::RuntimeOptions;

const KIND: &str = "option";

impl Store {
    pub async fn get_option(&self, key: &str) -> Result<String, StoreError> {
        value(&self.pool, key)
            .await?
            .ok_or_else(|| not_found(KIND, key))
    }

    pub async fn list_options(&self) -> Result<BTreeMap<String, String>, StoreError> {
        all(&self.pool).await
    }

    /// The options in force, read now (for the control plane's own decisions; requests read
    /// them from the configuration snapshot instead).
    pub async fn runtime_options(&self) -> Result<RuntimeOptions, StoreError> {
        Ok(RuntimeOptions::from_stored(&all(&self.pool).await?))
    }

    /// Sets several options in one transaction.
    pub async fn set_options(&self, options: &BTreeMap<String, String>) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        for (key, value) in options {
            tx.set_option(key, value).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete_option(&self, key: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let before = tx.get_option(key).await?;
        let result = sqlx::query("DELETE FROM options WHERE key = $1")
            .bind(key.to_owned())
            .execute(tx.write())
            .await?;
        if result.rows_affected() == 0 {
            return Err(not_found(KIND, key));
        }
        tx.audit(KIND, key, before.as_deref().map(option_view), None);
        tx.commit().await?;
        Ok(())
    }
}

impl StoreTx {
    pub async fn get_option(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        value(self.conn(), key).await
    }

    /// The options in force, read inside this transaction.
    pub async fn runtime_options(&mut self) -> Result<RuntimeOptions, StoreError> {
        Ok(RuntimeOptions::from_stored(&all(self.conn()).await?))
    }

    pub async fn set_option(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        validate::option(key, value)?;
        let before = self.get_option(key).await?;
        sqlx::query(
            "INSERT INTO options (key, value, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, \
             updated_at = excluded.updated_at",
        )
        .bind(key.to_owned())
        .bind(value.to_owned())
        .bind(now_ms())
        .execute(self.write())
        .await?;
        self.audit(
            KIND,
            key,
            before.as_deref().map(option_view),
            Some(option_view(value)),
        );
        Ok(())
    }
}

async fn value<'e>(
    exec: impl Executor<'e, Database = Any>,
    key: &str,
) -> Result<Option<String>, StoreError> {
    sqlx::query("SELECT value FROM options WHERE key = $1")
        .bind(key.to_owned())
        .fetch_optional(exec)
        .await?
        .map(|row| rows::text(&row, "value"))
        .transpose()
}

pub(super) async fn all<'e>(
    exec: impl Executor<'e, Database = Any>,
) -> Result<BTreeMap<String, String>, StoreError> {
    let rows = sqlx::query("SELECT key, value FROM options ORDER BY key")
        .fetch_all(exec)
        .await?;
    rows.iter()
        .map(|row| Ok((rows::text(row, "key")?, rows::text(row, "value")?)))
        .collect()
}
