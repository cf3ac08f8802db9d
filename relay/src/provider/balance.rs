//! Upstream account balances: which channel types expose one (a table keyed by type name), and the one query that reads it.
//!
//! Endpoints and response fields follow the seed (labring/aiproxy `core/relay/adaptor/*/balance.go`)
//! and the vendors' public documentation. A type missing from [`BALANCE_SOURCES`] has no
//! balance API the gateway knows; [`query_balance`] refuses it with
//! [`BalanceError::NotSupported`]. Errors name the status or the missing field, never the key,
//! the URL or the body (an upstream may echo the key back).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::HeaderValue;
use futures::StreamExt;
use serde::Deserialize;

use super::{ChannelKind, base_url, versioned_base};
use crate::upstream::{ByteStream, build_client, read_body};
use crate::vocabulary::Channel;

/// A balance answer is a small JSON object; anything larger is not one.
const MAX_BALANCE_BODY: usize = 256 * 1024;

/// How a vendor reports what is left on the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BalanceSource {
    /// `GET /v1/dashboard/billing/subscription` (`hard_limit_usd`) minus
    /// `GET /v1/dashboard/billing/usage` (`total_usage`, in cents): OpenAI's legacy billing
    /// endpoints, which many OpenAI-compatible resellers still serve.
    OpenAiBilling,
    /// `GET {root}/user/balance`: `balance_infos[]` with `currency` and `total_balance` (text).
    DeepSeek,
    /// `GET {v1}/users/me/balance`: `data.available_balance`, or `error.message`.
    Moonshot,
    /// `GET {v1}/user/info`: `data.balance` (text).
    SiliconFlow,
    /// `GET {v1}/credits`: `data.total_credits - data.total_usage`, in US dollars.
    OpenRouter,
    /// `GET {v1}/accounts`: `balance` (a number: what is available, cash and vouchers), from
    /// StepFun's API reference (the seed reads no StepFun balance).
    StepFun,
}

/// Channel types with a balance, by name. Every other registered type has none.
pub static BALANCE_SOURCES: &[(&str, BalanceSource)] = &[
    ("openai", BalanceSource::OpenAiBilling),
    // An OpenAI-compatible server of unknown make: the billing endpoints are the common ones.
    ("custom", BalanceSource::OpenAiBilling),
    ("deepseek", BalanceSource::DeepSeek),
    ("moonshot", BalanceSource::Moonshot),
    ("siliconflow", BalanceSource::SiliconFlow),
    ("openrouter", BalanceSource::OpenRouter),
    ("stepfun", BalanceSource::StepFun),
];

/// What an upstream account holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Balance {
    pub amount: f64,
    /// ISO code when the vendor says it or has one currency (`USD`); `None` when it depends on
    /// the account's region and the answer does not say.
    pub currency: Option<String>,
}

/// Why a balance could not be read. Messages carry no key, URL or upstream body.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BalanceError {
    #[error("channel type {0} has no balance api")]
    NotSupported(String),
    #[error("{0}")]
    Misconfigured(String),
    #[error("the upstream answered http {0}")]
    Status(u16),
    #[error("the upstream could not be reached")]
    Unreachable,
    #[error("the upstream did not answer in time")]
    Timeout,
    #[error("the upstream's balance answer is not understood: {0}")]
    Malformed(String),
    #[error("the upstream refused the balance query: {0}")]
    Refused(String),
}

/// The balance source of a channel type, if it has one.
pub fn balance_source(kind: ChannelKind) -> Option<BalanceSource> {
    BALANCE_SOURCES
        .iter()
        .find(|(name, _)| *name == kind.as_str())
        .map(|(_, source)| *source)
}

/// Reads the account balance of `channel` from its upstream, within `timeout` per request.
pub async fn query_balance(channel: &Channel, timeout: Duration) -> Result<Balance, BalanceError> {
    let source = balance_source(channel.kind)
        .ok_or_else(|| BalanceError::NotSupported(channel.kind.as_str().to_owned()))?;
    let base = base_url(channel).map_err(|error| BalanceError::Misconfigured(error.to_string()))?;
    let v1 = versioned_base(&base);
    let query = Query::new(channel, timeout)?;
    match source {
        BalanceSource::OpenAiBilling => openai_billing(&query, &v1).await,
        BalanceSource::DeepSeek => {
            let root = v1.strip_suffix("/v1").unwrap_or(&v1);
            let answer: DeepSeekAnswer = query.get(&format!("{root}/user/balance")).await?;
            deepseek_balance(answer)
        }
        BalanceSource::Moonshot => {
            let answer: MoonshotAnswer = query.get(&format!("{v1}/users/me/balance")).await?;
            if let Some(error) = answer.error {
                return Err(BalanceError::Refused(bounded(&error.message)));
            }
            let data = answer
                .data
                .ok_or_else(|| BalanceError::Malformed("no data".into()))?;
            Ok(Balance {
                amount: data.available_balance,
                currency: None,
            })
        }
        BalanceSource::SiliconFlow => {
            let answer: SiliconFlowAnswer = query.get(&format!("{v1}/user/info")).await?;
            Ok(Balance {
                amount: number_text("data.balance", &answer.data.balance)?,
                currency: None,
            })
        }
        BalanceSource::OpenRouter => {
            let answer: OpenRouterAnswer = query.get(&format!("{v1}/credits")).await?;
            Ok(Balance {
                amount: answer.data.total_credits - answer.data.total_usage,
                currency: Some("USD".into()),
            })
        }
        BalanceSource::StepFun => {
            let answer: StepFunAccount = query.get(&format!("{v1}/accounts")).await?;
            if !answer.balance.is_finite() {
                return Err(BalanceError::Malformed("balance is not a number".into()));
            }
            Ok(Balance {
                amount: answer.balance,
                currency: None,
            })
        }
    }
}

/// One channel's authenticated GETs.
struct Query {
    client: reqwest::Client,
    authorization: Option<HeaderValue>,
    timeout: Duration,
}

impl Query {
    fn new(channel: &Channel, timeout: Duration) -> Result<Query, BalanceError> {
        let connect = channel.timeouts.connect.unwrap_or(timeout).min(timeout);
        let client = build_client(channel.proxy_url.as_deref(), connect)
            .map_err(|error| BalanceError::Misconfigured(error.to_string()))?;
        let key = channel.key.trim();
        let authorization = if key.is_empty() {
            None
        } else {
            let mut value = HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| {
                BalanceError::Misconfigured(format!("channel {} has an invalid key", channel.id))
            })?;
            value.set_sensitive(true);
            Some(value)
        };
        Ok(Query {
            client,
            authorization,
            timeout,
        })
    }

    async fn get<T: for<'de> Deserialize<'de>>(&self, url: &str) -> Result<T, BalanceError> {
        let mut request = self.client.get(url).header("accept", "application/json");
        if let Some(authorization) = &self.authorization {
            request = request.header("authorization", authorization.clone());
        }
        let response = match tokio::time::timeout(self.timeout, request.send()).await {
            Err(_) => return Err(BalanceError::Timeout),
            Ok(Err(error)) if error.is_timeout() => return Err(BalanceError::Timeout),
            Ok(Err(_)) => return Err(BalanceError::Unreachable),
            Ok(Ok(response)) => response,
        };
        let status = response.status();
        if !status.is_success() {
            return Err(BalanceError::Status(status.as_u16()));
        }
        let mut body: ByteStream = response.bytes_stream().boxed();
        let bytes = read_body(&mut body, self.timeout, MAX_BALANCE_BODY)
            .await
            .map_err(|_| BalanceError::Malformed("the body could not be read".into()))?;
        // serde's message names the field and position, never the value.
        serde_json::from_slice(&bytes).map_err(|error| BalanceError::Malformed(error.to_string()))
    }
}

async fn openai_billing(query: &Query, v1: &str) -> Result<Balance, BalanceError> {
    let subscription: OpenAiSubscription = query
        .get(&format!("{v1}/dashboard/billing/subscription"))
        .await?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    let today = civil_date(now / 86_400);
    // The seed's window: this month with a payment method (a monthly bill), else the last 100
    // days (prepaid credit).
    let start = if subscription.has_payment_method {
        format!("{:04}-{:02}-01", today.0, today.1)
    } else {
        let start = civil_date((now / 86_400).saturating_sub(100));
        format!("{:04}-{:02}-{:02}", start.0, start.1, start.2)
    };
    let end = format!("{:04}-{:02}-{:02}", today.0, today.1, today.2);
    let usage: OpenAiUsage = query
        .get(&format!(
            "{v1}/dashboard/billing/usage?start_date={start}&end_date={end}"
        ))
        .await?;
    Ok(Balance {
        amount: subscription.hard_limit_usd - usage.total_usage / 100.0,
        currency: Some("USD".into()),
    })
}

fn deepseek_balance(answer: DeepSeekAnswer) -> Result<Balance, BalanceError> {
    // An account may hold CNY and USD balances; the seed reads CNY, so it comes first here.
    let info = answer
        .balance_infos
        .iter()
        .find(|info| info.currency == "CNY")
        .or_else(|| answer.balance_infos.first())
        .ok_or_else(|| BalanceError::Malformed("no balance_infos".into()))?;
    Ok(Balance {
        amount: number_text("balance_infos[].total_balance", &info.total_balance)?,
        currency: Some(info.currency.clone()).filter(|currency| !currency.is_empty()),
    })
}

/// Vendors that send amounts as text: a number, or a named parse error.
fn number_text(field: &str, text: &str) -> Result<f64, BalanceError> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|amount| amount.is_finite())
        .ok_or_else(|| BalanceError::Malformed(format!("{field} is not a number")))
}

/// An upstream's own error message, cut so a stored error stays small.
fn bounded(message: &str) -> String {
    message.chars().take(200).collect()
}

/// (year, month, day) of a day count since 1970-01-01 (H. Hinnant's civil-from-days).
fn civil_date(days: u64) -> (i64, u32, u32) {
    let z = i64::try_from(days).unwrap_or(0) + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

#[derive(Deserialize)]
struct OpenAiSubscription {
    #[serde(default)]
    has_payment_method: bool,
    hard_limit_usd: f64,
}

#[derive(Deserialize)]
struct OpenAiUsage {
    /// Cents.
    total_usage: f64,
}

#[derive(Deserialize)]
struct DeepSeekAnswer {
    #[serde(default)]
    balance_infos: Vec<DeepSeekBalanceInfo>,
}

#[derive(Deserialize)]
struct DeepSeekBalanceInfo {
    #[serde(default)]
    currency: String,
    total_balance: String,
}

#[derive(Deserialize)]
struct MoonshotAnswer {
    data: Option<MoonshotData>,
    error: Option<MoonshotError>,
}

#[derive(Deserialize)]
struct MoonshotData {
    available_balance: f64,
}

#[derive(Deserialize)]
struct MoonshotError {
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct SiliconFlowAnswer {
    data: SiliconFlowData,
}

#[derive(Deserialize)]
struct SiliconFlowData {
    balance: String,
}

#[derive(Deserialize)]
struct OpenRouterAnswer {
    data: OpenRouterCredits,
}

#[derive(Deserialize)]
struct OpenRouterCredits {
    total_credits: f64,
    total_usage: f64,
}

#[derive(Deserialize)]
struct StepFunAccount {
    balance: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_match_known_days() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(19_782), (2024, 2, 29));
        assert_eq!(civil_date(20_793), (2026, 12, 6));
    }

    #[test]
    fn every_balance_type_is_registered() {
        for (name, _) in BALANCE_SOURCES {
            assert!(
                ChannelKind::parse(name).is_some(),
                "{name} is not a channel type"
            );
        }
    }
}
