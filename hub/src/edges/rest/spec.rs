//! The REST admin API's route table.
//!
//! Each operation's method, path, summary and schemas next to its handler, so the router and
//! `/api/openapi.json` are built from one list and cannot drift.

use axum::Router;
use axum::handler::Handler;
use axum::routing::{MethodRouter, delete, get, post, put};
use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::edges::grpc::ControlPlane;

/// The HTTP methods the seed's admin API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    Put,
    Delete,
}

impl Verb {
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "GET",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Delete => "DELETE",
        }
    }
}

/// What a successful answer carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The envelope, with `data` of the operation's data schema when it has one.
    Envelope,
    /// A CSV file, streamed (the export routes); refusals still come in the envelope.
    Csv,
    /// An MCP legacy SSE stream (`text/event-stream`, open until the client leaves); refusals
    /// before it opens come in the envelope.
    McpStream,
    /// MCP's JSON-RPC (Streamable HTTP, a message for a stream): the MCP transport's own
    /// answers and errors; refusals before the transport come in the envelope.
    Mcp,
}

type SchemaOf = fn(&mut SchemaGenerator) -> Schema;

/// One route of the admin API: how axum serves it and how the OpenAPI document describes it.
pub struct Operation {
    pub verb: Verb,
    /// In axum's syntax (`{id}`, `{*model}`), as registered and as `access::ROUTE_RPCS` names it.
    pub path: &'static str,
    pub summary: &'static str,
    /// The route family (`channels`, `options`, ...), the OpenAPI tag.
    pub tag: &'static str,
    pub query: Option<SchemaOf>,
    pub body: Option<SchemaOf>,
    pub data: Option<SchemaOf>,
    pub answer: Answer,
    pub handler: MethodRouter<ControlPlane>,
}

macro_rules! constructor {
    ($name:ident, $verb:ident, $routing:ident) => {
        pub fn $name<H, T>(path: &'static str, summary: &'static str, handler: H) -> Operation
        where
            H: Handler<T, ControlPlane>,
            T: 'static,
        {
            Operation {
                verb: Verb::$verb,
                path,
                summary,
                tag: "",
                query: None,
                body: None,
                data: None,
                answer: Answer::Envelope,
                handler: $routing(handler),
            }
        }
    };
}

impl Operation {
    constructor!(get, Get, get);
    constructor!(post, Post, post);
    constructor!(put, Put, put);
    constructor!(delete, Delete, delete);

    /// The query string the handler parses (its fields become query parameters).
    pub fn query<T: JsonSchema>(mut self) -> Operation {
        self.query = Some(T::json_schema);
        self
    }

    /// The JSON body the handler parses.
    pub fn body<T: JsonSchema>(mut self) -> Operation {
        self.body = Some(|generator| generator.subschema_for::<T>());
        self
    }

    /// The envelope's `data` on success.
    pub fn data<T: JsonSchema>(mut self) -> Operation {
        self.data = Some(|generator| generator.subschema_for::<T>());
        self
    }

    pub fn csv(mut self) -> Operation {
        self.answer = Answer::Csv;
        self
    }

    pub fn mcp_stream(mut self) -> Operation {
        self.answer = Answer::McpStream;
        self
    }

    pub fn mcp(mut self) -> Operation {
        self.answer = Answer::Mcp;
        self
    }

    /// The path parameters, from the path itself (`{*model}` is a parameter named `model`).
    pub fn path_parameters(&self) -> Vec<&'static str> {
        self.path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| name.trim_start_matches('*'))
            .collect()
    }

    /// The path in OpenAPI's syntax: `{*model}` becomes `{model}`.
    pub fn openapi_path(&self) -> String {
        self.path.replace("{*", "{")
    }
}

/// Sets the OpenAPI tag of a family's operations.
pub fn tagged(tag: &'static str, operations: Vec<Operation>) -> Vec<Operation> {
    operations
        .into_iter()
        .map(|operation| Operation { tag, ..operation })
        .collect()
}

/// The axum router of `operations`; operations on one path share it (axum merges the methods).
pub fn router(operations: Vec<Operation>) -> Router<ControlPlane> {
    operations
        .into_iter()
        .fold(Router::new(), |router, operation| {
            router.route(operation.path, operation.handler)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_come_from_the_path() {
        let operation = Operation::get("/api/channel/{id}/test/{*model}", "", || async {});
        assert_eq!(operation.path_parameters(), ["id", "model"]);
        assert_eq!(operation.openapi_path(), "/api/channel/{id}/test/{model}");
    }
}
