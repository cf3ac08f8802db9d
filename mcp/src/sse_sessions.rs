//! Where legacy SSE sessions live and how a `POST /message` reaches one: [`SseSessionRegistry`], with [`LocalSseSessions`] for one process.
//!
//! A session lives on the replica holding its stream, but the POSTs for it may land on any
//! replica behind a load balancer. Delivery therefore goes through [`SseSessionRegistry`]:
//! [`LocalSseSessions`] reaches sessions of this process; a host running several replicas wraps
//! it (for example with Redis pub/sub: record which replica owns a session at `register`, and
//! `deliver` publishes to that replica, whose subscriber calls the local registry's `deliver`).
//! Everything a delivery carries is serializable for that reason.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use tenancy::Caller;

/// One client message for a legacy SSE session, as accepted by `POST /message`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SseInbound {
    /// The caller authenticated on the POST; must be the token that opened the session.
    pub caller: Caller,
    /// A JSON-RPC message, already checked to parse.
    pub message: serde_json::Value,
}

/// A session opened on this replica: where its messages go.
#[derive(Debug)]
pub struct SseSessionHandle {
    pub session_id: String,
    pub owner_token_id: i64,
    pub inbox: mpsc::Sender<SseInbound>,
}

/// Why a message could not be delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SseDeliveryError {
    /// No such session, or it belongs to another token (the two are not told apart).
    #[error("session not found")]
    NotFound,
    /// The session's inbox is full (the client sends faster than it is served), or the replica
    /// holding it did not answer in time: worth retrying either way.
    #[error("session is busy")]
    Busy,
}

/// Routes `POST /message` bodies to the session they name, wherever it lives.
#[async_trait]
pub trait SseSessionRegistry: Send + Sync + 'static {
    /// A stream opened on this replica; its endpoint is announced once this returns, so a
    /// shared registry records the owner here (a failure there leaves the session local-only).
    async fn register(&self, session: SseSessionHandle);
    /// The stream closed. Must not block.
    fn unregister(&self, session_id: &str);
    async fn deliver(&self, session_id: &str, inbound: SseInbound) -> Result<(), SseDeliveryError>;
}

/// Sessions of this process only.
#[derive(Debug, Default)]
pub struct LocalSseSessions {
    sessions: Mutex<HashMap<String, (i64, mpsc::Sender<SseInbound>)>>,
}

#[async_trait]
impl SseSessionRegistry for LocalSseSessions {
    async fn register(&self, session: SseSessionHandle) {
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.insert(session.session_id, (session.owner_token_id, session.inbox));
        }
    }

    fn unregister(&self, session_id: &str) {
        if let Ok(mut sessions) = self.sessions.lock() {
            sessions.remove(session_id);
        }
    }

    async fn deliver(&self, session_id: &str, inbound: SseInbound) -> Result<(), SseDeliveryError> {
        let inbox = {
            let sessions = self
                .sessions
                .lock()
                .map_err(|_| SseDeliveryError::NotFound)?;
            match sessions.get(session_id) {
                Some((owner, inbox)) if *owner == inbound.caller.token_id => inbox.clone(),
                _ => return Err(SseDeliveryError::NotFound),
            }
        };
        inbox.try_send(inbound).map_err(|error| match error {
            mpsc::error::TrySendError::Full(_) => SseDeliveryError::Busy,
            mpsc::error::TrySendError::Closed(_) => SseDeliveryError::NotFound,
        })
    }
}
