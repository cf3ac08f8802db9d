//! The cost of one request's usage at one price, and the money conversion to nano-units.

use relay::host::TokenUsage;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::store::{DEFAULT_PRICE_UNIT, Price};

/// Nano-units per currency unit: the counters engine's integer money.
pub const NANOS_PER_UNIT: i64 = 1_000_000_000;

/// What `usage` costs at `price` (see the module docs for the rules). Never negative for a
/// valid price; saturates at [`Decimal::MAX`] instead of overflowing.
pub fn cost(price: &Price, usage: &TokenUsage) -> Decimal {
    // A per-request price is the whole token price (the seed's meaning): a model sold by the
    // call is not also charged for its tokens.
    if let Some(per_request) = price.per_request.filter(|amount| !amount.is_zero()) {
        return per_request.normalize();
    }
    let input_kinds = [
        (usage.cached_input_tokens, price.cached_input),
        (usage.cache_creation_tokens, price.cache_creation),
        (usage.image_input_tokens, price.image_input),
        (usage.audio_input_tokens, price.audio_input),
    ];
    let output_kinds = [
        (usage.reasoning_tokens, price.reasoning_output),
        (usage.image_output_tokens, price.image_output),
        (usage.audio_output_tokens, price.audio_output),
    ];
    let mut sum = Some(Decimal::ZERO);
    for (total, plain_price, kinds) in [
        (usage.input_tokens, price.input, &input_kinds[..]),
        (usage.output_tokens, price.output, &output_kinds[..]),
    ] {
        let mut plain = total;
        for &(tokens, own_price) in kinds {
            plain = plain.saturating_sub(tokens);
            sum = add_tokens(sum, tokens, own_price.or(plain_price));
        }
        sum = add_tokens(sum, plain, plain_price);
    }
    let unit = if price.unit > 0 {
        price.unit
    } else {
        DEFAULT_PRICE_UNIT
    };
    sum.and_then(|sum| sum.checked_div(Decimal::from(unit)))
        .map_or(Decimal::MAX, |cost| cost.normalize())
}

/// What `calls` web searches cost at the price's `web_search_per_call` (unset is free).
/// Saturates at [`Decimal::MAX`].
pub fn web_search_cost(price: &Price, calls: u32) -> Decimal {
    let Some(per_call) = price.web_search_per_call else {
        return Decimal::ZERO;
    };
    if calls == 0 {
        return Decimal::ZERO;
    }
    per_call
        .checked_mul(Decimal::from(calls))
        .map_or(Decimal::MAX, |cost| cost.normalize())
}

/// `sum + tokens * price`; `None` once anything overflowed.
fn add_tokens(sum: Option<Decimal>, tokens: u64, price: Option<Decimal>) -> Option<Decimal> {
    let (Some(sum), Some(price)) = (sum, price) else {
        return sum;
    };
    if tokens == 0 {
        return Some(sum);
    }
    sum.checked_add(Decimal::from(tokens).checked_mul(price)?)
}

/// Money in nano-units, rounded up (towards +infinity) so a reservation or charge is never
/// smaller than the amount, and saturated at the bounds of `i64`.
pub fn to_nanos(amount: Decimal) -> i64 {
    let saturated = if amount.is_sign_negative() {
        i64::MIN
    } else {
        i64::MAX
    };
    amount
        .checked_mul(Decimal::from(NANOS_PER_UNIT))
        .and_then(|nanos| nanos.ceil().to_i64())
        .unwrap_or(saturated)
}

/// Nano-units back to money; exact.
pub fn from_nanos(nanos: i64) -> Decimal {
    Decimal::new(nanos, 9).normalize()
}
