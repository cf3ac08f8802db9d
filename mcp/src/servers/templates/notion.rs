//! The `notion` template: the Notion API's blocks, pages, databases and search as tools.
//!
//! Each tool is one call: ids in the path come from the arguments of the same name, the other
//! arguments are Notion's own body fields (or query parameters for reads). Requests carry the
//! integration token as a bearer token and the `Notion-Version` the schemas were written for.

use std::collections::BTreeMap;
use std::sync::Arc;

use reqwest::Method;
use serde_json::{Value, json};

use super::vendor_http::{DEFAULT_TIMEOUT, VendorHttp};
use super::vendor_rest::{RestServer, RestTool};
use super::vendor_tools::{required_param, url_param};
use super::{Catalogue, ParamOwner, TemplateError, TemplateInfo, TemplateParam};
use crate::tool_server::ToolServer;

/// The API version the tool schemas follow; Notion answers each request in the version it names.
const NOTION_VERSION: &str = "2022-06-28";

pub(super) const INFO: TemplateInfo = TemplateInfo {
    name: "notion",
    description: "Notion: read and edit pages and blocks, query databases and search a workspace",
    params: &[
        TemplateParam {
            name: "api_token",
            description: "Notion internal integration token (ntn_... or secret_...)",
            set_by: ParamOwner::Group,
            required: true,
        },
        TemplateParam {
            name: "base_url",
            description: "Notion API base URL (default https://api.notion.com)",
            set_by: ParamOwner::Admin,
            required: false,
        },
    ],
    catalogue: Catalogue {
        description_zh: "Notion：读取和编辑页面与块、查询数据库、搜索工作区",
        tags: &["notes", "productivity", "knowledge-base"],
        readme: "Tools on the Notion API:\n\n\
- `notion_search`: pages and databases by title\n\
- `notion_retrieve_page`, `notion_update_page_properties`\n\
- `notion_retrieve_block`, `notion_retrieve_block_children`, `notion_append_block_children`, \
`notion_update_block`, `notion_delete_block`\n\
- `notion_query_database`: a database's rows with filters and sorts\n\n\
Each group sets its own `api_token`: create an internal integration at \
[notion.so/my-integrations](https://www.notion.so/my-integrations), copy its secret, and share \
the pages the integration may see with it (page menu, Connections).",
        logo: "https://www.notion.so/images/favicon.ico",
        homepage: "https://developers.notion.com",
        ..Catalogue::named("Notion", "Notion 笔记")
    },
};

/// The registry's [`super::Start`] for this template.
pub(super) fn start(
    params: &BTreeMap<String, String>,
) -> Result<Arc<dyn ToolServer>, TemplateError> {
    let token = required_param(params, "api_token")?;
    let base_url = url_param(params, "base_url", "https://api.notion.com")?;
    let vendor = VendorHttp::new("notion", base_url, DEFAULT_TIMEOUT)?
        .with_bearer(token)
        .with_header("Notion-Version", NOTION_VERSION.to_owned());
    Ok(RestServer::start(vendor, TOOLS))
}

const TOOLS: &[RestTool] = &[
    RestTool {
        name: "notion_search",
        description: "Search the pages and databases shared with the integration by title",
        method: || Method::POST,
        path: "/v1/search",
        schema: || {
            json!({
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "Text to find in titles"},
                    "filter": {"type": "object", "description": "e.g. {\"property\": \"object\", \"value\": \"page\"}"},
                    "sort": {"type": "object", "description": "e.g. {\"direction\": \"descending\", \"timestamp\": \"last_edited_time\"}"},
                    "start_cursor": {"type": "string"},
                    "page_size": {"type": "integer", "minimum": 1, "maximum": 100}
                }
            })
        },
    },
    RestTool {
        name: "notion_retrieve_page",
        description: "A page's properties",
        method: || Method::GET,
        path: "/v1/pages/{page_id}",
        schema: || id_schema("page_id", json!({})),
    },
    RestTool {
        name: "notion_update_page_properties",
        description: "Change a page's properties",
        method: || Method::PATCH,
        path: "/v1/pages/{page_id}",
        schema: || {
            id_schema(
                "page_id",
                json!({"properties": {"type": "object", "description": "Property values by name, in Notion's property value format"}}),
            )
        },
    },
    RestTool {
        name: "notion_retrieve_block",
        description: "One block",
        method: || Method::GET,
        path: "/v1/blocks/{block_id}",
        schema: || id_schema("block_id", json!({})),
    },
    RestTool {
        name: "notion_retrieve_block_children",
        description: "The child blocks of a block or page (a page's content), one page of results at a time",
        method: || Method::GET,
        path: "/v1/blocks/{block_id}/children",
        schema: || {
            id_schema(
                "block_id",
                json!({
                    "start_cursor": {"type": "string"},
                    "page_size": {"type": "integer", "minimum": 1, "maximum": 100}
                }),
            )
        },
    },
    RestTool {
        name: "notion_append_block_children",
        description: "Append blocks to a block or page",
        method: || Method::PATCH,
        path: "/v1/blocks/{block_id}/children",
        schema: || {
            id_schema(
                "block_id",
                json!({"children": {"type": "array", "items": {"type": "object"}, "description": "Block objects to append"}}),
            )
        },
    },
    RestTool {
        name: "notion_update_block",
        description: "Change a block's content: the arguments besides block_id are the block type's fields, e.g. {\"paragraph\": {\"rich_text\": [...]}}",
        method: || Method::PATCH,
        path: "/v1/blocks/{block_id}",
        schema: || id_schema("block_id", json!({})),
    },
    RestTool {
        name: "notion_delete_block",
        description: "Archive (delete) a block",
        method: || Method::DELETE,
        path: "/v1/blocks/{block_id}",
        schema: || id_schema("block_id", json!({})),
    },
    RestTool {
        name: "notion_query_database",
        description: "A database's pages, filtered and sorted",
        method: || Method::POST,
        path: "/v1/databases/{database_id}/query",
        schema: || {
            id_schema(
                "database_id",
                json!({
                    "filter": {"type": "object"},
                    "sorts": {"type": "array", "items": {"type": "object"}},
                    "start_cursor": {"type": "string"},
                    "page_size": {"type": "integer", "minimum": 1, "maximum": 100}
                }),
            )
        },
    },
];

/// An object schema with the required id `id_name` and the given other properties.
fn id_schema(id_name: &str, properties: Value) -> Value {
    let mut properties = match properties {
        Value::Object(properties) => properties,
        _ => serde_json::Map::new(),
    };
    properties.insert(
        id_name.to_owned(),
        json!({"type": "string", "description": "The Notion id (UUID, with or without dashes)"}),
    );
    json!({"type": "object", "properties": properties, "required": [id_name]})
}
