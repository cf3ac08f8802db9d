//! Alerts delivered to a local webhook receiver: the generic and Feishu bodies, throttling per key, and a failing request log writer raising its alert.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is a failed test"
)]

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::post;
use hub::alerts::webhook::SharedThrottle;
use hub::alerts::{AlertConfig, AlertEvent, Alerts, WebhookFormat};
use hub::logs::entry::{LogEntry, WriterConfig};
use hub::process::redis_link::RedisLink;
use hub::store::Store;
use relay::host::UsageRecord;
use rust_decimal::Decimal;
use serde_json::{Value, json};

pub(crate) type Received = Arc<Mutex<Vec<Value>>>;

/// A webhook receiver on 127.0.0.1:0 keeping every JSON body it gets.
pub(crate) async fn receiver() -> (String, Received) {
    let received = Received::default();
    let app = Router::new()
        .route(
            "/hook",
            post(
                |State(received): State<Received>, Json(body): Json<Value>| async move {
                    received.lock().unwrap().push(body);
                    Json(json!({"ok": true}))
                },
            ),
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), received)
}

/// Waits until `count` bodies arrived (or fails after 10 s), then a little longer so an
/// unexpected extra delivery would be seen too.
pub(crate) async fn wait_for(received: &Received, count: usize) -> Vec<Value> {
    for _ in 0..500 {
        if received.lock().unwrap().len() >= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    received.lock().unwrap().clone()
}

fn banned(channel_id: i64) -> AlertEvent {
    AlertEvent::ChannelBanned {
        channel_id,
        model: "gpt-4o".into(),
        reason: "5 consecutive errors".into(),
    }
}

#[tokio::test]
async fn generic_bodies_are_throttled_per_key() {
    let (url, received) = receiver().await;
    let alerts = Alerts::start(AlertConfig {
        webhook_url: Some(url),
        format: WebhookFormat::Generic,
        throttle: Duration::from_secs(300),
        shared: None,
    });
    alerts.raise(banned(3));
    alerts.raise(banned(3));
    alerts.raise(banned(4));
    alerts.raise(AlertEvent::BalanceLow {
        group_id: "acme".into(),
        balance: Decimal::from_str("1.5").unwrap(),
        threshold: Decimal::from(5),
    });
    let bodies = wait_for(&received, 3).await;
    assert_eq!(bodies.len(), 3, "{bodies:?}");
    let first = &bodies[0];
    assert_eq!(first["source"], "aiproxy");
    assert_eq!(first["kind"], "channel_banned");
    assert_eq!(first["key"], "channel_banned:3:gpt-4o");
    assert_eq!(
        first["message"],
        "channel 3 banned for model gpt-4o: 5 consecutive errors"
    );
    assert!(first["time_ms"].as_i64().unwrap() > 1_700_000_000_000);
    assert_eq!(
        first["event"],
        json!({"kind": "channel_banned", "channel_id": 3, "model": "gpt-4o", "reason": "5 consecutive errors"})
    );
    assert_eq!(bodies[1]["key"], "channel_banned:4:gpt-4o");
    assert_eq!(bodies[2]["kind"], "balance_low");
    assert_eq!(bodies[2]["event"]["group_id"], "acme");
}

#[tokio::test]
async fn replicas_sharing_redis_send_each_alert_once() {
    let (url, received) = receiver().await;
    let prefix = format!("aiproxy-test-{}:", uuid::Uuid::new_v4().simple());
    let mut replicas = Vec::new();
    for _ in 0..3 {
        let client = redis::Client::open("redis://127.0.0.1:6379").unwrap();
        let manager = hub::process::redis_link::connect(client, Default::default())
            .await
            .expect("redis on 127.0.0.1:6379");
        replicas.push(Alerts::start(AlertConfig {
            webhook_url: Some(url.clone()),
            format: WebhookFormat::Generic,
            throttle: Duration::from_secs(300),
            shared: Some(SharedThrottle {
                link: RedisLink::new(manager),
                prefix: prefix.clone(),
            }),
        }));
    }
    // Every replica sees the same two events (a ban decided from shared counters, say).
    for replica in &replicas {
        replica.raise(banned(7));
        replica.raise(banned(8));
    }
    let bodies = wait_for(&received, 2).await;
    let mut keys: Vec<_> = bodies.iter().map(|body| body["key"].clone()).collect();
    keys.sort_by_key(Value::to_string);
    assert_eq!(
        keys,
        [
            json!("channel_banned:7:gpt-4o"),
            json!("channel_banned:8:gpt-4o")
        ],
        "three replicas, two events: two deliveries"
    );
}

#[tokio::test]
async fn feishu_gets_a_text_message_and_the_window_reopens() {
    let (url, received) = receiver().await;
    let alerts = Alerts::start(AlertConfig {
        webhook_url: Some(url),
        format: WebhookFormat::Feishu,
        throttle: Duration::from_millis(300),
        shared: None,
    });
    let ip = AlertEvent::IpSharedByGroups {
        ip: "203.0.113.9".into(),
        groups: 12,
    };
    alerts.raise(ip.clone());
    alerts.raise(ip.clone());
    tokio::time::sleep(Duration::from_millis(400)).await;
    alerts.raise(ip);
    let bodies = wait_for(&received, 2).await;
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    assert_eq!(
        bodies[0],
        json!({"msg_type": "text", "content": {"text": "[aiproxy] client address 203.0.113.9 used 12 groups within an hour"}})
    );
}

#[tokio::test]
async fn a_failing_log_writer_raises_an_alert() {
    let (url, received) = receiver().await;
    let alerts = Alerts::start(AlertConfig {
        webhook_url: Some(url),
        ..AlertConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(dir.path().join("logs.db").to_str().unwrap())
        .await
        .unwrap();
    sqlx::query("ALTER TABLE request_logs RENAME TO request_logs_away")
        .execute(store.pool())
        .await
        .unwrap();
    let mut config = WriterConfig::new(store.clone());
    config.alerts = Some(alerts);
    let (sink, writer) = hub::logs::writer::spawn_with(config);
    sink.submit(LogEntry::from(UsageRecord {
        group_id: Some("acme".into()),
        requested_model: Some("gpt-4o".into()),
        total: Duration::from_millis(5),
        ..UsageRecord::new("r-1", "/v1/chat/completions", 200)
    }));
    let bodies = wait_for(&received, 1).await;
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert_eq!(bodies[0]["kind"], "log_write_failing");
    assert!(
        bodies[0]["message"]
            .as_str()
            .unwrap()
            .contains("request_logs"),
        "{bodies:?}"
    );
    // The database recovers: the row retried all along is written.
    sqlx::query("ALTER TABLE request_logs_away RENAME TO request_logs")
        .execute(store.pool())
        .await
        .unwrap();
    writer.finish().await;
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM request_logs")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(rows, 1);
}

/// Channel health with the default ban policy that alerts to a local receiver;
/// `error_rate_threshold` 0 turns the error-rate alert off.
async fn alerting_health(
    error_rate_threshold: f64,
) -> (hub::alerts::AlertingHealth<relay::InMemoryHealth>, Received) {
    alerting_health_with(error_rate_threshold, HashMap::new()).await
}

/// As [`alerting_health`], with channels that have error-rate thresholds of their own.
async fn alerting_health_with(
    error_rate_threshold: f64,
    channel_rates: HashMap<i64, relay::ErrorRateThresholds>,
) -> (hub::alerts::AlertingHealth<relay::InMemoryHealth>, Received) {
    let (url, received) = receiver().await;
    let alerts = Alerts::start(AlertConfig {
        webhook_url: Some(url),
        ..AlertConfig::default()
    });
    let health = hub::alerts::AlertingHealth::new(
        relay::InMemoryHealth::new(relay::BanPolicy::default()),
        alerts,
        Box::new(move || error_rate_threshold),
        Box::new(move |channel_id| channel_rates.get(&channel_id).copied().unwrap_or_default()),
    );
    (health, received)
}

#[tokio::test]
async fn a_channel_warn_rate_alerts_where_the_default_is_off() {
    use relay::{ChannelHealth, ErrorRateThresholds, Outcome};

    let own = ErrorRateThresholds {
        warn: Some(0.3),
        ban: None,
    };
    // The default warn rate is off (0): only channel 21, with its own 30%, is reported.
    let (health, received) = alerting_health_with(0.0, HashMap::from([(21, own)])).await;
    for channel in [22, 21] {
        for _ in 0..3 {
            health.report(channel, "gpt-4o", Outcome::Failure);
            health.report(channel, "gpt-4o", Outcome::Success);
        }
    }
    let bodies = wait_for(&received, 1).await;
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert_eq!(bodies[0]["kind"], "error_rate_high");
    assert_eq!(bodies[0]["event"]["channel_id"], 21);
    assert_eq!(bodies[0]["event"]["threshold"], 0.3);
}

#[tokio::test]
async fn a_channel_with_a_lower_ban_rate_is_banned_where_another_is_not() {
    use relay::{Availability, ChannelHealth, ErrorRateThresholds, Outcome};

    let strict = ErrorRateThresholds {
        warn: None,
        ban: Some(0.4),
    };
    let (health, received) = alerting_health_with(0.0, HashMap::from([(31, strict)])).await;
    // The same traffic on both: every other request fails, never five failures in a row. A
    // banned pair gets no more traffic (a success would lift its ban).
    let mut banned = (false, false);
    for _ in 0..10 {
        banned.0 |= health.report(31, "gpt-4o", Outcome::Failure);
        banned.1 |= health.report(32, "gpt-4o", Outcome::Failure);
        if banned.0 {
            break;
        }
        health.report(31, "gpt-4o", Outcome::Success);
        health.report(32, "gpt-4o", Outcome::Success);
    }
    assert_eq!(banned, (true, false));
    assert_eq!(health.availability(31, "gpt-4o"), Availability::Banned);
    assert!(matches!(
        health.availability(32, "gpt-4o"),
        Availability::Available { .. }
    ));
    let bodies = wait_for(&received, 1).await;
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert_eq!(bodies[0]["key"], "channel_banned:31:gpt-4o");
    let reason = bodies[0]["event"]["reason"].as_str().unwrap();
    assert!(reason.contains("ban threshold 40%"), "{reason}");
}

#[tokio::test]
async fn a_banned_channel_is_reported() {
    use relay::{BanPolicy, ChannelHealth, Outcome};

    // Error rate alerts off: only the ban is expected.
    let (health, received) = alerting_health(0.0).await;
    let mut banned = false;
    for _ in 0..BanPolicy::default().failure_threshold {
        banned = health.report(9, "gpt-4o", Outcome::Failure);
    }
    assert!(banned);
    let bodies = wait_for(&received, 1).await;
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert_eq!(bodies[0]["key"], "channel_banned:9:gpt-4o");
}

#[tokio::test]
async fn a_high_error_rate_is_reported_once_per_window() {
    use relay::{ChannelHealth, Outcome};

    let (health, received) = alerting_health(0.5).await;
    // Alternating results never ban, but two failures in three requests pass 50%.
    for _ in 0..4 {
        health.report(11, "gpt-4o", Outcome::Failure);
        health.report(11, "gpt-4o", Outcome::Failure);
        health.report(11, "gpt-4o", Outcome::Success);
    }
    let bodies = wait_for(&received, 1).await;
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert_eq!(bodies[0]["kind"], "error_rate_high");
    assert_eq!(bodies[0]["event"]["threshold"], 0.5);
}

#[tokio::test]
async fn a_refused_key_bans_its_pair_and_raises_the_no_permission_alert() {
    use relay::{Availability, ChannelHealth, Outcome};

    let (health, received) = alerting_health(0.5).await;
    assert!(health.report(12, "gpt-4o", Outcome::KeyRefused { status: 401 }));
    assert_eq!(health.availability(12, "gpt-4o"), Availability::Banned);
    let bodies = wait_for(&received, 1).await;
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    assert_eq!(bodies[0]["kind"], "upstream_no_permission");
    assert_eq!(bodies[0]["event"]["status"], 401);
    assert_eq!(bodies[0]["event"]["channel_id"], 12);
}
