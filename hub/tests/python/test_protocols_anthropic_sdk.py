"""The official anthropic SDK through an anthropic-type channel (pass-through, model mapped) and an OpenAI-type channel (converted): messages, streaming, tools (streamed too), tool results, thinking, count_tokens and errors (driven by hub/tests/relay_protocols.rs)."""

import os

import anthropic
import pytest

BASE_URL = os.environ["AIPROXY_BASE_URL"]
TOKEN = os.environ["AIPROXY_TOKEN"]

# What each channel's mock answers, seen through Anthropic: text, input tokens (cache excluded),
# cache writes, cache reads, output tokens.
CHANNELS = {
    "claude-gateway-test": ("Hello from Claude.", 12, 3, 5, 7),
    "gpt-4o-mini": ("Hello from OpenAI.", 30 - 10, 0, 10, 9),
}
TOOLS = [
    {
        "name": "get_weather",
        "description": "Weather for a city",
        "input_schema": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    }
]


def client(key=TOKEN):
    # An explicit timeout: the SDK otherwise refuses large max_tokens without streaming itself.
    return anthropic.Anthropic(base_url=BASE_URL, api_key=key, max_retries=0, timeout=60)


@pytest.fixture(params=sorted(CHANNELS))
def model(request):
    return request.param


def check_usage(model, usage):
    _, input_tokens, creation, read, output = CHANNELS[model]
    assert usage.input_tokens == input_tokens
    assert usage.cache_creation_input_tokens == creation
    assert usage.cache_read_input_tokens == read
    assert usage.output_tokens == output


def test_messages(model):
    message = client().messages.create(
        model=model,
        max_tokens=256,
        system="Be brief.",
        metadata={"user_id": "user-42"},
        stop_sequences=["\n\nHuman:"],
        messages=[{"role": "user", "content": "hi"}],
    )
    assert message.type == "message"
    assert message.role == "assistant"
    assert message.model == model
    assert [block.type for block in message.content] == ["text"]
    assert message.content[0].text == CHANNELS[model][0]
    assert message.stop_reason == "end_turn"
    check_usage(model, message.usage)


def test_messages_stream(model):
    with client().messages.stream(
        model=model, max_tokens=256, messages=[{"role": "user", "content": "hi"}]
    ) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_message()
    assert kinds[0] == "message_start"
    assert kinds[-1] == "message_stop"
    assert "message_delta" in kinds
    assert final.content[0].text == CHANNELS[model][0]
    assert final.stop_reason == "end_turn"
    assert final.model == model
    check_usage(model, final.usage)


def test_tools(model):
    message = client().messages.create(
        model=model,
        max_tokens=256,
        messages=[{"role": "user", "content": "weather in Paris?"}],
        tools=TOOLS,
        tool_choice={"type": "auto"},
    )
    assert message.stop_reason == "tool_use"
    [tool_use] = [block for block in message.content if block.type == "tool_use"]
    assert tool_use.id
    assert tool_use.name == "get_weather"
    assert tool_use.input == {"city": "Paris"}


def test_tools_stream(model):
    with client().messages.stream(
        model=model,
        max_tokens=256,
        messages=[{"role": "user", "content": "weather in Paris?"}],
        tools=TOOLS,
    ) as stream:
        fragments = [
            event.partial_json
            for event in stream
            if event.type == "input_json"
        ]
        final = stream.get_final_message()
    assert len([f for f in fragments if f]) > 1, fragments
    assert final.stop_reason == "tool_use"
    [tool_use] = [block for block in final.content if block.type == "tool_use"]
    assert tool_use.name == "get_weather"
    assert tool_use.input == {"city": "Paris"}


def test_tool_results_continue_the_conversation(model):
    message = client().messages.create(
        model=model,
        max_tokens=256,
        tools=TOOLS,
        messages=[
            {"role": "user", "content": "weather in Paris?"},
            {
                "role": "assistant",
                "content": [
                    {"type": "text", "text": "Let me look."},
                    {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}},
                ],
            },
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny, 21C"}],
            },
        ],
    )
    assert message.stop_reason == "end_turn"
    assert message.content[-1].text == CHANNELS[model][0]


def test_thinking_passes_through_with_its_signature():
    with client().messages.stream(
        model="claude-gateway-test",
        max_tokens=4096,
        thinking={"type": "enabled", "budget_tokens": 2048},
        messages=[{"role": "user", "content": "hi"}],
    ) as stream:
        thinking = "".join(e.thinking for e in stream if e.type == "thinking")
        final = stream.get_final_message()
    assert thinking == "The user wants a greeting."
    assert [block.type for block in final.content] == ["thinking", "text"]
    assert final.content[0].signature == "sig-mock"


def test_beta_header_is_accepted():
    message = client().beta.messages.create(
        model="claude-gateway-test",
        max_tokens=64,
        betas=["interleaved-thinking-2025-05-14"],
        messages=[{"role": "user", "content": "hi"}],
    )
    assert message.content[0].text == CHANNELS["claude-gateway-test"][0]


def test_count_tokens(model):
    short = client().messages.count_tokens(
        model=model, messages=[{"role": "user", "content": "hello there"}]
    )
    longer = client().messages.count_tokens(
        model=model,
        system="You are a weather assistant.",
        tools=TOOLS,
        messages=[{"role": "user", "content": "hello there, what is the weather in Paris today?"}],
    )
    assert 0 < short.input_tokens < longer.input_tokens


def test_upstream_rejection_keeps_anthropics_shape():
    # The anthropic mock refuses max_tokens above its model's output limit, as Claude does.
    with pytest.raises(anthropic.BadRequestError) as raised:
        client().messages.create(
            model="claude-gateway-test", max_tokens=100000, messages=[{"role": "user", "content": "hi"}]
        )
    assert raised.value.body["type"] == "error"
    assert raised.value.body["error"]["type"] == "invalid_request_error"
    assert "max_tokens" in raised.value.body["error"]["message"]


def test_wrong_key_is_an_authentication_error():
    with pytest.raises(anthropic.AuthenticationError) as raised:
        client("sk-wrong-key-000").messages.create(
            model="claude-gateway-test", max_tokens=8, messages=[{"role": "user", "content": "hi"}]
        )
    assert raised.value.body["error"]["type"] == "authentication_error"


def test_unknown_model_is_not_found():
    with pytest.raises(anthropic.NotFoundError) as raised:
        client().messages.create(
            model="claude-none", max_tokens=8, messages=[{"role": "user", "content": "hi"}]
        )
    assert raised.value.body["error"]["type"] == "not_found_error"


def test_claude_code_style_bearer_auth_and_beta_paths(model):
    # Claude Code sends ANTHROPIC_AUTH_TOKEN as a Bearer key and calls the beta endpoints
    # (`/v1/messages?beta=true`, `/v1/messages/count_tokens?beta=true`).
    bearer = anthropic.Anthropic(base_url=BASE_URL, auth_token=TOKEN, max_retries=0, timeout=60)
    with bearer.beta.messages.stream(
        model=model,
        max_tokens=256,
        betas=["interleaved-thinking-2025-05-14"],
        tools=TOOLS,
        messages=[{"role": "user", "content": "weather in Paris?"}],
    ) as stream:
        final = stream.get_final_message()
    [tool_use] = [block for block in final.content if block.type == "tool_use"]
    assert tool_use.input == {"city": "Paris"}
    counted = bearer.beta.messages.count_tokens(
        model=model, betas=["interleaved-thinking-2025-05-14"], messages=[{"role": "user", "content": "hi"}]
    )
    assert counted.input_tokens > 0
