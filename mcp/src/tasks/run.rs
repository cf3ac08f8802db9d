//! Starting a task-augmented `tools/call`: whether a call becomes a task, and the background run that settles it.
//!
//! The run goes through [`Core::call_tool`] like any call (allow-list, pins, the host's gate, one
//! record and one charge), with the tool server wrapped so that the tool's input-required
//! rounds park the task for `tasks/update` instead of going back to the caller.

use std::sync::Arc;

use async_trait::async_trait;
use rmcp::ErrorData;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CreateTaskResult, ErrorCode, TaskPayload, Tool,
};
use rmcp::service::{Peer, RoleServer};

use super::{Audience, TaskEntry, TaskOwner, json_object};
use crate::handler::{CallTarget, Core, RequestScope};
use crate::tool_server::{CallerNotifier, ToolCall, ToolServer};

/// Whether a tool runs as a task (the tool's registration, SEP-2663).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TaskSupport {
    /// Never: the call is always answered in the request.
    Forbidden,
    /// When the caller declared the tasks extension; synchronously otherwise.
    Optional,
    /// Only as a task: a caller that did not declare the extension is refused (`-32021`).
    Required,
}

/// How many input-required rounds one task may take: a tool that never stops asking must not
/// hold a task forever.
const MAX_INPUT_ROUNDS: usize = 16;

/// What becomes of a `tools/call`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Answered in the request, as every call without tasks.
    InRequest,
    /// Started as a task ([`start`]).
    Task,
    /// Refused: the tool only runs as a task and the caller did not declare tasks (`-32021`).
    MissingCapability,
}

/// Whether `request` to `target` becomes a task: the caller declared the tasks extension
/// (`declared`, at `initialize` or in the request's `_meta`), and its tool supports one and
/// wants one for this round, or the request carries on a call the server runs for the caller
/// as a task (see [`ToolServer::continues_as_task`]).
pub(crate) fn decide(
    scope: &RequestScope,
    request: &CallToolRequestParams,
    target: &Result<CallTarget, ErrorData>,
    declared: bool,
) -> Decision {
    let Ok(target) = target else {
        return Decision::InRequest;
    };
    let Ok(server) = &target.server else {
        return Decision::InRequest;
    };
    // A tool the caller may not use is refused (and logged) by the call's own path, exactly as
    // if it did not exist: nothing here may tell the two apart.
    let allowed = target
        .definition
        .as_deref()
        .is_none_or(|definition| definition.allows_tool(&target.tool))
        && scope.caller.may_use_tool(&target.server_id, &target.tool);
    if !allowed {
        return Decision::InRequest;
    }
    if declared && server.continues_as_task(&target.tool, request) {
        return Decision::Task;
    }
    match server.task_support(&target.tool) {
        TaskSupport::Forbidden => Decision::InRequest,
        TaskSupport::Required if !declared => Decision::MissingCapability,
        TaskSupport::Optional if !declared => Decision::InRequest,
        TaskSupport::Optional | TaskSupport::Required => {
            if server.starts_task(&target.tool, request.input_responses.as_ref()) {
                Decision::Task
            } else {
                Decision::InRequest
            }
        }
    }
}

/// The error for [`Decision::MissingCapability`], naming the extension the caller lacks.
pub(crate) fn missing_capability() -> ErrorData {
    ErrorData::missing_required_client_capability(
        rmcp::model::ClientCapabilities::builder()
            .enable_tasks()
            .build(),
    )
}

/// Starts `request` to `target` as a task of the caller: the task handle at once, the call in
/// the background. Its status changes are told to the caller (`session`: the session-era
/// session that called, see [`super::session_of`]).
pub(crate) fn start(
    core: Arc<Core>,
    scope: RequestScope,
    (request, target): (CallToolRequestParams, CallTarget),
    session: Option<Peer<RoleServer>>,
) -> Result<CallToolResponse, ErrorData> {
    let CallTarget {
        server_id,
        tool,
        server,
        definition,
        prefixed,
    } = target;
    let inner = server?;
    let task = core
        .tasks
        .create(&server_id, TaskOwner::of(&scope.caller))?;
    let shown_id = super::route::shown_id(prefixed, &server_id, &task.id);
    let created = CreateTaskResult::new(task.detailed(&shown_id).task);
    core.tasks.notify(
        &task.feed,
        Audience {
            owner: TaskOwner::of(&scope.caller),
            route: scope.view.route_key(),
            shown_id,
            session,
        },
    );
    let target = CallTarget {
        server_id,
        tool,
        server: Ok(Arc::new(TaskRounds {
            inner,
            task: task.clone(),
        })),
        definition,
        prefixed,
    };
    tokio::spawn(async move {
        let cancel = task.cancel.clone();
        let expires_at = task.expires_at();
        let call = core.call_tool(
            &scope,
            (request, Ok(target)),
            (None, CallerNotifier::Nobody),
            cancel,
        );
        tokio::pin!(call);
        let outcome = tokio::select! {
            outcome = &mut call => outcome,
            () = tokio::time::sleep_until(expires_at) => {
                // Ended as expired (and told so); the call, stopped, still ends its own way,
                // so it is logged and charged (or not) as any call that stopped.
                task.expire();
                call.await
            }
        };
        task.finish(match outcome {
            // A tool that ran and reported an error is completed; `failed` is for protocol errors.
            Ok(CallToolResponse::Complete(result)) => TaskPayload::Completed {
                result: json_object(&result),
            },
            Ok(_) => TaskPayload::Failed {
                error: json_object(&ErrorData::internal_error(
                    "the tool ended without a result",
                    None,
                )),
            },
            Err(error) => TaskPayload::Failed {
                error: json_object(&error),
            },
        });
    });
    Ok(CallToolResponse::Task(created))
}

/// A tool server seen from inside a task: an input-required answer parks the task until
/// `tasks/update` answered it, then the tool is called again with the answers (and its
/// `requestState`), as a 2026-07-28 client would retry.
struct TaskRounds {
    inner: Arc<dyn ToolServer>,
    task: Arc<TaskEntry>,
}

#[async_trait]
impl ToolServer for TaskRounds {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        self.inner.list_tools().await
    }

    fn source_of(&self, tool: &str) -> Option<String> {
        self.inner.source_of(tool)
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        let ToolCall {
            name,
            arguments,
            progress_token,
            notifier,
            cancel,
            meta,
            mut input_responses,
            mut request_state,
        } = call;
        for _ in 0..MAX_INPUT_ROUNDS {
            let round = ToolCall {
                name: name.clone(),
                arguments: arguments.clone(),
                progress_token: progress_token.clone(),
                notifier: notifier.clone(),
                cancel: cancel.clone(),
                meta: meta.clone(),
                input_responses: input_responses.take(),
                request_state: request_state.take(),
            };
            let asked = match self.inner.call_tool(round).await? {
                CallToolResponse::InputRequired(asked) => asked,
                other => return Ok(other),
            };
            request_state = asked.request_state;
            let requests = asked.input_requests.unwrap_or_default();
            if requests.is_empty() {
                // Only state to carry to the next round: nothing to ask.
                continue;
            }
            match self.task.ask(requests).await {
                Some(answers) => input_responses = Some(answers),
                None => {
                    return Err(ErrorData::new(
                        ErrorCode::INTERNAL_ERROR,
                        "the task was cancelled",
                        None,
                    ));
                }
            }
        }
        Err(ErrorData::internal_error(
            format!("the tool asked for input more than {MAX_INPUT_ROUNDS} times"),
            None,
        ))
    }
}
