//! A proxy of a 2026-07-28 upstream carries resource subscriptions and list changes of both eras' callers over the upstream's `subscriptions/listen` stream.
//!
//! The upstream is rmcp's own 2026-07-28 server, which keeps count of the streams it serves,
//! sends updates when a test asks it to, and ends streams (one at a time, or every one at once
//! while it "flaps").

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcp::{McpConfig, Scope, ServerKind};
use rmcp::model::{
    ClientCapabilities, ClientConfig, Implementation, ListResourcesResult, PaginatedRequestParams,
    ProtocolVersion, ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource,
    ResourceContents, ServerCapabilities, ServerConfig, ServerNotification, SubscribeRequestParams,
    SubscriptionFilter, UnsubscribeRequestParams,
};
use rmcp::service::{
    ClientLifecycleMode, ClientServiceExt, RequestContext, RoleClient, RoleServer, RunningService,
    SubscriptionContext, SubscriptionSink,
};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ClientHandler, ErrorData, ServerHandler};

use crate::common::{self, FakeDirectory, caller, remote_detected, serve, server};
use crate::offerings::{Heard, client};

const NOTE: &str = "mem://note";
const OTHER: &str = "mem://other";
/// A URI the upstream does not let anyone subscribe to.
const REFUSED: &str = "secret://refused";

/// One open stream: its accepted filter, the sink to send on, and what ends it.
type OpenStream = (
    SubscriptionFilter,
    SubscriptionSink,
    Arc<tokio::sync::Notify>,
);

/// The `subscriptions/listen` streams the upstream has open.
#[derive(Clone, Default)]
struct Streams(Arc<Mutex<HashMap<u64, OpenStream>>>);

impl Streams {
    fn filters(&self) -> Vec<SubscriptionFilter> {
        self.0
            .lock()
            .unwrap()
            .values()
            .map(|(filter, _, _)| filter.clone())
            .collect()
    }

    fn sinks(&self) -> Vec<SubscriptionSink> {
        self.0
            .lock()
            .unwrap()
            .values()
            .map(|(_, sink, _)| sink.clone())
            .collect()
    }

    /// The upstream ends every open stream (gracefully, with its final result).
    fn end_all(&self) {
        for (_, _, end) in self.0.lock().unwrap().values() {
            end.notify_one();
        }
    }

    /// `uri` changed: every stream subscribed to it hears so.
    async fn touch(&self, uri: &str) {
        for sink in self.sinks() {
            // A stream not subscribed to `uri` refuses it: nothing to send there.
            let _ = sink.notify_resource_updated(uri).await;
        }
    }

    async fn change_tools(&self) {
        for sink in self.sinks() {
            let _ = sink.notify_tool_list_changed().await;
        }
    }

    /// Waits (at most 15 s: sessions that end are noticed within the proxy's sweep) until the
    /// open streams' filters satisfy `check`.
    async fn until(&self, what: &str, check: impl Fn(&[SubscriptionFilter]) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let filters = self.filters();
            if check(&filters) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "upstream streams never came to {what}: {filters:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn subscribed(filter: &SubscriptionFilter) -> Vec<&str> {
    filter
        .resource_subscriptions
        .iter()
        .flatten()
        .map(String::as_str)
        .collect()
}

#[derive(Clone)]
struct Upstream {
    streams: Streams,
    /// How many streams were opened so far.
    next_stream: Arc<AtomicU64>,
    /// While set, every stream ends as soon as it is acknowledged.
    flapping: Arc<AtomicBool>,
    /// While set, a new stream's request first makes the open streams carry an update of this
    /// URI, then the new stream carries it too once acknowledged: the update an upstream sends
    /// to both streams while its client changes filter.
    update_on_change: Arc<Mutex<Option<String>>>,
}

impl ServerHandler for Upstream {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_tool_list_changed()
                .enable_resources()
                .enable_resources_subscribe()
                .build(),
        )
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(vec![
            Resource::new(NOTE, "note"),
            Resource::new(OTHER, "other"),
            Resource::new(REFUSED, "refused"),
        ]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        Ok(ReadResourceResult::new(vec![ResourceContents::text("text", request.uri)]).into())
    }

    fn accepted_subscription_filter(
        &self,
        requested: &SubscriptionFilter,
    ) -> Option<SubscriptionFilter> {
        let mut accepted = requested.clone();
        if let Some(uris) = accepted.resource_subscriptions.as_mut() {
            uris.retain(|uri| uri.starts_with("mem://"));
        }
        let update = self.update_on_change.lock().unwrap().clone();
        if let Some(uri) = update {
            // Sent (and given time to arrive) on the open streams before this one is
            // acknowledged: this hook is synchronous and runs before the acknowledgment.
            let streams = self.streams.clone();
            tokio::task::block_in_place(|| {
                tokio::runtime::Handle::current().block_on(async {
                    streams.touch(&uri).await;
                    tokio::time::sleep(Duration::from_millis(150)).await;
                });
            });
        }
        Some(accepted)
    }

    async fn listen(&self, context: SubscriptionContext) -> Result<(), ErrorData> {
        let id = self.next_stream.fetch_add(1, Ordering::Relaxed);
        if self.flapping.load(Ordering::Relaxed) {
            return Ok(());
        }
        let end = Arc::new(tokio::sync::Notify::new());
        self.streams.0.lock().unwrap().insert(
            id,
            (
                context.accepted().clone(),
                context.sink().clone(),
                end.clone(),
            ),
        );
        let update = self.update_on_change.lock().unwrap().clone();
        if let Some(uri) = update {
            let _ = context.sink().notify_resource_updated(uri).await;
        }
        tokio::select! {
            () = context.cancelled() => {}
            () = end.notified() => {}
        }
        self.streams.0.lock().unwrap().remove(&id);
        Ok(())
    }
}

/// The upstream on a fresh port, and a gateway proxying it as `notes` (revision detected).
async fn proxied_upstream() -> (Streams, common::Running) {
    let (upstream, gateway) = proxied_upstream_handle().await;
    (upstream.streams, gateway)
}

/// [`proxied_upstream`], with the upstream's switches.
async fn proxied_upstream_handle() -> (Upstream, common::Running) {
    let streams = Streams::default();
    let upstream = Upstream {
        streams: streams.clone(),
        next_stream: Arc::default(),
        flapping: Arc::default(),
        update_on_change: Arc::default(),
    };
    let handle = upstream.clone();
    let service = StreamableHttpService::new(
        move || Ok(upstream.clone()),
        LocalSessionManager::default().into(),
        StreamableHttpServerConfig::default(),
    );
    let app = axum::Router::new().nest_service("/mcp", service);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let directory = FakeDirectory {
        tokens: [("tok-a".to_owned(), caller("ga", 1, None))].into(),
        servers: vec![server(
            "notes",
            Scope::Public,
            ServerKind::ProxyStreamable(remote_detected(format!("http://{address}/mcp"), &[])),
        )],
    };
    (handle, serve(directory, McpConfig::default()).await)
}

async fn next_heard(heard: &mut tokio::sync::mpsc::UnboundedReceiver<Heard>) -> Heard {
    tokio::time::timeout(Duration::from_secs(10), heard.recv())
        .await
        .expect("the session heard nothing")
        .unwrap()
}

#[expect(
    deprecated,
    reason = "the session era's subscription is what is tested"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_era_caller_subscribes_through_the_upstream_s_stream() {
    let (streams, gateway) = proxied_upstream().await;
    let (session, mut heard) = client(gateway.url("/public/notes"), "tok-a").await;
    let capabilities = session.peer().peer_info().unwrap().capabilities.clone();
    assert_eq!(
        capabilities
            .resources
            .and_then(|resources| resources.subscribe),
        Some(true),
        "the upstream's subscriptions are offered"
    );

    session
        .peer()
        .subscribe(SubscribeRequestParams::new(NOTE))
        .await
        .unwrap();
    // One stream upstream, with the URI and the list changes the upstream declares.
    // The upstream learns of a stream's end (and registers a new one) a moment after the
    // proxy moved on: wait for that.
    streams
        .until("one stream with the URI and the list changes", |filters| {
            filters.len() == 1
                && subscribed(&filters[0]) == [NOTE]
                && filters[0].tools_list_changed == Some(true)
        })
        .await;

    streams.touch(NOTE).await;
    assert_eq!(
        next_heard(&mut heard).await,
        Heard::Updated(NOTE.to_owned())
    );
    streams.change_tools().await;
    assert_eq!(next_heard(&mut heard).await, Heard::ToolsChanged);

    // A URI the upstream refuses is refused to the caller, and leaves the stream as it was.
    let refused = session
        .peer()
        .subscribe(SubscribeRequestParams::new(REFUSED))
        .await;
    assert!(refused.is_err(), "{refused:?}");

    // Unsubscribing narrows the stream; the session still hears the list changes.
    session
        .peer()
        .unsubscribe(UnsubscribeRequestParams::new(NOTE))
        .await
        .unwrap();
    streams
        .until("one stream without URIs", |filters| {
            filters.len() == 1 && subscribed(&filters[0]).is_empty()
        })
        .await;
    streams.touch(NOTE).await;
    streams.change_tools().await;
    assert_eq!(next_heard(&mut heard).await, Heard::ToolsChanged);

    // Once the session is gone, nobody listens: the stream closes.
    session.cancel().await.unwrap();
    streams.until("closed", |filters| filters.is_empty()).await;
}

/// A 2026-07-28 client that only opens streams.
#[derive(Clone)]
struct Listening;

impl ClientHandler for Listening {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::default(),
            Implementation::new("listen-test", "1"),
        )
    }
}

async fn connect_2026(url: &str) -> RunningService<RoleClient, Listening> {
    let config = StreamableHttpClientTransportConfig::with_uri(url).auth_header("tok-a");
    let transport = StreamableHttpClientTransport::with_client(reqwest::Client::new(), config);
    Listening
        .serve_with_lifecycle(
            transport,
            ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
        )
        .await
        .unwrap()
}

async fn next_notification(stream: &mut rmcp::service::Subscription) -> ServerNotification {
    tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .expect("the stream carried nothing")
        .unwrap()
        .expect("the stream ended")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2026_caller_s_stream_reaches_the_upstream_s_and_ends_with_it() {
    let (streams, gateway) = proxied_upstream().await;
    let caller = connect_2026(&gateway.url("/public/notes")).await;
    // The proxy connects on first use; a caller lists before it listens.
    caller.peer().list_all_resources().await.unwrap();
    let filter = SubscriptionFilter::builder()
        .tools_list_changed()
        .resource_subscriptions([NOTE, OTHER])
        .build();
    let mut stream = caller.peer().listen(filter).await.unwrap();
    streams
        .until("the caller's URIs", |filters| {
            filters.len() == 1 && subscribed(&filters[0]) == [NOTE, OTHER]
        })
        .await;

    streams.touch(OTHER).await;
    match next_notification(&mut stream).await {
        ServerNotification::ResourceUpdatedNotification(updated) => {
            assert_eq!(updated.params.uri, OTHER);
        }
        other => panic!("expected the update of {OTHER}, got {other:?}"),
    }
    streams.change_tools().await;
    let changed = next_notification(&mut stream).await;
    assert!(
        matches!(changed, ServerNotification::ToolListChangedNotification(_)),
        "{changed:?}"
    );

    // The caller's stream ends: the upstream's ends too.
    drop(stream);
    streams.until("closed", |filters| filters.is_empty()).await;
    caller.cancel().await.unwrap();
}

/// A session-era session of `gateway` subscribed to `uri` on `notes`, once the upstream's
/// stream carries it.
#[expect(
    deprecated,
    reason = "the session era's subscription is what drives the upstream's stream"
)]
async fn subscribed_session(
    gateway: &common::Running,
    streams: &Streams,
    uri: &str,
) -> (
    crate::offerings::Client,
    tokio::sync::mpsc::UnboundedReceiver<Heard>,
) {
    let (session, heard) = client(gateway.url("/public/notes"), "tok-a").await;
    session
        .peer()
        .subscribe(SubscribeRequestParams::new(uri))
        .await
        .unwrap();
    streams
        .until("one stream with the URI", |filters| {
            filters.len() == 1 && subscribed(&filters[0]).contains(&uri)
        })
        .await;
    (session, heard)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_the_upstream_ends_is_reopened_at_once() {
    let (upstream, gateway) = proxied_upstream_handle().await;
    let streams = upstream.streams.clone();
    let (_session, mut heard) = subscribed_session(&gateway, &streams, NOTE).await;
    let opened = upstream.next_stream.load(Ordering::Relaxed);
    streams.end_all();
    let ended_at = tokio::time::Instant::now();
    // Well before the 5 s check that used to reopen it.
    while upstream.next_stream.load(Ordering::Relaxed) == opened {
        assert!(
            ended_at.elapsed() < Duration::from_secs(2),
            "not reopened within 2 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    streams
        .until("the new stream alone", |filters| {
            filters.len() == 1 && subscribed(&filters[0]) == [NOTE]
        })
        .await;
    streams.touch(NOTE).await;
    assert_eq!(
        next_heard(&mut heard).await,
        Heard::Updated(NOTE.to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upstream_that_keeps_ending_the_stream_is_asked_ever_less_often() {
    let (upstream, gateway) = proxied_upstream_handle().await;
    let streams = upstream.streams.clone();
    let (_session, _heard) = subscribed_session(&gateway, &streams, NOTE).await;
    upstream.flapping.store(true, Ordering::Relaxed);
    let before = upstream.next_stream.load(Ordering::Relaxed);
    streams.end_all();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let reopened = upstream.next_stream.load(Ordering::Relaxed) - before;
    // At once, then after 0.2, 0.4, 0.8 and 1.6 s: a handful, not one per round trip, and
    // more than the one a 5 s check would make.
    assert!((3..=8).contains(&reopened), "{reopened} streams in 3 s");
    // Once the upstream keeps a stream again, the proxy is back on one.
    upstream.flapping.store(false, Ordering::Relaxed);
    streams
        .until("a stream kept open", |filters| {
            filters.len() == 1 && subscribed(&filters[0]) == [NOTE]
        })
        .await;
}

#[expect(
    deprecated,
    reason = "the session era's subscription is what drives the upstream's stream"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_update_sent_while_the_filter_changes_is_heard_once() {
    let (upstream, gateway) = proxied_upstream_handle().await;
    let streams = upstream.streams.clone();
    let (session, mut heard) = subscribed_session(&gateway, &streams, NOTE).await;
    // The next change of filter: the upstream sends the update of NOTE on the old stream,
    // then acknowledges the new one and sends it there too.
    *upstream.update_on_change.lock().unwrap() = Some(NOTE.to_owned());
    session
        .peer()
        .subscribe(SubscribeRequestParams::new(OTHER))
        .await
        .unwrap();
    *upstream.update_on_change.lock().unwrap() = None;
    assert_eq!(
        next_heard(&mut heard).await,
        Heard::Updated(NOTE.to_owned())
    );
    let again = tokio::time::timeout(Duration::from_secs(1), heard.recv()).await;
    assert!(again.is_err(), "heard twice: {again:?}");
    // A later update of the same URI is no echo: it is heard.
    streams
        .until("one stream with both URIs", |filters| {
            filters.len() == 1 && subscribed(&filters[0]) == [NOTE, OTHER]
        })
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    streams.touch(NOTE).await;
    assert_eq!(
        next_heard(&mut heard).await,
        Heard::Updated(NOTE.to_owned())
    );
}

#[expect(
    deprecated,
    reason = "the session era's subscription is what drives the upstream's stream"
)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_most_1024_distinct_uris_are_subscribed_through_one_proxy() {
    let (streams, gateway) = proxied_upstream().await;
    // 256 per session, the most one session may hold.
    let mut sessions = Vec::new();
    for session_index in 0..4 {
        let (session, _) = client(gateway.url("/public/notes"), "tok-a").await;
        for uri_index in 0..256 {
            let uri = format!("mem://many/{session_index}/{uri_index}");
            session
                .peer()
                .subscribe(SubscribeRequestParams::new(uri))
                .await
                .unwrap();
        }
        sessions.push(session);
    }
    streams
        .until("one stream with 1024 URIs", |filters| {
            filters.len() == 1 && subscribed(&filters[0]).len() == 1024
        })
        .await;
    // The 1,025th distinct URI is refused, saying why; the stream stays as it was.
    let (late, _) = client(gateway.url("/public/notes"), "tok-a").await;
    let refused = late
        .peer()
        .subscribe(SubscribeRequestParams::new("mem://many/late"))
        .await
        .unwrap_err();
    let rmcp::service::ServiceError::McpError(refused) = refused else {
        panic!("not a JSON-RPC error: {refused:?}");
    };
    assert_eq!(refused.code, rmcp::model::ErrorCode::INVALID_REQUEST);
    assert!(
        refused.message.contains("at most 1024"),
        "{}",
        refused.message
    );
    // A URI someone already subscribed to costs no room.
    late.peer()
        .subscribe(SubscribeRequestParams::new("mem://many/0/0"))
        .await
        .unwrap();
    // Unsubscribing frees room for it.
    sessions[3]
        .peer()
        .unsubscribe(UnsubscribeRequestParams::new("mem://many/3/255"))
        .await
        .unwrap();
    late.peer()
        .subscribe(SubscribeRequestParams::new("mem://many/late"))
        .await
        .unwrap();
    streams
        .until("the late URI in place of the freed one", |filters| {
            let uris = filters.first().map(subscribed).unwrap_or_default();
            filters.len() == 1
                && uris.len() == 1024
                && uris.contains(&"mem://many/late")
                && !uris.contains(&"mem://many/3/255")
        })
        .await;
}
