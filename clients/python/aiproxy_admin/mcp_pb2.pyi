from aiproxy_admin import common_pb2 as _common_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class McpScope(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MCP_SCOPE_UNSPECIFIED: _ClassVar[McpScope]
    MCP_SCOPE_PUBLIC: _ClassVar[McpScope]
    MCP_SCOPE_GROUP: _ClassVar[McpScope]

class McpServerType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MCP_SERVER_TYPE_UNSPECIFIED: _ClassVar[McpServerType]
    MCP_SERVER_TYPE_EMBEDDED: _ClassVar[McpServerType]
    MCP_SERVER_TYPE_PROXY_STREAMABLE: _ClassVar[McpServerType]
    MCP_SERVER_TYPE_PROXY_SSE: _ClassVar[McpServerType]
    MCP_SERVER_TYPE_OPENAPI: _ClassVar[McpServerType]
    MCP_SERVER_TYPE_VIRTUAL: _ClassVar[McpServerType]
    MCP_SERVER_TYPE_GRPC: _ClassVar[McpServerType]
    MCP_SERVER_TYPE_DOCS: _ClassVar[McpServerType]

class McpUpstreamAuthorizationState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MCP_UPSTREAM_AUTHORIZATION_STATE_UNSPECIFIED: _ClassVar[McpUpstreamAuthorizationState]
    MCP_UPSTREAM_AUTHORIZATION_STATE_NOT_AUTHORIZED: _ClassVar[McpUpstreamAuthorizationState]
    MCP_UPSTREAM_AUTHORIZATION_STATE_AUTHORIZED: _ClassVar[McpUpstreamAuthorizationState]
    MCP_UPSTREAM_AUTHORIZATION_STATE_REFRESH_FAILED: _ClassVar[McpUpstreamAuthorizationState]

class McpTemplateParamOwner(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MCP_TEMPLATE_PARAM_OWNER_UNSPECIFIED: _ClassVar[McpTemplateParamOwner]
    MCP_TEMPLATE_PARAM_OWNER_ADMIN: _ClassVar[McpTemplateParamOwner]
    MCP_TEMPLATE_PARAM_OWNER_GROUP: _ClassVar[McpTemplateParamOwner]

class McpPinnedItemKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MCP_PINNED_ITEM_KIND_UNSPECIFIED: _ClassVar[McpPinnedItemKind]
    MCP_PINNED_ITEM_KIND_TOOL: _ClassVar[McpPinnedItemKind]
    MCP_PINNED_ITEM_KIND_PROMPT: _ClassVar[McpPinnedItemKind]
    MCP_PINNED_ITEM_KIND_RESOURCE: _ClassVar[McpPinnedItemKind]
    MCP_PINNED_ITEM_KIND_RESOURCE_TEMPLATE: _ClassVar[McpPinnedItemKind]

class McpToolChangeKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MCP_TOOL_CHANGE_KIND_UNSPECIFIED: _ClassVar[McpToolChangeKind]
    MCP_TOOL_CHANGE_KIND_CHANGED: _ClassVar[McpToolChangeKind]
    MCP_TOOL_CHANGE_KIND_NEW: _ClassVar[McpToolChangeKind]
    MCP_TOOL_CHANGE_KIND_REMOVED: _ClassVar[McpToolChangeKind]
MCP_SCOPE_UNSPECIFIED: McpScope
MCP_SCOPE_PUBLIC: McpScope
MCP_SCOPE_GROUP: McpScope
MCP_SERVER_TYPE_UNSPECIFIED: McpServerType
MCP_SERVER_TYPE_EMBEDDED: McpServerType
MCP_SERVER_TYPE_PROXY_STREAMABLE: McpServerType
MCP_SERVER_TYPE_PROXY_SSE: McpServerType
MCP_SERVER_TYPE_OPENAPI: McpServerType
MCP_SERVER_TYPE_VIRTUAL: McpServerType
MCP_SERVER_TYPE_GRPC: McpServerType
MCP_SERVER_TYPE_DOCS: McpServerType
MCP_UPSTREAM_AUTHORIZATION_STATE_UNSPECIFIED: McpUpstreamAuthorizationState
MCP_UPSTREAM_AUTHORIZATION_STATE_NOT_AUTHORIZED: McpUpstreamAuthorizationState
MCP_UPSTREAM_AUTHORIZATION_STATE_AUTHORIZED: McpUpstreamAuthorizationState
MCP_UPSTREAM_AUTHORIZATION_STATE_REFRESH_FAILED: McpUpstreamAuthorizationState
MCP_TEMPLATE_PARAM_OWNER_UNSPECIFIED: McpTemplateParamOwner
MCP_TEMPLATE_PARAM_OWNER_ADMIN: McpTemplateParamOwner
MCP_TEMPLATE_PARAM_OWNER_GROUP: McpTemplateParamOwner
MCP_PINNED_ITEM_KIND_UNSPECIFIED: McpPinnedItemKind
MCP_PINNED_ITEM_KIND_TOOL: McpPinnedItemKind
MCP_PINNED_ITEM_KIND_PROMPT: McpPinnedItemKind
MCP_PINNED_ITEM_KIND_RESOURCE: McpPinnedItemKind
MCP_PINNED_ITEM_KIND_RESOURCE_TEMPLATE: McpPinnedItemKind
MCP_TOOL_CHANGE_KIND_UNSPECIFIED: McpToolChangeKind
MCP_TOOL_CHANGE_KIND_CHANGED: McpToolChangeKind
MCP_TOOL_CHANGE_KIND_NEW: McpToolChangeKind
MCP_TOOL_CHANGE_KIND_REMOVED: McpToolChangeKind

class McpCatalogue(_message.Message):
    __slots__ = ("display_name", "display_name_zh", "description", "description_zh", "tags", "readme", "logo", "homepage", "install")
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_ZH_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_ZH_FIELD_NUMBER: _ClassVar[int]
    TAGS_FIELD_NUMBER: _ClassVar[int]
    README_FIELD_NUMBER: _ClassVar[int]
    LOGO_FIELD_NUMBER: _ClassVar[int]
    HOMEPAGE_FIELD_NUMBER: _ClassVar[int]
    INSTALL_FIELD_NUMBER: _ClassVar[int]
    display_name: str
    display_name_zh: str
    description: str
    description_zh: str
    tags: _containers.RepeatedScalarFieldContainer[str]
    readme: str
    logo: str
    homepage: str
    install: str
    def __init__(self, display_name: _Optional[str] = ..., display_name_zh: _Optional[str] = ..., description: _Optional[str] = ..., description_zh: _Optional[str] = ..., tags: _Optional[_Iterable[str]] = ..., readme: _Optional[str] = ..., logo: _Optional[str] = ..., homepage: _Optional[str] = ..., install: _Optional[str] = ...) -> None: ...

class OpenApiSource(_message.Message):
    __slots__ = ("spec", "spec_url", "base_url", "allow_private_network", "credentials", "include_operations", "exclude_operations", "compact")
    class CredentialsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SPEC_FIELD_NUMBER: _ClassVar[int]
    SPEC_URL_FIELD_NUMBER: _ClassVar[int]
    BASE_URL_FIELD_NUMBER: _ClassVar[int]
    ALLOW_PRIVATE_NETWORK_FIELD_NUMBER: _ClassVar[int]
    CREDENTIALS_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_OPERATIONS_FIELD_NUMBER: _ClassVar[int]
    EXCLUDE_OPERATIONS_FIELD_NUMBER: _ClassVar[int]
    COMPACT_FIELD_NUMBER: _ClassVar[int]
    spec: str
    spec_url: str
    base_url: str
    allow_private_network: bool
    credentials: _containers.ScalarMap[str, str]
    include_operations: _containers.RepeatedScalarFieldContainer[str]
    exclude_operations: _containers.RepeatedScalarFieldContainer[str]
    compact: bool
    def __init__(self, spec: _Optional[str] = ..., spec_url: _Optional[str] = ..., base_url: _Optional[str] = ..., allow_private_network: _Optional[bool] = ..., credentials: _Optional[_Mapping[str, str]] = ..., include_operations: _Optional[_Iterable[str]] = ..., exclude_operations: _Optional[_Iterable[str]] = ..., compact: _Optional[bool] = ...) -> None: ...

class McpServer(_message.Message):
    __slots__ = ("id", "scope", "group_id", "type", "template", "url", "headers", "query", "params", "openapi", "status", "created_at_ms", "updated_at_ms", "warnings", "price_per_call", "required_group_params", "tool_prices", "group_tools", "virtual_tools", "catalogue", "upstream_oauth", "virtual_prompts", "virtual_resources", "aggregate_unprefixed")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class QueryEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class ToolPricesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class GroupToolsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: McpToolNames
        def __init__(self, key: _Optional[str] = ..., value: _Optional[_Union[McpToolNames, _Mapping]] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    OPENAPI_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    PRICE_PER_CALL_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_GROUP_PARAMS_FIELD_NUMBER: _ClassVar[int]
    TOOL_PRICES_FIELD_NUMBER: _ClassVar[int]
    GROUP_TOOLS_FIELD_NUMBER: _ClassVar[int]
    VIRTUAL_TOOLS_FIELD_NUMBER: _ClassVar[int]
    CATALOGUE_FIELD_NUMBER: _ClassVar[int]
    UPSTREAM_OAUTH_FIELD_NUMBER: _ClassVar[int]
    VIRTUAL_PROMPTS_FIELD_NUMBER: _ClassVar[int]
    VIRTUAL_RESOURCES_FIELD_NUMBER: _ClassVar[int]
    AGGREGATE_UNPREFIXED_FIELD_NUMBER: _ClassVar[int]
    id: str
    scope: McpScope
    group_id: str
    type: McpServerType
    template: str
    url: str
    headers: _containers.ScalarMap[str, str]
    query: _containers.ScalarMap[str, str]
    params: _containers.ScalarMap[str, str]
    openapi: OpenApiSource
    status: _common_pb2.Status
    created_at_ms: int
    updated_at_ms: int
    warnings: _containers.RepeatedScalarFieldContainer[str]
    price_per_call: str
    required_group_params: _containers.RepeatedScalarFieldContainer[str]
    tool_prices: _containers.ScalarMap[str, str]
    group_tools: _containers.MessageMap[str, McpToolNames]
    virtual_tools: _containers.RepeatedCompositeFieldContainer[McpVirtualTool]
    catalogue: McpCatalogue
    upstream_oauth: McpUpstreamOAuth
    virtual_prompts: _containers.RepeatedCompositeFieldContainer[McpVirtualPrompt]
    virtual_resources: _containers.RepeatedCompositeFieldContainer[McpVirtualResource]
    aggregate_unprefixed: bool
    def __init__(self, id: _Optional[str] = ..., scope: _Optional[_Union[McpScope, str]] = ..., group_id: _Optional[str] = ..., type: _Optional[_Union[McpServerType, str]] = ..., template: _Optional[str] = ..., url: _Optional[str] = ..., headers: _Optional[_Mapping[str, str]] = ..., query: _Optional[_Mapping[str, str]] = ..., params: _Optional[_Mapping[str, str]] = ..., openapi: _Optional[_Union[OpenApiSource, _Mapping]] = ..., status: _Optional[_Union[_common_pb2.Status, str]] = ..., created_at_ms: _Optional[int] = ..., updated_at_ms: _Optional[int] = ..., warnings: _Optional[_Iterable[str]] = ..., price_per_call: _Optional[str] = ..., required_group_params: _Optional[_Iterable[str]] = ..., tool_prices: _Optional[_Mapping[str, str]] = ..., group_tools: _Optional[_Mapping[str, McpToolNames]] = ..., virtual_tools: _Optional[_Iterable[_Union[McpVirtualTool, _Mapping]]] = ..., catalogue: _Optional[_Union[McpCatalogue, _Mapping]] = ..., upstream_oauth: _Optional[_Union[McpUpstreamOAuth, _Mapping]] = ..., virtual_prompts: _Optional[_Iterable[_Union[McpVirtualPrompt, _Mapping]]] = ..., virtual_resources: _Optional[_Iterable[_Union[McpVirtualResource, _Mapping]]] = ..., aggregate_unprefixed: _Optional[bool] = ...) -> None: ...

class McpUpstreamOAuth(_message.Message):
    __slots__ = ("client_id", "client_secret", "scopes")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_SECRET_FIELD_NUMBER: _ClassVar[int]
    SCOPES_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    client_secret: str
    scopes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, client_id: _Optional[str] = ..., client_secret: _Optional[str] = ..., scopes: _Optional[_Iterable[str]] = ...) -> None: ...

class McpUpstreamAuthorization(_message.Message):
    __slots__ = ("server_id", "group_id", "state", "expires_at_ms", "scopes", "refresh_error", "refreshable", "authorized_at_ms", "updated_at_ms", "refresh_failures", "refresh_paused_until_ms", "refresh_failure_class")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_MS_FIELD_NUMBER: _ClassVar[int]
    SCOPES_FIELD_NUMBER: _ClassVar[int]
    REFRESH_ERROR_FIELD_NUMBER: _ClassVar[int]
    REFRESHABLE_FIELD_NUMBER: _ClassVar[int]
    AUTHORIZED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    REFRESH_FAILURES_FIELD_NUMBER: _ClassVar[int]
    REFRESH_PAUSED_UNTIL_MS_FIELD_NUMBER: _ClassVar[int]
    REFRESH_FAILURE_CLASS_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    group_id: str
    state: McpUpstreamAuthorizationState
    expires_at_ms: int
    scopes: _containers.RepeatedScalarFieldContainer[str]
    refresh_error: str
    refreshable: bool
    authorized_at_ms: int
    updated_at_ms: int
    refresh_failures: int
    refresh_paused_until_ms: int
    refresh_failure_class: str
    def __init__(self, server_id: _Optional[str] = ..., group_id: _Optional[str] = ..., state: _Optional[_Union[McpUpstreamAuthorizationState, str]] = ..., expires_at_ms: _Optional[int] = ..., scopes: _Optional[_Iterable[str]] = ..., refresh_error: _Optional[str] = ..., refreshable: _Optional[bool] = ..., authorized_at_ms: _Optional[int] = ..., updated_at_ms: _Optional[int] = ..., refresh_failures: _Optional[int] = ..., refresh_paused_until_ms: _Optional[int] = ..., refresh_failure_class: _Optional[str] = ...) -> None: ...

class StartMcpUpstreamAuthorizationRequest(_message.Message):
    __slots__ = ("server_id", "group_id")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    group_id: str
    def __init__(self, server_id: _Optional[str] = ..., group_id: _Optional[str] = ...) -> None: ...

class StartMcpUpstreamAuthorizationResponse(_message.Message):
    __slots__ = ("authorization_url", "expires_at_ms", "redirect_uri")
    AUTHORIZATION_URL_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_MS_FIELD_NUMBER: _ClassVar[int]
    REDIRECT_URI_FIELD_NUMBER: _ClassVar[int]
    authorization_url: str
    expires_at_ms: int
    redirect_uri: str
    def __init__(self, authorization_url: _Optional[str] = ..., expires_at_ms: _Optional[int] = ..., redirect_uri: _Optional[str] = ...) -> None: ...

class GetMcpUpstreamAuthorizationRequest(_message.Message):
    __slots__ = ("server_id", "group_id")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    group_id: str
    def __init__(self, server_id: _Optional[str] = ..., group_id: _Optional[str] = ...) -> None: ...

class ListMcpUpstreamAuthorizationsRequest(_message.Message):
    __slots__ = ("server_id",)
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    def __init__(self, server_id: _Optional[str] = ...) -> None: ...

class ListMcpUpstreamAuthorizationsResponse(_message.Message):
    __slots__ = ("authorizations",)
    AUTHORIZATIONS_FIELD_NUMBER: _ClassVar[int]
    authorizations: _containers.RepeatedCompositeFieldContainer[McpUpstreamAuthorization]
    def __init__(self, authorizations: _Optional[_Iterable[_Union[McpUpstreamAuthorization, _Mapping]]] = ...) -> None: ...

class RevokeMcpUpstreamAuthorizationRequest(_message.Message):
    __slots__ = ("server_id", "group_id")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    group_id: str
    def __init__(self, server_id: _Optional[str] = ..., group_id: _Optional[str] = ...) -> None: ...

class McpToolNames(_message.Message):
    __slots__ = ("names",)
    NAMES_FIELD_NUMBER: _ClassVar[int]
    names: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, names: _Optional[_Iterable[str]] = ...) -> None: ...

class McpVirtualTool(_message.Message):
    __slots__ = ("server_id", "tool", "name", "description", "defaults_json")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    TOOL_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DEFAULTS_JSON_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    tool: str
    name: str
    description: str
    defaults_json: str
    def __init__(self, server_id: _Optional[str] = ..., tool: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., defaults_json: _Optional[str] = ...) -> None: ...

class McpVirtualPrompt(_message.Message):
    __slots__ = ("server_id", "prompt", "name", "description", "defaults_json")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DEFAULTS_JSON_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    prompt: str
    name: str
    description: str
    defaults_json: str
    def __init__(self, server_id: _Optional[str] = ..., prompt: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., defaults_json: _Optional[str] = ...) -> None: ...

class McpVirtualResource(_message.Message):
    __slots__ = ("server_id", "uri", "exposed_uri", "name", "description")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    URI_FIELD_NUMBER: _ClassVar[int]
    EXPOSED_URI_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    uri: str
    exposed_uri: str
    name: str
    description: str
    def __init__(self, server_id: _Optional[str] = ..., uri: _Optional[str] = ..., exposed_uri: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class CreateMcpServerRequest(_message.Message):
    __slots__ = ("server",)
    SERVER_FIELD_NUMBER: _ClassVar[int]
    server: McpServer
    def __init__(self, server: _Optional[_Union[McpServer, _Mapping]] = ...) -> None: ...

class GetMcpServerRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ListMcpServersRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "scope", "group_id", "status", "keyword")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    KEYWORD_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    scope: McpScope
    group_id: str
    status: _common_pb2.Status
    keyword: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., scope: _Optional[_Union[McpScope, str]] = ..., group_id: _Optional[str] = ..., status: _Optional[_Union[_common_pb2.Status, str]] = ..., keyword: _Optional[str] = ...) -> None: ...

class ListMcpServersResponse(_message.Message):
    __slots__ = ("servers", "next_page_token", "total_size")
    SERVERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    servers: _containers.RepeatedCompositeFieldContainer[McpServer]
    next_page_token: str
    total_size: int
    def __init__(self, servers: _Optional[_Iterable[_Union[McpServer, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class UpdateMcpServerRequest(_message.Message):
    __slots__ = ("server", "update_mask")
    SERVER_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    server: McpServer
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, server: _Optional[_Union[McpServer, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteMcpServerRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class SetMcpServerStatusRequest(_message.Message):
    __slots__ = ("id", "status")
    ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    id: str
    status: _common_pb2.Status
    def __init__(self, id: _Optional[str] = ..., status: _Optional[_Union[_common_pb2.Status, str]] = ...) -> None: ...

class ListTemplatesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListTemplatesResponse(_message.Message):
    __slots__ = ("templates", "template_details")
    TEMPLATES_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_DETAILS_FIELD_NUMBER: _ClassVar[int]
    templates: _containers.RepeatedScalarFieldContainer[str]
    template_details: _containers.RepeatedCompositeFieldContainer[McpTemplate]
    def __init__(self, templates: _Optional[_Iterable[str]] = ..., template_details: _Optional[_Iterable[_Union[McpTemplate, _Mapping]]] = ...) -> None: ...

class McpTemplate(_message.Message):
    __slots__ = ("name", "description", "params", "catalogue")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    CATALOGUE_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    params: _containers.RepeatedCompositeFieldContainer[McpTemplateParam]
    catalogue: McpCatalogue
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., params: _Optional[_Iterable[_Union[McpTemplateParam, _Mapping]]] = ..., catalogue: _Optional[_Union[McpCatalogue, _Mapping]] = ...) -> None: ...

class McpTemplateParam(_message.Message):
    __slots__ = ("name", "description", "set_by", "required")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SET_BY_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    set_by: McpTemplateParamOwner
    required: bool
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., set_by: _Optional[_Union[McpTemplateParamOwner, str]] = ..., required: _Optional[bool] = ...) -> None: ...

class GroupMcpParams(_message.Message):
    __slots__ = ("server_id", "group_id", "params", "updated_at_ms")
    class ParamsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    group_id: str
    params: _containers.ScalarMap[str, str]
    updated_at_ms: int
    def __init__(self, server_id: _Optional[str] = ..., group_id: _Optional[str] = ..., params: _Optional[_Mapping[str, str]] = ..., updated_at_ms: _Optional[int] = ...) -> None: ...

class SetGroupMcpParamsRequest(_message.Message):
    __slots__ = ("params",)
    PARAMS_FIELD_NUMBER: _ClassVar[int]
    params: GroupMcpParams
    def __init__(self, params: _Optional[_Union[GroupMcpParams, _Mapping]] = ...) -> None: ...

class GetGroupMcpParamsRequest(_message.Message):
    __slots__ = ("server_id", "group_id")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    group_id: str
    def __init__(self, server_id: _Optional[str] = ..., group_id: _Optional[str] = ...) -> None: ...

class DeleteGroupMcpParamsRequest(_message.Message):
    __slots__ = ("server_id", "group_id")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    group_id: str
    def __init__(self, server_id: _Optional[str] = ..., group_id: _Optional[str] = ...) -> None: ...

class TestMcpServerRequest(_message.Message):
    __slots__ = ("id", "group_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    group_id: str
    def __init__(self, id: _Optional[str] = ..., group_id: _Optional[str] = ...) -> None: ...

class TestMcpServerResponse(_message.Message):
    __slots__ = ("ok", "error", "tool_count", "latency_ms")
    OK_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    TOOL_COUNT_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    error: str
    tool_count: int
    latency_ms: int
    def __init__(self, ok: _Optional[bool] = ..., error: _Optional[str] = ..., tool_count: _Optional[int] = ..., latency_ms: _Optional[int] = ...) -> None: ...

class ListMcpServerToolsRequest(_message.Message):
    __slots__ = ("id", "group_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    group_id: str
    def __init__(self, id: _Optional[str] = ..., group_id: _Optional[str] = ...) -> None: ...

class McpTool(_message.Message):
    __slots__ = ("name", "title", "description", "input_schema_json", "output_schema_json")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    INPUT_SCHEMA_JSON_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_SCHEMA_JSON_FIELD_NUMBER: _ClassVar[int]
    name: str
    title: str
    description: str
    input_schema_json: str
    output_schema_json: str
    def __init__(self, name: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., input_schema_json: _Optional[str] = ..., output_schema_json: _Optional[str] = ...) -> None: ...

class ListMcpServerToolsResponse(_message.Message):
    __slots__ = ("tools",)
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    tools: _containers.RepeatedCompositeFieldContainer[McpTool]
    def __init__(self, tools: _Optional[_Iterable[_Union[McpTool, _Mapping]]] = ...) -> None: ...

class ListMcpServerOfferingsRequest(_message.Message):
    __slots__ = ("id", "group_id")
    ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    group_id: str
    def __init__(self, id: _Optional[str] = ..., group_id: _Optional[str] = ...) -> None: ...

class McpOfferedPromptArgument(_message.Message):
    __slots__ = ("name", "description", "required")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    required: bool
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., required: _Optional[bool] = ...) -> None: ...

class McpOfferedPrompt(_message.Message):
    __slots__ = ("name", "title", "description", "arguments")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    title: str
    description: str
    arguments: _containers.RepeatedCompositeFieldContainer[McpOfferedPromptArgument]
    def __init__(self, name: _Optional[str] = ..., title: _Optional[str] = ..., description: _Optional[str] = ..., arguments: _Optional[_Iterable[_Union[McpOfferedPromptArgument, _Mapping]]] = ...) -> None: ...

class McpOfferedResource(_message.Message):
    __slots__ = ("uri", "name", "description", "mime_type", "template")
    URI_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    MIME_TYPE_FIELD_NUMBER: _ClassVar[int]
    TEMPLATE_FIELD_NUMBER: _ClassVar[int]
    uri: str
    name: str
    description: str
    mime_type: str
    template: bool
    def __init__(self, uri: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., mime_type: _Optional[str] = ..., template: _Optional[bool] = ...) -> None: ...

class ListMcpServerOfferingsResponse(_message.Message):
    __slots__ = ("prompts", "resources")
    PROMPTS_FIELD_NUMBER: _ClassVar[int]
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    prompts: _containers.RepeatedCompositeFieldContainer[McpOfferedPrompt]
    resources: _containers.RepeatedCompositeFieldContainer[McpOfferedResource]
    def __init__(self, prompts: _Optional[_Iterable[_Union[McpOfferedPrompt, _Mapping]]] = ..., resources: _Optional[_Iterable[_Union[McpOfferedResource, _Mapping]]] = ...) -> None: ...

class CallMcpToolRequest(_message.Message):
    __slots__ = ("id", "group_id", "tool", "arguments_json")
    ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    TOOL_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_JSON_FIELD_NUMBER: _ClassVar[int]
    id: str
    group_id: str
    tool: str
    arguments_json: str
    def __init__(self, id: _Optional[str] = ..., group_id: _Optional[str] = ..., tool: _Optional[str] = ..., arguments_json: _Optional[str] = ...) -> None: ...

class CallMcpToolResponse(_message.Message):
    __slots__ = ("result_json", "is_error", "latency_ms")
    RESULT_JSON_FIELD_NUMBER: _ClassVar[int]
    IS_ERROR_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    result_json: str
    is_error: bool
    latency_ms: int
    def __init__(self, result_json: _Optional[str] = ..., is_error: _Optional[bool] = ..., latency_ms: _Optional[int] = ...) -> None: ...

class ListMcpToolChangesRequest(_message.Message):
    __slots__ = ("server_id", "include_rejected")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_REJECTED_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    include_rejected: bool
    def __init__(self, server_id: _Optional[str] = ..., include_rejected: _Optional[bool] = ...) -> None: ...

class McpPinnedItem(_message.Message):
    __slots__ = ("kind", "name")
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    kind: McpPinnedItemKind
    name: str
    def __init__(self, kind: _Optional[_Union[McpPinnedItemKind, str]] = ..., name: _Optional[str] = ...) -> None: ...

class McpToolFinding(_message.Message):
    __slots__ = ("kind", "location", "excerpt")
    KIND_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    EXCERPT_FIELD_NUMBER: _ClassVar[int]
    kind: str
    location: str
    excerpt: str
    def __init__(self, kind: _Optional[str] = ..., location: _Optional[str] = ..., excerpt: _Optional[str] = ...) -> None: ...

class McpToolChange(_message.Message):
    __slots__ = ("server_id", "tool_name", "kind", "approved_definition_json", "offered_definition_json", "findings", "rejected", "detected_at_ms", "approved_at_ms", "item_kind")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    TOOL_NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    APPROVED_DEFINITION_JSON_FIELD_NUMBER: _ClassVar[int]
    OFFERED_DEFINITION_JSON_FIELD_NUMBER: _ClassVar[int]
    FINDINGS_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    DETECTED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    APPROVED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    ITEM_KIND_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    tool_name: str
    kind: McpToolChangeKind
    approved_definition_json: str
    offered_definition_json: str
    findings: _containers.RepeatedCompositeFieldContainer[McpToolFinding]
    rejected: bool
    detected_at_ms: int
    approved_at_ms: int
    item_kind: McpPinnedItemKind
    def __init__(self, server_id: _Optional[str] = ..., tool_name: _Optional[str] = ..., kind: _Optional[_Union[McpToolChangeKind, str]] = ..., approved_definition_json: _Optional[str] = ..., offered_definition_json: _Optional[str] = ..., findings: _Optional[_Iterable[_Union[McpToolFinding, _Mapping]]] = ..., rejected: _Optional[bool] = ..., detected_at_ms: _Optional[int] = ..., approved_at_ms: _Optional[int] = ..., item_kind: _Optional[_Union[McpPinnedItemKind, str]] = ...) -> None: ...

class ListMcpToolChangesResponse(_message.Message):
    __slots__ = ("changes",)
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    changes: _containers.RepeatedCompositeFieldContainer[McpToolChange]
    def __init__(self, changes: _Optional[_Iterable[_Union[McpToolChange, _Mapping]]] = ...) -> None: ...

class ApproveMcpServerToolsRequest(_message.Message):
    __slots__ = ("server_id", "tool_names", "group_id", "item_kind")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    TOOL_NAMES_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    ITEM_KIND_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    tool_names: _containers.RepeatedScalarFieldContainer[str]
    group_id: str
    item_kind: McpPinnedItemKind
    def __init__(self, server_id: _Optional[str] = ..., tool_names: _Optional[_Iterable[str]] = ..., group_id: _Optional[str] = ..., item_kind: _Optional[_Union[McpPinnedItemKind, str]] = ...) -> None: ...

class ApproveMcpServerToolsResponse(_message.Message):
    __slots__ = ("tool_names", "items")
    TOOL_NAMES_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    tool_names: _containers.RepeatedScalarFieldContainer[str]
    items: _containers.RepeatedCompositeFieldContainer[McpPinnedItem]
    def __init__(self, tool_names: _Optional[_Iterable[str]] = ..., items: _Optional[_Iterable[_Union[McpPinnedItem, _Mapping]]] = ...) -> None: ...

class RejectMcpServerToolsRequest(_message.Message):
    __slots__ = ("server_id", "tool_names", "item_kind")
    SERVER_ID_FIELD_NUMBER: _ClassVar[int]
    TOOL_NAMES_FIELD_NUMBER: _ClassVar[int]
    ITEM_KIND_FIELD_NUMBER: _ClassVar[int]
    server_id: str
    tool_names: _containers.RepeatedScalarFieldContainer[str]
    item_kind: McpPinnedItemKind
    def __init__(self, server_id: _Optional[str] = ..., tool_names: _Optional[_Iterable[str]] = ..., item_kind: _Optional[_Union[McpPinnedItemKind, str]] = ...) -> None: ...

class RejectMcpServerToolsResponse(_message.Message):
    __slots__ = ("tool_names", "items")
    TOOL_NAMES_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    tool_names: _containers.RepeatedScalarFieldContainer[str]
    items: _containers.RepeatedCompositeFieldContainer[McpPinnedItem]
    def __init__(self, tool_names: _Optional[_Iterable[str]] = ..., items: _Optional[_Iterable[_Union[McpPinnedItem, _Mapping]]] = ...) -> None: ...
