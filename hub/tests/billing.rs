//! Billing arithmetic as tables: the cost of usage per price kind, price resolution, money in
//! nano-units, and quota period boundaries around month ends and daylight-saving changes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed parse or assertion should abort the test"
)]

use chrono::DateTime;
use chrono_tz::Tz;
use hub::governance::billing::{
    FREE, current_period_used, effective_price, from_nanos, next_reset, period_start, remaining,
    remaining_period_quota, remaining_quota, to_nanos, web_search_cost,
};
use hub::store::{GroupModelOverride, ModelConfig, Price, QuotaPeriod, Status, Token};
use relay::convert::Usage;
use relay::host::TokenUsage;
use rust_decimal::Decimal;
use serde_json::json;

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn opt(text: &str) -> Option<Decimal> {
    Some(dec(text))
}

fn ms(rfc3339: &str) -> i64 {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .timestamp_millis()
}

fn iso(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Prices per million tokens as most providers list them: input 2.5, output 10.
fn base_price() -> Price {
    Price {
        input: opt("2.5"),
        output: opt("10"),
        ..Price::default()
    }
}

fn check_cost(name: &str, price: &Price, usage: &TokenUsage, expected: &str) {
    let cost = hub::governance::billing::cost(price, usage);
    assert_eq!(
        cost,
        dec(expected),
        "{name}: cost {cost}, expected {expected}"
    );
}

#[test]
fn cost_per_price_kind() {
    let plain = TokenUsage {
        input_tokens: 1_000,
        output_tokens: 500,
        total_tokens: 1_500,
        ..TokenUsage::default()
    };
    let cached = TokenUsage {
        input_tokens: 1_000,
        cached_input_tokens: 400,
        output_tokens: 0,
        ..TokenUsage::default()
    };
    // Anthropic-style after the pivot: 1000 input of which 300 cache reads, 200 cache writes.
    let cache_rw = TokenUsage {
        input_tokens: 1_000,
        cached_input_tokens: 300,
        cache_creation_tokens: 200,
        ..TokenUsage::default()
    };
    let reasoning = TokenUsage {
        output_tokens: 1_000,
        reasoning_tokens: 600,
        ..TokenUsage::default()
    };
    let media = TokenUsage {
        input_tokens: 1_000,
        image_input_tokens: 300,
        audio_input_tokens: 100,
        output_tokens: 1_000,
        image_output_tokens: 200,
        audio_output_tokens: 50,
        ..TokenUsage::default()
    };
    let every_price = Price {
        input: opt("2.5"),
        output: opt("10"),
        cached_input: opt("1.25"),
        cache_creation: opt("3.75"),
        image_input: opt("5"),
        audio_input: opt("40"),
        image_output: opt("30"),
        audio_output: opt("80"),
        reasoning_output: opt("20"),
        ..Price::default()
    };
    let cases: &[(&str, Price, &TokenUsage, &str)] = &[
        // 1000 * 2.5 / 1M + 500 * 10 / 1M
        ("input and output", base_price(), &plain, "0.0075"),
        // 600 * 2.5 + 400 * 1.25 = 2000 per million
        (
            "cached input at its own price",
            every_price.clone(),
            &cached,
            "0.002",
        ),
        // without a cached price the cached tokens are plain input: 1000 * 2.5
        (
            "cached input without a price of its own",
            base_price(),
            &cached,
            "0.0025",
        ),
        // 500 * 2.5 + 300 * 1.25 + 200 * 3.75 = 1250 + 375 + 750
        (
            "cache reads and writes",
            every_price.clone(),
            &cache_rw,
            "0.002375",
        ),
        // 400 * 10 + 600 * 20
        ("reasoning output", every_price.clone(), &reasoning, "0.016"),
        (
            "reasoning without a price",
            base_price(),
            &reasoning,
            "0.01",
        ),
        // input 600 * 2.5 + 300 * 5 + 100 * 40 = 1500 + 1500 + 4000
        // output 750 * 10 + 200 * 30 + 50 * 80 = 7500 + 6000 + 4000
        ("image and audio", every_price.clone(), &media, "0.0245"),
        (
            "per request only",
            Price {
                per_request: opt("0.01"),
                ..Price::default()
            },
            &plain,
            "0.01",
        ),
        (
            "per request replaces the token prices",
            Price {
                per_request: opt("0.002"),
                ..base_price()
            },
            &plain,
            "0.002",
        ),
        (
            "a zero per request price is unset",
            Price {
                per_request: opt("0"),
                ..base_price()
            },
            &plain,
            "0.0075",
        ),
        // 0.001 per 1000 tokens
        (
            "unit of a thousand",
            Price {
                input: opt("0.001"),
                unit: 1_000,
                ..Price::default()
            },
            &plain,
            "0.001",
        ),
        (
            "unit 0 means a million",
            Price {
                unit: 0,
                ..base_price()
            },
            &plain,
            "0.0075",
        ),
        ("no price is free", Price::default(), &plain, "0"),
        (
            "output only priced",
            Price {
                output: opt("10"),
                ..Price::default()
            },
            &plain,
            "0.005",
        ),
        (
            "no usage costs nothing",
            base_price(),
            &TokenUsage::default(),
            "0",
        ),
    ];
    for (name, price, usage, expected) in cases {
        check_cost(name, price, usage, expected);
    }
}

#[test]
fn web_searches_are_charged_per_call() {
    let priced = Price {
        web_search_per_call: opt("0.025"),
        ..base_price()
    };
    for (name, price, calls, expected) in [
        ("no search", &priced, 0, "0"),
        ("three searches", &priced, 3, "0.075"),
        ("unset price is free", &base_price(), 3, "0"),
    ] {
        assert_eq!(web_search_cost(price, calls), dec(expected), "{name}");
    }
    let huge = Price {
        web_search_per_call: Some(Decimal::MAX),
        ..Price::default()
    };
    assert_eq!(web_search_cost(&huge, 2), Decimal::MAX, "saturates");
}

#[test]
fn kinds_reported_outside_their_side_are_still_charged_in_full() {
    // An upstream that reports more cached tokens than prompt tokens: the 150 cached tokens are
    // charged, the plain remainder is 0 (not negative).
    let usage = TokenUsage {
        input_tokens: 100,
        cached_input_tokens: 150,
        ..TokenUsage::default()
    };
    let price = Price {
        input: opt("2"),
        cached_input: opt("1"),
        unit: 1,
        ..Price::default()
    };
    check_cost("cached beyond input", &price, &usage, "150");
}

#[test]
fn huge_usage_saturates_instead_of_overflowing() {
    let usage = TokenUsage {
        input_tokens: u64::MAX,
        output_tokens: u64::MAX,
        ..TokenUsage::default()
    };
    let price = Price {
        input: Some(Decimal::MAX),
        unit: 1,
        ..Price::default()
    };
    assert_eq!(hub::governance::billing::cost(&price, &usage), Decimal::MAX);
    assert_eq!(to_nanos(Decimal::MAX), i64::MAX);
}

#[test]
fn anthropic_usage_through_the_chat_pivot_is_billed_once_per_token() {
    // Anthropic counts cache reads and writes outside input_tokens; the pivot puts them inside
    // prompt_tokens, with the kinds in the details, which is the shape cost() expects.
    let anthropic = json!({"input_tokens": 500, "cache_read_input_tokens": 300,
        "cache_creation_input_tokens": 200, "output_tokens": 40});
    let chat = Usage::from_messages(&anthropic).to_chat();
    assert_eq!(chat["prompt_tokens"], 1_000);
    let usage = TokenUsage {
        input_tokens: chat["prompt_tokens"].as_u64().unwrap(),
        output_tokens: chat["completion_tokens"].as_u64().unwrap(),
        cached_input_tokens: chat["prompt_tokens_details"]["cached_tokens"]
            .as_u64()
            .unwrap(),
        cache_creation_tokens: chat["prompt_tokens_details"]["cache_creation_tokens"]
            .as_u64()
            .unwrap(),
        ..TokenUsage::default()
    };
    let price = Price {
        input: opt("3"),
        output: opt("15"),
        cached_input: opt("0.3"),
        cache_creation: opt("3.75"),
        ..Price::default()
    };
    // 500 * 3 + 300 * 0.3 + 200 * 3.75 + 40 * 15 = 1500 + 90 + 750 + 600
    check_cost("anthropic via the pivot", &price, &usage, "0.00294");
}

#[test]
fn nanos_round_up_and_saturate() {
    let cases: &[(&str, i64)] = &[
        ("0", 0),
        ("0.0075", 7_500_000),
        ("1", 1_000_000_000),
        ("0.0000000001", 1),
        ("0.0000000019", 2),
        ("-0.0000000001", 0),
        ("-0.0000000019", -1),
        ("-2.5", -2_500_000_000),
        ("9223372036.854775807", i64::MAX),
        ("100000000000", i64::MAX),
        ("-100000000000", i64::MIN),
    ];
    for (amount, nanos) in cases {
        assert_eq!(to_nanos(dec(amount)), *nanos, "to_nanos({amount})");
    }
    for nanos in [0, 1, 7_500_000, -2_500_000_000, i64::MAX, i64::MIN] {
        assert_eq!(to_nanos(from_nanos(nanos)), nanos, "round trip of {nanos}");
    }
    assert_eq!(from_nanos(7_500_000), dec("0.0075"));
    assert_eq!(from_nanos(7_500_000).to_string(), "0.0075");
}

#[test]
fn the_group_override_price_replaces_the_model_price() {
    let mut config = ModelConfig::new("gpt-4o");
    config.price = base_price();
    let with_price = GroupModelOverride {
        group_id: "acme".into(),
        model: "gpt-4o".into(),
        price: Some(Price {
            input: opt("1"),
            ..Price::default()
        }),
        ..GroupModelOverride::default()
    };
    let without_price = GroupModelOverride {
        rpm: Some(5),
        price: None,
        ..with_price.clone()
    };
    let usage = TokenUsage {
        input_tokens: 1_000_000,
        output_tokens: 1_000_000,
        ..TokenUsage::default()
    };
    let cases: &[(
        &str,
        Option<&ModelConfig>,
        Option<&GroupModelOverride>,
        &str,
    )] = &[
        ("model price", Some(&config), None, "12.5"),
        // the whole price is replaced: the override sets no output price, so output is free
        ("override price", Some(&config), Some(&with_price), "1"),
        (
            "override without a price keeps the model's",
            Some(&config),
            Some(&without_price),
            "12.5",
        ),
        ("no config is free", None, None, "0"),
        (
            "no config, override without price",
            None,
            Some(&without_price),
            "0",
        ),
        ("no config, override price", None, Some(&with_price), "1"),
    ];
    for (name, config, group_override, expected) in cases {
        let price = effective_price(*config, *group_override);
        check_cost(name, price, &usage, expected);
    }
    assert!(std::ptr::eq(effective_price(None, None), &FREE));
}

fn check_period(tz: Tz, period: QuotaPeriod, now: &str, start: &str, reset: &str) {
    let now_ms = ms(now);
    let got_start = iso(period_start(period, now_ms, tz));
    let got_reset = iso(next_reset(period, now_ms, tz));
    assert_eq!(
        (got_start.as_str(), got_reset.as_str()),
        (start, reset),
        "{period:?} in {tz} at {now}"
    );
}

#[test]
fn periods_begin_at_local_midnight() {
    use QuotaPeriod::{Daily, Monthly, Weekly};
    let utc = Tz::UTC;
    let berlin = Tz::Europe__Berlin;
    let new_york = Tz::America__New_York;
    let shanghai = Tz::Asia__Shanghai;
    // Cuba changes clocks at midnight: 2024-03-10 00:00 jumps to 01:00 (midnight never
    // happens), 2024-11-03 01:00 falls back to 00:00 (midnight happens twice).
    let havana = Tz::America__Havana;
    // One case per line reads as a table: (zone, period, now, period start, next reset).
    #[rustfmt::skip]
    let cases: &[(Tz, QuotaPeriod, &str, &str, &str)] = &[
        // UTC days, the boundary instant belongs to the new period
        (utc, Daily, "2024-05-10T13:45:00Z", "2024-05-10T00:00:00Z", "2024-05-11T00:00:00Z"),
        (utc, Daily, "2024-05-10T00:00:00Z", "2024-05-10T00:00:00Z", "2024-05-11T00:00:00Z"),
        (utc, Daily, "2024-05-09T23:59:59.999Z", "2024-05-09T00:00:00Z", "2024-05-10T00:00:00Z"),
        // weeks begin on Monday (2024-01-01 is one)
        (utc, Weekly, "2024-01-07T23:59:59Z", "2024-01-01T00:00:00Z", "2024-01-08T00:00:00Z"),
        (utc, Weekly, "2024-01-08T00:00:00Z", "2024-01-08T00:00:00Z", "2024-01-15T00:00:00Z"),
        (utc, Weekly, "2025-01-01T10:00:00Z", "2024-12-30T00:00:00Z", "2025-01-06T00:00:00Z"),
        // month ends: leap February, December into January, 31-day months
        (utc, Monthly, "2024-02-29T23:59:59.999Z", "2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"),
        (utc, Monthly, "2024-03-01T00:00:00Z", "2024-03-01T00:00:00Z", "2024-04-01T00:00:00Z"),
        (utc, Monthly, "2023-02-28T12:00:00Z", "2023-02-01T00:00:00Z", "2023-03-01T00:00:00Z"),
        (utc, Monthly, "2024-12-31T12:00:00Z", "2024-12-01T00:00:00Z", "2025-01-01T00:00:00Z"),
        (utc, Monthly, "2024-01-31T12:00:00Z", "2024-01-01T00:00:00Z", "2024-02-01T00:00:00Z"),
        // a zone ahead of UTC: 16:30 UTC on Jan 31 is already February in Shanghai
        (shanghai, Monthly, "2024-01-31T16:30:00Z", "2024-01-31T16:00:00Z", "2024-02-29T16:00:00Z"),
        (shanghai, Daily, "2024-01-31T15:59:59Z", "2024-01-30T16:00:00Z", "2024-01-31T16:00:00Z"),
        // Berlin springs forward 2024-03-31 02:00 -> 03:00: a 23-hour day
        (berlin, Daily, "2024-03-31T12:00:00Z", "2024-03-30T23:00:00Z", "2024-03-31T22:00:00Z"),
        // and falls back 2024-10-27 03:00 -> 02:00: a 25-hour day
        (berlin, Daily, "2024-10-27T12:00:00Z", "2024-10-26T22:00:00Z", "2024-10-27T23:00:00Z"),
        (berlin, Weekly, "2024-03-31T12:00:00Z", "2024-03-24T23:00:00Z", "2024-03-31T22:00:00Z"),
        (berlin, Monthly, "2024-03-15T00:00:00Z", "2024-02-29T23:00:00Z", "2024-03-31T22:00:00Z"),
        // New York: November starts in EDT (-4), December in EST (-5)
        (new_york, Monthly, "2024-11-15T12:00:00Z", "2024-11-01T04:00:00Z", "2024-12-01T05:00:00Z"),
        (new_york, Daily, "2024-03-10T12:00:00Z", "2024-03-10T05:00:00Z", "2024-03-11T04:00:00Z"),
        // Havana: no midnight on 2024-03-10, the day begins at 01:00 CDT (-4)
        (havana, Daily, "2024-03-10T12:00:00Z", "2024-03-10T05:00:00Z", "2024-03-11T04:00:00Z"),
        (havana, Daily, "2024-03-09T12:00:00Z", "2024-03-09T05:00:00Z", "2024-03-10T05:00:00Z"),
        // Havana: midnight twice on 2024-11-03, the day begins at the first one (-4)
        (havana, Daily, "2024-11-03T12:00:00Z", "2024-11-03T04:00:00Z", "2024-11-04T05:00:00Z"),
        (havana, Monthly, "2024-11-03T12:00:00Z", "2024-11-01T04:00:00Z", "2024-12-01T05:00:00Z"),
    ];
    for (tz, period, now, start, reset) in cases {
        check_period(*tz, *period, now, start, reset);
    }
}

fn token(period: Option<QuotaPeriod>, period_start: Option<&str>) -> Token {
    Token {
        id: 1,
        group_id: "acme".into(),
        name: "ci".into(),
        key_hash: String::new(),
        key_prefix: String::new(),
        status: Status::Enabled,
        expires_at: None,
        subnets: Vec::new(),
        models: Vec::new(),
        mcp_servers: Vec::new(),
        quota: opt("10"),
        period_quota: period.map(|_| dec("2")),
        period,
        period_start: period_start.map(ms),
        period_used: dec("1.5"),
        used_amount: dec("3.25"),
        request_count: 7,
        rpm: None,
        tpm: None,
        max_concurrency: None,
        created_at: 0,
        accessed_at: None,
    }
}

#[test]
fn period_usage_counts_only_in_the_current_period() {
    let now = ms("2024-05-10T13:00:00Z");
    let utc = Tz::UTC;
    let cases: &[(&str, Token, &str, Option<&str>)] = &[
        (
            "started today",
            token(Some(QuotaPeriod::Daily), Some("2024-05-10T00:00:00Z")),
            "1.5",
            Some("0.5"),
        ),
        (
            "started this very instant of the period",
            token(Some(QuotaPeriod::Daily), Some("2024-05-10T08:00:00Z")),
            "1.5",
            Some("0.5"),
        ),
        (
            "started yesterday: a new period, nothing spent",
            token(Some(QuotaPeriod::Daily), Some("2024-05-09T23:59:59Z")),
            "0",
            Some("2"),
        ),
        (
            "monthly, started earlier this month",
            token(Some(QuotaPeriod::Monthly), Some("2024-05-01T00:00:00Z")),
            "1.5",
            Some("0.5"),
        ),
        ("no period", token(None, None), "0", None),
    ];
    for (name, token, used, left) in cases {
        assert_eq!(current_period_used(token, now, utc), dec(used), "{name}");
        assert_eq!(
            remaining_period_quota(token, now, utc),
            left.map(dec),
            "{name}"
        );
    }
    // the same instant is yesterday in a zone behind UTC, so a start at 00:00 UTC is current
    let early = token(Some(QuotaPeriod::Daily), Some("2024-05-10T00:00:00Z"));
    assert_eq!(
        current_period_used(&early, ms("2024-05-10T03:00:00Z"), Tz::America__New_York),
        dec("1.5")
    );
}

#[test]
fn remaining_quota_never_goes_below_zero() {
    let cases: &[(Option<&str>, &str, Option<&str>)] = &[
        (Some("10"), "3.25", Some("6.75")),
        (Some("10"), "10", Some("0")),
        (Some("10"), "12", Some("0")),
        (Some("0"), "0", Some("0")),
        (None, "12", None),
    ];
    for (limit, used, left) in cases {
        assert_eq!(
            remaining(limit.map(dec), dec(used)),
            left.map(dec),
            "{limit:?} - {used}"
        );
    }
    assert_eq!(remaining_quota(&token(None, None)), opt("6.75"));
}
