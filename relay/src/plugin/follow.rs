//! The cache-follow plugin: requests that share a `prompt_cache_key`, a `user` or the same
//! conversation prefix go first to the channel that last served them, so the provider's prompt
//! cache is reused; a banned or failing channel is not followed.
//!
//! Configuration: `{"ttl_seconds": 3600, "prefix_messages": 2, "min_success_rate": 0.5}`. The
//! affinity key is, by preference, the body's `prompt_cache_key`, its `user`, or a hash of the
//! system prompt and the first `prefix_messages` messages (0 turns the prefix off). Keys are
//! scoped by group and model. The table lives in process memory, bounded by entry count: a
//! replica that never saw a conversation just picks normally.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hashlink::LinkedHashMap;
use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;

use super::{Answer, End, Exchange, Plugin, PluginRequest, PluginServices, ResponseHook, config};
use crate::error::RelayError;
use crate::json::JsonObject;

/// Remembered channel per affinity key, least recently used first.
#[derive(Debug, Clone)]
pub struct FollowTable {
    inner: Arc<Mutex<LinkedHashMap<u64, (i64, Instant)>>>,
    capacity: usize,
}

impl FollowTable {
    pub fn new(capacity: usize) -> FollowTable {
        FollowTable {
            inner: Arc::new(Mutex::new(LinkedHashMap::new())),
            capacity: capacity.max(1),
        }
    }

    /// The channel remembered for `key`, if it has not expired.
    pub fn get(&self, key: u64) -> Option<i64> {
        let mut table = self
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match table.get(&key) {
            Some((channel, expires)) if *expires > Instant::now() => {
                let channel = *channel;
                table.to_back(&key);
                Some(channel)
            }
            Some(_) => {
                table.remove(&key);
                None
            }
            None => None,
        }
    }

    pub fn remember(&self, key: u64, channel: i64, ttl: Duration) {
        let mut table = self
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        table.replace(key, (channel, Instant::now() + ttl));
        while table.len() > self.capacity {
            table.pop_front();
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FollowConfig {
    #[serde(default = "default_ttl")]
    ttl_seconds: u64,
    #[serde(default = "default_prefix")]
    prefix_messages: usize,
    #[serde(default = "default_rate")]
    min_success_rate: f64,
}

fn default_ttl() -> u64 {
    3600
}
fn default_prefix() -> usize {
    2
}
fn default_rate() -> f64 {
    0.5
}

pub(super) fn parse(value: &Value) -> Result<Arc<dyn Plugin>, String> {
    let config: FollowConfig = config(value)?;
    if config.ttl_seconds == 0 {
        return Err("ttl_seconds must be positive".to_owned());
    }
    if !(0.0..=1.0).contains(&config.min_success_rate) {
        return Err("min_success_rate must be between 0 and 1".to_owned());
    }
    Ok(Arc::new(config))
}

impl FollowConfig {
    /// The affinity key of a request, if it has one.
    fn key(&self, group: &str, model: &str, body: &JsonObject) -> Option<u64> {
        let mut hasher = DefaultHasher::new();
        (group, model).hash(&mut hasher);
        if let Some(key) = body.get_as::<String>("prompt_cache_key").ok().flatten() {
            ("prompt_cache_key", key).hash(&mut hasher);
        } else if let Some(user) = body.get_as::<String>("user").ok().flatten() {
            ("user", user).hash(&mut hasher);
        } else {
            if self.prefix_messages == 0 {
                return None;
            }
            let turns = ["messages", "contents", "input"]
                .into_iter()
                .find_map(|name| body.get(name))?;
            let turns = serde_json::from_str::<Vec<&RawValue>>(turns).ok()?;
            // A conversation of one turn has no prefix worth a cache yet, but its first turn is
            // the prefix of what follows: key on what is there, up to the configured length.
            "prefix".hash(&mut hasher);
            for name in ["system", "instructions", "systemInstruction"] {
                if let Some(system) = body.get(name) {
                    system.hash(&mut hasher);
                }
            }
            for turn in turns.iter().take(self.prefix_messages) {
                turn.get().hash(&mut hasher);
            }
        }
        Some(hasher.finish())
    }
}

#[async_trait::async_trait]
impl Plugin for FollowConfig {
    async fn before(
        &self,
        services: &PluginServices,
        request: &mut PluginRequest<'_>,
        exchange: &mut Exchange,
    ) -> Result<Option<Answer>, RelayError> {
        let Some(key) = self.key(&request.caller.group_id, request.model, request.body) else {
            return Ok(None);
        };
        exchange.preferred_channel = services.follow.get(key);
        exchange.min_success_rate = self.min_success_rate;
        exchange.add_hook(Box::new(FollowHook {
            table: services.follow.clone(),
            key,
            ttl: Duration::from_secs(self.ttl_seconds),
        }));
        Ok(None)
    }
}

struct FollowHook {
    table: FollowTable,
    key: u64,
    ttl: Duration,
}

impl ResponseHook for FollowHook {
    fn end(&mut self, end: &End<'_>) {
        if end.status == 200
            && let Some(channel) = end.channel_id
        {
            self.table.remember(self.key, channel, self.ttl);
        }
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use serde_json::json;

    use super::*;

    fn key(config: &FollowConfig, group: &str, body: Value) -> Option<u64> {
        let body = JsonObject::parse(Bytes::from(body.to_string())).unwrap();
        config.key(group, "m", &body)
    }

    #[test]
    fn keys_by_cache_key_user_or_prefix() {
        let config: FollowConfig = serde_json::from_value(json!({})).unwrap();
        let system = json!({"role": "system", "content": "be brief"});
        let first = json!({"role": "user", "content": "hi"});
        let short = key(&config, "g", json!({"messages": [system, first]}));
        let longer = key(
            &config,
            "g",
            json!({"messages": [system, first, {"role": "assistant", "content": "yo"}]}),
        );
        assert!(short.is_some());
        assert_eq!(short, longer, "a conversation keeps its key as it grows");
        assert_ne!(
            short,
            key(&config, "other", json!({"messages": [system, first]})),
            "groups never share"
        );
        let by_user = key(&config, "g", json!({"user": "u1", "messages": [first]}));
        assert_eq!(
            by_user,
            key(&config, "g", json!({"user": "u1", "messages": [system]}))
        );
        let by_cache_key = key(
            &config,
            "g",
            json!({"prompt_cache_key": "k", "user": "u1", "messages": []}),
        );
        assert_ne!(by_cache_key, by_user);
        let off: FollowConfig = serde_json::from_value(json!({"prefix_messages": 0})).unwrap();
        assert_eq!(key(&off, "g", json!({"messages": [first]})), None);
    }

    #[test]
    fn table_expires_and_stays_bounded() {
        let table = FollowTable::new(2);
        table.remember(1, 10, Duration::from_secs(60));
        table.remember(2, 20, Duration::from_secs(60));
        assert_eq!(table.get(1), Some(10));
        table.remember(3, 30, Duration::from_secs(60));
        assert_eq!(table.get(2), None, "least recently used goes first");
        assert_eq!(table.get(1), Some(10));
        table.remember(4, 40, Duration::ZERO);
        assert_eq!(table.get(4), None);
    }
}
