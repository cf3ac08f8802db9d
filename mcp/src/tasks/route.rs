//! `tasks/get`, `tasks/update` and `tasks/cancel` on a route: the task id as the route shows it (prefixed in the aggregated view) and its owner, for the gateway's own tasks and those a proxied upstream runs.

use std::sync::Arc;

use rmcp::ErrorData;
use rmcp::model::{GetTaskResult, InputResponses};

use super::{NotAdopted, TaskEntry, TaskOwner, unknown_task};
use crate::handler::{Core, RequestScope, TOOL_NAME_SEPARATOR, View};
use crate::host::ServerDefinition;
use crate::tool_server::ToolServer;

/// The id a caller of `view` knows task `id` of `server_id` by: the aggregated view prefixes it
/// with the server, as it does tool names.
pub(crate) fn shown_id(view: &View, server_id: &str, id: &str) -> String {
    match view {
        View::Aggregated(_) => format!("{server_id}{TOOL_NAME_SEPARATOR}{id}"),
        View::Single(_) | View::Admin(_) => id.to_owned(),
    }
}

/// Where the caller's task lives.
enum Located {
    /// One the gateway runs itself.
    Own(Arc<TaskEntry>),
    /// One a proxied upstream runs, under the upstream's id.
    Forwarded(Arc<dyn ToolServer>, String),
}

impl Core {
    /// Records the caller of `scope` as the owner of the task `server_id`'s upstream created
    /// (`id`), and the id the caller knows it by.
    pub(crate) fn adopt_forwarded_task(
        &self,
        scope: &RequestScope,
        server_id: &str,
        id: &str,
    ) -> Result<String, NotAdopted> {
        self.tasks
            .forwarded
            .adopt(server_id, TaskOwner::of(&scope.caller), id)?;
        Ok(shown_id(&scope.view, server_id, id))
    }

    pub(crate) async fn get_task(
        &self,
        scope: &RequestScope,
        shown_id: &str,
    ) -> Result<GetTaskResult, ErrorData> {
        match self.task_of(scope, shown_id)? {
            Located::Own(task) => Ok(GetTaskResult::new(task.detailed(shown_id))),
            Located::Forwarded(server, id) => {
                let mut result = server.get_task(&id).await?;
                shown_id.clone_into(&mut result.task.task.task_id);
                Ok(result)
            }
        }
    }

    pub(crate) async fn update_task(
        &self,
        scope: &RequestScope,
        shown_id: &str,
        responses: InputResponses,
    ) -> Result<(), ErrorData> {
        match self.task_of(scope, shown_id)? {
            Located::Own(task) => {
                task.answer(responses);
                Ok(())
            }
            Located::Forwarded(server, id) => server.update_task(&id, responses).await,
        }
    }

    pub(crate) async fn cancel_task(
        &self,
        scope: &RequestScope,
        shown_id: &str,
    ) -> Result<(), ErrorData> {
        match self.task_of(scope, shown_id)? {
            Located::Own(task) => {
                task.cancel();
                Ok(())
            }
            Located::Forwarded(server, id) => server.cancel_task(&id).await,
        }
    }

    /// The caller's task `shown_id` on the route's server(s); another caller's, another
    /// server's or an expired one is an unknown task.
    fn task_of(&self, scope: &RequestScope, shown_id: &str) -> Result<Located, ErrorData> {
        let located: Option<(&Arc<ServerDefinition>, &str)> = match &scope.view {
            View::Single(definition) => Some((definition, shown_id)),
            View::Aggregated(definitions) => {
                shown_id
                    .split_once(TOOL_NAME_SEPARATOR)
                    .and_then(|(server_id, id)| {
                        definitions
                            .iter()
                            .find(|definition| definition.id == server_id)
                            .map(|definition| (definition, id))
                    })
            }
            View::Admin(_) => None,
        };
        let Some((definition, id)) = located else {
            return Err(unknown_task(shown_id));
        };
        let owner = TaskOwner::of(&scope.caller);
        if let Some(task) = self.tasks.find(&definition.id, &owner, id) {
            return Ok(Located::Own(task));
        }
        if self.tasks.forwarded.owns(&definition.id, &owner, id) {
            let server = self.servers.get(definition, &scope.caller.group_id)?;
            return Ok(Located::Forwarded(server, id.to_owned()));
        }
        Err(unknown_task(shown_id))
    }
}
