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

class QuotaPeriod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    QUOTA_PERIOD_UNSPECIFIED: _ClassVar[QuotaPeriod]
    QUOTA_PERIOD_DAILY: _ClassVar[QuotaPeriod]
    QUOTA_PERIOD_WEEKLY: _ClassVar[QuotaPeriod]
    QUOTA_PERIOD_MONTHLY: _ClassVar[QuotaPeriod]
QUOTA_PERIOD_UNSPECIFIED: QuotaPeriod
QUOTA_PERIOD_DAILY: QuotaPeriod
QUOTA_PERIOD_WEEKLY: QuotaPeriod
QUOTA_PERIOD_MONTHLY: QuotaPeriod

class Token(_message.Message):
    __slots__ = ("id", "group_id", "name", "key_prefix", "status", "expires_at_ms", "subnets", "models", "mcp_servers", "quota", "period_quota", "period", "period_start_ms", "used_amount", "request_count", "created_at_ms", "accessed_at_ms", "period_used", "remaining_quota", "remaining_period_quota", "rpm", "tpm", "max_concurrency", "period_resets_at_ms")
    ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KEY_PREFIX_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_MS_FIELD_NUMBER: _ClassVar[int]
    SUBNETS_FIELD_NUMBER: _ClassVar[int]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    MCP_SERVERS_FIELD_NUMBER: _ClassVar[int]
    QUOTA_FIELD_NUMBER: _ClassVar[int]
    PERIOD_QUOTA_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    PERIOD_START_MS_FIELD_NUMBER: _ClassVar[int]
    USED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    ACCESSED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    PERIOD_USED_FIELD_NUMBER: _ClassVar[int]
    REMAINING_QUOTA_FIELD_NUMBER: _ClassVar[int]
    REMAINING_PERIOD_QUOTA_FIELD_NUMBER: _ClassVar[int]
    RPM_FIELD_NUMBER: _ClassVar[int]
    TPM_FIELD_NUMBER: _ClassVar[int]
    MAX_CONCURRENCY_FIELD_NUMBER: _ClassVar[int]
    PERIOD_RESETS_AT_MS_FIELD_NUMBER: _ClassVar[int]
    id: int
    group_id: str
    name: str
    key_prefix: str
    status: _common_pb2.Status
    expires_at_ms: int
    subnets: _containers.RepeatedScalarFieldContainer[str]
    models: _containers.RepeatedScalarFieldContainer[str]
    mcp_servers: _containers.RepeatedScalarFieldContainer[str]
    quota: str
    period_quota: str
    period: QuotaPeriod
    period_start_ms: int
    used_amount: str
    request_count: int
    created_at_ms: int
    accessed_at_ms: int
    period_used: str
    remaining_quota: str
    remaining_period_quota: str
    rpm: int
    tpm: int
    max_concurrency: int
    period_resets_at_ms: int
    def __init__(self, id: _Optional[int] = ..., group_id: _Optional[str] = ..., name: _Optional[str] = ..., key_prefix: _Optional[str] = ..., status: _Optional[_Union[_common_pb2.Status, str]] = ..., expires_at_ms: _Optional[int] = ..., subnets: _Optional[_Iterable[str]] = ..., models: _Optional[_Iterable[str]] = ..., mcp_servers: _Optional[_Iterable[str]] = ..., quota: _Optional[str] = ..., period_quota: _Optional[str] = ..., period: _Optional[_Union[QuotaPeriod, str]] = ..., period_start_ms: _Optional[int] = ..., used_amount: _Optional[str] = ..., request_count: _Optional[int] = ..., created_at_ms: _Optional[int] = ..., accessed_at_ms: _Optional[int] = ..., period_used: _Optional[str] = ..., remaining_quota: _Optional[str] = ..., remaining_period_quota: _Optional[str] = ..., rpm: _Optional[int] = ..., tpm: _Optional[int] = ..., max_concurrency: _Optional[int] = ..., period_resets_at_ms: _Optional[int] = ...) -> None: ...

class CreateTokenRequest(_message.Message):
    __slots__ = ("token", "key")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    token: Token
    key: str
    def __init__(self, token: _Optional[_Union[Token, _Mapping]] = ..., key: _Optional[str] = ...) -> None: ...

class CreateTokenResponse(_message.Message):
    __slots__ = ("token", "key")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    token: Token
    key: str
    def __init__(self, token: _Optional[_Union[Token, _Mapping]] = ..., key: _Optional[str] = ...) -> None: ...

class GetTokenRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class ListTokensRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "group_id", "status", "keyword")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    KEYWORD_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    group_id: str
    status: _common_pb2.Status
    keyword: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., group_id: _Optional[str] = ..., status: _Optional[_Union[_common_pb2.Status, str]] = ..., keyword: _Optional[str] = ...) -> None: ...

class ListTokensResponse(_message.Message):
    __slots__ = ("tokens", "next_page_token", "total_size")
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    tokens: _containers.RepeatedCompositeFieldContainer[Token]
    next_page_token: str
    total_size: int
    def __init__(self, tokens: _Optional[_Iterable[_Union[Token, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class UpdateTokenRequest(_message.Message):
    __slots__ = ("token", "update_mask")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    token: Token
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, token: _Optional[_Union[Token, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteTokenRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class BatchDeleteTokensRequest(_message.Message):
    __slots__ = ("ids",)
    IDS_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, ids: _Optional[_Iterable[int]] = ...) -> None: ...

class SetTokenStatusRequest(_message.Message):
    __slots__ = ("id", "status")
    ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    id: int
    status: _common_pb2.Status
    def __init__(self, id: _Optional[int] = ..., status: _Optional[_Union[_common_pb2.Status, str]] = ...) -> None: ...
