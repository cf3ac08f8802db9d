//! The `channels` table. Keys, proxy URLs and configs are sealed at rest (see `sealed.rs`) and
//! opened on every read, because the relay must send them; the control plane masks them.

use relay::host::ChannelKind;
use sqlx::any::AnyRow;

use super::rows::{self, to_json};
use super::sealed::Sealer;
use super::sql::{Sql, Statement};
use super::table::Table;
use super::{
    Channel, ChannelFilter, Listing, Page, Status, Store, StoreError, StoreTx, conflict, not_found,
    now_ms, validate,
};

const COLUMN_KEY: &str = "channels.key";
const COLUMN_PROXY_URL: &str = "channels.proxy_url";
const COLUMN_CONFIG: &str = "channels.config";

impl Table for Channel {
    type Key = i64;
    const KIND: &'static str = "channel";
    const COLUMNS: &'static str = "id, name, type, base_url, key, models, model_mapping, \
        priority, sets, status, proxy_url, connect_timeout_ms, first_byte_timeout_ms, \
        stream_idle_timeout_ms, config, created_at, updated_at, warn_error_rate, max_error_rate";
    const FROM: &'static str = " FROM channels";
    const ORDER_BY: &'static str = " ORDER BY id";

    fn push_key(sql: &mut Sql, id: &i64) {
        sql.push(" WHERE id = ").bind_int(*id);
    }

    fn key_text(id: &i64) -> String {
        id.to_string()
    }

    fn decode(row: &AnyRow, sealer: &Sealer) -> Result<Channel, StoreError> {
        Ok(Channel {
            id: rows::int(row, "id")?,
            name: rows::text(row, "name")?,
            kind: rows::enumeration(row, "type", ChannelKind::parse)?,
            base_url: rows::text(row, "base_url")?,
            key: sealer.open(COLUMN_KEY, rows::text(row, "key")?)?,
            models: rows::json(row, "models")?,
            model_mapping: rows::json(row, "model_mapping")?,
            priority: rows::int(row, "priority")?,
            sets: rows::json(row, "sets")?,
            status: rows::enumeration(row, "status", Status::parse)?,
            proxy_url: sealer.open_opt(COLUMN_PROXY_URL, rows::opt_text(row, "proxy_url")?)?,
            timeouts: rows::timeouts(row)?,
            config: rows::parse_json(
                "config",
                &sealer.open(COLUMN_CONFIG, rows::text(row, "config")?)?,
            )?,
            created_at: rows::int(row, "created_at")?,
            updated_at: rows::int(row, "updated_at")?,
            warn_error_rate: rows::opt_float(row, "warn_error_rate")?,
            max_error_rate: rows::opt_float(row, "max_error_rate")?,
        })
    }

    async fn update(
        tx: &mut StoreTx,
        _before: &Channel,
        after: &Channel,
    ) -> Result<Channel, StoreError> {
        tx.update_channel(after).await
    }

    async fn delete(tx: &mut StoreTx, id: &i64) -> Result<bool, StoreError> {
        tx.delete_channel(*id).await
    }
}

impl Store {
    pub async fn get_channel(&self, id: i64) -> Result<Channel, StoreError> {
        self.get_row(&id).await
    }

    pub async fn list_channels(
        &self,
        filter: &ChannelFilter,
        page: Page,
    ) -> Result<Listing<Channel>, StoreError> {
        self.list(page, |sql| {
            if let Some(status) = filter.status {
                sql.push(" AND status = ").bind_text(status.as_str());
            }
            if let Some(kind) = filter.kind {
                sql.push(" AND type = ").bind_text(kind.as_str());
            }
            if let Some(keyword) = filter.keyword.as_deref().filter(|k| !k.is_empty()) {
                sql.push(" AND (LOWER(name) LIKE ")
                    .bind_like(keyword)
                    .push(" ESCAPE '\\' OR LOWER(base_url) LIKE ")
                    .bind_like(keyword)
                    .push(" ESCAPE '\\')");
            }
        })
        .await
    }

    /// Every channel, for the balance refresh.
    pub async fn all_channels(&self) -> Result<Vec<Channel>, StoreError> {
        super::table::all(self.pool(), &self.sealer).await
    }

    pub async fn create_channel(&self, channel: &Channel) -> Result<Channel, StoreError> {
        in_transaction!(self, |tx| tx.create_channel(channel).await?)
    }

    /// Inserts every channel in one transaction: all are created or none.
    pub async fn create_channels(&self, channels: &[Channel]) -> Result<Vec<Channel>, StoreError> {
        in_transaction!(self, |tx| {
            let mut created = Vec::with_capacity(channels.len());
            for channel in channels {
                created.push(tx.create_channel(channel).await?);
            }
            created
        })
    }

    pub async fn update_channel(&self, channel: &Channel) -> Result<Channel, StoreError> {
        in_transaction!(self, |tx| tx.update_channel(channel).await?)
    }

    /// Reads the channel, lets `change` edit it and writes it back with the row locked
    /// throughout (see [`Store::modify`]), so concurrent edits of one channel all land.
    pub async fn update_channel_with<E: From<StoreError>>(
        &self,
        id: i64,
        change: impl FnOnce(&mut Channel) -> Result<(), E>,
    ) -> Result<Channel, E> {
        self.modify(&id, change).await
    }

    pub async fn delete_channel(&self, id: i64) -> Result<(), StoreError> {
        self.delete_row::<Channel>(&id).await
    }

    pub async fn delete_channels(&self, ids: &[i64]) -> Result<u64, StoreError> {
        self.delete_rows::<Channel>(ids).await
    }
}

impl StoreTx {
    pub async fn get_channel(&mut self, id: i64) -> Result<Option<Channel>, StoreError> {
        self.find_row(&id).await
    }

    pub async fn find_channel_by_name(
        &mut self,
        name: &str,
    ) -> Result<Option<Channel>, StoreError> {
        let mut sql = Sql::new("SELECT ");
        sql.push(Channel::COLUMNS)
            .push(Channel::FROM)
            .push(" WHERE name = ")
            .bind_text(name);
        let sealer = self.sealer.clone();
        sql.query()
            .fetch_optional(self.conn())
            .await?
            .as_ref()
            .map(|row| Channel::decode(row, &sealer))
            .transpose()
    }

    /// Inserts the channel; its `id` is ignored and assigned by the database.
    pub async fn create_channel(&mut self, channel: &Channel) -> Result<Channel, StoreError> {
        validate::channel(channel)?;
        let insert = sqlx::query(
            "INSERT INTO channels (name, type, base_url, key, models, model_mapping, priority, \
             sets, status, proxy_url, connect_timeout_ms, first_byte_timeout_ms, \
             stream_idle_timeout_ms, config, warn_error_rate, max_error_rate, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
             $15, $16, $17, $17) RETURNING id",
        );
        let row = bind_fields(insert, channel, &self.sealer)?
            .fetch_one(self.write())
            .await
            .map_err(conflict(Channel::KIND, &channel.name))?;
        let created: Channel = self.get_row(&rows::int(&row, "id")?).await?;
        self.audit_row(created.id.to_string(), None, Some(&created));
        Ok(created)
    }

    /// Replaces every field but `id` and `created_at`.
    pub async fn update_channel(&mut self, channel: &Channel) -> Result<Channel, StoreError> {
        validate::channel(channel)?;
        let before: Option<Channel> = self.find_row(&channel.id).await?;
        let update = sqlx::query(
            "UPDATE channels SET name = $1, type = $2, base_url = $3, key = $4, models = $5, \
             model_mapping = $6, priority = $7, sets = $8, status = $9, proxy_url = $10, \
             connect_timeout_ms = $11, first_byte_timeout_ms = $12, \
             stream_idle_timeout_ms = $13, config = $14, warn_error_rate = $15, \
             max_error_rate = $16, updated_at = $17 WHERE id = $18",
        );
        let result = bind_fields(update, channel, &self.sealer)?
            .bind(channel.id)
            .execute(self.write())
            .await
            .map_err(conflict(Channel::KIND, &channel.name))?;
        if result.rows_affected() == 0 {
            return Err(not_found(Channel::KIND, channel.id.to_string()));
        }
        let after: Channel = self.get_row(&channel.id).await?;
        self.audit_row(channel.id.to_string(), before.as_ref(), Some(&after));
        Ok(after)
    }

    pub async fn delete_channel(&mut self, id: i64) -> Result<bool, StoreError> {
        let before: Option<Channel> = self.find_row(&id).await?;
        // Its test results go with it: a later channel may reuse nothing of it.
        sqlx::query("DELETE FROM channel_tests WHERE channel_id = $1")
            .bind(id)
            .execute(self.write())
            .await?;
        // A SQLite id may be reused: a new channel must not inherit the old one's balance.
        sqlx::query("DELETE FROM channel_balances WHERE channel_id = $1")
            .bind(id)
            .execute(self.write())
            .await?;
        let result = sqlx::query("DELETE FROM channels WHERE id = $1")
            .bind(id)
            .execute(self.write())
            .await?;
        self.audit_row(id.to_string(), before.as_ref(), None);
        Ok(result.rows_affected() > 0)
    }
}

/// Binds `$1`..`$17` of both the INSERT and the UPDATE: every stored field but the id and
/// `created_at`, sealing the secret ones, then the time of the write.
fn bind_fields(
    statement: Statement,
    channel: &Channel,
    sealer: &Sealer,
) -> Result<Statement, StoreError> {
    Ok(statement
        .bind(channel.name.clone())
        .bind(channel.kind.as_str())
        .bind(channel.base_url.clone())
        .bind(sealer.seal(COLUMN_KEY, &channel.key)?)
        .bind(to_json(&channel.models)?)
        .bind(to_json(&channel.model_mapping)?)
        .bind(channel.priority)
        .bind(to_json(&channel.sets)?)
        .bind(channel.status.as_str())
        .bind(sealer.seal_opt(COLUMN_PROXY_URL, channel.proxy_url.as_deref())?)
        .bind(channel.timeouts.connect_ms)
        .bind(channel.timeouts.first_byte_ms)
        .bind(channel.timeouts.stream_idle_ms)
        .bind(sealer.seal(COLUMN_CONFIG, &to_json(&channel.config)?)?)
        .bind(channel.warn_error_rate)
        .bind(channel.max_error_rate)
        .bind(now_ms()))
}
