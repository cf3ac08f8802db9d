//! The upstream tasks a 2026-07-28 upstream's `subscriptions/listen` stream asks about: named in the request, heard apart from rmcp.
//!
//! The tasks extension (SEP-2663) has a listen stream name the tasks it wants to hear of
//! (`notifications.taskIds`) and declare the extension in the request's capabilities. rmcp's
//! filter type has no `taskIds`, and its client ends a stream that carries a notification its
//! filter does not name. So the proxy's transport adds both to the stream's request on the way
//! out ([`ListenTasks::rewrite`]), and takes `notifications/tasks` off a stream before rmcp
//! reads them (`listeners.rs` passes them to the watching callers' feeds). Only while some
//! caller owns a watched upstream task does a request name any: otherwise it goes unchanged.

use std::sync::Mutex;

use rmcp::model::{ClientRequest, CustomRequest, JsonRpcMessage, JsonRpcRequest};
use rmcp::service::{RoleClient, TxJsonRpcMessage};
use serde_json::{Map, Value};
use tokio::sync::Notify;

const TASKS_EXTENSION: &str = "io.modelcontextprotocol/tasks";
const CAPABILITIES_KEY: &str = "io.modelcontextprotocol/clientCapabilities";

/// The task ids the stream's owner is opening its stream for, and the signal that the set of
/// watched tasks changed.
#[derive(Default)]
pub(super) struct ListenTasks {
    asked: Mutex<Vec<String>>,
    changed: Notify,
}

impl ListenTasks {
    /// The ids the next `subscriptions/listen` request names (none: it names no tasks). Only
    /// the stream's owner sends that request, one at a time.
    pub fn ask(&self, task_ids: Vec<String>) {
        if let Ok(mut asked) = self.asked.lock() {
            *asked = task_ids;
        }
    }

    /// The watched tasks changed: the stream's owner looks again.
    pub fn touch(&self) {
        self.changed.notify_one();
    }

    /// Resolves once the watched tasks changed since the last call.
    pub async fn changed(&self) {
        self.changed.notified().await;
    }

    /// `message` as it goes upstream: a `subscriptions/listen` request names the tasks asked
    /// for, and declares the extension, when there are any.
    pub fn rewrite(&self, message: TxJsonRpcMessage<RoleClient>) -> TxJsonRpcMessage<RoleClient> {
        let JsonRpcMessage::Request(request) = &message else {
            return message;
        };
        if !matches!(
            request.request,
            ClientRequest::SubscriptionsListenRequest(_)
        ) {
            return message;
        }
        let task_ids = match self.asked.lock() {
            Ok(asked) if !asked.is_empty() => asked.clone(),
            _ => return message,
        };
        match with_tasks(&request.request, task_ids) {
            Some(rewritten) => {
                JsonRpcMessage::Request(JsonRpcRequest::new(request.id.clone(), rewritten))
            }
            None => message,
        }
    }
}

/// The listen request `listen` on the wire, with `taskIds` in its filter and the tasks
/// extension among its declared capabilities; `None` if it does not read as one.
fn with_tasks(listen: &ClientRequest, task_ids: Vec<String>) -> Option<ClientRequest> {
    let Value::Object(mut wire) = serde_json::to_value(listen).ok()? else {
        return None;
    };
    let Some(Value::Object(mut params)) = wire.remove("params") else {
        return None;
    };
    let notifications = object_at(&mut params, "notifications")?;
    notifications.insert("taskIds".to_owned(), Value::from(task_ids));
    let meta = object_at(&mut params, "_meta")?;
    let capabilities = object_at(meta, CAPABILITIES_KEY)?;
    let extensions = object_at(capabilities, "extensions")?;
    extensions
        .entry(TASKS_EXTENSION)
        .or_insert_with(|| Value::Object(Map::new()));
    let method = wire.get("method")?.as_str()?.to_owned();
    Some(ClientRequest::CustomRequest(CustomRequest::new(
        method,
        Some(Value::Object(params)),
    )))
}

/// The object under `key` of `parent`, made one if it is missing or not an object.
fn object_at<'a>(
    parent: &'a mut Map<String, Value>,
    key: &str,
) -> Option<&'a mut Map<String, Value>> {
    if !parent.get(key).is_some_and(Value::is_object) {
        parent.insert(key.to_owned(), Value::Object(Map::new()));
    }
    parent.get_mut(key).and_then(Value::as_object_mut)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmcp::model::{
        NumberOrString, SubscriptionFilter, SubscriptionsListenRequest,
        SubscriptionsListenRequestParams,
    };

    fn listen_request() -> TxJsonRpcMessage<RoleClient> {
        let filter = SubscriptionFilter::builder().tools_list_changed().build();
        let request = ClientRequest::SubscriptionsListenRequest(SubscriptionsListenRequest::new(
            SubscriptionsListenRequestParams::new(filter),
        ));
        JsonRpcMessage::request(request, NumberOrString::Number(7))
    }

    #[test]
    fn a_listen_request_names_the_asked_tasks_and_declares_the_extension() {
        let tasks = ListenTasks::default();
        let untouched = serde_json::to_value(tasks.rewrite(listen_request())).unwrap();
        assert!(
            untouched["params"]["notifications"]
                .get("taskIds")
                .is_none()
        );
        tasks.ask(vec!["t1".to_owned(), "t2".to_owned()]);
        let sent = serde_json::to_value(tasks.rewrite(listen_request())).unwrap();
        assert_eq!(sent["method"], "subscriptions/listen");
        assert_eq!(sent["id"], 7);
        assert_eq!(
            sent["params"]["notifications"],
            serde_json::json!({"toolsListChanged": true, "taskIds": ["t1", "t2"]})
        );
        assert_eq!(
            sent["params"]["_meta"][CAPABILITIES_KEY]["extensions"][TASKS_EXTENSION],
            serde_json::json!({})
        );
        // Asked for nothing again: the request goes as rmcp made it.
        tasks.ask(Vec::new());
        let plain = serde_json::to_value(tasks.rewrite(listen_request())).unwrap();
        assert_eq!(plain, untouched);
    }
}
