//! The `aiproxy` command line and its client subcommands (`apply`, `export`, `mcp`, `models`, `secrets`).
//!
//! Talk to a running server's control plane, or to the database.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};
use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint};

use crate::edges::grpc::pb;
use crate::edges::grpc::pb::config_service_client::ConfigServiceClient;
use crate::edges::grpc::pb::mcp_service_client::McpServiceClient;
use crate::edges::grpc::pb::model_service_client::ModelServiceClient;
use crate::process::settings::Settings;

/// The `aiproxy` command line. Every server setting is also read from the
/// environment variable of the same name (flags win over the environment).
#[derive(Debug, Parser)]
#[command(
    name = "aiproxy",
    version,
    about = "An AI gateway: LLM relay, MCP hub and control plane on one port"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub settings: Settings,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default when no subcommand is given).
    Serve,
    /// Send a configuration file to a running server through the control plane and print what changed.
    Apply {
        /// The YAML or JSON configuration file.
        #[arg(short = 'f', long = "file")]
        file: PathBuf,
        /// The server's base URL.
        #[arg(long, env = "AIPROXY_SERVER", default_value = "http://127.0.0.1:3000")]
        server: String,
    },
    /// Print the current configuration, secrets masked: from a running server with --server,
    /// else straight from the database named by SQL_DSN or SQLITE_PATH.
    Export {
        /// The server's base URL.
        #[arg(long, env = "AIPROXY_SERVER")]
        server: Option<String>,
    },
    /// Manage the secrets stored in the database.
    Secrets {
        #[command(subcommand)]
        command: SecretsCommand,
    },
    /// Manage the MCP servers of a running server through the control plane.
    Mcp {
        #[command(subcommand)]
        command: McpCommand,
    },
    /// Model configs of a running server, through the control plane.
    Models {
        #[command(subcommand)]
        command: ModelsCommand,
    },
    /// Import another gateway's configuration into the database named by SQL_DSN or
    /// SQLITE_PATH (the same writes as `apply`; running it again changes nothing).
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
}

/// `aiproxy import ...`.
#[derive(Debug, clap::Subcommand)]
pub enum ImportSource {
    /// The Go aiproxy (labring/aiproxy): channels, groups, tokens (their keys keep working),
    /// model configs, group overrides, options, public and group MCP servers with the groups'
    /// parameters, and plugin settings.
    #[command(name = "aiproxy-go")]
    AiproxyGo {
        /// Its database: a postgres:// URL, a sqlite: URL or a SQLite file path.
        #[arg(long)]
        dsn: String,
        /// Print what would change without writing anything.
        #[arg(long)]
        dry_run: bool,
        /// The balance given to the groups the import creates (the seed has no balance of
        /// its own; ours refuses priced models to a group at 0). Existing groups keep theirs.
        #[arg(long)]
        new_group_balance: Option<rust_decimal::Decimal>,
    },
    /// A OneAPI or new-api database: its channels, and its tokens (each user becomes a group
    /// `user-<id>`; the keys keep working).
    #[command(name = "one-api")]
    OneApi {
        /// Its database: a postgres:// or mysql:// URL, a sqlite: URL or a SQLite file path.
        #[arg(long)]
        dsn: String,
        /// Print what would change without writing anything.
        #[arg(long)]
        dry_run: bool,
        /// The balance given to the groups the import creates.
        #[arg(long)]
        new_group_balance: Option<rust_decimal::Decimal>,
    },
}

/// `aiproxy import aiproxy-go|one-api --dsn DSN [--dry-run]`: prints what changed (or would).
pub async fn import(source: ImportSource, settings: &Settings) -> anyhow::Result<()> {
    let action = match &source {
        ImportSource::AiproxyGo { .. } => "import aiproxy-go",
        ImportSource::OneApi { .. } => "import one-api",
    };
    let (translation, dry_run, new_group_balance) = match source {
        ImportSource::AiproxyGo {
            dsn,
            dry_run,
            new_group_balance,
        } => (
            crate::import::read_seed(&dsn)
                .await
                .context("cannot read the aiproxy-go database")?,
            dry_run,
            new_group_balance,
        ),
        ImportSource::OneApi {
            dsn,
            dry_run,
            new_group_balance,
        } => (
            crate::import::read_one_api(&dsn)
                .await
                .context("cannot read the OneAPI database")?,
            dry_run,
            new_group_balance,
        ),
    };
    let store = crate::open_main_store(settings).await?;
    // A running server sees the new revision on its next poll; nobody listens here.
    let changes = crate::snapshot::changes::ChangeFeed::new();
    let options = crate::import::ImportOptions {
        group_max_tokens: settings.group_max_token_num,
        dry_run,
        new_group_balance,
    };
    // Its writes are audited as the importer's, under the bootstrap key's id.
    let operation = std::sync::Arc::new(crate::access::Operation::new(
        crate::access::AdminPrincipal {
            name: "import".to_owned(),
            ..crate::access::AdminPrincipal::bootstrap()
        },
        action,
        String::new(),
    ));
    let report = crate::access::run(
        operation,
        crate::import::apply(&store, &changes, translation, &options),
    )
    .await;
    store.close().await;
    print!("{}", report.context("import refused")?);
    Ok(())
}

/// `aiproxy apply -f FILE --server URL`: sends the file through `ConfigService.Apply` and prints what changed.
pub async fn apply(file: &Path, server: &str, admin_key: Option<&str>) -> anyhow::Result<()> {
    let admin_key = admin_key.context("ADMIN_KEY must be set to the server's admin key")?;
    let document =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    // The server cannot read the client's files: OpenAPI documents named by spec_file travel inline.
    let base_dir = file.parent().unwrap_or(Path::new("."));
    let document = crate::edges::declarative::inline_spec_files(&document, base_dir)?;
    let report = apply_remote(server, admin_key, document).await?;
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
            export_remote(server, admin_key).await?
        }
        None => {
            let store = crate::open_main_store(settings).await?;
            let document = crate::edges::declarative::export(&store).await?;
            store.close().await;
            crate::edges::declarative::to_yaml(&document)?
        }
    };
    print!("{document}");
    Ok(())
}

/// `aiproxy secrets ...`.
#[derive(Debug, clap::Subcommand)]
pub enum SecretsCommand {
    /// Re-encrypt every stored secret with SECRET_KEY, reading those written with
    /// SECRET_KEY_PREVIOUS, in one transaction; afterwards the previous key reads nothing.
    Rotate,
    /// Print a new random key for SECRET_KEY.
    GenerateKey,
}

pub async fn secrets(command: SecretsCommand, settings: &Settings) -> anyhow::Result<()> {
    match command {
        SecretsCommand::Rotate => {
            let report = rotate(settings).await?;
            println!(
                "{} of {} stored secrets re-encrypted with SECRET_KEY",
                report.sealed, report.checked
            );
            Ok(())
        }
        SecretsCommand::GenerateKey => {
            println!("{}", crate::store::sealed::SecretKey::generate_text());
            Ok(())
        }
    }
}

/// Re-seals every stored secret under `SECRET_KEY` (what `aiproxy secrets rotate` does).
pub async fn rotate(settings: &Settings) -> anyhow::Result<crate::store::sealed::SealReport> {
    let store = crate::open_main_store(settings).await?;
    let report = store
        .seal_secrets(true)
        .await
        .context("cannot re-encrypt the stored secrets");
    store.close().await;
    report
}

/// `aiproxy models ...`.
#[derive(Debug, clap::Subcommand)]
pub enum ModelsCommand {
    /// Create model configs from the built-in price catalogue (every entry, or those of the
    /// providers and models named). Existing configs are kept unless --overwrite is given.
    ImportBuiltin {
        /// A channel type whose models to take (repeatable; none takes every provider).
        #[arg(long = "provider")]
        providers: Vec<String>,
        /// A model to take (repeatable; none takes every model of the providers).
        #[arg(long = "model")]
        models: Vec<String>,
        /// Only entries priced in this currency (USD, CNY).
        #[arg(long)]
        currency: Option<String>,
        /// Replace the catalogue's fields (type, price, limits) of configs that exist.
        #[arg(long)]
        overwrite: bool,
        /// The server's base URL.
        #[arg(long, env = "AIPROXY_SERVER", default_value = "http://127.0.0.1:3000")]
        server: String,
    },
}

pub async fn models(command: ModelsCommand, admin_key: Option<&str>) -> anyhow::Result<()> {
    let admin_key = admin_key.context("ADMIN_KEY must be set to the server's admin key")?;
    match command {
        ModelsCommand::ImportBuiltin {
            providers,
            models,
            currency,
            overwrite,
            server,
        } => {
            let request = pb::ImportBuiltinModelsRequest {
                providers,
                models,
                overwrite,
                currency: currency.unwrap_or_default(),
            };
            println!(
                "{}",
                import_builtin_remote(&server, admin_key, request).await?
            );
            Ok(())
        }
    }
}

/// Runs `ImportBuiltinModels` on the server and describes what it did.
pub async fn import_builtin_remote(
    server: &str,
    admin_key: &str,
    request: pb::ImportBuiltinModelsRequest,
) -> Result<String, RemoteError> {
    let mut client = ModelServiceClient::new(connect(server, admin_key).await?);
    let answer = client.import_builtin_models(request).await?.into_inner();
    Ok(format!(
        "catalogue version {}: {} created, {} updated, {} skipped (already configured)",
        answer.catalogue_version, answer.created, answer.updated, answer.skipped
    ))
}

/// `aiproxy mcp ...`.
#[derive(Debug, clap::Subcommand)]
pub enum McpCommand {
    /// Upload an OpenAPI document (YAML or JSON, Swagger 2.0 or OpenAPI 3.x) as an MCP server
    /// whose tools call the API. A new id creates the server; an existing one gets the new
    /// document (its credentials kept). The server converts the document at once and refuses
    /// it, naming where, when it does not convert.
    ImportOpenapi {
        /// The document.
        file: PathBuf,
        /// The MCP server's id.
        #[arg(long)]
        id: String,
        /// Make it a server of this group only (public when unset).
        #[arg(long)]
        group: Option<String>,
        /// The API's base URL, when not the document's first server.
        #[arg(long = "base-url")]
        base_url: Option<String>,
        /// Let tool calls reach private and loopback addresses.
        #[arg(long)]
        allow_private_network: bool,
        /// Offer three tools (search, describe, call an operation) instead of one per operation.
        #[arg(long)]
        compact: bool,
        /// The server's base URL.
        #[arg(long, env = "AIPROXY_SERVER", default_value = "http://127.0.0.1:3000")]
        server: String,
    },
}

pub async fn mcp(command: McpCommand, admin_key: Option<&str>) -> anyhow::Result<()> {
    let admin_key = admin_key.context("ADMIN_KEY must be set to the server's admin key")?;
    match command {
        McpCommand::ImportOpenapi {
            file,
            id,
            group,
            base_url,
            allow_private_network,
            compact,
            server,
        } => {
            let spec = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let import = OpenApiImport {
                id,
                group,
                base_url,
                allow_private_network,
                compact,
                spec,
            };
            let report = import_openapi(&server, admin_key, import).await?;
            println!("{report}");
            Ok(())
        }
    }
}

/// What `aiproxy mcp import-openapi` sends.
#[derive(Debug, Clone)]
pub struct OpenApiImport {
    pub id: String,
    pub group: Option<String>,
    pub base_url: Option<String>,
    pub allow_private_network: bool,
    pub compact: bool,
    pub spec: String,
}

/// Creates the server, or replaces the document of an existing one, and returns a report:
/// the tools it now offers and what the converter worked around.
pub async fn import_openapi(
    server: &str,
    admin_key: &str,
    import: OpenApiImport,
) -> anyhow::Result<String> {
    let mut client = mcp_client(server, admin_key).await?;
    let existing = match client
        .get_mcp_server(pb::GetMcpServerRequest {
            id: import.id.clone(),
        })
        .await
    {
        Ok(found) => Some(found.into_inner()),
        Err(status) if status.code() == tonic::Code::NotFound => None,
        Err(status) => anyhow::bail!("server refused: {}", status.message()),
    };
    let written = match existing {
        Some(existing) => {
            // Masked credentials sent back keep the stored values.
            let mut openapi = existing.openapi.unwrap_or_default();
            openapi.spec = import.spec;
            openapi.spec_url = String::new();
            if let Some(base_url) = import.base_url {
                openapi.base_url = base_url;
            }
            openapi.allow_private_network |= import.allow_private_network;
            openapi.compact = import.compact;
            let request = pb::UpdateMcpServerRequest {
                server: Some(pb::McpServer {
                    id: import.id.clone(),
                    openapi: Some(openapi),
                    ..pb::McpServer::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["openapi".to_owned()],
                }),
            };
            client.update_mcp_server(request).await
        }
        None => {
            let scope = match import.group {
                Some(_) => pb::McpScope::Group,
                None => pb::McpScope::Public,
            };
            let request = pb::CreateMcpServerRequest {
                server: Some(pb::McpServer {
                    id: import.id.clone(),
                    scope: scope as i32,
                    group_id: import.group.clone().unwrap_or_default(),
                    r#type: pb::McpServerType::Openapi as i32,
                    openapi: Some(pb::OpenApiSource {
                        spec: import.spec,
                        base_url: import.base_url.unwrap_or_default(),
                        allow_private_network: import.allow_private_network,
                        compact: import.compact,
                        ..pb::OpenApiSource::default()
                    }),
                    ..pb::McpServer::default()
                }),
            };
            client.create_mcp_server(request).await
        }
    }
    .map_err(|status| anyhow::anyhow!("server refused: {}", status.message()))?
    .into_inner();
    let mut report = format!("imported {}", written.id);
    // Listing needs the group's parameters for a public server that requires some; the
    // import itself has succeeded either way.
    match client
        .list_mcp_server_tools(pb::ListMcpServerToolsRequest {
            id: written.id.clone(),
            group_id: String::new(),
        })
        .await
    {
        Ok(listed) => {
            let names: Vec<String> = listed
                .into_inner()
                .tools
                .into_iter()
                .map(|tool| tool.name)
                .collect();
            report.push_str(&format!(": {} tools ({})", names.len(), names.join(", ")));
        }
        Err(status) => report.push_str(&format!(" (tools not listed: {})", status.message())),
    }
    for warning in &written.warnings {
        report.push_str(&format!("\nwarning: {warning}"));
    }
    Ok(report)
}

/// Why a call to a running server's control plane failed.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("bad server url {0:?}")]
    Url(String),
    #[error("admin key is not a valid header value")]
    Key,
    #[error("cannot connect to {server}: {source}")]
    Connect {
        server: String,
        source: tonic::transport::Error,
    },
    #[error("server refused: {}: {}", .0.code(), .0.message())]
    Rpc(#[from] tonic::Status),
}

/// Applies `document_text` on the server and returns its printed report.
pub async fn apply_remote(
    server: &str,
    admin_key: &str,
    document_text: String,
) -> Result<String, RemoteError> {
    let mut client = config_client(server, admin_key).await?;
    let response = client
        .apply(pb::ApplyRequest {
            document: document_text,
        })
        .await?
        .into_inner();
    Ok(response.report)
}

/// The server's configuration as YAML, secrets masked.
pub async fn export_remote(server: &str, admin_key: &str) -> Result<String, RemoteError> {
    let mut client = config_client(server, admin_key).await?;
    Ok(client
        .export(pb::ExportRequest {})
        .await?
        .into_inner()
        .document)
}

/// Adds `authorization: Bearer <admin key>` to every call.
#[derive(Clone)]
struct BearerAuth {
    value: MetadataValue<Ascii>,
}

impl Interceptor for BearerAuth {
    fn call(
        &mut self,
        mut request: tonic::Request<()>,
    ) -> Result<tonic::Request<()>, tonic::Status> {
        request
            .metadata_mut()
            .insert("authorization", self.value.clone());
        Ok(request)
    }
}

type AdminConnection = InterceptedService<Channel, BearerAuth>;

/// A connection to `server`'s control plane that presents the admin key on every call.
async fn connect(server: &str, admin_key: &str) -> Result<AdminConnection, RemoteError> {
    let endpoint = Endpoint::from_shared(server.to_owned())
        .map_err(|_| RemoteError::Url(server.to_owned()))?;
    let channel = endpoint
        .connect()
        .await
        .map_err(|source| RemoteError::Connect {
            server: server.to_owned(),
            source,
        })?;
    let value: MetadataValue<Ascii> = format!("Bearer {admin_key}")
        .parse()
        .map_err(|_| RemoteError::Key)?;
    Ok(InterceptedService::new(channel, BearerAuth { value }))
}

async fn config_client(
    server: &str,
    admin_key: &str,
) -> Result<ConfigServiceClient<AdminConnection>, RemoteError> {
    Ok(ConfigServiceClient::new(connect(server, admin_key).await?)
        .max_decoding_message_size(crate::edges::grpc::MAX_MESSAGE_BYTES)
        .max_encoding_message_size(crate::edges::grpc::MAX_MESSAGE_BYTES))
}

async fn mcp_client(
    server: &str,
    admin_key: &str,
) -> Result<McpServiceClient<AdminConnection>, RemoteError> {
    Ok(McpServiceClient::new(connect(server, admin_key).await?)
        .max_decoding_message_size(crate::edges::grpc::MAX_MESSAGE_BYTES)
        .max_encoding_message_size(crate::edges::grpc::MAX_MESSAGE_BYTES))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_well_formed_and_serves_by_default() {
        Cli::command().debug_assert();
        let parsed = Cli::try_parse_from(["aiproxy"]).unwrap();
        assert!(parsed.command.is_none());
        let parsed = Cli::try_parse_from(["aiproxy", "apply", "-f", "x.yaml"]).unwrap();
        assert!(matches!(parsed.command, Some(Command::Apply { .. })));
        let parsed = Cli::try_parse_from([
            "aiproxy",
            "import",
            "aiproxy-go",
            "--dsn",
            "seed.db",
            "--dry-run",
        ])
        .unwrap();
        assert!(matches!(
            parsed.command,
            Some(Command::Import {
                source: ImportSource::AiproxyGo { dry_run: true, .. }
            })
        ));
        assert!(Cli::try_parse_from(["aiproxy", "import", "one-api"]).is_err());
    }
}
