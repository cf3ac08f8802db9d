//! The cache plugin: identical requests answered from a response cache (in memory, LRU bounded by
//! bytes, or whatever [`CacheStore`] the host supplies, Redis in `hub`), streams stored and
//! replayed as streams.
//!
//! Configuration: `{"ttl_seconds": 300, "max_item_bytes": 1048576, "billing": "free"}`.
//! - Key: SHA-256 of group, model, endpoint, stream flag and the body with its keys sorted, so
//!   tenants never share an entry and key order or whitespace does not matter.
//! - What is stored is exactly what the client received (after every other plugin and protocol
//!   conversion), only for a complete 200 answer no larger than `max_item_bytes`; a stream is
//!   stored write by write and replayed the same way.
//! - Every answer carries `X-Aiproxy-Cache: hit` or `miss`.
//! - A hit leaves its usage record marked as a cache hit, with the original tokens billed per
//!   `billing`: `free` (no tokens), `cached` (every prompt token at the cached-input price,
//!   completion tokens as usual) or `full`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderName, HeaderValue};
use bytes::Bytes;
use hashlink::LinkedHashMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{Answer, End, Exchange, Plugin, PluginRequest, PluginServices, ResponseHook, config};
use crate::error::RelayError;
use crate::vocabulary::TokenUsage;

const HEADER: HeaderName = HeaderName::from_static("x-aiproxy-cache");

/// Where cached responses live. Implementations answer from memory or a fast shared store;
/// a failing store is a miss, never an error for the client.
#[async_trait::async_trait]
pub trait CacheStore: Send + Sync + 'static {
    async fn get(&self, key: &str) -> Option<Arc<CachedResponse>>;
    async fn put(&self, key: &str, value: CachedResponse, ttl: Duration);
}

/// One stored answer, as the client received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedResponse {
    pub stream: bool,
    /// Each write to the client (whole events for a stream; one element for a body).
    pub chunks: Vec<String>,
    pub usage: StoredUsage,
}

impl CachedResponse {
    /// Bytes this entry holds, for size bounds.
    pub fn size(&self) -> usize {
        self.chunks.iter().map(String::len).sum::<usize>() + 64
    }

    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn from_json(bytes: &[u8]) -> Option<CachedResponse> {
        serde_json::from_slice(bytes).ok()
    }
}

/// The usage of the answer that was stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredUsage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cached_input_tokens: u64,
    pub reasoning_tokens: u64,
    pub total_tokens: u64,
}

impl From<&TokenUsage> for StoredUsage {
    fn from(usage: &TokenUsage) -> StoredUsage {
        StoredUsage {
            input_tokens: usage.input_tokens,
            output_tokens: usage.output_tokens,
            cached_input_tokens: usage.cached_input_tokens,
            reasoning_tokens: usage.reasoning_tokens,
            total_tokens: usage.total_tokens,
        }
    }
}

/// An in-process store: least recently used entries leave first once `capacity` bytes are held.
#[derive(Debug)]
pub struct MemoryCacheStore {
    inner: Mutex<MemoryInner>,
    capacity: usize,
}

#[derive(Debug, Default)]
struct MemoryInner {
    entries: LinkedHashMap<String, (Arc<CachedResponse>, Instant)>,
    bytes: usize,
}

impl MemoryCacheStore {
    pub fn new(capacity: usize) -> MemoryCacheStore {
        MemoryCacheStore {
            inner: Mutex::new(MemoryInner::default()),
            capacity,
        }
    }

    /// Bytes held now.
    pub fn bytes(&self) -> usize {
        self.lock().bytes
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, MemoryInner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait::async_trait]
impl CacheStore for MemoryCacheStore {
    async fn get(&self, key: &str) -> Option<Arc<CachedResponse>> {
        let mut inner = self.lock();
        let (value, expires) = inner.entries.get(key)?.clone();
        if expires <= Instant::now() {
            inner.entries.remove(key);
            inner.bytes = inner.bytes.saturating_sub(value.size());
            return None;
        }
        inner.entries.to_back(key);
        Some(value)
    }

    async fn put(&self, key: &str, value: CachedResponse, ttl: Duration) {
        let size = value.size();
        if size > self.capacity {
            return;
        }
        let mut inner = self.lock();
        if let Some((old, _)) = inner.entries.remove(key) {
            inner.bytes = inner.bytes.saturating_sub(old.size());
        }
        while inner.bytes + size > self.capacity {
            match inner.entries.pop_front() {
                Some((_, (old, _))) => inner.bytes = inner.bytes.saturating_sub(old.size()),
                None => break,
            }
        }
        inner.bytes += size;
        inner
            .entries
            .insert(key.to_owned(), (Arc::new(value), Instant::now() + ttl));
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Billing {
    Free,
    Cached,
    Full,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CacheConfig {
    /// `ttl` is the seed's name for it.
    #[serde(default = "default_ttl", alias = "ttl")]
    ttl_seconds: u64,
    /// `item_max_size` is the seed's name for it.
    #[serde(default = "default_max_item", alias = "item_max_size")]
    max_item_bytes: usize,
    #[serde(default = "default_billing")]
    billing: Billing,
}

fn default_ttl() -> u64 {
    300
}
fn default_max_item() -> usize {
    1024 * 1024
}
fn default_billing() -> Billing {
    Billing::Free
}

pub(super) fn parse(value: &Value) -> Result<Arc<dyn Plugin>, String> {
    let config: CacheConfig = config(value)?;
    if config.ttl_seconds == 0 || config.max_item_bytes == 0 {
        return Err("ttl_seconds and max_item_bytes must be positive".to_owned());
    }
    Ok(Arc::new(config))
}

/// The cache key of a request: tenants, models, endpoints and stream modes never share one.
pub fn cache_key(
    group: &str,
    model: &str,
    endpoint: &str,
    stream: bool,
    body: &[u8],
) -> Option<String> {
    // `serde_json::Map` keeps keys sorted, so this is the body in a canonical form.
    let canonical = serde_json::to_vec(&serde_json::from_slice::<Value>(body).ok()?).ok()?;
    let mut hasher = Sha256::new();
    for part in [
        group.as_bytes(),
        model.as_bytes(),
        endpoint.as_bytes(),
        &[u8::from(stream)],
    ] {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.update(&canonical);
    Some(hex_digest(&hasher.finalize()))
}

fn hex_digest(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(64), |mut out, byte| {
            let _ = write!(out, "{byte:02x}");
            out
        })
}

impl CacheConfig {
    fn billed(&self, stored: &StoredUsage) -> TokenUsage {
        let mut usage = TokenUsage {
            input_tokens: stored.input_tokens,
            output_tokens: stored.output_tokens,
            cached_input_tokens: stored.cached_input_tokens,
            reasoning_tokens: stored.reasoning_tokens,
            total_tokens: stored.total_tokens,
            ..TokenUsage::default()
        };
        match self.billing {
            Billing::Free => TokenUsage::default(),
            Billing::Cached => {
                usage.cached_input_tokens = usage.input_tokens;
                usage
            }
            Billing::Full => usage,
        }
    }
}

#[async_trait::async_trait]
impl Plugin for CacheConfig {
    async fn before(
        &self,
        services: &PluginServices,
        request: &mut PluginRequest<'_>,
        exchange: &mut Exchange,
    ) -> Result<Option<Answer>, RelayError> {
        let Some(key) = cache_key(
            &request.caller.group_id,
            request.model,
            request.endpoint.route(),
            request.stream,
            &request.body.to_bytes(),
        ) else {
            return Ok(None);
        };
        if let Some(hit) = services.cache().get(&key).await {
            exchange
                .headers
                .push((HEADER, HeaderValue::from_static("hit")));
            return Ok(Some(Answer {
                content_type: content_type(hit.stream).to_owned(),
                chunks: hit
                    .chunks
                    .iter()
                    .map(|chunk| Bytes::from(chunk.clone()))
                    .collect(),
                stream: hit.stream,
                usage: self.billed(&hit.usage),
                cache_hit: true,
            }));
        }
        exchange
            .headers
            .push((HEADER, HeaderValue::from_static("miss")));
        exchange.add_hook(Box::new(CacheHook {
            store: Arc::clone(services.cache()),
            key,
            ttl: Duration::from_secs(self.ttl_seconds),
            max_bytes: self.max_item_bytes,
            stream: request.stream,
            chunks: Vec::new(),
            size: 0,
            overflow: false,
        }));
        Ok(None)
    }
}

fn content_type(stream: bool) -> &'static str {
    if stream {
        "text/event-stream"
    } else {
        "application/json"
    }
}

/// Collects what the client receives and stores it when the answer completes.
struct CacheHook {
    store: Arc<dyn CacheStore>,
    key: String,
    ttl: Duration,
    max_bytes: usize,
    stream: bool,
    chunks: Vec<String>,
    size: usize,
    overflow: bool,
}

impl ResponseHook for CacheHook {
    fn wants_bytes(&self) -> bool {
        true
    }

    fn bytes(&mut self, bytes: &Bytes) {
        if self.overflow {
            return;
        }
        self.size += bytes.len();
        match std::str::from_utf8(bytes) {
            Ok(text) if self.size <= self.max_bytes => self.chunks.push(text.to_owned()),
            // Too large, or not text: this answer is not cached.
            _ => {
                self.overflow = true;
                self.chunks = Vec::new();
            }
        }
    }

    fn end(&mut self, end: &End<'_>) {
        if end.status != 200 || self.overflow || self.chunks.is_empty() {
            return;
        }
        let value = CachedResponse {
            stream: self.stream,
            chunks: std::mem::take(&mut self.chunks),
            usage: StoredUsage::from(end.usage),
        };
        let (store, key, ttl) = (
            Arc::clone(&self.store),
            std::mem::take(&mut self.key),
            self.ttl,
        );
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { store.put(&key, value, ttl).await });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> CachedResponse {
        CachedResponse {
            stream: false,
            chunks: vec![text.to_owned()],
            usage: StoredUsage::default(),
        }
    }

    #[test]
    fn keys_ignore_key_order_but_not_tenant_model_or_mode() {
        let a = cache_key(
            "g",
            "m",
            "/v1/chat/completions",
            false,
            br#"{"a":1,"b":[1,2]}"#,
        );
        assert_eq!(
            a,
            cache_key(
                "g",
                "m",
                "/v1/chat/completions",
                false,
                br#"{ "b": [1, 2], "a": 1 }"#
            )
        );
        for other in [
            cache_key(
                "h",
                "m",
                "/v1/chat/completions",
                false,
                br#"{"a":1,"b":[1,2]}"#,
            ),
            cache_key(
                "g",
                "n",
                "/v1/chat/completions",
                false,
                br#"{"a":1,"b":[1,2]}"#,
            ),
            cache_key("g", "m", "/v1/messages", false, br#"{"a":1,"b":[1,2]}"#),
            cache_key(
                "g",
                "m",
                "/v1/chat/completions",
                true,
                br#"{"a":1,"b":[1,2]}"#,
            ),
            cache_key(
                "g",
                "m",
                "/v1/chat/completions",
                false,
                br#"{"a":1,"b":[2,1]}"#,
            ),
        ] {
            assert_ne!(a, other);
        }
    }

    #[tokio::test]
    async fn memory_store_is_lru_bounded_by_bytes_and_expires() {
        let store = MemoryCacheStore::new(3 * entry("x".repeat(100).as_str()).size());
        for key in ["a", "b", "c"] {
            store
                .put(key, entry(&"x".repeat(100)), Duration::from_secs(60))
                .await;
        }
        assert!(store.get("a").await.is_some());
        store
            .put("d", entry(&"x".repeat(100)), Duration::from_secs(60))
            .await;
        assert!(store.get("b").await.is_none(), "least recently used left");
        assert!(store.get("a").await.is_some());
        assert!(store.bytes() <= 3 * entry(&"x".repeat(100)).size());
        store.put("e", entry("y"), Duration::ZERO).await;
        assert!(store.get("e").await.is_none(), "expired");
        store
            .put("huge", entry(&"z".repeat(10_000)), Duration::from_secs(60))
            .await;
        assert!(
            store.get("huge").await.is_none(),
            "larger than the whole cache"
        );
        assert_eq!(
            CachedResponse::from_json(&entry("q").to_json()),
            Some(entry("q"))
        );
    }

    #[test]
    fn the_seeds_field_names_are_accepted() {
        let config: CacheConfig =
            config(&serde_json::json!({"enable": true, "ttl": 60, "item_max_size": 4096})).unwrap();
        assert_eq!((config.ttl_seconds, config.max_item_bytes), (60, 4096));
        assert!(parse(&serde_json::json!({"ttl": 0})).is_err());
    }

    #[test]
    fn billing_modes() {
        let stored = StoredUsage {
            input_tokens: 10,
            output_tokens: 5,
            cached_input_tokens: 2,
            reasoning_tokens: 1,
            total_tokens: 15,
        };
        let with = |billing| {
            CacheConfig {
                ttl_seconds: 1,
                max_item_bytes: 1,
                billing,
            }
            .billed(&stored)
        };
        assert_eq!(with(Billing::Free), TokenUsage::default());
        assert_eq!(with(Billing::Cached).cached_input_tokens, 10);
        assert_eq!(with(Billing::Full).cached_input_tokens, 2);
        assert_eq!(with(Billing::Full).output_tokens, 5);
    }
}
