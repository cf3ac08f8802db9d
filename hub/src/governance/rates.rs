//! Live request and token rates per channel, group, token, model and token-model pair over the last minute, counted as requests finish.
//!
//! Each replica counts into one-second buckets in memory. With Redis, every second it adds the
//! second's counts to a shared hash per second (`{prefix}:rates:{unix second}`, expiring after
//! two minutes), and a reader sums the last 60 hashes, so every replica answers with the whole
//! fleet's rate at most a second late (never summed from logs). Counting costs a lock and five
//! map updates per request; the Redis work is one pipelined write per second, off the request
//! path.

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use relay::host::UsageRecord;

use crate::process::redis_link::RedisLink;

/// The window a rate is measured over.
const WINDOW_SECONDS: i64 = 60;
/// Shared per-second hashes live this long: past the window, with room for clock skew.
const SHARED_TTL_SECONDS: i64 = 120;
/// Distinct keys one second may hold; beyond it new keys are not counted (a flood of random
/// model names cannot grow memory).
const MAX_KEYS_PER_SECOND: usize = 10_000;

/// What a rate is kept per.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Channel,
    Group,
    Token,
    Model,
    /// A token's requests for one model, keyed `<token id>:<model>`: a group's per-model rates
    /// are its tokens' (the seed's `group_model_metrics`), without a key per group and model.
    TokenModel,
}

impl Dimension {
    pub const ALL: [Dimension; 5] = [
        Dimension::Channel,
        Dimension::Group,
        Dimension::Token,
        Dimension::Model,
        Dimension::TokenModel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Channel => "channel",
            Dimension::Group => "group",
            Dimension::Token => "token",
            Dimension::Model => "model",
            Dimension::TokenModel => "token_model",
        }
    }

    pub fn parse(text: &str) -> Option<Dimension> {
        Dimension::ALL
            .into_iter()
            .find(|dimension| dimension.as_str() == text)
    }
}

/// One thing's rate over the last minute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rate {
    pub dimension: Dimension,
    pub id: String,
    pub requests: u64,
    pub tokens: u64,
}

type Counts = HashMap<String, (u64, u64)>;

/// The live rates; cheap to clone.
#[derive(Clone, Default)]
pub struct LiveRates {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for LiveRates {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("LiveRates")
            .field("shared", &self.inner.shared.is_some())
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Inner {
    /// This replica's counts per second, oldest first, the last [`WINDOW_SECONDS`] only.
    seconds: Mutex<VecDeque<(i64, Counts)>>,
    shared: Option<Shared>,
}

struct Shared {
    link: RedisLink,
    prefix: String,
    /// Counts of seconds not yet added to Redis.
    unsent: Mutex<Vec<(i64, Counts)>>,
}

fn unix_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}

/// Calls `count` with each key a finished request counts under (`dimension:id`). The keys are
/// written into one reused buffer: this runs for every request, and [`add`] allocates a key
/// only the first time a second sees it.
fn for_each_key(record: &UsageRecord, mut count: impl FnMut(&str)) {
    let mut key = String::with_capacity(96);
    let mut emit = |dimension: Dimension, id: std::fmt::Arguments<'_>| {
        key.clear();
        key.push_str(dimension.as_str());
        key.push(':');
        let _ = key.write_fmt(id);
        count(&key);
    };
    if let Some(id) = record.channel_id {
        emit(Dimension::Channel, format_args!("{id}"));
    }
    if let Some(id) = record.group_id.as_deref() {
        emit(Dimension::Group, format_args!("{id}"));
    }
    if let Some(id) = record.token_id {
        emit(Dimension::Token, format_args!("{id}"));
    }
    if let Some(model) = record.requested_model.as_deref() {
        emit(Dimension::Model, format_args!("{model}"));
    }
    // The id first: it holds no ':', so the first ':' after it splits off the model.
    if let (Some(id), Some(model)) = (record.token_id, record.requested_model.as_deref()) {
        emit(Dimension::TokenModel, format_args!("{id}:{model}"));
    }
}

fn add(counts: &mut Counts, key: &str, tokens: u64) {
    let bump = |entry: &mut (u64, u64)| {
        entry.0 = entry.0.saturating_add(1);
        entry.1 = entry.1.saturating_add(tokens);
    };
    if let Some(entry) = counts.get_mut(key) {
        bump(entry);
    } else if counts.len() < MAX_KEYS_PER_SECOND {
        bump(counts.entry(key.to_owned()).or_default());
    }
}

impl LiveRates {
    /// Rates of this process alone.
    pub fn local() -> LiveRates {
        LiveRates::default()
    }

    /// Rates of every replica sharing `link` and `prefix`; call [`LiveRates::run_sharing`].
    pub fn shared(link: RedisLink, prefix: &str) -> LiveRates {
        LiveRates {
            inner: Arc::new(Inner {
                seconds: Mutex::default(),
                shared: Some(Shared {
                    link,
                    prefix: format!("{prefix}:rates:"),
                    unsent: Mutex::default(),
                }),
            }),
        }
    }

    /// Counts one finished request (and its tokens) now.
    pub fn record(&self, record: &UsageRecord) {
        self.record_at(record, unix_seconds());
    }

    fn record_at(&self, record: &UsageRecord, second: i64) {
        let tokens = record.usage.total_tokens;
        let mut seconds = self
            .inner
            .seconds
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if seconds.back().is_none_or(|(at, _)| *at < second) {
            seconds.push_back((second, Counts::new()));
            while seconds
                .front()
                .is_some_and(|(at, _)| *at <= second - WINDOW_SECONDS)
            {
                seconds.pop_front();
            }
        }
        // A clock step backwards counts into the newest second rather than reorder.
        if let Some((_, counts)) = seconds.back_mut() {
            for_each_key(record, |key| add(counts, key, tokens));
        }
    }

    /// Every rate of `dimension` (all dimensions when `None`) over the last minute, highest
    /// request rate first.
    pub async fn current(&self, dimension: Option<Dimension>) -> Vec<Rate> {
        let now = unix_seconds();
        let totals = match &self.inner.shared {
            Some(shared) => match self.read_shared(shared, now).await {
                Ok(totals) => totals,
                Err(error) => {
                    tracing::warn!(%error, "cannot read the shared rates; showing this replica's");
                    self.local_totals(now)
                }
            },
            None => self.local_totals(now),
        };
        let mut rates: Vec<Rate> = totals
            .into_iter()
            .filter_map(|(key, (requests, tokens))| {
                let (name, id) = key.split_once(':')?;
                let found = Dimension::parse(name)?;
                dimension
                    .is_none_or(|wanted| wanted == found)
                    .then(|| Rate {
                        dimension: found,
                        id: id.to_owned(),
                        requests,
                        tokens,
                    })
            })
            .collect();
        rates.sort_by(|a, b| {
            b.requests
                .cmp(&a.requests)
                .then(b.tokens.cmp(&a.tokens))
                .then(a.id.cmp(&b.id))
        });
        rates
    }

    fn local_totals(&self, now: i64) -> Counts {
        let seconds = self
            .inner
            .seconds
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut totals = Counts::new();
        for (second, counts) in seconds.iter() {
            if *second > now - WINDOW_SECONDS {
                for (key, (requests, tokens)) in counts {
                    let total = totals.entry(key.clone()).or_default();
                    total.0 = total.0.saturating_add(*requests);
                    total.1 = total.1.saturating_add(*tokens);
                }
            }
        }
        totals
    }

    async fn read_shared(&self, shared: &Shared, now: i64) -> redis::RedisResult<Counts> {
        let Some(mut connection) = shared.link.guarded() else {
            return Err(redis::RedisError::from((
                redis::ErrorKind::Io,
                "redis is unreachable",
            )));
        };
        let mut pipe = redis::pipe();
        for second in (now - WINDOW_SECONDS + 1)..=now {
            pipe.hgetall(format!("{}{second}", shared.prefix));
        }
        let hashes: Vec<HashMap<String, u64>> = match pipe.query_async(&mut connection).await {
            Ok(hashes) => hashes,
            Err(error) => {
                shared.link.observe(&error);
                return Err(error);
            }
        };
        let mut totals = Counts::new();
        for hash in hashes {
            for (field, value) in hash {
                let Some((key, kind)) = field.rsplit_once('\u{1f}') else {
                    continue;
                };
                let total = totals.entry(key.to_owned()).or_default();
                match kind {
                    "r" => total.0 = total.0.saturating_add(value),
                    "t" => total.1 = total.1.saturating_add(value),
                    _ => {}
                }
            }
        }
        Ok(totals)
    }

    /// With Redis: adds each finished second's counts to the shared hashes, once a second,
    /// until `stop` resolves. Without Redis it returns at once.
    pub async fn run_sharing(self, stop: impl std::future::Future<Output = ()>) {
        let Some(shared) = &self.inner.shared else {
            return;
        };
        tokio::pin!(stop);
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_sent = unix_seconds() - 1;
        loop {
            tokio::select! {
                () = &mut stop => return,
                _ = tick.tick() => {}
            }
            let now = unix_seconds();
            // Seconds before the current one are complete: queue them for sending.
            {
                let seconds = self
                    .inner
                    .seconds
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                let mut unsent = shared
                    .unsent
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                for (second, counts) in seconds.iter() {
                    if *second > last_sent && *second < now {
                        unsent.push((*second, counts.clone()));
                    }
                }
                // Seconds out of the window are no use to anyone: drop them unsent.
                unsent.retain(|(second, _)| *second > now - WINDOW_SECONDS);
            }
            last_sent = now - 1;
            let batch: Vec<(i64, Counts)> = std::mem::take(
                &mut *shared
                    .unsent
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
            );
            if batch.is_empty() {
                continue;
            }
            if let Err(error) = send(shared, &batch).await {
                tracing::debug!(%error, "cannot share the rates; retried next second");
                let mut unsent = shared
                    .unsent
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                unsent.extend(batch);
            }
        }
    }
}

async fn send(shared: &Shared, batch: &[(i64, Counts)]) -> redis::RedisResult<()> {
    let Some(mut connection) = shared.link.guarded() else {
        return Err(redis::RedisError::from((
            redis::ErrorKind::Io,
            "redis is unreachable",
        )));
    };
    let mut pipe = redis::pipe();
    for (second, counts) in batch {
        let key = format!("{}{second}", shared.prefix);
        for (name, (requests, tokens)) in counts {
            pipe.hincr(&key, format!("{name}\u{1f}r"), *requests)
                .ignore();
            if *tokens > 0 {
                pipe.hincr(&key, format!("{name}\u{1f}t"), *tokens).ignore();
            }
        }
        pipe.expire(&key, SHARED_TTL_SECONDS).ignore();
    }
    let outcome = pipe.query_async::<()>(&mut connection).await;
    if let Err(error) = &outcome {
        shared.link.observe(error);
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(channel: i64, model: &str, tokens: u64) -> UsageRecord {
        let mut record = UsageRecord::new("r", "/v1/chat/completions", 200);
        record.channel_id = Some(channel);
        record.group_id = Some("acme".into());
        record.token_id = Some(7);
        record.requested_model = Some(model.into());
        record.usage.total_tokens = tokens;
        record
    }

    #[tokio::test]
    async fn rates_sum_the_last_minute_per_dimension_and_forget_older_seconds() {
        let rates = LiveRates::local();
        let now = unix_seconds();
        rates.record_at(&record(1, "a", 10), now - 120);
        rates.record_at(&record(1, "a", 10), now - 30);
        rates.record_at(&record(2, "b", 5), now);
        rates.record_at(&record(1, "a", 1), now);
        let channels = rates.current(Some(Dimension::Channel)).await;
        assert_eq!(
            channels,
            vec![
                Rate {
                    dimension: Dimension::Channel,
                    id: "1".into(),
                    requests: 2,
                    tokens: 11
                },
                Rate {
                    dimension: Dimension::Channel,
                    id: "2".into(),
                    requests: 1,
                    tokens: 5
                },
            ]
        );
        let groups = rates.current(Some(Dimension::Group)).await;
        assert_eq!((groups[0].requests, groups[0].tokens), (3, 16));
        // A model name with ':' in it stays whole after the token id.
        rates.record_at(&record(1, "llama3:8b", 4), now);
        let pairs = rates.current(Some(Dimension::TokenModel)).await;
        let ids: Vec<(&str, u64)> = pairs
            .iter()
            .map(|rate| (rate.id.as_str(), rate.requests))
            .collect();
        assert_eq!(ids, [("7:a", 2), ("7:b", 1), ("7:llama3:8b", 1)]);
        assert_eq!(rates.current(None).await.len(), 2 + 1 + 1 + 3 + 3);
    }
}
