//! A session-era caller's `logging/setLevel` applies to its own session only.
//!
//! Two sessions at different levels on the same server, on Streamable HTTP and on legacy SSE,
//! embedded and proxied.
#![expect(
    deprecated,
    reason = "logging/setLevel is deprecated upstream (SEP-2577); the session era is what is tested"
)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use mcp::{McpConfig, Scope};
use rmcp::model::{
    CallToolRequestParams, ClientCapabilities, ClientConfig, Implementation, LoggingLevel,
    LoggingMessageNotificationParam, SetLevelRequestParams,
};
use rmcp::service::{NotificationContext, RoleClient, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ClientHandler, ServiceExt};
use serde_json::{Value, json};

use crate::common::{
    self, FakeDirectory, Running, caller, embedded, everything_proxy, serve, server,
};

/// The tool of the `everything` fixture that logs three messages at `info`.
const LOGGING_TOOL: &str = "test_tool_with_logging";

/// `kitchen` serves `everything` itself; `stream` proxies an upstream's, whose log messages
/// the gateway passes on.
async fn gateway() -> (Running, Running) {
    let upstream = common::upstream().await;
    let stream = server("stream", Scope::Public, everything_proxy(&upstream));
    let kitchen = server("kitchen", Scope::Public, embedded("everything", &[]));
    let directory = FakeDirectory {
        tokens: [("tok-a".to_owned(), caller("ga", 1, None))].into(),
        servers: vec![kitchen, stream],
    };
    (serve(directory, McpConfig::default()).await, upstream)
}

/// A session-era client that keeps the log messages it hears.
#[derive(Clone, Default)]
struct Listening(Arc<Mutex<Vec<LoggingLevel>>>);

impl ClientHandler for Listening {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("log-levels", "1"),
        )
    }

    async fn on_logging_message(
        &self,
        params: LoggingMessageNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.0.lock().unwrap().push(params.level);
    }
}

/// How many log messages a session at `level` hears from one call of [`LOGGING_TOOL`], over
/// Streamable HTTP.
async fn streamable_session(
    url: String,
    level: LoggingLevel,
) -> (RunningService<RoleClient, Listening>, Listening) {
    let listening = Listening::default();
    let config = StreamableHttpClientTransportConfig::with_uri(url).auth_header("tok-a");
    let transport = StreamableHttpClientTransport::with_client(reqwest::Client::new(), config);
    let session = listening.clone().serve(transport).await.unwrap();
    session
        .peer()
        .set_level(SetLevelRequestParams::new(level))
        .await
        .unwrap();
    (session, listening)
}

async fn call_logging_tool(session: &RunningService<RoleClient, Listening>) {
    let call = CallToolRequestParams::new(LOGGING_TOOL);
    session.peer().call_tool(call).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_streamable_session_hears_logs_from_its_own_level() {
    let (gateway, _upstream) = gateway().await;
    for route in ["kitchen", "stream"] {
        let url = gateway.url(&format!("/public/{route}"));
        let (quiet, quiet_heard) = streamable_session(url.clone(), LoggingLevel::Notice).await;
        let (chatty, chatty_heard) = streamable_session(url, LoggingLevel::Info).await;
        // Interleaved: the second session's level must not change what the first hears.
        for session in [&quiet, &chatty, &quiet] {
            call_logging_tool(session).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(*quiet_heard.0.lock().unwrap(), [], "{route}");
        assert_eq!(
            *chatty_heard.0.lock().unwrap(),
            [LoggingLevel::Info; 3],
            "{route}"
        );
        // A session lowers its level again: from then on it hears them too.
        quiet
            .peer()
            .set_level(SetLevelRequestParams::new(LoggingLevel::Debug))
            .await
            .unwrap();
        call_logging_tool(&quiet).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(quiet_heard.0.lock().unwrap().len(), 3, "{route}");
        quiet.cancel().await.unwrap();
        chatty.cancel().await.unwrap();
    }
}

/// A legacy SSE session driven by hand: its stream's events and the URL its messages go to.
struct SseSession {
    events: futures::stream::BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    buffered: String,
    post_url: String,
}

impl SseSession {
    async fn open(gateway: &Running, path: &str) -> SseSession {
        let stream = reqwest::Client::new()
            .get(gateway.url(path))
            .bearer_auth("tok-a")
            .send()
            .await
            .unwrap();
        assert_eq!(stream.status(), 200);
        let mut session = SseSession {
            events: stream.bytes_stream().boxed(),
            buffered: String::new(),
            post_url: String::new(),
        };
        let endpoint = session.next_data().await;
        session.post_url = format!("http://{}{endpoint}", gateway.address);
        session
            .send(
                json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                "protocolVersion": "2025-11-25", "capabilities": {},
                "clientInfo": {"name": "log-levels", "version": "1"}}}),
            )
            .await;
        session.reply(0).await;
        session
            .send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await;
        session
    }

    async fn next_data(&mut self) -> String {
        loop {
            if let Some(end) = self.buffered.find("\n\n") {
                let event: String = self.buffered.drain(..end + 2).collect();
                if let Some(data) = event.lines().find_map(|line| line.strip_prefix("data: ")) {
                    return data.to_owned();
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), self.events.next())
                .await
                .expect("the stream went quiet")
                .expect("the stream ended")
                .unwrap();
            self.buffered.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    async fn send(&self, message: Value) {
        let status = reqwest::Client::new()
            .post(&self.post_url)
            .bearer_auth("tok-a")
            .json(&message)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 202, "{message}");
    }

    /// Reads the stream up to the reply to request `id`; the log messages heard on the way.
    async fn reply(&mut self, id: i64) -> Vec<Value> {
        let mut logs = Vec::new();
        loop {
            let message: Value = serde_json::from_str(&self.next_data().await).unwrap();
            if message["id"] == id {
                assert!(message.get("error").is_none(), "{message}");
                return logs;
            }
            if message["method"] == "notifications/message" {
                logs.push(message["params"]["level"].clone());
            }
        }
    }

    /// Sets the level, calls [`LOGGING_TOOL`]; the log messages heard up to its result.
    async fn call_at(&mut self, id: i64, level: &str) -> Vec<Value> {
        self.send(
            json!({"jsonrpc": "2.0", "id": id, "method": "logging/setLevel",
            "params": {"level": level}}),
        )
        .await;
        self.reply(id).await;
        self.send(
            json!({"jsonrpc": "2.0", "id": id + 1, "method": "tools/call",
            "params": {"name": LOGGING_TOOL, "arguments": {}}}),
        )
        .await;
        self.reply(id + 1).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_legacy_sse_session_hears_logs_from_its_own_level() {
    let (gateway, _upstream) = gateway().await;
    // The embedded server logs before its result on the same stream, so all three are heard
    // before the reply; the proxied one's trailing messages may come after it, so only its
    // quiet session is checked for silence there, and the chatty one for what came first.
    for route in ["kitchen", "stream"] {
        let path = format!("/public/{route}/sse");
        let mut quiet = SseSession::open(&gateway, &path).await;
        let mut chatty = SseSession::open(&gateway, &path).await;
        let heard_quiet = quiet.call_at(1, "warning").await;
        let heard_chatty = chatty.call_at(1, "debug").await;
        let heard_quiet_again = quiet.call_at(3, "error").await;
        assert_eq!(heard_quiet, Vec::<Value>::new(), "{route}");
        assert_eq!(heard_quiet_again, Vec::<Value>::new(), "{route}");
        if route == "kitchen" {
            assert_eq!(heard_chatty, vec![json!("info"); 3], "{route}");
        } else {
            assert!(!heard_chatty.is_empty(), "{route}");
            assert!(heard_chatty.iter().all(|level| level == "info"), "{route}");
        }
    }
}
