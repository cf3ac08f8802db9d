//! Live health of (channel, model) pairs: sliding-window success rates that weight selection,
//! bans for pairs that keep failing, `Retry-After` cool-downs, and which banned pairs to probe.
//!
//! Behind the [`ChannelHealth`] trait so a host can share the state between replicas; the relay
//! ships [`InMemoryHealth`] for a single process.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use crate::config::BanPolicy;

/// A (channel, model) pair; `model` is the name the client asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PairKey {
    pub channel_id: i64,
    pub model: String,
}

/// What one attempt on a pair showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Connect error, timeout, 5xx, or anything else that is the channel's fault.
    Failure,
    /// 429: not a failure of the channel, but it must not be picked again before `retry_after`.
    RateLimited {
        retry_after: Option<Duration>,
    },
    /// 401/403: the upstream refused the channel's key. Retrying the pair cannot help until
    /// someone fixes the key, so it is banned at once (and probed like any ban).
    KeyRefused {
        status: u16,
    },
}

/// A channel's own error-rate thresholds (each in (0, 1]), over the defaults: `None` keeps the
/// default. The error rate of a pair is its share of failed outcomes within the ban window.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ErrorRateThresholds {
    /// Warn (an alert) when a pair's error rate exceeds this; the host's default otherwise.
    pub warn: Option<f64>,
    /// Ban a pair whose error rate reaches this over at least [`BanPolicy::min_requests`]
    /// outcomes, beside the consecutive-failure rule every channel has. No rate ban otherwise
    /// (the seed's default too).
    pub ban: Option<f64>,
}

/// Whether a pair may be picked now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Availability {
    /// Pickable; `success_rate` in (0, 1] weights it against its peers.
    Available { success_rate: f64 },
    /// Asked us to wait (`Retry-After`) for this much longer.
    CoolingDown { remaining: Duration },
    /// Banned until a probe succeeds (or the ban runs out).
    Banned,
}

/// Shared health state of (channel, model) pairs. Called on every request: must answer from
/// memory.
pub trait ChannelHealth: Send + Sync + 'static {
    fn availability(&self, channel_id: i64, model: &str) -> Availability;
    /// Records an attempt's outcome under the default thresholds; returns true when this
    /// outcome banned the pair.
    fn report(&self, channel_id: i64, model: &str, outcome: Outcome) -> bool {
        self.report_with(channel_id, model, outcome, ErrorRateThresholds::default())
    }
    /// Records an attempt's outcome judged by the channel's own thresholds; returns true when
    /// this outcome banned the pair.
    fn report_with(
        &self,
        channel_id: i64,
        model: &str,
        outcome: Outcome,
        thresholds: ErrorRateThresholds,
    ) -> bool;
    /// Banned pairs whose next probe is due. Each is handed out at most once per probe interval.
    fn due_probes(&self) -> Vec<PairKey>;
    /// A probe's result: success lifts the ban.
    fn probe_result(&self, channel_id: i64, model: &str, ok: bool);
    /// Why a pair is banned, when it is and the implementation keeps reasons.
    fn ban_reason(&self, _channel_id: i64, _model: &str) -> Option<String> {
        None
    }
}

/// Outcomes kept per pair; enough for a stable rate, small enough to scan.
const MAX_EVENTS: usize = 256;

/// [`ChannelHealth`] for one process.
#[derive(Debug)]
pub struct InMemoryHealth {
    policy: BanPolicy,
    pairs: Mutex<HashMap<i64, HashMap<String, PairState>>>,
}

#[derive(Debug, Default)]
struct PairState {
    events: VecDeque<(Instant, bool)>,
    streak: u32,
    last_failure: Option<Instant>,
    banned_until: Option<Instant>,
    next_probe: Option<Instant>,
    cooling_until: Option<Instant>,
    /// Why and when the current ban began, for operators.
    ban_reason: Option<String>,
    banned_since: Option<SystemTime>,
}

/// A banned pair as an operator sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct BanInfo {
    pub pair: PairKey,
    pub reason: String,
    pub since: SystemTime,
    /// How long the ban runs at most (a successful probe lifts it sooner).
    pub remaining: Duration,
    /// When the next probe is due, from now; zero when it is due.
    pub next_probe: Duration,
}

impl InMemoryHealth {
    pub fn new(policy: BanPolicy) -> InMemoryHealth {
        InMemoryHealth {
            policy,
            pairs: Mutex::new(HashMap::new()),
        }
    }

    fn with_pair<R>(&self, channel_id: i64, model: &str, f: impl FnOnce(&mut PairState) -> R) -> R {
        let mut pairs = self
            .pairs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let models = pairs.entry(channel_id).or_default();
        if !models.contains_key(model) {
            models.insert(model.to_owned(), PairState::default());
        }
        match models.get_mut(model) {
            Some(state) => f(state),
            None => f(&mut PairState::default()),
        }
    }
}

/// What a host that shares health between replicas needs beyond [`ChannelHealth`]: to apply
/// what other replicas saw and decided, and to show and clear bans.
impl InMemoryHealth {
    /// Outcomes another replica saw on a pair: they weigh selection here too. Streaks stay
    /// local; bans travel on their own ([`InMemoryHealth::ban_for`]).
    pub fn merge_outcomes(&self, channel_id: i64, model: &str, successes: u32, failures: u32) {
        let window = self.policy.window;
        self.with_pair(channel_id, model, |state| {
            let now = Instant::now();
            state.prune(now, window);
            for _ in 0..successes.min(MAX_EVENTS as u32) {
                state.push(now, true);
            }
            for _ in 0..failures.min(MAX_EVENTS as u32) {
                state.push(now, false);
            }
        });
    }

    /// Bans a pair for `length` (a ban decided elsewhere); a ban already running is kept.
    pub fn ban_for(&self, channel_id: i64, model: &str, length: Duration, reason: &str) {
        let policy = self.policy;
        self.with_pair(channel_id, model, |state| {
            let now = Instant::now();
            if state.banned_until.is_none_or(|until| until <= now) {
                state.ban(now, &policy, length, reason.to_owned());
            }
        });
    }

    /// Lifts a pair's ban (a probe succeeded elsewhere, or an operator cleared it); true when
    /// one was running.
    pub fn lift(&self, channel_id: i64, model: &str) -> bool {
        self.with_pair(channel_id, model, |state| {
            let banned = state.banned_until.is_some();
            state.unban();
            state.cooling_until = None;
            banned
        })
    }

    /// Every pair banned now.
    pub fn bans(&self) -> Vec<BanInfo> {
        let now = Instant::now();
        let pairs = self
            .pairs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut bans = Vec::new();
        for (channel_id, models) in pairs.iter() {
            for (model, state) in models {
                let Some(until) = state.banned_until.filter(|until| *until > now) else {
                    continue;
                };
                bans.push(BanInfo {
                    pair: PairKey {
                        channel_id: *channel_id,
                        model: model.clone(),
                    },
                    reason: state.ban_reason.clone().unwrap_or_default(),
                    since: state.banned_since.unwrap_or_else(SystemTime::now),
                    remaining: until - now,
                    next_probe: state
                        .next_probe
                        .map_or(Duration::ZERO, |at| at.saturating_duration_since(now)),
                });
            }
        }
        bans.sort_by(|a, b| {
            (a.pair.channel_id, &a.pair.model).cmp(&(b.pair.channel_id, &b.pair.model))
        });
        bans
    }
}

impl PairState {
    fn prune(&mut self, now: Instant, window: Duration) {
        while self
            .events
            .front()
            .is_some_and(|(at, _)| now.duration_since(*at) > window)
        {
            self.events.pop_front();
        }
    }

    /// The share of failures among the outcomes in the window, once there are at least
    /// `min_requests` of them.
    fn error_rate(&self, min_requests: u32) -> Option<f64> {
        let total = self.events.len();
        if total == 0 || total < min_requests as usize {
            return None;
        }
        let failures = self.events.iter().filter(|(_, ok)| !*ok).count();
        Some(failures as f64 / total as f64)
    }

    fn push(&mut self, now: Instant, ok: bool) {
        if self.events.len() == MAX_EVENTS {
            self.events.pop_front();
        }
        self.events.push_back((now, ok));
    }

    fn ban(&mut self, now: Instant, policy: &BanPolicy, length: Duration, reason: String) {
        self.banned_until = Some(now + length);
        self.next_probe = Some(now + policy.probe_interval.min(length));
        self.ban_reason = Some(reason);
        self.banned_since = Some(SystemTime::now());
    }

    fn unban(&mut self) {
        self.banned_until = None;
        self.next_probe = None;
        self.ban_reason = None;
        self.banned_since = None;
        self.streak = 0;
        // Forget the failures that led to the ban so the pair competes on fresh evidence.
        self.events.clear();
    }
}

impl ChannelHealth for InMemoryHealth {
    fn availability(&self, channel_id: i64, model: &str) -> Availability {
        let policy = self.policy;
        self.with_pair(channel_id, model, |state| {
            let now = Instant::now();
            if let Some(until) = state.banned_until {
                if now < until {
                    return Availability::Banned;
                }
                // The ban ran out without a successful probe: let real traffic try, but one more
                // failure bans again.
                state.banned_until = None;
                state.next_probe = None;
                state.ban_reason = None;
                state.banned_since = None;
                state.streak = policy.failure_threshold.saturating_sub(1);
                state.last_failure = Some(now);
            }
            if let Some(until) = state.cooling_until {
                if now < until {
                    return Availability::CoolingDown {
                        remaining: until - now,
                    };
                }
                state.cooling_until = None;
            }
            state.prune(now, policy.window);
            let successes = state.events.iter().filter(|(_, ok)| *ok).count() as f64;
            // Optimistic prior: an unknown pair counts as healthy.
            let success_rate = (successes + 1.0) / (state.events.len() as f64 + 1.0);
            Availability::Available { success_rate }
        })
    }

    fn report_with(
        &self,
        channel_id: i64,
        model: &str,
        outcome: Outcome,
        thresholds: ErrorRateThresholds,
    ) -> bool {
        let policy = self.policy;
        self.with_pair(channel_id, model, |state| {
            let now = Instant::now();
            state.prune(now, policy.window);
            match outcome {
                Outcome::Success => {
                    state.push(now, true);
                    state.streak = 0;
                    if state.banned_until.is_some() {
                        state.unban();
                    }
                    false
                }
                Outcome::RateLimited { retry_after } => {
                    if let Some(after) = retry_after {
                        state.cooling_until = Some(now + after);
                    }
                    false
                }
                Outcome::KeyRefused { status } => {
                    state.push(now, false);
                    state.last_failure = Some(now);
                    if state.banned_until.is_none() {
                        let reason =
                            format!("the upstream refused the channel's key (HTTP {status})");
                        state.ban(now, &policy, policy.ban_duration, reason);
                        return true;
                    }
                    false
                }
                Outcome::Failure => {
                    state.push(now, false);
                    if state
                        .last_failure
                        .is_some_and(|at| now.duration_since(at) > policy.window)
                    {
                        state.streak = 0;
                    }
                    state.streak += 1;
                    state.last_failure = Some(now);
                    if state.banned_until.is_some() {
                        return false;
                    }
                    if state.streak >= policy.failure_threshold {
                        let reason = format!("{} consecutive failures", state.streak);
                        state.ban(now, &policy, policy.ban_duration, reason);
                        return true;
                    }
                    if let Some(limit) = thresholds.ban
                        && let Some(rate) = state.error_rate(policy.min_requests)
                        && rate >= limit
                    {
                        let reason = format!(
                            "error rate {:.0}% over {} requests reached the channel's ban threshold {:.0}%",
                            rate * 100.0,
                            state.events.len(),
                            limit * 100.0
                        );
                        state.ban(now, &policy, policy.ban_duration, reason);
                        return true;
                    }
                    false
                }
            }
        })
    }

    fn due_probes(&self) -> Vec<PairKey> {
        let now = Instant::now();
        let mut pairs = self
            .pairs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut due = Vec::new();
        for (channel_id, models) in pairs.iter_mut() {
            for (model, state) in models.iter_mut() {
                if state.banned_until.is_some() && state.next_probe.is_some_and(|at| at <= now) {
                    state.next_probe = Some(now + self.policy.probe_interval);
                    due.push(PairKey {
                        channel_id: *channel_id,
                        model: model.clone(),
                    });
                }
            }
        }
        due
    }

    fn probe_result(&self, channel_id: i64, model: &str, ok: bool) {
        if ok {
            self.with_pair(channel_id, model, PairState::unban);
        }
    }

    fn ban_reason(&self, channel_id: i64, model: &str) -> Option<String> {
        let now = Instant::now();
        self.with_pair(channel_id, model, |state| {
            state
                .banned_until
                .filter(|until| *until > now)
                .and(state.ban_reason.clone())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> BanPolicy {
        BanPolicy {
            window: Duration::from_secs(60),
            failure_threshold: 3,
            ban_duration: Duration::from_millis(200),
            probe_interval: Duration::from_millis(20),
            min_requests: 4,
        }
    }

    #[test]
    fn a_channel_ban_rate_bans_where_the_default_does_not() {
        let health = InMemoryHealth::new(policy());
        let strict = ErrorRateThresholds {
            warn: None,
            ban: Some(0.5),
        };
        let mut banned = (false, false);
        // Alternating outcomes: never three failures in a row, half of them failures.
        for round in 0..4 {
            let outcome = if round % 2 == 0 {
                Outcome::Failure
            } else {
                Outcome::Success
            };
            banned.0 |= health.report_with(1, "m", outcome, strict);
            banned.1 |= health.report(2, "m", outcome);
        }
        // Rates are judged when a failure is reported, once the window holds four outcomes.
        assert_eq!(banned, (false, false));
        assert!(health.report_with(1, "m", Outcome::Failure, strict));
        assert!(!health.report(2, "m", Outcome::Failure));
        assert_eq!(health.availability(1, "m"), Availability::Banned);
        assert!(matches!(
            health.availability(2, "m"),
            Availability::Available { .. }
        ));
        let bans = health.bans();
        assert_eq!(bans.len(), 1);
        assert!(
            bans[0].reason.contains("ban threshold 50%"),
            "{}",
            bans[0].reason
        );

        // Below the minimum number of outcomes a rate bans nothing, even at 100%.
        let fresh = InMemoryHealth::new(policy());
        let any_failure = ErrorRateThresholds {
            warn: None,
            ban: Some(0.1),
        };
        assert!(!fresh.report_with(3, "m", Outcome::Failure, any_failure));
        assert!(!fresh.report_with(3, "m", Outcome::Success, any_failure));
        assert!(!fresh.report_with(3, "m", Outcome::Failure, any_failure));
        assert!(fresh.report_with(3, "m", Outcome::Failure, any_failure));
        assert!(fresh.bans()[0].reason.contains("error rate 75%"));
    }

    #[test]
    fn remote_outcomes_weigh_bans_apply_and_lift_and_bans_are_listed_with_their_reason() {
        let health = InMemoryHealth::new(policy());
        health.merge_outcomes(1, "m", 1, 3);
        let Availability::Available { success_rate } = health.availability(1, "m") else {
            panic!("not banned by outcomes alone");
        };
        assert!((success_rate - 0.4).abs() < 1e-9, "{success_rate}");
        health.ban_for(2, "m", Duration::from_secs(60), "decided elsewhere");
        assert_eq!(health.availability(2, "m"), Availability::Banned);
        assert!(health.report(3, "m", Outcome::KeyRefused { status: 401 }));
        let bans = health.bans();
        assert_eq!(bans.len(), 2);
        assert_eq!(bans[0].pair.channel_id, 2);
        assert_eq!(bans[0].reason, "decided elsewhere");
        assert!(bans[1].reason.contains("HTTP 401"), "{}", bans[1].reason);
        assert!(bans[1].remaining <= policy().ban_duration);
        assert!(health.lift(2, "m"));
        assert!(!health.lift(2, "m"));
        assert!(matches!(
            health.availability(2, "m"),
            Availability::Available { .. }
        ));
        assert_eq!(health.bans().len(), 1);
    }

    #[test]
    fn a_refused_key_bans_the_pair_at_once() {
        let health = InMemoryHealth::new(BanPolicy::default());
        assert!(health.report(4, "m", Outcome::KeyRefused { status: 401 }));
        assert_eq!(health.availability(4, "m"), Availability::Banned);
        // Already banned: a second refusal bans nothing new.
        assert!(!health.report(4, "m", Outcome::KeyRefused { status: 403 }));
        assert!(matches!(
            health.availability(5, "m"),
            Availability::Available { .. }
        ));
    }

    #[test]
    fn bans_after_consecutive_failures_and_probes_back() {
        let health = InMemoryHealth::new(policy());
        assert_eq!(
            health.availability(1, "m"),
            Availability::Available { success_rate: 1.0 }
        );
        assert!(!health.report(1, "m", Outcome::Failure));
        assert!(!health.report(1, "m", Outcome::Success));
        assert!(!health.report(1, "m", Outcome::Failure));
        assert!(!health.report(1, "m", Outcome::Failure));
        assert!(
            matches!(health.availability(1, "m"), Availability::Available { success_rate } if success_rate < 0.5)
        );
        assert!(health.report(1, "m", Outcome::Failure));
        assert_eq!(health.availability(1, "m"), Availability::Banned);
        assert_eq!(
            health.availability(1, "other"),
            Availability::Available { success_rate: 1.0 }
        );
        assert!(health.due_probes().is_empty());
        std::thread::sleep(Duration::from_millis(25));
        assert_eq!(
            health.due_probes(),
            vec![PairKey {
                channel_id: 1,
                model: "m".into()
            }]
        );
        // Handed out once per interval.
        assert!(health.due_probes().is_empty());
        health.probe_result(1, "m", false);
        assert_eq!(health.availability(1, "m"), Availability::Banned);
        health.probe_result(1, "m", true);
        assert_eq!(
            health.availability(1, "m"),
            Availability::Available { success_rate: 1.0 }
        );
    }

    #[test]
    fn expired_ban_is_half_open_and_retry_after_cools_down() {
        let health = InMemoryHealth::new(policy());
        for _ in 0..3 {
            health.report(2, "m", Outcome::Failure);
        }
        std::thread::sleep(Duration::from_millis(210));
        assert!(matches!(
            health.availability(2, "m"),
            Availability::Available { .. }
        ));
        assert!(
            health.report(2, "m", Outcome::Failure),
            "one failure re-bans a half-open pair"
        );
        health.report(
            3,
            "m",
            Outcome::RateLimited {
                retry_after: Some(Duration::from_millis(50)),
            },
        );
        assert!(matches!(
            health.availability(3, "m"),
            Availability::CoolingDown { .. }
        ));
        std::thread::sleep(Duration::from_millis(60));
        assert!(matches!(
            health.availability(3, "m"),
            Availability::Available { .. }
        ));
    }
}
