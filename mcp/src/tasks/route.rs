//! `tasks/get`, `tasks/update` and `tasks/cancel` on a route: the task id as the route shows it (prefixed in the aggregated view) and its owner.

use std::sync::Arc;

use rmcp::ErrorData;
use rmcp::model::{GetTaskResult, InputResponses};

use super::{TaskEntry, TaskOwner, unknown_task};
use crate::handler::{Core, RequestScope, TOOL_NAME_SEPARATOR, View};

/// The id a caller of `view` knows task `id` of `server_id` by: the aggregated view prefixes it
/// with the server, as it does tool names.
pub(crate) fn shown_id(view: &View, server_id: &str, id: &str) -> String {
    match view {
        View::Aggregated(_) => format!("{server_id}{TOOL_NAME_SEPARATOR}{id}"),
        View::Single(_) | View::Admin(_) => id.to_owned(),
    }
}

impl Core {
    pub(crate) fn get_task(
        &self,
        scope: &RequestScope,
        shown_id: &str,
    ) -> Result<GetTaskResult, ErrorData> {
        let task = self.task_of(scope, shown_id)?;
        Ok(GetTaskResult::new(task.detailed(shown_id)))
    }

    pub(crate) fn update_task(
        &self,
        scope: &RequestScope,
        shown_id: &str,
        responses: InputResponses,
    ) -> Result<(), ErrorData> {
        self.task_of(scope, shown_id)?.answer(responses);
        Ok(())
    }

    pub(crate) fn cancel_task(
        &self,
        scope: &RequestScope,
        shown_id: &str,
    ) -> Result<(), ErrorData> {
        self.task_of(scope, shown_id)?.cancel();
        Ok(())
    }

    /// The caller's task `shown_id` on the route's server(s); another caller's, another
    /// server's or an expired one is an unknown task.
    fn task_of(&self, scope: &RequestScope, shown_id: &str) -> Result<Arc<TaskEntry>, ErrorData> {
        let located = match &scope.view {
            View::Single(definition) => Some((definition.id.as_str(), shown_id)),
            View::Aggregated(definitions) => {
                shown_id
                    .split_once(TOOL_NAME_SEPARATOR)
                    .filter(|(server_id, _)| {
                        definitions
                            .iter()
                            .any(|definition| definition.id == *server_id)
                    })
            }
            View::Admin(_) => None,
        };
        located
            .and_then(|(server_id, id)| {
                self.tasks
                    .find(server_id, &TaskOwner::of(&scope.caller), id)
            })
            .ok_or_else(|| unknown_task(shown_id))
    }
}
