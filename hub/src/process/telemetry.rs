//! Tracing setup: human-readable or JSON lines on stderr, filtered by `RUST_LOG` (default `info`),
//! and spans exported over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.
//!
//! Colours only on a terminal: a log file or a pipe gets plain text. The exported spans carry
//! the W3C trace context: a request span continues the client's `traceparent` (and keeps its
//! `tracestate`), an MCP tool call the one in its `params._meta` ([`MetaClientTraces`]), and
//! the relay reads the exported ids ([`ExportedSpanIds`]) for the `traceparent` it sends
//! upstream.

use std::io::IsTerminal;

use opentelemetry::trace::{
    SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState, TracerProvider as _,
};
use opentelemetry_otlp::{Protocol, SpanExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::runtime::Tokio;
use opentelemetry_sdk::trace::SdkTracerProvider;
use opentelemetry_sdk::trace::span_processor_with_async_runtime::BatchSpanProcessor;
use relay::trace_context::{ClientTrace, SpanIds, TraceParent};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Installs the global subscriber once; later calls (tests booting several servers) are no-ops.
pub fn init(format: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(stderr_is_terminal())
        .with_writer(std::io::stderr);
    let installed = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    // An error only means a subscriber is already installed, which is fine.
    drop(installed);
}

/// The running OTLP trace export. Dropping it flushes the spans still buffered and stops it.
#[derive(Debug)]
pub struct OtlpExport {
    provider: SdkTracerProvider,
}

impl OtlpExport {
    /// Sends every finished span now (tests; shutdown does it through `Drop`).
    pub fn flush(&self) {
        if let Err(error) = self.provider.force_flush() {
            tracing::warn!(%error, "cannot flush the OTLP trace export");
        }
    }
}

impl Drop for OtlpExport {
    fn drop(&mut self) {
        if let Err(error) = self.provider.shutdown() {
            eprintln!("aiproxy: cannot flush the OTLP trace export: {error}");
        }
    }
}

/// Like [`init`], and with `otlp_endpoint` (the collector's base URL, as in
/// `OTEL_EXPORTER_OTLP_ENDPOINT`) every span is also exported in batches to
/// `{endpoint}/v1/traces` as OTLP protobuf. Must run inside the tokio runtime (the batches
/// are sent by a task on it). Returns `None` when nothing is exported, or when a subscriber
/// was installed already.
pub fn init_with_otlp(format: &str, otlp_endpoint: Option<&str>) -> Option<OtlpExport> {
    let Some(endpoint) = otlp_endpoint.filter(|endpoint| !endpoint.trim().is_empty()) else {
        init(format);
        return None;
    };
    let exporter = SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(format!("{}/v1/traces", endpoint.trim_end_matches('/')))
        .build();
    let exporter = match exporter {
        Ok(exporter) => exporter,
        Err(error) => {
            init(format);
            tracing::error!(%error, "cannot export traces to OTEL_EXPORTER_OTLP_ENDPOINT");
            return None;
        }
    };
    let provider = SdkTracerProvider::builder()
        .with_span_processor(BatchSpanProcessor::builder(exporter, Tokio).build())
        .with_resource(Resource::builder().with_service_name("aiproxy").build())
        .build();
    let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer("aiproxy"));
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = format == "json";
    let installed = tracing_subscriber::registry()
        .with(filter)
        .with(json.then(|| {
            tracing_subscriber::fmt::layer()
                .json()
                .with_writer(std::io::stderr)
        }))
        .with((!json).then(|| {
            tracing_subscriber::fmt::layer()
                .with_ansi(stderr_is_terminal())
                .with_writer(std::io::stderr)
        }))
        .with(otel)
        .try_init();
    match installed {
        Ok(()) => Some(OtlpExport { provider }),
        Err(_) => None,
    }
}

/// Whether log lines may carry colour escapes: only when stderr is a terminal, never when it is
/// redirected to a file or a pipe (where the escapes would be noise a reader has to strip).
fn stderr_is_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// Makes `span` a child of the client's span named by its `traceparent`, with its
/// `tracestate`. Without the OTLP export there is no OpenTelemetry context to set, and nothing
/// happens.
pub fn continue_client_trace(span: &tracing::Span, client: &ClientTrace) {
    let parent = client.parent;
    // Checked and bounded already; a state OpenTelemetry reads otherwise is left out.
    let state = client
        .state
        .as_ref()
        .and_then(|state| state.text().parse::<TraceState>().ok())
        .unwrap_or_default();
    let remote = SpanContext::new(
        TraceId::from_bytes(parent.trace_id),
        SpanId::from_bytes(parent.parent_id),
        TraceFlags::new(parent.flags),
        true,
        state,
    );
    // An error only says that spans are not exported.
    drop(span.set_parent(opentelemetry::Context::new().with_remote_span_context(remote)));
}

/// Continues the trace an MCP tool call names in `params._meta`: the same W3C rules as the
/// headers (a `traceparent` that does not parse is ignored, and so is its `tracestate`).
#[derive(Debug, Clone, Copy)]
pub struct MetaClientTraces;

impl mcp::ClientTraces for MetaClientTraces {
    fn continue_trace(&self, span: &tracing::Span, traceparent: &str, tracestate: Option<&str>) {
        let Some(parent) = TraceParent::parse(traceparent) else {
            return;
        };
        let state = tracestate.and_then(relay::trace_state::TraceState::parse);
        continue_client_trace(span, &ClientTrace { parent, state });
    }
}

/// The ids the OTLP export gives a span, for the relay's upstream `traceparent`; `None` when
/// spans are not exported.
#[derive(Debug, Clone, Copy)]
pub struct ExportedSpanIds;

impl SpanIds for ExportedSpanIds {
    fn trace_parent(&self, span: &tracing::Span) -> Option<TraceParent> {
        let context = span.context();
        let span_context = context.span().span_context().clone();
        span_context.is_valid().then(|| TraceParent {
            trace_id: span_context.trace_id().to_bytes(),
            parent_id: span_context.span_id().to_bytes(),
            flags: span_context.trace_flags().to_u8(),
        })
    }
}
