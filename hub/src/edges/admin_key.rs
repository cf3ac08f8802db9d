//! The admin key: taken from ADMIN_KEY, or generated once into the data directory (mode 0600), and compared in constant time.

use std::fmt;
use std::path::{Path, PathBuf};

use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::process::key_file::{KeyFile, read_or_generate};

/// File name of the generated key inside the data directory.
pub const ADMIN_KEY_FILE: &str = "admin_key";

/// Shortest admin key accepted from the environment; a short key is guessable.
const MIN_ADMIN_KEY_LEN: usize = 8;

/// The admin key. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct AdminKey {
    digest: [u8; 32],
    plain: String,
}

impl fmt::Debug for AdminKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("AdminKey(***)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AdminKeyError {
    #[error("ADMIN_KEY is too short: use at least {MIN_ADMIN_KEY_LEN} characters")]
    TooShort,
    #[error("cannot read or write the admin key file {path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where the key came from, so startup can print a generated key exactly once.
#[derive(Debug, PartialEq, Eq)]
pub enum AdminKeyOrigin {
    Environment,
    StoredFile,
    Generated(PathBuf),
}

impl AdminKey {
    pub fn new(plain: String) -> Result<AdminKey, AdminKeyError> {
        if plain.len() < MIN_ADMIN_KEY_LEN {
            return Err(AdminKeyError::TooShort);
        }
        Ok(AdminKey {
            digest: Sha256::digest(plain.as_bytes()).into(),
            plain,
        })
    }

    /// Constant-time comparison. Digests are compared so the key's length does not leak either.
    pub fn matches(&self, presented: &str) -> bool {
        let presented: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        self.digest.ct_eq(&presented).into()
    }

    /// The key itself, for clients that must present it (the CLI, embedded admin tools).
    pub fn expose(&self) -> &str {
        &self.plain
    }

    /// The configured key, else the stored one, else a new one written to `data_dir` with mode 0600.
    pub fn resolve(
        configured: Option<&str>,
        data_dir: &Path,
    ) -> Result<(AdminKey, AdminKeyOrigin), AdminKeyError> {
        if let Some(configured) = configured.filter(|key| !key.trim().is_empty()) {
            return Ok((
                AdminKey::new(configured.trim().to_owned())?,
                AdminKeyOrigin::Environment,
            ));
        }
        let path = data_dir.join(ADMIN_KEY_FILE);
        match read_or_generate(&path, generate_key) {
            Ok(KeyFile::Stored(stored)) => Ok((
                AdminKey::new(stored.trim().to_owned())?,
                AdminKeyOrigin::StoredFile,
            )),
            Ok(KeyFile::Generated(generated)) => {
                Ok((AdminKey::new(generated)?, AdminKeyOrigin::Generated(path)))
            }
            Err(source) => Err(AdminKeyError::File { path, source }),
        }
    }
}

fn generate_key() -> String {
    let random: String = rand::rng()
        .sample_iter(Alphanumeric)
        .take(48)
        .map(char::from)
        .collect();
    format!("ak-{random}")
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn generated_once_then_reused_with_private_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let (first, origin) = AdminKey::resolve(None, dir.path()).unwrap();
        assert!(matches!(origin, AdminKeyOrigin::Generated(_)));
        assert_eq!(first.expose().len(), 51);
        let mode = std::fs::metadata(dir.path().join(ADMIN_KEY_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let (second, origin) = AdminKey::resolve(None, dir.path()).unwrap();
        assert_eq!(origin, AdminKeyOrigin::StoredFile);
        assert_eq!(first.expose(), second.expose());
    }

    #[test]
    fn configured_key_wins_and_compares_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let (key, origin) = AdminKey::resolve(Some("correct horse battery"), dir.path()).unwrap();
        assert_eq!(origin, AdminKeyOrigin::Environment);
        assert!(key.matches("correct horse battery"));
        assert!(!key.matches("correct horse batter"));
        assert!(!key.matches(""));
        assert_eq!(format!("{key:?}"), "AdminKey(***)");
        assert!(!dir.path().join(ADMIN_KEY_FILE).exists());
    }

    #[test]
    fn short_keys_are_refused() {
        assert!(matches!(
            AdminKey::new("short".into()),
            Err(AdminKeyError::TooShort)
        ));
    }
}
