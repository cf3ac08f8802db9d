//! A video job's hold as its job store keeps it: the reservation of the job's bill, written as JSON beside the job so any replica can end it.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::governance::limits::{Check, Hold};

/// The most a hold's JSON may be: a few keys and numbers; anything longer was not written here.
const MAX_HOLD_BYTES: usize = 4096;

#[derive(Serialize, Deserialize)]
struct Stored {
    lease: String,
    ttl_ms: u64,
    checks: Vec<StoredCheck>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum StoredCheck {
    Cap {
        key: String,
        limit: i64,
        amount: i64,
    },
    Balance {
        key: String,
        amount: i64,
    },
}

/// The hold as the job keeps it.
pub fn encode(hold: &Hold) -> Option<String> {
    let checks = hold
        .checks
        .iter()
        .filter_map(|check| match check {
            Check::Cap { key, limit, amount } => Some(StoredCheck::Cap {
                key: key.clone(),
                limit: *limit,
                amount: *amount,
            }),
            Check::Balance { key, amount } => Some(StoredCheck::Balance {
                key: key.clone(),
                amount: *amount,
            }),
            Check::Rate { .. } | Check::Concurrency { .. } => None,
        })
        .collect();
    serde_json::to_string(&Stored {
        lease: hold.lease.clone(),
        ttl_ms: u64::try_from(hold.ttl.as_millis()).unwrap_or(u64::MAX),
        checks,
    })
    .ok()
}

/// The hold a job kept; `None` for text that is not one.
pub fn decode(text: &str) -> Option<Hold> {
    if text.len() > MAX_HOLD_BYTES {
        return None;
    }
    let stored = serde_json::from_str::<Stored>(text).ok()?;
    let checks = stored
        .checks
        .into_iter()
        .map(|check| match check {
            StoredCheck::Cap { key, limit, amount } => Check::Cap { key, limit, amount },
            StoredCheck::Balance { key, amount } => Check::Balance { key, amount },
        })
        .collect();
    Some(Hold {
        lease: stored.lease,
        checks,
        ttl: Duration::from_millis(stored.ttl_ms),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hold_reads_back_as_written_and_nothing_else_reads_as_one() {
        let hold = Hold {
            lease: "0123456789abcdef-7:held".into(),
            checks: vec![
                Check::Cap {
                    key: "quota:t:1".into(),
                    limit: 1_000_000_000,
                    amount: 600_000_001,
                },
                Check::Balance {
                    key: "balance:g:acme:5".into(),
                    amount: 600_000_001,
                },
            ],
            ttl: Duration::from_secs(86_400),
        };
        assert_eq!(decode(&encode(&hold).unwrap()), Some(hold));
        assert_eq!(decode("{}"), None);
        assert_eq!(decode("not json"), None);
    }
}
