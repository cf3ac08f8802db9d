//! The real Claude Code, Codex and Gemini CLIs (pinned in `hub/tests/clis/package-lock.json`) run
//! headless through the whole server to a scripted upstream: one tool round trip each, offline.
//!
//! Each run gets a HOME (and CODEX_HOME) of its own in a temp dir, an environment cleared of
//! everything but PATH, the CLI's telemetry and update checks switched off, and a timeout after
//! which the CLI is killed and its stderr shown. The upstream answers the first turn with a tool
//! call the CLI runs harmlessly (reading a file in the run's working dir, or `echo`), and the
//! turn carrying the tool's output with [`FINAL_TEXT`], which the CLI must print. A recording
//! hop in front of the gateway keeps what the CLI itself sent; with `AIPROXY_CLIS_CAPTURE=<dir>`
//! that and what the upstream received are written there as JSON (paths and bodies: how the
//! fixtures in `relay/tests/fixtures/convert/{claude_code,codex,gemini_cli}` were checked).
//!
//! All three run offline here: Claude Code and Codex are native binaries from their platform
//! packages, Gemini CLI a Node bundle; none needs a login when given a key and a base URL.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::AsyncReadExt;

use crate::support;
use support::TestHub;
use support::mock_agent::{FINAL_TEXT, MockAgentUpstream, ScriptedCall};
use support::recorded::SeenRequest;
use support::recording_front::RecordingFront;

const TOKEN: &str = "sk-clis-acme-0001";
const UPSTREAM_KEY: &str = "sk-clis-upstream-key";
/// What the file the tool reads holds, or what `echo` prints: found in the turn after the call.
const MARKER: &str = "aiproxy-tool-output-4821";
/// Generous: a CLI's first start unpacks and loads a large bundle on a shared machine.
const RUN_TIMEOUT: Duration = Duration::from_secs(240);

/// The tools these tests need, for the skip message.
const TOOLS: &str =
    "the npm packages of hub/tests/clis (claude, codex, gemini; .ci/test installs them)";

#[tokio::test]
async fn claude_code_runs_a_tool_through_an_openai_channel() {
    if !support::external_clients(TOOLS) {
        return;
    }
    claude_code_through("openai", "/v1").await;
}

#[tokio::test]
async fn claude_code_runs_a_tool_through_an_anthropic_channel() {
    if !support::external_clients(TOOLS) {
        return;
    }
    claude_code_through("anthropic", "").await;
}

#[tokio::test]
async fn codex_runs_a_tool_through_a_chat_only_channel() {
    if !support::external_clients(TOOLS) {
        return;
    }
    codex_through("custom").await;
}

#[tokio::test]
async fn codex_runs_a_tool_through_an_openai_channel() {
    if !support::external_clients(TOOLS) {
        return;
    }
    codex_through("openai").await;
}

#[tokio::test]
async fn gemini_cli_runs_a_tool_through_an_openai_channel() {
    if !support::external_clients(TOOLS) {
        return;
    }
    let run = Run::new();
    let file = run.marker_file();
    let setup = Setup::start(
        "openai",
        "/v1",
        GEMINI_MODELS,
        vec![ScriptedCall::new("read_file", json!({"file_path": file}))],
    )
    .await;
    let settings = json!({
        "general": {"enableAutoUpdate": false, "enableAutoUpdateNotification": false},
        "privacy": {"usageStatisticsEnabled": false},
        "telemetry": {"enabled": false},
        "security": {"auth": {"selectedType": "gemini-api-key"}, "folderTrust": {"enabled": false}},
        "ide": {"enabled": false},
    });
    let gemini_dir = run.home.join(".gemini");
    std::fs::create_dir_all(&gemini_dir).unwrap();
    std::fs::write(gemini_dir.join("settings.json"), settings.to_string()).unwrap();
    let output = run
        .cli(
            "gemini",
            &[
                "--model",
                GEMINI_MODELS[0],
                "--output-format",
                "text",
                "--prompt",
                "Read notes.txt in this directory and tell me what it says.",
            ],
            &[
                ("GEMINI_API_KEY", TOKEN),
                ("GOOGLE_GEMINI_BASE_URL", &setup.front.url("")),
                ("GEMINI_CLI_TRUST_WORKSPACE", "true"),
                ("GEMINI_CLI_NO_RELAUNCH", "true"),
                ("GEMINI_TELEMETRY_ENABLED", "false"),
                ("NO_BROWSER", "true"),
            ],
        )
        .await;
    let client_path = format!("/v1beta/models/{}:streamGenerateContent", GEMINI_MODELS[0]);
    setup.check(
        &output,
        &client_path,
        "/v1/chat/completions",
        "gemini_cli_openai",
    );
}

/// The model Gemini CLI is told to use first, then smaller ones it may pick for side tasks.
const GEMINI_MODELS: &[&str] = &[
    "gemini-2.5-pro",
    "gemini-2.5-flash",
    "gemini-2.5-flash-lite",
];
const CLAUDE_MODEL: &str = "claude-cli-test";
const CODEX_MODEL: &str = "gpt-cli-test";

/// Claude Code with its default tool set, streaming, to a channel of `channel_type`.
async fn claude_code_through(channel_type: &str, base_suffix: &str) {
    let run = Run::new();
    let file = run.marker_file();
    let setup = Setup::start(
        channel_type,
        base_suffix,
        &[CLAUDE_MODEL],
        vec![ScriptedCall::new("Read", json!({"file_path": file}))],
    )
    .await;
    let output = run
        .cli(
            "claude",
            &[
                "-p",
                "Read notes.txt in this directory and tell me what it says.",
                "--model",
                CLAUDE_MODEL,
                "--output-format",
                "text",
            ],
            &[
                ("ANTHROPIC_BASE_URL", &setup.front.url("")),
                ("ANTHROPIC_AUTH_TOKEN", TOKEN),
                ("ANTHROPIC_DEFAULT_HAIKU_MODEL", CLAUDE_MODEL),
                ("ANTHROPIC_SMALL_FAST_MODEL", CLAUDE_MODEL),
                ("DISABLE_TELEMETRY", "1"),
                ("DISABLE_AUTOUPDATER", "1"),
                ("DISABLE_ERROR_REPORTING", "1"),
                ("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"),
            ],
        )
        .await;
    let upstream_path = if channel_type == "anthropic" {
        "/v1/messages"
    } else {
        "/v1/chat/completions"
    };
    setup.check(
        &output,
        "/v1/messages",
        upstream_path,
        &format!("claude_code_{channel_type}"),
    );
}

/// `codex exec` with its defaults (its sandbox and tools) to a channel of `channel_type`.
async fn codex_through(channel_type: &str) {
    let run = Run::new();
    let setup = Setup::start(
        channel_type,
        "/v1",
        &[CODEX_MODEL],
        vec![
            ScriptedCall::new("shell", json!({"command": ["echo", MARKER]})),
            ScriptedCall::new(
                "shell_command",
                json!({"command": format!("echo {MARKER}")}),
            ),
            ScriptedCall::new("exec_command", json!({"cmd": format!("echo {MARKER}")})),
        ],
    )
    .await;
    let codex_home = run.home.join(".codex");
    std::fs::create_dir_all(&codex_home).unwrap();
    let config = format!(
        r#"model = "{CODEX_MODEL}"
model_provider = "aiproxy"
check_for_update_on_startup = false

[model_providers.aiproxy]
name = "aiproxy"
base_url = "{base_url}"
env_key = "AIPROXY_API_KEY"
wire_api = "responses"

[analytics]
enabled = false

[feedback]
enabled = false

[otel]
exporter = "none"
"#,
        base_url = setup.front.url("/v1"),
    );
    std::fs::write(codex_home.join("config.toml"), config).unwrap();
    let output = run
        .cli(
            "codex",
            &[
                "exec",
                "--skip-git-repo-check",
                "Run `echo` once to greet me, then tell me what it printed.",
            ],
            &[
                ("AIPROXY_API_KEY", TOKEN),
                ("CODEX_HOME", codex_home.to_str().unwrap()),
            ],
        )
        .await;
    let upstream_path = if channel_type == "openai" {
        "/v1/responses"
    } else {
        "/v1/chat/completions"
    };
    let capture_name = format!("codex_{channel_type}");
    setup.check(&output, "/v1/responses", upstream_path, &capture_name);
}

/// The gateway, behind a hop recording what the CLI sent, with one channel of `channel_type` to
/// the scripted upstream.
struct Setup {
    _hub: TestHub,
    front: RecordingFront,
    upstream: MockAgentUpstream,
}

impl Setup {
    async fn start(
        channel_type: &str,
        base_suffix: &str,
        models: &[&str],
        calls: Vec<ScriptedCall>,
    ) -> Setup {
        let upstream = MockAgentUpstream::start(calls).await;
        let config = format!(
            r#"
groups:
  - id: acme
tokens:
  - group: acme
    name: cli
    key: {TOKEN}
channels:
  - name: upstream
    type: {channel_type}
    base_url: {base_url}{base_suffix}
    key: {UPSTREAM_KEY}
    models: [{models}]
"#,
            base_url = upstream.base_url(),
            models = models.join(", "),
        );
        let hub = TestHub::start_with_config(&config).await;
        Setup {
            front: RecordingFront::start(&hub.url("")).await,
            _hub: hub,
            upstream,
        }
    }

    /// The CLI printed the final text after sending only streamed requests to `client_path`,
    /// and the upstream saw the call made and its output sent back, every request on
    /// `upstream_path` with the channel's key.
    fn check(&self, output: &CliOutput, client_path: &str, upstream_path: &str, name: &str) {
        let sent = self.front.requests();
        let requests = self.upstream.requests();
        capture(name, &sent, &requests);
        let shown = || {
            let targets = |all: &[SeenRequest]| -> Vec<String> {
                all.iter().map(|seen| seen.target.clone()).collect()
            };
            format!(
                "{output}\nthe CLI sent: {:?}\nthe upstream received: {:?}",
                targets(&sent),
                targets(&requests)
            )
        };
        assert!(output.success, "the CLI failed:\n{}", shown());
        assert!(
            output.stdout.contains(FINAL_TEXT),
            "the CLI did not print the final text:\n{}",
            shown()
        );
        for seen in &sent {
            assert!(seen.target.starts_with(client_path), "{}", shown());
        }
        for seen in &requests {
            assert_eq!(seen.target, upstream_path, "{}", shown());
            assert_eq!(seen.body["stream"], true, "{}", shown());
            let key = seen
                .header("authorization")
                .or_else(|| seen.header("x-api-key"))
                .unwrap_or_default();
            assert!(key.ends_with(UPSTREAM_KEY), "{}", shown());
        }
        let answered = requests
            .iter()
            .filter(|seen| seen.body.to_string().contains(MARKER))
            .count();
        assert!(
            answered >= 1,
            "no request carried the tool's output back:\n{}",
            shown()
        );
    }
}

/// Writes what the CLI sent and what the upstream received (paths and bodies, no headers, so no
/// keys) to `$AIPROXY_CLIS_CAPTURE/<name>.json`, when set.
fn capture(name: &str, sent: &[SeenRequest], received: &[SeenRequest]) {
    let Some(dir) = std::env::var_os("AIPROXY_CLIS_CAPTURE") else {
        return;
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let bodies = |all: &[SeenRequest]| -> Vec<Value> {
        all.iter()
            .map(|seen| json!({"target": seen.target, "body": seen.body}))
            .collect()
    };
    let text =
        serde_json::to_string_pretty(&json!({"sent": bodies(sent), "received": bodies(received)}))
            .unwrap();
    std::fs::write(dir.join(format!("{name}.json")), text).unwrap();
}

/// A temp dir holding the CLI's HOME and its working dir (with the file the tool reads).
struct Run {
    dir: tempfile::TempDir,
    home: PathBuf,
    work: PathBuf,
}

impl Run {
    fn new() -> Run {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let work = dir.path().join("work");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&work).unwrap();
        Run { dir, home, work }
    }

    /// Writes `notes.txt` holding [`MARKER`] in the working dir and returns its absolute path.
    fn marker_file(&self) -> String {
        let path = self.work.join("notes.txt");
        std::fs::write(&path, format!("{MARKER}\n")).unwrap();
        path.to_str().unwrap().to_owned()
    }

    /// Runs the CLI `name` with `args` in the working dir, killed after [`RUN_TIMEOUT`].
    async fn cli(&self, name: &str, args: &[&str], env: &[(&str, &str)]) -> CliOutput {
        let program = cli_path(name);
        let mut child = tokio::process::Command::new(&program)
            .args(args)
            .current_dir(&self.work)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_CACHE_HOME", self.home.join(".cache"))
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("TMPDIR", self.dir.path())
            .env("NO_COLOR", "1")
            .env("CI", "1")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            // Its own process group, so a timeout ends what it started too (Codex's launcher
            // runs the native binary as a child).
            .process_group(0)
            .spawn()
            .unwrap_or_else(|error| panic!("{} did not start: {error}", program.display()));
        let stdout = read_all(child.stdout.take());
        let stderr = read_all(child.stderr.take());
        let status = match tokio::time::timeout(RUN_TIMEOUT, child.wait()).await {
            Ok(status) => Some(status.unwrap()),
            Err(_) => {
                if let Some(group) = child.id() {
                    let _ = std::process::Command::new("kill")
                        .args(["-KILL", "--", &format!("-{group}")])
                        .status();
                }
                let _ = child.kill().await;
                None
            }
        };
        CliOutput {
            name: name.to_owned(),
            success: status.is_some_and(|status| status.success()),
            status: status.map_or_else(|| "killed on timeout".to_owned(), |s| s.to_string()),
            stdout: collected(stdout).await,
            stderr: collected(stderr).await,
        }
    }
}

fn read_all(
    pipe: Option<impl tokio::io::AsyncRead + Unpin + Send + 'static>,
) -> tokio::task::JoinHandle<String> {
    tokio::spawn(async move {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes).await;
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// What a pipe carried; bounded, as a process the CLI started may outlive it and hold the pipe.
async fn collected(reader: tokio::task::JoinHandle<String>) -> String {
    match tokio::time::timeout(Duration::from_secs(10), reader).await {
        Ok(text) => text.unwrap(),
        Err(_) => "(still open 10 s after the CLI ended)".to_owned(),
    }
}

struct CliOutput {
    name: String,
    success: bool,
    status: String,
    stdout: String,
    stderr: String,
}

impl std::fmt::Display for CliOutput {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "{} exited: {}\n--- stdout\n{}\n--- stderr\n{}",
            self.name, self.status, self.stdout, self.stderr
        )
    }
}

/// The installed CLI: it must be there when the tests run (`.ci/test` installs it).
fn cli_path(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/clis/node_modules/.bin")
        .join(name);
    assert!(
        path.exists(),
        "{} is missing: run .ci/test (npm ci --prefix hub/tests/clis)",
        path.display()
    );
    path
}
