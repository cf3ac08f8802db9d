//! OpenAPI schemas (Swagger 2.0, 3.0, 3.1) to JSON Schema 2020-12, every referenced schema kept once under `$defs` so recursive ones never expand.

use std::collections::{HashMap, HashSet, VecDeque};

use serde_json::{Map, Value};

use crate::document::{Dialect, Documents, Location};
use crate::error::ConvertWarning;
use crate::names::UniqueNames;

/// Converted schemas of the whole document, by the location their `$ref`s name.
///
/// Each referenced schema is converted once and shared by every tool that uses it; a tool
/// copies the transitive closure of what it references into its own `$defs`.
#[derive(Default)]
pub(crate) struct SchemaRegistry {
    by_location: HashMap<Location, usize>,
    defs: Vec<Def>,
    used_names: UniqueNames,
    pending: VecDeque<usize>,
}

struct Def {
    name: String,
    location: Location,
    schema: Value,
    /// Serialised size in bytes as an entry of `$defs`, for the per-tool budget.
    size: usize,
    /// Indices of the defs this one refers to directly.
    deps: Vec<usize>,
}

/// What one conversion pass refers to: the defs a tool must carry.
#[derive(Default)]
pub(crate) struct Refs {
    pub defs: Vec<usize>,
}

/// What [`SchemaRegistry::attach_defs`] left out of one schema.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DefsCut {
    /// Defs referred to but not carried (their references became unconstrained schemas).
    pub omitted: usize,
    /// Levels of references carried.
    pub depth: usize,
}

const JSON_TYPES: [&str; 7] = [
    "null", "boolean", "object", "array", "number", "string", "integer",
];

impl SchemaRegistry {
    /// Converts the schema `node` found at `location`, registering the schemas it refers to.
    pub fn convert(
        &mut self,
        documents: &Documents,
        node: &Value,
        location: &Location,
        refs: &mut Refs,
        warnings: &mut Vec<ConvertWarning>,
    ) -> Value {
        let mut pointer = location.pointer.clone();
        let mut converter = Converter {
            documents,
            registry: self,
            refs,
            warnings,
            file: location,
            pointer: &mut pointer,
        };
        let converted = converter.schema(node);
        self.drain(documents, warnings);
        converted
    }

    /// Adds to `schema` a `$defs` object with the defs `refs` reaches, level by level (the
    /// defs the schema names, then the defs those name...), at most `max_depth` levels and
    /// `max_bytes` of defs (approximate JSON bytes). The level where the bytes run out keeps
    /// what fits in reference order and is the last; references to every def left out
    /// become unconstrained schemas. So the deepest branches go first, then the farthest
    /// of the last level kept.
    ///
    /// Without the budget, documents whose schemas all reach each other (Kubernetes, or a
    /// generated document) would copy the whole schema graph into every tool: quadratic
    /// in time and memory, and useless to a model that must read the tool list.
    pub fn attach_defs(
        &self,
        schema: &mut Map<String, Value>,
        refs: &Refs,
        max_bytes: usize,
        max_depth: usize,
    ) -> DefsCut {
        let mut cut = DefsCut::default();
        if refs.defs.is_empty() {
            return cut;
        }
        let mut included: Vec<usize> = Vec::new();
        let mut seen: HashSet<usize> = HashSet::new();
        let mut level: Vec<usize> = refs.defs.clone();
        let mut total = 0;
        let mut depth = 0;
        while !level.is_empty() {
            depth += 1;
            level.retain(|index| seen.insert(*index));
            if depth > max_depth {
                break;
            }
            let level_size: usize = level
                .iter()
                .filter_map(|index| self.defs.get(*index))
                .map(|def| def.size)
                .sum();
            let whole = total + level_size <= max_bytes;
            let mut next = Vec::new();
            for index in &level {
                let Some(def) = self.defs.get(*index) else {
                    continue;
                };
                if total + def.size > max_bytes {
                    continue;
                }
                total += def.size;
                included.push(*index);
                next.extend(def.deps.iter().copied());
            }
            cut.depth = depth;
            if !whole {
                break;
            }
            level = next;
        }
        let kept: HashSet<usize> = included.iter().copied().collect();
        let mut omitted: HashSet<&str> = HashSet::new();
        for index in refs.defs.iter().chain(
            included
                .iter()
                .filter_map(|index| self.defs.get(*index))
                .flat_map(|def| def.deps.iter()),
        ) {
            if !kept.contains(index) {
                omitted.insert(self.def_name(*index));
            }
        }
        cut.omitted = omitted.len();
        included.sort_unstable();
        let mut defs = Map::new();
        for index in included {
            if let Some(def) = self.defs.get(index) {
                let mut copy = def.schema.clone();
                if !omitted.is_empty() {
                    drop_refs(&mut copy, &omitted);
                }
                defs.insert(def.name.clone(), copy);
            }
        }
        if !omitted.is_empty() {
            // The schema itself may be a `$ref` (an output schema naming one definition).
            let mut whole = Value::Object(std::mem::take(schema));
            drop_refs(&mut whole, &omitted);
            if let Value::Object(map) = whole {
                *schema = map;
            }
        }
        if !defs.is_empty() {
            schema.insert("$defs".to_owned(), Value::Object(defs));
        }
        cut
    }

    /// [`Self::attach_defs`] so the whole schema, `$defs` and the notes on what was cut
    /// included, serialises within `max_bytes` (its own size beyond that is left as it is).
    pub fn attach_defs_within(
        &self,
        schema: &mut Map<String, Value>,
        refs: &Refs,
        max_bytes: usize,
        max_depth: usize,
    ) -> DefsCut {
        let own = crate::budget::map_size(schema);
        // `,"$defs":{}` around the definitions.
        let mut room = max_bytes.saturating_sub(own + 11);
        let mut last = DefsCut::default();
        // Each pass shrinks the room by the overshoot (the notes on cut references), so a
        // few passes settle; the last one carries no definitions at all.
        for pass in 0..4 {
            let mut attempt = schema.clone();
            let room_now = if pass == 3 { 0 } else { room };
            last = self.attach_defs(&mut attempt, refs, room_now, max_depth);
            let size = crate::budget::map_size(&attempt);
            if size <= max_bytes.max(own) || pass == 3 {
                *schema = attempt;
                return last;
            }
            room = room.saturating_sub(size - max_bytes.max(own));
        }
        last
    }

    /// Keeps in `refs` only the defs `schema` still names (after parts of it were cut).
    pub fn retain_referenced(&self, refs: &mut Refs, schema: &Map<String, Value>) {
        let mut named = HashSet::new();
        for value in schema.values() {
            collect_def_names(value, &mut named);
        }
        refs.defs
            .retain(|index| named.contains(self.def_name(*index)));
    }

    /// Index of the def for `location`, registering (and queueing for conversion) a new one.
    fn def_index(&mut self, location: &Location) -> usize {
        if let Some(index) = self.by_location.get(location) {
            return *index;
        }
        let name = self.unique_name(location);
        let index = self.defs.len();
        self.defs.push(Def {
            name,
            location: location.clone(),
            schema: Value::Bool(true),
            size: 0,
            deps: Vec::new(),
        });
        self.by_location.insert(location.clone(), index);
        self.pending.push_back(index);
        index
    }

    fn def_name(&self, index: usize) -> &str {
        self.defs
            .get(index)
            .map(|def| def.name.as_str())
            .unwrap_or("")
    }

    fn unique_name(&mut self, location: &Location) -> String {
        let last = location.pointer.rsplit('/').next().unwrap_or("");
        let raw = if last.is_empty() {
            // The whole file is the schema: name it after the file.
            location
                .file
                .as_deref()
                .and_then(|file| file.rsplit('/').next())
                .map(|file| file.split('.').next().unwrap_or(file))
                .unwrap_or("schema")
                .to_owned()
        } else {
            last.replace("~1", "/").replace("~0", "~")
        };
        let mut base: String = raw
            .chars()
            .map(|character| {
                if character.is_ascii_alphanumeric() || "_.-".contains(character) {
                    character
                } else {
                    '_'
                }
            })
            .collect();
        if base.is_empty() {
            base.push_str("schema");
        }
        // A taken name gets a suffix from where the schema lives, not from how many came
        // first: a document that gains schemas does not rename the ones it had.
        let place = location.display();
        let place = match &location.file {
            Some(file) if !place.starts_with(file.as_ref()) => format!("{file}#{place}"),
            _ => place,
        };
        self.used_names.claim_stable(&base, &place, usize::MAX)
    }

    /// Converts queued defs until none are left; conversion may queue more.
    fn drain(&mut self, documents: &Documents, warnings: &mut Vec<ConvertWarning>) {
        while let Some(index) = self.pending.pop_front() {
            let Some(location) = self.defs.get(index).map(|def| def.location.clone()) else {
                continue;
            };
            let mut refs = Refs::default();
            let schema = match documents.get(&location) {
                Ok(node) => {
                    let mut pointer = location.pointer.clone();
                    let mut converter = Converter {
                        documents,
                        registry: self,
                        refs: &mut refs,
                        warnings,
                        file: &location,
                        pointer: &mut pointer,
                    };
                    converter.schema(node)
                }
                // The referrer already checked the target exists; this is unreachable in practice.
                Err(_) => Value::Object(Map::new()),
            };
            if let Some(def) = self.defs.get_mut(index) {
                // Its entry under `$defs`: quoted name, colon, schema, comma.
                def.size = crate::budget::json_size(&schema) + def.name.len() + 4;
                def.schema = schema;
                def.deps = refs.defs;
            }
        }
    }
}

struct Converter<'a> {
    documents: &'a Documents,
    registry: &'a mut SchemaRegistry,
    refs: &'a mut Refs,
    warnings: &'a mut Vec<ConvertWarning>,
    /// Where the schema being converted starts; its file resolves relative `$ref`s.
    file: &'a Location,
    /// JSON pointer of the node being converted, kept as a stack for warnings.
    pointer: &'a mut String,
}

impl Converter<'_> {
    fn warn(&mut self, message: String) {
        let location = Location {
            file: self.file.file.clone(),
            pointer: self.pointer.clone(),
        };
        self.warnings.push(ConvertWarning {
            pointer: location.display(),
            message,
        });
    }

    fn at<T>(&mut self, token: &str, work: impl FnOnce(&mut Self) -> T) -> T {
        let length = self.pointer.len();
        self.pointer.push('/');
        for character in token.chars() {
            match character {
                '~' => self.pointer.push_str("~0"),
                '/' => self.pointer.push_str("~1"),
                other => self.pointer.push(other),
            }
        }
        let result = work(self);
        self.pointer.truncate(length);
        result
    }

    fn schema(&mut self, node: &Value) -> Value {
        let object = match node {
            Value::Object(object) => object,
            Value::Bool(flag) => return Value::Bool(*flag),
            _ => {
                self.warn("schema is not an object; treated as unconstrained".to_owned());
                return Value::Object(Map::new());
            }
        };
        let dialect = self.documents.dialect;
        let mut out = Map::new();
        let mut nullable = false;
        let mut exclusive_maximum = false;
        let mut exclusive_minimum = false;
        for (key, value) in object {
            match key.as_str() {
                "$ref" => {
                    if let Some(reference) = self.reference(value) {
                        out.insert(key.clone(), Value::String(reference));
                    }
                }
                "properties" | "patternProperties" | "$defs" | "definitions"
                | "dependentSchemas" => {
                    if let Value::Object(children) = value {
                        let converted = self.at(key, |this| {
                            children
                                .iter()
                                .map(|(name, child)| {
                                    (name.clone(), this.at(name, |this| this.schema(child)))
                                })
                                .collect::<Map<String, Value>>()
                        });
                        out.insert(key.clone(), Value::Object(converted));
                    }
                }
                "items" => match value {
                    Value::Array(items) => {
                        // Draft 4 tuple form; 2020-12 spells it prefixItems.
                        if !items.is_empty() {
                            let converted = self.at(key, |this| this.schema_list(items));
                            out.insert("prefixItems".to_owned(), Value::Array(converted));
                        }
                    }
                    other => {
                        let converted = self.at(key, |this| this.schema(other));
                        out.insert(key.clone(), converted);
                    }
                },
                "additionalProperties"
                | "not"
                | "contains"
                | "if"
                | "then"
                | "else"
                | "propertyNames"
                | "additionalItems"
                | "unevaluatedItems"
                | "unevaluatedProperties"
                | "contentSchema" => {
                    let converted = self.at(key, |this| this.schema(value));
                    out.insert(key.clone(), converted);
                }
                "allOf" | "anyOf" | "oneOf" | "prefixItems" => {
                    if let Value::Array(items) = value
                        && !items.is_empty()
                    {
                        let converted = self.at(key, |this| this.schema_list(items));
                        out.insert(key.clone(), Value::Array(converted));
                    }
                }
                "nullable" | "x-nullable" => nullable = value.as_bool() == Some(true),
                "exclusiveMaximum" | "exclusiveMinimum" => match value {
                    Value::Bool(flag) => {
                        if key == "exclusiveMaximum" {
                            exclusive_maximum = *flag;
                        } else {
                            exclusive_minimum = *flag;
                        }
                    }
                    Value::Number(_) => {
                        out.insert(key.clone(), value.clone());
                    }
                    _ => {}
                },
                "example" => {
                    if !object.contains_key("examples") {
                        out.insert("examples".to_owned(), Value::Array(vec![value.clone()]));
                    }
                }
                "examples" => {
                    let examples = match value {
                        Value::Array(_) => value.clone(),
                        // 3.0 has no schema `examples`; some documents use the media-type map form.
                        Value::Object(map) => Value::Array(map.values().cloned().collect()),
                        other => Value::Array(vec![other.clone()]),
                    };
                    out.insert(key.clone(), examples);
                }
                "type" => {
                    if let Some(converted) = self.type_keyword(value, &mut out) {
                        out.insert(key.clone(), converted);
                    }
                }
                "required" => {
                    if let Value::Array(names) = value {
                        let mut seen = HashSet::new();
                        let names: Vec<Value> = names
                            .iter()
                            .filter_map(Value::as_str)
                            .filter(|name| seen.insert(*name))
                            .map(|name| Value::String(name.to_owned()))
                            .collect();
                        out.insert(key.clone(), Value::Array(names));
                    }
                }
                "enum" => {
                    if let Value::Array(_) = value {
                        out.insert(key.clone(), value.clone());
                    }
                }
                "format" | "pattern" | "title" | "description" | "$comment"
                | "contentMediaType" | "contentEncoding" => {
                    if value.is_string() {
                        out.insert(key.clone(), value.clone());
                    }
                }
                "multipleOf" => {
                    if value.as_f64().is_some_and(|number| number > 0.0) {
                        out.insert(key.clone(), value.clone());
                    }
                }
                "maximum" | "minimum" => {
                    if value.is_number() {
                        out.insert(key.clone(), value.clone());
                    }
                }
                "maxLength" | "minLength" | "maxItems" | "minItems" | "maxProperties"
                | "minProperties" | "maxContains" | "minContains" => {
                    if value.as_u64().is_some() {
                        out.insert(key.clone(), value.clone());
                    }
                }
                "uniqueItems" | "readOnly" | "writeOnly" | "deprecated" => {
                    if value.is_boolean() {
                        out.insert(key.clone(), value.clone());
                    }
                }
                "dependentRequired" => {
                    if value.as_object().is_some_and(|map| {
                        map.values().all(|names| {
                            names
                                .as_array()
                                .is_some_and(|names| names.iter().all(Value::is_string))
                        })
                    }) {
                        out.insert(key.clone(), value.clone());
                    }
                }
                // Base-URI and dialect keywords would change how `#/$defs/...` resolves inside
                // the tool schema; OpenAPI-only keywords mean nothing to a JSON Schema reader.
                "$id" | "$schema" | "$anchor" | "$dynamicAnchor" | "$dynamicRef"
                | "$vocabulary" | "$recursiveRef" | "$recursiveAnchor" | "discriminator"
                | "xml" | "externalDocs" => {}
                other if other.starts_with("x-") => {}
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        if exclusive_maximum && let Some(maximum) = out.remove("maximum") {
            out.insert("exclusiveMaximum".to_owned(), maximum);
        }
        if exclusive_minimum && let Some(minimum) = out.remove("minimum") {
            out.insert("exclusiveMinimum".to_owned(), minimum);
        }
        if nullable && dialect != Dialect::Oas31 {
            return make_nullable(out);
        }
        Value::Object(out)
    }

    fn schema_list(&mut self, items: &[Value]) -> Vec<Value> {
        items
            .iter()
            .enumerate()
            .map(|(index, item)| self.at(&index.to_string(), |this| this.schema(item)))
            .collect()
    }

    /// Checks a `type` keyword; Swagger's `file` becomes a binary string.
    fn type_keyword(&mut self, value: &Value, out: &mut Map<String, Value>) -> Option<Value> {
        let convert_one = |name: &str, out: &mut Map<String, Value>| -> Option<String> {
            if name == "file" {
                out.entry("format")
                    .or_insert_with(|| Value::String("binary".to_owned()));
                return Some("string".to_owned());
            }
            JSON_TYPES.contains(&name).then(|| name.to_owned())
        };
        match value {
            Value::String(name) => match convert_one(name, out) {
                Some(name) => Some(Value::String(name)),
                None => {
                    self.at("type", |this| {
                        this.warn(format!("unknown type {name:?} dropped"))
                    });
                    None
                }
            },
            Value::Array(names) => {
                let mut seen = Vec::new();
                for name in names.iter().filter_map(Value::as_str) {
                    if let Some(name) = convert_one(name, out)
                        && !seen.contains(&name)
                    {
                        seen.push(name);
                    }
                }
                if seen.is_empty() {
                    None
                } else {
                    Some(Value::Array(seen.into_iter().map(Value::String).collect()))
                }
            }
            _ => None,
        }
    }

    /// Rewrites a `$ref` to `#/$defs/<name>`, or `None` (the schema stays unconstrained)
    /// with a warning when it cannot be followed.
    fn reference(&mut self, value: &Value) -> Option<String> {
        let target = self
            .documents
            .target(value, &self.file.file)
            .and_then(|target| {
                self.documents.get(&target)?;
                Ok(target)
            });
        match target {
            Ok(target) => {
                let index = self.registry.def_index(&target);
                self.refs.defs.push(index);
                Some(format!("#/$defs/{}", self.registry.def_name(index)))
            }
            Err(error) => {
                self.at("$ref", |this| {
                    this.warn(format!(
                        "{}; the schema is left unconstrained",
                        error.describe()
                    ))
                });
                None
            }
        }
    }
}

/// OpenAPI 3.0 `nullable: true` in JSON Schema terms.
fn make_nullable(mut schema: Map<String, Value>) -> Value {
    match schema.get_mut("type") {
        Some(Value::String(name)) => {
            let name = std::mem::take(name);
            schema.insert(
                "type".to_owned(),
                Value::Array(vec![Value::String(name), Value::String("null".to_owned())]),
            );
        }
        Some(Value::Array(names)) => {
            if !names.iter().any(|name| name == "null") {
                names.push(Value::String("null".to_owned()));
            }
        }
        _ => {
            // No type to widen (a `$ref` or composition): allow null beside the whole schema.
            let mut wrapper = Map::new();
            wrapper.insert(
                "anyOf".to_owned(),
                Value::Array(vec![
                    Value::Object(schema),
                    serde_json::json!({ "type": "null" }),
                ]),
            );
            return Value::Object(wrapper);
        }
    }
    if let Some(Value::Array(values)) = schema.get_mut("enum")
        && !values.iter().any(Value::is_null)
    {
        values.push(Value::Null);
    }
    Value::Object(schema)
}

/// Replaces `{"$ref": "#/$defs/<omitted>", ...}` by the same object without the `$ref`
/// (an unconstrained schema that keeps its annotations).
fn drop_refs(value: &mut Value, omitted: &HashSet<&str>) {
    match value {
        Value::Object(object) => {
            let is_omitted = object
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|reference| reference.strip_prefix("#/$defs/"))
                .is_some_and(|name| omitted.contains(name));
            if is_omitted {
                object.remove("$ref");
                object
                    .entry("description")
                    .or_insert_with(|| Value::String(crate::budget::CUT_NOTE.to_owned()));
            }
            for child in object.values_mut() {
                drop_refs(child, omitted);
            }
        }
        Value::Array(items) => {
            for child in items {
                drop_refs(child, omitted);
            }
        }
        _ => {}
    }
}

/// Names of the defs that `#/$defs/<name>` references in `value` point to.
fn collect_def_names<'v>(value: &'v Value, names: &mut HashSet<&'v str>) {
    match value {
        Value::Object(object) => {
            if let Some(name) = object
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|reference| reference.strip_prefix("#/$defs/"))
            {
                names.insert(name);
            }
            for child in object.values() {
                collect_def_names(child, names);
            }
        }
        Value::Array(items) => {
            for child in items {
                collect_def_names(child, names);
            }
        }
        _ => {}
    }
}
