//! Storage tests: the same suite on SQLite (a temp dir) and on the real Postgres (a fresh
//! database per test, dropped afterwards).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use std::collections::BTreeMap;

use hub::store::{
    Channel, ChannelFilter, Group, GroupFilter, GroupMcpParams, GroupModelOverride, GroupStatus,
    McpFilter, McpScope, McpServer, McpServerKind, ModelConfig, NewToken, Page, Price, QuotaPeriod,
    Status, Store, StoreError, TokenFilter, hash_key,
};
use relay::host::ChannelKind;
use rust_decimal::Decimal;

use crate::support::TestDatabase;

/// A SQLite store in its own temp dir (nested, to prove parent directories are created).
async fn sqlite() -> (Store, Box<dyn Send>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/aiproxy.db");
    let store = Store::connect(path.to_str().unwrap()).await.unwrap();
    assert!(path.exists());
    (store, Box::new(dir))
}

/// A store on a Postgres database of its own, dropped with the guard.
async fn postgres() -> (Store, Box<dyn Send>) {
    let database = TestDatabase::create().await;
    let store = Store::connect(&database.url()).await.unwrap();
    (store, Box::new(database))
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite_backend {
            $(
                #[tokio::test]
                async fn $name() {
                    let (store, _guard) = super::sqlite().await;
                    super::$name(&store).await;
                    store.close().await;
                }
            )*
        }
        mod postgres_backend {
            $(
                #[tokio::test]
                async fn $name() {
                    let (store, _guard) = super::postgres().await;
                    super::$name(&store).await;
                    store.close().await;
                }
            )*
        }
    };
}

on_both_backends!(
    groups_crud_filters_and_pages,
    tokens_keys_limits_and_updates,
    channels_round_trip_and_validation,
    model_configs_prices_and_overrides,
    mcp_servers_and_group_params,
    options_and_revision,
    failed_transaction_writes_nothing,
    deleting_a_group_removes_what_it_owns,
    load_all_returns_everything,
    concurrent_writes_and_reads_all_land,
    concurrent_edits_of_one_row_all_land,
    upstream_tokens_refresh_by_compare_and_set,
);

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn invalid_field(err: StoreError) -> String {
    match err {
        StoreError::Invalid { field, .. } => field,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

async fn groups_crud_filters_and_pages(store: &Store) {
    for id in ["acme", "beta", "acme-2", "zeta"] {
        store.create_group(&Group::new(id)).await.unwrap();
    }
    let dup = store.create_group(&Group::new("acme")).await.unwrap_err();
    assert!(
        matches!(dup, StoreError::AlreadyExists { kind: "group", .. }),
        "{dup:?}"
    );
    assert_eq!(
        invalid_field(store.create_group(&Group::new("")).await.unwrap_err()),
        "group.id"
    );
    assert_eq!(
        invalid_field(
            store
                .create_group(&Group::new("has space"))
                .await
                .unwrap_err()
        ),
        "group.id"
    );
    let mut bad_ratio = Group::new("ratio");
    bad_ratio.rpm_ratio = -1.0;
    assert_eq!(
        invalid_field(store.create_group(&bad_ratio).await.unwrap_err()),
        "group.rpm_ratio"
    );

    let mut acme = store.get_group("acme").await.unwrap();
    assert_eq!(acme.status, GroupStatus::Enabled);
    assert!(acme.created_at > 0);
    acme.status = GroupStatus::Disabled;
    acme.rpm_ratio = 2.5;
    acme.available_sets = vec!["default".into(), "vip".into()];
    acme.balance = dec("12.3456");
    let updated = store.update_group(&acme).await.unwrap();
    assert_eq!(updated.rpm_ratio, 2.5);
    assert_eq!(updated.balance, dec("12.3456"));
    assert_eq!(updated.available_sets, vec!["default", "vip"]);

    let keyword = GroupFilter {
        keyword: Some("ACME".into()),
        ..GroupFilter::default()
    };
    let found = store.list_groups(&keyword, Page::default()).await.unwrap();
    assert_eq!(found.total, 2);
    assert_eq!(
        found
            .items
            .iter()
            .map(|g| g.id.as_str())
            .collect::<Vec<_>>(),
        ["acme", "acme-2"]
    );
    // LIKE wildcards in the keyword are literal characters.
    let wildcard = GroupFilter {
        keyword: Some("%".into()),
        ..GroupFilter::default()
    };
    assert_eq!(
        store
            .list_groups(&wildcard, Page::default())
            .await
            .unwrap()
            .total,
        0
    );
    let disabled = GroupFilter {
        status: Some(GroupStatus::Disabled),
        ..GroupFilter::default()
    };
    assert_eq!(
        store
            .list_groups(&disabled, Page::default())
            .await
            .unwrap()
            .total,
        1
    );
    let second_page = store
        .list_groups(
            &GroupFilter::default(),
            Page {
                offset: 2,
                limit: 2,
            },
        )
        .await
        .unwrap();
    assert_eq!(second_page.total, 4);
    assert_eq!(
        second_page
            .items
            .iter()
            .map(|g| g.id.as_str())
            .collect::<Vec<_>>(),
        ["beta", "zeta"]
    );

    store.delete_group("beta").await.unwrap();
    assert!(matches!(
        store.get_group("beta").await,
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        store.delete_group("beta").await,
        Err(StoreError::NotFound { .. })
    ));
    let deleted = store
        .delete_groups(&["zeta".into(), "missing".into()])
        .await
        .unwrap();
    assert_eq!(deleted, 1);
}

fn new_token(group: &str, name: &str) -> NewToken {
    NewToken {
        group_id: group.into(),
        name: name.into(),
        ..NewToken::default()
    }
}

async fn tokens_keys_limits_and_updates(store: &Store) {
    store.create_group(&Group::new("acme")).await.unwrap();
    let missing_group = store
        .create_token(&new_token("nope", "t"), 0)
        .await
        .unwrap_err();
    assert!(
        matches!(missing_group, StoreError::NotFound { kind: "group", .. }),
        "{missing_group:?}"
    );

    let (token, key) = store
        .create_token(&new_token("acme", "ci"), 0)
        .await
        .unwrap();
    assert!(key.starts_with("sk-"));
    assert_eq!(key.len(), 51);
    assert!(key[3..].chars().all(|c| c.is_ascii_alphanumeric()));
    assert_eq!(token.key_hash, hash_key(&key));
    assert_eq!(token.key_prefix, &key[..8]);
    assert_eq!(token.used_amount, Decimal::ZERO);
    let found = store.find_token_by_hash(&hash_key(&key)).await.unwrap();
    assert_eq!(found.map(|t| t.id), Some(token.id));

    let dup = store
        .create_token(&new_token("acme", "ci"), 0)
        .await
        .unwrap_err();
    assert!(matches!(dup, StoreError::AlreadyExists { .. }), "{dup:?}");
    let mut short = new_token("acme", "short");
    short.key = Some("sk-1".into());
    assert_eq!(
        invalid_field(store.create_token(&short, 0).await.unwrap_err()),
        "token.key"
    );

    let mut chosen = new_token("acme", "chosen");
    chosen.key = Some("sk-acme-ci-0001".into());
    chosen.subnets = vec!["127.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()];
    chosen.models = vec!["gpt-4o-mini".into()];
    chosen.quota = Some(dec("10.5"));
    chosen.period_quota = Some(dec("1"));
    chosen.period = Some(QuotaPeriod::Daily);
    let (chosen_token, chosen_key) = store.create_token(&chosen, 0).await.unwrap();
    assert_eq!(chosen_key, "sk-acme-ci-0001");
    assert_eq!(chosen_token.subnets, chosen.subnets);
    assert_eq!(chosen_token.quota, Some(dec("10.5")));
    assert!(chosen_token.period_start.is_some());
    // The same key twice is refused without echoing it.
    let mut same_key = new_token("acme", "other");
    same_key.key = Some("sk-acme-ci-0001".into());
    let err = store.create_token(&same_key, 0).await.unwrap_err();
    assert!(matches!(err, StoreError::AlreadyExists { .. }), "{err:?}");
    assert!(!err.to_string().contains("sk-acme-ci-0001"));

    // Two tokens exist: a limit of 2 refuses the third, a limit of 3 accepts it.
    let limit = store
        .create_token(&new_token("acme", "third"), 2)
        .await
        .unwrap_err();
    assert!(
        matches!(limit, StoreError::TokenLimit { max: 2, .. }),
        "{limit:?}"
    );
    store
        .create_token(&new_token("acme", "third"), 3)
        .await
        .unwrap();

    let mut renamed = token.clone();
    renamed.name = "chosen".into();
    assert!(matches!(
        store.update_token(&renamed).await,
        Err(StoreError::AlreadyExists { .. })
    ));
    renamed.name = "ci-renamed".into();
    renamed.status = Status::Disabled;
    let updated = store.update_token(&renamed).await.unwrap();
    assert_eq!(updated.name, "ci-renamed");
    assert_eq!(updated.status, Status::Disabled);
    assert_eq!(updated.key_hash, token.key_hash);

    let filter = TokenFilter {
        group_id: Some("acme".into()),
        status: Some(Status::Enabled),
        keyword: Some("cho".into()),
        ..TokenFilter::default()
    };
    let listing = store.list_tokens(&filter, Page::default()).await.unwrap();
    assert_eq!(listing.items.len(), 1);
    assert_eq!(listing.items[0].name, "chosen");

    assert_eq!(store.delete_tokens(&[token.id, 999_999]).await.unwrap(), 1);
}

fn channel(name: &str) -> Channel {
    let mut channel = Channel::new(name, ChannelKind::OPENAI);
    channel.base_url = "http://127.0.0.1:9000/v1".into();
    channel.key = "sk-upstream-secret-value".into();
    channel.models = vec!["gpt-4o-mini".into()];
    channel
}

async fn channels_round_trip_and_validation(store: &Store) {
    let mut first = channel("mock-openai");
    first.model_mapping = BTreeMap::from([("gpt-4".into(), "gpt-4o-mini".into())]);
    first.priority = 10;
    first.config = BTreeMap::from([("api_version".into(), "2024-06-01".into())]);
    first.timeouts.connect_ms = Some(1500);
    first.proxy_url = Some("socks5://127.0.0.1:1080".into());
    let created = store.create_channel(&first).await.unwrap();
    assert!(created.id > 0);
    assert_eq!(created.key, "sk-upstream-secret-value");
    assert_eq!(created.model_mapping, first.model_mapping);
    assert_eq!(created.timeouts.connect_ms, Some(1500));
    assert_eq!(created.proxy_url, first.proxy_url);

    let dup = store
        .create_channel(&channel("mock-openai"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            dup,
            StoreError::AlreadyExists {
                kind: "channel",
                ..
            }
        ),
        "{dup:?}"
    );
    let mut bad_url = channel("bad-url");
    bad_url.base_url = "not a url".into();
    assert_eq!(
        invalid_field(store.create_channel(&bad_url).await.unwrap_err()),
        "channel.base_url"
    );
    let mut ftp = channel("ftp");
    ftp.base_url = "ftp://example.invalid".into();
    assert_eq!(
        invalid_field(store.create_channel(&ftp).await.unwrap_err()),
        "channel.base_url"
    );
    let mut negative = channel("negative");
    negative.timeouts.first_byte_ms = Some(-1);
    assert_eq!(
        invalid_field(store.create_channel(&negative).await.unwrap_err()),
        "channel.timeouts.first_byte_ms"
    );

    let mut second = channel("anthropic-main");
    second.kind = ChannelKind::ANTHROPIC;
    second.base_url = String::new();
    store.create_channel(&second).await.unwrap();
    let by_kind = ChannelFilter {
        kind: Some(ChannelKind::ANTHROPIC),
        ..ChannelFilter::default()
    };
    let listing = store
        .list_channels(&by_kind, Page::default())
        .await
        .unwrap();
    assert_eq!(listing.total, 1);
    assert_eq!(listing.items[0].name, "anthropic-main");
    let by_url = ChannelFilter {
        keyword: Some("127.0.0.1:9000".into()),
        ..ChannelFilter::default()
    };
    assert_eq!(
        store
            .list_channels(&by_url, Page::default())
            .await
            .unwrap()
            .total,
        1
    );

    let mut changed = created.clone();
    changed.status = Status::Disabled;
    changed.name = "anthropic-main".into();
    assert!(matches!(
        store.update_channel(&changed).await,
        Err(StoreError::AlreadyExists { .. })
    ));
    changed.name = "renamed".into();
    let updated = store.update_channel(&changed).await.unwrap();
    assert_eq!(updated.status, Status::Disabled);
    assert_eq!(updated.created_at, created.created_at);
    store.delete_channel(created.id).await.unwrap();
    assert!(matches!(
        store.get_channel(created.id).await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn model_configs_prices_and_overrides(store: &Store) {
    let mut config = ModelConfig::new("gpt-4o-mini");
    config.rpm = 600;
    config.tpm = 100_000;
    config.price = Price {
        input: Some(dec("0.15")),
        output: Some(dec("0.6")),
        cached_input: Some(dec("0.075")),
        ..Price::default()
    };
    config.plugins = serde_json::json!({"cache": {"enable": true}});
    let created = store.create_model_config(&config).await.unwrap();
    assert_eq!(created.price, config.price);
    assert_eq!(created.price.unit, 1_000_000);
    assert_eq!(created.plugins, config.plugins);

    let mut negative = ModelConfig::new("neg");
    negative.price.output = Some(dec("-1"));
    assert_eq!(
        invalid_field(store.create_model_config(&negative).await.unwrap_err()),
        "model_config.price.output"
    );
    let mut zero_unit = ModelConfig::new("unit");
    zero_unit.price.unit = 0;
    assert_eq!(
        invalid_field(store.create_model_config(&zero_unit).await.unwrap_err()),
        "model_config.price.unit"
    );

    store.create_group(&Group::new("acme")).await.unwrap();
    let mut item = GroupModelOverride {
        group_id: "acme".into(),
        model: "gpt-4o-mini".into(),
        rpm: Some(10),
        price: Some(Price {
            input: Some(dec("0.1")),
            ..Price::default()
        }),
        save_detail: true,
        ..GroupModelOverride::default()
    };
    let stored = store.put_group_override(&item).await.unwrap();
    assert_eq!(stored.price, item.price);
    assert!(stored.save_detail);
    item.rpm = Some(20);
    item.save_detail = false;
    let replaced = store.put_group_override(&item).await.unwrap();
    assert_eq!(replaced.rpm, Some(20));
    assert!(!replaced.save_detail);
    assert_eq!(
        store
            .list_group_overrides(Some("acme"))
            .await
            .unwrap()
            .len(),
        1
    );
    let orphan = GroupModelOverride {
        group_id: "nope".into(),
        ..item.clone()
    };
    assert!(matches!(
        store.put_group_override(&orphan).await,
        Err(StoreError::NotFound { kind: "group", .. })
    ));

    // Deleting the model removes the overrides of it.
    store.delete_model_config("gpt-4o-mini").await.unwrap();
    assert!(store.list_group_overrides(None).await.unwrap().is_empty());
}

async fn mcp_servers_and_group_params(store: &Store) {
    store.create_group(&Group::new("acme")).await.unwrap();
    let mut clock = McpServer::new("clock", McpScope::Public, McpServerKind::Embedded);
    clock.template = Some("time".into());
    store.create_mcp_server(&clock).await.unwrap();

    let mut remote = McpServer::new(
        "remote-tools",
        McpScope::Group,
        McpServerKind::ProxyStreamable,
    );
    remote.url = Some("http://127.0.0.1:9200/mcp".into());
    remote.headers = BTreeMap::from([("X-Static".into(), "1".into())]);
    assert_eq!(
        invalid_field(store.create_mcp_server(&remote).await.unwrap_err()),
        "mcp_server.group"
    );
    remote.group_id = Some("acme".into());
    remote.aggregate_unprefixed = true;
    let created = store.create_mcp_server(&remote).await.unwrap();
    assert_eq!(created.headers, remote.headers);
    assert!(created.aggregate_unprefixed);
    remote.aggregate_unprefixed = false;
    let updated = store.update_mcp_server(&remote).await.unwrap();
    assert!(!updated.aggregate_unprefixed);

    let mut no_url = McpServer::new("no-url", McpScope::Public, McpServerKind::ProxySse);
    no_url.url = None;
    assert_eq!(
        invalid_field(store.create_mcp_server(&no_url).await.unwrap_err()),
        "mcp_server.url"
    );
    let openapi = McpServer::new("api", McpScope::Public, McpServerKind::Openapi);
    assert_eq!(
        invalid_field(store.create_mcp_server(&openapi).await.unwrap_err()),
        "mcp_server.openapi"
    );

    let by_group = McpFilter {
        group_id: Some("acme".into()),
        ..McpFilter::default()
    };
    let listing = store
        .list_mcp_servers(&by_group, Page::default())
        .await
        .unwrap();
    assert_eq!(listing.items.len(), 1);
    assert_eq!(listing.items[0].id, "remote-tools");

    let params = GroupMcpParams {
        server_id: "clock".into(),
        group_id: "acme".into(),
        params: BTreeMap::from([("api_key".into(), "secret-1".into())]),
        updated_at: 0,
    };
    store.set_group_mcp_params(&params).await.unwrap();
    let again = GroupMcpParams {
        params: BTreeMap::from([("api_key".into(), "secret-2".into())]),
        ..params.clone()
    };
    store.set_group_mcp_params(&again).await.unwrap();
    assert_eq!(
        store
            .get_group_mcp_params("clock", "acme")
            .await
            .unwrap()
            .params,
        again.params
    );
    store.delete_mcp_server("clock").await.unwrap();
    assert!(matches!(
        store.get_group_mcp_params("clock", "acme").await,
        Err(StoreError::NotFound { .. })
    ));
}

async fn options_and_revision(store: &Store) {
    let start = store.revision().await.unwrap();
    store
        .set_options(&BTreeMap::from([
            ("RetryTimes".into(), "2".into()),
            ("LogDetailStorageHours".into(), "24".into()),
        ]))
        .await
        .unwrap();
    assert_eq!(store.revision().await.unwrap(), start + 1);
    store
        .set_options(&BTreeMap::from([("RetryTimes".into(), "3".into())]))
        .await
        .unwrap();
    assert_eq!(store.get_option("RetryTimes").await.unwrap(), "3");
    assert_eq!(store.list_options().await.unwrap().len(), 2);
    // Reads do not move the revision.
    store.load_all().await.unwrap();
    assert_eq!(store.revision().await.unwrap(), start + 2);
    store.delete_option("RetryTimes").await.unwrap();
    assert!(matches!(
        store.get_option("RetryTimes").await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(store.revision().await.unwrap(), start + 3);
}

async fn failed_transaction_writes_nothing(store: &Store) {
    let start = store.revision().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    tx.create_group(&Group::new("half")).await.unwrap();
    let mut bad = channel("bad");
    bad.base_url = "nope".into();
    assert!(tx.create_channel(&bad).await.is_err());
    drop(tx);
    assert!(matches!(
        store.get_group("half").await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(store.revision().await.unwrap(), start);
}

async fn deleting_a_group_removes_what_it_owns(store: &Store) {
    store.create_group(&Group::new("acme")).await.unwrap();
    store.create_group(&Group::new("other")).await.unwrap();
    store
        .create_token(&new_token("acme", "a"), 0)
        .await
        .unwrap();
    store
        .create_token(&new_token("other", "b"), 0)
        .await
        .unwrap();
    let mut own = McpServer::new("own", McpScope::Group, McpServerKind::ProxyStreamable);
    own.group_id = Some("acme".into());
    own.url = Some("http://127.0.0.1:1/mcp".into());
    store.create_mcp_server(&own).await.unwrap();
    store
        .put_group_override(&GroupModelOverride {
            group_id: "acme".into(),
            model: "m".into(),
            ..GroupModelOverride::default()
        })
        .await
        .unwrap();
    store.delete_group("acme").await.unwrap();
    let dump = store.load_all().await.unwrap();
    assert_eq!(dump.tokens.len(), 1);
    assert_eq!(dump.tokens[0].group_id, "other");
    assert!(dump.mcp_servers.is_empty());
    assert!(dump.group_overrides.is_empty());
}

async fn load_all_returns_everything(store: &Store) {
    store.create_group(&Group::new("acme")).await.unwrap();
    let (_, key) = store
        .create_token(&new_token("acme", "ci"), 0)
        .await
        .unwrap();
    store.create_channel(&channel("c1")).await.unwrap();
    store
        .create_model_config(&ModelConfig::new("m1"))
        .await
        .unwrap();
    let mut clock = McpServer::new("clock", McpScope::Public, McpServerKind::Embedded);
    clock.template = Some("time".into());
    store.create_mcp_server(&clock).await.unwrap();
    store
        .set_options(&BTreeMap::from([("RetryTimes".into(), "4".into())]))
        .await
        .unwrap();
    let dump = store.load_all().await.unwrap();
    assert_eq!(dump.revision, store.revision().await.unwrap());
    assert_eq!(dump.groups.len(), 1);
    assert_eq!(dump.tokens[0].key_hash, hash_key(&key));
    assert_eq!(dump.channels[0].key, "sk-upstream-secret-value");
    assert_eq!(dump.model_configs[0].model, "m1");
    assert_eq!(dump.mcp_servers[0].id, "clock");
    assert_eq!(
        dump.options.get("RetryTimes").map(String::as_str),
        Some("4")
    );
}

async fn concurrent_writes_and_reads_all_land(store: &Store) {
    // Read-then-write transactions from many tasks at once, with snapshot reads in between:
    // none may fail with a lock error, and every write must be counted once in the revision.
    let start = store.revision().await.unwrap();
    let mut tasks = Vec::new();
    for idx in 0..16 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let id = format!("g{idx}");
            store.create_group(&Group::new(&id)).await.unwrap();
            store.create_token(&new_token(&id, "t"), 1).await.unwrap();
            store.load_all().await.unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let dump = store.load_all().await.unwrap();
    assert_eq!(dump.groups.len(), 16);
    assert_eq!(dump.tokens.len(), 16);
    assert_eq!(dump.revision, start + 32);
}

async fn concurrent_edits_of_one_row_all_land(store: &Store) {
    // Admins editing different fields of one channel at once: each edit reads, changes its
    // field and writes the row back. With the row locked from read to write none is lost;
    // without, a later write would restore fields an earlier one had changed.
    let created = store.create_channel(&channel("contended")).await.unwrap();
    type Edit = fn(&mut Channel);
    let field_edits: [Edit; 8] = [
        |channel| channel.name = "renamed".into(),
        |channel| channel.base_url = "http://127.0.0.1:9001/v1".into(),
        |channel| channel.priority = 7,
        |channel| channel.sets = vec!["premium".into()],
        |channel| channel.models.push("gpt-4o".into()),
        |channel| channel.timeouts.connect_ms = Some(1234),
        |channel| channel.proxy_url = Some("http://127.0.0.1:3128".into()),
        |channel| channel.status = Status::Disabled,
    ];
    let mut tasks = Vec::new();
    for edit in field_edits {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .update_channel_with(created.id, |channel| {
                    edit(channel);
                    Ok::<_, StoreError>(())
                })
                .await
                .unwrap();
        }));
    }
    // Entries of one map column, one per edit, race the same way.
    for idx in 0..16 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .update_channel_with(created.id, |channel| {
                    channel.config.insert(format!("k{idx}"), idx.to_string());
                    Ok::<_, StoreError>(())
                })
                .await
                .unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let stored = store.get_channel(created.id).await.unwrap();
    assert_eq!(stored.name, "renamed");
    assert_eq!(stored.base_url, "http://127.0.0.1:9001/v1");
    assert_eq!(stored.priority, 7);
    assert_eq!(stored.sets, vec!["premium".to_owned()]);
    assert_eq!(
        stored.models,
        vec!["gpt-4o-mini".to_owned(), "gpt-4o".to_owned()]
    );
    assert_eq!(stored.timeouts.connect_ms, Some(1234));
    assert_eq!(stored.proxy_url.as_deref(), Some("http://127.0.0.1:3128"));
    assert_eq!(stored.status, Status::Disabled);
    assert_eq!(stored.config.len(), 16, "{:?}", stored.config);

    // A refused edit writes nothing.
    let refused = store
        .update_channel_with(created.id, |channel| {
            channel.priority = 99;
            Err(StoreError::Invalid {
                field: "priority".into(),
                reason: "refused by the test".into(),
            })
        })
        .await;
    assert!(matches!(refused, Err(StoreError::Invalid { .. })));
    assert_eq!(store.get_channel(created.id).await.unwrap().priority, 7);
}

/// Upstream OAuth tokens: a refresh writes only over the row it read, so of two replicas
/// refreshing at once the first write stays and the second is told to adopt it; the pause
/// after a refresh that failed for now is one per row and a refresh clears it; a started
/// authorization is taken once; deleting the server forgets its groups' tokens.
async fn upstream_tokens_refresh_by_compare_and_set(store: &Store) {
    use hub::store::mcp_upstream_auth::{
        RefreshPause, UpstreamAuthRequest, UpstreamGrant, UpstreamGrantSource,
    };

    store.create_group(&Group::new("acme")).await.unwrap();
    let mut server = McpServer::new("secured", McpScope::Public, McpServerKind::ProxyStreamable);
    server.url = Some("http://127.0.0.1:9/mcp".into());
    server.upstream_oauth = Some(hub::store::UpstreamOAuthClient::default());
    store.create_mcp_server(&server).await.unwrap();
    let source = UpstreamGrantSource {
        token_endpoint: "http://127.0.0.1:9/token".into(),
        client_id: "client".into(),
        client_secret: None,
        client_auth: "none".into(),
        resource: "http://127.0.0.1:9/mcp".into(),
        revocation_endpoint: Some("http://127.0.0.1:9/revoke".into()),
    };
    let grant = |access: &'static str, refresh: Option<&'static str>| UpstreamGrant {
        access_token: access,
        refresh_token: refresh,
        expires_at: Some(1),
        scopes: "tools",
    };
    store
        .store_upstream_authorization(("secured", "acme"), &source, &grant("a1", Some("r1")))
        .await
        .unwrap();
    let read_by_both = store
        .upstream_tokens("secured", "acme")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read_by_both.access_token, "a1");
    assert!(
        read_by_both.source == source,
        "the grant's source is kept whole"
    );
    assert!(
        store
            .replace_upstream_tokens(&read_by_both, &grant("a2", None))
            .await
            .unwrap()
    );
    assert!(
        !store
            .replace_upstream_tokens(&read_by_both, &grant("a3", Some("r3")))
            .await
            .unwrap(),
        "the slower refresh must not overwrite the newer token"
    );
    let stored = store
        .upstream_tokens("secured", "acme")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.access_token, "a2");
    assert_eq!(
        stored.refresh_token.as_deref(),
        Some("r1"),
        "kept when none is granted"
    );
    store
        .record_upstream_refresh_error(&read_by_both, "stale")
        .await
        .unwrap();
    let after = store
        .upstream_tokens("secured", "acme")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        after.refresh_error, None,
        "an error of a stale read is not recorded"
    );

    // A refresh that failed for now pauses the row for every reader, over the same tokens; two
    // replicas noting the same failure count it once; a successful refresh clears the pause.
    let pause = |failures, rejected| RefreshPause {
        failures,
        until: 5_000,
        failure_class: "HTTP 503".into(),
        rejected,
    };
    assert!(
        store
            .pause_upstream_refresh(&after, &pause(1, false))
            .await
            .unwrap()
    );
    assert!(
        !store
            .pause_upstream_refresh(&after, &pause(1, false))
            .await
            .unwrap(),
        "a failure noted twice counts once"
    );
    let paused = store
        .upstream_tokens("secured", "acme")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(paused.refresh_pause, Some(pause(1, false)));
    assert_eq!(
        (paused.generation, paused.access_token.as_str()),
        (after.generation, "a2")
    );
    store.note_upstream_token_rejected(&paused).await.unwrap();
    let rejected = store
        .upstream_tokens("secured", "acme")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rejected.refresh_pause, Some(pause(1, true)));
    assert!(
        store
            .replace_upstream_tokens(&rejected, &grant("a4", None))
            .await
            .unwrap()
    );
    let refreshed = store
        .upstream_tokens("secured", "acme")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(refreshed.refresh_pause, None);

    let request = UpstreamAuthRequest {
        state_hash: "hash".into(),
        server_id: "secured".into(),
        group_id: "acme".into(),
        code_verifier: "verifier".into(),
        redirect_uri: "https://gw.example/mcp/oauth/callback".into(),
        source,
        scopes: "tools".into(),
        expires_at: i64::MAX,
    };
    store.insert_upstream_auth_request(&request).await.unwrap();
    let taken = store
        .take_upstream_auth_request("hash")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(taken.code_verifier, "verifier");
    assert!(
        taken.source == request.source,
        "the request's source is kept whole"
    );
    assert!(
        store
            .take_upstream_auth_request("hash")
            .await
            .unwrap()
            .is_none()
    );
    let expired = UpstreamAuthRequest {
        state_hash: "old".into(),
        expires_at: 1,
        ..request
    };
    store.insert_upstream_auth_request(&expired).await.unwrap();
    assert!(
        store
            .take_upstream_auth_request("old")
            .await
            .unwrap()
            .is_none()
    );

    store.delete_mcp_server("secured").await.unwrap();
    assert!(
        store
            .upstream_tokens("secured", "acme")
            .await
            .unwrap()
            .is_none()
    );
}
