//! Billing charges of a log batch: token spending (lifetime, request count, current period) and group balances, applied in the caller's transaction.
//!
//! Money columns are TEXT decimals, which SQL cannot add the same way in both dialects: the
//! batch is summed per token and per group in Rust, and each row is read and rewritten under a
//! lock (`SELECT ... FOR UPDATE` on Postgres; SQLite's `BEGIN IMMEDIATE` already holds the
//! only write lock). Rows are visited in id order, tokens before groups, so two writers
//! (replicas) lock in the same order and cannot deadlock.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use sqlx::{AnyConnection, Row};

use crate::usage_log::LogEntry;

/// What one token is charged by a batch, entries in submission order.
#[derive(Debug, Default)]
struct TokenCharge {
    total: Decimal,
    requests: i64,
    /// (the entry's period start, its cost), in order: a newer start resets the period.
    periods: Vec<(Option<i64>, Decimal)>,
}

/// Charges every entry with `charge` set: per token `used_amount += cost`,
/// `request_count += 1` and `period_used` (restarted by a newer period start), per group
/// `balance -= cost`. Tokens or groups deleted meanwhile are skipped.
pub async fn apply(conn: &mut AnyConnection, batch: &[LogEntry]) -> Result<(), sqlx::Error> {
    let mut tokens: BTreeMap<i64, TokenCharge> = BTreeMap::new();
    let mut groups: BTreeMap<&str, Decimal> = BTreeMap::new();
    for entry in batch.iter().filter(|entry| entry.charge) {
        let record = &entry.record;
        if let Some(token_id) = record.token_id {
            let charge = tokens.entry(token_id).or_default();
            charge.total += entry.cost;
            charge.requests += 1;
            charge.periods.push((entry.period_start, entry.cost));
        }
        if let Some(group) = record.group_id.as_deref()
            && !entry.cost.is_zero()
        {
            *groups.entry(group).or_default() += entry.cost;
        }
    }
    if tokens.is_empty() && groups.is_empty() {
        return Ok(());
    }
    let postgres = conn.backend_name() == "PostgreSQL";
    for (token_id, charge) in &tokens {
        charge_token(conn, postgres, *token_id, charge).await?;
    }
    for (group_id, cost) in &groups {
        charge_group(conn, postgres, group_id, *cost).await?;
    }
    Ok(())
}

async fn charge_token(
    conn: &mut AnyConnection,
    postgres: bool,
    token_id: i64,
    charge: &TokenCharge,
) -> Result<(), sqlx::Error> {
    let select = if postgres {
        "SELECT used_amount, period_used, period_start FROM tokens WHERE id = $1 FOR UPDATE"
    } else {
        "SELECT used_amount, period_used, period_start FROM tokens WHERE id = $1"
    };
    let Some(row) = sqlx::query(select)
        .bind(token_id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(());
    };
    let used: String = row.try_get(0)?;
    let period_used: String = row.try_get(1)?;
    let stored_start: Option<i64> = row.try_get(2)?;
    let (Some(used), Some(period_used)) = (
        decimal("tokens.used_amount", token_id, &used),
        decimal("tokens.period_used", token_id, &period_used),
    ) else {
        return Ok(());
    };
    let (period_start, period_used) = next_period(stored_start, period_used, &charge.periods);
    sqlx::query(
        "UPDATE tokens SET used_amount = $2, request_count = request_count + $3, \
         period_used = $4, period_start = $5 WHERE id = $1",
    )
    .bind(token_id)
    .bind((used + charge.total).normalize().to_string())
    .bind(charge.requests)
    .bind(period_used.normalize().to_string())
    .bind(period_start)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn charge_group(
    conn: &mut AnyConnection,
    postgres: bool,
    group_id: &str,
    cost: Decimal,
) -> Result<(), sqlx::Error> {
    let select = if postgres {
        "SELECT balance FROM groups WHERE id = $1 FOR UPDATE"
    } else {
        "SELECT balance FROM groups WHERE id = $1"
    };
    let Some(row) = sqlx::query(select)
        .bind(group_id)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(());
    };
    let balance: String = row.try_get(0)?;
    let Some(balance) = decimal("groups.balance", group_id, &balance) else {
        return Ok(());
    };
    sqlx::query("UPDATE groups SET balance = $2 WHERE id = $1")
        .bind(group_id)
        .bind((balance - cost).normalize().to_string())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The period after applying `charges` in order to a period that began at `start` with
/// `used` spent: an entry whose period start is newer than the current one begins a new
/// period with its own cost; any other adds to the current one.
pub fn next_period(
    mut start: Option<i64>,
    mut used: Decimal,
    charges: &[(Option<i64>, Decimal)],
) -> (Option<i64>, Decimal) {
    for (entry_start, cost) in charges {
        match entry_start {
            Some(entry_start) if start.is_none_or(|start| *entry_start > start) => {
                start = Some(*entry_start);
                used = *cost;
            }
            _ => used += *cost,
        }
    }
    (start, used)
}

/// A stored money value; a corrupt one is reported and its charge skipped rather than
/// failing (and endlessly retrying) the whole batch.
fn decimal(column: &'static str, id: impl std::fmt::Display, text: &str) -> Option<Decimal> {
    match Decimal::from_str(text) {
        Ok(value) => Some(value),
        Err(error) => {
            tracing::error!(column, %id, %error, "stored amount is not a decimal: charge skipped");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn a_newer_period_start_restarts_the_period() {
        let charges = [
            (Some(100), dec("1.5")),
            (Some(200), dec("2")),
            (Some(100), dec("0.25")),
            (None, dec("1")),
        ];
        assert_eq!(
            next_period(Some(100), dec("10"), &charges),
            (Some(200), dec("3.25"))
        );
        assert_eq!(
            next_period(None, dec("10"), &charges[..1]),
            (Some(100), dec("1.5"))
        );
        assert_eq!(
            next_period(Some(300), dec("1"), &charges),
            (Some(300), dec("5.75"))
        );
    }
}
