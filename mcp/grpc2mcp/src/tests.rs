//! The fixture descriptor (`testdata/schema_test.proto`) through the catalogue and a service: tool names, descriptions, JSON Schemas, checks, calls.
//!
//! The catalogue is compared with `testdata/schema_test.tools.json` (`UPDATE_EXPECT=1` rewrites
//! it) and checked point by point; calls are made from the fixture as an uploaded descriptor
//! set, so none needs reflection; the streaming ones go to a local `WatchShelf` over h2c, to
//! check the stream's caps and that a cut stream is cancelled upstream.

use base64::Engine as _;
use prost::Message as _;
use serde_json::{Value, json};

use std::collections::BTreeMap;
use std::time::Duration;

use async_trait::async_trait;

use crate::catalogue::Catalogue;
use crate::reflection::{Descriptors, from_descriptor_set};
use crate::{CallError, CheckError, MessageSink, Service, Source, check};

const TESTDATA: &str = "testdata";

fn fixture_set() -> String {
    let set = protox::compile(["schema_test.proto"], [TESTDATA]).unwrap();
    base64::engine::general_purpose::STANDARD.encode(set.encode_to_vec())
}

fn fixture() -> Descriptors {
    from_descriptor_set(&fixture_set()).unwrap()
}

/// The fixture served as if from `url`, described by the uploaded set.
fn source(url: &str) -> Source {
    Source {
        url: url.to_owned(),
        metadata: BTreeMap::new(),
        descriptor_set: Some(fixture_set()),
        allow_private_network: false,
    }
}

/// A sink for calls that never stream.
struct NoMessages;

#[async_trait]
impl MessageSink for NoMessages {
    async fn message(&self, count: usize, json: String) {
        panic!("message {count} from a call that made none: {json}");
    }
}

fn arguments(value: Value) -> serde_json::Map<String, Value> {
    let Value::Object(arguments) = value else {
        panic!("not an object: {value}")
    };
    arguments
}

fn tools() -> Vec<Value> {
    let catalogue = Catalogue::new(&fixture());
    catalogue
        .tools
        .iter()
        .map(|tool| serde_json::to_value(tool).unwrap())
        .collect()
}

fn tool<'a>(tools: &'a [Value], name: &str) -> &'a Value {
    tools
        .iter()
        .find(|tool| tool["name"] == name)
        .unwrap_or_else(|| panic!("no tool {name}"))
}

#[test]
fn catalogue_matches_the_expected_tools() {
    let actual = serde_json::to_string_pretty(&tools()).unwrap() + "\n";
    let path = format!("{TESTDATA}/schema_test.tools.json");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        actual, expected,
        "rerun with UPDATE_EXPECT=1 and review the diff"
    );
}

#[test]
fn streaming_clients_are_skipped_and_names_fit() {
    let catalogue = Catalogue::new(&fixture());
    let mut names: Vec<&str> = catalogue
        .tools
        .iter()
        .map(|tool| tool.name.as_str())
        .collect();
    names.sort();
    assert_eq!(names.len(), 4, "{names:?}");
    assert_eq!(names[..2], ["Catalogue_GetItem", "Catalogue_Ping"]);
    assert_eq!(names[3], "Catalogue_WatchShelf");
    // Cut to 55 characters, then `_` and 8 hex digits of the method's full name.
    let long = names[2];
    assert_eq!(long.len(), 64);
    assert!(
        long.starts_with("Catalogue_ThisMethodNameIsFarTooLongToFitIntoTheSixtyFo_"),
        "{long}"
    );
    assert!(long[56..].chars().all(|c| c.is_ascii_hexdigit()), "{long}");
    assert_eq!(
        catalogue.skipped,
        ["fixture.v1.Catalogue.Upload", "fixture.v1.Catalogue.Chat"]
    );
    assert!(catalogue.methods["Catalogue_WatchShelf"].server_streaming);
    assert_eq!(
        catalogue.methods["Catalogue_GetItem"].path,
        "/fixture.v1.Catalogue/GetItem"
    );
}

#[test]
fn descriptions_come_from_comments() {
    let tools = tools();
    assert_eq!(
        tool(&tools, "Catalogue_GetItem")["description"],
        "Finds one item by its id."
    );
    assert_eq!(
        tool(&tools, "Catalogue_Ping")["description"],
        "/fixture.v1.Catalogue/Ping"
    );
    let watch = tool(&tools, "Catalogue_WatchShelf")["description"]
        .as_str()
        .unwrap();
    assert!(watch.starts_with("Streams every item of a shelf.\n\nServer streaming"));
}

#[test]
fn message_fields_map_to_their_proto3_json_forms() {
    let tools = tools();
    let get_item = tool(&tools, "Catalogue_GetItem");
    let input = &get_item["inputSchema"];
    assert_eq!(input["type"], "object");
    assert_eq!(input["properties"]["id"]["description"], "The item's id.");
    assert!(
        input["properties"]["byName"]["description"]
            .as_str()
            .unwrap()
            .contains("One of `lookup`: set at most one of byName, byNumber.")
    );
    assert_eq!(input["properties"]["byNumber"]["type"], "string");
    // A proto3 `optional` is a synthetic oneof: no note.
    assert_eq!(
        input["properties"]["includeHistory"],
        json!({"type": "boolean"})
    );

    let output = &get_item["outputSchema"];
    let item = &output["properties"];
    assert_eq!(item["price"], json!({"type": "number"}));
    assert_eq!(item["count"]["type"], "integer");
    assert_eq!(item["serial"]["pattern"], "^[0-9]+$");
    assert_eq!(item["thumbnail"]["contentEncoding"], "base64");
    assert_eq!(
        item["kind"]["enum"],
        json!(["KIND_UNSPECIFIED", "KIND_BOOK", "KIND_RECORD"])
    );
    assert_eq!(
        item["tags"],
        json!({"type": "array", "items": {"type": "string"}})
    );
    assert_eq!(item["stock"]["additionalProperties"]["type"], "integer");
    // Recursion is a reference to the message's one definition.
    assert_eq!(item["parts"]["items"]["$ref"], "#/$defs/fixture.v1.Item");
    assert_eq!(
        item["related"]["additionalProperties"]["$ref"],
        "#/$defs/fixture.v1.Item"
    );
    assert_eq!(
        output["$defs"]["fixture.v1.Item.Dimensions"]["properties"]["width"]["type"],
        "number"
    );
    assert_eq!(item["createdAt"]["format"], "date-time");
    assert_eq!(item["shelfLife"]["type"], "string");
    assert_eq!(item["attributes"], json!({"type": "object"}));
    assert!(item["extra"].get("type").is_none());
    assert_eq!(item["stockTotal"]["type"], json!(["string", "null"]));
    assert_eq!(item["note"]["type"], json!(["string", "null"]));
    assert_eq!(item["nothing"], json!({"type": "null"}));

    let ping = tool(&tools, "Catalogue_Ping");
    assert_eq!(
        ping["inputSchema"],
        json!({"type": "object", "properties": {}})
    );

    let watch = tool(&tools, "Catalogue_WatchShelf");
    assert_eq!(watch["inputSchema"]["properties"]["shelf"]["minimum"], 0);
    assert_eq!(
        watch["outputSchema"]["properties"]["messages"]["items"]["properties"]["parts"]["items"]["$ref"],
        "#/$defs/fixture.v1.Item"
    );
}

#[test]
fn a_bad_descriptor_set_is_refused_with_its_reason() {
    let error = from_descriptor_set("not base64!")
        .err()
        .unwrap()
        .to_string();
    assert!(
        error.starts_with("invalid descriptor set: not base64"),
        "{error}"
    );
    let error = from_descriptor_set("AAAA").err().unwrap().to_string();
    assert!(error.starts_with("invalid descriptor set"), "{error}");
}

#[test]
fn a_definition_is_checked_part_by_part_without_the_network() {
    assert_eq!(
        check(&source("http://upstream.example:50051")).unwrap(),
        Some(4)
    );
    let reflected = Source {
        descriptor_set: Some("  ".into()),
        ..source("https://upstream.example")
    };
    assert_eq!(check(&reflected).unwrap(), None);

    let unchecked = |source: Source| {
        check(&source)
            .err()
            .unwrap_or_else(|| panic!("accepted: {} {:?}", source.url, source.metadata))
    };
    assert!(matches!(
        unchecked(source("ftp://upstream.example")),
        CheckError::Url(_)
    ));
    assert!(matches!(unchecked(source("http://")), CheckError::Url(_)));
    for (name, value) in [
        ("trace-bin", "AAAA"),
        ("x-key", "line\nbreak"),
        ("bad name", "1"),
    ] {
        let with_metadata = Source {
            metadata: BTreeMap::from([(name.to_owned(), value.to_owned())]),
            ..source("http://upstream.example")
        };
        let error = unchecked(with_metadata);
        assert!(matches!(error, CheckError::Metadata(_)), "{name}: {error}");
    }
    let undecodable = Source {
        descriptor_set: Some("not base64!".into()),
        ..source("http://upstream.example")
    };
    assert!(matches!(
        unchecked(undecodable),
        CheckError::DescriptorSet(_)
    ));
    // A set whose only file defines no service has no tool to offer.
    let mut set = protox::compile(["schema_test.proto"], [TESTDATA]).unwrap();
    set.file.retain(|file| file.service.is_empty());
    let serviceless = Source {
        descriptor_set: Some(base64::engine::general_purpose::STANDARD.encode(set.encode_to_vec())),
        ..source("http://upstream.example")
    };
    let error = unchecked(serviceless);
    assert_eq!(error.to_string(), "the descriptor set defines no service");
}

#[tokio::test]
async fn calls_are_refused_before_they_leave_when_the_tool_or_arguments_are_wrong() {
    let service = Service::new(
        "fixture",
        &source("http://upstream.example:50051"),
        Duration::from_secs(1),
    )
    .unwrap();
    assert_eq!(service.tools().await.unwrap().len(), 4);
    let unknown = service
        .call("Catalogue_Missing", arguments(json!({})), &NoMessages)
        .await
        .unwrap_err();
    assert!(
        matches!(&unknown, CallError::UnknownTool(name) if name == "Catalogue_Missing"),
        "{unknown}"
    );
    let invalid = service
        .call(
            "Catalogue_GetItem",
            arguments(json!({"id": "a", "noSuchField": 1})),
            &NoMessages,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(invalid, CallError::InvalidArguments(_)),
        "{invalid}"
    );
    assert!(invalid.to_string().contains("noSuchField"), "{invalid}");
}

/// The guarded connector refuses a loopback upstream before any byte is sent, and lets it
/// through when private networks are allowed (then nothing listens there: unavailable).
#[tokio::test]
async fn a_loopback_upstream_is_refused_at_connect_unless_allowed() {
    let unused_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{unused_port}");
    let call = |source: Source| async move {
        let service = Service::new("fixture", &source, Duration::from_secs(5)).unwrap();
        service
            .call("Catalogue_Ping", arguments(json!({})), &NoMessages)
            .await
            .unwrap_err()
            .to_string()
    };
    let refused = call(source(&url)).await;
    assert!(
        refused.contains("refused address (loopback address)"),
        "{refused}"
    );
    let allowed = call(Source {
        allow_private_network: true,
        ..source(&url)
    })
    .await;
    assert!(
        allowed.starts_with("grpc status Unavailable (14)"),
        "{allowed}"
    );
    assert!(!allowed.contains("refused address"), "{allowed}");
}

/// The fixture's `WatchShelf` served over h2c on a loopback port: each call streams the items
/// `item(n)` makes for n = 0, 1, ... (`count` of them, or until the caller goes away), and
/// records how many it sent and whether it saw the caller go away.
mod watched_shelf {
    use std::convert::Infallible;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::time::Duration;

    use bytes::Bytes;
    use tokio_stream::wrappers::{ReceiverStream, TcpListenerStream};

    use crate::codec::BytesCodec;

    /// What the upstream saw of the calls made to it.
    #[derive(Default)]
    pub(super) struct Sent {
        pub messages: AtomicUsize,
        /// The caller went away before the stream ended.
        pub cancelled: AtomicBool,
    }

    impl Sent {
        /// Whether the upstream saw the caller go away, waiting up to 10 s for it.
        pub async fn saw_cancel(&self) -> bool {
            for _ in 0..200 {
                if self.cancelled.load(Ordering::SeqCst) {
                    return true;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            false
        }
    }

    /// An `Item` with only its `id` (field 1), as protobuf bytes.
    pub(super) fn item(id: &str) -> Bytes {
        let mut body = Vec::new();
        prost::encoding::string::encode(1, &id.to_owned(), &mut body);
        Bytes::from(body)
    }

    /// Serves the stream; its URL and what it sent.
    pub(super) async fn serve(
        count: Option<usize>,
        item_id: fn(usize) -> String,
    ) -> (String, Arc<Sent>) {
        let sent = Arc::new(Sent::default());
        let recorded = sent.clone();
        let watch = tower::service_fn(move |_request: tonic::Request<Bytes>| {
            let sent = recorded.clone();
            // One message in flight at a time: the stream is as long as the caller reads.
            let (sender, receiver) = tokio::sync::mpsc::channel(1);
            tokio::spawn(async move {
                for n in 0..count.unwrap_or(usize::MAX) {
                    if sender.send(Ok(item(&item_id(n)))).await.is_err() {
                        sent.cancelled.store(true, Ordering::SeqCst);
                        return;
                    }
                    sent.messages.fetch_add(1, Ordering::SeqCst);
                }
            });
            std::future::ready(Ok::<_, tonic::Status>(tonic::Response::new(
                ReceiverStream::new(receiver),
            )))
        });
        let service = tower::service_fn(move |request: http::Request<tonic::body::Body>| {
            let watch = watch.clone();
            async move {
                let mut grpc = tonic::server::Grpc::new(BytesCodec);
                Ok::<_, Infallible>(grpc.server_streaming(watch, request).await)
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(
            tonic::transport::Server::builder()
                .serve_with_incoming(service, TcpListenerStream::new(listener)),
        );
        (url, sent)
    }
}

/// A sink recording every message it hears.
#[derive(Default)]
struct Heard(std::sync::Mutex<Vec<(usize, String)>>);

#[async_trait]
impl MessageSink for Heard {
    async fn message(&self, count: usize, json: String) {
        self.0.lock().unwrap().push((count, json));
    }
}

/// Calls `Catalogue_WatchShelf` on the upstream at `url`; the result, what the sink heard and
/// the service, whose connection stays open while it is kept (so a stream the call left is
/// still cancelled by the call, not by the connection closing).
async fn watch_shelf(url: &str) -> (Value, Vec<(usize, String)>, Service) {
    let source = Source {
        allow_private_network: true,
        ..source(url)
    };
    let service = Service::new("fixture", &source, Duration::from_secs(20)).unwrap();
    let heard = Heard::default();
    let result = service
        .call(
            "Catalogue_WatchShelf",
            arguments(json!({"shelf": 1})),
            &heard,
        )
        .await
        .unwrap();
    (result, heard.0.into_inner().unwrap(), service)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_ending_within_the_caps_is_gathered_whole() {
    let (url, sent) = watched_shelf::serve(Some(3), |n| format!("item-{n}")).await;
    let (result, heard, _connected) = watch_shelf(&url).await;
    assert_eq!(
        result,
        json!({"messages": [{"id": "item-0"}, {"id": "item-1"}, {"id": "item-2"}], "truncated": false})
    );
    assert_eq!(
        heard,
        [
            (1, r#"{"id":"item-0"}"#.to_owned()),
            (2, r#"{"id":"item-1"}"#.to_owned()),
            (3, r#"{"id":"item-2"}"#.to_owned())
        ]
    );
    assert_eq!(sent.messages.load(std::sync::atomic::Ordering::SeqCst), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_past_the_message_cap_is_truncated_and_cancelled_upstream() {
    // Endless: only the cap ends the call.
    let (url, sent) = watched_shelf::serve(None, |n| format!("item-{n}")).await;
    let (result, heard, _connected) = watch_shelf(&url).await;
    assert_eq!(
        crate::MAX_STREAM_MESSAGES,
        1000,
        "the bound the README states"
    );
    assert_eq!(result["truncated"], true, "{result}");
    let messages = result["messages"].as_array().unwrap();
    assert_eq!(messages.len(), crate::MAX_STREAM_MESSAGES);
    assert_eq!(messages[0], json!({"id": "item-0"}));
    assert_eq!(messages[999], json!({"id": "item-999"}));
    // Every message gathered was heard as it came, none past the cap.
    assert_eq!(heard.len(), crate::MAX_STREAM_MESSAGES);
    assert_eq!(heard[999], (1000, r#"{"id":"item-999"}"#.to_owned()));
    assert!(
        sent.saw_cancel().await,
        "the upstream call was not cancelled"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_past_the_byte_cap_is_truncated_and_cancelled_upstream() {
    // Messages of about 10 KB: the 1 MiB cap comes long before the message cap.
    let id = |_: usize| "x".repeat(10_000);
    let (url, sent) = watched_shelf::serve(None, id).await;
    let (result, heard, _connected) = watch_shelf(&url).await;
    assert_eq!(
        crate::MAX_STREAM_BYTES,
        1024 * 1024,
        "the bound the README states"
    );
    let text_bytes = json!({"id": id(0)}).to_string().len();
    let fitting = crate::MAX_STREAM_BYTES / text_bytes;
    assert_eq!(fitting, 104);
    assert_eq!(result["truncated"], true);
    assert_eq!(result["messages"].as_array().unwrap().len(), fitting);
    assert_eq!(heard.len(), fitting);
    let heard_bytes: usize = heard.iter().map(|(_, json)| json.len()).sum();
    assert!(heard_bytes <= crate::MAX_STREAM_BYTES, "{heard_bytes}");
    assert!(
        sent.saw_cancel().await,
        "the upstream call was not cancelled"
    );
}
