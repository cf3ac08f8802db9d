//! A 2026-07-28 upstream's `subscriptions/listen` stream: opened for the proxy's listening sessions and watched tasks, narrowed as they go, relayed to them.
//!
//! A session-era upstream takes `resources/subscribe` per URI and sends list changes on the
//! session's own stream. A 2026-07-28 upstream sends both only on a `subscriptions/listen`
//! stream whose filter names everything its client wants. So the proxy keeps one such stream
//! per upstream (on its connection that declares nothing), its filter what the listening
//! sessions want together (`Listeners::wanted`): the list changes the upstream declares, while
//! any session listens, and every URI some session subscribed to; and, while callers own
//! upstream tasks the proxy watches, those tasks (`listen_tasks.rs`). When that changes, a
//! stream with the new filter is opened, the old one relayed until the new one is
//! acknowledged, then dropped (rmcp cancels it upstream). Nobody listening: no stream.
//!
//! The upstream sends an update to both streams in that moment. What the old stream relayed
//! then is remembered ([`Echoes`]), and the same notification arriving on the new stream
//! shortly after is dropped once, so a session hears it once (task statuses are told once by
//! their feed). A stream the upstream ends (or that fails) is reopened at once; when the
//! upstream keeps ending them, after a delay that doubles up to [`REOPEN_AT_MOST`]
//! ([`Reopen`]), so a flapping upstream is not asked in a loop.
//!
//! One task per connection owns the stream, so its filter changes one at a time. Sessions that
//! end without unsubscribing are noticed within [`SWEEP_EVERY`].

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::model::{ServerCapabilities, ServerNotification, SubscriptionFilter};
use rmcp::service::{Peer, RoleClient, ServiceError, Subscription};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::listeners::Listeners;

/// How often the stream's filter is compared with what the sessions still want.
const SWEEP_EVERY: Duration = Duration::from_secs(5);
/// Reconciliations waiting for the stream's task; a poke finding the queue full is redundant.
const QUEUE: usize = 8;
/// The first delay before reopening a stream when the previous one also ended early.
const REOPEN_FIRST_DELAY: Duration = Duration::from_millis(200);
/// The longest delay between two reopenings of a stream the upstream keeps ending.
const REOPEN_AT_MOST: Duration = Duration::from_secs(30);
/// A stream that lived this long ended normally: the next one is opened at once again.
const LIVED_LONG_ENOUGH: Duration = Duration::from_secs(10);
/// The least time an update relayed by the old stream is looked for on the new one.
const ECHO_WINDOW_AT_LEAST: Duration = Duration::from_millis(250);
/// The most updates remembered from one change of stream (past it, a few may arrive twice).
const MAX_ECHOES: usize = 256;

/// The filter the upstream acknowledged, or why the stream could not be opened.
type Reconciled = Result<SubscriptionFilter, String>;
/// A request to bring the stream in line with the sessions, answered when done (or not at all).
type Reconcile = Option<oneshot::Sender<Reconciled>>;

/// The proxy's end of its upstream's stream: the way to the task that owns it.
#[derive(Default)]
pub(super) struct UpstreamListen {
    task: Mutex<Option<mpsc::Sender<Reconcile>>>,
}

impl UpstreamListen {
    /// Starts the task owning the stream of a new connection (`peer`, which declared
    /// `declared`); the previous connection's task ends.
    pub fn start(
        &self,
        peer: Peer<RoleClient>,
        declared: &ServerCapabilities,
        listeners: Arc<Listeners>,
        timeout: Duration,
    ) {
        let (sender, requests) = mpsc::channel(QUEUE);
        let owner = StreamOwner {
            peer,
            offered: Offered::of(declared),
            listeners,
            timeout,
            current: None,
            reopen: Reopen::default(),
            echoes: Echoes::default(),
        };
        tokio::spawn(owner.run(requests));
        if let Ok(mut task) = self.task.lock() {
            *task = Some(sender);
        }
        self.poke();
    }

    /// Brings the stream in line with the sessions and waits (at most `timeout`) for the
    /// upstream's acknowledgment: the filter it accepted.
    pub async fn reconcile(&self, timeout: Duration) -> Reconciled {
        let sender = self
            .sender()
            .ok_or("no connection to the upstream listens")?;
        let (answer, answered) = oneshot::channel();
        let asked = async {
            sender
                .send(Some(answer))
                .await
                .map_err(|_| "the upstream's stream ended".to_owned())?;
            answered
                .await
                .map_err(|_| "the upstream's stream ended".to_owned())?
        };
        tokio::time::timeout(timeout, asked)
            .await
            .map_err(|_| "the upstream did not acknowledge the subscription in time".to_owned())?
    }

    /// Asks for the stream to be brought in line, without waiting.
    pub fn poke(&self) {
        if let Some(sender) = self.sender() {
            // A full queue already holds a reconciliation that will see this change.
            let _ = sender.try_send(None);
        }
    }

    fn sender(&self) -> Option<mpsc::Sender<Reconcile>> {
        self.task.lock().ok().and_then(|task| task.clone())
    }
}

/// The notifications the upstream declared it sends.
struct Offered {
    tools: bool,
    prompts: bool,
    resources: bool,
    updates: bool,
    tasks: bool,
}

/// What one stream is opened for: rmcp's filter, and the upstream tasks it names.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Asked {
    filter: SubscriptionFilter,
    task_ids: Vec<String>,
}

impl Asked {
    fn is_nothing(&self) -> bool {
        self.filter == SubscriptionFilter::default() && self.task_ids.is_empty()
    }
}

impl Offered {
    fn of(declared: &ServerCapabilities) -> Self {
        Self {
            tools: declared
                .tools
                .as_ref()
                .is_some_and(|tools| tools.list_changed == Some(true)),
            prompts: declared
                .prompts
                .as_ref()
                .is_some_and(|prompts| prompts.list_changed == Some(true)),
            resources: declared
                .resources
                .as_ref()
                .is_some_and(|resources| resources.list_changed == Some(true)),
            updates: declared
                .resources
                .as_ref()
                .is_some_and(|resources| resources.subscribe == Some(true)),
            tasks: declared.supports_tasks(),
        }
    }

    /// What to ask the upstream for, given what the sessions want and the tasks watched.
    fn asked(&self, listeners: &Listeners) -> Asked {
        let wanted = listeners.wanted();
        let mut filter = SubscriptionFilter::builder();
        if wanted.anyone {
            if self.tools {
                filter = filter.tools_list_changed();
            }
            if self.prompts {
                filter = filter.prompts_list_changed();
            }
            if self.resources {
                filter = filter.resources_list_changed();
            }
        }
        if self.updates && !wanted.uris.is_empty() {
            filter = filter.resource_subscriptions(wanted.uris);
        }
        let task_ids = if self.tasks {
            listeners.watched_tasks()
        } else {
            Vec::new()
        };
        Asked {
            filter: filter.build(),
            task_ids,
        }
    }
}

/// What woke the stream's owner.
enum Event {
    Reconcile(Reconcile),
    Heard(Result<Option<ServerNotification>, ServiceError>),
    /// The delay before reopening a stream that ended is over.
    Reopen,
    /// The proxy moved to another connection.
    Replaced,
}

/// The open stream, what it was opened for, and since when.
struct Current {
    asked: Asked,
    stream: Subscription,
    opened_at: Instant,
}

/// The task owning one connection's stream.
struct StreamOwner {
    peer: Peer<RoleClient>,
    offered: Offered,
    listeners: Arc<Listeners>,
    timeout: Duration,
    current: Option<Current>,
    reopen: Reopen,
    echoes: Echoes,
}

impl StreamOwner {
    async fn run(mut self, mut requests: mpsc::Receiver<Reconcile>) {
        let mut sweep = tokio::time::interval(SWEEP_EVERY);
        sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let listeners = self.listeners.clone();
        loop {
            let event = tokio::select! {
                request = requests.recv() => request.map_or(Event::Replaced, Event::Reconcile),
                _ = sweep.tick() => Event::Reconcile(None),
                () = listeners.listen_tasks.changed() => Event::Reconcile(None),
                () = self.reopen.due() => Event::Reopen,
                heard = next(&mut self.current) => Event::Heard(heard),
            };
            match event {
                Event::Replaced => return,
                Event::Heard(heard) => self.relay(heard, false),
                Event::Reopen => {
                    self.reopen.clear();
                    if let Err(error) = self.reconcile(false).await {
                        tracing::debug!(%error, "upstream subscriptions/listen stream not reopened");
                    }
                }
                Event::Reconcile(answer) => {
                    let reconciled = self.reconcile(answer.is_some()).await;
                    match answer {
                        // A subscriber that stopped waiting has nothing to be told.
                        Some(answer) => {
                            let _ = answer.send(reconciled);
                        }
                        // Nobody waits to hear it: tried again later.
                        None => {
                            if let Err(error) = reconciled {
                                tracing::debug!(%error, "upstream subscriptions/listen stream not in line");
                            }
                        }
                    }
                }
            }
            if self.peer.is_transport_closed() {
                return;
            }
        }
    }

    /// Passes on what the stream carried (`replaced`: the stream is the old one of a change,
    /// still relayed while the new one opens); a stream that ended is reopened ([`Reopen`]).
    fn relay(&mut self, heard: Result<Option<ServerNotification>, ServiceError>, replaced: bool) {
        match heard {
            Ok(Some(notification)) => {
                if replaced {
                    self.echoes.remember(&notification);
                } else if self.echoes.is_echo(&notification) {
                    return;
                }
                self.listeners.deliver(&notification);
            }
            Ok(None) => {
                tracing::debug!("upstream subscriptions/listen stream ended");
                self.ended();
            }
            Err(error) => {
                tracing::debug!(%error, "upstream subscriptions/listen stream failed");
                self.ended();
            }
        }
    }

    /// The stream ended without being asked to: reopened at once, or after the back-off.
    fn ended(&mut self) {
        let lived = self
            .current
            .take()
            .map(|current| current.opened_at.elapsed());
        self.reopen.after_end(lived);
    }

    /// Opens the stream the sessions now want (relaying the old one meanwhile), or closes it
    /// when they want nothing. `waited`: a caller waits for the answer; otherwise a stream that
    /// ended is not reopened before its back-off is over.
    async fn reconcile(&mut self, waited: bool) -> Reconciled {
        let asked = self.offered.asked(&self.listeners);
        if asked.is_nothing() {
            if let Some(mut current) = self.current.take()
                && let Err(error) = current.stream.cancel().await
            {
                tracing::debug!(%error, "upstream subscriptions/listen stream not cancelled");
            }
            return Ok(asked.filter);
        }
        if let Some(current) = &self.current
            && current.asked == asked
        {
            return Ok(current.stream.acknowledged().clone());
        }
        if !waited && self.current.is_none() && self.reopen.is_pending() {
            return Err("reopened once the back-off is over".to_owned());
        }
        self.listeners.listen_tasks.ask(asked.task_ids.clone());
        let started = Instant::now();
        let peer = self.peer.clone();
        let opening = tokio::time::timeout(self.timeout, peer.listen(asked.filter.clone()));
        tokio::pin!(opening);
        let opened = loop {
            let heard = tokio::select! {
                biased;
                opened = &mut opening => break opened,
                heard = next(&mut self.current) => heard,
            };
            self.relay(heard, true);
        };
        let failure = match opened {
            Ok(Ok(stream)) => {
                let acknowledged = stream.acknowledged().clone();
                self.echoes
                    .look_for_until(Instant::now() + started.elapsed());
                // The old stream, dropped here, is cancelled upstream.
                self.current = Some(Current {
                    asked,
                    stream,
                    opened_at: Instant::now(),
                });
                self.reopen.clear();
                return Ok(acknowledged);
            }
            Ok(Err(error)) => format!("upstream subscriptions/listen failed: {error}"),
            Err(_) => "upstream subscriptions/listen timed out".to_owned(),
        };
        if self.current.is_none() {
            self.reopen.after_end(None);
        }
        Err(failure)
    }
}

/// The next notification of the open stream; never, while none is open.
async fn next(current: &mut Option<Current>) -> Result<Option<ServerNotification>, ServiceError> {
    match current {
        Some(current) => current.stream.next().await,
        None => std::future::pending().await,
    }
}

/// When to reopen a stream that ended, and how many ended early in a row.
#[derive(Default)]
struct Reopen {
    ended_early: u32,
    at: Option<Instant>,
}

impl Reopen {
    /// A stream ended after living `lived` (`None`: it could not be opened at all).
    fn after_end(&mut self, lived: Option<Duration>) {
        if lived.is_some_and(|lived| lived >= LIVED_LONG_ENOUGH) {
            self.ended_early = 0;
        }
        let delay = match self.ended_early {
            0 => Duration::ZERO,
            early => REOPEN_FIRST_DELAY
                .saturating_mul(1_u32 << (early - 1).min(16))
                .min(REOPEN_AT_MOST),
        };
        self.ended_early = self.ended_early.saturating_add(1);
        self.at = Some(Instant::now() + delay);
    }

    /// Whether a reopening waits for its time.
    fn is_pending(&self) -> bool {
        self.at.is_some_and(|at| Instant::now() < at)
    }

    fn clear(&mut self) {
        self.at = None;
    }

    /// Resolves when a reopening is due; never, while none waits.
    async fn due(&self) {
        match self.at {
            Some(at) => tokio::time::sleep_until(at).await,
            None => std::future::pending().await,
        }
    }
}

/// The updates an old stream relayed while its replacement opened, looked for on the new
/// stream until `until`: the upstream sent those to both streams. Updates carry no id, so a
/// notification saying the same thing (the same list changed, the same URI updated) counts as
/// the echo, once per remembered copy.
#[derive(Default)]
struct Echoes {
    relayed: Vec<ServerNotification>,
    until: Option<Instant>,
}

impl Echoes {
    fn remember(&mut self, notification: &ServerNotification) {
        self.forget_if_stale();
        if echo_key(notification).is_some() && self.relayed.len() < MAX_ECHOES {
            self.relayed.push(notification.clone());
        }
    }

    /// The new stream is in place: its echoes arrive within about one more round trip of the
    /// listen request (`until` is that far), at least [`ECHO_WINDOW_AT_LEAST`] from now.
    fn look_for_until(&mut self, until: Instant) {
        self.until = Some(until.max(Instant::now() + ECHO_WINDOW_AT_LEAST));
    }

    /// Whether `notification` of the new stream repeats one the old stream relayed (each
    /// remembered one is matched once).
    fn is_echo(&mut self, notification: &ServerNotification) -> bool {
        self.forget_if_stale();
        let Some(key) = echo_key(notification) else {
            return false;
        };
        match self
            .relayed
            .iter()
            .position(|relayed| echo_key(relayed) == Some(key))
        {
            Some(index) => {
                self.relayed.swap_remove(index);
                true
            }
            None => false,
        }
    }

    fn forget_if_stale(&mut self) {
        if self.until.is_some_and(|until| Instant::now() >= until) {
            self.relayed.clear();
            self.until = None;
        }
    }
}

/// What an update says, to tell two copies of it: the kind of list that changed, or the URI.
fn echo_key(notification: &ServerNotification) -> Option<(&'static str, &str)> {
    match notification {
        ServerNotification::ToolListChangedNotification(_) => Some(("tools", "")),
        ServerNotification::PromptListChangedNotification(_) => Some(("prompts", "")),
        ServerNotification::ResourceListChangedNotification(_) => Some(("resources", "")),
        ServerNotification::ResourceUpdatedNotification(updated) => {
            Some(("updated", updated.params.uri.as_str()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmcp::model::{
        ResourceUpdatedNotification, ResourceUpdatedNotificationParam, ToolListChangedNotification,
    };

    fn updated(uri: &str) -> ServerNotification {
        ServerNotification::ResourceUpdatedNotification(ResourceUpdatedNotification::new(
            ResourceUpdatedNotificationParam::new(uri),
        ))
    }

    fn tools_changed() -> ServerNotification {
        ServerNotification::ToolListChangedNotification(ToolListChangedNotification::default())
    }

    #[tokio::test]
    async fn an_update_both_streams_carried_is_relayed_once() {
        let mut echoes = Echoes::default();
        echoes.remember(&updated("mem://a"));
        echoes.remember(&tools_changed());
        echoes.look_for_until(Instant::now() + Duration::from_millis(10));
        // The copies the new stream carries are dropped, once each.
        assert!(echoes.is_echo(&updated("mem://a")));
        assert!(echoes.is_echo(&tools_changed()));
        assert!(!echoes.is_echo(&updated("mem://a")));
        assert!(!echoes.is_echo(&updated("mem://b")));
        // Past the window, nothing remembered is dropped.
        echoes.remember(&updated("mem://c"));
        echoes.look_for_until(Instant::now());
        tokio::time::sleep(ECHO_WINDOW_AT_LEAST + Duration::from_millis(20)).await;
        assert!(!echoes.is_echo(&updated("mem://c")));
    }

    #[test]
    fn a_stream_that_keeps_ending_is_reopened_later_and_later() {
        let mut reopen = Reopen::default();
        let delays: Vec<Duration> = (0..12)
            .map(|_| {
                let before = Instant::now();
                reopen.after_end(Some(Duration::from_millis(5)));
                reopen.at.unwrap() - before
            })
            .collect();
        // Within a millisecond of each expected delay (the clock runs meanwhile).
        let about = |delay: Duration, expected: Duration| {
            delay >= expected && delay < expected + Duration::from_millis(1)
        };
        assert!(
            about(delays[0], Duration::ZERO),
            "the first end reopens at once"
        );
        assert!(about(delays[1], REOPEN_FIRST_DELAY), "{delays:?}");
        assert!(about(delays[2], REOPEN_FIRST_DELAY * 2), "{delays:?}");
        assert!(about(delays[11], REOPEN_AT_MOST), "{delays:?}");
        assert!(reopen.is_pending());
        // A stream that lived long enough resets it.
        reopen.after_end(Some(LIVED_LONG_ENOUGH));
        assert!(!reopen.is_pending());
    }
}
