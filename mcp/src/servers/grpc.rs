//! gRPC servers: an upstream's unary and server-streaming methods as tools, through the host's [`GrpcUpstream`], under the MCP upstream timeout.
//!
//! The host reads the descriptors and speaks protobuf (see `grpc_host.rs`); this server turns
//! its answers into tool results, a stream's messages into progress notifications, and bounds
//! each call by the deadline and the caller's cancellation.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use rmcp::ErrorData;
use rmcp::model::{
    CallToolResponse, CallToolResult, ContentBlock, ProgressNotificationParam, ProgressToken, Tool,
};
use serde_json::{Value, json};
use tokio::sync::OnceCell;

use crate::grpc_host::{GrpcCallError, GrpcMessages, GrpcTool, GrpcUpstream, GrpcUpstreams};
use crate::host::GrpcSource;
use crate::tool_server::{CallerNotifier, ToolCall, ToolServer, tool_error};

/// One gRPC upstream. Its tools are listed by the host on first use and kept while the
/// definition is unchanged; a failed listing is tried again on the next request.
pub(crate) struct GrpcServer {
    server_id: String,
    upstream: Arc<dyn GrpcUpstream>,
    /// Bounds a whole call, a stream that keeps sending included.
    timeout: Duration,
    tools: OnceCell<Vec<Tool>>,
}

impl GrpcServer {
    pub fn build(
        server_id: &str,
        source: &GrpcSource,
        timeout: Duration,
        upstreams: &dyn GrpcUpstreams,
    ) -> Result<Arc<dyn ToolServer>, String> {
        Ok(Arc::new(GrpcServer {
            server_id: server_id.to_owned(),
            upstream: upstreams.open(server_id, source, timeout)?,
            timeout,
            tools: OnceCell::new(),
        }))
    }

    async fn tools(&self) -> Result<&Vec<Tool>, ErrorData> {
        self.tools
            .get_or_try_init(|| async {
                let tools = self
                    .upstream
                    .list_tools()
                    .await
                    .map_err(|reason| self.unavailable(&reason))?;
                Ok::<_, ErrorData>(tools.iter().filter_map(to_rmcp_tool).collect())
            })
            .await
    }

    fn unavailable(&self, reason: &str) -> ErrorData {
        ErrorData::internal_error(format!("grpc server {}: {reason}", self.server_id), None)
    }
}

#[async_trait]
impl ToolServer for GrpcServer {
    async fn list_tools(&self) -> Result<Vec<Tool>, ErrorData> {
        self.tools().await.cloned()
    }

    async fn call_tool(&self, call: ToolCall) -> Result<CallToolResponse, ErrorData> {
        // The methods are read before the deadline starts, as a listing reads them.
        self.tools().await?;
        let progress = StreamProgress {
            token: call.progress_token.clone(),
            notifier: &call.notifier,
        };
        let work = self.upstream.call_tool(
            &call.name,
            call.arguments.clone().unwrap_or_default(),
            &progress,
        );
        let outcome = tokio::select! {
            outcome = tokio::time::timeout(self.timeout, work) => match outcome {
                Ok(outcome) => outcome,
                Err(_) => {
                    return Ok(tool_error(format!(
                        "grpc call timed out after {} s",
                        self.timeout.as_secs()
                    )));
                }
            },
            () = call.cancel.cancelled() => return Ok(tool_error("cancelled by the client")),
        };
        match outcome {
            Ok(value) => Ok(success(value)),
            Err(GrpcCallError::UnknownTool(name)) => Err(ErrorData::invalid_params(
                format!("unknown tool: {name}"),
                None,
            )),
            Err(GrpcCallError::Unavailable(reason)) => Err(self.unavailable(&reason)),
            // Text only: structured content would have to match the tool's output schema.
            Err(GrpcCallError::Failed(text)) => Ok(tool_error(text)),
        }
    }
}

/// A stream's messages as progress notifications, when the caller asked for progress.
struct StreamProgress<'call> {
    token: Option<ProgressToken>,
    notifier: &'call CallerNotifier,
}

#[async_trait]
impl GrpcMessages for StreamProgress<'_> {
    async fn message(&self, count: usize, json: String) {
        let Some(token) = &self.token else {
            return;
        };
        let progress =
            ProgressNotificationParam::new(token.clone(), count as f64).with_message(json);
        if let Err(error) = self.notifier.progress(progress).await {
            tracing::debug!(%error, "grpc stream progress not delivered");
        }
    }
}

fn to_rmcp_tool(tool: &GrpcTool) -> Option<Tool> {
    let mut definition = json!({
        "name": tool.name,
        "description": tool.description,
        "inputSchema": tool.input_schema,
    });
    if let Some(output_schema) = &tool.output_schema {
        definition["outputSchema"] = json!(output_schema);
    }
    serde_json::from_value(definition)
        .inspect_err(|error| tracing::warn!(tool = %tool.name, %error, "grpc tool dropped"))
        .ok()
}

fn success(value: Value) -> CallToolResponse {
    let text = value.to_string();
    let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
    if value.is_object() {
        result.structured_content = Some(value);
    }
    CallToolResponse::Complete(result)
}

#[cfg(test)]
mod tests {
    //! The server over a fake host: what the host answers becomes results, errors and progress.

    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use rmcp::model::{ErrorCode, NumberOrString};
    use tokio::sync::mpsc;
    use tokio_util::sync::CancellationToken;

    use super::*;

    /// What the fake upstream does when called.
    #[derive(Clone, Copy)]
    enum Behaviour {
        /// Sends two messages, then answers them gathered.
        Stream,
        Fail,
        UnknownTool,
        /// Never answers; records that the call was dropped.
        Hang,
    }

    struct FakeUpstream {
        behaviour: Behaviour,
        /// Listings that fail before one succeeds.
        failed_listings: AtomicUsize,
        listings: AtomicUsize,
        dropped: Arc<AtomicBool>,
    }

    struct FakeUpstreams(Mutex<Option<Arc<FakeUpstream>>>);

    impl GrpcUpstreams for FakeUpstreams {
        fn open(
            &self,
            _server_id: &str,
            _source: &GrpcSource,
            _timeout: Duration,
        ) -> Result<Arc<dyn GrpcUpstream>, String> {
            let upstream = self.0.lock().unwrap().clone().ok_or("no upstream")?;
            Ok(upstream)
        }
    }

    /// Sets `dropped` when the call's future is dropped before it ends.
    struct DropFlag(Arc<AtomicBool>);

    impl Drop for DropFlag {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[async_trait]
    impl GrpcUpstream for FakeUpstream {
        async fn list_tools(&self) -> Result<Vec<GrpcTool>, String> {
            self.listings.fetch_add(1, Ordering::SeqCst);
            if self
                .failed_listings
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                    left.checked_sub(1)
                })
                .is_ok()
            {
                return Err("server reflection failed: Unavailable: down".into());
            }
            let Value::Object(input_schema) = json!({"type": "object", "properties": {}}) else {
                unreachable!()
            };
            Ok(vec![GrpcTool {
                name: "Shelf_Watch".into(),
                description: "Streams a shelf.".into(),
                input_schema,
                output_schema: None,
            }])
        }

        async fn call_tool(
            &self,
            tool: &str,
            _arguments: serde_json::Map<String, Value>,
            messages: &dyn GrpcMessages,
        ) -> Result<Value, GrpcCallError> {
            match self.behaviour {
                Behaviour::Stream => {
                    messages.message(1, r#"{"id":"a"}"#.into()).await;
                    messages.message(2, r#"{"id":"b"}"#.into()).await;
                    Ok(json!({"messages": [{"id": "a"}, {"id": "b"}], "truncated": false}))
                }
                Behaviour::Fail => Err(GrpcCallError::Failed(
                    "grpc status NotFound (5): no such shelf".into(),
                )),
                Behaviour::UnknownTool => Err(GrpcCallError::UnknownTool(tool.to_owned())),
                Behaviour::Hang => {
                    let _flag = DropFlag(self.dropped.clone());
                    std::future::pending().await
                }
            }
        }
    }

    fn server(
        behaviour: Behaviour,
        failed_listings: usize,
    ) -> (Arc<dyn ToolServer>, Arc<FakeUpstream>) {
        let upstream = Arc::new(FakeUpstream {
            behaviour,
            failed_listings: AtomicUsize::new(failed_listings),
            listings: AtomicUsize::new(0),
            dropped: Arc::new(AtomicBool::new(false)),
        });
        let upstreams = FakeUpstreams(Mutex::new(Some(upstream.clone())));
        let server = GrpcServer::build(
            "shelves",
            &GrpcSource::default(),
            Duration::from_millis(200),
            &upstreams,
        )
        .unwrap();
        (server, upstream)
    }

    fn call(
        progress_token: Option<ProgressToken>,
    ) -> (ToolCall, mpsc::Receiver<ProgressNotificationParam>) {
        let (sender, receiver) = mpsc::channel(8);
        let call = ToolCall {
            name: "Shelf_Watch".into(),
            arguments: None,
            progress_token,
            notifier: CallerNotifier::Reply(sender),
            cancel: CancellationToken::new(),
            meta: None,
            input_responses: None,
            request_state: None,
        };
        (call, receiver)
    }

    fn completed(response: CallToolResponse) -> CallToolResult {
        match response {
            CallToolResponse::Complete(result) => result,
            _ => panic!("not a completed call"),
        }
    }

    fn text(result: &CallToolResult) -> String {
        result.content[0].as_text().unwrap().text.clone()
    }

    #[tokio::test]
    async fn a_streams_messages_are_progress_when_asked_and_the_result_gathers_them() {
        let (server, _) = server(Behaviour::Stream, 0);
        let token = ProgressToken(NumberOrString::Number(7));
        let (asked, mut progress) = call(Some(token.clone()));
        let result = completed(server.call_tool(asked).await.unwrap());
        assert_eq!(result.is_error, Some(false));
        assert_eq!(
            result.structured_content,
            Some(json!({"messages": [{"id": "a"}, {"id": "b"}], "truncated": false}))
        );
        let mut heard = Vec::new();
        while let Ok(notification) = progress.try_recv() {
            assert_eq!(notification.progress_token, token);
            heard.push((notification.progress, notification.message.unwrap()));
        }
        assert_eq!(
            heard,
            [
                (1.0, r#"{"id":"a"}"#.to_owned()),
                (2.0, r#"{"id":"b"}"#.to_owned())
            ]
        );

        let (unasked, mut progress) = call(None);
        completed(server.call_tool(unasked).await.unwrap());
        assert!(progress.try_recv().is_err(), "no token, no progress");
    }

    #[tokio::test]
    async fn a_failed_listing_is_an_error_naming_the_server_and_is_tried_again() {
        let (server, upstream) = server(Behaviour::Stream, 1);
        let error = server.list_tools().await.unwrap_err();
        assert_eq!(error.code, ErrorCode::INTERNAL_ERROR);
        assert_eq!(
            error.message,
            "grpc server shelves: server reflection failed: Unavailable: down"
        );
        let tools = server.list_tools().await.unwrap();
        assert_eq!(tools.len(), 1);
        assert_eq!(tools[0].name, "Shelf_Watch");
        assert_eq!(tools[0].description.as_deref(), Some("Streams a shelf."));
        // Kept once read.
        server.list_tools().await.unwrap();
        assert_eq!(upstream.listings.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn the_hosts_errors_keep_their_protocol_shapes() {
        let (failing, _) = server(Behaviour::Fail, 0);
        let result = completed(failing.call_tool(call(None).0).await.unwrap());
        assert_eq!(result.is_error, Some(true));
        assert_eq!(text(&result), "grpc status NotFound (5): no such shelf");
        assert_eq!(result.structured_content, None);

        let (unknown, _) = server(Behaviour::UnknownTool, 0);
        let error = unknown.call_tool(call(None).0).await.unwrap_err();
        assert_eq!(error.code, ErrorCode::INVALID_PARAMS);
        assert_eq!(error.message, "unknown tool: Shelf_Watch");

        let (unlisted, _) = server(Behaviour::Stream, 1);
        let error = unlisted.call_tool(call(None).0).await.unwrap_err();
        assert_eq!(error.code, ErrorCode::INTERNAL_ERROR);

        let refused = GrpcServer::build(
            "shelves",
            &GrpcSource::default(),
            Duration::from_secs(1),
            &FakeUpstreams(Mutex::new(None)),
        )
        .err()
        .unwrap();
        assert_eq!(refused, "no upstream");
    }

    #[tokio::test]
    async fn a_call_ends_at_the_deadline_or_the_callers_cancel_and_is_dropped_upstream() {
        let (server, upstream) = server(Behaviour::Hang, 0);
        let result = completed(server.call_tool(call(None).0).await.unwrap());
        assert_eq!(result.is_error, Some(true));
        assert!(
            text(&result).starts_with("grpc call timed out"),
            "{}",
            text(&result)
        );
        assert!(upstream.dropped.load(Ordering::SeqCst));

        let (server, upstream) = self::server(Behaviour::Hang, 0);
        let (cancelled, _) = call(None);
        let cancel = cancelled.cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            cancel.cancel();
        });
        let result = completed(server.call_tool(cancelled).await.unwrap());
        assert_eq!(text(&result), "cancelled by the client");
        assert!(upstream.dropped.load(Ordering::SeqCst));
    }
}
