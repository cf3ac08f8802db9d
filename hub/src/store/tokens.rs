//! The `tokens` table: key generation and hashing, the per-group token limit, CRUD.

use std::str::FromStr;

use rand::Rng;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;

use super::rows::{self, opt_decimal_text, to_json};
use super::sealed::Sealer;
use super::sql::Sql;
use super::table::Table;
use super::{
    Listing, NewToken, Page, QuotaPeriod, Status, Store, StoreError, StoreTx, Token, TokenFilter,
    conflict, not_found, now_ms, validate,
};

const KIND: &str = Token::KIND;

/// Binds `$1`..`$12` of both the INSERT and the UPDATE: the fields a caller sets, in one
/// order. A macro because a new token ([`NewToken`]) and a stored one ([`Token`]) carry these
/// fields alike without sharing a type.
macro_rules! bind_settings {
    ($statement:expr, $token:expr) => {{
        let token = $token;
        let subnets: Vec<String> = token.subnets.iter().map(ToString::to_string).collect();
        $statement
            .bind(token.name.clone())
            .bind(token.status.as_str())
            .bind(token.expires_at)
            .bind(to_json(&subnets)?)
            .bind(to_json(&token.models)?)
            .bind(to_json(&token.mcp_servers)?)
            .bind(opt_decimal_text(token.quota))
            .bind(opt_decimal_text(token.period_quota))
            .bind(token.period.map(|period| period.as_str().to_owned()))
            .bind(token.rpm)
            .bind(token.tpm)
            .bind(token.max_concurrency)
    }};
}
/// Random characters after `sk-` in a generated key (about 285 bits).
const GENERATED_KEY_LEN: usize = 48;

/// A fresh key: `sk-` and 48 random alphanumerics from the thread's CSPRNG (seeded by the OS).
pub fn generate_key() -> String {
    let random: String = rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(GENERATED_KEY_LEN)
        .map(char::from)
        .collect();
    format!("sk-{random}")
}

/// What the database stores instead of the key: lowercase hex SHA-256.
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Characters of a key shown at most, so people can recognise it.
pub const MAX_PREFIX_CHARS: usize = 8;

/// The start of a key shown in answers: at most [`MAX_PREFIX_CHARS`] and never more than a
/// quarter of the key, so even a key of the shortest accepted length keeps most of itself
/// secret (8 shown characters of an 8-character key were all of it).
pub fn key_prefix(key: &str) -> String {
    let shown = (key.chars().count() / 4).min(MAX_PREFIX_CHARS);
    key.chars().take(shown).collect()
}

impl Table for Token {
    type Key = i64;
    const KIND: &'static str = "token";
    const COLUMNS: &'static str = "id, group_id, name, key_hash, key_prefix, status, expires_at, \
        subnets, models, mcp_servers, quota, period_quota, period, period_start, period_used, \
        used_amount, request_count, rpm, tpm, max_concurrency, created_at, accessed_at";
    const FROM: &'static str = " FROM tokens";
    const ORDER_BY: &'static str = " ORDER BY id";

    fn push_key(sql: &mut Sql, id: &i64) {
        sql.push(" WHERE id = ").bind_int(*id);
    }

    fn key_text(id: &i64) -> String {
        id.to_string()
    }

    fn decode(row: &AnyRow, _sealer: &Sealer) -> Result<Token, StoreError> {
        from_row(row)
    }

    async fn update(tx: &mut StoreTx, _before: &Token, after: &Token) -> Result<Token, StoreError> {
        tx.update_token(after).await
    }

    async fn delete(tx: &mut StoreTx, id: &i64) -> Result<bool, StoreError> {
        tx.delete_token(*id).await
    }
}

impl Store {
    pub async fn get_token(&self, id: i64) -> Result<Token, StoreError> {
        self.get_row(&id).await
    }

    /// Finds a token by its key's hash (the relay's authentication lookup).
    pub async fn find_token_by_hash(&self, key_hash: &str) -> Result<Option<Token>, StoreError> {
        let mut sql = Sql::new("SELECT ");
        sql.push(Token::COLUMNS)
            .push(Token::FROM)
            .push(" WHERE key_hash = ")
            .bind_text(key_hash);
        sql.query()
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(from_row)
            .transpose()
    }

    pub async fn list_tokens(
        &self,
        filter: &TokenFilter,
        page: Page,
    ) -> Result<Listing<Token>, StoreError> {
        self.list(page, |sql| {
            if let Some(group_id) = filter.group_id.as_deref().filter(|g| !g.is_empty()) {
                sql.push(" AND group_id = ").bind_text(group_id);
            }
            if let Some(groups) = &filter.group_ids {
                sql.and_in("group_id", groups);
            }
            if let Some(status) = filter.status {
                sql.push(" AND status = ").bind_text(status.as_str());
            }
            if let Some(keyword) = filter.keyword.as_deref().filter(|k| !k.is_empty()) {
                sql.push(" AND LOWER(name) LIKE ")
                    .bind_like(keyword)
                    .push(" ESCAPE '\\'");
            }
        })
        .await
    }

    /// Creates a token and returns it with its plain key, which is not stored anywhere.
    /// `max_per_group` of 0 means unlimited.
    pub async fn create_token(
        &self,
        token: &NewToken,
        max_per_group: u32,
    ) -> Result<(Token, String), StoreError> {
        in_transaction!(self, |tx| tx.create_token(token, max_per_group).await?)
    }

    pub async fn update_token(&self, token: &Token) -> Result<Token, StoreError> {
        in_transaction!(self, |tx| tx.update_token(token).await?)
    }

    /// Reads the token, lets `change` edit it and writes it back with the row locked
    /// throughout (see [`Store::modify`]), so concurrent edits of one token all land.
    pub async fn update_token_with<E: From<StoreError>>(
        &self,
        id: i64,
        change: impl FnOnce(&mut Token) -> Result<(), E>,
    ) -> Result<Token, E> {
        self.modify(&id, change).await
    }

    pub async fn delete_token(&self, id: i64) -> Result<(), StoreError> {
        self.delete_row::<Token>(&id).await
    }

    pub async fn delete_tokens(&self, ids: &[i64]) -> Result<u64, StoreError> {
        self.delete_rows::<Token>(ids).await
    }

    /// The token's stored lifetime spending, `None` when the token is gone or the amount
    /// unreadable (the governor's quota counter starts from it).
    pub async fn token_used_amount(&self, id: i64) -> Result<Option<Decimal>, StoreError> {
        let row = sqlx::query("SELECT used_amount FROM tokens WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        Ok(parse_amount(&rows::text(&row, "used_amount")?))
    }

    /// The token's stored spending in the period that began at `period_start`: `None` when
    /// the token is gone, the amount unreadable, or the stored spending belongs to another
    /// period (it does not count in this one).
    pub async fn token_period_used(
        &self,
        id: i64,
        period_start: i64,
    ) -> Result<Option<Decimal>, StoreError> {
        let row = sqlx::query("SELECT period_used, period_start FROM tokens WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        if rows::opt_int(&row, "period_start")? != Some(period_start) {
            return Ok(None);
        }
        Ok(parse_amount(&rows::text(&row, "period_used")?))
    }
}

/// A stored money amount; an unreadable one counts as none.
fn parse_amount(text: &str) -> Option<Decimal> {
    Decimal::from_str(text.trim()).ok()
}

impl StoreTx {
    pub async fn get_token(&mut self, id: i64) -> Result<Option<Token>, StoreError> {
        self.find_row(&id).await
    }

    pub async fn find_token_by_name(
        &mut self,
        group_id: &str,
        name: &str,
    ) -> Result<Option<Token>, StoreError> {
        let mut sql = Sql::new("SELECT ");
        sql.push(Token::COLUMNS)
            .push(Token::FROM)
            .push(" WHERE group_id = ")
            .bind_text(group_id)
            .push(" AND name = ")
            .bind_text(name);
        sql.query()
            .fetch_optional(self.conn())
            .await?
            .as_ref()
            .map(from_row)
            .transpose()
    }

    pub async fn create_token(
        &mut self,
        token: &NewToken,
        max_per_group: u32,
    ) -> Result<(Token, String), StoreError> {
        validate::new_token(token)?;
        if self.get_group(&token.group_id).await?.is_none() {
            return Err(not_found("group", &token.group_id));
        }
        // The `GroupMaxTokenNum` option, read in this transaction, overrides the environment's
        // limit (`max_per_group`), whichever door the token comes through.
        let max_per_group = self
            .runtime_options()
            .await?
            .group_max_token_num
            .unwrap_or(max_per_group);
        if max_per_group > 0 {
            let count = sqlx::query("SELECT COUNT(*) AS n FROM tokens WHERE group_id = $1")
                .bind(token.group_id.clone())
                .fetch_one(self.conn())
                .await?;
            let existing = rows::int(&count, "n")?;
            if existing >= i64::from(max_per_group) {
                return Err(StoreError::TokenLimit {
                    group: token.group_id.clone(),
                    max: max_per_group,
                });
            }
        }
        if self
            .find_token_by_name(&token.group_id, &token.name)
            .await?
            .is_some()
        {
            return Err(StoreError::AlreadyExists {
                kind: KIND,
                id: format!("{}/{}", token.group_id, token.name),
            });
        }
        let key = token.key.clone().unwrap_or_else(generate_key);
        let insert = sqlx::query(
            "INSERT INTO tokens (name, status, expires_at, subnets, models, mcp_servers, quota, \
             period_quota, period, rpm, tpm, max_concurrency, group_id, key_hash, key_prefix, \
             period_start, created_at, period_used, used_amount, request_count, accessed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
             $17, '0', '0', 0, NULL) RETURNING id",
        );
        let row = bind_settings!(insert, token)
            .bind(token.group_id.clone())
            .bind(hash_key(&key))
            .bind(key_prefix(&key))
            .bind(token.period.map(|_| now_ms()))
            .bind(now_ms())
            .fetch_one(self.write())
            .await
            // Same key as another token: report it without echoing the key.
            .map_err(conflict(KIND, "with this key"))?;
        let id = rows::int(&row, "id")?;
        let created: Token = self.get_row(&id).await?;
        self.audit_row(id.to_string(), None, Some(&created));
        Ok((created, key))
    }

    /// Replaces the settable fields (name, status, expiry, subnets, allow-lists, quotas,
    /// period, limits); the key, usage counters and timestamps stay, except that a changed
    /// period starts again from nothing spent.
    pub async fn update_token(&mut self, token: &Token) -> Result<Token, StoreError> {
        validate::token(token)?;
        let existing: Token = self.get_row(&token.id).await?;
        if existing.name != token.name
            && self
                .find_token_by_name(&existing.group_id, &token.name)
                .await?
                .is_some()
        {
            return Err(StoreError::AlreadyExists {
                kind: KIND,
                id: format!("{}/{}", existing.group_id, token.name),
            });
        }
        // The period's start and spending are decided inside the UPDATE on the row as it is
        // then, not on `existing`: the log writer may commit a charge (and begin a new
        // period) between the read above and this write, and must not be undone. An
        // unchanged period keeps its start and spending; a changed one starts now from
        // nothing spent; none clears the start.
        let update = sqlx::query(
            "UPDATE tokens SET name = $1, status = $2, expires_at = $3, subnets = $4, \
             models = $5, mcp_servers = $6, quota = $7, period_quota = $8, \
             period_start = CASE WHEN $9 IS NULL THEN NULL \
             WHEN period IS NOT DISTINCT FROM $9 THEN period_start ELSE $13 END, \
             period_used = CASE WHEN period IS NOT DISTINCT FROM $9 THEN period_used \
             ELSE '0' END, \
             period = $9, rpm = $10, tpm = $11, max_concurrency = $12 WHERE id = $14",
        );
        bind_settings!(update, token)
            .bind(now_ms())
            .bind(token.id)
            .execute(self.write())
            .await
            .map_err(conflict(KIND, &token.name))?;
        let after: Token = self.get_row(&token.id).await?;
        self.audit_row(token.id.to_string(), Some(&existing), Some(&after));
        Ok(after)
    }

    /// Gives the token a new key (a key set in the configuration file changed).
    pub async fn replace_token_key(&mut self, id: i64, key: &str) -> Result<(), StoreError> {
        if key.chars().count() < validate::MIN_KEY_LEN {
            return Err(validate::invalid(
                "token.key",
                format!("must be at least {} characters", validate::MIN_KEY_LEN),
            ));
        }
        let result = sqlx::query("UPDATE tokens SET key_hash = $2, key_prefix = $3 WHERE id = $1")
            .bind(id)
            .bind(hash_key(key))
            .bind(key_prefix(key))
            .execute(self.write())
            .await
            .map_err(conflict(KIND, "with this key"))?;
        if result.rows_affected() == 0 {
            return Err(not_found(KIND, id.to_string()));
        }
        // The key itself is never shown: the diff says that it changed.
        self.audit(
            KIND,
            id.to_string(),
            Some(serde_json::json!({"key": "(previous key)"})),
            Some(serde_json::json!({"key": "(new key)", "key_prefix": key_prefix(key)})),
        );
        Ok(())
    }

    pub async fn delete_token(&mut self, id: i64) -> Result<bool, StoreError> {
        let before: Option<Token> = self.find_row(&id).await?;
        let result = sqlx::query("DELETE FROM tokens WHERE id = $1")
            .bind(id)
            .execute(self.write())
            .await?;
        self.audit_row(id.to_string(), before.as_ref(), None);
        Ok(result.rows_affected() > 0)
    }
}

fn from_row(row: &AnyRow) -> Result<Token, StoreError> {
    let subnets: Vec<String> = rows::json(row, "subnets")?;
    let subnets = subnets
        .iter()
        .map(|text| {
            text.parse().map_err(|_| StoreError::Corrupt {
                column: "subnets",
                reason: format!("{text:?} is not a CIDR range"),
            })
        })
        .collect::<Result<_, _>>()?;
    let period = rows::opt_text(row, "period")?
        .map(|text| {
            QuotaPeriod::parse(&text).ok_or_else(|| StoreError::Corrupt {
                column: "period",
                reason: format!("unknown value {text:?}"),
            })
        })
        .transpose()?;
    Ok(Token {
        id: rows::int(row, "id")?,
        group_id: rows::text(row, "group_id")?,
        name: rows::text(row, "name")?,
        key_hash: rows::text(row, "key_hash")?,
        key_prefix: rows::text(row, "key_prefix")?,
        status: rows::enumeration(row, "status", Status::parse)?,
        expires_at: rows::opt_int(row, "expires_at")?,
        subnets,
        models: rows::json(row, "models")?,
        mcp_servers: rows::json(row, "mcp_servers")?,
        quota: rows::opt_decimal(row, "quota")?,
        period_quota: rows::opt_decimal(row, "period_quota")?,
        period,
        period_start: rows::opt_int(row, "period_start")?,
        period_used: rows::decimal(row, "period_used")?,
        used_amount: rows::decimal(row, "used_amount")?,
        request_count: rows::int(row, "request_count")?,
        rpm: rows::opt_int(row, "rpm")?,
        tpm: rows::opt_int(row, "tpm")?,
        max_concurrency: rows::opt_int(row, "max_concurrency")?,
        created_at: rows::int(row, "created_at")?,
        accessed_at: rows::opt_int(row, "accessed_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shown_prefix_is_never_most_of_a_key() {
        for (key, shown) in [
            ("sk-abcdefgh", "sk"),
            ("sk-abcdefghi", "sk-"),
            ("sk-acme-ci-0001", "sk-"),
            ("sk-abcdefghijklm", "sk-a"),
            ("sk-abcdefghijklmnopqrstuvwxyz", "sk-abcd"),
            ("sk-abcdefghijklmnopqrstuvwxyz0123", "sk-abcde"),
            ("sk-abcdefghijklmnopqrstuvwxyz0123456789", "sk-abcde"),
        ] {
            assert_eq!(key_prefix(key), shown, "{key}");
            assert!(key_prefix(key).chars().count() * 4 <= key.chars().count());
        }
        let generated = generate_key();
        assert_eq!(key_prefix(&generated), &generated[..MAX_PREFIX_CHARS]);
    }
}
