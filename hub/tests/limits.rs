//! The counters engine (`hub::governance::limits`): exact rate limits, concurrency leases, cap and
//! balance reservations under concurrent admits, all-or-nothing admits, seeding, bans and IP-group
//! counts, each scenario in memory and on two Redis clients sharing one prefix (two replicas).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers outside #[test] functions: a failure is a failed test"
)]

use crate::support;

use std::time::Duration;

use hub::governance::limits::{Admitted, Check, Counters, CountersConfig, Denied, Refusal};
use support::unique_redis_prefix;

const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(86_400);
// Counters are seeded with a TTL only so that test runs leave nothing behind in Redis.

/// Two handles on one set of counters, as two replicas would hold them: clones of one memory
/// store, and two Redis clients (two connection managers) sharing one key prefix.
pub(crate) async fn backends(config: CountersConfig) -> Vec<(&'static str, [Counters; 2])> {
    let memory = Counters::memory(config.clone());
    let prefix = format!("{}:", unique_redis_prefix());
    let mut redis = Vec::new();
    for _ in 0..2 {
        let client = redis::Client::open("redis://127.0.0.1:6379").unwrap();
        let manager = redis::aio::ConnectionManager::new(client)
            .await
            .expect("redis on 127.0.0.1:6379");
        redis.push(
            Counters::redis(
                hub::process::redis_link::RedisLink::new(manager),
                prefix.clone(),
                config.clone(),
            )
            .await
            .unwrap(),
        );
    }
    let [first, second] = <[Counters; 2]>::try_from(redis).unwrap();
    vec![
        ("memory", [memory.clone(), memory]),
        ("redis", [first, second]),
    ]
}

fn rate(key: &str, limit: u64, period: Duration, cost: u64) -> Check {
    Check::Rate {
        key: key.into(),
        limit,
        period,
        cost,
    }
}

fn denied(result: Result<Admitted, Refusal>) -> Denied {
    match result {
        Err(Refusal::Denied(denied)) => denied,
        other => panic!("expected a denial, got {other:?}"),
    }
}

/// Runs `attempts` admits of `checks` at once, alternating between the two handles, each
/// admitted one settled with `actual`; returns how many were admitted.
async fn admit_concurrently(
    counters: &[Counters; 2],
    checks: Vec<Check>,
    actual: Option<Vec<i64>>,
    attempts: usize,
) -> (usize, Vec<Result<Admitted, Refusal>>) {
    let mut tasks = Vec::new();
    for attempt in 0..attempts {
        let counters = counters[attempt % 2].clone();
        let checks = checks.clone();
        let actual = actual.clone();
        tasks.push(tokio::spawn(async move {
            let result = loop {
                match counters.admit(&checks).await {
                    Err(Refusal::Unseeded(keys)) => {
                        // Replicas seeding concurrently from the same database must agree.
                        for key in keys {
                            let value = if key.contains("balance") { 1_000 } else { 0 };
                            counters.seed(&key, value, Some(HOUR)).await.unwrap();
                        }
                    }
                    other => break other,
                }
            };
            match (result, actual) {
                (Ok(admitted), Some(actual)) => {
                    counters.settle(admitted, &actual).await.unwrap();
                    None
                }
                (result, _) => Some(result),
            }
        }));
    }
    let mut admitted = 0;
    let mut kept = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            None => admitted += 1,
            Some(result) => {
                admitted += usize::from(result.is_ok());
                kept.push(result);
            }
        }
    }
    (admitted, kept)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rpm_n_admits_exactly_n_at_high_concurrency() {
    for (backend, counters) in backends(CountersConfig::default()).await {
        // An hour-long period: nothing replenishes while the test runs.
        let checks = vec![rate("rpm:g:m", 50, HOUR, 1)];
        let (admitted, results) = admit_concurrently(&counters, checks, None, 200).await;
        assert_eq!(admitted, 50, "{backend}");
        let mut remaining: Vec<u64> = results
            .iter()
            .filter_map(|result| result.as_ref().ok())
            .map(|admitted| admitted.rate(0).unwrap().remaining)
            .collect();
        remaining.sort_unstable();
        assert_eq!(remaining, (0..50).collect::<Vec<_>>(), "{backend}");
        for result in results.into_iter().filter(Result::is_err) {
            let denied = denied(result);
            assert_eq!(denied.index, 0, "{backend}");
            let retry_after = denied
                .retry_after
                .expect("a rate denial says when to retry");
            assert!(
                retry_after > Duration::ZERO && retry_after <= HOUR / 50,
                "{backend}"
            );
            let state = denied.rate.unwrap();
            assert_eq!((state.limit, state.remaining), (50, 0), "{backend}");
        }
    }
}

#[tokio::test]
async fn rate_state_reports_limit_remaining_and_reset() {
    for (backend, counters) in backends(CountersConfig::default()).await {
        let admitted = counters[0]
            .admit(&[rate("rpm:headers", 10, Duration::from_secs(60), 1)])
            .await
            .unwrap();
        let state = admitted.rate(0).unwrap();
        assert_eq!(
            (state.limit, state.remaining, state.reset_after),
            (10, 9, Duration::from_secs(6)),
            "{backend}"
        );
        assert_eq!(admitted.rates().count(), 1);
        let denied = denied(
            counters[1]
                .admit(&[rate("rpm:headers", 10, Duration::from_secs(60), 11)])
                .await,
        );
        assert_eq!(
            denied.retry_after, None,
            "{backend}: a cost above the limit never fits"
        );
        let denied = denied_for(&counters[1], rate("rpm:zero", 0, HOUR, 1)).await;
        assert_eq!(denied.retry_after, None, "{backend}");
    }
}

async fn denied_for(counters: &Counters, check: Check) -> Denied {
    denied(counters.admit(&[check]).await)
}

#[tokio::test]
async fn tpm_reserves_the_estimate_and_settle_refunds_or_charges_the_difference() {
    for (backend, counters) in backends(CountersConfig::default()).await {
        // A day-long period: about one token replenishes every 86 s.
        let tpm = |cost| vec![rate("tpm:g:m", 1000, DAY, cost)];
        let full = counters[0].admit(&tpm(1000)).await.unwrap();
        assert_eq!(full.rate(0).unwrap().remaining, 0, "{backend}");
        let refused = denied(counters[1].admit(&tpm(1)).await);
        assert!(refused.retry_after.is_some(), "{backend}");
        counters[1].settle(full, &[100]).await.unwrap();
        let refused = denied(counters[0].admit(&tpm(901)).await);
        assert_eq!(refused.rate.unwrap().remaining, 900, "{backend}");
        let rest = counters[0].admit(&tpm(900)).await.unwrap();
        denied(counters[1].admit(&tpm(1)).await);
        // Free everything again, then under-estimate: the extra usage is owed.
        counters[0].settle(rest, &[0]).await.unwrap();
        let small = counters[1].admit(&tpm(100)).await.unwrap();
        counters[1].settle(small, &[600]).await.unwrap();
        denied(counters[0].admit(&tpm(301)).await);
        counters[0].admit(&tpm(300)).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrency_limit_holds_and_release_frees_a_lease() {
    for (backend, counters) in backends(CountersConfig::default()).await {
        let checks = vec![Check::Concurrency {
            key: "inflight:token:1".into(),
            limit: 3,
        }];
        let (admitted, results) = admit_concurrently(&counters, checks.clone(), None, 10).await;
        assert_eq!(admitted, 3, "{backend}");
        let mut leases: Vec<Admitted> = Vec::new();
        for result in results {
            match result {
                Ok(admitted) => leases.push(admitted),
                Err(refusal) => {
                    let Refusal::Denied(denied) = refusal else {
                        panic!("{refusal:?}")
                    };
                    assert_eq!((denied.index, denied.retry_after), (0, None));
                }
            }
        }
        counters[1].release(leases.pop().unwrap()).await.unwrap();
        let again = counters[0].admit(&checks).await.unwrap();
        denied(counters[1].admit(&checks).await);
        counters[0].settle(again, &[0]).await.unwrap();
        counters[0].admit(&checks).await.unwrap();
    }
}

#[tokio::test]
async fn a_lease_of_a_dead_replica_expires_after_lease_ttl() {
    let config = CountersConfig {
        lease_ttl: Duration::from_millis(1500),
    };
    for (backend, counters) in backends(config).await {
        let checks = [
            Check::Concurrency {
                key: "inflight:dead".into(),
                limit: 1,
            },
            Check::Cap {
                key: "cap:dead".into(),
                limit: 100,
                amount: 100,
            },
        ];
        counters[0].seed("cap:dead", 0, Some(HOUR)).await.unwrap();
        // Admitted, then never settled: the replica that held it is gone.
        drop(counters[0].admit(&checks).await.unwrap());
        assert_eq!(
            denied(counters[1].admit(&checks).await).index,
            0,
            "{backend}"
        );
        tokio::time::sleep(Duration::from_millis(2000)).await;
        let admitted = counters[1].admit(&checks).await.unwrap();
        counters[1].settle(admitted, &[0, 40]).await.unwrap();
        assert_eq!(counters[0].value("cap:dead").await.unwrap(), Some(40));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_spending_never_exceeds_a_cap_or_a_balance() {
    for (backend, counters) in backends(CountersConfig::default()).await {
        let cap = vec![Check::Cap {
            key: "cap:token:7".into(),
            limit: 1_000,
            amount: 30,
        }];
        let (admitted, _) = admit_concurrently(&counters, cap, Some(vec![30]), 100).await;
        assert_eq!(admitted, 33, "{backend}");
        assert_eq!(counters[0].value("cap:token:7").await.unwrap(), Some(990));

        // Seeded with 1000 by the helper.
        let balance = vec![Check::Balance {
            key: "balance:group:7".into(),
            amount: 30,
        }];
        let (admitted, _) = admit_concurrently(&counters, balance, Some(vec![30]), 100).await;
        assert_eq!(admitted, 33, "{backend}");
        assert_eq!(
            counters[1].value("balance:group:7").await.unwrap(),
            Some(10)
        );
    }
}

#[tokio::test]
async fn a_refused_admit_changes_nothing() {
    for (backend, counters) in backends(CountersConfig::default()).await {
        counters[0].seed("cap:a", 0, Some(HOUR)).await.unwrap();
        counters[0].seed("balance:a", 50, Some(HOUR)).await.unwrap();
        let refused = [
            rate("rpm:a", 2, HOUR, 1),
            Check::Concurrency {
                key: "inflight:a".into(),
                limit: 1,
            },
            Check::Cap {
                key: "cap:a".into(),
                limit: 100,
                amount: 60,
            },
            Check::Balance {
                key: "balance:a".into(),
                amount: 60,
            },
        ];
        let denied = denied(counters[0].admit(&refused).await);
        assert_eq!(
            (denied.index, denied.retry_after, denied.rate),
            (3, None, None),
            "{backend}"
        );
        // Everything before the refusing check is as it was: two requests, one lease, the whole
        // cap and the whole balance still fit.
        let fits = [
            rate("rpm:a", 2, HOUR, 1),
            Check::Concurrency {
                key: "inflight:a".into(),
                limit: 1,
            },
            Check::Cap {
                key: "cap:a".into(),
                limit: 100,
                amount: 100,
            },
            Check::Balance {
                key: "balance:a".into(),
                amount: 50,
            },
        ];
        let admitted = counters[1].admit(&fits).await.unwrap();
        assert_eq!(admitted.rate(0).unwrap().remaining, 1, "{backend}");
        assert_eq!(admitted.rate(1), None);
        // Duplicate keys in one list see each other.
        let twice = [rate("rpm:b", 3, HOUR, 2), rate("rpm:b", 3, HOUR, 2)];
        assert_eq!(
            denied_for_list(&counters[0], &twice).await.index,
            1,
            "{backend}"
        );
        counters[0].admit(&twice[..1]).await.unwrap();
        let settle_error = counters[1].settle(admitted, &[1]).await;
        assert!(settle_error.is_err(), "{backend}: one amount per check");
    }
}

async fn denied_for_list(counters: &Counters, checks: &[Check]) -> Denied {
    denied(counters.admit(checks).await)
}

#[tokio::test]
async fn unseeded_counters_are_reported_seed_does_not_overwrite_and_forget_unseeds() {
    for (backend, counters) in backends(CountersConfig::default()).await {
        let checks = [
            rate("rpm:s", 10, HOUR, 1),
            Check::Cap {
                key: "cap:s".into(),
                limit: 100,
                amount: 10,
            },
            Check::Balance {
                key: "balance:s".into(),
                amount: 10,
            },
        ];
        match counters[0].admit(&checks).await {
            Err(Refusal::Unseeded(keys)) => assert_eq!(keys, ["cap:s", "balance:s"], "{backend}"),
            other => panic!("{backend}: {other:?}"),
        }
        counters[0].seed("cap:s", 5, Some(HOUR)).await.unwrap();
        counters[1].seed("cap:s", 7, Some(HOUR)).await.unwrap();
        counters[1]
            .seed("balance:s", 500, Some(HOUR))
            .await
            .unwrap();
        assert_eq!(
            counters[0].value("cap:s").await.unwrap(),
            Some(5),
            "{backend}"
        );
        let admitted = counters[0].admit(&checks).await.unwrap();
        assert_eq!(
            admitted.rate(0).unwrap().remaining,
            9,
            "{backend}: unseeded admits charge nothing"
        );
        counters[0].settle(admitted, &[1, 10, 10]).await.unwrap();
        assert_eq!(counters[1].value("cap:s").await.unwrap(), Some(15));
        assert_eq!(counters[1].value("balance:s").await.unwrap(), Some(490));

        counters[1].forget("cap:s").await.unwrap();
        assert_eq!(counters[0].value("cap:s").await.unwrap(), None);
        match counters[0].admit(&checks).await {
            Err(Refusal::Unseeded(keys)) => assert_eq!(keys, ["cap:s"], "{backend}"),
            other => panic!("{backend}: {other:?}"),
        }
        counters[0].seed("cap:s", 91, Some(HOUR)).await.unwrap();
        denied(counters[0].admit(&checks).await);
    }
}

#[tokio::test]
async fn seeded_counters_of_a_period_expire_and_bans_and_ip_groups_count_within_their_window() {
    for (backend, counters) in backends(CountersConfig::default()).await {
        assert_eq!(counters[0].banned("ip:10.0.0.1").await.unwrap(), None);
        counters[0]
            .ban("ip:10.0.0.1", Duration::from_secs(60))
            .await
            .unwrap();
        let remaining = counters[1].banned("ip:10.0.0.1").await.unwrap().unwrap();
        assert!(
            remaining > Duration::ZERO && remaining <= Duration::from_secs(60),
            "{backend}"
        );

        let window = Duration::from_millis(1000);
        let ip = "10.0.0.2";
        assert_eq!(counters[0].note_ip_group(ip, "g1", HOUR).await.unwrap(), 1);
        assert_eq!(counters[1].note_ip_group(ip, "g1", HOUR).await.unwrap(), 1);
        assert_eq!(counters[0].note_ip_group(ip, "g2", HOUR).await.unwrap(), 2);
        assert_eq!(
            counters[1].note_ip_group(ip, "g3", HOUR).await.unwrap(),
            3,
            "{backend}"
        );
        assert_eq!(
            counters[1]
                .note_ip_group("10.0.0.3", "g1", HOUR)
                .await
                .unwrap(),
            1
        );

        counters[0].seed("cap:day", 3, Some(window)).await.unwrap();
        assert_eq!(counters[1].value("cap:day").await.unwrap(), Some(3));
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(
            counters[1].value("cap:day").await.unwrap(),
            None,
            "{backend}"
        );
        // Only g4 was used within the last second.
        assert_eq!(
            counters[0].note_ip_group(ip, "g4", window).await.unwrap(),
            1,
            "{backend}"
        );
    }
}
