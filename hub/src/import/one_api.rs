//! Channels and tokens from a OneAPI / new-api database (SQLite, Postgres or MySQL), translated into our declarative document.
//!
//! OneAPI numbers its channel types its own way; they are mapped to the seed's numbers as the
//! seed's own OneAPI import does, then to our names. Its tokens belong to users, not groups:
//! each user becomes a group `user-<id>`.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::Value;
use sqlx::AnyPool;

use super::seed::{self, ReadError, Record};
use super::translate::{self, Translation};
use crate::edges::declarative::{GroupSpec, TokenSpec};
use crate::store::Status;

/// OneAPI's channel type numbers mapped to the seed's (`core/controller/import.go` there).
const ONE_API_TYPES: &[(i64, i64)] = &[
    (1, 1),
    (3, 3),
    (14, 14),
    (15, 15),
    (16, 16),
    (17, 17),
    (19, 19),
    (20, 20),
    (23, 23),
    (24, 24),
    (25, 25),
    (26, 26),
    (27, 27),
    (28, 28),
    (29, 29),
    (30, 30),
    (31, 31),
    (32, 32),
    (33, 33),
    (34, 34),
    (35, 35),
    (36, 36),
    (37, 37),
    (40, 40),
    (41, 41),
    (42, 42),
    (44, 43),
    (45, 45),
    (47, 13),
    (48, 18),
    (49, 17),
    (51, 12),
];

/// OneAPI's quota units per US dollar.
const QUOTA_PER_DOLLAR: i64 = 500_000;

/// Reads and translates a OneAPI / new-api database.
pub async fn read(pool: &AnyPool) -> Result<Translation, ReadError> {
    let channels = seed::table(
        pool,
        "channels",
        &[
            "id",
            "type",
            "key",
            "status",
            "name",
            "base_url",
            "models",
            "model_mapping",
            "priority",
        ],
        "ORDER BY id",
    )
    .await?;
    let tokens = seed::table(
        pool,
        "tokens",
        &[
            "id",
            "user_id",
            "key",
            "status",
            "name",
            "expired_time",
            "remain_quota",
            "unlimited_quota",
        ],
        "ORDER BY id",
    )
    .await?;
    Ok(translate(&channels, &tokens))
}

/// Translates OneAPI's channel and token rows.
pub fn translate(channels: &[Record], tokens: &[Record]) -> Translation {
    let mut out = Translation::default();
    let seed_channels: Vec<Record> = channels
        .iter()
        .map(|record| {
            let mut record = record.clone();
            let number = translate::text(&record, "type").parse::<i64>().unwrap_or(0);
            let mapped = match number {
                // Custom and OpenAI-compatible channels.
                8 | 50 => Value::from("custom"),
                _ => match ONE_API_TYPES.iter().find(|(one, _)| *one == number) {
                    Some((_, seed)) => Value::from(*seed),
                    None => {
                        out.warnings.push(format!(
                            "channel {} ({}): OneAPI type {number} imported as openai, as the seed does",
                            translate::text(&record, "id"),
                            translate::text(&record, "name")
                        ));
                        Value::from(1)
                    }
                },
            };
            if mapped.is_string() {
                record.insert("type_name".to_owned(), mapped);
                record.remove("type");
            } else {
                record.insert("type".to_owned(), mapped);
            }
            // Comma-separated there; a list in the seed's rows.
            let models = comma_list(&translate::text(&record, "models"));
            record.insert("models".to_owned(), Value::from(models));
            record.insert(
                "status".to_owned(),
                Value::from(if translate::text(&record, "status") == "1" {
                    1
                } else {
                    2
                }),
            );
            record
        })
        .collect();
    out.document.channels = translate::channels(&seed_channels, &mut out.warnings);

    let mut groups = BTreeMap::new();
    for record in tokens {
        let key = translate::text(record, "key");
        let user = translate::text(record, "user_id");
        if key.is_empty() || user.is_empty() {
            continue;
        }
        let group = format!("user-{user}");
        groups.entry(group.clone()).or_insert_with(|| GroupSpec {
            id: group.clone(),
            rpm_ratio: 1.0,
            tpm_ratio: 1.0,
            ..GroupSpec::default()
        });
        let id = translate::text(record, "id");
        let mut name = translate::text(record, "name");
        if name.is_empty() {
            name = format!("token-{id}");
        }
        let unlimited = matches!(
            translate::text(record, "unlimited_quota").as_str(),
            "1" | "t" | "true"
        );
        let quota = translate::text(record, "remain_quota")
            .parse::<i64>()
            .ok()
            .filter(|_| !unlimited)
            .map(|units| Decimal::from(units.max(0)) / Decimal::from(QUOTA_PER_DOLLAR));
        let expires_at_ms = translate::text(record, "expired_time")
            .parse::<i64>()
            .ok()
            .filter(|seconds| *seconds > 0)
            .map(|seconds| seconds.saturating_mul(1000));
        out.document.tokens.push(TokenSpec {
            group,
            name,
            key: Some(if key.starts_with("sk-") {
                key
            } else {
                format!("sk-{key}")
            }),
            status: Some(if translate::text(record, "status") == "1" {
                Status::Enabled
            } else {
                Status::Disabled
            }),
            expires_at_ms,
            quota,
            ..TokenSpec::default()
        });
    }
    out.document.groups = groups.into_values().collect();
    out
}

fn comma_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}
