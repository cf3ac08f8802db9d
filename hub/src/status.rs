//! `GET /api/status`: version, uptime and whether storage answers; no authentication, no secrets.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use serde::Serialize;

use crate::store::{Dialect, Store};

/// How long the status page waits for the database before calling it unreachable.
const STORAGE_PROBE_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Clone)]
pub struct StatusState {
    pub started: Instant,
    pub store: Store,
    pub redis: Option<redis::aio::ConnectionManager>,
}

#[derive(Debug, Serialize)]
pub struct StatusBody {
    pub version: &'static str,
    pub uptime_seconds: u64,
    pub storage: ComponentStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis: Option<ComponentStatus>,
}

#[derive(Debug, Serialize)]
pub struct ComponentStatus {
    pub reachable: bool,
    pub backend: &'static str,
}

pub async fn status(State(state): State<Arc<StatusState>>) -> Json<StatusBody> {
    let storage_reachable = tokio::time::timeout(STORAGE_PROBE_TIMEOUT, state.store.ping())
        .await
        .is_ok_and(|ping| ping.is_ok());
    let redis = match &state.redis {
        None => None,
        Some(connection) => {
            let mut connection = connection.clone();
            let ping = tokio::time::timeout(
                STORAGE_PROBE_TIMEOUT,
                redis::cmd("PING").query_async::<String>(&mut connection),
            )
            .await;
            Some(ComponentStatus {
                reachable: ping.is_ok_and(|reply| reply.is_ok()),
                backend: "redis",
            })
        }
    };
    Json(StatusBody {
        version: env!("CARGO_PKG_VERSION"),
        uptime_seconds: state.started.elapsed().as_secs(),
        storage: ComponentStatus {
            reachable: storage_reachable,
            backend: dialect_name(state.store.dialect()),
        },
        redis,
    })
}

pub fn dialect_name(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "sqlite",
        Dialect::Postgres => "postgres",
    }
}
