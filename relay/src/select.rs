//! Channel selection for one attempt: highest priority first, weighted random within a priority
//! by live success rate, never a channel already tried while an untried one remains.

use std::sync::Arc;
use std::time::Duration;

use crate::health::{Availability, ChannelHealth};
use crate::vocabulary::Channel;

/// The result of picking.
#[derive(Debug)]
pub enum Pick {
    Channel(Arc<Channel>),
    /// Nothing to pick; `cooling` is the shortest `Retry-After` still running when every
    /// remaining candidate is only cooling down.
    Exhausted {
        cooling: Option<Duration>,
    },
}

/// Picks the channel for the next attempt; `tried` holds the channels earlier attempts used.
pub fn pick(
    candidates: &[Arc<Channel>],
    model: &str,
    health: &dyn ChannelHealth,
    tried: &[i64],
) -> Pick {
    let states = candidates
        .iter()
        .map(|channel| (channel, health.availability(channel.id, model)))
        .collect::<Vec<_>>();
    let available = |include_tried: bool| {
        states
            .iter()
            .filter_map(|(channel, state)| match state {
                Availability::Available { success_rate }
                    if include_tried || !tried.contains(&channel.id) =>
                {
                    Some((*channel, *success_rate))
                }
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let mut pool = available(false);
    if pool.is_empty() {
        // Every candidate has had its turn: a retry may go back to one that is still healthy.
        pool = available(true);
    }
    if pool.is_empty() && tried.is_empty() {
        // Everything is banned. Failing every request until a probe succeeds would turn a
        // flaky channel into a dead model, so the first attempt may still try a banned one.
        pool = states
            .iter()
            .filter(|(_, state)| *state == Availability::Banned)
            .map(|(channel, _)| (*channel, 1.0))
            .collect();
    }
    let Some(top) = pool.iter().map(|(channel, _)| channel.priority).max() else {
        let cooling = states
            .iter()
            .filter_map(|(_, state)| match state {
                Availability::CoolingDown { remaining } => Some(*remaining),
                _ => None,
            })
            .min();
        return Pick::Exhausted { cooling };
    };
    pool.retain(|(channel, _)| channel.priority == top);
    let total: f64 = pool.iter().map(|(_, weight)| weight).sum();
    let mut point = rand::random::<f64>() * total;
    for (channel, weight) in &pool {
        if point < *weight {
            return Pick::Channel(Arc::clone(channel));
        }
        point -= weight;
    }
    match pool.last() {
        Some((channel, _)) => Pick::Channel(Arc::clone(channel)),
        None => Pick::Exhausted { cooling: None },
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::config::BanPolicy;
    use crate::health::{InMemoryHealth, Outcome};
    use crate::host::{ChannelKind, ChannelTimeouts};

    fn channel(id: i64, priority: i32) -> Arc<Channel> {
        Arc::new(Channel {
            id,
            name: format!("c{id}"),
            kind: ChannelKind::OPENAI,
            base_url: String::new(),
            key: String::new(),
            model_mapping: HashMap::new(),
            priority,
            config: HashMap::new(),
            proxy_url: None,
            timeouts: ChannelTimeouts::default(),
        })
    }

    fn picked(pick: Pick) -> Option<i64> {
        match pick {
            Pick::Channel(channel) => Some(channel.id),
            Pick::Exhausted { .. } => None,
        }
    }

    #[test]
    fn priority_then_weight_then_exclusion() {
        let health = InMemoryHealth::new(BanPolicy {
            failure_threshold: 100,
            ..BanPolicy::default()
        });
        let candidates = vec![channel(1, 0), channel(2, 10), channel(3, 10)];
        for _ in 0..50 {
            let id = picked(pick(&candidates, "m", &health, &[])).unwrap();
            assert!(id == 2 || id == 3, "lower priority picked first");
        }
        assert_eq!(picked(pick(&candidates, "m", &health, &[2, 3])), Some(1));
        assert!(matches!(
            picked(pick(&candidates, "m", &health, &[1, 2, 3])),
            Some(2 | 3)
        ));
        // Channel 3 fails a lot: channel 2 gets most of the traffic.
        for _ in 0..30 {
            health.report(3, "m", Outcome::Failure);
            health.report(2, "m", Outcome::Success);
        }
        let twos = (0..400)
            .filter(|_| picked(pick(&candidates, "m", &health, &[])) == Some(2))
            .count();
        assert!(twos > 330, "healthy channel picked {twos} of 400");
        // Cooling down everywhere: exhausted with the shortest wait.
        let health = InMemoryHealth::new(BanPolicy::default());
        for id in [1, 2, 3] {
            health.report(
                id,
                "m",
                Outcome::RateLimited {
                    retry_after: Some(Duration::from_secs(id as u64 * 10)),
                },
            );
        }
        match pick(&candidates, "m", &health, &[]) {
            Pick::Exhausted {
                cooling: Some(wait),
            } => assert!(wait <= Duration::from_secs(10)),
            other => panic!("unexpected {other:?}"),
        }
    }
}
