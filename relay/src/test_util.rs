//! In-memory hosts for the relay's own tests, benches and examples (cargo feature `test-util`): a
//! key table, a route table, and usage sinks that keep or count records.
//!
//! They implement the traits of [`crate::host`] the simplest way that works, so that a
//! relay can be served on a loopback socket without `hub`. Not for production: nothing here
//! bounds its memory, and [`FakeSink::wait_for`] panics when records do not arrive.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use ipnet::IpNet;
use tenancy::{AuthError, Caller};
use tokio::sync::Notify;

use crate::host::{ChannelDirectory, Gatekeeper, ModelEntry, ModelSettings, Route};
use crate::host::{UsageRecord, UsageSink};
use crate::vocabulary::{Channel, ChannelKind, ChannelTimeouts};

/// A key the [`FakeGatekeeper`] accepts: who it is, and from where (any address when empty).
pub struct Token {
    pub caller: Caller,
    pub subnets: Vec<IpNet>,
}

/// Accepts the keys in `tokens`, and every other key as `any_key` when that is set.
#[derive(Default)]
pub struct FakeGatekeeper {
    pub tokens: HashMap<String, Token>,
    pub any_key: Option<Caller>,
}

impl FakeGatekeeper {
    /// Accepts `key` alone, from any address, as `caller`.
    pub fn with_key(key: &str, caller: Caller) -> FakeGatekeeper {
        let token = Token {
            caller,
            subnets: Vec::new(),
        };
        FakeGatekeeper {
            tokens: HashMap::from([(key.to_owned(), token)]),
            any_key: None,
        }
    }
}

impl Gatekeeper for FakeGatekeeper {
    fn authenticate(&self, api_key: &str, client_ip: IpAddr) -> Result<Caller, AuthError> {
        let Some(token) = self.tokens.get(api_key) else {
            return self.any_key.clone().ok_or(AuthError::InvalidKey);
        };
        if !token.subnets.is_empty() && !token.subnets.iter().any(|net| net.contains(&client_ip)) {
            return Err(AuthError::AddressNotAllowed);
        }
        Ok(token.caller.clone())
    }
}

/// A caller of group `group-a` named `token-{token_id}`.
pub fn caller(token_id: i64, allowed_models: Option<&[&str]>) -> Caller {
    Caller {
        group_id: "group-a".into(),
        token_id,
        token_name: format!("token-{token_id}"),
        allowed_models: allowed_models.map(|models| models.iter().map(|m| m.to_string()).collect()),
        ..Caller::default()
    }
}

/// Routes each model in `routes` (which a test may change while the relay serves), and every
/// other model to `any_model` when that is set. Lists the models of `routes`.
#[derive(Default)]
pub struct FakeDirectory {
    pub routes: Mutex<HashMap<String, Route>>,
    pub any_model: Option<Route>,
}

impl FakeDirectory {
    pub fn with_routes<'a>(routes: impl IntoIterator<Item = (&'a str, Route)>) -> FakeDirectory {
        let routes = routes
            .into_iter()
            .map(|(model, route)| (model.to_owned(), route))
            .collect();
        FakeDirectory {
            routes: Mutex::new(routes),
            any_model: None,
        }
    }

    /// The route table, even after a test panicked while holding it.
    pub fn routes(&self) -> MutexGuard<'_, HashMap<String, Route>> {
        self.routes.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl ChannelDirectory for FakeDirectory {
    fn route(&self, _caller: &Caller, model: &str) -> Option<Route> {
        self.routes()
            .get(model)
            .cloned()
            .or_else(|| self.any_model.clone())
    }
    fn models(&self, _caller: &Caller) -> Vec<ModelEntry> {
        let mut names = self.routes().keys().cloned().collect::<Vec<_>>();
        names.sort();
        names
            .into_iter()
            .map(|id| ModelEntry {
                id,
                owned_by: "aiproxy".into(),
                created: 1_700_000_000,
            })
            .collect()
    }
}

/// Keeps every usage record, and wakes whoever waits for them.
#[derive(Default)]
pub struct FakeSink {
    pub records: Mutex<Vec<UsageRecord>>,
    pub notify: Notify,
}

impl UsageSink for FakeSink {
    fn record(&self, record: UsageRecord) {
        self.records().push(record);
        self.notify.notify_waiters();
    }
}

impl FakeSink {
    /// Waits until `count` records arrived (they may trail the response for streams).
    #[expect(
        clippy::panic,
        reason = "a test helper: records that never arrive are a failed test"
    )]
    pub async fn wait_for(&self, count: usize) -> Vec<UsageRecord> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let notified = self.notify.notified();
            {
                let records = self.records();
                if records.len() >= count {
                    return records.clone();
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                let records = self.records();
                panic!(
                    "expected {count} usage records, got {}: {:?}",
                    records.len(),
                    *records
                );
            }
        }
    }

    pub fn snapshot(&self) -> Vec<UsageRecord> {
        self.records().clone()
    }

    fn records(&self) -> MutexGuard<'_, Vec<UsageRecord>> {
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Keeps what a real sink would for a benchmark: a running count of requests and tokens,
/// without holding the records.
#[derive(Default)]
pub struct CountingSink {
    pub count: AtomicU64,
    pub tokens: AtomicU64,
}

impl UsageSink for CountingSink {
    fn record(&self, record: UsageRecord) {
        self.count.fetch_add(1, Ordering::Relaxed);
        self.tokens
            .fetch_add(record.usage.total_tokens, Ordering::Relaxed);
    }
}

/// An OpenAI channel named `channel-{id}` at `base_url`.
pub fn channel(id: i64, base_url: &str) -> Channel {
    Channel {
        id,
        name: format!("channel-{id}"),
        kind: ChannelKind::OPENAI,
        base_url: base_url.to_owned(),
        key: format!("sk-upstream-secret-{id}"),
        model_mapping: HashMap::new(),
        priority: 0,
        config: HashMap::new(),
        proxy_url: None,
        timeouts: ChannelTimeouts::default(),
    }
}

/// A route over `channels` with default model settings.
pub fn route(channels: Vec<Channel>) -> Route {
    Route {
        channels: channels.into_iter().map(Arc::new).collect(),
        settings: ModelSettings::default(),
    }
}
