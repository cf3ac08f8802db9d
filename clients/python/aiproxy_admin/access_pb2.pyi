from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AdminRole(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ADMIN_ROLE_UNSPECIFIED: _ClassVar[AdminRole]
    ADMIN_ROLE_ADMIN: _ClassVar[AdminRole]
    ADMIN_ROLE_OPERATOR: _ClassVar[AdminRole]
    ADMIN_ROLE_VIEWER: _ClassVar[AdminRole]
ADMIN_ROLE_UNSPECIFIED: AdminRole
ADMIN_ROLE_ADMIN: AdminRole
ADMIN_ROLE_OPERATOR: AdminRole
ADMIN_ROLE_VIEWER: AdminRole

class AdminKey(_message.Message):
    __slots__ = ("id", "name", "key_prefix", "role", "groups", "created_at_ms", "revoked_at_ms")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KEY_PREFIX_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_MS_FIELD_NUMBER: _ClassVar[int]
    id: int
    name: str
    key_prefix: str
    role: AdminRole
    groups: _containers.RepeatedScalarFieldContainer[str]
    created_at_ms: int
    revoked_at_ms: int
    def __init__(self, id: _Optional[int] = ..., name: _Optional[str] = ..., key_prefix: _Optional[str] = ..., role: _Optional[_Union[AdminRole, str]] = ..., groups: _Optional[_Iterable[str]] = ..., created_at_ms: _Optional[int] = ..., revoked_at_ms: _Optional[int] = ...) -> None: ...

class CreateAdminKeyRequest(_message.Message):
    __slots__ = ("name", "role", "groups")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    name: str
    role: AdminRole
    groups: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., role: _Optional[_Union[AdminRole, str]] = ..., groups: _Optional[_Iterable[str]] = ...) -> None: ...

class CreateAdminKeyResponse(_message.Message):
    __slots__ = ("admin_key", "key")
    ADMIN_KEY_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    admin_key: AdminKey
    key: str
    def __init__(self, admin_key: _Optional[_Union[AdminKey, _Mapping]] = ..., key: _Optional[str] = ...) -> None: ...

class ListAdminKeysRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListAdminKeysResponse(_message.Message):
    __slots__ = ("admin_keys",)
    ADMIN_KEYS_FIELD_NUMBER: _ClassVar[int]
    admin_keys: _containers.RepeatedCompositeFieldContainer[AdminKey]
    def __init__(self, admin_keys: _Optional[_Iterable[_Union[AdminKey, _Mapping]]] = ...) -> None: ...

class RevokeAdminKeyRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: int
    def __init__(self, id: _Optional[int] = ...) -> None: ...

class WhoAmIRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class AuditEvent(_message.Message):
    __slots__ = ("id", "at_ms", "key_id", "key_name", "client_address", "action", "object_kind", "object_id", "diff_json")
    ID_FIELD_NUMBER: _ClassVar[int]
    AT_MS_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_NAME_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    OBJECT_KIND_FIELD_NUMBER: _ClassVar[int]
    OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    DIFF_JSON_FIELD_NUMBER: _ClassVar[int]
    id: int
    at_ms: int
    key_id: int
    key_name: str
    client_address: str
    action: str
    object_kind: str
    object_id: str
    diff_json: str
    def __init__(self, id: _Optional[int] = ..., at_ms: _Optional[int] = ..., key_id: _Optional[int] = ..., key_name: _Optional[str] = ..., client_address: _Optional[str] = ..., action: _Optional[str] = ..., object_kind: _Optional[str] = ..., object_id: _Optional[str] = ..., diff_json: _Optional[str] = ...) -> None: ...

class ListAuditEventsRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "key_id", "object_kind", "object_id", "start_ms", "end_ms")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    OBJECT_KIND_FIELD_NUMBER: _ClassVar[int]
    OBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    START_MS_FIELD_NUMBER: _ClassVar[int]
    END_MS_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    key_id: int
    object_kind: str
    object_id: str
    start_ms: int
    end_ms: int
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., key_id: _Optional[int] = ..., object_kind: _Optional[str] = ..., object_id: _Optional[str] = ..., start_ms: _Optional[int] = ..., end_ms: _Optional[int] = ...) -> None: ...

class ListAuditEventsResponse(_message.Message):
    __slots__ = ("events", "next_page_token", "total_size")
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SIZE_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[AuditEvent]
    next_page_token: str
    total_size: int
    def __init__(self, events: _Optional[_Iterable[_Union[AuditEvent, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total_size: _Optional[int] = ...) -> None: ...
