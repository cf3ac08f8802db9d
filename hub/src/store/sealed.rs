//! Encryption at rest of the columns that hold secrets: the keys (`SECRET_KEY`,
//! `SECRET_KEY_PREVIOUS`, or one generated into `DATA_DIR`), the `enc:v1:` value format, the
//! startup pass that seals rows still in plain text and the re-sealing of `aiproxy secrets rotate`.
//!
//! A sealed value is `enc:v1:<key id>:<base64 of nonce ‖ ciphertext ‖ tag>`, XChaCha20-Poly1305
//! with a random 192-bit nonce per value and the column's name (`channels.key`) as associated
//! data, so a value copied into another column does not open. The key id (8 hex digits of a
//! SHA-256 of the key) lets a reader pick the right key during a rotation and say which key a
//! database was written with when it has the wrong one; it reveals nothing usable of the key.

use std::fmt;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::{Store, StoreError, rows};
use crate::process::key_file::{KeyFile, read_or_generate};

/// File name of the generated key inside the data directory.
pub const SECRET_KEY_FILE: &str = "secret_key";

/// Marks a sealed value; a value without it is a plaintext row written before encryption.
const PREFIX: &str = "enc:v1:";
const NONCE_LEN: usize = 24;
const KEY_LEN: usize = 32;

/// Why a secret key or a sealed value cannot be used. Every message names what to fix.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error(
        "{variable} must be 32 random bytes written as 64 hex digits or in base64 (for example the output of `openssl rand -base64 32`)"
    )]
    BadKey { variable: &'static str },
    #[error("cannot read or write the secret key file {path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the stored secrets in {column} were encrypted with key {key_id}, which is not SECRET_KEY ({current}){previous}: start with the SECRET_KEY the database was written with"
    )]
    UnknownKey {
        column: &'static str,
        key_id: String,
        current: String,
        previous: String,
    },
    #[error(
        "the stored secrets in {column} are encrypted but this database was opened without SECRET_KEY"
    )]
    NoKey { column: &'static str },
    #[error(
        "a stored secret in {column} does not authenticate under key {key_id}: it was altered or is corrupt"
    )]
    Forged {
        column: &'static str,
        key_id: String,
    },
    #[error("a stored secret in {column} is not a well-formed enc:v1 value")]
    Malformed { column: &'static str },
    #[error("a secret for {column} is too large to encrypt")]
    TooLarge { column: &'static str },
}

/// Where the current key came from, so startup can say so.
#[derive(Debug, PartialEq, Eq)]
pub enum SecretKeyOrigin {
    Environment,
    StoredFile(PathBuf),
    Generated(PathBuf),
}

/// One 256-bit key. Its `Debug` shows only the key id.
#[derive(Clone)]
pub struct SecretKey {
    id: String,
    cipher: XChaCha20Poly1305,
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "SecretKey({})", self.id)
    }
}

impl SecretKey {
    /// Parses 64 hex digits or base64 of 32 bytes; `variable` names the setting in the error.
    pub fn parse(text: &str, variable: &'static str) -> Result<SecretKey, SealError> {
        let text = text.trim();
        let bytes = if text.len() == 2 * KEY_LEN && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).ok()
        } else {
            BASE64.decode(text).ok()
        };
        match bytes {
            Some(bytes) => match <[u8; KEY_LEN]>::try_from(bytes) {
                Ok(bytes) => Ok(SecretKey::from_bytes(bytes)),
                Err(_) => Err(SealError::BadKey { variable }),
            },
            None => Err(SealError::BadKey { variable }),
        }
    }

    /// A new random key in the text form [`SecretKey::parse`] reads.
    pub fn generate_text() -> String {
        let mut bytes = [0_u8; KEY_LEN];
        rand::rng().fill_bytes(&mut bytes);
        BASE64.encode(bytes)
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    fn from_bytes(bytes: [u8; KEY_LEN]) -> SecretKey {
        let digest = Sha256::new()
            .chain_update(b"aiproxy secret key id\0")
            .chain_update(bytes)
            .finalize();
        SecretKey {
            id: hex::encode(&digest[..4]),
            cipher: XChaCha20Poly1305::new(&chacha20poly1305::Key::from(bytes)),
        }
    }
}

/// The keys a store seals and opens secrets with: values are sealed with `current` and opened
/// with whichever of `current` and `previous` wrote them. Without a current key (the log
/// database, tests of plain storage) values are stored as given and sealed ones refuse to open.
#[derive(Debug, Clone, Default)]
pub struct Sealer {
    current: Option<SecretKey>,
    previous: Option<SecretKey>,
}

impl Sealer {
    pub fn new(current: SecretKey, previous: Option<SecretKey>) -> Sealer {
        Sealer {
            current: Some(current),
            previous,
        }
    }

    /// No key: plain text in, plain text out.
    pub fn plaintext() -> Sealer {
        Sealer::default()
    }

    /// `SECRET_KEY` when set, else the key stored in `data_dir`, else a new one written there
    /// (mode 0600); `SECRET_KEY_PREVIOUS` is accepted for opening only.
    pub fn resolve(
        configured: Option<&str>,
        previous: Option<&str>,
        data_dir: &Path,
    ) -> Result<(Sealer, SecretKeyOrigin), SealError> {
        let previous = previous
            .filter(|text| !text.trim().is_empty())
            .map(|text| SecretKey::parse(text, "SECRET_KEY_PREVIOUS"))
            .transpose()?;
        let (current, origin) = match configured.filter(|text| !text.trim().is_empty()) {
            Some(text) => (
                SecretKey::parse(text, "SECRET_KEY")?,
                SecretKeyOrigin::Environment,
            ),
            None => stored_or_generated(data_dir)?,
        };
        Ok((Sealer::new(current, previous), origin))
    }

    pub fn current_id(&self) -> Option<&str> {
        self.current.as_ref().map(SecretKey::id)
    }

    /// The stored form of `plain` for `column` (`table.column`).
    pub fn seal(&self, column: &'static str, plain: &str) -> Result<String, SealError> {
        let Some(key) = &self.current else {
            return Ok(plain.to_owned());
        };
        let mut nonce = [0_u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plain.as_bytes(),
            aad: column.as_bytes(),
        };
        // Encryption fails only for messages past the cipher's 256 GiB limit.
        let sealed = key
            .cipher
            .encrypt(&XNonce::from(nonce), payload)
            .map_err(|_| SealError::TooLarge { column })?;
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}:{}", key.id, BASE64.encode(bytes)))
    }

    pub fn seal_opt(
        &self,
        column: &'static str,
        plain: Option<&str>,
    ) -> Result<Option<String>, SealError> {
        plain.map(|plain| self.seal(column, plain)).transpose()
    }

    /// The plain text of a stored value; a value without the `enc:v1:` prefix is returned as
    /// it is (a row from before encryption, sealed by the next startup).
    pub fn open(&self, column: &'static str, stored: String) -> Result<String, SealError> {
        let Some(rest) = stored.strip_prefix(PREFIX) else {
            return Ok(stored);
        };
        let (key_id, body) = rest
            .split_once(':')
            .ok_or(SealError::Malformed { column })?;
        let key = self.key_for(column, key_id)?;
        let bytes = BASE64
            .decode(body)
            .map_err(|_| SealError::Malformed { column })?;
        let (nonce, sealed) = bytes
            .split_at_checked(NONCE_LEN)
            .ok_or(SealError::Malformed { column })?;
        let nonce =
            <[u8; NONCE_LEN]>::try_from(nonce).map_err(|_| SealError::Malformed { column })?;
        let payload = Payload {
            msg: sealed,
            aad: column.as_bytes(),
        };
        let plain = key
            .cipher
            .decrypt(&XNonce::from(nonce), payload)
            .map_err(|_| SealError::Forged {
                column,
                key_id: key_id.to_owned(),
            })?;
        String::from_utf8(plain).map_err(|_| SealError::Malformed { column })
    }

    pub fn open_opt(
        &self,
        column: &'static str,
        stored: Option<String>,
    ) -> Result<Option<String>, SealError> {
        stored.map(|stored| self.open(column, stored)).transpose()
    }

    /// Whether `stored` must be written again: plain text, or sealed under another key than
    /// the current one when `rotate` is set. Opens sealed values, so a wrong key is an error.
    pub(super) fn needs_sealing(
        &self,
        column: &'static str,
        stored: &str,
        rotate: bool,
    ) -> Result<Option<String>, SealError> {
        let Some(current) = &self.current else {
            return Ok(None);
        };
        let Some(rest) = stored.strip_prefix(PREFIX) else {
            return Ok(Some(stored.to_owned()));
        };
        let plain = self.open(column, stored.to_owned())?;
        let written_with_current = rest.split_once(':').map(|(id, _)| id) == Some(current.id());
        Ok((rotate && !written_with_current).then_some(plain))
    }

    fn key_for(&self, column: &'static str, key_id: &str) -> Result<&SecretKey, SealError> {
        let Some(current) = &self.current else {
            return Err(SealError::NoKey { column });
        };
        [Some(current), self.previous.as_ref()]
            .into_iter()
            .flatten()
            .find(|key| key.id == key_id)
            .ok_or_else(|| SealError::UnknownKey {
                column,
                key_id: key_id.to_owned(),
                current: current.id.clone(),
                previous: match &self.previous {
                    Some(previous) => format!(" nor SECRET_KEY_PREVIOUS ({})", previous.id),
                    None => String::new(),
                },
            })
    }
}

fn stored_or_generated(data_dir: &Path) -> Result<(SecretKey, SecretKeyOrigin), SealError> {
    let path = data_dir.join(SECRET_KEY_FILE);
    match read_or_generate(&path, SecretKey::generate_text) {
        Ok(KeyFile::Stored(stored)) => Ok((
            SecretKey::parse(&stored, "the secret key file")?,
            SecretKeyOrigin::StoredFile(path),
        )),
        Ok(KeyFile::Generated(generated)) => Ok((
            SecretKey::parse(&generated, "the secret key file")?,
            SecretKeyOrigin::Generated(path),
        )),
        Err(source) => Err(SealError::File { path, source }),
    }
}

/// A column holding secrets, with the statements that read and rewrite it. The key columns are
/// read as `k1` (and `k2`), the value as `v`; the update is a compare-and-set on the old value,
/// so a replica sealing at the same time, or a write in between, is never overwritten.
struct SecretColumn {
    column: &'static str,
    keys: KeyShape,
    select: &'static str,
    update: &'static str,
}

enum KeyShape {
    Int,
    Text,
    TextPair,
}

/// Every column that may hold a secret. JSON columns are sealed whole: which of their fields
/// are secret differs by plugin, template and security scheme, and none is searched in SQL.
const SECRET_COLUMNS: &[SecretColumn] = &[
    SecretColumn {
        column: "channels.key",
        keys: KeyShape::Int,
        select: "SELECT id AS k1, key AS v FROM channels",
        update: "UPDATE channels SET key = $1 WHERE id = $2 AND key = $3",
    },
    SecretColumn {
        column: "channels.proxy_url",
        keys: KeyShape::Int,
        select: "SELECT id AS k1, proxy_url AS v FROM channels WHERE proxy_url IS NOT NULL",
        update: "UPDATE channels SET proxy_url = $1 WHERE id = $2 AND proxy_url = $3",
    },
    SecretColumn {
        column: "channels.config",
        keys: KeyShape::Int,
        select: "SELECT id AS k1, config AS v FROM channels",
        update: "UPDATE channels SET config = $1 WHERE id = $2 AND config = $3",
    },
    SecretColumn {
        column: "model_configs.plugins",
        keys: KeyShape::Text,
        select: "SELECT model AS k1, plugins AS v FROM model_configs",
        update: "UPDATE model_configs SET plugins = $1 WHERE model = $2 AND plugins = $3",
    },
    SecretColumn {
        column: "group_model_overrides.plugins",
        keys: KeyShape::TextPair,
        select: "SELECT group_id AS k1, model AS k2, plugins AS v FROM group_model_overrides \
                 WHERE plugins IS NOT NULL",
        update: "UPDATE group_model_overrides SET plugins = $1 WHERE group_id = $2 \
                 AND model = $4 AND plugins = $3",
    },
    SecretColumn {
        column: "mcp_servers.headers",
        keys: KeyShape::Text,
        select: "SELECT id AS k1, headers AS v FROM mcp_servers",
        update: "UPDATE mcp_servers SET headers = $1 WHERE id = $2 AND headers = $3",
    },
    SecretColumn {
        column: "mcp_servers.query",
        keys: KeyShape::Text,
        select: "SELECT id AS k1, query AS v FROM mcp_servers",
        update: "UPDATE mcp_servers SET query = $1 WHERE id = $2 AND query = $3",
    },
    SecretColumn {
        column: "mcp_servers.params",
        keys: KeyShape::Text,
        select: "SELECT id AS k1, params AS v FROM mcp_servers",
        update: "UPDATE mcp_servers SET params = $1 WHERE id = $2 AND params = $3",
    },
    SecretColumn {
        column: "mcp_servers.openapi",
        keys: KeyShape::Text,
        select: "SELECT id AS k1, openapi AS v FROM mcp_servers WHERE openapi IS NOT NULL",
        update: "UPDATE mcp_servers SET openapi = $1 WHERE id = $2 AND openapi = $3",
    },
    SecretColumn {
        column: "mcp_servers.upstream_oauth",
        keys: KeyShape::Text,
        select: "SELECT id AS k1, upstream_oauth AS v FROM mcp_servers \
                 WHERE upstream_oauth IS NOT NULL",
        update: "UPDATE mcp_servers SET upstream_oauth = $1 WHERE id = $2 AND upstream_oauth = $3",
    },
    SecretColumn {
        column: "mcp_upstream_tokens.access_token",
        keys: KeyShape::TextPair,
        select: "SELECT server_id AS k1, group_id AS k2, access_token AS v FROM mcp_upstream_tokens",
        update: "UPDATE mcp_upstream_tokens SET access_token = $1 WHERE server_id = $2 \
                 AND group_id = $4 AND access_token = $3",
    },
    SecretColumn {
        column: "mcp_upstream_tokens.refresh_token",
        keys: KeyShape::TextPair,
        select: "SELECT server_id AS k1, group_id AS k2, refresh_token AS v \
                 FROM mcp_upstream_tokens WHERE refresh_token IS NOT NULL",
        update: "UPDATE mcp_upstream_tokens SET refresh_token = $1 WHERE server_id = $2 \
                 AND group_id = $4 AND refresh_token = $3",
    },
    SecretColumn {
        column: "mcp_upstream_tokens.client_secret",
        keys: KeyShape::TextPair,
        select: "SELECT server_id AS k1, group_id AS k2, client_secret AS v \
                 FROM mcp_upstream_tokens WHERE client_secret IS NOT NULL",
        update: "UPDATE mcp_upstream_tokens SET client_secret = $1 WHERE server_id = $2 \
                 AND group_id = $4 AND client_secret = $3",
    },
    SecretColumn {
        column: "group_mcp_params.params",
        keys: KeyShape::TextPair,
        select: "SELECT server_id AS k1, group_id AS k2, params AS v FROM group_mcp_params",
        update: "UPDATE group_mcp_params SET params = $1 WHERE server_id = $2 \
                 AND group_id = $4 AND params = $3",
    },
];

/// What [`Store::seal_secrets`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SealReport {
    /// Values read and opened (every secret value in the database).
    pub checked: u64,
    /// Values written: plain text sealed, or re-sealed under the current key.
    pub sealed: u64,
}

impl Store {
    /// Opens every stored secret, so a wrong key stops startup here with the column and the
    /// key id named, and seals those still in plain text (rows from before encryption); with
    /// `rotate`, also re-seals under the current key those written with `SECRET_KEY_PREVIOUS`.
    /// One transaction: a failure changes nothing. The plain text is unchanged, so the
    /// configuration revision is not bumped and no replica reloads.
    pub async fn seal_secrets(&self, rotate: bool) -> Result<SealReport, StoreError> {
        let mut report = SealReport::default();
        if self.sealer.current_id().is_none() {
            return Ok(report);
        }
        let mut tx = self.begin().await?;
        for secret in SECRET_COLUMNS {
            let rows = sqlx::query(secret.select).fetch_all(tx.conn()).await?;
            for row in &rows {
                report.checked += 1;
                let stored = rows::text(row, "v")?;
                let Some(plain) = self.sealer.needs_sealing(secret.column, &stored, rotate)? else {
                    continue;
                };
                let sealed = self.sealer.seal(secret.column, &plain)?;
                let update = sqlx::query(secret.update).bind(sealed);
                let update = match secret.keys {
                    KeyShape::Int => update.bind(rows::int(row, "k1")?).bind(stored),
                    KeyShape::Text => update.bind(rows::text(row, "k1")?).bind(stored),
                    KeyShape::TextPair => update
                        .bind(rows::text(row, "k1")?)
                        .bind(stored)
                        .bind(rows::text(row, "k2")?),
                };
                report.sealed += update.execute(tx.conn()).await?.rows_affected();
            }
        }
        tx.commit().await?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> SecretKey {
        SecretKey::parse(text, "SECRET_KEY").unwrap()
    }

    const KEY_A: &str = "0000000000000000000000000000000000000000000000000000000000000001";
    const KEY_B: &str = "0000000000000000000000000000000000000000000000000000000000000002";

    #[test]
    fn seals_opens_and_refuses_what_it_should() {
        let sealer = Sealer::new(key(KEY_A), None);
        let sealed = sealer.seal("channels.key", "sk-upstream").unwrap();
        assert!(sealed.starts_with("enc:v1:"), "{sealed}");
        assert!(!sealed.contains("sk-upstream"));
        assert_ne!(sealed, sealer.seal("channels.key", "sk-upstream").unwrap());
        assert_eq!(
            sealer.open("channels.key", sealed.clone()).unwrap(),
            "sk-upstream"
        );
        assert_eq!(
            sealer.open("channels.key", "plain".into()).unwrap(),
            "plain"
        );
        // Moved to another column: refused.
        assert!(matches!(
            sealer.open("channels.config", sealed.clone()),
            Err(SealError::Forged { .. })
        ));
        let other = Sealer::new(key(KEY_B), None);
        let error = other.open("channels.key", sealed.clone()).unwrap_err();
        assert!(matches!(error, SealError::UnknownKey { .. }), "{error}");
        assert!(error.to_string().contains("SECRET_KEY"), "{error}");
        assert!(matches!(
            Sealer::plaintext().open("channels.key", sealed.clone()),
            Err(SealError::NoKey { .. })
        ));
        let rotating = Sealer::new(key(KEY_B), Some(key(KEY_A)));
        assert_eq!(
            rotating.open("channels.key", sealed.clone()).unwrap(),
            "sk-upstream"
        );
        assert_eq!(
            rotating
                .needs_sealing("channels.key", &sealed, true)
                .unwrap()
                .as_deref(),
            Some("sk-upstream")
        );
        assert_eq!(
            rotating
                .needs_sealing("channels.key", &sealed, false)
                .unwrap(),
            None
        );
    }

    #[test]
    fn keys_parse_from_hex_or_base64_only_at_32_bytes() {
        assert_eq!(
            key(KEY_A).id(),
            key(&BASE64.encode(hex::decode(KEY_A).unwrap())).id()
        );
        for bad in ["short", "", &KEY_A[2..], "not base64 at all!!"] {
            assert!(matches!(
                SecretKey::parse(bad, "SECRET_KEY"),
                Err(SealError::BadKey { .. })
            ));
        }
        assert_eq!(
            format!("{:?}", key(KEY_A)),
            format!("SecretKey({})", key(KEY_A).id())
        );
    }

    #[test]
    fn generated_once_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let (first, origin) = Sealer::resolve(None, None, dir.path()).unwrap();
        assert!(matches!(origin, SecretKeyOrigin::Generated(_)));
        let (second, origin) = Sealer::resolve(None, None, dir.path()).unwrap();
        assert!(matches!(origin, SecretKeyOrigin::StoredFile(_)));
        assert_eq!(first.current_id(), second.current_id());
    }
}
