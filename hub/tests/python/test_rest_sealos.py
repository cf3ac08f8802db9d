"""Sealos' use of the seed's REST admin API (httpx): a workspace token created with auto_create_group, its quota set, found by search, its usage read after a request; an MCP integration's public server, workspace parameters, view and usage series (driven by hub/tests/rest_admin.rs)."""

import os
import time

import httpx2 as httpx

TIMEOUT = 60
BASE_URL = os.environ["AIPROXY_BASE_URL"]
ADMIN_KEY = os.environ["AIPROXY_ADMIN_KEY"]
MODEL = os.environ["AIPROXY_MODEL"]
GROUP = "ns-workspace-1"


def admin():
    # Sealos sends the bare key, without "Bearer ".
    return httpx.Client(base_url=BASE_URL, headers={"Authorization": ADMIN_KEY}, timeout=TIMEOUT)


def data(response):
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True, body
    return body.get("data")


def test_sealos_flow():
    with admin() as api:
        # Prices per 1000 tokens, as the seed's model configs.
        config = data(
            api.post(
                f"/api/model_config/{MODEL}",
                json={"type": 1, "owner": "openai", "price": {"input_price": 1, "output_price": 2}},
            )
        )
        assert config["price"]["input_price"] == 1 and config["price"]["input_price_unit"] == 1000
        assert any(c["model"] == MODEL for c in data(api.get("/api/model_configs/all")))

        assert api.get(f"/api/group/{GROUP}").status_code == 404
        created = data(
            api.post(
                f"/api/token/{GROUP}",
                params={"auto_create_group": "true", "ignore_exist": "true"},
                json={"name": "default"},
            )
        )
        assert created["group"] == GROUP and created["name"] == "default"
        assert len(created["key"]) >= 40 and not created["key"].startswith("sk-")
        token_id = created["id"]
        assert data(api.get(f"/api/group/{GROUP}"))["status"] == 1
        # Our groups spend a balance (the seed asked an external billing service): top it up.
        group = data(api.put(f"/api/group/{GROUP}", json={"balance": 1000}))
        assert group["balance"] == 1000

        # Sealos calls this on every workspace visit: the same token, its key not shown again.
        again = data(
            api.post(
                f"/api/token/{GROUP}",
                params={"auto_create_group": "true", "ignore_exist": "true"},
                json={"name": "default"},
            )
        )
        assert again["id"] == token_id and again["key"] == ""
        conflict = api.post(f"/api/token/{GROUP}", json={"name": "default"})
        assert conflict.status_code == 409 and conflict.json()["success"] is False

        # Generous limits: a request reserves its worst case (no max_tokens) before it runs.
        updated = data(api.put(f"/api/token/{GROUP}/{token_id}", json={"quota": 500, "period_quota": 100, "period_type": "daily"}))
        assert updated["quota"] == 500 and updated["period_quota"] == 100 and updated["period_type"] == "daily"

        found = data(api.get(f"/api/token/{GROUP}/search", params={"keyword": "default", "p": 1, "per_page": 10}))
        assert found["total"] == 1 and found["tokens"][0]["id"] == token_id
        assert found["tokens"][0]["key"] == "" and created["key"] not in api.get("/api/tokens/").text
        other_group = api.get(f"/api/token/other/{token_id}")
        assert other_group.status_code == 404

    answer = httpx.post(
        f"{BASE_URL}/v1/chat/completions",
        headers={"Authorization": f"Bearer sk-{created['key']}"},
        json={"model": MODEL, "messages": [{"role": "user", "content": "hi"}]},
        timeout=TIMEOUT,
    )
    assert answer.status_code == 200, answer.text

    with admin() as api:
        deadline = time.monotonic() + 30
        while True:
            token = data(api.get(f"/api/token/{GROUP}/{token_id}"))
            if token["request_count"] >= 1 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert token["request_count"] == 1, token
        # 9 input and 4 output tokens at 1 and 2 per 1000.
        assert abs(token["used_amount"] - 0.017) < 1e-9, token
        usage = data(api.get(f"/api/dashboard/{GROUP}"))
        assert usage["request_count"] == 1 and abs(usage["used_amount"] - 0.017) < 1e-9, usage

        data(api.post(f"/api/token/{GROUP}/{token_id}/status", json={"status": 2}))
        assert data(api.get(f"/api/token/{GROUP}/{token_id}"))["status"] == 2
        groups = data(api.get("/api/groups/", params={"p": 1, "per_page": 100}))
        assert any(g["id"] == GROUP for g in groups["groups"])
        data(api.delete(f"/api/token/{GROUP}/{token_id}"))
        assert api.get(f"/api/token/{GROUP}/{token_id}").status_code == 404
        data(api.delete(f"/api/group/{GROUP}"))
        assert api.get(f"/api/group/{GROUP}").status_code == 404


def test_mcp_integration_flow():
    """What an MCP-managing integration runs: a public server needing each workspace's own
    setting, the workspace's parameters, its view of the server, and its usage over time."""
    group = "ns-workspace-mcp"
    with admin() as api:
        server = data(
            api.post(
                "/api/mcp/public/",
                json={
                    "id": "workspace-time",
                    "type": "mcp_embed",
                    "template": "time",
                    "name": "Time",
                    "embed_config": {
                        "init": {},
                        "reusing": {"local_timezone": {"name": "local_timezone", "required": True}},
                    },
                },
            )
        )
        assert server["type"] == "mcp_embed" and server["status"] == 1, server
        assert server["endpoints"]["streamable_http"] == "/mcp/public/workspace-time"
        assert "local_timezone" in server["embed_config"]["reusing"], server

        created = data(
            api.post(f"/api/token/{group}", params={"auto_create_group": "true"}, json={"name": "mcp"})
        )
        data(api.put(f"/api/group/{group}", json={"balance": 1000}))

        listed = data(api.get(f"/api/group/{group}/mcp/", params={"p": 1, "per_page": 10}))
        assert any(m["id"] == "workspace-time" and m["hosted"] for m in listed["mcps"]), listed
        before = data(api.get(f"/api/group/{group}/mcp/workspace-time"))
        assert before["endpoints"]["streamable_http"] == "", before
        assert before["reusing"]["local_timezone"]["required"] is True

        saved = data(
            api.post(
                f"/api/mcp/public/workspace-time/group/{group}/params",
                json={"params": {"local_timezone": "Pacific/Chatham"}},
            )
        )
        assert saved["mcp_id"] == "workspace-time" and saved["group_id"] == group
        after = api.get(f"/api/group/{group}/mcp/workspace-time")
        detail = data(after)
        assert "Pacific/Chatham" not in after.text, "group parameters read back masked"
        assert detail["params"]["local_timezone"], detail
        assert detail["endpoints"]["streamable_http"] == "/mcp/public/workspace-time", detail
        assert detail["tools"] and all(tool["name"] for tool in detail["tools"]), detail

    answer = httpx.post(
        f"{BASE_URL}/v1/chat/completions",
        headers={"Authorization": f"Bearer sk-{created['key']}"},
        json={"model": MODEL, "messages": [{"role": "user", "content": "hi"}]},
        timeout=TIMEOUT,
    )
    assert answer.status_code == 200, answer.text

    with admin() as api:
        deadline = time.monotonic() + 30
        while True:
            series = data(api.get(f"/api/dashboardv2/{group}", params={"timespan": "minute"}))
            if series or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert len(series) == 1, series
        point = series[0]["summary"][0]
        assert point["model"] == MODEL and point["request_count"] == 1, series
        assert isinstance(series[0]["timestamp"], int) and series[0]["timestamp"] < 10_000_000_000
        data(api.delete("/api/mcp/public/workspace-time"))
        assert api.get("/api/mcp/public/workspace-time").status_code == 404
