//! Upstream balances: each vendor's balance answer shape read from a mock upstream, and errors that never carry the key.

use std::time::Duration;

use relay::host::{Channel, ChannelKind};
use relay::provider::balance::{Balance, BalanceError, query_balance};
use serde_json::{Value, json};

use crate::common::{Mock, Reply};

const KEY: &str = "sk-balance-secret-0001";

fn channel(kind: &str, base_url: String) -> Channel {
    Channel {
        id: 7,
        name: "balance".into(),
        kind: ChannelKind::parse(kind).unwrap(),
        base_url,
        key: KEY.into(),
        model_mapping: Default::default(),
        priority: 0,
        config: Default::default(),
        proxy_url: None,
        timeouts: Default::default(),
    }
}

/// Serves `answers` by path (the query string left out) and 404 elsewhere.
async fn vendor(answers: Vec<(&'static str, Value)>) -> std::sync::Arc<Mock> {
    Mock::start(move |seen| {
        answers
            .iter()
            .find(|(path, _)| *path == seen.path)
            .map_or_else(
                || Reply::status(404, json!({"error": "no such path"})),
                |(_, body)| Reply::json(body.clone()),
            )
    })
    .await
}

async fn check(
    kind: &str,
    base_suffix: &str,
    answers: Vec<(&'static str, Value)>,
) -> (Balance, std::sync::Arc<Mock>) {
    let mock = vendor(answers).await;
    let channel = channel(kind, format!("{}{base_suffix}", mock.url()));
    let balance = query_balance(&channel, Duration::from_secs(5))
        .await
        .unwrap();
    for seen in mock.seen.lock().unwrap().iter() {
        assert_eq!(seen.method, "GET");
        assert_eq!(seen.headers["authorization"], format!("Bearer {KEY}"));
    }
    (balance, mock)
}

#[tokio::test]
async fn openai_billing_is_the_hard_limit_minus_the_usage_in_cents() {
    let (balance, mock) = check(
        "openai",
        "/v1",
        vec![
            (
                "/v1/dashboard/billing/subscription",
                json!({"object": "billing_subscription", "has_payment_method": true,
                       "soft_limit_usd": 80.0, "hard_limit_usd": 120.0, "system_hard_limit_usd": 120.0}),
            ),
            ("/v1/dashboard/billing/usage", json!({"object": "list", "total_usage": 2550.0})),
        ],
    )
    .await;
    assert_eq!(
        balance,
        Balance {
            amount: 94.5,
            currency: Some("USD".into())
        }
    );
    let seen = mock.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    let query = seen[1].query.clone().unwrap();
    assert!(
        query.starts_with("start_date=") && query.contains("-01&end_date="),
        "{query}"
    );
}

#[tokio::test]
async fn custom_channels_use_the_openai_billing_endpoints_below_a_bare_host() {
    let (balance, _) = check(
        "custom",
        "",
        vec![
            (
                "/v1/dashboard/billing/subscription",
                json!({"hard_limit_usd": 10.0}),
            ),
            ("/v1/dashboard/billing/usage", json!({"total_usage": 100.0})),
        ],
    )
    .await;
    assert_eq!(balance.amount, 9.0);
}

#[tokio::test]
async fn deepseek_reads_the_cny_balance_info_at_the_root() {
    let (balance, _) = check(
        "deepseek",
        "/v1",
        vec![(
            "/user/balance",
            json!({"is_available": true, "balance_infos": [
                {"currency": "USD", "total_balance": "3.00", "granted_balance": "0.00", "topped_up_balance": "3.00"},
                {"currency": "CNY", "total_balance": "110.50", "granted_balance": "10.00", "topped_up_balance": "100.50"}
            ]}),
        )],
    )
    .await;
    assert_eq!(
        balance,
        Balance {
            amount: 110.5,
            currency: Some("CNY".into())
        }
    );
}

#[tokio::test]
async fn siliconflow_reads_the_user_info_balance_text() {
    let (balance, _) = check(
        "siliconflow",
        "/v1",
        vec![(
            "/v1/user/info",
            json!({"code": 20000, "message": "OK", "status": true, "data": {
                "id": "u1", "name": "n", "balance": "42.25", "chargeBalance": "40.00",
                "totalBalance": "42.25", "status": "normal"}}),
        )],
    )
    .await;
    assert_eq!(
        balance,
        Balance {
            amount: 42.25,
            currency: None
        }
    );
}

#[tokio::test]
async fn stepfun_reads_the_account_balance() {
    let (balance, mock) = check(
        "stepfun",
        "/v1",
        vec![(
            "/v1/accounts",
            json!({"object": "account", "type": "prepaid", "balance": 88.5,
                "total_cash_balance": 100.0, "total_voucher_balance": 10.0}),
        )],
    )
    .await;
    assert_eq!(
        balance,
        Balance {
            amount: 88.5,
            currency: None
        }
    );
    assert_eq!(mock.seen.lock().unwrap().len(), 1);

    // An account answer without a balance is named, not guessed.
    let empty = vendor(vec![("/v1/accounts", json!({"object": "account"}))]).await;
    let error = query_balance(
        &channel("stepfun", format!("{}/v1", empty.url())),
        Duration::from_secs(5),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&error, BalanceError::Malformed(message) if message.contains("balance")),
        "{error:?}"
    );
}

#[tokio::test]
async fn moonshot_reads_the_available_balance() {
    let (balance, _) = check(
        "moonshot",
        "/v1",
        vec![(
            "/v1/users/me/balance",
            json!({"code": 0, "status": true, "data": {
                "available_balance": 49.58894, "voucher_balance": 46.58893, "cash_balance": 3.00001}}),
        )],
    )
    .await;
    assert_eq!(balance.amount, 49.58894);
}

#[tokio::test]
async fn openrouter_is_the_credits_left() {
    let (balance, _) = check(
        "openrouter",
        "/api/v1",
        vec![(
            "/api/v1/credits",
            json!({"data": {"total_credits": 25.0, "total_usage": 7.75}}),
        )],
    )
    .await;
    assert_eq!(
        balance,
        Balance {
            amount: 17.25,
            currency: Some("USD".into())
        }
    );
}

#[tokio::test]
async fn failures_are_named_without_the_key_or_the_url() {
    let mock = Mock::start(|_| {
        Reply::status(401, json!({"error": {"message": format!("bad key {KEY}")}}))
    })
    .await;
    let error = query_balance(&channel("deepseek", mock.url()), Duration::from_secs(5))
        .await
        .unwrap_err();
    assert_eq!(error, BalanceError::Status(401));

    let moonshot = Mock::start(|_| {
        Reply::json(json!({"error": {"type": "invalid_authentication_error", "message": "Invalid Authentication"}}))
    })
    .await;
    let error = query_balance(&channel("moonshot", moonshot.url()), Duration::from_secs(5))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        BalanceError::Refused("Invalid Authentication".into())
    );

    let garbled = Mock::start(|_| Reply::json(json!({"data": {"balance": "lots"}}))).await;
    let error = query_balance(
        &channel("siliconflow", garbled.url()),
        Duration::from_secs(5),
    )
    .await
    .unwrap_err();
    assert!(matches!(error, BalanceError::Malformed(_)), "{error:?}");

    let unsupported = query_balance(&channel("anthropic", garbled.url()), Duration::from_secs(5))
        .await
        .unwrap_err();
    assert_eq!(unsupported, BalanceError::NotSupported("anthropic".into()));

    for error in [error, unsupported] {
        let text = error.to_string();
        assert!(!text.contains(KEY) && !text.contains("127.0.0.1"), "{text}");
    }
}
