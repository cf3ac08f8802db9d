//! Where Streamable HTTP sessions are recorded ([`SessionStore`]), so that any replica sharing the store can resume a session another replica created.
//!
//! A session is little more than who opened it, on which route, and the client's `initialize`:
//! every request is resolved afresh (see the crate's invariant), so a replica that does not hold
//! a session in memory re-creates it by replaying that `initialize` through rmcp
//! (`StreamableHttpServerConfig::session_store`, read through [`RmcpSessionStore`]), then serves
//! the request. The store is also the authority on whether a session still exists: a session
//! ended on one replica (DELETE, idle expiry) is closed on the others at their next request.
#![expect(
    deprecated,
    reason = "a session-era client's log level is deprecated upstream (SEP-2577) but clients of the 2025 revisions still set it"
)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use rmcp::model::InitializeRequestParams;
use rmcp::transport::streamable_http_server::session::{
    SessionState, SessionStore as RmcpStoreTrait, SessionStoreError as RmcpStoreError,
};
use serde::{Deserialize, Serialize};

/// What a replica needs to resume a session it has never seen.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionRecord {
    /// The token that created the session; any other token gets 404 for it.
    pub owner_token_id: i64,
    /// The route it was created on (one server, the aggregate, or admin); another route gets 404.
    pub route: String,
    /// The client's `initialize` parameters (protocol version, capabilities, client info),
    /// replayed to re-create the session, which therefore negotiates the same version.
    pub initialize_params: InitializeRequestParams,
    /// The least severe log level the client asked for with `logging/setLevel`; `None` until
    /// it asks (every level). Kept here so that a replica re-creating the session applies it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_level: Option<rmcp::model::LoggingLevel>,
}

/// The store could not be reached or answered nonsense; the request gets 503.
#[derive(Debug, Clone, thiserror::Error)]
#[error("session store: {0}")]
pub struct SessionStoreError(pub String);

/// Session records shared by the replicas that may serve a session. Records expire when a
/// session sees no traffic for the store's idle time; `load` restarts that clock.
#[async_trait]
pub trait SessionStore: Send + Sync + 'static {
    async fn save(&self, session_id: &str, record: &SessionRecord)
    -> Result<(), SessionStoreError>;
    /// The record, its idle clock restarted; `None` when unknown, ended or expired.
    async fn load(&self, session_id: &str) -> Result<Option<SessionRecord>, SessionStoreError>;
    async fn remove(&self, session_id: &str) -> Result<(), SessionStoreError>;
}

/// Records in this process: the default, for a single replica.
#[derive(Debug)]
pub struct MemorySessionStore {
    idle_timeout: Duration,
    records: Mutex<HashMap<String, (SessionRecord, Instant)>>,
}

impl MemorySessionStore {
    pub fn new(idle_timeout: Duration) -> Self {
        Self {
            idle_timeout,
            records: Mutex::new(HashMap::new()),
        }
    }
}

fn poisoned<T>(_: T) -> SessionStoreError {
    SessionStoreError("memory session store lock poisoned".to_owned())
}

#[async_trait]
impl SessionStore for MemorySessionStore {
    async fn save(
        &self,
        session_id: &str,
        record: &SessionRecord,
    ) -> Result<(), SessionStoreError> {
        let mut records = self.records.lock().map_err(poisoned)?;
        // Expired records are dropped now and then, so the lock stays short.
        if records.len() % 1024 == 1023 {
            let idle_timeout = self.idle_timeout;
            records.retain(|_, (_, last_seen)| last_seen.elapsed() < idle_timeout);
        }
        records.insert(session_id.to_owned(), (record.clone(), Instant::now()));
        Ok(())
    }

    async fn load(&self, session_id: &str) -> Result<Option<SessionRecord>, SessionStoreError> {
        let mut records = self.records.lock().map_err(poisoned)?;
        match records.get_mut(session_id) {
            Some((_, last_seen)) if last_seen.elapsed() >= self.idle_timeout => {
                records.remove(session_id);
                Ok(None)
            }
            Some((record, last_seen)) => {
                *last_seen = Instant::now();
                Ok(Some(record.clone()))
            }
            None => Ok(None),
        }
    }

    async fn remove(&self, session_id: &str) -> Result<(), SessionStoreError> {
        self.records.lock().map_err(poisoned)?.remove(session_id);
        Ok(())
    }
}

/// rmcp's view of a [`SessionStore`]: it only reads, to replay `initialize` when a session must
/// be re-created on this replica. Saving and removing are done by the router, which knows the
/// owner and route rmcp does not.
pub(crate) struct RmcpSessionStore(pub Arc<dyn SessionStore>);

#[async_trait]
impl RmcpStoreTrait for RmcpSessionStore {
    async fn load(&self, session_id: &str) -> Result<Option<SessionState>, RmcpStoreError> {
        let record = self.0.load(session_id).await.map_err(Box::new)?;
        Ok(record.map(|record| SessionState::new(record.initialize_params)))
    }

    async fn store(&self, _session_id: &str, _state: &SessionState) -> Result<(), RmcpStoreError> {
        Ok(())
    }

    async fn delete(&self, _session_id: &str) -> Result<(), RmcpStoreError> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(owner_token_id: i64) -> SessionRecord {
        SessionRecord {
            owner_token_id,
            route: "aggregated".to_owned(),
            initialize_params: InitializeRequestParams::default(),
            log_level: None,
        }
    }

    #[tokio::test]
    async fn memory_records_expire_when_idle_and_loading_keeps_them_alive() {
        let store = MemorySessionStore::new(Duration::from_millis(200));
        store.save("s1", &record(7)).await.unwrap();
        for _ in 0..4 {
            tokio::time::sleep(Duration::from_millis(80)).await;
            let loaded = store.load("s1").await.unwrap();
            assert_eq!(loaded.map(|record| record.owner_token_id), Some(7));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        assert!(store.load("s1").await.unwrap().is_none());
        store.save("s2", &record(8)).await.unwrap();
        store.remove("s2").await.unwrap();
        assert!(store.load("s2").await.unwrap().is_none());
    }
}
