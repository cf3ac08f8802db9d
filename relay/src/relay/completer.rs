//! In-relay completions for plugins (web search's query rewrite), governed and billed like a client's.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use tenancy::Caller;

use super::Inner;
use super::auth::check_model_allowed;
use super::request::{ParsedRequest, Payload};
use super::upstream_error::MAX_ERROR_BODY;
use crate::json::JsonObject;
use crate::plugin::Exchange;
use crate::provider::Endpoint;
use crate::usage::PendingRecord;

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
