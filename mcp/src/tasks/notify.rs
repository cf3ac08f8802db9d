//! `notifications/tasks`: a task's status changes, sent to the caller that owns the task and to nobody else.
//!
//! A task publishes its latest status on a [`StatusFeed`] (the gateway's own tasks at every
//! change, a forwarded one when its upstream sends `notifications/tasks`). One relay per task
//! reads the feed and tells the task's [`Audience`]: the session-era session that started it,
//! and the owner's `subscriptions/listen` streams on the route that shows the task (a stream
//! that declared the tasks extension), each under the id that route shows. The feed keeps only
//! the latest status, so a slow caller skips statuses rather than queueing them; the relay
//! ends with the task's last status, or [`PAST_TTL`] after its TTL (a task of the gateway's
//! own that reaches its TTL unfinished ends `failed` then, and that is told too).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::model::{
    DetailedTask, GetMeta, RequestId, ServerNotification, TaskStatusNotification,
    TaskStatusNotificationParams,
};
use rmcp::service::{Peer, RoleServer};
use tokio::sync::{mpsc, watch};

use super::{TaskOwner, lock};
use crate::caller_requests::answers_mid_call;
use crate::tool_server::CallerNotifier;

/// The most listen streams one owner may have taking task notifications at once; a further
/// one still listens to everything else, only not to tasks.
const MAX_STREAMS_PER_OWNER: usize = 16;
/// How many notifications may wait for one listen stream; past it they are dropped (the
/// caller's `tasks/get` still tells the truth).
const STREAM_BACKLOG: usize = 32;
/// How long a relay outlives its task's TTL: the last status of a task that expired is
/// published at the TTL itself, and must not race the relay's own end.
pub(super) const PAST_TTL: Duration = Duration::from_secs(2);

/// Where a task's statuses are published; cheap to clone.
#[derive(Clone)]
pub(crate) struct StatusFeed(Arc<watch::Sender<Option<DetailedTask>>>);

impl StatusFeed {
    pub fn new() -> Self {
        Self(Arc::new(watch::Sender::new(None)))
    }

    /// Publishes `task` as the task's current status (under any id: the relay renames it).
    pub fn publish(&self, task: DetailedTask) {
        self.0.send_replace(Some(task));
    }

    /// Publishes `task` unless the feed holds exactly it already: an upstream may send the same
    /// status twice (on two listen streams while one replaces the other), the owner hears it once.
    pub fn publish_changed(&self, task: DetailedTask) {
        self.0.send_if_modified(|current| {
            if current.as_ref() == Some(&task) {
                return false;
            }
            *current = Some(task);
            true
        });
    }

    /// Whether nobody relays the feed any more: its task ended or expired.
    pub fn is_closed(&self) -> bool {
        self.0.is_closed()
    }
}

/// Who hears about one task.
pub(crate) struct Audience {
    pub owner: TaskOwner,
    /// The route that shows the task (`View::route_key`).
    pub route: String,
    /// The id that route shows the task by.
    pub shown_id: String,
    /// The session-era session whose call started the task; `None` for a 2026-07-28 caller,
    /// whose request ended with the task handle.
    pub session: Option<Peer<RoleServer>>,
}

/// The session of the caller `notifier` reaches, when it outlives the call (the session era).
pub(crate) fn session_of(notifier: &CallerNotifier) -> Option<Peer<RoleServer>> {
    match notifier {
        CallerNotifier::Session(peer, _) if answers_mid_call(notifier) => Some(peer.clone()),
        _ => None,
    }
}

/// The listen streams that take task notifications, by owner and route.
#[derive(Default)]
pub(crate) struct TaskStreams {
    streams: Mutex<Vec<Stream>>,
}

struct Stream {
    owner: TaskOwner,
    route: String,
    sender: mpsc::Sender<DetailedTask>,
}

impl TaskStreams {
    /// Registers a listen stream of `owner` on `route`; what it should send, or `None` when
    /// the owner already has the most streams it may. Dropping the receiver unregisters it.
    pub fn open(&self, owner: TaskOwner, route: String) -> Option<mpsc::Receiver<DetailedTask>> {
        let mut streams = lock(&self.streams);
        streams.retain(|stream| !stream.sender.is_closed());
        let held = streams
            .iter()
            .filter(|stream| stream.owner == owner)
            .count();
        if held >= MAX_STREAMS_PER_OWNER {
            return None;
        }
        let (sender, receiver) = mpsc::channel(STREAM_BACKLOG);
        streams.push(Stream {
            owner,
            route,
            sender,
        });
        Some(receiver)
    }

    /// Queues `task` on every open stream of `owner` on `route`.
    fn deliver(&self, owner: &TaskOwner, route: &str, task: &DetailedTask) {
        let streams = lock(&self.streams);
        for stream in streams
            .iter()
            .filter(|stream| &stream.owner == owner && stream.route == route)
        {
            if stream.sender.try_send(task.clone()).is_err() {
                tracing::debug!("task notification dropped: the listen stream is gone or behind");
            }
        }
    }
}

/// Relays what `feed` publishes from now on to `audience`, until the task's last status, the
/// feed's end or [`PAST_TTL`] after `ttl`.
pub(crate) fn relay(
    feed: &StatusFeed,
    audience: Audience,
    streams: Arc<TaskStreams>,
    ttl: Duration,
) {
    let mut changes = feed.0.subscribe();
    tokio::spawn(async move {
        let relaying = async {
            while changes.changed().await.is_ok() {
                let Some(mut task) = changes.borrow_and_update().clone() else {
                    continue;
                };
                audience.shown_id.clone_into(&mut task.task.task_id);
                let ended = task.status().is_terminal();
                audience.tell(&streams, task).await;
                if ended {
                    break;
                }
            }
        };
        if tokio::time::timeout(ttl + PAST_TTL, relaying)
            .await
            .is_err()
        {
            tracing::debug!("task notifications end with the task's ttl");
        }
    });
}

impl Audience {
    async fn tell(&self, streams: &TaskStreams, task: DetailedTask) {
        streams.deliver(&self.owner, &self.route, &task);
        let Some(peer) = self
            .session
            .as_ref()
            .filter(|peer| !peer.is_transport_closed())
        else {
            return;
        };
        if let Err(error) = peer.send_notification(notification(task)).await {
            tracing::debug!(%error, "task notification not sent to its session");
        }
    }
}

/// Sends what `tasks` receives on the `subscriptions/listen` stream `subscription` of `peer`,
/// marked with the stream's id as every notification on it is; ends when the stream's
/// registration does.
pub(crate) async fn stream(
    mut tasks: mpsc::Receiver<DetailedTask>,
    peer: Peer<RoleServer>,
    subscription: RequestId,
) {
    while let Some(task) = tasks.recv().await {
        let mut notification = notification(task);
        notification
            .get_meta_mut()
            .set_subscription_id(subscription.clone());
        if let Err(error) = peer.send_notification(notification).await {
            tracing::debug!(%error, "task notification not sent to its listen stream");
            return;
        }
    }
}

fn notification(task: DetailedTask) -> ServerNotification {
    ServerNotification::TaskStatusNotification(TaskStatusNotification::new(
        TaskStatusNotificationParams::new(task),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::tests::owner;
    use rmcp::model::{Task, TaskPayload, TaskStatus};

    fn detailed(id: &str, payload: TaskPayload) -> DetailedTask {
        let task = Task::new(id, payload.status(), "t0".to_owned(), "t1".to_owned());
        DetailedTask::new(task, payload)
    }

    #[tokio::test]
    async fn only_the_owner_s_streams_on_the_task_s_route_hear_it() {
        let streams = Arc::new(TaskStreams::default());
        let mut mine = streams.open(owner("ga", 1), "aggregated".into()).unwrap();
        let mut same_group = streams.open(owner("ga", 2), "aggregated".into()).unwrap();
        let mut other_route = streams.open(owner("ga", 1), "Public/x".into()).unwrap();
        let feed = StatusFeed::new();
        let audience = Audience {
            owner: owner("ga", 1),
            route: "aggregated".into(),
            shown_id: "everything__abc".into(),
            session: None,
        };
        relay(&feed, audience, streams.clone(), Duration::from_secs(60));
        feed.publish(detailed("abc", TaskPayload::Cancelled));
        let heard = tokio::time::timeout(Duration::from_secs(5), mine.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(heard.task.task_id, "everything__abc");
        assert_eq!(heard.status(), TaskStatus::Cancelled);
        // The relay ended with the task's last status: the feed says so.
        while !feed.is_closed() {
            tokio::task::yield_now().await;
        }
        assert!(same_group.try_recv().is_err());
        assert!(other_route.try_recv().is_err());
    }

    #[test]
    fn streams_per_owner_are_bounded_and_closed_ones_free_their_place() {
        let streams = TaskStreams::default();
        let mut open: Vec<_> = (0..MAX_STREAMS_PER_OWNER)
            .map(|_| streams.open(owner("ga", 1), "r".into()).unwrap())
            .collect();
        assert!(streams.open(owner("ga", 1), "r".into()).is_none());
        assert!(streams.open(owner("gb", 1), "r".into()).is_some());
        open.pop();
        assert!(streams.open(owner("ga", 1), "r".into()).is_some());
    }

    #[tokio::test]
    async fn a_full_stream_drops_rather_than_grows() {
        let streams = TaskStreams::default();
        let mut receiver = streams.open(owner("ga", 1), "r".into()).unwrap();
        for _ in 0..STREAM_BACKLOG + 5 {
            streams.deliver(&owner("ga", 1), "r", &detailed("abc", TaskPayload::Working));
        }
        let mut queued = 0;
        while receiver.try_recv().is_ok() {
            queued += 1;
        }
        assert_eq!(queued, STREAM_BACKLOG);
    }
}
