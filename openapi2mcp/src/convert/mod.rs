//! Document to tools: walks `paths`, merges parameters, picks media types, builds each tool's input and output schema and its request plan.

mod source;
mod swagger2;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};

use crate::api::{
    Api, ConvertOptions, Operation, OperationFilter, SecurityScheme, SecuritySchemeKind,
    ServerCandidate, ToolAnnotations, ToolDefinition,
};
use crate::budget::{ToolBudget, ToolCut};
use crate::document::{Dialect, Documents, Location};
use crate::error::{ConvertError, ConvertWarning};
use crate::names::UniqueNames;
use crate::plan::{
    BodyBinding, BodyKind, BodyPlacement, ParamBinding, ParamLocation, RequestPlan, Style,
};
use crate::schema::{Refs, SchemaRegistry};
use source::{BodySource, ParamSource, api_key_kind};

/// Path-item fields that are operations; `query` is OpenAPI 3.2's QUERY method.
const METHODS: [&str; 9] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace", "query",
];
/// Tool names longer than this are cut; several MCP clients and model APIs reject longer ones.
pub(crate) const MAX_TOOL_NAME: usize = 64;

impl Api {
    /// Converts a JSON or YAML Swagger 2.0 / OpenAPI 3.x document.
    pub fn from_document(bytes: &[u8], options: &ConvertOptions) -> Result<Api, ConvertError> {
        convert(bytes, options)
    }
}

fn convert(bytes: &[u8], options: &ConvertOptions) -> Result<Api, ConvertError> {
    let documents = Documents::new(bytes, &options.external_files)?;
    let mut warnings = Vec::new();
    let root = &documents.root;
    let (servers, security_schemes) = if documents.dialect == Dialect::Swagger2 {
        (swagger2::servers(root), swagger2::security_schemes(root))
    } else {
        (servers_of(root.get("servers")), security_schemes(root))
    };
    let global_security = security_requirements(root.get("security")).unwrap_or_default();
    let paths = match root.get("paths") {
        None | Some(Value::Null) => None,
        Some(Value::Object(paths)) => Some(paths),
        Some(_) => {
            return Err(ConvertError::Invalid {
                pointer: "/paths".to_owned(),
                reason: "not a mapping".to_owned(),
            });
        }
    };
    let mut converter = OperationConverter {
        documents: &documents,
        registry: SchemaRegistry::default(),
        warnings: &mut warnings,
        global_security: &global_security,
        used_names: UniqueNames::default(),
        budget: options.budget,
    };
    let mut operations = Vec::new();
    let mut tools = Vec::new();
    for (path, item) in paths.into_iter().flatten() {
        if path.starts_with("x-") {
            continue;
        }
        let location = Location::root("/paths").child(path);
        let (item, item_location) = match documents.follow(item, &location) {
            Ok(found) => found,
            Err(error) => {
                converter.warn(
                    &location,
                    format!("path item skipped: {}", error.describe()),
                );
                continue;
            }
        };
        let Some(item) = item.as_object() else {
            converter.warn(&location, "path item is not a mapping; skipped".to_owned());
            continue;
        };
        // OpenAPI 3.2 names other methods under `additionalOperations` (`COPY`, `LINK`).
        let additional = item
            .get("additionalOperations")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(method, _)| {
                !METHODS.contains(&method.to_ascii_lowercase().as_str())
                    && !method.is_empty()
                    && method.bytes().all(|byte| byte.is_ascii_alphabetic())
            })
            .map(|(method, operation)| {
                (
                    method.to_ascii_lowercase(),
                    operation,
                    item_location.child("additionalOperations").child(method),
                )
            });
        let standard = METHODS.iter().filter_map(|method| {
            item.get(*method)
                .map(|operation| ((*method).to_owned(), operation, item_location.child(method)))
        });
        let found: Vec<(String, &Value, Location)> = standard.chain(additional).collect();
        for (method, operation, operation_location) in found {
            let method = method.as_str();
            let Some(operation) = operation.as_object() else {
                converter.warn(
                    &operation_location,
                    "operation is not a mapping; skipped".to_owned(),
                );
                continue;
            };
            if !filter_keeps(&options.filter, path, operation) {
                continue;
            }
            match converter.operation(
                path,
                method,
                item,
                &item_location,
                operation,
                &operation_location,
            ) {
                Ok((operation, tool)) => {
                    operations.push(operation);
                    tools.push(tool);
                }
                Err(reason) => {
                    converter.warn(&operation_location, format!("operation skipped: {reason}"))
                }
            }
        }
    }
    let mut seen = HashSet::new();
    warnings.retain(|warning| seen.insert((warning.pointer.clone(), warning.message.clone())));
    let by_name = operations
        .iter()
        .enumerate()
        .map(|(index, operation)| (operation.name.clone(), index))
        .collect();
    let catalogue_bytes: usize = tools
        .iter()
        .map(|tool| {
            serde_json::to_vec(tool)
                .map(|bytes| bytes.len())
                .unwrap_or(0)
        })
        .sum();
    let over_limit = options
        .compact_above_bytes
        .filter(|limit| catalogue_bytes > *limit);
    if let (Some(limit), false) = (over_limit, options.compact) {
        warnings.push(ConvertWarning {
            pointer: "/paths".to_owned(),
            message: format!(
                "the {} tools take {catalogue_bytes} bytes, over the {limit}-byte catalogue limit: \
                 the compact tools (search, describe, call) are served instead",
                tools.len()
            ),
        });
    }
    let compact_tools = (options.compact || over_limit.is_some()).then(crate::compact::tools);
    let title = root
        .pointer("/info/title")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(Api {
        operations,
        operation_tools: tools,
        by_name,
        compact_tools,
        warnings,
        servers,
        security_schemes,
        title,
    })
}

struct OperationConverter<'a> {
    documents: &'a Documents,
    registry: SchemaRegistry,
    warnings: &'a mut Vec<ConvertWarning>,
    global_security: &'a [Vec<String>],
    used_names: UniqueNames,
    budget: ToolBudget,
}

impl<'a> OperationConverter<'a> {
    fn warn(&mut self, location: &Location, message: String) {
        self.warnings.push(ConvertWarning {
            pointer: location.display(),
            message,
        });
    }

    fn operation(
        &mut self,
        path: &str,
        method: &str,
        item: &'a Map<String, Value>,
        item_location: &Location,
        operation: &'a Map<String, Value>,
        location: &Location,
    ) -> Result<(Operation, ToolDefinition), String> {
        let dialect = self.documents.dialect;
        let (params, body) = self.parameters(path, item, item_location, operation, location)?;
        let body = match body {
            Some(body) => Some(body),
            None if dialect != Dialect::Swagger2 => match operation.get("requestBody") {
                Some(request_body) => {
                    self.request_body(request_body, &location.child("requestBody"))
                }
                None => None,
            },
            None => None,
        };

        let mut input_refs = Refs::default();
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut bindings = Vec::new();
        for param in params {
            let property = unique_property(&properties, &param.name, param.location);
            let mut schema = match &param.schema {
                Some((schema, schema_location)) => self.registry.convert(
                    self.documents,
                    schema,
                    schema_location,
                    &mut input_refs,
                    self.warnings,
                ),
                None => Value::Object(Map::new()),
            };
            if let Value::Object(schema) = &mut schema {
                if let Some(description) = &param.description {
                    schema
                        .entry("description")
                        .or_insert_with(|| Value::String(description.clone()));
                }
                if param.deprecated {
                    schema.insert("deprecated".to_owned(), Value::Bool(true));
                }
            }
            properties.insert(property.clone(), schema);
            let required_param = param.required || param.location == ParamLocation::Path;
            if required_param {
                required.push(Value::String(property.clone()));
            }
            let style = param.style.unwrap_or(match param.location {
                ParamLocation::Path | ParamLocation::Header => Style::Simple,
                ParamLocation::Query | ParamLocation::Cookie => Style::Form,
            });
            bindings.push(ParamBinding {
                property,
                name: param.name,
                location: param.location,
                style,
                explode: param.explode.unwrap_or(style == Style::Form),
                required: required_param,
                json_content: param.json_content,
            });
        }
        let body_binding = match body {
            Some(body) => self.body(body, &mut properties, &mut required, &mut input_refs),
            None => None,
        };

        let mut input_schema = Map::new();
        input_schema.insert("type".to_owned(), Value::String("object".to_owned()));
        input_schema.insert("properties".to_owned(), Value::Object(properties));
        if !required.is_empty() {
            input_schema.insert("required".to_owned(), Value::Array(required));
        }
        let budget = self.budget;
        let mut cut = ToolCut {
            inline_depth: crate::budget::cut_inline(&mut input_schema, budget.max_schema_bytes, 1),
            ..ToolCut::default()
        };
        if cut.inline_depth.is_some() {
            self.registry
                .retain_referenced(&mut input_refs, &input_schema);
        }
        let defs_cut = self.registry.attach_defs_within(
            &mut input_schema,
            &input_refs,
            budget.max_schema_bytes,
            budget.max_ref_depth,
        );
        cut.omitted_defs += defs_cut.omitted;
        let room = budget
            .max_schema_bytes
            .saturating_sub(crate::budget::map_size(&input_schema));
        let (output_schema, accept, output_cut) = self.output(operation, location, room);
        cut.omitted_defs += output_cut.omitted_defs;
        cut.output_dropped = output_cut.output_dropped;
        if cut.omitted_defs > 0 || cut.inline_depth.is_some() || cut.output_dropped {
            self.warn(
                location,
                format!(
                    "the tool's schemas exceed {} KiB or {} reference levels; the deepest parts were left open",
                    budget.max_schema_bytes / 1024,
                    budget.max_ref_depth
                ),
            );
        }

        let operation_id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let name = self.tool_name(operation_id.as_deref(), method, path, location);
        let summary = non_empty(operation.get("summary"));
        let mut description = match (summary.as_deref(), non_empty(operation.get("description"))) {
            (Some(summary), Some(description)) if summary.trim() != description.trim() => {
                Some(format!("{summary}\n\n{description}"))
            }
            (Some(summary), _) => Some(summary.to_owned()),
            (None, description) => description,
        };
        if let Some(shortened) = description
            .as_deref()
            .and_then(|text| crate::budget::cut_text(text, budget.max_description_bytes))
        {
            description = Some(shortened);
            cut.description_cut = true;
        }
        if !cut.is_empty() {
            let note = cut.note(&budget);
            description = Some(match description {
                Some(text) => format!("{text}\n\n{note}"),
                None => note,
            });
        }
        let read_only = matches!(method, "get" | "head" | "options" | "trace" | "query");
        let tool = ToolDefinition {
            name: name.clone(),
            title: summary.clone(),
            description,
            input_schema,
            output_schema,
            annotations: ToolAnnotations {
                read_only,
                destructive: method == "delete",
                idempotent: read_only || matches!(method, "put" | "delete"),
                open_world: true,
            },
        };
        let security = match operation.get("security") {
            Some(security) => security_requirements(Some(security)).unwrap_or_default(),
            None => self.global_security.to_vec(),
        };
        let servers = if self.documents.dialect == Dialect::Swagger2 {
            Vec::new()
        } else {
            let operation_servers = servers_of(operation.get("servers"));
            if operation_servers.is_empty() {
                servers_of(item.get("servers"))
            } else {
                operation_servers
            }
        };
        let tags = operation
            .get("tags")
            .and_then(Value::as_array)
            .map(|tags| {
                tags.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let operation = Operation {
            name,
            method: reqwest::Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                .map_err(|_| format!("bad method {method}"))?,
            path: path.to_owned(),
            operation_id,
            tags,
            summary,
            servers,
            plan: RequestPlan {
                params: bindings,
                body: body_binding,
                security,
                accept,
            },
        };
        Ok((operation, tool))
    }

    /// Path-item and operation parameters merged (the operation wins on name + location);
    /// for Swagger 2.0 also the request body built from `body` and `formData` parameters.
    fn parameters(
        &mut self,
        path: &str,
        item: &'a Map<String, Value>,
        item_location: &Location,
        operation: &'a Map<String, Value>,
        location: &Location,
    ) -> Result<(Vec<ParamSource<'a>>, Option<BodySource<'a>>), String> {
        let mut merged: Vec<(&'a Value, Location)> = Vec::new();
        let mut positions: HashMap<(String, String), usize> = HashMap::new();
        for (owner, owner_location) in [(item, item_location), (operation, location)] {
            let Some(list) = owner.get("parameters") else {
                continue;
            };
            let list_location = owner_location.child("parameters");
            let Some(list) = list.as_array() else {
                self.warn(
                    &list_location,
                    "parameters are not a list; ignored".to_owned(),
                );
                continue;
            };
            for (index, param) in list.iter().enumerate() {
                let param_location = list_location.child(&index.to_string());
                let (param, resolved_location) = match self.documents.follow(param, &param_location)
                {
                    Ok(found) => found,
                    Err(error) => {
                        self.warn(
                            &param_location,
                            format!("parameter ignored: {}", error.describe()),
                        );
                        continue;
                    }
                };
                let name = param.get("name").and_then(Value::as_str);
                let place = param.get("in").and_then(Value::as_str);
                let (Some(name), Some(place)) = (name, place) else {
                    self.warn(
                        &param_location,
                        "parameter without name or \"in\" ignored".to_owned(),
                    );
                    continue;
                };
                // Header names are case-insensitive; the others are not.
                let key_name = if place == "header" {
                    name.to_ascii_lowercase()
                } else {
                    name.to_owned()
                };
                let key = (place.to_owned(), key_name);
                match positions.get(&key) {
                    Some(position) => merged[*position] = (param, resolved_location),
                    None => {
                        positions.insert(key, merged.len());
                        merged.push((param, resolved_location));
                    }
                }
            }
        }
        let (mut params, body) = if self.documents.dialect == Dialect::Swagger2 {
            let consumes = swagger2::media_types(
                operation.get("consumes"),
                self.documents.root.get("consumes"),
            );
            swagger2::split_parameters(merged, &consumes)
        } else {
            let mut params = Vec::new();
            for (param, param_location) in merged {
                if let Some(param) = self.parameter(param, &param_location) {
                    params.push(param);
                }
            }
            (params, None)
        };
        // Documents often forget to declare a path parameter; without one the request
        // would carry a literal `{name}`, so the template variable becomes a required string.
        for name in template_variables(path) {
            let declared = params
                .iter()
                .any(|param| param.location == ParamLocation::Path && param.name == name);
            if !declared {
                self.warn(
                    location,
                    format!("path parameter {name:?} is not declared; taken as a required string"),
                );
                params.push(ParamSource {
                    name,
                    location: ParamLocation::Path,
                    required: true,
                    description: None,
                    deprecated: false,
                    schema: Some((Cow::Owned(json!({ "type": "string" })), location.clone())),
                    json_content: false,
                    style: None,
                    explode: None,
                });
            }
        }
        Ok((params, body))
    }

    fn parameter(&mut self, param: &'a Value, location: &Location) -> Option<ParamSource<'a>> {
        let name = param
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let place = match param.get("in").and_then(Value::as_str) {
            Some("path") => ParamLocation::Path,
            Some("query") => ParamLocation::Query,
            Some("header") => ParamLocation::Header,
            Some("cookie") => ParamLocation::Cookie,
            other => {
                self.warn(
                    location,
                    format!(
                        "parameter {name:?} with unknown location {:?} ignored",
                        other.unwrap_or_default()
                    ),
                );
                return None;
            }
        };
        if place == ParamLocation::Header && is_reserved_header(&name) {
            // OpenAPI says these header parameters are ignored: the content type and
            // authorization come from the request body and the security schemes.
            return None;
        }
        let (schema, json_content) = match (
            param.get("schema"),
            param.get("content").and_then(Value::as_object),
        ) {
            (Some(schema), _) => (
                Some((Cow::Borrowed(schema), location.child("schema"))),
                false,
            ),
            (None, Some(content)) => {
                let schema = content.iter().next().and_then(|(media_type, media)| {
                    media.get("schema").map(|schema| {
                        (
                            Cow::Borrowed(schema),
                            location.child("content").child(media_type).child("schema"),
                        )
                    })
                });
                (schema, true)
            }
            (None, None) => (None, false),
        };
        let style = match param.get("style").and_then(Value::as_str) {
            None => None,
            Some("simple") => Some(Style::Simple),
            Some("label") => Some(Style::Label),
            Some("matrix") => Some(Style::Matrix),
            Some("form") => Some(Style::Form),
            Some("spaceDelimited") => Some(Style::SpaceDelimited),
            Some("pipeDelimited") => Some(Style::PipeDelimited),
            Some("deepObject") => Some(Style::DeepObject),
            Some(other) => {
                self.warn(
                    location,
                    format!("unknown parameter style {other:?}; the default is used"),
                );
                None
            }
        };
        Some(ParamSource {
            name,
            location: place,
            required: param
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            description: non_empty(param.get("description")),
            deprecated: param
                .get("deprecated")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            schema,
            json_content,
            style,
            explode: param.get("explode").and_then(Value::as_bool),
        })
    }

    fn request_body(
        &mut self,
        request_body: &'a Value,
        location: &Location,
    ) -> Option<BodySource<'a>> {
        let (request_body, location) = match self.documents.follow(request_body, location) {
            Ok(found) => found,
            Err(error) => {
                self.warn(
                    location,
                    format!("request body ignored: {}", error.describe()),
                );
                return None;
            }
        };
        let content_location = location.child("content");
        let content = request_body
            .get("content")
            .and_then(Value::as_object)
            .map(|content| {
                content
                    .iter()
                    .map(|(media_type, media)| {
                        let schema = media.get("schema").map(|schema| {
                            (
                                Cow::Borrowed(schema),
                                content_location.child(media_type).child("schema"),
                            )
                        });
                        (media_type.clone(), schema)
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(BodySource {
            content,
            required: request_body
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            description: non_empty(request_body.get("description")),
        })
    }

    /// Adds the body's arguments to the input schema and says how to send them.
    fn body(
        &mut self,
        body: BodySource<'a>,
        properties: &mut Map<String, Value>,
        required: &mut Vec<Value>,
        refs: &mut Refs,
    ) -> Option<BodyBinding> {
        let (media_type, schema) = body
            .content
            .into_iter()
            .enumerate()
            .min_by_key(|(index, (media_type, _))| (media_rank(media_type), *index))
            .map(|(_, chosen)| chosen)?;
        let kind = body_kind(&media_type);
        let mut binary_fields = Vec::new();
        if kind != BodyKind::Raw
            && let Some((schema, schema_location)) = &schema
            && let Some((object, object_location)) =
                flattenable(self.documents, schema, schema_location)
        {
            let body_properties = object.get("properties").and_then(Value::as_object);
            let clash = body_properties.is_some_and(|body_properties| {
                body_properties
                    .keys()
                    .any(|name| properties.contains_key(name))
            });
            if let Some(body_properties) = body_properties.filter(|_| !clash) {
                let body_required: HashSet<&str> = object
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|names| names.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let properties_location = object_location.child("properties");
                let mut names = Vec::new();
                let mut required_fields = Vec::new();
                for (name, property_schema) in body_properties {
                    let converted = self.registry.convert(
                        self.documents,
                        property_schema,
                        &properties_location.child(name),
                        refs,
                        self.warnings,
                    );
                    if kind == BodyKind::Multipart
                        && self.is_binary(property_schema, &properties_location.child(name))
                    {
                        binary_fields.push(name.clone());
                    }
                    properties.insert(name.clone(), converted);
                    // Inside an optional body the body's required fields are only required
                    // when a body is sent, which one flat schema cannot say; leave them optional.
                    if body.required && body_required.contains(name.as_str()) {
                        required.push(Value::String(name.clone()));
                        required_fields.push(name.clone());
                    }
                    names.push(name.clone());
                }
                return Some(BodyBinding {
                    media_type,
                    kind,
                    placement: BodyPlacement::Flattened(names),
                    required: body.required,
                    required_fields,
                    binary_fields,
                });
            }
        }
        let property = ["body", "request_body", "requestBody"]
            .into_iter()
            .map(str::to_owned)
            .find(|name| !properties.contains_key(name))
            .unwrap_or_else(|| unique_property(properties, "body", ParamLocation::Query));
        let mut converted = match (&schema, kind) {
            (_, BodyKind::Raw) => json!({ "type": "string" }),
            (Some((schema, schema_location)), _) => {
                self.registry
                    .convert(self.documents, schema, schema_location, refs, self.warnings)
            }
            (None, _) => Value::Object(Map::new()),
        };
        if let Value::Object(converted) = &mut converted {
            let description = match (body.description, kind) {
                (Some(description), _) => Some(description),
                (None, BodyKind::Raw) => Some(format!("Request body, sent as {media_type}")),
                (None, _) => None,
            };
            if let Some(description) = description {
                converted
                    .entry("description")
                    .or_insert(Value::String(description));
            }
        }
        properties.insert(property.clone(), converted);
        if body.required {
            required.push(Value::String(property.clone()));
        }
        Some(BodyBinding {
            media_type,
            kind,
            placement: BodyPlacement::Property(property),
            required: body.required,
            required_fields: Vec::new(),
            binary_fields,
        })
    }

    fn is_binary(&self, schema: &Value, location: &Location) -> bool {
        self.documents
            .follow(schema, location)
            .is_ok_and(|(resolved, _)| {
                resolved.get("format").and_then(Value::as_str) == Some("binary")
                    || resolved.get("type").and_then(Value::as_str) == Some("file")
            })
    }

    /// Output schema from the first 2xx JSON response whose schema is an object, and the
    /// `Accept` header matching that response.
    fn output(
        &mut self,
        operation: &'a Map<String, Value>,
        location: &Location,
        room: usize,
    ) -> (Option<Map<String, Value>>, Option<String>, ToolCut) {
        let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
            return (None, None, ToolCut::default());
        };
        let mut codes: Vec<(&String, &Value)> = responses
            .iter()
            .filter(|(code, _)| code.starts_with('2') && code.len() == 3)
            .collect();
        // Exact codes before ranges (`2XX`), and 200 before 201.
        codes.sort_by_key(|(code, _)| {
            (
                !code.bytes().all(|byte| byte.is_ascii_digit()),
                (*code).clone(),
            )
        });
        let responses_location = location.child("responses");
        for (code, response) in codes {
            let Ok((response, response_location)) = self
                .documents
                .follow(response, &responses_location.child(code))
            else {
                continue;
            };
            let candidates: Vec<(String, &'a Value, Location)> =
                if self.documents.dialect == Dialect::Swagger2 {
                    let produces = swagger2::media_types(
                        operation.get("produces"),
                        self.documents.root.get("produces"),
                    );
                    match response.get("schema") {
                        Some(schema) => {
                            let media_type = produces
                                .iter()
                                .find(|media_type| media_rank(media_type) <= 2)
                                .cloned()
                                .unwrap_or_else(|| "application/json".to_owned());
                            vec![(media_type, schema, response_location.child("schema"))]
                        }
                        None => Vec::new(),
                    }
                } else {
                    let content_location = response_location.child("content");
                    response
                        .get("content")
                        .and_then(Value::as_object)
                        .map(|content| {
                            content
                                .iter()
                                .filter_map(|(media_type, media)| {
                                    let schema = media.get("schema")?;
                                    Some((
                                        media_type.clone(),
                                        schema,
                                        content_location.child(media_type).child("schema"),
                                    ))
                                })
                                .collect()
                        })
                        .unwrap_or_default()
                };
            let Some((media_type, schema, schema_location)) = candidates
                .into_iter()
                .filter(|(media_type, _, _)| media_rank(media_type) <= 2)
                .min_by_key(|(media_type, _, _)| media_rank(media_type))
            else {
                continue;
            };
            let accept = (media_rank(&media_type) <= 1).then(|| media_type.clone());
            let is_object =
                self.documents
                    .follow(schema, &schema_location)
                    .is_ok_and(|(resolved, _)| {
                        resolved.get("type").and_then(Value::as_str) == Some("object")
                            && resolved.get("nullable").and_then(Value::as_bool) != Some(true)
                    });
            if !is_object {
                return (None, accept, ToolCut::default());
            }
            let mut refs = Refs::default();
            let converted = self.registry.convert(
                self.documents,
                schema,
                &schema_location,
                &mut refs,
                self.warnings,
            );
            let Value::Object(mut output) = converted else {
                return (None, accept, ToolCut::default());
            };
            output.insert("type".to_owned(), Value::String("object".to_owned()));
            let mut cut = ToolCut::default();
            // The result schema gets what the arguments left; cut to its top-level fields and
            // still too large, it is left out (clients then take any structured result).
            if crate::budget::cut_inline(&mut output, room, 1).is_some() {
                self.registry.retain_referenced(&mut refs, &output);
            }
            let output_size = crate::budget::map_size(&output);
            if output_size > room {
                cut.output_dropped = true;
                return (None, accept, cut);
            }
            let defs_cut = self.registry.attach_defs_within(
                &mut output,
                &refs,
                room,
                self.budget.max_ref_depth,
            );
            cut.omitted_defs = defs_cut.omitted;
            return (Some(output), accept, cut);
        }
        (None, None, ToolCut::default())
    }

    fn tool_name(
        &mut self,
        operation_id: Option<&str>,
        method: &str,
        path: &str,
        location: &Location,
    ) -> String {
        let raw = match operation_id.filter(|id| !id.trim().is_empty()) {
            Some(id) => id.to_owned(),
            None => format!("{method}_{path}"),
        };
        let mut base = String::with_capacity(raw.len());
        for character in raw.chars() {
            let character = if character.is_ascii_alphanumeric() || "_.-".contains(character) {
                character
            } else {
                '_'
            };
            // Runs of replaced characters (`/{`) read better as one underscore.
            if character == '_' && base.ends_with('_') {
                continue;
            }
            base.push(character);
        }
        let mut base = base.trim_matches('_').to_owned();
        if base.is_empty() {
            base = method.to_owned();
        }
        // Suffixes hash what the name stands for, never a count of earlier names: a
        // re-import of a document that only gained operations keeps every name it had.
        let truncated = base.len() > MAX_TOOL_NAME;
        if truncated {
            // The whole wanted name picks the suffix: two long names that share their first
            // 55 characters still get different tools.
            base = crate::names::suffixed(&base, &raw, MAX_TOOL_NAME);
        }
        let identity = format!("{} {path}", method.to_ascii_uppercase());
        let name = self
            .used_names
            .claim_stable(&base, &identity, MAX_TOOL_NAME);
        if name != base || truncated {
            let reason = if name != base {
                "the name was taken"
            } else {
                "longer than 64 characters"
            };
            self.warn(
                location,
                format!(
                    "tool for {:?} is named {name:?}: {reason}",
                    operation_id.unwrap_or(path)
                ),
            );
        }
        name
    }
}

/// The body schema as a plain object with properties, if it is one (following `$ref`s).
fn flattenable<'s>(
    documents: &'s Documents,
    schema: &'s Value,
    location: &Location,
) -> Option<(&'s Map<String, Value>, Location)> {
    let (resolved, resolved_location) = documents.follow(schema, location).ok()?;
    let object = resolved.as_object()?;
    let plain_type = match object.get("type") {
        None => true,
        Some(Value::String(name)) => name == "object",
        Some(_) => false,
    };
    let composed = ["allOf", "anyOf", "oneOf", "not", "if", "patternProperties"]
        .iter()
        .any(|key| object.contains_key(*key));
    let open = object
        .get("additionalProperties")
        .is_some_and(|additional| additional != &Value::Bool(false));
    let nullable = object.get("nullable").and_then(Value::as_bool) == Some(true);
    let has_properties = object
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|map| !map.is_empty());
    (plain_type && !composed && !open && !nullable && has_properties)
        .then_some((object, resolved_location))
}

/// Names between braces in a path template, in order.
fn template_variables(path: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(length) = rest[start + 1..].find('}') else {
            break;
        };
        let name = &rest[start + 1..start + 1 + length];
        if !name.is_empty() && !names.iter().any(|known| known == name) {
            names.push(name.to_owned());
        }
        rest = &rest[start + 1 + length + 1..];
    }
    names
}

fn is_reserved_header(name: &str) -> bool {
    ["accept", "content-type", "authorization"].contains(&name.to_ascii_lowercase().as_str())
}

fn unique_property(properties: &Map<String, Value>, name: &str, location: ParamLocation) -> String {
    if !properties.contains_key(name) {
        return name.to_owned();
    }
    let prefix = match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    };
    let base = format!("{prefix}_{name}");
    let mut candidate = base.clone();
    let mut suffix = 2;
    while properties.contains_key(&candidate) {
        candidate = format!("{base}_{suffix}");
        suffix += 1;
    }
    candidate
}

/// Preference among request and response media types: lower is better.
/// 0 JSON, 1 other JSON (`+json`), 2 anything (sent as JSON), 3 url-encoded form,
/// 4 multipart, 5 text, 6 everything else.
pub(crate) fn media_rank(media_type: &str) -> u8 {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => 0,
        other if other.ends_with("+json") || other.ends_with("/json") => 1,
        "*/*" | "application/*" => 2,
        "application/x-www-form-urlencoded" => 3,
        "multipart/form-data" => 4,
        other if other.starts_with("text/") => 5,
        _ => 6,
    }
}

fn body_kind(media_type: &str) -> BodyKind {
    match media_rank(media_type) {
        0..=2 => BodyKind::Json,
        3 => BodyKind::Form,
        4 => BodyKind::Multipart,
        _ => BodyKind::Raw,
    }
}

fn non_empty(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

/// `security` as alternatives of scheme names; `None` when absent or malformed.
fn security_requirements(value: Option<&Value>) -> Option<Vec<Vec<String>>> {
    let list = value?.as_array()?;
    Some(
        list.iter()
            .filter_map(Value::as_object)
            .map(|requirement| requirement.keys().cloned().collect())
            .collect(),
    )
}

/// OpenAPI 3 `servers`, with `{variables}` replaced by their defaults.
pub(crate) fn servers_of(value: Option<&Value>) -> Vec<ServerCandidate> {
    let Some(list) = value.and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|server| {
            let mut url = server.get("url")?.as_str()?.to_owned();
            if let Some(variables) = server.get("variables").and_then(Value::as_object) {
                for (name, variable) in variables {
                    let default = variable
                        .get("default")
                        .and_then(Value::as_str)
                        .or_else(|| variable.get("enum")?.as_array()?.first()?.as_str())
                        .unwrap_or_default();
                    url = url.replace(&format!("{{{name}}}"), default);
                }
            }
            Some(ServerCandidate {
                url,
                description: non_empty(server.get("description")),
            })
        })
        .collect()
}

fn security_schemes(root: &Value) -> Vec<SecurityScheme> {
    let Some(schemes) = root
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    schemes
        .iter()
        .map(|(name, scheme)| {
            let text = |key: &str| {
                scheme
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let kind = match text("type").as_str() {
                "apiKey" => api_key_kind(scheme),
                "http" => match text("scheme").to_ascii_lowercase().as_str() {
                    "bearer" => SecuritySchemeKind::HttpBearer,
                    "basic" => SecuritySchemeKind::HttpBasic,
                    other => SecuritySchemeKind::Unsupported {
                        scheme: format!("http {other}"),
                    },
                },
                "oauth2" => SecuritySchemeKind::OAuth2,
                "openIdConnect" => SecuritySchemeKind::OpenIdConnect,
                "mutualTLS" => SecuritySchemeKind::MutualTls,
                other => SecuritySchemeKind::Unsupported {
                    scheme: other.to_owned(),
                },
            };
            SecurityScheme {
                name: name.clone(),
                kind,
                description: non_empty(scheme.get("description")),
            }
        })
        .collect()
}

fn filter_keeps(filter: &OperationFilter, path: &str, operation: &Map<String, Value>) -> bool {
    let tags: Vec<&str> = operation
        .get("tags")
        .and_then(Value::as_array)
        .map(|tags| tags.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let operation_id = operation.get("operationId").and_then(Value::as_str);
    let tag_matches = |wanted: &[String]| wanted.iter().any(|tag| tags.contains(&tag.as_str()));
    let id_matches = |wanted: &[String]| wanted.iter().any(|id| Some(id.as_str()) == operation_id);
    let path_matches =
        |patterns: &[String]| patterns.iter().any(|pattern| glob_matches(pattern, path));
    let has_include = !filter.include_tags.is_empty()
        || !filter.include_operation_ids.is_empty()
        || !filter.include_paths.is_empty();
    let included = !has_include
        || tag_matches(&filter.include_tags)
        || id_matches(&filter.include_operation_ids)
        || path_matches(&filter.include_paths);
    let excluded = tag_matches(&filter.exclude_tags)
        || id_matches(&filter.exclude_operation_ids)
        || path_matches(&filter.exclude_paths);
    included && !excluded
}

/// Glob match: `**` any run of characters, `*` any run without `/`, `?` one character.
pub(crate) fn glob_matches(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    glob(&pattern, &text)
}

fn glob(pattern: &[char], text: &[char]) -> bool {
    match pattern.first() {
        None => text.is_empty(),
        Some('*') if pattern.get(1) == Some(&'*') => {
            (0..=text.len()).any(|start| glob(&pattern[2..], &text[start..]))
        }
        Some('*') => {
            for start in 0..=text.len() {
                if glob(&pattern[1..], &text[start..]) {
                    return true;
                }
                if text.get(start) == Some(&'/') {
                    return false;
                }
            }
            false
        }
        Some('?') => !text.is_empty() && glob(&pattern[1..], &text[1..]),
        Some(literal) => text.first() == Some(literal) && glob(&pattern[1..], &text[1..]),
    }
}
