//! The declarative document applied to SQLite and to Postgres: idempotence, updates of one
//! field, token keys, generated keys, parse errors with positions, all-or-nothing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed setup or assertion should abort the test"
)]

use hub::edges::declarative::{self, ApplyError};
use hub::snapshot::changes::{ChangeAction, ChangeFeed, ChangeKind};
use hub::store::{Store, hash_key};

use crate::support::TestDatabase;

const BASE: &str = r#"
groups:
  - id: acme
    rpm_ratio: 1.0
    model_overrides:
      - model: gpt-4o-mini
        rpm: 5
tokens:
  - group: acme
    name: ci
    key: sk-acme-ci-0001
  - group: acme
    name: generated
channels:
  - name: mock-openai
    type: openai
    base_url: http://127.0.0.1:9000/v1
    key: sk-upstream
    models: [gpt-4o-mini]
    config: {api_version: 2024-06-01, responses_only: true}
models:
  - model: gpt-4o-mini
    price: {input_price: "0.15", output_price: 0.6}
options:
  RetryTimes: 2
mcp_servers:
  - id: clock
    scope: public
    type: embedded
    template: time
"#;

async fn sqlite() -> (Store, Box<dyn Send>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(dir.path().join("db.sqlite").to_str().unwrap())
        .await
        .unwrap();
    (store, Box::new(dir))
}

/// A store on a Postgres database of its own, dropped with the guard.
async fn postgres() -> (Store, Box<dyn Send>) {
    let database = TestDatabase::create().await;
    let store = Store::connect(&database.url()).await.unwrap();
    (store, Box::new(database))
}

#[tokio::test]
async fn apply_on_sqlite() {
    let (store, _guard) = sqlite().await;
    apply_suite(&store).await;
}

#[tokio::test]
async fn apply_on_postgres() {
    let (store, _guard) = postgres().await;
    apply_suite(&store).await;
}

async fn apply_suite(store: &Store) {
    let changes = ChangeFeed::new();
    let mut events = changes.subscribe();
    let document = declarative::parse(BASE).unwrap();
    let first = declarative::apply(store, &changes, &document, 0)
        .await
        .unwrap();
    assert_eq!(first.groups.created, ["acme"]);
    assert_eq!(first.group_overrides.created, ["acme/gpt-4o-mini"]);
    assert_eq!(first.tokens.created, ["acme/ci", "acme/generated"]);
    assert_eq!(first.channels.created, ["mock-openai"]);
    let generated = first.generated_keys["acme/generated"].clone();
    assert!(generated.starts_with("sk-"));
    assert!(!first.generated_keys.contains_key("acme/ci"));
    assert!(
        first
            .to_string()
            .contains("generated key for token acme/generated")
    );
    let mut announced = Vec::new();
    while let Ok(event) = events.try_recv() {
        announced.push((event.kind, event.action));
    }
    assert_eq!(announced.len(), 8, "{announced:?}");
    assert!(announced.contains(&(ChangeKind::GroupModel, ChangeAction::Created)));

    let dump = store.load_all().await.unwrap();
    let channel = &dump.channels[0];
    assert_eq!(channel.config["responses_only"], "true");
    assert_eq!(channel.config["api_version"], "2024-06-01");
    assert_eq!(
        dump.model_configs[0].price.output,
        Some("0.6".parse().unwrap())
    );
    let generated_token = dump.tokens.iter().find(|t| t.name == "generated").unwrap();
    assert_eq!(generated_token.key_hash, hash_key(&generated));

    // Same document: nothing written, nothing announced, the generated key kept.
    let revision = store.revision().await.unwrap();
    let second = declarative::apply(store, &changes, &document, 0)
        .await
        .unwrap();
    assert!(second.is_unchanged(), "{second}");
    assert!(second.generated_keys.is_empty());
    assert!(events.try_recv().is_err());
    assert_eq!(store.revision().await.unwrap(), revision);
    assert_eq!(second.revision, revision);

    // One field changed: exactly that object is updated; a new token key replaces the hash.
    let edited = BASE
        .replace(
            "models: [gpt-4o-mini]\n    config",
            "models: [gpt-4o-mini, gpt-4o]\n    config",
        )
        .replace("key: sk-acme-ci-0001", "key: sk-acme-ci-0002");
    let third = declarative::apply_text(store, &changes, &edited, 0)
        .await
        .unwrap();
    assert_eq!(third.channels.updated, ["mock-openai"]);
    assert_eq!(third.tokens.updated, ["acme/ci"]);
    assert_eq!(third.tokens.unchanged, ["acme/generated"]);
    assert!(third.groups.updated.is_empty());
    let dump = store.load_all().await.unwrap();
    assert_eq!(dump.channels[0].models, ["gpt-4o-mini", "gpt-4o"]);
    let ci = dump.tokens.iter().find(|t| t.name == "ci").unwrap();
    assert_eq!(ci.key_hash, hash_key("sk-acme-ci-0002"));

    // Export, then apply the export: no change, secrets kept.
    let exported = declarative::to_yaml(&declarative::export(store).await.unwrap()).unwrap();
    assert!(!exported.contains("sk-upstream"));
    assert!(!exported.contains("sk-acme-ci"));
    let round_trip = declarative::apply_text(store, &changes, &exported, 0)
        .await
        .unwrap();
    assert!(round_trip.is_unchanged(), "{round_trip}");
    assert_eq!(
        store.load_all().await.unwrap().channels[0].key,
        "sk-upstream"
    );

    // A failing object late in the document leaves the earlier ones unwritten.
    let revision = store.revision().await.unwrap();
    let failing = "groups:\n  - id: fresh\ntokens:\n  - group: missing\n    name: t\n";
    let err = declarative::apply_text(store, &changes, failing, 0)
        .await
        .unwrap_err();
    match &err {
        ApplyError::Invalid { path, .. } => assert_eq!(path, "tokens[0]"),
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert!(store.get_group("fresh").await.is_err());
    assert_eq!(store.revision().await.unwrap(), revision);

    // The token limit applies to documents too.
    let crowded = "tokens:\n  - group: acme\n    name: third\n";
    let err = declarative::apply_text(store, &changes, crowded, 2)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("maximum of 2"), "{err}");
}

#[test]
fn parse_errors_name_the_position() {
    let cases = [
        ("groups:\n  - id: a\n    rpm_ratio: [1\n", "line 3"),
        (
            "groups:\n  - id: a\n    bogus: 1\n",
            "unknown field `bogus`",
        ),
        ("tokens:\n  - group: a\n", "missing field `name`"),
        (
            "models:\n  - model: m\n    price: {input_price: abc}\n",
            "models[0].price.input_price",
        ),
        ("[1, 2]", "invalid type"),
    ];
    for (text, needle) in cases {
        let err = declarative::parse(text).unwrap_err().to_string();
        assert!(err.contains(needle), "{text:?}: {err}");
    }
    // JSON is accepted, and an empty document is an empty configuration.
    let json = declarative::parse(r#"{"groups": [{"id": "a"}], "options": {"k": true}}"#).unwrap();
    assert_eq!(json.groups[0].id, "a");
    assert_eq!(json.options["k"].as_text(), "true");
    assert_eq!(
        declarative::parse("").unwrap(),
        declarative::Document::default()
    );
}
