//! Reads the persisted values money counters start from: a token's spending and a group's balance, as the request-log writer keeps them in the main database.

use rust_decimal::Decimal;

use super::plan::Seed;
use crate::billing::to_nanos;
use crate::store::{Store, StoreError};

/// The starting value of a counter in nano-units: spent so far for a token quota, the balance
/// for a group. A token or group deleted meanwhile counts as nothing spent / no balance.
pub async fn load(store: &Store, seed: &Seed) -> Result<i64, StoreError> {
    let pool = store.pool();
    let amount = match seed {
        Seed::TokenUsed { token_id } => {
            sqlx::query_scalar::<_, String>("SELECT used_amount FROM tokens WHERE id = $1")
                .bind(*token_id)
                .fetch_optional(pool)
                .await?
        }
        Seed::TokenPeriodUsed {
            token_id,
            period_start,
        } => {
            let row = sqlx::query_as::<_, (String, Option<i64>)>(
                "SELECT period_used, period_start FROM tokens WHERE id = $1",
            )
            .bind(*token_id)
            .fetch_optional(pool)
            .await?;
            // Spending stored for an older period does not count in this one.
            row.and_then(|(used, start)| (start == Some(*period_start)).then_some(used))
        }
        Seed::GroupBalance { group_id } => {
            sqlx::query_scalar::<_, String>("SELECT balance FROM groups WHERE id = $1")
                .bind(group_id)
                .fetch_optional(pool)
                .await?
        }
    };
    let amount = amount
        .and_then(|text| text.trim().parse::<Decimal>().ok())
        .unwrap_or(Decimal::ZERO);
    Ok(to_nanos(amount))
}
