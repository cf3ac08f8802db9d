//! Conversion behaviour beyond the golden files: filters, compact mode, naming, servers,
//! annotations and the corpus documents' particular features.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "helpers outside #[test] functions fail the test the same way"
)]

use crate::common;

use openapi2mcp::{Api, CallConfig, CallError, ConvertOptions, GuardedClient, OperationFilter};
use serde_json::{Map, Value, json};

const SPEC: &str = r#"
openapi: 3.0.0
servers:
  - url: /relative/v1
  - url: "https://{region}.example.com"
    variables: { region: { default: eu, enum: [eu, us] } }
paths:
  /pets:
    get: { operationId: listPets, tags: [pets], summary: List pets, responses: {} }
    post: { operationId: createPet, tags: [pets, admin], responses: {} }
  /pets/{id}:
    get: { operationId: getPet, tags: [pets], summary: Get one pet by id, parameters: [{ name: id, in: path, required: true, schema: { type: string } }], responses: {} }
    delete: { operationId: deletePet, tags: [admin], parameters: [{ name: id, in: path, required: true, schema: { type: string } }], responses: {} }
    head: { responses: {} }
    options: { responses: {} }
    patch: { responses: {} }
  /stores/{storeId}/orders/{orderId}:
    put: { operationId: putOrder, tags: [orders], responses: {} }
    trace: { responses: {} }
"#;

fn convert(filter: OperationFilter) -> Vec<String> {
    let options = ConvertOptions {
        filter,
        ..ConvertOptions::default()
    };
    let api = Api::from_document(SPEC.as_bytes(), &options).unwrap();
    api.tools().iter().map(|tool| tool.name.clone()).collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

#[test]
fn names_and_annotations() {
    let api = Api::from_document(SPEC.as_bytes(), &ConvertOptions::default()).unwrap();
    let table: Vec<(String, bool, bool, bool)> = api
        .tools()
        .iter()
        .map(|tool| {
            (
                tool.name.clone(),
                tool.annotations.read_only,
                tool.annotations.destructive,
                tool.annotations.idempotent,
            )
        })
        .collect();
    let expected = [
        ("listPets", true, false, true),
        ("createPet", false, false, false),
        ("getPet", true, false, true),
        ("deletePet", false, true, true),
        ("patch_pets_id", false, false, false),
        ("head_pets_id", true, false, true),
        ("options_pets_id", true, false, true),
        ("putOrder", false, false, true),
        ("trace_stores_storeId_orders_orderId", true, false, true),
    ];
    let expected: Vec<(String, bool, bool, bool)> = expected
        .iter()
        .map(|(name, read_only, destructive, idempotent)| {
            ((*name).to_owned(), *read_only, *destructive, *idempotent)
        })
        .collect();
    assert_eq!(table, expected);
    assert!(api.tools().iter().all(|tool| tool.annotations.open_world));
}

#[test]
fn filters_by_tag_operation_id_and_path() {
    let cases: Vec<(OperationFilter, Vec<String>)> = vec![
        (
            OperationFilter {
                include_tags: strings(&["admin"]),
                ..Default::default()
            },
            strings(&["createPet", "deletePet"]),
        ),
        (
            OperationFilter {
                include_tags: strings(&["pets"]),
                exclude_tags: strings(&["admin"]),
                ..Default::default()
            },
            strings(&["listPets", "getPet"]),
        ),
        (
            OperationFilter {
                include_operation_ids: strings(&["getPet", "putOrder"]),
                ..Default::default()
            },
            strings(&["getPet", "putOrder"]),
        ),
        (
            OperationFilter {
                include_paths: strings(&["/pets/*"]),
                exclude_operation_ids: strings(&["deletePet"]),
                ..Default::default()
            },
            strings(&["getPet", "patch_pets_id", "head_pets_id", "options_pets_id"]),
        ),
        (
            OperationFilter {
                include_paths: strings(&["/stores/**"]),
                ..Default::default()
            },
            strings(&["putOrder", "trace_stores_storeId_orders_orderId"]),
        ),
        (
            OperationFilter {
                include_paths: strings(&["/stores/*"]),
                ..Default::default()
            },
            strings(&[]),
        ),
        (
            OperationFilter {
                include_paths: strings(&["/pet?"]),
                ..Default::default()
            },
            strings(&["listPets", "createPet"]),
        ),
        (
            OperationFilter {
                exclude_paths: strings(&["**"]),
                ..Default::default()
            },
            strings(&[]),
        ),
        (
            OperationFilter {
                include_tags: strings(&["orders"]),
                include_paths: strings(&["/pets"]),
                ..Default::default()
            },
            strings(&["listPets", "createPet", "putOrder"]),
        ),
    ];
    for (filter, expected) in cases {
        assert_eq!(convert(filter.clone()), expected, "{filter:?}");
    }
}

#[test]
fn servers_resolve_variables_and_relative_urls() {
    let api = Api::from_document(SPEC.as_bytes(), &ConvertOptions::default()).unwrap();
    let urls: Vec<&str> = api
        .servers()
        .iter()
        .map(|server| server.url.as_str())
        .collect();
    assert_eq!(urls, ["/relative/v1", "https://eu.example.com"]);
    let document_url = url::Url::parse("https://docs.example.org/specs/openapi.yaml").unwrap();
    assert_eq!(
        api.servers()[0]
            .resolve(Some(&document_url))
            .unwrap()
            .as_str(),
        "https://docs.example.org/relative/v1"
    );
    assert_eq!(api.servers()[0].resolve(None), None);
    assert_eq!(
        api.servers()[1].resolve(None).unwrap().as_str(),
        "https://eu.example.com/"
    );
}

#[tokio::test]
async fn compact_mode_searches_describes_and_calls() {
    let options = ConvertOptions {
        compact: true,
        ..ConvertOptions::default()
    };
    let api = Api::from_document(SPEC.as_bytes(), &options).unwrap();
    let names: Vec<&str> = api.tools().iter().map(|tool| tool.name.as_str()).collect();
    assert_eq!(
        names,
        ["search_operations", "describe_operation", "call_operation"]
    );
    let client = GuardedClient::new().unwrap();
    // Never used for a request: search and describe are answered locally.
    let config = CallConfig::new(url::Url::parse("https://unused.invalid").unwrap());
    let arguments = |value: Value| match value {
        Value::Object(map) => map,
        _ => Map::new(),
    };

    let found = api
        .call(
            &client,
            "search_operations",
            &arguments(json!({"query": "pet one"})),
            &config,
        )
        .await
        .unwrap();
    let operations = found.structured.unwrap()["operations"].clone();
    assert_eq!(operations[0]["operation"], "getPet", "{operations}");
    assert_eq!(operations[0]["method"], "GET");
    let found = api
        .call(
            &client,
            "search_operations",
            &arguments(json!({"query": "", "limit": 2})),
            &config,
        )
        .await
        .unwrap();
    let structured = found.structured.unwrap();
    assert_eq!(structured["operations"].as_array().unwrap().len(), 2);
    assert_eq!(structured["total_matches"], 9);
    // The work is words × operations: a query of thousands of words is refused, not run.
    let many_words: Vec<String> = (0..10_000).map(|n| format!("w{n}")).collect();
    let refused = api
        .call(
            &client,
            "search_operations",
            &arguments(json!({"query": many_words.join(" ")})),
            &config,
        )
        .await
        .unwrap();
    assert!(refused.is_error, "{}", refused.text);
    assert!(
        refused.text.contains("more than 32 distinct words"),
        "{}",
        refused.text
    );
    let repeated = api
        .call(
            &client,
            "search_operations",
            &arguments(json!({"query": "pet ".repeat(1_000)})),
            &config,
        )
        .await
        .unwrap();
    assert!(!repeated.is_error, "{}", repeated.text);

    let described = api
        .call(
            &client,
            "describe_operation",
            &arguments(json!({"operation": "getPet"})),
            &config,
        )
        .await
        .unwrap();
    let described = described.structured.unwrap();
    assert_eq!(described["path"], "/pets/{id}");
    assert_eq!(described["input_schema"]["required"], json!(["id"]));

    let request = api
        .build_request(
            "call_operation",
            &arguments(json!({"operation": "getPet", "arguments": {"id": "7"}})),
            &config,
        )
        .unwrap();
    assert_eq!(request.url.as_str(), "https://unused.invalid/pets/7");
    let error = api
        .call(
            &client,
            "describe_operation",
            &arguments(json!({"operation": "nope"})),
            &config,
        )
        .await
        .unwrap_err();
    assert!(matches!(error, CallError::UnknownTool(_)));
}

/// A one-operation document whose `summary` and `description` are given.
fn described(summary: &str, description: &str) -> Api {
    let document = json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/reports": {"post": {
            "operationId": "uploadReport",
            "summary": summary,
            "description": description,
            "responses": {"204": {"description": "stored"}}
        }}}
    });
    Api::from_document(document.to_string().as_bytes(), &ConvertOptions::default()).unwrap()
}

/// The description of [`described`]'s one tool.
fn description_of(api: &Api) -> String {
    let tool = api.operation_tool("uploadReport").unwrap();
    tool.description.clone().unwrap_or_default()
}

#[test]
fn a_long_description_is_cut_to_the_bound_and_says_so() {
    // The bound the README states.
    let bound = openapi2mcp::ToolBudget::default().max_description_bytes;
    assert_eq!(bound, 4 * 1024);
    let note = "[Schema shortened to fit 16 KiB: this description is shortened.]";

    // Two-byte characters, so the bound falls inside one: the cut steps back to a whole one.
    // "Sums\n\n" (6 bytes) and 2,043 `é` (4,086) leave 4,092 bytes, the `…` (3) makes 4,095.
    let api = described("Sums", &"é".repeat(3000));
    let description = description_of(&api);
    let kept = format!("Sums\n\n{}…", "é".repeat(2043));
    assert_eq!(description, format!("{kept}\n\n{note}"));
    assert!(kept.len() <= bound, "{}", kept.len());
    // The schemas are small: only the description was cut.
    assert!(api.warnings().is_empty(), "{:?}", api.warnings());

    // At the bound exactly, the description is kept whole and says nothing.
    let whole = "a".repeat(bound - "Sums\n\n".len());
    let api = described("Sums", &whole);
    assert_eq!(description_of(&api), format!("Sums\n\n{whole}"));
    // One byte over, it is cut.
    let description = description_of(&described("Sums", &format!("{whole}b")));
    let (kept, said) = description.split_once("…\n\n").unwrap();
    assert_eq!(said, note);
    assert_eq!(kept, &format!("Sums\n\n{whole}")[..bound - '…'.len_utf8()]);
}

#[test]
fn corpus_features() {
    let dir = common::corpus_dir();
    // Swagger 2.0 formData with a file becomes a multipart body with a binary field.
    let api = common::convert_entry(&dir, "swagger-petstore-2.0.yaml");
    let upload = api.operation_tool("uploadFile").unwrap();
    assert_eq!(
        upload.input_schema["properties"]["file"]["format"],
        "binary"
    );
    let config = CallConfig::new(url::Url::parse("https://petstore.swagger.io/v2").unwrap());
    let arguments = json!({"petId": 1, "file": "contents", "additionalMetadata": "m"});
    let request = api
        .build_request("uploadFile", arguments.as_object().unwrap(), &config)
        .unwrap();
    assert!(
        request
            .body
            .unwrap()
            .content_type
            .starts_with("multipart/form-data; boundary=")
    );
    assert_eq!(api.servers()[0].url, "https://petstore.swagger.io/v2");

    // External refs of the separate petstore resolve through external_files.
    let api = common::convert_entry(&dir, "oai-petstore-separate-2.0/");
    assert!(
        api.warnings()
            .iter()
            .all(|warning| !warning.message.contains("$ref")),
        "{:?}",
        api.warnings()
    );
    let find = api.operation_tool("findPets").unwrap();
    assert_eq!(find.input_schema["properties"]["tags"]["type"], "array");

    // The recursive Kubernetes schema stays a reference to itself.
    // (Under a budget that lets the whole graph in: the default cuts it, see corpus.rs.)
    let (bytes, mut options) = common::load_entry(&dir, "kubernetes-apiextensions-v1-3.0.json");
    options.budget = openapi2mcp::ToolBudget {
        max_schema_bytes: 4 << 20,
        max_ref_depth: 100,
        max_description_bytes: 1 << 20,
    };
    let api = openapi2mcp::Api::from_document(&bytes, &options).unwrap();
    let tool = api
        .tools()
        .iter()
        .find(|tool| tool.name.starts_with("createApiextensions"))
        .unwrap();
    let defs = tool.input_schema["$defs"].as_object().unwrap();
    let props = defs
        .keys()
        .find(|name| name.ends_with("JSONSchemaProps"))
        .unwrap();
    assert!(
        defs[props]
            .to_string()
            .contains(&format!("\"#/$defs/{props}\""))
    );

    // GitHub: names from operationIds with `/` replaced, an operation-level server.
    let api = common::convert_entry(&dir, "github-rest-3.0.json");
    assert!(api.operation("repos_get").is_some());
    let upload = api
        .operations()
        .iter()
        .find(|operation| !operation.servers.is_empty())
        .unwrap();
    assert_eq!(upload.servers[0].url, "https://uploads.github.com");

    // 3.1 `$id` + `$anchor` reference resolves; the unquoted (null) one is a warning.
    let api = common::convert_entry(&dir, "swagger-petstore-3.1.yaml");
    let warnings: Vec<String> = api.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "/components/schemas/Pet/properties/petDetails/$ref: $ref is not a string; the schema is left unconstrained"
        ]
    );
}
