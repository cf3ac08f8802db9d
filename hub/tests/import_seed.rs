//! `aiproxy import aiproxy-go`: a database in the seed's schema (real table, column and JSON field names), in Postgres and SQLite, imported into a running hub.
//!
//! The hub reads the import through its config poll, exactly as it would after the CLI ran
//! beside it: the old token key answers a relay request, the control plane's export shows what
//! arrived, a dry run writes nothing and a second import changes nothing.

use std::str::FromStr;

use hub::edges::declarative::{self, Document};
use hub::import::{self, ImportOptions};
use hub::snapshot::changes::ChangeFeed;
use rust_decimal::Decimal;
use sqlx::Connection;

use crate::support::{ADMIN_KEY, MysqlDatabase, TestDatabase, TestHub};

/// The seed's tables as GORM creates them (floats as `decimal`, JSON in text columns), with
/// timestamps and counters the importer must ignore.
const SCHEMA: &[&str] = &[
    "CREATE TABLE groups (id varchar(64) PRIMARY KEY, created_at timestamp, status bigint DEFAULT 1, \
     rpm_ratio decimal, tpm_ratio decimal, used_amount decimal, request_count bigint, \
     available_sets text, balance_alert_enabled boolean DEFAULT false, balance_alert_threshold decimal DEFAULT 0)",
    "CREATE TABLE tokens (id bigint PRIMARY KEY, created_at timestamp, key char(48) UNIQUE, name varchar(32) NOT NULL, \
     group_id varchar(64), subnets text, models text, status bigint DEFAULT 1, used_amount decimal, \
     request_count bigint, quota decimal, period_quota decimal, period_type varchar(20), \
     period_last_update_time timestamp, period_last_update_amount decimal)",
    "CREATE TABLE channels (id bigint PRIMARY KEY, deleted_at timestamp, created_at timestamp, \
     last_test_error_at timestamp, balance_updated_at timestamp, model_mapping text, key text, \
     name varchar(64), base_url varchar(128), proxy_url varchar(255), models text, balance decimal, \
     used_amount decimal, request_count bigint, retry_count bigint, status bigint DEFAULT 1, \
     type bigint DEFAULT 0, priority integer, enabled_auto_balance_check boolean, \
     balance_threshold decimal, skip_tls_verify boolean, enabled_no_permission_ban boolean, \
     warn_error_rate decimal, max_error_rate decimal, configs text, sets text)",
    "CREATE TABLE model_configs (created_at timestamp, updated_at timestamp, config text, plugin text, \
     model varchar(128) PRIMARY KEY, owner varchar(32), type bigint, exclude_from_tests boolean, \
     rpm bigint, tpm bigint, per_request_price decimal, input_price decimal, input_price_unit bigint, \
     image_input_price decimal, image_input_price_unit bigint, audio_input_price decimal, \
     audio_input_price_unit bigint, video_input_price decimal, video_input_price_unit bigint, \
     output_price decimal, output_price_unit bigint, image_output_price decimal, \
     image_output_price_unit bigint, audio_output_price decimal, audio_output_price_unit bigint, \
     thinking_mode_output_price decimal, thinking_mode_output_price_unit bigint, cached_price decimal, \
     cached_price_unit bigint, cache_creation_price decimal, cache_creation_price_unit bigint, \
     web_search_price decimal, web_search_price_unit bigint, conditional_prices text, \
     retry_times bigint, request_timeout bigint, stream_request_timeout bigint, \
     force_save_detail boolean, max_image_generation_count bigint)",
    "CREATE TABLE group_model_configs (group_id text, model text, override_limit boolean, rpm bigint, \
     tpm bigint, override_price boolean, per_request_price decimal, input_price decimal, \
     input_price_unit bigint, image_input_price decimal, image_input_price_unit bigint, \
     audio_input_price decimal, audio_input_price_unit bigint, video_input_price decimal, \
     video_input_price_unit bigint, output_price decimal, output_price_unit bigint, \
     image_output_price decimal, image_output_price_unit bigint, audio_output_price decimal, \
     audio_output_price_unit bigint, thinking_mode_output_price decimal, \
     thinking_mode_output_price_unit bigint, cached_price decimal, cached_price_unit bigint, \
     cache_creation_price decimal, cache_creation_price_unit bigint, web_search_price decimal, \
     web_search_price_unit bigint, conditional_prices text, override_retry_times boolean, \
     retry_times bigint, override_timeout_config boolean, request_timeout bigint, \
     stream_request_timeout bigint, override_force_save_detail boolean, force_save_detail boolean, \
     PRIMARY KEY (group_id, model))",
    "CREATE TABLE options (key varchar(64) PRIMARY KEY, value text)",
    "CREATE TABLE public_mcps (id text PRIMARY KEY, created_at timestamp, update_at timestamp, name text, \
     name_cn text, status bigint DEFAULT 1, type text, description text, github_url text, readme text, \
     tags text, logo_url text, default_tools_call_price decimal, tools_call_prices text, \
     proxy_config text, openapi_config text, embed_config text, test_config text)",
    "CREATE TABLE public_mcp_reusing_params (mcp_id text, group_id text, created_at timestamp, \
     update_at timestamp, params text, PRIMARY KEY (mcp_id, group_id))",
    "CREATE TABLE group_mcps (id text, group_id text, status bigint DEFAULT 1, created_at timestamp, \
     update_at timestamp, name text, type text, description text, proxy_config text, \
     openapi_config text, PRIMARY KEY (id, group_id))",
];

/// The seed's token key (48 characters, stored without the `sk-` callers put in front).
const SEED_KEY: &str = "Zk3mQ9vT2xLp8RwN4yHb6JcD1sFg7AeU5oKiV0nMqWzXtYrE";

const OPENAPI: &str = r#"{"openapi":"3.0.0","info":{"title":"Docs","version":"1"},
"paths":{"/search":{"get":{"operationId":"search","parameters":[{"name":"q","in":"query","schema":{"type":"string"}}],
"responses":{"200":{"description":"ok"}}}}}}"#;

fn rows() -> Vec<String> {
    let openapi_config = serde_json::json!({
        "openapi_content": OPENAPI, "server_addr": "https://docs.example.com", "v2": false
    })
    .to_string()
    .replace('\'', "''");
    vec![
        "INSERT INTO groups (id, status, rpm_ratio, tpm_ratio, available_sets, balance_alert_enabled, \
         balance_alert_threshold) VALUES ('team-a', 1, 2, 0, '[\"default\",\"premium\"]', true, 5)"
            .to_owned(),
        "INSERT INTO groups (id, status, rpm_ratio, tpm_ratio) VALUES ('team-b', 2, 1, 1)".to_owned(),
        format!(
            "INSERT INTO tokens (id, key, name, group_id, subnets, models, status, quota, period_quota, \
             period_type) VALUES (1, '{SEED_KEY}', 'ci', 'team-a', '[]', '[\"fake-chat\"]', 1, 0, 0, '')"
        ),
        "INSERT INTO tokens (id, key, name, group_id, subnets, models, status, quota, period_quota, \
         period_type) VALUES (2, 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', '', 'team-b', \
         '[\"10.0.0.0/8\"]', 'null', 2, 12.5, 3, 'daily')"
            .to_owned(),
        "INSERT INTO channels (id, name, type, key, base_url, models, model_mapping, status, priority, \
         sets, configs, warn_error_rate, max_error_rate, balance_threshold) VALUES (1, 'try-fake', 53, \
         'fake-key', '', '[\"fake-chat\"]', '{\"gpt-4o\":\"fake-chat\"}', 1, 0, '[\"default\"]', \
         'null', 0.5, 0.9, 0)"
            .to_owned(),
        "INSERT INTO channels (id, name, type, key, base_url, models, model_mapping, status, priority, \
         sets, configs) VALUES (2, 'claude', 14, 'sk-ant-upstream', 'https://api.anthropic.com', \
         '[\"claude-3-5-haiku\"]', 'null', 2, 50, 'null', '{}')"
            .to_owned(),
        // A type with no counterpart here: skipped with a warning.
        "INSERT INTO channels (id, name, type, key, models, status) VALUES (3, 'tts', 44, 'k', \
         '[\"doubao-tts\"]', 1)"
            .to_owned(),
        // Deleted in the seed (GORM's soft delete): not imported.
        "INSERT INTO channels (id, name, type, key, models, status, deleted_at) VALUES (4, 'gone', 1, \
         'k', '[]', 1, '2024-01-01 00:00:00')"
            .to_owned(),
        "INSERT INTO model_configs (model, owner, type, rpm, tpm, input_price, output_price, \
         output_price_unit, retry_times, request_timeout, config, plugin) VALUES ('fake-chat', \
         'openai', 1, 600, 100000, 0.002, 8, 1000000, 2, 30, '{\"max_output_tokens\":1024}', \
         '{\"cache\":{\"enable\":true,\"ttl\":60,\"item_max_size\":4096,\"add_cache_hit_header\":true}}')"
            .to_owned(),
        "INSERT INTO model_configs (model, owner, type) VALUES ('text-embedding-3-small', 'openai', 3)"
            .to_owned(),
        "INSERT INTO group_model_configs (group_id, model, override_limit, rpm, tpm, override_price, \
         input_price, override_retry_times, retry_times, override_timeout_config, \
         override_force_save_detail, force_save_detail) VALUES ('team-a', 'fake-chat', true, 5, 50000, \
         false, 9, false, 0, false, true, true)"
            .to_owned(),
        "INSERT INTO options (key, value) VALUES ('RetryTimes', '3')".to_owned(),
        "INSERT INTO options (key, value) VALUES ('SomeSeedOnlyOption', 'x')".to_owned(),
        "INSERT INTO public_mcps (id, name, status, type, default_tools_call_price, tools_call_prices, \
         proxy_config) VALUES ('search-proxy', 'Search', 1, 'mcp_proxy_streamable', 0.01, \
         '{\"deep_search\":0.05,\"ping\":0,\"broken\":\"cheap\"}', \
         '{\"url\":\"https://mcp.example.com/mcp\",\"headers\":{\"X-Static\":\"1\"},\"querys\":{\"v\":\"2\"},\
         \"reusing\":{\"X-Api-Key\":{\"name\":\"X-Api-Key\",\"required\":true,\"type\":\"header\"}}}')"
            .to_owned(),
        "INSERT INTO public_mcp_reusing_params (mcp_id, group_id, params) VALUES ('search-proxy', \
         'team-a', '{\"X-Api-Key\":\"team-a-secret\"}')"
            .to_owned(),
        format!(
            "INSERT INTO group_mcps (id, group_id, status, name, type, openapi_config) VALUES \
             ('docs', 'team-a', 1, 'Docs', 'mcp_openapi', '{openapi_config}')"
        ),
    ]
}

async fn fill(url: &str) {
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    for statement in SCHEMA.iter().map(|s| (*s).to_owned()).chain(rows()) {
        sqlx::query(sqlx::AssertSqlSafe(statement.clone()))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|error| panic!("{statement}: {error}"));
    }
    conn.close().await.unwrap();
}

async fn export(hub: &TestHub) -> Document {
    let text = hub::process::cli::export_remote(&hub.url(""), ADMIN_KEY)
        .await
        .unwrap();
    declarative::parse(&text).unwrap()
}

fn without_balances(mut document: Document) -> Document {
    for group in &mut document.groups {
        group.balance = None;
    }
    document
}

async fn chat(hub: &TestHub, key: &str) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(hub.url("/v1/chat/completions"))
        .bearer_auth(key)
        .json(&serde_json::json!({"model": "fake-chat", "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn import_into(seed_dsn: &str) {
    sqlx::any::install_default_drivers();
    fill(seed_dsn).await;
    let (settings, data_dir) = TestHub::settings();
    let hub = TestHub::start_with(settings.clone(), data_dir).await;
    let store = hub::open_main_store(&settings).await.unwrap();
    let changes = ChangeFeed::new();
    let before = export(&hub).await;
    let audited = async |store: &hub::store::Store| {
        store
            .list_audit_events(&Default::default(), hub::store::Page::default())
            .await
            .unwrap()
            .total
    };
    let audited_before = audited(&store).await;

    let translation = import::read_seed(seed_dsn).await.unwrap();
    let dry = ImportOptions {
        group_max_tokens: 100,
        dry_run: true,
        new_group_balance: Some(Decimal::from(50)),
    };
    let planned = import::apply(&store, &changes, translation.clone(), &dry)
        .await
        .unwrap();
    assert!(planned.dry_run);
    assert_eq!(planned.apply.channels.created, ["try-fake", "claude"]);
    assert_eq!(
        planned.apply.tokens.created,
        ["team-a/ci", "team-b/token-2"]
    );
    assert_eq!(planned.group_params_changed, ["search-proxy/team-a"]);
    assert!(planned.to_string().contains("dry run"), "{planned}");
    assert_eq!(export(&hub).await, before, "a dry run writes nothing");
    assert_eq!(
        audited(&store).await,
        audited_before,
        "a dry run audits nothing"
    );

    let real = ImportOptions {
        dry_run: false,
        ..dry.clone()
    };
    let report = import::apply(&store, &changes, translation, &real)
        .await
        .unwrap();
    assert!(
        audited(&store).await > audited_before,
        "an import is audited"
    );
    assert_eq!(report.apply.channels, planned.apply.channels);
    assert_eq!(report.apply.tokens, planned.apply.tokens);
    let warnings = report.warnings.join("\n");
    assert!(warnings.contains("channel 3 (tts) skipped"), "{warnings}");
    assert!(
        warnings.contains("option SomeSeedOnlyOption not imported"),
        "{warnings}"
    );
    assert!(warnings.contains("add_cache_hit_header"), "{warnings}");
    assert!(
        warnings.contains("the price of tool broken is not a price"),
        "{warnings}"
    );
    assert!(!warnings.contains("gone"), "{warnings}");

    // The old key, with the `sk-` its callers send, answers once the hub has polled.
    let key = format!("sk-{SEED_KEY}");
    let mut last = (0, String::new());
    for _ in 0..100 {
        last = chat(&hub, &key).await;
        if last.0 == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(last.0, 200, "{}", last.1);
    assert!(last.1.contains("chat.completion"), "{}", last.1);
    // The disabled token stays refused.
    assert_eq!(chat(&hub, &format!("sk-{}", "b".repeat(48))).await.0, 401);

    let document = export(&hub).await;
    let fake = document
        .channels
        .iter()
        .find(|c| c.name == "try-fake")
        .unwrap();
    assert_eq!(fake.kind, "fake");
    assert_eq!(fake.models, ["fake-chat"]);
    assert_eq!(fake.model_mapping["gpt-4o"], "fake-chat");
    assert_eq!(fake.priority, 10, "the seed's 0 is its default priority");
    assert_eq!(fake.max_error_rate, Some(0.9));
    let claude = document
        .channels
        .iter()
        .find(|c| c.name == "claude")
        .unwrap();
    assert_eq!(claude.kind, "anthropic");
    assert_eq!(claude.status, Some(hub::store::Status::Disabled));
    assert_ne!(claude.key, "sk-ant-upstream", "exported masked");
    assert!(
        !document
            .channels
            .iter()
            .any(|c| c.name == "gone" || c.name == "tts")
    );

    let team_a = document.groups.iter().find(|g| g.id == "team-a").unwrap();
    assert_eq!(team_a.rpm_ratio, 2.0);
    assert_eq!(team_a.tpm_ratio, 1.0, "the seed's 0 ratio is 1");
    assert_eq!(team_a.available_sets, ["default", "premium"]);
    assert!(team_a.balance_alert_enabled);
    // Given at creation, less what the request above was charged.
    let balance = team_a.balance.unwrap();
    assert!(
        balance > Decimal::ZERO && balance <= Decimal::from(50),
        "{balance}"
    );
    let override_ = &team_a.model_overrides[0];
    assert_eq!((override_.rpm, override_.tpm), (Some(5), Some(50000)));
    assert_eq!(override_.price, None, "override_price was off");
    assert!(override_.save_detail);
    let team_b = document.groups.iter().find(|g| g.id == "team-b").unwrap();
    assert_eq!(team_b.status, Some(hub::store::GroupStatus::Disabled));

    let ci = document.tokens.iter().find(|t| t.name == "ci").unwrap();
    assert_eq!(ci.models, ["fake-chat"]);
    let second = document
        .tokens
        .iter()
        .find(|t| t.name == "token-2")
        .unwrap();
    assert_eq!(second.status, Some(hub::store::Status::Disabled));
    assert_eq!(second.subnets, ["10.0.0.0/8"]);
    assert_eq!(second.quota, Some(Decimal::from_str("12.5").unwrap()));
    assert_eq!(second.period, Some(hub::store::QuotaPeriod::Daily));

    let model = document
        .models
        .iter()
        .find(|m| m.model == "fake-chat")
        .unwrap();
    assert_eq!((model.rpm, model.tpm), (600, 100000));
    assert_eq!(model.retry_times, Some(2));
    assert_eq!(model.timeouts.first_byte_ms, Some(30_000));
    assert_eq!(model.max_output_tokens, Some(1024));
    let price = model.price.as_ref().unwrap();
    assert_eq!(price.unit, Some(1000));
    assert_eq!(price.input_price, Some(Decimal::from_str("0.002").unwrap()));
    assert_eq!(
        price.output_price,
        Some(Decimal::from_str("0.008").unwrap())
    );
    assert_eq!(
        model.plugins,
        Some(serde_json::json!({"cache": {"enable": true, "ttl": 60, "item_max_size": 4096}}))
    );
    let embedding = document
        .models
        .iter()
        .find(|m| m.model == "text-embedding-3-small")
        .unwrap();
    assert_eq!(embedding.model_type, Some(hub::store::ModelType::Embedding));
    assert_eq!(document.options["RetryTimes"].as_text(), "3");
    assert!(!document.options.contains_key("SomeSeedOnlyOption"));

    let proxy = document
        .mcp_servers
        .iter()
        .find(|m| m.id == "search-proxy")
        .unwrap();
    assert_eq!(proxy.scope, Some(hub::store::McpScope::Public));
    assert_eq!(proxy.kind, Some(hub::store::McpServerKind::ProxyStreamable));
    assert_eq!(proxy.url.as_deref(), Some("https://mcp.example.com/mcp"));
    // Exported masked; the store holds the values.
    let stored = store.get_mcp_server("search-proxy").await.unwrap();
    assert_eq!(stored.query["v"], "2");
    assert_eq!(stored.headers["X-Static"], "1");
    assert_eq!(proxy.required_group_params, ["header:X-Api-Key"]);
    assert_eq!(
        proxy.price_per_call,
        Some(Decimal::from_str("0.01").unwrap())
    );
    // Per-tool prices carry over; one that is not a number is left to the server's price.
    assert_eq!(
        proxy.tool_prices,
        [
            ("deep_search".to_owned(), Decimal::from_str("0.05").unwrap()),
            ("ping".to_owned(), Decimal::ZERO),
        ]
        .into_iter()
        .collect()
    );
    let docs = document
        .mcp_servers
        .iter()
        .find(|m| m.id == "docs")
        .unwrap();
    assert_eq!(docs.scope, Some(hub::store::McpScope::Group));
    assert_eq!(docs.group.as_deref(), Some("team-a"));
    assert_eq!(docs.kind, Some(hub::store::McpServerKind::Openapi));
    let params = store
        .get_group_mcp_params("search-proxy", "team-a")
        .await
        .unwrap();
    assert_eq!(params.params["header:X-Api-Key"], "team-a-secret");

    // Again: nothing changes, and the old key still works.
    let again = import::read_seed(seed_dsn).await.unwrap();
    let second_run = import::apply(&store, &changes, again, &real).await.unwrap();
    assert!(second_run.apply.is_unchanged(), "{second_run}");
    assert!(second_run.group_params_changed.is_empty(), "{second_run}");
    // Balances move with usage (the request above is billed in the background).
    assert_eq!(
        without_balances(export(&hub).await),
        without_balances(document)
    );
    assert_eq!(chat(&hub, &key).await.0, 200);
    store.close().await;
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seed_postgres_database_is_imported_and_its_keys_keep_working() {
    let database = TestDatabase::create().await;
    import_into(&database.url()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seed_sqlite_database_is_imported_and_its_keys_keep_working() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aiproxy.db");
    import_into(&format!("sqlite://{}?mode=rwc", path.display())).await;
}

/// The seed's own configuration file format, applied at startup.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seeds_config_file_is_recognised_at_startup() {
    let hub = TestHub::start_with_config(
        r#"
channels:
  - name: "fake-channel-1"
    type_name: "fake"
    key: "fake-key"
    models: ["fake-chat"]
    status: 1
    priority: 100
  - name: "gemini-channel-1"
    type: 24
    key: "your-gemini-api-key"
    models: ["gemini-pro"]
    status: 2
modelconfigs:
  - model: "fake-chat"
    owner: "openai"
    type_name: "chat"
    rpm: 3500
    timeout_config:
      request_timeout: 300
    price:
      input: 0.03
      output: 0.06
options:
  RetryTimes: "4"
"#,
    )
    .await;
    let document = export(&hub).await;
    let fake = document
        .channels
        .iter()
        .find(|c| c.name == "fake-channel-1")
        .unwrap();
    assert_eq!((fake.kind.as_str(), fake.priority), ("fake", 100));
    let gemini = document
        .channels
        .iter()
        .find(|c| c.name == "gemini-channel-1")
        .unwrap();
    assert_eq!(gemini.kind, "gemini");
    assert_eq!(gemini.status, Some(hub::store::Status::Disabled));
    let model = &document.models[0];
    assert_eq!(model.rpm, 3500);
    assert_eq!(model.timeouts.first_byte_ms, Some(300_000));
    assert_eq!(
        model.price.as_ref().unwrap().input_price,
        Some(Decimal::from_str("0.03").unwrap())
    );
    assert_eq!(document.options["RetryTimes"].as_text(), "4");
    hub.stop().await.unwrap();
}

/// OneAPI's tables as its GORM models create them (models and subnets comma-separated); the
/// reserved column names `key` and `group` quoted as in Postgres, see [`one_api_statements`].
const ONE_API: &[&str] = &[
    "CREATE TABLE channels (id bigint PRIMARY KEY, type bigint DEFAULT 0, \"key\" text, open_ai_organization text, \
     test_model text, status bigint DEFAULT 1, name text, weight bigint, created_time bigint, \
     test_time bigint, response_time bigint, base_url text DEFAULT '', other text, balance decimal, \
     balance_updated_time bigint, models text, \"group\" varchar(64) DEFAULT 'default', used_quota bigint, \
     model_mapping varchar(1024), priority bigint DEFAULT 0, config text, system_prompt text)",
    "CREATE TABLE tokens (id bigint PRIMARY KEY, user_id bigint, \"key\" char(48), status bigint DEFAULT 1, \
     name text, created_time bigint, accessed_time bigint, expired_time bigint DEFAULT -1, \
     remain_quota bigint DEFAULT 0, unlimited_quota boolean DEFAULT false, used_quota bigint DEFAULT 0, \
     models text, subnet text DEFAULT '')",
    "INSERT INTO channels (id, type, \"key\", status, name, base_url, models, model_mapping, priority) VALUES \
     (1, 14, 'sk-ant-upstream', 1, 'claude', 'https://api.anthropic.com', 'claude-3-5-haiku, claude-3-opus', \
     '{\"haiku\":\"claude-3-5-haiku\"}', 5)",
    "INSERT INTO channels (id, type, \"key\", status, name, base_url, models) VALUES \
     (2, 50, 'k', 2, 'compatible', 'https://llm.example.com/v1', 'm1')",
    "INSERT INTO tokens (id, user_id, \"key\", status, name, expired_time, remain_quota, unlimited_quota) \
     VALUES (1, 7, 'OneApiKey000000000000000000000000000000000000001', 1, 'web', -1, 1000000, false)",
    "INSERT INTO tokens (id, user_id, \"key\", status, name, expired_time, remain_quota, unlimited_quota) \
     VALUES (2, 7, 'OneApiKey000000000000000000000000000000000000002', 1, 'bot', 4102444800, 0, true)",
];

/// [`ONE_API`] for the database at `dsn`: MySQL quotes names with backticks (a double-quoted
/// word is a string there), as one-api's MySQL tables name `key` and `group`.
fn one_api_statements(dsn: &str) -> Vec<String> {
    ONE_API
        .iter()
        .map(|statement| {
            if dsn.starts_with("mysql://") {
                statement
                    .replace("\"key\"", "`key`")
                    .replace("\"group\"", "`group`")
            } else {
                (*statement).to_owned()
            }
        })
        .collect()
}

async fn import_one_api(dsn: &str) {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(dsn).await.unwrap();
    for statement in one_api_statements(dsn) {
        sqlx::query(sqlx::AssertSqlSafe(statement.clone()))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|error| panic!("{statement}: {error}"));
    }
    conn.close().await.unwrap();
    let (settings, data_dir) = TestHub::settings();
    let hub = TestHub::start_with(settings.clone(), data_dir).await;
    let store = hub::open_main_store(&settings).await.unwrap();
    let options = ImportOptions {
        group_max_tokens: 100,
        ..ImportOptions::default()
    };
    let translation = import::read_one_api(dsn).await.unwrap();
    let report = import::apply(&store, &ChangeFeed::new(), translation, &options)
        .await
        .unwrap();
    assert_eq!(report.apply.channels.created, ["claude", "compatible"]);
    assert_eq!(report.apply.tokens.created, ["user-7/web", "user-7/bot"]);
    let document = export(&hub).await;
    let claude = &document.channels[0];
    assert_eq!(claude.kind, "anthropic");
    assert_eq!(claude.models, ["claude-3-5-haiku", "claude-3-opus"]);
    assert_eq!(claude.model_mapping["haiku"], "claude-3-5-haiku");
    assert_eq!(claude.priority, 5);
    let compatible = &document.channels[1];
    assert_eq!(compatible.kind, "custom");
    assert_eq!(compatible.status, Some(hub::store::Status::Disabled));
    let web = document.tokens.iter().find(|t| t.name == "web").unwrap();
    assert_eq!(web.group, "user-7");
    assert_eq!(web.quota, Some(Decimal::from(2)), "500,000 units a dollar");
    let bot = document.tokens.iter().find(|t| t.name == "bot").unwrap();
    assert_eq!(bot.quota, None);
    assert_eq!(bot.expires_at_ms, Some(4_102_444_800_000));
    // The key its callers send (`sk-` in front) is the stored one.
    let token = store
        .find_token_by_hash(&hub::store::hash_key(
            "sk-OneApiKey000000000000000000000000000000000000001",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(token.name, "web");
    let again = import::read_one_api(dsn).await.unwrap();
    let second = import::apply(&store, &ChangeFeed::new(), again, &options)
        .await
        .unwrap();
    assert!(second.apply.is_unchanged(), "{second}");
    store.close().await;
    hub.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_api_postgres_database_gives_its_channels_and_tokens() {
    let database = TestDatabase::create().await;
    import_one_api(&database.url()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_api_mysql_database_gives_its_channels_and_tokens() {
    let database = MysqlDatabase::create().await;
    import_one_api(&database.url()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_api_sqlite_database_gives_its_channels_and_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one-api.db");
    import_one_api(&format!("sqlite://{}?mode=rwc", path.display())).await;
}
