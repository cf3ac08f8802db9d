//! The `channels` table. Keys, proxy URLs and configs are sealed at rest (see `sealed.rs`) and
//! opened on every read, because the relay must send them; the control plane masks them.

use relay::backend::ChannelKind;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor};

use super::rows::{self, to_json};
use super::sealed::Sealer;
use super::{
    Channel, ChannelFilter, Listing, Page, Sql, Status, Store, StoreError, StoreTx, Timeouts,
    conflict, not_found, now_ms, validate,
};

macro_rules! columns {
    () => {
        "id, name, type, base_url, key, models, model_mapping, priority, sets, status, \
         proxy_url, connect_timeout_ms, first_byte_timeout_ms, stream_idle_timeout_ms, config, \
         created_at, updated_at"
    };
}

const KIND: &str = "channel";
const COLUMN_KEY: &str = "channels.key";
const COLUMN_PROXY_URL: &str = "channels.proxy_url";
const COLUMN_CONFIG: &str = "channels.config";

impl Store {
    pub async fn get_channel(&self, id: i64) -> Result<Channel, StoreError> {
        get(&self.pool, &self.sealer, id).await
    }

    pub async fn list_channels(
        &self,
        filter: &ChannelFilter,
        page: Page,
    ) -> Result<Listing<Channel>, StoreError> {
        let mut count = Sql::new("SELECT COUNT(*) AS n FROM channels WHERE 1 = 1");
        let mut select = Sql::new(concat!("SELECT ", columns!(), " FROM channels WHERE 1 = 1"));
        for sql in [&mut count, &mut select] {
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
        }
        select
            .push(" ORDER BY id LIMIT ")
            .bind_int(page.limit)
            .push(" OFFSET ")
            .bind_int(page.offset);
        let total = rows::int(&count.query().fetch_one(&self.pool).await?, "n")?;
        let items = select
            .query()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| from_row(row, &self.sealer))
            .collect::<Result<_, _>>()?;
        Ok(Listing { items, total })
    }

    pub async fn create_channel(&self, channel: &Channel) -> Result<Channel, StoreError> {
        let mut tx = self.begin().await?;
        let created = tx.create_channel(channel).await?;
        tx.commit().await?;
        Ok(created)
    }

    pub async fn update_channel(&self, channel: &Channel) -> Result<Channel, StoreError> {
        let mut tx = self.begin().await?;
        let updated = tx.update_channel(channel).await?;
        tx.commit().await?;
        Ok(updated)
    }

    pub async fn delete_channel(&self, id: i64) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        if !tx.delete_channel(id).await? {
            return Err(not_found(KIND, id.to_string()));
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn delete_channels(&self, ids: &[i64]) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let mut deleted = 0;
        for id in ids {
            deleted += u64::from(tx.delete_channel(*id).await?);
        }
        tx.commit().await?;
        Ok(deleted)
    }
}

impl StoreTx {
    pub async fn get_channel(&mut self, id: i64) -> Result<Option<Channel>, StoreError> {
        let sealer = self.sealer.clone();
        find(self.conn(), &sealer, id).await
    }

    pub async fn find_channel_by_name(
        &mut self,
        name: &str,
    ) -> Result<Option<Channel>, StoreError> {
        sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM channels WHERE name = $1"
        ))
        .bind(name.to_owned())
        .fetch_optional(self.conn())
        .await?
        .as_ref()
        .map(|row| from_row(row, &self.sealer))
        .transpose()
    }

    /// Inserts the channel; its `id` is ignored and assigned by the database.
    pub async fn create_channel(&mut self, channel: &Channel) -> Result<Channel, StoreError> {
        validate::channel(channel)?;
        let now = now_ms();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO channels (name, type, base_url, key, models, model_mapping, priority, \
             sets, status, proxy_url, connect_timeout_ms, first_byte_timeout_ms, \
             stream_idle_timeout_ms, config, created_at, updated_at) VALUES ($1, $2, $3, $4, \
             $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
        )
        .bind(channel.name.clone())
        .bind(channel.kind.as_str())
        .bind(channel.base_url.clone())
        .bind(self.sealer.seal(COLUMN_KEY, &channel.key)?)
        .bind(to_json(&channel.models)?)
        .bind(to_json(&channel.model_mapping)?)
        .bind(channel.priority)
        .bind(to_json(&channel.sets)?)
        .bind(channel.status.as_str())
        .bind(
            self.sealer
                .seal_opt(COLUMN_PROXY_URL, channel.proxy_url.as_deref())?,
        )
        .bind(channel.timeouts.connect_ms)
        .bind(channel.timeouts.first_byte_ms)
        .bind(channel.timeouts.stream_idle_ms)
        .bind(
            self.sealer
                .seal(COLUMN_CONFIG, &to_json(&channel.config)?)?,
        )
        .bind(now)
        .fetch_one(self.write())
        .await
        .map_err(conflict(KIND, &channel.name))?;
        let sealer = self.sealer.clone();
        get(self.conn(), &sealer, id).await
    }

    /// Replaces every field but `id` and `created_at`.
    pub async fn update_channel(&mut self, channel: &Channel) -> Result<Channel, StoreError> {
        validate::channel(channel)?;
        let result = sqlx::query(
            "UPDATE channels SET name = $2, type = $3, base_url = $4, key = $5, models = $6, \
             model_mapping = $7, priority = $8, sets = $9, status = $10, proxy_url = $11, \
             connect_timeout_ms = $12, first_byte_timeout_ms = $13, \
             stream_idle_timeout_ms = $14, config = $15, updated_at = $16 WHERE id = $1",
        )
        .bind(channel.id)
        .bind(channel.name.clone())
        .bind(channel.kind.as_str())
        .bind(channel.base_url.clone())
        .bind(self.sealer.seal(COLUMN_KEY, &channel.key)?)
        .bind(to_json(&channel.models)?)
        .bind(to_json(&channel.model_mapping)?)
        .bind(channel.priority)
        .bind(to_json(&channel.sets)?)
        .bind(channel.status.as_str())
        .bind(
            self.sealer
                .seal_opt(COLUMN_PROXY_URL, channel.proxy_url.as_deref())?,
        )
        .bind(channel.timeouts.connect_ms)
        .bind(channel.timeouts.first_byte_ms)
        .bind(channel.timeouts.stream_idle_ms)
        .bind(
            self.sealer
                .seal(COLUMN_CONFIG, &to_json(&channel.config)?)?,
        )
        .bind(now_ms())
        .execute(self.write())
        .await
        .map_err(conflict(KIND, &channel.name))?;
        if result.rows_affected() == 0 {
            return Err(not_found(KIND, channel.id.to_string()));
        }
        let sealer = self.sealer.clone();
        get(self.conn(), &sealer, channel.id).await
    }

    pub async fn delete_channel(&mut self, id: i64) -> Result<bool, StoreError> {
        let result = sqlx::query("DELETE FROM channels WHERE id = $1")
            .bind(id)
            .execute(self.write())
            .await?;
        Ok(result.rows_affected() > 0)
    }
}

pub(super) async fn all<'e>(
    exec: impl Executor<'e, Database = Any>,
    sealer: &Sealer,
) -> Result<Vec<Channel>, StoreError> {
    sqlx::query(concat!("SELECT ", columns!(), " FROM channels ORDER BY id"))
        .fetch_all(exec)
        .await?
        .iter()
        .map(|row| from_row(row, sealer))
        .collect()
}

async fn find<'e>(
    exec: impl Executor<'e, Database = Any>,
    sealer: &Sealer,
    id: i64,
) -> Result<Option<Channel>, StoreError> {
    sqlx::query(concat!(
        "SELECT ",
        columns!(),
        " FROM channels WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(exec)
    .await?
    .as_ref()
    .map(|row| from_row(row, sealer))
    .transpose()
}

async fn get<'e>(
    exec: impl Executor<'e, Database = Any>,
    sealer: &Sealer,
    id: i64,
) -> Result<Channel, StoreError> {
    find(exec, sealer, id)
        .await?
        .ok_or_else(|| not_found(KIND, id.to_string()))
}

fn from_row(row: &AnyRow, sealer: &Sealer) -> Result<Channel, StoreError> {
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
        timeouts: Timeouts {
            connect_ms: rows::opt_int(row, "connect_timeout_ms")?,
            first_byte_ms: rows::opt_int(row, "first_byte_timeout_ms")?,
            stream_idle_ms: rows::opt_int(row, "stream_idle_timeout_ms")?,
        },
        config: rows::parse_json(
            "config",
            &sealer.open(COLUMN_CONFIG, rows::text(row, "config")?)?,
        )?,
        created_at: rows::int(row, "created_at")?,
        updated_at: rows::int(row, "updated_at")?,
    })
}
