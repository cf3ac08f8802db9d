"""The official mcp client against two replicas behind a proxy that sends each request to the other replica in turn (driven by hub/tests/mcp_replicas.rs)."""

import os

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

BASE_URL = os.environ["AIPROXY_BASE_URL"]
TOKEN = os.environ["AIPROXY_TOKEN"]
HEADERS = {"Authorization": f"Bearer {TOKEN}"}
# A session one replica cannot find would leave the client waiting: fail instead.
TIMEOUT_SECONDS = 30


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def use_the_clock(client):
    # Several rounds, so that every kind of request lands on both replicas.
    for _ in range(3):
        tools = sorted(tool.name for tool in (await client.list_tools()).tools)
        assert tools == ["convert_time", "get_current_time"]
        result = await client.call_tool(
            "convert_time",
            {"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Kolkata"},
        )
        assert not result.is_error, result.content
        assert "17:30" in result.content[0].text


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_streamable_http_across_replicas(mode):
    transport = streamable_http_client(
        BASE_URL + "/mcp/public/clock", http_client=httpx2.AsyncClient(headers=HEADERS)
    )
    with anyio.fail_after(TIMEOUT_SECONDS):
        async with Client(transport, mode=mode) as client:
            await use_the_clock(client)


@pytest.mark.anyio
async def test_legacy_sse_across_replicas():
    transport = sse_client(BASE_URL + "/mcp/public/clock/sse", headers=HEADERS)
    with anyio.fail_after(TIMEOUT_SECONDS):
        async with Client(transport, mode="legacy") as client:
            await use_the_clock(client)
