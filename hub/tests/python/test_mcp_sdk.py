"""The official mcp Python client against a running gateway (driven by hub/tests/mcp_e2e.rs)."""

import os

import httpx2
import pytest
from mcp import Client
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client

BASE_URL = os.environ["AIPROXY_BASE_URL"]
TOKEN = os.environ["AIPROXY_TOKEN"]
OTHER_GROUP_TOKEN = os.environ["AIPROXY_OTHER_TOKEN"]


def streamable(path, token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"}
    return streamable_http_client(BASE_URL + path, http_client=httpx2.AsyncClient(headers=headers))


def legacy_sse(path, token=TOKEN):
    return sse_client(BASE_URL + path, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_embedded_time_server_over_streamable_http(mode):
    async with Client(streamable("/mcp/public/clock"), mode=mode) as client:
        tools = sorted(tool.name for tool in (await client.list_tools()).tools)
        assert tools == ["convert_time", "get_current_time"]
        result = await client.call_tool(
            "convert_time",
            {"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Kolkata"},
        )
        assert not result.is_error
        assert "17:30" in result.content[0].text


@pytest.mark.anyio
async def test_embedded_time_server_over_legacy_sse():
    async with Client(legacy_sse("/mcp/public/clock/sse"), mode="legacy") as client:
        tools = sorted(tool.name for tool in (await client.list_tools()).tools)
        assert tools == ["convert_time", "get_current_time"]
        result = await client.call_tool("get_current_time", {"timezone": "Europe/Paris"})
        assert result.structured_content["timezone"] == "Europe/Paris"


@pytest.mark.anyio
async def test_aggregated_endpoint_prefixes_tools_with_the_server_id():
    async with Client(streamable("/mcp"), mode="auto") as client:
        tools = sorted(tool.name for tool in (await client.list_tools()).tools)
        assert "clock__get_current_time" in tools
        assert "acme-clock__get_current_time" in tools


@pytest.mark.anyio
async def test_another_group_cannot_see_a_group_server():
    async with Client(streamable("/mcp", OTHER_GROUP_TOKEN), mode="auto") as client:
        tools = sorted(tool.name for tool in (await client.list_tools()).tools)
        assert tools == ["clock__convert_time", "clock__get_current_time", "pets__getPet", "pets__listPets"]
    with pytest.raises(Exception):
        async with Client(streamable("/mcp/group/acme-clock", OTHER_GROUP_TOKEN), mode="auto") as client:
            await client.list_tools()


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
async def test_admin_tools_manage_the_gateway_with_the_admin_key():
    admin_key = os.environ["AIPROXY_ADMIN_KEY"]
    async with Client(streamable("/mcp/admin", admin_key), mode="auto") as client:
        tools = {tool.name for tool in (await client.list_tools()).tools}
        assert {"groups_list", "groups_put", "tokens_put", "channels_get"} <= tools
        created = await client.call_tool("groups_put", {"item": {"id": "made-by-mcp"}})
        assert not created.is_error, created.content
        listed = await client.call_tool("groups_list", {})
        assert "made-by-mcp" in listed.content[0].text
        deleted = await client.call_tool("groups_delete", {"id": "made-by-mcp"})
        assert not deleted.is_error, deleted.content
        missing = await client.call_tool("groups_get", {"id": "made-by-mcp"})
        assert missing.is_error


@pytest.mark.anyio
async def test_admin_tools_refuse_an_api_token():
    with pytest.raises(Exception):
        async with Client(streamable("/mcp/admin", TOKEN), mode="auto") as client:
            await client.list_tools()


@pytest.mark.anyio
async def test_openapi_server_from_a_spec_file():
    async with Client(streamable("/mcp/public/pets"), mode="auto") as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert set(tools) == {"listPets", "getPet"}
        assert "pets-secret" not in str([tool.model_dump() for tool in tools.values()])
        one = await client.call_tool("getPet", {"petId": "a b/c"})
        assert not one.is_error, one.content
        assert one.structured_content == {"id": "a b/c", "name": "Rex"}
        listed = await client.call_tool("listPets", {"limit": 2})
        assert not listed.is_error, listed.content
        assert "Tom" in listed.content[0].text and "Kit" not in listed.content[0].text
