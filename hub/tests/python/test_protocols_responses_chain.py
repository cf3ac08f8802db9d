"""The official openai SDK continuing a conversation with previous_response_id: on an `openai` channel (Responses native by default) the upstream continues its stored response; on a `custom` channel the request is converted to chat, which has no stored state, so a continuation is refused with a 400 naming the field (driven by hub/tests/relay_protocols.rs)."""

import os

import openai
import pytest

BASE_URL = os.environ["AIPROXY_BASE_URL"] + "/v1"
TOKEN = os.environ["AIPROXY_TOKEN"]
NATIVE = "gpt-5-mini"
CONVERTED = "gpt-compatible"


def client():
    return openai.OpenAI(base_url=BASE_URL, api_key=TOKEN, max_retries=0, timeout=60)


def test_an_openai_channel_continues_a_stored_response():
    first = client().responses.create(model=NATIVE, input="My name is Ada.")
    second = client().responses.create(
        model=NATIVE, input="What is my name?", previous_response_id=first.id
    )
    assert second.previous_response_id == first.id
    assert second.id != first.id
    assert second.output_text == "Hello from OpenAI."
    # The upstream's own refusal of an id it never stored reaches the client unchanged.
    with pytest.raises(openai.BadRequestError) as refused:
        client().responses.create(
            model=NATIVE, input="again", previous_response_id="resp_never_created"
        )
    assert "resp_never_created" in refused.value.message


def test_a_custom_channel_converts_to_chat_and_refuses_a_continuation():
    plain = client().responses.create(model=CONVERTED, input="hi")
    assert plain.output_text == "Hello from OpenAI."
    assert plain.model == CONVERTED
    stored = client().responses.create(model=NATIVE, input="hi")
    with pytest.raises(openai.BadRequestError) as refused:
        client().responses.create(
            model=CONVERTED, input="and then?", previous_response_id=stored.id
        )
    assert "previous_response_id" in refused.value.message
