//! Tasks an upstream created for a caller through a proxy: who owns each, so that only that caller's task calls reach the upstream.
//!
//! `tasks/get`, `tasks/update` and `tasks/cancel` of anyone else answer as for an unknown task.
//!
//! The upstream keeps the task; the gateway keeps only its owner, bounded like its own tasks
//! (per owner and server, and in time): past the TTL, or for another caller, the id is unknown.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use rmcp::ErrorData;

use super::{TaskLimits, TaskOwner, lock, too_many_tasks};

/// Why an upstream's task was not adopted.
#[derive(Debug)]
pub(crate) enum NotAdopted {
    /// The owner holds the most it may on the server: the new upstream task should not run.
    TooMany(ErrorData),
    /// The upstream named an id another caller holds: that task is left alone.
    Taken(ErrorData),
}

/// The owners of upstream tasks, by server and the upstream's task id.
pub(crate) struct ForwardedTasks {
    limits: TaskLimits,
    owners: Mutex<HashMap<(String, String), Forwarded>>,
}

struct Forwarded {
    owner: TaskOwner,
    created: Instant,
}

impl ForwardedTasks {
    pub fn new(limits: TaskLimits) -> Self {
        Self {
            limits,
            owners: Mutex::default(),
        }
    }

    /// Records `owner` as the owner of the upstream task `id` of `server_id`; an error when the
    /// owner holds the most it may there, or when the id is already another caller's (an
    /// upstream reusing an id must not hand one caller's task to another).
    pub fn adopt(&self, server_id: &str, owner: TaskOwner, id: &str) -> Result<(), NotAdopted> {
        let mut owners = lock(&self.owners);
        owners.retain(|_, task| task.created.elapsed() < self.limits.ttl);
        let key = (server_id.to_owned(), id.to_owned());
        if let Some(known) = owners.get(&key) {
            return if known.owner == owner {
                Ok(())
            } else {
                Err(NotAdopted::Taken(ErrorData::internal_error(
                    "the upstream answered with a task of another caller",
                    None,
                )))
            };
        }
        let held = owners
            .iter()
            .filter(|((server, _), task)| server == server_id && task.owner == owner)
            .count();
        if held >= self.limits.max_per_owner {
            return Err(NotAdopted::TooMany(too_many_tasks(held)));
        }
        owners.insert(
            key,
            Forwarded {
                owner,
                created: Instant::now(),
            },
        );
        Ok(())
    }

    /// Whether the upstream task `id` of `server_id` is `owner`'s and within its TTL.
    pub fn owns(&self, server_id: &str, owner: &TaskOwner, id: &str) -> bool {
        let mut owners = lock(&self.owners);
        owners.retain(|_, task| task.created.elapsed() < self.limits.ttl);
        owners
            .get(&(server_id.to_owned(), id.to_owned()))
            .is_some_and(|task| &task.owner == owner)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::tasks::tests::owner;

    fn limits(ttl: Duration, max_per_owner: usize) -> TaskLimits {
        TaskLimits { ttl, max_per_owner }
    }

    #[test]
    fn only_the_owner_on_its_server_knows_the_task() {
        let tasks = ForwardedTasks::new(TaskLimits::default());
        tasks.adopt("proxied", owner("ga", 1), "up-1").unwrap();
        assert!(tasks.owns("proxied", &owner("ga", 1), "up-1"));
        assert!(!tasks.owns("proxied", &owner("ga", 2), "up-1"));
        assert!(!tasks.owns("proxied", &owner("gb", 1), "up-1"));
        assert!(!tasks.owns("other", &owner("ga", 1), "up-1"));
        // An upstream handing the same id to another caller does not move the task.
        assert!(matches!(
            tasks.adopt("proxied", owner("gb", 1), "up-1"),
            Err(NotAdopted::Taken(_))
        ));
        assert!(!tasks.owns("proxied", &owner("gb", 1), "up-1"));
    }

    #[test]
    fn owners_are_bounded_in_count_and_time() {
        let tasks = ForwardedTasks::new(limits(Duration::from_secs(60), 2));
        tasks.adopt("proxied", owner("ga", 1), "a").unwrap();
        tasks.adopt("proxied", owner("ga", 1), "b").unwrap();
        let Err(NotAdopted::TooMany(refused)) = tasks.adopt("proxied", owner("ga", 1), "c") else {
            panic!("a third task was adopted");
        };
        assert_eq!(refused.code.0, crate::handler::REFUSED_CODE);
        tasks.adopt("proxied", owner("gb", 1), "c").unwrap();

        let short = ForwardedTasks::new(limits(Duration::from_millis(20), 8));
        short.adopt("proxied", owner("ga", 1), "a").unwrap();
        std::thread::sleep(Duration::from_millis(40));
        assert!(!short.owns("proxied", &owner("ga", 1), "a"));
    }
}
