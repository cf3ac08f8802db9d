//! A Vertex AI channel key as the seed writes it: `region|service-account-json`, `region|api-key` or `region|project|api-key`.
//!
//! Cut at the first `|`: the region, then either a service account's JSON (the rest starts with
//! `{`; its `project_id` names the project) or an API key, itself prefixed by `project|` when
//! the key is bound to a project. An API key without a project is Vertex's express mode.

use std::fmt;

use serde::Deserialize;

use crate::error::RelayError;
use crate::vocabulary::Channel;

/// Google's token endpoint, where a service account's JSON names none.
const DEFAULT_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";

/// A parsed channel key.
#[derive(PartialEq, Eq)]
pub(super) struct VertexKey {
    /// `us-central1`, `global`, or empty (then `global`).
    pub region: String,
    /// Empty for an express-mode API key.
    pub project: String,
    pub auth: Credentials,
}

/// How requests of a channel authenticate.
#[derive(PartialEq, Eq)]
pub(super) enum Credentials {
    /// Sent as `x-goog-api-key`.
    ApiKey(String),
    /// Signs a JWT exchanged for an access token, sent as a Bearer token.
    ServiceAccount(ServiceAccount),
}

/// The fields of a service account's key file that the token exchange needs.
#[derive(Deserialize, PartialEq, Eq)]
pub(super) struct ServiceAccount {
    pub client_email: String,
    /// The RSA private key, PEM (PKCS#8 as Google issues it).
    pub private_key: String,
    #[serde(default)]
    pub private_key_id: Option<String>,
    #[serde(default = "default_token_uri")]
    pub token_uri: String,
}

fn default_token_uri() -> String {
    DEFAULT_TOKEN_URI.to_owned()
}

#[derive(Deserialize)]
struct KeyFile {
    #[serde(default)]
    project_id: String,
    #[serde(flatten)]
    account: ServiceAccount,
}

impl VertexKey {
    /// The key of `channel`; a key that is none of the three forms is a misconfigured channel,
    /// said without quoting the key.
    pub fn of(channel: &Channel) -> Result<VertexKey, RelayError> {
        VertexKey::parse(&channel.key).map_err(|problem| {
            RelayError::Misconfigured(format!(
                "channel {} has an invalid vertexai key: {problem}",
                channel.id
            ))
        })
    }

    /// Parses a key; the error says what is wrong, never what the key holds.
    pub fn parse(key: &str) -> Result<VertexKey, &'static str> {
        let key = key.trim();
        let Some((region, rest)) = key.split_once('|') else {
            return Err(
                "expected region|service-account-json, region|api-key or region|project|api-key",
            );
        };
        let region = region.trim().to_owned();
        if !region
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
        {
            return Err("the region may hold only letters, digits and dashes");
        }
        let rest = rest.trim();
        if rest.starts_with('{') {
            let file: KeyFile = serde_json::from_str(rest).map_err(
                |_| "the service account JSON lacks client_email or private_key, or is not JSON",
            )?;
            if file.project_id.is_empty() {
                return Err("the service account JSON has no project_id");
            }
            return Ok(VertexKey {
                region,
                project: file.project_id,
                auth: Credentials::ServiceAccount(file.account),
            });
        }
        let (project, api_key) = match rest.split_once('|') {
            Some((project, api_key)) => (project.trim(), api_key.trim()),
            None => ("", rest),
        };
        if api_key.is_empty() {
            return Err("the API key is empty");
        }
        Ok(VertexKey {
            region,
            project: project.to_owned(),
            auth: Credentials::ApiKey(api_key.to_owned()),
        })
    }
}

/// Names the region and project only: the key and the private key are secrets.
impl fmt::Debug for VertexKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match &self.auth {
            Credentials::ApiKey(_) => "api key",
            Credentials::ServiceAccount(_) => "service account",
        };
        formatter
            .debug_struct("VertexKey")
            .field("region", &self.region)
            .field("project", &self.project)
            .field("auth", &auth)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account_json(project: &str) -> String {
        serde_json::json!({"type": "service_account", "project_id": project,
            "private_key_id": "kid-1", "private_key": "-----BEGIN PRIVATE KEY-----\nAAA\n-----END PRIVATE KEY-----\n",
            "client_email": "relay@p.iam.gserviceaccount.com",
            "token_uri": "https://oauth2.example/token"})
        .to_string()
    }

    #[test]
    fn a_service_account_key_takes_its_project_from_the_json() {
        let key = VertexKey::parse(&format!("us-central1|{}", account_json("proj-1"))).unwrap();
        assert_eq!(key.region, "us-central1");
        assert_eq!(key.project, "proj-1");
        let Credentials::ServiceAccount(account) = &key.auth else {
            panic!("not a service account: {key:?}");
        };
        assert_eq!(account.client_email, "relay@p.iam.gserviceaccount.com");
        assert_eq!(account.private_key_id.as_deref(), Some("kid-1"));
        assert_eq!(account.token_uri, "https://oauth2.example/token");
    }

    #[test]
    fn a_json_without_a_token_uri_uses_googles_and_one_without_a_project_is_refused() {
        let json = r#"{"project_id": "p", "client_email": "a@b", "private_key": "k"}"#;
        let Credentials::ServiceAccount(account) =
            VertexKey::parse(&format!("global|{json}")).unwrap().auth
        else {
            panic!("not a service account");
        };
        assert_eq!(account.token_uri, DEFAULT_TOKEN_URI);
        let error = VertexKey::parse(&format!("global|{}", account_json(""))).unwrap_err();
        assert!(error.contains("project_id"), "{error}");
        let error =
            VertexKey::parse(r#"global|{"project_id": "p", "private_key": "k"}"#).unwrap_err();
        assert!(error.contains("client_email"), "{error}");
    }

    #[test]
    fn api_keys_with_and_without_a_project() {
        let key = VertexKey::parse("us-east5|AQ.secret-key").unwrap();
        assert_eq!(
            (key.region.as_str(), key.project.as_str()),
            ("us-east5", "")
        );
        assert!(key.auth == Credentials::ApiKey("AQ.secret-key".into()));
        let key = VertexKey::parse("europe-west1|my-project|AQ.secret-key").unwrap();
        assert_eq!(
            (key.region.as_str(), key.project.as_str()),
            ("europe-west1", "my-project")
        );
        assert!(key.auth == Credentials::ApiKey("AQ.secret-key".into()));
        // An empty region is allowed (the global endpoint).
        assert_eq!(VertexKey::parse("|k").unwrap().region, "");
    }

    #[test]
    fn malformed_keys_are_refused_without_quoting_them() {
        for key in [
            "AQ.secret-key",
            "us-central1|",
            "us-central1|project|",
            "us/central1|AQ.secret-key",
            "us-central1|{not json AQ.secret-key",
        ] {
            let error = VertexKey::parse(key).unwrap_err();
            assert!(!error.contains("secret"), "{key}: {error}");
        }
    }

    #[test]
    fn debug_shows_no_secret() {
        let key = VertexKey::parse(&format!("us-central1|{}", account_json("p"))).unwrap();
        let shown = format!("{key:?}");
        assert!(
            !shown.contains("PRIVATE") && !shown.contains("relay@"),
            "{shown}"
        );
        let shown = format!("{:?}", VertexKey::parse("r|p|AQ.secret").unwrap());
        assert!(!shown.contains("secret"), "{shown}");
    }
}
