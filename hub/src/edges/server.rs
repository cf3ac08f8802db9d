//! The one listener: HTTP/1.1 and HTTP/2 cleartext on one port, serving the relay, MCP, status and
//! the gRPC control plane, with connection limits, header and idle timeouts, and graceful shutdown.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use bytes::Bytes;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, watch};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;
use tower_http::trace::TraceLayer;

/// How the listener treats connections. Every field is a setting (`hub::process::settings`).
#[derive(Clone, Debug)]
pub struct ListenerConfig {
    /// Time in-flight requests get after shutdown is asked for.
    pub grace: Duration,
    /// An HTTP/1 request head (request line and headers) must arrive within this time, counted
    /// from the first poll for it: a client trickling header lines cannot hold a connection.
    pub header_read_timeout: Duration,
    /// A connection with no request in flight for this long is closed (HTTP/1 keep-alive and
    /// HTTP/2 alike). A response still streaming counts as in flight, however quiet.
    pub idle_timeout: Duration,
    /// A request body must have arrived whole this long after its head: a client trickling a
    /// body cannot hold a handler (and its connection) for ever.
    pub body_read_timeout: Duration,
    /// Connections served at once; beyond it, accepting waits until one closes.
    pub max_connections: usize,
    /// Connections served at once from one peer address; beyond it, a new one is closed at
    /// once. 0: no cap (behind a load balancer every connection has the balancer's address).
    pub max_connections_per_address: usize,
}

impl ListenerConfig {
    /// Defaults that match the settings' defaults, with `grace` as given.
    pub fn with_grace(grace: Duration) -> ListenerConfig {
        ListenerConfig {
            grace,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            body_read_timeout: Duration::from_secs(120),
            max_connections: 10_000,
            max_connections_per_address: 0,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then gives in-flight requests up to
/// `config.grace` to finish. Returns whether every connection closed within the grace period;
/// connections still open then are dropped before this returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    config: ListenerConfig,
) -> std::io::Result<bool> {
    // Outermost first: the id is set, then every request runs in a span carrying it, so each
    // log line (and exported trace) of a request names its id. The relay's own layer chooses
    // it for every route (a client's plain id, else a time-ordered UUID v7), so the id in a log
    // line, the response header and the usage record is one and the same.
    let app = app
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(axum::middleware::from_fn(relay::assign_request_id));
    let builder = Arc::new(connection_builder(&config));
    // A permit per open connection: accepting waits for one, so the process never holds more
    // sockets than the cap while the kernel's backlog absorbs the surplus.
    let permits = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let per_address = AddressCounts::new(config.max_connections_per_address);
    let draining = CancellationToken::new();
    let abandoned = CancellationToken::new();
    // Every connection task holds a sender; `recv` answers `None` once all of them are gone.
    let (open_connections, mut all_closed) = mpsc::channel::<()>(1);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            () = &mut shutdown => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_closed) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    on_accept_error(&error).await;
                    continue;
                }
            },
        };
        let Some(address_slot) = per_address.claim(peer.ip()) else {
            tracing::debug!(%peer, "too many connections from this address: closed");
            continue;
        };
        // Without TCP_NODELAY, Nagle's algorithm holds small SSE chunks back by up to 40 ms.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "cannot set TCP_NODELAY on an accepted socket");
        }
        tokio::spawn(serve_connection(Connection {
            stream,
            peer,
            app: app.clone(),
            builder: builder.clone(),
            idle_timeout: config.idle_timeout,
            body_read_timeout: config.body_read_timeout,
            draining: draining.clone(),
            abandoned: abandoned.clone(),
            _held: (permit, address_slot, open_connections.clone()),
        }));
    }
    drop(listener);
    tracing::info!("shutdown requested: no new connections, draining in-flight requests");
    draining.cancel();
    drop(open_connections);
    let drained = tokio::time::timeout(config.grace, all_closed.recv())
        .await
        .is_ok();
    if !drained {
        tracing::warn!(
            grace_seconds = config.grace.as_secs(),
            "grace period over: closing remaining connections"
        );
        abandoned.cancel();
        // The tasks drop their connections at once; waiting for that lets the caller flush
        // the request log knowing no handler is still producing rows.
        let _ = tokio::time::timeout(Duration::from_secs(1), all_closed.recv()).await;
    }
    Ok(drained)
}

/// The HTTP/1 read buffer, which bounds a request head: hyper's default (about 400 KiB) times
/// `MAX_CONNECTIONS` slow clients would be gigabytes held for headers no client of a gateway
/// needs. HTTP/2 heads are bounded by hyper's 16 KiB header list limit.
const MAX_HTTP1_BUFFER_BYTES: usize = 64 * 1024;

fn connection_builder(config: &ListenerConfig) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    // hyper enforces the header timeout only when it has a timer.
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout)
        .max_buf_size(MAX_HTTP1_BUFFER_BYTES)
        .keep_alive(true);
    // Pings find peers that vanished without a FIN; the idle rule closes quiet ones.
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(config.idle_timeout)
        .keep_alive_timeout(Duration::from_secs(20));
    builder
}

/// A failed accept is the peer's problem when the connection died in the backlog; anything
/// else (out of file descriptors) is the process's, and retrying at once would spin.
async fn on_accept_error(error: &std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset | ErrorKind::ConnectionRefused
    ) {
        return;
    }
    tracing::warn!(%error, "cannot accept a connection; retrying in 100 ms");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// One accepted connection and what it holds until it closes.
struct Connection {
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    builder: Arc<auto::Builder<TokioExecutor>>,
    idle_timeout: Duration,
    body_read_timeout: Duration,
    /// Cancelled when shutdown starts: finish what is in flight, take nothing new.
    draining: CancellationToken,
    /// Cancelled when the grace period is over: drop the connection.
    abandoned: CancellationToken,
    /// Released on close: the connection permit, the per-address slot, the open-connection mark.
    _held: (OwnedSemaphorePermit, AddressSlot, mpsc::Sender<()>),
}

async fn serve_connection(connection: Connection) {
    let Connection {
        stream,
        peer,
        app,
        builder,
        idle_timeout,
        body_read_timeout,
        draining,
        abandoned,
        _held,
    } = connection;
    let activity = Activity::new();
    let service = {
        let activity = activity.clone();
        hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let mut request = request.map(|body| {
                Body::new(Deadline {
                    body,
                    expires_at: Instant::now() + body_read_timeout,
                    timer: None,
                })
            });
            request.extensions_mut().insert(ConnectInfo(peer));
            let busy = activity.begin();
            let app = app.clone();
            async move {
                let response = app.oneshot(request).await;
                // The body carries the mark: a stream stays "in flight" until its last byte.
                response.map(|response| response.map(|body| Body::new(Tracked { body, busy })))
            }
        })
    };
    let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
    let mut connection = std::pin::pin!(connection);
    let mut closing = false;
    loop {
        tokio::select! {
            served = connection.as_mut() => {
                if let Err(error) = served {
                    tracing::debug!(%peer, %error, "connection ended with an error");
                }
                return;
            }
            () = draining.cancelled(), if !closing => {
                closing = true;
                connection.as_mut().graceful_shutdown();
            }
            () = activity.idle_for(idle_timeout), if !closing => {
                tracing::debug!(%peer, "idle connection closed");
                closing = true;
                connection.as_mut().graceful_shutdown();
            }
            () = abandoned.cancelled() => return,
        }
    }
}

/// Requests in flight on one connection and since when it has had none.
#[derive(Clone)]
struct Activity {
    state: Arc<watch::Sender<ActivityState>>,
}

#[derive(Clone, Copy)]
struct ActivityState {
    in_flight: usize,
    idle_since: Instant,
}

impl Activity {
    fn new() -> Activity {
        Activity {
            state: Arc::new(watch::Sender::new(ActivityState {
                in_flight: 0,
                idle_since: Instant::now(),
            })),
        }
    }

    fn begin(&self) -> Busy {
        self.state.send_modify(|state| state.in_flight += 1);
        Busy {
            state: self.state.clone(),
        }
    }

    /// Resolves once no request has been in flight for `timeout`.
    async fn idle_for(&self, timeout: Duration) {
        let mut changes = self.state.subscribe();
        loop {
            let state = *changes.borrow_and_update();
            if state.in_flight > 0 {
                if changes.changed().await.is_err() {
                    return std::future::pending().await;
                }
                continue;
            }
            tokio::select! {
                () = tokio::time::sleep_until(state.idle_since + timeout) => return,
                changed = changes.changed() => {
                    if changed.is_err() {
                        return std::future::pending().await;
                    }
                }
            }
        }
    }
}

/// One request in flight; dropped when its response body is finished or abandoned.
struct Busy {
    state: Arc<watch::Sender<ActivityState>>,
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.state.send_modify(|state| {
            state.in_flight = state.in_flight.saturating_sub(1);
            if state.in_flight == 0 {
                state.idle_since = Instant::now();
            }
        });
    }
}

/// A response body that keeps its request counted as in flight until hyper drops it.
struct Tracked {
    body: Body,
    #[expect(dead_code, reason = "held for its Drop")]
    busy: Busy,
}

impl http_body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// A request body that fails once its deadline passes before its end arrived.
struct Deadline {
    body: Incoming,
    expires_at: Instant,
    /// Armed the first time the body has to wait: a body that is there whenever it is read
    /// (most requests) costs no timer.
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
}

/// The error a reader of a body past its deadline sees.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive within the body read timeout")]
struct BodyTooSlow;

impl http_body::Body for Deadline {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::BoxError>>> {
        match Pin::new(&mut self.body).poll_frame(cx) {
            Poll::Ready(frame) => Poll::Ready(frame.map(|frame| frame.map_err(Into::into))),
            Poll::Pending => {
                let expires_at = self.expires_at;
                let timer = self
                    .timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(expires_at)));
                match timer.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(BodyTooSlow.into()))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}

/// Open connections per peer address, when capped.
#[derive(Clone)]
struct AddressCounts {
    cap: usize,
    counts: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// One connection's place in its address's count.
struct AddressSlot {
    owner: Option<(AddressCounts, IpAddr)>,
}

impl AddressCounts {
    fn new(cap: usize) -> AddressCounts {
        AddressCounts {
            cap,
            counts: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    fn claim(&self, address: IpAddr) -> Option<AddressSlot> {
        if self.cap == 0 {
            return Some(AddressSlot { owner: None });
        }
        let mut counts = self.counts.lock().ok()?;
        let count = counts.entry(address).or_insert(0);
        if *count >= self.cap {
            return None;
        }
        *count += 1;
        Some(AddressSlot {
            owner: Some((self.clone(), address)),
        })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let Some((owner, address)) = self.owner.take() else {
            return;
        };
        let Ok(mut counts) = owner.counts.lock() else {
            return;
        };
        // Addresses without connections are forgotten, so the map stays as large as what is open.
        if let Some(count) = counts.get_mut(&address) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.remove(&address);
            }
        }
    }
}

/// The span of one HTTP request: method, path (never the query, which may hold a key) and the
/// request id set by the layer outside it. A SERVER span continuing the client's trace when
/// its `traceparent` parses.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .map(loggable_request_id)
        .unwrap_or_default();
    let span = tracing::info_span!(
        "request",
        "otel.kind" = "server",
        method = %request.method(),
        path = request.uri().path(),
        request_id,
    );
    if let Some(client) = relay::trace_context::ClientTrace::from_headers(request.headers()) {
        crate::process::telemetry::continue_client_trace(&span, &client);
    }
    span
}

/// Longest client request id copied into log lines.
const MAX_LOGGED_REQUEST_ID: usize = 128;

/// A client's `x-request-id` as every log line of its request carries it: up to
/// [`MAX_LOGGED_REQUEST_ID`] bytes of id characters, else nothing, so a client cannot make each
/// of its log lines as large as a header may be, nor forge log syntax.
fn loggable_request_id(id: &str) -> &str {
    let sane = id.len() <= MAX_LOGGED_REQUEST_ID
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'));
    if sane { id } else { "" }
}

/// Resolves on SIGTERM or SIGINT (Ctrl-C). The handlers are installed when this is called, not
/// when the future is first polled: `main` calls it before startup (migrations, the config
/// file, warm-up), so a signal that arrives while the server is still starting stops it
/// gracefully once it serves instead of killing the process mid-migration.
pub fn termination_signal() -> impl Future<Output = ()> + Send + 'static {
    use tokio::signal::unix::{SignalKind, signal};
    let listen = |kind: SignalKind, name: &'static str| match signal(kind) {
        Ok(signal) => Some(signal),
        Err(error) => {
            tracing::error!(%error, "cannot listen for {name}");
            None
        }
    };
    let terminate = listen(SignalKind::terminate(), "SIGTERM");
    let interrupt = listen(SignalKind::interrupt(), "SIGINT");
    async move {
        let wait = |signal: Option<tokio::signal::unix::Signal>| async move {
            match signal {
                Some(mut signal) => {
                    signal.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = wait(terminate) => {}
            () = wait(interrupt) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_request_ids_reach_log_lines() {
        assert_eq!(loggable_request_id("abc-123_x.y"), "abc-123_x.y");
        assert_eq!(loggable_request_id(&"a".repeat(128)).len(), 128);
        assert_eq!(loggable_request_id(&"a".repeat(129)), "");
        assert_eq!(loggable_request_id("a b"), "");
        assert_eq!(loggable_request_id("a\"level\":\"error"), "");
    }

    /// A relay that refuses every key: each request still ends in a usage record.
    struct NoKeys;

    impl relay::host::Gatekeeper for NoKeys {
        fn authenticate(
            &self,
            _api_key: &str,
            _client_ip: std::net::IpAddr,
        ) -> Result<tenancy::Caller, tenancy::AuthError> {
            Err(tenancy::AuthError::InvalidKey)
        }
    }

    struct NoChannels;

    impl relay::host::ChannelDirectory for NoChannels {
        fn route(&self, _caller: &tenancy::Caller, _model: &str) -> Option<relay::host::Route> {
            None
        }
        fn models(&self, _caller: &tenancy::Caller) -> Vec<relay::host::ModelEntry> {
            Vec::new()
        }
    }

    #[derive(Default)]
    struct Records(std::sync::Mutex<Vec<relay::host::UsageRecord>>);

    impl relay::host::UsageSink for Records {
        fn record(&self, record: relay::host::UsageRecord) {
            self.0.lock().unwrap().push(record);
        }
    }

    #[tokio::test]
    async fn one_time_ordered_request_id_from_the_listener_to_the_usage_record() {
        let records = Arc::new(Records::default());
        let host = relay::RelayHost::new(Arc::new(NoKeys), Arc::new(NoChannels), records.clone());
        let relay = relay::Relay::new(relay::RelayConfig::default(), host).unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = CancellationToken::new();
        let server = tokio::spawn(serve(
            listener,
            relay.router(),
            stop.clone().cancelled_owned(),
            ListenerConfig::with_grace(Duration::from_secs(1)),
        ));
        let client = reqwest::Client::new();
        let url = format!("http://{addr}/v1/chat/completions");
        let body = serde_json::json!({"model": "m", "messages": []});
        let answer = client.post(&url).json(&body).send().await.unwrap();
        assert_eq!(answer.status(), 401);
        let id = answer.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        let uuid = uuid::Uuid::parse_str(&id).unwrap();
        assert_eq!(uuid.get_version(), Some(uuid::Version::SortRand), "{id}");
        // A client's own plain id is kept, end to end.
        let answer = client
            .post(&url)
            .header("x-request-id", "client-chosen-42")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.headers()["x-request-id"], "client-chosen-42");
        stop.cancel();
        assert!(server.await.unwrap().unwrap());
        let ids = records
            .0
            .lock()
            .unwrap()
            .iter()
            .map(|record| record.request_id.clone())
            .collect::<Vec<_>>();
        assert_eq!(ids, [id.as_str(), "client-chosen-42"]);
    }
}
