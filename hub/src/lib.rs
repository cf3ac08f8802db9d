//! The aiproxy server: storage, configuration, the gRPC control plane, and the one listener that
//! serves relay, MCP and panel. The only crate that knows SQL, Redis, protobuf and sockets.
//!
//! `main` only parses flags and calls [`run`] with a bound listener and a shutdown future, so
//! tests boot the whole server on port 0 exactly as production does.

pub mod access;
pub mod alerts;
pub mod balances;
pub mod edges;
pub mod governance;
pub mod import;
pub mod logs;
pub mod mcp_host;
pub mod model_catalogue;
pub mod process;
pub mod relay_host;
pub mod snapshot;
pub mod store;

use crate::edges::{
    cors, declarative, grpc, metrics, panel, rest, server, status, upstream_oauth_callback,
};
use crate::governance::{governor, limits, rates};
use crate::process::redis_link;
use crate::relay_host::{plugin_cache, responses_index, shared_health, video_jobs};
use crate::snapshot::replicas;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Router;
use axum::routing::get;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::edges::admin_key::{AdminKey, AdminKeyOrigin};
use relay::host::UsageSink;
use tower_http::metrics::in_flight_requests::{InFlightRequestsCounter, InFlightRequestsLayer};

use crate::edges::metrics::Metrics;
use crate::edges::status::StatusState;
use crate::mcp_host::admin::AdminTools as McpAdminTools;
use crate::mcp_host::bridge::McpBridge;
use crate::process::settings::Settings;
use crate::snapshot::SnapshotCell;
use crate::snapshot::changes::ChangeFeed;
use crate::store::Store;

/// The main database with its secret key (`SECRET_KEY`, else the key file in `DATA_DIR`).
/// Every stored secret is opened once here, so a wrong key stops startup with a message naming
/// the column and the key it was written with, and rows still in plain text (from before
/// encryption) are sealed.
pub async fn open_main_store(settings: &Settings) -> anyhow::Result<Store> {
    let (sealer, origin) = store::Sealer::resolve(
        settings.secret_key.as_deref(),
        settings.secret_key_previous.as_deref(),
        &settings.data_dir,
    )?;
    if let store::sealed::SecretKeyOrigin::Generated(path) = &origin {
        tracing::info!(path = %path.display(), "generated a secret key for the stored secrets");
    }
    let store = Store::open(&settings.main_dsn(), sealer)
        .await
        .context("cannot open the main database (SQL_DSN or SQLITE_PATH)")?;
    let report = store
        .seal_secrets(false)
        .await
        .context("cannot read the stored secrets")?;
    if report.sealed > 0 {
        tracing::info!(
            sealed = report.sealed,
            "stored secrets written in plain text were encrypted with SECRET_KEY"
        );
    }
    Ok(store)
}

/// Runs the server on `listener` until `shutdown` resolves, then drains in-flight requests
/// (bounded by `SHUTDOWN_GRACE_SECONDS`) and stops every background task.
pub async fn run(
    settings: Settings,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let store = open_main_store(&settings).await?;
    let (admin_key, origin) = AdminKey::resolve(settings.admin_key.as_deref(), &settings.data_dir)?;
    if let AdminKeyOrigin::Generated(path) = &origin {
        // Printed once, on the terminal only: tracing output may be shipped elsewhere.
        eprintln!(
            "aiproxy: generated an admin key (stored in {}): {}",
            path.display(),
            admin_key.expose()
        );
    }
    let changes = ChangeFeed::new();
    if let Some(path) = &settings.config_file_path {
        // Its writes are audited as the configuration file's.
        let operation = Arc::new(access::Operation::new(
            access::AdminPrincipal::config_file(),
            access::CONFIG_FILE_ACTOR,
            String::new(),
        ));
        let report = access::run(
            operation,
            declarative::apply_file(&store, &changes, path, settings.group_max_token_num),
        )
        .await
        .with_context(|| format!("cannot apply CONFIG_FILE_PATH={}", path.display()))?;
        tracing::info!(file = %path.display(), "configuration file applied: {report}");
    }
    let snapshot = SnapshotCell::load(store.clone())
        .await
        .context("cannot load the configuration")?;

    let background = CancellationToken::new();
    let (redis, redis_client) = match &settings.redis {
        Some(url) => {
            let (link, client) = connect_redis(url, &settings, &changes, &background).await?;
            (Some(link), Some(client))
        }
        None => (None, None),
    };
    tokio::spawn(snapshot.clone().keep_fresh(
        changes.clone(),
        Duration::from_secs(settings.config_poll_seconds),
        background.clone().cancelled_owned(),
    ));

    let log_store = match &settings.log_sql_dsn {
        Some(dsn) if !dsn.trim().is_empty() => Store::connect(dsn)
            .await
            .context("cannot open the log database (LOG_SQL_DSN)")?,
        _ => store.clone(),
    };
    let alerts = alerts::Alerts::start(alerts::AlertConfig {
        webhook_url: settings.notify_webhook_url.clone(),
        format: alerts::WebhookFormat::parse(&settings.notify_webhook_format).unwrap_or_default(),
        throttle: Duration::from_secs(settings.notify_throttle_seconds),
        shared: redis.as_ref().map(|link| alerts::webhook::SharedThrottle {
            link: link.clone(),
            prefix: format!("{}:", settings.redis_key_prefix),
        }),
    });
    let (log_writer, log_writer_task) = logs::writer::try_spawn(logs::entry::WriterConfig {
        store: log_store.clone(),
        // A separate log database cannot share a transaction with the balances.
        billing_store: settings
            .log_sql_dsn
            .as_deref()
            .is_some_and(|dsn| !dsn.trim().is_empty())
            .then(|| store.clone()),
        store_rows: settings.log_requests,
        detail_max_bytes: settings.log_detail_max_bytes,
        flush_timeout: settings.shutdown_grace(),
        alerts: Some(alerts.clone()),
        access_log: settings.access_log,
        queue_capacity: usize::try_from(settings.log_queue_capacity).unwrap_or(usize::MAX),
        journal: settings.log_journal(),
    })
    .context("cannot open the request-log journal (LOG_JOURNAL_DIR)")?;
    // Old request logs and bodies are deleted in small batches (LOG_STORAGE_HOURS,
    // LOG_DETAIL_STORAGE_HOURS); stops with the other background tasks.
    if settings.audit_retention_days > 0 {
        tokio::spawn(logs::retention::run_audit(
            store.clone(),
            settings.audit_retention_days,
            background.clone(),
        ));
    }
    let retention = logs::retention::RetentionConfig::from_settings(&settings);
    let retention_snapshot = snapshot.clone();
    tokio::spawn(logs::retention::run(
        log_store.clone(),
        move || retention.with_options(&retention_snapshot.current().runtime),
        background.clone(),
    ));
    let metrics = Metrics::new();
    let in_flight = InFlightRequestsCounter::new();
    metrics.set_sources(metrics::ScrapeSources {
        in_flight: in_flight.clone(),
        log_writer: log_writer.clone(),
        db_pool: {
            let pool = store.pool().clone();
            Box::new(move || {
                (
                    i64::from(pool.size()),
                    i64::try_from(pool.num_idle()).unwrap_or(i64::MAX),
                )
            })
        },
    });
    // Limits and reservations live in Redis when replicas share one, else in this process.
    let counters = match &redis {
        Some(link) => limits::Counters::redis(
            link.clone(),
            format!("{}:", settings.redis_key_prefix),
            limits::CountersConfig::default(),
        )
        .await
        .context("cannot load the limit scripts into REDIS")?,
        None => limits::Counters::memory(limits::CountersConfig::default()),
    };
    // Requests and tokens per minute now, shared by the replicas with a Redis.
    let live_rates = match &redis {
        Some(link) => rates::LiveRates::shared(link.clone(), &settings.redis_key_prefix),
        None => rates::LiveRates::local(),
    };
    tokio::spawn(
        live_rates
            .clone()
            .run_sharing(background.clone().cancelled_owned()),
    );
    let billing = governor::BillingSink::new(
        log_writer.clone(),
        metrics.clone(),
        counters.clone(),
        snapshot.clone(),
        alerts.clone(),
        settings.billing_enabled,
        live_rates.clone(),
    );
    let usage: Arc<dyn UsageSink> = Arc::new(billing.clone());
    let governor = Arc::new(governor::HubGovernor::new(
        snapshot.clone(),
        counters,
        store.clone(),
        governor::GovernorConfig {
            billing_enabled: settings.billing_enabled,
            time_zone: settings.quota_time_zone,
            ip_groups_threshold: settings.ip_groups_threshold,
            ip_groups_ban_threshold: settings.ip_groups_ban_threshold,
            save_all_log_detail: settings.save_all_log_detail,
            log_admission: log_writer.admission(),
        },
        alerts.clone(),
    ));
    let relay_config = relay_config(&settings);
    // Bans and high error rates of channel/model pairs are raised as alerts.
    // With a Redis, the replicas share channel health: a pair banned on one is banned on all.
    let channel_health = match (&redis, redis_client) {
        (Some(link), Some(client)) => shared_health::SharedHealth::with_redis(
            relay_config.ban,
            client,
            link.manager(),
            &settings.redis_key_prefix,
            background.clone().cancelled_owned(),
        ),
        _ => shared_health::SharedHealth::local(relay_config.ban),
    };
    let health = Arc::new(alerts::AlertingHealth::new(
        channel_health.clone(),
        alerts.clone(),
        {
            let snapshot = snapshot.clone();
            let from_environment = settings.notify_error_rate_threshold;
            Box::new(move || {
                snapshot
                    .current()
                    .runtime
                    .default_warn_notify_error_rate
                    .unwrap_or(from_environment)
            })
        },
        {
            let snapshot = snapshot.clone();
            Box::new(move |channel_id| snapshot.current().channel_error_rates(channel_id))
        },
    ));
    // With a Redis, the replicas share the cache plugin's answers, and any replica can route a
    // stored response's id back to its channel.
    let cache_store = redis.as_ref().map(|link| {
        Arc::new(plugin_cache::RedisCacheStore::new(
            link.manager(),
            &settings.redis_key_prefix,
        )) as Arc<dyn relay::plugin::CacheStore>
    });
    let response_index = redis.as_ref().map(|link| {
        Arc::new(responses_index::RedisResponseIndex::new(
            link.manager(),
            &settings.redis_key_prefix,
        )) as Arc<dyn relay::host::ResponseIndex>
    });
    // Video jobs are billed when they complete, once, by whichever replica sees it first.
    let video_biller = video_jobs::VideoBiller {
        governor: governor.clone(),
        log: log_writer.clone(),
        snapshot: snapshot.clone(),
    };
    let video_jobs: Arc<dyn relay::host::VideoJobs> = match &redis {
        Some(link) => Arc::new(video_jobs::HubVideoJobs::redis(
            link.manager(),
            &settings.redis_key_prefix,
            video_biller,
        )),
        None => Arc::new(video_jobs::HubVideoJobs::memory(
            video_biller,
            relay_config.memory.video_jobs,
        )),
    };
    let relay_host = relay::RelayHost {
        health: Some(health),
        governor: Some(governor.clone()),
        response_index,
        cache_store,
        video_jobs: Some(video_jobs),
        spending: Some(governor.clone()),
        span_ids: Some(Arc::new(process::telemetry::ExportedSpanIds)),
        ..relay::RelayHost::new(snapshot.clone(), snapshot.clone(), usage.clone())
    };
    let relay = relay::Relay::new(relay_config, relay_host).context("cannot build the relay")?;
    relay.spawn_background(background.clone().cancelled_owned());

    let balance_checker =
        balances::BalanceChecker::new(store.clone(), changes.clone(), alerts.clone());
    if settings.channel_balance_refresh_seconds > 0 {
        tokio::spawn(balance_checker.clone().run(
            Duration::from_secs(settings.channel_balance_refresh_seconds),
            background.clone(),
        ));
    }
    let access = access::Access::new(admin_key.clone(), Some(snapshot.clone()));
    let mcp_bridge = Arc::new(McpBridge::new(
        snapshot.clone(),
        settings.save_all_log_detail,
        billing.clone(),
    ));
    let admin_tools = Arc::new(McpAdminTools {
        store: store.clone(),
        changes: changes.clone(),
        snapshot: snapshot.clone(),
        group_max_tokens: settings.group_max_token_num,
        access: access.clone(),
    });
    // Remote servers' tool pins: observations recorded in the background, alerts raised.
    let (tool_pins, pin_writes) = mcp_host::pins::HubPins::new(snapshot.clone());
    tokio::spawn(mcp_host::pins::run_writer(
        mcp_host::pins::PinWriter {
            store: store.clone(),
            changes: changes.clone(),
            alerts: alerts.clone(),
            pins: tool_pins.clone(),
        },
        pin_writes,
    ));
    let mcp_config = mcp_config(&settings);
    let mcp_openapi_compact_above_bytes = mcp_config.openapi_compact_above_bytes;
    let public_mcp_host = mcp_config.public_host.is_some();
    // With REDIS, MCP sessions opened on one replica are reachable from every other.
    let shared_mcp_sessions = match (&settings.redis, &redis) {
        (Some(url), Some(link)) => Some(
            mcp_host::sessions::shared(
                url,
                link.manager(),
                &settings.redis_key_prefix,
                mcp_config.session_idle_timeout,
                background.clone(),
            )
            .await?,
        ),
        _ => None,
    };
    // OAuth 2.1 for MCP clients, when MCP_OAUTH_PUBLIC_URL and MCP_OAUTH_ISSUERS are set.
    let mcp_oauth = mcp_host::oauth::from_settings(
        mcp_host::oauth::PublicAddress {
            public_url: settings.mcp_oauth_public_url.as_deref(),
            public_host: mcp_config.public_host.as_deref(),
        },
        settings.mcp_oauth_issuers.as_deref(),
        snapshot.clone(),
        settings.save_all_log_detail,
    )
    .map_err(anyhow::Error::msg)?;
    // Upstream OAuth: each group's tokens for proxied servers that want them, in the database.
    let upstream_auth = Arc::new(mcp_host::upstream_oauth::UpstreamAuthorizations::new(
        store.clone(),
        settings
            .mcp_oauth_public_url
            .as_deref()
            .or(settings.mcp_upstream_oauth_public_url.as_deref()),
    ));
    let mcp_service = mcp::McpService::with_options(
        mcp_config,
        mcp_bridge.clone(),
        mcp_bridge.clone(),
        mcp::McpServiceOptions {
            admin: Some(admin_tools),
            // The relay's governor admits tool calls too.
            gate: Some(governor.clone()),
            sse_sessions: shared_mcp_sessions
                .as_ref()
                .map(|shared| shared.sse.clone()),
            sessions: shared_mcp_sessions.map(|shared| shared.streamable),
            pins: Some(tool_pins),
            traces: Some(Arc::new(process::telemetry::MetaClientTraces)),
            oauth: mcp_oauth,
            upstream_tokens: Some(upstream_auth.clone()),
            grpc: Some(Arc::new(mcp_host::grpc::GrpcClient)),
        },
    );
    let control_plane = grpc::ControlPlane {
        store: store.clone(),
        log_store: log_store.clone(),
        changes: changes.clone(),
        access: access.clone(),
        group_max_tokens: settings.group_max_token_num,
        mcp_templates: mcp::embedded_templates().to_vec(),
        mcp_openapi_compact_above_bytes,
        quota_time_zone: settings.quota_time_zone,
        clean_log_batch_size: settings.clean_log_batch_size,
        channel_health: channel_health.clone(),
        live_rates: live_rates.clone(),
        channel_tester: Some(grpc::ChannelTester {
            relay: relay.clone(),
            snapshot: snapshot.clone(),
        }),
        balances: balance_checker.clone(),
        mcp_calls: Some(grpc::mcp_calls::McpCalls {
            service: mcp_service.clone(),
            bridge: mcp_bridge.clone(),
        }),
        upstream_auth: Some(upstream_auth.clone()),
    };
    let trusted_proxies: Arc<[ipnet::IpNet]> = settings.trusted_proxies.clone().into();
    let mcp_routes = mcp_service
        .router()
        .layer(axum::middleware::from_fn_with_state(
            trusted_proxies.clone(),
            decide_client_ip,
        ));
    // The seed's host-based mode also answers `/sse` (and its `/message`) at the root.
    let mcp_host_routes = public_mcp_host.then(|| {
        mcp_service
            .host_router()
            .layer(axum::middleware::from_fn_with_state(
                trusted_proxies.clone(),
                decide_client_ip,
            ))
    });
    // The seed-compatible REST admin API over the same services. The control plane learns the
    // client address the relay would use (trusted proxies), for its audit trail.
    let rest_routes = rest::router(
        control_plane.clone(),
        rest::RestOptions {
            allow_query_key: settings.admin_api_query_key,
            snapshot: snapshot.clone(),
        },
    )
    .layer(axum::middleware::from_fn_with_state(
        trusted_proxies.clone(),
        decide_client_ip,
    ));
    let grpc_routes = grpc::router(control_plane)
        .layer(axum::middleware::from_fn_with_state(
            snapshot.clone(),
            fresh_after_writes,
        ))
        .layer(axum::middleware::from_fn_with_state(
            trusted_proxies.clone(),
            decide_client_ip,
        ));
    let status_state = Arc::new(StatusState {
        started,
        store: store.clone(),
        redis,
        last_probe: Arc::default(),
        log_writer: Some(log_writer.clone()),
    });
    let relay_routes = relay.router().layer(InFlightRequestsLayer::new(in_flight));
    let app = Router::new()
        .route("/api/status", get(status::status))
        .with_state(status_state)
        .merge(metrics::router(metrics.clone(), Some(admin_key.clone())))
        .merge(relay_routes)
        .merge(panel::router())
        .merge(rest_routes)
        .merge(upstream_oauth_callback::router(upstream_auth))
        .nest("/mcp", mcp_routes)
        .merge(grpc_routes);
    let app = match mcp_host_routes {
        Some(routes) => app.merge(routes),
        None => app,
    };
    // RFC 9728 metadata of the MCP endpoints, at the root's well-known paths.
    let app = match mcp_service.protected_resource_router() {
        Some(routes) => app.merge(routes),
        None => app,
    };
    // Last, so it wraps every route: a browser's preflight is answered before any auth.
    let app = app.layer(cors::layer(settings.cors()));

    if let Some(address) = settings.metrics_listen {
        // A private address serving only /metrics, without a key: what a Prometheus inside
        // the network scrapes.
        let metrics_listener = TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen on METRICS_LISTEN={address}"))?;
        tokio::spawn(server::serve(
            metrics_listener,
            metrics::router(metrics, None),
            background.clone().cancelled_owned(),
            settings.listener(),
        ));
    }
    tracing::info!(
        listen = %listener.local_addr().map_or_else(|_| "?".into(), |addr| addr.to_string()),
        database = status::dialect_name(store.dialect()),
        panel = panel::is_embedded(),
        ready_ms = started.elapsed().as_millis() as u64,
        "aiproxy is ready"
    );
    let drained = server::serve(listener, app, shutdown, settings.listener()).await?;
    background.cancel();
    // The router (and with it the relay's usage sink) is gone once serve returns; dropping the
    // relay lets the writer see the end of its queue and flush what is left.
    drop(relay);
    // Settles still running update the shared counters; let them land before the writer's last
    // batch so counters and charged rows agree.
    billing.drain().await;
    log_writer_task.finish().await;
    log_store.close().await;
    if !drained {
        tracing::warn!("some requests were still running when the grace period ended");
    }
    store.close().await;
    tracing::info!("aiproxy stopped");
    Ok(())
}

async fn connect_redis(
    url: &str,
    settings: &Settings,
    changes: &ChangeFeed,
    background: &CancellationToken,
) -> anyhow::Result<(redis_link::RedisLink, redis::Client)> {
    // The URL may hold a password: name the variable, never echo the value.
    let client = redis::Client::open(url).context("REDIS is not a valid redis:// URL")?;
    let connection = redis_link::connect(client.clone(), settings.redis_timeouts())
        .await
        .context("cannot connect to REDIS")?;
    tokio::spawn(replicas::bridge_changes(
        client.clone(),
        connection.clone(),
        settings.redis_key_prefix.clone(),
        changes.clone(),
        background.clone().cancelled_owned(),
    ));
    Ok((redis_link::RedisLink::new(connection), client))
}

fn mcp_config(settings: &Settings) -> mcp::McpConfig {
    mcp::McpConfig {
        allowed_hosts: settings.mcp_allowed_hosts.clone(),
        allowed_origins: settings.mcp_allowed_origins.clone(),
        max_sessions_per_token: settings.mcp_max_sessions_per_token,
        openapi_compact_above_bytes: (settings.mcp_openapi_compact_above_bytes > 0)
            .then_some(settings.mcp_openapi_compact_above_bytes),
        key_in_url: settings.mcp_key_in_url,
        public_host: settings
            .public_mcp_host
            .as_deref()
            .map(str::trim)
            .filter(|host| !host.is_empty())
            .map(str::to_owned),
        ..mcp::McpConfig::default()
    }
}

/// Hands the MCP service the client address the relay would use (the trusted-proxy rule).
async fn decide_client_ip(
    axum::extract::State(trusted_proxies): axum::extract::State<Arc<[ipnet::IpNet]>>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip());
    if let Some(peer) = peer {
        let ip = relay::client_ip(peer, request.headers(), &trusted_proxies);
        request.extensions_mut().insert(mcp::ClientIp(ip));
    }
    next.run(request).await
}

fn relay_config(settings: &Settings) -> relay::RelayConfig {
    relay::RelayConfig {
        max_body_bytes: settings.max_body_bytes,
        retry_times: settings.retry_times,
        trusted_proxies: settings.trusted_proxies.clone(),
        detail_max_bytes: settings.log_detail_max_bytes,
        memory: memory_bounds(settings),
        ..relay::RelayConfig::default()
    }
}

/// The `MEMORY_*` settings, for the relay's in-process stores and the hub's own video jobs.
pub fn memory_bounds(settings: &Settings) -> relay::MemoryBounds {
    let count = |value: u64| usize::try_from(value).unwrap_or(usize::MAX);
    relay::MemoryBounds {
        response_cache_bytes: settings.memory_response_cache_bytes,
        follow_conversations: count(settings.memory_follow_conversations),
        response_ids: count(settings.memory_response_ids),
        video_jobs: count(settings.memory_video_jobs),
    }
}

/// Makes a control-plane write visible to the very next request: once a mutating RPC has
/// answered, the snapshot is reloaded if the store's revision moved.
async fn fresh_after_writes(
    axum::extract::State(snapshot): axum::extract::State<Arc<SnapshotCell>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let read_only = is_read_only_rpc(request.uri().path());
    let response = next.run(request).await;
    if !read_only && let Err(error) = snapshot.refresh_if_stale().await {
        tracing::warn!(%error, "cannot refresh the configuration after a write");
    }
    response
}

/// Reads by the RPC table (`access::policy`); health and reflection read too.
fn is_read_only_rpc(path: &str) -> bool {
    access::policy::rpc_of_path(path).is_none_or(|rpc| !access::policy::rule(rpc).write)
}
