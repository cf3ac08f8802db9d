"""Gemini's REST API (httpx, as Gemini CLI-style clients call it) through a gemini-type channel (pass-through, model mapped) and an OpenAI-type channel (converted): generateContent, streamGenerateContent?alt=sse, function calls and responses, countTokens, the three ways to present a key, and Gemini-shaped errors (driven by hub/tests/relay_protocols.rs)."""

import json
import os

import httpx2 as httpx
import pytest

# Generous: several SDK suites and builds share two cores in CI.
TIMEOUT = 60

BASE_URL = os.environ["AIPROXY_BASE_URL"]
TOKEN = os.environ["AIPROXY_TOKEN"]

# What each channel's mock answers, seen through Gemini: text, promptTokenCount (cached
# included), cachedContentTokenCount, candidatesTokenCount (thoughts excluded), thoughtsTokenCount.
CHANNELS = {
    "gemini-2.5-flash": ("Hello from Gemini.", 20, 8, 6, 4),
    "gpt-4o-mini": ("Hello from OpenAI.", 30, 10, 9 - 2, 2),
}
TOOLS = [
    {
        "functionDeclarations": [
            {
                "name": "get_weather",
                "description": "Weather for a city",
                "parameters": {
                    "type": "OBJECT",
                    "properties": {"city": {"type": "STRING"}},
                    "required": ["city"],
                },
            }
        ]
    }
]


@pytest.fixture(params=sorted(CHANNELS))
def model(request):
    return request.param


def url(model, method):
    return f"{BASE_URL}/v1beta/models/{model}:{method}"


def generate(model, body, key=TOKEN):
    response = httpx.post(url(model, "generateContent"), json=body, headers={"x-goog-api-key": key}, timeout=TIMEOUT)
    return response


def stream(model, body):
    """The `data:` payloads of a streamGenerateContent?alt=sse answer."""
    chunks = []
    with httpx.stream(
        "POST",
        url(model, "streamGenerateContent") + "?alt=sse",
        json=body,
        headers={"x-goog-api-key": TOKEN},
        timeout=TIMEOUT,
    ) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data:"):
                chunks.append(json.loads(line[len("data:"):]))
    return chunks


def text_of(answer):
    return "".join(
        part.get("text", "")
        for part in answer["candidates"][0]["content"]["parts"]
        if not part.get("thought")
    )


def hello():
    return {
        "systemInstruction": {"parts": [{"text": "Be brief."}]},
        "contents": [{"role": "user", "parts": [{"text": "hi"}]}],
        "generationConfig": {"maxOutputTokens": 256, "temperature": 0.2},
    }


def test_generate_content(model):
    text, prompt, cached, candidates, thoughts = CHANNELS[model]
    response = generate(model, hello())
    assert response.status_code == 200, response.text
    answer = response.json()
    assert text_of(answer) == text
    candidate = answer["candidates"][0]
    assert candidate["content"]["role"] == "model"
    assert candidate["finishReason"] == "STOP"
    usage = answer["usageMetadata"]
    assert usage["promptTokenCount"] == prompt
    assert usage["cachedContentTokenCount"] == cached
    assert usage["candidatesTokenCount"] == candidates
    assert usage["thoughtsTokenCount"] == thoughts
    assert usage["totalTokenCount"] == prompt + candidates + thoughts


def test_stream_generate_content(model):
    text, prompt, cached, candidates, thoughts = CHANNELS[model]
    chunks = stream(model, hello())
    assert "".join(text_of(chunk) for chunk in chunks if chunk.get("candidates")) == text
    finishes = [
        c["candidates"][0]["finishReason"]
        for c in chunks
        if c.get("candidates") and "finishReason" in c["candidates"][0]
    ]
    assert finishes == ["STOP"]
    usage = chunks[-1]["usageMetadata"]
    assert usage["promptTokenCount"] == prompt
    assert usage["cachedContentTokenCount"] == cached
    assert usage["candidatesTokenCount"] == candidates
    assert usage["thoughtsTokenCount"] == thoughts


def weather_question():
    return {"contents": [{"role": "user", "parts": [{"text": "weather in Paris?"}]}], "tools": TOOLS}


def test_function_call(model):
    response = generate(model, weather_question())
    assert response.status_code == 200, response.text
    parts = response.json()["candidates"][0]["content"]["parts"]
    [call] = [part["functionCall"] for part in parts if "functionCall" in part]
    assert call["name"] == "get_weather"
    assert call["args"] == {"city": "Paris"}


def test_function_call_stream(model):
    calls = [
        part["functionCall"]
        for chunk in stream(model, weather_question())
        for part in chunk.get("candidates", [{}])[0].get("content", {}).get("parts", [])
        if "functionCall" in part
    ]
    # Gemini sends a call whole, once its arguments are complete.
    assert len(calls) == 1
    assert calls[0]["name"] == "get_weather"
    assert calls[0]["args"] == {"city": "Paris"}


def test_function_response_continues_the_conversation(model):
    body = weather_question()
    body["contents"] += [
        {"role": "model", "parts": [{"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}}]},
        {
            "role": "user",
            "parts": [{"functionResponse": {"name": "get_weather", "response": {"forecast": "sunny"}}}],
        },
    ]
    response = generate(model, body)
    assert response.status_code == 200, response.text
    assert text_of(response.json()) == CHANNELS[model][0]


def test_count_tokens(model):
    response = httpx.post(
        url(model, "countTokens"),
        json={"contents": [{"role": "user", "parts": [{"text": "hello there, how is the weather?"}]}]},
        headers={"x-goog-api-key": TOKEN},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text
    assert response.json()["totalTokens"] > 0


def test_key_in_the_query_and_as_bearer():
    response = httpx.post(url("gemini-2.5-flash", "generateContent") + f"?key={TOKEN}", json=hello(), timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    response = httpx.post(
        url("gemini-2.5-flash", "generateContent"),
        json=hello(),
        headers={"authorization": f"Bearer {TOKEN}"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200, response.text


def test_wrong_key_is_a_gemini_shaped_401():
    response = generate("gemini-2.5-flash", hello(), key="sk-wrong-key-000")
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == 401
    assert error["status"] == "UNAUTHENTICATED"
    assert error["message"]


def test_upstream_rejection_keeps_geminis_shape():
    # The gemini mock refuses roles other than user and model, as Gemini does.
    body = {"contents": [{"role": "assistant", "parts": [{"text": "hi"}]}]}
    response = generate("gemini-2.5-flash", body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert "role" in error["message"]
