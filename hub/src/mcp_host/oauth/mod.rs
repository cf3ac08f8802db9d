//! OAuth 2.1 access tokens for MCP clients: JWTs from configured issuers verified, their claims mapped to a group and scopes to servers and tools.
//!
//! A token is checked for its signature (a key of its issuer's JWKS, asymmetric algorithms
//! only), `iss` (one configured issuer, exactly), `exp` and `nbf`, and its audience: the
//! canonical URI of the endpoint it is presented to (RFC 8707), the gateway's `/mcp` or its
//! base URL (both cover every endpoint), the base URL of a host-based route's host (for that
//! route), or an audience the issuer's entry accepts. Its group
//! comes from the issuer's group claim (through its mapping table when it has one); its scopes
//! become the caller's MCP allow-list: `mcp` every server of the group, `mcp:<server>` one
//! server, `mcp:<server>:<tool>` one tool. A token with none of them is refused
//! (`insufficient_scope`).

pub mod issuers;
pub mod jwks;

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::sync::Arc;

use jsonwebtoken::jwk::{AlgorithmParameters, Jwk};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, Validation};
use mcp::{
    AccessTokenError, AccessTokenVerifier, McpOAuth, ProtectedResource, SCOPE_ALL_SERVERS,
    VerifyFuture,
};
use sha2::{Digest, Sha256};
use tenancy::{AuthError, Caller, McpAllowList, ToolFilter};

use crate::snapshot::SnapshotCell;
use jwks::{IssuerKeys, KeyError};

/// Seconds of clock skew allowed on `exp` and `nbf`.
const CLOCK_LEEWAY_SECONDS: u64 = 30;
/// Longest token name kept in logs (`oauth:<sub>`).
const MAX_TOKEN_NAME_CHARS: usize = 64;

/// Where the gateway is reached, as OAuth describes it: `MCP_OAUTH_PUBLIC_URL`, and
/// `PUBLIC_MCP_HOST` when the host-based routes are on (each is a resource of its own).
pub struct PublicAddress<'a> {
    pub public_url: Option<&'a str>,
    pub public_host: Option<&'a str>,
}

/// Turns OAuth on when both settings are given; `Ok(None)` when neither is.
pub fn from_settings(
    address: PublicAddress<'_>,
    issuers: Option<&str>,
    snapshot: Arc<SnapshotCell>,
    record_details: bool,
) -> Result<Option<McpOAuth>, String> {
    let public_url = address.public_url;
    let public_url = public_url.map(str::trim).filter(|url| !url.is_empty());
    let issuers = issuers.map(str::trim).filter(|text| !text.is_empty());
    let (public_url, issuers) = match (public_url, issuers) {
        (None, None) => return Ok(None),
        (Some(url), Some(issuers)) => (url, issuers::parse(issuers)?),
        (None, Some(_)) => {
            return Err(
                "MCP_OAUTH_ISSUERS needs MCP_OAUTH_PUBLIC_URL, the gateway's public base URL"
                    .to_owned(),
            );
        }
        (Some(_), None) => {
            return Err("MCP_OAUTH_PUBLIC_URL needs MCP_OAUTH_ISSUERS".to_owned());
        }
    };
    let parsed =
        url::Url::parse(public_url).map_err(|_| "MCP_OAUTH_PUBLIC_URL is not a URL".to_owned())?;
    if !matches!(parsed.scheme(), "https" | "http") || parsed.query().is_some() {
        return Err("MCP_OAUTH_PUBLIC_URL must be an http(s) URL without a query".to_owned());
    }
    let public_url = public_url.trim_end_matches('/').to_owned();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::limited(3))
        .build()
        .map_err(|error| format!("cannot build the JWKS client: {error}"))?;
    let authorization_servers = issuers.iter().map(|issuer| issuer.issuer.clone()).collect();
    let verifier = HubAccessTokens {
        issuers: issuers
            .into_iter()
            .map(|config| IssuerKeys::new(config, http.clone()))
            .collect(),
        public_url: public_url.clone(),
        snapshot,
        record_details,
    };
    Ok(Some(McpOAuth {
        resource: ProtectedResource {
            public_url,
            authorization_servers,
            public_host: address.public_host.map(str::to_owned),
        },
        verifier: Arc::new(verifier),
    }))
}

/// The hub's access-token verifier.
pub struct HubAccessTokens {
    issuers: Vec<IssuerKeys>,
    public_url: String,
    snapshot: Arc<SnapshotCell>,
    /// `SAVE_ALL_LOG_DETAIL`, unless the `SaveAllLogDetail` option says otherwise.
    record_details: bool,
}

impl AccessTokenVerifier for HubAccessTokens {
    /// A JWT: three base64url parts, the first a JSON header (`eyJ`). API keys never look so.
    fn judges(&self, bearer: &str) -> bool {
        bearer.starts_with("eyJ") && bearer.split('.').count() == 3
    }

    fn verify<'a>(
        &'a self,
        token: &'a str,
        resource: &'a str,
        client_ip: IpAddr,
    ) -> VerifyFuture<'a> {
        Box::pin(self.verify_token(token, resource, client_ip))
    }
}

impl HubAccessTokens {
    async fn verify_token(
        &self,
        token: &str,
        resource: &str,
        client_ip: IpAddr,
    ) -> Result<Caller, AccessTokenError> {
        let invalid = |reason: &str| AccessTokenError::Invalid(reason.to_owned());
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid("malformed token"))?;
        // The issuer is read before the signature is checked only to choose whose keys check it.
        let unverified: serde_json::Value = jsonwebtoken::dangerous::insecure_decode_claims(token)
            .map_err(|_| invalid("malformed token"))?;
        let issuer_id = unverified
            .get("iss")
            .and_then(|iss| iss.as_str())
            .unwrap_or("");
        let issuer = self
            .issuers
            .iter()
            .find(|keys| keys.config().issuer == issuer_id)
            .ok_or_else(|| invalid("unknown issuer"))?;
        let jwk = issuer
            .key(header.kid.as_deref())
            .await
            .map_err(|error| match error {
                KeyError::UnknownKey(_) => invalid("unknown signing key"),
                KeyError::Unavailable(message) => AccessTokenError::Unavailable(message),
            })?;
        let key =
            asymmetric_key(&jwk, header.alg).ok_or_else(|| invalid("unusable signing key"))?;
        let config = issuer.config();
        let mut validation = Validation::new(header.alg);
        validation.leeway = CLOCK_LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_issuer(&[&config.issuer]);
        let mut audiences = vec![
            resource.to_owned(),
            format!("{}/mcp", self.public_url),
            self.public_url.clone(),
        ];
        // A host-based route's `<base>/mcp` also takes its host's base, as the gateway's
        // `/mcp` takes the gateway's.
        if let Some(base) = resource.strip_suffix("/mcp") {
            audiences.push(base.to_owned());
        }
        audiences.extend(config.audiences.iter().cloned());
        validation.set_audience(&audiences);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        let claims = jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation)
            .map_err(|error| {
                use jsonwebtoken::errors::ErrorKind;
                match error.kind() {
                    ErrorKind::ExpiredSignature => invalid("the token has expired"),
                    ErrorKind::ImmatureSignature => invalid("the token is not valid yet"),
                    ErrorKind::InvalidAudience => {
                        invalid("the token's audience is not this resource")
                    }
                    ErrorKind::InvalidIssuer => invalid("unknown issuer"),
                    ErrorKind::InvalidSignature => invalid("bad signature"),
                    ErrorKind::MissingRequiredClaim(_) => invalid("a required claim is missing"),
                    _ => invalid("the token does not verify"),
                }
            })?
            .claims;
        let group_id =
            group_of(&claims, config).ok_or_else(|| invalid("the token names no group"))?;
        let mcp_allow = allow_list(&claims).ok_or(AccessTokenError::InsufficientScope)?;
        let subject = claims.get("sub").and_then(|sub| sub.as_str()).unwrap_or("");
        self.caller(group_id, (&config.issuer, subject), mcp_allow, client_ip)
    }

    /// The caller of a verified token: its group must exist and be enabled, like a key's.
    fn caller(
        &self,
        group_id: String,
        (issuer, subject): (&str, &str),
        mcp_allow: Option<McpAllowList>,
        client_ip: IpAddr,
    ) -> Result<Caller, AccessTokenError> {
        let snapshot = self.snapshot.current();
        if snapshot.runtime.disable_serve {
            return Err(AccessTokenError::Refused(AuthError::Maintenance));
        }
        match snapshot.group(&group_id) {
            Some(group) if group.status != crate::store::GroupStatus::Disabled => {}
            Some(_) => return Err(AccessTokenError::Refused(AuthError::GroupDisabled)),
            None => {
                return Err(AccessTokenError::Invalid(
                    "the token's group does not exist".to_owned(),
                ));
            }
        }
        let token_name: String = format!("oauth:{subject}")
            .chars()
            .take(MAX_TOKEN_NAME_CHARS)
            .collect();
        Ok(Caller {
            group_id,
            token_id: subject_token_id(issuer, subject),
            token_name,
            allowed_models: None,
            sets: Arc::from([]),
            mcp_allow: mcp_allow.map(Arc::new),
            record_details: snapshot
                .runtime
                .save_all_log_detail
                .unwrap_or(self.record_details),
            client_ip: Some(client_ip),
        })
    }
}

/// The decoding key of an asymmetric JWK for `alg`; `None` for a shared-secret (HMAC) key, a
/// key of another family, or a key whose own `alg` differs (no algorithm confusion).
fn asymmetric_key(jwk: &Jwk, alg: Algorithm) -> Option<DecodingKey> {
    let family_matches = matches!(
        (&jwk.algorithm, alg.family()),
        (AlgorithmParameters::RSA(_), AlgorithmFamily::Rsa)
            | (AlgorithmParameters::EllipticCurve(_), AlgorithmFamily::Ec)
            | (AlgorithmParameters::OctetKeyPair(_), AlgorithmFamily::Ed)
    );
    if !family_matches {
        return None;
    }
    if let Some(key_alg) = jwk.common.key_algorithm
        && key_alg.to_string() != format!("{alg:?}")
    {
        return None;
    }
    DecodingKey::from_jwk(jwk).ok()
}

/// The group the issuer's group claim names (a string, or the first mapped string of an array).
fn group_of(claims: &serde_json::Value, config: &issuers::IssuerConfig) -> Option<String> {
    match claims.get(&config.group_claim)? {
        serde_json::Value::String(value) => config.group_for(value),
        serde_json::Value::Array(values) => values
            .iter()
            .filter_map(|value| value.as_str())
            .find_map(|value| config.group_for(value)),
        _ => None,
    }
}

/// The MCP allow-list a token's scopes grant: `Some(None)` for every server (`mcp`), `None`
/// when no scope is an MCP one. Scopes come from `scope` (space separated) or `scp` (an array
/// or a string).
fn allow_list(claims: &serde_json::Value) -> Option<Option<McpAllowList>> {
    let mut scopes: Vec<&str> = Vec::new();
    for name in ["scope", "scp"] {
        match claims.get(name) {
            Some(serde_json::Value::String(text)) => scopes.extend(text.split_whitespace()),
            Some(serde_json::Value::Array(values)) => {
                scopes.extend(values.iter().filter_map(|value| value.as_str()));
            }
            _ => {}
        }
    }
    let mut servers: BTreeMap<String, ToolFilter> = BTreeMap::new();
    let mut any = false;
    for scope in scopes {
        if scope == SCOPE_ALL_SERVERS {
            return Some(None);
        }
        let Some(rest) = scope.strip_prefix("mcp:") else {
            continue;
        };
        let (server, tool) = match rest.split_once(':') {
            Some((server, tool)) => (server, Some(tool)),
            None => (rest, None),
        };
        if server.is_empty() || tool.is_some_and(str::is_empty) {
            continue;
        }
        any = true;
        match tool {
            None => {
                servers.insert(server.to_owned(), ToolFilter::All);
            }
            Some(tool) => {
                let entry = servers
                    .entry(server.to_owned())
                    .or_insert_with(|| ToolFilter::Only(BTreeSet::new()));
                if let ToolFilter::Only(tools) = entry {
                    tools.insert(tool.to_owned());
                }
            }
        }
    }
    any.then_some(Some(McpAllowList { servers }))
}

/// The id an OAuth subject's sessions bind to: tenant tokens are positive and admin keys small
/// negatives, so subjects take ids below -2^62, one per (issuer, subject).
fn subject_token_id(issuer: &str, subject: &str) -> i64 {
    let digest = Sha256::new()
        .chain_update(issuer.as_bytes())
        .chain_update([0u8])
        .chain_update(subject.as_bytes())
        .finalize();
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    let spread = (u64::from_be_bytes(bytes) >> 3) as i64; // below 2^61
    -(1i64 << 62) - spread
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Expected allow-lists: `None` no MCP scope, `Some(None)` every server, else servers with
    /// their tools (`None`: all of them).
    type Expected<'a> = Option<Option<&'a [(&'a str, Option<&'a [&'a str]>)]>>;

    #[test]
    fn scopes_become_allow_lists() {
        let check = |claims: serde_json::Value, expected: Expected<'_>| {
            let expected = expected.map(|list| {
                list.map(|entries| McpAllowList {
                    servers: entries
                        .iter()
                        .map(|(server, tools)| {
                            let filter = match tools {
                                None => ToolFilter::All,
                                Some(tools) => ToolFilter::Only(
                                    tools.iter().map(|tool| (*tool).to_owned()).collect(),
                                ),
                            };
                            ((*server).to_owned(), filter)
                        })
                        .collect(),
                })
            });
            assert_eq!(allow_list(&claims), expected, "{claims}");
        };
        check(serde_json::json!({"scope": "openid mcp"}), Some(None));
        check(serde_json::json!({"scope": "openid profile"}), None);
        check(serde_json::json!({}), None);
        check(
            serde_json::json!({"scope": "mcp:clock mcp:tools:add mcp:tools:sub"}),
            Some(Some(&[("clock", None), ("tools", Some(&["add", "sub"]))])),
        );
        check(
            serde_json::json!({"scp": ["mcp:tools:add", "mcp:tools"]}),
            Some(Some(&[("tools", None)])),
        );
    }

    #[test]
    fn subjects_get_distinct_ids_far_from_tokens_and_admin_keys() {
        let a = subject_token_id("https://idp", "alice");
        let b = subject_token_id("https://idp", "bob");
        let other = subject_token_id("https://other", "alice");
        assert!(a != b && a != other);
        for id in [a, b, other] {
            assert!(id <= -(1i64 << 62), "{id}");
        }
    }
}
