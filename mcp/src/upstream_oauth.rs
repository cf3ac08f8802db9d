//! The gateway as an OAuth client of an upstream MCP server: discovery, registration, PKCE S256, token grants and revocation.
//!
//! Discovery by RFC 9728 and RFC 8414 (OpenID as fallback), registration by RFC 7591,
//! revocation by RFC 7009.
//!
//! No storage here: the host keeps what these calls return (`hub/src/mcp_host/upstream_oauth.rs`).
//! Every request goes through the proxies' guarded client (no redirects, no ambient proxy, the
//! server's address policy), is bounded in time and size, and its errors carry no token, no
//! client secret and no URL beyond an origin.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use sha2::Digest;

use crate::servers::proxy_http;

/// Each discovery, registration or token request is given this long.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Largest metadata, registration or token answer read.
const MAX_ANSWER_BYTES: usize = 256 * 1024;

/// Each revocation request (RFC 7009) is given this long: revoking is best effort, and an
/// admin waits for it.
const REVOCATION_TIMEOUT: Duration = Duration::from_secs(5);

/// Why an OAuth step failed: a sentence for an admin, without secrets, and whether the
/// authorization server's answer was final.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct OAuthError {
    pub message: String,
    pub kind: OAuthFailure,
    /// The HTTP status the authorization server answered with; `None` when there was no
    /// answer (unreachable, timeout) or it was a success that could not be read.
    pub status: Option<u16>,
}

/// Whether trying again may help: the refresh logic reads this, not the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthFailure {
    /// The authorization server refused the grant or the client for good (400/401 with
    /// `invalid_grant`, `invalid_client` or `unauthorized_client`): an admin must authorize
    /// again.
    Refused,
    /// Anything else (connect error, timeout, 5xx, 429, an unreadable answer): the same request
    /// may succeed later.
    Transient,
}

fn fail(message: impl Into<String>) -> OAuthError {
    OAuthError {
        message: message.into(),
        kind: OAuthFailure::Transient,
        status: None,
    }
}

/// What discovery found: where to authorize and which scopes the resource names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    pub authorization_server: AuthorizationServer,
    /// The protected resource's `scopes_supported` (may be empty).
    pub scopes_supported: Vec<String>,
}

/// An authorization server's metadata, as far as the gateway uses it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AuthorizationServer {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default)]
    pub registration_endpoint: Option<String>,
    #[serde(default)]
    pub code_challenge_methods_supported: Vec<String>,
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    /// RFC 7009's endpoint, when the server offers one (RFC 8414 `revocation_endpoint`).
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
}

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// A public client: `client_id` in the form, no secret (PKCE protects the code).
    None,
    /// HTTP Basic with the id and secret (RFC 6749 2.3.1, the metadata's default).
    Basic,
    /// `client_id` and `client_secret` in the form.
    Post,
}

impl ClientAuth {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientAuth::None => "none",
            ClientAuth::Basic => "client_secret_basic",
            ClientAuth::Post => "client_secret_post",
        }
    }

    pub fn parse(text: &str) -> Option<ClientAuth> {
        match text {
            "none" => Some(ClientAuth::None),
            "client_secret_basic" => Some(ClientAuth::Basic),
            "client_secret_post" => Some(ClientAuth::Post),
            _ => None,
        }
    }
}

/// The gateway's client at one authorization server.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientCredentials {
    pub client_id: String,
    pub client_secret: Option<String>,
    pub auth: ClientAuth,
}

impl std::fmt::Debug for ClientCredentials {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("ClientCredentials")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "****"),
            )
            .field("auth", &self.auth)
            .finish()
    }
}

/// What a token endpoint granted.
#[derive(Clone, PartialEq, Eq, Deserialize)]
pub struct TokenGrant {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub expires_in: Option<i64>,
    #[serde(default)]
    pub scope: Option<String>,
}

impl std::fmt::Debug for TokenGrant {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("TokenGrant")
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

/// A PKCE pair: the verifier kept by the gateway, the S256 challenge sent to authorize.
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Pkce {
        let verifier = random_token();
        let challenge = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
        Pkce {
            verifier,
            challenge,
        }
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Self::new()
    }
}

/// 32 random bytes, base64url: a PKCE verifier (43 characters, RFC 7636) or a `state`.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The parameters of one authorization request.
pub struct AuthorizationRequest<'a> {
    pub server: &'a AuthorizationServer,
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub state: &'a str,
    pub code_challenge: &'a str,
    pub scopes: &'a [String],
    /// The upstream MCP server's URL (RFC 8707 `resource`).
    pub resource: &'a str,
}

impl AuthorizationRequest<'_> {
    /// The URL an admin opens to authorize.
    pub fn url(&self) -> Result<String, OAuthError> {
        let mut url = url::Url::parse(&self.server.authorization_endpoint)
            .map_err(|error| fail(format!("authorization_endpoint is no URL: {error}")))?;
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", self.client_id)
                .append_pair("redirect_uri", self.redirect_uri)
                .append_pair("state", self.state)
                .append_pair("code_challenge", self.code_challenge)
                .append_pair("code_challenge_method", "S256")
                .append_pair("resource", self.resource);
            if !self.scopes.is_empty() {
                query.append_pair("scope", &self.scopes.join(" "));
            }
        }
        Ok(url.to_string())
    }
}

/// OAuth requests to one upstream's authorization server, under that upstream's address policy.
pub struct OAuthClient {
    http: reqwest::Client,
}

impl OAuthClient {
    /// `block_private_network` is the proxied server's setting: the authorization server is
    /// reached under the same address policy as the upstream itself.
    pub fn new(block_private_network: bool) -> Self {
        Self {
            http: proxy_http::client(proxy_http::AddressPolicy {
                block_private_network,
            }),
        }
    }

    /// Discovery from the upstream MCP URL: the 401's `resource_metadata` (else the well-known
    /// protected-resource URLs), then its first authorization server's metadata (RFC 8414, else
    /// OpenID configuration). An authorization server without PKCE S256 is refused.
    pub async fn discover(&self, mcp_url: &str) -> Result<Discovered, OAuthError> {
        let mcp_url = parse_url("the upstream url", mcp_url)?;
        let resource = self.protected_resource(&mcp_url).await?;
        let issuer = resource.authorization_servers.first().ok_or_else(|| {
            fail("the upstream's resource metadata names no authorization server")
        })?;
        let issuer = parse_url("the authorization server", issuer)?;
        let authorization_server = self.authorization_server(&issuer).await?;
        if !authorization_server
            .code_challenge_methods_supported
            .iter()
            .any(|method| method == "S256")
        {
            return Err(fail(format!(
                "the authorization server {} does not offer PKCE S256",
                issuer.origin().ascii_serialization()
            )));
        }
        Ok(Discovered {
            authorization_server,
            scopes_supported: resource.scopes_supported,
        })
    }

    async fn protected_resource(
        &self,
        mcp_url: &url::Url,
    ) -> Result<ProtectedResource, OAuthError> {
        let mut candidates = Vec::new();
        if let Some(url) = self.challenge_metadata_url(mcp_url).await {
            candidates.push(url);
        }
        candidates.extend(well_known(mcp_url, "oauth-protected-resource"));
        for candidate in candidates {
            if let Ok(Some(metadata)) = self.get_json::<ProtectedResource>(&candidate).await {
                return Ok(metadata);
            }
        }
        Err(fail(format!(
            "no OAuth protected-resource metadata found for the upstream at {}",
            mcp_url.origin().ascii_serialization()
        )))
    }

    /// The `resource_metadata` of the upstream's `WWW-Authenticate` answer to a request without
    /// a token, when it names one on the upstream's own origin or an https URL.
    async fn challenge_metadata_url(&self, mcp_url: &url::Url) -> Option<url::Url> {
        let response = self
            .http
            .get(mcp_url.clone())
            .header(http::header::ACCEPT, "application/json, text/event-stream")
            .timeout(REQUEST_TIMEOUT)
            .send()
            .await
            .ok()?;
        if response.status() != reqwest::StatusCode::UNAUTHORIZED {
            return None;
        }
        let challenge = response
            .headers()
            .get_all(http::header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find_map(|value| challenge_parameter(value, "resource_metadata"))?;
        url::Url::parse(&challenge).ok()
    }

    async fn authorization_server(
        &self,
        issuer: &url::Url,
    ) -> Result<AuthorizationServer, OAuthError> {
        let mut candidates = well_known(issuer, "oauth-authorization-server");
        candidates.extend(well_known(issuer, "openid-configuration"));
        // OpenID Connect Discovery's own form: the suffix after the issuer's path.
        if let Ok(appended) = url::Url::parse(&format!(
            "{}/.well-known/openid-configuration",
            issuer.as_str().trim_end_matches('/')
        )) && !candidates.contains(&appended)
        {
            candidates.push(appended);
        }
        for candidate in candidates {
            if let Ok(Some(metadata)) = self.get_json::<AuthorizationServer>(&candidate).await {
                return Ok(metadata);
            }
        }
        Err(fail(format!(
            "no authorization server metadata found at {}",
            issuer.origin().ascii_serialization()
        )))
    }

    /// Dynamic client registration (RFC 7591) as a public client using PKCE.
    pub async fn register(
        &self,
        server: &AuthorizationServer,
        redirect_uri: &str,
        client_name: &str,
        scopes: &[String],
    ) -> Result<ClientCredentials, OAuthError> {
        let endpoint = server.registration_endpoint.as_deref().ok_or_else(|| {
            fail(
                "the authorization server offers no dynamic client registration: set the \
                 server's upstream_oauth.client_id",
            )
        })?;
        let endpoint = parse_url("registration_endpoint", endpoint)?;
        let mut body = serde_json::json!({
            "client_name": client_name,
            "redirect_uris": [redirect_uri],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
        });
        if !scopes.is_empty() {
            body["scope"] = serde_json::Value::String(scopes.join(" "));
        }
        let response = self
            .http
            .post(endpoint)
            .json(&body)
            .timeout(REQUEST_TIMEOUT)
            .send()
            .await
            .map_err(|error| {
                fail(format!(
                    "registration failed: {}",
                    proxy_http::describe(error)
                ))
            })?;
        let status = response.status();
        let bytes = read_bounded(response).await?;
        if !status.is_success() {
            return Err(fail(format!(
                "registration refused ({status}){}",
                oauth_error_text(&bytes)
            )));
        }
        let registered: Registered = serde_json::from_slice(&bytes)
            .map_err(|error| fail(format!("registration answer unreadable: {error}")))?;
        let auth = match registered.client_secret {
            None => ClientAuth::None,
            Some(_) => match registered.token_endpoint_auth_method.as_deref() {
                Some("client_secret_post") => ClientAuth::Post,
                _ => ClientAuth::Basic,
            },
        };
        Ok(ClientCredentials {
            client_id: registered.client_id,
            client_secret: registered.client_secret,
            auth,
        })
    }

    /// The authorization-code grant with the PKCE verifier.
    pub async fn exchange_code(
        &self,
        token_endpoint: &str,
        client: &ClientCredentials,
        (code, verifier, redirect_uri): (&str, &str, &str),
        resource: &str,
    ) -> Result<TokenGrant, OAuthError> {
        let form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("code_verifier", verifier),
            ("redirect_uri", redirect_uri),
            ("resource", resource),
        ];
        self.token_request(token_endpoint, client, form).await
    }

    /// The refresh-token grant.
    pub async fn refresh(
        &self,
        token_endpoint: &str,
        client: &ClientCredentials,
        refresh_token: &str,
        resource: &str,
    ) -> Result<TokenGrant, OAuthError> {
        let form = vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("resource", resource),
        ];
        self.token_request(token_endpoint, client, form).await
    }

    async fn token_request(
        &self,
        token_endpoint: &str,
        client: &ClientCredentials,
        form: Vec<(&str, &str)>,
    ) -> Result<TokenGrant, OAuthError> {
        let endpoint = parse_url("token_endpoint", token_endpoint)?;
        let (status, bytes) = self
            .client_post(endpoint, client, form, REQUEST_TIMEOUT)
            .await
            .map_err(|error| fail(format!("token request failed: {}", error.message)))?;
        if !status.is_success() {
            let answer = oauth_error_answer(&bytes);
            let refused = matches!(
                status,
                reqwest::StatusCode::BAD_REQUEST | reqwest::StatusCode::UNAUTHORIZED
            ) && answer.as_ref().is_some_and(|answer| {
                matches!(
                    answer.error.as_str(),
                    "invalid_grant" | "invalid_client" | "unauthorized_client"
                )
            });
            return Err(OAuthError {
                message: format!(
                    "token request refused ({status}){}",
                    answer.map(|answer| answer.text()).unwrap_or_default()
                ),
                kind: if refused {
                    OAuthFailure::Refused
                } else {
                    OAuthFailure::Transient
                },
                status: Some(status.as_u16()),
            });
        }
        let grant: TokenGrant = serde_json::from_slice(&bytes)
            .map_err(|_| fail("token answer unreadable: not a JSON token response"))?;
        if grant.access_token.is_empty() {
            return Err(fail("token answer holds no access_token"));
        }
        Ok(grant)
    }

    /// Revokes `token` at the authorization server's RFC 7009 endpoint, the client
    /// authenticated as at the token endpoint. `token_type_hint` is `refresh_token` or
    /// `access_token`. A 200 is success (RFC 7009 answers 200 for an unknown token too).
    pub async fn revoke(
        &self,
        revocation_endpoint: &str,
        client: &ClientCredentials,
        token: &str,
        token_type_hint: &str,
    ) -> Result<(), OAuthError> {
        let endpoint = parse_url("revocation_endpoint", revocation_endpoint)?;
        let form = vec![("token", token), ("token_type_hint", token_type_hint)];
        let (status, bytes) = self
            .client_post(endpoint, client, form, REVOCATION_TIMEOUT)
            .await
            .map_err(|error| fail(format!("revocation failed: {}", error.message)))?;
        if !status.is_success() {
            return Err(fail(format!(
                "revocation refused ({status}){}",
                oauth_error_answer(&bytes)
                    .map(|answer| answer.text())
                    .unwrap_or_default()
            )));
        }
        Ok(())
    }

    /// A form POST authenticated as `client` (RFC 6749 2.3.1): its status and bounded body.
    async fn client_post(
        &self,
        endpoint: url::Url,
        client: &ClientCredentials,
        mut form: Vec<(&str, &str)>,
        timeout: Duration,
    ) -> Result<(reqwest::StatusCode, Vec<u8>), OAuthError> {
        let secret = client.client_secret.as_deref().unwrap_or_default();
        let mut request = self.http.post(endpoint).timeout(timeout);
        match client.auth {
            ClientAuth::Basic => {
                // RFC 6749 2.3.1: both parts form-encoded before the Basic encoding.
                let encode = |text: &str| -> String {
                    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
                };
                request = request.basic_auth(encode(&client.client_id), Some(encode(secret)));
            }
            ClientAuth::Post => {
                form.push(("client_id", client.client_id.as_str()));
                form.push(("client_secret", secret));
            }
            ClientAuth::None => form.push(("client_id", client.client_id.as_str())),
        }
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let response = request
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(http::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|error| fail(proxy_http::describe(error)))?;
        let status = response.status();
        Ok((status, read_bounded(response).await?))
    }

    /// A JSON document at `url`; `None` for a 404 or an answer that is no such document.
    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &url::Url,
    ) -> Result<Option<T>, OAuthError> {
        let response = self
            .http
            .get(url.clone())
            .header(http::header::ACCEPT, "application/json")
            .timeout(REQUEST_TIMEOUT)
            .send()
            .await
            .map_err(|error| fail(proxy_http::describe(error)))?;
        if !response.status().is_success() {
            return Ok(None);
        }
        let bytes = read_bounded(response).await?;
        Ok(serde_json::from_slice(&bytes).ok())
    }
}

#[derive(Deserialize)]
struct ProtectedResource {
    #[serde(default)]
    authorization_servers: Vec<String>,
    #[serde(default)]
    scopes_supported: Vec<String>,
}

#[derive(Deserialize)]
struct Registered {
    client_id: String,
    #[serde(default)]
    client_secret: Option<String>,
    #[serde(default)]
    token_endpoint_auth_method: Option<String>,
}

/// RFC 8414 / RFC 9728 well-known URLs of `base`: the suffix inserted between the host and the
/// path (`/.well-known/<suffix>/<path>`), then at the root when there is a path.
fn well_known(base: &url::Url, suffix: &str) -> Vec<url::Url> {
    let path = base.path().trim_end_matches('/');
    let mut urls = Vec::new();
    let mut push = |path: String| {
        let mut url = base.clone();
        url.set_query(None);
        url.set_fragment(None);
        url.set_path(&path);
        if !urls.contains(&url) {
            urls.push(url);
        }
    };
    if !path.is_empty() {
        push(format!("/.well-known/{suffix}{path}"));
    }
    push(format!("/.well-known/{suffix}"));
    urls
}

/// The value of `name` in a `WWW-Authenticate: Bearer ...` challenge (quoted or a token).
pub fn challenge_parameter(header: &str, name: &str) -> Option<String> {
    let rest = header.trim();
    let rest = rest
        .get(..6)
        .filter(|scheme| scheme.eq_ignore_ascii_case("bearer"))
        .map(|_| &rest[6..])?;
    let mut rest = rest.trim_start();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=')?;
        let key = key.trim().trim_start_matches(',').trim();
        let after = after.trim_start();
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            let end = quoted.find('"')?;
            (&quoted[..end], &quoted[end + 1..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (after[..end].trim(), &after[end..])
        };
        if key.eq_ignore_ascii_case(name) {
            return Some(value.to_owned());
        }
        rest = remaining.trim_start().trim_start_matches(',').trim_start();
    }
    None
}

fn parse_url(what: &str, text: &str) -> Result<url::Url, OAuthError> {
    let url = url::Url::parse(text).map_err(|error| fail(format!("{what} is no URL: {error}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(fail(format!("{what} is not an http(s) URL")));
    }
    Ok(url)
}

async fn read_bounded(response: reqwest::Response) -> Result<Vec<u8>, OAuthError> {
    use futures::StreamExt;
    let mut body = Vec::new();
    let mut chunks = response.bytes_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|error| fail(proxy_http::describe(error)))?;
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(fail(format!("answer larger than {MAX_ANSWER_BYTES} bytes")));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// An OAuth error answer (RFC 6749 5.2): the server's own words about a refusal, which name
/// no token of ours.
#[derive(Deserialize)]
struct ErrorAnswer {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

impl ErrorAnswer {
    /// `: <error> (<description>)`, bounded.
    fn text(&self) -> String {
        let mut text = format!(": {}", self.error);
        if let Some(description) = &self.error_description {
            text.push_str(&format!(" ({description})"));
        }
        text.chars().take(300).collect()
    }
}

fn oauth_error_answer(body: &[u8]) -> Option<ErrorAnswer> {
    serde_json::from_slice(body).ok()
}

/// `: <error> (<description>)` of an OAuth error answer, or nothing.
fn oauth_error_text(body: &[u8]) -> String {
    oauth_error_answer(body)
        .map(|answer| answer.text())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_parameters_quoted_or_not() {
        let header = r#"Bearer error="invalid_token", resource_metadata="https://up.example/.well-known/oauth-protected-resource/mcp", scope=files"#;
        assert_eq!(
            challenge_parameter(header, "resource_metadata").as_deref(),
            Some("https://up.example/.well-known/oauth-protected-resource/mcp")
        );
        assert_eq!(
            challenge_parameter(header, "scope").as_deref(),
            Some("files")
        );
        assert_eq!(challenge_parameter(header, "realm"), None);
        assert_eq!(challenge_parameter("Basic realm=\"x\"", "realm"), None);
    }

    #[test]
    fn well_known_urls_insert_the_suffix_before_the_path() {
        let base = url::Url::parse("https://as.example/tenant/1?x=1").unwrap();
        let urls: Vec<String> = well_known(&base, "oauth-authorization-server")
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(
            urls,
            [
                "https://as.example/.well-known/oauth-authorization-server/tenant/1",
                "https://as.example/.well-known/oauth-authorization-server",
            ]
        );
    }

    #[test]
    fn pkce_challenge_is_the_s256_of_the_verifier() {
        // RFC 7636 appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
        assert_eq!(challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        let pair = Pkce::new();
        assert_eq!(pair.verifier.len(), 43);
        assert_ne!(pair.verifier, Pkce::new().verifier);
    }

    #[test]
    fn the_authorization_url_carries_pkce_state_and_resource() {
        let server = AuthorizationServer {
            issuer: "https://as.example".into(),
            authorization_endpoint: "https://as.example/authorize?tenant=1".into(),
            token_endpoint: "https://as.example/token".into(),
            registration_endpoint: None,
            code_challenge_methods_supported: vec!["S256".into()],
            token_endpoint_auth_methods_supported: None,
            revocation_endpoint: None,
        };
        let url = AuthorizationRequest {
            server: &server,
            client_id: "gw",
            redirect_uri: "https://gw.example/mcp/oauth/callback",
            state: "st",
            code_challenge: "ch",
            scopes: &["read".to_owned(), "write".to_owned()],
            resource: "https://up.example/mcp",
        }
        .url()
        .unwrap();
        let url = url::Url::parse(&url).unwrap();
        let pairs: std::collections::HashMap<String, String> =
            url.query_pairs().into_owned().collect();
        assert_eq!(pairs["tenant"], "1");
        assert_eq!(pairs["code_challenge_method"], "S256");
        assert_eq!(pairs["resource"], "https://up.example/mcp");
        assert_eq!(pairs["scope"], "read write");
        assert_eq!(pairs["state"], "st");
    }
}
