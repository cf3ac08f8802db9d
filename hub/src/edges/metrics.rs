//! Prometheus metrics: request, error, token, latency and first-byte figures by model, channel and
//! group (cardinality bounded), plus in-flight requests, log queue depth and database pool state,
//! served at `GET /metrics`.
//!
//! Names follow Prometheus's conventions (base units in the name, `_total` on counters, `# UNIT`
//! in OpenMetrics); `promtool check metrics` reads the classic format without a complaint
//! (`hub/tests/metrics.rs`). Time to first token is the GenAI conventions' figure: streamed
//! generations only.

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};
use relay::host::UsageRecord;
use tower_http::metrics::in_flight_requests::InFlightRequestsCounter;

use crate::edges::admin_key::AdminKey;
use crate::logs::writer::LogWriter;

/// Distinct values kept per label before new ones are folded into [`OTHER`]: a tenant that
/// invents model names must not be able to grow the scrape without bound.
pub const MAX_LABEL_VALUES: usize = 500;
pub const OTHER: &str = "_other";
/// The model label of every request for a model without a model config: such names come from
/// clients (anyone can send one, even unauthenticated), so none becomes a label of its own.
pub const UNCONFIGURED: &str = "_unconfigured";
/// Longest label value kept; a longer one is folded into [`OTHER`], whatever the count.
pub const MAX_LABEL_BYTES: usize = 128;

/// Latency buckets in seconds, from a cached hit to a long generation.
const LATENCY_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0,
];

/// The labels whose values come from tenants and so must be bounded.
#[derive(Clone, Copy)]
enum LabelDimension {
    Model = 0,
    Channel = 1,
    Group = 2,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    model: Arc<str>,
    channel: Arc<str>,
    group: Arc<str>,
    status_class: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TokenLabels {
    model: Arc<str>,
    channel: Arc<str>,
    group: Arc<str>,
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ModelLabels {
    model: Arc<str>,
    channel: Arc<str>,
}

/// Values read at scrape time from the components that own them.
pub struct ScrapeSources {
    pub in_flight: InFlightRequestsCounter,
    /// The request log writer: queue depth, dropped rows, failed writes.
    pub log_writer: LogWriter,
    pub db_pool: Box<dyn Fn() -> (i64, i64) + Send + Sync>,
}

pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RequestLabels, Counter>,
    tokens: Family<TokenLabels, Counter>,
    retries: Family<ModelLabels, Counter>,
    latency: Family<ModelLabels, Histogram>,
    first_byte: Family<ModelLabels, Histogram>,
    first_token: Family<ModelLabels, Histogram>,
    in_flight: Gauge,
    log_queue_depth: Gauge,
    log_rows_dropped: Counter,
    log_rows_lost: Counter,
    log_write_failures: Counter,
    log_journal: JournalGauges,
    db_pool_connections: Gauge,
    db_pool_idle: Gauge,
    /// Label values seen so far, one set per [`LabelDimension`]. Shared, so the labels of a
    /// request (several families' worth, every request) are reference counts, not copies.
    label_values: Mutex<[HashSet<Arc<str>>; 3]>,
    /// [`OTHER`], shared: a flood of new names (a tenant inventing models) gets it every time.
    other: Arc<str>,
    sources: Mutex<Option<ScrapeSources>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Metrics")
    }
}

/// The request-log journal's figures (all zero without a journal).
#[derive(Default)]
struct JournalGauges {
    bytes: Gauge,
    pending: Gauge,
    spilled: Gauge,
    exhausted: Gauge,
    corrupt: Counter,
}

impl JournalGauges {
    fn register(&self, registry: &mut Registry) {
        registry.register_with_unit(
            "log_journal",
            "Bytes of the request-log journal's files",
            Unit::Bytes,
            self.bytes.clone(),
        );
        registry.register(
            "log_journal_pending_entries",
            "Request-log entries journaled and not yet stored",
            self.pending.clone(),
        );
        registry.register(
            "log_journal_spilled",
            "1 while request-log entries are read back from the journal (the queue was full)",
            self.spilled.clone(),
        );
        registry.register(
            "log_journal_exhausted",
            "1 while the request-log journal is out of budget or cannot be written",
            self.exhausted.clone(),
        );
        registry.register(
            "log_journal_corrupt_records",
            "Torn or damaged request-log journal records skipped",
            self.corrupt.clone(),
        );
    }

    fn read(&self, log_writer: &LogWriter) {
        let Some(status) = log_writer.journal_status() else {
            return;
        };
        use crate::logs::journal::JournalState;
        self.bytes
            .set(i64::try_from(status.bytes).unwrap_or(i64::MAX));
        self.pending
            .set(i64::try_from(status.pending_entries).unwrap_or(i64::MAX));
        self.spilled
            .set(i64::from(status.state == JournalState::Spilled));
        self.exhausted
            .set(i64::from(status.state == JournalState::Exhausted));
        if let Some(counters) = log_writer.journal_counters() {
            self.corrupt
                .inner()
                .store(counters.corrupt.load(Ordering::Relaxed), Ordering::Relaxed);
        }
    }
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}

impl Metrics {
    pub fn new() -> Arc<Metrics> {
        let mut registry = Registry::with_prefix("aiproxy");
        let requests = Family::<RequestLabels, Counter>::default();
        let tokens = Family::<TokenLabels, Counter>::default();
        let retries = Family::<ModelLabels, Counter>::default();
        let latency = Family::<ModelLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let first_byte = Family::<ModelLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let first_token = Family::<ModelLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let in_flight = Gauge::default();
        let log_queue_depth = Gauge::default();
        let log_rows_dropped = Counter::default();
        let log_rows_lost = Counter::default();
        let log_write_failures = Counter::default();
        let log_journal = JournalGauges::default();
        log_journal.register(&mut registry);
        let db_pool_connections = Gauge::default();
        let db_pool_idle = Gauge::default();
        registry.register(
            "requests",
            "Relayed requests by outcome class",
            requests.clone(),
        );
        registry.register("tokens", "Tokens by kind", tokens.clone());
        registry.register("retries", "Retries on another channel", retries.clone());
        // The unit is appended to the name: `aiproxy_request_duration_seconds`.
        registry.register_with_unit(
            "request_duration",
            "Total request time",
            Unit::Seconds,
            latency.clone(),
        );
        registry.register_with_unit(
            "time_to_first_byte",
            "Time to the first response byte",
            Unit::Seconds,
            first_byte.clone(),
        );
        registry.register_with_unit(
            "time_to_first_token",
            "Time to the first streamed chunk of a generation (streamed requests only)",
            Unit::Seconds,
            first_token.clone(),
        );
        registry.register(
            "in_flight_requests",
            "Requests being served now",
            in_flight.clone(),
        );
        registry.register(
            "log_queue_depth",
            "Request log rows waiting to be written",
            log_queue_depth.clone(),
        );
        registry.register(
            "log_rows_dropped",
            "Request log rows refused because the queue was full or the writer had stopped",
            log_rows_dropped.clone(),
        );
        registry.register(
            "log_rows_lost",
            "Request log rows not stored when the shutdown flush deadline passed (replayed from the journal at the next start when it is on)",
            log_rows_lost.clone(),
        );
        registry.register(
            "log_write_failures",
            "Failed request log write attempts (each retried)",
            log_write_failures.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Open main database connections",
            db_pool_connections.clone(),
        );
        registry.register(
            "db_pool_idle_connections",
            "Idle main database connections",
            db_pool_idle.clone(),
        );
        Arc::new(Metrics {
            registry: Mutex::new(registry),
            requests,
            tokens,
            retries,
            latency,
            first_byte,
            first_token,
            in_flight,
            log_queue_depth,
            log_rows_dropped,
            log_rows_lost,
            log_write_failures,
            log_journal,
            db_pool_connections,
            db_pool_idle,
            label_values: Mutex::new(Default::default()),
            other: Arc::from(OTHER),
            sources: Mutex::new(None),
        })
    }

    /// Connects the gauges read at scrape time.
    pub fn set_sources(&self, sources: ScrapeSources) {
        if let Ok(mut slot) = self.sources.lock() {
            *slot = Some(sources);
        }
    }

    /// Keeps label values bounded: a value seen before, or while its label has room, is kept.
    /// Allocates only for a value kept the first time: a known one and [`OTHER`] are shared.
    fn bounded(&self, dimension: LabelDimension, value: &str) -> Arc<str> {
        let Ok(mut seen) = self.label_values.lock() else {
            return self.other.clone();
        };
        let seen = &mut seen[dimension as usize];
        if let Some(known) = seen.get(value) {
            return known.clone();
        }
        if seen.len() >= MAX_LABEL_VALUES || value.len() > MAX_LABEL_BYTES {
            return self.other.clone();
        }
        let value: Arc<str> = Arc::from(value);
        seen.insert(value.clone());
        value
    }

    /// Accounts one finished request. `is_configured` says whether a model name has a model
    /// config; other names are counted under [`UNCONFIGURED`].
    pub fn observe(&self, record: &UsageRecord, is_configured: impl Fn(&str) -> bool) {
        let model = match record.requested_model.as_deref() {
            None => "-",
            Some(model) if is_configured(model) => model,
            Some(_) => UNCONFIGURED,
        };
        let model = self.bounded(LabelDimension::Model, model);
        let channel = self.bounded(
            LabelDimension::Channel,
            &record
                .channel_id
                .map_or_else(|| "-".to_owned(), |id| id.to_string()),
        );
        let group = self.bounded(
            LabelDimension::Group,
            record.group_id.as_deref().unwrap_or("-"),
        );
        let status_class = match record.status {
            200..=299 => "2xx",
            400..=499 => "4xx",
            500..=599 => "5xx",
            _ => "other",
        };
        self.requests
            .get_or_create(&RequestLabels {
                model: model.clone(),
                channel: channel.clone(),
                group: group.clone(),
                status_class,
            })
            .inc();
        let usage = &record.usage;
        for (kind, count) in [
            ("input", usage.input_tokens),
            ("output", usage.output_tokens),
            ("cached_input", usage.cached_input_tokens),
            ("cache_creation", usage.cache_creation_tokens),
            ("reasoning", usage.reasoning_tokens),
        ] {
            if count > 0 {
                self.tokens
                    .get_or_create(&TokenLabels {
                        model: model.clone(),
                        channel: channel.clone(),
                        group: group.clone(),
                        kind,
                    })
                    .inc_by(count);
            }
        }
        let model_labels = ModelLabels { model, channel };
        if record.retries > 0 {
            self.retries
                .get_or_create(&model_labels)
                .inc_by(u64::from(record.retries));
        }
        self.latency
            .get_or_create(&model_labels)
            .observe(record.total.as_secs_f64());
        if let Some(first_byte) = record.first_byte {
            self.first_byte
                .get_or_create(&model_labels)
                .observe(first_byte.as_secs_f64());
            if record.stream && record.status < 400 {
                self.first_token
                    .get_or_create(&model_labels)
                    .observe(first_byte.as_secs_f64());
            }
        }
    }

    /// The exposition text, OpenMetrics flavour (which Prometheus scrapes natively).
    pub fn render(&self) -> Result<String, std::fmt::Error> {
        if let Ok(sources) = self.sources.lock()
            && let Some(sources) = sources.as_ref()
        {
            self.in_flight
                .set(i64::try_from(sources.in_flight.get()).unwrap_or(i64::MAX));
            let log_writer = &sources.log_writer;
            self.log_queue_depth
                .set(i64::try_from(log_writer.queue_depth()).unwrap_or(i64::MAX));
            let stats = log_writer.stats();
            // The writer owns the counts; the exported counters mirror them.
            for (counter, value) in [
                (&self.log_rows_dropped, &stats.dropped),
                (&self.log_rows_lost, &stats.lost),
                (&self.log_write_failures, &stats.write_failures),
            ] {
                counter
                    .inner()
                    .store(value.load(Ordering::Relaxed), Ordering::Relaxed);
            }
            self.log_journal.read(log_writer);
            let (connections, idle) = (sources.db_pool)();
            self.db_pool_connections.set(connections);
            self.db_pool_idle.set(idle);
        }
        let mut text = String::new();
        let registry = self.registry.lock().map_err(|_| std::fmt::Error)?;
        encode(&mut text, &registry)?;
        Ok(text)
    }
}

/// `GET /metrics`, behind the admin key when `admin_key` is given (the main port), public
/// otherwise (`METRICS_LISTEN`, an address the operator keeps private).
pub fn router(metrics: Arc<Metrics>, admin_key: Option<AdminKey>) -> axum::Router {
    axum::Router::new()
        .route("/metrics", axum::routing::get(scrape))
        .with_state(Arc::new(ScrapeState { metrics, admin_key }))
}

struct ScrapeState {
    metrics: Arc<Metrics>,
    admin_key: Option<AdminKey>,
}

async fn scrape(State(state): State<Arc<ScrapeState>>, headers: HeaderMap) -> Response {
    if let Some(admin_key) = &state.admin_key {
        let presented = headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "));
        if !presented.is_some_and(|presented| admin_key.matches(presented)) {
            return (
                StatusCode::UNAUTHORIZED,
                [(WWW_AUTHENTICATE, "Bearer")],
                "/metrics requires authorization: Bearer <admin key> (or scrape METRICS_LISTEN)",
            )
                .into_response();
        }
    }
    let text = match state.metrics.render() {
        Ok(text) => text,
        Err(_) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "cannot encode metrics").into_response();
        }
    };
    if accepts_openmetrics(&headers) {
        ([(CONTENT_TYPE, OPENMETRICS_CONTENT_TYPE)], text).into_response()
    } else {
        ([(CONTENT_TYPE, CLASSIC_CONTENT_TYPE)], classic_text(&text)).into_response()
    }
}

const OPENMETRICS_CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
const CLASSIC_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Prometheus asks for OpenMetrics first; a scraper that does not name it (`promtool`, curl,
/// older agents) gets the classic text format it can read.
fn accepts_openmetrics(headers: &HeaderMap) -> bool {
    headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(|value| value.contains("application/openmetrics-text"))
}

/// The classic Prometheus text format (0.0.4) of an OpenMetrics exposition. The samples are the
/// same; what differs is the metadata: a counter family is named by its `_total` samples (else
/// `promtool` finds counters without help text), `# UNIT` and `# EOF` do not exist, and an
/// exemplar after a sample is dropped.
fn classic_text(openmetrics: &str) -> String {
    let counters: std::collections::HashSet<&str> = openmetrics
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|rest| rest.strip_suffix(" counter"))
        .collect();
    let family_name = |name: &str| {
        if counters.contains(name) {
            format!("{name}_total")
        } else {
            name.to_owned()
        }
    };
    let mut classic = String::with_capacity(openmetrics.len());
    for line in openmetrics.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap_or((rest, ""));
            classic.push_str(&format!("# HELP {} {help}\n", family_name(name)));
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap_or((rest, "untyped"));
            let kind = match kind {
                "counter" | "gauge" | "histogram" | "summary" => kind,
                // OpenMetrics-only types have no classic name: their samples stay, untyped.
                _ => "untyped",
            };
            classic.push_str(&format!("# TYPE {} {kind}\n", family_name(name)));
        } else {
            let sample = line
                .split_once(" # ")
                .map_or(line, |(sample, _exemplar)| sample);
            classic.push_str(sample);
            classic.push('\n');
        }
    }
    classic
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use relay::host::TokenUsage;

    use super::*;

    fn record(model: &str, status: u16) -> UsageRecord {
        UsageRecord {
            group_id: Some("acme".into()),
            token_id: Some(1),
            token_name: Some("ci".into()),
            channel_id: Some(3),
            requested_model: Some(model.into()),
            usage: TokenUsage {
                input_tokens: 10,
                output_tokens: 4,
                total_tokens: 14,
                ..TokenUsage::default()
            },
            retries: 1,
            first_byte: Some(Duration::from_millis(20)),
            total: Duration::from_millis(80),
            ..UsageRecord::new("r", "/v1/chat/completions", status)
        }
    }

    #[test]
    fn requests_tokens_and_latency_are_exported() {
        let metrics = Metrics::new();
        metrics.observe(&record("gpt-4o", 200), |_| true);
        metrics.observe(&record("gpt-4o", 502), |_| true);
        let text = metrics.render().unwrap();
        assert!(
            text.contains(r#"aiproxy_requests_total{model="gpt-4o",channel="3",group="acme",status_class="2xx"} 1"#),
            "{text}"
        );
        assert!(text.contains(r#"status_class="5xx"} 1"#));
        assert!(text.contains(
            r#"aiproxy_tokens_total{model="gpt-4o",channel="3",group="acme",kind="input"} 20"#
        ));
        assert!(
            text.contains(
                r#"aiproxy_request_duration_seconds_count{model="gpt-4o",channel="3"} 2"#
            )
        );
        assert!(text.ends_with("# EOF\n"));
    }

    #[test]
    fn units_are_declared_and_first_tokens_count_streams_only() {
        let metrics = Metrics::new();
        metrics.observe(&record("gpt-4o", 200), |_| true);
        let streamed = UsageRecord {
            stream: true,
            ..record("gpt-4o", 200)
        };
        metrics.observe(&streamed, |_| true);
        let text = metrics.render().unwrap();
        for unit in [
            "# UNIT aiproxy_request_duration_seconds seconds",
            "# UNIT aiproxy_time_to_first_byte_seconds seconds",
            "# UNIT aiproxy_time_to_first_token_seconds seconds",
            "# UNIT aiproxy_log_journal_bytes bytes",
        ] {
            assert!(text.contains(unit), "{unit} in:\n{text}");
        }
        assert!(
            text.contains(
                r#"aiproxy_time_to_first_byte_seconds_count{model="gpt-4o",channel="3"} 2"#
            ),
            "{text}"
        );
        assert!(
            text.contains(
                r#"aiproxy_time_to_first_token_seconds_count{model="gpt-4o",channel="3"} 1"#
            ),
            "{text}"
        );
    }

    #[test]
    fn the_classic_format_names_every_sampled_family_with_help_and_type() {
        let metrics = Metrics::new();
        metrics.observe(&record("gpt-4o", 200), |_| true);
        let classic = classic_text(&metrics.render().unwrap());
        assert!(
            !classic.contains("# EOF") && !classic.contains("# UNIT"),
            "{classic}"
        );
        let lines: Vec<String> = classic.lines().map(str::to_owned).collect();
        let scrape = prometheus_parse::Scrape::parse(lines.into_iter().map(Ok)).unwrap();
        assert!(!scrape.samples.is_empty());
        for sample in &scrape.samples {
            // A histogram's or summary's samples carry suffixes of their family's name.
            let family = ["_bucket", "_count", "_sum"]
                .iter()
                .find_map(|suffix| {
                    sample
                        .metric
                        .strip_suffix(suffix)
                        .filter(|family| scrape.docs.contains_key(*family))
                })
                .unwrap_or(&sample.metric);
            let help = scrape.docs.get(family);
            assert!(
                help.is_some_and(|help| !help.is_empty()),
                "{} has no help text in:\n{classic}",
                sample.metric
            );
            assert!(
                classic.contains(&format!("# TYPE {family} ")),
                "{family} has no type"
            );
        }
        assert!(
            classic.contains("# TYPE aiproxy_requests_total counter"),
            "{classic}"
        );
    }

    #[test]
    fn openmetrics_only_for_scrapers_that_ask_for_it() {
        let mut headers = HeaderMap::new();
        assert!(!accepts_openmetrics(&headers));
        headers.insert(ACCEPT, "text/plain;version=0.0.4".parse().unwrap());
        assert!(!accepts_openmetrics(&headers));
        headers.insert(
            ACCEPT,
            "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"
                .parse()
                .unwrap(),
        );
        assert!(accepts_openmetrics(&headers));
    }

    #[test]
    fn label_values_are_bounded() {
        let metrics = Metrics::new();
        for index in 0..(MAX_LABEL_VALUES * 4) {
            metrics.observe(&record(&format!("model-{index}"), 200), |_| true);
        }
        let text = metrics.render().unwrap();
        assert!(text.contains(r#"model="_other""#));
        let series = text
            .lines()
            .filter(|line| line.starts_with("aiproxy_requests_total{"))
            .count();
        assert!(series <= MAX_LABEL_VALUES * 3 + 1, "{series} series");
    }

    #[test]
    fn unconfigured_and_long_model_names_never_become_labels() {
        let metrics = Metrics::new();
        let huge = "m".repeat(5 * 1024 * 1024);
        for _ in 0..3 {
            metrics.observe(&record(&huge, 404), |model| model == "gpt-4o");
            metrics.observe(&record("invented", 404), |model| model == "gpt-4o");
        }
        // A configured name longer than any sane label is folded too.
        metrics.observe(&record(&"c".repeat(MAX_LABEL_BYTES + 1), 200), |_| true);
        let text = metrics.render().unwrap();
        assert!(text.len() < 16 * 1024, "{} bytes", text.len());
        assert!(!text.contains("invented"));
        assert!(
            text.contains(r#"aiproxy_requests_total{model="_unconfigured",channel="3",group="acme",status_class="4xx"} 6"#),
            "{text}"
        );
        assert!(text.contains(r#"model="_other""#));
    }
}
