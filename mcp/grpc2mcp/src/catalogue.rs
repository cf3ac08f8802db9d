//! A gRPC upstream's tools: one per unary or server-streaming method, named `Service_Method`, described by its comment.
//!
//! Each tool's input and output schemas are its messages' (see `schema.rs`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use prost_reflect::{MessageDescriptor, MethodDescriptor};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::call::{MAX_STREAM_BYTES, MAX_STREAM_MESSAGES};
use crate::comments::comment_of;
use crate::reflection::Descriptors;
use crate::schema::message_schema;
use crate::service::ToolDefinition;

/// The longest tool name clients accept.
const MAX_TOOL_NAME: usize = 64;

/// What a tool call needs to reach its method.
#[derive(Clone)]
pub(crate) struct Method {
    /// `/package.Service/Method`.
    pub path: String,
    pub input: MessageDescriptor,
    pub output: MessageDescriptor,
    pub server_streaming: bool,
}

/// Tools in listing order and the methods behind them by tool name.
pub(crate) struct Catalogue {
    pub tools: Vec<ToolDefinition>,
    pub methods: HashMap<String, Method>,
    /// Client-streaming and bidirectional methods, which no tool can stand for.
    pub skipped: Vec<String>,
}

impl Catalogue {
    pub fn new(descriptors: &Descriptors) -> Catalogue {
        let mut callable: Vec<MethodDescriptor> = Vec::new();
        let mut skipped = Vec::new();
        for service_name in &descriptors.services {
            let Some(service) = descriptors.pool.get_service_by_name(service_name) else {
                continue;
            };
            for method in service.methods() {
                if method.is_client_streaming() {
                    skipped.push(method.full_name().to_owned());
                } else {
                    callable.push(method);
                }
            }
        }
        let names = tool_names(&callable);
        let mut tools = Vec::new();
        let mut methods = HashMap::new();
        for (method, name) in callable.iter().zip(names) {
            let Some(tool) = to_tool(method, &name) else {
                continue;
            };
            tools.push(tool);
            methods.insert(
                name,
                Method {
                    path: format!("/{}/{}", method.parent_service().full_name(), method.name()),
                    input: method.input(),
                    output: method.output(),
                    server_streaming: method.is_server_streaming(),
                },
            );
        }
        Catalogue {
            tools,
            methods,
            skipped,
        }
    }
}

/// `Service_Method`; `package_Service_Method` when two packages share a service name; cut to
/// 55 characters plus `_` and 8 hex digits of the full method name when longer than 64. Each
/// name depends only on its method and the services beside it, so it stays across reloads.
fn tool_names(methods: &[MethodDescriptor]) -> Vec<String> {
    let mut packages_by_service: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for method in methods {
        let service = method.parent_service();
        packages_by_service
            .entry(service.name().to_owned())
            .or_default()
            .insert(service.package_name().to_owned());
    }
    methods
        .iter()
        .map(|method| {
            let service = method.parent_service();
            let shared = packages_by_service
                .get(service.name())
                .is_some_and(|packages| packages.len() > 1);
            let base = if shared {
                service.full_name().replace('.', "_")
            } else {
                service.name().to_owned()
            };
            let name = format!("{base}_{}", method.name());
            if name.len() <= MAX_TOOL_NAME {
                return name;
            }
            let digest = Sha256::digest(method.full_name().as_bytes());
            let hash: String = digest[..4]
                .iter()
                .map(|byte| format!("{byte:02x}"))
                .collect();
            format!("{}_{hash}", &name[..MAX_TOOL_NAME - 9])
        })
        .collect()
}

fn to_tool(method: &MethodDescriptor, name: &str) -> Option<ToolDefinition> {
    let full_name = format!("/{}/{}", method.parent_service().full_name(), method.name());
    let mut description =
        comment_of(&method.parent_file(), method.path()).unwrap_or_else(|| full_name.clone());
    let output_schema = if method.is_server_streaming() {
        description.push_str(&format!(
            "\n\nServer streaming: each message is sent as a progress notification when the \
             call asks for progress; the result holds the messages in `messages` (at most \
             {MAX_STREAM_MESSAGES} messages or {} KiB; `truncated` says when cut).",
            MAX_STREAM_BYTES / 1024
        ));
        let mut item = message_schema(&method.output());
        let definitions = item
            .as_object_mut()
            .and_then(|object| object.remove("$defs"));
        let mut schema = json!({
            "type": "object",
            "properties": {
                "messages": {"type": "array", "items": item},
                "truncated": {"type": "boolean"},
            },
            "required": ["messages", "truncated"],
        });
        if let Some(definitions) = definitions {
            schema["$defs"] = definitions;
        }
        object_schema(schema)
    } else {
        object_schema(message_schema(&method.output()))
    };
    // Tool arguments are an object; a request that maps to another JSON type (a bare
    // Timestamp, Value) cannot be one.
    let Some(input_schema) = object_schema(message_schema(&method.input())) else {
        tracing::warn!(method = %full_name, "grpc method skipped: its request is not a json object");
        return None;
    };
    Some(ToolDefinition {
        name: name.to_owned(),
        description,
        input_schema,
        output_schema,
    })
}

/// A schema of JSON type `object`; MCP's input and output schemas can be nothing else.
fn object_schema(schema: Value) -> Option<Map<String, Value>> {
    match schema {
        Value::Object(object) if object.get("type") == Some(&json!("object")) => Some(object),
        _ => None,
    }
}
