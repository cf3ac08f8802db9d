"""The official anthropic SDK against a running gateway whose channel speaks OpenAI chat (driven by hub/tests/relay_e2e.rs)."""

import os

import anthropic
import pytest

BASE_URL = os.environ["AIPROXY_BASE_URL"]
TOKEN = os.environ["AIPROXY_TOKEN"]


def client(key=TOKEN):
    return anthropic.Anthropic(base_url=BASE_URL, api_key=key, max_retries=0)


def test_messages():
    message = client().messages.create(
        model="gpt-4o-mini",
        max_tokens=64,
        system="Be brief.",
        messages=[{"role": "user", "content": "hi"}],
    )
    assert message.type == "message"
    assert message.role == "assistant"
    assert message.content[0].type == "text"
    assert message.content[0].text == "Hello from the mock."
    assert message.stop_reason == "end_turn"
    assert message.usage.input_tokens == 9
    assert message.usage.output_tokens == 4


def test_messages_stream():
    with client().messages.stream(
        model="gpt-4o-mini", max_tokens=64, messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "Hello from the mock."
    assert final.stop_reason == "end_turn"


def test_tools():
    message = client().messages.create(
        model="gpt-4o-mini",
        max_tokens=64,
        messages=[{"role": "user", "content": "weather in Paris?"}],
        tools=[
            {
                "name": "get_weather",
                "description": "Weather for a city",
                "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
            }
        ],
    )
    assert message.stop_reason == "tool_use"
    tool_use = [block for block in message.content if block.type == "tool_use"][0]
    assert tool_use.name == "get_weather"
    assert tool_use.input == {"city": "Paris"}


def test_count_tokens():
    counted = client().messages.count_tokens(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hello there"}]
    )
    assert counted.input_tokens > 0


def test_authentication_error():
    with pytest.raises(anthropic.AuthenticationError):
        client("sk-wrong-key-000").messages.create(
            model="gpt-4o-mini", max_tokens=8, messages=[{"role": "user", "content": "hi"}]
        )
