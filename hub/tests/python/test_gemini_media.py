"""The official openai SDK on speech, transcriptions and images served by a Gemini channel (see hub/tests/gemini_media.rs).

The gateway turns each call into Gemini's generateContent (audio or image modality, or the
uploaded file as inline data) and Gemini's answer back into OpenAI's shape; the Rust side
checks what the mock received and what each request was charged.
"""

import base64
import json
import os
import struct

import openai
import pytest

BASE_URL = os.environ["AIPROXY_BASE_URL"] + "/v1"
TOKEN = os.environ["AIPROXY_TOKEN"]
WAV = os.environ["AIPROXY_WAV"]
TTS = "gemini-2.5-flash-preview-tts"
LISTENER = "gemini-2.5-flash"
PAINTER = "gemini-2.5-flash-image"
# The mock speaks 960 16-bit samples of 0x21 per input character.
SAMPLE_BYTES_PER_CHARACTER = 960 * 2


@pytest.fixture
def client():
    return openai.OpenAI(base_url=BASE_URL, api_key=TOKEN, max_retries=0)


def test_speech_is_mp3_by_default_as_openai_answers(client):
    speech = client.audio.speech.create(model=TTS, voice="Kore", input="Hello, world")
    assert speech.response.headers["content-type"] == "audio/mpeg"
    mp3 = speech.content
    # An MPEG-2 layer III frame header: 11 sync bits, version 2, layer III; 24 kHz.
    assert mp3[0] == 0xFF and mp3[1] & 0xFE == 0xF2
    assert (mp3[2] >> 2) & 0x3 == 1


def test_speech_as_wav_is_geminis_pcm_in_a_wav_file(client):
    speech = client.audio.speech.create(
        model=TTS, voice="Kore", input="Hello, world", response_format="wav"
    )
    wav = speech.content
    assert wav[:4] == b"RIFF" and wav[8:16] == b"WAVEfmt "
    channels, rate = struct.unpack("<HI", wav[22:28])
    assert (channels, rate) == (1, 24000)
    assert wav[44:] == b"\x21" * (len("Hello, world") * SAMPLE_BYTES_PER_CHARACTER)


def test_speech_as_pcm_is_geminis_samples_as_they_are(client):
    speech = client.audio.speech.create(model=TTS, voice="Puck", input="Hi", response_format="pcm")
    assert speech.content == b"\x21" * (2 * SAMPLE_BYTES_PER_CHARACTER)


def test_speech_as_aac_is_refused(client):
    with pytest.raises(openai.BadRequestError) as refused:
        client.audio.speech.create(model=TTS, voice="Kore", input="Hi", response_format="aac")
    assert refused.value.param == "response_format"


def test_speech_streams_as_server_sent_events(client):
    events = []
    with client.audio.speech.with_streaming_response.create(
        model=TTS, voice="Kore", input="Hi there", stream_format="sse", response_format="pcm"
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[len("data: "):]))
    audio = b"".join(base64.b64decode(e["audio"]) for e in events if e["type"] == "speech.audio.delta")
    assert audio == b"\x21" * (len("Hi there") * SAMPLE_BYTES_PER_CHARACTER)
    assert events[-1]["type"] == "speech.audio.done"
    assert events[-1]["usage"]["output_tokens"] == len("Hi there")


def test_a_real_wav_file_is_transcribed(client):
    with open(WAV, "rb") as file:
        transcript = client.audio.transcriptions.create(model=LISTENER, file=file)
    assert transcript.text == "hello from the gemini transcriber"


def test_a_transcript_as_plain_text(client):
    with open(WAV, "rb") as file:
        transcript = client.audio.transcriptions.create(
            model=LISTENER, file=file, response_format="text"
        )
    assert transcript.strip() == "hello from the gemini transcriber"


def test_a_translation_comes_back_in_english(client):
    with open(WAV, "rb") as file:
        translation = client.audio.translations.create(model=LISTENER, file=file)
    assert translation.text == "hello in English from gemini"


def test_images_come_back_as_b64_json_with_geminis_usage(client):
    answer = client.images.generate(model=PAINTER, prompt="two lighthouses", size="1792x1024")
    assert len(answer.data) == 2
    assert base64.b64decode(answer.data[0].b64_json).startswith(b"\x89PNG")
    assert answer.usage.output_tokens == 2 * 1290 + 4
