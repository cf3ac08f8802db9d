"""The official openai SDK's videos client on a DashScope channel (see hub/tests/video_tasks.rs).

The SDK sends its multipart creation; the gateway turns it into a DashScope video synthesis
task, and the SDK polls it to completion, downloads it and lists it like an OpenAI video.
Another group's key gets the SDK's NotFoundError.
"""

import os

import openai
import pytest

BASE_URL = os.environ["AIPROXY_BASE_URL"] + "/v1"
TOKEN = os.environ["AIPROXY_TOKEN"]
OTHER_TOKEN = os.environ["AIPROXY_OTHER_TOKEN"]
CONTENT_BYTES = int(os.environ["AIPROXY_CONTENT_BYTES"])
MODEL = os.environ["AIPROXY_MODEL"]


def test_a_dashscope_video_is_created_polled_downloaded_and_listed():
    client = openai.OpenAI(base_url=BASE_URL, api_key=TOKEN, max_retries=0)
    video = client.videos.create_and_poll(
        model=MODEL, prompt="a kitten on grass", seconds="4", size="1280x720", poll_interval_ms=20
    )
    assert video.status == "completed"
    assert video.model == MODEL
    assert video.seconds == "4"

    content = client.videos.download_content(video.id)
    assert len(content.content) == CONTENT_BYTES
    assert content.content[:3] == bytes([0, 1, 2])
    assert video.id in [item.id for item in client.videos.list()]

    other = openai.OpenAI(base_url=BASE_URL, api_key=OTHER_TOKEN, max_retries=0)
    with pytest.raises(openai.NotFoundError):
        other.videos.retrieve(video.id)
