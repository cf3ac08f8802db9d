//! The CRUD every table shares, written once: a table declares columns, key, decoding and writes; reads, listings, deletes and locked updates come from here.

use std::borrow::Borrow;
use std::future::Future;

use sqlx::any::AnyRow;
use sqlx::{Any, Executor};

use super::sealed::Sealer;
use super::sql::Sql;
use super::{Dialect, Listing, Page, Store, StoreError, StoreTx, not_found, rows};

/// A table whose rows decode into one domain type (`Self`).
pub(crate) trait Table: Sized + Clone + Send + Sync {
    /// The row's key as callers name it (`i64`, `str`, a pair of strings).
    type Key: ?Sized + Sync;
    /// What a row is called in errors ("channel").
    const KIND: &'static str;
    /// The selected columns, comma-separated.
    const COLUMNS: &'static str;
    /// ` FROM <table>`.
    const FROM: &'static str;
    /// ` ORDER BY ...` of full reads and listings.
    const ORDER_BY: &'static str;

    /// Appends ` WHERE <key columns> = <bound key>`.
    fn push_key(sql: &mut Sql, key: &Self::Key);

    /// The key as errors show it.
    fn key_text(key: &Self::Key) -> String;

    /// Decodes a row selected with [`Table::COLUMNS`], opening its sealed columns.
    fn decode(row: &AnyRow, sealer: &Sealer) -> Result<Self, StoreError>;

    /// Writes `after` over the stored row that read as `before` (which the transaction holds
    /// locked when called by [`Store::modify`]) and returns the row as stored.
    fn update(
        tx: &mut StoreTx,
        before: &Self,
        after: &Self,
    ) -> impl Future<Output = Result<Self, StoreError>> + Send;

    /// Deletes the row and whatever belongs to it; returns whether it existed.
    fn delete(
        tx: &mut StoreTx,
        key: &Self::Key,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}

/// `SELECT <columns> FROM <table>`.
fn select<T: Table>() -> Sql {
    let mut sql = Sql::new("SELECT ");
    sql.push(T::COLUMNS).push(T::FROM);
    sql
}

fn decode_all<T: Table>(rows: &[AnyRow], sealer: &Sealer) -> Result<Vec<T>, StoreError> {
    rows.iter().map(|row| T::decode(row, sealer)).collect()
}

/// Every row, in the table's order.
pub(crate) async fn all<'e, T: Table>(
    exec: impl Executor<'e, Database = Any>,
    sealer: &Sealer,
) -> Result<Vec<T>, StoreError> {
    let mut sql = select::<T>();
    sql.push(T::ORDER_BY);
    decode_all(&sql.query().fetch_all(exec).await?, sealer)
}

/// The row with `key`, if any.
pub(crate) async fn find<'e, T: Table>(
    exec: impl Executor<'e, Database = Any>,
    sealer: &Sealer,
    key: &T::Key,
) -> Result<Option<T>, StoreError> {
    let mut sql = select::<T>();
    T::push_key(&mut sql, key);
    sql.query()
        .fetch_optional(exec)
        .await?
        .as_ref()
        .map(|row| T::decode(row, sealer))
        .transpose()
}

/// The row with `key`, or `NotFound`.
pub(crate) async fn get<'e, T: Table>(
    exec: impl Executor<'e, Database = Any>,
    sealer: &Sealer,
    key: &T::Key,
) -> Result<T, StoreError> {
    find(exec, sealer, key)
        .await?
        .ok_or_else(|| not_found(T::KIND, T::key_text(key)))
}

impl Store {
    /// One page of the rows `filter` keeps, and how many it keeps in all. `filter` appends
    /// ` AND ...` conditions; it runs twice, once for the count and once for the page, so both
    /// see the same conditions.
    pub(crate) async fn list<T: Table>(
        &self,
        page: Page,
        filter: impl Fn(&mut Sql),
    ) -> Result<Listing<T>, StoreError> {
        let mut count = Sql::new("SELECT COUNT(*) AS n");
        count.push(T::FROM).push(" WHERE 1 = 1");
        filter(&mut count);
        let mut page_rows = select::<T>();
        page_rows.push(" WHERE 1 = 1");
        filter(&mut page_rows);
        page_rows
            .push(T::ORDER_BY)
            .push(" LIMIT ")
            .bind_int(page.limit)
            .push(" OFFSET ")
            .bind_int(page.offset);
        let total = rows::int(&count.query().fetch_one(&self.pool).await?, "n")?;
        let items = decode_all(
            &page_rows.query().fetch_all(&self.pool).await?,
            &self.sealer,
        )?;
        Ok(Listing { items, total })
    }

    pub(crate) async fn get_row<T: Table>(&self, key: &T::Key) -> Result<T, StoreError> {
        get(&self.pool, &self.sealer, key).await
    }

    /// Deletes the row, or answers `NotFound`.
    pub(crate) async fn delete_row<T: Table>(&self, key: &T::Key) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        if !T::delete(&mut tx, key).await? {
            return Err(not_found(T::KIND, T::key_text(key)));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes every listed row that exists, in one transaction; returns how many did.
    pub(crate) async fn delete_rows<T: Table>(
        &self,
        keys: &[impl Borrow<T::Key> + Sync],
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let mut deleted = 0;
        for key in keys {
            deleted += u64::from(T::delete(&mut tx, key.borrow()).await?);
        }
        tx.commit().await?;
        Ok(deleted)
    }

    /// Reads the row, lets `change` edit it and writes it back, in one transaction that holds
    /// the row locked from the read to the commit: two edits of one row at once (two admins
    /// changing different fields) both land instead of the later overwriting the earlier
    /// with what it read before the other committed. `change` refusing the edit rolls back.
    pub(crate) async fn modify<T: Table, E: From<StoreError>>(
        &self,
        key: &T::Key,
        change: impl FnOnce(&mut T) -> Result<(), E>,
    ) -> Result<T, E> {
        let mut tx = self.begin().await?;
        let before = tx.lock::<T>(key).await?;
        let mut after = before.clone();
        change(&mut after)?;
        let updated = T::update(&mut tx, &before, &after).await?;
        tx.commit().await?;
        Ok(updated)
    }
}

impl StoreTx {
    pub(crate) async fn find_row<T: Table>(
        &mut self,
        key: &T::Key,
    ) -> Result<Option<T>, StoreError> {
        let sealer = self.sealer.clone();
        find(self.conn(), &sealer, key).await
    }

    pub(crate) async fn get_row<T: Table>(&mut self, key: &T::Key) -> Result<T, StoreError> {
        let sealer = self.sealer.clone();
        get(self.conn(), &sealer, key).await
    }

    /// Reads the row and keeps it locked until the transaction ends. Postgres locks the row
    /// (`FOR UPDATE`); a SQLite transaction from [`Store::begin`] already holds the database's
    /// one write lock (`BEGIN IMMEDIATE`), so a plain read is as safe there.
    async fn lock<T: Table>(&mut self, key: &T::Key) -> Result<T, StoreError> {
        self.lock_optional(key)
            .await?
            .ok_or_else(|| not_found(T::KIND, T::key_text(key)))
    }

    /// [`StoreTx::lock`] of a row that may not exist yet. Postgres locks nothing when it is
    /// missing: two transactions may both find it absent, and the later insert then conflicts
    /// or (an upsert) replaces the earlier.
    pub(crate) async fn lock_optional<T: Table>(
        &mut self,
        key: &T::Key,
    ) -> Result<Option<T>, StoreError> {
        let mut sql = select::<T>();
        T::push_key(&mut sql, key);
        if self.dialect == Dialect::Postgres {
            sql.push(" FOR UPDATE");
        }
        let sealer = self.sealer.clone();
        sql.query()
            .fetch_optional(self.conn())
            .await?
            .as_ref()
            .map(|row| T::decode(row, &sealer))
            .transpose()
    }
}
