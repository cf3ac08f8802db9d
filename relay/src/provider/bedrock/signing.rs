//! Bedrock credentials from the channel key (`region|access_key_id|secret_access_key`, `region|api_key` or an API key alone) and SigV4 signing.
//!
//! Access keys sign each final request with SigV4 (service `bedrock`, AWS's own signer); a
//! Bedrock API key is a Bearer token. The key's parts never appear in an error: a malformed
//! key is described by its shape only.

use std::time::SystemTime;

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use axum::http::{HeaderName, HeaderValue, header};

use super::super::UpstreamRequest;
use crate::error::RelayError;
use crate::vocabulary::Channel;

/// The region of a channel whose key is a Bedrock API key alone.
pub const DEFAULT_REGION: &str = "us-east-1";

/// The SigV4 signing name of the Bedrock runtime.
const SERVICE: &str = "bedrock";

/// How a channel authenticates, as its key says.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials<'a> {
    AccessKey {
        region: &'a str,
        access_key_id: &'a str,
        secret_access_key: &'a str,
    },
    ApiKey {
        region: &'a str,
        key: &'a str,
    },
}

impl Credentials<'_> {
    pub fn region(&self) -> &str {
        match self {
            Credentials::AccessKey { region, .. } | Credentials::ApiKey { region, .. } => region,
        }
    }
}

/// The credentials in `channel`'s key.
pub fn credentials(channel: &Channel) -> Result<Credentials<'_>, RelayError> {
    let key = channel.key.trim();
    let parts: Vec<&str> = key.split('|').map(str::trim).collect();
    let invalid = || {
        RelayError::Misconfigured(format!(
            "channel {} has an invalid key: expected region|access_key_id|secret_access_key, \
             region|api_key or a Bedrock API key",
            channel.id
        ))
    };
    if parts.iter().any(|part| part.is_empty()) {
        return Err(invalid());
    }
    let valid_region = |region: &str| {
        region
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
    };
    match parts[..] {
        [region, access_key_id, secret_access_key] if valid_region(region) => {
            Ok(Credentials::AccessKey {
                region,
                access_key_id,
                secret_access_key,
            })
        }
        [region, key] if valid_region(region) => Ok(Credentials::ApiKey { region, key }),
        [key] => Ok(Credentials::ApiKey {
            region: DEFAULT_REGION,
            key,
        }),
        _ => Err(invalid()),
    }
}

/// The `Authorization: Bearer` header of an API key (marked sensitive).
pub fn bearer(channel: &Channel, key: &str) -> Result<HeaderValue, RelayError> {
    let mut value = HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| {
        RelayError::Misconfigured(format!("channel {} has an invalid key", channel.id))
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// Signs `request` in place with SigV4 at `time`: adds `x-amz-date` and `authorization`
/// (sensitive) over its method, URL, headers and body.
pub fn sign_request(
    channel: &Channel,
    region: &str,
    access_key_id: &str,
    secret_access_key: &str,
    request: &mut UpstreamRequest,
    time: SystemTime,
) -> Result<(), RelayError> {
    let refused = || {
        RelayError::Misconfigured(format!(
            "channel {} cannot sign its request with its key",
            channel.id
        ))
    };
    let identity: Identity = aws_credential_types::Credentials::new(
        access_key_id,
        secret_access_key,
        None,
        None,
        "channel",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(SERVICE)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|_| refused())?
        .into();
    let headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .filter(|(name, _)| *name != header::AUTHORIZATION)
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
        .collect();
    let signable = SignableRequest::new(
        request.method.as_str(),
        &request.url,
        headers.into_iter(),
        SignableBody::Bytes(&request.body),
    )
    .map_err(|_| refused())?;
    let (instructions, _signature) = sign(signable, &params).map_err(|_| refused())?.into_parts();
    let (headers, _params) = instructions.into_parts();
    for signed in headers {
        let name = HeaderName::from_bytes(signed.name().as_bytes()).map_err(|_| refused())?;
        let mut value = HeaderValue::from_str(signed.value()).map_err(|_| refused())?;
        value.set_sensitive(signed.sensitive() || name == header::AUTHORIZATION);
        request.headers.insert(name, value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, Method};
    use bytes::Bytes;

    fn channel(key: &str) -> Channel {
        Channel {
            id: 7,
            name: "aws".into(),
            kind: crate::host::ChannelKind::parse("aws").unwrap(),
            base_url: String::new(),
            key: key.into(),
            model_mapping: Default::default(),
            priority: 0,
            config: Default::default(),
            proxy_url: None,
            timeouts: Default::default(),
        }
    }

    #[test]
    fn keys_name_access_keys_or_api_keys() {
        let access = channel("us-west-2|AKIDEXAMPLE|secret");
        assert!(matches!(
            credentials(&access).unwrap(),
            Credentials::AccessKey {
                region: "us-west-2",
                access_key_id: "AKIDEXAMPLE",
                secret_access_key: "secret"
            }
        ));
        let regional = channel("eu-central-1|ABSKapikey");
        assert!(matches!(
            credentials(&regional).unwrap(),
            Credentials::ApiKey {
                region: "eu-central-1",
                key: "ABSKapikey"
            }
        ));
        let bare = channel("ABSKapikey");
        assert_eq!(credentials(&bare).unwrap().region(), DEFAULT_REGION);
    }

    #[test]
    fn a_malformed_key_is_described_without_its_parts() {
        for key in ["a|b|c|d", "us-east-1||secret", "us east|AKID|topsecret", ""] {
            let error = credentials(&channel(key)).err().unwrap().to_string();
            assert!(error.contains("invalid key"), "{key}: {error}");
            assert!(!error.contains("topsecret") && !error.contains("secret|"));
        }
    }

    /// AWS's published SigV4 example values give a stable signature for a fixed time.
    #[test]
    fn signing_adds_a_sensitive_authorization_over_the_request() {
        let channel = channel("us-east-1|AKIDEXAMPLE|wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let mut request = UpstreamRequest {
            method: Method::POST,
            url: "https://bedrock-runtime.us-east-1.amazonaws.com/model/m%3A0/converse".into(),
            headers,
            body: Bytes::from_static(b"{}"),
        };
        let time = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000);
        sign_request(
            &channel,
            "us-east-1",
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            &mut request,
            time,
        )
        .unwrap();
        let authorization = &request.headers[header::AUTHORIZATION];
        assert!(authorization.is_sensitive());
        let authorization = authorization.to_str().unwrap();
        assert!(authorization.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/us-east-1/bedrock/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, Signature="
        ));
        assert!(!authorization.contains("wJalr"));
        assert_eq!(request.headers["x-amz-date"], "20231114T221320Z");
    }
}
