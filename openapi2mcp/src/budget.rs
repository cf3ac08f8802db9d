//! The per-tool budget (schema bytes, reference depth, description length) and the inline cut that keeps one converted tool small by construction.
//!
//! A tool carries its argument schema, the shared definitions it references (each once,
//! under `$defs`) and an output schema. Large documents reference whole schema graphs
//! (Kubernetes' `ObjectMeta` reaches hundreds of definitions), so a tool is fitted to the
//! budget: referenced definitions are carried level by level until the depth or the bytes
//! run out (the deepest levels go first), inline nesting is cut from the deepest level up,
//! and the output schema, least useful to a model choosing arguments, gets only what the
//! arguments left. What was cut is said at the end of the tool's description.

use serde_json::{Map, Value};

/// Largest serialised size of a tool's input and output schemas together, `$defs` included.
pub const DEFAULT_MAX_SCHEMA_BYTES: usize = 16 * 1024;
/// Levels of `$ref` a tool's schema follows (a definition the arguments name is level 1).
pub const DEFAULT_MAX_REF_DEPTH: usize = 6;
/// Longest tool description kept (bytes), before the note on what was cut.
pub const DEFAULT_MAX_DESCRIPTION_BYTES: usize = 4 * 1024;

/// Put in place of a schema the budget left out.
pub(crate) const CUT_NOTE: &str = "Not described: cut to fit the tool's schema budget";

/// How large one tool may be. See the module documentation for how it is fitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolBudget {
    pub max_schema_bytes: usize,
    pub max_ref_depth: usize,
    pub max_description_bytes: usize,
}

impl Default for ToolBudget {
    fn default() -> ToolBudget {
        ToolBudget {
            max_schema_bytes: DEFAULT_MAX_SCHEMA_BYTES,
            max_ref_depth: DEFAULT_MAX_REF_DEPTH,
            max_description_bytes: DEFAULT_MAX_DESCRIPTION_BYTES,
        }
    }
}

/// What fitting one tool left out, for the note in its description.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct ToolCut {
    /// Referenced definitions not carried.
    pub omitted_defs: usize,
    /// Deepest inline nesting kept, when nesting was cut.
    pub inline_depth: Option<usize>,
    pub output_dropped: bool,
    pub description_cut: bool,
}

impl ToolCut {
    pub fn is_empty(&self) -> bool {
        *self == ToolCut::default()
    }

    /// The sentence appended to the tool's description.
    pub fn note(&self, budget: &ToolBudget) -> String {
        let mut parts = Vec::new();
        if self.omitted_defs > 0 {
            parts.push(format!(
                "{} nested schema(s) beyond {} reference level(s) or the size limit are left open",
                self.omitted_defs, budget.max_ref_depth
            ));
        }
        if let Some(depth) = self.inline_depth {
            parts.push(format!(
                "fields nested deeper than {depth} level(s) are left open"
            ));
        }
        if self.output_dropped {
            parts.push("the result schema is omitted".to_owned());
        }
        if self.description_cut {
            parts.push("this description is shortened".to_owned());
        }
        format!(
            "[Schema shortened to fit {} KiB: {}.]",
            budget.max_schema_bytes / 1024,
            parts.join("; ")
        )
    }
}

/// Serialised JSON length of a value.
pub(crate) fn json_size(value: &Value) -> usize {
    serde_json::to_vec(value)
        .map(|bytes| bytes.len())
        .unwrap_or(usize::MAX)
}

pub(crate) fn map_size(map: &Map<String, Value>) -> usize {
    serde_json::to_vec(map)
        .map(|bytes| bytes.len())
        .unwrap_or(usize::MAX)
}

/// Cuts nested schemas of `schema` (not its `$defs`) from the deepest level up until it
/// serialises within `max_bytes`, never above `min_depth` (1 keeps the argument names of an
/// input schema). Returns the depth kept when something was cut.
pub(crate) fn cut_inline(
    schema: &mut Map<String, Value>,
    max_bytes: usize,
    min_depth: usize,
) -> Option<usize> {
    if map_size(schema) <= max_bytes {
        return None;
    }
    let deepest = schema_depth_of_map(schema, 0);
    let mut kept = None;
    let mut depth = deepest;
    while depth > min_depth {
        depth -= 1;
        cut_below_map(schema, 0, depth);
        kept = Some(depth);
        if map_size(schema) <= max_bytes {
            break;
        }
    }
    kept
}

/// Keywords whose value is one schema.
const SCHEMA_KEYWORDS: [&str; 12] = [
    "items",
    "additionalProperties",
    "not",
    "contains",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "additionalItems",
    "contentSchema",
];
/// Keywords whose value maps names to schemas (`$defs` is left to the definitions budget).
const SCHEMA_MAP_KEYWORDS: [&str; 3] = ["properties", "patternProperties", "dependentSchemas"];
/// Keywords whose value is a list of schemas.
const SCHEMA_LIST_KEYWORDS: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];

fn children_mut(object: &mut Map<String, Value>) -> Vec<&mut Value> {
    let mut children = Vec::new();
    for (key, value) in object.iter_mut() {
        let key = key.as_str();
        if SCHEMA_KEYWORDS.contains(&key) {
            children.push(value);
        } else if SCHEMA_MAP_KEYWORDS.contains(&key) {
            if let Value::Object(map) = value {
                children.extend(map.values_mut());
            }
        } else if SCHEMA_LIST_KEYWORDS.contains(&key)
            && let Value::Array(items) = value
        {
            children.extend(items.iter_mut());
        }
    }
    children
}

fn schema_depth_of_map(object: &Map<String, Value>, depth: usize) -> usize {
    let mut deepest = depth;
    for (key, value) in object {
        let key = key.as_str();
        let nested: Vec<&Value> = if SCHEMA_KEYWORDS.contains(&key) {
            vec![value]
        } else if SCHEMA_MAP_KEYWORDS.contains(&key) {
            value
                .as_object()
                .map(|map| map.values().collect())
                .unwrap_or_default()
        } else if SCHEMA_LIST_KEYWORDS.contains(&key) {
            value
                .as_array()
                .map(|items| items.iter().collect())
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        for child in nested {
            if let Value::Object(child) = child {
                deepest = deepest.max(schema_depth_of_map(child, depth + 1));
            }
        }
    }
    deepest
}

/// Replaces every schema deeper than `keep` by one that keeps only its type.
fn cut_below_map(object: &mut Map<String, Value>, depth: usize, keep: usize) {
    for child in children_mut(object) {
        if depth + 1 > keep {
            *child = cut_schema(child);
        } else if let Value::Object(child) = child {
            cut_below_map(child, depth + 1, keep);
        }
    }
}

fn cut_schema(schema: &Value) -> Value {
    let mut out = Map::new();
    if let Some(kind) = schema.get("type") {
        out.insert("type".to_owned(), kind.clone());
    }
    Value::Object(out)
}

/// `text` cut to at most `max_bytes` on a character boundary, with an ellipsis when cut.
pub(crate) fn cut_text(text: &str, max_bytes: usize) -> Option<String> {
    if text.len() <= max_bytes {
        return None;
    }
    let mut end = max_bytes.saturating_sub('…'.len_utf8());
    while end > 0 && !text.is_char_boundary(end) {
        end -= 1;
    }
    Some(format!("{}…", text[..end].trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn inline_cut_goes_from_the_deepest_level_and_keeps_arguments() {
        let Value::Object(mut schema) = json!({
            "type": "object",
            "properties": {
                "a": { "type": "object", "properties": { "b": { "type": "object", "properties": {
                    "c": { "type": "string", "description": "x".repeat(500) } } } } },
                "required_list": { "type": "array", "items": { "type": "integer" } }
            },
            "required": ["a"]
        }) else {
            return;
        };
        assert_eq!(cut_inline(&mut schema, 10_000, 1), None);
        let kept = cut_inline(&mut schema, 300, 1);
        assert_eq!(kept, Some(2));
        assert_eq!(
            schema["properties"]["a"]["properties"]["b"]["properties"]["c"],
            json!({"type": "string"})
        );
        assert_eq!(schema["required"], json!(["a"]));
        let kept = cut_inline(&mut schema, 10, 1);
        assert_eq!(kept, Some(1));
        // Depth 1 holds the arguments: they stay, their own fields lose what they held.
        assert_eq!(
            schema["properties"]["a"],
            json!({"type": "object", "properties": {"b": {"type": "object"}}})
        );
        assert_eq!(
            schema["properties"]["required_list"],
            json!({"type": "array", "items": {"type": "integer"}})
        );
    }

    #[test]
    fn text_is_cut_on_a_character_boundary() {
        assert_eq!(cut_text("short", 10), None);
        let cut = cut_text("ééééé", 6).unwrap_or_default();
        assert!(cut.len() <= 6, "{cut}");
        assert!(cut.ends_with('…'));
    }
}
