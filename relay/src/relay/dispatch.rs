//! Retries across channels: pick a channel, attempt it, report the outcome to channel health.

use std::sync::Arc;

use axum::response::Response;

use super::Inner;
use super::request::ParsedRequest;
use crate::error::RelayError;
use crate::health::{Outcome, PairKey};
use crate::host::{Channel, Route};
use crate::plugin::Exchange;
use crate::provider::Endpoint;
use crate::select::{Pick, pick};
use crate::usage::PendingRecord;

impl Inner {
    /// Tries channels until one answers or the retry budget is spent.
    pub(super) async fn dispatch(
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
            let mut result = self
                .attempt(
                    endpoint,
                    request,
                    &route.settings,
                    &channel,
                    exchange,
                    pending,
                )
                .await;
            if matches!(result, Err(RelayError::UpstreamCredentials { .. }))
                && channel.kind.provider().renews_credentials()
            {
                // The refused token was dropped: one more attempt runs with a fresh one, and
                // only its outcome counts for the channel's health.
                pending.clear_prompt_charge();
                result = self
                    .attempt(
                        endpoint,
                        request,
                        &route.settings,
                        &channel,
                        exchange,
                        pending,
                    )
                    .await;
            }
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

    pub(super) fn report(
        &self,
        channel: &Arc<Channel>,
        model: &str,
        endpoint: Endpoint,
        result: &Result<Response, RelayError>,
    ) {
        self.report_error(channel, model, endpoint, result.as_ref().err());
    }

    /// Reports an attempt that failed with `error`, or succeeded (`None`), to channel health.
    pub(super) fn report_error(
        &self,
        channel: &Arc<Channel>,
        model: &str,
        endpoint: Endpoint,
        error: Option<&RelayError>,
    ) {
        let outcome = match error {
            None => Outcome::Success,
            Some(RelayError::RateLimited { retry_after }) => Outcome::RateLimited {
                retry_after: *retry_after,
            },
            Some(RelayError::UpstreamCredentials { status }) => {
                Outcome::KeyRefused { status: *status }
            }
            Some(
                RelayError::UpstreamFailed
                | RelayError::UpstreamUnreachable
                | RelayError::UpstreamTimeout
                | RelayError::UpstreamInvalid,
            ) => Outcome::Failure,
            // The client's fault or our configuration's: says nothing about the channel's health.
            Some(_) => return,
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
}
