//! Progress from an upstream routed to the downstream caller that asked for it, in stream order: the routing table and the transport wrapper that reads it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rmcp::model::{JsonRpcMessage, ProgressToken, ServerNotification};
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
        item: TxJsonRpcMessage<RoleClient>,
    ) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
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

/// The key a progress token is routed by (tokens are strings or numbers).
pub(super) fn progress_key(token: &ProgressToken) -> String {
    serde_json::to_string(token).unwrap_or_default()
}
