//! An upstream's notifications for the downstream sessions that listen: `list_changed` to every
//! session that used the server, `resources/updated` to those subscribed to the URI; the
//! registry of those sessions and the transport wrapper that reads the notifications.
//!
//! One upstream connection serves every session of a group, so the proxy subscribes upstream
//! once per URI (on the first downstream subscription) and unsubscribes when the last one goes.
//! A 2026-07-28 upstream sends these notifications only on a `subscriptions/listen` stream,
//! which `upstream_listen.rs` opens for what the registry wants and relays from.
//! An upstream's `notifications/tasks` go only to the feed of the caller that owns the task
//! (see `crate::tasks`), by the upstream's task id; any other task id is dropped, and so is a
//! status the feed already has (a stream being replaced may carry it twice). A 2026-07-28
//! upstream sends them on the listen stream, asked for by `listen_tasks.rs`.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use rmcp::model::{GetMeta, JsonRpcMessage, ServerNotification};
use rmcp::service::{RoleClient, RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;

use super::listen_tasks::ListenTasks;
use crate::tasks::StatusFeed;
use crate::tool_server::Listener;

/// The most downstream sessions one upstream connection remembers; closed sessions are dropped
/// first, and past it a new session is not registered (it still gets its answers, only not
/// the upstream's notifications).
const MAX_LISTENERS: usize = 4096;
/// The most URIs one session may be subscribed to on one server.
const MAX_SUBSCRIPTIONS_PER_SESSION: usize = 256;
/// The most distinct URIs the sessions of one upstream connection may be subscribed to: a
/// 2026-07-28 upstream is sent all of them in one `subscriptions/listen` filter.
const MAX_SUBSCRIBED_URIS: usize = 1024;
/// The most upstream tasks one server watches for their owners; feeds nobody relays any more
/// are dropped first, and past it a new task is not watched (its owner still polls it).
const MAX_WATCHED_TASKS: usize = 4096;

struct Entry {
    listener: Listener,
    /// Upstream URIs (without any aggregated prefix).
    subscriptions: BTreeSet<String>,
}

/// The sessions listening to one upstream connection.
#[derive(Default)]
pub(crate) struct Listeners {
    sessions: Mutex<HashMap<u64, Entry>>,
    /// The feeds of the upstream's tasks, by the upstream's task id.
    tasks: Mutex<HashMap<String, StatusFeed>>,
    /// The tasks a 2026-07-28 upstream's listen stream names.
    pub(super) listen_tasks: ListenTasks,
    /// How many `tools/list_changed` the upstream sent: what a cache of its listing compares.
    tool_list_changes: AtomicU64,
}

/// What the listening sessions want of the upstream.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Wanted {
    /// Whether any session listens (and so wants the list changes).
    pub anyone: bool,
    /// The URIs some session is subscribed to, sorted, each once.
    pub uris: Vec<String>,
}

/// What a subscription change means upstream.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Upstream {
    /// The first session subscribed to the URI (or the last one left): tell the upstream.
    Changed,
    /// Others already (still) subscribe: nothing to send.
    Unchanged,
}

impl Listeners {
    /// Registers `listener` (once per session) for the server's `list_changed` notifications;
    /// true when its session was not registered yet.
    pub fn listen(&self, listener: Listener) -> bool {
        let Ok(mut sessions) = self.sessions.lock() else {
            return false;
        };
        let known = sessions.contains_key(&listener.session);
        Self::insert(&mut sessions, listener) && !known
    }

    /// Subscribes `listener` to `uri`.
    pub fn subscribe(&self, uri: &str, listener: Listener) -> Result<Upstream, String> {
        let mut sessions = self
            .sessions
            .lock()
            .map_err(|_| "listener registry poisoned".to_owned())?;
        let already = sessions
            .values()
            .any(|entry| entry.subscriptions.contains(uri));
        if !already {
            sessions.retain(|_, entry| !entry.listener.is_closed());
            let distinct: BTreeSet<&String> = sessions
                .values()
                .flat_map(|entry| entry.subscriptions.iter())
                .collect();
            if distinct.len() >= MAX_SUBSCRIBED_URIS {
                return Err(format!(
                    "at most {MAX_SUBSCRIBED_URIS} resources of this server may be subscribed to"
                ));
            }
        }
        let session = listener.session;
        if !Self::insert(&mut sessions, listener) {
            return Err("too many sessions listen to this server".to_owned());
        }
        let entry = sessions
            .get_mut(&session)
            .ok_or_else(|| "session not registered".to_owned())?;
        if entry.subscriptions.len() >= MAX_SUBSCRIPTIONS_PER_SESSION
            && !entry.subscriptions.contains(uri)
        {
            return Err(format!(
                "at most {MAX_SUBSCRIPTIONS_PER_SESSION} subscriptions per session"
            ));
        }
        entry.subscriptions.insert(uri.to_owned());
        Ok(if already {
            Upstream::Unchanged
        } else {
            Upstream::Changed
        })
    }

    pub fn unsubscribe(&self, uri: &str, session: u64) -> Upstream {
        let Ok(mut sessions) = self.sessions.lock() else {
            return Upstream::Unchanged;
        };
        let removed = sessions
            .get_mut(&session)
            .is_some_and(|entry| entry.subscriptions.remove(uri));
        let still = sessions
            .values()
            .any(|entry| entry.subscriptions.contains(uri));
        if removed && !still {
            Upstream::Changed
        } else {
            Upstream::Unchanged
        }
    }

    /// `feed` hears the upstream's status notifications for its task `id`.
    pub fn watch_task(&self, id: &str, feed: StatusFeed) {
        let Ok(mut tasks) = self.tasks.lock() else {
            return;
        };
        if tasks.len() >= MAX_WATCHED_TASKS {
            tasks.retain(|_, feed| !feed.is_closed());
            if tasks.len() >= MAX_WATCHED_TASKS {
                tracing::debug!("upstream task not watched: too many are");
                return;
            }
        }
        tasks.insert(id.to_owned(), feed);
        drop(tasks);
        self.listen_tasks.touch();
    }

    /// The upstream tasks some caller still hears about, sorted: what a listen stream asks for.
    pub fn watched_tasks(&self) -> Vec<String> {
        let Ok(mut tasks) = self.tasks.lock() else {
            return Vec::new();
        };
        tasks.retain(|_, feed| !feed.is_closed());
        let mut ids: Vec<String> = tasks.keys().cloned().collect();
        ids.sort_unstable();
        ids
    }

    /// How many `tools/list_changed` the upstream sent so far.
    pub fn tool_list_changes(&self) -> u64 {
        self.tool_list_changes.load(Ordering::Relaxed)
    }

    /// Publishes an upstream's `notifications/tasks` to the feed of its task, if watched; the
    /// task's last status ends the watch.
    fn task_status(&self, task: &rmcp::model::DetailedTask) {
        let Ok(mut tasks) = self.tasks.lock() else {
            return;
        };
        let id = &task.task.task_id;
        if task.status().is_terminal() {
            if let Some(feed) = tasks.remove(id) {
                feed.publish_changed(task.clone());
                drop(tasks);
                self.listen_tasks.touch();
            }
        } else if let Some(feed) = tasks.get(id) {
            feed.publish_changed(task.clone());
        }
    }

    /// Every URI some live session is subscribed to: re-subscribed on a new upstream connection.
    pub fn subscribed_uris(&self) -> Vec<String> {
        self.wanted().uris
    }

    /// What the live sessions want of the upstream, closed sessions forgotten first.
    pub fn wanted(&self) -> Wanted {
        let Ok(mut sessions) = self.sessions.lock() else {
            return Wanted::default();
        };
        sessions.retain(|_, entry| !entry.listener.is_closed());
        let uris: BTreeSet<&String> = sessions
            .values()
            .flat_map(|entry| entry.subscriptions.iter())
            .collect();
        Wanted {
            anyone: !sessions.is_empty(),
            uris: uris.into_iter().cloned().collect(),
        }
    }

    /// Sends `notification` to the sessions it concerns, in a task of its own so a slow session
    /// never holds up the upstream's stream.
    pub(super) fn deliver(&self, notification: &ServerNotification) {
        match notification {
            ServerNotification::ToolListChangedNotification(_) => {
                self.tool_list_changes.fetch_add(1, Ordering::Relaxed);
            }
            ServerNotification::ResourceUpdatedNotification(_)
            | ServerNotification::ResourceListChangedNotification(_)
            | ServerNotification::PromptListChangedNotification(_) => {}
            // Anything else is not every listening session's business.
            _ => return,
        }
        let recipients: Vec<Listener> = {
            let Ok(mut sessions) = self.sessions.lock() else {
                return;
            };
            sessions.retain(|_, entry| !entry.listener.is_closed());
            sessions
                .values()
                .filter(|entry| match notification {
                    ServerNotification::ResourceUpdatedNotification(updated) => {
                        entry.subscriptions.contains(&updated.params.uri)
                    }
                    _ => true,
                })
                .map(|entry| entry.listener.clone())
                .collect()
        };
        if recipients.is_empty() {
            return;
        }
        let notification = notification.clone();
        tokio::spawn(async move {
            for listener in recipients {
                if let Err(error) = listener.send(notification.clone()).await {
                    tracing::debug!(%error, "upstream notification not forwarded");
                }
            }
        });
    }

    /// Inserts `listener` unless its session is known; false when the registry is full.
    fn insert(sessions: &mut HashMap<u64, Entry>, listener: Listener) -> bool {
        if let Some(entry) = sessions.get_mut(&listener.session) {
            // The same session may come back through another route of the same server.
            entry.listener = listener;
            return true;
        }
        if sessions.len() >= MAX_LISTENERS {
            sessions.retain(|_, entry| !entry.listener.is_closed());
            if sessions.len() >= MAX_LISTENERS {
                return false;
            }
        }
        sessions.insert(
            listener.session,
            Entry {
                listener,
                subscriptions: BTreeSet::new(),
            },
        );
        true
    }
}

/// Wraps an upstream transport: list changes and resource updates go to the listening sessions
/// as they are read, and on to rmcp's client too (its list caches drop on a change). Those of a
/// `subscriptions/listen` stream (they name it in `_meta`) are relayed by the stream's owner
/// (`upstream_listen.rs`), which knows which of its streams is current.
pub(super) struct NotificationRelay<T> {
    pub inner: T,
    pub listeners: Arc<Listeners>,
}

impl<T: Transport<RoleClient>> Transport<RoleClient> for NotificationRelay<T> {
    type Error = T::Error;

    fn send(
        &mut self,
        item: TxJsonRpcMessage<RoleClient>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        self.inner.send(self.listeners.listen_tasks.rewrite(item))
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleClient>> {
        loop {
            let message = self.inner.receive().await?;
            if let Some(message) = self.heard(message) {
                return Some(message);
            }
        }
    }

    fn close(&mut self) -> impl Future<Output = Result<(), Self::Error>> + Send {
        self.inner.close()
    }
}

impl<T> NotificationRelay<T> {
    /// Relays what `message` tells the listening sessions; what rmcp should read of it (a task
    /// notification of a listen stream is the relay's alone: rmcp would end the stream over it).
    fn heard(&self, message: RxJsonRpcMessage<RoleClient>) -> Option<RxJsonRpcMessage<RoleClient>> {
        if let JsonRpcMessage::Notification(notification) = &message
            && notification
                .notification
                .get_meta()
                .subscription_id()
                .is_none()
            && matches!(
                notification.notification,
                ServerNotification::ResourceUpdatedNotification(_)
                    | ServerNotification::ResourceListChangedNotification(_)
                    | ServerNotification::ToolListChangedNotification(_)
                    | ServerNotification::PromptListChangedNotification(_)
            )
        {
            self.listeners.deliver(&notification.notification);
        }
        if let JsonRpcMessage::Notification(notification) = &message
            && let ServerNotification::TaskStatusNotification(status) = &notification.notification
        {
            self.listeners.task_status(&status.params.task);
            if notification
                .notification
                .get_meta()
                .subscription_id()
                .is_some()
            {
                return None;
            }
        }
        Some(message)
    }
}
