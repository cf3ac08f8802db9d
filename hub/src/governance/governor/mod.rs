//! Governance of the relay and MCP: admits each request and tool call against its rate limits, in-flight limits, token quotas and group balance.
//!
//! One governor admits both (the relay's `Governor`, MCP's `ToolCallGate`) before the request
//! goes upstream or the tool runs, and settles what it really used when its usage record arrives
//! ([`BillingSink`]). Owns the policy; the counting
//! itself is `crate::governance::limits`, prices are `crate::governance::billing`.
//!
//! Exactness: every check of a request is admitted atomically with the others, in memory or in
//! Redis shared by the replicas. Money is reserved at the request's estimated cost (prompt
//! tokens counted with the tokenizer plus the output bound: `max_tokens`, else the model's
//! `max_output_tokens`, else [`plan::DEFAULT_OUTPUT_ESTIMATE`]) plus its media units (images,
//! characters, audio, a video job's asked seconds) and settled at the real cost, so
//! concurrent requests cannot spend past a quota. The real cost can exceed the estimate only
//! when a request produced more than its estimate (no output bound given), so a quota is
//! overrun by at most what the requests in flight when it ran out used beyond their estimates.
//! A video job's creation keeps what it reserved for the video held past its settle until the
//! job's bill ends it (`limits::Hold`, [`Governor::hold_for_job`]), so unbilled jobs count too.
//!
//! When the counters cannot be reached (Redis down) requests are refused with 503 rather than
//! let through unmetered.

mod job_hold;
pub mod plan;
mod seed;
mod sink;
mod spending;

use std::fmt::Write as _;
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderName, HeaderValue};
use chrono_tz::Tz;
use mcp::{AdmitFuture, GateFuture, ToolCallGate, ToolCallRequest};
use relay::host::{AddressFuture, Admission, AdmissionFuture, AdmissionRequest, Governor, Refusal};
use tenancy::{Caller, RefusalKind};

pub use sink::BillingSink;

use crate::alerts::{AlertEvent, Alerts};
use crate::governance::limits::{Admitted, Counters, Denied, Hold, RateState};
use crate::snapshot::{SnapshotCell, now_ms};
use crate::store::{Price, Store};
use plan::{Plan, PlanInputs, Purpose};

/// How long an address that used too many groups stays blocked.
const IP_BAN: Duration = Duration::from_secs(3600);
/// The window in which the distinct groups of one address are counted.
const IP_WINDOW: Duration = Duration::from_secs(3600);

/// The governance settings.
#[derive(Debug, Clone)]
pub struct GovernorConfig {
    /// `BILLING_ENABLED`: reserve and charge money. Off, usage is still recorded at its cost but
    /// nothing is reserved or charged.
    pub billing_enabled: bool,
    /// `QUOTA_TIME_ZONE`: where a day, week or month of a period quota starts.
    pub time_zone: Tz,
    /// `IP_GROUPS_THRESHOLD`: alert when one address used this many groups within an hour.
    pub ip_groups_threshold: u32,
    /// `IP_GROUPS_BAN_THRESHOLD`: block such an address for an hour.
    pub ip_groups_ban_threshold: u32,
    /// `SAVE_ALL_LOG_DETAIL`: keep the bodies of every request.
    pub save_all_log_detail: bool,
    /// Whether the request-log journal is exhausted (`LOG_JOURNAL_WHEN_FULL=refuse`): billable
    /// requests are then refused, since their rows and charges could not be kept.
    pub log_admission: crate::logs::journal::LogAdmission,
}

/// The relay's governor, on the configuration snapshot and the shared counters.
pub struct HubGovernor {
    snapshot: Arc<SnapshotCell>,
    counters: Counters,
    store: Store,
    config: GovernorConfig,
    alerts: Alerts,
}

/// What an admitted request reserved, carried in its usage record back to [`BillingSink`].
#[derive(Debug)]
pub(crate) struct Reservation {
    /// Taken once, by the settle.
    admitted: Mutex<Option<Admitted>>,
    purposes: Vec<Purpose>,
    price: Price,
    period_start: Option<i64>,
    save_detail: bool,
    group_id: String,
    /// What a video job's creation reserved for the video, kept past the request's settle once
    /// the job exists (`job_created`), until the job's bill or failure ends it.
    hold: Option<Hold>,
    /// Set by [`Governor::hold_for_job`] when the request created its job.
    job_created: AtomicBool,
}

impl Reservation {
    fn take_admitted(&self) -> Option<Admitted> {
        self.admitted
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
    }

    /// The hold its settle keeps: only that of a job that was created.
    fn kept_hold(&self) -> Option<&Hold> {
        self.hold
            .as_ref()
            .filter(|_| self.job_created.load(Ordering::Acquire))
    }
}

impl HubGovernor {
    pub fn new(
        snapshot: Arc<SnapshotCell>,
        counters: Counters,
        store: Store,
        config: GovernorConfig,
        alerts: Alerts,
    ) -> HubGovernor {
        HubGovernor {
            snapshot,
            counters,
            store,
            config,
            alerts,
        }
    }

    async fn admit_request(&self, request: AdmissionRequest<'_>) -> Result<Admission, Refusal> {
        if request.billed {
            self.refuse_unbillable()?;
        }
        let ip = self.refuse_banned(request.client_ip).await?;
        let snapshot = self.snapshot.current();
        let caller = request.caller;
        let Some(group) = snapshot.group(&caller.group_id) else {
            // Deleted between authentication and now: nothing left to govern or bill.
            return Ok(Admission::default());
        };
        let generates = request.generates_text;
        let runtime = &snapshot.runtime;
        let inputs = PlanInputs {
            group,
            token_id: caller.token_id,
            token: snapshot.token_limits(caller.token_id),
            model: request.model,
            config: snapshot.model_config(request.model),
            group_override: snapshot.group_override(&caller.group_id, request.model),
            generates,
            max_output_tokens: request.max_output_tokens,
            service_tier: request.service_tier,
            web_searches: request.web_searches,
            media: request.media,
            billed: request.billed,
            billing_enabled: self.config.billing_enabled,
            save_all_detail: runtime
                .save_all_log_detail
                .unwrap_or(self.config.save_all_log_detail),
            consume_ratio: runtime.consume_level_ratio(snapshot.group_consumed(&group.id)),
            now_ms: now_ms(),
            time_zone: self.config.time_zone,
        };
        let plan = Plan::build(&inputs, request.count_input_tokens);
        if let Some(ip) = ip {
            self.watch_address(ip, caller.group_id.clone());
        }
        let admitted = if plan.checks.is_empty() {
            None
        } else {
            Some(self.admit_checks(&plan).await?)
        };
        let headers = admitted
            .as_ref()
            .map(|admitted| limit_headers(&plan, admitted.rates()))
            .unwrap_or_default();
        // A job unbilled past the poll's give-up horizon is never billed: its hold lapses then.
        let hold = admitted
            .as_ref()
            .and_then(|admitted| Hold::of(admitted, plan.held, relay::VIDEO_POLL_GIVE_UP));
        let reservation = Reservation {
            admitted: Mutex::new(admitted),
            purposes: plan.purposes,
            price: plan.price,
            period_start: plan.period_start,
            save_detail: plan.save_detail,
            group_id: caller.group_id.clone(),
            hold,
            job_created: AtomicBool::new(false),
        };
        Ok(Admission {
            headers,
            reservation: Some(tenancy::Reservation(Arc::new(reservation))),
        })
    }

    /// Refuses while the request-log journal is exhausted (one atomic read): a request served
    /// now could not be logged or charged (see `crate::logs::journal`).
    fn refuse_unbillable(&self) -> Result<(), Refusal> {
        if !self.config.log_admission.refuses() {
            return Ok(());
        }
        Err(refusal(
            RefusalKind::Unavailable,
            "request logging is unavailable (the request-log journal is full), so this request \
             cannot be billed; try again later"
                .to_owned(),
            Some(Duration::from_secs(5)),
            Vec::new(),
        ))
    }

    /// Refuses an address blocked for using too many groups (`IP_GROUPS_BAN_THRESHOLD`); hands
    /// back the address key to watch ([`address_key`]) when either address threshold is set.
    async fn refuse_banned(&self, client_ip: std::net::IpAddr) -> Result<Option<String>, Refusal> {
        let (alert_at, ban_at) = self.address_thresholds();
        let watch_addresses = alert_at > 0 || ban_at > 0;
        let ip = watch_addresses.then(|| address_key(client_ip));
        if let Some(ip) = &ip
            && ban_at > 0
        {
            match self.counters.banned(&ip_ban_key(ip)).await {
                Ok(Some(left)) => {
                    return Err(refusal(
                        RefusalKind::AddressBlocked,
                        "requests from this address are blocked for a while: it used too many groups"
                            .to_owned(),
                        Some(left),
                        Vec::new(),
                    ));
                }
                Ok(None) => {}
                Err(error) => return Err(unavailable(&error)),
            }
        }
        Ok(ip)
    }

    /// Every MCP request, before anything else runs for it: the relay's address rule (a
    /// blocked address is refused; the groups an address uses are counted toward the ban).
    /// `group_id` is empty for the admin key, which belongs to no group and is not counted.
    pub async fn admit_mcp_request(
        &self,
        group_id: &str,
        client_ip: std::net::IpAddr,
    ) -> Result<(), Refusal> {
        if let Some(ip) = self.refuse_banned(client_ip).await?
            && !group_id.is_empty()
        {
            self.watch_address(ip, group_id.to_owned());
        }
        Ok(())
    }

    /// A new MCP session (a Streamable HTTP `initialize`, a legacy SSE stream) or a `tools/list`
    /// counts as one request against the token's requests per minute, so opening sessions or
    /// listing (which reaches every upstream) in a loop is limited like any other traffic.
    pub async fn admit_mcp_session(&self, token_id: i64) -> Result<(), Refusal> {
        let snapshot = self.snapshot.current();
        let plan = Plan::for_session(token_id, snapshot.token_limits(token_id));
        if plan.checks.is_empty() {
            return Ok(());
        }
        let admitted = self.admit_checks(&plan).await?;
        // A rate check keeps what it took when released; there is nothing else to give back.
        if let Err(error) = self.counters.release(admitted).await {
            tracing::warn!(%error, "cannot release a session's admission");
        }
        Ok(())
    }

    /// Admits one MCP tool call of `caller` on `tool` of `server_id` (see
    /// [`Plan::for_tool_call`]), priced at the tool's own price or else the server's; the
    /// reservation goes back to [`BillingSink`] with the call's usage record.
    pub async fn admit_tool_call(
        &self,
        caller: &Caller,
        server_id: &str,
        tool: &str,
    ) -> Result<Option<tenancy::Reservation>, Refusal> {
        self.refuse_unbillable()?;
        let snapshot = self.snapshot.current();
        let Some(group) = snapshot.group(&caller.group_id) else {
            return Ok(None);
        };
        let price_per_call = snapshot
            .mcp_servers
            .iter()
            .find(|server| server.id == server_id)
            .map_or(rust_decimal::Decimal::ZERO, |server| server.price_of(tool));
        let plan = Plan::for_tool_call(&plan::ToolCallInputs {
            group,
            token_id: caller.token_id,
            token: snapshot.token_limits(caller.token_id),
            price_per_call,
            billing_enabled: self.config.billing_enabled,
            now_ms: now_ms(),
            time_zone: self.config.time_zone,
        });
        let admitted = if plan.checks.is_empty() {
            None
        } else {
            Some(self.admit_checks(&plan).await?)
        };
        Ok(Some(tenancy::Reservation(Arc::new(Reservation {
            admitted: Mutex::new(admitted),
            purposes: plan.purposes,
            price: plan.price,
            period_start: plan.period_start,
            // Arguments and results are in the record only when details are on for the caller.
            save_detail: caller.record_details,
            group_id: caller.group_id.clone(),
            hold: None,
            job_created: AtomicBool::new(false),
        }))))
    }

    /// A bill settled after its request ended: the money checks `amount` is charged to
    /// (none when billing is off), and the token's current quota period for the log entry.
    pub fn deferred_charge(
        &self,
        group_id: &str,
        token_id: Option<i64>,
        amount: rust_decimal::Decimal,
    ) -> (Vec<crate::governance::limits::Check>, Option<i64>) {
        let snapshot = self.snapshot.current();
        let Some(group) = snapshot.group(group_id) else {
            return (Vec::new(), None);
        };
        let token_id = token_id.unwrap_or_default();
        let amount = if self.config.billing_enabled {
            crate::governance::billing::to_nanos(amount)
        } else {
            0
        };
        let plan = Plan::for_charge(
            group,
            token_id,
            snapshot.token_limits(token_id),
            amount,
            (now_ms(), self.config.time_zone),
        );
        (plan.checks, plan.period_start)
    }

    /// Charges a deferred bill's `checks` their amounts in the live counters (see
    /// [`Counters::charge`]) and, in the same step, ends the job's `hold` (as its job keeps it,
    /// [`Governor::hold_for_job`]); the database is charged by the log writer.
    pub async fn apply_deferred_charge(
        &self,
        checks: Vec<crate::governance::limits::Check>,
        charge_id: String,
        hold: Option<&str>,
    ) {
        let hold = hold.and_then(job_hold::decode);
        if checks.is_empty() && hold.is_none() {
            return;
        }
        let amounts: Vec<i64> = checks
            .iter()
            .map(|check| match check {
                crate::governance::limits::Check::Cap { amount, .. }
                | crate::governance::limits::Check::Balance { amount, .. } => *amount,
                _ => 0,
            })
            .collect();
        let charged = match &hold {
            Some(hold) => self.counters.settle_hold(hold, checks, &amounts).await,
            None => self.counters.charge(checks, &amounts, charge_id).await,
        };
        if let Err(error) = charged {
            tracing::error!(%error, "cannot charge a deferred bill to the live counters");
        }
    }

    /// Ends a job's `hold` with nothing charged: the job failed, was deleted, or is not billed.
    pub async fn release_hold(&self, hold: Option<&str>) {
        if hold.is_some() {
            self.apply_deferred_charge(Vec::new(), String::new(), hold)
                .await;
        }
    }

    /// Whether billing is on (`BILLING_ENABLED`).
    pub fn billing_enabled(&self) -> bool {
        self.config.billing_enabled
    }

    /// Admits the plan's checks, seeding money counters from the database when they are new.
    async fn admit_checks(&self, plan: &Plan) -> Result<Admitted, Refusal> {
        use crate::governance::limits::Refusal as Counted;
        // Seeding can race with another replica's seeding or a counter's expiry; two rounds of
        // seeding are plenty, a third refusal means something is wrong.
        for _ in 0..3 {
            match self.counters.admit(&plan.checks).await {
                Ok(admitted) => return Ok(admitted),
                Err(Counted::Denied(denied)) => return Err(self.denied(plan, &denied)),
                Err(Counted::Backend(error)) => return Err(unavailable(&error)),
                Err(Counted::Unseeded(keys)) => {
                    for key in keys {
                        let Some((_, seed, ttl)) =
                            plan.seeds.iter().find(|(seeded, _, _)| *seeded == key)
                        else {
                            return Err(unavailable(&"a counter has no seed"));
                        };
                        let value = seed::load(&self.store, seed)
                            .await
                            .map_err(|error| unavailable(&error))?;
                        self.counters
                            .seed(&key, value, Some(*ttl))
                            .await
                            .map_err(|error| unavailable(&error))?;
                    }
                }
            }
        }
        Err(unavailable(&"the counters stayed unseeded"))
    }

    /// The client-facing refusal for the check that said no.
    fn denied(&self, plan: &Plan, denied: &Denied) -> Refusal {
        let purpose = plan.purposes.get(denied.index).copied();
        let check = plan.checks.get(denied.index);
        let limit = match check {
            Some(crate::governance::limits::Check::Rate { limit, .. })
            | Some(crate::governance::limits::Check::Concurrency { limit, .. }) => *limit,
            _ => 0,
        };
        let mut headers = Vec::new();
        if let (Some(purpose), Some(rate)) = (purpose, denied.rate) {
            push_rate_headers(&mut headers, purpose.is_tokens(), rate);
        }
        let beyond = "the request's estimated tokens exceed the limit itself";
        let (kind, message, retry_after) = match purpose {
            Some(Purpose::GroupRequests) => (
                RefusalKind::RateLimited,
                format!(
                    "the group's limit of {limit} requests per minute for this model is reached"
                ),
                denied.retry_after,
            ),
            Some(Purpose::GroupTokens) => (
                RefusalKind::RateLimited,
                match denied.retry_after {
                    Some(_) => format!(
                        "the group's limit of {limit} tokens per minute for this model is reached"
                    ),
                    None => format!(
                        "the group's limit of {limit} tokens per minute for this model: {beyond}"
                    ),
                },
                denied.retry_after,
            ),
            Some(Purpose::TokenRequests) => (
                RefusalKind::RateLimited,
                format!("the api key's limit of {limit} requests per minute is reached"),
                denied.retry_after,
            ),
            Some(Purpose::TokenTokens) => (
                RefusalKind::RateLimited,
                match denied.retry_after {
                    Some(_) => {
                        format!("the api key's limit of {limit} tokens per minute is reached")
                    }
                    None => format!("the api key's limit of {limit} tokens per minute: {beyond}"),
                },
                denied.retry_after,
            ),
            Some(Purpose::TokenInFlight) => (
                RefusalKind::TooManyInFlight,
                format!("the api key already has {limit} requests in flight, its limit"),
                None,
            ),
            Some(Purpose::GroupInFlight) => (
                RefusalKind::TooManyInFlight,
                format!("the group already has {limit} requests in flight, its limit"),
                None,
            ),
            Some(Purpose::TokenQuota) => (
                RefusalKind::QuotaExhausted,
                "the api key's quota cannot cover this request".to_owned(),
                None,
            ),
            Some(Purpose::TokenPeriodQuota) => {
                let until = plan
                    .period_end
                    .map(|end| end.saturating_sub(now_ms()))
                    .and_then(|ms| u64::try_from(ms).ok())
                    .map(Duration::from_millis);
                let mut message =
                    "the api key's quota for the current period cannot cover this request"
                        .to_owned();
                if let Some(end) = plan
                    .period_end
                    .and_then(chrono::DateTime::from_timestamp_millis)
                {
                    let _ = write!(message, "; it resets at {}", end.to_rfc3339());
                }
                (RefusalKind::QuotaExhausted, message, until)
            }
            Some(Purpose::GroupBalance) => (
                RefusalKind::InsufficientBalance,
                "the group's balance cannot cover this request".to_owned(),
                None,
            ),
            None => return unavailable(&"a refusal named no check"),
        };
        refusal(kind, message, retry_after, headers)
    }

    /// The address thresholds (alert, block) in force: the `IPGroupsThreshold` and
    /// `IPGroupsBanThreshold` options, else the environment's.
    fn address_thresholds(&self) -> (u32, u32) {
        let snapshot = self.snapshot.current();
        let runtime = &snapshot.runtime;
        (
            runtime
                .ip_groups_threshold
                .unwrap_or(self.config.ip_groups_threshold),
            runtime
                .ip_groups_ban_threshold
                .unwrap_or(self.config.ip_groups_ban_threshold),
        )
    }

    /// Counts the groups one address uses; alerts, and blocks it past the thresholds. Off the
    /// request path: the request does not wait for it.
    fn watch_address(&self, ip: String, group_id: String) {
        let counters = self.counters.clone();
        let alerts = self.alerts.clone();
        let (alert_at, ban_at) = self.address_thresholds();
        tokio::spawn(async move {
            let groups = match counters.note_ip_group(&ip, &group_id, IP_WINDOW).await {
                Ok(groups) => groups,
                Err(error) => {
                    tracing::warn!(%error, "cannot count the groups of a client address");
                    return;
                }
            };
            let groups = u32::try_from(groups).unwrap_or(u32::MAX);
            if ban_at > 0 && groups >= ban_at {
                if let Err(error) = counters.ban(&ip_ban_key(&ip), IP_BAN).await {
                    tracing::warn!(%error, "cannot block a client address");
                }
                tracing::warn!(
                    ip,
                    groups,
                    group = group_id,
                    "client address blocked: it used too many groups within an hour"
                );
            }
            if (alert_at > 0 && groups >= alert_at) || (ban_at > 0 && groups >= ban_at) {
                alerts.raise(AlertEvent::IpSharedByGroups { ip, groups });
            }
        });
    }
}

impl Governor for HubGovernor {
    fn admit<'a>(&'a self, request: AdmissionRequest<'a>) -> AdmissionFuture<'a> {
        Box::pin(self.admit_request(request))
    }

    fn check_address<'a>(&'a self, client_ip: std::net::IpAddr) -> AddressFuture<'a> {
        Box::pin(async move { self.refuse_banned(client_ip).await.map(|_| ()) })
    }

    fn hold_for_job(&self, reservation: &tenancy::Reservation) -> Option<String> {
        let reservation = reservation.0.downcast_ref::<Reservation>()?;
        let hold = reservation.hold.as_ref()?;
        let encoded = job_hold::encode(hold)?;
        reservation.job_created.store(true, Ordering::Release);
        Some(encoded)
    }
}

/// The same governor admits MCP traffic: tool calls are counted and reserved like relay requests
/// (priced at the tool's price, else the server's `price_per_call`), and a refusal reaches the MCP client without the
/// HTTP headers only the relay's answer carries.
impl ToolCallGate for HubGovernor {
    fn admit<'a>(&'a self, request: ToolCallRequest<'a>) -> GateFuture<'a> {
        Box::pin(async move {
            self.admit_tool_call(request.caller, request.server_id, request.tool)
                .await
                .map_err(tenancy::Refusal::from)
        })
    }

    /// The relay's address rule on every MCP request: a blocked address gets 403, and the
    /// groups an address uses over MCP count toward `IP_GROUPS_BAN_THRESHOLD` too.
    fn admit_request<'a>(&'a self, caller: &'a Caller, client_ip: IpAddr) -> AdmitFuture<'a> {
        Box::pin(async move {
            self.admit_mcp_request(&caller.group_id, client_ip)
                .await
                .map_err(tenancy::Refusal::from)
        })
    }

    fn admit_session<'a>(&'a self, caller: &'a Caller) -> AdmitFuture<'a> {
        Box::pin(async move {
            self.admit_mcp_session(caller.token_id)
                .await
                .map_err(tenancy::Refusal::from)
        })
    }

    fn admit_listing<'a>(&'a self, caller: &'a Caller) -> AdmitFuture<'a> {
        // A listing reaches every upstream: it costs what opening a session costs.
        self.admit_session(caller)
    }
}

/// The ban counter of an address key (see [`address_key`]).
fn ip_ban_key(address: &str) -> String {
    format!("ip:{address}")
}

/// What a ban and the group count apply to: an IPv4 address (IPv4-mapped IPv6 included), or
/// the /64 of an IPv6 address, since one client usually holds a whole /64 and could otherwise
/// step to a fresh address for every group.
fn address_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let network = u128::from(v6) & !((1_u128 << 64) - 1);
                format!("{}/64", std::net::Ipv6Addr::from(network))
            }
        },
    }
}

fn refusal(
    kind: RefusalKind,
    message: String,
    retry_after: Option<Duration>,
    headers: Vec<(HeaderName, HeaderValue)>,
) -> Refusal {
    Refusal {
        kind,
        message,
        retry_after,
        headers,
    }
}

fn unavailable(error: &dyn std::fmt::Display) -> Refusal {
    tracing::error!(%error, "cannot check limits: request refused");
    refusal(
        RefusalKind::Unavailable,
        "limits cannot be checked right now, try again later".to_owned(),
        Some(Duration::from_secs(1)),
        Vec::new(),
    )
}

/// `x-ratelimit-*` for requests and tokens: of each kind, the limit closest to refusing.
fn limit_headers(
    plan: &Plan,
    rates: impl Iterator<Item = (usize, RateState)>,
) -> Vec<(HeaderName, HeaderValue)> {
    let mut requests: Option<RateState> = None;
    let mut tokens: Option<RateState> = None;
    for (index, rate) in rates {
        let Some(purpose) = plan.purposes.get(index) else {
            continue;
        };
        let slot = if purpose.is_tokens() {
            &mut tokens
        } else {
            &mut requests
        };
        if slot.is_none_or(|current| rate.remaining < current.remaining) {
            *slot = Some(rate);
        }
    }
    let mut headers = Vec::new();
    if let Some(rate) = requests {
        push_rate_headers(&mut headers, false, rate);
    }
    if let Some(rate) = tokens {
        push_rate_headers(&mut headers, true, rate);
    }
    headers
}

fn push_rate_headers(headers: &mut Vec<(HeaderName, HeaderValue)>, tokens: bool, rate: RateState) {
    let [limit, remaining, reset] = if tokens {
        [
            "x-ratelimit-limit-tokens",
            "x-ratelimit-remaining-tokens",
            "x-ratelimit-reset-tokens",
        ]
    } else {
        [
            "x-ratelimit-limit-requests",
            "x-ratelimit-remaining-requests",
            "x-ratelimit-reset-requests",
        ]
    };
    // Numbers become header values without the formatting machinery (every admitted request
    // carries these).
    headers.push((
        HeaderName::from_static(limit),
        HeaderValue::from(rate.limit),
    ));
    headers.push((
        HeaderName::from_static(remaining),
        HeaderValue::from(rate.remaining),
    ));
    if let Ok(value) = HeaderValue::from_str(&reset_text(rate.reset_after)) {
        headers.push((HeaderName::from_static(reset), value));
    }
}

/// A duration the way OpenAI writes its reset headers: `120ms`, `1s`, `6m0s`, `1.5s`.
fn reset_text(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis < 1000 {
        let mut text = itoa::Buffer::new().format(millis).to_owned();
        text.push_str("ms");
        return text;
    }
    let minutes = millis / 60_000;
    let seconds = (millis % 60_000) / 1000;
    let fraction = millis % 1000;
    let mut text = String::new();
    if minutes > 0 {
        let _ = write!(text, "{minutes}m");
    }
    let _ = write!(text, "{seconds}");
    if fraction > 0 {
        let digits = format!("{fraction:03}");
        let _ = write!(text, ".{}", digits.trim_end_matches('0'));
    }
    text.push('s');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bans_cover_an_ipv6_64_and_ipv4_mapped_addresses() {
        let key = |text: &str| address_key(text.parse().unwrap());
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        assert_eq!(key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(key("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_eq!(key("2001:db8:1:2:ffff:1:2:3"), key("2001:db8:1:2::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
    }

    #[test]
    fn reset_headers_read_like_openais() {
        assert_eq!(reset_text(Duration::from_millis(120)), "120ms");
        assert_eq!(reset_text(Duration::from_secs(1)), "1s");
        assert_eq!(reset_text(Duration::from_millis(1500)), "1.5s");
        assert_eq!(reset_text(Duration::from_secs(360)), "6m0s");
    }
}
