//! Which checks one request gets: the group×model and token rate limits, the in-flight limits, and
//! the quota and balance reservations, decided from the configuration snapshot alone (no I/O).

use std::time::Duration;

use chrono_tz::Tz;
use relay::host::TokenUsage;
use relay::media::MediaUsage;

use crate::governance::billing::{
    charge, effective_price, next_reset, period_start, reserved_media_cost, to_nanos, video_charge,
    web_search_cost,
};
use crate::governance::limits::Check;
use crate::snapshot::TokenLimits;
use crate::store::media_config::MediaConfig;
use crate::store::{Group, GroupModelOverride, GroupStatus, ModelConfig, Price};

/// Output tokens assumed for a generating request that sets no output bound and whose model
/// config names none: enough for a typical answer, so a reservation is rarely far below it.
pub const DEFAULT_OUTPUT_ESTIMATE: u64 = 4096;

const MINUTE: Duration = Duration::from_secs(60);

/// What one check of a plan stands for: names the limit in a refusal and decides what the
/// settle charges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    GroupRequests,
    GroupTokens,
    TokenRequests,
    TokenTokens,
    TokenInFlight,
    GroupInFlight,
    TokenQuota,
    TokenPeriodQuota,
    GroupBalance,
}

impl Purpose {
    pub fn is_tokens(self) -> bool {
        matches!(self, Purpose::GroupTokens | Purpose::TokenTokens)
    }

    pub fn is_requests(self) -> bool {
        matches!(self, Purpose::GroupRequests | Purpose::TokenRequests)
    }

    pub fn is_money(self) -> bool {
        matches!(
            self,
            Purpose::TokenQuota | Purpose::TokenPeriodQuota | Purpose::GroupBalance
        )
    }
}

/// Where the database keeps the persisted value a money counter starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seed {
    TokenUsed { token_id: i64 },
    TokenPeriodUsed { token_id: i64, period_start: i64 },
    GroupBalance { group_id: String },
}

/// Everything the plan is made from.
pub struct PlanInputs<'a> {
    pub group: &'a Group,
    pub token_id: i64,
    pub token: Option<&'a TokenLimits>,
    pub model: &'a str,
    pub config: Option<&'a ModelConfig>,
    pub group_override: Option<&'a GroupModelOverride>,
    /// Whether the endpoint generates output (chat, completions, messages, responses, Gemini).
    pub generates: bool,
    pub max_output_tokens: Option<u64>,
    /// The request's `service_tier` field: the reservation is priced at the tier it matches.
    pub service_tier: Option<&'a str>,
    /// The most web searches the request's plugins may run, reserved at the search price.
    pub web_searches: u32,
    /// The media units the request asks for, reserved at the model config's media prices.
    pub media: &'a MediaUsage,
    /// False for a request answered locally and never billed (`count_tokens`): see
    /// [`Plan::build`].
    pub billed: bool,
    pub billing_enabled: bool,
    /// Keep the bodies of every request (`SaveAllLogDetail`, else `SAVE_ALL_LOG_DETAIL`).
    pub save_all_detail: bool,
    /// The multiplier of the group's rpm and tpm ratios for what it has consumed
    /// (`GroupConsumeLevelRatio`; 1 when unset).
    pub consume_ratio: f64,
    pub now_ms: i64,
    pub time_zone: Tz,
}

/// Everything the plan of one MCP tool call is made from.
pub struct ToolCallInputs<'a> {
    pub group: &'a Group,
    pub token_id: i64,
    pub token: Option<&'a TokenLimits>,
    /// The tool's price (its own, else the server's `price_per_call`).
    pub price_per_call: rust_decimal::Decimal,
    pub billing_enabled: bool,
    pub now_ms: i64,
    pub time_zone: Tz,
}

/// The checks of one request and what is needed to settle them.
#[derive(Debug, Clone)]
pub struct Plan {
    pub checks: Vec<Check>,
    pub purposes: Vec<Purpose>,
    /// For each money check's key: where its starting value lives, and how long the seeded
    /// counter may live before it is read again from the database.
    pub seeds: Vec<(String, Seed, Duration)>,
    pub price: Price,
    /// The token's current quota period, if it has a period quota.
    pub period_start: Option<i64>,
    /// When the current period ends (unix ms): the retry time of a period-quota refusal.
    pub period_end: Option<i64>,
    pub save_detail: bool,
    /// Reserved tokens (prompt estimate plus output bound), 0 when no check needed them.
    pub estimated_tokens: u64,
    /// Of the money reserved, what a video job's creation reserved for the video (nano-units):
    /// held past the request until the job is billed (see `Counters::settle_keeping`).
    pub held: i64,
}

/// A counter key from its parts. Several keys are made for every request, and copying the
/// parts is several times cheaper than `format!`.
fn key(parts: &[&str]) -> String {
    let mut key = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        key.push_str(part);
    }
    key
}

/// The counter of a token's lifetime spending.
pub fn token_quota_key(token_id: i64) -> String {
    key(&["quota:t:", itoa::Buffer::new().format(token_id)])
}

/// The counter of a token's spending in the period that started at `period_start` (unix ms).
pub fn token_period_key(token_id: i64, period_start: i64) -> String {
    key(&[
        "pquota:t:",
        itoa::Buffer::new().format(token_id),
        ":",
        itoa::Buffer::new().format(period_start),
    ])
}

/// The counter of a group's balance. The group's last change is in the key: an admin who tops
/// up the balance changes the group, so every replica re-reads the new balance instead of a
/// stale counter.
pub fn group_balance_key(group: &Group) -> String {
    key(&[
        "balance:g:",
        &group.id,
        ":",
        itoa::Buffer::new().format(group.updated_at),
    ])
}

/// Whether the group's own limits apply: an `internal` group (the seed's meaning: a group the
/// operator's own systems call through) has no group rate, concurrency or balance checks; its
/// tokens' limits and quotas still apply, and its usage is still logged and charged.
pub fn is_group_limited(group: &Group) -> bool {
    group.status != GroupStatus::Internal
}

/// How long a seeded lifetime counter or balance lives in the counters before it is read again
/// from the database (which the request-log writer keeps current).
const SEED_TTL: Duration = Duration::from_secs(24 * 3600);

impl Plan {
    /// Builds the plan; `count_input` is called at most once, and only when a token limit or a
    /// price needs the estimate.
    pub fn build(inputs: &PlanInputs<'_>, count_input: &dyn Fn() -> u64) -> Plan {
        if !inputs.billed {
            return Plan::unbilled(inputs);
        }
        let group = inputs.group;
        let price = effective_price(inputs.config, inputs.group_override).clone();
        let mut plan = Plan {
            checks: Vec::new(),
            purposes: Vec::new(),
            seeds: Vec::new(),
            price,
            period_start: None,
            period_end: None,
            save_detail: inputs.save_all_detail
                || inputs.group_override.is_some_and(|item| item.save_detail),
            estimated_tokens: 0,
            held: 0,
        };
        let group_limited = is_group_limited(group);
        let model_rpm = inputs
            .group_override
            .and_then(|item| item.rpm)
            .or_else(|| {
                scaled(
                    inputs.config.map(|c| c.rpm),
                    group.rpm_ratio * inputs.consume_ratio,
                )
            })
            .filter(|_| group_limited);
        let model_tpm = inputs
            .group_override
            .and_then(|item| item.tpm)
            .or_else(|| {
                scaled(
                    inputs.config.map(|c| c.tpm),
                    group.tpm_ratio * inputs.consume_ratio,
                )
            })
            .filter(|_| group_limited);
        let token = inputs.token;
        let token_rpm = token.and_then(|t| t.rpm);
        let token_tpm = token.and_then(|t| t.tpm);

        let needs_tokens =
            positive(model_tpm).is_some() || positive(token_tpm).is_some() || plan.has_price();
        let usage_estimate = needs_tokens.then(|| {
            let output = if inputs.generates {
                inputs
                    .max_output_tokens
                    .or_else(|| {
                        inputs
                            .config
                            .and_then(|config| config.max_output_tokens)
                            .and_then(|tokens| u64::try_from(tokens).ok())
                    })
                    .unwrap_or(DEFAULT_OUTPUT_ESTIMATE)
            } else {
                0
            };
            let input = count_input();
            TokenUsage {
                input_tokens: input,
                output_tokens: output,
                total_tokens: input.saturating_add(output),
                ..TokenUsage::default()
            }
        });
        plan.estimated_tokens = usage_estimate.as_ref().map_or(0, |u| u.total_tokens);

        let group_id = &group.id;
        let model = inputs.model;
        let token_id = inputs.token_id;
        if let Some(limit) = positive(model_rpm) {
            plan.rate(
                Purpose::GroupRequests,
                key(&["rpm:g:", group_id, ":m:", model]),
                limit,
                1,
            );
        }
        if let Some(limit) = positive(model_tpm) {
            let cost = plan.estimated_tokens;
            plan.rate(
                Purpose::GroupTokens,
                key(&["tpm:g:", group_id, ":m:", model]),
                limit,
                cost,
            );
        }
        if let Some(limit) = positive(token_rpm) {
            plan.rate(
                Purpose::TokenRequests,
                key(&["rpm:t:", itoa::Buffer::new().format(token_id)]),
                limit,
                1,
            );
        }
        if let Some(limit) = positive(token_tpm) {
            let cost = plan.estimated_tokens;
            plan.rate(
                Purpose::TokenTokens,
                key(&["tpm:t:", itoa::Buffer::new().format(token_id)]),
                limit,
                cost,
            );
        }
        plan.push_in_flight(group, token_id, token);

        let tokens_amount = match &usage_estimate {
            Some(usage) if inputs.billing_enabled && plan.has_price() => {
                to_nanos(charge(&plan.price, usage, inputs.service_tier).total)
            }
            _ => 0,
        };
        // Searches are spent before the answer's usage is known, so they are reserved too;
        // the settlement charges the ones that ran.
        let searches_amount = if inputs.billing_enabled {
            to_nanos(web_search_cost(&plan.price, inputs.web_searches))
        } else {
            0
        };
        // Media units (images, characters, audio, a video job's seconds) are priced from the
        // model config's `config.media`, whatever price an override sets, as they are charged.
        let media = match inputs.config {
            Some(config) if inputs.billing_enabled && asks_for_media(inputs.media) => {
                MediaConfig::of(config).ok().flatten()
            }
            _ => None,
        };
        let media_amount = media.as_ref().map_or(0, |media| {
            to_nanos(reserved_media_cost(media, inputs.media))
        });
        // A video is charged by its job's bill, not by this request: what it reserves is held
        // until then.
        plan.held = match &media {
            Some(media) if inputs.media.video_seconds > 0 => {
                let video = video_charge(
                    media,
                    inputs.media.video_seconds,
                    inputs.media.video_size.as_deref(),
                );
                to_nanos(video.total).min(media_amount)
            }
            _ => 0,
        };
        let amount = tokens_amount
            .saturating_add(searches_amount)
            .saturating_add(media_amount);
        plan.push_money(
            group,
            token_id,
            token,
            amount,
            (inputs.now_ms, inputs.time_zone),
        );
        plan
    }

    /// The checks of a request the relay answers itself (`count_tokens`): the token's
    /// requests per minute and the in-flight limits, because counting a large prompt costs
    /// CPU; no token estimate (counting it is the very work being limited), no price, no
    /// reservation, so it is charged nothing.
    fn unbilled(inputs: &PlanInputs<'_>) -> Plan {
        let mut plan = Plan {
            checks: Vec::new(),
            purposes: Vec::new(),
            seeds: Vec::new(),
            price: Price::default(),
            period_start: None,
            period_end: None,
            save_detail: inputs.save_all_detail
                || inputs.group_override.is_some_and(|item| item.save_detail),
            estimated_tokens: 0,
            held: 0,
        };
        let token_id = inputs.token_id;
        plan.push_token_requests(token_id, inputs.token);
        plan.push_in_flight(inputs.group, token_id, inputs.token);
        plan
    }

    /// The checks of one MCP tool call: the token's requests per minute, the in-flight limits,
    /// and the quotas and balance reserved at the server's price per call (when billing is on).
    /// Group×model limits do not apply: a tool call is no model's request.
    pub fn for_tool_call(inputs: &ToolCallInputs<'_>) -> Plan {
        let mut plan = Plan {
            checks: Vec::new(),
            purposes: Vec::new(),
            seeds: Vec::new(),
            // A tool call is billed like a request with only a per-request price.
            price: Price {
                per_request: Some(inputs.price_per_call).filter(|price| !price.is_zero()),
                ..Price::default()
            },
            period_start: None,
            period_end: None,
            save_detail: false,
            estimated_tokens: 0,
            held: 0,
        };
        let token_id = inputs.token_id;
        plan.push_token_requests(token_id, inputs.token);
        plan.push_in_flight(inputs.group, token_id, inputs.token);
        let amount = if inputs.billing_enabled {
            to_nanos(inputs.price_per_call)
        } else {
            0
        };
        plan.push_money(
            inputs.group,
            token_id,
            inputs.token,
            amount,
            (inputs.now_ms, inputs.time_zone),
        );
        plan
    }

    /// A bill settled after its request ended (a video job that completed): only the money
    /// checks, at `amount` nano-units (none when billing is off or the amount is 0), and the
    /// token's current period.
    pub fn for_charge(
        group: &Group,
        token_id: i64,
        token: Option<&TokenLimits>,
        amount: i64,
        (now_ms, time_zone): (i64, Tz),
    ) -> Plan {
        let mut plan = Plan {
            checks: Vec::new(),
            purposes: Vec::new(),
            seeds: Vec::new(),
            price: Price::default(),
            period_start: None,
            period_end: None,
            save_detail: false,
            estimated_tokens: 0,
            held: 0,
        };
        plan.push_money(group, token_id, token, amount, (now_ms, time_zone));
        plan
    }

    /// A new MCP session: one request against the token's requests per minute, nothing else
    /// (a session spends nothing until its tool calls, which are admitted on their own).
    pub fn for_session(token_id: i64, token: Option<&TokenLimits>) -> Plan {
        let mut plan = Plan {
            checks: Vec::new(),
            purposes: Vec::new(),
            seeds: Vec::new(),
            price: Price::default(),
            period_start: None,
            period_end: None,
            save_detail: false,
            estimated_tokens: 0,
            held: 0,
        };
        plan.push_token_requests(token_id, token);
        plan
    }

    /// One request against the token's requests per minute, when the token has that limit.
    fn push_token_requests(&mut self, token_id: i64, token: Option<&TokenLimits>) {
        if let Some(limit) = positive(token.and_then(|t| t.rpm)) {
            self.rate(
                Purpose::TokenRequests,
                key(&["rpm:t:", itoa::Buffer::new().format(token_id)]),
                limit,
                1,
            );
        }
    }

    fn push_in_flight(&mut self, group: &Group, token_id: i64, token: Option<&TokenLimits>) {
        if let Some(limit) = positive(token.and_then(|t| t.max_concurrency)) {
            self.push(
                Purpose::TokenInFlight,
                Check::Concurrency {
                    key: key(&["inflight:t:", itoa::Buffer::new().format(token_id)]),
                    limit,
                },
            );
        }
        if let Some(limit) = positive(group.max_concurrency).filter(|_| is_group_limited(group)) {
            self.push(
                Purpose::GroupInFlight,
                Check::Concurrency {
                    key: key(&["inflight:g:", &group.id]),
                    limit,
                },
            );
        }
    }

    /// Reserves `amount` nano-units against the token's quotas and the group's balance, and
    /// notes the token's current period.
    fn push_money(
        &mut self,
        group: &Group,
        token_id: i64,
        token: Option<&TokenLimits>,
        amount: i64,
        (now_ms, time_zone): (i64, Tz),
    ) {
        let group_id = &group.id;
        if amount > 0 {
            if let Some(quota) = token.and_then(|t| t.quota) {
                let key = token_quota_key(token_id);
                self.seeds
                    .push((key.clone(), Seed::TokenUsed { token_id }, SEED_TTL));
                self.push(
                    Purpose::TokenQuota,
                    Check::Cap {
                        key,
                        limit: to_nanos(quota),
                        amount,
                    },
                );
            }
            if let (Some(quota), Some(period)) = (
                token.and_then(|t| t.period_quota),
                token.and_then(|t| t.period),
            ) {
                let start = period_start(period, now_ms, time_zone);
                let end = next_reset(period, now_ms, time_zone);
                self.period_start = Some(start);
                self.period_end = Some(end);
                let key = token_period_key(token_id, start);
                // The counter outlives its period a little, then goes away on its own.
                let ttl =
                    Duration::from_millis(u64::try_from(end.saturating_sub(now_ms)).unwrap_or(0))
                        + Duration::from_secs(3600);
                self.seeds.push((
                    key.clone(),
                    Seed::TokenPeriodUsed {
                        token_id,
                        period_start: start,
                    },
                    ttl,
                ));
                self.push(
                    Purpose::TokenPeriodQuota,
                    Check::Cap {
                        key,
                        limit: to_nanos(quota),
                        amount,
                    },
                );
            }
            if is_group_limited(group) {
                let key = group_balance_key(group);
                self.seeds.push((
                    key.clone(),
                    Seed::GroupBalance {
                        group_id: group_id.clone(),
                    },
                    SEED_TTL,
                ));
                self.push(Purpose::GroupBalance, Check::Balance { key, amount });
            }
        }
        if self.period_start.is_none()
            && let Some(period) = token.and_then(|t| t.period)
        {
            // Free requests still count in the right period once prices appear.
            self.period_start = Some(period_start(period, now_ms, time_zone));
        }
    }

    fn has_price(&self) -> bool {
        let priced = |price: Option<rust_decimal::Decimal>| price.is_some_and(|p| !p.is_zero());
        self.price.fields().iter().any(|(_, price)| priced(*price))
            || self
                .price
                .tiers
                .iter()
                .any(|tier| tier.fields().iter().any(|(_, price)| priced(*price)))
    }

    fn rate(&mut self, purpose: Purpose, key: String, limit: u64, cost: u64) {
        self.push(
            purpose,
            Check::Rate {
                key,
                limit,
                period: MINUTE,
                cost,
            },
        );
    }

    fn push(&mut self, purpose: Purpose, check: Check) {
        self.checks.push(check);
        self.purposes.push(purpose);
    }
}

/// Whether a request asks for any media unit: only then is the model's media config read.
fn asks_for_media(media: &MediaUsage) -> bool {
    media.images > 0
        || media.characters > 0
        || media.audio_millis > 0
        || media.pages > 0
        || media.video_seconds > 0
}

/// A model limit times the group's ratio (0 counts as 1); `None` when the model has no limit.
fn scaled(limit: Option<i64>, ratio: f64) -> Option<i64> {
    let limit = limit.filter(|limit| *limit > 0)?;
    let ratio = if ratio > 0.0 && ratio.is_finite() {
        ratio
    } else {
        1.0
    };
    // A positive limit never scales down to "unlimited".
    Some(((limit as f64) * ratio).floor().max(1.0) as i64)
}

fn positive(limit: Option<i64>) -> Option<u64> {
    limit
        .filter(|limit| *limit > 0)
        .and_then(|limit| u64::try_from(limit).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    static NO_MEDIA: MediaUsage = MediaUsage {
        images: 0,
        image_size: None,
        image_quality: None,
        characters: 0,
        audio_millis: 0,
        audio_duration_estimated: false,
        pages: 0,
        video_seconds: 0,
        video_size: None,
    };

    fn inputs<'a>(
        group: &'a Group,
        token: Option<&'a TokenLimits>,
        config: Option<&'a ModelConfig>,
        group_override: Option<&'a GroupModelOverride>,
    ) -> PlanInputs<'a> {
        PlanInputs {
            group,
            token_id: 7,
            token,
            model: "gpt-4o",
            config,
            group_override,
            generates: true,
            max_output_tokens: Some(100),
            service_tier: None,
            web_searches: 0,
            media: &NO_MEDIA,
            billed: true,
            billing_enabled: true,
            save_all_detail: false,
            consume_ratio: 1.0,
            now_ms: 1_700_000_000_000,
            time_zone: Tz::UTC,
        }
    }

    fn unlimited_token() -> TokenLimits {
        TokenLimits {
            rpm: None,
            tpm: None,
            max_concurrency: None,
            quota: None,
            period_quota: None,
            period: None,
            expires_at: None,
        }
    }

    #[test]
    fn nothing_configured_means_no_checks_and_no_counting() {
        let group = Group::new("acme");
        let token = unlimited_token();
        let plan = Plan::build(&inputs(&group, Some(&token), None, None), &|| {
            panic!("counted without need")
        });
        assert!(plan.checks.is_empty());
        assert_eq!(plan.estimated_tokens, 0);
    }

    #[test]
    fn the_consume_level_multiplies_the_group_ratios_and_save_all_detail_keeps_bodies() {
        let mut group = Group::new("acme");
        group.rpm_ratio = 2.0;
        let mut config = ModelConfig::new("gpt-4o");
        config.rpm = 10;
        let mut request = inputs(&group, None, Some(&config), None);
        request.consume_ratio = 3.0;
        request.save_all_detail = true;
        let plan = Plan::build(&request, &|| 50);
        assert_eq!(
            plan.checks,
            vec![Check::Rate {
                key: "rpm:g:acme:m:gpt-4o".into(),
                limit: 60,
                period: MINUTE,
                cost: 1
            }]
        );
        assert!(plan.save_detail);
        assert!(!Plan::build(&inputs(&group, None, Some(&config), None), &|| 50).save_detail);
    }

    #[test]
    fn model_limits_scale_with_the_group_ratio_and_overrides_replace_them() {
        let mut group = Group::new("acme");
        group.rpm_ratio = 2.0;
        group.tpm_ratio = 0.5;
        let mut config = ModelConfig::new("gpt-4o");
        config.rpm = 10;
        config.tpm = 1000;
        let plan = Plan::build(&inputs(&group, None, Some(&config), None), &|| 50);
        assert_eq!(
            plan.checks,
            vec![
                Check::Rate {
                    key: "rpm:g:acme:m:gpt-4o".into(),
                    limit: 20,
                    period: MINUTE,
                    cost: 1
                },
                Check::Rate {
                    key: "tpm:g:acme:m:gpt-4o".into(),
                    limit: 500,
                    period: MINUTE,
                    cost: 150
                },
            ]
        );
        let mut item = GroupModelOverride {
            group_id: "acme".into(),
            model: "gpt-4o".into(),
            rpm: Some(3),
            tpm: None,
            price: None,
            retry_times: None,
            timeouts: Default::default(),
            save_detail: true,
            plugins: None,
            created_at: 0,
            updated_at: 0,
        };
        let plan = Plan::build(&inputs(&group, None, Some(&config), Some(&item)), &|| 50);
        assert!(matches!(&plan.checks[0], Check::Rate { limit: 3, .. }));
        assert!(plan.save_detail);
        item.rpm = None;
        let plan = Plan::build(&inputs(&group, None, Some(&config), Some(&item)), &|| 50);
        assert!(matches!(&plan.checks[0], Check::Rate { limit: 20, .. }));
    }

    #[test]
    fn priced_requests_reserve_their_estimate_against_quotas_and_balance() {
        let mut group = Group::new("acme");
        group.updated_at = 42;
        let mut config = ModelConfig::new("gpt-4o");
        config.price.input = Some(Decimal::new(2, 0)); // 2 per million input tokens
        config.price.output = Some(Decimal::new(8, 0));
        let mut token = unlimited_token();
        token.quota = Some(Decimal::new(10, 0));
        token.period_quota = Some(Decimal::new(1, 0));
        token.period = Some(crate::store::QuotaPeriod::Daily);
        let plan = Plan::build(&inputs(&group, Some(&token), Some(&config), None), &|| 1000);
        // 1000 input at 2/M + 100 output at 8/M = 0.0028 = 2,800,000 nanos.
        let amounts: Vec<_> = plan
            .checks
            .iter()
            .map(|check| match check {
                Check::Cap { key, amount, .. } | Check::Balance { key, amount } => {
                    (key.clone(), *amount)
                }
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        let start = plan.period_start.unwrap();
        assert_eq!(
            amounts,
            vec![
                ("quota:t:7".to_owned(), 2_800_000),
                (format!("pquota:t:7:{start}"), 2_800_000),
                ("balance:g:acme:42".to_owned(), 2_800_000),
            ]
        );
        assert_eq!(plan.seeds.len(), 3);
        assert!(plan.period_end.unwrap() > 1_700_000_000_000);
        let mut off = inputs(&group, Some(&token), Some(&config), None);
        off.billing_enabled = false;
        assert!(Plan::build(&off, &|| 1000).checks.is_empty());
    }

    #[test]
    fn an_internal_group_has_no_group_limits_or_balance_check_but_its_tokens_keep_theirs() {
        let mut group = Group::new("ops");
        group.max_concurrency = Some(2);
        let mut config = ModelConfig::new("gpt-4o");
        config.rpm = 10;
        config.tpm = 1000;
        config.price.input = Some(Decimal::new(2, 0));
        let mut token = unlimited_token();
        token.rpm = Some(5);
        token.quota = Some(Decimal::new(10, 0));
        let keys = |group: &Group| -> Vec<String> {
            Plan::build(&inputs(group, Some(&token), Some(&config), None), &|| 100)
                .checks
                .iter()
                .map(|check| check.key().to_owned())
                .collect()
        };
        assert_eq!(
            keys(&group),
            [
                "rpm:g:ops:m:gpt-4o",
                "tpm:g:ops:m:gpt-4o",
                "rpm:t:7",
                "inflight:g:ops",
                "quota:t:7",
                "balance:g:ops:0"
            ]
        );
        group.status = GroupStatus::Internal;
        assert_eq!(keys(&group), ["rpm:t:7", "quota:t:7"]);
    }

    #[test]
    fn web_searches_a_request_may_run_are_reserved_at_the_search_price() {
        let mut group = Group::new("acme");
        group.updated_at = 42;
        let mut config = ModelConfig::new("gpt-4o");
        config.price.input = Some(Decimal::new(2, 0));
        config.price.web_search_per_call = Some(Decimal::new(1, 2)); // 0.01 per search
        let mut token = unlimited_token();
        token.quota = Some(Decimal::new(10, 0));
        let mut request = inputs(&group, Some(&token), Some(&config), None);
        request.web_searches = 3;
        let plan = Plan::build(&request, &|| 1000);
        // 1000 input at 2/M = 0.002, plus 3 searches at 0.01 = 0.032.
        let amounts: Vec<i64> = plan
            .checks
            .iter()
            .filter_map(|check| match check {
                Check::Cap { amount, .. } | Check::Balance { amount, .. } => Some(*amount),
                _ => None,
            })
            .collect();
        assert_eq!(amounts, vec![32_000_000, 32_000_000]);
        // A search price alone is enough to reserve.
        let mut searches_only = config.clone();
        searches_only.price.input = None;
        let mut request = inputs(&group, Some(&token), Some(&searches_only), None);
        request.web_searches = 3;
        let plan = Plan::build(&request, &|| 1000);
        assert!(
            plan.checks
                .iter()
                .any(|check| matches!(check, Check::Cap { amount, .. } if *amount == 30_000_000))
        );
        request.billing_enabled = false;
        assert!(Plan::build(&request, &|| 1000).checks.is_empty());
    }

    #[test]
    fn a_new_period_starts_a_new_counter_at_the_boundary() {
        let group = Group::new("acme");
        let mut config = ModelConfig::new("gpt-4o");
        config.price.input = Some(Decimal::ONE);
        let mut token = unlimited_token();
        token.period_quota = Some(Decimal::new(100, 0));
        token.period = Some(crate::store::QuotaPeriod::Daily);
        // 2023-11-14T23:59:59.999Z, then one millisecond later.
        let before_midnight = 1_700_006_399_999;
        let mut request = inputs(&group, Some(&token), Some(&config), None);
        request.now_ms = before_midnight;
        let late = Plan::build(&request, &|| 10);
        request.now_ms = before_midnight + 1;
        let early = Plan::build(&request, &|| 10);
        assert_eq!(late.period_end, early.period_start);
        assert_ne!(late.seeds[0].0, early.seeds[0].0);
        assert_eq!(
            early.seeds[0].1,
            Seed::TokenPeriodUsed {
                token_id: 7,
                period_start: before_midnight + 1
            }
        );
    }

    #[test]
    fn non_generating_endpoints_reserve_no_output() {
        let group = Group::new("acme");
        let mut config = ModelConfig::new("text-embedding-3-small");
        config.tpm = 10_000;
        let mut request = inputs(&group, None, Some(&config), None);
        request.generates = false;
        request.max_output_tokens = None;
        let plan = Plan::build(&request, &|| 12);
        assert_eq!(plan.estimated_tokens, 12);
    }
}
