//! In-process counters with the semantics of the Redis ones, for a single replica: one mutex over a
//! map, a monotonic clock, expired entries dropped when touched and by a sweep every minute.
//!
//! The lock is never held across an await, and one admit is a few map lookups: the `limits`
//! benchmark shows no contention worth sharding for.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use foldhash::HashMap;

use super::gcra::{Gcra, Tat, Verdict};
use super::{
    Admitted, Check, CountersConfig, Denied, Keeping, LeaseIds, Refusal, from_micros, micros,
};

/// How often every entry is checked for expiry, so keys nobody touches again are freed.
const SWEEP_EVERY_MICROS: i64 = 60_000_000;

#[derive(Clone)]
pub struct MemoryCounters {
    inner: Arc<Inner>,
}

struct Inner {
    lease_ttl: i64,
    started: Instant,
    leases: LeaseIds,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    rates: HashMap<String, Tat>,
    /// Concurrency leases and reservations, by key.
    leases: HashMap<String, LeaseSet>,
    /// Cap and balance counters, by key.
    values: HashMap<String, Value>,
    /// Ban expiry by key. These two maps are keyed by what clients choose (their addresses),
    /// so they keep the standard library's SipHash; the others are keyed by ids and model
    /// names from the configuration, and hashed with foldhash, a few times cheaper per lookup.
    bans: std::collections::HashMap<String, i64>,
    /// Last use per group, by IP.
    ip_groups: std::collections::HashMap<String, std::collections::HashMap<String, i64>>,
    /// Holds already ended, by lease, until their expiry: a settle that comes after its hold's
    /// end keeps nothing.
    ended_holds: HashMap<String, i64>,
    next_sweep: i64,
}

struct Value {
    value: i64,
    expires: Option<i64>,
}

/// Live leases on one key: member → (expiry, amount), with their sum kept alongside.
#[derive(Default)]
struct LeaseSet {
    members: HashMap<String, (i64, i64)>,
    sum: i64,
    /// The earliest expiry among members: nothing needs pruning before it.
    next_expiry: i64,
}

impl LeaseSet {
    fn prune(&mut self, now: i64) {
        if self.members.is_empty() || now < self.next_expiry {
            return;
        }
        let mut next_expiry = i64::MAX;
        let mut expired = 0;
        self.members.retain(|_, (expiry, amount)| {
            if *expiry <= now {
                expired += *amount;
                false
            } else {
                next_expiry = next_expiry.min(*expiry);
                true
            }
        });
        self.sum -= expired;
        self.next_expiry = next_expiry;
    }

    fn insert(&mut self, member: String, expiry: i64, amount: i64) {
        self.next_expiry = if self.members.is_empty() {
            expiry
        } else {
            self.next_expiry.min(expiry)
        };
        self.sum += amount;
        self.members.insert(member, (expiry, amount));
    }

    fn remove(&mut self, member: &str) {
        if let Some((_, amount)) = self.members.remove(member) {
            self.sum -= amount;
        }
    }
}

/// What one admit adds on top of the stored state, so duplicate keys in one check list see
/// each other.
#[derive(Default)]
struct Pending<'a> {
    rates: Vec<(&'a str, Tat)>,
    /// Key → (leases added, amount added).
    leases: Vec<(&'a str, i64, i64)>,
}

impl<'a> Pending<'a> {
    fn rate(&self, key: &str) -> Option<Tat> {
        self.rates
            .iter()
            .rev()
            .find(|(pending, _)| *pending == key)
            .map(|(_, tat)| *tat)
    }

    fn leases(&self, key: &str) -> (i64, i64) {
        self.leases
            .iter()
            .filter(|(pending, _, _)| *pending == key)
            .fold((0, 0), |(count, sum), (_, added, amount)| {
                (count + added, sum + amount)
            })
    }
}

impl MemoryCounters {
    pub fn new(config: CountersConfig) -> MemoryCounters {
        MemoryCounters {
            inner: Arc::new(Inner {
                lease_ttl: micros(config.lease_ttl).max(1),
                started: Instant::now(),
                leases: LeaseIds::new(),
                state: Mutex::new(State::default()),
            }),
        }
    }

    pub(super) fn admit(&self, checks: &[Check]) -> Result<Admitted, Refusal> {
        let lease = self.inner.leases.next();
        let mut state = self.lock();
        let now = self.now();
        state.sweep_if_due(now);
        let unseeded: Vec<String> = checks
            .iter()
            .filter(|check| matches!(check, Check::Cap { .. } | Check::Balance { .. }))
            .filter(|check| state.value(check.key(), now).is_none())
            .map(|check| check.key().to_owned())
            .collect();
        if !unseeded.is_empty() {
            return Err(Refusal::Unseeded(unseeded));
        }
        // Evaluate everything first; nothing is stored unless every check passes.
        let mut pending = Pending::default();
        let mut rates = vec![None; checks.len()];
        for (index, check) in checks.iter().enumerate() {
            let key = check.key();
            let denied = |retry_after, rate| {
                Err(Refusal::Denied(Denied {
                    index,
                    retry_after,
                    rate,
                }))
            };
            match check {
                Check::Rate {
                    limit,
                    period,
                    cost,
                    ..
                } => {
                    let stored = pending.rate(key).or_else(|| state.rates.get(key).copied());
                    match Gcra::new(*limit, *period).admit(stored, now, *cost) {
                        Verdict::Allow { tat, state } => {
                            pending.rates.push((key, tat));
                            rates[index] = Some(state);
                        }
                        Verdict::Deny { retry_after, state } => {
                            return denied(retry_after, Some(state));
                        }
                    }
                }
                Check::Concurrency { limit, .. } => {
                    let (count, _) = state.live_leases(key, now);
                    let (added, _) = pending.leases(key);
                    if u64::try_from(count + added + 1).unwrap_or(u64::MAX) > *limit {
                        return denied(None, None);
                    }
                    pending.leases.push((key, 1, 0));
                }
                Check::Cap { limit, .. } => {
                    let used = state.value(key, now).unwrap_or(0);
                    let amount = check.reserved();
                    let (_, reserved) = state.live_leases(key, now);
                    let (_, added) = pending.leases(key);
                    if used.saturating_add(reserved + added).saturating_add(amount) > *limit {
                        return denied(None, None);
                    }
                    pending.leases.push((key, 1, amount));
                }
                Check::Balance { .. } => {
                    let balance = state.value(key, now).unwrap_or(0);
                    let amount = check.reserved();
                    let (_, reserved) = state.live_leases(key, now);
                    let (_, added) = pending.leases(key);
                    if balance
                        .saturating_sub(reserved + added)
                        .saturating_sub(amount)
                        < 0
                    {
                        return denied(None, None);
                    }
                    pending.leases.push((key, 1, amount));
                }
            }
        }
        for (key, tat) in pending.rates {
            state.set_rate(key, tat);
        }
        let expiry = now.saturating_add(self.inner.lease_ttl);
        for (index, check) in checks.iter().enumerate() {
            if matches!(check, Check::Rate { .. }) {
                continue;
            }
            state.insert_lease(check.key(), member(&lease, index), expiry, check.reserved());
        }
        Ok(Admitted {
            lease,
            checks: checks.to_vec(),
            rates,
        })
    }

    pub(super) fn settle(
        &self,
        admitted: &Admitted,
        actual: &[i64],
        keeping: Option<&Keeping<'_>>,
        marked: Option<Duration>,
    ) {
        let mut state = self.lock();
        let now = self.now();
        if let Some(ttl) = marked {
            // A hold ends once, as a settle in Redis does under its mark.
            if state
                .ended_holds
                .get(&admitted.lease)
                .is_some_and(|expiry| *expiry > now)
            {
                return;
            }
            state
                .ended_holds
                .insert(admitted.lease.clone(), now.saturating_add(micros(ttl)));
        }
        let keeping = keeping.filter(|keeping| {
            state
                .ended_holds
                .get(&keeping.hold.lease)
                .is_none_or(|expiry| *expiry <= now)
        });
        for (index, (check, actual)) in admitted.checks.iter().zip(actual).enumerate() {
            let key = check.key();
            match check {
                Check::Rate { limit, period, .. } => {
                    let delta = actual.saturating_sub(check.reserved());
                    let stored = state.rates.get(key).copied();
                    let tat = Gcra::new(*limit, *period).charge(stored, now, delta);
                    if tat.expired(now) {
                        state.rates.remove(key);
                    } else {
                        state.set_rate(key, tat);
                    }
                }
                Check::Concurrency { .. } | Check::Cap { .. } | Check::Balance { .. } => {
                    if let Some(set) = state.leases.get_mut(key) {
                        set.remove(&member(&admitted.lease, index));
                        if set.members.is_empty() {
                            state.leases.remove(key);
                        }
                    }
                    // A counter that was forgotten meanwhile is reseeded from the database,
                    // which the caller charges too.
                    let charge = match check {
                        Check::Cap { .. } => *actual,
                        Check::Balance { .. } => actual.saturating_neg(),
                        _ => 0,
                    };
                    if let Some(value) = state.values.get_mut(key) {
                        value.value = value.value.saturating_add(charge);
                    }
                    if let Some(keeping) = keeping
                        && let Some(Some((held, amount))) = keeping.kept.get(index)
                    {
                        let expiry = now.saturating_add(micros(keeping.hold.ttl));
                        state.insert_lease(
                            key,
                            member(&keeping.hold.lease, *held),
                            expiry,
                            *amount,
                        );
                    }
                }
            }
        }
    }

    pub(super) fn seed(&self, key: &str, value: i64, ttl: Option<Duration>) {
        let mut state = self.lock();
        let now = self.now();
        if state.value(key, now).is_none() {
            let expires = ttl.map(|ttl| now.saturating_add(micros(ttl)));
            state
                .values
                .insert(key.to_owned(), Value { value, expires });
        }
    }

    pub(super) fn forget(&self, key: &str) {
        self.lock().values.remove(key);
    }

    pub(super) fn value(&self, key: &str) -> Option<i64> {
        let now = self.now();
        self.lock().value(key, now)
    }

    pub(super) fn note_ip_group(&self, ip: &str, group: &str, window: Duration) -> usize {
        let mut state = self.lock();
        let now = self.now();
        let oldest = now.saturating_sub(micros(window));
        let groups = state.ip_groups.entry(ip.to_owned()).or_default();
        groups.insert(group.to_owned(), now);
        groups.retain(|_, seen| *seen > oldest);
        groups.len()
    }

    pub(super) fn ban(&self, key: &str, ttl: Duration) {
        let mut state = self.lock();
        let until = self.now().saturating_add(micros(ttl));
        state.bans.insert(key.to_owned(), until);
    }

    pub(super) fn banned(&self, key: &str) -> Option<Duration> {
        let now = self.now();
        let until = *self.lock().bans.get(key)?;
        (until > now).then(|| from_micros(until - now))
    }

    fn now(&self) -> i64 {
        // Starts at 1 so that "expired at 0" never means "live".
        micros(self.inner.started.elapsed()).saturating_add(1)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the maps half-updated in a way that
        // breaks the next caller: every update is a single insert or remove.
        self.inner
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl State {
    /// Stores a rate's new state; the key is copied only the first time it is seen.
    fn set_rate(&mut self, key: &str, tat: Tat) {
        match self.rates.get_mut(key) {
            Some(stored) => *stored = tat,
            None => {
                self.rates.insert(key.to_owned(), tat);
            }
        }
    }

    /// Adds a lease member on `key`, creating its set when missing (the key copied only then).
    fn insert_lease(&mut self, key: &str, member: String, expiry: i64, amount: i64) {
        match self.leases.get_mut(key) {
            Some(set) => set.insert(member, expiry, amount),
            None => {
                let mut set = LeaseSet::default();
                set.insert(member, expiry, amount);
                self.leases.insert(key.to_owned(), set);
            }
        }
    }

    fn value(&self, key: &str, now: i64) -> Option<i64> {
        let value = self.values.get(key)?;
        match value.expires {
            Some(expires) if expires <= now => None,
            _ => Some(value.value),
        }
    }

    /// (count, reserved sum) of the live leases on `key`, pruning the expired ones.
    fn live_leases(&mut self, key: &str, now: i64) -> (i64, i64) {
        match self.leases.get_mut(key) {
            Some(set) => {
                set.prune(now);
                (
                    i64::try_from(set.members.len()).unwrap_or(i64::MAX),
                    set.sum,
                )
            }
            None => (0, 0),
        }
    }

    fn sweep_if_due(&mut self, now: i64) {
        if now < self.next_sweep {
            return;
        }
        self.next_sweep = now.saturating_add(SWEEP_EVERY_MICROS);
        self.rates.retain(|_, tat| !tat.expired(now));
        self.leases.retain(|_, set| {
            set.prune(now);
            !set.members.is_empty()
        });
        self.values
            .retain(|_, value| value.expires.is_none_or(|expires| expires > now));
        self.bans.retain(|_, until| *until > now);
        self.ended_holds.retain(|_, until| *until > now);
        // An IP's groups are kept for the longest window a caller is likely to use.
        let oldest = now.saturating_sub(IP_GROUPS_KEPT_MICROS);
        self.ip_groups.retain(|_, groups| {
            groups.retain(|_, seen| *seen > oldest);
            !groups.is_empty()
        });
    }
}

/// How long the sweep keeps an IP's group uses: windows longer than a day see fewer groups.
const IP_GROUPS_KEPT_MICROS: i64 = 24 * 3_600_000_000;

/// The member of a lease set for check `index` of an admission: `lease|index`, written
/// without the formatting machinery (several of these are made for every request).
fn member(lease: &str, index: usize) -> String {
    let mut digits = itoa::Buffer::new();
    let index = digits.format(index);
    let mut member = String::with_capacity(lease.len() + 1 + index.len());
    member.push_str(lease);
    member.push('|');
    member.push_str(index);
    member
}
