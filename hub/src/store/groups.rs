//! The `groups` table, and deleting a group with everything that belongs to it.

use std::str::FromStr;

use rust_decimal::Decimal;
use sqlx::any::AnyRow;

use super::rows::{self, bool_int, decimal_text, to_json};
use super::sealed::Sealer;
use super::sql::{Sql, Statement};
use super::table::Table;
use super::{
    Group, GroupFilter, GroupStatus, Listing, Page, Store, StoreError, StoreTx, conflict,
    not_found, now_ms, validate,
};

macro_rules! columns {
    () => {
        "id, status, rpm_ratio, tpm_ratio, available_sets, balance, balance_alert_threshold, \
         balance_alert_enabled, max_concurrency, created_at, updated_at"
    };
}

impl Table for Group {
    type Key = str;
    const KIND: &'static str = "group";
    const COLUMNS: &'static str = columns!();
    const FROM: &'static str = " FROM groups";
    const ORDER_BY: &'static str = " ORDER BY id";

    fn push_key(sql: &mut Sql, id: &str) {
        sql.push(" WHERE id = ").bind_text(id);
    }

    fn key_text(id: &str) -> String {
        id.to_owned()
    }

    fn decode(row: &AnyRow, _sealer: &Sealer) -> Result<Group, StoreError> {
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

    /// The balance is written only when the edit changed it: the row is locked, so no charge
    /// can land between the read and this write, and an unchanged balance is simply kept.
    async fn update(tx: &mut StoreTx, before: &Group, after: &Group) -> Result<Group, StoreError> {
        tx.write_group(after, after.balance != before.balance).await
    }

    async fn delete(tx: &mut StoreTx, id: &str) -> Result<bool, StoreError> {
        tx.delete_group(id).await
    }
}

impl Store {
    pub async fn get_group(&self, id: &str) -> Result<Group, StoreError> {
        self.get_row(id).await
    }

    pub async fn list_groups(
        &self,
        filter: &GroupFilter,
        page: Page,
    ) -> Result<Listing<Group>, StoreError> {
        self.list(page, |sql| {
            if let Some(ids) = &filter.ids {
                sql.and_in("id", ids);
            }
            if let Some(status) = filter.status {
                sql.push(" AND status = ").bind_text(status.as_str());
            }
            if let Some(keyword) = filter.keyword.as_deref().filter(|k| !k.is_empty()) {
                sql.push(" AND LOWER(id) LIKE ")
                    .bind_like(keyword)
                    .push(" ESCAPE '\\'");
            }
        })
        .await
    }

    pub async fn create_group(&self, group: &Group) -> Result<Group, StoreError> {
        in_transaction!(self, |tx| tx.create_group(group).await?)
    }

    pub async fn update_group(&self, group: &Group) -> Result<Group, StoreError> {
        in_transaction!(self, |tx| tx.update_group(group).await?)
    }

    /// Like [`Store::update_group`] but leaves the stored balance alone.
    pub async fn update_group_settings(&self, group: &Group) -> Result<Group, StoreError> {
        in_transaction!(self, |tx| tx.update_group_settings(group).await?)
    }

    /// Reads the group, lets `change` edit it and writes it back with the row locked
    /// throughout (see [`Store::modify`]). The balance is written only when `change` changed
    /// it, so an edit of other fields never undoes a charge.
    pub async fn update_group_with<E: From<StoreError>>(
        &self,
        id: &str,
        change: impl FnOnce(&mut Group) -> Result<(), E>,
    ) -> Result<Group, E> {
        self.modify(id, change).await
    }

    pub async fn delete_group(&self, id: &str) -> Result<(), StoreError> {
        self.delete_row::<Group>(id).await
    }

    /// Deletes every listed group that exists; returns how many did.
    pub async fn delete_groups(&self, ids: &[String]) -> Result<u64, StoreError> {
        self.delete_rows::<Group>(ids).await
    }

    /// The group's stored balance, `None` when the group is gone or the amount unreadable
    /// (the governor's balance counter starts from it).
    pub async fn group_balance(&self, id: &str) -> Result<Option<Decimal>, StoreError> {
        let row = sqlx::query("SELECT balance FROM groups WHERE id = $1")
            .bind(id.to_owned())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        Ok(Decimal::from_str(rows::text(&row, "balance")?.trim()).ok())
    }
}

impl StoreTx {
    pub async fn get_group(&mut self, id: &str) -> Result<Option<Group>, StoreError> {
        self.find_row(id).await
    }

    pub async fn create_group(&mut self, group: &Group) -> Result<Group, StoreError> {
        validate::group(group)?;
        let insert = sqlx::query(concat!(
            "INSERT INTO groups (",
            columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)"
        ));
        bind_fields(insert, group)?
            .execute(self.write())
            .await
            .map_err(conflict(Group::KIND, &group.id))?;
        let created: Group = self.get_row(group.id.as_str()).await?;
        self.audit_row(group.id.clone(), None, Some(&created));
        Ok(created)
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
        let before: Option<Group> = self.find_row(group.id.as_str()).await?;
        let update = sqlx::query(
            "UPDATE groups SET status = $2, rpm_ratio = $3, tpm_ratio = $4, available_sets = $5, \
             balance = CASE WHEN $11 = 1 THEN $6 ELSE balance END, \
             balance_alert_threshold = $7, balance_alert_enabled = $8, \
             max_concurrency = $9, updated_at = $10 WHERE id = $1",
        );
        let result = bind_fields(update, group)?
            .bind(i64::from(set_balance))
            .execute(self.write())
            .await?;
        if result.rows_affected() == 0 {
            return Err(not_found(Group::KIND, &group.id));
        }
        let after: Group = self.get_row(group.id.as_str()).await?;
        self.audit_row(group.id.clone(), before.as_ref(), Some(&after));
        Ok(after)
    }

    /// Deletes the group, its tokens, model overrides, group-scoped MCP servers (with their
    /// params) and its MCP params. Returns whether the group existed.
    pub async fn delete_group(&mut self, id: &str) -> Result<bool, StoreError> {
        let before: Option<Group> = self.find_row(id).await?;
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
        self.audit_row(id.to_owned(), before.as_ref(), None);
        Ok(result.rows_affected() > 0)
    }
}

/// Binds `$1`..`$10` of both the INSERT and the UPDATE: every stored field but `created_at`,
/// in column order, then the time of the write.
fn bind_fields(statement: Statement, group: &Group) -> Result<Statement, StoreError> {
    Ok(statement
        .bind(group.id.clone())
        .bind(group.status.as_str())
        .bind(group.rpm_ratio)
        .bind(group.tpm_ratio)
        .bind(to_json(&group.available_sets)?)
        .bind(decimal_text(group.balance))
        .bind(decimal_text(group.balance_alert_threshold))
        .bind(bool_int(group.balance_alert_enabled))
        .bind(group.max_concurrency)
        .bind(now_ms()))
}
