//! The authorization servers whose access tokens the MCP endpoints accept, as `MCP_OAUTH_ISSUERS` configures them, parsed and checked once at startup.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The claim that names a token's group unless an issuer names another.
const DEFAULT_GROUP_CLAIM: &str = "group";

/// The shortest pause between two JWKS fetches of one issuer unless it sets its own: a token
/// naming an unknown key makes at most one fetch per pause, so forged `kid`s cannot make the
/// gateway hammer the issuer.
const DEFAULT_JWKS_MIN_REFRESH_SECONDS: u64 = 30;

/// One trusted authorization server.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IssuerConfig {
    /// Its issuer identifier, compared exactly with a token's `iss`.
    pub issuer: String,
    /// Where its signing keys are; discovered from its metadata
    /// (`/.well-known/oauth-authorization-server`, then `openid-configuration`) when absent.
    #[serde(default)]
    pub jwks_url: Option<String>,
    /// Audiences accepted besides the resource the token is presented to (RFC 8707), for an
    /// issuer that cannot mint per-resource audiences; empty: the resource only.
    #[serde(default)]
    pub audiences: Vec<String>,
    /// The claim holding the group (a string, or an array whose first mapped value wins).
    #[serde(default = "default_group_claim")]
    pub group_claim: String,
    /// Claim value to group id; empty: the claim's value is the group id.
    #[serde(default)]
    pub groups: BTreeMap<String, String>,
    /// The shortest pause between two fetches of its keys, in seconds.
    #[serde(default = "default_jwks_min_refresh_seconds")]
    pub jwks_min_refresh_seconds: u64,
}

fn default_group_claim() -> String {
    DEFAULT_GROUP_CLAIM.to_owned()
}

fn default_jwks_min_refresh_seconds() -> u64 {
    DEFAULT_JWKS_MIN_REFRESH_SECONDS
}

impl IssuerConfig {
    /// The group a claim value stands for, through the mapping table when there is one.
    pub fn group_for(&self, value: &str) -> Option<String> {
        if self.groups.is_empty() {
            return (!value.is_empty()).then(|| value.to_owned());
        }
        self.groups.get(value).cloned()
    }
}

/// Parses `MCP_OAUTH_ISSUERS`; errors name the variable, never echo values beyond the issuer.
pub fn parse(text: &str) -> Result<Vec<IssuerConfig>, String> {
    let issuers: Vec<IssuerConfig> = serde_json::from_str(text)
        .map_err(|error| format!("MCP_OAUTH_ISSUERS is not a JSON array of issuers: {error}"))?;
    if issuers.is_empty() {
        return Err("MCP_OAUTH_ISSUERS names no issuer".to_owned());
    }
    for issuer in &issuers {
        let url = url::Url::parse(&issuer.issuer)
            .map_err(|_| format!("MCP_OAUTH_ISSUERS: issuer {:?} is not a URL", issuer.issuer))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(format!(
                "MCP_OAUTH_ISSUERS: issuer {:?} is not an http(s) URL",
                issuer.issuer
            ));
        }
        if let Some(jwks_url) = &issuer.jwks_url {
            url::Url::parse(jwks_url).map_err(|_| {
                format!(
                    "MCP_OAUTH_ISSUERS: jwks_url of issuer {:?} is not a URL",
                    issuer.issuer
                )
            })?;
        }
        if issuer.group_claim.is_empty() {
            return Err(format!(
                "MCP_OAUTH_ISSUERS: issuer {:?} has an empty group_claim",
                issuer.issuer
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(duplicate) = issuers.iter().find(|issuer| !seen.insert(&issuer.issuer)) {
        return Err(format!(
            "MCP_OAUTH_ISSUERS names issuer {:?} twice",
            duplicate.issuer
        ));
    }
    Ok(issuers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_defaults_and_refuses_bad_entries() {
        let issuers = parse(r#"[{"issuer": "https://idp.example"}]"#).unwrap();
        assert_eq!(issuers[0].group_claim, "group");
        assert_eq!(issuers[0].jwks_min_refresh_seconds, 30);
        assert_eq!(issuers[0].group_for("acme").as_deref(), Some("acme"));
        let mapped =
            parse(r#"[{"issuer": "https://idp.example", "groups": {"eng": "acme"}}]"#).unwrap();
        assert_eq!(mapped[0].group_for("eng").as_deref(), Some("acme"));
        assert_eq!(mapped[0].group_for("acme"), None);
        for bad in [
            "[]",
            "{}",
            r#"[{"issuer": "not a url"}]"#,
            r#"[{"issuer": "ftp://idp"}]"#,
            r#"[{"issuer": "https://a"}, {"issuer": "https://a"}]"#,
            r#"[{"issuer": "https://a", "surprise": 1}]"#,
        ] {
            let error = parse(bad).unwrap_err();
            assert!(error.contains("MCP_OAUTH_ISSUERS"), "{bad}: {error}");
        }
    }
}
