//! Conversion benchmark over the OpenAPI corpus: median wall time of several runs and peak
//! heap in use during one conversion (bytes read from disk are not counted), per document.
//!
//! Run with `cargo bench -p openapi2mcp --bench convert`; `OPENAPI_CORPUS_DIR` overrides the
//! corpus location. The target is at most 100 ms for the 623-operation GitHub document.

#![expect(clippy::panic, reason = "a benchmark fails loudly on missing fixtures")]

use std::time::{Duration, Instant};

use peak_alloc::PeakAlloc;

#[path = "../tests/common/mod.rs"]
mod common;

// Counts every allocation, so the peak heap of one conversion can be read and reset.
#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

const RUNS: usize = 7;

fn main() {
    let dir = common::corpus_dir();
    println!(
        "{:<42} {:>6} {:>12} {:>12} {:>14}",
        "document", "tools", "median ms", "min ms", "peak heap MiB"
    );
    for (name, _) in common::manifest_entries(&dir) {
        let (bytes, options) = common::load_entry(&dir, &name);
        let mut times = Vec::with_capacity(RUNS);
        let mut tools = 0;
        let mut peak = 0;
        for run in 0..RUNS {
            let baseline = ALLOCATOR.current_usage();
            ALLOCATOR.reset_peak_usage();
            let started = Instant::now();
            let api = openapi2mcp::Api::from_document(&bytes, &options)
                .unwrap_or_else(|error| panic!("{name}: {error}"));
            times.push(started.elapsed());
            if run == 0 {
                peak = ALLOCATOR.peak_usage().saturating_sub(baseline);
                tools = api.tools().len();
            }
            drop(api);
        }
        times.sort();
        let median = times[RUNS / 2];
        let min = times.first().copied().unwrap_or(Duration::ZERO);
        println!(
            "{:<42} {:>6} {:>12.2} {:>12.2} {:>14.1}",
            name,
            tools,
            median.as_secs_f64() * 1000.0,
            min.as_secs_f64() * 1000.0,
            peak as f64 / (1024.0 * 1024.0)
        );
    }
}
