"""The control plane over Connect JSON with nothing but an HTTP client (httpx), as curl would call it: reads, a write read back, refusals in Connect's shape, and a server stream (driven by hub/tests/connect_json.rs)."""

import json
import os
import struct

import httpx2 as httpx

TIMEOUT = 60
BASE_URL = os.environ["AIPROXY_BASE_URL"]
ADMIN_KEY = os.environ["AIPROXY_ADMIN_KEY"]
PACKAGE = "aiproxy.admin.v1"


def rpc(client, method, message, key=ADMIN_KEY):
    """POST /aiproxy.admin.v1.<Service>/<Method> with the message as JSON."""
    headers = {"Content-Type": "application/json"}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return client.post(f"/{PACKAGE}.{method}", content=json.dumps(message), headers=headers)


def test_reads_writes_and_errors():
    with httpx.Client(base_url=BASE_URL, timeout=TIMEOUT) as client:
        listed = rpc(client, "GroupService/ListGroups", {})
        assert listed.status_code == 200, listed.text
        assert listed.headers["content-type"] == "application/json"
        assert [group["id"] for group in listed.json()["groups"]] == ["acme", "other"]

        created = rpc(client, "GroupService/CreateGroup", {"group": {"id": "from-python", "rpmRatio": 2}})
        assert created.status_code == 200, created.text
        read = rpc(client, "GroupService/GetGroup", {"id": "from-python"})
        assert read.json()["rpmRatio"] == 2
        # 64-bit integers travel as strings in proto3 JSON.
        assert isinstance(read.json()["createdAtMs"], str)

        missing = rpc(client, "GroupService/GetGroup", {"id": "nobody"})
        assert missing.status_code == 404
        assert missing.json()["code"] == "not_found"

        unknown_field = rpc(client, "GroupService/ListGroups", {"pageSizes": 1})
        assert unknown_field.status_code == 400
        assert unknown_field.json()["code"] == "invalid_argument"

        no_key = rpc(client, "GroupService/ListGroups", {}, key=None)
        assert no_key.status_code == 401
        assert no_key.json()["code"] == "unauthenticated"


def frames(chunks):
    """Connect stream frames (flags, JSON) from an iterator of byte chunks."""
    buffered = b""
    for chunk in chunks:
        buffered += chunk
        while len(buffered) >= 5:
            flags, length = struct.unpack(">BI", buffered[:5])
            if len(buffered) < 5 + length:
                break
            yield flags, json.loads(buffered[5 : 5 + length])
            buffered = buffered[5 + length :]
    assert buffered == b"", "the stream ended inside a frame"


def test_server_stream():
    request = json.dumps({"kinds": ["group"]}).encode()
    body = struct.pack(">BI", 0, len(request)) + request
    headers = {
        "Content-Type": "application/connect+json",
        "Authorization": f"Bearer {ADMIN_KEY}",
    }
    with httpx.Client(base_url=BASE_URL, timeout=TIMEOUT) as client:
        with client.stream("POST", f"/{PACKAGE}.ConfigService/Watch", content=body, headers=headers) as watch:
            assert watch.status_code == 200
            assert watch.headers["content-type"] == "application/connect+json"
            with httpx.Client(base_url=BASE_URL, timeout=TIMEOUT) as writer:
                made = rpc(writer, "GroupService/CreateGroup", {"group": {"id": "watched-from-python"}})
                assert made.status_code == 200, made.text
            flags, event = next(frames(watch.iter_bytes()))
            assert flags == 0
            assert event == {"kind": "group", "action": "created", "id": "watched-from-python"}

        # A refused stream: HTTP 200 and one end-of-stream frame carrying the error.
        refused = client.post(f"/{PACKAGE}.ConfigService/Watch", content=body, headers={"Content-Type": "application/connect+json"})
        assert refused.status_code == 200
        assert list(frames([refused.content])) == [
            (2, {"error": {"code": "unauthenticated", "message": "missing authorization: Bearer <admin key>"}})
        ]
