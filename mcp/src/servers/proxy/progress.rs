//! Progress from an upstream routed to the downstream caller that asked for it, in stream order: the routing table and the transport wrapper that reads it.
//!
//! rmcp stamps its own progress token on each request as it queues it, and the request may be on
//! the wire (and its first progress back) before the queuing task runs again. So a request's
//! route is registered before it is queued, under a marker in its `_meta`
//! ([`PendingRoute`]); the relay moves it under the request's own token as it sends the
//! request (taking the marker off), so the route is in place before any progress can come back.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rmcp::model::{GetMeta, JsonRpcMessage, ProgressToken, RequestMetaObject, ServerNotification};
use rmcp::service::{RoleClient, RxJsonRpcMessage, TxJsonRpcMessage};
use rmcp::transport::Transport;

use crate::tool_server::CallerNotifier;

/// Where progress for an upstream token goes: the downstream caller and its own token.
pub(super) type ProgressRoutes = Arc<Mutex<HashMap<String, (CallerNotifier, ProgressToken)>>>;

/// Wraps an upstream transport and forwards progress notifications for routed tokens to the
/// downstream caller as they are read, so they keep their order and arrive before the result.
pub(super) struct ProgressRelay<T> {
    pub inner: T,
    pub routes: ProgressRoutes,
}

impl<T: Transport<RoleClient>> Transport<RoleClient> for ProgressRelay<T> {
    type Error = T::Error;

    fn send(
        &mut self,
        mut item: TxJsonRpcMessage<RoleClient>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        if let JsonRpcMessage::Request(request) = &mut item {
            settle_pending(&self.routes, request.request.get_meta_mut());
        }
        self.inner.send(item)
    }

    async fn receive(&mut self) -> Option<RxJsonRpcMessage<RoleClient>> {
        loop {
            let message = self.inner.receive().await?;
            if let JsonRpcMessage::Notification(notification) = &message
                && let ServerNotification::ProgressNotification(progress) =
                    &notification.notification
            {
                let key = progress_key(&progress.params.progress_token);
                let route = self
                    .routes
                    .lock()
                    .ok()
                    .and_then(|routes| routes.get(&key).cloned());
                if let Some((notifier, token)) = route {
                    let mut forwarded = progress.params.clone();
                    forwarded.progress_token = token;
                    if let Err(error) = notifier.progress(forwarded).await {
                        tracing::debug!(%error, "progress notification not forwarded");
                    }
                    continue;
                }
            }
            return Some(message);
        }
    }

    fn close(&mut self) -> impl Future<Output = Result<(), Self::Error>> + Send {
        self.inner.close()
    }
}

/// The `_meta` key of the marker naming a request's pending route (never sent upstream).
const ROUTE_MARKER_META: &str = "aiproxy/progressRoute";

/// A route registered for a request about to be queued (see the module's doc); removed when
/// dropped unless the request's own token took it over ([`Self::settle`]).
pub(super) struct PendingRoute {
    routes: ProgressRoutes,
    marker: String,
}

impl PendingRoute {
    /// Registers a route to `notifier`, which knows the progress as `token`.
    pub fn register(
        routes: &ProgressRoutes,
        notifier: CallerNotifier,
        token: ProgressToken,
    ) -> Self {
        let marker = uuid::Uuid::new_v4().simple().to_string();
        if let Ok(mut routes) = routes.lock() {
            routes.insert(pending_key(&marker), (notifier, token));
        }
        Self {
            routes: routes.clone(),
            marker,
        }
    }

    /// Marks the `_meta` the request is queued with.
    pub fn mark(&self, meta: &mut RequestMetaObject) {
        meta.insert(ROUTE_MARKER_META.to_owned(), self.marker.clone().into());
    }

    /// Puts the route under `key` (the queued request's own token) if the relay has not yet.
    pub fn settle(self, key: &str) {
        if let Ok(mut routes) = self.routes.lock()
            && let Some(route) = routes.remove(&pending_key(&self.marker))
        {
            routes.insert(key.to_owned(), route);
        }
    }
}

impl Drop for PendingRoute {
    fn drop(&mut self) {
        if let Ok(mut routes) = self.routes.lock() {
            routes.remove(&pending_key(&self.marker));
        }
    }
}

/// The routing key of a pending route: not a JSON token, so never a token's key.
fn pending_key(marker: &str) -> String {
    format!("pending {marker}")
}

/// Takes the route marker off a request's `meta` as it is sent, and moves the route it names
/// under the request's own progress token.
fn settle_pending(routes: &ProgressRoutes, meta: &mut RequestMetaObject) {
    let Some(marker) = meta.remove(ROUTE_MARKER_META) else {
        return;
    };
    let (Some(marker), Some(token)) = (marker.as_str(), meta.get_progress_token()) else {
        return;
    };
    if let Ok(mut routes) = routes.lock()
        && let Some(route) = routes.remove(&pending_key(marker))
    {
        routes.insert(progress_key(&token), route);
    }
}

/// The key a progress token is routed by (tokens are strings or numbers).
pub(super) fn progress_key(token: &ProgressToken) -> String {
    serde_json::to_string(token).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(name: &str) -> ProgressToken {
        ProgressToken(rmcp::model::NumberOrString::String(name.into()))
    }

    #[test]
    fn a_pending_route_is_in_place_under_the_token_the_request_is_sent_with() {
        let routes = ProgressRoutes::default();
        let pending = PendingRoute::register(&routes, CallerNotifier::Nobody, token("caller"));
        // What rmcp queues: the marker, and the token it stamped.
        let mut meta = RequestMetaObject::default();
        pending.mark(&mut meta);
        meta.set_progress_token(token("upstream-7"));
        settle_pending(&routes, &mut meta);
        assert!(
            meta.get(ROUTE_MARKER_META).is_none(),
            "the marker is not sent"
        );
        let key = progress_key(&token("upstream-7"));
        let routed = routes
            .lock()
            .unwrap()
            .get(&key)
            .map(|(_, token)| token.clone());
        assert_eq!(routed, Some(token("caller")));
        // Settling after the relay moved it changes nothing; nothing pending is left.
        pending.settle(&key);
        assert_eq!(routes.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_route_never_sent_is_settled_by_its_caller_or_dropped() {
        let routes = ProgressRoutes::default();
        let pending = PendingRoute::register(&routes, CallerNotifier::Nobody, token("caller"));
        pending.settle("\"upstream-8\"");
        assert!(routes.lock().unwrap().contains_key("\"upstream-8\""));
        let abandoned = PendingRoute::register(&routes, CallerNotifier::Nobody, token("other"));
        drop(abandoned);
        assert_eq!(routes.lock().unwrap().len(), 1);
    }
}
