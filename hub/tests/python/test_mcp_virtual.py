"""The official mcp Python client on a virtual server (driven by hub/tests/mcp_virtual.rs)."""

import json
import os

import httpx2
import pytest
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

BASE_URL = os.environ["AIPROXY_BASE_URL"]
TOKEN = os.environ["AIPROXY_TOKEN"]


def streamable(path):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    return streamable_http_client(BASE_URL + path, http_client=httpx2.AsyncClient(headers=headers))


def legacy_sse(path):
    return sse_client(BASE_URL + path, headers={"Authorization": f"Bearer {TOKEN}"})


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def check_toolbox(client):
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert sorted(tools) == ["few_pets", "utc_now"]
    assert tools["few_pets"].description == "Two dogs at most."
    assert "limit" not in tools["few_pets"].input_schema.get("properties", {})
    result = await client.call_tool("few_pets", {})
    assert not result.is_error, result.content
    pets = json.loads(result.content[0].text)
    assert [pet["name"] for pet in pets] == ["Rex", "Tom"]
    now = await client.call_tool("utc_now", {})
    assert now.structured_content["timezone"] == "UTC"
    # convert_time is composed but withheld from this group: hidden, and refused when called.
    with pytest.raises(Exception, match="unknown tool"):
        refused = await client.call_tool(
            "convert_time",
            {"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Kolkata"},
        )
        if refused.is_error:
            raise RuntimeError(refused.content[0].text)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_virtual_server_over_streamable_http(mode):
    async with Client(streamable("/mcp/public/toolbox"), mode=mode) as client:
        await check_toolbox(client)


@pytest.mark.anyio
async def test_virtual_server_over_legacy_sse():
    async with Client(legacy_sse("/mcp/public/toolbox/sse"), mode="legacy") as client:
        await check_toolbox(client)
