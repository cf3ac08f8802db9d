from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STATUS_UNSPECIFIED: _ClassVar[Status]
    STATUS_ENABLED: _ClassVar[Status]
    STATUS_DISABLED: _ClassVar[Status]
    STATUS_INTERNAL: _ClassVar[Status]
STATUS_UNSPECIFIED: Status
STATUS_ENABLED: Status
STATUS_DISABLED: Status
STATUS_INTERNAL: Status

class Timeouts(_message.Message):
    __slots__ = ("connect_ms", "first_byte_ms", "stream_idle_ms")
    CONNECT_MS_FIELD_NUMBER: _ClassVar[int]
    FIRST_BYTE_MS_FIELD_NUMBER: _ClassVar[int]
    STREAM_IDLE_MS_FIELD_NUMBER: _ClassVar[int]
    connect_ms: int
    first_byte_ms: int
    stream_idle_ms: int
    def __init__(self, connect_ms: _Optional[int] = ..., first_byte_ms: _Optional[int] = ..., stream_idle_ms: _Optional[int] = ...) -> None: ...

class Price(_message.Message):
    __slots__ = ("input", "output", "cached_input", "cache_creation", "image_input", "image_output", "audio_input", "audio_output", "per_request", "reasoning_output", "unit", "web_search_per_call", "tiers")
    INPUT_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    CACHED_INPUT_FIELD_NUMBER: _ClassVar[int]
    CACHE_CREATION_FIELD_NUMBER: _ClassVar[int]
    IMAGE_INPUT_FIELD_NUMBER: _ClassVar[int]
    IMAGE_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    AUDIO_INPUT_FIELD_NUMBER: _ClassVar[int]
    AUDIO_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    PER_REQUEST_FIELD_NUMBER: _ClassVar[int]
    REASONING_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    WEB_SEARCH_PER_CALL_FIELD_NUMBER: _ClassVar[int]
    TIERS_FIELD_NUMBER: _ClassVar[int]
    input: str
    output: str
    cached_input: str
    cache_creation: str
    image_input: str
    image_output: str
    audio_input: str
    audio_output: str
    per_request: str
    reasoning_output: str
    unit: int
    web_search_per_call: str
    tiers: _containers.RepeatedCompositeFieldContainer[PriceTier]
    def __init__(self, input: _Optional[str] = ..., output: _Optional[str] = ..., cached_input: _Optional[str] = ..., cache_creation: _Optional[str] = ..., image_input: _Optional[str] = ..., image_output: _Optional[str] = ..., audio_input: _Optional[str] = ..., audio_output: _Optional[str] = ..., per_request: _Optional[str] = ..., reasoning_output: _Optional[str] = ..., unit: _Optional[int] = ..., web_search_per_call: _Optional[str] = ..., tiers: _Optional[_Iterable[_Union[PriceTier, _Mapping]]] = ...) -> None: ...

class PriceTier(_message.Message):
    __slots__ = ("above_input_tokens", "service_tier", "input", "output", "cached_input", "cache_creation", "image_input", "image_output", "audio_input", "audio_output", "reasoning_output")
    ABOVE_INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    SERVICE_TIER_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    CACHED_INPUT_FIELD_NUMBER: _ClassVar[int]
    CACHE_CREATION_FIELD_NUMBER: _ClassVar[int]
    IMAGE_INPUT_FIELD_NUMBER: _ClassVar[int]
    IMAGE_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    AUDIO_INPUT_FIELD_NUMBER: _ClassVar[int]
    AUDIO_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    REASONING_OUTPUT_FIELD_NUMBER: _ClassVar[int]
    above_input_tokens: int
    service_tier: str
    input: str
    output: str
    cached_input: str
    cache_creation: str
    image_input: str
    image_output: str
    audio_input: str
    audio_output: str
    reasoning_output: str
    def __init__(self, above_input_tokens: _Optional[int] = ..., service_tier: _Optional[str] = ..., input: _Optional[str] = ..., output: _Optional[str] = ..., cached_input: _Optional[str] = ..., cache_creation: _Optional[str] = ..., image_input: _Optional[str] = ..., image_output: _Optional[str] = ..., audio_input: _Optional[str] = ..., audio_output: _Optional[str] = ..., reasoning_output: _Optional[str] = ...) -> None: ...

class BatchDeleteResponse(_message.Message):
    __slots__ = ("deleted",)
    DELETED_FIELD_NUMBER: _ClassVar[int]
    deleted: int
    def __init__(self, deleted: _Optional[int] = ...) -> None: ...
