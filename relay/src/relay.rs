//! The relay itself: the router, the request pipeline (client address, auth, body checks, model
//! checks, channel selection, attempts and retries, response relaying) and the background prober.

use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use serde::Deserialize;
use tenancy::Caller;

use crate::adaptor::{Endpoint, adaptor_for, upstream_endpoint, wants_stream_usage};
use crate::client_ip::client_ip;
use crate::config::{RelayBuildError, RelayConfig, Timeouts};
use crate::convert::{ClientTools, ResponseMeta, Wire, convert_request_object, convert_response};
use crate::error::{ErrorBody, RelayError};
use crate::health::{ChannelHealth, InMemoryHealth, Outcome, PairKey};
use crate::host::{
    Admission, AdmissionRequest, Channel, ChannelDirectory, ChannelTimeouts, Gatekeeper, Governor,
    ModelSettings, ResponseIndex, Route, Unlimited, UsageSink,
};
use crate::json::JsonObject;
use crate::multipart::Multipart;
use crate::plugin::{
    Answer, Before, CacheStore, End, Exchange, MemoryCacheStore, PluginRequest, PluginServices,
};
use crate::request_id::{assign_request_id, request_id};
use crate::responses_index::InMemoryResponseIndex;
use crate::select::{Pick, pick};
use crate::stream::{SseOptions, passthrough_body, rename_native_model, sse_body};
use crate::upstream::{ByteStream, Clients, classify, read_body, retry_after, send};
use crate::usage::{Choice, Estimator, OpenAiUsage, PendingRecord, collect_choice_text};
use crate::vocabulary::MAX_CLIENT_NAME_BYTES;

mod stored_responses;

use stored_responses::StoredAction;

/// Largest non-streamed upstream response body the relay buffers (to read usage and rename the
/// model); chat and embedding responses are far below it.
const MAX_BUFFERED_RESPONSE: usize = 64 * 1024 * 1024;
/// Largest upstream error body read to pass on to the client.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Every POST endpoint the relay serves at a fixed path (Gemini's carry the model in the path).
const ENDPOINTS: [Endpoint; 13] = [
    Endpoint::ChatCompletions,
    Endpoint::Completions,
    Endpoint::Embeddings,
    Endpoint::ImagesGenerations,
    Endpoint::ImagesEdits,
    Endpoint::AudioSpeech,
    Endpoint::AudioTranscriptions,
    Endpoint::AudioTranslations,
    Endpoint::Moderations,
    Endpoint::Rerank,
    Endpoint::Messages,
    Endpoint::MessagesCountTokens,
    Endpoint::Responses,
];

/// The OpenAI-compatible relay. Cheap to clone: everything lives behind one `Arc`.
#[derive(Clone)]
pub struct Relay {
    inner: Arc<Inner>,
}

struct Inner {
    config: RelayConfig,
    gatekeeper: Arc<dyn Gatekeeper>,
    directory: Arc<dyn ChannelDirectory>,
    usage: Arc<dyn UsageSink>,
    health: Arc<dyn ChannelHealth>,
    governor: Arc<dyn Governor>,
    plugins: PluginServices,
    clients: Clients,
    /// What the prober needs for each pair this relay banned: the channel as it was, and the
    /// endpoint that failed (which decides the probe request).
    banned: Mutex<HashMap<PairKey, (Arc<Channel>, Endpoint)>>,
    /// Which channel created each stored response; in-process unless the host shares one.
    responses: Arc<dyn ResponseIndex>,
}

/// What the host supplies to a [`Relay`]: who is calling, which channels serve a model and
/// where usage goes, plus the optional services a host may share between replicas. Start from
/// [`RelayHost::new`] and set the optional fields by name.
pub struct RelayHost {
    pub gatekeeper: Arc<dyn Gatekeeper>,
    pub directory: Arc<dyn ChannelDirectory>,
    pub usage: Arc<dyn UsageSink>,
    /// Keeps channel health (bans, success rates), for example shared between replicas; kept
    /// in process ([`InMemoryHealth`] with the configuration's ban policy) when `None`.
    pub health: Option<Arc<dyn ChannelHealth>>,
    /// Admits each request against the host's limits, quotas and balance before it goes
    /// upstream; every request is let through ([`Unlimited`]) when `None`.
    pub governor: Option<Arc<dyn Governor>>,
    /// Remembers which channel stored each response, for example shared between replicas; kept
    /// in process ([`crate::InMemoryResponseIndex`]) when `None`.
    pub response_index: Option<Arc<dyn ResponseIndex>>,
    /// Holds the cache plugin's answers, for example shared between replicas; kept in process
    /// (bounded by [`crate::plugin::DEFAULT_MEMORY_CACHE_BYTES`]) when `None`.
    pub cache_store: Option<Arc<dyn CacheStore>>,
}

impl RelayHost {
    /// The three services every host supplies; the optional ones kept in process.
    pub fn new(
        gatekeeper: Arc<dyn Gatekeeper>,
        directory: Arc<dyn ChannelDirectory>,
        usage: Arc<dyn UsageSink>,
    ) -> RelayHost {
        RelayHost {
            gatekeeper,
            directory,
            usage,
            health: None,
            governor: None,
            response_index: None,
            cache_store: None,
        }
    }
}

impl Relay {
    /// A relay over the host's services; fails on an invalid configuration or when the
    /// upstream HTTP client cannot be built.
    pub fn new(config: RelayConfig, host: RelayHost) -> Result<Relay, RelayBuildError> {
        config.validate()?;
        let clients = Clients::new();
        // Build the default client now so a broken TLS setup fails at start, not per request.
        clients
            .get(None, config.timeouts.connect)
            .map_err(|_| RelayBuildError::InvalidConfig("cannot build the upstream http client"))?;
        let health = host
            .health
            .unwrap_or_else(|| Arc::new(InMemoryHealth::new(config.ban)));
        let governor = host.governor.unwrap_or_else(|| Arc::new(Unlimited));
        let responses = host
            .response_index
            .unwrap_or_else(|| Arc::new(InMemoryResponseIndex::default()));
        let cache = host.cache_store.unwrap_or_else(|| {
            Arc::new(MemoryCacheStore::new(
                crate::plugin::DEFAULT_MEMORY_CACHE_BYTES,
            ))
        });
        // Plugins (web search's query rewrite) may ask the relay itself for a completion: they
        // hold it weakly, since the relay owns them.
        let inner = Arc::new_cyclic(|inner: &std::sync::Weak<Inner>| {
            let completer: std::sync::Weak<dyn crate::plugin::Completer> = inner.clone();
            Inner {
                config,
                gatekeeper: host.gatekeeper,
                directory: host.directory,
                usage: host.usage,
                health,
                governor,
                plugins: PluginServices::new(cache, completer),
                clients,
                banned: Mutex::new(HashMap::new()),
                responses,
            }
        });
        Ok(Relay { inner })
    }

    /// What the relay's plugins keep between requests.
    pub fn plugin_services(&self) -> &PluginServices {
        &self.inner.plugins
    }

    /// The channel health the relay reads and updates.
    pub fn health(&self) -> Arc<dyn ChannelHealth> {
        Arc::clone(&self.inner.health)
    }

    /// The OpenAI-compatible routes. Serve with `into_make_service_with_connect_info::<SocketAddr>`
    /// so the relay sees the socket peer.
    pub fn router(&self) -> Router {
        let mut router = Router::new();
        for endpoint in ENDPOINTS {
            router = router.route(
                endpoint.route(),
                post(
                    move |State(relay): State<Relay>, request: Request| async move {
                        relay
                            .inner
                            .handle(endpoint, UrlFacts::default(), request)
                            .await
                    },
                ),
            );
        }
        router
            .route(
                "/v1beta/models",
                get(|State(relay): State<Relay>, request: Request| async move {
                    relay.inner.models(request).await
                }),
            )
            .route(
                "/v1beta/models/{target}",
                get(|State(relay): State<Relay>, request: Request| async move {
                    relay.inner.models(request).await
                })
                .post(
                    |State(relay): State<Relay>,
                     axum::extract::Path(target): axum::extract::Path<String>,
                     request: Request| async move {
                        match gemini_target(&target) {
                            Some((endpoint, facts)) => {
                                relay.inner.handle(endpoint, facts, request).await
                            }
                            None => {
                                let error = RelayError::UnknownRoute(
                                    request.uri().path().chars().take(200).collect(),
                                );
                                error.response_for(Wire::Gemini, None)
                            }
                        }
                    },
                ),
            )
            .route(
                "/v1/responses/{id}",
                get(
                    |State(relay): State<Relay>,
                     axum::extract::Path(id): axum::extract::Path<String>,
                     request: Request| async move {
                        relay
                            .inner
                            .stored_response(StoredAction::Get, id, request)
                            .await
                    },
                )
                .delete(
                    |State(relay): State<Relay>,
                     axum::extract::Path(id): axum::extract::Path<String>,
                     request: Request| async move {
                        relay
                            .inner
                            .stored_response(StoredAction::Delete, id, request)
                            .await
                    },
                ),
            )
            .route(
                "/v1/responses/{id}/input_items",
                get(
                    |State(relay): State<Relay>,
                     axum::extract::Path(id): axum::extract::Path<String>,
                     request: Request| async move {
                        relay
                            .inner
                            .stored_response(StoredAction::InputItems, id, request)
                            .await
                    },
                ),
            )
            .route(
                "/v1/models",
                get(|State(relay): State<Relay>, request: Request| async move {
                    relay.inner.models(request).await
                }),
            )
            .route(
                "/v1/models/{*model}",
                get(|State(relay): State<Relay>, request: Request| async move {
                    relay.inner.models(request).await
                }),
            )
            .fallback(|State(relay): State<Relay>, request: Request| async move {
                let error =
                    RelayError::UnknownRoute(request.uri().path().chars().take(200).collect());
                relay.inner.reject(request, error)
            })
            .method_not_allowed_fallback(
                |State(relay): State<Relay>, request: Request| async move {
                    relay.inner.reject(request, RelayError::MethodNotAllowed)
                },
            )
            .layer(middleware::from_fn(assign_request_id))
            .with_state(self.clone())
    }

    /// Starts the background work: the tokenizers' tables are built, and the prober runs until
    /// `shutdown` completes (banned pairs are probed every probe interval and return to rotation
    /// when a probe succeeds).
    pub fn spawn_background<F>(&self, shutdown: F) -> tokio::task::JoinHandle<()>
    where
        F: Future + Send + 'static,
        F::Output: Send,
    {
        // The tokenizers' tables take a few hundred milliseconds to build: built now, the first
        // request that counts tokens locally does not wait for them.
        tokio::task::spawn_blocking(crate::tokens::preload);
        let inner = Arc::clone(&self.inner);
        let tick = (inner.config.ban.probe_interval / 2)
            .clamp(Duration::from_millis(5), Duration::from_secs(1));
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(tick);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tokio::pin!(shutdown);
            loop {
                tokio::select! {
                    _ = &mut shutdown => break,
                    _ = interval.tick() => inner.run_probes().await,
                }
            }
        })
    }
}

/// What a Gemini URL says that other protocols put in the body.
#[derive(Debug, Clone, Default)]
struct UrlFacts {
    model: Option<String>,
    stream: bool,
}

/// The endpoint and facts of a Gemini `{model}:{method}` path segment.
fn gemini_target(target: &str) -> Option<(Endpoint, UrlFacts)> {
    let (model, method) = target.rsplit_once(':')?;
    let (endpoint, stream) = match method {
        "generateContent" => (Endpoint::GenerateContent, false),
        "streamGenerateContent" => (Endpoint::GenerateContent, true),
        "countTokens" => (Endpoint::GeminiCountTokens, false),
        _ => return None,
    };
    (!model.is_empty()).then(|| {
        (
            endpoint,
            UrlFacts {
                model: Some(model.to_owned()),
                stream,
            },
        )
    })
}

/// A request body that passed the checks.
struct ParsedRequest {
    model: String,
    /// The client's `anthropic-beta` header, passed on to Anthropic channels.
    anthropic_beta: Option<HeaderValue>,
    stream: bool,
    payload: Payload,
    /// The JSON body as the client sent it (for local counting); empty for multipart.
    json_source: Bytes,
}

enum Payload {
    Json(JsonObject),
    Multipart {
        form: Multipart,
        raw: Bytes,
        content_type: String,
    },
}

impl Inner {
    async fn handle(&self, endpoint: Endpoint, facts: UrlFacts, request: Request) -> Response {
        let started = Instant::now();
        let (parts, body) = request.into_parts();
        let mut pending = PendingRecord::start(
            Arc::clone(&self.usage),
            request_id(&parts),
            endpoint.route(),
            started,
        );
        // The governor's x-ratelimit-* headers go on the answer, whatever it is.
        let mut limit_headers = Vec::new();
        let mut response = match self
            .relay(
                endpoint,
                facts,
                &parts,
                body,
                &mut pending,
                &mut limit_headers,
            )
            .await
        {
            Ok(response) => response,
            Err(error) => self.fail(pending, error, endpoint.face()),
        };
        response.headers_mut().extend(limit_headers);
        response
    }

    fn fail(&self, mut pending: PendingRecord, error: RelayError, face: Wire) -> Response {
        pending.set_outcome(error.status().as_u16(), Some(error.message()));
        pending.first_byte_now();
        let request_id = pending.record().request_id.clone();
        let mut answer = error.to_json_for(face, Some(&request_id));
        answer.truncate(self.config.detail_max_bytes);
        pending.record().response_body = Some(Bytes::from(answer));
        pending.finish();
        error.response_for(face, Some(&request_id))
    }

    /// Answers a request that matched no endpoint; it still gets its usage record.
    fn reject(&self, request: Request, error: RelayError) -> Response {
        let (parts, _) = request.into_parts();
        // The path is the client's: the log row keeps a bounded piece of it.
        let path = crate::error::truncated(parts.uri.path(), MAX_CLIENT_NAME_BYTES);
        let mut pending = PendingRecord::start(
            Arc::clone(&self.usage),
            request_id(&parts),
            &path,
            Instant::now(),
        );
        pending.record().client_ip = Some(self.client_ip(&parts));
        self.fail(pending, error, Wire::Chat)
    }

    fn client_ip(&self, parts: &Parts) -> IpAddr {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        client_ip(peer, &parts.headers, &self.config.trusted_proxies)
    }

    fn authenticate(
        &self,
        parts: &Parts,
        pending: &mut PendingRecord,
    ) -> Result<Caller, RelayError> {
        let ip = self.client_ip(parts);
        pending.record().client_ip = Some(ip);
        let query_key = parts
            .uri
            .path()
            .starts_with("/v1beta/")
            .then(|| query_key(parts.uri.query().unwrap_or_default()))
            .flatten();
        let key = api_key(&parts.headers)
            .or(query_key.as_deref())
            .ok_or(RelayError::Auth(tenancy::AuthError::Missing))?;
        let caller = self
            .gatekeeper
            .authenticate(key, ip)
            .map_err(RelayError::Auth)?;
        let record = pending.record();
        record.group_id = Some(caller.group_id.clone());
        record.token_id = Some(caller.token_id);
        record.token_name = Some(caller.token_name.clone());
        Ok(caller)
    }

    async fn relay(
        &self,
        endpoint: Endpoint,
        facts: UrlFacts,
        parts: &Parts,
        body: Body,
        pending: &mut PendingRecord,
        limit_headers: &mut Vec<(axum::http::HeaderName, HeaderValue)>,
    ) -> Result<Response, RelayError> {
        let caller = self.authenticate(parts, pending)?;
        let reading = read_request_body(body, &parts.headers, self.config.max_body_bytes);
        let body = tokio::time::timeout(self.config.body_timeout, reading)
            .await
            .map_err(|_| RelayError::BodyTimeout)??;
        pending.record().request_body =
            Some(body.slice(..body.len().min(self.config.detail_max_bytes)));
        let mut request = parse_request(endpoint, facts, &parts.headers, body, pending)?;
        check_model_allowed(&caller, &request.model)?;
        let route = self
            .directory
            .route(&caller, &request.model)
            .filter(|route| !route.channels.is_empty())
            .ok_or_else(|| RelayError::ModelNotFound(request.model.clone()))?;
        crate::model_type::check_endpoint(route.settings.model_type, endpoint, &request.model)?;
        // Before admission: a continuation the caller may not make reserves nothing.
        let route = self
            .continuation_route(endpoint, &caller, &request, route)
            .await?;
        if endpoint.is_local() {
            // Counting a 50 MiB prompt costs real CPU: it is admitted against the rate and
            // in-flight limits (and a blocked address), though nothing is billed.
            let admission = self.admit(endpoint, &caller, &request, 0, pending).await?;
            pending.record().reservation = admission.reservation;
            *limit_headers = admission.headers;
            return count_tokens(endpoint, &request, pending);
        }
        let web_searches = match (&route.settings.plugins, &request.payload) {
            (Some(plugins), Payload::Json(body)) => plugins.web_searches_at_most(endpoint, body),
            _ => 0,
        };
        let admission = self
            .admit(endpoint, &caller, &request, web_searches, pending)
            .await?;
        pending.record().reservation = admission.reservation;
        *limit_headers = admission.headers;
        let mut exchange = match (&route.settings.plugins, &mut request.payload) {
            (Some(plugins), Payload::Json(body)) => {
                let client_ip = pending
                    .record()
                    .client_ip
                    .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
                let mut plugin_request = PluginRequest {
                    caller: &caller,
                    client_ip,
                    model: &request.model,
                    endpoint,
                    stream: request.stream,
                    body,
                };
                match plugins.before(&self.plugins, &mut plugin_request).await? {
                    Before::Continue(exchange) => exchange,
                    Before::Answer(answer, exchange) => {
                        return Ok(self.plugin_answer(answer, exchange, pending));
                    }
                }
            }
            _ => Exchange::default(),
        };
        pending.record().web_search_calls = exchange.web_search_calls;
        let plugin_headers = std::mem::take(&mut exchange.headers);
        let mut response = self
            .dispatch(endpoint, &request, &route, &mut exchange, pending)
            .await?;
        response.headers_mut().extend(plugin_headers);
        Ok(response)
    }

    /// A plugin's own answer (a cache hit), recorded like any other.
    fn plugin_answer(
        &self,
        answer: Answer,
        mut exchange: Exchange,
        pending: &mut PendingRecord,
    ) -> Response {
        let record = pending.record();
        record.usage = answer.usage;
        record.cache_hit = answer.cache_hit;
        record.stream = answer.stream;
        record.web_search_calls = exchange.web_search_calls;
        let first = answer.chunks.first().cloned().unwrap_or_default();
        record.response_body = Some(first.slice(..first.len().min(self.config.detail_max_bytes)));
        pending.set_outcome(200, None);
        pending.first_byte_now();
        pending.hand_over().finish();
        let body = if answer.stream {
            let chunks = answer
                .chunks
                .into_iter()
                .map(Ok::<_, std::convert::Infallible>);
            Body::from_stream(futures::stream::iter(chunks))
        } else {
            Body::from(answer.chunks.concat())
        };
        let mut response = Response::new(body);
        let headers = response.headers_mut();
        if let Ok(value) = HeaderValue::from_str(&answer.content_type) {
            headers.insert(header::CONTENT_TYPE, value);
        }
        if answer.stream {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        }
        headers.extend(std::mem::take(&mut exchange.headers));
        response
    }

    /// Asks the governor whether limits, quotas and balance let the request through.
    async fn admit(
        &self,
        endpoint: Endpoint,
        caller: &Caller,
        request: &ParsedRequest,
        web_searches: u32,
        pending: &mut PendingRecord,
    ) -> Result<Admission, RelayError> {
        let estimator = Estimator {
            endpoint,
            model: request.model.clone(),
            request: request.json_source.clone(),
        };
        let count_input_tokens = move || estimator.estimate("").input_tokens;
        let admission = AdmissionRequest {
            caller,
            model: &request.model,
            endpoint: endpoint.route(),
            generates_text: endpoint.generates_text(),
            client_ip: pending
                .record()
                .client_ip
                .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
            max_output_tokens: max_output_tokens(&request.payload),
            web_searches,
            billed: !endpoint.is_local(),
            count_input_tokens: &count_input_tokens,
        };
        self.governor
            .admit(admission)
            .await
            .map_err(RelayError::Refused)
    }

    /// Tries channels until one answers or the retry budget is spent.
    async fn dispatch(
        &self,
        endpoint: Endpoint,
        request: &ParsedRequest,
        route: &Route,
        exchange: &mut Exchange,
        pending: &mut PendingRecord,
    ) -> Result<Response, RelayError> {
        let retry_times = route
            .settings
            .retry_times
            .unwrap_or(self.config.retry_times);
        let mut tried = Vec::new();
        let mut last_error = None;
        for retry_index in 0..=retry_times {
            // Cache-follow's choice goes first, if it is healthy; retries pick as usual.
            let preferred = (retry_index == 0)
                .then(|| exchange.preferred(&route.channels, &request.model, &*self.health))
                .flatten();
            let picked = match preferred {
                Some(channel) => Pick::Channel(channel),
                None => pick(&route.channels, &request.model, &*self.health, &tried),
            };
            let channel = match picked {
                Pick::Channel(channel) => channel,
                Pick::Exhausted { cooling } => {
                    return Err(last_error.unwrap_or_else(|| match cooling {
                        Some(wait) => RelayError::RateLimited {
                            retry_after: Some(wait),
                        },
                        None => RelayError::NoAvailableChannel(request.model.clone()),
                    }));
                }
            };
            tried.push(channel.id);
            let record = pending.record();
            record.retries = retry_index;
            record.channel_id = Some(channel.id);
            let result = self
                .attempt(
                    endpoint,
                    request,
                    &route.settings,
                    &channel,
                    exchange,
                    pending,
                )
                .await;
            self.report(&channel, &request.model, endpoint, &result);
            match result {
                Ok(response) => return Ok(response),
                Err(error) => {
                    pending.clear_prompt_charge();
                    tracing::debug!(channel = channel.id, retry_index, %error, "upstream attempt failed");
                    if !error.retryable() {
                        return Err(error);
                    }
                    last_error = Some(error);
                }
            }
        }
        Err(last_error.unwrap_or(RelayError::Internal))
    }

    fn report(
        &self,
        channel: &Arc<Channel>,
        model: &str,
        endpoint: Endpoint,
        result: &Result<Response, RelayError>,
    ) {
        let outcome = match result {
            Ok(_) => Outcome::Success,
            Err(RelayError::RateLimited { retry_after }) => Outcome::RateLimited {
                retry_after: *retry_after,
            },
            Err(RelayError::UpstreamCredentials { status }) => {
                Outcome::KeyRefused { status: *status }
            }
            Err(
                RelayError::UpstreamFailed
                | RelayError::UpstreamUnreachable
                | RelayError::UpstreamTimeout
                | RelayError::UpstreamInvalid,
            ) => Outcome::Failure,
            // The client's fault or our configuration's: says nothing about the channel's health.
            Err(_) => return,
        };
        let banned_now = self.health.report(channel.id, model, outcome);
        let key = PairKey {
            channel_id: channel.id,
            model: model.to_owned(),
        };
        let mut banned = self
            .banned
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if banned_now {
            tracing::warn!(
                channel = channel.id,
                model,
                "channel banned for model: {}",
                match outcome {
                    Outcome::KeyRefused { .. } => "the upstream refused its key",
                    _ => "repeated failures",
                }
            );
            banned.insert(key, (Arc::clone(channel), endpoint));
        } else if outcome == Outcome::Success && !banned.is_empty() {
            banned.remove(&key);
        }
    }

    /// One attempt on one channel. Returns the client's response once the upstream has
    /// committed to an answer (for streams: sent its first bytes); until then every failure is
    /// still retryable on another channel.
    async fn attempt(
        &self,
        endpoint: Endpoint,
        request: &ParsedRequest,
        settings: &ModelSettings,
        channel: &Arc<Channel>,
        exchange: &mut Exchange,
        pending: &mut PendingRecord,
    ) -> Result<Response, RelayError> {
        let adaptor = adaptor_for(channel.kind);
        let channel_endpoint = upstream_endpoint(endpoint, channel);
        // The OpenAI-only endpoints are relayed as chat-like bodies without conversion.
        let client_wire = endpoint.wire().unwrap_or(Wire::Chat);
        let channel_wire = channel_endpoint.wire().unwrap_or(Wire::Chat);
        let upstream_model = channel
            .model_mapping
            .get(&request.model)
            .unwrap_or(&request.model)
            .clone();
        let mapped = upstream_model != request.model;
        pending.record().upstream_model = Some(upstream_model.clone());
        // The timeout plugin's values win over the model's.
        let plugin_timeouts;
        let model_timeouts = match &exchange.timeouts {
            Some(plugin) => {
                plugin_timeouts = ChannelTimeouts {
                    connect: settings.timeouts.connect,
                    first_byte: plugin.first_byte.or(settings.timeouts.first_byte),
                    stream_idle: plugin.stream_idle.or(settings.timeouts.stream_idle),
                };
                &plugin_timeouts
            }
            None => &settings.timeouts,
        };
        let timeouts = effective_timeouts(self.config.timeouts, &channel.timeouts, model_timeouts);
        // Stream fake: the upstream streams although the client wants one body.
        let upstream_stream = request.stream || exchange.upstream_stream;

        let mut client_wants_stream_usage = false;
        let mut client_tools = ClientTools::default();
        let (content_type, body) = match &request.payload {
            Payload::Json(object) => {
                let mut object = object.clone();
                client_wants_stream_usage = wants_stream_usage(&object);
                // A Gemini body names no model: it goes in the URL.
                if mapped && client_wire != Wire::Gemini {
                    object
                        .set("model", &upstream_model)
                        .map_err(|_| RelayError::Internal)?;
                }
                if client_wire != channel_wire {
                    (object, client_tools) = convert_request_object(
                        client_wire,
                        channel_wire,
                        &object,
                        &upstream_model,
                        upstream_stream,
                    )?;
                }
                adaptor.prepare(channel, channel_endpoint, &mut object, upstream_stream);
                ("application/json", object.to_bytes())
            }
            Payload::Multipart {
                form,
                raw,
                content_type,
            } => {
                let body = if mapped {
                    let mut form = form.clone();
                    form.set_text("model", &upstream_model);
                    form.to_bytes()
                } else {
                    raw.clone()
                };
                (content_type.as_str(), body)
            }
        };
        let mut upstream_request = adaptor.build(
            channel,
            channel_endpoint,
            &upstream_model,
            content_type,
            body,
            upstream_stream,
        )?;
        // A native Anthropic request may use beta fields; the upstream needs the beta names to
        // accept them. Converted requests use no beta feature.
        if client_wire == Wire::Messages
            && channel_wire == Wire::Messages
            && let Some(betas) = &request.anthropic_beta
        {
            upstream_request
                .headers
                .insert("anthropic-beta", betas.clone());
        }
        let client = self
            .clients
            .get(channel.proxy_url.as_deref(), timeouts.connect)?;
        // A non-streamed answer starts only once the whole completion exists.
        let head_timeout = if upstream_stream {
            timeouts.first_byte
        } else {
            timeouts.response
        };
        let estimator = Estimator {
            endpoint,
            model: upstream_model,
            request: request.json_source.clone(),
        };
        // From here the upstream may be processing the prompt: a client that leaves before
        // the answer is accounted still pays for it.
        pending.charge_prompt_if_closed(estimator.clone());
        let sent_at = Instant::now();
        let response = send(&client, upstream_request, head_timeout).await?;

        let status = response.status();
        if !status.is_success() {
            // Refused: the upstream processed nothing the client owes, even if the client
            // leaves while the error body is read.
            pending.clear_prompt_charge();
            return Err(upstream_error(response, channel, timeouts.stream_idle).await);
        }
        let upstream_request_id = response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(|id| id.chars().take(128).collect());
        pending.record().upstream_request_id = upstream_request_id;
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let rewrite_model_to = mapped.then(|| request.model.clone());
        let client_tools = Arc::new(client_tools);
        let meta = ResponseMeta {
            model: request.model.clone(),
            created: unix_now(),
            tools: Arc::clone(&client_tools),
        };
        let mut upstream_body: ByteStream = response.bytes_stream().boxed();

        // A stream the client did not ask for (stream fake) is reassembled into one chat body
        // and answered like one.
        let mut payload_wire = channel_wire;
        let mut content_type = content_type;
        if content_type.starts_with("text/event-stream") && !request.stream {
            let remaining = head_timeout
                .saturating_sub(sent_at.elapsed())
                .max(Duration::from_millis(1));
            let first = first_chunk(&mut upstream_body, remaining)
                .await?
                .ok_or(RelayError::UpstreamInvalid)?;
            let stream = std::mem::replace(&mut upstream_body, futures::stream::empty().boxed());
            let assembled = crate::plugin::collect_stream(
                first,
                stream,
                timeouts.stream_idle,
                channel_wire,
                &meta,
            )
            .await?;
            upstream_body = futures::stream::once(async move { Ok(assembled) }).boxed();
            content_type = "application/json".to_owned();
            payload_wire = Wire::Chat;
        }

        if content_type.starts_with("text/event-stream") {
            let remaining = head_timeout
                .saturating_sub(sent_at.elapsed())
                .max(Duration::from_millis(1));
            let first = first_chunk(&mut upstream_body, remaining)
                .await?
                .ok_or(RelayError::UpstreamInvalid)?;
            let watched = self.stores_response(client_wire, channel_wire, request);
            let (first, upstream_body) = if watched {
                self.remember_streamed_response(
                    first,
                    upstream_body,
                    channel.id,
                    &request.model,
                    pending,
                )
            } else {
                (first, upstream_body)
            };
            let options = SseOptions {
                rewrite_model_to,
                drop_usage_chunk: client_wire == Wire::Chat && !client_wants_stream_usage,
                idle: timeouts.stream_idle,
                estimator,
                channel: channel_wire,
                client: client_wire,
                meta,
                detail_max_bytes: self.config.detail_max_bytes,
                // Hook-less plugins (configured but not triggered) stay out of the stream.
                plugins: (!exchange.is_passive()).then(|| std::mem::take(exchange)),
            };
            pending.record().stream = true;
            let pending = pending.hand_over();
            let body = sse_body(first, upstream_body, options, pending);
            let mut response = Response::new(body);
            *response.status_mut() = status;
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/event-stream"),
            );
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            // Tells nginx-style proxies in front of us not to buffer the stream.
            headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
            client_tools.name_dropped_in(headers);
            return Ok(response);
        }

        if content_type.contains("json") {
            let bytes = read_body(
                &mut upstream_body,
                timeouts.stream_idle,
                MAX_BUFFERED_RESPONSE,
            )
            .await?;
            if self.stores_response(client_wire, channel_wire, request) {
                self.remember_response(&bytes, channel.id, &request.model, pending)
                    .await;
            }
            let (bytes, usage, completion) =
                if client_wire == Wire::Chat && payload_wire == Wire::Chat {
                    let (bytes, usage) = finish_json(bytes, endpoint, rewrite_model_to.as_deref());
                    let completion = if usage.is_none() {
                        completion_text(&bytes, endpoint)
                    } else {
                        String::new()
                    };
                    (bytes, usage, completion)
                } else {
                    convert_json(
                        &bytes,
                        payload_wire,
                        client_wire,
                        &meta,
                        rewrite_model_to.as_deref(),
                    )?
                };
            let bytes = if client_wire == Wire::Chat && exchange.wants_json() {
                plugin_json(bytes, exchange)
            } else {
                bytes
            };
            let record = pending.record();
            record.response_body =
                Some(bytes.slice(..bytes.len().min(self.config.detail_max_bytes)));
            match usage {
                Some(usage) => record.usage = usage,
                None => {
                    record.usage = estimator.estimate(&completion);
                    record.usage_estimated = true;
                }
            }
            exchange.on_bytes(&bytes);
            exchange.end(&End {
                status: status.as_u16(),
                usage: &record.usage,
                channel_id: record.channel_id,
            });
            pending.set_outcome(status.as_u16(), None);
            pending.first_byte_now();
            pending.hand_over().finish();
            let mut response = Response::new(Body::from(bytes));
            *response.status_mut() = status;
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            client_tools.name_dropped_in(response.headers_mut());
            return Ok(response);
        }

        // Binary (speech audio) or plain text: pass through as it comes.
        let remaining = head_timeout
            .saturating_sub(sent_at.elapsed())
            .max(Duration::from_millis(1));
        let first = first_chunk(&mut upstream_body, remaining)
            .await?
            .unwrap_or_default();
        let usage = estimator.estimate("");
        let pending = pending.hand_over();
        let body = passthrough_body(first, upstream_body, timeouts.stream_idle, usage, pending);
        let mut response = Response::new(body);
        *response.status_mut() = status;
        if let Ok(value) = HeaderValue::from_str(&content_type) {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
        }
        Ok(response)
    }

    async fn models(&self, request: Request) -> Response {
        let started = Instant::now();
        let (parts, _) = request.into_parts();
        let mut pending = PendingRecord::start(
            Arc::clone(&self.usage),
            request_id(&parts),
            "/v1/models",
            started,
        );
        let path = parts.uri.path();
        // Each face lists models in its own protocol's shape; Anthropic's SDKs always send
        // `anthropic-version`.
        let face = if path.starts_with("/v1beta/") {
            Wire::Gemini
        } else if parts.headers.contains_key("anthropic-version") {
            Wire::Messages
        } else {
            Wire::Chat
        };
        let wanted = path
            .strip_prefix("/v1/models/")
            .or_else(|| path.strip_prefix("/v1beta/models/"))
            .map(|name| name.strip_prefix("models/").unwrap_or(name).to_owned());
        let result = match self.authenticate(&parts, &mut pending) {
            Ok(caller) => self.check_address(&mut pending).await.map(|()| caller),
            Err(error) => Err(error),
        };
        let result = result.and_then(|caller| {
            let models = self
                .directory
                .models(&caller)
                .into_iter()
                .filter(|model| check_model_allowed(&caller, &model.id).is_ok())
                .map(|model| model_entry(face, &model));
            match &wanted {
                None => Ok(model_list(face, models.collect())),
                Some(name) => {
                    check_name_length(name, "model")?;
                    pending.record().requested_model = Some(name.clone());
                    models
                        .into_iter()
                        .find(|model| model_id(face, model) == name.as_str())
                        .ok_or_else(|| RelayError::ModelNotFound(name.clone()))
                }
            }
        });
        match result {
            Ok(document) => {
                pending.set_outcome(200, None);
                pending.first_byte_now();
                pending.finish();
                (StatusCode::OK, axum::Json(document)).into_response()
            }
            Err(error) => self.fail(pending, error, face),
        }
    }

    /// Refuses a blocked address on the requests the governor does not admit.
    async fn check_address(&self, pending: &mut PendingRecord) -> Result<(), RelayError> {
        let ip = pending
            .record()
            .client_ip
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        self.governor
            .check_address(ip)
            .await
            .map_err(RelayError::Refused)
    }

    async fn run_probes(&self) {
        let due = self.health.due_probes();
        if due.is_empty() {
            return;
        }
        let probes = due.into_iter().filter_map(|pair| {
            let banned = self
                .banned
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .get(&pair)
                .cloned();
            // A pair banned elsewhere (shared health) has nothing to probe with here; its ban
            // runs out on its own.
            let (channel, endpoint) = banned?;
            Some(async move {
                let ok = self.probe(&channel, endpoint, &pair.model).await;
                tracing::info!(
                    channel = channel.id,
                    model = pair.model,
                    ok,
                    "probed banned channel"
                );
                self.health.probe_result(pair.channel_id, &pair.model, ok);
                if ok {
                    self.banned
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .remove(&pair);
                }
            })
        });
        futures::future::join_all(probes).await;
    }

    async fn probe(&self, channel: &Channel, endpoint: Endpoint, model: &str) -> bool {
        let upstream_model = channel
            .model_mapping
            .get(model)
            .map_or(model, String::as_str);
        let timeouts = effective_timeouts(
            self.config.timeouts,
            &channel.timeouts,
            &ChannelTimeouts::default(),
        );
        let adaptor = adaptor_for(channel.kind);
        let Ok(request) = adaptor.probe(channel, endpoint, upstream_model) else {
            return false;
        };
        let Ok(client) = self
            .clients
            .get(channel.proxy_url.as_deref(), timeouts.connect)
        else {
            return false;
        };
        match send(&client, request, timeouts.first_byte).await {
            Ok(response) => response.status().is_success(),
            Err(_) => false,
        }
    }
}

/// In-relay completions for plugins (web search's query rewrite): admitted by the governor,
/// routed and retried like a client's request for the same caller, with a usage record of
/// their own, so they count against the caller's limits and quotas and the group pays for
/// their tokens. Only the plugins of a client request are left out (a rewrite must not search).
#[async_trait::async_trait]
impl crate::plugin::Completer for Inner {
    async fn complete(
        &self,
        caller: &Caller,
        client_ip: IpAddr,
        model: &str,
        body: serde_json::Value,
    ) -> Result<String, String> {
        check_model_allowed(caller, model).map_err(|error| error.to_string())?;
        let route = self
            .directory
            .route(caller, model)
            .filter(|route| !route.channels.is_empty())
            .ok_or_else(|| format!("no channel serves {model}"))?;
        let bytes = Bytes::from(serde_json::to_vec(&body).map_err(|error| error.to_string())?);
        let object = JsonObject::parse(bytes.clone()).map_err(|error| error.to_string())?;
        let request = ParsedRequest {
            model: model.to_owned(),
            anthropic_beta: None,
            stream: false,
            payload: Payload::Json(object),
            json_source: bytes,
        };
        let endpoint = Endpoint::ChatCompletions;
        let mut pending = PendingRecord::start(
            Arc::clone(&self.usage),
            uuid::Uuid::now_v7().simple().to_string(),
            endpoint.route(),
            Instant::now(),
        );
        let record = pending.record();
        record.group_id = Some(caller.group_id.clone());
        record.token_id = Some(caller.token_id);
        record.token_name = Some(caller.token_name.clone());
        record.requested_model = Some(model.to_owned());
        record.client_ip = Some(client_ip);
        // The rewrite of a search query is a plain completion: no plugins of its own.
        let admission = match self
            .admit(endpoint, caller, &request, 0, &mut pending)
            .await
        {
            Ok(admission) => admission,
            Err(error) => {
                pending.set_outcome(error.status().as_u16(), Some(error.message()));
                pending.finish();
                return Err(error.to_string());
            }
        };
        pending.record().reservation = admission.reservation;
        let mut exchange = Exchange::default();
        let response = match self
            .dispatch(endpoint, &request, &route, &mut exchange, &mut pending)
            .await
        {
            Ok(response) => response,
            Err(error) => {
                pending.set_outcome(error.status().as_u16(), Some(error.message()));
                pending.finish();
                return Err(error.to_string());
            }
        };
        let body = axum::body::to_bytes(response.into_body(), MAX_ERROR_BODY * 16)
            .await
            .map_err(|error| error.to_string())?;
        let value = serde_json::from_slice::<serde_json::Value>(&body)
            .map_err(|_| "the completion is not JSON".to_owned())?;
        Ok(value["choices"][0]["message"]["content"]
            .as_str()
            .unwrap_or_default()
            .to_owned())
    }
}

/// The presented key: `Authorization: Bearer <key>`, else `x-api-key` or `x-goog-api-key`.
/// Those two also accept a `Bearer ` prefix, as the seed's README shows them
/// (`X-Api-Key: Bearer <token>`), so a configuration copied from it works.
fn api_key(headers: &HeaderMap) -> Option<&str> {
    let value = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
    };
    let bearer = value(header::AUTHORIZATION).and_then(|value| {
        let (scheme, key) = value.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then_some(key.trim())
    });
    let key_header = |name: &'static str| {
        value(header::HeaderName::from_static(name)).map(|key| {
            let scheme = key
                .get(..6)
                .filter(|scheme| scheme.eq_ignore_ascii_case("bearer"));
            match (scheme, key.get(6..)) {
                (Some(_), Some(rest)) if rest.is_empty() || rest.starts_with([' ', '\t']) => {
                    rest.trim()
                }
                _ => key,
            }
        })
    };
    bearer
        .or_else(|| key_header("x-api-key"))
        .or_else(|| key_header("x-goog-api-key"))
        .filter(|key| !key.is_empty())
}

/// Gemini's `?key=` query parameter (its SDKs send the header; older clients the query).
fn query_key(query: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| *name == "key")
        .map(|(_, value)| percent_decode(value))
        .filter(|key| !key.is_empty())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        let hex = (byte == b'%')
            .then(|| text.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match hex {
            Some(decoded) => {
                out.push(decoded);
                index += 3;
            }
            None => {
                out.push(if byte == b'+' { b' ' } else { byte });
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One model as a face's model listing shows it.
fn model_entry(face: Wire, model: &crate::host::ModelEntry) -> serde_json::Value {
    match face {
        Wire::Messages => serde_json::json!({"type": "model", "id": model.id,
            "display_name": model.id, "created_at": rfc3339(model.created)}),
        Wire::Gemini => serde_json::json!({"name": format!("models/{}", model.id),
            "baseModelId": model.id, "displayName": model.id,
            "supportedGenerationMethods": ["generateContent", "streamGenerateContent", "countTokens"]}),
        Wire::Chat | Wire::Responses => serde_json::json!({"id": model.id, "object": "model",
            "created": model.created, "owned_by": model.owned_by}),
    }
}

fn model_id(face: Wire, entry: &serde_json::Value) -> &str {
    let id = match face {
        Wire::Gemini => &entry["baseModelId"],
        _ => &entry["id"],
    };
    id.as_str().unwrap_or_default()
}

fn model_list(face: Wire, entries: Vec<serde_json::Value>) -> serde_json::Value {
    match face {
        Wire::Messages => {
            let first = entries.first().map(|entry| entry["id"].clone());
            let last = entries.last().map(|entry| entry["id"].clone());
            serde_json::json!({"data": entries, "has_more": false, "first_id": first, "last_id": last})
        }
        Wire::Gemini => serde_json::json!({"models": entries}),
        Wire::Chat | Wire::Responses => serde_json::json!({"object": "list", "data": entries}),
    }
}

/// Unix seconds as an RFC 3339 UTC timestamp (Anthropic's `created_at`).
fn rfc3339(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let seconds = unix.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3_600,
        seconds % 3_600 / 60,
        seconds % 60
    )
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

/// Answers a count-tokens request locally (an estimate: Claude's and Gemini's tokenizers are
/// not public).
fn count_tokens(
    endpoint: Endpoint,
    request: &ParsedRequest,
    pending: &mut PendingRecord,
) -> Result<Response, RelayError> {
    let body = serde_json::from_slice::<serde_json::Value>(&request.json_source)
        .map_err(|_| bad_request("the request body must be a JSON object", None))?;
    let document = if endpoint == Endpoint::GeminiCountTokens {
        let tokens = crate::convert::count_gemini_tokens(&request.model, &body)?;
        serde_json::json!({"totalTokens": tokens})
    } else {
        let tokens = crate::convert::count_messages_tokens(&request.model, &body)?;
        serde_json::json!({"input_tokens": tokens})
    };
    pending.set_outcome(200, None);
    pending.first_byte_now();
    pending.hand_over().finish();
    Ok((StatusCode::OK, axum::Json(document)).into_response())
}

/// A non-streamed answer converted through the chat pivot: the client's body, the usage the
/// chat form reports, and the completion text for counting when it reports none.
fn convert_json(
    bytes: &Bytes,
    channel: Wire,
    client: Wire,
    meta: &ResponseMeta,
    rewrite_model_to: Option<&str>,
) -> Result<(Bytes, Option<crate::host::TokenUsage>, String), RelayError> {
    let upstream = serde_json::from_slice::<serde_json::Value>(bytes)
        .map_err(|_| RelayError::UpstreamInvalid)?;
    // A chat answer is the pivot itself; any other is converted to it and kept for a client
    // of its own protocol.
    let (mut chat, native) = if channel == Wire::Chat {
        (upstream, None)
    } else {
        let chat = convert_response(channel, Wire::Chat, &upstream, meta)?;
        (chat, Some(upstream))
    };
    if let Some(model) = rewrite_model_to {
        rename_native_model(Wire::Chat, &mut chat, model);
    }
    let usage = chat
        .get("usage")
        .and_then(|usage| OpenAiUsage::deserialize(usage).ok())
        .map(OpenAiUsage::into_tokens);
    let mut completion = String::new();
    if usage.is_none()
        && let Some(choices) = chat.get("choices")
        && let Ok(choices) = Vec::<Choice>::deserialize(choices)
    {
        collect_choice_text(&choices, &mut completion, usize::MAX);
    }
    let body = match native {
        Some(mut native) if client == channel => {
            if let Some(model) = rewrite_model_to {
                rename_native_model(client, &mut native, model);
            }
            native
        }
        _ if client == Wire::Chat => chat,
        _ => convert_response(Wire::Chat, client, &chat, meta)?,
    };
    let body = serde_json::to_vec(&body).map_err(|_| RelayError::Internal)?;
    Ok((Bytes::from(body), usage, completion))
}

/// A chat body through the plugins' body hooks (think split); the body as it was when it is
/// not JSON.
fn plugin_json(bytes: Bytes, exchange: &mut Exchange) -> Bytes {
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return bytes;
    };
    exchange.on_json(&mut value);
    serde_json::to_vec(&value).map_or(bytes, Bytes::from)
}

/// The output bound a client set, under any protocol's name for it.
fn max_output_tokens(payload: &Payload) -> Option<u64> {
    let Payload::Json(object) = payload else {
        return None;
    };
    ["max_completion_tokens", "max_tokens", "max_output_tokens"]
        .into_iter()
        .find_map(|name| object.get_as::<u64>(name).ok().flatten())
        .or_else(|| {
            #[derive(Deserialize)]
            struct GenerationConfig {
                #[serde(rename = "maxOutputTokens")]
                max_output_tokens: Option<u64>,
            }
            object
                .get_as::<GenerationConfig>("generationConfig")
                .ok()
                .flatten()
                .and_then(|config| config.max_output_tokens)
        })
}

fn check_model_allowed(caller: &Caller, model: &str) -> Result<(), RelayError> {
    match &caller.allowed_models {
        Some(allowed) if !allowed.iter().any(|name| name == model) => {
            Err(RelayError::ModelNotAllowed(model.to_owned()))
        }
        _ => Ok(()),
    }
}

/// Model settings win over the channel's, which win over the relay's defaults. An explicit
/// `first_byte` bounds non-streamed responses as well: it is that channel's or model's choice.
fn effective_timeouts(
    defaults: Timeouts,
    channel: &ChannelTimeouts,
    model: &ChannelTimeouts,
) -> Timeouts {
    let first_byte = model.first_byte.or(channel.first_byte);
    Timeouts {
        connect: model
            .connect
            .or(channel.connect)
            .unwrap_or(defaults.connect),
        first_byte: first_byte.unwrap_or(defaults.first_byte),
        response: first_byte.unwrap_or(defaults.response),
        stream_idle: model
            .stream_idle
            .or(channel.stream_idle)
            .unwrap_or(defaults.stream_idle),
    }
}

async fn read_request_body(
    body: Body,
    headers: &HeaderMap,
    limit: usize,
) -> Result<Bytes, RelayError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(RelayError::BodyTooLarge { limit });
    }
    let mut stream = body.into_data_stream();
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut size = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| bad_request("cannot read the request body", None))?;
        size += chunk.len();
        if size > limit {
            return Err(RelayError::BodyTooLarge { limit });
        }
        chunks.push(chunk);
    }
    // One chunk (the usual case) is used without a copy.
    if chunks.len() == 1 {
        return Ok(chunks.remove(0));
    }
    let mut body = BytesMut::with_capacity(size);
    for chunk in chunks {
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Refuses a client string past [`MAX_CLIENT_NAME_BYTES`] without quoting it.
fn check_name_length(value: &str, name: &'static str) -> Result<(), RelayError> {
    if value.len() > MAX_CLIENT_NAME_BYTES {
        return Err(bad_request(
            format!("{name} is longer than the limit of {MAX_CLIENT_NAME_BYTES} bytes"),
            Some(name),
        ));
    }
    Ok(())
}

fn bad_request(message: impl Into<String>, param: Option<&'static str>) -> RelayError {
    RelayError::BadRequest {
        message: message.into(),
        param,
    }
}

/// What a JSON field must be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    String,
    Array,
    StringOrArray,
}

fn check_field(
    object: &JsonObject,
    name: &'static str,
    shape: Shape,
    required: bool,
) -> Result<(), RelayError> {
    let Some(raw) = object.get(name).filter(|raw| *raw != "null") else {
        return match required {
            true => Err(bad_request(
                format!("you must provide the {name} parameter"),
                Some(name),
            )),
            false => Ok(()),
        };
    };
    let is_string = raw.starts_with('"');
    let is_array = raw.starts_with('[');
    let ok = match shape {
        Shape::String => is_string,
        Shape::Array => is_array,
        Shape::StringOrArray => is_string || is_array,
    };
    let expected = match shape {
        Shape::String => "a string",
        Shape::Array => "an array",
        Shape::StringOrArray => "a string or an array",
    };
    if ok {
        Ok(())
    } else {
        Err(bad_request(
            format!("{name} must be {expected}"),
            Some(name),
        ))
    }
}

fn parse_request(
    endpoint: Endpoint,
    facts: UrlFacts,
    headers: &HeaderMap,
    body: Bytes,
    pending: &mut PendingRecord,
) -> Result<ParsedRequest, RelayError> {
    if endpoint.is_multipart() {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let form = Multipart::parse(&content_type, &body)
            .map_err(|error| bad_request(error.to_string(), None))?;
        let model = form
            .text("model")
            .map_err(|error| bad_request(error.to_string(), Some("model")))?;
        let model = model.map(str::trim).filter(|model| !model.is_empty());
        let model = model
            .ok_or_else(|| bad_request("you must provide the model parameter", Some("model")))?
            .to_owned();
        check_name_length(&model, "model")?;
        pending.record().requested_model = Some(model.clone());
        if !form.has_file() {
            return Err(bad_request("the multipart body has no file", Some("file")));
        }
        if let Ok(Some(user)) = form.text("user") {
            check_name_length(user, "user")?;
            pending.record().user = Some(user.to_owned());
        }
        return Ok(ParsedRequest {
            model,
            anthropic_beta: None,
            stream: false,
            payload: Payload::Multipart {
                form,
                raw: body,
                content_type,
            },
            json_source: Bytes::new(),
        });
    }

    let object = JsonObject::parse(body.clone()).map_err(|error| {
        let message = match error.classify() {
            serde_json::error::Category::Data => {
                "the request body must be a JSON object".to_owned()
            }
            _ => format!("the request body is not valid JSON: {error}"),
        };
        bad_request(message, None)
    })?;
    let model = match facts.model {
        Some(model) => model,
        None => {
            check_field(&object, "model", Shape::String, true)?;
            object
                .get_as::<String>("model")
                .ok()
                .flatten()
                .unwrap_or_default()
        }
    };
    if model.trim().is_empty() {
        return Err(bad_request(
            "you must provide the model parameter",
            Some("model"),
        ));
    }
    check_name_length(&model, "model")?;
    pending.record().requested_model = Some(model.clone());
    let stream = object
        .get_as::<bool>("stream")
        .map_err(|_| bad_request("stream must be a boolean", Some("stream")))?;
    let stream = stream.unwrap_or(false) || facts.stream;
    if stream && !endpoint.can_stream() {
        // Other endpoints' streams are not relayed event by event; say so instead of guessing.
        return Err(bad_request(
            format!("streaming is not supported on {}", endpoint.route()),
            Some("stream"),
        ));
    }
    pending.record().stream = stream;
    check_field(&object, "user", Shape::String, false)?;
    if let Ok(Some(user)) = object.get_as::<String>("user") {
        check_name_length(&user, "user")?;
        pending.record().user = Some(user);
    }
    // Only a well-formed object is recorded; the upstream judges anything else.
    if let Ok(Some(metadata)) =
        object.get_as::<serde_json::Map<String, serde_json::Value>>("metadata")
    {
        let anthropic = matches!(endpoint, Endpoint::Messages | Endpoint::MessagesCountTokens);
        let recorded = crate::request_metadata::record(&metadata, anthropic);
        let record = pending.record();
        record.metadata = recorded.json;
        if record.user.is_none() {
            record.user = recorded.user;
        }
    }
    match endpoint {
        Endpoint::ChatCompletions => check_field(&object, "messages", Shape::Array, true)?,
        Endpoint::Completions => check_field(&object, "prompt", Shape::StringOrArray, true)?,
        Endpoint::Embeddings | Endpoint::Moderations => {
            check_field(&object, "input", Shape::StringOrArray, true)?
        }
        Endpoint::ImagesGenerations => check_field(&object, "prompt", Shape::String, true)?,
        Endpoint::AudioSpeech => check_field(&object, "input", Shape::String, true)?,
        Endpoint::Rerank => {
            check_field(&object, "query", Shape::String, true)?;
            check_field(&object, "documents", Shape::Array, true)?;
        }
        Endpoint::Messages | Endpoint::MessagesCountTokens => {
            check_field(&object, "messages", Shape::Array, true)?
        }
        Endpoint::GenerateContent => check_field(&object, "contents", Shape::Array, true)?,
        Endpoint::Responses => check_field(&object, "input", Shape::StringOrArray, false)?,
        Endpoint::ImagesEdits
        | Endpoint::AudioTranscriptions
        | Endpoint::AudioTranslations
        | Endpoint::GeminiCountTokens => {}
    }
    Ok(ParsedRequest {
        model,
        anthropic_beta: headers.get("anthropic-beta").cloned(),
        stream,
        payload: Payload::Json(object),
        json_source: body,
    })
}

/// Waits for the first body chunk; `Ok(None)` for an empty body.
async fn first_chunk(body: &mut ByteStream, within: Duration) -> Result<Option<Bytes>, RelayError> {
    loop {
        match tokio::time::timeout(within, body.next()).await {
            Err(_) => return Err(RelayError::UpstreamTimeout),
            Ok(None) => return Ok(None),
            Ok(Some(Err(error))) => return Err(classify(&error)),
            Ok(Some(Ok(chunk))) if chunk.is_empty() => continue,
            Ok(Some(Ok(chunk))) => return Ok(Some(chunk)),
        }
    }
}

/// The client's error for a non-2xx upstream answer.
async fn upstream_error(
    response: reqwest::Response,
    channel: &Channel,
    idle: Duration,
) -> RelayError {
    let status = response.status().as_u16();
    match status {
        429 => RelayError::RateLimited {
            retry_after: retry_after(response.headers()),
        },
        401 | 403 => RelayError::UpstreamCredentials { status },
        400..=499 => {
            let mut body: ByteStream = response.bytes_stream().boxed();
            let body = read_body(&mut body, idle, MAX_ERROR_BODY).await.ok();
            RelayError::UpstreamRejected {
                status,
                body: body.and_then(|body| scrubbed_error(&body, channel)),
            }
        }
        _ => RelayError::UpstreamFailed,
    }
}

/// The upstream's OpenAI-shaped error, with the channel's key and address taken out.
fn scrubbed_error(body: &[u8], channel: &Channel) -> Option<ErrorBody> {
    #[derive(Deserialize)]
    struct Envelope {
        error: Detail,
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Detail {
        Object {
            message: Option<String>,
            #[serde(rename = "type")]
            kind: Option<String>,
            param: Option<serde_json::Value>,
            code: Option<serde_json::Value>,
        },
        Text(String),
    }
    let scrub = |text: &str| {
        let mut text = text.to_owned();
        for secret in [
            channel.key.trim(),
            channel.base_url.trim().trim_end_matches('/'),
        ] {
            if secret.len() >= 4 {
                text = text.replace(secret, "[redacted]");
            }
        }
        text
    };
    let as_text = |value: Option<serde_json::Value>| match value? {
        serde_json::Value::String(text) => Some(scrub(&text)),
        serde_json::Value::Null => None,
        other => Some(scrub(&other.to_string())),
    };
    let envelope = serde_json::from_slice::<Envelope>(body).ok()?;
    Some(match envelope.error {
        Detail::Object {
            message,
            kind,
            param,
            code,
        } => ErrorBody {
            message: scrub(
                message
                    .as_deref()
                    .unwrap_or("upstream rejected the request"),
            ),
            kind: kind.map_or_else(|| "invalid_request_error".to_owned(), |kind| scrub(&kind)),
            param: as_text(param),
            code: as_text(code),
        },
        Detail::Text(message) => ErrorBody {
            message: scrub(&message),
            kind: "invalid_request_error".to_owned(),
            param: None,
            code: None,
        },
    })
}

/// Reads usage from a JSON response and renames its model back; the body is returned
/// untouched when nothing needs renaming.
fn finish_json(
    bytes: Bytes,
    endpoint: Endpoint,
    rewrite_model_to: Option<&str>,
) -> (Bytes, Option<crate::host::TokenUsage>) {
    let _ = endpoint;
    let Ok(mut object) = JsonObject::parse(bytes.clone()) else {
        return (bytes, None);
    };
    let usage = object
        .get_as::<OpenAiUsage>("usage")
        .ok()
        .flatten()
        .map(OpenAiUsage::into_tokens);
    match rewrite_model_to {
        Some(model) if object.get("model").is_some() && object.set("model", model).is_ok() => {
            (object.to_bytes(), usage)
        }
        _ => (bytes, usage),
    }
}

/// The generated text of a JSON response, for local counting.
fn completion_text(bytes: &Bytes, endpoint: Endpoint) -> String {
    let mut text = String::new();
    let Ok(object) = JsonObject::parse(bytes.clone()) else {
        return text;
    };
    if let Ok(Some(choices)) = object.get_as::<Vec<Choice>>("choices") {
        collect_choice_text(&choices, &mut text, usize::MAX);
    }
    if matches!(
        endpoint,
        Endpoint::AudioTranscriptions | Endpoint::AudioTranslations
    ) && let Ok(Some(transcript)) = object.get_as::<String>("text")
    {
        text.push_str(&transcript);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_read_from_bearer_and_from_key_headers_with_or_without_a_bearer_prefix() {
        let key = |name: &'static str, value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(name, HeaderValue::from_static(value));
            api_key(&headers).map(str::to_owned)
        };
        assert_eq!(key("authorization", "Bearer sk-1").as_deref(), Some("sk-1"));
        assert_eq!(
            key("authorization", "bearer  sk-1 ").as_deref(),
            Some("sk-1")
        );
        assert_eq!(key("x-api-key", "sk-2").as_deref(), Some("sk-2"));
        assert_eq!(key("x-api-key", "Bearer sk-2").as_deref(), Some("sk-2"));
        assert_eq!(
            key("x-goog-api-key", "BEARER sk-3").as_deref(),
            Some("sk-3")
        );
        assert_eq!(key("x-api-key", "Bearer "), None);
        assert_eq!(key("authorization", "Basic abc"), None);
    }

    #[test]
    fn timestamps_are_rfc3339_utc() {
        for (unix, expected) in [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (1_700_000_000, "2023-11-14T22:13:20Z"),
            (4_102_444_799, "2099-12-31T23:59:59Z"),
        ] {
            assert_eq!(rfc3339(unix), expected, "{unix}");
        }
    }

    #[test]
    fn gemini_paths_name_the_model_and_the_method() {
        let (endpoint, facts) = gemini_target("gemini-2.5-pro:streamGenerateContent").unwrap();
        assert_eq!(endpoint, Endpoint::GenerateContent);
        assert_eq!(facts.model.as_deref(), Some("gemini-2.5-pro"));
        assert!(facts.stream);
        assert_eq!(
            gemini_target("m:countTokens").unwrap().0,
            Endpoint::GeminiCountTokens
        );
        for bad in ["gemini", ":generateContent", "m:embedContent"] {
            assert!(gemini_target(bad).is_none(), "{bad}");
        }
        assert_eq!(query_key("alt=sse&key=sk%2Da+b"), Some("sk-a b".to_owned()));
        assert_eq!(query_key("alt=sse&key="), None);
    }
}
