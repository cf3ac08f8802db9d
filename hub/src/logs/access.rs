//! The access log: one process-log line per answered or refused request and tool call (`ACCESS_LOG`), never a key or a body.
//!
//! The request-log rows hold everything, but an operator reading the process log (or a log
//! shipper reading it) needs to see traffic too: a refused or failed request used to leave no
//! line at all. Each line carries the request id, so it leads to its row. Written through
//! `tracing` under the target `access`, so `LOG_FORMAT` and `RUST_LOG` apply as to any line.

use relay::host::UsageRecord;

/// The `tracing` target of access lines: `RUST_LOG=access=off` silences them too.
pub const TARGET: &str = "access";

/// Writes the access line of one finished request: INFO when it was answered, WARN when it
/// was refused or failed (4xx, 5xx), so filtering by level shows the failures.
pub fn write(record: &UsageRecord) {
    let group = record.group_id.as_deref().unwrap_or("");
    let token = record.token_name.as_deref().unwrap_or("");
    let model = record.requested_model.as_deref().unwrap_or("");
    let channel = record.channel_id.unwrap_or(0);
    let latency_ms = u64::try_from(record.total.as_millis()).unwrap_or(u64::MAX);
    let (input_tokens, output_tokens) = (record.usage.input_tokens, record.usage.output_tokens);
    macro_rules! line {
        ($level:ident) => {
            tracing::$level!(
                target: TARGET,
                request_id = %record.request_id,
                endpoint = %record.endpoint,
                group,
                token,
                model,
                channel,
                status = record.status,
                latency_ms,
                input_tokens,
                output_tokens,
                "request"
            )
        };
    }
    if record.status >= 400 {
        line!(warn);
    } else {
        line!(info);
    }
}

#[cfg(test)]
pub(super) mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use std::io::Write;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use relay::host::TokenUsage;

    use super::*;

    /// The process log as a test sees it: a `tracing_subscriber` writer into memory.
    #[derive(Clone, Default)]
    pub(in crate::logs) struct Captured(pub(in crate::logs) Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn one_json_line_per_request_with_its_facts_and_no_secret() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_writer(move || writer.clone())
            .finish();
        let answered = UsageRecord {
            group_id: Some("acme".into()),
            token_name: Some("ci".into()),
            requested_model: Some("gpt-4o-mini".into()),
            channel_id: Some(3),
            total: Duration::from_millis(42),
            usage: TokenUsage {
                input_tokens: 9,
                output_tokens: 4,
                ..TokenUsage::default()
            },
            request_body: Some("{\"secret\":\"sk-in-a-body\"}".into()),
            error: None,
            ..UsageRecord::new("req-1", "/v1/chat/completions", 200)
        };
        let refused = UsageRecord {
            error: Some("rate limited".into()),
            ..UsageRecord::new("req-2", "/v1/chat/completions", 429)
        };
        tracing::subscriber::with_default(subscriber, || {
            write(&answered);
            write(&refused);
        });
        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert_eq!(lines[0]["level"], "INFO");
        assert_eq!(lines[0]["target"], TARGET);
        let fields = &lines[0]["fields"];
        assert_eq!(fields["request_id"], "req-1");
        assert_eq!(fields["group"], "acme");
        assert_eq!(fields["token"], "ci");
        assert_eq!(fields["model"], "gpt-4o-mini");
        assert_eq!(fields["channel"], 3);
        assert_eq!(fields["status"], 200);
        assert_eq!(fields["latency_ms"], 42);
        assert_eq!(fields["input_tokens"], 9);
        assert_eq!(fields["output_tokens"], 4);
        assert_eq!(lines[1]["level"], "WARN");
        assert_eq!(lines[1]["fields"]["status"], 429);
        assert!(!text.contains("sk-in-a-body"), "{text}");
    }
}
