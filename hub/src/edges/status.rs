//! `GET /api/status`: version, uptime and whether storage answers, plus the seed's envelope fields; no authentication, no secrets.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use crate::logs::journal::JournalStatus;
use crate::logs::writer::LogWriter;
use crate::process::redis_link::RedisLink;
use crate::store::{Dialect, Store};

/// How long the status page waits for the database before calling it unreachable.
const STORAGE_PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// How long one probe's answer is reused: the page needs no authentication, so without this
/// every anonymous request would take a database connection (and a Redis round trip), and a
/// flood of them would starve the pool the real traffic needs.
const PROBE_REUSE: Duration = Duration::from_secs(1);

#[derive(Clone)]
pub struct StatusState {
    pub started: Instant,
    pub store: Store,
    /// Its breaker's state is read on every call, so an outage shows at once even while a
    /// probe's answer is being reused.
    pub redis: Option<RedisLink>,
    /// The last probe: when, and whether storage answered. Behind an async
    /// lock, so callers arriving during a probe wait for its answer instead of probing too.
    pub last_probe: Arc<tokio::sync::Mutex<Option<Probe>>>,
    /// The request log writer, for its journal's state (read on every call: atomics only).
    pub log_writer: Option<LogWriter>,
}

/// What one probe of the backends found.
#[derive(Clone, Copy, Debug)]
pub struct Probe {
    at: Instant,
    storage: bool,
}

#[derive(Debug, Serialize)]
pub struct StatusBody {
    pub version: &'static str,
    pub uptime_seconds: u64,
    pub storage: ComponentStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis: Option<ComponentStatus>,
    /// The request-log journal: `state` (`memory`, `spilled`: entries are read back from the
    /// files, `exhausted`: billable requests are refused or served unbilled), `bytes`,
    /// `max_bytes`, `pending_entries`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_journal: Option<JournalStatus>,
    /// The seed's (labring/aiproxy) answer, for its integrations: always true here.
    pub success: bool,
    pub data: SeedStatus,
}

/// The seed's status data: when the process started, in unix milliseconds.
#[derive(Debug, Serialize)]
pub struct SeedStatus {
    #[serde(rename = "startTime")]
    pub start_time: i64,
}

#[derive(Debug, Serialize)]
pub struct ComponentStatus {
    pub reachable: bool,
    pub backend: &'static str,
}

pub async fn status(State(state): State<Arc<StatusState>>) -> Json<StatusBody> {
    let probe = {
        let mut last = state.last_probe.lock().await;
        match *last {
            Some(probe) if probe.at.elapsed() < PROBE_REUSE => probe,
            _ => {
                let probe = probe_backends(&state).await;
                *last = Some(probe);
                probe
            }
        }
    };
    Json(StatusBody {
        version: env!("CARGO_PKG_VERSION"),
        uptime_seconds: state.started.elapsed().as_secs(),
        storage: ComponentStatus {
            reachable: probe.storage,
            backend: dialect_name(state.store.dialect()),
        },
        // The breaker's state, current on every call: a reused probe never hides an outage
        // or a recovery (the probe's own PING feeds the breaker too).
        redis: state.redis.as_ref().map(|link| ComponentStatus {
            reachable: link.is_reachable(),
            backend: "redis",
        }),
        log_journal: state
            .log_writer
            .as_ref()
            .and_then(LogWriter::journal_status),
        success: true,
        data: SeedStatus {
            start_time: crate::store::now_ms().saturating_sub(
                i64::try_from(state.started.elapsed().as_millis()).unwrap_or(i64::MAX),
            ),
        },
    })
}

async fn probe_backends(state: &StatusState) -> Probe {
    let storage = tokio::time::timeout(STORAGE_PROBE_TIMEOUT, state.store.ping())
        .await
        .is_ok_and(|ping| ping.is_ok());
    // Known down: the breaker's own probe is already waiting for Redis to answer.
    if let Some(link) = state.redis.as_ref().filter(|link| link.is_reachable()) {
        let mut connection = link.manager();
        // Bounded by the connection's command timeout.
        if let Err(error) = redis::cmd("PING")
            .query_async::<String>(&mut connection)
            .await
        {
            link.observe(&error);
        }
    }
    Probe {
        at: Instant::now(),
        storage,
    }
}

pub fn dialect_name(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "sqlite",
        Dialect::Postgres => "postgres",
    }
}
