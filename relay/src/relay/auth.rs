//! Who is calling: the client address, the API key (headers or Gemini's `?key=`), the caller's model allow-list.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use tenancy::Caller;

use super::Inner;
use crate::client_ip::client_ip;
use crate::error::RelayError;
use crate::usage::PendingRecord;

impl Inner {
    pub(super) fn client_ip(&self, parts: &Parts) -> IpAddr {
        client_ip(peer(parts), &parts.headers, &self.config.trusted_proxies)
    }

    pub(super) fn authenticate(
        &self,
        parts: &Parts,
        pending: &mut PendingRecord,
    ) -> Result<Caller, RelayError> {
        let ip = self.client_ip(parts);
        pending.record().client_ip = Some(ip);
        let query_key = super::routes::is_gemini_path(parts.uri.path())
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

    /// Refuses a blocked address on the requests the governor does not admit.
    pub(super) async fn check_address(
        &self,
        pending: &mut PendingRecord,
    ) -> Result<(), RelayError> {
        let ip = pending
            .record()
            .client_ip
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        self.governor
            .check_address(ip)
            .await
            .map_err(RelayError::Refused)
    }
}

/// The socket peer of a request (unspecified when the server did not say).
pub(super) fn peer(parts: &Parts) -> IpAddr {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip())
}

/// The presented key: `Authorization: Bearer <key>`, else `x-api-key` or `x-goog-api-key`.
/// Those two also accept a `Bearer ` prefix, as the seed's README shows them
/// (`X-Api-Key: Bearer <token>`), so a configuration copied from it works.
pub(super) fn api_key(headers: &HeaderMap) -> Option<&str> {
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
pub(super) fn query_key(query: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| *name == "key")
        .map(|(_, value)| percent_decode(value))
        .filter(|key| !key.is_empty())
}

pub(super) fn percent_decode(text: &str) -> String {
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

pub(super) fn check_model_allowed(caller: &Caller, model: &str) -> Result<(), RelayError> {
    match &caller.allowed_models {
        Some(allowed) if !allowed.iter().any(|name| name == model) => {
            Err(RelayError::ModelNotAllowed(model.to_owned()))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

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
    fn gemini_query_keys_are_percent_decoded() {
        assert_eq!(query_key("alt=sse&key=sk%2Da+b"), Some("sk-a b".to_owned()));
        assert_eq!(query_key("alt=sse&key="), None);
    }
}
