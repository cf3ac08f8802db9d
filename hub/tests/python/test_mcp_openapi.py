"""The corpus petstore, uploaded through the control plane, called with the official mcp client (driven by hub/tests/mcp_openapi.rs, whose mock API echoes each request it receives)."""

import json
import os
from urllib.parse import parse_qs

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

BASE_URL = os.environ["AIPROXY_BASE_URL"]
TOKEN = os.environ["AIPROXY_TOKEN"]
API_KEY = os.environ["PETSTORE_API_KEY"]


@pytest.fixture
def anyio_backend():
    return "asyncio"


def gateway():
    headers = {"Authorization": f"Bearer {TOKEN}"}
    transport = streamable_http_client(BASE_URL + "/mcp", http_client=httpx2.AsyncClient(headers=headers))
    return Client(transport, mode="auto")


def echo(result):
    """What the mock API saw, from the tool result."""
    assert not result.is_error, result.content
    if result.structured_content is not None:
        return result.structured_content
    return json.loads(result.content[0].text)


@pytest.mark.anyio
async def test_tools_are_listed_without_the_credential():
    async with gateway() as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert "petstore__getPetById" in tools and "petstore__addPet" in tools
    assert API_KEY not in json.dumps([tool.model_dump(mode="json") for tool in tools.values()])


@pytest.mark.anyio
async def test_path_query_header_and_body_arguments_arrive_encoded():
    async with gateway() as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}

        seen = echo(await client.call_tool("petstore__getPetById", {"petId": 7}))
        assert (seen["method"], seen["path"]) == ("GET", "/api/v3/pet/7")
        assert seen["api_key"] == API_KEY, "the api_key security scheme's credential is sent"

        seen = echo(await client.call_tool("petstore__findPetsByStatus", {"status": "sold"}))
        assert seen["path"] == "/api/v3/pet/findByStatus"
        assert parse_qs(seen["query"]) == {"status": ["sold"]}

        seen = echo(
            await client.call_tool("petstore__updatePetWithForm", {"petId": 3, "name": "a b&c/d", "status": "sold"})
        )
        assert (seen["method"], seen["path"]) == ("POST", "/api/v3/pet/3")
        assert parse_qs(seen["query"]) == {"name": ["a b&c/d"], "status": ["sold"]}

        pet = {"name": "Kit", "photoUrls": ["https://example.com/kit.png"], "status": "available"}
        properties = tools["petstore__addPet"].input_schema["properties"]
        arguments = {"body": pet} if "body" in properties else pet
        seen = echo(await client.call_tool("petstore__addPet", arguments))
        assert (seen["method"], seen["path"]) == ("POST", "/api/v3/pet")
        assert seen["content_type"].startswith("application/json")
        assert json.loads(seen["body"]) == pet

        seen = echo(await client.call_tool("petstore__deletePet", {"petId": 9, "api_key": "from-the-caller"}))
        assert (seen["method"], seen["path"]) == ("DELETE", "/api/v3/pet/9")
        assert seen["api_key"] == "from-the-caller", "a header parameter from the arguments"


@pytest.mark.anyio
async def test_a_call_cannot_reach_a_host_the_configuration_did_not_allow():
    async with gateway() as client:
        result = await client.call_tool("petstore-guarded__getPetById", {"petId": 8})
    assert result.is_error
    assert "refused" in result.content[0].text
