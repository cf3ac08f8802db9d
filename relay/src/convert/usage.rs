//! Token usage in one neutral shape, read from and written to each protocol's usage object with
//! cached and cache-creation tokens in that protocol's own fields.

use serde_json::{Map, Value, json};

/// Token counts of one response.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Every prompt token, cached and cache-written ones included.
    pub input: u64,
    /// Every generated token, reasoning included.
    pub output: u64,
    /// Prompt tokens read from a cache.
    pub cache_read: u64,
    /// Prompt tokens written to a cache (Anthropic).
    pub cache_creation: u64,
    /// Output tokens spent on reasoning.
    pub reasoning: u64,
}

fn count(value: &Value, path: &[&str]) -> u64 {
    let mut current = value;
    for key in path {
        match current.get(key) {
            Some(next) => current = next,
            None => return 0,
        }
    }
    current.as_u64().unwrap_or(0)
}

impl Usage {
    /// From a chat `usage` object.
    pub fn from_chat(usage: &Value) -> Usage {
        Usage {
            input: count(usage, &["prompt_tokens"]),
            output: count(usage, &["completion_tokens"]),
            cache_read: count(usage, &["prompt_tokens_details", "cached_tokens"]),
            cache_creation: count(usage, &["prompt_tokens_details", "cache_creation_tokens"]),
            reasoning: count(usage, &["completion_tokens_details", "reasoning_tokens"]),
        }
    }

    pub fn to_chat(&self) -> Value {
        let mut prompt_details = Map::new();
        prompt_details.insert("cached_tokens".into(), json!(self.cache_read));
        if self.cache_creation > 0 {
            prompt_details.insert("cache_creation_tokens".into(), json!(self.cache_creation));
        }
        json!({
            "prompt_tokens": self.input,
            "completion_tokens": self.output,
            "total_tokens": self.input + self.output,
            "prompt_tokens_details": prompt_details,
            "completion_tokens_details": {"reasoning_tokens": self.reasoning},
        })
    }

    /// From an Anthropic `usage` object (whose `input_tokens` exclude cache reads and writes).
    pub fn from_messages(usage: &Value) -> Usage {
        let cache_read = count(usage, &["cache_read_input_tokens"]);
        let cache_creation = count(usage, &["cache_creation_input_tokens"]);
        Usage {
            input: count(usage, &["input_tokens"]) + cache_read + cache_creation,
            output: count(usage, &["output_tokens"]),
            cache_read,
            cache_creation,
            reasoning: 0,
        }
    }

    pub fn to_messages(&self) -> Value {
        json!({
            "input_tokens": self.input.saturating_sub(self.cache_read + self.cache_creation),
            "cache_creation_input_tokens": self.cache_creation,
            "cache_read_input_tokens": self.cache_read,
            "output_tokens": self.output,
        })
    }

    /// From Gemini `usageMetadata` (whose candidate count excludes thoughts).
    pub fn from_gemini(usage: &Value) -> Usage {
        let thoughts = count(usage, &["thoughtsTokenCount"]);
        Usage {
            input: count(usage, &["promptTokenCount"]) + count(usage, &["toolUsePromptTokenCount"]),
            output: count(usage, &["candidatesTokenCount"]) + thoughts,
            cache_read: count(usage, &["cachedContentTokenCount"]),
            cache_creation: 0,
            reasoning: thoughts,
        }
    }

    pub fn to_gemini(&self) -> Value {
        let mut usage = Map::new();
        usage.insert("promptTokenCount".into(), json!(self.input));
        usage.insert(
            "candidatesTokenCount".into(),
            json!(self.output.saturating_sub(self.reasoning)),
        );
        usage.insert("totalTokenCount".into(), json!(self.input + self.output));
        if self.cache_read > 0 {
            usage.insert("cachedContentTokenCount".into(), json!(self.cache_read));
        }
        if self.reasoning > 0 {
            usage.insert("thoughtsTokenCount".into(), json!(self.reasoning));
        }
        Value::Object(usage)
    }

    /// From a Responses `usage` object.
    pub fn from_responses(usage: &Value) -> Usage {
        Usage {
            input: count(usage, &["input_tokens"]),
            output: count(usage, &["output_tokens"]),
            cache_read: count(usage, &["input_tokens_details", "cached_tokens"]),
            cache_creation: 0,
            reasoning: count(usage, &["output_tokens_details", "reasoning_tokens"]),
        }
    }

    pub fn to_responses(&self) -> Value {
        json!({
            "input_tokens": self.input,
            "input_tokens_details": {"cached_tokens": self.cache_read},
            "output_tokens": self.output,
            "output_tokens_details": {"reasoning_tokens": self.reasoning},
            "total_tokens": self.input + self.output,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_tokens_keep_their_meaning_across_protocols() {
        let anthropic = json!({"input_tokens": 10, "cache_read_input_tokens": 100,
            "cache_creation_input_tokens": 20, "output_tokens": 7});
        let usage = Usage::from_messages(&anthropic);
        assert_eq!(usage.input, 130);
        assert_eq!(Usage::from_chat(&usage.to_chat()), usage);
        assert_eq!(usage.to_messages(), anthropic);
        let gemini = json!({"promptTokenCount": 50, "cachedContentTokenCount": 40,
            "candidatesTokenCount": 5, "thoughtsTokenCount": 3, "totalTokenCount": 58});
        let usage = Usage::from_gemini(&gemini);
        assert_eq!(
            (usage.output, usage.reasoning, usage.cache_read),
            (8, 3, 40)
        );
        assert_eq!(usage.to_gemini(), gemini);
        assert_eq!(Usage::from_responses(&usage.to_responses()), usage);
    }
}
