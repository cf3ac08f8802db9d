//! Keys the server keeps in `DATA_DIR` when none is configured (the admin key, the secret key):
//! read when the file exists, else generated once into a file only the owner can read.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Where the key in a key file came from.
#[derive(Debug)]
pub enum KeyFile {
    /// The file existed: its text, as stored (callers trim or parse it).
    Stored(String),
    /// The file did not exist and now holds this new key.
    Generated(String),
}

/// The text of the key file at `path`, or a key from `generate` written there with mode 0600.
pub fn read_or_generate(
    path: &Path,
    generate: impl FnOnce() -> String,
) -> std::io::Result<KeyFile> {
    match std::fs::read_to_string(path) {
        Ok(stored) => return Ok(KeyFile::Stored(stored)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(error),
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let generated = generate();
    // create_new: two processes starting at once must not overwrite each other's key.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(generated.as_bytes())?;
    file.sync_all()?;
    Ok(KeyFile::Generated(generated))
}
