"""FastGPT's use of the seed's REST admin API (httpx): list channel types, create a channel, read it back masked, test it, then read the dashboard and the logs of a request (driven by hub/tests/rest_admin.rs)."""

import os
import time

import httpx2 as httpx

TIMEOUT = 60
BASE_URL = os.environ["AIPROXY_BASE_URL"]
ADMIN_KEY = os.environ["AIPROXY_ADMIN_KEY"]
UPSTREAM = os.environ["AIPROXY_UPSTREAM"]
CHANNEL_KEY = "sk-fastgpt-upstream-secret-0123456789"
MODEL = "fastgpt-chat"


def admin():
    # FastGPT sends the key with a Bearer prefix, as the seed documents.
    return httpx.Client(
        base_url=BASE_URL,
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
        timeout=TIMEOUT,
    )


def data(response):
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True, body
    return body.get("data")


def eventually(read, ready, what):
    """Log rows and summaries land when the writer flushes: poll, bounded."""
    deadline = time.monotonic() + 30
    while True:
        value = read()
        if ready(value):
            return value
        assert time.monotonic() < deadline, f"{what} never showed: {value}"
        time.sleep(0.2)


def test_fastgpt_flow():
    with admin() as api:
        metas = data(api.get("/api/channels/type_metas"))
        assert metas["1"]["name"] == "openai"
        assert metas["14"]["name"] == "anthropic"
        assert "defaultBaseUrl" in metas["1"] and "keyHelp" in metas["1"]

        created = data(
            api.post(
                "/api/channel/",
                json={
                    "type": 1,
                    "name": "fastgpt-openai",
                    "key": CHANNEL_KEY,
                    "base_url": UPSTREAM,
                    "models": [MODEL],
                    "model_mapping": {},
                    "priority": 10,
                    "status": 1,
                },
            )
        )
        assert len(created) == 1
        channel_id = created[0]["id"]
        assert created[0]["key"] != CHANNEL_KEY

        # Read back by the numeric id FastGPT stores, the key masked.
        channel = data(api.get(f"/api/channel/{channel_id}"))
        assert channel["type"] == 1 and channel["name"] == "fastgpt-openai"
        assert channel["models"] == [MODEL]
        assert CHANNEL_KEY not in channel["key"]
        listed = data(api.get("/api/channels/", params={"p": 1, "per_page": 10}))
        assert listed["total"] >= 1
        assert any(c["id"] == channel_id for c in listed["channels"])
        assert CHANNEL_KEY not in api.get("/api/channels/all").text

        # Editing without the key keeps it: the channel still reaches the upstream.
        data(api.put(f"/api/channel/{channel_id}", json={"priority": 5, "key": channel["key"]}))
        assert data(api.get(f"/api/channel/{channel_id}"))["priority"] == 5

        results = data(api.get(f"/api/channel/{channel_id}/test"))
        assert [r["model"] for r in results] == [MODEL]
        assert results[0]["success"] is True, results
        one = data(api.get(f"/api/channel/{channel_id}/test/{MODEL}"))
        assert one["success"] is True and one["code"] == 200

        token = data(api.post("/api/token/fastgpt?auto_create_group=true", json={"name": "app"}))
        key = "sk-" + token["key"]

    answer = httpx.post(
        f"{BASE_URL}/v1/chat/completions",
        headers={"Authorization": f"Bearer {key}"},
        json={"model": MODEL, "messages": [{"role": "user", "content": "hi"}]},
        timeout=TIMEOUT,
    )
    assert answer.status_code == 200, answer.text

    with admin() as api:
        logs = eventually(
            lambda: data(api.get("/api/logs/", params={"model_name": MODEL, "p": 1, "per_page": 10})),
            lambda page: len(page["logs"]) == 1,
            "the request's log",
        )
        log = logs["logs"][0]
        assert log["group"] == "fastgpt" and log["token_name"] == "app"
        assert log["channel"] == channel_id and log["code"] == 200
        assert log["usage"]["total_tokens"] == 13

        group_logs = data(api.get("/api/log/fastgpt/search", params={"p": 1, "per_page": 10}))
        assert [entry["request_id"] for entry in group_logs["logs"]] == [log["request_id"]]
        assert data(api.get("/api/log/nobody/search"))["logs"] == []

        dashboard = eventually(
            lambda: data(api.get("/api/dashboard/", params={"model": MODEL})),
            lambda board: board["total_count"] >= 1,
            "the dashboard's count",
        )
        assert dashboard["request_count"] == 1
        assert dashboard["total_tokens"] == 13
        assert sum(point["request_count"] for point in dashboard["chart_data"]) == 1
        per_day = data(api.get("/api/dashboard/", params={"model": MODEL, "type": "week"}))
        assert len(per_day["chart_data"]) == 1
        assert per_day["chart_data"][0]["timestamp"] % 86400 == 0

        data(api.post(f"/api/channel/{channel_id}/status", json={"status": 2}))
        assert data(api.get(f"/api/channel/{channel_id}"))["status"] == 2
        data(api.delete(f"/api/channel/{channel_id}"))
        gone = api.get(f"/api/channel/{channel_id}")
        assert gone.status_code == 404 and gone.json()["success"] is False
