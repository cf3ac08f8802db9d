"""The official mcp Python client on the seed's MCP test routes (driven by hub/tests/rest_mcp_try.rs)."""

import os

import httpx2
import pytest
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

BASE_URL = os.environ["AIPROXY_BASE_URL"]
ADMIN_KEY = os.environ["AIPROXY_ADMIN_KEY"]
HEADERS = {"Authorization": f"Bearer {ADMIN_KEY}"}
# The template's group parameter, from the query as the seed takes it.
TOKYO = "reusing%5Blocal_timezone%5D=Asia%2FTokyo"


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def check_clock(client):
    tools = sorted(tool.name for tool in (await client.list_tools()).tools)
    assert tools == ["convert_time", "get_current_time"]
    # No zone named: the one the query gave the template.
    result = await client.call_tool("get_current_time", {})
    assert not result.is_error, result.content
    assert result.structured_content["timezone"] == "Asia/Tokyo"


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_an_embedded_template_over_streamable_http(mode):
    url = f"{BASE_URL}/api/test-embedmcp/time?{TOKYO}"
    transport = streamable_http_client(url, http_client=httpx2.AsyncClient(headers=HEADERS))
    async with Client(transport, mode=mode) as client:
        await check_clock(client)


@pytest.mark.anyio
async def test_an_embedded_template_over_legacy_sse():
    transport = sse_client(f"{BASE_URL}/api/test-embedmcp/time/sse?{TOKYO}", headers=HEADERS)
    async with Client(transport, mode="legacy") as client:
        await check_clock(client)


@pytest.mark.anyio
async def test_a_public_server_as_a_group_over_legacy_sse():
    transport = sse_client(f"{BASE_URL}/api/test-publicmcp/acme/remote/sse", headers=HEADERS)
    async with Client(transport, mode="legacy") as client:
        tools = [tool.name for tool in (await client.list_tools()).tools]
        assert tools == ["echo"]
        result = await client.call_tool("echo", {"a": 1})
        assert not result.is_error, result.content
        assert result.content[0].text == "called echo"
