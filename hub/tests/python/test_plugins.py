"""The official openai SDK through the gateway, one model per plugin (see hub/tests/plugins_python.rs)."""

import os

import openai
import pytest

BASE_URL = os.environ["AIPROXY_BASE_URL"] + "/v1"
TOKEN = os.environ["AIPROXY_TOKEN"]


@pytest.fixture
def client():
    return openai.OpenAI(base_url=BASE_URL, api_key=TOKEN, max_retries=0)


def ask(text):
    return [{"role": "user", "content": text}]


def extra(message, name):
    """A field the SDK's model does not declare (reasoning_content)."""
    return (message.model_extra or {}).get(name)


def test_cache_answers_a_repeated_question_from_the_cache(client):
    first = client.chat.completions.with_raw_response.create(model="cache-model", messages=ask("cache me"))
    assert first.headers["x-aiproxy-cache"] == "miss"
    body = first.parse()
    for _ in range(40):
        second = client.chat.completions.with_raw_response.create(model="cache-model", messages=ask("cache me"))
        if second.headers["x-aiproxy-cache"] == "hit":
            break
    assert second.headers["x-aiproxy-cache"] == "hit"
    # The upstream adds a random suffix: only the cache can answer with the same text twice.
    assert second.parse().choices[0].message.content == body.choices[0].message.content


def test_cache_replays_streams(client):
    def run():
        response = client.chat.completions.with_raw_response.create(
            model="cache-model", messages=ask("stream me"), stream=True, stream_options={"include_usage": True}
        )
        chunks = list(response.parse())
        text = "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices)
        return response.headers["x-aiproxy-cache"], text, chunks[-1].usage

    cache, text, usage = run()
    assert (cache, text) == ("miss", "hello from cache-model")
    for _ in range(40):
        cache, again, usage = run()
        if cache == "hit":
            break
    assert (cache, again) == ("hit", text)
    assert usage.total_tokens == 20


def test_think_split_fills_reasoning_content(client):
    message = client.chat.completions.create(model="think-model", messages=ask("why?")).choices[0].message
    assert message.content == "The answer"
    assert extra(message, "reasoning_content") == "weighing options"
    reasoning, content = "", ""
    for chunk in client.chat.completions.create(model="think-model", messages=ask("why?"), stream=True):
        if chunk.choices:
            reasoning += extra(chunk.choices[0].delta, "reasoning_content") or ""
            content += chunk.choices[0].delta.content or ""
    assert (reasoning, content) == ("weighing options", "The answer")


def test_stream_fake_reassembles_tool_calls(client):
    completion = client.chat.completions.create(model="fake-model", messages=ask("weather in Oslo?"))
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content == "Let me check."
    call = choice.message.tool_calls[0]
    assert (call.id, call.function.name, call.function.arguments) == ("call_w", "get_weather", '{"city": "Oslo"}')
    assert completion.usage.total_tokens == 20


def test_web_search_injects_numbered_references(client):
    answer = client.chat.completions.create(
        model="search-model", messages=ask("what is python"), web_search_options={}
    ).choices[0].message.content
    assert answer.startswith('Web search results for "what is python"')
    assert "[1] Welcome to Python.org\nhttps://www.python.org/" in answer
    assert "[2] Python 3 documentation" in answer
    plain = client.chat.completions.create(model="search-model", messages=ask("what is python"))
    assert plain.choices[0].message.content == "no search"


def test_patch_sends_max_completion_tokens_to_reasoning_models(client):
    answer = client.chat.completions.create(model="o3-mini", messages=ask("hi"), max_tokens=64)
    assert answer.choices[0].message.content == "max_completion_tokens=64 max_tokens=false"


def test_cache_follow_and_timeout_leave_answers_alone(client):
    for turn in range(3):
        answer = client.chat.completions.create(model="follow-model", messages=ask(f"turn {turn}"), user="alice")
        assert answer.choices[0].message.content.startswith("hello from follow-model")
    streamed = client.chat.completions.create(model="timeout-model", messages=ask("hi"), stream=True)
    assert "".join(c.choices[0].delta.content or "" for c in streamed if c.choices) == "hello from timeout-model"
