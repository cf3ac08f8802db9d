"""The official openai SDK on speech and transcriptions served by an Ali (DashScope) channel over WebSocket tasks (see hub/tests/dashscope_audio.rs).

The gateway opens DashScope's duplex WebSocket task for each call (speech synthesis, or
Paraformer recognition fed the uploaded file) and answers in OpenAI's shapes; the Rust side
checks what the mock's tasks carried and what each request was charged.
"""

import os

import openai
import pytest

BASE_URL = os.environ["AIPROXY_BASE_URL"] + "/v1"
TOKEN = os.environ["AIPROXY_TOKEN"]
WAV = os.environ["AIPROXY_WAV"]
# The mock's speech: the format's name, then 100 bytes of 0x44 per input character.
BYTES_PER_CHARACTER = 100
AUDIO_BYTE = b"\x44"
SENTENCES = "Hello from DashScope. Goodbye."


@pytest.fixture
def client():
    return openai.OpenAI(base_url=BASE_URL, api_key=TOKEN, max_retries=0)


def spoken(format, text):
    return format.encode() + AUDIO_BYTE * (len(text) * BYTES_PER_CHARACTER)


def test_cosyvoice_speech_is_mp3_by_default(client):
    speech = client.audio.speech.create(model="cosyvoice-v1", voice="longxiaochun", input="Hello")
    assert speech.response.headers["content-type"] == "audio/mpeg"
    assert speech.content == spoken("mp3", "Hello")


def test_sambert_speech_as_wav(client):
    speech = client.audio.speech.create(
        model="sambert-v1", voice="zhichu", input="你好", response_format="wav"
    )
    assert speech.response.headers["content-type"] == "audio/wav"
    assert speech.content == spoken("wav", "你好")


def test_a_voice_dashscope_refuses_is_a_bad_request(client):
    with pytest.raises(openai.BadRequestError) as refused:
        client.audio.speech.create(model="cosyvoice-v1", voice="alloy", input="Hi")
    assert "voice is not supported" in str(refused.value)


def test_paraformer_transcribes_a_real_wav_file(client):
    with open(WAV, "rb") as file:
        transcript = client.audio.transcriptions.create(model="paraformer-realtime-v2", file=file)
    assert transcript.text == SENTENCES


def test_a_transcript_as_plain_text(client):
    with open(WAV, "rb") as file:
        transcript = client.audio.transcriptions.create(
            model="paraformer-realtime-v2", file=file, response_format="text"
        )
    assert transcript.strip() == SENTENCES
