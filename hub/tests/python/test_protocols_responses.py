"""The official openai SDK's Responses API through a channel marked responses_api: create (stream and not), then retrieve, list input items and delete, each reaching the channel that stored the response; another group's token finds nothing (driven by hub/tests/relay_protocols.rs)."""

import os

import openai
import pytest

BASE_URL = os.environ["AIPROXY_BASE_URL"] + "/v1"
TOKEN = os.environ["AIPROXY_TOKEN"]
OTHER_TOKEN = os.environ["AIPROXY_OTHER_TOKEN"]
MODEL = "gpt-5-mini"


def client(key=TOKEN):
    return openai.OpenAI(base_url=BASE_URL, api_key=key, max_retries=0, timeout=60)


def test_create_retrieve_list_and_delete():
    created = client().responses.create(model=MODEL, input="hi", instructions="Be brief.")
    assert created.output_text == "Hello from OpenAI."
    assert created.model == MODEL
    assert created.usage.input_tokens_details.cached_tokens == 10

    fetched = client().responses.retrieve(created.id)
    assert fetched.id == created.id
    assert fetched.output_text == "Hello from OpenAI."

    items = client().responses.input_items.list(created.id, limit=10, order="asc")
    assert [item.type for item in items.data] == ["message"]
    assert items.data[0].content[0].text == "hi"

    with pytest.raises(openai.NotFoundError):
        client(OTHER_TOKEN).responses.retrieve(created.id)
    with pytest.raises(openai.NotFoundError):
        client(OTHER_TOKEN).responses.delete(created.id)

    client().responses.delete(created.id)
    with pytest.raises(openai.NotFoundError):
        client().responses.retrieve(created.id)


def test_a_streamed_response_can_be_retrieved():
    with client().responses.stream(model=MODEL, input="hi") as stream:
        text = "".join(e.delta for e in stream if e.type == "response.output_text.delta")
        final = stream.get_final_response()
    assert text == "Hello from OpenAI."
    fetched = client().responses.retrieve(final.id)
    assert fetched.id == final.id


def test_an_unknown_id_is_not_found():
    with pytest.raises(openai.NotFoundError):
        client().responses.retrieve("resp_never_created")
