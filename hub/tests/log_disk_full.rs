//! A full disk under the request-log journal: answers keep their rows (through memory), and the failing writes print a line per interval, not per batch.
//!
//! The journal's directory is a small tmpfs filled up after the server started, so every
//! write fails with "no space left" while opening a new segment still works: the cycle that
//! printed an error line every few milliseconds. Needs the right to mount (root, as on the
//! project's machines); without it the test says it was skipped.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hub::store::Store;
use serde_json::json;
use tokio::io::AsyncBufReadExt;

use crate::log_sigkill::{mock_config, ready, spare_port, spawn_logging};
use crate::support;

const KEY: &str = "sk-disk-full-0001";
const CANNOT_WRITE: &str = "request-log journal: cannot write";
const WRITING_AGAIN: &str = "request-log journal: writing again";

/// A tmpfs mounted for the test, unmounted when dropped (also when the test fails).
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        mounted.then(|| Tmpfs(at.to_owned()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

/// Writes `path` until the file system has no room left.
fn fill(path: &Path) {
    use std::io::Write;
    let mut file = std::fs::File::create(path).unwrap();
    let chunk = vec![0_u8; 16 * 1024];
    while file.write_all(&chunk).is_ok() {}
}

async fn chats(client: &reqwest::Client, base: &str, count: usize) {
    for index in 0..count {
        let response = client
            .post(format!("{base}/v1/chat/completions"))
            .bearer_auth(KEY)
            .json(&json!({"model": "gpt-4o-mini", "max_tokens": 5,
                "messages": [{"role": "user", "content": format!("question {index}")}]}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.bytes().await.unwrap();
    }
}

fn lines_with(lines: &Mutex<Vec<String>>, text: &str) -> usize {
    lines
        .lock()
        .unwrap()
        .iter()
        .filter(|line| line.contains(text))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_journal_disk_loses_no_row_and_floods_no_log() {
    let dir = tempfile::tempdir().unwrap();
    let Some(_tmpfs) = Tmpfs::mount(&dir.path().join("log-journal"), "256k") else {
        eprintln!("log_disk_full skipped: mounting a tmpfs is not permitted here");
        return;
    };
    let upstream = support::mock_openai::MockOpenAi::start().await;
    let config = mock_config(dir.path(), "disk", KEY, &upstream.base_url());
    let port = spare_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut child = spawn_logging(dir.path(), &config, port, "info", Stdio::piped());
    let lines = Arc::new(Mutex::new(Vec::new()));
    let reading = {
        let lines = lines.clone();
        let mut stderr = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
        tokio::spawn(async move {
            while let Ok(Some(line)) = stderr.next_line().await {
                lines.lock().unwrap().push(line);
            }
        })
    };
    ready(&client, &base).await;

    // The server opened its segment; now the disk fills up.
    fill(&dir.path().join("log-journal/filler"));
    let started = Instant::now();
    const ANSWERED: usize = 300;
    chats(&client, &base, ANSWERED).await;
    let elapsed = started.elapsed();

    // Every answer keeps its row: through memory while the journal cannot write.
    let store = Store::connect(dir.path().join("aiproxy.db").to_str().unwrap())
        .await
        .unwrap();
    let mut rows = 0_i64;
    for _ in 0..200 {
        rows = sqlx::query_scalar("SELECT COUNT(*) FROM request_logs")
            .fetch_one(store.pool())
            .await
            .unwrap();
        if rows >= ANSWERED as i64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(rows, ANSWERED as i64, "every answered request has its row");

    // One line when the failures begin, then at most one per five seconds, with the count.
    let reported = lines_with(&lines, CANNOT_WRITE);
    let allowed = 2 + (elapsed.as_secs() / 5) as usize;
    println!(
        "{ANSWERED} answers in {elapsed:?} on a full journal disk: {reported} `cannot write` lines"
    );
    assert!(reported >= 1, "the failure was reported");
    assert!(
        reported <= allowed,
        "{reported} `cannot write` lines in {elapsed:?} (at most {allowed})"
    );
    assert_eq!(
        lines_with(&lines, WRITING_AGAIN),
        0,
        "no write succeeded yet"
    );

    // Room again: the next writes succeed and say so once.
    std::fs::remove_file(dir.path().join("log-journal/filler")).unwrap();
    for _ in 0..100 {
        chats(&client, &base, 5).await;
        if lines_with(&lines, WRITING_AGAIN) > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        lines_with(&lines, WRITING_AGAIN),
        1,
        "recovery is said once"
    );
    store.close().await;
    child.start_kill().unwrap();
    child.wait().await.unwrap();
    reading.abort();
}
