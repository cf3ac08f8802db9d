//! Upstream channel balances: UpdateChannelBalance on vendor-shaped mocks, stored values, the refresh task, the low-balance alert, disable-on-empty.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use hub::edges::grpc::pb;
use hub::edges::grpc::pb::channel_service_client::ChannelServiceClient;
use serde_json::{Value, json};

use crate::alerts::{Received, receiver};
use crate::support;
use support::TestHub;

const KEY: &str = "sk-upstream-balance-secret-42";

/// A vendor account whose balance (or failure status) the test sets.
#[derive(Default)]
struct Account {
    balance: Mutex<String>,
    fail_with: Mutex<Option<u16>>,
    hits: AtomicUsize,
}

/// Serves DeepSeek's `/user/balance`, SiliconFlow's `/v1/user/info` and StepFun's
/// `/v1/accounts` for `account`.
async fn vendor(account: Arc<Account>) -> String {
    async fn answer(
        account: &Account,
        body: impl FnOnce(String) -> Value,
    ) -> (StatusCode, Json<Value>) {
        account.hits.fetch_add(1, Ordering::SeqCst);
        if let Some(status) = *account.fail_with.lock().unwrap() {
            // Vendors often echo what they were sent: the gateway must not pass it on.
            return (
                StatusCode::from_u16(status).unwrap(),
                Json(json!({"error": {"message": format!("invalid key {KEY}")}})),
            );
        }
        let balance = account.balance.lock().unwrap().clone();
        (StatusCode::OK, Json(body(balance)))
    }
    let app = Router::new()
        .route(
            "/user/balance",
            get(|State(account): State<Arc<Account>>| async move {
                answer(&account, |balance| {
                    json!({"is_available": true, "balance_infos": [
                        {"currency": "CNY", "total_balance": balance,
                         "granted_balance": "0.00", "topped_up_balance": balance}]})
                })
                .await
            }),
        )
        .route(
            "/v1/user/info",
            get(|State(account): State<Arc<Account>>| async move {
                answer(&account, |balance| {
                    json!({"code": 20000, "status": true, "message": "OK",
                           "data": {"id": "u", "balance": balance, "totalBalance": balance}})
                })
                .await
            }),
        )
        .route(
            "/v1/accounts",
            get(|State(account): State<Arc<Account>>| async move {
                answer(&account, |balance| {
                    let amount: f64 = balance.parse().unwrap();
                    json!({"object": "account", "type": "prepaid", "balance": amount,
                           "total_cash_balance": amount, "total_voucher_balance": 0.0})
                })
                .await
            }),
        )
        .with_state(account);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/v1")
}

fn config(kind: &str, base_url: &str) -> String {
    format!(
        "channels:\n  - name: vendor\n    type: {kind}\n    base_url: {base_url}\n    key: {KEY}\n    models: [m]\n  - name: claude\n    type: anthropic\n    key: sk-ant\n    models: [m]\n"
    )
}

async fn client(hub: &TestHub) -> ChannelServiceClient<tonic::transport::Channel> {
    ChannelServiceClient::new(support::control_channel(hub).await)
}

async fn channel_named(hub: &TestHub, name: &str) -> pb::Channel {
    client(hub)
        .await
        .list_channels(support::admin(pb::ListChannelsRequest {
            page_size: 50,
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .channels
        .into_iter()
        .find(|channel| channel.name == name)
        .unwrap()
}

async fn update_balance(hub: &TestHub, id: i64) -> pb::ChannelBalance {
    client(hub)
        .await
        .update_channel_balance(support::admin(pb::UpdateChannelBalanceRequest { id }))
        .await
        .unwrap()
        .into_inner()
}

async fn alerts_of(received: &Received, kind: &str, count: usize) -> Vec<Value> {
    for _ in 0..250 {
        let matching: Vec<Value> = received
            .lock()
            .unwrap()
            .iter()
            .filter(|body| body["kind"] == kind)
            .cloned()
            .collect();
        if matching.len() >= count {
            return matching;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no {kind} alert arrived: {:?}", received.lock().unwrap());
}

#[tokio::test]
async fn a_balance_is_stored_shown_alerted_when_low_and_empties_disable_the_channel() {
    let account = Arc::new(Account::default());
    *account.balance.lock().unwrap() = "110.50".into();
    let base_url = vendor(account.clone()).await;
    let (hook, received) = receiver().await;
    let (mut settings, data_dir) = TestHub::settings();
    settings.notify_webhook_url = Some(hook);
    let path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&path, config("deepseek", &base_url)).unwrap();
    settings.config_file_path = Some(path);
    let hub = TestHub::start_with(settings, data_dir).await;

    let vendor_channel = channel_named(&hub, "vendor").await;
    let shown = vendor_channel.balance.unwrap();
    assert!(shown.supported);
    assert_eq!((shown.balance, shown.updated_at_ms), (None, 0));
    let claude = channel_named(&hub, "claude").await;
    assert!(!claude.balance.unwrap().supported);
    let refused = client(&hub)
        .await
        .update_channel_balance(support::admin(pb::UpdateChannelBalanceRequest {
            id: claude.id,
        }))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::FailedPrecondition);

    let settings = client(&hub)
        .await
        .set_channel_balance_settings(support::admin(pb::SetChannelBalanceSettingsRequest {
            id: vendor_channel.id,
            threshold: Some(50.0),
            disable_when_empty: true,
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (settings.threshold, settings.disable_when_empty),
        (Some(50.0), true)
    );

    // Above the threshold: stored and shown, no alert.
    let read = update_balance(&hub, vendor_channel.id).await;
    assert_eq!(read.balance, Some(110.5));
    assert_eq!(read.currency, "CNY");
    assert!(read.updated_at_ms > 0 && read.last_error.is_empty());
    let got = client(&hub)
        .await
        .get_channel(support::admin(pb::GetChannelRequest {
            id: vendor_channel.id,
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.balance.unwrap().balance, Some(110.5));
    assert_eq!(
        channel_named(&hub, "vendor").await.balance.unwrap().balance,
        Some(110.5)
    );

    // A failure keeps the last balance and says why, without the key.
    *account.fail_with.lock().unwrap() = Some(401);
    let failed = update_balance(&hub, vendor_channel.id).await;
    assert_eq!(failed.balance, Some(110.5));
    assert_eq!(failed.last_error, "the upstream answered http 401");
    let listed = channel_named(&hub, "vendor").await;
    assert!(!format!("{listed:?}").contains(KEY));
    *account.fail_with.lock().unwrap() = None;

    // Below the threshold: one low-balance alert.
    *account.balance.lock().unwrap() = "20.00".into();
    assert_eq!(
        update_balance(&hub, vendor_channel.id).await.balance,
        Some(20.0)
    );
    let low = alerts_of(&received, "channel_balance_low", 1).await;
    assert_eq!(low[0]["event"]["channel_id"], vendor_channel.id);
    assert_eq!(low[0]["event"]["balance"], 20.0);
    assert_eq!(low[0]["event"]["threshold"], 50.0);
    assert_eq!(vendor_channel.status, pb::Status::Enabled as i32);
    assert_eq!(
        channel_named(&hub, "vendor").await.status,
        pb::Status::Enabled as i32
    );

    // Empty: the channel is disabled, with an alert.
    *account.balance.lock().unwrap() = "0.00".into();
    assert_eq!(
        update_balance(&hub, vendor_channel.id).await.balance,
        Some(0.0)
    );
    let disabled = alerts_of(&received, "channel_disabled_empty", 1).await;
    assert_eq!(disabled[0]["event"]["channel_id"], vendor_channel.id);
    assert_eq!(
        channel_named(&hub, "vendor").await.status,
        pb::Status::Disabled as i32
    );
    let bodies = format!("{:?}", received.lock().unwrap());
    assert!(!bodies.contains(KEY), "{bodies}");

    hub.stop().await.unwrap();
}

/// The balance settings written in the YAML config (no SetChannelBalanceSettings) drive the
/// low-balance alert and disable-on-empty, here on a StepFun account.
#[tokio::test]
async fn balance_settings_from_the_yaml_config_alert_and_disable_a_stepfun_channel() {
    let account = Arc::new(Account::default());
    *account.balance.lock().unwrap() = "20".into();
    let base_url = vendor(account.clone()).await;
    let (hook, received) = receiver().await;
    let (mut settings, data_dir) = TestHub::settings();
    settings.notify_webhook_url = Some(hook);
    let path = data_dir.path().join("aiproxy.yaml");
    let yaml = config("stepfun", &base_url).replace(
        "    models: [m]\n  - name: claude",
        "    models: [m]\n    balance_threshold: 50\n    disable_when_empty: true\n  - name: claude",
    );
    assert!(yaml.contains("balance_threshold"), "{yaml}");
    std::fs::write(&path, yaml).unwrap();
    settings.config_file_path = Some(path);
    let hub = TestHub::start_with(settings, data_dir).await;

    let vendor_channel = channel_named(&hub, "vendor").await;
    let shown = vendor_channel.balance.unwrap();
    assert!(shown.supported);
    assert_eq!(
        (shown.threshold, shown.disable_when_empty),
        (Some(50.0), true)
    );
    assert_eq!(
        update_balance(&hub, vendor_channel.id).await.balance,
        Some(20.0)
    );
    let low = alerts_of(&received, "channel_balance_low", 1).await;
    assert_eq!(low[0]["event"]["threshold"], 50.0);
    *account.balance.lock().unwrap() = "0".into();
    update_balance(&hub, vendor_channel.id).await;
    alerts_of(&received, "channel_disabled_empty", 1).await;
    assert_eq!(
        channel_named(&hub, "vendor").await.status,
        pb::Status::Disabled as i32
    );
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn the_refresh_task_reads_every_balance_channel_on_its_interval_on_postgres() {
    let database = support::TestDatabase::create().await;
    let account = Arc::new(Account::default());
    *account.balance.lock().unwrap() = "42.25".into();
    let base_url = vendor(account.clone()).await;
    let (mut settings, data_dir) = TestHub::settings();
    settings.sql_dsn = Some(database.url());
    settings.channel_balance_refresh_seconds = 1;
    let path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&path, config("siliconflow", &base_url)).unwrap();
    settings.config_file_path = Some(path);
    let hub = TestHub::start_with(settings, data_dir).await;

    let mut shown = None;
    for _ in 0..100 {
        let balance = channel_named(&hub, "vendor").await.balance.unwrap();
        if balance.balance.is_some() {
            shown = Some(balance);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let shown = shown.expect("the refresh never stored a balance");
    assert_eq!(shown.balance, Some(42.25));
    assert_eq!(shown.currency, "");
    assert!(account.hits.load(Ordering::SeqCst) >= 1);
    // The channel without a balance API was never asked, and has nothing stored.
    assert!(
        channel_named(&hub, "claude")
            .await
            .balance
            .unwrap()
            .last_error
            .is_empty()
    );

    // A later balance replaces it on a later run.
    *account.balance.lock().unwrap() = "40.00".into();
    let mut refreshed = false;
    for _ in 0..100 {
        if channel_named(&hub, "vendor").await.balance.unwrap().balance == Some(40.0) {
            refreshed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(refreshed, "a second refresh never ran");

    // Settings round-trip on Postgres too, a cleared threshold included, and keep the reading.
    let id = channel_named(&hub, "vendor").await.id;
    for threshold in [Some(12.5), None] {
        let stored = client(&hub)
            .await
            .set_channel_balance_settings(support::admin(pb::SetChannelBalanceSettingsRequest {
                id,
                threshold,
                disable_when_empty: threshold.is_some(),
            }))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(stored.threshold, threshold);
        assert_eq!(stored.disable_when_empty, threshold.is_some());
        assert!(stored.balance.is_some());
    }
    hub.stop().await.unwrap();
}
