//! Parsing bytes into a JSON value, recognising the OpenAPI version, and resolving `$ref`s within the document and the external files supplied.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

use crate::error::ConvertError;

/// The OpenAPI flavour a document is written in; it decides how schemas and parameters read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Swagger2,
    Oas30,
    /// 3.1, and 3.2 read as 3.1: schemas are JSON Schema 2020-12.
    Oas31,
}

/// Which file a value lives in: `None` is the root document, `Some(path)` an external file
/// named by its normalised path relative to the root document's directory.
pub(crate) type FileId = Option<Arc<str>>;

/// A place in one of the documents.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Location {
    pub file: FileId,
    /// JSON pointer (already percent-decoded) inside that file.
    pub pointer: String,
}

impl Location {
    pub fn root(pointer: impl Into<String>) -> Location {
        Location {
            file: None,
            pointer: pointer.into(),
        }
    }

    /// `pointer` for the root document, `file#pointer` for an external one; used in warnings.
    pub fn display(&self) -> String {
        match &self.file {
            None => pointer_or_root(&self.pointer),
            Some(file) => format!("{file}#{}", self.pointer),
        }
    }

    pub fn child(&self, token: &str) -> Location {
        Location {
            file: self.file.clone(),
            pointer: push_token(&self.pointer, token),
        }
    }
}

fn pointer_or_root(pointer: &str) -> String {
    if pointer.is_empty() {
        "/".to_owned()
    } else {
        pointer.to_owned()
    }
}

/// Appends one reference token to a JSON pointer, escaping `~` and `/`.
pub(crate) fn push_token(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for character in token.chars() {
        match character {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            other => out.push(other),
        }
    }
    out
}

/// Why a `$ref` could not be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RefError {
    NotAString,
    Remote(String),
    MissingFile(String),
    BadFile { file: String, reason: String },
    NotFound(String),
    Cycle(String),
}

impl RefError {
    pub fn describe(&self) -> String {
        match self {
            RefError::NotAString => "$ref is not a string".to_owned(),
            RefError::Remote(target) => format!("remote $ref {target:?} is never fetched"),
            RefError::MissingFile(file) => {
                format!("$ref names external file {file:?}, which was not supplied")
            }
            RefError::BadFile { file, reason } => {
                format!("external file {file:?} does not parse: {reason}")
            }
            RefError::NotFound(target) => format!("$ref {target:?} points to nothing"),
            RefError::Cycle(target) => format!("$ref {target:?} is part of a reference cycle"),
        }
    }
}

/// The root document plus the external files, with `$id`/`$anchor` indexes for 3.1.
pub(crate) struct Documents {
    pub root: Value,
    pub dialect: Dialect,
    external: HashMap<String, Result<Value, String>>,
    /// `$id` value of a component schema -> its location (3.1 only).
    ids: HashMap<String, Location>,
    /// (`$id` of the enclosing component schema, anchor name) -> location (3.1 only).
    anchors: HashMap<(String, String), Location>,
}

/// How many `$ref` hops a chain of references may take before it is called a cycle.
const MAX_REF_HOPS: usize = 64;

impl Documents {
    pub fn new(
        bytes: &[u8],
        external_files: &HashMap<String, Vec<u8>>,
    ) -> Result<Documents, ConvertError> {
        let root = parse_bytes(bytes).map_err(|reason| ConvertError::Parse { reason })?;
        let dialect = detect_dialect(&root)?;
        let external = external_files
            .iter()
            .map(|(path, bytes)| (normalise_path(path), parse_bytes(bytes)))
            .collect();
        let mut documents = Documents {
            root,
            dialect,
            external,
            ids: HashMap::new(),
            anchors: HashMap::new(),
        };
        if dialect == Dialect::Oas31 {
            documents.index_ids();
        }
        Ok(documents)
    }

    /// Looks up the value at `location`, or `None` when it does not exist.
    pub fn get(&self, location: &Location) -> Result<&Value, RefError> {
        let document = match &location.file {
            None => &self.root,
            Some(file) => match self.external.get(file.as_ref()) {
                None => return Err(RefError::MissingFile(file.to_string())),
                Some(Err(reason)) => {
                    return Err(RefError::BadFile {
                        file: file.to_string(),
                        reason: reason.clone(),
                    });
                }
                Some(Ok(value)) => value,
            },
        };
        document
            .pointer(&location.pointer)
            .ok_or_else(|| RefError::NotFound(location.display()))
    }

    /// Turns the `$ref` string found in `file` into the location it names.
    pub fn target(&self, reference: &Value, file: &FileId) -> Result<Location, RefError> {
        let reference = reference.as_str().ok_or(RefError::NotAString)?;
        if reference.contains("://") || reference.starts_with("//") {
            // 3.1 documents may name a component by its `$id`, which is often an absolute URL.
            if let Some(location) = self.by_id(reference) {
                return Ok(location);
            }
            return Err(RefError::Remote(reference.to_owned()));
        }
        let (path, fragment) = match reference.split_once('#') {
            Some((path, fragment)) => (path, fragment),
            None => (reference, ""),
        };
        let fragment = percent_decode(fragment);
        if path.is_empty() {
            return Ok(Location {
                file: file.clone(),
                pointer: fragment,
            });
        }
        if let Some(location) = self.by_id(reference) {
            return Ok(location);
        }
        let base_dir = match file {
            Some(file) => file.rsplit_once('/').map(|(dir, _)| dir).unwrap_or(""),
            None => "",
        };
        let joined = if base_dir.is_empty() {
            path.to_owned()
        } else {
            format!("{base_dir}/{path}")
        };
        let normalised = normalise_path(&percent_decode(&joined));
        if !self.external.contains_key(&normalised) {
            return Err(RefError::MissingFile(normalised));
        }
        Ok(Location {
            file: Some(Arc::from(normalised)),
            pointer: fragment,
        })
    }

    /// Follows `$ref`s from `value` (found at `location`) until a value without one;
    /// returns that value and where it lives, so refs inside it resolve against its file.
    pub fn follow<'a>(
        &'a self,
        value: &'a Value,
        location: &Location,
    ) -> Result<(&'a Value, Location), RefError> {
        let mut current = value;
        let mut current_location = location.clone();
        for _ in 0..MAX_REF_HOPS {
            let Some(reference) = current.as_object().and_then(|object| object.get("$ref")) else {
                return Ok((current, current_location));
            };
            let target = self.target(reference, &current_location.file)?;
            current = self.get(&target)?;
            current_location = target;
        }
        Err(RefError::Cycle(current_location.display()))
    }

    fn by_id(&self, reference: &str) -> Option<Location> {
        if let Some(location) = self.ids.get(reference) {
            return Some(location.clone());
        }
        let (id, fragment) = reference.split_once('#')?;
        let base = self.ids.get(id)?;
        if fragment.starts_with('/') {
            return Some(Location {
                file: base.file.clone(),
                pointer: format!("{}{}", base.pointer, percent_decode(fragment)),
            });
        }
        if fragment.is_empty() {
            return Some(base.clone());
        }
        self.anchors
            .get(&(id.to_owned(), fragment.to_owned()))
            .cloned()
    }

    /// Records `$id` of each component schema and the `$anchor`s inside it.
    fn index_ids(&mut self) {
        let Some(schemas) = self
            .root
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        else {
            return;
        };
        let mut ids = HashMap::new();
        let mut anchors = HashMap::new();
        for (name, schema) in schemas {
            let location = Location::root("/components/schemas").child(name);
            let Some(id) = schema.get("$id").and_then(Value::as_str) else {
                continue;
            };
            ids.insert(id.to_owned(), location.clone());
            let mut stack = vec![(schema, location)];
            while let Some((node, node_location)) = stack.pop() {
                match node {
                    Value::Object(object) => {
                        if let Some(anchor) = object.get("$anchor").and_then(Value::as_str) {
                            anchors
                                .insert((id.to_owned(), anchor.to_owned()), node_location.clone());
                        }
                        for (key, child) in object {
                            stack.push((child, node_location.child(key)));
                        }
                    }
                    Value::Array(items) => {
                        for (index, child) in items.iter().enumerate() {
                            stack.push((child, node_location.child(&index.to_string())));
                        }
                    }
                    _ => {}
                }
            }
        }
        self.ids = ids;
        self.anchors = anchors;
    }
}

/// Parses JSON or YAML into a JSON value. YAML mapping keys that are numbers or booleans
/// (an unquoted `200:` response code) become strings.
pub(crate) fn parse_bytes(bytes: &[u8]) -> Result<Value, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = bytes.iter().find(|byte| !byte.is_ascii_whitespace());
    let json_error = if first == Some(&b'{') || first == Some(&b'[') {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(value) => return Ok(value),
            Err(error) => Some(error.to_string()),
        }
    } else {
        None
    };
    let text = std::str::from_utf8(bytes).map_err(|error| format!("not UTF-8: {error}"))?;
    crate::yaml::to_json(text, crate::yaml::max_nodes(text.len())).map_err(|yaml_error| {
        match json_error {
            Some(json_error) => format!("json: {json_error}; yaml: {yaml_error}"),
            None => format!("yaml: {yaml_error}"),
        }
    })
}

fn detect_dialect(root: &Value) -> Result<Dialect, ConvertError> {
    let Some(object) = root.as_object() else {
        return Err(ConvertError::NotOpenApi {
            reason: "the top level is not a mapping".to_owned(),
        });
    };
    let version_of = |key: &str| {
        object.get(key).map(|value| match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        })
    };
    if let Some(version) = version_of("openapi") {
        return if version.starts_with("3.0") {
            Ok(Dialect::Oas30)
        } else if version.starts_with("3.1") || version.starts_with("3.2") {
            Ok(Dialect::Oas31)
        } else {
            Err(ConvertError::UnsupportedVersion { version })
        };
    }
    if let Some(version) = version_of("swagger") {
        return if version == "2.0" || version == "2" {
            Ok(Dialect::Swagger2)
        } else {
            Err(ConvertError::UnsupportedVersion { version })
        };
    }
    Err(ConvertError::NotOpenApi {
        reason: "neither an \"openapi\" nor a \"swagger\" field".to_owned(),
    })
}

/// Removes `.` and `..` segments that can be folded; leading `..` stay (files beside the
/// root document's directory, like `../common/Error.json`).
pub(crate) fn normalise_path(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                if segments.last().is_some_and(|last| *last != "..") {
                    segments.pop();
                } else {
                    segments.push("..");
                }
            }
            other => segments.push(other),
        }
    }
    segments.join("/")
}

fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' && index + 2 < bytes.len() {
            let high = (bytes[index + 1] as char).to_digit(16);
            let low = (bytes[index + 2] as char).to_digit(16);
            if let (Some(high), Some(low)) = (high, low) {
                out.push((high * 16 + low) as u8);
                index += 3;
                continue;
            }
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
