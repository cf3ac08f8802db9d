//! Local token counts for when an upstream reports no usage: tiktoken with the encoding of the
//! model's family (o200k for the gpt-4o generation onwards, cl100k otherwise).

use serde_json::Value;
use tiktoken_rs::CoreBPE;

/// Framing tokens around every chat message, and the reply priming after the last one (OpenAI's
/// published counting recipe for current chat models).
const TOKENS_PER_MESSAGE: u64 = 3;
const TOKENS_PER_NAME: u64 = 1;
const REPLY_PRIMING: u64 = 3;
/// An image part is billed by size and detail we cannot see; a low-detail image costs this.
const TOKENS_PER_IMAGE: u64 = 85;

/// Builds both encodings' tables (each is built once per process, on first use).
pub fn preload() {
    let _ = tiktoken_rs::o200k_base_singleton();
    let _ = tiktoken_rs::cl100k_base_singleton();
}

/// The encoding a model's family uses.
pub fn encoding_for(model: &str) -> &'static CoreBPE {
    let name = model
        .rsplit('/')
        .next()
        .unwrap_or(model)
        .to_ascii_lowercase();
    const O200K_PREFIXES: [&str; 9] = [
        "gpt-4o",
        "chatgpt-4o",
        "gpt-4.1",
        "gpt-4.5",
        "gpt-5",
        "o1",
        "o3",
        "o4",
        "gpt-oss",
    ];
    if O200K_PREFIXES.iter().any(|prefix| name.starts_with(prefix)) {
        tiktoken_rs::o200k_base_singleton()
    } else {
        tiktoken_rs::cl100k_base_singleton()
    }
}

pub fn count_text(model: &str, text: &str) -> u64 {
    if text.is_empty() {
        return 0;
    }
    encoding_for(model).encode_ordinary(text).len() as u64
}

/// Prompt tokens of a chat `messages` array.
pub fn count_chat_messages(model: &str, messages: &Value) -> u64 {
    let Some(messages) = messages.as_array() else {
        return 0;
    };
    let bpe = encoding_for(model);
    let count = |text: &str| bpe.encode_ordinary(text).len() as u64;
    let mut total = REPLY_PRIMING;
    for message in messages {
        total += TOKENS_PER_MESSAGE;
        let Some(fields) = message.as_object() else {
            continue;
        };
        for (key, value) in fields {
            match (key.as_str(), value) {
                ("name", Value::String(name)) => total += count(name) + TOKENS_PER_NAME,
                (_, Value::String(text)) => total += count(text),
                ("content", Value::Array(parts)) => {
                    for part in parts {
                        if let Some(text) = part.get("text").and_then(Value::as_str) {
                            total += count(text);
                        } else if part.get("image_url").is_some() {
                            total += TOKENS_PER_IMAGE;
                        }
                    }
                }
                ("tool_calls", Value::Array(calls)) => {
                    for call in calls {
                        let function = call.get("function");
                        for field in ["name", "arguments"] {
                            if let Some(text) =
                                function.and_then(|f| f.get(field)).and_then(Value::as_str)
                            {
                                total += count(text);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    total
}

/// Tokens of an `input` or `prompt`: a string, strings, or already-tokenized arrays.
pub fn count_input(model: &str, input: &Value) -> u64 {
    match input {
        Value::String(text) => count_text(model, text),
        Value::Array(items) => items
            .iter()
            .map(|item| match item {
                Value::Number(_) => 1,
                other => count_input(model, other),
            })
            .sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counts_follow_the_family_encoding() {
        // "hello world" is two tokens in both encodings; the encodings differ on other text.
        assert_eq!(count_text("gpt-4o-mini", "hello world"), 2);
        assert_eq!(count_text("gpt-3.5-turbo", "hello world"), 2);
        let text = "東京タワーの高さは333メートルです";
        assert_ne!(count_text("gpt-4o", text), count_text("gpt-4", text));
        // 3 priming + per message (3 + role + content).
        let messages = json!([{"role": "user", "content": "hello world"}]);
        assert_eq!(count_chat_messages("gpt-4", &messages), 3 + 3 + 1 + 2);
        let named = json!([{"role": "user", "name": "bob", "content": [{"type": "text", "text": "hello world"}, {"type": "image_url", "image_url": {"url": "x"}}]}]);
        assert_eq!(
            count_chat_messages("gpt-4", &named),
            3 + 3 + 1 + (1 + 1) + 2 + 85
        );
        assert_eq!(
            count_input("text-embedding-3-small", &json!(["hello world", "hello"])),
            3
        );
        assert_eq!(count_input("x", &json!([[1, 2, 3], [4]])), 4);
    }
}
