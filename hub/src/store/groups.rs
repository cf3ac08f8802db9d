//! The `groups` table, and deleting a group with everything that belongs to it.

use sqlx::any::AnyRow;
use sqlx::{Any, Executor};

use super::rows::{self, bool_int, decimal_text, to_json};
use super::{
    Group, GroupFilter, GroupStatus, Listing, Page, Sql, Store, StoreError, StoreTx, conflict,
    not_found, now_ms, validate,
};

macro_rules! columns {
    () => {
        "id, status, rpm_ratio, tpm_ratio, available_sets, balance, balance_alert_threshold, \
         balance_alert_enabled, max_concurrency, created_at, updated_at"
    };
}

const KIND: &str = "group";

impl Store {
    pub async fn get_group(&self, id: &str) -> Result<Group, StoreError> {
        get(&self.pool, id).await
    }

    pub async fn list_groups(
        &self,
        filter: &GroupFilter,
        page: Page,
    ) -> Result<Listing<Group>, StoreError> {
        let mut count = Sql::new("SELECT COUNT(*) AS n FROM groups WHERE 1 = 1");
        let mut select = Sql::new(concat!("SELECT ", columns!(), " FROM groups WHERE 1 = 1"));
        for sql in [&mut count, &mut select] {
            if let Some(status) = filter.status {
                sql.push(" AND status = ").bind_text(status.as_str());
            }
            if let Some(keyword) = filter.keyword.as_deref().filter(|k| !k.is_empty()) {
                sql.push(" AND LOWER(id) LIKE ")
                    .bind_like(keyword)
                    .push(" ESCAPE '\\'");
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
            .map(from_row)
            .collect::<Result<_, _>>()?;
        Ok(Listing { items, total })
    }

    pub async fn create_group(&self, group: &Group) -> Result<Group, StoreError> {
        let mut tx = self.begin().await?;
        let created = tx.create_group(group).await?;
        tx.commit().await?;
        Ok(created)
    }

    pub async fn update_group(&self, group: &Group) -> Result<Group, StoreError> {
        let mut tx = self.begin().await?;
        let updated = tx.update_group(group).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Like [`Store::update_group`] but leaves the stored balance alone.
    pub async fn update_group_settings(&self, group: &Group) -> Result<Group, StoreError> {
        let mut tx = self.begin().await?;
        let updated = tx.update_group_settings(group).await?;
        tx.commit().await?;
        Ok(updated)
    }

    pub async fn delete_group(&self, id: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        if !tx.delete_group(id).await? {
            return Err(not_found(KIND, id));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes every listed group that exists; returns how many did.
    pub async fn delete_groups(&self, ids: &[String]) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let mut deleted = 0;
        for id in ids {
            deleted += u64::from(tx.delete_group(id).await?);
        }
        tx.commit().await?;
        Ok(deleted)
    }
}

impl StoreTx {
    pub async fn get_group(&mut self, id: &str) -> Result<Option<Group>, StoreError> {
        find(self.conn(), id).await
    }

    pub async fn create_group(&mut self, group: &Group) -> Result<Group, StoreError> {
        validate::group(group)?;
        let now = now_ms();
        sqlx::query(concat!(
            "INSERT INTO groups (",
            columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(group.id.clone())
        .bind(group.status.as_str())
        .bind(group.rpm_ratio)
        .bind(group.tpm_ratio)
        .bind(to_json(&group.available_sets)?)
        .bind(decimal_text(group.balance))
        .bind(decimal_text(group.balance_alert_threshold))
        .bind(bool_int(group.balance_alert_enabled))
        .bind(group.max_concurrency)
        .bind(now)
        .bind(now)
        .execute(self.write())
        .await
        .map_err(conflict(KIND, &group.id))?;
        get(self.conn(), &group.id).await
    }

    /// Replaces every field but `id` and `created_at`.
    pub async fn update_group(&mut self, group: &Group) -> Result<Group, StoreError> {
        self.write_group(group, true).await
    }

    /// Replaces every field but `id`, `created_at` and `balance`. The balance falls as requests
    /// are charged (by the request log writer); writing back a balance read before a charge
    /// committed would undo the charge, so only a caller that means to set it does.
    pub async fn update_group_settings(&mut self, group: &Group) -> Result<Group, StoreError> {
        self.write_group(group, false).await
    }

    async fn write_group(&mut self, group: &Group, set_balance: bool) -> Result<Group, StoreError> {
        validate::group(group)?;
        let result = sqlx::query(
            "UPDATE groups SET status = $2, rpm_ratio = $3, tpm_ratio = $4, available_sets = $5, \
             balance = CASE WHEN $11 = 1 THEN $6 ELSE balance END, \
             balance_alert_threshold = $7, balance_alert_enabled = $8, \
             max_concurrency = $9, updated_at = $10 WHERE id = $1",
        )
        .bind(group.id.clone())
        .bind(group.status.as_str())
        .bind(group.rpm_ratio)
        .bind(group.tpm_ratio)
        .bind(to_json(&group.available_sets)?)
        .bind(decimal_text(group.balance))
        .bind(decimal_text(group.balance_alert_threshold))
        .bind(bool_int(group.balance_alert_enabled))
        .bind(group.max_concurrency)
        .bind(now_ms())
        .bind(i64::from(set_balance))
        .execute(self.write())
        .await?;
        if result.rows_affected() == 0 {
            return Err(not_found(KIND, &group.id));
        }
        get(self.conn(), &group.id).await
    }

    /// Deletes the group, its tokens, model overrides, group-scoped MCP servers (with their
    /// params) and its MCP params. Returns whether the group existed.
    pub async fn delete_group(&mut self, id: &str) -> Result<bool, StoreError> {
        let conn = self.write();
        for statement in [
            "DELETE FROM tokens WHERE group_id = $1",
            "DELETE FROM group_model_overrides WHERE group_id = $1",
            "DELETE FROM group_mcp_params WHERE group_id = $1",
            "DELETE FROM group_mcp_params WHERE server_id IN \
             (SELECT id FROM mcp_servers WHERE group_id = $1)",
            "DELETE FROM mcp_servers WHERE group_id = $1",
        ] {
            sqlx::query(statement)
                .bind(id.to_owned())
                .execute(&mut *conn)
                .await?;
        }
        let result = sqlx::query("DELETE FROM groups WHERE id = $1")
            .bind(id.to_owned())
            .execute(&mut *conn)
            .await?;
        Ok(result.rows_affected() > 0)
    }
}

pub(super) async fn all<'e>(
    exec: impl Executor<'e, Database = Any>,
) -> Result<Vec<Group>, StoreError> {
    sqlx::query(concat!("SELECT ", columns!(), " FROM groups ORDER BY id"))
        .fetch_all(exec)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

async fn find<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: &str,
) -> Result<Option<Group>, StoreError> {
    sqlx::query(concat!("SELECT ", columns!(), " FROM groups WHERE id = $1"))
        .bind(id.to_owned())
        .fetch_optional(exec)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

async fn get<'e>(exec: impl Executor<'e, Database = Any>, id: &str) -> Result<Group, StoreError> {
    find(exec, id).await?.ok_or_else(|| not_found(KIND, id))
}

fn from_row(row: &AnyRow) -> Result<Group, StoreError> {
    Ok(Group {
        id: rows::text(row, "id")?,
        status: rows::enumeration(row, "status", GroupStatus::parse)?,
        rpm_ratio: rows::float(row, "rpm_ratio")?,
        tpm_ratio: rows::float(row, "tpm_ratio")?,
        available_sets: rows::json(row, "available_sets")?,
        balance: rows::decimal(row, "balance")?,
        balance_alert_threshold: rows::decimal(row, "balance_alert_threshold")?,
        balance_alert_enabled: rows::boolean(row, "balance_alert_enabled")?,
        max_concurrency: rows::opt_int(row, "max_concurrency")?,
        created_at: rows::int(row, "created_at")?,
        updated_at: rows::int(row, "updated_at")?,
    })
}
