//! A 2026-07-28 upstream's `subscriptions/listen` stream: opened for the proxy's listening sessions, narrowed as they go, relayed to them.
//!
//! A session-era upstream takes `resources/subscribe` per URI and sends list changes on the
//! session's own stream. A 2026-07-28 upstream sends both only on a `subscriptions/listen`
//! stream whose filter names everything its client wants. So the proxy keeps one such stream
//! per upstream (on its connection that declares nothing), its filter what the listening
//! sessions want together (`Listeners::wanted`): the list changes the upstream declares, while
//! any session listens, and every URI some session subscribed to. When that changes, a stream
//! with the new filter is opened, the old one relayed until it is acknowledged, then dropped
//! (rmcp cancels it upstream): a notification sent on both in that moment may reach a session
//! twice, which a hint to read again tolerates. Nobody listening: no stream.
//!
//! One task per connection owns the stream, so its filter changes one at a time. Sessions that
//! end without unsubscribing, and a stream the upstream ended, are noticed within
//! [`SWEEP_EVERY`].

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::model::{ServerCapabilities, ServerNotification, SubscriptionFilter};
use rmcp::service::{Peer, RoleClient, ServiceError, Subscription};
use tokio::sync::{mpsc, oneshot};

use super::listeners::Listeners;

/// How often the stream's filter is compared with what the sessions still want.
const SWEEP_EVERY: Duration = Duration::from_secs(5);
/// Reconciliations waiting for the stream's task; a poke finding the queue full is redundant.
const QUEUE: usize = 8;

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
        }
    }

    /// What to ask the upstream for, given what the sessions want (empty: nothing).
    fn filter(&self, listeners: &Listeners) -> SubscriptionFilter {
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
        filter.build()
    }
}

/// What woke the stream's owner.
enum Event {
    Reconcile(Reconcile),
    Heard(Result<Option<ServerNotification>, ServiceError>),
    /// The proxy moved to another connection.
    Replaced,
}

/// The task owning one connection's stream.
struct StreamOwner {
    peer: Peer<RoleClient>,
    offered: Offered,
    listeners: Arc<Listeners>,
    timeout: Duration,
    /// The open stream and the filter it was opened with.
    current: Option<(SubscriptionFilter, Subscription)>,
}

impl StreamOwner {
    async fn run(mut self, mut requests: mpsc::Receiver<Reconcile>) {
        let mut sweep = tokio::time::interval(SWEEP_EVERY);
        sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let event = tokio::select! {
                request = requests.recv() => request.map_or(Event::Replaced, Event::Reconcile),
                _ = sweep.tick() => Event::Reconcile(None),
                heard = next(&mut self.current) => Event::Heard(heard),
            };
            match event {
                Event::Replaced => return,
                Event::Heard(heard) => self.relay(heard),
                Event::Reconcile(answer) => {
                    let reconciled = self.reconcile().await;
                    match answer {
                        // A subscriber that stopped waiting has nothing to be told.
                        Some(answer) => {
                            let _ = answer.send(reconciled);
                        }
                        // Nobody waits to hear it: tried again at the next sweep.
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

    /// Passes on what the stream carried; a stream that ended is reopened by the next sweep
    /// (not at once: an upstream that ends every stream would be asked in a loop).
    fn relay(&mut self, heard: Result<Option<ServerNotification>, ServiceError>) {
        match heard {
            Ok(Some(notification)) => self.listeners.deliver(&notification),
            Ok(None) => {
                tracing::debug!("upstream subscriptions/listen stream ended");
                self.current = None;
            }
            Err(error) => {
                tracing::debug!(%error, "upstream subscriptions/listen stream failed");
                self.current = None;
            }
        }
    }

    /// Opens the stream the sessions now want (relaying the old one meanwhile), or closes it
    /// when they want nothing.
    async fn reconcile(&mut self) -> Reconciled {
        let wanted = self.offered.filter(&self.listeners);
        if wanted == SubscriptionFilter::default() {
            if let Some((_, mut stream)) = self.current.take()
                && let Err(error) = stream.cancel().await
            {
                tracing::debug!(%error, "upstream subscriptions/listen stream not cancelled");
            }
            return Ok(wanted);
        }
        if let Some((filter, stream)) = &self.current
            && *filter == wanted
        {
            return Ok(stream.acknowledged().clone());
        }
        let peer = self.peer.clone();
        let opening = tokio::time::timeout(self.timeout, peer.listen(wanted.clone()));
        tokio::pin!(opening);
        let opened = loop {
            let heard = tokio::select! {
                biased;
                opened = &mut opening => break opened,
                heard = next(&mut self.current) => heard,
            };
            self.relay(heard);
        };
        match opened {
            Ok(Ok(stream)) => {
                let acknowledged = stream.acknowledged().clone();
                // The old stream, dropped here, is cancelled upstream.
                self.current = Some((wanted, stream));
                Ok(acknowledged)
            }
            Ok(Err(error)) => Err(format!("upstream subscriptions/listen failed: {error}")),
            Err(_) => Err("upstream subscriptions/listen timed out".to_owned()),
        }
    }
}

/// The next notification of the open stream; never, while none is open.
async fn next(
    current: &mut Option<(SubscriptionFilter, Subscription)>,
) -> Result<Option<ServerNotification>, ServiceError> {
    match current {
        Some((_, stream)) => stream.next().await,
        None => std::future::pending().await,
    }
}
