//! Which price a request of one group for one model is charged at.

use crate::store::{DEFAULT_PRICE_UNIT, GroupModelOverride, ModelConfig, Price};

/// The price of a model nobody configured: every field unset, so everything is free.
pub static FREE: Price = Price {
    input: None,
    output: None,
    cached_input: None,
    cache_creation: None,
    image_input: None,
    image_output: None,
    audio_input: None,
    audio_output: None,
    per_request: None,
    reasoning_output: None,
    web_search_per_call: None,
    unit: DEFAULT_PRICE_UNIT,
    tiers: Vec::new(),
};

/// The group's override price when it sets one, else the model config's price, else [`FREE`].
/// The override replaces the whole price, not field by field, so a group's price list reads
/// exactly as it was written.
pub fn effective_price<'a>(
    config: Option<&'a ModelConfig>,
    group_override: Option<&'a GroupModelOverride>,
) -> &'a Price {
    group_override
        .and_then(|item| item.price.as_ref())
        .or_else(|| config.map(|config| &config.price))
        .unwrap_or(&FREE)
}
