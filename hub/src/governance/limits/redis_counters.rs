//! Counters in Redis, shared by every replica: one Lua script call per admit and one per batch of settles, time from the server's clock, every key with a TTL.
//!
//! Keys under the prefix: `{key}` a rate state ("micros:fraction") or a cap/balance counter;
//! `{key}:leases` a sorted set of leases scored by expiry (member `lease|index|amount`);
//! `{key}:reserved` the sum of the live reservations of that set; `settled:{lease}` marks a
//! settle done; `ban:{key}`; `ip-groups:{ip}`. Every key a script touches is passed in KEYS.

use std::sync::Arc;
use std::time::Duration;

use redis::Script;
use redis::aio::ConnectionManager;

use crate::process::redis_link::RedisLink;

use super::script_call::{self, Joined};
use super::settle_batch::{SettleBatches, SettleCall};
use super::{
    Admitted, Check, CountersConfig, CountersError, Denied, Keeping, LeaseIds, RateState, Refusal,
    from_micros, micros,
};

/// How long a settle is remembered so that its retries cannot charge twice: far longer than
/// the retries take, short enough that busy deployments keep few marks (one key per request).
const SETTLED_MARK_TTL: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct RedisCounters {
    inner: Arc<Inner>,
}

struct Inner {
    link: RedisLink,
    prefix: String,
    lease_ttl: i64,
    leases: LeaseIds,
    admit: Script,
    settles: SettleBatches,
    ip_groups: Script,
}

impl RedisCounters {
    pub async fn new(
        link: RedisLink,
        prefix: String,
        config: CountersConfig,
    ) -> Result<RedisCounters, CountersError> {
        let settle = Script::new(include_str!("settle.lua"));
        let counters = RedisCounters {
            inner: Arc::new(Inner {
                settles: SettleBatches::start(link.clone(), settle.clone()),
                link,
                prefix,
                lease_ttl: micros(config.lease_ttl).max(1),
                leases: LeaseIds::new(),
                admit: Script::new(include_str!("admit.lua")),
                ip_groups: Script::new(include_str!("ip_groups.lua")),
            }),
        };
        // EVALSHA falls back to loading the script on NOSCRIPT (a restarted Redis); loading
        // now only spares the first requests that round trip.
        let mut connection = counters.inner.link.manager();
        for script in [&counters.inner.admit, &settle, &counters.inner.ip_groups] {
            script.load_async(&mut connection).await?;
        }
        Ok(counters)
    }

    pub(super) async fn admit(&self, checks: &[Check]) -> Result<Admitted, Refusal> {
        let lease = self.inner.leases.next();
        let keys = checks.iter().map(keys_of).sum();
        let mut command = script_call::evalsha(&self.inner.admit, keys);
        for check in checks {
            self.push_keys(&mut command, check);
        }
        command.arg(self.inner.lease_ttl).arg(&lease);
        for check in checks {
            match check {
                Check::Rate {
                    limit,
                    period,
                    cost,
                    ..
                } => {
                    command
                        .arg("r")
                        .arg(*limit)
                        .arg(micros(*period).max(1))
                        .arg(*cost);
                }
                Check::Concurrency { limit, .. } => {
                    command.arg("c").arg(*limit);
                }
                Check::Cap { limit, .. } => {
                    command.arg("q").arg(*limit).arg(check.reserved());
                }
                Check::Balance { .. } => {
                    command.arg("b").arg(check.reserved());
                }
            }
        }
        let mut connection = self.connection().map_err(Refusal::Backend)?;
        let reply: Vec<i64> = script_call::run(&self.inner.admit, &command, &mut connection)
            .await
            .map_err(|error| Refusal::Backend(self.failed(error)))?;
        interpret_admit(reply, lease, checks)
    }

    /// `keeping`: a hold kept past this settle; `marked`: how long the settled mark lives, when
    /// longer than a retry's minute (a hold's end, which a later settle must not keep). Sent
    /// with the other settles waiting at the time, in one script call ([`SettleBatches`]).
    pub(super) async fn settle(
        &self,
        admitted: &Admitted,
        actual: &[i64],
        keeping: Option<&Keeping<'_>>,
        marked: Option<Duration>,
    ) -> Result<(), CountersError> {
        let mut keys = redis::Cmd::new();
        keys.arg(Joined([&self.inner.prefix, "settled:", &admitted.lease]));
        let hold_lease = keeping.map_or(admitted.lease.as_str(), |keeping| {
            keeping.hold.lease.as_str()
        });
        keys.arg(Joined([&self.inner.prefix, "settled:", hold_lease]));
        // A settle names as many amounts as checks (callers check); were it fewer, the checks
        // without one are left to expire with the lease.
        let checks = &admitted.checks[..admitted.checks.len().min(actual.len())];
        for check in checks {
            self.push_keys(&mut keys, check);
        }
        let mut args = redis::Cmd::new();
        args.arg(millis(marked.unwrap_or(SETTLED_MARK_TTL)))
            .arg(&admitted.lease)
            .arg(keeping.map_or("", |keeping| keeping.hold.lease.as_str()))
            .arg(keeping.map_or(0, |keeping| micros(keeping.hold.ttl)))
            .arg(checks.len());
        for (index, (check, actual)) in checks.iter().zip(actual).enumerate() {
            match check {
                Check::Rate { limit, period, .. } => {
                    args.arg("r")
                        .arg(*limit)
                        .arg(micros(*period).max(1))
                        .arg(actual.saturating_sub(check.reserved()));
                }
                Check::Concurrency { .. } => {
                    args.arg("c");
                }
                Check::Cap { .. } | Check::Balance { .. } => {
                    let kind = if matches!(check, Check::Cap { .. }) {
                        "q"
                    } else {
                        "b"
                    };
                    let (held, kept) = keeping
                        .and_then(|keeping| keeping.kept.get(index).copied().flatten())
                        .unwrap_or((0, 0));
                    args.arg(kind)
                        .arg(check.reserved())
                        .arg(*actual)
                        .arg(kept)
                        .arg(held);
                }
            }
        }
        // The script marks the lease settled in the same step as the charge, so a retry after
        // a lost reply cannot charge twice.
        let call = SettleCall {
            keys,
            key_count: 2 + checks.iter().map(keys_of).sum::<usize>(),
            args,
        };
        self.inner.settles.settle(call).await.inspect_err(|error| {
            tracing::error!(%error, lease = %admitted.lease, "a settle's charge is lost to the counters");
        })
    }

    pub(super) async fn seed(
        &self,
        key: &str,
        value: i64,
        ttl: Option<Duration>,
    ) -> Result<(), CountersError> {
        let mut command = redis::cmd("SET");
        command.arg(self.key(key)).arg(value).arg("NX");
        if let Some(ttl) = ttl {
            command.arg("PX").arg(millis(ttl));
        }
        command
            .query_async::<redis::Value>(&mut self.connection()?)
            .await
            .map_err(|error| self.failed(error))?;
        Ok(())
    }

    pub(super) async fn forget(&self, key: &str) -> Result<(), CountersError> {
        redis::cmd("DEL")
            .arg(self.key(key))
            .query_async::<i64>(&mut self.connection()?)
            .await
            .map_err(|error| self.failed(error))?;
        Ok(())
    }

    pub(super) async fn value(&self, key: &str) -> Result<Option<i64>, CountersError> {
        redis::cmd("GET")
            .arg(self.key(key))
            .query_async(&mut self.connection()?)
            .await
            .map_err(|error| self.failed(error))
    }

    pub(super) async fn note_ip_group(
        &self,
        ip: &str,
        group: &str,
        window: Duration,
    ) -> Result<usize, CountersError> {
        let mut connection = self.connection()?;
        self.inner
            .ip_groups
            .key(format!("{}ip-groups:{ip}", self.inner.prefix))
            .arg(group)
            .arg(micros(window).max(1))
            .invoke_async(&mut connection)
            .await
            .map_err(|error| self.failed(error))
    }

    pub(super) async fn ban(&self, key: &str, ttl: Duration) -> Result<(), CountersError> {
        redis::cmd("SET")
            .arg(self.ban_key(key))
            .arg(1)
            .arg("PX")
            .arg(millis(ttl))
            .query_async::<redis::Value>(&mut self.connection()?)
            .await
            .map_err(|error| self.failed(error))?;
        Ok(())
    }

    pub(super) async fn banned(&self, key: &str) -> Result<Option<Duration>, CountersError> {
        let remaining: i64 = redis::cmd("PTTL")
            .arg(self.ban_key(key))
            .query_async(&mut self.connection()?)
            .await
            .map_err(|error| self.failed(error))?;
        // -2: no such key; -1 cannot happen (bans are always set with a TTL).
        Ok((remaining > 0).then(|| Duration::from_millis(remaining.unsigned_abs())))
    }

    /// The connection, or at once an error while Redis is known to be unreachable.
    fn connection(&self) -> Result<ConnectionManager, CountersError> {
        self.inner.link.guarded().ok_or(CountersError::Unreachable)
    }

    /// A command's error, after the link has looked at it (it may open the breaker).
    fn failed(&self, error: redis::RedisError) -> CountersError {
        self.inner.link.observe(&error);
        CountersError::Redis(error)
    }

    fn key(&self, key: &str) -> String {
        format!("{}{key}", self.inner.prefix)
    }

    fn ban_key(&self, key: &str) -> String {
        format!("{}ban:{key}", self.inner.prefix)
    }

    /// The keys of `check`, in the order the scripts read them ([`keys_of`] counts them).
    fn push_keys(&self, command: &mut redis::Cmd, check: &Check) {
        let prefix = self.inner.prefix.as_str();
        let key = |key, suffix| Joined([prefix, key, suffix]);
        match check {
            Check::Rate { key: name, .. } => {
                command.arg(key(name, ""));
            }
            Check::Concurrency { key: name, .. } => {
                command.arg(key(name, ":leases"));
            }
            Check::Cap { key: name, .. } | Check::Balance { key: name, .. } => {
                command
                    .arg(key(name, ""))
                    .arg(key(name, ":leases"))
                    .arg(key(name, ":reserved"));
            }
        }
    }
}

/// How many keys [`RedisCounters::push_keys`] passes for `check`.
fn keys_of(check: &Check) -> usize {
    match check {
        Check::Rate { .. } | Check::Concurrency { .. } => 1,
        Check::Cap { .. } | Check::Balance { .. } => 3,
    }
}

fn interpret_admit(reply: Vec<i64>, lease: String, checks: &[Check]) -> Result<Admitted, Refusal> {
    let malformed = || Refusal::Backend(CountersError::Reply(format!("{reply:?}")));
    match reply.first() {
        Some(1) => {
            let mut states = reply[1..].chunks_exact(2);
            let mut rates = Vec::with_capacity(checks.len());
            for check in checks {
                rates.push(match check {
                    Check::Rate { limit, .. } => {
                        let pair = states.next().ok_or_else(malformed)?;
                        Some(rate_state(*limit, pair[0], pair[1]))
                    }
                    _ => None,
                });
            }
            Ok(Admitted {
                lease,
                checks: checks.to_vec(),
                rates,
            })
        }
        Some(0) => {
            let [_, index, retry, remaining, reset] = reply[..] else {
                return Err(malformed());
            };
            let index = usize::try_from(index).map_err(|_| malformed())?;
            let rate = match checks.get(index).ok_or_else(malformed)? {
                Check::Rate { limit, .. } => Some(rate_state(*limit, remaining, reset)),
                _ => None,
            };
            Err(Refusal::Denied(Denied {
                index,
                retry_after: (retry >= 0).then(|| from_micros(retry)),
                rate,
            }))
        }
        Some(2) => reply[1..]
            .iter()
            .map(|index| {
                usize::try_from(*index)
                    .ok()
                    .and_then(|index| checks.get(index))
                    .map(|check| check.key().to_owned())
            })
            .collect::<Option<Vec<String>>>()
            .map_or_else(|| Err(malformed()), |keys| Err(Refusal::Unseeded(keys))),
        _ => Err(malformed()),
    }
}

fn rate_state(limit: u64, remaining: i64, reset: i64) -> RateState {
    RateState {
        limit,
        remaining: u64::try_from(remaining).unwrap_or(0),
        reset_after: from_micros(reset),
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .max(1)
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        reason = "a failure is a failed test"
    )]

    use super::*;

    /// Counters on the local Redis under a prefix of their own, and the connection they use.
    async fn counters() -> (RedisCounters, ConnectionManager) {
        let client = redis::Client::open("redis://127.0.0.1:6379").unwrap();
        let manager = ConnectionManager::new(client)
            .await
            .expect("redis on 127.0.0.1:6379");
        let prefix = format!("aiproxy-test-{}:", uuid::Uuid::new_v4().simple());
        let counters = RedisCounters::new(
            RedisLink::new(manager.clone()),
            prefix,
            CountersConfig::default(),
        )
        .await
        .unwrap();
        (counters, manager)
    }

    #[tokio::test]
    async fn a_retried_settle_charges_once() {
        let (counters, _) = counters().await;
        counters
            .seed("cap", 0, Some(Duration::from_secs(3600)))
            .await
            .unwrap();
        let checks = [
            Check::Rate {
                key: "tpm".into(),
                limit: 100,
                period: Duration::from_secs(3600),
                cost: 10,
            },
            Check::Cap {
                key: "cap".into(),
                limit: 100,
                amount: 10,
            },
        ];
        let admitted = counters.admit(&checks).await.unwrap();
        // The second call stands for a retry after a reply that was lost.
        counters
            .settle(&admitted, &[50, 30], None, None)
            .await
            .unwrap();
        counters
            .settle(&admitted, &[50, 30], None, None)
            .await
            .unwrap();
        assert_eq!(counters.value("cap").await.unwrap(), Some(30));
        let next = counters.admit(&checks).await.unwrap();
        assert_eq!(next.rate(0).unwrap().remaining, 40);
    }

    #[tokio::test]
    async fn concurrent_settles_share_calls_and_each_charges_once() {
        let (counters, _) = counters().await;
        counters.seed("cap", 0, None).await.unwrap();
        // More settles than one call carries, each naming a rate, an in-flight lease and a
        // cap: the batches must keep every settle's keys and arguments apart.
        const REQUESTS: i64 = 100;
        let checks = [
            // A unit comes back every 100 s, so the test reads what the settles left.
            Check::Rate {
                key: "tpm".into(),
                limit: 9_000,
                period: Duration::from_secs(900_000),
                cost: 10,
            },
            Check::Concurrency {
                key: "inflight".into(),
                limit: REQUESTS as u64,
            },
            Check::Cap {
                key: "cap".into(),
                limit: 1_000_000,
                amount: 10,
            },
        ];
        let mut admitted = Vec::new();
        for _ in 0..REQUESTS {
            admitted.push(counters.admit(&checks).await.unwrap());
        }
        // Every lease is held: one more request is refused.
        assert!(matches!(
            counters.admit(&checks).await,
            Err(Refusal::Denied(Denied { index: 1, .. }))
        ));
        let amounts: Vec<[i64; 3]> = (1..=REQUESTS).map(|used| [used, 0, used]).collect();
        // Each settle twice at once, as a retry racing its first attempt.
        let settles = admitted
            .iter()
            .zip(&amounts)
            .flat_map(|(admitted, amounts)| {
                [(); 2].map(|()| counters.settle(admitted, amounts, None, None))
            });
        for outcome in futures::future::join_all(settles).await {
            outcome.unwrap();
        }
        let charged: i64 = (1..=REQUESTS).sum();
        assert_eq!(counters.value("cap").await.unwrap(), Some(charged));
        // Every lease was released, and the rate kept what was used, not what was reserved.
        let next = counters.admit(&checks).await.unwrap();
        assert_eq!(
            next.rate(0).unwrap().remaining,
            9_000 - u64::try_from(charged).unwrap() - 10
        );
        let concurrent: Vec<_> =
            futures::future::join_all((0..REQUESTS - 1).map(|_| counters.admit(&checks))).await;
        assert!(concurrent.iter().all(Result::is_ok));
    }

    #[tokio::test]
    async fn scripts_forgotten_by_redis_are_loaded_again() {
        let (counters, mut manager) = counters().await;
        let checks = [
            Check::Rate {
                key: "rpm".into(),
                limit: 10,
                period: Duration::from_secs(60),
                cost: 1,
            },
            Check::Concurrency {
                key: "inflight".into(),
                limit: 2,
            },
        ];
        // As after a Redis restart: every loaded script is gone.
        redis::cmd("SCRIPT")
            .arg("FLUSH")
            .query_async::<()>(&mut manager)
            .await
            .unwrap();
        let admitted = counters.admit(&checks).await.unwrap();
        assert_eq!(admitted.rate(0).unwrap().remaining, 9);
        redis::cmd("SCRIPT")
            .arg("FLUSH")
            .query_async::<()>(&mut manager)
            .await
            .unwrap();
        counters
            .settle(&admitted, &[1, 1], None, None)
            .await
            .unwrap();
        let next = counters.admit(&checks).await.unwrap();
        assert_eq!(next.rate(0).unwrap().remaining, 8);
    }
}
