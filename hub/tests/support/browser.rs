//! The end of a browser script's run, as every panel and CORS test reads it: within a limit, successful, its last JSON line.

use std::future::Future;
use std::process::Output;
use std::time::Duration;

/// Waits up to `limit` for the script's run, requires it to have succeeded (its output is shown
/// when not), and returns the report it printed last: the last line of its output that opens
/// a JSON object.
pub async fn report_of(
    run: impl Future<Output = std::io::Result<Output>>,
    limit: Duration,
) -> serde_json::Value {
    let output = tokio::time::timeout(limit, run)
        .await
        .expect("the browser run hung")
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the browser run failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    serde_json::from_str(
        stdout
            .lines()
            .rev()
            .find(|line| line.starts_with('{'))
            .expect("the script printed its report"),
    )
    .unwrap()
}
