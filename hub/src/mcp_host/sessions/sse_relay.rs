//! Legacy SSE sessions across replicas: a message POSTed to any replica reaches the one holding the
//! session's stream, through Redis pub/sub, and the POST answers with that replica's verdict.
//!
//! Each replica records `session → replica` for the streams it holds (expiring unless
//! refreshed, so a replica that dies leaves nothing behind for long) and listens on a channel of
//! its own. A message for a session held elsewhere is published to the owner's channel; the
//! owner delivers it into its local registry and publishes the outcome back to the sender's
//! channel, which the waiting POST reads (or gives up on after [`ACK_TIMEOUT`]).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use futures::StreamExt;
use mcp::{LocalSseSessions, SseDeliveryError, SseInbound, SseSessionHandle, SseSessionRegistry};
use redis::aio::ConnectionManager;
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

/// How long a POST waits for the owning replica's answer before answering 503.
const ACK_TIMEOUT: Duration = Duration::from_secs(5);
/// Lifetime of an owner record; refreshed every third of it while the stream lives.
const OWNER_TTL: Duration = Duration::from_secs(60);
/// Backoff between reconnection attempts when Redis goes away.
const RECONNECT_DELAY: Duration = Duration::from_secs(1);

/// An [`SseSessionRegistry`] for replicas sharing one Redis.
pub struct RedisSseSessions {
    local: LocalSseSessions,
    /// Sessions whose stream this replica holds.
    held: Mutex<HashSet<String>>,
    redis: ConnectionManager,
    key_prefix: String,
    instance: String,
    /// Deliveries published to another replica, waiting for its answer, by request id.
    pending: Mutex<HashMap<String, oneshot::Sender<Outcome>>>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Wire {
    Deliver {
        request_id: String,
        reply_to: String,
        session_id: String,
        inbound: SseInbound,
    },
    Ack {
        request_id: String,
        outcome: Outcome,
    },
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Outcome {
    Delivered,
    NotFound,
    Busy,
}

impl Outcome {
    fn from_result(result: Result<(), SseDeliveryError>) -> Self {
        match result {
            Ok(()) => Outcome::Delivered,
            Err(SseDeliveryError::NotFound) => Outcome::NotFound,
            Err(SseDeliveryError::Busy) => Outcome::Busy,
        }
    }

    fn into_result(self) -> Result<(), SseDeliveryError> {
        match self {
            Outcome::Delivered => Ok(()),
            Outcome::NotFound => Err(SseDeliveryError::NotFound),
            Outcome::Busy => Err(SseDeliveryError::Busy),
        }
    }
}

impl RedisSseSessions {
    /// Subscribes to this replica's channel (done when this returns, so no delivery published
    /// to it is missed) and keeps the subscription and the owner records alive until `shutdown`.
    pub async fn start(
        client: redis::Client,
        redis: ConnectionManager,
        key_prefix: &str,
        shutdown: CancellationToken,
    ) -> redis::RedisResult<Arc<Self>> {
        let sessions = Arc::new(Self {
            local: LocalSseSessions::default(),
            held: Mutex::new(HashSet::new()),
            redis,
            key_prefix: key_prefix.to_owned(),
            instance: uuid::Uuid::new_v4().simple().to_string(),
            pending: Mutex::new(HashMap::new()),
        });
        let subscription = sessions.subscribe(&client).await?;
        tokio::spawn(sessions.clone().run(client, subscription, shutdown));
        Ok(sessions)
    }

    fn owner_key(&self, session_id: &str) -> String {
        format!("{}:mcp-sse-owner:{session_id}", self.key_prefix)
    }

    fn inbox_channel(&self, instance: &str) -> String {
        format!("{}:mcp-sse-inbox:{instance}", self.key_prefix)
    }

    fn holds(&self, session_id: &str) -> bool {
        self.held.lock().is_ok_and(|held| held.contains(session_id))
    }

    async fn subscribe(&self, client: &redis::Client) -> redis::RedisResult<redis::aio::PubSub> {
        let mut pubsub = client.get_async_pubsub().await?;
        pubsub.subscribe(self.inbox_channel(&self.instance)).await?;
        Ok(pubsub)
    }

    async fn run(
        self: Arc<Self>,
        client: redis::Client,
        subscription: redis::aio::PubSub,
        shutdown: CancellationToken,
    ) {
        let mut refresh = tokio::time::interval(OWNER_TTL / 3);
        let mut subscription = Some(subscription);
        loop {
            let pubsub = match subscription.take() {
                Some(pubsub) => pubsub,
                None => match self.subscribe(&client).await {
                    Ok(pubsub) => pubsub,
                    Err(error) => {
                        tracing::warn!(%error, "mcp sse relay cannot subscribe; retrying");
                        tokio::select! {
                            () = shutdown.cancelled() => return,
                            () = tokio::time::sleep(RECONNECT_DELAY) => continue,
                        }
                    }
                },
            };
            let mut messages = pubsub.into_on_message();
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    _ = refresh.tick() => self.refresh_owners().await,
                    message = messages.next() => match message {
                        Some(message) => self.receive(message),
                        None => break,
                    },
                }
            }
            tracing::warn!("mcp sse relay subscription ended; reconnecting");
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(RECONNECT_DELAY) => {}
            }
        }
    }

    fn receive(self: &Arc<Self>, message: redis::Msg) {
        let Ok(payload) = message.get_payload::<String>() else {
            return;
        };
        match serde_json::from_str::<Wire>(&payload) {
            Ok(Wire::Deliver {
                request_id,
                reply_to,
                session_id,
                inbound,
            }) => {
                // Answered from a task: the local delivery and the reply must not hold up
                // the messages behind it.
                let sessions = self.clone();
                tokio::spawn(async move {
                    let outcome =
                        Outcome::from_result(sessions.local.deliver(&session_id, inbound).await);
                    sessions
                        .publish(
                            &reply_to,
                            &Wire::Ack {
                                request_id,
                                outcome,
                            },
                        )
                        .await;
                });
            }
            Ok(Wire::Ack {
                request_id,
                outcome,
            }) => {
                let waiter = self
                    .pending
                    .lock()
                    .ok()
                    .and_then(|mut pending| pending.remove(&request_id));
                if let Some(waiter) = waiter {
                    let _ = waiter.send(outcome);
                }
            }
            Err(error) => tracing::debug!(%error, "ignoring a malformed mcp sse relay message"),
        }
    }

    /// Publishes `wire` to `instance`'s channel; the number of replicas that heard it (0 when
    /// that replica is gone).
    async fn publish(&self, instance: &str, wire: &Wire) -> i64 {
        let Ok(payload) = serde_json::to_string(wire) else {
            return 0;
        };
        let published: redis::RedisResult<i64> = redis::cmd("PUBLISH")
            .arg(self.inbox_channel(instance))
            .arg(payload)
            .query_async(&mut self.redis.clone())
            .await;
        published.unwrap_or_else(|error| {
            tracing::warn!(%error, "cannot publish an mcp sse relay message");
            0
        })
    }

    async fn refresh_owners(&self) {
        let held: Vec<String> = match self.held.lock() {
            Ok(held) => held.iter().cloned().collect(),
            Err(_) => return,
        };
        if held.is_empty() {
            return;
        }
        let mut pipeline = redis::pipe();
        for session_id in &held {
            pipeline
                .cmd("SET")
                .arg(self.owner_key(session_id))
                .arg(&self.instance)
                .arg("EX")
                .arg(OWNER_TTL.as_secs())
                .ignore();
        }
        if let Err(error) = pipeline.query_async::<()>(&mut self.redis.clone()).await {
            tracing::warn!(%error, "cannot refresh mcp sse session owners");
        }
    }

    async fn deliver_elsewhere(
        &self,
        session_id: &str,
        inbound: SseInbound,
    ) -> Result<(), SseDeliveryError> {
        let owner: Option<String> = redis::cmd("GET")
            .arg(self.owner_key(session_id))
            .query_async(&mut self.redis.clone())
            .await
            .map_err(|error| {
                tracing::warn!(%error, "cannot look up an mcp sse session owner");
                SseDeliveryError::Busy
            })?;
        // Our own id here is a record outliving its stream: the session is gone.
        let owner = owner
            .filter(|owner| *owner != self.instance)
            .ok_or(SseDeliveryError::NotFound)?;
        let request_id = uuid::Uuid::new_v4().simple().to_string();
        let (answer, answered) = oneshot::channel();
        if let Ok(mut pending) = self.pending.lock() {
            pending.insert(request_id.clone(), answer);
        }
        let waiting = PendingGuard {
            sessions: self,
            request_id: request_id.clone(),
        };
        let deliver = Wire::Deliver {
            request_id,
            reply_to: self.instance.clone(),
            session_id: session_id.to_owned(),
            inbound,
        };
        if self.publish(&owner, &deliver).await == 0 {
            return Err(SseDeliveryError::NotFound);
        }
        let outcome = match tokio::time::timeout(ACK_TIMEOUT, answered).await {
            Ok(Ok(outcome)) => outcome.into_result(),
            // The owner heard the message but did not answer in time: retryable, like a
            // full inbox.
            Ok(Err(_)) | Err(_) => Err(SseDeliveryError::Busy),
        };
        drop(waiting);
        outcome
    }
}

/// Forgets a pending delivery however its wait ends (answer, timeout, client gone).
struct PendingGuard<'a> {
    sessions: &'a RedisSseSessions,
    request_id: String,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut pending) = self.sessions.pending.lock() {
            pending.remove(&self.request_id);
        }
    }
}

#[async_trait]
impl SseSessionRegistry for RedisSseSessions {
    async fn register(&self, session: SseSessionHandle) {
        let session_id = session.session_id.clone();
        self.local.register(session).await;
        if let Ok(mut held) = self.held.lock() {
            held.insert(session_id.clone());
        }
        let recorded: redis::RedisResult<()> = redis::cmd("SET")
            .arg(self.owner_key(&session_id))
            .arg(&self.instance)
            .arg("EX")
            .arg(OWNER_TTL.as_secs())
            .query_async(&mut self.redis.clone())
            .await;
        if let Err(error) = recorded {
            // The next refresh records it; until then only this replica can reach it.
            tracing::warn!(%error, "cannot record an mcp sse session owner");
        }
    }

    fn unregister(&self, session_id: &str) {
        self.local.unregister(session_id);
        if let Ok(mut held) = self.held.lock() {
            held.remove(session_id);
        }
        // Session ids are random: no other replica can have recorded this one.
        let key = self.owner_key(session_id);
        let mut redis = self.redis.clone();
        tokio::spawn(async move {
            let removed: redis::RedisResult<()> =
                redis::cmd("DEL").arg(key).query_async(&mut redis).await;
            if let Err(error) = removed {
                tracing::debug!(%error, "cannot remove an mcp sse session owner");
            }
        });
    }

    async fn deliver(&self, session_id: &str, inbound: SseInbound) -> Result<(), SseDeliveryError> {
        if self.holds(session_id) {
            return self.local.deliver(session_id, inbound).await;
        }
        self.deliver_elsewhere(session_id, inbound).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_messages_round_trip() {
        let ack = serde_json::to_string(&Wire::Ack {
            request_id: "r1".into(),
            outcome: Outcome::Busy,
        })
        .unwrap();
        assert_eq!(ack, r#"{"type":"ack","request_id":"r1","outcome":"busy"}"#);
        match serde_json::from_str::<Wire>(&ack).unwrap() {
            Wire::Ack { outcome, .. } => {
                assert_eq!(outcome.into_result(), Err(SseDeliveryError::Busy))
            }
            Wire::Deliver { .. } => panic!("decoded an ack as a delivery"),
        }
        assert!(serde_json::from_str::<Wire>(r#"{"type":"planet"}"#).is_err());
    }
}
