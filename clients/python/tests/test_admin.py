"""Drives a running aiproxy control plane with the generated stubs.

Needs ``AIPROXY_GRPC_TARGET`` (``host:port``) and ``AIPROXY_ADMIN_KEY``; the Rust test
``hub/tests/control_plane_python.rs`` boots a server and sets both.
"""

import os
import uuid

import grpc
import pytest
from google.protobuf import field_mask_pb2
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)

import aiproxy_admin
from aiproxy_admin import channels_pb2, common_pb2, groups_pb2, tokens_pb2

TARGET = os.environ.get("AIPROXY_GRPC_TARGET")
ADMIN_KEY = os.environ.get("AIPROXY_ADMIN_KEY")

pytestmark = pytest.mark.skipif(
    not TARGET or not ADMIN_KEY,
    reason="AIPROXY_GRPC_TARGET and AIPROXY_ADMIN_KEY name the server under test",
)


@pytest.fixture
def admin():
    client = aiproxy_admin.connect(TARGET, ADMIN_KEY)
    yield client
    client.close()


def test_group_token_channel(admin):
    group_id = f"py-{uuid.uuid4().hex[:8]}"
    group = admin.groups.CreateGroup(
        groups_pb2.CreateGroupRequest(group=groups_pb2.Group(id=group_id, rpm_ratio=2.0))
    )
    assert group.id == group_id
    assert group.status == common_pb2.STATUS_ENABLED
    assert group.rpm_ratio == 2.0

    created = admin.tokens.CreateToken(
        tokens_pb2.CreateTokenRequest(
            token=tokens_pb2.Token(group_id=group_id, name="ci", subnets=["127.0.0.0/8"])
        )
    )
    assert created.key.startswith("sk-")
    assert created.token.key_prefix == created.key[:8]
    listed = admin.tokens.ListTokens(tokens_pb2.ListTokensRequest(group_id=group_id))
    assert [token.name for token in listed.tokens] == ["ci"]

    secret = "sk-python-upstream-0123456789"
    channel = admin.channels.CreateChannel(
        channels_pb2.CreateChannelRequest(
            channel=channels_pb2.Channel(
                name=f"{group_id}-openai",
                type="openai",
                base_url="http://127.0.0.1:9000/v1",
                key=secret,
                models=["gpt-4o-mini"],
            )
        )
    )
    assert channel.key == "sk-p…6789"
    fetched = admin.channels.GetChannel(channels_pb2.GetChannelRequest(id=channel.id))
    assert secret not in fetched.key

    updated = admin.groups.UpdateGroup(
        groups_pb2.UpdateGroupRequest(
            group=groups_pb2.Group(id=group_id, tpm_ratio=0.5),
            update_mask=field_mask_pb2.FieldMask(paths=["tpm_ratio"]),
        )
    )
    assert (updated.rpm_ratio, updated.tpm_ratio) == (2.0, 0.5)


def test_errors_carry_grpc_codes(admin):
    with pytest.raises(grpc.RpcError) as missing:
        admin.groups.GetGroup(groups_pb2.GetGroupRequest(id="no-such-group"))
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as bad:
        admin.channels.CreateChannel(
            channels_pb2.CreateChannelRequest(
                channel=channels_pb2.Channel(name="x", type="no-such-type")
            )
        )
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "channel.type" in bad.value.details()

    unauthenticated = groups_pb2.DESCRIPTOR.services_by_name["GroupService"]
    assert unauthenticated.full_name == "aiproxy.admin.v1.GroupService"
    with grpc.insecure_channel(TARGET) as plain:
        stub = aiproxy_admin.groups_pb2_grpc.GroupServiceStub(plain)
        with pytest.raises(grpc.RpcError) as denied:
            stub.ListGroups(groups_pb2.ListGroupsRequest())
    assert denied.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_reflection_lists_services():
    with grpc.insecure_channel(TARGET) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        responses = stub.ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")])
        )
        names = {service.name for response in responses
                 for service in response.list_services_response.service}
        expected = {
            f"aiproxy.admin.v1.{name}"
            for name in (
                "GroupService",
                "TokenService",
                "ChannelService",
                "ModelService",
                "McpService",
                "OptionService",
                "ConfigService",
            )
        }
        assert expected <= names, names
        assert "grpc.health.v1.Health" in names

        # The descriptors resolve, including well-known imports.
        database = ProtoReflectionDescriptorDatabase(channel)
        file = database.FindFileContainingSymbol("aiproxy.admin.v1.TokenService")
        assert file.name == "aiproxy/admin/v1/tokens.proto"


def test_mcp_server_test_and_tools(admin):
    from aiproxy_admin import mcp_pb2

    server_id = f"py-clock-{uuid.uuid4().hex[:8]}"
    admin.mcp.CreateMcpServer(
        mcp_pb2.CreateMcpServerRequest(
            server=mcp_pb2.McpServer(
                id=server_id,
                scope=mcp_pb2.MCP_SCOPE_PUBLIC,
                type=mcp_pb2.MCP_SERVER_TYPE_EMBEDDED,
                template="time",
            )
        )
    )
    tested = admin.mcp.TestMcpServer(mcp_pb2.TestMcpServerRequest(id=server_id))
    assert tested.ok and tested.tool_count == 2, tested.error
    tools = admin.mcp.ListMcpServerTools(mcp_pb2.ListMcpServerToolsRequest(id=server_id)).tools
    assert sorted(tool.name for tool in tools) == ["convert_time", "get_current_time"]
    admin.mcp.DeleteMcpServer(mcp_pb2.DeleteMcpServerRequest(id=server_id))


def test_templates_described(admin):
    from aiproxy_admin import mcp_pb2

    listed = admin.mcp.ListTemplates(mcp_pb2.ListTemplatesRequest())
    assert list(listed.templates) == ["time"]
    (time,) = listed.template_details
    assert time.name == "time" and time.description
    (zone,) = time.params
    assert zone.name == "local_timezone"
    assert zone.set_by == mcp_pb2.MCP_TEMPLATE_PARAM_OWNER_GROUP
    assert not zone.required
