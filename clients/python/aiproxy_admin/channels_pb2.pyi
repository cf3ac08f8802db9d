from aiproxy_admin import common_pb2 as _common_pb2
from google.protobuf import empty_pb2 as _empty_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ChannelTestResult(_message.Message):
    __slots__ = ("channel_id", "model", "success", "status_code", "latency_ms", "error", "endpoint", "tested_at_ms")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    TESTED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    channel_id: int
    model: str
    success: bool
    status_code: int
    latency_ms: int
    error: str
    endpoint: str
    tested_at_ms: int
    def __init__(self, channel_id: _Optional[int] = ..., model: _Optional[str] = ..., success: _Optional[bool] = ..., status_code: _Optional[int] = ..., latency_ms: _Optional[int] = ..., error: _Optional[str] = ..., endpoint: _Optional[str] = ..., tested_at_ms: _Optional[int] = ...) -> None: ...

class TestChannelRequest(_message.Message):
    __slots__ = ("id", "model", "timeout_ms")
    ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    id: int
    model: str
    timeout_ms: int
    def __init__(self, id: _Optional[int] = ..., model: _Optional[str] = ..., timeout_ms: _Optional[int] = ...) -> None: ...

class TestChannelResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[ChannelTestResult]
    def __init__(self, results: _Optional[_Iterable[_Union[ChannelTestResult, _Mapping]]] = ...) -> None: ...

class TestChannelsRequest(_message.Message):
    __slots__ = ("concurrency", "timeout_ms", "include_disabled")
    CONCURRENCY_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_DISABLED_FIELD_NUMBER: _ClassVar[int]
    concurrency: int
    timeout_ms: int
    include_disabled: bool
    def __init__(self, concurrency: _Optional[int] = ..., timeout_ms: _Optional[int] = ..., include_disabled: _Optional[bool] = ...) -> None: ...

class PreviewChannelTestRequest(_message.Message):
    __slots__ = ("channel", "model", "timeout_ms")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_MS_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    model: str
    timeout_ms: int
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ..., model: _Optional[str] = ..., timeout_ms: _Optional[int] = ...) -> None: ...

class CreateChannelsRequest(_message.Message):
    __slots__ = ("channel", "keys")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    KEYS_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    keys: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ..., keys: _Optional[_Iterable[str]] = ...) -> None: ...

class CreateChannelsResponse(_message.Message):
    __slots__ = ("channels",)
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    channels: _containers.RepeatedCompositeFieldContainer[Channel]
    def __init__(self, channels: _Optional[_Iterable[_Union[Channel, _Mapping]]] = ...) -> None: ...

class ChannelBan(_message.Message):
    __slots__ = ("channel_id", "model", "reason", "since_ms", "until_ms", "next_probe_ms")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SINCE_MS_FIELD_NUMBER: _ClassVar[int]
    UNTIL_MS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PROBE_MS_FIELD_NUMBER: _ClassVar[int]
    channel_id: int
    model: str
    reason: str
    since_ms: int
    until_ms: int
    next_probe_ms: int
    def __init__(self, channel_id: _Optional[int] = ..., model: _Optional[str] = ..., reason: _Optional[str] = ..., since_ms: _Optional[int] = ..., until_ms: _Optional[int] = ..., next_probe_ms: _Optional[int] = ...) -> None: ...

class ListChannelBansRequest(_message.Message):
    __slots__ = ("channel_id",)
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: int
    def __init__(self, channel_id: _Optional[int] = ...) -> None: ...

class ListChannelBansResponse(_message.Message):
    __slots__ = ("bans",)
    BANS_FIELD_NUMBER: _ClassVar[int]
    bans: _containers.RepeatedCompositeFieldContainer[ChannelBan]
    def __init__(self, bans: _Optional[_Iterable[_Union[ChannelBan, _Mapping]]] = ...) -> None: ...

class ClearChannelBansRequest(_message.Message):
    __slots__ = ("channel_id", "model")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    channel_id: int
    model: str
    def __init__(self, channel_id: _Optional[int] = ..., model: _Optional[str] = ...) -> None: ...

class ClearChannelBansResponse(_message.Message):
    __slots__ = ("cleared",)
    CLEARED_FIELD_NUMBER: _ClassVar[int]
    cleared: int
    def __init__(self, cleared: _Optional[int] = ...) -> None: ...

class Channel(_message.Message):
    __slots__ = ("id", "name", "type", "base_url", "key", "models", "model_mapping", "priority", "sets", "status", "proxy_url", "timeouts", "config", "created_at_ms", "updated_at_ms", "last_tests", "balance", "warn_error_rate", "max_error_rate")
    class ModelMappingEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class ConfigEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    BASE_URL_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    MODELS_FIELD_NUMBER: _ClassVar[int]
    MODEL_MAPPING_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    SETS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    PROXY_URL_FIELD_NUMBER: _ClassVar[int]
    TIMEOUTS_FIELD_NUMBER: _ClassVar[int]
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    LAST_TESTS_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    WARN_ERROR_RATE_FIELD_NUMBER: _ClassVar[int]
    MAX_ERROR_RATE_FIELD_NUMBER: _ClassVar[int]
    id: int
    name: str
    type: str
    base_url: str
    key: str
    models: _containers.RepeatedScalarFieldContainer[str]
    model_mapping: _containers.ScalarMap[str, str]
    priority: int
    sets: _containers.RepeatedScalarFieldContainer[str]
    status: _common_pb2.Status
    proxy_url: str
    timeouts: _common_pb2.Timeouts
    config: _containers.ScalarMap[str, str]
    created_at_ms: int
    updated_at_ms: int
    last_tests: _containers.RepeatedCompositeFieldContainer[ChannelTestResult]
    balance: ChannelBalance
    warn_error_rate: float
    max_error_rate: float
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., type: _Optional[str] = ..., base_url: _Optional[str] = ..., key: _Optional[str] = ..., models: _Optional[_Iterable[str]] = ..., model_mapping: _Optional[_Mapping[str, str]] = ..., priority: _Optional[int] = ..., sets: _Optional[_Iterable[str]] = ..., status: _Optional[_Union[_common_pb2.Status, str]] = ..., proxy_url: _Optional[str] = ..., timeouts: _Optional[_Union[_common_pb2.Timeouts, _Mapping]] = ..., config: _Optional[_Mapping[str, str]] = ..., created_at_ms: _Optional[int] = ..., updated_at_ms: _Optional[int] = ..., last_tests: _Optional[_Iterable[_Union[ChannelTestResult, _Mapping]]] = ..., balance: _Optional[_Union[ChannelBalance, _Mapping]] = ..., warn_error_rate: _Optional[float] = ..., max_error_rate: _Optional[float] = ...) -> None: ...

class CreateChannelRequest(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ...) -> None: ...

class GetChannelRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class ListChannelsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "status", "type", "keyword")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    KEYWORD_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    status: _common_pb2.Status
    type: str
    keyword: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., status: _Optional[_Union[_common_pb2.Status, str]] = ..., type: _Optional[str] = ..., keyword: _Optional[str] = ...) -> None: ...

class ListChannelsResponse(_message.Message):
    __slots__ = ("channels", "next_page_token", "total_size")
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    channels: _containers.RepeatedCompositeFieldContainer[Channel]
    next_page_token: str
    total_size: int
    def __init__(self, channels: _Optional[_Iterable[_Union[Channel, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...

class UpdateChannelRequest(_message.Message):
    __slots__ = ("channel", "update_mask")
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    channel: Channel
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, channel: _Optional[_Union[Channel, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteChannelRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class BatchDeleteChannelsRequest(_message.Message):
    __slots__ = ("ids",)
    IDS_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, ids: _Optional[_Iterable[int]] = ...) -> None: ...

class SetChannelStatusRequest(_message.Message):
    __slots__ = ("id", "status")
    ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    id: int
    status: _common_pb2.Status
    def __init__(self, id: _Optional[int] = ..., status: _Optional[_Union[_common_pb2.Status, str]] = ...) -> None: ...

class ListChannelTypesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListChannelTypesResponse(_message.Message):
    __slots__ = ("types", "descriptions")
    TYPES_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTIONS_FIELD_NUMBER: _ClassVar[int]
    types: _containers.RepeatedScalarFieldContainer[str]
    descriptions: _containers.RepeatedCompositeFieldContainer[ChannelTypeDescription]
    def __init__(self, types: _Optional[_Iterable[str]] = ..., descriptions: _Optional[_Iterable[_Union[ChannelTypeDescription, _Mapping]]] = ...) -> None: ...

class ChannelTypeDescription(_message.Message):
    __slots__ = ("name", "aliases", "display_name", "default_base_url", "key_help", "config_keys", "endpoints", "native_endpoints")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ALIASES_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_BASE_URL_FIELD_NUMBER: _ClassVar[int]
    KEY_HELP_FIELD_NUMBER: _ClassVar[int]
    CONFIG_KEYS_FIELD_NUMBER: _ClassVar[int]
    ENDPOINTS_FIELD_NUMBER: _ClassVar[int]
    NATIVE_ENDPOINTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    aliases: _containers.RepeatedScalarFieldContainer[str]
    display_name: str
    default_base_url: str
    key_help: str
    config_keys: _containers.RepeatedCompositeFieldContainer[ChannelTypeConfigKey]
    endpoints: _containers.RepeatedScalarFieldContainer[str]
    native_endpoints: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., aliases: _Optional[_Iterable[str]] = ..., display_name: _Optional[str] = ..., default_base_url: _Optional[str] = ..., key_help: _Optional[str] = ..., config_keys: _Optional[_Iterable[_Union[ChannelTypeConfigKey, _Mapping]]] = ..., endpoints: _Optional[_Iterable[str]] = ..., native_endpoints: _Optional[_Iterable[str]] = ...) -> None: ...

class ChannelTypeConfigKey(_message.Message):
    __slots__ = ("name", "type", "default", "help")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_FIELD_NUMBER: _ClassVar[int]
    HELP_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: str
    default: str
    help: str
    def __init__(self, name: _Optional[str] = ..., type: _Optional[str] = ..., default: _Optional[str] = ..., help: _Optional[str] = ...) -> None: ...

class ChannelBalance(_message.Message):
    __slots__ = ("supported", "balance", "currency", "updated_at_ms", "last_error", "threshold", "disable_when_empty")
    SUPPORTED_FIELD_NUMBER: _ClassVar[int]
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    DISABLE_WHEN_EMPTY_FIELD_NUMBER: _ClassVar[int]
    supported: bool
    balance: float
    currency: str
    updated_at_ms: int
    last_error: str
    threshold: float
    disable_when_empty: bool
    def __init__(self, supported: _Optional[bool] = ..., balance: _Optional[float] = ..., currency: _Optional[str] = ..., updated_at_ms: _Optional[int] = ..., last_error: _Optional[str] = ..., threshold: _Optional[float] = ..., disable_when_empty: _Optional[bool] = ...) -> None: ...

class UpdateChannelBalanceRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class SetChannelBalanceSettingsRequest(_message.Message):
    __slots__ = ("id", "threshold", "disable_when_empty")
    ID_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    DISABLE_WHEN_EMPTY_FIELD_NUMBER: _ClassVar[int]
    id: int
    threshold: float
    disable_when_empty: bool
    def __init__(self, id: _Optional[int] = ..., threshold: _Optional[float] = ..., disable_when_empty: _Optional[bool] = ...) -> None: ...
