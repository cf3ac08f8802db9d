//! Local prompt token counts for Anthropic `/v1/messages/count_tokens` and Gemini
//! `:countTokens`: the request converted to chat messages and counted with tiktoken. An
//! estimate: neither Claude's nor Gemini's tokenizer is public.

use serde_json::Value;

use super::{ConvertError, gemini, messages_request_to_chat};
use crate::tokens::{count_chat_messages, count_text};

/// Prompt tokens of an Anthropic count_tokens body (a Messages request without `max_tokens`);
/// answer it as `{"input_tokens": n}`.
pub fn count_messages_tokens(model: &str, request: &Value) -> Result<u64, ConvertError> {
    let chat = messages_request_to_chat(request)?;
    Ok(count_chat(model, &chat))
}

/// Prompt tokens of a Gemini countTokens body (`contents`, or a whole
/// `generateContentRequest`); answer it as `{"totalTokens": n}`.
pub fn count_gemini_tokens(model: &str, request: &Value) -> Result<u64, ConvertError> {
    let request = request
        .get("generateContentRequest")
        .or_else(|| request.get("generate_content_request"))
        .unwrap_or(request);
    let chat = gemini::gemini_request_to_chat(request, model, false)?;
    Ok(count_chat(model, &chat))
}

fn count_chat(model: &str, chat: &Value) -> u64 {
    let mut total = count_chat_messages(model, chat.get("messages").unwrap_or(&Value::Null));
    // Tool definitions reach the model as text too; their JSON is a fair stand-in.
    if let Some(tools) = chat.get("tools") {
        total += count_text(model, &tools.to_string());
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_protocols_count_the_same_conversation_alike() {
        let anthropic = json!({"model": "claude", "system": "be brief",
            "messages": [{"role": "user", "content": "hello world"}]});
        let gemini = json!({"systemInstruction": {"parts": [{"text": "be brief"}]},
            "contents": [{"role": "user", "parts": [{"text": "hello world"}]}]});
        let a = count_messages_tokens("gpt-4", &anthropic).unwrap();
        assert!(a > 4, "{a}");
        // Anthropic's string content and Gemini's text parts count alike.
        assert_eq!(count_gemini_tokens("gpt-4", &gemini).unwrap(), a);
        let wrapped = json!({"generateContentRequest": gemini});
        assert_eq!(count_gemini_tokens("gpt-4", &wrapped).unwrap(), a);
    }
}
