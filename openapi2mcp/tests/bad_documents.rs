//! Documents that are broken, hostile or huge: each gives a clear error or a documented
//! degradation (warnings with JSON pointers), never a panic.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "helpers outside #[test] functions fail the test the same way"
)]

use std::collections::HashMap;
use std::fmt::Write;

use openapi2mcp::{Api, ConvertError, ConvertOptions};
use serde_json::{Value, json};

fn convert(text: &str) -> Result<Api, ConvertError> {
    Api::from_document(text.as_bytes(), &ConvertOptions::default())
}

fn warnings_text(api: &Api) -> String {
    api.warnings()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn unreadable_documents_are_errors_that_say_why() {
    let deep_json = "[".repeat(100_000);
    let deep_yaml = "- ".repeat(10_000) + "x";
    let cases: Vec<(&[u8], &str)> = vec![
        (b"\xff\xfe\x00garbage", "neither JSON nor YAML"),
        (b"{\"openapi\": ", "neither JSON nor YAML"),
        (b"key: [unclosed", "neither JSON nor YAML"),
        (deep_json.as_bytes(), "neither JSON nor YAML"),
        (deep_yaml.as_bytes(), "neither JSON nor YAML"),
        (b"", "not an OpenAPI document"),
        (b"just a string", "not an OpenAPI document"),
        (b"[1, 2]", "not an OpenAPI document"),
        (b"{\"info\": {}}", "not an OpenAPI document"),
        (b"openapi: 4.0.0", "unsupported OpenAPI version \"4.0.0\""),
        (b"swagger: '1.2'", "unsupported OpenAPI version \"1.2\""),
        (
            b"openapi: 3.0.0\npaths: [1]",
            "invalid document at /paths: not a mapping",
        ),
    ];
    for (bytes, expected) in cases {
        match Api::from_document(bytes, &ConvertOptions::default()) {
            Ok(_) => panic!(
                "{:?} converted",
                String::from_utf8_lossy(&bytes[..bytes.len().min(30)])
            ),
            Err(error) => assert!(
                error.to_string().contains(expected),
                "{error} does not contain {expected}"
            ),
        }
    }
}

#[test]
fn yaml_alias_bombs_are_refused() {
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..12 {
        let previous = level - 1;
        writeln!(
            bomb,
            "a{level}: &a{level} [*a{}, *a{}, *a{}, *a{}, *a{}, *a{}, *a{}, *a{}, *a{}, *a{}]",
            previous,
            previous,
            previous,
            previous,
            previous,
            previous,
            previous,
            previous,
            previous,
            previous
        )
        .unwrap();
    }
    let bomb = bomb.replace("*a0", "*a");
    let error = convert(&bomb).expect_err("an alias bomb must not convert");
    assert!(
        error.to_string().contains("neither JSON nor YAML"),
        "{error}"
    );
}

/// The shape that is not a chain: one anchored list of N items and N aliases to it, N² nodes
/// from a document of a few kilobytes per thousand N (a 24 KB one reached 865 MB). The
/// parser's own alias limit counts alias jumps, not the nodes each one replays, so it let
/// this through; the node budget counts every replayed node.
#[test]
fn wide_alias_expansion_is_refused_by_the_node_budget() {
    let n = 1_500;
    let bomb = format!(
        "openapi: 3.0.0\ninfo: {{title: t, version: '1'}}\nx-items: &items [{}]\nx-copies: [{}]\npaths: {{}}\n",
        vec!["x"; n].join(","),
        vec!["*items"; n].join(",")
    );
    assert!(bomb.len() < 16 * 1024, "{} bytes", bomb.len());
    let error = convert(&bomb).expect_err("an alias bomb must not convert");
    assert!(
        error.to_string().contains("expands to more than"),
        "{error}"
    );
}

/// The budget counts the expanded document node by node: exactly the budget passes, one
/// more node is refused, and a refused document stops being read at the budget.
#[test]
fn yaml_node_budget_counts_expanded_nodes() {
    use openapi2mcp::yaml::to_json;
    // 1 mapping + 2 keys + the anchored list (1 + 3 items) + its alias replayed (1 + 3).
    let text = "a: &list [1, 2, 3]\nb: *list\n";
    assert_eq!(
        to_json(text, 11).unwrap(),
        json!({"a": [1, 2, 3], "b": [1, 2, 3]})
    );
    let error = to_json(text, 10).unwrap_err();
    assert!(error.contains("more than 10 nodes"), "{error}");
    // A document without aliases never meets the budget: at most one node per byte.
    let plain = "[".to_owned() + &vec!["1"; 2_000_000].join(",") + "]";
    let value = to_json(&plain, openapi2mcp::yaml::max_nodes(plain.len())).unwrap();
    assert_eq!(value.as_array().map(Vec::len), Some(2_000_000));
}

/// Published documents carry 64-bit bounds printed through a float
/// (`minimum: -9223372036854776000`); they read as floats, as JSON readers take them.
#[test]
fn integers_beyond_64_bits_read_as_floats() {
    let text = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /n:\n    get:\n      operationId: n\n      parameters:\n        - {name: n, in: query, schema: {type: integer, minimum: -9223372036854776000, maximum: 18446744073709552000}}\n      responses: {'200': {description: ok}}\n";
    let api = convert(text).unwrap();
    let schema = &api.tools()[0].input_schema["properties"]["n"];
    assert_eq!(schema["minimum"].as_f64(), Some(-9.223372036854776e18));
    assert_eq!(schema["maximum"].as_f64(), Some(1.8446744073709552e19));
}

/// The same literals in a JSON document, and in YAML the way OpenAI's published 3.1 document
/// writes them (a block mapping, `format: int64`), convert and build requests.
#[test]
fn integers_beyond_64_bits_read_in_json_and_block_yaml() {
    let json_text = r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/n": {"get": {"operationId": "n", "parameters": [{"name": "n", "in": "query", "schema": {"type": "integer", "minimum": -9223372036854776000, "maximum": 99999999999999999999999}}], "responses": {"200": {"description": "ok"}}}}}}"#;
    let yaml_text = "openapi: 3.1.0\ninfo:\n  title: t\n  version: '1'\npaths:\n  /n:\n    get:\n      operationId: n\n      parameters:\n        - name: n\n          in: query\n          schema:\n            type: integer\n            format: int64\n            minimum: -9223372036854776000\n            maximum: 99999999999999999999999\n      responses:\n        '200':\n          description: ok\n";
    for text in [json_text, yaml_text] {
        let api = convert(text).unwrap();
        let schema = &api.tools()[0].input_schema["properties"]["n"];
        assert_eq!(
            schema["minimum"].as_f64(),
            Some(-9.223372036854776e18),
            "{text}"
        );
        assert_eq!(schema["maximum"].as_f64(), Some(1e23), "{text}");
        let request = api
            .build_request(
                "n",
                &serde_json::from_value(json!({"n": 5})).unwrap(),
                &openapi2mcp::CallConfig::new(url::Url::parse("https://api.example.com").unwrap()),
            )
            .unwrap();
        assert_eq!(request.url.as_str(), "https://api.example.com/n?n=5");
    }
}

/// OpenAPI 3.2 reads: its QUERY method and `additionalOperations` become tools, `$self`
/// and the other new fields are ignored.
#[test]
fn openapi_3_2_reads() {
    let api = convert(
        r#"
openapi: 3.2.0
$self: https://example.com/openapi.yaml
info: { title: t, version: "1" }
servers: [{ url: https://api.example.com, name: main }]
paths:
  /items:
    get: { operationId: listItems, responses: { "200": { description: ok } } }
    query:
      operationId: queryItems
      requestBody: { content: { application/json: { schema: { type: object, properties: { where: { type: string } } } } } }
      responses: { "200": { description: ok } }
    additionalOperations:
      COPY: { operationId: copyItems, responses: { "200": { description: ok } } }
      "BAD METHOD": { operationId: bad, responses: {} }
"#,
    )
    .unwrap();
    let tools: Vec<(&str, &str, bool)> = api
        .operations()
        .iter()
        .map(|operation| {
            let tool = api.operation_tool(&operation.name).unwrap();
            (
                operation.name.as_str(),
                operation.method.as_str(),
                tool.annotations.read_only,
            )
        })
        .collect();
    assert_eq!(
        tools,
        [
            ("listItems", "GET", true),
            ("queryItems", "QUERY", true),
            ("copyItems", "COPY", false)
        ]
    );
    let query = api.operation_tool("queryItems").unwrap();
    assert_eq!(
        query.input_schema["properties"]["where"],
        json!({"type": "string"})
    );
    let request = api
        .build_request(
            "queryItems",
            &serde_json::from_value(json!({"where": "x"})).unwrap(),
            &openapi2mcp::CallConfig::new(url::Url::parse("https://api.example.com").unwrap()),
        )
        .unwrap();
    assert_eq!(request.method.as_str(), "QUERY");
}

#[test]
fn no_paths_gives_no_tools() {
    for text in [
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}",
        "openapi: 3.0.0\npaths: null",
        "swagger: '2.0'\npaths: {}",
    ] {
        let api = convert(text).unwrap();
        assert!(api.tools().is_empty(), "{text}");
    }
}

#[test]
fn broken_refs_degrade_with_pointers() {
    let api = convert(
        r##"
openapi: 3.0.0
paths:
  /a:
    post:
      operationId: a
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                missing: { $ref: "#/components/schemas/Nope" }
                remote: { $ref: "https://example.com/schema.json" }
                file: { $ref: "other.yaml#/Thing" }
                nothing: { $ref: null }
      responses: { "200": { description: ok } }
  /b:
    get:
      operationId: b
      parameters: [{ $ref: "#/components/parameters/Gone" }]
      responses: { "200": { description: ok } }
  /c: { $ref: "#/paths/~1d" }
  /d: { $ref: "#/paths/~1c" }
"##,
    )
    .unwrap();
    let names: Vec<&str> = api.tools().iter().map(|tool| tool.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    let properties = &api.tools()[0].input_schema["properties"];
    for name in ["missing", "remote", "file", "nothing"] {
        assert_eq!(properties[name], json!({}), "{name}");
    }
    let warnings = warnings_text(&api);
    for expected in [
        "/paths/~1a/post/requestBody/content/application~1json/schema/properties/missing/$ref: $ref \"/components/schemas/Nope\" points to nothing",
        "properties/remote/$ref: remote $ref \"https://example.com/schema.json\" is never fetched",
        "properties/file/$ref: $ref names external file \"other.yaml\", which was not supplied",
        "properties/nothing/$ref: $ref is not a string",
        "/paths/~1b/get/parameters/0: parameter ignored: $ref \"/components/parameters/Gone\" points to nothing",
        "/paths/~1c: path item skipped: $ref",
        "is part of a reference cycle",
    ] {
        assert!(
            warnings.contains(expected),
            "missing warning {expected:?} in\n{warnings}"
        );
    }
}

#[test]
fn recursive_and_self_referencing_schemas_stay_finite() {
    let api = convert(
        r##"
openapi: 3.0.0
paths:
  /t:
    post:
      operationId: t
      requestBody:
        content: { application/json: { schema: { $ref: "#/components/schemas/A" } } }
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Loop" } } } }
components:
  schemas:
    A: { type: object, properties: { b: { $ref: "#/components/schemas/B" } } }
    B: { type: object, properties: { a: { $ref: "#/components/schemas/A" } } }
    Loop: { $ref: "#/components/schemas/Loop" }
"##,
    )
    .unwrap();
    let tool = &api.tools()[0];
    assert_eq!(
        Value::Object(tool.input_schema.clone()),
        json!({
            "type": "object",
            "properties": { "b": { "$ref": "#/$defs/B" } },
            "$defs": {
                "A": { "type": "object", "properties": { "b": { "$ref": "#/$defs/B" } } },
                "B": { "type": "object", "properties": { "a": { "$ref": "#/$defs/A" } } }
            }
        })
    );
    // `Loop` is an alias of itself: it is not an object schema, so no output schema.
    assert!(tool.output_schema.is_none());
}

#[test]
fn duplicate_operation_ids_get_suffixes() {
    let mut text = String::from("openapi: 3.0.0\npaths:\n");
    for index in 0..3 {
        writeln!(
            text,
            "  /p{index}:\n    get:\n      operationId: same\n      responses: {{}}"
        )
        .unwrap();
    }
    let long = "x".repeat(80);
    writeln!(
        text,
        "  /long1:\n    get:\n      operationId: {long}\n      responses: {{}}"
    )
    .unwrap();
    writeln!(
        text,
        "  /long2:\n    get:\n      operationId: {long}\n      responses: {{}}"
    )
    .unwrap();
    let api = convert(&text).unwrap();
    let names: Vec<&str> = api.tools().iter().map(|tool| tool.name.as_str()).collect();
    // A cut name ends with a hash of the whole operationId; a taken one with a hash of
    // its method and path: neither depends on the operations before it.
    let is_hashed = |name: &str, head: &str| {
        name.strip_prefix(head)
            .and_then(|rest| rest.strip_prefix('_'))
            .is_some_and(|hash| {
                hash.len() == 8 && hash.bytes().all(|byte| byte.is_ascii_hexdigit())
            })
    };
    let x55 = "x".repeat(55);
    assert_eq!(names[0].len(), 64);
    assert!(is_hashed(names[0], &x55), "{names:?}");
    assert_eq!(names[1].len(), 64);
    assert!(
        names[1].starts_with(&x55[..46]) && names[1] != names[0],
        "{names:?}"
    );
    assert_eq!(names[2], "same");
    assert!(
        is_hashed(names[3], "same") && is_hashed(names[4], "same"),
        "{names:?}"
    );
    assert_ne!(names[3], names[4]);
    let warnings = warnings_text(&api);
    assert!(
        warnings.contains(&format!(
            "/paths/~1p1/get: tool for \"same\" is named \"{}\": the name was taken",
            names[3]
        )),
        "{warnings}"
    );
    assert!(warnings.contains("longer than 64 characters"), "{warnings}");
}

/// A re-import of a document that only gained operations, before and after the old ones and
/// with names that collide with old ones, gives every old operation the same tool name,
/// argument names and schemas. (Paths are read in the order of their keys; a new duplicate
/// operationId whose path sorts first would take the plain name, as the first one does.)
#[test]
fn names_are_stable_when_a_document_gains_operations() {
    let operation = |id: &str| {
        format!(
            "    get:\n      operationId: {id}\n      parameters: [{{name: q, in: query, schema: {{$ref: '#/components/schemas/Q'}}}}]\n      responses: {{}}\n"
        )
    };
    let long = "a".repeat(70);
    let old = format!(
        "openapi: 3.0.0\npaths:\n  /one:\n{}  /two:\n{}  /three:\n{}components:\n  schemas:\n    Q: {{type: string}}\n",
        operation(&long),
        operation("same"),
        operation("same"),
    );
    let grown = format!(
        "openapi: 3.0.0\npaths:\n  /zero:\n{}  /one:\n{}  /one-and-a-half:\n{}  /two:\n{}  /three:\n{}  /x-later:\n{}components:\n  schemas:\n    Q: {{type: string}}\n    Q2: {{type: integer}}\n",
        operation(&format!("{long}b")),
        operation(&long),
        operation("same_x"),
        operation("same"),
        operation("same"),
        operation("same"),
    );
    let (old, grown) = (convert(&old).unwrap(), convert(&grown).unwrap());
    for operation in old.operations() {
        let path = &operation.path;
        let again = grown
            .operations()
            .iter()
            .find(|candidate| &candidate.path == path)
            .unwrap();
        assert_eq!(again.name, operation.name, "{path}");
        assert_eq!(
            grown.operation_tool(&again.name),
            old.operation_tool(&operation.name),
            "{path}"
        );
    }
}

#[test]
fn malformed_parts_are_ignored_and_the_operations_kept() {
    let api = convert(
        r#"
openapi: 3.0.0
paths:
  /ok:
    get: { operationId: ok, responses: {} }
  /bad-operation:
    get: 42
  /bad-params:
    get: { operationId: badParams, parameters: 7, responses: {} }
  /bad-param:
    get: { operationId: badParam, parameters: [{ in: query }], responses: {} }
  /bad-location:
    get: { operationId: badLocation, parameters: [{ name: x, in: body }], responses: {} }
  /bad-item: 3
  /undeclared/{itemId}/{other}:
    get:
      operationId: undeclared
      parameters: [{ name: other, in: path, required: true, schema: { type: integer } }]
      responses: {}
  x-extension: { get: 1 }
  /bad-schema:
    get:
      operationId: badSchema
      parameters: [{ name: x, in: query, schema: { type: [string, file, nonsense], required: true, enum: 3, minLength: -1, allOf: [] } }]
      responses: {}
"#,
    )
    .unwrap();
    let names: Vec<&str> = api.tools().iter().map(|tool| tool.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "badLocation",
            "badParam",
            "badParams",
            "badSchema",
            "ok",
            "undeclared"
        ]
    );
    let tool = |name: &str| api.tools().iter().find(|tool| tool.name == name).unwrap();
    assert_eq!(
        tool("badSchema").input_schema["properties"]["x"],
        json!({ "type": ["string"], "format": "binary" })
    );
    assert_eq!(tool("badLocation").input_schema["properties"], json!({}));
    assert_eq!(
        Value::Object(tool("undeclared").input_schema.clone()),
        json!({
            "type": "object",
            "properties": { "other": { "type": "integer" }, "itemId": { "type": "string" } },
            "required": ["other", "itemId"]
        })
    );
    let warnings = warnings_text(&api);
    for expected in [
        "/paths/~1bad-operation/get: operation is not a mapping",
        "/paths/~1bad-params/get/parameters: parameters are not a list; ignored",
        "/paths/~1bad-param/get/parameters/0: parameter without name or \"in\" ignored",
        "/paths/~1bad-location/get/parameters/0: parameter \"x\" with unknown location \"body\" ignored",
        "/paths/~1undeclared~1{itemId}~1{other}/get: path parameter \"itemId\" is not declared; taken as a required string",
        "/paths/~1bad-item: path item is not a mapping",
    ] {
        assert!(
            warnings.contains(expected),
            "missing {expected:?} in\n{warnings}"
        );
    }
}

#[test]
fn ten_megabyte_document_converts() {
    let mut paths = serde_json::Map::new();
    let mut schemas = serde_json::Map::new();
    let filler = "lorem ipsum dolor sit amet ".repeat(46);
    for index in 0..2500 {
        schemas.insert(
            format!("Model{index}"),
            json!({
                "type": "object",
                "description": filler,
                "properties": {
                    "id": { "type": "integer" },
                    "parent": { "$ref": format!("#/components/schemas/Model{}", index / 2) },
                    "tags": { "type": "array", "items": { "type": "string", "description": filler } }
                }
            }),
        );
        paths.insert(
            format!("/things{index}/{{id}}"),
            json!({
                "get": {
                    "operationId": format!("getThing{index}"),
                    "description": filler,
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
                    "responses": { "200": { "description": "ok", "content": { "application/json": {
                        "schema": { "$ref": format!("#/components/schemas/Model{index}") } } } } }
                }
            }),
        );
    }
    let document = json!({ "openapi": "3.0.3", "info": { "title": "big", "version": "1" }, "paths": paths, "components": { "schemas": schemas } });
    let bytes = serde_json::to_vec(&document).unwrap();
    assert!(bytes.len() > 10_000_000, "{} bytes", bytes.len());
    let api = Api::from_document(&bytes, &ConvertOptions::default()).unwrap();
    assert_eq!(api.tools().len(), 2500);
    // Each tool reaches its whole chain of parents: the budget cuts the deepest of them.
    for warning in api.warnings() {
        assert!(
            warning.message.contains("the deepest parts were left open"),
            "{warning}"
        );
    }
    for tool in api.tools() {
        assert!(
            serde_json::to_vec(tool).unwrap().len() < 24 * 1024,
            "{}",
            tool.name
        );
    }
}

#[test]
fn external_files_that_do_not_parse_are_reported() {
    let mut external_files = HashMap::new();
    external_files.insert("./schemas/bad.json".to_owned(), b"{ not json".to_vec());
    external_files.insert(
        "schemas/good.yaml".to_owned(),
        b"Thing: { type: string }".to_vec(),
    );
    let text = r#"
openapi: 3.0.0
paths:
  /x:
    get:
      operationId: x
      parameters:
        - { name: a, in: query, schema: { $ref: "schemas/bad.json#/Thing" } }
        - { name: b, in: query, schema: { $ref: "./schemas/../schemas/good.yaml#/Thing" } }
      responses: {}
"#;
    let api = Api::from_document(
        text.as_bytes(),
        &ConvertOptions {
            external_files,
            ..ConvertOptions::default()
        },
    )
    .unwrap();
    let input = &api.tools()[0].input_schema;
    assert_eq!(input["properties"]["a"], json!({}));
    assert_eq!(input["properties"]["b"], json!({ "$ref": "#/$defs/Thing" }));
    assert_eq!(input["$defs"]["Thing"], json!({ "type": "string" }));
    assert!(
        warnings_text(&api).contains("external file \"schemas/bad.json\" does not parse"),
        "{}",
        warnings_text(&api)
    );
}

#[test]
fn schema_graphs_larger_than_the_budget_are_cut() {
    // A chain of 300 schemas of about 2 KB each: every tool would otherwise carry 600 KB.
    let filler = "x".repeat(2000);
    let mut schemas = serde_json::Map::new();
    for index in 0..300 {
        schemas.insert(
            format!("Link{index}"),
            json!({ "type": "object", "description": filler, "properties": { "next": { "$ref": format!("#/components/schemas/Link{}", (index + 1) % 300) } } }),
        );
    }
    let document = json!({
        "openapi": "3.0.3",
        "paths": { "/chain": { "post": {
            "operationId": "chain",
            "requestBody": { "content": { "application/json": { "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Link0" } } } } },
            "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Link5" } } } } }
        } } },
        "components": { "schemas": schemas }
    });
    let bytes = serde_json::to_vec(&document).unwrap();
    let schemas_of = |tool: &openapi2mcp::ToolDefinition| {
        let mut schemas = vec![Value::Object(tool.input_schema.clone())];
        schemas.extend(tool.output_schema.clone().map(Value::Object));
        schemas
    };
    // The default budget: six levels of references fit in 16 KiB, the seventh is cut.
    let api = Api::from_document(&bytes, &ConvertOptions::default()).unwrap();
    let tool = &api.tools()[0];
    let input = Value::Object(tool.input_schema.clone());
    assert_eq!(input["$defs"].as_object().unwrap().len(), 6);
    assert_eq!(
        input["$defs"]["Link5"]["properties"]["next"]["description"],
        "Not described: cut to fit the tool's schema budget"
    );
    let total: usize = schemas_of(tool)
        .iter()
        .map(|schema| schema.to_string().len())
        .sum();
    assert!(total <= 16 * 1024, "{total} bytes");
    for schema in schemas_of(tool) {
        // Every remaining reference resolves: compiling fails on a dangling one.
        jsonschema::draft202012::new(&schema).unwrap();
    }
    let description = tool.description.as_deref().unwrap_or("");
    assert!(
        description.starts_with("[Schema shortened to fit 16 KiB: ")
            && description.contains("beyond 6 reference level(s)"),
        "{description}"
    );
    assert!(
        warnings_text(&api).contains(
            "/paths/~1chain/post: the tool's schemas exceed 16 KiB or 6 reference levels"
        ),
        "{}",
        warnings_text(&api)
    );

    // A deeper, larger budget: bytes run out first, and the arguments come before the result.
    let options = ConvertOptions {
        budget: openapi2mcp::ToolBudget {
            max_schema_bytes: 64 * 1024,
            max_ref_depth: 1000,
            ..openapi2mcp::ToolBudget::default()
        },
        ..ConvertOptions::default()
    };
    let api = Api::from_document(&bytes, &options).unwrap();
    let tool = &api.tools()[0];
    let defs = tool.input_schema["$defs"].as_object().unwrap().len();
    assert!((25..32).contains(&defs), "{defs} defs");
    let total: usize = schemas_of(tool)
        .iter()
        .map(|schema| schema.to_string().len())
        .sum();
    assert!((60 * 1024..=64 * 1024).contains(&total), "{total} bytes");
    for schema in schemas_of(tool) {
        jsonschema::draft202012::new(&schema).unwrap();
    }
}
