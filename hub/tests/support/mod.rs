//! Test support: boots the whole hub on 127.0.0.1:0 with a fresh SQLite database (or a Postgres database and Redis prefix of its own) and stops it on drop.

#![allow(
    dead_code,
    reason = "each test module uses a different part of the support module"
)]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test support: a failure here is a failed test"
)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use hub::process::settings::Settings;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const ADMIN_KEY: &str = "test-admin-key-0123456789";
/// The secret key every test hub encrypts stored secrets with, so replicas of one test share
/// their database as production replicas do (one `SECRET_KEY`); tests of generated keys unset it.
pub const SECRET_KEY: &str = "5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e";

pub struct TestHub {
    pub addr: SocketAddr,
    data_dir: Option<tempfile::TempDir>,
    data_path: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

impl TestHub {
    /// Default settings on a fresh SQLite database, with the test admin and secret keys.
    pub fn settings() -> (Settings, tempfile::TempDir) {
        let data_dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::for_data_dir(data_dir.path());
        settings.admin_key = Some(ADMIN_KEY.into());
        settings.secret_key = Some(SECRET_KEY.into());
        settings.shutdown_grace_seconds = 5;
        settings.config_poll_seconds = 1;
        (settings, data_dir)
    }

    pub async fn start() -> TestHub {
        let (settings, data_dir) = TestHub::settings();
        TestHub::start_with(settings, data_dir).await
    }

    /// Starts with `yaml` as the config file (`CONFIG_FILE_PATH`), applied at startup.
    pub async fn start_with_config(yaml: &str) -> TestHub {
        let (mut settings, data_dir) = TestHub::settings();
        let config_path = data_dir.path().join("aiproxy.yaml");
        std::fs::write(&config_path, yaml).unwrap();
        settings.config_file_path = Some(config_path);
        TestHub::start_with(settings, data_dir).await
    }

    /// A replica on `database` and the local Redis under `prefix`; the first one of a group is
    /// given `config` to apply at startup, the others find it in the shared database.
    pub async fn replica(database: &TestDatabase, prefix: &str, config: Option<&str>) -> TestHub {
        let (mut settings, data_dir) = TestHub::settings();
        settings.sql_dsn = Some(database.url());
        settings.redis = Some("redis://127.0.0.1:6379".into());
        settings.redis_key_prefix = prefix.to_owned();
        if let Some(config) = config {
            let path = data_dir.path().join("aiproxy.yaml");
            std::fs::write(&path, config).unwrap();
            settings.config_file_path = Some(path);
        }
        TestHub::start_with(settings, data_dir).await
    }

    pub async fn start_with(settings: Settings, data_dir: tempfile::TempDir) -> TestHub {
        // AIPROXY_TEST_LOG=1 shows the server's own log lines while debugging a test.
        if std::env::var_os("AIPROXY_TEST_LOG").is_some() {
            hub::process::telemetry::init("text");
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(hub::run(settings, listener, async move {
            let _ = stopped.await;
        }));
        let mut hub = TestHub {
            addr,
            data_path: data_dir.path().to_path_buf(),
            data_dir: Some(data_dir),
            stop: Some(stop),
            task: Some(task),
        };
        hub.wait_ready().await;
        hub
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// POSTs `body` as JSON to `path` with `key` as the Bearer key.
    pub async fn post_json(
        &self,
        key: &str,
        path: &str,
        body: serde_json::Value,
    ) -> reqwest::Response {
        reqwest::Client::new()
            .post(self.url(path))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub fn data_path(&self) -> PathBuf {
        self.data_path.clone()
    }

    async fn wait_ready(&mut self) {
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(response) = client.get(self.url("/api/status")).send().await
                && response.status().is_success()
            {
                return;
            }
            if self.task.as_ref().is_some_and(|task| task.is_finished()) {
                // Why it stopped is the whole point of the failure: say it.
                let outcome = self.task.take().unwrap().await;
                panic!("the hub stopped during startup: {outcome:?}");
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the hub did not become ready");
    }

    /// Asks the hub to shut down and waits for `run` to return.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.stop_keeping_data().await.0
    }

    /// Like `stop`, and hands over the data directory so the test can inspect what was written.
    pub async fn stop_keeping_data(mut self) -> (anyhow::Result<()>, Option<tempfile::TempDir>) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let outcome = match self.task.take() {
            Some(task) => task.await.unwrap(),
            None => Ok(()),
        };
        (outcome, self.data_dir.take())
    }
}

impl Drop for TestHub {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

pub mod browser;
pub mod forwarder;
pub mod mcp_calls;
pub mod mock_agent;
pub mod mock_anthropic;
pub mod mock_ark_video;
pub mod mock_baidu;
pub mod mock_bedrock;
pub mod mock_cohere;
pub mod mock_coze;
pub mod mock_dashscope_audio;
pub mod mock_dashscope_video;
pub mod mock_doc2x;
pub mod mock_gemini;
pub mod mock_gemini_audio;
pub mod mock_google_media;
pub mod mock_oauth;
pub mod mock_ollama;
pub mod mock_openai;
pub mod mock_openai_media;
pub mod mock_openai_video;
pub mod mock_openai_wire;
pub mod mock_upstream_oauth;
pub mod mock_vertex;
pub mod recorded;
pub mod recording_front;
pub mod store_db;
pub mod traffic;

/// The Postgres these machines run; each test makes a database of its own on it.
pub const POSTGRES_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A Postgres database that exists for one test and is dropped afterwards.
pub struct TestDatabase {
    pub name: String,
}

impl TestDatabase {
    pub async fn create() -> TestDatabase {
        use sqlx::Connection;
        let name = format!("aiproxy_t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(POSTGRES_ADMIN_URL)
            .await
            .expect("Postgres must answer on 127.0.0.1:5432 (.ci/run starts it)");
        // The name is ours (a UUID), and identifiers cannot be bound parameters.
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .unwrap();
        TestDatabase { name }
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:5432/{}", self.name)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        on_private_runtime(async move {
            use sqlx::Connection;
            if let Ok(mut admin) = sqlx::PgConnection::connect(POSTGRES_ADMIN_URL).await {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut admin)
                .await;
            }
        });
    }
}

/// Runs `work` to its end on a runtime of its own, on a thread of its own: `Drop` cannot await,
/// and runs outside any runtime it could rely on.
fn on_private_runtime(work: impl std::future::Future<Output = ()> + Send + 'static) {
    let _ = std::thread::spawn(move || {
        if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            runtime.block_on(work);
        }
    })
    .join();
}

/// The MariaDB these machines run (root, no password); the OneAPI importer's tests make a
/// database of their own on it.
pub const MYSQL_ADMIN_URL: &str = "mysql://root@127.0.0.1:3306/mysql";

/// A MySQL database that exists for one test and is dropped afterwards.
pub struct MysqlDatabase {
    pub name: String,
}

impl MysqlDatabase {
    pub async fn create() -> MysqlDatabase {
        use sqlx::Connection;
        let name = format!("aiproxy_t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::MySqlConnection::connect(MYSQL_ADMIN_URL)
            .await
            .expect("MariaDB must answer on 127.0.0.1:3306 (.ci/run starts it)");
        // The name is ours (a UUID), and identifiers cannot be bound parameters.
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .unwrap();
        MysqlDatabase { name }
    }

    pub fn url(&self) -> String {
        format!("mysql://root@127.0.0.1:3306/{}", self.name)
    }
}

impl Drop for MysqlDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        on_private_runtime(async move {
            use sqlx::Connection;
            if let Ok(mut admin) = sqlx::MySqlConnection::connect(MYSQL_ADMIN_URL).await {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name}"
                )))
                .execute(&mut admin)
                .await;
            }
        });
    }
}

/// A Redis key prefix no other test run uses.
pub fn unique_redis_prefix() -> String {
    format!("aiproxy-test-{}", uuid::Uuid::new_v4().simple())
}

/// A gRPC channel to the hub's control plane (same port as HTTP).
pub async fn control_channel(hub: &TestHub) -> tonic::transport::Channel {
    tonic::transport::Endpoint::from_shared(hub.url(""))
        .unwrap()
        .connect()
        .await
        .unwrap()
}

/// Wraps a control-plane request with the admin key.
pub fn admin<T>(message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.metadata_mut().insert(
        "authorization",
        format!("Bearer {ADMIN_KEY}").parse().unwrap(),
    );
    request
}

/// The Python of the venv `.ci/test` prepares (`AIPROXY_PYTHON` overrides it).
pub fn python() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = std::env::var_os("AIPROXY_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join(".venv/bin/python"));
    assert!(
        python.exists(),
        "no Python venv at {}: run .ci/test once (it creates .venv with the SDKs)",
        python.display()
    );
    python
}

/// Runs pytest on `target` (relative to the repository root) with `env`, printing its report and
/// failing the test with pytest's output when any Python test failed. Returns pytest's report.
pub async fn run_pytest(target: &str, env: &[(&str, &str)]) -> String {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = tokio::process::Command::new(python())
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", target])
        .current_dir(&repo)
        .envs(env.iter().copied())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "pytest {target} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout.into_owned()
}

/// Runs `hub/tests/python/test_provider_faces.py`: `model` on `hub`, whatever its channel's
/// family, reached from the openai (chat and Responses), anthropic and Gemini faces, whole and
/// streamed, each answer reading `text` with usage.
pub async fn check_every_face(hub: &TestHub, token: &str, model: &str, text: &str) -> String {
    let base_url = hub.url("");
    run_pytest(
        "hub/tests/python/test_provider_faces.py",
        &[
            ("AIPROXY_BASE_URL", &base_url),
            ("AIPROXY_TOKEN", token),
            ("AIPROXY_MODEL", model),
            ("AIPROXY_EXPECT_TEXT", text),
        ],
    )
    .await
}

/// The group's request-log rows (newest first), waiting until at least `at_least` are written:
/// the log writer batches, so rows appear a little after the answers.
pub async fn group_logs(
    hub: &TestHub,
    group_id: &str,
    at_least: usize,
) -> Vec<hub::edges::grpc::pb::RequestLog> {
    use hub::edges::grpc::pb;
    let mut logs = pb::log_service_client::LogServiceClient::new(control_channel(hub).await);
    let mut rows = Vec::new();
    for _ in 0..200 {
        rows = logs
            .list_logs(admin(pb::ListLogsRequest {
                filter: Some(pb::LogFilter {
                    group_id: Some(group_id.into()),
                    ..pb::LogFilter::default()
                }),
                page_size: 100,
                page_token: String::new(),
            }))
            .await
            .unwrap()
            .into_inner()
            .logs;
        if rows.len() >= at_least {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    rows
}

/// The environment switch that runs the tests driving the gateway with Python, Node or Chromium.
pub const EXTERNAL_CLIENTS: &str = "AIPROXY_EXTERNAL_CLIENTS";

/// Whether a test that needs `tools` runs: only with `AIPROXY_EXTERNAL_CLIENTS=1`, which
/// `.ci/test` sets, so a contributor without Python or Node still gets a meaningful
/// `cargo test`. Otherwise the test says on stderr (past the test harness's capture, so it
/// shows) that it was skipped and why. With the switch on, a missing tool fails the test.
pub fn external_clients(tools: &str) -> bool {
    if std::env::var_os(EXTERNAL_CLIENTS).is_some_and(|value| value == "1") {
        return true;
    }
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    let line = format!("skipped {test}: it needs {tools}; {EXTERNAL_CLIENTS}=1 runs it\n");
    let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
    false
}

/// Runs `test` (its path in this binary, `module::name`) again in a child process of its own,
/// failing when it fails there, and returns `true` inside that child. For a test that installs
/// process-wide state (the global tracing subscriber) every other test of the binary would
/// otherwise inherit.
pub async fn in_own_process(test: &str) -> bool {
    const CHILD: &str = "AIPROXY_TEST_IN_OWN_PROCESS";
    if std::env::var_os(CHILD).is_some_and(|name| name == test) {
        return true;
    }
    let output = tokio::process::Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, test)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{test} failed or did not run in its own process ({}):\n{stdout}\n{stderr}",
        output.status
    );
    false
}
