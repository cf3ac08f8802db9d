//! Runtime options: the typed, validated settings an operator changes without a restart (`OptionService`, `options:` in the config file).
//!
//! Each option has the seed's key and, where one exists, overrides one environment setting:
//! unset, the environment (or its default) decides; set, the option does, on every replica as
//! soon as its configuration snapshot reloads (at once through Redis, else within
//! `CONFIG_POLL_SECONDS`). A key outside [`OPTIONS`] or a value that does not parse is refused
//! when it is written, so a stored option always means something. A stored value that no longer
//! parses (written by an older version) is logged and ignored, never fatal.

use std::collections::BTreeMap;

use relay::host::ChannelKind;
use rust_decimal::Decimal;

/// The options in force, parsed once per configuration snapshot. `None` leaves the decision
/// to the environment setting named in [`OPTIONS`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuntimeOptions {
    pub retry_times: Option<u32>,
    /// Maintenance: the relay and MCP answer 503 while the control plane stays up.
    pub disable_serve: bool,
    pub save_all_log_detail: Option<bool>,
    pub log_detail_request_body_max_size: Option<usize>,
    pub log_detail_response_body_max_size: Option<usize>,
    pub log_storage_hours: Option<u64>,
    pub log_detail_storage_hours: Option<u64>,
    pub clean_log_batch_size: Option<u64>,
    pub group_max_token_num: Option<u32>,
    pub ip_groups_threshold: Option<u32>,
    pub ip_groups_ban_threshold: Option<u32>,
    pub default_warn_notify_error_rate: Option<f64>,
    /// Models a channel of a type serves when it lists none itself, by channel type name.
    pub default_channel_models: BTreeMap<String, Vec<String>>,
    /// Model mapping a channel of a type starts from; its own entries win.
    pub default_channel_model_mapping: BTreeMap<String, BTreeMap<String, String>>,
    /// (amount a group has consumed, multiplier of its rpm/tpm ratios), ascending by amount:
    /// the highest level reached applies.
    pub group_consume_level_ratio: Vec<(Decimal, f64)>,
}

/// One option: its key, the environment setting it overrides, and how its value is read.
pub struct OptionSpec {
    pub key: &'static str,
    pub overrides: Option<&'static str>,
    pub help: &'static str,
    apply: fn(&mut RuntimeOptions, &str) -> Result<(), String>,
}

/// Every option the control plane accepts.
pub const OPTIONS: &[OptionSpec] = &[
    OptionSpec {
        key: "RetryTimes",
        overrides: Some("RETRY_TIMES"),
        help: "retries on another channel after a failed attempt (0-10); a model's or group's own setting wins",
        apply: |options, value| {
            options.retry_times = Some(bounded(value, 0, 10)?);
            Ok(())
        },
    },
    OptionSpec {
        key: "DisableServe",
        overrides: None,
        help: "maintenance switch: true answers every relay and MCP request with 503; the control plane stays up",
        apply: |options, value| {
            options.disable_serve = boolean(value)?;
            Ok(())
        },
    },
    OptionSpec {
        key: "SaveAllLogDetail",
        overrides: Some("SAVE_ALL_LOG_DETAIL"),
        help: "keep request and response bodies of every request, not only of failed ones",
        apply: |options, value| {
            options.save_all_log_detail = Some(boolean(value)?);
            Ok(())
        },
    },
    OptionSpec {
        key: "LogDetailRequestBodyMaxSize",
        overrides: Some("LOG_DETAIL_MAX_BYTES"),
        help: "bytes of a request body kept in the log's details (at most LOG_DETAIL_MAX_BYTES, which bounds what is captured)",
        apply: |options, value| {
            options.log_detail_request_body_max_size = Some(bounded(value, 0, usize::MAX)?);
            Ok(())
        },
    },
    OptionSpec {
        key: "LogDetailResponseBodyMaxSize",
        overrides: Some("LOG_DETAIL_MAX_BYTES"),
        help: "bytes of a response body kept in the log's details (at most LOG_DETAIL_MAX_BYTES)",
        apply: |options, value| {
            options.log_detail_response_body_max_size = Some(bounded(value, 0, usize::MAX)?);
            Ok(())
        },
    },
    OptionSpec {
        key: "LogStorageHours",
        overrides: Some("LOG_STORAGE_HOURS"),
        help: "hours request logs are kept; 0 keeps them forever",
        apply: |options, value| {
            options.log_storage_hours = Some(bounded(value, 0, u64::MAX)?);
            Ok(())
        },
    },
    OptionSpec {
        key: "LogDetailStorageHours",
        overrides: Some("LOG_DETAIL_STORAGE_HOURS"),
        help: "hours request and response bodies are kept; 0 keeps them as long as their rows",
        apply: |options, value| {
            options.log_detail_storage_hours = Some(bounded(value, 0, u64::MAX)?);
            Ok(())
        },
    },
    OptionSpec {
        key: "CleanLogBatchSize",
        overrides: Some("CLEAN_LOG_BATCH_SIZE"),
        help: "rows deleted per statement when old logs are cleaned (1-100000)",
        apply: |options, value| {
            options.clean_log_batch_size = Some(bounded(value, 1, 100_000)?);
            Ok(())
        },
    },
    OptionSpec {
        key: "GroupMaxTokenNum",
        overrides: Some("GROUP_MAX_TOKEN_NUM"),
        help: "most tokens a group may have; 0 means no limit",
        apply: |options, value| {
            options.group_max_token_num = Some(bounded(value, 0, u32::MAX)?);
            Ok(())
        },
    },
    OptionSpec {
        key: "IPGroupsThreshold",
        overrides: Some("IP_GROUPS_THRESHOLD"),
        help: "groups one client address may use within a minute before an alert; 0 turns the check off",
        apply: |options, value| {
            options.ip_groups_threshold = Some(bounded(value, 0, u32::MAX)?);
            Ok(())
        },
    },
    OptionSpec {
        key: "IPGroupsBanThreshold",
        overrides: Some("IP_GROUPS_BAN_THRESHOLD"),
        help: "groups one client address may use within a minute before it is blocked; 0 never blocks",
        apply: |options, value| {
            options.ip_groups_ban_threshold = Some(bounded(value, 0, u32::MAX)?);
            Ok(())
        },
    },
    OptionSpec {
        key: "DefaultWarnNotifyErrorRate",
        overrides: Some("NOTIFY_ERROR_RATE_THRESHOLD"),
        help: "error rate of a (channel, model) pair (0-1) above which an alert is raised; 0 turns it off",
        apply: |options, value| {
            let rate: f64 = value
                .trim()
                .parse()
                .map_err(|_| format!("{value:?} is not a number"))?;
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("{rate} is not between 0 and 1"));
            }
            options.default_warn_notify_error_rate = Some(rate);
            Ok(())
        },
    },
    OptionSpec {
        key: "DefaultChannelModels",
        overrides: None,
        help: r#"JSON object: channel type -> models a channel of that type serves when it lists none, e.g. {"openai": ["gpt-4o"]}"#,
        apply: |options, value| {
            let models: BTreeMap<String, Vec<String>> = json(value)?;
            for (kind, names) in &models {
                channel_type(kind)?;
                if names.iter().any(|name| name.trim().is_empty()) {
                    return Err(format!("{kind}: a model name is empty"));
                }
            }
            options.default_channel_models = models;
            Ok(())
        },
    },
    OptionSpec {
        key: "DefaultChannelModelMapping",
        overrides: None,
        help: r#"JSON object: channel type -> {requested model: upstream model}, under each channel's own mapping"#,
        apply: |options, value| {
            let mapping: BTreeMap<String, BTreeMap<String, String>> = json(value)?;
            for kind in mapping.keys() {
                channel_type(kind)?;
            }
            options.default_channel_model_mapping = mapping;
            Ok(())
        },
    },
    OptionSpec {
        key: "GroupConsumeLevelRatio",
        overrides: None,
        help: r#"JSON object: amount a group has consumed -> multiplier of its rpm and tpm ratios, e.g. {"0": 1, "100": 2}; the highest level reached applies"#,
        apply: |options, value| {
            let levels: BTreeMap<String, f64> = json(value)?;
            let mut parsed = Vec::with_capacity(levels.len());
            for (amount, ratio) in levels {
                let level: Decimal = amount
                    .trim()
                    .parse()
                    .map_err(|_| format!("level {amount:?} is not a number"))?;
                if level.is_sign_negative() || !ratio.is_finite() || ratio <= 0.0 {
                    return Err(format!(
                        "level {amount}: amounts must be at least 0 and ratios above 0"
                    ));
                }
                parsed.push((level, ratio));
            }
            parsed.sort_by_key(|(level, _)| *level);
            options.group_consume_level_ratio = parsed;
            Ok(())
        },
    },
];

/// Why an option cannot be stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionError {
    #[error("unknown option {0:?}; known options: {known}", known = known_keys())]
    Unknown(String),
    #[error("option {key}: {reason}")]
    Invalid { key: String, reason: String },
}

fn known_keys() -> String {
    OPTIONS
        .iter()
        .map(|spec| spec.key)
        .collect::<Vec<_>>()
        .join(", ")
}

fn spec(key: &str) -> Option<&'static OptionSpec> {
    OPTIONS.iter().find(|spec| spec.key == key)
}

/// Checks that `value` is a valid value of the known option `key`.
pub fn validate(key: &str, value: &str) -> Result<(), OptionError> {
    let spec = spec(key).ok_or_else(|| OptionError::Unknown(key.to_owned()))?;
    (spec.apply)(&mut RuntimeOptions::default(), value).map_err(|reason| OptionError::Invalid {
        key: key.to_owned(),
        // The operator sees what the option expects, and which variable it stands in for.
        reason: match spec.overrides {
            Some(variable) => format!("{reason}; expected: {} (overrides {variable})", spec.help),
            None => format!("{reason}; expected: {}", spec.help),
        },
    })
}

impl RuntimeOptions {
    /// The options of a stored map; unknown keys and unreadable values are logged and skipped.
    pub fn from_stored(stored: &BTreeMap<String, String>) -> RuntimeOptions {
        let mut options = RuntimeOptions::default();
        for (key, value) in stored {
            let outcome = match spec(key) {
                Some(spec) => (spec.apply)(&mut options, value),
                None => Err("not a known option".to_owned()),
            };
            if let Err(reason) = outcome {
                tracing::warn!(option = %key, %reason, "stored option ignored");
            }
        }
        options
    }

    /// The multiplier of a group's rpm and tpm ratios for what it has consumed.
    pub fn consume_level_ratio(&self, consumed: Decimal) -> f64 {
        self.group_consume_level_ratio
            .iter()
            .rev()
            .find(|(level, _)| consumed >= *level)
            .map_or(1.0, |(_, ratio)| *ratio)
    }
}

fn boolean(value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(format!("{value:?} is not true or false")),
    }
}

fn bounded<T>(value: &str, min: T, max: T) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let number: T = value
        .trim()
        .parse()
        .map_err(|_| format!("{value:?} is not a whole number"))?;
    if number < min || number > max {
        return Err(format!("{number} is not between {min} and {max}"));
    }
    Ok(number)
}

fn json<T: serde::de::DeserializeOwned>(value: &str) -> Result<T, String> {
    serde_json::from_str(value).map_err(|error| format!("not the expected JSON: {error}"))
}

fn channel_type(name: &str) -> Result<ChannelKind, String> {
    ChannelKind::parse(name).ok_or_else(|| format!("{name:?} is not a channel type"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_option_parses_its_documented_form_and_refuses_garbage() {
        let good = [
            ("RetryTimes", "3"),
            ("DisableServe", "true"),
            ("SaveAllLogDetail", "false"),
            ("LogDetailRequestBodyMaxSize", "1024"),
            ("LogDetailResponseBodyMaxSize", "2048"),
            ("LogStorageHours", "24"),
            ("LogDetailStorageHours", "12"),
            ("CleanLogBatchSize", "500"),
            ("GroupMaxTokenNum", "10"),
            ("IPGroupsThreshold", "5"),
            ("IPGroupsBanThreshold", "9"),
            ("DefaultWarnNotifyErrorRate", "0.3"),
            ("DefaultChannelModels", r#"{"openai": ["gpt-4o"]}"#),
            ("DefaultChannelModelMapping", r#"{"openai": {"a": "b"}}"#),
            ("GroupConsumeLevelRatio", r#"{"0": 1, "100.5": 2}"#),
        ];
        assert_eq!(good.len(), OPTIONS.len(), "every option has a case here");
        for (key, value) in good {
            assert_eq!(validate(key, value), Ok(()), "{key}={value}");
            assert!(
                matches!(validate(key, "{garbage"), Err(OptionError::Invalid { .. })),
                "{key} refuses garbage"
            );
        }
        assert!(matches!(
            validate("NoSuchOption", "1"),
            Err(OptionError::Unknown(_))
        ));
        assert!(validate("RetryTimes", "11").is_err());
        assert!(validate("DefaultChannelModels", r#"{"nope": ["m"]}"#).is_err());
        assert!(validate("DefaultWarnNotifyErrorRate", "1.5").is_err());
    }

    #[test]
    fn stored_options_parse_and_unreadable_ones_are_skipped() {
        let stored = BTreeMap::from([
            ("RetryTimes".to_owned(), "4".to_owned()),
            ("DisableServe".to_owned(), "yes please".to_owned()),
            ("Legacy".to_owned(), "x".to_owned()),
            (
                "GroupConsumeLevelRatio".to_owned(),
                r#"{"100": 3, "0": 1, "10": 2}"#.to_owned(),
            ),
        ]);
        let options = RuntimeOptions::from_stored(&stored);
        assert_eq!(options.retry_times, Some(4));
        assert!(!options.disable_serve);
        assert_eq!(options.consume_level_ratio(Decimal::from(5)), 1.0);
        assert_eq!(options.consume_level_ratio(Decimal::from(10)), 2.0);
        assert_eq!(options.consume_level_ratio(Decimal::from(1000)), 3.0);
        assert_eq!(
            RuntimeOptions::default().consume_level_ratio(Decimal::from(1000)),
            1.0
        );
    }
}
