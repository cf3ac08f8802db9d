//! Holds in the counters engine: part of a reservation kept past its settle for a later bill, in memory and on two Redis clients sharing one prefix.
//!
//! A hold outlives the lease it came from, counts against caps and balances until it ends, ends
//! once (with its bill's charge in the same step), is not kept by a settle that comes after its
//! end, and lapses on its own after its lifetime.

use std::time::Duration;

use hub::governance::limits::{Admitted, Check, Counters, CountersConfig, Hold, Refusal};

use crate::limits::backends;

const HOUR: Duration = Duration::from_secs(3600);

fn cap(amount: i64) -> Check {
    Check::Cap {
        key: "cap:held".into(),
        limit: 100,
        amount,
    }
}

fn balance(amount: i64) -> Check {
    Check::Balance {
        key: "balance:held".into(),
        amount,
    }
}

fn refused(result: Result<Admitted, Refusal>) -> bool {
    matches!(result, Err(Refusal::Denied(_)))
}

/// Whether exactly `room` more fits the cap, and not one unit more.
async fn room_is(counters: &Counters, room: i64) -> bool {
    if !refused(counters.admit(&[cap(room + 1)]).await) {
        return false;
    }
    match counters.admit(&[cap(room)]).await {
        Ok(admitted) => {
            counters.release(admitted).await.unwrap();
            true
        }
        Err(_) => false,
    }
}

#[tokio::test]
async fn a_hold_outlives_its_lease_ends_once_and_otherwise_lapses() {
    let config = CountersConfig {
        lease_ttl: Duration::from_millis(1500),
    };
    for (backend, counters) in backends(config).await {
        counters[0].seed("cap:held", 0, Some(HOUR)).await.unwrap();
        counters[0]
            .seed("balance:held", 100, Some(HOUR))
            .await
            .unwrap();
        let checks = [
            Check::Concurrency {
                key: "inflight:held".into(),
                limit: 5,
            },
            cap(70),
            balance(70),
        ];
        let admitted = counters[0].admit(&checks).await.unwrap();
        let hold = Hold::of(&admitted, 60, Duration::from_secs(30)).unwrap();
        assert_eq!(hold.checks, [cap(60), balance(60)], "{backend}");
        // The request itself cost 10; 60 of its reservation stays held.
        counters[0]
            .settle_keeping(admitted, &[0, 10, 10], &hold)
            .await
            .unwrap();
        assert_eq!(counters[1].value("cap:held").await.unwrap(), Some(10));
        // Past the lease's lifetime the hold still counts: 100 - 10 - 60.
        tokio::time::sleep(Duration::from_millis(2000)).await;
        assert!(room_is(&counters[1], 30).await, "{backend}");
        assert!(
            refused(counters[1].admit(&[balance(31)]).await),
            "{backend}"
        );

        // The bill: the hold released and 55 charged in one step, once however often.
        for _ in 0..2 {
            counters[1]
                .settle_hold(&hold, vec![cap(55), balance(55)], &[55, 55])
                .await
                .unwrap();
        }
        assert_eq!(counters[0].value("cap:held").await.unwrap(), Some(65));
        assert_eq!(counters[0].value("balance:held").await.unwrap(), Some(35));
        assert!(room_is(&counters[0], 35).await, "{backend}");

        // A hold ended before the settle that would keep it (its job finished at once) is not
        // kept.
        let early = counters[0].admit(&[cap(35)]).await.unwrap();
        let early_hold = Hold::of(&early, 35, Duration::from_secs(30)).unwrap();
        counters[1]
            .settle_hold(&early_hold, Vec::new(), &[])
            .await
            .unwrap();
        counters[0]
            .settle_keeping(early, &[0], &early_hold)
            .await
            .unwrap();
        assert!(room_is(&counters[1], 35).await, "{backend}");

        // A hold nobody ends lapses after its lifetime (its job was given up).
        let lost = counters[0].admit(&[cap(35)]).await.unwrap();
        let lost_hold = Hold::of(&lost, 20, Duration::from_millis(1000)).unwrap();
        counters[0]
            .settle_keeping(lost, &[0], &lost_hold)
            .await
            .unwrap();
        assert!(room_is(&counters[1], 15).await, "{backend}");
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert!(room_is(&counters[1], 35).await, "{backend}");
    }
}
