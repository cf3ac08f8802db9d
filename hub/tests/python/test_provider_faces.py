"""One channel of any provider family reached from every client face with the official SDKs: openai chat and Responses, anthropic Messages and Gemini REST, whole and streamed (driven by the provider tests in hub/tests/)."""

import json
import os

import anthropic
import httpx2 as httpx
import openai

BASE_URL = os.environ["AIPROXY_BASE_URL"]
TOKEN = os.environ["AIPROXY_TOKEN"]
MODEL = os.environ["AIPROXY_MODEL"]
# The text the family's mock answers with, as every face must show it.
TEXT = os.environ["AIPROXY_EXPECT_TEXT"]


def openai_client():
    return openai.OpenAI(base_url=BASE_URL + "/v1", api_key=TOKEN, max_retries=0, timeout=60)


def anthropic_client():
    return anthropic.Anthropic(base_url=BASE_URL, api_key=TOKEN, max_retries=0, timeout=60)


def test_openai_chat():
    answer = openai_client().chat.completions.create(
        model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "hi"}]
    )
    assert answer.choices[0].message.content == TEXT
    assert answer.model == MODEL
    assert answer.usage.prompt_tokens > 0
    assert answer.usage.completion_tokens > 0


def test_openai_chat_stream():
    stream = openai_client().chat.completions.create(
        model=MODEL,
        max_tokens=64,
        messages=[{"role": "user", "content": "hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    text = ""
    usage = None
    for chunk in stream:
        for choice in chunk.choices:
            text += choice.delta.content or ""
        usage = chunk.usage or usage
    assert text == TEXT
    assert usage is not None and usage.completion_tokens > 0


def test_openai_responses():
    answer = openai_client().responses.create(model=MODEL, input="hi", max_output_tokens=64)
    assert answer.output_text == TEXT
    assert answer.usage.output_tokens > 0


def test_openai_responses_stream():
    text = ""
    completed = None
    with openai_client().responses.stream(model=MODEL, input="hi", max_output_tokens=64) as stream:
        for event in stream:
            if event.type == "response.output_text.delta":
                text += event.delta
            elif event.type == "response.completed":
                completed = event.response
    assert text == TEXT
    assert completed is not None and completed.usage.output_tokens > 0


def test_anthropic_messages():
    answer = anthropic_client().messages.create(
        model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "hi"}]
    )
    assert "".join(block.text for block in answer.content if block.type == "text") == TEXT
    assert answer.usage.output_tokens > 0


def test_anthropic_messages_stream():
    with anthropic_client().messages.stream(
        model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == TEXT
    assert final.usage.output_tokens > 0


def test_gemini_generate_content():
    answer = httpx.post(
        f"{BASE_URL}/v1beta/models/{MODEL}:generateContent",
        headers={"x-goog-api-key": TOKEN},
        json={"contents": [{"role": "user", "parts": [{"text": "hi"}]}]},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    parts = body["candidates"][0]["content"]["parts"]
    assert "".join(part.get("text", "") for part in parts) == TEXT
    assert body["usageMetadata"]["candidatesTokenCount"] > 0


def test_gemini_stream_generate_content():
    text = ""
    with httpx.stream(
        "POST",
        f"{BASE_URL}/v1beta/models/{MODEL}:streamGenerateContent?alt=sse",
        headers={"x-goog-api-key": TOKEN},
        json={"contents": [{"role": "user", "parts": [{"text": "hi"}]}]},
        timeout=60,
    ) as answer:
        assert answer.status_code == 200
        for line in answer.iter_lines():
            if line.startswith("data:"):
                chunk = json.loads(line[5:])
                for candidate in chunk.get("candidates", []):
                    for part in candidate.get("content", {}).get("parts", []):
                        text += part.get("text", "")
    assert text == TEXT
