//! Local token counts for when an upstream reports no usage: tiktoken with the encoding of the
//! model's family (o200k for the gpt-4o generation onwards, cl100k otherwise).

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;
use tiktoken_rs::CoreBPE;

use crate::token_memo::{self, Encoding};

/// Framing tokens around every chat message, and the reply priming after the last one (OpenAI's
/// published counting recipe for current chat models).
const TOKENS_PER_MESSAGE: u64 = 3;
const TOKENS_PER_NAME: u64 = 1;
const REPLY_PRIMING: u64 = 3;
/// An image part is billed by size and detail we cannot see; a low-detail image costs this.
const TOKENS_PER_IMAGE: u64 = 85;

/// Builds the tables of the encodings `models` use, each once per process. The host calls it
/// with the configured models whenever the configuration loads, off the request path, so the
/// first request that counts tokens locally does not wait a few hundred milliseconds for a
/// table, and an encoding no configured model uses is never built (the tables are large:
/// about 28 MiB for o200k and 12 MiB for cl100k).
pub fn preload_for<'a>(models: impl IntoIterator<Item = &'a str>) {
    let (mut o200k, mut cl100k) = (false, false);
    for model in models {
        if uses_o200k(model) {
            o200k = true;
        } else {
            cl100k = true;
        }
        if o200k && cl100k {
            break;
        }
    }
    if o200k {
        let _ = tiktoken_rs::o200k_base_singleton();
    }
    if cl100k {
        let _ = tiktoken_rs::cl100k_base_singleton();
    }
}

/// Whether a model's family counts with o200k (the gpt-4o generation onwards).
fn uses_o200k(model: &str) -> bool {
    let name = model.rsplit('/').next().unwrap_or(model);
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
    O200K_PREFIXES.iter().any(|prefix| {
        name.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    })
}

/// The encoding a model's family uses, and its table.
fn tokenizer_for(model: &str) -> (Encoding, &'static CoreBPE) {
    if uses_o200k(model) {
        (Encoding::O200k, tiktoken_rs::o200k_base_singleton())
    } else {
        (Encoding::Cl100k, tiktoken_rs::cl100k_base_singleton())
    }
}

/// Tokens of one text with a tokenizer, remembered for the texts clients send again.
fn count_with(tokenizer: (Encoding, &CoreBPE), text: &str) -> u64 {
    if text.is_empty() {
        return 0;
    }
    let (encoding, bpe) = tokenizer;
    token_memo::count_with(encoding, text, |text| {
        bpe.encode_ordinary(text).len() as u64
    })
}

pub fn count_text(model: &str, text: &str) -> u64 {
    count_with(tokenizer_for(model), text)
}

/// Prompt tokens of a chat `messages` array.
pub fn count_chat_messages(model: &str, messages: &Value) -> u64 {
    let Some(messages) = messages.as_array() else {
        return 0;
    };
    let tokenizer = tokenizer_for(model);
    let count = |text: &str| count_with(tokenizer, text);
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

/// A JSON object read in place: keys as written, values as their raw text. A key given twice
/// keeps its last value, as in a parsed `Value`.
type RawObject<'a> = BTreeMap<&'a str, &'a RawValue>;

/// Prompt tokens of a chat request body's `messages`, counted as [`count_chat_messages`]
/// counts them but read from the body's bytes: strings are borrowed, not copied into a
/// `Value` tree (admission counts every chat request's prompt). `None` for a body of another
/// shape (no object, messages that are not objects, escaped keys): the caller then counts from
/// a parsed `Value`, which gives every shape its answer.
pub fn count_chat_body(model: &str, body: &[u8]) -> Option<u64> {
    #[derive(Deserialize)]
    struct ChatBody<'a> {
        // One pass over the body; `messages` of another shape (a string, an array holding
        // other values) fails it.
        #[serde(borrow)]
        messages: Option<Vec<RawObject<'a>>>,
    }
    let body: ChatBody<'_> = serde_json::from_slice(body).ok()?;
    let Some(messages) = body.messages else {
        return Some(0);
    };
    let tokenizer = tokenizer_for(model);
    let count = |text: &str| count_with(tokenizer, text);
    let mut total = REPLY_PRIMING;
    for message in &messages {
        total += TOKENS_PER_MESSAGE;
        for (key, value) in message {
            if let Some(text) = raw_text(value) {
                total += count(&text);
                if *key == "name" {
                    total += TOKENS_PER_NAME;
                }
                continue;
            }
            if !value.get().starts_with('[') {
                continue;
            }
            match *key {
                "content" => {
                    for part in serde_json::from_str::<Vec<RawObject<'_>>>(value.get()).ok()? {
                        if let Some(text) = part.get("text").and_then(|text| raw_text(text)) {
                            total += count(&text);
                        } else if part.contains_key("image_url") {
                            total += TOKENS_PER_IMAGE;
                        }
                    }
                }
                "tool_calls" => {
                    for call in serde_json::from_str::<Vec<RawObject<'_>>>(value.get()).ok()? {
                        let Some(function) = call.get("function") else {
                            continue;
                        };
                        let Ok(function) = serde_json::from_str::<RawObject<'_>>(function.get())
                        else {
                            continue;
                        };
                        for field in ["name", "arguments"] {
                            if let Some(text) = function.get(field).and_then(|text| raw_text(text))
                            {
                                total += count(&text);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    Some(total)
}

/// The text of a raw JSON string, borrowed unless it holds escapes; `None` for other values.
fn raw_text(value: &RawValue) -> Option<Cow<'_, str>> {
    let raw = value.get();
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') {
        serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
    } else {
        Some(Cow::Borrowed(inner))
    }
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

    /// The count read from a body's bytes equals the count of its parsed `Value`, or is
    /// declined for the caller to count that way.
    #[test]
    fn counting_from_bytes_agrees_with_the_parsed_value() {
        let bodies = [
            r#"{"model":"m","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":64}"#,
            r#"{"messages":[{"role":"user","name":"bob","content":[{"type":"text","text":"hello world"},{"type":"image_url","image_url":{"url":"x"}},{"type":"text","text":7,"image_url":{}},{"type":"input_audio"}]}]}"#,
            r#"{"messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},{"function":[1]},{"id":"no function"}]},{"role":"tool","tool_call_id":"c","content":"sunny, 21\u00b0C"}]}"#,
            r#"{"messages":[{"role":"user","content":"first","content":"the last one counts, as in a Value"}]}"#,
            r#"{"messages":[{"role":"user","content":"line\nbreak \"quoted\" \ud83d\ude00"}],"stream":true}"#,
            r#"{"model":"no messages"}"#,
            r#"{"messages":null}"#,
            r#"{"messages":[]}"#,
            r#"{"messages":"not an array"}"#,
            r#"{"messages":[{"role":"user","content":"x"},"not an object",{"role":"user","content":"y"}]}"#,
            r#"{"messages":[{"role":"user","content":[{"text":"a"},"part that is not an object"]}]}"#,
            r#"{"messages":[{"ro\u006ce":"user","content":"an escaped key"}]}"#,
            r#"{"messages":[{"role":"user","content":"twice"}],"messages":[{"role":"user","content":"the last messages"}]}"#,
            r#"[1,2,3]"#,
            r#"not json"#,
        ];
        let mut read_in_place = 0;
        for body in bodies {
            let value: Value = serde_json::from_str(body).unwrap_or_default();
            let from_value = count_chat_messages("gpt-4o", &value["messages"]);
            // Declined (`None`): the caller counts the parsed `Value`.
            if let Some(count) = count_chat_body("gpt-4o", body.as_bytes()) {
                read_in_place += 1;
                assert_eq!(count, from_value, "{body}");
            }
        }
        // The usual shapes are read in place, not declined.
        assert!(read_in_place >= 8, "{read_in_place}");
        let usual = count_chat_body("gpt-4o", bodies[0].as_bytes());
        assert_eq!(usual, Some(3 + 2 * 3 + 1 + 6 + 1 + 7));
    }
}
