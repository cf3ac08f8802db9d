//! OpenAPI documents in, MCP tool definitions out; tool calls in, HTTP requests out. Knows nothing of MCP transports, tenants or storage.
//!
//! Conversion reads only the bytes it is given (external `$ref` files come in
//! [`ConvertOptions::external_files`]) and does no I/O. The network is reached in one place,
//! [`send`] (which [`Api::call`] uses): it sends the request it is handed, a tool call's or a
//! host's own GET (`hub` fetches an OpenAPI server's `spec_url` with it), through a [`GuardedClient`]
//! under the SSRF guard of `ssrf.rs`.
//!
//! # Conversion
//!
//! [`Api::from_document`] reads Swagger 2.0, OpenAPI 3.0.x and 3.1.x, and 3.2 as 3.1 plus its
//! `query` method and `additionalOperations`, JSON or YAML; integer literals beyond 64 bits
//! (`minimum: -9223372036854776000`) read as floats. The document is handled as a `serde_json::Value` rather than typed structs:
//! `openapiv3` rejects 3.1, and reading all versions through one value keeps `$ref`
//! resolution, Swagger 2.0 translation and broken-document tolerance in one place.
//!
//! Each operation under `paths` becomes one tool (webhooks and callbacks become none; a
//! document without `paths` has no tools). The tool name is the `operationId` with every
//! character outside `[A-Za-z0-9_.-]` replaced by `_`; without an `operationId` it is
//! `<method>_<path>` (`get_pets_petId`). A name over 64 characters is cut to 55 and ends with
//! `_` and eight hex digits hashed from the whole name; a name already taken gets the hash
//! of its method and path. Names therefore depend only on the operation, and a re-import of a
//! document that only gained operations keeps every tool and argument name it had.
//!
//! ## Input schema
//!
//! The input schema is a JSON Schema 2020-12 object:
//! - every path, query, header and cookie parameter is a property named after the
//!   parameter; when two locations share a name the later one is `<in>_<name>`
//!   (`header_id`). Path parameters are always required. `Accept`, `Content-Type` and
//!   `Authorization` header parameters are left out (OpenAPI says they are ignored).
//! - the request body: when its schema (after `$ref`s) is a plain object (properties, no
//!   `allOf`/`anyOf`/`oneOf`, no open `additionalProperties`, not nullable) and none of its
//!   property names is taken by a parameter, its properties are **flattened** into the top
//!   level; they are required only when the body is. Otherwise the whole body is the
//!   property `body` (or `request_body` when a parameter is called `body`).
//! - media types are chosen JSON first (`application/json`, then `+json`, then `*/*`), then
//!   form, multipart, text, anything else; non-JSON, non-form bodies take a string.
//! - every referenced schema appears once under `$defs` and is referred to as
//!   `#/$defs/<name>`, so recursive schemas stay finite. Each tool is fitted to a
//!   [`ToolBudget`] (16 KiB of schemas, 6 levels of references, 4 KiB of description by
//!   default; see `budget.rs`): the deepest parts are left open first and the description
//!   ends with a note saying what was cut. [`ConvertOptions::compact_above_bytes`] serves
//!   the compact tools instead when the whole catalogue is larger. A `$ref` that points nowhere becomes
//!   an unconstrained schema and a [`ConvertWarning`] with its JSON pointer.
//! - OpenAPI 3.0 `nullable` becomes a `null` type (or `anyOf` with `{"type": "null"}`),
//!   boolean `exclusiveMinimum`/`exclusiveMaximum` become numbers, `example` becomes
//!   `examples`, Swagger `type: file` a binary string; `discriminator`, `xml`, `x-*` and
//!   `$id`/`$schema`/`$anchor` are dropped.
//!
//! The output schema is the first 2xx JSON response whose schema is an object.
//!
//! # Calling
//!
//! [`Api::build_request`] turns arguments into an [`HttpRequest`] against
//! [`CallConfig::base_url`]; [`Api::call`] sends it through a [`GuardedClient`], which refuses
//! private, loopback, link-local and similar addresses unless allowed (metadata addresses
//! always), pins the connection to the checked address through its resolver, follows up
//! to five redirects itself and checks each, and stops reading at the size limit.
//!
//! ```text
//! let api = Api::from_document(&bytes, &ConvertOptions::default())?;   // once, share in an Arc
//! let client = GuardedClient::new()?;                                   // once, pools connections
//! for tool in api.tools() { /* list tool.name, tool.input_schema, ... */ }
//! let mut config = CallConfig::new(base_url);                          // chosen by the hub
//! config.credentials = Credentials::new().with("bearerAuth", Credential::Bearer(token.into()));
//! let outcome = api.call(&client, "getPet", &arguments, &config).await?;
//! // outcome.is_error, outcome.text, outcome.structured
//! ```
//!
//! [`CallError::fault`] tells a caller error (bad arguments) from a policy refusal and an
//! upstream failure, for status codes and retries.

mod api;
pub mod budget;
mod call;
pub mod compact;
mod convert;
mod document;
mod error;
mod names;
mod plan;
mod request;
mod schema;
mod secret;
mod ssrf;
pub mod yaml;

pub use api::{
    Api, ApiKeyLocation, ConvertOptions, Operation, OperationFilter, SecurityScheme,
    SecuritySchemeKind, ServerCandidate, ToolAnnotations, ToolDefinition, ToolOutcome,
};
pub use budget::ToolBudget;
pub use call::{GuardedClient, MAX_REDIRECTS, send};
pub use error::{CallError, ConvertError, ConvertWarning, Fault};
pub use request::{CallConfig, HttpBody, HttpRequest};
pub use secret::{Credential, Credentials, Secret};
pub use ssrf::{BlockedAddress, GuardedResolver, blocked_reason};
