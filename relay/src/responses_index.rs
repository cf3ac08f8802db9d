//! The relay's default [`ResponseIndex`] (in memory, bounded in entries and time) and the
//! helpers that find a response id in a Responses body or event stream, so that `GET` and
//! `DELETE /v1/responses/{id}` and `GET /v1/responses/{id}/input_items` reach the channel that
//! created the response.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use bytes::Bytes;
use futures::StreamExt;
use serde::Deserialize;

use crate::host::{ResponseIndex, ResponseOwner};
use crate::sse::SseParser;
use crate::upstream::ByteStream;

/// How long and how many ids the in-memory index keeps.
#[derive(Debug, Clone, Copy)]
pub struct ResponseIndexLimits {
    pub max_entries: usize,
    pub ttl: Duration,
}

impl Default for ResponseIndexLimits {
    /// OpenAI keeps stored responses for 30 days; ids cost about 100 bytes each, so 100,000
    /// of them stay around 10 MB.
    fn default() -> ResponseIndexLimits {
        ResponseIndexLimits {
            max_entries: 100_000,
            ttl: Duration::from_secs(30 * 24 * 3600),
        }
    }
}

/// A per-process index: the oldest entry leaves first when full, and expired entries are
/// dropped as new ones arrive (they were inserted in time order).
pub struct InMemoryResponseIndex {
    limits: ResponseIndexLimits,
    state: Mutex<IndexState>,
}

#[derive(Default)]
struct IndexState {
    owners: HashMap<String, (ResponseOwner, Instant)>,
    /// Insertion order with each insertion's time; an id forgotten or re-inserted leaves a
    /// stale entry here that is skipped when it comes up.
    order: VecDeque<(String, Instant)>,
}

impl InMemoryResponseIndex {
    pub fn new(limits: ResponseIndexLimits) -> InMemoryResponseIndex {
        InMemoryResponseIndex {
            limits,
            state: Mutex::new(IndexState::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, IndexState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Default for InMemoryResponseIndex {
    fn default() -> InMemoryResponseIndex {
        InMemoryResponseIndex::new(ResponseIndexLimits::default())
    }
}

impl IndexState {
    /// Drops the front entry; returns whether it was live (not stale).
    fn pop_front(&mut self) {
        if let Some((id, inserted)) = self.order.pop_front()
            && self.owners.get(&id).is_some_and(|(_, at)| *at == inserted)
        {
            self.owners.remove(&id);
        }
    }
}

#[async_trait]
impl ResponseIndex for InMemoryResponseIndex {
    async fn remember(&self, response_id: &str, owner: ResponseOwner) {
        let now = Instant::now();
        let mut state = self.lock();
        while let Some((_, inserted)) = state.order.front() {
            if now.duration_since(*inserted) < self.limits.ttl {
                break;
            }
            state.pop_front();
        }
        while state.owners.len() >= self.limits.max_entries.max(1) && !state.order.is_empty() {
            state.pop_front();
        }
        // Stale order entries are bounded too: a long run of re-inserted ids cannot grow it.
        while state.order.len() >= self.limits.max_entries.max(1).saturating_mul(2) {
            state.pop_front();
        }
        state.owners.insert(response_id.to_owned(), (owner, now));
        state.order.push_back((response_id.to_owned(), now));
    }

    async fn owner(&self, response_id: &str) -> Option<ResponseOwner> {
        let state = self.lock();
        let (owner, inserted) = state.owners.get(response_id)?;
        (inserted.elapsed() < self.limits.ttl).then(|| owner.clone())
    }

    async fn forget(&self, response_id: &str) {
        self.lock().owners.remove(response_id);
    }
}

/// The `id` of a Responses body or of the `response` a Responses stream event carries.
pub fn response_id(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Body {
        id: Option<String>,
        object: Option<String>,
        response: Option<Inner>,
    }
    #[derive(Deserialize)]
    struct Inner {
        id: Option<String>,
    }
    let body = serde_json::from_slice::<Body>(body).ok()?;
    let id = match body.response {
        Some(inner) => inner.id,
        None if body.object.as_deref() == Some("response") => body.id,
        None => None,
    };
    // An id no client may send back (see `MAX_CLIENT_NAME_BYTES`) is not worth an index entry:
    // an upstream cannot make the index (or the shared Redis) hold megabytes per key.
    id.filter(|id| id.len() <= crate::vocabulary::MAX_CLIENT_NAME_BYTES)
}

/// Passes a Responses event stream through unchanged and calls `on_id` with the response id
/// from the first event that names one (`response.created`, in practice the first event).
/// Only the events up to that one are parsed.
pub fn watch_stream_for_id(
    first: Bytes,
    rest: ByteStream,
    on_id: impl FnOnce(String) + Send + 'static,
) -> (Bytes, ByteStream) {
    let mut watcher = IdWatcher {
        parser: SseParser::new(),
        on_id: Some(Box::new(on_id)),
    };
    watcher.see(&first);
    if watcher.on_id.is_none() {
        return (first, rest);
    }
    let rest = rest
        .scan(watcher, |watcher, chunk| {
            if watcher.on_id.is_some()
                && let Ok(bytes) = &chunk
            {
                watcher.see(bytes);
            }
            futures::future::ready(Some(chunk))
        })
        .boxed();
    (first, rest)
}

struct IdWatcher {
    parser: SseParser,
    on_id: Option<Box<dyn FnOnce(String) + Send>>,
}

impl IdWatcher {
    fn see(&mut self, bytes: &[u8]) {
        let mut events = Vec::new();
        if self.parser.push(bytes, &mut events).is_err() {
            // Not an event stream worth watching: give up on the id, keep relaying.
            self.on_id = None;
            return;
        }
        for event in events {
            let Some(data) = event.data.as_deref() else {
                continue;
            };
            if let Some(id) = response_id(data.as_bytes())
                && let Some(on_id) = self.on_id.take()
            {
                on_id(id);
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(channel_id: i64) -> ResponseOwner {
        ResponseOwner {
            group_id: "g".into(),
            channel_id,
            model: "m".into(),
        }
    }

    #[tokio::test]
    async fn the_index_is_bounded_and_forgets_expired_ids() {
        let index = InMemoryResponseIndex::new(ResponseIndexLimits {
            max_entries: 2,
            ttl: Duration::from_secs(3600),
        });
        index.remember("a", owner(1)).await;
        index.remember("b", owner(2)).await;
        index.remember("a", owner(3)).await;
        // "a" was re-inserted: its stale first entry must not evict the live one.
        index.remember("c", owner(4)).await;
        assert_eq!(index.owner("a").await, Some(owner(3)));
        assert_eq!(index.owner("b").await, None);
        assert_eq!(index.owner("c").await, Some(owner(4)));
        index.forget("c").await;
        assert_eq!(index.owner("c").await, None);
        assert!(index.lock().owners.len() <= 2);

        let expiring = InMemoryResponseIndex::new(ResponseIndexLimits {
            max_entries: 10,
            ttl: Duration::ZERO,
        });
        expiring.remember("x", owner(1)).await;
        assert_eq!(expiring.owner("x").await, None);
        expiring.remember("y", owner(1)).await;
        assert!(!expiring.lock().owners.contains_key("x"));
    }

    #[test]
    fn ids_come_from_bodies_and_stream_events() {
        assert_eq!(
            response_id(br#"{"id":"resp_1","object":"response","output":[]}"#).as_deref(),
            Some("resp_1")
        );
        assert_eq!(
            response_id(br#"{"type":"response.created","response":{"id":"resp_2"}}"#).as_deref(),
            Some("resp_2")
        );
        assert_eq!(
            response_id(br#"{"id":"chatcmpl-1","object":"chat.completion"}"#),
            None
        );
        let long = format!(r#"{{"id":"{}","object":"response"}}"#, "r".repeat(100_000));
        assert_eq!(response_id(long.as_bytes()), None);
    }

    #[tokio::test]
    async fn the_stream_watcher_finds_an_id_split_across_chunks() {
        let seen = std::sync::Arc::new(Mutex::new(Vec::new()));
        let record = seen.clone();
        let first = Bytes::from_static(b"event: response.created\ndata: {\"type\":\"response.cre");
        let rest: Vec<Result<Bytes, reqwest::Error>> = vec![
            Ok(Bytes::from_static(b"ated\",\"response\":{\"id\":\"resp_9\"}}\n\n")),
            Ok(Bytes::from_static(
                b"event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"resp_9\"}}\n\n",
            )),
        ];
        let (first_out, rest) = watch_stream_for_id(
            first.clone(),
            futures::stream::iter(rest).boxed(),
            move |id| record.lock().unwrap().push(id),
        );
        assert_eq!(first_out, first);
        let chunks: Vec<Bytes> = rest.map(|chunk| chunk.unwrap()).collect().await;
        assert_eq!(chunks.len(), 2);
        assert_eq!(*seen.lock().unwrap(), vec!["resp_9".to_owned()]);
    }
}
