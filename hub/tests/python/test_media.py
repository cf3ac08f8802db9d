"""The official openai SDK on the media endpoints through the gateway (see hub/tests/media_billing.rs).

The gateway checks n, size and quality against the model config before any upstream call; the
Rust side then checks what each request was charged on its log row.
"""

import base64
import json
import os

import openai
import pytest

BASE_URL = os.environ["AIPROXY_BASE_URL"] + "/v1"
TOKEN = os.environ["AIPROXY_TOKEN"]
WAV = os.environ["AIPROXY_WAV"]


@pytest.fixture
def client():
    return openai.OpenAI(base_url=BASE_URL, api_key=TOKEN, max_retries=0)


@pytest.mark.parametrize(
    "params, param",
    [
        ({"n": 5}, "n"),
        ({"size": "256x256"}, "size"),
        ({"quality": "ultra"}, "quality"),
    ],
)
def test_images_outside_the_model_config_are_refused_naming_the_parameter(client, params, param):
    with pytest.raises(openai.BadRequestError) as refused:
        client.images.generate(model="dall-e-3", prompt="a lighthouse", **params)
    assert refused.value.status_code == 400
    assert refused.value.param == param
    assert param in refused.value.message


def test_images_inside_the_model_config_are_generated(client):
    answer = client.images.generate(
        model="dall-e-3", prompt="a lighthouse", n=2, size="1024x1024", quality="hd"
    )
    assert len(answer.data) == 2
    assert base64.b64decode(answer.data[0].b64_json).startswith(b"\x89PNG")


def test_gpt_image_usage_is_passed_through(client):
    answer = client.images.generate(model="gpt-image-1", prompt="a lighthouse", size="1024x1024")
    assert len(answer.data) == 1
    assert answer.usage.input_tokens == 50
    assert answer.usage.output_tokens == 4160


# A 1x1 PNG, the image whose variations are asked for.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def test_image_variations_are_checked_and_made(client):
    with pytest.raises(openai.BadRequestError) as refused:
        client.images.create_variation(model="dall-e-2", image=("in.png", PNG), size="2048x2048")
    assert refused.value.param == "size"
    answer = client.images.create_variation(
        model="dall-e-2", image=("in.png", PNG), n=2, size="512x512", response_format="b64_json"
    )
    assert len(answer.data) == 2
    assert base64.b64decode(answer.data[0].b64_json).startswith(b"\x89PNG")


def test_speech_comes_back_as_audio(client):
    speech = client.audio.speech.create(model="tts-1", voice="alloy", input="Hello, world")
    assert speech.content == b"\x55" * (len("Hello, world") * 16)


def test_speech_streams_as_server_sent_events(client):
    events = []
    with client.audio.speech.with_streaming_response.create(
        model="tts-1", voice="alloy", input="Hi there", stream_format="sse"
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[len("data: "):]))
    audio = b"".join(base64.b64decode(e["audio"]) for e in events if e["type"] == "speech.audio.delta")
    assert audio == b"\x55" * (len("Hi there") * 16)
    assert events[-1]["type"] == "speech.audio.done"


def test_a_real_wav_file_is_transcribed(client):
    with open(WAV, "rb") as file:
        transcript = client.audio.transcriptions.create(model="whisper-1", file=file)
    assert transcript.text == "hello from the mock transcriber"
