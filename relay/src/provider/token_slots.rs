//! Short-lived upstream tokens cached per (exchange URL, channel key): read without waiting, exchanged by one request at a time.
//!
//! Families whose key is traded for a token (Baidu's OAuth, Qianfan's IAM) share this cache;
//! each brings only its exchange. The map grows with the configured channels' keys, never
//! with anything a client sends.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::error::RelayError;

/// One cached token and when it is due for renewal.
#[derive(Debug, Clone)]
pub(crate) struct Cached {
    pub(crate) token: String,
    pub(crate) refresh_at: Instant,
}

/// The token of one key.
#[derive(Default)]
struct Slot {
    cached: Mutex<Option<Cached>>,
    /// Held while exchanging, so concurrent requests wait for one exchange instead of each
    /// making their own.
    refreshing: tokio::sync::Mutex<()>,
}

impl Slot {
    fn fresh(&self) -> Option<String> {
        let cached = self
            .cached
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        cached
            .as_ref()
            .filter(|cached| Instant::now() < cached.refresh_at)
            .map(|cached| cached.token.clone())
    }

    fn store(&self, cached: Option<Cached>) {
        *self
            .cached
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = cached;
    }
}

/// Tokens by exchange URL and channel key.
#[derive(Default)]
pub(crate) struct TokenSlots {
    slots: Mutex<HashMap<(String, String), Arc<Slot>>>,
}

impl TokenSlots {
    fn slot(&self, url: &str, key: &str) -> Arc<Slot> {
        let mut slots = self
            .slots
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(slots.entry((url.to_owned(), key.to_owned())).or_default())
    }

    /// The cached token of `key` if it is not due, without exchanging.
    pub(crate) fn cached(&self, url: &str, key: &str) -> Option<String> {
        self.slot(url, key).fresh()
    }

    /// The token of `key`: the cached one unless it is due, else the one `exchange` returns
    /// (run by one request at a time; the others wait for it and take its token).
    pub(crate) async fn token<F, Fut>(
        &self,
        url: &str,
        key: &str,
        exchange: F,
    ) -> Result<String, RelayError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Cached, RelayError>>,
    {
        let slot = self.slot(url, key);
        if let Some(token) = slot.fresh() {
            return Ok(token);
        }
        let _exchanging = slot.refreshing.lock().await;
        // Another request may have refreshed it while this one waited.
        if let Some(token) = slot.fresh() {
            return Ok(token);
        }
        let cached = exchange().await?;
        let token = cached.token.clone();
        slot.store(Some(cached));
        Ok(token)
    }

    /// Drops `key`'s token (the upstream called it invalid), so the next request exchanges.
    pub(crate) fn invalidate(&self, url: &str, key: &str) {
        self.slot(url, key).store(None);
    }

    /// Stores `cached` as `key`'s token (tests).
    #[cfg(test)]
    pub(crate) fn put(&self, url: &str, key: &str, cached: Cached) {
        self.slot(url, key).store(Some(cached));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use std::time::Duration;

    use super::*;

    #[test]
    fn an_invalidated_or_due_token_is_no_longer_served() {
        let slots = TokenSlots::default();
        let fresh = Instant::now() + Duration::from_secs(60);
        slots.put(
            "u",
            "k",
            Cached {
                token: "t".into(),
                refresh_at: fresh,
            },
        );
        assert_eq!(slots.cached("u", "k").as_deref(), Some("t"));
        assert_eq!(slots.cached("u", "other"), None);
        slots.invalidate("u", "k");
        assert_eq!(slots.cached("u", "k"), None);
        slots.put(
            "u",
            "k",
            Cached {
                token: "t".into(),
                refresh_at: Instant::now(),
            },
        );
        assert_eq!(slots.cached("u", "k"), None, "a due token is not served");
    }

    #[tokio::test]
    async fn concurrent_requests_share_one_exchange() {
        let slots = Arc::new(TokenSlots::default());
        let exchanges = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (slots, exchanges) = (Arc::clone(&slots), Arc::clone(&exchanges));
                tokio::spawn(async move {
                    slots
                        .token("u", "k", || async move {
                            exchanges.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            Ok(Cached {
                                token: "t".into(),
                                refresh_at: Instant::now() + Duration::from_secs(60),
                            })
                        })
                        .await
                })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().unwrap(), "t");
        }
        assert_eq!(exchanges.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
