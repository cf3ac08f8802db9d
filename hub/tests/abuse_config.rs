//! Hostile config documents: alias bombs given to the running server through the `Apply` RPC
//! and to the config reader, refused with a clear error before they can expand; property
//! tests of the config reader on arbitrary and mutated documents (an answer or an error,
//! never a panic). Property tests run proptest's default number of cases (256); set
//! `PROPTEST_CASES` for a longer run.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests: a failure here is a failed test"
)]

use crate::support;

use hub::edges::grpc::pb;
use hub::edges::grpc::pb::config_service_client::ConfigServiceClient;
use proptest::prelude::*;
use support::{TestHub, admin, control_channel};

const EXAMPLE: &str = include_str!("../examples/aiproxy.yaml");

/// One anchored list of `n` items and `n` aliases to it: n² nodes from a few kilobytes.
fn alias_bomb(n: usize) -> String {
    format!(
        "options:\n  x: &items [{}]\n  y: [{}]\n",
        vec!["x"; n].join(","),
        vec!["*items"; n].join(",")
    )
}

#[test]
fn config_reader_refuses_an_alias_bomb() {
    let bomb = alias_bomb(1_500);
    assert!(bomb.len() < 16 * 1024);
    let error = hub::edges::declarative::parse(&bomb)
        .unwrap_err()
        .to_string();
    assert!(error.contains("expands to more than"), "{error}");
    let error =
        hub::edges::declarative::inline_spec_files(&format!("{bomb}# spec_file\n"), "/".as_ref())
            .unwrap_err()
            .to_string();
    assert!(error.contains("expands to more than"), "{error}");
    // Aliases within the budget still work.
    assert_eq!(
        hub::edges::declarative::parse("options:\n  a: &v hello\n  b: *v\n").unwrap(),
        hub::edges::declarative::parse("options:\n  a: hello\n  b: hello\n").unwrap()
    );
}

#[tokio::test]
async fn apply_rpc_refuses_an_alias_bomb() {
    let hub = TestHub::start().await;
    let mut config = ConfigServiceClient::new(control_channel(&hub).await);
    let status = config
        .apply(admin(pb::ApplyRequest {
            document: alias_bomb(1_500),
        }))
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
    assert!(
        status.message().contains("expands to more than"),
        "{status:?}"
    );
    // The server is still there and takes a reasonable document.
    config
        .apply(admin(pb::ApplyRequest {
            document: "groups: [{id: after-bomb}]\n".to_owned(),
        }))
        .await
        .unwrap();
    hub.stop().await.unwrap();
}

/// At startup, a config file holding an alias bomb stops the server with the reason, instead
/// of expanding it.
#[tokio::test]
async fn startup_refuses_an_alias_bomb_config_file() {
    let (mut settings, data_dir) = TestHub::settings();
    let config_path = data_dir.path().join("aiproxy.yaml");
    std::fs::write(&config_path, alias_bomb(1_500)).unwrap();
    settings.config_file_path = Some(config_path);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let error = hub::run(settings, listener, std::future::pending::<()>())
        .await
        .unwrap_err();
    assert!(
        format!("{error:#}").contains("expands to more than"),
        "{error:#}"
    );
}

proptest! {
    #[test]
    fn arbitrary_config_text_never_panics(
        text in prop_oneof![
            any::<String>(),
            "[{}\\[\\]:,\"'&*!|>#\\- \\n a-z0-9<]{0,200}",
        ],
    ) {
        let _ = hub::edges::declarative::parse(&text);
        let _ = hub::edges::declarative::inline_spec_files(&format!("{text}\n# spec_file"), "/".as_ref());
    }

    #[test]
    fn mutated_example_config_never_panics(
        edits in prop::collection::vec(
            (any::<prop::sample::Index>(), 0u8..3, prop::sample::select(b"{}[]:,\"'&*!|>- \n\tax0<%.".to_vec())),
            1..8,
        ),
    ) {
        let mut bytes = EXAMPLE.as_bytes().to_vec();
        for (at, kind, byte) in edits {
            let position = at.index(bytes.len() + 1);
            match kind {
                0 if position < bytes.len() => bytes[position] = byte,
                1 => bytes.insert(position, byte),
                _ if position < bytes.len() => {
                    bytes.remove(position);
                }
                _ => {}
            }
        }
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = hub::edges::declarative::parse(text);
        }
    }
}
