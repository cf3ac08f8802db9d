//! Runs the Python client's pytest suite (`clients/python/tests`) against the control plane
//! booted here, so the generated stubs, reflection and auth are checked from another language.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use crate::support;

use hub::edges::admin_key::AdminKey;
use hub::edges::grpc::{ControlPlane, router};
use hub::snapshot::changes::ChangeFeed;
use hub::store::Store;

const ADMIN_KEY: &str = "python-admin-key-0123";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_suite_passes() {
    if !support::external_clients("Python and the SDKs of .ci/requirements.txt") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(dir.path().join("db.sqlite").to_str().unwrap())
        .await
        .unwrap();
    let app = router(ControlPlane {
        log_store: store.clone(),
        store: store.clone(),
        changes: ChangeFeed::new(),
        access: hub::access::Access::new(AdminKey::new(ADMIN_KEY.to_owned()).unwrap(), None),
        group_max_tokens: 0,
        mcp_openapi_compact_above_bytes: None,
        mcp_templates: mcp::embedded_templates()
            .iter()
            .filter(|template| template.name == "time")
            .copied()
            .collect(),
        quota_time_zone: chrono_tz::Tz::UTC,
        clean_log_batch_size: 5_000,
        channel_health: hub::relay_host::shared_health::SharedHealth::local(
            relay::BanPolicy::default(),
        ),
        live_rates: hub::governance::rates::LiveRates::local(),
        channel_tester: None,
        mcp_calls: None,
        upstream_auth: None,
        balances: hub::balances::BalanceChecker::new(
            store.clone(),
            ChangeFeed::new(),
            hub::alerts::Alerts::start(Default::default()),
        ),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let target = addr.to_string();
    let stdout = support::run_pytest(
        "clients/python/tests",
        &[
            ("AIPROXY_GRPC_TARGET", &target),
            ("AIPROXY_ADMIN_KEY", ADMIN_KEY),
        ],
    )
    .await;
    // Every test ran: none was skipped for want of a server.
    assert!(stdout.contains("5 passed"), "{stdout}");
    assert!(!stdout.contains("skipped"), "{stdout}");
}
