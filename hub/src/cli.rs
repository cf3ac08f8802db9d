//! The client subcommands of `aiproxy` (`apply`, `export`): talk to a running server's control plane.

use std::path::Path;

use anyhow::Context;

use crate::settings::Settings;
use crate::store::Store;

/// `aiproxy apply -f FILE --server URL`: sends the file through `ConfigService.Apply` and prints what changed.
pub async fn apply(file: &Path, server: &str, admin_key: Option<&str>) -> anyhow::Result<()> {
    let admin_key = admin_key.context("ADMIN_KEY must be set to the server's admin key")?;
    let document =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    // The server cannot read the client's files: OpenAPI documents named by spec_file travel inline.
    let base_dir = file.parent().unwrap_or(Path::new("."));
    let document = crate::declarative::inline_spec_files(&document, base_dir)?;
    let report = crate::declarative::apply_remote(server, admin_key, document).await?;
    println!("{report}");
    Ok(())
}

/// `aiproxy export [--server URL]`: prints the configuration as YAML, secrets masked, from a
/// running server or, without `--server`, from the local database.
pub async fn export(server: Option<&str>, settings: &Settings) -> anyhow::Result<()> {
    let document = match server {
        Some(server) => {
            let admin_key = settings
                .admin_key
                .as_deref()
                .context("ADMIN_KEY must be set to the server's admin key")?;
            crate::declarative::export_remote(server, admin_key).await?
        }
        None => {
            let store = Store::connect(&settings.main_dsn())
                .await
                .context("cannot open the database (SQL_DSN or SQLITE_PATH)")?;
            let document = crate::declarative::export(&store).await?;
            store.close().await;
            crate::declarative::to_yaml(&document)?
        }
    };
    print!("{document}");
    Ok(())
}
