//! The `admin_keys` table: admin keys beyond `ADMIN_KEY`, stored as SHA-256 hashes with a role and optional groups.
//!
//! Keys are created and revoked, never deleted: audit events name them.

use sqlx::any::AnyRow;

use super::rows::{self, to_json};
use super::tokens::{hash_key, key_prefix};
use super::{Store, StoreError, StoreTx, conflict, not_found, now_ms, validate};
use crate::access::Role;

const KIND: &str = "admin_key";

/// Random characters after `ak-` in a generated admin key (about 285 bits).
const GENERATED_KEY_LEN: usize = 48;

/// Groups one key may be scoped to at most.
const MAX_GROUPS: usize = 256;

/// One stored admin key. The hash is what authentication looks up; it is never shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAdminKey {
    pub id: i64,
    pub name: String,
    pub key_hash: String,
    pub key_prefix: String,
    pub role: Role,
    /// Empty: every group.
    pub groups: Vec<String>,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// What creating a key takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAdminKey {
    pub name: String,
    pub role: Role,
    pub groups: Vec<String>,
}

macro_rules! select {
    () => {
        "SELECT id, name, key_hash, key_prefix, role, group_ids, created_at, revoked_at \
         FROM admin_keys"
    };
}

impl Store {
    /// Creates a key and returns it with the key itself, which is stored only as a hash.
    pub async fn create_admin_key(
        &self,
        new_key: &NewAdminKey,
    ) -> Result<(StoredAdminKey, String), StoreError> {
        validate::name("admin_key.name", &new_key.name)?;
        if new_key.groups.len() > MAX_GROUPS {
            return Err(validate::invalid(
                "admin_key.groups",
                format!("at most {MAX_GROUPS} groups"),
            ));
        }
        for group in &new_key.groups {
            validate::path_id("admin_key.groups", group)?;
        }
        let mut groups = new_key.groups.clone();
        groups.sort();
        groups.dedup();
        let key = generate_admin_key();
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "INSERT INTO admin_keys (name, key_hash, key_prefix, role, group_ids, created_at, \
             revoked_at) VALUES ($1, $2, $3, $4, $5, $6, NULL) RETURNING id",
        )
        .bind(new_key.name.clone())
        .bind(hash_key(&key))
        .bind(key_prefix(&key))
        .bind(new_key.role.as_str())
        .bind(to_json(&groups)?)
        .bind(now_ms())
        .fetch_one(tx.write())
        .await
        .map_err(conflict(KIND, new_key.name.clone()))?;
        let id = rows::int(&row, "id")?;
        let created = tx
            .admin_key(id)
            .await?
            .ok_or_else(|| not_found(KIND, id.to_string()))?;
        tx.audit(KIND, id.to_string(), None, Some(view(&created)));
        tx.commit().await?;
        Ok((created, key))
    }

    /// Every key, revoked ones included, oldest first.
    pub async fn list_admin_keys(&self) -> Result<Vec<StoredAdminKey>, StoreError> {
        all(&self.pool).await
    }

    /// Revokes a key (again revoking a revoked key changes nothing and answers it as it is).
    pub async fn revoke_admin_key(&self, id: i64) -> Result<StoredAdminKey, StoreError> {
        let mut tx = self.begin().await?;
        let before = tx
            .admin_key(id)
            .await?
            .ok_or_else(|| not_found(KIND, id.to_string()))?;
        if before.revoked_at.is_some() {
            tx.rollback().await?;
            return Ok(before);
        }
        sqlx::query("UPDATE admin_keys SET revoked_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now_ms())
            .execute(tx.write())
            .await?;
        let after = tx
            .admin_key(id)
            .await?
            .ok_or_else(|| not_found(KIND, id.to_string()))?;
        tx.audit(
            KIND,
            id.to_string(),
            Some(view(&before)),
            Some(view(&after)),
        );
        tx.commit().await?;
        Ok(after)
    }
}

impl StoreTx {
    async fn admin_key(&mut self, id: i64) -> Result<Option<StoredAdminKey>, StoreError> {
        let row = sqlx::query(concat!(select!(), " WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(from_row).transpose()
    }
}

/// Every key, for the configuration snapshot (which keeps the ones not revoked).
pub(super) async fn all<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
) -> Result<Vec<StoredAdminKey>, StoreError> {
    let rows = sqlx::query(concat!(select!(), " ORDER BY id"))
        .fetch_all(exec)
        .await?;
    rows.iter().map(from_row).collect()
}

fn from_row(row: &AnyRow) -> Result<StoredAdminKey, StoreError> {
    Ok(StoredAdminKey {
        id: rows::int(row, "id")?,
        name: rows::text(row, "name")?,
        key_hash: rows::text(row, "key_hash")?,
        key_prefix: rows::text(row, "key_prefix")?,
        role: rows::enumeration(row, "role", Role::parse)?,
        groups: rows::json(row, "group_ids")?,
        created_at: rows::int(row, "created_at")?,
        revoked_at: rows::opt_int(row, "revoked_at")?,
    })
}

/// The key as audit events show it: never its hash.
fn view(key: &StoredAdminKey) -> serde_json::Value {
    serde_json::json!({
        "name": key.name,
        "key_prefix": key.key_prefix,
        "role": key.role.as_str(),
        "groups": key.groups,
        "revoked_at_ms": key.revoked_at,
    })
}

/// A fresh admin key: `ak-` and 48 random alphanumerics from the thread's CSPRNG.
fn generate_admin_key() -> String {
    use rand::Rng;
    let random: String = rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(GENERATED_KEY_LEN)
        .map(char::from)
        .collect();
    format!("ak-{random}")
}
