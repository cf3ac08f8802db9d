//! `GET /api/openapi.json`: the OpenAPI 3.1 document of the admin API, built from the route table (`spec.rs`) with the handlers' own types' JSON Schemas.

use std::sync::OnceLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use super::spec::{Answer, Operation};

/// The document, built once: the route table does not change while the process runs.
pub async fn serve() -> Response {
    static DOCUMENT: OnceLock<Vec<u8>> = OnceLock::new();
    let bytes = DOCUMENT
        .get_or_init(|| serde_json::to_vec(&document(&super::operations())).unwrap_or_default());
    let mut response = bytes.clone().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The OpenAPI 3.1 document describing `operations`.
pub fn document(operations: &[Operation]) -> Value {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    let mut generator = settings.into_generator();
    let mut paths: Map<String, Value> = Map::new();
    let mut tags: Vec<&str> = Vec::new();
    for operation in operations {
        if !tags.contains(&operation.tag) {
            tags.push(operation.tag);
        }
        let item = paths
            .entry(operation.openapi_path())
            .or_insert_with(|| json!({}));
        if let Some(item) = item.as_object_mut() {
            item.insert(
                operation.verb.as_str().to_ascii_lowercase(),
                describe(operation, &mut generator),
            );
        }
    }
    let schemas = generator.take_definitions(true);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "aiproxy admin API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The seed-compatible REST admin API. Every answer is the envelope \
                `{success, message, data}`; a refusal has `success: false` and a `message`. \
                Authenticate with `Authorization: Bearer <admin key>`.",
        },
        "servers": [{"url": "/"}],
        "security": [{"adminKey": []}],
        "tags": tags.iter().map(|tag| json!({"name": tag})).collect::<Vec<_>>(),
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "adminKey": {"type": "http", "scheme": "bearer"},
            },
        },
    })
}

fn describe(operation: &Operation, generator: &mut schemars::SchemaGenerator) -> Value {
    let mut parameters: Vec<Value> = operation
        .path_parameters()
        .into_iter()
        .map(|name| {
            json!({
                "name": name,
                "in": "path",
                "required": true,
                "schema": {"type": "string"},
            })
        })
        .collect();
    if let Some(query) = operation.query {
        parameters.extend(query_parameters(query(generator).to_value()));
    }
    let data = operation.data.map(|data| data(generator).to_value());
    let success = match operation.answer {
        Answer::Envelope => json!({
            "description": "success",
            "content": {"application/json": {"schema": envelope(data)}},
        }),
        Answer::Csv => json!({
            "description": "a CSV file, streamed",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }),
        Answer::McpStream => json!({
            "description": "an MCP legacy SSE stream: an `endpoint` event naming where to POST \
                            messages, then the server's messages",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        }),
        Answer::Mcp => json!({
            "description": "MCP's JSON-RPC: the MCP transport answers (and refuses) from here on",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }),
    };
    let mut described = json!({
        "operationId": operation_id(operation),
        "summary": operation.summary,
        "tags": [operation.tag],
        "parameters": parameters,
        "responses": {
            "200": success,
            "default": {
                "description": "a refusal: bad input, unknown object, missing or insufficient key",
                "content": {"application/json": {"schema": envelope(None)}},
            },
        },
    });
    // Which MCP transport answers, so a client (or the walk in `hub/tests/rest_openapi.rs`)
    // knows not to read an SSE stream to its end nor expect the envelope.
    let transport = match operation.answer {
        Answer::McpStream => Some("sse"),
        Answer::Mcp => Some("json-rpc"),
        Answer::Envelope | Answer::Csv => None,
    };
    if let (Some(transport), Some(object)) = (transport, described.as_object_mut()) {
        object.insert("x-mcp-transport".to_owned(), json!(transport));
    }
    if let (Some(body), Some(object)) = (operation.body, described.as_object_mut()) {
        object.insert(
            "requestBody".to_owned(),
            json!({
                "required": true,
                "content": {"application/json": {"schema": body(generator).to_value()}},
            }),
        );
    }
    described
}

/// `{success, message, data}`; `data` only when the answer carries some.
fn envelope(data: Option<Value>) -> Value {
    let mut properties = json!({
        "success": {"type": "boolean"},
        "message": {"type": "string"},
    });
    if let (Some(data), Some(object)) = (data, properties.as_object_mut()) {
        object.insert("data".to_owned(), data);
    }
    json!({"type": "object", "required": ["success"], "properties": properties})
}

/// A query struct's properties as query parameters.
fn query_parameters(schema: Value) -> Vec<Value> {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(properties) = schema["properties"].as_object() else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, property)| {
            let mut parameter = json!({
                "name": name,
                "in": "query",
                "required": required.contains(&name.as_str()),
                "schema": property,
            });
            if let (Some(description), Some(object)) =
                (property.get("description"), parameter.as_object_mut())
            {
                object.insert("description".to_owned(), description.clone());
            }
            parameter
        })
        .collect()
}

/// `get_api_channel_id_test_model`: unique because method and path are.
fn operation_id(operation: &Operation) -> String {
    let mut id = operation.verb.as_str().to_ascii_lowercase();
    for segment in operation
        .path
        .split('/')
        .filter(|segment| !segment.is_empty())
    {
        let word: String = segment
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let word = word.trim_matches('_');
        if !word.is_empty() {
            id.push('_');
            id.push_str(word);
        }
    }
    if operation.path.ends_with('/') && operation.path.len() > 1 {
        id.push_str("_slash");
    }
    id
}
