//! Credentials for calling an API, wrapped so they never leak through `Debug` or errors.

use std::collections::HashMap;
use std::fmt;

/// A secret string. `Debug` prints `***`; there is no `Display`; read it with [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret value, for putting on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("***")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret(value.to_owned())
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

/// One credential for one security scheme of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// Value for an `apiKey` scheme; placed where the scheme says (header, query or cookie).
    ApiKey(Secret),
    /// Token for `http` `bearer`, and the access token for `oauth2` and `openIdConnect` schemes.
    Bearer(Secret),
    /// User and password for `http` `basic`.
    Basic { username: String, password: Secret },
}

/// Credentials by security scheme name (the key under `components.securitySchemes`,
/// or `securityDefinitions` in Swagger 2.0).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    by_scheme: HashMap<String, Credential>,
}

impl Credentials {
    pub fn new() -> Credentials {
        Credentials::default()
    }

    /// Sets the credential for `scheme`, replacing any earlier one.
    pub fn insert(
        &mut self,
        scheme: impl Into<String>,
        credential: Credential,
    ) -> &mut Credentials {
        self.by_scheme.insert(scheme.into(), credential);
        self
    }

    /// Builder form of [`Credentials::insert`].
    pub fn with(mut self, scheme: impl Into<String>, credential: Credential) -> Credentials {
        self.insert(scheme, credential);
        self
    }

    pub fn get(&self, scheme: &str) -> Option<&Credential> {
        self.by_scheme.get(scheme)
    }

    pub fn is_empty(&self) -> bool {
        self.by_scheme.is_empty()
    }
}
