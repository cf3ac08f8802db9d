//! Benchmark (printed, not asserted): time from process start to a ready `/api/status` on an empty SQLite database, and idle RSS.
//!
//! Run: `cargo bench -p hub --bench startup` (release profile; builds the `aiproxy` binary).

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "a benchmark that cannot measure should stop loudly"
)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 7;

fn main() {
    let mut ready_times = Vec::new();
    let mut idle_rss = Vec::new();
    for _ in 0..RUNS {
        let data_dir = tempfile::tempdir().expect("temporary directory");
        let addr = free_port();
        let started = Instant::now();
        let mut child = spawn(addr, data_dir.path());
        wait_ready(addr, &mut child);
        ready_times.push(started.elapsed());
        std::thread::sleep(Duration::from_secs(1));
        idle_rss.push(rss_kib(child.id()));
        stop(child);
    }
    ready_times.sort();
    idle_rss.sort_unstable();
    let median = ready_times[RUNS / 2];
    println!("aiproxy startup on an empty SQLite database ({RUNS} runs)");
    println!(
        "  start to ready: median {:.1} ms, min {:.1} ms, max {:.1} ms",
        ms(median),
        ms(ready_times[0]),
        ms(ready_times[RUNS - 1])
    );
    println!(
        "  idle RSS after 1 s: median {:.1} MiB, max {:.1} MiB",
        idle_rss[RUNS / 2] as f64 / 1024.0,
        idle_rss[RUNS - 1] as f64 / 1024.0
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("local address")
}

fn spawn(addr: SocketAddr, data_dir: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_aiproxy"))
        .env_clear()
        .env("LISTEN", addr.to_string())
        .env("DATA_DIR", data_dir)
        .env("SQLITE_PATH", data_dir.join("aiproxy.db"))
        .env("ADMIN_KEY", "bench-admin-key-0123456789")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start aiproxy")
}

fn wait_ready(addr: SocketAddr, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("aiproxy exited during startup: {status}");
        }
        if status_ok(addr) {
            return;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    panic!("aiproxy was not ready within 30 s");
}

fn status_ok(addr: SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return false;
    };
    let request = format!("GET /api/status HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200")
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("read /proc status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS line")
}

fn stop(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}
