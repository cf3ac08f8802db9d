//! The counters engine behind rate limits, concurrency limits, quota and balance reservations, and
//! IP bans: one list of checks on keys, admitted atomically, all or nothing, in memory or in Redis.
//!
//! The engine knows nothing of groups, tokens or prices: the caller names keys and limits, and
//! seeds cap and balance counters from its database when [`Refusal::Unseeded`] asks for them.
//! Money is counted in integer nano-units (1e-9 of the currency unit); tokens and requests are
//! plain counts.
//!
//! Every reservation and concurrency lease is a member of a set scored by its expiry, so a
//! replica that dies between [`Counters::admit`] and [`Counters::settle`] holds capacity for at
//! most [`CountersConfig::lease_ttl`], and a [`Hold`] a settle keeps for a later bill for at most
//! its own `ttl`.
//!
//! Both backends share the arithmetic of [`gcra`]; the Redis scripts mirror it in Lua, where
//! numbers are doubles: rate checks are exact while `limit × period in µs < 2^53` (a limit of
//! 150 million per minute), cap and balance comparisons while values stay below 2^53 nano-units
//! (about nine million currency units). The stored counters themselves are 64-bit exact.

mod gcra;
mod memory;
mod redis_counters;
mod script_call;
mod settle_batch;

use std::time::Duration;

pub use memory::MemoryCounters;
pub use redis_counters::RedisCounters;

/// One limit a request must fit in. A request passes [`Counters::admit`] only if all of its
/// checks pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// Rate limit by GCRA: at most `limit` units per `period`, a burst of `limit` allowed; this
    /// request costs `cost` units (1 for RPM; the estimated tokens for TPM). With limit N, N unit
    /// requests in a burst pass and the N+1st is refused. A limit of 0 refuses everything: omit
    /// the check for "unlimited".
    Rate {
        key: String,
        limit: u64,
        period: Duration,
        cost: u64,
    },
    /// In-flight limit: at most `limit` leases on `key` at once. A lease ends at settle or
    /// release, or after `lease_ttl` (a replica that died).
    Concurrency { key: String, limit: u64 },
    /// Spending cap: `used(key) + live reservations on key + amount <= limit`. `used` is a
    /// counter the caller seeds from its database.
    Cap {
        key: String,
        limit: i64,
        amount: i64,
    },
    /// Balance: `balance(key) - live reservations on key - amount >= 0`. `balance` is seeded by
    /// the caller.
    Balance { key: String, amount: i64 },
}

impl Check {
    pub fn key(&self) -> &str {
        match self {
            Check::Rate { key, .. }
            | Check::Concurrency { key, .. }
            | Check::Cap { key, .. }
            | Check::Balance { key, .. } => key,
        }
    }

    /// What admit holds until settle: rate units, or the reserved money of a cap or balance.
    fn reserved(&self) -> i64 {
        match self {
            Check::Rate { cost, .. } => i64::try_from(*cost).unwrap_or(i64::MAX),
            Check::Concurrency { .. } => 0,
            // A negative reservation would lend capacity to other requests.
            Check::Cap { amount, .. } | Check::Balance { amount, .. } => (*amount).max(0),
        }
    }
}

/// Money an admission reserved that its settle keeps, under a lease of its own, for a bill that
/// comes later (a video job's, charged when the job completes): ended by
/// [`Counters::settle_hold`], or when `ttl` has passed since the settle kept it (a replica that
/// died, a job given up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    /// The admission's lease id, suffixed: unique across replicas, and known before the settle.
    pub lease: String,
    /// The cap and balance checks held, each at the amount it keeps, in the admission's order.
    pub checks: Vec<Check>,
    pub ttl: Duration,
}

impl Hold {
    /// `amount` (at most what each reserved) of every cap and balance check of `admitted`;
    /// `None` when there is nothing to hold.
    pub fn of(admitted: &Admitted, amount: i64, ttl: Duration) -> Option<Hold> {
        if amount <= 0 {
            return None;
        }
        let checks: Vec<Check> = admitted
            .checks
            .iter()
            .filter_map(|check| match check {
                Check::Cap { key, limit, .. } => Some(Check::Cap {
                    key: key.clone(),
                    limit: *limit,
                    amount: amount.min(check.reserved()),
                }),
                Check::Balance { key, .. } => Some(Check::Balance {
                    key: key.clone(),
                    amount: amount.min(check.reserved()),
                }),
                _ => None,
            })
            .collect();
        (!checks.is_empty()).then(|| Hold {
            lease: format!("{}:held", admitted.lease),
            checks,
            ttl,
        })
    }

    /// By check index of `admitted` (the admission it was made of): the hold's member index and
    /// amount kept of that check, `None` for checks it does not keep.
    fn kept(&self, admitted: &Admitted) -> Vec<Option<(usize, i64)>> {
        let mut held = self.checks.iter().enumerate();
        admitted
            .checks
            .iter()
            .map(|check| match check {
                Check::Cap { .. } | Check::Balance { .. } => {
                    held.next().map(|(index, kept)| (index, kept.reserved()))
                }
                _ => None,
            })
            .collect()
    }
}

/// What one settle keeps: the hold, and by check index its member index and amount.
struct Keeping<'a> {
    hold: &'a Hold,
    kept: Vec<Option<(usize, i64)>>,
}

/// Where a rate limit stands, for the `x-ratelimit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateState {
    pub limit: u64,
    /// Units that could still be admitted right now.
    pub remaining: u64,
    /// Time until the limit is back to its full burst.
    pub reset_after: Duration,
}

/// A request that passed: hand it back to [`Counters::settle`] (or [`Counters::release`]) when
/// it ends. Dropping it holds its leases and reservations until `lease_ttl`.
#[derive(Debug)]
pub struct Admitted {
    lease: String,
    checks: Vec<Check>,
    rates: Vec<Option<RateState>>,
}

impl Admitted {
    /// The state of the rate limit of `checks[index]` after this request, if it is a rate check.
    pub fn rate(&self, index: usize) -> Option<RateState> {
        self.rates.get(index).copied().flatten()
    }

    /// Every rate check's state after this request, by check index.
    pub fn rates(&self) -> impl Iterator<Item = (usize, RateState)> + '_ {
        self.rates
            .iter()
            .enumerate()
            .filter_map(|(index, rate)| rate.map(|rate| (index, rate)))
    }

    /// The checks as admitted (their costs and amounts are what was reserved).
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// The unique id of this admission's leases and reservations.
    pub fn lease_id(&self) -> &str {
        &self.lease
    }

    /// What settle charges when the caller has no better figure: rate checks keep their
    /// reserved cost, caps and balances are charged nothing.
    fn nothing_used(&self) -> Vec<i64> {
        self.checks
            .iter()
            .map(|check| match check {
                Check::Rate { .. } => check.reserved(),
                _ => 0,
            })
            .collect()
    }
}

/// Why a request was refused by a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    /// Index of the first check that refused.
    pub index: usize,
    /// When a retry may pass; `None` when waiting alone will not help (a concurrency limit, a
    /// cap, a balance, or a cost above the rate limit).
    pub retry_after: Option<Duration>,
    /// For a refusing rate check: where it stands (this request not counted).
    pub rate: Option<RateState>,
}

#[derive(Debug)]
pub enum Refusal {
    Denied(Denied),
    /// Cap or balance keys not seeded yet: load their values from the database, call
    /// [`Counters::seed`] for each, and admit again.
    Unseeded(Vec<String>),
    Backend(CountersError),
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum CountersError {
    #[error("redis counters: {0}")]
    Redis(#[from] redis::RedisError),
    /// Redis failed to answer recently and has not answered the background probe since: the
    /// request is refused at once instead of waiting for another timeout.
    #[error("redis counters: redis is unreachable")]
    Unreachable,
    /// The task that sends settles to Redis has ended (the process is stopping).
    #[error("redis counters: the settle queue has stopped")]
    Stopped,
    #[error("redis counters: unexpected script reply: {0}")]
    Reply(String),
    #[error("the number of settled amounts ({actual}) does not match the checks ({checks})")]
    SettleLength { checks: usize, actual: usize },
}

#[derive(Debug, Clone)]
pub struct CountersConfig {
    /// Longest a reservation or concurrency lease lives without settle: the capacity a dead
    /// replica can hold. Keep it above the longest request (streams included).
    pub lease_ttl: Duration,
}

impl Default for CountersConfig {
    fn default() -> Self {
        CountersConfig {
            lease_ttl: Duration::from_secs(15 * 60),
        }
    }
}

/// The counters of one deployment: in-process, or in Redis shared by every replica. An enum
/// rather than a trait object so the request path makes no boxed calls.
#[derive(Clone)]
pub enum Counters {
    Memory(MemoryCounters),
    Redis(RedisCounters),
}

impl std::fmt::Debug for Counters {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            Counters::Memory(_) => "Counters::Memory",
            Counters::Redis(_) => "Counters::Redis",
        })
    }
}

impl Counters {
    pub fn memory(config: CountersConfig) -> Counters {
        Counters::Memory(MemoryCounters::new(config))
    }

    /// Counters in Redis; `prefix` is prepended to every key ("aiproxy:" in production). Loads
    /// the scripts once so the first request does not pay for it.
    pub async fn redis(
        link: crate::process::redis_link::RedisLink,
        prefix: String,
        config: CountersConfig,
    ) -> Result<Counters, CountersError> {
        Ok(Counters::Redis(
            RedisCounters::new(link, prefix, config).await?,
        ))
    }

    /// Evaluates every check; if one refuses, changes nothing and returns the first refusal,
    /// otherwise applies them all.
    pub async fn admit(&self, checks: &[Check]) -> Result<Admitted, Refusal> {
        match self {
            Counters::Memory(memory) => memory.admit(checks),
            Counters::Redis(redis) => redis.admit(checks).await,
        }
    }

    /// Ends a request: releases its leases and reservations; a rate check is charged `actual`
    /// units instead of its reserved cost (the TPM settle), a cap adds `actual` to used, a
    /// balance subtracts it. `actual[i]` belongs to `checks[i]` (ignored for concurrency).
    /// Redis errors are retried a few times; the settle runs at most once.
    pub async fn settle(&self, admitted: Admitted, actual: &[i64]) -> Result<(), CountersError> {
        if actual.len() != admitted.checks.len() {
            return Err(CountersError::SettleLength {
                checks: admitted.checks.len(),
                actual: actual.len(),
            });
        }
        self.settle_with(&admitted, actual, None, None).await
    }

    /// [`Counters::settle`], keeping `hold` (made of this admission by [`Hold::of`]) reserved
    /// past it under the hold's lease, in the same atomic step, unless the hold was already
    /// settled (its bill came first).
    pub async fn settle_keeping(
        &self,
        admitted: Admitted,
        actual: &[i64],
        hold: &Hold,
    ) -> Result<(), CountersError> {
        if actual.len() != admitted.checks.len() {
            return Err(CountersError::SettleLength {
                checks: admitted.checks.len(),
                actual: actual.len(),
            });
        }
        let keeping = Keeping {
            hold,
            kept: hold.kept(&admitted),
        };
        self.settle_with(&admitted, actual, Some(&keeping), None)
            .await
    }

    /// Ends a hold: releases what it keeps and, in the same atomic step, charges `amounts` to
    /// `charges` (cap and balance checks, as [`Counters::charge`]; none to release only). Runs
    /// once per hold: a settle that comes after it keeps nothing, and a retry charges nothing.
    pub async fn settle_hold(
        &self,
        hold: &Hold,
        charges: Vec<Check>,
        amounts: &[i64],
    ) -> Result<(), CountersError> {
        if amounts.len() != charges.len() {
            return Err(CountersError::SettleLength {
                checks: charges.len(),
                actual: amounts.len(),
            });
        }
        let mut actual = vec![0; hold.checks.len()];
        actual.extend_from_slice(amounts);
        let mut checks = hold.checks.clone();
        checks.extend(charges);
        let admitted = Admitted {
            lease: hold.lease.clone(),
            rates: vec![None; checks.len()],
            checks,
        };
        self.settle_with(&admitted, &actual, None, Some(hold.ttl))
            .await
    }

    /// A settle, keeping a hold, or marking the lease settled for `marked` (a hold's end).
    async fn settle_with(
        &self,
        admitted: &Admitted,
        actual: &[i64],
        keeping: Option<&Keeping<'_>>,
        marked: Option<Duration>,
    ) -> Result<(), CountersError> {
        match self {
            Counters::Memory(memory) => {
                memory.settle(admitted, actual, keeping, marked);
                Ok(())
            }
            Counters::Redis(redis) => redis.settle(admitted, actual, keeping, marked).await,
        }
    }

    /// Charges `amounts` to the cap and balance counters of `checks` outside any admission
    /// (a bill settled after its request ended, such as a video job's): no reservation is
    /// released, nothing is refused, and unseeded counters are left to be seeded from the
    /// database, which the caller charges too. `charge_id` names the charge: with Redis a
    /// retry under the same id within a minute charges once.
    pub async fn charge(
        &self,
        checks: Vec<Check>,
        amounts: &[i64],
        charge_id: String,
    ) -> Result<(), CountersError> {
        let admitted = Admitted {
            lease: charge_id,
            rates: vec![None; checks.len()],
            checks,
        };
        self.settle(admitted, amounts).await
    }

    /// Ends a request that used nothing measurable (failed before any usage): releases leases
    /// and reservations, keeps the rate checks' reserved costs, charges caps and balances 0.
    pub async fn release(&self, admitted: Admitted) -> Result<(), CountersError> {
        let actual = admitted.nothing_used();
        self.settle(admitted, &actual).await
    }

    /// Seeds a cap or balance counter if it is absent (SET NX: replicas seeding concurrently
    /// from the same database agree). `ttl` for counters of a period.
    pub async fn seed(
        &self,
        key: &str,
        value: i64,
        ttl: Option<Duration>,
    ) -> Result<(), CountersError> {
        match self {
            Counters::Memory(memory) => {
                memory.seed(key, value, ttl);
                Ok(())
            }
            Counters::Redis(redis) => redis.seed(key, value, ttl).await,
        }
    }

    /// Forgets a counter (after an admin changed the persisted value) so the next admit reports
    /// it unseeded. Live reservations on it stay.
    pub async fn forget(&self, key: &str) -> Result<(), CountersError> {
        match self {
            Counters::Memory(memory) => {
                memory.forget(key);
                Ok(())
            }
            Counters::Redis(redis) => redis.forget(key).await,
        }
    }

    /// The value of a cap or balance counter, `None` when unseeded.
    pub async fn value(&self, key: &str) -> Result<Option<i64>, CountersError> {
        match self {
            Counters::Memory(memory) => Ok(memory.value(key)),
            Counters::Redis(redis) => redis.value(key).await,
        }
    }

    /// Abuse control: records that `ip` used `group` now and returns how many distinct groups it
    /// used within `window`.
    pub async fn note_ip_group(
        &self,
        ip: &str,
        group: &str,
        window: Duration,
    ) -> Result<usize, CountersError> {
        match self {
            Counters::Memory(memory) => Ok(memory.note_ip_group(ip, group, window)),
            Counters::Redis(redis) => redis.note_ip_group(ip, group, window).await,
        }
    }

    /// Bans `key` (an IP, a group) for `ttl`.
    pub async fn ban(&self, key: &str, ttl: Duration) -> Result<(), CountersError> {
        match self {
            Counters::Memory(memory) => {
                memory.ban(key, ttl);
                Ok(())
            }
            Counters::Redis(redis) => redis.ban(key, ttl).await,
        }
    }

    /// The remaining ban time of `key`, `None` when it is not banned.
    pub async fn banned(&self, key: &str) -> Result<Option<Duration>, CountersError> {
        match self {
            Counters::Memory(memory) => Ok(memory.banned(key)),
            Counters::Redis(redis) => redis.banned(key).await,
        }
    }
}

/// A lease id unique across replicas: a random instance part and a sequence number,
/// `{instance:016x}-{sequence:x}`.
struct LeaseIds {
    /// `{instance:016x}-`, written once: every admission makes an id.
    prefix: String,
    sequence: std::sync::atomic::AtomicU64,
}

impl LeaseIds {
    fn new() -> LeaseIds {
        LeaseIds {
            prefix: format!("{:016x}-", rand::random::<u64>()),
            sequence: std::sync::atomic::AtomicU64::new(0),
        }
    }

    fn next(&self) -> String {
        let sequence = self
            .sequence
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut id = String::with_capacity(self.prefix.len() + 16);
        id.push_str(&self.prefix);
        push_hex(&mut id, sequence);
        id
    }
}

/// Appends `value` in lowercase hexadecimal, without leading zeros (as `{:x}` writes it).
fn push_hex(out: &mut String, value: u64) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut buffer = [0u8; 16];
    let mut start = buffer.len();
    let mut rest = value;
    loop {
        start -= 1;
        buffer[start] = DIGITS[(rest & 0xf) as usize];
        rest >>= 4;
        if rest == 0 {
            break;
        }
    }
    for &digit in &buffer[start..] {
        out.push(char::from(digit));
    }
}

/// Microseconds of a duration, saturated to what the counters store.
fn micros(duration: Duration) -> i64 {
    i64::try_from(duration.as_micros()).unwrap_or(i64::MAX)
}

/// A duration from microseconds, negative as zero.
fn from_micros(micros: i64) -> Duration {
    Duration::from_micros(u64::try_from(micros).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lease_ids_are_the_instance_and_sequence_in_hex() {
        let ids = LeaseIds::new();
        let instance = ids.prefix.clone();
        assert_eq!(instance.len(), 17);
        assert!(instance.ends_with('-'));
        assert_eq!(ids.next(), format!("{instance}0"));
        assert_eq!(ids.next(), format!("{instance}1"));
        for value in [0, 9, 10, 15, 16, 255, 4096, 0xdead_beef, u64::MAX] {
            let mut hex = String::new();
            push_hex(&mut hex, value);
            assert_eq!(hex, format!("{value:x}"));
        }
    }
}
