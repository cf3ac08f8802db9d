//! The `aiproxy` binary: parses flags and environment, starts tracing, and hands over to the `hub` library.

use std::process::ExitCode;

use clap::Parser;
use hub::process::cli::{Cli, Command};

/// mimalloc instead of the system allocator: a request allocates a few hundred times across
/// the listener, the relay, the governor and the log writer, often freeing on another thread
/// than it allocated on. Measured with the shared harness (see README, Benchmarks): less CPU
/// per request, and memory freed after a burst is given back to the system instead of staying
/// in glibc's per-thread arenas.
///
/// Built without transparent huge pages (the crate's `no_thp` feature): mimalloc otherwise
/// advises its 1 GiB arena into huge pages (`MADV_HUGEPAGE`), and on kernels that honour the
/// advice (`transparent_hugepage=madvise`, Debian's default) every 2 MiB the heap touches
/// becomes resident whole. Measured on the governed configuration: 53 MiB of huge pages at
/// idle, resident memory 111 -> 83 MiB idle and 135 -> 100 MiB peak under load (README,
/// Benchmarks). Where the kernel forces huge pages on every mapping (`always`),
/// `MIMALLOC_ALLOW_THP=0` in the environment turns them off for the process.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // Held to the end of main: dropping it flushes the spans not exported yet.
    let _otlp = hub::process::telemetry::init_with_otlp(
        &cli.settings.log_format,
        cli.settings.otel_exporter_otlp_endpoint.as_deref(),
    );
    let outcome = match cli.command {
        None | Some(Command::Serve) => serve(cli.settings).await,
        Some(Command::Apply { file, server }) => {
            hub::process::cli::apply(&file, &server, cli.settings.admin_key.as_deref()).await
        }
        Some(Command::Export { server }) => {
            hub::process::cli::export(server.as_deref(), &cli.settings).await
        }
        Some(Command::Secrets { command }) => {
            hub::process::cli::secrets(command, &cli.settings).await
        }
        Some(Command::Import { source }) => hub::process::cli::import(source, &cli.settings).await,
        Some(Command::Mcp { command }) => {
            hub::process::cli::mcp(command, cli.settings.admin_key.as_deref()).await
        }
        Some(Command::Models { command }) => {
            hub::process::cli::models(command, cli.settings.admin_key.as_deref()).await
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("aiproxy: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: hub::process::settings::Settings) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .map_err(|error| anyhow::anyhow!("cannot listen on LISTEN={}: {error}", settings.listen))?;
    hub::run(settings, listener, hub::edges::server::termination_signal()).await
}
