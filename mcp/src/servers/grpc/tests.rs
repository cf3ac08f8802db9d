//! The fixture descriptor (`testdata/schema_test.proto`) through the catalogue: tool names, descriptions and JSON Schemas.
//!
//! Compared with `testdata/schema_test.tools.json` (`UPDATE_EXPECT=1` rewrites it) and checked
//! point by point.

use base64::Engine as _;
use prost::Message as _;
use serde_json::{Value, json};

use super::catalogue::Catalogue;
use super::reflection::{Descriptors, from_descriptor_set};

const TESTDATA: &str = "src/servers/grpc/testdata";

fn fixture() -> Descriptors {
    let set = protox::compile(["schema_test.proto"], [TESTDATA]).unwrap();
    let encoded = base64::engine::general_purpose::STANDARD.encode(set.encode_to_vec());
    from_descriptor_set(&encoded).unwrap()
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
        .map(|tool| tool.name.as_ref())
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
