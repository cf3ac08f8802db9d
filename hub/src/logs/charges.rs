//! Billing charges of a log batch: token spending (lifetime, request count, current period) and group balances, applied in the caller's transaction.
//!
//! Each token and group is charged by one atomic step whatever else writes the row meanwhile
//! (the control plane's `update_token`, another replica's writer): the quota period is
//! restarted or continued by a condition inside the UPDATE, evaluated on the row as it is
//! when the UPDATE runs, never on a value read earlier. Money columns are TEXT decimals:
//! Postgres adds them exactly in the UPDATE through NUMERIC; SQLite has no exact decimal
//! arithmetic, so the sum is computed in Rust and written by a compare-and-set UPDATE whose
//! WHERE repeats what was read (the writer's `BEGIN IMMEDIATE` makes it succeed first time;
//! the condition keeps it correct without that lock too). Rows are visited in id order,
//! tokens before groups, so two writers (replicas) lock in the same order and cannot
//! deadlock.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use sqlx::AnyConnection;

use crate::logs::entry::LogEntry;
use crate::store::{StoreError, rows};

/// Compare-and-set attempts on SQLite before the charge is reported as failed (the batch is
/// then retried whole); only a writer without the write lock could ever need a second one.
const SQLITE_ATTEMPTS: usize = 8;

/// What one token is charged by a batch.
#[derive(Debug, Default, Clone, PartialEq)]
struct TokenCharge {
    /// Sum of the costs.
    total: Decimal,
    requests: i64,
    /// The newest period start among the entries (`None` when none carried one).
    newest_start: Option<i64>,
    /// Costs from the first entry of [`newest_start`](Self::newest_start) on: what the period
    /// holds when that start is newer than the stored one and so begins a new period.
    since_newest: Decimal,
}

impl TokenCharge {
    /// The charge of `entries` (their period start and cost), in submission order.
    fn of(entries: &[(Option<i64>, Decimal)]) -> TokenCharge {
        let newest_start = entries.iter().filter_map(|(start, _)| *start).max();
        let first_newest = entries
            .iter()
            .position(|(start, _)| newest_start.is_some() && *start == newest_start)
            .unwrap_or(0);
        TokenCharge {
            total: entries.iter().map(|(_, cost)| *cost).sum(),
            requests: i64::try_from(entries.len()).unwrap_or(i64::MAX),
            newest_start,
            since_newest: entries[first_newest..].iter().map(|(_, cost)| *cost).sum(),
        }
    }
}

/// Charges every entry with `charge` set: per token `used_amount += cost`,
/// `request_count += 1` and `period_used` (restarted by a newer period start), per group
/// `balance -= cost`. Tokens or groups deleted meanwhile are skipped.
pub async fn apply<'a>(
    conn: &mut AnyConnection,
    batch: impl IntoIterator<Item = &'a LogEntry>,
) -> Result<(), StoreError> {
    let mut tokens: BTreeMap<i64, Vec<(Option<i64>, Decimal)>> = BTreeMap::new();
    let mut groups: BTreeMap<&str, Decimal> = BTreeMap::new();
    for entry in batch.into_iter().filter(|entry| entry.charge) {
        let record = &entry.record;
        if let Some(token_id) = record.token_id {
            tokens
                .entry(token_id)
                .or_default()
                .push((entry.period_start, entry.cost));
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
    for (token_id, entries) in &tokens {
        let charge = TokenCharge::of(entries);
        if postgres {
            charge_token_postgres(conn, *token_id, &charge).await?;
        } else {
            charge_token_sqlite(conn, *token_id, &charge).await?;
        }
    }
    for (group_id, cost) in &groups {
        if postgres {
            sqlx::query(
                "UPDATE groups SET balance = \
                 CAST(CAST(balance AS NUMERIC) - CAST($2 AS NUMERIC) AS TEXT) WHERE id = $1",
            )
            .bind(*group_id)
            .bind(cost.normalize().to_string())
            .execute(&mut *conn)
            .await?;
        } else {
            charge_group_sqlite(conn, group_id, *cost).await?;
        }
    }
    Ok(())
}

/// True when the entries' newest period start ($4) begins a new period for the stored row.
macro_rules! new_period {
    () => {
        "($4 IS NOT NULL AND (period_start IS NULL OR period_start < $4))"
    };
}

/// One UPDATE: the sums in NUMERIC, the period decided on the row as it is now.
async fn charge_token_postgres(
    conn: &mut AnyConnection,
    token_id: i64,
    charge: &TokenCharge,
) -> Result<(), StoreError> {
    sqlx::query(concat!(
        "UPDATE tokens SET \
         used_amount = CAST(CAST(used_amount AS NUMERIC) + CAST($2 AS NUMERIC) AS TEXT), \
         request_count = request_count + $3, \
         period_used = CASE WHEN ",
        new_period!(),
        " THEN $5 ELSE CAST(CAST(period_used AS NUMERIC) + CAST($2 AS NUMERIC) AS TEXT) END, \
         period_start = CASE WHEN ",
        new_period!(),
        " THEN $4 ELSE period_start END WHERE id = $1"
    ))
    .bind(token_id)
    .bind(charge.total.normalize().to_string())
    .bind(charge.requests)
    .bind(charge.newest_start)
    .bind(charge.since_newest.normalize().to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Read, add in Rust, compare-and-set (see the module doc).
async fn charge_token_sqlite(
    conn: &mut AnyConnection,
    token_id: i64,
    charge: &TokenCharge,
) -> Result<(), StoreError> {
    for _ in 0..SQLITE_ATTEMPTS {
        let Some(row) = sqlx::query("SELECT used_amount, period_used FROM tokens WHERE id = $1")
            .bind(token_id)
            .fetch_optional(&mut *conn)
            .await?
        else {
            return Ok(());
        };
        let used_text = rows::text(&row, "used_amount")?;
        let period_text = rows::text(&row, "period_used")?;
        let (Some(used), Some(period_used)) = (
            decimal("tokens.used_amount", token_id, &used_text),
            decimal("tokens.period_used", token_id, &period_text),
        ) else {
            return Ok(());
        };
        let updated = sqlx::query(concat!(
            "UPDATE tokens SET used_amount = $2, request_count = request_count + $3, \
             period_used = CASE WHEN ",
            new_period!(),
            " THEN $5 ELSE $6 END, period_start = CASE WHEN ",
            new_period!(),
            " THEN $4 ELSE period_start END \
             WHERE id = $1 AND used_amount = $7 AND period_used = $8"
        ))
        .bind(token_id)
        .bind((used + charge.total).normalize().to_string())
        .bind(charge.requests)
        .bind(charge.newest_start)
        .bind(charge.since_newest.normalize().to_string())
        .bind((period_used + charge.total).normalize().to_string())
        .bind(used_text)
        .bind(period_text)
        .execute(&mut *conn)
        .await?;
        if updated.rows_affected() > 0 {
            return Ok(());
        }
    }
    Err(StoreError::Database(sqlx::Error::Protocol(format!(
        "token {token_id} kept changing while it was charged"
    ))))
}

async fn charge_group_sqlite(
    conn: &mut AnyConnection,
    group_id: &str,
    cost: Decimal,
) -> Result<(), StoreError> {
    for _ in 0..SQLITE_ATTEMPTS {
        let Some(row) = sqlx::query("SELECT balance FROM groups WHERE id = $1")
            .bind(group_id)
            .fetch_optional(&mut *conn)
            .await?
        else {
            return Ok(());
        };
        let stored = rows::text(&row, "balance")?;
        let Some(balance) = decimal("groups.balance", group_id, &stored) else {
            return Ok(());
        };
        let updated = sqlx::query("UPDATE groups SET balance = $2 WHERE id = $1 AND balance = $3")
            .bind(group_id)
            .bind((balance - cost).normalize().to_string())
            .bind(stored)
            .execute(&mut *conn)
            .await?;
        if updated.rows_affected() > 0 {
            return Ok(());
        }
    }
    Err(StoreError::Database(sqlx::Error::Protocol(format!(
        "group {group_id} kept changing while it was charged"
    ))))
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

    /// The period rule entry by entry: a start newer than the current one begins a new period
    /// with its own cost; any other adds to the current one.
    fn entry_by_entry(
        mut start: Option<i64>,
        mut used: Decimal,
        entries: &[(Option<i64>, Decimal)],
    ) -> (Option<i64>, Decimal) {
        for (entry_start, cost) in entries {
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

    /// What the UPDATEs of [`charge_token_postgres`] and [`charge_token_sqlite`] compute.
    fn one_statement(
        charge: &TokenCharge,
        start: Option<i64>,
        used: Decimal,
    ) -> (Option<i64>, Decimal) {
        match charge.newest_start {
            Some(newest) if start.is_none_or(|start| start < newest) => {
                (Some(newest), charge.since_newest)
            }
            _ => (start, used + charge.total),
        }
    }

    /// The one-statement form (newest start, costs since its first entry) agrees with the
    /// rule applied entry by entry, for every stored start around the entries' starts.
    #[test]
    fn one_statement_period_matches_entry_by_entry() {
        let cases: [&[(Option<i64>, Decimal)]; 5] = [
            &[
                (Some(100), dec("1.5")),
                (Some(200), dec("2")),
                (Some(100), dec("0.25")),
                (None, dec("1")),
            ],
            &[(Some(100), dec("1.5"))],
            &[(None, dec("1")), (None, dec("2"))],
            &[
                (Some(300), dec("1")),
                (Some(200), dec("2")),
                (Some(300), dec("4")),
                (Some(100), dec("8")),
            ],
            &[(None, dec("1")), (Some(200), dec("2")), (None, dec("4"))],
        ];
        for entries in cases {
            let charge = TokenCharge::of(entries);
            for stored in [
                None,
                Some(50),
                Some(100),
                Some(150),
                Some(200),
                Some(300),
                Some(400),
            ] {
                assert_eq!(
                    one_statement(&charge, stored, dec("10")),
                    entry_by_entry(stored, dec("10"), entries),
                    "stored start {stored:?}, entries {entries:?}"
                );
            }
        }
        assert_eq!(
            one_statement(
                &TokenCharge::of(&[(Some(100), dec("1.5")), (Some(200), dec("2"))]),
                Some(100),
                dec("10")
            ),
            (Some(200), dec("2"))
        );
    }
}
