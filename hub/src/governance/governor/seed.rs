//! Reads the persisted values money counters start from: a token's spending and a group's balance, as the request-log writer keeps them in the main database.

use rust_decimal::Decimal;

use super::plan::Seed;
use crate::governance::billing::to_nanos;
use crate::store::{Store, StoreError};

/// The starting value of a counter in nano-units: spent so far for a token quota, the balance
/// for a group. A token or group deleted meanwhile counts as nothing spent / no balance.
pub async fn load(store: &Store, seed: &Seed) -> Result<i64, StoreError> {
    let amount = match seed {
        Seed::TokenUsed { token_id } => store.token_used_amount(*token_id).await?,
        Seed::TokenPeriodUsed {
            token_id,
            period_start,
        } => store.token_period_used(*token_id, *period_start).await?,
        Seed::GroupBalance { group_id } => store.group_balance(group_id).await?,
    };
    Ok(to_nanos(amount.unwrap_or(Decimal::ZERO)))
}
