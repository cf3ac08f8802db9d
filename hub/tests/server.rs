//! The whole server booted on port 0: status page, one port for HTTP and gRPC, admin key generation, startup errors and graceful shutdown.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use support::TestHub;

#[tokio::test]
async fn status_reports_version_uptime_and_storage() {
    let hub = TestHub::start().await;
    let response = reqwest::get(hub.url("/api/status")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert!(body["uptime_seconds"].is_u64());
    assert_eq!(body["storage"]["reachable"], true);
    assert_eq!(body["storage"]["backend"], "sqlite");
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn grpc_health_is_served_on_the_http_port() {
    let hub = TestHub::start().await;
    let channel = tonic::transport::Endpoint::from_shared(hub.url(""))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
    let answer = health
        .check(tonic_health::pb::HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        answer.status,
        tonic_health::pb::health_check_response::ServingStatus::Serving as i32
    );
    // And plain HTTP/1.1 on the same port still answers.
    assert_eq!(
        reqwest::get(hub.url("/api/status")).await.unwrap().status(),
        200
    );
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn a_missing_admin_key_is_generated_once_with_private_permissions() {
    let (mut settings, data_dir) = TestHub::settings();
    settings.admin_key = None;
    let hub = TestHub::start_with(settings, data_dir).await;
    let key_file = hub.data_path().join("admin_key");
    let key = std::fs::read_to_string(&key_file).unwrap();
    assert!(key.len() >= 32);
    assert_eq!(
        std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    hub.stop().await.unwrap();
}

#[tokio::test]
async fn shutdown_returns_cleanly() {
    let hub = TestHub::start().await;
    let addr = hub.addr;
    hub.stop().await.unwrap();
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "the listener is closed after shutdown"
    );
}

fn aiproxy() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aiproxy"));
    // The tests must not pick up a developer's own configuration.
    for variable in [
        "LISTEN",
        "ADMIN_KEY",
        "SQL_DSN",
        "LOG_SQL_DSN",
        "SQLITE_PATH",
        "REDIS",
        "CONFIG_FILE_PATH",
        "DATA_DIR",
    ] {
        command.env_remove(variable);
    }
    command
}

#[test]
fn help_documents_every_variable_with_defaults() {
    let output = aiproxy().arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for variable in [
        "LISTEN",
        "ADMIN_KEY",
        "SQL_DSN",
        "LOG_SQL_DSN",
        "SQLITE_PATH",
        "REDIS",
        "REDIS_KEY_PREFIX",
        "BILLING_ENABLED",
        "SAVE_ALL_LOG_DETAIL",
        "GROUP_MAX_TOKEN_NUM",
        "LOG_STORAGE_HOURS",
        "LOG_DETAIL_STORAGE_HOURS",
        "CLEAN_LOG_BATCH_SIZE",
        "IP_GROUPS_THRESHOLD",
        "IP_GROUPS_BAN_THRESHOLD",
        "RETRY_TIMES",
        "CONFIG_FILE_PATH",
    ] {
        assert!(
            help.contains(&format!("env: {variable}")),
            "--help does not document {variable}"
        );
    }
    assert!(help.contains("[default: 0.0.0.0:3000]"));
}

#[test]
fn a_bad_environment_value_stops_startup_naming_the_variable() {
    let output = aiproxy().env("RETRY_TIMES", "lots").output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("RETRY_TIMES"), "{stderr}");

    let output = aiproxy().env("LISTEN", "not-an-address").output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("LISTEN"));
}

#[test]
fn an_unusable_redis_url_stops_startup_without_echoing_it() {
    let data_dir = tempfile::tempdir().unwrap();
    let output = aiproxy()
        .env("LISTEN", "127.0.0.1:0")
        .env("DATA_DIR", data_dir.path())
        .env("SQLITE_PATH", data_dir.path().join("db.sqlite"))
        .env("ADMIN_KEY", support::ADMIN_KEY)
        .env("REDIS", "bogus://user:hunter2@nowhere")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("REDIS"), "{stderr}");
    assert!(
        !stderr.contains("hunter2"),
        "the redis password leaked: {stderr}"
    );
}

#[test]
fn sigterm_stops_the_binary_gracefully() {
    let data_dir = tempfile::tempdir().unwrap();
    let child = aiproxy()
        .env("LISTEN", "127.0.0.1:0")
        .env("DATA_DIR", data_dir.path())
        .env("SQLITE_PATH", data_dir.path().join("db.sqlite"))
        .env("ADMIN_KEY", support::ADMIN_KEY)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let database = data_dir.path().join("db.sqlite");
    for _ in 0..400 {
        if database.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    // The signal may arrive while the server is still starting (migrations, warm-up): the
    // handler is installed before startup, so the stop is graceful either way.
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains("aiproxy stopped"), "{stderr}");
}

/// Log lines written to a file (or a pipe) are plain text: colour escapes are for terminals.
#[test]
fn log_lines_in_a_file_carry_no_colour_escapes() {
    let data_dir = tempfile::tempdir().unwrap();
    let log_path = data_dir.path().join("aiproxy.log");
    let log_file = std::fs::File::create(&log_path).unwrap();
    let mut child = aiproxy()
        .env("LISTEN", "127.0.0.1:0")
        .env("DATA_DIR", data_dir.path())
        .env("SQLITE_PATH", data_dir.path().join("db.sqlite"))
        .env("ADMIN_KEY", support::ADMIN_KEY)
        .env("RUST_LOG", "info")
        .env("LOG_FORMAT", "text")
        .stderr(std::process::Stdio::from(log_file))
        .spawn()
        .unwrap();
    let mut ready = false;
    for _ in 0..800 {
        if std::fs::read_to_string(&log_path).is_ok_and(|log| log.contains("aiproxy is ready")) {
            ready = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    assert!(child.wait().unwrap().success());
    let log = std::fs::read(&log_path).unwrap();
    let text = String::from_utf8_lossy(&log);
    assert!(ready, "the server never said it was ready:\n{text}");
    assert!(text.contains(" INFO "), "{text}");
    assert!(
        !log.contains(&0x1b),
        "a log file holds terminal escapes:\n{}",
        text.escape_debug()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_and_export_subcommands_talk_to_a_running_server() {
    let hub = TestHub::start().await;
    let example =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/aiproxy.yaml");
    let server = hub.url("");
    let run = move |args: Vec<String>| {
        let mut command = aiproxy();
        command.args(args).env("ADMIN_KEY", support::ADMIN_KEY);
        command.output().unwrap()
    };
    let apply_args = vec![
        "apply".to_owned(),
        "-f".to_owned(),
        example.display().to_string(),
        "--server".to_owned(),
        server.clone(),
    ];
    let first = tokio::task::spawn_blocking({
        let args = apply_args.clone();
        move || run(args)
    })
    .await
    .unwrap();
    let first_report = String::from_utf8_lossy(&first.stdout).to_string();
    assert!(
        first.status.success(),
        "{first_report}{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(first_report.contains("created"), "{first_report}");

    let second = tokio::task::spawn_blocking(move || run(apply_args))
        .await
        .unwrap();
    let second_report = String::from_utf8_lossy(&second.stdout).to_string();
    assert!(second.status.success());
    assert!(
        !second_report.contains("created"),
        "applying twice changes nothing: {second_report}"
    );

    let export =
        tokio::task::spawn_blocking(move || run(vec!["export".into(), "--server".into(), server]))
            .await
            .unwrap();
    let exported = String::from_utf8_lossy(&export.stdout).to_string();
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    assert!(exported.contains("try-it"), "{exported}");
    assert!(
        !exported.contains("sk-upstream"),
        "the channel key is masked: {exported}"
    );
    assert!(
        !exported.contains("sk-acme-ci-0001"),
        "token keys are never exported: {exported}"
    );

    let wrong_key = aiproxy()
        .args(["export", "--server", &hub.url("")])
        .env("ADMIN_KEY", "wrong-admin-key-000")
        .output()
        .unwrap();
    assert!(!wrong_key.status.success());
    hub.stop().await.unwrap();
}
