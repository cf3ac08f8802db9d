//! `GET /metrics` read by a Prometheus text parser (`prometheus-parse`) after real relayed
//! requests: every line parses, and requests, latency histograms and the log writer's figures are
//! there with the right values.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is a failed test"
)]

use crate::support;

use prometheus_parse::{Sample, Scrape, Value};
use serde_json::json;

const KEY: &str = "sk-metrics-check-0001";

fn find<'a>(scrape: &'a Scrape, metric: &str, labels: &[(&str, &str)]) -> &'a Sample {
    scrape
        .samples
        .iter()
        .find(|sample| {
            sample.metric == metric
                && labels
                    .iter()
                    .all(|(name, value)| sample.labels.get(name) == Some(*value))
        })
        .unwrap_or_else(|| panic!("no {metric} {labels:?}"))
}

/// Counters come back typed or untyped depending on the exposition flavour; both are numbers.
fn number(sample: &Sample) -> f64 {
    match &sample.value {
        Value::Counter(value) | Value::Gauge(value) | Value::Untyped(value) => *value,
        other => panic!("{} is not a number: {other:?}", sample.metric),
    }
}

#[tokio::test]
async fn metrics_parse_and_count_relayed_requests() {
    let upstream = support::mock_openai::MockOpenAi::start().await;
    let (mut settings, data_dir) = support::TestHub::settings();
    let config = data_dir.path().join("aiproxy.yaml");
    std::fs::write(
        &config,
        format!(
            "groups:\n  - id: acme\ntokens:\n  - group: acme\n    name: ci\n    key: {KEY}\n\
             channels:\n  - name: mock\n    type: openai\n    base_url: {}\n    key: sk-upstream\n    models: [gpt-4o-mini]\n\
             models:\n  - model: gpt-4o-mini\n    type: chat\n",
            upstream.base_url()
        ),
    )
    .unwrap();
    settings.config_file_path = Some(config);
    let hub = support::TestHub::start_with(settings, data_dir).await;
    let client = reqwest::Client::new();
    for _ in 0..3 {
        let response = client
            .post(hub.url("/v1/chat/completions"))
            .bearer_auth(KEY)
            .json(&json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
    }
    let text = client
        .get(hub.url("/metrics"))
        .bearer_auth(support::ADMIN_KEY)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let scrape = Scrape::parse(text.lines().map(|line| Ok(line.to_owned()))).unwrap();

    // The parser skips lines it cannot read: every sample line must have become a value.
    let sample_lines = text
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .count();
    let parsed: usize = scrape
        .samples
        .iter()
        .map(|sample| match &sample.value {
            Value::Histogram(buckets) => buckets.len(),
            _ => 1,
        })
        .sum();
    assert_eq!(parsed, sample_lines, "{text}");

    let requests = find(
        &scrape,
        "aiproxy_requests_total",
        &[
            ("model", "gpt-4o-mini"),
            ("group", "acme"),
            ("status_class", "2xx"),
        ],
    );
    assert_eq!(number(requests), 3.0);
    let input = find(
        &scrape,
        "aiproxy_tokens_total",
        &[("model", "gpt-4o-mini"), ("kind", "input")],
    );
    assert_eq!(number(input), 27.0);
    let latency = find(
        &scrape,
        "aiproxy_request_duration_seconds",
        &[("model", "gpt-4o-mini")],
    );
    let Value::Histogram(buckets) = &latency.value else {
        panic!("latency is not a histogram: {latency:?}");
    };
    let infinite = buckets
        .iter()
        .find(|bucket| bucket.less_than.is_infinite())
        .expect("a +Inf bucket");
    assert_eq!(infinite.count, 3.0);
    for (metric, value) in [
        ("aiproxy_log_rows_dropped_total", 0.0),
        ("aiproxy_log_rows_lost_total", 0.0),
        ("aiproxy_in_flight_requests", 0.0),
    ] {
        assert_eq!(number(find(&scrape, metric, &[])), value, "{metric}");
    }
    find(&scrape, "aiproxy_log_queue_depth", &[]);
    find(&scrape, "aiproxy_db_pool_connections", &[]);
    hub.stop().await.unwrap();
}

/// The official checker, `promtool check metrics`, finds nothing to complain about in the
/// scrape (names, units, suffixes, help texts) after plain and streamed requests, so every
/// family has samples. promtool is `AIPROXY_PROMTOOL`, else the one on `PATH`; `.ci/test`
/// provides it.
#[tokio::test]
async fn promtool_finds_nothing_to_complain_about() {
    if !support::external_clients("promtool") {
        return;
    }
    let promtool = std::env::var_os("AIPROXY_PROMTOOL").unwrap_or_else(|| "promtool".into());
    let upstream = support::mock_openai::MockOpenAi::start().await;
    let hub = support::TestHub::start_with_config(&format!(
        "groups:\n  - id: acme\ntokens:\n  - group: acme\n    name: ci\n    key: {KEY}\n\
         channels:\n  - name: mock\n    type: openai\n    base_url: {}\n    key: sk-upstream\n    models: [gpt-4o-mini]\n\
         models:\n  - model: gpt-4o-mini\n    type: chat\n",
        upstream.base_url()
    ))
    .await;
    let client = reqwest::Client::new();
    for stream in [false, true] {
        let response = client
            .post(hub.url("/v1/chat/completions"))
            .bearer_auth(KEY)
            .json(&json!({"model": "gpt-4o-mini", "stream": stream,
                "messages": [{"role": "user", "content": "hi"}]}))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        response.bytes().await.unwrap();
    }
    let scrape = client
        .get(hub.url("/metrics"))
        .bearer_auth(support::ADMIN_KEY)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        scrape.contains("aiproxy_time_to_first_token_seconds_count"),
        "{scrape}"
    );
    let mut child = tokio::process::Command::new(&promtool)
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {}: {error}", promtool.to_string_lossy()));
    let mut stdin = child.stdin.take().unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut stdin, scrape.as_bytes())
        .await
        .unwrap();
    drop(stdin);
    let output = child.wait_with_output().await.unwrap();
    let complaints = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success() && complaints.trim().is_empty(),
        "promtool check metrics ({}):\n{complaints}\nscrape:\n{scrape}",
        output.status
    );
    hub.stop().await.unwrap();
}
