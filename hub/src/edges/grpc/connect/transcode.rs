//! proto3 JSON to protobuf and back, by the control plane's own descriptor set: what lets a Connect JSON call reach the very service a gRPC call does.

use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage, MessageDescriptor, MethodDescriptor};
use tonic::Code;

use super::error::ConnectError;

/// The admin RPCs by path, from the descriptor set the binary embeds (`pb::FILE_DESCRIPTOR_SET`).
#[derive(Debug, Clone)]
pub struct Methods {
    pool: DescriptorPool,
}

impl Methods {
    /// Every service of an encoded `FileDescriptorSet` (its imports included).
    pub fn from_descriptor_set(encoded: &[u8]) -> Result<Methods, prost_reflect::DescriptorError> {
        Ok(Methods {
            pool: DescriptorPool::decode(encoded)?,
        })
    }

    /// The method a gRPC path names (`/aiproxy.admin.v1.GroupService/ListGroups`).
    pub fn find(&self, path: &str) -> Option<MethodDescriptor> {
        let (service, method) = path.strip_prefix('/')?.split_once('/')?;
        self.pool
            .get_service_by_name(service)?
            .methods()
            .find(|candidate| candidate.name() == method)
    }
}

/// Whether the proto marks `method` `option idempotency_level = NO_SIDE_EFFECTS;`: what Connect
/// clients read to call a unary method by GET.
pub fn has_no_side_effects(method: &MethodDescriptor) -> bool {
    let no_side_effects = prost_types::method_options::IdempotencyLevel::NoSideEffects as i32;
    method
        .options()
        .get_field_by_name("idempotency_level")
        .and_then(|level| level.as_enum_number())
        == Some(no_side_effects)
}

/// A request message in proto3 JSON, as protobuf. Unknown fields, wrong types and trailing bytes
/// are the client's mistake (INVALID_ARGUMENT); an empty body is the empty message, as `curl -d ''`
/// sends.
pub fn json_to_protobuf(message: MessageDescriptor, json: &[u8]) -> Result<Vec<u8>, ConnectError> {
    if json.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    let invalid = |error: serde_json::Error| {
        ConnectError::new(
            Code::InvalidArgument,
            format!("invalid JSON for {}: {error}", message.full_name()),
        )
    };
    // serde_json bounds nesting (128 levels), so a deeply nested body cannot exhaust the stack.
    let mut deserializer = serde_json::Deserializer::from_slice(json);
    let decoded =
        DynamicMessage::deserialize(message.clone(), &mut deserializer).map_err(invalid)?;
    deserializer.end().map_err(invalid)?;
    Ok(decoded.encode_to_vec())
}

/// A response message the service encoded, in proto3 JSON (lowerCamelCase names, 64-bit integers
/// as strings, default values left out). A message that does not decode is the server's failure.
pub fn protobuf_to_json(
    message: MessageDescriptor,
    protobuf: &[u8],
) -> Result<Vec<u8>, ConnectError> {
    let decoded = DynamicMessage::decode(message.clone(), protobuf).map_err(|error| {
        tracing::error!(%error, message = message.full_name(), "cannot decode a control-plane answer");
        ConnectError::new(Code::Internal, "cannot transcode the answer")
    })?;
    serde_json::to_vec(&decoded).map_err(|error| {
        tracing::error!(%error, message = message.full_name(), "cannot write a control-plane answer as JSON");
        ConnectError::new(Code::Internal, "cannot transcode the answer")
    })
}

#[cfg(test)]
mod tests {
    use proptest::strategy::Strategy;
    use serde_json::{Value, json};

    use super::*;
    use crate::edges::grpc::pb;

    fn methods() -> Methods {
        Methods::from_descriptor_set(pb::FILE_DESCRIPTOR_SET).unwrap()
    }

    fn list_groups() -> MethodDescriptor {
        methods()
            .find("/aiproxy.admin.v1.GroupService/ListGroups")
            .unwrap()
    }

    /// The JSON after a round trip through protobuf, or the error's code and message.
    fn check(json: &str, expected: Result<Value, (&str, &str)>) {
        let method = list_groups();
        let outcome = json_to_protobuf(method.input(), json.as_bytes())
            .and_then(|protobuf| protobuf_to_json(method.input(), &protobuf))
            .map(|json| serde_json::from_slice::<Value>(&json).unwrap())
            .map_err(|error| (super::super::error::code_name(error.code), error.message));
        match (outcome, expected) {
            (Ok(actual), Ok(expected)) => assert_eq!(actual, expected, "{json}"),
            (Err((code, message)), Err((expected_code, expected_fragment))) => {
                assert_eq!(code, expected_code, "{json}: {message}");
                assert!(message.contains(expected_fragment), "{json}: {message}");
            }
            (actual, expected) => panic!("{json}: {actual:?}, expected {expected:?}"),
        }
    }

    #[test]
    fn request_json_round_trips_and_bad_json_is_invalid_argument() {
        check(
            r#"{"pageSize": 2, "keyword": "ac", "status": "STATUS_ENABLED"}"#,
            Ok(json!({"pageSize": 2, "keyword": "ac", "status": "STATUS_ENABLED"})),
        );
        // proto field names are accepted too, as the JSON mapping requires.
        check(r#"{"page_size": 3}"#, Ok(json!({"pageSize": 3})));
        check("", Ok(json!({})));
        check("  \n", Ok(json!({})));
        check(r#"{"pageSize": 0}"#, Ok(json!({})));
        check(r#"{"nope": 1}"#, Err(("invalid_argument", "nope")));
        check(
            r#"{"pageSize": "many"}"#,
            Err(("invalid_argument", "ListGroupsRequest")),
        );
        check(r#"{"pageSize": 1"#, Err(("invalid_argument", "EOF")));
        check(
            r#"{"pageSize": 1} {}"#,
            Err(("invalid_argument", "trailing")),
        );
        check("[1]", Err(("invalid_argument", "ListGroupsRequest")));
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        check(
            &format!(r#"{{"keyword": {deep}}}"#),
            Err(("invalid_argument", "")),
        );
    }

    /// Every admin method's request message: what a client may aim any body at.
    fn every_input() -> &'static [MessageDescriptor] {
        static INPUTS: std::sync::LazyLock<Vec<MessageDescriptor>> =
            std::sync::LazyLock::new(|| {
                methods()
                    .pool
                    .services()
                    .flat_map(|service| {
                        service
                            .methods()
                            .map(|method| method.input())
                            .collect::<Vec<_>>()
                    })
                    .collect()
            });
        &INPUTS
    }

    /// Any body for any request message: transcoded, or refused as the client's mistake.
    fn check_never_panics(body: &[u8]) -> Result<(), proptest::test_runner::TestCaseError> {
        for input in every_input() {
            if let Err(error) = json_to_protobuf(input.clone(), body) {
                proptest::prop_assert_eq!(error.code, Code::InvalidArgument, "{}", error.message);
            }
        }
        Ok(())
    }

    const SAMPLE: &str = r#"{"group": {"id": "a", "rpmRatio": 2, "maxConcurrency": "4", "status": "STATUS_ENABLED", "availableSets": ["x"]}, "updateMask": "rpmRatio,tpmRatio", "token": {"quota": "1.5", "expiresAtMs": 9}, "key": null, "filter": {"groupId": "g"}}"#;

    proptest::proptest! {
        #[test]
        fn arbitrary_bodies_never_panic(
            body in proptest::prop_oneof![
                proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
                "[{}\\[\\]:,\"a-zA-Z0-9.eE+\\-_ \\\\]{0,200}".prop_map(String::into_bytes),
            ],
        ) {
            check_never_panics(&body)?;
        }

        #[test]
        fn mutated_request_json_never_panics(
            edits in proptest::collection::vec(
                (
                    proptest::prelude::any::<proptest::sample::Index>(),
                    proptest::sample::select(b"{}[]:,\"0-9.eE+ aZ\\nul".to_vec()),
                ),
                1..6,
            ),
        ) {
            let mut body = SAMPLE.as_bytes().to_vec();
            for (index, byte) in edits {
                let at = index.index(body.len());
                body[at] = byte;
            }
            check_never_panics(&body)?;
        }
    }

    #[test]
    fn every_rpc_of_the_access_table_is_reachable() {
        let methods = methods();
        for (rpc, _) in crate::access::policy::RULES {
            assert!(
                methods.find(&format!("/aiproxy.admin.v1.{rpc}")).is_some(),
                "{rpc}"
            );
        }
    }

    #[test]
    fn methods_are_found_by_path_only() {
        let methods = methods();
        let watch = methods
            .find("/aiproxy.admin.v1.ConfigService/Watch")
            .unwrap();
        assert!(watch.is_server_streaming() && !watch.is_client_streaming());
        assert!(!list_groups().is_server_streaming());
        for path in [
            "/aiproxy.admin.v1.GroupService/Nope",
            "/aiproxy.admin.v1.Nope/ListGroups",
            "aiproxy.admin.v1.GroupService/ListGroups",
            "/aiproxy.admin.v1.GroupService",
            "/",
        ] {
            assert!(methods.find(path).is_none(), "{path}");
        }
    }

    #[test]
    fn answers_use_the_json_mapping() {
        let method = list_groups();
        let answer = pb::ListGroupsResponse {
            groups: vec![pb::Group {
                id: "acme".into(),
                created_at_ms: 1_700_000_000_000,
                max_concurrency: Some(0),
                ..pb::Group::default()
            }],
            next_page_token: String::new(),
            total_size: 1,
        };
        let json = protobuf_to_json(method.output(), &answer.encode_to_vec()).unwrap();
        assert_eq!(
            serde_json::from_slice::<Value>(&json).unwrap(),
            json!({
                "groups": [{"id": "acme", "createdAtMs": "1700000000000", "maxConcurrency": "0"}],
                "totalSize": "1",
            })
        );
        let garbage = protobuf_to_json(method.output(), &[0xff, 0xff]).unwrap_err();
        assert_eq!(garbage.code, Code::Internal);
    }
}
