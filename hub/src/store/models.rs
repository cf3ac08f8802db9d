//! The `model_configs` and `group_model_overrides` tables. Plugin settings (which carry API
//! keys) are sealed at rest (see `sealed.rs`).

use sqlx::any::AnyRow;

use super::rows::{self, bool_int, opt_decimal_text, to_json};
use super::sealed::Sealer;
use super::sql::{Sql, Statement};
use super::table::Table;
use super::{
    GroupModelOverride, Listing, ModelConfig, ModelFilter, ModelType, Page, Price, Store,
    StoreError, StoreTx, conflict, not_found, now_ms, validate,
};

macro_rules! columns {
    () => {
        "model, type, owner, rpm, tpm, retry_times, connect_timeout_ms, first_byte_timeout_ms, \
         stream_idle_timeout_ms, input_price, output_price, cached_input_price, \
         cache_creation_price, image_input_price, image_output_price, audio_input_price, \
         audio_output_price, per_request_price, reasoning_output_price, price_unit, \
         max_output_tokens, plugins, config, created_at, updated_at, web_search_price_per_call, \
         price_tiers"
    };
}

macro_rules! override_columns {
    () => {
        "group_id, model, rpm, tpm, price, retry_times, connect_timeout_ms, \
         first_byte_timeout_ms, stream_idle_timeout_ms, save_detail, created_at, updated_at, \
         plugins"
    };
}

const KIND: &str = ModelConfig::KIND;
const COLUMN_PLUGINS: &str = "model_configs.plugins";
const COLUMN_OVERRIDE_PLUGINS: &str = "group_model_overrides.plugins";

impl Table for ModelConfig {
    type Key = str;
    const KIND: &'static str = "model config";
    const COLUMNS: &'static str = columns!();
    const FROM: &'static str = " FROM model_configs";
    const ORDER_BY: &'static str = " ORDER BY model";

    fn push_key(sql: &mut Sql, model: &str) {
        sql.push(" WHERE model = ").bind_text(model);
    }

    fn key_text(model: &str) -> String {
        model.to_owned()
    }

    fn decode(row: &AnyRow, sealer: &Sealer) -> Result<ModelConfig, StoreError> {
        Ok(ModelConfig {
            model: rows::text(row, "model")?,
            model_type: rows::enumeration(row, "type", ModelType::parse)?,
            owner: rows::text(row, "owner")?,
            rpm: rows::int(row, "rpm")?,
            tpm: rows::int(row, "tpm")?,
            retry_times: rows::opt_int(row, "retry_times")?,
            timeouts: rows::timeouts(row)?,
            price: Price {
                input: rows::opt_decimal(row, "input_price")?,
                output: rows::opt_decimal(row, "output_price")?,
                cached_input: rows::opt_decimal(row, "cached_input_price")?,
                cache_creation: rows::opt_decimal(row, "cache_creation_price")?,
                image_input: rows::opt_decimal(row, "image_input_price")?,
                image_output: rows::opt_decimal(row, "image_output_price")?,
                audio_input: rows::opt_decimal(row, "audio_input_price")?,
                audio_output: rows::opt_decimal(row, "audio_output_price")?,
                per_request: rows::opt_decimal(row, "per_request_price")?,
                reasoning_output: rows::opt_decimal(row, "reasoning_output_price")?,
                web_search_per_call: rows::opt_decimal(row, "web_search_price_per_call")?,
                unit: rows::int(row, "price_unit")?,
                tiers: rows::opt_json(row, "price_tiers")?.unwrap_or_default(),
            },
            max_output_tokens: rows::opt_int(row, "max_output_tokens")?,
            plugins: rows::parse_json(
                "plugins",
                &sealer.open(COLUMN_PLUGINS, rows::text(row, "plugins")?)?,
            )?,
            config: rows::json(row, "config")?,
            created_at: rows::int(row, "created_at")?,
            updated_at: rows::int(row, "updated_at")?,
        })
    }

    async fn update(
        tx: &mut StoreTx,
        _before: &ModelConfig,
        after: &ModelConfig,
    ) -> Result<ModelConfig, StoreError> {
        tx.update_model_config(after).await
    }

    async fn delete(tx: &mut StoreTx, model: &str) -> Result<bool, StoreError> {
        tx.delete_model_config(model).await
    }
}

impl Table for GroupModelOverride {
    /// Group id and model.
    type Key = (String, String);
    const KIND: &'static str = "group model override";
    const COLUMNS: &'static str = override_columns!();
    const FROM: &'static str = " FROM group_model_overrides";
    const ORDER_BY: &'static str = " ORDER BY group_id, model";

    fn push_key(sql: &mut Sql, (group_id, model): &(String, String)) {
        sql.push(" WHERE group_id = ")
            .bind_text(group_id.as_str())
            .push(" AND model = ")
            .bind_text(model.as_str());
    }

    fn key_text((group_id, model): &(String, String)) -> String {
        format!("{group_id}/{model}")
    }

    fn decode(row: &AnyRow, sealer: &Sealer) -> Result<GroupModelOverride, StoreError> {
        Ok(GroupModelOverride {
            group_id: rows::text(row, "group_id")?,
            model: rows::text(row, "model")?,
            rpm: rows::opt_int(row, "rpm")?,
            tpm: rows::opt_int(row, "tpm")?,
            price: rows::opt_json(row, "price")?,
            retry_times: rows::opt_int(row, "retry_times")?,
            timeouts: rows::timeouts(row)?,
            save_detail: rows::boolean(row, "save_detail")?,
            plugins: sealer
                .open_opt(COLUMN_OVERRIDE_PLUGINS, rows::opt_text(row, "plugins")?)?
                .map(|plugins| rows::parse_json("plugins", &plugins))
                .transpose()?,
            created_at: rows::int(row, "created_at")?,
            updated_at: rows::int(row, "updated_at")?,
        })
    }

    /// An override is written whole (an upsert), so the locked update is the same put.
    async fn update(
        tx: &mut StoreTx,
        _before: &GroupModelOverride,
        after: &GroupModelOverride,
    ) -> Result<GroupModelOverride, StoreError> {
        tx.put_group_override(after).await
    }

    async fn delete(
        tx: &mut StoreTx,
        (group_id, model): &(String, String),
    ) -> Result<bool, StoreError> {
        tx.delete_group_override(group_id, model).await
    }
}

impl Store {
    pub async fn get_model_config(&self, model: &str) -> Result<ModelConfig, StoreError> {
        self.get_row(model).await
    }

    pub async fn list_model_configs(
        &self,
        filter: &ModelFilter,
        page: Page,
    ) -> Result<Listing<ModelConfig>, StoreError> {
        self.list(page, |sql| {
            if let Some(model_type) = filter.model_type {
                sql.push(" AND type = ").bind_text(model_type.as_str());
            }
            if let Some(keyword) = filter.keyword.as_deref().filter(|k| !k.is_empty()) {
                sql.push(" AND (LOWER(model) LIKE ")
                    .bind_like(keyword)
                    .push(" ESCAPE '\\' OR LOWER(owner) LIKE ")
                    .bind_like(keyword)
                    .push(" ESCAPE '\\')");
            }
        })
        .await
    }

    pub async fn create_model_config(
        &self,
        config: &ModelConfig,
    ) -> Result<ModelConfig, StoreError> {
        in_transaction!(self, |tx| tx.create_model_config(config).await?)
    }

    pub async fn update_model_config(
        &self,
        config: &ModelConfig,
    ) -> Result<ModelConfig, StoreError> {
        in_transaction!(self, |tx| tx.update_model_config(config).await?)
    }

    /// Reads the model config, lets `change` edit it and writes it back with the row locked
    /// throughout (see [`Store::modify`]), so concurrent edits of one model all land.
    pub async fn update_model_config_with<E: From<StoreError>>(
        &self,
        model: &str,
        change: impl FnOnce(&mut ModelConfig) -> Result<(), E>,
    ) -> Result<ModelConfig, E> {
        self.modify(model, change).await
    }

    pub async fn delete_model_config(&self, model: &str) -> Result<(), StoreError> {
        self.delete_row::<ModelConfig>(model).await
    }

    pub async fn delete_model_configs(&self, models: &[String]) -> Result<u64, StoreError> {
        self.delete_rows::<ModelConfig>(models).await
    }

    pub async fn get_group_override(
        &self,
        group_id: &str,
        model: &str,
    ) -> Result<GroupModelOverride, StoreError> {
        self.get_row(&(group_id.to_owned(), model.to_owned())).await
    }

    /// Every override, or one group's when `group_id` is given.
    pub async fn list_group_overrides(
        &self,
        group_id: Option<&str>,
    ) -> Result<Vec<GroupModelOverride>, StoreError> {
        let mut select = Sql::new("SELECT ");
        select
            .push(GroupModelOverride::COLUMNS)
            .push(GroupModelOverride::FROM);
        if let Some(group_id) = group_id.filter(|g| !g.is_empty()) {
            select.push(" WHERE group_id = ").bind_text(group_id);
        }
        select.push(GroupModelOverride::ORDER_BY);
        select
            .query()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|row| GroupModelOverride::decode(row, &self.sealer))
            .collect()
    }

    pub async fn put_group_override(
        &self,
        item: &GroupModelOverride,
    ) -> Result<GroupModelOverride, StoreError> {
        in_transaction!(self, |tx| tx.put_group_override(item).await?)
    }

    /// Creates or replaces one group's override of one model with what `build` makes of the
    /// stored one (`None` when there is none yet), in one transaction that holds the stored
    /// row locked, so the override written is built from the override it replaces.
    pub async fn put_group_override_with<E: From<StoreError>>(
        &self,
        group_id: &str,
        model: &str,
        build: impl FnOnce(Option<GroupModelOverride>) -> Result<GroupModelOverride, E>,
    ) -> Result<GroupModelOverride, E> {
        let mut tx = self.begin().await?;
        let stored = tx
            .lock_optional::<GroupModelOverride>(&(group_id.to_owned(), model.to_owned()))
            .await?;
        let item = build(stored)?;
        let written = tx.put_group_override(&item).await?;
        tx.commit().await?;
        Ok(written)
    }

    pub async fn delete_group_override(
        &self,
        group_id: &str,
        model: &str,
    ) -> Result<(), StoreError> {
        self.delete_row::<GroupModelOverride>(&(group_id.to_owned(), model.to_owned()))
            .await
    }
}

impl StoreTx {
    pub async fn get_model_config(
        &mut self,
        model: &str,
    ) -> Result<Option<ModelConfig>, StoreError> {
        self.find_row(model).await
    }

    pub async fn create_model_config(
        &mut self,
        config: &ModelConfig,
    ) -> Result<ModelConfig, StoreError> {
        validate::model_config(config)?;
        let insert = sqlx::query(concat!(
            "INSERT INTO model_configs (",
            columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
             $17, $18, $19, $20, $21, $22, $23, $24, $24, $25, $26)"
        ));
        bind_fields(insert, config, &self.sealer)?
            .execute(self.write())
            .await
            .map_err(conflict(KIND, &config.model))?;
        let created: ModelConfig = self.get_row(config.model.as_str()).await?;
        self.audit_row(config.model.clone(), None, Some(&created));
        Ok(created)
    }

    /// Replaces every field but `model` and `created_at`.
    pub async fn update_model_config(
        &mut self,
        config: &ModelConfig,
    ) -> Result<ModelConfig, StoreError> {
        validate::model_config(config)?;
        let before: Option<ModelConfig> = self.find_row(config.model.as_str()).await?;
        let update = sqlx::query(
            "UPDATE model_configs SET type = $2, owner = $3, rpm = $4, tpm = $5, \
             retry_times = $6, connect_timeout_ms = $7, first_byte_timeout_ms = $8, \
             stream_idle_timeout_ms = $9, input_price = $10, output_price = $11, \
             cached_input_price = $12, cache_creation_price = $13, image_input_price = $14, \
             image_output_price = $15, audio_input_price = $16, audio_output_price = $17, \
             per_request_price = $18, reasoning_output_price = $19, price_unit = $20, \
             max_output_tokens = $21, plugins = $22, config = $23, updated_at = $24, \
             web_search_price_per_call = $25, price_tiers = $26 WHERE model = $1",
        );
        let result = bind_fields(update, config, &self.sealer)?
            .execute(self.write())
            .await?;
        if result.rows_affected() == 0 {
            return Err(not_found(KIND, &config.model));
        }
        let after: ModelConfig = self.get_row(config.model.as_str()).await?;
        self.audit_row(config.model.clone(), before.as_ref(), Some(&after));
        Ok(after)
    }

    /// Deletes the model config and every group's override of it.
    pub async fn delete_model_config(&mut self, model: &str) -> Result<bool, StoreError> {
        let before: Option<ModelConfig> = self.find_row(model).await?;
        let conn = self.write();
        sqlx::query("DELETE FROM group_model_overrides WHERE model = $1")
            .bind(model.to_owned())
            .execute(&mut *conn)
            .await?;
        let result = sqlx::query("DELETE FROM model_configs WHERE model = $1")
            .bind(model.to_owned())
            .execute(&mut *conn)
            .await?;
        self.audit_row(model.to_owned(), before.as_ref(), None);
        Ok(result.rows_affected() > 0)
    }

    pub async fn get_group_override(
        &mut self,
        group_id: &str,
        model: &str,
    ) -> Result<Option<GroupModelOverride>, StoreError> {
        self.find_row(&(group_id.to_owned(), model.to_owned()))
            .await
    }

    /// Creates or replaces one group's override of one model. The group must exist.
    pub async fn put_group_override(
        &mut self,
        item: &GroupModelOverride,
    ) -> Result<GroupModelOverride, StoreError> {
        validate::group_override(item)?;
        if self.get_group(&item.group_id).await?.is_none() {
            return Err(not_found("group", &item.group_id));
        }
        if item.plugins.is_some() {
            let model_plugins = self
                .get_model_config(&item.model)
                .await?
                .map(|config| config.plugins)
                .unwrap_or_default();
            validate::group_plugins(&model_plugins, item)?;
        }
        let key = (item.group_id.clone(), item.model.clone());
        let before: Option<GroupModelOverride> = self.find_row(&key).await?;
        let price = item.price.as_ref().map(to_json).transpose()?;
        sqlx::query(concat!(
            "INSERT INTO group_model_overrides (",
            override_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) \
             ON CONFLICT (group_id, model) DO UPDATE SET rpm = excluded.rpm, \
             tpm = excluded.tpm, price = excluded.price, retry_times = excluded.retry_times, \
             connect_timeout_ms = excluded.connect_timeout_ms, \
             first_byte_timeout_ms = excluded.first_byte_timeout_ms, \
             stream_idle_timeout_ms = excluded.stream_idle_timeout_ms, \
             save_detail = excluded.save_detail, updated_at = excluded.updated_at, \
             plugins = excluded.plugins"
        ))
        .bind(item.group_id.clone())
        .bind(item.model.clone())
        .bind(item.rpm)
        .bind(item.tpm)
        .bind(price)
        .bind(item.retry_times)
        .bind(item.timeouts.connect_ms)
        .bind(item.timeouts.first_byte_ms)
        .bind(item.timeouts.stream_idle_ms)
        .bind(bool_int(item.save_detail))
        .bind(now_ms())
        .bind(
            item.plugins
                .as_ref()
                .map(|plugins| -> Result<String, StoreError> {
                    Ok(self
                        .sealer
                        .seal(COLUMN_OVERRIDE_PLUGINS, &to_json(plugins)?)?)
                })
                .transpose()?,
        )
        .execute(self.write())
        .await?;
        let after: GroupModelOverride = self.get_row(&key).await?;
        self.audit_row(
            format!("{}/{}", item.group_id, item.model),
            before.as_ref(),
            Some(&after),
        );
        Ok(after)
    }

    pub async fn delete_group_override(
        &mut self,
        group_id: &str,
        model: &str,
    ) -> Result<bool, StoreError> {
        let before: Option<GroupModelOverride> = self
            .find_row(&(group_id.to_owned(), model.to_owned()))
            .await?;
        let result =
            sqlx::query("DELETE FROM group_model_overrides WHERE group_id = $1 AND model = $2")
                .bind(group_id.to_owned())
                .bind(model.to_owned())
                .execute(self.write())
                .await?;
        self.audit_row(format!("{group_id}/{model}"), before.as_ref(), None);
        Ok(result.rows_affected() > 0)
    }
}

/// Binds `$1`..`$26` of both the INSERT and the UPDATE: every stored field but `created_at`,
/// in column order, with the time of the write as `$24`. Price tiers are one JSON array
/// (NULL when there are none): a list of conditional prices is not worth a table.
fn bind_fields(
    statement: Statement,
    config: &ModelConfig,
    sealer: &Sealer,
) -> Result<Statement, StoreError> {
    let price = &config.price;
    Ok(statement
        .bind(config.model.clone())
        .bind(config.model_type.as_str())
        .bind(config.owner.clone())
        .bind(config.rpm)
        .bind(config.tpm)
        .bind(config.retry_times)
        .bind(config.timeouts.connect_ms)
        .bind(config.timeouts.first_byte_ms)
        .bind(config.timeouts.stream_idle_ms)
        .bind(opt_decimal_text(price.input))
        .bind(opt_decimal_text(price.output))
        .bind(opt_decimal_text(price.cached_input))
        .bind(opt_decimal_text(price.cache_creation))
        .bind(opt_decimal_text(price.image_input))
        .bind(opt_decimal_text(price.image_output))
        .bind(opt_decimal_text(price.audio_input))
        .bind(opt_decimal_text(price.audio_output))
        .bind(opt_decimal_text(price.per_request))
        .bind(opt_decimal_text(price.reasoning_output))
        .bind(price.unit)
        .bind(config.max_output_tokens)
        .bind(sealer.seal(COLUMN_PLUGINS, &to_json(&config.plugins)?)?)
        .bind(to_json(&config.config)?)
        .bind(now_ms())
        .bind(opt_decimal_text(price.web_search_per_call))
        .bind(if price.tiers.is_empty() {
            None
        } else {
            Some(to_json(&price.tiers)?)
        }))
}
