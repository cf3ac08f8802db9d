"""Drives the official Python MCP client against the service and prints what it saw as JSON.

Usage: client_check.py '<specs json>' with a list of specs, run concurrently in one process (the
client's import alone costs about a second of CPU). Each spec is
  {"url": ..., "token": ..., "transport": "streamable" | "sse", "mode": "auto" | "legacy",
   "calls": [{"tool": ..., "args": {...}, "progress": bool}],
   "reads": [uri, ...], "prompts": [{"name": ..., "args": {...}}], "answers": bool}
With "answers", the client declares sampling, elicitation and roots and answers them (the
sampled text names the prompt, the elicitation is accepted, one root), and lists what it was
asked under "asked".
Output (stdout, a JSON list in spec order): {"protocol_version", "tools": [names], "results": [...]}
plus, when the spec has reads or prompts, "resources" and "prompt_names" (listed, sorted),
"read" (each read's contents) and "got" (each prompt's messages); {"error": "..."} when the
client raised.
"""

import asyncio
import json
import sys

import httpx2
from mcp import Client, types
from mcp.client.sse import sse_client
from mcp.client.streamable_http import streamable_http_client


def dump_result(result, progress):
    content = []
    for block in result.content:
        content.append(block.model_dump(mode="json", by_alias=True, exclude_none=True))
    return {
        "content": content,
        "structured": result.structured_content,
        "is_error": bool(result.is_error),
        "progress": progress,
    }


async def run(spec):
    headers = {"Authorization": f"Bearer {spec['token']}"}
    if spec["transport"] == "sse":
        transport = sse_client(spec["url"], headers=headers)
    else:
        transport = streamable_http_client(spec["url"], http_client=httpx2.AsyncClient(headers=headers))
    out = {"results": []}
    callbacks = answering_callbacks(out.setdefault("asked", [])) if spec.get("answers") else {}
    async with Client(
        transport, mode=spec.get("mode", "auto"), read_timeout_seconds=20, **callbacks
    ) as client:
        out["protocol_version"] = client.protocol_version
        tools = await client.list_tools()
        out["tools"] = sorted(tool.name for tool in tools.tools)
        for call in spec.get("calls", []):
            progress = []

            async def on_progress(value, total, message, progress=progress):
                progress.append(value)

            kwargs = {"progress_callback": on_progress} if call.get("progress") else {}
            try:
                result = await client.call_tool(call["tool"], call.get("args", {}), **kwargs)
                out["results"].append(dump_result(result, progress))
            except Exception as error:  # the test asserts on protocol errors too
                out["results"].append({"error": str(error)})
        if "reads" in spec or "prompts" in spec:
            await offerings(client, spec, out)
    return out


async def offerings(client, spec, out):
    """Lists resources and prompts, reads the spec's URIs and gets its prompts."""
    listed = await client.list_resources()
    out["resources"] = sorted(str(resource.uri) for resource in listed.resources)
    prompts = await client.list_prompts()
    out["prompt_names"] = sorted(prompt.name for prompt in prompts.prompts)
    out["read"] = []
    for uri in spec.get("reads", []):
        try:
            result = await client.read_resource(uri)
            out["read"].append([c.model_dump(mode="json", by_alias=True, exclude_none=True) for c in result.contents])
        except Exception as error:  # the test asserts on protocol errors too
            out["read"].append({"error": str(error)})
    out["got"] = []
    for prompt in spec.get("prompts", []):
        try:
            result = await client.get_prompt(prompt["name"], prompt.get("args"))
            out["got"].append([m.model_dump(mode="json", by_alias=True, exclude_none=True) for m in result.messages])
        except Exception as error:
            out["got"].append({"error": str(error)})


def answering_callbacks(asked):
    async def sampling(context, params):
        asked.append("sampling")
        prompt = params.messages[0].content.text
        return types.CreateMessageResult(
            role="assistant",
            content=types.TextContent(type="text", text=f"sampled: {prompt}"),
            model="test-model",
            stop_reason="endTurn",
        )

    async def elicitation(context, params):
        asked.append("elicitation")
        return types.ElicitResult(
            action="accept", content={"name": "Ada", "username": "ada", "email": "ada@example.com"}
        )

    async def roots(context):
        asked.append("roots")
        return types.ListRootsResult(roots=[types.Root(uri="file:///work", name="work")])

    return {"sampling_callback": sampling, "elicitation_callback": elicitation, "list_roots_callback": roots}


async def run_reporting(spec):
    try:
        return await run(spec)
    except BaseException as error:  # report, do not hide: the Rust test prints it
        return {"error": f"{type(error).__name__}: {error}", "details": repr(error)}


async def run_all(specs):
    return await asyncio.gather(*(run_reporting(spec) for spec in specs))


def main():
    specs = json.loads(sys.argv[1])
    print(json.dumps(asyncio.run(run_all(specs))))


if __name__ == "__main__":
    main()
