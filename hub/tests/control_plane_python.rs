//! Runs the Python client's pytest suite (`clients/python/tests`) against the control plane
//! booted here, so the generated stubs, reflection and auth are checked from another language.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use std::path::PathBuf;

use hub::admin_key::AdminKey;
use hub::changes::ChangeHub;
use hub::grpc::{ControlPlane, router};
use hub::store::Store;

const ADMIN_KEY: &str = "python-admin-key-0123";

/// `AIPROXY_PYTHON`, or the repository's `.venv/bin/python`.
fn python() -> PathBuf {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = std::env::var_os("AIPROXY_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join(".venv/bin/python"));
    assert!(
        python.exists(),
        "no python at {} (set AIPROXY_PYTHON to a python with grpcio, grpcio-reflection, pytest)",
        python.display()
    );
    python
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_suite_passes() {
    let python = python();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(dir.path().join("db.sqlite").to_str().unwrap())
        .await
        .unwrap();
    let app = router(ControlPlane {
        log_store: store.clone(),
        store,
        changes: ChangeHub::new(),
        admin_key: AdminKey::new(ADMIN_KEY.to_owned()).unwrap(),
        group_max_tokens: 0,
        mcp_templates: vec!["time".into()],
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = tokio::process::Command::new(&python)
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "clients/python/tests",
        ])
        .current_dir(&repo)
        .env("AIPROXY_GRPC_TARGET", addr.to_string())
        .env("AIPROXY_ADMIN_KEY", ADMIN_KEY)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "pytest failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    // Every test ran: none was skipped for want of a server.
    assert!(stdout.contains("3 passed"), "{stdout}");
    assert!(!stdout.contains("skipped"), "{stdout}");
}
