//! Conversions shared by the services: statuses, decimals, timeouts, prices, subnets.

use rust_decimal::Decimal;
use tonic::Status as GrpcStatus;

use super::error::invalid;
use super::pb;
use crate::store::{self, GroupStatus, Price, Status, Timeouts, validate};

pub fn status_pb(status: Status) -> i32 {
    match status {
        Status::Enabled => pb::Status::Enabled as i32,
        Status::Disabled => pb::Status::Disabled as i32,
    }
}

pub fn group_status_pb(status: GroupStatus) -> i32 {
    match status {
        GroupStatus::Enabled => pb::Status::Enabled as i32,
        GroupStatus::Disabled => pb::Status::Disabled as i32,
        GroupStatus::Internal => pb::Status::Internal as i32,
    }
}

/// `None` for UNSPECIFIED; INTERNAL is only for groups.
pub fn status_from(field: &str, value: i32) -> Result<Option<Status>, GrpcStatus> {
    match pb::Status::try_from(value) {
        Ok(pb::Status::Unspecified) => Ok(None),
        Ok(pb::Status::Enabled) => Ok(Some(Status::Enabled)),
        Ok(pb::Status::Disabled) => Ok(Some(Status::Disabled)),
        Ok(pb::Status::Internal) => Err(invalid(field, "INTERNAL applies to groups only")),
        Err(_) => Err(invalid(field, format!("unknown status {value}"))),
    }
}

pub fn group_status_from(field: &str, value: i32) -> Result<Option<GroupStatus>, GrpcStatus> {
    match pb::Status::try_from(value) {
        Ok(pb::Status::Unspecified) => Ok(None),
        Ok(pb::Status::Enabled) => Ok(Some(GroupStatus::Enabled)),
        Ok(pb::Status::Disabled) => Ok(Some(GroupStatus::Disabled)),
        Ok(pb::Status::Internal) => Ok(Some(GroupStatus::Internal)),
        Err(_) => Err(invalid(field, format!("unknown status {value}"))),
    }
}

pub fn decimal_text(value: Decimal) -> String {
    value.normalize().to_string()
}

/// Empty text is zero.
pub fn decimal(field: &str, text: &str) -> Result<Decimal, GrpcStatus> {
    if text.trim().is_empty() {
        return Ok(Decimal::ZERO);
    }
    Ok(validate::parse_decimal(field, text)?)
}

/// Absent or empty text is `None`.
pub fn opt_decimal(field: &str, text: Option<&str>) -> Result<Option<Decimal>, GrpcStatus> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => Ok(Some(validate::parse_decimal(field, text)?)),
    }
}

pub fn timeouts_pb(timeouts: &Timeouts) -> pb::Timeouts {
    pb::Timeouts {
        connect_ms: timeouts.connect_ms,
        first_byte_ms: timeouts.first_byte_ms,
        stream_idle_ms: timeouts.stream_idle_ms,
    }
}

pub fn timeouts_from(timeouts: Option<pb::Timeouts>) -> Timeouts {
    timeouts.map_or_else(Timeouts::default, |timeouts| Timeouts {
        connect_ms: timeouts.connect_ms,
        first_byte_ms: timeouts.first_byte_ms,
        stream_idle_ms: timeouts.stream_idle_ms,
    })
}

pub fn price_pb(price: &Price) -> pb::Price {
    let text = |value: Option<Decimal>| value.map(decimal_text);
    pb::Price {
        input: text(price.input),
        output: text(price.output),
        cached_input: text(price.cached_input),
        cache_creation: text(price.cache_creation),
        image_input: text(price.image_input),
        image_output: text(price.image_output),
        audio_input: text(price.audio_input),
        audio_output: text(price.audio_output),
        per_request: text(price.per_request),
        reasoning_output: text(price.reasoning_output),
        web_search_per_call: text(price.web_search_per_call),
        unit: price.unit,
        tiers: price
            .tiers
            .iter()
            .map(|tier| pb::PriceTier {
                above_input_tokens: tier
                    .above_input_tokens
                    .map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
                service_tier: tier.service_tier.clone(),
                input: text(tier.input),
                output: text(tier.output),
                cached_input: text(tier.cached_input),
                cache_creation: text(tier.cache_creation),
                image_input: text(tier.image_input),
                image_output: text(tier.image_output),
                audio_input: text(tier.audio_input),
                audio_output: text(tier.audio_output),
                reasoning_output: text(tier.reasoning_output),
            })
            .collect(),
    }
}

pub fn price_from(field: &str, price: Option<pb::Price>) -> Result<Price, GrpcStatus> {
    let Some(price) = price else {
        return Ok(Price::default());
    };
    let parse = |name: &str, value: Option<String>| {
        opt_decimal(&format!("{field}.{name}"), value.as_deref())
    };
    Ok(Price {
        input: parse("input", price.input)?,
        output: parse("output", price.output)?,
        cached_input: parse("cached_input", price.cached_input)?,
        cache_creation: parse("cache_creation", price.cache_creation)?,
        image_input: parse("image_input", price.image_input)?,
        image_output: parse("image_output", price.image_output)?,
        audio_input: parse("audio_input", price.audio_input)?,
        audio_output: parse("audio_output", price.audio_output)?,
        per_request: parse("per_request", price.per_request)?,
        reasoning_output: parse("reasoning_output", price.reasoning_output)?,
        web_search_per_call: parse("web_search_per_call", price.web_search_per_call)?,
        unit: if price.unit == 0 {
            store::DEFAULT_PRICE_UNIT
        } else {
            price.unit
        },
        tiers: price
            .tiers
            .into_iter()
            .enumerate()
            .map(|(index, tier)| price_tier_from(&format!("{field}.tiers[{index}]"), tier))
            .collect::<Result<_, _>>()?,
    })
}

fn price_tier_from(field: &str, tier: pb::PriceTier) -> Result<store::PriceTier, GrpcStatus> {
    let parse = |name: &str, value: Option<String>| {
        opt_decimal(&format!("{field}.{name}"), value.as_deref())
    };
    let above_input_tokens = tier
        .above_input_tokens
        .map(|n| {
            u64::try_from(n).map_err(|_| {
                invalid(
                    &format!("{field}.above_input_tokens"),
                    "must not be negative",
                )
            })
        })
        .transpose()?;
    Ok(store::PriceTier {
        above_input_tokens,
        service_tier: tier.service_tier,
        input: parse("input", tier.input)?,
        output: parse("output", tier.output)?,
        cached_input: parse("cached_input", tier.cached_input)?,
        cache_creation: parse("cache_creation", tier.cache_creation)?,
        image_input: parse("image_input", tier.image_input)?,
        image_output: parse("image_output", tier.image_output)?,
        audio_input: parse("audio_input", tier.audio_input)?,
        audio_output: parse("audio_output", tier.audio_output)?,
        reasoning_output: parse("reasoning_output", tier.reasoning_output)?,
    })
}

pub fn subnets_from(field: &str, subnets: &[String]) -> Result<Vec<ipnet::IpNet>, GrpcStatus> {
    subnets
        .iter()
        .enumerate()
        .map(|(idx, text)| Ok(validate::parse_subnet(&format!("{field}[{idx}]"), text)?))
        .collect()
}

/// Empty text is `None`.
pub fn non_empty(text: String) -> Option<String> {
    if text.is_empty() { None } else { Some(text) }
}
