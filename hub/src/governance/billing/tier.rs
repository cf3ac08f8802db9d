//! Which price tier a request matches, and the price it makes.

use crate::store::{Price, PriceTier};

/// The last of the price's tiers whose every condition holds: the request ran at the tier's
/// `service_tier` and had more than its `above_input_tokens` input tokens. Tiers are sorted
/// (validation refuses otherwise) with unset conditions first, so the last match is the most
/// specific one: a service tier's own long-context prices before its plain ones, either before
/// a long-context tier of every service tier.
pub fn matching<'a>(
    price: &'a Price,
    service_tier: Option<&str>,
    input_tokens: u64,
) -> Option<&'a PriceTier> {
    price.tiers.iter().rev().find(|tier| {
        let service_matches = tier
            .service_tier
            .as_deref()
            .is_none_or(|wanted| service_tier.is_some_and(|ran| ran.eq_ignore_ascii_case(wanted)));
        let length_matches = tier
            .above_input_tokens
            .is_none_or(|threshold| input_tokens > threshold);
        service_matches && length_matches
    })
}

/// `price` with the tier's prices in place of its own, field by field (a tier lists what
/// changes); `per_request`, `web_search_per_call` and `unit` stay the base price's.
pub fn apply(price: &Price, tier: &PriceTier) -> Price {
    Price {
        input: tier.input.or(price.input),
        output: tier.output.or(price.output),
        cached_input: tier.cached_input.or(price.cached_input),
        cache_creation: tier.cache_creation.or(price.cache_creation),
        image_input: tier.image_input.or(price.image_input),
        image_output: tier.image_output.or(price.image_output),
        audio_input: tier.audio_input.or(price.audio_input),
        audio_output: tier.audio_output.or(price.audio_output),
        per_request: price.per_request,
        reasoning_output: tier.reasoning_output.or(price.reasoning_output),
        web_search_per_call: price.web_search_per_call,
        unit: price.unit,
        tiers: Vec::new(),
    }
}
