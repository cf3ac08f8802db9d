"""The official openai SDK against a running gateway (driven by hub/tests/relay_e2e.rs)."""

import os

import openai
import pytest

BASE_URL = os.environ["AIPROXY_BASE_URL"] + "/v1"
TOKEN = os.environ["AIPROXY_TOKEN"]


def client(key=TOKEN):
    return openai.OpenAI(base_url=BASE_URL, api_key=key, max_retries=0)


def test_chat():
    answer = client().chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
    )
    assert answer.choices[0].message.content == "Hello from the mock."
    assert answer.model == "gpt-4o-mini"
    assert answer.usage.total_tokens == 13


def test_chat_stream():
    stream = client().chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True
    )
    text = "".join(
        chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices
    )
    assert text == "Hello from the mock."


def test_chat_stream_with_usage():
    stream = client().chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    usage = [chunk.usage for chunk in stream if chunk.usage]
    assert usage and usage[-1].total_tokens == 13


def test_tools():
    answer = client().chat.completions.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "weather in Paris?"}],
        tools=[
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "parameters": {
                        "type": "object",
                        "properties": {"city": {"type": "string"}},
                    },
                },
            }
        ],
    )
    call = answer.choices[0].message.tool_calls[0]
    assert call.function.name == "get_weather"
    assert call.function.arguments == '{"city":"Paris"}'


def test_embeddings():
    answer = client().embeddings.create(model="text-embedding-3-small", input=["a", "b"])
    assert len(answer.data) == 2


def test_models_list_shows_only_allowed_models():
    ids = [model.id for model in client().models.list()]
    assert ids == ["gpt-4o-mini", "text-embedding-3-small"]


def test_authentication_error():
    with pytest.raises(openai.AuthenticationError):
        client("sk-wrong-key-000").chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
        )


def test_model_not_allowed_is_permission_denied():
    with pytest.raises(openai.PermissionDeniedError):
        client().chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "hi"}]
        )


def test_unknown_model_is_not_found():
    with pytest.raises(openai.NotFoundError):
        client(os.environ["AIPROXY_OPEN_TOKEN"]).chat.completions.create(
            model="no-such-model", messages=[{"role": "user", "content": "hi"}]
        )


def test_bad_request():
    with pytest.raises(openai.BadRequestError):
        client().chat.completions.create(model="gpt-4o-mini", messages="not a list")


def test_rate_limit_error():
    with pytest.raises(openai.RateLimitError):
        client(os.environ["AIPROXY_OPEN_TOKEN"]).chat.completions.create(
            model="busy-model", messages=[{"role": "user", "content": "hi"}]
        )
