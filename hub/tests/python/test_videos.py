"""The official openai SDK's videos client through the gateway (see hub/tests/videos.rs).

A video is created and polled to completion, downloaded, listed, remixed and deleted; another
group's key gets the SDK's NotFoundError. The Rust side then checks the bills.
"""

import os

import openai
import pytest

BASE_URL = os.environ["AIPROXY_BASE_URL"] + "/v1"
TOKEN = os.environ["AIPROXY_TOKEN"]
OTHER_TOKEN = os.environ["AIPROXY_OTHER_TOKEN"]
CONTENT_BYTES = int(os.environ["AIPROXY_CONTENT_BYTES"])


@pytest.fixture
def client():
    return openai.OpenAI(base_url=BASE_URL, api_key=TOKEN, max_retries=0)


def test_a_video_is_created_polled_downloaded_listed_remixed_and_deleted(client):
    video = client.videos.create_and_poll(
        model="sora-2", prompt="a red balloon", seconds="8", size="1280x720", poll_interval_ms=20
    )
    assert video.status == "completed"
    assert video.seconds == "8"
    assert video.model == "sora-2"

    content = client.videos.download_content(video.id, variant="video")
    assert len(content.content) == CONTENT_BYTES
    assert content.content[:3] == bytes([0, 1, 2])

    listed = [item.id for item in client.videos.list(limit=1)]
    assert video.id in listed

    remix = client.videos.remix(video.id, prompt="now in blue")
    assert remix.remixed_from_video_id == video.id
    remix = client.videos.poll(remix.id, poll_interval_ms=20)
    assert remix.status == "completed"

    other = openai.OpenAI(base_url=BASE_URL, api_key=OTHER_TOKEN, max_retries=0)
    with pytest.raises(openai.NotFoundError):
        other.videos.retrieve(video.id)
    with pytest.raises(openai.NotFoundError):
        other.videos.delete(video.id)

    deleted = client.videos.delete(remix.id)
    assert deleted.deleted
    with pytest.raises(openai.NotFoundError):
        client.videos.retrieve(remix.id)


def test_a_reference_image_goes_up_as_a_file(client):
    video = client.videos.create(
        model="sora-2",
        prompt="from this picture",
        seconds="4",
        input_reference=("reference.png", b"\x89PNG-not-really", "image/png"),
    )
    assert video.status == "queued"
    assert video.seconds == "4"
