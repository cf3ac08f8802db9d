//! `tasks/get`, `tasks/update` and `tasks/cancel` on a route: the task id as the route shows it (prefixed in the aggregated view, unless its server is served unprefixed) and its owner.

use std::sync::Arc;

use rmcp::ErrorData;
use rmcp::model::{GetTaskResult, InputResponses};

use super::{TaskEntry, TaskOwner, unknown_task};
use crate::handler::{Core, RequestScope, View, prefixed};
use crate::unprefixed;

/// The id a caller knows task `id` of `server_id` by: prefixed with the server, as tool names
/// are, when the call that started it named the tool with the prefix.
pub(crate) fn shown_id(called_prefixed: bool, server_id: &str, id: &str) -> String {
    if called_prefixed {
        prefixed(server_id, id)
    } else {
        id.to_owned()
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
    /// server's or an expired one is an unknown task. In the aggregated view an id without a
    /// known prefix is looked for on the unprefixed servers (task ids are random, so at most
    /// one holds it).
    fn task_of(&self, scope: &RequestScope, shown_id: &str) -> Result<Arc<TaskEntry>, ErrorData> {
        let owner = TaskOwner::of(&scope.caller);
        let found = match &scope.view {
            View::Single(definition) => self.tasks.find(&definition.id, &owner, shown_id),
            View::Aggregated(definitions) => {
                match unprefixed::split_prefixed(definitions, shown_id) {
                    Some((definition, id)) => self.tasks.find(&definition.id, &owner, id),
                    None => unprefixed::in_claim_order(definitions)
                        .iter()
                        .find_map(|definition| self.tasks.find(&definition.id, &owner, shown_id)),
                }
            }
            View::Admin(_) => None,
        };
        found.ok_or_else(|| unknown_task(shown_id))
    }
}
