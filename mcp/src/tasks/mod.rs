//! Tasks (the `io.modelcontextprotocol/tasks` extension, SEP-2663) of the servers the gateway runs itself: state, ownership, TTL.
//!
//! A task-augmented `tools/call` returns a task handle at once and runs in the background
//! (`run.rs`); the caller polls `tasks/get`, answers the tool's questions with `tasks/update` and
//! may `tasks/cancel` (`route.rs`). The state lives here, in memory: per server, per owner (the
//! creating token of its group), bounded in count and in time. A task of another owner, of
//! another server than the route's, or past its TTL is answered exactly like one that never
//! existed, so ids cannot be probed. Each status change is also told to its owner
//! (`notifications/tasks`, `notify.rs`), the last one of a task that reached its TTL
//! unfinished included (it ends `failed`, see [`TaskEntry::expire`]).

mod forwarded;
mod notify;
mod route;
mod run;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};
use rmcp::ErrorData;
use rmcp::model::{
    DetailedTask, ErrorCode, InputRequests, InputResponses, JsonObject, Task, TaskPayload,
};
use tenancy::Caller;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use forwarded::ForwardedTasks;
pub(crate) use forwarded::NotAdopted;
use notify::TaskStreams;
pub(crate) use notify::{Audience, StatusFeed, session_of, stream};
pub(crate) use run::{Decision, TaskSupport, decide, missing_capability, start};

/// How long a task is kept from its creation (its `ttlMs`), and how many one owner may hold on
/// one server: tasks are memory the caller allocates, so both are bounded.
#[derive(Debug, Clone, Copy)]
pub struct TaskLimits {
    pub ttl: Duration,
    pub max_per_owner: usize,
}

impl Default for TaskLimits {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(10 * 60),
            max_per_owner: 64,
        }
    }
}

/// How often a client should poll `tasks/get` (`pollIntervalMs`).
const POLL_INTERVAL_MS: u64 = 250;

/// Who created a task: only the same token of the same group reads, answers or cancels it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct TaskOwner {
    group_id: String,
    token_id: i64,
}

impl TaskOwner {
    pub fn of(caller: &Caller) -> Self {
        Self {
            group_id: caller.group_id.clone(),
            token_id: caller.token_id,
        }
    }
}

/// Every task of this process, by its server-side id.
pub(crate) struct TaskRegistry {
    limits: TaskLimits,
    tasks: Mutex<HashMap<String, Arc<TaskEntry>>>,
    /// Cancelled when the service shuts down: every task's call stops with it.
    shutdown: CancellationToken,
    /// The owners of tasks proxied upstreams run, under the same limits.
    pub forwarded: ForwardedTasks,
    /// The owners' listen streams that hear about their tasks.
    pub streams: Arc<TaskStreams>,
}

impl TaskRegistry {
    pub fn new(limits: TaskLimits, shutdown: CancellationToken) -> Self {
        Self {
            limits,
            tasks: Mutex::default(),
            shutdown,
            forwarded: ForwardedTasks::new(limits),
            streams: Arc::default(),
        }
    }

    /// Tells `audience` each status `feed` publishes from now on, for at most the tasks' TTL.
    pub fn notify(&self, feed: &StatusFeed, audience: Audience) {
        notify::relay(feed, audience, self.streams.clone(), self.limits.ttl);
    }

    /// A new working task of `owner` on `server_id`, or an error when the owner holds the most
    /// it may there.
    pub fn create(&self, server_id: &str, owner: TaskOwner) -> Result<Arc<TaskEntry>, ErrorData> {
        let mut tasks = self.swept();
        let held = tasks
            .values()
            .filter(|task| task.server_id == server_id && task.owner == owner)
            .count();
        if held >= self.limits.max_per_owner {
            return Err(too_many_tasks(held));
        }
        let id = uuid::Uuid::new_v4().simple().to_string();
        let now = timestamp();
        let entry = Arc::new(TaskEntry {
            id: id.clone(),
            server_id: server_id.to_owned(),
            owner,
            created: Instant::now(),
            created_at: now.clone(),
            ttl: self.limits.ttl,
            cancel: self.shutdown.child_token(),
            state: Mutex::new(TaskState {
                payload: TaskPayload::Working,
                updated_at: now,
                answers: InputResponses::new(),
                status_message: None,
            }),
            answered: Notify::new(),
            feed: StatusFeed::new(),
        });
        tasks.insert(id, entry.clone());
        Ok(entry)
    }

    /// The task `id` of `owner` on `server_id`, if it exists and has not expired.
    pub fn find(&self, server_id: &str, owner: &TaskOwner, id: &str) -> Option<Arc<TaskEntry>> {
        self.swept()
            .get(id)
            .filter(|task| task.server_id == server_id && &task.owner == owner)
            .cloned()
    }

    /// The map without the tasks past their TTL; an expired task still running is cancelled.
    fn swept(&self) -> MutexGuard<'_, HashMap<String, Arc<TaskEntry>>> {
        let mut tasks = lock(&self.tasks);
        tasks.retain(|_, task| {
            let alive = task.created.elapsed() < task.ttl;
            if !alive {
                task.cancel.cancel();
            }
            alive
        });
        tasks
    }
}

/// One task: fixed facts and its changing state.
pub(crate) struct TaskEntry {
    pub id: String,
    server_id: String,
    owner: TaskOwner,
    created: Instant,
    created_at: String,
    ttl: Duration,
    /// Cancelled by `tasks/cancel`, by expiry, or at shutdown: stops the tool call.
    pub cancel: CancellationToken,
    state: Mutex<TaskState>,
    /// Wakes the waiting tool call when `tasks/update` answered something.
    answered: Notify,
    /// Where each status change is published for `notifications/tasks`.
    pub feed: StatusFeed,
}

struct TaskState {
    payload: TaskPayload,
    updated_at: String,
    /// Answers collected for the input requests of the current round.
    answers: InputResponses,
    /// Why the task is as it is, when the status alone does not say (an expired task).
    status_message: Option<String>,
}

impl TaskEntry {
    /// The task as `tasks/get` shows it, under the id the caller knows it by.
    pub fn detailed(&self, shown_id: &str) -> DetailedTask {
        let state = lock(&self.state);
        let ttl_ms = u64::try_from(self.ttl.as_millis()).unwrap_or(u64::MAX);
        let task = Task::new(
            shown_id,
            state.payload.status(),
            self.created_at.clone(),
            state.updated_at.clone(),
        )
        .with_ttl_ms(ttl_ms)
        .with_poll_interval_ms(POLL_INTERVAL_MS);
        let task = match &state.status_message {
            Some(message) => task.with_status_message(message.clone()),
            None => task,
        };
        DetailedTask::new(task, state.payload.clone())
    }

    /// When the task reaches its TTL (`ttlMs` from its creation).
    pub fn expires_at(&self) -> tokio::time::Instant {
        tokio::time::Instant::from_std(self.created + self.ttl)
    }

    /// The task reached its TTL unfinished: it ends `failed`, its owner hears so, and its call
    /// stops. The tasks extension lets a server mark a task `failed` once its TTL elapsed and
    /// delete it then; it has no status of its own for expiry, and a task that vanished
    /// without a last status would leave a caller that waits on notifications waiting forever.
    /// The error is the gateway's refusal code with `data.type: "task_expired"`: a bound of
    /// the gateway (`tasks.ttl`) ended it, as a limit refuses a call, not a fault of the tool.
    pub fn expire(&self) {
        let ttl_ms = u64::try_from(self.ttl.as_millis()).unwrap_or(u64::MAX);
        let message = format!(
            "the task reached its ttl of {ttl_ms} ms before it ended: it was stopped and is \
             dropped"
        );
        let mut state = lock(&self.state);
        let live = !state.payload.status().is_terminal();
        if live {
            let error = ErrorData::new(
                ErrorCode(crate::handler::REFUSED_CODE),
                message.clone(),
                Some(serde_json::json!({"type": "task_expired", "ttlMs": ttl_ms})),
            );
            state.payload = TaskPayload::Failed {
                error: json_object(&error),
            };
            state.status_message = Some(message);
            state.updated_at = timestamp();
        }
        drop(state);
        if live {
            self.changed();
        }
        self.cancel.cancel();
    }

    /// Ends the task with `payload` (completed or failed), unless it already ended (a
    /// cancellation wins over the call's late outcome).
    pub fn finish(&self, payload: TaskPayload) {
        let mut state = lock(&self.state);
        if !state.payload.status().is_terminal() {
            state.payload = payload;
            state.updated_at = timestamp();
            drop(state);
            self.changed();
        }
    }

    /// Publishes the task's status as it is now.
    fn changed(&self) {
        self.feed.publish(self.detailed(&self.id));
    }

    /// `tasks/cancel`: ends a live task as cancelled and stops its call; a task that already
    /// ended stays as it was (cancelling is idempotent).
    pub fn cancel(&self) {
        let mut state = lock(&self.state);
        let live = !state.payload.status().is_terminal();
        if live {
            state.payload = TaskPayload::Cancelled;
            state.updated_at = timestamp();
        }
        drop(state);
        if live {
            self.changed();
        }
        self.cancel.cancel();
    }

    /// Parks the task on `requests` until `tasks/update` answered every one of them; the
    /// answers, or `None` when the task was cancelled first.
    pub async fn ask(&self, requests: InputRequests) -> Option<InputResponses> {
        {
            let mut state = lock(&self.state);
            if state.payload.status().is_terminal() {
                return None;
            }
            state.answers.clear();
            state.payload = TaskPayload::InputRequired {
                input_requests: requests,
            };
            state.updated_at = timestamp();
        }
        self.changed();
        loop {
            let answered = self.answered.notified();
            {
                let mut state = lock(&self.state);
                match &state.payload {
                    TaskPayload::Working => return Some(std::mem::take(&mut state.answers)),
                    TaskPayload::InputRequired { .. } => {}
                    _ => return None,
                }
            }
            tokio::select! {
                () = answered => {}
                () = self.cancel.cancelled() => return None,
            }
        }
    }

    /// `tasks/update`: keeps the answers to requests still outstanding (others are ignored, as
    /// the spec lets a server do), and resumes the task once none is left.
    pub fn answer(&self, responses: InputResponses) {
        let mut state = lock(&self.state);
        let TaskPayload::InputRequired { input_requests } = &mut state.payload else {
            return;
        };
        let mut answered = InputResponses::new();
        for (key, response) in responses {
            // An answer must be a result object; anything else leaves the request outstanding.
            if response.is_object() && input_requests.remove(&key).is_some() {
                answered.insert(key, response);
            }
        }
        let resumed = input_requests.is_empty();
        state.answers.extend(answered);
        if resumed {
            state.payload = TaskPayload::Working;
        }
        state.updated_at = timestamp();
        drop(state);
        // A partial answer changes the outstanding requests, not the status: only resuming is
        // a status change to tell.
        if resumed {
            self.changed();
        }
        self.answered.notify_one();
    }
}

/// A JSON value as the object an inlined `result` or `error` must be.
pub(crate) fn json_object(value: &impl serde::Serialize) -> JsonObject {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::Object(object)) => object,
        _ => JsonObject::new(),
    }
}

/// The refusal of a new task to an owner that holds `held`, the most it may on the server.
fn too_many_tasks(held: usize) -> ErrorData {
    ErrorData::new(
        ErrorCode(crate::handler::REFUSED_CODE),
        format!(
            "this api key holds {held} tasks on this server, the most it may; cancel one or wait \
             for one to expire"
        ),
        Some(serde_json::json!({"type": "too_many_tasks"})),
    )
}

/// The error for a task id that does not exist, expired, or is not the caller's.
pub(crate) fn unknown_task(id: &str) -> ErrorData {
    ErrorData::invalid_params(format!("unknown task: {id}"), None)
}

fn timestamp() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Locks `mutex`, recovering from a poisoned lock: task state is replaced whole, so a panic
/// elsewhere cannot have left it half-written.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmcp::model::{InputRequest, TaskStatus};

    pub(in crate::tasks) fn owner(group: &str, token: i64) -> TaskOwner {
        TaskOwner {
            group_id: group.to_owned(),
            token_id: token,
        }
    }

    fn elicitation() -> InputRequest {
        serde_json::from_value(serde_json::json!({"method": "elicitation/create", "params": {
            "mode": "form", "message": "ok?", "requestedSchema": {"type": "object", "properties": {}}
        }}))
        .unwrap()
    }

    #[test]
    fn another_owner_or_server_sees_nothing() {
        let registry = TaskRegistry::new(TaskLimits::default(), CancellationToken::new());
        let task = registry.create("everything", owner("ga", 1)).unwrap();
        assert!(
            registry
                .find("everything", &owner("ga", 1), &task.id)
                .is_some()
        );
        assert!(
            registry
                .find("everything", &owner("gb", 1), &task.id)
                .is_none()
        );
        assert!(
            registry
                .find("everything", &owner("ga", 2), &task.id)
                .is_none()
        );
        assert!(registry.find("other", &owner("ga", 1), &task.id).is_none());
    }

    #[test]
    fn expired_tasks_are_gone_and_stopped() {
        let registry = TaskRegistry::new(
            TaskLimits {
                ttl: Duration::from_millis(20),
                max_per_owner: 8,
            },
            CancellationToken::new(),
        );
        let task = registry.create("everything", owner("ga", 1)).unwrap();
        std::thread::sleep(Duration::from_millis(40));
        assert!(
            registry
                .find("everything", &owner("ga", 1), &task.id)
                .is_none()
        );
        assert!(task.cancel.is_cancelled());
    }

    #[test]
    fn the_count_per_owner_is_bounded() {
        let registry = TaskRegistry::new(
            TaskLimits {
                ttl: Duration::from_secs(60),
                max_per_owner: 2,
            },
            CancellationToken::new(),
        );
        for _ in 0..2 {
            registry.create("everything", owner("ga", 1)).unwrap();
        }
        let refused = registry.create("everything", owner("ga", 1)).err().unwrap();
        assert_eq!(refused.code.0, crate::handler::REFUSED_CODE);
        // Another owner, or the same on another server, is not held back.
        registry.create("everything", owner("gb", 1)).unwrap();
        registry.create("other", owner("ga", 1)).unwrap();
    }

    #[test]
    fn cancel_wins_over_a_late_outcome_and_is_idempotent() {
        let registry = TaskRegistry::new(TaskLimits::default(), CancellationToken::new());
        let task = registry.create("everything", owner("ga", 1)).unwrap();
        task.cancel();
        task.finish(TaskPayload::Completed {
            result: JsonObject::new(),
        });
        task.cancel();
        assert_eq!(task.detailed("x").status(), TaskStatus::Cancelled);
        assert!(task.cancel.is_cancelled());
    }

    #[tokio::test]
    async fn each_status_change_reaches_the_owner_s_stream_under_the_shown_id() {
        let registry = TaskRegistry::new(TaskLimits::default(), CancellationToken::new());
        let mut stream = registry.streams.open(owner("ga", 1), "r".into()).unwrap();
        let task = registry.create("everything", owner("ga", 1)).unwrap();
        let audience = Audience {
            owner: owner("ga", 1),
            route: "r".into(),
            shown_id: format!("everything__{}", task.id),
            session: None,
        };
        registry.notify(&task.feed, audience);
        let mut next = async || {
            let heard = tokio::time::timeout(Duration::from_secs(5), stream.recv())
                .await
                .unwrap()
                .unwrap();
            assert_eq!(heard.task.task_id, format!("everything__{}", task.id));
            heard.status()
        };
        let asking = tokio::spawn({
            let task = task.clone();
            async move { task.ask([("a".to_owned(), elicitation())].into()).await }
        });
        assert_eq!(next().await, TaskStatus::InputRequired);
        task.answer([("a".to_owned(), serde_json::json!({"action": "decline"}))].into());
        assert_eq!(next().await, TaskStatus::Working);
        asking.await.unwrap().unwrap();
        task.cancel();
        assert_eq!(next().await, TaskStatus::Cancelled);
        // A cancelled task changes no more: a late outcome is not told.
        task.finish(TaskPayload::Completed {
            result: JsonObject::new(),
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(stream.try_recv().is_err());
    }

    #[tokio::test]
    async fn an_expired_task_ends_failed_and_its_owner_hears_why() {
        let registry = TaskRegistry::new(TaskLimits::default(), CancellationToken::new());
        let mut stream = registry.streams.open(owner("ga", 1), "r".into()).unwrap();
        let task = registry.create("everything", owner("ga", 1)).unwrap();
        let audience = Audience {
            owner: owner("ga", 1),
            route: "r".into(),
            shown_id: task.id.clone(),
            session: None,
        };
        registry.notify(&task.feed, audience);
        task.expire();
        let heard = tokio::time::timeout(Duration::from_secs(5), stream.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(heard.status(), TaskStatus::Failed);
        let TaskPayload::Failed { error } = &heard.payload else {
            panic!("expected failed, got {:?}", heard.payload);
        };
        assert_eq!(error["data"]["type"], "task_expired");
        assert!(
            heard
                .task
                .status_message
                .as_deref()
                .is_some_and(|said| said.contains("ttl of 600000 ms")),
            "{heard:?}"
        );
        assert!(task.cancel.is_cancelled());
        // The call's late outcome changes nothing.
        task.finish(TaskPayload::Completed {
            result: JsonObject::new(),
        });
        assert_eq!(task.detailed("x").status(), TaskStatus::Failed);
    }

    #[tokio::test]
    async fn answers_resume_only_when_every_request_is_answered() {
        let registry = TaskRegistry::new(TaskLimits::default(), CancellationToken::new());
        let task = registry.create("everything", owner("ga", 1)).unwrap();
        let requests: InputRequests = [
            ("a".to_owned(), elicitation()),
            ("b".to_owned(), elicitation()),
        ]
        .into();
        let asking = tokio::spawn({
            let task = task.clone();
            async move { task.ask(requests).await }
        });
        while task.detailed("x").status() != TaskStatus::InputRequired {
            tokio::task::yield_now().await;
        }
        let answer = serde_json::json!({"action": "accept", "content": {}});
        task.answer(
            [
                ("a".to_owned(), answer.clone()),
                ("zzz".to_owned(), answer.clone()),
            ]
            .into(),
        );
        let pending = match task.detailed("x").payload {
            TaskPayload::InputRequired { input_requests } => input_requests,
            other => panic!("expected input_required, got {other:?}"),
        };
        assert_eq!(pending.keys().collect::<Vec<_>>(), ["b"]);
        // Not an object: no answer, the request stays outstanding.
        task.answer([("b".to_owned(), serde_json::json!(12345))].into());
        assert_eq!(task.detailed("x").status(), TaskStatus::InputRequired);
        task.answer([("b".to_owned(), answer)].into());
        let answers = asking.await.unwrap().unwrap();
        assert_eq!(answers.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(task.detailed("x").status(), TaskStatus::Working);
    }
}
