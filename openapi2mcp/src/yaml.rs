//! YAML text to a JSON value under a node budget, so aliases cannot expand a small document into a huge one.
//!
//! The "billion laughs" shape: N anchors, each aliasing the previous one.
//!
//! The YAML parser replays an anchored node every time an alias names it. Counting nodes as
//! the visitor receives them therefore counts the expanded document, and stopping at the
//! budget stops the replay: work and memory stay proportional to the budget, whatever the
//! aliases would expand to.

use std::cell::Cell;
use std::fmt;

use serde::de::{DeserializeSeed, EnumAccess, Error as _, MapAccess, SeqAccess, VariantAccess};
use serde::{Deserializer, de::Visitor};
use serde_json::{Map, Number, Value};

/// The fewest nodes any document may expand to. A document without aliases has at most one
/// node per byte, so [`max_nodes`] never refuses one; aliases may grow a small document to
/// this many nodes (tens of megabytes as JSON values), and a large one to its own size.
pub const MIN_NODE_BUDGET: usize = 1_000_000;

/// The node budget for a YAML text of `text_len` bytes.
pub fn max_nodes(text_len: usize) -> usize {
    text_len.max(MIN_NODE_BUDGET)
}

/// Parses one YAML document (JSON is YAML) into a JSON value, refusing it once it expands to
/// more than `max_nodes` nodes. Mapping keys that are numbers or booleans (an unquoted `200:`
/// response code) become strings; `<<` merge keys are applied; tags are dropped; integers
/// beyond 64 bits become floats, as JSON readers treat them.
pub fn to_json(text: &str, max_nodes: usize) -> Result<Value, String> {
    let budget = Budget {
        remaining: Cell::new(max_nodes),
        limit: max_nodes,
    };
    let deserializer = serde_norway::Deserializer::from_str(text);
    NodeSeed { budget: &budget }
        .deserialize(deserializer)
        .map_err(|error| error.to_string())
}

struct Budget {
    remaining: Cell<usize>,
    limit: usize,
}

impl Budget {
    fn take<E: serde::de::Error>(&self) -> Result<(), E> {
        match self.remaining.get().checked_sub(1) {
            Some(left) => {
                self.remaining.set(left);
                Ok(())
            }
            None => Err(E::custom(format!(
                "the document expands to more than {} nodes (through aliases)",
                self.limit
            ))),
        }
    }
}

#[derive(Clone, Copy)]
struct NodeSeed<'a> {
    budget: &'a Budget,
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NodeSeed<'_> {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any YAML node")
    }

    fn visit_bool<E: serde::de::Error>(self, flag: bool) -> Result<Value, E> {
        self.budget.take()?;
        Ok(Value::Bool(flag))
    }

    fn visit_i64<E: serde::de::Error>(self, integer: i64) -> Result<Value, E> {
        self.budget.take()?;
        Ok(Value::from(integer))
    }

    fn visit_u64<E: serde::de::Error>(self, integer: u64) -> Result<Value, E> {
        self.budget.take()?;
        Ok(Value::from(integer))
    }

    // Published documents carry literals such as `-9223372036854776000` (a 64-bit bound
    // printed through a float); JSON readers take them as floats, and so do we.
    fn visit_i128<E: serde::de::Error>(self, integer: i128) -> Result<Value, E> {
        self.visit_f64(integer as f64)
    }

    fn visit_u128<E: serde::de::Error>(self, integer: u128) -> Result<Value, E> {
        self.visit_f64(integer as f64)
    }

    fn visit_f64<E: serde::de::Error>(self, float: f64) -> Result<Value, E> {
        self.budget.take()?;
        // NaN and infinities have no JSON form; keep them as text.
        Ok(Number::from_f64(float)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(float.to_string())))
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Value, E> {
        self.budget.take()?;
        Ok(Value::String(text.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Value, E> {
        self.budget.take()?;
        Ok(Value::String(text))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        self.budget.take()?;
        Ok(Value::Null)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut sequence: A) -> Result<Value, A::Error> {
        self.budget.take()?;
        let mut items = Vec::new();
        while let Some(item) = sequence.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut mapping: A) -> Result<Value, A::Error> {
        self.budget.take()?;
        let mut object = Map::new();
        let mut merged: Vec<Value> = Vec::new();
        while let Some(key) = mapping.next_key_seed(self)? {
            let value = mapping.next_value_seed(self)?;
            if key.as_str() == Some("<<") {
                merged.push(value);
            } else {
                object.insert(key_text(key), value);
            }
        }
        // YAML merge keys: keys written in the mapping win over merged ones, and earlier
        // merged mappings over later ones.
        for source in merged {
            let sources = match source {
                Value::Array(sources) => sources,
                other => vec![other],
            };
            for source in sources {
                let Value::Object(entries) = source else {
                    return Err(A::Error::custom("a merge key (<<) must name mappings"));
                };
                for (key, value) in entries {
                    object.entry(key).or_insert(value);
                }
            }
        }
        Ok(Value::Object(object))
    }

    // A tagged node (`!tag value`) arrives as an enum; the tag is dropped.
    fn visit_enum<A: EnumAccess<'de>>(self, tagged: A) -> Result<Value, A::Error> {
        let (_tag, content) = tagged.variant::<serde::de::IgnoredAny>()?;
        content.newtype_variant_seed(self)
    }
}

fn key_text(key: Value) -> String {
    match key {
        Value::String(text) => text,
        Value::Null => "null".to_owned(),
        other => other.to_string(),
    }
}
