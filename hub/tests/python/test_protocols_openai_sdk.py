"""The official openai SDK through an anthropic-type and a gemini-type channel: chat, streaming, tools (streamed too), tool results, reasoning and upstream errors (driven by hub/tests/relay_protocols.rs)."""

import json
import os

import openai
import pytest

BASE_URL = os.environ["AIPROXY_BASE_URL"] + "/v1"
TOKEN = os.environ["AIPROXY_TOKEN"]

# What each channel's mock answers, seen through chat: text, prompt tokens (cache reads and
# writes included), cached tokens, completion tokens (reasoning included), reasoning text.
CHANNELS = {
    "claude-gateway-test": ("Hello from Claude.", 12 + 3 + 5, 5, 7, "The user wants a greeting."),
    "gemini-2.5-flash": ("Hello from Gemini.", 20, 8, 6 + 4, "Thinking about a greeting."),
}
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather for a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
]


def client():
    return openai.OpenAI(base_url=BASE_URL, api_key=TOKEN, max_retries=0, timeout=60)


@pytest.fixture(params=sorted(CHANNELS))
def model(request):
    return request.param


def test_chat(model):
    text, prompt, cached, completion, _ = CHANNELS[model]
    answer = client().chat.completions.create(
        model=model,
        max_tokens=256,
        messages=[
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "hi"},
        ],
    )
    assert answer.model == model
    assert answer.choices[0].message.content == text
    assert answer.choices[0].finish_reason == "stop"
    assert answer.usage.prompt_tokens == prompt
    assert answer.usage.prompt_tokens_details.cached_tokens == cached
    assert answer.usage.completion_tokens == completion
    assert answer.usage.total_tokens == prompt + completion


def test_chat_stream(model):
    text, prompt, cached, completion, _ = CHANNELS[model]
    chunks = list(
        client().chat.completions.create(
            model=model,
            max_tokens=256,
            messages=[{"role": "user", "content": "hi"}],
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == text
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["stop"]
    assert all(c.model == model for c in chunks)
    usage = chunks[-1].usage
    assert usage.prompt_tokens == prompt
    assert usage.prompt_tokens_details.cached_tokens == cached
    assert usage.completion_tokens == completion


def test_chat_stream_without_usage_has_no_usage_chunk(model):
    chunks = list(
        client().chat.completions.create(
            model=model, max_tokens=64, messages=[{"role": "user", "content": "hi"}], stream=True
        )
    )
    assert chunks and all(c.usage is None for c in chunks)


def test_tools(model):
    answer = client().chat.completions.create(
        model=model,
        max_tokens=256,
        messages=[{"role": "user", "content": "weather in Paris?"}],
        tools=TOOLS,
    )
    choice = answer.choices[0]
    assert choice.finish_reason == "tool_calls"
    [call] = choice.message.tool_calls
    assert call.type == "function"
    assert call.id
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "Paris"}


def test_tools_stream(model):
    stream = client().chat.completions.create(
        model=model,
        max_tokens=256,
        messages=[{"role": "user", "content": "weather in Paris?"}],
        tools=TOOLS,
        stream=True,
    )
    calls = {}
    finish = None
    for chunk in stream:
        if not chunk.choices:
            continue
        choice = chunk.choices[0]
        for delta in choice.delta.tool_calls or []:
            call = calls.setdefault(delta.index, {"id": None, "name": "", "arguments": ""})
            if delta.id:
                call["id"] = delta.id
            if delta.function and delta.function.name:
                call["name"] += delta.function.name
            if delta.function and delta.function.arguments:
                call["arguments"] += delta.function.arguments
        finish = choice.finish_reason or finish
    assert finish == "tool_calls"
    assert list(calls) == [0]
    assert calls[0]["id"]
    assert calls[0]["name"] == "get_weather"
    assert json.loads(calls[0]["arguments"]) == {"city": "Paris"}


def test_tool_results_continue_the_conversation(model):
    text = CHANNELS[model][0]
    answer = client().chat.completions.create(
        model=model,
        max_tokens=256,
        tools=TOOLS,
        messages=[
            {"role": "user", "content": "weather in Paris?"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": "sunny, 21C"},
        ],
    )
    assert answer.choices[0].finish_reason == "stop"
    assert answer.choices[0].message.content == text


def test_reasoning_effort_surfaces_reasoning_content(model):
    text, _, _, _, reasoning = CHANNELS[model]
    answer = client().chat.completions.create(
        model=model,
        max_tokens=8192,
        reasoning_effort="low",
        messages=[{"role": "user", "content": "hi"}],
    )
    message = answer.choices[0].message
    assert message.content == text
    assert message.model_extra.get("reasoning_content") == reasoning


def test_reasoning_streams_before_the_text(model):
    text, _, _, _, reasoning = CHANNELS[model]
    chunks = list(
        client().chat.completions.create(
            model=model,
            max_tokens=8192,
            reasoning_effort="low",
            messages=[{"role": "user", "content": "hi"}],
            stream=True,
        )
    )
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    thought = "".join((d.model_extra or {}).get("reasoning_content") or "" for d in deltas)
    assert thought == reasoning
    assert "".join(d.content or "" for d in deltas) == text


def test_upstream_rejection_is_a_bad_request():
    # The anthropic mock refuses max_tokens above its model's output limit, as Claude does.
    with pytest.raises(openai.BadRequestError) as raised:
        client().chat.completions.create(
            model="claude-gateway-test",
            max_tokens=100000,
            messages=[{"role": "user", "content": "hi"}],
        )
    assert "max_tokens" in raised.value.message
    assert "sk-ant" not in str(raised.value.body)


def test_audio_to_an_anthropic_channel_is_refused_before_the_upstream():
    with pytest.raises(openai.BadRequestError) as raised:
        client().chat.completions.create(
            model="claude-gateway-test",
            messages=[
                {
                    "role": "user",
                    "content": [{"type": "input_audio", "input_audio": {"data": "AAAA", "format": "wav"}}],
                }
            ],
        )
    assert "audio" in raised.value.message
