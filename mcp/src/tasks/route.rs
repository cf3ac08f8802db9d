//! `tasks/get`, `tasks/update` and `tasks/cancel` on a route: the task id as the route shows it, and its owner.
//!
//! Ids are prefixed in the aggregated view unless the call that started the task named its
//! tool unprefixed; the gateway's own tasks and those a proxied upstream runs alike.

use std::sync::Arc;

use rmcp::ErrorData;
use rmcp::model::{GetTaskResult, InputResponses};

use super::{NotAdopted, TaskEntry, TaskOwner, unknown_task};
use crate::handler::{Core, RequestScope, View, prefixed};
use crate::host::ServerDefinition;
use crate::tool_server::ToolServer;
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

/// Where the caller's task lives.
enum Located {
    /// One the gateway runs itself.
    Own(Arc<TaskEntry>),
    /// One a proxied upstream runs, under the upstream's id.
    Forwarded(Arc<dyn ToolServer>, String),
}

impl Core {
    /// Records the caller of `scope` as the owner of the task `server_id`'s upstream created
    /// (`id`), and the id the caller knows it by (prefixed when the call was).
    pub(crate) fn adopt_forwarded_task(
        &self,
        scope: &RequestScope,
        (server_id, called_prefixed): (&str, bool),
        id: &str,
    ) -> Result<String, NotAdopted> {
        self.tasks
            .forwarded
            .adopt(server_id, TaskOwner::of(&scope.caller), id)?;
        Ok(shown_id(called_prefixed, server_id, id))
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
    /// server's or an expired one is an unknown task. In the aggregated view an id without a
    /// known prefix is looked for on the unprefixed servers (task ids are random, so at most
    /// one holds it).
    fn task_of(&self, scope: &RequestScope, shown_id: &str) -> Result<Located, ErrorData> {
        let candidates: Vec<(Arc<ServerDefinition>, &str)> = match &scope.view {
            View::Single(definition) => vec![(Arc::clone(definition), shown_id)],
            View::Aggregated(definitions) => {
                match unprefixed::split_prefixed(definitions, shown_id) {
                    Some((definition, id)) => vec![(definition, id)],
                    None => unprefixed::in_claim_order(definitions)
                        .into_iter()
                        .map(|definition| (definition, shown_id))
                        .collect(),
                }
            }
            View::Admin(_) => Vec::new(),
        };
        let owner = TaskOwner::of(&scope.caller);
        for (definition, id) in candidates {
            if let Some(task) = self.tasks.find(&definition.id, &owner, id) {
                return Ok(Located::Own(task));
            }
            if self.tasks.forwarded.owns(&definition.id, &owner, id) {
                let server = self.servers.get(&definition, &scope.caller.group_id)?;
                return Ok(Located::Forwarded(server, id.to_owned()));
            }
        }
        Err(unknown_task(shown_id))
    }
}
