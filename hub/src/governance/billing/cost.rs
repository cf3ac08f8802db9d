//! The cost of one request's usage at one price, and the money conversion to nano-units.

use std::fmt::Write as _;

use relay::host::TokenUsage;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::tier;
use crate::store::{DEFAULT_PRICE_UNIT, Price, PriceTier};

/// Nano-units per currency unit: the counters engine's integer money.
pub const NANOS_PER_UNIT: i64 = 1_000_000_000;

/// What `usage` costs at `price` (see the module docs for the rules), at the tier the request
/// matches for `service_tier`. Never negative for a valid price; saturates at [`Decimal::MAX`]
/// instead of overflowing.
pub fn cost(price: &Price, usage: &TokenUsage) -> Decimal {
    charge(price, usage, None).total
}

/// What `usage` costs and why: the total, the tier that applied, and one line per priced kind.
pub fn charge(price: &Price, usage: &TokenUsage, service_tier: Option<&str>) -> Charge {
    let tier = tier::matching(price, service_tier, usage.input_tokens);
    let tiered;
    let price = match tier {
        Some(tier) => {
            tiered = tier::apply(price, tier);
            &tiered
        }
        None => price,
    };
    let mut charge = Charge {
        tier: tier.map(PriceTier::label),
        ..Charge::default()
    };
    // A per-request price is the whole token price (the seed's meaning): a model sold by the
    // call is not also charged for its tokens.
    if let Some(per_request) = price.per_request.filter(|amount| !amount.is_zero()) {
        charge.total = per_request.normalize();
        charge
            .lines
            .push(ChargeLine::new("per_request", 1, per_request, per_request));
        return charge;
    }
    let unit = if price.unit > 0 {
        price.unit
    } else {
        DEFAULT_PRICE_UNIT
    };
    let input_kinds = [
        (
            "cached_input_tokens",
            usage.cached_input_tokens,
            price.cached_input,
        ),
        (
            "cache_creation_tokens",
            usage.cache_creation_tokens,
            price.cache_creation,
        ),
        (
            "image_input_tokens",
            usage.image_input_tokens,
            price.image_input,
        ),
        (
            "audio_input_tokens",
            usage.audio_input_tokens,
            price.audio_input,
        ),
    ];
    let output_kinds = [
        (
            "reasoning_tokens",
            usage.reasoning_tokens,
            price.reasoning_output,
        ),
        (
            "image_output_tokens",
            usage.image_output_tokens,
            price.image_output,
        ),
        (
            "audio_output_tokens",
            usage.audio_output_tokens,
            price.audio_output,
        ),
    ];
    let mut sum = Some(Decimal::ZERO);
    for (plain_name, total, plain_price, kinds) in [
        (
            "input_tokens",
            usage.input_tokens,
            price.input,
            &input_kinds[..],
        ),
        (
            "output_tokens",
            usage.output_tokens,
            price.output,
            &output_kinds[..],
        ),
    ] {
        let mut plain = total;
        for &(name, tokens, own_price) in kinds {
            plain = plain.saturating_sub(tokens);
            sum = add_tokens(
                sum,
                &mut charge.lines,
                name,
                tokens,
                own_price.or(plain_price),
                unit,
            );
        }
        sum = add_tokens(sum, &mut charge.lines, plain_name, plain, plain_price, unit);
    }
    if !charge.lines.is_empty() {
        charge.unit = Some(unit);
    }
    charge.total = sum
        .and_then(|sum| sum.checked_div(Decimal::from(unit)))
        .map_or(Decimal::MAX, |cost| cost.normalize());
    charge
}

/// A request's charge line by line: what the `charge_detail` of its log row holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Charge {
    pub total: Decimal,
    /// The label of the price tier that applied ([`PriceTier::label`]), if one did.
    pub tier: Option<String>,
    /// Tokens per price of the token lines, when there are any.
    pub unit: Option<i64>,
    /// Only lines with units and a non-zero price.
    pub lines: Vec<ChargeLine>,
}

/// `units` of `item` at `price` (per `unit` tokens for tokens, per call, image, million
/// characters, minute or second of audio (its tier says which), page, video or second of
/// video otherwise): `amount`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChargeLine {
    pub item: &'static str,
    pub units: u64,
    pub price: Decimal,
    pub amount: Decimal,
    /// The media price cell or tier the line was charged at (`image:1024x1024/hd`,
    /// `video:1792x1024`, `audio:per_second`); token lines have none (the row's tier is theirs).
    pub tier: Option<String>,
}

impl ChargeLine {
    pub fn new(item: &'static str, units: u64, price: Decimal, amount: Decimal) -> ChargeLine {
        ChargeLine {
            item,
            units,
            price: price.normalize(),
            amount: amount.normalize(),
            tier: None,
        }
    }

    /// The line charged at the media price `tier`.
    pub fn at(mut self, tier: String) -> ChargeLine {
        self.tier = Some(tier);
        self
    }
}

impl Charge {
    /// Adds `line` and its amount to the total (saturating), when it charges anything.
    pub fn add(&mut self, line: ChargeLine) {
        if line.amount.is_zero() {
            return;
        }
        self.total = self
            .total
            .checked_add(line.amount)
            .map_or(Decimal::MAX, |total| total.normalize());
        self.lines.push(line);
    }

    /// The log row's `price_tier`: the token price tier that applied and the media price cells
    /// of the lines, each once, joined by `;` (`flex`, `image:1024x1024/hd`,
    /// `priority;image:*/*`); `None` when neither applied.
    pub fn tier_label(&self) -> Option<String> {
        let mut labels: Vec<&str> = self.tier.as_deref().into_iter().collect();
        for tier in self.lines.iter().filter_map(|line| line.tier.as_deref()) {
            if !labels.contains(&tier) {
                labels.push(tier);
            }
        }
        (!labels.is_empty()).then(|| labels.join(";"))
    }

    /// The compact JSON of the log row's `charge_detail`:
    /// `{"input_tokens": {"units": 1200, "price": "2.5", "amount": "0.003"}, ..., "unit": 1000000}`;
    /// `None` when nothing was charged.
    pub fn detail_json(&self) -> Option<String> {
        if self.lines.is_empty() {
            return None;
        }
        // Written straight into one string, keys in the sorted order a `serde_json::Map`
        // gives them (the documented shape), instead of built as a `Value` tree: this runs once
        // per priced request and the tree cost a dozen allocations.
        let mut members: Vec<(&str, Option<&ChargeLine>)> = self
            .lines
            .iter()
            .map(|line| (line.item, Some(line)))
            .collect();
        if self.unit.is_some() {
            members.push(("unit", None));
        }
        // A later line of the same item replaces an earlier one, as a map insert would.
        members.reverse();
        members.sort_by(|a, b| a.0.cmp(b.0));
        members.dedup_by(|later, kept| later.0 == kept.0);
        let mut json = String::with_capacity(64 * members.len());
        json.push('{');
        for (index, (item, line)) in members.into_iter().enumerate() {
            if index > 0 {
                json.push(',');
            }
            push_json_string(&mut json, item);
            json.push(':');
            match line {
                Some(line) => push_line_json(&mut json, line),
                None => {
                    let _ = write!(json, "{}", self.unit.unwrap_or_default());
                }
            }
        }
        json.push('}');
        Some(json)
    }
}

/// `{"amount":"…","price":"…","tier":"…","units":N}` (no `tier` without one): the keys sorted.
fn push_line_json(json: &mut String, line: &ChargeLine) {
    let _ = write!(
        json,
        "{{\"amount\":\"{}\",\"price\":\"{}\"",
        line.amount, line.price
    );
    if let Some(tier) = &line.tier {
        json.push_str(",\"tier\":");
        push_json_string(json, tier);
    }
    let _ = write!(json, ",\"units\":{}}}", line.units);
}

/// `text` as a JSON string literal (tiers come from the price configuration: quoted and escaped).
fn push_json_string(json: &mut String, text: &str) {
    match serde_json::to_string(text) {
        Ok(literal) => json.push_str(&literal),
        // Serializing a `str` cannot fail; an empty literal keeps the document valid anyway.
        Err(_) => json.push_str("\"\""),
    }
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

/// `sum + tokens * price`, and its line (amount divided by `unit`) when it charges anything;
/// `None` once anything overflowed.
fn add_tokens(
    sum: Option<Decimal>,
    lines: &mut Vec<ChargeLine>,
    item: &'static str,
    tokens: u64,
    price: Option<Decimal>,
    unit: i64,
) -> Option<Decimal> {
    let (Some(sum), Some(price)) = (sum, price) else {
        return sum;
    };
    if tokens == 0 || price.is_zero() {
        return Some(sum);
    }
    let amount = Decimal::from(tokens).checked_mul(price)?;
    if let Some(line_amount) = amount.checked_div(Decimal::from(unit)) {
        lines.push(ChargeLine::new(item, tokens, price, line_amount));
    }
    sum.checked_add(amount)
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    /// The shape `detail_json` documents, built the slow way: a `serde_json::Map` per level.
    fn as_value_tree(charge: &Charge) -> String {
        let mut object = serde_json::Map::new();
        for line in &charge.lines {
            let mut fields = serde_json::json!({
                "units": line.units,
                "price": line.price.to_string(),
                "amount": line.amount.to_string(),
            });
            if let Some(tier) = &line.tier {
                fields["tier"] = tier.clone().into();
            }
            object.insert(line.item.to_owned(), fields);
        }
        if let Some(unit) = charge.unit {
            object.insert("unit".to_owned(), unit.into());
        }
        serde_json::Value::Object(object).to_string()
    }

    #[test]
    fn the_charge_detail_is_the_sorted_compact_json_of_its_lines() {
        let line = |item, units, price: &str, amount: &str| {
            ChargeLine::new(item, units, price.parse().unwrap(), amount.parse().unwrap())
        };
        let mut tokens = Charge {
            unit: Some(1_000_000),
            ..Charge::default()
        };
        tokens.add(line("output_tokens", 300, "10", "0.003"));
        tokens.add(line("input_tokens", 1200, "2.50", "0.003"));
        tokens.add(line("cached_tokens", 7, "0.1", "0.0000007"));
        let mut media = Charge::default();
        media.add(line("image", 2, "0.04", "0.08").at("image:1024x1024/hd".into()));
        // A tier from the price configuration is escaped; a repeated item keeps its last line.
        media.add(line("video", 1, "1", "1").at("video:\"wide\"\n\u{1}".into()));
        media.add(line("video", 3, "2", "6").at("video:720p".into()));
        for charge in [&tokens, &media] {
            let written = charge.detail_json().unwrap();
            assert_eq!(written, as_value_tree(charge));
            serde_json::from_str::<serde_json::Value>(&written).unwrap();
        }
        assert!(
            tokens
                .detail_json()
                .unwrap()
                .starts_with(r#"{"cached_tokens":{"amount":"0.0000007","price":"0.1","units":7}"#)
        );
        assert_eq!(Charge::default().detail_json(), None);
    }
}
