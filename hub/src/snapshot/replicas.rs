//! Keeps replicas in agreement: change events are forwarded to the other replicas through Redis pub/sub and theirs are re-announced here.
//!
//! Redis is the fast path only. Every replica also polls the database's configuration revision
//! (see `snapshot`), so a missed message delays a change by one poll interval and never loses it.

use std::time::Duration;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::error::RecvError;

use crate::snapshot::changes::{ChangeAction, ChangeEvent, ChangeFeed, ChangeKind};

/// Backoff between reconnection attempts when Redis goes away.
const RECONNECT_DELAY: Duration = Duration::from_secs(1);

#[derive(Debug, Serialize, Deserialize)]
struct WireChange {
    instance: String,
    kind: String,
    action: String,
    id: String,
}

/// The Redis channel that carries change events for one key prefix.
pub fn changes_channel(key_prefix: &str) -> String {
    format!("{key_prefix}:config-changes")
}

/// Forwards local changes to Redis and re-announces other replicas' changes locally until
/// `shutdown` resolves.
pub async fn bridge_changes(
    client: redis::Client,
    publisher: redis::aio::ConnectionManager,
    key_prefix: String,
    changes: ChangeFeed,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let instance = uuid::Uuid::new_v4().to_string();
    let channel = changes_channel(&key_prefix);
    let outbound = forward_local_changes(
        publisher,
        channel.clone(),
        instance.clone(),
        changes.clone(),
    );
    let inbound = receive_remote_changes(client, channel, instance, changes);
    tokio::select! {
        () = shutdown => {}
        () = outbound => {}
        () = inbound => {}
    }
}

async fn forward_local_changes(
    mut publisher: redis::aio::ConnectionManager,
    channel: String,
    instance: String,
    changes: ChangeFeed,
) {
    let mut events = changes.subscribe();
    loop {
        let event = match events.recv().await {
            Ok(event) => event,
            Err(RecvError::Lagged(missed)) => {
                // The other replicas' revision polls pick up whatever was skipped here.
                tracing::warn!(missed, "change forwarder lagged behind");
                continue;
            }
            Err(RecvError::Closed) => return,
        };
        if event.remote {
            continue;
        }
        let wire = WireChange {
            instance: instance.clone(),
            kind: event.kind.as_str().to_owned(),
            action: event.action.as_str().to_owned(),
            id: event.id,
        };
        let Ok(payload) = serde_json::to_string(&wire) else {
            continue;
        };
        let published: redis::RedisResult<i64> = redis::cmd("PUBLISH")
            .arg(&channel)
            .arg(payload)
            .query_async(&mut publisher)
            .await;
        if let Err(error) = published {
            tracing::warn!(%error, "cannot publish a configuration change to redis");
        }
    }
}

async fn receive_remote_changes(
    client: redis::Client,
    channel: String,
    instance: String,
    changes: ChangeFeed,
) {
    loop {
        match subscribe_once(&client, &channel, &instance, &changes).await {
            Ok(()) => tracing::warn!("redis change subscription ended; reconnecting"),
            Err(error) => tracing::warn!(%error, "redis change subscription failed; reconnecting"),
        }
        tokio::time::sleep(RECONNECT_DELAY).await;
    }
}

async fn subscribe_once(
    client: &redis::Client,
    channel: &str,
    instance: &str,
    changes: &ChangeFeed,
) -> redis::RedisResult<()> {
    let mut pubsub = client.get_async_pubsub().await?;
    pubsub.subscribe(channel).await?;
    let mut messages = pubsub.on_message();
    while let Some(message) = messages.next().await {
        let Ok(payload) = message.get_payload::<String>() else {
            continue;
        };
        let Some(event) = decode(&payload, instance) else {
            continue;
        };
        changes.publish_remote(event);
    }
    Ok(())
}

/// Decodes another replica's change; `None` for our own echo or a malformed message.
fn decode(payload: &str, own_instance: &str) -> Option<ChangeEvent> {
    let wire: WireChange = serde_json::from_str(payload).ok()?;
    if wire.instance == own_instance {
        return None;
    }
    Some(ChangeEvent {
        kind: ChangeKind::parse(&wire.kind)?,
        action: ChangeAction::parse(&wire.action)?,
        id: wire.id,
        remote: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_echo_and_garbage_are_ignored() {
        let payload = r#"{"instance":"a","kind":"group","action":"created","id":"acme"}"#;
        assert!(decode(payload, "a").is_none());
        let event = decode(payload, "b").unwrap();
        assert_eq!(event.kind, ChangeKind::Group);
        assert_eq!(event.action, ChangeAction::Created);
        assert!(event.remote);
        assert!(decode("not json", "b").is_none());
        assert!(
            decode(
                r#"{"instance":"a","kind":"planet","action":"created","id":"x"}"#,
                "b"
            )
            .is_none()
        );
    }
}
