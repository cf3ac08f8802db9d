//! Secrets at rest: every column holding a secret is encrypted in the database (checked with SQL
//! straight from the tables), reopens with the same key, refuses a wrong key at startup with a
//! clear message, is encrypted transparently when written before encryption, and is re-encrypted
//! by a rotation; on SQLite and Postgres.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use crate::support;

use std::collections::BTreeMap;

use hub::process::settings::Settings;
use hub::store::sealed::SecretKey;
use hub::store::{
    Channel, Group, GroupMcpParams, GroupModelOverride, McpScope, McpServer, McpServerKind,
    ModelConfig, OpenApiSource, Store,
};
use relay::host::ChannelKind;
use support::{TestDatabase, TestHub};

const KEY_A: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
const KEY_B: &str = "Qm9vay1rZXktQi1mb3ItdGhlLXNlY3JldHMtdGVzdHM=";

/// Every secret the fixture writes; none may appear in a raw column.
const SECRETS: &[&str] = &[
    "sk-channel-secret-0001",
    "proxy-pass-secret",
    "config-secret-0002",
    "plugin-secret-0003",
    "override-secret-0004",
    "header-secret-0005",
    "query-secret-0006",
    "param-secret-0007",
    "openapi-secret-0008",
    "group-param-secret-0009",
    "base-url-secret-0010",
    "url-query-secret-0011",
    "openapi-url-secret-0012",
];

/// The statements reading every sealed column as stored.
const RAW_COLUMNS: &[&str] = &[
    "SELECT key FROM channels",
    "SELECT proxy_url FROM channels WHERE proxy_url IS NOT NULL",
    "SELECT config FROM channels",
    "SELECT plugins FROM model_configs",
    "SELECT plugins FROM group_model_overrides WHERE plugins IS NOT NULL",
    "SELECT headers FROM mcp_servers",
    "SELECT query FROM mcp_servers",
    "SELECT params FROM mcp_servers",
    "SELECT openapi FROM mcp_servers WHERE openapi IS NOT NULL",
    "SELECT params FROM group_mcp_params",
];

enum Backend {
    Sqlite,
    Postgres,
}

/// Settings on a fresh database of the backend, with `SECRET_KEY` = `key`.
struct Fixture {
    settings: Settings,
    _dir: tempfile::TempDir,
    _database: Option<TestDatabase>,
}

impl Fixture {
    async fn new(backend: Backend, key: Option<&str>) -> Fixture {
        let (mut settings, dir) = TestHub::settings();
        let database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let database = TestDatabase::create().await;
                settings.sql_dsn = Some(database.url());
                Some(database)
            }
        };
        settings.secret_key = key.map(str::to_owned);
        Fixture {
            settings,
            _dir: dir,
            _database: database,
        }
    }

    fn with_keys(&self, key: Option<&str>, previous: Option<&str>) -> Settings {
        let mut settings = self.settings.clone();
        settings.secret_key = key.map(str::to_owned);
        settings.secret_key_previous = previous.map(str::to_owned);
        settings
    }
}

fn key_id(key: &str) -> String {
    SecretKey::parse(key, "SECRET_KEY").unwrap().id().to_owned()
}

/// One row of every kind that holds a secret.
async fn write_secrets(store: &Store) {
    store.create_group(&Group::new("acme")).await.unwrap();
    let mut channel = Channel::new("upstream", ChannelKind::OPENAI);
    channel.base_url = "http://user:base-url-secret-0010@127.0.0.1:9000/v1".into();
    channel.key = "sk-channel-secret-0001".into();
    channel.models = vec!["gpt-4o-mini".into()];
    channel.proxy_url = Some("http://user:proxy-pass-secret@127.0.0.1:3128".into());
    channel.config = BTreeMap::from([("token".into(), "config-secret-0002".into())]);
    store.create_channel(&channel).await.unwrap();
    let mut model = ModelConfig::new("gpt-4o-mini");
    model.plugins = serde_json::json!({"web_search": {"engines": [
        {"type": "google", "api_key": "plugin-secret-0003", "cx": "c"}]}});
    store.create_model_config(&model).await.unwrap();
    let override_ = GroupModelOverride {
        group_id: "acme".into(),
        model: "gpt-4o-mini".into(),
        plugins: Some(serde_json::json!({"web_search": {"engines": [
        {"type": "google", "api_key": "override-secret-0004", "cx": "c"}]}})),
        ..GroupModelOverride::default()
    };
    store.put_group_override(&override_).await.unwrap();
    let mut remote = McpServer::new("remote", McpScope::Public, McpServerKind::ProxyStreamable);
    // An upstream that takes its key in the URL the admin gave, not in `query`.
    remote.url = Some("http://127.0.0.1:9200/mcp?api_key=url-query-secret-0011&v=2".into());
    remote.headers = BTreeMap::from([("X-Key".into(), "header-secret-0005".into())]);
    remote.query = BTreeMap::from([("key".into(), "query-secret-0006".into())]);
    store.create_mcp_server(&remote).await.unwrap();
    let mut clock = McpServer::new("clock", McpScope::Public, McpServerKind::Embedded);
    clock.template = Some("time".into());
    clock.params = BTreeMap::from([("token".into(), "param-secret-0007".into())]);
    store.create_mcp_server(&clock).await.unwrap();
    let mut api = McpServer::new("api", McpScope::Public, McpServerKind::Openapi);
    api.openapi = Some(OpenApiSource {
        spec: Some("openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n".into()),
        base_url: Some("http://127.0.0.1:9300/?api_key=openapi-url-secret-0012".into()),
        credentials: BTreeMap::from([("api_key".into(), "openapi-secret-0008".into())]),
        ..OpenApiSource::default()
    });
    store.create_mcp_server(&api).await.unwrap();
    store
        .set_group_mcp_params(&GroupMcpParams {
            server_id: "remote".into(),
            group_id: "acme".into(),
            params: BTreeMap::from([("header:X-Key".into(), "group-param-secret-0009".into())]),
            updated_at: 0,
        })
        .await
        .unwrap();
}

/// Every secret column's values as stored, read with SQL straight from the tables.
async fn raw_values(store: &Store) -> Vec<String> {
    let mut values = Vec::new();
    for statement in RAW_COLUMNS {
        let column: Vec<String> = sqlx::query_scalar(*statement)
            .fetch_all(store.pool())
            .await
            .unwrap();
        assert!(!column.is_empty(), "{statement} read nothing");
        values.extend(column);
    }
    values
}

fn assert_sealed_with(values: &[String], key: &str) {
    let prefix = format!("enc:v1:{}:", key_id(key));
    for value in values {
        assert!(
            value.starts_with(&prefix),
            "not sealed with {prefix}: {value}"
        );
        for secret in SECRETS {
            assert!(!value.contains(secret), "{secret} in clear: {value}");
        }
    }
}

/// Every secret reads back in clear through the store, and the snapshot's dump loads.
async fn assert_reads_back(store: &Store) {
    let channel = store
        .list_channels(&Default::default(), Default::default())
        .await
        .unwrap()
        .items
        .remove(0);
    assert_eq!(channel.key, "sk-channel-secret-0001");
    assert_eq!(
        channel.base_url,
        "http://user:base-url-secret-0010@127.0.0.1:9000/v1"
    );
    assert_eq!(
        channel.proxy_url.as_deref(),
        Some("http://user:proxy-pass-secret@127.0.0.1:3128")
    );
    assert_eq!(channel.config["token"], "config-secret-0002");
    let model = store.get_model_config("gpt-4o-mini").await.unwrap();
    assert!(model.plugins.to_string().contains("plugin-secret-0003"));
    let override_ = store
        .get_group_override("acme", "gpt-4o-mini")
        .await
        .unwrap();
    assert!(
        override_
            .plugins
            .unwrap()
            .to_string()
            .contains("override-secret-0004")
    );
    let remote = store.get_mcp_server("remote").await.unwrap();
    assert_eq!(remote.headers["X-Key"], "header-secret-0005");
    assert_eq!(remote.query["key"], "query-secret-0006");
    assert_eq!(
        remote.url.as_deref(),
        Some("http://127.0.0.1:9200/mcp?api_key=url-query-secret-0011&v=2")
    );
    let clock = store.get_mcp_server("clock").await.unwrap();
    assert_eq!(clock.params["token"], "param-secret-0007");
    let api = store.get_mcp_server("api").await.unwrap().openapi.unwrap();
    assert_eq!(api.credentials["api_key"], "openapi-secret-0008");
    assert_eq!(
        api.base_url.as_deref(),
        Some("http://127.0.0.1:9300/?api_key=openapi-url-secret-0012")
    );
    let params = store.get_group_mcp_params("remote", "acme").await.unwrap();
    assert_eq!(params.params["header:X-Key"], "group-param-secret-0009");
    let dump = store.load_all().await.unwrap();
    assert_eq!(dump.channels[0].key, "sk-channel-secret-0001");
}

async fn stored_encrypted_and_reopened_with_the_same_key(backend: Backend) {
    let fixture = Fixture::new(backend, Some(KEY_A)).await;
    let store = hub::open_main_store(&fixture.settings).await.unwrap();
    write_secrets(&store).await;
    assert_sealed_with(&raw_values(&store).await, KEY_A);
    assert_reads_back(&store).await;
    store.close().await;

    let store = hub::open_main_store(&fixture.settings).await.unwrap();
    assert_reads_back(&store).await;
    store.close().await;
    // The whole server starts on it (the snapshot loads the secrets) and stops cleanly.
    let data_dir = tempfile::tempdir().unwrap();
    let hub = TestHub::start_with(fixture.settings.clone(), data_dir).await;
    hub.stop().await.unwrap();
}

async fn a_wrong_key_stops_startup_with_a_clear_message(backend: Backend) {
    let fixture = Fixture::new(backend, Some(KEY_A)).await;
    let store = hub::open_main_store(&fixture.settings).await.unwrap();
    write_secrets(&store).await;
    store.close().await;

    let wrong = fixture.with_keys(Some(KEY_B), None);
    let error = hub::open_main_store(&wrong).await.unwrap_err();
    let message = format!("{error:#}");
    assert!(
        message.contains("cannot read the stored secrets"),
        "{message}"
    );
    assert!(message.contains("channels.key"), "{message}");
    assert!(message.contains(&key_id(KEY_A)), "{message}");
    assert!(
        message.contains(&format!("SECRET_KEY ({})", key_id(KEY_B))),
        "{message}"
    );
    // The server itself refuses to start, returning the same error rather than panicking.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let outcome = hub::run(wrong, listener, std::future::pending()).await;
    let message = format!("{:#}", outcome.unwrap_err());
    assert!(message.contains("channels.key"), "{message}");
    // A key that is not a key is refused by name.
    let malformed = fixture.with_keys(Some("too-short"), None);
    let message = format!("{:#}", hub::open_main_store(&malformed).await.unwrap_err());
    assert!(
        message.contains("SECRET_KEY must be 32 random bytes"),
        "{message}"
    );
}

async fn a_plaintext_database_is_encrypted_at_startup(backend: Backend) {
    let fixture = Fixture::new(backend, Some(KEY_A)).await;
    // Written as a release before encryption did: plain text in every column.
    let plain = Store::connect(&fixture.settings.main_dsn()).await.unwrap();
    write_secrets(&plain).await;
    let before = raw_values(&plain).await;
    assert!(before.iter().all(|value| !value.starts_with("enc:")));
    let revision = plain.revision().await.unwrap();
    plain.close().await;

    let store = hub::open_main_store(&fixture.settings).await.unwrap();
    assert_sealed_with(&raw_values(&store).await, KEY_A);
    assert_reads_back(&store).await;
    // Sealing changes no plain text, so no replica is asked to reload.
    assert_eq!(store.revision().await.unwrap(), revision);
    store.close().await;
}

async fn rotation_reencrypts_everything_and_the_old_key_reads_nothing(backend: Backend) {
    let fixture = Fixture::new(backend, Some(KEY_A)).await;
    let store = hub::open_main_store(&fixture.settings).await.unwrap();
    write_secrets(&store).await;
    let n_values = raw_values(&store).await.len();
    store.close().await;

    // During the rotation both keys read; SECRET_KEY writes.
    let rotating = fixture.with_keys(Some(KEY_B), Some(KEY_A));
    let store = hub::open_main_store(&rotating).await.unwrap();
    assert_reads_back(&store).await;
    assert_sealed_with(&raw_values(&store).await, KEY_A);
    store.close().await;

    let report = hub::process::cli::rotate(&rotating).await.unwrap();
    assert_eq!(report.checked, n_values as u64);
    assert_eq!(report.sealed, n_values as u64);
    let only_new = fixture.with_keys(Some(KEY_B), None);
    let store = hub::open_main_store(&only_new).await.unwrap();
    assert_sealed_with(&raw_values(&store).await, KEY_B);
    assert_reads_back(&store).await;
    store.close().await;
    // A second rotation has nothing left to do.
    assert_eq!(
        hub::process::cli::rotate(&rotating).await.unwrap().sealed,
        0
    );

    let old = fixture.with_keys(Some(KEY_A), None);
    let message = format!("{:#}", hub::open_main_store(&old).await.unwrap_err());
    assert!(message.contains(&key_id(KEY_B)), "{message}");
}

/// Without SECRET_KEY, the key is generated once into DATA_DIR and found there on restart.
#[tokio::test]
async fn generated_key_survives_a_restart() {
    let fixture = Fixture::new(Backend::Sqlite, None).await;
    let store = hub::open_main_store(&fixture.settings).await.unwrap();
    write_secrets(&store).await;
    store.close().await;
    let key = std::fs::read_to_string(fixture.settings.data_dir.join("secret_key")).unwrap();
    let store = hub::open_main_store(&fixture.settings).await.unwrap();
    assert_sealed_with(&raw_values(&store).await, &key);
    assert_reads_back(&store).await;
    store.close().await;
}

#[tokio::test]
async fn stored_encrypted_and_reopened_with_the_same_key_sqlite() {
    stored_encrypted_and_reopened_with_the_same_key(Backend::Sqlite).await;
}

#[tokio::test]
async fn stored_encrypted_and_reopened_with_the_same_key_postgres() {
    stored_encrypted_and_reopened_with_the_same_key(Backend::Postgres).await;
}

#[tokio::test]
async fn a_wrong_key_stops_startup_with_a_clear_message_sqlite() {
    a_wrong_key_stops_startup_with_a_clear_message(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_wrong_key_stops_startup_with_a_clear_message_postgres() {
    a_wrong_key_stops_startup_with_a_clear_message(Backend::Postgres).await;
}

#[tokio::test]
async fn a_plaintext_database_is_encrypted_at_startup_sqlite() {
    a_plaintext_database_is_encrypted_at_startup(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_plaintext_database_is_encrypted_at_startup_postgres() {
    a_plaintext_database_is_encrypted_at_startup(Backend::Postgres).await;
}

#[tokio::test]
async fn rotation_reencrypts_everything_and_the_old_key_reads_nothing_sqlite() {
    rotation_reencrypts_everything_and_the_old_key_reads_nothing(Backend::Sqlite).await;
}

#[tokio::test]
async fn rotation_reencrypts_everything_and_the_old_key_reads_nothing_postgres() {
    rotation_reencrypts_everything_and_the_old_key_reads_nothing(Backend::Postgres).await;
}

fn assert_masked(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} shows {secret}: {text}");
    }
}

/// Every read API masks every secret (gRPC get and list, `Export`, the document the admin MCP
/// tools read), and sending the masked values back (an update, an apply of the export) keeps
/// the stored secrets.
#[tokio::test]
async fn read_apis_mask_every_secret_and_round_trips_keep_them() {
    use hub::edges::grpc::pb;
    use hub::edges::grpc::pb::channel_service_client::ChannelServiceClient;
    use hub::edges::grpc::pb::config_service_client::ConfigServiceClient;
    use hub::edges::grpc::pb::mcp_service_client::McpServiceClient;
    use hub::edges::grpc::pb::model_service_client::ModelServiceClient;
    use support::admin;

    let (settings, data_dir) = TestHub::settings();
    let store = hub::open_main_store(&settings).await.unwrap();
    write_secrets(&store).await;
    store.close().await;
    let hub = TestHub::start_with(settings.clone(), data_dir).await;
    let channel = support::control_channel(&hub).await;
    let mut channels = ChannelServiceClient::new(channel.clone());
    let mut models = ModelServiceClient::new(channel.clone());
    let mut mcp = McpServiceClient::new(channel.clone());
    let mut config = ConfigServiceClient::new(channel);

    let listed = channels
        .list_channels(admin(pb::ListChannelsRequest::default()))
        .await
        .unwrap()
        .into_inner();
    assert_masked("ListChannels", &format!("{listed:?}"));
    let fetched = listed.channels[0].clone();
    assert_eq!(fetched.proxy_url, "http://user:****@127.0.0.1:3128");
    channels
        .update_channel(admin(pb::UpdateChannelRequest {
            channel: Some(fetched),
            update_mask: None,
        }))
        .await
        .unwrap();

    let model = models
        .get_model_config(admin(pb::GetModelConfigRequest {
            model: "gpt-4o-mini".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_masked("GetModelConfig", &format!("{model:?}"));
    let listed = models
        .list_model_configs(admin(pb::ListModelConfigsRequest::default()))
        .await
        .unwrap()
        .into_inner();
    assert_masked("ListModelConfigs", &format!("{listed:?}"));
    models
        .update_model_config(admin(pb::UpdateModelConfigRequest {
            model_config: Some(model),
            update_mask: None,
        }))
        .await
        .unwrap();
    let override_ = models
        .get_group_model_override(admin(pb::GetGroupModelOverrideRequest {
            group_id: "acme".into(),
            model: "gpt-4o-mini".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_masked("GetGroupModelOverride", &format!("{override_:?}"));
    models
        .put_group_model_override(admin(pb::PutGroupModelOverrideRequest {
            r#override: Some(override_),
        }))
        .await
        .unwrap();

    for id in ["remote", "clock", "api"] {
        let server = mcp
            .get_mcp_server(admin(pb::GetMcpServerRequest { id: id.into() }))
            .await
            .unwrap()
            .into_inner();
        assert_masked("GetMcpServer", &format!("{server:?}"));
        mcp.update_mcp_server(admin(pb::UpdateMcpServerRequest {
            server: Some(server),
            update_mask: None,
        }))
        .await
        .unwrap();
    }
    let listed = mcp
        .list_mcp_servers(admin(pb::ListMcpServersRequest::default()))
        .await
        .unwrap()
        .into_inner();
    assert_masked("ListMcpServers", &format!("{listed:?}"));

    let exported = config
        .export(admin(pb::ExportRequest {}))
        .await
        .unwrap()
        .into_inner()
        .document;
    assert_masked("Export", &exported);
    config
        .apply(admin(pb::ApplyRequest { document: exported }))
        .await
        .unwrap();

    let store = hub::open_main_store(&settings).await.unwrap();
    // What the admin MCP tools list and get.
    let document = hub::edges::declarative::export(&store).await.unwrap();
    assert_masked("admin tools", &serde_json::to_string(&document).unwrap());
    assert_reads_back(&store).await;
    store.close().await;
    hub.stop().await.unwrap();
}

/// A startup that fails on a database or Redis URL says which setting failed, never the
/// password the URL carries.
#[tokio::test]
async fn startup_errors_do_not_print_url_passwords() {
    let cases = [
        (
            "SQL_DSN",
            "postgres://postgres:hunter2-pg-secret@127.0.0.1:notaport/x",
        ),
        ("REDIS", "redis://:hunter2-redis-secret@127.0.0.1:1/"),
        ("REDIS", "redis://:hunter2-redis-secret@127.0.0.1:notaport/"),
    ];
    for (variable, url) in cases {
        let (mut settings, _dir) = TestHub::settings();
        match variable {
            "SQL_DSN" => settings.sql_dsn = Some(url.into()),
            _ => settings.redis = Some(url.into()),
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let outcome = hub::run(settings, listener, std::future::pending()).await;
        let message = format!("{:#}", outcome.unwrap_err());
        assert!(!message.contains("hunter2"), "{variable}: {message}");
    }
}

/// `TestMcpServer` and `ListMcpServerTools` say why a server fails without the secrets its
/// requests carried (a query value in the URL, headers, group parameters).
#[tokio::test]
async fn mcp_server_test_errors_hide_its_secrets() {
    use hub::edges::grpc::pb;
    use hub::edges::grpc::pb::mcp_service_client::McpServiceClient;
    use support::admin;

    let (settings, data_dir) = TestHub::settings();
    let store = hub::open_main_store(&settings).await.unwrap();
    write_secrets(&store).await;
    let mut down = McpServer::new("down", McpScope::Public, McpServerKind::ProxyStreamable);
    down.url = Some("http://127.0.0.1:1/mcp".into());
    down.headers = BTreeMap::from([("X-Key".into(), "header-secret-0005".into())]);
    down.query = BTreeMap::from([("key".into(), "query-secret-0006".into())]);
    store.create_mcp_server(&down).await.unwrap();
    store.close().await;
    let hub = TestHub::start_with(settings, data_dir).await;
    let mut mcp = McpServiceClient::new(support::control_channel(&hub).await);
    let tested = mcp
        .test_mcp_server(admin(pb::TestMcpServerRequest {
            id: "down".into(),
            group_id: "acme".into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(!tested.ok);
    assert!(!tested.error.is_empty());
    assert_masked("TestMcpServer", &tested.error);
    let listed = mcp
        .list_mcp_server_tools(admin(pb::ListMcpServerToolsRequest {
            id: "down".into(),
            group_id: "acme".into(),
        }))
        .await
        .unwrap_err();
    assert_masked("ListMcpServerTools", listed.message());
    hub.stop().await.unwrap();
}

/// Replicas sharing a database agree when they share SECRET_KEY; one that generated a key of
/// its own (no SECRET_KEY, another DATA_DIR) refuses to start instead of serving garbage.
#[tokio::test]
async fn replicas_sharing_a_database_need_the_same_key() {
    let fixture = Fixture::new(Backend::Postgres, Some(KEY_A)).await;
    let store = hub::open_main_store(&fixture.settings).await.unwrap();
    write_secrets(&store).await;
    store.close().await;

    let replicas = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let mut hubs = Vec::new();
    for data_dir in replicas {
        let mut settings = fixture.settings.clone();
        settings.data_dir = data_dir.path().to_path_buf();
        hubs.push(TestHub::start_with(settings, data_dir).await);
    }
    let (mut stranger, _dir) = TestHub::settings();
    stranger.sql_dsn = fixture.settings.sql_dsn.clone();
    stranger.secret_key = None;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let outcome = hub::run(stranger, listener, std::future::pending()).await;
    let message = format!("{:#}", outcome.unwrap_err());
    assert!(
        message.contains("start with the SECRET_KEY the database was written with"),
        "{message}"
    );
    for hub in hubs {
        hub.stop().await.unwrap();
    }
}

/// A tenant calling a proxied server whose upstream fails is told so without the secrets the
/// admin configured for it (a query value in the URL).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mcp_clients_never_see_a_failing_upstreams_secrets() {
    let hub = TestHub::start_with_config(
        r#"
groups:
  - id: acme
tokens:
  - {group: acme, name: a, key: sk-acme-secrets-test-0001}
mcp_servers:
  - id: down
    scope: public
    type: proxy_streamable
    url: http://127.0.0.1:1/mcp
    query: {key: query-secret-0006}
    headers: {X-Key: header-secret-0005}
  - id: down-sse
    scope: public
    type: proxy_sse
    url: http://127.0.0.1:1/sse
    query: {key: query-secret-0006}
    headers: {X-Key: header-secret-0005}
"#,
    )
    .await;
    for path in ["/mcp/public/down", "/mcp/public/down-sse", "/mcp"] {
        let (status, reply) = support::mcp_calls::stateless(
            &hub,
            path,
            "sk-acme-secrets-test-0001",
            "tools/list",
            None,
            serde_json::json!({}),
        )
        .await;
        let text = reply.to_string();
        assert!(
            !text.contains("query-secret-0006"),
            "{path} {status}: {text}"
        );
        assert!(
            !text.contains("header-secret-0005"),
            "{path} {status}: {text}"
        );
    }
    hub.stop().await.unwrap();
}
